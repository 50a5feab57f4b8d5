/* test-export-doc.c: the protocol document (Markdown, HTML), its ABNF grammar and the zproto models.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Golden files: tests/data/golden/hello.{md,abnf}. After a deliberate change, run with
 * MOPED_UPDATE_GOLDEN=1 to rewrite them, then read the difference before committing.
 * tests/test-export-doc-tools.py checks the same outputs with independent tools.
 */
#include <string.h>

#include <glib/gstdio.h>

#include "moped-abnf.h"
#include "moped-doc.h"
#include "moped-file.h"
#include "moped-framing.h"
#include "moped-layout-runner.h"
#include "moped-machine.h"
#include "moped-zproto.h"

static char *
source_path (const char *env,
             const char *fallback,
             const char *name)
{
  const char *dir = g_getenv (env);

  if (dir != NULL)
    return g_build_filename (dir, name, NULL);
  return g_build_filename (g_getenv ("MOPED_SOURCE_DIR") ? g_getenv ("MOPED_SOURCE_DIR") : "..",
                           fallback, name, NULL);
}

static MopedDesign *
load (const char *path)
{
  g_autoptr(GError) error = NULL;
  MopedDesign *design = moped_file_load (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (design);
  return design;
}

static MopedDesign *
load_example (const char *name)
{
  g_autofree char *path = source_path ("MOPED_EXAMPLES", "data/examples", name);

  return load (path);
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static GPtrArray *
example_paths (void)
{
  g_autofree char *dir = source_path ("MOPED_EXAMPLES", "data/examples", "");
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_suffix (name, ".moped"))
      g_ptr_array_add (paths, g_build_filename (dir, name, NULL));
  g_ptr_array_sort (paths, compare_paths);
  g_assert_cmpuint (paths->len, >=, 7);
  return paths;
}

static char *
markdown_of (MopedDoc   *doc,
             const char *base)
{
  g_autoptr(GError) error = NULL;
  char *text = moped_doc_to_markdown (doc, base, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (text);
  return text;
}

static char *
html_of (MopedDoc *doc)
{
  g_autoptr(GError) error = NULL;
  char *text = moped_doc_to_html (doc, &error);

  g_assert_no_error (error);
  g_assert_nonnull (text);
  return text;
}

/* Markdown with its backslash escapes removed: the text a reader sees. */
static char *
markdown_plain (const char *markdown)
{
  GString *s = g_string_new (NULL);

  for (const char *p = markdown; *p != '\0'; p++)
    {
      if (*p == '\\' && g_ascii_ispunct (p[1]))
        p++;
      g_string_append_c (s, *p);
    }
  return g_string_free (s, FALSE);
}

static char *
html_plain (const char *html)
{
  static const char * const entities[][2] = {
    { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" }, { "&#39;", "'" }, { "&amp;", "&" },
  };
  char *text = g_strdup (html);

  for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
    {
      g_auto(GStrv) parts = g_strsplit (text, entities[i][0], -1);

      g_free (text);
      text = g_strjoinv (entities[i][1], parts);
    }
  return text;
}

static void
assert_contains (const char *haystack,
                 const char *needle,
                 const char *what)
{
  if (strstr (haystack, needle) == NULL)
    {
      g_test_message ("%s: “%s” is missing", what, needle);
      g_test_fail ();
    }
}

/* Compares line by line so that a failure names the first line that differs. */
static void
assert_same_text (const char *actual,
                  const char *expected,
                  const char *what)
{
  g_auto(GStrv) a = g_strsplit (actual, "\n", -1);
  g_auto(GStrv) e = g_strsplit (expected, "\n", -1);

  for (guint i = 0; a[i] != NULL || e[i] != NULL; i++)
    if (a[i] == NULL || e[i] == NULL || !g_str_equal (a[i], e[i]))
      {
        g_test_message ("%s differs at line %u", what, i + 1);
        g_assert_cmpstr (a[i], ==, e[i]);
      }
}

static void
check_golden (const char *name,
              const char *actual)
{
  g_autofree char *path = source_path ("MOPED_TEST_DATA", "tests/data", name);
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;

  if (g_getenv ("MOPED_UPDATE_GOLDEN") != NULL)
    {
      g_file_set_contents (path, actual, -1, &error);
      g_assert_no_error (error);
    }
  g_file_get_contents (path, &expected, NULL, &error);
  g_assert_no_error (error);
  assert_same_text (actual, expected, name);
}

static void
test_golden_hello (void)
{
  g_autoptr(MopedDesign) design = load_example ("hello.moped");
  g_autoptr(MopedDoc) doc = moped_doc_new (design, NULL);
  g_autofree char *markdown = markdown_of (doc, "hello");
  g_autofree char *grammar = moped_abnf_generate (design, NULL);

  check_golden ("golden/hello.md", markdown);
  check_golden ("golden/hello.abnf", grammar);
  g_assert_cmpstr (moped_doc_get_grammar (doc), ==, grammar);
  g_assert_cmpuint (moped_doc_get_n_errors (doc), ==, 0);
  /* Hello has no security or weakness notes: those sections are left out. */
  g_assert_null (strstr (markdown, "## Security"));
  g_assert_null (strstr (markdown, "## Known weaknesses"));
  g_assert_null (strstr (markdown, "Appendix A"));
}

/* The frame table cell that names @command, as its protocol's framing says: "`\"NAME\"`",
 * its number ("`0x02`"), or with no command frame the header ("`\"MDPC01\"`"). */
static char *
expected_first_frame (MopedElement *command)
{
  g_autoptr(GPtrArray) frames = moped_framing_get_frames (command, MOPED_N_SOCKET_TYPES, MOPED_N_SOCKET_TYPES);
  const MopedFrame *named = NULL;

  for (guint i = 0; i < frames->len; i++)
    {
      const MopedFrame *f = g_ptr_array_index (frames, i);

      if (f->kind == MOPED_FRAME_COMMAND || (f->kind == MOPED_FRAME_HEADER && named == NULL))
        named = f;
    }
  g_assert_nonnull (named);
  if (named->kind == MOPED_FRAME_COMMAND && g_bytes_get_size (named->value) <= 2 &&
      moped_element_get_enum (moped_element_get_parent (command), MOPED_PROP_COMMAND_ID) != MOPED_COMMAND_ID_NAME)
    {
      const guint8 *data = g_bytes_get_data (named->value, NULL);

      return g_bytes_get_size (named->value) == 1 ? g_strdup_printf ("`0x%02X`", data[0])
                                                  : g_strdup_printf ("`0x%02X 0x%02X`", data[0], data[1]);
    }
  return g_strdup_printf ("`\"%.*s\"`", (int) g_bytes_get_size (named->value),
                          (const char *) g_bytes_get_data (named->value, NULL));
}

static void
check_covers (const char  *path,
              MopedDesign *design)
{
  g_autoptr(MopedDoc) doc = moped_doc_new (design, NULL);
  g_autofree char *markdown = markdown_of (doc, "doc");
  g_autofree char *md = markdown_plain (markdown);
  g_autofree char *raw_html = html_of (doc);
  g_autofree char *html = html_plain (raw_html);
  const char *grammar = moped_doc_get_grammar (doc);
  g_autoptr(GPtrArray) nodes = moped_design_collect (design, MOPED_KIND_NODE);
  g_autoptr(GPtrArray) sockets = moped_design_collect (design, MOPED_KIND_SOCKET);
  g_autoptr(GPtrArray) commands = moped_design_collect (design, MOPED_KIND_COMMAND);
  g_autoptr(GPtrArray) flows = moped_design_collect (design, MOPED_KIND_FLOW);
  g_autoptr(GPtrArray) roles = moped_design_collect (design, MOPED_KIND_ROLE);
  g_auto(GStrv) images = g_strsplit (raw_html, "src=\"data:image/svg+xml;base64,", -1);
  guint machines = 0;

  for (guint i = 0; i < nodes->len; i++)
    {
      MopedElement *node = g_ptr_array_index (nodes, i);
      g_autofree char *row = g_strdup_printf ("\n| %s | %" G_GINT64_FORMAT " | ", moped_element_get_name (node),
                                              moped_element_get_int (node, MOPED_PROP_INSTANCES));
      g_autofree char *cell = g_strdup_printf ("<tr><td>%s</td>", moped_element_get_name (node));

      assert_contains (md, row, path);
      assert_contains (html, cell, path);
    }
  for (guint i = 0; i < sockets->len; i++)
    {
      MopedElement *socket = g_ptr_array_index (sockets, i);
      MopedElement *node = moped_element_get_parent (socket);
      g_autofree char *type = moped_element_dup_value_text (socket, MOPED_PROP_TYPE);
      g_autofree char *row = g_strdup_printf ("| %s | %" G_GINT64_FORMAT " | %s | %s",
                                              moped_element_get_name (node),
                                              moped_element_get_int (node, MOPED_PROP_INSTANCES),
                                              moped_element_get_name (socket), type);
      g_autofree char *cells = g_strdup_printf ("<td>%s</td><td>%s", moped_element_get_name (socket), type);

      assert_contains (md, row, path);
      assert_contains (html, cells, path);
    }
  for (guint i = 0; i < commands->len; i++)
    {
      MopedElement *command = g_ptr_array_index (commands, i);
      const char *name = moped_element_get_name (command);
      g_autofree char *heading = g_strdup_printf ("\n#### %s\n", name);
      g_autofree char *frame = expected_first_frame (command);
      g_autofree char *html_heading = g_strdup_printf ("\">%s</h4>", name);

      assert_contains (md, heading, path);
      assert_contains (md, frame, path);
      assert_contains (html, html_heading, path);
      assert_contains (grammar, name, path);
    }
  for (guint i = 0; i < flows->len; i++)
    {
      const char *name = moped_element_get_name (g_ptr_array_index (flows, i));
      g_autofree char *heading = g_strdup_printf ("\n#### %s\n", name);
      g_autofree char *figure = g_strdup_printf ("![the flow %s](doc-flow-", name);
      g_autofree char *html_heading = g_strdup_printf ("\">%s</h4>", name);

      assert_contains (md, heading, path);
      assert_contains (md, figure, path);
      assert_contains (html, html_heading, path);
    }
  /* The grammar reads conversations as roles see them: one rule per role. */
  for (guint i = 0; i < roles->len; i++)
    {
      MopedElement *role = g_ptr_array_index (roles, i);
      g_autofree char *rule = g_strdup_printf ("; The conversation of the %s in %s", moped_element_get_name (role),
                                               moped_element_get_name (moped_element_get_parent (role)));

      assert_contains (grammar, rule, path);
    }
  /* A design with errors makes a raw document that lists them. */
  if (moped_doc_get_n_errors (doc) > 0)
    {
      assert_contains (md, "\n- Status: raw (", path);
      assert_contains (md, "\n## Appendix A: Diagnostics\n", path);
    }
  else
    assert_contains (md, "\n- Status: draft\n", path);
  /* One diagram per flow, the topology, and the state machine of each role that has
   * one (drawn by graphviz), embedded. */
  for (guint i = 0; i < roles->len; i++)
    {
      MopedElement *role = g_ptr_array_index (roles, i);
      g_autoptr(MopedMachine) machine = moped_machine_new (moped_element_get_parent (role), NULL, role);
      g_autofree char *figure = g_strdup_printf ("![the state machine of role %s](doc-machine-",
                                                 moped_element_get_name (role));

      if (machine->transitions->len == 0)
        continue;
      machines++;
      assert_contains (md, figure, path);
    }
  g_assert_cmpuint (g_strv_length (images) - 1, ==, flows->len + 1 + machines);
}

static void
test_examples_covered (void)
{
  g_autoptr(GPtrArray) paths = example_paths ();

  for (guint i = 0; i < paths->len; i++)
    {
      g_autoptr(MopedDesign) design = load (g_ptr_array_index (paths, i));

      g_test_message ("%s", (const char *) g_ptr_array_index (paths, i));
      check_covers (g_ptr_array_index (paths, i), design);
    }
}

static void
test_deterministic (void)
{
  g_autoptr(GPtrArray) paths = example_paths ();

  for (guint i = 0; i < paths->len; i++)
    {
      g_autoptr(MopedDesign) first = load (g_ptr_array_index (paths, i));
      g_autoptr(MopedDesign) second = load (g_ptr_array_index (paths, i));
      g_autoptr(MopedDoc) doc1 = moped_doc_new (first, NULL);
      g_autoptr(MopedDoc) doc2 = moped_doc_new (second, NULL);
      g_autoptr(GPtrArray) figures1 = NULL;
      g_autoptr(GPtrArray) figures2 = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *md1 = moped_doc_to_markdown (doc1, "x", &figures1, &error);
      g_autofree char *md2 = moped_doc_to_markdown (doc2, "x", &figures2, &error);
      g_autofree char *html1 = html_of (doc1);
      g_autofree char *html2 = html_of (doc2);
      g_autoptr(GPtrArray) zproto1 = moped_zproto_export (first);
      g_autoptr(GPtrArray) zproto2 = moped_zproto_export (second);

      g_assert_no_error (error);
      g_assert_cmpstr (md1, ==, md2);
      g_assert_cmpstr (html1, ==, html2);
      g_assert_cmpstr (moped_doc_get_grammar (doc1), ==, moped_doc_get_grammar (doc2));
      g_assert_cmpuint (figures1->len, ==, figures2->len);
      for (guint f = 0; f < figures1->len; f++)
        {
          MopedDocFigureFile *a = g_ptr_array_index (figures1, f);
          MopedDocFigureFile *b = g_ptr_array_index (figures2, f);

          g_assert_cmpstr (a->file_name, ==, b->file_name);
          g_assert_true (g_bytes_equal (a->svg, b->svg));
        }
      g_assert_cmpuint (zproto1->len, ==, zproto2->len);
      for (guint z = 0; z < zproto1->len; z++)
        g_assert_cmpstr (((MopedZprotoModel *) g_ptr_array_index (zproto1, z))->xml, ==,
                         ((MopedZprotoModel *) g_ptr_array_index (zproto2, z))->xml);
    }
}

static MopedElement *
find_by_id (MopedDesign *design,
            const char  *id)
{
  MopedElement *element = moped_design_lookup (design, id);

  g_assert_nonnull (element);
  return element;
}

static void
test_one_protocol (void)
{
  g_autoptr(MopedDesign) design = load_example ("majordomo.moped");
  g_autoptr(MopedDoc) doc = moped_doc_new (design, find_by_id (design, "mdp-worker"));
  g_autofree char *md = markdown_of (doc, "mdp");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("moped-doc-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *abnf = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (moped_doc_get_title (doc), ==, "The MDP/Worker protocol");
  g_assert_cmpuint (moped_doc_get_n_errors (doc), ==, 0);
  assert_contains (md, "\n## Roles\n", "MDP/Worker");
  assert_contains (md, "\n### Echo worker (MDP worker)\n", "MDP/Worker");
  assert_contains (md, "\n### READY\n", "MDP/Worker");
  assert_contains (md, "| routing id of the sender | frame | the receiving ROUTER socket | Broker |", "MDP/Worker");
  /* Only the nodes and commands of this protocol. */
  g_assert_null (strstr (md, "### Client (MDP client)"));
  g_assert_null (strstr (md, "| Client | 10 |"));
  g_assert_null (strstr (moped_doc_get_grammar (doc), "MDP/Client"));
  g_assert_null (strstr (moped_doc_get_grammar (doc), "MDPC01"));

  /* moped_doc_write picks the format by extension and refuses others. */
  path = g_build_filename (dir, "mdp.abnf", NULL);
  g_assert_true (moped_doc_write (doc, path, &error));
  g_assert_no_error (error);
  g_file_get_contents (path, &abnf, NULL, &error);
  g_assert_cmpstr (abnf, ==, moped_doc_get_grammar (doc));
  g_remove (path);
  g_free (path);
  path = g_build_filename (dir, "mdp.txt", NULL);
  g_assert_false (moped_doc_write (doc, path, &error));
  g_assert_error (error, MOPED_DOC_ERROR, MOPED_DOC_ERROR_FORMAT);
  g_rmdir (dir);
}

/* A requirement without a target (value 0, as a new one starts) reads "not set" in both
 * formats, never as a target of 0; a set one keeps its number and unit. */
static void
test_requirement_not_set (void)
{
  g_autoptr(MopedDesign) design = load_example ("majordomo.moped");
  g_autoptr(MopedDoc) doc = NULL;
  g_autofree char *md = NULL;
  g_autofree char *html = NULL;
  MopedElement *bare;

  moped_design_set_double (design, find_by_id (design, "req-throughput"), MOPED_PROP_VALUE, 0);
  bare = moped_design_add (design, moped_design_get_root (design), MOPED_KIND_REQUIREMENT, -1, "req-bare");
  moped_design_set_string (design, bare, MOPED_PROP_NAME, "Queue depth");
  moped_design_set_string (design, bare, MOPED_PROP_UNIT, "");
  moped_design_set_double (design, bare, MOPED_PROP_VALUE, 500);
  doc = moped_doc_new (design, NULL);
  md = markdown_of (doc, "majordomo");
  html = html_of (doc);
  assert_contains (md, "| Requests per second | throughput | not set | node Broker |", "Markdown");
  assert_contains (md, "| Round-trip overhead | latency | 2 ms |", "Markdown");
  assert_contains (md, "| Queue depth | throughput | 500 |", "Markdown");
  assert_contains (html, "<tr><td>Requests per second</td><td>throughput</td><td>not set</td>", "HTML");
  assert_contains (html, "<td>2 ms</td>", "HTML");
  g_assert_null (strstr (md, "| 0 msg/s |"));
  g_assert_null (strstr (html, "0 msg/s"));
}

static void
test_markdown_files (void)
{
  g_autoptr(MopedDesign) design = load_example ("lazy-pirate.moped");
  g_autoptr(MopedDoc) doc = moped_doc_new (design, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("moped-doc-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "lazy pirate.md", NULL);
  g_autofree char *text = NULL;
  const char *figures[] = {
    "lazy pirate-architecture.svg",
    "lazy pirate-flow-request-and-reply.svg",
    "lazy pirate-flow-retry-after-a-timeout.svg",
  };

  g_assert_true (moped_doc_write (doc, path, &error));
  g_assert_no_error (error);
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  /* The link is URL-escaped; the file beside the Markdown is an SVG. */
  assert_contains (text, "](lazy%20pirate-flow-retry-after-a-timeout.svg)", path);
  for (guint i = 0; i < G_N_ELEMENTS (figures); i++)
    {
      g_autofree char *figure = g_build_filename (dir, figures[i], NULL);
      g_autofree char *svg = NULL;

      g_file_get_contents (figure, &svg, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (strstr (svg, "<svg"));
      g_remove (figure);
    }
  g_remove (path);
  g_rmdir (dir);
}

/* Names that mean something in Markdown, HTML, XML or ABNF come out as plain text. */
static void
test_escaping (void)
{
  g_autofree char *fixture = source_path ("MOPED_TEST_DATA", "tests/data", "doc-escaping.moped");
  g_autoptr(MopedDesign) design = load (fixture);
  g_autoptr(MopedDoc) doc = moped_doc_new (design, NULL);
  g_autofree char *md = markdown_of (doc, "nasty");
  g_autofree char *html = html_of (doc);
  const char *grammar = moped_doc_get_grammar (doc);
  g_autoptr(GHashTable) rules = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto(GStrv) lines = g_strsplit (grammar, "\n", -1);
  g_autoptr(GRegex) rule_line = g_regex_new ("^([A-Za-z][A-Za-z0-9-]*) +=", 0, 0, NULL);

  g_assert_true (g_str_has_prefix (md, "# Nasty \\<Design\\> \\& \"Co\" \\| \\*bold\\* \\_it\\_ \\#1 --\n"));
  assert_contains (md, "\n| A\\|B \\<x\\> \\& \\*y\\* | 1 | req\\|uest | REQ |", "node row");
  assert_contains (md, "\n\\- not a list\\\n1\\. not ordered\\\n\\# not a heading\\\n", "line starts");
  assert_contains (md, "<http://example.com/spec/7>.", "autolink");
  assert_contains (html, "<title>Nasty &lt;Design&gt; &amp; &quot;Co&quot; | *bold* _it_ #1 --</title>", "title");
  assert_contains (html, "<td>A|B &lt;x&gt; &amp; *y*</td>", "node cell");
  g_assert_null (strstr (html, "<script"));
  g_assert_null (strstr (html, "http://example.com/spec/7\""));

  /* Notes: "Security:" and "Weakness:" (any case) feed their sections, the prefix dropped. */
  assert_contains (md, "\n## Security\n\ndo not expose \\<this\\> \\| to the internet.\n", "security");
  assert_contains (md, "\n## Known weaknesses\n\nthe heartbeat is \\`\\`tricky\\`\\`.\n", "weakness");
  assert_contains (md, "\n## Notes\n\nA plain note\\\non two lines.\n", "notes");
  assert_contains (md, "\n## Appendix A: Diagnostics\n", "diagnostics");

  /* ABNF: ASCII only, lines ending in CRLF, every rule name unique without regard to
   * case, no core rule redefined. */
  for (const char *p = grammar; *p != '\0'; p++)
    g_assert_true ((*p == '\r' && p[1] == '\n') || (*p == '\n' && p > grammar && p[-1] == '\r') ||
                   (*p >= 0x20 && *p <= 0x7e));
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GMatchInfo) info = NULL;

      if (g_regex_match (rule_line, lines[i], 0, &info))
        {
          g_autofree char *name = g_match_info_fetch (info, 1);
          char *folded = g_ascii_strdown (name, -1);

          g_assert_false (g_hash_table_contains (rules, folded));
          g_hash_table_add (rules, folded);
        }
    }
  g_assert_false (g_hash_table_contains (rules, "octet"));
  g_assert_true (g_hash_table_contains (rules, "heartbeat"));
  g_assert_true (g_hash_table_contains (rules, "heartbeat-heartbeat"));
  g_assert_true (g_hash_table_contains (rules, "round-trip"));
  g_assert_true (g_hash_table_contains (rules, "heartbeat-a-b-x-y"));
  g_assert_true (g_hash_table_contains (rules, "heartbeat-not-a-heading-0"));
  g_assert_true (g_hash_table_contains (rules, "heartbeat-octet"));
  g_assert_true (g_hash_table_contains (rules, "heartbeat-body"));
  g_assert_true (g_hash_table_contains (rules, "heartbeat-string"));
  /* The non-ASCII command is matched by its UTF-8 octets, each written %XX in the
   * textual form: "%C3%89T%C3%89". */
  assert_contains (grammar, "= SP DQUOTE %x25.43.33.25.38.39.54.25.43.33.25.38.39 DQUOTE", "ÉTÉ");
}

static void
test_rule_names (void)
{
  static const char * const cases[][2] = {
    { "Round trip", "Round-trip" }, { "BATCH-START", "BATCH-START" }, { "3d", "n3d" },
    { "", "unnamed" }, { "été", "ete" }, { "a--b", "a-b" }, { "--x--", "x" }, { "MDP/Worker", "MDP-Worker" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *rule = moped_abnf_rule_name (cases[i][0]);

      g_assert_cmpstr (rule, ==, cases[i][1]);
    }
}

/* zproto models, read back with GMarkup */

typedef struct
{
  char      *class_name;
  char      *signature;
  char      *pubsub;
  char      *package_dir;
  GPtrArray *messages;  /* GStrv: name, id, then "field:type:size" */
  GPtrArray *current;
  gboolean   bad;
} ZprotoReading;

static const char *
attribute (const char **names,
           const char **values,
           const char  *wanted)
{
  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_equal (names[i], wanted))
      return values[i];
  return NULL;
}

static void
zproto_start (GMarkupParseContext  *context,
              const char           *element,
              const char          **names,
              const char          **values,
              gpointer              user_data,
              GError              **error)
{
  ZprotoReading *reading = user_data;
  static const char * const class_attributes[] = {
    "name", "signature", "pubsub", "title", "script", "package_dir", "source_dir", NULL
  };

  if (g_str_equal (element, "class"))
    {
      for (guint i = 0; names[i] != NULL; i++)
        reading->bad |= !g_strv_contains (class_attributes, names[i]);
      reading->class_name = g_strdup (attribute (names, values, "name"));
      reading->signature = g_strdup (attribute (names, values, "signature"));
      reading->pubsub = g_strdup (attribute (names, values, "pubsub"));
      reading->package_dir = g_strdup (attribute (names, values, "package_dir"));
    }
  else if (g_str_equal (element, "message"))
    {
      reading->current = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (reading->current, g_strdup (attribute (names, values, "name")));
      g_ptr_array_add (reading->current, g_strdup (attribute (names, values, "id")));
    }
  else if (g_str_equal (element, "field"))
    {
      const char *size = attribute (names, values, "size");

      g_ptr_array_add (reading->current, g_strdup_printf ("%s:%s:%s", attribute (names, values, "name"),
                                                          attribute (names, values, "type"),
                                                          size ? size : "0"));
    }
  else if (!g_str_equal (element, "define"))
    reading->bad = TRUE;
}

static void
zproto_end (GMarkupParseContext  *context,
            const char           *element,
            gpointer              user_data,
            GError              **error)
{
  ZprotoReading *reading = user_data;

  if (g_str_equal (element, "message"))
    {
      g_ptr_array_add (reading->current, NULL);
      g_ptr_array_add (reading->messages, g_ptr_array_free (reading->current, FALSE));
      reading->current = NULL;
    }
}

static void
read_zproto (const char    *xml,
             ZprotoReading *reading)
{
  static const GMarkupParser parser = { zproto_start, zproto_end, NULL, NULL, NULL };
  g_autoptr(GMarkupParseContext) context =
    g_markup_parse_context_new (&parser, G_MARKUP_TREAT_CDATA_AS_TEXT, reading, NULL);
  g_autoptr(GError) error = NULL;

  reading->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_markup_parse_context_parse (context, xml, -1, &error);
  g_assert_no_error (error);
  g_markup_parse_context_end_parse (context, &error);
  g_assert_no_error (error);
  g_assert_false (reading->bad);
}

static void
zproto_reading_clear (ZprotoReading *reading)
{
  g_free (reading->class_name);
  g_free (reading->signature);
  g_free (reading->pubsub);
  g_free (reading->package_dir);
  g_ptr_array_unref (reading->messages);
}

/* Written here, not taken from the exporter, so that the test checks the mapping. */
static const char *
expected_zproto_type (const char *moped_type)
{
  static const char * const map[][2] = {
    { "string", "string:0" }, { "longstr", "longstr:0" }, { "number", "number:8" },
    { "strings", "strings:0" }, { "bytes", "chunk:0" }, { "frame", "frame:0" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (g_str_equal (map[i][0], moped_type))
      return map[i][1];
  g_assert_not_reached ();
}

/* Whether a link carrying @protocol has a PUB, XPUB, SUB or XSUB socket at an end. */
static gboolean
over_pubsub (MopedDesign  *design,
             MopedElement *protocol)
{
  static const char * const pubsub_types[] = { "PUB", "XPUB", "SUB", "XSUB", NULL };
  g_autoptr(GPtrArray) links = moped_design_collect (design, MOPED_KIND_LINK);

  for (guint i = 0; i < links->len; i++)
    {
      MopedElement *link = g_ptr_array_index (links, i);

      if (moped_element_get_ref (link, MOPED_PROP_PROTOCOL) != protocol)
        continue;
      for (guint e = 0; e < 2; e++)
        {
          MopedElement *socket = moped_element_get_ref (link, e ? MOPED_PROP_TO : MOPED_PROP_FROM);
          g_autofree char *type = socket ? moped_element_dup_value_text (socket, MOPED_PROP_TYPE) : NULL;

          if (type != NULL && g_strv_contains (pubsub_types, type))
            return TRUE;
        }
    }
  return FALSE;
}

static void
test_zproto_round_trip (void)
{
  g_autoptr(GPtrArray) paths = example_paths ();

  for (guint i = 0; i < paths->len; i++)
    {
      g_autoptr(MopedDesign) design = load (g_ptr_array_index (paths, i));
      g_autoptr(GPtrArray) protocols = moped_design_collect (design, MOPED_KIND_PROTOCOL);
      g_autoptr(GPtrArray) models = moped_zproto_export (design);

      g_assert_cmpuint (models->len, ==, protocols->len);
      for (guint p = 0; p < models->len; p++)
        {
          MopedZprotoModel *model = g_ptr_array_index (models, p);
          g_autoptr(GPtrArray) commands =
            moped_element_get_children_of_kind (g_ptr_array_index (protocols, p), MOPED_KIND_COMMAND);
          ZprotoReading reading = { NULL };
          g_autofree char *file_name = NULL;
          g_autofree char *signature = g_strdup_printf ("%u", p);

          read_zproto (model->xml, &reading);
          file_name = g_strconcat (reading.class_name, ".xml", NULL);
          g_assert_cmpstr (model->file_name, ==, file_name);
          g_assert_cmpstr (reading.signature, ==, signature);
          /* gsl writes the header beside the model, so a fresh folder works. */
          g_assert_cmpstr (reading.package_dir, ==, ".");
          g_assert_cmpstr (reading.pubsub, ==, over_pubsub (design, g_ptr_array_index (protocols, p)) ? "1" : NULL);
          /* The examples' names are all valid zproto names: nothing is renamed. */
          g_assert_cmpuint (model->warnings->len, ==, 0);
          g_assert_cmpuint (reading.messages->len, ==, commands->len);
          for (guint c = 0; c < commands->len; c++)
            {
              MopedElement *command = g_ptr_array_index (commands, c);
              GStrv message = g_ptr_array_index (reading.messages, c);
              g_autoptr(GPtrArray) fields = moped_element_get_children_of_kind (command, MOPED_KIND_FIELD);
              g_autofree char *id = g_strdup_printf ("%u", c + 1);

              g_assert_cmpstr (message[0], ==, moped_element_get_name (command));
              g_assert_cmpstr (message[1], ==, id);
              g_assert_cmpuint (g_strv_length (message), ==, 2 + fields->len);
              for (guint f = 0; f < fields->len; f++)
                {
                  MopedElement *field = g_ptr_array_index (fields, f);
                  g_autofree char *type = moped_element_dup_value_text (field, MOPED_PROP_TYPE);
                  g_autofree char *expected = g_strdup_printf ("%s:%s", moped_element_get_name (field),
                                                               expected_zproto_type (type));

                  g_assert_cmpstr (message[2 + f], ==, expected);
                }
            }
          zproto_reading_clear (&reading);
        }
    }
}

static void
test_zproto_file_state (void)
{
  g_autoptr(MopedDesign) design = load_example ("hello.moped");
  g_autoptr(GPtrArray) models = moped_zproto_export (design);
  MopedZprotoModel *model = g_ptr_array_index (models, 0);
  g_autoptr(GString) edited = g_string_new (model->xml);
  const char *description = strstr (edited->str, "The answer to one HELLO.");

  g_assert_cmpint (moped_zproto_file_state (model->xml), ==, MOPED_ZPROTO_FILE_PRISTINE);
  g_assert_nonnull (description);
  g_string_overwrite (edited, description - edited->str, "The reply");
  g_assert_cmpint (moped_zproto_file_state (edited->str), ==, MOPED_ZPROTO_FILE_EDITED);
  g_assert_cmpint (moped_zproto_file_state ("<class name = \"hello\" />\n"), ==, MOPED_ZPROTO_FILE_FOREIGN);
  g_assert_cmpint (moped_zproto_file_state (""), ==, MOPED_ZPROTO_FILE_FOREIGN);
}

static void
test_zproto_unmappable (void)
{
  g_autofree char *fixture = source_path ("MOPED_TEST_DATA", "tests/data", "doc-escaping.moped");
  g_autoptr(MopedDesign) design = load (fixture);
  g_autoptr(GPtrArray) models = moped_zproto_export (design);
  MopedZprotoModel *model;
  ZprotoReading reading = { NULL };
  g_autoptr(GString) warnings = g_string_new (NULL);
  g_autofree char *comment = NULL;
  const char *comment_start, *comment_end;
  GStrv second;

  g_assert_cmpuint (models->len, ==, 1);
  model = g_ptr_array_index (models, 0);
  read_zproto (model->xml, &reading);
  for (guint i = 0; i < model->warnings->len; i++)
    g_string_append_printf (warnings, "%s\n", (const char *) g_ptr_array_index (model->warnings, i));

  /* HEARTBEAT and heartbeat are one C name; "body" is a chunk, then a frame. */
  g_assert_cmpstr (((GStrv) g_ptr_array_index (reading.messages, 0))[0], ==, "HEARTBEAT");
  second = g_ptr_array_index (reading.messages, 1);
  g_assert_cmpstr (second[0], ==, "HEARTBEAT_2");
  g_assert_cmpstr (second[2], ==, "body_frame:frame:0");
  g_assert_cmpstr (second[3], ==, "n2nd_value_x:strings:0");
  g_assert_cmpstr (((GStrv) g_ptr_array_index (reading.messages, 4))[0], ==, "ETE");
  assert_contains (warnings->str, "command \"heartbeat\" is message \"HEARTBEAT_2\"", "warnings");
  assert_contains (warnings->str, "\"body\" is already a chunk", "warnings");
  assert_contains (warnings->str, "field \"2nd value|x\" of command \"heartbeat\" is field \"n2nd_value_x\"", "warnings");
  /* Each warning is in the model's comment too, and the comment stays a comment. */
  assert_contains (model->xml, "Not mapped as they are:", "comment");
  assert_contains (model->xml, "* command \"heartbeat\" is message \"HEARTBEAT_2\"", "comment");
  comment_start = strstr (model->xml, "<!--");
  comment_end = strstr (model->xml, "-->");
  g_assert_nonnull (comment_start);
  g_assert_nonnull (comment_end);
  comment = g_strndup (comment_start + 4, comment_end - comment_start - 4);
  assert_contains (comment, "design \"Nasty <Design> & \"Co\" | *bold* _it_ #1 - -\"", "comment");
  g_assert_null (strstr (comment, "--"));
  zproto_reading_clear (&reading);
}

/* Field names that break zproto's codec are renamed, with a warning; pubsub where the
 * protocol travels over PUB/SUB; who sends each message is said in its text. */
static void
test_zproto_reserved_names (void)
{
  g_autofree char *fixture = source_path ("MOPED_TEST_DATA", "tests/data", "zproto-names.moped");
  g_autoptr(MopedDesign) design = load (fixture);
  g_autoptr(GPtrArray) models = moped_zproto_export (design);
  static const char * const renamed[][2] = {
    { "default", "default_value:string:0" }, { "int", "int_value:number:8" },
    { "id", "id_value:string:0" }, { "routing id", "routing_id_value:frame:0" },
    { "send", "send_value:longstr:0" }, { "self", "self_value:string:0" },
  };
  ZprotoReading reading = { NULL };
  g_autoptr(GString) warnings = g_string_new (NULL);
  GStrv message;

  g_assert_cmpuint (models->len, ==, 3);
  read_zproto (((MopedZprotoModel *) g_ptr_array_index (models, 0))->xml, &reading);
  for (guint i = 0; i < ((MopedZprotoModel *) g_ptr_array_index (models, 0))->warnings->len; i++)
    g_string_append_printf (warnings, "%s\n",
                            (const char *) g_ptr_array_index (((MopedZprotoModel *) g_ptr_array_index (models, 0))->warnings, i));
  message = g_ptr_array_index (reading.messages, 0);
  g_assert_cmpuint (g_strv_length (message), ==, 2 + G_N_ELEMENTS (renamed) + 1);
  for (guint i = 0; i < G_N_ELEMENTS (renamed); i++)
    {
      g_autofree char *warning = g_strdup_printf ("field \"%s\" of command \"TICK\" is field \"%.*s\"",
                                                  renamed[i][0], (int) (strchr (renamed[i][1], ':') - renamed[i][1]),
                                                  renamed[i][1]);

      g_assert_cmpstr (message[2 + i], ==, renamed[i][1]);
      assert_contains (warnings->str, warning, "warnings");
    }
  /* A name only near a reserved one is kept. */
  g_assert_cmpstr (message[2 + G_N_ELEMENTS (renamed)], ==, "identity:string:0");
  assert_contains (warnings->str, "is a C keyword", "warnings");
  assert_contains (warnings->str, "zproto's generated code already uses that name", "warnings");
  g_assert_cmpstr (reading.pubsub, ==, "1");
  assert_contains (((MopedZprotoModel *) g_ptr_array_index (models, 0))->xml, "Sent by the ticker.", "role");
  assert_contains (((MopedZprotoModel *) g_ptr_array_index (models, 0))->xml, "pubsub = \"1\"", "framing");
  zproto_reading_clear (&reading);

  /* The other protocol goes over DEALER and ROUTER: no pubsub, and its comment says how
   * zproto's framing differs. */
  memset (&reading, 0, sizeof reading);
  read_zproto (((MopedZprotoModel *) g_ptr_array_index (models, 1))->xml, &reading);
  g_assert_null (reading.pubsub);
  assert_contains (((MopedZprotoModel *) g_ptr_array_index (models, 1))->xml, "0xAAA0", "framing");
  zproto_reading_clear (&reading);

  /* A packed protocol keeps its signature and its commands' numbers, so that the codec
   * and Moped's nodes read the same frames. */
  memset (&reading, 0, sizeof reading);
  read_zproto (((MopedZprotoModel *) g_ptr_array_index (models, 2))->xml, &reading);
  g_assert_cmpstr (reading.signature, ==, "5");
  g_assert_cmpstr (((GStrv) g_ptr_array_index (reading.messages, 0))[0], ==, "HELLO");
  g_assert_cmpstr (((GStrv) g_ptr_array_index (reading.messages, 0))[1], ==, "7");
  g_assert_cmpstr (((GStrv) g_ptr_array_index (reading.messages, 1))[1], ==, "8");
  assert_contains (((MopedZprotoModel *) g_ptr_array_index (models, 2))->xml, "reads and writes the same packed frame", "framing");
  zproto_reading_clear (&reading);
}

int
main (int    argc,
      char **argv)
{
  /* The diagrams are laid out by this program started again as a child. */
  if (argc > 1 && g_str_equal (argv[1], MOPED_LAYOUT_RUNNER_VERB))
    return moped_layout_runner_child_main (argc - 1, argv + 1);

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/export/doc/golden-hello", test_golden_hello);
  g_test_add_func ("/export/doc/examples-covered", test_examples_covered);
  g_test_add_func ("/export/doc/deterministic", test_deterministic);
  g_test_add_func ("/export/doc/one-protocol", test_one_protocol);
  g_test_add_func ("/export/doc/markdown-files", test_markdown_files);
  g_test_add_func ("/export/doc/requirement-not-set", test_requirement_not_set);
  g_test_add_func ("/export/doc/escaping", test_escaping);
  g_test_add_func ("/export/abnf/rule-names", test_rule_names);
  g_test_add_func ("/export/zproto/round-trip", test_zproto_round_trip);
  g_test_add_func ("/export/zproto/file-state", test_zproto_file_state);
  g_test_add_func ("/export/zproto/unmappable", test_zproto_unmappable);
  g_test_add_func ("/export/zproto/reserved-names", test_zproto_reserved_names);

  return g_test_run ();
}
