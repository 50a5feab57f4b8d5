/* moped-canvas-rename.c: naming an element right where the canvas draws it.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * F2, Enter, a double click, or just typing a letter with one element selected, opens
 * an editor over the element's name (a node's title, a socket's name, a link's label, a
 * note's text). Enter (Ctrl+Enter for a note) or leaving the editor keeps the text as
 * one undo step; Escape puts the old text back. While the editor has the keyboard,
 * what is typed is text: the canvas's own keys never fire from it.
 */
#define G_LOG_DOMAIN "moped-canvas"

#include "moped-canvas-private.h"

#define EDITOR_MIN_WIDTH 120.0

static void focus_changed_cb (GtkRoot     *root,
                              GParamSpec  *pspec,
                              MopedCanvas *self);

MopedProp
_moped_canvas_name_prop (MopedElement *element)
{
  switch (element != NULL ? moped_element_get_kind (element) : MOPED_KIND_DESIGN)
    {
    case MOPED_KIND_NODE:
    case MOPED_KIND_SOCKET:
      return MOPED_PROP_NAME;
    case MOPED_KIND_LINK:
      return MOPED_PROP_LABEL;
    case MOPED_KIND_NOTE:
      return MOPED_PROP_TEXT;
    default:
      return MOPED_N_PROPS;
    }
}

/* Where the name of @element is drawn, in design coordinates. */
static gboolean
name_rect (MopedCanvas     *self,
           MopedElement    *element,
           MopedCanvasRect *rect)
{
  const MopedCanvasBox *box;
  const MopedCanvasPort *port;
  const MopedCanvasLinkCurve *curve;

  switch (moped_element_get_kind (element))
    {
    case MOPED_KIND_NODE:
      if ((box = moped_canvas_geometry_get_box (self->geometry, element)) == NULL)
        return FALSE;
      *rect = (MopedCanvasRect) { box->rect.x, box->rect.y, box->rect.width, MOPED_CANVAS_HEADER_HEIGHT * 0.6 };
      return TRUE;
    case MOPED_KIND_NOTE:
      if ((box = moped_canvas_geometry_get_box (self->geometry, element)) == NULL)
        return FALSE;
      *rect = box->rect;
      return TRUE;
    case MOPED_KIND_SOCKET:
      if ((port = moped_canvas_geometry_get_port (self->geometry, element)) == NULL)
        return FALSE;
      *rect = port->name;
      return TRUE;
    case MOPED_KIND_LINK:
      if ((curve = moped_canvas_geometry_get_link_curve (self->geometry, element)) == NULL)
        return FALSE;
      *rect = curve->label.width > 0 ? curve->label
                                    : (MopedCanvasRect) { curve->middle.x, curve->middle.y - 12, 0, 24 };
      return TRUE;
    default:
      return FALSE;
    }
}

static char *
editor_text (MopedCanvas *self)
{
  if (GTK_IS_TEXT_VIEW (self->rename_editor))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->rename_editor));
      GtkTextIter start, end;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    }
  return g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->rename_editor)));
}

