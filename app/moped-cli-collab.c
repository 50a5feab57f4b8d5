/* moped-cli-collab.c: `moped host DESIGN` and `moped join INVITE -o FILE`, live sharing without a display.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped"

#include <stdio.h>

#include "moped-cli.h"
#include "moped-collab-peer.h"
#include "moped-discovery.h"
#include "moped-file.h"

static gboolean
load_keys (const char   *verb,
           const char   *dir,
           MopedKeyPair *keys)
{
  g_autoptr(GError) error = NULL;

  if (!moped_key_pair_load_or_create (dir, keys, &error))
    {
      fprintf (stderr, "moped %s: %s\n", verb, error->message);
      return FALSE;
    }
  return TRUE;
}

static int
run_peer (MopedSession *session,
          const char   *save_path)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(MopedCollabPeer) peer = moped_collab_peer_new (session, save_path, loop);

  g_main_loop_run (loop);
  return moped_collab_peer_get_status (peer) == 0 ? MOPED_EXIT_OK : MOPED_EXIT_DESIGN_ERRORS;
}

static void
found_cb (MopedDiscovery *discovery,
          const char     *link,
          const char     *name,
          guint          *count)
{
  printf ("found %s %s\n", link, name);
  fflush (stdout);
  (*count)++;
}

static gboolean
quit_cb (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

/* moped join --discover: what the local network announces, for @seconds. */
static int
discover_sessions (int seconds)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedDiscovery) discovery = moped_discovery_new (&error);
  g_autoptr(GMainLoop) loop = NULL;
  guint count = 0;

  if (discovery == NULL)
    {
      fprintf (stderr, "moped join: cannot listen for sessions: %s\n", error->message);
      return MOPED_EXIT_DESIGN_ERRORS;
    }
  loop = g_main_loop_new (NULL, FALSE);
  g_signal_connect (discovery, "found", G_CALLBACK (found_cb), &count);
  g_timeout_add_seconds ((guint) seconds, quit_cb, loop);
  g_main_loop_run (loop);
  if (count == 0)
    {
      fprintf (stderr, "moped join: no shared design announced on the local network within %d s\n", seconds);
      return MOPED_EXIT_DESIGN_ERRORS;
    }
  return MOPED_EXIT_OK;
}

int
moped_cli_host (int    argc,
                char **argv)
{
  g_autofree char *bind = NULL;
  g_autofree char *advertise = NULL;
  g_autofree char *name = NULL;
  g_autofree char *key_dir = NULL;
  int invites = 0, viewers = 0, codes = 0, lifetime = 600;
  gboolean beacon = FALSE;
  g_auto(GStrv) files = NULL;
  GOptionEntry entries[] = {
    { "bind", 'b', 0, G_OPTION_ARG_STRING, &bind, "Where to listen (default tcp://*:*, any free port)", "ENDPOINT" },
    { "advertise", 'a', 0, G_OPTION_ARG_STRING, &advertise, "Host name invites carry (default: this machine's name)", "HOST" },
    { "invites", 'i', 0, G_OPTION_ARG_INT, &invites, "Print N editor invites", "N" },
    { "viewers", 0, 0, G_OPTION_ARG_INT, &viewers, "Print N viewer invites", "N" },
    { "codes", 0, 0, G_OPTION_ARG_INT, &codes, "Print N short editor codes", "N" },
    { "lifetime", 0, 0, G_OPTION_ARG_INT, &lifetime, "Seconds an invite stays valid (default 600)", "SECONDS" },
    { "name", 'n', 0, G_OPTION_ARG_STRING, &name, "Your name as others see it", "NAME" },
    { "beacon", 0, 0, G_OPTION_ARG_NONE, &beacon, "Let others on the local network find this session (UDP broadcast; no secret)", NULL },
    { "keys", 0, 0, G_OPTION_ARG_FILENAME, &key_dir, "Folder of your key pair (default ~/.config/moped)", "DIR" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, "DESIGN" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("DESIGN — share a design live");
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedDesign) design = NULL;
  g_autoptr(MopedSession) session = NULL;
  g_autoptr(MopedBeacon) announce = NULL;
  MopedKeyPair keys;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context,
    "Serves DESIGN to the people you invite; every change anyone makes is saved to it.\n"
    "Prints “invite LINK” and “code CODE” lines; reads commands on standard input\n"
    "(invite editor|viewer [SECONDS], code editor|viewer, status, roster, save, quit).\n"
    "Connections are encrypted and authenticated with CURVE.");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "moped host: %s\n", error->message);
      return MOPED_EXIT_USAGE;
    }
  if (files == NULL || files[0] == NULL || files[1] != NULL)
    {
      fprintf (stderr, "moped host: give one design (moped host --help)\n");
      return MOPED_EXIT_USAGE;
    }
  /* Read first, so a design that cannot be read says where. */
  design = moped_file_load (files[0], &error);
  if (design == NULL)
    {
      moped_cli_print_load_error (files[0], error);
      return MOPED_EXIT_USAGE;
    }
  if (!load_keys ("host", key_dir, &keys))
    return MOPED_EXIT_USAGE;
  session = moped_collab_peer_host (files[0], &keys, name, bind ? bind : "tcp://*:*", advertise, &error);
  if (session == NULL)
    {
      fprintf (stderr, "moped host: %s\n", error->message);
      return MOPED_EXIT_DESIGN_ERRORS;
    }
  {
    g_autofree char *address = moped_session_get_address_link (session);

    printf ("hosting %s\n", address);
    if (beacon && (announce = moped_beacon_new (address, name ? name : g_get_user_name (), 1000, &error)) == NULL)
      {
        fprintf (stderr, "moped host: cannot announce the session: %s\n", error->message);
        return MOPED_EXIT_DESIGN_ERRORS;
      }
  }
  for (int i = 0; i < invites; i++)
    {
      g_autofree char *link = moped_session_create_invite (session, MOPED_ACCESS_EDITOR, (guint) lifetime);

      printf ("invite %s\n", link);
    }
  for (int i = 0; i < viewers; i++)
    {
      g_autofree char *link = moped_session_create_invite (session, MOPED_ACCESS_VIEWER, (guint) lifetime);

      printf ("viewer %s\n", link);
    }
  for (int i = 0; i < codes; i++)
    {
      g_autofree char *code = moped_session_create_code (session, MOPED_ACCESS_EDITOR, (guint) lifetime);

      printf ("code %s\n", code);
    }
  fflush (stdout);
  return run_peer (session, files[0]);
}

