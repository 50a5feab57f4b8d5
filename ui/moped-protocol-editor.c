/* moped-protocol-editor.c: editing protocols: commands with fields, flows with ordered steps, a live sequence preview.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A toolbar picks the protocol; three pages edit its overview, its commands (a list
 * beside the selected command's form and fields) and its flows (a list beside the
 * selected flow's steps, its sequence diagram and its problems). Forms come from the
 * schema table like the inspector's. The editor rebuilds when the set of protocols,
 * commands or flows changes; everything else follows the design in place.
 */
#define G_LOG_DOMAIN "moped-ui"

#include "config.h"

#include <math.h>

#include <adwaita.h>

#include "moped-diagnostic.h"
#include "moped-inspector-field.h"
#include "moped-inspector-form.h"
#include "moped-protocol-editor.h"
#include "moped-protocol-steps.h"
#include "moped-schema.h"
#include "moped-sequence.h"

struct _MopedProtocolEditor
{
  GtkWidget    parent_instance;

  MopedDesign *design;
  GPtrArray   *diagnostics;
  char        *protocol_id;
  char        *command_id;
  char        *flow_id;
  char        *page;

  GtkWidget   *box;
  GtkWidget   *protocol_drop_down;
  GStrv        protocol_ids;
  GtkWidget   *stack;
  GtkWidget   *command_list;
  GtkWidget   *flow_list;
  GtkWidget   *command_details;
  GtkWidget   *flow_details;
  GtkWidget   *steps;
  GtkWidget   *preview;
  GtkWidget   *flow_problem_list;
  GtkWidget   *command_problem_list;
  GtkWidget   *link_list;
  MopedSequenceDiagram *sequence; /* the selected flow, measured after each change */

  char        *signature;
  guint        rebuild_source;
  guint        building : 1;
};

enum {
  ELEMENT_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MopedProtocolEditor, moped_protocol_editor, GTK_TYPE_WIDGET)

static void rebuild (MopedProtocolEditor *self);
static gboolean rebuild_idle_cb (gpointer data);
static void build_command_details (MopedProtocolEditor *self);
static void build_flow_details (MopedProtocolEditor *self);

/* ---- what is shown -------------------------------------------------------------------------- */

static MopedElement *
lookup_kind (MopedProtocolEditor *self,
             const char          *id,
             MopedKind            kind)
{
  MopedElement *element = id && self->design ? moped_design_lookup (self->design, id) : NULL;

  return element && moped_element_get_kind (element) == kind ? element : NULL;
}

static MopedElement *
current_protocol (MopedProtocolEditor *self)
{
  return lookup_kind (self, self->protocol_id, MOPED_KIND_PROTOCOL);
}

static MopedElement *
current_flow (MopedProtocolEditor *self)
{
  MopedElement *flow = lookup_kind (self, self->flow_id, MOPED_KIND_FLOW);

  return flow && moped_element_get_parent (flow) == current_protocol (self) ? flow : NULL;
}

static MopedElement *
current_command (MopedProtocolEditor *self)
{
  MopedElement *command = lookup_kind (self, self->command_id, MOPED_KIND_COMMAND);

  return command && moped_element_get_parent (command) == current_protocol (self) ? command : NULL;
}

/* Keep the chosen protocol, command and flow when they still exist, else take the first. */
static void
settle_selection (MopedProtocolEditor *self)
{
  MopedElement *protocol = current_protocol (self);

  if (protocol == NULL)
    {
      g_autoptr(GPtrArray) protocols = moped_design_collect (self->design, MOPED_KIND_PROTOCOL);

      protocol = protocols->len ? g_ptr_array_index (protocols, 0) : NULL;
      g_free (self->protocol_id);
      self->protocol_id = protocol ? g_strdup (moped_element_get_id (protocol)) : NULL;
    }
  if (protocol == NULL)
    return;
  if (current_command (self) == NULL)
    {
      g_autoptr(GPtrArray) commands = moped_element_get_children_of_kind (protocol, MOPED_KIND_COMMAND);

      g_free (self->command_id);
      self->command_id = commands->len ? g_strdup (moped_element_get_id (g_ptr_array_index (commands, 0))) : NULL;
    }
  if (current_flow (self) == NULL)
    {
      g_autoptr(GPtrArray) flows = moped_element_get_children_of_kind (protocol, MOPED_KIND_FLOW);

      g_free (self->flow_id);
      self->flow_id = flows->len ? g_strdup (moped_element_get_id (g_ptr_array_index (flows, 0))) : NULL;
    }
}

static void
append_children_ids (GString      *s,
                     MopedElement *parent,
                     MopedKind     kind)
{
  g_autoptr(GPtrArray) children = moped_element_get_children_of_kind (parent, kind);

  for (guint i = 0; i < children->len; i++)
    g_string_append_printf (s, "%s,", moped_element_get_id (g_ptr_array_index (children, i)));
  g_string_append_c (s, ';');
}

/* What the editor's layout depends on; it is rebuilt when this changes. */
static char *
editor_signature (MopedProtocolEditor *self)
{
  GString *s = g_string_new (NULL);
  MopedElement *protocol;

  if (self->design == NULL)
    return g_string_free (s, FALSE);
  append_children_ids (s, moped_design_get_root (self->design), MOPED_KIND_PROTOCOL);
  protocol = current_protocol (self);
  g_string_append_printf (s, "%s;", protocol ? moped_element_get_id (protocol) : "");
  if (protocol != NULL)
    {
      append_children_ids (s, protocol, MOPED_KIND_COMMAND);
      append_children_ids (s, protocol, MOPED_KIND_FLOW);
      g_string_append_printf (s, "%s;%s;", current_command (self) ? self->command_id : "",
                              current_flow (self) ? self->flow_id : "");
    }
  return g_string_free (s, FALSE);
}

static gboolean
diagnostic_concerns_tree (const MopedDiagnostic *diagnostic,
                          MopedElement          *element,
                          MopedKind              child_kind)
{
  g_autoptr(GPtrArray) children = NULL;

  if (moped_inspector_diagnostic_concerns (diagnostic, moped_element_get_id (element)))
    return TRUE;
  children = moped_element_get_children_of_kind (element, child_kind);
  for (guint i = 0; i < children->len; i++)
    if (moped_inspector_diagnostic_concerns (diagnostic, moped_element_get_id (g_ptr_array_index (children, i))))
      return TRUE;
  return FALSE;
}

/* ---- small widgets ------------------------------------------------------------------------ */

/* The box a page's content goes in. */
static GtkWidget *
page_content_new (void)
{
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 14);

  gtk_widget_set_margin_start (content, 18);
  gtk_widget_set_margin_end (content, 18);
  gtk_widget_set_margin_top (content, 18);
  gtk_widget_set_margin_bottom (content, 24);
  return content;
}

