/* moped-window-find.c: Find (Ctrl+F): the design's named elements in one filtered list; choosing one shows and selects it where it is edited.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A search bar above the views (Ctrl+F, or Find… in the main menu; the header bar keeps
 * its room for the design's name): an entry over a list of nodes,
 * sockets, links, notes, protocols, commands, flows and requirements whose name (or a
 * link's ends, a note's text) contains what was typed, those that start with it first.
 * Enter or a click reveals the element as the Problems list does: on the canvas,
 * selected, for what is drawn; on the Protocols page for protocols, commands and
 * flows; in the inspector for a requirement. Escape closes the bar.
 */
#define G_LOG_DOMAIN "moped-ui"

#include "config.h"

#include <string.h>

#include "moped-inspector-util.h"
#include "moped-schema.h"
#include "moped-window-private.h"

#define MAX_ROWS 200

/* What Find searches, in the order the list groups them. */
static const MopedKind found_kinds[] = {
  MOPED_KIND_NODE, MOPED_KIND_SOCKET, MOPED_KIND_LINK, MOPED_KIND_NOTE,
  MOPED_KIND_PROTOCOL, MOPED_KIND_COMMAND, MOPED_KIND_FLOW, MOPED_KIND_REQUIREMENT,
};

/* Where @element lives, in words: "on client", "in protocol Echo". */
static char *
context_of (MopedElement *element)
{
  MopedElement *node = moped_element_get_ancestor (element, MOPED_KIND_NODE);
  MopedElement *protocol = moped_element_get_ancestor (element, MOPED_KIND_PROTOCOL);
  MopedElement *target;

  switch (moped_element_get_kind (element))
    {
    case MOPED_KIND_SOCKET:
      return node ? g_strdup_printf ("on %s", moped_element_get_name (node)) : NULL;
    case MOPED_KIND_COMMAND:
    case MOPED_KIND_FLOW:
      return protocol ? g_strdup_printf ("in protocol %s", moped_element_get_name (protocol)) : NULL;
    case MOPED_KIND_REQUIREMENT:
      target = moped_element_get_ref (element, MOPED_PROP_TARGET);
      if (target != NULL)
        {
          g_autofree char *on = moped_inspector_describe_element (target);

          return g_strdup_printf ("on %s", on);
        }
      return g_strdup ("on the design");
    case MOPED_KIND_LINK:
      {
        const char *label = moped_element_get_string (element, MOPED_PROP_LABEL);

        return *label ? g_strdup (label) : NULL;
      }
    default:
      return NULL;
    }
}

/* The text Find matches and shows for @element: its name, a socket's "node.socket", a
 * link's ends, a note's first line. */
static char *
title_of (MopedElement *element)
{
  MopedKind kind = moped_element_get_kind (element);

  if (kind == MOPED_KIND_SOCKET || kind == MOPED_KIND_LINK || kind == MOPED_KIND_NOTE)
    return moped_inspector_describe_element (element);
  return g_strdup (moped_element_get_name (element));
}

typedef struct
{
  MopedElement *element;
  char         *title;
  char         *context;
  int           rank;     /* 0: the title starts with the query, 1: contains it */
} Match;

static void
match_clear (gpointer data)
{
  Match *m = data;

  g_free (m->title);
  g_free (m->context);
}

/* The elements of @design matching @query (case does not matter; "" matches all), in
 * a stable order: those whose title starts with @query first, then by kind and design order. */
