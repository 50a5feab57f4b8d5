/* moped-author-history.h: undo and redo of one person's own steps in a shared design.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A shared design has many authors. Undo here takes back only what this person did,
 * computed against the design as it is now, and never destroys anyone else's work:
 * a property someone else changed since keeps their value, an element that now holds
 * someone else's work stays. Each such skip is explained in a note for the person.
 * The inverse is applied as an ordinary transaction, so it reaches the other peers
 * like any edit.
 */
#pragma once

#include "moped-ops.h"

G_BEGIN_DECLS

typedef struct _MopedAuthorHistory MopedAuthorHistory;

MopedAuthorHistory *moped_author_history_new        (const char         *me);
void                moped_author_history_free       (MopedAuthorHistory *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MopedAuthorHistory, moped_author_history_free)

/* How notes name an author (default: the author string itself). */
void        moped_author_history_set_display_name (MopedAuthorHistory *self,
                                                   const char         *author,
                                                   const char         *name);
/* Learn who made or last wrote what: call for every transaction as it is applied,
 * everyone's, in the order of application. */
void        moped_author_history_note_authors (MopedAuthorHistory *self,
                                               const char         *author,
                                               GPtrArray          *ops);
/* A transaction this person made (including the ones undo and redo make): goes on
 * the undo stack, or on the redo stack while undoing. */
void        moped_author_history_push        (MopedAuthorHistory *self,
                                              const char         *label,
                                              const char         *coalesce_key,
                                              GPtrArray          *ops);
const char *moped_author_history_get_undo_label (MopedAuthorHistory *self);
/* How much it keeps: own steps that can be undone (at most 1000, the oldest go
 * first), and (element, property) authors it remembers (only of what exists). */
void        moped_author_history_get_size    (MopedAuthorHistory *self,
                                              guint              *n_steps,
                                              guint              *n_tracked);
const char *moped_author_history_get_redo_label (MopedAuthorHistory *self);
/* Apply the inverse of the latest own step to @design as one transaction; what had
 * to be left alone is told in @notes (strings, may be NULL). FALSE when there is
 * nothing to undo. */
gboolean    moped_author_history_undo        (MopedAuthorHistory *self,
                                              MopedDesign        *design,
                                              GPtrArray          *notes);
gboolean    moped_author_history_redo        (MopedAuthorHistory *self,
                                              MopedDesign        *design,
                                              GPtrArray          *notes);

G_END_DECLS
