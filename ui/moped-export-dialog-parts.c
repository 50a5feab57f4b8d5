/* moped-export-dialog-parts.c: the pieces the export dialog's pages are made of: rows, destinations, outcomes, plans.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-ui"

#include "config.h"

#include "moped-export-dialog-private.h"
#include "moped-inspector-util.h"

char *
_moped_export_display_path (GFile *file)
{
  g_autofree char *path = g_file_get_path (file);
  const char *home = g_get_home_dir ();
  gsize n = strlen (home);

  if (path == NULL)
    return g_file_get_parse_name (file);
  if (n > 1 && g_str_has_prefix (path, home) && (path[n] == '/' || path[n] == '\0'))
    return g_strconcat ("~", path + n, NULL);
  return g_steal_pointer (&path);
}

/* ---- building pages -------------------------------------------------------------- */

static GtkWidget *
wrapped_label (const char *text,
               const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

GtkWidget *
_moped_export_page_new (const char  *title,
                        const char  *description,
                        GtkWidget  **content)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *heading = wrapped_label (title, "moped-export-title");
  GtkWidget *intro = wrapped_label (description, "dim-label");

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_margin_start (box, 24);
  gtk_widget_set_margin_end (box, 24);
  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 24);
  gtk_accessible_update_property (GTK_ACCESSIBLE (heading), GTK_ACCESSIBLE_PROPERTY_LEVEL, 1, -1);
  gtk_box_append (GTK_BOX (box), heading);
  gtk_box_append (GTK_BOX (box), intro);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), box);
  *content = box;
  return scrolled;
}

GtkWidget *
_moped_export_group_new (GtkWidget  *content,
                         const char *heading)
{
  GtkWidget *list = gtk_list_box_new ();

  if (heading != NULL)
    {
      GtkWidget *label = wrapped_label (heading, "moped-export-heading");

      gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LEVEL, 2, -1);
      gtk_box_append (GTK_BOX (content), label);
      moped_inspector_set_accessible_label (list, heading);
    }
  else
    moped_inspector_set_accessible_label (list, "Settings");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "moped-export-list");
  gtk_box_append (GTK_BOX (content), list);
  return list;
}

GtkWidget *
_moped_export_row_new (GtkWidget   *group,
                       const char  *title,
                       const char  *subtitle,
                       GtkWidget   *control,
                       GtkLabel   **subtitle_out)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *caption = wrapped_label (subtitle != NULL ? subtitle : "", "dim-label");

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_focusable (row, FALSE);
  gtk_widget_set_valign (texts, GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_box_append (GTK_BOX (texts), wrapped_label (title, NULL));
  gtk_widget_add_css_class (caption, "moped-export-caption");
  gtk_widget_set_visible (caption, subtitle != NULL);
  gtk_box_append (GTK_BOX (texts), caption);
  gtk_box_append (GTK_BOX (box), texts);
  if (control != NULL)
    {
      gtk_widget_set_valign (control, GTK_ALIGN_CENTER);
      if (GTK_IS_DROP_DOWN (control))
        moped_inspector_set_drop_down_label (control, title);
      else if (moped_inspector_get_accessible_label (control) == NULL)
        moped_inspector_set_accessible_label (control, title);
      gtk_box_append (GTK_BOX (box), control);
    }
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_append (GTK_LIST_BOX (group), row);
  if (subtitle_out != NULL)
    *subtitle_out = GTK_LABEL (caption);
  return row;
}

GtkWidget *
_moped_export_drop_down_new (const char * const *items)
{
  GtkWidget *drop_down = gtk_drop_down_new_from_strings (items);

  gtk_widget_set_size_request (drop_down, 200, -1);
  return drop_down;
}

/* ---- destinations ------------------------------------------------------------------ */

void
_moped_export_destination_update (MopedExportDestination *destination)
{
  g_autofree char *shown = NULL;
  g_autofree char *text = NULL;
  gboolean exists;

  if (destination->file == NULL)
    {
      gtk_label_set_text (destination->path, "Not chosen yet");
      return;
    }
  shown = _moped_export_display_path (destination->file);
  exists = g_file_query_exists (destination->file, NULL);
  /* Say so before anything is replaced; folders are planned file by file instead. */
  if (exists && !destination->folder)
    text = g_strdup_printf ("%s — replaces the file there", shown);
  else if (!exists && destination->folder)
    text = g_strdup_printf ("%s — a new folder", shown);
  else
    text = g_strdup (shown);
  gtk_label_set_text (destination->path, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (destination->path), shown);
}

void
_moped_export_destination_set (MopedExportDestination *destination,
                               GFile                  *file,
                               gboolean                chosen)
{
  g_set_object (&destination->file, file);
  destination->chosen = chosen && file != NULL;
  _moped_export_destination_update (destination);
}

