/* moped-element.c: elements, their children and their typed property values.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-model"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "moped-design-private.h"
#include "moped-element-private.h"

/* ---- values --------------------------------------------------------------- */

static gboolean
is_text_type (MopedValueType type)
{
  return type == MOPED_VALUE_STRING || type == MOPED_VALUE_REF;
}

MopedValue
_moped_value_copy (const MopedPropSpec *spec,
                   MopedValue           value)
{
  MopedValue copy = value;

  if (is_text_type (spec->type))
    copy.s = g_strdup (value.s ? value.s : "");
  return copy;
}

void
_moped_value_clear (const MopedPropSpec *spec,
                    MopedValue          *value)
{
  if (is_text_type (spec->type))
    g_clear_pointer (&value->s, g_free);
}

gboolean
_moped_value_equal (const MopedPropSpec *spec,
                    MopedValue           a,
                    MopedValue           b)
{
  switch (spec->type)
    {
    case MOPED_VALUE_STRING:
    case MOPED_VALUE_REF:
      return g_strcmp0 (a.s, b.s) == 0;
    case MOPED_VALUE_INT:
      return a.i == b.i;
    case MOPED_VALUE_DOUBLE:
      return a.d == b.d;
    case MOPED_VALUE_BOOL:
      return !a.b == !b.b;
    case MOPED_VALUE_ENUM:
      return a.e == b.e;
    default:
      g_assert_not_reached ();
    }
}

