/* test-ui-export-dialog.c: the export dialog driven through its actions, under Xvfb: diagrams, C, documents, zproto.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Each test exports an example into a folder of its own and checks what was written
 * (well-formed SVG and XML, PNG sizes, PDF headers, the files the C plan lists), that
 * a design with errors is refused with its errors on show, that failures are shown
 * in the dialog, that every control has an accessible name, and renders each page to
 * a PNG (kept when MOPED_SCREENSHOT_DIR is set). The layout runner starts this very
 * program again as `PROGRAM __layout ...`, so main() hands that verb over first.
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "moped-export-dialog-private.h"
#include "moped-file.h"
#include "moped-layout-runner.h"
#include "moped-test-gtk.h"
#include "moped-test-util.h"

#define WAIT_MSEC 60000

typedef struct
{
  GtkWindow         *parent;
  MopedDesign       *design;
  GFile             *design_file;
  GSettings         *settings;
  MopedExportDialog *dialog;
  char              *dir;
  guint              n_finished;
  char              *last_job;
  gboolean           last_ok;
} Fixture;

/* ---- helpers -------------------------------------------------------------------------- */

static gboolean
idle (gpointer data)
{
  return !moped_export_dialog_is_busy (data);
}

static void
wait_idle (Fixture *f)
{
  g_assert_true (moped_test_spin_until (idle, f->dialog, WAIT_MSEC));
}

static void
on_finished (MopedExportDialog *dialog,
             const char        *job,
             gboolean           ok,
             Fixture           *f)
{
  f->n_finished++;
  g_free (f->last_job);
  f->last_job = g_strdup (job);
  f->last_ok = ok;
}

/* Press Export and wait for the work to end; returns whether it went well. */
static gboolean
export (Fixture    *f,
        const char *expected_job)
{
  guint before = f->n_finished;

  g_assert_true (gtk_widget_get_sensitive (f->dialog->export_button));
  gtk_widget_activate_action (GTK_WIDGET (f->dialog), "export.run", NULL);
  wait_idle (f);
  g_assert_cmpuint (f->n_finished, ==, before + 1);
  g_assert_cmpstr (f->last_job, ==, expected_job);
  return f->last_ok;
}

static char *
path_in (Fixture    *f,
         const char *name)
{
  return g_build_filename (f->dir, name, NULL);
}

static void
set_destination (Fixture    *f,
                 const char *name)
{
  g_autofree char *path = path_in (f, name);
  g_autoptr(GFile) file = g_file_new_for_path (path);

  moped_export_dialog_set_destination (f->dialog, file);
  wait_idle (f);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const char *example = data;
  g_autofree char *path = g_build_filename (g_getenv ("MOPED_EXAMPLES"), example, NULL);
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("moped-export-dialog-XXXXXX", &error);
  g_assert_no_error (error);
  f->design = moped_file_load (path, &error);
  g_assert_no_error (error);
  f->design_file = g_file_new_for_path (path);
  f->settings = g_settings_new ("org.moped.Moped");
  g_settings_set_string (f->settings, "last-export-dir", f->dir);
  f->parent = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->parent, 900, 700);
  gtk_window_present (f->parent);
  f->dialog = moped_export_dialog_new (f->parent, f->design, f->design_file, f->settings);
  g_signal_connect (f->dialog, "finished", G_CALLBACK (on_finished), f);
  gtk_window_present (GTK_WINDOW (f->dialog));
  g_assert_true (moped_test_spin_until (moped_test_mapped, f->dialog, WAIT_MSEC));
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (f->dialog)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (f->dialog)) == f->parent);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->dialog));
  gtk_window_destroy (f->parent);
  moped_test_spin_for (20);
  g_clear_object (&f->settings);
  g_clear_object (&f->design_file);
  g_clear_object (&f->design);
  if (g_getenv ("MOPED_KEEP_EXPORTS") == NULL)
    moped_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->last_job);
}

/* ---- checking what was written ------------------------------------------------------- */

typedef struct
{
  char  *root;
  guint  depth;
} XmlCheck;

static void
xml_start (GMarkupParseContext  *context,
           const char           *element,
           const char          **names,
           const char          **values,
           gpointer              user_data,
           GError              **error)
{
  XmlCheck *check = user_data;

  if (check->root == NULL)
    check->root = g_strdup (element);
}

/* Parses @path as XML (GMarkup is strict about well-formedness); returns its root element. */
static char *
well_formed_root (const char *path)
{
  static const GMarkupParser parser = { xml_start, NULL, NULL, NULL, NULL };
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMarkupParseContext) context = NULL;
  XmlCheck check = { NULL, 0 };
  gsize length;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  context = g_markup_parse_context_new (&parser, 0, &check, NULL);
  g_markup_parse_context_parse (context, contents, (gssize) length, &error);
  if (error == NULL)
    g_markup_parse_context_end_parse (context, &error);
  g_assert_no_error (error);
  return check.root;
}

static void
assert_file_starts_with (const char *path,
                         const char *prefix,
                         gsize       prefix_length)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (length, >=, prefix_length);
  g_assert_cmpmem (contents, prefix_length, prefix, prefix_length);
}

static int
png_width (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = gdk_texture_new_from_filename (path, &error);

  g_assert_no_error (error);
  return gdk_texture_get_width (texture);
}

static guint
count_rows (GtkListBox *list)
{
  guint n = 0;

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    n += GTK_IS_LIST_BOX_ROW (row);
  return n;
}

/* Whether some row of @list is named (accessibly) with @text in it. */
static gboolean
list_mentions (GtkListBox *list,
               const char *text)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      const char *name = g_object_get_data (G_OBJECT (row), "moped-accessible-label");

      if (name != NULL && strstr (name, text) != NULL)
        return TRUE;
    }
  return FALSE;
}

/* ---- diagrams ---------------------------------------------------------------------------- */

