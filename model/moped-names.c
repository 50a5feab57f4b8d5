/* moped-names.c: the names people type turned into C identifiers, and scopes of unique ones.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-model"

#include <string.h>

#include "moped-names.h"

#define IDENTIFIER_MAX 48
/* A cut at an underscore must keep at least this much of the name, else cut hard. */
#define IDENTIFIER_MIN_CUT (IDENTIFIER_MAX / 2)

/* C keywords up to C23, and names generated code would shadow: the C library's most
 * used functions and macros, czmq's classes and the CLASS conventions (self, verbose). */
static const char * const reserved_words[] = {
  "auto", "break", "case", "char", "const", "continue", "default", "do", "double",
  "else", "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long",
  "register", "restrict", "return", "short", "signed", "sizeof", "static", "struct",
  "switch", "typedef", "union", "unsigned", "void", "volatile", "while",
  "_Alignas", "_Alignof", "_Atomic", "_Bool", "_Complex", "_Generic", "_Imaginary",
  "_Noreturn", "_Static_assert", "_Thread_local", "_BitInt", "_Decimal32",
  "_Decimal64", "_Decimal128",
  "alignas", "alignof", "bool", "constexpr", "false", "nullptr", "static_assert",
  "thread_local", "true", "typeof", "typeof_unqual",
  "NULL", "TRUE", "FALSE", "EOF", "asm", "fortran",
  "main", "exit", "abort", "free", "malloc", "calloc", "realloc", "assert", "errno",
  "printf", "fprintf", "sprintf", "snprintf", "puts", "putchar", "getchar", "stdin",
  "stdout", "stderr", "strlen", "strcmp", "strcpy", "strdup", "memcpy", "memset",
  "time", "clock", "signal", "raise", "sleep", "read", "write", "open", "close",
  "socket", "bind", "connect", "listen", "accept", "send", "recv", "select", "poll",
  "index", "random", "rand", "remove", "rename", "system", "div", "abs", "log",
  "exp", "pow", "sqrt", "y0", "y1", "j0", "j1",
  "self", "pipe", "verbose", "args",
  "zactor", "zarmour", "zauth", "zbeacon", "zcert", "zcertstore", "zchunk",
  "zclock", "zconfig", "zdigest", "zdir", "zfile", "zframe", "zgossip", "zhash",
  "zhashx", "ziflist", "zlist", "zlistx", "zloop", "zmonitor", "zmq", "zmsg",
  "zpoller", "zproc", "zproxy", "zrex", "zsock", "zstr", "zsys", "ztimerset",
  "ztrie", "zuuid", "zargs",
};

static GHashTable *
reserved_table (void)
{
  static GHashTable *table;

  if (g_once_init_enter (&table))
    {
      GHashTable *t = g_hash_table_new (g_str_hash, g_str_equal);

      for (guint i = 0; i < G_N_ELEMENTS (reserved_words); i++)
        g_hash_table_add (t, (gpointer) reserved_words[i]);
      g_once_init_leave (&table, t);
    }
  return table;
}

gboolean
moped_name_is_windows_device (const char *file_name)
{
  static const char * const devices[] = { "con", "prn", "aux", "nul" };
  const char *dot;
  gsize len;

  g_return_val_if_fail (file_name != NULL, FALSE);

  dot = strchr (file_name, '.');
  len = dot != NULL ? (gsize) (dot - file_name) : strlen (file_name);
  /* Windows also ignores trailing spaces before the extension. */
  while (len > 0 && file_name[len - 1] == ' ')
    len--;
  for (guint i = 0; i < G_N_ELEMENTS (devices); i++)
    if (len == 3 && g_ascii_strncasecmp (file_name, devices[i], 3) == 0)
      return TRUE;
  return len == 4 &&
         (g_ascii_strncasecmp (file_name, "com", 3) == 0 || g_ascii_strncasecmp (file_name, "lpt", 3) == 0) &&
         file_name[3] >= '1' && file_name[3] <= '9';
}

char *
moped_name_bound (const char *name,
                  gsize       max)
{
  g_autofree char *digest = NULL;
  gsize keep;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (max >= 16, NULL);

  if (strlen (name) <= max)
    return g_strdup (name);
  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, name, -1);
  keep = max - 9;
  /* Never end the kept part inside a UTF-8 sequence. */
  while (keep > 0 && ((guchar) name[keep] & 0xc0) == 0x80)
    keep--;
  return g_strdup_printf ("%.*s_%.8s", (int) keep, name, digest);
}

