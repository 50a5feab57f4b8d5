/* moped-inspector-field.c: one editable property of one or more elements, with its label and inline problems.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The field keeps the model's text it last showed ("synced"). It rewrites its control
 * only when the model's text differs from that, so text the user is typing that does
 * not parse stays visible with its problem until it is fixed, and the cursor never
 * jumps while typing.
 */
#define G_LOG_DOMAIN "moped-ui"

#include "config.h"

#include <string.h>

#include "moped-inspector-field.h"
#include "moped-inspector-util.h"
#include "moped-roles.h"
#include "moped-schema.h"
#include "moped-socket-type.h"

typedef enum
{
  CONTROL_ENTRY,
  CONTROL_TEXT_VIEW,
  CONTROL_DROP_DOWN,
  CONTROL_SWITCH,
  CONTROL_CHECK,
} ControlType;

struct _MopedInspectorField
{
  GtkWidget            parent_instance;

  MopedDesign         *design;
  GStrv                ids;
  MopedProp            prop;
  MopedKind            kind;
  MopedFieldStyle      style;
  ControlType          control_type;
  const MopedPropSpec *spec;
  char                *label;

  GtkWidget           *heading;      /* NULL when compact */
  GtkWidget           *control;      /* the entry, text view, drop-down or switch */
  GtkWidget           *text_view;    /* inside control when CONTROL_TEXT_VIEW */
  GtkWidget           *caption;      /* socket type: what the chosen type does */
  GtkWidget           *problem;
  GtkWidget           *remote;       /* who else edits this field, or NULL */

  GtkStringList       *choices;      /* drop-down labels */
  GPtrArray           *choice_values;/* drop-down items as file-format text */

  char                *synced;
  char                *parse_error;
  GPtrArray           *diagnostics;  /* the ones shown, borrowed from diagnostics_owner */
  GPtrArray           *diagnostics_owner;
  guint                session;

  guint                syncing : 1;
  guint                editing : 1;
  guint                mixed : 1;
  guint                choices_stale : 1;
};

G_DEFINE_FINAL_TYPE (MopedInspectorField, moped_inspector_field, GTK_TYPE_WIDGET)

/* Focus sessions are numbered across all fields, so a field rebuilt for the same
 * element and property never continues the undo step of the field it replaced. */
static guint session_counter;

static guint
next_session (void)
{
  return ++session_counter;
}

/* ---- reading the model ------------------------------------------------------ */

static MopedElement *
first_element (MopedInspectorField *self)
{
  for (guint i = 0; self->ids[i] != NULL; i++)
    {
      MopedElement *element = moped_design_lookup (self->design, self->ids[i]);

      if (element != NULL)
        return element;
    }
  return NULL;
}

/* The common text of the property, or "" with *mixed set when the elements differ. */
/* A requirement's value 0 means "no target yet": the field shows it empty, saying so in
 * its placeholder, as the documents say "not set", and emptying the field unsets it. */
static gboolean
is_unset_requirement_target (MopedElement *element,
                             MopedProp     prop)
{
  return prop == MOPED_PROP_VALUE && moped_element_get_kind (element) == MOPED_KIND_REQUIREMENT &&
         moped_element_get_double (element, MOPED_PROP_VALUE) == 0;
}

static char *
model_text (MopedInspectorField *self,
            gboolean            *mixed)
{
  char *text = NULL;

  *mixed = FALSE;
  for (guint i = 0; self->ids[i] != NULL; i++)
    {
      MopedElement *element = moped_design_lookup (self->design, self->ids[i]);
      g_autofree char *value = NULL;

      if (element == NULL)
        continue;
      if (is_unset_requirement_target (element, self->prop))
        value = g_strdup ("");
      else
        value = moped_element_dup_value_text (element, self->prop);
      if (text == NULL)
        text = g_steal_pointer (&value);
      else if (g_strcmp0 (text, value) != 0)
        {
          *mixed = TRUE;
          g_free (text);
          return g_strdup ("");
        }
    }
  return text ? text : g_strdup ("");
}

static gboolean
is_long_text (MopedKind kind,
              MopedProp prop)
{
  switch (prop)
    {
    case MOPED_PROP_SUMMARY:
    case MOPED_PROP_GOALS:
    case MOPED_PROP_TEXT:
      return TRUE;
    case MOPED_PROP_DESCRIPTION:
      /* Methods, parameters and fields have one-line descriptions; they sit in list rows. */
      return kind != MOPED_KIND_METHOD && kind != MOPED_KIND_PARAM && kind != MOPED_KIND_FIELD;
    default:
      return FALSE;
    }
}

static char *
choice_label_for_ref (MopedElement *target,
                      gboolean      with_kind)
{
  g_autofree char *what = moped_inspector_describe_element (target);

  if (with_kind)
    return g_strdup_printf ("%s %s", moped_schema_get_kind (moped_element_get_kind (target))->label, what);
  return g_steal_pointer (&what);
}

