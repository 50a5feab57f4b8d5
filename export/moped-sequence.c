/* moped-sequence.c: measuring, paginating and drawing a flow as a sequence diagram.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-export"

#include "config.h"

#include <math.h>

#include <pango/pangocairo.h>

#include "moped-machine.h"
#include "moped-sequence.h"

#define FONT          "DejaVu Sans"
#define MARGIN        20.0
#define EMPTY_TEXT    "This flow has no steps yet."
#define NUMBER_WIDTH  26.0   /* the step numbers left of the first lifeline */
#define HEAD_PAD      6.0
#define HEAD_MIN      84.0
#define HEAD_GAP      14.0   /* between the heads and the first step */
#define ROW_HEIGHT    34.0
#define TAB_HEIGHT    20.0   /* room above a frame's first step for its tab */
#define FRAME_END     8.0    /* room below a frame's last step */
#define FRAME_INSET   5.0    /* frames inside frames */
#define SELF_WIDTH    28.0   /* a step from a node to itself loops out this far */
#define ARROW_SIZE    7.0

static const double ink[3] = { 0x24 / 255.0, 0x1f / 255.0, 0x31 / 255.0 };
static const double secondary_ink[3] = { 0x5e / 255.0, 0x5c / 255.0, 0x64 / 255.0 };
static const double lifeline_ink[3] = { 0x9a / 255.0, 0x99 / 255.0, 0x96 / 255.0 };
static const double head_fill[3] = { 0xeb / 255.0, 0xeb / 255.0, 0xed / 255.0 };
static const double loop_ink[3] = { 0x1a / 255.0, 0x5f / 255.0, 0xb4 / 255.0 };
static const double loop_tint[3] = { 0xe1 / 255.0, 0xeb / 255.0, 0xf8 / 255.0 };
static const double opt_ink[3] = { 0x81 / 255.0, 0x3d / 255.0, 0x9c / 255.0 };
static const double opt_tint[3] = { 0xf1 / 255.0, 0xe6 / 255.0, 0xf5 / 255.0 };

typedef struct
{
  char   *name;
  char   *role;
  double  x;          /* centre */
  double  box_width;
} Lifeline;

typedef struct
{
  int      from, to;  /* lifeline indexes */
  char    *label;
  gboolean repeat, optional;
  MopedElement *parent;  /* the flow or block it is in: runs of repeats stay inside it */
  double   label_width;
  double   space_above; /* tabs of frames starting here */
  double   space_below; /* ends of frames finishing here */
} Step;

#define MAX_DIVIDERS 15

typedef struct
{
  guint    first, last;  /* step indexes */
  gboolean repeat;       /* a "loop" frame; otherwise "opt" or "alt" */
  const char *name;      /* "loop", "opt", "alt" */
  char    *guard;        /* "[client]": who chooses an alt, NULL for none */
  guint    dividers[MAX_DIVIDERS]; /* alt: the first step of each branch after the first */
  guint    n_dividers;
  guint    tab_index;    /* among the frames starting at @first */
  guint    depth;        /* frames around it */
} Frame;

struct _MopedSequenceDiagram
{
  PangoContext *pango;
  char         *title;
  char         *subtitle;
  GArray       *lifelines;   /* Lifeline */
  GArray       *steps;       /* Step */
  GArray       *frames;      /* Frame */
  GArray       *page_starts; /* guint: first step of each page */
  double        width;
  double        title_height;
  double        head_height;
};

/* ---- text ------------------------------------------------------------------ */

static PangoContext *
create_pango_context (void)
{
  PangoFontMap *map = pango_cairo_font_map_get_default ();
  PangoContext *context = pango_font_map_create_context (map);
  cairo_font_options_t *options = cairo_font_options_create ();

  /* Unhinted metrics: text measures the same on every surface and at every scale. */
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (context, options);
  pango_cairo_context_set_resolution (context, 72);
  cairo_font_options_destroy (options);
  return context;
}

static PangoLayout *
make_layout (const MopedSequenceDiagram *self,
             const char          *text,
             double               size,
             gboolean             bold,
             gboolean             italic)
{
  PangoLayout *layout = pango_layout_new (self->pango);
  PangoFontDescription *font = pango_font_description_from_string (FONT);

  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  if (italic)
    pango_font_description_set_style (font, PANGO_STYLE_ITALIC);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  pango_font_description_free (font);
  return layout;
}

