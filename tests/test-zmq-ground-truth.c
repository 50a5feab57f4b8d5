/* test-zmq-ground-truth.c: checks the socket-type table against what the installed libzmq does.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * For every ordered pair (A, B) of stable socket types, A binds to an ephemeral
 * loopback TCP port, B connects, and both try to send a known payload to the
 * other. The pair is compatible in libzmq's eyes when the payload arrives, in at
 * least one direction, as the last frame of a message; Moped's table must say
 * the same. Both directions run in one loop, and a libzmq handshake rejection
 * (seen through the socket monitors) ends the attempt early, so the whole run
 * stays short although most pairs are incompatible.
 */
#define _GNU_SOURCE  /* unshare(): another host, as namespaces of its own */
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <zmq.h>

#include "moped-design.h"
#include "moped-diagnostic.h"
#include "moped-framing.h"
#include "moped-socket-type.h"
#include "moped-test-util.h"

#define PAYLOAD "moped-ground-truth"
#define PAYLOAD_SIZE (sizeof PAYLOAD - 1)

/* Compatible pairs deliver within a few milliseconds on loopback; once both
 * sides report an established connection, a slow machine gets more time. */
#define GIVE_UP_USEC (500 * G_TIME_SPAN_MILLISECOND)
#define CONNECTED_GIVE_UP_USEC (5 * G_TIME_SPAN_SECOND)
#define RESEND_USEC (10 * G_TIME_SPAN_MILLISECOND)
#define POLL_MAX_MSEC 5

/* The test's own knowledge of libzmq's constants, checked against the table's
 * zmq_name column so both agree on which socket a Moped type means. */
typedef struct
{
  MopedSocketType type;
  int             zmq_type;
  const char     *zmq_name;
} ZmqType;

#define STABLE_TYPE(t) { MOPED_SOCKET_##t, ZMQ_##t, "ZMQ_" #t }

static const ZmqType zmq_types[MOPED_N_STABLE_SOCKET_TYPES] = {
  STABLE_TYPE (PAIR), STABLE_TYPE (PUB), STABLE_TYPE (SUB), STABLE_TYPE (XPUB),
  STABLE_TYPE (XSUB), STABLE_TYPE (REQ), STABLE_TYPE (REP), STABLE_TYPE (DEALER),
  STABLE_TYPE (ROUTER), STABLE_TYPE (PUSH), STABLE_TYPE (PULL), STABLE_TYPE (STREAM),
};

typedef struct
{
  MopedSocketType type;
  int             zmq_type;
  const char     *label;            /* "A" or "B"; also the ZMTP routing id */
  void           *socket;
  void           *monitor;          /* PAIR reading the socket's monitor events */
  GByteArray     *peer_id;          /* STREAM: the peer's id, from its first message */
  gboolean        send_refused;     /* zmq_send said ENOTSUP */
  gboolean        receive_refused;  /* zmq_msg_recv said ENOTSUP */
  gboolean        connected;        /* ZMTP handshake done, or STREAM notified */
  gboolean        rejected;         /* libzmq dropped the connection in the handshake */
  gboolean        has_request;      /* REP: received something, so it may reply */
  gboolean        got_payload;
  guint           sends;            /* payload messages libzmq accepted */
  guint           received;         /* messages of any content */
  guint16         last_event;
  GString        *events;
} Side;

typedef struct
{
  void  *context;
  Side   a;
  Side   b;
  gint64 elapsed;
} Exchange;

static void
zmq_ok (int         rc,
        const char *what)
{
  if (rc == -1)
    g_error ("%s: %s", what, zmq_strerror (zmq_errno ()));
}

static void
set_int_option (void       *socket,
                int         option,
                int         value,
                const char *what)
{
  zmq_ok (zmq_setsockopt (socket, option, &value, sizeof value), what);
}

static const char *
event_name (guint16 event)
{
  switch (event)
    {
    case ZMQ_EVENT_CONNECTED: return "connected";
    case ZMQ_EVENT_ACCEPTED: return "accepted";
    case ZMQ_EVENT_DISCONNECTED: return "disconnected";
    case ZMQ_EVENT_HANDSHAKE_SUCCEEDED: return "handshake succeeded";
    case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL: return "handshake failed (errno)";
    case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL: return "handshake failed (protocol error)";
    case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH: return "handshake failed (auth)";
    default: return NULL;
    }
}

static void
side_open (Side            *side,
           void            *context,
           MopedSocketType  type,
           const char      *label)
{
  g_autofree char *monitor_endpoint = g_strdup_printf ("inproc://moped-ground-truth-monitor-%s", label);

  side->type = type;
  side->zmq_type = zmq_types[type].zmq_type;
  side->label = label;
  side->peer_id = g_byte_array_new ();
  side->events = g_string_new (NULL);
  side->socket = zmq_socket (context, side->zmq_type);
  if (side->socket == NULL)
    g_error ("zmq_socket (%s): %s", zmq_types[type].zmq_name, zmq_strerror (zmq_errno ()));

  set_int_option (side->socket, ZMQ_LINGER, 0, "ZMQ_LINGER");
  zmq_ok (zmq_setsockopt (side->socket, ZMQ_ROUTING_ID, label, strlen (label)), "ZMQ_ROUTING_ID");
  if (side->zmq_type == ZMQ_ROUTER)
    set_int_option (side->socket, ZMQ_ROUTER_MANDATORY, 1, "ZMQ_ROUTER_MANDATORY");
  if (side->zmq_type == ZMQ_STREAM)
    set_int_option (side->socket, ZMQ_STREAM_NOTIFY, 1, "ZMQ_STREAM_NOTIFY");
  if (side->zmq_type == ZMQ_SUB)
    zmq_ok (zmq_setsockopt (side->socket, ZMQ_SUBSCRIBE, "", 0), "ZMQ_SUBSCRIBE");
  /* XSUB subscribes by message; it keeps the subscription and replays it to
   * every peer that attaches later. */
  if (side->zmq_type == ZMQ_XSUB)
    zmq_ok (zmq_send (side->socket, "\x01", 1, ZMQ_DONTWAIT), "XSUB subscribe");

  /* The monitor reader must be connected before bind/connect, else the early
   * events are dropped. */
  zmq_ok (zmq_socket_monitor (side->socket, monitor_endpoint, ZMQ_EVENT_ALL), "zmq_socket_monitor");
  side->monitor = zmq_socket (context, ZMQ_PAIR);
  g_assert_nonnull (side->monitor);
  set_int_option (side->monitor, ZMQ_LINGER, 0, "ZMQ_LINGER");
  zmq_ok (zmq_connect (side->monitor, monitor_endpoint), "monitor connect");
}

static void
side_close (Side *side)
{
  zmq_socket_monitor (side->socket, NULL, 0);
  zmq_ok (zmq_close (side->socket), "zmq_close");
  zmq_ok (zmq_close (side->monitor), "zmq_close (monitor)");
  g_byte_array_unref (side->peer_id);
  g_string_free (side->events, TRUE);
}

static gboolean
is_req_or_rep (int zmq_type)
{
  return zmq_type == ZMQ_REQ || zmq_type == ZMQ_REP;
}

/* Whether `from` may send now without breaking its type's send/receive order. */
static gboolean
may_send (const Side *from)
{
  switch (from->zmq_type)
    {
    case ZMQ_REQ:
      return from->sends == 0;
    case ZMQ_REP:
      return from->has_request && from->sends == 0;
    case ZMQ_STREAM:
      return from->peer_id->len > 0;
    default:
      return TRUE;
    }
}

/* One attempt to send the payload to `to`, framed as `to` expects: a ROUTER or
 * STREAM names the peer first, and REQ/REP peers need the empty delimiter that
 * DEALER and ROUTER do not add by themselves. */
static void
try_send (Side       *from,
          const Side *to)
{
  struct { const void *data; size_t size; } frames[3];
  guint n_frames = 0;

  if (from->send_refused || to->got_payload || !may_send (from))
    return;

  if (from->zmq_type == ZMQ_ROUTER)
    {
      frames[n_frames].data = to->label;
      frames[n_frames++].size = strlen (to->label);
    }
  else if (from->zmq_type == ZMQ_STREAM)
    {
      frames[n_frames].data = from->peer_id->data;
      frames[n_frames++].size = from->peer_id->len;
    }
  if ((from->zmq_type == ZMQ_DEALER || from->zmq_type == ZMQ_ROUTER) && is_req_or_rep (to->zmq_type))
    {
      frames[n_frames].data = "";
      frames[n_frames++].size = 0;
    }
  frames[n_frames].data = PAYLOAD;
  frames[n_frames++].size = PAYLOAD_SIZE;

  for (guint i = 0; i < n_frames; i++)
    {
      int flags = ZMQ_DONTWAIT | (i + 1 < n_frames ? ZMQ_SNDMORE : 0);
      int err;

      if (zmq_send (from->socket, frames[i].data, frames[i].size, flags) != -1)
        continue;
      err = zmq_errno ();
      /* libzmq takes or refuses a message at its first frame. */
      if (i > 0)
        g_error ("%s: frame %u refused: %s", from->label, i, zmq_strerror (err));
      if (err == ENOTSUP)
        from->send_refused = TRUE;
      else if (err != EAGAIN && err != EHOSTUNREACH && err != EFSM)
        g_error ("%s: zmq_send: %s", from->label, zmq_strerror (err));
      return;
    }
  from->sends++;
}

/* Reads one whole message without waiting; keeps its first and last frames. */
static gboolean
receive_message (Side       *side,
                 GByteArray *first,
                 GByteArray *last)
{
  zmq_msg_t part;
  gboolean is_first = TRUE;

  zmq_msg_init (&part);
  if (zmq_msg_recv (&part, side->socket, ZMQ_DONTWAIT) == -1)
    {
      if (zmq_errno () == ENOTSUP)
        side->receive_refused = TRUE;
      zmq_msg_close (&part);
      return FALSE;
    }
  for (;;)
    {
      if (is_first)
        {
          g_byte_array_set_size (first, 0);
          g_byte_array_append (first, zmq_msg_data (&part), zmq_msg_size (&part));
          is_first = FALSE;
        }
      g_byte_array_set_size (last, 0);
      g_byte_array_append (last, zmq_msg_data (&part), zmq_msg_size (&part));
      /* The rest of a message is already there once its first frame is. */
      if (!zmq_msg_more (&part) || zmq_msg_recv (&part, side->socket, ZMQ_DONTWAIT) == -1)
        break;
    }
  zmq_msg_close (&part);
  return TRUE;
}

static void
drain_messages (Side *side)
{
  g_autoptr(GByteArray) first = g_byte_array_new ();
  g_autoptr(GByteArray) last = g_byte_array_new ();

  while (receive_message (side, first, last))
    {
      side->received++;
      if (side->zmq_type == ZMQ_STREAM)
        {
          /* The connect notification [id, ""] comes first: it names the peer. */
          g_byte_array_set_size (side->peer_id, 0);
          g_byte_array_append (side->peer_id, first->data, first->len);
          side->connected = TRUE;
        }
      if (side->zmq_type == ZMQ_REP)
        side->has_request = TRUE;
      if (last->len == PAYLOAD_SIZE && memcmp (last->data, PAYLOAD, PAYLOAD_SIZE) == 0)
        side->got_payload = TRUE;
    }
}

