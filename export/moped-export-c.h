/* moped-export-c.h: exporting a design as a C skeleton on czmq (plan first, then write).
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The output is a deterministic function of the design: the same design gives the
 * same bytes. Every file is either generated (a banner says do not edit; rewritten on
 * every export) or the user's (written once; later exports only append the handler
 * stubs of new commands). A manifest in the directory records what was generated, so
 * that hand edits are recognised and never silently lost.
 */
#pragma once

#include "moped-design.h"

G_BEGIN_DECLS

#define MOPED_EXPORT_ERROR (moped_export_error_quark ())

typedef enum
{
  MOPED_EXPORT_ERROR_REFUSED,   /* the plan has errors (see moped_export_plan_get_errors) */
  MOPED_EXPORT_ERROR_CHANGED,   /* a file changed between planning and writing */
  MOPED_EXPORT_ERROR_IO,
} MopedExportError;

typedef enum
{
  MOPED_EXPORT_FLAGS_NONE = 0,
  /* Overwrite generated files edited by hand, and files Moped did not write. */
  MOPED_EXPORT_FORCE      = 1 << 0,
  /* Rename, in the user's files, the generated names the design renamed (whole
   * identifiers only); without it they are reported. */
  MOPED_EXPORT_APPLY_RENAMES = 1 << 1,
} MopedExportFlags;

typedef enum
{
  MOPED_EXPORT_CREATE,     /* a new file */
  MOPED_EXPORT_REWRITE,    /* a generated file whose content changes */
  MOPED_EXPORT_UNCHANGED,  /* a generated file already up to date: not written */
  MOPED_EXPORT_KEEP,       /* the user's file: left as it is */
  MOPED_EXPORT_APPEND,     /* the user's file: stubs for new handlers are appended */
  MOPED_EXPORT_REMOVE,     /* a generated file the design no longer needs */
} MopedExportAction;

typedef struct
{
  char              *path;       /* relative to the directory, '/'-separated */
  MopedExportAction  action;
  gboolean           user_file;  /* the user's, never overwritten */
  gboolean           blocked;    /* would destroy something not generated: needs FORCE */
  char              *note;       /* for people: why, what is appended, what is kept */
  char              *diff;       /* the user's file: a unified diff of the renames, or NULL */
} MopedExportFile;

typedef struct _MopedExportPlan MopedExportPlan;

GQuark                 moped_export_error_quark       (void);
const char            *moped_export_action_get_name   (MopedExportAction action); /* "create" */

/* What exporting @design to @directory would do, without writing anything. Never
 * NULL; when it cannot be done, moped_export_plan_get_errors says why (errors in the
 * design, draft socket types, files that would be lost). */
MopedExportPlan       *moped_export_c_plan            (MopedDesign      *design,
                                                       const char       *directory,
                                                       MopedExportFlags  flags);
/* Carry out a plan. Fails with MOPED_EXPORT_ERROR_REFUSED when the plan has errors,
 * MOPED_EXPORT_ERROR_CHANGED when a file changed since the plan was made (nothing
 * is written then). Files are written atomically, the manifest last. */
gboolean               moped_export_plan_run          (MopedExportPlan  *plan,
                                                       GError          **error);
/* Plan and run in one go; returns the plan carried out, or NULL with @error. */
MopedExportPlan       *moped_export_c                 (MopedDesign      *design,
                                                       const char       *directory,
                                                       MopedExportFlags  flags,
                                                       GError          **error);

const char            *moped_export_plan_get_directory (MopedExportPlan *plan);
guint                  moped_export_plan_get_n_files  (MopedExportPlan  *plan);
const MopedExportFile *moped_export_plan_get_file     (MopedExportPlan  *plan,
                                                       guint             index);
/* Why the plan cannot run: NULL-terminated, empty when it can. */
const char * const    *moped_export_plan_get_errors   (MopedExportPlan  *plan);
/* What the user should know: handlers no longer called, flow steps the self-test
 * cannot check, files edited by hand. NULL-terminated. */
const char * const    *moped_export_plan_get_warnings (MopedExportPlan  *plan);
gboolean               moped_export_plan_can_run      (MopedExportPlan  *plan);
/* Whether moped_export_plan_run has written it. */
gboolean               moped_export_plan_is_done      (MopedExportPlan  *plan);
void                   moped_export_plan_free         (MopedExportPlan  *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MopedExportPlan, moped_export_plan_free)

G_END_DECLS
