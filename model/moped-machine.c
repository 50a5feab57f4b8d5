/* moped-machine.c: flows as automata, and their projection into one state machine per role.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A flow's step tree becomes a non-deterministic automaton (Thompson's construction:
 * choices fork, loops jump back, optional parts may be skipped). Projecting onto a role
 * keeps the moves in which it sends or receives and turns the others into epsilon
 * moves; the subset construction then gives a deterministic machine. States are
 * numbered in breadth-first order over the moves in document order, so the same
 * protocol always gives the same machine.
 */
#define G_LOG_DOMAIN "moped-model"

#include <string.h>

#include "moped-design.h"
#include "moped-machine.h"
#include "moped-roles.h"

MopedBlock
moped_step_get_block (MopedElement *step)
{
  int block;

  if (step == NULL || moped_element_get_kind (step) != MOPED_KIND_STEP)
    return MOPED_BLOCK_MESSAGE;
  block = moped_element_get_enum (step, MOPED_PROP_BLOCK);
  return (guint) block < MOPED_N_BLOCKS ? (MopedBlock) block : MOPED_BLOCK_MESSAGE;
}

gboolean
moped_step_is_subscription (MopedElement *step)
{
  MopedBlock block = moped_step_get_block (step);

  return block == MOPED_BLOCK_SUBSCRIBE || block == MOPED_BLOCK_UNSUBSCRIBE;
}

gboolean
moped_step_is_leaf (MopedElement *step)
{
  return moped_step_get_block (step) == MOPED_BLOCK_MESSAGE || moped_step_is_subscription (step);
}

void
moped_step_collect_leaves (MopedElement *parent,
                           gboolean      messages_only,
                           GPtrArray    *out)
{
  g_autoptr(GPtrArray) steps = moped_element_get_children_of_kind (parent, MOPED_KIND_STEP);

  for (guint i = 0; i < steps->len; i++)
    {
      MopedElement *step = g_ptr_array_index (steps, i);

      if (!moped_step_is_leaf (step))
        moped_step_collect_leaves (step, messages_only, out);
      else if (!messages_only || moped_step_get_block (step) == MOPED_BLOCK_MESSAGE)
        g_ptr_array_add (out, step);
    }
}

/* ---- the global automaton ------------------------------------------------------------ */

typedef struct
{
  MopedFlowGraph *graph;
  gboolean        subscriptions;  /* subscription steps are moves, not epsilons */
} Builder;

static guint
new_state (Builder *b)
{
  return b->graph->n_states++;
}

static void
add_move (Builder      *b,
          guint         from,
          guint         to,
          MopedElement *step)
{
  MopedMove move = { from, to, step };

  g_array_append_val (b->graph->moves, move);
}

static void build_step     (Builder      *b,
                            MopedElement *step,
                            guint         start,
                            guint         end);

static gboolean
is_repeating_message (MopedElement *step)
{
  return moped_step_get_block (step) == MOPED_BLOCK_MESSAGE &&
         moped_element_get_bool (step, MOPED_PROP_REPEAT);
}

/* The children of @parent from @start to @end in order. A run of message steps marked
 * "repeat" repeats as a whole, one or more times (format 1's loops). */
static void
build_sequence (Builder      *b,
                MopedElement *parent,
                guint         start,
                guint         end)
{
  g_autoptr(GPtrArray) steps = moped_element_get_children_of_kind (parent, MOPED_KIND_STEP);
  guint current = start;
  guint i = 0;

  while (i < steps->len)
    {
      MopedElement *step = g_ptr_array_index (steps, i);
      guint next = new_state (b);

      if (is_repeating_message (step))
        {
          guint run_start = new_state (b);
          guint at = run_start;

          add_move (b, current, run_start, NULL);
          for (; i < steps->len && is_repeating_message (g_ptr_array_index (steps, i)); i++)
            {
              guint after = new_state (b);

              build_step (b, g_ptr_array_index (steps, i), at, after);
              at = after;
            }
          add_move (b, at, run_start, NULL);
          add_move (b, at, next, NULL);
        }
      else
        {
          build_step (b, step, current, next);
          i++;
        }
      current = next;
    }
  add_move (b, current, end, NULL);
}

