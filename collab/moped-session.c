/* moped-session.c: host-ordered live sharing of a design, CURVE on every connection.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Sockets are watched from the GLib main loop. ZMQ_FD is edge-triggered, so every
 * wake-up drains the socket while it reports input.
 */
#define G_LOG_DOMAIN "moped-collab"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <czmq.h>
#include <glib-unix.h>

#include "moped-author-history.h"
#include "moped-design-copy.h"
#include "moped-file.h"
#include "moped-ops.h"
#include "moped-schema.h"
#include "moped-session.h"

#define HEARTBEAT_MS        500
#define HOST_SILENCE_US     (2 * G_USEC_PER_SEC)
#define REHELLO_US          (G_USEC_PER_SEC / 2)
#define GRACE_MS            3000   /* a new host waits at most this for the old roster */
#define PRESENCE_MS         50
#define TOKEN_FAILS_PER_KEY 3      /* wrong tokens per key per minute */
#define TOKEN_FAILS_GLOBAL  20     /* wrong tokens from everyone per minute */
#define PEER_SILENCE_US     (6 * G_USEC_PER_SEC)
#define MAX_MESSAGE_BYTES   (64 * 1024 * 1024)
#define LOG_KEEP            2000   /* transactions kept for peers that come back */

static const char * const palette[] = {
  "#1c71d8", "#c01c28", "#26a269", "#e66100", "#813d9c", "#865e3c", "#2ec27e", "#f5c211",
};

typedef struct
{
  MopedAccess access;
  gint64      expires_us;   /* monotonic */
} Token;

typedef struct
{
  char       *routing;      /* hex of the ROUTER's routing id */
  GBytes     *routing_id;
  char       *key;          /* Z85, as proven */
  char       *author;
  char       *name;
  MopedAccess access;
  const char *colour;
  char       *listen;       /* where it would host if it had to ("" when it cannot) */
  guint       order;        /* join order: the order successors are tried in */
  gint64      last_heard_us;
  gint64      presence_window_us;
  guint       presence_count;
} Peer;

typedef struct _Pending Pending;

struct _Pending
{
  guint64   lseq;
  char     *label;
  char     *text;           /* the ops as submitted: the intent the host applies */
  GPtrArray *ops;
  MopedTxn *txn;            /* applied locally, or NULL when it no longer applies here */
};

typedef struct
{
  char *seq;
  char *author;
  char *lseq;
  char *label;
  char *text;
  char *term;               /* the reign that ordered it: "N.author" */
} LogEntry;

static void
log_entry_free (gpointer data)
{
  LogEntry *e = data;

  g_free (e->seq);
  g_free (e->author);
  g_free (e->lseq);
  g_free (e->label);
  g_free (e->text);
  g_free (e->term);
  g_free (e);
}

typedef enum
{
  APPLY_LOCAL,              /* the person's own edit */
  APPLY_CONFIRMED,          /* host: a guest's edit, being ordered now */
  APPLY_ORDERED,            /* an edit a host ordered already: not anyone's step here */
  APPLY_REPLAY,             /* own pending edit, replayed after the host's */
} Applying;

struct _MopedSession
{
  GObject             parent_instance;

  gboolean            is_host;
  gboolean            joined;
  gboolean            closed;
  MopedKeyPair        keys;
  char               *author;
  char               *name;
  MopedAccess         access;
  MopedDesign        *design;
  MopedAuthorHistory *history;
  zsock_t            *sock;
  zsock_t            *zap;
  guint               sock_watch;
  guint               zap_watch;
  guint               heartbeat_source;
  guint               timeout_source;
  guint               presence_source;
  guint               drain_source;
  guint64             seq;
  char               *term;           /* the latest reign known: "N.author" (see term_cmp) */
  char               *last_author;    /* of the latest confirmed transaction */
  Applying            applying;
  Pending            *replaying;
  const char         *remote_author;  /* host: whose submission is being applied */
  guint64             remote_lseq;

  /* host */
  char               *advertise;
  guint               port;
  GHashTable         *peers;          /* routing hex -> Peer */
  GHashTable         *admitted;       /* key -> GINT (MopedAccess) */
  GHashTable         *tokens;         /* token -> Token */
  GHashTable         *failures;       /* key -> GArray of gint64 */
  GArray             *all_failures;   /* gint64 */
  GHashTable         *last_lseq;      /* author -> guint64* */
  GPtrArray          *log;            /* of LogEntry: seqs log_base+1, log_base+2... */
  guint64             log_base;
  guint               n_joined;

  /* guest */
  GPtrArray          *pending;        /* of Pending */
  guint64             next_lseq;
  char               *roster;
  char               *presence_out;
  gint64              host_heard_us;
  gint64              rehello_us;     /* when we last said HELLO again */
  guint               behind;         /* heartbeats in a row announcing more than we have */
  char               *host_link;      /* without a token: where to come back to */
  zsock_t            *listener;       /* where this peer hosts if the host goes */
  char               *listen_link;
  char               *hello_token;
  gboolean            failing_over;
  gint64              failover_us;    /* when the current candidate was tried */
  GPtrArray          *candidates;     /* of char ** (roster fields), in roster order */
  guint               candidate;
  char               *gone_host;      /* author of the host that left */
  gboolean            in_grace;       /* a new host gathering the longest log */
  GHashTable         *expected;       /* authors the new host waits for in the grace */
  GPtrArray          *deferred;       /* of zmsg_t: submissions held during the grace */
  guint               grace_source;
  guint64             resume_seq;     /* HELLO asks to catch up from here (0: new) */
  gboolean            stepped_down;   /* a host that heard nobody: orders nothing, looks for the host */
  guint               listener_watch; /* while stepped down: a peer may come back to it */
  gboolean            told_alone;     /* "nobody here can host" said once per episode */
  gboolean            send_lost;      /* a guest's message found no room: say HELLO again */

  /* journal (every peer that has one): append-only, one record per line */
  int                 journal_fd;
  char               *journal_path;
  guint               journal_records;
};

G_DEFINE_FINAL_TYPE (MopedSession, moped_session, G_TYPE_OBJECT)

enum {
  JOINED,
  FAILED,
  NOTICE,
  SEQUENCED,
  ROSTER_CHANGED,
  HOSTING,
  PRESENCE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
pending_free (gpointer data)
{
  Pending *p = data;

  g_free (p->label);
  g_free (p->text);
  g_clear_pointer (&p->ops, g_ptr_array_unref);
  g_clear_pointer (&p->txn, moped_txn_free);
  g_free (p);
}

static void
zmsg_free_cb (gpointer data)
{
  zmsg_t *msg = data;

  zmsg_destroy (&msg);
}

static void
peer_free (gpointer data)
{
  Peer *peer = data;

  g_free (peer->routing);
  g_bytes_unref (peer->routing_id);
  g_free (peer->key);
  g_free (peer->author);
  g_free (peer->name);
  g_free (peer->listen);
  g_free (peer);
}

static void
notice (MopedSession *self,
        const char   *message)
{
  g_debug ("%s: %s", self->author, message);
  g_signal_emit (self, signals[NOTICE], 0, message);
}

static void
fail (MopedSession *self,
      const char   *message)
{
  if (self->closed)
    return;
  moped_session_close (self);
  g_signal_emit (self, signals[FAILED], 0, message);
}

/* ---- terms ----------------------------------------------------------------------
 *
 * Every reign of a host is a term, "N.author": the first host's is 1, a peer that
 * takes over starts N+1 of the highest it knows. Terms order by N, then by author
 * (two peers cut off from each other could both start N+1). Every transaction
 * carries the term it was ordered in, so two logs that hold the same term at the
 * same sequence are the same up to there: the order of one host. A host that heard
 * nobody for the election timeout stops ordering (step_down); when the two sides
 * meet again, the higher term hosts and the other side's transactions beyond the
 * last sequence both logs share go back to their authors as pending edits. */

static guint64
term_count (const char *term)
{
  return term != NULL ? g_ascii_strtoull (term, NULL, 10) : 0;
}

static int
term_cmp (const char *a,
          const char *b)
{
  guint64 na = term_count (a), nb = term_count (b);
  const char *ta = a ? strchr (a, '.') : NULL;
  const char *tb = b ? strchr (b, '.') : NULL;

  if (na != nb)
    return na < nb ? -1 : 1;
  return g_strcmp0 (ta, tb);
}

/* Remember @term if it is the latest known. */
static void
note_term (MopedSession *self,
           const char   *term)
{
  if (term != NULL && *term != '\0' && term_cmp (term, self->term) > 0)
    {
      g_free (self->term);
      self->term = g_strdup (term);
    }
}

/* The term of our log's entry at @seq, NULL when the log does not reach it. */
static const char *
log_term_at (MopedSession *self,
             guint64       seq)
{
  const LogEntry *e;

  if (seq <= self->log_base || seq > self->seq || seq - self->log_base > self->log->len)
    return NULL;
  e = g_ptr_array_index (self->log, seq - self->log_base - 1);
  return e->term;
}

/* Our log as HELLO tells it: "BASE" then ";SEQ=TERM" where each term starts. */
static char *
describe_log_terms (MopedSession *self)
{
  GString *out = g_string_new (NULL);
  const char *last = NULL;

  g_string_append_printf (out, "%" G_GUINT64_FORMAT, self->log_base);
  for (guint64 s = self->log_base + 1; s <= self->seq; s++)
    {
      const char *t = log_term_at (self, s);

      if (t != NULL && g_strcmp0 (t, last) != 0)
        g_string_append_printf (out, ";%" G_GUINT64_FORMAT "=%s", s, t);
      last = t;
    }
  return g_string_free (out, FALSE);
}

/* The term at @seq in a description made by describe_log_terms, NULL if unknown. */
static const char *
described_term_at (char   **runs,
                   guint64  seq,
                   guint64  last_seq)
{
  const char *found = NULL;

  if (runs == NULL || runs[0] == NULL || seq <= g_ascii_strtoull (runs[0], NULL, 10) || seq > last_seq)
    return NULL;
  for (guint i = 1; runs[i] != NULL; i++)
    {
      const char *eq = strchr (runs[i], '=');

      if (eq == NULL || g_ascii_strtoull (runs[i], NULL, 10) > seq)
        break;
      found = eq + 1;
    }
  return found;
}

/* ---- journal ---------------------------------------------------------------------
 *
 * Records, fields separated by tabs and escaped like ops:
 *   H link            the host to come back to (no token)
 *   B seq snapshot    the confirmed design at seq
 *   T seq author lseq label ops   a confirmed transaction
 *   P lseq label ops  an own edit sent but not yet confirmed
 *   D lseq            that edit was refused or had nothing left to do
 * Each record is one write(2): a killed process loses nothing it had shown. What
 * nobody else may have yet is also flushed to the disk (fdatasync) before anyone
 * hears of it: a host's transaction before it is broadcast (the broadcast is the
 * acknowledgement), a guest's own edit before it is submitted. A compacted journal is
 * synced before it replaces the old one, and its folder after. */

static void
journal_write (MopedSession *self,
               const char   *kind,
               ...) G_GNUC_NULL_TERMINATED;

static void
journal_write (MopedSession *self,
               const char   *kind,
               ...)
{
  GString *line;
  va_list args;

  if (self->journal_fd < 0)
    return;
  line = g_string_new (kind);
  va_start (args, kind);
  for (const char *f = va_arg (args, const char *); f != NULL; f = va_arg (args, const char *))
    {
      g_autofree char *escaped = g_strescape (f, NULL);

      g_string_append_c (line, '\t');
      g_string_append (line, escaped);
    }
  va_end (args);
  g_string_append_c (line, '\n');
  if (write (self->journal_fd, line->str, line->len) != (gssize) line->len)
    g_warning ("%s: cannot write the journal: %s", self->journal_path, g_strerror (errno));
  self->journal_records++;
  g_string_free (line, TRUE);
}

/* Flush what was written to the disk before it is acknowledged to anyone. */
static void
journal_sync (MopedSession *self)
{
  if (self->journal_fd >= 0 && fdatasync (self->journal_fd) != 0)
    g_warning ("%s: cannot flush the journal: %s", self->journal_path, g_strerror (errno));
}

static void
sync_folder_of (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
}

static void
journal_base (MopedSession *self,
              const char   *confirmed)
{
  g_autofree char *snapshot = confirmed ? NULL : moped_file_to_data (self->design, NULL);
  g_autofree char *seq = g_strdup_printf ("%" G_GUINT64_FORMAT, self->seq);

  if (self->host_link != NULL)
    journal_write (self, "H", self->host_link, NULL);
  journal_write (self, "B", seq, confirmed ? confirmed : snapshot, NULL);
}

/* Start the journal afresh with the confirmed design: @confirmed, or the design now
 * (then nothing may be pending), and what is pending after it. */
static void
journal_restart (MopedSession *self,
                 const char   *confirmed)
{
  g_autofree char *tmp = g_strconcat (self->journal_path, ".new", NULL);
  int fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);