void
_moped_canvas_end_rename (MopedCanvas *self,
                          gboolean     keep)
{
  g_autofree char *id = g_steal_pointer (&self->rename_id);
  GtkWidget *editor = g_steal_pointer (&self->rename_editor);
  MopedElement *element;
  g_autofree char *text = NULL;
  gboolean had_focus;

  if (editor == NULL)
    return;
  if (self->rename_root != NULL)
    g_signal_handlers_disconnect_by_func (self->rename_root, focus_changed_cb, self);
  g_clear_weak_pointer (&self->rename_root);
  had_focus = gtk_widget_has_focus (editor) ||
              (gtk_widget_get_focus_child (GTK_WIDGET (self)) == editor);
  self->rename_editor = editor;  /* for editor_text */
  text = editor_text (self);
  self->rename_editor = NULL;
  gtk_widget_unparent (editor);
  if (had_focus)
    gtk_widget_grab_focus (GTK_WIDGET (self));
  element = self->design != NULL ? moped_design_lookup (self->design, id) : NULL;
  if (keep && element != NULL)
    {
      MopedProp prop = _moped_canvas_name_prop (element);
      const char *old = moped_element_get_string (element, prop);

      g_strstrip (text);
      /* A node or a socket is never left without a name: an empty one keeps its old. */
      if (g_strcmp0 (old, text) != 0 && (text[0] != '\0' || prop != MOPED_PROP_NAME))
        {
          moped_design_begin (self->design, "Rename");
          moped_design_set_string (self->design, element, prop, text);
          moped_design_end (self->design);
        }
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
_moped_canvas_is_renaming (MopedCanvas *self)
{
  return self->rename_editor != NULL;
}

void
_moped_canvas_allocate_rename (MopedCanvas *self)
{
  MopedCanvasRect rect;
  GtkAllocation allocation;
  double x0, y0, x1, y1, min_height;
  int natural;

  MopedElement *element;

  if (self->rename_editor == NULL)
    return;
  element = self->design != NULL ? moped_design_lookup (self->design, self->rename_id) : NULL;
  if (element == NULL || !name_rect (self, element, &rect))
    {
      gtk_widget_set_child_visible (self->rename_editor, FALSE);
      return;
    }
  moped_canvas_design_to_widget (self, rect.x, rect.y, &x0, &y0);
  moped_canvas_design_to_widget (self, rect.x + rect.width, rect.y + rect.height, &x1, &y1);
  gtk_widget_measure (self->rename_editor, GTK_ORIENTATION_VERTICAL, -1, NULL, &natural, NULL, NULL);
  min_height = natural;
  allocation.width = (int) MAX (x1 - x0, EDITOR_MIN_WIDTH);
  allocation.height = (int) MAX (y1 - y0, min_height);
  /* Centred on the name, the editor grows to the sides and downwards. */
  allocation.x = (int) ((x0 + x1) / 2 - allocation.width / 2.0);
  allocation.y = (int) ((y0 + y1) / 2 - MAX (y1 - y0, min_height) / 2);
  gtk_widget_set_child_visible (self->rename_editor, TRUE);
  gtk_widget_size_allocate (self->rename_editor, &allocation, -1);
}

static void
activate_cb (GtkWidget   *editor,
             MopedCanvas *self)
{
  _moped_canvas_end_rename (self, TRUE);
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                MopedCanvas           *self)
{
  if (keyval == GDK_KEY_Escape)
    {
      _moped_canvas_end_rename (self, FALSE);
      return TRUE;
    }
  if ((keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter) &&
      (!GTK_IS_TEXT_VIEW (self->rename_editor) || (state & GDK_CONTROL_MASK)))
    {
      _moped_canvas_end_rename (self, TRUE);
      return TRUE;
    }
  return FALSE;
}

/* What the editor did not use of a plain key stops here: arrows, Delete, Page Up... would
 * otherwise reach the canvas and move or delete the selection. Keys with Ctrl or Alt, Tab
 * and the function keys go on to the window. */
static gboolean
swallow_cb (GtkEventControllerKey *controller,
            guint                  keyval,
            guint                  keycode,
            GdkModifierType        state,
            MopedCanvas           *self)
{
  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK)) != 0 ||
      keyval == GDK_KEY_Tab || keyval == GDK_KEY_ISO_Left_Tab || keyval == GDK_KEY_KP_Tab ||
      (keyval >= GDK_KEY_F1 && keyval <= GDK_KEY_F35))
    return FALSE;
  return TRUE;
}

/* The focus went elsewhere (a click on the canvas, Tab): what was typed is kept. The
 * editor's own popovers (its context menu) are inside it and do not end it. */
static void
focus_changed_cb (GtkRoot     *root,
                  GParamSpec  *pspec,
                  MopedCanvas *self)
{
  GtkWidget *focus = gtk_root_get_focus (root);

  if (self->rename_editor != NULL && focus != self->rename_editor &&
      (focus == NULL || !gtk_widget_is_ancestor (focus, self->rename_editor)))
    _moped_canvas_end_rename (self, TRUE);
}