void
_moped_export_destination_propose (MopedExportDestination *destination,
                                   GFile                  *folder,
                                   const char             *name)
{
  g_autoptr(GFile) parent = NULL;
  g_autoptr(GFile) file = NULL;

  if (destination->chosen)
    return;
  parent = destination->file != NULL ? g_file_get_parent (destination->file) : g_object_ref (folder);
  if (parent == NULL)
    parent = g_object_ref (folder);
  file = g_file_get_child (parent, name);
  _moped_export_destination_set (destination, file, FALSE);
}

void
_moped_export_destination_set_extension (MopedExportDestination *destination,
                                         const char             *extension)
{
  g_autofree char *basename = NULL;
  g_autofree char *renamed = NULL;
  g_autoptr(GFile) parent = NULL;
  g_autoptr(GFile) file = NULL;
  char *dot;

  if (destination->file == NULL)
    return;
  basename = g_file_get_basename (destination->file);
  dot = strrchr (basename, '.');
  if (dot != NULL && dot != basename)
    *dot = '\0';
  renamed = g_strdup_printf ("%s.%s", basename, extension);
  parent = g_file_get_parent (destination->file);
  file = g_file_get_child (parent, renamed);
  _moped_export_destination_set (destination, file, destination->chosen);
}

void
_moped_export_destination_append_extension (MopedExportDestination *destination,
                                            const char             *extension)
{
  g_autofree char *basename = NULL;
  g_autofree char *renamed = NULL;
  g_autoptr(GFile) parent = NULL;
  g_autoptr(GFile) file = NULL;

  if (destination->file == NULL)
    return;
  basename = g_file_get_basename (destination->file);
  renamed = g_strdup_printf ("%s.%s", basename, extension);
  parent = g_file_get_parent (destination->file);
  file = g_file_get_child (parent, renamed);
  _moped_export_destination_set (destination, file, destination->chosen);
}

char *
_moped_export_destination_dup_path (MopedExportDestination *destination)
{
  return destination->file != NULL ? g_file_get_path (destination->file) : NULL;
}

static void
on_choose_clicked (GtkButton *button,
                   gpointer   user_data)
{
  MopedExportDialog *self = MOPED_EXPORT_DIALOG (gtk_widget_get_root (GTK_WIDGET (button)));

  _moped_export_dialog_choose (self, user_data);
}

void
_moped_export_destination_init (MopedExportDialog      *self,
                                MopedExportDestination *destination,
                                GtkWidget              *group,
                                const char             *title,
                                gboolean                folder)
{
  GtkWidget *button = gtk_button_new_with_label ("Choose…");
  GtkLabel *path = NULL;

  destination->folder = folder;
  moped_inspector_set_accessible_label (button, folder ? "Choose the Folder" : "Choose the File");
  gtk_widget_set_tooltip_text (button, folder ? "Choose the folder to export to" : "Choose where to save");
  g_signal_connect (button, "clicked", G_CALLBACK (on_choose_clicked), destination);
  destination->row = _moped_export_row_new (group, title, "", button, &path);
  destination->path = path;
  destination->button = button;
  gtk_label_set_wrap (path, FALSE);
  gtk_label_set_ellipsize (path, PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_selectable (path, FALSE);
  _moped_export_destination_update (destination);
}

/* ---- outcomes ------------------------------------------------------------------------- */

static void
on_open_clicked (GtkButton *button,
                 gpointer   user_data)
{
  MopedExportOutcome *outcome = user_data;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (button));

  if (outcome->open_target != NULL && MOPED_IS_EXPORT_DIALOG (root))
    _moped_export_dialog_open (MOPED_EXPORT_DIALOG (root), outcome->open_target);
}

void
_moped_export_outcome_init (MopedExportDialog  *self,
                            MopedExportOutcome *outcome,
                            GtkWidget          *content,
                            const char         *open_label)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);

  outcome->box = box;
  gtk_widget_add_css_class (box, "moped-export-outcome");
  gtk_widget_set_margin_top (box, 6);
  outcome->icon = gtk_image_new ();
  gtk_image_set_pixel_size (GTK_IMAGE (outcome->icon), 24);
  gtk_widget_set_valign (outcome->icon, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (top), outcome->icon);
  outcome->title = GTK_LABEL (wrapped_label ("", "heading"));
  outcome->detail = GTK_LABEL (wrapped_label ("", NULL));
  gtk_label_set_selectable (outcome->detail, TRUE);
  gtk_box_append (GTK_BOX (texts), GTK_WIDGET (outcome->title));
  gtk_box_append (GTK_BOX (texts), GTK_WIDGET (outcome->detail));
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_box_append (GTK_BOX (top), texts);
  outcome->open_button = gtk_button_new_with_mnemonic (open_label);
  gtk_widget_set_valign (outcome->open_button, GTK_ALIGN_START);
  g_signal_connect (outcome->open_button, "clicked", G_CALLBACK (on_open_clicked), outcome);
  gtk_box_append (GTK_BOX (top), outcome->open_button);
  gtk_box_append (GTK_BOX (box), top);
  outcome->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (outcome->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (outcome->list), "moped-export-list");
  gtk_widget_add_css_class (GTK_WIDGET (outcome->list), "moped-export-compact");
  moped_inspector_set_accessible_label (GTK_WIDGET (outcome->list), "Details");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (outcome->list));
  gtk_box_append (GTK_BOX (content), box);
  _moped_export_outcome_clear (outcome);
}

