/* moped-collab-peer.c: the headless peer behind `moped host` and `moped join`.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-collab"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gio/gunixinputstream.h>
#include <glib-unix.h>

#include "moped-collab-peer.h"
#include "moped-file.h"

#define SAVE_DELAY_MS 200

struct _MopedCollabPeer
{
  MopedSession     *session;
  char             *save_path;
  GMainLoop        *loop;
  GDataInputStream *input;
  GCancellable     *cancellable;
  guint             save_source;
  guint             sigint_source;
  guint             sigterm_source;
  gulong            changed_handler;
  int               status;
  MopedCollabPeerCommandFunc extra;
  gpointer          extra_data;
};

void
moped_collab_peer_set_extra_commands (MopedCollabPeer           *self,
                                      MopedCollabPeerCommandFunc func,
                                      gpointer                   user_data)
{
  self->extra = func;
  self->extra_data = user_data;
}

void
moped_collab_peer_print (MopedCollabPeer *self,
                         const char      *format,
                         ...)
{
  va_list args;
  g_autofree char *line = NULL;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);
  /* One event per line, whatever the text holds. */
  g_strdelimit (line, "\n\r", ' ');
  fprintf (stdout, "%s\n", line);
  fflush (stdout);
}

gboolean
moped_collab_peer_save (MopedCollabPeer *self)
{
  MopedDesign *design = moped_session_get_design (self->session);
  g_autoptr(GError) error = NULL;

  g_clear_handle_id (&self->save_source, g_source_remove);
  if (design == NULL || self->save_path == NULL)
    return TRUE;
  if (!moped_file_save (design, self->save_path, &error))
    {
      moped_collab_peer_print (self, "failed cannot save: %s", error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
save_cb (gpointer user_data)
{
  MopedCollabPeer *self = user_data;

  self->save_source = 0;
  moped_collab_peer_save (self);
  return G_SOURCE_REMOVE;
}

static void
design_changed_cb (MopedDesign  *design,
                   const GArray *changes,
                   gpointer      user_data)
{
  MopedCollabPeer *self = user_data;

  if (self->save_source == 0)
    self->save_source = g_timeout_add (SAVE_DELAY_MS, save_cb, self);
}

static void
watch_design (MopedCollabPeer *self)
{
  MopedDesign *design = moped_session_get_design (self->session);

  if (design != NULL && self->changed_handler == 0)
    self->changed_handler = g_signal_connect (design, "changed", G_CALLBACK (design_changed_cb), self);
}

static void
quit (MopedCollabPeer *self,
      int              status)
{
  /* A host's journal is only needed while the file may lag behind it. */
  if (moped_collab_peer_save (self) && moped_session_is_host (self->session) && self->save_path != NULL &&
      moped_session_get_design (self->session) != NULL)
    {
      g_autofree char *journal = g_strconcat (self->save_path, ".journal", NULL);

      moped_session_close (self->session);
      g_unlink (journal);
    }
  moped_session_close (self->session);
  self->status = status;
  g_main_loop_quit (self->loop);
}

static void
joined_cb (MopedSession    *session,
           MopedCollabPeer *self)
{
  watch_design (self);
  moped_collab_peer_save (self);
  moped_collab_peer_print (self, "joined author=%s access=%s seq=%" G_GUINT64_FORMAT,
                           moped_session_get_author (session),
                           moped_session_get_access (session) == MOPED_ACCESS_EDITOR ? "editor" : "viewer",
                           moped_session_get_seq (session));
}

static void
failed_cb (MopedSession    *session,
           const char      *message,
           MopedCollabPeer *self)
{
  moped_collab_peer_print (self, "failed %s", message);
  quit (self, 1);
}

static void
notice_cb (MopedSession    *session,
           const char      *message,
           MopedCollabPeer *self)
{
  moped_collab_peer_print (self, "notice %s", message);
}

static void
hosting_cb (MopedSession    *session,
            MopedCollabPeer *self)
{
  g_autofree char *link = moped_session_get_address_link (session);

  moped_collab_peer_print (self, "hosting %s", link);
}

static void
presence_cb (MopedSession    *session,
             const char      *author,
             const char      *text,
             MopedCollabPeer *self)
{
  moped_collab_peer_print (self, "presence %s %s", author, text);
}

static MopedAccess
parse_access (const char *word)
{
  return g_strcmp0 (word, "viewer") == 0 ? MOPED_ACCESS_VIEWER : MOPED_ACCESS_EDITOR;
}

static void
command (MopedCollabPeer *self,
         const char      *line)
{
  g_auto(GStrv) words = g_strsplit (line, " ", 3);
  const char *verb = words[0] ? words[0] : "";
  guint lifetime = words[0] && words[1] && words[2] ? (guint) g_ascii_strtoull (words[2], NULL, 10) : 600;

  if (g_str_equal (verb, "invite") || g_str_equal (verb, "code"))
    {
      g_autofree char *made = NULL;

      if (!moped_session_is_host (self->session))
        {
          moped_collab_peer_print (self, "error only the host makes invites");
          return;
        }
      made = g_str_equal (verb, "invite")
               ? moped_session_create_invite (self->session, parse_access (words[1]), lifetime)
               : moped_session_create_code (self->session, parse_access (words[1]), lifetime);
      moped_collab_peer_print (self, "%s %s", verb, made);
    }
  else if (g_str_equal (verb, "status"))
    moped_collab_peer_print (self, "status seq=%" G_GUINT64_FORMAT " pending=%u last=%s host=%s",
                             moped_session_get_seq (self->session),
                             moped_session_get_n_pending (self->session),
                             moped_session_get_last_author (self->session)
                               ? moped_session_get_last_author (self->session) : "-",
                             moped_session_is_host (self->session) ? "yes" : "no");
  else if (g_str_equal (verb, "save"))
    {
      if (moped_collab_peer_save (self))
        moped_collab_peer_print (self, "saved seq=%" G_GUINT64_FORMAT, moped_session_get_seq (self->session));
    }
  else if (g_str_equal (verb, "undo"))
    moped_collab_peer_print (self, "undo %s", moped_session_undo (self->session) ? "done" : "nothing");
  else if (g_str_equal (verb, "redo"))
    moped_collab_peer_print (self, "redo %s", moped_session_redo (self->session) ? "done" : "nothing");
  else if (g_str_equal (verb, "presence"))
    moped_session_set_presence (self->session, line + strlen ("presence "));
  else if (g_str_equal (verb, "roster"))
    {
      g_autofree char *roster = moped_session_dup_roster (self->session);

      g_strdelimit (roster, "\n", ';');
      moped_collab_peer_print (self, "roster %s", roster);
    }
  else if (g_str_equal (verb, "quit"))
    quit (self, 0);
  else if (self->extra != NULL && self->extra (line, self->extra_data))
    return;
  else if (*verb != '\0')
    moped_collab_peer_print (self, "error unknown command “%s”", verb);
}

static void read_next (MopedCollabPeer *self);

static void
line_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  MopedCollabPeer *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result,
                                                                     NULL, &error);

  if (line == NULL)
    return;   /* end of input or cancelled: keep serving */
  command (self, line);
  if (!g_cancellable_is_cancelled (self->cancellable))
    read_next (self);
}

static void
read_next (MopedCollabPeer *self)
{
  g_data_input_stream_read_line_async (self->input, G_PRIORITY_DEFAULT, self->cancellable, line_read_cb, self);
}

static gboolean
signal_cb (gpointer user_data)
{
  quit (user_data, 0);
  return G_SOURCE_CONTINUE;
}

MopedCollabPeer *
moped_collab_peer_new (MopedSession *session,
                       const char   *save_path,
                       GMainLoop    *loop)
{
  MopedCollabPeer *self = g_new0 (MopedCollabPeer, 1);
  g_autoptr(GInputStream) in = g_unix_input_stream_new (STDIN_FILENO, FALSE);

  self->session = g_object_ref (session);
  self->save_path = g_strdup (save_path);
  self->loop = g_main_loop_ref (loop);
  self->cancellable = g_cancellable_new ();
  self->input = g_data_input_stream_new (in);
  g_signal_connect (session, "joined", G_CALLBACK (joined_cb), self);
  g_signal_connect (session, "failed", G_CALLBACK (failed_cb), self);
  g_signal_connect (session, "notice", G_CALLBACK (notice_cb), self);
  g_signal_connect (session, "presence", G_CALLBACK (presence_cb), self);
  g_signal_connect (session, "hosting", G_CALLBACK (hosting_cb), self);
  self->sigint_source = g_unix_signal_add (SIGINT, signal_cb, self);
  self->sigterm_source = g_unix_signal_add (SIGTERM, signal_cb, self);
  watch_design (self);
  read_next (self);
  return self;
}

MopedSession *
moped_collab_peer_host (const char         *design_path,
                        const MopedKeyPair *keys,
                        const char         *name,
                        const char         *bind_endpoint,
                        const char         *advertise,
                        GError            **error)
{
  g_autofree char *journal = g_strconcat (design_path, ".journal", NULL);
  g_autoptr(MopedDesign) design = NULL;
  g_autoptr(MopedSession) session = NULL;

  if (g_file_test (journal, G_FILE_TEST_EXISTS))
    {
      g_autoptr(MopedDesign) on_disk = moped_file_load (design_path, NULL);
      g_autofree char *file_data = on_disk ? moped_file_to_data (on_disk, NULL) : NULL;
      gboolean from_session = FALSE;

      /* Compared as the file format writes it: the file as first given may be
       * written differently (an older format, other spacing) and mean the same. */
      design = moped_session_load_journal (journal, file_data, &from_session, error);
      if (design != NULL && g_file_test (design_path, G_FILE_TEST_EXISTS) && !from_session)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                       "%s was changed after the session that left %s ended: move one of them away "
                       "(the journal holds what that session acknowledged)", design_path, journal);
          return NULL;
        }
    }
  else
    design = moped_file_load (design_path, error);
  if (design == NULL)
    return NULL;
  session = moped_session_host_new (design, keys, name, bind_endpoint, advertise, error);
  if (session == NULL || !moped_session_set_journal (session, journal, error))
    return NULL;
  return g_steal_pointer (&session);
}

