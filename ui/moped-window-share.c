/* moped-window-share.c: Share... and Join...: a window's design edited live with others.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The window talks to the collaboration layer only through MopedSession (GLib types,
 * no ZeroMQ): hosting makes the window's design shared; joining opens the host's
 * design in a window. Remote edits arrive as the design's ordinary "changed", so the
 * canvas and inspector follow by themselves; this file adds who is here, their
 * pointers, selections and fields, and the words for edits the host refused.
 */
#define G_LOG_DOMAIN "moped-ui"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "moped-application.h"
#include "moped-design-copy.h"
#include "moped-discovery.h"
#include "moped-file.h"
#include "moped-inspector-field.h"
#include "moped-schema.h"
#include "moped-session.h"
#include "moped-ui-private.h"
#include "moped-window-private.h"

#define INVITE_LIFETIME_S 600
#define JOIN_TIMEOUT_MS   10000

struct _MopedWindowShare
{
  MopedSession *session;
  GHashTable   *presence;       /* author -> their latest presence text */
  GHashTable   *people;         /* author -> Person */
  GtkWidget    *bar;            /* the banner for refused edits and session news */
  GtkLabel     *bar_label;
  GtkWidget    *dialog;         /* the Share dialog while open */
  GtkListBox   *roster_list;
  GtkEditable  *link_entry;
  GtkLabel     *code_label;
  GtkDropDown  *access_choice;
  GtkLabel     *dialog_status;
  MopedBeacon  *beacon;         /* announcing on the local network, or NULL */
  GtkEventController *motion;
  double        pointer_x, pointer_y;
  gboolean      pointer_inside;
  char         *field;          /* "id/prop" being edited here, or NULL */
  guint         fields_id;
};

typedef struct
{
  char *name;
  char *access;
  char *colour;
} Person;

static void
person_free (gpointer data)
{
  Person *p = data;

  g_free (p->name);
  g_free (p->access);
  g_free (p->colour);
  g_free (p);
}

static MopedWindowShare *
get_share (MopedWindow *self)
{
  if (self->share == NULL)
    {
      self->share = g_new0 (MopedWindowShare, 1);
      self->share->presence = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      self->share->people = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, person_free);
    }
  return self->share;
}

gboolean
_moped_window_is_shared (MopedWindow *self)
{
  return self->share != NULL && self->share->session != NULL;
}

/* ---- the banner ------------------------------------------------------------------- */

static void
on_bar_response (GtkInfoBar  *bar,
                 int          response,
                 MopedWindow *self)
{
  gtk_info_bar_set_revealed (bar, FALSE);
}

static void
show_banner (MopedWindow    *self,
             GtkMessageType  type,
             const char     *text)
{
  MopedWindowShare *share = get_share (self);

  if (share->bar == NULL)
    {
      GtkWidget *anchor = GTK_WIDGET (self->error_bar);

      share->bar = gtk_info_bar_new ();
      gtk_info_bar_set_show_close_button (GTK_INFO_BAR (share->bar), TRUE);
      share->bar_label = GTK_LABEL (gtk_label_new (NULL));
      gtk_label_set_wrap (share->bar_label, TRUE);
      gtk_label_set_xalign (share->bar_label, 0);
      gtk_widget_set_hexpand (GTK_WIDGET (share->bar_label), TRUE);
      gtk_info_bar_add_child (GTK_INFO_BAR (share->bar), GTK_WIDGET (share->bar_label));
      g_signal_connect_object (share->bar, "response", G_CALLBACK (on_bar_response), self, 0);
      gtk_widget_insert_before (share->bar, gtk_widget_get_parent (anchor), anchor);
    }
  gtk_info_bar_set_message_type (GTK_INFO_BAR (share->bar), type);
  gtk_label_set_text (share->bar_label, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (share->bar),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "Shared design",
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
  gtk_info_bar_set_revealed (GTK_INFO_BAR (share->bar), TRUE);
}

/* ---- who is here ------------------------------------------------------------------ */

static void
read_roster (MopedWindow *self)
{
  MopedWindowShare *share = get_share (self);
  g_autofree char *roster = moped_session_dup_roster (share->session);
  g_auto(GStrv) lines = g_strsplit (roster ? roster : "", "\n", -1);

  g_hash_table_remove_all (share->people);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], "\t", 4);
      Person *p;

      if (g_strv_length (f) < 4)
        continue;
      p = g_new0 (Person, 1);
      p->name = g_strdup (f[1]);
      p->access = g_strdup (f[2]);
      p->colour = g_strdup (f[3]);
      g_hash_table_replace (share->people, g_strdup (f[0]), p);
    }
}