static void
test_architecture_svg (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *expected = path_in (f, "hello-architecture.svg");
  g_autoptr(GFile) destination = NULL;
  g_autofree char *path = NULL;
  g_autofree char *root = NULL;
  g_autofree char *remembered = NULL;

  moped_export_dialog_set_target (f->dialog, MOPED_EXPORT_TARGET_DIAGRAMS);
  g_assert_cmpstr (moped_export_dialog_get_target (f->dialog), ==, "diagrams");
  /* The proposal: the last export folder, named after the design. */
  destination = moped_export_dialog_get_destination (f->dialog);
  path = g_file_get_path (destination);
  g_assert_cmpstr (path, ==, expected);
  g_assert_cmpuint (gtk_drop_down_get_selected (f->dialog->diagram_format), ==, 0);

  g_settings_set_string (f->settings, "last-export-dir", "");
  g_assert_true (export (f, "diagrams"));
  g_assert_true (g_file_test (expected, G_FILE_TEST_IS_REGULAR));
  root = well_formed_root (expected);
  g_assert_cmpstr (root, ==, "svg");
  g_assert_true (gtk_widget_get_visible (f->dialog->diagram_outcome.box));
  g_assert_true (gtk_widget_has_css_class (f->dialog->diagram_outcome.box, "success"));
  g_assert_true (gtk_widget_get_visible (f->dialog->diagram_outcome.open_button));
  /* The folder is remembered for the next time. */
  remembered = g_settings_get_string (f->settings, "last-export-dir");
  g_assert_cmpstr (remembered, ==, f->dir);
  /* Now the row warns that exporting again replaces the file. */
  g_assert_nonnull (strstr (gtk_label_get_text (f->dialog->diagram_file.path), "replaces"));
}

static void
test_png_scale_and_flow_pdf (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *small = path_in (f, "small.png");
  g_autofree char *large = path_in (f, "large.png");
  g_autofree char *pdf = NULL;
  g_autoptr(GFile) destination = NULL;
  int w1, w2;

  moped_export_dialog_set_target (f->dialog, MOPED_EXPORT_TARGET_DIAGRAMS);
  gtk_drop_down_set_selected (f->dialog->diagram_format, 1);
  g_assert_true (gtk_widget_get_visible (f->dialog->diagram_scale_row));
  destination = moped_export_dialog_get_destination (f->dialog);
  g_assert_true (g_str_has_suffix (g_file_peek_path (destination), "-architecture.png"));

  set_destination (f, "small.png");
  gtk_spin_button_set_value (f->dialog->diagram_scale, 1.0);
  g_assert_true (export (f, "diagrams"));
  set_destination (f, "large.png");
  gtk_spin_button_set_value (f->dialog->diagram_scale, 2.0);
  g_assert_true (export (f, "diagrams"));
  assert_file_starts_with (small, "\x89PNG\r\n\x1a\n", 8);
  w1 = png_width (small);
  w2 = png_width (large);
  g_assert_cmpint (ABS (w2 - 2 * w1), <=, 2);

  /* A flow: no DOT on offer, PDF as a sequence diagram. */
  gtk_drop_down_set_selected (f->dialog->diagram_what, 2);
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (f->dialog->diagram_format)), ==, 3);
  g_assert_false (gtk_widget_get_visible (f->dialog->diagram_layout_row));
  gtk_drop_down_set_selected (f->dialog->diagram_format, 2);
  g_clear_object (&destination);
  destination = moped_export_dialog_get_destination (f->dialog);
  pdf = g_file_get_path (destination);
  g_assert_true (g_str_has_prefix (pdf, f->dir));
  g_assert_true (g_str_has_suffix (pdf, ".pdf"));
  g_assert_true (export (f, "diagrams"));
  assert_file_starts_with (pdf, "%PDF-", 5);
}

static void
test_all_diagrams (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) flows = moped_design_collect (f->design, MOPED_KIND_FLOW);
  g_autofree char *folder = path_in (f, "all");
  g_autofree char *architecture = g_build_filename (folder, "architecture.svg", NULL);
  g_autofree char *root = NULL;

  moped_export_dialog_set_target (f->dialog, MOPED_EXPORT_TARGET_DIAGRAMS);
  gtk_drop_down_set_selected (f->dialog->diagram_what, 1);
  g_assert_true (gtk_widget_get_visible (f->dialog->diagram_folder.row));
  g_assert_false (gtk_widget_get_visible (f->dialog->diagram_file.row));
  set_destination (f, "all");
  g_assert_true (export (f, "diagrams"));
  root = well_formed_root (architecture);
  g_assert_cmpstr (root, ==, "svg");
  g_assert_cmpuint (flows->len, >, 1);
  for (guint i = 0; i < flows->len; i++)
    {
      g_autofree char *name = g_strdup_printf ("flow-%s.svg", moped_element_get_id (g_ptr_array_index (flows, i)));
      g_autofree char *path = g_build_filename (folder, name, NULL);
      g_autofree char *flow_root = well_formed_root (path);

      g_assert_cmpstr (flow_root, ==, "svg");
    }
  g_assert_cmpuint (count_rows (f->dialog->diagram_outcome.list), ==, flows->len + 1);
}

/* A name chosen in the file chooser says the format; without one it gets the format's. */
static void
test_chosen_names (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *pdf = path_in (f, "picture.pdf");
  g_autofree char *notes = path_in (f, "notes.md");
  g_autofree char *page = path_in (f, "page.html");
  g_autoptr(GFile) destination = NULL;

  moped_export_dialog_set_target (f->dialog, MOPED_EXPORT_TARGET_DIAGRAMS);
  set_destination (f, "picture.pdf");
  g_assert_cmpuint (gtk_drop_down_get_selected (f->dialog->diagram_format), ==, 2);
  g_assert_true (export (f, "diagrams"));
  assert_file_starts_with (pdf, "%PDF-", 5);

  moped_export_dialog_set_target (f->dialog, MOPED_EXPORT_TARGET_DOCUMENT);
  set_destination (f, "notes");
  destination = moped_export_dialog_get_destination (f->dialog);
  g_assert_cmpstr (g_file_peek_path (destination), ==, notes);
  g_assert_cmpuint (gtk_drop_down_get_selected (f->dialog->doc_format), ==, 0);
  set_destination (f, "page.html");
  g_assert_cmpuint (gtk_drop_down_get_selected (f->dialog->doc_format), ==, 1);
  g_clear_object (&destination);
  destination = moped_export_dialog_get_destination (f->dialog);
  g_assert_cmpstr (g_file_peek_path (destination), ==, page);
  g_assert_true (export (f, "document"));
  g_assert_true (g_file_test (page, G_FILE_TEST_IS_REGULAR));
}

static GtkWidget *
find_file_chooser (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (GTK_IS_FILE_CHOOSER_DIALOG (window) && gtk_widget_get_visible (window))
        return window;
    }
  return NULL;
}

static gboolean
chooser_shown (gpointer data)
{
  return find_file_chooser () != NULL;
}