static GArray *
find_matches (MopedDesign *design,
              const char  *query)
{
  GArray *matches = g_array_new (FALSE, TRUE, sizeof (Match));
  g_autofree char *needle = g_utf8_casefold (query ? query : "", -1);
  g_autoptr(GArray) sorted = NULL;

  g_array_set_clear_func (matches, match_clear);
  g_strstrip (needle);
  for (guint k = 0; k < G_N_ELEMENTS (found_kinds); k++)
    {
      g_autoptr(GPtrArray) elements = moped_design_collect (design, found_kinds[k]);

      for (guint i = 0; i < elements->len; i++)
        {
          MopedElement *element = g_ptr_array_index (elements, i);
          g_autofree char *title = title_of (element);
          g_autofree char *context = context_of (element);
          g_autofree char *folded = g_utf8_casefold (title, -1);
          g_autofree char *folded_context = g_utf8_casefold (context ? context : "", -1);
          const char *at = strstr (folded, needle);
          Match m = { element, NULL, NULL, at == folded ? 0 : 1 };

          if (at == NULL && (*needle == '\0' || strstr (folded_context, needle) == NULL))
            continue;
          if (at == NULL)
            m.rank = 2;  /* only its context matches: "client" finds client's sockets too */
          m.title = g_steal_pointer (&title);
          m.context = g_steal_pointer (&context);
          g_array_append_val (matches, m);
        }
    }
  /* g_array_sort is not stable: take the few ranks one after the other instead. */
  sorted = g_array_new (FALSE, TRUE, sizeof (Match));
  for (int rank = 0; rank <= 2; rank++)
    for (guint i = 0; i < matches->len; i++)
      if (g_array_index (matches, Match, i).rank == rank)
        g_array_append_val (sorted, g_array_index (matches, Match, i));
  g_array_set_clear_func (matches, NULL);  /* the strings moved to @sorted */
  g_array_set_size (matches, 0);
  g_array_append_vals (matches, sorted->data, sorted->len);
  g_array_set_clear_func (matches, match_clear);
  return matches;
}

static GtkWidget *
row_new (const Match *m)
{
  const MopedKindSpec *ks = moped_schema_get_kind (moped_element_get_kind (m->element));
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (*m->title ? m->title : "(no name)");
  g_autofree char *sub = m->context ? g_strdup_printf ("%s %s", ks->label, m->context) : g_strdup (ks->label);
  GtkWidget *subtitle = gtk_label_new (sub);
  g_autofree char *spoken = g_strdup_printf ("%s %s", sub, m->title);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), subtitle);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  /* One name per row, what it is before what it is called: "Socket on server reply". */
  moped_inspector_set_accessible_label (row, spoken);
  g_object_set_data_full (G_OBJECT (row), "moped-element-id", g_strdup (moped_element_get_id (m->element)), g_free);
  return row;
}

static void
refill (MopedWindow *self)
{
  const char *query = gtk_editable_get_text (self->find_entry);
  g_autoptr(GArray) matches = find_matches (self->design, query);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->find_list))) != NULL)
    gtk_list_box_remove (self->find_list, child);
  for (guint i = 0; i < matches->len && i < MAX_ROWS; i++)
    gtk_list_box_append (self->find_list, row_new (&g_array_index (matches, Match, i)));
  gtk_list_box_select_row (self->find_list, gtk_list_box_get_row_at_index (self->find_list, 0));
}

/* Show the element of @row where it is edited, and close the popover. */
static void
go_to_row (MopedWindow   *self,
           GtkListBoxRow *row)
{
  g_autofree char *id = NULL;

  if (row == NULL)
    return;
  id = g_strdup (g_object_get_data (G_OBJECT (row), "moped-element-id"));
  gtk_search_bar_set_search_mode (self->find_bar, FALSE);
  _moped_window_reveal (self, id);
}

static void
on_find_activate (MopedWindow *self)
{
  go_to_row (self, gtk_list_box_get_selected_row (self->find_list));
}

static void
on_row_activated (MopedWindow   *self,
                  GtkListBoxRow *row)
{
  go_to_row (self, row);
}

static void
on_stop_search (MopedWindow *self)
{
  gtk_search_bar_set_search_mode (self->find_bar, FALSE);
}

