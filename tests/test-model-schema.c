/* test-model-schema.c: data/moped.rng and the schema table say the same, and saved files validate.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "moped-design.h"
#include "moped-file.h"
#include "moped-schema.h"

static const char *
schema_path (void)
{
  const char *path = g_getenv ("MOPED_SCHEMA");

  g_assert_nonnull (path);
  return path;
}

/* Run xmllint on @data; returns its exit status and leaves its complaints in @output. */
static int
xmllint_validate (const char *data,
                  char      **output)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp ("moped-schema-XXXXXX.moped", &path, &error);
  const char *argv[] = { "xmllint", "--noout", "--relaxng", schema_path (), NULL, NULL };
  int status = -1;

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, data, -1, &error));
  close (fd);
  argv[4] = path;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                               NULL, NULL, NULL, output, &status, &error));
  g_assert_no_error (error);
  g_unlink (path);
  return WEXITSTATUS (status);
}

static void
set_non_default (MopedDesign  *design,
                 MopedElement *element,
                 GHashTable   *by_kind)
{
  const MopedKindSpec *ks = moped_schema_get_kind (moped_element_get_kind (element));

  for (guint i = 0; i < ks->n_props; i++)
    {
      const MopedPropSpec *spec = &ks->props[i];

      switch (spec->type)
        {
        case MOPED_VALUE_STRING:
          moped_design_set_string (design, element, spec->prop, "x <&> \"y\"\nz");
          break;
        case MOPED_VALUE_INT:
          moped_design_set_int (design, element, spec->prop, 7);
          break;
        case MOPED_VALUE_DOUBLE:
          moped_design_set_double (design, element, spec->prop, 12.25);
          break;
        case MOPED_VALUE_BOOL:
          moped_design_set_bool (design, element, spec->prop, TRUE);
          break;
        case MOPED_VALUE_ENUM:
          moped_design_set_enum (design, element, spec->prop, 1);
          break;
        case MOPED_VALUE_REF:
          for (guint k = 0; k < MOPED_N_KINDS; k++)
            if ((spec->ref_kinds & (1u << k)) && g_hash_table_contains (by_kind, GUINT_TO_POINTER (k)))
              {
                moped_design_set_ref (design, element, spec->prop,
                                      g_hash_table_lookup (by_kind, GUINT_TO_POINTER (k)));
                break;
              }
          break;
        default:
          g_assert_not_reached ();
        }
    }
}

/* One element of every kind, every property away from its default. */
static MopedDesign *
make_everything (void)
{
  MopedDesign *design = moped_design_new ();
  g_autoptr(GHashTable) by_kind = g_hash_table_new (NULL, NULL);
  MopedElement *root = moped_design_get_root (design);
  MopedElement *node = moped_design_add (design, root, MOPED_KIND_NODE, -1, NULL);
  MopedElement *proto = moped_design_add (design, root, MOPED_KIND_PROTOCOL, -1, NULL);
  MopedElement *cmd = moped_design_add (design, proto, MOPED_KIND_COMMAND, -1, NULL);
  MopedElement *flow = moped_design_add (design, proto, MOPED_KIND_FLOW, -1, NULL);
  MopedElement *elements[MOPED_N_KINDS] = {
    [MOPED_KIND_DESIGN] = root, [MOPED_KIND_NODE] = node, [MOPED_KIND_PROTOCOL] = proto,
    [MOPED_KIND_COMMAND] = cmd, [MOPED_KIND_FLOW] = flow,
  };

  elements[MOPED_KIND_SOCKET] = moped_design_add (design, node, MOPED_KIND_SOCKET, -1, NULL);
  elements[MOPED_KIND_ROLE] = moped_design_add (design, proto, MOPED_KIND_ROLE, -1, NULL);
  elements[MOPED_KIND_METHOD] = moped_design_add (design, node, MOPED_KIND_METHOD, -1, NULL);
  elements[MOPED_KIND_LINK] = moped_design_add (design, root, MOPED_KIND_LINK, -1, NULL);
  elements[MOPED_KIND_FIELD] = moped_design_add (design, cmd, MOPED_KIND_FIELD, -1, NULL);
  elements[MOPED_KIND_STEP] = moped_design_add (design, flow, MOPED_KIND_STEP, -1, NULL);
  elements[MOPED_KIND_REQUIREMENT] = moped_design_add (design, root, MOPED_KIND_REQUIREMENT, -1, NULL);
  elements[MOPED_KIND_NOTE] = moped_design_add (design, root, MOPED_KIND_NOTE, -1, NULL);
  elements[MOPED_KIND_PARAM] = moped_design_add (design, elements[MOPED_KIND_METHOD], MOPED_KIND_PARAM, -1, NULL);
  elements[MOPED_KIND_PROCESS] = moped_design_add (design, root, MOPED_KIND_PROCESS, -1, NULL);
  elements[MOPED_KIND_HOST] = moped_design_add (design, root, MOPED_KIND_HOST, -1, NULL);
  for (guint k = 0; k < MOPED_N_KINDS; k++)
    g_hash_table_insert (by_kind, GUINT_TO_POINTER (k), elements[k]);
  for (guint k = 0; k < MOPED_N_KINDS; k++)
    set_non_default (design, elements[k], by_kind);
  return design;
}