  if (fd < 0)
    {
      g_warning ("%s: cannot write the journal: %s", tmp, g_strerror (errno));
      return;
    }
  if (self->journal_fd >= 0)
    close (self->journal_fd);
  self->journal_fd = fd;
  self->journal_records = 0;
  journal_base (self, confirmed);
  for (guint i = 0; confirmed != NULL && i < self->pending->len; i++)
    {
      Pending *p = g_ptr_array_index (self->pending, i);
      g_autofree char *lseq = g_strdup_printf ("%" G_GUINT64_FORMAT, p->lseq);

      journal_write (self, "P", lseq, p->label, p->text, NULL);
    }
  if (fsync (fd) != 0)
    g_warning ("%s: cannot flush the journal: %s", tmp, g_strerror (errno));
  if (rename (tmp, self->journal_path) != 0)
    g_warning ("%s: %s", self->journal_path, g_strerror (errno));
  sync_folder_of (self->journal_path);
}

static void
journal_compact (MopedSession *self)
{
  journal_restart (self, NULL);
}

/* ---- sending ------------------------------------------------------------------- */

static gboolean drain_idle_cb (gpointer user_data);
static gboolean apply_ordered (MopedSession *self, const char *seq_text, const char *author,
                               const char *lseq_text, const char *label, const char *text,
                               const char *term);
static gboolean connect_guest (MopedSession *self, const MopedInvite *invite, GError **error);
static gboolean sock_ready_cb (gint fd, GIOCondition condition, gpointer user_data);
static void     drain (MopedSession *self);
static void     guest_tail (MopedSession *self, zmsg_t *msg);
static void     start_failover (MopedSession *self);
static void     checked_in (MopedSession *self, const char *author);
static void     log_append (MopedSession *self, const char *seq, const char *author, const char *lseq,
                            const char *label, const char *text, const char *term);

/* Sending lets libzmq process its commands, which can use up the edge the socket's
 * file descriptor would have signalled for input that arrived meanwhile: after every
 * send, look again from the main loop. */
static void
schedule_drain (MopedSession *self)
{
  if (self->drain_source == 0 && !self->closed)
    self->drain_source = g_idle_add (drain_idle_cb, self);
}

static void
send_strings (MopedSession *self,
              GBytes       *routing_id,
              const char   *first,
              ...) G_GNUC_NULL_TERMINATED;

static void
send_strings (MopedSession *self,
              GBytes       *routing_id,
              const char   *first,
              ...)
{
  zmsg_t *msg;
  va_list args;

  if (self->sock == NULL)
    return;   /* between hosts: what is pending is sent again on WELCOME */
  msg = zmsg_new ();
  if (routing_id != NULL)
    zmsg_addmem (msg, g_bytes_get_data (routing_id, NULL), g_bytes_get_size (routing_id));
  va_start (args, first);
  for (const char *s = first; s != NULL; s = va_arg (args, const char *))
    zmsg_addstr (msg, s);
  va_end (args);
  if (zmsg_send (&msg, self->sock) != 0)
    {
      g_debug ("send failed: %s", zmq_strerror (zmq_errno ()));
      zmsg_destroy (&msg);
      /* What was lost goes again: pending edits are resent on the WELCOME. */
      if (!self->is_host)
        self->send_lost = TRUE;
    }
  schedule_drain (self);
}

static void
broadcast_frames (MopedSession *self,
                  const Peer   *except,
                  const char  **frames,
                  guint         n)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Peer *peer = value;
      zmsg_t *msg;

      if (peer == except)
        continue;
      msg = zmsg_new ();
      zmsg_addmem (msg, g_bytes_get_data (peer->routing_id, NULL), g_bytes_get_size (peer->routing_id));
      for (guint i = 0; i < n; i++)
        zmsg_addstr (msg, frames[i]);
      if (zmsg_send (&msg, self->sock) != 0)
        zmsg_destroy (&msg);
    }
  schedule_drain (self);
}

/* ---- the shared design's hooks ---------------------------------------------------- */

static void
host_sequence (MopedSession *self,
               const char   *author,
               guint64       lseq,
               const char   *label,
               GPtrArray    *ops)
{
  g_autofree char *text = moped_ops_to_text (ops);
  g_autofree char *seq = NULL;
  g_autofree char *lseq_text = g_strdup_printf ("%" G_GUINT64_FORMAT, lseq);
  const char *frames[7];

  self->seq++;
  g_free (self->last_author);
  self->last_author = g_strdup (author);
  seq = g_strdup_printf ("%" G_GUINT64_FORMAT, self->seq);
  frames[0] = "TXN";
  frames[1] = seq;
  frames[2] = author;
  frames[3] = lseq_text;
  frames[4] = label;
  frames[5] = text;
  frames[6] = self->term;
  log_append (self, seq, author, lseq_text, label, text, self->term);
  /* On the disk before anyone hears of it: a host killed after the broadcast keeps it. */
  journal_write (self, "T", seq, author, lseq_text, label, text, self->term, NULL);
  journal_sync (self);
  broadcast_frames (self, NULL, frames, 7);
  if (self->journal_records > 4000 && self->pending->len == 0)
    journal_compact (self);
  g_signal_emit (self, signals[SEQUENCED], 0, self->seq);
}

static void
submit (MopedSession *self,
        Pending      *p)
{
  g_autofree char *lseq = g_strdup_printf ("%" G_GUINT64_FORMAT, p->lseq);

  /* The host takes one author's edits in order and counts a later one as the end of
   * the earlier ones: after one was lost, the rest wait for the WELCOME (it resends
   * them all, in order). */
  if (self->send_lost)
    return;
  send_strings (self, NULL, "SUBMIT", lseq, p->label, p->text, NULL);
}

static void
design_commit_cb (MopedDesign *design,
                  MopedTxn    *txn,
                  gpointer     user_data)
{
  MopedSession *self = user_data;
  GPtrArray *ops = moped_txn_get_ops (txn);

  switch (self->applying)
    {
    case APPLY_LOCAL:
      moped_author_history_push (self->history, moped_txn_get_label (txn),
                                 moped_txn_get_coalesce_key (txn), ops);
      /* A new host in its grace still holds its own edits from before, unordered:
       * a new edit waits behind them (end_grace_cb orders them all in turn). Ordered
       * at once, its ops were made on a design holding those edits that nobody else
       * has, and every peer taking them failed ('no longer matches'). */
      if (self->is_host && !self->in_grace)
        {
          /* Numbered like a guest's: if this host is cut off and another takes
           * over, what the others never got goes to the new host once, by number. */
          host_sequence (self, self->author, ++self->next_lseq, moped_txn_get_label (txn), ops);
          moped_txn_free (txn);
        }
      else
        {
          Pending *p = g_new0 (Pending, 1);

          p->lseq = ++self->next_lseq;
          p->label = g_strdup (moped_txn_get_label (txn));
          p->text = moped_ops_to_text (ops);
          p->ops = moped_ops_from_text (p->text, NULL);
          p->txn = txn;
          g_ptr_array_add (self->pending, p);
          {
            g_autofree char *lseq = g_strdup_printf ("%" G_GUINT64_FORMAT, p->lseq);

            journal_write (self, "P", lseq, p->label, p->text, NULL);
            journal_sync (self);
          }
          if (!self->is_host)
            submit (self, p);
        }
      break;
    case APPLY_CONFIRMED:
      if (self->is_host)
        {
          moped_author_history_note_authors (self->history, self->remote_author, ops);
          host_sequence (self, self->remote_author, self->remote_lseq, moped_txn_get_label (txn), ops);
        }
      moped_txn_free (txn);
      break;
    case APPLY_ORDERED:
      moped_txn_free (txn);
      break;
    case APPLY_REPLAY:
      g_assert (self->replaying != NULL && self->replaying->txn == NULL);
      self->replaying->txn = txn;
      break;
    default:
      g_assert_not_reached ();
    }
  moped_design_set_history_state (design, moped_author_history_get_undo_label (self->history),
                                  moped_author_history_get_redo_label (self->history));
}

static void
take_back_and_tell (MopedSession *self,
                    gboolean      redo)
{
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);

  self->applying = APPLY_LOCAL;
  if (redo)
    moped_author_history_redo (self->history, self->design, notes);
  else
    moped_author_history_undo (self->history, self->design, notes);
  for (guint i = 0; i < notes->len; i++)
    notice (self, g_ptr_array_index (notes, i));
  moped_design_set_history_state (self->design, moped_author_history_get_undo_label (self->history),
                                  moped_author_history_get_redo_label (self->history));
}

static void
design_history_cb (MopedDesign *design,
                   gboolean     redo,
                   gpointer     user_data)
{
  take_back_and_tell (user_data, redo);
}

gboolean
moped_session_undo (MopedSession *self)
{
  g_return_val_if_fail (MOPED_IS_SESSION (self), FALSE);
  if (moped_author_history_get_undo_label (self->history) == NULL)
    return FALSE;
  take_back_and_tell (self, FALSE);
  return TRUE;
}

gboolean
moped_session_redo (MopedSession *self)
{
  g_return_val_if_fail (MOPED_IS_SESSION (self), FALSE);
  if (moped_author_history_get_redo_label (self->history) == NULL)
    return FALSE;
  take_back_and_tell (self, TRUE);
  return TRUE;
}

static void
share_design (MopedSession *self)
{
  moped_design_set_shared (self->design, self->author, design_commit_cb, design_history_cb, self);
}

/* ---- host: admission --------------------------------------------------------------- */

static guint
count_recent (GArray *times,
              gint64  now)
{
  guint n = 0;

  for (guint i = 0; times != NULL && i < times->len; i++)
    if (now - g_array_index (times, gint64, i) < 60 * G_USEC_PER_SEC)
      n++;
  return n;
}

static void
note_failure (MopedSession *self,
              const char   *key,
              gint64        now)
{
  GArray *times = g_hash_table_lookup (self->failures, key);

  if (times == NULL)
    {
      times = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_hash_table_insert (self->failures, g_strdup (key), times);
    }
  g_array_append_val (times, now);
  g_array_append_val (self->all_failures, now);
  /* Keep the record bounded: only the last minute matters. */
  while (self->all_failures->len > 4 * TOKEN_FAILS_GLOBAL)
    g_array_remove_index (self->all_failures, 0);
  while (times->len > 4 * TOKEN_FAILS_PER_KEY)
    g_array_remove_index (times, 0);
}

/* NULL when admitted (with @access), else why not. */
static const char *
admit (MopedSession *self,
       const char   *key,
       const char   *token,
       MopedAccess  *access)
{
  gint64 now = g_get_monotonic_time ();
  gpointer known;
  Token *t;

  if (g_hash_table_lookup_extended (self->admitted, key, NULL, &known))
    {
      *access = GPOINTER_TO_INT (known);
      return NULL;
    }
  if (token == NULL || *token == '\0')
    return "this key was not invited: ask the host for an invite";
  if (count_recent (g_hash_table_lookup (self->failures, key), now) >= TOKEN_FAILS_PER_KEY ||
      count_recent (self->all_failures, now) >= TOKEN_FAILS_GLOBAL)
    return "too many wrong invites: try again in a minute";
  t = g_hash_table_lookup (self->tokens, token);
  if (t == NULL || t->expires_us < now)
    {
      if (t != NULL)
        g_hash_table_remove (self->tokens, token);
      note_failure (self, key, now);
      return "the invite is not valid: it was used, has expired or is mistyped";
    }
  *access = t->access;
  g_hash_table_remove (self->tokens, token);
  g_hash_table_insert (self->admitted, g_strdup (key), GINT_TO_POINTER (*access));
  return NULL;
}

static gint
peer_order_cmp (gconstpointer a,
                gconstpointer b)
{
  const Peer *pa = a, *pb = b;

  return pa->order < pb->order ? -1 : pa->order > pb->order;
}