static void
measure (const MopedSequenceDiagram *self,
         const char          *text,
         double               size,
         gboolean             bold,
         double              *width,
         double              *height)
{
  g_autoptr(PangoLayout) layout = make_layout (self, text, size, bold, FALSE);
  PangoRectangle logical;

  pango_layout_get_extents (layout, NULL, &logical);
  if (width != NULL)
    *width = logical.width / (double) PANGO_SCALE;
  if (height != NULL)
    *height = logical.height / (double) PANGO_SCALE;
}

/* Draw @text with its top at @y; @align -1 starts at @x, 0 centres on it, 1 ends there. */
static void
draw_text (const MopedSequenceDiagram *self,
           cairo_t             *cr,
           const char          *text,
           double               size,
           gboolean             bold,
           gboolean             italic,
           const double         color[3],
           double               x,
           double               y,
           int                  align)
{
  g_autoptr(PangoLayout) layout = make_layout (self, text, size, bold, italic);
  PangoRectangle logical;
  double width;

  pango_layout_get_extents (layout, NULL, &logical);
  width = logical.width / (double) PANGO_SCALE;
  cairo_set_source_rgb (cr, color[0], color[1], color[2]);
  cairo_move_to (cr, x - (align + 1) * width / 2, y);
  pango_cairo_show_layout (cr, layout);
  cairo_new_path (cr);
}

/* ---- reading the flow -------------------------------------------------------------- */

static void
lifeline_clear (gpointer data)
{
  Lifeline *lifeline = data;

  g_free (lifeline->name);
  g_free (lifeline->role);
}

static void
step_clear (gpointer data)
{
  Step *step = data;

  g_free (step->label);
}

static int
lifeline_for (MopedSequenceDiagram *self,
              GHashTable    *index,
              MopedElement  *node)
{
  gpointer found;
  Lifeline lifeline = { NULL };
  const char *name;

  /* A step names a role, a node or a socket; a socket's lifeline is its node's. */
  if (node != NULL && moped_element_get_kind (node) == MOPED_KIND_SOCKET)
    node = moped_element_get_parent (node);
  if (g_hash_table_lookup_extended (index, node, NULL, &found))
    return GPOINTER_TO_INT (found);
  name = node != NULL ? moped_element_get_name (node) : NULL;
  lifeline.name = g_strdup (name != NULL && *name != '\0' ? name : "(unnamed)");
  if (node != NULL && moped_element_get_kind (node) == MOPED_KIND_ROLE)
    lifeline.role = g_strdup ("role");
  else if (node != NULL)
    lifeline.role = g_strdup (moped_element_get_string (node, MOPED_PROP_ROLE));
  if (node == NULL)
    lifeline.name = (g_free (lifeline.name), g_strdup ("(missing node)"));
  g_array_append_val (self->lifelines, lifeline);
  g_hash_table_insert (index, node, GINT_TO_POINTER (self->lifelines->len - 1));
  return (int) self->lifelines->len - 1;
}

static void
read_message (MopedSequenceDiagram *self,
              GHashTable           *index,
              MopedElement         *element)
{
  MopedElement *command = moped_element_get_ref (element, MOPED_PROP_COMMAND);
  const char *name = command != NULL ? moped_element_get_name (command) : NULL;
  MopedElement *via = moped_element_get_ref (element, MOPED_PROP_VIA);
  Step step = { 0 };
  /* A subscription's arrow says what it subscribes to. */
  g_autofree char *subscription = moped_step_is_subscription (element)
    ? g_strdup_printf ("%s “%s”", moped_step_get_block (element) == MOPED_BLOCK_SUBSCRIBE
                                    ? "subscribe" : "unsubscribe",
                       moped_element_get_string (element, MOPED_PROP_TOPIC))
    : NULL;

  if (subscription != NULL)
    name = subscription;

  step.from = lifeline_for (self, index, moped_element_get_ref (element, MOPED_PROP_FROM));
  step.to = lifeline_for (self, index, via ? via : moped_element_get_ref (element, MOPED_PROP_TO));
  step.label = g_strdup (name != NULL && *name != '\0' ? name : "(no command)");
  step.repeat = moped_element_get_bool (element, MOPED_PROP_REPEAT);
  step.optional = moped_element_get_bool (element, MOPED_PROP_OPTIONAL);
  step.parent = moped_element_get_parent (element);
  g_array_append_val (self->steps, step);
  /* A relay passes the message on: a second arrow, labelled as such. */
  if (via != NULL)
    {
      step.from = step.to;
      step.to = lifeline_for (self, index, moped_element_get_ref (element, MOPED_PROP_TO));
      step.label = g_strdup_printf ("%s (relayed)", name != NULL && *name != '\0' ? name : "(no command)");
      g_array_append_val (self->steps, step);
    }
}

