/* moped-template.h: the text of generated files, kept as template files under data/templates/.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Templates are compiled into the program (a GResource, so export/ needs nothing
 * installed) and filled by one small rule set:
 *
 * - `{{name}}` inside a line is replaced by the value of name, as it is.
 * - A line holding nothing but indentation and `{{name}}` is a block: every line of
 *   the value is put there with that indentation (empty lines stay empty), and an
 *   empty value removes the line.
 * - Every placeholder must have a value and every value a placeholder; a name is
 *   lower-case letters, digits and '_'. Any other `{{` is an error, so a template
 *   cannot silently keep a misspelt placeholder.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MOPED_TEMPLATE_ERROR (moped_template_error_quark ())

typedef enum
{
  MOPED_TEMPLATE_ERROR_SYNTAX,      /* a {{ that does not start a placeholder */
  MOPED_TEMPLATE_ERROR_UNKNOWN,     /* a placeholder without a value */
  MOPED_TEMPLATE_ERROR_UNUSED,      /* a value without a placeholder */
  MOPED_TEMPLATE_ERROR_NOT_FOUND,   /* no template of that name */
} MopedTemplateError;

GQuark      moped_template_error_quark (void);

/* The text of the template @name ("c/wire.c"), or NULL with @error set. */
GBytes     *moped_template_lookup      (const char  *name,
                                        GError     **error);
/* @text with its placeholders replaced by @values (name -> text), or NULL with
 * @error set saying what is wrong on which line. */
char       *moped_template_expand      (const char  *text,
                                        GHashTable  *values,
                                        GError     **error);
/* The template @name filled from NULL-terminated name, value pairs. The templates
 * are part of the program: a missing one or a placeholder mismatch is a bug and
 * aborts with the reason (every template is expanded by the tests). */
char       *moped_template_render      (const char  *name,
                                        ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