/* A node's process and a process's host offer a new one among their choices: chosen,
 * it is made (named like "Process 2") and referred to, in one undo step. */
#define NEW_ELEMENT_CHOICE "\001new"

static MopedKind
new_element_kind (MopedInspectorField *self)
{
  if (self->prop == MOPED_PROP_PROCESS)
    return MOPED_KIND_PROCESS;
  if (self->prop == MOPED_PROP_HOST)
    return MOPED_KIND_HOST;
  return MOPED_N_KINDS;
}

static void
collect_ref_choices (MopedInspectorField *self,
                     GPtrArray           *labels,
                     GPtrArray           *values)
{
  MopedElement *element = first_element (self);
  MopedElement *protocol = element ? moped_element_get_ancestor (element, MOPED_KIND_PROTOCOL) : NULL;
  gboolean several_kinds = (self->spec->ref_kinds & (self->spec->ref_kinds - 1)) != 0;
  gboolean found = self->synced == NULL || *self->synced == '\0';
  gboolean link_role = self->prop == MOPED_PROP_FROM_ROLE || self->prop == MOPED_PROP_TO_ROLE;

  /* A link end plays a role of the link's protocol. */
  if (link_role && element != NULL)
    protocol = moped_element_get_ref (element, MOPED_PROP_PROTOCOL);
  if (!(self->spec->flags & MOPED_PROP_FLAG_REQUIRED))
    {
      MopedElement *inferred = NULL;

      if (link_role && element != NULL)
        inferred = moped_link_get_role (element, self->prop == MOPED_PROP_FROM_ROLE ? MOPED_PROP_FROM : MOPED_PROP_TO);
      /* An empty requirement target means the design as a whole; an empty link role
       * is inferred when only one fits. */
      if (self->prop == MOPED_PROP_TARGET)
        g_ptr_array_add (labels, g_strdup ("Whole design"));
      else if (link_role && inferred != NULL && (self->synced == NULL || *self->synced == '\0'))
        g_ptr_array_add (labels, g_strdup_printf ("Inferred: %s", moped_element_get_name (inferred)));
      else if (link_role)
        g_ptr_array_add (labels, g_strdup ("Inferred when only one fits"));
      else
        g_ptr_array_add (labels, g_strdup ("None"));
      g_ptr_array_add (values, g_strdup (""));
    }
  for (guint k = 0; k < MOPED_N_KINDS; k++)
    {
      g_autoptr(GPtrArray) all = NULL;

      if (!(self->spec->ref_kinds & (1u << k)))
        continue;
      all = moped_design_collect (self->design, (MopedKind) k);
      for (guint i = 0; i < all->len; i++)
        {
          MopedElement *target = g_ptr_array_index (all, i);

          /* A flow's steps use the commands and roles of their own protocol, a link
           * end the roles of the link's. */
          if ((k == MOPED_KIND_COMMAND || k == MOPED_KIND_ROLE) &&
              (protocol != NULL || link_role) &&
              moped_element_get_ancestor (target, MOPED_KIND_PROTOCOL) != protocol)
            continue;
          g_ptr_array_add (labels, choice_label_for_ref (target, several_kinds));
          g_ptr_array_add (values, g_strdup (moped_element_get_id (target)));
          found = found || g_strcmp0 (self->synced, moped_element_get_id (target)) == 0;
        }
    }
  if (new_element_kind (self) != MOPED_N_KINDS)
    {
      g_ptr_array_add (labels, g_strdup_printf ("New %s",
                                                moped_schema_get_kind (new_element_kind (self))->element_name));
      g_ptr_array_add (values, g_strdup (NEW_ELEMENT_CHOICE));
    }
  if (!found && !self->mixed)
    {
      MopedElement *target = moped_design_lookup (self->design, self->synced);

      if (target != NULL)
        {
          g_autofree char *what = moped_inspector_describe_element (target);
          MopedElement *elsewhere = moped_element_get_ancestor (target, MOPED_KIND_PROTOCOL);

          g_ptr_array_add (labels, elsewhere
                                   ? g_strdup_printf ("%s (protocol %s)", what, moped_element_get_name (elsewhere))
                                   : g_strdup (what));
        }
      else
        g_ptr_array_add (labels, g_strdup_printf ("Missing “%s”", self->synced));
      g_ptr_array_add (values, g_strdup (self->synced));
    }
}

static void
collect_enum_choices (MopedInspectorField *self,
                      GPtrArray           *labels,
                      GPtrArray           *values)
{
  for (guint i = 0; self->spec->enum_names[i] != NULL; i++)
    {
      g_ptr_array_add (labels, g_strdup (self->spec->enum_names[i]));
      g_ptr_array_add (values, g_strdup (self->spec->enum_names[i]));
    }
}

