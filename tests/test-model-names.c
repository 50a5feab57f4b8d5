/* test-model-names.c: names to C identifiers, reserved words and unique names in a scope.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#include <string.h>

#include "moped-names.h"
#include "moped-text.h"

static void
assert_identifier (const char *name,
                   const char *expected)
{
  g_autofree char *id = moped_name_to_identifier (name);

  g_assert_cmpstr (id, ==, expected);
}

/* A valid lowercase C identifier of at most 48 bytes, not reserved. */
static void
assert_valid_identifier (const char *id)
{
  gsize len = strlen (id);

  g_assert_cmpuint (len, >, 0);
  g_assert_cmpuint (len, <=, 48);
  g_assert_true (g_ascii_islower (id[0]));
  for (gsize i = 0; i < len; i++)
    g_assert_true (g_ascii_islower (id[i]) || g_ascii_isdigit (id[i]) || id[i] == '_');
  g_assert_false (moped_name_is_reserved (id));
}

static void
test_header_examples (void)
{
  assert_identifier ("Hello World!", "hello_world");
  assert_identifier ("été", "ete");
  assert_identifier ("int", "int_");
  assert_identifier ("3d", "n3d");
  assert_identifier ("", "unnamed");
  assert_identifier (NULL, "unnamed");
}

static void
test_folding (void)
{
  assert_identifier ("  --Broker--  ", "broker");
  assert_identifier ("GetStatus", "getstatus");
  assert_identifier ("get-status", "get_status");
  assert_identifier ("get  status", "get_status");
  assert_identifier ("a__b", "a_b");
  assert_identifier ("_private", "private");
  assert_identifier ("Größe", "grosse");
  assert_identifier ("Ærø", "aeroe");
  assert_identifier ("日本", "unnamed");
  assert_identifier ("!!!", "unnamed");
  assert_identifier ("42", "n42");
  assert_identifier ("3 little pigs", "n3_little_pigs");
  assert_identifier ("HEARTBEAT", "heartbeat");
}

static void
test_reserved (void)
{
  static const char * const keywords[] = {
    "int", "return", "struct", "while", "static", "_Bool", "_Atomic", "_Generic",
    "_Noreturn", "_Static_assert", "_Thread_local", "bool", "true", "false", "NULL",
    "main", "exit", "free", "zmsg", "zsock", "zactor", "self", "pipe", "uint8_t",
    "size_t", "restrict", "inline",
  };

  for (guint i = 0; i < G_N_ELEMENTS (keywords); i++)
    g_assert_true (moped_name_is_reserved (keywords[i]));
  g_assert_false (moped_name_is_reserved ("broker"));
  g_assert_false (moped_name_is_reserved ("Int"));
  g_assert_false (moped_name_is_reserved ("mainly"));

  assert_identifier ("Main", "main_");
  assert_identifier ("FREE", "free_");
  assert_identifier ("zmsg", "zmsg_");
  assert_identifier ("Self", "self_");
  assert_identifier ("True", "true_");
  assert_identifier ("bool", "bool_");
  assert_identifier ("Pipe", "pipe_");
  assert_identifier ("my type t", "my_type_t_");
  assert_identifier ("_Bool", "bool_");
}

static void
test_length_cap (void)
{
  g_autofree char *id = NULL;

  /* Cut at the last word boundary that fits. */
  assert_identifier ("the quick brown fox jumps over the lazy dog and runs far away",
                     "the_quick_brown_fox_jumps_over_the_lazy_dog_and");
  /* No boundary late enough: a hard cut at 48 bytes. */
  id = moped_name_to_identifier ("abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz");
  g_assert_cmpstr (id, ==, "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuv");
  g_assert_cmpuint (strlen (id), ==, 48);
  g_clear_pointer (&id, g_free);
  /* A hard cut never leaves a trailing '_'. */
  id = moped_name_to_identifier ("a_bcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstu_vwxyz");
  assert_valid_identifier (id);
  g_assert_cmpuint (id[strlen (id) - 1], !=, '_');
  g_clear_pointer (&id, g_free);
  /* The "n" prefix counts towards the limit. */
  id = moped_name_to_identifier ("123456789012345678901234567890123456789012345678");
  g_assert_cmpuint (strlen (id), ==, 48);
  g_assert_cmpint (id[0], ==, 'n');
}

