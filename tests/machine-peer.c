/* machine-peer.c: a raw libzmq peer that breaks and keeps the protocol of tests/data/machine/machine.moped.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Built by tests/test-export-c-build.py against an export of that design whose Server
 * file is tests/data/machine/src/server.c. It starts the exported Server node and talks
 * to it with DEALER sockets, writing each frame by hand: commands out of order must be
 * refused (no handler runs, no answer comes; the log line is checked by the script),
 * a whole session with a loop that takes each branch of the choice must pass, each
 * peer has a state of its own, and after BYE a new session starts (a looping protocol
 * never gets stuck in its final state). Prints "ok"/"not ok" lines; exits 1 when a
 * check failed.
 */
#include <string.h>
#include <zmq.h>

#include "server.h"

extern int machine_handled [4];
extern int machine_refused_rc;
extern int machine_refused_errno;
extern const char *machine_state_in_ping;

static int failures = 0;

#define CHECK(cond) \
  do { \
    if (!(cond)) { fprintf (stdout, "not ok %s:%d: %s\n", __FILE__, __LINE__, #cond); failures++; } \
  } while (0)

/* One message: the command frame, then the field's frame when there is one. */
static void
send_raw (zsock_t    *peer,
          const char *command,
          const char *field)
{
  void *socket = zsock_resolve (peer);

  CHECK (zmq_send (socket, command, strlen (command), field ? ZMQ_SNDMORE : 0) >= 0);
  if (field)
    CHECK (zmq_send (socket, field, strlen (field), 0) >= 0);
}

/* The next message's frames joined by spaces, or "" when none came within @msecs. */
static void
recv_raw (zsock_t *peer,
          int      msecs,
          char    *text,
          size_t   size)
{
  void *socket = zsock_resolve (peer);
  zmq_pollitem_t item = { socket, 0, ZMQ_POLLIN, 0 };
  size_t used = 0;
  int more = 1;

  text[0] = '\0';
  if (zmq_poll (&item, 1, msecs) != 1)
    return;
  while (more)
    {
      zmq_msg_t msg;

      zmq_msg_init (&msg);
      if (zmq_msg_recv (&msg, socket, 0) == -1)
        break;
      used += (size_t) snprintf (text + used, used < size ? size - used : 0, "%s%.*s", used ? " " : "",
                                 (int) zmq_msg_size (&msg), (const char *) zmq_msg_data (&msg));
      more = zmq_msg_more (&msg);
      zmq_msg_close (&msg);
    }
}

/* Sends a command and checks the answer ("" for none within a short while). */
static void
exchange (zsock_t    *peer,
          const char *command,
          const char *field,
          const char *expected)
{
  char answer[256];

  send_raw (peer, command, field);
  recv_raw (peer, *expected ? 5000 : 300, answer, sizeof (answer));
  if (strcmp (answer, expected) != 0)
    {
      fprintf (stdout, "not ok %s%s%s: answered \"%s\", not \"%s\"\n", command, field ? " " : "",
               field ? field : "", answer, expected);
      failures++;
    }
}

static zsock_t *
raw_peer (const char *routing_id)
{
  zsock_t *peer = zsock_new (ZMQ_DEALER);

  zsock_set_identity (peer, routing_id);
  CHECK (zsock_connect (peer, "inproc://machine-test") == 0);
  return peer;
}

static const char *
state_of (server_t   *server,
          const char *peer)
{
  const char *state = server_protocol_state (server, "session", peer);

  return state ? state : "(none)";
}

int
main (void)
{
  server_options_t options;
  server_t *server;
  zsock_t *one, *two;

  memset (&options, 0, sizeof (options));
  options.clients = "@inproc://machine-test";
  server = server_new (&options);
  CHECK (server != NULL);
  if (server == NULL)
    return 1;
  one = raw_peer ("raw-peer");
  two = raw_peer ("other-peer");

  /* Out of order before the session: refused, no handler, no answer. */
  exchange (one, "PING", NULL, "");
  exchange (one, "WORK", "early", "");
  exchange (one, "HELLO", NULL, "WELCOME");
  CHECK (machine_handled[0] == 1 && machine_handled[1] == 0 && machine_handled[2] == 0);
  CHECK (strcmp (state_of (server, "raw-peer"), "3") == 0);
  fprintf (stdout, "ok commands before HELLO are refused\n");

  /* The loop, each branch of the choice, and back again. */
  exchange (one, "PING", NULL, "PONG");
  CHECK (machine_state_in_ping != NULL && strcmp (machine_state_in_ping, "4") == 0);
  exchange (one, "WORK", "job-1", "DONE job-1");
  exchange (one, "WORK", "job-2", "DONE job-2");
  exchange (one, "PING", NULL, "PONG");
  CHECK (machine_handled[1] == 2 && machine_handled[2] == 2);
  fprintf (stdout, "ok a loop through both branches of the choice passes\n");

  /* A second HELLO inside the session: refused. */
  exchange (one, "HELLO", NULL, "");
  exchange (one, "PING", NULL, "PONG");
  CHECK (machine_handled[0] == 1);

  /* Each peer has a state of its own. */
  exchange (two, "BYE", NULL, "");
  CHECK (strcmp (state_of (server, "other-peer"), "1") == 0);
  exchange (two, "HELLO", NULL, "WELCOME");
  CHECK (strcmp (state_of (server, "other-peer"), "3") == 0);
  CHECK (strcmp (state_of (server, "raw-peer"), "3") == 0);
  CHECK (machine_handled[0] == 2 && machine_handled[3] == 0);
  fprintf (stdout, "ok each peer has a state of its own\n");

  /* BYE ends the session: the handler's PONG is refused; a new session starts. */
  exchange (one, "BYE", NULL, "");
  exchange (one, "HELLO", NULL, "WELCOME");
  CHECK (machine_handled[3] == 1);
  CHECK (machine_refused_rc == -1 && machine_refused_errno == EPROTO);
  exchange (one, "WORK", "job-3", "DONE job-3");
  exchange (one, "BYE", NULL, "");
  exchange (two, "BYE", NULL, "");
  exchange (one, "PING", NULL, "");
  exchange (one, "HELLO", NULL, "WELCOME");
  CHECK (strcmp (state_of (server, "raw-peer"), "3") == 0);
  CHECK (strcmp (state_of (server, "other-peer"), "1") == 0);
  CHECK (server_protocol_state (server, "no-such-protocol", NULL) == NULL);
  fprintf (stdout, "ok after BYE a new session starts, and a send the state does not allow fails\n");

  zsock_destroy (&one);
  zsock_destroy (&two);
  server_destroy (&server);
  fprintf (stdout, "machine-peer: %s\n", failures ? "FAILED" : "passed");
  return failures ? 1 : 0;
}
