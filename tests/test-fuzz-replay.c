/* test-fuzz-replay.c: replays every input of the fuzzing corpus through the fuzz target, one test each.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The target aborts on any broken promise (a crash, a load without error, a round
 * trip that changes the text); sanitizer builds also catch leaks and overflows.
 * Seeds named ok-* must load and bad-* must not, so the corpus stays what it says.
 */
#include <stdint.h>
#include <string.h>

#include "moped-file.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
test_replay (gconstpointer user_data)
{
  const char *path = user_data;
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedDesign) design = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpint (LLVMFuzzerTestOneInput ((const uint8_t *) contents, length), ==, 0);

  design = moped_file_load_data (contents, (gssize) length, base, &error);
  if (g_str_has_prefix (base, "ok-"))
    {
      g_assert_no_error (error);
      g_assert_nonnull (design);
    }
  else if (g_str_has_prefix (base, "bad-"))
    {
      g_assert_null (design);
      g_assert_nonnull (error);
      g_test_message ("%s", error->message);
    }
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

int
main (int   argc,
      char *argv[])
{
  const char *source_dir = g_getenv ("MOPED_SOURCE_DIR");
  g_autofree char *corpus = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;
  int status;

  g_test_init (&argc, &argv, NULL);

  if (source_dir == NULL)
    g_error ("MOPED_SOURCE_DIR is not set: run this test through meson");
  corpus = g_build_filename (source_dir, "tests", "fuzz", "corpus", NULL);
  dir = g_dir_open (corpus, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (paths, g_build_filename (corpus, name, NULL));
  g_ptr_array_sort (paths, compare_strings);
  g_assert_cmpuint (paths->len, >=, 12);

  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      g_autofree char *base = g_path_get_basename (path);
      g_autofree char *test_name = g_strdup_printf ("/fuzz/replay/%s", base);

      g_test_add_data_func (test_name, path, test_replay);
    }

  status = g_test_run ();
  return status;
}
