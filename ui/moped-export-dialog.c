/* moped-export-dialog.c: the export dialog's frame: pages in a sidebar, the file chooser, settings, work on a thread.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-ui"

#include "config.h"

#include "moped-diagnostic.h"
#include "moped-export-dialog-private.h"
#include "moped-staging.h"
#include "moped-file.h"
#include "moped-inspector-util.h"

#define DIALOG_DATA_KEY "moped-export-dialog"

G_DEFINE_FINAL_TYPE (MopedExportDialog, moped_export_dialog, GTK_TYPE_WINDOW)

enum {
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const MopedExportPage * const pages[] = {
  &_moped_export_diagrams_page,
  &_moped_export_code_page,
  &_moped_export_document_page,
  &_moped_export_zproto_page,
};

static const char style_sheet[] =
  "window.moped-export-dialog stacksidebar { min-width: 190px; }\n"
  "window.moped-export-dialog .moped-export-title { font-size: 15pt; font-weight: 800; }\n"
  "window.moped-export-dialog .moped-export-heading { font-weight: bold; margin-top: 6px; }\n"
  "window.moped-export-dialog .moped-export-list { background-color: @theme_base_color;"
  " border: 1px solid alpha(@borders, 0.8); border-radius: 8px; }\n"
  "window.moped-export-dialog .moped-export-list > row { padding: 8px 12px; min-height: 34px;"
  " border-bottom: 1px solid alpha(@borders, 0.45); }\n"
  "window.moped-export-dialog .moped-export-list > row:last-child { border-bottom-width: 0; }\n"
  "window.moped-export-dialog .moped-export-list.moped-export-compact > row { padding: 5px 12px; min-height: 0; }\n"
  "window.moped-export-dialog .moped-export-caption { font-size: smaller; }\n"
  "window.moped-export-dialog .moped-export-path { font-family: monospace; font-size: smaller; }\n"
  "window.moped-export-dialog .moped-export-badge { font-size: smaller; font-weight: bold;"
  " border-radius: 5px; padding: 1px 6px; min-width: 78px; }\n"
  "window.moped-export-dialog .moped-export-badge.create { color: @success_color;"
  " background-color: alpha(@success_color, 0.12); }\n"
  "window.moped-export-dialog .moped-export-badge.rewrite,"
  " window.moped-export-dialog .moped-export-badge.append { color: @theme_selected_bg_color;"
  " background-color: alpha(@theme_selected_bg_color, 0.12); }\n"
  "window.moped-export-dialog .moped-export-badge.unchanged,"
  " window.moped-export-dialog .moped-export-badge.keep { color: alpha(currentColor, 0.6);"
  " background-color: alpha(currentColor, 0.07); }\n"
  "window.moped-export-dialog .moped-export-badge.remove,"
  " window.moped-export-dialog .moped-export-badge.blocked { color: @error_color;"
  " background-color: alpha(@error_color, 0.12); }\n"
  "window.moped-export-dialog image.error { color: @error_color; }\n"
  "window.moped-export-dialog image.warning { color: shade(@warning_color, 0.9); }\n"
  "window.moped-export-dialog image.success { color: @success_color; }\n"
  "window.moped-export-dialog .moped-export-outcome { padding: 12px; border-radius: 8px; }\n"
  "window.moped-export-dialog .moped-export-outcome.success { background-color: alpha(@success_color, 0.10); }\n"
  "window.moped-export-dialog .moped-export-outcome.error { background-color: alpha(@error_color, 0.10); }\n";

static void
ensure_style (GtkWidget *widget)
{
  GdkDisplay *display = gtk_widget_get_display (widget);
  GtkCssProvider *provider;

  if (g_object_get_data (G_OBJECT (display), "moped-export-style") != NULL)
    return;
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_data (provider, style_sheet, -1);
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_set_data_full (G_OBJECT (display), "moped-export-style", provider, g_object_unref);
}

static const MopedExportPage *
current_page (MopedExportDialog *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->stack);

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    if (g_strcmp0 (pages[i]->name, name) == 0)
      return pages[i];
  return pages[0];
}

static MopedExportDestination *
current_destination (MopedExportDialog *self)
{
  const MopedExportPage *page = current_page (self);

  return page->destination (self, page);
}

static MopedExportOutcome *
current_outcome (MopedExportDialog *self)
{
  const MopedExportPage *page = current_page (self);

  return page->outcome (self, page);
}

void
_moped_export_dialog_update (MopedExportDialog *self)
{
  const MopedExportPage *page = current_page (self);
  MopedExportOutcome *outcome = current_outcome (self);

  /* Through the actions, so that the button, shortcuts and scripts agree. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "export.run", !self->busy && page->can_run (self, page));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "export.choose", !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "export.open", outcome->open_target != NULL);
  gtk_widget_set_sensitive (self->sidebar, !self->busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stack), !self->busy);
  gtk_widget_set_visible (self->spinner, self->busy);
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), self->busy);
}

/* ---- work on a thread ------------------------------------------------------------ */

