/* moped-window-dnd.c: opening designs dropped on a window from a file manager.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-ui"

#include "config.h"

#include "moped-application.h"
#include "moped-window-private.h"

gboolean
_moped_window_open_files (MopedWindow *self,
                          GSList      *files)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  gboolean opened = FALSE;

  for (const GSList *l = files; l != NULL; l = l->next)
    {
      GFile *file = l->data;

      /* The first lands here when nothing was done in this window yet; the
       * application decides (a window per design). */
      if (!opened && moped_window_is_untouched (self))
        moped_window_load (self, file, NULL);
      else if (MOPED_IS_APPLICATION (app))
        moped_application_open_file (MOPED_APPLICATION (app), file);
      else
        continue;
      opened = TRUE;
    }
  return opened;
}

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         MopedWindow   *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self), "moped-drop-hover");
  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  return _moped_window_open_files (self, gdk_file_list_get_files (g_value_get_boxed (value)));
}

static GdkDragAction
on_enter (GtkDropTarget *target,
          double         x,
          double         y,
          MopedWindow   *self)
{
  gtk_widget_add_css_class (GTK_WIDGET (self), "moped-drop-hover");
  return GDK_ACTION_COPY;
}

static void
on_leave (GtkDropTarget *target,
          MopedWindow   *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self), "moped-drop-hover");
}

void
_moped_window_init_dnd (MopedWindow *self)
{
  GtkDropTarget *target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

  gtk_event_controller_set_name (GTK_EVENT_CONTROLLER (target), "moped-file-drop");
  g_signal_connect_object (target, "drop", G_CALLBACK (on_drop), self, 0);
  g_signal_connect_object (target, "enter", G_CALLBACK (on_enter), self, 0);
  g_signal_connect_object (target, "leave", G_CALLBACK (on_leave), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
}
