/* moped-help.h: the user guide shipped with Moped (F1), shown in a window of its own.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A window showing the guide, transient for @parent (may be NULL). */
GtkWidget *moped_help_window_new  (GtkWindow     *parent);
/* The guide's lines set into @buffer: "# " a title, "## " a heading, "- " a bullet, other
 * lines paragraphs (lines that follow one another join), `code` in a fixed font. */
void       moped_help_set_text    (GtkTextBuffer *buffer,
                                   const char    *markdown);

G_END_DECLS
