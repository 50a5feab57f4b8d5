/* moped-discovery.c: UDP broadcast beacons for shared designs, and a listener for them.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-collab"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>

#include "moped-collab-keys.h"
#include "moped-discovery.h"

#define MAGIC          "MOPED-SESSION 1 "
#define MAX_DATAGRAM   512
#define LOST_US        (5 * G_USEC_PER_SEC)
#define SWEEP_MS       1000

guint
moped_discovery_get_port (void)
{
  const char *env = g_getenv ("MOPED_DISCOVERY_PORT");
  guint64 port = 0;

  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 1, 65535, &port, NULL))
    return (guint) port;
  return MOPED_DISCOVERY_DEFAULT_PORT;
}

/* ---- the beacon ------------------------------------------------------------------- */

struct _MopedBeacon
{
  GSocket *socket;
  char    *datagram;
  guint    port;
  guint    source;
};

/* Once to every IPv4 broadcast address this machine has (interfaces come and go). */
static gboolean
beacon_send_cb (gpointer user_data)
{
  MopedBeacon *self = user_data;
  struct ifaddrs *list = NULL;

  if (getifaddrs (&list) != 0)
    return G_SOURCE_CONTINUE;
  for (struct ifaddrs *i = list; i != NULL; i = i->ifa_next)
    {
      g_autoptr(GInetAddress) inet = NULL;
      g_autoptr(GSocketAddress) to = NULL;
      g_autoptr(GError) error = NULL;

      if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET || i->ifa_broadaddr == NULL ||
          !(i->ifa_flags & IFF_UP) || !(i->ifa_flags & IFF_BROADCAST) || (i->ifa_flags & IFF_LOOPBACK))
        continue;
      inet = g_inet_address_new_from_bytes ((const guint8 *) &((struct sockaddr_in *) i->ifa_broadaddr)->sin_addr,
                                            G_SOCKET_FAMILY_IPV4);
      to = g_inet_socket_address_new (inet, (guint16) self->port);
      if (g_socket_send_to (self->socket, to, self->datagram, strlen (self->datagram), NULL, &error) < 0)
        g_debug ("beacon on %s: %s", i->ifa_name, error->message);
    }
  freeifaddrs (list);
  return G_SOURCE_CONTINUE;
}

MopedBeacon *
moped_beacon_new (const char  *address_link,
                  const char  *name,
                  guint        interval_ms,
                  GError     **error)
{
  g_autoptr(MopedInvite) invite = NULL;
  g_autofree char *hex = NULL;
  g_autofree char *clean = NULL;
  MopedBeacon *self;
  GSocket *socket;

  g_return_val_if_fail (address_link != NULL, NULL);

  invite = moped_invite_parse (address_link, error);
  if (invite == NULL)
    return NULL;
  hex = moped_key_to_hex (invite->key_z85);
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, error);
  if (socket == NULL)
    return NULL;
  g_socket_set_broadcast (socket, TRUE);
  /* A name is one line of printable text, short enough for one datagram. */
  clean = g_utf8_make_valid (name != NULL && *name ? name : "someone", -1);
  for (char *c = clean; *c; c++)
    if ((guchar) *c < 0x20 || *c == 0x7f)
      *c = ' ';
  if (strlen (clean) > 128)
    clean[g_utf8_find_prev_char (clean, clean + 128) - clean] = '\0';

  self = g_new0 (MopedBeacon, 1);
  self->socket = socket;
  self->port = moped_discovery_get_port ();
  self->datagram = g_strdup_printf (MAGIC "%u %s %s", invite->port, hex, clean);
  beacon_send_cb (self);
  self->source = g_timeout_add (MAX (interval_ms, 100), beacon_send_cb, self);
  return self;
}

void
moped_beacon_free (MopedBeacon *self)
{
  if (self == NULL)
    return;
  g_clear_handle_id (&self->source, g_source_remove);
  g_socket_close (self->socket, NULL);
  g_object_unref (self->socket);
  g_free (self->datagram);
  g_free (self);
}

/* ---- the listener ----------------------------------------------------------------- */

struct _MopedDiscovery
{
  GObject     parent_instance;
  GSocket    *socket;
  GSource    *watch;
  GHashTable *seen;     /* link -> gint64 last heard (monotonic, boxed) */
  guint       sweep;
};

G_DEFINE_FINAL_TYPE (MopedDiscovery, moped_discovery, G_TYPE_OBJECT)

enum { FOUND, LOST, N_SIGNALS };
static guint signals[N_SIGNALS];

