/* moped-window-actions.c: the window's actions (win.*) and its menu of recent designs.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-ui"

#include "config.h"

#include "moped-application.h"
#include "moped-arrange.h"
#include "moped-export-dialog.h"
#include "moped-print.h"
#include "moped-window-private.h"

#define MAX_RECENT 10

/* The header bar's tools act on the canvas, whose actions only resolve from inside
 * it: win.add-node becomes canvas.add-node, and so on. */
static void
canvas_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  MopedWindow *self = MOPED_WINDOW (widget);
  g_autofree char *name = g_strconcat ("canvas.", strchr (action_name, '.') + 1, NULL);

  gtk_stack_set_visible_child_name (self->view_stack, "diagram");
  gtk_widget_activate_action_variant (GTK_WIDGET (self->canvas), name, parameter);
  if (g_str_has_prefix (action_name, "win.add-"))
    gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
}

/* Text being typed has its own history; Ctrl+Z in a field undoes typing, and the
 * design's history is one click or one field away. */
static gboolean
forward_to_text (MopedWindow *self,
                 const char  *text_action)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  if (focus == NULL || !(GTK_IS_TEXT (focus) || GTK_IS_TEXT_VIEW (focus)))
    return FALSE;
  return gtk_widget_activate_action (focus, text_action, NULL);
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  MopedWindow *self = MOPED_WINDOW (widget);

  if (!forward_to_text (self, "text.undo"))
    moped_design_undo (self->design);
}

static void
redo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  MopedWindow *self = MOPED_WINDOW (widget);

  if (!forward_to_text (self, "text.redo"))
    moped_design_redo (self->design);
}

static void
share_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  if (g_str_equal (action_name, "win.share"))
    _moped_window_share (MOPED_WINDOW (widget));
  else
    _moped_window_join (MOPED_WINDOW (widget));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  _moped_window_save (MOPED_WINDOW (widget), NULL, NULL);
}

static void
save_as_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  _moped_window_save_as (MOPED_WINDOW (widget), NULL, NULL);
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  gtk_window_close (GTK_WINDOW (widget));
}

static void
open_recent_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (widget));
  g_autoptr(GFile) file = g_file_new_for_uri (g_variant_get_string (parameter, NULL));

  if (MOPED_IS_APPLICATION (app))
    moped_application_open_file (MOPED_APPLICATION (app), file);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  MopedWindow *self = MOPED_WINDOW (widget);

  moped_export_dialog_present (GTK_WINDOW (self), self->design, self->file,
                               _moped_window_get_settings (self), NULL);
}

static void
on_printed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(MopedWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!moped_print_design_finish (result, &error) && self->design != NULL)
    {
      const char *name = moped_element_get_name (moped_design_get_root (self->design));
      g_autofree char *title = g_strdup_printf ("Could not print “%s”",
                                                name != NULL && name[0] != '\0' ? name : "Untitled Design");

      _moped_window_show_error (self, title, error->message);
    }
}

static void
print_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  MopedWindow *self = MOPED_WINDOW (widget);
  GtkPrintOperationAction action = g_str_equal (action_name, "win.print-preview")
                                   ? GTK_PRINT_OPERATION_ACTION_PREVIEW
                                   : GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG;

  g_autofree char *name = _moped_window_dup_suggested_name (self);

  /* Printed to a file, "majordomo.moped" becomes "majordomo.pdf", not "output.pdf". */
  if (g_str_has_suffix (name, ".moped"))
    name[strlen (name) - strlen (".moped")] = '\0';
  moped_print_design_async (self->design, GTK_WINDOW (self), action, name, NULL, on_printed, g_object_ref (self));
}

static void
find_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  _moped_window_find (MOPED_WINDOW (widget));
}

/* Arranging runs graphviz away from the window; its progress and errors show over the
 * canvas. win.arrange uses the choices last made, win.arrange-with ("ENGINE",
 * "DIRECTION") new ones (the Arrange popover's button). */
static void
arrange_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  MopedWindow *self = MOPED_WINDOW (widget);
  const char *engine = NULL;
  const char *direction = NULL;

  if (parameter != NULL)
    g_variant_get (parameter, "(&s&s)", &engine, &direction);
  gtk_stack_set_visible_child_name (self->view_stack, "diagram");
  moped_arrange_run (GTK_WIDGET (self->canvas), self->design, engine, direction);
}

static void
show_problems_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  MopedWindow *self = MOPED_WINDOW (widget);
  GtkListBoxRow *first;

  g_object_set (self, "show-sidebar", TRUE, NULL);
  gtk_stack_set_visible_child_name (self->pane_stack, "problems");
  first = gtk_list_box_get_row_at_index (self->diagnostics_list, 0);
  if (first != NULL && gtk_widget_get_focusable (GTK_WIDGET (first)))
    gtk_widget_grab_focus (GTK_WIDGET (first));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->diagnostics_list));
}

