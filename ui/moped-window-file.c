/* moped-window-file.c: opening, saving and closing a window's design, and offering recovered work.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Nothing here loses work silently: a failed read or write leaves the design as it
 * was and says what and where in the window's banner; closing unsaved work asks
 * first; recovered work counts as unsaved until it is saved.
 */
#define G_LOG_DOMAIN "moped-ui"

#include "config.h"

#include "moped-application.h"
#include "moped-file.h"
#include "moped-ui-private.h"
#include "moped-window-private.h"

#define MIME_TYPE "application/x-moped+xml"

/* A question (a dialog) in progress: the window it is about, kept alive until the
 * answer, and whom to tell. */
typedef struct
{
  MopedWindow         *window;
  MopedWindowDoneFunc  done;
  gpointer             user_data;
} DoneClosure;

static DoneClosure *
done_closure_new (MopedWindow         *window,
                  MopedWindowDoneFunc  done,
                  gpointer             user_data)
{
  DoneClosure *closure = g_new0 (DoneClosure, 1);

  closure->window = g_object_ref (window);
  closure->done = done;
  closure->user_data = user_data;
  return closure;
}

/* Whether the window still has its design (it was not destroyed meanwhile). */
static gboolean
done_closure_window_alive (DoneClosure *closure)
{
  return closure->window->design != NULL;
}

static void
done_closure_finish (DoneClosure *closure,
                     gboolean     done)
{
  if (closure->done != NULL)
    closure->done (closure->window, done && done_closure_window_alive (closure), closure->user_data);
  g_object_unref (closure->window);
  g_free (closure);
}

static void
finish_now (MopedWindow         *self,
            MopedWindowDoneFunc  done,
            gpointer             user_data,
            gboolean             result)
{
  if (done != NULL)
    done (self, result, user_data);
}

void
_moped_window_note_recent (MopedWindow *self,
                           GFile       *file)
{
  g_autofree char *uri = NULL;
  GtkRecentData data = { NULL, NULL, (char *) MIME_TYPE, (char *) "Moped", (char *) "moped %u", NULL, FALSE };
  GSettings *settings = _moped_window_get_settings (self);
  g_autoptr(GFile) parent = g_file_get_parent (file);

  if (settings != NULL && parent != NULL && g_file_is_native (parent))
    {
      g_autofree char *dir = g_file_get_path (parent);

      g_settings_set_string (settings, "last-open-dir", dir);
    }
  /* Reading the list of recent files is not free: it waits for the first frame. */
  if (!self->first_frame_done)
    {
      g_set_object (&self->pending_recent, file);
      return;
    }
  uri = g_file_get_uri (file);
  gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &data);
}

