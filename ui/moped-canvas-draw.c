/* moped-canvas-draw.c: drawing the canvas: per-element caches, level of detail, overlays, the static layer.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Each box and each link label is drawn once, in its own coordinates, into a render
 * node (from cached text layouts) kept until the element looks different, and that
 * node is turned into pixels at the current zoom; a frame copies the pixels of the
 * visible elements, so panning and moving lay out no text and build no nodes. Far
 * out, where text would be illegible, boxes are a few batched fills. Curves,
 * selection, badges and drag feedback are drawn every frame in widget coordinates.
 * While a drag moves things, everything else is drawn once into an image.
 *
 * The frame is a single cairo node: GTK's cairo renderer composites every cairo node
 * over what lies below it and converts every texture anew each frame (33 ms for a
 * full-HD texture here), so one node and plain image surfaces are what stay cheap.
 */
#define G_LOG_DOMAIN "moped-ui"

#include <math.h>
#include <string.h>

#include "moped-canvas-private.h"
#include "moped-render.h"

enum {
  FONT_TITLE,
  FONT_ROLE,
  FONT_CHIP,
  FONT_NAME,
  FONT_LABEL,
  FONT_ENDPOINT,
  FONT_NOTE,
  FONT_BADGE,
  N_FONTS
};
G_STATIC_ASSERT (N_FONTS <= G_N_ELEMENTS (((MopedCanvas *) 0)->fonts));

typedef enum
{
  SLOT_TITLE,
  SLOT_ROLE,
  SLOT_INSTANCES,
  SLOT_CHIP,
  SLOT_NAME,
  SLOT_LABEL,
  SLOT_ENDPOINT,
  SLOT_TEXT,
  N_SLOTS
} Slot;

typedef struct
{
  PangoLayout *layout;
  char        *text;
  int          width;
  int          height;
} LayoutEntry;

typedef struct
{
  LayoutEntry slots[N_SLOTS];
} LayoutSet;

/* An element drawn into pixels at one zoom: a frame copies it instead of drawing it. */
typedef struct
{
  cairo_surface_t *surface;
  double           x, y;    /* its origin, in the element's own design units */
  double           zoom;
  int              scale;
  MopedCanvasLod   lod;
  guint            frame;   /* the last frame that used it */
} Raster;

typedef struct
{
  GskRenderNode *lod[MOPED_CANVAS_N_LODS];
  Raster         raster;
} RenderSet;

typedef enum
{
  FILTER_ALL,
  FILTER_STATIC,   /* what a drag does not move */
  FILTER_DYNAMIC,  /* what it does */
} Filter;

#define RGBA(r, g, b, a) { (r) / 255.f, (g) / 255.f, (b) / 255.f, (a) }

/* GNOME's palette: one colour per socket pattern family, in the order the families
 * first appear in the socket table; red is kept for errors. */
static const GdkRGBA family_palette[] = {
  RGBA (0x91, 0x41, 0xac, 1), /* purple */
  RGBA (0x3a, 0x94, 0x4a, 1), /* green */
  RGBA (0x35, 0x84, 0xe4, 1), /* blue */
  RGBA (0xed, 0x5b, 0x00, 1), /* orange */
  RGBA (0x6f, 0x83, 0x96, 1), /* slate */
  RGBA (0x21, 0x90, 0xa4, 1), /* teal */
  RGBA (0xc8, 0x88, 0x00, 1), /* yellow */
  RGBA (0xd5, 0x61, 0x99, 1), /* pink */
  RGBA (0x86, 0x5e, 0x3c, 1), /* brown */
  RGBA (0x5e, 0x5c, 0x64, 1), /* dark grey */
};

/* The colours of the canvas, light and dark. The canvas follows the style of the
 * window (GTK's or libadwaita's dark style, or a dark theme): its CSS text colour says
 * which. Exported diagrams have their own, always light, colours. */
typedef struct
{
  GdkRGBA canvas_bg, grid_dot, card_bg, header_bg, card_border, separator, shadow;
  GdkRGBA text_strong, text_dim, pill_bg, note_bg, note_band, note_border, note_text;
} Palette;

static const Palette light_palette = {
  .canvas_bg = RGBA (0xf2, 0xf1, 0xf0, 1),
  .grid_dot = RGBA (0x00, 0x00, 0x00, 0.13),
  .card_bg = RGBA (0xff, 0xff, 0xff, 1),
  .header_bg = RGBA (0xf6, 0xf5, 0xf4, 1),
  .card_border = RGBA (0x00, 0x00, 0x00, 0.16),
  .separator = RGBA (0x00, 0x00, 0x00, 0.08),
  .shadow = RGBA (0x00, 0x00, 0x00, 0.06),
  .text_strong = RGBA (0x24, 0x1f, 0x31, 0.92),
  .text_dim = RGBA (0x24, 0x1f, 0x31, 0.58),
  .pill_bg = RGBA (0x00, 0x00, 0x00, 0.07),
  .note_bg = RGBA (0xfc, 0xf4, 0xa6, 1),
  .note_band = RGBA (0xe5, 0xa5, 0x0a, 0.30),
  .note_border = RGBA (0x9c, 0x6e, 0x03, 0.30),
  .note_text = RGBA (0x3d, 0x38, 0x46, 1),
};

/* libadwaita's dark colours: window #242424, cards a step lighter, text white. */
static const Palette dark_palette = {
  .canvas_bg = RGBA (0x24, 0x24, 0x24, 1),
  .grid_dot = RGBA (0xff, 0xff, 0xff, 0.13),
  .card_bg = RGBA (0x30, 0x30, 0x30, 1),
  .header_bg = RGBA (0x38, 0x38, 0x38, 1),
  .card_border = RGBA (0xff, 0xff, 0xff, 0.16),
  .separator = RGBA (0xff, 0xff, 0xff, 0.10),
  .shadow = RGBA (0x00, 0x00, 0x00, 0.30),
  .text_strong = RGBA (0xff, 0xff, 0xff, 0.92),
  .text_dim = RGBA (0xff, 0xff, 0xff, 0.62),
  .pill_bg = RGBA (0xff, 0xff, 0xff, 0.10),
  .note_bg = RGBA (0x5c, 0x50, 0x1c, 1),
  .note_band = RGBA (0xe5, 0xa5, 0x0a, 0.40),
  .note_border = RGBA (0xf6, 0xd3, 0x2d, 0.30),
  .note_text = RGBA (0xfa, 0xf7, 0xe6, 1),
};

/* The palette of the canvas being drawn (set at the start of each frame; one UI thread). */
static const Palette *palette = &light_palette;

#define canvas_bg   (palette->canvas_bg)
#define grid_dot    (palette->grid_dot)
#define card_bg     (palette->card_bg)
#define header_bg   (palette->header_bg)
#define card_border (palette->card_border)
#define separator   (palette->separator)
#define shadow      (palette->shadow)
#define text_strong (palette->text_strong)
#define text_dim    (palette->text_dim)
#define pill_bg     (palette->pill_bg)
#define note_bg     (palette->note_bg)
#define note_band   (palette->note_band)
#define note_border (palette->note_border)
#define note_text   (palette->note_text)

static const GdkRGBA white = RGBA (0xff, 0xff, 0xff, 1);
static const GdkRGBA accent = RGBA (0x35, 0x84, 0xe4, 1);
static const GdkRGBA valid_color = RGBA (0x2e, 0xc2, 0x7e, 1);

#define CARD_RADIUS 10.0
#define NOTE_RADIUS 4.0
#define LABEL_RADIUS 6.0

/* ---- colours ---------------------------------------------------------------------- */

/* Diagnostics wear the same colours on the canvas as in exported diagrams. */
static const GdkRGBA *
severity_color (MopedSeverity severity)
{
  static GdkRGBA colors[2];
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      gdk_rgba_parse (&colors[0], moped_render_severity_color (MOPED_SEVERITY_ERROR));
      gdk_rgba_parse (&colors[1], moped_render_severity_color (MOPED_SEVERITY_WARNING));
      g_once_init_leave (&initialized, 1);
    }
  return &colors[severity == MOPED_SEVERITY_ERROR ? 0 : 1];
}

