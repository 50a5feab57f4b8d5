/* moped-arrange.c: "Arrange": graphviz in a child process, a progress banner with Cancel, one undo step.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-ui"

#include "config.h"

#include "moped-arrange.h"
#include "moped-inspector-util.h"
#include "moped-layout.h"

#define ARRANGE_DATA_KEY "moped-arrange"

struct _MopedArrange
{
  GObject       parent_instance;

  MopedDesign  *design;
  GtkWidget    *host;           /* weak: the window may go while graphviz works */
  GCancellable *cancellable;
  GtkWidget    *overlay;        /* where the banner goes; NULL: a small window instead */
  GtkWidget    *banner;         /* while shown */
  GtkWidget    *banner_window;  /* the banner's own window, without an overlay */
  GtkWidget    *error_dialog;   /* weak */
  GError       *error;
  guint         progress_id;
  guint         running : 1;
  guint         moved : 1;
};

G_DEFINE_FINAL_TYPE (MopedArrange, moped_arrange, G_TYPE_OBJECT)

enum {
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* What Arrange does when asked without options: what was chosen last. */
static MopedLayoutEngine last_engine = MOPED_LAYOUT_ENGINE_DOT;
static MopedLayoutDirection last_direction = MOPED_LAYOUT_LEFT_RIGHT;

static const char style_sheet[] =
  ".moped-arrange-banner { padding: 6px 6px 6px 14px; border-radius: 9px; }\n"
  ".moped-arrange-banner label { font-weight: bold; }\n"
  ".moped-arrange-options { padding: 6px; }\n"
  ".moped-arrange-options .moped-arrange-caption { font-size: smaller; }\n";

static void
ensure_style (GtkWidget *widget)
{
  GdkDisplay *display = gtk_widget_get_display (widget);
  GtkCssProvider *provider;

  if (g_object_get_data (G_OBJECT (display), "moped-arrange-style") != NULL)
    return;
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_data (provider, style_sheet, -1);
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_set_data_full (G_OBJECT (display), "moped-arrange-style", provider, g_object_unref);
}

void
moped_arrange_get_last_options (MopedLayoutEngine    *engine,
                                MopedLayoutDirection *direction)
{
  if (engine != NULL)
    *engine = last_engine;
  if (direction != NULL)
    *direction = last_direction;
}

/* ---- the progress banner ----------------------------------------------------- */

static void
on_cancel_clicked (MopedArrange *self)
{
  moped_arrange_cancel (self);
}

static GtkWidget *
banner_new (MopedArrange *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *spinner = gtk_spinner_new ();
  GtkWidget *label = gtk_label_new ("Arranging the design…");
  GtkWidget *cancel = gtk_button_new_with_mnemonic ("_Cancel");

  gtk_widget_add_css_class (box, "moped-arrange-banner");
  moped_inspector_set_accessible_label (box, "Arranging the design");
  gtk_spinner_start (GTK_SPINNER (spinner));
  moped_inspector_set_accessible_label (spinner, "Working");
  gtk_box_append (GTK_BOX (box), spinner);
  gtk_box_append (GTK_BOX (box), label);
  moped_inspector_set_accessible_label (cancel, "Cancel Arranging");
  gtk_widget_set_tooltip_text (cancel, "Stop and leave the design as it is");
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (on_cancel_clicked), self);
  gtk_box_append (GTK_BOX (box), cancel);
  return box;
}

static GtkWidget *
find_overlay (GtkWidget *widget)
{
  for (; widget != NULL; widget = gtk_widget_get_parent (widget))
    if (GTK_IS_OVERLAY (widget))
      return widget;
  return NULL;
}