gboolean
moped_window_load (MopedWindow  *self,
                   GFile        *file,
                   GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(MopedDesign) design = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  gsize length = 0;
  gint64 start;

  g_return_val_if_fail (MOPED_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  name = g_file_get_parse_name (file);
  path = g_file_get_path (file);
  if (path != NULL)
    moped_file_remove_stale_temporaries (path);
  start = g_get_monotonic_time ();
  if (g_file_load_contents (file, NULL, &contents, &length, NULL, &local_error))
    design = moped_file_load_data (contents, length, name, &local_error);
  g_debug ("Read %s in %.1f ms", name, (g_get_monotonic_time () - start) / 1000.0);
  if (design == NULL)
    {
      g_autofree char *basename = g_file_get_basename (file);
      g_autofree char *title = g_strdup_printf ("Could not open “%s”", basename);

      _moped_window_hide_error (self);
      _moped_window_show_error (self, title, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  moped_window_set_design (self, design, file);
  _moped_window_watch_disk (self, contents, length);
  _moped_window_hide_error (self);
  _moped_window_note_recent (self, file);
  return TRUE;
}

gboolean
moped_window_save_to (MopedWindow  *self,
                      GFile        *file,
                      GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;
  gboolean saved;

  g_return_val_if_fail (MOPED_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  /* Never over a version of the file that changed on disk unseen: the banner asks. */
  if (!_moped_window_may_overwrite (self, file, error))
    return FALSE;
  data = moped_file_to_data (self->design, &length);
  path = g_file_get_path (file);
  if (path != NULL)
    saved = moped_file_replace_contents (path, data, length, &local_error);
  else
    saved = g_file_replace_contents (file, data, length, NULL, FALSE, G_FILE_CREATE_NONE,
                                     NULL, NULL, &local_error);
  if (saved)
    moped_design_set_unmodified (self->design);

  if (!saved)
    {
      const char *name = moped_element_get_name (moped_design_get_root (self->design));
      g_autofree char *where = g_file_get_parse_name (file);
      g_autofree char *title = g_strdup_printf ("Could not save “%s” to %s",
                                                name != NULL && name[0] != '\0' ? name : "Untitled Design",
                                                where);

      self->failed_save = TRUE;
      g_set_object (&self->failed_file, file);
      _moped_window_show_error (self, title, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  g_set_object (&self->file, file);
  _moped_window_watch_disk (self, data, length);
  self->recovered = FALSE;
  moped_recovery_discard (self->recovery);
  moped_recovery_set_original (self->recovery, file);
  _moped_window_hide_error (self);
  _moped_window_note_recent (self, file);
  _moped_window_notify_modified (self);
  _moped_window_update_title (self);
  {
    g_autofree char *basename = g_file_get_basename (file);
    g_autofree char *text = g_strdup_printf ("Saved as %s", basename);

    _moped_show_toast (GTK_WIDGET (self), text);
  }
  return TRUE;
}

/* "Lazy Pirate" is saved as "lazy-pirate.moped", like the bundled examples. */
char *
_moped_window_dup_suggested_name (MopedWindow *self)
{
  const char *name = moped_element_get_name (moped_design_get_root (self->design));
  g_autoptr(GString) base = g_string_new (NULL);

  if (self->file != NULL)
    return g_file_get_basename (self->file);
  for (const char *p = name != NULL ? name : ""; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isalnum (c) || c == '_' || (c == '.' && base->len > 0))
        g_string_append_unichar (base, g_unichar_tolower (c));
      else if (base->len > 0 && base->str[base->len - 1] != '-')
        g_string_append_c (base, '-');
    }
  while (base->len > 0 && (base->str[base->len - 1] == '-' || base->str[base->len - 1] == '.'))
    g_string_truncate (base, base->len - 1);
  if (base->len == 0)
    g_string_assign (base, "design");
  g_string_append (base, ".moped");
  return g_string_free (g_steal_pointer (&base), FALSE);
}

static GFile *
ensure_extension (GFile *file)
{
  g_autofree char *basename = g_file_get_basename (file);
  g_autoptr(GFile) parent = NULL;
  g_autofree char *with_extension = NULL;

  if (g_str_has_suffix (basename, ".moped") || (parent = g_file_get_parent (file)) == NULL)
    return g_object_ref (file);
  with_extension = g_strconcat (basename, ".moped", NULL);
  return g_file_get_child (parent, with_extension);
}

static void
on_save_as_response (GtkNativeDialog *chooser,
                     int              response,
                     gpointer         user_data)
{
  DoneClosure *closure = user_data;
  MopedWindow *self = closure->window;
  gboolean saved = FALSE;

  if (response == GTK_RESPONSE_ACCEPT && done_closure_window_alive (closure))
    {
      g_autoptr(GFile) chosen = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autoptr(GFile) file = ensure_extension (chosen);

      saved = moped_window_save_to (self, file, NULL);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  done_closure_finish (closure, saved);
}

GtkFileFilter *
_moped_window_new_design_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, "Moped designs");
  gtk_file_filter_add_pattern (filter, "*.moped");
  gtk_file_filter_add_mime_type (filter, MIME_TYPE);
  return filter;
}

void
_moped_window_save_as (MopedWindow         *self,
                       MopedWindowDoneFunc  done,
                       gpointer             user_data)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = _moped_window_new_design_filter ();
  g_autofree char *suggested = _moped_window_dup_suggested_name (self);
  GSettings *settings = _moped_window_get_settings (self);

  chooser = gtk_file_chooser_native_new ("Save Design As", GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, "_Save", "_Cancel");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  if (self->file != NULL)
    {
      g_autoptr(GFile) parent = g_file_get_parent (self->file);

      if (parent != NULL)
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), parent, NULL);
    }
  else if (settings != NULL)
    {
      g_autofree char *dir = g_settings_get_string (settings, "last-open-dir");

      if (dir[0] != '\0' && g_file_test (dir, G_FILE_TEST_IS_DIR))
        {
          g_autoptr(GFile) folder = g_file_new_for_path (dir);

          gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
        }
    }
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), suggested);
  g_signal_connect (chooser, "response", G_CALLBACK (on_save_as_response),
                    done_closure_new (self, done, user_data));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

