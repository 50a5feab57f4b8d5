/* moped-export-plan.h: what an export into a folder will write, keep or refuse, decided before anything is written.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Every exporter that writes a folder (the C skeleton, the zproto models) makes one of
 * these, and the command line (`moped export TARGET`) and the export dialog both show
 * and carry out the same plan: the same file list, the same actions, the same refusals
 * (a generated file edited by hand, a file Moped did not write, unless FORCE). Running
 * a plan writes exactly what was planned, all or nothing (through moped-staging.h),
 * after checking that no file changed since planning.
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

GQuark                 moped_export_error_quark        (void);
const char            *moped_export_action_get_name    (MopedExportAction action); /* "create" */

/* The exporters that write a folder, by the names `moped export` takes ("c",
 * "zproto"): NULL-terminated. */
const char * const    *moped_export_plan_get_targets   (void);
/* What exporting @design as @target into @directory would do, without writing
 * anything. NULL only for an unknown @target; when the export cannot be done,
 * moped_export_plan_get_errors says why (errors in the design, files that would be
 * lost). */
MopedExportPlan       *moped_export_plan_new           (const char       *target,
                                                        MopedDesign      *design,
                                                        const char       *directory,
                                                        MopedExportFlags  flags);
/* Carry out a plan. Fails with MOPED_EXPORT_ERROR_REFUSED when the plan has errors,
 * MOPED_EXPORT_ERROR_CHANGED when a file (or the design) changed since the plan was
 * made; nothing is written then. Either every planned file is written, or none. */
gboolean               moped_export_plan_run           (MopedExportPlan  *plan,
                                                        GError          **error);

const char            *moped_export_plan_get_target    (MopedExportPlan  *plan);
const char            *moped_export_plan_get_directory (MopedExportPlan  *plan);
MopedExportFlags       moped_export_plan_get_flags     (MopedExportPlan  *plan);
guint                  moped_export_plan_get_n_files   (MopedExportPlan  *plan);
const MopedExportFile *moped_export_plan_get_file      (MopedExportPlan  *plan,
                                                        guint             index);
/* How many files running the plan writes (or wrote): all but the unchanged and kept. */
guint                  moped_export_plan_count_written (MopedExportPlan  *plan);
/* Why the plan cannot run: NULL-terminated, empty when it can. */
const char * const    *moped_export_plan_get_errors    (MopedExportPlan  *plan);
/* What the user should know: handlers no longer called, flow steps the self-test
 * cannot check, names zproto could not take. NULL-terminated. */
const char * const    *moped_export_plan_get_warnings  (MopedExportPlan  *plan);
gboolean               moped_export_plan_can_run       (MopedExportPlan  *plan);
/* Whether some file is refused (blocked) rather than the design: FORCE would let it run. */
gboolean               moped_export_plan_is_blocked    (MopedExportPlan  *plan);
/* Whether moped_export_plan_run has written it. */
gboolean               moped_export_plan_is_done       (MopedExportPlan  *plan);
void                   moped_export_plan_free          (MopedExportPlan  *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MopedExportPlan, moped_export_plan_free)

G_END_DECLS
