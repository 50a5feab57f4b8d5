/* moped-export-plan.c: the one plan of a folder export: what each file gets, what is refused, and writing it all or nothing.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The rules every folder exporter shares live here, once: a generated file is created,
 * left alone when up to date, or rewritten; one that is not as Moped left it is only
 * replaced with FORCE, and the refusal says so in the same words for the command line
 * and the dialog. The exporters (moped-export-c.c, moped-zproto.c) say which files there
 * are and generate their text again when the plan runs.
 */
#define G_LOG_DOMAIN "moped-export"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "moped-diagnostic.h"
#include "moped-export-c.h"
#include "moped-export-plan-private.h"
#include "moped-zproto.h"

G_DEFINE_QUARK (moped-export-error-quark, moped_export_error)

typedef MopedExportPlan *(*PlanFunc) (MopedDesign      *design,
                                      const char       *directory,
                                      MopedExportFlags  flags);

static const struct
{
  const char *name;
  PlanFunc    plan;
} targets[] = {
  { "c", moped_export_c_plan },
  { "zproto", moped_zproto_export_plan },
};

static const char * const target_names[] = { "c", "zproto", NULL };

G_STATIC_ASSERT (G_N_ELEMENTS (target_names) == G_N_ELEMENTS (targets) + 1);

/* ---- for the exporters ------------------------------------------------------------------ */

static void
entry_free (gpointer data)
{
  MopedExportEntry *e = data;

  g_free (e->file.path);
  g_free (e->file.note);
  g_free (e->file.diff);
  g_clear_pointer (&e->skip, g_hash_table_unref);
  g_free (e->write_hash);
  g_free (e->seen);
  g_free (e->seen_hash);
  g_free (e->manifest_line);
  g_free (e->source);
  g_free (e);
}

MopedExportPlan *
_moped_export_plan_new (const MopedExportKind *kind,
                        MopedDesign           *design,
                        const char            *directory,
                        MopedExportFlags       flags)
{
  MopedExportPlan *plan = g_new0 (MopedExportPlan, 1);

  plan->kind = kind;
  plan->design = g_object_ref (design);
  plan->flags = flags;
  plan->directory = g_strdup (directory);
  plan->entries = g_ptr_array_new_with_free_func (entry_free);
  plan->errors = g_ptr_array_new_with_free_func (g_free);
  plan->warnings = g_ptr_array_new_with_free_func (g_free);
  return plan;
}

void
_moped_export_plan_check_directory (MopedExportPlan *plan)
{
  if (g_file_test (plan->directory, G_FILE_TEST_EXISTS) && !g_file_test (plan->directory, G_FILE_TEST_IS_DIR))
    g_ptr_array_add (plan->errors, g_strdup_printf ("%s exists and is not a directory", plan->directory));
}

void
_moped_export_design_errors (MopedDesign *design,
                             GPtrArray   *errors)
{
  g_autoptr(GPtrArray) diagnostics = moped_validate (design);

  for (guint i = 0; i < diagnostics->len; i++)
    {
      const MopedDiagnostic *d = g_ptr_array_index (diagnostics, i);

      if (d->severity != MOPED_SEVERITY_ERROR)
        continue;
      if (d->hint != NULL && *d->hint != '\0')
        g_ptr_array_add (errors, g_strdup_printf ("%s (%s; %s)", d->message, d->code, d->hint));
      else
        g_ptr_array_add (errors, g_strdup_printf ("%s (%s)", d->message, d->code));
    }
}

/* A 64-bit checksum (FNV-1a's constants, over 8-byte words): a plan only needs to
 * recognise changes, and a cryptographic hash of every file would be most of the time
 * an export takes. */
char *
_moped_export_hash (const char *text,
                    gsize       length)
{
  guint64 hash = G_GUINT64_CONSTANT (0xcbf29ce484222325) ^ length;
  gsize i = 0;

  for (; i + 8 <= length; i += 8)
    {
      guint64 word;

      memcpy (&word, text + i, 8);
      hash = (hash ^ GUINT64_FROM_LE (word)) * G_GUINT64_CONSTANT (0x100000001b3);
      hash ^= hash >> 29;
    }
  for (; i < length; i++)
    hash = (hash ^ (guchar) text[i]) * G_GUINT64_CONSTANT (0x100000001b3);
  return g_strdup_printf ("%016" G_GINT64_MODIFIER "x", hash);
}

