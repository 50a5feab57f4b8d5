/* moped-abnf.c: writing a design's protocols as an ABNF grammar (RFC 5234) that means them.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The grammar reads conversations as one role sees them (the textual form is explained
 * in moped-abnf.h and at the top of every grammar). Each role's conversation is its
 * state machine (moped-machine.h) written as a right-linear grammar: one rule per
 * state, one alternative per transition, "" where the conversation may end. Frames
 * are quoted tokens in which the quote and the percent sign are always escaped, so a
 * field can never run into the next frame or message, and each line starts with who
 * sends to whom: a parser that never backtracks (a PEG, apg) reads it as well as one
 * that tries every way (ABNF's own meaning).
 */
#define G_LOG_DOMAIN "moped-export"

#include <string.h>

#include "moped-abnf.h"
#include "moped-design.h"
#include "moped-framing.h"
#include "moped-machine.h"
#include "moped-roles.h"
#include "moped-schema.h"
#include "moped-socket-type.h"

/* Rule names are padded to this column, as in zproto's .bnf files. */
#define NAME_COLUMN 16
#define WRAP_COLUMN 78

/* RFC 5234 Appendix B.1: a grammar must not redefine these. */
static const char * const core_rules[] = {
  "ALPHA", "BIT", "CHAR", "CR", "CRLF", "CTL", "DIGIT", "DQUOTE", "HEXDIG", "HTAB",
  "LF", "LWSP", "OCTET", "SP", "VCHAR", "WSP",
};

enum
{
  SHARED_STRING = 1 << 0,
  SHARED_LONGSTR = 1 << 1,
  SHARED_STRINGS = 1 << 2,
  SHARED_BYTES = 1 << 3,
  SHARED_FRAME = 1 << 4,
  SHARED_NUMBER_4 = 1 << 5,
  SHARED_NUMBER_8 = 1 << 6,
  SHARED_ANY_ROLE = 1 << 7,
  SHARED_OCTET = 1 << 8,
  SHARED_PACKED_STRING = 1 << 9,
  SHARED_PACKED_LONG = 1 << 10,
  SHARED_PACKED_STRINGS = 1 << 11,
  SHARED_PUBSUB_TOPIC = 1 << 12,
};

typedef struct
{
  guint       bit;
  const char *name;
  const char *definition;   /* or NULL: made by the group's maker */
  guint       needs;
} SharedRule;

typedef struct
{
  const char *comment;
  SharedRule  rules[3];
  char     *(*make) (const char *name);
} SharedGroup;

static char *make_length_prefixed (const char *name);

/* What the field types hold inside their frame (the quotes around a frame are written
 * by the message rules), then the octets of a frame; written after the rules that use
 * them. */
static const SharedGroup shared_groups[] = {
  { "A string is UTF-8 text of at most 255 octets",
    { { SHARED_STRING, "string", "*255frame-octet", SHARED_OCTET } } },
  { "A longstr is UTF-8 text of any length",
    { { SHARED_LONGSTR, "longstr", "*frame-octet", SHARED_OCTET } } },
  { "A list of strings: a 4-octet count, then each string as a 4-octet length and "
    "its UTF-8 text (the grammar does not check that the counts add up)",
    { { SHARED_STRINGS, "strings", "number-4 *frame-octet", SHARED_NUMBER_4 | SHARED_OCTET } } },
  { "Bytes are opaque binary data",
    { { SHARED_BYTES, "bytes", "*frame-octet", SHARED_OCTET } } },
  { "A frame field is zero or more octets passed on untouched",
    { { SHARED_FRAME, "frame", "*frame-octet", SHARED_OCTET } } },
  { "Numbers are unsigned integers in network byte order",
    { { SHARED_NUMBER_4, "number-4", "4frame-octet", SHARED_OCTET },
      { SHARED_NUMBER_8, "number-8", "8frame-octet", SHARED_OCTET } } },
  { "Packed (zproto's codec): a string is a 1-octet length, then that many octets",
    { { SHARED_PACKED_STRING, "packed-string", NULL, SHARED_OCTET } }, make_length_prefixed },
  { "Packed: a longstr or bytes field is a 4-octet length, then that many octets "
    "(checked up to 255; a longer one is taken to run to the end of the frame)",
    { { SHARED_PACKED_LONG, "packed-long", NULL, SHARED_OCTET } }, make_length_prefixed },
  { "Packed: a list of strings is a 4-octet count, then that many packed-long strings "
    "(checked up to 255)",
    { { SHARED_PACKED_STRINGS, "packed-strings", NULL, SHARED_PACKED_LONG | SHARED_OCTET } },
    make_length_prefixed },
  { "Packed over publish-subscribe: the topic is text that ends in a zero octet",
    { { SHARED_PUBSUB_TOPIC, "pubsub-topic", "*topic-octet \"%00\"", SHARED_OCTET },
      { SHARED_PUBSUB_TOPIC, "topic-octet", "%x20-21 / %x23-24 / %x26-7E / \"%\" escaped-non-zero", 0 },
      { SHARED_PUBSUB_TOPIC, "escaped-non-zero", "\"0\" ( %x31-39 / %x41-46 ) / ( \"1\" / %x38-39 / "
                                                  "%x41-46 ) hex-digit / \"2\" ( \"2\" / \"5\" ) / \"7\" %x46", 0 } } },
  { "The other side of a message when the design does not say which role it is",
    { { SHARED_ANY_ROLE, "any-role", "DQUOTE *frame-octet DQUOTE", SHARED_OCTET } } },
  { "One octet of a frame: printable ASCII but the quote and the percent sign stands "
    "for itself; every other octet is a percent sign and two upper-case hex digits",
    { { SHARED_OCTET, "frame-octet", "%x20-21 / %x23-24 / %x26-7E / \"%\" escaped", 0 },
      { SHARED_OCTET, "escaped", "( %x30-31 / %x38-39 / %x41-46 ) hex-digit / \"2\" ( \"2\" / \"5\" ) "
                                 "/ \"7\" %x46", 0 },
      { SHARED_OCTET, "hex-digit", "DIGIT / %x41-46", 0 } } },
};