static void
build_step (Builder      *b,
            MopedElement *step,
            guint         start,
            guint         end)
{
  g_autoptr(GPtrArray) children = NULL;

  switch (moped_step_get_block (step))
    {
    case MOPED_BLOCK_MESSAGE:
      add_move (b, start, end, step);
      if (moped_element_get_bool (step, MOPED_PROP_OPTIONAL))
        add_move (b, start, end, NULL);
      break;
    case MOPED_BLOCK_CHOICE:
      children = moped_element_get_children_of_kind (step, MOPED_KIND_STEP);
      if (children->len == 0)
        add_move (b, start, end, NULL);
      for (guint i = 0; i < children->len; i++)
        build_step (b, g_ptr_array_index (children, i), start, end);
      break;
    case MOPED_BLOCK_LOOP:
      {
        guint body_start = new_state (b);
        guint body_end = new_state (b);

        add_move (b, start, body_start, NULL);
        build_sequence (b, step, body_start, body_end);
        add_move (b, body_end, body_start, NULL);
        add_move (b, body_end, end, NULL);
        if (moped_element_get_bool (step, MOPED_PROP_OPTIONAL))
          add_move (b, start, end, NULL);
      }
      break;
    case MOPED_BLOCK_OPTIONAL:
      build_sequence (b, step, start, end);
      add_move (b, start, end, NULL);
      break;
    case MOPED_BLOCK_SUBSCRIBE:
    case MOPED_BLOCK_UNSUBSCRIBE:
      /* Below the protocol: libzmq carries it, no command is sent. */
      add_move (b, start, end, b->subscriptions ? step : NULL);
      break;
    case MOPED_BLOCK_BRANCH:
    case MOPED_N_BLOCKS:
    default:
      build_sequence (b, step, start, end);
      break;
    }
}

MopedFlowGraph *
moped_flow_graph_new (MopedElement *flow)
{
  return moped_flow_graph_new_full (flow, FALSE);
}

MopedFlowGraph *
moped_flow_graph_new_full (MopedElement *flow,
                           gboolean      subscriptions)
{
  Builder b = { g_new0 (MopedFlowGraph, 1), subscriptions };

  g_return_val_if_fail (flow != NULL, NULL);

  b.graph->moves = g_array_new (FALSE, FALSE, sizeof (MopedMove));
  b.graph->n_states = 2;
  build_sequence (&b, flow, 0, 1);
  return b.graph;
}

void
moped_flow_graph_free (MopedFlowGraph *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->moves);
  g_free (self);
}

/* ---- who plays what, indexed once per projection ------------------------------------- */

typedef struct
{
  MopedElement *protocol;
  GHashTable   *roles_of;   /* node or socket -> GPtrArray of roles of the protocol it plays */
} RoleIndex;

static void
index_add (GHashTable   *table,
           MopedElement *player,
           MopedElement *role)
{
  GPtrArray *roles = g_hash_table_lookup (table, player);

  if (roles == NULL)
    {
      roles = g_ptr_array_new ();
      g_hash_table_insert (table, player, roles);
    }
  if (!g_ptr_array_find (roles, role, NULL))
    g_ptr_array_add (roles, role);
}

static void
role_index_init (RoleIndex    *self,
                 MopedElement *protocol)
{
  MopedDesign *design = moped_element_get_design (protocol);
  g_autoptr(GPtrArray) links = design ? moped_design_collect (design, MOPED_KIND_LINK) : g_ptr_array_new ();

  self->protocol = protocol;
  self->roles_of = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; i < links->len; i++)
    {
      MopedElement *link = g_ptr_array_index (links, i);

      if (moped_element_get_ref (link, MOPED_PROP_PROTOCOL) != protocol)
        continue;
      for (guint e = 0; e < 2; e++)
        {
          MopedProp end = e ? MOPED_PROP_TO : MOPED_PROP_FROM;
          MopedElement *socket = moped_element_get_ref (link, end);
          MopedElement *role = moped_link_get_role (link, end);

          if (socket == NULL || role == NULL)
            continue;
          index_add (self->roles_of, socket, role);
          index_add (self->roles_of, moped_element_get_parent (socket), role);
        }
    }
}

static void
role_index_clear (RoleIndex *self)
{
  g_hash_table_destroy (self->roles_of);
}

/* The role a step side names, or the one role its node or socket plays; else NULL. */
static MopedElement *
party_role (RoleIndex    *self,
            MopedElement *party)
{
  GPtrArray *roles;

  if (party == NULL)
    return NULL;
  if (moped_element_get_kind (party) == MOPED_KIND_ROLE)
    return party;
  roles = g_hash_table_lookup (self->roles_of, party);
  return roles != NULL && roles->len == 1 ? g_ptr_array_index (roles, 0) : NULL;
}

/* ---- projection ------------------------------------------------------------------------ */

typedef struct
{
  gboolean      send;
  MopedElement *command;
  MopedElement *peer;
} Label;

