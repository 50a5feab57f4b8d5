/* moped-ui-private.h: what the ui layer's classes share: its compiled-in resources, toasts.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Register the GResource with the .ui files, CSS and icons (once; any thread). Classes
 * whose templates come from it call this before they set the template. */
void _moped_ensure_resources (void);

/* A short message that goes away by itself (saved, copied), shown as a toast over the
 * window around @widget (or @widget's own, for a window); nothing when there is none. */
void _moped_show_toast (GtkWidget  *widget,
                        const char *text);

G_END_DECLS
