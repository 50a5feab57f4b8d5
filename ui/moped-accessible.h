/* moped-accessible.h: what assistive technology hears, where GTK 4.8 gets it wrong by itself.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* From now on every button with text is named once, by its text without the mnemonic
 * underline (GTK 4.8 reads "_Open Open": its label property, then its label child). */
void moped_accessible_install_button_names (void);
/* The same, now, for the buttons under @root. */
void moped_accessible_name_buttons         (GtkWidget *root);

G_END_DECLS
