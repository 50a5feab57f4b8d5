/* moped-export-plan-private.h: how an exporter fills in and carries out a MopedExportPlan (export/ only).
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * An exporter that writes a folder gives a MopedExportKind (its name and how it writes
 * the planned files) and plans each file with the helpers below; the plan object reads
 * the folder, decides create / rewrite / unchanged and what is refused, checks before
 * running that nothing changed, and stages and commits. A plan holds no file contents:
 * running generates the files again and each must hash to what was planned, so memory
 * stays flat however large the design. Reports an exporter adds later (renamed
 * functions, orphaned files) hang off the plan as warnings or as notes of its files.
 */
#pragma once

#include "moped-export-plan.h"
#include "moped-staging.h"

G_BEGIN_DECLS

typedef struct
{
  MopedExportFile  file;
  char            *write_hash;  /* of what to write; NULL when nothing is written */
  gboolean         written;     /* running: staged */
  gboolean         existed;     /* what planning saw, to notice later changes */
  char            *seen;        /* while planning only: the file's content, NULL if none */
  char            *seen_hash;   /* of the file's content then, NULL when it did not exist */
  gsize            seen_length;
  gint64           seen_stamp[5];  /* the file's device, inode, size, change and modification
                                    * times (ns) then: the same later means not changed */
  char            *manifest_line;  /* exporters with a manifest: the file's line in the new one */
  gboolean         apply_renames;  /* the user's file: renamed before stubs are appended */
  GHashTable      *skip;        /* the user's file: stubs not appended (renames to come) */
  char            *source;      /* the user's file moved here (its node renamed): from where */
  gboolean         renames_only;  /* the user's file outside the manifest (tests/): only renamed */
} MopedExportEntry;

/* Who wrote the file that is where a generated file goes. */
typedef enum
{
  MOPED_EXPORT_ORIGIN_MOPED,    /* exactly as Moped last wrote it */
  MOPED_EXPORT_ORIGIN_EDITED,   /* Moped's, edited by hand since */
  MOPED_EXPORT_ORIGIN_FOREIGN,  /* not written by Moped */
  MOPED_EXPORT_ORIGIN_USER,     /* the user's file in an earlier export */
} MopedExportOrigin;

typedef struct
{
  const char *target;    /* "c": the name `moped export` takes */
  /* Stages every entry that has a write_hash, with _moped_export_plan_stage. */
  gboolean  (*write)     (MopedExportPlan  *plan,
                          MopedStaging     *staging,
                          GError          **error);
  /* Optional: stages what goes last (the manifest), after every file was staged. */
  gboolean  (*finish)    (MopedExportPlan  *plan,
                          MopedStaging     *staging,
                          GError          **error);
  void      (*free_data) (gpointer          data);
} MopedExportKind;

struct _MopedExportPlan
{
  const MopedExportKind *kind;
  gpointer               data;       /* the exporter's, freed with kind->free_data */
  MopedDesign           *design;     /* generated again when the plan runs */
  MopedExportFlags       flags;
  char                  *directory;
  GPtrArray             *entries;    /* MopedExportEntry, in the order shown */
  GPtrArray             *errors;     /* char *, NULL-terminated once planned */
  GPtrArray             *warnings;   /* char *, NULL-terminated once planned */
  gboolean               done;
};

MopedExportPlan  *_moped_export_plan_new      (const MopedExportKind *kind,
                                               MopedDesign           *design,
                                               const char            *directory,
                                               MopedExportFlags       flags);
/* Errors a folder export always has: @directory exists and is not a folder. */
void              _moped_export_plan_check_directory (MopedExportPlan *plan);
/* The error diagnostics of @design, as text, added to @errors. */
void              _moped_export_design_errors (MopedDesign           *design,
                                               GPtrArray             *errors);
/* A file of the plan; what is at @path now is read into seen (and hashed). */
MopedExportEntry *_moped_export_plan_add_entry (MopedExportPlan      *plan,
                                                const char           *path,
                                                gboolean              user_file);
/* Decides a generated file that gets @text (whose _moped_export_hash is @hash, or
 * NULL to compute it): create, unchanged or rewrite; a file that is there and not as
 * Moped left it (@origin) is only rewritten with FORCE. */
void              _moped_export_plan_generated (MopedExportPlan      *plan,
                                                MopedExportEntry     *entry,
                                                const char           *text,
                                                gsize                 length,
                                                const char           *hash,
                                                MopedExportOrigin     origin);
/* Planning is over (the entries are in the order to show them): turns blocked files
 * into errors and closes the lists. */
void              _moped_export_plan_close    (MopedExportPlan       *plan);
/* Stages @text for @entry; fails with MOPED_EXPORT_ERROR_CHANGED when it is not what
 * was planned (the design changed meanwhile). */
gboolean          _moped_export_plan_stage    (MopedExportPlan       *plan,
                                               MopedStaging          *staging,
                                               MopedExportEntry      *entry,
                                               const char            *text,
                                               gsize                  length,
                                               GError               **error);
/* A 64-bit checksum of @text, as 16 hex digits. */
char             *_moped_export_hash          (const char            *text,
                                               gsize                  length);

G_END_DECLS
