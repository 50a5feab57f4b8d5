/* moped-ops.c: edits by id and anchor: their text form and applying them through the edit API.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Text form, one op per line, fields separated by tabs and escaped with g_strescape
 * (so a field never holds a raw tab or newline):
 *   add KIND ID PARENT AFTER PROP=TEXT...
 *   remove ID RESTORE
 *   set ID PROP TEXT OLD
 *   move ID AFTER OLD-AFTER
 */
#define G_LOG_DOMAIN "moped-model"

#include <string.h>

#include <gio/gio.h>

#include "moped-ops.h"
#include "moped-design-private.h"
#include "moped-element-private.h"

MopedOp *
moped_op_new (MopedOpType type,
              const char *id)
{
  MopedOp *op = g_new0 (MopedOp, 1);

  op->type = type;
  op->id = g_strdup (id);
  return op;
}

MopedOp *
moped_op_copy (const MopedOp *op)
{
  MopedOp *copy = g_new0 (MopedOp, 1);

  *copy = *op;
  copy->id = g_strdup (op->id);
  copy->parent = g_strdup (op->parent);
  copy->after = g_strdup (op->after);
  copy->old_after = g_strdup (op->old_after);
  copy->value = g_strdup (op->value);
  copy->old_value = g_strdup (op->old_value);
  copy->restore = g_strdup (op->restore);
  if (op->values != NULL)
    {
      copy->values = g_new0 (char *, MOPED_N_PROPS + 1);
      for (guint i = 0; i < MOPED_N_PROPS; i++)
        copy->values[i] = g_strdup (op->values[i]);
    }
  return copy;
}

void
moped_op_free (MopedOp *op)
{
  if (op == NULL)
    return;
  g_free (op->id);
  g_free (op->parent);
  g_free (op->after);
  g_free (op->old_after);
  g_free (op->value);
  g_free (op->old_value);
  g_free (op->restore);
  if (op->values != NULL)
    for (guint i = 0; i < MOPED_N_PROPS; i++)
      g_free (op->values[i]);
  g_free (op->values);
  g_free (op);
}

GPtrArray *
moped_ops_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) moped_op_free);
}

/* ---- text ------------------------------------------------------------------ */

static void
put (GString    *out,
     const char *field)
{
  g_autofree char *escaped = g_strescape (field ? field : "", NULL);

  g_string_append_c (out, '\t');
  g_string_append (out, escaped);
}

static void
op_to_text (const MopedOp *op,
            GString       *out)
{
  switch (op->type)
    {
    case MOPED_OP_ADD:
      g_string_append (out, "add");
      put (out, moped_schema_get_kind (op->kind)->element_name);
      put (out, op->id);
      put (out, op->parent);
      put (out, op->after);
      for (guint p = 0; op->values != NULL && p < MOPED_N_PROPS; p++)
        if (op->values[p] != NULL)
          {
            g_autofree char *pair = g_strdup_printf ("%s=%s", moped_schema_get_prop_name (p), op->values[p]);

            put (out, pair);
          }
      break;
    case MOPED_OP_REMOVE:
      g_string_append (out, "remove");
      put (out, op->id);
      put (out, op->restore);
      break;
    case MOPED_OP_SET:
      g_string_append (out, "set");
      put (out, op->id);
      put (out, moped_schema_get_prop_name (op->prop));
      put (out, op->value);
      put (out, op->old_value);
      break;
    case MOPED_OP_MOVE:
      g_string_append (out, "move");
      put (out, op->id);
      put (out, op->after);
      put (out, op->old_after);
      break;
    default:
      g_assert_not_reached ();
    }
  g_string_append_c (out, '\n');
}

char *
moped_ops_to_text (GPtrArray *ops)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < ops->len; i++)
    op_to_text (g_ptr_array_index (ops, i), out);
  return g_string_free (out, FALSE);
}

