/* moped-window-disk.c: the window watches its file: a change on disk is never silently overwritten.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The window remembers a digest of the bytes it last read from or wrote to its file.
 * A GFileMonitor tells it promptly when the file changes, is deleted or moved; the
 * window then compares the file with that digest (its own saves change nothing) and
 * shows a banner: Reload (the file's version replaces the design as one undoable
 * edit) or Keep Mine (the next save writes over that version). Saving compares again
 * right before writing, so even a change the monitor has not reported yet cannot be
 * overwritten without that choice.
 */
#define G_LOG_DOMAIN "moped-ui"

#include "config.h"

#include "moped-accessible.h"
#include "moped-design-copy.h"
#include "moped-file.h"
#include "moped-window-private.h"

#define DELETED "deleted"   /* the digest of a file that is not there */

enum {
  RESPONSE_RELOAD = 100,
  RESPONSE_KEEP_MINE,
  RESPONSE_SAVE_AS,
};

static char *
digest_of (const char *data,
           gsize       length)
{
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, length);
}

/* The digest of what the file holds now: DELETED when it is not there, NULL when it
 * cannot be read (then nothing is claimed either way). */
static char *
dup_disk_digest (GFile *file)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (g_file_load_contents (file, NULL, &contents, &length, NULL, &error))
    return digest_of (contents, length);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    return g_strdup (DELETED);
  g_debug ("Cannot read the open file to compare: %s", error->message);
  return NULL;
}

static void
show_banner (MopedWindow *self,
             gboolean     deleted)
{
  g_autofree char *name = g_file_get_basename (self->file);
  g_autofree char *where = g_file_get_parse_name (self->file);
  g_autofree char *title = NULL;
  const char *detail;

  if (deleted)
    {
      title = g_strdup_printf ("“%s” was deleted or moved away", name);
      detail = "Keep Mine saves the design there again when you save; Save As… puts it elsewhere.";
    }
  else
    {
      title = g_strdup_printf ("“%s” changed on disk", name);
      detail = moped_window_get_modified (self)
        ? "Another program changed the file, and you have unsaved changes. Reload shows the "
          "file's version (Undo brings yours back); Keep Mine lets your next save replace it."
        : "Another program changed the file. Reload shows the file's version (Undo brings "
          "yours back); Keep Mine lets your next save replace it.";
    }
  gtk_label_set_label (self->disk_title, title);
  gtk_label_set_label (self->disk_detail, detail);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->disk_title), where);
  gtk_widget_set_visible (self->disk_reload_button, !deleted);
  gtk_widget_set_visible (self->disk_save_as_button, deleted);
  gtk_info_bar_set_revealed (self->disk_bar, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->disk_bar),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, detail,
                                  -1);
}

static void
hide_banner (MopedWindow *self)
{
  gtk_info_bar_set_revealed (self->disk_bar, FALSE);
  g_clear_pointer (&self->disk_seen, g_free);
}

/* Compares the file with what the window knows; shows the banner on a difference the
 * user has not already answered. Returns TRUE when the file may be written over. */
static gboolean
check_disk (MopedWindow *self)
{
  g_autofree char *now = NULL;

  if (self->file == NULL || self->disk_digest == NULL)
    return TRUE;
  now = dup_disk_digest (self->file);
  if (now == NULL || g_str_equal (now, self->disk_digest) ||
      g_strcmp0 (now, self->disk_overridden) == 0)
    {
      if (now != NULL && g_str_equal (now, self->disk_digest))
        hide_banner (self);
      return TRUE;
    }
  g_free (self->disk_seen);
  self->disk_seen = g_strdup (now);
  show_banner (self, g_str_equal (now, DELETED));
  return FALSE;
}

static void
on_file_changed (MopedWindow       *self,
                 GFile             *file,
                 GFile             *other,
                 GFileMonitorEvent  event,
                 GFileMonitor      *monitor)
{
  switch (event)
    {
    case G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT:
    case G_FILE_MONITOR_EVENT_DELETED:
    case G_FILE_MONITOR_EVENT_CREATED:
    case G_FILE_MONITOR_EVENT_MOVED_IN:
    case G_FILE_MONITOR_EVENT_MOVED_OUT:
    case G_FILE_MONITOR_EVENT_RENAMED:
    case G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED:
      check_disk (self);
      break;
    case G_FILE_MONITOR_EVENT_CHANGED:
    case G_FILE_MONITOR_EVENT_PRE_UNMOUNT:
    case G_FILE_MONITOR_EVENT_UNMOUNTED:
    case G_FILE_MONITOR_EVENT_MOVED:
    default:
      /* CHANGED comes for every write; CHANGES_DONE_HINT follows when it is complete. */
      break;
    }
}