void
_moped_export_outcome_clear (MopedExportOutcome *outcome)
{
  GtkWidget *row;

  while ((row = gtk_widget_get_first_child (GTK_WIDGET (outcome->list))) != NULL)
    gtk_list_box_remove (outcome->list, row);
  gtk_widget_set_visible (GTK_WIDGET (outcome->list), FALSE);
  gtk_widget_set_visible (outcome->box, FALSE);
  g_clear_object (&outcome->open_target);
}

static void
outcome_show (MopedExportOutcome *outcome,
              gboolean            ok,
              const char         *title,
              const char         *detail)
{
  gtk_widget_remove_css_class (outcome->box, ok ? "error" : "success");
  gtk_widget_add_css_class (outcome->box, ok ? "success" : "error");
  gtk_image_set_from_icon_name (GTK_IMAGE (outcome->icon), ok ? "emblem-ok-symbolic" : "dialog-error-symbolic");
  gtk_widget_remove_css_class (outcome->icon, ok ? "error" : "success");
  gtk_widget_add_css_class (outcome->icon, ok ? "success" : "error");
  gtk_accessible_update_property (GTK_ACCESSIBLE (outcome->icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  ok ? "Done" : "Failed", -1);
  gtk_label_set_text (outcome->title, title);
  gtk_label_set_text (outcome->detail, detail != NULL ? detail : "");
  gtk_widget_set_visible (GTK_WIDGET (outcome->detail), detail != NULL && *detail != '\0');
  gtk_widget_set_visible (outcome->box, TRUE);
}

void
_moped_export_outcome_success (MopedExportOutcome *outcome,
                               const char         *title,
                               const char         *detail,
                               GFile              *open)
{
  _moped_export_outcome_clear (outcome);
  g_set_object (&outcome->open_target, open);
  gtk_widget_set_visible (outcome->open_button, open != NULL);
  if (open != NULL)
    {
      g_autofree char *name = g_file_get_basename (open);
      g_autofree char *label = g_strdup_printf ("Open %s", name);

      moped_inspector_set_accessible_label (outcome->open_button, label);
    }
  outcome_show (outcome, TRUE, title, detail);
}

void
_moped_export_outcome_failure (MopedExportOutcome *outcome,
                               const char         *title,
                               const char         *detail)
{
  _moped_export_outcome_clear (outcome);
  gtk_widget_set_visible (outcome->open_button, FALSE);
  outcome_show (outcome, FALSE, title, detail);
}

void
_moped_export_outcome_add_line (MopedExportOutcome *outcome,
                                const char         *text)
{
  GtkWidget *label = wrapped_label (text, "moped-export-path");

  gtk_list_box_append (outcome->list, label);
  gtk_widget_set_visible (GTK_WIDGET (outcome->list), TRUE);
}

/* ---- plans --------------------------------------------------------------------------- */

void
_moped_export_plan_view_init (MopedExportPlanView *view,
                              GtkWidget           *content)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);

  view->box = box;
  view->title = GTK_LABEL (wrapped_label ("", "moped-export-heading"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (view->title), GTK_ACCESSIBLE_PROPERTY_LEVEL, 2, -1);
  view->summary = GTK_LABEL (wrapped_label ("", "dim-label"));
  view->problems = GTK_LIST_BOX (gtk_list_box_new ());
  view->files = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (view->problems, GTK_SELECTION_NONE);
  gtk_list_box_set_selection_mode (view->files, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (view->problems), "moped-export-list");
  gtk_widget_add_css_class (GTK_WIDGET (view->files), "moped-export-list");
  gtk_widget_add_css_class (GTK_WIDGET (view->files), "moped-export-compact");
  moped_inspector_set_accessible_label (GTK_WIDGET (view->problems), "Problems");
  moped_inspector_set_accessible_label (GTK_WIDGET (view->files), "Files");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (view->title));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (view->summary));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (view->problems));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (view->files));
  gtk_box_append (GTK_BOX (content), box);
  _moped_export_plan_view_clear (view);
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *row;

  while ((row = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, row);
  gtk_widget_set_visible (GTK_WIDGET (list), FALSE);
}