static gboolean
destination_chosen (gpointer data)
{
  MopedExportDestination *destination = data;

  return destination->chosen;
}

/* The Choose button's file chooser: it starts on the proposal, and what is picked
 * there becomes the destination. */
static void
test_file_chooser (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *chosen = path_in (f, "chosen.svg");
  g_autofree char *current_name = NULL;
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GFile) destination = NULL;
  GtkWidget *chooser;

  moped_export_dialog_set_target (f->dialog, MOPED_EXPORT_TARGET_DIAGRAMS);
  gtk_widget_activate_action (GTK_WIDGET (f->dialog), "export.choose", NULL);
  g_assert_true (moped_test_spin_until (chooser_shown, NULL, WAIT_MSEC));
  chooser = find_file_chooser ();
  g_assert_cmpint (gtk_file_chooser_get_action (GTK_FILE_CHOOSER (chooser)), ==, GTK_FILE_CHOOSER_ACTION_SAVE);
  current_name = gtk_file_chooser_get_current_name (GTK_FILE_CHOOSER (chooser));
  g_assert_cmpstr (current_name, ==, "hello-architecture.svg");
  /* The chooser loads its folder in the background. */
  for (guint tries = 0; folder == NULL && tries < 200; tries++)
    {
      folder = gtk_file_chooser_get_current_folder (GTK_FILE_CHOOSER (chooser));
      if (folder == NULL)
        moped_test_spin_for (20);
    }
  g_assert_nonnull (folder);
  g_assert_cmpstr (g_file_peek_path (folder), ==, f->dir);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "chosen.svg");
  /* The chooser checks the name (in the background) before it answers. */
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
  g_assert_true (moped_test_spin_until (destination_chosen, &f->dialog->diagram_file, WAIT_MSEC));
  destination = moped_export_dialog_get_destination (f->dialog);
  g_assert_cmpstr (g_file_peek_path (destination), ==, chosen);
  g_assert_true (f->dialog->diagram_file.chosen);

  /* All diagrams: a folder. */
  gtk_drop_down_set_selected (f->dialog->diagram_what, 1);
  gtk_widget_activate_action (GTK_WIDGET (f->dialog), "export.choose", NULL);
  g_assert_true (moped_test_spin_until (chooser_shown, NULL, WAIT_MSEC));
  chooser = find_file_chooser ();
  g_assert_cmpint (gtk_file_chooser_get_action (GTK_FILE_CHOOSER (chooser)), ==,
                   GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER);
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_CANCEL);
  moped_test_spin_for (50);
  g_assert_null (find_file_chooser ());
  g_assert_false (f->dialog->diagram_folder.chosen);
}

static void
test_write_failure (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *blocker = path_in (f, "not-a-folder");
  g_autoptr(GError) error = NULL;

  g_file_set_contents (blocker, "x", -1, &error);
  g_assert_no_error (error);
  moped_export_dialog_set_target (f->dialog, MOPED_EXPORT_TARGET_DIAGRAMS);
  set_destination (f, "not-a-folder/diagram.svg");
  g_assert_false (export (f, "diagrams"));
  g_assert_true (gtk_widget_get_visible (f->dialog->diagram_outcome.box));
  g_assert_true (gtk_widget_has_css_class (f->dialog->diagram_outcome.box, "error"));
  g_assert_cmpstr (gtk_label_get_text (f->dialog->diagram_outcome.detail), !=, "");
  g_assert_false (gtk_widget_get_visible (f->dialog->diagram_outcome.open_button));
}

/* ---- the C skeleton ------------------------------------------------------------------------- */

static void
test_code_plan_then_export (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *folder = path_in (f, "c");
  MopedExportPlan *plan;
  guint n_files;

  moped_export_dialog_set_target (f->dialog, MOPED_EXPORT_TARGET_CODE);
  wait_idle (f);
  set_destination (f, "c");
  /* The plan is on show before anything is written. */
  plan = f->dialog->folders[MOPED_EXPORT_FOLDER_CODE].plan;
  g_assert_nonnull (plan);
  g_assert_true (moped_export_plan_can_run (plan));
  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
  n_files = moped_export_plan_get_n_files (plan);
  g_assert_cmpuint (n_files, >, 3);
  g_assert_true (gtk_widget_get_visible (f->dialog->folders[MOPED_EXPORT_FOLDER_CODE].view.box));
  g_assert_cmpuint (count_rows (f->dialog->folders[MOPED_EXPORT_FOLDER_CODE].view.files), ==, n_files);
  g_assert_true (list_mentions (f->dialog->folders[MOPED_EXPORT_FOLDER_CODE].view.files, "meson.build"));
  g_assert_true (list_mentions (f->dialog->folders[MOPED_EXPORT_FOLDER_CODE].view.files, "New: "));
  g_assert_cmpstr (gtk_label_get_text (f->dialog->folders[MOPED_EXPORT_FOLDER_CODE].view.title), ==, "Plan");

  g_assert_true (export (f, "code"));
  plan = f->dialog->folders[MOPED_EXPORT_FOLDER_CODE].plan;
  g_assert_true (moped_export_plan_is_done (plan));
  for (guint i = 0; i < moped_export_plan_get_n_files (plan); i++)
    {
      const MopedExportFile *file = moped_export_plan_get_file (plan, i);
      g_autofree char *path = g_build_filename (folder, file->path, NULL);

      g_assert_cmpint (file->action, ==, MOPED_EXPORT_CREATE);
      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
    }
  g_assert_true (gtk_widget_has_css_class (f->dialog->folders[MOPED_EXPORT_FOLDER_CODE].outcome.box, "success"));
  g_assert_cmpstr (gtk_label_get_text (f->dialog->folders[MOPED_EXPORT_FOLDER_CODE].view.title), ==, "Done");
  /* Done is done: nothing more to export until something changes. */
  g_assert_false (gtk_widget_get_sensitive (f->dialog->export_button));

  /* Planned again, the same folder has nothing new: generated files are up to date,
   * the user's are kept. */
  set_destination (f, "c");
  plan = f->dialog->folders[MOPED_EXPORT_FOLDER_CODE].plan;
  g_assert_nonnull (plan);
  g_assert_false (moped_export_plan_is_done (plan));
  for (guint i = 0; i < moped_export_plan_get_n_files (plan); i++)
    {
      MopedExportAction action = moped_export_plan_get_file (plan, i)->action;

      g_assert_true (action == MOPED_EXPORT_UNCHANGED || action == MOPED_EXPORT_KEEP);
    }
  g_assert_true (list_mentions (f->dialog->folders[MOPED_EXPORT_FOLDER_CODE].view.files, "Up to date: "));

  /* A command more and one less: the user's files get stubs for the new one, and
   * the handler of the one that went is reported, not deleted. */
  {
    g_autoptr(GPtrArray) protocols = moped_design_collect (f->design, MOPED_KIND_PROTOCOL);
    g_autoptr(GPtrArray) commands = moped_design_collect (f->design, MOPED_KIND_COMMAND);
    MopedElement *first = g_ptr_array_index (commands, 0);
    MopedElement *command = moped_design_add (f->design, g_ptr_array_index (protocols, 0),
                                              MOPED_KIND_COMMAND, -1, NULL);
    gboolean appends = FALSE;

    moped_design_set_string (f->design, command, MOPED_PROP_NAME, "PING");
    moped_design_set_ref (f->design, command, MOPED_PROP_SENDER, moped_element_get_ref (first, MOPED_PROP_SENDER));
    moped_design_remove (f->design, g_ptr_array_index (commands, commands->len - 1));
    set_destination (f, "c");
    plan = f->dialog->folders[MOPED_EXPORT_FOLDER_CODE].plan;
    g_assert_true (moped_export_plan_can_run (plan));
    for (guint i = 0; i < moped_export_plan_get_n_files (plan); i++)
      appends |= moped_export_plan_get_file (plan, i)->action == MOPED_EXPORT_APPEND;
    g_assert_true (appends);
    g_assert_true (list_mentions (f->dialog->folders[MOPED_EXPORT_FOLDER_CODE].view.files, "Add stubs: "));
    g_assert_true (list_mentions (f->dialog->folders[MOPED_EXPORT_FOLDER_CODE].view.problems, "no longer called"));
    g_assert_true (export (f, "code"));
  }
}

