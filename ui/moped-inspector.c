/* moped-inspector.c: the side panel that edits whatever is selected (design, node, socket, link, note...).
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A page is built for the selection from the schema table (a field per property) plus
 * what a kind needs besides: the design's requirements, a node's public API, the
 * endpoints of a socket's links, a command's fields. The page is rebuilt only when
 * its shape changes (the selection, a socket's links or mode); otherwise fields and
 * child lists follow the design by themselves, so typing never loses the focus.
 */
#define G_LOG_DOMAIN "moped-ui"

#include "config.h"

#include "moped-inspector.h"
#include "moped-inspector-field.h"
#include "moped-inspector-form.h"
#include "moped-schema.h"

struct _MopedInspector
{
  GtkWidget    parent_instance;

  MopedDesign *design;
  GStrv        selection;
  GPtrArray   *diagnostics;

  GtkWidget   *scrolled;
  GtkWidget   *page;
  GtkWidget   *title;
  GtkWidget   *problems;      /* box with a heading and a list, hidden when empty */
  GtkWidget   *problem_list;
  char        *title_id;      /* the element the title names, NULL for fixed titles */
  char        *signature;
  guint        rebuild_source;
};

G_DEFINE_FINAL_TYPE (MopedInspector, moped_inspector, GTK_TYPE_WIDGET)

static void rebuild (MopedInspector *self);

/* ---- what the page shows ------------------------------------------------------------- */

/* The selected elements that still exist. */
static GPtrArray *
selected_elements (MopedInspector *self)
{
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; self->selection != NULL && self->selection[i] != NULL; i++)
    {
      MopedElement *element = moped_design_lookup (self->design, self->selection[i]);

      if (element != NULL)
        g_ptr_array_add (out, element);
    }
  return out;
}

/* The links of a socket, in document order. */
static GPtrArray *
socket_links (MopedInspector *self,
              MopedElement   *socket)
{
  g_autoptr(GPtrArray) links = moped_design_collect (self->design, MOPED_KIND_LINK);
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < links->len; i++)
    {
      MopedElement *link = g_ptr_array_index (links, i);

      if (moped_element_get_ref (link, MOPED_PROP_FROM) == socket ||
          moped_element_get_ref (link, MOPED_PROP_TO) == socket)
        g_ptr_array_add (out, link);
    }
  return out;
}

/* What the page's layout depends on; the page is rebuilt when it changes. */
static char *
page_signature (MopedInspector *self)
{
  g_autoptr(GPtrArray) elements = NULL;
  GString *s = g_string_new (NULL);

  if (self->design == NULL)
    return g_string_free (s, FALSE);
  elements = selected_elements (self);
  for (guint i = 0; i < elements->len; i++)
    g_string_append_printf (s, "%s;", moped_element_get_id (g_ptr_array_index (elements, i)));
  if (elements->len == 1 && moped_element_get_kind (g_ptr_array_index (elements, 0)) == MOPED_KIND_SOCKET)
    {
      MopedElement *socket = g_ptr_array_index (elements, 0);
      g_autoptr(GPtrArray) links = socket_links (self, socket);

      g_string_append_printf (s, "mode=%d;", moped_element_get_enum (socket, MOPED_PROP_MODE));
      for (guint i = 0; i < links->len; i++)
        g_string_append_printf (s, "%s;", moped_element_get_id (g_ptr_array_index (links, i)));
    }
  /* A link's page offers a new protocol only while it has none. */
  if (elements->len == 1 && moped_element_get_kind (g_ptr_array_index (elements, 0)) == MOPED_KIND_LINK)
    g_string_append_printf (s, "protocol=%d;",
                            moped_element_get_ref (g_ptr_array_index (elements, 0), MOPED_PROP_PROTOCOL) != NULL);
  return g_string_free (s, FALSE);
}

/* "nodes", "API methods" */
static char *
kind_plural (MopedKind kind,
             guint     n)
{
  const char *label = moped_schema_get_kind (kind)->label;
  g_autofree char *lower = NULL;

  if (label[0] != '\0' && g_ascii_isupper (label[1]))
    lower = g_strdup (label);
  else
    lower = g_strdup_printf ("%c%s", g_ascii_tolower (label[0]), label + 1);
  return n == 1 ? g_steal_pointer (&lower) : g_strdup_printf ("%ss", lower);
}

