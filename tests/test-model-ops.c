/* test-model-ops.c: shared designs: ops by id and anchor, replay on another peer, exact revert, per-author undo.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#include "moped-author-history.h"
#include "moped-file.h"
#include "moped-ops.h"
#include "moped-socket-type.h"
#include "moped-test-util.h"

typedef struct
{
  GPtrArray          *txns;      /* of MopedTxn, kept for revert tests */
  GPtrArray          *texts;     /* ops text of each commit */
  MopedAuthorHistory *history;   /* when set: commits are this author's steps */
  gboolean            remote;    /* applying someone else's ops */
} Peer;

static void
peer_commit (MopedDesign *design,
             MopedTxn    *txn,
             gpointer     user_data)
{
  Peer *peer = user_data;

  g_ptr_array_add (peer->texts, moped_ops_to_text (moped_txn_get_ops (txn)));
  if (peer->history != NULL && !peer->remote)
    moped_author_history_push (peer->history, moped_txn_get_label (txn),
                               moped_txn_get_coalesce_key (txn), moped_txn_get_ops (txn));
  g_ptr_array_add (peer->txns, txn);
}

static void
peer_init (Peer        *peer,
           MopedDesign *design,
           const char  *tag)
{
  peer->txns = g_ptr_array_new ();
  peer->texts = g_ptr_array_new_with_free_func (g_free);
  moped_design_set_shared (design, tag, peer_commit, NULL, peer);
}

static void
peer_clear (Peer *peer)
{
  g_ptr_array_set_free_func (peer->txns, (GDestroyNotify) moped_txn_free);
  g_ptr_array_unref (peer->txns);
  g_ptr_array_unref (peer->texts);
  g_clear_pointer (&peer->history, moped_author_history_free);
}

static char *
snapshot (MopedDesign *design)
{
  return moped_file_to_data (design, NULL);
}

/* Apply @text (another peer's commit) to @design. */
static void
replay (MopedDesign *design,
        const char  *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ops = moped_ops_from_text (text, &error);

  g_assert_no_error (error);
  g_assert_true (moped_design_apply_ops (design, "Remote", ops, &error));
  g_assert_no_error (error);
}