typedef struct
{
  char            *job;
  char            *snapshot;     /* the design as file text, NULL when not needed */
  gsize            length;
  MopedExportWork  work;
  MopedExportDone  done;
  gpointer         input;
  GDestroyNotify   input_free;
  GDestroyNotify   output_free;
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  if (job->input_free != NULL && job->input != NULL)
    job->input_free (job->input);
  g_free (job->snapshot);
  g_free (job->job);
  g_free (job);
}

static void
run_job (GTask        *task,
         gpointer      source,
         gpointer      task_data,
         GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(MopedDesign) design = NULL;
  GError *error = NULL;
  gpointer output;

  /* The worker has a design of its own: the window's stays on the main thread. */
  if (job->snapshot != NULL)
    {
      design = moped_file_load_data (job->snapshot, (gssize) job->length, "design", &error);
      if (design == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }
  output = job->work (design, job->input, cancellable, &error);
  if (output == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, output, job->output_free);
}

static void
on_job_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  MopedExportDialog *self = MOPED_EXPORT_DIALOG (source);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  gpointer output;
  gboolean ok;

  output = g_task_propagate_pointer (G_TASK (result), &error);
  self->busy = FALSE;
  /* Once the dialog is gone its widgets are too: nothing to show the result in (the
   * task dropped it). */
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  ok = job->done (self, output, error, job->input);
  _moped_export_dialog_update (self);
  g_signal_emit (self, signals[FINISHED], 0, job->job, ok);
  if (self->replan && !self->busy)
    {
      const MopedExportPage *page = current_page (self);

      self->replan = FALSE;
      if (page->changed != NULL)
        page->changed (self, page);
    }
}

gboolean
_moped_export_dialog_start (MopedExportDialog *self,
                            const char        *job_name,
                            gboolean           with_design,
                            MopedExportWork    work,
                            MopedExportDone    done,
                            gpointer           input,
                            GDestroyNotify     input_free,
                            GDestroyNotify     output_free)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  if (self->busy)
    {
      if (input_free != NULL && input != NULL)
        input_free (input);
      return FALSE;
    }
  job = g_new0 (Job, 1);
  job->job = g_strdup (job_name);
  if (with_design)
    job->snapshot = moped_file_to_data (self->design, &job->length);
  job->work = work;
  job->done = done;
  job->input = input;
  job->input_free = input_free;
  job->output_free = output_free;

  task = g_task_new (self, self->cancellable, on_job_done, NULL);
  g_task_set_source_tag (task, _moped_export_dialog_start);
  g_task_set_task_data (task, job, job_free);
  self->busy = TRUE;
  _moped_export_dialog_update (self);
  g_task_run_in_thread (task, run_job);
  return TRUE;
}

gboolean
_moped_export_write_bytes (const char  *path,
                           GBytes      *bytes,
                           GError     **error)
{
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);

  return moped_staging_write_file (path, data != NULL ? data : "", length, error);
}

