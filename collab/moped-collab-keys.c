/* moped-collab-keys.c: the installation's key pair (stored 0600), key encodings, invite links.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-collab"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <zmq.h>

#include "moped-collab-keys.h"

void
moped_key_pair_generate (MopedKeyPair *out)
{
  if (zmq_curve_keypair (out->public_z85, out->secret_z85) != 0)
    g_error ("this libzmq cannot make CURVE keys (built without libsodium?)");
}

static gboolean
is_z85_key (const char *text)
{
  guint8 bytes[32];

  return text != NULL && strlen (text) == MOPED_KEY_Z85_LEN && zmq_z85_decode (bytes, text) != NULL;
}

static gboolean
parse_identity (const char   *path,
                const char   *data,
                MopedKeyPair *out,
                GError      **error)
{
  g_auto(GStrv) lines = g_strsplit (data, "\n", -1);
  gboolean have_public = FALSE, have_secret = FALSE;
  char check[MOPED_KEY_Z85_LEN + 1];

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "public ") && is_z85_key (lines[i] + 7))
        {
          g_strlcpy (out->public_z85, lines[i] + 7, sizeof out->public_z85);
          have_public = TRUE;
        }
      else if (g_str_has_prefix (lines[i], "secret ") && is_z85_key (lines[i] + 7))
        {
          g_strlcpy (out->secret_z85, lines[i] + 7, sizeof out->secret_z85);
          have_secret = TRUE;
        }
    }
  if (!have_public || !have_secret || zmq_curve_public (check, out->secret_z85) != 0 ||
      strcmp (check, out->public_z85) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s: not a Moped key pair (lines “public KEY” and “secret KEY” that match)", path);
      return FALSE;
    }
  return TRUE;
}

gboolean
moped_key_pair_load_or_create (const char   *dir,
                               MopedKeyPair *out,
                               GError      **error)
{
  g_autofree char *folder = dir ? g_strdup (dir) : g_build_filename (g_get_user_config_dir (), "moped", NULL);
  g_autofree char *path = g_build_filename (folder, "identity", NULL);
  g_autofree char *data = NULL;
  GStatBuf st;

  if (g_stat (path, &st) == 0)
    {
      if ((st.st_mode & 077) != 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                       "%s: the secret key may be read by others (mode %03o); make it private with "
                       "“chmod 600 %s” or remove it to make a new one", path, st.st_mode & 0777, path);
          return FALSE;
        }
      if (!g_file_get_contents (path, &data, NULL, error))
        return FALSE;
      return parse_identity (path, data, out, error);
    }

  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", folder, g_strerror (saved));
      return FALSE;
    }
  moped_key_pair_generate (out);
  data = g_strdup_printf ("# Moped's key pair for live collaboration: keep it private.\n"
                          "public %s\nsecret %s\n", out->public_z85, out->secret_z85);
  return g_file_set_contents_full (path, data, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

char *
moped_key_to_hex (const char *z85)
{
  guint8 bytes[32];
  GString *hex;

  if (!is_z85_key (z85))
    return NULL;
  zmq_z85_decode (bytes, z85);
  hex = g_string_sized_new (64);
  for (guint i = 0; i < 32; i++)
    g_string_append_printf (hex, "%02x", bytes[i]);
  return g_string_free (hex, FALSE);
}

char *
moped_key_from_hex (const char *hex)
{
  guint8 bytes[32];
  char z85[MOPED_KEY_Z85_LEN + 1];

  if (hex == NULL || strlen (hex) != 64)
    return NULL;
  for (guint i = 0; i < 32; i++)
    {
      int hi = g_ascii_xdigit_value (hex[2 * i]);
      int lo = g_ascii_xdigit_value (hex[2 * i + 1]);

      if (hi < 0 || lo < 0)
        return NULL;
      bytes[i] = (guint8) (hi * 16 + lo);
    }
  zmq_z85_encode (z85, bytes, 32);
  return g_strdup (z85);
}

char *
moped_key_to_author (const char *z85)
{
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, z85, -1);

  return g_strndup (sum, 8);
}

/* ---- invites ----------------------------------------------------------------- */

void
moped_invite_free (MopedInvite *invite)
{
  if (invite == NULL)
    return;
  g_free (invite->host);
  g_free (invite->key_z85);
  g_free (invite->token);
  g_free (invite);
}

MopedInvite *
moped_invite_parse (const char *link,
                    GError    **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(MopedInvite) invite = g_new0 (MopedInvite, 1);
  const char *query;
  const char *key_hex;
  GError *local = NULL;

  uri = g_uri_parse (link, G_URI_FLAGS_NONE, &local);
  if (uri == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "not an invite link: %s", local->message);
      g_error_free (local);
      return NULL;
    }
  if (g_strcmp0 (g_uri_get_scheme (uri), "moped") != 0 || g_uri_get_host (uri) == NULL ||
      g_uri_get_port (uri) <= 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "not an invite link: expected moped://HOST:PORT/?key=…&token=…");
      return NULL;
    }
  query = g_uri_get_query (uri);
  params = query ? g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, NULL) : NULL;
  key_hex = params ? g_hash_table_lookup (params, "key") : NULL;
  invite->key_z85 = moped_key_from_hex (key_hex);
  if (invite->key_z85 == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "the invite has no host key (key=64 hex digits): ask the host for a new link");
      return NULL;
    }
  invite->host = g_strdup (g_uri_get_host (uri));
  invite->port = (guint) g_uri_get_port (uri);
  invite->token = g_strdup (params ? g_hash_table_lookup (params, "token") : NULL);
  return g_steal_pointer (&invite);
}

static gboolean
is_ipv6 (const char *host)
{
  return strchr (host, ':') != NULL;
}

char *
moped_invite_to_link (const MopedInvite *invite)
{
  g_autofree char *hex = moped_key_to_hex (invite->key_z85);
  const char *open = is_ipv6 (invite->host) ? "[" : "";
  const char *close = is_ipv6 (invite->host) ? "]" : "";

  if (invite->token != NULL)
    return g_strdup_printf ("moped://%s%s%s:%u/?key=%s&token=%s", open, invite->host, close,
                            invite->port, hex, invite->token);
  return g_strdup_printf ("moped://%s%s%s:%u/?key=%s", open, invite->host, close, invite->port, hex);
}

char *
moped_invite_get_endpoint (const MopedInvite *invite)
{
  if (is_ipv6 (invite->host))
    return g_strdup_printf ("tcp://[%s]:%u", invite->host, invite->port);
  return g_strdup_printf ("tcp://%s:%u", invite->host, invite->port);
}
