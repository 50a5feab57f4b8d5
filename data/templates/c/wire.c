#include "wire.h"

//  The command frame of a subscription probe (self-tests only)
#define WIRE_PROBE "$MOPED-PROBE"

//  A decoded field; which member is live follows the field's type: text
//  (string, longstr), number, strings (owned), data and size (bytes), frame
//  (owned). What the message owns is NULL whenever it is not decoded.
typedef wire_value_t s_value_t;

struct _wire_msg_t {
    zmq_msg_t **frames;         //  Frames of the message, kept for reuse
    const byte **data;          //  Each frame's data and size, read once
    size_t *sizes;
    size_t frames_max;          //  How many are allocated
    size_t frames_size;         //  How many the message has
    size_t body;                //  Index of the command frame
    bool has_topic;             //  Came with a topic frame (SUB, XSUB)
    bool strips;                //  REQ or REP: the socket takes its delimiter off
    const byte *topic;          //  Topic of the message last matched, if any
    size_t topic_size;
    wire_peer_t peer;           //  Who sent it
    const wire_command_t *command;  //  The command matched, if any
    s_value_t *values;          //  Its decoded fields
    size_t values_max;
    size_t values_size;
    bool owns;                  //  Some value holds a list or frame to free
    char *text;                 //  Storage for text fields
    size_t text_max;
    char name [64];             //  Printable command name
    char error [256];           //  Why the last receive or match failed
};

//  The receive and decode steps that both a one-call receive of a packed
//  message and the separate calls share: always inlined, or the one call
//  would cost more than the separate ones
#if defined (__GNUC__)
#   define S_ALWAYS_INLINE static inline __attribute__ ((always_inline))
#else
#   define S_ALWAYS_INLINE static inline
#endif

//  Sample values for self-tests: byte order, quotes, escapes, zero bytes
#define S_SAMPLE_STRING WIRE_SAMPLE_STRING
#define S_TEN "0123456789"
#define S_HUNDRED S_TEN S_TEN S_TEN S_TEN S_TEN S_TEN S_TEN S_TEN S_TEN S_TEN
#define S_SAMPLE_LONGSTR S_HUNDRED S_HUNDRED S_HUNDRED "!"
#define S_SAMPLE_NUMBER WIRE_SAMPLE_NUMBER
static const byte s_sample_bytes [] = WIRE_SAMPLE_BYTES;
static const byte s_sample_frame [] = "frame\0data";
static const char *s_sample_strings [] = { "one", "", "three" };


wire_peer_t
wire_peer (const char *routing_id, bool delimiter)
{
    wire_peer_t peer;
    memset (&peer, 0, sizeof (peer));
    if (routing_id) {
        peer.id_size = strlen (routing_id);
        if (peer.id_size > WIRE_ID_MAX)
            peer.id_size = WIRE_ID_MAX;
        memcpy (peer.id, routing_id, peer.id_size);
    }
    peer.delimiter = delimiter;
    return peer;
}


const char *
wire_peer_text (const wire_peer_t *peer, char *buffer)
{
    assert (buffer);
    if (!peer || peer->id_size == 0)
        return NULL;
    size_t index;
    bool printable = true;
    for (index = 0; index < peer->id_size && printable; index++)
        printable = peer->id [index] >= 0x20 && peer->id [index] < 0x7F;
    if (printable) {
        memcpy (buffer, peer->id, peer->id_size);
        buffer [peer->id_size] = 0;
        return buffer;
    }
    static const char hex [] = "0123456789ABCDEF";
    buffer [0] = '0';
    buffer [1] = 'x';
    for (index = 0; index < peer->id_size; index++) {
        buffer [2 + 2 * index] = hex [peer->id [index] >> 4];
        buffer [3 + 2 * index] = hex [peer->id [index] & 15];
    }
    buffer [2 + 2 * peer->id_size] = 0;
    return buffer;
}


//  --------------------------------------------------------------------------
//  State machines

//  The state of one peer that is not in the first state (or the one parked)
typedef struct {
    byte id [WIRE_ID_MAX];
    size_t id_size;
    uint32_t hash;              //  Of its routing id: where the index looks
    unsigned state;
    uint64_t heard;             //  When it last moved (the machine's clock)
} s_peer_state_t;

struct _wire_machine_t {
    const wire_role_t *role;
    unsigned state;             //  One state in all (not per peer)
    const wire_transition_t **by_state; //  The transitions, grouped by state
    size_t *first;              //  Where each state's are in by_state, and
                                //  where the next state's begin
    s_peer_state_t *peers;      //  Per peer
    size_t peers_used;
    size_t peers_size;          //  Allocated
    size_t peers_max;
    uint32_t *slots;            //  The index by routing id: entry + 1, 0 when
                                //  free (open addressing, linear probing)
    size_t slots_mask;          //  Slots - 1, a power of two above twice the
                                //  entries allocated
    //  The entry found last + 1 (0: none): the reply to a message finds its
    //  peer again without hashing
    size_t last;
    //  The last entry went back to the first state, and stays in the table
    //  until another peer is looked up: a peer that asks again and again
    //  (request, reply, request) neither leaves nor enters the table each time
    bool parked;
    uint64_t clock;             //  Counts the moves
};


wire_machine_t *
wire_machine_new (const wire_role_t *role, size_t peers_max)
{
    assert (role);
    assert (role->state_count > 0);
    wire_machine_t *self = (wire_machine_t *) zmalloc (sizeof (wire_machine_t));
    assert (self);
    self->role = role;
    self->peers_max = peers_max? peers_max: WIRE_MACHINE_PEERS;
    //  The transitions of each state together, found without a search
    self->first = (size_t *) zmalloc ((role->state_count + 1) * sizeof (size_t));
    self->by_state = (const wire_transition_t **)
        zmalloc ((role->transition_count + 1) * sizeof (wire_transition_t *));
    assert (self->first && self->by_state);
    size_t index;
    for (index = 0; index < role->transition_count; index++)
        if (role->transitions [index].from < role->state_count)
            self->first [role->transitions [index].from + 1]++;
    for (index = 0; index < role->state_count; index++)
        self->first [index + 1] += self->first [index];
    size_t state;
    size_t placed = 0;
    for (state = 0; state < role->state_count; state++)
        for (index = 0; index < role->transition_count; index++)
            if (role->transitions [index].from == state)
                self->by_state [placed++] = &role->transitions [index];
    return self;
}


void
wire_machine_destroy (wire_machine_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        wire_machine_t *self = *self_p;
        free (self->by_state);
        free (self->first);
        free (self->peers);
        free (self->slots);
        free (self);
        *self_p = NULL;
    }
}


const wire_role_t *
wire_machine_role (wire_machine_t *self)
{
    assert (self);
    return self->role;
}


//  FNV-1a over a routing id
static uint32_t
s_peer_hash (const byte *id, size_t id_size)
{
    uint32_t hash = 2166136261u;
    size_t index;
    for (index = 0; index < id_size; index++)
        hash = (hash ^ id [index]) * 16777619u;
    return hash;
}


static inline bool
s_peer_is (const s_peer_state_t *entry, const wire_peer_t *peer)
{
    size_t id_size = peer? peer->id_size: 0;
    if (entry->id_size != id_size)
        return false;
    //  Routing ids are short (libzmq's own are 5 bytes): compared in place, in
    //  words, the last word overlapping the one before, rather than through a
    //  call
    const byte *mine = entry->id;
    const byte *theirs = peer? peer->id: mine;
    if (id_size >= 8) {
        uint64_t a, b;
        size_t index;
        for (index = 0; index + 8 < id_size; index += 8) {
            memcpy (&a, mine + index, 8);
            memcpy (&b, theirs + index, 8);
            if (a != b)
                return false;
        }
        memcpy (&a, mine + id_size - 8, 8);
        memcpy (&b, theirs + id_size - 8, 8);
        return a == b;
    }
    if (id_size >= 4) {
        uint32_t a, b, c, d;
        memcpy (&a, mine, 4);
        memcpy (&b, theirs, 4);
        memcpy (&c, mine + id_size - 4, 4);
        memcpy (&d, theirs + id_size - 4, 4);
        return a == b && c == d;
    }
    size_t index;
    for (index = 0; index < id_size; index++)
        if (mine [index] != theirs [index])
            return false;
    return true;
}


//  The index slot that holds entry
static size_t
s_slot_of (wire_machine_t *self, size_t entry)
{
    size_t slot = self->peers [entry].hash & self->slots_mask;
    while (self->slots [slot] != entry + 1)
        slot = (slot + 1) & self->slots_mask;
    return slot;
}


//  Free a slot, moving up the entries after it that probing would no longer
//  find (no tombstones: the index never needs a cleaning)
static void
s_slot_free (wire_machine_t *self, size_t hole)
{
    size_t mask = self->slots_mask;
    size_t next = (hole + 1) & mask;
    while (self->slots [next]) {
        size_t home = self->peers [self->slots [next] - 1].hash & mask;
        if (((next - home) & mask) >= ((next - hole) & mask)) {
            self->slots [hole] = self->slots [next];
            hole = next;
        }
        next = (next + 1) & mask;
    }
    self->slots [hole] = 0;
}


static void
s_slot_add (wire_machine_t *self, size_t entry)
{
    size_t slot = self->peers [entry].hash & self->slots_mask;
    while (self->slots [slot])
        slot = (slot + 1) & self->slots_mask;
    self->slots [slot] = (uint32_t) entry + 1;
}


//  Take an entry out of the table; the last entry fills the gap (each holds a
//  routing id: copy only to move one)
static void
s_machine_drop (wire_machine_t *self, size_t entry)
{
    size_t moved = --self->peers_used;
    s_slot_free (self, s_slot_of (self, entry));
    if (entry != moved) {
        size_t slot = s_slot_of (self, moved);
        self->peers [entry] = self->peers [moved];
        self->slots [slot] = (uint32_t) entry + 1;
    }
    if (self->last == entry + 1)
        self->last = 0;
    else
    if (self->last == moved + 1)
        self->last = entry + 1;
}


//  The entry of peer in the table when it is not the last one found, or NULL
static s_peer_state_t *
s_machine_search (wire_machine_t *self, const wire_peer_t *peer)
{
    //  Another peer: the parked one leaves
    if (self->parked) {
        self->parked = false;
        s_machine_drop (self, self->last - 1);
    }
    if (self->peers_used == 0)
        return NULL;
    uint32_t hash = s_peer_hash (peer? peer->id: NULL, peer? peer->id_size: 0);
    size_t slot;
    for (slot = hash & self->slots_mask; self->slots [slot]; slot = (slot + 1) & self->slots_mask) {
        s_peer_state_t *entry = &self->peers [self->slots [slot] - 1];
        if (entry->hash == hash && s_peer_is (entry, peer)) {
            self->last = self->slots [slot];
            return entry;
        }
    }
    return NULL;
}