static const struct
{
  const char *rule;
  guint       bit;
  const char *packed_rule;
  guint       packed_bit;
} field_type_rules[MOPED_N_FIELD_TYPES] = {
  [MOPED_FIELD_STRING] = { "string", SHARED_STRING, "packed-string", SHARED_PACKED_STRING },
  [MOPED_FIELD_LONGSTR] = { "longstr", SHARED_LONGSTR, "packed-long", SHARED_PACKED_LONG },
  [MOPED_FIELD_NUMBER] = { "number-8", SHARED_NUMBER_8, "number-8", SHARED_NUMBER_8 },
  [MOPED_FIELD_STRINGS] = { "strings", SHARED_STRINGS, "packed-strings", SHARED_PACKED_STRINGS },
  [MOPED_FIELD_BYTES] = { "bytes", SHARED_BYTES, "packed-long", SHARED_PACKED_LONG },
  [MOPED_FIELD_FRAME] = { "frame", SHARED_FRAME, "frame", SHARED_FRAME },
  /* A msg field's rule is one of its frames; the message rule repeats it (0 or more). */
  [MOPED_FIELD_MSG] = { "frame", SHARED_FRAME, "frame", SHARED_FRAME },
};

/* ---- the frames of one message ---------------------------------------------------------- */

/* The socket types a message of @command travels between: one pair per link end that
 * plays its sender (either end when no role sends it), each pair once (guint pairs:
 * sender << 8 | receiver). No link: the types are not known. */
static GArray *
message_socket_pairs (MopedElement *command)
{
  MopedElement *protocol = moped_element_get_ancestor (command, MOPED_KIND_PROTOCOL);
  MopedDesign *design = protocol ? moped_element_get_design (protocol) : NULL;
  MopedElement *sender = moped_element_get_ref (command, MOPED_PROP_SENDER);
  g_autoptr(GPtrArray) links = design ? moped_design_collect (design, MOPED_KIND_LINK) : NULL;
  GArray *pairs = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; links != NULL && i < links->len; i++)
    {
      MopedElement *link = g_ptr_array_index (links, i);

      if (moped_element_get_ref (link, MOPED_PROP_PROTOCOL) != protocol)
        continue;
      for (guint e = 0; e < 2; e++)
        {
          MopedProp from = e ? MOPED_PROP_TO : MOPED_PROP_FROM;
          MopedProp to = e ? MOPED_PROP_FROM : MOPED_PROP_TO;
          MopedElement *a = moped_element_get_ref (link, from);
          MopedElement *b = moped_element_get_ref (link, to);
          guint pair;

          if (a == NULL || b == NULL || (sender != NULL && moped_link_get_role (link, from) != sender))
            continue;
          pair = (guint) moped_element_get_enum (a, MOPED_PROP_TYPE) << 8 |
                 (guint) moped_element_get_enum (b, MOPED_PROP_TYPE);
          if (!moped_socket_type_get_info (moped_element_get_enum (a, MOPED_PROP_TYPE))->can_send)
            continue;
          for (guint k = 0; k < pairs->len && pair != G_MAXUINT; k++)
            if (g_array_index (pairs, guint, k) == pair)
              pair = G_MAXUINT;
          if (pair != G_MAXUINT)
            g_array_append_val (pairs, pair);
        }
    }
  if (pairs->len == 0)
    {
      guint unknown = (guint) MOPED_N_SOCKET_TYPES << 8 | (guint) MOPED_N_SOCKET_TYPES;

      g_array_append_val (pairs, unknown);
    }
  return pairs;
}

/* The frames of @command as the wire carries them between sockets of these types,
 * from the framing query (moped_framing_get_frames): every frame but an empty
 * delimiter that the sockets add and remove themselves (REQ and REP), which no
 * application sees. */
static GPtrArray *
frames_of_message (MopedElement *command,
                   guint         pair)
{
  GPtrArray *frames = moped_framing_get_frames (command, (MopedSocketType) (pair >> 8),
                                                (MopedSocketType) (pair & 0xFF));

  for (guint i = frames->len; i > 0; i--)
    {
      const MopedFrame *frame = g_ptr_array_index (frames, i - 1);

      if (frame->sender == MOPED_FRAME_BY_SOCKET && frame->receiver == MOPED_FRAME_BY_SOCKET)
        g_ptr_array_remove_index (frames, i - 1);
    }
  return frames;
}

/* Whether @field travels inside a packed frame (else in a frame of its own). */
static gboolean
field_is_packed (MopedElement *field)
{
  MopedElement *protocol = moped_element_get_ancestor (field, MOPED_KIND_PROTOCOL);

  return protocol != NULL &&
         moped_element_get_enum (protocol, MOPED_PROP_ENCODING) == MOPED_ENCODING_PACKED &&
         !moped_field_type_is_frames (moped_element_get_enum (field, MOPED_PROP_TYPE));
}

/* ---- the grammar ------------------------------------------------------------------------ */

typedef struct
{
  MopedElement *protocol;
  GPtrArray    *roles;
  GPtrArray    *machines;  /* MopedMachine, one per role */
  GPtrArray    *commands;  /* those the machines use: its own, then borrowed ones */
  GPtrArray    *unused;    /* its commands no machine uses */
} ProtocolInfo;

typedef struct
{
  MopedDesign *design;
  GHashTable  *taken;        /* casefolded rule name -> rule name as written */
  GHashTable  *rule_of;      /* element -> rule name (borrowed from taken) */
  GHashTable  *field_rules;  /* "name\ttype" -> rule name, so equal fields share one rule */
  GHashTable  *name_rules;   /* role name -> rule of its token, shared by equal names */
  GHashTable  *state_rules;  /* "role-pointer:state" -> rule name */
  GHashTable  *written;      /* elements and rule names already written */
  GArray      *protocols;    /* ProtocolInfo */
  guint        shared_used;
  GString     *out;
} Grammar;

char *
moped_abnf_rule_name (const char *name)
{
  g_autofree char *ascii = g_str_to_ascii (name != NULL ? name : "", "C");
  GString *s = g_string_new (NULL);

  for (const char *p = ascii; *p != '\0'; p++)
    {
      if (g_ascii_isalnum (*p))
        g_string_append_c (s, *p);
      else if (s->len > 0 && s->str[s->len - 1] != '-')
        g_string_append_c (s, '-');
    }
  while (s->len > 0 && s->str[s->len - 1] == '-')
    g_string_truncate (s, s->len - 1);
  if (s->len == 0)
    g_string_append (s, "unnamed");
  else if (g_ascii_isdigit (s->str[0]))
    g_string_prepend_c (s, 'n');
  return g_string_free (s, FALSE);
}

