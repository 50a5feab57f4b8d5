/* moped-design-copy.c: replacing a design's contents with another's, as one undoable edit.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Everything goes through the edit API and the schema table, so it copies every kind
 * and property the model has, now and later, and the history records it like any edit.
 */
#define G_LOG_DOMAIN "moped-model"

#include "moped-design-copy.h"
#include "moped-schema.h"

/* Properties in file text, references only when @refs (their targets must exist first). */
static void
copy_props (MopedDesign  *self,
            MopedElement *to,
            MopedElement *from,
            gboolean      refs)
{
  const MopedKindSpec *ks = moped_schema_get_kind (moped_element_get_kind (from));

  for (guint i = 0; i < ks->n_props; i++)
    {
      const MopedPropSpec *spec = &ks->props[i];
      g_autofree char *wanted = NULL;
      g_autofree char *current = NULL;
      g_autoptr(GError) error = NULL;

      if ((spec->type == MOPED_VALUE_REF) != refs)
        continue;
      wanted = moped_element_dup_value_text (from, spec->prop);
      current = moped_element_dup_value_text (to, spec->prop);
      if (g_strcmp0 (wanted, current) == 0)
        continue;
      if (!moped_design_set_from_text (self, to, spec->prop, wanted != NULL ? wanted : "", &error))
        g_warning ("Cannot copy %s of %s: %s", moped_schema_get_prop_name (spec->prop),
                   moped_element_get_id (from), error->message);
    }
}

static void
copy_children (MopedDesign  *self,
               MopedElement *to,
               MopedElement *from)
{
  for (guint i = 0; i < moped_element_get_n_children (from); i++)
    {
      MopedElement *child = moped_element_get_child (from, i);
      MopedElement *copy = moped_design_add (self, to, moped_element_get_kind (child), -1,
                                             moped_element_get_id (child));

      if (copy == NULL)
        continue;
      copy_props (self, copy, child, FALSE);
      copy_children (self, copy, child);
    }
}

static void
copy_refs (MopedDesign  *self,
           MopedElement *from)
{
  MopedElement *to = moped_design_lookup (self, moped_element_get_id (from));

  if (to != NULL)
    copy_props (self, to, from, TRUE);
  for (guint i = 0; i < moped_element_get_n_children (from); i++)
    copy_refs (self, moped_element_get_child (from, i));
}

void
moped_design_replace_contents (MopedDesign *self,
                               MopedDesign *source,
                               const char  *label)
{
  MopedElement *root;
  MopedElement *source_root;

  g_return_if_fail (MOPED_IS_DESIGN (self));
  g_return_if_fail (MOPED_IS_DESIGN (source));

  root = moped_design_get_root (self);
  source_root = moped_design_get_root (source);
  moped_design_begin (self, label != NULL ? label : "Replace");
  /* Removing an element may take others with it (a node's links): count again each time. */
  while (moped_element_get_n_children (root) > 0)
    moped_design_remove (self, moped_element_get_child (root, moped_element_get_n_children (root) - 1));
  copy_props (self, root, source_root, FALSE);
  copy_children (self, root, source_root);
  copy_refs (self, source_root);
  moped_design_end (self);
}
