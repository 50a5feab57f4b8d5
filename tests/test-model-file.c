/* test-model-file.c: .moped reading and writing: round trips, every kind of bad input, atomic saves.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "moped-file-private.h"
#include "moped-file.h"
#include "moped-roles.h"
#include "moped-schema.h"
#include "moped-socket-type.h"
#include "moped-test-util.h"

#define MIB (1024 * 1024)

/* ---- helpers -------------------------------------------------------------- */

static char *
test_data_path (const char *name)
{
  const char *dir = g_getenv ("MOPED_TEST_DATA");

  g_assert_nonnull (dir);
  return g_build_filename (dir, "file", name, NULL);
}

static char *
read_bytes (const char *path,
            gsize      *length)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, length, &error);
  g_assert_no_error (error);
  return contents;
}

/* Every saved file must validate against the schema that ships in data/, when
 * that schema exists; xmllint is in CI, a bare machine may lack it. */
static void
assert_valid_against_schema (const char *data,
                             gsize       length)
{
  const char *schema = g_getenv ("MOPED_SCHEMA");
  g_autofree char *xmllint = g_find_program_in_path ("xmllint");
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *err = NULL;
  int fd, status = -1;

  if (schema == NULL || !g_file_test (schema, G_FILE_TEST_IS_REGULAR))
    return;
  if (xmllint == NULL)
    {
      g_test_message ("xmllint is not installed: schema check skipped");
      return;
    }
  fd = g_file_open_tmp ("moped-schema-XXXXXX.moped", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, data, (gssize) length, &error);
  g_assert_no_error (error);
  {
    const char *argv[] = { xmllint, "--noout", "--relaxng", schema, path, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                  NULL, &err, &status, &error);
  }
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("xmllint refuses what Moped wrote:\n%s", err);
  g_unlink (path);
}

static void
assert_elements_equal (MopedElement *a,
                       MopedElement *b)
{
  MopedKind kind = moped_element_get_kind (a);
  const MopedKindSpec *ks = moped_schema_get_kind (kind);

  g_assert_cmpint (kind, ==, moped_element_get_kind (b));
  g_assert_cmpstr (moped_element_get_id (a), ==, moped_element_get_id (b));
  for (guint i = 0; i < ks->n_props; i++)
    {
      MopedProp prop = ks->props[i].prop;
      g_autofree char *ta = moped_element_dup_value_text (a, prop);
      g_autofree char *tb = moped_element_dup_value_text (b, prop);

      g_assert_cmpstr (ta, ==, tb);
      if (ks->props[i].type == MOPED_VALUE_DOUBLE)
        g_assert_cmpfloat (moped_element_get_double (a, prop), ==, moped_element_get_double (b, prop));
    }
  g_assert_cmpuint (moped_element_get_n_children (a), ==, moped_element_get_n_children (b));
  for (guint i = 0; i < moped_element_get_n_children (a); i++)
    assert_elements_equal (moped_element_get_child (a, i), moped_element_get_child (b, i));
}

static MopedDesign *
load_ok (const char *text,
         gssize      length)
{
  g_autoptr(GError) error = NULL;
  MopedDesign *design = moped_file_load_data (text, length, "t.moped", &error);

  g_assert_no_error (error);
  g_assert_nonnull (design);
  g_assert_false (moped_design_get_modified (design));
  g_assert_false (moped_design_can_undo (design));
  g_assert_false (moped_design_can_redo (design));
  return design;
}

/* Saves, loads, saves again: the two texts are the same bytes and the designs agree. */
static char *
assert_round_trip (MopedDesign *design,
                   gsize       *length)
{
  g_autoptr(MopedDesign) again = NULL;
  g_autofree char *second = NULL;
  gsize first_length = 0, second_length = 0;
  char *first = moped_file_to_data (design, &first_length);

  g_assert_cmpuint (first_length, ==, strlen (first));
  g_assert_true (g_str_has_prefix (first, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<design format=\"2\""));
  g_assert_true (g_str_has_suffix (first, "</design>\n") || g_str_has_suffix (first, "/>\n"));
  again = load_ok (first, (gssize) first_length);
  second = moped_file_to_data (again, &second_length);
  g_assert_cmpuint (first_length, ==, second_length);
  g_assert_cmpstr (first, ==, second);
  assert_elements_equal (moped_design_get_root (design), moped_design_get_root (again));
  assert_valid_against_schema (first, first_length);
  if (length)
    *length = first_length;
  return first;
}

/* ---- round trips ---------------------------------------------------------- */

static int
enum_value (MopedKind   kind,
            MopedProp   prop,
            const char *name)
{
  int value = -1;

  g_assert_true (moped_schema_enum_from_name (moped_schema_get_prop (kind, prop), name, &value));
  return value;
}

static char *
make_long_text (void)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; s->len < 100000; i++)
    g_string_append_printf (s, "%u <tag attr=\"v\" other='w'> & &amp; ü € 😀\n\t\r ", i);
  return g_string_free (s, FALSE);
}

/* A design with every kind and the strangest values a person may type. */
static MopedDesign *
build_design (void)
{
  MopedDesign *d = moped_design_new ();
  MopedElement *root = moped_design_get_root (d);
  g_autofree char *long_text = make_long_text ();
  MopedElement *a, *b, *sa, *sb, *sc, *proto, *cmd, *field, *flow, *step, *link, *req, *note, *role;

  moped_design_set_string (d, root, MOPED_PROP_NAME, "Round “trip” <&> 'test' \"quoted\"");
  moped_design_set_string (d, root, MOPED_PROP_SUMMARY, "line one\nline two\r\nthree\ttabbed  two spaces ");
  moped_design_set_string (d, root, MOPED_PROP_GOALS, long_text);

  a = moped_design_add (d, root, MOPED_KIND_NODE, -1, "node-a");
  moped_design_set_string (d, a, MOPED_PROP_NAME, "Alpha & Omega");
  moped_design_set_string (d, a, MOPED_PROP_ROLE, "<broker>");
  moped_design_set_string (d, a, MOPED_PROP_DESCRIPTION, " leading and trailing spaces ");
  moped_design_set_int (d, a, MOPED_PROP_INSTANCES, 12);
  moped_design_set_double (d, a, MOPED_PROP_X, -12.5);
  moped_design_set_double (d, a, MOPED_PROP_Y, 0.1);
  moped_design_set_double (d, a, MOPED_PROP_WIDTH, 1234567.25);
  moped_design_set_double (d, a, MOPED_PROP_HEIGHT, 1e-7);
  moped_design_set_bool (d, a, MOPED_PROP_PINNED, TRUE);
  b = moped_design_add (d, root, MOPED_KIND_NODE, -1, "node-b");
  moped_design_set_string (d, b, MOPED_PROP_NAME, "日本語のノード");

  sa = moped_design_add (d, a, MOPED_KIND_SOCKET, -1, "sock-a");
  moped_design_set_string (d, sa, MOPED_PROP_NAME, "front");
  moped_design_set_enum (d, sa, MOPED_PROP_TYPE, MOPED_SOCKET_ROUTER);
  moped_design_set_enum (d, sa, MOPED_PROP_MODE, MOPED_SOCKET_MODE_BIND);
  moped_design_set_string (d, sa, MOPED_PROP_DESCRIPTION, "say \"hi\"");
  sb = moped_design_add (d, b, MOPED_KIND_SOCKET, -1, "sock-b");
  moped_design_set_string (d, sb, MOPED_PROP_NAME, "back");
  moped_design_set_enum (d, sb, MOPED_PROP_TYPE, MOPED_SOCKET_DEALER);
  /* The first socket type equals the default and must still be written (required). */
  sc = moped_design_add (d, b, MOPED_KIND_SOCKET, -1, "sock-c");
  moped_design_set_string (d, sc, MOPED_PROP_NAME, "sub");
  moped_design_set_enum (d, sc, MOPED_PROP_TYPE, MOPED_SOCKET_PAIR);
  moped_design_set_string (d, sc, MOPED_PROP_SUBSCRIBE, "a,b,,c");
  moped_design_set_string (d, moped_design_add (d, a, MOPED_KIND_METHOD, -1, "method-1"),
                           MOPED_PROP_NAME, "start()");
  {
    MopedElement *m = moped_design_add (d, a, MOPED_KIND_METHOD, -1, "method-2");
    MopedElement *p1 = moped_design_add (d, m, MOPED_KIND_PARAM, -1, "param-1");
    MopedElement *p2 = moped_design_add (d, m, MOPED_KIND_PARAM, -1, "param-2");

    moped_design_set_string (d, m, MOPED_PROP_NAME, "Request");
    moped_design_set_enum (d, m, MOPED_PROP_RESULT, MOPED_API_FRAME);
    moped_design_set_string (d, p1, MOPED_PROP_NAME, "service");
    moped_design_set_string (d, p2, MOPED_PROP_NAME, "urgent");
    moped_design_set_enum (d, p2, MOPED_PROP_TYPE, MOPED_API_BOOL);
  }

  proto = moped_design_add (d, root, MOPED_KIND_PROTOCOL, -1, "proto");
  moped_design_set_string (d, proto, MOPED_PROP_NAME, "P");
  moped_design_set_int (d, proto, MOPED_PROP_VERSION, 42);
  moped_design_set_string (d, proto, MOPED_PROP_SUMMARY, "&lt; is not <");
  role = moped_design_add (d, proto, MOPED_KIND_ROLE, -1, "role-a");
  moped_design_set_string (d, role, MOPED_PROP_NAME, "greeter");
  moped_design_set_string (d, role, MOPED_PROP_DESCRIPTION, "Says hello first.");
  moped_design_set_string (d, moped_design_add (d, proto, MOPED_KIND_ROLE, -1, "role-b"),
                           MOPED_PROP_NAME, "listener");
  cmd = moped_design_add (d, proto, MOPED_KIND_COMMAND, -1, "cmd");
  moped_design_set_string (d, cmd, MOPED_PROP_NAME, "HELLO");
  moped_design_set_ref (d, cmd, MOPED_PROP_SENDER, role);
  field = moped_design_add (d, cmd, MOPED_KIND_FIELD, -1, "field-1");
  moped_design_set_string (d, field, MOPED_PROP_NAME, "payload");
  moped_design_set_enum (d, field, MOPED_PROP_TYPE,
                         enum_value (MOPED_KIND_FIELD, MOPED_PROP_TYPE, "longstr"));
  moped_design_set_string (d, moped_design_add (d, cmd, MOPED_KIND_FIELD, -1, "field-2"),
                           MOPED_PROP_NAME, "plain");
  /* The rest of the message (format 2), last */
  field = moped_design_add (d, cmd, MOPED_KIND_FIELD, -1, "field-3");
  moped_design_set_string (d, field, MOPED_PROP_NAME, "body");
  moped_design_set_enum (d, field, MOPED_PROP_TYPE, enum_value (MOPED_KIND_FIELD, MOPED_PROP_TYPE, "msg"));
  flow = moped_design_add (d, proto, MOPED_KIND_FLOW, -1, "flow");
  moped_design_set_string (d, flow, MOPED_PROP_NAME, "Hello flow");
  step = moped_design_add (d, flow, MOPED_KIND_STEP, -1, "step-1");
  moped_design_set_ref (d, step, MOPED_PROP_FROM, a);
  moped_design_set_ref (d, step, MOPED_PROP_TO, b);
  moped_design_set_ref (d, step, MOPED_PROP_COMMAND, cmd);
  moped_design_set_bool (d, step, MOPED_PROP_REPEAT, TRUE);
  moped_design_set_bool (d, step, MOPED_PROP_OPTIONAL, TRUE);
  /* A step may name a role or a socket, and be relayed by a node. */
  step = moped_design_add (d, flow, MOPED_KIND_STEP, -1, "step-2");
  moped_design_set_ref (d, step, MOPED_PROP_FROM, role);
  moped_design_set_ref (d, step, MOPED_PROP_TO, sb);
  moped_design_set_ref (d, step, MOPED_PROP_COMMAND, cmd);
  moped_design_set_ref (d, step, MOPED_PROP_VIA, b);

  link = moped_design_add (d, root, MOPED_KIND_LINK, -1, "link-1");
  moped_design_set_ref (d, link, MOPED_PROP_FROM, sb);
  moped_design_set_ref (d, link, MOPED_PROP_TO, sa);
  moped_design_set_string (d, link, MOPED_PROP_ENDPOINT, "tcp://*:5555");
  moped_design_set_ref (d, link, MOPED_PROP_PROTOCOL, proto);
  moped_design_set_string (d, link, MOPED_PROP_LABEL, "a → b");
  moped_design_set_ref (d, link, MOPED_PROP_FROM_ROLE, moped_design_lookup (d, "role-b"));
  moped_design_set_ref (d, link, MOPED_PROP_TO_ROLE, role);

  req = moped_design_add (d, root, MOPED_KIND_REQUIREMENT, -1, "req-1");
  moped_design_set_string (d, req, MOPED_PROP_NAME, "Fast");
  moped_design_set_enum (d, req, MOPED_PROP_METRIC, MOPED_METRIC_LATENCY);
  moped_design_set_double (d, req, MOPED_PROP_VALUE, 2.5);
  moped_design_set_string (d, req, MOPED_PROP_UNIT, "ms");
  moped_design_set_ref (d, req, MOPED_PROP_TARGET, link);
  moped_design_set_string (d, moped_design_add (d, root, MOPED_KIND_REQUIREMENT, -1, "req-2"),
                           MOPED_PROP_NAME, "On the whole design");

  note = moped_design_add (d, root, MOPED_KIND_NOTE, -1, "note-1");
  moped_design_set_string (d, note, MOPED_PROP_TEXT, "multi\nline\n\nnote with \"quotes\" & 'apostrophes'");
  moped_design_set_double (d, note, MOPED_PROP_X, 99.75);
  moped_design_add (d, root, MOPED_KIND_NOTE, -1, "note-2");
  return d;
}