//  The entry of peer in the table, or NULL when it is in the first state
static inline s_peer_state_t *
s_machine_find (wire_machine_t *self, const wire_peer_t *peer)
{
    if (self->last && s_peer_is (&self->peers [self->last - 1], peer))
        return &self->peers [self->last - 1];
    return s_machine_search (self, peer);
}


static unsigned
s_machine_state_of (wire_machine_t *self, const wire_peer_t *peer)
{
    if (!self->role->per_peer)
        return self->state;
    s_peer_state_t *entry = s_machine_find (self, peer);
    return entry? entry->state: 0;
}


//  The transition from state on the command, or NULL
static inline const wire_transition_t *
s_machine_transition (wire_machine_t *self, unsigned state, bool send, int command)
{
    if (state >= self->role->state_count)
        return NULL;
    size_t index;
    for (index = self->first [state]; index < self->first [state + 1]; index++) {
        const wire_transition_t *transition = self->by_state [index];
        if (transition->send == send && transition->command == command)
            return transition;
    }
    return NULL;
}


const char *
wire_machine_state (wire_machine_t *self, const wire_peer_t *peer)
{
    assert (self);
    return self->role->states [s_machine_state_of (self, peer)];
}


int
wire_machine_allows (wire_machine_t *self, const wire_peer_t *peer, bool send, int command)
{
    assert (self);
    return s_machine_transition (self, s_machine_state_of (self, peer), send, command)? 0: -1;
}


//  Room for one more entry: the table and its index grow together
static void
s_machine_grow (wire_machine_t *self)
{
    size_t size = self->peers_size? 2 * self->peers_size: 16;
    if (size > self->peers_max)
        size = self->peers_max;
    s_peer_state_t *peers = (s_peer_state_t *) realloc (self->peers, size * sizeof (s_peer_state_t));
    assert (peers);
    self->peers = peers;
    self->peers_size = size;
    size_t slots = 32;
    while (slots < 2 * size)
        slots *= 2;
    free (self->slots);
    self->slots = (uint32_t *) zmalloc (slots * sizeof (uint32_t));
    assert (self->slots);
    self->slots_mask = slots - 1;
    size_t index;
    for (index = 0; index < self->peers_used; index++)
        s_slot_add (self, index);
}


//  A peer that leaves the first state enters the table
static void
s_machine_add (wire_machine_t *self, const wire_peer_t *peer, unsigned state)
{
    if (self->peers_used == self->peers_max) {
        //  Full: forget the peer heard from longest ago
        size_t oldest = 0;
        size_t index;
        for (index = 1; index < self->peers_used; index++)
            if (self->peers [index].heard < self->peers [oldest].heard)
                oldest = index;
        char text [WIRE_PEER_TEXT_MAX];
        wire_peer_t gone;
        memcpy (gone.id, self->peers [oldest].id, self->peers [oldest].id_size);
        gone.id_size = self->peers [oldest].id_size;
        zsys_warning ("%s (%s): keeps the state of %zu peers at most: forgot peer %s (in state %s)",
                      self->role->protocol, self->role->role, self->peers_max,
                      wire_peer_text (&gone, text), self->role->states [self->peers [oldest].state]);
        s_machine_drop (self, oldest);
    }
    if (self->peers_used == self->peers_size)
        s_machine_grow (self);
    size_t index = self->peers_used++;
    s_peer_state_t *entry = &self->peers [index];
    entry->id_size = peer? peer->id_size: 0;
    if (entry->id_size)
        memcpy (entry->id, peer->id, entry->id_size);
    entry->hash = s_peer_hash (entry->id, entry->id_size);
    entry->state = state;
    entry->heard = ++self->clock;
    s_slot_add (self, index);
    self->last = index + 1;
}


int
wire_machine_step (wire_machine_t *self, const wire_peer_t *peer, bool send, int command)
{
    assert (self);
    const wire_transition_t *transition;
    if (!self->role->per_peer) {
        transition = s_machine_transition (self, self->state, send, command);
        if (!transition)
            return -1;
        self->state = transition->to;
        return 0;
    }
    //  Every message moves a machine: the peer is looked up once
    s_peer_state_t *entry = s_machine_find (self, peer);
    transition = s_machine_transition (self, entry? entry->state: 0, send, command);
    if (!transition)
        return -1;
    if (!entry) {
        if (transition->to)
            s_machine_add (self, peer, transition->to);
    }
    else
    if (transition->to == 0) {
        //  Back in the first state: it takes no room, but stays (parked)
        //  until another peer is looked up (finding it made it the last)
        entry->state = 0;
        self->parked = true;
    }
    else {
        entry->state = transition->to;
        entry->heard = ++self->clock;
        self->parked = false;
    }
    return 0;
}


size_t
wire_machine_peers (wire_machine_t *self)
{
    assert (self);
    return self->peers_used - (self->parked? 1: 0);
}


wire_msg_t *
wire_msg_new (void)
{
    wire_msg_t *self = (wire_msg_t *) zmalloc (sizeof (wire_msg_t));
    assert (self);
    return self;
}


static void
s_free_values (wire_msg_t *self)
{
    size_t index;
    for (index = 0; index < self->values_max; index++) {
        if (self->values [index].strings)
            zlist_destroy (&self->values [index].strings);
        if (self->values [index].frame)
            zframe_destroy (&self->values [index].frame);
    }
    self->owns = false;
}


//  Free what the fields of the previous message own
static inline void
s_clear_values (wire_msg_t *self)
{
    if (self->owns)
        s_free_values (self);
    self->values_size = 0;
    self->command = NULL;
}


//  Room for count values (and at least one, so that a decoded message has
//  values wire_msg_values can give); what they own stays NULL until decoded.
//  The check is inline, growing (rare) out of line
static void
s_grow_values (wire_msg_t *self, size_t count)
{
    s_value_t *values = (s_value_t *) realloc (self->values, count * sizeof (s_value_t));
    assert (values);
    memset (values + self->values_max, 0, (count - self->values_max) * sizeof (s_value_t));
    self->values = values;
    self->values_max = count;
}

static inline void
s_reserve_values (wire_msg_t *self, size_t count)
{
    if (count == 0)
        count = 1;
    if (count > self->values_max)
        s_grow_values (self, count);
}


void
wire_msg_destroy (wire_msg_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        wire_msg_t *self = *self_p;
        size_t index;
        s_clear_values (self);
        for (index = 0; index < self->frames_max; index++) {
            zmq_msg_close (self->frames [index]);
            free (self->frames [index]);
        }
        free (self->frames);
        free (self->data);
        free (self->sizes);
        free (self->values);
        free (self->text);
        free (self);
        *self_p = NULL;
    }
}


static int
s_fail (wire_msg_t *self, const char *format, ...) CHECK_PRINTF (2);

static int
s_fail (wire_msg_t *self, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    vsnprintf (self->error, sizeof (self->error), format, args);
    va_end (args);
    return -1;
}


//  Make room for one more frame; frames never move once allocated
static void
s_grow_frames (wire_msg_t *self)
{
    size_t frames_max = self->frames_max ? self->frames_max * 2 : 8;
    zmq_msg_t **frames = (zmq_msg_t **) realloc (self->frames, frames_max * sizeof (zmq_msg_t *));
    const byte **data = (const byte **) realloc ((void *) self->data, frames_max * sizeof (byte *));
    size_t *sizes = (size_t *) realloc (self->sizes, frames_max * sizeof (size_t));
    assert (frames && data && sizes);
    self->frames = frames;
    self->data = data;
    self->sizes = sizes;
    while (self->frames_max < frames_max) {
        zmq_msg_t *frame = (zmq_msg_t *) zmalloc (sizeof (zmq_msg_t));
        assert (frame);
        zmq_msg_init (frame);
        self->frames [self->frames_max++] = frame;
    }
}


static size_t
s_frame_size (wire_msg_t *self, size_t index)
{
    return self->sizes [index];
}


static const byte *
s_frame_data (wire_msg_t *self, size_t index)
{
    return self->data [index];
}


//  Receive a message: wire_msg_recv, and the first half of wire_msg_recv_unpack
S_ALWAYS_INLINE int
s_recv (wire_msg_t *self, zsock_t *input, wire_envelope_t envelope)
{
    void *handle = zsock_resolve (input);
    self->strips = envelope == WIRE_ENVELOPE_DELIMITED;
    s_clear_values (self);
    self->peer.id_size = 0;
    self->peer.delimiter = false;
    self->error [0] = 0;
    self->name [0] = 0;
    self->has_topic = false;
    self->body = 0;
    self->frames_size = 0;
    zmq_msg_t *frame;
    do {
        if (self->frames_size == self->frames_max)
            s_grow_frames (self);
        frame = self->frames [self->frames_size];
        if (zmq_msg_recv (frame, handle, 0) == -1)
            return s_fail (self, "receive failed: %s", zmq_strerror (zmq_errno ()));
        self->data [self->frames_size] = (const byte *) zmq_msg_data (frame);
        self->sizes [self->frames_size] = zmq_msg_size (frame);
        self->frames_size++;
    } while (zmq_msg_more (frame));

    if (envelope == WIRE_ENVELOPE_ROUTER) {
        size_t id_size = s_frame_size (self, 0);
        if (id_size == 0 || id_size > WIRE_ID_MAX)
            return s_fail (self, "routing id of %zu bytes", id_size);
        memcpy (self->peer.id, s_frame_data (self, 0), id_size);
        self->peer.id_size = id_size;
        self->body = 1;
    }
    //  An empty frame before the command is a REQ-style delimiter
    if ((envelope == WIRE_ENVELOPE_ROUTER || envelope == WIRE_ENVELOPE_DEALER)
    &&  self->frames_size > self->body + 1
    &&  s_frame_size (self, self->body) == 0) {
        self->peer.delimiter = true;
        self->body++;
    }
    if (envelope == WIRE_ENVELOPE_SUBSCRIBER) {
        self->has_topic = true;
        self->body = 1;
    }
    //  A subscriber's frame 0 may be the command itself (no topic frame)
    if (self->body >= self->frames_size && !self->has_topic)
        return s_fail (self, "message without a command frame");
    return 0;
}


int
wire_msg_recv (wire_msg_t *self, zsock_t *input, wire_envelope_t envelope)
{
    assert (self);
    assert (input);
    return s_recv (self, input, envelope);
}


//  Where decoded text goes: one buffer, reused, holding every text field
static inline void
s_reserve_text (wire_msg_t *self, size_t size)
{
    if (size > self->text_max) {
        char *text = (char *) realloc (self->text, size);
        assert (text);
        self->text = text;
        self->text_max = size;
    }
}


//  Copy size bytes of text from data to text, and say whether they hold a
//  zero byte. Short text (most strings) is moved eight bytes at a time with
//  no call, and checked as it goes (a word has a zero byte when subtracting
//  one from each byte borrows into a byte whose top bit was clear).
static bool
s_copy_text (char *text, const byte *data, size_t size)
{
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    if (size >= 8 && size <= 16) {
        uint64_t first, last;
        memcpy (&first, data, 8);
        memcpy (&last, data + size - 8, 8);
        memcpy (text, &first, 8);
        memcpy (text + size - 8, &last, 8);
        return (((first - ones) & ~first) | ((last - ones) & ~last)) & highs;
    }
    if (size < 8) {
        bool zero = false;
        size_t index;
        for (index = 0; index < size; index++) {
            text [index] = (char) data [index];
            zero = zero || data [index] == 0;
        }
        return zero;
    }
    memcpy (text, data, size);
    return memchr (data, 0, size) != NULL;
}