static GtkWidget *
scrolled_page_new (GtkWidget *content)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  /* Never sideways: a page that does not fit makes the window wider instead of hiding
   * its buttons past the right edge. */
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  moped_inspector_set_page (GTK_SCROLLED_WINDOW (scrolled), content);
  gtk_widget_set_hexpand (scrolled, TRUE);
  gtk_widget_set_vexpand (scrolled, TRUE);
  return scrolled;
}

static GtkWidget *
title_new (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "moped-page-title");
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LEVEL, 1, -1);
  return label;
}

static GtkWidget *
action_button_new (const char *icon,
                   const char *text,
                   const char *accessible,
                   const char *action)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  gtk_box_append (GTK_BOX (content), gtk_image_new_from_icon_name (icon));
  if (text != NULL)
    gtk_box_append (GTK_BOX (content), gtk_label_new (text));
  gtk_button_set_child (GTK_BUTTON (button), content);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_widget_set_tooltip_text (button, accessible);
  moped_inspector_set_accessible_label (button, accessible);
  return button;
}

/* A centred message with a button, for an empty design or an empty protocol. */
static GtkWidget *
status_new (const char *title,
            const char *text,
            GtkWidget  *button)
{
  GtkWidget *page = adw_status_page_new ();

  adw_status_page_set_title (ADW_STATUS_PAGE (page), title);
  adw_status_page_set_description (ADW_STATUS_PAGE (page), text);
  if (button != NULL)
    {
      gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "suggested-action");
      gtk_widget_add_css_class (button, "pill");
      adw_status_page_set_child (ADW_STATUS_PAGE (page), button);
    }
  gtk_widget_add_css_class (page, "compact");
  gtk_widget_set_vexpand (page, TRUE);
  gtk_widget_set_hexpand (page, TRUE);
  return page;
}

/* ---- sidebars (commands, flows) ------------------------------------------------------------ */

static char *
sidebar_subtitle (MopedElement *element)
{
  if (moped_element_get_kind (element) == MOPED_KIND_COMMAND)
    {
      MopedElement *sender = moped_element_get_ref (element, MOPED_PROP_SENDER);
      g_autoptr(GPtrArray) fields = moped_element_get_children_of_kind (element, MOPED_KIND_FIELD);
      g_autofree char *who = sender ? g_strdup_printf ("sent by %s", moped_element_get_name (sender))
                                    : g_strdup ("no sender");

      return fields->len == 0 ? g_steal_pointer (&who)
                              : g_strdup_printf ("%s · %u field%s", who, fields->len, fields->len == 1 ? "" : "s");
    }
  else
    {
      g_autoptr(GPtrArray) steps = moped_element_get_children_of_kind (element, MOPED_KIND_STEP);

      return g_strdup_printf ("%u step%s", steps->len, steps->len == 1 ? "" : "s");
    }
}

static void
update_sidebar_row (MopedProtocolEditor *self,
                    GtkWidget           *row)
{
  MopedElement *element = moped_design_lookup (self->design, g_object_get_data (G_OBJECT (row), "moped-element-id"));
  GtkWidget *title = g_object_get_data (G_OBJECT (row), "moped-title");
  GtkWidget *subtitle = g_object_get_data (G_OBJECT (row), "moped-subtitle");
  GtkWidget *icon = g_object_get_data (G_OBJECT (row), "moped-problem");
  g_autofree char *name = NULL;
  g_autofree char *sub = NULL;
  MopedSeverity worst = MOPED_SEVERITY_INFO;
  guint count = 0;
  g_autofree char *tip = NULL;

  if (element == NULL)
    return;
  name = moped_inspector_describe_element (element);
  sub = sidebar_subtitle (element);
  if (g_strcmp0 (gtk_label_get_text (GTK_LABEL (title)), name) != 0)
    {
      gtk_label_set_text (GTK_LABEL (title), name);
      moped_inspector_set_accessible_label (row, name);
    }
  if (g_strcmp0 (gtk_label_get_text (GTK_LABEL (subtitle)), sub) != 0)
    gtk_label_set_text (GTK_LABEL (subtitle), sub);

  for (guint i = 0; self->diagnostics != NULL && i < self->diagnostics->len; i++)
    {
      const MopedDiagnostic *d = g_ptr_array_index (self->diagnostics, i);
      MopedKind child = moped_element_get_kind (element) == MOPED_KIND_COMMAND ? MOPED_KIND_FIELD : MOPED_KIND_STEP;

      if (d->severity != MOPED_SEVERITY_INFO && diagnostic_concerns_tree (d, element, child))
        {
          count++;
          worst = MIN (worst, d->severity);
        }
    }
  gtk_widget_set_visible (icon, count > 0);
  tip = g_strdup_printf (count == 1 ? "%u problem" : "%u problems", count);
  gtk_widget_set_tooltip_text (icon, tip);
  gtk_image_set_from_icon_name (GTK_IMAGE (icon), worst == MOPED_SEVERITY_ERROR ? "dialog-error-symbolic"
                                                                                 : "dialog-warning-symbolic");
  gtk_widget_remove_css_class (icon, "error");
  gtk_widget_remove_css_class (icon, "warning");
  gtk_widget_add_css_class (icon, worst == MOPED_SEVERITY_ERROR ? "error" : "warning");
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  worst == MOPED_SEVERITY_ERROR ? "Has errors" : "Has warnings", -1);
}

static GtkWidget *
sidebar_row_new (MopedProtocolEditor *self,
                 MopedElement        *element)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *subtitle = gtk_label_new (NULL);
  GtkWidget *icon = gtk_image_new ();

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_add_css_class (subtitle, "moped-caption");
  gtk_box_append (GTK_BOX (texts), title);
  gtk_box_append (GTK_BOX (texts), subtitle);
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_widget_set_valign (texts, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), texts);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  g_object_set_data_full (G_OBJECT (row), "moped-element-id", g_strdup (moped_element_get_id (element)), g_free);
  g_object_set_data (G_OBJECT (row), "moped-title", title);
  g_object_set_data (G_OBJECT (row), "moped-subtitle", subtitle);
  g_object_set_data (G_OBJECT (row), "moped-problem", icon);
  update_sidebar_row (self, row);
  return row;
}

static void
update_sidebars (MopedProtocolEditor *self)
{
  GtkWidget *lists[] = { self->command_list, self->flow_list };

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    for (GtkWidget *row = lists[i] ? gtk_widget_get_first_child (lists[i]) : NULL; row;
         row = gtk_widget_get_next_sibling (row))
      if (GTK_IS_LIST_BOX_ROW (row))
        update_sidebar_row (self, row);
}

