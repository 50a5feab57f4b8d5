/* moped-code-writer.h: writing indented source text, with names and prose made safe for C.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Whatever a person typed (names, descriptions) reaches generated code only through
 * these functions: as a C string literal, or as comment lines that cannot end the
 * comment, splice the next line or form a trigraph.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _MopedCodeWriter MopedCodeWriter;

/* @indent_width spaces per level; @comment_prefix starts comment lines ("//  ", "# "). */
MopedCodeWriter *moped_code_writer_new      (guint            indent_width,
                                             const char      *comment_prefix);
void             moped_code_writer_free     (MopedCodeWriter *self);
/* The text written so far; the writer is freed. */
char            *moped_code_writer_finish   (MopedCodeWriter *self);

void             moped_code_writer_indent   (MopedCodeWriter *self);
void             moped_code_writer_dedent   (MopedCodeWriter *self);
/* One line at the current indentation. */
void             moped_code_writer_line     (MopedCodeWriter *self,
                                             const char      *format,
                                             ...) G_GNUC_PRINTF (2, 3);
void             moped_code_writer_blank    (MopedCodeWriter *self);
/* Several lines of fixed text (each indented), as in a template. */
void             moped_code_writer_lines    (MopedCodeWriter *self,
                                             const char      *text);
/* Prose as comment lines, wrapped to fit 80 columns; safe for any text. */
void             moped_code_writer_comment  (MopedCodeWriter *self,
                                             const char      *text);
/* "label: text" as a comment, the label only when @text is empty or blank. */
void             moped_code_writer_comment_labelled (MopedCodeWriter *self,
                                                     const char      *label,
                                                     const char      *text);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MopedCodeWriter, moped_code_writer_free)

/* A C string literal, quotes included, for any text: non-ASCII bytes and control
 * characters become octal escapes, "??" cannot form a trigraph. */
char            *moped_c_string_literal     (const char *text);
/* @text as one line safe inside a // comment (no line break, no splice, no trigraph). */
char            *moped_c_comment_text       (const char *text);
/* @text as one line of Markdown prose, its markup characters escaped. */
char            *moped_markdown_text        (const char *text);

G_END_DECLS
