/* collab-peer.c: a headless peer that makes random edits, for the collaboration tests and benchmark.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 *   collab-peer host DESIGN [--bind EP] [--invites N] [random options]
 *   collab-peer join LINK|- -o FILE [--listen [--listen-on EP] [--advertise HOST[:PORT]]] [random options]
 *   (- comes back from the journal; --listen: may host if the host goes, listening on EP,
 *   default tcp://127.0.0.1:*, reached by the others at HOST[:PORT], default 127.0.0.1)
 * Random options: --seed S --count N --think MS. It answers the commands of
 * moped-collab-peer.h plus "go" (start the random edits; "done" is printed after the
 * last), "edit ID NAME" (rename an element, printing "stamp T" with the monotonic
 * time, for latency), "summary TEXT" / "summary?" (the design's summary, which random
 * edits never touch: a marker), "watch ID" (print "seen T NAME" whenever ID's name changes).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>

#include "moped-collab-peer.h"
#include "moped-file.h"
#include "moped-schema.h"
#include "moped-socket-type.h"

typedef struct
{
  MopedSession    *session;
  MopedCollabPeer *peer;
  GRand           *rand;
  int              count;
  int              done;
  int              think_ms;
  char            *watch_id;
  char            *watch_seen;
} Random;

static MopedElement *
pick (Random    *r,
      MopedKind  kind)
{
  g_autoptr(GPtrArray) all = moped_design_collect (moped_session_get_design (r->session), kind);

  if (all->len == 0)
    return NULL;
  return g_ptr_array_index (all, g_rand_int_range (r->rand, 0, (gint32) all->len));
}

/* One random edit of one kind; FALSE if there was nothing to do it on. */
static gboolean
random_edit (Random *r)
{
  MopedDesign *design = moped_session_get_design (r->session);
  MopedElement *root = moped_design_get_root (design);
  int what = g_rand_int_range (r->rand, 0, 100);

  if (what < 18)
    {
      MopedElement *n = moped_design_add (design, root, MOPED_KIND_NODE,
                                          g_rand_int_range (r->rand, -1, 4), NULL);

      moped_design_set_double (design, n, MOPED_PROP_X, g_rand_double_range (r->rand, 0, 800));
      moped_design_set_double (design, n, MOPED_PROP_Y, g_rand_double_range (r->rand, 0, 600));
      return TRUE;
    }
  if (what < 32)
    {
      MopedElement *n = pick (r, MOPED_KIND_NODE);
      MopedElement *s;

      if (n == NULL)
        return FALSE;
      s = moped_design_add (design, n, MOPED_KIND_SOCKET, -1, NULL);
      moped_design_set_enum (design, s, MOPED_PROP_TYPE, g_rand_int_range (r->rand, 0, 11));
      moped_design_set_enum (design, s, MOPED_PROP_MODE, g_rand_int_range (r->rand, 0, 2));
      return TRUE;
    }
  if (what < 42)
    {
      MopedElement *a = pick (r, MOPED_KIND_SOCKET);
      MopedElement *b = pick (r, MOPED_KIND_SOCKET);
      MopedElement *l;
      g_autofree char *endpoint = NULL;

      if (a == NULL || b == NULL)
        return FALSE;
      /* As the editor does: a link is made with both ends in one step. */
      moped_design_begin (design, "Link");
      l = moped_design_add (design, root, MOPED_KIND_LINK, -1, NULL);
      moped_design_set_ref (design, l, MOPED_PROP_FROM, a);
      moped_design_set_ref (design, l, MOPED_PROP_TO, b);
      endpoint = g_strdup_printf ("tcp://*:%d", g_rand_int_range (r->rand, 5000, 6000));
      moped_design_set_string (design, l, MOPED_PROP_ENDPOINT, endpoint);
      moped_design_end (design);
      return TRUE;
    }
  if (what < 52)
    {
      static const MopedKind kinds[] = { MOPED_KIND_NODE, MOPED_KIND_SOCKET, MOPED_KIND_LINK };
      MopedElement *e = pick (r, kinds[g_rand_int_range (r->rand, 0, 3)]);

      if (e == NULL)
        return FALSE;
      moped_design_remove (design, e);
      return TRUE;
    }
  if (what < 74)
    {
      MopedElement *n = pick (r, MOPED_KIND_NODE);
      g_autofree char *text = NULL;

      if (n == NULL)
        return FALSE;
      switch (g_rand_int_range (r->rand, 0, 4))
        {
        case 0:
          text = g_strdup_printf ("n%u", g_rand_int_range (r->rand, 0, 1000));
          moped_design_set_string (design, n, MOPED_PROP_NAME, text);
          break;
        case 1:
          text = g_strdup_printf ("said\t“%u”\nby someone", g_rand_int (r->rand));
          moped_design_set_string (design, n, MOPED_PROP_DESCRIPTION, text);
          break;
        case 2:
          moped_design_set_double (design, n, MOPED_PROP_X, g_rand_double_range (r->rand, 0, 800));
          break;
        default:
          moped_design_set_int (design, n, MOPED_PROP_INSTANCES, g_rand_int_range (r->rand, 1, 9));
          break;
        }
      return TRUE;
    }
  if (what < 80)
    {
      MopedElement *n = pick (r, MOPED_KIND_NODE);

      if (n == NULL)
        return FALSE;
      moped_design_move (design, n, (guint) g_rand_int_range (r->rand, 0, 6));
      return TRUE;
    }
  if (what < 90)
    return moped_session_undo (r->session);
  return moped_session_redo (r->session);
}

