#include "wire.h"

//  The command frame of a subscription probe (self-tests only)
#define WIRE_PROBE "$MOPED-PROBE"

//  A decoded field; which member is live follows the field's type
typedef struct {
    const char *text;           //  WIRE_STRING, WIRE_LONGSTR
    uint64_t number;            //  WIRE_NUMBER
    zlist_t *strings;           //  WIRE_STRINGS, owned
    const byte *data;           //  WIRE_BYTES
    size_t size;                //  WIRE_BYTES
    zframe_t *frame;            //  WIRE_FRAME, owned
} s_value_t;

struct _wire_msg_t {
    zmq_msg_t **frames;         //  Frames of the message, kept for reuse
    const byte **data;          //  Each frame's data and size, read once
    size_t *sizes;
    size_t frames_max;          //  How many are allocated
    size_t frames_size;         //  How many the message has
    size_t body;                //  Index of the command frame
    bool has_topic;             //  Came with a topic frame (SUB, XSUB)
    wire_peer_t peer;           //  Who sent it
    const wire_command_t *command;  //  The command matched, if any
    s_value_t *values;          //  Its decoded fields
    size_t values_max;
    size_t values_size;
    char *text;                 //  Storage for text fields
    size_t text_max;
    char name [64];             //  Printable command name
    char error [256];           //  Why the last receive or match failed
};

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


wire_msg_t *
wire_msg_new (void)
{
    wire_msg_t *self = (wire_msg_t *) zmalloc (sizeof (wire_msg_t));
    assert (self);
    return self;
}


