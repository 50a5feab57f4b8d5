/* moped-file-read.c: loading .moped files into a design, with a precise message for every bad input.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * GMarkup does the XML; this file checks everything against the schema table and
 * builds the design through the private, history-free API. Positions are byte
 * offsets internally and become "line:column" (column in characters) only when a
 * message is written, so the normal path stays linear in the size of the file.
 */
#define G_LOG_DOMAIN "moped-model"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "moped-design-private.h"
#include "moped-file.h"
#include "moped-text.h"

/* Large enough for any hand-made design many times over, small enough to refuse
 * a wrong file (a disk image, a video) before reading it. */
#define MAX_FILE_SIZE ((gsize) 64 * 1024 * 1024)

/* User text quoted in messages is cut to this many characters. */
#define QUOTE_MAX 40

G_STATIC_ASSERT (MOPED_N_PROPS <= 64);

G_DEFINE_QUARK (moped-file-error-quark, moped_file_error)

typedef struct
{
  MopedElement *element;
  MopedProp     prop;
  gsize         tag;      /* offset of the '<' of the referencing element */
} PendingRef;

/* A format-1 command sender (a node), turned into a role once the file is read. */
typedef struct
{
  MopedElement *command;
  gsize         tag;
  char         *node_id;
} V1Sender;

typedef struct
{
  const char  *data;
  gsize        length;
  const char  *name;
  MopedDesign *design;
  GPtrArray   *stack;     /* open elements (MopedElement *) */
  GHashTable  *tags;      /* id (owned by its element) -> tag offset + 1 */
  GHashTable  *props;     /* attribute name -> MopedProp + 1, to spare a linear search */
  GArray      *refs;      /* PendingRef, in document order */
  gboolean     seen_root;
  guint        format;    /* the file's format version, once the root is read */
  GArray      *senders;   /* V1Sender: format 1 names nodes as command senders */

  /* Where the last GMarkup event ended; the next start tag is the first '<' from here. */
  gsize        boundary;

  /* GMarkup counts lines from the first newline after offset 0 and columns in bytes
   * starting at that newline; gm_base is the offset where its line gm_line starts. */
  gsize        gm_base;
  int          gm_line;

  /* The true line (1 + newlines before line_pos) at line_pos, for element lines. */
  gsize        line_pos;
  guint        line;
} Loader;

static gboolean
is_xml_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* ---- positions ------------------------------------------------------------ */

static gsize
markup_offset (Loader *self,
               int     line,
               int     column)
{
  if (line < self->gm_line)
    {
      self->gm_base = 0;
      self->gm_line = 1;
    }
  while (self->gm_line < line && self->gm_base + 1 < self->length)
    {
      const char *nl = memchr (self->data + self->gm_base + 1, '\n',
                               self->length - self->gm_base - 1);

      if (nl == NULL)
        break;
      self->gm_base = (gsize) (nl - self->data);
      self->gm_line++;
    }
  return MIN (self->gm_base + (gsize) MAX (column - 1, 0), self->length);
}

static gsize
context_offset (Loader              *self,
                GMarkupParseContext *context)
{
  int line, column;

  g_markup_parse_context_get_position (context, &line, &column);
  return markup_offset (self, line, column);
}

static guint
line_at (Loader *self,
         gsize   offset)
{
  const char *p, *end;

  if (offset < self->line_pos)
    {
      self->line_pos = 0;
      self->line = 1;
    }
  p = self->data + self->line_pos;
  end = self->data + offset;
  while (p < end && (p = memchr (p, '\n', (gsize) (end - p))) != NULL)
    {
      self->line++;
      p++;
    }
  self->line_pos = offset;
  return self->line;
}

/* Line and column (in characters) of @offset; only for messages, it scans from the start. */
static void
position_of (const char *data,
             gsize       length,
             gsize       offset,
             guint      *line,
             guint      *column)
{
  gsize line_start = 0;

  offset = MIN (offset, length);
  *line = 1;
  for (gsize i = 0; i < offset; i++)
    if (data[i] == '\n')
      {
        (*line)++;
        line_start = i + 1;
      }
  *column = (guint) g_utf8_strlen (data + line_start, (gssize) (offset - line_start)) + 1;
}

/* ---- messages ------------------------------------------------------------- */

/* User text for a message: one line, at most QUOTE_MAX characters. */
static char *
shorten (const char *text)
{
  GString *out = g_string_new (NULL);
  guint n = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (n++ == QUOTE_MAX)
        {
          g_string_append (out, "…");
          break;
        }
      if ((guchar) *p < 0x20)
        g_string_append_c (out, ' ');
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
    }
  return g_string_free (out, FALSE);
}

static void set_error_at (const char *data,
                          gsize       length,
                          const char *name,
                          GError    **error,
                          int         code,
                          gsize       offset,
                          const char *format,
                          ...) G_GNUC_PRINTF (7, 8);

static void
set_error_at (const char *data,
              gsize       length,
              const char *name,
              GError    **error,
              int         code,
              gsize       offset,
              const char *format,
              ...)
{
  g_autofree char *message = NULL;
  guint line, column;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  position_of (data, length, offset, &line, &column);
  g_set_error (error, MOPED_FILE_ERROR, code, "%s:%u:%u: %s", name, line, column, message);
}

