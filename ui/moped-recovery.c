/* moped-recovery.c: copies of unsaved work, written while editing and offered again after a crash.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-ui"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "moped-file.h"
#include "moped-recovery.h"

#define INFO_GROUP "Recovery"
#define DEFAULT_DELAY_MSEC 3000

struct _MopedRecovery
{
  GObject      parent_instance;

  MopedDesign *design;
  char        *original;      /* URI or NULL */
  char        *path;          /* the copy */
  char        *info_path;     /* the key file beside it */
  guint        delay;
  guint        timeout_id;
  guint        unsaved : 1;
  guint        written : 1;
  guint        failing : 1;
};

G_DEFINE_FINAL_TYPE (MopedRecovery, moped_recovery, G_TYPE_OBJECT)

enum {
  WRITE_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

char *
moped_recovery_dup_dir (void)
{
  return g_build_filename (g_get_user_state_dir (), "moped", "recovery", NULL);
}

/* The boot a process id belongs to: after a reboot every old owner is gone even
 * when some new process happens to have its id. */
static char *
dup_boot_id (void)
{
  g_autofree char *contents = NULL;

  if (!g_file_get_contents ("/proc/sys/kernel/random/boot_id", &contents, NULL, NULL))
    return g_strdup ("");
  return g_strstrip (g_steal_pointer (&contents));
}

static gboolean
owner_is_running (GKeyFile *info)
{
  g_autofree char *boot_id = g_key_file_get_string (info, INFO_GROUP, "boot-id", NULL);
  g_autofree char *current = dup_boot_id ();
  gint64 pid = g_key_file_get_int64 (info, INFO_GROUP, "pid", NULL);

  if (pid <= 0 || boot_id == NULL || !g_str_equal (boot_id, current))
    return FALSE;
  return kill ((pid_t) pid, 0) == 0 || errno == EPERM;
}

void
moped_recovery_item_free (MopedRecoveryItem *item)
{
  if (item == NULL)
    return;
  g_free (item->id);
  g_free (item->path);
  g_free (item->original);
  g_free (item->name);
  g_clear_pointer (&item->saved, g_date_time_unref);
  g_free (item);
}

static char *
info_path_for (const char *dir,
               const char *id)
{
  g_autofree char *base = g_strconcat (id, ".info", NULL);

  return g_build_filename (dir, base, NULL);
}

static MopedRecoveryItem *
read_item (const char *dir,
           const char *file_name)
{
  g_autoptr(GKeyFile) info = g_key_file_new ();
  g_autofree char *info_path = NULL;
  g_autofree char *saved = NULL;
  MopedRecoveryItem *item = g_new0 (MopedRecoveryItem, 1);

  item->id = g_strndup (file_name, strlen (file_name) - strlen (".moped"));
  item->path = g_build_filename (dir, file_name, NULL);
  info_path = info_path_for (dir, item->id);

  /* A copy without its key file (a crash between the two writes) is still work to
   * offer; it only lacks its origin. */
  if (g_key_file_load_from_file (info, info_path, G_KEY_FILE_NONE, NULL))
    {
      if (owner_is_running (info))
        {
          moped_recovery_item_free (item);
          return NULL;
        }
      item->original = g_key_file_get_string (info, INFO_GROUP, "original", NULL);
      item->name = g_key_file_get_string (info, INFO_GROUP, "name", NULL);
      saved = g_key_file_get_string (info, INFO_GROUP, "saved", NULL);
    }
  if (item->original != NULL && item->original[0] == '\0')
    g_clear_pointer (&item->original, g_free);
  if (saved != NULL)
    item->saved = g_date_time_new_from_iso8601 (saved, NULL);
  if (item->saved == NULL)
    {
      GStatBuf st;

      item->saved = g_stat (item->path, &st) == 0
        ? g_date_time_new_from_unix_local (st.st_mtime)
        : g_date_time_new_now_local ();
    }
  if (item->name == NULL || item->name[0] == '\0')
    {
      g_free (item->name);
      item->name = g_strdup ("Untitled design");
    }
  return item;
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  const MopedRecoveryItem *ia = *(MopedRecoveryItem * const *) a;
  const MopedRecoveryItem *ib = *(MopedRecoveryItem * const *) b;

  return g_date_time_compare (ib->saved, ia->saved);
}

GPtrArray *
moped_recovery_list (void)
{
  g_autofree char *dir_path = moped_recovery_dup_dir ();
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) moped_recovery_item_free);
  const char *name;

  if (dir == NULL)
    return items;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      MopedRecoveryItem *item;

      if (!g_str_has_suffix (name, ".moped") || name[0] == '.')
        continue;
      if ((item = read_item (dir_path, name)) != NULL)
        g_ptr_array_add (items, item);
    }
  g_ptr_array_sort (items, compare_newest_first);
  return items;
}