static MopedOp *
op_from_fields (char   **f,
                guint    n,
                char   **problem)
{
  g_autoptr(MopedOp) op = NULL;
  static const guint wanted[] = { [MOPED_OP_ADD] = 5, [MOPED_OP_REMOVE] = 3,
                                  [MOPED_OP_SET] = 5, [MOPED_OP_MOVE] = 4 };
  MopedOpType type;

  if (g_str_equal (f[0], "add"))
    type = MOPED_OP_ADD;
  else if (g_str_equal (f[0], "remove"))
    type = MOPED_OP_REMOVE;
  else if (g_str_equal (f[0], "set"))
    type = MOPED_OP_SET;
  else if (g_str_equal (f[0], "move"))
    type = MOPED_OP_MOVE;
  else
    {
      *problem = g_strdup_printf ("unknown operation “%s”", f[0]);
      return NULL;
    }
  if (n < wanted[type] || (type != MOPED_OP_ADD && n != wanted[type]))
    {
      *problem = g_strdup_printf ("“%s” takes %u fields, not %u", f[0], wanted[type] - 1, n - 1);
      return NULL;
    }

  op = moped_op_new (type, f[1 + (type == MOPED_OP_ADD)]);
  switch (type)
    {
    case MOPED_OP_ADD:
      if (!moped_schema_kind_from_element_name (f[1], &op->kind) || op->kind == MOPED_KIND_DESIGN)
        {
          *problem = g_strdup_printf ("unknown kind “%s”", f[1]);
          return NULL;
        }
      op->parent = g_strdup (f[3]);
      op->after = g_strdup (f[4]);
      op->values = g_new0 (char *, MOPED_N_PROPS + 1);
      for (guint i = 5; i < n; i++)
        {
          const char *eq = strchr (f[i], '=');
          g_autofree char *name = eq ? g_strndup (f[i], eq - f[i]) : NULL;
          MopedProp prop;

          if (name == NULL || !moped_schema_prop_from_name (name, &prop) ||
              moped_schema_get_prop (op->kind, prop) == NULL)
            {
              *problem = g_strdup_printf ("a %s has no property “%s”", f[1], name ? name : f[i]);
              return NULL;
            }
          g_free (op->values[prop]);
          op->values[prop] = g_strdup (eq + 1);
        }
      break;
    case MOPED_OP_REMOVE:
      op->restore = g_strdup (f[2]);
      break;
    case MOPED_OP_SET:
      if (!moped_schema_prop_from_name (f[2], &op->prop))
        {
          *problem = g_strdup_printf ("unknown property “%s”", f[2]);
          return NULL;
        }
      op->value = g_strdup (f[3]);
      op->old_value = g_strdup (f[4]);
      break;
    case MOPED_OP_MOVE:
      op->after = g_strdup (f[2]);
      op->old_after = g_strdup (f[3]);
      break;
    default:
      g_assert_not_reached ();
    }
  return g_steal_pointer (&op);
}

GPtrArray *
moped_ops_from_text (const char *text,
                     GError    **error)
{
  g_autoptr(GPtrArray) ops = moped_ops_new ();
  g_auto(GStrv) lines = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  lines = g_strsplit (text, "\n", -1);
  for (guint l = 0; lines[l] != NULL; l++)
    {
      g_auto(GStrv) f = NULL;
      g_autofree char *problem = NULL;
      guint n;
      MopedOp *op;

      if (lines[l][0] == '\0')
        continue;
      if (!g_utf8_validate (lines[l], -1, NULL))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "line %u: not UTF-8 text", l + 1);
          return NULL;
        }
      f = g_strsplit (lines[l], "\t", -1);
      n = g_strv_length (f);
      for (guint i = 1; i < n; i++)
        {
          char *plain = g_strcompress (f[i]);

          g_free (f[i]);
          f[i] = plain;
        }
      op = op_from_fields (f, n, &problem);
      if (op == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "line %u: %s", l + 1, problem);
          return NULL;
        }
      g_ptr_array_add (ops, op);
    }
  return g_steal_pointer (&ops);
}

/* ---- reading the tree by id and anchor ----------------------------------------- */

const char *
moped_element_get_anchor (const MopedElement *element)
{
  const MopedElement *before = NULL;

  g_return_val_if_fail (element != NULL, "");
  if (element->parent == NULL)
    return "";
  for (guint i = 0; i < element->parent->children->len; i++)
    {
      const MopedElement *child = g_ptr_array_index (element->parent->children, i);

      if (child == element)
        break;
      if (child->kind == element->kind)
        before = child;
    }
  return before ? before->id : "";
}

/* Where an element goes after @after among its kind under @parent: "" is first, an
 * anchor that is gone (or elsewhere) means last. @moving is not counted. */
static guint
index_after (MopedDesign        *design,
             MopedElement       *parent,
             MopedKind           kind,
             const char         *after,
             const MopedElement *moving)
{
  MopedElement *anchor;
  guint index = 0;
  guint count = 0;

  if (after == NULL || *after == '\0')
    return 0;
  anchor = moped_design_lookup (design, after);
  for (guint i = 0; parent->children != NULL && i < parent->children->len; i++)
    {
      MopedElement *child = g_ptr_array_index (parent->children, i);

      if (child->kind != kind || child == moving)
        continue;
      count++;
      if (child == anchor)
        index = count;
    }
  return anchor != NULL && anchor->parent == parent && anchor != moving ? index : count;
}

