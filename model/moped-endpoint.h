/* moped-endpoint.h: parsing and checking ZeroMQ endpoints (tcp, ipc, inproc, pgm, epgm, udp).
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#pragma once

#include "moped-socket-type.h"

G_BEGIN_DECLS

/* Longest ipc:// path Linux accepts (sizeof sun_path - 1). */
#define MOPED_IPC_PATH_MAX 107

typedef struct
{
  MopedTransport transport;
  char          *address;  /* everything after "://" */
  char          *host;     /* tcp/pgm/epgm/udp: the host or interface part */
  int            port;     /* tcp/pgm/epgm/udp: 1..65535; 0 = ephemeral ("*" or "!") */
} MopedEndpoint;

void      moped_endpoint_clear   (MopedEndpoint *self);

/* Parse @text; on failure FALSE and @problem (owned) says what is wrong with it. */
gboolean  moped_endpoint_parse   (const char    *text,
                                  MopedEndpoint *endpoint,
                                  char         **problem);
/* Check that @text can be bound (for_bind) or connected to by a socket of @type. */
gboolean  moped_endpoint_check   (const char     *text,
                                  MopedSocketType type,
                                  gboolean        for_bind,
                                  char          **problem);
/* The address a connecting peer uses for a bound endpoint: a tcp wildcard host
 * ("*", "0.0.0.0") becomes "localhost"; other endpoints are returned as they are. */
char     *moped_endpoint_connect_form (const char *bound);
/* A canonical form for comparing endpoints (the tcp wildcards "*" and "0.0.0.0" agree). */
char     *moped_endpoint_normalize    (const char *text);
const char *moped_transport_get_name  (MopedTransport transport);

G_END_DECLS