static void
record_event (Side    *side,
              guint16  event,
              guint32  value)
{
  const char *name = event_name (event);

  if (event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED)
    side->connected = TRUE;
  /* libzmq 4.3.4 reports a socket-type mismatch only as a disconnection
   * before the handshake succeeded, not as a handshake failure event. A
   * STREAM has no handshake to fail. */
  if (event == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL
      || event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL
      || event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH
      || (event == ZMQ_EVENT_DISCONNECTED && !side->connected && side->zmq_type != ZMQ_STREAM))
    side->rejected = TRUE;
  if (name == NULL || event == side->last_event)
    return;
  side->last_event = event;
  g_string_append_printf (side->events, "%s%s", side->events->len ? ", " : "", name);
  if (event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL)
    g_string_append_printf (side->events, " 0x%08x", value);
  else if (event == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL)
    g_string_append_printf (side->events, " %s", g_strerror ((int) value));
}

/* Monitor messages: [event (u16) + value (u32), endpoint]. */
static void
drain_events (Side *side)
{
  zmq_msg_t part;

  zmq_msg_init (&part);
  while (zmq_msg_recv (&part, side->monitor, ZMQ_DONTWAIT) != -1)
    {
      guint16 event = 0;
      guint32 value = 0;

      if (zmq_msg_size (&part) >= sizeof event + sizeof value)
        {
          memcpy (&event, zmq_msg_data (&part), sizeof event);
          memcpy (&value, (const guint8 *) zmq_msg_data (&part) + sizeof event, sizeof value);
          record_event (side, event, value);
        }
      while (zmq_msg_more (&part) && zmq_msg_recv (&part, side->monitor, ZMQ_DONTWAIT) != -1)
        ;
    }
  zmq_msg_close (&part);
}

/* Whether the attempt from `from` to `to` has an outcome yet. */
static gboolean
direction_settled (const Side *from,
                   const Side *to)
{
  return to->got_payload || from->send_refused || to->receive_refused;
}

static void
exchange_run (Exchange *exchange)
{
  Side *a = &exchange->a;
  Side *b = &exchange->b;
  gint64 start = g_get_monotonic_time ();
  gint64 give_up = start + GIVE_UP_USEC;
  gint64 next_send = start;

  for (;;)
    {
      zmq_pollitem_t items[] = {
        { a->socket, 0, ZMQ_POLLIN, 0 },
        { b->socket, 0, ZMQ_POLLIN, 0 },
        { a->monitor, 0, ZMQ_POLLIN, 0 },
        { b->monitor, 0, ZMQ_POLLIN, 0 },
      };
      gint64 now = g_get_monotonic_time ();
      long wait_msec;

      drain_messages (a);
      drain_messages (b);
      drain_events (a);
      drain_events (b);

      if (direction_settled (a, b) && direction_settled (b, a))
        break;
      /* A connection rejected in the handshake is libzmq's final word on
       * the pair: reconnecting would be rejected the same way. */
      if (a->rejected || b->rejected)
        break;
      if (a->connected && b->connected)
        give_up = start + CONNECTED_GIVE_UP_USEC;
      if (now >= give_up)
        break;

      /* Resending covers slow joiners: PUB drops what it sends before the
       * subscription arrives, and a ROUTER cannot address a peer it has not
       * finished the handshake with. */
      if (now >= next_send)
        {
          try_send (a, b);
          try_send (b, a);
          next_send = now + RESEND_USEC;
        }

      wait_msec = (long) CLAMP ((MIN (next_send, give_up) - now) / 1000, 1, POLL_MAX_MSEC);
      if (zmq_poll (items, G_N_ELEMENTS (items), wait_msec) == -1 && zmq_errno () != EINTR)
        g_error ("zmq_poll: %s", zmq_strerror (zmq_errno ()));
    }
  exchange->elapsed = g_get_monotonic_time () - start;
}

static void
exchange_open (Exchange        *exchange,
               MopedSocketType  type_a,
               MopedSocketType  type_b)
{
  char endpoint[256];
  size_t endpoint_size = sizeof endpoint;

  exchange->context = zmq_ctx_new ();
  g_assert_nonnull (exchange->context);
  side_open (&exchange->a, exchange->context, type_a, "A");
  side_open (&exchange->b, exchange->context, type_b, "B");

  zmq_ok (zmq_bind (exchange->a.socket, "tcp://127.0.0.1:*"), "zmq_bind");
  zmq_ok (zmq_getsockopt (exchange->a.socket, ZMQ_LAST_ENDPOINT, endpoint, &endpoint_size),
          "ZMQ_LAST_ENDPOINT");
  zmq_ok (zmq_connect (exchange->b.socket, endpoint), "zmq_connect");
}

static void
exchange_close (Exchange *exchange)
{
  side_close (&exchange->a);
  side_close (&exchange->b);
  zmq_ok (zmq_ctx_term (exchange->context), "zmq_ctx_term");
}

static char *
describe_direction (const Side *from,
                    const Side *to)
{
  if (to->got_payload)
    return g_strdup_printf ("%s->%s delivered", from->label, to->label);
  if (from->send_refused)
    return g_strdup_printf ("%s->%s impossible (%s cannot send)", from->label, to->label,
                            zmq_types[from->type].zmq_name);
  if (to->receive_refused)
    return g_strdup_printf ("%s->%s impossible (%s cannot receive)", from->label, to->label,
                            zmq_types[to->type].zmq_name);
  return g_strdup_printf ("%s->%s not delivered (%u sends accepted, %u other messages received)",
                          from->label, to->label, from->sends, to->received);
}

static char *
describe_exchange (const Exchange *exchange)
{
  g_autofree char *ab = describe_direction (&exchange->a, &exchange->b);
  g_autofree char *ba = describe_direction (&exchange->b, &exchange->a);

  return g_strdup_printf ("A %s binds, B %s connects; %s; %s; A events: [%s]; B events: [%s]; "
                          "%.1f ms",
                          moped_socket_type_get_name (exchange->a.type),
                          moped_socket_type_get_name (exchange->b.type),
                          ab, ba, exchange->a.events->str, exchange->b.events->str,
                          exchange->elapsed / 1000.0);
}

static void
test_pair (gconstpointer data)
{
  guint pair = GPOINTER_TO_UINT (data);
  MopedSocketType type_a = pair / MOPED_N_STABLE_SOCKET_TYPES;
  MopedSocketType type_b = pair % MOPED_N_STABLE_SOCKET_TYPES;
  gboolean moped_says = moped_socket_types_compatible (type_a, type_b);
  gboolean libzmq_does, a_got, b_got;
  g_autofree char *evidence = NULL;
  Exchange exchange = { 0 };

  exchange_open (&exchange, type_a, type_b);
  exchange_run (&exchange);
  libzmq_does = exchange.a.got_payload || exchange.b.got_payload;
  a_got = exchange.a.got_payload;
  b_got = exchange.b.got_payload;
  evidence = describe_exchange (&exchange);
  exchange_close (&exchange);

  g_test_message ("%s", evidence);
  /* Each direction on its own: a message goes from A to B exactly when the table says
   * it does (XSUB to XPUB upstream included; a PUB never receives what an XSUB sends). */
  if (moped_says && libzmq_does)
    for (guint d = 0; d < 2; d++)
      {
        MopedSocketType from = d ? type_b : type_a;
        MopedSocketType to = d ? type_a : type_b;
        gboolean arrived = d ? a_got : b_got;

        if (moped_socket_types_deliver (from, to) != arrived)
          g_test_fail_printf ("%s to %s: Moped says a message %s, libzmq %s it: %s",
                              moped_socket_type_get_name (from), moped_socket_type_get_name (to),
                              moped_socket_types_deliver (from, to) ? "arrives" : "never arrives",
                              arrived ? "delivered" : "did not deliver", evidence);
      }
  if (moped_says != libzmq_does)
    g_test_fail_printf ("%s-%s: Moped says %s, libzmq says %s: %s",
                        moped_socket_type_get_name (type_a),
                        moped_socket_type_get_name (type_b),
                        moped_says ? "compatible" : "incompatible",
                        libzmq_does ? "compatible (a message was delivered)"
                                    : "incompatible (nothing was delivered)",
                        evidence);
}

static void
test_zmq_names (void)
{
  for (guint i = 0; i < MOPED_N_STABLE_SOCKET_TYPES; i++)
    {
      const MopedSocketTypeInfo *info = moped_socket_type_get_info (i);

      g_assert_cmpint (zmq_types[i].type, ==, i);
      g_assert_cmpstr (info->zmq_name, ==, zmq_types[i].zmq_name);
      g_assert_false (info->draft);
    }
}

static void
test_symmetric (void)
{
  for (guint a = 0; a < MOPED_N_STABLE_SOCKET_TYPES; a++)
    for (guint b = 0; b < MOPED_N_STABLE_SOCKET_TYPES; b++)
      if (moped_socket_types_compatible (a, b) != moped_socket_types_compatible (b, a))
        g_test_fail_printf ("%s-%s is %s but %s-%s is not",
                            moped_socket_type_get_name (a), moped_socket_type_get_name (b),
                            moped_socket_types_compatible (a, b) ? "compatible" : "incompatible",
                            moped_socket_type_get_name (b), moped_socket_type_get_name (a));
}

static void
test_draft_types (void)
{
  for (guint d = MOPED_N_STABLE_SOCKET_TYPES; d < MOPED_N_SOCKET_TYPES; d++)
    {
      g_assert_true (moped_socket_type_get_info (d)->draft);
      for (guint s = 0; s < MOPED_N_STABLE_SOCKET_TYPES; s++)
        {
          g_assert_false (moped_socket_types_compatible (d, s));
          g_assert_false (moped_socket_types_compatible (s, d));
        }
    }
}

/* ---- run-time rules ------------------------------------------------------------------
 *
 * Each run-time diagnostic is backed here twice: libzmq really misbehaves in the shape
 * the diagnostic refuses, and really works in the shape it accepts; and validation
 * says the same of a design drawn in each shape. Sockets talk over loopback TCP with
 * ports the system picks; every wait is bounded. */

#define RULE_WAIT_MSEC 1000   /* how long a message that never comes is waited for */
#define RULE_DELIVER_MSEC 5000  /* how long one that must come may take */

static void *
rule_socket (void       *context,
             int         type,
             const char *routing_id)
{
  void *s = zmq_socket (context, type);

  g_assert_nonnull (s);
  set_int_option (s, ZMQ_LINGER, 0, "ZMQ_LINGER");
  if (routing_id != NULL)
    zmq_ok (zmq_setsockopt (s, ZMQ_ROUTING_ID, routing_id, strlen (routing_id)), "ZMQ_ROUTING_ID");
  if (type == ZMQ_ROUTER)
    set_int_option (s, ZMQ_ROUTER_MANDATORY, 1, "ZMQ_ROUTER_MANDATORY");
  return s;
}