/* The steps under @parent in order; each block becomes a frame around its steps: loop,
 * opt, or alt with a dashed line between branches. Outer frames come first. */
static void
read_children (MopedSequenceDiagram *self,
               GHashTable           *index,
               MopedElement         *parent)
{
  g_autoptr(GPtrArray) steps = moped_element_get_children_of_kind (parent, MOPED_KIND_STEP);

  for (guint i = 0; i < steps->len; i++)
    {
      MopedElement *element = g_ptr_array_index (steps, i);
      MopedBlock block = moped_step_get_block (element);
      Frame frame = { self->steps->len, 0, block == MOPED_BLOCK_LOOP, NULL, NULL, { 0 }, 0, 0, 0 };
      guint slot = self->frames->len;

      if (moped_step_is_leaf (element))
        {
          read_message (self, index, element);
          continue;
        }
      frame.name = block == MOPED_BLOCK_LOOP ? "loop" : block == MOPED_BLOCK_CHOICE ? "alt" : "opt";
      if (block == MOPED_BLOCK_CHOICE && moped_element_get_ref (element, MOPED_PROP_FROM) != NULL)
        frame.guard = g_strdup_printf ("[%s]", moped_element_get_name (moped_element_get_ref (element, MOPED_PROP_FROM)));
      if (block != MOPED_BLOCK_BRANCH)
        g_array_append_val (self->frames, frame);
      if (block == MOPED_BLOCK_CHOICE)
        {
          g_autoptr(GPtrArray) branches = moped_element_get_children_of_kind (element, MOPED_KIND_STEP);

          for (guint b = 0; b < branches->len; b++)
            {
              Frame *f = &g_array_index (self->frames, Frame, slot);

              if (b > 0 && self->steps->len > f->first && f->n_dividers < MAX_DIVIDERS &&
                  (f->n_dividers == 0 || f->dividers[f->n_dividers - 1] < self->steps->len))
                f->dividers[f->n_dividers++] = self->steps->len;
              if (moped_step_is_leaf (g_ptr_array_index (branches, b)))
                read_message (self, index, g_ptr_array_index (branches, b));
              else
                read_children (self, index, g_ptr_array_index (branches, b));
            }
        }
      else
        read_children (self, index, element);
      if (block == MOPED_BLOCK_BRANCH)
        continue;
      if (self->steps->len == frame.first)
        {
          /* An empty block draws nothing. */
          g_free (g_array_index (self->frames, Frame, slot).guard);
          g_array_remove_index (self->frames, slot);
          continue;
        }
      g_array_index (self->frames, Frame, slot).last = self->steps->len - 1;
    }
}

static void
read_steps (MopedSequenceDiagram *self,
            MopedElement         *flow)
{
  g_autoptr(GHashTable) index = g_hash_table_new (NULL, NULL);

  read_children (self, index, flow);
}

