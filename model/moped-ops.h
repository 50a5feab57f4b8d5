/* moped-ops.h: edits addressed by id and anchor, as text, for sharing a design between peers.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A shared design cannot name elements by position (positions shift under concurrent
 * edits) nor by pointer (each peer has its own objects). An operation names its
 * element by id, its place by the sibling of the same kind it comes after (its
 * anchor, "" for first), and carries values as the file format's text, so applying
 * the same operations in the same order gives byte-identical files everywhere.
 *
 * A shared design (moped_design_set_shared) records every finished transaction as a
 * MopedTxn: the operations it resolved to (delete cascades included, each removal
 * carrying what it removed so it can be put back) plus an exact way to revert it.
 * Its history is the caller's: remote operations never touch anyone's undo.
 */
#pragma once

#include "moped-design.h"

G_BEGIN_DECLS

typedef enum
{
  MOPED_OP_ADD,     /* element @id of @kind under @parent after @after, with @values */
  MOPED_OP_REMOVE,  /* element @id; @restore holds the ops that put it back */
  MOPED_OP_SET,     /* property @prop of @id from @old_value to @value */
  MOPED_OP_MOVE,    /* element @id from after @old_after to after @after */
} MopedOpType;

typedef struct
{
  MopedOpType type;
  MopedKind   kind;        /* ADD */
  char       *id;
  char       *parent;      /* ADD */
  char       *after;       /* ADD, MOVE: anchor, "" = first among its kind */
  char       *old_after;   /* MOVE */
  MopedProp   prop;        /* SET */
  char       *value;       /* SET */
  char       *old_value;   /* SET */
  char      **values;      /* ADD: MOPED_N_PROPS texts, NULL where the default stays */
  char       *restore;     /* REMOVE: ops text re-adding what went */
} MopedOp;

MopedOp    *moped_op_new            (MopedOpType     type,
                                     const char     *id);
MopedOp    *moped_op_copy           (const MopedOp  *op);
void        moped_op_free           (MopedOp        *op);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MopedOp, moped_op_free)

/* A new array of MopedOp that frees them. */
GPtrArray  *moped_ops_new           (void);
/* One op per line, fields escaped: the wire and journal form. */
char       *moped_ops_to_text       (GPtrArray      *ops);
/* NULL with @error ("line N: ...") when the text is not a list of ops. */
GPtrArray  *moped_ops_from_text     (const char     *text,
                                     GError        **error);

/* Apply one op through the edit API (inside the caller's transaction). Fails with
 * @error, changing nothing, when its target, parent or referenced element is gone or
 * a value is not valid; removing or moving what is already gone does nothing. */
gboolean    moped_design_apply_op   (MopedDesign    *design,
                                     const MopedOp  *op,
                                     GError        **error);
/* All or nothing, as one transaction labelled @label. */
gboolean    moped_design_apply_ops  (MopedDesign    *design,
                                     const char     *label,
                                     GPtrArray      *ops,
                                     GError        **error);
/* Ops that re-create @element and its subtree under its parent, after @after; refs
 * are set once the whole subtree exists. */
void        moped_design_describe_subtree (MopedDesign  *design,
                                           MopedElement *element,
                                           const char   *after,
                                           GPtrArray    *out);
/* The id of the sibling of the same kind before @element, "" when first (borrowed). */
const char *moped_element_get_anchor (const MopedElement *element);

/* Everything moped_design_remove (@element) would take out (borrowed elements), and
 * in @cleared the (element, prop) pairs it would clear, as element then
 * GINT_TO_POINTER (prop). */
GPtrArray  *moped_design_plan_removal (MopedDesign  *design,
                                       MopedElement *element,
                                       GPtrArray    *cleared);

/* ---- shared designs ----------------------------------------------------------- */

typedef struct _MopedTxn MopedTxn;

/* Called when an outermost transaction of a shared design ends with changes; the
 * receiver owns @txn (free it to keep its effects, or revert it). */
typedef void (*MopedCommitFunc) (MopedDesign *design,
                                 MopedTxn    *txn,
                                 gpointer     user_data);
/* Undo or redo for a shared design, which has no history of its own. */
typedef void (*MopedHistoryFunc) (MopedDesign *design,
                                  gboolean     redo,
                                  gpointer     user_data);

/* From now on: fresh ids carry @id_tag ("node-TAG-1") so peers never make the same
 * id, default names are the next free "Node N", numbers are stored as the file
 * writes them, the local history is dropped and each transaction goes to @commit.
 * @id_tag: lowercase letters and digits. */
void        moped_design_set_shared (MopedDesign     *design,
                                     const char      *id_tag,
                                     MopedCommitFunc  commit,
                                     MopedHistoryFunc history,
                                     gpointer         user_data);
gboolean    moped_design_is_shared  (MopedDesign     *design);
/* What the shared history can do now, for the undo/redo actions and their labels. */
void        moped_design_set_history_state (MopedDesign *design,
                                            const char  *undo_label,
                                            const char  *redo_label);

const char *moped_txn_get_label     (const MopedTxn *txn);
const char *moped_txn_get_coalesce_key (const MopedTxn *txn);
/* The ops the transaction resolved to, in the order they happened (borrowed). */
GPtrArray  *moped_txn_get_ops       (const MopedTxn *txn);
/* Forget how to revert; the effects stay. */
void        moped_txn_free          (MopedTxn       *txn);
/* Put the design back exactly as before @txn, which must be the latest transaction
 * still applied, and free it. Announced through "changed"; not a new transaction. */
void        moped_design_revert     (MopedDesign    *design,
                                     MopedTxn       *txn);

G_END_DECLS