GArray *
moped_abnf_flow_blocks (MopedElement *flow)
{
  g_autoptr(GPtrArray) steps = NULL;
  GArray *blocks;
  guint i = 0;

  g_return_val_if_fail (flow != NULL, NULL);

  blocks = g_array_new (FALSE, TRUE, sizeof (MopedFlowBlock));
  steps = moped_element_get_children_of_kind (flow, MOPED_KIND_STEP);
  while (i < steps->len)
    {
      MopedFlowBlock block = { i, 0, FALSE, TRUE };

      block.repeat = moped_element_get_bool (g_ptr_array_index (steps, i), MOPED_PROP_REPEAT);
      do
        {
          MopedElement *step = g_ptr_array_index (steps, i);

          block.all_optional &= moped_element_get_bool (step, MOPED_PROP_OPTIONAL);
          block.n_steps++;
          i++;
        }
      while (block.repeat && i < steps->len &&
             moped_element_get_bool (g_ptr_array_index (steps, i), MOPED_PROP_REPEAT));
      g_array_append_val (blocks, block);
    }
  return blocks;
}

/* The first candidate not taken (ABNF ignores case), else the first with -2, -3... */
static const char *
claim (Grammar            *self,
       const char * const *candidates)
{
  g_autofree char *chosen = NULL;
  char *key;

  for (guint i = 0; candidates[i] != NULL && chosen == NULL; i++)
    {
      g_autofree char *folded = g_ascii_strdown (candidates[i], -1);

      if (!g_hash_table_contains (self->taken, folded))
        chosen = g_strdup (candidates[i]);
    }
  for (guint n = 2; chosen == NULL; n++)
    {
      g_autofree char *candidate = g_strdup_printf ("%s-%u", candidates[0], n);
      g_autofree char *folded = g_ascii_strdown (candidate, -1);

      if (!g_hash_table_contains (self->taken, folded))
        chosen = g_steal_pointer (&candidate);
    }
  key = g_ascii_strdown (chosen, -1);
  g_hash_table_insert (self->taken, key, chosen);
  return g_steal_pointer (&chosen);
}

static void
reserve (Grammar    *self,
         const char *name)
{
  g_hash_table_insert (self->taken, g_ascii_strdown (name, -1), g_strdup (name));
}

static char *
lower_rule_name (const char *name)
{
  g_autofree char *rule = moped_abnf_rule_name (name);

  return g_ascii_strdown (rule, -1);
}

static char *
upper_rule_name (const char *name)
{
  g_autofree char *rule = moped_abnf_rule_name (name);

  return g_ascii_strup (rule, -1);
}

/* Text */

/* Plain printable ASCII on one line: what an ABNF comment may hold. */
static char *
comment_text (const char *text)
{
  g_autofree char *ascii = g_str_to_ascii (text, "C");
  GString *s = g_string_new (NULL);

  for (const char *p = ascii; *p != '\0'; p++)
    {
      char c = g_ascii_isprint (*p) ? *p : ' ';

      if (c != ' ' || (s->len > 0 && s->str[s->len - 1] != ' '))
        g_string_append_c (s, c);
    }
  while (s->len > 0 && s->str[s->len - 1] == ' ')
    g_string_truncate (s, s->len - 1);
  return g_string_free (s, FALSE);
}

static void
append_comment (GString    *out,
                const char *text)
{
  g_autofree char *clean = comment_text (text);
  g_auto(GStrv) words = g_strsplit (clean, " ", -1);
  gsize line_start = out->len;

  g_string_append (out, ";");
  for (guint i = 0; words[i] != NULL; i++)
    {
      if (*words[i] == '\0')
        continue;
      if (out->len - line_start + 1 + strlen (words[i]) > WRAP_COLUMN &&
          out->len - line_start > 2)
        {
          g_string_append_c (out, '\n');
          line_start = out->len;
          g_string_append (out, ";");
        }
      g_string_append_c (out, ' ');
      g_string_append (out, words[i]);
    }
  g_string_append_c (out, '\n');
}

/* "name = elements", wrapped at spaces (every space in elements is a place where
 * RFC 5234 allows a line break followed by white space). */
static void
append_rule (GString    *out,
             const char *name,
             const char *elements,
             const char *trailing_comment)
{
  g_auto(GStrv) words = g_strsplit (elements, " ", -1);
  gsize line_start = out->len;
  g_autofree char *comment = trailing_comment ? comment_text (trailing_comment) : NULL;

  g_string_append (out, name);
  do
    g_string_append_c (out, ' ');
  while (out->len - line_start < NAME_COLUMN);
  g_string_append_c (out, '=');
  for (guint i = 0; words[i] != NULL; i++)
    {
      if (out->len - line_start + 1 + strlen (words[i]) > WRAP_COLUMN &&
          out->len - line_start > NAME_COLUMN + 2)
        {
          g_string_append_c (out, '\n');
          line_start = out->len;
          g_string_append_printf (out, "%*s", NAME_COLUMN + 1, "");
        }
      g_string_append_c (out, ' ');
      g_string_append (out, words[i]);
    }
  if (comment != NULL && *comment != '\0')
    g_string_append_printf (out, "%*s; %s",
                            (int) MAX (1, NAME_COLUMN + 24 - (int) (out->len - line_start)), "",
                            comment);
  g_string_append_c (out, '\n');
}

/* Names */

static const char *
rule_of (Grammar      *self,
         MopedElement *element)
{
  return g_hash_table_lookup (self->rule_of, element);
}

static char *
protocol_base (MopedElement *protocol)
{
  return lower_rule_name (moped_element_get_name (protocol));
}

static void
claim_protocol (Grammar      *self,
                MopedElement *protocol)
{
  g_autofree char *base = protocol_base (protocol);
  g_autofree char *rule = NULL;
  const char *candidates[2] = { NULL, NULL };

  if (g_str_equal (base, "protocol") || g_str_has_suffix (base, "-protocol"))
    rule = g_strdup (base);
  else
    rule = g_strconcat (base, "-protocol", NULL);
  candidates[0] = rule;
  g_hash_table_insert (self->rule_of, protocol, (gpointer) claim (self, candidates));
}