static uint32_t
s_get_uint32 (const byte *data)
{
    return ((uint32_t) data [0] << 24) | ((uint32_t) data [1] << 16)
         | ((uint32_t) data [2] << 8) | (uint32_t) data [3];
}


static void
s_put_uint32 (byte *data, uint32_t value)
{
    data [0] = (byte) (value >> 24);
    data [1] = (byte) (value >> 16);
    data [2] = (byte) (value >> 8);
    data [3] = (byte) value;
}


static int
s_decode_strings (wire_msg_t *self, size_t field, const byte *data, size_t size, zlist_t **list_p)
{
    if (size < 4)
        return s_fail (self, "field %zu: strings without a count", field + 1);
    uint32_t count = s_get_uint32 (data);
    size_t offset = 4;
    zlist_t *list = zlist_new ();
    assert (list);
    *list_p = list;
    uint32_t index;
    for (index = 0; index < count; index++) {
        if (size - offset < 4)
            return s_fail (self, "field %zu: strings cut short", field + 1);
        size_t length = s_get_uint32 (data + offset);
        offset += 4;
        if (size - offset < length)
            return s_fail (self, "field %zu: strings cut short", field + 1);
        if (memchr (data + offset, 0, length))
            return s_fail (self, "field %zu: text with a zero byte", field + 1);
        char *string = (char *) malloc (length + 1);
        assert (string);
        memcpy (string, data + offset, length);
        string [length] = 0;
        zlist_append (list, string);
        zlist_freefn (list, string, free, true);
        offset += length;
    }
    if (offset != size)
        return s_fail (self, "field %zu: %zu bytes after the strings", field + 1, size - offset);
    return 0;
}


//  Where field slices of a packed frame end: the size of one field at data,
//  of the given type, or -1 when the frame is cut short
static int
s_packed_slice (const byte *data, size_t size, wire_type_t type, size_t *start, size_t *length)
{
    size_t offset;
    uint32_t count, index;
    switch (type) {
        case WIRE_STRING:
            if (size < 1 || size - 1 < data [0])
                return -1;
            *start = 1;
            *length = data [0];
            return 0;
        case WIRE_LONGSTR:
        case WIRE_BYTES:
            if (size < 4 || size - 4 < s_get_uint32 (data))
                return -1;
            *start = 4;
            *length = s_get_uint32 (data);
            return 0;
        case WIRE_NUMBER:
            if (size < 8)
                return -1;
            *start = 0;
            *length = 8;
            return 0;
        case WIRE_STRINGS:
            //  The same bytes as a strings frame: count, then length and text each
            if (size < 4)
                return -1;
            count = s_get_uint32 (data);
            offset = 4;
            for (index = 0; index < count; index++) {
                if (size - offset < 4 || size - offset - 4 < s_get_uint32 (data + offset))
                    return -1;
                offset += 4 + s_get_uint32 (data + offset);
            }
            *start = 0;
            *length = offset;
            return 0;
        case WIRE_FRAME:
        default:
            return -1;
    }
}


//  Decode the fields of command: one frame each from frame first on, or
//  packed into frame first (frame fields then follow it, one frame each)
static int
s_decode (wire_msg_t *self, const wire_command_t *command, size_t first, const byte *packed, size_t packed_size)
{
    size_t count = command->count;
    size_t frames = 0;
    size_t field;
    for (field = 0; field < count; field++)
        if (!packed || command->types [field] == WIRE_FRAME)
            frames++;
    if (self->frames_size - first != frames + (packed? 1: 0))
        return s_fail (self, "%s came with %zu frames instead of %zu", command->name,
                       self->frames_size - first, frames + (packed? 1: 0));
    s_reserve_values (self, count);
    self->values_size = count;

    //  Text fields are copied to one buffer so that they end with a zero
    size_t text_size = packed? packed_size + count: 0;
    for (field = 0; field < count; field++)
        if (!packed && command->types [field] <= WIRE_LONGSTR)
            text_size += s_frame_size (self, first + field) + 1;
    s_reserve_text (self, text_size);

    char *text = self->text;
    size_t frame = first + (packed? 1: 0);
    size_t offset = 0;
    for (field = 0; field < count; field++) {
        s_value_t *value = &self->values [field];
        const byte *data;
        size_t size;
        if (!packed || command->types [field] == WIRE_FRAME) {
            data = s_frame_data (self, frame);
            size = s_frame_size (self, frame);
            frame++;
        }
        else {
            size_t start, length;
            if (s_packed_slice (packed + offset, packed_size - offset, command->types [field],
                                &start, &length) == -1)
                return s_fail (self, "field %zu: packed frame cut short", field + 1);
            data = packed + offset + start;
            size = length;
            offset += start + length;
        }
        switch (command->types [field]) {
            case WIRE_STRING:
                if (size > WIRE_STRING_MAX)
                    return s_fail (self, "field %zu: string of %zu bytes (at most %d)",
                                   field + 1, size, WIRE_STRING_MAX);
                //  Falls through
            case WIRE_LONGSTR:
                if (s_copy_text (text, data, size))
                    return s_fail (self, "field %zu: text with a zero byte", field + 1);
                text [size] = 0;
                value->text = text;
                text += size + 1;
                break;
            case WIRE_NUMBER:
                if (size != 8)
                    return s_fail (self, "field %zu: number of %zu bytes (not 8)", field + 1, size);
                value->number = ((uint64_t) s_get_uint32 (data) << 32) | s_get_uint32 (data + 4);
                break;
            case WIRE_STRINGS:
                self->owns = true;
                if (s_decode_strings (self, field, data, size, &value->strings) == -1)
                    return -1;
                break;
            case WIRE_BYTES:
                value->data = data;
                value->size = size;
                break;
            case WIRE_FRAME:
                self->owns = true;
                value->frame = zframe_new (data, size);
                assert (value->frame);
                break;
        }
    }
    if (packed && offset != packed_size)
        return s_fail (self, "%s: %zu bytes after the fields", command->name, packed_size - offset);
    self->command = command;
    return 0;
}


static const wire_framing_t s_default_framing = { NULL, 0, 0, false, false, false, 0 };


//  Where the command of a message in this framing starts, past the topic,
//  the empty frame and the header the framing puts first; -1 when those are
//  not there (the message is not of this protocol)
static int
s_locate (wire_msg_t *self, const wire_framing_t *framing, size_t *at_p)
{
    size_t at = self->body;
    self->topic = NULL;
    self->topic_size = 0;
    //  Receiving took a topic frame for granted on a subscriber
    if (self->has_topic) {
        //  No topic frame, or packed: the topic is inside the packed frame
        if (framing->no_topic || framing->packed)
            at--;
        else {
            self->topic = s_frame_data (self, 0);
            self->topic_size = s_frame_size (self, 0);
        }
    }
    if (framing->delimiter && !self->peer.delimiter && !self->strips) {
        if (at >= self->frames_size || s_frame_size (self, at) != 0)
            return -1;
        at++;
    }
    if (framing->header) {
        if (at >= self->frames_size || s_frame_size (self, at) != framing->header_size
        ||  memcmp (s_frame_data (self, at), framing->header, framing->header_size) != 0)
            return -1;
        at++;
    }
    *at_p = at;
    return 0;
}


static bool
s_expected (uint64_t expected, size_t index)
{
    return expected == 0 || index >= 64 || (expected >> index) & 1;
}


static int
s_match_packed (wire_msg_t *self, const wire_command_t *commands, size_t count, uint64_t expected,
                const wire_framing_t *framing, size_t at)
{
    if (at >= self->frames_size)
        return 0;
    const byte *data = s_frame_data (self, at);
    size_t size = s_frame_size (self, at);
    size_t head;
    unsigned number;
    bool pubsub = self->has_topic && !framing->no_topic;
    if (pubsub) {
        //  zproto's pubsub layout: the number, the topic and a zero byte
        if (size < 1)
            return 0;
        number = data [0];
        const byte *zero = (const byte *) memchr (data + 1, 0, size - 1);
        if (!zero)
            return 0;
        self->topic = data + 1;
        self->topic_size = (size_t) (zero - data) - 1;
        head = (size_t) (zero - data) + 1;
    }
    else {
        if (size < 3 || data [0] != 0xAA || data [1] != (0xA0 | (framing->signature & 0x0F)))
            return 0;
        number = data [2];
        head = 3;
    }
    size_t index;
    for (index = 0; index < count; index++) {
        if (commands [index].number == number && s_expected (expected, index)) {
            if (s_decode (self, &commands [index], at, data + head, size - head) == -1) {
                s_clear_values (self);
                return -1;
            }
            return (int) index + 1;
        }
    }
    return 0;
}


int
wire_msg_match_expected (wire_msg_t *self, const wire_command_t *commands, size_t count, uint64_t expected)
{
    assert (self);
    if (self->frames_size == 0 || count == 0)
        return 0;
    s_clear_values (self);
    //  One protocol, one framing: the table's commands share it
    const wire_framing_t *framing = commands [0].framing? commands [0].framing: &s_default_framing;
    size_t at;
    if (s_locate (self, framing, &at) == -1)
        return 0;
    if (framing->packed)
        return s_match_packed (self, commands, count, expected, framing, at);
    const byte *data = at < self->frames_size? s_frame_data (self, at): NULL;
    size_t size = at < self->frames_size? s_frame_size (self, at): 0;
    size_t index;
    for (index = 0; index < count; index++) {
        const wire_command_t *command = &commands [index];
        bool same;
        if (!s_expected (expected, index))
            continue;
        if (framing->id_size == 0)
            same = data && size > 0 && command->name_size == size && memcmp (command->name, data, size) == 0;
        else
        if (framing->id_size == 1)
            same = data && size == 1 && data [0] == command->number;
        else
        if (framing->id_size == 2)
            same = data && size == 2 && ((unsigned) data [0] << 8 | data [1]) == command->number;
        else
            same = true;        //  No command frame: the first it may receive
        if (same) {
            if (s_decode (self, command, at + (framing->id_size >= 0? 1: 0), NULL, 0) == -1) {
                s_clear_values (self);
                return -1;
            }
            return (int) index + 1;
        }
    }
    return 0;
}


int
wire_msg_match (wire_msg_t *self, const wire_command_t *commands, size_t count)
{
    return wire_msg_match_expected (self, commands, count, 0);
}


