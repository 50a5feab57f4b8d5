/* moped-element-private.h: the element struct and typed values, shared by the design and its history.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#pragma once

#include "moped-design.h"
#include "moped-schema.h"

G_BEGIN_DECLS

/* One property value; which member is live follows the property's MopedValueType.
 * STRING and REF own their string (never NULL; "" for empty or no reference). */
typedef union
{
  char    *s;
  gint64   i;
  double   d;
  gboolean b;
  int      e;
} MopedValue;

struct _MopedElement
{
  MopedKind     kind;
  guint         line;
  char         *id;
  MopedDesign  *design;    /* NULL while detached (removed, kept for redo) */
  MopedElement *parent;
  GPtrArray    *children;  /* grouped by kind in MopedKind order; NULL when none */
  MopedValue   *values;    /* one per property of the kind, in schema order */
};

MopedElement *_moped_element_new          (MopedKind           kind,
                                           const char         *id);
void          _moped_element_free         (MopedElement       *self);
/* Insert @child among @self's children at @position within its kind's group. */
void          _moped_element_insert_child (MopedElement       *self,
                                           MopedElement       *child,
                                           int                 position);
/* Take @child out of @self's children; returns its index within its kind's group. */
guint         _moped_element_take_child   (MopedElement       *self,
                                           MopedElement       *child);
/* How many children of @kind @self has, without copying them. */
guint         _moped_element_count_kind   (const MopedElement *self,
                                           MopedKind           kind);
void          _moped_element_set_design   (MopedElement       *self,
                                           MopedDesign        *design);

const MopedPropSpec *_moped_element_get_spec (const MopedElement *self,
                                              MopedProp           prop,
                                              int                *slot);
MopedValue    _moped_value_copy           (const MopedPropSpec *spec,
                                           MopedValue           value);
void          _moped_value_clear          (const MopedPropSpec *spec,
                                           MopedValue          *value);
gboolean      _moped_value_equal          (const MopedPropSpec *spec,
                                           MopedValue           a,
                                           MopedValue           b);
/* Parse file-format text into a value; refs are taken as ids without lookup. */
gboolean      _moped_value_parse          (const MopedPropSpec *spec,
                                           const char          *text,
                                           MopedValue          *value,
                                           char               **problem);
char         *_moped_value_to_text        (const MopedPropSpec *spec,
                                           MopedValue           value);

/* Called by the design when the element's id index must learn about a subtree. */
typedef void (*MopedElementFunc) (MopedElement *element,
                                  gpointer      user_data);
void          _moped_element_foreach      (MopedElement       *self,
                                           MopedElementFunc    func,
                                           gpointer            user_data);

G_END_DECLS