static void
claim_command (Grammar      *self,
               MopedElement *command)
{
  MopedElement *protocol = moped_element_get_ancestor (command, MOPED_KIND_PROTOCOL);
  g_autofree char *rule = upper_rule_name (moped_element_get_name (command));
  g_autofree char *base = protocol ? protocol_base (protocol) : g_strdup ("command");
  g_autofree char *prefixed = g_ascii_strup (base, -1);
  g_autofree char *qualified = g_strconcat (prefixed, "-", rule, NULL);
  const char *candidates[] = { rule, qualified, NULL };

  if (!g_hash_table_contains (self->rule_of, command))
    g_hash_table_insert (self->rule_of, command, (gpointer) claim (self, candidates));
}

/* A role's conversation: "mdp-worker-worker"; its states "mdp-worker-worker-0"... */
static void
claim_role (Grammar      *self,
            MopedElement *protocol,
            MopedElement *role)
{
  g_autofree char *base = protocol_base (protocol);
  g_autofree char *name = lower_rule_name (moped_element_get_name (role));
  g_autofree char *rule = g_strconcat (base, "-", name, NULL);
  g_autofree char *suffixed = g_strconcat (rule, "-conversation", NULL);
  const char *candidates[] = { rule, suffixed, NULL };

  g_hash_table_insert (self->rule_of, role, (gpointer) claim (self, candidates));
}

static const char *
state_rule (Grammar      *self,
            MopedElement *role,
            guint         state)
{
  g_autofree char *key = g_strdup_printf ("%p:%u", (void *) role, state);
  const char *rule = g_hash_table_lookup (self->state_rules, key);

  if (rule == NULL)
    {
      g_autofree char *candidate = g_strdup_printf ("%s-%u", rule_of (self, role), state);
      const char *candidates[] = { candidate, NULL };

      rule = claim (self, candidates);
      g_hash_table_insert (self->state_rules, g_steal_pointer (&key), (gpointer) rule);
    }
  return rule;
}

/* The token of a role's name, one rule per distinct name: "broker-role". */
static const char *
role_name_rule (Grammar      *self,
                MopedElement *role)
{
  const char *name = moped_element_get_name (role);
  const char *rule = g_hash_table_lookup (self->name_rules, name);

  if (rule == NULL)
    {
      g_autofree char *base = lower_rule_name (name);
      g_autofree char *candidate = g_strconcat (base, "-role", NULL);
      const char *candidates[] = { candidate, NULL };

      rule = claim (self, candidates);
      g_hash_table_insert (self->name_rules, g_strdup (name), (gpointer) rule);
    }
  return rule;
}

static void
claim_field (Grammar      *self,
             MopedElement *command,
             MopedElement *field)
{
  int type = moped_element_get_enum (field, MOPED_PROP_TYPE);
  g_autofree char *rule = lower_rule_name (moped_element_get_name (field));
  g_autofree char *key = g_strdup_printf ("%s\t%d\t%d", rule, type, field_is_packed (field));
  const char *shared = g_hash_table_lookup (self->field_rules, key);

  if (shared == NULL)
    {
      g_autofree char *owner = lower_rule_name (moped_element_get_name (command));
      g_autofree char *qualified = g_strconcat (owner, "-", rule, NULL);
      const char *candidates[] = { rule, qualified, NULL };

      shared = claim (self, candidates);
      g_hash_table_insert (self->field_rules, g_steal_pointer (&key), (gpointer) shared);
    }
  g_hash_table_insert (self->rule_of, field, (gpointer) shared);
}

/* The octets of a fixed frame part in the textual form, as ABNF: "%x52.45.41.44.59"
 * (case-sensitive, unlike a quoted string), or "" when there are none. */
static char *
literal_of (GBytes *bytes)
{
  gsize size = 0;
  const guchar *data = bytes ? g_bytes_get_data (bytes, &size) : NULL;
  GString *text = g_string_new (NULL);
  GString *s = g_string_new (NULL);

  for (gsize i = 0; i < size; i++)
    {
      guchar c = data[i];

      if (c >= 0x20 && c <= 0x7E && c != '"' && c != '%')
        g_string_append_c (text, (char) c);
      else
        g_string_append_printf (text, "%%%02X", c);
    }
  for (gsize i = 0; i < text->len; i++)
    g_string_append_printf (s, "%s%02X", i == 0 ? "%x" : ".", (guchar) text->str[i]);
  g_string_free (text, TRUE);
  return g_string_free (s, FALSE);
}

static char *
literal_of_text (const char *text)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));

  return literal_of (bytes);
}

/* One octet in the textual form, as ABNF: %x41 for "A", %x25.30.35 for "%05". */
static char *
octet_literal (guint8 octet)
{
  g_autoptr(GBytes) bytes = g_bytes_new (&octet, 1);

  return literal_of (bytes);
}

/* The packed length-prefixed encodings, one alternative per length up to 255 so that a
 * parser knows where the field ends (ABNF cannot count, but it can enumerate). */
static char *
make_length_prefixed (const char *name)
{
  gboolean one_octet = g_str_equal (name, "packed-string");
  const char *item = g_str_equal (name, "packed-strings") ? "packed-long" : "frame-octet";
  g_autofree char *zero = octet_literal (0);
  GString *s = g_string_new (NULL);

  for (guint n = 0; n < 256; n++)
    {
      g_autofree char *length = octet_literal ((guint8) n);

      if (n > 0)
        g_string_append (s, " / ");
      if (!one_octet)
        g_string_append_printf (s, "%s %s %s ", zero, zero, zero);
      g_string_append (s, length);
      if (n > 0)
        g_string_append_printf (s, " %u%s", n, item);
    }
  if (!one_octet)
    g_string_append_printf (s, " / 4frame-octet *%s", item);
  return g_string_free (s, FALSE);
}

/* Gathering */

static void
protocol_info_clear (ProtocolInfo *info)
{
  g_clear_pointer (&info->roles, g_ptr_array_unref);
  g_clear_pointer (&info->machines, g_ptr_array_unref);
  g_clear_pointer (&info->commands, g_ptr_array_unref);
  g_clear_pointer (&info->unused, g_ptr_array_unref);
}

static gboolean
machines_use (ProtocolInfo *info,
              MopedElement *command)
{
  for (guint m = 0; m < info->machines->len; m++)
    {
      const MopedMachine *machine = g_ptr_array_index (info->machines, m);

      for (guint t = 0; t < machine->transitions->len; t++)
        if (g_array_index (machine->transitions, MopedTransition, t).command == command)
          return TRUE;
    }
  return FALSE;
}

