/* moped-print.c: printing and print preview of a design's architecture and flows.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-ui"

#include "config.h"

#include <math.h>

#include "moped-print.h"
#include "moped-render.h"
#include "moped-sequence.h"

#define HEADER_HEIGHT 30.0   /* design name and page title, then a rule */
#define FOOTER_HEIGHT 18.0   /* page number */
#define MAX_ENLARGE   2.0    /* a tiny architecture is enlarged at most this much */
#define PREVIEW_PAD   24.0
#define PACK_GAP      24.0   /* between flows sharing a page */

/* ---- what goes on which page ------------------------------------------------ */

/* A page shows the architecture, one page of a long flow, or one or more whole flows
 * one under another (flows [flow, flow + n_flows) of the job). */
typedef struct
{
  int                 flow;       /* index into the job's flows; -1 for the architecture */
  guint               n_flows;
  guint               flow_page;
  guint               flow_pages;
  GtkPageOrientation  orientation;
} Page;

typedef struct
{
  char                  *design_name;
  MopedGraphvizGeometry *geometry;
  GPtrArray             *flows;        /* MopedSequenceDiagram */
  GPtrArray             *flow_titles;  /* char * */
  GArray                *pages;        /* Page */
} PrintJob;

static void
print_job_free (PrintJob *job)
{
  g_free (job->design_name);
  moped_graphviz_geometry_free (job->geometry);
  g_ptr_array_unref (job->flows);
  g_ptr_array_unref (job->flow_titles);
  g_array_unref (job->pages);
  g_free (job);
}

/* Measures everything up front: printing then needs nothing from the design. */
static PrintJob *
print_job_new (MopedDesign           *design,
               MopedGraphvizGeometry *geometry)
{
  PrintJob *job = g_new0 (PrintJob, 1);
  g_autoptr(GPtrArray) flows = moped_design_collect (design, MOPED_KIND_FLOW);
  const char *name = moped_element_get_name (moped_design_get_root (design));

  job->design_name = g_strdup (name != NULL && *name != '\0' ? name : "Untitled design");
  job->geometry = geometry;
  job->flows = g_ptr_array_new_with_free_func ((GDestroyNotify) moped_sequence_diagram_free);
  job->flow_titles = g_ptr_array_new_with_free_func (g_free);
  job->pages = g_array_new (FALSE, TRUE, sizeof (Page));
  for (guint i = 0; i < flows->len; i++)
    {
      MopedElement *flow = g_ptr_array_index (flows, i);
      MopedElement *protocol = moped_element_get_ancestor (flow, MOPED_KIND_PROTOCOL);

      g_ptr_array_add (job->flows, moped_sequence_diagram_new (design, flow));
      g_ptr_array_add (job->flow_titles,
                       g_strdup_printf ("Flow “%s” · %s", moped_element_get_name (flow),
                                        moped_element_get_name (protocol)));
    }
  return job;
}

/* The room for a diagram on a page of @setup turned to @orientation, in points. */
static void
room_for (GtkPageSetup       *setup,
          GtkPageOrientation  orientation,
          double             *width,
          double             *height)
{
  g_autoptr(GtkPageSetup) turned = gtk_page_setup_copy (setup);

  gtk_page_setup_set_orientation (turned, orientation);
  *width = gtk_page_setup_get_page_width (turned, GTK_UNIT_POINTS);
  *height = MAX (1, gtk_page_setup_get_page_height (turned, GTK_UNIT_POINTS) - HEADER_HEIGHT - FOOTER_HEIGHT);
}

static double
fit_scale (double room_width,
           double room_height,
           double width,
           double height)
{
  return MIN (room_width / MAX (width, 1), room_height / MAX (height, 1));
}

/* How much a flow is shrunk on a page: to fit the width, never enlarged. */
static double
flow_scale (MopedSequenceDiagram *sequence,
            double                room_width)
{
  double width;

  moped_sequence_diagram_get_size (sequence, &width, NULL);
  return MIN (1, room_width / MAX (width, 1));
}

/* The architecture takes the orientation in which it is largest; a flow stays
 * upright unless turning the page lets it be wider. Whole flows that fit on an upright
 * page share it with the flows after them while there is room, in the design's order;
 * a flow longer than a page runs over pages of its own. */