void
_moped_canvas_family_color (MopedSocketType type,
                            GdkRGBA        *color)
{
  static guint family[MOPED_N_SOCKET_TYPES];
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      const char *seen[MOPED_N_SOCKET_TYPES];
      guint n_seen = 0;

      for (guint t = 0; t < MOPED_N_SOCKET_TYPES; t++)
        {
          const char *pattern = moped_socket_type_get_info (t)->pattern;
          guint f;

          for (f = 0; f < n_seen && !g_str_equal (seen[f], pattern); f++)
            ;
          if (f == n_seen)
            seen[n_seen++] = pattern;
          family[t] = f % G_N_ELEMENTS (family_palette);
        }
      g_once_init_leave (&initialized, 1);
    }
  *color = family_palette[(guint) type < MOPED_N_SOCKET_TYPES ? family[type] : 0];
}

static GdkRGBA
shade (const GdkRGBA *color,
       float          factor,
       float          alpha)
{
  return (GdkRGBA) { color->red * factor, color->green * factor, color->blue * factor, alpha };
}

/* @color over white at @alpha, opaque: chips stay crisp over anything. */
static GdkRGBA
tint (const GdkRGBA *color,
      float          alpha)
{
  return (GdkRGBA) {
    1 - alpha + color->red * alpha, 1 - alpha + color->green * alpha,
    1 - alpha + color->blue * alpha, 1
  };
}

static void
socket_color (MopedElement *socket,
              GdkRGBA      *color)
{
  _moped_canvas_family_color (moped_element_get_enum (socket, MOPED_PROP_TYPE), color);
}

static gboolean
binds (MopedElement *socket)
{
  return moped_element_get_enum (socket, MOPED_PROP_MODE) == MOPED_SOCKET_MODE_BIND;
}

/* ---- text ----------------------------------------------------------------------- */

static PangoFontDescription *
make_font (PangoContext *context,
           double        pixels,
           PangoWeight   weight,
           const char   *family)
{
  PangoFontDescription *font = pango_font_description_copy (pango_context_get_font_description (context));

  if (family != NULL)
    pango_font_description_set_family (font, family);
  pango_font_description_set_absolute_size (font, pixels * PANGO_SCALE);
  pango_font_description_set_weight (font, weight);
  return font;
}

static void
layout_set_free (gpointer data)
{
  LayoutSet *set = data;

  for (guint i = 0; i < N_SLOTS; i++)
    {
      g_clear_object (&set->slots[i].layout);
      g_free (set->slots[i].text);
    }
  g_free (set);
}

static void
render_set_free (gpointer data)
{
  RenderSet *set = data;

  for (guint i = 0; i < MOPED_CANVAS_N_LODS; i++)
    g_clear_pointer (&set->lod[i], gsk_render_node_unref);
  g_clear_pointer (&set->raster.surface, cairo_surface_destroy);
  g_free (set);
}

/* The layout of one piece of an element's text, made again only when its text or
 * its room changed. @width and @height in pixels, -1 for unlimited. */
static PangoLayout *
get_layout (MopedCanvas  *self,
            MopedElement *element,
            Slot          slot,
            guint         font,
            const char   *text,
            int           width,
            int           height)
{
  LayoutSet *set = g_hash_table_lookup (self->layouts, element);
  LayoutEntry *entry;

  if (set == NULL)
    {
      set = g_new0 (LayoutSet, 1);
      g_hash_table_insert (self->layouts, element, set);
    }
  entry = &set->slots[slot];
  if (entry->layout != NULL && entry->width == width && entry->height == height &&
      g_strcmp0 (entry->text, text) == 0)
    return entry->layout;

  if (entry->layout == NULL)
    {
      entry->layout = pango_layout_new (self->pango);
      pango_layout_set_font_description (entry->layout, self->fonts[font]);
      pango_layout_set_ellipsize (entry->layout, PANGO_ELLIPSIZE_END);
      if (slot == SLOT_TEXT)
        pango_layout_set_wrap (entry->layout, PANGO_WRAP_WORD_CHAR);
    }
  g_free (entry->text);
  entry->text = g_strdup (text);
  entry->width = width;
  entry->height = height;
  pango_layout_set_text (entry->layout, text, -1);
  pango_layout_set_width (entry->layout, width < 0 ? -1 : width * PANGO_SCALE);
  pango_layout_set_height (entry->layout, height < 0 ? -1 : height * PANGO_SCALE);
  return entry->layout;
}

double
_moped_canvas_measure (const char           *text,
                       MopedCanvasTextStyle  style,
                       gpointer              user_data)
{
  static const guint style_fonts[] = { FONT_CHIP, FONT_LABEL, FONT_ENDPOINT };
  MopedCanvas *self = user_data;
  g_autofree char *key = g_strdup_printf ("%d:%s", style, text);
  gpointer cached = g_hash_table_lookup (self->widths, key);
  g_autoptr(PangoLayout) layout = NULL;
  PangoRectangle logical;
  double width;

  if (cached != NULL)
    return *(double *) cached;

  layout = pango_layout_new (self->pango);
  pango_layout_set_font_description (layout, self->fonts[style_fonts[style]]);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_extents (layout, NULL, &logical);
  width = (double) logical.width / PANGO_SCALE;
  g_hash_table_insert (self->widths, g_steal_pointer (&key), g_memdup2 (&width, sizeof width));
  return width;
}

static void
append_text (GtkSnapshot   *snapshot,
             PangoLayout   *layout,
             double         x,
             double         y,
             const GdkRGBA *color)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

/* @layout centred vertically in [@top, @top + @height]. */
static void
append_text_centered (GtkSnapshot   *snapshot,
                      PangoLayout   *layout,
                      double         x,
                      double         top,
                      double         height,
                      const GdkRGBA *color)
{
  PangoRectangle logical;

  pango_layout_get_extents (layout, NULL, &logical);
  append_text (snapshot, layout, x, top + (height - (double) logical.height / PANGO_SCALE) / 2, color);
}

static double
text_width (PangoLayout *layout)
{
  PangoRectangle logical;

  pango_layout_get_extents (layout, NULL, &logical);
  return (double) logical.width / PANGO_SCALE;
}

/* ---- shapes ---------------------------------------------------------------------- */

static void
fill_rounded (GtkSnapshot   *snapshot,
              double         x,
              double         y,
              double         width,
              double         height,
              double         radius,
              const GdkRGBA *color)
{
  GskRoundedRect rounded;
  graphene_rect_t rect = GRAPHENE_RECT_INIT (x, y, width, height);

  gsk_rounded_rect_init_from_rect (&rounded, &rect, MIN (radius, MIN (width, height) / 2));
  gtk_snapshot_push_rounded_clip (snapshot, &rounded);
  gtk_snapshot_append_color (snapshot, color, &rect);
  gtk_snapshot_pop (snapshot);
}

static void
stroke_rounded (GtkSnapshot   *snapshot,
                double         x,
                double         y,
                double         width,
                double         height,
                double         radius,
                double         line,
                const GdkRGBA *color)
{
  GskRoundedRect rounded;
  graphene_rect_t rect = GRAPHENE_RECT_INIT (x, y, width, height);
  const float widths[4] = { line, line, line, line };
  const GdkRGBA colors[4] = { *color, *color, *color, *color };

  gsk_rounded_rect_init_from_rect (&rounded, &rect, MIN (radius, MIN (width, height) / 2));
  gtk_snapshot_append_border (snapshot, &rounded, widths, colors);
}

static void
append_rect (GtkSnapshot   *snapshot,
             double         x,
             double         y,
             double         width,
             double         height,
             const GdkRGBA *color)
{
  gtk_snapshot_append_color (snapshot, color, &GRAPHENE_RECT_INIT (x, y, width, height));
}

/* ---- nodes ---------------------------------------------------------------------- */