static void
fill_roster_list (MopedWindow *self)
{
  MopedWindowShare *share = self->share;
  g_autofree char *roster = NULL;
  g_auto(GStrv) lines = NULL;
  GtkWidget *child;

  if (share == NULL || share->roster_list == NULL)
    return;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (share->roster_list))) != NULL)
    gtk_list_box_remove (share->roster_list, child);
  if (share->session == NULL)
    return;
  roster = moped_session_dup_roster (share->session);
  lines = g_strsplit (roster ? roster : "", "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], "\t", 4);
      g_autofree char *markup = NULL;
      g_autofree char *plain = NULL;
      gboolean me = FALSE;
      GtkWidget *label;

      if (g_strv_length (f) < 4)
        continue;
      me = g_strcmp0 (f[0], moped_session_get_author (share->session)) == 0;
      markup = g_markup_printf_escaped ("<span foreground=\"%s\">●</span> %s%s — %s%s", f[3], f[1],
                                        me ? " (you)" : "", f[2], i == 0 ? ", hosts" : "");
      plain = g_strdup_printf ("%s%s, %s%s", f[1], me ? " (you)" : "", f[2], i == 0 ? ", hosts" : "");
      label = gtk_label_new (NULL);
      gtk_label_set_markup (GTK_LABEL (label), markup);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_margin_start (label, 6);
      gtk_widget_set_margin_top (label, 4);
      gtk_widget_set_margin_bottom (label, 4);
      gtk_list_box_append (share->roster_list, label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_parent (label)),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, plain, -1);
    }
}

/* ---- presence: theirs painted, ours sent -------------------------------------------- */

/* "pointer=X,Y selection=ID,ID field=ID/PROP": values never hold spaces (ids cannot). */
static char *
presence_value (const char *text,
                const char *key)
{
  g_auto(GStrv) words = g_strsplit (text ? text : "", " ", -1);
  gsize n = strlen (key);

  for (guint i = 0; words[i] != NULL; i++)
    if (strncmp (words[i], key, n) == 0 && words[i][n] == '=')
      return g_strdup (words[i] + n + 1);
  return NULL;
}

static gboolean
apply_remote_fields (gpointer user_data)
{
  MopedWindow *self = user_data;
  MopedWindowShare *share = self->share;
  g_autoptr(GHashTable) editing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GHashTableIter iter;
  gpointer key, value;
  GPtrArray *fields;

  share->fields_id = 0;
  if (self->inspector == NULL)
    return G_SOURCE_REMOVE;
  g_hash_table_iter_init (&iter, share->presence);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      char *field = presence_value (value, "field");

      if (field != NULL && g_hash_table_lookup (share->people, key) != NULL)
        g_hash_table_insert (editing, field, key);
      else
        g_free (field);
    }
  fields = moped_inspector_collect_fields (GTK_WIDGET (self->inspector));
  for (guint i = 0; i < fields->len; i++)
    {
      MopedInspectorField *f = g_ptr_array_index (fields, i);
      const char * const *ids = moped_inspector_field_get_ids (f);
      g_autofree char *name = NULL;
      const char *author = NULL;
      Person *p;

      name = g_strdup_printf ("%s/%s", ids && ids[0] ? ids[0] : "",
                              moped_schema_get_prop_name (moped_inspector_field_get_prop (f)));
      author = g_hash_table_lookup (editing, name);
      p = author ? g_hash_table_lookup (share->people, author) : NULL;
      moped_inspector_field_set_remote (f, p ? p->name : NULL, p ? p->colour : NULL);
    }
  g_ptr_array_unref (fields);
  return G_SOURCE_REMOVE;
}

/* After the inspector rebuilt its fields (it does so when idle). */
static void
schedule_remote_fields (MopedWindow *self)
{
  if (self->share != NULL && self->share->fields_id == 0)
    self->share->fields_id = g_idle_add_full (G_PRIORITY_LOW, apply_remote_fields, self, NULL);
}

static void
paint_presence (MopedWindow *self)
{
  MopedWindowShare *share = self->share;
  g_autoptr(GPtrArray) people = g_ptr_array_new_with_free_func ((GDestroyNotify) moped_canvas_presence_free);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, share->presence);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Person *person = g_hash_table_lookup (share->people, key);
      g_autofree char *pointer = presence_value (value, "pointer");
      g_autofree char *selection = presence_value (value, "selection");
      MopedCanvasPresence *p;

      if (person == NULL || g_strcmp0 (key, moped_session_get_author (share->session)) == 0)
        continue;
      p = g_new0 (MopedCanvasPresence, 1);
      p->name = g_strdup (person->name);
      if (!gdk_rgba_parse (&p->colour, person->colour))
        gdk_rgba_parse (&p->colour, "#777777");
      if (selection != NULL && *selection != '\0')
        p->selection = g_strsplit (selection, ",", -1);
      if (pointer != NULL)
        {
          char *end = NULL;

          p->x = g_ascii_strtod (pointer, &end);
          if (end != NULL && *end == ',')
            {
              p->y = g_ascii_strtod (end + 1, &end);
              p->has_pointer = end != NULL && *end == '\0';
            }
        }
      g_ptr_array_add (people, p);
    }
  moped_canvas_set_presence (self->canvas, people->len > 0 ? people : NULL);
  schedule_remote_fields (self);
}