MopedDesign *
moped_recovery_item_load (MopedRecoveryItem  *item,
                          GError            **error)
{
  g_return_val_if_fail (item != NULL, NULL);

  return moped_file_load (item->path, error);
}

void
moped_recovery_item_delete (MopedRecoveryItem *item)
{
  g_autofree char *dir = NULL;
  g_autofree char *info_path = NULL;

  g_return_if_fail (item != NULL);

  dir = g_path_get_dirname (item->path);
  info_path = info_path_for (dir, item->id);
  g_unlink (item->path);
  g_unlink (info_path);
}

static gboolean
is_unsaved (MopedRecovery *self)
{
  return self->unsaved || moped_design_get_modified (self->design);
}

static gboolean
write_info (MopedRecovery  *self,
            GError        **error)
{
  g_autoptr(GKeyFile) info = g_key_file_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *saved = g_date_time_format_iso8601 (now);
  g_autofree char *boot_id = dup_boot_id ();
  const char *name = moped_element_get_name (moped_design_get_root (self->design));

  g_key_file_set_string (info, INFO_GROUP, "original", self->original != NULL ? self->original : "");
  g_key_file_set_string (info, INFO_GROUP, "name", name != NULL ? name : "");
  g_key_file_set_string (info, INFO_GROUP, "saved", saved);
  g_key_file_set_int64 (info, INFO_GROUP, "pid", getpid ());
  g_key_file_set_string (info, INFO_GROUP, "boot-id", boot_id);
  return g_key_file_save_to_file (info, self->info_path, error);
}

