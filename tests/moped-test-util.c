/* moped-test-util.c: building small designs for tests, one element a call, through the edit API.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#include <glib/gstdio.h>

#include "moped-schema.h"
#include "moped-test-util.h"

/* Under @parent (the root when NULL), with @id (a fresh one when NULL) and, unless NULL, @name. */
MopedElement *
moped_test_add_named (MopedDesign  *design,
                      MopedElement *parent,
                      MopedKind     kind,
                      const char   *id,
                      const char   *name)
{
  MopedElement *e = moped_design_add (design, parent ? parent : moped_design_get_root (design),
                                      kind, -1, id);

  g_assert_nonnull (e);
  if (name != NULL)
    moped_design_set_string (design, e, MOPED_PROP_NAME, name);
  return e;
}

MopedElement *
moped_test_add_node (MopedDesign *design,
                     const char  *name)
{
  return moped_test_add_named (design, NULL, MOPED_KIND_NODE, NULL, name);
}

MopedElement *
moped_test_add_node_at (MopedDesign *design,
                        const char  *name,
                        double       x,
                        double       y)
{
  MopedElement *node = moped_test_add_node (design, name);

  moped_design_set_double (design, node, MOPED_PROP_X, x);
  moped_design_set_double (design, node, MOPED_PROP_Y, y);
  return node;
}

MopedElement *
moped_test_add_socket_full (MopedDesign     *design,
                            MopedElement    *node,
                            const char      *id,
                            const char      *name,
                            MopedSocketType  type,
                            MopedSocketMode  mode)
{
  MopedElement *socket = moped_test_add_named (design, node, MOPED_KIND_SOCKET, id, name);

  moped_design_set_enum (design, socket, MOPED_PROP_TYPE, type);
  moped_design_set_enum (design, socket, MOPED_PROP_MODE, mode);
  return socket;
}

MopedElement *
moped_test_add_socket (MopedDesign     *design,
                       MopedElement    *node,
                       const char      *name,
                       MopedSocketType  type,
                       MopedSocketMode  mode)
{
  return moped_test_add_socket_full (design, node, NULL, name, type, mode);
}

MopedElement *
moped_test_add_link_full (MopedDesign  *design,
                          const char   *id,
                          MopedElement *from,
                          MopedElement *to,
                          const char   *endpoint)
{
  MopedElement *link = moped_test_add_named (design, NULL, MOPED_KIND_LINK, id, NULL);

  moped_design_set_ref (design, link, MOPED_PROP_FROM, from);
  moped_design_set_ref (design, link, MOPED_PROP_TO, to);
  moped_design_set_string (design, link, MOPED_PROP_ENDPOINT, endpoint);
  return link;
}

MopedElement *
moped_test_add_link (MopedDesign  *design,
                     MopedElement *from,
                     MopedElement *to,
                     const char   *endpoint)
{
  return moped_test_add_link_full (design, NULL, from, to, endpoint);
}

MopedElement *
moped_test_role_for (MopedDesign  *design,
                     MopedElement *protocol,
                     MopedElement *party)
{
  g_autofree char *id = NULL;
  MopedElement *role;

  if (party == NULL || moped_element_get_kind (party) == MOPED_KIND_ROLE)
    return party;
  id = g_strconcat (moped_element_get_id (protocol), ".", moped_element_get_id (party), NULL);
  role = moped_design_lookup (design, id);
  if (role == NULL)
    role = moped_test_add_named (design, protocol, MOPED_KIND_ROLE, id, moped_element_get_name (party));
  return role;
}

MopedElement *
moped_test_add_command (MopedDesign  *design,
                        MopedElement *protocol,
                        const char   *id,
                        const char   *name,
                        MopedElement *sender)
{
  MopedElement *command = moped_test_add_named (design, protocol, MOPED_KIND_COMMAND, id, name);

  moped_design_set_ref (design, command, MOPED_PROP_SENDER, moped_test_role_for (design, protocol, sender));
  return command;
}

MopedElement *
moped_test_add_step (MopedDesign  *design,
                     MopedElement *flow,
                     const char   *id,
                     MopedElement *from,
                     MopedElement *to,
                     MopedElement *command)
{
  MopedElement *step = moped_test_add_named (design, flow, MOPED_KIND_STEP, id, NULL);

  moped_design_set_ref (design, step, MOPED_PROP_FROM, from);
  moped_design_set_ref (design, step, MOPED_PROP_TO, to);
  moped_design_set_ref (design, step, MOPED_PROP_COMMAND, command);
  return step;
}

guint
moped_test_count (MopedDesign *design,
                  MopedKind    kind)
{
  g_autoptr(GPtrArray) all = moped_design_collect (design, kind);

  return all->len;
}

void
moped_test_remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      g_chmod (path, 0700);
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          moped_test_remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

void
moped_test_assert_same_tree (MopedElement *a,
                             MopedElement *b)
{
  const MopedKindSpec *ks = moped_schema_get_kind (moped_element_get_kind (a));

  g_assert_cmpint (moped_element_get_kind (a), ==, moped_element_get_kind (b));
  g_assert_cmpstr (moped_element_get_id (a), ==, moped_element_get_id (b));
  for (guint i = 0; i < ks->n_props; i++)
    {
      g_autofree char *va = moped_element_dup_value_text (a, ks->props[i].prop);
      g_autofree char *vb = moped_element_dup_value_text (b, ks->props[i].prop);

      g_assert_cmpstr (va, ==, vb);
    }
  if (moped_element_get_kind (a) == MOPED_KIND_LINK)
    for (guint end = 0; end < 2; end++)
      {
        MopedProp prop = end ? MOPED_PROP_TO : MOPED_PROP_FROM;
        MopedElement *sa = moped_element_get_ref (a, prop);
        MopedElement *sb = moped_element_get_ref (b, prop);

        g_assert_cmpint (moped_link_end_binds (a, sa), ==, moped_link_end_binds (b, sb));
      }
  g_assert_cmpuint (moped_element_get_n_children (a), ==, moped_element_get_n_children (b));
  for (guint i = 0; i < moped_element_get_n_children (a); i++)
    moped_test_assert_same_tree (moped_element_get_child (a, i), moped_element_get_child (b, i));
}