static gboolean
show_progress (gpointer user_data)
{
  MopedArrange *self = user_data;
  GtkRoot *root;

  self->progress_id = 0;
  if (self->host == NULL)
    return G_SOURCE_REMOVE;
  root = gtk_widget_get_root (self->host);
  ensure_style (self->host);
  self->banner = g_object_ref_sink (banner_new (self));
  self->overlay = find_overlay (self->host);
  if (self->overlay != NULL)
    {
      g_object_ref (self->overlay);
      gtk_widget_add_css_class (self->banner, "osd");
      gtk_widget_set_halign (self->banner, GTK_ALIGN_CENTER);
      gtk_widget_set_valign (self->banner, GTK_ALIGN_START);
      gtk_widget_set_margin_top (self->banner, 12);
      gtk_overlay_add_overlay (GTK_OVERLAY (self->overlay), self->banner);
    }
  else
    {
      self->banner_window = g_object_ref_sink (gtk_window_new ());
      gtk_window_set_title (GTK_WINDOW (self->banner_window), "Arranging");
      gtk_window_set_resizable (GTK_WINDOW (self->banner_window), FALSE);
      gtk_window_set_deletable (GTK_WINDOW (self->banner_window), FALSE);
      if (GTK_IS_WINDOW (root))
        gtk_window_set_transient_for (GTK_WINDOW (self->banner_window), GTK_WINDOW (root));
      gtk_widget_set_margin_start (self->banner, 12);
      gtk_widget_set_margin_end (self->banner, 12);
      gtk_widget_set_margin_top (self->banner, 12);
      gtk_widget_set_margin_bottom (self->banner, 12);
      gtk_window_set_child (GTK_WINDOW (self->banner_window), self->banner);
      gtk_window_present (GTK_WINDOW (self->banner_window));
    }
  return G_SOURCE_REMOVE;
}

static void
hide_progress (MopedArrange *self)
{
  g_clear_handle_id (&self->progress_id, g_source_remove);
  if (self->banner != NULL && self->overlay != NULL &&
      gtk_widget_get_parent (self->banner) == self->overlay)
    gtk_overlay_remove_overlay (GTK_OVERLAY (self->overlay), self->banner);
  if (self->banner_window != NULL)
    gtk_window_destroy (GTK_WINDOW (self->banner_window));
  g_clear_object (&self->banner_window);
  g_clear_object (&self->banner);
  g_clear_object (&self->overlay);
}

/* ---- the outcome ----------------------------------------------------------------- */

static void
show_error (MopedArrange *self)
{
  GtkRoot *root = self->host != NULL ? gtk_widget_get_root (self->host) : NULL;
  GtkWidget *dialog;

  if (!GTK_IS_WINDOW (root) || !gtk_widget_get_visible (GTK_WIDGET (root)))
    {
      g_message ("The design was not arranged: %s", self->error->message);
      return;
    }
  dialog = gtk_message_dialog_new (GTK_WINDOW (root), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE, "The Design Was Not Arranged");
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", self->error->message);
  gtk_window_set_title (GTK_WINDOW (dialog), "Arrange");
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_window_destroy), NULL);
  self->error_dialog = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->error_dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
forget_host (MopedArrange *self)
{
  if (self->host == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->host, self);
  g_object_remove_weak_pointer (G_OBJECT (self->host), (gpointer *) &self->host);
  self->host = NULL;
}

