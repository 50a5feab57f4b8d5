/* moped-inspector-util.c: small pieces the inspector and the protocol editor share: names, problem rows, style.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-ui"

#include "config.h"

#include <string.h>

#include "moped-inspector-util.h"
#include "moped-schema.h"

/* Which property each diagnostic code is about (see model/DIAGNOSTICS.md); codes that
 * concern a whole element are shown in the element's problem list instead. */
static const struct
{
  const char *code;
  MopedProp   prop;
} diagnostic_props[] = {
  { "missing-name", MOPED_PROP_NAME },
  { "duplicate-name", MOPED_PROP_NAME },
  { "identifier-collision", MOPED_PROP_NAME },
  { "missing-endpoint", MOPED_PROP_ENDPOINT },
  { "bad-endpoint", MOPED_PROP_ENDPOINT },
  { "transport-not-allowed", MOPED_PROP_ENDPOINT },
  { "ephemeral-endpoint", MOPED_PROP_ENDPOINT },
  { "duplicate-bind", MOPED_PROP_ENDPOINT },
  { "incompatible-sockets", MOPED_PROP_TYPE },
  { "draft-socket-type", MOPED_PROP_TYPE },
  { "both-bind", MOPED_PROP_MODE },
  { "both-connect", MOPED_PROP_MODE },
  { "subscribe-ignored", MOPED_PROP_SUBSCRIBE },
  { "requirement-not-positive", MOPED_PROP_VALUE },
  { "requirement-out-of-range", MOPED_PROP_VALUE },
};

gboolean
moped_inspector_diagnostic_prop (const MopedDiagnostic *diagnostic,
                                 MopedProp             *prop)
{
  g_return_val_if_fail (diagnostic != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (diagnostic_props); i++)
    if (g_strcmp0 (diagnostic->code, diagnostic_props[i].code) == 0)
      {
        *prop = diagnostic_props[i].prop;
        return TRUE;
      }
  return FALSE;
}

gboolean
moped_inspector_diagnostic_concerns (const MopedDiagnostic *diagnostic,
                                     const char            *id)
{
  g_return_val_if_fail (diagnostic != NULL, FALSE);
  return diagnostic->element_ids != NULL && id != NULL &&
         g_strv_contains ((const char * const *) diagnostic->element_ids, id);
}

GtkWidget *
moped_inspector_problem_row_new (const MopedDiagnostic *diagnostic)
{
  static const char * const icons[] = {
    [MOPED_SEVERITY_ERROR] = "dialog-error-symbolic",
    [MOPED_SEVERITY_WARNING] = "dialog-warning-symbolic",
    [MOPED_SEVERITY_INFO] = "dialog-information-symbolic",
  };
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *icon;
  GtkWidget *message;

  g_return_val_if_fail (diagnostic != NULL, NULL);

  icon = gtk_image_new_from_icon_name (icons[diagnostic->severity]);
  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_widget_add_css_class (icon, moped_severity_get_name (diagnostic->severity));
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  moped_severity_get_name (diagnostic->severity), -1);
  gtk_box_append (GTK_BOX (box), icon);

  message = gtk_label_new (diagnostic->message);
  gtk_label_set_xalign (GTK_LABEL (message), 0);
  gtk_label_set_wrap (GTK_LABEL (message), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (message), PANGO_WRAP_WORD_CHAR);
  gtk_box_append (GTK_BOX (texts), message);
  if (diagnostic->hint != NULL && *diagnostic->hint != '\0')
    {
      GtkWidget *hint = gtk_label_new (diagnostic->hint);

      gtk_label_set_xalign (GTK_LABEL (hint), 0);
      gtk_label_set_wrap (GTK_LABEL (hint), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (hint), PANGO_WRAP_WORD_CHAR);
      gtk_widget_add_css_class (hint, "dim-label");
      gtk_widget_add_css_class (hint, "moped-caption");
      gtk_box_append (GTK_BOX (texts), hint);
    }
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_box_append (GTK_BOX (box), texts);
  return box;
}

static char *
element_label (const MopedElement *element)
{
  const char *name = moped_element_get_name (element);

  return g_strdup (*name ? name : moped_element_get_id (element));
}