#define loader_error(self, error, code, offset, ...) \
  set_error_at ((self)->data, (self)->length, (self)->name, error, code, offset, __VA_ARGS__)

static const char *
element_name_of (MopedKind kind)
{
  return moped_schema_get_kind (kind)->element_name;
}

/* "<a>, <b> or <c>" for the kinds whose bit is set in @kinds. */
static char *
describe_kinds (guint kinds)
{
  GString *out = g_string_new (NULL);
  guint n = 0, total = 0;

  for (guint k = 0; k < MOPED_N_KINDS; k++)
    total += (kinds >> k) & 1;
  for (guint k = 0; k < MOPED_N_KINDS; k++)
    if (kinds & (1u << k))
      {
        if (n > 0)
          g_string_append (out, n + 1 == total ? " or " : ", ");
        g_string_append_printf (out, "<%s>", element_name_of ((MopedKind) k));
        n++;
      }
  return g_string_free (out, FALSE);
}

static guint
child_kinds_of (MopedKind parent)
{
  guint kinds = 0;

  for (guint k = 0; k < MOPED_N_KINDS; k++)
    if (moped_schema_parent_allows (parent, (MopedKind) k))
      kinds |= 1u << k;
  return kinds;
}

/* The attributes an element of @kind may carry, in file order. */
static char *
describe_attributes (MopedKind kind)
{
  const MopedKindSpec *ks = moped_schema_get_kind (kind);
  GString *out = g_string_new (kind == MOPED_KIND_DESIGN ? "format" : "id");

  for (guint i = 0; i < ks->n_props; i++)
    g_string_append_printf (out, ", %s", moped_schema_get_prop_name (ks->props[i].prop));
  return g_string_free (out, FALSE);
}

/* The offset of the @nth attribute called @attr in the start tag at @tag, or @tag.
 * GMarkup has accepted the tag already; the scan is bounded anyway. */
static gsize
attribute_offset (Loader     *self,
                  gsize       tag,
                  const char *attr,
                  guint       nth)
{
  const char *p = self->data + tag + 1;
  const char *end = self->data + self->length;
  gsize attr_len = strlen (attr);

  while (p < end && !is_xml_space (*p) && *p != '>' && *p != '/')
    p++;
  for (;;)
    {
      const char *name;
      const char *close;
      char quote;

      while (p < end && is_xml_space (*p))
        p++;
      if (p >= end || *p == '>' || *p == '/')
        break;
      name = p;
      while (p < end && !is_xml_space (*p) && *p != '=' && *p != '>' && *p != '/')
        p++;
      if ((gsize) (p - name) == attr_len && memcmp (name, attr, attr_len) == 0 && nth-- == 0)
        return (gsize) (name - self->data);
      while (p < end && is_xml_space (*p))
        p++;
      if (p >= end || *p != '=')
        break;
      p++;
      while (p < end && is_xml_space (*p))
        p++;
      if (p >= end || (*p != '"' && *p != '\''))
        break;
      quote = *p++;
      close = memchr (p, quote, (gsize) (end - p));
      if (close == NULL)
        break;
      p = close + 1;
    }
  return tag;
}

/* ---- elements and attributes ---------------------------------------------- */

static MopedElement *
current_element (Loader *self)
{
  return self->stack->len ? g_ptr_array_index (self->stack, self->stack->len - 1) : NULL;
}

static const char *
find_attribute (const char **names,
                const char **values,
                const char  *wanted)
{
  for (guint i = 0; names[i] != NULL; i++)
    if (strcmp (names[i], wanted) == 0)
      return values[i];
  return NULL;
}

static gboolean
check_format (Loader      *self,
              gsize        tag,
              const char **names,
              const char **values,
              GError     **error)
{
  const char *format = find_attribute (names, values, "format");
  g_autofree char *shown = NULL;
  gboolean digits = TRUE;
  guint64 version = 0;

  if (format == NULL)
    {
      loader_error (self, error, MOPED_FILE_ERROR_INVALID, tag,
                    "<design> has no format attribute; a Moped design starts with "
                    "<design format=\"%d\" …>", MOPED_FILE_FORMAT_VERSION);
      return FALSE;
    }
  shown = shorten (format);
  for (const char *p = format; *p != '\0' && digits; p++)
    digits = g_ascii_isdigit (*p);
  errno = 0;
  if (digits)
    version = g_ascii_strtoull (format, NULL, 10);
  if (format[0] == '\0' || !digits || (version == 0 && errno == 0))
    {
      loader_error (self, error, MOPED_FILE_ERROR_INVALID, attribute_offset (self, tag, "format", 0),
                    "format “%s” is not a format version: it is a whole number, "
                    "%d for files written by this Moped", shown, MOPED_FILE_FORMAT_VERSION);
      return FALSE;
    }
  if (errno == ERANGE || version > MOPED_FILE_FORMAT_VERSION)
    {
      loader_error (self, error, MOPED_FILE_ERROR_VERSION, attribute_offset (self, tag, "format", 0),
                    "written by a newer Moped: format %s, this Moped reads format %d and older; "
                    "update Moped to open it", shown, MOPED_FILE_FORMAT_VERSION);
      return FALSE;
    }
  self->format = (guint) version;
  return TRUE;
}