static void
test_round_trip (void)
{
  g_autoptr(MopedDesign) design = build_design ();
  g_autoptr(MopedDesign) loaded = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  gsize length = 0;
  guint n_lines;

  text = assert_round_trip (design, &length);

  /* One element per line: the long multi-line goals did not break a line. */
  lines = g_strsplit (text, "\n", -1);
  n_lines = g_strv_length (lines);
  g_assert_cmpstr (lines[n_lines - 1], ==, "");
  for (guint i = 1; i + 1 < n_lines; i++)
    {
      const char *p = lines[i];

      while (*p == ' ')
        p++;
      g_assert_cmpint (*p, ==, '<');
      g_assert_cmpint ((p - lines[i]) % 2, ==, 0);
    }
  g_assert_nonnull (strstr (text, "\n  <node id=\"node-b\" name=\"日本語のノード\">\n"));
  g_assert_nonnull (strstr (text, "\n    <socket id=\"sock-c\" name=\"sub\" type=\"PAIR\" subscribe=\"a,b,,c\"/>\n"));
  g_assert_nonnull (strstr (text, "\n  <note id=\"note-2\"/>\n"));
  g_assert_nonnull (strstr (text, " summary=\"line one&#10;line two&#13;&#10;three&#9;tabbed  two spaces \""));
  g_assert_nonnull (strstr (text, " summary=\"&amp;lt; is not &lt;\""));
  /* Kinds in enum order inside a parent, whatever order they were added in. */
  g_assert_true (strstr (text, "<link ") < strstr (text, "<protocol "));
  g_assert_true (strstr (text, "<socket id=\"sock-a\"") < strstr (text, "<method "));
  /* An API method with typed parameters and a result (format 2); the default result
   * (none) and parameter type (string) are left out. */
  g_assert_nonnull (strstr (text, "\n    <method id=\"method-1\" name=\"start()\"/>\n"));
  g_assert_nonnull (strstr (text, "\n    <method id=\"method-2\" name=\"Request\" result=\"frame\">\n"
                                  "      <param id=\"param-1\" name=\"service\"/>\n"
                                  "      <param id=\"param-2\" name=\"urgent\" type=\"bool\"/>\n"
                                  "    </method>\n"));

  g_assert_nonnull (strstr (text, "\n      <field id=\"field-2\" name=\"plain\"/>\n"
                                  "      <field id=\"field-3\" name=\"body\" type=\"msg\"/>\n"
                                  "    </command>\n"));

  loaded = load_ok (text, (gssize) length);
  g_assert_cmpstr (moped_element_get_string (moped_design_get_root (loaded), MOPED_PROP_NAME),
                   ==, "Round “trip” <&> 'test' \"quoted\"");
  g_assert_cmpint (moped_element_get_enum (moped_design_lookup (loaded, "field-3"), MOPED_PROP_TYPE), ==,
                   MOPED_FIELD_MSG);
  g_assert_cmpuint (moped_design_get_n_elements (loaded), ==, moped_design_get_n_elements (design));
}

static void
test_references_survive (void)
{
  g_autoptr(MopedDesign) design = build_design ();
  g_autoptr(MopedDesign) loaded = NULL;
  g_autofree char *text = moped_file_to_data (design, NULL);
  MopedElement *link, *step, *cmd, *req;

  loaded = load_ok (text, -1);
  link = moped_design_lookup (loaded, "link-1");
  step = moped_design_lookup (loaded, "step-1");
  cmd = moped_design_lookup (loaded, "cmd");
  req = moped_design_lookup (loaded, "req-1");
  g_assert_nonnull (link);
  g_assert_cmpstr (moped_element_get_id (moped_element_get_ref (link, MOPED_PROP_FROM)), ==, "sock-b");
  g_assert_cmpstr (moped_element_get_id (moped_element_get_ref (link, MOPED_PROP_TO)), ==, "sock-a");
  g_assert_cmpstr (moped_element_get_id (moped_element_get_ref (link, MOPED_PROP_PROTOCOL)), ==, "proto");
  g_assert_cmpstr (moped_element_get_id (moped_element_get_ref (step, MOPED_PROP_FROM)), ==, "node-a");
  g_assert_cmpstr (moped_element_get_id (moped_element_get_ref (step, MOPED_PROP_TO)), ==, "node-b");
  g_assert_true (moped_element_get_ref (step, MOPED_PROP_COMMAND) == cmd);
  g_assert_cmpstr (moped_element_get_id (moped_element_get_ref (cmd, MOPED_PROP_SENDER)), ==, "role-a");
  g_assert_cmpstr (moped_element_get_id (moped_element_get_ref (link, MOPED_PROP_FROM_ROLE)), ==, "role-b");
  g_assert_cmpstr (moped_element_get_id (moped_element_get_ref (link, MOPED_PROP_TO_ROLE)), ==, "role-a");
  step = moped_design_lookup (loaded, "step-2");
  g_assert_cmpstr (moped_element_get_id (moped_element_get_ref (step, MOPED_PROP_FROM)), ==, "role-a");
  g_assert_cmpstr (moped_element_get_id (moped_element_get_ref (step, MOPED_PROP_TO)), ==, "sock-b");
  g_assert_cmpstr (moped_element_get_id (moped_element_get_ref (step, MOPED_PROP_VIA)), ==, "node-b");
  g_assert_true (moped_element_get_ref (req, MOPED_PROP_TARGET) == link);
  g_assert_null (moped_element_get_ref (moped_design_lookup (loaded, "req-2"), MOPED_PROP_TARGET));

  /* The loaded references are live: removing the socket takes its link along. */
  moped_design_remove (loaded, moped_design_lookup (loaded, "sock-a"));
  g_assert_null (moped_design_lookup (loaded, "link-1"));
  g_assert_true (moped_design_get_modified (loaded));
}