//  The packed frame of a message in a framing: its command's number, and its
//  fields in *data and *size; -1 when the message is not in this framing
S_ALWAYS_INLINE int
s_packed_frame (wire_msg_t *self, const wire_framing_t *framing, size_t *at_p,
                const byte **data_p, size_t *size_p)
{
    size_t at = self->body;
    //  Most messages have nothing before the packed frame
    if (self->has_topic || framing->delimiter || framing->header) {
        if (s_locate (self, framing, &at) == -1)
            return -1;
    }
    else {
        self->topic = NULL;
        self->topic_size = 0;
    }
    if (at >= self->frames_size)
        return -1;
    const byte *data = s_frame_data (self, at);
    size_t size = s_frame_size (self, at);
    int number;
    size_t head;
    if (self->has_topic && !framing->no_topic) {
        //  zproto's pubsub layout: the number, the topic and a zero byte
        if (size < 1)
            return -1;
        const byte *zero = (const byte *) memchr (data + 1, 0, size - 1);
        if (!zero)
            return -1;
        number = data [0];
        self->topic = data + 1;
        self->topic_size = (size_t) (zero - data) - 1;
        head = (size_t) (zero - data) + 1;
    }
    else {
        if (size < 3 || data [0] != 0xAA || data [1] != (0xA0 | (framing->signature & 0x0F)))
            return -1;
        number = data [2];
        head = 3;
    }
    *at_p = at;
    *data_p = data + head;
    *size_p = size - head;
    return number;
}


//  Find the packed frame: wire_msg_unpack, and the second half of
//  wire_msg_recv_unpack
S_ALWAYS_INLINE int
s_unpack (wire_msg_t *self, const wire_framing_t *framing, size_t fields_max,
          wire_unpacker_t *unpacker)
{
    if (self->frames_size == 0)
        return -1;
    size_t at, size;
    const byte *data;
    int number = s_packed_frame (self, framing, &at, &data, &size);
    if (number == -1)
        return -1;
    s_reserve_values (self, fields_max);
    //  Each text field's copy (its bytes and a zero) takes no more room than
    //  the field takes in the frame (its bytes and a length of 1 or 4 bytes)
    s_reserve_text (self, size + 1);
    unpacker->needle = data;
    unpacker->limit = data + size;
    unpacker->text = self->text;
    unpacker->field = 0;
    unpacker->frame = at + 1;
    unpacker->error = WIRE_UNPACKED;
    unpacker->values = self->values;
    unpacker->frames_after = self->frames_size - (at + 1);
    return number;
}


int
wire_msg_unpack (wire_msg_t *self, const wire_framing_t *framing, size_t fields_max,
                 wire_unpacker_t *unpacker)
{
    assert (self);
    assert (framing);
    assert (unpacker);
    s_clear_values (self);
    return s_unpack (self, framing, fields_max, unpacker);
}


int
wire_msg_recv_unpack (wire_msg_t *self, zsock_t *input, wire_envelope_t envelope,
                      const wire_framing_t *framing, size_t fields_max, wire_unpacker_t *unpacker)
{
    assert (self);
    assert (input);
    assert (framing);
    assert (unpacker);
    //  Receiving cleared the values
    if (s_recv (self, input, envelope) == -1)
        return WIRE_RECV_FAILED;
    return s_unpack (self, framing, fields_max, unpacker);
}


wire_value_t *
wire_msg_unpack_frames (wire_msg_t *self, const wire_command_t *command, size_t frame_fields,
                        wire_unpacker_t *unpacker)
{
    assert (self);
    assert (command);
    assert (unpacker);
    //  The packed frame, then one frame per frame field
    s_fail (self, "%s came with %zu frames instead of %zu", command->name,
            unpacker->frames_after + 1, frame_fields + 1);
    return NULL;
}


int
wire_get_text (wire_unpacker_t *self, const char **text, size_t length_size)
{
    assert (self);
    assert (text);
    self->field++;
    size_t left = (size_t) (self->limit - self->needle);
    if (left < length_size) {
        self->error = WIRE_CUT_SHORT;
        return -1;
    }
    size_t size = length_size == 1? self->needle [0]: s_get_uint32 (self->needle);
    if (left - length_size < size) {
        self->error = WIRE_CUT_SHORT;
        return -1;
    }
    const byte *data = self->needle + length_size;
    if (s_copy_text (self->text, data, size)) {
        self->error = WIRE_ZERO_BYTE;
        return -1;
    }
    self->text [size] = 0;
    *text = self->text;
    self->text += size + 1;
    self->needle = data + size;
    return 0;
}


int
wire_msg_get_strings (wire_msg_t *self, wire_unpacker_t *unpacker, zlist_t **strings)
{
    assert (self);
    assert (unpacker);
    assert (strings);
    size_t start, length;
    size_t field = unpacker->field++;
    if (s_packed_slice (unpacker->needle, (size_t) (unpacker->limit - unpacker->needle), WIRE_STRINGS,
                        &start, &length) == -1) {
        unpacker->error = WIRE_CUT_SHORT;
        return -1;
    }
    self->owns = true;
    if (s_decode_strings (self, field, unpacker->needle + start, length, strings) == -1)
        return -1;
    unpacker->needle += start + length;
    return 0;
}


int
wire_msg_get_frame (wire_msg_t *self, wire_unpacker_t *unpacker, zframe_t **frame)
{
    assert (self);
    assert (unpacker);
    assert (frame);
    unpacker->field++;
    //  wire_msg_unpack_start counted the frames
    assert (unpacker->frame < self->frames_size);
    self->owns = true;
    *frame = zframe_new (s_frame_data (self, unpacker->frame), s_frame_size (self, unpacker->frame));
    assert (*frame);
    unpacker->frame++;
    return 0;
}


int
wire_msg_unpack_end (wire_msg_t *self, const wire_command_t *command, wire_unpacker_t *unpacker)
{
    assert (self);
    assert (command);
    assert (unpacker);
    if (unpacker->needle != unpacker->limit) {
        s_fail (self, "%s: %zu bytes after the fields", command->name,
                (size_t) (unpacker->limit - unpacker->needle));
        s_clear_values (self);
        return -1;
    }
    self->values_size = command->count;
    self->command = command;
    return 0;
}


int
wire_msg_unpack_failed (wire_msg_t *self, const wire_command_t *command, wire_unpacker_t *unpacker)
{
    assert (self);
    assert (command);
    assert (unpacker);
    //  wire_msg_get_strings says itself why a list is malformed
    if (unpacker->error == WIRE_CUT_SHORT)
        s_fail (self, "%s: field %zu: packed frame cut short", command->name, unpacker->field);
    else
    if (unpacker->error == WIRE_ZERO_BYTE)
        s_fail (self, "%s: field %zu: text with a zero byte", command->name, unpacker->field);
    s_clear_values (self);
    return -1;
}


const wire_value_t *
wire_msg_values (wire_msg_t *self, const wire_command_t *command)
{
    assert (self);
    return self->command == command && command? self->values: NULL;
}


bool
wire_msg_holds (wire_msg_t *self, const wire_command_t *command)
{
    assert (self);
    return self->command == command;
}


const wire_peer_t *
wire_msg_peer (wire_msg_t *self)
{
    assert (self);
    return &self->peer;
}


const char *
wire_msg_command (wire_msg_t *self)
{
    assert (self);
    if (self->body < self->frames_size && self->name [0] == 0) {
        size_t size = s_frame_size (self, self->body);
        const byte *data = s_frame_data (self, self->body);
        size_t index;
        if (size > sizeof (self->name) - 1)
            size = sizeof (self->name) - 1;
        for (index = 0; index < size; index++)
            self->name [index] = data [index] < 32 || data [index] == 127? '?': (char) data [index];
        self->name [size] = 0;
    }
    return self->name;
}


const char *
wire_msg_error (wire_msg_t *self)
{
    assert (self);
    return self->error;
}


int
wire_msg_subscription (wire_msg_t *self, const byte **frame, size_t *size)
{
    assert (self);
    assert (frame);
    assert (size);
    //  libzmq's XPUB reads a first frame starting with 0 or 1 as one
    if (self->frames_size == 0 || self->sizes [0] == 0 || self->data [0][0] > 1)
        return -1;
    *frame = self->data [0];
    *size = self->sizes [0];
    return self->data [0][0];
}


//  The decoded value of a field, or NULL when the message has no such field
//  of that type
static s_value_t *
s_value (wire_msg_t *self, size_t index, wire_type_t type)
{
    assert (self);
    if (!self->command || index >= self->values_size)
        return NULL;
    wire_type_t actual = self->command->types [index];
    if (actual != type && !(type == WIRE_STRING && actual == WIRE_LONGSTR))
        return NULL;
    return &self->values [index];
}


const char *
wire_msg_string (wire_msg_t *self, size_t index)
{
    s_value_t *value = s_value (self, index, WIRE_STRING);
    return value? value->text: NULL;
}


uint64_t
wire_msg_number (wire_msg_t *self, size_t index)
{
    s_value_t *value = s_value (self, index, WIRE_NUMBER);
    return value? value->number: 0;
}


zlist_t *
wire_msg_strings (wire_msg_t *self, size_t index)
{
    s_value_t *value = s_value (self, index, WIRE_STRINGS);
    return value? value->strings: NULL;
}


const byte *
wire_msg_bytes (wire_msg_t *self, size_t index, size_t *size)
{
    s_value_t *value = s_value (self, index, WIRE_BYTES);
    if (size)
        *size = value? value->size: 0;
    return value? (const byte *) value->data: NULL;
}


zframe_t *
wire_msg_frame (wire_msg_t *self, size_t index)
{
    s_value_t *value = s_value (self, index, WIRE_FRAME);
    return value? value->frame: NULL;
}


//  A ROUTER's first frame, the peer's routing id. With ZMQ_ROUTER_MANDATORY it
//  fails with EHOSTUNREACH while that peer has not connected: try again until
//  the socket's send timeout (ZMQ_SNDTIMEO) passes, once when it has none (0,
//  or -1: a blocking socket would wait for ever)
static int
s_send_routing_id (void *handle, const void *id, size_t size)
{
    int64_t deadline = -1;
    while (zmq_send (handle, id, size, ZMQ_SNDMORE) == -1) {
        if (zmq_errno () != EHOSTUNREACH)
            return -1;
        if (deadline == -1) {
            int timeout = 0;
            size_t timeout_size = sizeof (timeout);
            if (zmq_getsockopt (handle, ZMQ_SNDTIMEO, &timeout, &timeout_size) == -1 || timeout <= 0)
                timeout = 0;
            deadline = zclock_mono () + timeout;
        }
        if (zclock_mono () >= deadline) {
            errno = EHOSTUNREACH;
            return -1;
        }
        zclock_sleep (1);
    }
    return 0;
}