static void
command_selected_cb (GtkListBox          *list,
                     GtkListBoxRow       *row,
                     MopedProtocolEditor *self)
{
  const char *id = row ? g_object_get_data (G_OBJECT (row), "moped-element-id") : NULL;

  if (self->building || id == NULL || g_strcmp0 (id, self->command_id) == 0)
    return;
  g_free (self->command_id);
  self->command_id = g_strdup (id);
  g_free (self->signature);
  self->signature = editor_signature (self);
  build_command_details (self);
}

static void
flow_selected_cb (GtkListBox          *list,
                  GtkListBoxRow       *row,
                  MopedProtocolEditor *self)
{
  const char *id = row ? g_object_get_data (G_OBJECT (row), "moped-element-id") : NULL;

  if (self->building || id == NULL || g_strcmp0 (id, self->flow_id) == 0)
    return;
  g_free (self->flow_id);
  self->flow_id = g_strdup (id);
  g_free (self->signature);
  self->signature = editor_signature (self);
  build_flow_details (self);
}

/* A list of the protocol's commands or flows with add and remove buttons under it. */
static GtkWidget *
sidebar_new (MopedProtocolEditor *self,
             MopedKind            kind,
             GtkWidget          **list_out)
{
  MopedElement *protocol = current_protocol (self);
  gboolean commands = kind == MOPED_KIND_COMMAND;
  const char *current = commands ? self->command_id : self->flow_id;
  g_autoptr(GPtrArray) children = moped_element_get_children_of_kind (protocol, kind);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  gtk_widget_add_css_class (list, "navigation-sidebar");
  moped_inspector_set_accessible_label (list, commands ? "Commands" : "Flows");
  for (guint i = 0; i < children->len; i++)
    {
      MopedElement *child = g_ptr_array_index (children, i);
      GtkWidget *row = sidebar_row_new (self, child);

      gtk_list_box_append (GTK_LIST_BOX (list), row);
      if (g_strcmp0 (moped_element_get_id (child), current) == 0)
        gtk_list_box_select_row (GTK_LIST_BOX (list), GTK_LIST_BOX_ROW (row));
    }
  g_signal_connect_object (list, "row-selected",
                           commands ? G_CALLBACK (command_selected_cb) : G_CALLBACK (flow_selected_cb), self, 0);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (box), scrolled);

  gtk_box_append (GTK_BOX (bar), action_button_new ("list-add-symbolic", "Add",
                                                    commands ? "Add command" : "Add flow",
                                                    commands ? "protocol.add-command" : "protocol.add-flow"));
  gtk_box_append (GTK_BOX (bar), action_button_new ("user-trash-symbolic", NULL,
                                                    commands ? "Remove command" : "Remove flow",
                                                    commands ? "protocol.remove-command" : "protocol.remove-flow"));
  for (GtkWidget *b = gtk_widget_get_first_child (bar); b; b = gtk_widget_get_next_sibling (b))
    gtk_widget_add_css_class (b, "flat");
  gtk_widget_add_css_class (bar, "moped-editor-sidebar-bar");
  gtk_box_append (GTK_BOX (box), bar);

  gtk_widget_add_css_class (box, "moped-editor-sidebar");
  gtk_widget_set_size_request (box, 180, -1);
  *list_out = list;
  return box;
}

/* ---- the sequence preview ------------------------------------------------------------------- */

static void
draw_preview_cb (GtkDrawingArea *area,
                 cairo_t        *cr,
                 int             width,
                 int             height,
                 gpointer        data)
{
  MopedProtocolEditor *self = data;

  if (self->sequence != NULL)
    moped_sequence_diagram_draw (self->sequence, cr);
}

/* Measured once per change and drawn at its natural size; the scrolled window
 * around it shows a long flow in part. */
static void
update_preview (MopedProtocolEditor *self)
{
  MopedElement *flow = current_flow (self);
  double width = 0, height = 0;

  g_clear_pointer (&self->sequence, moped_sequence_diagram_free);
  if (self->preview == NULL || flow == NULL)
    return;
  self->sequence = moped_sequence_diagram_new (self->design, flow);
  moped_sequence_diagram_get_size (self->sequence, &width, &height);
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (self->preview), (int) ceil (MAX (width, 1)));
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (self->preview), (int) ceil (MAX (height, 1)));
  gtk_widget_queue_draw (self->preview);
}

static GtkWidget *
preview_new (MopedProtocolEditor *self)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  self->preview = gtk_drawing_area_new ();
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->preview), draw_preview_cb, self, NULL);
  gtk_widget_set_halign (self->preview, GTK_ALIGN_START);
  gtk_widget_set_valign (self->preview, GTK_ALIGN_START);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->preview), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  "The selected flow as a sequence diagram", -1);
  moped_inspector_set_accessible_label (self->preview, "Sequence diagram");
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), self->preview);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_AUTOMATIC, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 520);
  gtk_widget_add_css_class (scrolled, "moped-preview");
  gtk_widget_set_overflow (scrolled, GTK_OVERFLOW_HIDDEN);
  update_preview (self);
  return scrolled;
}

/* ---- problems ----------------------------------------------------------------------------------- */

static void
problem_activated_cb (GtkListBox          *list,
                      GtkListBoxRow       *row,
                      MopedProtocolEditor *self)
{
  const char *id = g_object_get_data (G_OBJECT (row), "moped-element-id");
  MopedElement *element = id ? moped_design_lookup (self->design, id) : NULL;
  MopedKind kind;

  if (element == NULL)
    return;
  kind = moped_element_get_kind (element);
  if (kind == MOPED_KIND_PROTOCOL || kind == MOPED_KIND_COMMAND || kind == MOPED_KIND_FIELD ||
      kind == MOPED_KIND_FLOW || kind == MOPED_KIND_STEP)
    moped_protocol_editor_reveal (self, id);
  else
    g_signal_emit (self, signals[ELEMENT_ACTIVATED], 0, id);
}

/* Fills @list with the diagnostics about @element or its children of @child_kind that
 * no field under @inline_root already shows; returns how many. */
static guint
fill_problems (MopedProtocolEditor *self,
               GtkWidget           *list,
               MopedElement        *element,
               MopedKind            child_kind,
               GtkWidget           *inline_root,
               const char          *empty_text)
{
  GtkWidget *child;
  guint shown = 0;

  while ((child = gtk_widget_get_first_child (list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (list), child);
  for (guint i = 0; self->diagnostics != NULL && i < self->diagnostics->len; i++)
    {
      const MopedDiagnostic *d = g_ptr_array_index (self->diagnostics, i);
      GtkWidget *row;

      if (!diagnostic_concerns_tree (d, element, child_kind) ||
          (inline_root != NULL && moped_inspector_shown_inline (inline_root, d)))
        continue;
      row = gtk_list_box_row_new ();
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), moped_inspector_problem_row_new (d));
      g_object_set_data_full (G_OBJECT (row), "moped-element-id",
                              g_strdup (d->element_ids ? d->element_ids[0] : NULL), g_free);
      moped_inspector_set_accessible_label (row, d->message);
      gtk_list_box_append (GTK_LIST_BOX (list), row);
      shown++;
    }
  if (shown == 0 && empty_text != NULL)
    {
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *label = gtk_label_new (self->diagnostics ? empty_text : "Not checked yet.");

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_widget_set_focusable (row, FALSE);
      gtk_widget_add_css_class (row, "moped-empty-row");
      gtk_list_box_append (GTK_LIST_BOX (list), row);
    }
  return shown;
}

