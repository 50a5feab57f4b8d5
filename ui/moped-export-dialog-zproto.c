/* moped-export-dialog-zproto.c: the export dialog's zproto page: a codec model per protocol, planned, then written.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-ui"

#include "config.h"

#include <string.h>

#include "moped-diagnostic.h"
#include "moped-export-dialog-private.h"
#include "moped-staging.h"
#include "moped-zproto.h"

typedef struct
{
  char              *file_name;
  char              *xml;
  MopedExportAction  action;
  gboolean           blocked;  /* would lose a file edited by hand, or not Moped's */
  char              *note;
} ZprotoFile;

struct _MopedZprotoPlan
{
  char      *directory;
  gboolean   force;
  GPtrArray *errors;    /* char * */
  GPtrArray *warnings;  /* char *: what zproto could not take as it is */
  GPtrArray *files;     /* ZprotoFile * */
  gboolean   done;
  GError    *error;     /* why writing failed */
};

static void
zproto_file_free (gpointer data)
{
  ZprotoFile *file = data;

  g_free (file->file_name);
  g_free (file->xml);
  g_free (file->note);
  g_free (file);
}

void
_moped_zproto_plan_free (MopedZprotoPlan *plan)
{
  g_free (plan->directory);
  g_ptr_array_unref (plan->errors);
  g_ptr_array_unref (plan->warnings);
  g_ptr_array_unref (plan->files);
  g_clear_error (&plan->error);
  g_free (plan);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MopedZprotoPlan, _moped_zproto_plan_free)

static MopedExportDestination *
zproto_destination (MopedExportDialog *self)
{
  return &self->zproto_folder;
}

/* What writing @xml over whatever is at @path would do; the same rules as `moped
 * export zproto`: a model nobody touched is replaced, anything else only by force. */
static void
plan_file (ZprotoFile *file,
           const char *path,
           gboolean    force)
{
  g_autofree char *contents = NULL;

  file->blocked = FALSE;
  g_clear_pointer (&file->note, g_free);
  if (!g_file_get_contents (path, &contents, NULL, NULL))
    {
      file->action = MOPED_EXPORT_CREATE;
      return;
    }
  if (g_str_equal (contents, file->xml))
    {
      file->action = MOPED_EXPORT_UNCHANGED;
      return;
    }
  file->action = MOPED_EXPORT_REWRITE;
  switch (moped_zproto_file_state (contents))
    {
    case MOPED_ZPROTO_FILE_FOREIGN:
      file->note = g_strdup ("not written by Moped");
      file->blocked = !force;
      break;
    case MOPED_ZPROTO_FILE_EDITED:
      file->note = g_strdup ("edited by hand since the last export");
      file->blocked = !force;
      break;
    case MOPED_ZPROTO_FILE_PRISTINE:
    default:
      break;
    }
}

/* ---- planning, on a worker thread ---------------------------------------------------- */

typedef struct
{
  char     *directory;
  gboolean  force;
} PlanJob;

static void
plan_job_free (gpointer data)
{
  PlanJob *job = data;

  g_free (job->directory);
  g_free (job);
}

static void
add_design_errors (MopedZprotoPlan *plan,
                   MopedDesign     *design)
{
  g_autoptr(GPtrArray) diagnostics = moped_validate (design);

  for (guint i = 0; i < diagnostics->len; i++)
    {
      const MopedDiagnostic *diagnostic = g_ptr_array_index (diagnostics, i);

      if (diagnostic->severity == MOPED_SEVERITY_ERROR)
        g_ptr_array_add (plan->errors, g_strdup (diagnostic->message));
    }
}