typedef struct
{
  guint   n_states;
  GArray *moves;   /* MopedMove with the step replaced by its label index + 1, 0 = epsilon */
  GArray *labels;  /* Label */
  guint   end;
} Projected;

static guint
label_for (Projected    *p,
           RoleIndex    *index,
           MopedElement *step,
           MopedElement *role)
{
  MopedElement *from = party_role (index, moped_element_get_ref (step, MOPED_PROP_FROM));
  MopedElement *to = party_role (index, moped_element_get_ref (step, MOPED_PROP_TO));
  Label label = { FALSE, moped_element_get_ref (step, MOPED_PROP_COMMAND), NULL };

  if (from == role)
    {
      label.send = TRUE;
      label.peer = to;
    }
  else if (to == role)
    label.peer = from;
  else
    return 0;
  for (guint i = 0; i < p->labels->len; i++)
    {
      Label *l = &g_array_index (p->labels, Label, i);

      if (l->send == label.send && l->command == label.command)
        return i + 1;
    }
  g_array_append_val (p->labels, label);
  return p->labels->len;
}

static void
project_graph (Projected      *p,
               RoleIndex      *index,
               MopedFlowGraph *graph,
               guint           offset,
               MopedElement   *role)
{
  for (guint i = 0; i < graph->moves->len; i++)
    {
      const MopedMove *m = &g_array_index (graph->moves, MopedMove, i);
      MopedMove out = { m->from + offset, m->to + offset, NULL };
      guint label = m->step ? label_for (p, index, m->step, role) : 0;

      out.step = GUINT_TO_POINTER (label);
      g_array_append_val (p->moves, out);
    }
}

/* Outgoing moves per state, so that closures and successors cost the moves they touch. */
static GPtrArray *
outgoing_index (const Projected *p)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);

  for (guint s = 0; s < p->n_states; s++)
    g_ptr_array_add (out, g_array_new (FALSE, FALSE, sizeof (guint)));
  for (guint m = 0; m < p->moves->len; m++)
    g_array_append_val (g_ptr_array_index (out, g_array_index (p->moves, MopedMove, m).from), m);
  return out;
}

static void
closure (const Projected *p,
         GPtrArray       *out,
         GArray          *set,      /* guint, grows */
         gboolean        *member)
{
  for (guint i = 0; i < set->len; i++)
    {
      GArray *moves = g_ptr_array_index (out, g_array_index (set, guint, i));

      for (guint k = 0; k < moves->len; k++)
        {
          const MopedMove *move = &g_array_index (p->moves, MopedMove, g_array_index (moves, guint, k));

          if (move->step == NULL && !member[move->to])
            {
              member[move->to] = TRUE;
              g_array_append_val (set, move->to);
            }
        }
    }
}

