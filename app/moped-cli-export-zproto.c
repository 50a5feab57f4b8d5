/* moped-cli-export-zproto.c: the zproto target of `moped export`: one codec model (<class>.xml) per protocol.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "moped-cli.h"
#include "moped-diagnostic.h"
#include "moped-export-c.h"
#include "moped-staging.h"
#include "moped-zproto.h"

/* What writing @model into @dir would do; @problem says why not when it is refused. */
static MopedExportAction
plan_model (const MopedZprotoModel  *model,
            const char              *path,
            gboolean                 force,
            char                   **problem)
{
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return MOPED_EXPORT_CREATE;
  if (g_str_equal (contents, model->xml))
    return MOPED_EXPORT_UNCHANGED;
  if (!force)
    switch (moped_zproto_file_state (contents))
      {
      case MOPED_ZPROTO_FILE_FOREIGN:
        *problem = g_strdup_printf ("%s was not written by Moped: it would be lost "
                                    "(--force overwrites it)", path);
        break;
      case MOPED_ZPROTO_FILE_EDITED:
        *problem = g_strdup_printf ("%s was edited by hand since the last export: the edits "
                                    "would be lost (--force overwrites it)", path);
        break;
      case MOPED_ZPROTO_FILE_PRISTINE:
      default:
        break;
      }
  return MOPED_EXPORT_REWRITE;
}

static int
refuse (const char *design_path,
        GPtrArray  *problems)
{
  for (guint i = 0; i < problems->len; i++)
    fprintf (stderr, "%s: error: %s\n", design_path, (const char *) g_ptr_array_index (problems, i));
  fprintf (stderr, "moped export: nothing was written\n");
  return MOPED_EXIT_DESIGN_ERRORS;
}

/* A row of `moped export`'s table of targets: writes DIR/<class>.xml for each protocol
 * of a loaded design, reports on stderr what zproto could not take as it is, and never
 * overwrites a model edited by hand or a file Moped did not write unless @force. */
int
moped_cli_export_zproto (MopedDesign *design,
                         const char  *design_path,
                         const char  *output,
                         gboolean     force,
                         gboolean     dry_run)
{
  g_autoptr(GPtrArray) diagnostics = moped_validate (design);
  g_autoptr(GPtrArray) models = moped_zproto_export (design);
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(MopedStaging) staging = NULL;
  g_autoptr(GArray) actions = g_array_new (FALSE, FALSE, sizeof (MopedExportAction));
  guint n_errors = moped_diagnostics_count (diagnostics, MOPED_SEVERITY_ERROR);
  guint n_written = 0;

  if (n_errors > 0)
    g_ptr_array_add (problems, g_strdup_printf ("the design has %u error%s (moped check lists them)",
                                                n_errors, n_errors == 1 ? "" : "s"));
  if (models->len == 0)
    g_ptr_array_add (problems, g_strdup ("the design has no protocol to export"));
  for (guint i = 0; i < models->len; i++)
    {
      MopedZprotoModel *model = g_ptr_array_index (models, i);
      g_autofree char *path = g_build_filename (output, model->file_name, NULL);
      char *problem = NULL;
      MopedExportAction action = plan_model (model, path, force, &problem);

      g_array_append_val (actions, action);
      if (problem != NULL)
        g_ptr_array_add (problems, problem);
      for (guint w = 0; w < model->warnings->len; w++)
        fprintf (stderr, "%s: warning: %s: %s\n", design_path, model->file_name,
                 (const char *) g_ptr_array_index (model->warnings, w));
    }
  if (problems->len > 0)
    return refuse (design_path, problems);

  /* All or nothing: the models go into a staging folder and into place together. */
  if (!dry_run)
    {
      g_autoptr(GError) error = NULL;

      staging = moped_staging_new (output, &error);
      if (staging == NULL)
        {
          fprintf (stderr, "moped export: %s\n", error->message);
          return MOPED_EXIT_DESIGN_ERRORS;
        }
    }
  for (guint i = 0; i < models->len; i++)
    {
      MopedZprotoModel *model = g_ptr_array_index (models, i);
      MopedExportAction action = g_array_index (actions, MopedExportAction, i);
      g_autoptr(GError) error = NULL;

      if (action == MOPED_EXPORT_UNCHANGED)
        continue;
      if (!dry_run && !moped_staging_write (staging, model->file_name, model->xml, strlen (model->xml), &error))
        {
          fprintf (stderr, "moped export: %s\n", error->message);
          return MOPED_EXIT_DESIGN_ERRORS;
        }
      n_written++;
    }
  if (!dry_run)
    {
      g_autoptr(GError) error = NULL;

      if (!moped_staging_commit (staging, &error))
        {
          fprintf (stderr, "moped export: %s\n", error->message);
          return MOPED_EXIT_DESIGN_ERRORS;
        }
    }
  for (guint i = 0; i < models->len; i++)
    printf ("%-9s %s\n", moped_export_action_get_name (g_array_index (actions, MopedExportAction, i)),
            ((MopedZprotoModel *) g_ptr_array_index (models, i))->file_name);
  fflush (stdout);
  fprintf (stderr, "%s %u file%s in %s\n", dry_run ? "would write" : "wrote", n_written,
           n_written == 1 ? "" : "s", output);
  return MOPED_EXIT_OK;
}
