/* moped-abnf.h: the formal grammar of a design's protocols in ABNF (RFC 5234), one rule per role's conversation.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The grammar reads a conversation as one role sees it, in a textual form each grammar
 * explains at its top: a line naming the protocol and the role, then one line per
 * message (">" sent or "<" received, the other role, ":", each frame as a quoted token
 * whose quote and percent-sign octets, and every octet outside printable ASCII, are
 * written %XX), each line ending in CRLF. Rules: one per protocol (any of its roles'
 * conversations), one per role's conversation and per state of its state machine
 * (moped-machine.h), one per message (its frames), one per field, and the shared rules
 * of the field types and of frame octets at the end, like the .bnf files zproto
 * writes. Rule names are letters, digits and hyphens, unique case-insensitively (ABNF
 * ignores case: HEARTBEAT and heartbeat would be the same rule). Comments are plain
 * ASCII. tests/test-abnf-meaning.py checks with two parsers that the grammar accepts
 * the conversations the flows allow and nothing close to them that they do not.
 */
#pragma once

#include "moped-design.h"

G_BEGIN_DECLS

/* A flow's steps as the document's dialogs group them: @n_steps steps from @first
 * (indexes among the flow's steps), one or more times when @repeat (a run of
 * consecutive steps marked repeat repeats as a whole). */
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