static int
compare_uint (gconstpointer a,
              gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

static char *
set_key (GArray *set)
{
  GString *key = g_string_new (NULL);

  g_array_sort (set, compare_uint);
  for (guint i = 0; i < set->len; i++)
    g_string_append_printf (key, "%u,", g_array_index (set, guint, i));
  return g_string_free (key, FALSE);
}

static void
clear_members (gboolean *member,
               GArray   *set)
{
  for (guint i = 0; i < set->len; i++)
    member[g_array_index (set, guint, i)] = FALSE;
}

/* The deterministic machine of @p from NFA state @start (subset construction). */
static MopedMachine *
determinize (Projected    *p,
             guint         start,
             MopedElement *role)
{
  MopedMachine *machine = g_new0 (MopedMachine, 1);
  g_autoptr(GHashTable) known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) sets = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  g_autoptr(GPtrArray) out = outgoing_index (p);
  g_autoptr(GArray) finals = g_array_new (FALSE, TRUE, sizeof (gboolean));
  g_autofree gboolean *member = g_new0 (gboolean, p->n_states);
  GArray *first = g_array_new (FALSE, FALSE, sizeof (guint));

  machine->role = role;
  machine->transitions = g_array_new (FALSE, FALSE, sizeof (MopedTransition));
  g_array_append_val (first, start);
  member[start] = TRUE;
  closure (p, out, first, member);
  clear_members (member, first);
  g_hash_table_insert (known, set_key (first), GUINT_TO_POINTER (1));
  g_ptr_array_add (sets, first);

  for (guint d = 0; d < sets->len; d++)
    {
      GArray *set = g_ptr_array_index (sets, d);
      g_autoptr(GHashTable) targets = g_hash_table_new_full (NULL, NULL, NULL, NULL);
      g_autoptr(GArray) labels = g_array_new (FALSE, FALSE, sizeof (guint));
      gboolean is_final = FALSE;

      for (guint i = 0; i < set->len; i++)
        {
          GArray *moves = g_ptr_array_index (out, g_array_index (set, guint, i));

          is_final |= g_array_index (set, guint, i) == p->end;
          for (guint k = 0; k < moves->len; k++)
            {
              const MopedMove *move = &g_array_index (p->moves, MopedMove, g_array_index (moves, guint, k));
              guint l = GPOINTER_TO_UINT (move->step);
              GArray *target;

              if (l == 0)
                continue;
              target = g_hash_table_lookup (targets, GUINT_TO_POINTER (l));
              if (target == NULL)
                {
                  target = g_array_new (FALSE, FALSE, sizeof (guint));
                  g_hash_table_insert (targets, GUINT_TO_POINTER (l), target);
                  g_array_append_val (labels, l);
                }
              g_array_append_val (target, move->to);
            }
        }
      g_array_append_val (finals, is_final);
      /* One transition per label, in the order the labels first appear in the flows. */
      g_array_sort (labels, compare_uint);
      for (guint j = 0; j < labels->len; j++)
        {
          guint l = g_array_index (labels, guint, j);
          GArray *raw = g_hash_table_lookup (targets, GUINT_TO_POINTER (l));
          GArray *target = g_array_new (FALSE, FALSE, sizeof (guint));
          const Label *label = &g_array_index (p->labels, Label, l - 1);
          MopedTransition t = { d, 0, label->send, label->command, label->peer };
          g_autofree char *key = NULL;
          gpointer found;

          for (guint i = 0; i < raw->len; i++)
            if (!member[g_array_index (raw, guint, i)])
              {
                member[g_array_index (raw, guint, i)] = TRUE;
                g_array_append_val (target, g_array_index (raw, guint, i));
              }
          g_array_unref (raw);
          closure (p, out, target, member);
          clear_members (member, target);
          key = set_key (target);
          if (g_hash_table_lookup_extended (known, key, NULL, &found))
            {
              t.to = GPOINTER_TO_UINT (found) - 1;
              g_array_unref (target);
            }
          else
            {
              t.to = sets->len;
              g_hash_table_insert (known, g_steal_pointer (&key), GUINT_TO_POINTER (sets->len + 1));
              g_ptr_array_add (sets, target);
            }
          g_array_append_val (machine->transitions, t);
        }
    }
  machine->n_states = sets->len;
  machine->final = g_new0 (gboolean, sets->len);
  for (guint i = 0; i < sets->len; i++)
    machine->final[i] = g_array_index (finals, gboolean, i);
  return machine;
}

/* Merges states that behave the same (Moore's partition refinement), so that a role's
 * machine has as few states as it needs; state 0 stays the start. */
static void
minimize (MopedMachine *m)
{
  g_autofree guint *cls = g_new0 (guint, m->n_states);
  g_autofree guint *next = g_new0 (guint, m->n_states);
  g_autofree guint *renumber = NULL;
  GArray *kept;
  guint n_classes = 0;

  for (guint st = 0; st < m->n_states; st++)
    cls[st] = m->final[st] ? 1 : 0;
  for (;;)
    {
      g_autoptr(GHashTable) sigs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      guint count = 0;

      for (guint st = 0; st < m->n_states; st++)
        {
          GString *sig = g_string_new (NULL);
          gpointer found;

          g_string_append_printf (sig, "%u|", cls[st]);
          /* Transitions of a state are contiguous and in label order. */
          for (guint i = 0; i < m->transitions->len; i++)
            {
              const MopedTransition *t = &g_array_index (m->transitions, MopedTransition, i);

              if (t->from == st)
                g_string_append_printf (sig, "%d:%p:%u;", t->send, (void *) t->command, cls[t->to]);
            }
          if (g_hash_table_lookup_extended (sigs, sig->str, NULL, &found))
            {
              next[st] = GPOINTER_TO_UINT (found) - 1;
              g_string_free (sig, TRUE);
            }
          else
            {
              next[st] = count++;
              g_hash_table_insert (sigs, g_string_free (sig, FALSE), GUINT_TO_POINTER (count));
            }
        }
      memcpy (cls, next, m->n_states * sizeof (guint));
      if (count == n_classes)
        break;
      n_classes = count;
    }
  /* Number the classes in the order their first state comes (state 0 is class 0). */
  renumber = g_new (guint, n_classes);
  for (guint c = 0; c < n_classes; c++)
    renumber[c] = G_MAXUINT;
  {
    guint k = 0;

    for (guint st = 0; st < m->n_states; st++)
      if (renumber[cls[st]] == G_MAXUINT)
        renumber[cls[st]] = k++;
  }
  kept = g_array_new (FALSE, FALSE, sizeof (MopedTransition));
  {
    g_autofree gboolean *done = g_new0 (gboolean, n_classes);
    g_autofree gboolean *final = g_new0 (gboolean, n_classes);

    for (guint st = 0; st < m->n_states; st++)
      {
        guint c = renumber[cls[st]];

        final[c] = m->final[st];
        if (done[c])
          continue;
        done[c] = TRUE;
        for (guint i = 0; i < m->transitions->len; i++)
          {
            MopedTransition t = g_array_index (m->transitions, MopedTransition, i);

            if (t.from != st)
              continue;
            t.from = c;
            t.to = renumber[cls[t.to]];
            g_array_append_val (kept, t);
          }
      }
    g_free (m->final);
    m->final = g_steal_pointer (&final);
  }
  g_array_unref (m->transitions);
  m->transitions = kept;
  m->n_states = n_classes;
}