/* "MOPED-SESSION 1 PORT KEYHEX NAME" from @from -> a link and a name, or FALSE. */
static gboolean
parse_beacon (const char     *data,
              GSocketAddress *from,
              char          **link,
              char          **name)
{
  g_auto(GStrv) f = NULL;
  g_autofree char *z85 = NULL;
  g_autofree char *address = NULL;
  guint64 port;
  MopedInvite invite = { 0 };

  if (!g_str_has_prefix (data, MAGIC) || !G_IS_INET_SOCKET_ADDRESS (from))
    return FALSE;
  f = g_strsplit (data + strlen (MAGIC), " ", 3);
  if (g_strv_length (f) < 3 || !g_ascii_string_to_unsigned (f[0], 10, 1, 65535, &port, NULL) ||
      (z85 = moped_key_from_hex (f[1])) == NULL || !g_utf8_validate (f[2], -1, NULL))
    return FALSE;
  address = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (from)));
  invite.host = address;
  invite.port = (guint) port;
  invite.key_z85 = z85;
  *link = moped_invite_to_link (&invite);
  *name = g_strdup (f[2]);
  return *link != NULL;
}

static gboolean
discovery_read_cb (GSocket      *socket,
                   GIOCondition  condition,
                   gpointer      user_data)
{
  MopedDiscovery *self = user_data;

  /* Bounded: at most this many datagrams per wake-up. */
  for (int n = 0; n < 64; n++)
    {
      char buffer[MAX_DATAGRAM + 1];
      g_autoptr(GSocketAddress) from = NULL;
      g_autofree char *link = NULL;
      g_autofree char *name = NULL;
      gssize got = g_socket_receive_from (socket, &from, buffer, MAX_DATAGRAM, NULL, NULL);
      gboolean is_new;

      if (got < 0)
        break;
      buffer[got] = '\0';
      if (!parse_beacon (buffer, from, &link, &name))
        continue;
      is_new = !g_hash_table_contains (self->seen, link);
      g_hash_table_replace (self->seen, g_strdup (link), g_memdup2 (&(gint64) { g_get_monotonic_time () },
                                                                      sizeof (gint64)));
      if (is_new)
        g_signal_emit (self, signals[FOUND], 0, link, name);
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
discovery_sweep_cb (gpointer user_data)
{
  MopedDiscovery *self = user_data;
  gint64 now = g_get_monotonic_time ();
  g_autoptr(GPtrArray) lost = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->seen);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (now - *(gint64 *) value > LOST_US)
      {
        g_ptr_array_add (lost, g_strdup (key));
        g_hash_table_iter_remove (&iter);
      }
  for (guint i = 0; i < lost->len; i++)
    g_signal_emit (self, signals[LOST], 0, g_ptr_array_index (lost, i));
  return G_SOURCE_CONTINUE;
}

MopedDiscovery *
moped_discovery_new (GError **error)
{
  g_autoptr(MopedDiscovery) self = g_object_new (MOPED_TYPE_DISCOVERY, NULL);
  g_autoptr(GInetAddress) any = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) where = g_inet_socket_address_new (any, (guint16) moped_discovery_get_port ());

  self->socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, error);
  if (self->socket == NULL)
    return NULL;
  g_socket_set_blocking (self->socket, FALSE);
  /* Several listeners on one machine (two editors) share the port. */
  if (!g_socket_bind (self->socket, where, TRUE, error))
    return NULL;
  self->watch = g_socket_create_source (self->socket, G_IO_IN, NULL);
  g_source_set_callback (self->watch, (GSourceFunc) (void (*) (void)) discovery_read_cb, self, NULL);
  g_source_attach (self->watch, NULL);
  self->sweep = g_timeout_add (SWEEP_MS, discovery_sweep_cb, self);
  return g_steal_pointer (&self);
}

static void
moped_discovery_dispose (GObject *object)
{
  MopedDiscovery *self = MOPED_DISCOVERY (object);

  g_clear_handle_id (&self->sweep, g_source_remove);
  if (self->watch != NULL)
    {
      g_source_destroy (self->watch);
      g_clear_pointer (&self->watch, g_source_unref);
    }
  if (self->socket != NULL)
    g_socket_close (self->socket, NULL);
  g_clear_object (&self->socket);
  G_OBJECT_CLASS (moped_discovery_parent_class)->dispose (object);
}

static void
moped_discovery_finalize (GObject *object)
{
  MopedDiscovery *self = MOPED_DISCOVERY (object);

  g_hash_table_unref (self->seen);
  G_OBJECT_CLASS (moped_discovery_parent_class)->finalize (object);
}

static void
moped_discovery_class_init (MopedDiscoveryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = moped_discovery_dispose;
  object_class->finalize = moped_discovery_finalize;
  signals[FOUND] = g_signal_new ("found", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  signals[LOST] = g_signal_new ("lost", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
moped_discovery_init (MopedDiscovery *self)
{
  self->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}
