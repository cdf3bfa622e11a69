/* md-test-window.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "md-application.h"
#include "md-test-knot.h"
#include "md-window.h"

G_BEGIN_DECLS

/* What the tests of the real window share (test-flow, test-case-panels):
 * the app against a Knot DNS of the test's own, a case database in a
 * temporary directory, the sender profile, and waiting for the window. */

/* DESIGN.md's example, wrapped between "550" and "5.7.511" as Postfix does.
 * The bounce names no sender, so no sending domain. */
extern const char md_test_window_seed_rejection[];

typedef struct
{
  MdTestKnot    *knot;
  char          *tmpdir;
  char          *db;       /* tmpdir/cases.db: MAILDOCTOR_CASES */
  MdApplication *app;
} MdTestWindowFixture;

/* A temporary directory from @template for the case database. */
void       md_test_window_fixture_init      (MdTestWindowFixture *fixture,
                                             const char          *template);
/* knotd serving @zone_files, the window's only resolver; no web checks; the
 * tests' sender (Jana Beispiel, Beispiel Hosting GmbH). Returns the app's
 * settings for what a test sets besides. */
GSettings *md_test_window_fixture_use_knot  (MdTestWindowFixture *fixture,
                                             const char * const  *zone_files);
/* The app, registered (after the settings: it reads them when it starts). */
void       md_test_window_fixture_start_app (MdTestWindowFixture *fixture);
/* Closes the window, stops knotd, removes the directory and what is in it. */
void       md_test_window_fixture_clear     (MdTestWindowFixture *fixture);

MdWindow  *md_test_window_get_active        (MdApplication       *app);
/* Activates the app and waits until its window is mapped. */
MdWindow  *md_test_window_open              (MdApplication       *app);
/* The window, opened on first use (so each test can run alone with -p). */
MdWindow  *md_test_window_ensure            (MdApplication       *app);

/* Conditions for md_test_gui_wait() on an MdWindow: the case view shows a
 * case and its page is in place; the shown case's check run has finished. */
gboolean   md_test_window_session_shown_cb  (gpointer             window);
gboolean   md_test_window_checks_finished_cb (gpointer            window);

/* md_test_gui_snapshot() of @widget as @name-LANGUAGE, with the toasts
 * hidden (the damaged-database notice stays until closed): the window, not
 * a toast over it. Asserts that the file is there; returns its path. */
char      *md_test_window_snapshot          (GtkWidget           *widget,
                                             const char          *name);

G_END_DECLS
