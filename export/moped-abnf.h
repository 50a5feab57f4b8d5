/* moped-abnf.h: the formal grammar of a design's protocols in ABNF (RFC 5234), in zproto's form.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * One rule per protocol (any sequence of its flows), one per flow, one per command
 * (the command frame, then one element per field), one per field, and the shared
 * rules of the field types at the end, like the .bnf files zproto writes. Rule names
 * are letters, digits and hyphens, unique case-insensitively (ABNF ignores case:
 * HEARTBEAT and heartbeat would be the same rule). Comments are plain ASCII.
 *
 * Flow notation: a step marked optional is [ STEP ]; a run of consecutive steps
 * marked repeat is one block that occurs one or more times, 1*( ... ), or zero or
 * more times, *( ... ), when every step in it is optional.
 */
#pragma once

#include "moped-design.h"

G_BEGIN_DECLS

/* A flow's steps as the notation above groups them: @n_steps steps from @first
 * (indexes among the flow's steps), one or more times when @repeat. */
typedef struct
{
  guint    first;
  guint    n_steps;
  gboolean repeat;
  gboolean all_optional; /* a repeat block of optional steps may occur zero times */
} MopedFlowBlock;

/* The blocks of @flow in order (an array of MopedFlowBlock); the steps are those of
 * moped_element_get_children_of_kind (flow, MOPED_KIND_STEP). */
GArray *moped_abnf_flow_blocks (MopedElement *flow);

/* The grammar of @protocol, or of every protocol of @design when @protocol is NULL.
 * Deterministic: the same design gives the same text. */
char *moped_abnf_generate  (MopedDesign  *design,
                            MopedElement *protocol);

/* @name as an ABNF rule name: "Round trip" -> "Round-trip", "3d" -> "n3d",
 * "" -> "unnamed". Case is kept; uniqueness is the caller's business. */
char *moped_abnf_rule_name (const char   *name);

G_END_DECLS