/* Runs of repeating steps make loop frames, runs of optional steps opt frames. */
static void
find_frames (MopedSequenceDiagram *self)
{
  for (int pass = 0; pass < 2; pass++)
    {
      gboolean repeat = pass == 0;

      for (guint i = 0; i < self->steps->len; i++)
        {
          Step *step = &g_array_index (self->steps, Step, i);
          Frame frame = { i, i, repeat, repeat ? "loop" : "opt", NULL, { 0 }, 0, 0, 0 };

          if (!(repeat ? step->repeat : step->optional))
            continue;
          while (frame.last + 1 < self->steps->len)
            {
              Step *next = &g_array_index (self->steps, Step, frame.last + 1);

              if (!(repeat ? next->repeat : next->optional) || next->parent != step->parent)
                break;
              frame.last++;
            }
          g_array_append_val (self->frames, frame);
          i = frame.last;
        }
    }

  /* Blocks come first, then loops, so a loop is outside an opt that starts on the same step. */
  for (guint i = 0; i < self->frames->len; i++)
    {
      Frame *frame = &g_array_index (self->frames, Frame, i);
      Step *first = &g_array_index (self->steps, Step, frame->first);
      Step *last = &g_array_index (self->steps, Step, frame->last);

      frame->tab_index = (guint) (first->space_above / TAB_HEIGHT);
      first->space_above += TAB_HEIGHT;
      last->space_below += FRAME_END;
      for (guint j = 0; j < i; j++)
        {
          const Frame *outer = &g_array_index (self->frames, Frame, j);

          if (outer->first <= frame->first && outer->last >= frame->first)
            frame->depth++;
        }
    }
}

/* ---- horizontal layout ------------------------------------------------------------- */

static double
step_left (const MopedSequenceDiagram *self,
           const Step          *step)
{
  return g_array_index (self->lifelines, Lifeline, MIN (step->from, step->to)).x;
}

static double
step_right (const MopedSequenceDiagram *self,
            const Step          *step)
{
  double right = g_array_index (self->lifelines, Lifeline, MAX (step->from, step->to)).x;

  if (step->from == step->to)
    right += SELF_WIDTH + 6 + step->label_width;
  return right;
}

static void
place_lifelines (MopedSequenceDiagram *self)
{
  double pitch = HEAD_MIN + 20;
  double right = 0;

  for (guint i = 0; i < self->lifelines->len; i++)
    {
      Lifeline *lifeline = &g_array_index (self->lifelines, Lifeline, i);
      double name_width, role_width = 0;

      measure (self, lifeline->name, 10, TRUE, &name_width, NULL);
      if (lifeline->role != NULL && *lifeline->role != '\0')
        measure (self, lifeline->role, 9, FALSE, &role_width, NULL);
      lifeline->box_width = MAX (HEAD_MIN, MAX (name_width, role_width) + 2 * HEAD_PAD + 8);
      pitch = MAX (pitch, lifeline->box_width + 20);
    }
  /* Every label fits between the lifelines its arrow joins. */
  for (guint i = 0; i < self->steps->len; i++)
    {
      Step *step = &g_array_index (self->steps, Step, i);
      int span = ABS (step->from - step->to);

      measure (self, step->label, 10, FALSE, &step->label_width, NULL);
      if (span > 0)
        pitch = MAX (pitch, (step->label_width + 28) / span);
    }
  pitch = ceil (pitch);
  for (guint i = 0; i < self->lifelines->len; i++)
    g_array_index (self->lifelines, Lifeline, i).x = MARGIN + NUMBER_WIDTH + pitch / 2 + i * pitch;

  for (guint i = 0; i < self->lifelines->len; i++)
    {
      const Lifeline *lifeline = &g_array_index (self->lifelines, Lifeline, i);

      right = MAX (right, lifeline->x + lifeline->box_width / 2);
    }
  for (guint i = 0; i < self->steps->len; i++)
    right = MAX (right, step_right (self, &g_array_index (self->steps, Step, i)) + 2 * FRAME_INSET + 10);
  self->width = ceil (MAX (right + MARGIN, 2 * MARGIN + NUMBER_WIDTH + HEAD_MIN));
}