static void
send_presence (MopedWindow *self)
{
  MopedWindowShare *share = self->share;
  g_autoptr(GString) text = g_string_new (NULL);
  g_auto(GStrv) selection = NULL;

  if (share == NULL || share->session == NULL)
    return;
  if (share->pointer_inside)
    {
      char x[G_ASCII_DTOSTR_BUF_SIZE], y[G_ASCII_DTOSTR_BUF_SIZE];

      g_string_append_printf (text, "pointer=%s,%s", g_ascii_formatd (x, sizeof x, "%.1f", share->pointer_x),
                              g_ascii_formatd (y, sizeof y, "%.1f", share->pointer_y));
    }
  selection = moped_canvas_dup_selection (self->canvas);
  if (selection != NULL && selection[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv (",", selection);

      g_string_append_printf (text, "%sselection=%s", text->len ? " " : "", joined);
    }
  if (share->field != NULL)
    g_string_append_printf (text, "%sfield=%s", text->len ? " " : "", share->field);
  moped_session_set_presence (share->session, text->str);
}

static void
on_motion (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           MopedWindow              *self)
{
  moped_canvas_widget_to_design (self->canvas, x, y, &self->share->pointer_x, &self->share->pointer_y);
  self->share->pointer_inside = TRUE;
  send_presence (self);
}

static void
on_leave (GtkEventControllerMotion *motion,
          MopedWindow              *self)
{
  self->share->pointer_inside = FALSE;
  send_presence (self);
}

static void
on_focus_widget (MopedWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  GtkWidget *field = focus ? gtk_widget_get_ancestor (focus, MOPED_TYPE_INSPECTOR_FIELD) : NULL;
  g_autofree char *now = NULL;

  if (field != NULL)
    {
      const char * const *ids = moped_inspector_field_get_ids (MOPED_INSPECTOR_FIELD (field));

      if (ids != NULL && ids[0] != NULL)
        now = g_strdup_printf ("%s/%s", ids[0],
                               moped_schema_get_prop_name (moped_inspector_field_get_prop (MOPED_INSPECTOR_FIELD (field))));
    }
  if (g_strcmp0 (now, self->share->field) == 0)
    return;
  g_free (self->share->field);
  self->share->field = g_steal_pointer (&now);
  send_presence (self);
}

static void
on_session_presence (MopedSession *session,
                     const char   *author,
                     const char   *text,
                     MopedWindow  *self)
{
  g_hash_table_replace (self->share->presence, g_strdup (author), g_strdup (text));
  paint_presence (self);
}

/* ---- the session's news ----------------------------------------------------------- */

static void
on_roster_changed (MopedSession *session,
                   MopedWindow  *self)
{
  GHashTableIter iter;
  gpointer key;

  read_roster (self);
  /* Who left takes their pointer with them. */
  g_hash_table_iter_init (&iter, self->share->presence);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (g_hash_table_lookup (self->share->people, key) == NULL)
      g_hash_table_iter_remove (&iter);
  paint_presence (self);
  fill_roster_list (self);
  _moped_window_update_title (self);
}

static void
on_notice (MopedSession *session,
           const char   *message,
           MopedWindow  *self)
{
  show_banner (self, GTK_MESSAGE_WARNING, message);
}

static void
on_failed (MopedSession *session,
           const char   *message,
           MopedWindow  *self)
{
  g_autofree char *text = g_strdup_printf ("Sharing ended: %s. Your copy of the design stays here.", message);

  show_banner (self, GTK_MESSAGE_ERROR, text);
}

static void
on_hosting (MopedSession *session,
            MopedWindow  *self)
{
  show_banner (self, GTK_MESSAGE_INFO, "The host left: you host this design now.");
  fill_roster_list (self);
}

static void
on_design_changed (MopedWindow *self)
{
  schedule_remote_fields (self);
}

/* For bench/bench-collab-paint.py only ($MOPED_BENCH_PAINT_WATCH=ID): after each frame
 * whose canvas shows a new name for ID, print "painted MONOTONIC_US NAME" on stdout. */
static void
bench_after_paint (GdkFrameClock *clock,
                   MopedWindow   *self)
{
  const char *id = g_getenv ("MOPED_BENCH_PAINT_WATCH");
  MopedDesign *design = moped_canvas_get_design (self->canvas);
  MopedElement *e = design && id ? moped_design_lookup (design, id) : NULL;
  const char *name = e ? moped_element_get_name (e) : NULL;
  char *last = g_object_get_data (G_OBJECT (self), "moped-bench-painted");

  if (name == NULL || g_strcmp0 (name, last) == 0)
    return;
  printf ("painted %" G_GINT64_FORMAT " %s\n", g_get_monotonic_time (), name);
  fflush (stdout);
  g_object_set_data_full (G_OBJECT (self), "moped-bench-painted", g_strdup (name), g_free);
}

static void
bench_watch_paint (GtkWidget *widget,
                   gpointer   unused)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);

  if (clock != NULL && g_object_get_data (G_OBJECT (widget), "moped-bench-clock") != clock)
    {
      g_object_set_data (G_OBJECT (widget), "moped-bench-clock", clock);
      g_signal_connect_object (clock, "after-paint", G_CALLBACK (bench_after_paint), widget, 0);
    }
}