/* An empty name is a design error for validation to report, not a broken file:
 * a user who cleared a name and saved must be able to open the file again. */
static void
test_empty_name_loads (void)
{
  const char *text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<design format=\"2\" name=\"\">\n"
                     "  <node id=\"n\" name=\"\"/>\n"
                     "</design>\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedDesign) design = moped_file_load_data (text, -1, "t.moped", &error);
  g_autofree char *again = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (moped_element_get_name (moped_design_lookup (design, "n")), ==, "");
  again = moped_file_to_data (design, NULL);
  g_assert_cmpstr (again, ==, text);
}

static void
test_empty_design (void)
{
  g_autoptr(MopedDesign) design = moped_design_new ();
  g_autofree char *text = NULL;

  moped_design_set_string (design, moped_design_get_root (design), MOPED_PROP_NAME, "Empty");
  text = assert_round_trip (design, NULL);
  g_assert_cmpstr (text, ==,
                   "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                   "<design format=\"2\" name=\"Empty\"/>\n");
}

/* XML forbids most control characters even as character references: the writer
 * leaves them out (a file nobody can read back would lose the whole design), and the
 * loader refuses them, raw or escaped, naming the line and column. DEL and the C1
 * controls are legal XML and survive as references. */
static void
test_control_characters (void)
{
  g_autoptr(MopedDesign) design = moped_design_new ();
  g_autoptr(MopedDesign) loaded = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  MopedElement *note;

  moped_design_set_string (design, moped_design_get_root (design), MOPED_PROP_NAME, "C");
  note = moped_design_add (design, moped_design_get_root (design), MOPED_KIND_NOTE, -1, "n");
  moped_design_set_string (design, note, MOPED_PROP_TEXT,
                           "bell\a escape\x1b del\x7f csi\xc2\x9b tab\t nl\n nonchar\xef\xbf\xbe.");
  first = moped_file_to_data (design, NULL);
  g_assert_null (strchr (first, '\a'));
  g_assert_null (strchr (first, '\x1b'));
  g_assert_null (strstr (first, "&#x7;"));
  g_assert_null (strstr (first, "&#x1b;"));
  g_assert_null (strstr (first, "\xef\xbf\xbe"));
  assert_valid_against_schema (first, strlen (first));
  loaded = load_ok (first, -1);
  g_assert_cmpstr (moped_element_get_string (moped_design_lookup (loaded, "n"), MOPED_PROP_TEXT),
                   ==, "bell escape del\x7f csi\xc2\x9b tab\t nl\n nonchar.");
  second = moped_file_to_data (loaded, NULL);
  g_assert_cmpstr (first, ==, second);
}

static void
assert_load_refused_at (const char *text,
                        const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedDesign) design = moped_file_load_data (text, -1, "c.moped", &error);

  g_assert_null (design);
  g_assert_error (error, MOPED_FILE_ERROR, MOPED_FILE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, expected);
}

/* A pathological name (megabytes) is refused with its position: every output would
 * carry it many times. 1,024 characters are fine. */
static void
test_name_too_long_refused (void)
{
  g_autofree char *fine_name = g_strnfill (MOPED_NAME_MAX_CHARS, 'x');
  g_autofree char *long_name = g_strnfill (10 * 1024 * 1024, 'x');
  g_autofree char *fine = g_strdup_printf ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                           "<design format=\"1\" name=\"%s\"/>\n", fine_name);
  g_autofree char *hostile = g_strdup_printf ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                              "<design format=\"1\" name=\"C\">\n"
                                              "  <node id=\"n\" name=\"%s\"/>\n"
                                              "</design>\n", long_name);
  g_autoptr(MopedDesign) design = load_ok (fine, -1);

  assert_load_refused_at (hostile, "c.moped:3:16: the name of this <node> is 10485760 characters long; "
                                   "a name may have at most 1024");
}

static void
test_control_characters_refused (void)
{
  assert_load_refused_at ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                          "<design format=\"1\" name=\"C\">\n"
                          "  <note id=\"n\" x=\"1\" text=\"ok&#1;\"/>\n"
                          "</design>\n",
                          "c.moped:3:22: attribute “text” of <note> holds the control character "
                          "U+0001, which XML does not allow");
  assert_load_refused_at ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                          "<design format=\"1\" name=\"C&#x1B;[2J\"/>\n",
                          "c.moped:2:20: attribute “name” of <design> holds the control character "
                          "U+001B ESCAPE, which XML does not allow");
}

static void
test_canonical_file (void)
{
  g_autofree char *path = test_data_path ("canonical.moped");
  g_autofree char *original = NULL;
  g_autofree char *saved = NULL;
  g_autoptr(MopedDesign) design = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0, saved_length = 0;

  original = read_bytes (path, &length);
  design = moped_file_load (path, &error);
  g_assert_no_error (error);
  g_assert_false (moped_design_get_modified (design));
  g_assert_false (moped_design_can_undo (design));
  g_assert_cmpuint (moped_design_get_n_elements (design), ==, 31);
  saved = moped_file_to_data (design, &saved_length);
  g_assert_cmpuint (saved_length, ==, length);
  g_assert_cmpstr (saved, ==, original);
  assert_valid_against_schema (saved, saved_length);
  g_free (assert_round_trip (design, NULL));
}

/* Comments, a DOCTYPE, CRLF, single quotes, entities, explicit defaults, another
 * element and attribute order: the same design, written canonically. */
static void
test_noncanonical_file (void)
{
  g_autofree char *path = test_data_path ("noncanonical.moped");
  g_autofree char *canonical_path = test_data_path ("canonical.moped");
  g_autofree char *canonical = NULL;
  g_autofree char *saved = NULL;
  g_autoptr(MopedDesign) design = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;

  canonical = read_bytes (canonical_path, &length);
  design = moped_file_load (path, &error);
  g_assert_no_error (error);
  saved = moped_file_to_data (design, NULL);
  g_assert_cmpstr (saved, ==, canonical);
}

static void
test_element_lines (void)
{
  /* GMarkup does not count a newline at the very start: we must. And a start
   * tag may span lines, with a '<' inside a value. */
  static const char text[] =
    "\n"
    "<?xml version=\"1.0\"?>\n"
    "<design format=\"2\"\n"
    "        name=\"a &lt; b\">\n"
    "  <!-- <node id=\"fake\"> -->\n"
    "  <node id=\"n\" name=\"x<y\"\n"
    "        role=\"two\n"
    "lines\">\n"
    "    <socket id=\"s\" name=\"s\" type=\"REQ\"/>\n"
    "  </node>\n"
    "  <note id=\"note\"/></design>\n";
  g_autoptr(MopedDesign) design = load_ok (text, -1);

  g_assert_cmpuint (moped_element_get_line (moped_design_get_root (design)), ==, 3);
  g_assert_cmpuint (moped_element_get_line (moped_design_lookup (design, "n")), ==, 6);
  g_assert_cmpuint (moped_element_get_line (moped_design_lookup (design, "s")), ==, 9);
  g_assert_cmpuint (moped_element_get_line (moped_design_lookup (design, "note")), ==, 11);
  /* A raw newline in an attribute is a space to any XML reader. */
  g_assert_cmpstr (moped_element_get_string (moped_design_lookup (design, "n"), MOPED_PROP_ROLE),
                   ==, "two lines");
}

/* Some editors start UTF-8 files with a byte order mark; it is not a column. */
static void
test_byte_order_mark (void)
{
  static const char good[] = "\xef\xbb\xbf<?xml version=\"1.0\"?>\n<design format=\"2\" name=\"b\"/>\n";
  static const char bad[] = "\xef\xbb\xbf<design format=\"2\" name=\"b\" bogus=\"x\"/>\n";
  g_autoptr(MopedDesign) design = load_ok (good, -1);
  g_autoptr(MopedDesign) refused = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = moped_file_to_data (design, NULL);

  g_assert_cmpstr (text, ==, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<design format=\"2\" name=\"b\"/>\n");
  refused = moped_file_load_data (bad, -1, "t.moped", &error);
  g_assert_error (error, MOPED_FILE_ERROR, MOPED_FILE_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "t.moped:1:29: unknown attribute “bogus”"));
}

/* ---- bad input ------------------------------------------------------------ */

typedef struct
{
  const char     *what;
  const char     *text;
  gssize          length;   /* -1: up to the NUL */
  MopedFileError  code;
  const char     *where;    /* "LINE:COLUMN" */
  const char     *says[3];  /* fragments the message must contain */
} BadCase;

#define D "<design format=\"2\" name=\"d\">\n"
#define NODE "  <node id=\"n\" name=\"N\">\n"
#define SOCK "    <socket id=\"s\" name=\"s\" type=\"REQ\"/>\n"
#define END_NODE "  </node>\n"
#define END "</design>\n"
#define INVALID MOPED_FILE_ERROR_INVALID
#define SYNTAX MOPED_FILE_ERROR_SYNTAX