static gboolean
set_attribute (Loader       *self,
               MopedElement *element,
               gsize         tag,
               const char   *name,
               const char   *value,
               guint64      *seen,
               GError      **error)
{
  MopedKind kind = moped_element_get_kind (element);
  const char *element_name = element_name_of (kind);
  const MopedPropSpec *spec = NULL;
  g_autofree char *problem = NULL;
  MopedProp prop;
  guint slot;

  slot = GPOINTER_TO_UINT (g_hash_table_lookup (self->props, name));
  prop = (MopedProp) (slot > 0 ? slot - 1 : 0);
  if (slot > 0)
    spec = moped_schema_get_prop (kind, prop);
  if (spec == NULL)
    {
      g_autofree char *allowed = describe_attributes (kind);
      g_autofree char *shown = shorten (name);

      loader_error (self, error, MOPED_FILE_ERROR_INVALID, attribute_offset (self, tag, name, 0),
                    "unknown attribute “%s” on <%s>; allowed there: %s",
                    shown, element_name, allowed);
      return FALSE;
    }
  if (*seen & (G_GUINT64_CONSTANT (1) << prop))
    {
      loader_error (self, error, MOPED_FILE_ERROR_INVALID, attribute_offset (self, tag, name, 1),
                    "attribute “%s” is given twice on <%s>", name, element_name);
      return FALSE;
    }
  *seen |= G_GUINT64_CONSTANT (1) << prop;
  if ((spec->flags & MOPED_PROP_FLAG_FORMAT_2) && self->format < 2)
    {
      loader_error (self, error, MOPED_FILE_ERROR_INVALID, attribute_offset (self, tag, name, 0),
                    "attribute “%s” on <%s> is new in format 2, but the file says format=\"%u\"; "
                    "write format=\"2\" on <design>", name, element_name, self->format);
      return FALSE;
    }

  if (self->format == 1 && kind == MOPED_KIND_COMMAND && prop == MOPED_PROP_SENDER)
    {
      V1Sender sender = { element, tag, g_strdup (value) };

      if (value[0] != '\0')
        g_array_append_val (self->senders, sender);
      else
        g_free (sender.node_id);
      return TRUE;
    }
  if (!_moped_element_set_text_raw (element, prop, value, &problem))
    {
      loader_error (self, error, MOPED_FILE_ERROR_INVALID, attribute_offset (self, tag, name, 0),
                    "bad %s on <%s>: %s", name, element_name,
                    problem ? problem : "not a valid value");
      return FALSE;
    }
  /* The rest-of-message field type came with format 2 as well. */
  if (kind == MOPED_KIND_FIELD && prop == MOPED_PROP_TYPE && self->format < 2 &&
      moped_element_get_enum (element, prop) == MOPED_FIELD_MSG)
    {
      loader_error (self, error, MOPED_FILE_ERROR_INVALID, attribute_offset (self, tag, name, 0),
                    "field type “msg” on <%s> is new in format 2, but the file says format=\"%u\"; "
                    "write format=\"2\" on <design>", element_name, self->format);
      return FALSE;
    }
  if (spec->type == MOPED_VALUE_REF && value[0] != '\0')
    {
      PendingRef ref = { element, prop, tag };

      g_array_append_val (self->refs, ref);
    }
  return TRUE;
}

static gboolean
check_required (Loader       *self,
                MopedElement *element,
                gsize         tag,
                guint64       seen,
                GError      **error)
{
  MopedKind kind = moped_element_get_kind (element);
  const MopedKindSpec *ks = moped_schema_get_kind (kind);

  for (guint i = 0; i < ks->n_props; i++)
    {
      const MopedPropSpec *spec = &ks->props[i];
      const char *name = moped_schema_get_prop_name (spec->prop);

      if (!(spec->flags & MOPED_PROP_FLAG_REQUIRED))
        continue;
      if (!(seen & (G_GUINT64_CONSTANT (1) << spec->prop)))
        {
          loader_error (self, error, MOPED_FILE_ERROR_INVALID, tag,
                        "<%s> has no %s attribute; it is required", ks->element_name, name);
          return FALSE;
        }
      if (spec->type == MOPED_VALUE_REF && moped_element_get_string (element, spec->prop)[0] == '\0')
        {
          loader_error (self, error, MOPED_FILE_ERROR_INVALID, attribute_offset (self, tag, name, 0),
                        "the %s of <%s> is empty; it is required", name, ks->element_name);
          return FALSE;
        }
    }
  return TRUE;
}

