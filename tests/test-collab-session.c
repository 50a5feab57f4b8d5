/* test-collab-session.c: a host facing raw, hostile or broken clients over CURVE on the loopback.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The host must refuse, never crash or change the design, whatever an authenticated
 * or unauthenticated client sends; keys and invites must round-trip.
 */
#include <string.h>
#include <sys/stat.h>

#include <czmq.h>
#include <glib/gstdio.h>

#include "moped-file.h"
#include "moped-session.h"
#include "moped-test-util.h"

/* Spin the main loop until @sock has a message or @ms pass. */
static zmsg_t *
recv_within (zsock_t *sock,
             guint    ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      if (zsock_events (sock) & ZMQ_POLLIN)
        return zmsg_recv (sock);
      g_usleep (1000);
    }
  return NULL;
}

static zsock_t *
raw_client (MopedSession       *host,
            const MopedKeyPair *keys)
{
  g_autofree char *link = moped_session_get_address_link (host);
  g_autoptr(MopedInvite) invite = moped_invite_parse (link, NULL);
  g_autofree char *endpoint = moped_invite_get_endpoint (invite);
  zsock_t *sock = zsock_new (ZMQ_DEALER);

  zsock_set_curve_serverkey (sock, invite->key_z85);
  zsock_set_curve_secretkey (sock, keys->secret_z85);
  zsock_set_curve_publickey (sock, keys->public_z85);
  zsock_set_linger (sock, 0);
  g_assert_cmpint (zsock_connect (sock, "%s", endpoint), ==, 0);
  return sock;
}

static char *
first_frame (zmsg_t *msg)
{
  return msg ? zmsg_popstr (msg) : NULL;
}

static void
test_hostile_client (void)
{
  g_autoptr(MopedDesign) design = moped_design_new ();
  g_autoptr(MopedSession) host = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *invite = NULL;
  MopedKeyPair host_keys, keys;
  zsock_t *sock;
  zmsg_t *msg;
  char *word;

  moped_test_add_named (design, moped_design_get_root (design), MOPED_KIND_NODE, "node-1", "client");
  moped_key_pair_generate (&host_keys);
  moped_key_pair_generate (&keys);
  host = moped_session_host_new (design, &host_keys, "host", "tcp://127.0.0.1:*", "127.0.0.1", &error);
  g_assert_no_error (error);
  before = moped_file_to_data (design, NULL);

  /* Before HELLO: anything is answered with WHO, nothing is applied. */
  sock = raw_client (host, &keys);
  zsock_send (sock, "ssss", "SUBMIT", "1", "Evil", "set\tnode-1\tname\tpwned\tclient\n");
  msg = recv_within (sock, 5000);
  word = first_frame (msg);
  g_assert_cmpstr (word, ==, "WHO");
  g_free (word);
  zmsg_destroy (&msg);

  /* HELLO with missing frames, then with no token: refused. */
  zsock_send (sock, "s", "HELLO");
  msg = recv_within (sock, 5000);
  word = first_frame (msg);
  g_assert_cmpstr (word, ==, "DENIED");
  g_free (word);
  zmsg_destroy (&msg);

  /* Admitted with a token; then garbage of every kind must be refused or ignored. */
  invite = moped_session_create_invite (host, MOPED_ACCESS_EDITOR, 60);
  {
    g_autoptr(MopedInvite) parsed = moped_invite_parse (invite, NULL);

    zsock_send (sock, "ssss", "HELLO", "raw", parsed->token, "new");
  }
  msg = recv_within (sock, 5000);
  word = first_frame (msg);
  g_assert_cmpstr (word, ==, "WELCOME");
  g_free (word);
  zmsg_destroy (&msg);

  {
    const char *bad[] = {
      "not an op at all\n",
      "set\tnode-1\tcolour\tred\t\n",
      "add\tnode\tnode-9\tnowhere\t\tname=x\n",
      "add\tsocket\tsocket-9\tdesign\t\tname=x\n",        /* a socket cannot live under the design */
      "set\tnode-1\tinstances\t-5\t1\n",
      "set\tnode-1\tname\tok\tclient\nadd\tlink\tl\tdesign\t\tendpoint=x\nset\tl\tfrom\tnode-1\t\n",
      "move\tnode-1\t\t\t\textra\n",
      "\xff\xfe\n",
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autofree char *lseq = g_strdup_printf ("%u", i + 1);

        zsock_send (sock, "ssss", "SUBMIT", lseq, "Bad", bad[i]);
        msg = recv_within (sock, 5000);
        /* Skip the roster and heartbeats: the answer to this edit is REFUSED. */
        while (msg != NULL)
          {
            word = first_frame (msg);
            if (g_strcmp0 (word, "REFUSED") == 0)
              {
                g_autofree char *which = zmsg_popstr (msg);

                g_assert_cmpstr (which, ==, lseq);
                g_free (word);
                break;
              }
            g_assert_cmpstr (word, !=, "TXN");
            g_free (word);
            zmsg_destroy (&msg);
            msg = recv_within (sock, 5000);
          }
        g_assert_nonnull (msg);
        zmsg_destroy (&msg);
      }
    /* Frames missing entirely, and unknown commands: ignored. */
    zsock_send (sock, "s", "SUBMIT");
    zsock_send (sock, "ss", "SUBMIT", "99");
    zsock_send (sock, "ss", "FROBNICATE", "x");
    zsock_send (sock, "s", "PRESENCE");
    zsock_send (sock, "s", "LOG");
    zsock_send (sock, "s", "LOGEND");
    msg = recv_within (sock, 300);
    zmsg_destroy (&msg);
  }
  after = moped_file_to_data (design, NULL);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (moped_session_get_seq (host), ==, 0);

  /* A valid edit still works afterwards: the host is alive and ordering. */
  zsock_send (sock, "ssss", "SUBMIT", "100", "Rename", "set\tnode-1\tname\tfine\tclient\n");
  for (int i = 0; i < 50 && moped_session_get_seq (host) == 0; i++)
    {
      msg = recv_within (sock, 100);
      zmsg_destroy (&msg);
    }
  g_assert_cmpuint (moped_session_get_seq (host), ==, 1);
  g_assert_cmpstr (moped_element_get_name (moped_design_lookup (design, "node-1")), ==, "fine");
  /* The same edit resent counts once. */
  zsock_send (sock, "ssss", "SUBMIT", "100", "Rename", "set\tnode-1\tname\tagain\tfine\n");
  msg = recv_within (sock, 500);
  zmsg_destroy (&msg);
  g_assert_cmpuint (moped_session_get_seq (host), ==, 1);
  zsock_destroy (&sock);
}