static void
test_text_round_trip (void)
{
  g_autoptr(GPtrArray) ops = moped_ops_new ();
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *again = NULL;
  MopedOp *add = moped_op_new (MOPED_OP_ADD, "node-ab-1");
  MopedOp *set = moped_op_new (MOPED_OP_SET, "node-ab-1");

  add->kind = MOPED_KIND_NODE;
  add->parent = g_strdup ("design");
  add->after = g_strdup ("");
  add->values = g_new0 (char *, MOPED_N_PROPS + 1);
  add->values[MOPED_PROP_NAME] = g_strdup ("tab\there=and\nnewline \"quoted\" é");
  set->prop = MOPED_PROP_DESCRIPTION;
  set->value = g_strdup ("a\\b\tc");
  set->old_value = g_strdup ("");
  g_ptr_array_add (ops, add);
  g_ptr_array_add (ops, set);

  text = moped_ops_to_text (ops);
  /* Values with tabs and newlines stay on their op's line. */
  g_assert_true (strchr (strchr (text, '\n') + 1, '\n') == text + strlen (text) - 1);
  back = moped_ops_from_text (text, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, 2);
  g_assert_cmpstr (((MopedOp *) back->pdata[0])->values[MOPED_PROP_NAME], ==, add->values[MOPED_PROP_NAME]);
  g_assert_cmpstr (((MopedOp *) back->pdata[1])->value, ==, "a\\b\tc");
  again = moped_ops_to_text (back);
  g_assert_cmpstr (again, ==, text);

  /* Bad input says which line and what. */
  g_assert_null (moped_ops_from_text ("set\tx\tname\ta\tb\nfly\tx\n", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_true (strstr (error->message, "line 2") != NULL);
  g_clear_error (&error);
  g_assert_null (moped_ops_from_text ("add\tnode\tn\tdesign\t\tcolour=red\n", &error));
  g_assert_true (strstr (error->message, "colour") != NULL);
}

/* Every kind of edit made on one shared design, replayed on a copy from its ops,
 * gives the same file; positions are anchors, so replay on a copy whose
 * siblings differ puts things after the same neighbour. */
static void
test_replay_converges (void)
{
  g_autoptr(MopedDesign) a = moped_design_new ();
  g_autoptr(MopedDesign) b = NULL;
  g_autofree char *start = NULL;
  Peer pa = { 0 };
  MopedElement *n1, *n2, *s1, *s2, *link;

  n1 = moped_test_add_node (a, "client");
  n2 = moped_test_add_node (a, "server");
  start = snapshot (a);
  b = moped_file_load_data (start, -1, "copy", NULL);
  peer_init (&pa, a, "aa");

  s1 = moped_test_add_socket (a, n1, "req", MOPED_SOCKET_REQ, MOPED_SOCKET_MODE_CONNECT);
  s2 = moped_test_add_socket (a, n2, "rep", MOPED_SOCKET_REP, MOPED_SOCKET_MODE_BIND);
  link = moped_test_add_link (a, s1, s2, "tcp://*:5555");
  g_assert_true (g_str_has_prefix (moped_element_get_id (link), "link-aa-"));
  moped_design_set_double (a, n2, MOPED_PROP_X, 1.0 / 3.0);
  moped_design_set_string (a, n2, MOPED_PROP_DESCRIPTION, "line one\nline\ttwo");
  moped_design_move (a, n2, 0);
  moped_design_add (a, moped_design_get_root (a), MOPED_KIND_NODE, 1, NULL);
  moped_design_remove (a, n1);   /* takes the socket and the link with it */

  for (guint i = 0; i < pa.texts->len; i++)
    replay (b, g_ptr_array_index (pa.texts, i));
  {
    g_autofree char *da = snapshot (a);
    g_autofree char *db = snapshot (b);

    g_assert_cmpstr (da, ==, db);
    g_assert_true (strstr (da, "0.333333333333333") != NULL);
  }
  /* The cascade travels explicitly: the link's removal is its own op. */
  g_assert_true (strstr (g_ptr_array_index (pa.texts, pa.texts->len - 1), "remove\tlink-aa-") != NULL);
  peer_clear (&pa);
}

static void
test_ids_and_names_per_peer (void)
{
  g_autoptr(MopedDesign) a = moped_design_new ();
  g_autoptr(MopedDesign) b = moped_design_new ();
  Peer pa = { 0 }, pb = { 0 };
  MopedElement *na, *nb;

  moped_test_add_node (a, "Node 4");
  moped_test_add_node (b, "Node 4");
  peer_init (&pa, a, "aa");
  peer_init (&pb, b, "bb");
  na = moped_design_add (a, moped_design_get_root (a), MOPED_KIND_NODE, -1, NULL);
  nb = moped_design_add (b, moped_design_get_root (b), MOPED_KIND_NODE, -1, NULL);
  g_assert_cmpstr (moped_element_get_id (na), ==, "node-aa-1");
  g_assert_cmpstr (moped_element_get_id (nb), ==, "node-bb-1");
  /* The next free default name, not a number from the id. */
  g_assert_cmpstr (moped_element_get_name (na), ==, "Node 5");
  /* Both ids can live in one design. */
  replay (a, g_ptr_array_index (pb.texts, 0));
  g_assert_cmpuint (moped_test_count (a, MOPED_KIND_NODE), ==, 3);
  /* A peer that rejoins with the same tag continues past its own ids. */
  {
    g_autofree char *data = snapshot (a);
    g_autoptr(MopedDesign) c = moped_file_load_data (data, -1, "c", NULL);
    Peer pc = { 0 };

    peer_init (&pc, c, "aa");
    g_assert_cmpstr (moped_element_get_id (moped_design_add (c, moped_design_get_root (c), MOPED_KIND_NODE, -1, NULL)),
                     ==, "node-aa-2");
    peer_clear (&pc);
  }
  peer_clear (&pa);
  peer_clear (&pb);
}

static void
test_revert_is_exact (void)
{
  g_autoptr(MopedDesign) a = moped_design_new ();
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  Peer pa = { 0 };
  MopedElement *n1 = moped_test_add_node (a, "client");
  MopedElement *n2 = moped_test_add_node (a, "server");
  MopedElement *s1 = moped_test_add_socket (a, n1, "req", MOPED_SOCKET_REQ, MOPED_SOCKET_MODE_CONNECT);
  MopedElement *s2 = moped_test_add_socket (a, n2, "rep", MOPED_SOCKET_REP, MOPED_SOCKET_MODE_BIND);

  moped_test_add_link (a, s1, s2, "tcp://*:5555");
  peer_init (&pa, a, "aa");
  before = snapshot (a);
  moped_design_begin (a, "Several");
  moped_design_set_string (a, n2, MOPED_PROP_NAME, "renamed");
  moped_design_remove (a, n1);
  moped_design_add (a, moped_design_get_root (a), MOPED_KIND_NOTE, 0, NULL);
  moped_design_end (a);
  g_assert_cmpuint (pa.txns->len, ==, 1);
  /* Shared designs keep no history of their own. */
  g_assert_false (moped_design_can_undo (a));
  g_assert_true (moped_design_get_modified (a));
  moped_design_revert (a, g_ptr_array_steal_index (pa.txns, 0));
  after = snapshot (a);
  g_assert_cmpstr (before, ==, after);
  g_assert_nonnull (moped_design_lookup (a, moped_element_get_id (s1)));
  peer_clear (&pa);
}

/* A step that changes an element and then removes it can be dropped: its set must not
 * look at the element the removal freed. */
static void
test_set_then_remove_freed (void)
{
  g_autoptr(MopedDesign) a = moped_design_new ();
  Peer pa = { 0 };
  MopedElement *n1;

  peer_init (&pa, a, "aa");
  for (int i = 0; i < 50; i++)
    {
      n1 = moped_design_add (a, moped_design_get_root (a), MOPED_KIND_NODE, -1, NULL);
      moped_design_begin (a, "Set and remove");
      moped_design_set_string (a, n1, MOPED_PROP_DESCRIPTION, "going");
      moped_design_set_double (a, n1, MOPED_PROP_X, 5);
      moped_design_remove (a, n1);
      moped_design_end (a);
      /* Freeing keeps the effects: the detached element goes, the sets after it. */
      g_ptr_array_set_free_func (pa.txns, (GDestroyNotify) moped_txn_free);
      g_ptr_array_set_size (pa.txns, 0);
    }
  g_assert_cmpuint (moped_test_count (a, MOPED_KIND_NODE), ==, 0);
  peer_clear (&pa);
}

static void
test_apply_refuses_whole (void)
{
  g_autoptr(MopedDesign) a = moped_design_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  Peer pa = { 0 };

  moped_test_add_named (a, moped_design_get_root (a), MOPED_KIND_NODE, "node-1", "client");
  peer_init (&pa, a, "aa");
  before = snapshot (a);
  /* A rename that would work, then a set on an element that is gone. */
  ops = moped_ops_from_text ("set\tnode-1\tname\tx\tclient\nset\tnode-9\tname\ty\t\n", &error);
  g_assert_no_error (error);
  g_assert_false (moped_design_apply_ops (a, "Remote", ops, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_true (strstr (error->message, "node-9") != NULL);
  g_clear_error (&error);
  after = snapshot (a);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (pa.txns->len, ==, 0);

  /* A link to a socket that is gone is refused; removing what is gone is not. */
  g_clear_pointer (&ops, g_ptr_array_unref);
  ops = moped_ops_from_text ("remove\tnode-7\t\nadd\tlink\tlink-x\tdesign\t\tendpoint=tcp://a:1\n"
                             "set\tlink-x\tfrom\tsocket-3\t\n", &error);
  g_assert_false (moped_design_apply_ops (a, "Remote", ops, &error));
  g_assert_true (strstr (error->message, "socket-3") != NULL);
  peer_clear (&pa);
}

/* Alice's undo takes back her steps only, never Bob's. */
static void
test_per_author_undo (void)
{
  g_autoptr(MopedDesign) a = moped_design_new ();
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) remote = NULL;
  Peer pa = { 0 };
  MopedElement *n1, *n2;

  n1 = moped_test_add_named (a, moped_design_get_root (a), MOPED_KIND_NODE, "node-1", "client");
  peer_init (&pa, a, "alice");
  pa.history = moped_author_history_new ("alice");
  moped_author_history_set_display_name (pa.history, "bob", "Bob");

  /* Alice renames and adds; Bob renames the same node afterwards. */
  moped_design_begin (a, "Rename and describe");
  moped_design_set_string (a, n1, MOPED_PROP_NAME, "alice's name");
  moped_design_set_string (a, n1, MOPED_PROP_DESCRIPTION, "by alice");
  moped_design_end (a);
  n2 = moped_design_add (a, moped_design_get_root (a), MOPED_KIND_NODE, -1, NULL);
  g_assert_cmpstr (moped_author_history_get_undo_label (pa.history), ==, "Add");

  /* Bob's socket inside Alice's new node, and Bob's rename: remote ops, which must not
   * become Alice's steps. */
  {
    g_autofree char *text = g_strdup_printf ("add\tsocket\tsocket-bob-1\t%s\t\tname=bobs\n"
                                             "set\tnode-1\tname\tbob's name\talice's name\n",
                                             moped_element_get_id (n2));
    g_autoptr(GError) error = NULL;

    remote = moped_ops_from_text (text, &error);
    g_assert_no_error (error);
    pa.remote = TRUE;
    g_assert_true (moped_design_apply_ops (a, "Remote", remote, &error));
    pa.remote = FALSE;
    moped_author_history_note_authors (pa.history, "bob", remote);
  }
  g_assert_cmpstr (moped_author_history_get_undo_label (pa.history), ==, "Add");

  /* Undo Add: the node holds Bob's socket, so it stays, and Alice is told. */
  g_assert_true (moped_author_history_undo (pa.history, a, notes));
  g_assert_nonnull (moped_design_lookup (a, moped_element_get_id (n2)));
  g_assert_cmpuint (notes->len, ==, 1);
  g_assert_true (strstr (notes->pdata[0], "Bob") != NULL);
  g_ptr_array_set_size (notes, 0);

  /* Undo the rename step: the description goes back, the name keeps Bob's value. */
  g_assert_cmpstr (moped_author_history_get_undo_label (pa.history), ==, "Rename and describe");
  g_assert_true (moped_author_history_undo (pa.history, a, notes));
  g_assert_cmpstr (moped_element_get_string (n1, MOPED_PROP_NAME), ==, "bob's name");
  g_assert_cmpstr (moped_element_get_string (n1, MOPED_PROP_DESCRIPTION), ==, "");
  g_assert_cmpuint (notes->len, ==, 1);
  g_assert_true (strstr (notes->pdata[0], "name") != NULL && strstr (notes->pdata[0], "Bob") != NULL);
  g_assert_null (moped_author_history_get_undo_label (pa.history));

  /* Redo puts the description back. */
  g_assert_cmpstr (moped_author_history_get_redo_label (pa.history), ==, "Rename and describe");
  g_assert_true (moped_author_history_redo (pa.history, a, NULL));
  g_assert_cmpstr (moped_element_get_string (n1, MOPED_PROP_DESCRIPTION), ==, "by alice");
  g_assert_cmpstr (moped_element_get_string (n1, MOPED_PROP_NAME), ==, "bob's name");
  peer_clear (&pa);
}

/* A long session keeps the history in bounds: steps beyond the limit go, and what
 * the history knows of elements that were removed goes with them. */
static void
test_history_bounded (void)
{
  g_autoptr(MopedDesign) a = moped_design_new ();
  Peer pa = { 0 };
  guint steps = 0, tracked = 0, tracked_before = 0;

  peer_init (&pa, a, "alice");
  pa.history = moped_author_history_new ("alice");
  for (guint i = 0; i < 1500; i++)
    {
      MopedElement *n = moped_design_add (a, moped_design_get_root (a), MOPED_KIND_NODE, -1, NULL);
      MopedElement *s = moped_design_add (a, n, MOPED_KIND_SOCKET, -1, NULL);

      moped_design_set_string (a, s, MOPED_PROP_NAME, "out");
      if (i == 0)
        moped_author_history_get_size (pa.history, &steps, &tracked_before);
      moped_design_remove (a, n);
      /* The commits are the test's to keep or free: free them as they come. */
      g_ptr_array_set_free_func (pa.txns, (GDestroyNotify) moped_txn_free);
      g_ptr_array_set_size (pa.txns, 0);
      g_ptr_array_set_free_func (pa.txns, NULL);
      g_ptr_array_set_size (pa.texts, 0);
    }
  moped_author_history_get_size (pa.history, &steps, &tracked);
  g_assert_cmpuint (steps, ==, 1000);
  g_assert_cmpuint (tracked_before, >, 0);
  g_assert_cmpuint (tracked, ==, 0);
  /* The newest steps are the ones kept: undo takes back the last removal. */
  g_assert_cmpstr (moped_author_history_get_undo_label (pa.history), !=, NULL);
  g_assert_true (moped_author_history_undo (pa.history, a, NULL));
  g_assert_cmpuint (moped_design_get_n_elements (a), >, 1);
  peer_clear (&pa);
}

/* Undo of an own removal puts the element back with what the cascade took. */
static void
test_undo_own_removal (void)
{
  g_autoptr(MopedDesign) a = moped_design_new ();
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  Peer pa = { 0 };
  MopedElement *n1 = moped_test_add_node (a, "client");
  MopedElement *n2 = moped_test_add_node (a, "server");
  MopedElement *s1 = moped_test_add_socket (a, n1, "req", MOPED_SOCKET_REQ, MOPED_SOCKET_MODE_CONNECT);
  MopedElement *s2 = moped_test_add_socket (a, n2, "rep", MOPED_SOCKET_REP, MOPED_SOCKET_MODE_BIND);

  moped_test_add_link (a, s1, s2, "tcp://*:5555");
  moped_test_add_node (a, "third");
  peer_init (&pa, a, "aa");
  pa.history = moped_author_history_new ("alice");
  before = snapshot (a);
  moped_design_remove (a, n1);
  g_assert_true (moped_author_history_undo (pa.history, a, NULL));
  after = snapshot (a);
  g_assert_cmpstr (before, ==, after);
  peer_clear (&pa);
}

/* A removed link whose end someone else removed since cannot come back half. */
static void
test_undo_removal_whole_or_nothing (void)
{
  g_autoptr(MopedDesign) a = moped_design_new ();
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) remote = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  Peer pa = { 0 };
  MopedElement *n1 = moped_test_add_node (a, "client");
  MopedElement *n2 = moped_test_add_node (a, "server");
  MopedElement *s1 = moped_test_add_socket (a, n1, "req", MOPED_SOCKET_REQ, MOPED_SOCKET_MODE_CONNECT);
  MopedElement *s2 = moped_test_add_socket (a, n2, "rep", MOPED_SOCKET_REP, MOPED_SOCKET_MODE_BIND);
  MopedElement *link = moped_test_add_link (a, s1, s2, "tcp://*:5555");
  g_autofree char *remove_socket = g_strdup_printf ("remove\t%s\t\n", moped_element_get_id (s2));

  peer_init (&pa, a, "aa");
  pa.history = moped_author_history_new ("alice");
  moped_design_remove (a, link);
  pa.remote = TRUE;
  remote = moped_ops_from_text (remove_socket, NULL);
  g_assert_true (moped_design_apply_ops (a, "Remote", remote, NULL));
  pa.remote = FALSE;
  moped_author_history_note_authors (pa.history, "bob", remote);
  before = snapshot (a);
  g_assert_true (moped_author_history_undo (pa.history, a, notes));
  after = snapshot (a);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (notes->len, ==, 1);
  g_assert_true (strstr (notes->pdata[0], "cannot be put back") != NULL);
  /* The design still loads: no link lost an end. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(MopedDesign) again = moped_file_load_data (after, -1, "after", &error);

    g_assert_no_error (error);
  }
  peer_clear (&pa);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ops/text-round-trip", test_text_round_trip);
  g_test_add_func ("/ops/replay-converges", test_replay_converges);
  g_test_add_func ("/ops/ids-and-names-per-peer", test_ids_and_names_per_peer);
  g_test_add_func ("/ops/revert-is-exact", test_revert_is_exact);
  g_test_add_func ("/ops/apply-refuses-whole", test_apply_refuses_whole);
  g_test_add_func ("/ops/set-then-remove-freed", test_set_then_remove_freed);
  g_test_add_func ("/ops/per-author-undo", test_per_author_undo);
  g_test_add_func ("/ops/undo-own-removal", test_undo_own_removal);
  g_test_add_func ("/ops/history-bounded", test_history_bounded);
  g_test_add_func ("/ops/undo-removal-whole-or-nothing", test_undo_removal_whole_or_nothing);
  return g_test_run ();
}