static void
gather_protocol (Grammar      *self,
                 MopedElement *protocol)
{
  ProtocolInfo info = { protocol };
  g_autoptr(GPtrArray) own = moped_element_get_children_of_kind (protocol, MOPED_KIND_COMMAND);

  info.roles = moped_element_get_children_of_kind (protocol, MOPED_KIND_ROLE);
  info.machines = g_ptr_array_new_with_free_func ((GDestroyNotify) moped_machine_free);
  info.commands = g_ptr_array_new ();
  info.unused = g_ptr_array_new ();
  for (guint r = 0; r < info.roles->len; r++)
    g_ptr_array_add (info.machines, moped_machine_new (protocol, NULL, g_ptr_array_index (info.roles, r)));
  for (guint c = 0; c < own->len; c++)
    g_ptr_array_add (machines_use (&info, g_ptr_array_index (own, c)) ? info.commands : info.unused,
                     g_ptr_array_index (own, c));
  /* A step may name a command of another protocol; the grammar must define it. */
  for (guint m = 0; m < info.machines->len; m++)
    {
      const MopedMachine *machine = g_ptr_array_index (info.machines, m);

      for (guint t = 0; t < machine->transitions->len; t++)
        {
          MopedElement *command = g_array_index (machine->transitions, MopedTransition, t).command;

          if (command != NULL && !g_ptr_array_find (info.commands, command, NULL))
            g_ptr_array_add (info.commands, command);
        }
    }
  g_array_append_val (self->protocols, info);
}

/* Per state of @machine: whether a conversation can still end from it. A transition
 * into a state that cannot is left out: no whole conversation takes it. */
static gboolean *
live_states (const MopedMachine *machine)
{
  gboolean *live = g_new0 (gboolean, machine->n_states);
  gboolean changed = TRUE;

  for (guint s = 0; s < machine->n_states; s++)
    live[s] = machine->final[s];
  while (changed)
    {
      changed = FALSE;
      for (guint t = 0; t < machine->transitions->len; t++)
        {
          const MopedTransition *tr = &g_array_index (machine->transitions, MopedTransition, t);

          if (live[tr->to] && !live[tr->from])
            live[tr->from] = changed = TRUE;
        }
    }
  return live;
}

static void
claim_all (Grammar      *self,
           MopedElement *design_rule_owner)
{
  for (guint i = 0; i < G_N_ELEMENTS (core_rules); i++)
    reserve (self, core_rules[i]);
  for (guint g = 0; g < G_N_ELEMENTS (shared_groups); g++)
    for (guint r = 0; r < G_N_ELEMENTS (shared_groups[g].rules); r++)
      if (shared_groups[g].rules[r].name != NULL)
        reserve (self, shared_groups[g].rules[r].name);

  if (design_rule_owner != NULL)
    {
      g_autofree char *rule = lower_rule_name (moped_element_get_name (design_rule_owner));
      g_autofree char *suffixed = g_strconcat (rule, "-design", NULL);
      const char *candidates[] = { rule, suffixed, NULL };

      g_hash_table_insert (self->rule_of, design_rule_owner, (gpointer) claim (self, candidates));
    }
  for (guint p = 0; p < self->protocols->len; p++)
    claim_protocol (self, g_array_index (self->protocols, ProtocolInfo, p).protocol);
  for (guint p = 0; p < self->protocols->len; p++)
    {
      ProtocolInfo *info = &g_array_index (self->protocols, ProtocolInfo, p);

      for (guint r = 0; r < info->roles->len; r++)
        claim_role (self, info->protocol, g_ptr_array_index (info->roles, r));
    }
  for (guint p = 0; p < self->protocols->len; p++)
    {
      ProtocolInfo *info = &g_array_index (self->protocols, ProtocolInfo, p);

      for (guint r = 0; r < info->roles->len; r++)
        {
          const MopedMachine *machine = g_ptr_array_index (info->machines, r);
          g_autofree gboolean *live = live_states (machine);

          for (guint s = 0; s < machine->n_states; s++)
            if (live[s])
              state_rule (self, machine->role, s);
        }
    }
  for (guint p = 0; p < self->protocols->len; p++)
    {
      ProtocolInfo *info = &g_array_index (self->protocols, ProtocolInfo, p);

      for (guint c = 0; c < info->commands->len; c++)
        claim_command (self, g_ptr_array_index (info->commands, c));
    }
  for (guint p = 0; p < self->protocols->len; p++)
    {
      ProtocolInfo *info = &g_array_index (self->protocols, ProtocolInfo, p);

      for (guint r = 0; r < info->roles->len; r++)
        role_name_rule (self, g_ptr_array_index (info->roles, r));
    }
  for (guint p = 0; p < self->protocols->len; p++)
    {
      ProtocolInfo *info = &g_array_index (self->protocols, ProtocolInfo, p);

      for (guint c = 0; c < info->commands->len; c++)
        {
          MopedElement *command = g_ptr_array_index (info->commands, c);
          g_autoptr(GPtrArray) fields = moped_element_get_children_of_kind (command, MOPED_KIND_FIELD);

          for (guint i = 0; i < fields->len; i++)
            if (!g_hash_table_contains (self->rule_of, g_ptr_array_index (fields, i)))
              claim_field (self, command, g_ptr_array_index (fields, i));
        }
    }
}

/* Writing */

static void
write_field (Grammar      *self,
             MopedElement *field)
{
  const char *rule = rule_of (self, field);
  int type = moped_element_get_enum (field, MOPED_PROP_TYPE);
  gboolean packed = field_is_packed (field);
  const char *type_rule = packed ? field_type_rules[type].packed_rule : field_type_rules[type].rule;
  g_autofree char *comment = comment_text (moped_element_get_string (field, MOPED_PROP_DESCRIPTION));
  gsize rule_length = MAX (strlen (rule) + 1, NAME_COLUMN) + 2 + strlen (type_rule);
  gsize comment_column = MAX (rule_length + 1, NAME_COLUMN + 24);

  if (g_hash_table_contains (self->written, rule))
    return;
  g_hash_table_add (self->written, (gpointer) rule);
  self->shared_used |= packed ? field_type_rules[type].packed_bit : field_type_rules[type].bit;
  /* Short descriptions trail the rule as in zproto; long ones go above it. */
  if (*comment != '\0' && comment_column + 2 + strlen (comment) > 100)
    {
      append_comment (self->out, comment);
      append_rule (self->out, rule, type_rule, NULL);
    }
  else
    append_rule (self->out, rule, type_rule, comment);
}