/* The root starts out with the design's own initial values; a file means defaults. */
static void
reset_unseen_to_defaults (MopedElement *element,
                          guint64       seen)
{
  const MopedKindSpec *ks = moped_schema_get_kind (moped_element_get_kind (element));

  for (guint i = 0; i < ks->n_props; i++)
    {
      const MopedPropSpec *spec = &ks->props[i];
      g_autofree char *problem = NULL;

      if (!(seen & (G_GUINT64_CONSTANT (1) << spec->prop)))
        _moped_element_set_text_raw (element, spec->prop,
                                     spec->default_text ? spec->default_text : "", &problem);
    }
}

static gboolean
read_attributes (Loader       *self,
                 MopedElement *element,
                 gsize         tag,
                 const char  **names,
                 const char  **values,
                 GError      **error)
{
  gboolean is_root = moped_element_get_kind (element) == MOPED_KIND_DESIGN;
  const char *own = is_root ? "format" : "id";
  guint64 seen = 0;
  guint n_own = 0;

  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *bad = moped_text_find_non_xml (values[i]);

      if (bad != NULL)
        {
          g_autofree char *what = moped_text_describe_char (g_utf8_get_char (bad));

          loader_error (self, error, MOPED_FILE_ERROR_INVALID,
                        attribute_offset (self, tag, names[i], 0),
                        "attribute “%s” of <%s> holds the control character %s, which XML does not allow",
                        names[i], element_name_of (moped_element_get_kind (element)), what);
          return FALSE;
        }
      /* Names end up in file names, identifiers, headings and every diagram: a bound
       * keeps every output bounded too (a 10 MB name would give hundreds of MB). */
      if (strcmp (names[i], "name") == 0 && strlen (values[i]) > MOPED_NAME_MAX_CHARS &&
          g_utf8_strlen (values[i], -1) > MOPED_NAME_MAX_CHARS)
        {
          loader_error (self, error, MOPED_FILE_ERROR_INVALID,
                        attribute_offset (self, tag, names[i], 0),
                        "the name of this <%s> is %ld characters long; a name may have at most %d",
                        element_name_of (moped_element_get_kind (element)),
                        g_utf8_strlen (values[i], -1), MOPED_NAME_MAX_CHARS);
          return FALSE;
        }
      if (strcmp (names[i], own) == 0)
        {
          if (n_own++ > 0)
            {
              loader_error (self, error, MOPED_FILE_ERROR_INVALID,
                            attribute_offset (self, tag, own, 1),
                            "attribute “%s” is given twice on <%s>", own,
                            element_name_of (moped_element_get_kind (element)));
              return FALSE;
            }
          continue;
        }
      if (!set_attribute (self, element, tag, names[i], values[i], &seen, error))
        return FALSE;
    }
  if (!check_required (self, element, tag, seen, error))
    return FALSE;
  if (is_root)
    reset_unseen_to_defaults (element, seen);
  return TRUE;
}

static void
placement_error (Loader       *self,
                 MopedKind     parent_kind,
                 const char   *element_name,
                 gboolean      known,
                 MopedKind     kind,
                 gsize         tag,
                 GError      **error)
{
  const char *parent_name = element_name_of (parent_kind);
  guint allowed = child_kinds_of (parent_kind);
  guint parents = known ? moped_schema_get_kind (kind)->parent_kinds : 0;
  g_autofree char *allowed_text = describe_kinds (allowed);
  g_autofree char *parents_text = describe_kinds (parents);
  g_autofree char *shown = shorten (element_name);

  if (!known && allowed == 0)
    loader_error (self, error, MOPED_FILE_ERROR_INVALID, tag,
                  "unknown element <%s> inside <%s>; nothing is allowed there",
                  shown, parent_name);
  else if (!known)
    loader_error (self, error, MOPED_FILE_ERROR_INVALID, tag,
                  "unknown element <%s> inside <%s>; allowed there: %s",
                  shown, parent_name, allowed_text);
  else if (parents == 0)
    loader_error (self, error, MOPED_FILE_ERROR_INVALID, tag,
                  "<%s> cannot be inside <%s>; it is the root element, only one per file",
                  element_name, parent_name);
  else if (allowed == 0)
    loader_error (self, error, MOPED_FILE_ERROR_INVALID, tag,
                  "<%s> cannot be inside <%s>, which holds no elements; "
                  "a <%s> belongs inside %s",
                  element_name, parent_name, element_name, parents_text);
  else
    loader_error (self, error, MOPED_FILE_ERROR_INVALID, tag,
                  "<%s> cannot be inside <%s>; a <%s> belongs inside %s "
                  "(allowed inside <%s>: %s)",
                  element_name, parent_name, element_name, parents_text,
                  parent_name, allowed_text);
}

static gboolean
check_placement (Loader       *self,
                 MopedElement *parent,
                 const char   *element_name,
                 gsize         tag,
                 MopedKind    *kind,
                 GError      **error)
{
  MopedKind parent_kind = moped_element_get_kind (parent);
  gboolean known = moped_schema_kind_from_element_name (element_name, kind);

  if (known && moped_schema_parent_allows (parent_kind, *kind))
    return TRUE;
  placement_error (self, parent_kind, element_name, known, *kind, tag, error);
  return FALSE;
}