/* Lines author, name, access, colour, key, where it would host; the host first, then
 * in join order, which is the order successors are tried in. */
static char *
make_roster (MopedSession *self)
{
  GString *out = g_string_new (NULL);
  GList *peers = g_list_sort (g_hash_table_get_values (self->peers), peer_order_cmp);

  g_string_append_printf (out, "%s\t%s\teditor\t%s\t%s\t\n", self->author, self->name, palette[0],
                          self->keys.public_z85);
  for (GList *l = peers; l != NULL; l = l->next)
    {
      Peer *peer = l->data;

      g_string_append_printf (out, "%s\t%s\t%s\t%s\t%s\t%s\n", peer->author, peer->name,
                              peer->access == MOPED_ACCESS_EDITOR ? "editor" : "viewer", peer->colour,
                              peer->key, peer->listen ? peer->listen : "");
    }
  g_list_free (peers);
  return g_string_free (out, FALSE);
}

static void
broadcast_roster (MopedSession *self)
{
  g_autofree char *roster = make_roster (self);
  const char *frames[] = { "ROSTER", roster };

  broadcast_frames (self, NULL, frames, 2);
  g_signal_emit (self, signals[ROSTER_CHANGED], 0);
}

static void
send_txn_entry (MopedSession   *self,
                GBytes         *routing_id,
                const LogEntry *e)
{
  send_strings (self, routing_id, "TXN", e->seq, e->author, e->lseq, e->label, e->text, e->term, NULL);
}

static void
host_hello (MopedSession *self,
            GBytes       *routing_id,
            const char   *routing,
            const char   *key,
            zmsg_t       *msg)
{
  g_autofree char *name = zmsg_popstr (msg);
  g_autofree char *token = zmsg_popstr (msg);
  g_autofree char *last = zmsg_popstr (msg);
  g_autofree char *listen = zmsg_popstr (msg);
  g_autofree char *terms = zmsg_popstr (msg);
  g_auto(GStrv) runs = terms && *terms ? g_strsplit (terms, ";", -1) : NULL;
  MopedAccess access = MOPED_ACCESS_VIEWER;
  const char *why = admit (self, key, token, &access);
  g_autofree char *author = moped_key_to_author (key);
  /* "new", or the sequence a returning peer has: it catches up from the log. */
  gboolean returning = last != NULL && g_ascii_isdigit (last[0]);
  guint64 last_seq = returning ? g_ascii_strtoull (last, NULL, 10) : 0;
  /* Where its log and ours part, when both know terms that differ there: its
   * transactions beyond were ordered by a host that was cut off (see step_down). */
  gboolean diverged = FALSE;
  guint64 rewind = last_seq;
  gboolean asks_tail;
  Peer *peer;

  if (why != NULL)
    {
      g_message ("refused a guest: %s", why);
      send_strings (self, routing_id, "DENIED", why, NULL);
      return;
    }
  /* The same key on a new connection: the old one is gone. */
  {
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init (&iter, self->peers);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      if (g_str_equal (((Peer *) value)->key, key) && !g_str_equal (((Peer *) value)->routing, routing))
        g_hash_table_iter_remove (&iter);
  }
  peer = g_hash_table_lookup (self->peers, routing);
  if (peer == NULL)
    {
      peer = g_new0 (Peer, 1);
      peer->routing = g_strdup (routing);
      peer->routing_id = g_bytes_ref (routing_id);
      peer->key = g_strdup (key);
      peer->author = g_strdup (author);
      peer->order = self->n_joined;
      peer->colour = palette[1 + self->n_joined++ % (G_N_ELEMENTS (palette) - 1)];
      g_hash_table_insert (self->peers, peer->routing, peer);
    }
  g_free (peer->listen);
  peer->listen = g_strdup (listen && g_str_has_prefix (listen, "moped://") && !strchr (listen, '\t') ? listen : "");
  g_free (peer->name);
  peer->name = g_utf8_make_valid (name && *name ? name : author, -1);
  peer->access = access;
  peer->last_heard_us = g_get_monotonic_time ();
  moped_author_history_set_display_name (self->history, author, peer->name);

  if (returning)
    {
      guint64 s = MIN (last_seq, self->seq);
      const char *mine = log_term_at (self, s);
      const char *theirs = described_term_at (runs, s, last_seq);

      if (mine != NULL && theirs != NULL && !g_str_equal (mine, theirs))
        {
          /* Bounded by our log: log_term_at is NULL below its start. */
          diverged = TRUE;
          while (s > 0)
            {
              s--;
              mine = log_term_at (self, s);
              theirs = described_term_at (runs, s, last_seq);
              if (mine == NULL || theirs == NULL || g_str_equal (mine, theirs))
                break;
            }
          rewind = s;
          g_message ("%s comes back from a reign of its own: its log parts from ours after %" G_GUINT64_FORMAT,
                     peer->name, rewind);
        }
    }
  asks_tail = returning && !diverged && last_seq > self->seq && self->in_grace;
  {
    g_autofree char *seq = g_strdup_printf ("%" G_GUINT64_FORMAT, self->seq);
    const char *access_name = access == MOPED_ACCESS_EDITOR ? "editor" : "viewer";

    if (asks_tail)
      {
        /* It has more than this new host: all logs are prefixes of one order, so
         * take the rest of its log before anything else is ordered. */
        send_strings (self, routing_id, "WELCOME", author, access_name, last, "", self->term, "", NULL);
        send_strings (self, routing_id, "TAIL", seq, NULL);
      }
    else if (returning && !diverged && last_seq <= self->seq && last_seq >= self->log_base)
      {
        /* A returning guest catches up from the log: its pending edits replay on top. */
        g_autofree char *base = g_strdup_printf ("%" G_GUINT64_FORMAT, last_seq);

        send_strings (self, routing_id, "WELCOME", author, access_name, base, "", self->term, "", NULL);
        for (guint64 s = last_seq; s < self->seq; s++)
          send_txn_entry (self, routing_id, g_ptr_array_index (self->log, s - self->log_base));
      }
    else
      {
        /* The design whole: to a new guest, or to one that is further behind than our
         * log reaches, or whose log parted from ours (then from where). */
        g_autofree char *snapshot = moped_file_to_data (self->design, NULL);
        g_autofree char *from = returning ? g_strdup_printf ("%" G_GUINT64_FORMAT, rewind) : g_strdup ("");

        send_strings (self, routing_id, "WELCOME", author, access_name, seq, snapshot, self->term, from, NULL);
      }
  }
  g_message ("%s joined as %s (%s %s, here %" G_GUINT64_FORMAT "%s)", peer->name,
             access == MOPED_ACCESS_EDITOR ? "editor" : "viewer", returning ? "back from" : "new",
             returning ? last : "", self->seq, asks_tail ? ", asked for the rest of its log" : "");
  if (!asks_tail)
    checked_in (self, author);
  broadcast_roster (self);
}

/* Apply a guest's transaction in host order, all or nothing. Default names that two
 * people chose at once ("Node 3" twice) are told apart: the later one gets the next
 * free number. */
static const char *
host_apply (MopedSession *self,
            const char   *author,
            const char   *label,
            const char   *text,
            GError      **error)
{
  g_autoptr(GPtrArray) ops = moped_ops_from_text (text, error);

  if (ops == NULL)
    return "the edit could not be read";
  self->applying = APPLY_CONFIRMED;
  self->remote_author = author;
  moped_design_begin (self->design, label);
  for (guint i = 0; i < ops->len; i++)
    if (!moped_design_apply_op (self->design, g_ptr_array_index (ops, i), error))
      {
        moped_design_cancel (self->design);
        self->applying = APPLY_LOCAL;
        return "";
      }
  /* Nothing may leave a required reference empty (a link must keep both ends). */
  for (guint i = 0; i < ops->len; i++)
    {
      const MopedOp *op = g_ptr_array_index (ops, i);
      MopedElement *e = moped_design_lookup (self->design, op->id);
      const MopedKindSpec *ks = e ? moped_schema_get_kind (moped_element_get_kind (e)) : NULL;

      for (guint p = 0; ks != NULL && p < ks->n_props; p++)
        if (ks->props[p].type == MOPED_VALUE_REF && (ks->props[p].flags & MOPED_PROP_FLAG_REQUIRED) &&
            *moped_element_get_string (e, ks->props[p].prop) == '\0')
          {
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "the %s of “%s” would be empty",
                         moped_schema_get_prop_name (ks->props[p].prop), moped_element_get_name (e));
            moped_design_cancel (self->design);
            self->applying = APPLY_LOCAL;
            return "";
          }
    }
  for (guint i = 0; i < ops->len; i++)
    {
      const MopedOp *op = g_ptr_array_index (ops, i);
      MopedElement *added = op->type == MOPED_OP_ADD ? moped_design_lookup (self->design, op->id) : NULL;
      const char *label_text = added ? moped_schema_get_kind (moped_element_get_kind (added))->label : NULL;

      if (added != NULL && moped_element_has_prop (added, MOPED_PROP_NAME))
        {
          const char *name = moped_element_get_name (added);
          g_autoptr(GPtrArray) same = moped_design_collect (self->design, moped_element_get_kind (added));
          gboolean clash = FALSE;

          if (!g_str_has_prefix (name, label_text) || name[strlen (label_text)] != ' ')
            continue;
          for (guint j = 0; j < same->len && !clash; j++)
            clash = g_ptr_array_index (same, j) != added &&
                    g_strcmp0 (moped_element_get_name (g_ptr_array_index (same, j)), name) == 0;
          if (clash)
            {
              guint n = 2;
              g_autofree char *fresh = NULL;

              for (;;)
                {
                  gboolean taken = FALSE;

                  g_free (fresh);
                  fresh = g_strdup_printf ("%s %u", label_text, n++);
                  for (guint j = 0; j < same->len && !taken; j++)
                    taken = g_strcmp0 (moped_element_get_name (g_ptr_array_index (same, j)), fresh) == 0;
                  if (!taken)
                    break;
                }
              moped_design_set_string (self->design, added, MOPED_PROP_NAME, fresh);
            }
        }
    }
  moped_design_end (self->design);
  self->applying = APPLY_LOCAL;
  return NULL;
}

static void
host_submit (MopedSession *self,
             Peer         *peer,
             zmsg_t       *msg)
{
  g_autofree char *lseq_text = zmsg_popstr (msg);
  g_autofree char *label = zmsg_popstr (msg);
  g_autofree char *text = zmsg_popstr (msg);
  g_autoptr(GError) error = NULL;
  guint64 lseq = lseq_text ? g_ascii_strtoull (lseq_text, NULL, 10) : 0;
  guint64 *last = g_hash_table_lookup (self->last_lseq, peer->author);
  const char *why;

  if (text == NULL || lseq == 0)
    return;
  /* A guest resubmits what it has not seen confirmed: each edit counts once. What
   * was applied reached it again from the log before this answer; what was refused
   * or came to nothing may have been told on a connection that broke: say it is done. */
  if (last != NULL && lseq <= *last)
    {
      send_strings (self, peer->routing_id, "DONE", lseq_text, NULL);
      return;
    }
  if (last == NULL)
    {
      last = g_new0 (guint64, 1);
      g_hash_table_insert (self->last_lseq, g_strdup (peer->author), last);
    }
  *last = lseq;
  if (peer->access != MOPED_ACCESS_EDITOR)
    {
      send_strings (self, peer->routing_id, "REFUSED", lseq_text,
                    "you joined as a viewer: the design cannot be changed from here", NULL);
      return;
    }
  self->remote_lseq = lseq;
  {
    guint64 before = self->seq;

    why = host_apply (self, peer->author, label ? label : "Edit", text, &error);
    /* Nothing left to do (it was done already): the guest must still stop waiting. */
    if (why == NULL && self->seq == before)
      send_strings (self, peer->routing_id, "DONE", lseq_text, NULL);
  }
  if (why != NULL)
    {
      g_autofree char *reason = g_strdup_printf ("%s%s%s", why, *why && error ? ": " : "",
                                                 error ? error->message : "");

      send_strings (self, peer->routing_id, "REFUSED", lseq_text, reason, NULL);
    }
}

