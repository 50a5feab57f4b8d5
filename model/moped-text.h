/* moped-text.h: user text that cannot break anything: XML-legal, visible, one line when printed.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Names and descriptions are typed by people and pasted from anywhere. These functions
 * say which characters XML cannot carry, which are invisible (controls, bidirectional
 * overrides, zero-width and other format characters: a Trojan Source risk in generated
 * code), and give text safe to print on a terminal or to put into a comment.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Whether XML 1.0 allows @c at all (tab, newline and carriage return are the only
 * controls it allows; U+FFFE and U+FFFF are excluded too). */
gboolean    moped_text_is_xml_char        (gunichar    c);
/* The first character of @text that XML does not allow, or NULL. */
const char *moped_text_find_non_xml       (const char *text);
/* Whether @c is invisible when shown: a control (C0, DEL, C1), a format character
 * (bidirectional controls U+202A..U+202E and U+2066..U+2069, marks, zero-width
 * characters, U+FEFF...) or a line or paragraph separator. */
gboolean    moped_text_is_invisible       (gunichar    c);
/* The first invisible character of @text, or NULL. */
const char *moped_text_find_invisible     (const char *text);
/* "U+202E RIGHT-TO-LEFT OVERRIDE", or "U+0007" for a character without a known name. */
char       *moped_text_describe_char      (gunichar    c);
/* @text without invisible characters, except the ASCII line and layout controls (tab,
 * newline, carriage return, vertical tab, form feed) when @keep_lines: what generated
 * code, comments and diagrams may carry. Never NULL for a non-NULL @text. */
char       *moped_text_strip_invisible    (const char *text,
                                           gboolean    keep_lines);
/* @text with every invisible character written as an escape (\n, \t, \r, \xHH, \u{HHHH}),
 * so it prints as one line and no terminal control sequence reaches the terminal. */
char       *moped_text_escape_invisible   (const char *text);

G_END_DECLS