static const BadCase bad_cases[] = {
  /* not XML, not text */
  { "empty", "", 0, SYNTAX, "1:1", { "the file is empty" } },
  { "blank", " \n\t\r\n  ", -1, SYNTAX, "1:1", { "the file is empty" } },
  { "nul", D "  <node id=\"a\0\"/>", sizeof (D "  <node id=\"a\0\"/>") - 1, SYNTAX, "2:14",
    { "not a Moped design: the file contains binary data" } },
  { "bad-utf8", D "  <node id=\"a\" name=\"\xff\"/>\n" END, -1, SYNTAX, "2:22",
    { "not a Moped design: the file contains binary data" } },
  { "control-char", D NODE "    <method id=\"m\" name=\"\x01\"/>", -1, SYNTAX, "3:26",
    { "binary data" } },
  { "png", "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, SYNTAX, "1:1", { "binary data" } },
  { "plain-text", "hello world\n", -1, SYNTAX, "1:1",
    { "not well-formed XML", "Document must begin with an element" } },
  { "mismatched-close", D NODE END, -1, SYNTAX, "3:9",
    { "not well-formed XML", "“design” was closed", "“node”" } },
  { "truncated", D NODE "    <socket id=\"s\" na", -1, SYNTAX, "3:22",
    { "not well-formed XML", "Document ended unexpectedly" } },
  { "unknown-entity", D "  <node id=\"a\" name=\"&nbsp;\"/>\n" END, -1, SYNTAX, "2:28",
    { "not well-formed XML", "nbsp" } },
  { "text-after-root", D END "junk\n", -1, SYNTAX, "3:1",
    { "not well-formed XML: text after the end of <design>" } },
  { "unclosed-comment-after-root", D END "<!-- unfinished", -1, SYNTAX, "3:16",
    { "not well-formed XML", "inside a comment" } },
  /* GMarkup quotes the first byte of the “€” here, which alone is not UTF-8. */
  { "bad-attribute-name", "<design format=\"2\" f€=\"1\"/>", -1, SYNTAX, "1:22",
    { "not well-formed XML", "is not a valid name" } },
  { "only-comment", "<!-- nothing here -->\n", -1, INVALID, "2:1",
    { "not a Moped design: the file has no <design> element" } },

  /* the root */
  { "wrong-root", "<html><body/></html>\n", -1, INVALID, "1:1",
    { "not a Moped design: the root element is <html>, expected <design>" } },
  { "no-format", "<design name=\"d\"/>\n", -1, INVALID, "1:1",
    { "<design> has no format attribute", "<design format=\"2\"" } },
  { "format-zero", "<design format=\"0\" name=\"d\"/>", -1, INVALID, "1:9",
    { "format “0” is not a format version" } },
  { "format-word", "<design format=\"abc\" name=\"d\"/>", -1, INVALID, "1:9",
    { "format “abc” is not a format version" } },
  { "format-empty", "<design format=\"\" name=\"d\"/>", -1, INVALID, "1:9",
    { "format “” is not a format version" } },
  { "format-decimal", "<design format=\"1.0\" name=\"d\"/>", -1, INVALID, "1:9",
    { "format “1.0” is not a format version" } },
  { "format-negative", "<design format=\"-1\" name=\"d\"/>", -1, INVALID, "1:9",
    { "format “-1” is not a format version" } },
  { "newer", "<design format=\"3\" name=\"d\"/>", -1, MOPED_FILE_ERROR_VERSION, "1:9",
    { "written by a newer Moped: format 3, this Moped reads format 2 and older; update Moped to open it" } },
  { "format-2-attribute-in-format-1", "<design format=\"1\" name=\"d\">\n" NODE "    <socket id=\"s\" name=\"s\" type=\"REQ\"/>\n  </node>\n"
    "  <link id=\"l\" from=\"s\" to=\"s\" from-mode=\"bind\"/>\n" END, -1, INVALID, "5:32",
    { "attribute “from-mode” on <link> is new in format 2, but the file says format=\"1\"" } },
  { "role-attribute-in-format-1", "<design format=\"1\" name=\"d\">\n" NODE "    <socket id=\"s\" name=\"s\" type=\"REQ\"/>\n  </node>\n"
    "  <link id=\"l\" from=\"s\" to=\"s\" from-role=\"r\"/>\n" END, -1, INVALID, "5:32",
    { "attribute “from-role” on <link> is new in format 2, but the file says format=\"1\"" } },
  { "newer-with-new-things", "<?xml version=\"1.0\"?>\n<design name=\"d\" format=\"17\" colour=\"red\">\n"
    "  <hologram id=\"h\"/>\n" END, -1, MOPED_FILE_ERROR_VERSION, "2:18", { "format 17" } },
  { "newer-huge", "<design format=\"123456789012345678901234567890\"/>", -1, MOPED_FILE_ERROR_VERSION, "1:9",
    { "format 123456789012345678901234567890, this Moped reads format 2" } },
  { "root-id", "<design format=\"2\" id=\"x\" name=\"d\"/>", -1, INVALID, "1:20",
    { "unknown attribute “id” on <design>", "allowed there: format, name, summary, goals" } },
  { "root-no-name", "<design format=\"2\"/>", -1, INVALID, "1:1",
    { "<design> has no name attribute; it is required" } },
  { "second-root", "<design format=\"2\" name=\"d\"/>\n<design format=\"2\" name=\"e\"/>\n", -1,
    INVALID, "2:1", { "<design> after the end of <design>", "exactly one design" } },
  { "format-twice", "<design format=\"2\" name=\"d\" format=\"2\"/>", -1, INVALID, "1:29",
    { "attribute “format” is given twice on <design>" } },

  /* elements in the wrong place */
  { "unknown-element", D "  <nodes id=\"a\"/>\n" END, -1, INVALID, "2:3",
    { "unknown element <nodes> inside <design>",
      "allowed there: <node>, <link>, <protocol>, <requirement>, <note>, <process> or <host>" } },
  { "unknown-in-leaf", D NODE "    <socket id=\"s\" name=\"s\" type=\"REQ\">\n      <option/>\n", -1,
    INVALID, "4:7", { "unknown element <option> inside <socket>; nothing is allowed there" } },
  { "socket-under-design", D "  <socket id=\"s\" name=\"s\" type=\"REQ\"/>\n" END, -1, INVALID, "2:3",
    { "<socket> cannot be inside <design>", "a <socket> belongs inside <node>",
      "allowed inside <design>: <node>, <link>" } },
  { "step-under-protocol", D "  <protocol id=\"p\" name=\"P\">\n    <step id=\"s\"/>\n", -1, INVALID, "3:5",
    { "<step> cannot be inside <protocol>", "belongs inside <flow>", "<command> or <flow>" } },
  { "field-in-socket", D NODE "    <socket id=\"s\" name=\"s\" type=\"REQ\">\n      <field id=\"f\" name=\"f\"/>\n",
    -1, INVALID, "4:7", { "<field> cannot be inside <socket>, which holds no elements",
                          "belongs inside <command>" } },
  { "nested-design", D NODE "    <design format=\"2\" name=\"x\"/>\n", -1, INVALID, "3:5",
    { "<design> cannot be inside <node>; it is the root element" } },
  { "text", D "  hello\n" END, -1, INVALID, "2:3",
    { "text is not allowed inside <design>", "“hello”" } },
  { "text-in-node", D "  <node id=\"n\" name=\"N\">x &amp; y</node>\n" END, -1, INVALID, "2:25",
    { "text is not allowed inside <node>", "“x & y”" } },
  { "cdata", D NODE "    <![CDATA[secret]]>\n", -1, INVALID, "3:5",
    { "text is not allowed inside <node>", "“secret”" } },

  /* attributes */
  { "unknown-attribute", D "  <node id=\"a\" name=\"A\" colour=\"red\"/>\n" END, -1, INVALID, "2:25",
    { "unknown attribute “colour” on <node>",
      "allowed there: id, name, role, description, instances, process, x, y, width, height, pinned" } },
  { "attribute-twice", D "  <node id=\"a\" name=\"A\" name=\"B\"/>\n" END, -1, INVALID, "2:25",
    { "attribute “name” is given twice on <node>" } },
  { "id-twice", D "  <node id=\"a\" name=\"A\" id=\"b\"/>\n" END, -1, INVALID, "2:25",
    { "attribute “id” is given twice on <node>" } },
  { "no-id", D "  <node name=\"N\"/>\n" END, -1, INVALID, "2:3",
    { "<node> has no id attribute" } },
  { "empty-id", D "  <node id=\"\" name=\"N\"/>\n" END, -1, INVALID, "2:9",
    { "the id of <node> is empty" } },
  { "bad-id", D "  <node id=\"a b\" name=\"N\"/>\n" END, -1, INVALID, "2:9",
    { "“a b” cannot be an id" } },
  { "id-starts-with-digit", D "  <node id=\"1st\" name=\"N\"/>\n" END, -1, INVALID, "2:9",
    { "“1st” cannot be an id", "starts with a letter" } },
  { "duplicate-id", D "  <node id=\"a\" name=\"A\"/>\n  <note id=\"b\"/>\n  <note id=\"a\"/>\n" END, -1,
    INVALID, "4:9", { "duplicate id “a”", "the <node> at line 2, column 3 already has it" } },
  { "id-design", D "  <node id=\"design\" name=\"A\"/>\n" END, -1, INVALID, "2:9",
    { "duplicate id “design”", "the <design> at line 1, column 1" } },
  { "no-name", D "  <node id=\"n\"/>\n" END, -1, INVALID, "2:3",
    { "<node> has no name attribute; it is required" } },
  { "no-type", D NODE "    <socket id=\"s\" name=\"s\"/>\n", -1, INVALID, "3:5",
    { "<socket> has no type attribute" } },
  { "link-no-from", D "  <link id=\"l\" to=\"s\"/>\n" END, -1, INVALID, "2:3",
    { "<link> has no from attribute" } },
  { "step-in-command", D "  <protocol id=\"p\" name=\"P\">\n    <command id=\"c\" name=\"C\">\n"
    "      <step id=\"st\"/>\n", -1, INVALID, "4:7",
    { "<step> cannot be inside <command>", "a <step> belongs inside <flow> or <step>" } },

  /* values */
  { "bad-socket-type", D NODE "    <socket id=\"s\" name=\"s\" type=\"FOO\"/>\n", -1, INVALID, "3:29",
    { "bad type on <socket>", "“FOO” is not one of", "PAIR, PUB, SUB, XPUB" } },
  { "bad-mode", D NODE "    <socket id=\"s\" name=\"s\" type=\"REQ\" mode=\"sideways\"/>\n", -1, INVALID,
    "3:40", { "bad mode on <socket>", "“sideways” is not one of bind, connect" } },
  { "bad-field-type", D "  <protocol id=\"p\" name=\"P\">\n    <command id=\"c\" name=\"C\">\n"
    "      <field id=\"f\" name=\"f\" type=\"int\"/>\n", -1, INVALID, "4:30",
    { "bad type on <field>", "string, longstr, number, strings, bytes, frame, msg" } },
  /* msg (the rest of a message) came with format 2, and is no type of an API method's
   * parameter or result: a method call is not a message */
  { "msg-field-in-format-1", "<design format=\"1\" name=\"d\">\n  <protocol id=\"p\" name=\"P\">\n"
    "    <command id=\"c\" name=\"C\">\n      <field id=\"f\" name=\"f\" type=\"msg\"/>\n", -1, INVALID, "4:30",
    { "field type “msg” on <field> is new in format 2, but the file says format=\"1\"" } },
  { "msg-param", D NODE "    <method id=\"m\" name=\"M\">\n      <param id=\"p\" name=\"p\" type=\"msg\"/>\n",
    -1, INVALID, "4:30", { "bad type on <param>", "“msg” is not one of", "bytes, frame, bool" } },
  { "msg-result", D NODE "    <method id=\"m\" name=\"M\" result=\"msg\"/>\n",
    -1, INVALID, "3:29", { "bad result on <method>", "“msg” is not one of", "frame, bool, none" } },
  { "bad-metric", D "  <requirement id=\"r\" name=\"R\" metric=\"speed\"/>\n", -1, INVALID, "2:32",
    { "bad metric on <requirement>", "throughput, latency, reliability, other" } },
  { "instances-word", D "  <node id=\"n\" name=\"N\" instances=\"many\"/>\n", -1, INVALID, "2:25",
    { "bad instances on <node>", "“many” is not a whole number" } },
  { "instances-zero", D "  <node id=\"n\" name=\"N\" instances=\"0\"/>\n", -1, INVALID, "2:25",
    { "bad instances on <node>: it must be 1 or more, not 0" } },
  { "instances-huge", D "  <node id=\"n\" name=\"N\" instances=\"99999999999999999999\"/>\n", -1, INVALID,
    "2:25", { "bad instances on <node>", "out of range" } },
  { "instances-decimal", D "  <node id=\"n\" name=\"N\" instances=\"2.5\"/>\n", -1, INVALID, "2:25",
    { "“2.5” is not a whole number" } },
  { "version-negative", D "  <protocol id=\"p\" name=\"P\" version=\"-3\"/>\n", -1, INVALID, "2:29",
    { "bad version on <protocol>: it must be 1 or more, not -3" } },
  { "x-word", D "  <node id=\"n\" name=\"N\" x=\"left\"/>\n", -1, INVALID, "2:25",
    { "bad x on <node>", "“left” is not a number" } },
  { "x-infinite", D "  <node id=\"n\" name=\"N\" x=\"1e999\"/>\n", -1, INVALID, "2:25",
    { "bad x on <node>", "out of range" } },
  { "x-nan", D "  <node id=\"n\" name=\"N\" y=\"nan\"/>\n", -1, INVALID, "2:25",
    { "bad y on <node>" } },
  { "value-empty", D "  <requirement id=\"r\" name=\"R\" value=\"\"/>\n", -1, INVALID, "2:32",
    { "bad value on <requirement>", "is not a number" } },
  { "pinned-yes", D "  <node id=\"n\" name=\"N\" pinned=\"yes\"/>\n", -1, INVALID, "2:25",
    { "bad pinned on <node>", "“yes” is not “true” or “false”" } },

  /* references, checked once the whole file is read */
  { "dangling-ref", D NODE SOCK END_NODE "  <link id=\"l\" from=\"s\" to=\"nope\"/>\n" END, -1, INVALID,
    "5:25", { "<link id=\"l\">: to refers to “nope”, but no element has that id",
              "it must name a <socket>" } },
  { "ref-wrong-kind", D NODE SOCK END_NODE "  <link id=\"l\" from=\"n\" to=\"s\"/>\n" END, -1, INVALID,
    "5:16", { "from refers to “n”, which is a <node>; it must name a <socket>" } },
  { "target-wrong-kind", D NODE SOCK END_NODE "  <requirement id=\"r\" name=\"R\" target=\"s\"/>\n" END,
    -1, INVALID, "5:32", { "target refers to “s”, which is a <socket>; it must name a <node> or <link>" } },
  { "target-design", D "  <requirement id=\"r\" name=\"R\" target=\"design\"/>\n" END, -1, INVALID, "2:32",
    { "target refers to “design”, which is a <design>" } },
  { "sender-dangling", D "  <protocol id=\"p\" name=\"P\">\n    <command id=\"c\" name=\"C\" sender=\"ghost\"/>\n"
    "  </protocol>\n" END, -1, INVALID, "3:30", { "sender refers to “ghost”", "<role>" } },
  { "step-command-is-flow", D NODE "  </node>\n  <node id=\"m\" name=\"M\"/>\n  <protocol id=\"p\" name=\"P\">\n"
    "    <flow id=\"f\" name=\"F\">\n      <step id=\"st\" from=\"n\" to=\"m\" command=\"f\"/>\n"
    "    </flow>\n  </protocol>\n" END, -1, INVALID, "7:37",
    { "command refers to “f”, which is a <flow>; it must name a <command>" } },
};

static void
test_bad_case (gconstpointer data)
{
  const BadCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedDesign) design = NULL;
  g_autofree char *prefix = g_strdup_printf ("t.moped:%s: ", c->where);

  design = moped_file_load_data (c->text, c->length, "t.moped", &error);
  g_assert_null (design);
  g_assert_error (error, MOPED_FILE_ERROR, (int) c->code);
  g_test_message ("%s", error->message);
  if (!g_str_has_prefix (error->message, prefix))
    g_error ("“%s” does not start with “%s”", error->message, prefix);
  for (guint i = 0; i < G_N_ELEMENTS (c->says) && c->says[i] != NULL; i++)
    if (strstr (error->message, c->says[i]) == NULL)
      g_error ("“%s” does not say “%s”", error->message, c->says[i]);
  g_assert_null (strchr (error->message, '\n'));
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

static void
test_user_text_is_shortened (void)
{
  g_autoptr(GString) text = g_string_new (D "  <node id=\"n\" name=\"N\" instances=\"");
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedDesign) design = NULL;

  for (guint i = 0; i < 10000; i++)
    g_string_append_c (text, 'x');
  g_string_append (text, "\"/>\n" END);
  design = moped_file_load_data (text->str, (gssize) text->len, "t.moped", &error);
  g_assert_error (error, MOPED_FILE_ERROR, MOPED_FILE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "bad instances on <node>"));
}

