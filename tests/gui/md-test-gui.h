/* md-test-gui.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* GUI tests need a display; the test command starts Xvfb. Without one the
 * test is skipped, unless MD_REQUIRE_DISPLAY is set (the test command sets
 * it), then it fails: a GUI suite that silently skips tests nothing. */
gboolean md_test_gui_init            (int          *argc,
                                      char       ***argv);
/* Runs the main loop until @condition returns TRUE or @timeout_ms passes. */
gboolean md_test_gui_wait            (gboolean   (*condition) (gpointer data),
                                      gpointer     data,
                                      guint        timeout_ms);
/* Lets the frame clock draw a few frames. */
void     md_test_gui_settle          (guint        ms);
/* Renders @widget into MD_BUILD_ROOT/snapshots/@name.png and returns the path. */
char    *md_test_gui_snapshot        (GtkWidget   *widget,
                                      const char  *name);
/* The first descendant of @root (depth first) of @type whose accessible or
 * label text is @text; NULL when there is none. */
GtkWidget *md_test_gui_find_label    (GtkWidget   *root,
                                      const char  *text);
/* The first descendant of @root (depth first) of @type, or NULL. */
GtkWidget *md_test_gui_find_type     (GtkWidget   *root,
                                      GType        type);
/* Every descendant of @root (and @root) of @type, depth first; not owned. */
GPtrArray *md_test_gui_find_all      (GtkWidget   *root,
                                      GType        type);
/* The UI language the test runs in: "de" or "en" (from LANGUAGE). */
const char *md_test_gui_language     (void);
/* @english or @german, as the test's language is. */
const char *md_test_gui_expect       (const char  *english,
                                      const char  *german);

G_END_DECLS