static void
host_presence (MopedSession *self,
               Peer         *peer,
               zmsg_t       *msg)
{
  g_autofree char *text = zmsg_popstr (msg);
  gint64 now = g_get_monotonic_time ();
  const char *frames[3] = { "PRESENCE", peer->author, NULL };

  if (text == NULL || strlen (text) > 1024 || !g_utf8_validate (text, -1, NULL))
    return;
  /* Volatile and bounded: at most 40 a second from anyone. */
  if (now - peer->presence_window_us > G_USEC_PER_SEC)
    {
      peer->presence_window_us = now;
      peer->presence_count = 0;
    }
  if (++peer->presence_count > 40)
    return;
  frames[2] = text;
  broadcast_frames (self, peer, frames, 3);
  g_signal_emit (self, signals[PRESENCE], 0, peer->author, text);
}

static gboolean end_grace_cb (gpointer user_data);

/* The new host orders nothing until every peer of the old roster has come back and
 * handed over whatever it had beyond this one's log, or the grace is over. */
static void
checked_in (MopedSession *self,
            const char   *author)
{
  if (!self->in_grace || !g_hash_table_remove (self->expected, author) ||
      g_hash_table_size (self->expected) > 0)
    return;
  g_clear_handle_id (&self->grace_source, g_source_remove);
  self->grace_source = g_idle_add (end_grace_cb, self);
}

/* A new host takes the rest of a longer log from a guest that has it. */
static void
host_log_tail (MopedSession *self,
               zmsg_t       *msg)
{
  g_autofree char *seq = zmsg_popstr (msg);
  g_autofree char *author = zmsg_popstr (msg);
  g_autofree char *lseq = zmsg_popstr (msg);
  g_autofree char *label = zmsg_popstr (msg);
  g_autofree char *text = zmsg_popstr (msg);
  g_autofree char *term = zmsg_popstr (msg);

  if (text != NULL && g_ascii_strtoull (seq, NULL, 10) == self->seq + 1)
    apply_ordered (self, seq, author, lseq, label, text, term);
}

static void
host_message (MopedSession *self,
              zmsg_t       *msg)
{
  zframe_t *routing_frame = zmsg_pop (msg);
  zframe_t *command_frame = zmsg_first (msg);
  g_autoptr(GBytes) routing_id = NULL;
  g_autofree char *routing = NULL;
  g_autofree char *command = NULL;
  const char *key;
  Peer *peer;

  if (routing_frame == NULL || command_frame == NULL)
    {
      zframe_destroy (&routing_frame);
      return;
    }
  routing_id = g_bytes_new (zframe_data (routing_frame), zframe_size (routing_frame));
  routing = zframe_strhex (routing_frame);
  /* Who sent it is what the CURVE handshake proved, never what the message says. */
  key = zframe_meta (command_frame, "User-Id");
  command = zmsg_popstr (msg);
  zframe_destroy (&routing_frame);
  if (key == NULL || command == NULL)
    return;

  if (g_str_equal (command, "HELLO"))
    {
      host_hello (self, routing_id, routing, key, msg);
      return;
    }
  peer = g_hash_table_lookup (self->peers, routing);
  if (peer == NULL || !g_str_equal (peer->key, key))
    {
      /* A connection the host does not know (a reconnection, or a host that took
       * over): the guest says HELLO again and catches up. */
      send_strings (self, routing_id, "WHO", NULL);
      return;
    }
  peer->last_heard_us = g_get_monotonic_time ();
  if (g_str_equal (command, "SUBMIT") && self->in_grace)
    {
      zmsg_t *held = zmsg_dup (msg);

      zmsg_pushmem (held, g_bytes_get_data (routing_id, NULL), g_bytes_get_size (routing_id));
      g_ptr_array_add (self->deferred, held);
    }
  else if (g_str_equal (command, "SUBMIT"))
    host_submit (self, peer, msg);
  else if (g_str_equal (command, "LOG") && self->in_grace)
    host_log_tail (self, msg);
  else if (g_str_equal (command, "LOGEND"))
    checked_in (self, peer->author);
  else if (g_str_equal (command, "PRESENCE"))
    host_presence (self, peer, msg);
  else if (g_str_equal (command, "BYE"))
    {
      g_message ("%s left", peer->name);
      g_hash_table_remove (self->peers, routing);
      broadcast_roster (self);
    }
}

/* ---- ZAP: every CURVE client gets through the handshake, named by its key; what it
 * may do is decided by HELLO. Other mechanisms are refused. */
static gboolean
zap_ready_cb (gint         fd,
              GIOCondition condition,
              gpointer     user_data)
{
  MopedSession *self = user_data;

  while (zsock_events (self->zap) & ZMQ_POLLIN)
    {
      zmsg_t *request = zmsg_recv (self->zap);
      g_autofree char *version = zmsg_popstr (request);
      g_autofree char *request_id = zmsg_popstr (request);
      g_autofree char *domain = zmsg_popstr (request);
      g_autofree char *address = zmsg_popstr (request);
      g_autofree char *identity = zmsg_popstr (request);
      g_autofree char *mechanism = zmsg_popstr (request);
      zframe_t *credential = zmsg_pop (request);
      char key[MOPED_KEY_Z85_LEN + 1] = "";
      gboolean ok = g_strcmp0 (mechanism, "CURVE") == 0 && credential && zframe_size (credential) == 32;
      zmsg_t *reply = zmsg_new ();

      if (ok)
        zmq_z85_encode (key, zframe_data (credential), 32);
      zmsg_addstr (reply, "1.0");
      zmsg_addstr (reply, request_id ? request_id : "");
      zmsg_addstr (reply, ok ? "200" : "400");
      zmsg_addstr (reply, ok ? "OK" : "CURVE only");
      zmsg_addstr (reply, key);
      zmsg_addmem (reply, NULL, 0);
      zmsg_send (&reply, self->zap);
      zframe_destroy (&credential);
      zmsg_destroy (&request);
    }
  return G_SOURCE_CONTINUE;
}

/* ---- guest ---------------------------------------------------------------------- */

static void
revert_pending (MopedSession *self)
{
  for (guint i = self->pending->len; i > 0; i--)
    {
      Pending *p = g_ptr_array_index (self->pending, i - 1);

      if (p->txn != NULL)
        moped_design_revert (self->design, g_steal_pointer (&p->txn));
    }
}

static void
replay_pending (MopedSession *self)
{
  for (guint i = 0; i < self->pending->len; i++)
    {
      Pending *p = g_ptr_array_index (self->pending, i);
      g_autoptr(GError) error = NULL;

      self->applying = APPLY_REPLAY;
      self->replaying = p;
      if (!moped_design_apply_ops (self->design, p->label, p->ops, &error))
        g_debug ("pending %" G_GUINT64_FORMAT " does not apply here now: %s", p->lseq, error->message);
      self->replaying = NULL;
      self->applying = APPLY_LOCAL;
    }
}

/* Say HELLO again as a returning peer: the host catches us up from our sequence and
 * we resend what is pending. Rate limited unless @now. */
static void
guest_rehello (MopedSession *self,
               gboolean      now)
{
  gint64 t = g_get_monotonic_time ();
  g_autofree char *seq = NULL;
  g_autofree char *terms = NULL;

  if (!now && t - self->rehello_us < REHELLO_US)
    return;
  if (now && t - self->rehello_us < REHELLO_US / 5)
    return;
  self->rehello_us = t;
  self->send_lost = FALSE;
  seq = g_strdup_printf ("%" G_GUINT64_FORMAT, self->seq);
  terms = describe_log_terms (self);
  send_strings (self, NULL, "HELLO", self->name, "", seq, self->listen_link ? self->listen_link : "", terms, NULL);
}

static void
log_append (MopedSession *self,
            const char   *seq,
            const char   *author,
            const char   *lseq,
            const char   *label,
            const char   *text,
            const char   *term)
{
  LogEntry *e = g_new0 (LogEntry, 1);
  guint64 n = g_ascii_strtoull (lseq, NULL, 10);
  guint64 *last = g_hash_table_lookup (self->last_lseq, author);

  e->seq = g_strdup (seq);
  e->author = g_strdup (author);
  e->lseq = g_strdup (lseq);
  e->label = g_strdup (label);
  e->text = g_strdup (text);
  e->term = g_strdup (term && *term ? term : "0");
  g_ptr_array_add (self->log, e);
  /* Each author's edits count once, however long ago they were ordered. */
  if (last == NULL)
    {
      last = g_new0 (guint64, 1);
      g_hash_table_insert (self->last_lseq, g_strdup (author), last);
    }
  *last = MAX (*last, n);
  /* The log is for peers that come back soon: one that is further behind gets the
   * design whole. Kept in bounds so a long session does not grow. */
  if (self->log->len > LOG_KEEP)
    {
      guint drop = self->log->len - LOG_KEEP + LOG_KEEP / 4;

      g_ptr_array_remove_range (self->log, 0, drop);
      self->log_base += drop;
    }
}

/* Apply the transaction the host ordered at @seq_text, taking own pending edits back
 * and replaying them on top. FALSE when it is not the next one. */
static gboolean
apply_ordered (MopedSession *self,
               const char   *seq_text,
               const char   *author,
               const char   *lseq_text,
               const char   *label,
               const char   *text,
               const char   *term)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  guint64 seq = g_ascii_strtoull (seq_text, NULL, 10);
  guint64 lseq = g_ascii_strtoull (lseq_text, NULL, 10);
  gboolean own = g_strcmp0 (author, self->author) == 0;
  Pending *first = self->pending->len ? g_ptr_array_index (self->pending, 0) : NULL;
  gboolean fast = FALSE;

  if (seq != self->seq + 1)
    return FALSE;
  ops = moped_ops_from_text (text, &error);
  if (ops == NULL)
    {
      fail (self, "the host sent an edit that cannot be read");
      return FALSE;
    }
  self->seq = seq;
  g_free (self->last_author);
  self->last_author = g_strdup (author);
  moped_author_history_note_authors (self->history, author, ops);
  if (term == NULL || *term == '\0')
    term = "0";
  note_term (self, term);
  log_append (self, seq_text, author, lseq_text, label, text, term);
  journal_write (self, "T", seq_text, author, lseq_text, label, text, term, NULL);
  if (self->is_host)
    journal_sync (self);   /* broadcast below: the acknowledgement */
  if (self->is_host)
    {
      const char *frames[] = { "TXN", seq_text, author, lseq_text, label, text, term };

      broadcast_frames (self, NULL, frames, 7);
    }

  /* Own edit confirmed as it was applied here: nothing to redo. */
  if (own && first != NULL && first->lseq == lseq && first->txn != NULL)
    {
      g_autofree char *here = moped_ops_to_text (moped_txn_get_ops (first->txn));

      fast = g_str_equal (here, text);
    }
  if (fast)
    g_ptr_array_remove_index (self->pending, 0);
  else
    {
      revert_pending (self);
      /* The host handles one author's edits in order: earlier ones it did not confirm
       * were refused or came to nothing, on a connection that broke before it said so. */
      while (own && self->pending->len > 0 && ((Pending *) g_ptr_array_index (self->pending, 0))->lseq <= lseq)
        {
          g_autofree char *dropped = g_strdup_printf ("%" G_GUINT64_FORMAT,
                                                      ((Pending *) g_ptr_array_index (self->pending, 0))->lseq);

          journal_write (self, "D", dropped, NULL);
          g_ptr_array_remove_index (self->pending, 0);
        }
      self->applying = APPLY_ORDERED;
      if (!moped_design_apply_ops (self->design, label, ops, &error))
        {
          self->applying = APPLY_LOCAL;
          fail (self, "this copy no longer matches the host's: join again");
          return FALSE;
        }
      self->applying = APPLY_LOCAL;
      replay_pending (self);
    }
  /* Only now does the design hold this transaction: a compacted journal starts from
   * it (compacting before it was applied lost it, and a later step that put back what
   * it had removed made the journal unreadable). */
  if (self->journal_records > 4000 && self->pending->len == 0)
    journal_compact (self);
  g_signal_emit (self, signals[SEQUENCED], 0, self->seq);
  return TRUE;
}