char *
moped_inspector_describe_element (const MopedElement *element)
{
  g_return_val_if_fail (element != NULL, NULL);

  switch (moped_element_get_kind (element))
    {
    case MOPED_KIND_PARAM:
      {
        MopedElement *method = moped_element_get_parent (element);
        g_autofree char *method_label = method ? moped_inspector_describe_element (method) : g_strdup ("?");
        g_autofree char *own = element_label (element);

        return g_strdup_printf ("%s (%s)", method_label, own);
      }
    case MOPED_KIND_SOCKET:
    case MOPED_KIND_METHOD:
      {
        MopedElement *node = moped_element_get_ancestor (element, MOPED_KIND_NODE);
        g_autofree char *node_label = node ? element_label (node) : g_strdup ("?");
        g_autofree char *own = element_label (element);

        return g_strdup_printf ("%s.%s", node_label, own);
      }
    case MOPED_KIND_LINK:
    case MOPED_KIND_STEP:
      {
        MopedElement *from = moped_element_get_ref (element, MOPED_PROP_FROM);
        MopedElement *to = moped_element_get_ref (element, MOPED_PROP_TO);
        g_autofree char *a = from ? moped_inspector_describe_element (from) : g_strdup ("?");
        g_autofree char *b = to ? moped_inspector_describe_element (to) : g_strdup ("?");

        if (moped_element_get_kind (element) == MOPED_KIND_STEP)
          {
            MopedElement *command = moped_element_get_ref (element, MOPED_PROP_COMMAND);

            return g_strdup_printf ("%s → %s: %s", a, b, command ? moped_element_get_name (command) : "?");
          }
        return g_strdup_printf ("%s → %s", a, b);
      }
    case MOPED_KIND_NOTE:
      {
        const char *text = moped_element_get_string (element, MOPED_PROP_TEXT);
        const char *eol = strchr (text, '\n');
        glong len = eol ? g_utf8_pointer_to_offset (text, eol) : g_utf8_strlen (text, -1);
        g_autofree char *line = g_utf8_substring (text, 0, MIN (len, 40));

        if (*line == '\0')
          return g_strdup ("Note");
        return len > 40 ? g_strdup_printf ("%s…", line) : g_steal_pointer (&line);
      }
    case MOPED_KIND_DESIGN:
      {
        const char *name = moped_element_get_name (element);

        return g_strdup (*name ? name : "Untitled design");
      }
    case MOPED_KIND_NODE:
    case MOPED_KIND_PROTOCOL:
    case MOPED_KIND_COMMAND:
    case MOPED_KIND_FIELD:
    case MOPED_KIND_FLOW:
    case MOPED_KIND_REQUIREMENT:
    case MOPED_N_KINDS:
    default:
      return element_label (element);
    }
}

void
moped_inspector_set_accessible_label (GtkWidget  *widget,
                                      const char *label)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (label != NULL);

  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  /* GTK 4.8 reads a label and a labelled-by relation one after the other ("Open Open"):
   * a button with text of its own is named by @label alone. */
  if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL)
    gtk_accessible_reset_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  g_object_set_data_full (G_OBJECT (widget), "moped-accessible-label", g_strdup (label), g_free);
}

void
moped_inspector_set_drop_down_label (GtkWidget  *drop_down,
                                     const char *label)
{
  GtkWidget *button;

  g_return_if_fail (GTK_IS_DROP_DOWN (drop_down));

  moped_inspector_set_accessible_label (drop_down, label);
  /* GTK 4.8's drop-down puts an unnamed toggle button inside its combo box, which
   * screen readers announce by its type name; give it the same name. */
  button = gtk_widget_get_first_child (drop_down);
  if (GTK_IS_TOGGLE_BUTTON (button))
    gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

const char *
moped_inspector_get_accessible_label (GtkWidget *widget)
{
  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);
  return g_object_get_data (G_OBJECT (widget), "moped-accessible-label");
}

/* Scroll @scrolled so that the focus, when it moves into its page, is in view. GtkViewport
 * does this by itself but follows the focus into the popovers of the page's drop-downs
 * too, which lie outside the page: choosing the lowest item of a type list scrolled
 * the page by a hundred pixels under the pointer. */
static void
focus_changed_cb (GtkRoot           *root,
                  GParamSpec        *pspec,
                  GtkScrolledWindow *scrolled)
{
  GtkWidget *focus = gtk_root_get_focus (root);
  GtkWidget *viewport = gtk_scrolled_window_get_child (scrolled);
  GtkWidget *page = GTK_IS_VIEWPORT (viewport) ? gtk_viewport_get_child (GTK_VIEWPORT (viewport)) : NULL;
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (scrolled);
  graphene_rect_t bounds;
  double value, size;

  if (focus == NULL || page == NULL || gtk_widget_get_root (GTK_WIDGET (scrolled)) != root ||
      !gtk_widget_is_ancestor (focus, page))
    return;
  for (GtkWidget *w = focus; w != page; w = gtk_widget_get_parent (w))
    if (GTK_IS_POPOVER (w))
      return;
  if (!gtk_widget_compute_bounds (focus, page, &bounds))
    return;
  value = gtk_adjustment_get_value (adjustment);
  size = gtk_adjustment_get_page_size (adjustment);
  if (bounds.origin.y < value)
    gtk_adjustment_set_value (adjustment, bounds.origin.y);
  else if (bounds.origin.y + bounds.size.height > value + size)
    gtk_adjustment_set_value (adjustment, MIN (bounds.origin.y, bounds.origin.y + bounds.size.height - size));
}