static void
test_too_large_data (void)
{
  gsize size = 64 * MIB + 1;
  g_autofree char *data = g_malloc (size);
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedDesign) design = NULL;

  memset (data, ' ', size);
  design = moped_file_load_data (data, (gssize) size, "huge.moped", &error);
  g_assert_null (design);
  g_assert_error (error, MOPED_FILE_ERROR, MOPED_FILE_ERROR_TOO_LARGE);
  g_assert_true (g_str_has_prefix (error->message, "huge.moped:1:1: the file is too large"));
  g_assert_nonnull (strstr (error->message, "64 MiB"));
  g_clear_error (&error);

  /* Exactly the limit is allowed (and then found empty). */
  design = moped_file_load_data (data, (gssize) size - 1, "huge.moped", &error);
  g_assert_error (error, MOPED_FILE_ERROR, MOPED_FILE_ERROR_SYNTAX);
  g_assert_nonnull (strstr (error->message, "the file is empty"));
}

static char *
make_temp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("moped-file-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

/* The file must be refused by its size, before a single byte is read: it is sparse. */
static void
test_too_large_file (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "huge.moped", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedDesign) design = NULL;
  int fd = g_open (path, O_WRONLY | O_CREAT, 0644);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t) 1024 * MIB), ==, 0);
  close (fd);
  design = moped_file_load (path, &error);
  g_assert_null (design);
  g_assert_error (error, MOPED_FILE_ERROR, MOPED_FILE_ERROR_TOO_LARGE);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_nonnull (strstr (error->message, "the file is too large (1.0"));
  g_assert_nonnull (strstr (error->message, "GiB); Moped opens designs of up to 64 MiB"));
  moped_test_remove_tree (dir);
}

static void
test_load_errors_name_the_file (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "bad.moped", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.moped", NULL);
  g_autofree char *prefix = g_strconcat (path, ":2:3: ", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedDesign) design = NULL;

  g_file_set_contents (path, D "  <bogus/>\n" END, -1, &error);
  g_assert_no_error (error);
  design = moped_file_load (path, &error);
  g_assert_error (error, MOPED_FILE_ERROR, MOPED_FILE_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, prefix));
  g_clear_error (&error);

  design = moped_file_load (missing, &error);
  g_assert_error (error, MOPED_FILE_ERROR, MOPED_FILE_ERROR_IO);
  g_assert_nonnull (strstr (error->message, missing));
  g_assert_nonnull (strstr (error->message, g_strerror (ENOENT)));
  g_clear_error (&error);

  design = moped_file_load (dir, &error);
  g_assert_error (error, MOPED_FILE_ERROR, MOPED_FILE_ERROR_IO);
  g_assert_nonnull (strstr (error->message, g_strerror (EISDIR)));
  g_clear_error (&error);

  design = moped_file_load ("/dev/null", &error);
  g_assert_error (error, MOPED_FILE_ERROR, MOPED_FILE_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "not a regular file"));
  moped_test_remove_tree (dir);
}