void
moped_design_describe_subtree (MopedDesign  *design,
                               MopedElement *element,
                               const char   *after,
                               GPtrArray    *out)
{
  const MopedKindSpec *ks = moped_schema_get_kind (element->kind);
  g_autoptr(GPtrArray) refs = moped_ops_new ();
  GPtrArray *stack = g_ptr_array_new ();

  /* Pre-order: every parent exists before its children; refs last of all. */
  g_ptr_array_add (stack, element);
  while (stack->len > 0)
    {
      MopedElement *e = g_ptr_array_steal_index (stack, stack->len - 1);
      MopedOp *op = moped_op_new (MOPED_OP_ADD, e->id);

      ks = moped_schema_get_kind (e->kind);
      op->kind = e->kind;
      op->parent = g_strdup (e->parent ? e->parent->id : "");
      op->after = g_strdup (e == element ? after : moped_element_get_anchor (e));
      op->values = g_new0 (char *, MOPED_N_PROPS + 1);
      for (guint i = 0; i < ks->n_props; i++)
        {
          const MopedPropSpec *spec = &ks->props[i];

          if (spec->type == MOPED_VALUE_REF)
            {
              if (*e->values[i].s != '\0')
                {
                  MopedOp *set = moped_op_new (MOPED_OP_SET, e->id);

                  set->prop = spec->prop;
                  set->value = g_strdup (e->values[i].s);
                  set->old_value = g_strdup ("");
                  g_ptr_array_add (refs, set);
                }
              continue;
            }
          op->values[spec->prop] = _moped_value_to_text (spec, e->values[i]);
        }
      g_ptr_array_add (out, op);
      for (guint i = e->children ? e->children->len : 0; i > 0; i--)
        g_ptr_array_add (stack, g_ptr_array_index (e->children, i - 1));
    }
  g_ptr_array_unref (stack);
  for (guint i = 0; i < refs->len; i++)
    g_ptr_array_add (out, moped_op_copy (g_ptr_array_index (refs, i)));
}

/* ---- applying ---------------------------------------------------------------- */

/* A reference to an element that is gone says so in the words of a conflict. */
static gboolean
check_ref (MopedDesign   *design,
           MopedKind      kind,
           MopedProp      prop,
           const char    *text,
           GError       **error)
{
  const MopedPropSpec *spec = moped_schema_get_prop (kind, prop);
  g_autofree char *what = NULL;

  if (spec == NULL || spec->type != MOPED_VALUE_REF || text == NULL || *text == '\0' ||
      moped_design_lookup (design, text) != NULL)
    return TRUE;
  what = g_utf8_strdown (spec->label, -1);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "its %s “%s” was removed", what, text);
  return FALSE;
}

static gboolean
apply_add (MopedDesign   *design,
           const MopedOp *op,
           GError       **error)
{
  MopedElement *parent = moped_design_lookup (design, op->parent);
  MopedElement *element;

  if (parent == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "its place (“%s”) was removed", op->parent);
      return FALSE;
    }
  if (!moped_schema_parent_allows (parent->kind, op->kind))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "a %s cannot hold a %s",
                   moped_schema_get_kind (parent->kind)->element_name,
                   moped_schema_get_kind (op->kind)->element_name);
      return FALSE;
    }
  if (moped_design_lookup (design, op->id) != NULL || !_moped_design_id_is_valid (op->id))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "the id “%s” is taken or not valid", op->id);
      return FALSE;
    }
  for (guint p = 0; op->values != NULL && p < MOPED_N_PROPS; p++)
    if (!check_ref (design, op->kind, (MopedProp) p, op->values[p], error))
      return FALSE;
  element = moped_design_add (design, parent, op->kind,
                              (int) index_after (design, parent, op->kind, op->after, NULL), op->id);
  for (guint p = 0; op->values != NULL && p < MOPED_N_PROPS; p++)
    if (op->values[p] != NULL &&
        !moped_design_set_from_text (design, element, (MopedProp) p, op->values[p], error))
      return FALSE;
  return TRUE;
}

gboolean
moped_design_apply_op (MopedDesign   *design,
                       const MopedOp *op,
                       GError       **error)
{
  MopedElement *element;

  g_return_val_if_fail (MOPED_IS_DESIGN (design), FALSE);
  g_return_val_if_fail (op != NULL, FALSE);

  if (op->type == MOPED_OP_ADD)
    return apply_add (design, op, error);

  element = moped_design_lookup (design, op->id);
  switch (op->type)
    {
    case MOPED_OP_REMOVE:
      if (element != NULL && element != moped_design_get_root (design))
        moped_design_remove (design, element);
      return TRUE;
    case MOPED_OP_MOVE:
      if (element != NULL && element->parent != NULL)
        moped_design_move (design, element,
                           index_after (design, element->parent, element->kind, op->after, element));
      return TRUE;
    case MOPED_OP_SET:
      if (element == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "“%s” was removed", op->id);
          return FALSE;
        }
      if (!check_ref (design, moped_element_get_kind (element), op->prop, op->value, error))
        return FALSE;
      return moped_design_set_from_text (design, element, op->prop, op->value ? op->value : "", error);
    case MOPED_OP_ADD:
    default:
      g_assert_not_reached ();
    }
  return FALSE;
}

gboolean
moped_design_apply_ops (MopedDesign *design,
                        const char  *label,
                        GPtrArray   *ops,
                        GError     **error)
{
  g_return_val_if_fail (MOPED_IS_DESIGN (design), FALSE);

  moped_design_begin (design, label);
  for (guint i = 0; i < ops->len; i++)
    if (!moped_design_apply_op (design, g_ptr_array_index (ops, i), error))
      {
        moped_design_cancel (design);
        return FALSE;
      }
  moped_design_end (design);
  return TRUE;
}