static void
guest_txn (MopedSession *self,
           zmsg_t       *msg)
{
  g_autofree char *seq_text = zmsg_popstr (msg);
  g_autofree char *author = zmsg_popstr (msg);
  g_autofree char *lseq_text = zmsg_popstr (msg);
  g_autofree char *label = zmsg_popstr (msg);
  g_autofree char *text = zmsg_popstr (msg);
  g_autofree char *term = zmsg_popstr (msg);

  if (text == NULL || g_ascii_strtoull (seq_text, NULL, 10) <= self->seq)
    return;
  /* Something was lost on a connection that broke: catch up from the log. */
  if (!apply_ordered (self, seq_text, author, lseq_text, label, text, term) && !self->closed)
    guest_rehello (self, TRUE);
}

/* The host refused a pending edit (@reason) or found nothing left to do (NULL). */
static void
guest_drop_pending (MopedSession *self,
                    zmsg_t       *msg,
                    gboolean      refused)
{
  g_autofree char *lseq_text = zmsg_popstr (msg);
  g_autofree char *reason = refused ? zmsg_popstr (msg) : NULL;
  guint64 lseq = lseq_text ? g_ascii_strtoull (lseq_text, NULL, 10) : 0;

  for (guint i = 0; i < self->pending->len; i++)
    {
      Pending *p = g_ptr_array_index (self->pending, i);
      g_autofree char *message = NULL;

      if (p->lseq != lseq)
        continue;
      journal_write (self, "D", lseq_text, NULL);
      if (refused)
        message = g_strdup_printf ("Your edit “%s” was not accepted: %s", p->label, reason ? reason : "");
      revert_pending (self);
      g_ptr_array_remove_index (self->pending, i);
      replay_pending (self);
      if (message != NULL)
        notice (self, message);
      g_signal_emit (self, signals[SEQUENCED], 0, self->seq);
      return;
    }
}

/* The host sent its design whole to a peer that had one (it was further behind than
 * the host's log reaches, or its log parted from the host's after @rewind): take it,
 * keeping every own edit the host may not have to go out again: own transactions
 * beyond @rewind (ordered by a host that was cut off, which nobody else has) and
 * what is pending. Others' transactions beyond @rewind are their authors' to send. */
static gboolean
guest_rebase (MopedSession *self,
              const char   *seq_text,
              const char   *snapshot,
              guint64       rewind)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedDesign) source = moped_file_load_data (snapshot, -1, "the host's design", &error);
  g_autoptr(GPtrArray) again = g_ptr_array_new_with_free_func (pending_free);
  g_autofree char *want = NULL;
  g_autofree char *now = NULL;
  guint orphans = 0;

  if (source == NULL)
    {
      g_autofree char *message = g_strdup_printf ("the host's design cannot be read: %s", error->message);

      fail (self, message);
      return FALSE;
    }
  revert_pending (self);
  for (guint64 s = MAX (rewind, self->log_base) + 1; s <= self->seq && s - self->log_base <= self->log->len; s++)
    {
      const LogEntry *e = g_ptr_array_index (self->log, s - self->log_base - 1);
      Pending *p;

      if (g_strcmp0 (e->author, self->author) != 0)
        continue;
      p = g_new0 (Pending, 1);
      p->lseq = g_ascii_strtoull (e->lseq, NULL, 10);
      p->label = g_strdup (e->label);
      p->text = g_strdup (e->text);
      p->ops = moped_ops_from_text (p->text, NULL);
      if (p->ops == NULL)
        {
          pending_free (p);
          continue;
        }
      g_ptr_array_add (again, p);
      orphans++;
    }
  /* Then what was pending already, numbered after them. */
  for (guint i = 0; i < self->pending->len; i++)
    g_ptr_array_add (again, g_ptr_array_index (self->pending, i));
  g_ptr_array_set_free_func (self->pending, NULL);
  g_ptr_array_unref (self->pending);
  self->pending = g_steal_pointer (&again);

  self->applying = APPLY_ORDERED;
  moped_design_replace_contents (self->design, source, "Shared Design");
  self->applying = APPLY_LOCAL;
  want = moped_file_to_data (source, NULL);
  now = moped_file_to_data (self->design, NULL);
  if (g_strcmp0 (want, now) != 0)
    {
      fail (self, "this copy cannot take the host's design: join again");
      return FALSE;
    }
  self->seq = g_ascii_strtoull (seq_text, NULL, 10);
  g_ptr_array_set_size (self->log, 0);
  self->log_base = self->seq;
  replay_pending (self);
  if (self->journal_path != NULL)
    {
      journal_restart (self, want);
      journal_sync (self);
    }
  if (orphans > 0)
    {
      g_autofree char *message = g_strdup_printf ("%u of your edits reached nobody while this copy was cut "
                                                  "off: they go to the host now", orphans);

      notice (self, message);
    }
  return TRUE;
}

static void
guest_welcome (MopedSession *self,
               zmsg_t       *msg)
{
  g_autofree char *author = zmsg_popstr (msg);
  g_autofree char *access = zmsg_popstr (msg);
  g_autofree char *seq = zmsg_popstr (msg);
  g_autofree char *snapshot = zmsg_popstr (msg);
  g_autofree char *term = zmsg_popstr (msg);
  g_autofree char *from = zmsg_popstr (msg);
  g_autoptr(GError) error = NULL;

  note_term (self, term);
  if (self->joined)
    {
      /* A returning peer: the host sends what we missed next; resend what is pending
       * (the host counts each edit once). */
      g_clear_handle_id (&self->timeout_source, g_source_remove);
      if (self->stepped_down)
        {
          g_message ("%s follows %s now", self->name, self->host_link);
          self->stepped_down = FALSE;
          g_clear_handle_id (&self->listener_watch, g_source_remove);
        }
      self->told_alone = FALSE;
      if (snapshot != NULL && *snapshot != '\0' && seq != NULL &&
          !guest_rebase (self, seq, snapshot, from && *from ? g_ascii_strtoull (from, NULL, 10) : self->seq))
        return;
      self->failing_over = FALSE;
      for (guint i = 0; i < self->pending->len; i++)
        submit (self, g_ptr_array_index (self->pending, i));
      g_signal_emit (self, signals[JOINED], 0);
      return;
    }
  if (snapshot == NULL || g_strcmp0 (author, self->author) != 0)
    {
      fail (self, "the host's welcome makes no sense");
      return;
    }
  self->design = moped_file_load_data (snapshot, -1, "the host's design", &error);
  if (self->design == NULL)
    {
      g_autofree char *message = g_strdup_printf ("the host's design cannot be read: %s", error->message);

      fail (self, message);
      return;
    }
  moped_design_set_unmodified (self->design);
  self->seq = g_ascii_strtoull (seq, NULL, 10);
  self->log_base = self->seq;
  self->access = g_strcmp0 (access, "editor") == 0 ? MOPED_ACCESS_EDITOR : MOPED_ACCESS_VIEWER;
  share_design (self);
  self->joined = TRUE;
  if (self->journal_path != NULL)
    journal_compact (self);
  g_clear_handle_id (&self->timeout_source, g_source_remove);
  g_signal_emit (self, signals[JOINED], 0);
}

static void
guest_message (MopedSession *self,
               zmsg_t       *msg)
{
  g_autofree char *command = zmsg_popstr (msg);

  self->host_heard_us = g_get_monotonic_time ();
  if (command == NULL)
    return;
  if (!g_str_equal (command, "HEARTBEAT"))
    g_debug ("%s <- %s", self->author, command);
  if (g_str_equal (command, "WELCOME"))
    guest_welcome (self, msg);
  else if (g_str_equal (command, "DENIED"))
    {
      g_autofree char *why = zmsg_popstr (msg);
      g_autofree char *message = g_strdup_printf ("the host refused: %s", why ? why : "");

      fail (self, message);
    }
  else if (!self->joined)
    return;
  else if (g_str_equal (command, "TXN"))
    guest_txn (self, msg);
  else if (g_str_equal (command, "WHO"))
    guest_rehello (self, FALSE);
  else if (g_str_equal (command, "TAIL"))
    guest_tail (self, msg);
  else if (g_str_equal (command, "HANDOVER"))
    {
      start_failover (self);
      if (!self->failing_over && !self->is_host)
        notice (self, "The host stopped sharing and nobody here can host: your copy stays, "
                      "and edits go out if the host comes back");
    }
  else if (g_str_equal (command, "HEARTBEAT"))
    {
      g_autofree char *seq = zmsg_popstr (msg);

      /* The host has more than reached us, twice in a row: something was lost. */
      if (seq != NULL && g_ascii_strtoull (seq, NULL, 10) > self->seq)
        {
          if (++self->behind >= 2)
            guest_rehello (self, FALSE);
        }
      else
        self->behind = 0;
    }
  else if (g_str_equal (command, "REFUSED"))
    guest_drop_pending (self, msg, TRUE);
  else if (g_str_equal (command, "DONE"))
    guest_drop_pending (self, msg, FALSE);
  else if (g_str_equal (command, "ROSTER"))
    {
      g_free (self->roster);
      self->roster = zmsg_popstr (msg);
      g_signal_emit (self, signals[ROSTER_CHANGED], 0);
    }
  else if (g_str_equal (command, "PRESENCE"))
    {
      g_autofree char *author = zmsg_popstr (msg);
      g_autofree char *text = zmsg_popstr (msg);

      if (author && text)
        g_signal_emit (self, signals[PRESENCE], 0, author, text);
    }
}

/* ---- a new host when the host goes --------------------------------------------------- */

static void
guest_tail (MopedSession *self,
            zmsg_t       *msg)
{
  g_autofree char *from = zmsg_popstr (msg);
  guint64 s = from ? g_ascii_strtoull (from, NULL, 10) : self->seq;

  for (s = MAX (s, self->log_base); s < self->seq; s++)
    {
      const LogEntry *e = g_ptr_array_index (self->log, s - self->log_base);

      send_strings (self, NULL, "LOG", e->seq, e->author, e->lseq, e->label, e->text, e->term, NULL);
    }
  send_strings (self, NULL, "LOGEND", NULL);
}

static gboolean
end_grace_cb (gpointer user_data)
{
  MopedSession *self = user_data;
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GPtrArray) deferred = NULL;
  guint64 *mine;

  self->grace_source = 0;
  self->in_grace = FALSE;
  g_hash_table_remove_all (self->expected);

  /* Own edits not yet ordered are ordered now, once, as anyone's would be. */
  revert_pending (self);
  pending = g_steal_pointer (&self->pending);
  self->pending = g_ptr_array_new_with_free_func (pending_free);
  mine = g_hash_table_lookup (self->last_lseq, self->author);
  if (mine == NULL)
    {
      mine = g_new0 (guint64, 1);
      g_hash_table_insert (self->last_lseq, g_strdup (self->author), mine);
    }
  for (guint i = 0; i < pending->len; i++)
    {
      Pending *p = g_ptr_array_index (pending, i);
      g_autoptr(GError) error = NULL;
      const char *why;

      if (p->lseq <= *mine)
        continue;
      *mine = p->lseq;
      self->remote_lseq = p->lseq;
      why = host_apply (self, self->author, p->label, p->text, &error);
      if (why != NULL)
        {
          g_autofree char *message = g_strdup_printf ("Your edit “%s” was not accepted: %s", p->label,
                                                      error ? error->message : why);

          notice (self, message);
        }
    }

  /* Then what the others sent meanwhile, in the order it came. */
  deferred = g_steal_pointer (&self->deferred);
  self->deferred = g_ptr_array_new_with_free_func (zmsg_free_cb);
  for (guint i = 0; i < deferred->len; i++)
    {
      zmsg_t *msg = g_ptr_array_index (deferred, i);
      zframe_t *routing_frame = zmsg_pop (msg);
      g_autofree char *routing = zframe_strhex (routing_frame);
      Peer *peer = g_hash_table_lookup (self->peers, routing);

      if (peer != NULL)
        host_submit (self, peer, msg);
      zframe_destroy (&routing_frame);
    }
  broadcast_roster (self);
  return G_SOURCE_REMOVE;
}