/* ---- page parts ------------------------------------------------------------------------ */

static GtkWidget *
header_new (MopedInspector *self,
            const char     *title,
            const char     *subtitle)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *sub = gtk_label_new (subtitle);

  self->title = gtk_label_new (title);
  gtk_label_set_xalign (GTK_LABEL (self->title), 0);
  gtk_label_set_wrap (GTK_LABEL (self->title), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (self->title), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (self->title, "moped-page-title");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->title), GTK_ACCESSIBLE_PROPERTY_LEVEL, 1, -1);
  gtk_label_set_xalign (GTK_LABEL (sub), 0);
  /* Not selectable: GTK 4.8's focus handler of a selectable label that cannot take
   * the focus claims Tab without moving the focus, which traps Tab before the pane. */
  gtk_widget_add_css_class (sub, "moped-page-subtitle");
  gtk_box_append (GTK_BOX (box), self->title);
  gtk_box_append (GTK_BOX (box), sub);
  return box;
}

static GtkWidget *
problems_new (MopedInspector *self)
{
  self->problems = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  self->problem_list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->problem_list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (self->problem_list, "moped-boxed-list");
  gtk_widget_set_overflow (self->problem_list, GTK_OVERFLOW_HIDDEN);
  moped_inspector_set_accessible_label (self->problem_list, "Problems");
  gtk_box_append (GTK_BOX (self->problems), moped_inspector_heading_new ("Problems", NULL));
  gtk_box_append (GTK_BOX (self->problems), self->problem_list);
  gtk_widget_set_visible (self->problems, FALSE);
  return self->problems;
}

static GtkWidget *
section_new (const char *title,
             GtkWidget  *content)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

  gtk_box_append (GTK_BOX (box), moped_inspector_heading_new (title, NULL));
  gtk_box_append (GTK_BOX (box), content);
  return box;
}

static GtkWidget *
dim_label_new (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "dim-label");
  return label;
}

/* The endpoint lives on the link: a bound socket edits the endpoint of all its links
 * at once (one undo step); a connecting socket edits each link's. */
static GtkWidget *
socket_endpoints_new (MopedInspector *self,
                      MopedElement   *socket)
{
  g_autoptr(GPtrArray) links = socket_links (self, socket);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  if (links->len == 0)
    {
      gtk_box_append (GTK_BOX (box),
                      dim_label_new ("Not linked yet. Draw a link from this socket on the canvas to give it an endpoint."));
      return section_new ("Endpoints", box);
    }

  if (moped_element_get_enum (socket, MOPED_PROP_MODE) == MOPED_SOCKET_MODE_BIND)
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) ids = NULL;
      g_autoptr(GString) peers = g_string_new (NULL);
      g_autofree char *label = NULL;
      GtkWidget *field;

      for (guint i = 0; i < links->len; i++)
        {
          MopedElement *link = g_ptr_array_index (links, i);
          MopedElement *from = moped_element_get_ref (link, MOPED_PROP_FROM);
          MopedElement *peer = from == socket ? moped_element_get_ref (link, MOPED_PROP_TO) : from;
          g_autofree char *what = peer ? moped_inspector_describe_element (peer) : g_strdup ("?");

          g_strv_builder_add (builder, moped_element_get_id (link));
          g_string_append_printf (peers, "%s%s", peers->len ? ", " : "", what);
        }
      ids = g_strv_builder_end (builder);
      field = moped_inspector_field_new (self->design, (const char * const *) ids,
                                         MOPED_PROP_ENDPOINT, MOPED_FIELD_LABELLED);
      label = links->len == 1 ? g_strdup ("Binds")
                              : g_strdup_printf ("Binds (all %u links)", links->len);
      moped_inspector_field_set_label (MOPED_INSPECTOR_FIELD (field), label);
      gtk_box_append (GTK_BOX (box), field);
      {
        g_autofree char *text = g_strdup_printf ("Peers connecting here: %s", peers->str);

        gtk_box_append (GTK_BOX (box), dim_label_new (text));
      }
    }
  else
    for (guint i = 0; i < links->len; i++)
      {
        MopedElement *link = g_ptr_array_index (links, i);
        MopedElement *from = moped_element_get_ref (link, MOPED_PROP_FROM);
        MopedElement *peer = from == socket ? moped_element_get_ref (link, MOPED_PROP_TO) : from;
        g_autofree char *what = peer ? moped_inspector_describe_element (peer) : g_strdup ("?");
        g_autofree char *label = g_strdup_printf ("Connects to %s", what);
        const char *ids[] = { moped_element_get_id (link), NULL };
        GtkWidget *field = moped_inspector_field_new (self->design, ids, MOPED_PROP_ENDPOINT,
                                                      MOPED_FIELD_LABELLED);

        moped_inspector_field_set_label (MOPED_INSPECTOR_FIELD (field), label);
        gtk_box_append (GTK_BOX (box), field);
      }
  return section_new ("Endpoints", box);
}

