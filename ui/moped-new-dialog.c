/* moped-new-dialog.c: choosing how a new design starts: empty, or from one of the bundled examples.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-ui"

#include "config.h"

#include "moped-accessible.h"
#include "moped-diagnostic.h"
#include "moped-file.h"
#include "moped-new-dialog.h"
#include "moped-ui-private.h"

typedef struct
{
  char  *file_name;
  char  *name;
  char  *summary;
  guint  n_nodes;
  guint  n_links;
  guint  n_protocols;
  guint  n_elements;
  guint  n_errors;
  int    recent_rank;   /* place in the recent list, G_MAXINT when not there */
} Example;

struct _MopedNewDialog
{
  GtkWindow   parent_instance;

  char       *examples_dir;
  GPtrArray  *examples;

  GtkListBox *blank_list;
  GtkListBox *examples_list;
  GtkWidget  *examples_heading;
};

G_DEFINE_FINAL_TYPE (MopedNewDialog, moped_new_dialog, GTK_TYPE_WINDOW)

enum {
  CREATE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
example_free (Example *example)
{
  g_free (example->file_name);
  g_free (example->name);
  g_free (example->summary);
  g_free (example);
}

static guint
count_kind (MopedDesign *design,
            MopedKind    kind)
{
  g_autoptr(GPtrArray) elements = moped_design_collect (design, kind);

  return elements->len;
}

static guint
count_errors (MopedDesign *design)
{
  g_autoptr(GPtrArray) diagnostics = moped_validate (design);

  return moped_diagnostics_count (diagnostics, MOPED_SEVERITY_ERROR);
}

static Example *
read_example (const char         *dir,
              const char         *file_name,
              const char * const *recent)
{
  g_autofree char *path = g_build_filename (dir, file_name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MopedDesign) design = moped_file_load (path, &error);
  MopedElement *root;
  Example *example;

  if (design == NULL)
    {
      g_debug ("Skipping example %s: %s", path, error->message);
      return NULL;
    }
  root = moped_design_get_root (design);
  example = g_new0 (Example, 1);
  example->file_name = g_strdup (file_name);
  example->name = g_strdup (moped_element_get_name (root));
  example->summary = g_strdup (moped_element_get_string (root, MOPED_PROP_SUMMARY));
  example->n_nodes = count_kind (design, MOPED_KIND_NODE);
  example->n_links = count_kind (design, MOPED_KIND_LINK);
  example->n_protocols = count_kind (design, MOPED_KIND_PROTOCOL);
  example->n_elements = moped_design_get_n_elements (design);
  example->n_errors = count_errors (design);
  example->recent_rank = G_MAXINT;
  for (int i = 0; recent != NULL && recent[i] != NULL; i++)
    if (g_str_equal (recent[i], file_name))
      {
        example->recent_rank = i;
        break;
      }
  return example;
}

/* Recently used first; then from the simplest to the richest, a natural path; designs
 * with errors (there to show what the checks find) last. */
static int
compare_examples (gconstpointer a,
                  gconstpointer b)
{
  const Example *ea = *(Example * const *) a;
  const Example *eb = *(Example * const *) b;

  if ((ea->n_errors > 0) != (eb->n_errors > 0))
    return ea->n_errors > 0 ? 1 : -1;
  if (ea->recent_rank != eb->recent_rank)
    return ea->recent_rank < eb->recent_rank ? -1 : 1;
  if (ea->n_elements != eb->n_elements)
    return ea->n_elements < eb->n_elements ? -1 : 1;
  return g_strcmp0 (ea->file_name, eb->file_name);
}

static void
load_examples (MopedNewDialog     *self,
               const char * const *recent)
{
  g_autoptr(GDir) dir = g_dir_open (self->examples_dir, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      Example *example;

      if (g_str_has_suffix (name, ".moped") && (example = read_example (self->examples_dir, name, recent)) != NULL)
        g_ptr_array_add (self->examples, example);
    }
  g_ptr_array_sort (self->examples, compare_examples);
}

static char *
plural (guint       n,
        const char *one,
        const char *many)
{
  return g_strdup_printf ("%u %s", n, n == 1 ? one : many);
}

static GtkWidget *
create_row (const char *file_name,
            const char *title,
            const char *summary,
            const char *facts)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *label = gtk_label_new (title);

  gtk_widget_add_css_class (label, "heading");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_append (GTK_BOX (box), label);
  if (summary != NULL && summary[0] != '\0')
    {
      label = gtk_label_new (summary);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_lines (GTK_LABEL (label), 3);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 60);
      gtk_box_append (GTK_BOX (box), label);
    }
  if (facts != NULL)
    {
      label = gtk_label_new (facts);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "caption");
      gtk_box_append (GTK_BOX (box), label);
    }
  gtk_widget_add_css_class (box, "moped-choice");
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, summary,
                                  -1);
  g_object_set_data_full (G_OBJECT (row), "moped-file-name", g_strdup (file_name), g_free);
  return row;
}

