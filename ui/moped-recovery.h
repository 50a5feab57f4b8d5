/* moped-recovery.h: copies of unsaved work, written while editing and offered again after a crash.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A recovery object watches one design. A while after a change, when the work is
 * unsaved, it writes the design's text to a file under
 * $XDG_STATE_HOME/moped/recovery/ with a small key file beside it saying where the
 * design came from and which process owns it. Saving, discarding or closing cleanly
 * removes both files, so whatever is left there belongs to a session that ended
 * without that: the next start offers it back.
 */
#pragma once

#include <gio/gio.h>

#include "moped-design.h"

G_BEGIN_DECLS

/* What a session that ended left behind. */
typedef struct
{
  char      *id;
  char      *path;      /* the copy of the design */
  char      *original;  /* URI of the file the design was last opened from or saved to, or NULL */
  char      *name;      /* the design's name when it was copied */
  GDateTime *saved;     /* when it was copied */
} MopedRecoveryItem;

void               moped_recovery_item_free   (MopedRecoveryItem  *item);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MopedRecoveryItem, moped_recovery_item_free)

/* The folder recovery files live in (not created). */
char              *moped_recovery_dup_dir     (void);
/* Items whose owner is no longer running, newest first (a new array, free func set). */
GPtrArray         *moped_recovery_list        (void);
MopedDesign       *moped_recovery_item_load   (MopedRecoveryItem  *item,
                                               GError            **error);
/* Delete the item's files: the user chose to throw the work away. */
void               moped_recovery_item_delete (MopedRecoveryItem  *item);

#define MOPED_TYPE_RECOVERY (moped_recovery_get_type ())
G_DECLARE_FINAL_TYPE (MopedRecovery, moped_recovery, MOPED, RECOVERY, GObject)

/* @original may be NULL (a design never saved). */
MopedRecovery     *moped_recovery_new         (MopedDesign        *design,
                                               GFile              *original);
/* Keep updating (and in the end remove) the files of @item, which @design was recovered from. */
MopedRecovery     *moped_recovery_new_adopting (MopedDesign       *design,
                                                MopedRecoveryItem *item);
void               moped_recovery_set_original (MopedRecovery     *self,
                                                GFile             *original);
/* Milliseconds from a change to the copy (default 3000). */
void               moped_recovery_set_delay   (MopedRecovery      *self,
                                               guint               msec);
/* Write the copy now if one is due. FALSE with @error when it cannot be written. */
gboolean           moped_recovery_flush       (MopedRecovery      *self,
                                               GError            **error);
/* Remove the copy: the work was saved, or the user threw it away. */
void               moped_recovery_discard     (MopedRecovery      *self);
/* The copy's path, or NULL while there is none. */
const char        *moped_recovery_get_path    (MopedRecovery      *self);

G_END_DECLS
