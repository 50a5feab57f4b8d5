/* moped-diagnostic.c: the findings validation reports (see DIAGNOSTICS.md for the catalogue).
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-model"

#include "moped-diagnostic.h"

const char *
moped_severity_get_name (MopedSeverity severity)
{
  switch (severity)
    {
    case MOPED_SEVERITY_ERROR:
      return "error";
    case MOPED_SEVERITY_WARNING:
      return "warning";
    case MOPED_SEVERITY_INFO:
      return "info";
    default:
      g_return_val_if_reached ("?");
    }
}

MopedDiagnostic *
moped_diagnostic_new (MopedSeverity       severity,
                      const char         *code,
                      const char * const *element_ids,
                      const char         *hint,
                      const char         *message_format,
                      ...)
{
  MopedDiagnostic *self;
  va_list args;

  g_return_val_if_fail (code != NULL, NULL);
  g_return_val_if_fail (message_format != NULL, NULL);

  self = g_new0 (MopedDiagnostic, 1);
  self->severity = severity;
  self->code = code;
  va_start (args, message_format);
  self->message = g_strdup_vprintf (message_format, args);
  va_end (args);
  self->hint = g_strdup (hint);
  if (element_ids != NULL)
    self->element_ids = g_strdupv ((char **) element_ids);
  else
    self->element_ids = g_new0 (char *, 1);
  return self;
}

void
moped_diagnostic_free (MopedDiagnostic *self)
{
  if (self == NULL)
    return;
  g_free (self->message);
  g_free (self->hint);
  g_strfreev (self->element_ids);
  g_free (self);
}

guint
moped_diagnostics_count (GPtrArray     *diagnostics,
                         MopedSeverity  severity)
{
  guint n = 0;

  g_return_val_if_fail (diagnostics != NULL, 0);

  for (guint i = 0; i < diagnostics->len; i++)
    {
      const MopedDiagnostic *d = g_ptr_array_index (diagnostics, i);

      if (d->severity == severity)
        n++;
    }
  return n;
}
