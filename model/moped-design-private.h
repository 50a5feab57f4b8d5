/* moped-design-private.h: building a design without history, for the file loader.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#pragma once

#include "moped-design.h"
#include "moped-schema.h"

G_BEGIN_DECLS

/* Ids are XML NCNames (the schema checks them as xsd:ID). */
gboolean      _moped_design_id_is_valid    (const char   *id);

/* Add an element with default property values; no history, no signal. NULL if the id
 * is taken or the kind may not live under @parent. */
MopedElement *_moped_design_insert_raw     (MopedDesign  *self,
                                            MopedElement *parent,
                                            MopedKind     kind,
                                            const char   *id);
/* Set a property from file text without history; refs are stored as ids unchecked
 * (the loader checks them once everything is read). FALSE with @problem on bad text. */
gboolean      _moped_element_set_text_raw  (MopedElement *self,
                                            MopedProp     prop,
                                            const char   *text,
                                            char        **problem);
void          _moped_element_set_line      (MopedElement *self,
                                            guint         line);
/* Whether a property still has its default value (the writer omits those). */
gboolean      _moped_element_is_default    (const MopedElement *self,
                                            MopedProp           prop);

G_END_DECLS