int
moped_cli_join (int    argc,
                char **argv)
{
  g_autofree char *output = NULL;
  g_autofree char *name = NULL;
  g_autofree char *code = NULL;
  g_autofree char *key_dir = NULL;
  g_autofree char *bind = NULL;
  g_autofree char *advertise = NULL;
  int timeout = 10;
  gboolean discover = FALSE;
  g_auto(GStrv) links = NULL;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Keep the shared design in FILE", "FILE" },
    { "code", 'c', 0, G_OPTION_ARG_STRING, &code, "A short code read from the host's screen", "CODE" },
    { "name", 'n', 0, G_OPTION_ARG_STRING, &name, "Your name as others see it", "NAME" },
    { "bind", 'b', 0, G_OPTION_ARG_STRING, &bind, "May host if the host goes: listen here (e.g. tcp://*:*)", "ENDPOINT" },
    { "advertise", 'a', 0, G_OPTION_ARG_STRING, &advertise, "Host name (and port, when not the bound one) the others reach you by (with --bind)", "HOST[:PORT]" },
    { "timeout", 't', 0, G_OPTION_ARG_INT, &timeout, "Give up after SECONDS without the host (default 10)", "SECONDS" },
    { "discover", 0, 0, G_OPTION_ARG_NONE, &discover, "List the sessions announced on the local network for --timeout seconds, as “found LINK NAME” lines", NULL },
    { "keys", 0, 0, G_OPTION_ARG_FILENAME, &key_dir, "Folder of your key pair (default ~/.config/moped)", "DIR" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &links, NULL, "INVITE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("[INVITE] — follow a shared design and keep it in a file");
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedSession) session = NULL;
  MopedKeyPair keys;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context,
    "Joins the design an invite (moped://HOST:PORT/?key=…&token=…) points at and saves\n"
    "every change to FILE, with a journal beside it (FILE.journal): run again with the\n"
    "same FILE, with or without the invite, to come back with everything it showed.\n"
    "With --bind, this peer may host when the host quits or dies.\n"
    "Prints “joined”, “notice …” and “failed …” lines; reads commands on standard\n"
    "input (status, roster, save, undo, redo, quit).");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "moped join: %s\n", error->message);
      return MOPED_EXIT_USAGE;
    }
  if (discover)
    return discover_sessions (MAX (timeout, 1));
  if ((links != NULL && links[0] != NULL && links[1] != NULL) || output == NULL)
    {
      fprintf (stderr, "moped join: give an invite and -o FILE (moped join --help)\n");
      return MOPED_EXIT_USAGE;
    }
  if (!load_keys ("join", key_dir, &keys))
    return MOPED_EXIT_USAGE;
  session = moped_collab_peer_join (links ? links[0] : NULL, code, &keys, name, (guint) MAX (timeout, 1) * 1000,
                                    output, &error);
  if (session == NULL)
    {
      fprintf (stderr, "moped join: %s\n", error->message);
      return MOPED_EXIT_USAGE;
    }
  if (bind != NULL && !moped_session_listen (session, bind, advertise, &error))
    {
      fprintf (stderr, "moped join: %s\n", error->message);
      return MOPED_EXIT_DESIGN_ERRORS;
    }
  return run_peer (session, output);
}