static GtkWidget *
problem_list_new (MopedProtocolEditor *self,
                  const char          *name)
{
  GtkWidget *list = gtk_list_box_new ();

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "moped-boxed-list");
  gtk_widget_set_overflow (list, GTK_OVERFLOW_HIDDEN);
  moped_inspector_set_accessible_label (list, name);
  g_signal_connect_object (list, "row-activated", G_CALLBACK (problem_activated_cb), self, 0);
  return list;
}

static void
update_flow_problems (MopedProtocolEditor *self)
{
  MopedElement *flow = current_flow (self);

  if (self->flow_problem_list != NULL && flow != NULL)
    fill_problems (self, self->flow_problem_list, flow, MOPED_KIND_STEP, NULL, "No problems in this flow.");
}

/* A command's problems that its fields do not show inline ("not used by any flow"). */
static void
update_command_problems (MopedProtocolEditor *self)
{
  MopedElement *command = current_command (self);
  GtkWidget *box;
  GtkWidget *content;

  if (self->command_problem_list == NULL || command == NULL)
    return;
  box = gtk_widget_get_parent (self->command_problem_list);
  content = gtk_widget_get_parent (box);
  gtk_widget_set_visible (box, fill_problems (self, self->command_problem_list, command, MOPED_KIND_FIELD,
                                              content, NULL) > 0);
}

/* ---- details --------------------------------------------------------------------------------- */

static GtkWidget *
problems_section_new (MopedProtocolEditor *self,
                      GtkWidget           *list)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

  gtk_box_append (GTK_BOX (box), moped_inspector_heading_new ("Problems", NULL));
  gtk_box_append (GTK_BOX (box), list);
  return box;
}

static void
build_command_details (MopedProtocolEditor *self)
{
  MopedElement *command = current_command (self);
  GtkWidget *content = page_content_new ();

  self->command_problem_list = NULL;
  if (command == NULL)
    gtk_box_append (GTK_BOX (content),
                    status_new ("No commands yet",
                                "A command is one kind of message of this protocol: its name, "
                                "which node sends it and the fields it carries.",
                                action_button_new ("list-add-symbolic", "Add Command", "Add command",
                                                   "protocol.add-command")));
  else
    {
      const char *ids[] = { moped_element_get_id (command), NULL };
      g_autofree char *title = moped_inspector_describe_element (command);

      gtk_box_append (GTK_BOX (content), title_new (title));
      g_object_set_data_full (G_OBJECT (content), "moped-title-id", g_strdup (moped_element_get_id (command)), g_free);
      self->command_problem_list = problem_list_new (self, "Problems of this command");
      gtk_box_append (GTK_BOX (content), problems_section_new (self, self->command_problem_list));
      gtk_box_append (GTK_BOX (content), moped_inspector_form_new (self->design, ids, 2, 0));
      gtk_box_append (GTK_BOX (content),
                      moped_inspector_child_list_new (self->design, ids[0], MOPED_KIND_FIELD, "Fields"));
    }
  moped_inspector_set_page (GTK_SCROLLED_WINDOW (self->command_details), content);
  moped_inspector_apply_diagnostics (content, self->diagnostics);
  update_command_problems (self);
}

static GtkWidget *
steps_section_new (MopedProtocolEditor *self,
                   MopedElement        *flow)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *add = action_button_new ("list-add-symbolic", "Add", "Add step", "protocol.add-step");
  GtkWidget *choice = action_button_new ("view-dual-symbolic", "Choice", "Add choice (Ctrl+Shift+C)",
                                         "protocol.add-choice");
  GtkWidget *loop = action_button_new ("view-refresh-symbolic", "Loop", "Add loop (Ctrl+Shift+L)",
                                       "protocol.add-loop");

  /* Blocks go into the block the keyboard is on, like new steps. */
  gtk_widget_add_css_class (add, "flat");
  gtk_widget_add_css_class (choice, "flat");
  gtk_widget_add_css_class (loop, "flat");
  gtk_box_append (GTK_BOX (buttons), choice);
  gtk_box_append (GTK_BOX (buttons), loop);
  gtk_box_append (GTK_BOX (buttons), add);
  self->steps = moped_protocol_steps_new (self->design, moped_element_get_id (flow));
  gtk_box_append (GTK_BOX (box), moped_inspector_heading_new ("Steps", buttons));
  gtk_box_append (GTK_BOX (box), self->steps);
  return box;
}

static void
build_flow_details (MopedProtocolEditor *self)
{
  MopedElement *flow = current_flow (self);
  GtkWidget *content = page_content_new ();

  self->steps = NULL;
  self->preview = NULL;
  self->flow_problem_list = NULL;
  g_clear_pointer (&self->sequence, moped_sequence_diagram_free);
  if (flow == NULL)
    gtk_box_append (GTK_BOX (content),
                    status_new ("No flows yet",
                                "A flow is one conversation: the commands the nodes send each other, in order.",
                                action_button_new ("list-add-symbolic", "Add Flow", "Add flow", "protocol.add-flow")));
  else
    {
      const char *ids[] = { moped_element_get_id (flow), NULL };
      g_autofree char *title = moped_inspector_describe_element (flow);
      GtkWidget *preview_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

      gtk_box_append (GTK_BOX (content), title_new (title));
      g_object_set_data_full (G_OBJECT (content), "moped-title-id", g_strdup (moped_element_get_id (flow)), g_free);
      gtk_box_append (GTK_BOX (content), moped_inspector_form_new (self->design, ids, 2, 0));
      gtk_box_append (GTK_BOX (content), steps_section_new (self, flow));
      gtk_box_append (GTK_BOX (preview_box), moped_inspector_heading_new ("Sequence diagram", NULL));
      gtk_box_append (GTK_BOX (preview_box), preview_new (self));
      gtk_box_append (GTK_BOX (content), preview_box);
      self->flow_problem_list = problem_list_new (self, "Problems in this flow");
      gtk_box_append (GTK_BOX (content), problems_section_new (self, self->flow_problem_list));
    }
  moped_inspector_set_page (GTK_SCROLLED_WINDOW (self->flow_details), content);
  moped_inspector_apply_diagnostics (content, self->diagnostics);
  if (self->steps != NULL)
    moped_protocol_steps_set_diagnostics (MOPED_PROTOCOL_STEPS (self->steps), self->diagnostics);
  update_flow_problems (self);
}