/* What identifies a file's version without reading it: any write changes its change
 * time (which no one can set), a replacement its inode. FALSE if there is no file. */
static gboolean
file_stamp (const char *path,
            gint64      stamp[5])
{
  struct stat st;

  if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
    return FALSE;
  stamp[0] = (gint64) st.st_dev;
  stamp[1] = (gint64) st.st_ino;
  stamp[2] = (gint64) st.st_size;
  stamp[3] = (gint64) st.st_ctim.tv_sec * G_GINT64_CONSTANT (1000000000) + st.st_ctim.tv_nsec;
  stamp[4] = (gint64) st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st.st_mtim.tv_nsec;
  return TRUE;
}

MopedExportEntry *
_moped_export_plan_add_entry (MopedExportPlan *plan,
                              const char      *path,
                              gboolean         user_file)
{
  MopedExportEntry *e = g_new0 (MopedExportEntry, 1);
  g_autofree char *full = g_build_filename (plan->directory, path, NULL);

  e->file.path = g_strdup (path);
  e->file.user_file = user_file;
  /* Stamped before reading: a write during the read changes the stamp after it. A file
   * changed in the last seconds is read again before running anyway: two writes within
   * one tick of the file system's clock can leave the same times (git's "racy" files). */
  if (!file_stamp (full, e->seen_stamp) ||
      e->seen_stamp[3] > g_get_real_time () * 1000 - 2 * G_GINT64_CONSTANT (1000000000))
    memset (e->seen_stamp, 0, sizeof e->seen_stamp);
  e->existed = g_file_get_contents (full, &e->seen, &e->seen_length, NULL);
  if (e->existed)
    e->seen_hash = _moped_export_hash (e->seen, e->seen_length);
  g_ptr_array_add (plan->entries, e);
  return e;
}

void
_moped_export_plan_generated (MopedExportPlan   *plan,
                              MopedExportEntry  *e,
                              const char        *text,
                              gsize              length,
                              const char        *hash,
                              MopedExportOrigin  origin)
{
  if (!e->existed)
    {
      e->file.action = MOPED_EXPORT_CREATE;
      e->write_hash = hash != NULL ? g_strdup (hash) : _moped_export_hash (text, length);
      return;
    }
  if (e->seen_length == length && memcmp (e->seen, text, length) == 0)
    {
      e->file.action = MOPED_EXPORT_UNCHANGED;
      return;
    }
  e->file.action = MOPED_EXPORT_REWRITE;
  e->write_hash = hash != NULL ? g_strdup (hash) : _moped_export_hash (text, length);
  switch (origin)
    {
    case MOPED_EXPORT_ORIGIN_FOREIGN:
      e->file.note = g_strdup ("exists, but Moped did not write it");
      break;
    case MOPED_EXPORT_ORIGIN_USER:
      e->file.note = g_strdup ("was your file in an earlier export");
      break;
    case MOPED_EXPORT_ORIGIN_EDITED:
      e->file.note = g_strdup ("edited by hand since the last export: those edits would be lost");
      break;
    case MOPED_EXPORT_ORIGIN_MOPED:
    default:
      return;
    }
  e->file.blocked = (plan->flags & MOPED_EXPORT_FORCE) == 0;
}

void
_moped_export_plan_close (MopedExportPlan *plan)
{
  for (guint i = 0; i < plan->entries->len; i++)
    {
      MopedExportEntry *e = g_ptr_array_index (plan->entries, i);

      /* Only what the file held is kept (its checksum), not the file. */
      g_clear_pointer (&e->seen, g_free);
      if (e->file.blocked)
        g_ptr_array_add (plan->errors,
          g_strdup_printf ("%s %s; export with --force to %s it anyway", e->file.path, e->file.note,
                           e->file.action == MOPED_EXPORT_APPEND ? "append to" : "overwrite"));
    }
  g_ptr_array_add (plan->errors, NULL);
  g_ptr_array_add (plan->warnings, NULL);
}

