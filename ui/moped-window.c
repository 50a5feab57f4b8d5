/* moped-window.c: a window editing one design: canvas, protocols, inspector and problems.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-ui"

#include "config.h"

#include <string.h>

#include "moped-accessible.h"
#include "moped-application.h"
#include "moped-arrange.h"
#include "moped-diagnostic.h"
#include "moped-file.h"
#include "moped-schema.h"
#include "moped-ui-private.h"
#include "moped-window-private.h"

/* Validation waits this long after the last change, so typing stays fluid. */
#define VALIDATE_DELAY_MSEC 150

enum {
  PROP_0,
  PROP_MODIFIED,
  PROP_SHOW_SIDEBAR,
  PROP_PAGE,
  PROP_SNAP_TO_GRID,
  PROP_SHOW_GRID,
  PROP_SHOW_DEPLOYMENT,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (MopedWindow, moped_window, GTK_TYPE_APPLICATION_WINDOW)

static GParamSpec *properties[N_PROPS];

GSettings *
_moped_window_get_settings (MopedWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  return MOPED_IS_APPLICATION (app) ? moped_application_get_settings (MOPED_APPLICATION (app)) : NULL;
}

char *
_moped_window_dup_title (MopedWindow *self)
{
  const char *name = moped_element_get_name (moped_design_get_root (self->design));
  const char *mark = moped_window_get_modified (self) ? "• " : "";
  g_autofree char *basename = NULL;

  if (name == NULL || name[0] == '\0')
    name = "Untitled Design";
  if (self->file == NULL)
    return g_strdup_printf ("%s%s", mark, name);
  basename = g_file_get_basename (self->file);
  return g_strdup_printf ("%s%s — %s", mark, name, basename);
}

static char *
dup_location (GFile *file)
{
  g_autoptr(GFile) parent = g_file_get_parent (file);
  g_autofree char *path = parent != NULL ? g_file_get_path (parent) : NULL;
  const char *home = g_get_home_dir ();

  if (path == NULL)
    return parent != NULL ? g_file_get_parse_name (parent) : g_strdup ("");
  if (g_str_has_prefix (path, home) && (path[strlen (home)] == '/' || path[strlen (home)] == '\0'))
    return g_strconcat ("~", path + strlen (home), NULL);
  return g_steal_pointer (&path);
}

void
_moped_window_update_title (MopedWindow *self)
{
  const char *name = moped_element_get_name (moped_design_get_root (self->design));
  gboolean modified = moped_window_get_modified (self);
  g_autofree char *title = _moped_window_dup_title (self);
  g_autofree char *subtitle = NULL;
  g_autofree char *tooltip = NULL;

  if (self->file != NULL)
    {
      g_autofree char *basename = g_file_get_basename (self->file);
      g_autofree char *location = dup_location (self->file);

      subtitle = g_strdup_printf ("%s%s — %s", modified ? "• " : "", basename, location);
      tooltip = g_file_get_parse_name (self->file);
    }
  else
    subtitle = g_strdup (modified ? "• Not saved yet" : "Not saved yet");
  {
    g_autofree char *shared = _moped_window_dup_share_status (self);

    if (shared != NULL)
      {
        char *both = g_strdup_printf ("%s — %s", shared, subtitle);

        g_free (subtitle);
        subtitle = both;
      }
  }

  /* Edits come many a second while dragging; the window manager hears of real changes only. */
  if (g_strcmp0 (gtk_window_get_title (GTK_WINDOW (self)), title) != 0)
    gtk_window_set_title (GTK_WINDOW (self), title);
  gtk_label_set_label (self->title_label, name != NULL && name[0] != '\0' ? name : "Untitled Design");
  gtk_label_set_label (self->subtitle_label, subtitle);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->subtitle_label), tooltip);
}

void
_moped_window_show_error (MopedWindow *self,
                          const char  *title,
                          const char  *detail)
{
  gtk_label_set_label (self->error_title, title);
  gtk_label_set_label (self->error_detail, detail != NULL ? detail : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_detail), detail != NULL && detail[0] != '\0');
  gtk_widget_set_visible (self->error_save_as_button, self->failed_save);
  gtk_widget_set_visible (self->error_retry_button, self->failed_file != NULL);
  gtk_info_bar_set_revealed (self->error_bar, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->error_bar),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, detail != NULL ? detail : "",
                                  -1);
}

