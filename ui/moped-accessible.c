/* moped-accessible.c: what assistive technology hears, where GTK 4.8 gets it wrong by itself.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * GTK 4.8's GtkButton names a button with text twice: its accessible label property
 * holds the raw text ("_Open") and its labelled-by relation points at the label child
 * ("Open"); AT-SPI joins both. Every button is put right when it is realized, and again
 * whenever its text changes.
 */
#define G_LOG_DOMAIN "moped-ui"

#include "config.h"

#include "moped-accessible.h"

static void
name_button (GtkButton *button)
{
  const char *text = gtk_button_get_label (button);
  g_autoptr(GString) name = NULL;

  if (text == NULL || gtk_button_get_icon_name (button) != NULL)
    return;
  /* Leave a name that the code chose on purpose. */
  if (g_object_get_data (G_OBJECT (button), "moped-accessible-label") != NULL)
    {
      gtk_accessible_reset_relation (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
      return;
    }
  name = g_string_new (NULL);
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '_' && gtk_button_get_use_underline (button))
        {
          if (p[1] != '_')
            continue;
          p++;
        }
      g_string_append_c (name, *p);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name->str, -1);
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
}

static void
label_changed_cb (GtkButton  *button,
                  GParamSpec *pspec,
                  gpointer    data)
{
  name_button (button);
}

static void
watch_button (GtkButton *button)
{
  if (g_object_get_data (G_OBJECT (button), "moped-button-named") == NULL)
    {
      g_object_set_data (G_OBJECT (button), "moped-button-named", GINT_TO_POINTER (1));
      g_signal_connect (button, "notify::label", G_CALLBACK (label_changed_cb), NULL);
      g_signal_connect (button, "notify::use-underline", G_CALLBACK (label_changed_cb), NULL);
    }
  name_button (button);
}

static gboolean
realize_hook (GSignalInvocationHint *hint,
              guint                  n_values,
              const GValue          *values,
              gpointer               data)
{
  GObject *object = g_value_get_object (&values[0]);

  if (GTK_IS_BUTTON (object))
    watch_button (GTK_BUTTON (object));
  return TRUE;
}

void
moped_accessible_install_button_names (void)
{
  static gsize installed = 0;

  if (g_once_init_enter (&installed))
    {
      gpointer klass = g_type_class_ref (GTK_TYPE_WIDGET);  /* its signals exist from here on */
      guint signal_id = g_signal_lookup ("realize", GTK_TYPE_WIDGET);

      g_type_class_unref (klass);
      g_signal_add_emission_hook (signal_id, 0, realize_hook, NULL, NULL);
      g_once_init_leave (&installed, 1);
    }
}

void
moped_accessible_name_buttons (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  if (GTK_IS_BUTTON (root))
    watch_button (GTK_BUTTON (root));
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    moped_accessible_name_buttons (child);
}