/* ---- defaults and settings ------------------------------------------------------- */

char *
_moped_export_slug (const char *text)
{
  GString *slug = g_string_new (NULL);
  gboolean dash = FALSE;

  for (const char *p = text; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isalnum (c))
        {
          if (dash && slug->len > 0)
            g_string_append_c (slug, '-');
          g_string_append_unichar (slug, g_unichar_tolower (c));
          dash = FALSE;
        }
      else
        dash = TRUE;
    }
  return g_string_free (slug, FALSE);
}

char *
_moped_export_dialog_base_name (MopedExportDialog *self)
{
  g_autofree char *name = NULL;

  if (self->design_file != NULL)
    {
      g_autofree char *basename = g_file_get_basename (self->design_file);

      if (basename != NULL && g_str_has_suffix (basename, ".moped"))
        basename[strlen (basename) - strlen (".moped")] = '\0';
      if (basename != NULL && *basename != '\0' && *basename != '.')
        return g_steal_pointer (&basename);
    }
  name = _moped_export_slug (moped_element_get_name (moped_design_get_root (self->design)));
  return *name != '\0' ? g_steal_pointer (&name) : g_strdup ("design");
}

static gboolean
is_folder (GFile *file)
{
  return file != NULL && g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_DIRECTORY;
}

GFile *
_moped_export_dialog_default_folder (MopedExportDialog *self)
{
  const char *documents = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);

  if (self->settings != NULL)
    {
      g_autofree char *last = g_settings_get_string (self->settings, "last-export-dir");
      g_autoptr(GFile) folder = *last != '\0' ? g_file_new_for_path (last) : NULL;

      if (is_folder (folder))
        return g_steal_pointer (&folder);
    }
  if (self->design_file != NULL)
    {
      g_autoptr(GFile) parent = g_file_get_parent (self->design_file);

      if (is_folder (parent))
        return g_steal_pointer (&parent);
    }
  if (documents != NULL && g_file_test (documents, G_FILE_TEST_IS_DIR))
    return g_file_new_for_path (documents);
  return g_file_new_for_path (g_get_home_dir ());
}

void
_moped_export_dialog_remember_folder (MopedExportDialog *self,
                                      GFile             *folder)
{
  g_autofree char *path = folder != NULL ? g_file_get_path (folder) : NULL;

  if (self->settings != NULL && path != NULL)
    g_settings_set_string (self->settings, "last-export-dir", path);
}

GPtrArray *
_moped_export_dialog_design_errors (MopedExportDialog *self)
{
  g_autoptr(GPtrArray) diagnostics = moped_validate (self->design);
  GPtrArray *errors = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < diagnostics->len; i++)
    {
      const MopedDiagnostic *diagnostic = g_ptr_array_index (diagnostics, i);

      if (diagnostic->severity == MOPED_SEVERITY_ERROR)
        g_ptr_array_add (errors, g_strdup (diagnostic->message));
    }
  return errors;
}

static void
page_changed (MopedExportDialog *self)
{
  const MopedExportPage *page = current_page (self);

  if (page->changed != NULL)
    {
      if (self->busy)
        self->replan = TRUE;
      else
        page->changed (self, page);
    }
  _moped_export_dialog_update (self);
}

/* A new destination: what was said about the old one no longer holds. */
static void
destination_chosen (MopedExportDialog      *self,
                    MopedExportDestination *destination,
                    GFile                  *file)
{
  const MopedExportPage *page = current_page (self);

  _moped_export_destination_set (destination, file, TRUE);
  _moped_export_outcome_clear (current_outcome (self));
  /* Even the same folder again: what is there may have changed. */
  if (page->folder != NULL)
    _moped_export_folder_forget (self, page);
  page_changed (self);
}

static void
on_chooser_response (GtkNativeDialog *chooser,
                     int              response,
                     gpointer         user_data)
{
  MopedExportDialog *self = MOPED_EXPORT_DIALOG (user_data);
  MopedExportDestination *destination = g_object_get_data (G_OBJECT (chooser), "destination");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        destination_chosen (self, destination, file);
    }
  g_object_unref (chooser);
  g_object_unref (self);
}

