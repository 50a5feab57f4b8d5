/* moped-design.c: the design document, its id index, and the transactional edit API with undo.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * History is a stack of steps, each a list of primitive operations (insert, detach,
 * set, move) that can be applied and unapplied. An element taken out of the tree is
 * kept alive by the operation that took it out, so undo puts back the very same
 * element and observers' pointers stay meaningful.
 */
#define G_LOG_DOMAIN "moped-model"

#include <string.h>

#include <gio/gio.h>

#include "moped-design-private.h"
#include "moped-element-private.h"
#include "moped-ops.h"

typedef enum
{
  OP_INSERT,
  OP_DETACH,
  OP_SET,
  OP_MOVE,
} OpType;

typedef struct
{
  OpType        type;
  MopedElement *element;
  MopedElement *parent;     /* INSERT/DETACH */
  guint         index;      /* INSERT/DETACH: place within its kind; MOVE: old place */
  guint         new_index;  /* MOVE */
  MopedProp     prop;       /* SET */
  const MopedPropSpec *spec;/* SET: kept here, as the element may be freed first */
  MopedValue    old_value;  /* SET */
  MopedValue    new_value;  /* SET */
} Op;

typedef struct
{
  char   *label;
  char   *coalesce_key;
  GArray *ops;              /* of Op */
  guint64 serial;           /* identifies the state this step leads to */
} Step;

struct _MopedDesign
{
  GObject       parent_instance;

  MopedElement *root;
  GHashTable   *ids;          /* id -> attached element */
  guint         next_id[MOPED_N_KINDS];

  GPtrArray    *undo;         /* of Step, applied */
  GPtrArray    *redo;         /* of Step, unapplied */
  Step         *open;         /* the transaction being built */
  guint         depth;
  GArray       *changes;      /* of MopedChange, for the next "changed" */
  guint64       serial_counter;
  guint64       saved_serial; /* state serial at the last save or load */

  /* Shared designs (moped-ops.h): no history here; each transaction goes to commit. */
  char            *id_tag;
  guint            next_tagged[MOPED_N_KINDS];
  MopedCommitFunc  commit;
  MopedHistoryFunc history;
  gpointer         shared_data;
  GPtrArray       *capture;      /* of MopedOp, for the open transaction */
  guint64          shared_serial;
  char            *shared_undo_label;
  char            *shared_redo_label;

  guint         was_modified : 1;
  guint         could_undo : 1;
  guint         could_redo : 1;
};

struct _MopedTxn
{
  Step      *step;               /* applied */
  GPtrArray *ops;                /* of MopedOp */
};