static void
plan_pages (PrintJob     *job,
            GtkPageSetup *setup)
{
  double pw, ph, lw, lh, used = 0;
  Page page = { -1, 0, 0, 1, GTK_PAGE_ORIENTATION_PORTRAIT };
  Page *shared = NULL;   /* the page flows are being packed onto */

  room_for (setup, GTK_PAGE_ORIENTATION_PORTRAIT, &pw, &ph);
  room_for (setup, GTK_PAGE_ORIENTATION_LANDSCAPE, &lw, &lh);
  g_array_set_size (job->pages, 0);
  if (fit_scale (lw, lh, job->geometry->width, job->geometry->height) >
      fit_scale (pw, ph, job->geometry->width, job->geometry->height) * 1.001)
    page.orientation = GTK_PAGE_ORIENTATION_LANDSCAPE;
  g_array_append_val (job->pages, page);

  for (guint i = 0; i < job->flows->len; i++)
    {
      MopedSequenceDiagram *sequence = g_ptr_array_index (job->flows, i);
      double portrait = flow_scale (sequence, pw);
      double landscape = flow_scale (sequence, lw);
      gboolean turned = landscape > portrait * 1.001;
      double scale = turned ? landscape : portrait;
      guint n_pages = moped_sequence_diagram_paginate (sequence, (turned ? lh : ph) / scale);
      double height;

      if (n_pages == 1 && !turned)
        {
          moped_sequence_diagram_get_page_size (sequence, 0, NULL, &height);
          height *= scale;
          if (shared != NULL && used + PACK_GAP + height <= ph)
            {
              shared->n_flows++;
              used += PACK_GAP + height;
              continue;
            }
          page = (Page) { (int) i, 1, 0, 1, GTK_PAGE_ORIENTATION_PORTRAIT };
          g_array_append_val (job->pages, page);
          shared = &g_array_index (job->pages, Page, job->pages->len - 1);
          used = height;
          continue;
        }
      shared = NULL;
      for (guint p = 0; p < n_pages; p++)
        {
          page = (Page) { (int) i, 1, p, n_pages,
                          turned ? GTK_PAGE_ORIENTATION_LANDSCAPE : GTK_PAGE_ORIENTATION_PORTRAIT };
          g_array_append_val (job->pages, page);
        }
    }
}

/* ---- drawing a page ------------------------------------------------------------- */