static gpointer
plan_work (MopedDesign   *design,
           gpointer       input,
           GCancellable  *cancellable,
           GError       **error)
{
  PlanJob *job = input;
  MopedZprotoPlan *plan = g_new0 (MopedZprotoPlan, 1);
  g_autoptr(GPtrArray) models = moped_zproto_export (design);

  plan->directory = g_strdup (job->directory);
  plan->force = job->force;
  plan->errors = g_ptr_array_new_with_free_func (g_free);
  plan->warnings = g_ptr_array_new_with_free_func (g_free);
  plan->files = g_ptr_array_new_with_free_func (zproto_file_free);
  add_design_errors (plan, design);
  if (models->len == 0)
    g_ptr_array_add (plan->errors, g_strdup ("The design has no protocol to export."));
  if (g_file_test (job->directory, G_FILE_TEST_EXISTS) && !g_file_test (job->directory, G_FILE_TEST_IS_DIR))
    g_ptr_array_add (plan->errors, g_strdup_printf ("%s exists and is not a folder.", job->directory));
  for (guint i = 0; i < models->len; i++)
    {
      MopedZprotoModel *model = g_ptr_array_index (models, i);
      ZprotoFile *file = g_new0 (ZprotoFile, 1);
      g_autofree char *path = g_build_filename (job->directory, model->file_name, NULL);

      file->file_name = g_strdup (model->file_name);
      file->xml = g_strdup (model->xml);
      plan_file (file, path, job->force);
      if (file->blocked)
        g_ptr_array_add (plan->errors, g_strdup_printf ("%s was %s: it would be lost.", file->file_name, file->note));
      for (guint w = 0; w < model->warnings->len; w++)
        g_ptr_array_add (plan->warnings, g_strdup_printf ("%s: %s", model->file_name,
                                                          (const char *) g_ptr_array_index (model->warnings, w)));
      g_ptr_array_add (plan->files, file);
    }
  return plan;
}

static void
show_plan (MopedExportDialog *self,
           MopedZprotoPlan   *plan,
           const char        *title)
{
  guint counts[MOPED_EXPORT_REMOVE + 1] = { 0 };
  gboolean blocked = FALSE;
  g_autofree char *summary = NULL;

  _moped_export_plan_view_clear (&self->zproto_view);
  for (guint i = 0; i < plan->files->len; i++)
    {
      ZprotoFile *file = g_ptr_array_index (plan->files, i);

      counts[file->action]++;
      blocked |= file->blocked;
    }
  if (plan->errors->len > 0)
    {
      summary = g_strdup (blocked ? "Files in this folder would be lost. Turn on Overwrite Changed Files to "
                                    "replace them anyway, or choose another folder. Nothing was written."
                                  : "Fix these problems in the design first. Nothing was written.");
      _moped_export_plan_view_set_title (&self->zproto_view, "Cannot Export", summary);
    }
  else
    {
      g_autofree char *counted = _moped_export_plan_summary (counts);

      summary = plan->done ? g_strdup (counted)
                           : g_strdup_printf ("%s Nothing is written until you press Export.", counted);
      _moped_export_plan_view_set_title (&self->zproto_view, title, summary);
    }
  for (guint i = 0; i < plan->errors->len; i++)
    _moped_export_plan_view_add_problem (&self->zproto_view, TRUE, g_ptr_array_index (plan->errors, i));
  for (guint i = 0; i < plan->warnings->len; i++)
    _moped_export_plan_view_add_problem (&self->zproto_view, FALSE, g_ptr_array_index (plan->warnings, i));
  for (guint i = 0; i < plan->files->len; i++)
    {
      ZprotoFile *file = g_ptr_array_index (plan->files, i);

      _moped_export_plan_view_add_file (&self->zproto_view, file->action, file->file_name, file->note,
                                        file->blocked);
    }
}

static void
plan_done (MopedExportDialog *self,
           gpointer           output,
           const GError      *error,
           gpointer           input)
{
  PlanJob *job = input;
  g_autoptr(MopedZprotoPlan) made = output;
  g_autofree char *current = _moped_export_destination_dup_path (&self->zproto_folder);

  if (g_strcmp0 (current, job->directory) != 0 || gtk_switch_get_active (self->zproto_force) != job->force)
    {
      self->replan = TRUE;
      return;
    }
  if (error != NULL)
    {
      _moped_export_outcome_failure (&self->zproto_outcome, "Could Not Plan the Export", error->message);
      return;
    }
  g_clear_pointer (&self->zproto_plan, _moped_zproto_plan_free);
  self->zproto_plan = g_steal_pointer (&made);
  show_plan (self, self->zproto_plan, "Plan");
}