static gboolean
parse_int (const char *text,
           gint64     *out,
           char      **problem)
{
  char *end = NULL;
  gint64 v;

  errno = 0;
  v = g_ascii_strtoll (text, &end, 10);
  if (*text == '\0' || end == NULL || *end != '\0' || g_ascii_isspace (*text))
    {
      *problem = g_strdup_printf ("“%s” is not a whole number", text);
      return FALSE;
    }
  if (errno == ERANGE || v > G_MAXINT32 || v < G_MININT32)
    {
      *problem = g_strdup_printf ("%s is out of range", text);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

static gboolean
parse_double (const char *text,
              double     *out,
              char      **problem)
{
  char *end = NULL;
  double v;

  errno = 0;
  v = g_ascii_strtod (text, &end);
  if (*text == '\0' || end == NULL || *end != '\0' || g_ascii_isspace (*text))
    {
      *problem = g_strdup_printf ("“%s” is not a number", text);
      return FALSE;
    }
  if (errno == ERANGE || !isfinite (v) || v > 1e15 || v < -1e15)
    {
      *problem = g_strdup_printf ("%s is out of range", text);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

gboolean
_moped_value_parse (const MopedPropSpec *spec,
                    const char          *text,
                    MopedValue          *value,
                    char               **problem)
{
  g_assert (text != NULL);

  switch (spec->type)
    {
    case MOPED_VALUE_STRING:
    case MOPED_VALUE_REF:
      value->s = g_strdup (text);
      return TRUE;
    case MOPED_VALUE_INT:
      if (!parse_int (text, &value->i, problem))
        return FALSE;
      if ((spec->flags & MOPED_PROP_FLAG_POSITIVE) && value->i < 1)
        {
          *problem = g_strdup_printf ("it must be 1 or more, not %s", text);
          return FALSE;
        }
      return TRUE;
    case MOPED_VALUE_DOUBLE:
      return parse_double (text, &value->d, problem);
    case MOPED_VALUE_BOOL:
      if (g_str_equal (text, "true") || g_str_equal (text, "false"))
        {
          value->b = g_str_equal (text, "true");
          return TRUE;
        }
      *problem = g_strdup_printf ("“%s” is not “true” or “false”", text);
      return FALSE;
    case MOPED_VALUE_ENUM:
      if (moped_schema_enum_from_name (spec, text, &value->e))
        return TRUE;
      {
        g_autofree char *allowed = g_strjoinv (", ", (char **) spec->enum_names);
        *problem = g_strdup_printf ("“%s” is not one of %s", text, allowed);
      }
      return FALSE;
    default:
      g_assert_not_reached ();
    }
}

char *
_moped_value_to_text (const MopedPropSpec *spec,
                      MopedValue           value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  switch (spec->type)
    {
    case MOPED_VALUE_STRING:
    case MOPED_VALUE_REF:
      return g_strdup (value.s);
    case MOPED_VALUE_INT:
      return g_strdup_printf ("%" G_GINT64_FORMAT, value.i);
    case MOPED_VALUE_DOUBLE:
      /* %.15g: stable under load and save, and short for the usual whole pixels. */
      g_ascii_formatd (buf, sizeof buf, "%.15g", value.d == 0 ? 0.0 : value.d);
      return g_strdup (buf);
    case MOPED_VALUE_BOOL:
      return g_strdup (value.b ? "true" : "false");
    case MOPED_VALUE_ENUM:
      return g_strdup (spec->enum_names[value.e]);
    default:
      g_assert_not_reached ();
    }
}

/* The parsed default of every property, computed once. */
static MopedValue *
get_defaults (MopedKind kind)
{
  static MopedValue *defaults[MOPED_N_KINDS];
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      for (guint k = 0; k < MOPED_N_KINDS; k++)
        {
          const MopedKindSpec *ks = moped_schema_get_kind ((MopedKind) k);

          defaults[k] = g_new0 (MopedValue, MAX (ks->n_props, 1));
          for (guint i = 0; i < ks->n_props; i++)
            {
              const MopedPropSpec *spec = &ks->props[i];
              g_autofree char *problem = NULL;

              if (!_moped_value_parse (spec, spec->default_text ? spec->default_text : "",
                                       &defaults[k][i], &problem))
                defaults[k][i].i = 0; /* enums without default: the first value */
            }
        }
      g_once_init_leave (&initialized, 1);
    }
  return defaults[kind];
}

/* ---- life cycle and tree ------------------------------------------------------ */

MopedElement *
_moped_element_new (MopedKind   kind,
                    const char *id)
{
  const MopedKindSpec *ks = moped_schema_get_kind (kind);
  MopedValue *defaults = get_defaults (kind);
  MopedElement *self = g_new0 (MopedElement, 1);

  self->kind = kind;
  self->id = g_strdup (id);
  self->values = g_new0 (MopedValue, MAX (ks->n_props, 1));
  for (guint i = 0; i < ks->n_props; i++)
    self->values[i] = _moped_value_copy (&ks->props[i], defaults[i]);
  return self;
}

void
_moped_element_free (MopedElement *self)
{
  const MopedKindSpec *ks;

  if (self == NULL)
    return;

  ks = moped_schema_get_kind (self->kind);
  if (self->children != NULL)
    {
      for (guint i = 0; i < self->children->len; i++)
        _moped_element_free (g_ptr_array_index (self->children, i));
      g_ptr_array_unref (self->children);
    }
  for (guint i = 0; i < ks->n_props; i++)
    _moped_value_clear (&ks->props[i], &self->values[i]);
  g_free (self->values);
  g_free (self->id);
  g_free (self);
}

/* The children of one kind form a contiguous run: [*first, *end). */
static void
kind_range (const MopedElement *self,
            MopedKind           kind,
            guint              *first,
            guint              *end)
{
  guint n = self->children ? self->children->len : 0;
  guint lo = 0, hi = n;

  /* Children are sorted by kind: binary search both ends of the run. */
  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;
      MopedElement *c = g_ptr_array_index (self->children, mid);

      if (c->kind < kind)
        lo = mid + 1;
      else
        hi = mid;
    }
  *first = lo;
  hi = n;
  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;
      MopedElement *c = g_ptr_array_index (self->children, mid);

      if (c->kind <= kind)
        lo = mid + 1;
      else
        hi = mid;
    }
  *end = lo;
}

guint
_moped_element_count_kind (const MopedElement *self,
                           MopedKind           kind)
{
  guint first, end;

  kind_range (self, kind, &first, &end);
  return end - first;
}

void
_moped_element_insert_child (MopedElement *self,
                             MopedElement *child,
                             int           position)
{
  guint first, end, at;

  if (self->children == NULL)
    self->children = g_ptr_array_new ();
  kind_range (self, child->kind, &first, &end);
  at = (position < 0 || first + (guint) position > end) ? end : first + (guint) position;
  g_ptr_array_insert (self->children, (int) at, child);
  child->parent = self;
}

guint
_moped_element_take_child (MopedElement *self,
                           MopedElement *child)
{
  guint first, end;

  kind_range (self, child->kind, &first, &end);
  for (guint i = first; i < end; i++)
    if (g_ptr_array_index (self->children, i) == child)
      {
        g_ptr_array_remove_index (self->children, i);
        child->parent = NULL;
        return i - first;
      }
  g_assert_not_reached ();
}

void
_moped_element_foreach (MopedElement    *self,
                        MopedElementFunc func,
                        gpointer         user_data)
{
  func (self, user_data);
  if (self->children != NULL)
    for (guint i = 0; i < self->children->len; i++)
      _moped_element_foreach (g_ptr_array_index (self->children, i), func, user_data);
}

static void
set_design_cb (MopedElement *element,
               gpointer      design)
{
  element->design = design;
}

void
_moped_element_set_design (MopedElement *self,
                           MopedDesign  *design)
{
  _moped_element_foreach (self, set_design_cb, design);
}

const MopedPropSpec *
_moped_element_get_spec (const MopedElement *self,
                         MopedProp           prop,
                         int                *slot)
{
  int i = moped_schema_get_prop_index (self->kind, prop);

  if (slot != NULL)
    *slot = i;
  return i < 0 ? NULL : &moped_schema_get_kind (self->kind)->props[i];
}

/* ---- private API for the loader ------------------------------------------- */

gboolean
_moped_element_set_text_raw (MopedElement *self,
                             MopedProp     prop,
                             const char   *text,
                             char        **problem)
{
  int slot;
  const MopedPropSpec *spec = _moped_element_get_spec (self, prop, &slot);
  MopedValue value = { 0 };

  g_return_val_if_fail (spec != NULL, FALSE);
  if (!_moped_value_parse (spec, text, &value, problem))
    return FALSE;
  _moped_value_clear (spec, &self->values[slot]);
  self->values[slot] = value;
  return TRUE;
}

void
_moped_element_set_line (MopedElement *self,
                         guint         line)
{
  self->line = line;
}

gboolean
_moped_element_is_default (const MopedElement *self,
                           MopedProp           prop)
{
  int slot;
  const MopedPropSpec *spec = _moped_element_get_spec (self, prop, &slot);

  g_return_val_if_fail (spec != NULL, TRUE);
  return _moped_value_equal (spec, self->values[slot], get_defaults (self->kind)[slot]);
}

/* ---- public getters ------------------------------------------------------- */

MopedKind
moped_element_get_kind (const MopedElement *self)
{
  g_return_val_if_fail (self != NULL, MOPED_KIND_DESIGN);
  return self->kind;
}

const char *
moped_element_get_id (const MopedElement *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->id;
}

MopedDesign *
moped_element_get_design (const MopedElement *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->design;
}

MopedElement *
moped_element_get_parent (const MopedElement *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->parent;
}

guint
moped_element_get_n_children (const MopedElement *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->children ? self->children->len : 0;
}

MopedElement *
moped_element_get_child (const MopedElement *self,
                         guint               index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < moped_element_get_n_children (self), NULL);
  return g_ptr_array_index (self->children, index);
}

