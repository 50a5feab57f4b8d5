/* fuzz-load.c: libFuzzer target: any bytes either load, and then survive a save-load-save round trip, or fail cleanly.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Built by run-fuzzer.sh with clang's libFuzzer, and replayed over the corpus by
 * tests/test-fuzz-replay.c in every ordinary test run.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "moped-file.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
check_error (const GError *error,
             const char   *name)
{
  g_autofree char *prefix = g_strconcat (name, ":", NULL);

  /* A failed load always explains itself, in our domain, at a position. */
  if (error == NULL || error->domain != MOPED_FILE_ERROR || error->message == NULL ||
      !g_str_has_prefix (error->message, prefix) ||
      !g_utf8_validate (error->message, -1, NULL))
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedDesign) design = NULL;
  g_autoptr(MopedDesign) again = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  gsize first_length = 0, second_length = 0;

  if (size > G_MAXSSIZE)
    return 0;
  design = moped_file_load_data ((const char *) data, (gssize) size, "fuzz", &error);
  if (design == NULL)
    {
      check_error (error, "fuzz");
      return 0;
    }
  if (error != NULL || moped_design_get_modified (design) || moped_design_can_undo (design))
    abort ();

  /* Whatever loads must write out as text that loads again to the same text. */
  first = moped_file_to_data (design, &first_length);
  again = moped_file_load_data (first, (gssize) first_length, "fuzz-again", &error);
  if (again == NULL)
    abort ();
  second = moped_file_to_data (again, &second_length);
  if (first_length != second_length || memcmp (first, second, first_length) != 0)
    abort ();
  if (moped_design_get_n_elements (design) != moped_design_get_n_elements (again))
    abort ();
  return 0;
}