static gboolean
random_step_cb (gpointer user_data)
{
  Random *r = user_data;
  MopedDesign *design = moped_session_get_design (r->session);

  /* Some transactions hold several edits. */
  if (g_rand_int_range (r->rand, 0, 10) == 0)
    {
      moped_design_begin (design, "Several");
      for (int i = g_rand_int_range (r->rand, 2, 4); i > 0; i--)
        random_edit (r);
      moped_design_end (design);
    }
  else
    random_edit (r);

  if (++r->done >= r->count)
    {
      moped_collab_peer_print (r->peer, "done");
      return G_SOURCE_REMOVE;
    }
  g_timeout_add ((guint) g_rand_int_range (r->rand, 0, r->think_ms + 1), random_step_cb, r);
  return G_SOURCE_REMOVE;
}

static void
changed_cb (MopedDesign  *design,
            const GArray *changes,
            Random       *r)
{
  MopedElement *e = r->watch_id ? moped_design_lookup (design, r->watch_id) : NULL;
  const char *name = e ? moped_element_get_name (e) : NULL;

  if (name != NULL && g_strcmp0 (name, r->watch_seen) != 0)
    {
      g_free (r->watch_seen);
      r->watch_seen = g_strdup (name);
      moped_collab_peer_print (r->peer, "seen %" G_GINT64_FORMAT " %s", g_get_monotonic_time (), name);
    }
}

static void
attach_design (Random *r)
{
  g_signal_connect (moped_session_get_design (r->session), "changed", G_CALLBACK (changed_cb), r);
}

static void
joined_cb (MopedSession *session,
           Random       *r)
{
  attach_design (r);
}

