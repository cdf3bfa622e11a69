/* test-scan-page.c — "Open Mail Log…": the report page in a real window
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include <adwaita.h>

#include "md-application.h"
#include "md-case-view.h"
#include "md-scan-chart.h"
#include "md-scan-page.h"
#include "md-test-gui.h"
#include "md-window.h"

static MdApplication *app;

static const char *
expect (const char *english,
        const char *german)
{
  return g_str_equal (md_test_gui_language (), "de") ? german : english;
}

static gboolean
window_mapped_cb (gpointer data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  return window != NULL && gtk_widget_get_mapped (GTK_WIDGET (window));
}

static gboolean
report_shown_cb (gpointer data)
{
  return md_scan_page_get_report (data) != NULL;
}

static GListModel *
fixture_files (void)
{
  const char *names[][2] = {
    { "rotated", "mail.log" }, { "rotated", "mail.log.1" }, { "rotated", "mail.log.2.gz" },
    { ".", "postfix-iso.log" }, { ".", "exim-mainlog" }, { ".", "opensmtpd.log" },
  };
  GListStore *files = g_list_store_new (G_TYPE_FILE);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (g_getenv ("MD_TESTS_SRCDIR"), "data", "logs",
                                                names[i][0], names[i][1], NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_list_store_append (files, file);
    }
  return G_LIST_MODEL (files);
}

static void
test_scan_page_report (void)
{
  g_autoptr(GListModel) files = fixture_files ();
  g_autofree char *name = NULL;
  g_autofree char *png = NULL;
  g_autofree char *summary = NULL;
  GtkWindow *window;
  MdScanPage *page;
  MdLogScanReport *report;
  GtkWidget *chart, *view;
  GListModel *rows;

  g_application_activate (G_APPLICATION (app));
  g_assert_true (md_test_gui_wait (window_mapped_cb, NULL, 5000));
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  gtk_window_set_default_size (window, 900, 760);

  page = md_window_get_scan_page (MD_WINDOW (window));
  /* No report to go back to before a log was opened. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-log-report", NULL);
  md_test_gui_settle (100);
  g_assert_false (gtk_widget_is_drawable (GTK_WIDGET (page)));
  md_window_scan_logs (MD_WINDOW (window), files);
  g_assert_true (md_test_gui_wait (report_shown_cb, page, 10000));
  md_test_gui_settle (300);

  report = md_scan_page_get_report (page);
  /* rotated 10 + postfix-iso 8 + exim 5 + opensmtpd 3 */
  g_assert_cmpuint (report->rejections, ==, 26);
  g_assert_true (gtk_widget_is_drawable (GTK_WIDGET (page)));
  g_assert_nonnull (md_test_gui_find_label (GTK_WIDGET (window),
                                            expect ("26 Rejections", "26 Ablehnungen")));

  view = md_test_gui_find_type (GTK_WIDGET (page), GTK_TYPE_COLUMN_VIEW);
  rows = G_LIST_MODEL (gtk_column_view_get_model (GTK_COLUMN_VIEW (view)));
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, report->groups->len);

  chart = md_test_gui_find_type (GTK_WIDGET (page), MD_TYPE_SCAN_CHART);
  g_assert_nonnull (chart);
  g_assert_cmpint (gtk_widget_get_height (chart), >, 150);
  summary = md_scan_chart_dup_summary (MD_SCAN_CHART (chart));
  /* Month names follow LC_TIME, which is C in the tests; the rest is translated. */
  g_assert_nonnull (strstr (summary, expect ("Rejections per day from 27 Nov to 1 Dec",
                                             "Ablehnungen pro Tag vom 27. Nov bis 1. Dec")));
  g_assert_nonnull (strstr (summary, "Microsoft: 15."));
  g_assert_nonnull (strstr (summary, expect ("Unknown: 2.", "Unbekannt: 2.")));

  name = g_strdup_printf ("scan-page-%s", md_test_gui_language ());
  png = md_test_gui_snapshot (GTK_WIDGET (window), name);
  g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));
}

