/* moped-author-history.c: per-author undo that checks the present before taking anything back.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-model"

#include <string.h>

#include "moped-author-history.h"
#include "moped-schema.h"

/* Steps each person can take back: a long session keeps its memory in bounds. */
#define UNDO_LIMIT 1000

typedef struct
{
  char      *label;
  char      *coalesce_key;
  GPtrArray *ops;     /* of MopedOp, as they happened */
} Entry;

typedef enum
{
  BUSY_NONE,
  BUSY_UNDO,
  BUSY_REDO,
} Busy;

struct _MopedAuthorHistory
{
  char       *me;
  GPtrArray  *undo;        /* of Entry */
  GPtrArray  *redo;
  GHashTable *creator;     /* id -> author */
  GHashTable *writer;      /* "id\x1fprop" -> author */
  GHashTable *names;       /* author -> display name */
  Busy        busy;
  char       *busy_label;
};

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_free (entry->label);
  g_free (entry->coalesce_key);
  g_ptr_array_unref (entry->ops);
  g_free (entry);
}

MopedAuthorHistory *
moped_author_history_new (const char *me)
{
  MopedAuthorHistory *self = g_new0 (MopedAuthorHistory, 1);

  self->me = g_strdup (me);
  self->undo = g_ptr_array_new_with_free_func (entry_free);
  self->redo = g_ptr_array_new_with_free_func (entry_free);
  self->creator = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->writer = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return self;
}

void
moped_author_history_free (MopedAuthorHistory *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->undo);
  g_ptr_array_unref (self->redo);
  g_hash_table_unref (self->creator);
  g_hash_table_unref (self->writer);
  g_hash_table_unref (self->names);
  g_free (self->busy_label);
  g_free (self->me);
  g_free (self);
}

void
moped_author_history_set_display_name (MopedAuthorHistory *self,
                                       const char         *author,
                                       const char         *name)
{
  g_hash_table_replace (self->names, g_strdup (author), g_strdup (name));
}

static const char *
display_name (MopedAuthorHistory *self,
              const char         *author)
{
  const char *name = g_hash_table_lookup (self->names, author);

  return name ? name : author;
}

static char *
writer_key (const char *id,
            MopedProp   prop)
{
  return g_strdup_printf ("%s\x1f%s", id, moped_schema_get_prop_name (prop));
}

static void
set_writer (MopedAuthorHistory *self,
            const char         *id,
            MopedProp           prop,
            const char         *author)
{
  g_hash_table_replace (self->writer, writer_key (id, prop), g_strdup (author));
}

static const char *
get_writer (MopedAuthorHistory *self,
            const char         *id,
            MopedProp           prop)
{
  g_autofree char *key = writer_key (id, prop);

  return g_hash_table_lookup (self->writer, key);
}

static void
forget_id (MopedAuthorHistory *self,
           const char         *id)
{
  g_hash_table_remove (self->creator, id);
  for (guint p = 0; p < MOPED_N_PROPS; p++)
    {
      g_autofree char *key = writer_key (id, p);

      g_hash_table_remove (self->writer, key);
    }
}

/* What went with a removal is nobody's any more: who made it is learned again if it
 * is put back (its ADD ops come through here), so the tables only hold what exists. */
static void
forget (MopedAuthorHistory *self,
        const MopedOp      *op)
{
  g_autoptr(GPtrArray) restore = op->restore ? moped_ops_from_text (op->restore, NULL) : NULL;

  forget_id (self, op->id);
  for (guint i = 0; restore != NULL && i < restore->len; i++)
    {
      const MopedOp *r = g_ptr_array_index (restore, i);

      if (r->type == MOPED_OP_ADD)
        forget_id (self, r->id);
    }
}