/* The outline: the design as a list, for the keyboard and screen readers. */
static void
show_outline_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  MopedWindow *self = MOPED_WINDOW (widget);
  GtkListBox *list = moped_outline_get_list (self->outline);
  g_autoptr(GList) selected = NULL;
  GtkListBoxRow *row;

  g_object_set (self, "show-sidebar", TRUE, NULL);
  gtk_stack_set_visible_child_name (self->view_stack, "diagram");
  gtk_stack_set_visible_child_name (self->pane_stack, "outline");
  moped_outline_get_n_rows (self->outline);
  selected = gtk_list_box_get_selected_rows (list);
  row = selected != NULL ? selected->data : gtk_list_box_get_row_at_index (list, 0);
  if (row != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (row));
  else
    gtk_widget_grab_focus (GTK_WIDGET (list));
}

void
_moped_window_class_init_actions (GtkWidgetClass *widget_class)
{
  static const char * const canvas_actions[] = {
    "win.add-node", "win.add-note", "win.zoom-in", "win.zoom-out", "win.zoom-fit", "win.zoom-reset",
  };

  for (guint i = 0; i < G_N_ELEMENTS (canvas_actions); i++)
    gtk_widget_class_install_action (widget_class, canvas_actions[i], NULL, canvas_action);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "win.redo", NULL, redo_action);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.share", NULL, share_action);
  gtk_widget_class_install_action (widget_class, "win.join", NULL, share_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, save_as_action);
  gtk_widget_class_install_action (widget_class, "win.close", NULL, close_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.show-problems", NULL, show_problems_action);
  gtk_widget_class_install_action (widget_class, "win.show-outline", NULL, show_outline_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.print", NULL, print_action);
  gtk_widget_class_install_action (widget_class, "win.print-preview", NULL, print_action);
  gtk_widget_class_install_action (widget_class, "win.arrange", NULL, arrange_action);
  gtk_widget_class_install_action (widget_class, "win.find", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "win.arrange-with", "(ss)", arrange_action);
  gtk_widget_class_install_property_action (widget_class, "win.show-sidebar", "show-sidebar");
  gtk_widget_class_install_property_action (widget_class, "win.snap-to-grid", "snap-to-grid");
  gtk_widget_class_install_property_action (widget_class, "win.show-grid", "show-grid");
  gtk_widget_class_install_property_action (widget_class, "win.show-deployment", "show-deployment");
  gtk_widget_class_install_property_action (widget_class, "win.page", "page");
}

void
_moped_window_update_actions (MopedWindow *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.undo", moped_design_can_undo (self->design));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.redo", moped_design_can_redo (self->design));
}

static int
compare_recent (gconstpointer a,
                gconstpointer b)
{
  GtkRecentInfo *ia = (GtkRecentInfo *) a;
  GtkRecentInfo *ib = (GtkRecentInfo *) b;

  return g_date_time_compare (gtk_recent_info_get_modified (ib), gtk_recent_info_get_modified (ia));
}

static void
fill_recent (GMenu *section,
             GList *infos)
{
  guint n = 0;

  g_menu_remove_all (section);
  for (const GList *l = infos; l != NULL && n < MAX_RECENT; l = l->next)
    {
      GtkRecentInfo *info = l->data;
      const char *uri = gtk_recent_info_get_uri (info);
      g_autoptr(GString) label = g_string_new (gtk_recent_info_get_display_name (info));
      g_autoptr(GMenuItem) item = NULL;

      /* Menu labels take mnemonics: a name's own underscores must show as they are. */
      g_string_replace (label, "_", "__", 0);
      item = g_menu_item_new (label->str, NULL);
      g_menu_item_set_action_and_target_value (item, "win.open-recent", g_variant_new_string (uri));
      g_menu_append_item (section, item);
      n++;
    }
  if (n == 0)
    g_menu_append (section, "No Recent Designs", "win.no-recent");
}

static void
rebuild_recent (MopedWindow      *self,
                GtkRecentManager *manager)
{
  GList *all = gtk_recent_manager_get_items (manager);
  GList *designs = NULL;

  for (GList *l = all; l != NULL; l = l->next)
    {
      GtkRecentInfo *info = l->data;

      if (g_str_has_suffix (gtk_recent_info_get_uri (info), ".moped") && gtk_recent_info_exists (info))
        designs = g_list_prepend (designs, info);
    }
  designs = g_list_sort (designs, compare_recent);
  fill_recent (self->recent_section, designs);
  fill_recent (self->recent_menu_section, designs);
  g_list_free (designs);
  g_list_free_full (all, (GDestroyNotify) gtk_recent_info_unref);
}

void
_moped_window_init_recent (MopedWindow *self)
{
  GtkRecentManager *manager = gtk_recent_manager_get_default ();

  g_signal_connect_object (manager, "changed", G_CALLBACK (rebuild_recent), self, G_CONNECT_SWAPPED);
  rebuild_recent (self, manager);
}