/* Narrow: the page still fits at 360 px. */
static void
test_scan_page_narrow (void)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_autofree char *name = NULL;
  g_autofree char *png = NULL;
  MdScanPage *page = md_window_get_scan_page (MD_WINDOW (window));
  GtkWidget *chart = md_test_gui_find_type (GTK_WIDGET (page), MD_TYPE_SCAN_CHART);

  gtk_window_set_default_size (window, 360, 720);
  md_test_gui_settle (500);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, 400);
  g_assert_cmpint (gtk_widget_get_width (chart), <=, 360);
  g_assert_true (gtk_widget_is_drawable (chart));

  name = g_strdup_printf ("scan-page-narrow-%s", md_test_gui_language ());
  png = md_test_gui_snapshot (GTK_WIDGET (window), name);
  g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));
}

static gboolean
found_in_logs_cb (gpointer data)
{
  g_autoptr(GPtrArray) events = md_case_session_list_events (data, NULL);

  for (guint i = 0; events != NULL && i < events->len; i++)
    {
      const MdCaseEvent *event = g_ptr_array_index (events, i);

      if (g_strcmp0 (event->detail, expect ("13 rejections for 6 recipients since 28 Nov",
                                            "13 Ablehnungen für 6 Empfänger seit 28. Nov")) == 0 &&
          event->kind == MD_CASE_EVENT_FOUND_IN_LOGS)
        return TRUE;
    }

  return FALSE;
}

static gboolean
case_shown_cb (gpointer data)
{
  MdCaseView *view = md_window_get_case_view (data);

  return md_case_view_get_session (view) != NULL && gtk_widget_get_mapped (GTK_WIDGET (view));
}

/* The dark style: the chart's colours and text come from the style. */
static void
test_scan_page_dark (void)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  AdwStyleManager *style = adw_style_manager_get_default ();
  g_autofree char *name = NULL;
  g_autofree char *png = NULL;

  gtk_window_set_default_size (window, 900, 760);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  md_test_gui_settle (500);
  g_assert_true (adw_style_manager_get_dark (style));

  name = g_strdup_printf ("scan-page-dark-%s", md_test_gui_language ());
  png = md_test_gui_snapshot (GTK_WIDGET (window), name);
  g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  md_test_gui_settle (200);
}

/* Activating the first group (the most rejections) opens a case from its
 * sample, with the group's counts in the timeline. */
static void
test_scan_page_open_case (void)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  MdScanPage *page = md_window_get_scan_page (MD_WINDOW (window));
  GtkWidget *view = md_test_gui_find_type (GTK_WIDGET (page), GTK_TYPE_COLUMN_VIEW);
  MdCaseSession *session;
  const MdRejection *rejection;

  g_signal_emit_by_name (view, "activate", 0);
  g_assert_true (md_test_gui_wait (case_shown_cb, window, 10000));

  session = md_case_view_get_session (md_window_get_case_view (MD_WINDOW (window)));
  rejection = md_case_session_get_rejection (session, md_case_session_get_primary_index (session));
  g_assert_cmpstr (rejection->enhanced_status, ==, "5.7.511");
  g_assert_cmpstr (rejection->blocked_ip, ==, "203.0.113.7");

  /* The timeline says where it came from (written on the store's writer
   * thread: the test waits for it to land). */
  g_assert_true (md_test_gui_wait (found_in_logs_cb, session, 5000));

  /* Back to the report: it is still there, the case is left. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-log-report", NULL));
  md_test_gui_settle (200);
  g_assert_true (gtk_widget_is_drawable (GTK_WIDGET (page)));
  g_assert_nonnull (md_scan_page_get_report (page));
  g_assert_null (md_case_view_get_session (md_window_get_case_view (MD_WINDOW (window))));
}

static gboolean cancel_clicked;

static void
fraction_notify_cb (GtkProgressBar *bar,
                    GParamSpec     *pspec,
                    GtkWidget      *button)
{
  /* The first progress report arrives on the main loop while the thread
   * reads on: Cancel is pressed mid-scan. */
  if (!cancel_clicked && gtk_progress_bar_get_fraction (bar) > 0)
    {
      cancel_clicked = TRUE;
      g_assert_true (gtk_widget_is_drawable (GTK_WIDGET (bar)));
      g_assert_true (gtk_widget_is_drawable (button));
      g_signal_emit_by_name (button, "clicked");
    }
}

