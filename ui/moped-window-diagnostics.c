/* moped-window-diagnostics.c: the list of problems beside the canvas; activating one shows its element.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-ui"

#include "config.h"

#include "moped-diagnostic.h"
#include "moped-window-private.h"

/* Enough to work through; past this the list says how many more there are. */
#define MAX_ROWS 400

static const char *
severity_icon (MopedSeverity severity)
{
  switch (severity)
    {
    case MOPED_SEVERITY_ERROR:
      return "dialog-error-symbolic";
    case MOPED_SEVERITY_WARNING:
      return "dialog-warning-symbolic";
    case MOPED_SEVERITY_INFO:
    default:
      return "dialog-information-symbolic";
    }
}

static const char *
severity_label (MopedSeverity severity)
{
  switch (severity)
    {
    case MOPED_SEVERITY_ERROR:
      return "Error";
    case MOPED_SEVERITY_WARNING:
      return "Warning";
    case MOPED_SEVERITY_INFO:
    default:
      return "Note";
    }
}

static GtkWidget *
create_label (const char *text,
              const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static GtkWidget *
create_row (const MopedDiagnostic *diagnostic)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *icon = g_object_new (GTK_TYPE_IMAGE,
                                  "icon-name", severity_icon (diagnostic->severity),
                                  "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                  NULL);
  const char *id = diagnostic->element_ids != NULL ? diagnostic->element_ids[0] : NULL;
  g_autofree char *accessible = NULL;

  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_widget_add_css_class (icon, moped_severity_get_name (diagnostic->severity));
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (text), create_label (diagnostic->message, NULL));
  if (diagnostic->hint != NULL && diagnostic->hint[0] != '\0')
    gtk_box_append (GTK_BOX (text), create_label (diagnostic->hint, "dim-label"));
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (box), text);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_add_css_class (row, "moped-problem");
  gtk_widget_set_tooltip_text (row, diagnostic->code);

  accessible = g_strdup_printf ("%s: %s", severity_label (diagnostic->severity), diagnostic->message);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, diagnostic->hint,
                                  -1);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), id != NULL && id[0] != '\0');
  g_object_set_data_full (G_OBJECT (row), "moped-element-id", g_strdup (id), g_free);
  return row;
}

static char *
dup_summary (GPtrArray *diagnostics)
{
  guint errors = moped_diagnostics_count (diagnostics, MOPED_SEVERITY_ERROR);
  guint warnings = moped_diagnostics_count (diagnostics, MOPED_SEVERITY_WARNING);
  guint infos = moped_diagnostics_count (diagnostics, MOPED_SEVERITY_INFO);
  g_autoptr(GString) summary = g_string_new (NULL);

  if (errors > 0)
    g_string_append_printf (summary, "%u error%s", errors, errors == 1 ? "" : "s");
  if (warnings > 0)
    g_string_append_printf (summary, "%s%u warning%s", summary->len > 0 ? " · " : "",
                            warnings, warnings == 1 ? "" : "s");
  if (infos > 0)
    g_string_append_printf (summary, "%s%u note%s", summary->len > 0 ? " · " : "",
                            infos, infos == 1 ? "" : "s");
  return g_string_free (g_steal_pointer (&summary), FALSE);
}

void
_moped_window_show_diagnostics (MopedWindow *self)
{
  GtkListBoxRow *row;
  g_autofree char *summary = NULL;
  guint n = self->diagnostics != NULL ? self->diagnostics->len : 0;

  while ((row = gtk_list_box_get_row_at_index (self->diagnostics_list, 0)) != NULL)
    gtk_list_box_remove (self->diagnostics_list, GTK_WIDGET (row));

  for (guint i = 0; i < MIN (n, MAX_ROWS); i++)
    gtk_list_box_append (self->diagnostics_list, create_row (g_ptr_array_index (self->diagnostics, i)));
  if (n > MAX_ROWS)
    {
      g_autofree char *more = g_strdup_printf ("And %u more problems", n - MAX_ROWS);
      GtkWidget *label = create_label (more, "dim-label");

      gtk_widget_set_margin_top (label, 6);
      gtk_widget_set_margin_bottom (label, 6);
      gtk_widget_set_margin_start (label, 12);
      gtk_list_box_append (self->diagnostics_list, label);
      gtk_list_box_row_set_activatable (gtk_list_box_get_row_at_index (self->diagnostics_list, MAX_ROWS), FALSE);
    }

  summary = n > 0 ? dup_summary (self->diagnostics) : g_strdup ("");
  gtk_label_set_label (self->problems_summary, summary);
}

void
_moped_window_on_diagnostic_activated (MopedWindow   *self,
                                       GtkListBoxRow *row)
{
  const char *id = g_object_get_data (G_OBJECT (row), "moped-element-id");

  if (id != NULL)
    _moped_window_reveal (self, id);
}

void
_moped_window_init_diagnostics (MopedWindow *self)
{
  GtkWidget *placeholder = adw_status_page_new ();

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (placeholder), "emblem-ok-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (placeholder), "No problems found");
  gtk_widget_add_css_class (placeholder, "compact");
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_add_css_class (placeholder, "moped-small-status");
  gtk_list_box_set_placeholder (self->diagnostics_list, placeholder);
}