static GtkWidget *
master_detail_new (GtkWidget *sidebar,
                   GtkWidget *details)
{
  GtkWidget *paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);

  gtk_paned_set_start_child (GTK_PANED (paned), sidebar);
  gtk_paned_set_end_child (GTK_PANED (paned), details);
  gtk_paned_set_resize_start_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_shrink_start_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_shrink_end_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_position (GTK_PANED (paned), 180);
  return paned;
}

static void
link_activated_cb (GtkListBox          *list,
                   GtkListBoxRow       *row,
                   MopedProtocolEditor *self)
{
  const char *id = g_object_get_data (G_OBJECT (row), "moped-element-id");

  if (id != NULL)
    g_signal_emit (self, signals[ELEMENT_ACTIVATED], 0, id);
}

/* The links that carry the protocol; activating one shows it on the canvas. */
static void
update_links (MopedProtocolEditor *self)
{
  MopedElement *protocol = current_protocol (self);
  g_autoptr(GPtrArray) links = NULL;
  GtkWidget *child;
  guint shown = 0;

  if (self->link_list == NULL || protocol == NULL)
    return;
  while ((child = gtk_widget_get_first_child (self->link_list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->link_list), child);
  links = moped_design_collect (self->design, MOPED_KIND_LINK);
  for (guint i = 0; i < links->len; i++)
    {
      MopedElement *link = g_ptr_array_index (links, i);
      g_autofree char *what = NULL;
      g_autofree char *text = NULL;
      const char *endpoint;
      GtkWidget *row, *label;

      if (moped_element_get_ref (link, MOPED_PROP_PROTOCOL) != protocol)
        continue;
      what = moped_inspector_describe_element (link);
      endpoint = moped_element_get_string (link, MOPED_PROP_ENDPOINT);
      text = *endpoint ? g_strdup_printf ("%s  ·  %s", what, endpoint) : g_strdup (what);
      label = gtk_label_new (text);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      row = gtk_list_box_row_new ();
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
      gtk_widget_set_tooltip_text (row, "Show on the diagram");
      g_object_set_data_full (G_OBJECT (row), "moped-element-id", g_strdup (moped_element_get_id (link)), g_free);
      moped_inspector_set_accessible_label (row, what);
      gtk_list_box_append (GTK_LIST_BOX (self->link_list), row);
      shown++;
    }
  if (shown == 0)
    {
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *label = gtk_label_new ("No link carries this protocol yet. Choose it as the protocol of a link "
                                        "in the inspector.");

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_widget_set_focusable (row, FALSE);
      gtk_widget_add_css_class (row, "moped-empty-row");
      gtk_list_box_append (GTK_LIST_BOX (self->link_list), row);
    }
}

static GtkWidget *
overview_new (MopedProtocolEditor *self,
              MopedElement        *protocol)
{
  const char *ids[] = { moped_element_get_id (protocol), NULL };
  GtkWidget *content = page_content_new ();
  GtkWidget *links_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  g_autofree char *title = moped_inspector_describe_element (protocol);

  gtk_box_append (GTK_BOX (content), title_new (title));
  g_object_set_data_full (G_OBJECT (content), "moped-title-id", g_strdup (moped_element_get_id (protocol)), g_free);
  gtk_box_append (GTK_BOX (content), moped_inspector_form_new (self->design, ids, 2, 0));
  /* The parts nodes play; commands name their sender role, link ends the role they play. */
  gtk_box_append (GTK_BOX (content),
                  moped_inspector_child_list_new (self->design, ids[0], MOPED_KIND_ROLE, "Roles"));

  self->link_list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->link_list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (self->link_list, "moped-boxed-list");
  gtk_widget_set_overflow (self->link_list, GTK_OVERFLOW_HIDDEN);
  moped_inspector_set_accessible_label (self->link_list, "Links carrying this protocol");
  g_signal_connect_object (self->link_list, "row-activated", G_CALLBACK (link_activated_cb), self, 0);
  gtk_box_append (GTK_BOX (links_box), moped_inspector_heading_new ("Carried by", NULL));
  gtk_box_append (GTK_BOX (links_box), self->link_list);
  gtk_box_append (GTK_BOX (content), links_box);
  update_links (self);
  return scrolled_page_new (content);
}

/* ---- the toolbar ---------------------------------------------------------------------------- */

static void
protocol_chosen_cb (GtkDropDown         *drop_down,
                    GParamSpec          *pspec,
                    MopedProtocolEditor *self)
{
  guint selected = gtk_drop_down_get_selected (drop_down);

  if (self->building || self->protocol_ids == NULL || selected >= g_strv_length (self->protocol_ids))
    return;
  if (g_strcmp0 (self->protocol_ids[selected], self->protocol_id) == 0)
    return;
  g_free (self->protocol_id);
  self->protocol_id = g_strdup (self->protocol_ids[selected]);
  moped_inspector_schedule (&self->rebuild_source, rebuild_idle_cb, self);
}

static void
update_protocol_names (MopedProtocolEditor *self)
{
  GtkStringList *names;

  if (self->protocol_drop_down == NULL)
    return;
  names = GTK_STRING_LIST (gtk_drop_down_get_model (GTK_DROP_DOWN (self->protocol_drop_down)));
  self->building = TRUE;
  for (guint i = 0; self->protocol_ids[i] != NULL; i++)
    {
      MopedElement *protocol = moped_design_lookup (self->design, self->protocol_ids[i]);
      g_autofree char *name = protocol ? moped_inspector_describe_element (protocol) : NULL;
      const char *replacement[] = { name, NULL };

      if (name != NULL && g_strcmp0 (gtk_string_list_get_string (names, i), name) != 0)
        gtk_string_list_splice (names, i, 1, replacement);
      if (g_strcmp0 (self->protocol_ids[i], self->protocol_id) == 0 &&
          gtk_drop_down_get_selected (GTK_DROP_DOWN (self->protocol_drop_down)) != i)
        gtk_drop_down_set_selected (GTK_DROP_DOWN (self->protocol_drop_down), i);
    }
  self->building = FALSE;
}

static void
page_changed_cb (GtkStack            *stack,
                 GParamSpec          *pspec,
                 MopedProtocolEditor *self)
{
  const char *name = gtk_stack_get_visible_child_name (stack);

  if (!self->building && name != NULL)
    {
      g_free (self->page);
      self->page = g_strdup (name);
    }
}

static GtkWidget *
toolbar_new (MopedProtocolEditor *self,
             GtkWidget           *switcher)
{
  g_autoptr(GPtrArray) protocols = moped_design_collect (self->design, MOPED_KIND_PROTOCOL);
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  GtkStringList *names = gtk_string_list_new (NULL);
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new ("Protocol");
  GtkWidget *spacer = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

  for (guint i = 0; i < protocols->len; i++)
    {
      MopedElement *protocol = g_ptr_array_index (protocols, i);
      g_autofree char *name = moped_inspector_describe_element (protocol);

      gtk_string_list_append (names, name);
      g_strv_builder_add (ids, moped_element_get_id (protocol));
    }
  g_strfreev (self->protocol_ids);
  self->protocol_ids = g_strv_builder_end (ids);

  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (GTK_BOX (bar), label);
  self->protocol_drop_down = gtk_drop_down_new (G_LIST_MODEL (names), NULL);
  gtk_widget_set_size_request (self->protocol_drop_down, 200, -1);
  moped_inspector_set_drop_down_label (self->protocol_drop_down, "Protocol");
  gtk_widget_set_sensitive (self->protocol_drop_down, protocols->len > 0);
  g_signal_connect_object (self->protocol_drop_down, "notify::selected", G_CALLBACK (protocol_chosen_cb), self, 0);
  gtk_box_append (GTK_BOX (bar), self->protocol_drop_down);
  gtk_box_append (GTK_BOX (bar), action_button_new ("list-add-symbolic", NULL, "Add protocol",
                                                    "protocol.add-protocol"));
  gtk_box_append (GTK_BOX (bar), action_button_new ("user-trash-symbolic", NULL, "Remove protocol",
                                                    "protocol.remove-protocol"));
  gtk_widget_set_hexpand (spacer, TRUE);
  gtk_box_append (GTK_BOX (bar), spacer);
  if (switcher != NULL)
    gtk_box_append (GTK_BOX (bar), switcher);
  gtk_widget_add_css_class (bar, "moped-editor-toolbar");
  update_protocol_names (self);
  return bar;
}

/* ---- the whole editor -------------------------------------------------------------------------- */

static void
update_actions (MopedProtocolEditor *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean have_protocol = current_protocol (self) != NULL;
  gboolean have_flow = current_flow (self) != NULL;

  gtk_widget_action_set_enabled (widget, "protocol.add-protocol", self->design != NULL);
  gtk_widget_action_set_enabled (widget, "protocol.remove-protocol", have_protocol);
  gtk_widget_action_set_enabled (widget, "protocol.add-command", have_protocol);
  gtk_widget_action_set_enabled (widget, "protocol.remove-command", current_command (self) != NULL);
  gtk_widget_action_set_enabled (widget, "protocol.add-flow", have_protocol);
  gtk_widget_action_set_enabled (widget, "protocol.remove-flow", have_flow);
  gtk_widget_action_set_enabled (widget, "protocol.add-step", have_flow);
  gtk_widget_action_set_enabled (widget, "protocol.add-choice", have_flow);
  gtk_widget_action_set_enabled (widget, "protocol.add-loop", have_flow);
  gtk_widget_action_set_enabled (widget, "protocol.move-step-up", have_flow);
  gtk_widget_action_set_enabled (widget, "protocol.move-step-down", have_flow);
}

static void
rebuild (MopedProtocolEditor *self)
{
  g_autofree char *focus = self->box ? moped_inspector_remember_focus (self->box) : NULL;
  MopedElement *protocol;
  GtkWidget *switcher = NULL;

  g_clear_handle_id (&self->rebuild_source, g_source_remove);
  self->building = TRUE;
  g_clear_pointer (&self->box, gtk_widget_unparent);
  self->protocol_drop_down = NULL;
  self->stack = NULL;
  self->command_list = self->flow_list = NULL;
  self->command_details = self->flow_details = NULL;
  self->steps = self->preview = self->flow_problem_list = NULL;
  self->command_problem_list = self->link_list = NULL;

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  if (self->design == NULL)
    {
      gtk_box_append (GTK_BOX (self->box), status_new ("No design", "Open or create a design to edit its protocols.",
                                                       NULL));
      self->building = FALSE;
      update_actions (self);
      return;
    }

  settle_selection (self);
  protocol = current_protocol (self);
  if (protocol == NULL)
    {
      gtk_box_append (GTK_BOX (self->box), toolbar_new (self, NULL));
      gtk_box_append (GTK_BOX (self->box),
                      status_new ("No protocols yet",
                                  "A protocol is what the nodes say to each other over a link: "
                                  "its commands, and the flows in which they are sent.",
                                  action_button_new ("list-add-symbolic", "Add Protocol", "Add protocol",
                                                     "protocol.add-protocol")));
    }
  else
    {
      self->stack = gtk_stack_new ();
      gtk_stack_set_transition_type (GTK_STACK (self->stack), GTK_STACK_TRANSITION_TYPE_NONE);
      gtk_widget_set_vexpand (self->stack, TRUE);
      switcher = gtk_stack_switcher_new ();
      gtk_stack_switcher_set_stack (GTK_STACK_SWITCHER (switcher), GTK_STACK (self->stack));
      moped_inspector_set_accessible_label (switcher, "Protocol pages");
      gtk_box_append (GTK_BOX (self->box), toolbar_new (self, switcher));

      gtk_stack_add_titled (GTK_STACK (self->stack), overview_new (self, protocol), "overview", "Overview");

      self->command_details = scrolled_page_new (page_content_new ());
      gtk_stack_add_titled (GTK_STACK (self->stack),
                            master_detail_new (sidebar_new (self, MOPED_KIND_COMMAND, &self->command_list),
                                               self->command_details),
                            "commands", "Commands");
      self->flow_details = scrolled_page_new (page_content_new ());
      gtk_stack_add_titled (GTK_STACK (self->stack),
                            master_detail_new (sidebar_new (self, MOPED_KIND_FLOW, &self->flow_list),
                                               self->flow_details),
                            "flows", "Flows");
      gtk_stack_set_visible_child_name (GTK_STACK (self->stack), self->page);
      g_signal_connect_object (self->stack, "notify::visible-child-name", G_CALLBACK (page_changed_cb), self, 0);
      gtk_box_append (GTK_BOX (self->box), self->stack);
      build_command_details (self);
      build_flow_details (self);
      moped_inspector_apply_diagnostics (self->stack, self->diagnostics);
    }
  g_free (self->signature);
  self->signature = editor_signature (self);
  self->building = FALSE;
  update_actions (self);
  moped_inspector_restore_focus (self->box, focus);
}

static gboolean
rebuild_idle_cb (gpointer data)
{
  MopedProtocolEditor *self = data;

  self->rebuild_source = 0;
  rebuild (self);
  return G_SOURCE_REMOVE;
}

static void
update_titles (GtkWidget    *details,
               MopedDesign  *design)
{
  GtkWidget *content;
  GtkWidget *title;
  const char *id;
  MopedElement *element;
  g_autofree char *text = NULL;

  if (details == NULL)
    return;
  content = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (details));
  if (GTK_IS_VIEWPORT (content))
    content = gtk_viewport_get_child (GTK_VIEWPORT (content));
  id = content ? g_object_get_data (G_OBJECT (content), "moped-title-id") : NULL;
  element = id ? moped_design_lookup (design, id) : NULL;
  title = content ? gtk_widget_get_first_child (content) : NULL;
  if (element == NULL || !GTK_IS_LABEL (title))
    return;
  text = moped_inspector_describe_element (element);
  if (g_strcmp0 (gtk_label_get_text (GTK_LABEL (title)), text) != 0)
    gtk_label_set_text (GTK_LABEL (title), text);
}