/* Up and Down move through the matches while the cursor stays in the entry. */
static void
move_selection (MopedWindow *self,
                int          by)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->find_list);
  int index = row ? gtk_list_box_row_get_index (row) + by : 0;
  GtkListBoxRow *next = gtk_list_box_get_row_at_index (self->find_list, MAX (index, 0));

  if (next != NULL)
    {
      gtk_list_box_select_row (self->find_list, next);
      gtk_widget_grab_focus (GTK_WIDGET (self->find_entry));
    }
}

static void
on_next_match (MopedWindow *self)
{
  move_selection (self, 1);
}

static void
on_previous_match (MopedWindow *self)
{
  move_selection (self, -1);
}

static gboolean
on_entry_key (GtkEventControllerKey *key,
              guint                  keyval,
              guint                  keycode,
              GdkModifierType        state,
              MopedWindow           *self)
{
  if (keyval == GDK_KEY_Down || keyval == GDK_KEY_KP_Down)
    move_selection (self, 1);
  else if (keyval == GDK_KEY_Up || keyval == GDK_KEY_KP_Up)
    move_selection (self, -1);
  else
    return FALSE;
  return TRUE;
}

static void ensure_find_bar (MopedWindow *self);

void
_moped_window_find (MopedWindow *self)
{
  _moped_window_ensure_panels (self);
  ensure_find_bar (self);
  gtk_search_bar_set_search_mode (self->find_bar, TRUE);
  refill (self);
  gtk_editable_select_region (self->find_entry, 0, -1);
  gtk_widget_grab_focus (GTK_WIDGET (self->find_entry));
}

/* The bar is built when Find is first opened: its entry, list and their classes cost
 * about 1 % of the work before the first frame, for something most sessions open later
 * or never. Every other use of find_bar, find_entry and find_list is a callback of these
 * widgets. */
static void
ensure_find_bar (MopedWindow *self)
{
  GtkWidget *bar;
  GtkWidget *box, *entry, *scroller, *list;
  GtkEventController *key;
  GtkWidget *content;

  if (self->find_bar != NULL)
    return;
  bar = gtk_search_bar_new ();
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  entry = gtk_search_entry_new ();
  scroller = gtk_scrolled_window_new ();
  list = gtk_list_box_new ();
  key = gtk_event_controller_key_new ();
  content = gtk_widget_get_parent (GTK_WIDGET (self->error_bar));

  g_object_set (entry, "placeholder-text", "Find nodes, sockets, protocols…", NULL);
  moped_inspector_set_accessible_label (entry, "Find in the Design");
  gtk_widget_set_size_request (entry, 360, -1);
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_BROWSE);
  gtk_widget_add_css_class (list, "boxed-list");
  moped_inspector_set_accessible_label (list, "Found Elements");
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 280);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), list);
  gtk_box_append (GTK_BOX (box), entry);
  gtk_box_append (GTK_BOX (box), scroller);
  gtk_search_bar_set_child (GTK_SEARCH_BAR (bar), box);
  gtk_search_bar_connect_entry (GTK_SEARCH_BAR (bar), GTK_EDITABLE (entry));
  gtk_search_bar_set_show_close_button (GTK_SEARCH_BAR (bar), TRUE);
  g_assert (GTK_IS_BOX (content));
  gtk_box_prepend (GTK_BOX (content), bar);

  self->find_bar = GTK_SEARCH_BAR (bar);
  self->find_entry = GTK_EDITABLE (entry);
  self->find_list = GTK_LIST_BOX (list);

  g_signal_connect_object (entry, "search-changed", G_CALLBACK (refill), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (entry, "activate", G_CALLBACK (on_find_activate), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (entry, "stop-search", G_CALLBACK (on_stop_search), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (entry, "next-match", G_CALLBACK (on_next_match), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (entry, "previous-match", G_CALLBACK (on_previous_match), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (list, "row-activated", G_CALLBACK (on_row_activated), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (key, "key-pressed", G_CALLBACK (on_entry_key), self, 0);
  gtk_event_controller_set_propagation_phase (key, GTK_PHASE_CAPTURE);
  gtk_widget_add_controller (entry, key);
}
