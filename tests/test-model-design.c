/* test-model-design.c: the edit API: elements, properties, transactions, undo/redo, cascades.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#include "moped-design-copy.h"
#include "moped-design.h"
#include "moped-file.h"
#include "moped-schema.h"
#include "moped-socket-type.h"
#include "moped-test-util.h"

static char *
snapshot (MopedDesign *design)
{
  return moped_file_to_data (design, NULL);
}

static void
test_add_and_lookup (void)
{
  g_autoptr(MopedDesign) design = moped_design_new ();
  MopedElement *root = moped_design_get_root (design);
  MopedElement *a = moped_test_add_node (design, "client");
  MopedElement *b = moped_test_add_node (design, "server");
  MopedElement *s = moped_test_add_socket (design, a, "req", MOPED_SOCKET_REQ, MOPED_SOCKET_MODE_CONNECT);
  g_autoptr(GPtrArray) nodes = moped_design_collect (design, MOPED_KIND_NODE);
  g_autoptr(GPtrArray) sockets = moped_design_collect (design, MOPED_KIND_SOCKET);

  g_assert_cmpstr (moped_element_get_id (root), ==, "design");
  g_assert_cmpstr (moped_element_get_id (a), !=, moped_element_get_id (b));
  g_assert_true (moped_design_lookup (design, moped_element_get_id (b)) == b);
  g_assert_true (moped_element_get_parent (s) == a);
  g_assert_true (moped_element_get_ancestor (s, MOPED_KIND_NODE) == a);
  g_assert_true (moped_element_get_design (s) == design);
  g_assert_cmpuint (nodes->len, ==, 2);
  g_assert_cmpuint (sockets->len, ==, 1);
  g_assert_cmpint (moped_element_get_index (b), ==, 1);
  g_assert_cmpstr (moped_element_get_name (a), ==, "client");
  g_assert_cmpint (moped_element_get_enum (s, MOPED_PROP_TYPE), ==, MOPED_SOCKET_REQ);
  g_assert_cmpuint (moped_design_get_n_elements (design), ==, 4);

  /* Taken ids and impossible parents are refused, with a warning. */
  g_test_expect_message ("moped-model", G_LOG_LEVEL_WARNING, "*taken*");
  g_assert_null (moped_design_add (design, root, MOPED_KIND_NODE, -1, moped_element_get_id (a)));
  g_test_expect_message ("moped-model", G_LOG_LEVEL_WARNING, "*cannot be added*");
  g_assert_null (moped_design_add (design, root, MOPED_KIND_SOCKET, -1, NULL));
  g_test_assert_expected_messages ();
}

static void
test_children_grouped_by_kind (void)
{
  g_autoptr(MopedDesign) design = moped_design_new ();
  MopedElement *root = moped_design_get_root (design);
  MopedElement *note = moped_design_add (design, root, MOPED_KIND_NOTE, -1, NULL);
  MopedElement *proto = moped_design_add (design, root, MOPED_KIND_PROTOCOL, -1, NULL);
  MopedElement *n1 = moped_test_add_node (design, "one");
  MopedElement *n0 = moped_design_add (design, root, MOPED_KIND_NODE, 0, NULL);

  /* Whatever the order of adding, the file order is nodes, ..., protocols, ..., notes. */
  g_assert_true (moped_element_get_child (root, 0) == n0);
  g_assert_true (moped_element_get_child (root, 1) == n1);
  g_assert_true (moped_element_get_child (root, 2) == proto);
  g_assert_true (moped_element_get_child (root, 3) == note);

  moped_design_move (design, n0, 1);
  g_assert_true (moped_element_get_child (root, 0) == n1);
  g_assert_cmpint (moped_element_get_index (n0), ==, 1);
  g_assert_true (moped_design_undo (design));
  g_assert_true (moped_element_get_child (root, 0) == n0);
}