static void
draw_text (GtkPrintContext *context,
           cairo_t         *cr,
           const char      *text,
           const char      *font,
           double           x,
           double           y,
           double           max_width,
           double           align)
{
  g_autoptr(PangoLayout) layout = gtk_print_context_create_pango_layout (context);
  PangoFontDescription *description = pango_font_description_from_string (font);
  int width, height;

  pango_layout_set_font_description (layout, description);
  pango_font_description_free (description);
  pango_layout_set_text (layout, text, -1);
  pango_layout_set_width (layout, (int) (max_width * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_get_size (layout, &width, &height);
  cairo_move_to (cr, x - align * width / (double) PANGO_SCALE, y);
  pango_cairo_show_layout (cr, layout);
}

static char *
page_title (PrintJob   *job,
            const Page *page)
{
  if (page->flow < 0)
    return g_strdup ("Architecture");
  if (page->flow_pages > 1)
    return g_strdup_printf ("%s (page %u of %u)", (const char *) g_ptr_array_index (job->flow_titles, page->flow),
                            page->flow_page + 1, page->flow_pages);
  if (page->n_flows == 1)
    return g_strdup (g_ptr_array_index (job->flow_titles, page->flow));
  /* Each drawing names its flow; the header says which of them share the page. */
  return g_strdup_printf ("Flows %u to %u of %u", page->flow + 1, page->flow + page->n_flows, job->flows->len);
}

static void
draw_frame (PrintJob        *job,
            GtkPrintContext *context,
            cairo_t         *cr,
            const Page      *page,
            int              page_nr,
            double           width,
            double           height)
{
  g_autofree char *title = page_title (job, page);
  g_autofree char *number = g_strdup_printf ("Page %d of %u", page_nr + 1, job->pages->len);

  cairo_set_source_rgb (cr, 0x24 / 255.0, 0x1f / 255.0, 0x31 / 255.0);
  draw_text (context, cr, job->design_name, "DejaVu Sans Bold 10", 0, 0, width * 0.45, 0);
  draw_text (context, cr, title, "DejaVu Sans 10", width, 0, width * 0.53, 1);
  cairo_set_line_width (cr, 0.6);
  cairo_move_to (cr, 0, HEADER_HEIGHT - 10);
  cairo_line_to (cr, width, HEADER_HEIGHT - 10);
  cairo_stroke (cr);
  cairo_set_source_rgb (cr, 0x5e / 255.0, 0x5c / 255.0, 0x64 / 255.0);
  draw_text (context, cr, number, "DejaVu Sans 8", width / 2, height - FOOTER_HEIGHT + 6, width, 0.5);
}

static void
on_draw_page (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page_nr,
              gpointer           user_data)
{
  PrintJob *job = user_data;
  const Page *page;
  cairo_t *cr = gtk_print_context_get_cairo_context (context);
  double width = gtk_print_context_get_width (context);
  double height = gtk_print_context_get_height (context);
  double room = MAX (1, height - HEADER_HEIGHT - FOOTER_HEIGHT);
  double natural_width, natural_height, scale;

  g_return_if_fail (page_nr >= 0 && (guint) page_nr < job->pages->len);
  page = &g_array_index (job->pages, Page, page_nr);

  cairo_save (cr);
  draw_frame (job, context, cr, page, page_nr, width, height);
  if (page->flow < 0)
    {
      natural_width = job->geometry->width;
      natural_height = job->geometry->height;
      scale = MIN (fit_scale (width, room, natural_width, natural_height), MAX_ENLARGE);
      cairo_translate (cr, (width - natural_width * scale) / 2, HEADER_HEIGHT);
      cairo_scale (cr, scale, scale);
      cairo_rectangle (cr, 0, 0, natural_width, natural_height);
      cairo_clip (cr);
      moped_render_draw_geometry (cr, job->geometry);
      cairo_restore (cr);
      return;
    }
  cairo_translate (cr, 0, HEADER_HEIGHT);
  for (guint i = 0; i < page->n_flows; i++)
    {
      MopedSequenceDiagram *sequence = g_ptr_array_index (job->flows, page->flow + i);

      moped_sequence_diagram_get_page_size (sequence, page->flow_page, &natural_width, &natural_height);
      scale = flow_scale (sequence, width);
      if (i > 0)
        {
          /* A light rule between flows that share the page. */
          cairo_set_source_rgb (cr, 0xc0 / 255.0, 0xbf / 255.0, 0xbc / 255.0);
          cairo_set_line_width (cr, 0.5);
          cairo_move_to (cr, 0, PACK_GAP / 2);
          cairo_line_to (cr, width, PACK_GAP / 2);
          cairo_stroke (cr);
          cairo_translate (cr, 0, PACK_GAP);
        }
      cairo_save (cr);
      cairo_translate (cr, (width - natural_width * scale) / 2, 0);
      cairo_scale (cr, scale, scale);
      cairo_rectangle (cr, 0, 0, natural_width, natural_height);
      cairo_clip (cr);
      moped_sequence_diagram_draw_page (sequence, cr, page->flow_page);
      cairo_restore (cr);
      cairo_translate (cr, 0, natural_height * scale);
    }
  cairo_restore (cr);
}

static void
on_begin_print (GtkPrintOperation *operation,
                GtkPrintContext   *context,
                gpointer           user_data)
{
  PrintJob *job = user_data;

  plan_pages (job, gtk_print_context_get_page_setup (context));
  gtk_print_operation_set_n_pages (operation, (int) job->pages->len);
}

static void
on_request_page_setup (GtkPrintOperation *operation,
                       GtkPrintContext   *context,
                       int                page_nr,
                       GtkPageSetup      *setup,
                       gpointer           user_data)
{
  PrintJob *job = user_data;

  if (page_nr >= 0 && (guint) page_nr < job->pages->len)
    gtk_page_setup_set_orientation (setup, g_array_index (job->pages, Page, page_nr).orientation);
}

/* ---- print preview ---------------------------------------------------------------- */

typedef struct
{
  GtkPrintOperationPreview *preview;
  GtkPrintContext          *context;
  GtkWidget                *window;
  GtkWidget                *area;
  GtkWidget                *label;
  GSimpleActionGroup       *actions;
  int                       page;
  int                       n_pages;
  /* The current page, rendered for the area's size. */
  cairo_surface_t          *surface;
  int                       surface_page;
  int                       area_width, area_height;
} Preview;

static void
preview_free (gpointer data)
{
  Preview *self = data;

  /* The operation reports "done" once its preview has ended. */
  gtk_print_operation_preview_end_preview (self->preview);
  g_clear_pointer (&self->surface, cairo_surface_destroy);
  g_object_unref (self->actions);
  g_object_unref (self->context);
  g_object_unref (self->preview);
  g_free (self);
}

static void
preview_update (Preview *self)
{
  g_autofree char *text = g_strdup_printf ("Page %d of %d", self->page + 1, self->n_pages);

  gtk_label_set_text (GTK_LABEL (self->label), text);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->actions),
                                                                            "previous-page")),
                               self->page > 0);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->actions),
                                                                            "next-page")),
                               self->page + 1 < self->n_pages);
  gtk_widget_queue_draw (self->area);
}