static gboolean
same_strings (GListModel *model,
              GPtrArray  *labels)
{
  if (g_list_model_get_n_items (model) != labels->len)
    return FALSE;
  for (guint i = 0; i < labels->len; i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (model), i),
                   g_ptr_array_index (labels, i)) != 0)
      return FALSE;
  return TRUE;
}

/* Rebuild the drop-down's items when they changed (a node renamed, a command added). */
static void
update_choices (MopedInspectorField *self)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);

  if (self->spec->type == MOPED_VALUE_REF)
    collect_ref_choices (self, labels, values);
  else
    collect_enum_choices (self, labels, values);

  g_ptr_array_unref (self->choice_values);
  self->choice_values = g_steal_pointer (&values);
  if (same_strings (G_LIST_MODEL (self->choices), labels))
    return;
  g_ptr_array_add (labels, NULL);
  self->syncing = TRUE;
  gtk_string_list_splice (self->choices, 0, g_list_model_get_n_items (G_LIST_MODEL (self->choices)),
                          (const char * const *) labels->pdata);
  self->syncing = FALSE;
}

/* ---- showing values and problems ----------------------------------------------- */

static void
update_caption (MopedInspectorField *self)
{
  MopedSocketType type;
  const MopedSocketTypeInfo *info;
  g_autofree char *peers = NULL;
  g_autofree char *text = NULL;

  if (self->caption == NULL)
    return;
  if (self->mixed || !moped_socket_type_from_name (self->synced, &type))
    {
      gtk_label_set_text (GTK_LABEL (self->caption), "");
      gtk_widget_set_visible (self->caption, FALSE);
      return;
    }
  info = moped_socket_type_get_info (type);
  peers = moped_socket_type_describe_peers (type);
  text = g_strdup_printf ("%s Talks to %s.", info->description, peers);
  gtk_label_set_text (GTK_LABEL (self->caption), text);
  gtk_widget_set_visible (self->caption, TRUE);
}

static guint
find_choice (MopedInspectorField *self,
             const char          *value)
{
  for (guint i = 0; i < self->choice_values->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->choice_values, i), value) == 0)
      return i;
  return GTK_INVALID_LIST_POSITION;
}

static void
show_value (MopedInspectorField *self)
{
  const char *text = self->mixed ? "" : self->synced;

  self->syncing = TRUE;
  switch (self->control_type)
    {
    case CONTROL_ENTRY:
      if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->control)), text) != 0)
        gtk_editable_set_text (GTK_EDITABLE (self->control), text);
      gtk_entry_set_placeholder_text (GTK_ENTRY (self->control),
                                      self->mixed ? "Several values"
                                      : self->style == MOPED_FIELD_COMPACT ? self->label
                                      : self->kind == MOPED_KIND_REQUIREMENT && self->prop == MOPED_PROP_VALUE ? "not set"
                                      : NULL);
      break;
    case CONTROL_TEXT_VIEW:
      {
        GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->text_view));
        GtkTextIter start, end;
        g_autofree char *current = NULL;

        gtk_text_buffer_get_bounds (buffer, &start, &end);
        current = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
        if (g_strcmp0 (current, text) != 0)
          gtk_text_buffer_set_text (buffer, text, -1);
      }
      break;
    case CONTROL_DROP_DOWN:
      gtk_drop_down_set_selected (GTK_DROP_DOWN (self->control),
                                  self->mixed ? GTK_INVALID_LIST_POSITION : find_choice (self, text));
      break;
    case CONTROL_SWITCH:
      gtk_switch_set_active (GTK_SWITCH (self->control), g_strcmp0 (text, "true") == 0);
      break;
    case CONTROL_CHECK:
      gtk_check_button_set_active (GTK_CHECK_BUTTON (self->control), g_strcmp0 (text, "true") == 0);
      gtk_check_button_set_inconsistent (GTK_CHECK_BUTTON (self->control), self->mixed);
      break;
    default:
      g_assert_not_reached ();
    }
  self->syncing = FALSE;
  update_caption (self);
}

static void
set_style_class (GtkWidget  *widget,
                 const char *name,
                 gboolean    on)
{
  if (on)
    gtk_widget_add_css_class (widget, name);
  else
    gtk_widget_remove_css_class (widget, name);
}

static void
update_problem (MopedInspectorField *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) hints = g_string_new (NULL);
  gboolean error = self->parse_error != NULL;

  if (self->parse_error != NULL)
    g_string_append (text, self->parse_error);
  else
    for (guint i = 0; i < self->diagnostics->len; i++)
      {
        const MopedDiagnostic *d = g_ptr_array_index (self->diagnostics, i);

        g_string_append_printf (text, "%s%s", text->len ? "\n" : "", d->message);
        if (d->hint != NULL && *d->hint != '\0')
          g_string_append_printf (hints, "%s%s", hints->len ? "\n" : "", d->hint);
        error = error || d->severity == MOPED_SEVERITY_ERROR;
      }

  gtk_label_set_text (GTK_LABEL (self->problem), text->str);
  gtk_widget_set_tooltip_text (self->problem, hints->len ? hints->str : NULL);
  gtk_widget_set_visible (self->problem, text->len > 0);
  set_style_class (self->problem, "error", text->len > 0 && error);
  set_style_class (self->problem, "warning", text->len > 0 && !error);
  if (self->control_type == CONTROL_ENTRY)
    {
      set_style_class (self->control, "error", text->len > 0 && error);
      set_style_class (self->control, "warning", text->len > 0 && !error);
    }
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->control), GTK_ACCESSIBLE_STATE_INVALID,
                               text->len > 0 ? GTK_ACCESSIBLE_INVALID_TRUE : GTK_ACCESSIBLE_INVALID_FALSE, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->control), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  text->str, -1);
}