void
_moped_canvas_begin_rename (MopedCanvas  *self,
                            MopedElement *element,
                            const char   *typed)
{
  MopedProp prop = _moped_canvas_name_prop (element);
  const char *text;
  g_autofree char *label = NULL;
  GtkEventController *controller;
  GtkWidget *editor;

  g_return_if_fail (MOPED_IS_CANVAS (self));

  _moped_canvas_end_rename (self, TRUE);
  if (prop == MOPED_N_PROPS || self->design == NULL || moped_element_get_design (element) != self->design)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  _moped_canvas_cancel_drag (self, FALSE);
  moped_canvas_reveal (self, moped_element_get_id (element));
  text = typed != NULL ? typed : moped_element_get_string (element, prop);
  if (text == NULL)
    text = "";
  label = g_strdup_printf ("%s of %s", prop == MOPED_PROP_TEXT ? "Text" : prop == MOPED_PROP_LABEL ? "Label" : "Name",
                           moped_element_get_name (element) && moped_element_get_name (element)[0]
                             ? moped_element_get_name (element) : moped_element_get_id (element));
  if (prop == MOPED_PROP_TEXT)
    {
      editor = gtk_text_view_new ();
      gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (editor), GTK_WRAP_WORD_CHAR);
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (editor)), text, -1);
    }
  else
    {
      editor = gtk_entry_new ();
      gtk_editable_set_text (GTK_EDITABLE (editor), text);
      g_signal_connect (editor, "activate", G_CALLBACK (activate_cb), self);
    }
  gtk_widget_add_css_class (editor, "moped-rename");
  gtk_widget_set_name (editor, "moped-rename");
  gtk_accessible_update_property (GTK_ACCESSIBLE (editor), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (editor, controller);
  controller = gtk_event_controller_key_new ();
  g_signal_connect (controller, "key-pressed", G_CALLBACK (swallow_cb), self);
  gtk_widget_add_controller (editor, controller);

  self->rename_id = g_strdup (moped_element_get_id (element));
  self->rename_editor = editor;
  gtk_widget_set_parent (editor, GTK_WIDGET (self));
  gtk_widget_grab_focus (editor);
  if (GTK_IS_EDITABLE (editor))
    {
      /* Typed text goes on from where it was typed; an existing name is selected to be replaced. */
      if (typed != NULL)
        gtk_editable_set_position (GTK_EDITABLE (editor), -1);
      else
        gtk_editable_select_region (GTK_EDITABLE (editor), 0, -1);
    }
  else if (typed != NULL)
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (editor));
      GtkTextIter end;

      gtk_text_buffer_get_end_iter (buffer, &end);
      gtk_text_buffer_place_cursor (buffer, &end);
    }
  else
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (editor));
      GtkTextIter start, end;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      gtk_text_buffer_select_range (buffer, &start, &end);
    }
  if (gtk_widget_get_root (editor) != NULL)
    {
      g_set_weak_pointer (&self->rename_root, G_OBJECT (gtk_widget_get_root (editor)));
      g_signal_connect (self->rename_root, "notify::focus-widget", G_CALLBACK (focus_changed_cb), self);
    }
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

/* The one selected element that has a name to edit, or NULL. */
MopedElement *
_moped_canvas_rename_target (MopedCanvas *self)
{
  MopedElement *element;

  if (self->selection->len != 1)
    return NULL;
  element = g_ptr_array_index (self->selection, 0);
  return _moped_canvas_name_prop (element) != MOPED_N_PROPS ? element : NULL;
}

/* A printable letter or digit typed with one nameable element selected starts naming it. */
gboolean
_moped_canvas_rename_on_key (MopedCanvas     *self,
                             guint            keyval,
                             GdkModifierType  state)
{
  gunichar c = gdk_keyval_to_unicode (keyval);
  MopedElement *target = _moped_canvas_rename_target (self);
  char text[8] = { 0 };

  if (target == NULL || self->rename_editor != NULL ||
      (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK)) != 0 || c == 0 || !g_unichar_isalnum (c))
    return FALSE;
  g_unichar_to_utf8 (c, text);
  _moped_canvas_begin_rename (self, target, text);
  return TRUE;
}
