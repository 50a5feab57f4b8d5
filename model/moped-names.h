/* moped-names.h: turning the names people type into C identifiers, the same way everywhere.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Validation uses this to find names that would collide in generated code; the
 * exporters use it to make those names. One function, so both always agree.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "Hello World!" -> "hello_world"; "été" -> "ete"; "int" -> "int_"; "3d" -> "n3d";
 * "" -> "unnamed"; "con" -> "con_" (identifiers become file names, see below).
 * Always a valid lowercase C identifier, at most 48 bytes. */
char     *moped_name_to_identifier  (const char *name);
/* TRUE if @word is a C keyword, a name reserved by the C library or czmq, or a
 * Windows device name (generated files are named after identifiers). */
gboolean  moped_name_is_reserved    (const char *word);

/* Whether @file_name (up to its first '.') is a device name Windows reserves: con, prn,
 * aux, nul, com1..com9, lpt1..lpt9, in any case and with any extension ("nul.xml").
 * Such a file cannot be checked out on Windows. */
gboolean  moped_name_is_windows_device (const char *file_name);
/* @name (ASCII: a slug or an identifier) at most @max bytes long (@max >= 16): a longer
 * one keeps its start and ends in '_' and 8 hex digits of a hash of the whole name, so
 * different long names stay different and the same name always gives the same result. */
char     *moped_name_bound          (const char *name,
                                     gsize       max);

/* Hands out identifiers unique within one scope: "foo", "foo_2", "foo_3"... */
typedef struct _MopedNameScope MopedNameScope;
MopedNameScope *moped_name_scope_new     (void);
void            moped_name_scope_free    (MopedNameScope *self);
/* The identifier for @name, unique in this scope (owned by the scope). */
const char     *moped_name_scope_add     (MopedNameScope *self,
                                          const char     *name);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MopedNameScope, moped_name_scope_free)

G_END_DECLS