/* Make @session's design this window's, or (host) share the window's own design. */
static void
attach_session (MopedWindow  *self,
                MopedSession *session)
{
  MopedWindowShare *share = get_share (self);

  g_set_object (&share->session, session);
  g_signal_connect_object (session, "presence", G_CALLBACK (on_session_presence), self, 0);
  g_signal_connect_object (session, "roster-changed", G_CALLBACK (on_roster_changed), self, 0);
  g_signal_connect_object (session, "notice", G_CALLBACK (on_notice), self, 0);
  g_signal_connect_object (session, "failed", G_CALLBACK (on_failed), self, 0);
  g_signal_connect_object (session, "hosting", G_CALLBACK (on_hosting), self, 0);
  g_signal_connect_object (moped_session_get_design (session), "changed", G_CALLBACK (on_design_changed), self,
                           G_CONNECT_SWAPPED);
  if (share->motion == NULL)
    {
      share->motion = gtk_event_controller_motion_new ();
      g_signal_connect_object (share->motion, "motion", G_CALLBACK (on_motion), self, 0);
      g_signal_connect_object (share->motion, "leave", G_CALLBACK (on_leave), self, 0);
      gtk_widget_add_controller (GTK_WIDGET (self->canvas), share->motion);
      g_signal_connect_object (self->canvas, "selection-changed", G_CALLBACK (send_presence), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self, "notify::focus-widget", G_CALLBACK (on_focus_widget), self,
                               G_CONNECT_SWAPPED);
    }
  read_roster (self);
  _moped_window_update_title (self);
  if (g_getenv ("MOPED_BENCH_PAINT_WATCH") != NULL)
    g_signal_connect (self, "map", G_CALLBACK (bench_watch_paint), NULL);
  if (g_getenv ("MOPED_BENCH_PAINT_WATCH") != NULL && gtk_widget_get_mapped (GTK_WIDGET (self)))
    bench_watch_paint (GTK_WIDGET (self), NULL);
}

/* Leave the session; the window keeps a private copy of the design as it is now. */
static void
stop_sharing (MopedWindow *self)
{
  MopedWindowShare *share = self->share;
  g_autoptr(MopedSession) session = NULL;
  g_autoptr(MopedDesign) copy = NULL;
  g_autoptr(MopedDesign) mine = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  g_autoptr(GFile) file = NULL;

  if (share == NULL || share->session == NULL)
    return;
  session = g_steal_pointer (&share->session);
  g_clear_pointer (&share->beacon, moped_beacon_free);
  g_signal_handlers_disconnect_by_data (session, self);
  g_signal_handlers_disconnect_by_data (moped_session_get_design (session), self);
  moped_session_close (session);
  g_hash_table_remove_all (share->presence);
  g_hash_table_remove_all (share->people);
  moped_canvas_set_presence (self->canvas, NULL);
  g_clear_pointer (&share->field, g_free);
  schedule_remote_fields (self);

  /* A shared design records its edits for the session; the window's copy has a
   * history of its own, and counts as modified when the shared one was. */
  data = moped_file_to_data (moped_session_get_design (session), NULL);
  copy = moped_file_load_data (data, -1, "the shared design", &error);
  if (copy == NULL)
    {
      show_banner (self, GTK_MESSAGE_ERROR, error->message);
      return;
    }
  mine = moped_design_new ();
  moped_design_replace_contents (mine, copy, "Shared Design");
  moped_design_clear_history (mine);
  if (self->file != NULL && !moped_design_get_modified (moped_session_get_design (session)))
    moped_design_set_unmodified (mine);
  if (self->file != NULL)
    file = g_object_ref (self->file);
  moped_window_set_design (self, mine, file);
  _moped_window_update_title (self);
}

