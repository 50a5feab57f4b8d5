/* moped-file-private.h: internals of safe file replacement, shared with the tests.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The file a path finally names after following symbolic links (which may not exist
 * yet: a dangling link's target is created). NULL with *errnum set on a link loop. */
char *_moped_file_resolve_links      (const char  *path,
                                      int         *errnum);
/* ".NAME.moped-save-": what every temporary file for NAME starts with. */
char *_moped_file_temporary_prefix   (const char  *path);
/* Creates ".NAME.moped-save-PID-XXXXXX" beside @real_path; -1 and errno on failure. */
int   _moped_file_create_temporary   (const char  *real_path,
                                      int          mode,
                                      char       **temporary_path);

G_END_DECLS
