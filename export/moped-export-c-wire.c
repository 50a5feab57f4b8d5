/* moped-export-c-wire.c: the generated wire module (envelopes, field encodings, samples).
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The same for every design (data/templates/c/wire.{h,c}): every codec and node of an
 * export uses it. Its sample string must stay MOPED_C_SAMPLE_STRING, which the
 * self-test generator relies on to predict which subscribers receive a published
 * sample.
 */
#define G_LOG_DOMAIN "moped-export"

#include "moped-export-c-private.h"
#include "moped-template.h"

void
_moped_c_generate_wire (MopedCModel *model,
                        GPtrArray   *outputs)
{
  MopedCodeWriter *w;
  char *text;

  w = _moped_c_writer_begin (model, "wire.h",
                             "how messages travel: envelopes per socket type, one frame per field.",
                             FALSE);
  text = moped_template_render ("c/wire.h", NULL);
  moped_code_writer_lines (w, text);
  g_free (text);
  _moped_c_output_add (outputs, "include/wire.h", moped_code_writer_finish (w));

  w = _moped_c_writer_begin (model, "wire.c",
                             "how messages travel: envelopes per socket type, one frame per field.",
                             FALSE);
  text = moped_template_render ("c/wire.c", NULL);
  moped_code_writer_lines (w, text);
  g_free (text);
  _moped_c_output_add (outputs, "src/wire.c", moped_code_writer_finish (w));
}