static void
draw_card (GtkSnapshot    *snapshot,
           double          width,
           double          height,
           MopedCanvasLod  lod)
{
  GskRoundedRect rounded;
  graphene_rect_t rect = GRAPHENE_RECT_INIT (0, 0, width, height);
  double header = MIN (MOPED_CANVAS_HEADER_HEIGHT, height / 2);

  if (lod < MOPED_CANVAS_LOD_TITLES)
    {
      /* Far out, corners and shadows are below a pixel: plain rectangles. */
      append_rect (snapshot, 0, 0, width, height, &card_border);
      append_rect (snapshot, 1, 1, width - 2, height - 2, &card_bg);
      append_rect (snapshot, 1, 1, width - 2, header - 1, &header_bg);
      return;
    }
  fill_rounded (snapshot, -1, 0, width + 2, height + 2, CARD_RADIUS + 1, &shadow);
  fill_rounded (snapshot, 0, 1.5, width, height + 1.5, CARD_RADIUS, &shadow);
  gsk_rounded_rect_init_from_rect (&rounded, &rect, CARD_RADIUS);
  gtk_snapshot_push_rounded_clip (snapshot, &rounded);
  gtk_snapshot_append_color (snapshot, &card_bg, &rect);
  append_rect (snapshot, 0, 0, width, header, &header_bg);
  append_rect (snapshot, 0, header - 1, width, 1, &separator);
  gtk_snapshot_pop (snapshot);
  stroke_rounded (snapshot, 0, 0, width, height, CARD_RADIUS, 1, &card_border);
}

static double
draw_instances (MopedCanvas  *self,
                GtkSnapshot  *snapshot,
                MopedElement *node,
                double        width)
{
  gint64 instances = moped_element_get_int (node, MOPED_PROP_INSTANCES);
  g_autofree char *text = NULL;
  PangoLayout *layout;
  double pill;

  if (instances <= 1)
    return 0;
  text = g_strdup_printf ("×%" G_GINT64_FORMAT, instances);
  layout = get_layout (self, node, SLOT_INSTANCES, FONT_CHIP, text, -1, -1);
  pill = text_width (layout) + 12;
  fill_rounded (snapshot, width - 10 - pill, 10, pill, 18, 9, &pill_bg);
  append_text_centered (snapshot, layout, width - 10 - pill + 6, 10, 18, &text_dim);
  return pill + 6;
}

static void
draw_port (MopedCanvas           *self,
           GtkSnapshot           *snapshot,
           const MopedCanvasPort *port,
           const MopedCanvasRect *rect,
           MopedCanvasLod         lod)
{
  GdkRGBA color;
  double cx = port->center.x - rect->x, cy = port->center.y - rect->y;
  double r = MOPED_CANVAS_PORT_RADIUS;
  gboolean bound = binds (port->socket);
  MopedCanvasRect chip = { port->chip.x - rect->x, port->chip.y - rect->y, port->chip.width, port->chip.height };

  if (lod == MOPED_CANVAS_LOD_OUTLINE)
    return;
  socket_color (port->socket, &color);

  if (lod == MOPED_CANVAS_LOD_SHAPES)
    {
      append_rect (snapshot, cx - r, cy - r, 2 * r, 2 * r, &color);
      return;
    }

  /* The chip: solid for a socket that binds, outlined for one that connects. */
  if (bound)
    fill_rounded (snapshot, chip.x, chip.y, chip.width, chip.height, 5, &color);
  else
    {
      GdkRGBA fill = tint (&color, 0.12f);

      fill_rounded (snapshot, chip.x, chip.y, chip.width, chip.height, 5, &fill);
      stroke_rounded (snapshot, chip.x, chip.y, chip.width, chip.height, 5, 1, &color);
    }

  if (lod == MOPED_CANVAS_LOD_FULL)
    {
      MopedSocketType type = moped_element_get_enum (port->socket, MOPED_PROP_TYPE);
      PangoLayout *layout = get_layout (self, port->socket, SLOT_CHIP, FONT_CHIP,
                                        moped_socket_type_get_name (type), -1, -1);
      GdkRGBA ink = bound ? white : shade (&color, 0.72f, 1);
      const char *name = moped_element_get_name (port->socket);

      append_text_centered (snapshot, layout, chip.x + MOPED_CANVAS_CHIP_PADDING, chip.y, chip.height, &ink);

      if (name != NULL && *name != '\0' && port->name.width >= 28)
        {
          layout = get_layout (self, port->socket, SLOT_NAME, FONT_NAME, name, (int) port->name.width, -1);
          pango_layout_set_alignment (layout, port->side == MOPED_CANVAS_SIDE_LEFT ? PANGO_ALIGN_LEFT
                                                                                     : PANGO_ALIGN_RIGHT);
          append_text_centered (snapshot, layout, port->name.x - rect->x, chip.y, chip.height, &text_dim);
        }
    }

  /* The port: filled when it binds, hollow when it connects. */
  fill_rounded (snapshot, cx - r - 1.5, cy - r - 1.5, 2 * r + 3, 2 * r + 3, r + 1.5, &card_bg);
  if (bound)
    fill_rounded (snapshot, cx - r, cy - r, 2 * r, 2 * r, r, &color);
  else
    stroke_rounded (snapshot, cx - r + 0.5, cy - r + 0.5, 2 * r - 1, 2 * r - 1, r, 2.2, &color);
}

static void
draw_node (MopedCanvas          *self,
           GtkSnapshot          *snapshot,
           const MopedCanvasBox *box,
           MopedCanvasLod        lod)
{
  MopedElement *node = box->element;
  double width = box->rect.width, height = box->rect.height;

  draw_card (snapshot, width, height, lod);

  if (lod >= MOPED_CANVAS_LOD_TITLES)
    {
      double reserved = lod == MOPED_CANVAS_LOD_FULL ? draw_instances (self, snapshot, node, width) : 0;
      int room = (int) MAX (8, width - 24 - reserved);
      const char *name = moped_element_get_name (node);
      const char *role = moped_element_get_string (node, MOPED_PROP_ROLE);
      PangoLayout *layout;

      layout = get_layout (self, node, SLOT_TITLE, FONT_TITLE, *name ? name : "Unnamed node", room, -1);
      append_text (snapshot, layout, 12, role[0] && lod == MOPED_CANVAS_LOD_FULL ? 7 : 12,
                   *name ? &text_strong : &text_dim);
      if (lod == MOPED_CANVAS_LOD_FULL && *role != '\0')
        {
          layout = get_layout (self, node, SLOT_ROLE, FONT_ROLE, role, (int) MAX (8, width - 24), -1);
          append_text (snapshot, layout, 12, 25, &text_dim);
        }
    }

  for (guint i = 0; box->ports != NULL && i < box->ports->len; i++)
    draw_port (self, snapshot, g_ptr_array_index (box->ports, i), &box->rect, lod);
}

static void
draw_note (MopedCanvas          *self,
           GtkSnapshot          *snapshot,
           const MopedCanvasBox *box,
           MopedCanvasLod        lod)
{
  double width = box->rect.width, height = box->rect.height;
  const char *text = moped_element_get_string (box->element, MOPED_PROP_TEXT);

  if (lod >= MOPED_CANVAS_LOD_TITLES)
    fill_rounded (snapshot, 0, 2, width, height, NOTE_RADIUS, &shadow);
  fill_rounded (snapshot, 0, 0, width, height, NOTE_RADIUS, &note_bg);
  if (lod >= MOPED_CANVAS_LOD_TITLES)
    {
      GskRoundedRect rounded;
      graphene_rect_t rect = GRAPHENE_RECT_INIT (0, 0, width, height);

      gsk_rounded_rect_init_from_rect (&rounded, &rect, NOTE_RADIUS);
      gtk_snapshot_push_rounded_clip (snapshot, &rounded);
      append_rect (snapshot, 0, 0, width, 6, &note_band);
      gtk_snapshot_pop (snapshot);
    }
  stroke_rounded (snapshot, 0, 0, width, height, NOTE_RADIUS, 1, &note_border);

  if (lod == MOPED_CANVAS_LOD_FULL && *text != '\0' && width > 24 && height > 30)
    {
      PangoLayout *layout = get_layout (self, box->element, SLOT_TEXT, FONT_NOTE, text,
                                        (int) (width - 24), (int) (height - 26));

      append_text (snapshot, layout, 12, 14, &note_text);
    }
}