/* ---- editing ---------------------------------------------------------------------- */

/* "Instances: “x” is not a whole number" reads "“x” is not a whole number" under Instances. */
static char *
strip_label (const char *message,
             const char *label)
{
  gsize len = strlen (label);

  if (g_str_has_prefix (message, label) && message[len] == ':' && message[len + 1] == ' ')
    return g_strdup (message + len + 2);
  return g_strdup (message);
}

static void
commit_new_element (MopedInspectorField *self)
{
  MopedKind kind = new_element_kind (self);
  MopedElement *root = moped_design_get_root (self->design);
  g_autofree char *name = moped_inspector_unique_name (root, kind);
  g_autofree char *label = g_strdup_printf ("New %s", moped_schema_get_kind (kind)->element_name);
  MopedElement *added;
  gboolean mixed;

  moped_design_begin_coalescing (self->design, label, NULL);
  self->editing = TRUE;
  added = moped_design_add (self->design, root, kind, -1, NULL);
  moped_design_set_string (self->design, added, MOPED_PROP_NAME, name);
  for (guint i = 0; self->ids[i] != NULL; i++)
    {
      MopedElement *element = moped_design_lookup (self->design, self->ids[i]);

      if (element != NULL)
        moped_design_set_ref (self->design, element, self->prop, added);
    }
  moped_design_end (self->design);
  self->editing = FALSE;
  g_clear_pointer (&self->parse_error, g_free);
  g_free (self->synced);
  self->synced = model_text (self, &mixed);
  self->mixed = mixed;
  /* The drop-down still shows "New ...": it shows the new element, now a choice. */
  update_choices (self);
  self->choices_stale = FALSE;
  show_value (self);
  update_problem (self);
}

static void
commit (MopedInspectorField *self,
        const char          *text,
        gboolean             coalesce)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *ids = g_strjoinv (",", self->ids);
  gboolean mixed;
  g_autofree char *stripped = g_strstrip (g_strdup (text != NULL ? text : ""));
  gboolean unset = self->prop == MOPED_PROP_VALUE && stripped[0] == '\0';

  if (self->syncing)
    return;
  if (coalesce)
    key = g_strdup_printf ("field:%s:%s:%u", moped_schema_get_prop_name (self->prop), ids, self->session);

  if (g_strcmp0 (text, NEW_ELEMENT_CHOICE) == 0)
    {
      commit_new_element (self);
      return;
    }
  moped_design_begin_coalescing (self->design, self->spec->label, key);
  self->editing = TRUE;
  for (guint i = 0; self->ids[i] != NULL; i++)
    {
      MopedElement *element = moped_design_lookup (self->design, self->ids[i]);
      g_autoptr(GError) local = NULL;
      /* A socket named after its type follows a new type ("dealer" becomes "req"). */
      gboolean auto_named = element != NULL && self->prop == MOPED_PROP_TYPE &&
                            moped_element_get_kind (element) == MOPED_KIND_SOCKET &&
                            moped_inspector_socket_name_is_auto (element);

      const char *value = text;

      if (unset && element != NULL && moped_element_get_kind (element) == MOPED_KIND_REQUIREMENT)
        value = "0";
      if (element != NULL && !moped_design_set_from_text (self->design, element, self->prop, value, &local)
          && error == NULL)
        error = g_steal_pointer (&local);
      if (auto_named && !moped_inspector_socket_name_is_auto (element))
        {
          g_autofree char *name = moped_inspector_socket_auto_name (moped_element_get_parent (element),
                                                                    moped_element_get_enum (element, MOPED_PROP_TYPE),
                                                                    element);

          moped_design_set_string (self->design, element, MOPED_PROP_NAME, name);
        }
    }
  moped_design_end (self->design);
  self->editing = FALSE;

  g_clear_pointer (&self->parse_error, g_free);
  if (error != NULL)
    self->parse_error = strip_label (error->message, self->spec->label);
  g_free (self->synced);
  self->synced = model_text (self, &mixed);
  self->mixed = mixed;
  update_caption (self);
  update_problem (self);
}

static void
entry_changed_cb (GtkEditable         *editable,
                  MopedInspectorField *self)
{
  commit (self, gtk_editable_get_text (editable), TRUE);
}