gboolean
_moped_export_plan_stage (MopedExportPlan   *plan,
                          MopedStaging      *staging,
                          MopedExportEntry  *e,
                          const char        *text,
                          gsize              length,
                          GError           **error)
{
  g_autofree char *hash = _moped_export_hash (text, length);

  if (e->write_hash == NULL || !g_str_equal (hash, e->write_hash))
    {
      g_set_error (error, MOPED_EXPORT_ERROR, MOPED_EXPORT_ERROR_CHANGED,
                   "the design changed after the export was planned; nothing was written");
      return FALSE;
    }
  if (!moped_staging_write (staging, e->file.path, text, length, error))
    return FALSE;
  e->written = TRUE;
  return TRUE;
}

/* ---- planning and running --------------------------------------------------------------- */

const char * const *
moped_export_plan_get_targets (void)
{
  return target_names;
}

MopedExportPlan *
moped_export_plan_new (const char       *target,
                       MopedDesign      *design,
                       const char       *directory,
                       MopedExportFlags  flags)
{
  g_return_val_if_fail (target != NULL, NULL);
  g_return_val_if_fail (MOPED_IS_DESIGN (design), NULL);
  g_return_val_if_fail (directory != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    if (g_str_equal (targets[i].name, target))
      return targets[i].plan (design, directory, flags);
  return NULL;
}

static gboolean
unchanged_since_planning (MopedExportPlan *plan,
                          GError         **error)
{
  for (guint i = 0; i < plan->entries->len; i++)
    {
      MopedExportEntry *e = g_ptr_array_index (plan->entries, i);
      g_autofree char *full = g_build_filename (plan->directory, e->file.path, NULL);
      g_autofree char *current = NULL;
      g_autofree char *current_hash = NULL;
      gsize length = 0;
      gint64 stamp[5];
      gboolean exists;

      /* The same file, not written since it was read: no need to read it again (a
       * re-export of a large design reads thousands). */
      if (e->existed && e->seen_stamp[1] != 0 && file_stamp (full, stamp) &&
          memcmp (stamp, e->seen_stamp, sizeof stamp) == 0)
        continue;
      exists = e->existed ? g_file_get_contents (full, &current, &length, NULL)
                          : g_file_test (full, G_FILE_TEST_EXISTS);

      if (exists && e->existed)
        current_hash = _moped_export_hash (current, length);
      if (exists != e->existed ||
          (exists && (length != e->seen_length || !g_str_equal (current_hash, e->seen_hash))))
        {
          g_set_error (error, MOPED_EXPORT_ERROR, MOPED_EXPORT_ERROR_CHANGED,
                       "%s changed after the export was planned; nothing was written", full);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
moped_export_plan_run (MopedExportPlan  *plan,
                       GError          **error)
{
  g_autoptr(MopedStaging) staging = NULL;

  g_return_val_if_fail (plan != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!moped_export_plan_can_run (plan))
    {
      g_set_error (error, MOPED_EXPORT_ERROR, MOPED_EXPORT_ERROR_REFUSED,
                   "%s", (const char *) g_ptr_array_index (plan->errors, 0));
      return FALSE;
    }
  if (!unchanged_since_planning (plan, error))
    return FALSE;
  /* All or nothing: every file is written into a staging folder first, and moved into
   * place only when all were written (a full disk stops the export before it changed
   * anything, and never leaves an empty file). */
  staging = moped_staging_new (plan->directory, error);
  if (staging == NULL)
    return FALSE;
  for (guint i = 0; i < plan->entries->len; i++)
    ((MopedExportEntry *) g_ptr_array_index (plan->entries, i))->written = FALSE;
  if (!plan->kind->write (plan, staging, error))
    return FALSE;
  for (guint i = 0; i < plan->entries->len; i++)
    {
      MopedExportEntry *e = g_ptr_array_index (plan->entries, i);

      if (e->write_hash != NULL && !e->written)
        {
          g_set_error (error, MOPED_EXPORT_ERROR, MOPED_EXPORT_ERROR_CHANGED,
                       "the design changed after the export was planned; nothing was written");
          return FALSE;
        }
      if (e->file.action == MOPED_EXPORT_REMOVE)
        moped_staging_remove (staging, e->file.path);
    }
  if (plan->kind->finish != NULL && !plan->kind->finish (plan, staging, error))
    return FALSE;
  if (!moped_staging_commit (staging, error))
    return FALSE;
  plan->done = TRUE;
  return TRUE;
}

/* ---- reading a plan --------------------------------------------------------------------- */

const char *
moped_export_action_get_name (MopedExportAction action)
{
  switch (action)
    {
    case MOPED_EXPORT_CREATE:
      return "create";
    case MOPED_EXPORT_REWRITE:
      return "rewrite";
    case MOPED_EXPORT_UNCHANGED:
      return "unchanged";
    case MOPED_EXPORT_KEEP:
      return "keep";
    case MOPED_EXPORT_APPEND:
      return "append";
    case MOPED_EXPORT_REMOVE:
      return "remove";
    default:
      g_return_val_if_reached ("?");
    }
}

const char *
moped_export_plan_get_target (MopedExportPlan *plan)
{
  g_return_val_if_fail (plan != NULL, NULL);
  return plan->kind->target;
}

const char *
moped_export_plan_get_directory (MopedExportPlan *plan)
{
  g_return_val_if_fail (plan != NULL, NULL);
  return plan->directory;
}

MopedExportFlags
moped_export_plan_get_flags (MopedExportPlan *plan)
{
  g_return_val_if_fail (plan != NULL, 0);
  return plan->flags;
}

guint
moped_export_plan_get_n_files (MopedExportPlan *plan)
{
  g_return_val_if_fail (plan != NULL, 0);
  return plan->entries->len;
}

const MopedExportFile *
moped_export_plan_get_file (MopedExportPlan *plan,
                            guint            index)
{
  g_return_val_if_fail (plan != NULL, NULL);
  g_return_val_if_fail (index < plan->entries->len, NULL);
  return &((MopedExportEntry *) g_ptr_array_index (plan->entries, index))->file;
}

guint
moped_export_plan_count_written (MopedExportPlan *plan)
{
  guint n = 0;

  g_return_val_if_fail (plan != NULL, 0);
  for (guint i = 0; i < plan->entries->len; i++)
    {
      MopedExportAction action = ((MopedExportEntry *) g_ptr_array_index (plan->entries, i))->file.action;

      n += action != MOPED_EXPORT_UNCHANGED && action != MOPED_EXPORT_KEEP;
    }
  return n;
}

const char * const *
moped_export_plan_get_errors (MopedExportPlan *plan)
{
  g_return_val_if_fail (plan != NULL, NULL);
  return (const char * const *) plan->errors->pdata;
}

const char * const *
moped_export_plan_get_warnings (MopedExportPlan *plan)
{
  g_return_val_if_fail (plan != NULL, NULL);
  return (const char * const *) plan->warnings->pdata;
}

gboolean
moped_export_plan_can_run (MopedExportPlan *plan)
{
  g_return_val_if_fail (plan != NULL, FALSE);
  return g_ptr_array_index (plan->errors, 0) == NULL;
}

gboolean
moped_export_plan_is_blocked (MopedExportPlan *plan)
{
  g_return_val_if_fail (plan != NULL, FALSE);
  for (guint i = 0; i < plan->entries->len; i++)
    if (((MopedExportEntry *) g_ptr_array_index (plan->entries, i))->file.blocked)
      return TRUE;
  return FALSE;
}

gboolean
moped_export_plan_is_done (MopedExportPlan *plan)
{
  g_return_val_if_fail (plan != NULL, FALSE);
  return plan->done;
}

void
moped_export_plan_free (MopedExportPlan *plan)
{
  if (plan == NULL)
    return;
  if (plan->data != NULL && plan->kind->free_data != NULL)
    plan->kind->free_data (plan->data);
  g_clear_object (&plan->design);
  g_free (plan->directory);
  g_ptr_array_unref (plan->entries);
  g_ptr_array_unref (plan->errors);
  g_ptr_array_unref (plan->warnings);
  g_free (plan);
}