static void
plan (MopedExportDialog *self)
{
  PlanJob *job;

  g_clear_pointer (&self->zproto_plan, _moped_zproto_plan_free);
  _moped_export_plan_view_clear (&self->zproto_view);
  if (self->zproto_folder.file == NULL)
    return;
  job = g_new0 (PlanJob, 1);
  job->directory = _moped_export_destination_dup_path (&self->zproto_folder);
  job->force = gtk_switch_get_active (self->zproto_force);
  if (job->directory == NULL)
    {
      plan_job_free (job);
      _moped_export_outcome_failure (&self->zproto_outcome, "Nowhere to Export To",
                                     "Choose a folder on this computer's disks.");
      return;
    }
  if (!_moped_export_dialog_start (self, "plan-zproto", TRUE, plan_work, plan_done, job, plan_job_free,
                                   (GDestroyNotify) _moped_zproto_plan_free))
    self->replan = TRUE;
}

static void
zproto_changed (MopedExportDialog *self)
{
  g_autofree char *current = _moped_export_destination_dup_path (&self->zproto_folder);

  _moped_export_destination_update (&self->zproto_folder);
  /* The plan on show (carried out or not) stands until the folder or the switch changes. */
  if (self->zproto_plan != NULL && g_strcmp0 (self->zproto_plan->directory, current) == 0)
    return;
  plan (self);
}

static void
on_force_changed (MopedExportDialog *self)
{
  g_clear_pointer (&self->zproto_plan, _moped_zproto_plan_free);
  _moped_export_outcome_clear (&self->zproto_outcome);
  if (self->busy)
    self->replan = TRUE;
  else
    zproto_changed (self);
  _moped_export_dialog_update (self);
}

static void
zproto_refresh (MopedExportDialog *self)
{
  g_autoptr(GFile) folder = _moped_export_dialog_default_folder (self);
  g_autofree char *base = _moped_export_dialog_base_name (self);
  g_autofree char *name = g_strdup_printf ("%s-zproto", base);

  _moped_export_destination_propose (&self->zproto_folder, folder, name);
  g_clear_pointer (&self->zproto_plan, _moped_zproto_plan_free);
  _moped_export_plan_view_clear (&self->zproto_view);
  _moped_export_outcome_clear (&self->zproto_outcome);
}

static gboolean
zproto_can_run (MopedExportDialog *self)
{
  return self->zproto_plan != NULL && self->zproto_plan->errors->len == 0 && !self->zproto_plan->done;
}

/* ---- writing, on a worker thread ------------------------------------------------------ */

/* Every file as it was planned, else nothing: a file that changed since means the
 * person has not seen what would happen to it. The files are written all or nothing
 * through a staging folder (moped-staging.h), as `moped export zproto` writes them. */
static gboolean
write_plan (MopedZprotoPlan  *plan,
            GError          **error)
{
  g_autoptr(MopedStaging) staging = NULL;

  for (guint i = 0; i < plan->files->len; i++)
    {
      ZprotoFile *file = g_ptr_array_index (plan->files, i);
      g_autofree char *path = g_build_filename (plan->directory, file->file_name, NULL);
      ZprotoFile now = { file->file_name, file->xml, 0, FALSE, NULL };

      plan_file (&now, path, plan->force);
      g_free (now.note);
      if (now.action != file->action || now.blocked != file->blocked)
        {
          g_set_error (error, MOPED_EXPORT_ERROR, MOPED_EXPORT_ERROR_CHANGED,
                       "%s changed after the export was planned; nothing was written", path);
          return FALSE;
        }
    }
  staging = moped_staging_new (plan->directory, error);
  if (staging == NULL)
    return FALSE;
  for (guint i = 0; i < plan->files->len; i++)
    {
      ZprotoFile *file = g_ptr_array_index (plan->files, i);

      if (file->action != MOPED_EXPORT_UNCHANGED &&
          !moped_staging_write (staging, file->file_name, file->xml, strlen (file->xml), error))
        return FALSE;
    }
  return moped_staging_commit (staging, error);
}