static void
buffer_changed_cb (GtkTextBuffer       *buffer,
                   MopedInspectorField *self)
{
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  commit (self, text, TRUE);
}

static void
selected_cb (GtkDropDown         *drop_down,
             GParamSpec          *pspec,
             MopedInspectorField *self)
{
  guint selected = gtk_drop_down_get_selected (drop_down);

  if (self->syncing || selected >= self->choice_values->len)
    return;
  commit (self, g_ptr_array_index (self->choice_values, selected), FALSE);
}

static void
active_cb (GObject             *toggle,
           GParamSpec          *pspec,
           MopedInspectorField *self)
{
  gboolean active;

  if (self->syncing)
    return;
  g_object_get (toggle, "active", &active, NULL);
  if (GTK_IS_CHECK_BUTTON (toggle))
    gtk_check_button_set_inconsistent (GTK_CHECK_BUTTON (toggle), FALSE);
  commit (self, active ? "true" : "false", FALSE);
}

static void
focus_leave_cb (GtkEventControllerFocus *controller,
                MopedInspectorField     *self)
{
  self->session = next_session ();
}

static void
design_changed_cb (MopedDesign         *design,
                   const GArray        *changes,
                   MopedInspectorField *self)
{
  /* A reference's choices change with elements coming, going, moving or being
   * renamed (a link is named by its sockets, so any name counts). */
  for (guint i = 0; i < changes->len && !self->choices_stale; i++)
    {
      const MopedChange *change = &g_array_index (changes, MopedChange, i);

      self->choices_stale = change->type != MOPED_CHANGE_SET || change->prop == MOPED_PROP_NAME;
    }
  moped_inspector_field_refresh (self);
}

/* ---- building ----------------------------------------------------------------------- */

static void
socket_type_setup_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *item,
                      gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *description = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_widget_add_css_class (name, "heading");
  gtk_label_set_xalign (GTK_LABEL (description), 0);
  gtk_label_set_wrap (GTK_LABEL (description), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (description), 42);
  gtk_widget_add_css_class (description, "dim-label");
  gtk_widget_add_css_class (description, "moped-caption");
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), description);
  gtk_list_item_set_child (item, box);
}

static void
socket_type_bind_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *item,
                     gpointer                  user_data)
{
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *name = gtk_widget_get_first_child (box);
  GtkWidget *description = gtk_widget_get_next_sibling (name);
  const char *text = gtk_string_object_get_string (gtk_list_item_get_item (item));
  MopedSocketType type;

  gtk_label_set_text (GTK_LABEL (name), text);
  if (moped_socket_type_from_name (text, &type))
    {
      const MopedSocketTypeInfo *info = moped_socket_type_get_info (type);
      g_autofree char *line = g_strdup_printf ("%s%s", info->draft ? "Draft API. " : "", info->description);

      gtk_label_set_text (GTK_LABEL (description), line);
    }
}

static void
label_setup_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  ellipsize)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (ellipsize != NULL)
    {
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_width_chars (GTK_LABEL (label), 6);
    }
  gtk_list_item_set_child (item, label);
}

static void
label_bind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)),
                      gtk_string_object_get_string (gtk_list_item_get_item (item)));
}

static GtkListItemFactory *
label_factory_new (gboolean ellipsize)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (label_setup_cb), GINT_TO_POINTER (ellipsize));
  g_signal_connect (factory, "bind", G_CALLBACK (label_bind_cb), NULL);
  return factory;
}

static GtkWidget *
make_drop_down (MopedInspectorField *self)
{
  g_autoptr(GtkListItemFactory) button_factory = label_factory_new (TRUE);
  g_autoptr(GtkListItemFactory) list_factory = NULL;
  GtkWidget *drop_down;

  self->choices = gtk_string_list_new (NULL);
  drop_down = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (self->choices)), NULL);
  /* The button ellipsizes long names ("Link a.x → b.y") so forms can be narrow; the
   * list shows them whole, and for socket types explains each from the socket table. */
  gtk_drop_down_set_factory (GTK_DROP_DOWN (drop_down), button_factory);
  if (self->kind == MOPED_KIND_SOCKET && self->prop == MOPED_PROP_TYPE)
    {
      list_factory = gtk_signal_list_item_factory_new ();
      g_signal_connect (list_factory, "setup", G_CALLBACK (socket_type_setup_cb), NULL);
      g_signal_connect (list_factory, "bind", G_CALLBACK (socket_type_bind_cb), NULL);
    }
  else
    list_factory = label_factory_new (FALSE);
  gtk_drop_down_set_list_factory (GTK_DROP_DOWN (drop_down), list_factory);
  g_signal_connect_object (drop_down, "notify::selected", G_CALLBACK (selected_cb), self, 0);
  return drop_down;
}