static void
scrolled_map_cb (GtkScrolledWindow *scrolled)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (scrolled));

  if (root != NULL && g_object_get_data (G_OBJECT (scrolled), "moped-focus-root") != root)
    {
      g_object_set_data (G_OBJECT (scrolled), "moped-focus-root", root);
      g_signal_connect_object (root, "notify::focus-widget", G_CALLBACK (focus_changed_cb), scrolled, 0);
    }
}

void
moped_inspector_set_page (GtkScrolledWindow *scrolled,
                          GtkWidget         *page)
{
  GtkWidget *viewport;

  g_return_if_fail (GTK_IS_SCROLLED_WINDOW (scrolled));

  gtk_scrolled_window_set_child (scrolled, page);
  /* By default a viewport gives its child only its minimum height, which squeezes
   * text views and previews to their smallest; give it its natural height. */
  viewport = gtk_scrolled_window_get_child (scrolled);
  if (GTK_IS_VIEWPORT (viewport))
    {
      gtk_scrollable_set_vscroll_policy (GTK_SCROLLABLE (viewport), GTK_SCROLL_NATURAL);
      gtk_viewport_set_scroll_to_focus (GTK_VIEWPORT (viewport), FALSE);
    }
  if (g_object_get_data (G_OBJECT (scrolled), "moped-follows-focus") == NULL)
    {
      g_object_set_data (G_OBJECT (scrolled), "moped-follows-focus", GINT_TO_POINTER (1));
      g_signal_connect (scrolled, "map", G_CALLBACK (scrolled_map_cb), NULL);
      if (gtk_widget_get_mapped (GTK_WIDGET (scrolled)))
        scrolled_map_cb (scrolled);
    }
}

GtkWidget *
moped_inspector_icon_button_new (const char *icon_name,
                                 const char *label)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, label);
  moped_inspector_set_accessible_label (button, label);
  return button;
}

GtkWidget *
moped_inspector_heading_new (const char *title,
                             GtkWidget  *end)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (title);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (label, "heading");
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LEVEL, 2, -1);
  gtk_box_append (GTK_BOX (box), label);
  if (end != NULL)
    gtk_box_append (GTK_BOX (box), end);
  gtk_widget_add_css_class (box, "moped-section-heading");
  return box;
}

/* Rules as (selector, declarations); every selector is scoped to the inspector and the
 * protocol editor, so the window's own style sheet and these never meet. */
static const char * const style_rules[][2] = {
  { "", "background-color: @theme_bg_color;" },
  { ".moped-boxed-list", "background-color: @theme_base_color; border: 1px solid alpha(@borders, 0.8);"
                         " border-radius: 8px;" },
  { ".moped-boxed-list > row", "padding: 8px 12px; border-bottom: 1px solid alpha(@borders, 0.45);" },
  { ".moped-boxed-list > row:last-child", "border-bottom-width: 0;" },
  { ".moped-boxed-list > row.moped-empty-row", "color: alpha(currentColor, 0.55);" },
  { ".moped-section-heading", "margin-top: 14px; margin-bottom: 2px;" },
  { ".moped-field-heading", "font-size: smaller; font-weight: bold; color: alpha(currentColor, 0.7);" },
  { ".moped-caption", "font-size: smaller;" },
  { ".moped-problem", "font-size: smaller;" },
  { ".moped-problem.error", "color: @error_color;" },
  { "image.error", "color: @error_color;" },
  { ".moped-problem.warning", "color: shade(@warning_color, 0.8);" },
  { "image.warning", "color: shade(@warning_color, 0.9);" },
  { ".moped-text-frame", "border: 1px solid alpha(@borders, 0.9); border-radius: 6px;"
                         " background-color: @theme_base_color;" },
  { ".moped-text-frame:focus-within", "outline: 2px solid alpha(@theme_selected_bg_color, 0.6);"
                                      " outline-offset: -2px;" },
  { ".moped-text-frame > textview", "background-color: transparent;" },
  { ".moped-text-frame > textview > text", "background-color: transparent;" },
  { ".moped-page-title", "font-size: 15pt; font-weight: 800;" },
  { ".moped-page-subtitle", "font-size: smaller; color: alpha(currentColor, 0.6);" },
  { ".moped-editor-toolbar", "padding: 6px 12px; border-bottom: 1px solid alpha(@borders, 0.8);" },
  { ".moped-editor-sidebar", "background-color: @theme_base_color;" },
  { ".moped-editor-sidebar > .moped-editor-sidebar-bar", "padding: 6px; border-top: 1px solid alpha(@borders, 0.6);" },
  { ".moped-preview", "background-color: white; border: 1px solid alpha(@borders, 0.8); border-radius: 8px;" },
  { ".moped-step-index", "font-feature-settings: \"tnum\"; color: alpha(currentColor, 0.6); min-width: 1.5em;" },
  { ".moped-drop-before", "box-shadow: inset 0 2px @theme_selected_bg_color;" },
  { ".moped-drop-after", "box-shadow: inset 0 -2px @theme_selected_bg_color;" },
};