static void
draw_label (MopedCanvas           *self,
            GtkSnapshot           *snapshot,
            const MopedCanvasLinkCurve *curve)
{
  const char *label = moped_element_get_string (curve->link, MOPED_PROP_LABEL);
  const char *endpoint = moped_element_get_string (curve->link, MOPED_PROP_ENDPOINT);
  MopedElement *protocol = moped_element_get_ref (curve->link, MOPED_PROP_PROTOCOL);
  double width = curve->label.width, height = curve->label.height;
  double x = MOPED_CANVAS_LABEL_PADDING, y = 3;
  GdkRGBA color;

  if (*label == '\0' && protocol != NULL)
    label = moped_element_get_name (protocol);
  socket_color (curve->from, &color);

  fill_rounded (snapshot, 0, 1, width, height, LABEL_RADIUS, &shadow);
  fill_rounded (snapshot, 0, 0, width, height, LABEL_RADIUS, &card_bg);
  stroke_rounded (snapshot, 0, 0, width, height, LABEL_RADIUS, 1, &card_border);
  fill_rounded (snapshot, 0, 0, 3, height, 1.5, &color);
  if (label != NULL && *label != '\0')
    {
      PangoLayout *layout = get_layout (self, curve->link, SLOT_LABEL, FONT_LABEL, label, -1, -1);

      append_text_centered (snapshot, layout, MOPED_CANVAS_LABEL_PADDING, y, MOPED_CANVAS_LABEL_LINE,
                            &text_strong);
      if (curve->label_inline)
        x += text_width (layout) + MOPED_CANVAS_LABEL_GAP;
      else
        y += MOPED_CANVAS_LABEL_LINE;
    }
  if (*endpoint != '\0')
    {
      PangoLayout *layout = get_layout (self, curve->link, SLOT_ENDPOINT, FONT_ENDPOINT, endpoint, -1, -1);

      append_text_centered (snapshot, layout, x, y, MOPED_CANVAS_LABEL_LINE, &text_dim);
    }
}

/* The render node of @element at @lod, drawn in its own coordinates. */
static GskRenderNode *
element_node (MopedCanvas   *self,
              MopedElement  *element,
              gconstpointer  item,
              MopedCanvasLod lod)
{
  RenderSet *set = g_hash_table_lookup (self->nodes, element);
  GtkSnapshot *snapshot;

  if (set == NULL)
    {
      set = g_new0 (RenderSet, 1);
      g_hash_table_insert (self->nodes, element, set);
    }
  if (set->lod[lod] != NULL)
    return set->lod[lod];

  snapshot = gtk_snapshot_new ();
  switch (moped_element_get_kind (element))
    {
    case MOPED_KIND_NODE:
      draw_node (self, snapshot, item, lod);
      break;
    case MOPED_KIND_NOTE:
      draw_note (self, snapshot, item, lod);
      break;
    case MOPED_KIND_LINK:
      draw_label (self, snapshot, item);
      break;
    case MOPED_KIND_DESIGN:
    case MOPED_KIND_SOCKET:
    case MOPED_KIND_METHOD:
    case MOPED_KIND_PARAM:
    case MOPED_KIND_PROCESS:
    case MOPED_KIND_HOST:
    case MOPED_KIND_PROTOCOL:
    case MOPED_KIND_COMMAND:
    case MOPED_KIND_FIELD:
    case MOPED_KIND_FLOW:
    case MOPED_KIND_STEP:
    case MOPED_KIND_REQUIREMENT:
    case MOPED_N_KINDS:
    default:
      g_assert_not_reached ();
    }
  set->lod[lod] = gtk_snapshot_free_to_node (snapshot);
  return set->lod[lod];
}

/* ---- rasters ---------------------------------------------------------------------- */

#define RASTER_BUDGET (96u << 20)      /* bytes of element pixels kept between frames */
#define RASTER_MAX_PIXELS (4 << 20)    /* larger elements are drawn, not copied */

static void
drop_raster (MopedCanvas *self,
             Raster      *raster)
{
  if (raster->surface == NULL)
    return;
  self->raster_bytes -= (gsize) cairo_image_surface_get_stride (raster->surface) *
                        cairo_image_surface_get_height (raster->surface);
  g_clear_pointer (&raster->surface, cairo_surface_destroy);
}

static void
forget_element (MopedCanvas  *self,
                MopedElement *element)
{
  RenderSet *set = g_hash_table_lookup (self->nodes, element);

  if (set != NULL)
    drop_raster (self, &set->raster);
  g_hash_table_remove (self->nodes, element);
  g_hash_table_remove (self->layouts, element);
}

/* The pixels of @element at the current zoom, made from its render node when the
 * zoom or the element changed; NULL when it is too large to keep. */
static Raster *
element_raster (MopedCanvas    *self,
                MopedElement   *element,
                gconstpointer   item,
                MopedCanvasLod  lod)
{
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  GskRenderNode *node = element_node (self, element, item, lod);
  RenderSet *set = g_hash_table_lookup (self->nodes, element);
  Raster *raster = &set->raster;
  graphene_rect_t bounds;
  double pad = 1.0 / (self->zoom * scale);
  int width, height;
  cairo_t *cr;

  raster->frame = self->frame;
  if (raster->surface != NULL && raster->zoom == self->zoom && raster->scale == scale && raster->lod == lod)
    return raster;
  drop_raster (self, raster);
  if (node == NULL)
    return NULL;

  gsk_render_node_get_bounds (node, &bounds);
  width = (int) ceil ((bounds.size.width + 2 * pad) * self->zoom * scale);
  height = (int) ceil ((bounds.size.height + 2 * pad) * self->zoom * scale);
  if ((gint64) width * height > RASTER_MAX_PIXELS)
    return NULL;

  raster->surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_surface_set_device_scale (raster->surface, scale, scale);
  raster->x = bounds.origin.x - pad;
  raster->y = bounds.origin.y - pad;
  raster->zoom = self->zoom;
  raster->scale = scale;
  raster->lod = lod;
  cr = cairo_create (raster->surface);
  cairo_scale (cr, self->zoom, self->zoom);
  cairo_translate (cr, -raster->x, -raster->y);
  gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  self->raster_bytes += (gsize) cairo_image_surface_get_stride (raster->surface) * height;
  return raster;
}

/* Copy @element's pixels to where (@x, @y) is, on whole device pixels so that its
 * text stays as sharp as it was drawn. */
static void
place_element (MopedCanvas    *self,
               cairo_t        *cr,
               MopedElement   *element,
               gconstpointer   item,
               double          x,
               double          y,
               MopedCanvasLod  lod)
{
  Raster *raster = element_raster (self, element, item, lod);
  double wx, wy;

  if (raster != NULL)
    {
      moped_canvas_design_to_widget (self, x + raster->x, y + raster->y, &wx, &wy);
      cairo_set_source_surface (cr, raster->surface, round (wx * raster->scale) / raster->scale,
                                round (wy * raster->scale) / raster->scale);
      cairo_paint (cr);
    }
  else
    {
      GskRenderNode *node = element_node (self, element, item, lod);

      if (node == NULL)
        return;
      moped_canvas_design_to_widget (self, x, y, &wx, &wy);
      cairo_save (cr);
      cairo_translate (cr, wx, wy);
      cairo_scale (cr, self->zoom, self->zoom);
      gsk_render_node_draw (node, cr);
      cairo_restore (cr);
    }
}

/* Keep the pixels of what was just drawn; past the budget, forget the rest. */
static void
evict_rasters (MopedCanvas *self)
{
  GHashTableIter iter;
  RenderSet *set;

  if (self->raster_bytes <= RASTER_BUDGET)
    return;
  g_hash_table_iter_init (&iter, self->nodes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &set))
    if (set->raster.frame != self->frame)
      drop_raster (self, &set->raster);
}