/* A link without a protocol gets a new one on the spot: created, named so no protocol has
 * its name, and chosen for the link, in one undo step. */
static void
new_protocol_clicked_cb (GtkButton      *button,
                         MopedInspector *self)
{
  const char *id = g_object_get_data (G_OBJECT (button), "moped-element-id");
  MopedElement *link = self->design ? moped_design_lookup (self->design, id) : NULL;
  MopedElement *root, *protocol;
  g_autofree char *name = NULL;

  if (link == NULL)
    return;
  root = moped_design_get_root (self->design);
  name = moped_inspector_unique_name (root, MOPED_KIND_PROTOCOL);
  moped_design_begin (self->design, "New protocol");
  protocol = moped_design_add (self->design, root, MOPED_KIND_PROTOCOL, -1, NULL);
  moped_design_set_string (self->design, protocol, MOPED_PROP_NAME, name);
  moped_design_set_ref (self->design, link, MOPED_PROP_PROTOCOL, protocol);
  moped_design_end (self->design);
}

static GtkWidget *
new_protocol_button_new (MopedInspector *self,
                         MopedElement   *link)
{
  GtkWidget *button = gtk_button_new_with_mnemonic ("_New Protocol for This Link");

  gtk_widget_set_halign (button, GTK_ALIGN_START);
  gtk_widget_set_tooltip_text (button, "Create a protocol and let this link carry it");
  moped_inspector_set_accessible_label (button, "New Protocol for This Link");
  g_object_set_data_full (G_OBJECT (button), "moped-element-id", g_strdup (moped_element_get_id (link)), g_free);
  g_signal_connect_object (button, "clicked", G_CALLBACK (new_protocol_clicked_cb), self, 0);
  return button;
}

static void
build_element_page (MopedInspector *self,
                    GtkWidget      *page,
                    MopedElement   *element)
{
  const char *id = moped_element_get_id (element);
  const char *ids[] = { id, NULL };
  MopedKind kind = moped_element_get_kind (element);
  const MopedKindSpec *ks = moped_schema_get_kind (kind);
  g_autofree char *title = moped_inspector_describe_element (element);
  g_autofree char *subtitle = kind == MOPED_KIND_DESIGN ? g_strdup (ks->label)
                                                        : g_strdup_printf ("%s · %s", ks->label, id);

  self->title_id = g_strdup (id);
  gtk_box_append (GTK_BOX (page), header_new (self, title, subtitle));
  gtk_box_append (GTK_BOX (page), problems_new (self));
  /* Above the link's fields, where it is seen without scrolling: a link usually needs
   * its protocol next. */
  if (kind == MOPED_KIND_LINK && moped_element_get_ref (element, MOPED_PROP_PROTOCOL) == NULL)
    gtk_box_append (GTK_BOX (page), new_protocol_button_new (self, element));
  gtk_box_append (GTK_BOX (page), moped_inspector_form_new (self->design, ids, 1, 0));

  switch (kind)
    {
    case MOPED_KIND_DESIGN:
      gtk_box_append (GTK_BOX (page),
                      moped_inspector_child_list_new (self->design, id, MOPED_KIND_REQUIREMENT, "Requirements"));
      break;
    case MOPED_KIND_NODE:
      gtk_box_append (GTK_BOX (page),
                      moped_inspector_child_list_new (self->design, id, MOPED_KIND_SOCKET, "Sockets"));
      gtk_box_append (GTK_BOX (page),
                      moped_inspector_child_list_new (self->design, id, MOPED_KIND_METHOD, "Public API"));
      break;
    case MOPED_KIND_SOCKET:
      gtk_box_append (GTK_BOX (page), socket_endpoints_new (self, element));
      break;
    case MOPED_KIND_COMMAND:
      gtk_box_append (GTK_BOX (page),
                      moped_inspector_child_list_new (self->design, id, MOPED_KIND_FIELD, "Fields"));
      break;
    case MOPED_KIND_LINK:
    case MOPED_KIND_METHOD:
    case MOPED_KIND_PARAM:
    case MOPED_KIND_PROTOCOL:
    case MOPED_KIND_FIELD:
    case MOPED_KIND_FLOW:
    case MOPED_KIND_STEP:
    case MOPED_KIND_REQUIREMENT:
    case MOPED_KIND_NOTE:
    case MOPED_N_KINDS:
    default:
      break;
    }
}