static void
test_code_refuses_errors (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *folder = path_in (f, "c");
  g_autofree char *zfolder = path_in (f, "z");

  moped_export_dialog_set_target (f->dialog, MOPED_EXPORT_TARGET_CODE);
  set_destination (f, "c");
  g_assert_nonnull (f->dialog->folders[MOPED_EXPORT_FOLDER_CODE].plan);
  g_assert_false (moped_export_plan_can_run (f->dialog->folders[MOPED_EXPORT_FOLDER_CODE].plan));
  g_assert_cmpstr (gtk_label_get_text (f->dialog->folders[MOPED_EXPORT_FOLDER_CODE].view.title), ==, "Cannot Export");
  /* broken.moped's errors, in the design's own words. */
  g_assert_cmpuint (count_rows (f->dialog->folders[MOPED_EXPORT_FOLDER_CODE].view.problems), >=, 5);
  g_assert_true (list_mentions (f->dialog->folders[MOPED_EXPORT_FOLDER_CODE].view.problems, "PUB cannot talk to PULL"));
  g_assert_true (list_mentions (f->dialog->folders[MOPED_EXPORT_FOLDER_CODE].view.problems, "Error: "));
  g_assert_false (gtk_widget_get_sensitive (f->dialog->export_button));
  gtk_widget_activate_action (GTK_WIDGET (f->dialog), "export.run", NULL);
  wait_idle (f);
  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));

  /* zproto refuses the same way. */
  moped_export_dialog_set_target (f->dialog, MOPED_EXPORT_TARGET_ZPROTO);
  set_destination (f, "z");
  g_assert_cmpstr (gtk_label_get_text (f->dialog->folders[MOPED_EXPORT_FOLDER_ZPROTO].view.title), ==, "Cannot Export");
  g_assert_true (list_mentions (f->dialog->folders[MOPED_EXPORT_FOLDER_ZPROTO].view.problems, "PUB cannot talk to PULL"));
  g_assert_false (gtk_widget_get_sensitive (f->dialog->export_button));
  gtk_widget_activate_action (GTK_WIDGET (f->dialog), "export.run", NULL);
  wait_idle (f);
  g_assert_false (g_file_test (zfolder, G_FILE_TEST_EXISTS));
}

/* ---- the document and zproto --------------------------------------------------------------- */

static void
test_document (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *markdown = path_in (f, "majordomo.md");
  g_autofree char *figure = path_in (f, "majordomo-architecture.svg");
  g_autofree char *text = NULL;
  g_autofree char *html = NULL;
  g_autoptr(GFile) destination = NULL;
  g_autoptr(GError) error = NULL;
  const char *open_name;

  moped_export_dialog_set_target (f->dialog, MOPED_EXPORT_TARGET_DOCUMENT);
  destination = moped_export_dialog_get_destination (f->dialog);
  g_assert_cmpstr (g_file_peek_path (destination), ==, markdown);
  g_assert_true (export (f, "document"));
  g_file_get_contents (markdown, &text, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (text, "#") || strstr (text, "\n# ") != NULL);
  g_assert_true (g_file_test (figure, G_FILE_TEST_IS_REGULAR));
  /* Offered to open. */
  g_assert_true (gtk_widget_get_visible (f->dialog->doc_outcome.open_button));
  open_name = g_object_get_data (G_OBJECT (f->dialog->doc_outcome.open_button), "moped-accessible-label");
  g_assert_cmpstr (open_name, ==, "Open majordomo.md");
  g_assert_true (g_file_equal (f->dialog->doc_outcome.open_target, destination));

  /* One protocol, as HTML. */
  gtk_drop_down_set_selected (f->dialog->doc_protocol, 1);
  gtk_drop_down_set_selected (f->dialog->doc_format, 1);
  g_clear_object (&destination);
  destination = moped_export_dialog_get_destination (f->dialog);
  g_assert_true (g_str_has_prefix (g_file_peek_path (destination), f->dir));
  g_assert_true (g_str_has_suffix (g_file_peek_path (destination), ".html"));
  g_assert_cmpstr (g_file_peek_path (destination), !=, markdown);
  g_assert_true (export (f, "document"));
  g_file_get_contents (g_file_peek_path (destination), &html, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (html, "<html"));
  g_assert_false (gtk_widget_get_visible (f->dialog->doc_note));
}

static void
test_document_notes_errors (Fixture       *f,
                            gconstpointer  data)
{
  moped_export_dialog_set_target (f->dialog, MOPED_EXPORT_TARGET_DOCUMENT);
  g_assert_true (gtk_widget_get_visible (f->dialog->doc_note));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (f->dialog->doc_note)), "appendix"));
}