void
_moped_window_clear_share (MopedWindow *self)
{
  MopedWindowShare *share = self->share;

  if (share == NULL)
    return;
  g_clear_handle_id (&share->fields_id, g_source_remove);
  g_clear_pointer (&share->beacon, moped_beacon_free);
  if (share->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (share->session, self);
      moped_session_close (share->session);
      g_clear_object (&share->session);
    }
  if (share->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (share->dialog));
  g_hash_table_unref (share->presence);
  g_hash_table_unref (share->people);
  g_free (share->field);
  g_clear_pointer (&self->share, g_free);
}

char *
_moped_window_dup_share_status (MopedWindow *self)
{
  guint n;

  if (!_moped_window_is_shared (self))
    return NULL;
  n = g_hash_table_size (self->share->people);
  if (moped_session_get_access (self->share->session) == MOPED_ACCESS_VIEWER)
    return g_strdup_printf ("Shared, view only; %u here", MAX (n, 1));
  return g_strdup_printf ("Shared; %u here", MAX (n, 1));
}

/* ---- names and keys --------------------------------------------------------------- */

static char *
my_name (void)
{
  const char *real = g_get_real_name ();

  if (real != NULL && *real != '\0' && g_strcmp0 (real, "Unknown") != 0)
    return g_strdup (real);
  return g_strdup (g_get_user_name ());
}

/* ---- Share... --------------------------------------------------------------------- */

static void
new_invite (MopedWindow *self)
{
  MopedWindowShare *share = self->share;
  MopedAccess access = gtk_drop_down_get_selected (share->access_choice) == 1
    ? MOPED_ACCESS_VIEWER : MOPED_ACCESS_EDITOR;
  g_autofree char *link = NULL;
  g_autofree char *code = NULL;
  g_autofree char *address = NULL;
  g_autofree char *code_text = NULL;

  if (share->session == NULL || !moped_session_is_host (share->session))
    return;
  link = moped_session_create_invite (share->session, access, INVITE_LIFETIME_S);
  code = moped_session_create_code (share->session, access, INVITE_LIFETIME_S);
  address = moped_session_get_address_link (share->session);
  gtk_editable_set_text (share->link_entry, link ? link : "");
  code_text = g_strdup_printf ("Or read aloud: code %s with the address %s (each works once, for %u minutes)",
                               code ? code : "-", address ? address : "", INVITE_LIFETIME_S / 60);
  gtk_label_set_text (share->code_label, code_text);
}

static void
on_copy_link (GtkButton   *button,
              MopedWindow *self)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)),
                          gtk_editable_get_text (self->share->link_entry));
  _moped_show_toast (GTK_WIDGET (self), "Invite link copied");
}

/* Opt-in: a beacon says on the local network that this session exists (no secret). */
static void
on_announce_toggled (GtkCheckButton *check,
                     MopedWindow    *self)
{
  MopedWindowShare *share = self->share;
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&share->beacon, moped_beacon_free);
  if (gtk_check_button_get_active (check) && share->session != NULL)
    {
      g_autofree char *address = moped_session_get_address_link (share->session);
      g_autofree char *name = my_name ();

      share->beacon = moped_beacon_new (address, name, 1000, &error);
      if (share->beacon == NULL)
        {
          g_autofree char *text = g_strdup_printf ("The session cannot be announced: %s", error->message);

          show_banner (self, GTK_MESSAGE_WARNING, text);
          gtk_check_button_set_active (check, FALSE);
        }
    }
}

static void
on_stop_clicked (GtkButton   *button,
                 MopedWindow *self)
{
  stop_sharing (self);
  if (self->share != NULL && self->share->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->share->dialog));
}

static void
on_dialog_destroy (GtkWidget   *dialog,
                   MopedWindow *self)
{
  if (self->share == NULL)
    return;
  self->share->dialog = NULL;
  self->share->roster_list = NULL;
  self->share->link_entry = NULL;
  self->share->code_label = NULL;
  self->share->access_choice = NULL;
}

static GtkWidget *
labelled (GtkWidget  *widget,
          const char *name)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  return widget;
}

static gboolean
start_hosting (MopedWindow *self,
               GError     **error)
{
  MopedKeyPair keys;
  g_autofree char *name = my_name ();
  const char *bind = g_getenv ("MOPED_SHARE_BIND");
  const char *advertise = g_getenv ("MOPED_SHARE_ADVERTISE");
  g_autoptr(MopedSession) session = NULL;

  if (!moped_key_pair_load_or_create (NULL, &keys, error))
    return FALSE;
  session = moped_session_host_new (self->design, &keys, name, bind && *bind ? bind : "tcp://*:*",
                                    advertise && *advertise ? advertise : NULL, error);
  if (session == NULL)
    return FALSE;
  attach_session (self, session);
  return TRUE;
}