static int
compare_transitions (gconstpointer a,
                     gconstpointer b)
{
  const MopedTransition *x = a, *y = b;

  return x->from < y->from ? -1 : x->from > y->from;
}

MopedMachine *
moped_machine_new (MopedElement *protocol,
                   MopedElement *flow,
                   MopedElement *role)
{
  g_autoptr(GPtrArray) flows = NULL;
  Projected p = { 0 };
  RoleIndex index;
  MopedMachine *machine;

  g_return_val_if_fail (protocol != NULL && role != NULL, NULL);

  role_index_init (&index, protocol);
  p.moves = g_array_new (FALSE, FALSE, sizeof (MopedMove));
  p.labels = g_array_new (FALSE, FALSE, sizeof (Label));
  if (flow != NULL)
    {
      g_autoptr(MopedFlowGraph) graph = moped_flow_graph_new (flow);

      project_graph (&p, &index, graph, 0, role);
      p.n_states = graph->n_states;
      p.end = 1;
    }
  else
    {
      /* Any flow, then any flow again: a hub state 0 that is also the end. */
      flows = moped_element_get_children_of_kind (protocol, MOPED_KIND_FLOW);
      p.n_states = 1;
      p.end = 0;
      for (guint i = 0; i < flows->len; i++)
        {
          g_autoptr(MopedFlowGraph) graph = moped_flow_graph_new (g_ptr_array_index (flows, i));
          guint offset = p.n_states;
          MopedMove in = { 0, offset, NULL }, out = { offset + 1, 0, NULL };

          project_graph (&p, &index, graph, offset, role);
          g_array_append_val (p.moves, in);
          g_array_append_val (p.moves, out);
          p.n_states += graph->n_states;
        }
    }
  machine = determinize (&p, 0, role);
  minimize (machine);
  /* By state, keeping the flows' order within each (GLib's sort is stable). */
  g_array_sort (machine->transitions, compare_transitions);
  g_array_unref (p.moves);
  g_array_unref (p.labels);
  role_index_clear (&index);
  return machine;
}

void
moped_machine_free (MopedMachine *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->transitions);
  g_free (self->final);
  g_free (self);
}

const MopedTransition *
moped_machine_step (const MopedMachine *self,
                    guint               state,
                    gboolean            send,
                    MopedElement       *command)
{
  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; i < self->transitions->len; i++)
    {
      const MopedTransition *t = &g_array_index (self->transitions, MopedTransition, i);

      if (t->from == state && !t->send == !send && t->command == command)
        return t;
    }
  return NULL;
}

static gboolean
involves (MopedElement *parent,
          MopedElement *role)
{
  g_autoptr(GPtrArray) steps = moped_element_get_children_of_kind (parent, MOPED_KIND_STEP);

  for (guint i = 0; i < steps->len; i++)
    {
      MopedElement *step = g_ptr_array_index (steps, i);

      if (moped_step_get_block (step) != MOPED_BLOCK_MESSAGE)
        {
          if (involves (step, role))
            return TRUE;
          continue;
        }
      if (moped_step_get_role (step, MOPED_PROP_FROM) == role ||
          moped_step_get_role (step, MOPED_PROP_TO) == role)
        return TRUE;
    }
  return FALSE;
}

gboolean
moped_flow_involves_role (MopedElement *flow,
                          MopedElement *role)
{
  g_return_val_if_fail (flow != NULL && role != NULL, FALSE);
  return involves (flow, role);
}