/* ---- saving --------------------------------------------------------------- */

static guint
count_entries (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static void
test_save_new_file (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "new.moped", NULL);
  g_autoptr(MopedDesign) design = build_design ();
  g_autoptr(MopedDesign) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *written = NULL;
  gsize length = 0;

  g_assert_true (moped_design_get_modified (design));
  g_assert_true (moped_file_save (design, path, &error));
  g_assert_no_error (error);
  g_assert_false (moped_design_get_modified (design));
  expected = moped_file_to_data (design, NULL);
  written = read_bytes (path, &length);
  g_assert_cmpstr (written, ==, expected);
  g_assert_cmpuint (count_entries (dir), ==, 1);
  assert_valid_against_schema (written, length);

  loaded = moped_file_load (path, &error);
  g_assert_no_error (error);
  assert_elements_equal (moped_design_get_root (design), moped_design_get_root (loaded));

  /* Saving again over the file replaces it. */
  moped_design_set_string (design, moped_design_get_root (design), MOPED_PROP_NAME, "Renamed");
  g_assert_true (moped_design_get_modified (design));
  g_assert_true (moped_file_save (design, path, &error));
  g_assert_no_error (error);
  g_free (written);
  written = read_bytes (path, &length);
  g_assert_nonnull (strstr (written, "<design format=\"2\" name=\"Renamed\""));
  g_assert_cmpuint (count_entries (dir), ==, 1);
  moped_test_remove_tree (dir);
}

static void
assert_save_fails (MopedDesign *design,
                   const char  *path,
                   const char  *reason)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = g_strdup_printf ("Cannot save “%s”: %s", path, reason);

  moped_design_set_string (design, moped_design_get_root (design), MOPED_PROP_NAME, "Changed");
  g_assert_false (moped_file_save (design, path, &error));
  g_assert_error (error, MOPED_FILE_ERROR, MOPED_FILE_ERROR_IO);
  g_assert_cmpstr (error->message, ==, expected);
  g_assert_true (moped_design_get_modified (design));
}

static void
test_save_parent_is_a_file (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *file = g_build_filename (dir, "plain.txt", NULL);
  g_autofree char *path = g_build_filename (file, "design.moped", NULL);
  g_autoptr(MopedDesign) design = build_design ();
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;
  gsize length = 0;

  g_file_set_contents (file, "precious", -1, &error);
  g_assert_no_error (error);
  assert_save_fails (design, path, g_strerror (ENOTDIR));
  after = read_bytes (file, &length);
  g_assert_cmpstr (after, ==, "precious");
  g_assert_cmpuint (count_entries (dir), ==, 1);
  moped_test_remove_tree (dir);
}

static void
test_save_over_directory (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "folder.moped", NULL);
  g_autoptr(MopedDesign) design = build_design ();

  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  assert_save_fails (design, path, g_strerror (EISDIR));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_DIR));
  g_assert_cmpuint (count_entries (dir), ==, 1);
  moped_test_remove_tree (dir);
}

/* The directory is made read-only to the user who saves. Root may write anywhere,
 * so as root (as in CI) the save runs in a subprocess that becomes "nobody". */
#define NOBODY 65534

static void
save_into_read_only (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "old.moped", NULL);
  g_autoptr(MopedDesign) design = build_design ();

  assert_save_fails (design, path, g_strerror (EACCES));
}

static void
test_save_read_only_directory (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;
  gsize length = 0;

  if (g_test_subprocess ())
    {
      g_assert_cmpint (setgid (NOBODY), ==, 0);
      g_assert_cmpint (setuid (NOBODY), ==, 0);
      save_into_read_only (g_getenv ("MOPED_TEST_READ_ONLY_DIR"));
      return;
    }

  dir = make_temp_dir ();
  path = g_build_filename (dir, "old.moped", NULL);
  g_file_set_contents (path, "old contents\n", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  if (geteuid () == 0)
    {
      /* nobody may enter the directory (and read the old file) but not create in it. */
      g_assert_cmpint (chown (dir, NOBODY, NOBODY), ==, 0);
      g_assert_cmpint (g_chmod (dir, 0500), ==, 0);
      g_setenv ("MOPED_TEST_READ_ONLY_DIR", dir, TRUE);
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
    }
  else
    {
      g_assert_cmpint (g_chmod (dir, 0500), ==, 0);
      save_into_read_only (dir);
    }
  after = read_bytes (path, &length);
  g_assert_cmpstr (after, ==, "old contents\n");
  g_assert_cmpuint (count_entries (dir), ==, 1);
  g_chmod (dir, 0700);
  moped_test_remove_tree (dir);
}

/* A write that fails half way (the disk fills up) must leave the old file as it
 * was: the file size limit makes the write fail even for root. */
static void
test_save_fails_mid_write (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "old.moped", NULL);
  g_autoptr(MopedDesign) design = build_design ();
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;
  struct rlimit saved, limited;
  void (*old_handler) (int);
  gboolean ok;
  gsize length = 0;

  g_file_set_contents (path, "old contents\n", -1, &error);
  g_assert_no_error (error);

  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  limited = saved;
  limited.rlim_cur = 4096;
  old_handler = signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limited), ==, 0);
  ok = moped_file_save (design, path, &error);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  signal (SIGXFSZ, old_handler);

  g_assert_false (ok);
  g_assert_error (error, MOPED_FILE_ERROR, MOPED_FILE_ERROR_IO);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "Cannot save “"));
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, g_strerror (EFBIG)));
  g_assert_true (moped_design_get_modified (design));
  after = read_bytes (path, &length);
  g_assert_cmpstr (after, ==, "old contents\n");
  g_assert_cmpuint (count_entries (dir), ==, 1);
  moped_test_remove_tree (dir);
}

/* ---- links, permissions, temporary files ------------------------------------ */

static void
save_renamed (MopedDesign *design,
              const char  *path,
              const char  *name)
{
  g_autoptr(GError) error = NULL;

  moped_design_set_string (design, moped_design_get_root (design), MOPED_PROP_NAME, name);
  g_assert_true (moped_file_save (design, path, &error));
  g_assert_no_error (error);
}

static void
assert_design_named (const char *path,
                     const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedDesign) loaded = moped_file_load (path, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (moped_element_get_name (moped_design_get_root (loaded)), ==, name);
}

static gboolean
is_link (const char *path)
{
  struct stat st;

  return g_lstat (path, &st) == 0 && S_ISLNK (st.st_mode);
}

/* Saving through a chain of links (one absolute, one relative) changes the file at its
 * end; the links stay links, and nothing else appears beside any of them. */
static void
test_save_through_links (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *real_dir = g_build_filename (dir, "real", NULL);
  g_autofree char *target = g_build_filename (real_dir, "design.moped", NULL);
  g_autofree char *near = g_build_filename (dir, "near.moped", NULL);
  g_autofree char *far = g_build_filename (dir, "far.moped", NULL);
  g_autofree char *dangling = g_build_filename (dir, "dangling.moped", NULL);
  g_autofree char *created = g_build_filename (real_dir, "later.moped", NULL);
  g_autofree char *loop = g_build_filename (dir, "loop.moped", NULL);
  g_autoptr(MopedDesign) design = build_design ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir (real_dir, 0700), ==, 0);
  save_renamed (design, target, "First");
  g_assert_cmpint (symlink ("real/design.moped", near), ==, 0);
  g_assert_cmpint (symlink (near, far), ==, 0);

  save_renamed (design, far, "Through links");
  g_assert_true (is_link (far));
  g_assert_true (is_link (near));
  assert_design_named (target, "Through links");
  g_assert_cmpuint (count_entries (dir), ==, 3);
  g_assert_cmpuint (count_entries (real_dir), ==, 1);

  /* A dangling link's target is created. */
  g_assert_cmpint (symlink ("real/later.moped", dangling), ==, 0);
  save_renamed (design, dangling, "Created");
  g_assert_true (is_link (dangling));
  assert_design_named (created, "Created");

  /* A loop is an error that names it, not an endless walk. */
  g_assert_cmpint (symlink ("loop.moped", loop), ==, 0);
  assert_save_fails (design, loop, g_strerror (ELOOP));
  g_assert_true (is_link (loop));
  moped_test_remove_tree (dir);
}

/* A private design stays private, a shared one shared: the permission bits of the file
 * saved over are kept whatever the umask; as root, its owner and group too. */
static void
test_save_keeps_mode_and_owner (void)
{
  static const mode_t modes[] = { 0600, 0664, 0640, 0755, 0444 };
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "design.moped", NULL);
  g_autoptr(MopedDesign) design = build_design ();
  mode_t old_umask = umask (022);
  struct stat st;

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      save_renamed (design, path, "Before");
      g_assert_cmpint (g_chmod (path, modes[i]), ==, 0);
      save_renamed (design, path, "After");
      g_assert_cmpint (g_stat (path, &st), ==, 0);
      g_assert_cmpuint (st.st_mode & 07777, ==, modes[i]);
      assert_design_named (path, "After");
    }

  /* A new file gets what the umask allows, as any new file would. */
  g_assert_cmpint (g_unlink (path), ==, 0);
  save_renamed (design, path, "New");
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 07777, ==, 0644);

  if (geteuid () == 0)
    {
      g_assert_cmpint (chown (path, NOBODY, NOBODY), ==, 0);
      g_assert_cmpint (g_chmod (path, 0600), ==, 0);
      save_renamed (design, path, "Owned");
      g_assert_cmpint (g_stat (path, &st), ==, 0);
      g_assert_cmpuint (st.st_uid, ==, NOBODY);
      g_assert_cmpuint (st.st_gid, ==, NOBODY);
      g_assert_cmpuint (st.st_mode & 07777, ==, 0600);
    }
  else
    g_test_message ("not root: the owner check needs chown");
  umask (old_umask);
  g_assert_cmpuint (count_entries (dir), ==, 1);
  moped_test_remove_tree (dir);
}