/* Binds an ephemeral loopback port; returns the endpoint to connect to. */
static char *
rule_bind (void *s)
{
  char endpoint[256];
  size_t size = sizeof endpoint;

  zmq_ok (zmq_bind (s, "tcp://127.0.0.1:*"), "zmq_bind");
  zmq_ok (zmq_getsockopt (s, ZMQ_LAST_ENDPOINT, endpoint, &size), "ZMQ_LAST_ENDPOINT");
  return g_strdup (endpoint);
}

/* The last frame of the next message on @s as text (the first frame in @first when
 * given, for a ROUTER's routing id), or NULL when none comes within @msec. */
static char *
rule_receive (void     *s,
              int       msec,
              GString **first)
{
  zmq_pollitem_t item = { s, 0, ZMQ_POLLIN, 0 };
  GString *last = NULL;
  int more = 1;
  gboolean first_frame = TRUE;

  if (zmq_poll (&item, 1, msec) <= 0)
    return NULL;
  while (more)
    {
      zmq_msg_t msg;
      size_t size = sizeof more;

      zmq_msg_init (&msg);
      zmq_ok (zmq_msg_recv (&msg, s, 0), "zmq_msg_recv");
      if (first_frame && first != NULL)
        *first = g_string_new_len (zmq_msg_data (&msg), zmq_msg_size (&msg));
      first_frame = FALSE;
      if (last != NULL)
        g_string_free (last, TRUE);
      last = g_string_new_len (zmq_msg_data (&msg), zmq_msg_size (&msg));
      zmq_msg_close (&msg);
      zmq_ok (zmq_getsockopt (s, ZMQ_RCVMORE, &more, &size), "ZMQ_RCVMORE");
    }
  return g_string_free (last, FALSE);
}

static void
rule_send (void       *s,
           const char *text)
{
  zmq_ok (zmq_send (s, text, strlen (text), 0), "zmq_send");
}

/* A ROUTER's send to @peer, retried while the peer is not (yet) known; TRUE once sent. */
static gboolean
rule_route_id (void       *router,
               const char *peer,
               gsize       peer_size,
               const char *text,
               int         msec)
{
  gint64 end = g_get_monotonic_time () + msec * G_TIME_SPAN_MILLISECOND;

  do
    {
      if (zmq_send (router, peer, peer_size, ZMQ_SNDMORE | ZMQ_DONTWAIT) == (int) peer_size)
        {
          rule_send (router, text);
          return TRUE;
        }
      g_assert_cmpint (zmq_errno (), ==, EHOSTUNREACH);
      g_usleep (5 * G_TIME_SPAN_MILLISECOND);
    }
  while (g_get_monotonic_time () < end);
  return FALSE;
}

static gboolean
rule_route (void       *router,
            const char *peer,
            const char *text,
            int         msec)
{
  return rule_route_id (router, peer, strlen (peer), text, msec);
}

/* The codes validation reports for @design, one string "code code ...". */
static char *
rule_codes (MopedDesign *design)
{
  g_autoptr(GPtrArray) diags = moped_validate (design);
  GString *s = g_string_new (" ");

  for (guint i = 0; i < diags->len; i++)
    {
      const MopedDiagnostic *d = g_ptr_array_index (diags, i);

      g_test_message ("%s: %s", d->code, d->message);
      g_string_append_printf (s, "%s ", d->code);
    }
  return g_string_free (s, FALSE);
}

/* The hint of the first diagnostic @code, or NULL. */
static char *
rule_hint (MopedDesign *design,
           const char  *code)
{
  g_autoptr(GPtrArray) diags = moped_validate (design);

  for (guint i = 0; i < diags->len; i++)
    {
      const MopedDiagnostic *d = g_ptr_array_index (diags, i);

      if (g_str_equal (d->code, code))
        return g_strdup (d->hint);
    }
  return NULL;
}

static void
assert_reports (MopedDesign *design,
                const char  *code,
                gboolean     expected)
{
  g_autofree char *codes = rule_codes (design);
  g_autofree char *wanted = g_strdup_printf (" %s ", code);

  if ((strstr (codes, wanted) != NULL) != expected)
    g_test_fail_printf ("validation %s %s, but reports:%s", expected ? "misses" : "wrongly reports",
                        code, codes);
}

/* A design of @n_servers server nodes with one socket of @server_type that binds, and a
 * client node whose @client_type socket connects to each; protocol P, whose flow
 * "Talk" is the client sending ASK to the first server, and that server answering. */
typedef struct
{
  MopedDesign  *design;
  MopedElement *client, *client_socket;
  MopedElement *servers[3], *server_sockets[3];
  MopedElement *links[3];
  MopedElement *protocol, *ask, *answer, *flow;
} RuleDesign;

static void
rule_design_init (RuleDesign      *r,
                  MopedSocketType  client_type,
                  MopedSocketType  server_type,
                  guint            n_servers,
                  gboolean         answer)
{
  MopedDesign *d = moped_design_new ();

  r->design = d;
  moped_design_set_string (d, moped_design_get_root (d), MOPED_PROP_NAME, "Rule");
  r->client = moped_test_add_named (d, NULL, MOPED_KIND_NODE, "client", "client");
  r->client_socket = moped_test_add_socket_full (d, r->client, "client-s", "out", client_type,
                                                 MOPED_SOCKET_MODE_CONNECT);
  r->protocol = moped_test_add_named (d, NULL, MOPED_KIND_PROTOCOL, "p", "P");
  for (guint i = 0; i < n_servers; i++)
    {
      g_autofree char *id = g_strdup_printf ("server-%u", i + 1);
      g_autofree char *sid = g_strdup_printf ("server-%u-s", i + 1);
      g_autofree char *endpoint = g_strdup_printf ("tcp://*:%u", 6100 + i);

      r->servers[i] = moped_test_add_named (d, NULL, MOPED_KIND_NODE, id, id);
      r->server_sockets[i] = moped_test_add_socket_full (d, r->servers[i], sid, "in", server_type,
                                                         MOPED_SOCKET_MODE_BIND);
      r->links[i] = moped_test_add_link (d, r->client_socket, r->server_sockets[i], endpoint);
      moped_design_set_ref (d, r->links[i], MOPED_PROP_PROTOCOL, r->protocol);
    }
  r->ask = moped_test_add_command (d, r->protocol, "ask", "ASK", r->client);
  r->answer = moped_test_add_command (d, r->protocol, "answer", "ANSWER", r->servers[0]);
  r->flow = moped_test_add_named (d, r->protocol, MOPED_KIND_FLOW, "talk", "Talk");
  moped_test_add_step (d, r->flow, "talk-1", r->client, r->servers[0], r->ask);
  if (answer)
    moped_test_add_step (d, r->flow, "talk-2", r->servers[0], r->client, r->answer);
}

static void
rule_design_clear (RuleDesign *r)
{
  g_clear_object (&r->design);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RuleDesign, rule_design_clear)

/* exclusive-pair: a bound PAIR with two connecting PAIR peers serves only one. */
static void
test_rule_exclusive_pair (void)
{
  void *context = zmq_ctx_new ();
  void *bound = rule_socket (context, ZMQ_PAIR, NULL);
  void *peers[2] = { rule_socket (context, ZMQ_PAIR, NULL), rule_socket (context, ZMQ_PAIR, NULL) };
  g_autofree char *endpoint = rule_bind (bound);
  gboolean got[2] = { FALSE, FALSE };
  char *text;
  g_auto(RuleDesign) two = { 0 };
  g_auto(RuleDesign) one = { 0 };

  for (guint i = 0; i < 2; i++)
    {
      zmq_ok (zmq_connect (peers[i], endpoint), "zmq_connect");
      zmq_send (peers[i], i ? "peer-2" : "peer-1", 6, ZMQ_DONTWAIT);
    }
  while ((text = rule_receive (bound, got[0] || got[1] ? RULE_WAIT_MSEC : RULE_DELIVER_MSEC, NULL)) != NULL)
    {
      got[g_str_equal (text, "peer-2")] = TRUE;
      g_free (text);
    }
  /* Exactly one of the two is served: the other's message never arrives. */
  g_assert_true (got[0] != got[1]);
  /* The accepted shape: one peer, served. */
  zmq_close (peers[got[0] ? 1 : 0]);
  text = rule_receive (bound, RULE_WAIT_MSEC, NULL);
  g_assert_null (text);
  rule_send (peers[got[0] ? 0 : 1], "again");
  text = rule_receive (bound, RULE_DELIVER_MSEC, NULL);
  g_assert_cmpstr (text, ==, "again");
  g_free (text);
  zmq_close (peers[got[0] ? 0 : 1]);
  zmq_close (bound);
  zmq_ctx_term (context);

  rule_design_init (&two, MOPED_SOCKET_PAIR, MOPED_SOCKET_PAIR, 2, FALSE);
  moped_design_set_enum (two.design, two.client_socket, MOPED_PROP_MODE, MOPED_SOCKET_MODE_BIND);
  moped_design_set_enum (two.design, two.server_sockets[0], MOPED_PROP_MODE, MOPED_SOCKET_MODE_CONNECT);
  moped_design_set_enum (two.design, two.server_sockets[1], MOPED_PROP_MODE, MOPED_SOCKET_MODE_CONNECT);
  assert_reports (two.design, "exclusive-pair", TRUE);
  rule_design_init (&one, MOPED_SOCKET_PAIR, MOPED_SOCKET_PAIR, 1, FALSE);
  assert_reports (one.design, "exclusive-pair", FALSE);
  /* A peer node with two instances is two peers. */
  moped_design_set_int (one.design, one.servers[0], MOPED_PROP_INSTANCES, 2);
  moped_design_set_enum (one.design, one.client_socket, MOPED_PROP_MODE, MOPED_SOCKET_MODE_BIND);
  moped_design_set_enum (one.design, one.server_sockets[0], MOPED_PROP_MODE, MOPED_SOCKET_MODE_CONNECT);
  assert_reports (one.design, "exclusive-pair", TRUE);
}

/* round-robin-receiver: a DEALER or PUSH linked to two servers cannot send to one. */
static void
run_round_robin (int      sender_type,
                 int      receiver_type,
                 guint    n_receivers,
                 guint   *counts)
{
  void *context = zmq_ctx_new ();
  void *sender = rule_socket (context, sender_type, NULL);
  void *receivers[2];
  char *text;

  for (guint i = 0; i < n_receivers; i++)
    {
      g_autofree char *endpoint = NULL;

      receivers[i] = rule_socket (context, receiver_type, NULL);
      endpoint = rule_bind (receivers[i]);
      zmq_ok (zmq_connect (sender, endpoint), "zmq_connect");
      counts[i] = 0;
    }
  for (guint m = 0; m < 10; m++)
    rule_send (sender, "for-server-1");
  for (guint i = 0; i < n_receivers; i++)
    while ((text = rule_receive (receivers[i], counts[0] + (n_receivers > 1 ? counts[1] : 0) < 10
                                                 ? RULE_DELIVER_MSEC : 0, NULL)) != NULL)
      {
        counts[i]++;
        g_free (text);
      }
  for (guint i = 0; i < n_receivers; i++)
    zmq_close (receivers[i]);
  zmq_close (sender);
  zmq_ctx_term (context);
}