int
moped_element_get_index (const MopedElement *self)
{
  guint first, end;

  g_return_val_if_fail (self != NULL, -1);
  if (self->parent == NULL)
    return -1;
  kind_range (self->parent, self->kind, &first, &end);
  for (guint i = first; i < end; i++)
    if (g_ptr_array_index (self->parent->children, i) == self)
      return (int) (i - first);
  return -1;
}

GPtrArray *
moped_element_get_children_of_kind (const MopedElement *self,
                                    MopedKind           kind)
{
  GPtrArray *out;
  guint first, end;

  g_return_val_if_fail (self != NULL, NULL);
  kind_range (self, kind, &first, &end);
  out = g_ptr_array_sized_new (end - first);
  for (guint i = first; i < end; i++)
    g_ptr_array_add (out, g_ptr_array_index (self->children, i));
  return out;
}

guint
moped_element_get_line (const MopedElement *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->line;
}

gboolean
moped_element_has_prop (const MopedElement *self,
                        MopedProp           prop)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return moped_schema_get_prop_index (self->kind, prop) >= 0;
}

static const MopedValue *
get_value (const MopedElement *self,
           MopedProp           prop,
           MopedValueType      type)
{
  int slot;
  const MopedPropSpec *spec;

  g_return_val_if_fail (self != NULL, NULL);
  spec = _moped_element_get_spec (self, prop, &slot);
  if (spec == NULL)
    {
      g_critical ("%s has no property “%s”",
                  moped_schema_get_kind (self->kind)->element_name,
                  moped_schema_get_prop_name (prop));
      return NULL;
    }
  if (spec->type != type && !(is_text_type (type) && is_text_type (spec->type)))
    {
      g_critical ("property “%s” of %s is not of the type asked for",
                  moped_schema_get_prop_name (prop),
                  moped_schema_get_kind (self->kind)->element_name);
      return NULL;
    }
  return &self->values[slot];
}