static void
on_arranged (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  /* The reference the arrangement held on itself while running. */
  g_autoptr(MopedArrange) self = user_data;
  g_autoptr(GArray) positions = NULL;

  positions = moped_layout_arrange_finish (self->design, result, &self->error);
  self->running = FALSE;
  hide_progress (self);
  g_object_set_data (G_OBJECT (self->design), ARRANGE_DATA_KEY, NULL);
  if (positions != NULL)
    self->moved = moped_layout_apply (self->design, positions);
  else if (!g_error_matches (self->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_error (self);
  forget_host (self);
  g_signal_emit (self, signals[FINISHED], 0);
}

static void
on_host_destroyed (MopedArrange *self)
{
  /* The window is going: its design must not change behind its back. */
  moped_arrange_cancel (self);
}

MopedArrange *
moped_arrange_start (GtkWidget            *host,
                     MopedDesign          *design,
                     MopedLayoutEngine     engine,
                     MopedLayoutDirection  direction,
                     guint                 timeout_ms)
{
  MopedArrange *self;

  g_return_val_if_fail (GTK_IS_WIDGET (host), NULL);
  g_return_val_if_fail (MOPED_IS_DESIGN (design), NULL);
  g_return_val_if_fail (engine < MOPED_LAYOUT_ENGINE_CANVAS, NULL);
  g_return_val_if_fail ((guint) direction < MOPED_N_LAYOUT_DIRECTIONS, NULL);

  self = g_object_get_data (G_OBJECT (design), ARRANGE_DATA_KEY);
  if (self != NULL)
    return self;

  last_engine = engine;
  last_direction = direction;
  self = g_object_new (MOPED_TYPE_ARRANGE, NULL);
  self->design = g_object_ref (design);
  self->host = host;
  g_object_add_weak_pointer (G_OBJECT (host), (gpointer *) &self->host);
  self->cancellable = g_cancellable_new ();
  self->running = TRUE;
  g_object_set_data (G_OBJECT (design), ARRANGE_DATA_KEY, self);
  /* A host held here would never be destroyed; its window going is our cue. */
  g_signal_connect_swapped (host, "destroy", G_CALLBACK (on_host_destroyed), self);
  self->progress_id = g_timeout_add (MOPED_ARRANGE_PROGRESS_DELAY_MS, show_progress, self);
  moped_layout_arrange_async (design, engine, direction, timeout_ms, self->cancellable, on_arranged, self);
  return self;
}

MopedArrange *
moped_arrange_run (GtkWidget   *host,
                   MopedDesign *design,
                   const char  *engine,
                   const char  *direction)
{
  MopedLayoutEngine engine_value = last_engine;
  MopedLayoutDirection direction_value = last_direction;

  g_return_val_if_fail (GTK_IS_WIDGET (host), NULL);
  g_return_val_if_fail (MOPED_IS_DESIGN (design), NULL);

  if (engine != NULL &&
      (!moped_layout_engine_from_name (engine, &engine_value) || engine_value == MOPED_LAYOUT_ENGINE_CANVAS))
    {
      g_critical ("Arrange: “%s” is not a layout engine (dot, neato, fdp or circo)", engine);
      return NULL;
    }
  if (direction != NULL && !moped_layout_direction_from_name (direction, &direction_value))
    {
      g_critical ("Arrange: “%s” is not a direction (LR or TB)", direction);
      return NULL;
    }
  return moped_arrange_start (host, design, engine_value, direction_value, 0);
}

void
moped_arrange_cancel (MopedArrange *self)
{
  g_return_if_fail (MOPED_IS_ARRANGE (self));

  g_cancellable_cancel (self->cancellable);
}

gboolean
moped_arrange_is_running (MopedArrange *self)
{
  g_return_val_if_fail (MOPED_IS_ARRANGE (self), FALSE);
  return self->running;
}

const GError *
moped_arrange_get_error (MopedArrange *self)
{
  g_return_val_if_fail (MOPED_IS_ARRANGE (self), NULL);
  return self->error;
}

gboolean
moped_arrange_get_moved (MopedArrange *self)
{
  g_return_val_if_fail (MOPED_IS_ARRANGE (self), FALSE);
  return self->moved;
}

GtkWidget *
moped_arrange_get_banner (MopedArrange *self)
{
  g_return_val_if_fail (MOPED_IS_ARRANGE (self), NULL);
  return self->banner;
}

GtkWidget *
moped_arrange_get_error_dialog (MopedArrange *self)
{
  g_return_val_if_fail (MOPED_IS_ARRANGE (self), NULL);
  return self->error_dialog;
}

static void
moped_arrange_finalize (GObject *object)
{
  MopedArrange *self = MOPED_ARRANGE (object);

  hide_progress (self);
  if (self->error_dialog != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->error_dialog), (gpointer *) &self->error_dialog);
  g_clear_object (&self->cancellable);
  forget_host (self);
  g_clear_object (&self->design);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (moped_arrange_parent_class)->finalize (object);
}

static void
moped_arrange_class_init (MopedArrangeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = moped_arrange_finalize;

  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
moped_arrange_init (MopedArrange *self)
{
}

/* ---- the options popover ------------------------------------------------------ */

/* The engines Arrange offers, in the order the drop-down lists them. */
static const struct
{
  MopedLayoutEngine  engine;
  const char        *label;
  const char        *tooltip;
} engines[] = {
  { MOPED_LAYOUT_ENGINE_DOT, "Layered", "Links flow one way, in ranks (graphviz dot)" },
  { MOPED_LAYOUT_ENGINE_NEATO, "Spring", "Linked nodes pull together, others push apart (graphviz neato)" },
  { MOPED_LAYOUT_ENGINE_FDP, "Force-Directed", "Like Spring, better for loosely linked designs (graphviz fdp)" },
  { MOPED_LAYOUT_ENGINE_CIRCO, "Circular", "Nodes on circles, for rings and meshes (graphviz circo)" },
};

struct _MopedArrangePopover
{
  GtkPopover  parent_instance;

  GtkWidget  *engine;
  GtkWidget  *left_right;
  GtkWidget  *top_bottom;
  GtkWidget  *direction_box;
};

G_DEFINE_FINAL_TYPE (MopedArrangePopover, moped_arrange_popover, GTK_TYPE_POPOVER)

static MopedLayoutEngine
selected_engine (MopedArrangePopover *self)
{
  guint index = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->engine));

  return index < G_N_ELEMENTS (engines) ? engines[index].engine : MOPED_LAYOUT_ENGINE_DOT;
}