static void
fill_lists (MopedNewDialog *self)
{
  GtkWidget *blank = create_row ("", "Empty Design", "An empty whiteboard to draw a new system on.", NULL);

  gtk_list_box_append (self->blank_list, blank);
  for (guint i = 0; i < self->examples->len; i++)
    {
      Example *example = g_ptr_array_index (self->examples, i);
      g_autofree char *nodes = plural (example->n_nodes, "node", "nodes");
      g_autofree char *links = plural (example->n_links, "link", "links");
      g_autofree char *protocols = plural (example->n_protocols, "protocol", "protocols");
      g_autofree char *errors = example->n_errors > 0 ? plural (example->n_errors, "error", "errors") : NULL;
      g_autofree char *facts = g_strdup_printf ("%s · %s · %s · %s%s%s", example->file_name, nodes, links, protocols,
                                                errors != NULL ? " · " : "", errors != NULL ? errors : "");

      gtk_list_box_append (self->examples_list,
                           create_row (example->file_name, example->name, example->summary, facts));
    }
  gtk_widget_set_visible (self->examples_heading, self->examples->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->examples_list), self->examples->len > 0);
  gtk_list_box_select_row (self->blank_list, GTK_LIST_BOX_ROW (blank));
}

static void
create (MopedNewDialog *self,
        const char     *file_name)
{
  g_autoptr(GFile) file = NULL;

  if (file_name[0] != '\0')
    file = g_file_new_build_filename (self->examples_dir, file_name, NULL);
  g_object_ref (self);
  g_signal_emit (self, signals[CREATE], 0, file);
  gtk_window_destroy (GTK_WINDOW (self));
  g_object_unref (self);
}

static void
on_row_activated (MopedNewDialog *self,
                  GtkListBoxRow  *row)
{
  create (self, g_object_get_data (G_OBJECT (row), "moped-file-name"));
}

/* Two lists, one choice. */
static void
on_row_selected (MopedNewDialog *self,
                 GtkListBoxRow  *row,
                 GtkListBox     *list)
{
  if (row == NULL)
    return;
  gtk_list_box_unselect_all (list == self->blank_list ? self->examples_list : self->blank_list);
}

static void
create_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  create (MOPED_NEW_DIALOG (widget), g_variant_get_string (parameter, NULL));
}

static void
create_selected_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  MopedNewDialog *self = MOPED_NEW_DIALOG (widget);
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->examples_list);

  if (row == NULL)
    row = gtk_list_box_get_selected_row (self->blank_list);
  create (self, row != NULL ? g_object_get_data (G_OBJECT (row), "moped-file-name") : "");
}

static void
moped_new_dialog_finalize (GObject *object)
{
  MopedNewDialog *self = MOPED_NEW_DIALOG (object);

  g_free (self->examples_dir);
  g_ptr_array_unref (self->examples);

  G_OBJECT_CLASS (moped_new_dialog_parent_class)->finalize (object);
}

static void
moped_new_dialog_class_init (MopedNewDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = moped_new_dialog_finalize;

  signals[CREATE] =
    g_signal_new ("create", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_FILE);

  _moped_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, "/org/moped/Moped/ui/moped-new-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, MopedNewDialog, blank_list);
  gtk_widget_class_bind_template_child (widget_class, MopedNewDialog, examples_list);
  gtk_widget_class_bind_template_child (widget_class, MopedNewDialog, examples_heading);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_row_selected);

  gtk_widget_class_install_action (widget_class, "dialog.create", "s", create_action);
  gtk_widget_class_install_action (widget_class, "dialog.create-selected", NULL, create_selected_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
moped_new_dialog_init (MopedNewDialog *self)
{
  self->examples = g_ptr_array_new_with_free_func ((GDestroyNotify) example_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  moped_accessible_name_buttons (GTK_WIDGET (self));
}

MopedNewDialog *
moped_new_dialog_new (GtkWindow          *parent,
                      const char         *examples_dir,
                      const char * const *recent)
{
  MopedNewDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (examples_dir != NULL, NULL);

  self = g_object_new (MOPED_TYPE_NEW_DIALOG, "transient-for", parent, NULL);
  self->examples_dir = g_strdup (examples_dir);
  load_examples (self, recent);
  fill_lists (self);
  return self;
}

guint
moped_new_dialog_get_n_examples (MopedNewDialog *self)
{
  g_return_val_if_fail (MOPED_IS_NEW_DIALOG (self), 0);

  return self->examples->len;
}