static void
take_over (MopedSession *self)
{
  g_auto(GStrv) lines = g_strsplit (self->roster ? self->roster : "", "\n", -1);
  g_autoptr(MopedInvite) where = moped_invite_parse (self->listen_link, NULL);

  guint64 reign = term_count (self->term) + 1;

  g_clear_handle_id (&self->sock_watch, g_source_remove);
  g_clear_handle_id (&self->listener_watch, g_source_remove);
  zsock_destroy (&self->sock);
  self->sock = g_steal_pointer (&self->listener);
  self->is_host = TRUE;
  self->stepped_down = FALSE;
  self->failing_over = FALSE;
  self->told_alone = FALSE;
  g_free (self->term);
  self->term = g_strdup_printf ("%" G_GUINT64_FORMAT ".%s", reign, self->author);
  g_message ("%s hosts now (term %s) from sequence %" G_GUINT64_FORMAT " with %u pending",
             self->name, self->term, self->seq, self->pending->len);
  g_free (self->advertise);
  self->advertise = g_strdup (where->host);
  self->port = where->port;

  /* Everyone the old host admitted may come back; the old host too, as a guest. */
  g_hash_table_remove_all (self->expected);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], "\t", -1);

      if (g_strv_length (f) >= 5 && !g_str_equal (f[0], self->author) && i > 0)
        g_hash_table_add (self->expected, g_strdup (f[0]));
      if (g_strv_length (f) >= 5 && !g_str_equal (f[0], self->author))
        g_hash_table_replace (self->admitted, g_strdup (f[4]),
                              GINT_TO_POINTER (g_str_equal (f[2], "viewer") ? MOPED_ACCESS_VIEWER
                                                                            : MOPED_ACCESS_EDITOR));
    }
  /* Each edit counts once, whoever ordered it. */
  for (guint i = 0; i < self->log->len; i++)
    {
      const LogEntry *e = g_ptr_array_index (self->log, i);
      guint64 lseq = g_ascii_strtoull (e->lseq, NULL, 10);
      guint64 *last = g_hash_table_lookup (self->last_lseq, e->author);

      if (last == NULL)
        {
          last = g_new0 (guint64, 1);
          g_hash_table_insert (self->last_lseq, g_strdup (e->author), last);
        }
      *last = MAX (*last, lseq);
    }
  /* A short grace: peers that got further than this one hand over the rest of the
   * log before anything new is ordered. */
  self->in_grace = TRUE;
  self->grace_source = g_timeout_add (GRACE_MS, end_grace_cb, self);
  self->sock_watch = g_unix_fd_add (zsock_fd (self->sock), G_IO_IN, sock_ready_cb, self);
  g_signal_emit (self, signals[HOSTING], 0);
  schedule_drain (self);
}

/* Try the next peer that could host: this one (take over) or another (connect to it,
 * pinned to the key the old host's roster gave). */
static void
try_candidate (MopedSession *self)
{
  for (; self->candidate < self->candidates->len; self->candidate++)
    {
      char **c = g_ptr_array_index (self->candidates, self->candidate);
      g_autoptr(MopedInvite) invite = NULL;

      if (g_str_equal (c[0], self->author))
        {
          if (self->listener != NULL)
            {
              take_over (self);
              return;
            }
          continue;
        }
      invite = moped_invite_parse (c[5], NULL);
      if (invite == NULL || g_strcmp0 (invite->key_z85, c[4]) != 0)
        continue;
      g_clear_handle_id (&self->sock_watch, g_source_remove);
      zsock_destroy (&self->sock);
      if (!connect_guest (self, invite, NULL))
        continue;
      g_free (self->host_link);
      self->host_link = g_strdup (c[5]);
      journal_write (self, "H", self->host_link, NULL);
      self->sock_watch = g_unix_fd_add (zsock_fd (self->sock), G_IO_IN, sock_ready_cb, self);
      self->failover_us = g_get_monotonic_time ();
      self->host_heard_us = self->failover_us;
      self->rehello_us = 0;
      guest_rehello (self, TRUE);
      return;
    }
  self->failing_over = FALSE;
  if (!self->told_alone)
    notice (self, "The host is gone and nobody here can host: your edits are kept and go out "
                  "when a host is back");
  self->told_alone = TRUE;
}

static gboolean listener_ready_cb (gint fd, GIOCondition condition, gpointer user_data);

/* A host that has heard from no editor for the election timeout, while some of them
 * could host, stops ordering: on their side of a broken network they are electing a
 * successor, and two hosts would make two orders. It turns to the roster's
 * candidates as a guest whose host went (its own edits wait as pending), and keeps
 * listening: a peer that comes back to it knowing no newer term makes it host again
 * (listener_ready_cb). Whoever hosts with the newer term when the two sides meet
 * again stays host; the other side rejoins it (host_hello, guest_rebase). */
static void
step_down (MopedSession *self)
{
  g_message ("%s has heard nobody for %d s: it stops ordering and looks for the host",
             self->name, (int) (HOST_SILENCE_US / G_USEC_PER_SEC));
  g_free (self->roster);
  self->roster = make_roster (self);
  g_free (self->listen_link);
  self->listen_link = moped_session_get_address_link (self);
  g_clear_handle_id (&self->sock_watch, g_source_remove);
  self->listener = g_steal_pointer (&self->sock);
  self->is_host = FALSE;
  self->stepped_down = TRUE;
  g_hash_table_remove_all (self->peers);
  self->host_heard_us = g_get_monotonic_time ();
  self->listener_watch = g_unix_fd_add (zsock_fd (self->listener), G_IO_IN, listener_ready_cb, self);
  notice (self, "Nobody has been heard from for a while: your edits are kept, and go out when the "
                "others are reached again");
  start_failover (self);
}

/* Whether this host has heard no editor for the election timeout while one that
 * could host is on the roster. */
static gboolean
host_cut_off (MopedSession *self,
              gint64        now)
{
  GHashTableIter iter;
  gpointer value;
  gboolean candidates = FALSE;
  gint64 latest = 0;

  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      const Peer *peer = value;

      if (peer->access != MOPED_ACCESS_EDITOR)
        continue;
      candidates |= peer->listen != NULL && *peer->listen != '\0';
      latest = MAX (latest, peer->last_heard_us);
    }
  return candidates && now - latest > HOST_SILENCE_US;
}

/* A stepped-down host hears a peer come back to it: with no newer term than ours, it
 * found no other host either, so this one hosts again. */
static gboolean
listener_ready_cb (gint         fd,
                   GIOCondition condition,
                   gpointer     user_data)
{
  g_autoptr(MopedSession) self = g_object_ref (user_data);

  while (self->stepped_down && self->listener != NULL && (zsock_events (self->listener) & ZMQ_POLLIN))
    {
      zmsg_t *msg = zmsg_recv (self->listener);
      zframe_t *command = msg ? zmsg_next (msg) : NULL;
      gboolean resume = FALSE;

      if (msg == NULL)
        break;
      if (command != NULL && zframe_streq (command, "HELLO"))
        {
          g_autofree char *terms = NULL;
          g_auto(GStrv) runs = NULL;
          guint n;
          zframe_t *f = command;

          /* HELLO name token last listen terms */
          for (guint i = 0; i < 5 && f != NULL; i++)
            f = zmsg_next (msg);
          terms = f ? zframe_strdup (f) : g_strdup ("");
          runs = g_strsplit (terms, ";", -1);
          n = g_strv_length (runs);
          resume = n < 2 || strchr (runs[n - 1], '=') == NULL ||
                   term_cmp (strchr (runs[n - 1], '=') + 1, self->term) <= 0;
        }
      if (resume)
        {
          g_message ("%s: a peer came back knowing no newer host: hosting again", self->name);
          self->listener_watch = 0;
          take_over (self);
          host_message (self, msg);
          zmsg_destroy (&msg);
          return G_SOURCE_REMOVE;
        }
      zmsg_destroy (&msg);
    }
  return G_SOURCE_CONTINUE;
}

static void
start_failover (MopedSession *self)
{
  g_auto(GStrv) lines = g_strsplit (self->roster ? self->roster : "", "\n", -1);

  if (self->failing_over || lines[0] == NULL)
    return;
  g_ptr_array_set_size (self->candidates, 0);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      char **f = g_strsplit (lines[i], "\t", -1);

      if (g_strv_length (f) == 6 && g_str_equal (f[2], "editor") && *f[5] != '\0')
        g_ptr_array_add (self->candidates, f);
      else
        g_strfreev (f);
    }
  if (self->candidates->len == 0)
    return;
  {
    g_auto(GStrv) host = g_strsplit (lines[0], "\t", -1);

    g_free (self->gone_host);
    self->gone_host = g_strdup (host[0]);
  }
  g_message ("%s: the host is gone; trying %u peer(s) that can host", self->name, self->candidates->len);
  self->failing_over = TRUE;
  self->candidate = 0;
  try_candidate (self);
}

/* ---- main loop ------------------------------------------------------------------- */

static void
drain (MopedSession *self)
{
  while (!self->closed && self->sock != NULL && (zsock_events (self->sock) & ZMQ_POLLIN))
    {
      zmsg_t *msg = zmsg_recv (self->sock);

      if (msg == NULL)
        break;
      if (self->is_host)
        host_message (self, msg);
      else
        guest_message (self, msg);
      zmsg_destroy (&msg);
    }
}

static gboolean
sock_ready_cb (gint         fd,
               GIOCondition condition,
               gpointer     user_data)
{
  g_autoptr(MopedSession) self = g_object_ref (user_data);

  drain (self);
  return G_SOURCE_CONTINUE;
}

static gboolean
drain_idle_cb (gpointer user_data)
{
  g_autoptr(MopedSession) self = g_object_ref (user_data);

  self->drain_source = 0;
  drain (self);
  return G_SOURCE_REMOVE;
}