const char *
moped_element_get_string (const MopedElement *self,
                          MopedProp           prop)
{
  const MopedValue *v = get_value (self, prop, MOPED_VALUE_STRING);

  return v ? v->s : "";
}

gint64
moped_element_get_int (const MopedElement *self,
                       MopedProp           prop)
{
  const MopedValue *v = get_value (self, prop, MOPED_VALUE_INT);

  return v ? v->i : 0;
}

double
moped_element_get_double (const MopedElement *self,
                          MopedProp           prop)
{
  const MopedValue *v = get_value (self, prop, MOPED_VALUE_DOUBLE);

  return v ? v->d : 0.0;
}

gboolean
moped_element_get_bool (const MopedElement *self,
                        MopedProp           prop)
{
  const MopedValue *v = get_value (self, prop, MOPED_VALUE_BOOL);

  return v ? v->b : FALSE;
}

int
moped_element_get_enum (const MopedElement *self,
                        MopedProp           prop)
{
  const MopedValue *v = get_value (self, prop, MOPED_VALUE_ENUM);

  return v ? v->e : 0;
}

MopedElement *
moped_element_get_ref (const MopedElement *self,
                       MopedProp           prop)
{
  const MopedValue *v = get_value (self, prop, MOPED_VALUE_REF);
  const MopedPropSpec *spec;
  MopedElement *target;

  if (v == NULL || v->s[0] == '\0' || self->design == NULL)
    return NULL;
  target = moped_design_lookup (self->design, v->s);
  spec = _moped_element_get_spec (self, prop, NULL);
  if (target == NULL || (spec->ref_kinds & (1u << target->kind)) == 0)
    return NULL;
  return target;
}

char *
moped_element_dup_value_text (const MopedElement *self,
                              MopedProp           prop)
{
  int slot;
  const MopedPropSpec *spec;

  g_return_val_if_fail (self != NULL, NULL);
  spec = _moped_element_get_spec (self, prop, &slot);
  g_return_val_if_fail (spec != NULL, NULL);
  return _moped_value_to_text (spec, self->values[slot]);
}

const char *
moped_element_get_name (const MopedElement *self)
{
  g_return_val_if_fail (self != NULL, "");
  if (!moped_element_has_prop (self, MOPED_PROP_NAME))
    return "";
  return moped_element_get_string (self, MOPED_PROP_NAME);
}

char *
moped_element_dup_requirement_target (const MopedElement *self)
{
  const char *unit;
  g_autofree char *value = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (self->kind == MOPED_KIND_REQUIREMENT, NULL);
  /* 0 is what a new requirement starts with and what a file without a value loads as:
   * printing it as "0 msg/s" would state a target nobody asked for. */
  if (moped_element_get_double (self, MOPED_PROP_VALUE) == 0)
    return g_strdup ("not set");
  value = moped_element_dup_value_text (self, MOPED_PROP_VALUE);
  unit = moped_element_get_string (self, MOPED_PROP_UNIT);
  if (*unit == '\0')
    return g_steal_pointer (&value);
  return g_strdup_printf ("%s %s", value, unit);
}

MopedElement *
moped_element_get_ancestor (const MopedElement *self,
                            MopedKind           kind)
{
  g_return_val_if_fail (self != NULL, NULL);
  for (MopedElement *e = self->parent; e != NULL; e = e->parent)
    if (e->kind == kind)
      return e;
  return NULL;
}

gboolean
moped_link_end_binds (const MopedElement *link,
                      const MopedElement *socket)
{
  MopedProp end;
  int mode;

  g_return_val_if_fail (link != NULL && link->kind == MOPED_KIND_LINK, FALSE);
  g_return_val_if_fail (socket != NULL && socket->kind == MOPED_KIND_SOCKET, FALSE);

  end = moped_element_get_ref (link, MOPED_PROP_FROM) == socket ? MOPED_PROP_FROM_MODE : MOPED_PROP_TO_MODE;
  mode = moped_element_get_enum (link, end);
  if (mode == MOPED_LINK_END_SOCKET)
    return moped_element_get_enum (socket, MOPED_PROP_MODE) == MOPED_SOCKET_MODE_BIND;
  return mode == MOPED_LINK_END_BIND;
}