void
_moped_export_plan_view_clear (MopedExportPlanView *view)
{
  clear_list (view->problems);
  clear_list (view->files);
  gtk_widget_set_visible (view->box, FALSE);
}

void
_moped_export_plan_view_set_title (MopedExportPlanView *view,
                                   const char          *title,
                                   const char          *summary)
{
  gtk_label_set_text (view->title, title);
  gtk_label_set_text (view->summary, summary != NULL ? summary : "");
  gtk_widget_set_visible (GTK_WIDGET (view->summary), summary != NULL && *summary != '\0');
  gtk_widget_set_visible (view->box, TRUE);
}

void
_moped_export_plan_view_add_problem (MopedExportPlanView *view,
                                     gboolean             error,
                                     const char          *text)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *icon = gtk_image_new_from_icon_name (error ? "dialog-error-symbolic" : "dialog-warning-symbolic");
  g_autofree char *name = g_strdup_printf ("%s: %s", error ? "Error" : "Warning", text);

  gtk_widget_add_css_class (icon, error ? "error" : "warning");
  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  error ? "Error" : "Warning", -1);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), wrapped_label (text, NULL));
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  moped_inspector_set_accessible_label (row, name);
  gtk_list_box_append (view->problems, row);
  gtk_widget_set_visible (GTK_WIDGET (view->problems), TRUE);
}

/* For people, in the plan: what happens to each file. */
static const char *
action_badge (MopedExportAction action)
{
  switch (action)
    {
    case MOPED_EXPORT_CREATE:
      return "New";
    case MOPED_EXPORT_REWRITE:
      return "Rewrite";
    case MOPED_EXPORT_UNCHANGED:
      return "Up to date";
    case MOPED_EXPORT_KEEP:
      return "Yours, kept";
    case MOPED_EXPORT_APPEND:
      return "Add stubs";
    case MOPED_EXPORT_REMOVE:
      return "Remove";
    default:
      g_return_val_if_reached ("");
    }
}

void
_moped_export_plan_view_add_file (MopedExportPlanView *view,
                                  MopedExportAction    action,
                                  const char          *path,
                                  const char          *note,
                                  gboolean             blocked)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *badge = gtk_label_new (blocked ? "Would be lost" : action_badge (action));
  g_autofree char *name = NULL;

  gtk_widget_add_css_class (badge, "moped-export-badge");
  gtk_widget_add_css_class (badge, blocked ? "blocked" : moped_export_action_get_name (action));
  gtk_widget_set_valign (badge, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (box), badge);
  gtk_box_append (GTK_BOX (texts), wrapped_label (path, "moped-export-path"));
  if (note != NULL && *note != '\0')
    {
      GtkWidget *caption = wrapped_label (note, "dim-label");

      gtk_widget_add_css_class (caption, "moped-export-caption");
      gtk_box_append (GTK_BOX (texts), caption);
    }
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_box_append (GTK_BOX (box), texts);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  name = g_strdup_printf ("%s: %s%s%s", gtk_label_get_text (GTK_LABEL (badge)), path,
                          note != NULL && *note != '\0' ? ", " : "", note != NULL ? note : "");
  moped_inspector_set_accessible_label (row, name);
  gtk_list_box_append (view->files, row);
  gtk_widget_set_visible (GTK_WIDGET (view->files), TRUE);
}

char *
_moped_export_plan_summary (const guint *counts)
{
  static const struct
  {
    MopedExportAction  action;
    const char        *one;
    const char        *many;
  } phrases[] = {
    { MOPED_EXPORT_CREATE, "new file", "new files" },
    { MOPED_EXPORT_REWRITE, "file rewritten", "files rewritten" },
    { MOPED_EXPORT_APPEND, "file of yours gets new handler stubs", "files of yours get new handler stubs" },
    { MOPED_EXPORT_KEEP, "file of yours kept as it is", "files of yours kept as they are" },
    { MOPED_EXPORT_UNCHANGED, "file already up to date", "files already up to date" },
    { MOPED_EXPORT_REMOVE, "file no longer needed, removed", "files no longer needed, removed" },
  };
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (phrases); i++)
    {
      guint n = counts[phrases[i].action];

      if (n == 0)
        continue;
      if (text->len > 0)
        g_string_append (text, ", ");
      g_string_append_printf (text, "%u %s", n, n == 1 ? phrases[i].one : phrases[i].many);
    }
  if (text->len == 0)
    g_string_append (text, "Nothing to write");
  g_string_append_c (text, '.');
  return g_string_free (text, FALSE);
}
