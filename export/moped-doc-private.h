/* moped-doc-private.h: the outline of a protocol document, shared by its builder and its writers.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Text in the outline is clean UTF-8 without control characters; line breaks the
 * user typed are MOPED_DOC_SPAN_BREAK spans. Writers escape everything for their
 * format; nothing in the outline is markup.
 */
#pragma once

#include "moped-doc.h"

G_BEGIN_DECLS

typedef enum
{
  MOPED_DOC_SPAN_TEXT,
  MOPED_DOC_SPAN_CODE,    /* literal: endpoints, frame contents */
  MOPED_DOC_SPAN_STRONG,
  MOPED_DOC_SPAN_BREAK,   /* a line break inside a paragraph */
} MopedDocSpanStyle;

typedef struct
{
  MopedDocSpanStyle  style;
  char              *text;
} MopedDocSpan;

typedef enum
{
  MOPED_DOC_HEADING,
  MOPED_DOC_PARAGRAPH,
  MOPED_DOC_LIST,
  MOPED_DOC_TABLE,
  MOPED_DOC_CODE,
  MOPED_DOC_FIGURE,
} MopedDocBlockType;

/* "Inline text" below is a GPtrArray of MopedDocSpan. */
typedef struct
{
  MopedDocBlockType  type;
  guint              level;        /* heading: 1 is the title */
  char              *anchor;       /* heading: unique in the document */
  GPtrArray         *text;         /* heading, paragraph: inline text */
  GPtrArray         *items;        /* list: inline texts; table: rows, each an array of
                                    * inline texts, the first row the header */
  char              *language;     /* code: "abnf", "text" */
  char              *code;         /* code: the literal text, lines end with \n */
  MopedElement      *flow;         /* figure: the flow, or NULL for the architecture */
  char              *figure_name;  /* figure: "architecture", "flow-round-trip" */
  char              *caption;      /* figure: "Figure 1: ..." */
  char              *dot;          /* figure: graphviz source to draw instead (a state
                                    * machine), or NULL */
} MopedDocBlock;

struct _MopedDoc
{
  MopedDesign   *design;
  MopedElement  *protocol;     /* NULL: the whole design */
  char          *title;
  char          *grammar;
  GPtrArray     *blocks;       /* MopedDocBlock */
  GHashTable    *anchors;      /* taken anchors */
  GHashTable    *figure_names; /* taken figure names */
  guint          n_figures;

  /* What the document covers, in document order, and quick membership. */
  GPtrArray     *protocols;
  GPtrArray     *nodes;
  GPtrArray     *links;
  GHashTable    *in_scope;     /* element -> element */
  GHashTable    *tags;         /* node -> "C": its letter in dialogs */
  GPtrArray     *diagnostics;  /* MopedDiagnostic of the whole design */
};

/* Building blocks */
MopedDocBlock *_moped_doc_add_heading   (MopedDoc      *self,
                                         guint          level,
                                         const char    *text);
MopedDocBlock *_moped_doc_add_paragraph (MopedDoc      *self,
                                         const char    *text);
MopedDocBlock *_moped_doc_add_list      (MopedDoc      *self);
GPtrArray     *_moped_doc_list_add_item (MopedDocBlock *list,
                                         const char    *text);
MopedDocBlock *_moped_doc_add_table     (MopedDoc      *self,
                                         const char    *const *header);
GPtrArray     *_moped_doc_table_add_row (MopedDocBlock *table);
GPtrArray     *_moped_doc_row_add_cell  (GPtrArray     *row,
                                         const char    *text);
MopedDocBlock *_moped_doc_add_code      (MopedDoc      *self,
                                         const char    *language,
                                         const char    *code);
MopedDocBlock *_moped_doc_add_figure    (MopedDoc      *self,
                                         MopedElement  *flow,
                                         const char    *what);

/* A figure drawn from graphviz source (@name makes its file name unique). */
MopedDocBlock *_moped_doc_add_dot_figure (MopedDoc     *self,
                                          const char   *name,
                                          const char   *dot,
                                          const char   *what);
/* A figure as SVG: the architecture, a flow's sequence diagram, or its graphviz source. */
GBytes        *_moped_doc_render_figure (MopedDoc      *self,
                                         MopedDocBlock *block,
                                         GError       **error);

void           _moped_doc_block_free    (MopedDocBlock *block);

/* Appends @text to inline text @spans in @style; line breaks become BREAK spans. */
void           _moped_doc_append        (GPtrArray     *spans,
                                         MopedDocSpanStyle style,
                                         const char    *text);
void           _moped_doc_appendf       (GPtrArray     *spans,
                                         MopedDocSpanStyle style,
                                         const char    *format,
                                         ...) G_GNUC_PRINTF (3, 4);

/* Queries shared by the sections */
gboolean       _moped_doc_covers        (MopedDoc      *self,
                                         MopedElement  *element);
const char    *_moped_doc_tag           (MopedDoc      *self,
                                         MopedElement  *node);
/* "Client", or "(unnamed)" for an element without a name. */
const char    *_moped_doc_name          (MopedElement  *element);
/* The links that carry @protocol (any link when @protocol is NULL), in order. */
GPtrArray     *_moped_doc_protocol_links (MopedDoc     *self,
                                          MopedElement *protocol);
/* The nodes that take part in @protocol, in document order. */
GPtrArray     *_moped_doc_protocol_nodes (MopedDoc     *self,
                                          MopedElement *protocol);
/* The socket at the other end of @link from @socket. */
MopedElement  *_moped_doc_link_peer     (MopedElement  *link,
                                         MopedElement  *socket);
/* "tcp://localhost:5555" for a connecting socket, the bound form for a binding one. */
char          *_moped_doc_socket_endpoint (MopedElement *socket,
                                           MopedElement *link);

/* The sections of one protocol (moped-doc-protocol.c), headings from @level. */
void           _moped_doc_build_protocol (MopedDoc     *self,
                                          MopedElement *protocol,
                                          guint         level);
/* The field types and their encodings, as a table (moped-doc-protocol.c). */
void           _moped_doc_build_encoding (MopedDoc     *self);

G_END_DECLS