static const char *
frame_kind_name (MopedFrameKind kind)
{
  static const char * const names[] = {
    [MOPED_FRAME_DELIMITER] = "empty delimiter", [MOPED_FRAME_TOPIC] = "topic",
    [MOPED_FRAME_HEADER] = "header", [MOPED_FRAME_COMMAND] = "command",
    [MOPED_FRAME_FIELD] = "field", [MOPED_FRAME_PACKED] = "packed",
  };

  return names[kind];
}

/* The frames of one layout as ABNF elements, each frame after a space between quotes;
 * the fields it names are added to @fields, its shape to @shape ("command, field
 * (service)"). */
static char *
layout_elements (Grammar      *self,
                 MopedElement *command,
                 GPtrArray    *frames,
                 GPtrArray    *fields,
                 GString      *shape)
{
  MopedElement *protocol = moped_element_get_ancestor (command, MOPED_KIND_PROTOCOL);
  guint signature = protocol ? (guint) moped_element_get_int (protocol, MOPED_PROP_SIGNATURE) : 0;
  GString *s = g_string_new (NULL);

  for (guint f = 0; f < frames->len; f++)
    {
      const MopedFrame *frame = g_ptr_array_index (frames, f);
      g_autofree char *literal = frame->value ? literal_of (frame->value) : NULL;

      /* A msg field: the rest of the message, each of its frames a token (zero or more) */
      if (frame->field != NULL && moped_element_get_enum (frame->field, MOPED_PROP_TYPE) == MOPED_FIELD_MSG)
        {
          g_string_append_printf (s, "%s*( SP DQUOTE %s DQUOTE )", f > 0 ? " " : "", rule_of (self, frame->field));
          g_string_append_printf (shape, "%sany number of frames (%s)", f > 0 ? ", " : "",
                                  moped_element_get_name (frame->field));
          if (!g_ptr_array_find (fields, frame->field, NULL))
            g_ptr_array_add (fields, frame->field);
          continue;
        }
      g_string_append (s, f > 0 ? " SP DQUOTE" : "SP DQUOTE");
      g_string_append_printf (shape, "%s%s", f > 0 ? ", " : "", frame_kind_name (frame->kind));
      if (frame->field != NULL)
        {
          g_string_append_printf (s, " %s", rule_of (self, frame->field));
          g_string_append_printf (shape, " (%s)", moped_element_get_name (frame->field));
          if (!g_ptr_array_find (fields, frame->field, NULL))
            g_ptr_array_add (fields, frame->field);
        }
      else if (literal != NULL && *literal != '\0')
        g_string_append_printf (s, " %s", literal);
      for (guint i = 0; frame->parts != NULL && i < frame->parts->len; i++)
        {
          const MopedFramePart *part = &g_array_index (frame->parts, MopedFramePart, i);
          g_autofree char *octets = NULL;

          switch (part->kind)
            {
            case MOPED_PART_SIGNATURE:
              {
                guint16 value = GUINT16_TO_BE ((guint16) (MOPED_PACKED_SIGNATURE_BASE | (signature & 0xF)));
                g_autoptr(GBytes) bytes = g_bytes_new (&value, 2);

                octets = literal_of (bytes);
                g_string_append_printf (shape, "%s signature", i == 0 ? ":" : ",");
              }
              break;
            case MOPED_PART_COMMAND:
              octets = octet_literal ((guint8) moped_command_get_wire_id (command));
              g_string_append_printf (shape, "%s id %u", i == 0 ? ":" : ",", moped_command_get_wire_id (command));
              break;
            case MOPED_PART_TOPIC:
              octets = g_strdup ("pubsub-topic");
              self->shared_used |= SHARED_PUBSUB_TOPIC;
              g_string_append_printf (shape, "%s topic", i == 0 ? ":" : ",");
              break;
            case MOPED_PART_FIELD:
            default:
              octets = g_strdup (rule_of (self, part->field));
              g_string_append_printf (shape, "%s %s", i == 0 ? ":" : ",", moped_element_get_name (part->field));
              if (!g_ptr_array_find (fields, part->field, NULL))
                g_ptr_array_add (fields, part->field);
              break;
            }
          g_string_append_printf (s, " %s", octets);
        }
      g_string_append (s, " DQUOTE");
    }
  return g_string_free (s, FALSE);
}

/* "READY = SP DQUOTE %x52.45.41.44.59 DQUOTE SP DQUOTE service DQUOTE", or one
 * alternative per layout when the links of its protocol frame it differently. */
static void
write_command (Grammar      *self,
               MopedElement *command)
{
  g_autoptr(GArray) pairs = message_socket_pairs (command);
  g_autoptr(GPtrArray) layouts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) fields = g_ptr_array_new ();
  g_autoptr(GString) elements = g_string_new (NULL);
  g_autoptr(GString) comment = g_string_new (moped_element_get_name (command));
  g_autoptr(GString) shapes = g_string_new (NULL);
  MopedElement *sender = moped_element_get_ref (command, MOPED_PROP_SENDER);
  const char *description = moped_element_get_string (command, MOPED_PROP_DESCRIPTION);

  if (g_hash_table_contains (self->written, command))
    return;
  g_hash_table_add (self->written, command);

  for (guint p = 0; p < pairs->len; p++)
    {
      g_autoptr(GPtrArray) frames = frames_of_message (command, g_array_index (pairs, guint, p));
      g_autoptr(GString) shape = g_string_new (NULL);
      char *layout = layout_elements (self, command, frames, fields, shape);
      gboolean known = FALSE;

      for (guint l = 0; l < layouts->len && !known; l++)
        known = g_str_equal (g_ptr_array_index (layouts, l), layout);
      if (known)
        {
          g_free (layout);
          continue;
        }
      g_ptr_array_add (layouts, layout);
      g_string_append_printf (shapes, "%s%s", shapes->len > 0 ? "; or " : "", shape->str);
    }
  if (layouts->len == 1)
    g_string_append (elements, g_ptr_array_index (layouts, 0));
  else
    for (guint l = 0; l < layouts->len; l++)
      g_string_append_printf (elements, "%s%s%s", l == 0 ? "( " : " / ",
                              (const char *) g_ptr_array_index (layouts, l), l + 1 == layouts->len ? " )" : "");

  if (sender != NULL)
    g_string_append_printf (comment, ", sent by %s", moped_element_get_name (sender));
  if (*description != '\0')
    g_string_append_printf (comment, ": %s", description);
  while (comment->len > 0 && comment->str[comment->len - 1] == '.')
    g_string_truncate (comment, comment->len - 1);
  g_string_append_printf (comment, ". Frames: %s", shapes->str);

  g_string_append_c (self->out, '\n');
  append_comment (self->out, comment->str);
  append_rule (self->out, rule_of (self, command), elements->str, NULL);
  for (guint i = 0; i < fields->len; i++)
    write_field (self, g_ptr_array_index (fields, i));
}

