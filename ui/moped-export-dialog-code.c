/* moped-export-dialog-code.c: the export dialog's C skeleton page: plan, show the plan, then write.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-ui"

#include "config.h"

#include "moped-export-dialog-private.h"

static MopedExportDestination *
code_destination (MopedExportDialog *self)
{
  return &self->code_folder;
}

static MopedExportFlags
code_flags (MopedExportDialog *self)
{
  return gtk_switch_get_active (self->code_force) ? MOPED_EXPORT_FORCE : MOPED_EXPORT_FLAGS_NONE;
}

/* The exporter speaks to the command line; here the switch is what overrides. */
static char *
for_the_dialog (const char *text)
{
  g_autoptr(GString) s = g_string_new (text);

  g_string_replace (s, "export with --force", "turn on Overwrite Changed Files", 0);
  g_string_replace (s, "--force", "Overwrite Changed Files", 0);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
show_plan (MopedExportDialog *self,
           MopedExportPlan   *plan,
           const char        *title)
{
  const char * const *errors = moped_export_plan_get_errors (plan);
  const char * const *warnings = moped_export_plan_get_warnings (plan);
  guint n_files = moped_export_plan_get_n_files (plan);
  guint counts[MOPED_EXPORT_REMOVE + 1] = { 0 };
  gboolean blocked = FALSE;
  g_autofree char *summary = NULL;

  _moped_export_plan_view_clear (&self->code_view);
  for (guint i = 0; i < n_files; i++)
    {
      const MopedExportFile *file = moped_export_plan_get_file (plan, i);

      counts[file->action]++;
      blocked |= file->blocked;
    }
  if (errors[0] != NULL)
    {
      if (blocked)
        summary = g_strdup ("Files in this folder would be lost. Turn on Overwrite Changed Files to "
                            "replace them anyway, or choose another folder. Nothing was written.");
      else
        summary = g_strdup ("Fix these problems in the design first. Nothing was written.");
      _moped_export_plan_view_set_title (&self->code_view, "Cannot Export", summary);
    }
  else
    {
      g_autofree char *counted = _moped_export_plan_summary (counts);

      summary = moped_export_plan_is_done (plan)
                ? g_strdup (counted)
                : g_strdup_printf ("%s Nothing is written until you press Export.", counted);
      _moped_export_plan_view_set_title (&self->code_view, title, summary);
    }
  for (guint i = 0; errors[i] != NULL; i++)
    {
      g_autofree char *text = for_the_dialog (errors[i]);

      _moped_export_plan_view_add_problem (&self->code_view, TRUE, text);
    }
  for (guint i = 0; warnings[i] != NULL; i++)
    _moped_export_plan_view_add_problem (&self->code_view, FALSE, warnings[i]);
  for (guint i = 0; i < n_files; i++)
    {
      const MopedExportFile *file = moped_export_plan_get_file (plan, i);
      g_autofree char *note = NULL;

      if (file->note != NULL)
        note = for_the_dialog (file->note);
      else if (file->user_file)
        note = g_strdup ("for your code: written once, never overwritten");

      _moped_export_plan_view_add_file (&self->code_view, file->action, file->path, note, file->blocked);
    }
}

/* ---- planning -------------------------------------------------------------------------- */

typedef struct
{
  char             *directory;
  MopedExportFlags  flags;
} PlanJob;

static void
plan_job_free (gpointer data)
{
  PlanJob *job = data;

  g_free (job->directory);
  g_free (job);
}

static gpointer
plan_work (MopedDesign   *design,
           gpointer       input,
           GCancellable  *cancellable,
           GError       **error)
{
  PlanJob *job = input;

  return moped_export_c_plan (design, job->directory, job->flags);
}

static void
plan_done (MopedExportDialog *self,
           gpointer           output,
           const GError      *error,
           gpointer           input)
{
  PlanJob *job = input;
  g_autoptr(MopedExportPlan) made = output;
  g_autofree char *current = _moped_export_destination_dup_path (&self->code_folder);

  /* The folder or the switch changed meanwhile: that plan is planned next. */
  if (g_strcmp0 (current, job->directory) != 0 || code_flags (self) != job->flags)
    {
      self->replan = TRUE;
      return;
    }
  if (error != NULL)
    {
      _moped_export_outcome_failure (&self->code_outcome, "Could Not Plan the Export", error->message);
      return;
    }
  g_clear_pointer (&self->code_plan, moped_export_plan_free);
  self->code_plan = g_steal_pointer (&made);
  show_plan (self, self->code_plan, "Plan");
}

static void
plan (MopedExportDialog *self)
{
  PlanJob *job;

  g_clear_pointer (&self->code_plan, moped_export_plan_free);
  _moped_export_plan_view_clear (&self->code_view);
  if (self->code_folder.file == NULL)
    return;
  job = g_new0 (PlanJob, 1);
  job->directory = _moped_export_destination_dup_path (&self->code_folder);
  job->flags = code_flags (self);
  if (job->directory == NULL)
    {
      plan_job_free (job);
      _moped_export_outcome_failure (&self->code_outcome, "Nowhere to Export To",
                                     "Choose a folder on this computer's disks.");
      return;
    }
  /* The result stays attached to the plan it came from until something changes. */
  if (!_moped_export_dialog_start (self, "plan-code", TRUE, plan_work, plan_done, job, plan_job_free,
                                   (GDestroyNotify) moped_export_plan_free))
    self->replan = TRUE;
}

static void
code_changed (MopedExportDialog *self)
{
  g_autofree char *current = _moped_export_destination_dup_path (&self->code_folder);

  _moped_export_destination_update (&self->code_folder);
  /* The plan on show (carried out or not) stands until the folder or the switch changes. */
  if (self->code_plan != NULL && g_strcmp0 (moped_export_plan_get_directory (self->code_plan), current) == 0)
    return;
  plan (self);
}

static void
on_force_changed (MopedExportDialog *self)
{
  g_clear_pointer (&self->code_plan, moped_export_plan_free);
  _moped_export_outcome_clear (&self->code_outcome);
  if (self->busy)
    self->replan = TRUE;
  else
    code_changed (self);
  _moped_export_dialog_update (self);
}

static void
code_refresh (MopedExportDialog *self)
{
  g_autoptr(GFile) folder = _moped_export_dialog_default_folder (self);
  g_autofree char *base = _moped_export_dialog_base_name (self);
  g_autofree char *name = g_strdup_printf ("%s-c", base);

  _moped_export_destination_propose (&self->code_folder, folder, name);
  /* The design or the files may have changed since: plan afresh when shown. */
  g_clear_pointer (&self->code_plan, moped_export_plan_free);
  _moped_export_plan_view_clear (&self->code_view);
  _moped_export_outcome_clear (&self->code_outcome);
}

static gboolean
code_can_run (MopedExportDialog *self)
{
  return self->code_plan != NULL && moped_export_plan_can_run (self->code_plan) &&
         !moped_export_plan_is_done (self->code_plan);
}

/* ---- writing ----------------------------------------------------------------------------- */

/* Running a plan hands it back, done or not, with what went wrong if anything did:
 * a plan that failed to write can be tried again. */
typedef struct
{
  MopedExportPlan *plan;
  GError          *error;
} RunJob;

static void
run_job_free (gpointer data)
{
  RunJob *job = data;

  g_clear_pointer (&job->plan, moped_export_plan_free);
  g_clear_error (&job->error);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RunJob, run_job_free)

static gpointer
run_work (MopedDesign   *design,
          gpointer       input,
          GCancellable  *cancellable,
          GError       **error)
{
  RunJob *job = input;
  RunJob *result = g_new0 (RunJob, 1);

  moped_export_plan_run (job->plan, &result->error);
  result->plan = g_steal_pointer (&job->plan);
  return result;
}

static guint
count_written (MopedExportPlan *plan)
{
  guint n = 0;

  for (guint i = 0; i < moped_export_plan_get_n_files (plan); i++)
    {
      MopedExportAction action = moped_export_plan_get_file (plan, i)->action;

      n += action != MOPED_EXPORT_UNCHANGED && action != MOPED_EXPORT_KEEP;
    }
  return n;
}

static void
run_failed (MopedExportDialog *self,
            RunJob            *result)
{
  if (g_error_matches (result->error, MOPED_EXPORT_ERROR, MOPED_EXPORT_ERROR_CHANGED))
    {
      g_autofree char *message = g_strdup_printf ("%s. Below is the plan for the folder as it is now.",
                                                  result->error->message);

      _moped_export_outcome_failure (&self->code_outcome, "The Folder Changed", message);
      self->replan = TRUE;
      return;
    }
  g_clear_pointer (&self->code_plan, moped_export_plan_free);
  self->code_plan = g_steal_pointer (&result->plan);
  _moped_export_outcome_failure (&self->code_outcome, "Could Not Export the C Skeleton",
                                 result->error->message);
}

static void
run_done (MopedExportDialog *self,
          gpointer           output,
          const GError      *error,
          gpointer           input)
{
  g_autoptr(RunJob) result = output;
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GFile) parent = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *detail = NULL;
  guint n;

  if (result->error != NULL)
    {
      run_failed (self, result);
      return;
    }
  g_clear_pointer (&self->code_plan, moped_export_plan_free);
  self->code_plan = g_steal_pointer (&result->plan);
  folder = g_file_new_for_path (moped_export_plan_get_directory (self->code_plan));
  parent = g_file_get_parent (folder);
  _moped_export_dialog_remember_folder (self, parent);
  _moped_export_destination_update (&self->code_folder);
  show_plan (self, self->code_plan, "Done");
  n = count_written (self->code_plan);
  shown = _moped_export_display_path (folder);
  detail = g_strdup_printf ("%u file%s written in %s. Its README says how to build it and where your code goes.",
                            n, n == 1 ? "" : "s", shown);
  _moped_export_outcome_success (&self->code_outcome, "Exported the C Skeleton", detail, folder);
}