static void
build_multi_page (MopedInspector *self,
                  GtkWidget      *page,
                  GPtrArray      *elements)
{
  guint counts[MOPED_N_KINDS] = { 0 };
  g_autoptr(GString) subtitle = g_string_new (NULL);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) ids = NULL;
  g_autofree char *title = g_strdup_printf ("%u elements selected", elements->len);
  guint n_kinds = 0;
  GtkWidget *list;

  for (guint i = 0; i < elements->len; i++)
    {
      MopedElement *element = g_ptr_array_index (elements, i);

      counts[moped_element_get_kind (element)]++;
      g_strv_builder_add (builder, moped_element_get_id (element));
    }
  ids = g_strv_builder_end (builder);
  for (guint k = 0; k < MOPED_N_KINDS; k++)
    if (counts[k] > 0)
      {
        g_autofree char *plural = kind_plural ((MopedKind) k, counts[k]);

        g_string_append_printf (subtitle, "%s%u %s", subtitle->len ? ", " : "", counts[k], plural);
        n_kinds++;
      }

  gtk_box_append (GTK_BOX (page), header_new (self, title, subtitle->str));
  gtk_box_append (GTK_BOX (page), problems_new (self));

  if (n_kinds == 1)
    {
      GtkWidget *form = moped_inspector_form_new (self->design, (const char * const *) ids, 1,
                                                  MOPED_PROP_BIT (MOPED_PROP_NAME));
      g_autofree char *note = elements->len == 2
                              ? g_strdup ("A change here applies to both. Fields that differ between them are left empty.")
                              : g_strdup_printf ("A change here applies to all %u. "
                                                 "Fields that differ between them are left empty.",
                                                 elements->len);
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

      gtk_box_append (GTK_BOX (box), dim_label_new (note));
      if (gtk_widget_get_first_child (form) != NULL)
        gtk_box_append (GTK_BOX (box), form);
      else
        {
          g_object_unref (g_object_ref_sink (form));
          gtk_box_append (GTK_BOX (box), dim_label_new ("They have no properties in common to edit."));
        }
      gtk_box_append (GTK_BOX (page), section_new ("Shared properties", box));
    }
  else
    gtk_box_append (GTK_BOX (page),
                    dim_label_new ("These elements are of different kinds. "
                                   "Select elements of one kind to edit what they share."));

  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "moped-boxed-list");
  gtk_widget_set_overflow (list, GTK_OVERFLOW_HIDDEN);
  moped_inspector_set_accessible_label (list, "Selected elements");
  for (guint i = 0; i < elements->len; i++)
    {
      MopedElement *element = g_ptr_array_index (elements, i);
      g_autofree char *what = moped_inspector_describe_element (element);
      g_autofree char *text = g_strdup_printf ("%s · %s",
                                               moped_schema_get_kind (moped_element_get_kind (element))->label,
                                               what);
      GtkWidget *label = gtk_label_new (text);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_list_box_append (GTK_LIST_BOX (list), label);
    }
  gtk_box_append (GTK_BOX (page), section_new ("Selection", list));
}

