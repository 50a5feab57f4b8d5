/* moped-clipboard.h: copying part of a design as a .moped fragment, and pasting one into a design.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A fragment is a complete .moped document holding the copied nodes (with their
 * sockets and methods), notes, the links between copied sockets and the protocols
 * those links carry. It travels through the system clipboard under its own mime type
 * and as plain text, so it pastes between windows and into a text editor.
 */
#pragma once

#include <gtk/gtk.h>

#include "moped-design.h"

G_BEGIN_DECLS

#define MOPED_CLIPBOARD_MIME_TYPE "application/x-moped-fragment"

/* The fragment for @elements (nodes, notes and links; other kinds are ignored), or
 * NULL when none of them can be copied. */
char      *moped_clipboard_serialize  (MopedDesign   *design,
                                       GPtrArray     *elements,
                                       gsize         *length);
/* The area the fragment's nodes and notes cover; FALSE when it is not a fragment or
 * has none. */
gboolean   moped_clipboard_get_bounds (const char    *data,
                                       gsize          length,
                                       double        *x,
                                       double        *y,
                                       double        *width,
                                       double        *height);
/* Add the fragment to @design as one undo step, moved by (@dx, @dy). Ids are kept
 * where free; a protocol that @design already has (same id and name) is reused.
 * Returns the new nodes, notes and links (borrowed elements), or NULL with @error. */
GPtrArray *moped_clipboard_insert     (MopedDesign   *design,
                                       const char    *data,
                                       gsize          length,
                                       double         dx,
                                       double         dy,
                                       GError       **error);

/* The system clipboard */
gboolean   moped_clipboard_copy        (GdkClipboard        *clipboard,
                                        MopedDesign         *design,
                                        GPtrArray           *elements);
void       moped_clipboard_read_async  (GdkClipboard        *clipboard,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
GBytes    *moped_clipboard_read_finish (GdkClipboard        *clipboard,
                                        GAsyncResult        *result,
                                        GError             **error);

G_END_DECLS