static void
design_changed_cb (MopedDesign         *design,
                   const GArray        *changes,
                   MopedProtocolEditor *self)
{
  g_autofree char *signature = editor_signature (self);

  if (g_strcmp0 (signature, self->signature) != 0)
    {
      moped_inspector_schedule (&self->rebuild_source, rebuild_idle_cb, self);
      return;
    }
  update_protocol_names (self);
  update_sidebars (self);
  update_titles (self->command_details, design);
  update_titles (self->flow_details, design);
  if (self->stack != NULL)
    update_titles (gtk_stack_get_child_by_name (GTK_STACK (self->stack), "overview"), design);
  update_links (self);
  update_preview (self);
}

/* ---- actions ------------------------------------------------------------------------------ */

static MopedElement *
add_named (MopedProtocolEditor *self,
           MopedElement        *parent,
           MopedKind            kind,
           const char          *label)
{
  g_autofree char *name = moped_inspector_unique_name (parent, kind);
  MopedElement *element;

  moped_design_begin (self->design, label);
  element = moped_design_add (self->design, parent, kind, -1, NULL);
  moped_design_set_string (self->design, element, MOPED_PROP_NAME, name);
  moped_design_end (self->design);
  return element;
}

static void
focus_name_later (MopedProtocolEditor *self,
                  MopedElement        *element)
{
  g_autofree char *key = moped_inspector_field_focus_key (moped_element_get_id (element), MOPED_PROP_NAME);

  rebuild (self);
  moped_inspector_restore_focus (self->box, key);
}