static gboolean
heartbeat_cb (gpointer user_data)
{
  MopedSession *self = user_data;
  gint64 now = g_get_monotonic_time ();

  if (self->is_host)
    {
      g_autofree char *seq = g_strdup_printf ("%" G_GUINT64_FORMAT, self->seq);
      const char *frames[] = { "HEARTBEAT", seq };
      GHashTableIter iter;
      gpointer value;
      gboolean gone = FALSE;

      if (!self->in_grace && host_cut_off (self, now))
        {
          step_down (self);
          return G_SOURCE_CONTINUE;
        }
      broadcast_frames (self, NULL, frames, 2);
      g_hash_table_iter_init (&iter, self->peers);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        if (now - ((Peer *) value)->last_heard_us > PEER_SILENCE_US)
          {
            g_message ("%s went silent", ((Peer *) value)->name);
            g_hash_table_iter_remove (&iter);
            gone = TRUE;
          }
      if (gone)
        broadcast_roster (self);
    }
  else if (self->joined)
    {
      if (self->send_lost && !self->failing_over)
        guest_rehello (self, FALSE);
      send_strings (self, NULL, "PING", NULL);
      /* A candidate that does not answer: the next one. */
      if (self->failing_over && now - self->failover_us > HOST_SILENCE_US)
        {
          self->candidate++;
          try_candidate (self);
        }
      /* A silent host: the next peer hosts if any can; else HELLO again until the
       * connection is back. */
      else if (!self->failing_over && now - self->host_heard_us > HOST_SILENCE_US)
        {
          start_failover (self);
          if (!self->failing_over && !self->is_host)
            guest_rehello (self, FALSE);
        }
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
join_timeout_cb (gpointer user_data)
{
  MopedSession *self = user_data;

  self->timeout_source = 0;
  fail (self, "no answer from the host: it is not running there, or it could not prove "
              "the key the invite names");
  return G_SOURCE_REMOVE;
}

static void
watch (MopedSession *self)
{
  self->sock_watch = g_unix_fd_add (zsock_fd (self->sock), G_IO_IN, sock_ready_cb, self);
  self->heartbeat_source = g_timeout_add (HEARTBEAT_MS, heartbeat_cb, self);
}

/* ---- GObject ------------------------------------------------------------------------ */

void
moped_session_close (MopedSession *self)
{
  g_return_if_fail (MOPED_IS_SESSION (self));

  if (self->closed)
    return;
  if (!self->is_host && self->sock != NULL && self->joined)
    send_strings (self, NULL, "BYE", NULL);
  /* A host that quits hands over: the guests turn to the next peer that can host. */
  if (self->is_host && self->sock != NULL && g_hash_table_size (self->peers) > 0)
    {
      const char *frames[] = { "HANDOVER" };

      broadcast_frames (self, NULL, frames, 1);
      zsock_set_linger (self->sock, 1000);
    }
  self->closed = TRUE;
  g_clear_handle_id (&self->grace_source, g_source_remove);
  g_clear_handle_id (&self->sock_watch, g_source_remove);
  g_clear_handle_id (&self->zap_watch, g_source_remove);
  g_clear_handle_id (&self->listener_watch, g_source_remove);
  g_clear_handle_id (&self->heartbeat_source, g_source_remove);
  g_clear_handle_id (&self->timeout_source, g_source_remove);
  g_clear_handle_id (&self->presence_source, g_source_remove);
  g_clear_handle_id (&self->drain_source, g_source_remove);
  if (self->sock != NULL && !self->is_host)
    zsock_set_linger (self->sock, 200);
  zsock_destroy (&self->sock);
  zsock_destroy (&self->listener);
  zsock_destroy (&self->zap);
}

static void
moped_session_finalize (GObject *object)
{
  MopedSession *self = (MopedSession *) object;

  moped_session_close (self);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_object (&self->design);
  g_clear_pointer (&self->history, moped_author_history_free);
  g_clear_pointer (&self->peers, g_hash_table_unref);
  g_clear_pointer (&self->admitted, g_hash_table_unref);
  g_clear_pointer (&self->tokens, g_hash_table_unref);
  g_clear_pointer (&self->failures, g_hash_table_unref);
  g_clear_pointer (&self->all_failures, g_array_unref);
  g_clear_pointer (&self->last_lseq, g_hash_table_unref);
  g_clear_pointer (&self->log, g_ptr_array_unref);
  g_free (self->author);
  g_free (self->name);
  g_free (self->advertise);
  g_free (self->last_author);
  g_free (self->term);
  g_free (self->roster);
  g_free (self->presence_out);
  g_free (self->host_link);
  g_free (self->listen_link);
  g_free (self->hello_token);
  g_free (self->gone_host);
  g_clear_pointer (&self->candidates, g_ptr_array_unref);
  g_clear_pointer (&self->expected, g_hash_table_unref);
  g_clear_pointer (&self->deferred, g_ptr_array_unref);
  g_free (self->journal_path);
  if (self->journal_fd >= 0)
    close (self->journal_fd);
  G_OBJECT_CLASS (moped_session_parent_class)->finalize (object);
}

static void
moped_session_class_init (MopedSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = moped_session_finalize;

  signals[JOINED] = g_signal_new ("joined", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[NOTICE] = g_signal_new ("notice", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SEQUENCED] = g_signal_new ("sequenced", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                     NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT64);
  signals[ROSTER_CHANGED] = g_signal_new ("roster-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                          NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[HOSTING] = g_signal_new ("hosting", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[PRESENCE] = g_signal_new ("presence", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
moped_session_init (MopedSession *self)
{
  self->pending = g_ptr_array_new_with_free_func (pending_free);
  self->peers = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, peer_free);
  self->admitted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->failures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_array_unref);
  self->all_failures = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->last_lseq = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->log = g_ptr_array_new_with_free_func (log_entry_free);
  self->journal_fd = -1;
  self->candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  self->expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->deferred = g_ptr_array_new_with_free_func (zmsg_free_cb);
}

static void
set_identity (MopedSession       *self,
              const MopedKeyPair *keys,
              const char         *name)
{
  self->keys = *keys;
  self->author = moped_key_to_author (keys->public_z85);
  self->name = g_strdup (name && *name ? name : g_get_real_name ());
  self->history = moped_author_history_new (self->author);
  /* Own edits are numbered upwards from the time this session began, so a later
   * session of the same key (a new join, a restarted host) never reuses a number
   * a host has seen from this key: each (author, number) is one edit. */
  self->next_lseq = (guint64) g_get_real_time ();
  /* czmq must not take over SIGINT/SIGTERM of the program it lives in. */
  zsys_handler_set (NULL);
}

/* A CURVE server ROUTER with our ZAP handler, bound to @bind_endpoint. */
static zsock_t *
server_socket (MopedSession *self,
               const char   *bind_endpoint,
               guint        *port_out,
               GError      **error)
{
  zsock_t *sock;
  int port;

  if (self->zap == NULL)
    {
      int bound = -1;

      self->zap = zsock_new (ZMQ_REP);
      /* A session closed just before (stop sharing, share again) gives the endpoint
       * up only when libzmq's reaper has closed its socket: wait for that, briefly. */
      for (guint i = 0; self->zap != NULL && i < 50 && bound != 0; i++)
        if ((bound = zsock_bind (self->zap, "inproc://zeromq.zap.01")) != 0)
          g_usleep (10000);
      if (self->zap == NULL || bound != 0)
        {
          zsock_destroy (&self->zap);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                       "this program already checks connections for another session");
          return NULL;
        }
      self->zap_watch = g_unix_fd_add (zsock_fd (self->zap), G_IO_IN, zap_ready_cb, self);
    }
  sock = zsock_new (ZMQ_ROUTER);
  zsock_set_zap_domain (sock, "moped");
  zsock_set_curve_server (sock, 1);
  zsock_set_curve_secretkey (sock, self->keys.secret_z85);
  zsock_set_curve_publickey (sock, self->keys.public_z85);
  zsock_set_maxmsgsize (sock, MAX_MESSAGE_BYTES);
  zsock_set_sndhwm (sock, 100000);
  zsock_set_linger (sock, 0);
  port = zsock_bind (sock, "%s", bind_endpoint);
  if (port < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot listen on %s: %s", bind_endpoint,
                   zmq_strerror (zmq_errno ()));
      zsock_destroy (&sock);
      return NULL;
    }
  {
    g_autofree char *last = zsock_last_endpoint (sock);
    const char *colon = last ? strrchr (last, ':') : NULL;

    *port_out = colon ? (guint) atoi (colon + 1) : (guint) port;
  }
  return sock;
}

gboolean
moped_session_listen (MopedSession *self,
                      const char   *bind_endpoint,
                      const char   *advertise,
                      GError      **error)
{
  MopedInvite where = { 0 };
  guint port = 0;
  g_autofree char *host = g_strdup (advertise ? advertise : g_get_host_name ());
  char *colon = strrchr (host, ':');

  g_return_val_if_fail (MOPED_IS_SESSION (self) && !self->is_host, FALSE);
  self->listener = server_socket (self, bind_endpoint, &port, error);
  if (self->listener == NULL)
    return FALSE;
  /* "name:port" (one colon: not an IPv6 address): others reach it on another port
   * than the one bound here (a forwarded port, a test's proxy). */
  if (colon != NULL && strchr (host, ':') == colon && colon[1] != '\0' &&
      strspn (colon + 1, "0123456789") == strlen (colon + 1))
    {
      port = (guint) g_ascii_strtoull (colon + 1, NULL, 10);
      *colon = '\0';
    }
  where.host = host;
  where.port = port;
  where.key_z85 = self->keys.public_z85;
  g_free (self->listen_link);
  self->listen_link = moped_invite_to_link (&where);
  return TRUE;
}

MopedSession *
moped_session_host_new (MopedDesign        *design,
                        const MopedKeyPair *keys,
                        const char         *name,
                        const char         *bind_endpoint,
                        const char         *advertise,
                        GError            **error)
{
  g_autoptr(MopedSession) self = g_object_new (MOPED_TYPE_SESSION, NULL);

  g_return_val_if_fail (MOPED_IS_DESIGN (design), NULL);
  g_return_val_if_fail (keys != NULL && bind_endpoint != NULL, NULL);

  set_identity (self, keys, name);
  self->is_host = TRUE;
  self->joined = TRUE;
  self->access = MOPED_ACCESS_EDITOR;
  self->design = g_object_ref (design);
  self->term = g_strdup_printf ("1.%s", self->author);

  self->sock = server_socket (self, bind_endpoint, &self->port, error);
  if (self->sock == NULL)
    return NULL;
  self->advertise = g_strdup (advertise ? advertise : g_get_host_name ());
  share_design (self);
  watch (self);
  return g_steal_pointer (&self);
}

static void
add_token (MopedSession *self,
           char         *token,
           MopedAccess   access,
           guint         lifetime_s)
{
  Token *t = g_new0 (Token, 1);

  t->access = access;
  t->expires_us = g_get_monotonic_time () + (gint64) lifetime_s * G_USEC_PER_SEC;
  g_hash_table_replace (self->tokens, token, t);
}

char *
moped_session_create_invite (MopedSession *self,
                             MopedAccess   access,
                             guint         lifetime_s)
{
  MopedInvite invite = { 0 };
  g_autoptr(GRand) rand = NULL;
  char *token;

  g_return_val_if_fail (MOPED_IS_SESSION (self) && self->is_host, NULL);

  /* 128 bits from the system's random source (GRand seeds from /dev/urandom). */
  rand = g_rand_new ();
  token = g_strdup_printf ("%08x%08x%08x%08x", g_rand_int (rand), g_rand_int (rand),
                           g_rand_int (rand), g_rand_int (rand));
  add_token (self, g_strdup (token), access, lifetime_s);
  invite.host = self->advertise;
  invite.port = self->port;
  invite.key_z85 = self->keys.public_z85;
  invite.token = token;
  {
    char *link = moped_invite_to_link (&invite);

    g_free (token);
    return link;
  }
}

char *
moped_session_create_code (MopedSession *self,
                           MopedAccess   access,
                           guint         lifetime_s)
{
  g_autoptr(GRand) rand = g_rand_new ();
  char *code;

  g_return_val_if_fail (MOPED_IS_SESSION (self) && self->is_host, NULL);
  do
    code = g_strdup_printf ("%06u", g_rand_int_range (rand, 0, 1000000));
  while (g_hash_table_contains (self->tokens, code) && (g_free (code), TRUE));
  add_token (self, g_strdup (code), access, lifetime_s);
  return code;
}

char *
moped_session_get_address_link (MopedSession *self)
{
  MopedInvite invite = { 0 };

  /* A host, or one that stepped down and listens where it hosted. */
  g_return_val_if_fail (MOPED_IS_SESSION (self) && self->advertise != NULL, NULL);
  invite.host = self->advertise;
  invite.port = self->port;
  invite.key_z85 = self->keys.public_z85;
  return moped_invite_to_link (&invite);
}

/* The first HELLO goes from the main loop, so the caller can first say where this
 * peer would host (moped_session_listen). */
static gboolean
first_hello_cb (gpointer user_data)
{
  MopedSession *self = user_data;
  g_autofree char *last = self->joined ? g_strdup_printf ("%" G_GUINT64_FORMAT, self->seq) : g_strdup ("new");
  g_autofree char *terms = self->joined ? describe_log_terms (self) : g_strdup ("");

  if (!self->closed)
    send_strings (self, NULL, "HELLO", self->name, self->hello_token, last,
                  self->listen_link ? self->listen_link : "", terms, NULL);
  g_clear_pointer (&self->hello_token, g_free);
  return G_SOURCE_REMOVE;
}

static char *
moped_session_link_without_token (const MopedInvite *invite)
{
  MopedInvite bare = *invite;

  bare.token = NULL;
  return moped_invite_to_link (&bare);
}

static gboolean
connect_guest (MopedSession      *self,
               const MopedInvite *invite,
               GError           **error)
{
  g_autofree char *endpoint = moped_invite_get_endpoint (invite);

  self->sock = zsock_new (ZMQ_DEALER);
  zsock_set_curve_serverkey (self->sock, invite->key_z85);
  zsock_set_curve_secretkey (self->sock, self->keys.secret_z85);
  zsock_set_curve_publickey (self->sock, self->keys.public_z85);
  zsock_set_maxmsgsize (self->sock, MAX_MESSAGE_BYTES);
  zsock_set_linger (self->sock, 0);
  /* Never wait to send: a DEALER blocks a send when it has no room to queue it (its
   * host gone or not reading), and the main loop then stopped for good: no heartbeat
   * noticed the silence, no failover, no answer to anyone (seen in the host-kill run:
   * a guest stuck in zmq_msg_send of a SUBMIT). A lost message is made good by saying
   * HELLO again (send_lost). */
  zsock_set_sndtimeo (self->sock, 0);
  zsock_set_reconnect_ivl (self->sock, 100);
  if (zsock_connect (self->sock, "%s", endpoint) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "cannot connect to %s: %s", endpoint,
                   zmq_strerror (zmq_errno ()));
      return FALSE;
    }
  return TRUE;
}

gboolean
moped_session_set_journal (MopedSession *self,
                           const char   *path,
                           GError      **error)
{
  g_return_val_if_fail (MOPED_IS_SESSION (self), FALSE);

  g_free (self->journal_path);
  self->journal_path = g_strdup (path);
  /* A guest's journal starts with the design the host welcomes it with. */
  if (self->design == NULL)
    return TRUE;
  if (self->journal_fd < 0)
    {
      self->journal_fd = open (path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
      if (self->journal_fd < 0)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", path, g_strerror (saved));
          return FALSE;
        }
    }
  if (self->pending->len == 0)
    journal_compact (self);
  return TRUE;
}

