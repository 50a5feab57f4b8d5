/* moped-cli.c: dispatching `moped VERB ...` to the verb that does it.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped"

#include "config.h"

#include <stdio.h>

#include <glib.h>

#include "moped-cli.h"
#include "moped-text.h"

static const MopedCliVerb verbs[] = {
  { "check", "Validate designs and print their diagnostics", moped_cli_check },
  { "render", "Draw the architecture or a flow (DOT, SVG, PNG, PDF)", moped_cli_render },
  { "arrange", "Lay the design out with graphviz and save it", moped_cli_arrange },
  { "export", "Export code or models (c, zproto)", moped_cli_export },
  { "doc", "Write the protocol document (Markdown, HTML or ABNF)", moped_cli_doc },
  { "host", "Share a design live with the people you invite", moped_cli_host },
  { "join", "Follow a shared design and keep it in a file", moped_cli_join },
};

/* Verbs that exist for Moped's own use and are not listed. */
static const MopedCliVerb hidden_verbs[] = {
  { "__layout", "graphviz in a child process, for the editor and render", moped_cli_layout_child },
};

static void
print_usage (FILE *out)
{
  fprintf (out,
           "Usage:\n"
           "  moped [DESIGN.moped]          open the editor\n"
           "  moped VERB [OPTION…] ARG…     work without a display\n"
           "\n"
           "Verbs:\n");
  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    fprintf (out, "  %-10s %s\n", verbs[i].name, verbs[i].summary);
  fprintf (out,
           "\n"
           "Options:\n"
           "  -h, --help     show this help (moped VERB --help for a verb)\n"
           "  --version      show the version\n");
}

gboolean
moped_cli_handles (const char *arg)
{
  if (arg == NULL)
    return FALSE;
  if (g_str_equal (arg, "--help") || g_str_equal (arg, "-h") ||
      g_str_equal (arg, "--version") || g_str_equal (arg, "help"))
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    if (g_str_equal (arg, verbs[i].name))
      return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (hidden_verbs); i++)
    if (g_str_equal (arg, hidden_verbs[i].name))
      return TRUE;
  /* A word that is neither a design, an invite link (the editor joins it) nor an
   * option is a mistyped verb: say so here rather than open an editor on a file
   * that does not exist. */
  return arg[0] != '-' && !g_str_has_suffix (arg, ".moped") && !g_str_has_prefix (arg, "moped://") &&
         !g_file_test (arg, G_FILE_TEST_EXISTS);
}

int
moped_cli_run (int    argc,
               char **argv)
{
  const char *verb = argc > 1 ? argv[1] : "--help";

  if (g_str_equal (verb, "--version"))
    {
      printf ("moped %s\n", PACKAGE_VERSION);
      return MOPED_EXIT_OK;
    }
  if (g_str_equal (verb, "--help") || g_str_equal (verb, "-h") || g_str_equal (verb, "help"))
    {
      print_usage (stdout);
      return MOPED_EXIT_OK;
    }
  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    if (g_str_equal (verb, verbs[i].name))
      return verbs[i].run (argc - 1, argv + 1);
  for (guint i = 0; i < G_N_ELEMENTS (hidden_verbs); i++)
    if (g_str_equal (verb, hidden_verbs[i].name))
      return hidden_verbs[i].run (argc - 1, argv + 1);

  fprintf (stderr, "moped: unknown verb “%s”\n\n", verb);
  print_usage (stderr);
  return MOPED_EXIT_USAGE;
}

char *
moped_cli_printable (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);

  return moped_text_escape_invisible (valid);
}

void
moped_cli_print_load_error (const char   *path,
                            const GError *error)
{
  g_autofree char *message = moped_cli_printable (error->message);
  g_autofree char *shown_path = moped_cli_printable (path);

  /* Loader messages already start with "file:line:column:". */
  if (g_str_has_prefix (error->message, path))
    fprintf (stderr, "%s\n", message);
  else
    fprintf (stderr, "%s: %s\n", shown_path, message);
}
