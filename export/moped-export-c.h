/* moped-export-c.h: exporting a design as a C skeleton on czmq (plan first, then write).
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The output is a deterministic function of the design: the same design gives the
 * same bytes. Every file is either generated (a banner says do not edit; rewritten on
 * every export) or the user's (written once; later exports only append the handler
 * stubs of new commands). A manifest in the directory records what was generated, so
 * that hand edits are recognised and never silently lost. The plan object and its
 * rules are moped-export-plan.h's, shared with every folder exporter.
 */
#pragma once

#include "moped-export-plan.h"

G_BEGIN_DECLS

/* What exporting @design to @directory would do, without writing anything. Never
 * NULL; when it cannot be done, moped_export_plan_get_errors says why (errors in the
 * design, draft socket types, files that would be lost). */
MopedExportPlan       *moped_export_c_plan            (MopedDesign      *design,
                                                       const char       *directory,
                                                       MopedExportFlags  flags);
/* Plan and run in one go; returns the plan carried out, or NULL with @error. */
MopedExportPlan       *moped_export_c                 (MopedDesign      *design,
                                                       const char       *directory,
                                                       MopedExportFlags  flags,
                                                       GError          **error);

G_END_DECLS
