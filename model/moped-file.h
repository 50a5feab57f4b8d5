/* moped-file.h: reading and writing .moped files (versioned XML, read with GMarkup).
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#pragma once

#include <gio/gio.h>

#include "moped-design.h"

G_BEGIN_DECLS

/* The format version this build writes, and the newest it reads. */
#define MOPED_FILE_FORMAT_VERSION 2

/* The longest name (in characters) a file may give an element; validation reports
 * longer ones made in the editor (name-too-long). */
#define MOPED_NAME_MAX_CHARS 1024

#define MOPED_FILE_ERROR (moped_file_error_quark ())

typedef enum
{
  MOPED_FILE_ERROR_SYNTAX,        /* not well-formed XML, not text */
  MOPED_FILE_ERROR_INVALID,       /* unknown element or attribute, bad value, bad ref */
  MOPED_FILE_ERROR_VERSION,       /* written by a newer Moped */
  MOPED_FILE_ERROR_TOO_LARGE,
  MOPED_FILE_ERROR_IO,
} MopedFileError;

GQuark        moped_file_error_quark   (void);

/* Errors read "NAME:LINE:COLUMN: message" with NAME the file name given. */
MopedDesign  *moped_file_load          (const char   *path,
                                        GError      **error);
MopedDesign  *moped_file_load_data     (const char   *data,
                                        gssize        length,
                                        const char   *name,
                                        GError      **error);
/* The canonical text of a design: loading it and writing again gives the same bytes. */
char         *moped_file_to_data       (MopedDesign  *design,
                                        gsize        *length);
/* Atomic: written to a temporary file beside @path, then renamed over it. On failure
 * the previous file is untouched and @error says why. Marks the design unmodified.
 * Saved as moped_file_replace_contents() does: through links, mode and owner kept. */
gboolean      moped_file_save          (MopedDesign  *design,
                                        const char   *path,
                                        GError      **error);

/* Replaces the file @path names with @data, atomically (hidden temporary file, flushed,
 * renamed). A symbolic link is followed and its target replaced; the permission bits,
 * and the owner and group where allowed, of the file replaced are kept. Other hard
 * links to it keep the old contents. Removes temporary files a killed save left. */
gboolean      moped_file_replace_contents (const char  *path,
                                           const char  *data,
                                           gsize        length,
                                           GError     **error);
/* Removes the temporary files of saves of @path that a process which no longer runs
 * left behind (a crash, kill -9). Called by every save and by moped_file_load(). */
guint         moped_file_remove_stale_temporaries (const char *path);

G_END_DECLS