static void
test_rule_round_robin (void)
{
  static const struct { int sender, receiver; MopedSocketType ms, mr; } shapes[] = {
    { ZMQ_DEALER, ZMQ_ROUTER, MOPED_SOCKET_DEALER, MOPED_SOCKET_ROUTER },
    { ZMQ_PUSH, ZMQ_PULL, MOPED_SOCKET_PUSH, MOPED_SOCKET_PULL },
  };

  for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
    {
      guint counts[2];
      g_auto(RuleDesign) two = { 0 };
      g_auto(RuleDesign) one = { 0 };

      /* Ten messages meant for server 1: with two peers, server 2 takes some. */
      run_round_robin (shapes[s].sender, shapes[s].receiver, 2, counts);
      g_test_message ("two peers: %u and %u", counts[0], counts[1]);
      g_assert_cmpuint (counts[0] + counts[1], ==, 10);
      g_assert_cmpuint (counts[1], >, 0);
      g_assert_cmpuint (counts[0], <, 10);
      run_round_robin (shapes[s].sender, shapes[s].receiver, 1, counts);
      g_assert_cmpuint (counts[0], ==, 10);

      rule_design_init (&two, shapes[s].ms, shapes[s].mr, 2, FALSE);
      assert_reports (two.design, "round-robin-receiver", TRUE);
      rule_design_init (&one, shapes[s].ms, shapes[s].mr, 1, FALSE);
      assert_reports (one.design, "round-robin-receiver", FALSE);
      /* Several instances of one server node are fine: any of them may take it. */
      moped_design_set_int (one.design, one.servers[0], MOPED_PROP_INSTANCES, 3);
      assert_reports (one.design, "round-robin-receiver", FALSE);
      /* Two sockets of that one node are two peers as well (libzmq's round-robin is
       * over connections): refused when the other speaks another protocol. */
      {
        MopedElement *other = moped_test_add_socket_full (one.design, one.servers[0], "server-1-t", "other",
                                                          shapes[s].mr, MOPED_SOCKET_MODE_BIND);
        MopedElement *link = moped_test_add_link (one.design, one.client_socket, other, "tcp://*:6199");
        MopedElement *protocol = moped_test_add_named (one.design, NULL, MOPED_KIND_PROTOCOL, "q", "Q");

        moped_design_set_ref (one.design, link, MOPED_PROP_PROTOCOL, protocol);
        assert_reports (one.design, "round-robin-receiver", TRUE);
        moped_design_set_ref (one.design, link, MOPED_PROP_PROTOCOL, one.protocol);
        assert_reports (one.design, "round-robin-receiver", FALSE);
      }
    }
}

/* req-reply-from-other: a REQ linked to two REP servers takes each reply from the one
 * its request went to, in turn; it cannot expect it from a chosen one. */
static void
run_req (guint  n_servers,
         guint *from_first)
{
  void *context = zmq_ctx_new ();
  void *req = rule_socket (context, ZMQ_REQ, NULL);
  void *reps[2];

  for (guint i = 0; i < n_servers; i++)
    {
      g_autofree char *endpoint = NULL;

      reps[i] = rule_socket (context, ZMQ_REP, NULL);
      endpoint = rule_bind (reps[i]);
      zmq_ok (zmq_connect (req, endpoint), "zmq_connect");
    }
  *from_first = 0;
  for (guint round = 0; round < 4; round++)
    {
      gint64 end = g_get_monotonic_time () + RULE_DELIVER_MSEC * G_TIME_SPAN_MILLISECOND;
      gboolean answered = FALSE;
      char *reply;

      rule_send (req, "ask");
      while (!answered && g_get_monotonic_time () < end)
        for (guint i = 0; i < n_servers && !answered; i++)
          {
            char *text = rule_receive (reps[i], 5, NULL);

            if (text != NULL)
              {
                rule_send (reps[i], i ? "server-2" : "server-1");
                answered = TRUE;
                g_free (text);
              }
          }
      g_assert_true (answered);
      reply = rule_receive (req, RULE_DELIVER_MSEC, NULL);
      g_assert_nonnull (reply);
      *from_first += g_str_equal (reply, "server-1");
      g_free (reply);
    }
  for (guint i = 0; i < n_servers; i++)
    zmq_close (reps[i]);
  zmq_close (req);
  zmq_ctx_term (context);
}

static void
test_rule_req_reply (void)
{
  guint from_first;
  g_auto(RuleDesign) two = { 0 };
  g_auto(RuleDesign) one = { 0 };

  run_req (2, &from_first);
  g_test_message ("two servers: %u of 4 replies from server 1", from_first);
  g_assert_cmpuint (from_first, <, 4);
  run_req (1, &from_first);
  g_assert_cmpuint (from_first, ==, 4);

  rule_design_init (&two, MOPED_SOCKET_REQ, MOPED_SOCKET_REP, 2, TRUE);
  assert_reports (two.design, "req-reply-from-other", TRUE);
  assert_reports (two.design, "round-robin-receiver", TRUE);
  rule_design_init (&one, MOPED_SOCKET_REQ, MOPED_SOCKET_REP, 1, TRUE);
  assert_reports (one.design, "req-reply-from-other", FALSE);
}

/* router-unknown-peer: a ROUTER addresses a peer by routing id. A peer that set none
 * cannot be addressed until it sends; two instances with one id (the same program
 * started twice) are not two addressable peers; a peer with its own id set before it
 * connects, ROUTER to ROUTER included, is addressable at once. */
static void
test_rule_router_peer (void)
{
  void *context = zmq_ctx_new ();
  void *router = rule_socket (context, ZMQ_ROUTER, "broker/backend");
  g_autofree char *endpoint = rule_bind (router);
  void *anonymous = rule_socket (context, ZMQ_DEALER, NULL);
  void *named = rule_socket (context, ZMQ_ROUTER, "worker/dealer");
  void *twins[2] = { rule_socket (context, ZMQ_DEALER, "twin/dealer"),
                     rule_socket (context, ZMQ_DEALER, "twin/dealer") };
  char *text;
  GString *id = NULL;
  guint twin_got[2] = { 0, 0 };
  g_auto(RuleDesign) instances = { 0 };
  g_auto(RuleDesign) single = { 0 };

  zmq_ok (zmq_connect (anonymous, endpoint), "zmq_connect");
  zmq_ok (zmq_connect (named, endpoint), "zmq_connect");
  /* ROUTER to ROUTER: the connecting side addresses the bound one by its id too. */
  g_assert_true (rule_route (named, "broker/backend", "hello", RULE_DELIVER_MSEC));
  text = rule_receive (router, RULE_DELIVER_MSEC, &id);
  g_assert_cmpstr (text, ==, "hello");
  g_assert_cmpstr (id->str, ==, "worker/dealer");
  g_clear_pointer (&text, g_free);
  g_string_free (g_steal_pointer (&id), TRUE);
  g_assert_true (rule_route (router, "worker/dealer", "to-named", RULE_DELIVER_MSEC));
  text = rule_receive (named, RULE_DELIVER_MSEC, NULL);
  g_assert_cmpstr (text, ==, "to-named");
  g_clear_pointer (&text, g_free);

  /* The anonymous peer is connected (its message below arrives) but has no name the
   * ROUTER could know beforehand; once it has sent, its envelope addresses it. */
  g_assert_false (rule_route (router, "worker", "to-anonymous", RULE_WAIT_MSEC));
  rule_send (anonymous, "ready");
  text = rule_receive (router, RULE_DELIVER_MSEC, &id);
  g_assert_cmpstr (text, ==, "ready");
  g_clear_pointer (&text, g_free);
  g_assert_true (rule_route_id (router, id->str, id->len, "to-anonymous", RULE_WAIT_MSEC));
  text = rule_receive (anonymous, RULE_DELIVER_MSEC, NULL);
  g_assert_cmpstr (text, ==, "to-anonymous");
  g_clear_pointer (&text, g_free);
  g_string_free (g_steal_pointer (&id), TRUE);

  /* Two instances under one id: everything goes to one of them. */
  zmq_ok (zmq_connect (twins[0], endpoint), "zmq_connect");
  g_assert_true (rule_route (router, "twin/dealer", "twin", RULE_DELIVER_MSEC));
  zmq_ok (zmq_connect (twins[1], endpoint), "zmq_connect");
  g_usleep (100 * G_TIME_SPAN_MILLISECOND);
  for (guint m = 0; m < 5; m++)
    g_assert_true (rule_route (router, "twin/dealer", "twin", RULE_WAIT_MSEC));
  for (guint i = 0; i < 2; i++)
    while ((text = rule_receive (twins[i], twin_got[0] + twin_got[1] < 6 ? RULE_WAIT_MSEC : 0, NULL)) != NULL)
      {
        twin_got[i]++;
        g_free (text);
      }
  g_test_message ("twins: %u and %u", twin_got[0], twin_got[1]);
  g_assert_cmpuint (twin_got[0], ==, 6);
  g_assert_cmpuint (twin_got[1], ==, 0);

  zmq_close (twins[0]);
  zmq_close (twins[1]);
  zmq_close (anonymous);
  zmq_close (named);
  zmq_close (router);
  zmq_ctx_term (context);

  /* A broker's ROUTER sending first to a worker node with several instances. */
  rule_design_init (&instances, MOPED_SOCKET_ROUTER, MOPED_SOCKET_DEALER, 1, FALSE);
  moped_design_set_int (instances.design, instances.servers[0], MOPED_PROP_INSTANCES, 2);
  moped_design_set_enum (instances.design, instances.server_sockets[0], MOPED_PROP_MODE, MOPED_SOCKET_MODE_CONNECT);
  moped_design_set_enum (instances.design, instances.client_socket, MOPED_PROP_MODE, MOPED_SOCKET_MODE_BIND);
  assert_reports (instances.design, "router-unknown-peer", TRUE);
  /* The worker says READY first, in a flow of its own: then the ROUTER knows it. */
  {
    MopedElement *ready = moped_test_add_command (instances.design, instances.protocol, "ready", "READY",
                                                  instances.servers[0]);
    MopedElement *opening = moped_test_add_named (instances.design, instances.protocol, MOPED_KIND_FLOW,
                                                  "opening", "Opening");

    moped_test_add_step (instances.design, opening, "opening-1", instances.servers[0], instances.client, ready);
    assert_reports (instances.design, "router-unknown-peer", FALSE);
  }
  /* ROUTER to ROUTER, one instance: the exported code names it, so it is addressable. */
  rule_design_init (&single, MOPED_SOCKET_ROUTER, MOPED_SOCKET_ROUTER, 1, FALSE);
  assert_reports (single.design, "router-unknown-peer", FALSE);
}

/* instances-fixed-bind: the second instance binding the same fixed endpoint fails;
 * instances that connect to one bound socket all get through. */
