/* moped-ui-private.h: what the ui layer's classes share: its compiled-in resources.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Register the GResource with the .ui files, CSS and icons (once; any thread). Classes
 * whose templates come from it call this before they set the template. */
void _moped_ensure_resources (void);

G_END_DECLS
