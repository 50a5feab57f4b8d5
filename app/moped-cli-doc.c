/* moped-cli-doc.c: `moped doc DESIGN -o FILE.md|FILE.html|FILE.abnf [--protocol NAME]`, the protocol document.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped"

#include <stdio.h>

#include "moped-cli.h"
#include "moped-doc.h"
#include "moped-file.h"

static const char * const doc_extensions[] = { ".md", ".markdown", ".html", ".htm", ".abnf", ".bnf" };

static gboolean
known_extension (const char *path)
{
  for (guint i = 0; i < G_N_ELEMENTS (doc_extensions); i++)
    if (g_str_has_suffix (path, doc_extensions[i]))
      return TRUE;
  return FALSE;
}

/* By id, by exact name, then by name in any case when only one protocol matches. */
static MopedElement *
find_protocol (MopedDesign *design,
               const char  *wanted)
{
  g_autoptr(GPtrArray) protocols = moped_design_collect (design, MOPED_KIND_PROTOCOL);
  g_autofree char *folded = g_utf8_casefold (wanted, -1);
  MopedElement *match = NULL;
  guint n_matches = 0;

  for (guint i = 0; i < protocols->len; i++)
    {
      MopedElement *protocol = g_ptr_array_index (protocols, i);

      if (g_str_equal (moped_element_get_id (protocol), wanted) ||
          g_str_equal (moped_element_get_name (protocol), wanted))
        return protocol;
    }
  for (guint i = 0; i < protocols->len; i++)
    {
      MopedElement *protocol = g_ptr_array_index (protocols, i);
      g_autofree char *name = g_utf8_casefold (moped_element_get_name (protocol), -1);

      if (g_str_equal (name, folded))
        {
          match = protocol;
          n_matches++;
        }
    }
  return n_matches == 1 ? match : NULL;
}

static void
print_protocols (MopedDesign *design,
                 const char  *path,
                 const char  *wanted)
{
  g_autoptr(GPtrArray) protocols = moped_design_collect (design, MOPED_KIND_PROTOCOL);

  fprintf (stderr, "moped doc: %s has no protocol “%s”", path, wanted);
  for (guint i = 0; i < protocols->len; i++)
    fprintf (stderr, "%s“%s”", i == 0 ? " (its protocols: " : ", ",
             moped_element_get_name (g_ptr_array_index (protocols, i)));
  fprintf (stderr, "%s\n", protocols->len > 0 ? ")" : "; it has none");
}

int
moped_cli_doc (int    argc,
               char **argv)
{
  g_autofree char *output = NULL;
  g_autofree char *protocol_name = NULL;
  g_auto(GStrv) files = NULL;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      "Write the document to FILE: .md (diagrams as .svg files beside it), .html or .abnf", "FILE" },
    { "protocol", 'p', 0, G_OPTION_ARG_STRING, &protocol_name,
      "Document one protocol (its name or id) instead of the whole design", "NAME" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, "DESIGN" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— write the protocol document of a design");
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedDesign) design = NULL;
  g_autoptr(MopedDoc) doc = NULL;
  MopedElement *protocol = NULL;
  guint n_errors;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context,
    "Writes the protocol document of a design in the style of the ZeroMQ RFCs: topology,\n"
    "roles, commands with their frames, flows as dialogs and sequence diagrams, the ABNF\n"
    "grammar, requirements and the current diagnostics. HTML is one self-contained file;\n"
    "Markdown links its diagrams, written as SVG files beside it; .abnf is the grammar alone.\n"
    "\n"
    "Notes whose text starts with “Security:” or “Weakness:” fill the Security and Known\n"
    "weaknesses sections; the other notes go to Notes.\n"
    "\n"
    "Exit status: 0 written, 1 it could not be written, 2 bad arguments or unreadable design.");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "moped doc: %s\n", error->message);
      return MOPED_EXIT_USAGE;
    }
  if (files == NULL || files[0] == NULL || files[1] != NULL)
    {
      fprintf (stderr, "moped doc: give exactly one design (moped doc --help)\n");
      return MOPED_EXIT_USAGE;
    }
  if (output == NULL || !known_extension (output))
    {
      fprintf (stderr, "moped doc: give the output file with -o FILE.md, FILE.html or FILE.abnf\n");
      return MOPED_EXIT_USAGE;
    }

  design = moped_file_load (files[0], &error);
  if (design == NULL)
    {
      moped_cli_print_load_error (files[0], error);
      return MOPED_EXIT_USAGE;
    }
  if (protocol_name != NULL && (protocol = find_protocol (design, protocol_name)) == NULL)
    {
      print_protocols (design, files[0], protocol_name);
      return MOPED_EXIT_USAGE;
    }

  doc = moped_doc_new (design, protocol);
  if (!moped_doc_write (doc, output, &error))
    {
      fprintf (stderr, "moped doc: %s\n", error->message);
      return MOPED_EXIT_DESIGN_ERRORS;
    }
  n_errors = moped_doc_get_n_errors (doc);
  if (n_errors > 0)
    fprintf (stderr, "moped doc: %s: the design has %u error%s; the document lists %s in its appendix\n",
             output, n_errors, n_errors == 1 ? "" : "s", n_errors == 1 ? "it" : "them");
  return MOPED_EXIT_OK;
}