void
_moped_window_hide_error (MopedWindow *self)
{
  self->failed_save = FALSE;
  g_clear_object (&self->failed_file);
  gtk_info_bar_set_revealed (self->error_bar, FALSE);
}

void
_moped_window_validate (MopedWindow *self)
{
  g_clear_handle_id (&self->validate_id, g_source_remove);
  g_clear_pointer (&self->diagnostics, g_ptr_array_unref);
  self->diagnostics = moped_validate (self->design);

  moped_canvas_set_diagnostics (self->canvas, self->diagnostics);
  if (self->panels_ready)
    {
      moped_inspector_set_diagnostics (self->inspector, self->diagnostics);
      moped_protocol_editor_set_diagnostics (self->protocol_editor, self->diagnostics);
    }
  _moped_window_show_diagnostics (self);
}

static gboolean
validate_cb (gpointer user_data)
{
  MopedWindow *self = user_data;

  self->validate_id = 0;
  _moped_window_validate (self);
  return G_SOURCE_REMOVE;
}

void
_moped_window_schedule_validation (MopedWindow *self)
{
  /* Nothing heavy before the first frame: it is validated right after it. */
  if (!self->first_frame_done)
    return;
  g_clear_handle_id (&self->validate_id, g_source_remove);
  self->validate_id = g_timeout_add (VALIDATE_DELAY_MSEC, validate_cb, self);
}

void
_moped_window_reveal (MopedWindow *self,
                      const char  *id)
{
  MopedElement *element = moped_design_lookup (self->design, id);
  MopedKind kind;

  if (element == NULL)
    return;
  kind = moped_element_get_kind (element);
  if (kind == MOPED_KIND_REQUIREMENT)
    {
      /* A requirement is edited in the inspector, on a page of its own. */
      const char *ids[] = { id, NULL };

      _moped_window_ensure_panels (self);
      gtk_stack_set_visible_child_name (self->view_stack, "diagram");
      moped_canvas_clear_selection (self->canvas);
      moped_inspector_set_selection (self->inspector, ids);
      moped_inspector_focus_field (self->inspector, id, MOPED_PROP_NAME);
    }
  else if (kind == MOPED_KIND_PROTOCOL || kind == MOPED_KIND_COMMAND || kind == MOPED_KIND_FIELD ||
      kind == MOPED_KIND_FLOW || kind == MOPED_KIND_STEP)
    {
      _moped_window_ensure_panels (self);
      gtk_stack_set_visible_child_name (self->view_stack, "protocols");
      moped_protocol_editor_reveal (self->protocol_editor, id);
    }
  else
    {
      gtk_stack_set_visible_child_name (self->view_stack, "diagram");
      if (kind == MOPED_KIND_DESIGN)
        moped_canvas_clear_selection (self->canvas);
      else
        moped_canvas_reveal (self->canvas, id);
      gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
    }
}

/* An empty canvas says how to start. */
static void
update_empty_state (MopedWindow *self)
{
  MopedElement *root = moped_design_get_root (self->design);
  gboolean empty = TRUE;

  for (guint i = 0; i < moped_element_get_n_children (root) && empty; i++)
    {
      MopedKind kind = moped_element_get_kind (moped_element_get_child (root, i));

      empty = kind != MOPED_KIND_NODE && kind != MOPED_KIND_NOTE;
    }
  gtk_widget_set_visible (self->empty_state, empty);
}

static void
on_design_changed (MopedWindow  *self,
                   const GArray *changes,
                   MopedDesign  *design)
{
  _moped_window_update_title (self);
  _moped_window_schedule_validation (self);
  for (guint i = 0; i < changes->len; i++)
    {
      MopedChangeType type = g_array_index (changes, MopedChange, i).type;

      if (type == MOPED_CHANGE_ADDED || type == MOPED_CHANGE_REMOVED)
        {
          update_empty_state (self);
          break;
        }
    }
}

