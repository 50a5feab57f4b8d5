/* moped-test-util.h: helpers the test programs share: building small designs with the edit API.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * GLib and the model only, so model tests need no GTK; the GTK helpers are in
 * moped-test-gtk.h.
 */
#pragma once

#include <glib.h>

#include "moped-design.h"
#include "moped-socket-type.h"

G_BEGIN_DECLS

MopedElement *moped_test_add_named       (MopedDesign     *design,
                                          MopedElement    *parent,
                                          MopedKind        kind,
                                          const char      *id,
                                          const char      *name);
MopedElement *moped_test_add_node        (MopedDesign     *design,
                                          const char      *name);
MopedElement *moped_test_add_node_at     (MopedDesign     *design,
                                          const char      *name,
                                          double           x,
                                          double           y);
MopedElement *moped_test_add_socket      (MopedDesign     *design,
                                          MopedElement    *node,
                                          const char      *name,
                                          MopedSocketType  type,
                                          MopedSocketMode  mode);
MopedElement *moped_test_add_socket_full (MopedDesign     *design,
                                          MopedElement    *node,
                                          const char      *id,
                                          const char      *name,
                                          MopedSocketType  type,
                                          MopedSocketMode  mode);
MopedElement *moped_test_add_link        (MopedDesign     *design,
                                          MopedElement    *from,
                                          MopedElement    *to,
                                          const char      *endpoint);
MopedElement *moped_test_add_link_full   (MopedDesign     *design,
                                          const char      *id,
                                          MopedElement    *from,
                                          MopedElement    *to,
                                          const char      *endpoint);
/* The role of @protocol named after node @party, made on first use (id
 * "PROTOCOL-ID.NODE-ID"), so that link ends of that node infer it; a role is itself. */
MopedElement *moped_test_role_for        (MopedDesign     *design,
                                          MopedElement    *protocol,
                                          MopedElement    *party);
MopedElement *moped_test_add_command     (MopedDesign     *design,
                                          MopedElement    *protocol,
                                          const char      *id,
                                          const char      *name,
                                          MopedElement    *sender);
MopedElement *moped_test_add_step        (MopedDesign     *design,
                                          MopedElement    *flow,
                                          const char      *id,
                                          MopedElement    *from,
                                          MopedElement    *to,
                                          MopedElement    *command);
/* Removes @path and everything under it; symlinks are removed, never followed, and
 * folders a test made read-only are made writable first. */
void          moped_test_remove_tree     (const char      *path);
guint         moped_test_count           (MopedDesign     *design,
                                          MopedKind        kind);
/* Asserts that @a and @b are the same tree: kind, id, every property (as text), which
 * end of each link binds, and the children in order. */
void          moped_test_assert_same_tree (MopedElement   *a,
                                           MopedElement   *b);

G_END_DECLS