static gboolean
cancelled_shown_cb (gpointer data)
{
  GtkWidget *label = md_test_gui_find_label (data, expect ("Scan Cancelled",
                                                           "Einlesen abgebrochen"));

  return label != NULL && gtk_widget_is_drawable (label);
}

static void
test_scan_page_cancel (void)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  MdScanPage *page = md_window_get_scan_page (MD_WINDOW (window));
  g_autofree char *source = g_build_filename (g_getenv ("MD_TESTS_SRCDIR"), "data", "logs",
                                              "postfix-iso.log", NULL);
  g_autofree char *dir = g_dir_make_tmp ("md-scan-cancel-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "mail.log", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GString) data = g_string_new (NULL);
  g_autoptr(GListStore) files = g_list_store_new (G_TYPE_FILE);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GtkWidget *bar, *button;
  gulong handler;

  g_assert_true (g_file_get_contents (source, &text, NULL, NULL));
  while (data->len < 64 * 1024 * 1024)
    g_string_append (data, text);
  g_assert_true (g_file_set_contents (path, data->str, (gssize) data->len, NULL));
  g_list_store_append (files, file);

  bar = md_test_gui_find_type (GTK_WIDGET (page), GTK_TYPE_PROGRESS_BAR);
  button = md_test_gui_find_label (GTK_WIDGET (page), expect ("_Cancel", "_Abbrechen"));
  g_assert_nonnull (bar);
  g_assert_nonnull (button);
  handler = g_signal_connect (bar, "notify::fraction", G_CALLBACK (fraction_notify_cb), button);

  md_window_scan_logs (MD_WINDOW (window), G_LIST_MODEL (files));
  g_assert_null (md_scan_page_get_report (page));
  g_assert_true (md_test_gui_wait (cancelled_shown_cb, page, 20000));
  g_assert_true (cancel_clicked);
  g_assert_null (md_scan_page_get_report (page));
  g_signal_handler_disconnect (bar, handler);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_scan_group_describe (void)
{
  MdLogScanGroup group = { 0, };
  g_autofree char *text = NULL;
  gint64 first;

  g_assert_true (md_log_scan_parse_date ("2026-11-12T08:00:00", FALSE, &first));
  group.count = 1204;
  group.recipients = 37;
  group.first_seen = first;
  text = md_scan_group_describe (&group);
  /* The tests run in C.UTF-8: no thousands separator. */
  g_assert_cmpstr (text, ==, expect ("1204 rejections for 37 recipients since 12 Nov",
                                     "1204 Ablehnungen für 37 Empfänger seit 12. Nov"));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *tmpdir = NULL;
  g_autofree char *db = NULL;
  const char *servers[] = { "127.0.0.1:9", NULL };
  int ret;

  if (!md_test_gui_init (&argc, &argv))
    return g_test_run ();

  /* A case store of its own; the checks a new case starts stay on loopback
   * (a closed port: they end as "could not decide"), nothing goes to the web. */
  tmpdir = g_dir_make_tmp ("maildoctor-scan-page-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (tmpdir, "cases.db", NULL);
  g_setenv ("MAILDOCTOR_CASES", db, TRUE);
  settings = g_settings_new (BASE_ID);
  g_settings_set_boolean (settings, "web-checks", FALSE);
  g_settings_set_string (settings, "resolver-mode", "custom");
  g_settings_set_strv (settings, "resolver-servers", servers);

  app = md_application_new (APP_ID, G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  g_test_add_func ("/MailDoctor/ScanPage/report", test_scan_page_report);
  g_test_add_func ("/MailDoctor/ScanPage/narrow", test_scan_page_narrow);
  g_test_add_func ("/MailDoctor/ScanPage/dark", test_scan_page_dark);
  g_test_add_func ("/MailDoctor/ScanPage/open-case", test_scan_page_open_case);
  g_test_add_func ("/MailDoctor/ScanPage/cancel", test_scan_page_cancel);
  g_test_add_func ("/MailDoctor/ScanPage/group-describe", test_scan_group_describe);

  ret = g_test_run ();

  g_clear_object (&app);

  return ret;
}