/* "go", "edit ID NAME", "watch ID": on top of the peer's own commands. */
static gboolean
extra_command (const char *line,
               gpointer    user_data)
{
  Random *r = user_data;
  MopedDesign *design = moped_session_get_design (r->session);

  if (design == NULL)
    return FALSE;
  if (g_str_equal (line, "go"))
    g_timeout_add (1, random_step_cb, r);
  else if (g_str_has_prefix (line, "edit "))
    {
      g_auto(GStrv) w = g_strsplit (line, " ", 3);
      MopedElement *e = w[1] ? moped_design_lookup (design, w[1]) : NULL;

      if (e != NULL && w[2] != NULL)
        {
          gint64 t = g_get_monotonic_time ();

          moped_design_set_string (design, e, MOPED_PROP_NAME, w[2]);
          moped_collab_peer_print (r->peer, "stamp %" G_GINT64_FORMAT, t);
        }
    }
  else if (g_str_equal (line, "addnode"))
    {
      MopedElement *n = moped_design_add (design, moped_design_get_root (design), MOPED_KIND_NODE, -1, NULL);

      moped_collab_peer_print (r->peer, "added %s %s", moped_element_get_id (n), moped_element_get_name (n));
    }
  else if (g_str_has_prefix (line, "addsocket "))
    {
      MopedElement *n = moped_design_lookup (design, line + 10);
      MopedElement *s = n ? moped_design_add (design, n, MOPED_KIND_SOCKET, -1, NULL) : NULL;

      moped_collab_peer_print (r->peer, "added %s", s ? moped_element_get_id (s) : "-");
    }
  else if (g_str_has_prefix (line, "link "))
    {
      g_auto(GStrv) w = g_strsplit (line, " ", 3);
      MopedElement *a = w[1] ? moped_design_lookup (design, w[1]) : NULL;
      MopedElement *b = a && w[2] ? moped_design_lookup (design, w[2]) : NULL;
      MopedElement *l = NULL;

      if (b != NULL)
        {
          moped_design_begin (design, "Link");
          l = moped_design_add (design, moped_design_get_root (design), MOPED_KIND_LINK, -1, NULL);
          moped_design_set_ref (design, l, MOPED_PROP_FROM, a);
          moped_design_set_ref (design, l, MOPED_PROP_TO, b);
          moped_design_end (design);
        }
      moped_collab_peer_print (r->peer, "added %s", l ? moped_element_get_id (l) : "-");
    }
  else if (g_str_has_prefix (line, "remove "))
    {
      MopedElement *e = moped_design_lookup (design, line + 7);

      if (e != NULL)
        moped_design_remove (design, e);
      moped_collab_peer_print (r->peer, "removed %s", e ? line + 7 : "-");
    }
  else if (g_str_has_prefix (line, "summary "))
    moped_design_set_string (design, moped_design_get_root (design), MOPED_PROP_SUMMARY, line + 8);
  else if (g_str_equal (line, "summary?"))
    moped_collab_peer_print (r->peer, "summary %s",
                             moped_element_get_string (moped_design_get_root (design), MOPED_PROP_SUMMARY));
  else if (g_str_has_prefix (line, "name? "))
    {
      MopedElement *e = moped_design_lookup (design, line + 6);

      moped_collab_peer_print (r->peer, "name %s", e ? moped_element_get_name (e) : "-");
    }
  else if (g_str_has_prefix (line, "watch "))
    {
      g_free (r->watch_id);
      r->watch_id = g_strdup (line + 6);
    }
  else
    return FALSE;
  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *bind = NULL;
  g_autofree char *output = NULL;
  g_autofree char *listen_on = NULL;
  g_autofree char *advertise = NULL;
  int invites = 0, viewers = 0, seed = 1, count = 0, think = 20;
  gboolean listen = FALSE;
  g_auto(GStrv) rest = NULL;
  GOptionEntry entries[] = {
    { "bind", 0, 0, G_OPTION_ARG_STRING, &bind, NULL, NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, NULL, NULL },
    { "invites", 0, 0, G_OPTION_ARG_INT, &invites, NULL, NULL },
    { "viewers", 0, 0, G_OPTION_ARG_INT, &viewers, NULL, NULL },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, NULL, NULL },
    { "count", 0, 0, G_OPTION_ARG_INT, &count, NULL, NULL },
    { "think", 0, 0, G_OPTION_ARG_INT, &think, NULL, NULL },
    { "listen", 0, 0, G_OPTION_ARG_NONE, &listen, NULL, NULL },
    { "listen-on", 0, 0, G_OPTION_ARG_STRING, &listen_on, NULL, NULL },
    { "advertise", 0, 0, G_OPTION_ARG_STRING, &advertise, NULL, NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(MopedSession) session = NULL;
  g_autoptr(MopedCollabPeer) peer = NULL;
  MopedKeyPair keys;
  Random r = { 0 };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || rest == NULL || !rest[0] || !rest[1])
    {
      fprintf (stderr, "usage: collab-peer host DESIGN | join LINK -o FILE\n");
      return 2;
    }
  if (!moped_key_pair_load_or_create (NULL, &keys, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }
  if (g_str_equal (rest[0], "host"))
    {
      session = moped_collab_peer_host (rest[1], &keys, "host", bind ? bind : "tcp://127.0.0.1:*",
                                        "127.0.0.1", &error);
      output = g_strdup (rest[1]);
    }
  else
    session = moped_collab_peer_join (g_str_equal (rest[1], "-") ? NULL : rest[1], NULL, &keys, "guest", 10000,
                                      output, &error);
  if (session == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }
  if (listen && !moped_session_is_host (session) &&
      !moped_session_listen (session, listen_on ? listen_on : "tcp://127.0.0.1:*",
                             advertise ? advertise : "127.0.0.1", &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }
  r.session = session;
  r.rand = g_rand_new_with_seed ((guint32) seed);
  r.count = count;
  r.think_ms = think;
  peer = moped_collab_peer_new (session, output, loop);
  r.peer = peer;
  g_signal_connect (session, "joined", G_CALLBACK (joined_cb), &r);
  moped_collab_peer_set_extra_commands (peer, extra_command, &r);
  if (moped_session_is_host (session))
    {
      attach_design (&r);
      for (int i = 0; i < invites; i++)
        {
          g_autofree char *link = moped_session_create_invite (session, MOPED_ACCESS_EDITOR, 600);

          moped_collab_peer_print (peer, "invite %s", link);
        }
      for (int i = 0; i < viewers; i++)
        {
          g_autofree char *link = moped_session_create_invite (session, MOPED_ACCESS_VIEWER, 600);

          moped_collab_peer_print (peer, "viewer %s", link);
        }
    }
  g_main_loop_run (loop);
  g_rand_free (r.rand);
  g_free (r.watch_id);
  g_free (r.watch_seen);
  return moped_collab_peer_get_status (peer);
}
