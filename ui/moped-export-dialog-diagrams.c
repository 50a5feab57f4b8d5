/* moped-export-dialog-diagrams.c: the export dialog's Diagrams page: the architecture, a flow, or all of them.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-ui"

#include "config.h"


#include "moped-export-dialog-private.h"
#include "moped-inspector-util.h"

/* The first items of the Diagram drop-down; the flows follow. */
enum {
  WHAT_ARCHITECTURE,
  WHAT_ALL,
  WHAT_FIRST_FLOW,
};

static const struct
{
  MopedLayoutEngine     engine;
  MopedLayoutDirection  direction;
  const char           *label;
} layouts[] = {
  { MOPED_LAYOUT_ENGINE_DOT, MOPED_LAYOUT_LEFT_RIGHT, "Layered, Left to Right" },
  { MOPED_LAYOUT_ENGINE_DOT, MOPED_LAYOUT_TOP_BOTTOM, "Layered, Top to Bottom" },
  { MOPED_LAYOUT_ENGINE_NEATO, MOPED_LAYOUT_LEFT_RIGHT, "Spring" },
  { MOPED_LAYOUT_ENGINE_FDP, MOPED_LAYOUT_LEFT_RIGHT, "Force-Directed" },
  { MOPED_LAYOUT_ENGINE_CIRCO, MOPED_LAYOUT_LEFT_RIGHT, "Circular" },
  { MOPED_LAYOUT_ENGINE_CANVAS, MOPED_LAYOUT_LEFT_RIGHT, "As Drawn on the Canvas" },
};

static const struct
{
  MopedRenderFormat  format;
  const char        *label;
} formats[] = {
  { MOPED_RENDER_SVG, "SVG" },
  { MOPED_RENDER_PNG, "PNG" },
  { MOPED_RENDER_PDF, "PDF" },
  { MOPED_RENDER_DOT, "DOT (Graphviz Source)" },
};

static guint
selected_what (MopedExportDialog *self)
{
  guint what = gtk_drop_down_get_selected (self->diagram_what);

  return what == GTK_INVALID_LIST_POSITION ? WHAT_ARCHITECTURE : what;
}

static MopedRenderFormat
selected_format (MopedExportDialog *self)
{
  guint index = gtk_drop_down_get_selected (self->diagram_format);

  if (self->diagram_formats == NULL || index >= self->diagram_formats->len)
    return MOPED_RENDER_SVG;
  return g_array_index (self->diagram_formats, MopedRenderFormat, index);
}

static MopedExportDestination *
diagrams_destination (MopedExportDialog     *self,
                      const MopedExportPage *page)
{
  return selected_what (self) == WHAT_ALL ? &self->diagram_folder : &self->diagram_file;
}

static MopedElement *
selected_flow (MopedExportDialog *self)
{
  guint what = selected_what (self);

  if (what < WHAT_FIRST_FLOW || self->flow_ids == NULL || what - WHAT_FIRST_FLOW >= self->flow_ids->len)
    return NULL;
  return moped_design_lookup (self->design, g_ptr_array_index (self->flow_ids, what - WHAT_FIRST_FLOW));
}

/* "hello-architecture.svg", "hello-handshake.png" */
static char *
proposed_name (MopedExportDialog *self)
{
  g_autofree char *base = _moped_export_dialog_base_name (self);
  const char *extension = moped_render_format_get_extension (selected_format (self));
  MopedElement *flow = selected_flow (self);
  g_autofree char *flow_name = NULL;

  if (selected_what (self) == WHAT_ALL)
    return g_strdup_printf ("%s-diagrams", base);
  if (flow == NULL)
    return g_strdup_printf ("%s-architecture.%s", base, extension);
  flow_name = _moped_export_slug (moped_element_get_name (flow));
  return g_strdup_printf ("%s-%s.%s", base, *flow_name != '\0' ? flow_name : moped_element_get_id (flow),
                          extension);
}

static void
propose (MopedExportDialog *self)
{
  g_autoptr(GFile) folder = _moped_export_dialog_default_folder (self);
  g_autofree char *name = proposed_name (self);
  MopedExportDestination *destination = diagrams_destination (self, NULL);

  if (destination->chosen && !destination->folder)
    _moped_export_destination_set_extension (destination,
                                             moped_render_format_get_extension (selected_format (self)));
  else
    _moped_export_destination_propose (destination, folder, name);
}

