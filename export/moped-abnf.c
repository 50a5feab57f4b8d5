/* moped-abnf.c: writing a design's protocols as an ABNF grammar (RFC 5234) in zproto's layout.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-export"

#include <string.h>

#include "moped-abnf.h"
#include "moped-schema.h"

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
};

typedef struct
{
  guint       bit;
  const char *name;
  const char *definition;
  guint       needs;
} SharedRule;

typedef struct
{
  const char *comment;
  SharedRule  rules[3];
} SharedGroup;

/* The encodings of the field types, written after the rules that use them. */
static const SharedGroup shared_groups[] = {
  { "A string is UTF-8 text of at most 255 octets, in one frame",
    { { SHARED_STRING, "string", "*255OCTET", 0 } } },
  { "A longstr is UTF-8 text of any length, in one frame",
    { { SHARED_LONGSTR, "longstr", "*OCTET", 0 } } },
  { "A list of strings in one frame: a 4-octet count, then each string as a "
    "4-octet length and its UTF-8 text",
    { { SHARED_STRINGS, "strings", "strings-count *strings-value", 0 },
      { SHARED_STRINGS, "strings-count", "number-4", SHARED_NUMBER_4 },
      { SHARED_STRINGS, "strings-value", "number-4 *OCTET", SHARED_NUMBER_4 } } },
  { "Bytes are opaque binary data, in one frame",
    { { SHARED_BYTES, "bytes", "*OCTET", 0 } } },
  { "A frame is zero or more octets passed on untouched as one ZeroMQ frame",
    { { SHARED_FRAME, "frame", "*OCTET", 0 } } },
  { "Numbers are unsigned integers in network byte order",
    { { SHARED_NUMBER_4, "number-4", "4OCTET", 0 },
      { SHARED_NUMBER_8, "number-8", "8OCTET", 0 } } },
};

static const struct
{
  const char *rule;
  guint       bit;
} field_type_rules[MOPED_N_FIELD_TYPES] = {
  [MOPED_FIELD_STRING] = { "string", SHARED_STRING },
  [MOPED_FIELD_LONGSTR] = { "longstr", SHARED_LONGSTR },
  [MOPED_FIELD_NUMBER] = { "number-8", SHARED_NUMBER_8 },
  [MOPED_FIELD_STRINGS] = { "strings", SHARED_STRINGS },
  [MOPED_FIELD_BYTES] = { "bytes", SHARED_BYTES },
  [MOPED_FIELD_FRAME] = { "frame", SHARED_FRAME },
};

typedef struct
{
  MopedElement *protocol;
  GPtrArray    *commands;  /* its own, then those its flows borrow from others */
  GPtrArray    *flows;
} ProtocolInfo;