static void
measure_heads (MopedSequenceDiagram *self)
{
  double title_width, title_height, subtitle_width, subtitle_height, name_height, role_height, empty_width;
  gboolean any_role = FALSE;

  measure (self, self->title, 13, TRUE, &title_width, &title_height);
  measure (self, self->subtitle, 9, FALSE, &subtitle_width, &subtitle_height);
  self->title_height = ceil (title_height + subtitle_height + 14);
  /* The title lines are drawn whole, however few lifelines there are below them. */
  self->width = MAX (self->width, ceil (MAX (title_width, subtitle_width) + 2 * MARGIN));
  if (self->steps->len == 0)
    {
      measure (self, EMPTY_TEXT, 10, FALSE, &empty_width, NULL);
      self->width = MAX (self->width, ceil (empty_width + 2 * MARGIN));
    }

  measure (self, "Xg", 10, TRUE, NULL, &name_height);
  measure (self, "Xg", 9, FALSE, NULL, &role_height);
  for (guint i = 0; i < self->lifelines->len; i++)
    {
      const char *role = g_array_index (self->lifelines, Lifeline, i).role;

      any_role |= role != NULL && *role != '\0';
    }
  self->head_height = ceil (name_height + (any_role ? role_height : 0) + 2 * HEAD_PAD);
}

MopedSequenceDiagram *
moped_sequence_diagram_new (MopedDesign  *design,
                    MopedElement *flow)
{
  MopedSequenceDiagram *self;
  MopedElement *protocol;
  const char *flow_name, *design_name;

  g_return_val_if_fail (MOPED_IS_DESIGN (design), NULL);
  g_return_val_if_fail (flow != NULL && moped_element_get_kind (flow) == MOPED_KIND_FLOW, NULL);

  self = g_new0 (MopedSequenceDiagram, 1);
  self->pango = create_pango_context ();
  self->lifelines = g_array_new (FALSE, TRUE, sizeof (Lifeline));
  g_array_set_clear_func (self->lifelines, lifeline_clear);
  self->steps = g_array_new (FALSE, TRUE, sizeof (Step));
  g_array_set_clear_func (self->steps, step_clear);
  self->frames = g_array_new (FALSE, TRUE, sizeof (Frame));
  self->page_starts = g_array_new (FALSE, TRUE, sizeof (guint));

  protocol = moped_element_get_ancestor (flow, MOPED_KIND_PROTOCOL);
  flow_name = moped_element_get_name (flow);
  design_name = moped_element_get_name (moped_design_get_root (design));
  self->title = g_strdup (flow_name != NULL && *flow_name != '\0' ? flow_name : "Unnamed flow");
  self->subtitle = g_strdup_printf ("Protocol %s · %s",
                                    protocol != NULL ? moped_element_get_name (protocol) : "?",
                                    design_name != NULL && *design_name != '\0' ? design_name : "Untitled design");
  read_steps (self, flow);
  find_frames (self);
  place_lifelines (self);
  measure_heads (self);
  moped_sequence_diagram_paginate (self, G_MAXDOUBLE);
  return self;
}

void
moped_sequence_diagram_free (MopedSequenceDiagram *self)
{
  if (self == NULL)
    return;
  g_object_unref (self->pango);
  g_free (self->title);
  g_free (self->subtitle);
  g_array_unref (self->lifelines);
  g_array_unref (self->steps);
  for (guint i = 0; i < self->frames->len; i++)
    g_free (g_array_index (self->frames, Frame, i).guard);
  g_array_unref (self->frames);
  g_array_unref (self->page_starts);
  g_free (self);
}

/* ---- vertical layout and pages ----------------------------------------------------- */

static double
step_extent (const MopedSequenceDiagram *self,
             guint                index)
{
  const Step *step = &g_array_index (self->steps, Step, index);

  return step->space_above + ROW_HEIGHT + step->space_below;
}

/* Where the rows of a page begin. */
static double
rows_top (const MopedSequenceDiagram *self)
{
  return MARGIN + self->title_height + self->head_height + HEAD_GAP;
}

/* The height of the rows of steps [@first, @end); an empty flow has room for a remark. */
static double
rows_height (const MopedSequenceDiagram *self,
             guint                first,
             guint                end)
{
  double rows = 0;

  for (guint i = first; i < end; i++)
    rows += step_extent (self, i);
  return self->steps->len == 0 ? ROW_HEIGHT : rows;
}

static guint
page_end (const MopedSequenceDiagram *self,
          guint                page)
{
  return page + 1 < self->page_starts->len
         ? g_array_index (self->page_starts, guint, page + 1)
         : self->steps->len;
}