G_DEFINE_FINAL_TYPE (MopedDesign, moped_design, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MODIFIED,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* ---- operations ------------------------------------------------------------ */

static const MopedPropSpec *
op_spec (const Op *op)
{
  return op->spec;
}

/* Whether the op, in its current state, owns a detached element. */
static void
op_clear (Op      *op,
          gboolean applied)
{
  switch (op->type)
    {
    case OP_INSERT:
      if (!applied)
        _moped_element_free (op->element);
      break;
    case OP_DETACH:
      if (applied)
        _moped_element_free (op->element);
      break;
    case OP_SET:
      _moped_value_clear (op_spec (op), &op->old_value);
      _moped_value_clear (op_spec (op), &op->new_value);
      break;
    case OP_MOVE:
    default:
      break;
    }
}

static void
step_free (Step    *step,
           gboolean applied)
{
  /* Values first, while every element they belong to still exists (a step may set a
   * property of an element it later detaches); then the elements, in reverse, since
   * later ops may own elements that earlier ops refer to. */
  for (guint i = step->ops->len; i > 0; i--)
    if (g_array_index (step->ops, Op, i - 1).type == OP_SET)
      op_clear (&g_array_index (step->ops, Op, i - 1), applied);
  for (guint i = step->ops->len; i > 0; i--)
    if (g_array_index (step->ops, Op, i - 1).type != OP_SET)
      op_clear (&g_array_index (step->ops, Op, i - 1), applied);
  g_array_unref (step->ops);
  g_free (step->label);
  g_free (step->coalesce_key);
  g_free (step);
}

static void
step_free_applied (gpointer data)
{
  step_free (data, TRUE);
}

static void
step_free_unapplied (gpointer data)
{
  step_free (data, FALSE);
}

static void
note_change (MopedDesign    *self,
             MopedChangeType type,
             MopedElement   *element,
             MopedProp       prop)
{
  MopedChange change = { type, element, prop };

  g_array_append_val (self->changes, change);
}

static void
index_add_cb (MopedElement *element,
              gpointer      user_data)
{
  MopedDesign *self = user_data;

  element->design = self;
  g_hash_table_insert (self->ids, element->id, element);
}

static void
index_remove_cb (MopedElement *element,
                 gpointer      user_data)
{
  MopedDesign *self = user_data;

  g_hash_table_remove (self->ids, element->id);
  element->design = NULL;
}

static void
attach (MopedDesign  *self,
        MopedElement *parent,
        MopedElement *element,
        guint         index)
{
  _moped_element_insert_child (parent, element, (int) index);
  _moped_element_foreach (element, index_add_cb, self);
  note_change (self, MOPED_CHANGE_ADDED, element, 0);
}

static guint
detach (MopedDesign  *self,
        MopedElement *element)
{
  guint index = _moped_element_take_child (element->parent, element);

  _moped_element_foreach (element, index_remove_cb, self);
  note_change (self, MOPED_CHANGE_REMOVED, element, 0);
  return index;
}

static void
set_value (MopedDesign  *self,
           MopedElement *element,
           MopedProp     prop,
           MopedValue    value)
{
  int slot;
  const MopedPropSpec *spec = _moped_element_get_spec (element, prop, &slot);

  _moped_value_clear (spec, &element->values[slot]);
  element->values[slot] = _moped_value_copy (spec, value);
  note_change (self, MOPED_CHANGE_SET, element, prop);
}

static void
move_to (MopedDesign  *self,
         MopedElement *element,
         guint         index)
{
  MopedElement *parent = element->parent;

  _moped_element_take_child (parent, element);
  _moped_element_insert_child (parent, element, (int) index);
  note_change (self, MOPED_CHANGE_MOVED, element, 0);
}

static void
op_apply (MopedDesign *self,
          Op          *op,
          gboolean     forward)
{
  switch (op->type)
    {
    case OP_INSERT:
    case OP_DETACH:
      if ((op->type == OP_INSERT) == forward)
        attach (self, op->parent, op->element, op->index);
      else
        detach (self, op->element);
      break;
    case OP_SET:
      set_value (self, op->element, op->prop, forward ? op->new_value : op->old_value);
      break;
    case OP_MOVE:
      move_to (self, op->element, forward ? op->new_index : op->index);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* ---- transactions ------------------------------------------------------------- */

static Step *
step_new (const char *label,
          const char *coalesce_key)
{
  Step *step = g_new0 (Step, 1);

  step->label = g_strdup (label ? label : "Edit");
  step->coalesce_key = g_strdup (coalesce_key);
  step->ops = g_array_new (FALSE, TRUE, sizeof (Op));
  return step;
}

static void
notify_state (MopedDesign *self)
{
  gboolean modified = moped_design_get_modified (self);
  gboolean can_undo = moped_design_can_undo (self);
  gboolean can_redo = moped_design_can_redo (self);

  if (modified != self->was_modified)
    {
      self->was_modified = modified;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
    }
  if (can_undo != self->could_undo)
    {
      self->could_undo = can_undo;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
    }
  if (can_redo != self->could_redo)
    {
      self->could_redo = can_redo;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
    }
}

static void
emit_changes (MopedDesign *self)
{
  g_autoptr(GArray) changes = self->changes;

  self->changes = g_array_new (FALSE, FALSE, sizeof (MopedChange));
  if (changes->len > 0)
    g_signal_emit (self, signals[CHANGED], 0, changes);
  notify_state (self);
}

void
moped_design_begin_coalescing (MopedDesign *self,
                               const char  *label,
                               const char  *coalesce_key)
{
  g_return_if_fail (MOPED_IS_DESIGN (self));

  if (self->depth++ == 0)
    {
      self->open = step_new (label, coalesce_key);
      if (self->commit != NULL)
        self->capture = moped_ops_new ();
    }
}

void
moped_design_begin (MopedDesign *self,
                    const char  *label)
{
  moped_design_begin_coalescing (self, label, NULL);
}

static gboolean
same_set_target (const Op *a,
                 const Op *b)
{
  return a->type == OP_SET && b->type == OP_SET &&
         a->element == b->element && a->prop == b->prop;
}

/* Fold @op into @step: a set that follows a set of the same property keeps the
 * first old value and the last new value, so a drag stays small. */
static void
step_append (Step *step,
             Op   *op)
{
  if (step->ops->len > 0)
    {
      Op *last = &g_array_index (step->ops, Op, step->ops->len - 1);

      if (same_set_target (last, op))
        {
          _moped_value_clear (op_spec (last), &last->new_value);
          last->new_value = op->new_value;
          _moped_value_clear (op_spec (op), &op->old_value);
          return;
        }
    }
  g_array_append_val (step->ops, *op);
}

void
moped_design_end (MopedDesign *self)
{
  Step *step;
  Step *top;

  g_return_if_fail (MOPED_IS_DESIGN (self));
  g_return_if_fail (self->depth > 0);

  if (--self->depth > 0)
    return;

  step = g_steal_pointer (&self->open);
  if (step->ops->len == 0)
    {
      step_free (step, TRUE);
      g_clear_pointer (&self->capture, g_ptr_array_unref);
      emit_changes (self);
      return;
    }

  if (self->commit != NULL)
    {
      MopedTxn *txn = g_new0 (MopedTxn, 1);

      txn->step = step;
      txn->ops = g_steal_pointer (&self->capture);
      self->shared_serial++;
      self->commit (self, txn, self->shared_data);
      emit_changes (self);
      return;
    }

  g_ptr_array_set_size (self->redo, 0);
  top = self->undo->len ? g_ptr_array_index (self->undo, self->undo->len - 1) : NULL;
  if (top != NULL && step->coalesce_key != NULL &&
      g_strcmp0 (top->coalesce_key, step->coalesce_key) == 0 &&
      top->serial != self->saved_serial)
    {
      for (guint i = 0; i < step->ops->len; i++)
        step_append (top, &g_array_index (step->ops, Op, i));
      g_array_set_size (step->ops, 0);
      step_free (step, TRUE);
      top->serial = ++self->serial_counter;
    }
  else
    {
      step->serial = ++self->serial_counter;
      g_ptr_array_add (self->undo, step);
    }
  emit_changes (self);
}

void
moped_design_cancel (MopedDesign *self)
{
  Step *step;

  g_return_if_fail (MOPED_IS_DESIGN (self));
  g_return_if_fail (self->depth > 0);

  self->depth = 0;
  step = g_steal_pointer (&self->open);
  g_clear_pointer (&self->capture, g_ptr_array_unref);
  for (guint i = step->ops->len; i > 0; i--)
    op_apply (self, &g_array_index (step->ops, Op, i - 1), FALSE);
  step_free (step, FALSE);
  emit_changes (self);
}

/* Record and apply one operation inside a transaction (opening one if needed). */
static const char *
anchor_at (MopedElement *parent,
           MopedKind     kind,
           guint         index)
{
  MopedElement *before = NULL;
  guint seen = 0;

  if (index == 0 || parent->children == NULL)
    return "";
  for (guint i = 0; i < parent->children->len; i++)
    {
      MopedElement *child = g_ptr_array_index (parent->children, i);

      if (child->kind == kind && seen++ == index - 1)
        {
          before = child;
          break;
        }
    }
  return before ? before->id : "";
}

/* The op as a shared design tells it to other peers: by id and anchor. */
static void
capture_before (MopedDesign *self,
                Op          *op,
                MopedOp    **out)
{
  MopedOp *c = NULL;

  switch (op->type)
    {
    case OP_DETACH:
      {
        g_autoptr(GPtrArray) restore = moped_ops_new ();
        const char *after = anchor_at (op->parent, op->element->kind, op->index);

        c = moped_op_new (MOPED_OP_REMOVE, op->element->id);
        moped_design_describe_subtree (self, op->element, after, restore);
        c->restore = moped_ops_to_text (restore);
      }
      break;
    case OP_MOVE:
      c = moped_op_new (MOPED_OP_MOVE, op->element->id);
      c->old_after = g_strdup (moped_element_get_anchor (op->element));
      break;
    case OP_SET:
      c = moped_op_new (MOPED_OP_SET, op->element->id);
      c->prop = op->prop;
      c->old_value = _moped_value_to_text (op_spec (op), op->old_value);
      c->value = _moped_value_to_text (op_spec (op), op->new_value);
      break;
    case OP_INSERT:
    default:
      break;
    }
  *out = c;
}

static void
capture_after (MopedDesign *self,
               Op          *op,
               MopedOp     *c)
{
  if (op->type == OP_INSERT)
    moped_design_describe_subtree (self, op->element, moped_element_get_anchor (op->element),
                                   self->capture);
  else if (op->type == OP_MOVE)
    {
      c->after = g_strdup (moped_element_get_anchor (op->element));
      g_ptr_array_add (self->capture, c);
    }
  else if (c != NULL)
    g_ptr_array_add (self->capture, c);
}

static void
record (MopedDesign *self,
        Op          *op,
        const char  *label)
{
  gboolean own = self->depth == 0;
  MopedOp *c = NULL;

  if (own)
    moped_design_begin (self, label);
  if (self->capture != NULL)
    capture_before (self, op, &c);
  op_apply (self, op, TRUE);
  if (self->capture != NULL)
    capture_after (self, op, c);
  step_append (self->open, op);
  if (own)
    moped_design_end (self);
}

/* ---- ids ----------------------------------------------------------------- */

/* Keep the counter past ids of our own form so fresh ids need no probing. */
static void
bump_counter (MopedDesign *self,
              MopedKind    kind,
              const char  *id)
{
  const char *prefix = moped_schema_get_kind (kind)->id_prefix;
  gsize len = strlen (prefix);
  guint64 n;
  char *end = NULL;

  if (strncmp (id, prefix, len) != 0 || id[len] != '-' || !g_ascii_isdigit (id[len + 1]))
    return;
  n = g_ascii_strtoull (id + len + 1, &end, 10);
  if (*end == '\0' && n < G_MAXUINT && n > self->next_id[kind])
    self->next_id[kind] = (guint) n;
}

/* Tagged ids ("node-TAG-7") belong to one peer: keep its counter past them too. */
static void
bump_tagged_counter (MopedDesign *self,
                     MopedKind    kind,
                     const char  *id)
{
  const char *prefix = moped_schema_get_kind (kind)->id_prefix;
  g_autofree char *start = g_strdup_printf ("%s-%s-", prefix, self->id_tag);
  guint64 n;
  char *end = NULL;

  if (!g_str_has_prefix (id, start) || !g_ascii_isdigit (id[strlen (start)]))
    return;
  n = g_ascii_strtoull (id + strlen (start), &end, 10);
  if (*end == '\0' && n < G_MAXUINT && n > self->next_tagged[kind])
    self->next_tagged[kind] = (guint) n;
}

static void
bump_tagged_cb (MopedElement *element,
                gpointer      user_data)
{
  bump_tagged_counter (user_data, element->kind, element->id);
}

static char *
fresh_id (MopedDesign *self,
          MopedKind    kind)
{
  const char *prefix = moped_schema_get_kind (kind)->id_prefix;

  while (self->id_tag != NULL)
    {
      char *id = g_strdup_printf ("%s-%s-%u", prefix, self->id_tag, ++self->next_tagged[kind]);

      if (!g_hash_table_contains (self->ids, id))
        return id;
      g_free (id);
    }
  for (;;)
    {
      char *id = g_strdup_printf ("%s-%u", prefix, ++self->next_id[kind]);

      if (!g_hash_table_contains (self->ids, id))
        return id;
      g_free (id);
    }
}

/* Ids are XML NCNames, so the schema can check them as xsd:ID and references as
 * xsd:IDREF: a letter, '_' or non-ASCII first, then also digits, '-' and '.'. */
gboolean
_moped_design_id_is_valid (const char *id)
{
  if (id == NULL || *id == '\0' || !g_utf8_validate (id, -1, NULL))
    return FALSE;
  if (!(g_ascii_isalpha (*id) || *id == '_' || (guchar) *id >= 0x80))
    return FALSE;
  for (const char *p = id; *p; p++)
    if (!(g_ascii_isalnum (*p) || *p == '_' || *p == '-' || *p == '.' || (guchar) *p >= 0x80))
      return FALSE;
  return TRUE;
}

/* A new element gets a readable name ("Node 3", from its fresh id's number) rather
 * than none, which validation would report as an error straight away. */
static void
give_default_name (MopedElement *element,
                   guint         number)
{
  int slot;
  const MopedPropSpec *spec = _moped_element_get_spec (element, MOPED_PROP_NAME, &slot);
  const char *label = moped_schema_get_kind (element->kind)->label;

  if (spec == NULL || element->kind == MOPED_KIND_DESIGN)
    return;
  g_free (element->values[slot].s);
  element->values[slot].s = number ? g_strdup_printf ("%s %u", label, number) : g_strdup (label);
}

/* Peers number their ids apart, so a shared design numbers default names by the
 * names in use instead: the next "Node N" after the highest one taken. */
static guint
next_free_name_number (MopedDesign *self,
                       MopedKind    kind)
{
  const char *label = moped_schema_get_kind (kind)->label;
  gsize len = strlen (label);
  g_autoptr(GPtrArray) all = moped_design_collect (self, kind);
  guint highest = 0;

  for (guint i = 0; i < all->len; i++)
    {
      const char *name = moped_element_get_name (g_ptr_array_index (all, i));
      char *end = NULL;
      guint64 n;

      if (strncmp (name, label, len) != 0 || name[len] != ' ' || !g_ascii_isdigit (name[len + 1]))
        continue;
      n = g_ascii_strtoull (name + len + 1, &end, 10);
      if (*end == '\0' && n < G_MAXUINT && n > highest)
        highest = (guint) n;
    }
  return highest + 1;
}

/* ---- GObject -------------------------------------------------------------- */

static void
moped_design_finalize (GObject *object)
{
  MopedDesign *self = (MopedDesign *) object;

  if (self->open != NULL)
    {
      /* An unfinished transaction is kept: its ops are applied. */
      g_ptr_array_add (self->undo, g_steal_pointer (&self->open));
    }
  g_clear_pointer (&self->redo, g_ptr_array_unref);
  g_clear_pointer (&self->undo, g_ptr_array_unref);
  g_clear_pointer (&self->ids, g_hash_table_unref);
  g_clear_pointer (&self->root, _moped_element_free);
  g_clear_pointer (&self->changes, g_array_unref);
  g_clear_pointer (&self->capture, g_ptr_array_unref);
  g_clear_pointer (&self->id_tag, g_free);
  g_clear_pointer (&self->shared_undo_label, g_free);
  g_clear_pointer (&self->shared_redo_label, g_free);

  G_OBJECT_CLASS (moped_design_parent_class)->finalize (object);
}

static void
moped_design_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  MopedDesign *self = MOPED_DESIGN (object);

  switch (prop_id)
    {
    case PROP_MODIFIED:
      g_value_set_boolean (value, moped_design_get_modified (self));
      break;
    case PROP_CAN_UNDO:
      g_value_set_boolean (value, moped_design_can_undo (self));
      break;
    case PROP_CAN_REDO:
      g_value_set_boolean (value, moped_design_can_redo (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
moped_design_class_init (MopedDesignClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = moped_design_finalize;
  object_class->get_property = moped_design_get_property;

  properties[PROP_MODIFIED] =
    g_param_spec_boolean ("modified", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_REDO] =
    g_param_spec_boolean ("can-redo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
moped_design_init (MopedDesign *self)
{
  self->ids = g_hash_table_new (g_str_hash, g_str_equal);
  self->undo = g_ptr_array_new_with_free_func (step_free_applied);
  self->redo = g_ptr_array_new_with_free_func (step_free_unapplied);
  self->changes = g_array_new (FALSE, FALSE, sizeof (MopedChange));
  self->root = _moped_element_new (MOPED_KIND_DESIGN, "design");
  _moped_element_foreach (self->root, index_add_cb, self);
}

/* ---- public API --------------------------------------------------------------- */

MopedDesign *
moped_design_new (void)
{
  return g_object_new (MOPED_TYPE_DESIGN, NULL);
}

MopedElement *
moped_design_get_root (MopedDesign *self)
{
  g_return_val_if_fail (MOPED_IS_DESIGN (self), NULL);
  return self->root;
}

MopedElement *
moped_design_lookup (MopedDesign *self,
                     const char  *id)
{
  g_return_val_if_fail (MOPED_IS_DESIGN (self), NULL);
  return id ? g_hash_table_lookup (self->ids, id) : NULL;
}

guint
moped_design_get_n_elements (MopedDesign *self)
{
  g_return_val_if_fail (MOPED_IS_DESIGN (self), 0);
  return g_hash_table_size (self->ids);
}

typedef struct
{
  MopedKind  kind;
  GPtrArray *out;
} CollectData;

static void
collect_cb (MopedElement *element,
            gpointer      user_data)
{
  CollectData *data = user_data;

  if (element->kind == data->kind)
    g_ptr_array_add (data->out, element);
}

GPtrArray *
moped_design_collect (MopedDesign *self,
                      MopedKind    kind)
{
  CollectData data = { kind, g_ptr_array_new () };

  g_return_val_if_fail (MOPED_IS_DESIGN (self), data.out);

  /* Top-level kinds live directly under the root: no need to walk the tree. */
  if (moped_schema_parent_allows (MOPED_KIND_DESIGN, kind))
    {
      g_ptr_array_unref (data.out);
      return moped_element_get_children_of_kind (self->root, kind);
    }
  _moped_element_foreach (self->root, collect_cb, &data);
  return data.out;
}

MopedElement *
_moped_design_insert_raw (MopedDesign  *self,
                          MopedElement *parent,
                          MopedKind     kind,
                          const char   *id)
{
  MopedElement *element;

  g_return_val_if_fail (MOPED_IS_DESIGN (self), NULL);
  g_return_val_if_fail (parent != NULL && parent->design == self, NULL);

  if (!moped_schema_parent_allows (parent->kind, kind) || !_moped_design_id_is_valid (id) ||
      g_hash_table_contains (self->ids, id))
    return NULL;
  bump_counter (self, kind, id);
  element = _moped_element_new (kind, id);
  _moped_element_insert_child (parent, element, -1);
  element->design = self;
  g_hash_table_insert (self->ids, element->id, element);
  return element;
}

MopedElement *
moped_design_add (MopedDesign  *self,
                  MopedElement *parent,
                  MopedKind     kind,
                  int           position,
                  const char   *id)
{
  g_autofree char *new_id = NULL;
  Op op = { OP_INSERT };

  g_return_val_if_fail (MOPED_IS_DESIGN (self), NULL);
  g_return_val_if_fail (parent != NULL && parent->design == self, NULL);
  g_return_val_if_fail ((guint) kind < MOPED_N_KINDS, NULL);

  if (!moped_schema_parent_allows (parent->kind, kind))
    {
      g_warning ("a %s cannot be added to a %s", moped_schema_get_kind (kind)->element_name,
                 moped_schema_get_kind (parent->kind)->element_name);
      return NULL;
    }
  if (id != NULL && (!_moped_design_id_is_valid (id) || g_hash_table_contains (self->ids, id)))
    {
      g_warning ("id “%s” is taken or not valid", id);
      return NULL;
    }
  if (id != NULL)
    {
      bump_counter (self, kind, id);
      if (self->id_tag != NULL)
        bump_tagged_counter (self, kind, id);
    }
  new_id = id ? g_strdup (id) : fresh_id (self, kind);

  op.element = _moped_element_new (kind, new_id);
  op.parent = parent;
  if (id != NULL)
    give_default_name (op.element, 0);
  else
    give_default_name (op.element, self->id_tag ? next_free_name_number (self, kind) : self->next_id[kind]);
  {
    guint n_siblings = _moped_element_count_kind (parent, kind);
    op.index = (position < 0 || (guint) position > n_siblings) ? n_siblings : (guint) position;
  }
  record (self, &op, "Add");
  return op.element;
}

/* Removal with its consequences: every element that references a removed one through
 * an owning reference is removed too; other references to it are cleared. */
typedef struct
{
  GHashTable *doomed;   /* element -> element, everything that goes */
  GHashTable *doomed_ids;
  GPtrArray  *roots;    /* the elements to detach, in order */
  GPtrArray  *clears;   /* pairs (element, GINT_TO_POINTER (prop)) to clear */
  gboolean    grew;
} RemoveData;

static void
doom_cb (MopedElement *element,
         gpointer      user_data)
{
  RemoveData *data = user_data;

  g_hash_table_add (data->doomed, element);
  g_hash_table_add (data->doomed_ids, element->id);
}

static void
doom (RemoveData   *data,
      MopedElement *element)
{
  for (MopedElement *e = element; e != NULL; e = e->parent)
    if (g_hash_table_contains (data->doomed, e))
      return;
  g_ptr_array_add (data->roots, element);
  _moped_element_foreach (element, doom_cb, data);
  data->grew = TRUE;
}

static void
scan_refs_cb (MopedElement *element,
              gpointer      user_data)
{
  RemoveData *data = user_data;
  const MopedKindSpec *ks = moped_schema_get_kind (element->kind);

  if (g_hash_table_contains (data->doomed, element))
    return;
  for (guint i = 0; i < ks->n_props; i++)
    {
      const MopedPropSpec *spec = &ks->props[i];

      if (spec->type != MOPED_VALUE_REF || !g_hash_table_contains (data->doomed_ids, element->values[i].s))
        continue;
      if (spec->flags & MOPED_PROP_FLAG_OWNING)
        {
          doom (data, element);
          return;
        }
      g_ptr_array_add (data->clears, element);
      g_ptr_array_add (data->clears, GINT_TO_POINTER (spec->prop));
    }
}

static void
plan_removal (MopedDesign  *self,
              MopedElement *element,
              RemoveData   *data)
{
  data->doomed = g_hash_table_new (NULL, NULL);
  data->doomed_ids = g_hash_table_new (g_str_hash, g_str_equal);
  data->roots = g_ptr_array_new ();
  data->clears = g_ptr_array_new ();

  doom (data, element);
  while (data->grew)
    {
      data->grew = FALSE;
      g_ptr_array_set_size (data->clears, 0);
      _moped_element_foreach (self->root, scan_refs_cb, data);
    }
}

static void
collect_doomed_cb (MopedElement *element,
                   gpointer      user_data)
{
  g_ptr_array_add (user_data, element);
}

GPtrArray *
moped_design_plan_removal (MopedDesign  *self,
                           MopedElement *element,
                           GPtrArray    *cleared)
{
  RemoveData data = { 0 };
  GPtrArray *out = g_ptr_array_new ();

  g_return_val_if_fail (MOPED_IS_DESIGN (self), out);
  g_return_val_if_fail (element != NULL && element->design == self && element != self->root, out);

  plan_removal (self, element, &data);
  for (guint i = 0; i < data.roots->len; i++)
    _moped_element_foreach (g_ptr_array_index (data.roots, i), collect_doomed_cb, out);
  if (cleared != NULL)
    g_ptr_array_extend (cleared, data.clears, NULL, NULL);
  g_hash_table_unref (data.doomed);
  g_hash_table_unref (data.doomed_ids);
  g_ptr_array_unref (data.roots);
  g_ptr_array_unref (data.clears);
  return out;
}

void
moped_design_remove (MopedDesign  *self,
                     MopedElement *element)
{
  RemoveData data = { 0 };

  g_return_if_fail (MOPED_IS_DESIGN (self));
  g_return_if_fail (element != NULL && element->design == self);
  g_return_if_fail (element != self->root);

  plan_removal (self, element, &data);

  moped_design_begin (self, "Delete");
  for (guint i = 0; i < data.clears->len; i += 2)
    moped_design_set_ref (self, g_ptr_array_index (data.clears, i),
                          GPOINTER_TO_INT (g_ptr_array_index (data.clears, i + 1)), NULL);
  /* Dependents first, the element itself last, so undo restores it first. */
  for (guint i = data.roots->len; i > 0; i--)
    {
      Op op = { OP_DETACH };

      op.element = g_ptr_array_index (data.roots, i - 1);
      op.parent = op.element->parent;
      op.index = (guint) moped_element_get_index (op.element);
      record (self, &op, "Delete");
    }
  moped_design_end (self);

  g_hash_table_unref (data.doomed);
  g_hash_table_unref (data.doomed_ids);
  g_ptr_array_unref (data.roots);
  g_ptr_array_unref (data.clears);
}

void
moped_design_move (MopedDesign  *self,
                   MopedElement *element,
                   guint         new_index)
{
  Op op = { OP_MOVE };

  g_return_if_fail (MOPED_IS_DESIGN (self));
  g_return_if_fail (element != NULL && element->design == self && element->parent != NULL);

  op.element = element;
  op.index = (guint) moped_element_get_index (element);
  op.new_index = MIN (new_index, _moped_element_count_kind (element->parent, element->kind) - 1);
  if (op.index != op.new_index)
    record (self, &op, "Reorder");
}

static void
set_checked (MopedDesign    *self,
             MopedElement   *element,
             MopedProp       prop,
             MopedValueType  type,
             MopedValue      value)
{
  int slot;
  const MopedPropSpec *spec;
  Op op = { OP_SET };

  g_return_if_fail (MOPED_IS_DESIGN (self));
  g_return_if_fail (element != NULL && element->design == self);

  spec = _moped_element_get_spec (element, prop, &slot);
  if (spec == NULL || (spec->type != type && !(type == MOPED_VALUE_STRING && spec->type == MOPED_VALUE_REF)))
    {
      g_critical ("%s has no %s property “%s”", moped_schema_get_kind (element->kind)->element_name,
                  type == MOPED_VALUE_STRING ? "text" : "such", moped_schema_get_prop_name (prop));
      return;
    }
  if (spec->type == MOPED_VALUE_ENUM && (value.e < 0 || value.e >= (int) g_strv_length ((char **) spec->enum_names)))
    {
      g_critical ("%d is not a value of “%s”", value.e, moped_schema_get_prop_name (prop));
      return;
    }
  if (self->commit != NULL && spec->type == MOPED_VALUE_DOUBLE)
    {
      /* Every peer must hold what the text says, or files would differ. */
      g_autofree char *text = _moped_value_to_text (spec, value);

      value.d = g_ascii_strtod (text, NULL);
    }
  if (_moped_value_equal (spec, element->values[slot], value))
    return;

  op.element = element;
  op.prop = prop;
  op.spec = spec;
  op.old_value = _moped_value_copy (spec, element->values[slot]);
  op.new_value = _moped_value_copy (spec, value);
  record (self, &op, spec->label);
}

void
moped_design_set_string (MopedDesign  *self,
                         MopedElement *element,
                         MopedProp     prop,
                         const char   *value)
{
  MopedValue v = { .s = (char *) (value ? value : "") };

  set_checked (self, element, prop, MOPED_VALUE_STRING, v);
}

void
moped_design_set_int (MopedDesign  *self,
                      MopedElement *element,
                      MopedProp     prop,
                      gint64        value)
{
  MopedValue v = { .i = value };

  set_checked (self, element, prop, MOPED_VALUE_INT, v);
}

void
moped_design_set_double (MopedDesign  *self,
                         MopedElement *element,
                         MopedProp     prop,
                         double        value)
{
  MopedValue v = { .d = value };

  set_checked (self, element, prop, MOPED_VALUE_DOUBLE, v);
}

void
moped_design_set_bool (MopedDesign  *self,
                       MopedElement *element,
                       MopedProp     prop,
                       gboolean      value)
{
  MopedValue v = { .b = !!value };

  set_checked (self, element, prop, MOPED_VALUE_BOOL, v);
}

void
moped_design_set_enum (MopedDesign  *self,
                       MopedElement *element,
                       MopedProp     prop,
                       int           value)
{
  MopedValue v = { .e = value };

  set_checked (self, element, prop, MOPED_VALUE_ENUM, v);
}

void
moped_design_set_ref (MopedDesign  *self,
                      MopedElement *element,
                      MopedProp     prop,
                      MopedElement *target)
{
  MopedValue v = { .s = target ? target->id : (char *) "" };
  const MopedPropSpec *spec;

  g_return_if_fail (element != NULL);
  spec = _moped_element_get_spec (element, prop, NULL);
  g_return_if_fail (spec != NULL && spec->type == MOPED_VALUE_REF);
  g_return_if_fail (target == NULL || (target->design == self && (spec->ref_kinds & (1u << target->kind))));
  set_checked (self, element, prop, MOPED_VALUE_REF, v);
}

gboolean
moped_design_set_from_text (MopedDesign  *self,
                            MopedElement *element,
                            MopedProp     prop,
                            const char   *text,
                            GError      **error)
{
  const MopedPropSpec *spec;
  g_autofree char *problem = NULL;
  MopedValue value = { 0 };

  g_return_val_if_fail (MOPED_IS_DESIGN (self), FALSE);
  g_return_val_if_fail (element != NULL && element->design == self, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  spec = _moped_element_get_spec (element, prop, NULL);
  if (spec == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "a %s has no “%s”",
                   moped_schema_get_kind (element->kind)->element_name, moped_schema_get_prop_name (prop));
      return FALSE;
    }
  if (!_moped_value_parse (spec, text, &value, &problem))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: %s", spec->label, problem);
      return FALSE;
    }
  if (spec->type == MOPED_VALUE_REF && *text != '\0')
    {
      MopedElement *target = moped_design_lookup (self, text);

      if (target == NULL || !(spec->ref_kinds & (1u << target->kind)))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s: no suitable element “%s”", spec->label, text);
          _moped_value_clear (spec, &value);
          return FALSE;
        }
    }
  set_checked (self, element, prop, spec->type == MOPED_VALUE_REF ? MOPED_VALUE_STRING : spec->type, value);
  _moped_value_clear (spec, &value);
  return TRUE;
}

gboolean
moped_design_can_undo (MopedDesign *self)
{
  g_return_val_if_fail (MOPED_IS_DESIGN (self), FALSE);
  if (self->commit != NULL)
    return self->depth == 0 && self->shared_undo_label != NULL;
  return self->depth == 0 && self->undo->len > 0;
}

gboolean
moped_design_can_redo (MopedDesign *self)
{
  g_return_val_if_fail (MOPED_IS_DESIGN (self), FALSE);
  if (self->commit != NULL)
    return self->depth == 0 && self->shared_redo_label != NULL;
  return self->depth == 0 && self->redo->len > 0;
}

const char *
moped_design_get_undo_label (MopedDesign *self)
{
  g_return_val_if_fail (MOPED_IS_DESIGN (self), NULL);
  if (self->commit != NULL)
    return self->shared_undo_label;
  if (self->undo->len == 0)
    return NULL;
  return ((Step *) g_ptr_array_index (self->undo, self->undo->len - 1))->label;
}

const char *
moped_design_get_redo_label (MopedDesign *self)
{
  g_return_val_if_fail (MOPED_IS_DESIGN (self), NULL);
  if (self->commit != NULL)
    return self->shared_redo_label;
  if (self->redo->len == 0)
    return NULL;
  return ((Step *) g_ptr_array_index (self->redo, self->redo->len - 1))->label;
}

gboolean
moped_design_undo (MopedDesign *self)
{
  Step *step;

  g_return_val_if_fail (MOPED_IS_DESIGN (self), FALSE);
  if (!moped_design_can_undo (self))
    return FALSE;
  if (self->commit != NULL)
    {
      if (self->history != NULL)
        self->history (self, FALSE, self->shared_data);
      return TRUE;
    }

  step = g_ptr_array_steal_index (self->undo, self->undo->len - 1);
  for (guint i = step->ops->len; i > 0; i--)
    op_apply (self, &g_array_index (step->ops, Op, i - 1), FALSE);
  g_ptr_array_add (self->redo, step);
  emit_changes (self);
  return TRUE;
}

gboolean
moped_design_redo (MopedDesign *self)
{
  Step *step;

  g_return_val_if_fail (MOPED_IS_DESIGN (self), FALSE);
  if (!moped_design_can_redo (self))
    return FALSE;
  if (self->commit != NULL)
    {
      if (self->history != NULL)
        self->history (self, TRUE, self->shared_data);
      return TRUE;
    }

  step = g_ptr_array_steal_index (self->redo, self->redo->len - 1);
  for (guint i = 0; i < step->ops->len; i++)
    op_apply (self, &g_array_index (step->ops, Op, i), TRUE);
  g_ptr_array_add (self->undo, step);
  emit_changes (self);
  return TRUE;
}

void
moped_design_clear_history (MopedDesign *self)
{
  g_return_if_fail (MOPED_IS_DESIGN (self));
  g_return_if_fail (self->depth == 0);

  /* With no steps left, serial 0 is the only state: it is the saved one only if the
   * design was unmodified; otherwise no state can match again until the next save. */
  self->saved_serial = moped_design_get_modified (self) ? G_MAXUINT64 : 0;
  g_ptr_array_set_size (self->undo, 0);
  g_ptr_array_set_size (self->redo, 0);
  notify_state (self);
}

static guint64
current_serial (MopedDesign *self)
{
  if (self->commit != NULL)
    return self->shared_serial;
  if (self->undo->len == 0)
    return 0;
  return ((Step *) g_ptr_array_index (self->undo, self->undo->len - 1))->serial;
}

gboolean
moped_design_get_modified (MopedDesign *self)
{
  g_return_val_if_fail (MOPED_IS_DESIGN (self), FALSE);
  return current_serial (self) != self->saved_serial;
}

void
moped_design_set_unmodified (MopedDesign *self)
{
  g_return_if_fail (MOPED_IS_DESIGN (self));
  self->saved_serial = current_serial (self);
  notify_state (self);
}

/* ---- shared designs (moped-ops.h) ------------------------------------------ */

void
moped_design_set_shared (MopedDesign     *self,
                         const char      *id_tag,
                         MopedCommitFunc  commit,
                         MopedHistoryFunc history,
                         gpointer         user_data)
{
  g_return_if_fail (MOPED_IS_DESIGN (self));
  g_return_if_fail (self->depth == 0);
  g_return_if_fail (commit != NULL);
  g_return_if_fail (id_tag != NULL && *id_tag != '\0');

  for (const char *p = id_tag; *p; p++)
    g_return_if_fail (g_ascii_islower (*p) || g_ascii_isdigit (*p));

  moped_design_clear_history (self);
  /* Whatever was modified stays so; the serial now counts shared transactions. */
  self->shared_serial = 1;
  self->saved_serial = moped_design_get_modified (self) ? 0 : 1;
  g_free (self->id_tag);
  self->id_tag = g_strdup (id_tag);
  memset (self->next_tagged, 0, sizeof self->next_tagged);
  self->commit = commit;
  self->history = history;
  self->shared_data = user_data;
  _moped_element_foreach (self->root, bump_tagged_cb, self);
  notify_state (self);
}

gboolean
moped_design_is_shared (MopedDesign *self)
{
  g_return_val_if_fail (MOPED_IS_DESIGN (self), FALSE);
  return self->commit != NULL;
}

void
moped_design_set_history_state (MopedDesign *self,
                                const char  *undo_label,
                                const char  *redo_label)
{
  g_return_if_fail (MOPED_IS_DESIGN (self));
  g_free (self->shared_undo_label);
  g_free (self->shared_redo_label);
  self->shared_undo_label = g_strdup (undo_label);
  self->shared_redo_label = g_strdup (redo_label);
  notify_state (self);
}

const char *
moped_txn_get_label (const MopedTxn *txn)
{
  return txn->step->label;
}

const char *
moped_txn_get_coalesce_key (const MopedTxn *txn)
{
  return txn->step->coalesce_key;
}

GPtrArray *
moped_txn_get_ops (const MopedTxn *txn)
{
  return txn->ops;
}

void
moped_txn_free (MopedTxn *txn)
{
  if (txn == NULL)
    return;
  step_free (txn->step, TRUE);
  g_ptr_array_unref (txn->ops);
  g_free (txn);
}

void
moped_design_revert (MopedDesign *self,
                     MopedTxn    *txn)
{
  g_return_if_fail (MOPED_IS_DESIGN (self));
  g_return_if_fail (txn != NULL);
  g_return_if_fail (self->depth == 0);

  for (guint i = txn->step->ops->len; i > 0; i--)
    op_apply (self, &g_array_index (txn->step->ops, Op, i - 1), FALSE);
  step_free (txn->step, FALSE);
  g_ptr_array_unref (txn->ops);
  g_free (txn);
  self->shared_serial++;
  emit_changes (self);
}