void
_moped_export_dialog_choose (MopedExportDialog      *self,
                             MopedExportDestination *destination)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GFile) folder = NULL;

  if (destination->folder)
    chooser = gtk_file_chooser_native_new ("Choose a Folder to Export To", GTK_WINDOW (self),
                                           GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, "_Select", "_Cancel");
  else
    chooser = gtk_file_chooser_native_new ("Export As", GTK_WINDOW (self),
                                           GTK_FILE_CHOOSER_ACTION_SAVE, "_Save", "_Cancel");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  if (destination->file != NULL)
    folder = g_file_get_parent (destination->file);
  if (!is_folder (folder))
    g_set_object (&folder, _moped_export_dialog_default_folder (self));
  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
  if (destination->file != NULL && !destination->folder)
    {
      g_autofree char *name = g_file_get_basename (destination->file);

      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
    }
  else if (destination->file != NULL && is_folder (destination->file))
    gtk_file_chooser_set_file (GTK_FILE_CHOOSER (chooser), destination->file, NULL);
  g_object_set_data (G_OBJECT (chooser), "destination", destination);
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

void
_moped_export_dialog_open (MopedExportDialog *self,
                           GFile             *target)
{
  g_autofree char *uri = g_file_get_uri (target);

  gtk_show_uri (GTK_WINDOW (self), uri, GDK_CURRENT_TIME);
}

/* ---- actions --------------------------------------------------------------------- */

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  MopedExportDialog *self = MOPED_EXPORT_DIALOG (widget);
  const MopedExportPage *page = current_page (self);

  if (!self->busy && page->can_run (self, page))
    page->run (self, page);
}

static void
choose_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  MopedExportDialog *self = MOPED_EXPORT_DIALOG (widget);
  MopedExportDestination *destination = current_destination (self);

  if (!self->busy)
    _moped_export_dialog_choose (self, destination);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  MopedExportDialog *self = MOPED_EXPORT_DIALOG (widget);
  MopedExportOutcome *outcome = current_outcome (self);

  if (outcome->open_target != NULL)
    _moped_export_dialog_open (self, outcome->open_target);
}

/* ---- the dialog ----------------------------------------------------------------------- */

static void
on_page_switched (MopedExportDialog *self)
{
  page_changed (self);
}

static void
update_subtitle (MopedExportDialog *self)
{
  g_autofree char *base = NULL;
  const char *name = moped_element_get_name (moped_design_get_root (self->design));

  if (name == NULL || *name == '\0')
    {
      base = _moped_export_dialog_base_name (self);
      name = base;
    }
  gtk_label_set_text (self->subtitle, name);
}

static void
set_design (MopedExportDialog *self,
            MopedDesign       *design,
            GFile             *design_file,
            GSettings         *settings)
{
  gboolean same = self->design == design;

  g_set_object (&self->design, design);
  g_set_object (&self->design_file, design_file);
  g_set_object (&self->settings, settings);
  update_subtitle (self);
  /* Another design: what was chosen for the last one does not apply. */
  if (!same)
    {
      MopedExportDestination *all[] = {
        &self->diagram_file, &self->diagram_folder, &self->doc_file,
        &self->folders[MOPED_EXPORT_FOLDER_CODE].folder, &self->folders[MOPED_EXPORT_FOLDER_ZPROTO].folder,
      };

      for (guint i = 0; i < G_N_ELEMENTS (all); i++)
        _moped_export_destination_set (all[i], NULL, FALSE);
    }
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    pages[i]->refresh (self, pages[i]);
}