static void
test_rule_instances_bind (void)
{
  void *context = zmq_ctx_new ();
  void *first = rule_socket (context, ZMQ_PULL, NULL);
  void *second = rule_socket (context, ZMQ_PULL, NULL);
  g_autofree char *endpoint = rule_bind (first);
  void *pushers[2] = { rule_socket (context, ZMQ_PUSH, NULL), rule_socket (context, ZMQ_PUSH, NULL) };
  guint got = 0;
  char *text;
  g_auto(RuleDesign) binds = { 0 };
  g_auto(RuleDesign) split = { 0 };
  g_autofree char *hint = NULL;

  g_assert_cmpint (zmq_bind (second, endpoint), ==, -1);
  g_assert_cmpint (zmq_errno (), ==, EADDRINUSE);
  for (guint i = 0; i < 2; i++)
    {
      zmq_ok (zmq_connect (pushers[i], endpoint), "zmq_connect");
      rule_send (pushers[i], "instance");
    }
  while (got < 2 && (text = rule_receive (first, RULE_DELIVER_MSEC, NULL)) != NULL)
    {
      got++;
      g_free (text);
    }
  g_assert_cmpuint (got, ==, 2);
  zmq_close (pushers[0]);
  zmq_close (pushers[1]);
  zmq_close (first);
  zmq_close (second);
  zmq_ctx_term (context);

  rule_design_init (&binds, MOPED_SOCKET_PUSH, MOPED_SOCKET_PULL, 1, FALSE);
  assert_reports (binds.design, "instances-fixed-bind", FALSE);
  moped_design_set_int (binds.design, binds.servers[0], MOPED_PROP_INSTANCES, 2);
  assert_reports (binds.design, "instances-fixed-bind", TRUE);
  /* Each remedy the hint names works; an ephemeral port, which peers cannot know
   * (the model has no discovery), is no remedy, and the hint must not offer it. */
  hint = rule_hint (binds.design, "instances-fixed-bind");
  g_assert_nonnull (hint);
  g_test_message ("hint: %s", hint);
  g_assert_null (strstr (hint, "*:*"));
  g_assert_null (strstr (hint, "ephemeral"));
  g_assert_nonnull (strstr (hint, "connect"));
  g_assert_nonnull (strstr (hint, "one node per instance"));
  moped_design_set_string (binds.design, binds.links[0], MOPED_PROP_ENDPOINT, "tcp://*:*");
  assert_reports (binds.design, "ephemeral-endpoint", TRUE);
  moped_design_set_string (binds.design, binds.links[0], MOPED_PROP_ENDPOINT, "tcp://*:6100");
  /* One node per instance, each binding a port of its own (the second, 6101). */
  rule_design_init (&split, MOPED_SOCKET_PUSH, MOPED_SOCKET_PULL, 2, FALSE);
  assert_reports (split.design, "instances-fixed-bind", FALSE);
  assert_reports (split.design, "duplicate-bind", FALSE);
  /* The instances connect, the single node binds. */
  moped_design_set_enum (binds.design, binds.links[0], MOPED_PROP_TO_MODE, MOPED_LINK_END_CONNECT);
  moped_design_set_enum (binds.design, binds.links[0], MOPED_PROP_FROM_MODE, MOPED_LINK_END_BIND);
  assert_reports (binds.design, "instances-fixed-bind", FALSE);
  assert_reports (binds.design, "both-bind", FALSE);
}

/* inproc-across-processes: an inproc endpoint lives in one context, that is one
 * process; a socket of another context never reaches it. */
static void
test_rule_inproc_process (void)
{
  void *one = zmq_ctx_new ();
  void *other = zmq_ctx_new ();
  void *pull = rule_socket (one, ZMQ_PULL, NULL);
  void *same = rule_socket (one, ZMQ_PUSH, NULL);
  void *foreign = rule_socket (other, ZMQ_PUSH, NULL);
  char *text;
  g_auto(RuleDesign) r = { 0 };
  MopedElement *process;

  zmq_ok (zmq_bind (pull, "inproc://moped-rule"), "zmq_bind");
  /* libzmq accepts the connect (it waits for a bind in its own context)... */
  zmq_ok (zmq_connect (foreign, "inproc://moped-rule"), "zmq_connect");
  zmq_send (foreign, "foreign", 7, ZMQ_DONTWAIT);
  /* ...but nothing ever arrives. */
  text = rule_receive (pull, RULE_WAIT_MSEC, NULL);
  g_assert_null (text);
  zmq_ok (zmq_connect (same, "inproc://moped-rule"), "zmq_connect");
  rule_send (same, "same");
  text = rule_receive (pull, RULE_DELIVER_MSEC, NULL);
  g_assert_cmpstr (text, ==, "same");
  g_free (text);
  zmq_close (foreign);
  zmq_close (same);
  zmq_close (pull);
  zmq_ctx_term (other);
  zmq_ctx_term (one);

  rule_design_init (&r, MOPED_SOCKET_PUSH, MOPED_SOCKET_PULL, 1, FALSE);
  moped_design_set_string (r.design, r.links[0], MOPED_PROP_ENDPOINT, "inproc://moped-rule");
  assert_reports (r.design, "inproc-across-processes", TRUE);
  process = moped_test_add_named (r.design, NULL, MOPED_KIND_PROCESS, "one", "one");
  moped_design_set_ref (r.design, r.client, MOPED_PROP_PROCESS, process);
  moped_design_set_ref (r.design, r.servers[0], MOPED_PROP_PROCESS, process);
  assert_reports (r.design, "inproc-across-processes", FALSE);
}

/* ---- deployment: another host ----------------------------------------------------------
 *
 * "Another host" is a child process in namespaces of its own: a network namespace
 * (its own loopback, brought up) or a mount namespace with a fresh file system over
 * the ipc directory (its own /tmp). The child reports by its exit status; 77 means the
 * namespace could not be made (no privilege), and the test is skipped, saying so. */

#define OTHER_HOST_CANNOT 77

typedef gboolean (*OtherHostFunc) (const char *endpoint);

static gboolean
loopback_up (void)
{
  struct ifreq ifr = { 0 };
  int fd = socket (AF_INET, SOCK_DGRAM, 0);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  g_strlcpy (ifr.ifr_name, "lo", sizeof ifr.ifr_name);
  ok = ioctl (fd, SIOCGIFFLAGS, &ifr) == 0;
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  ok = ok && ioctl (fd, SIOCSIFFLAGS, &ifr) == 0;
  close (fd);
  return ok;
}

/* Runs @func (@endpoint) in a child on "another host": with @private_dir, a mount
 * namespace where that directory is an empty file system of its own; without, a
 * network namespace. Returns the child's pid. */
static pid_t
start_on_other_host (const char    *private_dir,
                     OtherHostFunc  func,
                     const char    *endpoint)
{
  pid_t pid = fork ();

  g_assert_cmpint (pid, >=, 0);
  if (pid > 0)
    return pid;
  if (private_dir != NULL)
    {
      if (unshare (CLONE_NEWNS) != 0 ||
          mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
          mount ("moped-other-host", private_dir, "tmpfs", 0, NULL) != 0)
        _exit (OTHER_HOST_CANNOT);
    }
  else if (unshare (CLONE_NEWNET) != 0 || !loopback_up ())
    _exit (OTHER_HOST_CANNOT);
  _exit (func (endpoint) ? 0 : 1);
}

/* The child's verdict: TRUE when it passed; FALSE, after skipping the test, when the
 * namespace could not be made. */
static gboolean
other_host_passed (pid_t pid)
{
  int status = 0;

  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  if (WEXITSTATUS (status) == OTHER_HOST_CANNOT)
    {
      g_test_skip ("cannot make a namespace to stand for another host (needs CAP_SYS_ADMIN)");
      return FALSE;
    }
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  return TRUE;
}

/* On the other host: a PUSH connects to @endpoint (the first host's) and sends, for a
 * while; then, to show the transport works on this host too, a PULL of its own binds
 * the very same endpoint (which the first host holds) and takes a message sent to it. */
static gboolean
push_from_other_host (const char *endpoint)
{
  void *context = zmq_ctx_new ();
  void *push = rule_socket (context, ZMQ_PUSH, NULL);
  void *pull = rule_socket (context, ZMQ_PULL, NULL);
  void *mine = rule_socket (context, ZMQ_PUSH, NULL);
  gint64 end = g_get_monotonic_time () + 2 * RULE_WAIT_MSEC * G_TIME_SPAN_MILLISECOND;
  char *text;
  gboolean ok;

  zmq_ok (zmq_connect (push, endpoint), "zmq_connect");
  while (g_get_monotonic_time () < end)
    {
      zmq_send (push, "foreign", 7, ZMQ_DONTWAIT);
      g_usleep (20 * G_TIME_SPAN_MILLISECOND);
    }
  zmq_close (push);
  ok = zmq_bind (pull, endpoint) == 0;
  ok = ok && zmq_connect (mine, endpoint) == 0;
  if (ok)
    zmq_send (mine, "local", 5, 0);
  text = ok ? rule_receive (pull, RULE_DELIVER_MSEC, NULL) : NULL;
  ok = g_strcmp0 (text, "local") == 0;
  g_free (text);
  zmq_close (mine);
  zmq_close (pull);
  zmq_ctx_term (context);
  return ok;
}

/* The first host's half: @pull is bound to @endpoint; nothing the other host sends
 * arrives, but a PUSH on this host reaches it. TRUE when libzmq behaved so. */
static gboolean
reaches_only_own_host (void       *context,
                       void       *pull,
                       const char *endpoint,
                       const char *private_dir)
{
  pid_t pid = start_on_other_host (private_dir, push_from_other_host, endpoint);
  void *same = rule_socket (context, ZMQ_PUSH, NULL);
  char *text = rule_receive (pull, 2 * RULE_WAIT_MSEC, NULL);

  g_assert_null (text);
  if (!other_host_passed (pid))
    {
      zmq_close (same);
      return FALSE;
    }
  zmq_ok (zmq_connect (same, endpoint), "zmq_connect");
  rule_send (same, "same host");
  text = rule_receive (pull, RULE_DELIVER_MSEC, NULL);
  g_assert_cmpstr (text, ==, "same host");
  g_free (text);
  zmq_close (same);
  return TRUE;
}

/* Two processes, one per node of @r, on one host or on two. */
static void
deploy_on_hosts (RuleDesign *r,
                 gboolean    same_host)
{
  MopedElement *one = moped_test_add_named (r->design, NULL, MOPED_KIND_HOST, "host-1", "one");
  MopedElement *two = moped_test_add_named (r->design, NULL, MOPED_KIND_HOST, "host-2", "two");
  MopedElement *client = moped_test_add_named (r->design, NULL, MOPED_KIND_PROCESS, "process-c", "c");
  MopedElement *server = moped_test_add_named (r->design, NULL, MOPED_KIND_PROCESS, "process-s", "s");

  moped_design_set_ref (r->design, r->client, MOPED_PROP_PROCESS, client);
  moped_design_set_ref (r->design, r->servers[0], MOPED_PROP_PROCESS, server);
  moped_design_set_ref (r->design, client, MOPED_PROP_HOST, one);
  moped_design_set_ref (r->design, server, MOPED_PROP_HOST, same_host ? one : two);
}

/* ipc-across-hosts: an ipc endpoint is a file on one host; a peer on another host
 * (another file system) never reaches it, a peer on the same host does. */