static void
build_empty_page (MopedInspector *self,
                  GtkWidget      *page)
{
  GtkWidget *label = dim_label_new ("No design is open.");

  gtk_widget_set_vexpand (label, TRUE);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_label_set_xalign (GTK_LABEL (label), 0.5);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
  gtk_box_append (GTK_BOX (page), label);
}

/* ---- keeping the page current ------------------------------------------------------------ */

/* The element-level problems: those about the shown elements that no field shows inline. */
static void
update_problems (MopedInspector *self)
{
  g_autoptr(GPtrArray) elements = NULL;
  GtkWidget *child;
  guint shown = 0;

  if (self->problem_list == NULL)
    return;
  while ((child = gtk_widget_get_first_child (self->problem_list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->problem_list), child);

  elements = selected_elements (self);
  if (elements->len == 0 && self->design != NULL)
    g_ptr_array_add (elements, moped_design_get_root (self->design));
  for (guint i = 0; self->diagnostics != NULL && i < self->diagnostics->len; i++)
    {
      const MopedDiagnostic *d = g_ptr_array_index (self->diagnostics, i);
      gboolean concerns = FALSE;
      GtkWidget *row;

      for (guint j = 0; j < elements->len && !concerns; j++)
        concerns = moped_inspector_diagnostic_concerns (d, moped_element_get_id (g_ptr_array_index (elements, j)));
      if (!concerns || moped_inspector_shown_inline (self->page, d))
        continue;
      row = gtk_list_box_row_new ();
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), moped_inspector_problem_row_new (d));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      moped_inspector_set_accessible_label (row, d->message);
      gtk_list_box_append (GTK_LIST_BOX (self->problem_list), row);
      shown++;
    }
  gtk_widget_set_visible (self->problems, shown > 0);
}

static void
apply_diagnostics (MopedInspector *self)
{
  if (self->page == NULL)
    return;
  moped_inspector_apply_diagnostics (self->page, self->diagnostics);
  update_problems (self);
}

static void
update_title (MopedInspector *self)
{
  MopedElement *element;
  g_autofree char *title = NULL;

  if (self->title_id == NULL || self->design == NULL)
    return;
  element = moped_design_lookup (self->design, self->title_id);
  if (element == NULL)
    return;
  title = moped_inspector_describe_element (element);
  if (g_strcmp0 (gtk_label_get_text (GTK_LABEL (self->title)), title) != 0)
    gtk_label_set_text (GTK_LABEL (self->title), title);
}

static void
rebuild (MopedInspector *self)
{
  g_autofree char *focus = self->page ? moped_inspector_remember_focus (self->page) : NULL;
  g_autoptr(GPtrArray) elements = NULL;
  GtkWidget *page = gtk_box_new (GTK_ORIENTATION_VERTICAL, 14);

  g_clear_handle_id (&self->rebuild_source, g_source_remove);
  g_clear_pointer (&self->title_id, g_free);
  self->title = NULL;
  self->problems = NULL;
  self->problem_list = NULL;
  gtk_widget_set_margin_start (page, 18);
  gtk_widget_set_margin_end (page, 18);
  gtk_widget_set_margin_top (page, 18);
  gtk_widget_set_margin_bottom (page, 24);

  if (self->design == NULL)
    build_empty_page (self, page);
  else
    {
      elements = selected_elements (self);
      if (elements->len == 0)
        build_element_page (self, page, moped_design_get_root (self->design));
      else if (elements->len == 1)
        build_element_page (self, page, g_ptr_array_index (elements, 0));
      else
        build_multi_page (self, page, elements);
    }

  self->page = page;
  moped_inspector_set_page (GTK_SCROLLED_WINDOW (self->scrolled), page);
  g_free (self->signature);
  self->signature = page_signature (self);
  apply_diagnostics (self);
  moped_inspector_restore_focus (page, focus);
}

static gboolean
rebuild_idle_cb (gpointer data)
{
  MopedInspector *self = data;

  self->rebuild_source = 0;
  rebuild (self);
  return G_SOURCE_REMOVE;
}