int
wire_send_envelope (zsock_t *output, wire_envelope_t envelope, const wire_peer_t *to, const char *topic)
{
    void *handle = zsock_resolve (output);
    switch (envelope) {
        case WIRE_ENVELOPE_ROUTER:
            //  A ROUTER must be told which peer gets the message
            if (!to || to->id_size == 0) {
                errno = EINVAL;
                return -1;
            }
            if (s_send_routing_id (handle, to->id, to->id_size) == -1)
                return -1;
            if (to->delimiter && zmq_send (handle, "", 0, ZMQ_SNDMORE) == -1)
                return -1;
            return 0;
        case WIRE_ENVELOPE_DEALER:
            if (to && to->delimiter && zmq_send (handle, "", 0, ZMQ_SNDMORE) == -1)
                return -1;
            return 0;
        case WIRE_ENVELOPE_PUBLISHER:
            if (!topic)
                topic = "";
            if (zmq_send (handle, topic, strlen (topic), ZMQ_SNDMORE) == -1)
                return -1;
            return 0;
        case WIRE_ENVELOPE_PLAIN:
        case WIRE_ENVELOPE_DELIMITED:
        case WIRE_ENVELOPE_SUBSCRIBER:
        default:
            return 0;
    }
}


//  The frames a message starts with, before its command: the envelope of the
//  output's type, the empty frame and the header. Sends all but the last,
//  which it leaves for the caller to send with the right flag.
typedef struct {
    const void *data [4];
    size_t size [4];
    size_t count;
    bool routed;                //  The first is a ROUTER's routing id
} s_head_t;


static int
s_head (s_head_t *head, wire_envelope_t envelope, const wire_peer_t *to, const char *topic,
        const wire_framing_t *framing)
{
    head->count = 0;
    head->routed = envelope == WIRE_ENVELOPE_ROUTER;
    bool delimiter = framing->delimiter;
    switch (envelope) {
        case WIRE_ENVELOPE_ROUTER:
            if (!to || to->id_size == 0) {
                errno = EINVAL;
                return -1;
            }
            head->data [head->count] = to->id;
            head->size [head->count++] = to->id_size;
            delimiter = delimiter || to->delimiter;
            break;
        case WIRE_ENVELOPE_DEALER:
            delimiter = delimiter || (to && to->delimiter);
            break;
        case WIRE_ENVELOPE_PUBLISHER:
            if (topic) {
                head->data [head->count] = topic;
                head->size [head->count++] = strlen (topic);
            }
            break;
        case WIRE_ENVELOPE_DELIMITED:
            //  REQ and REP put their own delimiter in
            delimiter = false;
            break;
        case WIRE_ENVELOPE_PLAIN:
            break;
        case WIRE_ENVELOPE_SUBSCRIBER:
        default:
            break;
    }
    if (delimiter) {
        head->data [head->count] = "";
        head->size [head->count++] = 0;
    }
    if (framing->header) {
        head->data [head->count] = framing->header;
        head->size [head->count++] = framing->header_size;
    }
    return 0;
}


static int
s_send_head (void *handle, const s_head_t *head, bool more)
{
    size_t index;
    for (index = 0; index < head->count; index++)
        if (index == 0 && head->routed) {
            if (s_send_routing_id (handle, head->data [0], head->size [0]) == -1)
                return -1;
        }
        else
        if (zmq_send (handle, head->data [index], head->size [index],
                      index + 1 < head->count || more? ZMQ_SNDMORE: 0) == -1)
            return -1;
    return 0;
}


static void
s_put_number (byte *data, uint64_t value)
{
    s_put_uint32 (data, (uint32_t) (value >> 32));
    s_put_uint32 (data + 4, (uint32_t) value);
}


//  A packed frame: signature (or, pubsub, the topic) and number, then the
//  fields that are not frames
static int
s_send_packed (void *handle, const wire_command_t *command, const wire_framing_t *framing,
               const char *pubsub_topic, const wire_value_t *values, int more)
{
    size_t size = pubsub_topic? 1 + strlen (pubsub_topic) + 1: 3;
    size_t field;
    const char *string;
    for (field = 0; field < command->count; field++) {
        const wire_value_t *value = &values [field];
        switch (command->types [field]) {
            case WIRE_STRING:
                size += 1 + (value->text? strlen (value->text): 0);
                break;
            case WIRE_LONGSTR:
                size += 4 + (value->text? strlen (value->text): 0);
                break;
            case WIRE_NUMBER:
                size += 8;
                break;
            case WIRE_STRINGS:
                size += 4;
                if (value->strings)
                    for (string = (const char *) zlist_first (value->strings); string;
                         string = (const char *) zlist_next (value->strings))
                        size += 4 + strlen (string);
                break;
            case WIRE_BYTES:
                if (value->size > UINT32_MAX) {
                    errno = EINVAL;
                    return -1;
                }
                size += 4 + (value->data? value->size: 0);
                break;
            case WIRE_FRAME:
                break;
        }
    }
    zmq_msg_t frame;
    if (zmq_msg_init_size (&frame, size) == -1)
        return -1;
    byte *needle = (byte *) zmq_msg_data (&frame);
    if (pubsub_topic) {
        *needle++ = (byte) command->number;
        size_t topic_size = strlen (pubsub_topic);
        memcpy (needle, pubsub_topic, topic_size + 1);
        needle += topic_size + 1;
    }
    else {
        *needle++ = 0xAA;
        *needle++ = (byte) (0xA0 | (framing->signature & 0x0F));
        *needle++ = (byte) command->number;
    }
    for (field = 0; field < command->count; field++) {
        const wire_value_t *value = &values [field];
        size_t length;
        switch (command->types [field]) {
            case WIRE_STRING:
                length = value->text? strlen (value->text): 0;
                *needle++ = (byte) length;
                memcpy (needle, value->text? value->text: "", length);
                needle += length;
                break;
            case WIRE_LONGSTR:
                length = value->text? strlen (value->text): 0;
                s_put_uint32 (needle, (uint32_t) length);
                memcpy (needle + 4, value->text? value->text: "", length);
                needle += 4 + length;
                break;
            case WIRE_NUMBER:
                s_put_number (needle, value->number);
                needle += 8;
                break;
            case WIRE_STRINGS:
                s_put_uint32 (needle, value->strings? (uint32_t) zlist_size (value->strings): 0);
                needle += 4;
                if (value->strings)
                    for (string = (const char *) zlist_first (value->strings); string;
                         string = (const char *) zlist_next (value->strings)) {
                        length = strlen (string);
                        s_put_uint32 (needle, (uint32_t) length);
                        memcpy (needle + 4, string, length);
                        needle += 4 + length;
                    }
                break;
            case WIRE_BYTES:
                length = value->data? value->size: 0;
                s_put_uint32 (needle, (uint32_t) length);
                if (length)
                    memcpy (needle + 4, value->data, length);
                needle += 4 + length;
                break;
            case WIRE_FRAME:
                break;
        }
    }
    assert (needle == (byte *) zmq_msg_data (&frame) + size);
    if (zmq_msg_send (&frame, handle, more) == -1) {
        zmq_msg_close (&frame);
        return -1;
    }
    return 0;
}


int
wire_packer_begin_framed (wire_packer_t *self, zsock_t *output, wire_envelope_t envelope,
                          const wire_peer_t *to, const wire_command_t *command,
                          const char *topic, size_t size)
{
    assert (self);
    assert (output);
    assert (command);
    const wire_framing_t *framing = command->framing? command->framing: &s_default_framing;
    bool pubsub = envelope == WIRE_ENVELOPE_PUBLISHER && !framing->no_topic;
    size_t topic_size = 0;
    if (pubsub) {
        if (!topic)
            topic = command->topic >= 0? "": command->name;
        topic_size = strlen (topic);
        if (topic_size > WIRE_STRING_MAX) {
            errno = EINVAL;
            return -1;
        }
    }
    //  No topic frame: from a PUB the topic is inside the packed frame
    s_head_t head;
    head.count = 0;
    head.routed = false;
    bool plain = (envelope == WIRE_ENVELOPE_PLAIN || envelope == WIRE_ENVELOPE_DELIMITED)
              && !framing->delimiter && !framing->header;
    if (!plain && s_head (&head, envelope, to, NULL, framing) == -1)
        return -1;
    size_t head_size = pubsub? 1 + topic_size + 1: 3;
    if (zmq_msg_init_size (&self->frame, head_size + size) == -1)
        return -1;
    byte *needle = (byte *) zmq_msg_data (&self->frame);
    if (pubsub) {
        *needle++ = (byte) command->number;
        memcpy (needle, topic, topic_size);
        needle += topic_size;
        *needle++ = 0;
    }
    else {
        *needle++ = 0xAA;
        *needle++ = (byte) (0xA0 | (framing->signature & 0x0F));
        *needle++ = (byte) command->number;
    }
    self->needle = needle;
    self->limit = needle + size;
    self->handle = zsock_resolve (output);
    if (head.count > 0 && s_send_head (self->handle, &head, true) == -1) {
        zmq_msg_close (&self->frame);
        return -1;
    }
    return 0;
}


//  Out of line, so that the compiler calls memcpy (see wire_put_bytes)
void
wire_copy (void *to, const void *from, size_t size)
{
    memcpy (to, from, size);
}


size_t
wire_strings_size (zlist_t *strings)
{
    size_t size = 4;
    const char *string;
    if (strings)
        for (string = (const char *) zlist_first (strings); string;
             string = (const char *) zlist_next (strings)) {
            size_t length = strlen (string);
            if (length > UINT32_MAX)
                return SIZE_MAX;
            size += 4 + length;
        }
    return size;
}


void
wire_put_strings (wire_packer_t *self, zlist_t *strings)
{
    assert (self);
    wire_put_uint32 (self->needle, strings? (uint32_t) zlist_size (strings): 0);
    self->needle += 4;
    const char *string;
    if (strings)
        for (string = (const char *) zlist_first (strings); string;
             string = (const char *) zlist_next (strings))
            wire_put_longstr (self, string, strlen (string));
}


static int
s_send_field (void *handle, wire_type_t type, const wire_value_t *value, int more)
{
    switch (type) {
        case WIRE_STRING:
        case WIRE_LONGSTR:
            return wire_send_text (handle, value->text, more);
        case WIRE_NUMBER:
            return wire_send_number (handle, value->number, more);
        case WIRE_STRINGS:
            return wire_send_strings (handle, value->strings, more);
        case WIRE_BYTES:
            return wire_send_bytes (handle, value->data, value->size, more);
        case WIRE_FRAME:
            return wire_send_frame (handle, value->frame, more);
    }
    return -1;
}