/* Saving gives the name a new file: another hard link keeps the previous contents
 * (the README says so), and the save is still atomic. */
static void
test_save_hard_link (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "design.moped", NULL);
  g_autofree char *other = g_build_filename (dir, "other.moped", NULL);
  g_autoptr(MopedDesign) design = build_design ();

  save_renamed (design, path, "Shared");
  g_assert_cmpint (link (path, other), ==, 0);
  save_renamed (design, path, "Changed");
  assert_design_named (path, "Changed");
  assert_design_named (other, "Shared");
  moped_test_remove_tree (dir);
}

static gboolean
has_temporary (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (d)) != NULL)
    if (strstr (name, ".moped-save-") != NULL)
      return TRUE;
  return FALSE;
}

/* A save killed half way (kill -9, a crash, a power cut) leaves its temporary file:
 * hidden, recognisable, and removed by the next open or save of the same design. */
static void
kill_a_save_half_way (const char *path)
{
  g_autofree char *temporary = NULL;
  int fd;

  fd = _moped_file_create_temporary (path, 0644, &temporary);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, "<?xml version=\"1.0\"", 19), ==, 19);
  raise (SIGKILL);
}

static void
test_temporary_files_after_kill (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *other = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *alive = NULL;
  g_autoptr(MopedDesign) design = build_design ();
  g_autoptr(MopedDesign) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) d = NULL;
  const char *name;

  if (g_test_subprocess ())
    {
      kill_a_save_half_way (g_getenv ("MOPED_TEST_KILLED_SAVE"));
      return;
    }

  dir = make_temp_dir ();
  path = g_build_filename (dir, "design.moped", NULL);
  other = g_build_filename (dir, "other.moped", NULL);
  save_renamed (design, path, "Saved");
  save_renamed (design, other, "Other");
  g_setenv ("MOPED_TEST_KILLED_SAVE", path, TRUE);

  for (guint round = 0; round < 2; round++)
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_failed ();
      g_assert_cmpuint (count_entries (dir), ==, 3);
      d = g_dir_open (dir, 0, NULL);
      prefix = _moped_file_temporary_prefix (path);
      while ((name = g_dir_read_name (d)) != NULL)
        if (g_strcmp0 (name, "design.moped") != 0 && g_strcmp0 (name, "other.moped") != 0)
          {
            g_assert_true (name[0] == '.');
            g_assert_true (g_str_has_prefix (name, ".design.moped.moped-save-"));
          }
      g_clear_pointer (&d, g_dir_close);
      g_clear_pointer (&prefix, g_free);

      /* Opening or saving another design leaves it alone... */
      save_renamed (design, other, "Other again");
      g_assert_true (has_temporary (dir));
      /* ...opening (round 0) or saving (round 1) this one removes it. */
      if (round == 0)
        {
          loaded = moped_file_load (path, &error);
          g_assert_no_error (error);
          g_clear_object (&loaded);
        }
      else
        save_renamed (design, path, "Saved again");
      g_assert_false (has_temporary (dir));
      g_assert_cmpuint (count_entries (dir), ==, 2);
    }

  /* A save still running in another process (here: PID 1, which always runs) is not
   * disturbed; nor are files that merely look similar. */
  prefix = _moped_file_temporary_prefix (path);
  alive = g_strdup_printf ("%s/%s1-abcdef", dir, prefix);
  g_assert_true (g_file_set_contents (alive, "busy", -1, NULL));
  g_free (alive);
  alive = g_strdup_printf ("%s/%snotes.txt", dir, prefix);
  g_assert_true (g_file_set_contents (alive, "mine", -1, NULL));
  g_assert_cmpuint (moped_file_remove_stale_temporaries (path), ==, 0);
  g_assert_cmpuint (count_entries (dir), ==, 4);
  moped_test_remove_tree (dir);
}

/* ---- scale ---------------------------------------------------------------- */

static char *
make_big_file (guint n_nodes)
{
  GString *s = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<design format=\"2\" name=\"Big\">\n");

  for (guint i = 0; i < n_nodes; i++)
    g_string_append_printf (s,
                            "  <node id=\"node-%u\" name=\"Node %u\" role=\"worker\" description=\"Does job %u.\" x=\"%u\" y=\"%u\">\n"
                            "    <socket id=\"in-%u\" name=\"in\" type=\"PULL\" mode=\"bind\"/>\n"
                            "    <socket id=\"out-%u\" name=\"out\" type=\"PUSH\"/>\n"
                            "    <method id=\"run-%u\" name=\"run\"/>\n"
                            "  </node>\n",
                            i, i, i, 10 + (i % 100) * 200, 10 + (i / 100) * 120, i, i, i);
  for (guint i = 0; i < n_nodes; i++)
    g_string_append_printf (s, "  <link id=\"link-%u\" from=\"out-%u\" to=\"in-%u\" endpoint=\"tcp://*:%u\" protocol=\"p\"/>\n",
                            i, i, (i + 1) % n_nodes, 5000 + i % 1000);
  g_string_append (s, "  <protocol id=\"p\" name=\"P\">\n"
                      "    <role id=\"worker\" name=\"worker\"/>\n"
                      "    <command id=\"go\" name=\"GO\" sender=\"worker\"/>\n"
                      "  </protocol>\n"
                      "</design>\n");
  return g_string_free (s, FALSE);
}

static gboolean
under_valgrind (void)
{
  const char *preload = g_getenv ("LD_PRELOAD");

  return preload != NULL && strstr (preload, "vgpreload") != NULL;
}


/* ---- format 1 ------------------------------------------------------------------ */

/* "<command id=… sender=…>" pairs of a format 1 file, read from its text independently of
 * the loader, so the test does not trust what it checks. */
static GHashTable *
v1_senders (const char *text)
{
  GHashTable *senders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GRegex) tag = g_regex_new ("<command\\s[^>]*>", 0, 0, NULL);
  g_autoptr(GRegex) id = g_regex_new ("\\sid=\"([^\"]*)\"", 0, 0, NULL);
  g_autoptr(GRegex) sender = g_regex_new ("\\ssender=\"([^\"]*)\"", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  g_regex_match (tag, text, 0, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *element = g_match_info_fetch (match, 0);
      g_autoptr(GMatchInfo) m_id = NULL;
      g_autoptr(GMatchInfo) m_sender = NULL;

      if (g_regex_match (id, element, 0, &m_id) && g_regex_match (sender, element, 0, &m_sender))
        g_hash_table_insert (senders, g_match_info_fetch (m_id, 1), g_match_info_fetch (m_sender, 1));
      g_match_info_next (match, NULL);
    }
  return senders;
}

/* Every format 1 fixture (the examples as they shipped, and canonical.moped) loads; each
 * command's sender node becomes a role named after it in the command's protocol; every
 * link end carrying a protocol plays the role named after its node; nothing else
 * changes, and the converted design saves as format 2, reloads to the same text and
 * validates against the schema. */
static void
test_v1_fixtures_convert (void)
{
  g_autofree char *dir_path = g_build_filename (g_getenv ("MOPED_TEST_DATA"), "v1", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint files = 0, converted = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      g_autofree char *text = NULL;
      g_autofree char *saved = NULL;
      g_autofree char *again = NULL;
      g_autoptr(GHashTable) senders = NULL;
      g_autoptr(GPtrArray) links = NULL;
      g_autoptr(GPtrArray) roles = NULL;
      g_autoptr(MopedDesign) design = NULL;
      g_autoptr(MopedDesign) reloaded = NULL;
      g_autoptr(GError) error = NULL;
      GHashTableIter iter;
      gpointer key, value;
      gsize length = 0;

      if (!g_str_has_suffix (name, ".moped"))
        continue;
      files++;
      text = read_bytes (path, NULL);
      g_assert_nonnull (strstr (text, "format=\"1\""));
      design = moped_file_load (path, &error);
      g_assert_no_error (error);
      senders = v1_senders (text);
      g_hash_table_iter_init (&iter, senders);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          MopedElement *command = moped_design_lookup (design, key);
          MopedElement *node = moped_design_lookup (design, value);
          MopedElement *role = moped_element_get_ref (command, MOPED_PROP_SENDER);

          g_assert_nonnull (node);
          g_assert_nonnull (role);
          g_assert_cmpint (moped_element_get_kind (role), ==, MOPED_KIND_ROLE);
          g_assert_true (moped_element_get_parent (role) == moped_element_get_parent (command));
          g_assert_cmpstr (moped_element_get_name (role), ==, moped_element_get_name (node));
          g_assert_true (moped_node_plays_role (node, role) ||
                         !strstr (text, "protocol=\"") /* no link carries a protocol */);
          converted++;
        }
      links = moped_design_collect (design, MOPED_KIND_LINK);
      for (guint i = 0; i < links->len; i++)
        {
          MopedElement *link = g_ptr_array_index (links, i);

          if (moped_element_get_ref (link, MOPED_PROP_PROTOCOL) == NULL)
            continue;
          for (guint e = 0; e < 2; e++)
            {
              MopedProp end = e ? MOPED_PROP_TO : MOPED_PROP_FROM;
              MopedElement *role = moped_link_get_role (link, end);
              MopedElement *node = moped_element_get_parent (moped_element_get_ref (link, end));

              g_assert_nonnull (role);
              g_assert_false (moped_link_role_is_inferred (link, end));
              g_assert_cmpstr (moped_element_get_name (role), ==, moped_element_get_name (node));
            }
        }
      /* Only roles were added: every element of the file is still there. */
      roles = moped_design_collect (design, MOPED_KIND_ROLE);
      {
        g_autoptr(GRegex) ids = g_regex_new ("\\sid=\"", 0, 0, NULL);
        g_autoptr(GMatchInfo) m = NULL;
        guint n_ids = 0;

        g_regex_match (ids, text, 0, &m);
        while (g_match_info_matches (m))
          {
            n_ids++;
            g_match_info_next (m, NULL);
          }
        g_assert_cmpuint (moped_design_get_n_elements (design), ==, n_ids + 1 + roles->len);
      }
      saved = moped_file_to_data (design, &length);
      g_assert_true (g_str_has_prefix (saved, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<design format=\"2\""));
      assert_valid_against_schema (saved, length);
      reloaded = moped_file_load_data (saved, (gssize) length, name, &error);
      g_assert_no_error (error);
      again = moped_file_to_data (reloaded, NULL);
      g_assert_cmpstr (again, ==, saved);
    }
  g_assert_cmpuint (files, >=, 7);
  g_assert_cmpuint (converted, >=, 10);
}

