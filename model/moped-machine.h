/* moped-machine.h: a protocol's flows projected into one state machine per role.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A flow is a global protocol in the sense of Scribble: message steps, choices among
 * branches made by one role, loops and optional parts. A protocol is any of its flows,
 * one after the other, any number of times. Projecting it onto a role keeps the
 * messages that role sends or receives and gives a deterministic state machine: in
 * each state, what the role may send or receive next. Validation, the documents, the
 * grammar and the exported engines all read these machines.
 */
#pragma once

#include "moped-element.h"

G_BEGIN_DECLS

typedef struct
{
  guint         from;      /* state */
  guint         to;
  gboolean      send;      /* the role sends (else it receives) */
  MopedElement *command;
  MopedElement *peer;      /* the role at the other end, NULL when unknown */
} MopedTransition;

typedef struct
{
  MopedElement *role;
  guint         n_states;   /* state 0 is where the role starts */
  gboolean     *final;      /* per state: the conversation may end here */
  GArray       *transitions; /* MopedTransition, sorted by state, then as the flows list them */
} MopedMachine;

/* The machine of @role for @flow, or for the whole protocol when @flow is NULL. */
MopedMachine *moped_machine_new          (MopedElement       *protocol,
                                          MopedElement       *flow,
                                          MopedElement       *role);
void          moped_machine_free         (MopedMachine       *self);
/* The transition from @state on (@send, @command), or NULL: what the role may do next. */
const MopedTransition *moped_machine_step (const MopedMachine *self,
                                           guint               state,
                                           gboolean            send,
                                           MopedElement       *command);
/* Whether @role takes part in @flow at all. */
gboolean      moped_flow_involves_role   (MopedElement       *flow,
                                          MopedElement       *role);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MopedMachine, moped_machine_free)

/* ---- the global flow, for checks and generators ---------------------------------------- */

/* The flow as a non-deterministic automaton over message steps (epsilon moves have
 * step NULL). State 0 starts, state 1 ends. */
typedef struct
{
  guint         from;
  guint         to;
  MopedElement *step;      /* a message step, or NULL for an epsilon move */
} MopedMove;

typedef struct
{
  guint   n_states;
  GArray *moves;           /* MopedMove */
} MopedFlowGraph;

MopedFlowGraph *moped_flow_graph_new     (MopedElement       *flow);
/* The same, with each subscription step a move of its own when @subscriptions (the
 * exported flow tests play them; no role's machine sees them). */
MopedFlowGraph *moped_flow_graph_new_full (MopedElement      *flow,
                                           gboolean           subscriptions);
void            moped_flow_graph_free    (MopedFlowGraph     *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MopedFlowGraph, moped_flow_graph_free)

/* The block a step is. */
MopedBlock    moped_step_get_block       (MopedElement       *step);
/* Whether @step is a subscription or an unsubscription (a socket-level message from a
 * SUB or XSUB to an XPUB; no command, so no role's machine and no grammar sees it). */
gboolean      moped_step_is_subscription (MopedElement       *step);
/* Whether @step happens between two sides (a message or a subscription), rather than
 * holding other steps. */
gboolean      moped_step_is_leaf         (MopedElement       *step);
/* Appends to @out the leaf steps below @parent (a flow or a block), blocks opened, in
 * document order: messages and subscriptions, or messages only when @messages_only. */
void          moped_step_collect_leaves  (MopedElement       *parent,
                                          gboolean            messages_only,
                                          GPtrArray          *out);

G_END_DECLS