static MopedElement *
add_element (Loader       *self,
             MopedElement *parent,
             MopedKind     kind,
             gsize         tag,
             const char  **names,
             const char  **values,
             GError      **error)
{
  const char *element_name = element_name_of (kind);
  const char *id = find_attribute (names, values, "id");
  MopedElement *element;
  gpointer first;

  if (id == NULL || id[0] == '\0')
    {
      loader_error (self, error, MOPED_FILE_ERROR_INVALID,
                    id ? attribute_offset (self, tag, "id", 0) : tag,
                    id ? "the id of <%s> is empty; every element but <design> needs one"
                       : "<%s> has no id attribute; every element but <design> needs one",
                    element_name);
      return NULL;
    }
  first = g_hash_table_lookup (self->tags, id);
  if (first != NULL)
    {
      g_autofree char *shown = shorten (id);
      gsize first_tag = GPOINTER_TO_SIZE (first) - 1;
      MopedElement *other = moped_design_lookup (self->design, id);
      guint line, column;

      position_of (self->data, self->length, first_tag, &line, &column);
      loader_error (self, error, MOPED_FILE_ERROR_INVALID, attribute_offset (self, tag, "id", 0),
                    "duplicate id “%s”: the <%s> at line %u, column %u already has it",
                    shown, other ? element_name_of (moped_element_get_kind (other)) : "design",
                    line, column);
      return NULL;
    }
  element = _moped_design_insert_raw (self->design, parent, kind, id);
  if (element == NULL)
    {
      g_autofree char *shown = shorten (id);

      loader_error (self, error, MOPED_FILE_ERROR_INVALID, attribute_offset (self, tag, "id", 0),
                    "“%s” cannot be an id: an id starts with a letter or “_” and goes on "
                    "with letters, digits, “-”, “_” or “.”", shown);
      return NULL;
    }
  g_hash_table_insert (self->tags, (gpointer) moped_element_get_id (element),
                       GSIZE_TO_POINTER (tag + 1));
  return element;
}

static MopedElement *
start_root (Loader      *self,
            const char  *element_name,
            gsize        tag,
            const char **names,
            const char **values,
            GError     **error)
{
  g_autofree char *shown = shorten (element_name);
  MopedElement *root;

  if (self->seen_root)
    {
      loader_error (self, error, MOPED_FILE_ERROR_INVALID, tag,
                    "<%s> after the end of <design>; a file holds exactly one design", shown);
      return NULL;
    }
  self->seen_root = TRUE;
  if (strcmp (element_name, element_name_of (MOPED_KIND_DESIGN)) != 0)
    {
      loader_error (self, error, MOPED_FILE_ERROR_INVALID, tag,
                    "not a Moped design: the root element is <%s>, expected <design>", shown);
      return NULL;
    }
  if (!check_format (self, tag, names, values, error))
    return NULL;
  root = moped_design_get_root (self->design);
  g_hash_table_insert (self->tags, (gpointer) moped_element_get_id (root),
                       GSIZE_TO_POINTER (tag + 1));
  return root;
}

/* ---- GMarkup callbacks ---------------------------------------------------- */

static void
on_start_element (GMarkupParseContext  *context,
                  const char           *element_name,
                  const char          **names,
                  const char          **values,
                  gpointer              user_data,
                  GError              **error)
{
  Loader *self = user_data;
  MopedElement *parent = current_element (self);
  MopedElement *element;
  const char *lt;
  gsize tag;

  /* Inside an element the text callback left the boundary on this '<';
   * before the root only whitespace separates them. */
  lt = memchr (self->data + self->boundary, '<', self->length - self->boundary);
  tag = lt ? (gsize) (lt - self->data) : self->boundary;

  if (parent == NULL)
    element = start_root (self, element_name, tag, names, values, error);
  else
    {
      MopedKind kind;

      if (!check_placement (self, parent, element_name, tag, &kind, error))
        return;
      element = add_element (self, parent, kind, tag, names, values, error);
    }
  if (element == NULL)
    return;

  _moped_element_set_line (element, line_at (self, tag));
  if (!read_attributes (self, element, tag, names, values, error))
    return;
  g_ptr_array_add (self->stack, element);
  self->boundary = context_offset (self, context);
}

static void
on_end_element (GMarkupParseContext  *context,
                const char           *element_name,
                gpointer              user_data,
                GError              **error)
{
  Loader *self = user_data;

  g_ptr_array_set_size (self->stack, self->stack->len - 1);
  self->boundary = context_offset (self, context);
}

static gboolean
is_blank (const char *text,
          gsize       length)
{
  for (gsize i = 0; i < length; i++)
    if (!is_xml_space (text[i]))
      return FALSE;
  return TRUE;
}

static void
text_error (Loader     *self,
            gsize       from,
            const char *text,
            gsize       length,
            GError    **error)
{
  MopedElement *element = current_element (self);
  g_autofree char *copy = g_strndup (text, length);
  g_autofree char *shown = shorten (g_strstrip (copy));

  while (from < self->length && is_xml_space (self->data[from]))
    from++;
  loader_error (self, error, MOPED_FILE_ERROR_INVALID, from,
                "text is not allowed inside <%s>, only elements: “%s”",
                element_name_of (moped_element_get_kind (element)), shown);
}