static void
test_properties_and_text (void)
{
  g_autoptr(MopedDesign) design = moped_design_new ();
  MopedElement *node = moped_test_add_node (design, "n");
  MopedElement *field;
  MopedElement *cmd;
  MopedElement *proto = moped_design_add (design, moped_design_get_root (design), MOPED_KIND_PROTOCOL, -1, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *x_text = NULL;

  MopedElement *role = moped_design_add (design, proto, MOPED_KIND_ROLE, -1, NULL);

  cmd = moped_design_add (design, proto, MOPED_KIND_COMMAND, -1, NULL);
  field = moped_design_add (design, cmd, MOPED_KIND_FIELD, -1, NULL);

  /* Defaults come from the schema. */
  g_assert_cmpint (moped_element_get_int (node, MOPED_PROP_INSTANCES), ==, 1);
  g_assert_cmpfloat (moped_element_get_double (node, MOPED_PROP_WIDTH), >, 0);
  g_assert_cmpint (moped_element_get_enum (field, MOPED_PROP_TYPE), ==, MOPED_FIELD_STRING);

  g_assert_true (moped_design_set_from_text (design, node, MOPED_PROP_X, "12.5", &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (moped_element_get_double (node, MOPED_PROP_X), ==, 12.5);
  x_text = moped_element_dup_value_text (node, MOPED_PROP_X);
  g_assert_cmpstr (x_text, ==, "12.5");

  g_assert_false (moped_design_set_from_text (design, node, MOPED_PROP_INSTANCES, "many", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (moped_design_set_from_text (design, field, MOPED_PROP_TYPE, "float", &error));
  g_assert_nonnull (strstr (error->message, "string"));
  g_clear_error (&error);
  g_assert_false (moped_design_set_from_text (design, cmd, MOPED_PROP_SENDER, "no-such-node", &error));
  g_clear_error (&error);
  g_assert_false (moped_design_set_from_text (design, cmd, MOPED_PROP_SENDER, moped_element_get_id (field), &error));
  g_clear_error (&error);
  /* A command is sent by a role; a node is not one. */
  g_assert_false (moped_design_set_from_text (design, cmd, MOPED_PROP_SENDER, moped_element_get_id (node), &error));
  g_clear_error (&error);
  g_assert_true (moped_design_set_from_text (design, cmd, MOPED_PROP_SENDER, moped_element_get_id (role), &error));
  g_assert_true (moped_element_get_ref (cmd, MOPED_PROP_SENDER) == role);
  g_assert_true (moped_design_set_from_text (design, field, MOPED_PROP_TYPE, "number", &error));
  g_assert_cmpint (moped_element_get_enum (field, MOPED_PROP_TYPE), ==, MOPED_FIELD_NUMBER);
}

static guint n_signals;
static guint n_changes;

static void
on_changed (MopedDesign  *design,
            const GArray *changes,
            gpointer      user_data)
{
  n_signals++;
  n_changes += changes->len;
}

static void
test_transactions_and_signal (void)
{
  g_autoptr(MopedDesign) design = moped_design_new ();
  MopedElement *node;

  g_signal_connect (design, "changed", G_CALLBACK (on_changed), NULL);
  n_signals = n_changes = 0;

  moped_design_begin (design, "Add client");
  node = moped_test_add_node (design, "client");
  moped_test_add_socket (design, node, "req", MOPED_SOCKET_REQ, MOPED_SOCKET_MODE_CONNECT);
  g_assert_cmpuint (n_signals, ==, 0); /* nothing is announced mid-transaction */
  moped_design_end (design);

  g_assert_cmpuint (n_signals, ==, 1);
  g_assert_cmpuint (n_changes, >=, 3);
  g_assert_cmpstr (moped_design_get_undo_label (design), ==, "Add client");
  g_assert_true (moped_design_get_modified (design));

  /* Setting a value to what it already is records nothing. */
  moped_design_set_string (design, node, MOPED_PROP_NAME, "client");
  g_assert_cmpuint (n_signals, ==, 1);

  g_assert_true (moped_design_undo (design));
  g_assert_cmpuint (n_signals, ==, 2);
  g_assert_null (moped_design_lookup (design, moped_element_get_id (node)));
  g_assert_false (moped_design_get_modified (design));
  g_assert_false (moped_design_can_undo (design));
  g_assert_true (moped_design_redo (design));
  g_assert_true (moped_design_lookup (design, moped_element_get_id (node)) == node);
  g_assert_cmpuint (moped_element_get_n_children (node), ==, 1);
}

static void
test_cancel (void)
{
  g_autoptr(MopedDesign) design = moped_design_new ();
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  MopedElement *node = moped_test_add_node (design, "a");

  before = snapshot (design);
  moped_design_begin (design, "Doomed");
  moped_design_set_string (design, node, MOPED_PROP_NAME, "b");
  moped_test_add_node (design, "c");
  moped_design_remove (design, node);
  moped_design_cancel (design);
  after = snapshot (design);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpstr (moped_design_get_undo_label (design), !=, "Doomed");
}

static void
test_coalescing (void)
{
  g_autoptr(MopedDesign) design = moped_design_new ();
  MopedElement *node = moped_test_add_node (design, "box");
  guint depth_before;

  moped_design_set_unmodified (design);
  for (int i = 1; i <= 100; i++)
    {
      moped_design_begin_coalescing (design, "Move", "drag-1");
      moped_design_set_double (design, node, MOPED_PROP_X, i);
      moped_design_set_double (design, node, MOPED_PROP_Y, 2 * i);
      moped_design_end (design);
    }
  g_assert_cmpfloat (moped_element_get_double (node, MOPED_PROP_X), ==, 100);
  /* The whole drag is one step: one undo puts the box back where it started. */
  g_assert_true (moped_design_undo (design));
  g_assert_cmpfloat (moped_element_get_double (node, MOPED_PROP_X), ==, 0);
  g_assert_cmpfloat (moped_element_get_double (node, MOPED_PROP_Y), ==, 0);
  g_assert_false (moped_design_get_modified (design));
  g_assert_true (moped_design_redo (design));
  g_assert_cmpfloat (moped_element_get_double (node, MOPED_PROP_Y), ==, 200);

  /* A different key starts a new step. */
  depth_before = 0;
  while (moped_design_can_undo (design))
    {
      moped_design_undo (design);
      depth_before++;
    }
  g_assert_cmpuint (depth_before, ==, 3); /* add, name, drag */
}

static void
test_remove_cascades (void)
{
  g_autoptr(MopedDesign) design = moped_design_new ();
  MopedElement *root = moped_design_get_root (design);
  MopedElement *client = moped_test_add_node (design, "client");
  MopedElement *server = moped_test_add_node (design, "server");
  MopedElement *req = moped_test_add_socket (design, client, "req", MOPED_SOCKET_REQ, MOPED_SOCKET_MODE_CONNECT);
  MopedElement *rep = moped_test_add_socket (design, server, "rep", MOPED_SOCKET_REP, MOPED_SOCKET_MODE_BIND);
  MopedElement *link = moped_test_add_link (design, req, rep, "tcp://*:5555");
  MopedElement *proto = moped_design_add (design, root, MOPED_KIND_PROTOCOL, -1, NULL);
  MopedElement *hello = moped_design_add (design, proto, MOPED_KIND_COMMAND, -1, NULL);
  MopedElement *flow = moped_design_add (design, proto, MOPED_KIND_FLOW, -1, NULL);
  MopedElement *step = moped_design_add (design, flow, MOPED_KIND_STEP, -1, NULL);
  MopedElement *req_on_link = moped_design_add (design, root, MOPED_KIND_REQUIREMENT, -1, NULL);
  g_autofree char *before = NULL;
  g_autofree char *after_undo = NULL;
  const char *link_id = moped_element_get_id (link);
  const char *step_id = moped_element_get_id (step);
  const char *req_id = moped_element_get_id (req_on_link);

  moped_design_set_ref (design, link, MOPED_PROP_PROTOCOL, proto);
  moped_design_set_ref (design, hello, MOPED_PROP_SENDER, moped_test_role_for (design, proto, client));
  moped_design_set_ref (design, step, MOPED_PROP_FROM, client);
  moped_design_set_ref (design, step, MOPED_PROP_TO, server);
  moped_design_set_ref (design, step, MOPED_PROP_COMMAND, hello);
  moped_design_set_ref (design, req_on_link, MOPED_PROP_TARGET, link);
  before = snapshot (design);

  moped_design_remove (design, client);
  /* The link to its socket, the step naming it and the requirement on that link go. */
  g_assert_null (moped_design_lookup (design, link_id));
  g_assert_null (moped_design_lookup (design, step_id));
  g_assert_null (moped_design_lookup (design, req_id));
  g_assert_true (moped_design_lookup (design, moped_element_get_id (hello)) == hello);
  g_assert_cmpstr (moped_design_get_undo_label (design), ==, "Delete");
  g_assert_true (moped_design_undo (design));

  /* Removing a role: the command survives with its sender cleared. */
  moped_design_remove (design, moped_element_get_ref (hello, MOPED_PROP_SENDER));
  g_assert_null (moped_element_get_ref (hello, MOPED_PROP_SENDER));
  g_assert_cmpstr (moped_element_get_string (hello, MOPED_PROP_SENDER), ==, "");

  /* Removing the protocol clears the link's optional reference to it. */
  g_assert_true (moped_design_undo (design));
  after_undo = snapshot (design);
  g_assert_cmpstr (before, ==, after_undo);
  moped_design_remove (design, proto);
  g_assert_true (moped_design_lookup (design, link_id) == link);
  g_assert_cmpstr (moped_element_get_string (link, MOPED_PROP_PROTOCOL), ==, "");
  g_assert_true (moped_design_undo (design));
  g_assert_true (moped_element_get_ref (link, MOPED_PROP_PROTOCOL) == proto);
}

static void
test_modified_tracking (void)
{
  g_autoptr(MopedDesign) design = moped_design_new ();
  MopedElement *node = moped_test_add_node (design, "a");

  moped_design_set_unmodified (design);
  g_assert_false (moped_design_get_modified (design));
  moped_design_set_string (design, node, MOPED_PROP_NAME, "b");
  g_assert_true (moped_design_get_modified (design));
  moped_design_undo (design);
  g_assert_false (moped_design_get_modified (design));
  moped_design_undo (design);
  g_assert_true (moped_design_get_modified (design));
  moped_design_redo (design);
  g_assert_false (moped_design_get_modified (design));

  /* Cleared history after a change: nothing can take us back to the saved state. */
  moped_design_set_string (design, node, MOPED_PROP_NAME, "c");
  moped_design_clear_history (design);
  g_assert_true (moped_design_get_modified (design));
  moped_design_set_unmodified (design);
  g_assert_false (moped_design_get_modified (design));
}

/* ---- the property test: random edits, undo all, redo all ---------------------- */

static MopedElement *
random_of_kind (MopedDesign *design,
                GRand       *rand,
                MopedKind    kind)
{
  g_autoptr(GPtrArray) all = moped_design_collect (design, kind);

  if (all->len == 0)
    return NULL;
  return g_ptr_array_index (all, g_rand_int_range (rand, 0, (int) all->len));
}

static void
random_edit (MopedDesign *design,
             GRand       *rand)
{
  MopedElement *root = moped_design_get_root (design);
  MopedElement *node = random_of_kind (design, rand, MOPED_KIND_NODE);
  MopedElement *proto = random_of_kind (design, rand, MOPED_KIND_PROTOCOL);
  char name[32];

  g_snprintf (name, sizeof name, "n%u", g_rand_int_range (rand, 0, 1000));
  switch (g_rand_int_range (rand, 0, 12))
    {
    case 0:
      moped_test_add_node (design, name);
      break;
    case 1:
      if (node != NULL)
        moped_test_add_socket (design, node, name, (MopedSocketType) g_rand_int_range (rand, 0, MOPED_N_SOCKET_TYPES),
                    (MopedSocketMode) g_rand_int_range (rand, 0, 2));
      break;
    case 2:
      {
        MopedElement *a = random_of_kind (design, rand, MOPED_KIND_SOCKET);
        MopedElement *b = random_of_kind (design, rand, MOPED_KIND_SOCKET);

        if (a != NULL && b != NULL)
          moped_test_add_link (design, a, b, "inproc://x");
      }
      break;
    case 3:
      if (node != NULL)
        {
          moped_design_begin_coalescing (design, "Move", g_rand_boolean (rand) ? "drag" : "drag2");
          moped_design_set_double (design, node, MOPED_PROP_X, g_rand_double_range (rand, -500, 500));
          moped_design_set_double (design, node, MOPED_PROP_Y, g_rand_int_range (rand, 0, 900));
          moped_design_end (design);
        }
      break;
    case 4:
      if (node != NULL)
        moped_design_remove (design, node);
      break;
    case 5:
      {
        MopedElement *p = moped_design_add (design, root, MOPED_KIND_PROTOCOL, -1, NULL);
        MopedElement *c = moped_design_add (design, p, MOPED_KIND_COMMAND, -1, NULL);

        moped_design_set_string (design, p, MOPED_PROP_NAME, name);
        moped_design_set_string (design, c, MOPED_PROP_NAME, "HELLO \"<&>\"\nworld");
        if (node != NULL)
          moped_design_set_ref (design, c, MOPED_PROP_SENDER, moped_test_role_for (design, p, node));
      }
      break;
    case 6:
      if (proto != NULL && node != NULL)
        {
          MopedElement *cmd = random_of_kind (design, rand, MOPED_KIND_COMMAND);
          MopedElement *flow = moped_design_add (design, proto, MOPED_KIND_FLOW, -1, NULL);
          MopedElement *step = moped_design_add (design, flow, MOPED_KIND_STEP, -1, NULL);

          moped_design_set_ref (design, step, MOPED_PROP_FROM, node);
          moped_design_set_ref (design, step, MOPED_PROP_TO, random_of_kind (design, rand, MOPED_KIND_NODE));
          moped_design_set_ref (design, step, MOPED_PROP_COMMAND, cmd);
          moped_design_set_bool (design, step, MOPED_PROP_REPEAT, g_rand_boolean (rand));
        }
      break;
    case 7:
      {
        MopedElement *sock = random_of_kind (design, rand, MOPED_KIND_SOCKET);

        if (sock != NULL)
          moped_design_remove (design, sock);
      }
      break;
    case 8:
      if (proto != NULL)
        moped_design_remove (design, proto);
      break;
    case 9:
      if (node != NULL)
        {
          moped_design_begin (design, "Several");
          moped_design_set_string (design, node, MOPED_PROP_ROLE, name);
          moped_design_set_int (design, node, MOPED_PROP_INSTANCES, g_rand_int_range (rand, 1, 9));
          moped_design_set_bool (design, node, MOPED_PROP_PINNED, g_rand_boolean (rand));
          moped_design_end (design);
        }
      break;
    case 10:
      if (node != NULL && moped_element_get_parent (node) != NULL)
        moped_design_move (design, node, (guint) g_rand_int_range (rand, 0, 5));
      break;
    case 11:
      {
        MopedElement *r = moped_design_add (design, root, MOPED_KIND_REQUIREMENT, -1, NULL);

        moped_design_set_enum (design, r, MOPED_PROP_METRIC, g_rand_int_range (rand, 0, MOPED_N_METRICS));
        moped_design_set_double (design, r, MOPED_PROP_VALUE, g_rand_int_range (rand, 1, 100000));
        moped_design_set_ref (design, r, MOPED_PROP_TARGET, node);
      }
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
test_random_undo_redo (void)
{
  guint32 seed = g_test_rand_int ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(MopedDesign) design = moped_design_new ();
  g_autofree char *start = NULL;
  g_autofree char *final = NULL;
  guint n_edits = g_test_slow () ? 20000 : 3000;
  guint n_steps = 0;

  g_test_message ("seed %u, %u edits", seed, n_edits);
  moped_test_add_node (design, "seed-node");
  moped_design_clear_history (design);
  start = snapshot (design);

  for (guint i = 0; i < n_edits; i++)
    random_edit (design, rand);
  final = snapshot (design);

  while (moped_design_undo (design))
    n_steps++;
  {
    g_autofree char *undone = snapshot (design);
    g_assert_cmpstr (undone, ==, start);
  }
  while (moped_design_redo (design))
    n_steps--;
  g_assert_cmpuint (n_steps, ==, 0);
  {
    g_autofree char *redone = snapshot (design);
    g_assert_cmpstr (redone, ==, final);
  }

  /* Undo half way, then edit: the redo branch is dropped cleanly (no leak, no crash). */
  for (guint i = 0; i < 50 && moped_design_undo (design); i++)
    ;
  random_edit (design, rand);
  moped_test_add_node (design, "after-branch");
  g_assert_false (moped_design_can_redo (design));
}

/* Replacing a design's contents (the editor's Reload) gives exactly the other design,
 * in one undoable step; undo gives back exactly the first. Every example, each way. */
static void
test_replace_contents (void)
{
  static const char *const names[] = { "hello.moped", "majordomo.moped", "weather.moped", "lazy-pirate.moped" };

  for (guint a = 0; a < G_N_ELEMENTS (names); a++)
    for (guint b = 0; b < G_N_ELEMENTS (names); b++)
      {
        g_autofree char *path_a = g_build_filename (g_getenv ("MOPED_EXAMPLES"), names[a], NULL);
        g_autofree char *path_b = g_build_filename (g_getenv ("MOPED_EXAMPLES"), names[b], NULL);
        g_autoptr(GError) error = NULL;
        g_autoptr(MopedDesign) mine = moped_file_load (path_a, &error);
        g_autoptr(MopedDesign) theirs = moped_file_load (path_b, &error);
        g_autofree char *mine_text = NULL;
        g_autofree char *theirs_text = NULL;
        g_autofree char *replaced = NULL;
        g_autofree char *undone = NULL;
        g_autofree char *redone = NULL;

        g_assert_no_error (error);
        moped_design_set_string (mine, moped_design_get_root (mine), MOPED_PROP_NAME, "My edit");
        mine_text = moped_file_to_data (mine, NULL);
        theirs_text = moped_file_to_data (theirs, NULL);
        moped_design_replace_contents (mine, theirs, "Reload from Disk");
        replaced = moped_file_to_data (mine, NULL);
        g_assert_cmpstr (replaced, ==, theirs_text);
        g_assert_cmpstr (moped_design_get_undo_label (mine), ==, "Reload from Disk");
        g_assert_true (moped_design_undo (mine));
        undone = moped_file_to_data (mine, NULL);
        g_assert_cmpstr (undone, ==, mine_text);
        g_assert_true (moped_design_redo (mine));
        redone = moped_file_to_data (mine, NULL);
        g_assert_cmpstr (redone, ==, theirs_text);
      }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/design/add-and-lookup", test_add_and_lookup);
  g_test_add_func ("/design/children-grouped-by-kind", test_children_grouped_by_kind);
  g_test_add_func ("/design/properties-and-text", test_properties_and_text);
  g_test_add_func ("/design/transactions-and-signal", test_transactions_and_signal);
  g_test_add_func ("/design/cancel", test_cancel);
  g_test_add_func ("/design/coalescing", test_coalescing);
  g_test_add_func ("/design/remove-cascades", test_remove_cascades);
  g_test_add_func ("/design/modified-tracking", test_modified_tracking);
  g_test_add_func ("/design/random-undo-redo", test_random_undo_redo);
  g_test_add_func ("/design/replace-contents", test_replace_contents);
  return g_test_run ();
}
