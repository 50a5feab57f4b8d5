/* moped-staging.c: writing a set of output files all or nothing.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The staging folder ".moped-export-PID-XXXXXX" lives inside the target directory, so
 * moving a file into place is a rename within one file system (it needs no space and
 * cannot fail half way). Before a file is replaced, the old one is hard-linked into
 * the staging folder's "old/" part; a rollback renames it back. A folder left by a
 * killed export (its PID no longer runs) is removed by the next export there.
 */
#define G_LOG_DOMAIN "moped-export"
#define _GNU_SOURCE   /* syncfs */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "moped-export-c.h"
#include "moped-staging.h"

#define STAGING_PREFIX ".moped-export-"

typedef enum
{
  STEP_CREATED,    /* a new file was moved into place */
  STEP_REPLACED,   /* an old file was replaced; its copy is in old/ */
  STEP_REMOVED,    /* an old file was moved to old/ */
} StepKind;

typedef struct
{
  char     *path;
  gboolean  remove;
  StepKind  done;
} Entry;

struct _MopedStaging
{
  char      *directory;
  char      *folder;            /* the staging folder */
  gboolean   made_directory;
  GPtrArray *entries;           /* Entry, in the order staged */
  GPtrArray *made_folders;      /* folders made in the directory while committing */
};

static void
entry_free (gpointer data)
{
  Entry *e = data;

  g_free (e->path);
  g_free (e);
}

/* Removes @path and everything below it, never following a symbolic link. */
static void
remove_tree (const char *path)
{
  struct stat st;

  if (g_lstat (path, &st) != 0)
    return;
  if (S_ISDIR (st.st_mode))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static void
remove_stale_folders (const char *directory)
{
  g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      const char *rest;
      char *end = NULL;
      gint64 pid;

      if (!g_str_has_prefix (name, STAGING_PREFIX))
        continue;
      rest = name + strlen (STAGING_PREFIX);
      pid = g_ascii_strtoll (rest, &end, 10);
      if (end == rest || *end != '-' || pid <= 0 || pid > G_MAXINT || pid == getpid ())
        continue;
      if (kill ((pid_t) pid, 0) != 0 && errno == ESRCH)
        {
          g_autofree char *full = g_build_filename (directory, name, NULL);

          g_debug ("Removing %s, left by an export that did not finish", full);
          remove_tree (full);
        }
    }
}

static void
set_io_error (GError     **error,
              int          errnum,
              const char  *what,
              const char  *path)
{
  g_set_error (error, MOPED_EXPORT_ERROR, MOPED_EXPORT_ERROR_IO, "cannot %s %s: %s",
               what, path, g_strerror (errnum));
}