void
_moped_window_share (MopedWindow *self)
{
  MopedWindowShare *share = get_share (self);
  g_autoptr(GError) error = NULL;
  GtkWidget *box, *row, *button, *scroller, *heading;
  const char *choices[] = { "Can edit", "Can only view", NULL };
  gboolean host;

  if (share->dialog != NULL)
    {
      gtk_window_present (GTK_WINDOW (share->dialog));
      return;
    }
  if (share->session == NULL && !start_hosting (self, &error))
    {
      g_autofree char *text = g_strdup_printf ("The design cannot be shared: %s", error->message);

      show_banner (self, GTK_MESSAGE_ERROR, text);
      return;
    }
  host = moped_session_is_host (share->session);

  share->dialog = gtk_window_new ();
  gtk_window_set_title (GTK_WINDOW (share->dialog), host ? "Share Design" : "Shared Design");
  gtk_window_set_transient_for (GTK_WINDOW (share->dialog), GTK_WINDOW (self));
  gtk_window_set_default_size (GTK_WINDOW (share->dialog), 560, 420);
  g_signal_connect_object (share->dialog, "destroy", G_CALLBACK (on_dialog_destroy), self, 0);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_set_margin_start (box, 16);
  gtk_widget_set_margin_end (box, 16);
  gtk_widget_set_margin_top (box, 16);
  gtk_widget_set_margin_bottom (box, 16);
  gtk_window_set_child (GTK_WINDOW (share->dialog), box);

  if (host)
    {
      heading = gtk_label_new ("Send this link to one person. It works once and is encrypted end to end; "
                               "it names this computer's key, so nobody else can pretend to be it.");
      gtk_label_set_wrap (GTK_LABEL (heading), TRUE);
      gtk_label_set_xalign (GTK_LABEL (heading), 0);
      gtk_box_append (GTK_BOX (box), heading);

      row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      share->access_choice = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (choices));
      gtk_box_append (GTK_BOX (row), labelled (GTK_WIDGET (share->access_choice), "Access"));
      button = gtk_button_new_with_label ("New Invite");
      g_signal_connect_object (button, "clicked", G_CALLBACK (new_invite), self, G_CONNECT_SWAPPED);
      gtk_box_append (GTK_BOX (row), button);
      gtk_box_append (GTK_BOX (box), row);

      row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      share->link_entry = GTK_EDITABLE (gtk_entry_new ());
      gtk_editable_set_editable (share->link_entry, FALSE);
      gtk_widget_set_hexpand (GTK_WIDGET (share->link_entry), TRUE);
      gtk_box_append (GTK_BOX (row), labelled (GTK_WIDGET (share->link_entry), "Invite link"));
      button = gtk_button_new_with_label ("Copy");
      g_signal_connect_object (button, "clicked", G_CALLBACK (on_copy_link), self, 0);
      gtk_box_append (GTK_BOX (row), button);
      gtk_box_append (GTK_BOX (box), row);

      share->code_label = GTK_LABEL (gtk_label_new (NULL));
      gtk_label_set_wrap (share->code_label, TRUE);
      gtk_label_set_selectable (share->code_label, TRUE);
      gtk_label_set_xalign (share->code_label, 0);
      gtk_box_append (GTK_BOX (box), GTK_WIDGET (share->code_label));

      button = gtk_check_button_new_with_label ("Let people on this network find it (they still need an invite or code)");
      gtk_check_button_set_active (GTK_CHECK_BUTTON (button), share->beacon != NULL);
      g_signal_connect_object (button, "toggled", G_CALLBACK (on_announce_toggled), self, 0);
      gtk_box_append (GTK_BOX (box), button);
    }

  heading = gtk_label_new ("Who is here");
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "heading");
  gtk_box_append (GTK_BOX (box), heading);
  scroller = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (scroller, TRUE);
  share->roster_list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (share->roster_list, GTK_SELECTION_NONE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller),
                                 labelled (GTK_WIDGET (share->roster_list), "People"));
  gtk_box_append (GTK_BOX (box), scroller);

  button = gtk_button_new_with_label (host ? "Stop Sharing" : "Leave");
  gtk_widget_set_halign (button, GTK_ALIGN_END);
  gtk_widget_add_css_class (button, "destructive-action");
  g_signal_connect_object (button, "clicked", G_CALLBACK (on_stop_clicked), self, 0);
  gtk_box_append (GTK_BOX (box), button);

  if (host)
    new_invite (self);
  fill_roster_list (self);
  gtk_window_present (GTK_WINDOW (share->dialog));
}