int
wire_send_values (zsock_t *output, wire_envelope_t envelope, const wire_peer_t *to,
                  const wire_command_t *command,
                  const wire_value_t *values)
{
    assert (output);
    assert (command);
    const wire_framing_t *framing = command->framing? command->framing: &s_default_framing;
    size_t field;
    //  Check every value before the first frame goes out
    for (field = 0; field < command->count; field++)
        if (command->types [field] == WIRE_STRING && !wire_string_fits (values [field].text))
            return -1;
    const char *topic = command->topic >= 0? values [command->topic].text: command->name;
    if (!topic)
        topic = "";
    bool publisher = envelope == WIRE_ENVELOPE_PUBLISHER;
    bool pubsub = framing->packed && publisher && !framing->no_topic;
    if (pubsub && strlen (topic) > WIRE_STRING_MAX) {
        errno = EINVAL;
        return -1;
    }
    s_head_t head;
    if (s_head (&head, envelope, to, framing->no_topic || pubsub? NULL: topic, framing) == -1)
        return -1;
    void *handle = zsock_resolve (output);
    //  The frames after the head: command, then one per field, or the packed
    //  frame and one per frame field
    size_t frames = 0;
    if (framing->packed) {
        frames = 1;
        for (field = 0; field < command->count; field++)
            if (command->types [field] == WIRE_FRAME)
                frames++;
    }
    else
        frames = (framing->id_size >= 0? 1: 0) + command->count;
    if (s_send_head (handle, &head, frames > 0) == -1)
        return -1;
    if (framing->packed) {
        if (s_send_packed (handle, command, framing, pubsub? topic: NULL, values, --frames? ZMQ_SNDMORE: 0) == -1)
            return -1;
        for (field = 0; field < command->count; field++)
            if (command->types [field] == WIRE_FRAME
            &&  wire_send_frame (handle, values [field].frame, --frames? ZMQ_SNDMORE: 0) == -1)
                return -1;
        return 0;
    }
    if (framing->id_size == 0) {
        if (zmq_send (handle, command->name, command->name_size, --frames? ZMQ_SNDMORE: 0) == -1)
            return -1;
    }
    else
    if (framing->id_size > 0) {
        byte number [2] = { (byte) (command->number >> 8), (byte) command->number };
        if (zmq_send (handle, number + 2 - framing->id_size, (size_t) framing->id_size,
                      --frames? ZMQ_SNDMORE: 0) == -1)
            return -1;
    }
    for (field = 0; field < command->count; field++)
        if (s_send_field (handle, command->types [field], &values [field], --frames? ZMQ_SNDMORE: 0) == -1)
            return -1;
    return 0;
}


int
wire_send_text (void *handle, const char *text, int more)
{
    if (!text)
        text = "";
    return zmq_send (handle, text, strlen (text), more) == -1? -1: 0;
}


int
wire_send_number (void *handle, uint64_t value, int more)
{
    byte data [8];
    s_put_uint32 (data, (uint32_t) (value >> 32));
    s_put_uint32 (data + 4, (uint32_t) value);
    return zmq_send (handle, data, 8, more) == -1? -1: 0;
}


int
wire_send_strings (void *handle, zlist_t *strings, int more)
{
    size_t size = 4;
    size_t count = 0;
    const char *string;
    if (strings) {
        for (string = (const char *) zlist_first (strings); string;
             string = (const char *) zlist_next (strings)) {
            size_t length = strlen (string);
            if (length > UINT32_MAX) {
                errno = EINVAL;
                return -1;
            }
            size += 4 + length;
            count++;
        }
    }
    zmq_msg_t frame;
    if (zmq_msg_init_size (&frame, size) == -1)
        return -1;
    byte *data = (byte *) zmq_msg_data (&frame);
    s_put_uint32 (data, (uint32_t) count);
    size_t offset = 4;
    if (strings) {
        for (string = (const char *) zlist_first (strings); string;
             string = (const char *) zlist_next (strings)) {
            size_t length = strlen (string);
            s_put_uint32 (data + offset, (uint32_t) length);
            memcpy (data + offset + 4, string, length);
            offset += 4 + length;
        }
    }
    if (zmq_msg_send (&frame, handle, more) == -1) {
        zmq_msg_close (&frame);
        return -1;
    }
    return 0;
}


int
wire_send_bytes (void *handle, const void *data, size_t size, int more)
{
    if (!data)
        size = 0;
    return zmq_send (handle, data? data: "", size, more) == -1? -1: 0;
}


int
wire_send_frame (void *handle, zframe_t *frame, int more)
{
    if (!frame)
        return zmq_send (handle, "", 0, more) == -1? -1: 0;
    return zmq_send (handle, zframe_data (frame), zframe_size (frame), more) == -1? -1: 0;
}


bool
wire_string_fits (const char *text)
{
    if (text && strlen (text) > WIRE_STRING_MAX) {
        errno = EINVAL;
        return false;
    }
    return true;
}


//  The sample value of a command's topic field
static const char *
s_sample_topic (const wire_command_t *command, const char *topic)
{
    if (command->topic < 0)
        return command->name;
    return topic? topic: S_SAMPLE_STRING;
}


zlist_t *
wire_sample_strings_new (void)
{
    zlist_t *strings = zlist_new ();
    assert (strings);
    zlist_autofree (strings);
    size_t index;
    for (index = 0; index < sizeof (s_sample_strings) / sizeof (s_sample_strings [0]); index++)
        zlist_append (strings, (void *) s_sample_strings [index]);
    return strings;
}


zframe_t *
wire_sample_frame_new (void)
{
    zframe_t *frame = zframe_new (s_sample_frame, sizeof (s_sample_frame) - 1);
    assert (frame);
    return frame;
}


bool
wire_strings_equal (zlist_t *strings, zlist_t *other)
{
    if (!strings || !other || zlist_size (strings) != zlist_size (other))
        return false;
    const char *string = (const char *) zlist_first (strings);
    const char *other_string = (const char *) zlist_first (other);
    while (string && other_string) {
        if (!streq (string, other_string))
            return false;
        string = (const char *) zlist_next (strings);
        other_string = (const char *) zlist_next (other);
    }
    return true;
}


int
wire_send_sample (zsock_t *output, wire_envelope_t envelope, const wire_peer_t *to,
                  const wire_command_t *command, const char *topic)
{
    assert (output);
    assert (command);
    const char *topic_text = s_sample_topic (command, topic);
    wire_value_t *values = (wire_value_t *) calloc (command->count + 1, sizeof (wire_value_t));
    assert (values);
    size_t field;
    for (field = 0; field < command->count; field++) {
        wire_value_t *value = &values [field];
        switch (command->types [field]) {
            case WIRE_STRING:
                value->text = (int) field == command->topic? topic_text: S_SAMPLE_STRING;
                break;
            case WIRE_LONGSTR:
                value->text = (int) field == command->topic? topic_text: S_SAMPLE_LONGSTR;
                break;
            case WIRE_NUMBER:
                value->number = S_SAMPLE_NUMBER;
                break;
            case WIRE_STRINGS:
                value->strings = wire_sample_strings_new ();
                break;
            case WIRE_BYTES:
                value->data = s_sample_bytes;
                value->size = WIRE_SAMPLE_BYTES_SIZE;
                break;
            case WIRE_FRAME:
                value->frame = wire_sample_frame_new ();
                break;
        }
    }
    int rc = wire_send_values (output, envelope, to, command, values);
    for (field = 0; field < command->count; field++) {
        if (values [field].strings)
            zlist_destroy (&values [field].strings);
        if (values [field].frame)
            zframe_destroy (&values [field].frame);
    }
    free (values);
    return rc;
}


static bool
s_sample_strings_match (zlist_t *strings)
{
    zlist_t *sample = wire_sample_strings_new ();
    bool same = wire_strings_equal (strings, sample);
    zlist_destroy (&sample);
    return same;
}


int
wire_msg_check_sample (wire_msg_t *self)
{
    assert (self);
    const wire_command_t *command = self->command;
    if (!command)
        return s_fail (self, "no command to check");
    //  What came as topic is what the sender chose for the topic
    char topic [WIRE_STRING_MAX + 1] = "";
    if (self->topic) {
        size_t size = self->topic_size;
        if (size > WIRE_STRING_MAX)
            size = WIRE_STRING_MAX;
        memcpy (topic, self->topic, size);
        topic [size] = 0;
        if (command->topic < 0 && !streq (topic, command->name))
            return s_fail (self, "%s: topic is not the command name", command->name);
    }
    size_t field;
    for (field = 0; field < command->count; field++) {
        s_value_t *value = &self->values [field];
        bool same = true;
        const char *expected = S_SAMPLE_STRING;
        switch (command->types [field]) {
            case WIRE_STRING:
            case WIRE_LONGSTR:
                if ((int) field == command->topic)
                    expected = s_sample_topic (command, self->topic? topic: NULL);
                else
                if (command->types [field] == WIRE_LONGSTR)
                    expected = S_SAMPLE_LONGSTR;
                same = streq (value->text, expected);
                break;
            case WIRE_NUMBER:
                same = value->number == S_SAMPLE_NUMBER;
                break;
            case WIRE_STRINGS:
                same = s_sample_strings_match (value->strings);
                break;
            case WIRE_BYTES:
                same = value->size == WIRE_SAMPLE_BYTES_SIZE
                    && memcmp (value->data, s_sample_bytes, value->size) == 0;
                break;
            case WIRE_FRAME:
                same = zframe_size (value->frame) == sizeof (s_sample_frame) - 1
                    && memcmp (zframe_data (value->frame), s_sample_frame, sizeof (s_sample_frame) - 1) == 0;
                break;
        }
        if (!same)
            return s_fail (self, "%s: field %zu is not the sample value", command->name, field + 1);
    }
    return 0;
}


int
wire_attach (zsock_t *socket, const char *owner, const char *socket_name,
             const char *endpoints, bool verbose)
{
    char *list = strdup (endpoints);
    assert (list);
    int rc = 0;
    char *next = list;
    while (next && rc == 0) {
        char *endpoint = next;
        next = strchr (next, ',');
        if (next)
            *next++ = 0;
        if (*endpoint == 0)
            continue;           //  A socket without a link, or an empty item
        if (*endpoint == '@')
            rc = zsock_bind (socket, "%s", endpoint + 1) == -1? -1: 0;
        else
            rc = zsock_connect (socket, "%s", endpoint + (*endpoint == '>'));
        if (rc == -1)
            zsys_error ("%s: socket %s cannot %s %s: %s", owner, socket_name,
                        *endpoint == '@'? "bind": "connect to", endpoint + (*endpoint == '@' || *endpoint == '>'),
                        zmq_strerror (zmq_errno ()));
        else
        if (verbose)
            zsys_info ("%s: socket %s: %s", owner, socket_name, endpoint);
    }
    free (list);
    return rc;
}


void
wire_set_routing_id (zsock_t *socket, const char *owner, const char *socket_name)
{
    char routing_id [WIRE_ID_MAX + 1];
    snprintf (routing_id, sizeof (routing_id), "%s/%s", owner, socket_name);
    zsock_set_identity (socket, routing_id);
}


char *
wire_default_name (const char *node, bool several)
{
    assert (node);
    char name [WIRE_ID_MAX + 1];
    if (several) {
        //  One count for every unnamed node of a program: node threads start
        //  together, so it is taken atomically
        static int s_unnamed = 0;
        int count = __atomic_add_fetch (&s_unnamed, 1, __ATOMIC_SEQ_CST);
        char host [65];
        if (gethostname (host, sizeof (host)) == -1)
            strcpy (host, "localhost");
        host [sizeof (host) - 1] = 0;
        if (count == 1)
            snprintf (name, sizeof (name), "%s-%s-%d", node, host, (int) getpid ());
        else
            snprintf (name, sizeof (name), "%s-%s-%d-%d", node, host, (int) getpid (), count);
    }
    else
        snprintf (name, sizeof (name), "%s", node);
    char *copy = strdup (name);
    assert (copy);
    return copy;
}