MopedStaging *
moped_staging_new (const char  *directory,
                   GError     **error)
{
  g_autoptr(MopedStaging) self = g_new0 (MopedStaging, 1);
  g_autofree char *template = NULL;

  g_return_val_if_fail (directory != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self->directory = g_strdup (directory);
  self->entries = g_ptr_array_new_with_free_func (entry_free);
  self->made_folders = g_ptr_array_new_with_free_func (g_free);
  if (!g_file_test (directory, G_FILE_TEST_IS_DIR))
    {
      if (g_mkdir_with_parents (directory, 0777) != 0)
        {
          set_io_error (error, errno, "create", directory);
          return NULL;
        }
      self->made_directory = TRUE;
    }
  remove_stale_folders (directory);
  template = g_strdup_printf ("%s/" STAGING_PREFIX "%d-XXXXXX", directory, (int) getpid ());
  if (g_mkdtemp (template) == NULL)
    {
      set_io_error (error, errno, "write into", directory);
      return NULL;
    }
  self->folder = g_steal_pointer (&template);
  return g_steal_pointer (&self);
}

static gboolean
is_safe_path (const char *path)
{
  g_auto(GStrv) parts = NULL;

  if (path[0] == '\0' || path[0] == '/' || strstr (path, "//") != NULL)
    return FALSE;
  parts = g_strsplit (path, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (parts[i][0] == '\0' || strcmp (parts[i], ".") == 0 || strcmp (parts[i], "..") == 0 ||
        (i == 0 && g_str_has_prefix (parts[i], STAGING_PREFIX)))
      return FALSE;
  return TRUE;
}

static gboolean
write_all (int         fd,
           const char *data,
           gsize       length)
{
  while (length > 0)
    {
      gssize written = write (fd, data, MIN (length, (gsize) G_MAXSSIZE));

      if (written < 0 && errno == EINTR)
        continue;
      if (written <= 0)
        {
          if (written == 0)
            errno = ENOSPC;
          return FALSE;
        }
      data += written;
      length -= (gsize) written;
    }
  return TRUE;
}

gboolean
moped_staging_write (MopedStaging  *self,
                     const char    *path,
                     const char    *data,
                     gsize          length,
                     GError       **error)
{
  g_autofree char *staged = NULL;
  g_autofree char *parent = NULL;
  g_autofree char *target = NULL;
  Entry *entry;
  struct stat st;
  int fd;

  g_return_val_if_fail (self != NULL && self->folder != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  target = g_build_filename (self->directory, path, NULL);
  if (!is_safe_path (path))
    {
      set_io_error (error, EINVAL, "write", target);
      return FALSE;
    }
  staged = g_build_filename (self->folder, "new", path, NULL);
  parent = g_path_get_dirname (staged);
  if (g_mkdir_with_parents (parent, 0777) != 0)
    {
      set_io_error (error, errno, "write", target);
      return FALSE;
    }
  fd = g_open (staged, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0)
    {
      set_io_error (error, errno, "write", target);
      return FALSE;
    }
  /* A replaced file keeps its mode: a user's private handler file stays private. */
  if (g_stat (target, &st) == 0 && S_ISREG (st.st_mode))
    fchmod (fd, st.st_mode & 07777);
  if (!write_all (fd, data != NULL ? data : "", length))
    {
      int saved = errno;

      close (fd);
      g_unlink (staged);
      set_io_error (error, saved, "write", target);
      return FALSE;
    }
  if (close (fd) != 0)
    {
      set_io_error (error, errno, "write", target);
      return FALSE;
    }
  entry = g_new0 (Entry, 1);
  entry->path = g_strdup (path);
  g_ptr_array_add (self->entries, entry);
  return TRUE;
}

void
moped_staging_remove (MopedStaging *self,
                      const char   *path)
{
  Entry *entry;

  g_return_if_fail (self != NULL);
  g_return_if_fail (path != NULL && is_safe_path (path));

  entry = g_new0 (Entry, 1);
  entry->path = g_strdup (path);
  entry->remove = TRUE;
  g_ptr_array_add (self->entries, entry);
}

/* Makes the folders @target needs inside the directory, remembering each one made. */
static gboolean
make_parents (MopedStaging *self,
              const char   *target)
{
  g_autofree char *parent = g_path_get_dirname (target);
  g_autoptr(GPtrArray) missing = g_ptr_array_new_with_free_func (g_free);

  while (!g_file_test (parent, G_FILE_TEST_EXISTS) && strcmp (parent, self->directory) != 0)
    {
      char *up = g_path_get_dirname (parent);

      g_ptr_array_add (missing, g_steal_pointer (&parent));
      parent = up;
    }
  for (guint i = missing->len; i > 0; i--)
    {
      const char *folder = g_ptr_array_index (missing, i - 1);

      if (g_mkdir (folder, 0777) != 0)
        return FALSE;
      g_ptr_array_add (self->made_folders, g_strdup (folder));
    }
  return TRUE;
}

static gboolean
move_old_aside (MopedStaging *self,
                const char   *path,
                const char   *target,
                gboolean      keep_in_place)
{
  g_autofree char *old = g_build_filename (self->folder, "old", path, NULL);
  g_autofree char *parent = g_path_get_dirname (old);

  if (g_mkdir_with_parents (parent, 0777) != 0)
    return FALSE;
  /* A hard link keeps the old file in place until the new one replaces it atomically;
   * where links are not possible, moving it aside is the fallback. */
  if (keep_in_place && link (target, old) == 0)
    return TRUE;
  return g_rename (target, old) == 0;
}

static gboolean
commit_entry (MopedStaging *self,
              Entry        *e)
{
  g_autofree char *target = g_build_filename (self->directory, e->path, NULL);
  g_autofree char *staged = g_build_filename (self->folder, "new", e->path, NULL);
  struct stat st;
  gboolean exists = g_lstat (target, &st) == 0;

  if (e->remove)
    {
      if (!exists)
        {
          e->done = STEP_CREATED;   /* nothing to put back but nothing to undo either */
          return TRUE;
        }
      if (!move_old_aside (self, e->path, target, FALSE))
        return FALSE;
      e->done = STEP_REMOVED;
      return TRUE;
    }
  if (exists)
    {
      if (S_ISDIR (st.st_mode))
        {
          errno = EISDIR;
          return FALSE;
        }
      if (!move_old_aside (self, e->path, target, TRUE))
        return FALSE;
      e->done = STEP_REPLACED;
    }
  else
    {
      if (!make_parents (self, target))
        return FALSE;
      e->done = STEP_CREATED;
    }
  if (g_rename (staged, target) != 0)
    {
      int saved = errno;
      g_autofree char *old = g_build_filename (self->folder, "old", e->path, NULL);

      /* Put the old file back if it was moved aside, before the caller's rollback. */
      if (e->done == STEP_REPLACED && !g_file_test (target, G_FILE_TEST_EXISTS))
        g_rename (old, target);
      errno = saved;
      return FALSE;
    }
  return TRUE;
}

static void
roll_back (MopedStaging *self,
           guint         n_done)
{
  for (guint i = n_done; i > 0; i--)
    {
      Entry *e = g_ptr_array_index (self->entries, i - 1);
      g_autofree char *target = g_build_filename (self->directory, e->path, NULL);
      g_autofree char *old = g_build_filename (self->folder, "old", e->path, NULL);

      if (e->remove && e->done == STEP_CREATED)
        continue;
      if (e->done == STEP_CREATED)
        g_unlink (target);
      else if (g_rename (old, target) != 0)
        g_warning ("Could not put %s back: %s", target, g_strerror (errno));
    }
  for (guint i = self->made_folders->len; i > 0; i--)
    g_rmdir (g_ptr_array_index (self->made_folders, i - 1));
  g_ptr_array_set_size (self->made_folders, 0);
}

/* A few files are flushed one by one; many at once with one syncfs() for the whole
 * file system (an fsync() per file costs seconds for a thousand files, while syncfs()
 * also waits for everyone else's writes, too long for one diagram on a busy disk). */
#define FSYNC_EACH_MAX 16

static gboolean
sync_one (const char *path)
{
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  int saved;

  if (fd < 0)
    return FALSE;
  if (fsync (fd) != 0)
    {
      saved = errno;
      close (fd);
      errno = saved;
      return FALSE;
    }
  close (fd);
  return TRUE;
}

static gboolean
sync_staged (MopedStaging *self)
{
  if (self->entries->len > FSYNC_EACH_MAX)
    {
      int fd = g_open (self->folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
      int saved;

      if (fd < 0)
        return FALSE;
      if (syncfs (fd) != 0)
        {
          saved = errno;
          close (fd);
          errno = saved;
          return FALSE;
        }
      close (fd);
      return TRUE;
    }
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *e = g_ptr_array_index (self->entries, i);
      g_autofree char *staged = NULL;

      if (e->remove)
        continue;
      staged = g_build_filename (self->folder, "new", e->path, NULL);
      if (!sync_one (staged))
        return FALSE;
    }
  return TRUE;
}

gboolean
moped_staging_commit (MopedStaging  *self,
                      GError       **error)
{
  g_return_val_if_fail (self != NULL && self->folder != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Everything staged reaches the disk before any of it is moved into place, so a
   * power cut never leaves an empty file under a real name. */
  if (!sync_staged (self))
    {
      set_io_error (error, errno, "write into", self->directory);
      return FALSE;
    }
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *e = g_ptr_array_index (self->entries, i);

      if (!commit_entry (self, e))
        {
          int saved = errno;
          g_autofree char *target = g_build_filename (self->directory, e->path, NULL);

          roll_back (self, i);
          g_set_error (error, MOPED_EXPORT_ERROR, MOPED_EXPORT_ERROR_IO,
                       "cannot %s %s: %s; nothing was changed",
                       e->remove ? "remove" : "write", target, g_strerror (saved));
          return FALSE;
        }
    }
  remove_tree (self->folder);
  g_clear_pointer (&self->folder, g_free);
  self->made_directory = FALSE;
  return TRUE;
}

void
moped_staging_free (MopedStaging *self)
{
  if (self == NULL)
    return;
  if (self->folder != NULL)
    remove_tree (self->folder);
  if (self->made_directory)
    g_rmdir (self->directory);   /* only if the failed export left it empty */
  g_free (self->folder);
  g_free (self->directory);
  g_ptr_array_unref (self->entries);
  g_ptr_array_unref (self->made_folders);
  g_free (self);
}

gboolean
moped_staging_write_file (const char  *path,
                          const char  *data,
                          gsize        length,
                          GError     **error)
{
  g_autofree char *directory = NULL;
  g_autofree char *name = NULL;
  g_autoptr(MopedStaging) staging = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  directory = g_path_get_dirname (path);
  name = g_path_get_basename (path);
  if (strcmp (name, ".") == 0 || strcmp (name, "/") == 0 || g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      set_io_error (error, EISDIR, "write", path);
      return FALSE;
    }
  staging = moped_staging_new (directory, &local_error);
  if (staging == NULL)
    {
      g_set_error (error, MOPED_EXPORT_ERROR, MOPED_EXPORT_ERROR_IO, "cannot write %s: %s", path,
                   local_error->message);
      return FALSE;
    }
  return moped_staging_write (staging, name, data, length, error) &&
         moped_staging_commit (staging, error);
}