static void
test_zproto (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GPtrArray) protocols = moped_design_collect (f->design, MOPED_KIND_PROTOCOL);
  g_autofree char *folder = path_in (f, "zproto");
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint n_models = 0;

  g_autoptr(GPtrArray) commands = NULL;

  /* Two commands with a field "extra" of two types: zproto wants one type per name. It goes
   * first, since a command may end in a msg field (7/MDP's bodies do). */
  commands = moped_element_get_children_of_kind (g_ptr_array_index (protocols, 0), MOPED_KIND_COMMAND);
  g_assert_cmpuint (commands->len, >=, 2);
  for (guint i = 0; i < 2; i++)
    {
      MopedElement *field = moped_design_add (f->design, g_ptr_array_index (commands, i), MOPED_KIND_FIELD, 0, NULL);

      moped_design_set_string (f->design, field, MOPED_PROP_NAME, "extra");
      moped_design_set_enum (f->design, field, MOPED_PROP_TYPE, i == 0 ? MOPED_FIELD_STRING : MOPED_FIELD_NUMBER);
    }

  moped_export_dialog_set_target (f->dialog, MOPED_EXPORT_TARGET_ZPROTO);
  set_destination (f, "zproto");
  g_assert_cmpstr (gtk_label_get_text (f->dialog->folders[MOPED_EXPORT_FOLDER_ZPROTO].view.title), ==, "Plan");
  g_assert_cmpuint (count_rows (f->dialog->folders[MOPED_EXPORT_FOLDER_ZPROTO].view.files), ==, protocols->len);
  /* What zproto cannot take as it is shows before anything is written. */
  g_assert_true (list_mentions (f->dialog->folders[MOPED_EXPORT_FOLDER_ZPROTO].view.problems, "Warning: "));
  g_assert_true (list_mentions (f->dialog->folders[MOPED_EXPORT_FOLDER_ZPROTO].view.problems, "extra"));
  g_assert_true (export (f, "zproto"));
  dir = g_dir_open (folder, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);
      g_autofree char *root = NULL;

      g_assert_true (g_str_has_suffix (name, ".xml"));
      root = well_formed_root (path);
      g_assert_cmpstr (root, ==, "class");
      n_models++;
    }
  g_assert_cmpuint (n_models, ==, protocols->len);
  g_assert_true (gtk_widget_has_css_class (f->dialog->folders[MOPED_EXPORT_FOLDER_ZPROTO].outcome.box, "success"));

  /* A model edited by hand is not lost without the switch. */
  {
    g_autoptr(GDir) again = g_dir_open (folder, 0, NULL);
    g_autofree char *first = g_build_filename (folder, g_dir_read_name (again), NULL);
    g_autofree char *contents = NULL;
    g_autofree char *edited = NULL;
    g_autoptr(GError) error = NULL;

    g_file_get_contents (first, &contents, NULL, &error);
    g_assert_no_error (error);
    edited = g_strconcat (contents, "<!-- mine -->\n", NULL);
    g_file_set_contents (first, edited, -1, &error);
    g_assert_no_error (error);
  }
  set_destination (f, "zproto");
  g_assert_cmpstr (gtk_label_get_text (f->dialog->folders[MOPED_EXPORT_FOLDER_ZPROTO].view.title), ==, "Cannot Export");
  g_assert_false (gtk_widget_get_sensitive (f->dialog->export_button));
  gtk_switch_set_active (f->dialog->folders[MOPED_EXPORT_FOLDER_ZPROTO].force, TRUE);
  wait_idle (f);
  g_assert_cmpstr (gtk_label_get_text (f->dialog->folders[MOPED_EXPORT_FOLDER_ZPROTO].view.title), ==, "Plan");
  g_assert_true (gtk_widget_get_sensitive (f->dialog->export_button));
}

/* ---- one plan for the command line and the dialog ------------------------------------------ */

/* Runs `moped export ARGS...` on the fixture's design; returns its exit status. */
static int
run_cli (Fixture     *f,
         const char  *target,
         const char  *folder,
         const char  *option,
         char       **out,
         char       **err)
{
  g_autofree char *moped = g_build_filename (g_getenv ("MOPED_BUILD_DIR"), "app", "moped", NULL);
  const char *argv[] = { moped, "export", target, g_file_peek_path (f->design_file), "-o", folder,
                         "--dry-run", option, NULL };
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, 0, NULL, NULL, out, err, &status, &error);
  g_assert_no_error (error);
  return g_spawn_check_wait_status (status, NULL) ? 0 : 1;
}

/* The dialog's plan for @target, with the files `moped export --dry-run` lists and the
 * errors it refuses with: the same plan, from the same object, in both. */
