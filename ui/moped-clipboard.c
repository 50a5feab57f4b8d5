/* moped-clipboard.c: .moped fragments: making one from a selection, pasting one, carrying one on the clipboard.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Copying is done by the schema table: every property is carried as its file-format
 * text, references are set once every copied element exists, and an element whose
 * owning reference points outside the copy is left out (it cannot live without it).
 */
#define G_LOG_DOMAIN "moped-ui"

#include <string.h>

#include "moped-clipboard.h"
#include "moped-file.h"
#include "moped-schema.h"

typedef struct
{
  MopedDesign *target;
  GHashTable  *map;      /* source element -> its copy (or the element it maps onto) */
  GPtrArray   *copied;   /* source elements copied, in order */
} Copier;

static void
copier_init (Copier      *copier,
             MopedDesign *target)
{
  copier->target = target;
  copier->map = g_hash_table_new (NULL, NULL);
  copier->copied = g_ptr_array_new ();
}

static void
copier_clear (Copier *copier)
{
  g_hash_table_unref (copier->map);
  g_ptr_array_unref (copier->copied);
}

static MopedElement *
copy_tree (Copier       *copier,
           MopedElement *parent,
           MopedElement *source)
{
  MopedKind kind = moped_element_get_kind (source);
  const MopedKindSpec *spec = moped_schema_get_kind (kind);
  const char *id = moped_element_get_id (source);
  MopedElement *copy;

  /* Keep the id where it is free: a paste into another design stays recognisable. */
  if (moped_design_lookup (copier->target, id) != NULL)
    id = NULL;
  copy = moped_design_add (copier->target, parent, kind, -1, id);
  g_return_val_if_fail (copy != NULL, NULL);

  for (guint i = 0; i < spec->n_props; i++)
    {
      const MopedPropSpec *prop = &spec->props[i];
      g_autofree char *text = NULL;

      if (prop->type == MOPED_VALUE_REF)
        continue;
      text = moped_element_dup_value_text (source, prop->prop);
      /* A fragment must load again: a required name left empty gets the kind's. */
      if ((prop->flags & MOPED_PROP_FLAG_REQUIRED) && *text == '\0')
        {
          g_free (text);
          text = g_strdup (spec->label);
        }
      moped_design_set_from_text (copier->target, copy, prop->prop, text, NULL);
    }
  g_hash_table_insert (copier->map, source, copy);
  g_ptr_array_add (copier->copied, source);

  for (guint i = 0; i < moped_element_get_n_children (source); i++)
    copy_tree (copier, copy, moped_element_get_child (source, i));
  return copy;
}

static void
resolve_refs (Copier *copier)
{
  for (guint i = 0; i < copier->copied->len; i++)
    {
      MopedElement *source = g_ptr_array_index (copier->copied, i);
      MopedElement *copy = g_hash_table_lookup (copier->map, source);
      const MopedKindSpec *spec = moped_schema_get_kind (moped_element_get_kind (source));

      for (guint p = 0; p < spec->n_props && moped_element_get_design (copy) == copier->target; p++)
        {
          const MopedPropSpec *prop = &spec->props[p];
          MopedElement *target;
          MopedElement *mapped;

          if (prop->type != MOPED_VALUE_REF)
            continue;
          target = moped_element_get_ref (source, prop->prop);
          mapped = target ? g_hash_table_lookup (copier->map, target) : NULL;
          if (mapped != NULL && moped_element_get_design (mapped) == copier->target)
            moped_design_set_ref (copier->target, copy, prop->prop, mapped);
          else if (target != NULL && (prop->flags & MOPED_PROP_FLAG_OWNING))
            moped_design_remove (copier->target, copy);
        }
    }
}

static void
offset (MopedDesign  *design,
        MopedElement *element,
        double        dx,
        double        dy)
{
  moped_design_set_double (design, element, MOPED_PROP_X, moped_element_get_double (element, MOPED_PROP_X) + dx);
  moped_design_set_double (design, element, MOPED_PROP_Y, moped_element_get_double (element, MOPED_PROP_Y) + dy);
}

/* ---- fragments -------------------------------------------------------------------- */

static gboolean
has_node (GHashTable   *nodes,
          MopedElement *socket)
{
  return socket != NULL && g_hash_table_contains (nodes, moped_element_get_parent (socket));
}