/* GTK asks for a drawing surface of the page's size: one that fits the area. */
static void
on_got_page_size (GtkPrintOperationPreview *preview,
                  GtkPrintContext          *context,
                  GtkPageSetup             *setup,
                  gpointer                  user_data)
{
  Preview *self = user_data;
  double paper_width = gtk_page_setup_get_paper_width (setup, GTK_UNIT_POINTS);
  double paper_height = gtk_page_setup_get_paper_height (setup, GTK_UNIT_POINTS);
  double scale = fit_scale (MAX (self->area_width - 2 * PREVIEW_PAD, 20),
                            MAX (self->area_height - 2 * PREVIEW_PAD, 20), paper_width, paper_height);
  cairo_t *cr;

  g_clear_pointer (&self->surface, cairo_surface_destroy);
  self->surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) ceil (paper_width * scale),
                                              (int) ceil (paper_height * scale));
  cr = cairo_create (self->surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  gtk_print_context_set_cairo_context (context, cr, 72 * scale, 72 * scale);
  cairo_destroy (cr);
}

static void
preview_draw (GtkDrawingArea *area,
              cairo_t        *cr,
              int             width,
              int             height,
              gpointer        user_data)
{
  Preview *self = user_data;
  double x, y;
  int surface_width, surface_height;

  cairo_set_source_rgb (cr, 0xde / 255.0, 0xdd / 255.0, 0xda / 255.0);
  cairo_paint (cr);
  if (self->n_pages == 0)
    return;
  if (self->surface == NULL || self->surface_page != self->page ||
      self->area_width != width || self->area_height != height)
    {
      self->area_width = width;
      self->area_height = height;
      self->surface_page = self->page;
      gtk_print_operation_preview_render_page (self->preview, self->page);
    }
  if (self->surface == NULL)
    return;
  surface_width = cairo_image_surface_get_width (self->surface);
  surface_height = cairo_image_surface_get_height (self->surface);
  x = floor ((width - surface_width) / 2.0);
  y = floor ((height - surface_height) / 2.0);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.18);
  cairo_rectangle (cr, x + 3, y + 3, surface_width, surface_height);
  cairo_fill (cr);
  cairo_set_source_surface (cr, self->surface, x, y);
  cairo_paint (cr);
}

static void
on_ready (GtkPrintOperationPreview *preview,
          GtkPrintContext          *context,
          gpointer                  user_data)
{
  Preview *self = user_data;

  g_object_get (preview, "n-pages", &self->n_pages, NULL);
  self->page = 0;
  preview_update (self);
  gtk_window_present (GTK_WINDOW (self->window));
}

static void
on_previous_page (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  Preview *self = user_data;

  if (self->page > 0)
    self->page--;
  preview_update (self);
}

static void
on_next_page (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  Preview *self = user_data;

  if (self->page + 1 < self->n_pages)
    self->page++;
  preview_update (self);
}

static void
on_close (GSimpleAction *action,
          GVariant      *parameter,
          gpointer       user_data)
{
  Preview *self = user_data;

  gtk_window_destroy (GTK_WINDOW (self->window));
}

static GtkWidget *
icon_button (const char *icon,
             const char *label,
             const char *action)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  return button;
}

static void
add_shortcut (GtkShortcutController *controller,
              guint                  key,
              const char            *action)
{
  gtk_shortcut_controller_add_shortcut (controller,
                                        gtk_shortcut_new (gtk_keyval_trigger_new (key, 0),
                                                          gtk_named_action_new (action)));
}