void
_moped_window_watch_disk (MopedWindow *self,
                          const char  *data,
                          gsize        length)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (MOPED_IS_WINDOW (self));

  if (self->disk_monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->disk_monitor, self);
      g_file_monitor_cancel (self->disk_monitor);
      g_clear_object (&self->disk_monitor);
    }
  g_clear_pointer (&self->disk_digest, g_free);
  g_clear_pointer (&self->disk_overridden, g_free);
  hide_banner (self);
  if (self->file == NULL || data == NULL)
    return;

  self->disk_digest = digest_of (data, length);
  /* WATCH_MOVES reports a rename as one event (RENAMED, MOVED_OUT) rather than a deletion. */
  self->disk_monitor = g_file_monitor_file (self->file, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
  if (self->disk_monitor == NULL)
    {
      g_debug ("Cannot watch the open file: %s", error->message);
      return;
    }
  /* Editors save with a burst of events: react at most every 200 ms. */
  g_file_monitor_set_rate_limit (self->disk_monitor, 200);
  g_signal_connect_object (self->disk_monitor, "changed", G_CALLBACK (on_file_changed), self,
                           G_CONNECT_SWAPPED);
}

gboolean
_moped_window_may_overwrite (MopedWindow  *self,
                             GFile        *file,
                             GError      **error)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (MOPED_IS_WINDOW (self), FALSE);

  if (self->file == NULL || !g_file_equal (file, self->file) || check_disk (self))
    return TRUE;
  name = g_file_get_basename (file);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_WRONG_ETAG,
               "“%s” changed on disk since it was opened; choose Reload or Keep Mine first", name);
  return FALSE;
}

static void
reload (MopedWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedDesign) loaded = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *name = g_file_get_parse_name (self->file);
  gsize length = 0;

  if (g_file_load_contents (self->file, NULL, &contents, &length, NULL, &error))
    loaded = moped_file_load_data (contents, length, name, &error);
  if (loaded == NULL)
    {
      g_autofree char *title = g_strdup_printf ("Could not reload “%s”", name);

      _moped_window_show_error (self, title, error->message);
      return;
    }
  moped_design_replace_contents (self->design, loaded, "Reload from Disk");
  moped_design_set_unmodified (self->design);
  _moped_window_watch_disk (self, contents, length);
}

static void
on_response (MopedWindow *self,
             int          response)
{
  switch (response)
    {
    case RESPONSE_RELOAD:
      reload (self);
      break;
    case RESPONSE_KEEP_MINE:
      g_free (self->disk_overridden);
      self->disk_overridden = g_steal_pointer (&self->disk_seen);
      gtk_info_bar_set_revealed (self->disk_bar, FALSE);
      break;
    case RESPONSE_SAVE_AS:
      _moped_window_save_as (self, NULL, NULL);
      break;
    default:
      break;
    }
}

static GtkWidget *
add_button (MopedWindow *self,
            const char  *label,
            int          response)
{
  return gtk_info_bar_add_button (self->disk_bar, label, response);
}

void
_moped_window_init_disk (MopedWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *parent = gtk_widget_get_parent (GTK_WIDGET (self->recovery_bar));

  self->disk_bar = GTK_INFO_BAR (gtk_info_bar_new ());
  gtk_info_bar_set_message_type (self->disk_bar, GTK_MESSAGE_WARNING);
  gtk_info_bar_set_revealed (self->disk_bar, FALSE);
  gtk_widget_set_hexpand (box, TRUE);
  self->disk_title = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->disk_title, 0);
  gtk_label_set_wrap (self->disk_title, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->disk_title), "heading");
  self->disk_detail = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->disk_detail, 0);
  gtk_label_set_wrap (self->disk_detail, TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->disk_title));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->disk_detail));
  gtk_info_bar_add_child (self->disk_bar, box);
  self->disk_save_as_button = add_button (self, "Save _As…", RESPONSE_SAVE_AS);
  self->disk_keep_button = add_button (self, "_Keep Mine", RESPONSE_KEEP_MINE);
  self->disk_reload_button = add_button (self, "_Reload", RESPONSE_RELOAD);
  gtk_widget_add_css_class (self->disk_reload_button, "suggested-action");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->disk_bar),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "File changed on disk", -1);
  g_signal_connect_object (self->disk_bar, "response", G_CALLBACK (on_response), self, G_CONNECT_SWAPPED);
  gtk_box_insert_child_after (GTK_BOX (parent), GTK_WIDGET (self->disk_bar), GTK_WIDGET (self->recovery_bar));
  /* Created after the window named its buttons, and not realized until revealed. */
  moped_accessible_name_buttons (GTK_WIDGET (self->disk_bar));
}

void
_moped_window_clear_disk (MopedWindow *self)
{
  if (self->disk_monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->disk_monitor, self);
      g_file_monitor_cancel (self->disk_monitor);
      g_clear_object (&self->disk_monitor);
    }
  g_clear_pointer (&self->disk_digest, g_free);
  g_clear_pointer (&self->disk_overridden, g_free);
  g_clear_pointer (&self->disk_seen, g_free);
}