static GtkWidget *
build_header (MopedExportDialog *self)
{
  GtkWidget *header = gtk_header_bar_new ();
  GtkWidget *titles = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *title = gtk_label_new ("Export");
  GtkWidget *close = gtk_button_new_with_mnemonic ("_Close");

  gtk_header_bar_set_show_title_buttons (GTK_HEADER_BAR (header), FALSE);
  gtk_widget_add_css_class (title, "title");
  self->subtitle = GTK_LABEL (gtk_label_new (""));
  gtk_label_set_ellipsize (self->subtitle, PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (GTK_WIDGET (self->subtitle), "subtitle");
  gtk_widget_add_css_class (GTK_WIDGET (self->subtitle), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->subtitle), "moped-export-caption");
  gtk_widget_set_valign (titles, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (titles), title);
  gtk_box_append (GTK_BOX (titles), GTK_WIDGET (self->subtitle));
  gtk_header_bar_set_title_widget (GTK_HEADER_BAR (header), titles);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (close), "window.close");
  gtk_header_bar_pack_start (GTK_HEADER_BAR (header), close);

  self->export_button = gtk_button_new_with_mnemonic ("_Export");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->export_button), "export.run");
  gtk_widget_add_css_class (self->export_button, "suggested-action");
  gtk_header_bar_pack_end (GTK_HEADER_BAR (header), self->export_button);
  self->spinner = gtk_spinner_new ();
  moped_inspector_set_accessible_label (self->spinner, "Working");
  gtk_widget_set_visible (self->spinner, FALSE);
  gtk_header_bar_pack_end (GTK_HEADER_BAR (header), self->spinner);
  return header;
}

static void
build (MopedExportDialog *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

  gtk_window_set_titlebar (GTK_WINDOW (self), build_header (self));
  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_set_transition_type (self->stack, GTK_STACK_TRANSITION_TYPE_CROSSFADE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->stack), TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    gtk_stack_add_titled (self->stack, pages[i]->build (self, pages[i]), pages[i]->name, pages[i]->title);
  self->sidebar = gtk_stack_sidebar_new ();
  gtk_stack_sidebar_set_stack (GTK_STACK_SIDEBAR (self->sidebar), self->stack);
  moped_inspector_set_accessible_label (self->sidebar, "What to Export");
  gtk_box_append (GTK_BOX (box), self->sidebar);
  gtk_box_append (GTK_BOX (box), gtk_separator_new (GTK_ORIENTATION_VERTICAL));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->stack));
  gtk_window_set_child (GTK_WINDOW (self), box);
  gtk_window_set_default_widget (GTK_WINDOW (self), self->export_button);
  g_signal_connect_swapped (self->stack, "notify::visible-child", G_CALLBACK (on_page_switched), self);
}

static void
moped_export_dialog_dispose (GObject *object)
{
  MopedExportDialog *self = MOPED_EXPORT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  G_OBJECT_CLASS (moped_export_dialog_parent_class)->dispose (object);
}

static void
clear_destination (MopedExportDestination *destination)
{
  g_clear_object (&destination->file);
}

static void
clear_outcome (MopedExportOutcome *outcome)
{
  g_clear_object (&outcome->open_target);
}

static void
moped_export_dialog_finalize (GObject *object)
{
  MopedExportDialog *self = MOPED_EXPORT_DIALOG (object);

  clear_destination (&self->diagram_file);
  clear_destination (&self->diagram_folder);
  clear_destination (&self->doc_file);
  clear_outcome (&self->diagram_outcome);
  clear_outcome (&self->doc_outcome);
  for (guint i = 0; i < MOPED_EXPORT_N_FOLDERS; i++)
    _moped_export_folder_clear (&self->folders[i]);
  g_clear_pointer (&self->flow_ids, g_ptr_array_unref);
  g_clear_pointer (&self->protocol_ids, g_ptr_array_unref);
  g_clear_pointer (&self->diagram_formats, g_array_unref);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->design_file);
  g_clear_object (&self->design);

  G_OBJECT_CLASS (moped_export_dialog_parent_class)->finalize (object);
}