static void
test_rule_ipc_hosts (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("moped-gt-XXXXXX", &error);
  g_autofree char *endpoint = NULL;
  g_autofree char *path = NULL;
  void *context = zmq_ctx_new ();
  void *pull = rule_socket (context, ZMQ_PULL, NULL);
  g_auto(RuleDesign) apart = { 0 };
  g_auto(RuleDesign) together = { 0 };

  g_assert_no_error (error);
  path = g_build_filename (dir, "socket", NULL);
  endpoint = g_strconcat ("ipc://", path, NULL);
  zmq_ok (zmq_bind (pull, endpoint), "zmq_bind");
  reaches_only_own_host (context, pull, endpoint, dir);
  zmq_close (pull);
  zmq_ctx_term (context);
  unlink (path);
  rmdir (dir);

  rule_design_init (&apart, MOPED_SOCKET_PUSH, MOPED_SOCKET_PULL, 1, FALSE);
  moped_design_set_string (apart.design, apart.links[0], MOPED_PROP_ENDPOINT, "ipc:///tmp/moped-rule");
  assert_reports (apart.design, "ipc-across-hosts", FALSE);  /* no deployment: one host */
  deploy_on_hosts (&apart, FALSE);
  assert_reports (apart.design, "ipc-across-hosts", TRUE);
  rule_design_init (&together, MOPED_SOCKET_PUSH, MOPED_SOCKET_PULL, 1, FALSE);
  moped_design_set_string (together.design, together.links[0], MOPED_PROP_ENDPOINT, "ipc:///tmp/moped-rule");
  deploy_on_hosts (&together, TRUE);
  assert_reports (together.design, "ipc-across-hosts", FALSE);
}

/* localhost-across-hosts: a loopback address is each host's own; a peer on another
 * host connecting to 127.0.0.1 reaches its own loopback, never the binding host. */
static void
test_rule_localhost_hosts (void)
{
  void *context = zmq_ctx_new ();
  void *pull = rule_socket (context, ZMQ_PULL, NULL);
  g_autofree char *endpoint = rule_bind (pull);
  g_auto(RuleDesign) apart = { 0 };
  g_auto(RuleDesign) together = { 0 };

  reaches_only_own_host (context, pull, endpoint, NULL);
  zmq_close (pull);
  zmq_ctx_term (context);

  rule_design_init (&apart, MOPED_SOCKET_PUSH, MOPED_SOCKET_PULL, 1, FALSE);
  moped_design_set_string (apart.design, apart.links[0], MOPED_PROP_ENDPOINT, "tcp://127.0.0.1:6100");
  assert_reports (apart.design, "localhost-across-hosts", FALSE);
  deploy_on_hosts (&apart, FALSE);
  assert_reports (apart.design, "localhost-across-hosts", TRUE);
  /* The remedy: bind every interface. */
  moped_design_set_string (apart.design, apart.links[0], MOPED_PROP_ENDPOINT, "tcp://*:6100");
  assert_reports (apart.design, "localhost-across-hosts", FALSE);
  rule_design_init (&together, MOPED_SOCKET_PUSH, MOPED_SOCKET_PULL, 1, FALSE);
  moped_design_set_string (together.design, together.links[0], MOPED_PROP_ENDPOINT, "tcp://127.0.0.1:6100");
  deploy_on_hosts (&together, TRUE);
  assert_reports (together.design, "localhost-across-hosts", FALSE);
}

/* On the other host, the first host's port is free. */
static gboolean
bind_on_other_host (const char *endpoint)
{
  void *context = zmq_ctx_new ();
  void *pull = rule_socket (context, ZMQ_PULL, NULL);
  gboolean ok = zmq_bind (pull, endpoint) == 0;

  zmq_close (pull);
  zmq_ctx_term (context);
  return ok;
}

/* duplicate-bind (tcp): a port bound on a host cannot be bound again there (address in
 * use), but another host has ports of its own. */
static void
test_rule_duplicate_bind_hosts (void)
{
  void *context = zmq_ctx_new ();
  void *first = rule_socket (context, ZMQ_PULL, NULL);
  void *second = rule_socket (context, ZMQ_PULL, NULL);
  g_autofree char *endpoint = rule_bind (first);
  g_auto(RuleDesign) r = { 0 };
  MopedElement *one, *two, *process_1, *process_2;

  g_assert_cmpint (zmq_bind (second, endpoint), ==, -1);
  g_assert_cmpint (zmq_errno (), ==, EADDRINUSE);
  other_host_passed (start_on_other_host (NULL, bind_on_other_host, endpoint));
  zmq_close (second);
  zmq_close (first);
  zmq_ctx_term (context);

  /* Two servers bind port 6100 of every interface: on one host an error, on two none. */
  rule_design_init (&r, MOPED_SOCKET_PUSH, MOPED_SOCKET_PULL, 2, FALSE);
  moped_design_set_string (r.design, r.links[1], MOPED_PROP_ENDPOINT, "tcp://*:6100");
  assert_reports (r.design, "duplicate-bind", TRUE);
  one = moped_test_add_named (r.design, NULL, MOPED_KIND_HOST, "host-1", "one");
  two = moped_test_add_named (r.design, NULL, MOPED_KIND_HOST, "host-2", "two");
  process_1 = moped_test_add_named (r.design, NULL, MOPED_KIND_PROCESS, "process-1", "p1");
  process_2 = moped_test_add_named (r.design, NULL, MOPED_KIND_PROCESS, "process-2", "p2");
  moped_design_set_ref (r.design, r.servers[0], MOPED_PROP_PROCESS, process_1);
  moped_design_set_ref (r.design, r.servers[1], MOPED_PROP_PROCESS, process_2);
  moped_design_set_ref (r.design, process_1, MOPED_PROP_HOST, one);
  moped_design_set_ref (r.design, process_2, MOPED_PROP_HOST, one);
  assert_reports (r.design, "duplicate-bind", TRUE);
  moped_design_set_ref (r.design, process_2, MOPED_PROP_HOST, two);
  assert_reports (r.design, "duplicate-bind", FALSE);
}

/* The port a socket last bound. */
static int
last_port (void *s)
{
  char endpoint[256];
  size_t size = sizeof endpoint;

  zmq_ok (zmq_getsockopt (s, ZMQ_LAST_ENDPOINT, endpoint, &size), "ZMQ_LAST_ENDPOINT");
  return (int) g_ascii_strtoll (strrchr (endpoint, ':') + 1, NULL, 10);
}

/* Binds @first on @first_host (an ephemeral port), then tries @second_host on that
 * port with a fresh socket: 0, or libzmq's errno. */
static int
second_bind_errno (const char *first_host,
                   const char *second_host)
{
  void *context = zmq_ctx_new ();
  void *first = rule_socket (context, ZMQ_PULL, NULL);
  void *second = rule_socket (context, ZMQ_PULL, NULL);
  g_autofree char *any = g_strdup_printf ("tcp://%s:*", first_host);
  g_autofree char *again = NULL;
  int error = 0;

  zmq_ok (zmq_bind (first, any), "zmq_bind");
  again = g_strdup_printf ("tcp://%s:%d", second_host, last_port (first));
  if (zmq_bind (second, again) == -1)
    error = zmq_errno ();
  zmq_close (second);
  zmq_close (first);
  zmq_ctx_term (context);
  return error;
}

/* A design of two servers binding these two endpoints: does check report @code? */
static void
assert_binds_report (const char *one,
                     const char *two,
                     const char *code,
                     gboolean    expected)
{
  g_auto(RuleDesign) r = { 0 };

  rule_design_init (&r, MOPED_SOCKET_PUSH, MOPED_SOCKET_PULL, 2, FALSE);
  moped_design_set_string (r.design, r.links[0], MOPED_PROP_ENDPOINT, one);
  moped_design_set_string (r.design, r.links[1], MOPED_PROP_ENDPOINT, two);
  g_test_message ("%s and %s", one, two);
  assert_reports (r.design, code, expected);
}

/* duplicate-bind (tcp, one host) is about the port: a bind on every interface takes
 * the port on all addresses, so a bind of one address on it fails, either way round,
 * while two loopback addresses each have the port (each gets its own messages).
 * libzmq binds no host name (localhost) and, with ZMQ_IPV6 off (libzmq's default,
 * kept by the exported code), no IPv6 address, [::] included: bad-endpoint. */
static void
test_rule_duplicate_bind_address (void)
{
  void *context = zmq_ctx_new ();
  void *pulls[2] = { rule_socket (context, ZMQ_PULL, NULL), rule_socket (context, ZMQ_PULL, NULL) };
  void *pushes[2] = { rule_socket (context, ZMQ_PUSH, NULL), rule_socket (context, ZMQ_PUSH, NULL) };
  const char *refused[] = { "tcp://localhost:6100", "tcp://[::1]:6100", "tcp://[::]:6100" };
  int port;

  g_assert_cmpint (second_bind_errno ("*", "127.0.0.1"), ==, EADDRINUSE);
  g_assert_cmpint (second_bind_errno ("127.0.0.1", "*"), ==, EADDRINUSE);
  g_assert_cmpint (second_bind_errno ("127.0.0.1", "0.0.0.0"), ==, EADDRINUSE);
  g_assert_cmpint (second_bind_errno ("127.0.0.1", "127.0.0.1"), ==, EADDRINUSE);
  g_assert_cmpint (second_bind_errno ("127.0.0.1", "lo"), ==, EADDRINUSE);  /* lo is 127.0.0.1 */
  g_assert_cmpint (second_bind_errno ("127.0.0.1", "127.0.0.2"), ==, 0);
  /* Two loopback addresses, one port: each socket gets what is sent to its address. */
  zmq_ok (zmq_bind (pulls[0], "tcp://127.0.0.1:*"), "zmq_bind");
  port = last_port (pulls[0]);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *endpoint = g_strdup_printf ("tcp://127.0.0.%u:%d", i + 1, port);
      g_autofree char *text = NULL;

      if (i == 1)
        zmq_ok (zmq_bind (pulls[1], endpoint), "zmq_bind");
      zmq_ok (zmq_connect (pushes[i], endpoint), "zmq_connect");
      rule_send (pushes[i], endpoint);
      text = rule_receive (pulls[i], RULE_DELIVER_MSEC, NULL);
      g_assert_cmpstr (text, ==, endpoint);
    }
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      void *pull = rule_socket (context, ZMQ_PULL, NULL);

      g_assert_cmpint (zmq_bind (pull, refused[i]), ==, -1);
      g_assert_cmpint (zmq_errno (), ==, ENODEV);
      zmq_close (pull);
    }
  for (guint i = 0; i < 2; i++)
    {
      zmq_close (pushes[i]);
      zmq_close (pulls[i]);
    }
  zmq_ctx_term (context);

  assert_binds_report ("tcp://*:6100", "tcp://127.0.0.1:6100", "duplicate-bind", TRUE);
  assert_binds_report ("tcp://127.0.0.1:6100", "tcp://*:6100", "duplicate-bind", TRUE);
  assert_binds_report ("tcp://127.0.0.1:6100", "tcp://0.0.0.0:6100", "duplicate-bind", TRUE);
  assert_binds_report ("tcp://lo:6100", "tcp://127.0.0.1:6100", "duplicate-bind", TRUE);
  assert_binds_report ("tcp://127.0.0.1:6100", "tcp://127.0.0.1:6100", "duplicate-bind", TRUE);
  assert_binds_report ("tcp://127.0.0.1:6100", "tcp://127.0.0.2:6100", "duplicate-bind", FALSE);
  assert_binds_report ("tcp://*:6100", "tcp://127.0.0.1:6101", "duplicate-bind", FALSE);
  assert_binds_report ("tcp://127.0.0.1:6100", "tcp://127.0.0.2:6100", "bad-endpoint", FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    assert_binds_report ("tcp://*:6101", refused[i], "bad-endpoint", TRUE);
}