static void
update_direction_sensitivity (MopedArrangePopover *self)
{
  /* Only ranks have a direction; the other layouts have none to choose. */
  gtk_widget_set_sensitive (self->direction_box, selected_engine (self) == MOPED_LAYOUT_ENGINE_DOT);
}

void
moped_arrange_popover_set_options (MopedArrangePopover  *self,
                                   MopedLayoutEngine     engine,
                                   MopedLayoutDirection  direction)
{
  g_return_if_fail (MOPED_IS_ARRANGE_POPOVER (self));

  for (guint i = 0; i < G_N_ELEMENTS (engines); i++)
    if (engines[i].engine == engine)
      gtk_drop_down_set_selected (GTK_DROP_DOWN (self->engine), i);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (direction == MOPED_LAYOUT_TOP_BOTTOM
                                                   ? self->top_bottom : self->left_right), TRUE);
  update_direction_sensitivity (self);
}

static void
on_arrange_clicked (MopedArrangePopover *self)
{
  MopedLayoutEngine engine = selected_engine (self);
  MopedLayoutDirection direction = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->top_bottom))
                                   ? MOPED_LAYOUT_TOP_BOTTOM : MOPED_LAYOUT_LEFT_RIGHT;

  gtk_popover_popdown (GTK_POPOVER (self));
  gtk_widget_activate_action (GTK_WIDGET (self), "win.arrange-with", "(ss)",
                              moped_layout_engine_get_name (engine),
                              moped_layout_direction_get_name (direction));
}

static void
moped_arrange_popover_show (GtkWidget *widget)
{
  MopedArrangePopover *self = MOPED_ARRANGE_POPOVER (widget);

  moped_arrange_popover_set_options (self, last_engine, last_direction);
  GTK_WIDGET_CLASS (moped_arrange_popover_parent_class)->show (widget);
}