static void
write_role_name (Grammar      *self,
                 MopedElement *role)
{
  const char *rule = role_name_rule (self, role);
  g_autofree char *literal = literal_of_text (moped_element_get_name (role));
  g_autofree char *elements = g_strdup_printf ("DQUOTE%s%s DQUOTE", *literal ? " " : "", literal);

  if (g_hash_table_contains (self->written, rule))
    return;
  g_hash_table_add (self->written, (gpointer) rule);
  append_rule (self->out, rule, elements, moped_element_get_name (role));
}

/* A role's state machine as a right-linear grammar: the conversation rule says which
 * protocol and role it is, then one rule per state. */
static void
write_conversation (Grammar            *self,
                    ProtocolInfo       *info,
                    const MopedMachine *machine)
{
  MopedElement *role = machine->role;
  g_autofree gboolean *live = live_states (machine);
  g_autofree char *protocol_literal = literal_of_text (moped_element_get_name (info->protocol));
  g_autofree char *heading = NULL;
  g_autofree char *elements = NULL;
  const char *description = moped_element_get_string (role, MOPED_PROP_DESCRIPTION);

  heading = g_strdup_printf ("The conversation of the %s in %s (\">\" what it sends, \"<\" what "
                             "it receives), one rule per state of its state machine%s%s",
                             moped_element_get_name (role), moped_element_get_name (info->protocol),
                             *description ? ". The role: " : "", description);
  elements = g_strdup_printf ("DQUOTE%s%s DQUOTE SP %s CRLF %s", *protocol_literal ? " " : "",
                              protocol_literal, role_name_rule (self, role), state_rule (self, role, 0));
  g_string_append_c (self->out, '\n');
  append_comment (self->out, heading);
  append_rule (self->out, rule_of (self, role), elements, NULL);

  for (guint s = 0; s < machine->n_states; s++)
    {
      g_autoptr(GString) alternatives = g_string_new (NULL);

      if (!live[s])
        continue;
      for (guint t = 0; t < machine->transitions->len; t++)
        {
          const MopedTransition *tr = &g_array_index (machine->transitions, MopedTransition, t);
          const char *peer;

          if (tr->from != s || !live[tr->to] || tr->command == NULL)
            continue;
          if (tr->peer != NULL)
            peer = role_name_rule (self, tr->peer);
          else
            {
              peer = "any-role";
              self->shared_used |= SHARED_ANY_ROLE;
            }
          g_string_append_printf (alternatives, "%s\"%s\" SP %s \":\" %s CRLF %s",
                                  alternatives->len > 0 ? " / " : "", tr->send ? ">" : "<", peer,
                                  rule_of (self, tr->command), state_rule (self, role, tr->to));
        }
      /* Last, so that a parser taking the first alternative that fits reads on. */
      if (machine->final[s])
        g_string_append_printf (alternatives, "%s\"\"", alternatives->len > 0 ? " / " : "");
      append_rule (self->out, state_rule (self, role, s), alternatives->str, NULL);
    }
}

static void
write_protocol (Grammar      *self,
                ProtocolInfo *info)
{
  g_autoptr(GString) elements = g_string_new (NULL);
  const char *summary = moped_element_get_string (info->protocol, MOPED_PROP_SUMMARY);
  g_autofree char *heading =
    g_strdup_printf ("The %s protocol, version %" G_GINT64_FORMAT "%s%s%s A conversation as "
                     "one of its roles sees it:",
                     moped_element_get_name (info->protocol),
                     moped_element_get_int (info->protocol, MOPED_PROP_VERSION),
                     *summary ? ": " : "", summary,
                     g_str_has_suffix (summary, ".") ? "" : ".");

  for (guint r = 0; r < info->roles->len; r++)
    g_string_append_printf (elements, "%s%s", r > 0 ? " / " : "",
                            rule_of (self, g_ptr_array_index (info->roles, r)));
  if (elements->len == 0)
    g_string_append (elements, "\"\"");

  g_string_append_c (self->out, '\n');
  append_comment (self->out, heading);
  append_rule (self->out, rule_of (self, info->protocol), elements->str, NULL);
  for (guint r = 0; r < info->machines->len; r++)
    write_conversation (self, info, g_ptr_array_index (info->machines, r));

  g_string_append_c (self->out, '\n');
  append_comment (self->out, "The names of the roles, as the lines above write them");
  for (guint r = 0; r < info->roles->len; r++)
    write_role_name (self, g_ptr_array_index (info->roles, r));
  for (guint m = 0; m < info->machines->len; m++)
    {
      const MopedMachine *machine = g_ptr_array_index (info->machines, m);

      for (guint t = 0; t < machine->transitions->len; t++)
        {
          MopedElement *peer = g_array_index (machine->transitions, MopedTransition, t).peer;

          if (peer != NULL)
            write_role_name (self, peer);
        }
    }

  for (guint c = 0; c < info->commands->len; c++)
    write_command (self, g_ptr_array_index (info->commands, c));
  if (info->unused->len > 0)
    {
      g_autoptr(GString) comment = g_string_new ("No flow of the protocol sends");

      for (guint c = 0; c < info->unused->len; c++)
        g_string_append_printf (comment, "%s %s", c == 0 ? "" : c + 1 < info->unused->len ? "," : " or",
                                moped_element_get_name (g_ptr_array_index (info->unused, c)));
      g_string_append (comment, ", so no conversation has it and the grammar leaves it out.");
      g_string_append_c (self->out, '\n');
      append_comment (self->out, comment->str);
    }
}

