/* moped-schema.h: which properties each kind of element has, their types, defaults and names.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * One table drives the file format (element and attribute names, order, defaults),
 * the generic edit API, the inspector and the RELAX NG schema's test.
 */
#pragma once

#include "moped-element.h"

G_BEGIN_DECLS

typedef enum
{
  MOPED_PROP_FLAG_REQUIRED = 1 << 0, /* always written, must be present in a file; an empty
                                      * name is a design error (validation), not a file error */
  MOPED_PROP_FLAG_GEOMETRY = 1 << 1, /* position or size on the canvas */
  MOPED_PROP_FLAG_OWNING   = 1 << 2, /* REF: when the target goes, this element goes too */
  MOPED_PROP_FLAG_POSITIVE = 1 << 3, /* INT: counts something, so 1 or more */
  MOPED_PROP_FLAG_FORMAT_2 = 1 << 4, /* new in format 2: a format-1 file may not have it */
} MopedPropFlags;

typedef struct
{
  MopedProp           prop;
  MopedValueType      type;
  MopedPropFlags      flags;
  const char         *default_text;   /* in file-format text; NULL means "" */
  const char * const *enum_names;     /* ENUM: names indexed by value, NULL-terminated */
  guint               ref_kinds;      /* REF: bit (1 << MopedKind) per allowed target kind */
  const char         *label;          /* for the UI: "Endpoint" */
} MopedPropSpec;

typedef struct
{
  MopedKind            kind;
  const char          *element_name;  /* "node": the XML element */
  const char          *label;         /* "Node": for the UI */
  const char          *id_prefix;     /* "node": ids are "node-1", "node-2"... */
  guint                parent_kinds;  /* bit per kind that may contain it */
  const MopedPropSpec *props;         /* in file attribute order */
  guint                n_props;
} MopedKindSpec;

const MopedKindSpec *moped_schema_get_kind       (MopedKind          kind);
gboolean             moped_schema_kind_from_element_name (const char *element_name,
                                                          MopedKind  *kind);
/* The spec of @prop for @kind, or NULL when that kind has no such property. */
const MopedPropSpec *moped_schema_get_prop       (MopedKind          kind,
                                                  MopedProp          prop);
/* The slot of @prop in the kind's table, or -1. */
int                  moped_schema_get_prop_index (MopedKind          kind,
                                                  MopedProp          prop);
const char          *moped_schema_get_prop_name  (MopedProp          prop); /* "endpoint" */
gboolean             moped_schema_prop_from_name (const char        *name,
                                                  MopedProp         *prop);
gboolean             moped_schema_parent_allows  (MopedKind          parent,
                                                  MopedKind          child);
/* Parse an enum name for @spec; FALSE if unknown. */
gboolean             moped_schema_enum_from_name (const MopedPropSpec *spec,
                                                  const char          *name,
                                                  int                 *value);

const char          *moped_field_type_get_name   (MopedFieldType     type);
const char          *moped_api_type_get_name     (MopedApiType       type);
const char          *moped_metric_get_name       (MopedMetric        metric);

G_END_DECLS
