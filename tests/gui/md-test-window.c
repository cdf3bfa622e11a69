/* md-test-window.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "md-case-view.h"
#include "md-test-gui.h"
#include "md-test-window.h"

const char md_test_window_seed_rejection[] =
  "<someone@contoso.com>: host css-one-microsoft-com.mail.protection.outlook.com[40.93.207.0] said: 550\n"
  "    5.7.511 Access denied, banned sender[203.0.113.7]. To request removal from this\n"
  "    list please forward this message to delist@messaging.microsoft.com. For more\n"
  "    information please go to http://go.microsoft.com/fwlink/?LinkId=526653. AS(1410)\n"
  "    [CB1PEPF0000205E.namprd00.prod.outlook.com] (in reply to RCPT TO command)\n";

void
md_test_window_fixture_init (MdTestWindowFixture *fixture,
                             const char          *template)
{
  g_autoptr(GError) error = NULL;

  fixture->tmpdir = g_dir_make_tmp (template, &error);
  g_assert_no_error (error);
  fixture->db = g_build_filename (fixture->tmpdir, "cases.db", NULL);
  g_setenv ("MAILDOCTOR_CASES", fixture->db, TRUE);
}

GSettings *
md_test_window_fixture_use_knot (MdTestWindowFixture *fixture,
                                 const char * const  *zone_files)
{
  g_autoptr(GError) error = NULL;
  GSettings *settings;
  const char *servers[2] = { NULL, NULL };

  fixture->knot = md_test_knot_new (zone_files, &error);
  g_assert_no_error (error);

  settings = g_settings_new (BASE_ID);
  servers[0] = md_test_knot_get_address (fixture->knot);
  /* Everything the checks ask goes to knotd; nothing to the web. */
  g_settings_set_boolean (settings, "web-checks", FALSE);
  g_settings_set_string (settings, "resolver-mode", "custom");
  g_settings_set_strv (settings, "resolver-servers", servers);
  g_settings_set_string (settings, "sender-name", "Jana Beispiel");
  g_settings_set_string (settings, "sender-organisation", "Beispiel Hosting GmbH");
  g_settings_set_string (settings, "sender-email", "postmaster@sender.example.net");
  g_settings_set_string (settings, "sender-website", "https://sender.example.net");

  return settings;
}

void
md_test_window_fixture_start_app (MdTestWindowFixture *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->app = md_application_new (APP_ID, G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (fixture->app), NULL, &error));
  g_assert_no_error (error);
}

void
md_test_window_fixture_clear (MdTestWindowFixture *fixture)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (fixture->app != NULL)
    {
      GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (fixture->app));

      if (window != NULL)
        gtk_window_destroy (window);
    }
  g_clear_object (&fixture->app);
  g_clear_pointer (&fixture->knot, md_test_knot_free);

  /* The database, its WAL and SHM, and what was moved aside. */
  dir = g_dir_open (fixture->tmpdir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->tmpdir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (fixture->tmpdir);
  g_clear_pointer (&fixture->tmpdir, g_free);
  g_clear_pointer (&fixture->db, g_free);
}

MdWindow *
md_test_window_get_active (MdApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  return MD_IS_WINDOW (window) ? MD_WINDOW (window) : NULL;
}

static gboolean
window_mapped_cb (gpointer data)
{
  MdWindow *window = md_test_window_get_active (data);

  return window != NULL && gtk_widget_get_mapped (GTK_WIDGET (window));
}

MdWindow *
md_test_window_open (MdApplication *app)
{
  g_application_activate (G_APPLICATION (app));
  g_assert_true (md_test_gui_wait (window_mapped_cb, app, 5000));
  md_test_gui_settle (200);

  return md_test_window_get_active (app);
}

MdWindow *
md_test_window_ensure (MdApplication *app)
{
  MdWindow *window = md_test_window_get_active (app);

  return window != NULL ? window : md_test_window_open (app);
}

gboolean
md_test_window_session_shown_cb (gpointer window)
{
  MdCaseView *view = md_window_get_case_view (window);
  GtkWidget *stack = gtk_widget_get_ancestor (GTK_WIDGET (view), GTK_TYPE_STACK);

  return md_case_view_get_session (view) != NULL && gtk_widget_get_mapped (GTK_WIDGET (view)) &&
         gtk_stack_get_visible_child (GTK_STACK (stack)) == GTK_WIDGET (view) &&
         !gtk_stack_get_transition_running (GTK_STACK (stack));
}

gboolean
md_test_window_checks_finished_cb (gpointer window)
{
  MdCaseView *view = md_window_get_case_view (window);
  MdCaseSession *session = md_case_view_get_session (view);
  MdCheckRun *run = session ? md_case_session_get_check_run (session) : NULL;

  return run != NULL && md_check_run_is_finished (run);
}

static void
collect_toasts (GtkWidget *root,
                GPtrArray *found)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (g_str_equal (G_OBJECT_TYPE_NAME (child), "AdwToastWidget"))
        g_ptr_array_add (found, g_object_ref (child));
      else
        collect_toasts (child, found);
    }
}

char *
md_test_window_snapshot (GtkWidget  *widget,
                         const char *name)
{
  g_autofree char *full = g_strdup_printf ("%s-%s", name, md_test_gui_language ());
  g_autoptr(GPtrArray) toasts = g_ptr_array_new_with_free_func (g_object_unref);
  char *png;

  collect_toasts (widget, toasts);
  for (guint i = 0; i < toasts->len; i++)
    gtk_widget_set_opacity (g_ptr_array_index (toasts, i), 0);
  md_test_gui_settle (300);
  png = md_test_gui_snapshot (widget, full);
  for (guint i = 0; i < toasts->len; i++)
    gtk_widget_set_opacity (g_ptr_array_index (toasts, i), 1);
  g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));

  return png;
}
