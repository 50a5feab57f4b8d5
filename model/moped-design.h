/* moped-design.h: the design document and the one edit API every change goes through.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Changes are grouped into transactions (begin/end); each outermost transaction is
 * one undo step and is announced once through the "changed" signal. A transaction
 * begun with a coalesce key merges into the previous step when that step had the
 * same key, so a drag of a box is a single undo step however many motions it has.
 * A change made outside any transaction is a transaction of its own.
 */
#pragma once

#include <glib-object.h>

#include "moped-element.h"

G_BEGIN_DECLS

#define MOPED_TYPE_DESIGN (moped_design_get_type ())
G_DECLARE_FINAL_TYPE (MopedDesign, moped_design, MOPED, DESIGN, GObject)

typedef enum
{
  MOPED_CHANGE_ADDED,    /* element was inserted (or re-inserted by undo) */
  MOPED_CHANGE_REMOVED,  /* element was taken out (it stays alive for redo) */
  MOPED_CHANGE_SET,      /* a property of element changed */
  MOPED_CHANGE_MOVED,    /* element changed place among its siblings */
} MopedChangeType;

typedef struct
{
  MopedChangeType  type;
  MopedElement    *element;
  MopedProp        prop;   /* for MOPED_CHANGE_SET */
} MopedChange;

/* Signal "changed" (MopedDesign *design, const GArray *changes of MopedChange,
 * gpointer user_data): emitted after each transaction, undo and redo. */

MopedDesign  *moped_design_new             (void);
MopedElement *moped_design_get_root        (MopedDesign   *self);
MopedElement *moped_design_lookup          (MopedDesign   *self,
                                            const char    *id);
/* All elements of @kind in document order (borrowed elements, a new array). */
GPtrArray    *moped_design_collect         (MopedDesign   *self,
                                            MopedKind      kind);
guint         moped_design_get_n_elements  (MopedDesign   *self);

/* Transactions */
void          moped_design_begin           (MopedDesign   *self,
                                            const char    *label);
void          moped_design_begin_coalescing(MopedDesign   *self,
                                            const char    *label,
                                            const char    *coalesce_key);
void          moped_design_end             (MopedDesign   *self);
/* Undo what the open (outermost) transaction did so far and close it. */
void          moped_design_cancel          (MopedDesign   *self);

/* Edits. @position -1 appends; @id NULL makes a fresh unique id. Returns NULL (and
 * warns) when @kind may not live under @parent or @id is taken. */
MopedElement *moped_design_add             (MopedDesign   *self,
                                            MopedElement  *parent,
                                            MopedKind      kind,
                                            int            position,
                                            const char    *id);
/* Removes @element with its children; links to its sockets, steps naming it and other
 * elements that cannot live without it go too; optional references to it are cleared. */
void          moped_design_remove          (MopedDesign   *self,
                                            MopedElement  *element);
void          moped_design_move            (MopedDesign   *self,
                                            MopedElement  *element,
                                            guint          new_index);
void          moped_design_set_string      (MopedDesign   *self,
                                            MopedElement  *element,
                                            MopedProp      prop,
                                            const char    *value);
void          moped_design_set_int         (MopedDesign   *self,
                                            MopedElement  *element,
                                            MopedProp      prop,
                                            gint64         value);
void          moped_design_set_double      (MopedDesign   *self,
                                            MopedElement  *element,
                                            MopedProp      prop,
                                            double         value);
void          moped_design_set_bool        (MopedDesign   *self,
                                            MopedElement  *element,
                                            MopedProp      prop,
                                            gboolean       value);
void          moped_design_set_enum        (MopedDesign   *self,
                                            MopedElement  *element,
                                            MopedProp      prop,
                                            int            value);
/* @target may be NULL to clear the reference. */
void          moped_design_set_ref         (MopedDesign   *self,
                                            MopedElement  *element,
                                            MopedProp      prop,
                                            MopedElement  *target);
/* Set any property from its file-format text; FALSE with @error when the text is not
 * a valid value (bad number, unknown enum name, unknown id). */
gboolean      moped_design_set_from_text   (MopedDesign   *self,
                                            MopedElement  *element,
                                            MopedProp      prop,
                                            const char    *text,
                                            GError       **error);

/* History */
gboolean      moped_design_can_undo        (MopedDesign   *self);
gboolean      moped_design_can_redo        (MopedDesign   *self);
const char   *moped_design_get_undo_label  (MopedDesign   *self);
const char   *moped_design_get_redo_label  (MopedDesign   *self);
gboolean      moped_design_undo            (MopedDesign   *self);
gboolean      moped_design_redo            (MopedDesign   *self);
void          moped_design_clear_history   (MopedDesign   *self);

/* Whether the design differs from what was last saved or loaded ("modified" property). */
gboolean      moped_design_get_modified    (MopedDesign   *self);
void          moped_design_set_unmodified  (MopedDesign   *self);

G_END_DECLS