void
wire_problem (zsock_t *pipe, const char *owner, const char *socket_name,
              const char *format, ...)
{
    char problem [256];
    va_list args;
    va_start (args, format);
    vsnprintf (problem, sizeof (problem), format, args);
    va_end (args);
    zsys_warning ("%s: socket %s: %s", owner, socket_name, problem);
    if (pipe)
        zsock_send (pipe, "sss", "PROBLEM", socket_name, problem);
}


void
wire_report (zsock_t *pipe, wire_msg_t *msg, const char *socket_name, const char *command)
{
    const char *check = wire_msg_check_sample (msg) == 0? "": wire_msg_error (msg);
    zsock_send (pipe, "ssss", "RECEIVED", socket_name, command, check);
}


int
wire_send_probe (zsock_t *output, wire_envelope_t envelope, const char *topic)
{
    assert (output);
    if (wire_send_envelope (output, envelope, NULL, topic) == -1)
        return -1;
    return wire_send_text (zsock_resolve (output), WIRE_PROBE, 0);
}


bool
wire_msg_is_probe (wire_msg_t *self)
{
    assert (self);
    return self->body < self->frames_size
        && s_frame_size (self, self->body) == strlen (WIRE_PROBE)
        && memcmp (s_frame_data (self, self->body), WIRE_PROBE, strlen (WIRE_PROBE)) == 0;
}


//  --------------------------------------------------------------------------
//  Self-test: every field type through every kind of envelope, and the
//  malformed messages a receiver must refuse

static const wire_type_t s_test_types [] = {
    WIRE_STRING, WIRE_LONGSTR, WIRE_NUMBER, WIRE_STRINGS, WIRE_BYTES, WIRE_FRAME
};
static const wire_command_t s_test_commands [] = {
    { "EMPTY", 5, NULL, 0, -1, 1, NULL },
    { "ALL", 3, s_test_types, 6, 0, 2, NULL }
};
//  The same commands in other framings: a header, an empty frame first and
//  command bytes (7/MDP's); two-byte numbers without a topic frame; packed
static const byte s_test_header [] = { 'M', 'D', 'P', 'W', '0', '1' };
static const wire_framing_t s_test_framings [] = {
    { s_test_header, sizeof (s_test_header), 1, true, false, false, 0 },
    { NULL, 0, 2, false, true, false, 0 },
    { NULL, 0, 1, false, false, true, 3 },
    { s_test_header, sizeof (s_test_header), 1, true, true, true, 15 }
};
#define S_TEST_FRAMINGS (sizeof (s_test_framings) / sizeof (s_test_framings [0]))

//  Send until the sender knows the peer (ROUTER) and the subscription is in
//  (PUB): both take a moment after connecting
static int
s_test_send (zsock_t *sender, wire_envelope_t envelope, zsock_t *receiver, const wire_peer_t *to,
             const wire_command_t *command)
{
    int64_t deadline = zclock_mono () + 5000;
    if (envelope == WIRE_ENVELOPE_PUBLISHER) {
        while (!(zsock_events (receiver) & ZMQ_POLLIN) && zclock_mono () < deadline) {
            if (wire_send_probe (sender, envelope, "") == -1)
                return -1;
            zclock_sleep (1);
        }
    }
    while (wire_send_sample (sender, envelope, to, command, NULL) == -1) {
        if (zmq_errno () != EHOSTUNREACH || zclock_mono () > deadline)
            return -1;
        zclock_sleep (1);
    }
    return 0;
}


//  Sent in one framing, matched against another: not that protocol's message
static int
s_test_foreign (const wire_command_t *commands, const wire_command_t *others, bool verbose)
{
    int failures = 0;
    zsock_t *receiver = zsock_new (ZMQ_PULL);
    zsock_t *sender = zsock_new (ZMQ_PUSH);
    assert (receiver && sender);
    WIRE_CHECK (failures, zsock_bind (receiver, "inproc://wire-foreign-%p", (const void *) commands [0].framing) == 0);
    WIRE_CHECK (failures, zsock_connect (sender, "inproc://wire-foreign-%p", (const void *) commands [0].framing) == 0);
    zsock_set_rcvtimeo (receiver, 5000);
    wire_msg_t *msg = wire_msg_new ();
    size_t index;
    for (index = 0; index < 2; index++) {
        WIRE_CHECK (failures, wire_send_sample (sender, WIRE_ENVELOPE_PLAIN, NULL, &commands [index], NULL) == 0);
        WIRE_CHECK (failures, wire_msg_recv (msg, receiver, WIRE_ENVELOPE_PLAIN) == 0);
        WIRE_CHECK (failures, wire_msg_match (msg, others, 2) == 0);
        WIRE_CHECK (failures, wire_msg_match (msg, commands, 2) == (int) index + 1);
    }
    if (verbose)
        zsys_info ("wire: framings told apart: %s", failures? "FAILED": "ok");
    wire_msg_destroy (&msg);
    zsock_destroy (&sender);
    zsock_destroy (&receiver);
    return failures;
}


static int
s_test_pair_in (int sender_type, wire_envelope_t sender_envelope, int receiver_type,
                wire_envelope_t receiver_envelope, bool delimiter, const wire_command_t *commands,
                bool verbose)
{
    int failures = 0;
    zsock_t *receiver = zsock_new (receiver_type);
    zsock_t *sender = zsock_new (sender_type);
    assert (receiver && sender);
    zsock_set_rcvtimeo (receiver, 5000);
    zsock_set_rcvtimeo (sender, 5000);
    //  Only these types have routing ids
    if (receiver_type == ZMQ_ROUTER || sender_type == ZMQ_ROUTER) {
        zsock_set_identity (sender, "sender");
        zsock_set_identity (receiver, "receiver");
    }
    if (sender_type == ZMQ_ROUTER)
        zsock_set_router_mandatory (sender, 1);
    if (receiver_type == ZMQ_SUB)
        zsock_set_subscribe (receiver, "");
    //  A closed socket lets go of its inproc name a little later: use a new one
    const void *framing = (const void *) commands [0].framing;
    int rc = zsock_bind (receiver, "inproc://wire-test-%d-%d-%p", sender_type, receiver_type, framing);
    WIRE_CHECK (failures, rc == 0);
    rc = zsock_connect (sender, "inproc://wire-test-%d-%d-%p", sender_type, receiver_type, framing);
    WIRE_CHECK (failures, rc == 0);
    wire_peer_t to = wire_peer ("receiver", delimiter);
    wire_msg_t *msg = wire_msg_new ();
    size_t index;
    for (index = 0; index < 2 && failures == 0; index++) {
        rc = s_test_send (sender, sender_envelope, receiver, &to, &commands [index]);
        WIRE_CHECK (failures, rc == 0);
        do
            rc = wire_msg_recv (msg, receiver, receiver_envelope);
        while (rc == 0 && wire_msg_is_probe (msg));
        WIRE_CHECK (failures, rc == 0);
        rc = wire_msg_match (msg, commands, 2);
        WIRE_CHECK (failures, rc == (int) index + 1);
        WIRE_CHECK (failures, rc < 1 || wire_msg_check_sample (msg) == 0);
        if (receiver_type == ZMQ_ROUTER)
            WIRE_CHECK (failures, wire_msg_peer (msg)->id_size == 6
                               && wire_msg_peer (msg)->delimiter
                               == (delimiter || (commands [0].framing && commands [0].framing->delimiter)));
        //  REQ and REP insist on a reply before the next request
        if (sender_type == ZMQ_REQ || receiver_type == ZMQ_REP) {
            rc = wire_send_sample (receiver, receiver_envelope, wire_msg_peer (msg), &commands [0], NULL);
            WIRE_CHECK (failures, rc == 0);
            rc = wire_msg_recv (msg, sender, sender_envelope);
            WIRE_CHECK (failures, rc == 0);
            WIRE_CHECK (failures, wire_msg_match (msg, commands, 2) == 1);
        }
    }
    if (verbose)
        zsys_info ("wire: %s to %s: %s", zsys_sockname (sender_type), zsys_sockname (receiver_type),
                   failures? "FAILED": "ok");
    wire_msg_destroy (&msg);
    zsock_destroy (&sender);
    zsock_destroy (&receiver);
    return failures;
}


static int
s_test_pair (int sender_type, wire_envelope_t sender_envelope, int receiver_type,
             wire_envelope_t receiver_envelope, bool delimiter, bool verbose)
{
    int failures = s_test_pair_in (sender_type, sender_envelope, receiver_type, receiver_envelope,
                                   delimiter, s_test_commands, verbose);
    size_t index;
    for (index = 0; index < S_TEST_FRAMINGS; index++) {
        wire_command_t commands [2];
        memcpy (commands, s_test_commands, sizeof (commands));
        commands [0].framing = commands [1].framing = &s_test_framings [index];
        failures += s_test_pair_in (sender_type, sender_envelope, receiver_type, receiver_envelope,
                                    delimiter, commands, verbose);
    }
    return failures;
}


//  A message of one framing is no message of the next (the default's first)
static int
s_test_framings_apart (bool verbose)
{
    int failures = 0;
    size_t index;
    for (index = 0; index < S_TEST_FRAMINGS; index++) {
        wire_command_t commands [2], others [2];
        memcpy (commands, s_test_commands, sizeof (commands));
        memcpy (others, s_test_commands, sizeof (others));
        commands [0].framing = commands [1].framing = &s_test_framings [index];
        others [0].framing = others [1].framing = index? &s_test_framings [index - 1]: NULL;
        failures += s_test_foreign (commands, others, verbose);
    }
    return failures;
}


