/* moped-export-dialog-document.c: the export dialog's Protocol Document page: Markdown or HTML, all or one protocol.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-ui"

#include "config.h"

#include "moped-doc.h"
#include "moped-export-dialog-private.h"

enum {
  FORMAT_MARKDOWN,
  FORMAT_HTML,
};

static const char * const format_labels[] = { "Markdown", "HTML", NULL };
static const char * const format_extensions[] = { "md", "html" };

static MopedExportDestination *
document_destination (MopedExportDialog     *self,
                      const MopedExportPage *page)
{
  return &self->doc_file;
}

static guint
selected_format (MopedExportDialog *self)
{
  return gtk_drop_down_get_selected (self->doc_format) == FORMAT_HTML ? FORMAT_HTML : FORMAT_MARKDOWN;
}

static MopedElement *
selected_protocol (MopedExportDialog *self)
{
  guint index = gtk_drop_down_get_selected (self->doc_protocol);

  if (index == 0 || index == GTK_INVALID_LIST_POSITION || self->protocol_ids == NULL ||
      index - 1 >= self->protocol_ids->len)
    return NULL;
  return moped_design_lookup (self->design, g_ptr_array_index (self->protocol_ids, index - 1));
}

static void
propose (MopedExportDialog *self)
{
  g_autoptr(GFile) folder = _moped_export_dialog_default_folder (self);
  g_autofree char *base = _moped_export_dialog_base_name (self);
  g_autofree char *name = NULL;
  MopedElement *protocol = selected_protocol (self);
  const char *extension = format_extensions[selected_format (self)];

  if (self->doc_file.chosen)
    {
      _moped_export_destination_set_extension (&self->doc_file, extension);
      return;
    }
  if (protocol != NULL)
    {
      g_autofree char *slug = _moped_export_slug (moped_element_get_name (protocol));

      name = g_strdup_printf ("%s-%s.%s", base, *slug != '\0' ? slug : moped_element_get_id (protocol), extension);
    }
  else
    name = g_strdup_printf ("%s.%s", base, extension);
  _moped_export_destination_propose (&self->doc_file, folder, name);
}

static void
on_protocol_changed (MopedExportDialog *self)
{
  /* Another document gets its own name, in the folder chosen for the last one. */
  self->doc_file.chosen = FALSE;
  propose (self);
  _moped_export_outcome_clear (&self->doc_outcome);
}

static void
on_format_changed (MopedExportDialog *self)
{
  propose (self);
  _moped_export_outcome_clear (&self->doc_outcome);
}

static void
update_note (MopedExportDialog *self)
{
  g_autoptr(GPtrArray) errors = _moped_export_dialog_design_errors (self);
  g_autofree char *text = NULL;

  if (errors->len > 0)
    text = g_strdup_printf ("The design has %u error%s: the document lists %s in an appendix, and "
                            "its status stays “raw” until %s fixed.",
                            errors->len, errors->len == 1 ? "" : "s", errors->len == 1 ? "it" : "them",
                            errors->len == 1 ? "it is" : "they are");
  gtk_label_set_text (GTK_LABEL (self->doc_note), text != NULL ? text : "");
  gtk_widget_set_visible (self->doc_note, text != NULL);
}

static void
document_refresh (MopedExportDialog     *self,
                  const MopedExportPage *page)
{
  g_autoptr(GPtrArray) protocols = moped_design_collect (self->design, MOPED_KIND_PROTOCOL);
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  MopedElement *previous = selected_protocol (self);
  guint selected = 0;

  g_clear_pointer (&self->protocol_ids, g_ptr_array_unref);
  self->protocol_ids = g_ptr_array_new_with_free_func (g_free);
  gtk_string_list_append (labels, "Whole Design");
  for (guint i = 0; i < protocols->len; i++)
    {
      MopedElement *protocol = g_ptr_array_index (protocols, i);

      if (protocol == previous)
        selected = i + 1;
      gtk_string_list_append (labels, moped_element_get_name (protocol));
      g_ptr_array_add (self->protocol_ids, g_strdup (moped_element_get_id (protocol)));
    }
  g_signal_handlers_block_by_func (self->doc_protocol, on_protocol_changed, self);
  gtk_drop_down_set_model (self->doc_protocol, G_LIST_MODEL (labels));
  gtk_drop_down_set_selected (self->doc_protocol, selected);
  g_signal_handlers_unblock_by_func (self->doc_protocol, on_protocol_changed, self);
  propose (self);
  update_note (self);
  _moped_export_outcome_clear (&self->doc_outcome);
}

/* The writer goes by the name's extension: a chosen name sets the format, and one
 * without a known extension gets the format's. */
static void
follow_chosen_name (MopedExportDialog *self)
{
  g_autofree char *basename = NULL;

  if (!self->doc_file.chosen || self->doc_file.file == NULL)
    return;
  basename = g_file_get_basename (self->doc_file.file);
  if (g_str_has_suffix (basename, ".md") || g_str_has_suffix (basename, ".markdown"))
    gtk_drop_down_set_selected (self->doc_format, FORMAT_MARKDOWN);
  else if (g_str_has_suffix (basename, ".html") || g_str_has_suffix (basename, ".htm"))
    gtk_drop_down_set_selected (self->doc_format, FORMAT_HTML);
  else
    _moped_export_destination_append_extension (&self->doc_file, format_extensions[selected_format (self)]);
}

static void
document_changed (MopedExportDialog     *self,
                  const MopedExportPage *page)
{
  follow_chosen_name (self);
  _moped_export_destination_update (&self->doc_file);
}