/* ---- Join... ---------------------------------------------------------------------- */

typedef struct
{
  GWeakRef      parent;         /* MopedWindow */
  GtkWidget    *dialog;
  GtkEditable  *link;
  GtkEditable  *code;
  GtkLabel     *status;
  GtkWidget    *join_button;
  GtkListBox   *found;          /* sessions announced on the local network */
  MopedDiscovery *discovery;
  MopedSession *session;        /* joining */
} Join;

static void
join_free (Join *join)
{
  if (join->discovery != NULL)
    g_signal_handlers_disconnect_by_data (join->discovery, join);
  g_clear_object (&join->discovery);
  if (join->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (join->session, join);
      moped_session_close (join->session);
      g_clear_object (&join->session);
    }
  g_weak_ref_clear (&join->parent);
  g_free (join);
}

static void
on_join_failed (MopedSession *session,
                const char   *message,
                Join         *join)
{
  g_autofree char *text = g_strdup_printf ("Could not join: %s", message);

  gtk_label_set_text (join->status, text);
  gtk_widget_set_sensitive (join->join_button, TRUE);
  g_signal_handlers_disconnect_by_data (session, join);
  moped_session_close (session);
  g_clear_object (&join->session);
}

static void
on_joined (MopedSession *session,
           Join         *join)
{
  g_autoptr(MopedWindow) parent = g_weak_ref_get (&join->parent);
  MopedWindow *window;
  GtkApplication *app;

  g_signal_handlers_disconnect_by_data (session, join);
  if (parent == NULL || (app = gtk_window_get_application (GTK_WINDOW (parent))) == NULL)
    {
      moped_session_close (session);
      g_clear_object (&join->session);
      gtk_window_destroy (GTK_WINDOW (join->dialog));
      return;
    }
  window = moped_window_is_untouched (parent) && !_moped_window_is_shared (parent)
    ? parent : moped_application_new_window (MOPED_APPLICATION (app));
  moped_window_set_design (window, moped_session_get_design (session), NULL);
  attach_session (window, session);
  g_clear_object (&join->session);
  gtk_window_present (GTK_WINDOW (window));
  gtk_window_destroy (GTK_WINDOW (join->dialog));
}

static void
on_join_clicked (GtkButton *button,
                 Join      *join)
{
  MopedKeyPair keys;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = my_name ();
  g_autofree char *link = g_strstrip (g_strdup (gtk_editable_get_text (join->link)));
  g_autofree char *code = g_strstrip (g_strdup (gtk_editable_get_text (join->code)));

  if (join->session != NULL)
    return;
  if (!moped_key_pair_load_or_create (NULL, &keys, &error))
    {
      gtk_label_set_text (join->status, error->message);
      return;
    }
  join->session = moped_session_join (link, *code ? code : NULL, &keys, name, JOIN_TIMEOUT_MS, &error);
  if (join->session == NULL)
    {
      gtk_label_set_text (join->status, error->message);
      return;
    }
  g_signal_connect (join->session, "joined", G_CALLBACK (on_joined), join);
  g_signal_connect (join->session, "failed", G_CALLBACK (on_join_failed), join);
  gtk_label_set_text (join->status, "Joining…");
  gtk_widget_set_sensitive (join->join_button, FALSE);
}

static void
on_found (MopedDiscovery *discovery,
          const char     *link,
          const char     *name,
          Join           *join)
{
  g_autofree char *text = g_strdup_printf ("%s — %s", name, link);
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  g_object_set_data_full (G_OBJECT (label), "moped-link", g_strdup (link), g_free);
  gtk_list_box_append (join->found, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_parent (label)),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

static void
on_lost (MopedDiscovery *discovery,
         const char     *link,
         Join           *join)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (join->found)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *label = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row));

      if (label != NULL && g_strcmp0 (g_object_get_data (G_OBJECT (label), "moped-link"), link) == 0)
        {
          gtk_list_box_remove (join->found, row);
          return;
        }
    }
}

/* A session found on the network: its address; the host gives the code. */
static void
on_found_activated (GtkListBox    *list,
                    GtkListBoxRow *row,
                    Join          *join)
{
  GtkWidget *label = gtk_list_box_row_get_child (row);

  gtk_editable_set_text (join->link, g_object_get_data (G_OBJECT (label), "moped-link"));
  gtk_label_set_text (join->status, "Ask the host for a code and type it above.");
  gtk_widget_grab_focus (GTK_WIDGET (join->code));
}

/* ---- a link given to the program (moped moped://…) ----------------------------- */