static void
add_protocol_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  MopedProtocolEditor *self = MOPED_PROTOCOL_EDITOR (widget);
  MopedElement *protocol = add_named (self, moped_design_get_root (self->design), MOPED_KIND_PROTOCOL,
                                      "Add protocol");

  g_free (self->protocol_id);
  self->protocol_id = g_strdup (moped_element_get_id (protocol));
  g_free (self->page);
  self->page = g_strdup ("overview");
  focus_name_later (self, protocol);
}

static void
remove_current (MopedProtocolEditor *self,
                MopedElement        *element)
{
  if (element != NULL)
    moped_design_remove (self->design, element);
}

static void
remove_protocol_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  remove_current (MOPED_PROTOCOL_EDITOR (widget), current_protocol (MOPED_PROTOCOL_EDITOR (widget)));
}

static void
add_command_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  MopedProtocolEditor *self = MOPED_PROTOCOL_EDITOR (widget);
  MopedElement *command;

  if (current_protocol (self) == NULL)
    return;
  command = add_named (self, current_protocol (self), MOPED_KIND_COMMAND, "Add command");
  g_free (self->command_id);
  self->command_id = g_strdup (moped_element_get_id (command));
  g_free (self->page);
  self->page = g_strdup ("commands");
  focus_name_later (self, command);
}

static void
remove_command_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  remove_current (MOPED_PROTOCOL_EDITOR (widget), current_command (MOPED_PROTOCOL_EDITOR (widget)));
}

static void
add_flow_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  MopedProtocolEditor *self = MOPED_PROTOCOL_EDITOR (widget);
  MopedElement *flow;

  if (current_protocol (self) == NULL)
    return;
  flow = add_named (self, current_protocol (self), MOPED_KIND_FLOW, "Add flow");
  g_free (self->flow_id);
  self->flow_id = g_strdup (moped_element_get_id (flow));
  g_free (self->page);
  self->page = g_strdup ("flows");
  focus_name_later (self, flow);
}

static void
remove_flow_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  remove_current (MOPED_PROTOCOL_EDITOR (widget), current_flow (MOPED_PROTOCOL_EDITOR (widget)));
}

static void
add_step_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  MopedProtocolEditor *self = MOPED_PROTOCOL_EDITOR (widget);

  if (self->steps != NULL)
    moped_protocol_steps_add (MOPED_PROTOCOL_STEPS (self->steps));
}

static void
add_block_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  MopedProtocolEditor *self = MOPED_PROTOCOL_EDITOR (widget);

  if (self->steps != NULL)
    moped_protocol_steps_add_block (MOPED_PROTOCOL_STEPS (self->steps),
                                    g_str_equal (action_name, "protocol.add-choice") ? MOPED_BLOCK_CHOICE
                                                                                     : MOPED_BLOCK_LOOP);
}

static void
move_step_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  MopedProtocolEditor *self = MOPED_PROTOCOL_EDITOR (widget);
  int delta = g_str_equal (action_name, "protocol.move-step-up") ? -1 : 1;
  const char *id;
  MopedElement *step;
  int index;

  if (self->steps == NULL)
    return;
  /* Alt+Up in the flow's description is not meant for the steps. */
  {
    GtkRoot *root = gtk_widget_get_root (widget);
    GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;

    if (focus != NULL && gtk_widget_is_ancestor (focus, widget) && !gtk_widget_is_ancestor (focus, self->steps))
      return;
  }
  id = moped_protocol_steps_get_current (MOPED_PROTOCOL_STEPS (self->steps));
  step = id ? moped_design_lookup (self->design, id) : NULL;
  if (step == NULL)
    return;
  index = moped_element_get_index (step) + delta;
  if (index >= 0)
    moped_protocol_steps_move_to (MOPED_PROTOCOL_STEPS (self->steps), id, (guint) index);
}

/* ---- GObject ------------------------------------------------------------------------------- */

static void
moped_protocol_editor_dispose (GObject *object)
{
  MopedProtocolEditor *self = (MopedProtocolEditor *) object;

  g_clear_handle_id (&self->rebuild_source, g_source_remove);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  if (self->design != NULL)
    g_signal_handlers_disconnect_by_data (self->design, self);
  g_clear_object (&self->design);
  g_clear_pointer (&self->diagnostics, g_ptr_array_unref);
  g_clear_pointer (&self->sequence, moped_sequence_diagram_free);

  G_OBJECT_CLASS (moped_protocol_editor_parent_class)->dispose (object);
}

