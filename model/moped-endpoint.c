/* moped-endpoint.c: parsing and checking ZeroMQ endpoints, with problems in the user's words.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The forms follow libzmq's zmq_tcp, zmq_ipc, zmq_inproc, zmq_pgm and zmq_udp pages.
 * MopedEndpoint.host is the text between "://" (or a tcp source address's ';') and
 * the final ":port": "server" for tcp://server:5555, "eth0;239.192.1.1" for
 * epgm://eth0;239.192.1.1:5555.
 */
#define G_LOG_DOMAIN "moped-model"

#include <stdlib.h>
#include <string.h>

#include "moped-endpoint.h"

#define PORT_MAX 65535

typedef struct
{
  MopedTransport transport;
  const char    *name;
} TransportName;

static const TransportName transport_names[] = {
  { MOPED_TRANSPORT_TCP, "tcp" },
  { MOPED_TRANSPORT_IPC, "ipc" },
  { MOPED_TRANSPORT_INPROC, "inproc" },
  { MOPED_TRANSPORT_PGM, "pgm" },
  { MOPED_TRANSPORT_EPGM, "epgm" },
  { MOPED_TRANSPORT_UDP, "udp" },
};

#define ALL_TRANSPORTS (MOPED_TRANSPORT_TCP | MOPED_TRANSPORT_IPC | MOPED_TRANSPORT_INPROC | \
                        MOPED_TRANSPORT_PGM | MOPED_TRANSPORT_EPGM | MOPED_TRANSPORT_UDP)

const char *
moped_transport_get_name (MopedTransport transport)
{
  for (guint i = 0; i < G_N_ELEMENTS (transport_names); i++)
    if (transport_names[i].transport == transport)
      return transport_names[i].name;
  g_return_val_if_reached ("?");
}

/* "tcp, ipc or inproc" for the transports in @mask. */
static char *
describe_transports (guint mask)
{
  GString *s = g_string_new (NULL);
  guint n = 0, total = 0;

  for (guint i = 0; i < G_N_ELEMENTS (transport_names); i++)
    if (mask & transport_names[i].transport)
      total++;
  for (guint i = 0; i < G_N_ELEMENTS (transport_names); i++)
    if (mask & transport_names[i].transport)
      {
        if (n > 0)
          g_string_append (s, n + 1 == total ? " or " : ", ");
        g_string_append (s, transport_names[i].name);
        n++;
      }
  return g_string_free (s, FALSE);
}

/* "REQ, REP and DEALER": the socket types whose table entry allows @transport; NULL
 * when most types do, since then the list says nothing useful. */
static char *
describe_types_allowing (MopedTransport transport)
{
  GString *s;
  guint n = 0, total = 0;

  for (guint t = 0; t < MOPED_N_SOCKET_TYPES; t++)
    if (moped_socket_type_allows ((MopedSocketType) t, transport))
      total++;
  if (total * 2 > MOPED_N_SOCKET_TYPES)
    return NULL;
  s = g_string_new (NULL);
  for (guint t = 0; t < MOPED_N_SOCKET_TYPES; t++)
    if (moped_socket_type_allows ((MopedSocketType) t, transport))
      {
        if (n > 0)
          g_string_append (s, n + 1 == total ? " and " : ", ");
        g_string_append (s, moped_socket_type_get_name ((MopedSocketType) t));
        n++;
      }
  return g_string_free (s, FALSE);
}

static void
set_problem (char      **problem,
             const char *format,
             ...) G_GNUC_PRINTF (2, 3);

static void
set_problem (char      **problem,
             const char *format,
             ...)
{
  va_list args;

  if (problem == NULL)
    return;
  g_clear_pointer (problem, g_free);
  va_start (args, format);
  *problem = g_strdup_vprintf (format, args);
  va_end (args);
}

/* How to name a bad character in a message: "a space", "‘/’"... */
static char *
describe_char (const char *p)
{
  if (*p == ' ')
    return g_strdup ("a space");
  if (g_ascii_isspace (*p))
    return g_strdup ("a tab or line break");
  if ((guchar) *p >= 0x80)
    return g_strdup ("a non-ASCII character");
  if (!g_ascii_isprint (*p))
    return g_strdup ("a control character");
  return g_strdup_printf ("‘%c’", *p);
}