static gpointer
run_work (MopedDesign   *design,
          gpointer       input,
          GCancellable  *cancellable,
          GError       **error)
{
  MopedZprotoPlan **slot = input;
  MopedZprotoPlan *plan = g_steal_pointer (slot);

  plan->done = write_plan (plan, &plan->error);
  return plan;
}

static void
run_slot_free (gpointer data)
{
  MopedZprotoPlan **slot = data;

  g_clear_pointer (slot, _moped_zproto_plan_free);
  g_free (slot);
}

static void
run_done (MopedExportDialog *self,
          gpointer           output,
          const GError      *error,
          gpointer           input)
{
  g_autoptr(MopedZprotoPlan) plan = output;
  g_autoptr(GFile) folder = g_file_new_for_path (plan->directory);
  g_autoptr(GFile) parent = g_file_get_parent (folder);
  g_autofree char *shown = NULL;
  g_autofree char *detail = NULL;
  guint n = 0;

  if (plan->error != NULL)
    {
      gboolean changed = g_error_matches (plan->error, MOPED_EXPORT_ERROR, MOPED_EXPORT_ERROR_CHANGED);

      _moped_export_outcome_failure (&self->zproto_outcome,
                                     changed ? "The Folder Changed" : "Could Not Export the zproto Models",
                                     plan->error->message);
      if (changed)
        self->replan = TRUE;
      else
        {
          g_clear_error (&plan->error);
          g_clear_pointer (&self->zproto_plan, _moped_zproto_plan_free);
          self->zproto_plan = g_steal_pointer (&plan);
        }
      return;
    }
  for (guint i = 0; i < plan->files->len; i++)
    n += ((ZprotoFile *) g_ptr_array_index (plan->files, i))->action != MOPED_EXPORT_UNCHANGED;
  _moped_export_dialog_remember_folder (self, parent);
  _moped_export_destination_update (&self->zproto_folder);
  shown = _moped_export_display_path (folder);
  detail = g_strdup_printf ("%u model%s written in %s. zproto's GSL templates generate codecs from them.",
                            n, n == 1 ? "" : "s", shown);
  show_plan (self, plan, "Done");
  g_clear_pointer (&self->zproto_plan, _moped_zproto_plan_free);
  self->zproto_plan = g_steal_pointer (&plan);
  _moped_export_outcome_success (&self->zproto_outcome, "Exported the zproto Models", detail, folder);
}

static void
zproto_run (MopedExportDialog *self)
{
  MopedZprotoPlan **slot = g_new0 (MopedZprotoPlan *, 1);

  *slot = g_steal_pointer (&self->zproto_plan);
  _moped_export_outcome_clear (&self->zproto_outcome);
  _moped_export_dialog_start (self, MOPED_EXPORT_TARGET_ZPROTO, FALSE, run_work, run_done, slot, run_slot_free,
                              (GDestroyNotify) _moped_zproto_plan_free);
}

static GtkWidget *
zproto_build (MopedExportDialog *self)
{
  GtkWidget *content;
  GtkWidget *page = _moped_export_page_new ("zproto Models",
    "One codec model per protocol, for zproto's code generators. What a codec model has no place "
    "for (who sends a command, the flows, the topology) is noted in each model, and anything zproto "
    "could not take as it is shows here before you export.",
    &content);
  GtkWidget *group = _moped_export_group_new (content, NULL);
  GtkWidget *force = gtk_switch_new ();

  _moped_export_destination_init (self, &self->zproto_folder, group, "Folder", TRUE);
  self->zproto_force = GTK_SWITCH (force);
  _moped_export_row_new (group, "Overwrite Changed Files",
                         "Replace models edited by hand, and files Moped did not write", force, NULL);
  g_signal_connect_swapped (force, "notify::active", G_CALLBACK (on_force_changed), self);
  _moped_export_outcome_init (self, &self->zproto_outcome, content, "_Open Folder");
  _moped_export_plan_view_init (&self->zproto_view, content);
  return page;
}

const MopedExportPage _moped_export_zproto_page = {
  MOPED_EXPORT_TARGET_ZPROTO,
  "zproto Models",
  zproto_build,
  zproto_refresh,
  zproto_changed,
  zproto_can_run,
  zproto_run,
  zproto_destination,
};