static void
test_always_valid (void)
{
  static const char * const names[] = {
    "", " ", "_", "9", "ünïcödé", "a-b-c", "while", "x_t", "😀 smile", "\t\n",
    "ZMQ_REQ", "Name With    Many   Spaces", "UPPER_lower_123",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *id = moped_name_to_identifier (names[i]);

      assert_valid_identifier (id);
    }
}

static void
test_collisions (void)
{
  /* Different names, one identifier: validation warns about exactly these. */
  static const char * const groups[][3] = {
    { "Get Status", "get-status", "GET_STATUS" },
    { "Broker", "broker", "BROKER!" },
    { "café", "cafe", "Café" },
  };

  for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
    {
      g_autofree char *first = moped_name_to_identifier (groups[g][0]);

      for (guint i = 1; i < 3; i++)
        {
          g_autofree char *other = moped_name_to_identifier (groups[g][i]);

          g_assert_cmpstr (first, ==, other);
        }
    }
}

static void
test_scope_unique (void)
{
  g_autoptr(MopedNameScope) scope = moped_name_scope_new ();

  g_assert_cmpstr (moped_name_scope_add (scope, "Foo"), ==, "foo");
  g_assert_cmpstr (moped_name_scope_add (scope, "foo"), ==, "foo_2");
  g_assert_cmpstr (moped_name_scope_add (scope, "FOO!"), ==, "foo_3");
  g_assert_cmpstr (moped_name_scope_add (scope, "bar"), ==, "bar");
  g_assert_cmpstr (moped_name_scope_add (scope, "int"), ==, "int_");
  g_assert_cmpstr (moped_name_scope_add (scope, "Int"), ==, "int_2");
  g_assert_cmpstr (moped_name_scope_add (scope, ""), ==, "unnamed");
  g_assert_cmpstr (moped_name_scope_add (scope, NULL), ==, "unnamed_2");
}

static void
test_scope_natural_suffix (void)
{
  g_autoptr(MopedNameScope) scope = moped_name_scope_new ();
  g_autoptr(MopedNameScope) other = moped_name_scope_new ();

  /* A name whose own identifier is "x_2" takes the slot the numbering would use. */
  g_assert_cmpstr (moped_name_scope_add (scope, "x"), ==, "x");
  g_assert_cmpstr (moped_name_scope_add (scope, "x 2"), ==, "x_2");
  g_assert_cmpstr (moped_name_scope_add (scope, "x"), ==, "x_3");
  g_assert_cmpstr (moped_name_scope_add (scope, "x_3"), ==, "x_3_2");
  g_assert_cmpstr (moped_name_scope_add (scope, "x"), ==, "x_4");

  /* The other order: numbering first, then the natural name. */
  g_assert_cmpstr (moped_name_scope_add (other, "x"), ==, "x");
  g_assert_cmpstr (moped_name_scope_add (other, "X"), ==, "x_2");
  g_assert_cmpstr (moped_name_scope_add (other, "x_2"), ==, "x_2_2");
}

static void
test_scope_long_names (void)
{
  g_autoptr(MopedNameScope) scope = moped_name_scope_new ();
  const char *name = "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz";
  const char *first = moped_name_scope_add (scope, name);
  const char *second = moped_name_scope_add (scope, name);

  g_assert_cmpuint (strlen (first), ==, 48);
  g_assert_cmpuint (strlen (second), ==, 48);
  g_assert_true (g_str_has_suffix (second, "_2"));
  g_assert_cmpstr (first, !=, second);
}

static void
test_scope_many (void)
{
  g_autoptr(MopedNameScope) scope = moped_name_scope_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < 5000; i++)
    {
      const char *id = moped_name_scope_add (scope, (i % 2) ? "Worker" : "worker");

      assert_valid_identifier (id);
      g_assert_false (g_hash_table_contains (seen, id));
      g_hash_table_add (seen, (gpointer) id);
    }
  g_assert_true (g_hash_table_contains (seen, "worker_5000"));
}

/* Exported files are named after identifiers: none may be a Windows device name. */
static void
test_windows_devices (void)
{
  static const char *const devices[] = {
    "con", "CON", "nul", "Nul.xml", "aux.c", "prn.h", "com1", "COM9.txt", "lpt1", "lpt9.c", "con .c",
  };
  static const char *const fine[] = {
    "console", "con_", "nulls.c", "com", "com0", "com10", "lpt", "auxiliary.h", "icon.c", "",
  };
  static const char *const names[] = { "con", "NUL", "Aux", "prn", "com1", "LPT9" };

  for (guint i = 0; i < G_N_ELEMENTS (devices); i++)
    g_assert_true (moped_name_is_windows_device (devices[i]));
  for (guint i = 0; i < G_N_ELEMENTS (fine); i++)
    g_assert_false (moped_name_is_windows_device (fine[i]));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *ident = moped_name_to_identifier (names[i]);
      g_autofree char *file = g_strconcat (ident, ".c", NULL);

      g_assert_false (moped_name_is_windows_device (file));
      g_assert_true (g_str_has_suffix (ident, "_"));
    }
}