/* ---- the scene ------------------------------------------------------------------- */

static gboolean
passes (MopedCanvas  *self,
        MopedElement *element,
        Filter        filter)
{
  if (filter == FILTER_ALL)
    return TRUE;
  return g_hash_table_contains (self->dynamic, element) == (filter == FILTER_DYNAMIC);
}

static void rounded_path (cairo_t *cr, double x, double y, double width, double height, double radius);

static void draw_frames (MopedCanvas *self, cairo_t *cr);

static void
draw_background (MopedCanvas *self,
                 cairo_t     *cr)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  double step = MOPED_CANVAS_GRID;

  gdk_cairo_set_source_rgba (cr, &canvas_bg);
  cairo_paint (cr);
  if (!self->show_grid)
    {
      draw_frames (self, cr);
      return;
    }

  /* Dots at least 16 pixels apart: every 5th grid point when zoomed far out. */
  while (step * self->zoom < 16)
    step *= 5;
  gdk_cairo_set_source_rgba (cr, &grid_dot);
  for (double x = floor (self->origin_x / step) * step; (x - self->origin_x) * self->zoom < width; x += step)
    for (double y = floor (self->origin_y / step) * step; (y - self->origin_y) * self->zoom < height; y += step)
      cairo_rectangle (cr, round ((x - self->origin_x) * self->zoom) - 1,
                       round ((y - self->origin_y) * self->zoom) - 1, 2, 2);
  cairo_fill (cr);
  draw_frames (self, cr);
}

/* Processes and hosts: frames behind the nodes, their names in the top band. A host is
 * a solid frame, a process a dashed one inside it. */
static void
draw_frames (MopedCanvas *self,
             cairo_t     *cr)
{
  g_autoptr(GArray) frames = NULL;

  if (!self->show_deployment || self->geometry == NULL)
    return;
  frames = moped_canvas_geometry_dup_frames (self->geometry);
  for (guint i = 0; i < frames->len; i++)
    {
      const MopedCanvasFrame *frame = &g_array_index (frames, MopedCanvasFrame, i);
      gboolean host = moped_element_get_kind (frame->element) == MOPED_KIND_HOST;
      double x = (frame->rect.x - self->origin_x) * self->zoom;
      double y = (frame->rect.y - self->origin_y) * self->zoom;
      double w = frame->rect.width * self->zoom, h = frame->rect.height * self->zoom;
      g_autofree char *text = g_strdup_printf ("%s %s", host ? "Host" : "Process",
                                               moped_element_get_name (frame->element));
      PangoLayout *layout;
      GdkRGBA fill = text_dim;

      rounded_path (cr, x, y, w, h, 10 * self->zoom);
      fill.alpha = host ? 0.05 : 0.07;
      gdk_cairo_set_source_rgba (cr, &fill);
      cairo_fill_preserve (cr);
      /* A selected frame is drawn in the accent colour, thicker. */
      gdk_cairo_set_source_rgba (cr, _moped_canvas_is_selected (self, frame->element) ? &accent : &text_dim);
      cairo_set_line_width (cr, _moped_canvas_is_selected (self, frame->element) ? 2.5 : 1.25);
      if (!host)
        cairo_set_dash (cr, (double[]) { 6, 4 }, 2, 0);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      if (self->zoom < 0.35)
        continue;
      layout = pango_layout_new (self->pango);
      pango_layout_set_font_description (layout, self->fonts[FONT_ROLE]);
      pango_layout_set_text (layout, text, -1);
      pango_layout_set_width (layout, (int) MAX (1, (w - 20) * PANGO_SCALE / self->zoom));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      cairo_save (cr);
      cairo_translate (cr, x + 10 * self->zoom, y + 4 * self->zoom);
      cairo_scale (cr, self->zoom, self->zoom);
      gdk_cairo_set_source_rgba (cr, &text_dim);
      pango_cairo_show_layout (cr, layout);
      cairo_restore (cr);
      g_object_unref (layout);
    }
}

static void
link_path (MopedCanvas           *self,
           cairo_t               *cr,
           const MopedCanvasLinkCurve *curve)
{
  double p[4][2];

  for (guint i = 0; i < 4; i++)
    moped_canvas_design_to_widget (self, curve->p[i].x, curve->p[i].y, &p[i][0], &p[i][1]);
  cairo_move_to (cr, p[0][0], p[0][1]);
  cairo_curve_to (cr, p[1][0], p[1][1], p[2][0], p[2][1], p[3][0], p[3][1]);
}

/* Far out a curve is a few dozen pixels: four straight pieces draw it as well, and
 * cairo strokes lines much faster than curves. */
static void
link_polyline (MopedCanvas           *self,
               cairo_t               *cr,
               const MopedCanvasLinkCurve *curve)
{
  double x, y;

  moped_canvas_design_to_widget (self, curve->p[0].x, curve->p[0].y, &x, &y);
  cairo_move_to (cr, x, y);
  for (guint i = 1; i <= 4; i++)
    {
      MopedCanvasPoint at = moped_canvas_link_curve_point (curve, i / 4.0);

      moped_canvas_design_to_widget (self, at.x, at.y, &x, &y);
      cairo_line_to (cr, x, y);
    }
}

static void
draw_links (MopedCanvas *self,
            cairo_t     *cr,
            Filter       filter)
{
  gboolean far = _moped_canvas_get_lod (self) < MOPED_CANVAS_LOD_TITLES;

  cairo_save (cr);
  cairo_set_line_width (cr, CLAMP (2.0 * self->zoom, 1.0, 2.5));
  cairo_set_line_cap (cr, far ? CAIRO_LINE_CAP_BUTT : CAIRO_LINE_CAP_ROUND);
  if (far)
    cairo_set_antialias (cr, CAIRO_ANTIALIAS_FAST);
  /* One stroke per colour: few state changes however many links are visible. */
  for (guint f = 0; f < G_N_ELEMENTS (family_palette); f++)
    {
      gboolean used = FALSE;

      for (guint i = 0; i < self->visible_links->len; i++)
        {
          const MopedCanvasLinkCurve *curve = g_ptr_array_index (self->visible_links, i);
          GdkRGBA color;

          socket_color (curve->from, &color);
          if (!gdk_rgba_equal (&color, &family_palette[f]) || !passes (self, curve->link, filter))
            continue;
          if (far)
            link_polyline (self, cr, curve);
          else
            link_path (self, cr, curve);
          used = TRUE;
        }
      if (used)
        {
          GdkRGBA color = family_palette[f];

          color.alpha = 0.85f;
          gdk_cairo_set_source_rgba (cr, &color);
          cairo_stroke (cr);
        }
    }
  cairo_restore (cr);
}

/* Far out, boxes are a few pixels: all of them in a handful of fills, not one
 * drawing each. */
static void
fill_boxes (MopedCanvas   *self,
            cairo_t       *cr,
            MopedKind      kind,
            Filter         filter,
            double         inset,
            double         band,
            const GdkRGBA *color)
{
  for (guint i = 0; i < self->visible_boxes->len; i++)
    {
      const MopedCanvasBox *box = g_ptr_array_index (self->visible_boxes, i);
      double x, y, w, h;

      if (moped_element_get_kind (box->element) != kind || !passes (self, box->element, filter))
        continue;
      moped_canvas_design_to_widget (self, box->rect.x, box->rect.y, &x, &y);
      w = box->rect.width * self->zoom - 2 * inset;
      h = band > 0 ? MIN (band, box->rect.height / 2) * self->zoom - inset : box->rect.height * self->zoom - 2 * inset;
      if (w > 0 && h > 0)
        cairo_rectangle (cr, x + inset, y + inset, w, h);
    }
  gdk_cairo_set_source_rgba (cr, color);
  cairo_fill (cr);
}