static void
on_text (GMarkupParseContext  *context,
         const char           *text,
         gsize                 length,
         gpointer              user_data,
         GError              **error)
{
  Loader *self = user_data;
  gsize from = self->boundary;

  /* GMarkup calls this with the position on the '<' that ends the text. */
  self->boundary = context_offset (self, context);
  if (!is_blank (text, length))
    text_error (self, from, text, length, error);
}

static void
on_passthrough (GMarkupParseContext  *context,
                const char           *text,
                gsize                 length,
                gpointer              user_data,
                GError              **error)
{
  Loader *self = user_data;
  static const char cdata[] = "<![CDATA[";
  gsize end = context_offset (self, context);

  /* Comments, processing instructions and DOCTYPE mean nothing to a design;
   * CDATA is text in disguise. */
  if (length >= sizeof cdata + 2 && strncmp (text, cdata, sizeof cdata - 1) == 0 &&
      !is_blank (text + sizeof cdata - 1, length - (sizeof cdata - 1) - 3))
    {
      gsize start = end >= length ? end - length : 0;

      if (self->stack->len == 0)
        loader_error (self, error, MOPED_FILE_ERROR_INVALID, start,
                      "text is not allowed outside <design>");
      else
        text_error (self, start, text + sizeof cdata - 1, length - (sizeof cdata - 1) - 3, error);
      return;
    }
  self->boundary = end;
}

static const GMarkupParser parser = {
  on_start_element,
  on_end_element,
  on_text,
  on_passthrough,
  NULL,
};

/* ---- checks before and after parsing -------------------------------------- */

static gboolean
check_is_text (Loader  *self,
               GError **error)
{
  const char *valid_end = NULL;
  gsize bad = self->length;

  if (!g_utf8_validate_len (self->data, self->length, &valid_end))
    bad = (gsize) (valid_end - self->data);
  for (gsize i = 0; i < bad; i++)
    {
      guchar c = (guchar) self->data[i];

      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
        {
          bad = i;
          break;
        }
    }
  if (bad < self->length)
    {
      loader_error (self, error, MOPED_FILE_ERROR_SYNTAX, bad,
                    "not a Moped design: the file contains binary data");
      return FALSE;
    }

  if (is_blank (self->data, self->length))
    {
      loader_error (self, error, MOPED_FILE_ERROR_SYNTAX, 0, "the file is empty");
      return FALSE;
    }
  return TRUE;
}

/* GMarkup's messages start with "Error on line N char M: "; we say where ourselves. */
static void
markup_error (Loader              *self,
              GMarkupParseContext *context,
              const GError        *markup,
              GError             **error)
{
  const char *message = markup->message;
  gsize offset = context_offset (self, context);
  g_autofree char *valid = NULL;

  if (g_str_has_prefix (message, "Error on line "))
    {
      const char *colon = strstr (message, ": ");

      if (colon != NULL)
        message = colon + 2;
    }
  /* GMarkup's "Document must begin with an element" would be puzzling here. */
  if (self->seen_root && self->stack->len == 0 && offset < self->length &&
      self->data[offset] != '<' && !is_xml_space (self->data[offset]))
    {
      loader_error (self, error, MOPED_FILE_ERROR_SYNTAX, offset,
                    "not well-formed XML: text after the end of <design>");
      return;
    }
  /* GMarkup may quote a lone byte of a multi-byte character. */
  valid = g_utf8_make_valid (message, -1);
  loader_error (self, error, MOPED_FILE_ERROR_SYNTAX, offset,
                "not well-formed XML: %s", valid);
}

static void
ref_error (Loader           *self,
           const PendingRef *ref,
           MopedElement     *target,
           GError          **error)
{
  MopedKind kind = moped_element_get_kind (ref->element);
  const MopedPropSpec *spec = moped_schema_get_prop (kind, ref->prop);
  const char *prop_name = moped_schema_get_prop_name (ref->prop);
  g_autofree char *element_id = shorten (moped_element_get_id (ref->element));
  g_autofree char *shown = shorten (moped_element_get_string (ref->element, ref->prop));
  g_autofree char *wanted = describe_kinds (spec->ref_kinds);
  gsize at = attribute_offset (self, ref->tag, prop_name, 0);

  if (target == NULL)
    loader_error (self, error, MOPED_FILE_ERROR_INVALID, at,
                  "<%s id=\"%s\">: %s refers to “%s”, but no element has that id; "
                  "it must name a %s",
                  element_name_of (kind), element_id, prop_name, shown, wanted);
  else
    loader_error (self, error, MOPED_FILE_ERROR_INVALID, at,
                  "<%s id=\"%s\">: %s refers to “%s”, which is a <%s>; it must name a %s",
                  element_name_of (kind), element_id, prop_name, shown,
                  element_name_of (moped_element_get_kind (target)), wanted);
}