static void
assert_same_plan (Fixture     *f,
                  const char  *target,
                  guint        index,
                  const char  *folder,
                  gboolean     force)
{
  MopedExportPlan *plan = f->dialog->folders[index].plan;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *prefix = g_strdup_printf ("%s: error: ", g_file_peek_path (f->design_file));
  const char * const *errors;
  guint n_errors = 0;
  int status = run_cli (f, target, folder, force ? "--force" : NULL, &out, &err);

  g_assert_nonnull (plan);
  g_assert_cmpstr (moped_export_plan_get_target (plan), ==, target);
  g_assert_cmpint (status, ==, moped_export_plan_can_run (plan) ? 0 : 1);
  errors = moped_export_plan_get_errors (plan);
  lines = g_strsplit (err, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      {
        g_assert_nonnull (errors[n_errors]);
        g_assert_cmpstr (lines[i] + strlen (prefix), ==, errors[n_errors]);
        n_errors++;
      }
  g_assert_null (errors[n_errors]);
  g_strfreev (lines);
  lines = g_strsplit (out, "\n", -1);
  if (!moped_export_plan_can_run (plan))
    {
      g_assert_cmpstr (out, ==, "");
      return;
    }
  g_assert_cmpuint (g_strv_length (lines), ==, moped_export_plan_get_n_files (plan) + 1);
  g_assert_cmpuint (count_rows (f->dialog->folders[index].view.files), ==, moped_export_plan_get_n_files (plan));
  for (guint i = 0; i < moped_export_plan_get_n_files (plan); i++)
    {
      const MopedExportFile *file = moped_export_plan_get_file (plan, i);
      const char *action = moped_export_action_get_name (file->action);
      const char *rest = lines[i] + strlen (action);

      /* "rewrite   meson.build: edited by hand …" */
      g_assert_true (g_str_has_prefix (lines[i], action));
      while (*rest == ' ')
        rest++;
      g_assert_true (g_str_has_prefix (rest, file->path));
      g_assert_true (strchr (": ", rest[strlen (file->path)]) != NULL);
      if (file->note != NULL)
        g_assert_nonnull (strstr (rest, file->note));
    }
}

/* A file edited by hand since the last export (meson.build of the C skeleton, a zproto
 * model) is refused alike by `moped export` and by the dialog, and with the switch
 * (--force) both plan the same files. */
static void
test_folder_plan_shared_with_cli (Fixture       *f,
                                  gconstpointer  data)
{
  static const struct
  {
    const char *page;
    const char *target;
    guint       index;
    const char *edited;   /* NULL: the first file of the export */
  } cases[] = {
    { MOPED_EXPORT_TARGET_CODE, "c", MOPED_EXPORT_FOLDER_CODE, "meson.build" },
    { MOPED_EXPORT_TARGET_ZPROTO, "zproto", MOPED_EXPORT_FOLDER_ZPROTO, NULL },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autofree char *folder = path_in (f, cases[c].target);
      g_autofree char *edited = NULL;
      g_autofree char *contents = NULL;
      g_autofree char *expected = NULL;
      g_autoptr(GError) error = NULL;

      moped_export_dialog_set_target (f->dialog, cases[c].page);
      wait_idle (f);
      set_destination (f, cases[c].target);
      assert_same_plan (f, cases[c].target, cases[c].index, folder, FALSE);
      g_assert_true (export (f, cases[c].page));

      edited = g_build_filename (folder, cases[c].edited != NULL ? cases[c].edited
                                 : moped_export_plan_get_file (f->dialog->folders[cases[c].index].plan, 0)->path,
                                 NULL);
      g_file_get_contents (edited, &contents, NULL, &error);
      g_assert_no_error (error);
      expected = g_strconcat (contents, "# mine\n", NULL);
      g_file_set_contents (edited, expected, -1, &error);
      g_assert_no_error (error);

      set_destination (f, cases[c].target);
      g_assert_cmpstr (gtk_label_get_text (f->dialog->folders[cases[c].index].view.title), ==, "Cannot Export");
      g_assert_true (moped_export_plan_is_blocked (f->dialog->folders[cases[c].index].plan));
      g_assert_true (list_mentions (f->dialog->folders[cases[c].index].view.problems, "edited by hand"));
      g_assert_true (list_mentions (f->dialog->folders[cases[c].index].view.problems, "Overwrite Changed Files"));
      assert_same_plan (f, cases[c].target, cases[c].index, folder, FALSE);

      gtk_switch_set_active (f->dialog->folders[cases[c].index].force, TRUE);
      wait_idle (f);
      g_assert_true (moped_export_plan_can_run (f->dialog->folders[cases[c].index].plan));
      assert_same_plan (f, cases[c].target, cases[c].index, folder, TRUE);
      g_clear_pointer (&contents, g_free);
      g_file_get_contents (edited, &contents, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (contents, ==, expected);
      gtk_switch_set_active (f->dialog->folders[cases[c].index].force, FALSE);
      wait_idle (f);
    }
}

/* ---- failures on the way to the disk ------------------------------------------------------ */

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Everything under @dir as text: each entry's relative name, mode, size and contents.
 * Fails the test on an empty file or a staging folder left behind. */
static void
tree_text_into (GString    *out,
                const char *dir,
                const char *prefix)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      const char *entry = g_ptr_array_index (names, i);
      g_autofree char *path = g_build_filename (dir, entry, NULL);
      g_autofree char *rel = g_strconcat (prefix, entry, NULL);
      struct stat st;

      g_assert_false (g_str_has_prefix (entry, ".moped-export-"));
      g_assert_cmpint (lstat (path, &st), ==, 0);
      if (S_ISDIR (st.st_mode))
        {
          g_autofree char *deeper = g_strconcat (rel, "/", NULL);

          g_string_append_printf (out, "%s/ %o\n", rel, st.st_mode & 07777);
          tree_text_into (out, path, deeper);
        }
      else
        {
          g_autofree char *contents = NULL;
          gsize length = 0;

          g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
          g_assert_cmpuint (length, >, 0);
          g_string_append_printf (out, "%s %o %" G_GSIZE_FORMAT "\n", rel, st.st_mode & 07777, length);
          g_string_append_len (out, contents, (gssize) length);
          g_string_append_c (out, '\n');
        }
    }
}

static char *
tree_text (const char *dir)
{
  GString *out = g_string_new (NULL);

  tree_text_into (out, dir, "");
  return g_string_free (out, FALSE);
}

/* Presses Export with every file write limited to @limit bytes (the file size limit
 * stops even root, as a full disk would); the export must fail and say so on its page. */
static void
export_fails_with_file_limit (Fixture             *f,
                              const char          *expected_job,
                              MopedExportOutcome  *outcome,
                              rlim_t               limit)
{
  struct rlimit saved, limited;
  void (*old_handler) (int);
  gboolean ok;

  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  limited = saved;
  limited.rlim_cur = limit;
  old_handler = signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limited), ==, 0);
  ok = export (f, expected_job);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  signal (SIGXFSZ, old_handler);
  /* The page shows the failure, and the "finished" signal says so too. */
  g_assert_false (ok);
  g_assert_true (gtk_widget_has_css_class (outcome->box, "error"));
  g_test_message ("%s", gtk_label_get_text (outcome->detail));
}

/* A staging folder as a killed export leaves it: named for a process that has ended. */
static char *
make_stale_staging (const char *dir)
{
  pid_t child = fork ();
  int status;
  char *stale;
  g_autofree char *inside = NULL;
  g_autofree char *half = NULL;

  g_assert_cmpint (child, >=, 0);
  if (child == 0)
    _exit (0);
  g_assert_cmpint (waitpid (child, &status, 0), ==, child);
  stale = g_strdup_printf ("%s/.moped-export-%d-KiLlEd", dir, (int) child);
  inside = g_build_filename (stale, "new", NULL);
  g_assert_cmpint (g_mkdir_with_parents (inside, 0755), ==, 0);
  half = g_build_filename (inside, "half-written.svg", NULL);
  g_assert_true (g_file_set_contents (half, "<svg", -1, NULL));
  return stale;
}