static GtkWidget *
preview_window_new (Preview    *self,
                    GtkWindow  *parent,
                    const char *design_name)
{
  static const GActionEntry entries[] = {
    { "previous-page", on_previous_page },
    { "next-page", on_next_page },
    { "close", on_close },
  };
  g_autofree char *title = g_strdup_printf ("Print Preview — %s", design_name);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *header = gtk_header_bar_new ();
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();

  gtk_window_set_title (GTK_WINDOW (window), title);
  gtk_window_set_default_size (GTK_WINDOW (window), 720, 860);
  if (parent != NULL)
    {
      gtk_window_set_transient_for (GTK_WINDOW (window), parent);
      gtk_window_set_modal (GTK_WINDOW (window), TRUE);
    }
  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), entries, G_N_ELEMENTS (entries), self);
  gtk_widget_insert_action_group (window, "preview", G_ACTION_GROUP (self->actions));

  self->label = gtk_label_new (NULL);
  gtk_header_bar_set_title_widget (GTK_HEADER_BAR (header), self->label);
  gtk_header_bar_pack_start (GTK_HEADER_BAR (header),
                             icon_button ("go-previous-symbolic", "Previous page", "preview.previous-page"));
  gtk_header_bar_pack_start (GTK_HEADER_BAR (header),
                             icon_button ("go-next-symbolic", "Next page", "preview.next-page"));
  gtk_window_set_titlebar (GTK_WINDOW (window), header);

  self->area = gtk_drawing_area_new ();
  gtk_widget_set_name (self->area, "print-preview-page");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->area), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "The page as it will be printed", -1);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->area), preview_draw, self, NULL);
  gtk_window_set_child (GTK_WINDOW (window), self->area);

  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_Page_Up, "preview.previous-page");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_Page_Down, "preview.next-page");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_Escape, "preview.close");
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts), GTK_SHORTCUT_SCOPE_GLOBAL);
  gtk_widget_add_controller (window, shortcuts);
  return window;
}

/* Our own preview window: GTK's default needs an external viewer, often absent. */
static gboolean
on_preview (GtkPrintOperation        *operation,
            GtkPrintOperationPreview *preview,
            GtkPrintContext          *context,
            GtkWindow                *parent,
            gpointer                  user_data)
{
  PrintJob *job = user_data;
  Preview *self = g_new0 (Preview, 1);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cairo_t *cr = cairo_create (surface);

  self->preview = g_object_ref (preview);
  self->context = g_object_ref (context);
  self->surface_page = -1;
  /* A context until the first page asks for its own (pagination may measure text). */
  gtk_print_context_set_cairo_context (context, cr, 72, 72);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);

  self->window = preview_window_new (self, parent, job->design_name);
  g_object_set_data_full (G_OBJECT (self->window), "moped-print-preview", self, preview_free);
  g_signal_connect (preview, "ready", G_CALLBACK (on_ready), self);
  g_signal_connect (preview, "got-page-size", G_CALLBACK (on_got_page_size), self);
  return TRUE;
}

/* ---- running it --------------------------------------------------------------------- */

static GtkPrintOperation *
create_operation (PrintJob *job)
{
  GtkPrintOperation *operation = gtk_print_operation_new ();
  g_autofree char *job_name = g_strdup_printf ("Moped: %s", job->design_name);

  gtk_print_operation_set_job_name (operation, job_name);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  g_object_set_data_full (G_OBJECT (operation), "moped-print-job", job, (GDestroyNotify) print_job_free);
  g_signal_connect (operation, "begin-print", G_CALLBACK (on_begin_print), job);
  g_signal_connect (operation, "request-page-setup", G_CALLBACK (on_request_page_setup), job);
  g_signal_connect (operation, "draw-page", G_CALLBACK (on_draw_page), job);
  g_signal_connect (operation, "preview", G_CALLBACK (on_preview), job);
  return operation;
}

gboolean
moped_print_design_to_file (MopedDesign  *design,
                            const char   *filename,
                            GError      **error)
{
  g_autoptr(GtkPrintOperation) operation = NULL;
  MopedGraphvizGeometry *geometry;

  g_return_val_if_fail (MOPED_IS_DESIGN (design), FALSE);
  g_return_val_if_fail (filename != NULL, FALSE);

  geometry = moped_render_architecture_geometry (design, NULL, NULL, error);
  if (geometry == NULL)
    return FALSE;
  operation = create_operation (print_job_new (design, geometry));
  gtk_print_operation_set_export_filename (operation, filename);
  return gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_EXPORT, NULL, error)
         != GTK_PRINT_OPERATION_RESULT_ERROR;
}

