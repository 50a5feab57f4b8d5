/* moped-session.h: one design shared live between peers over ZeroMQ with CURVE.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * One peer hosts (a ROUTER, CURVE server, with a ZAP handler that names each
 * connection by its proven key); guests connect with a DEALER pinned to the host's
 * key. The host orders everything: each submitted transaction is applied through the
 * normal edit API, all or nothing, and its resolved effects are broadcast with a
 * sequence number. A guest applies its own edits at once and keeps them pending;
 * on each broadcast it takes its pending edits back exactly, applies the host's, and
 * replays its own, so with nothing pending every peer holds the same design.
 * A refused edit is taken back and its author told why.
 *
 * Wire protocol (multipart, string frames), guest -> host:
 *   HELLO name token last-seq|new listen-link | SUBMIT lseq label ops | PRESENCE text |
 *   PING | BYE | LOG seq author lseq label ops (to a new host, the rest of its log)
 * host -> guest:
 *   WELCOME author access seq snapshot | DENIED reason | TXN seq author lseq label ops |
 *   REFUSED lseq reason | DONE lseq | ROSTER text | PRESENCE author text | HEARTBEAT seq |
 *   WHO (say HELLO again) | HANDOVER (the host quits) | TAIL seq (a new host asks for more)
 *
 * When the host goes (silent for 2 s, or HANDOVER), guests try the editors of the
 * roster that listen, in join order: the first takes over, the others connect to it
 * pinned to the key the roster gave; the new host takes the longest log first.
 *
 * Split brain: each reign is a term ("N.author", N one more than the newest known),
 * carried by every TXN and journal record. A host that hears no editor for 2 s while
 * one could take over stops ordering and looks for the host like a guest (its own
 * edits wait as pending). HELLO carries where each term starts in the guest's log;
 * a host whose log holds another term at the same sequence answers with the design
 * whole and where the logs part, and the guest sends its own transactions beyond
 * that point again as pending edits, deduplicated by (author, number). Frames added:
 * HELLO ... listen-link terms; WELCOME ... snapshot term rewind; TXN/LOG ... term.
 */
#pragma once

#include <glib-object.h>

#include "moped-collab-keys.h"
#include "moped-design.h"

G_BEGIN_DECLS

typedef enum
{
  MOPED_ACCESS_EDITOR,
  MOPED_ACCESS_VIEWER,
} MopedAccess;

#define MOPED_TYPE_SESSION (moped_session_get_type ())
G_DECLARE_FINAL_TYPE (MopedSession, moped_session, MOPED, SESSION, GObject)

/* Signals:
 *   "joined" (): a guest has the design (moped_session_get_design).
 *   "failed" (const char *message): joining failed or the session ended; why.
 *   "notice" (const char *message): something the person should read: a refused edit,
 *     what undo left alone.
 *   "sequenced" (guint64 seq): a transaction was confirmed (host order).
 *   "roster-changed" (): who is here changed.
 *   "hosting" (): this peer hosts now (the host went and it was next in line).
 *   "presence" (const char *author, const char *text): someone's pointer, selection...
 */

/* Host @design (which becomes shared) on @bind_endpoint ("tcp://127.0.0.1:0" picks a
 * port). @advertise is the host name invites carry. */
MopedSession *moped_session_host_new      (MopedDesign         *design,
                                           const MopedKeyPair  *keys,
                                           const char          *name,
                                           const char          *bind_endpoint,
                                           const char          *advertise,
                                           GError             **error);
/* A single-use invite link, valid for @lifetime_s seconds. */
char         *moped_session_create_invite (MopedSession        *self,
                                           MopedAccess          access,
                                           guint                lifetime_s);
/* A six-digit single-use code for the same purpose, to be read aloud. */
char         *moped_session_create_code   (MopedSession        *self,
                                           MopedAccess          access,
                                           guint                lifetime_s);
/* The link without a token: enough for keys the host already admitted, or with a code. */
char         *moped_session_get_address_link (MopedSession     *self);

/* Join through @link (its token, or @code when given); "joined" or "failed" follows.
 * Fails after @timeout_ms without an answer from a host that proves the invite's key. */
MopedSession *moped_session_join          (const char          *link,
                                           const char          *code,
                                           const MopedKeyPair  *keys,
                                           const char          *name,
                                           guint                timeout_ms,
                                           GError             **error);

/* Keep a journal at @path (created 0600): every confirmed transaction and every own
 * edit not yet confirmed, so a peer that is killed comes back with all it showed. A
 * host journals each transaction, flushed to the disk, before it broadcasts it. */
gboolean      moped_session_set_journal   (MopedSession        *self,
                                           const char          *path,
                                           GError             **error);
/* Come back from the journal at @path: the design as it was shown (own unconfirmed
 * edits included), then reconnect to its host, catch up and resend what is pending.
 * "joined" follows when the host answers. */
MopedSession *moped_session_resume        (const char          *journal_path,
                                           const MopedKeyPair  *keys,
                                           const char          *name,
                                           guint                timeout_ms,
                                           GError             **error);

/* The design a journal holds: its last snapshot and the confirmed transactions after
 * it (a host's journal: what it acknowledged). NULL with a message when unreadable.
 * With @file_data, @file_is_prefix says whether that text is the design at one of the
 * journal's steps (a file saved by the session, not changed by anyone else since). */
MopedDesign  *moped_session_load_journal  (const char          *path,
                                           const char          *file_data,
                                           gboolean            *file_is_prefix,
                                           GError             **error);

/* A guest that may host if the host goes: listen on @bind_endpoint, reachable as
 * @advertise ("name", or "name:port" when the others reach it on another port than
 * the one bound). Call right after join or resume. The others learn it from the roster. */
gboolean      moped_session_listen        (MopedSession        *self,
                                           const char          *bind_endpoint,
                                           const char          *advertise,
                                           GError             **error);

gboolean      moped_session_is_host       (MopedSession        *self);
MopedDesign  *moped_session_get_design    (MopedSession        *self);
const char   *moped_session_get_author    (MopedSession        *self);
MopedAccess   moped_session_get_access    (MopedSession        *self);
/* Confirmed transactions so far, and own edits not yet confirmed. */
guint64       moped_session_get_seq       (MopedSession        *self);
guint         moped_session_get_n_pending (MopedSession        *self);
/* The host's link without a token (guests). */
const char   *moped_session_get_host_link (MopedSession        *self);
/* Who made the latest confirmed transaction (NULL before the first). */
const char   *moped_session_get_last_author (MopedSession      *self);
/* Lines "author<TAB>name<TAB>editor|viewer<TAB>#rrggbb", the host first. */
char         *moped_session_dup_roster    (MopedSession        *self);

/* Own undo/redo (also reached through moped_design_undo/redo of the shared design). */
gboolean      moped_session_undo          (MopedSession        *self);
gboolean      moped_session_redo          (MopedSession        *self);

/* Tell the others where this person is: pointer, selection, field being edited
 * (free text such as "pointer=10,20 selection=node-1 field=node-1/name"). Volatile,
 * sent at most every 50 ms, never logged. */
void          moped_session_set_presence  (MopedSession        *self,
                                           const char          *text);
/* Say goodbye and stop. */
void          moped_session_close         (MopedSession        *self);

G_END_DECLS