static void
moped_protocol_editor_finalize (GObject *object)
{
  MopedProtocolEditor *self = (MopedProtocolEditor *) object;

  g_free (self->protocol_id);
  g_free (self->command_id);
  g_free (self->flow_id);
  g_free (self->page);
  g_free (self->signature);
  g_strfreev (self->protocol_ids);

  G_OBJECT_CLASS (moped_protocol_editor_parent_class)->finalize (object);
}

static void
moped_protocol_editor_root (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (moped_protocol_editor_parent_class)->root (widget);
  moped_inspector_ensure_style (widget);
}

static void
moped_protocol_editor_class_init (MopedProtocolEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = moped_protocol_editor_dispose;
  object_class->finalize = moped_protocol_editor_finalize;
  widget_class->root = moped_protocol_editor_root;

  signals[ELEMENT_ACTIVATED] =
    g_signal_new ("element-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_install_action (widget_class, "protocol.add-protocol", NULL, add_protocol_action);
  gtk_widget_class_install_action (widget_class, "protocol.remove-protocol", NULL, remove_protocol_action);
  gtk_widget_class_install_action (widget_class, "protocol.add-command", NULL, add_command_action);
  gtk_widget_class_install_action (widget_class, "protocol.remove-command", NULL, remove_command_action);
  gtk_widget_class_install_action (widget_class, "protocol.add-flow", NULL, add_flow_action);
  gtk_widget_class_install_action (widget_class, "protocol.remove-flow", NULL, remove_flow_action);
  gtk_widget_class_install_action (widget_class, "protocol.add-step", NULL, add_step_action);
  gtk_widget_class_install_action (widget_class, "protocol.add-choice", NULL, add_block_action);
  gtk_widget_class_install_action (widget_class, "protocol.add-loop", NULL, add_block_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_C, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "protocol.add-choice", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_L, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "protocol.add-loop", NULL);
  gtk_widget_class_install_action (widget_class, "protocol.move-step-up", NULL, move_step_action);
  gtk_widget_class_install_action (widget_class, "protocol.move-step-down", NULL, move_step_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK, "protocol.move-step-up", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_ALT_MASK, "protocol.move-step-down", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "mopedprotocoleditor");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
moped_protocol_editor_init (MopedProtocolEditor *self)
{
  self->page = g_strdup ("commands");
  moped_inspector_set_accessible_label (GTK_WIDGET (self), "Protocol editor");
  rebuild (self);
}

/* ---- public API ------------------------------------------------------------------------------ */

GtkWidget *
moped_protocol_editor_new (void)
{
  return g_object_new (MOPED_TYPE_PROTOCOL_EDITOR, NULL);
}

void
moped_protocol_editor_set_design (MopedProtocolEditor *self,
                                  MopedDesign         *design)
{
  g_return_if_fail (MOPED_IS_PROTOCOL_EDITOR (self));
  g_return_if_fail (design == NULL || MOPED_IS_DESIGN (design));

  if (self->design == design)
    return;
  if (self->design != NULL)
    g_signal_handlers_disconnect_by_data (self->design, self);
  g_set_object (&self->design, design);
  if (design != NULL)
    g_signal_connect (design, "changed", G_CALLBACK (design_changed_cb), self);
  g_clear_pointer (&self->protocol_id, g_free);
  g_clear_pointer (&self->command_id, g_free);
  g_clear_pointer (&self->flow_id, g_free);
  g_clear_pointer (&self->diagnostics, g_ptr_array_unref);
  rebuild (self);
}

void
moped_protocol_editor_set_diagnostics (MopedProtocolEditor *self,
                                       GPtrArray           *diagnostics)
{
  g_return_if_fail (MOPED_IS_PROTOCOL_EDITOR (self));

  if (diagnostics != NULL)
    g_ptr_array_ref (diagnostics);
  g_clear_pointer (&self->diagnostics, g_ptr_array_unref);
  self->diagnostics = diagnostics;
  if (self->stack != NULL)
    moped_inspector_apply_diagnostics (self->stack, diagnostics);
  if (self->steps != NULL)
    moped_protocol_steps_set_diagnostics (MOPED_PROTOCOL_STEPS (self->steps), diagnostics);
  update_sidebars (self);
  update_flow_problems (self);
  update_command_problems (self);
}

void
moped_protocol_editor_reveal (MopedProtocolEditor *self,
                              const char          *id)
{
  MopedElement *element;
  MopedElement *protocol;
  const char *page;
  g_autofree char *focus = NULL;

  g_return_if_fail (MOPED_IS_PROTOCOL_EDITOR (self));
  g_return_if_fail (id != NULL);

  element = self->design ? moped_design_lookup (self->design, id) : NULL;
  protocol = element ? (moped_element_get_kind (element) == MOPED_KIND_PROTOCOL
                        ? element : moped_element_get_ancestor (element, MOPED_KIND_PROTOCOL)) : NULL;
  if (protocol == NULL)
    return;
  g_free (self->protocol_id);
  self->protocol_id = g_strdup (moped_element_get_id (protocol));

  switch (moped_element_get_kind (element))
    {
    case MOPED_KIND_COMMAND:
    case MOPED_KIND_FIELD:
      {
        MopedElement *command = moped_element_get_kind (element) == MOPED_KIND_COMMAND
                                ? element : moped_element_get_parent (element);

        g_free (self->command_id);
        self->command_id = g_strdup (moped_element_get_id (command));
        page = "commands";
        focus = moped_inspector_field_focus_key (id, MOPED_PROP_NAME);
      }
      break;
    case MOPED_KIND_FLOW:
    case MOPED_KIND_STEP:
      {
        MopedElement *flow = moped_element_get_kind (element) == MOPED_KIND_FLOW
                             ? element : moped_element_get_parent (element);

        g_free (self->flow_id);
        self->flow_id = g_strdup (moped_element_get_id (flow));
        page = "flows";
        if (moped_element_get_kind (element) == MOPED_KIND_FLOW)
          focus = moped_inspector_field_focus_key (id, MOPED_PROP_NAME);
      }
      break;
    case MOPED_KIND_PROTOCOL:
    case MOPED_KIND_DESIGN:
    case MOPED_KIND_NODE:
    case MOPED_KIND_SOCKET:
    case MOPED_KIND_METHOD:
    case MOPED_KIND_PARAM:
    case MOPED_KIND_LINK:
    case MOPED_KIND_REQUIREMENT:
    case MOPED_KIND_NOTE:
    case MOPED_N_KINDS:
    default:
      page = "overview";
      break;
    }
  g_free (self->page);
  self->page = g_strdup (page);
  rebuild (self);
  if (moped_element_get_kind (element) == MOPED_KIND_STEP && self->steps != NULL)
    moped_protocol_steps_reveal (MOPED_PROTOCOL_STEPS (self->steps), id);
  else if (focus != NULL)
    moped_inspector_restore_focus (self->box, focus);
}