static void
test_everything_validates (void)
{
  g_autoptr(MopedDesign) design = make_everything ();
  g_autofree char *data = moped_file_to_data (design, NULL);
  g_autofree char *output = NULL;

  /* Every element and attribute the writer can produce is in the schema. */
  for (guint k = 0; k < MOPED_N_KINDS; k++)
    {
      const MopedKindSpec *ks = moped_schema_get_kind ((MopedKind) k);
      g_autofree char *tag = g_strdup_printf ("<%s ", ks->element_name);

      g_assert_nonnull (strstr (data, tag));
    }
  if (xmllint_validate (data, &output) != 0)
    g_error ("a saved design does not validate against %s:\n%s\n%s", schema_path (), output, data);
}

static void
test_schema_is_strict (void)
{
  g_autoptr(MopedDesign) design = make_everything ();
  g_autofree char *data = moped_file_to_data (design, NULL);
  g_autofree char *unknown_attr = NULL;
  g_autofree char *unknown_enum = NULL;
  g_autofree char *output = NULL;
  g_auto(GStrv) parts = NULL;

  /* An attribute the table does not know must not validate. */
  parts = g_strsplit (data, "<node ", 2);
  unknown_attr = g_strconcat (parts[0], "<node colour=\"red\" ", parts[1], NULL);
  g_assert_cmpint (xmllint_validate (unknown_attr, &output), !=, 0);
  g_clear_pointer (&output, g_free);

  /* Nor may an enum take a value the table does not list. */
  {
    GRegex *regex = g_regex_new ("type=\"PUB\"", 0, 0, NULL);

    unknown_enum = g_regex_replace_literal (regex, data, -1, 0, "type=\"PUBLISHER\"", 0, NULL);
    g_regex_unref (regex);
  }
  g_assert_cmpstr (unknown_enum, !=, data);
  g_assert_cmpint (xmllint_validate (unknown_enum, &output), !=, 0);
}

static void
test_rng_names_match_table (void)
{
  g_autofree char *rng = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GRegex) attr_re = g_regex_new ("<attribute name=\"([a-z-]+)\"", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  g_assert_true (g_file_get_contents (schema_path (), &rng, NULL, &error));
  for (guint k = 0; k < MOPED_N_KINDS; k++)
    {
      const MopedKindSpec *ks = moped_schema_get_kind ((MopedKind) k);
      g_autofree char *decl = g_strdup_printf ("<element name=\"%s\"", ks->element_name);

      g_assert_nonnull (strstr (rng, decl));
      for (guint i = 0; i < ks->n_props; i++)
        g_hash_table_add (attributes, (gpointer) moped_schema_get_prop_name (ks->props[i].prop));
    }
  g_hash_table_add (attributes, (gpointer) "id");
  g_hash_table_add (attributes, (gpointer) "format");

  /* Every attribute the schema declares is one the table knows. */
  g_regex_match (attr_re, rng, 0, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *name = g_match_info_fetch (match, 1);

      if (!g_hash_table_contains (attributes, name))
        g_error ("data/moped.rng declares attribute “%s”, which the schema table does not have", name);
      g_match_info_next (match, NULL);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/schema/everything-validates", test_everything_validates);
  g_test_add_func ("/schema/schema-is-strict", test_schema_is_strict);
  g_test_add_func ("/schema/rng-names-match-table", test_rng_names_match_table);
  return g_test_run ();
}