/* Run once the whole file is read, so references may point forward. */
static gboolean
check_refs (Loader  *self,
            GError **error)
{
  for (guint i = 0; i < self->refs->len; i++)
    {
      const PendingRef *ref = &g_array_index (self->refs, PendingRef, i);
      const MopedPropSpec *spec = moped_schema_get_prop (moped_element_get_kind (ref->element),
                                                         ref->prop);
      MopedElement *target = moped_design_lookup (self->design,
                                                  moped_element_get_string (ref->element, ref->prop));

      if (target == NULL || !(spec->ref_kinds & (1u << moped_element_get_kind (target))))
        {
          ref_error (self, ref, target, error);
          return FALSE;
        }
    }
  return TRUE;
}


/* ---- format 1 ------------------------------------------------------------- */

/* The role of @protocol made for @node, created on first use: named after the node,
 * with an id made from both ids (ids are unique, so the pair is too, unless taken). */
static MopedElement *
v1_role_for (Loader       *self,
             GHashTable   *made,
             MopedElement *protocol,
             MopedElement *node)
{
  g_autofree char *key = g_strconcat (moped_element_get_id (protocol), "\n",
                                      moped_element_get_id (node), NULL);
  g_autofree char *base = NULL;
  g_autofree char *id = NULL;
  g_autofree char *problem = NULL;
  MopedElement *role = g_hash_table_lookup (made, key);

  if (role != NULL)
    return role;
  base = g_strconcat (moped_element_get_id (protocol), ".", moped_element_get_id (node), NULL);
  id = g_strdup (base);
  for (guint n = 2; moped_design_lookup (self->design, id) != NULL; n++)
    {
      g_free (id);
      id = g_strdup_printf ("%s-%u", base, n);
    }
  role = _moped_design_insert_raw (self->design, protocol, MOPED_KIND_ROLE, id);
  g_assert (role != NULL);
  _moped_element_set_text_raw (role, MOPED_PROP_NAME, moped_element_get_name (node), &problem);
  g_hash_table_insert (made, g_steal_pointer (&key), role);
  return role;
}

/* Format 1 said "this node sends the command"; format 2 says "this role does", and each
 * link end plays a role. Each sender node becomes a role named after it, and so does
 * every node at an end of a link carrying the protocol; the link ends are set to play
 * them, so nothing the file said is lost. */
static gboolean
convert_format_1 (Loader  *self,
                  GError **error)
{
  g_autoptr(GHashTable) made = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) links = NULL;

  for (guint i = 0; i < self->senders->len; i++)
    {
      const V1Sender *s = &g_array_index (self->senders, V1Sender, i);
      MopedElement *node = moped_design_lookup (self->design, s->node_id);
      MopedElement *protocol = moped_element_get_parent (s->command);
      g_autofree char *problem = NULL;

      if (node == NULL || moped_element_get_kind (node) != MOPED_KIND_NODE)
        {
          g_autofree char *command_id = shorten (moped_element_get_id (s->command));
          g_autofree char *shown = shorten (s->node_id);
          gsize at = attribute_offset (self, s->tag, "sender", 0);

          if (node == NULL)
            loader_error (self, error, MOPED_FILE_ERROR_INVALID, at,
                          "<command id=\"%s\">: sender refers to “%s”, but no element has that "
                          "id; in a format 1 file it must name a <node>", command_id, shown);
          else
            loader_error (self, error, MOPED_FILE_ERROR_INVALID, at,
                          "<command id=\"%s\">: sender refers to “%s”, which is a <%s>; in a "
                          "format 1 file it must name a <node>", command_id, shown,
                          element_name_of (moped_element_get_kind (node)));
          return FALSE;
        }
      _moped_element_set_text_raw (s->command, MOPED_PROP_SENDER,
                                   moped_element_get_id (v1_role_for (self, made, protocol, node)),
                                   &problem);
    }

  links = moped_design_collect (self->design, MOPED_KIND_LINK);
  for (guint i = 0; i < links->len; i++)
    {
      MopedElement *link = g_ptr_array_index (links, i);
      MopedElement *protocol = moped_element_get_ref (link, MOPED_PROP_PROTOCOL);

      if (protocol == NULL)
        continue;
      for (guint e = 0; e < 2; e++)
        {
          MopedElement *socket = moped_element_get_ref (link, e ? MOPED_PROP_TO : MOPED_PROP_FROM);
          MopedElement *role = v1_role_for (self, made, protocol, moped_element_get_parent (socket));
          g_autofree char *problem = NULL;

          _moped_element_set_text_raw (link, e ? MOPED_PROP_TO_ROLE : MOPED_PROP_FROM_ROLE,
                                       moped_element_get_id (role), &problem);
        }
    }
  return TRUE;
}

static gboolean
parse (Loader  *self,
       GError **error)
{
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GError) local = NULL;

  if (!check_is_text (self, error))
    return FALSE;

  context = g_markup_parse_context_new (&parser, 0, self, NULL);
  if (!g_markup_parse_context_parse (context, self->data, (gssize) self->length, &local) ||
      !g_markup_parse_context_end_parse (context, &local))
    {
      if (local->domain == MOPED_FILE_ERROR)
        g_propagate_error (error, g_steal_pointer (&local));
      else
        markup_error (self, context, local, error);
      return FALSE;
    }
  if (!self->seen_root)
    {
      loader_error (self, error, MOPED_FILE_ERROR_INVALID, self->length,
                    "not a Moped design: the file has no <design> element");
      return FALSE;
    }
  if (!check_refs (self, error))
    return FALSE;
  return self->format != 1 || convert_format_1 (self, error);
}