static void
fill_ports (MopedCanvas *self,
            cairo_t     *cr,
            Filter       filter)
{
  double r = MAX (1.0, MOPED_CANVAS_PORT_RADIUS * self->zoom);

  for (guint f = 0; f < G_N_ELEMENTS (family_palette); f++)
    {
      for (guint i = 0; i < self->visible_boxes->len; i++)
        {
          const MopedCanvasBox *box = g_ptr_array_index (self->visible_boxes, i);

          if (box->ports == NULL || !passes (self, box->element, filter))
            continue;
          for (guint p = 0; p < box->ports->len; p++)
            {
              const MopedCanvasPort *port = g_ptr_array_index (box->ports, p);
              GdkRGBA color;
              double x, y;

              socket_color (port->socket, &color);
              if (!gdk_rgba_equal (&color, &family_palette[f]))
                continue;
              moped_canvas_design_to_widget (self, port->center.x, port->center.y, &x, &y);
              cairo_rectangle (cr, x - r, y - r, 2 * r, 2 * r);
            }
        }
      gdk_cairo_set_source_rgba (cr, &family_palette[f]);
      cairo_fill (cr);
    }
}

static void
draw_outlines (MopedCanvas    *self,
               cairo_t        *cr,
               MopedKind       kind,
               Filter          filter,
               MopedCanvasLod  lod)
{
  if (kind == MOPED_KIND_NOTE)
    {
      fill_boxes (self, cr, kind, filter, 0, 0, &note_border);
      fill_boxes (self, cr, kind, filter, 1, 0, &note_bg);
      return;
    }
  fill_boxes (self, cr, kind, filter, 0, 0, &card_border);
  fill_boxes (self, cr, kind, filter, 1, 0, &card_bg);
  fill_boxes (self, cr, kind, filter, 1, MOPED_CANVAS_HEADER_HEIGHT, &header_bg);
  if (lod == MOPED_CANVAS_LOD_SHAPES)
    fill_ports (self, cr, filter);
}

static void
draw_boxes (MopedCanvas *self,
            cairo_t     *cr,
            MopedKind    kind,
            Filter       filter)
{
  MopedCanvasLod lod = _moped_canvas_get_lod (self);

  if (lod < MOPED_CANVAS_LOD_TITLES)
    {
      draw_outlines (self, cr, kind, filter, lod);
      return;
    }
  for (guint i = 0; i < self->visible_boxes->len; i++)
    {
      const MopedCanvasBox *box = g_ptr_array_index (self->visible_boxes, i);

      if (moped_element_get_kind (box->element) == kind && passes (self, box->element, filter))
        place_element (self, cr, box->element, box, box->rect.x, box->rect.y, lod);
    }
}

static void
draw_labels (MopedCanvas *self,
             cairo_t     *cr,
             Filter       filter)
{
  if (_moped_canvas_get_lod (self) != MOPED_CANVAS_LOD_FULL)
    return;
  for (guint i = 0; i < self->visible_links->len; i++)
    {
      const MopedCanvasLinkCurve *curve = g_ptr_array_index (self->visible_links, i);

      if (curve->label.width > 0 && passes (self, curve->link, filter))
        place_element (self, cr, curve->link, curve, curve->label.x, curve->label.y, MOPED_CANVAS_LOD_FULL);
    }
}

static void
draw_scene (MopedCanvas *self,
            cairo_t     *cr,
            Filter       filter)
{
  draw_boxes (self, cr, MOPED_KIND_NOTE, filter);
  draw_links (self, cr, filter);
  draw_boxes (self, cr, MOPED_KIND_NODE, filter);
  /* Over the nodes: a label squeezed between two close nodes is never cut by them. */
  draw_labels (self, cr, filter);
}

/* ---- the static layer ---------------------------------------------------------------- */

void
_moped_canvas_drop_static (MopedCanvas *self)
{
  g_clear_pointer (&self->static_surface, cairo_surface_destroy);
}

gboolean
_moped_canvas_has_static_layer (MopedCanvas *self)
{
  return self->static_surface != NULL;
}

/* What a drag does not move is drawn once into pixels; each frame of the drag copies
 * them and draws only what moves. */
static void
draw_static_layer (MopedCanvas *self,
                   cairo_t     *cr)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  double key[6] = { self->zoom, self->origin_x, self->origin_y, width, height, scale };

  if (memcmp (key, self->static_key, sizeof key) != 0)
    _moped_canvas_drop_static (self);
  if (self->static_surface == NULL)
    {
      cairo_t *layer;

      memcpy (self->static_key, key, sizeof key);
      self->static_surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width * scale, height * scale);
      cairo_surface_set_device_scale (self->static_surface, scale, scale);
      layer = cairo_create (self->static_surface);
      draw_background (self, layer);
      draw_scene (self, layer, FILTER_STATIC);
      cairo_destroy (layer);
    }
  cairo_set_source_surface (cr, self->static_surface, 0, 0);
  cairo_paint (cr);
}

/* ---- overlays: selection, hover, badges, drag feedback -------------------------------- */