static void
rename_design (Fixture    *f,
               const char *name)
{
  moped_design_set_string (f->design, moped_design_get_root (f->design), MOPED_PROP_NAME, name);
}

/* One diagram: a write that fails keeps the file that was there, whole, and leaves
 * nothing beside it; a write that a killed export interrupted is cleaned up by the next. */
static void
test_diagram_write_all_or_nothing (Fixture       *f,
                                   gconstpointer  data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *stale = NULL;

  moped_export_dialog_set_target (f->dialog, MOPED_EXPORT_TARGET_DIAGRAMS);
  set_destination (f, "picture.svg");
  g_assert_true (export (f, "diagrams"));
  before = tree_text (f->dir);
  rename_design (f, "Renamed so that every diagram changes");
  set_destination (f, "picture.svg");
  export_fails_with_file_limit (f, "diagrams", &f->dialog->diagram_outcome, 512);
  g_assert_true (gtk_widget_has_css_class (f->dialog->diagram_outcome.box, "error"));
  after = tree_text (f->dir);
  g_assert_cmpstr (after, ==, before);

  stale = make_stale_staging (f->dir);
  g_assert_true (export (f, "diagrams"));
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_free (after);
  after = tree_text (f->dir);
  g_assert_cmpstr (after, !=, before);
}

/* All diagrams: a set that cannot be written whole is not written at all. A fresh
 * folder on a full disk is not even made; over an earlier set, a file that cannot be
 * put in place (a folder stands in its way) leaves every earlier file as it was. */
static void
test_all_diagrams_all_or_nothing (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GPtrArray) flows = moped_design_collect (f->design, MOPED_KIND_FLOW);
  g_autofree char *fresh = path_in (f, "fresh");
  g_autofree char *folder = path_in (f, "all");
  g_autofree char *last = NULL;
  g_autofree char *last_path = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  moped_export_dialog_set_target (f->dialog, MOPED_EXPORT_TARGET_DIAGRAMS);
  gtk_drop_down_set_selected (f->dialog->diagram_what, 1);
  set_destination (f, "fresh");
  export_fails_with_file_limit (f, "diagrams", &f->dialog->diagram_outcome, 1024);
  g_assert_false (g_file_test (fresh, G_FILE_TEST_EXISTS));

  set_destination (f, "all");
  g_assert_true (export (f, "diagrams"));
  g_assert_cmpuint (flows->len, >, 1);
  last = moped_render_file_name (g_ptr_array_index (flows, flows->len - 1), MOPED_RENDER_SVG);
  last_path = g_build_filename (folder, last, NULL);
  g_assert_cmpint (g_unlink (last_path), ==, 0);
  g_assert_cmpint (g_mkdir (last_path, 0755), ==, 0);
  before = tree_text (folder);
  rename_design (f, "Renamed so that every diagram changes");
  set_destination (f, "all");
  g_assert_false (export (f, "diagrams"));
  g_assert_nonnull (strstr (gtk_label_get_text (f->dialog->diagram_outcome.detail), last));
  after = tree_text (folder);
  g_assert_cmpstr (after, ==, before);
}

/* The document with its figures: on a full disk the earlier document stays whole. */
static void
test_document_all_or_nothing (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  moped_export_dialog_set_target (f->dialog, MOPED_EXPORT_TARGET_DOCUMENT);
  g_assert_true (export (f, "document"));
  before = tree_text (f->dir);
  rename_design (f, "Renamed so that the document changes");
  export_fails_with_file_limit (f, "document", &f->dialog->doc_outcome, 2048);
  after = tree_text (f->dir);
  g_assert_cmpstr (after, ==, before);
}

/* zproto models: a first export onto a full disk leaves no folder and no empty model. */
static void
test_zproto_all_or_nothing (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *folder = path_in (f, "zproto");

  moped_export_dialog_set_target (f->dialog, MOPED_EXPORT_TARGET_ZPROTO);
  set_destination (f, "zproto");
  export_fails_with_file_limit (f, "zproto", &f->dialog->folders[MOPED_EXPORT_FOLDER_ZPROTO].outcome, 256);
  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
  set_destination (f, "zproto");
  g_assert_true (export (f, "zproto"));
  g_assert_true (gtk_widget_has_css_class (f->dialog->folders[MOPED_EXPORT_FOLDER_ZPROTO].outcome.box, "success"));
  g_free (tree_text (folder));
}

/* ---- presenting, names, looks ------------------------------------------------------------- */

static void
test_present_keeps_choices (Fixture       *f,
                            gconstpointer  data)
{
  MopedExportDialog *kept;
  MopedExportDialog *again;
  g_autoptr(GFile) destination = NULL;
  g_autofree char *chosen = path_in (f, "mine.svg");

  kept = moped_export_dialog_present (f->parent, f->design, f->design_file, f->settings, "diagrams");
  g_assert_true (kept != f->dialog);
  g_assert_true (moped_test_spin_until (moped_test_mapped, kept, WAIT_MSEC));
  {
    g_autoptr(GFile) file = g_file_new_for_path (chosen);

    moped_export_dialog_set_destination (kept, file);
  }
  gtk_window_close (GTK_WINDOW (kept));
  moped_test_spin_for (20);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (kept)));
  again = moped_export_dialog_present (f->parent, f->design, f->design_file, f->settings, NULL);
  g_assert_true (again == kept);
  g_assert_cmpstr (moped_export_dialog_get_target (again), ==, "diagrams");
  destination = moped_export_dialog_get_destination (again);
  g_assert_cmpstr (g_file_peek_path (destination), ==, chosen);
  gtk_window_destroy (GTK_WINDOW (again));
}

static gboolean
has_name (GtkWidget *widget)
{
  if (gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL) ||
      gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return TRUE;
  if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL &&
      gtk_button_get_icon_name (GTK_BUTTON (widget)) == NULL)
    return TRUE;
  return FALSE;
}