static GtkWidget *
make_control (MopedInspectorField *self)
{
  switch (self->spec->type)
    {
    case MOPED_VALUE_ENUM:
    case MOPED_VALUE_REF:
      self->control_type = CONTROL_DROP_DOWN;
      return make_drop_down (self);
    case MOPED_VALUE_BOOL:
      if (self->style == MOPED_FIELD_COMPACT)
        {
          GtkWidget *check = gtk_check_button_new_with_label (self->label);

          self->control_type = CONTROL_CHECK;
          g_signal_connect_object (check, "notify::active", G_CALLBACK (active_cb), self, 0);
          return check;
        }
      else
        {
          GtkWidget *toggle = gtk_switch_new ();

          self->control_type = CONTROL_SWITCH;
          gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
          g_signal_connect_object (toggle, "notify::active", G_CALLBACK (active_cb), self, 0);
          return toggle;
        }
    case MOPED_VALUE_STRING:
      if (self->style == MOPED_FIELD_LABELLED && is_long_text (self->kind, self->prop))
        {
          GtkWidget *scrolled = gtk_scrolled_window_new ();

          self->control_type = CONTROL_TEXT_VIEW;
          self->text_view = gtk_text_view_new ();
          gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (self->text_view), GTK_WRAP_WORD_CHAR);
          gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (self->text_view), FALSE);
          gtk_text_view_set_left_margin (GTK_TEXT_VIEW (self->text_view), 6);
          gtk_text_view_set_right_margin (GTK_TEXT_VIEW (self->text_view), 6);
          gtk_text_view_set_top_margin (GTK_TEXT_VIEW (self->text_view), 4);
          gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (self->text_view), 4);
          gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), self->text_view);
          gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
          gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 60);
          gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 160);
          gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
          gtk_widget_add_css_class (scrolled, "moped-text-frame");
          g_signal_connect_object (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->text_view)), "changed",
                                   G_CALLBACK (buffer_changed_cb), self, 0);
          return scrolled;
        }
      G_GNUC_FALLTHROUGH;
    case MOPED_VALUE_INT:
    case MOPED_VALUE_DOUBLE:
    default:
      {
        GtkWidget *entry = gtk_entry_new ();

        self->control_type = CONTROL_ENTRY;
        if (self->spec->type == MOPED_VALUE_INT)
          gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_DIGITS);
        else if (self->spec->type == MOPED_VALUE_DOUBLE)
          gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_NUMBER);
        g_signal_connect_object (entry, "changed", G_CALLBACK (entry_changed_cb), self, 0);
        return entry;
      }
    }
}

static void
set_control_label (MopedInspectorField *self)
{
  if (self->control_type == CONTROL_DROP_DOWN)
    moped_inspector_set_drop_down_label (self->control, self->label);
  else
    moped_inspector_set_accessible_label (self->text_view ? self->text_view : self->control, self->label);
}

static void
build (MopedInspectorField *self)
{
  GtkWidget *focus_target;
  GtkEventController *focus;

  self->control = make_control (self);
  focus_target = self->text_view ? self->text_view : self->control;
  set_control_label (self);
  if (self->style == MOPED_FIELD_COMPACT && self->control_type != CONTROL_CHECK)
    gtk_widget_set_tooltip_text (self->control, self->label);

  focus = gtk_event_controller_focus_new ();
  g_signal_connect_object (focus, "leave", G_CALLBACK (focus_leave_cb), self, 0);
  gtk_widget_add_controller (focus_target, focus);

  if (self->style == MOPED_FIELD_LABELLED)
    {
      self->heading = gtk_label_new (self->label);
      gtk_label_set_xalign (GTK_LABEL (self->heading), 0);
      gtk_label_set_ellipsize (GTK_LABEL (self->heading), PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (self->heading, "moped-field-heading");
      /* No labelled-by relation to the heading as well: GTK 4.8 joins both and
       * screen readers would say the name twice. */
    }

  if (self->control_type == CONTROL_SWITCH)
    {
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

      gtk_widget_set_hexpand (self->heading, TRUE);
      gtk_box_append (GTK_BOX (row), self->heading);
      gtk_box_append (GTK_BOX (row), self->control);
      gtk_widget_set_parent (row, GTK_WIDGET (self));
    }
  else
    {
      if (self->heading != NULL)
        gtk_widget_set_parent (self->heading, GTK_WIDGET (self));
      gtk_widget_set_parent (self->control, GTK_WIDGET (self));
    }

  if (self->kind == MOPED_KIND_SOCKET && self->prop == MOPED_PROP_TYPE)
    {
      self->caption = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (self->caption), 0);
      gtk_label_set_wrap (GTK_LABEL (self->caption), TRUE);
      gtk_widget_add_css_class (self->caption, "dim-label");
      gtk_widget_add_css_class (self->caption, "moped-caption");
      gtk_widget_set_parent (self->caption, GTK_WIDGET (self));
    }

  self->problem = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->problem), 0);
  gtk_label_set_wrap (GTK_LABEL (self->problem), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (self->problem), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (self->problem, "moped-problem");
  gtk_widget_set_visible (self->problem, FALSE);
  gtk_widget_set_parent (self->problem, GTK_WIDGET (self));
}