typedef struct
{
  MopedDesign *design;
  GHashTable  *taken;        /* casefolded rule name -> rule name as written */
  GHashTable  *rule_of;      /* element -> rule name (borrowed from taken) */
  GHashTable  *field_rules;  /* "name\ttype" -> rule name, so equal fields share one rule */
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

/* Names */

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

static void
claim_flow (Grammar      *self,
            MopedElement *flow)
{
  g_autofree char *rule = lower_rule_name (moped_element_get_name (flow));
  g_autofree char *suffixed = g_strconcat (rule, "-flow", NULL);
  const char *candidates[] = { rule, suffixed, NULL };

  g_hash_table_insert (self->rule_of, flow, (gpointer) claim (self, candidates));
}

static void
claim_field (Grammar      *self,
             MopedElement *command,
             MopedElement *field)
{
  int type = moped_element_get_enum (field, MOPED_PROP_TYPE);
  g_autofree char *rule = lower_rule_name (moped_element_get_name (field));
  g_autofree char *key = g_strdup_printf ("%s\t%d", rule, type);
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

/* The command frame: the command's name as octets (ABNF strings ignore case). */
static char *
literal_of (const char *text)
{
  GString *s = g_string_new (NULL);

  if (*text == '\0')
    return g_string_free (s, FALSE);
  g_string_append (s, "%x");
  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    g_string_append_printf (s, "%s%02X", p == (const guchar *) text ? "" : ".", *p);
  return g_string_free (s, FALSE);
}

/* Gathering */

static void
protocol_info_clear (ProtocolInfo *info)
{
  g_clear_pointer (&info->commands, g_ptr_array_unref);
  g_clear_pointer (&info->flows, g_ptr_array_unref);
}

static void
gather_protocol (Grammar      *self,
                 MopedElement *protocol)
{
  ProtocolInfo info = { protocol, NULL, NULL };

  info.commands = moped_element_get_children_of_kind (protocol, MOPED_KIND_COMMAND);
  info.flows = moped_element_get_children_of_kind (protocol, MOPED_KIND_FLOW);
  /* A step may name a command of another protocol; the grammar must define it. */
  for (guint f = 0; f < info.flows->len; f++)
    {
      g_autoptr(GPtrArray) steps =
        moped_element_get_children_of_kind (g_ptr_array_index (info.flows, f), MOPED_KIND_STEP);

      for (guint s = 0; s < steps->len; s++)
        {
          MopedElement *command = moped_element_get_ref (g_ptr_array_index (steps, s),
                                                         MOPED_PROP_COMMAND);

          if (command != NULL && !g_ptr_array_find (info.commands, command, NULL))
            g_ptr_array_add (info.commands, command);
        }
    }
  g_array_append_val (self->protocols, info);
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

      for (guint c = 0; c < info->commands->len; c++)
        claim_command (self, g_ptr_array_index (info->commands, c));
    }
  for (guint p = 0; p < self->protocols->len; p++)
    {
      ProtocolInfo *info = &g_array_index (self->protocols, ProtocolInfo, p);

      for (guint f = 0; f < info->flows->len; f++)
        claim_flow (self, g_ptr_array_index (info->flows, f));
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

/* "*( a / b )", "*a" or "" for a list of alternatives that may repeat. */
static char *
any_of (GPtrArray *alternatives)
{
  g_autoptr(GString) s = g_string_new (NULL);

  if (alternatives->len == 0)
    return g_strdup ("\"\"");
  if (alternatives->len == 1)
    return g_strdup_printf ("*%s", (const char *) g_ptr_array_index (alternatives, 0));
  g_string_append (s, "*(");
  for (guint i = 0; i < alternatives->len; i++)
    g_string_append_printf (s, "%s %s", i > 0 ? " /" : "", (const char *) g_ptr_array_index (alternatives, i));
  g_string_append (s, " )");
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static char *
flow_elements (Grammar      *self,
               MopedElement *flow)
{
  g_autoptr(GPtrArray) steps = moped_element_get_children_of_kind (flow, MOPED_KIND_STEP);
  g_autoptr(GArray) blocks = moped_abnf_flow_blocks (flow);
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint b = 0; b < blocks->len; b++)
    {
      const MopedFlowBlock *block = &g_array_index (blocks, MopedFlowBlock, b);
      g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);

      for (guint i = block->first; i < block->first + block->n_steps; i++)
        {
          MopedElement *step = g_ptr_array_index (steps, i);
          MopedElement *command = moped_element_get_ref (step, MOPED_PROP_COMMAND);
          gboolean bracket = moped_element_get_bool (step, MOPED_PROP_OPTIONAL) &&
                             !(block->repeat && block->n_steps == 1);

          if (command == NULL)
            continue;
          g_ptr_array_add (items, bracket ? g_strdup_printf ("[ %s ]", rule_of (self, command))
                                          : g_strdup (rule_of (self, command)));
        }
      if (items->len == 0)
        continue;
      if (s->len > 0)
        g_string_append_c (s, ' ');
      if (block->repeat)
        g_string_append (s, block->all_optional ? "*" : "1*");
      if (block->repeat && items->len > 1)
        g_string_append (s, "( ");
      for (guint i = 0; i < items->len; i++)
        g_string_append_printf (s, "%s%s", i > 0 ? " " : "", (const char *) g_ptr_array_index (items, i));
      if (block->repeat && items->len > 1)
        g_string_append (s, " )");
    }
  if (s->len == 0)
    return g_strdup ("\"\"");
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
write_flow (Grammar      *self,
            MopedElement *flow)
{
  g_autofree char *elements = flow_elements (self, flow);
  const char *description = moped_element_get_string (flow, MOPED_PROP_DESCRIPTION);
  g_autofree char *comment = g_strdup_printf ("Flow \"%s\"%s%s", moped_element_get_name (flow),
                                              *description ? ": " : "", description);

  g_string_append_c (self->out, '\n');
  append_comment (self->out, comment);
  append_rule (self->out, rule_of (self, flow), elements, NULL);
}

static void
write_field (Grammar      *self,
             MopedElement *field)
{
  const char *rule = rule_of (self, field);
  int type = moped_element_get_enum (field, MOPED_PROP_TYPE);
  const char *type_rule = field_type_rules[type].rule;
  g_autofree char *comment = comment_text (moped_element_get_string (field, MOPED_PROP_DESCRIPTION));
  gsize rule_length = MAX (strlen (rule) + 1, NAME_COLUMN) + 2 + strlen (type_rule);
  gsize comment_column = MAX (rule_length + 1, NAME_COLUMN + 24);

  if (g_hash_table_contains (self->written, rule))
    return;
  g_hash_table_add (self->written, (gpointer) rule);
  self->shared_used |= field_type_rules[type].bit;
  /* Short descriptions trail the rule as in zproto; long ones go above it. */
  if (*comment != '\0' && comment_column + 2 + strlen (comment) > 100)
    {
      append_comment (self->out, comment);
      append_rule (self->out, rule, type_rule, NULL);
    }
  else
    append_rule (self->out, rule, type_rule, comment);
}

static void
write_command (Grammar      *self,
               MopedElement *command)
{
  g_autoptr(GPtrArray) fields = moped_element_get_children_of_kind (command, MOPED_KIND_FIELD);
  g_autoptr(GString) elements = g_string_new (NULL);
  g_autoptr(GString) comment = g_string_new (moped_element_get_name (command));
  g_autofree char *literal = literal_of (moped_element_get_name (command));
  MopedElement *sender = moped_element_get_ref (command, MOPED_PROP_SENDER);
  const char *description = moped_element_get_string (command, MOPED_PROP_DESCRIPTION);

  if (g_hash_table_contains (self->written, command))
    return;
  g_hash_table_add (self->written, command);

  if (sender != NULL)
    g_string_append_printf (comment, ", sent by %s", moped_element_get_name (sender));
  if (*description != '\0')
    g_string_append_printf (comment, ": %s", description);
  g_string_append (elements, *literal != '\0' ? literal : "\"\"");
  for (guint i = 0; i < fields->len; i++)
    g_string_append_printf (elements, " %s", rule_of (self, g_ptr_array_index (fields, i)));

  g_string_append_c (self->out, '\n');
  append_comment (self->out, comment->str);
  append_rule (self->out, rule_of (self, command), elements->str, NULL);
  for (guint i = 0; i < fields->len; i++)
    write_field (self, g_ptr_array_index (fields, i));
}

static gboolean
flows_use (ProtocolInfo *info,
           MopedElement *command)
{
  for (guint f = 0; f < info->flows->len; f++)
    {
      g_autoptr(GPtrArray) steps =
        moped_element_get_children_of_kind (g_ptr_array_index (info->flows, f), MOPED_KIND_STEP);

      for (guint s = 0; s < steps->len; s++)
        if (moped_element_get_ref (g_ptr_array_index (steps, s), MOPED_PROP_COMMAND) == command)
          return TRUE;
    }
  return FALSE;
}

static void
write_protocol (Grammar      *self,
                ProtocolInfo *info,
                gboolean      with_heading)
{
  g_autoptr(GPtrArray) alternatives = g_ptr_array_new ();
  g_autofree char *elements = NULL;

  for (guint f = 0; f < info->flows->len; f++)
    g_ptr_array_add (alternatives, (gpointer) rule_of (self, g_ptr_array_index (info->flows, f)));
  /* A command no flow uses may come at any time; listing it keeps every rule reachable. */
  for (guint c = 0; c < info->commands->len; c++)
    if (!flows_use (info, g_ptr_array_index (info->commands, c)))
      g_ptr_array_add (alternatives, (gpointer) rule_of (self, g_ptr_array_index (info->commands, c)));
  elements = any_of (alternatives);

  g_string_append_c (self->out, '\n');
  if (with_heading)
    {
      const char *summary = moped_element_get_string (info->protocol, MOPED_PROP_SUMMARY);
      g_autofree char *heading =
        g_strdup_printf ("The %s protocol, version %" G_GINT64_FORMAT "%s%s",
                         moped_element_get_name (info->protocol),
                         moped_element_get_int (info->protocol, MOPED_PROP_VERSION),
                         *summary ? ": " : "", summary);

      append_comment (self->out, heading);
    }
  else
    append_comment (self->out, "A conversation is any sequence of the flows below");
  append_rule (self->out, rule_of (self, info->protocol), elements, NULL);
  for (guint f = 0; f < info->flows->len; f++)
    write_flow (self, g_ptr_array_index (info->flows, f));
  for (guint c = 0; c < info->commands->len; c++)
    write_command (self, g_ptr_array_index (info->commands, c));
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
          append_rule (self->out, rule->name, rule->definition, NULL);
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
                  "Each message is a multipart ZeroMQ message: the command frame (the command's "
                  "name as text), then one frame per field. The envelope before the command "
                  "frame (routing ids, empty delimiters, the topic frame of PUB sockets) is not "
                  "part of this grammar.");
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
  append_comment (self->out, "Each link of the design carries one of these protocols");
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
    write_protocol (&self, &g_array_index (self.protocols, ProtocolInfo, p), protocol == NULL);
  write_shared (&self);

  g_hash_table_unref (self.rule_of);
  g_hash_table_unref (self.field_rules);
  g_hash_table_unref (self.written);
  g_array_unref (self.protocols);
  g_hash_table_unref (self.taken);
  return g_string_free (self.out, FALSE);
}