/* A flow has no DOT; the rest is offered for everything. */
static void
fill_formats (MopedExportDialog *self)
{
  MopedRenderFormat previous = selected_format (self);
  gboolean architecture = selected_what (self) == WHAT_ARCHITECTURE;
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  guint selected = 0;

  if (self->diagram_formats == NULL)
    self->diagram_formats = g_array_new (FALSE, FALSE, sizeof (MopedRenderFormat));
  g_array_set_size (self->diagram_formats, 0);
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      if (formats[i].format == MOPED_RENDER_DOT && !architecture)
        continue;
      if (formats[i].format == previous)
        selected = self->diagram_formats->len;
      g_array_append_val (self->diagram_formats, formats[i].format);
      gtk_string_list_append (labels, formats[i].label);
    }
  gtk_drop_down_set_model (self->diagram_format, G_LIST_MODEL (labels));
  gtk_drop_down_set_selected (self->diagram_format, selected);
}

static void
update_rows (MopedExportDialog *self)
{
  guint what = selected_what (self);
  MopedRenderFormat format = selected_format (self);

  gtk_widget_set_visible (self->diagram_file.row, what != WHAT_ALL);
  gtk_widget_set_visible (self->diagram_folder.row, what == WHAT_ALL);
  /* The DOT text carries the layout's choices too (engine, rank direction). */
  gtk_widget_set_visible (self->diagram_layout_row, what <= WHAT_ALL);
  gtk_widget_set_visible (self->diagram_scale_row, format == MOPED_RENDER_PNG);
}

static void
follow_what (MopedExportDialog *self)
{
  fill_formats (self);
  update_rows (self);
  propose (self);
  _moped_export_outcome_clear (&self->diagram_outcome);
  _moped_export_dialog_update (self);
}

static void
on_what_changed (MopedExportDialog *self)
{
  /* Another diagram gets its own name, in the folder chosen for the last one. */
  self->diagram_file.chosen = FALSE;
  follow_what (self);
}

static void
on_format_changed (MopedExportDialog *self)
{
  update_rows (self);
  propose (self);
  _moped_export_outcome_clear (&self->diagram_outcome);
}

static void
on_option_changed (MopedExportDialog *self)
{
  _moped_export_outcome_clear (&self->diagram_outcome);
}

static void
diagrams_refresh (MopedExportDialog     *self,
                  const MopedExportPage *page)
{
  g_autoptr(GPtrArray) flows = moped_design_collect (self->design, MOPED_KIND_FLOW);
  g_autoptr(GPtrArray) protocols = moped_design_collect (self->design, MOPED_KIND_PROTOCOL);
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  g_autofree char *previous_flow = NULL;
  guint what = selected_what (self);
  guint selected = what <= WHAT_ALL ? what : WHAT_ARCHITECTURE;

  if (what >= WHAT_FIRST_FLOW && self->flow_ids != NULL && what - WHAT_FIRST_FLOW < self->flow_ids->len)
    previous_flow = g_strdup (g_ptr_array_index (self->flow_ids, what - WHAT_FIRST_FLOW));
  g_clear_pointer (&self->flow_ids, g_ptr_array_unref);
  self->flow_ids = g_ptr_array_new_with_free_func (g_free);
  gtk_string_list_append (labels, "Architecture");
  gtk_string_list_append (labels, "All Diagrams, into a Folder");
  for (guint i = 0; i < flows->len; i++)
    {
      MopedElement *flow = g_ptr_array_index (flows, i);
      MopedElement *protocol = moped_element_get_ancestor (flow, MOPED_KIND_PROTOCOL);
      g_autofree char *label = NULL;

      /* With several protocols, flows of the same name are told apart by theirs. */
      if (protocols->len > 1 && protocol != NULL)
        label = g_strdup_printf ("Flow “%s” of %s", moped_element_get_name (flow),
                                 moped_element_get_name (protocol));
      else
        label = g_strdup_printf ("Flow “%s”", moped_element_get_name (flow));
      if (g_strcmp0 (previous_flow, moped_element_get_id (flow)) == 0)
        selected = WHAT_FIRST_FLOW + i;
      gtk_string_list_append (labels, label);
      g_ptr_array_add (self->flow_ids, g_strdup (moped_element_get_id (flow)));
    }
  g_signal_handlers_block_by_func (self->diagram_what, on_what_changed, self);
  gtk_drop_down_set_model (self->diagram_what, G_LIST_MODEL (labels));
  gtk_drop_down_set_selected (self->diagram_what, selected);
  g_signal_handlers_unblock_by_func (self->diagram_what, on_what_changed, self);
  follow_what (self);
}