void
moped_inspector_field_set_remote (MopedInspectorField *self,
                                  const char          *who,
                                  const char          *colour)
{
  g_autofree char *markup = NULL;

  g_return_if_fail (MOPED_IS_INSPECTOR_FIELD (self));

  if (who == NULL)
    {
      if (self->remote != NULL)
        gtk_widget_set_visible (self->remote, FALSE);
      return;
    }
  if (self->remote == NULL)
    {
      self->remote = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (self->remote), 0);
      gtk_label_set_ellipsize (GTK_LABEL (self->remote), PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (self->remote, "caption");
      gtk_widget_insert_before (self->remote, GTK_WIDGET (self), self->problem);
    }
  markup = g_markup_printf_escaped ("<span foreground=\"%s\">●</span> %s is editing this",
                                    colour ? colour : "#777777", who);
  gtk_label_set_markup (GTK_LABEL (self->remote), markup);
  gtk_widget_set_visible (self->remote, TRUE);
}

/* ---- GObject ------------------------------------------------------------------------ */

static void
moped_inspector_field_dispose (GObject *object)
{
  MopedInspectorField *self = (MopedInspectorField *) object;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->design);
  g_clear_object (&self->choices);

  G_OBJECT_CLASS (moped_inspector_field_parent_class)->dispose (object);
}

static void
moped_inspector_field_finalize (GObject *object)
{
  MopedInspectorField *self = (MopedInspectorField *) object;

  g_strfreev (self->ids);
  g_free (self->label);
  g_free (self->synced);
  g_free (self->parse_error);
  g_clear_pointer (&self->choice_values, g_ptr_array_unref);
  g_clear_pointer (&self->diagnostics, g_ptr_array_unref);
  g_clear_pointer (&self->diagnostics_owner, g_ptr_array_unref);

  G_OBJECT_CLASS (moped_inspector_field_parent_class)->finalize (object);
}

static void
moped_inspector_field_class_init (MopedInspectorFieldClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = moped_inspector_field_dispose;
  object_class->finalize = moped_inspector_field_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "mopedfield");
}

static void
moped_inspector_field_init (MopedInspectorField *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 4);
  self->choice_values = g_ptr_array_new_with_free_func (g_free);
  self->diagnostics = g_ptr_array_new ();
  self->session = next_session ();
}

/* ---- public API ------------------------------------------------------------------------- */

GtkWidget *
moped_inspector_field_new (MopedDesign        *design,
                           const char * const *ids,
                           MopedProp           prop,
                           MopedFieldStyle     style)
{
  MopedInspectorField *self;
  MopedElement *element;

  g_return_val_if_fail (MOPED_IS_DESIGN (design), NULL);
  g_return_val_if_fail (ids != NULL && ids[0] != NULL, NULL);

  element = moped_design_lookup (design, ids[0]);
  g_return_val_if_fail (element != NULL, NULL);
  g_return_val_if_fail (moped_element_has_prop (element, prop), NULL);

  self = g_object_new (MOPED_TYPE_INSPECTOR_FIELD, NULL);
  self->design = g_object_ref (design);
  self->ids = g_strdupv ((char **) ids);
  self->prop = prop;
  self->kind = moped_element_get_kind (element);
  self->style = style;
  self->spec = moped_schema_get_prop (self->kind, prop);
  self->label = g_strdup (self->spec->label);
  build (self);
  moped_inspector_field_refresh (self);
  g_signal_connect_object (design, "changed", G_CALLBACK (design_changed_cb), self, 0);
  return GTK_WIDGET (self);
}

MopedProp
moped_inspector_field_get_prop (MopedInspectorField *self)
{
  g_return_val_if_fail (MOPED_IS_INSPECTOR_FIELD (self), MOPED_PROP_NAME);
  return self->prop;
}

const char * const *
moped_inspector_field_get_ids (MopedInspectorField *self)
{
  g_return_val_if_fail (MOPED_IS_INSPECTOR_FIELD (self), NULL);
  return (const char * const *) self->ids;
}

GtkWidget *
moped_inspector_field_get_control (MopedInspectorField *self)
{
  g_return_val_if_fail (MOPED_IS_INSPECTOR_FIELD (self), NULL);
  return self->text_view ? self->text_view : self->control;
}

void
moped_inspector_field_set_label (MopedInspectorField *self,
                                 const char          *label)
{
  g_return_if_fail (MOPED_IS_INSPECTOR_FIELD (self));
  g_return_if_fail (label != NULL);

  g_free (self->label);
  self->label = g_strdup (label);
  if (self->heading != NULL)
    gtk_label_set_text (GTK_LABEL (self->heading), label);
  if (self->control_type == CONTROL_CHECK)
    gtk_check_button_set_label (GTK_CHECK_BUTTON (self->control), label);
  else if (self->style == MOPED_FIELD_COMPACT)
    gtk_widget_set_tooltip_text (self->control, label);
  set_control_label (self);
  show_value (self);
}