/* ---- subscriptions as traffic ------------------------------------------------------- */

static guint
rule_errors (MopedDesign *design)
{
  g_autoptr(GPtrArray) diags = moped_validate (design);
  guint errors = 0;

  for (guint i = 0; i < diags->len; i++)
    {
      const MopedDiagnostic *d = g_ptr_array_index (diags, i);

      if (d->severity == MOPED_SEVERITY_ERROR)
        {
          g_test_message ("error %s: %s", d->code, d->message);
          errors++;
        }
    }
  return errors;
}

static void
set_bytes_option (void       *socket,
                  int         option,
                  const char *value,
                  const char *what)
{
  zmq_ok (zmq_setsockopt (socket, option, value, strlen (value)), what);
}

/* The next (un)subscription an XPUB receives, as "+topic" or "-topic", or the message
 * as it came when it is not one; NULL when nothing comes within @msec. */
static char *
rule_subscription (void *xpub,
                   int   msec)
{
  g_autofree char *text = rule_receive (xpub, msec, NULL);

  if (text == NULL)
    return NULL;
  if (text[0] == 1)
    return g_strconcat ("+", text + 1, NULL);
  if (text[0] == 0)
    return g_strconcat ("-", text + 1, NULL);
  return g_steal_pointer (&text);
}

/* An XPUB whose subscribers' subscriptions all reach the application, as the exported
 * code sets it: verbose (repeated subscriptions too) and verboser (every unsubscription). */
static void *
rule_xpub (void *context)
{
  void *xpub = rule_socket (context, ZMQ_XPUB, NULL);

  set_int_option (xpub, ZMQ_XPUB_VERBOSER, 1, "ZMQ_XPUB_VERBOSER");
  return xpub;
}

static MopedElement *
rule_subscription_step (RuleDesign   *r,
                        const char   *id,
                        MopedBlock    block,
                        MopedElement *from,
                        MopedElement *to,
                        const char   *topic)
{
  MopedElement *step = moped_test_add_step (r->design, r->flow, id, from, to, NULL);

  moped_design_set_enum (r->design, step, MOPED_PROP_BLOCK, block);
  moped_design_set_string (r->design, step, MOPED_PROP_TOPIC, topic);
  return step;
}

/* A rule design whose flow is only subscriptions: the client's ASK step goes. */
static void
rule_subscription_design (RuleDesign      *r,
                          MopedSocketType  client_type,
                          MopedSocketType  server_type)
{
  rule_design_init (r, client_type, server_type, 1, FALSE);
  moped_design_remove (r->design, moped_design_lookup (r->design, "talk-1"));
  moped_design_set_string (r->design, r->client_socket, MOPED_PROP_SUBSCRIBE, "none/");
}

/* socket-cannot-subscribe, subscription-not-received: a SUB's subscription arrives at
 * an XPUB as a message (byte 1, then the topic); a PUB never hands one to the
 * application, and a socket that does not subscribe has no subscription to send. */
static void
test_rule_subscription_received (void)
{
  void *context = zmq_ctx_new ();
  void *xpub = rule_xpub (context);
  void *pub = rule_socket (context, ZMQ_PUB, NULL);
  void *sub = rule_socket (context, ZMQ_SUB, NULL);
  void *push = rule_socket (context, ZMQ_PUSH, NULL);
  g_autofree char *at_xpub = rule_bind (xpub);
  g_autofree char *at_pub = rule_bind (pub);
  char *text;
  zmq_msg_t msg;
  g_auto(RuleDesign) ok = { 0 };
  g_auto(RuleDesign) to_pub = { 0 };
  g_auto(RuleDesign) from_push = { 0 };

  zmq_ok (zmq_connect (sub, at_xpub), "zmq_connect");
  zmq_ok (zmq_connect (sub, at_pub), "zmq_connect");
  set_bytes_option (sub, ZMQ_SUBSCRIBE, "T", "ZMQ_SUBSCRIBE");
  text = rule_subscription (xpub, RULE_DELIVER_MSEC);
  g_assert_cmpstr (text, ==, "+T");
  g_free (text);
  set_bytes_option (sub, ZMQ_UNSUBSCRIBE, "T", "ZMQ_UNSUBSCRIBE");
  text = rule_subscription (xpub, RULE_DELIVER_MSEC);
  g_assert_cmpstr (text, ==, "-T");
  g_free (text);
  /* The PUB got the same subscription, but the application cannot read it. */
  zmq_msg_init (&msg);
  g_assert_cmpint (zmq_msg_recv (&msg, pub, ZMQ_DONTWAIT), ==, -1);
  g_assert_cmpint (zmq_errno (), ==, ENOTSUP);
  zmq_msg_close (&msg);
  /* Only SUB and XSUB subscribe. */
  g_assert_cmpint (zmq_setsockopt (push, ZMQ_SUBSCRIBE, "T", 1), ==, -1);
  g_assert_cmpint (zmq_errno (), ==, EINVAL);
  zmq_close (push);
  zmq_close (sub);
  zmq_close (pub);
  zmq_close (xpub);
  zmq_ctx_term (context);

  rule_subscription_design (&ok, MOPED_SOCKET_SUB, MOPED_SOCKET_XPUB);
  rule_subscription_step (&ok, "sub-1", MOPED_BLOCK_SUBSCRIBE, ok.client, ok.servers[0], "T");
  rule_subscription_step (&ok, "sub-2", MOPED_BLOCK_UNSUBSCRIBE, ok.client, ok.servers[0], "T");
  assert_reports (ok.design, "subscription-not-received", FALSE);
  assert_reports (ok.design, "socket-cannot-subscribe", FALSE);
  assert_reports (ok.design, "unsubscribe-not-sent", FALSE);
  g_assert_cmpuint (rule_errors (ok.design), ==, 0);

  rule_subscription_design (&to_pub, MOPED_SOCKET_SUB, MOPED_SOCKET_PUB);
  rule_subscription_step (&to_pub, "sub-1", MOPED_BLOCK_SUBSCRIBE, to_pub.client, to_pub.servers[0], "T");
  assert_reports (to_pub.design, "subscription-not-received", TRUE);

  rule_design_init (&from_push, MOPED_SOCKET_PUSH, MOPED_SOCKET_PULL, 1, FALSE);
  rule_subscription_step (&from_push, "sub-1", MOPED_BLOCK_SUBSCRIBE, from_push.client,
                          from_push.servers[0], "T");
  assert_reports (from_push.design, "socket-cannot-subscribe", TRUE);
}

/* unsubscribe-not-sent: libzmq counts a socket's subscriptions to a topic and sends
 * the unsubscription upstream only when the last one ends; one that was never
 * subscribed, or still is by an earlier step, never reaches the XPUB. */
static void
test_rule_unsubscribe (void)
{
  void *context = zmq_ctx_new ();
  void *xpub = rule_xpub (context);
  void *sub = rule_socket (context, ZMQ_SUB, NULL);
  g_autofree char *at = rule_bind (xpub);
  char *text;
  g_auto(RuleDesign) never = { 0 };
  g_auto(RuleDesign) twice = { 0 };
  g_auto(RuleDesign) balanced = { 0 };

  zmq_ok (zmq_connect (sub, at), "zmq_connect");
  set_bytes_option (sub, ZMQ_UNSUBSCRIBE, "U", "ZMQ_UNSUBSCRIBE");
  set_bytes_option (sub, ZMQ_SUBSCRIBE, "V", "ZMQ_SUBSCRIBE");
  set_bytes_option (sub, ZMQ_SUBSCRIBE, "V", "ZMQ_SUBSCRIBE");
  set_bytes_option (sub, ZMQ_UNSUBSCRIBE, "V", "ZMQ_UNSUBSCRIBE");
  /* Both subscriptions to V arrive (verbose); neither unsubscription so far does. */
  text = rule_subscription (xpub, RULE_DELIVER_MSEC);
  g_assert_cmpstr (text, ==, "+V");
  g_free (text);
  text = rule_subscription (xpub, RULE_DELIVER_MSEC);
  g_assert_cmpstr (text, ==, "+V");
  g_free (text);
  text = rule_subscription (xpub, RULE_WAIT_MSEC);
  g_assert_null (text);
  set_bytes_option (sub, ZMQ_UNSUBSCRIBE, "V", "ZMQ_UNSUBSCRIBE");
  text = rule_subscription (xpub, RULE_DELIVER_MSEC);
  g_assert_cmpstr (text, ==, "-V");
  g_free (text);
  zmq_close (sub);
  zmq_close (xpub);
  zmq_ctx_term (context);

  rule_subscription_design (&never, MOPED_SOCKET_SUB, MOPED_SOCKET_XPUB);
  rule_subscription_step (&never, "sub-1", MOPED_BLOCK_UNSUBSCRIBE, never.client, never.servers[0], "U");
  assert_reports (never.design, "unsubscribe-not-sent", TRUE);

  rule_subscription_design (&twice, MOPED_SOCKET_SUB, MOPED_SOCKET_XPUB);
  rule_subscription_step (&twice, "sub-1", MOPED_BLOCK_SUBSCRIBE, twice.client, twice.servers[0], "V");
  rule_subscription_step (&twice, "sub-2", MOPED_BLOCK_SUBSCRIBE, twice.client, twice.servers[0], "V");
  rule_subscription_step (&twice, "sub-3", MOPED_BLOCK_UNSUBSCRIBE, twice.client, twice.servers[0], "V");
  assert_reports (twice.design, "unsubscribe-not-sent", TRUE);
  rule_subscription_step (&twice, "sub-4", MOPED_BLOCK_UNSUBSCRIBE, twice.client, twice.servers[0], "V");
  /* sub-3 still cannot be seen; it is the one reported. */
  assert_reports (twice.design, "unsubscribe-not-sent", TRUE);

  rule_subscription_design (&balanced, MOPED_SOCKET_SUB, MOPED_SOCKET_XPUB);
  rule_subscription_step (&balanced, "sub-1", MOPED_BLOCK_SUBSCRIBE, balanced.client, balanced.servers[0], "V");
  rule_subscription_step (&balanced, "sub-2", MOPED_BLOCK_UNSUBSCRIBE, balanced.client, balanced.servers[0], "V");
  rule_subscription_step (&balanced, "sub-3", MOPED_BLOCK_UNSUBSCRIBE, balanced.client, balanced.servers[0], "none/");
  assert_reports (balanced.design, "unsubscribe-not-sent", FALSE);
}

/* XSUB upstream: an XSUB's subscriptions are messages (byte 1 + topic), and its other
 * messages reach an XPUB too, so a proxy forwards subscriptions upstream; a PUB
 * receives nothing (socket-cannot-receive). Without ZMQ_XPUB_VERBOSE an XPUB passes a
 * topic's first subscription only, which is why the exported code sets it. */