char *
moped_clipboard_serialize (MopedDesign *design,
                           GPtrArray   *elements,
                           gsize       *length)
{
  g_autoptr(GHashTable) chosen = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) nodes = g_hash_table_new (NULL, NULL);
  g_autoptr(MopedDesign) fragment = NULL;
  static const MopedKind order[] = { MOPED_KIND_NODE, MOPED_KIND_PROTOCOL, MOPED_KIND_LINK, MOPED_KIND_NOTE };
  Copier copier;
  guint n = 0;

  g_return_val_if_fail (MOPED_IS_DESIGN (design), NULL);
  g_return_val_if_fail (elements != NULL, NULL);

  for (guint i = 0; i < elements->len; i++)
    {
      MopedElement *element = g_ptr_array_index (elements, i);
      MopedKind kind = moped_element_get_kind (element);

      if (kind == MOPED_KIND_NODE)
        g_hash_table_add (nodes, element);
      if (kind == MOPED_KIND_NODE || kind == MOPED_KIND_NOTE)
        g_hash_table_add (chosen, element);
    }

  /* Links come along when both their ends do; so do the protocols they carry. */
  {
    g_autoptr(GPtrArray) links = moped_design_collect (design, MOPED_KIND_LINK);

    for (guint i = 0; i < links->len; i++)
      {
        MopedElement *link = g_ptr_array_index (links, i);
        MopedElement *protocol = moped_element_get_ref (link, MOPED_PROP_PROTOCOL);

        if (!has_node (nodes, moped_element_get_ref (link, MOPED_PROP_FROM)) ||
            !has_node (nodes, moped_element_get_ref (link, MOPED_PROP_TO)))
          continue;
        g_hash_table_add (chosen, link);
        if (protocol != NULL)
          g_hash_table_add (chosen, protocol);
      }
  }
  if (g_hash_table_size (chosen) == 0)
    return NULL;

  fragment = moped_design_new ();
  moped_design_set_string (fragment, moped_design_get_root (fragment), MOPED_PROP_NAME, "Clipboard");
  copier_init (&copier, fragment);
  moped_design_begin (fragment, "Copy");
  for (guint k = 0; k < G_N_ELEMENTS (order); k++)
    {
      g_autoptr(GPtrArray) all = moped_design_collect (design, order[k]);

      for (guint i = 0; i < all->len; i++)
        if (g_hash_table_contains (chosen, g_ptr_array_index (all, i)))
          {
            copy_tree (&copier, moped_design_get_root (fragment), g_ptr_array_index (all, i));
            n++;
          }
    }
  resolve_refs (&copier);
  moped_design_end (fragment);
  copier_clear (&copier);

  return n > 0 ? moped_file_to_data (fragment, length) : NULL;
}

static MopedDesign *
load_fragment (const char  *data,
               gsize        length,
               GError     **error)
{
  if (data == NULL || length == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "The clipboard is empty");
      return NULL;
    }
  return moped_file_load_data (data, (gssize) length, "clipboard", error);
}

gboolean
moped_clipboard_get_bounds (const char *data,
                            gsize       length,
                            double     *x,
                            double     *y,
                            double     *width,
                            double     *height)
{
  g_autoptr(MopedDesign) fragment = load_fragment (data, length, NULL);
  static const MopedKind kinds[] = { MOPED_KIND_NODE, MOPED_KIND_NOTE };
  double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;

  if (fragment == NULL)
    return FALSE;
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr(GPtrArray) all = moped_design_collect (fragment, kinds[k]);

      for (guint i = 0; i < all->len; i++)
        {
          MopedElement *element = g_ptr_array_index (all, i);
          double ex = moped_element_get_double (element, MOPED_PROP_X);
          double ey = moped_element_get_double (element, MOPED_PROP_Y);

          x0 = MIN (x0, ex);
          y0 = MIN (y0, ey);
          x1 = MAX (x1, ex + moped_element_get_double (element, MOPED_PROP_WIDTH));
          y1 = MAX (y1, ey + moped_element_get_double (element, MOPED_PROP_HEIGHT));
        }
    }
  if (x0 > x1)
    return FALSE;
  if (x)
    *x = x0;
  if (y)
    *y = y0;
  if (width)
    *width = x1 - x0;
  if (height)
    *height = y1 - y0;
  return TRUE;
}

/* Whether a child of the design's root other than @self, of @self's kind, is called @name. */
static gboolean
root_name_taken (MopedDesign  *design,
                 MopedElement *self,
                 const char   *name)
{
  g_autoptr(GPtrArray) all = moped_element_get_children_of_kind (moped_design_get_root (design),
                                                                  moped_element_get_kind (self));

  for (guint i = 0; i < all->len; i++)
    if (g_ptr_array_index (all, i) != self && g_strcmp0 (moped_element_get_name (g_ptr_array_index (all, i)), name) == 0)
      return TRUE;
  return FALSE;
}

/* A pasted node or protocol whose name is taken becomes "Name 2" ("Name 3" after "Name 2"):
 * two nodes with one name are an error at once. */
static void
rename_if_taken (MopedDesign  *design,
                 MopedElement *copy)
{
  const char *name = moped_element_get_name (copy);
  g_autofree char *base = NULL;
  const char *end;

  if (name == NULL || name[0] == '\0' || !root_name_taken (design, copy, name))
    return;
  end = name + strlen (name);
  while (end > name && g_ascii_isdigit (end[-1]))
    end--;
  base = end > name && end[-1] == ' ' && *end != '\0' ? g_strndup (name, end - 1 - name) : g_strdup (name);
  for (guint n = 2;; n++)
    {
      g_autofree char *candidate = g_strdup_printf ("%s %u", base, n);

      if (!root_name_taken (design, copy, candidate))
        {
          moped_design_set_string (design, copy, MOPED_PROP_NAME, candidate);
          return;
        }
    }
}

