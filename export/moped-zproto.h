/* moped-zproto.h: a design's protocols as zproto codec models (<class>, <message>, <field>).
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * zproto (github.com/zeromq/zproto) generates codecs from such models with GSL, so a
 * team that uses it can take a Moped design further there. One model per protocol;
 * the element and attribute names follow zproto's own zproto_example.xml.
 *
 * Field types map as: string -> string, longstr -> longstr, number -> number of
 * size 8, strings -> strings, bytes -> chunk, frame -> frame (moped_field_zproto_type).
 * A packed protocol keeps its signature and command numbers, so that the codec and
 * Moped's nodes read the same frames; a protocol on PUB/SUB links gets pubsub = "1";
 * package_dir is "." so that gsl works in a folder holding only the model. What a
 * codec model has no place for (who sends a command, the roles' order, the flows, the
 * topology, header frames, multipart framing) is said in an XML comment (and who
 * sends each message in its text); names zproto could not take as they are (C
 * keywords, names its generated code already uses such as id and routing_id, names
 * that are not identifiers), and fields whose name means two types in one protocol
 * (zproto wants one type per name), are renamed and reported as warnings.
 *
 * Each model's comment carries the SHA-256 of the model, so that a later export can
 * tell a model nobody touched from one edited by hand, which it must not lose.
 */
#pragma once

#include "moped-export-plan.h"

G_BEGIN_DECLS

typedef struct
{
  MopedElement *protocol;
  char         *file_name;   /* "hello.xml": the class name and .xml */
  char         *xml;
  GPtrArray    *warnings;    /* char *: what could not be mapped as it is */
} MopedZprotoModel;

void              moped_zproto_model_free    (MopedZprotoModel *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MopedZprotoModel, moped_zproto_model_free)

/* One model per protocol of @design, in document order (an array of MopedZprotoModel).
 * Class names are unique; signatures are the protocols' places, modulo 16. */
GPtrArray        *moped_zproto_export        (MopedDesign    *design);

typedef enum
{
  MOPED_ZPROTO_FILE_FOREIGN,   /* not a model Moped wrote */
  MOPED_ZPROTO_FILE_EDITED,    /* written by Moped, changed since */
  MOPED_ZPROTO_FILE_PRISTINE,  /* exactly as Moped wrote it */
} MopedZprotoFileState;

/* What the text of an existing file is, before a new export replaces it. */
MopedZprotoFileState moped_zproto_file_state (const char *contents);

/* The plan of writing @design's models into @directory (moped_export_plan_new's
 * "zproto" target): refused for a design with errors or without protocols, and for a
 * model edited by hand or a file Moped did not write unless MOPED_EXPORT_FORCE. */
MopedExportPlan     *moped_zproto_export_plan (MopedDesign      *design,
                                              const char       *directory,
                                              MopedExportFlags  flags);


G_END_DECLS