static void
test_rule_upstream (void)
{
  void *context = zmq_ctx_new ();
  void *upstream = rule_xpub (context);
  void *front = rule_xpub (context);
  void *back = rule_socket (context, ZMQ_XSUB, NULL);
  void *sub = rule_socket (context, ZMQ_SUB, NULL);
  void *other = rule_socket (context, ZMQ_SUB, NULL);
  void *quiet = rule_socket (context, ZMQ_XPUB, NULL);
  g_autofree char *at_upstream = rule_bind (upstream);
  g_autofree char *at_front = rule_bind (front);
  g_autofree char *at_quiet = rule_bind (quiet);
  char *text;
  g_auto(RuleDesign) ok = { 0 };
  g_auto(RuleDesign) to_pub = { 0 };

  zmq_ok (zmq_connect (back, at_upstream), "zmq_connect");
  zmq_ok (zmq_connect (sub, at_front), "zmq_connect");
  /* The proxy passes the subscription it receives on through its XSUB. */
  set_bytes_option (sub, ZMQ_SUBSCRIBE, "W", "ZMQ_SUBSCRIBE");
  text = rule_receive (front, RULE_DELIVER_MSEC, NULL);
  g_assert_cmpstr (text, ==, "\001W");
  zmq_ok (zmq_send (back, text, strlen (text), 0), "zmq_send");
  g_free (text);
  text = rule_subscription (upstream, RULE_DELIVER_MSEC);
  g_assert_cmpstr (text, ==, "+W");
  g_free (text);
  /* An ordinary message goes upstream as it is. */
  rule_send (back, "ASK");
  text = rule_subscription (upstream, RULE_DELIVER_MSEC);
  g_assert_cmpstr (text, ==, "ASK");
  g_free (text);
  /* Not verbose: the second subscriber's subscription to the same topic is swallowed. */
  zmq_ok (zmq_connect (sub, at_quiet), "zmq_connect");
  text = rule_subscription (quiet, RULE_DELIVER_MSEC);
  g_assert_cmpstr (text, ==, "+W");
  g_free (text);
  zmq_ok (zmq_connect (other, at_quiet), "zmq_connect");
  set_bytes_option (other, ZMQ_SUBSCRIBE, "W", "ZMQ_SUBSCRIBE");
  text = rule_subscription (quiet, RULE_WAIT_MSEC);
  g_assert_null (text);
  zmq_close (quiet);
  zmq_close (other);
  zmq_close (sub);
  zmq_close (back);
  zmq_close (front);
  zmq_close (upstream);
  zmq_ctx_term (context);

  rule_design_init (&ok, MOPED_SOCKET_XSUB, MOPED_SOCKET_XPUB, 1, FALSE);
  rule_subscription_step (&ok, "sub-1", MOPED_BLOCK_SUBSCRIBE, ok.client, ok.servers[0], "W");
  assert_reports (ok.design, "socket-cannot-send", FALSE);
  assert_reports (ok.design, "socket-cannot-receive", FALSE);
  assert_reports (ok.design, "subscription-not-received", FALSE);
  g_assert_cmpuint (rule_errors (ok.design), ==, 0);

  rule_design_init (&to_pub, MOPED_SOCKET_XSUB, MOPED_SOCKET_PUB, 1, FALSE);
  assert_reports (to_pub.design, "socket-cannot-receive", TRUE);
}

/* upstream-taken-for-subscription: libzmq 4.3.4's XPUB takes any frame from an XSUB
 * that begins with byte 0 or 1 for an (un)subscription, the first frame of a message
 * or a later one, and ends the message there: a command sent as byte 1 subscribes the
 * XSUB to everything (its field arrives as a message of its own), and a number field (8
 * bytes, most significant first) after a command byte 2 subscribes it to that number; a
 * command byte 2 and a text field make an ordinary message. */
static void
test_rule_upstream_subscription (void)
{
  void *context = zmq_ctx_new ();
  void *xpub = rule_socket (context, ZMQ_XPUB, NULL);
  void *xsub = rule_socket (context, ZMQ_XSUB, NULL);
  g_autofree char *at = rule_bind (xpub);
  GString *first = NULL;
  char *text;
  g_auto(RuleDesign) r = { 0 };
  MopedElement *field;

  zmq_ok (zmq_connect (xsub, at), "zmq_connect");
  zmq_ok (zmq_send (xsub, "\002", 1, ZMQ_SNDMORE), "zmq_send");
  rule_send (xsub, "field");
  text = rule_receive (xpub, RULE_DELIVER_MSEC, &first);
  g_assert_cmpstr (text, ==, "field");
  g_assert_cmpstr (first->str, ==, "\002");
  g_string_free (first, TRUE);
  g_free (text);
  rule_send (xpub, "published");
  text = rule_receive (xsub, RULE_WAIT_MSEC, NULL);
  g_assert_null (text);
  /* Byte 1: not a command to the XPUB's application, but a subscription to "". */
  zmq_ok (zmq_send (xsub, "\001", 1, ZMQ_SNDMORE), "zmq_send");
  rule_send (xsub, "field");
  first = NULL;
  text = rule_receive (xpub, RULE_DELIVER_MSEC, &first);
  g_assert_nonnull (first);
  g_assert_cmpstr (first->str, ==, "\001");
  g_assert_cmpstr (text, ==, "\001");
  g_string_free (first, TRUE);
  g_free (text);
  /* ...and the field that followed it comes as a message of its own. */
  text = rule_receive (xpub, RULE_DELIVER_MSEC, NULL);
  g_assert_cmpstr (text, ==, "field");
  g_free (text);
  rule_send (xpub, "published");
  text = rule_receive (xsub, RULE_DELIVER_MSEC, NULL);
  g_assert_cmpstr (text, ==, "published");
  g_free (text);
  zmq_close (xsub);
  /* A later frame: byte 2, then a number field 0x0102... that subscribes to "\002...". */
  xsub = rule_socket (context, ZMQ_XSUB, NULL);
  zmq_ok (zmq_connect (xsub, at), "zmq_connect");
  zmq_ok (zmq_send (xsub, "\002", 1, ZMQ_SNDMORE), "zmq_send");
  zmq_ok (zmq_send (xsub, "\001\002\003\004\005\006\007\010", 8, 0), "zmq_send");
  /* The first XSUB's subscription to "" ended when it closed: skip that news. */
  text = NULL;
  first = NULL;
  for (guint i = 0; i < 4 && (first == NULL || first->str[0] != 2); i++)
    {
      if (first != NULL)
        g_string_free (first, TRUE);
      g_free (text);
      first = NULL;
      text = rule_receive (xpub, RULE_DELIVER_MSEC, &first);
    }
  g_assert_nonnull (first);
  g_assert_cmpstr (first->str, ==, "\002");
  /* The application sees the field (the last frame here; a frame read as a
   * subscription ends the message it was in), and the XPUB applied it as well. */
  g_assert_cmpstr (text, ==, "\001\002\003\004\005\006\007\010");
  g_string_free (first, TRUE);
  g_free (text);
  rule_send (xpub, "\002\003\004\005\006\007\010-published");
  text = rule_receive (xsub, RULE_DELIVER_MSEC, NULL);
  g_assert_cmpstr (text, ==, "\002\003\004\005\006\007\010-published");
  g_free (text);
  zmq_close (xsub);
  zmq_close (xpub);
  zmq_ctx_term (context);

  rule_design_init (&r, MOPED_SOCKET_XSUB, MOPED_SOCKET_XPUB, 1, FALSE);
  assert_reports (r.design, "upstream-taken-for-subscription", FALSE);
  moped_design_set_enum (r.design, r.protocol, MOPED_PROP_COMMAND_ID, MOPED_COMMAND_ID_BYTE);
  assert_reports (r.design, "upstream-taken-for-subscription", TRUE);
  moped_design_set_int (r.design, r.ask, MOPED_PROP_ID, 2);
  assert_reports (r.design, "upstream-taken-for-subscription", FALSE);
  field = moped_test_add_named (r.design, r.ask, MOPED_KIND_FIELD, "ask-n", "n");
  moped_design_set_enum (r.design, field, MOPED_PROP_TYPE, MOPED_FIELD_NUMBER);
  assert_reports (r.design, "upstream-taken-for-subscription", TRUE);
  moped_design_set_enum (r.design, field, MOPED_PROP_TYPE, MOPED_FIELD_STRING);
  assert_reports (r.design, "upstream-taken-for-subscription", FALSE);
}

int
main (int   argc,
      char *argv[])
{
  /* A wrong table entry must not hide the verdicts on the other pairs, so
   * the run goes on after a failure (GTest stops at the first by default). */
  static char keep_going[] = "--keep-going";
  g_autofree char **args = g_new0 (char *, argc + 2);
  int n_args = 0;

  args[n_args++] = argv[0];
  args[n_args++] = keep_going;
  for (int i = 1; i < argc; i++)
    args[n_args++] = argv[i];
  g_test_init (&n_args, &args, NULL);

  g_test_add_func ("/zmq-ground-truth/zmq-names", test_zmq_names);
  g_test_add_func ("/zmq-ground-truth/symmetric", test_symmetric);
  g_test_add_func ("/zmq-ground-truth/draft-types", test_draft_types);
  g_test_add_func ("/zmq-ground-truth/rule/exclusive-pair", test_rule_exclusive_pair);
  g_test_add_func ("/zmq-ground-truth/rule/round-robin-receiver", test_rule_round_robin);
  g_test_add_func ("/zmq-ground-truth/rule/req-reply-from-other", test_rule_req_reply);
  g_test_add_func ("/zmq-ground-truth/rule/router-unknown-peer", test_rule_router_peer);
  g_test_add_func ("/zmq-ground-truth/rule/instances-fixed-bind", test_rule_instances_bind);
  g_test_add_func ("/zmq-ground-truth/rule/inproc-across-processes", test_rule_inproc_process);
  g_test_add_func ("/zmq-ground-truth/rule/ipc-across-hosts", test_rule_ipc_hosts);
  g_test_add_func ("/zmq-ground-truth/rule/localhost-across-hosts", test_rule_localhost_hosts);
  g_test_add_func ("/zmq-ground-truth/rule/duplicate-bind", test_rule_duplicate_bind_hosts);
  g_test_add_func ("/zmq-ground-truth/rule/duplicate-bind-address", test_rule_duplicate_bind_address);
  g_test_add_func ("/zmq-ground-truth/rule/subscription-received", test_rule_subscription_received);
  g_test_add_func ("/zmq-ground-truth/rule/unsubscribe-not-sent", test_rule_unsubscribe);
  g_test_add_func ("/zmq-ground-truth/rule/upstream", test_rule_upstream);
  g_test_add_func ("/zmq-ground-truth/rule/upstream-taken-for-subscription", test_rule_upstream_subscription);
  for (guint a = 0; a < MOPED_N_STABLE_SOCKET_TYPES; a++)
    for (guint b = 0; b < MOPED_N_STABLE_SOCKET_TYPES; b++)
      {
        g_autofree char *path = g_strdup_printf ("/zmq-ground-truth/%s-%s",
                                                 moped_socket_type_get_name (a),
                                                 moped_socket_type_get_name (b));

        g_test_add_data_func (path, GUINT_TO_POINTER (a * MOPED_N_STABLE_SOCKET_TYPES + b),
                              test_pair);
      }

  return g_test_run ();
}