//  Free what the fields of the previous message own
static void
s_clear_values (wire_msg_t *self)
{
    size_t index;
    for (index = 0; index < self->values_size; index++) {
        if (self->values [index].strings)
            zlist_destroy (&self->values [index].strings);
        if (self->values [index].frame)
            zframe_destroy (&self->values [index].frame);
    }
    self->values_size = 0;
    self->command = NULL;
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


int
wire_msg_recv (wire_msg_t *self, zsock_t *input, wire_envelope_t envelope)
{
    assert (self);
    assert (input);
    void *handle = zsock_resolve (input);
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
    if (self->body >= self->frames_size)
        return s_fail (self, "message without a command frame");
    if (s_frame_size (self, self->body) == 0)
        return s_fail (self, "empty command frame");
    return 0;
}


//  Where decoded text goes: one buffer, reused, holding every text field
static void
s_reserve_text (wire_msg_t *self, size_t size)
{
    if (size > self->text_max) {
        char *text = (char *) realloc (self->text, size);
        assert (text);
        self->text = text;
        self->text_max = size;
    }
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


static int
s_decode (wire_msg_t *self, const wire_command_t *command)
{
    size_t count = self->frames_size - self->body - 1;
    if (count != command->count)
        return s_fail (self, "%s came with %zu fields instead of %zu", command->name, count, command->count);
    if (count > self->values_max) {
        s_value_t *values = (s_value_t *) realloc (self->values, count * sizeof (s_value_t));
        assert (values);
        self->values = values;
        self->values_max = count;
    }
    self->values_size = count;

    //  Text fields are copied to one buffer so that they end with a zero
    size_t text_size = 0;
    size_t field;
    for (field = 0; field < count; field++) {
        //  What s_clear_values frees is NULL until decoded, whatever fails
        self->values [field].strings = NULL;
        self->values [field].frame = NULL;
        if (command->types [field] <= WIRE_LONGSTR)
            text_size += s_frame_size (self, self->body + 1 + field) + 1;
    }
    s_reserve_text (self, text_size);

    char *text = self->text;
    for (field = 0; field < count; field++) {
        s_value_t *value = &self->values [field];
        const byte *data = s_frame_data (self, self->body + 1 + field);
        size_t size = s_frame_size (self, self->body + 1 + field);
        switch (command->types [field]) {
            case WIRE_STRING:
                if (size > WIRE_STRING_MAX)
                    return s_fail (self, "field %zu: string of %zu bytes (at most %d)",
                                   field + 1, size, WIRE_STRING_MAX);
                //  Falls through
            case WIRE_LONGSTR:
                if (memchr (data, 0, size))
                    return s_fail (self, "field %zu: text with a zero byte", field + 1);
                memcpy (text, data, size);
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
                if (s_decode_strings (self, field, data, size, &value->strings) == -1)
                    return -1;
                break;
            case WIRE_BYTES:
                value->data = data;
                value->size = size;
                break;
            case WIRE_FRAME:
                value->frame = zframe_new (data, size);
                assert (value->frame);
                break;
        }
    }
    self->command = command;
    return 0;
}


int
wire_msg_match (wire_msg_t *self, const wire_command_t *commands, size_t count)
{
    assert (self);
    if (self->frames_size == 0 || self->body >= self->frames_size)
        return 0;
    s_clear_values (self);
    size_t size = s_frame_size (self, self->body);
    const byte *data = s_frame_data (self, self->body);
    size_t index;
    for (index = 0; index < count; index++) {
        if (commands [index].name_size == size
        &&  memcmp (commands [index].name, data, size) == 0) {
            if (s_decode (self, &commands [index]) == -1) {
                s_clear_values (self);
                return -1;
            }
            return (int) index + 1;
        }
    }
    return 0;
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
    return value? value->data: NULL;
}


zframe_t *
wire_msg_frame (wire_msg_t *self, size_t index)
{
    s_value_t *value = s_value (self, index, WIRE_FRAME);
    return value? value->frame: NULL;
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
            if (zmq_send (handle, to->id, to->id_size, ZMQ_SNDMORE) == -1)
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
        case WIRE_ENVELOPE_SUBSCRIBER:
        default:
            return 0;
    }
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


static int
s_send_sample_field (void *handle, wire_type_t type, const char *text, int more)
{
    int rc = 0;
    zlist_t *strings;
    zframe_t *frame;
    switch (type) {
        case WIRE_STRING:
            rc = wire_send_text (handle, text, more);
            break;
        case WIRE_LONGSTR:
            rc = wire_send_text (handle, text? text: S_SAMPLE_LONGSTR, more);
            break;
        case WIRE_NUMBER:
            rc = wire_send_number (handle, S_SAMPLE_NUMBER, more);
            break;
        case WIRE_STRINGS:
            strings = wire_sample_strings_new ();
            rc = wire_send_strings (handle, strings, more);
            zlist_destroy (&strings);
            break;
        case WIRE_BYTES:
            rc = wire_send_bytes (handle, s_sample_bytes, WIRE_SAMPLE_BYTES_SIZE, more);
            break;
        case WIRE_FRAME:
            frame = wire_sample_frame_new ();
            rc = wire_send_frame (handle, frame, more);
            zframe_destroy (&frame);
            break;
    }
    return rc;
}


int
wire_send_sample (zsock_t *output, wire_envelope_t envelope, const wire_peer_t *to,
                  const wire_command_t *command, const char *topic)
{
    assert (output);
    assert (command);
    const char *topic_text = s_sample_topic (command, topic);
    if (command->topic >= 0 && command->types [command->topic] == WIRE_STRING
    && !wire_string_fits (topic_text))
        return -1;
    void *handle = zsock_resolve (output);
    if (wire_send_envelope (output, envelope, to, topic_text) == -1)
        return -1;
    if (zmq_send (handle, command->name, command->name_size,
                  command->count? ZMQ_SNDMORE: 0) == -1)
        return -1;
    size_t field;
    for (field = 0; field < command->count; field++) {
        const char *text = NULL;
        if ((int) field == command->topic)
            text = topic_text;
        else
        if (command->types [field] == WIRE_STRING)
            text = S_SAMPLE_STRING;
        if (s_send_sample_field (handle, command->types [field], text,
                                 field + 1 < command->count? ZMQ_SNDMORE: 0) == -1)
            return -1;
    }
    return 0;
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
    //  What came in the topic frame is what the sender chose for the topic
    char topic [WIRE_STRING_MAX + 1] = "";
    if (self->has_topic) {
        size_t size = s_frame_size (self, 0);
        if (size > WIRE_STRING_MAX)
            size = WIRE_STRING_MAX;
        memcpy (topic, s_frame_data (self, 0), size);
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
                    expected = s_sample_topic (command, self->has_topic? topic: NULL);
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
    { "EMPTY", 5, NULL, 0, -1 },
    { "ALL", 3, s_test_types, 6, 0 }
};

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


static int
s_test_pair (int sender_type, wire_envelope_t sender_envelope, int receiver_type,
             wire_envelope_t receiver_envelope, bool delimiter, bool verbose)
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
    int rc = zsock_bind (receiver, "inproc://wire-test-%d-%d", sender_type, receiver_type);
    WIRE_CHECK (failures, rc == 0);
    rc = zsock_connect (sender, "inproc://wire-test-%d-%d", sender_type, receiver_type);
    WIRE_CHECK (failures, rc == 0);
    wire_peer_t to = wire_peer ("receiver", delimiter);
    wire_msg_t *msg = wire_msg_new ();
    size_t index;
    for (index = 0; index < 2 && failures == 0; index++) {
        rc = s_test_send (sender, sender_envelope, receiver, &to, &s_test_commands [index]);
        WIRE_CHECK (failures, rc == 0);
        do
            rc = wire_msg_recv (msg, receiver, receiver_envelope);
        while (rc == 0 && wire_msg_is_probe (msg));
        WIRE_CHECK (failures, rc == 0);
        rc = wire_msg_match (msg, s_test_commands, 2);
        WIRE_CHECK (failures, rc == (int) index + 1);
        WIRE_CHECK (failures, rc < 1 || wire_msg_check_sample (msg) == 0);
        if (receiver_type == ZMQ_ROUTER)
            WIRE_CHECK (failures, wire_msg_peer (msg)->id_size == 6
                               && wire_msg_peer (msg)->delimiter == delimiter);
        //  REQ and REP insist on a reply before the next request
        if (sender_type == ZMQ_REQ || receiver_type == ZMQ_REP) {
            rc = wire_send_sample (receiver, receiver_envelope, wire_msg_peer (msg), &s_test_commands [0], NULL);
            WIRE_CHECK (failures, rc == 0);
            rc = wire_msg_recv (msg, sender, sender_envelope);
            WIRE_CHECK (failures, rc == 0);
            WIRE_CHECK (failures, wire_msg_match (msg, s_test_commands, 2) == 1);
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


int
wire_test (bool verbose)
{
    int failures = 0;
    failures += s_test_pair (ZMQ_PUSH, WIRE_ENVELOPE_PLAIN, ZMQ_PULL, WIRE_ENVELOPE_PLAIN, false, verbose);
    failures += s_test_pair (ZMQ_PAIR, WIRE_ENVELOPE_PLAIN, ZMQ_PAIR, WIRE_ENVELOPE_PLAIN, false, verbose);
    failures += s_test_pair (ZMQ_DEALER, WIRE_ENVELOPE_DEALER, ZMQ_ROUTER, WIRE_ENVELOPE_ROUTER, false, verbose);
    failures += s_test_pair (ZMQ_REQ, WIRE_ENVELOPE_PLAIN, ZMQ_ROUTER, WIRE_ENVELOPE_ROUTER, true, verbose);
    failures += s_test_pair (ZMQ_ROUTER, WIRE_ENVELOPE_ROUTER, ZMQ_DEALER, WIRE_ENVELOPE_DEALER, false, verbose);
    failures += s_test_pair (ZMQ_DEALER, WIRE_ENVELOPE_DEALER, ZMQ_REP, WIRE_ENVELOPE_PLAIN, true, verbose);
    failures += s_test_pair (ZMQ_PUB, WIRE_ENVELOPE_PUBLISHER, ZMQ_SUB, WIRE_ENVELOPE_SUBSCRIBER, false, verbose);
    failures += s_test_malformed (verbose);
    return failures;
}