static gboolean
is_port_wildcard (const char *text)
{
  return g_str_equal (text, "*") || g_str_equal (text, "!");
}

/* A port is 1..65535, or "*" / "!" (0) when @ephemeral_ok. */
static gboolean
parse_port (const char *text,
            gboolean    ephemeral_ok,
            int        *port,
            char      **problem)
{
  gsize len = strlen (text);

  if (len == 0)
    {
      set_problem (problem, "the port is missing (write it after the last ‘:’)");
      return FALSE;
    }
  if (is_port_wildcard (text))
    {
      if (!ephemeral_ok)
        {
          set_problem (problem, "port %s (chosen by the system) is not possible here; "
                       "give a port number from 1 to 65535", text);
          return FALSE;
        }
      *port = 0;
      return TRUE;
    }
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (text[i]))
      {
        set_problem (problem, "port “%s” is not a number", text);
        return FALSE;
      }
  /* Leading zeros are harmless to libzmq; count digits after them only. */
  while (len > 1 && *text == '0')
    {
      text++;
      len--;
    }
  if (len > 5 || atoi (text) > PORT_MAX || atoi (text) < 1)
    {
      set_problem (problem, "port %s is out of range 1-65535", text);
      return FALSE;
    }
  *port = atoi (text);
  return TRUE;
}

static gboolean
looks_like_ipv4 (const char *host)
{
  gboolean digit = FALSE;

  for (const char *p = host; *p; p++)
    {
      if (g_ascii_isdigit (*p))
        digit = TRUE;
      else if (*p != '.')
        return FALSE;
    }
  return digit;
}

