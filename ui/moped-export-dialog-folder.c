/* moped-export-dialog-folder.c: the export dialog's pages that write a folder (C skeleton, zproto): plan, show the plan, then write.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * One page, parameterised by a MopedExportFolderSpec per target. The plan shown is
 * moped_export_plan_new's, the very plan `moped export TARGET` prints and runs: the
 * same files, the same refusals; only "--force" is said as the switch's name.
 */
#define G_LOG_DOMAIN "moped-ui"

#include "config.h"

#include "moped-export-dialog-private.h"

static MopedExportFolder *
folder_of (MopedExportDialog     *self,
           const MopedExportPage *page)
{
  g_assert (page->folder != NULL && page->folder->index < MOPED_EXPORT_N_FOLDERS);
  return &self->folders[page->folder->index];
}

static MopedExportDestination *
folder_destination (MopedExportDialog     *self,
                    const MopedExportPage *page)
{
  return &folder_of (self, page)->folder;
}

static MopedExportFlags
folder_flags (MopedExportFolder *folder)
{
  return gtk_switch_get_active (folder->force) ? MOPED_EXPORT_FORCE : MOPED_EXPORT_FLAGS_NONE;
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
show_plan (MopedExportFolder *folder,
           const char        *title)
{
  MopedExportPlan *plan = folder->plan;
  const char * const *errors = moped_export_plan_get_errors (plan);
  const char * const *warnings = moped_export_plan_get_warnings (plan);
  guint n_files = moped_export_plan_get_n_files (plan);
  guint counts[MOPED_EXPORT_REMOVE + 1] = { 0 };
  g_autofree char *summary = NULL;

  _moped_export_plan_view_clear (&folder->view);
  for (guint i = 0; i < n_files; i++)
    counts[moped_export_plan_get_file (plan, i)->action]++;
  if (errors[0] != NULL)
    {
      if (moped_export_plan_is_blocked (plan))
        summary = g_strdup ("Files in this folder would be lost. Turn on Overwrite Changed Files to "
                            "replace them anyway, or choose another folder. Nothing was written.");
      else
        summary = g_strdup ("Fix these problems in the design first. Nothing was written.");
      _moped_export_plan_view_set_title (&folder->view, "Cannot Export", summary);
    }
  else
    {
      g_autofree char *counted = _moped_export_plan_summary (counts);

      summary = moped_export_plan_is_done (plan)
                ? g_strdup (counted)
                : g_strdup_printf ("%s Nothing is written until you press Export.", counted);
      _moped_export_plan_view_set_title (&folder->view, title, summary);
    }
  for (guint i = 0; errors[i] != NULL; i++)
    {
      g_autofree char *text = for_the_dialog (errors[i]);

      _moped_export_plan_view_add_problem (&folder->view, TRUE, text);
    }
  for (guint i = 0; warnings[i] != NULL; i++)
    _moped_export_plan_view_add_problem (&folder->view, FALSE, warnings[i]);
  for (guint i = 0; i < n_files; i++)
    {
      const MopedExportFile *file = moped_export_plan_get_file (plan, i);
      g_autofree char *note = NULL;

      if (file->note != NULL)
        note = for_the_dialog (file->note);
      else if (file->user_file)
        note = g_strdup ("for your code: written once, never overwritten");

      _moped_export_plan_view_add_file (&folder->view, file->action, file->path, note, file->blocked);
    }
}

/* ---- planning -------------------------------------------------------------------------- */

typedef struct
{
  const MopedExportPage *page;
  char                  *directory;
  MopedExportFlags       flags;
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

  return moped_export_plan_new (job->page->folder->target, design, job->directory, job->flags);
}

static gboolean
plan_done (MopedExportDialog *self,
           gpointer           output,
           const GError      *error,
           gpointer           input)
{
  PlanJob *job = input;
  MopedExportFolder *folder = folder_of (self, job->page);
  g_autoptr(MopedExportPlan) made = output;
  g_autofree char *current = _moped_export_destination_dup_path (&folder->folder);

  /* The folder or the switch changed meanwhile: that plan is planned next. */
  if (g_strcmp0 (current, job->directory) != 0 || folder_flags (folder) != job->flags)
    {
      self->replan = TRUE;
      return error == NULL;
    }
  if (error != NULL)
    {
      _moped_export_outcome_failure (&folder->outcome, "Could Not Plan the Export", error->message);
      return FALSE;
    }
  g_clear_pointer (&folder->plan, moped_export_plan_free);
  folder->plan = g_steal_pointer (&made);
  show_plan (folder, "Plan");
  return TRUE;
}

static void
plan (MopedExportDialog     *self,
      const MopedExportPage *page)
{
  MopedExportFolder *folder = folder_of (self, page);
  PlanJob *job;

  g_clear_pointer (&folder->plan, moped_export_plan_free);
  _moped_export_plan_view_clear (&folder->view);
  if (folder->folder.file == NULL)
    return;
  job = g_new0 (PlanJob, 1);
  job->page = page;
  job->directory = _moped_export_destination_dup_path (&folder->folder);
  job->flags = folder_flags (folder);
  if (job->directory == NULL)
    {
      plan_job_free (job);
      _moped_export_outcome_failure (&folder->outcome, "Nowhere to Export To",
                                     "Choose a folder on this computer's disks.");
      return;
    }
  /* The result stays attached to the plan it came from until something changes. */
  if (!_moped_export_dialog_start (self, page->folder->plan_job, TRUE, plan_work, plan_done, job, plan_job_free,
                                   (GDestroyNotify) moped_export_plan_free))
    self->replan = TRUE;
}

static void
folder_changed (MopedExportDialog     *self,
                const MopedExportPage *page)
{
  MopedExportFolder *folder = folder_of (self, page);
  g_autofree char *current = _moped_export_destination_dup_path (&folder->folder);

  _moped_export_destination_update (&folder->folder);
  /* The plan on show (carried out or not) stands until the folder or the switch changes. */
  if (folder->plan != NULL && g_strcmp0 (moped_export_plan_get_directory (folder->plan), current) == 0)
    return;
  plan (self, page);
}

static void
on_force_changed (GtkSwitch         *force,
                  GParamSpec        *pspec,
                  MopedExportDialog *self)
{
  const MopedExportPage *page = g_object_get_data (G_OBJECT (force), "moped-export-page");
  MopedExportFolder *folder = folder_of (self, page);

  g_clear_pointer (&folder->plan, moped_export_plan_free);
  _moped_export_outcome_clear (&folder->outcome);
  if (self->busy)
    self->replan = TRUE;
  else
    folder_changed (self, page);
  _moped_export_dialog_update (self);
}

static void
folder_refresh (MopedExportDialog     *self,
                const MopedExportPage *page)
{
  MopedExportFolder *folder = folder_of (self, page);
  g_autoptr(GFile) parent = _moped_export_dialog_default_folder (self);
  g_autofree char *base = _moped_export_dialog_base_name (self);
  g_autofree char *name = g_strconcat (base, page->folder->folder_suffix, NULL);

  _moped_export_destination_propose (&folder->folder, parent, name);
  /* The design or the files may have changed since: plan afresh when shown. */
  g_clear_pointer (&folder->plan, moped_export_plan_free);
  _moped_export_plan_view_clear (&folder->view);
  _moped_export_outcome_clear (&folder->outcome);
}

static gboolean
folder_can_run (MopedExportDialog     *self,
                const MopedExportPage *page)
{
  MopedExportFolder *folder = folder_of (self, page);

  return folder->plan != NULL && moped_export_plan_can_run (folder->plan) &&
         !moped_export_plan_is_done (folder->plan);
}

/* ---- writing ----------------------------------------------------------------------------- */

/* Running a plan hands it back, done or not, with what went wrong if anything did:
 * a plan that failed to write can be tried again. */
typedef struct
{
  const MopedExportPage *page;
  MopedExportPlan       *plan;
  GError                *error;
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
  result->page = job->page;
  result->plan = g_steal_pointer (&job->plan);
  return result;
}

static void
run_failed (MopedExportDialog *self,
            MopedExportFolder *folder,
            RunJob            *result)
{
  g_autofree char *title = NULL;

  if (g_error_matches (result->error, MOPED_EXPORT_ERROR, MOPED_EXPORT_ERROR_CHANGED))
    {
      g_autofree char *message = g_strdup_printf ("%s. Below is the plan for the folder as it is now.",
                                                  result->error->message);

      _moped_export_outcome_failure (&folder->outcome, "The Folder Changed", message);
      self->replan = TRUE;
      return;
    }
  g_clear_pointer (&folder->plan, moped_export_plan_free);
  folder->plan = g_steal_pointer (&result->plan);
  title = g_strdup_printf ("Could Not Export %s", result->page->folder->what);
  _moped_export_outcome_failure (&folder->outcome, title, result->error->message);
}

static gboolean
run_done (MopedExportDialog *self,
          gpointer           output,
          const GError      *error,
          gpointer           input)
{
  g_autoptr(RunJob) result = output;
  const MopedExportFolderSpec *spec = result->page->folder;
  MopedExportFolder *folder = folder_of (self, result->page);
  g_autoptr(GFile) written = NULL;
  g_autoptr(GFile) parent = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *title = NULL;
  g_autofree char *detail = NULL;
  guint n;

  if (result->error != NULL)
    {
      run_failed (self, folder, result);
      return FALSE;
    }
  g_clear_pointer (&folder->plan, moped_export_plan_free);
  folder->plan = g_steal_pointer (&result->plan);
  written = g_file_new_for_path (moped_export_plan_get_directory (folder->plan));
  parent = g_file_get_parent (written);
  _moped_export_dialog_remember_folder (self, parent);
  _moped_export_destination_update (&folder->folder);
  show_plan (folder, "Done");
  n = moped_export_plan_count_written (folder->plan);
  shown = _moped_export_display_path (written);
  title = g_strdup_printf ("Exported %s", spec->what);
  detail = g_strdup_printf ("%u file%s written in %s. %s", n, n == 1 ? "" : "s", shown, spec->done_note);
  _moped_export_outcome_success (&folder->outcome, title, detail, written);
  return TRUE;
}

static void
folder_run (MopedExportDialog     *self,
            const MopedExportPage *page)
{
  MopedExportFolder *folder = folder_of (self, page);
  RunJob *job = g_new0 (RunJob, 1);

  job->page = page;
  job->plan = g_steal_pointer (&folder->plan);
  _moped_export_outcome_clear (&folder->outcome);
  _moped_export_dialog_start (self, page->name, FALSE, run_work, run_done, job, run_job_free, run_job_free);
}

static GtkWidget *
folder_build (MopedExportDialog     *self,
              const MopedExportPage *page)
{
  MopedExportFolder *folder = folder_of (self, page);
  GtkWidget *content;
  GtkWidget *widget = _moped_export_page_new (page->title, page->folder->description, &content);
  GtkWidget *group = _moped_export_group_new (content, NULL);
  GtkWidget *force = gtk_switch_new ();

  _moped_export_destination_init (self, &folder->folder, group, "Folder", TRUE);
  folder->force = GTK_SWITCH (force);
  _moped_export_row_new (group, "Overwrite Changed Files", page->folder->force_subtitle, force, NULL);
  g_object_set_data (G_OBJECT (force), "moped-export-page", (gpointer) page);
  g_signal_connect (force, "notify::active", G_CALLBACK (on_force_changed), self);
  _moped_export_outcome_init (self, &folder->outcome, content, "_Open Folder");
  _moped_export_plan_view_init (&folder->view, content);
  return widget;
}

static MopedExportOutcome *
folder_outcome (MopedExportDialog     *self,
                const MopedExportPage *page)
{
  return &folder_of (self, page)->outcome;
}

void
_moped_export_folder_clear (MopedExportFolder *folder)
{
  g_clear_object (&folder->folder.file);
  g_clear_object (&folder->outcome.open_target);
  g_clear_pointer (&folder->plan, moped_export_plan_free);
}

void
_moped_export_folder_forget (MopedExportDialog     *self,
                             const MopedExportPage *page)
{
  g_clear_pointer (&folder_of (self, page)->plan, moped_export_plan_free);
}

static const MopedExportFolderSpec code_spec = {
  MOPED_EXPORT_FOLDER_CODE,
  "c",
  "plan-code",
  "-c",
  "A C project on czmq: a codec per protocol, an actor per node, a self-test that plays the flows, "
  "and its build. Generated files are rewritten on every export; the files for your own code are "
  "written once, then only get stubs for new commands. You see the plan before anything is written.",
  "Replace generated files edited by hand, and files Moped did not write",
  "the C Skeleton",
  "Its README says how to build it and where your code goes.",
};

static const MopedExportFolderSpec zproto_spec = {
  MOPED_EXPORT_FOLDER_ZPROTO,
  "zproto",
  "plan-zproto",
  "-zproto",
  "One codec model per protocol, for zproto's code generators. What a codec model has no place "
  "for (who sends a command, the flows, the topology) is noted in each model, and anything zproto "
  "could not take as it is shows here before you export.",
  "Replace models edited by hand, and files Moped did not write",
  "the zproto Models",
  "zproto's GSL templates generate codecs from them.",
};

const MopedExportPage _moped_export_code_page = {
  MOPED_EXPORT_TARGET_CODE,
  "C Skeleton",
  folder_build,
  folder_refresh,
  folder_changed,
  folder_can_run,
  folder_run,
  folder_destination,
  folder_outcome,
  &code_spec,
};

const MopedExportPage _moped_export_zproto_page = {
  MOPED_EXPORT_TARGET_ZPROTO,
  "zproto Models",
  folder_build,
  folder_refresh,
  folder_changed,
  folder_can_run,
  folder_run,
  folder_destination,
  folder_outcome,
  &zproto_spec,
};
