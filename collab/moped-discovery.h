/* moped-discovery.h: finding shared designs on the local network (UDP broadcast beacons).
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A host that wants to be found sends a small datagram every second to the broadcast
 * address of each IPv4 interface that has one (never loopback):
 *   "MOPED-SESSION 1 PORT KEYHEX NAME"
 * It carries no secret and nothing of the design: the host's public key (which the
 * link pins), its port, and the host person's name. Joining still needs a token or
 * a code from the host. A listener turns each beacon into an address link with the
 * sender's address, moped://ADDRESS:PORT/?key=KEYHEX.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The UDP port beacons go to: $MOPED_DISCOVERY_PORT, else this. */
#define MOPED_DISCOVERY_DEFAULT_PORT 31416
guint moped_discovery_get_port (void);

typedef struct _MopedBeacon MopedBeacon;

/* Announce the host of @address_link (a link without token; its port and key are
 * sent) as @name, every @interval_ms, until freed. */
MopedBeacon *moped_beacon_new  (const char  *address_link,
                                const char  *name,
                                guint        interval_ms,
                                GError     **error);
void         moped_beacon_free (MopedBeacon *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MopedBeacon, moped_beacon_free)

#define MOPED_TYPE_DISCOVERY (moped_discovery_get_type ())
G_DECLARE_FINAL_TYPE (MopedDiscovery, moped_discovery, MOPED, DISCOVERY, GObject)

/* Listen for beacons on moped_discovery_get_port() in the default main context.
 * Signals: "found" (const char *link, const char *name) the first time a host is heard;
 * "lost" (const char *link) when it has been silent for 5 s. */
MopedDiscovery *moped_discovery_new (GError **error);

G_END_DECLS