static GtkWidget *
diagrams_build (MopedExportDialog     *self,
                const MopedExportPage *page)
{
  g_autoptr(GtkStringList) layout_labels = gtk_string_list_new (NULL);
  GtkWidget *content;
  GtkWidget *widget = _moped_export_page_new ("Diagrams",
    "The architecture as graphviz lays it out, or a flow as a sequence diagram, for documents "
    "and slides. The same design always gives the same file, so diagrams sit well in version control.",
    &content);
  GtkWidget *group = _moped_export_group_new (content, NULL);
  GtkWidget *scale;

  self->diagram_what = GTK_DROP_DOWN (gtk_drop_down_new (NULL, NULL));
  gtk_widget_set_size_request (GTK_WIDGET (self->diagram_what), 240, -1);
  _moped_export_row_new (group, "Diagram", NULL, GTK_WIDGET (self->diagram_what), NULL);
  g_signal_connect_swapped (self->diagram_what, "notify::selected", G_CALLBACK (on_what_changed), self);

  self->diagram_format = GTK_DROP_DOWN (gtk_drop_down_new (NULL, NULL));
  gtk_widget_set_size_request (GTK_WIDGET (self->diagram_format), 240, -1);
  _moped_export_row_new (group, "Format", NULL, GTK_WIDGET (self->diagram_format), NULL);
  g_signal_connect_swapped (self->diagram_format, "notify::selected", G_CALLBACK (on_format_changed), self);

  for (guint i = 0; i < G_N_ELEMENTS (layouts); i++)
    gtk_string_list_append (layout_labels, layouts[i].label);
  self->diagram_layout = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_object_ref (layout_labels)), NULL));
  gtk_widget_set_size_request (GTK_WIDGET (self->diagram_layout), 240, -1);
  self->diagram_layout_row = _moped_export_row_new (group, "Layout", "How graphviz places the nodes",
                                                    GTK_WIDGET (self->diagram_layout), NULL);
  g_signal_connect_swapped (self->diagram_layout, "notify::selected", G_CALLBACK (on_option_changed), self);

  scale = gtk_spin_button_new_with_range (0.25, 8, 0.25);
  self->diagram_scale = GTK_SPIN_BUTTON (scale);
  gtk_spin_button_set_digits (self->diagram_scale, 2);
  gtk_spin_button_set_value (self->diagram_scale, 1.0);
  self->diagram_scale_row = _moped_export_row_new (group, "Scale", "1 is 96 dots per inch; 2 suits sharp screens and slides",
                                                   scale, NULL);
  g_signal_connect_swapped (scale, "value-changed", G_CALLBACK (on_option_changed), self);

  _moped_export_destination_init (self, &self->diagram_file, group, "Save As", FALSE);
  _moped_export_destination_init (self, &self->diagram_folder, group, "Folder", TRUE);
  _moped_export_outcome_init (self, &self->diagram_outcome, content, "_Open");
  return widget;
}

/* A name chosen in the file chooser says the format ("x.png"); without a known
 * extension it gets the chosen format's. */
static void
follow_chosen_name (MopedExportDialog *self)
{
  MopedExportDestination *destination = &self->diagram_file;
  g_autofree char *basename = NULL;
  MopedRenderFormat format;

  if (!destination->chosen || destination->file == NULL || selected_what (self) == WHAT_ALL)
    return;
  basename = g_file_get_basename (destination->file);
  if (moped_render_format_from_path (basename, &format))
    for (guint i = 0; i < self->diagram_formats->len; i++)
      if (g_array_index (self->diagram_formats, MopedRenderFormat, i) == format)
        {
          gtk_drop_down_set_selected (self->diagram_format, i);
          return;
        }
  _moped_export_destination_append_extension (destination,
                                              moped_render_format_get_extension (selected_format (self)));
}

static void
diagrams_changed (MopedExportDialog     *self,
                  const MopedExportPage *page)
{
  follow_chosen_name (self);
  _moped_export_destination_update (diagrams_destination (self, NULL));
}

static gboolean
diagrams_can_run (MopedExportDialog     *self,
                  const MopedExportPage *page)
{
  return diagrams_destination (self, NULL)->file != NULL;
}

/* ---- the work, on a worker thread ------------------------------------------------ */

typedef struct
{
  guint               what;
  char               *flow_id;
  MopedRenderFormat   format;
  MopedRenderOptions  options;
  char               *path;
  char               *description;  /* "the architecture", "the flow “Hello”" */
} DiagramJob;

static void
diagram_job_free (gpointer data)
{
  DiagramJob *job = data;

  g_free (job->flow_id);
  g_free (job->path);
  g_free (job->description);
  g_free (job);
}

static gboolean
render_to (MopedDesign               *design,
           MopedElement              *flow,
           MopedRenderFormat          format,
           const MopedRenderOptions  *options,
           const char                *path,
           GError                   **error)
{
  g_autoptr(GBytes) bytes = NULL;

  if (flow != NULL)
    bytes = moped_render_flow (design, flow, format, options->scale, error);
  else
    bytes = moped_render_architecture_with_options (design, format, options, error);
  return bytes != NULL && _moped_export_write_bytes (path, bytes, error);
}