static void
rounded_path (cairo_t *cr,
              double   x,
              double   y,
              double   width,
              double   height,
              double   radius)
{
  radius = MIN (radius, MIN (width, height) / 2);
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + width - radius, y + radius, radius, -G_PI / 2, 0);
  cairo_arc (cr, x + width - radius, y + height - radius, radius, 0, G_PI / 2);
  cairo_arc (cr, x + radius, y + height - radius, radius, G_PI / 2, G_PI);
  cairo_arc (cr, x + radius, y + radius, radius, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

static void
widget_rect (MopedCanvas           *self,
             const MopedCanvasRect *rect,
             double                 grow,
             double                *out)
{
  moped_canvas_design_to_widget (self, rect->x, rect->y, &out[0], &out[1]);
  out[2] = rect->width * self->zoom;
  out[3] = rect->height * self->zoom;
  out[0] -= grow;
  out[1] -= grow;
  out[2] += 2 * grow;
  out[3] += 2 * grow;
}

static void
port_circle (MopedCanvas           *self,
             cairo_t               *cr,
             const MopedCanvasPort *port,
             double                 extra)
{
  double x, y;

  moped_canvas_design_to_widget (self, port->center.x, port->center.y, &x, &y);
  cairo_new_sub_path (cr);
  cairo_arc (cr, x, y, MOPED_CANVAS_PORT_RADIUS * self->zoom + extra, 0, 2 * G_PI);
}

static void
draw_selection (MopedCanvas *self,
                cairo_t     *cr)
{
  for (guint i = 0; i < self->selection->len; i++)
    {
      MopedElement *element = g_ptr_array_index (self->selection, i);
      const MopedCanvasBox *box = moped_canvas_geometry_get_box (self->geometry, element);
      const MopedCanvasPort *port = moped_canvas_geometry_get_port (self->geometry, element);
      const MopedCanvasLinkCurve *curve = moped_canvas_geometry_get_link_curve (self->geometry, element);
      double r[4];

      if (box != NULL)
        {
          double radius = (moped_element_get_kind (element) == MOPED_KIND_NOTE ? NOTE_RADIUS : CARD_RADIUS);

          widget_rect (self, &box->rect, 3, r);
          rounded_path (cr, r[0], r[1], r[2], r[3], radius * self->zoom + 3);
          cairo_set_source_rgba (cr, accent.red, accent.green, accent.blue, 0.25);
          cairo_set_line_width (cr, 6);
          cairo_stroke_preserve (cr);
          gdk_cairo_set_source_rgba (cr, &accent);
          cairo_set_line_width (cr, 2);
          cairo_stroke (cr);
          /* The resize handle. */
          cairo_rectangle (cr, r[0] + r[2] - 5, r[1] + r[3] - 5, 9, 9);
          gdk_cairo_set_source_rgba (cr, &white);
          cairo_fill_preserve (cr);
          gdk_cairo_set_source_rgba (cr, &accent);
          cairo_set_line_width (cr, 1.5);
          cairo_stroke (cr);
        }
      else if (port != NULL)
        {
          port_circle (self, cr, port, 4);
          widget_rect (self, &port->chip, 2, r);
          rounded_path (cr, r[0], r[1], r[2], r[3], 5 * self->zoom + 2);
          gdk_cairo_set_source_rgba (cr, &accent);
          cairo_set_line_width (cr, 2);
          cairo_stroke (cr);
        }
      else if (curve != NULL)
        {
          link_path (self, cr, curve);
          cairo_set_source_rgba (cr, accent.red, accent.green, accent.blue, 0.35);
          cairo_set_line_width (cr, 7);
          cairo_stroke_preserve (cr);
          gdk_cairo_set_source_rgba (cr, &accent);
          cairo_set_line_width (cr, 2.5);
          cairo_stroke (cr);
          if (curve->label.width > 0 && _moped_canvas_get_lod (self) == MOPED_CANVAS_LOD_FULL)
            {
              widget_rect (self, &curve->label, 1.5, r);
              rounded_path (cr, r[0], r[1], r[2], r[3], LABEL_RADIUS * self->zoom + 1.5);
              cairo_stroke (cr);
            }
        }
    }
}

static void
draw_hover (MopedCanvas *self,
            cairo_t     *cr)
{
  const MopedCanvasPort *port;
  const MopedCanvasBox *box;
  double r[4];

  if (self->hover == NULL || self->drag != MOPED_CANVAS_DRAG_NONE)
    return;
  port = moped_canvas_geometry_get_port (self->geometry, self->hover);
  box = moped_canvas_geometry_get_box (self->geometry, self->hover);
  if (port != NULL)
    {
      GdkRGBA color;

      socket_color (port->socket, &color);
      port_circle (self, cr, port, 3.5);
      cairo_set_source_rgba (cr, color.red, color.green, color.blue, 0.35);
      cairo_set_line_width (cr, 3);
      cairo_stroke (cr);
    }
  else if (box != NULL && !_moped_canvas_is_selected (self, self->hover))
    {
      widget_rect (self, &box->rect, 0.5, r);
      rounded_path (cr, r[0], r[1], r[2], r[3], CARD_RADIUS * self->zoom);
      cairo_set_source_rgba (cr, 0, 0, 0, 0.28);
      cairo_set_line_width (cr, 1);
      cairo_stroke (cr);
    }
}

static gboolean
badge_position (MopedCanvas  *self,
                MopedElement *element,
                double       *x,
                double       *y)
{
  const MopedCanvasBox *box = moped_canvas_geometry_get_box (self->geometry, element);
  const MopedCanvasPort *port = moped_canvas_geometry_get_port (self->geometry, element);
  const MopedCanvasLinkCurve *curve = moped_canvas_geometry_get_link_curve (self->geometry, element);

  if (box != NULL)
    moped_canvas_design_to_widget (self, box->rect.x + box->rect.width, box->rect.y, x, y);
  else if (port != NULL)
    /* On the chip's inner top corner: outside, link labels would cover it. */
    moped_canvas_design_to_widget (self, port->side == MOPED_CANVAS_SIDE_LEFT ? port->chip.x + port->chip.width
                                                                                : port->chip.x,
                                   port->chip.y, x, y);
  else if (curve != NULL && curve->label.width > 0)
    moped_canvas_design_to_widget (self, curve->label.x + curve->label.width, curve->label.y, x, y);
  else if (curve != NULL)
    moped_canvas_design_to_widget (self, curve->middle.x, curve->middle.y, x, y);
  return box != NULL || port != NULL || curve != NULL;
}

static void
draw_badge (MopedCanvas            *self,
            cairo_t                *cr,
            const MopedCanvasBadge *badge,
            double                  x,
            double                  y)
{
  const GdkRGBA *fill = badge->errors ? severity_color (MOPED_SEVERITY_ERROR) : badge->warnings ? severity_color (MOPED_SEVERITY_WARNING) : &accent;
  guint count = badge->errors ? badge->errors : badge->warnings ? badge->warnings : badge->infos;
  g_autofree char *text = count > 1 ? g_strdup_printf ("%u", count) : g_strdup (badge->errors || badge->warnings ? "!" : "i");
  PangoLayout *layout = pango_cairo_create_layout (cr);
  int tw, th;
  double radius = 8.5;

  pango_layout_set_font_description (layout, self->fonts[FONT_BADGE]);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &tw, &th);

  rounded_path (cr, x - MAX (radius, tw / 2.0 + 5), y - radius, 2 * MAX (radius, tw / 2.0 + 5), 2 * radius, radius);
  gdk_cairo_set_source_rgba (cr, fill);
  cairo_fill_preserve (cr);
  gdk_cairo_set_source_rgba (cr, &white);
  cairo_set_line_width (cr, 1.5);
  cairo_stroke (cr);
  cairo_move_to (cr, x - tw / 2.0, y - th / 2.0);
  if (badge->errors || !badge->warnings)
    gdk_cairo_set_source_rgba (cr, &white);
  else
    cairo_set_source_rgba (cr, 0.2, 0.15, 0, 1);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

static void
draw_badges (MopedCanvas *self,
             cairo_t     *cr)
{
  GHashTableIter iter;
  MopedElement *element;
  MopedCanvasBadge *badge;
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));

  g_hash_table_iter_init (&iter, self->badges);
  while (g_hash_table_iter_next (&iter, (gpointer *) &element, (gpointer *) &badge))
    {
      double x, y;

      if (moped_element_get_kind (element) == MOPED_KIND_SOCKET && _moped_canvas_get_lod (self) < MOPED_CANVAS_LOD_TITLES)
        continue;
      if (badge_position (self, element, &x, &y) && x > -20 && y > -20 && x < width + 20 && y < height + 20)
        draw_badge (self, cr, badge, x, y);
    }
}

static MopedCanvasPair
pair_for (MopedCanvas  *self,
          MopedElement *target)
{
  gpointer cached = g_hash_table_lookup (self->link_pairs, target);
  MopedCanvasPair pair;

  if (cached != NULL)
    return GPOINTER_TO_INT (cached) - 1;
  pair = moped_canvas_geometry_check_pair (self->geometry, self->drag_element, target);
  g_hash_table_insert (self->link_pairs, target, GINT_TO_POINTER (pair + 1));
  return pair;
}

static void
draw_reason (MopedCanvas *self,
             cairo_t     *cr,
             const char  *reason,
             double       x,
             double       y)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  int tw, th;

  pango_layout_set_font_description (layout, self->fonts[FONT_NAME]);
  pango_layout_set_text (layout, reason, -1);
  pango_layout_get_pixel_size (layout, &tw, &th);
  /* Below and right of the pointer, or wherever it stays in view. */
  x += 14;
  y += 14;
  if (x + tw + 16 > gtk_widget_get_width (GTK_WIDGET (self)))
    x -= tw + 16 + 28;
  if (y + th + 8 > gtk_widget_get_height (GTK_WIDGET (self)))
    y -= th + 8 + 28;
  rounded_path (cr, x, y, tw + 16, th + 8, 6);
  cairo_set_source_rgba (cr, 0.15, 0.15, 0.17, 0.92);
  cairo_fill (cr);
  cairo_move_to (cr, x + 8, y + 4);
  gdk_cairo_set_source_rgba (cr, &white);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