void
moped_author_history_note_authors (MopedAuthorHistory *self,
                                   const char         *author,
                                   GPtrArray          *ops)
{
  for (guint i = 0; i < ops->len; i++)
    {
      const MopedOp *op = g_ptr_array_index (ops, i);

      if (op->type == MOPED_OP_ADD)
        {
          g_hash_table_replace (self->creator, g_strdup (op->id), g_strdup (author));
          for (guint p = 0; op->values != NULL && p < MOPED_N_PROPS; p++)
            if (op->values[p] != NULL)
              set_writer (self, op->id, p, author);
        }
      else if (op->type == MOPED_OP_SET)
        set_writer (self, op->id, op->prop, author);
      else if (op->type == MOPED_OP_REMOVE)
        forget (self, op);
    }
}

static GPtrArray *
copy_ops (GPtrArray *ops)
{
  GPtrArray *copy = moped_ops_new ();

  for (guint i = 0; i < ops->len; i++)
    g_ptr_array_add (copy, moped_op_copy (g_ptr_array_index (ops, i)));
  return copy;
}

void
moped_author_history_push (MopedAuthorHistory *self,
                           const char         *label,
                           const char         *coalesce_key,
                           GPtrArray          *ops)
{
  Entry *entry;
  Entry *top;

  moped_author_history_note_authors (self, self->me, ops);

  if (self->busy == BUSY_UNDO || self->busy == BUSY_REDO)
    {
      entry = g_new0 (Entry, 1);
      entry->label = g_strdup (self->busy_label);
      entry->ops = copy_ops (ops);
      g_ptr_array_add (self->busy == BUSY_UNDO ? self->redo : self->undo, entry);
      return;
    }

  g_ptr_array_set_size (self->redo, 0);
  top = self->undo->len ? g_ptr_array_index (self->undo, self->undo->len - 1) : NULL;
  if (top != NULL && coalesce_key != NULL && g_strcmp0 (top->coalesce_key, coalesce_key) == 0)
    {
      for (guint i = 0; i < ops->len; i++)
        g_ptr_array_add (top->ops, moped_op_copy (g_ptr_array_index (ops, i)));
      return;
    }
  entry = g_new0 (Entry, 1);
  entry->label = g_strdup (label);
  entry->coalesce_key = g_strdup (coalesce_key);
  entry->ops = copy_ops (ops);
  g_ptr_array_add (self->undo, entry);
  if (self->undo->len > UNDO_LIMIT)
    g_ptr_array_remove_range (self->undo, 0, self->undo->len - UNDO_LIMIT);
}

void
moped_author_history_get_size (MopedAuthorHistory *self,
                               guint              *n_steps,
                               guint              *n_tracked)
{
  *n_steps = self->undo->len;
  *n_tracked = g_hash_table_size (self->creator) + g_hash_table_size (self->writer);
}

const char *
moped_author_history_get_undo_label (MopedAuthorHistory *self)
{
  return self->undo->len ? ((Entry *) g_ptr_array_index (self->undo, self->undo->len - 1))->label : NULL;
}

const char *
moped_author_history_get_redo_label (MopedAuthorHistory *self)
{
  return self->redo->len ? ((Entry *) g_ptr_array_index (self->redo, self->redo->len - 1))->label : NULL;
}

/* ---- inverses ---------------------------------------------------------------- */