gboolean
moped_name_is_reserved (const char *word)
{
  g_return_val_if_fail (word != NULL, FALSE);

  if (moped_name_is_windows_device (word))
    return TRUE;

  /* POSIX reserves every name ending in _t for types. */
  if (g_str_has_suffix (word, "_t"))
    return TRUE;
  return g_hash_table_contains (reserved_table (), word);
}

/* Lowercase letters and digits kept, every other run of characters becomes one '_',
 * no '_' at either end. */
static GString *
fold_to_words (const char *ascii)
{
  GString *s = g_string_sized_new (strlen (ascii));
  gboolean pending_sep = FALSE;

  for (const char *p = ascii; *p; p++)
    {
      if (g_ascii_isalnum (*p))
        {
          if (pending_sep && s->len > 0)
            g_string_append_c (s, '_');
          g_string_append_c (s, g_ascii_tolower (*p));
          pending_sep = FALSE;
        }
      else
        pending_sep = TRUE;
    }
  return s;
}

/* Shorten to IDENTIFIER_MAX bytes, at a word boundary when that keeps enough. */
static void
cap_length (GString *s)
{
  if (s->len <= IDENTIFIER_MAX)
    return;
  for (gsize i = IDENTIFIER_MAX; i >= IDENTIFIER_MIN_CUT; i--)
    if (s->str[i] == '_')
      {
        g_string_truncate (s, i);
        return;
      }
  g_string_truncate (s, IDENTIFIER_MAX);
  while (s->len > 0 && s->str[s->len - 1] == '_')
    g_string_truncate (s, s->len - 1);
}

char *
moped_name_to_identifier (const char *name)
{
  g_autofree char *ascii = NULL;
  GString *s;
  char *identifier;

  ascii = g_str_to_ascii (name != NULL ? name : "", "C");
  s = fold_to_words (ascii);
  if (s->len == 0)
    g_string_assign (s, "unnamed");
  if (g_ascii_isdigit (s->str[0]))
    g_string_prepend_c (s, 'n');
  cap_length (s);
  if (moped_name_is_reserved (s->str))
    g_string_append_c (s, '_');
  /* Exactly as long as it is: a GString has room for 128 bytes at least, and a scope
   * holds every identifier of an export (hundreds of thousands for a large design). */
  identifier = g_strndup (s->str, s->len);
  g_string_free (s, TRUE);
  return identifier;
}

struct _MopedNameScope
{
  GHashTable *taken;     /* identifier (owned) -> itself */
  GHashTable *next_num;  /* base identifier (owned) -> next suffix to try */
};

MopedNameScope *
moped_name_scope_new (void)
{
  MopedNameScope *self = g_new0 (MopedNameScope, 1);

  self->taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->next_num = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return self;
}

void
moped_name_scope_free (MopedNameScope *self)
{
  if (self == NULL)
    return;
  g_hash_table_destroy (self->taken);
  g_hash_table_destroy (self->next_num);
  g_free (self);
}

/* "base_N" within IDENTIFIER_MAX: the base is shortened, never the number. */
static char *
numbered (const char *base,
          guint       n)
{
  char suffix[16];
  gsize base_len = strlen (base);
  gsize suffix_len;

  g_snprintf (suffix, sizeof suffix, "_%u", n);
  suffix_len = strlen (suffix);
  /* "int_" + 2 reads better as "int_2" than "int__2". */
  while (base_len > 0 && base[base_len - 1] == '_')
    base_len--;
  if (base_len + suffix_len > IDENTIFIER_MAX)
    base_len = IDENTIFIER_MAX - suffix_len;
  return g_strdup_printf ("%.*s%s", (int) base_len, base, suffix);
}

const char *
moped_name_scope_add (MopedNameScope *self,
                      const char     *name)
{
  g_autofree char *base = NULL;
  char *candidate;
  guint n;

  g_return_val_if_fail (self != NULL, NULL);

  base = moped_name_to_identifier (name);
  if (!g_hash_table_contains (self->taken, base))
    {
      candidate = g_steal_pointer (&base);
      g_hash_table_add (self->taken, candidate);
      return candidate;
    }

  /* Remembering where the numbering stopped keeps many equal names linear. */
  n = GPOINTER_TO_UINT (g_hash_table_lookup (self->next_num, base));
  if (n < 2)
    n = 2;
  for (;; n++)
    {
      candidate = numbered (base, n);
      if (!g_hash_table_contains (self->taken, candidate))
        break;
      g_free (candidate);
    }
  g_hash_table_replace (self->next_num, g_steal_pointer (&base), GUINT_TO_POINTER (n + 1));
  g_hash_table_add (self->taken, candidate);
  return candidate;
}
