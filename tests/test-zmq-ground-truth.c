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
#include <errno.h>
#include <string.h>

#include <glib.h>
#include <zmq.h>

#include "moped-socket-type.h"

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
  gboolean libzmq_does;
  g_autofree char *evidence = NULL;
  Exchange exchange = { 0 };

  exchange_open (&exchange, type_a, type_b);
  exchange_run (&exchange);
  libzmq_does = exchange.a.got_payload || exchange.b.got_payload;
  evidence = describe_exchange (&exchange);
  exchange_close (&exchange);

  g_test_message ("%s", evidence);
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