static gpointer
diagrams_work (MopedDesign   *design,
               gpointer       input,
               GCancellable  *cancellable,
               GError       **error)
{
  DiagramJob *job = input;
  g_autoptr(GPtrArray) written = g_ptr_array_new_with_free_func (g_free);
  MopedElement *flow = NULL;

  /* Named as `moped render --all` names them, and written all or nothing as it does. */
  if (job->what == WHAT_ALL)
    return moped_render_all (design, job->path, job->format, &job->options, cancellable, error);
  if (job->flow_id != NULL && (flow = moped_design_lookup (design, job->flow_id)) == NULL)
    {
      g_set_error (error, MOPED_RENDER_ERROR, MOPED_RENDER_ERROR_NOT_FOUND, "The flow is no longer in the design");
      return NULL;
    }
  if (!render_to (design, flow, job->format, &job->options, job->path, error))
    return NULL;
  g_ptr_array_add (written, g_path_get_basename (job->path));
  return g_steal_pointer (&written);
}

static gboolean
diagrams_done (MopedExportDialog *self,
               gpointer           output,
               const GError      *error,
               gpointer           input)
{
  DiagramJob *job = input;
  g_autoptr(GPtrArray) written = output;
  g_autoptr(GFile) file = g_file_new_for_path (job->path);
  g_autoptr(GFile) folder = g_file_get_parent (file);
  g_autofree char *shown = _moped_export_display_path (file);
  g_autofree char *title = NULL;
  g_autofree char *detail = NULL;

  if (error != NULL)
    {
      title = g_strdup_printf ("Could Not Export %s", job->description);
      _moped_export_outcome_failure (&self->diagram_outcome, title, error->message);
      return FALSE;
    }
  _moped_export_dialog_remember_folder (self, folder);
  _moped_export_destination_update (diagrams_destination (self, NULL));
  if (job->what == WHAT_ALL)
    {
      title = g_strdup_printf ("Exported %u Diagrams", written->len);
      detail = g_strdup_printf ("In %s", shown);
      _moped_export_outcome_success (&self->diagram_outcome, title, detail, file);
      for (guint i = 0; i < written->len; i++)
        _moped_export_outcome_add_line (&self->diagram_outcome, g_ptr_array_index (written, i));
      return TRUE;
    }
  title = g_strdup_printf ("Exported %s", job->description);
  detail = g_strdup_printf ("Saved as %s", shown);
  _moped_export_outcome_success (&self->diagram_outcome, title, detail, file);
  return TRUE;
}

static void
diagrams_run (MopedExportDialog     *self,
              const MopedExportPage *page)
{
  DiagramJob *job = g_new0 (DiagramJob, 1);
  guint layout = gtk_drop_down_get_selected (self->diagram_layout);
  MopedElement *flow = selected_flow (self);

  job->what = selected_what (self);
  job->format = selected_format (self);
  moped_render_options_init (&job->options);
  if (layout < G_N_ELEMENTS (layouts))
    {
      job->options.engine = layouts[layout].engine;
      job->options.direction = layouts[layout].direction;
    }
  job->options.scale = gtk_spin_button_get_value (self->diagram_scale);
  job->path = _moped_export_destination_dup_path (diagrams_destination (self, NULL));
  if (flow != NULL)
    {
      job->flow_id = g_strdup (moped_element_get_id (flow));
      job->description = g_strdup_printf ("the Flow “%s”", moped_element_get_name (flow));
    }
  else
    job->description = g_strdup (job->what == WHAT_ALL ? "the Diagrams" : "the Architecture");
  if (job->path == NULL)
    {
      _moped_export_outcome_failure (&self->diagram_outcome, "Nowhere to Export To",
                                     "Choose a place on this computer's disks.");
      diagram_job_free (job);
      return;
    }
  _moped_export_outcome_clear (&self->diagram_outcome);
  _moped_export_dialog_start (self, MOPED_EXPORT_TARGET_DIAGRAMS, TRUE, diagrams_work, diagrams_done,
                              job, diagram_job_free, (GDestroyNotify) g_ptr_array_unref);
}

static MopedExportOutcome *
diagrams_outcome (MopedExportDialog     *self,
                  const MopedExportPage *page)
{
  return &self->diagram_outcome;
}

const MopedExportPage _moped_export_diagrams_page = {
  MOPED_EXPORT_TARGET_DIAGRAMS,
  "Diagrams",
  diagrams_build,
  diagrams_refresh,
  diagrams_changed,
  diagrams_can_run,
  diagrams_run,
  diagrams_destination,
  diagrams_outcome,
  NULL,
};