static void
set_str (char      **where,
         const char *value)
{
  g_free (*where);
  *where = g_strdup (value);
}

typedef struct
{
  guint64   lseq;
  char     *label;
  char     *text;
} JournalEdit;

static void
journal_edit_free (gpointer data)
{
  JournalEdit *e = data;

  g_free (e->label);
  g_free (e->text);
  g_free (e);
}

/* Whether @design, written out, is @data. */
static gboolean
design_is_data (MopedDesign *design,
                const char  *data)
{
  g_autofree char *now = moped_file_to_data (design, NULL);

  return g_strcmp0 (now, data) == 0;
}

MopedDesign *
moped_session_load_journal (const char  *path,
                            const char  *file_data,
                            gboolean    *file_is_prefix,
                            GError     **error)
{
  g_autofree char *data = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(MopedDesign) design = NULL;
  guint64 seq = 0;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &data, NULL, error))
    return NULL;
  lines = g_strsplit (data, "\n", -1);
  for (guint l = 0; lines[l] != NULL; l++)
    {
      g_auto(GStrv) f = g_strsplit (lines[l], "\t", -1);
      guint n = g_strv_length (f);

      for (guint i = 1; i < n; i++)
        {
          char *plain = g_strcompress (f[i]);

          g_free (f[i]);
          f[i] = plain;
        }
      if (n == 3 && g_str_equal (f[0], "B"))
        {
          g_clear_object (&design);
          design = moped_file_load_data (f[2], -1, path, error);
          if (design == NULL)
            return NULL;
          seq = g_ascii_strtoull (f[1], NULL, 10);
          if (file_is_prefix != NULL)
            *file_is_prefix = file_data != NULL && design_is_data (design, file_data);
        }
      else if ((n == 6 || n == 7) && g_str_equal (f[0], "T") && design != NULL &&
               g_ascii_strtoull (f[1], NULL, 10) == seq + 1)
        {
          g_autoptr(GPtrArray) ops = moped_ops_from_text (f[5], error);

          if (ops == NULL || !moped_design_apply_ops (design, f[4], ops, error))
            {
              g_prefix_error (error, "%s, transaction %s: ", path, f[1]);
              return NULL;
            }
          seq++;
          if (file_is_prefix != NULL && !*file_is_prefix && file_data != NULL)
            *file_is_prefix = design_is_data (design, file_data);
        }
      /* P and D records are a guest's own; a record cut short by a crash is skipped. */
    }
  if (design == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: not a Moped journal", path);
      return NULL;
    }
  moped_design_clear_history (design);
  return g_steal_pointer (&design);
}

/* Rebuild what the journal at @path says this peer had shown. */
static gboolean
replay_journal (MopedSession *self,
                const char   *path,
                GError      **error)
{
  g_autofree char *data = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) base = NULL;       /* fields of the last B */
  g_autoptr(GPtrArray) confirmed = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GPtrArray) edits = g_ptr_array_new_with_free_func (journal_edit_free);
  g_autofree char *link = NULL;
  guint64 max_lseq = 0;

  if (!g_file_get_contents (path, &data, NULL, error))
    return FALSE;
  lines = g_strsplit (data, "\n", -1);
  for (guint l = 0; lines[l] != NULL; l++)
    {
      g_auto(GStrv) f = g_strsplit (lines[l], "\t", -1);
      guint n = g_strv_length (f);

      for (guint i = 1; i < n; i++)
        {
          char *plain = g_strcompress (f[i]);

          g_free (f[i]);
          f[i] = plain;
        }
      if (n == 2 && g_str_equal (f[0], "H"))
        set_str (&link, f[1]);
      else if (n == 3 && g_str_equal (f[0], "B"))
        {
          g_clear_pointer (&base, g_ptr_array_unref);
          base = g_ptr_array_new_with_free_func (g_free);
          g_ptr_array_add (base, g_strdup (f[1]));
          g_ptr_array_add (base, g_strdup (f[2]));
          g_ptr_array_set_size (confirmed, 0);
          g_ptr_array_set_size (edits, 0);
        }
      else if ((n == 6 || n == 7) && g_str_equal (f[0], "T"))
        {
          guint64 lseq = g_ascii_strtoull (f[3], NULL, 10);

          if (g_str_equal (f[2], self->author))
            {
              max_lseq = MAX (max_lseq, lseq);
              /* Earlier own edits the host did not confirm were refused. */
              for (guint i = 0; i < edits->len; i++)
                if (((JournalEdit *) g_ptr_array_index (edits, i))->lseq <= lseq)
                  g_ptr_array_remove_index (edits, i--);
            }
          g_ptr_array_add (confirmed, g_steal_pointer (&f));
        }
      else if (n == 4 && g_str_equal (f[0], "P"))
        {
          JournalEdit *e = g_new0 (JournalEdit, 1);

          e->lseq = g_ascii_strtoull (f[1], NULL, 10);
          e->label = g_strdup (f[2]);
          e->text = g_strdup (f[3]);
          max_lseq = MAX (max_lseq, e->lseq);
          g_ptr_array_add (edits, e);
        }
      else if (n == 2 && g_str_equal (f[0], "D"))
        {
          guint64 lseq = g_ascii_strtoull (f[1], NULL, 10);

          for (guint i = 0; i < edits->len; i++)
            if (((JournalEdit *) g_ptr_array_index (edits, i))->lseq == lseq)
              g_ptr_array_remove_index (edits, i--);
        }
      /* Anything else (a record cut short by a crash) is skipped. */
    }
  if (base == NULL || link == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: not a Moped journal", path);
      return FALSE;
    }

  self->host_link = g_steal_pointer (&link);
  self->design = moped_file_load_data (g_ptr_array_index (base, 1), -1, path, error);
  if (self->design == NULL)
    return FALSE;
  self->seq = g_ascii_strtoull (g_ptr_array_index (base, 0), NULL, 10);
  self->log_base = self->seq;
  share_design (self);
  self->joined = TRUE;
  self->next_lseq = MAX (self->next_lseq, max_lseq);

  self->applying = APPLY_ORDERED;
  for (guint i = 0; i < confirmed->len; i++)
    {
      char **f = g_ptr_array_index (confirmed, i);
      guint64 seq = g_ascii_strtoull (f[1], NULL, 10);
      g_autoptr(GPtrArray) ops = NULL;

      if (seq != self->seq + 1)
        continue;
      ops = moped_ops_from_text (f[5], error);
      if (ops == NULL || !moped_design_apply_ops (self->design, f[4], ops, error))
        {
          self->applying = APPLY_LOCAL;
          return FALSE;
        }
      self->seq = seq;
      set_str (&self->last_author, f[2]);
      moped_author_history_note_authors (self->history, f[2], ops);
      log_append (self, f[1], f[2], f[3], f[4], f[5], f[6]);
      note_term (self, f[6]);
    }
  self->applying = APPLY_LOCAL;
  for (guint i = 0; i < edits->len; i++)
    {
      JournalEdit *e = g_ptr_array_index (edits, i);
      Pending *p = g_new0 (Pending, 1);

      p->lseq = e->lseq;
      p->label = g_strdup (e->label);
      p->text = g_strdup (e->text);
      p->ops = moped_ops_from_text (p->text, NULL);
      if (p->ops == NULL)
        {
          pending_free (p);
          continue;
        }
      g_ptr_array_add (self->pending, p);
    }
  replay_pending (self);
  moped_design_set_unmodified (self->design);
  return TRUE;
}

MopedSession *
moped_session_resume (const char         *journal_path,
                      const MopedKeyPair *keys,
                      const char         *name,
                      guint               timeout_ms,
                      GError            **error)
{
  g_autoptr(MopedSession) self = g_object_new (MOPED_TYPE_SESSION, NULL);
  g_autoptr(MopedInvite) invite = NULL;
  set_identity (self, keys, name);
  if (!replay_journal (self, journal_path, error))
    return NULL;
  invite = moped_invite_parse (self->host_link, error);
  if (invite == NULL || !connect_guest (self, invite, error))
    return NULL;
  self->journal_fd = open (journal_path, O_WRONLY | O_APPEND | O_CLOEXEC);
  self->journal_path = g_strdup (journal_path);
  self->hello_token = g_strdup ("");
  g_idle_add_full (G_PRIORITY_HIGH, first_hello_cb, g_object_ref (self), g_object_unref);
  self->timeout_source = g_timeout_add (timeout_ms ? timeout_ms : 10000, join_timeout_cb, self);
  watch (self);
  return g_steal_pointer (&self);
}

MopedSession *
moped_session_join (const char         *link,
                    const char         *code,
                    const MopedKeyPair *keys,
                    const char         *name,
                    guint               timeout_ms,
                    GError            **error)
{
  g_autoptr(MopedSession) self = NULL;
  g_autoptr(MopedInvite) invite = moped_invite_parse (link, error);

  if (invite == NULL)
    return NULL;
  if ((code == NULL || *code == '\0') && invite->token == NULL)
    {
      /* Allowed: a key the host admitted before comes back without a token. */
    }
  self = g_object_new (MOPED_TYPE_SESSION, NULL);
  set_identity (self, keys, name);
  if (!connect_guest (self, invite, error))
    return NULL;
  self->host_link = moped_session_link_without_token (invite);
  self->hello_token = g_strdup (code && *code ? code : invite->token ? invite->token : "");
  g_idle_add_full (G_PRIORITY_HIGH, first_hello_cb, g_object_ref (self), g_object_unref);
  self->timeout_source = g_timeout_add (timeout_ms ? timeout_ms : 10000, join_timeout_cb, self);
  watch (self);
  return g_steal_pointer (&self);
}

gboolean
moped_session_is_host (MopedSession *self)
{
  g_return_val_if_fail (MOPED_IS_SESSION (self), FALSE);
  return self->is_host;
}

MopedDesign *
moped_session_get_design (MopedSession *self)
{
  g_return_val_if_fail (MOPED_IS_SESSION (self), NULL);
  return self->design;
}

const char *
moped_session_get_author (MopedSession *self)
{
  g_return_val_if_fail (MOPED_IS_SESSION (self), NULL);
  return self->author;
}

MopedAccess
moped_session_get_access (MopedSession *self)
{
  g_return_val_if_fail (MOPED_IS_SESSION (self), MOPED_ACCESS_VIEWER);
  return self->access;
}

guint64
moped_session_get_seq (MopedSession *self)
{
  g_return_val_if_fail (MOPED_IS_SESSION (self), 0);
  return self->seq;
}

const char *
moped_session_get_host_link (MopedSession *self)
{
  g_return_val_if_fail (MOPED_IS_SESSION (self), NULL);
  return self->host_link;
}

const char *
moped_session_get_last_author (MopedSession *self)
{
  g_return_val_if_fail (MOPED_IS_SESSION (self), NULL);
  return self->last_author;
}

guint
moped_session_get_n_pending (MopedSession *self)
{
  g_return_val_if_fail (MOPED_IS_SESSION (self), 0);
  return self->pending->len;
}

char *
moped_session_dup_roster (MopedSession *self)
{
  g_return_val_if_fail (MOPED_IS_SESSION (self), NULL);
  return self->is_host ? make_roster (self) : g_strdup (self->roster ? self->roster : "");
}

static gboolean
presence_flush_cb (gpointer user_data)
{
  MopedSession *self = user_data;
  g_autofree char *text = g_steal_pointer (&self->presence_out);

  self->presence_source = 0;
  if (text == NULL || self->closed)
    return G_SOURCE_REMOVE;
  if (self->is_host)
    {
      const char *frames[] = { "PRESENCE", self->author, text };

      broadcast_frames (self, NULL, frames, 3);
    }
  else
    send_strings (self, NULL, "PRESENCE", text, NULL);
  return G_SOURCE_REMOVE;
}

void
moped_session_set_presence (MopedSession *self,
                            const char   *text)
{
  g_return_if_fail (MOPED_IS_SESSION (self));
  g_free (self->presence_out);
  self->presence_out = g_strdup (text);
  if (self->presence_source == 0)
    self->presence_source = g_timeout_add (PRESENCE_MS, presence_flush_cb, self);
}