static char *
style_sheet (void)
{
  static const char * const scopes[] = { "mopedinspector", "mopedprotocoleditor" };
  GString *css = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (style_rules); i++)
    {
      for (guint j = 0; j < G_N_ELEMENTS (scopes); j++)
        g_string_append_printf (css, "%s%s%s%s", j ? ", " : "", scopes[j],
                                *style_rules[i][0] ? " " : "", style_rules[i][0]);
      g_string_append_printf (css, " { %s }\n", style_rules[i][1]);
    }
  return g_string_free (css, FALSE);
}

void
moped_inspector_ensure_style (GtkWidget *widget)
{
  GdkDisplay *display = gtk_widget_get_display (widget);
  GtkCssProvider *provider;
  g_autofree char *css = NULL;

  if (g_object_get_data (G_OBJECT (display), "moped-inspector-style") != NULL)
    return;
  css = style_sheet ();
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_data (provider, css, -1);
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_set_data_full (G_OBJECT (display), "moped-inspector-style", provider, g_object_unref);
}

char *
moped_inspector_unique_name (const MopedElement *parent,
                             MopedKind           kind)
{
  g_autoptr(GPtrArray) siblings = NULL;
  const char *base;

  g_return_val_if_fail (parent != NULL, NULL);

  siblings = moped_element_get_children_of_kind (parent, kind);
  base = moped_schema_get_kind (kind)->label;
  for (guint n = siblings->len + 1;; n++)
    {
      g_autofree char *name = g_strdup_printf ("%s %u", base, n);
      gboolean taken = FALSE;

      for (guint i = 0; i < siblings->len && !taken; i++)
        taken = g_strcmp0 (moped_element_get_name (g_ptr_array_index (siblings, i)), name) == 0;
      if (!taken)
        return g_steal_pointer (&name);
    }
}

static gboolean
sibling_has_name (const MopedElement *node,
                  const MopedElement *except,
                  const char         *name)
{
  g_autoptr(GPtrArray) sockets = moped_element_get_children_of_kind (node, MOPED_KIND_SOCKET);

  for (guint i = 0; i < sockets->len; i++)
    if (g_ptr_array_index (sockets, i) != except &&
        g_strcmp0 (moped_element_get_name (g_ptr_array_index (sockets, i)), name) == 0)
      return TRUE;
  return FALSE;
}

char *
moped_inspector_socket_auto_name (const MopedElement *node,
                                  MopedSocketType     type,
                                  const MopedElement *except)
{
  g_autofree char *base = g_ascii_strdown (moped_socket_type_get_name (type), -1);

  g_return_val_if_fail (node != NULL, NULL);

  if (!sibling_has_name (node, except, base))
    return g_steal_pointer (&base);
  for (guint n = 2;; n++)
    {
      char *name = g_strdup_printf ("%s %u", base, n);

      if (!sibling_has_name (node, except, name))
        return name;
      g_free (name);
    }
}

gboolean
moped_inspector_socket_name_is_auto (const MopedElement *socket)
{
  g_autofree char *base = NULL;
  const char *name;
  size_t len;

  g_return_val_if_fail (socket != NULL, FALSE);

  name = moped_element_get_name (socket);
  base = g_ascii_strdown (moped_socket_type_get_name (moped_element_get_enum (socket, MOPED_PROP_TYPE)), -1);
  len = strlen (base);
  if (name == NULL || strncmp (name, base, len) != 0)
    return FALSE;
  if (name[len] == '\0')
    return TRUE;
  /* "dealer 2", "dealer 17" */
  if (name[len] != ' ' || name[len + 1] == '\0')
    return FALSE;
  for (const char *p = name + len + 1; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}