void
_moped_window_save (MopedWindow         *self,
                    MopedWindowDoneFunc  done,
                    gpointer             user_data)
{
  if (self->file == NULL)
    {
      _moped_window_save_as (self, done, user_data);
      return;
    }
  finish_now (self, done, user_data, moped_window_save_to (self, self->file, NULL));
}

static void
on_saved_for_close (MopedWindow *self,
                    gboolean     saved,
                    gpointer     user_data)
{
  done_closure_finish (user_data, saved);
}

static void
on_close_response (GtkDialog *dialog,
                   int        response,
                   gpointer   user_data)
{
  DoneClosure *closure = user_data;
  MopedWindow *self = closure->window;

  /* The answer may close the window: the dialog must not outlive it pointing at it. */
  self->close_dialog = NULL;
  gtk_window_set_transient_for (GTK_WINDOW (dialog), NULL);
  gtk_window_destroy (GTK_WINDOW (dialog));
  if (!done_closure_window_alive (closure))
    response = GTK_RESPONSE_CANCEL;
  switch (response)
    {
    case GTK_RESPONSE_ACCEPT:
      _moped_window_save (self, on_saved_for_close, closure);
      break;
    case GTK_RESPONSE_REJECT:
      /* The user threw the work away: its copy goes too. */
      moped_recovery_discard (self->recovery);
      self->recovered = FALSE;
      done_closure_finish (closure, TRUE);
      break;
    default:
      done_closure_finish (closure, FALSE);
      break;
    }
}

/* Without its own name a button with a mnemonic reads as "_Save Save". */
static void
name_button (GtkWidget  *dialog,
             int         response,
             const char *name,
             const char *css_class)
{
  GtkWidget *button = gtk_dialog_get_widget_for_response (GTK_DIALOG (dialog), response);

  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  if (css_class != NULL)
    gtk_widget_add_css_class (button, css_class);
}

void
_moped_window_confirm_close (MopedWindow         *self,
                             MopedWindowDoneFunc  done,
                             gpointer             user_data)
{
  const char *name = moped_element_get_name (moped_design_get_root (self->design));
  GtkWidget *dialog;

  if (!moped_window_get_modified (self))
    {
      finish_now (self, done, user_data, TRUE);
      return;
    }
  if (self->close_dialog != NULL)
    {
      /* Already asking: one question at a time. */
      gtk_window_present (GTK_WINDOW (self->close_dialog));
      finish_now (self, done, user_data, FALSE);
      return;
    }

  gtk_window_present (GTK_WINDOW (self));
  dialog = gtk_message_dialog_new (GTK_WINDOW (self),
                                   GTK_DIALOG_MODAL,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                   "Save changes to “%s” before closing?",
                                   name != NULL && name[0] != '\0' ? name : "Untitled Design");
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog),
                                            self->recovered
                                            ? "This design was recovered after Moped stopped unexpectedly. If you do not save it, the recovered work is lost."
                                            : "If you do not save, the changes are lost.");
  gtk_dialog_add_buttons (GTK_DIALOG (dialog),
                          "_Cancel", GTK_RESPONSE_CANCEL,
                          "_Discard", GTK_RESPONSE_REJECT,
                          self->file != NULL ? "_Save" : "_Save As…", GTK_RESPONSE_ACCEPT,
                          NULL);
  name_button (dialog, GTK_RESPONSE_CANCEL, "Cancel", NULL);
  name_button (dialog, GTK_RESPONSE_REJECT, "Discard", "destructive-action");
  name_button (dialog, GTK_RESPONSE_ACCEPT, self->file != NULL ? "Save" : "Save As…", "suggested-action");
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  g_signal_connect (dialog, "response", G_CALLBACK (on_close_response),
                    done_closure_new (self, done, user_data));
  self->close_dialog = dialog;
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
save_window_state (MopedWindow *self)
{
  GSettings *settings = _moped_window_get_settings (self);
  gboolean maximized = gtk_window_is_maximized (GTK_WINDOW (self));
  int width = 0;
  int height = 0;

  if (settings == NULL)
    return;
  g_settings_set_boolean (settings, "window-maximized", maximized);
  if (!maximized)
    {
      gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
      if (width > 0 && height > 0)
        {
          g_settings_set_int (settings, "window-width", MAX (width, 360));
          g_settings_set_int (settings, "window-height", MAX (height, 300));
        }
    }
}