static void
set_too_large (GError    **error,
               const char *name,
               guint64     size)
{
  g_autofree char *size_text = g_format_size_full (size, G_FORMAT_SIZE_IEC_UNITS);

  g_set_error (error, MOPED_FILE_ERROR, MOPED_FILE_ERROR_TOO_LARGE,
               "%s:1:1: the file is too large (%s); Moped opens designs of up to %u MiB",
               name, size_text, (guint) (MAX_FILE_SIZE / (1024 * 1024)));
}

static void
clear_v1_sender (gpointer data)
{
  g_free (((V1Sender *) data)->node_id);
}

MopedDesign *
moped_file_load_data (const char *data,
                      gssize      length,
                      const char *name,
                      GError    **error)
{
  g_autoptr(MopedDesign) design = NULL;
  Loader self = { 0 };
  gboolean ok;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (name == NULL)
    name = "data";
  if (length < 0)
    length = (gssize) strlen (data);
  if ((gsize) length > MAX_FILE_SIZE)
    {
      set_too_large (error, name, (guint64) length);
      return NULL;
    }

  /* GMarkup in GLib 2.74 refuses a UTF-8 byte order mark, which some editors
   * write; it is invisible, so columns are counted without it. */
  if (length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    {
      data += 3;
      length -= 3;
    }

  design = moped_design_new ();
  self.data = data ? data : "";
  self.length = (gsize) length;
  self.name = name;
  self.design = design;
  self.stack = g_ptr_array_new ();
  self.tags = g_hash_table_new (g_str_hash, g_str_equal);
  self.refs = g_array_new (FALSE, FALSE, sizeof (PendingRef));
  self.senders = g_array_new (FALSE, FALSE, sizeof (V1Sender));
  g_array_set_clear_func (self.senders, clear_v1_sender);
  self.props = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint p = 0; p < MOPED_N_PROPS; p++)
    g_hash_table_insert (self.props, (gpointer) moped_schema_get_prop_name ((MopedProp) p),
                         GUINT_TO_POINTER (p + 1));
  self.gm_line = 1;
  self.line = 1;

  ok = parse (&self, error);

  g_ptr_array_unref (self.stack);
  g_hash_table_unref (self.tags);
  g_array_unref (self.refs);
  g_array_unref (self.senders);
  g_hash_table_unref (self.props);
  if (!ok)
    return NULL;

  moped_design_clear_history (design);
  moped_design_set_unmodified (design);
  return g_steal_pointer (&design);
}

/* Reads at most MAX_FILE_SIZE + 1 bytes, so a file that grows while we read is refused too. */
static char *
read_all (int     fd,
          gsize   expected,
          gsize  *length,
          int    *errnum)
{
  gsize allocated = MIN (expected, MAX_FILE_SIZE) + 1;
  gsize filled = 0;
  char *buffer = g_malloc (allocated + 1);

  for (;;)
    {
      gssize n;

      if (filled == allocated)
        {
          if (allocated > MAX_FILE_SIZE)
            break;
          allocated = MIN (allocated * 2, MAX_FILE_SIZE + 1);
          buffer = g_realloc (buffer, allocated + 1);
        }
      n = read (fd, buffer + filled, allocated - filled);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          *errnum = errno;
          g_free (buffer);
          return NULL;
        }
      if (n == 0)
        break;
      filled += (gsize) n;
    }
  buffer[filled] = '\0';
  *length = filled;
  return buffer;
}

MopedDesign *
moped_file_load (const char  *path,
                 GError     **error)
{
  g_autofree char *display = NULL;
  g_autofree char *contents = NULL;
  struct stat st;
  gsize length = 0;
  int errnum = 0;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  display = g_filename_display_name (path);
  moped_file_remove_stale_temporaries (path);
  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0 || fstat (fd, &st) != 0)
    errnum = errno;
  else if (S_ISDIR (st.st_mode))
    errnum = EISDIR;
  else if (!S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, MOPED_FILE_ERROR, MOPED_FILE_ERROR_IO,
                   "Cannot open “%s”: it is not a regular file", display);
      return NULL;
    }
  else if ((guint64) st.st_size > MAX_FILE_SIZE)
    {
      close (fd);
      set_too_large (error, display, (guint64) st.st_size);
      return NULL;
    }
  else
    contents = read_all (fd, (gsize) st.st_size, &length, &errnum);
  if (fd >= 0)
    close (fd);

  if (errnum != 0)
    {
      g_set_error (error, MOPED_FILE_ERROR, MOPED_FILE_ERROR_IO,
                   "Cannot open “%s”: %s", display, g_strerror (errnum));
      return NULL;
    }
  return moped_file_load_data (contents, (gssize) length, display, error);
}