static void
write_shared (Grammar *self)
{
  guint used = self->shared_used;

  /* Dependencies first, so that one pass over the table sees them all. */
  for (guint g = 0; g < G_N_ELEMENTS (shared_groups); g++)
    for (guint r = 0; r < G_N_ELEMENTS (shared_groups[g].rules); r++)
      if (used & shared_groups[g].rules[r].bit)
        used |= shared_groups[g].rules[r].needs;

  for (guint g = 0; g < G_N_ELEMENTS (shared_groups); g++)
    {
      gboolean first = TRUE;

      for (guint r = 0; r < G_N_ELEMENTS (shared_groups[g].rules); r++)
        {
          const SharedRule *rule = &shared_groups[g].rules[r];

          if (rule->name == NULL || (used & rule->bit) == 0)
            continue;
          if (first)
            {
              g_string_append_c (self->out, '\n');
              append_comment (self->out, shared_groups[g].comment);
              first = FALSE;
            }
          if (rule->definition != NULL)
            append_rule (self->out, rule->name, rule->definition, NULL);
          else
            {
              g_autofree char *made = shared_groups[g].make (rule->name);

              append_rule (self->out, rule->name, made, NULL);
            }
        }
    }
}

static void
write_header (Grammar      *self,
              MopedElement *protocol)
{
  MopedElement *root = moped_design_get_root (self->design);
  g_autofree char *title = NULL;

  if (protocol != NULL)
    title = g_strdup_printf ("The %s protocol, version %" G_GINT64_FORMAT
                             ", in ABNF (RFC 5234). Written by Moped from the design \"%s\".",
                             moped_element_get_name (protocol),
                             moped_element_get_int (protocol, MOPED_PROP_VERSION),
                             moped_element_get_name (root));
  else
    title = g_strdup_printf ("The protocols of the design \"%s\", in ABNF (RFC 5234). "
                             "Written by Moped.", moped_element_get_name (root));
  append_comment (self->out, title);
  append_comment (self->out,
                  "The grammar reads a conversation as one role sees it, written as text. The "
                  "first line names the protocol and the role, as two tokens with a space "
                  "between. Then comes one line per message, in the order the role sends and "
                  "receives them: \">\" when the role sends the message or \"<\" when it "
                  "receives it, a space, the other role's name as a token, \":\", then each "
                  "frame of the message as a token after one space.");
  append_comment (self->out,
                  "A token is DQUOTE, octets, DQUOTE. The octets %x20-21, %x23-24 and %x26-7E "
                  "stand for themselves; every other octet (the quote and the percent sign "
                  "too) is written \"%\" and two upper-case hex digits, so each frame has one "
                  "spelling and no frame can run into the next. Every line ends in CRLF.");
  append_comment (self->out,
                  "Example: \"MDP/Worker\" \"worker\" CRLF > \"broker\": \"READY\" \"echo\" CRLF.");
  append_comment (self->out,
                  "The frames of a message are those its protocol's framing puts on the wire "
                  "(topic, empty delimiter, header, command id, fields, or one packed frame as "
                  "zproto's codec lays it out), after the routing id a ROUTER sees first, and "
                  "without the empty delimiter REQ and REP sockets add and remove themselves. "
                  "Where the links of a protocol frame a message differently, its rule has one "
                  "alternative per way. DQUOTE, SP, CRLF and DIGIT are the core rules of RFC "
                  "5234, Appendix B.1.");
}

static void
write_design_rule (Grammar *self)
{
  MopedElement *root = moped_design_get_root (self->design);
  g_autoptr(GString) elements = g_string_new (NULL);

  for (guint p = 0; p < self->protocols->len; p++)
    g_string_append_printf (elements, "%s%s", p > 0 ? " / " : "",
                            rule_of (self, g_array_index (self->protocols, ProtocolInfo, p).protocol));
  if (elements->len == 0)
    g_string_append (elements, "\"\"");
  g_string_append_c (self->out, '\n');
  append_comment (self->out, "A conversation in any protocol of the design");
  append_rule (self->out, rule_of (self, root), elements->str, NULL);
}

char *
moped_abnf_generate (MopedDesign  *design,
                     MopedElement *protocol)
{
  Grammar self = { design };
  g_autoptr(GPtrArray) protocols = NULL;

  g_return_val_if_fail (MOPED_IS_DESIGN (design), NULL);
  g_return_val_if_fail (protocol == NULL || moped_element_get_kind (protocol) == MOPED_KIND_PROTOCOL, NULL);

  self.taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self.rule_of = g_hash_table_new (NULL, NULL);
  self.field_rules = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self.name_rules = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self.state_rules = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self.written = g_hash_table_new (NULL, NULL);
  self.protocols = g_array_new (FALSE, TRUE, sizeof (ProtocolInfo));
  g_array_set_clear_func (self.protocols, (GDestroyNotify) protocol_info_clear);
  self.out = g_string_new (NULL);

  if (protocol != NULL)
    gather_protocol (&self, protocol);
  else
    {
      protocols = moped_design_collect (design, MOPED_KIND_PROTOCOL);
      for (guint i = 0; i < protocols->len; i++)
        gather_protocol (&self, g_ptr_array_index (protocols, i));
    }
  claim_all (&self, protocol == NULL ? moped_design_get_root (design) : NULL);

  write_header (&self, protocol);
  if (protocol == NULL)
    write_design_rule (&self);
  for (guint p = 0; p < self.protocols->len; p++)
    write_protocol (&self, &g_array_index (self.protocols, ProtocolInfo, p));
  write_shared (&self);

  g_hash_table_unref (self.rule_of);
  g_hash_table_unref (self.field_rules);
  g_hash_table_unref (self.name_rules);
  g_hash_table_unref (self.state_rules);
  g_hash_table_unref (self.written);
  g_array_unref (self.protocols);
  g_hash_table_unref (self.taken);
  /* RFC 5234 ends every line in CRLF. */
  {
    g_autoptr(GString) crlf = g_string_sized_new (self.out->len + self.out->len / 40);

    for (gsize i = 0; i < self.out->len; i++)
      {
        if (self.out->str[i] == '\n')
          g_string_append_c (crlf, '\r');
        g_string_append_c (crlf, self.out->str[i]);
      }
    g_string_free (self.out, TRUE);
    return g_string_free (g_steal_pointer (&crlf), FALSE);
  }
}
