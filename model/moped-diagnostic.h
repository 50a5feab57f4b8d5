/* moped-diagnostic.h: findings of validation, and the validator that makes them.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#pragma once

#include "moped-design.h"

G_BEGIN_DECLS

typedef enum
{
  MOPED_SEVERITY_ERROR,    /* the design cannot work as drawn; export refuses */
  MOPED_SEVERITY_WARNING,  /* likely a mistake, or not buildable here */
  MOPED_SEVERITY_INFO,
} MopedSeverity;

typedef struct
{
  MopedSeverity  severity;
  const char    *code;         /* stable, e.g. "incompatible-sockets" (static string) */
  char          *message;      /* in the user's words, naming the elements */
  char          *hint;         /* how to fix it */
  GStrv          element_ids;  /* the elements concerned; the first is the main one */
} MopedDiagnostic;

const char      *moped_severity_get_name  (MopedSeverity severity); /* "error" */

MopedDiagnostic *moped_diagnostic_new     (MopedSeverity  severity,
                                           const char    *code,
                                           const char    *const *element_ids,
                                           const char    *hint,
                                           const char    *message_format,
                                           ...) G_GNUC_PRINTF (5, 6);
void             moped_diagnostic_free    (MopedDiagnostic *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MopedDiagnostic, moped_diagnostic_free)

/* Validate the whole design: an array of MopedDiagnostic (owned; free func set), in a
 * stable order (by severity, then by the document order of the main element). */
GPtrArray       *moped_validate           (MopedDesign *design);
guint            moped_diagnostics_count  (GPtrArray   *diagnostics,
                                           MopedSeverity severity);

G_END_DECLS
