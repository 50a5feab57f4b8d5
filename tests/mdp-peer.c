/* mdp-peer.c: speaks 7/MDP byte by byte, with libzmq alone, to the Majordomo example's exported code.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Built by tests/test-export-c-build.py against an export of data/examples/majordomo.moped.
 * Without arguments: the exported codecs against raw libzmq sockets, every frame checked
 * (rfc.zeromq.org/spec/7: "MDPC01"/"MDPW01", command bytes 0x01-0x05, the empty frames, and
 * bodies of any number of frames, passed by a broker from client to worker and back unchanged).
 * With "worker ENDPOINT" or "client ENDPOINT": sends one READY, or one REQUEST, to a running
 * exported broker as a raw DEALER or REQ would, and exits.
 * Prints TAP-like "ok"/"not ok" lines; exits 1 when a check failed.
 */
#include <string.h>
#include <zmq.h>

#include "mdp_client.h"
#include "mdp_worker.h"

static int failures = 0;

#define CHECK(cond) \
  do { \
    if (!(cond)) { fprintf (stdout, "not ok %s:%d: %s\n", __FILE__, __LINE__, #cond); failures++; } \
  } while (0)

typedef struct
{
  const void *data;
  size_t      size;
} Frame;

#define F(s) { s, sizeof (s) - 1 }

/* Receives one message on a raw socket and checks it frame by frame. */
static void
expect_frames (void        *socket,
               const Frame *frames,
               size_t       count,
               const char  *what)
{
  size_t index = 0;
  int more = 1;
  int ok = 1;

  while (more)
    {
      zmq_msg_t msg;

      zmq_msg_init (&msg);
      if (zmq_msg_recv (&msg, socket, 0) == -1)
        {
          ok = 0;
          break;
        }
      if (index >= count || zmq_msg_size (&msg) != frames[index].size ||
          memcmp (zmq_msg_data (&msg), frames[index].data, frames[index].size) != 0)
        {
          fprintf (stdout, "# %s: frame %zu differs (%zu bytes)\n", what, index, zmq_msg_size (&msg));
          ok = 0;
        }
      more = zmq_msg_more (&msg);
      zmq_msg_close (&msg);
      index++;
    }
  if (index != count)
    ok = 0;
  fprintf (stdout, "%s %s: %zu frames as 7/MDP has them\n", ok ? "ok" : "not ok", what, count);
  failures += !ok;
}

static void
send_frames (void        *socket,
             const Frame *frames,
             size_t       count)
{
  for (size_t i = 0; i < count; i++)
    CHECK (zmq_send (socket, frames[i].data, frames[i].size, i + 1 < count ? ZMQ_SNDMORE : 0) != -1);
}

static bool
frame_is (zframe_t   *frame,
          const char *data,
          size_t      size)
{
  return frame && zframe_size (frame) == size && memcmp (zframe_data (frame), data, size) == 0;
}

/* Whether a body (a msg field) holds exactly these frames. */
static bool
body_is (zmsg_t      *body,
         const Frame *frames,
         size_t       count)
{
  zframe_t *frame;
  size_t index = 0;

  if (body == NULL || zmsg_size (body) != count)
    return false;
  for (frame = zmsg_first (body); frame != NULL; frame = zmsg_next (body), index++)
    if (!frame_is (frame, frames[index].data, frames[index].size))
      return false;
  return true;
}

static zmsg_t *
body_new (const char *text)
{
  zmsg_t *body = zmsg_new ();

  zmsg_addstr (body, text);
  return body;
}

/* The worker protocol: an exported codec on a DEALER, a raw ROUTER as the broker. */
static void
worker_protocol (void *ctx)
{
  void *router = zmq_socket (ctx, ZMQ_ROUTER);
  zsock_t *dealer = zsock_new (ZMQ_DEALER);
  wire_msg_t *msg = wire_msg_new ();
  zframe_t *client = zframe_new ("C1", 2);
  zmsg_t *body = body_new ("hello");
  zframe_t *got_client = NULL, *got_empty = NULL;
  zmsg_t *got_body = NULL;
  const char *service = NULL;
  int timeout = 5000;

  zmq_setsockopt (router, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
  zsock_set_rcvtimeo (dealer, 5000);
  zsock_set_identity (dealer, "W1");
  CHECK (zmq_bind (router, "inproc://mdp-worker") == 0);
  CHECK (zsock_connect (dealer, "inproc://mdp-worker") == 0);

  /* Worker to broker: READY, REPLY, HEARTBEAT, DISCONNECT. */
  CHECK (mdp_worker_send_ready (dealer, WIRE_ENVELOPE_DEALER, NULL, "echo") == 0);
  {
    Frame f[] = { F ("W1"), F (""), F ("MDPW01"), F ("\001"), F ("echo") };
    expect_frames (router, f, 5, "worker READY");
  }
  CHECK (mdp_worker_send_reply (dealer, WIRE_ENVELOPE_DEALER, NULL, client, NULL, body) == 0);
  {
    Frame f[] = { F ("W1"), F (""), F ("MDPW01"), F ("\003"), F ("C1"), F (""), F ("hello") };
    expect_frames (router, f, 7, "worker REPLY");
  }
  CHECK (mdp_worker_send_heartbeat (dealer, WIRE_ENVELOPE_DEALER, NULL) == 0);
  {
    Frame f[] = { F ("W1"), F (""), F ("MDPW01"), F ("\004") };
    expect_frames (router, f, 4, "worker HEARTBEAT");
  }
  CHECK (mdp_worker_send_disconnect (dealer, WIRE_ENVELOPE_DEALER, NULL) == 0);
  {
    Frame f[] = { F ("W1"), F (""), F ("MDPW01"), F ("\005") };
    expect_frames (router, f, 4, "worker DISCONNECT");
  }

  /* Broker to worker, as raw frames: REQUEST, HEARTBEAT, DISCONNECT. */
  {
    Frame f[] = { F ("W1"), F (""), F ("MDPW01"), F ("\002"), F ("C1"), F (""), F ("hello") };
    send_frames (router, f, 7);
  }
  CHECK (mdp_worker_recv (msg, dealer, WIRE_ENVELOPE_DEALER) == MDP_WORKER_REQUEST);
  CHECK (mdp_worker_get_request (msg, &got_client, &got_empty, &got_body) == 0);
  {
    Frame b[] = { F ("hello") };
    CHECK (frame_is (got_client, "C1", 2) && frame_is (got_empty, "", 0) && body_is (got_body, b, 1));
  }
  fprintf (stdout, "ok worker decodes a raw REQUEST\n");
  /* 7/MDP: Frames 5+ are the body, any number of them, empty ones too, or none. */
  {
    Frame f[] = { F ("W1"), F (""), F ("MDPW01"), F ("\002"), F ("C1"), F (""), F ("part 1"), F (""), F ("part\0003") };
    Frame b[] = { F ("part 1"), F (""), F ("part\0003") };
    send_frames (router, f, 9);
    CHECK (mdp_worker_recv (msg, dealer, WIRE_ENVELOPE_DEALER) == MDP_WORKER_REQUEST);
    CHECK (mdp_worker_get_request (msg, NULL, NULL, &got_body) == 0 && body_is (got_body, b, 3));
    fprintf (stdout, "%s worker decodes a REQUEST with a body of 3 frames\n", body_is (got_body, b, 3) ? "ok" : "not ok");
  }
  {
    Frame f[] = { F ("W1"), F (""), F ("MDPW01"), F ("\002"), F ("C1"), F ("") };
    send_frames (router, f, 6);
    CHECK (mdp_worker_recv (msg, dealer, WIRE_ENVELOPE_DEALER) == MDP_WORKER_REQUEST);
    CHECK (mdp_worker_get_request (msg, NULL, NULL, &got_body) == 0 && got_body && zmsg_size (got_body) == 0);
  }
  {
    /* Too few frames for the fields before the body: not a REQUEST */
    Frame f[] = { F ("W1"), F (""), F ("MDPW01"), F ("\002"), F ("C1") };
    send_frames (router, f, 5);
    CHECK (mdp_worker_recv (msg, dealer, WIRE_ENVELOPE_DEALER) == -1);
  }
  {
    Frame f[] = { F ("W1"), F (""), F ("MDPW01"), F ("\004") };
    send_frames (router, f, 4);
  }
  CHECK (mdp_worker_recv (msg, dealer, WIRE_ENVELOPE_DEALER) == MDP_WORKER_HEARTBEAT);
  {
    Frame f[] = { F ("W1"), F (""), F ("MDPW01"), F ("\005") };
    send_frames (router, f, 4);
  }
  CHECK (mdp_worker_recv (msg, dealer, WIRE_ENVELOPE_DEALER) == MDP_WORKER_DISCONNECT);
  /* Not 7/MDP: another header, another version, an unknown command byte. */
  {
    Frame f[] = { F ("W1"), F (""), F ("MDPC01"), F ("\004") };
    send_frames (router, f, 4);
  }
  CHECK (mdp_worker_recv (msg, dealer, WIRE_ENVELOPE_DEALER) == 0);
  {
    Frame f[] = { F ("W1"), F (""), F ("MDPW01"), F ("\006") };
    send_frames (router, f, 4);
  }
  CHECK (mdp_worker_recv (msg, dealer, WIRE_ENVELOPE_DEALER) == 0);
  {
    Frame f[] = { F ("W1"), F (""), F ("MDPW01"), F ("READY"), F ("echo") };
    send_frames (router, f, 5);
  }
  CHECK (mdp_worker_recv (msg, dealer, WIRE_ENVELOPE_DEALER) == 0);

  /* A raw worker's READY reaches an exported broker's codec on a ROUTER. */
  {
    zsock_t *backend = zsock_new (ZMQ_ROUTER);
    void *raw = zmq_socket (ctx, ZMQ_DEALER);

    zsock_set_rcvtimeo (backend, 5000);
    CHECK (zsock_bind (backend, "inproc://mdp-backend") == 0);
    zmq_setsockopt (raw, ZMQ_ROUTING_ID, "W2", 2);
    CHECK (zmq_connect (raw, "inproc://mdp-backend") == 0);
    {
      Frame f[] = { F (""), F ("MDPW01"), F ("\001"), F ("echo") };
      send_frames (raw, f, 4);
    }
    CHECK (mdp_worker_recv (msg, backend, WIRE_ENVELOPE_ROUTER) == MDP_WORKER_READY);
    CHECK (mdp_worker_get_ready (msg, &service) == 0 && service && streq (service, "echo"));
    /* ... and the broker's REQUEST to it goes out as 7/MDP says. */
    CHECK (mdp_worker_send_request (backend, WIRE_ENVELOPE_ROUTER, wire_msg_peer (msg), client, NULL, body) == 0);
    {
      Frame f[] = { F (""), F ("MDPW01"), F ("\002"), F ("C1"), F (""), F ("hello") };
      zmq_setsockopt (raw, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
      expect_frames (raw, f, 6, "broker REQUEST");
    }
    zmq_close (raw);
    zsock_destroy (&backend);
  }

  zframe_destroy (&client);
  zmsg_destroy (&body);
  wire_msg_destroy (&msg);
  zsock_destroy (&dealer);
  zmq_close (router);
}

/* The client protocol: no command frame; REQ puts the empty frame in. */
static void
client_protocol (void *ctx)
{
  void *router = zmq_socket (ctx, ZMQ_ROUTER);
  zsock_t *req = zsock_new (ZMQ_REQ);
  wire_msg_t *msg = wire_msg_new ();
  zmsg_t *body = body_new ("hello");
  zmsg_t *got_body = NULL;
  const char *service = NULL;
  int timeout = 5000;

  zmq_setsockopt (router, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
  zsock_set_rcvtimeo (req, 5000);
  zsock_set_identity (req, "C1");
  CHECK (zmq_bind (router, "inproc://mdp-client") == 0);
  CHECK (zsock_connect (req, "inproc://mdp-client") == 0);
  CHECK (mdp_client_send_request (req, WIRE_ENVELOPE_DELIMITED, NULL, "echo", body) == 0);
  {
    Frame f[] = { F ("C1"), F (""), F ("MDPC01"), F ("echo"), F ("hello") };
    expect_frames (router, f, 5, "client REQUEST");
  }
  {
    Frame f[] = { F ("C1"), F (""), F ("MDPC01"), F ("echo"), F ("world") };
    send_frames (router, f, 5);
  }
  CHECK (wire_msg_recv (msg, req, WIRE_ENVELOPE_DELIMITED) == 0);
  CHECK (mdp_client_decode_expecting (msg, 1u << (MDP_CLIENT_REPLY - 1)) == MDP_CLIENT_REPLY);
  CHECK (mdp_client_get_reply (msg, &service, &got_body) == 0);
  {
    Frame b[] = { F ("world") };
    CHECK (service && streq (service, "echo") && body_is (got_body, b, 1));
  }
  fprintf (stdout, "ok client decodes a raw reply\n");

  /* A raw REQ client's request reaches an exported broker's frontend codec. */
  {
    zsock_t *frontend = zsock_new (ZMQ_ROUTER);
    void *raw = zmq_socket (ctx, ZMQ_REQ);

    zsock_set_rcvtimeo (frontend, 5000);
    CHECK (zsock_bind (frontend, "inproc://mdp-frontend") == 0);
    CHECK (zmq_connect (raw, "inproc://mdp-frontend") == 0);
    {
      Frame f[] = { F ("MDPC01"), F ("echo"), F ("hello") };
      send_frames (raw, f, 3);
    }
    CHECK (wire_msg_recv (msg, frontend, WIRE_ENVELOPE_ROUTER) == 0);
    CHECK (mdp_client_decode_expecting (msg, 1u << (MDP_CLIENT_REQUEST - 1)) == MDP_CLIENT_REQUEST);
    CHECK (mdp_client_get_request (msg, &service, &got_body) == 0);
    {
      Frame b[] = { F ("hello") };
      CHECK (service && streq (service, "echo") && body_is (got_body, b, 1));
    }
    CHECK (mdp_client_send_reply (frontend, WIRE_ENVELOPE_ROUTER, wire_msg_peer (msg), "echo", body) == 0);
    {
      Frame f[] = { F ("MDPC01"), F ("echo"), F ("hello") };
      zmq_setsockopt (raw, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
      expect_frames (raw, f, 3, "broker REPLY (after REQ took its empty frame off)");
    }
    zmq_close (raw);
    zsock_destroy (&frontend);
  }
  zmsg_destroy (&body);
  wire_msg_destroy (&msg);
  zsock_destroy (&req);
  zmq_close (router);
}

/* A broker built on the exported codecs passes a body of several frames (one of them
 * empty) from a raw 7/MDP client to a raw worker and the worker's back, unchanged: the
 * frontend's REQUEST body becomes the backend's REQUEST body, taken without a copy. */
static void
broker_relay (void *ctx)
{
  zsock_t *frontend = zsock_new (ZMQ_ROUTER);
  zsock_t *backend = zsock_new (ZMQ_ROUTER);
  void *client = zmq_socket (ctx, ZMQ_REQ);
  void *worker = zmq_socket (ctx, ZMQ_DEALER);
  wire_msg_t *from_client = wire_msg_new ();
  wire_msg_t *from_worker = wire_msg_new ();
  const char *service = NULL;
  zframe_t *client_id = NULL, *empty = NULL;
  zmsg_t *body = NULL;
  int timeout = 5000;

  zsock_set_rcvtimeo (frontend, 5000);
  zsock_set_rcvtimeo (backend, 5000);
  zmq_setsockopt (client, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
  zmq_setsockopt (worker, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
  zmq_setsockopt (worker, ZMQ_ROUTING_ID, "W3", 2);
  zmq_setsockopt (client, ZMQ_ROUTING_ID, "C3", 2);
  CHECK (zsock_bind (frontend, "inproc://mdp-relay-frontend") == 0);
  CHECK (zsock_bind (backend, "inproc://mdp-relay-backend") == 0);
  CHECK (zmq_connect (client, "inproc://mdp-relay-frontend") == 0);
  CHECK (zmq_connect (worker, "inproc://mdp-relay-backend") == 0);
  {
    Frame f[] = { F (""), F ("MDPW01"), F ("\001"), F ("echo") };
    send_frames (worker, f, 4);
  }
  CHECK (mdp_worker_recv (from_worker, backend, WIRE_ENVELOPE_ROUTER) == MDP_WORKER_READY);
  {
    Frame f[] = { F ("MDPC01"), F ("echo"), F ("one"), F (""), F ("three\000\377") };
    send_frames (client, f, 5);
  }
  CHECK (wire_msg_recv (from_client, frontend, WIRE_ENVELOPE_ROUTER) == 0);
  CHECK (mdp_client_decode_expecting (from_client, 1u << (MDP_CLIENT_REQUEST - 1)) == MDP_CLIENT_REQUEST);
  CHECK (mdp_client_get_request (from_client, &service, NULL) == 0 && service && streq (service, "echo"));
  body = wire_msg_take_msg (from_client, 1);
  {
    Frame b[] = { F ("one"), F (""), F ("three\000\377") };
    CHECK (body_is (body, b, 3));
  }
  client_id = zframe_new (wire_msg_peer (from_client)->id, wire_msg_peer (from_client)->id_size);
  empty = zframe_new_empty ();
  CHECK (mdp_worker_send_request (backend, WIRE_ENVELOPE_ROUTER, wire_msg_peer (from_worker), client_id, empty, body) == 0);
  {
    Frame f[] = { F (""), F ("MDPW01"), F ("\002"), F ("C3"), F (""), F ("one"), F (""), F ("three\000\377") };
    expect_frames (worker, f, 8, "broker passes a 3-frame REQUEST body to the worker unchanged");
  }
  zmsg_destroy (&body);
  {
    Frame f[] = { F (""), F ("MDPW01"), F ("\003"), F ("C3"), F (""), F ("re 1"), F (""), F (""), F ("re 4") };
    send_frames (worker, f, 9);
  }
  CHECK (mdp_worker_recv (from_worker, backend, WIRE_ENVELOPE_ROUTER) == MDP_WORKER_REPLY);
  CHECK (mdp_worker_get_reply (from_worker, NULL, NULL, &body) == 0);
  CHECK (mdp_client_send_reply (frontend, WIRE_ENVELOPE_ROUTER, wire_msg_peer (from_client), "echo", body) == 0);
  {
    Frame f[] = { F ("MDPC01"), F ("echo"), F ("re 1"), F (""), F (""), F ("re 4") };
    expect_frames (client, f, 6, "broker passes a 4-frame REPLY body to the client unchanged");
  }
  zframe_destroy (&client_id);
  zframe_destroy (&empty);
  wire_msg_destroy (&from_client);
  wire_msg_destroy (&from_worker);
  zmq_close (client);
  zmq_close (worker);
  zsock_destroy (&frontend);
  zsock_destroy (&backend);
}

/* One message to a running exported broker, as a raw peer sends it. */
static int
send_to_broker (const char *who,
                const char *endpoint)
{
  void *ctx = zmq_ctx_new ();
  void *socket = zmq_socket (ctx, streq (who, "worker") ? ZMQ_DEALER : ZMQ_REQ);
  int linger = 2000;

  zmq_setsockopt (socket, ZMQ_LINGER, &linger, sizeof linger);
  CHECK (zmq_connect (socket, endpoint) == 0);
  if (streq (who, "worker"))
    {
      Frame f[] = { F (""), F ("MDPW01"), F ("\001"), F ("echo") };
      send_frames (socket, f, 4);
    }
  else
    {
      Frame f[] = { F ("MDPC01"), F ("echo"), F ("hello") };
      send_frames (socket, f, 3);
    }
  zmq_close (socket);
  zmq_ctx_term (ctx);
  return failures ? 1 : 0;
}

int
main (int   argc,
      char *argv[])
{
  void *ctx;

  zsys_handler_set (NULL);
  if (argc == 3)
    return send_to_broker (argv[1], argv[2]);
  ctx = zsys_init ();
  worker_protocol (ctx);
  client_protocol (ctx);
  broker_relay (ctx);
  fprintf (stdout, "%s\n", failures ? "mdp-peer: FAILED" : "mdp-peer: passed");
  return failures ? 1 : 0;
}