MopedSession *
moped_collab_peer_join (const char         *link,
                        const char         *code,
                        const MopedKeyPair *keys,
                        const char         *name,
                        guint               timeout_ms,
                        const char         *save_path,
                        GError            **error)
{
  g_autofree char *journal = g_strconcat (save_path, ".journal", NULL);
  MopedSession *session;

  if (g_file_test (journal, G_FILE_TEST_EXISTS))
    {
      session = moped_session_resume (journal, keys, name, timeout_ms, error);
      if (session != NULL && link != NULL)
        {
          g_autoptr(MopedInvite) given = moped_invite_parse (link, error);
          g_autoptr(MopedInvite) kept = moped_invite_parse (moped_session_get_host_link (session), NULL);

          if (given == NULL || kept == NULL || g_strcmp0 (given->key_z85, kept->key_z85) != 0)
            {
              if (given != NULL)
                g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                             "%s belongs to another shared design (its journal is %s)", save_path, journal);
              moped_session_close (session);
              g_object_unref (session);
              return NULL;
            }
        }
      return session;
    }
  if (link == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no invite given and no journal %s to come back from",
                   journal);
      return NULL;
    }
  session = moped_session_join (link, code, keys, name, timeout_ms, error);
  if (session != NULL && !moped_session_set_journal (session, journal, error))
    g_clear_object (&session);
  return session;
}

int
moped_collab_peer_get_status (MopedCollabPeer *self)
{
  return self->status;
}

void
moped_collab_peer_free (MopedCollabPeer *self)
{
  MopedDesign *design;

  if (self == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  design = moped_session_get_design (self->session);
  if (design != NULL && self->changed_handler != 0)
    g_signal_handler_disconnect (design, self->changed_handler);
  g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_handle_id (&self->save_source, g_source_remove);
  g_clear_handle_id (&self->sigint_source, g_source_remove);
  g_clear_handle_id (&self->sigterm_source, g_source_remove);
  g_clear_object (&self->input);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  g_main_loop_unref (self->loop);
  g_free (self->save_path);
  g_free (self);
}
