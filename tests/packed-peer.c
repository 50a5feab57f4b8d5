/* packed-peer.c: the packed encoding byte by byte, as zproto's generated codec lays a message out.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Built by tests/test-export-c-build.py against an export of its packed design (protocol
 * Zp, signature 5, command RECORD number 7). The layout written here by hand follows
 * zproto's src/zproto_codec_c.gsl: PUT_NUMBER2 (0xAAA0 | signature), PUT_NUMBER1 (id),
 * then per field: string = 1-byte length + text, number (size 8) = 8 bytes network order,
 * longstr = 4-byte length + text, strings = 4-byte count + a longstr each, chunk = 4-byte
 * size + data; a frame field is a frame of its own after the packed one.
 */
#include <string.h>
#include <zmq.h>

#include "zp.h"

static int failures = 0;

#define CHECK(cond) \
  do { \
    if (!(cond)) { fprintf (stdout, "not ok %s:%d: %s\n", __FILE__, __LINE__, #cond); failures++; } \
  } while (0)

static const byte expected [] = {
    0xAA, 0xA5, 7,                                  //  signature 5, RECORD
    4, 'n', 'a', 'm', 'e',                          //  name: string
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, //  count: number
    0, 0, 0, 4, 'n', 'o', 't', 'e',                 //  note: longstr
    0, 0, 0, 2, 0, 0, 0, 1, 'a', 0, 0, 0, 2, 'b', 'c', //  tags: strings
    0, 0, 0, 3, 0x00, 0xFF, 0x10                    //  blob: chunk
};

int
main (void)
{
  void *ctx = zsys_init ();
  void *pull = zmq_socket (ctx, ZMQ_PULL);
  void *push = zmq_socket (ctx, ZMQ_PUSH);
  zsock_t *output = zsock_new (ZMQ_PUSH);
  zsock_t *input = zsock_new (ZMQ_PULL);
  wire_msg_t *msg = wire_msg_new ();
  zlist_t *tags = zlist_new ();
  zframe_t *extra = zframe_new ("xyz", 3);
  const byte blob [] = { 0x00, 0xFF, 0x10 };
  int timeout = 5000;
  zmq_msg_t frame;

  zsys_handler_set (NULL);
  zlist_append (tags, "a");
  zlist_append (tags, "bc");
  zmq_setsockopt (pull, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
  zsock_set_rcvtimeo (input, 5000);
  CHECK (zmq_bind (pull, "inproc://packed-out") == 0);
  CHECK (zsock_connect (output, "inproc://packed-out") == 0);
  CHECK (zsock_bind (input, "inproc://packed-in") == 0);
  CHECK (zmq_connect (push, "inproc://packed-in") == 0);

  /* The codec's frames, byte by byte. */
  CHECK (zp_send_record (output, WIRE_ENVELOPE_PLAIN, NULL, "name", 0x0102030405060708ULL, "note", tags, blob, 3, extra) == 0);
  zmq_msg_init (&frame);
  CHECK (zmq_msg_recv (&frame, pull, 0) == (int) sizeof (expected));
  CHECK (zmq_msg_size (&frame) == sizeof (expected) && memcmp (zmq_msg_data (&frame), expected, sizeof (expected)) == 0);
  CHECK (zmq_msg_more (&frame));
  CHECK (zmq_msg_recv (&frame, pull, 0) == 3 && memcmp (zmq_msg_data (&frame), "xyz", 3) == 0);
  CHECK (!zmq_msg_more (&frame));
  /* Every length a string can have (0 to 255), and chunks of 0 to 40 bytes and of 300,
   * each copied by its own path (a few bytes, a word or two, memcpy): the bytes sent
   * are the length and the text, then the fields after them, unchanged. */
  {
    char text [256];
    byte data [300];
    size_t length, at;

    for (at = 0; at < sizeof (data); at++)
      data [at] = (byte) (at * 7 + 1);
    for (length = 0; length <= 255 + 41; length++)
      {
        size_t name_size = length <= 255 ? length : 4;
        size_t blob_size = length <= 255 ? 3 : length == 255 + 41 ? 300 : length - 256;
        const byte *sent;
        size_t offset;

        for (at = 0; at < name_size; at++)
          text [at] = (char) ('a' + (at + length) % 26);
        text [name_size] = 0;
        CHECK (zp_send_record (output, WIRE_ENVELOPE_PLAIN, NULL, text, 0x0102030405060708ULL, "note", tags,
                               length <= 255 ? blob : data, blob_size, extra) == 0);
        CHECK (zmq_msg_recv (&frame, pull, 0) == (int) (sizeof (expected) - 4 + name_size - 3 + blob_size));
        sent = (const byte *) zmq_msg_data (&frame);
        offset = 3 + 1 + name_size;
        CHECK (memcmp (sent, expected, 3) == 0 && sent [3] == name_size && memcmp (sent + 4, text, name_size) == 0);
        CHECK (memcmp (sent + offset, expected + 8, sizeof (expected) - 8 - 3 - 4) == 0);
        offset += sizeof (expected) - 8 - 3 - 4;
        CHECK (sent [offset] == 0 && sent [offset + 1] == 0 && sent [offset + 2] == blob_size >> 8
               && sent [offset + 3] == (blob_size & 0xFF));
        CHECK (memcmp (sent + offset + 4, length <= 255 ? blob : data, blob_size) == 0);
        CHECK (zmq_msg_recv (&frame, pull, 0) == 3 && !zmq_msg_more (&frame));
      }
  }
  zmq_msg_close (&frame);
  fprintf (stdout, "%s the packed codec sends zproto's bytes\n", failures ? "not ok" : "ok");

  /* zproto's bytes, decoded by the codec. */
  {
    const char *name = NULL, *note = NULL;
    uint64_t count = 0;
    zlist_t *got_tags = NULL;
    const byte *got_blob = NULL;
    size_t blob_size = 0;
    zframe_t *got_extra = NULL;
    int before = failures;

    CHECK (zmq_send (push, expected, sizeof (expected), ZMQ_SNDMORE) != -1);
    CHECK (zmq_send (push, "xyz", 3, 0) != -1);
    CHECK (zp_recv (msg, input, WIRE_ENVELOPE_PLAIN) == ZP_RECORD);
    CHECK (zp_get_record (msg, &name, &count, &note, &got_tags, &got_blob, &blob_size, &got_extra) == 0);
    CHECK (name && streq (name, "name") && count == 0x0102030405060708ULL && note && streq (note, "note"));
    CHECK (got_tags && zlist_size (got_tags) == 2 && streq ((char *) zlist_first (got_tags), "a")
           && streq ((char *) zlist_next (got_tags), "bc"));
    CHECK (blob_size == 3 && memcmp (got_blob, blob, 3) == 0 && got_extra && zframe_streq (got_extra, "xyz"));
    /* Another signature, a cut-short frame: not a message, and malformed. */
    {
      byte other [sizeof (expected)];

      memcpy (other, expected, sizeof (expected));
      other [1] = 0xA6;
      CHECK (zmq_send (push, other, sizeof (other), ZMQ_SNDMORE) != -1);
      CHECK (zmq_send (push, "xyz", 3, 0) != -1);
      CHECK (zp_recv (msg, input, WIRE_ENVELOPE_PLAIN) == 0);
      CHECK (zmq_send (push, expected, sizeof (expected) - 1, ZMQ_SNDMORE) != -1);
      CHECK (zmq_send (push, "xyz", 3, 0) != -1);
      CHECK (zp_recv (msg, input, WIRE_ENVELOPE_PLAIN) == -1);
      CHECK (strstr (wire_msg_error (msg), "field 5") && strstr (wire_msg_error (msg), "cut short"));
      CHECK (zp_get_record (msg, &name, NULL, NULL, NULL, NULL, NULL, NULL) == -1);
    }
    /* Malformed in other ways: each refused with why, and the next good one decoded. */
    {
      byte longer [sizeof (expected) + 1];
      byte zero [sizeof (expected)];
      struct {
        const byte *data;
        size_t size;
        int frames;             /* how many "xyz" frames follow */
        const char *error;      /* part of what wire_msg_error says */
      } cases [] = {
        { longer, sizeof (longer), 1, "1 bytes after the fields" },
        { zero, sizeof (zero), 1, "field 1: text with a zero byte" },
        { expected, sizeof (expected), 0, "1 frames instead of 2" },
        { expected, sizeof (expected), 2, "3 frames instead of 2" },
        { expected, 3 + 5 + 8 + 4 + 4 + 3, 1, "field 4: packed frame cut short" },
      };
      size_t i;

      memcpy (longer, expected, sizeof (expected));
      longer [sizeof (expected)] = 0;
      memcpy (zero, expected, sizeof (expected));
      zero [5] = 0;
      for (i = 0; i < sizeof (cases) / sizeof (cases[0]); i++)
        {
          int frame;

          CHECK (zmq_send (push, cases[i].data, cases[i].size, cases[i].frames > 0 ? ZMQ_SNDMORE : 0) != -1);
          for (frame = 0; frame < cases[i].frames; frame++)
            CHECK (zmq_send (push, "xyz", 3, frame + 1 < cases[i].frames ? ZMQ_SNDMORE : 0) != -1);
          CHECK (zp_recv (msg, input, WIRE_ENVELOPE_PLAIN) == -1);
          if (!strstr (wire_msg_error (msg), cases[i].error))
            fprintf (stdout, "# case %zu: %s\n", i, wire_msg_error (msg));
          CHECK (strstr (wire_msg_error (msg), cases[i].error) != NULL);
        }
      CHECK (zmq_send (push, expected, sizeof (expected), ZMQ_SNDMORE) != -1);
      CHECK (zmq_send (push, "xyz", 3, 0) != -1);
      CHECK (zp_recv (msg, input, WIRE_ENVELOPE_PLAIN) == ZP_RECORD);
      CHECK (zp_get_record (msg, &name, NULL, &note, NULL, NULL, NULL, NULL) == 0 && streq (name, "name")
             && streq (note, "note"));
    }
    /* Names of 8 to 16 bytes (decoded eight bytes at a time): a zero byte anywhere in
     * them is refused, and without one they come back whole. */
    {
      const char *names [] = { "12345678", "123456789", "1234567890123456" };
      size_t n, at;

      for (n = 0; n < sizeof (names) / sizeof (names[0]); n++)
        for (at = 0; at <= strlen (names[n]); at++)
          {
            byte frame [sizeof (expected) + 16];
            size_t length = strlen (names[n]);
            int rc;

            memcpy (frame, expected, 3);
            frame[3] = (byte) length;
            memcpy (frame + 4, names[n], length);
            if (at < length)
              frame[4 + at] = 0;        /* at == length: no zero byte */
            memcpy (frame + 4 + length, expected + 8, sizeof (expected) - 8);
            CHECK (zmq_send (push, frame, sizeof (expected) - 4 + length, ZMQ_SNDMORE) != -1);
            CHECK (zmq_send (push, "xyz", 3, 0) != -1);
            rc = zp_recv (msg, input, WIRE_ENVELOPE_PLAIN);
            if (at < length)
              CHECK (rc == -1 && strstr (wire_msg_error (msg), "field 1: text with a zero byte"));
            else
              CHECK (rc == ZP_RECORD && zp_get_record (msg, &name, NULL, &note, NULL, NULL, NULL, NULL) == 0
                     && streq (name, names[n]) && streq (note, "note"));
          }
    }
    fprintf (stdout, "%s the packed codec decodes zproto's bytes\n", failures > before ? "not ok" : "ok");
  }
  zlist_destroy (&tags);
  zframe_destroy (&extra);
  wire_msg_destroy (&msg);
  zsock_destroy (&output);
  zsock_destroy (&input);
  zmq_close (pull);
  zmq_close (push);
  fprintf (stdout, "%s\n", failures ? "packed-peer: FAILED" : "packed-peer: passed");
  return failures ? 1 : 0;
}