guint
moped_sequence_diagram_paginate (MopedSequenceDiagram *self,
                         double         max_height)
{
  double room, used = 0;

  g_return_val_if_fail (self != NULL, 0);

  g_array_set_size (self->page_starts, 0);
  g_array_append_val (self->page_starts, (guint) { 0 });
  room = max_height - rows_top (self) - MARGIN;
  for (guint i = 0; i < self->steps->len; i++)
    {
      double extent = step_extent (self, i);

      if (used > 0 && used + extent > room)
        {
          g_array_append_val (self->page_starts, i);
          used = 0;
        }
      used += extent;
    }
  return self->page_starts->len;
}

void
moped_sequence_diagram_get_page_size (const MopedSequenceDiagram *self,
                              guint                page,
                              double              *width,
                              double              *height)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (page < self->page_starts->len);

  if (width != NULL)
    *width = self->width;
  if (height != NULL)
    *height = ceil (rows_top (self) +
                    rows_height (self, g_array_index (self->page_starts, guint, page), page_end (self, page)) +
                    MARGIN);
}

void
moped_sequence_diagram_get_size (const MopedSequenceDiagram *self,
                         double              *width,
                         double              *height)
{
  g_return_if_fail (self != NULL);

  if (width != NULL)
    *width = self->width;
  if (height != NULL)
    *height = ceil (rows_top (self) + rows_height (self, 0, self->steps->len) + MARGIN);
}

/* ---- drawing ----------------------------------------------------------------------- */

static void
draw_title (const MopedSequenceDiagram *self,
            cairo_t             *cr,
            guint                page,
            guint                n_pages)
{
  g_autofree char *title = NULL;
  double title_height;

  if (page > 0)
    title = g_strdup_printf ("%s (continued, %u of %u)", self->title, page + 1, n_pages);
  else if (n_pages > 1)
    title = g_strdup_printf ("%s (1 of %u)", self->title, n_pages);
  else
    title = g_strdup (self->title);
  measure (self, title, 13, TRUE, NULL, &title_height);
  draw_text (self, cr, title, 13, TRUE, FALSE, ink, MARGIN, MARGIN, -1);
  draw_text (self, cr, self->subtitle, 9, FALSE, FALSE, secondary_ink, MARGIN, MARGIN + title_height + 2, -1);
}

static void
draw_heads (const MopedSequenceDiagram *self,
            cairo_t             *cr,
            double               bottom)
{
  double top = MARGIN + self->title_height;

  for (guint i = 0; i < self->lifelines->len; i++)
    {
      const Lifeline *lifeline = &g_array_index (self->lifelines, Lifeline, i);
      double left = lifeline->x - lifeline->box_width / 2;
      double name_height;
      const double dashes[] = { 4, 3 };

      cairo_set_line_width (cr, 1);
      cairo_set_source_rgb (cr, lifeline_ink[0], lifeline_ink[1], lifeline_ink[2]);
      cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
      cairo_move_to (cr, lifeline->x, top + self->head_height);
      cairo_line_to (cr, lifeline->x, bottom);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);

      cairo_rectangle (cr, left + 0.5, top + 0.5, lifeline->box_width - 1, self->head_height - 1);
      cairo_set_source_rgb (cr, head_fill[0], head_fill[1], head_fill[2]);
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, ink[0], ink[1], ink[2]);
      cairo_stroke (cr);

      measure (self, lifeline->name, 10, TRUE, NULL, &name_height);
      draw_text (self, cr, lifeline->name, 10, TRUE, FALSE, ink, lifeline->x, top + HEAD_PAD, 0);
      if (lifeline->role != NULL && *lifeline->role != '\0')
        draw_text (self, cr, lifeline->role, 9, FALSE, TRUE, secondary_ink,
                   lifeline->x, top + HEAD_PAD + name_height, 0);
    }
}

static void
draw_arrow_head (cairo_t *cr,
                 double   x,
                 double   y,
                 double   direction)
{
  cairo_move_to (cr, x, y);
  cairo_line_to (cr, x - direction * ARROW_SIZE * 1.4, y - ARROW_SIZE / 2);
  cairo_line_to (cr, x - direction * ARROW_SIZE * 1.4, y + ARROW_SIZE / 2);
  cairo_close_path (cr);
  cairo_fill (cr);
}