static GtkWidget *
option_label (const char *text,
              GtkWidget  *control)
{
  GtkWidget *label = gtk_label_new_with_mnemonic (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (control != NULL)
    gtk_label_set_mnemonic_widget (GTK_LABEL (label), control);
  return label;
}

static GtkWidget *
direction_button (const char *mnemonic,
                  const char *name,
                  const char *icon_name)
{
  GtkWidget *button = gtk_toggle_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new_with_mnemonic (mnemonic);

  gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name (icon_name));
  gtk_box_append (GTK_BOX (box), label);
  gtk_widget_set_halign (box, GTK_ALIGN_CENTER);
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), button);
  gtk_widget_set_hexpand (button, TRUE);
  moped_inspector_set_accessible_label (button, name);
  return button;
}

static void
build_popover (MopedArrangePopover *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *title = gtk_label_new ("Arrange the Design");
  GtkWidget *caption = gtk_label_new ("Graphviz places every node; pinned nodes and notes stay "
                                      "where they are. Undo puts everything back.");
  GtkWidget *arrange = gtk_button_new_with_mnemonic ("_Arrange");

  gtk_widget_add_css_class (box, "moped-arrange-options");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "heading");
  gtk_box_append (GTK_BOX (box), title);

  for (guint i = 0; i < G_N_ELEMENTS (engines); i++)
    gtk_string_list_append (names, engines[i].label);
  self->engine = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (names)), NULL);
  gtk_widget_set_hexpand (self->engine, TRUE);
  gtk_widget_set_tooltip_text (self->engine, "How graphviz places the nodes");
  moped_inspector_set_drop_down_label (self->engine, "Layout");
  g_signal_connect_swapped (self->engine, "notify::selected", G_CALLBACK (update_direction_sensitivity), self);

  self->left_right = direction_button ("_Left to Right", "Left to Right", "go-next-symbolic");
  self->top_bottom = direction_button ("_Top to Bottom", "Top to Bottom", "go-down-symbolic");
  gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (self->top_bottom), GTK_TOGGLE_BUTTON (self->left_right));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->left_right), TRUE);
  self->direction_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_add_css_class (self->direction_box, "linked");
  gtk_widget_set_tooltip_text (self->direction_box, "Which way the ranks of the layered layout run");
  moped_inspector_set_accessible_label (self->direction_box, "Direction");
  gtk_box_append (GTK_BOX (self->direction_box), self->left_right);
  gtk_box_append (GTK_BOX (self->direction_box), self->top_bottom);

  gtk_grid_set_row_spacing (GTK_GRID (grid), 8);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_grid_attach (GTK_GRID (grid), option_label ("La_yout", self->engine), 0, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), self->engine, 1, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), option_label ("Direction", NULL), 0, 1, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), self->direction_box, 1, 1, 1, 1);
  gtk_box_append (GTK_BOX (box), grid);

  gtk_label_set_wrap (GTK_LABEL (caption), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (caption), 36);
  gtk_label_set_xalign (GTK_LABEL (caption), 0);
  gtk_widget_add_css_class (caption, "dim-label");
  gtk_widget_add_css_class (caption, "moped-arrange-caption");
  gtk_box_append (GTK_BOX (box), caption);

  gtk_widget_add_css_class (arrange, "suggested-action");
  moped_inspector_set_accessible_label (arrange, "Arrange");
  g_signal_connect_swapped (arrange, "clicked", G_CALLBACK (on_arrange_clicked), self);
  gtk_box_append (GTK_BOX (box), arrange);

  gtk_popover_set_child (GTK_POPOVER (self), box);
  gtk_popover_set_default_widget (GTK_POPOVER (self), arrange);
}

static void
moped_arrange_popover_class_init (MopedArrangePopoverClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->show = moped_arrange_popover_show;
}

static void
moped_arrange_popover_init (MopedArrangePopover *self)
{
  ensure_style (GTK_WIDGET (self));
  build_popover (self);
  moped_inspector_set_accessible_label (GTK_WIDGET (self), "Arrange Options");
}

GtkWidget *
moped_arrange_popover_new (void)
{
  return g_object_new (MOPED_TYPE_ARRANGE_POPOVER, NULL);
}