static void
test_bound (void)
{
  g_autoptr(GString) long_a = g_string_new (NULL);
  g_autofree char *b1 = NULL;
  g_autofree char *b2 = NULL;
  g_autofree char *b3 = NULL;
  g_autofree char *short_name = moped_name_bound ("short-name", 64);
  g_autofree char *utf8 = NULL;

  g_assert_cmpstr (short_name, ==, "short-name");
  for (guint i = 0; i < 300; i++)
    g_string_append_c (long_a, 'a' + i % 26);
  b1 = moped_name_bound (long_a->str, 64);
  b2 = moped_name_bound (long_a->str, 64);
  g_string_append_c (long_a, 'z');
  b3 = moped_name_bound (long_a->str, 64);
  g_assert_cmpuint (strlen (b1), ==, 64);
  g_assert_cmpstr (b1, ==, b2);           /* stable */
  g_assert_cmpstr (b1, !=, b3);           /* distinct past the cut */
  g_assert_true (strncmp (b1, long_a->str, 55) == 0);
  g_assert_cmpint (b1[55], ==, '_');
  /* A cut never splits a UTF-8 character. */
  utf8 = moped_name_bound ("ééééééééééééééééééééééééééééééééééééééééééé", 20);
  g_assert_true (g_utf8_validate (utf8, -1, NULL));
  g_assert_cmpuint (strlen (utf8), <=, 20);
}

/* The text helpers that keep hostile names harmless. */
static void
test_text_safety (void)
{
  g_autofree char *escaped = moped_text_escape_invisible ("a\nb\tc\x1b[2J\xe2\x80\xae" "d\xc2\x9b" "e é");
  g_autofree char *stripped = moped_text_strip_invisible ("a\nb\tc\x1b\xe2\x80\xae" "d\xe2\x80\x8b" "e é", TRUE);
  g_autofree char *one_line = moped_text_strip_invisible ("a\nb\xe2\x80\xa8" "c", FALSE);
  g_autofree char *described = moped_text_describe_char (0x202e);

  g_assert_cmpstr (escaped, ==, "a\\nb\\tc\\x1B[2J\\u{202E}d\\x9Be é");
  g_assert_cmpstr (stripped, ==, "a\nb\tcde é");
  g_assert_cmpstr (one_line, ==, "abc");
  g_assert_cmpstr (described, ==, "U+202E RIGHT-TO-LEFT OVERRIDE");
  g_assert_null (moped_text_find_invisible ("plain ASCII, été, 天気 – “quotes” 😀"));
  g_assert_nonnull (moped_text_find_invisible ("zero\xe2\x80\x8bwidth"));
  g_assert_nonnull (moped_text_find_invisible ("bom\xef\xbb\xbf"));
  g_assert_nonnull (moped_text_find_invisible ("isolate\xe2\x81\xa6"));
  g_assert_null (moped_text_find_non_xml ("tab\tnl\ncr\r del\x7f c1\xc2\x85"));
  g_assert_nonnull (moped_text_find_non_xml ("bell\a"));
  g_assert_nonnull (moped_text_find_non_xml ("nonchar\xef\xbf\xbf"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/names/header-examples", test_header_examples);
  g_test_add_func ("/names/folding", test_folding);
  g_test_add_func ("/names/reserved", test_reserved);
  g_test_add_func ("/names/length-cap", test_length_cap);
  g_test_add_func ("/names/always-valid", test_always_valid);
  g_test_add_func ("/names/collisions", test_collisions);
  g_test_add_func ("/names/scope-unique", test_scope_unique);
  g_test_add_func ("/names/scope-natural-suffix", test_scope_natural_suffix);
  g_test_add_func ("/names/scope-long-names", test_scope_long_names);
  g_test_add_func ("/names/scope-many", test_scope_many);
  g_test_add_func ("/names/windows-devices", test_windows_devices);
  g_test_add_func ("/names/bound", test_bound);
  g_test_add_func ("/names/text-safety", test_text_safety);
  return g_test_run ();
}