typedef struct
{
  MopedDesign             *design;
  GtkWindow               *parent;
  GtkPrintOperationAction  action;
  char                    *basename;
  GtkPrintOperation       *operation;
  gboolean                 finished;
} Printing;

static void
printing_free (gpointer data)
{
  Printing *printing = data;

  g_clear_object (&printing->design);
  g_clear_object (&printing->parent);
  g_clear_object (&printing->operation);
  g_free (printing->basename);
  g_free (printing);
}

static gboolean
release_later (gpointer data)
{
  g_object_unref (data);
  return G_SOURCE_REMOVE;
}

static void
finish (GTask                   *task,
        GtkPrintOperationResult  result,
        GError                  *error)
{
  g_autoptr(GTask) hold = g_object_ref (task);
  Printing *printing = g_task_get_task_data (task);

  if (printing->finished)
    {
      g_clear_error (&error);
      return;
    }
  printing->finished = TRUE;
  /* Break the operation -> handler -> task -> operation cycle; GTK may still be
   * inside the operation's "done" emission, so let go of it from an idle. */
  g_signal_handlers_disconnect_by_data (printing->operation, task);
  g_idle_add (release_later, g_steal_pointer (&printing->operation));
  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    g_task_return_error (task, error != NULL ? error
                                             : g_error_new_literal (GTK_PRINT_ERROR, GTK_PRINT_ERROR_GENERAL,
                                                                    "Printing failed"));
  else
    {
      g_clear_error (&error);
      g_task_return_boolean (task, TRUE);
    }
}

static void
on_done (GtkPrintOperation       *operation,
         GtkPrintOperationResult  result,
         gpointer                 user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  /* GTK 4.8 complains when asked for an error it does not have. */
  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    gtk_print_operation_get_error (operation, &error);
  finish (task, result, error);
}

static void
on_geometry (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Printing *printing = g_task_get_task_data (task);
  GError *error = NULL;
  MopedGraphvizGeometry *geometry = moped_render_architecture_geometry_finish (result, &error);
  GtkPrintOperationResult outcome;

  if (geometry == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  printing->operation = create_operation (print_job_new (printing->design, geometry));
  gtk_print_operation_set_allow_async (printing->operation, TRUE);
  if (printing->basename != NULL)
    {
      g_autoptr(GtkPrintSettings) settings = gtk_print_settings_new ();

      gtk_print_settings_set (settings, GTK_PRINT_SETTINGS_OUTPUT_BASENAME, printing->basename);
      gtk_print_operation_set_print_settings (printing->operation, settings);
    }
  /* The operation keeps the task until it is gone: "done" may come after run() returned. */
  g_signal_connect_data (printing->operation, "done", G_CALLBACK (on_done), g_object_ref (task),
                         (GClosureNotify) (void (*) (void)) g_object_unref, 0);
  outcome = gtk_print_operation_run (printing->operation, printing->action, printing->parent, &error);
  if (outcome != GTK_PRINT_OPERATION_RESULT_IN_PROGRESS)
    finish (task, outcome, error);
}

void
moped_print_design_async (MopedDesign             *design,
                          GtkWindow               *parent,
                          GtkPrintOperationAction  action,
                          const char              *basename,
                          GCancellable            *cancellable,
                          GAsyncReadyCallback      callback,
                          gpointer                 user_data)
{
  GTask *task;
  Printing *printing;

  g_return_if_fail (MOPED_IS_DESIGN (design));
  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (action != GTK_PRINT_OPERATION_ACTION_EXPORT);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, moped_print_design_async);
  printing = g_new0 (Printing, 1);
  printing->design = g_object_ref (design);
  printing->parent = parent != NULL ? g_object_ref (parent) : NULL;
  printing->action = action;
  printing->basename = g_strdup (basename);
  g_task_set_task_data (task, printing, printing_free);
  moped_render_architecture_geometry_async (design, NULL, cancellable, on_geometry, task);
}

gboolean
moped_print_design_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == moped_print_design_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