const char *
moped_inspector_field_get_problem (MopedInspectorField *self)
{
  g_return_val_if_fail (MOPED_IS_INSPECTOR_FIELD (self), NULL);
  if (!gtk_widget_get_visible (self->problem))
    return NULL;
  return gtk_label_get_text (GTK_LABEL (self->problem));
}

gboolean
moped_inspector_field_shows (MopedInspectorField   *self,
                             const MopedDiagnostic *diagnostic)
{
  MopedProp prop;

  g_return_val_if_fail (MOPED_IS_INSPECTOR_FIELD (self), FALSE);
  g_return_val_if_fail (diagnostic != NULL, FALSE);

  if (!moped_inspector_diagnostic_prop (diagnostic, &prop) || prop != self->prop)
    return FALSE;
  for (guint i = 0; self->ids[i] != NULL; i++)
    if (moped_inspector_diagnostic_concerns (diagnostic, self->ids[i]))
      return TRUE;
  return FALSE;
}

guint
moped_inspector_field_set_diagnostics (MopedInspectorField *self,
                                       GPtrArray           *diagnostics)
{
  g_return_val_if_fail (MOPED_IS_INSPECTOR_FIELD (self), 0);

  g_ptr_array_set_size (self->diagnostics, 0);
  if (diagnostics != NULL)
    g_ptr_array_ref (diagnostics);
  g_clear_pointer (&self->diagnostics_owner, g_ptr_array_unref);
  self->diagnostics_owner = diagnostics;
  for (guint i = 0; diagnostics != NULL && i < diagnostics->len; i++)
    if (moped_inspector_field_shows (self, g_ptr_array_index (diagnostics, i)))
      g_ptr_array_add (self->diagnostics, g_ptr_array_index (diagnostics, i));
  update_problem (self);
  return self->diagnostics->len;
}

void
moped_inspector_field_refresh (MopedInspectorField *self)
{
  g_autofree char *text = NULL;
  gboolean mixed;
  gboolean changed;

  g_return_if_fail (MOPED_IS_INSPECTOR_FIELD (self));

  text = model_text (self, &mixed);
  gtk_widget_set_sensitive (GTK_WIDGET (self), first_element (self) != NULL);
  if (self->editing)
    {
      /* Our own edit: the control already shows what the user typed. */
      g_free (self->synced);
      self->synced = g_steal_pointer (&text);
      self->mixed = mixed;
      return;
    }
  changed = self->synced == NULL || g_strcmp0 (text, self->synced) != 0 || mixed != self->mixed;
  if (changed)
    {
      g_free (self->synced);
      self->synced = g_steal_pointer (&text);
      self->mixed = mixed;
      g_clear_pointer (&self->parse_error, g_free);
    }
  if (self->control_type == CONTROL_DROP_DOWN && (changed || self->choices_stale))
    {
      update_choices (self);
      self->choices_stale = FALSE;
      changed = TRUE;
    }
  if (changed)
    {
      show_value (self);
      update_problem (self);
    }
}

gboolean
moped_inspector_field_grab_focus (MopedInspectorField *self)
{
  g_return_val_if_fail (MOPED_IS_INSPECTOR_FIELD (self), FALSE);
  return gtk_widget_grab_focus (moped_inspector_field_get_control (self));
}

gboolean
moped_inspector_field_is_wide (MopedInspectorField *self)
{
  g_return_val_if_fail (MOPED_IS_INSPECTOR_FIELD (self), FALSE);
  return self->control_type == CONTROL_TEXT_VIEW;
}

/* ---- helpers ------------------------------------------------------------------------------ */

static void
collect_fields (GtkWidget *widget,
                GPtrArray *out)
{
  if (MOPED_IS_INSPECTOR_FIELD (widget))
    {
      g_ptr_array_add (out, widget);
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect_fields (child, out);
}

GPtrArray *
moped_inspector_collect_fields (GtkWidget *root)
{
  GPtrArray *out = g_ptr_array_new ();

  g_return_val_if_fail (GTK_IS_WIDGET (root), out);
  collect_fields (root, out);
  return out;
}

MopedInspectorField *
moped_inspector_find_field (GtkWidget  *root,
                            const char *id,
                            MopedProp   prop)
{
  g_autoptr(GPtrArray) fields = NULL;

  g_return_val_if_fail (GTK_IS_WIDGET (root), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  fields = moped_inspector_collect_fields (root);
  for (guint i = 0; i < fields->len; i++)
    {
      MopedInspectorField *field = g_ptr_array_index (fields, i);

      if (field->prop == prop && g_strv_contains ((const char * const *) field->ids, id))
        return field;
    }
  return NULL;
}