/* Fills @bytes with the four parts of a dotted IPv4 address. */
static gboolean
parse_ipv4 (const char *host,
            guint       bytes[4])
{
  g_auto(GStrv) parts = g_strsplit (host, ".", -1);

  if (g_strv_length (parts) != 4)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    {
      gsize len = strlen (parts[i]);

      if (len == 0 || len > 3)
        return FALSE;
      bytes[i] = (guint) atoi (parts[i]);
      if (bytes[i] > 255)
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_hostname (const char *host,
                char      **problem)
{
  gsize len = strlen (host);
  gsize label = 0;

  if (len > 253)
    {
      set_problem (problem, "host name “%.20s…” is longer than 253 characters", host);
      return FALSE;
    }
  if (host[0] == '-' || host[0] == '.')
    {
      set_problem (problem, "host name “%s” cannot start with ‘%c’", host, host[0]);
      return FALSE;
    }
  for (const char *p = host; *p; p++)
    {
      if (*p == '.')
        {
          if (label == 0)
            {
              set_problem (problem, "host name “%s” has an empty part between dots", host);
              return FALSE;
            }
          label = 0;
          continue;
        }
      /* '_' is not legal in DNS names but is in interface names. */
      if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
        {
          g_autofree char *what = describe_char (p);

          set_problem (problem, "host “%s” contains %s, which a host name or interface "
                       "name cannot have", host, what);
          return FALSE;
        }
      if (++label > 63)
        {
          set_problem (problem, "host name “%s” has a part longer than 63 characters", host);
          return FALSE;
        }
    }
  return TRUE;
}

/* "*", an IPv4 address, a bracketed IPv6 address, a host name or an interface name. */
static gboolean
check_host (const char *host,
            char      **problem)
{
  guint bytes[4];

  if (*host == '\0')
    {
      set_problem (problem, "the host is missing (use * to bind on all interfaces)");
      return FALSE;
    }
  if (g_str_equal (host, "*"))
    return TRUE;
  if (host[0] == '[')
    {
      gsize len = strlen (host);
      g_autofree char *inner = NULL;

      if (host[len - 1] != ']')
        {
          set_problem (problem, "IPv6 address “%s” has no closing ‘]’", host);
          return FALSE;
        }
      inner = g_strndup (host + 1, len - 2);
      if (strchr (inner, ':') == NULL || !g_hostname_is_ip_address (inner))
        {
          set_problem (problem, "“%s” is not a valid IPv6 address", inner);
          return FALSE;
        }
      return TRUE;
    }
  if (strchr (host, ':') != NULL)
    {
      set_problem (problem, "write the IPv6 address “%s” in brackets, like [::1]", host);
      return FALSE;
    }
  if (looks_like_ipv4 (host))
    {
      if (!parse_ipv4 (host, bytes))
        {
          set_problem (problem, "“%s” is not a valid IPv4 address", host);
          return FALSE;
        }
      return TRUE;
    }
  return check_hostname (host, problem);
}

static gboolean
is_wildcard_host (const char *host)
{
  return g_str_equal (host, "*") || g_str_equal (host, "0.0.0.0") ||
         g_str_equal (host, "[::]");
}

/* Splits "host:port" at the last ':'; the host part is owned by the caller. */
static gboolean
split_host_port (const char  *text,
                 const char  *transport,
                 char       **host,
                 const char **port,
                 char       **problem)
{
  const char *colon = strrchr (text, ':');
  const char *bracket = strchr (text, ']');

  if (*text == '\0')
    {
      set_problem (problem, "the host and port are missing; a %s endpoint is %s://host:port",
                   transport, transport);
      return FALSE;
    }
  /* In "[::1]" alone the last ':' is inside the brackets: there is no port. */
  if (colon == NULL || (text[0] == '[' && bracket != NULL && colon < bracket))
    {
      set_problem (problem, "“%s” has no port; a %s endpoint is %s://host:port",
                   text, transport, transport);
      return FALSE;
    }
  *host = g_strndup (text, colon - text);
  *port = colon + 1;
  return TRUE;
}

static gboolean
parse_host_port (const char  *text,
                 const char  *transport,
                 gboolean     ephemeral_ok,
                 char       **host,
                 int         *port,
                 char       **problem)
{
  g_autofree char *h = NULL;
  const char *port_text;

  if (!split_host_port (text, transport, &h, &port_text, problem) ||
      !check_host (h, problem) ||
      !parse_port (port_text, ephemeral_ok, port, problem))
    return FALSE;
  *host = g_steal_pointer (&h);
  return TRUE;
}

/* tcp://host:port, or tcp://source-host:port;host:port to connect from a given address. */
static gboolean
parse_tcp (const char    *address,
           MopedEndpoint *endpoint,
           char         **problem)
{
  const char *semi = strchr (address, ';');
  const char *dest = address;

  if (semi != NULL)
    {
      g_autofree char *source = g_strndup (address, semi - address);
      g_autofree char *source_host = NULL;
      int source_port;

      if (strchr (semi + 1, ';') != NULL)
        {
          set_problem (problem, "a tcp endpoint has at most one ‘;’ (source;destination)");
          return FALSE;
        }
      if (!parse_host_port (source, "tcp", TRUE, &source_host, &source_port, problem))
        return FALSE;
      dest = semi + 1;
    }
  return parse_host_port (dest, "tcp", TRUE, &endpoint->host, &endpoint->port, problem);
}

static gboolean
is_multicast (const char *host)
{
  guint bytes[4];

  if (host[0] == '[')
    return g_ascii_strncasecmp (host + 1, "ff", 2) == 0;
  return looks_like_ipv4 (host) && parse_ipv4 (host, bytes) &&
         bytes[0] >= 224 && bytes[0] <= 239;
}

/* pgm://interface;multicast-address:port (epgm the same). */
static gboolean
parse_pgm (const char    *address,
           const char    *transport,
           MopedEndpoint *endpoint,
           char         **problem)
{
  const char *semi = strchr (address, ';');
  g_autofree char *iface = NULL;
  g_autofree char *group = NULL;

  if (semi == NULL)
    {
      set_problem (problem, "a %s endpoint is %s://interface;multicast-address:port, "
                   "for example %s://eth0;239.192.1.1:5555", transport, transport, transport);
      return FALSE;
    }
  iface = g_strndup (address, semi - address);
  if (*iface == '\0' || g_str_equal (iface, "*"))
    {
      set_problem (problem, "%s needs a network interface before the ‘;’ (a name like "
                   "eth0 or its IP address)", transport);
      return FALSE;
    }
  if (!check_host (iface, problem) ||
      !parse_host_port (semi + 1, transport, FALSE, &group, &endpoint->port, problem))
    return FALSE;
  if (!is_multicast (group))
    {
      set_problem (problem, "“%s” is not a multicast address (224.0.0.0 to 239.255.255.255)",
                   group);
      return FALSE;
    }
  endpoint->host = g_strndup (address, strrchr (address, ':') - address);
  return TRUE;
}

/* udp://host:port, or udp://interface;multicast-address:port. */
static gboolean
parse_udp (const char    *address,
           MopedEndpoint *endpoint,
           char         **problem)
{
  const char *semi = strchr (address, ';');
  g_autofree char *iface = NULL;
  g_autofree char *group = NULL;

  if (semi == NULL)
    return parse_host_port (address, "udp", TRUE, &endpoint->host, &endpoint->port, problem);

  iface = g_strndup (address, semi - address);
  if (!check_host (iface, problem) ||
      !parse_host_port (semi + 1, "udp", FALSE, &group, &endpoint->port, problem))
    return FALSE;
  if (!is_multicast (group))
    {
      set_problem (problem, "“%s” is not a multicast address (224.0.0.0 to 239.255.255.255); "
                   "only a multicast group takes an interface before ‘;’", group);
      return FALSE;
    }
  endpoint->host = g_strndup (address, strrchr (address, ':') - address);
  return TRUE;
}

static gboolean
parse_ipc (const char    *address,
           MopedEndpoint *endpoint,
           char         **problem)
{
  gsize len = strlen (address);

  if (len == 0)
    {
      set_problem (problem, "the ipc path is empty (ipc://path, or ipc://* for one the "
                   "system picks)");
      return FALSE;
    }
  if (len > MOPED_IPC_PATH_MAX)
    {
      set_problem (problem, "the ipc path is %" G_GSIZE_FORMAT " bytes long; Linux allows "
                   "at most %d", len, MOPED_IPC_PATH_MAX);
      return FALSE;
    }
  endpoint->port = 0;
  return TRUE;
}

static gboolean
parse_inproc (const char *address,
              char      **problem)
{
  if (*address == '\0')
    {
      set_problem (problem, "the inproc name is empty (inproc://name)");
      return FALSE;
    }
  for (const char *p = address; *p; p++)
    if (g_ascii_isspace (*p))
      {
        g_autofree char *what = describe_char (p);

        set_problem (problem, "inproc name “%s” contains %s", address, what);
        return FALSE;
      }
  return TRUE;
}

static gboolean
lookup_transport (const char     *name,
                  MopedTransport *transport)
{
  for (guint i = 0; i < G_N_ELEMENTS (transport_names); i++)
    if (g_str_equal (name, transport_names[i].name))
      {
        *transport = transport_names[i].transport;
        return TRUE;
      }
  return FALSE;
}

/* The transport part; @allowed only shapes the message for an unknown one. */
static gboolean
parse_transport (const char     *text,
                 guint           allowed,
                 MopedTransport *transport,
                 const char    **address,
                 char          **problem)
{
  const char *sep = strstr (text, "://");
  g_autofree char *name = NULL;
  g_autofree char *lower = NULL;
  g_autofree char *known = NULL;

  if (sep != NULL && sep > text)
    {
      name = g_strndup (text, sep - text);
      if (lookup_transport (name, transport))
        {
          *address = sep + 3;
          return TRUE;
        }
    }
  known = describe_transports (allowed);
  if (sep == NULL)
    {
      set_problem (problem, "“%s” has no transport; an endpoint starts with %s followed "
                   "by ://, as in tcp://*:5555", text, known);
      return FALSE;
    }
  if (name == NULL)
    {
      set_problem (problem, "“%s” has no transport before ://; use %s", text, known);
      return FALSE;
    }
  lower = g_ascii_strdown (name, -1);
  if (lookup_transport (lower, transport))
    set_problem (problem, "write the transport “%s” in lowercase: %s://", name, lower);
  else
    set_problem (problem, "unknown transport “%s”; use %s", name, known);
  return FALSE;
}

static gboolean
parse_with (const char    *text,
            guint          allowed,
            MopedEndpoint *endpoint,
            char         **problem)
{
  const char *address = NULL;
  gboolean ok = FALSE;

  memset (endpoint, 0, sizeof *endpoint);
  if (text == NULL || *text == '\0')
    {
      set_problem (problem, "the endpoint is empty");
      return FALSE;
    }
  if (g_ascii_isspace (text[0]) || g_ascii_isspace (text[strlen (text) - 1]))
    {
      set_problem (problem, "the endpoint “%s” has spaces around it", text);
      return FALSE;
    }
  if (!parse_transport (text, allowed, &endpoint->transport, &address, problem))
    return FALSE;

  switch (endpoint->transport)
    {
    case MOPED_TRANSPORT_TCP:
      ok = parse_tcp (address, endpoint, problem);
      break;
    case MOPED_TRANSPORT_IPC:
      ok = parse_ipc (address, endpoint, problem);
      break;
    case MOPED_TRANSPORT_INPROC:
      ok = parse_inproc (address, problem);
      break;
    case MOPED_TRANSPORT_PGM:
    case MOPED_TRANSPORT_EPGM:
      ok = parse_pgm (address, moped_transport_get_name (endpoint->transport), endpoint, problem);
      break;
    case MOPED_TRANSPORT_UDP:
      ok = parse_udp (address, endpoint, problem);
      break;
    default:
      g_assert_not_reached ();
    }
  if (!ok)
    {
      moped_endpoint_clear (endpoint);
      return FALSE;
    }
  endpoint->address = g_strdup (address);
  return TRUE;
}

void
moped_endpoint_clear (MopedEndpoint *self)
{
  g_return_if_fail (self != NULL);

  g_clear_pointer (&self->address, g_free);
  g_clear_pointer (&self->host, g_free);
  self->port = 0;
}

gboolean
moped_endpoint_parse (const char    *text,
                      MopedEndpoint *endpoint,
                      char         **problem)
{
  g_return_val_if_fail (endpoint != NULL, FALSE);

  return parse_with (text, ALL_TRANSPORTS, endpoint, problem);
}

static gboolean
check_transport_allowed (const MopedEndpoint *ep,
                         MopedSocketType      type,
                         char               **problem)
{
  const MopedSocketTypeInfo *info = moped_socket_type_get_info (type);
  g_autofree char *users = NULL;
  g_autofree char *usable = NULL;

  if (moped_socket_type_allows (type, ep->transport))
    return TRUE;
  users = describe_types_allowing (ep->transport);
  usable = describe_transports (info->transports);
  if (users != NULL)
    set_problem (problem, "%s sockets cannot use %s (%s is only for %s sockets); use %s",
                 info->name, moped_transport_get_name (ep->transport),
                 moped_transport_get_name (ep->transport), users, usable);
  else
    set_problem (problem, "%s sockets cannot use %s; use %s",
                 info->name, moped_transport_get_name (ep->transport), usable);
  return FALSE;
}

static gboolean
check_bind_form (const MopedEndpoint *ep,
                 char               **problem)
{
  if (ep->transport == MOPED_TRANSPORT_TCP && strchr (ep->address, ';') != NULL)
    {
      set_problem (problem, "a source address before ‘;’ is only for connecting; "
                   "a bound tcp endpoint is tcp://interface:port");
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_connect_form (const MopedEndpoint *ep,
                    char               **problem)
{
  const char *name = moped_transport_get_name (ep->transport);

  switch (ep->transport)
    {
    case MOPED_TRANSPORT_TCP:
    case MOPED_TRANSPORT_UDP:
      if (is_wildcard_host (ep->host))
        {
          set_problem (problem, "a connecting socket needs the address or name of a host, "
                       "not %s (which only means “all interfaces” when binding)", ep->host);
          return FALSE;
        }
      if (ep->port == 0)
        {
          set_problem (problem, "a connecting socket needs the actual port number; "
                       "a port chosen by the system (* or !) can only be bound");
          return FALSE;
        }
      return TRUE;
    case MOPED_TRANSPORT_IPC:
      if (g_str_equal (ep->address, "*"))
        {
          set_problem (problem, "%s://* (a path the system picks) can only be bound; "
                       "a connecting socket needs the actual path", name);
          return FALSE;
        }
      return TRUE;
    case MOPED_TRANSPORT_INPROC:
    case MOPED_TRANSPORT_PGM:
    case MOPED_TRANSPORT_EPGM:
      return TRUE;
    default:
      g_return_val_if_reached (FALSE);
    }
}

gboolean
moped_endpoint_check (const char     *text,
                      MopedSocketType type,
                      gboolean        for_bind,
                      char          **problem)
{
  const MopedSocketTypeInfo *info;
  MopedEndpoint ep;
  gboolean ok;

  g_return_val_if_fail ((guint) type < MOPED_N_SOCKET_TYPES, FALSE);

  info = moped_socket_type_get_info (type);
  if (!parse_with (text, info->transports, &ep, problem))
    return FALSE;
  ok = check_transport_allowed (&ep, type, problem) &&
       (for_bind ? check_bind_form (&ep, problem) : check_connect_form (&ep, problem));
  moped_endpoint_clear (&ep);
  return ok;
}

/* "host:port" with the host in canonical form, the port as a number or "*". */
static void
append_host_port (GString    *s,
                  const char *host,
                  int         port)
{
  g_autofree char *lower = g_ascii_strdown (host, -1);

  g_string_append (s, is_wildcard_host (lower) ? "*" : lower);
  if (port == 0)
    g_string_append (s, ":*");
  else
    g_string_append_printf (s, ":%d", port);
}

char *
moped_endpoint_normalize (const char *text)
{
  MopedEndpoint ep;
  GString *s;

  g_return_val_if_fail (text != NULL, NULL);

  if (!moped_endpoint_parse (text, &ep, NULL))
    return g_strdup (text);

  s = g_string_new (moped_transport_get_name (ep.transport));
  g_string_append (s, "://");
  switch (ep.transport)
    {
    case MOPED_TRANSPORT_TCP:
    case MOPED_TRANSPORT_UDP:
    case MOPED_TRANSPORT_PGM:
    case MOPED_TRANSPORT_EPGM:
      {
        const char *semi = strchr (ep.address, ';');

        /* A tcp source address stays as written; it is not where the peer is. */
        if (ep.transport == MOPED_TRANSPORT_TCP && semi != NULL)
          g_string_append_len (s, ep.address, semi - ep.address + 1);
        append_host_port (s, ep.host, ep.port);
      }
      break;
    case MOPED_TRANSPORT_IPC:
    case MOPED_TRANSPORT_INPROC:
    default:
      g_string_append (s, ep.address);
      break;
    }
  moped_endpoint_clear (&ep);
  return g_string_free (s, FALSE);
}

char *
moped_endpoint_connect_form (const char *bound)
{
  MopedEndpoint ep;
  char *result;

  g_return_val_if_fail (bound != NULL, NULL);

  if (!moped_endpoint_parse (bound, &ep, NULL))
    return g_strdup (bound);
  /* "localhost" reaches a wildcard bind whether or not it also listens on IPv6. */
  if ((ep.transport == MOPED_TRANSPORT_TCP || ep.transport == MOPED_TRANSPORT_UDP) &&
      is_wildcard_host (ep.host) && strchr (ep.address, ';') == NULL)
    result = g_strdup_printf ("%s://localhost%s", moped_transport_get_name (ep.transport),
                              strrchr (ep.address, ':'));
  else
    result = g_strdup (bound);
  moped_endpoint_clear (&ep);
  return result;
}