static void
close_after_confirm (MopedWindow *self,
                     gboolean     may_close,
                     gpointer     user_data)
{
  if (!may_close)
    return;
  self->close_confirmed = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

gboolean
_moped_window_close_request (GtkWindow *window)
{
  MopedWindow *self = MOPED_WINDOW (window);

  if (!self->close_confirmed && moped_window_get_modified (self))
    {
      _moped_window_confirm_close (self, close_after_confirm, NULL);
      return TRUE;
    }
  save_window_state (self);
  if (!moped_window_get_modified (self))
    moped_recovery_discard (self->recovery);
  return FALSE;
}

void
_moped_window_on_error_response (MopedWindow *self,
                                 int          response)
{
  g_autoptr(GFile) failed = self->failed_file != NULL ? g_object_ref (self->failed_file) : NULL;

  switch (response)
    {
    case MOPED_RESPONSE_SAVE_AS:
      _moped_window_save_as (self, NULL, NULL);
      break;
    case MOPED_RESPONSE_RETRY:
      if (failed != NULL)
        moped_window_save_to (self, failed, NULL);
      break;
    default:
      _moped_window_hide_error (self);
      break;
    }
}

static char *
describe_item (MopedRecoveryItem *item)
{
  g_autofree char *when = g_date_time_format (item->saved, "%e %B, %H:%M");
  g_autofree char *where = NULL;

  if (item->original != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_uri (item->original);

      where = g_file_get_parse_name (file);
      return g_strdup_printf ("“%s” (%s), last copied %s", item->name, where, g_strstrip (when));
    }
  return g_strdup_printf ("“%s” (never saved), last copied %s", item->name, g_strstrip (when));
}

void
_moped_window_offer_recovery (MopedWindow *self,
                              GPtrArray   *items)
{
  g_autoptr(GString) detail = g_string_new (NULL);

  g_return_if_fail (items != NULL && items->len > 0);

  g_clear_pointer (&self->offered, g_ptr_array_unref);
  self->offered = g_ptr_array_ref (items);
  for (guint i = 0; i < items->len; i++)
    {
      g_autofree char *line = describe_item (g_ptr_array_index (items, i));

      if (i > 0)
        g_string_append_c (detail, '\n');
      g_string_append (detail, line);
    }
  gtk_label_set_label (self->recovery_title,
                       items->len == 1
                       ? "Moped stopped before this design was saved. Recover it?"
                       : "Moped stopped before these designs were saved. Recover them?");
  gtk_label_set_label (self->recovery_detail, detail->str);
  gtk_info_bar_set_revealed (self->recovery_bar, TRUE);
}

static void
recover_items (MopedWindow *self,
               GPtrArray   *items)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  g_autoptr(GString) failures = g_string_new (NULL);

  for (guint i = 0; i < items->len; i++)
    {
      MopedRecoveryItem *item = g_ptr_array_index (items, i);
      g_autoptr(GError) error = NULL;
      g_autoptr(MopedDesign) design = moped_recovery_item_load (item, &error);
      MopedWindow *target;

      if (design == NULL)
        {
          /* The copy stays where it is: it may still be read by hand. */
          g_string_append_printf (failures, "%s%s", failures->len > 0 ? "\n" : "", error->message);
          continue;
        }
      if (moped_window_is_untouched (self))
        target = self;
      else if (MOPED_IS_APPLICATION (app))
        target = moped_application_new_window (MOPED_APPLICATION (app));
      else
        break;
      _moped_window_set_recovered (target, design, item);
      gtk_window_present (GTK_WINDOW (target));
    }
  if (failures->len > 0)
    _moped_window_show_error (self, "Some unsaved work could not be recovered", failures->str);
}

void
_moped_window_on_recovery_response (MopedWindow *self,
                                    int          response)
{
  g_autoptr(GPtrArray) items = g_steal_pointer (&self->offered);

  gtk_info_bar_set_revealed (self->recovery_bar, FALSE);
  if (items == NULL)
    return;
  if (response == MOPED_RESPONSE_RECOVER)
    recover_items (self, items);
  else if (response == MOPED_RESPONSE_DISCARD)
    {
      for (guint i = 0; i < items->len; i++)
        moped_recovery_item_delete (g_ptr_array_index (items, i));
    }
  else
    {
      /* Neither chosen: keep the offer for later. */
      self->offered = g_steal_pointer (&items);
      gtk_info_bar_set_revealed (self->recovery_bar, TRUE);
    }
}