static void
moped_export_dialog_class_init (MopedExportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = moped_export_dialog_dispose;
  object_class->finalize = moped_export_dialog_finalize;

  gtk_widget_class_install_action (widget_class, "export.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "export.choose", NULL, choose_action);
  gtk_widget_class_install_action (widget_class, "export.open", NULL, open_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_BOOLEAN);
}

static void
moped_export_dialog_init (MopedExportDialog *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_window_set_title (GTK_WINDOW (self), "Export");
  gtk_window_set_default_size (GTK_WINDOW (self), 780, 600);
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (self), TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self), "moped-export-dialog");
  /* Before the widgets exist: added later, GTK 4.8 restyles only some of them. */
  ensure_style (GTK_WIDGET (self));
  build (self);
}

MopedExportDialog *
moped_export_dialog_new (GtkWindow   *parent,
                         MopedDesign *design,
                         GFile       *design_file,
                         GSettings   *settings)
{
  MopedExportDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (MOPED_IS_DESIGN (design), NULL);
  g_return_val_if_fail (design_file == NULL || G_IS_FILE (design_file), NULL);
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  self = g_object_new (MOPED_TYPE_EXPORT_DIALOG, "transient-for", parent, NULL);
  set_design (self, design, design_file, settings);
  _moped_export_dialog_update (self);
  return self;
}

static void
on_kept_dialog_destroyed (GtkWidget *dialog,
                          GtkWindow *parent)
{
  if (g_object_get_data (G_OBJECT (parent), DIALOG_DATA_KEY) == dialog)
    g_object_set_data (G_OBJECT (parent), DIALOG_DATA_KEY, NULL);
}

MopedExportDialog *
moped_export_dialog_present (GtkWindow   *parent,
                             MopedDesign *design,
                             GFile       *design_file,
                             GSettings   *settings,
                             const char  *target)
{
  MopedExportDialog *self;

  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (MOPED_IS_DESIGN (design), NULL);

  self = g_object_get_data (G_OBJECT (parent), DIALOG_DATA_KEY);
  if (self == NULL)
    {
      self = moped_export_dialog_new (parent, design, design_file, settings);
      /* Closing hides it, so the choices stay for the next export from this window. */
      gtk_window_set_hide_on_close (GTK_WINDOW (self), TRUE);
      g_object_set_data (G_OBJECT (parent), DIALOG_DATA_KEY, self);
      g_signal_connect_object (self, "destroy", G_CALLBACK (on_kept_dialog_destroyed), parent, 0);
    }
  else
    set_design (self, design, design_file, settings);
  if (target != NULL)
    moped_export_dialog_set_target (self, target);
  page_changed (self);
  gtk_window_present (GTK_WINDOW (self));
  return self;
}

void
moped_export_dialog_set_target (MopedExportDialog *self,
                                const char        *target)
{
  g_return_if_fail (MOPED_IS_EXPORT_DIALOG (self));
  g_return_if_fail (target != NULL);

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    if (g_str_equal (pages[i]->name, target))
      {
        gtk_stack_set_visible_child_name (self->stack, target);
        return;
      }
  g_critical ("The export dialog has no page “%s”", target);
}

const char *
moped_export_dialog_get_target (MopedExportDialog *self)
{
  g_return_val_if_fail (MOPED_IS_EXPORT_DIALOG (self), NULL);
  return current_page (self)->name;
}

void
moped_export_dialog_set_destination (MopedExportDialog *self,
                                     GFile             *destination)
{
  g_return_if_fail (MOPED_IS_EXPORT_DIALOG (self));
  g_return_if_fail (G_IS_FILE (destination));

  destination_chosen (self, current_destination (self), destination);
}

GFile *
moped_export_dialog_get_destination (MopedExportDialog *self)
{
  MopedExportDestination *destination;

  g_return_val_if_fail (MOPED_IS_EXPORT_DIALOG (self), NULL);

  destination = current_destination (self);
  return destination->file != NULL ? g_object_ref (destination->file) : NULL;
}

gboolean
moped_export_dialog_is_busy (MopedExportDialog *self)
{
  g_return_val_if_fail (MOPED_IS_EXPORT_DIALOG (self), FALSE);
  return self->busy;
}