static int
s_test_malformed (bool verbose)
{
    int failures = 0;
    zsock_t *receiver = zsock_new_pull ("@inproc://wire-malformed");
    zsock_t *sender = zsock_new_push (">inproc://wire-malformed");
    assert (receiver && sender);
    zsock_set_rcvtimeo (receiver, 5000);
    wire_msg_t *msg = wire_msg_new ();
    byte long_string [WIRE_STRING_MAX + 1];
    memset (long_string, 'x', sizeof (long_string));
    byte count_only [4] = { 0, 0, 0, 2 };

    //  Each case: the command, the frames after it, and what matching gives
    struct {
        const char *name;
        const void *data [6];
        size_t size [6];
        size_t frames;
        int match;
    } cases [] = {
        { "UNKNOWN", { NULL }, { 0 }, 0, 0 },
        { "EMPTY", { "extra" }, { 5 }, 1, -1 },
        { "ALL", { "a" }, { 1 }, 1, -1 },
        { "ALL", { long_string, "", "12345678", count_only, "", "" },
                 { sizeof (long_string), 0, 8, 4, 0, 0 }, 6, -1 },
        { "ALL", { "a", "", "1234567", count_only, "", "" }, { 1, 0, 7, 4, 0, 0 }, 6, -1 },
        { "ALL", { "a", "", "12345678", count_only, "", "" }, { 1, 0, 8, 4, 0, 0 }, 6, -1 },
        { "ALL", { "a\0b", "", "12345678", count_only, "", "" }, { 3, 0, 8, 4, 0, 0 }, 6, -1 },
        { "ALL", { "a", "", "12345678", "\0\0\0\0", "", "" }, { 1, 0, 8, 4, 0, 0 }, 6, 2 }
    };
    size_t index;
    for (index = 0; index < sizeof (cases) / sizeof (cases [0]); index++) {
        void *handle = zsock_resolve (sender);
        int rc = zmq_send (handle, cases [index].name, strlen (cases [index].name),
                           cases [index].frames? ZMQ_SNDMORE: 0);
        WIRE_CHECK (failures, rc != -1);
        size_t frame;
        for (frame = 0; frame < cases [index].frames; frame++) {
            rc = zmq_send (handle, cases [index].data [frame], cases [index].size [frame],
                           frame + 1 < cases [index].frames? ZMQ_SNDMORE: 0);
            WIRE_CHECK (failures, rc != -1);
        }
        rc = wire_msg_recv (msg, receiver, WIRE_ENVELOPE_PLAIN);
        WIRE_CHECK (failures, rc == 0);
        rc = wire_msg_match (msg, s_test_commands, 2);
        if (verbose && rc == -1)
            zsys_info ("wire: refused %s: %s", wire_msg_command (msg), wire_msg_error (msg));
        WIRE_CHECK (failures, rc == cases [index].match);
    }
    wire_msg_destroy (&msg);
    zsock_destroy (&sender);
    zsock_destroy (&receiver);
    return failures;
}


//  A machine follows its role (a loop, a choice, a final state), refuses what
//  the state does not allow without moving, keeps one state per peer, and
//  bounds its table by forgetting the peer heard from longest ago
static int
s_test_machine (bool verbose)
{
    int failures = 0;
    //  1: ?HELLO -> 2; 2: !READY -> 3; 3: ?WORK -> 4 or ?BYE -> 1; 4: !DONE -> 3
    static const char *const states [] = { "1", "2", "3", "4" };
    static const wire_transition_t transitions [] = {
        { 0, 1, false, 1 }, { 1, 2, true, 2 }, { 2, 3, false, 3 }, { 2, 0, false, 5 }, { 3, 2, true, 4 }
    };
    static const wire_role_t one = { "(wire self-test)", "server", states, 4, transitions, 5, false };
    static const wire_role_t many = { "(wire self-test)", "server", states, 4, transitions, 5, true };
    wire_machine_t *machine = wire_machine_new (&one, 0);
    WIRE_CHECK (failures, streq (wire_machine_state (machine, NULL), "1"));
    WIRE_CHECK (failures, wire_machine_step (machine, NULL, true, 2) == -1);
    WIRE_CHECK (failures, wire_machine_step (machine, NULL, false, 2) == -1);
    WIRE_CHECK (failures, streq (wire_machine_state (machine, NULL), "1"));
    WIRE_CHECK (failures, wire_machine_step (machine, NULL, false, 1) == 0);
    WIRE_CHECK (failures, wire_machine_allows (machine, NULL, true, 2) == 0);
    WIRE_CHECK (failures, wire_machine_allows (machine, NULL, false, 2) == -1);
    WIRE_CHECK (failures, wire_machine_step (machine, NULL, true, 2) == 0);
    int round;
    for (round = 0; round < 3; round++) {
        WIRE_CHECK (failures, wire_machine_step (machine, NULL, false, 3) == 0);
        WIRE_CHECK (failures, wire_machine_step (machine, NULL, false, 3) == -1);
        WIRE_CHECK (failures, streq (wire_machine_state (machine, NULL), "4"));
        WIRE_CHECK (failures, wire_machine_step (machine, NULL, true, 4) == 0);
    }
    WIRE_CHECK (failures, wire_machine_step (machine, NULL, false, 5) == 0);
    WIRE_CHECK (failures, streq (wire_machine_state (machine, NULL), "1"));
    WIRE_CHECK (failures, wire_machine_step (machine, NULL, false, 1) == 0);
    wire_machine_destroy (&machine);
    wire_machine_destroy (&machine);
    WIRE_CHECK (failures, machine == NULL);

    machine = wire_machine_new (&many, 3);
    wire_peer_t a = wire_peer ("a", false), b = wire_peer ("b", false);
    WIRE_CHECK (failures, wire_machine_step (machine, &a, false, 1) == 0);
    WIRE_CHECK (failures, streq (wire_machine_state (machine, &a), "2"));
    WIRE_CHECK (failures, streq (wire_machine_state (machine, &b), "1"));
    WIRE_CHECK (failures, wire_machine_step (machine, &b, true, 2) == -1);
    WIRE_CHECK (failures, wire_machine_step (machine, &a, true, 2) == 0);
    WIRE_CHECK (failures, wire_machine_step (machine, &a, false, 5) == 0);
    WIRE_CHECK (failures, wire_machine_peers (machine) == 0);
    //  Four peers in a table of three: the first is forgotten
    const char *names [] = { "p1", "p2", "p3", "p4" };
    size_t index;
    for (index = 0; index < 4; index++) {
        wire_peer_t peer = wire_peer (names [index], false);
        WIRE_CHECK (failures, wire_machine_step (machine, &peer, false, 1) == 0);
    }
    WIRE_CHECK (failures, wire_machine_peers (machine) == 3);
    wire_peer_t first = wire_peer ("p1", false), last = wire_peer ("p4", false);
    WIRE_CHECK (failures, streq (wire_machine_state (machine, &first), "1"));
    WIRE_CHECK (failures, streq (wire_machine_state (machine, &last), "2"));
    wire_machine_destroy (&machine);

    //  Moves at random among many peers, against a plain model of the same
    //  rules: the index finds each peer whatever the others did, a peer back
    //  in the first state takes no room, and a full table forgets the peer
    //  heard from longest ago
    size_t tables [] = { 0, 8 };
    size_t table;
    for (table = 0; table < 2; table++) {
        #define S_MODEL_PEERS 200
        unsigned model [S_MODEL_PEERS] = { 0 };
        uint64_t heard [S_MODEL_PEERS] = { 0 };
        uint64_t clock = 0;
        uint32_t seed = 20241124;
        size_t wrong = 0;
        size_t move;
        machine = wire_machine_new (&many, tables [table]);
        for (move = 0; move < (tables [table]? 1000: 20000); move++) {
            seed = seed * 1103515245u + 12345u;
            //  A few peers come back often (a reply finds them again), the
            //  others now and then
            size_t who = (seed >> 24) % 4? (seed >> 8) % 6: (seed >> 8) % (tables [table]? 9: S_MODEL_PEERS);
            char name [32];
            //  Routing ids of 1 to 22 bytes
            snprintf (name, sizeof (name), "%.*s%zu", (int) (who % 20), "abcdefghijklmnopqrst", who);
            wire_peer_t peer = wire_peer (name, false);
            bool send = (seed >> 4) & 1;
            int command = 1 + (int) ((seed >> 16) % 5);
            const wire_transition_t *allowed = NULL;
            size_t index;
            for (index = 0; index < 5; index++)
                if (transitions [index].from == model [who]) {
                    allowed = &transitions [index];
                    if ((seed >> 12) % 4)
                        break;
                }
            if (allowed && (seed >> 20) % 8) {
                send = allowed->send;
                command = allowed->command;
            }
            const wire_transition_t *transition = NULL;
            for (index = 0; index < 5 && !transition; index++)
                if (transitions [index].from == model [who] && transitions [index].send == send
                &&  transitions [index].command == command)
                    transition = &transitions [index];
            if (wire_machine_step (machine, &peer, send, command) != (transition? 0: -1))
                wrong++;
            if (!transition)
                continue;
            size_t kept = 0;
            size_t oldest = S_MODEL_PEERS;
            for (index = 0; index < S_MODEL_PEERS; index++)
                if (model [index] && index != who) {
                    kept++;
                    if (oldest == S_MODEL_PEERS || heard [index] < heard [oldest])
                        oldest = index;
                }
            if (model [who] == 0 && transition->to && tables [table] && kept == tables [table])
                model [oldest] = 0;
            model [who] = transition->to;
            if (transition->to)
                heard [who] = ++clock;
            if (move % 100 == 0) {
                size_t active = 0;
                for (index = 0; index < S_MODEL_PEERS; index++) {
                    snprintf (name, sizeof (name), "%.*s%zu", (int) (index % 20), "abcdefghijklmnopqrst", index);
                    wire_peer_t one = wire_peer (name, false);
                    if (!streq (wire_machine_state (machine, &one), states [model [index]]))
                        wrong++;
                    active += model [index] != 0;
                }
                if (wire_machine_peers (machine) != active)
                    wrong++;
            }
        }
        WIRE_CHECK (failures, wrong == 0);
        wire_machine_destroy (&machine);
    }

    char text [WIRE_PEER_TEXT_MAX];
    wire_peer_t binary = { { 0, 0x80, 0xAB }, 3, false };
    WIRE_CHECK (failures, streq (wire_peer_text (&binary, text), "0x0080AB"));
    WIRE_CHECK (failures, streq (wire_peer_text (&a, text), "a"));
    WIRE_CHECK (failures, wire_peer_text (NULL, text) == NULL);
    if (verbose)
        zsys_info ("wire: state machines: %s", failures? "FAILED": "ok");
    return failures;
}


int
wire_test (bool verbose)
{
    int failures = 0;
    failures += s_test_pair (ZMQ_PUSH, WIRE_ENVELOPE_PLAIN, ZMQ_PULL, WIRE_ENVELOPE_PLAIN, false, verbose);
    failures += s_test_pair (ZMQ_PAIR, WIRE_ENVELOPE_PLAIN, ZMQ_PAIR, WIRE_ENVELOPE_PLAIN, false, verbose);
    failures += s_test_pair (ZMQ_DEALER, WIRE_ENVELOPE_DEALER, ZMQ_ROUTER, WIRE_ENVELOPE_ROUTER, false, verbose);
    failures += s_test_pair (ZMQ_REQ, WIRE_ENVELOPE_DELIMITED, ZMQ_ROUTER, WIRE_ENVELOPE_ROUTER, true, verbose);
    failures += s_test_pair (ZMQ_ROUTER, WIRE_ENVELOPE_ROUTER, ZMQ_DEALER, WIRE_ENVELOPE_DEALER, false, verbose);
    failures += s_test_pair (ZMQ_DEALER, WIRE_ENVELOPE_DEALER, ZMQ_REP, WIRE_ENVELOPE_DELIMITED, true, verbose);
    failures += s_test_pair (ZMQ_PUB, WIRE_ENVELOPE_PUBLISHER, ZMQ_SUB, WIRE_ENVELOPE_SUBSCRIBER, false, verbose);
    failures += s_test_framings_apart (verbose);
    failures += s_test_malformed (verbose);
    failures += s_test_machine (verbose);
    return failures;
}
