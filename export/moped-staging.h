/* moped-staging.h: writing a set of output files all or nothing.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Every exporter that writes more than one file (the C skeleton, a document with its
 * figures, all diagrams, zproto models) writes them through a staging folder: the files
 * go into a hidden folder inside the target directory, and only when every one of them
 * was written completely are they moved into place, one rename each. If a move fails,
 * the ones already moved are put back. A failed export leaves the target exactly as it
 * was: no half-written file, no empty file, no file of the new export beside old ones.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _MopedStaging MopedStaging;

/* Stages files for @directory, created (with its parents) if missing; removed again
 * if the export fails and it is still empty. Also removes staging folders that a
 * killed export left in @directory. NULL with @error when the folder cannot be made. */
MopedStaging *moped_staging_new     (const char    *directory,
                                     GError       **error);
/* Writes @path (relative to the directory, '/'-separated, no "..") into the staging
 * folder, completely (all staged files reach the disk before the commit moves them).
 * A file that exists at @path keeps its permission bits when the new one replaces it. */
gboolean      moped_staging_write   (MopedStaging  *self,
                                     const char    *path,
                                     const char    *data,
                                     gsize          length,
                                     GError       **error);
/* Removes @path from the directory when the staged files are committed. */
void          moped_staging_remove  (MopedStaging  *self,
                                     const char    *path);
/* Moves every staged file into place, in the order written, and carries out the
 * removals; on failure puts back what it had changed and says why. */
gboolean      moped_staging_commit  (MopedStaging  *self,
                                     GError       **error);
/* Throws away whatever was not committed. */
void          moped_staging_free    (MopedStaging  *self);

/* One output file (a diagram, a single document) written the same way: staged in a
 * hidden folder beside @path and renamed over it only when complete. A failure leaves
 * the file that was there untouched and never an empty or partial file; a folder left
 * by a killed write is removed by the next write into that folder. */
gboolean      moped_staging_write_file (const char  *path,
                                        const char  *data,
                                        gsize        length,
                                        GError     **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MopedStaging, moped_staging_free)

G_END_DECLS