/* The step's arrow with its label above it; @y is the row's top. */
static void
draw_step (const MopedSequenceDiagram *self,
           cairo_t             *cr,
           guint                index,
           double               y)
{
  const Step *step = &g_array_index (self->steps, Step, index);
  double from = g_array_index (self->lifelines, Lifeline, step->from).x;
  double to = g_array_index (self->lifelines, Lifeline, step->to).x;
  double line = y + ROW_HEIGHT - 10;
  g_autofree char *number = g_strdup_printf ("%u", index + 1);

  draw_text (self, cr, number, 8, FALSE, FALSE, secondary_ink, MARGIN + NUMBER_WIDTH - 8, line - 12, 1);
  cairo_set_source_rgb (cr, ink[0], ink[1], ink[2]);
  cairo_set_line_width (cr, 1.2);
  if (step->from == step->to)
    {
      cairo_move_to (cr, from, line - 12);
      cairo_line_to (cr, from + SELF_WIDTH, line - 12);
      cairo_line_to (cr, from + SELF_WIDTH, line);
      cairo_line_to (cr, from + ARROW_SIZE, line);
      cairo_stroke (cr);
      draw_arrow_head (cr, from, line, -1);
      draw_text (self, cr, step->label, 10, FALSE, FALSE, ink, from + SELF_WIDTH + 6, line - 18, -1);
      return;
    }
  cairo_move_to (cr, from, line);
  cairo_line_to (cr, to - (to > from ? 1 : -1) * ARROW_SIZE, line);
  cairo_stroke (cr);
  draw_arrow_head (cr, to, line, to > from ? 1 : -1);
  draw_text (self, cr, step->label, 10, FALSE, FALSE, ink, (from + to) / 2, line - 16, 0);
}

/* A frame around the steps [@first, @last] of one page; @tops holds each step's row top. */
static void
draw_frame (const MopedSequenceDiagram *self,
            cairo_t             *cr,
            const Frame         *frame,
            guint                first,
            guint                last,
            const double        *tops,
            guint                page_first)
{
  const double *color = frame->repeat ? loop_ink : opt_ink;
  const double *tint = frame->repeat ? loop_tint : opt_tint;
  double left = G_MAXDOUBLE, right = 0, top, bottom, inset = frame->depth * FRAME_INSET;
  const char *name = frame->name ? frame->name : frame->repeat ? "loop" : "opt";
  g_autofree char *tab = NULL;
  double tab_width, tab_height;

  for (guint i = frame->first; i <= frame->last; i++)
    {
      const Step *step = &g_array_index (self->steps, Step, i);

      left = MIN (left, step_left (self, step));
      right = MAX (right, step_right (self, step));
    }
  left = left - 36 + inset;
  right = right + 2 * FRAME_INSET + 4 - inset;
  if (first == frame->first)
    top = tops[first - page_first] + frame->tab_index * TAB_HEIGHT + 2;
  else
    top = tops[first - page_first] - 2 + inset;
  bottom = tops[last - page_first] + g_array_index (self->steps, Step, last).space_above + ROW_HEIGHT - 2 - inset;

  cairo_set_line_width (cr, 1);
  cairo_set_source_rgb (cr, color[0], color[1], color[2]);
  cairo_rectangle (cr, left + 0.5, top + 0.5, right - left, bottom - top);
  cairo_stroke (cr);

  if (first == frame->first)
    tab = frame->guard ? g_strdup_printf ("%s %s", name, frame->guard) : g_strdup (name);
  else
    tab = g_strdup_printf ("%s (continued)", name);
  /* An alt's branches are parted by dashed lines. */
  for (guint d = 0; d < frame->n_dividers; d++)
    {
      guint at = frame->dividers[d];
      double y;

      if (at <= first || at > last)
        continue;
      y = tops[at - page_first] + 0.5;
      cairo_save (cr);
      cairo_set_dash (cr, (const double[]) { 4, 3 }, 2, 0);
      cairo_set_line_width (cr, 1);
      cairo_set_source_rgb (cr, color[0], color[1], color[2]);
      cairo_move_to (cr, left + 0.5, y);
      cairo_line_to (cr, right + 0.5, y);
      cairo_stroke (cr);
      cairo_restore (cr);
    }
  measure (self, tab, 8, TRUE, &tab_width, &tab_height);
  cairo_move_to (cr, left + 0.5, top + 0.5);
  cairo_rel_line_to (cr, tab_width + 10, 0);
  cairo_rel_line_to (cr, 0, tab_height + 1);
  cairo_rel_line_to (cr, -4, 3);
  cairo_line_to (cr, left + 0.5, top + tab_height + 4.5);
  cairo_close_path (cr);
  cairo_set_source_rgb (cr, tint[0], tint[1], tint[2]);
  cairo_fill_preserve (cr);
  cairo_set_source_rgb (cr, color[0], color[1], color[2]);
  cairo_stroke (cr);
  draw_text (self, cr, tab, 8, TRUE, FALSE, color, left + 4, top + 2, -1);
}