/* A role's id is made from the protocol's and the node's; a taken id gets a number. */
static void
test_v1_role_ids (void)
{
  static const char text[] =
    "<design format=\"1\" name=\"d\">\n"
    "  <node id=\"a\" name=\"Alpha\"/>\n"
    "  <protocol id=\"p\" name=\"P\">\n"
    "    <command id=\"p.a\" name=\"TAKEN\" sender=\"a\"/>\n"
    "    <command id=\"c\" name=\"HELLO\" sender=\"a\"/>\n"
    "  </protocol>\n"
    "</design>\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedDesign) design = moped_file_load_data (text, -1, "ids.moped", &error);
  MopedElement *role;

  g_assert_no_error (error);
  role = moped_element_get_ref (moped_design_lookup (design, "c"), MOPED_PROP_SENDER);
  g_assert_cmpstr (moped_element_get_id (role), ==, "p.a-2");
  g_assert_cmpstr (moped_element_get_name (role), ==, "Alpha");
  /* Both commands share the one role made for node a in protocol p. */
  g_assert_true (moped_element_get_ref (moped_design_lookup (design, "p.a"), MOPED_PROP_SENDER) == role);
}

/* In a format 1 file a sender names a node; anything else is an error at the attribute. */
static void
test_v1_sender_not_a_node (void)
{
  static const char text[] =
    "<design format=\"1\" name=\"d\">\n"
    "  <protocol id=\"p\" name=\"P\">\n"
    "    <command id=\"c\" name=\"HELLO\" sender=\"p\"/>\n"
    "    <command id=\"d\" name=\"BYE\" sender=\"nobody\"/>\n"
    "  </protocol>\n"
    "</design>\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedDesign) design = moped_file_load_data (text, -1, "bad.moped", &error);

  g_assert_null (design);
  g_assert_error (error, MOPED_FILE_ERROR, MOPED_FILE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==,
                   "bad.moped:3:34: <command id=\"c\">: sender refers to “p”, which is a <protocol>; "
                   "in a format 1 file it must name a <node>");
}

/* In format 2 a sender names a role; a node there is an error. */
static void
test_v2_sender_is_a_role (void)
{
  static const char text[] =
    "<design format=\"2\" name=\"d\">\n"
    "  <node id=\"a\" name=\"Alpha\"/>\n"
    "  <protocol id=\"p\" name=\"P\">\n"
    "    <command id=\"c\" name=\"HELLO\" sender=\"a\"/>\n"
    "  </protocol>\n"
    "</design>\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedDesign) design = moped_file_load_data (text, -1, "v2.moped", &error);

  g_assert_null (design);
  g_assert_nonnull (strstr (error->message, "v2.moped:4:34: <command id=\"c\">: sender refers to “a”, which is a <node>; it must name a <role>"));
}

static void
test_ten_thousand_nodes (void)
{
  g_autofree char *text = make_big_file (10000);
  g_autoptr(MopedDesign) design = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;
  gint64 start, elapsed;
  gsize length = 0;

  start = g_get_monotonic_time ();
  design = moped_file_load_data (text, -1, "big.moped", &error);
  g_assert_no_error (error);
  saved = moped_file_to_data (design, &length);
  elapsed = g_get_monotonic_time () - start;

  g_test_message ("10,000 nodes (%u elements, %" G_GSIZE_FORMAT " bytes): load and save in %.1f ms",
                  moped_design_get_n_elements (design), length, elapsed / 1000.0);
  g_assert_cmpuint (moped_design_get_n_elements (design), ==, 50004);
  /* Not g_assert_cmpstr: a failure would print four megabytes twice. */
  g_assert_cmpuint (length, ==, strlen (text));
  g_assert_true (strcmp (saved, text) == 0);
  /* The goal is well under 200 ms; a generous bound still catches anything quadratic
   * while leaving room for sanitizer builds and busy machines. */
  if (!under_valgrind ())
    g_assert_cmpint (elapsed, <, 2 * G_USEC_PER_SEC);
}

/* ---- format 1 files ------------------------------------------------------- */

/* The version-1 files in tests/data/v1 (the examples as they were in format 1) load,
 * are written as format 2, and that text loads back to the same design. */
static void
test_format_1_converts (void)
{
  g_autofree char *dir_path = g_build_filename (g_getenv ("MOPED_TEST_DATA"), "v1", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      g_autofree char *v1 = NULL;
      g_autofree char *v2 = NULL;
      g_autoptr(MopedDesign) first = NULL;
      g_autoptr(MopedDesign) second = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *expected = NULL;

      if (!g_str_has_suffix (name, ".moped"))
        continue;
      g_assert_true (g_file_get_contents (path, &v1, NULL, NULL));
      g_assert_nonnull (strstr (v1, "<design format=\"1\""));
      first = moped_file_load (path, &error);
      g_assert_no_error (error);
      v2 = moped_file_to_data (first, NULL);
      g_assert_nonnull (strstr (v2, "<design format=\"2\""));
      second = moped_file_load_data (v2, -1, name, &error);
      g_assert_no_error (error);
      moped_test_assert_same_tree (moped_design_get_root (first), moped_design_get_root (second));
      /* Nothing but the version and the roles changes: the files are canonical format-1
       * text. The roles made from sender nodes are called "PROTOCOL-ID.NODE-ID". */
      {
        g_autoptr(GString) s = g_string_new (v1);
        g_autoptr(GRegex) role_lines = g_regex_new ("\n *<role [^>]*/>", 0, 0, NULL);
        g_autoptr(GRegex) link_roles = g_regex_new (" (from|to)-role=\"[^\"]*\"", 0, 0, NULL);
        g_autoptr(GRegex) senders = g_regex_new (" sender=\"[^\".]*\\.([^\"]*)\"", 0, 0, NULL);
        g_autofree char *a = g_regex_replace_literal (role_lines, v2, -1, 0, "", 0, NULL);
        g_autofree char *b = g_regex_replace_literal (link_roles, a, -1, 0, "", 0, NULL);
        g_autofree char *without_roles = g_regex_replace (senders, b, -1, 0, " sender=\"\\1\"", 0, NULL);

        g_string_replace (s, "<design format=\"1\"", "<design format=\"2\"", 1);
        expected = g_string_free (g_steal_pointer (&s), FALSE);
        g_assert_cmpstr (without_roles, ==, expected);
      }
      n++;
    }
  g_assert_cmpuint (n, >=, 7);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/file/round-trip", test_round_trip);
  g_test_add_func ("/file/format-1-converts", test_format_1_converts);
  g_test_add_func ("/file/references-survive", test_references_survive);
  g_test_add_func ("/file/empty-design", test_empty_design);
  g_test_add_func ("/file/empty-name-loads", test_empty_name_loads);
  g_test_add_func ("/file/control-characters", test_control_characters);
  g_test_add_func ("/file/control-characters-refused", test_control_characters_refused);
  g_test_add_func ("/file/name-too-long-refused", test_name_too_long_refused);
  g_test_add_func ("/file/canonical-file", test_canonical_file);
  g_test_add_func ("/file/noncanonical-file", test_noncanonical_file);
  g_test_add_func ("/file/element-lines", test_element_lines);
  g_test_add_func ("/file/byte-order-mark", test_byte_order_mark);
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/file/bad/%s", bad_cases[i].what);

      g_test_add_data_func (name, &bad_cases[i], test_bad_case);
    }
  g_test_add_func ("/file/bad/user-text-is-shortened", test_user_text_is_shortened);
  g_test_add_func ("/file/too-large/data", test_too_large_data);
  g_test_add_func ("/file/too-large/file", test_too_large_file);
  g_test_add_func ("/file/load-errors-name-the-file", test_load_errors_name_the_file);
  g_test_add_func ("/file/save/through-links", test_save_through_links);
  g_test_add_func ("/file/save/keeps-mode-and-owner", test_save_keeps_mode_and_owner);
  g_test_add_func ("/file/save/hard-link", test_save_hard_link);
  g_test_add_func ("/file/save/temporary-files-after-kill", test_temporary_files_after_kill);
  g_test_add_func ("/file/save/new-file", test_save_new_file);
  g_test_add_func ("/file/save/parent-is-a-file", test_save_parent_is_a_file);
  g_test_add_func ("/file/save/over-directory", test_save_over_directory);
  g_test_add_func ("/file/save/read-only-directory", test_save_read_only_directory);
  g_test_add_func ("/file/save/fails-mid-write", test_save_fails_mid_write);
  g_test_add_func ("/file/ten-thousand-nodes", test_ten_thousand_nodes);
  g_test_add_func ("/file/v1/fixtures-convert", test_v1_fixtures_convert);
  g_test_add_func ("/file/v1/role-ids", test_v1_role_ids);
  g_test_add_func ("/file/v1/sender-not-a-node", test_v1_sender_not_a_node);
  g_test_add_func ("/file/v2/sender-is-a-role", test_v2_sender_is_a_role);

  return g_test_run ();
}