static void
design_changed_cb (MopedDesign    *design,
                   const GArray   *changes,
                   MopedInspector *self)
{
  g_autofree char *signature = page_signature (self);

  if (g_strcmp0 (signature, self->signature) != 0)
    moped_inspector_schedule (&self->rebuild_source, rebuild_idle_cb, self);
  else
    update_title (self);
}

/* ---- GObject --------------------------------------------------------------------------- */

static void
moped_inspector_dispose (GObject *object)
{
  MopedInspector *self = (MopedInspector *) object;

  g_clear_handle_id (&self->rebuild_source, g_source_remove);
  g_clear_pointer (&self->scrolled, gtk_widget_unparent);
  self->page = NULL;
  if (self->design != NULL)
    g_signal_handlers_disconnect_by_data (self->design, self);
  g_clear_object (&self->design);
  g_clear_pointer (&self->diagnostics, g_ptr_array_unref);

  G_OBJECT_CLASS (moped_inspector_parent_class)->dispose (object);
}

static void
moped_inspector_finalize (GObject *object)
{
  MopedInspector *self = (MopedInspector *) object;

  g_strfreev (self->selection);
  g_free (self->title_id);
  g_free (self->signature);

  G_OBJECT_CLASS (moped_inspector_parent_class)->finalize (object);
}

static void
moped_inspector_root (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (moped_inspector_parent_class)->root (widget);
  moped_inspector_ensure_style (widget);
}

static void
moped_inspector_class_init (MopedInspectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = moped_inspector_dispose;
  object_class->finalize = moped_inspector_finalize;
  widget_class->root = moped_inspector_root;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "mopedinspector");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
moped_inspector_init (MopedInspector *self)
{
  self->scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_parent (self->scrolled, GTK_WIDGET (self));
  gtk_widget_set_size_request (GTK_WIDGET (self), 300, -1);
  moped_inspector_set_accessible_label (GTK_WIDGET (self), "Inspector");
  rebuild (self);
}

/* ---- public API ------------------------------------------------------------------------ */

GtkWidget *
moped_inspector_new (void)
{
  return g_object_new (MOPED_TYPE_INSPECTOR, NULL);
}

void
moped_inspector_set_design (MopedInspector *self,
                            MopedDesign    *design)
{
  g_return_if_fail (MOPED_IS_INSPECTOR (self));
  g_return_if_fail (design == NULL || MOPED_IS_DESIGN (design));

  if (self->design == design)
    return;
  if (self->design != NULL)
    g_signal_handlers_disconnect_by_data (self->design, self);
  g_set_object (&self->design, design);
  if (design != NULL)
    g_signal_connect (design, "changed", G_CALLBACK (design_changed_cb), self);
  g_clear_pointer (&self->selection, g_strfreev);
  g_clear_pointer (&self->diagnostics, g_ptr_array_unref);
  rebuild (self);
}

void
moped_inspector_set_selection (MopedInspector     *self,
                               const char * const *ids)
{
  g_return_if_fail (MOPED_IS_INSPECTOR (self));

  if (ids != NULL && ids[0] == NULL)
    ids = NULL;
  if (self->selection == NULL && ids == NULL)
    return;
  if (self->selection != NULL && ids != NULL && g_strv_equal ((const char * const *) self->selection, ids))
    return;
  g_strfreev (self->selection);
  self->selection = g_strdupv ((char **) ids);
  rebuild (self);
}

void
moped_inspector_set_diagnostics (MopedInspector *self,
                                 GPtrArray      *diagnostics)
{
  g_return_if_fail (MOPED_IS_INSPECTOR (self));

  if (diagnostics != NULL)
    g_ptr_array_ref (diagnostics);
  g_clear_pointer (&self->diagnostics, g_ptr_array_unref);
  self->diagnostics = diagnostics;
  apply_diagnostics (self);
}

gboolean
moped_inspector_focus_field (MopedInspector *self,
                             const char     *id,
                             MopedProp       prop)
{
  MopedInspectorField *field;

  g_return_val_if_fail (MOPED_IS_INSPECTOR (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  if (self->rebuild_source != 0)
    rebuild (self);
  if (self->page == NULL)
    return FALSE;
  field = moped_inspector_find_field (self->page, id, prop);
  return field != NULL && moped_inspector_field_grab_focus (field);
}