static void
test_keys_and_invites (void)
{
  g_autofree char *dir = g_dir_make_tmp ("moped-keys-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "identity", NULL);
  g_autoptr(GError) error = NULL;
  MopedKeyPair a, b;
  GStatBuf st;

  g_assert_true (moped_key_pair_load_or_create (dir, &a, &error));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (moped_key_pair_load_or_create (dir, &b, &error));
  g_assert_cmpstr (a.public_z85, ==, b.public_z85);
  g_chmod (path, 0640);
  g_assert_false (moped_key_pair_load_or_create (dir, &b, &error));
  g_assert_true (strstr (error->message, "chmod 600") != NULL);
  g_clear_error (&error);
  g_chmod (path, 0600);
  g_file_set_contents (path, "public abc\nsecret def\n", -1, NULL);
  g_assert_false (moped_key_pair_load_or_create (dir, &b, &error));
  g_clear_error (&error);

  {
    g_autofree char *hex = moped_key_to_hex (a.public_z85);
    g_autofree char *back = moped_key_from_hex (hex);
    MopedInvite invite = { (char *) "::1", 4242, a.public_z85, (char *) "00ff" };
    g_autofree char *link = moped_invite_to_link (&invite);
    g_autoptr(MopedInvite) parsed = moped_invite_parse (link, &error);
    g_autofree char *endpoint = NULL;

    g_assert_cmpstr (back, ==, a.public_z85);
    g_assert_no_error (error);
    g_assert_cmpstr (parsed->host, ==, "::1");
    g_assert_cmpuint (parsed->port, ==, 4242);
    g_assert_cmpstr (parsed->key_z85, ==, a.public_z85);
    g_assert_cmpstr (parsed->token, ==, "00ff");
    endpoint = moped_invite_get_endpoint (parsed);
    g_assert_cmpstr (endpoint, ==, "tcp://[::1]:4242");
  }
  g_assert_null (moped_invite_parse ("http://x:1/?key=00", &error));
  g_clear_error (&error);
  g_assert_null (moped_invite_parse ("moped://x:1/?key=zz", &error));
  g_assert_true (strstr (error->message, "host key") != NULL);
  g_clear_error (&error);
  g_unlink (path);
  g_rmdir (dir);
}

static void
set_flag (MopedSession *session,
          gboolean     *flag)
{
  *flag = TRUE;
}

/* Spin the main loop until @done (bounded by @ms); whether it came. */
static gboolean
spin_until (gboolean (*done) (gpointer), gpointer data, guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (!done (data) && g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (500);
  return done (data);
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static gboolean
caught_up (gpointer data)
{
  MopedSession **pair = data;

  return moped_session_get_seq (pair[1]) == moped_session_get_seq (pair[0]);
}

/* A guest's journal is compacted on the way (every 4000 records): the design it comes
 * back with from the journal is the host's, every transaction of it, the one at
 * which it was compacted too. */
static void
test_journal_compaction (void)
{
  g_autofree char *dir = g_dir_make_tmp ("moped-journal-XXXXXX", NULL);
  g_autofree char *journal = g_build_filename (dir, "guest.moped.journal", NULL);
  g_autoptr(MopedDesign) design = moped_design_new ();
  g_autoptr(MopedSession) host = NULL;
  g_autoptr(MopedSession) guest = NULL;
  g_autoptr(MopedSession) back = NULL;
  g_autoptr(MopedDesign) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *link = NULL;
  g_autofree char *want = NULL;
  g_autofree char *from_journal = NULL;
  g_autofree char *resumed = NULL;
  MopedSession *pair[2];
  MopedKeyPair host_keys, guest_keys;
  gboolean joined = FALSE;

  moped_key_pair_generate (&host_keys);
  moped_key_pair_generate (&guest_keys);
  host = moped_session_host_new (design, &host_keys, "host", "tcp://127.0.0.1:*", "127.0.0.1", &error);
  g_assert_no_error (error);
  link = moped_session_create_invite (host, MOPED_ACCESS_EDITOR, 60);
  guest = moped_session_join (link, NULL, &guest_keys, "guest", 10000, &error);
  g_assert_no_error (error);
  g_signal_connect (guest, "joined", G_CALLBACK (set_flag), &joined);
  g_assert_true (spin_until (is_true, &joined, 20000));
  g_assert_true (moped_session_set_journal (guest, journal, &error));
  g_assert_no_error (error);

  /* Each transaction leaves its own mark: one missing shows in the file. */
  pair[0] = host;
  pair[1] = guest;
  for (guint i = 0; i < 4100; i++)
    {
      g_autofree char *name = g_strdup_printf ("n%u", i);

      moped_design_begin (design, "Add");
      moped_test_add_named (design, moped_design_get_root (design), MOPED_KIND_NODE, NULL, name);
      moped_design_end (design);
      if (i % 200 == 199)
        g_assert_true (spin_until (caught_up, pair, 60000));
    }
  g_assert_true (spin_until (caught_up, pair, 60000));
  g_assert_cmpuint (moped_session_get_seq (guest), ==, 4100);
  want = moped_file_to_data (design, NULL);
  moped_session_close (guest);

  loaded = moped_session_load_journal (journal, NULL, NULL, &error);
  g_assert_no_error (error);
  from_journal = moped_file_to_data (loaded, NULL);
  /* (Not cmpstr: the files are long; a difference prints their sizes.) */
  if (g_strcmp0 (from_journal, want) != 0)
    g_error ("the journal holds another design (%zu bytes) than the host's (%zu bytes)",
             strlen (from_journal), strlen (want));
  back = moped_session_resume (journal, &guest_keys, "guest", 10000, &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);
  resumed = moped_file_to_data (moped_session_get_design (back), NULL);
  if (g_strcmp0 (resumed, want) != 0)
    g_error ("resumed from its journal, the guest has another design (%zu bytes) than the host's (%zu bytes)",
             strlen (resumed), strlen (want));

  /* Meanwhile the host goes further than the log it keeps for returning peers: the
   * guest gets the design whole, and takes it. */
  for (guint i = 0; i < 2600; i++)
    {
      g_autoptr(GPtrArray) nodes = moped_design_collect (design, MOPED_KIND_NODE);
      g_autofree char *name = g_strdup_printf ("m%u", i);

      moped_design_set_string (design, g_ptr_array_index (nodes, i), MOPED_PROP_NAME, name);
    }
  pair[1] = back;
  g_assert_true (spin_until (caught_up, pair, 60000));
  g_clear_pointer (&want, g_free);
  g_clear_pointer (&resumed, g_free);
  want = moped_file_to_data (design, NULL);
  resumed = moped_file_to_data (moped_session_get_design (back), NULL);
  g_assert_cmpuint (moped_session_get_seq (back), ==, 4100 + 2600);
  if (g_strcmp0 (resumed, want) != 0)
    g_error ("a guest further behind than the host's log has another design (%zu bytes) than the host's (%zu)",
             strlen (resumed), strlen (want));
  moped_session_close (back);
  moped_session_close (host);
  g_unlink (journal);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  zsys_handler_set (NULL);
  g_test_add_func ("/collab/keys-and-invites", test_keys_and_invites);
  g_test_add_func ("/collab/hostile-client", test_hostile_client);
  g_test_add_func ("/collab/journal-compaction", test_journal_compaction);
  return g_test_run ();
}