/* Draw steps [@first, @end) as page @page of @n_pages. */
static void
draw_range (const MopedSequenceDiagram *self,
            cairo_t             *cr,
            guint                first,
            guint                end,
            guint                page,
            guint                n_pages)
{
  g_autofree double *tops = g_new0 (double, MAX (end - first, 1));
  double y = rows_top (self);
  double height = ceil (rows_top (self) + rows_height (self, first, end) + MARGIN);

  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, self->width, height);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_fill (cr);

  for (guint i = first; i < end; i++)
    {
      tops[i - first] = y;
      y += step_extent (self, i);
    }
  draw_title (self, cr, page, n_pages);
  draw_heads (self, cr, height - MARGIN);
  for (guint i = 0; i < self->frames->len; i++)
    {
      const Frame *frame = &g_array_index (self->frames, Frame, i);

      if (frame->last >= first && frame->first < end)
        draw_frame (self, cr, frame, MAX (frame->first, first), MIN (frame->last, end - 1), tops, first);
    }
  for (guint i = first; i < end; i++)
    draw_step (self, cr, i, tops[i - first] + g_array_index (self->steps, Step, i).space_above);
  if (self->steps->len == 0)
    draw_text (self, cr, EMPTY_TEXT, 10, FALSE, TRUE, secondary_ink,
               MARGIN, rows_top (self), -1);
  cairo_restore (cr);
}

void
moped_sequence_diagram_draw_page (const MopedSequenceDiagram *self,
                          cairo_t             *cr,
                          guint                page)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (cr != NULL);
  g_return_if_fail (page < self->page_starts->len);

  draw_range (self, cr, g_array_index (self->page_starts, guint, page), page_end (self, page),
              page, self->page_starts->len);
}

void
moped_sequence_diagram_draw (const MopedSequenceDiagram *self,
                     cairo_t             *cr)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (cr != NULL);

  draw_range (self, cr, 0, self->steps->len, 0, 1);
}

void
moped_sequence_diagram_get_natural_size (MopedDesign  *design,
                                 MopedElement *flow,
                                 double       *width,
                                 double       *height)
{
  g_autoptr(MopedSequenceDiagram) sequence = moped_sequence_diagram_new (design, flow);

  g_return_if_fail (sequence != NULL);
  moped_sequence_diagram_get_size (sequence, width, height);
}

void
moped_sequence_diagram_draw_flow (MopedDesign  *design,
                          MopedElement *flow,
                          cairo_t      *cr,
                          double        width,
                          double        height)
{
  g_autoptr(MopedSequenceDiagram) sequence = moped_sequence_diagram_new (design, flow);
  double natural_width, natural_height, scale;

  g_return_if_fail (sequence != NULL);
  g_return_if_fail (cr != NULL);

  moped_sequence_diagram_get_size (sequence, &natural_width, &natural_height);
  if (width <= 0 || height <= 0)
    return;
  scale = MIN (width / natural_width, height / natural_height);
  cairo_save (cr);
  cairo_translate (cr, (width - natural_width * scale) / 2, (height - natural_height * scale) / 2);
  cairo_scale (cr, scale, scale);
  moped_sequence_diagram_draw (sequence, cr);
  cairo_restore (cr);
}