/* While linking: every visible port says whether it would pair with the source. */
static void
draw_link_feedback (MopedCanvas *self,
                    cairo_t     *cr)
{
  const MopedCanvasPort *source = moped_canvas_geometry_get_port (self->geometry, self->drag_element);
  const MopedCanvasPort *target = self->link_target ? moped_canvas_geometry_get_port (self->geometry, self->link_target) : NULL;
  double sx, sy, tx = self->pointer_x, ty = self->pointer_y, reach;

  if (source == NULL)
    return;

  for (guint i = 0; i < self->visible_boxes->len; i++)
    {
      const MopedCanvasBox *box = g_ptr_array_index (self->visible_boxes, i);

      for (guint p = 0; box->ports != NULL && p < box->ports->len; p++)
        {
          const MopedCanvasPort *port = g_ptr_array_index (box->ports, p);
          MopedCanvasPair pair;
          double x, y, r = MOPED_CANVAS_PORT_RADIUS * self->zoom + 4;

          if (port == source)
            continue;
          pair = pair_for (self, port->socket);
          moped_canvas_design_to_widget (self, port->center.x, port->center.y, &x, &y);
          if (moped_canvas_pair_is_valid (pair))
            {
              port_circle (self, cr, port, port == target ? 7 : 4);
              cairo_set_source_rgba (cr, valid_color.red, valid_color.green, valid_color.blue, 0.25);
              cairo_fill_preserve (cr);
              gdk_cairo_set_source_rgba (cr, &valid_color);
              cairo_set_line_width (cr, port == target ? 3 : 2);
              cairo_stroke (cr);
            }
          else
            {
              port_circle (self, cr, port, 3);
              cairo_move_to (cr, x - r * 0.6, y - r * 0.6);
              cairo_line_to (cr, x + r * 0.6, y + r * 0.6);
              cairo_move_to (cr, x + r * 0.6, y - r * 0.6);
              cairo_line_to (cr, x - r * 0.6, y + r * 0.6);
              {
                const GdkRGBA *red = severity_color (MOPED_SEVERITY_ERROR);
                cairo_set_source_rgba (cr, red->red, red->green, red->blue, 0.7);
              }
              cairo_set_line_width (cr, 1.5);
              cairo_stroke (cr);
            }
        }
    }

  moped_canvas_design_to_widget (self, source->center.x, source->center.y, &sx, &sy);
  if (target != NULL && moped_canvas_pair_is_valid (self->link_pair))
    moped_canvas_design_to_widget (self, target->center.x, target->center.y, &tx, &ty);
  reach = CLAMP (fabs (tx - sx) * 0.4, 30, 160);
  cairo_move_to (cr, sx, sy);
  cairo_curve_to (cr, sx + (source->side == MOPED_CANVAS_SIDE_LEFT ? -reach : reach), sy,
                  tx + (tx > sx ? -reach : reach) * 0.5, ty, tx, ty);
  cairo_set_dash (cr, (double[]) { 6, 4 }, 2, 0);
  cairo_set_line_width (cr, 2);
  gdk_cairo_set_source_rgba (cr, target && !moped_canvas_pair_is_valid (self->link_pair) ? severity_color (MOPED_SEVERITY_ERROR) : &accent);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);

  if (target != NULL && !moped_canvas_pair_is_valid (self->link_pair))
    draw_reason (self, cr, moped_canvas_pair_describe (self->link_pair), self->pointer_x, self->pointer_y);
}

static void
draw_rubber_band (MopedCanvas *self,
                  cairo_t     *cr)
{
  double x = MIN (self->drag_start_x, self->pointer_x);
  double y = MIN (self->drag_start_y, self->pointer_y);

  cairo_rectangle (cr, x + 0.5, y + 0.5, fabs (self->pointer_x - self->drag_start_x),
                   fabs (self->pointer_y - self->drag_start_y));
  cairo_set_source_rgba (cr, accent.red, accent.green, accent.blue, 0.15);
  cairo_fill_preserve (cr);
  gdk_cairo_set_source_rgba (cr, &accent);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
}

static void
draw_overlay (MopedCanvas *self,
              cairo_t     *cr)
{
  draw_selection (self, cr);
  draw_hover (self, cr);
  if (self->drag == MOPED_CANVAS_DRAG_LINK)
    draw_link_feedback (self, cr);
  draw_badges (self, cr);
  if (self->drag == MOPED_CANVAS_DRAG_RUBBER)
    draw_rubber_band (self, cr);
  _moped_canvas_draw_presence (self, cr);
}

/* The whole frame is one cairo node: the cairo renderer pays for every node and
 * composites each cairo node over what is below, so one is cheapest. */
void
_moped_canvas_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  MopedCanvas *self = MOPED_CANVAS (widget);
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (widget), gtk_widget_get_height (widget));
  MopedCanvasRect visible;
  cairo_t *cr;

  if (bounds.size.width <= 0 || bounds.size.height <= 0)
    return;
  palette = self->dark ? &dark_palette : &light_palette;
  cr = gtk_snapshot_append_cairo (snapshot, &bounds);
  self->frame++;
  if (self->geometry == NULL)
    {
      draw_background (self, cr);
      cairo_destroy (cr);
      return;
    }

  visible = _moped_canvas_get_visible (self);
  g_ptr_array_set_size (self->visible_boxes, 0);
  g_ptr_array_set_size (self->visible_links, 0);
  moped_canvas_geometry_query (self->geometry, &visible, self->visible_boxes, self->visible_links);

  if (self->dynamic != NULL)
    {
      draw_static_layer (self, cr);
      draw_scene (self, cr, FILTER_DYNAMIC);
    }
  else
    {
      draw_background (self, cr);
      draw_scene (self, cr, FILTER_ALL);
    }
  draw_overlay (self, cr);
  cairo_destroy (cr);
  evict_rasters (self);
}

/* ---- caches ----------------------------------------------------------------------- */

void
_moped_canvas_drop_caches (MopedCanvas *self,
                           GHashTable  *dirty)
{
  GHashTableIter iter;
  MopedElement *element;

  if (dirty == NULL)
    {
      _moped_canvas_drop_static (self);
      g_hash_table_remove_all (self->nodes);
      g_hash_table_remove_all (self->layouts);
      self->raster_bytes = 0;
      return;
    }
  g_hash_table_iter_init (&iter, dirty);
  while (g_hash_table_iter_next (&iter, (gpointer *) &element, NULL))
    {
      forget_element (self, element);
      if (moped_element_get_kind (element) == MOPED_KIND_NODE)
        for (guint i = 0; i < moped_element_get_n_children (element); i++)
          g_hash_table_remove (self->layouts, moped_element_get_child (element, i));
    }
}

void
_moped_canvas_init_drawing (MopedCanvas *self)
{
  cairo_font_options_t *options = cairo_font_options_create ();

  /* Text is drawn at every zoom: metrics must not snap to whole pixels at 100%. */
  self->pango = gtk_widget_create_pango_context (GTK_WIDGET (self));
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_SLIGHT);
  pango_cairo_context_set_font_options (self->pango, options);
  cairo_font_options_destroy (options);

  self->fonts[FONT_TITLE] = make_font (self->pango, 13.5, PANGO_WEIGHT_BOLD, NULL);
  self->fonts[FONT_ROLE] = make_font (self->pango, 11.5, PANGO_WEIGHT_NORMAL, NULL);
  self->fonts[FONT_CHIP] = make_font (self->pango, 10, PANGO_WEIGHT_BOLD, NULL);
  self->fonts[FONT_NAME] = make_font (self->pango, 11, PANGO_WEIGHT_NORMAL, NULL);
  self->fonts[FONT_LABEL] = make_font (self->pango, 11.5, PANGO_WEIGHT_SEMIBOLD, NULL);
  self->fonts[FONT_ENDPOINT] = make_font (self->pango, 10.5, PANGO_WEIGHT_NORMAL, "Monospace");
  self->fonts[FONT_NOTE] = make_font (self->pango, 12, PANGO_WEIGHT_NORMAL, NULL);
  self->fonts[FONT_BADGE] = make_font (self->pango, 10.5, PANGO_WEIGHT_BOLD, NULL);

  self->layouts = g_hash_table_new_full (NULL, NULL, NULL, layout_set_free);
  self->nodes = g_hash_table_new_full (NULL, NULL, NULL, render_set_free);
  self->widths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->visible_boxes = g_ptr_array_new ();
  self->visible_links = g_ptr_array_new ();
}

void
_moped_canvas_finalize_drawing (MopedCanvas *self)
{
  _moped_canvas_drop_static (self);
  g_clear_pointer (&self->dynamic, g_hash_table_unref);
  g_clear_pointer (&self->layouts, g_hash_table_unref);
  g_clear_pointer (&self->nodes, g_hash_table_unref);
  g_clear_pointer (&self->widths, g_hash_table_unref);
  g_clear_pointer (&self->visible_boxes, g_ptr_array_unref);
  g_clear_pointer (&self->visible_links, g_ptr_array_unref);
  for (guint i = 0; i < N_FONTS; i++)
    g_clear_pointer (&self->fonts[i], pango_font_description_free);
  g_clear_object (&self->pango);
}
