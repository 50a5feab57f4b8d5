/* moped-file-replace.c: replacing a file's contents atomically, through links, keeping its mode and owner.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Like gnome-text-editor (GIO's local file replace): a symbolic link is followed and its
 * target replaced, so the link stays a link; the new file gets the old one's permission
 * bits, and its owner and group when the system lets us. The text goes to a hidden
 * temporary file in the target's folder, is flushed to disk, then renamed over the
 * target: a crash leaves either the old or the new file. Other hard links to the old
 * file keep the old contents (a rename gives the name a new file).
 *
 * Temporary files are named ".NAME.moped-save-PID-XXXXXX": hidden, recognisable, and
 * owned by one process. One left behind by a killed process (its PID no longer runs) is
 * removed by the next save or open of NAME.
 */
#define G_LOG_DOMAIN "moped-model"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "moped-file-private.h"
#include "moped-file.h"

#define TEMPORARY_MARK ".moped-save-"
#define MAX_LINK_HOPS 40

char *
_moped_file_resolve_links (const char  *path,
                           int         *errnum)
{
  g_autofree char *current = g_strdup (path);

  for (guint hops = 0; hops <= MAX_LINK_HOPS; hops++)
    {
      g_autofree char *target = NULL;
      g_autofree char *folder = NULL;
      struct stat st;

      if (g_lstat (current, &st) != 0 || !S_ISLNK (st.st_mode))
        return g_steal_pointer (&current);   /* a file, or a name to create */
      target = g_file_read_link (current, NULL);
      if (target == NULL)
        {
          *errnum = errno != 0 ? errno : EINVAL;
          return NULL;
        }
      if (g_path_is_absolute (target))
        {
          g_free (current);
          current = g_steal_pointer (&target);
          continue;
        }
      folder = g_path_get_dirname (current);
      g_free (current);
      current = g_build_filename (folder, target, NULL);
    }
  *errnum = ELOOP;
  return NULL;
}

char *
_moped_file_temporary_prefix (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);

  return g_strconcat (".", base, TEMPORARY_MARK, NULL);
}

/* Whether @name (in the same folder) is a temporary file that a dead process left for @prefix. */
static gboolean
is_stale_temporary (const char *name,
                    const char *prefix)
{
  const char *rest;
  char *end = NULL;
  gint64 pid;

  if (!g_str_has_prefix (name, prefix))
    return FALSE;
  rest = name + strlen (prefix);
  pid = g_ascii_strtoll (rest, &end, 10);
  if (end == rest || *end != '-' || strlen (end + 1) != 6 || pid <= 0 || pid > G_MAXINT)
    return FALSE;
  if (pid == getpid ())
    return FALSE;              /* our own save in progress (another thread) */
  return kill ((pid_t) pid, 0) != 0 && errno == ESRCH;
}

guint
moped_file_remove_stale_temporaries (const char *path)
{
  g_autofree char *real = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *prefix = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  int errnum = 0;
  guint removed = 0;

  g_return_val_if_fail (path != NULL, 0);

  real = _moped_file_resolve_links (path, &errnum);
  if (real == NULL)
    return 0;
  folder = g_path_get_dirname (real);
  prefix = _moped_file_temporary_prefix (real);
  dir = g_dir_open (folder, 0, NULL);
  if (dir == NULL)
    return 0;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (is_stale_temporary (name, prefix))
      {
        g_autofree char *full = g_build_filename (folder, name, NULL);

        if (g_unlink (full) == 0)
          {
            g_debug ("Removed %s, left by a save that did not finish", full);
            removed++;
          }
      }
  return removed;
}

int
_moped_file_create_temporary (const char  *real_path,
                              int          mode,
                              char       **temporary_path)
{
  g_autofree char *folder = g_path_get_dirname (real_path);
  g_autofree char *prefix = _moped_file_temporary_prefix (real_path);
  static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

  for (guint attempt = 0; attempt < 100; attempt++)
    {
      char suffix[7];
      g_autofree char *name = NULL;
      g_autofree char *full = NULL;
      int fd;

      for (guint i = 0; i < 6; i++)
        suffix[i] = letters[g_random_int_range (0, sizeof letters - 1)];
      suffix[6] = '\0';
      name = g_strdup_printf ("%s%d-%s", prefix, (int) getpid (), suffix);
      full = g_build_filename (folder, name, NULL);
      fd = g_open (full, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
      if (fd >= 0)
        {
          *temporary_path = g_steal_pointer (&full);
          return fd;
        }
      if (errno != EEXIST)
        return -1;
    }
  errno = EEXIST;
  return -1;
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
      if (written < 0)
        return FALSE;
      if (written == 0)
        {
          errno = ENOSPC;
          return FALSE;
        }
      data += written;
      length -= (gsize) written;
    }
  return TRUE;
}

/* So the rename itself survives a power cut; a folder that cannot be synced is no error. */
static void
sync_folder (const char *real)
{
  g_autofree char *folder = g_path_get_dirname (real);
  int fd = g_open (folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
}

/* Sets errno and returns FALSE on failure; the temporary file is gone then. */
static gboolean
replace_real (const char *real,
              const char *data,
              gsize       length)
{
  g_autofree char *temporary = NULL;
  struct stat st;
  gboolean existed;
  int fd;
  int saved;

  existed = g_stat (real, &st) == 0;
  if (existed && !S_ISREG (st.st_mode))
    {
      errno = S_ISDIR (st.st_mode) ? EISDIR : EINVAL;
      return FALSE;
    }

  moped_file_remove_stale_temporaries (real);
  fd = _moped_file_create_temporary (real, existed ? (int) (st.st_mode & 07777) : 0666, &temporary);
  if (fd < 0)
    return FALSE;

  if (existed)
    {
      /* The owner where allowed (root, or a group we are in); then the exact mode,
       * which the umask narrowed at creation and chown may have cleared bits of. */
      if (fchown (fd, st.st_uid, st.st_gid) != 0 && fchown (fd, (uid_t) -1, st.st_gid) != 0)
        g_debug ("Cannot keep the owner of %s: %s", real, g_strerror (errno));
      if (fchmod (fd, st.st_mode & 07777) != 0)
        goto failed;
    }
  if (!write_all (fd, data, length) || fsync (fd) != 0)
    goto failed;
  if (close (fd) != 0)
    {
      fd = -1;
      goto failed;
    }
  fd = -1;
  if (g_rename (temporary, real) != 0)
    goto failed;
  sync_folder (real);
  return TRUE;

failed:
  saved = errno;
  if (fd >= 0)
    close (fd);
  g_unlink (temporary);
  errno = saved;
  return FALSE;
}

gboolean
moped_file_replace_contents (const char  *path,
                             const char  *data,
                             gsize        length,
                             GError     **error)
{
  g_autofree char *real = NULL;
  int errnum = 0;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  real = _moped_file_resolve_links (path, &errnum);
  if (real == NULL || !replace_real (real, data != NULL ? data : "", length))
    {
      g_autofree char *display = g_filename_display_name (path);

      if (real != NULL)
        errnum = errno;
      g_set_error (error, MOPED_FILE_ERROR, MOPED_FILE_ERROR_IO,
                   "Cannot save “%s”: %s", display, g_strerror (errnum));
      return FALSE;
    }
  return TRUE;
}