static void
note (GPtrArray  *notes,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static void
note (GPtrArray  *notes,
      const char *format,
      ...)
{
  va_list args;

  if (notes == NULL)
    return;
  va_start (args, format);
  g_ptr_array_add (notes, g_strdup_vprintf (format, args));
  va_end (args);
}

static const char *
describe (MopedElement *element,
          const char   *id)
{
  const char *name = element ? moped_element_get_name (element) : "";

  return *name ? name : id;
}

static gboolean
is_other (MopedAuthorHistory *self,
          const char         *author)
{
  return author != NULL && g_strcmp0 (author, self->me) != 0;
}

static void
undo_set (MopedAuthorHistory *self,
          MopedDesign        *design,
          const MopedOp      *op,
          GPtrArray          *notes)
{
  MopedElement *element = moped_design_lookup (design, op->id);
  g_autofree char *now = NULL;
  g_autoptr(GError) error = NULL;
  const char *writer = get_writer (self, op->id, op->prop);
  const char *prop = moped_schema_get_prop_name (op->prop);

  if (element == NULL)
    {
      note (notes, "“%s” was removed since: its %s stays as it was", op->id, prop);
      return;
    }
  now = moped_element_dup_value_text (element, op->prop);
  if (g_strcmp0 (now, op->value) != 0 || is_other (self, writer))
    {
      note (notes, "The %s of “%s” was changed since by %s: left as it is", prop,
            describe (element, op->id), writer ? display_name (self, writer) : "someone else");
      return;
    }
  {
    g_autoptr(MopedOp) inverse = moped_op_new (MOPED_OP_SET, op->id);

    inverse->prop = op->prop;
    inverse->value = g_strdup (op->old_value);
    if (!moped_design_apply_op (design, inverse, &error))
      note (notes, "The %s of “%s” cannot go back: %s", prop, describe (element, op->id), error->message);
  }
}

/* Whose work removing @element would take with it, or NULL if only ours. */
static const char *
others_work (MopedAuthorHistory *self,
             MopedDesign        *design,
             MopedElement       *element)
{
  g_autoptr(GPtrArray) cleared = g_ptr_array_new ();
  g_autoptr(GPtrArray) doomed = moped_design_plan_removal (design, element, cleared);

  for (guint i = 0; i < doomed->len; i++)
    {
      MopedElement *d = g_ptr_array_index (doomed, i);
      const MopedKindSpec *ks = moped_schema_get_kind (moped_element_get_kind (d));
      const char *creator = g_hash_table_lookup (self->creator, moped_element_get_id (d));

      if (is_other (self, creator))
        return creator;
      for (guint p = 0; p < ks->n_props; p++)
        {
          const char *writer = get_writer (self, moped_element_get_id (d), ks->props[p].prop);

          if (is_other (self, writer))
            return writer;
        }
    }
  for (guint i = 0; i < cleared->len; i += 2)
    {
      const char *writer = get_writer (self, moped_element_get_id (g_ptr_array_index (cleared, i)),
                                       GPOINTER_TO_INT (g_ptr_array_index (cleared, i + 1)));

      if (is_other (self, writer))
        return writer;
    }
  return NULL;
}

static void
undo_add (MopedAuthorHistory *self,
          MopedDesign        *design,
          const MopedOp      *op,
          GPtrArray          *notes)
{
  MopedElement *element = moped_design_lookup (design, op->id);
  const char *other;

  if (element == NULL)
    return;   /* someone removed it already: nothing left to take back */
  other = others_work (self, design, element);
  if (other != NULL)
    {
      note (notes, "“%s” now holds work by %s: not removed", describe (element, op->id),
            display_name (self, other));
      return;
    }
  moped_design_remove (design, element);
}

/* Put back what a removal took, unless its place is gone or it is back already. */
static void
undo_remove (MopedAuthorHistory *self,
             MopedDesign        *design,
             const MopedOp      *op,
             GPtrArray          *notes)
{
  g_autoptr(GPtrArray) restore = NULL;
  g_autoptr(GError) error = NULL;
  const MopedOp *first;

  if (moped_design_lookup (design, op->id) != NULL)
    return;
  restore = moped_ops_from_text (op->restore ? op->restore : "", &error);
  if (restore == NULL || restore->len == 0)
    {
      note (notes, "“%s” cannot be put back: %s", op->id, error ? error->message : "nothing was kept");
      return;
    }
  first = g_ptr_array_index (restore, 0);
  if (moped_design_lookup (design, first->parent) == NULL)
    {
      note (notes, "“%s” cannot be put back: its place was removed since", op->id);
      return;
    }
  /* Whole or not at all: a link without one of its ends is no link. */
  {
    g_autoptr(GHashTable) coming = g_hash_table_new (g_str_hash, g_str_equal);

    for (guint i = 0; i < restore->len; i++)
      {
        const MopedOp *r = g_ptr_array_index (restore, i);

        if (r->type == MOPED_OP_ADD)
          g_hash_table_add (coming, r->id);
        else if (r->type == MOPED_OP_SET && r->value != NULL && *r->value != '\0' &&
                 !g_hash_table_contains (coming, r->value) && moped_design_lookup (design, r->value) == NULL)
          {
            note (notes, "“%s” cannot be put back: its %s “%s” was removed since", op->id,
                  moped_schema_get_prop_name (r->prop), r->value);
            return;
          }
      }
  }
  for (guint i = 0; i < restore->len; i++)
    {
      const MopedOp *r = g_ptr_array_index (restore, i);

      if (!moped_design_apply_op (design, r, &error))
        {
          note (notes, "“%s” cannot be put back whole: %s", op->id, error->message);
          g_clear_error (&error);
        }
    }
}

static void
undo_move (MopedAuthorHistory *self,
           MopedDesign        *design,
           const MopedOp      *op,
           GPtrArray          *notes)
{
  MopedElement *element = moped_design_lookup (design, op->id);
  g_autoptr(MopedOp) inverse = NULL;

  if (element == NULL)
    return;
  if (g_strcmp0 (moped_element_get_anchor (element), op->after) != 0)
    {
      note (notes, "“%s” was moved since: left where it is", describe (element, op->id));
      return;
    }
  inverse = moped_op_new (MOPED_OP_MOVE, op->id);
  inverse->after = g_strdup (op->old_after);
  moped_design_apply_op (design, inverse, NULL);
}

static gboolean
take_back (MopedAuthorHistory *self,
           MopedDesign        *design,
           GPtrArray          *from,
           Busy                busy,
           GPtrArray          *notes)
{
  Entry *entry;
  GHashTable *added;

  if (from->len == 0)
    return FALSE;
  entry = g_ptr_array_steal_index (from, from->len - 1);
  self->busy = busy;
  g_free (self->busy_label);
  self->busy_label = g_strdup (entry->label);

  /* Properties of elements this step added are not set back one by one: the element
   * goes as a whole, or stays whole when it holds someone else's work (a link with
   * its ends cleared would not even be a valid design). */
  added = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < entry->ops->len; i++)
    {
      const MopedOp *op = g_ptr_array_index (entry->ops, i);

      if (op->type == MOPED_OP_ADD)
        g_hash_table_add (added, op->id);
    }

  moped_design_begin (design, entry->label);
  for (guint i = entry->ops->len; i > 0; i--)
    {
      const MopedOp *op = g_ptr_array_index (entry->ops, i - 1);

      if (op->type == MOPED_OP_SET && g_hash_table_contains (added, op->id))
        continue;
      switch (op->type)
        {
        case MOPED_OP_ADD:
          undo_add (self, design, op, notes);
          break;
        case MOPED_OP_REMOVE:
          undo_remove (self, design, op, notes);
          break;
        case MOPED_OP_SET:
          undo_set (self, design, op, notes);
          break;
        case MOPED_OP_MOVE:
          undo_move (self, design, op, notes);
          break;
        default:
          g_assert_not_reached ();
        }
    }
  moped_design_end (design);
  g_hash_table_unref (added);

  self->busy = BUSY_NONE;
  entry_free (entry);
  return TRUE;
}

gboolean
moped_author_history_undo (MopedAuthorHistory *self,
                           MopedDesign        *design,
                           GPtrArray          *notes)
{
  return take_back (self, design, self->undo, BUSY_UNDO, notes);
}

gboolean
moped_author_history_redo (MopedAuthorHistory *self,
                           MopedDesign        *design,
                           GPtrArray          *notes)
{
  return take_back (self, design, self->redo, BUSY_REDO, notes);
}