static void
check_names (GtkWidget *widget,
             guint     *checked)
{
  GtkWidget *parent = gtk_widget_get_parent (widget);

  /* Inner parts are named by the control they belong to (a drop-down's popover and
   * list, a spin button's text and arrows, a stack sidebar's rows). */
  if (parent != NULL && (GTK_IS_DROP_DOWN (parent) || GTK_IS_SPIN_BUTTON (parent) ||
                         GTK_IS_POPOVER (parent) || GTK_IS_STACK_SIDEBAR (parent)))
    {
      if (GTK_IS_DROP_DOWN (parent) && GTK_IS_TOGGLE_BUTTON (widget))
        g_assert_true (has_name (widget));
      return;
    }
  if (GTK_IS_BUTTON (widget) || GTK_IS_DROP_DOWN (widget) || GTK_IS_SWITCH (widget) ||
      GTK_IS_SPIN_BUTTON (widget) || GTK_IS_LIST_BOX (widget) || GTK_IS_STACK_SIDEBAR (widget))
    {
      if (!has_name (widget))
        g_error ("A %s (%s) has no accessible name", G_OBJECT_TYPE_NAME (widget),
                 gtk_widget_get_tooltip_text (widget) ? gtk_widget_get_tooltip_text (widget) : "no tooltip");
      (*checked)++;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    check_names (child, checked);
}

static void
test_accessible_names (Fixture       *f,
                       gconstpointer  data)
{
  guint checked = 0;

  /* With a plan and an outcome on show, so their lists are checked too. */
  moped_export_dialog_set_target (f->dialog, MOPED_EXPORT_TARGET_CODE);
  set_destination (f, "c");
  g_assert_true (export (f, "code"));
  check_names (GTK_WIDGET (f->dialog), &checked);
  check_names (gtk_window_get_titlebar (GTK_WINDOW (f->dialog)), &checked);
  g_assert_cmpuint (checked, >=, 25);
}

static gboolean
drawn (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_get_width (data) > 0;
}

/* Paint the dialog offscreen; keep the PNG when MOPED_SCREENSHOT_DIR says where. */
static void
screenshot (Fixture    *f,
            const char *name)
{
  GtkWidget *widget = GTK_WIDGET (f->dialog);
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  const char *dir = g_getenv ("MOPED_SCREENSHOT_DIR");
  int width, height;
  g_autofree guchar *pixels = NULL;
  gboolean varied = FALSE;

  /* Past the pages' crossfade. */
  moped_test_spin_for (400);
  g_assert_true (moped_test_spin_until (drawn, widget, WAIT_MSEC));
  paintable = gtk_widget_paintable_new (widget);
  width = gdk_paintable_get_intrinsic_width (paintable);
  height = gdk_paintable_get_intrinsic_height (paintable);
  g_assert_cmpint (width, >, 300);
  g_assert_cmpint (height, >, 200);
  /* A slow machine (valgrind, sanitizers) may not have drawn the new page yet. */
  for (guint tries = 0; node == NULL && tries < 100; tries++)
    {
      g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();

      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
      if (node == NULL)
        moped_test_spin_for (50);
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  pixels = g_malloc ((gsize) width * height * 4);
  gdk_texture_download (texture, pixels, (gsize) width * 4);
  for (gsize i = 4; i < (gsize) width * height * 4 && !varied; i += 4)
    varied = memcmp (pixels, pixels + i, 4) != 0;
  g_assert_true (varied);
  if (dir != NULL)
    {
      g_autofree char *file = g_strdup_printf ("%s/export-%s.png", dir, name);

      g_assert_true (gdk_texture_save_to_png (texture, file));
    }
}

static void
test_screenshots (Fixture       *f,
                  gconstpointer  data)
{
  moped_export_dialog_set_target (f->dialog, MOPED_EXPORT_TARGET_DIAGRAMS);
  screenshot (f, "diagrams");
  g_assert_true (export (f, "diagrams"));
  screenshot (f, "diagrams-done");
  moped_export_dialog_set_target (f->dialog, MOPED_EXPORT_TARGET_CODE);
  wait_idle (f);
  screenshot (f, "code-plan");
  g_assert_true (export (f, "code"));
  screenshot (f, "code-done");
  moped_export_dialog_set_target (f->dialog, MOPED_EXPORT_TARGET_DOCUMENT);
  screenshot (f, "document");
  moped_export_dialog_set_target (f->dialog, MOPED_EXPORT_TARGET_ZPROTO);
  wait_idle (f);
  screenshot (f, "zproto");
}

static void
test_screenshot_refused (Fixture       *f,
                         gconstpointer  data)
{
  moped_export_dialog_set_target (f->dialog, MOPED_EXPORT_TARGET_CODE);
  wait_idle (f);
  screenshot (f, "code-refused");
}

int
main (int    argc,
      char **argv)
{
  if (argc > 1 && g_str_equal (argv[1], MOPED_LAYOUT_RUNNER_VERB))
    return moped_layout_runner_child_main (argc - 1, argv + 1);

  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  /* Accessible properties are kept, and can be checked, without an AT-SPI bus. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  if (!moped_test_gtk_init (&argc, &argv))
    return 0;

#define ADD(path, example, func) \
  g_test_add ("/ui/export-dialog/" path, Fixture, example, fixture_set_up, func, fixture_tear_down)
  ADD ("architecture-svg", "hello.moped", test_architecture_svg);
  ADD ("png-scale-and-flow-pdf", "hello.moped", test_png_scale_and_flow_pdf);
  ADD ("all-diagrams", "majordomo.moped", test_all_diagrams);
  ADD ("write-failure", "hello.moped", test_write_failure);
  ADD ("chosen-names", "hello.moped", test_chosen_names);
  ADD ("file-chooser", "hello.moped", test_file_chooser);
  ADD ("code-plan-then-export", "hello.moped", test_code_plan_then_export);
  ADD ("code-refuses-errors", "broken.moped", test_code_refuses_errors);
  ADD ("document", "majordomo.moped", test_document);
  ADD ("document-notes-errors", "broken.moped", test_document_notes_errors);
  ADD ("zproto", "majordomo.moped", test_zproto);
  ADD ("folder-plan-shared-with-cli", "majordomo.moped", test_folder_plan_shared_with_cli);
  ADD ("diagram-write-all-or-nothing", "hello.moped", test_diagram_write_all_or_nothing);
  ADD ("all-diagrams-all-or-nothing", "majordomo.moped", test_all_diagrams_all_or_nothing);
  ADD ("document-all-or-nothing", "majordomo.moped", test_document_all_or_nothing);
  ADD ("zproto-all-or-nothing", "majordomo.moped", test_zproto_all_or_nothing);
  ADD ("present-keeps-choices", "hello.moped", test_present_keeps_choices);
  ADD ("accessible-names", "hello.moped", test_accessible_names);
  ADD ("screenshots", "majordomo.moped", test_screenshots);
  ADD ("screenshot-refused", "broken.moped", test_screenshot_refused);
#undef ADD

  return g_test_run ();
}