static void
code_run (MopedExportDialog *self)
{
  RunJob *job = g_new0 (RunJob, 1);

  job->plan = g_steal_pointer (&self->code_plan);
  _moped_export_outcome_clear (&self->code_outcome);
  _moped_export_dialog_start (self, MOPED_EXPORT_TARGET_CODE, FALSE, run_work, run_done, job, run_job_free,
                              run_job_free);
}

static GtkWidget *
code_build (MopedExportDialog *self)
{
  GtkWidget *content;
  GtkWidget *page = _moped_export_page_new ("C Skeleton",
    "A C project on czmq: a codec per protocol, an actor per node, a self-test that plays the flows, "
    "and its build. Generated files are rewritten on every export; the files for your own code are "
    "written once, then only get stubs for new commands. You see the plan before anything is written.",
    &content);
  GtkWidget *group = _moped_export_group_new (content, NULL);
  GtkWidget *force = gtk_switch_new ();

  _moped_export_destination_init (self, &self->code_folder, group, "Folder", TRUE);
  self->code_force = GTK_SWITCH (force);
  _moped_export_row_new (group, "Overwrite Changed Files",
                         "Replace generated files edited by hand, and files Moped did not write",
                         force, NULL);
  g_signal_connect_swapped (force, "notify::active", G_CALLBACK (on_force_changed), self);
  _moped_export_outcome_init (self, &self->code_outcome, content, "_Open Folder");
  _moped_export_plan_view_init (&self->code_view, content);
  return page;
}

const MopedExportPage _moped_export_code_page = {
  MOPED_EXPORT_TARGET_CODE,
  "C Skeleton",
  code_build,
  code_refresh,
  code_changed,
  code_can_run,
  code_run,
  code_destination,
};