static void
on_link_joined (MopedSession *session,
                MopedWindow  *window)
{
  g_signal_handlers_disconnect_by_data (session, window);
  moped_window_set_design (window, moped_session_get_design (session), NULL);
  attach_session (window, session);
  g_object_unref (session);   /* the join's reference; the window holds its own */
}

static void
on_link_failed (MopedSession *session,
                const char   *message,
                MopedWindow  *window)
{
  g_autofree char *text = g_strdup_printf ("Could not join: %s", message);

  g_signal_handlers_disconnect_by_data (session, window);
  show_banner (window, GTK_MESSAGE_ERROR, text);
  g_object_unref (session);
}

void
moped_window_join_link (MopedWindow *self,
                        const char  *link)
{
  MopedKeyPair keys;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = my_name ();
  MopedSession *session;

  g_return_if_fail (MOPED_IS_WINDOW (self));
  g_return_if_fail (link != NULL);

  if (!moped_key_pair_load_or_create (NULL, &keys, &error) ||
      (session = moped_session_join (link, NULL, &keys, name, JOIN_TIMEOUT_MS, &error)) == NULL)
    {
      g_autofree char *text = g_strdup_printf ("Could not join: %s", error->message);

      show_banner (self, GTK_MESSAGE_ERROR, text);
      return;
    }
  g_signal_connect_object (session, "joined", G_CALLBACK (on_link_joined), self, 0);
  g_signal_connect_object (session, "failed", G_CALLBACK (on_link_failed), self, 0);
}

void
_moped_window_join (MopedWindow *self)
{
  Join *join = g_new0 (Join, 1);
  GtkWidget *box, *label;

  g_weak_ref_init (&join->parent, self);
  join->dialog = gtk_window_new ();
  gtk_window_set_title (GTK_WINDOW (join->dialog), "Join a Shared Design");
  gtk_window_set_transient_for (GTK_WINDOW (join->dialog), GTK_WINDOW (self));
  gtk_window_set_default_size (GTK_WINDOW (join->dialog), 520, -1);
  g_object_set_data_full (G_OBJECT (join->dialog), "moped-join", join, (GDestroyNotify) join_free);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_set_margin_start (box, 16);
  gtk_widget_set_margin_end (box, 16);
  gtk_widget_set_margin_top (box, 16);
  gtk_widget_set_margin_bottom (box, 16);
  gtk_window_set_child (GTK_WINDOW (join->dialog), box);

  label = gtk_label_new ("Paste the invite link (moped://…) the host sent you, or the address link "
                         "and the code they read to you.");
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_append (GTK_BOX (box), label);
  join->link = GTK_EDITABLE (gtk_entry_new ());
  gtk_entry_set_placeholder_text (GTK_ENTRY (join->link), "moped://host:port/?key=…&token=…");
  gtk_box_append (GTK_BOX (box), labelled (GTK_WIDGET (join->link), "Invite link"));
  join->code = GTK_EDITABLE (gtk_entry_new ());
  gtk_entry_set_placeholder_text (GTK_ENTRY (join->code), "Code (only with an address link)");
  gtk_box_append (GTK_BOX (box), labelled (GTK_WIDGET (join->code), "Code"));
  label = gtk_label_new ("Sessions announced on this network");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (GTK_BOX (box), label);
  join->found = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_activate_on_single_click (join->found, TRUE);
  gtk_widget_set_size_request (GTK_WIDGET (join->found), -1, 80);
  gtk_widget_add_css_class (GTK_WIDGET (join->found), "boxed-list");
  g_signal_connect (join->found, "row-activated", G_CALLBACK (on_found_activated), join);
  gtk_box_append (GTK_BOX (box), labelled (GTK_WIDGET (join->found), "Sessions found"));
  {
    g_autoptr(GError) error = NULL;

    join->discovery = moped_discovery_new (&error);
    if (join->discovery != NULL)
      {
        g_signal_connect (join->discovery, "found", G_CALLBACK (on_found), join);
        g_signal_connect (join->discovery, "lost", G_CALLBACK (on_lost), join);
      }
    else
      g_debug ("not listening for sessions: %s", error->message);
  }
  join->status = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (join->status, TRUE);
  gtk_label_set_xalign (join->status, 0);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (join->status));
  join->join_button = gtk_button_new_with_label ("Join");
  gtk_widget_add_css_class (join->join_button, "suggested-action");
  gtk_widget_set_halign (join->join_button, GTK_ALIGN_END);
  g_signal_connect (join->join_button, "clicked", G_CALLBACK (on_join_clicked), join);
  g_signal_connect_swapped (join->link, "activate", G_CALLBACK (gtk_widget_activate), join->join_button);
  gtk_box_append (GTK_BOX (box), join->join_button);
  gtk_window_present (GTK_WINDOW (join->dialog));
}