static gboolean
write_copy (MopedRecovery  *self,
            GError        **error)
{
  g_autofree char *dir = g_path_get_dirname (self->path);
  g_autofree char *data = NULL;
  gsize length = 0;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot create the folder %s: %s", dir, g_strerror (saved_errno));
      return FALSE;
    }
  data = moped_file_to_data (self->design, &length);
  if (!g_file_set_contents_full (self->path, data, length,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    return FALSE;
  self->written = TRUE;
  return write_info (self, error);
}

static gboolean
on_timeout (gpointer user_data)
{
  MopedRecovery *self = user_data;
  g_autoptr(GError) error = NULL;

  self->timeout_id = 0;
  if (!is_unsaved (self))
    return G_SOURCE_REMOVE;
  if (!write_copy (self, &error))
    {
      /* Said once per run of failures, so a full disk does not repeat itself every
       * few seconds; the next success clears it. */
      if (!self->failing)
        g_signal_emit (self, signals[WRITE_FAILED], 0, error);
      self->failing = TRUE;
    }
  else
    self->failing = FALSE;
  return G_SOURCE_REMOVE;
}

static void
schedule (MopedRecovery *self)
{
  if (self->timeout_id == 0 && is_unsaved (self))
    self->timeout_id = g_timeout_add (self->delay, on_timeout, self);
}

static void
on_design_changed (MopedDesign  *design,
                   const GArray *changes,
                   gpointer      user_data)
{
  schedule (MOPED_RECOVERY (user_data));
}

static void
on_modified_changed (MopedDesign *design,
                     GParamSpec  *pspec,
                     gpointer     user_data)
{
  MopedRecovery *self = user_data;

  /* Undoing back to what the file holds makes the copy pointless. */
  if (!is_unsaved (self))
    moped_recovery_discard (self);
  else
    schedule (self);
}

static void
moped_recovery_dispose (GObject *object)
{
  MopedRecovery *self = MOPED_RECOVERY (object);

  if (self->design != NULL)
    {
      /* Work that is still unsaved when its window goes (the session ends) is
       * exactly what the next start must offer: write what is pending. */
      if (is_unsaved (self))
        {
          if (self->timeout_id != 0)
            moped_recovery_flush (self, NULL);
        }
      else
        moped_recovery_discard (self);
      g_signal_handlers_disconnect_by_data (self->design, self);
      g_clear_object (&self->design);
    }
  g_clear_handle_id (&self->timeout_id, g_source_remove);

  G_OBJECT_CLASS (moped_recovery_parent_class)->dispose (object);
}

static void
moped_recovery_finalize (GObject *object)
{
  MopedRecovery *self = MOPED_RECOVERY (object);

  g_free (self->original);
  g_free (self->path);
  g_free (self->info_path);

  G_OBJECT_CLASS (moped_recovery_parent_class)->finalize (object);
}

static void
moped_recovery_class_init (MopedRecoveryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = moped_recovery_dispose;
  object_class->finalize = moped_recovery_finalize;

  /* "write-failed" (GError *error): the copy could not be written. */
  signals[WRITE_FAILED] =
    g_signal_new ("write-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
moped_recovery_init (MopedRecovery *self)
{
  self->delay = DEFAULT_DELAY_MSEC;
}

static MopedRecovery *
recovery_new (MopedDesign *design,
              const char  *id)
{
  MopedRecovery *self = g_object_new (MOPED_TYPE_RECOVERY, NULL);
  g_autofree char *dir = moped_recovery_dup_dir ();
  g_autofree char *base = g_strconcat (id, ".moped", NULL);

  self->design = g_object_ref (design);
  self->path = g_build_filename (dir, base, NULL);
  self->info_path = info_path_for (dir, id);
  g_signal_connect (design, "changed", G_CALLBACK (on_design_changed), self);
  g_signal_connect (design, "notify::modified", G_CALLBACK (on_modified_changed), self);
  return self;
}

MopedRecovery *
moped_recovery_new (MopedDesign *design,
                    GFile       *original)
{
  g_autofree char *id = g_uuid_string_random ();
  MopedRecovery *self;

  g_return_val_if_fail (MOPED_IS_DESIGN (design), NULL);
  g_return_val_if_fail (original == NULL || G_IS_FILE (original), NULL);

  self = recovery_new (design, id);
  if (original != NULL)
    self->original = g_file_get_uri (original);
  return self;
}

MopedRecovery *
moped_recovery_new_adopting (MopedDesign       *design,
                             MopedRecoveryItem *item)
{
  MopedRecovery *self;

  g_return_val_if_fail (MOPED_IS_DESIGN (design), NULL);
  g_return_val_if_fail (item != NULL, NULL);

  self = recovery_new (design, item->id);
  self->original = g_strdup (item->original);
  self->unsaved = TRUE;
  self->written = TRUE;
  /* Claim the files at once, so that another start does not offer them too. */
  if (!write_info (self, NULL))
    g_debug ("Could not take over the recovery file %s", self->path);
  return self;
}

void
moped_recovery_set_original (MopedRecovery *self,
                             GFile         *original)
{
  g_return_if_fail (MOPED_IS_RECOVERY (self));
  g_return_if_fail (original == NULL || G_IS_FILE (original));

  g_free (self->original);
  self->original = original != NULL ? g_file_get_uri (original) : NULL;
  if (self->written)
    write_info (self, NULL);
}

void
moped_recovery_set_delay (MopedRecovery *self,
                          guint          msec)
{
  g_return_if_fail (MOPED_IS_RECOVERY (self));

  self->delay = MAX (msec, 1);
}

gboolean
moped_recovery_flush (MopedRecovery  *self,
                      GError        **error)
{
  g_return_val_if_fail (MOPED_IS_RECOVERY (self), FALSE);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (!is_unsaved (self))
    return TRUE;
  return write_copy (self, error);
}

void
moped_recovery_discard (MopedRecovery *self)
{
  g_return_if_fail (MOPED_IS_RECOVERY (self));

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->unsaved = FALSE;
  if (!self->written)
    return;
  g_unlink (self->path);
  g_unlink (self->info_path);
  self->written = FALSE;
}

const char *
moped_recovery_get_path (MopedRecovery *self)
{
  g_return_val_if_fail (MOPED_IS_RECOVERY (self), NULL);

  return self->written ? self->path : NULL;
}