static gboolean
document_can_run (MopedExportDialog     *self,
                  const MopedExportPage *page)
{
  return self->doc_file.file != NULL;
}

/* ---- the work, on a worker thread ---------------------------------------------------- */

typedef struct
{
  char *protocol_id;   /* NULL for the whole design */
  char *path;
} DocumentJob;

static void
document_job_free (gpointer data)
{
  DocumentJob *job = data;

  g_free (job->protocol_id);
  g_free (job->path);
  g_free (job);
}

static gpointer
document_work (MopedDesign   *design,
               gpointer       input,
               GCancellable  *cancellable,
               GError       **error)
{
  DocumentJob *job = input;
  MopedElement *protocol = NULL;
  g_autoptr(MopedDoc) doc = NULL;

  if (job->protocol_id != NULL && (protocol = moped_design_lookup (design, job->protocol_id)) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "The protocol is no longer in the design");
      return NULL;
    }
  doc = moped_doc_new (design, protocol);
  if (!moped_doc_write (doc, job->path, error))
    return NULL;
  return g_strdup (moped_doc_get_title (doc));
}

static gboolean
document_done (MopedExportDialog *self,
               gpointer           output,
               const GError      *error,
               gpointer           input)
{
  DocumentJob *job = input;
  g_autofree char *title = output;
  g_autoptr(GFile) file = g_file_new_for_path (job->path);
  g_autoptr(GFile) folder = g_file_get_parent (file);
  g_autofree char *shown = _moped_export_display_path (file);
  g_autofree char *detail = NULL;

  if (error != NULL)
    {
      _moped_export_outcome_failure (&self->doc_outcome, "Could Not Write the Document", error->message);
      return FALSE;
    }
  _moped_export_dialog_remember_folder (self, folder);
  _moped_export_destination_update (&self->doc_file);
  if (g_str_has_suffix (job->path, ".html"))
    detail = g_strdup_printf ("“%s” saved as %s, one page with its diagrams inside.", title, shown);
  else
    detail = g_strdup_printf ("“%s” saved as %s, its diagrams as SVG files beside it.", title, shown);
  _moped_export_outcome_success (&self->doc_outcome, "Wrote the Protocol Document", detail, file);
  return TRUE;
}

static void
document_run (MopedExportDialog     *self,
              const MopedExportPage *page)
{
  DocumentJob *job = g_new0 (DocumentJob, 1);
  MopedElement *protocol = selected_protocol (self);

  job->protocol_id = protocol != NULL ? g_strdup (moped_element_get_id (protocol)) : NULL;
  job->path = _moped_export_destination_dup_path (&self->doc_file);
  if (job->path == NULL)
    {
      _moped_export_outcome_failure (&self->doc_outcome, "Nowhere to Write To",
                                     "Choose a place on this computer's disks.");
      document_job_free (job);
      return;
    }
  _moped_export_outcome_clear (&self->doc_outcome);
  _moped_export_dialog_start (self, MOPED_EXPORT_TARGET_DOCUMENT, TRUE, document_work, document_done,
                              job, document_job_free, g_free);
}

static GtkWidget *
document_build (MopedExportDialog     *self,
                const MopedExportPage *page)
{
  GtkWidget *content;
  GtkWidget *widget = _moped_export_page_new ("Protocol Document",
    "A specification in the style of the ZeroMQ RFCs: the topology, the roles, every command with its "
    "frames, the flows as dialogs with their sequence diagrams, the ABNF grammar and the requirements.",
    &content);
  GtkWidget *group = _moped_export_group_new (content, NULL);

  self->doc_protocol = GTK_DROP_DOWN (gtk_drop_down_new (NULL, NULL));
  gtk_widget_set_size_request (GTK_WIDGET (self->doc_protocol), 240, -1);
  _moped_export_row_new (group, "Protocol", "The whole design, or one of its protocols alone",
                         GTK_WIDGET (self->doc_protocol), NULL);
  g_signal_connect_swapped (self->doc_protocol, "notify::selected", G_CALLBACK (on_protocol_changed), self);

  self->doc_format = GTK_DROP_DOWN (_moped_export_drop_down_new (format_labels));
  gtk_widget_set_size_request (GTK_WIDGET (self->doc_format), 240, -1);
  _moped_export_row_new (group, "Format", "Markdown with SVG diagrams beside it, or one HTML page",
                         GTK_WIDGET (self->doc_format), NULL);
  g_signal_connect_swapped (self->doc_format, "notify::selected", G_CALLBACK (on_format_changed), self);

  _moped_export_destination_init (self, &self->doc_file, group, "Save As", FALSE);

  self->doc_note = gtk_label_new ("");
  gtk_label_set_xalign (GTK_LABEL (self->doc_note), 0);
  gtk_label_set_wrap (GTK_LABEL (self->doc_note), TRUE);
  gtk_widget_add_css_class (self->doc_note, "dim-label");
  gtk_box_append (GTK_BOX (content), self->doc_note);

  _moped_export_outcome_init (self, &self->doc_outcome, content, "_Open");
  return widget;
}

static MopedExportOutcome *
document_outcome (MopedExportDialog     *self,
                  const MopedExportPage *page)
{
  return &self->doc_outcome;
}

const MopedExportPage _moped_export_document_page = {
  MOPED_EXPORT_TARGET_DOCUMENT,
  "Protocol Document",
  document_build,
  document_refresh,
  document_changed,
  document_can_run,
  document_run,
  document_destination,
  document_outcome,
  NULL,
};