GPtrArray *
moped_clipboard_insert (MopedDesign  *design,
                        const char   *data,
                        gsize         length,
                        double        dx,
                        double        dy,
                        GError      **error)
{
  g_autoptr(MopedDesign) fragment = NULL;
  g_autoptr(GPtrArray) protocols = NULL;
  static const MopedKind kinds[] = { MOPED_KIND_NODE, MOPED_KIND_NOTE, MOPED_KIND_LINK };
  MopedElement *root;
  GPtrArray *added;
  Copier copier;

  g_return_val_if_fail (MOPED_IS_DESIGN (design), NULL);

  fragment = load_fragment (data, length, error);
  if (fragment == NULL)
    return NULL;

  root = moped_design_get_root (design);
  added = g_ptr_array_new ();
  copier_init (&copier, design);
  moped_design_begin (design, "Paste");

  /* The same protocol pasted back where it came from is not a second protocol. */
  protocols = moped_design_collect (fragment, MOPED_KIND_PROTOCOL);
  for (guint i = 0; i < protocols->len; i++)
    {
      MopedElement *protocol = g_ptr_array_index (protocols, i);
      MopedElement *existing = moped_design_lookup (design, moped_element_get_id (protocol));

      if (existing != NULL && moped_element_get_kind (existing) == MOPED_KIND_PROTOCOL &&
          g_strcmp0 (moped_element_get_name (existing), moped_element_get_name (protocol)) == 0)
        g_hash_table_insert (copier.map, protocol, existing);
      else
        {
          MopedElement *copy = copy_tree (&copier, root, protocol);

          if (copy != NULL)
            rename_if_taken (design, copy);
        }
    }

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr(GPtrArray) all = moped_design_collect (fragment, kinds[k]);

      for (guint i = 0; i < all->len; i++)
        {
          MopedElement *copy = copy_tree (&copier, root, g_ptr_array_index (all, i));

          if (copy == NULL)
            continue;
          if (kinds[k] != MOPED_KIND_LINK)
            offset (design, copy, dx, dy);
          if (kinds[k] == MOPED_KIND_NODE)
            rename_if_taken (design, copy);
          g_ptr_array_add (added, copy);
        }
    }
  resolve_refs (&copier);
  moped_design_end (design);
  copier_clear (&copier);

  for (guint i = added->len; i > 0; i--)
    if (moped_element_get_design (g_ptr_array_index (added, i - 1)) != design)
      g_ptr_array_remove_index (added, i - 1);
  return added;
}

/* ---- the system clipboard ------------------------------------------------------------ */

gboolean
moped_clipboard_copy (GdkClipboard *clipboard,
                      MopedDesign  *design,
                      GPtrArray    *elements)
{
  g_autoptr(GdkContentProvider) provider = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GdkContentProvider *providers[3];
  gsize length = 0;
  char *data;

  g_return_val_if_fail (GDK_IS_CLIPBOARD (clipboard), FALSE);

  data = moped_clipboard_serialize (design, elements, &length);
  if (data == NULL)
    return FALSE;
  bytes = g_bytes_new_take (data, length);
  providers[0] = gdk_content_provider_new_for_bytes (MOPED_CLIPBOARD_MIME_TYPE, bytes);
  providers[1] = gdk_content_provider_new_for_bytes ("text/plain;charset=utf-8", bytes);
  providers[2] = gdk_content_provider_new_for_bytes ("text/plain", bytes);
  provider = gdk_content_provider_new_union (providers, G_N_ELEMENTS (providers));
  return gdk_clipboard_set_content (clipboard, provider);
}

static void
splice_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (g_output_stream_splice_finish (G_OUTPUT_STREAM (source), result, &error) < 0)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (source)),
                           (GDestroyNotify) g_bytes_unref);
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GOutputStream) memory = NULL;
  GError *error = NULL;

  stream = gdk_clipboard_read_finish (GDK_CLIPBOARD (source), result, NULL, &error);
  if (stream == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  memory = g_memory_output_stream_new_resizable ();
  g_output_stream_splice_async (memory, stream,
                                G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                G_PRIORITY_DEFAULT, g_task_get_cancellable (task), splice_cb,
                                g_object_ref (task));
}

void
moped_clipboard_read_async (GdkClipboard        *clipboard,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  static const char *mime_types[] = {
    MOPED_CLIPBOARD_MIME_TYPE, "text/plain;charset=utf-8", "text/plain", NULL
  };
  GTask *task;

  g_return_if_fail (GDK_IS_CLIPBOARD (clipboard));

  task = g_task_new (clipboard, cancellable, callback, user_data);
  g_task_set_source_tag (task, moped_clipboard_read_async);
  gdk_clipboard_read_async (clipboard, mime_types, G_PRIORITY_DEFAULT, cancellable, read_cb, task);
}

GBytes *
moped_clipboard_read_finish (GdkClipboard  *clipboard,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, clipboard), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
