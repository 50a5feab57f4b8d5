//
//  A message is an envelope, then a command frame holding the command's name,
//  then one frame per field:
//  - ROUTER sockets see the peer's routing id first, and an empty delimiter
//    frame after it when the peer is a REQ or REP socket (or a DEALER talking
//    to REP); replies go back with the same envelope.
//  - A DEALER talking to a REP socket sends an empty delimiter frame first.
//  - PUB and XPUB sockets send a topic frame first, which subscriptions match:
//    the command's first string field when it has one, else its name.
//  - REQ and REP add and remove their delimiters themselves.
//  Fields: string (at most 255 bytes) and longstr are text without a zero
//  byte; number is 8 bytes in network order; strings is a 4-byte count then,
//  per string, a 4-byte length and the text; bytes and frame are sent as
//  they are.
#pragma once

#include <czmq.h>

#ifdef __cplusplus
extern "C" {
#endif

//  Longest routing id libzmq gives or accepts, and longest string field
#define WIRE_ID_MAX 255
#define WIRE_STRING_MAX 255

//  What a socket's type puts around a message. The generated code passes each
//  socket's envelope, as Moped's socket-type table gives it for the socket's type.
typedef enum {
    WIRE_ENVELOPE_PLAIN,        //  Nothing
    WIRE_ENVELOPE_ROUTER,       //  Routing id, maybe a delimiter
    WIRE_ENVELOPE_DEALER,       //  Maybe a delimiter
    WIRE_ENVELOPE_PUBLISHER,    //  Topic frame out
    WIRE_ENVELOPE_SUBSCRIBER,   //  Topic frame in
    WIRE_ENVELOPE_DELIMITED     //  REQ and REP: the socket adds and takes off its delimiter
} wire_envelope_t;

//  Where a message came from, or where a reply goes
typedef struct {
    byte id [WIRE_ID_MAX];      //  Routing id of the peer (ROUTER sockets)
    size_t id_size;             //  0 when there is none
    bool delimiter;             //  Peer uses REQ-style envelopes
} wire_peer_t;

//  The types a field can have
typedef enum {
    WIRE_STRING,                //  Text, at most 255 bytes
    WIRE_LONGSTR,               //  Text of any length
    WIRE_NUMBER,                //  Unsigned 64-bit integer
    WIRE_STRINGS,               //  List of texts (zlist_t of char *)
    WIRE_BYTES,                 //  Opaque bytes
    WIRE_FRAME                  //  One frame, passed through untouched
} wire_type_t;

//  How the messages of a protocol are framed, as its design declares. The
//  defaults (all zero) are the layout described at the top of this file.
typedef struct {
    const byte *header;         //  Header frame before the command, or NULL
    size_t header_size;         //  Its length
    int id_size;                //  Command frame: 0 the name as text, 1 or 2
                                //  the number in bytes (network order), -1 none
    bool delimiter;             //  An empty frame starts every message
    bool no_topic;              //  PUB/XPUB send no topic frame
    bool packed;                //  All fields in one frame, laid out as zproto's
                                //  codec does: 0xAAA0 | signature (2 bytes), the
                                //  number (1 byte), numbers in 8 bytes, string
                                //  with a 1-byte length, longstr, strings and
                                //  bytes with 4-byte lengths; frame fields are
                                //  frames of their own after it. From a PUB or
                                //  XPUB (unless no_topic): the number, the topic
                                //  and a zero byte, then the fields (zproto's
                                //  pubsub layout)
    unsigned signature;         //  Packed: 0..15
} wire_framing_t;

//  What a codec knows about one command
typedef struct {
    const char *name;           //  Travels in the command frame
    size_t name_size;           //  Its length
    const wire_type_t *types;   //  Its fields, in order
    size_t count;               //  Number of fields
    int topic;                  //  Field used as PUB topic, or -1 for the name
    unsigned number;            //  Its number, when numbers identify commands
    const wire_framing_t *framing;  //  NULL: the default framing
} wire_command_t;

//  A peer with a known routing id (at most WIRE_ID_MAX bytes)
wire_peer_t
    wire_peer (const char *routing_id, bool delimiter);

//  A peer for log lines: its routing id as text when it is printable, else in
//  hex ("0x0080...") when it has one, else NULL. Writes into buffer, which
//  holds WIRE_PEER_TEXT_MAX bytes
#define WIRE_PEER_TEXT_MAX (2 * WIRE_ID_MAX + 3)
const char *
    wire_peer_text (const wire_peer_t *peer, char *buffer);

//  A role's state machine, as the design's flows project it (the protocol
//  document's "State machines" section shows the same machine, its states
//  numbered the same): in each state, the commands the role may send or
//  receive next. A node's engine keeps one for each protocol and socket on
//  which it plays a role, and refuses a command its state does not allow.
typedef struct {
    unsigned from;              //  State, as an index into the role's names
    unsigned to;                //  The state that follows
    bool send;                  //  The node sends it (else it receives it)
    int command;                //  Its number in the protocol's codec
} wire_transition_t;

typedef struct {
    const char *protocol;       //  Names, for people
    const char *role;
    const char *const *states;  //  State names; the first is where it starts
    size_t state_count;
    const wire_transition_t *transitions;
    size_t transition_count;
    bool per_peer;              //  A state per peer (routing id), as a ROUTER
                                //  talks to many; else one state in all
} wire_role_t;

//  How many peers a per-peer machine keeps a state for at most. A peer back
//  in the first state takes no room; when the table is full, the peer heard
//  from longest ago is forgotten (logged) and starts again in the first state
#define WIRE_MACHINE_PEERS 4096

typedef struct _wire_machine_t wire_machine_t;

//  A machine for role, every peer in the first state; peers_max bounds the
//  per-peer table (0: WIRE_MACHINE_PEERS)
wire_machine_t *
    wire_machine_new (const wire_role_t *role, size_t peers_max);
void
    wire_machine_destroy (wire_machine_t **self_p);
//  The role it follows
const wire_role_t *
    wire_machine_role (wire_machine_t *self);
//  The name of the state peer is in (peer is ignored, and may be NULL, unless
//  the machine keeps a state per peer)
const char *
    wire_machine_state (wire_machine_t *self, const wire_peer_t *peer);
//  Whether peer's state allows the command to be sent (send) or received:
//  0, or -1 when it does not
int
    wire_machine_allows (wire_machine_t *self, const wire_peer_t *peer, bool send, int command);
//  Move peer's state on by the command: 0, or -1 (and no move) when its state
//  does not allow it
int
    wire_machine_step (wire_machine_t *self, const wire_peer_t *peer, bool send, int command);
//  How many peers it keeps a state for now (the others are in the first)
size_t
    wire_machine_peers (wire_machine_t *self);

//  A received message, reused from one message to the next so that
//  receiving allocates nothing in the usual case
typedef struct _wire_msg_t wire_msg_t;

wire_msg_t *
    wire_msg_new (void);
void
    wire_msg_destroy (wire_msg_t **self_p);

//  Receive one whole message from input, whose type puts envelope around
//  messages, and take the envelope apart. Returns
//  0, or -1 when interrupted or when the envelope is malformed (see
//  wire_msg_error); a malformed message is read and dropped.
int
    wire_msg_recv (wire_msg_t *self, zsock_t *input, wire_envelope_t envelope);

//  Find the received command in a codec's table and decode its fields.
//  Returns its 1-based position, 0 when the command is not in the table, or
//  -1 when it is but its fields are malformed (see wire_msg_error).
int
    wire_msg_match (wire_msg_t *self, const wire_command_t *commands, size_t count);

//  The same, considering only the commands whose bit (1 << (position - 1))
//  is set in expected: with a framing that sends no command frame, the
//  receiver tells commands apart only by which ones it may receive
int
    wire_msg_match_expected (wire_msg_t *self, const wire_command_t *commands, size_t count,
                             uint64_t expected);

//  Whether the message last matched is this command of a codec's table
bool
    wire_msg_holds (wire_msg_t *self, const wire_command_t *command);

//  Who sent the message; pass it to a send function to reply
const wire_peer_t *
    wire_msg_peer (wire_msg_t *self);

//  The command name as received, printable, for messages to people
const char *
    wire_msg_command (wire_msg_t *self);

//  Why the last receive or match failed
const char *
    wire_msg_error (wire_msg_t *self);

//  XPUB sockets: whether the message received is a subscription (1) or an
//  unsubscription (0) rather than a message (-1); its whole frame (the byte,
//  then the topic) in *frame and *size, borrowed until the next receive
int
    wire_msg_subscription (wire_msg_t *self, const byte **frame, size_t *size);

//  Fields of the matched command, by position; borrowed, valid until the
//  next receive
const char *
    wire_msg_string (wire_msg_t *self, size_t index);
uint64_t
    wire_msg_number (wire_msg_t *self, size_t index);
zlist_t *
    wire_msg_strings (wire_msg_t *self, size_t index);
const byte *
    wire_msg_bytes (wire_msg_t *self, size_t index, size_t *size);
zframe_t *
    wire_msg_frame (wire_msg_t *self, size_t index);

//  Sending, for codecs: first the envelope the output socket needs, then the
//  command frame, then one frame per field; more is ZMQ_SNDMORE or 0.
//  Return 0, or -1 with errno set (EHOSTUNREACH when a ROUTER's peer has not
//  connected within the socket's send timeout, at once when it has none;
//  EINVAL for a bad value).
int
    wire_send_envelope (zsock_t *output, wire_envelope_t envelope, const wire_peer_t *to,
                        const char *topic);

//  A field's value, for wire_send_values: which member is read follows the
//  field's type (text for string and longstr, data and size for bytes)
typedef struct {
    const char *text;
    uint64_t number;
    zlist_t *strings;
    const void *data;
    size_t size;
    zframe_t *frame;
} wire_value_t;

//  Send a whole message of a command as its framing says: envelope, empty
//  frame, header, command, then the fields (one value each, in order), one
//  frame each or packed. topic is what a PUB or XPUB sends as topic when the
//  command has no topic field (NULL: its name). Returns 0, or -1 with errno
//  set, having sent nothing when a value does not fit (EINVAL)
int
    wire_send_values (zsock_t *output, wire_envelope_t envelope, const wire_peer_t *to,
                      const wire_command_t *command,
                      const wire_value_t *values);

//  Packed codecs (zproto's layout, see wire_framing_t) are generated as
//  zproto's are: a send function adds up the size of its fields, begins a
//  packer (one zmq_msg_t of that size), puts each field in and sends it; a
//  decode function reads each field straight from the received frame. Nothing
//  is allocated but the frame itself, and the strings and frame fields that
//  the receiver owns.
typedef struct {
    void *handle;               //  The output socket
    zmq_msg_t frame;            //  The packed frame
    byte *needle;               //  Where the next field goes
    byte *limit;                //  Where the fields end
} wire_packer_t;

//  Begin a packed message of command: send what goes before the packed frame
//  (envelope, empty frame, header) and make the frame, holding the signature
//  and the number (or, from a PUB or XPUB, zproto's pubsub head: the number,
//  topic and a zero byte; topic NULL is the command's name) with room for
//  size bytes of fields. Returns 0, or -1 with errno set, having sent nothing.
//  Inline for the common case (nothing before the packed frame), where the
//  compiler folds the codec's constant tables away; the rest out of line
int
    wire_packer_begin_framed (wire_packer_t *self, zsock_t *output, wire_envelope_t envelope,
                              const wire_peer_t *to, const wire_command_t *command,
                              const char *topic, size_t size);
static inline int
wire_packer_begin (wire_packer_t *self, zsock_t *output, wire_envelope_t envelope,
                   const wire_peer_t *to, const wire_command_t *command, const char *topic,
                   size_t size)
{
    const wire_framing_t *framing = command->framing;
    if (framing && (envelope == WIRE_ENVELOPE_PLAIN || envelope == WIRE_ENVELOPE_DELIMITED)
    &&  !framing->delimiter && !framing->header) {
        if (zmq_msg_init_size (&self->frame, 3 + size) == -1)
            return -1;
        byte *needle = (byte *) zmq_msg_data (&self->frame);
        needle [0] = 0xAA;
        needle [1] = (byte) (0xA0 | (framing->signature & 0x0F));
        needle [2] = (byte) command->number;
        self->needle = needle + 3;
        self->limit = needle + 3 + size;
        self->handle = zsock_resolve (output);
        return 0;
    }
    return wire_packer_begin_framed (self, output, envelope, to, command, topic, size);
}

//  Send the packed frame; more is ZMQ_SNDMORE when frame fields follow it
//  (wire_send_frame to self->handle). Returns 0, or -1 with errno set
static inline int
wire_packer_send (wire_packer_t *self, int more)
{
    //  The send function put in as many bytes as it said it would
    assert (self->needle == self->limit);
    if (zmq_msg_send (&self->frame, self->handle, more) == -1) {
        zmq_msg_close (&self->frame);
        return -1;
    }
    return 0;
}

//  The length of a text field's value (NULL is empty), and of a strings
//  field's packed bytes: the count and, per string, a length and the text;
//  SIZE_MAX when a string is longer than 4-byte lengths allow
size_t
    wire_strings_size (zlist_t *strings);
static inline size_t
wire_text_size (const char *text)
{
    return text? strlen (text): 0;
}

static inline void
wire_put_uint32 (byte *needle, uint32_t value)
{
    needle [0] = (byte) (value >> 24);
    needle [1] = (byte) (value >> 16);
    needle [2] = (byte) (value >> 8);
    needle [3] = (byte) value;
}

//  Put a field in: size is the length wire_text_size gave (at most 255 for
//  a string), or the size of bytes (0 when data is NULL); longstr and bytes
//  are laid out alike. Each works on a copy of the needle: a store through a
//  byte pointer may alias anything, so writing through self->needle would
//  have the compiler read it back after every byte
//
//  Their bytes are copied by wire_put_bytes: up to 16 inline, in two
//  overlapping loads and stores (no call), more by memcpy out of line
//  (wire_copy). A compiler that knows a copy is short (a string's is at most
//  255 bytes) may otherwise inline memcpy as a rep movs, slow to start.
void
    wire_copy (void *to, const void *from, size_t size);

static inline void
wire_put_bytes (byte *to, const void *data, size_t size)
{
    const byte *from = (const byte *) data;
    if (size >= 8 && size <= 16) {
        uint64_t first, last;
        memcpy (&first, from, 8);
        memcpy (&last, from + size - 8, 8);
        memcpy (to, &first, 8);
        memcpy (to + size - 8, &last, 8);
    }
    else
    if (size >= 4 && size < 8) {
        uint32_t first, last;
        memcpy (&first, from, 4);
        memcpy (&last, from + size - 4, 4);
        memcpy (to, &first, 4);
        memcpy (to + size - 4, &last, 4);
    }
    else
    if (size > 16)
        wire_copy (to, from, size);
    else
    if (size > 0) {
        //  1 to 3 bytes: the first, the middle and the last
        to [0] = from [0];
        to [size / 2] = from [size / 2];
        to [size - 1] = from [size - 1];
    }
}

static inline void
wire_put_string (wire_packer_t *self, const char *text, size_t size)
{
    byte *needle = self->needle;
    needle [0] = (byte) size;
    wire_put_bytes (needle + 1, text, size);
    self->needle = needle + 1 + size;
}

static inline void
wire_put_longstr (wire_packer_t *self, const void *data, size_t size)
{
    byte *needle = self->needle;
    wire_put_uint32 (needle, (uint32_t) size);
    wire_put_bytes (needle + 4, data, size);
    self->needle = needle + 4 + size;
}

//  In network order, byte by byte (which compilers make one swap and one store)
static inline void
wire_put_number (wire_packer_t *self, uint64_t value)
{
    byte *needle = self->needle;
    needle [0] = (byte) (value >> 56);
    needle [1] = (byte) (value >> 48);
    needle [2] = (byte) (value >> 40);
    needle [3] = (byte) (value >> 32);
    needle [4] = (byte) (value >> 24);
    needle [5] = (byte) (value >> 16);
    needle [6] = (byte) (value >> 8);
    needle [7] = (byte) value;
    self->needle = needle + 8;
}

void
    wire_put_strings (wire_packer_t *self, zlist_t *strings);

//  Reading a packed frame: where the next field is, where the fields end,
//  where the next text field's copy goes (with its zero byte), which field
//  is read and, when reading failed, why
typedef enum {
    WIRE_UNPACKED,              //  No error
    WIRE_CUT_SHORT,             //  The frame ends inside the field
    WIRE_ZERO_BYTE              //  Text with a zero byte
} wire_unpack_error_t;

typedef struct {
    const byte *needle;
    const byte *limit;
    char *text;
    size_t field;
    size_t frame;               //  The frame after the packed one
    wire_unpack_error_t error;
    wire_value_t *values;       //  Where the decoded values go
    size_t frames_after;        //  How many frames follow the packed one
} wire_unpacker_t;

//  Whether expected (see wire_msg_match_expected) lets the command at
//  position index (0-based) in
static inline bool
wire_expects (uint64_t expected, size_t index)
{
    return expected == 0 || index >= 64 || ((expected >> index) & 1);
}

//  Where the packed frame of the message received is, when it is in framing:
//  returns the number of its command, or -1 when it is not of this framing.
//  fields_max is the most fields a command of the protocol has: room for
//  their values and text is made here, once per message
int
    wire_msg_unpack (wire_msg_t *self, const wire_framing_t *framing, size_t fields_max,
                     wire_unpacker_t *unpacker);
//  wire_msg_recv, then wire_msg_unpack, in one call: the number, -1 when the
//  message received is not of this framing, or WIRE_RECV_FAILED when
//  receiving failed (wire_msg_error says why)
#define WIRE_RECV_FAILED -2
int
    wire_msg_recv_unpack (wire_msg_t *self, zsock_t *input, wire_envelope_t envelope,
                          const wire_framing_t *framing, size_t fields_max,
                          wire_unpacker_t *unpacker);
//  Start decoding the fields of command, which has frame_fields frame
//  fields: returns where their values go (one per field, read as
//  wire_send_values reads them), or NULL when the message has not the frames
//  the command has (wire_msg_unpack_frames says why in wire_msg_error)
wire_value_t *
    wire_msg_unpack_frames (wire_msg_t *self, const wire_command_t *command, size_t frame_fields,
                            wire_unpacker_t *unpacker);
static inline wire_value_t *
wire_msg_unpack_start (wire_msg_t *self, const wire_command_t *command, size_t frame_fields,
                       wire_unpacker_t *unpacker)
{
    if (unpacker->frames_after != frame_fields)
        return wire_msg_unpack_frames (self, command, frame_fields, unpacker);
    return unpacker->values;
}
//  Decode the next field of its type; 0, or -1 with unpacker->error set.
//  Text (a string has a 1-byte length, a longstr 4) is copied to end with a
//  zero: out of line (wire_get_text), where the compiler calls memcpy rather
//  than inlining a copy that is slow for short text, but for a string of 8
//  to 16 bytes, moved in two 8-byte words and checked for zero bytes as it
//  goes (a word has one when subtracting one from each byte borrows into a
//  byte whose top bit was clear).
int
    wire_get_text (wire_unpacker_t *self, const char **text, size_t length_size);

static inline int
wire_get_string (wire_unpacker_t *self, const char **text, size_t length_size)
{
    //  Copies of the unpacker's pointers: a store through a char pointer may
    //  alias the unpacker, so using them in place has them read back after it
    const byte *needle = self->needle;
    size_t left = (size_t) (self->limit - needle);
    size_t size = left > 0? needle [0]: 0;
    if (length_size == 1 && size >= 8 && size <= 16 && left > size) {
        const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
        const byte *data = needle + 1;
        uint64_t first, last;
        memcpy (&first, data, 8);
        memcpy (&last, data + size - 8, 8);
        if ((((first - ones) & ~first) | ((last - ones) & ~last)) & highs)
            return wire_get_text (self, text, length_size);
        char *copy = self->text;
        memcpy (copy, &first, 8);
        memcpy (copy + size - 8, &last, 8);
        copy [size] = 0;
        *text = copy;
        self->text = copy + size + 1;
        self->needle = data + size;
        self->field++;
        return 0;
    }
    return wire_get_text (self, text, length_size);
}

static inline int
wire_get_number (wire_unpacker_t *self, uint64_t *number)
{
    self->field++;
    if (self->limit - self->needle < 8) {
        self->error = WIRE_CUT_SHORT;
        return -1;
    }
    const byte *data = self->needle;
    *number = ((uint64_t) data [0] << 56) | ((uint64_t) data [1] << 48)
            | ((uint64_t) data [2] << 40) | ((uint64_t) data [3] << 32)
            | ((uint64_t) data [4] << 24) | ((uint64_t) data [5] << 16)
            | ((uint64_t) data [6] << 8) | (uint64_t) data [7];
    self->needle += 8;
    return 0;
}

static inline int
wire_get_bytes (wire_unpacker_t *self, const void **data, size_t *size)
{
    self->field++;
    size_t left = (size_t) (self->limit - self->needle);
    if (left < 4) {
        self->error = WIRE_CUT_SHORT;
        return -1;
    }
    size_t length = ((size_t) self->needle [0] << 24) | ((size_t) self->needle [1] << 16)
                  | ((size_t) self->needle [2] << 8) | (size_t) self->needle [3];
    if (left - 4 < length) {
        self->error = WIRE_CUT_SHORT;
        return -1;
    }
    *data = self->needle + 4;
    *size = length;
    self->needle += 4 + length;
    return 0;
}

//  A strings field (a list the message owns) and a frame field (the next
//  frame after the packed one, copied into a frame the message owns)
int
    wire_msg_get_strings (wire_msg_t *self, wire_unpacker_t *unpacker, zlist_t **strings);
int
    wire_msg_get_frame (wire_msg_t *self, wire_unpacker_t *unpacker, zframe_t **frame);
//  Finish decoding: 0 when the fields end where the frame ends (the message
//  then holds the command), else -1 (wire_msg_error says why)
int
    wire_msg_unpack_end (wire_msg_t *self, const wire_command_t *command, wire_unpacker_t *unpacker);
//  Decoding failed at unpacker->field: says why in wire_msg_error, returns -1
int
    wire_msg_unpack_failed (wire_msg_t *self, const wire_command_t *command, wire_unpacker_t *unpacker);

//  The decoded values of the message when it holds command (one per field,
//  borrowed until the next receive), else NULL
const wire_value_t *
    wire_msg_values (wire_msg_t *self, const wire_command_t *command);

int
    wire_send_text (void *handle, const char *text, int more);
int
    wire_send_number (void *handle, uint64_t value, int more);
int
    wire_send_strings (void *handle, zlist_t *strings, int more);
int
    wire_send_bytes (void *handle, const void *data, size_t size, int more);
int
    wire_send_frame (void *handle, zframe_t *frame, int more);

//  Whether text fits a string field (at most 255 bytes); if not, sets errno
//  to EINVAL
bool
    wire_string_fits (const char *text);

//  Helpers every node's engine shares. owner and socket_name say which node
//  and socket a log line is about.
//  Bind (@endpoint) or connect (>endpoint, or no prefix) a socket to each
//  endpoint of a comma-separated list; -1 when one fails (logged)
int
    wire_attach (zsock_t *socket, const char *owner, const char *socket_name,
                 const char *endpoints, bool verbose);
//  Set a socket's routing id to OWNER/SOCKET (OWNER is the node's name, or the
//  instance's), so that ROUTER peers can address it before it sends anything,
//  ROUTER to ROUTER included
void
    wire_set_routing_id (zsock_t *socket, const char *owner, const char *socket_name);
//  The name of a node started without one (no -n): the node's own when the
//  design runs one instance, so that peers can address it by its designed
//  name; NODE-HOST-PID when it runs several, so that each running copy has
//  routing ids of its own (a ROUTER serves only the first of two peers with
//  one id), and NODE-HOST-PID-N for the Nth such node of one program. The
//  caller frees it.
char *
    wire_default_name (const char *node, bool several);
//  A message a node cannot handle: logged, and sent as PROBLEM up pipe when
//  pipe is not NULL (a node traced by a self-test)
void
    wire_problem (zsock_t *pipe, const char *owner, const char *socket_name,
                  const char *format, ...) CHECK_PRINTF (4);
//  Self-tests: send RECEIVED up a traced node's pipe, with whether the fields
//  of the message hold the sample values it was sent with
void
    wire_report (zsock_t *pipe, wire_msg_t *msg, const char *socket_name,
                 const char *command);

//  Self-tests: the sample values, sending a command with them, checking that
//  a received message holds them, and probing a subscription
#define WIRE_SAMPLE_STRING "sample \"string\" \\ \303\274"
#define WIRE_SAMPLE_NUMBER 0x0102030405060708ULL
#define WIRE_SAMPLE_BYTES "\000\001\376\377z"
#define WIRE_SAMPLE_BYTES_SIZE 5
zlist_t *
    wire_sample_strings_new (void);
zframe_t *
    wire_sample_frame_new (void);
bool
    wire_strings_equal (zlist_t *strings, zlist_t *other);
int
    wire_send_sample (zsock_t *output, wire_envelope_t envelope, const wire_peer_t *to,
                      const wire_command_t *command, const char *topic);
int
    wire_msg_check_sample (wire_msg_t *self);
int
    wire_send_probe (zsock_t *output, wire_envelope_t envelope, const char *topic);
bool
    wire_msg_is_probe (wire_msg_t *self);

//  Count a failed check in a self-test and log where it failed (unlike
//  assert, also with NDEBUG)
#define WIRE_CHECK(failures, condition) \
    do { \
        if (!(condition)) { \
            zsys_error ("%s:%d: check failed: %s", __FILE__, __LINE__, #condition); \
            (failures)++; \
        } \
    } while (0)

//  Self-test of this class; returns the number of failed checks
int
    wire_test (bool verbose);

#ifdef __cplusplus
}
#endif
