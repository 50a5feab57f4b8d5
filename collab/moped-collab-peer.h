/* moped-collab-peer.h: a headless peer: keeps a shared design saved and answers commands on stdin.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * What `moped host` and `moped join` run, and what tests drive. It saves the design
 * (atomically) shortly after every change and on quit, prints events as lines on
 * stdout ("joined", "hosting LINK" when it took over from a host that went, "failed MESSAGE", "notice MESSAGE", "invite LINK", "code CODE",
 * "status seq=N pending=M last=AUTHOR host=yes|no", "saved seq=N") and reads commands from stdin:
 *   invite editor|viewer [SECONDS] | code editor|viewer [SECONDS] | status | save |
 *   undo | redo | presence TEXT | roster | quit
 * End of input does not stop it; quit, SIGINT or SIGTERM do.
 */
#pragma once

#include "moped-session.h"

G_BEGIN_DECLS

typedef struct _MopedCollabPeer MopedCollabPeer;

/* Join through @link and keep @save_path with its journal (@save_path.journal); or,
 * when that journal exists, come back from it (@link may then be NULL, or must name
 * the same host). */
MopedSession    *moped_collab_peer_join    (const char         *link,
                                            const char         *code,
                                            const MopedKeyPair *keys,
                                            const char         *name,
                                            guint               timeout_ms,
                                            const char         *save_path,
                                            GError            **error);

/* Host the design at @design_path, keeping a journal beside it (@design_path.journal)
 * of every transaction it acknowledges. A journal left by a host that was killed is
 * newer than the file: the design comes back from it (refused, with a message, when
 * the file too changed since). A clean quit saves the file and removes the journal. */
MopedSession    *moped_collab_peer_host    (const char         *design_path,
                                            const MopedKeyPair *keys,
                                            const char         *name,
                                            const char         *bind_endpoint,
                                            const char         *advertise,
                                            GError            **error);

/* @save_path: where the design is kept (may be NULL). Runs in the default main
 * context; @loop quits when the session ends. */
MopedCollabPeer *moped_collab_peer_new     (MopedSession    *session,
                                            const char      *save_path,
                                            GMainLoop       *loop);
void             moped_collab_peer_free    (MopedCollabPeer *self);
/* Commands the peer does not know go to @func first (TRUE: handled), for tools that
 * build on the peer. */
typedef gboolean (*MopedCollabPeerCommandFunc) (const char *line,
                                                gpointer    user_data);
void             moped_collab_peer_set_extra_commands (MopedCollabPeer           *self,
                                                       MopedCollabPeerCommandFunc func,
                                                       gpointer                   user_data);
/* Print one event line on stdout and flush. */
void             moped_collab_peer_print   (MopedCollabPeer *self,
                                            const char      *format,
                                            ...) G_GNUC_PRINTF (2, 3);
/* Save now; FALSE (and a "failed" line) when the file cannot be written. */
gboolean         moped_collab_peer_save    (MopedCollabPeer *self);
/* The exit status: 0 after a clean quit, 1 after a failure. */
int              moped_collab_peer_get_status (MopedCollabPeer *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MopedCollabPeer, moped_collab_peer_free)

G_END_DECLS
