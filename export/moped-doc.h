/* moped-doc.h: the protocol document of a design in the ZeroMQ RFC style, as Markdown or HTML.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A MopedDoc is the outline of the document (headings, paragraphs, tables, code,
 * figures), built once from the design; the Markdown and HTML writers only lay it
 * out. The same design gives the same bytes: no dates, document order throughout.
 *
 * Layout (after 7/MDP): front matter, abstract, language (RFC 2119), goals,
 * architecture (topology diagram, table of nodes and sockets), then per protocol its
 * roles, commands with their frame tables and flows as dialogs with their sequence
 * diagrams, the ABNF grammar, technical requirements, security, known weaknesses,
 * notes, and the current diagnostics in an appendix.
 *
 * Notes feed three sections: a note whose text starts with "Security:" goes to
 * Security, one that starts with "Weakness:" to Known weaknesses (the prefix is
 * matched without regard to case and dropped), any other note to Notes. A section
 * with nothing to say is left out.
 */
#pragma once

#include <gio/gio.h>

#include "moped-design.h"

G_BEGIN_DECLS

#define MOPED_DOC_ERROR (moped_doc_error_quark ())

typedef enum
{
  MOPED_DOC_ERROR_FORMAT,  /* the output file's extension is not .md, .html or .abnf */
} MopedDocError;

typedef struct _MopedDoc MopedDoc;

GQuark      moped_doc_error_quark (void);

/* The document of @protocol, or of every protocol of @design when @protocol is NULL. */
MopedDoc   *moped_doc_new          (MopedDesign  *design,
                                    MopedElement *protocol);
void        moped_doc_free         (MopedDoc     *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MopedDoc, moped_doc_free)

const char *moped_doc_get_title    (MopedDoc     *self);
/* How many errors the document lists in its appendix (it is raw while there are any). */
guint       moped_doc_get_n_errors (MopedDoc     *self);

/* The Markdown text. Diagrams are linked as "<figure_base>-architecture.svg" and
 * "<figure_base>-flow-<flow>.svg", files that sit beside the Markdown. When @figures
 * is not NULL the diagrams are rendered and it receives a new array of
 * MopedDocFigureFile for the caller to write; when NULL nothing is rendered. */
typedef struct
{
  char   *file_name;  /* "hello-architecture.svg" */
  GBytes *svg;
} MopedDocFigureFile;

void        moped_doc_figure_file_free (MopedDocFigureFile *file);

char       *moped_doc_to_markdown  (MopedDoc     *self,
                                    const char   *figure_base,
                                    GPtrArray   **figures,
                                    GError      **error);
/* A self-contained HTML page: style inline, diagrams embedded as data: images. */
char       *moped_doc_to_html      (MopedDoc     *self,
                                    GError      **error);

/* Writes @path by its extension: .md (and its diagrams beside it as .svg files),
 * .html, or .abnf (the grammar alone). Each file is replaced atomically. */
gboolean    moped_doc_write        (MopedDoc     *self,
                                    const char   *path,
                                    GError      **error);
/* The grammar the document contains (see moped-abnf.h). */
const char *moped_doc_get_grammar  (MopedDoc     *self);

G_END_DECLS