static void
on_design_notify (MopedWindow *self,
                  GParamSpec  *pspec,
                  MopedDesign *design)
{
  _moped_window_update_actions (self);
  _moped_window_update_title (self);
  if (g_str_equal (pspec->name, "modified"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
}

static void
on_selection_changed (MopedWindow *self,
                      MopedCanvas *canvas)
{
  g_auto(GStrv) ids = NULL;

  if (!self->panels_ready)
    return;
  ids = moped_canvas_dup_selection (canvas);
  moped_inspector_set_selection (self->inspector, (const char * const *) ids);
}

static void
fill_panels (MopedWindow *self)
{
  moped_inspector_set_design (self->inspector, self->design);
  moped_inspector_set_selection (self->inspector, NULL);
  moped_protocol_editor_set_design (self->protocol_editor, self->design);
}

static void
on_element_activated (MopedWindow         *self,
                      const char          *id,
                      MopedProtocolEditor *editor)
{
  MopedElement *element = moped_design_lookup (self->design, id);

  if (element == NULL)
    return;
  gtk_stack_set_visible_child_name (self->view_stack, "diagram");
  moped_canvas_reveal (self->canvas, id);
}

/* The protocol editor, the inspector's content and the problems list come once the
 * first frame with the canvas is on screen: they are many widgets, and a window that
 * opens fast matters more than side panels filled in the same frame. */
void
_moped_window_ensure_panels (MopedWindow *self)
{
  g_auto(GStrv) ids = NULL;

  if (self->panels_ready)
    return;
  self->panels_ready = TRUE;
  self->protocol_editor = MOPED_PROTOCOL_EDITOR (moped_protocol_editor_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (self->protocol_editor), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self->protocol_editor), TRUE);
  gtk_box_append (self->protocols_page, GTK_WIDGET (self->protocol_editor));
  g_signal_connect_object (self->protocol_editor, "element-activated", G_CALLBACK (on_element_activated), self,
                           G_CONNECT_SWAPPED);
  _moped_window_init_diagnostics (self);
  fill_panels (self);
  ids = moped_canvas_dup_selection (self->canvas);
  moped_inspector_set_selection (self->inspector, (const char * const *) ids);
  if (self->diagnostics != NULL)
    {
      moped_inspector_set_diagnostics (self->inspector, self->diagnostics);
      moped_protocol_editor_set_diagnostics (self->protocol_editor, self->diagnostics);
    }
}

static void
on_zoom_changed (MopedWindow *self,
                 GParamSpec  *pspec,
                 MopedCanvas *canvas)
{
  char text[16];

  g_snprintf (text, sizeof text, "%.0f%%", moped_canvas_get_zoom (canvas) * 100.0);
  gtk_label_set_label (self->zoom_label, text);
  /* The button is named for what it does; a screen reader hears the zoom as its description. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_parent (GTK_WIDGET (self->zoom_label))),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
}

static void
on_recovery_failed (MopedWindow   *self,
                    const GError  *error,
                    MopedRecovery *recovery)
{
  _moped_window_show_error (self, "Unsaved work cannot be backed up", error->message);
}

static void
set_recovery (MopedWindow   *self,
              MopedRecovery *recovery)
{
  GSettings *settings = _moped_window_get_settings (self);

  if (self->recovery != NULL)
    g_signal_handlers_disconnect_by_data (self->recovery, self);
  g_set_object (&self->recovery, recovery);
  if (recovery == NULL)
    return;
  if (settings != NULL)
    moped_recovery_set_delay (recovery, g_settings_get_uint (settings, "autosave-delay"));
  g_signal_connect_object (recovery, "write-failed", G_CALLBACK (on_recovery_failed), self,
                           G_CONNECT_SWAPPED);
}

static void
disconnect_design (MopedWindow *self)
{
  if (self->design == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->design, self);
  g_clear_object (&self->design);
}

static void
install_design (MopedWindow   *self,
                MopedDesign   *design,
                GFile         *file,
                MopedRecovery *recovery,
                gboolean       recovered)
{
  gboolean was_modified = self->design != NULL && moped_window_get_modified (self);

  /* Callers replace only designs without unsaved work; should one have some, its
   * recovery object keeps the copy when it goes. */
  if (self->recovery != NULL && !was_modified)
    moped_recovery_discard (self->recovery);
  disconnect_design (self);
  self->recovered = recovered;
  self->design = g_object_ref (design);
  g_set_object (&self->file, file);
  /* What the file holds is unknown until the caller says (moped_window_load does). */
  _moped_window_watch_disk (self, NULL, 0);
  g_signal_connect_object (design, "changed", G_CALLBACK (on_design_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (design, "notify::modified", G_CALLBACK (on_design_notify), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (design, "notify::can-undo", G_CALLBACK (on_design_notify), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (design, "notify::can-redo", G_CALLBACK (on_design_notify), self, G_CONNECT_SWAPPED);
  set_recovery (self, recovery);

  g_clear_pointer (&self->diagnostics, g_ptr_array_unref);
  moped_canvas_set_design (self->canvas, design);
  moped_canvas_zoom_to_fit (self->canvas);
  update_empty_state (self);
  if (self->panels_ready)
    fill_panels (self);
  else if (self->first_frame_done)
    _moped_window_ensure_panels (self);

  _moped_window_update_title (self);
  _moped_window_update_actions (self);
  _moped_window_schedule_validation (self);
  if (was_modified != moped_window_get_modified (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
}

void
_moped_window_set_recovered (MopedWindow       *self,
                             MopedDesign       *design,
                             MopedRecoveryItem *item)
{
  g_autoptr(MopedRecovery) recovery = moped_recovery_new_adopting (design, item);
  g_autoptr(GFile) original = item->original != NULL ? g_file_new_for_uri (item->original) : NULL;

  install_design (self, design, original, recovery, TRUE);
}

void
_moped_window_notify_modified (MopedWindow *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
}

/* The recent files list is read from disk: not while the first frame is due. */
static gboolean
init_recent_cb (gpointer user_data)
{
  MopedWindow *self = user_data;
  g_autoptr(GFile) recent = g_steal_pointer (&self->pending_recent);

  self->recent_id = 0;
  _moped_window_init_recent (self);
  if (recent != NULL)
    _moped_window_note_recent (self, recent);
  return G_SOURCE_REMOVE;
}

/* The work that waited for the window to be on screen. */
static gboolean
after_first_frame_cb (gpointer user_data)
{
  MopedWindow *self = user_data;

  self->after_frame_id = 0;
  _moped_window_ensure_panels (self);
  gtk_revealer_set_reveal_child (self->zoom_revealer, TRUE);
  _moped_window_schedule_validation (self);
  self->recent_id = g_idle_add_full (G_PRIORITY_LOW, init_recent_cb, self, NULL);
  return G_SOURCE_REMOVE;
}

static void
after_first_frame (GdkFrameClock *clock,
                   MopedWindow   *self)
{
  g_clear_signal_handler (&self->after_paint_id, clock);
  self->first_frame_done = TRUE;
  /* Not in this handler: the frame is done when every after-paint handler is. */
  self->after_frame_id = g_idle_add (after_first_frame_cb, self);
}

static void
moped_window_map (GtkWidget *widget)
{
  MopedWindow *self = MOPED_WINDOW (widget);
  GdkFrameClock *clock;

  GTK_WIDGET_CLASS (moped_window_parent_class)->map (widget);

  clock = gtk_widget_get_frame_clock (widget);
  if (!self->first_frame_done && self->after_paint_id == 0 && clock != NULL)
    self->after_paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_first_frame), self);
}

static void
moped_window_unmap (GtkWidget *widget)
{
  MopedWindow *self = MOPED_WINDOW (widget);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);

  if (clock != NULL)
    g_clear_signal_handler (&self->after_paint_id, clock);

  GTK_WIDGET_CLASS (moped_window_parent_class)->unmap (widget);
}

/* ---- the side pane -------------------------------------------------------------------------- */

#define SIDEBAR_MIN_WIDTH 260
#define SIDEBAR_MAX_WIDTH 1200

static void
set_sidebar_width (MopedWindow *self,
                   int          width)
{
  self->sidebar_width = CLAMP (width, SIDEBAR_MIN_WIDTH, SIDEBAR_MAX_WIDTH);
  gtk_widget_set_size_request (self->sidebar, self->sidebar_width, -1);
}

/* The header bar's title needs the room the buttons' words take (icons stay) in a
 * window too narrow for the pane beside the views (the views' smallest width and the
 * pane's). Decided from the window's size, not from the flap's folding: with the
 * words, the header bar's smallest width would set the first size of a window asked
 * to be 960 px wide. */
static gboolean
fit_header_bar (gpointer data)
{
  MopedWindow *self = data;
  int width = 0, height = 0, content = 0, handle = 0;
  gboolean roomy;

  self->fit_header_id = 0;
  /* GTK 4.8 writes both sizes, whatever the documentation says of NULL. */
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  gtk_widget_get_size_request (GTK_WIDGET (self->view_stack), &content, NULL);
  gtk_widget_measure (self->flap_handle, GTK_ORIENTATION_HORIZONTAL, -1, &handle, NULL, NULL, NULL);
  roomy = width <= 0 || width >= content + self->sidebar_width + handle;
  gtk_widget_set_visible (self->add_node_label, roomy);
  gtk_widget_set_visible (self->add_note_label, roomy);
  return G_SOURCE_REMOVE;
}

/* Not while the window is being laid out: the header bar would miss its size. */
static void
on_default_width (MopedWindow *self)
{
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    fit_header_bar (self);
  else if (self->fit_header_id == 0)
    self->fit_header_id = g_idle_add (fit_header_bar, self);
}

/* Folded (the views need the whole width), the pane slides in over them only when asked
 * and leaves again; unfolded, it is shown as the user last chose in a wide window. */
static void
on_flap_folded (MopedWindow *self,
                GParamSpec  *pspec,
                AdwFlap     *flap)
{
  g_object_set (self, "show-sidebar", adw_flap_get_folded (flap) ? FALSE : self->sidebar_wanted, NULL);
}

/* A folded pane closes itself when the views are clicked or Escape is pressed. */
static void
on_flap_revealed (MopedWindow *self,
                  GParamSpec  *pspec,
                  AdwFlap     *flap)
{
  g_object_set (self, "show-sidebar", adw_flap_get_reveal_flap (flap), NULL);
}

static void
on_handle_drag_begin (MopedWindow    *self,
                      double          x,
                      double          y,
                      GtkGestureDrag *gesture)
{
  self->drag_start_width = gtk_widget_get_width (self->sidebar);
}

/* The pane grows to the left, as far as the views can still shrink. */
static void
on_handle_drag_update (MopedWindow    *self,
                       double          offset_x,
                       double          offset_y,
                       GtkGestureDrag *gesture)
{
  int content_min = 0;
  int room;

  gtk_widget_measure (GTK_WIDGET (self->view_stack), GTK_ORIENTATION_HORIZONTAL, -1, &content_min, NULL, NULL, NULL);
  room = gtk_widget_get_width (GTK_WIDGET (self->flap)) - content_min - gtk_widget_get_width (self->flap_handle);
  set_sidebar_width (self, MIN (self->drag_start_width - (int) offset_x, room));
}

static void
on_handle_drag_end (MopedWindow    *self,
                    double          offset_x,
                    double          offset_y,
                    GtkGestureDrag *gesture)
{
  GSettings *settings = _moped_window_get_settings (self);

  if (settings != NULL)
    g_settings_set_int (settings, "sidebar-width", self->sidebar_width);
}

static void
init_flap (MopedWindow *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();

  set_sidebar_width (self, self->sidebar_width);
  gtk_widget_set_cursor_from_name (self->flap_handle, "col-resize");
  g_signal_connect_object (drag, "drag-begin", G_CALLBACK (on_handle_drag_begin), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (drag, "drag-update", G_CALLBACK (on_handle_drag_update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (drag, "drag-end", G_CALLBACK (on_handle_drag_end), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (self->flap_handle, GTK_EVENT_CONTROLLER (drag));
  g_signal_connect_object (self->flap, "notify::folded", G_CALLBACK (on_flap_folded), self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "notify::default-width", G_CALLBACK (on_default_width), NULL);
  g_signal_connect_object (self->flap, "notify::reveal-flap", G_CALLBACK (on_flap_revealed), self,
                           G_CONNECT_SWAPPED);
}

/* A menu button with a model builds the whole menu at once; these are built when
 * first opened, not while the window starts. */
static void
create_menu (GtkMenuButton *button,
             gpointer       user_data)
{
  gtk_menu_button_set_create_popup_func (button, NULL, NULL, NULL);
  gtk_menu_button_set_menu_model (button, user_data);
}

static void
create_arrange_popover (GtkMenuButton *button,
                        gpointer       user_data)
{
  gtk_menu_button_set_create_popup_func (button, NULL, NULL, NULL);
  gtk_menu_button_set_popover (button, moped_arrange_popover_new ());
}

/* Window state and preferences come from the application's settings, known once the
 * window belongs to it ("application" is set after construction). */
static void
on_application_set (MopedWindow *self,
                    GParamSpec  *pspec,
                    gpointer     user_data)
{
  GSettings *settings = _moped_window_get_settings (self);

  if (settings == NULL)
    return;
  g_signal_handlers_disconnect_by_func (self, on_application_set, user_data);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  set_sidebar_width (self, g_settings_get_int (settings, "sidebar-width"));
  self->sidebar_wanted = g_settings_get_boolean (settings, "sidebar-visible");
  g_object_set (self, "show-sidebar", self->sidebar_wanted && !adw_flap_get_folded (self->flap), NULL);
  g_settings_bind (settings, "snap-to-grid", self->canvas, "snap-to-grid", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "show-grid", self->canvas, "show-grid", G_SETTINGS_BIND_DEFAULT);
  if (self->recovery != NULL)
    moped_recovery_set_delay (self->recovery, g_settings_get_uint (settings, "autosave-delay"));
}

static void
moped_window_dispose (GObject *object)
{
  MopedWindow *self = MOPED_WINDOW (object);

  g_clear_handle_id (&self->validate_id, g_source_remove);
  g_clear_handle_id (&self->recent_id, g_source_remove);
  g_clear_handle_id (&self->after_frame_id, g_source_remove);
  g_clear_handle_id (&self->fit_header_id, g_source_remove);
  /* A question still open is answered "cancel", which also lets it go. */
  if (self->close_dialog != NULL)
    gtk_dialog_response (GTK_DIALOG (self->close_dialog), GTK_RESPONSE_CANCEL);
  /* The children talk to each other through the window: not while they go. GtkWindow
   * disposes its child and title bar itself, template children included. */
  if (self->canvas != NULL)
    g_signal_handlers_disconnect_by_data (self->canvas, self);
  if (self->protocol_editor != NULL)
    g_signal_handlers_disconnect_by_data (self->protocol_editor, self);
  self->canvas = NULL;
  self->protocol_editor = NULL;
  g_clear_object (&self->recovery);
  _moped_window_clear_share (self);
  _moped_window_clear_disk (self);
  disconnect_design (self);

  G_OBJECT_CLASS (moped_window_parent_class)->dispose (object);
}

static void
moped_window_finalize (GObject *object)
{
  MopedWindow *self = MOPED_WINDOW (object);

  g_clear_object (&self->file);
  g_clear_object (&self->failed_file);
  g_clear_object (&self->pending_recent);
  g_clear_pointer (&self->diagnostics, g_ptr_array_unref);
  g_clear_pointer (&self->offered, g_ptr_array_unref);

  G_OBJECT_CLASS (moped_window_parent_class)->finalize (object);
}

static void
moped_window_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  MopedWindow *self = MOPED_WINDOW (object);

  switch (prop_id)
    {
    case PROP_MODIFIED:
      g_value_set_boolean (value, moped_window_get_modified (self));
      break;
    case PROP_SHOW_SIDEBAR:
      g_value_set_boolean (value, self->show_sidebar);
      break;
    case PROP_PAGE:
      g_value_set_string (value, self->view_stack != NULL ? gtk_stack_get_visible_child_name (self->view_stack) : "diagram");
      break;
    case PROP_SNAP_TO_GRID:
    case PROP_SHOW_GRID:
    case PROP_SHOW_DEPLOYMENT:
      /* Property actions read their state while the template is still being built. */
      if (self->canvas == NULL)
        {
          g_value_set_boolean (value, prop_id != PROP_SNAP_TO_GRID);
          break;
        }
      g_object_get_property (G_OBJECT (self->canvas), pspec->name, value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
moped_window_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  MopedWindow *self = MOPED_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SHOW_SIDEBAR:
      if (self->show_sidebar != g_value_get_boolean (value))
        {
          GSettings *settings = _moped_window_get_settings (self);

          self->show_sidebar = g_value_get_boolean (value);
          adw_flap_set_reveal_flap (self->flap, self->show_sidebar);
          /* Only a choice made where the pane fits beside the views is remembered. */
          if (!adw_flap_get_folded (self->flap))
            {
              self->sidebar_wanted = self->show_sidebar;
              if (settings != NULL)
                g_settings_set_boolean (settings, "sidebar-visible", self->show_sidebar);
            }
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_PAGE:
      if (g_strcmp0 (g_value_get_string (value), gtk_stack_get_visible_child_name (self->view_stack)) != 0 &&
          gtk_stack_get_child_by_name (self->view_stack, g_value_get_string (value)) != NULL)
        gtk_stack_set_visible_child_name (self->view_stack, g_value_get_string (value));
      break;
    case PROP_SNAP_TO_GRID:
    case PROP_SHOW_GRID:
    case PROP_SHOW_DEPLOYMENT:
      g_object_set_property (G_OBJECT (self->canvas), pspec->name, value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
forward_notify (MopedWindow *self,
                GParamSpec  *pspec,
                GObject     *child)
{
  if (g_str_equal (pspec->name, "snap-to-grid"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SNAP_TO_GRID]);
  else if (g_str_equal (pspec->name, "show-grid"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_GRID]);
  else if (g_str_equal (pspec->name, "show-deployment"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_DEPLOYMENT]);
  else if (g_str_equal (pspec->name, "visible-child-name"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE]);
}

static void
moped_window_class_init (MopedWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = moped_window_dispose;
  object_class->finalize = moped_window_finalize;
  object_class->get_property = moped_window_get_property;
  object_class->set_property = moped_window_set_property;

  widget_class->map = moped_window_map;
  widget_class->unmap = moped_window_unmap;

  window_class->close_request = _moped_window_close_request;

  properties[PROP_MODIFIED] =
    g_param_spec_boolean ("modified", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_SIDEBAR] =
    g_param_spec_boolean ("show-sidebar", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAGE] =
    g_param_spec_string ("page", NULL, NULL, "diagram",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SNAP_TO_GRID] =
    g_param_spec_boolean ("snap-to-grid", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_GRID] =
    g_param_spec_boolean ("show-grid", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_DEPLOYMENT] =
    g_param_spec_boolean ("show-deployment", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (MOPED_TYPE_CANVAS);
  g_type_ensure (MOPED_TYPE_INSPECTOR);
  g_type_ensure (MOPED_TYPE_OUTLINE);

  _moped_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, "/org/moped/Moped/ui/moped-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MopedWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, MopedWindow, title_label);
  gtk_widget_class_bind_template_child (widget_class, MopedWindow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, MopedWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, MopedWindow, recent_button);
  gtk_widget_class_bind_template_child (widget_class, MopedWindow, arrange_button);
  gtk_widget_class_bind_template_child (widget_class, MopedWindow, add_node_label);
  gtk_widget_class_bind_template_child (widget_class, MopedWindow, add_note_label);
  gtk_widget_class_bind_template_child (widget_class, MopedWindow, primary_menu);
  gtk_widget_class_bind_template_child (widget_class, MopedWindow, recent_menu);
  gtk_widget_class_bind_template_child (widget_class, MopedWindow, recent_section);
  gtk_widget_class_bind_template_child (widget_class, MopedWindow, recent_menu_section);
  gtk_widget_class_bind_template_child (widget_class, MopedWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, MopedWindow, error_bar);
  gtk_widget_class_bind_template_child (widget_class, MopedWindow, error_title);
  gtk_widget_class_bind_template_child (widget_class, MopedWindow, error_detail);
  gtk_widget_class_bind_template_child (widget_class, MopedWindow, error_save_as_button);
  gtk_widget_class_bind_template_child (widget_class, MopedWindow, error_retry_button);
  gtk_widget_class_bind_template_child (widget_class, MopedWindow, recovery_bar);
  gtk_widget_class_bind_template_child (widget_class, MopedWindow, recovery_title);
  gtk_widget_class_bind_template_child (widget_class, MopedWindow, recovery_detail);
  gtk_widget_class_bind_template_child (widget_class, MopedWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MopedWindow, flap);
  gtk_widget_class_bind_template_child (widget_class, MopedWindow, flap_handle);
  gtk_widget_class_bind_template_child (widget_class, MopedWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, MopedWindow, canvas);
  gtk_widget_class_bind_template_child (widget_class, MopedWindow, empty_state);
  gtk_widget_class_bind_template_child (widget_class, MopedWindow, zoom_label);
  gtk_widget_class_bind_template_child (widget_class, MopedWindow, protocols_page);
  gtk_widget_class_bind_template_child (widget_class, MopedWindow, zoom_revealer);
  gtk_widget_class_bind_template_child (widget_class, MopedWindow, inspector);
  gtk_widget_class_bind_template_child (widget_class, MopedWindow, diagnostics_list);
  gtk_widget_class_bind_template_child (widget_class, MopedWindow, problems_summary);
  gtk_widget_class_bind_template_child (widget_class, MopedWindow, pane_stack);
  gtk_widget_class_bind_template_child (widget_class, MopedWindow, outline);
  gtk_widget_class_bind_template_callback (widget_class, _moped_window_on_error_response);
  gtk_widget_class_bind_template_callback (widget_class, _moped_window_on_recovery_response);
  gtk_widget_class_bind_template_callback (widget_class, _moped_window_on_diagnostic_activated);

  _moped_window_class_init_actions (widget_class);
}

static void
moped_window_init (MopedWindow *self)
{
  g_autoptr(MopedDesign) design = moped_design_new ();
  g_autoptr(MopedRecovery) recovery = NULL;

  self->show_sidebar = TRUE;
  self->sidebar_wanted = TRUE;
  self->sidebar_width = 340;
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (self->canvas, "selection-changed", G_CALLBACK (on_selection_changed), self,
                           G_CONNECT_SWAPPED);
  moped_outline_set_canvas (self->outline, self->canvas);
  g_signal_connect_object (self->canvas, "notify::zoom", G_CALLBACK (on_zoom_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->canvas, "notify::snap-to-grid", G_CALLBACK (forward_notify), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->canvas, "notify::show-grid", G_CALLBACK (forward_notify), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->canvas, "notify::show-deployment", G_CALLBACK (forward_notify), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->view_stack, "notify::visible-child-name", G_CALLBACK (forward_notify), self,
                           G_CONNECT_SWAPPED);
  gtk_menu_button_set_create_popup_func (self->primary_menu_button, create_menu, self->primary_menu, NULL);
  gtk_menu_button_set_create_popup_func (self->recent_button, create_menu, self->recent_menu, NULL);
  gtk_menu_button_set_create_popup_func (self->arrange_button, create_arrange_popover, NULL, NULL);
  init_flap (self);
  /* GtkInfoBar's builder support does not take <accessibility>. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->error_bar),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "Error", -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->recovery_bar),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "Unsaved work found", -1);
  g_signal_connect (self, "notify::application", G_CALLBACK (on_application_set), NULL);
  _moped_window_init_dnd (self);
  _moped_window_init_disk (self);
  moped_accessible_name_buttons (GTK_WIDGET (self));
  /* The canvas has the keyboard from the start: Alt+N adds a node, typing names it. */
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->canvas));

  moped_design_set_string (design, moped_design_get_root (design), MOPED_PROP_NAME, "Untitled Design");
  moped_design_clear_history (design);
  moped_design_set_unmodified (design);
  recovery = moped_recovery_new (design, NULL);
  install_design (self, design, NULL, recovery, FALSE);
  on_zoom_changed (self, NULL, self->canvas);
}

MopedWindow *
moped_window_new (GtkApplication *application)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);

  return g_object_new (MOPED_TYPE_WINDOW, "application", application, NULL);
}

MopedDesign *
moped_window_get_design (MopedWindow *self)
{
  g_return_val_if_fail (MOPED_IS_WINDOW (self), NULL);

  return self->design;
}

GFile *
moped_window_get_file (MopedWindow *self)
{
  g_return_val_if_fail (MOPED_IS_WINDOW (self), NULL);

  return self->file;
}

void
moped_window_set_design (MopedWindow *self,
                         MopedDesign *design,
                         GFile       *file)
{
  g_autoptr(MopedRecovery) recovery = NULL;

  g_return_if_fail (MOPED_IS_WINDOW (self));
  g_return_if_fail (MOPED_IS_DESIGN (design));
  g_return_if_fail (file == NULL || G_IS_FILE (file));

  recovery = moped_recovery_new (design, file);
  install_design (self, design, file, recovery, FALSE);
}

gboolean
moped_window_get_modified (MopedWindow *self)
{
  g_return_val_if_fail (MOPED_IS_WINDOW (self), FALSE);

  return self->recovered || moped_design_get_modified (self->design);
}

gboolean
moped_window_is_untouched (MopedWindow *self)
{
  g_return_val_if_fail (MOPED_IS_WINDOW (self), FALSE);

  return self->file == NULL && !moped_window_get_modified (self) && !_moped_window_is_shared (self) &&
         !moped_design_can_undo (self->design) && !moped_design_can_redo (self->design);
}
