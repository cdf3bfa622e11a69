/* bench-window.c — how long does the window's main loop stall during a check?
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not a test: build-aux/bench-window.sh runs it under Xvfb against Knot DNS
 * behind a relay that delays every answer. It pastes the seed rejection into
 * a real window and measures, with a 1 ms main-loop probe, the longest gap
 * between two probe runs (a main-loop iteration that blocked the window),
 * until the check run has finished.
 *
 * Usage: bench-window RESOLVER[:PORT]
 */

#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "md-application.h"
#include "md-case-view.h"
#include "md-util.h"
#include "md-window.h"

static const char seed_rejection[] =
  "<someone@contoso.com>: host css-one-microsoft-com.mail.protection.outlook.com[40.93.207.0] said: 550\n"
  "    5.7.511 Access denied, banned sender[203.0.113.7]. To request removal from this\n"
  "    list please forward this message to delist@messaging.microsoft.com. For more\n"
  "    information please go to http://go.microsoft.com/fwlink/?LinkId=526653. AS(1410)\n"
  "    [CB1PEPF0000205E.namprd00.prod.outlook.com] (in reply to RCPT TO command)\n";

typedef struct
{
  gint64   last;
  gint64   longest;
  gint64   start;
  gboolean measuring;
} Probe;

/* Runs every millisecond when the loop is free: a long gap between two runs
 * is an iteration that kept the loop busy. */
static gboolean
probe_cb (gpointer user_data)
{
  Probe *probe = user_data;
  gint64 now = g_get_monotonic_time ();

  if (probe->measuring && probe->last != 0 && now - probe->last > probe->longest)
    probe->longest = now - probe->last;
  /* The long ones, for who looks for their cause (stderr). */
  if (probe->measuring && probe->last != 0 && now - probe->last > 20 * 1000)
    g_printerr ("bench-window: iteration of %" G_GINT64_FORMAT " ms, ending %" G_GINT64_FORMAT
                " ms after the paste\n", (now - probe->last) / 1000, (now - probe->start) / 1000);
  probe->last = now;

  return G_SOURCE_CONTINUE;
}

static MdWindow *
active_window (MdApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  return MD_IS_WINDOW (window) ? MD_WINDOW (window) : NULL;
}

static MdCheckRun *
current_run (MdWindow *window)
{
  MdCaseSession *session = md_case_view_get_session (md_window_get_case_view (window));

  return session != NULL ? md_case_session_get_check_run (session) : NULL;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(MdApplication) app = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db_dir = NULL;
  g_autofree char *db = NULL;
  const char *servers[2] = { NULL, NULL };
  Probe probe = { 0, 0, 0, FALSE };
  MdWindow *window;
  MdCheckRun *run;
  GListModel *checks;
  gint64 start;
  gint64 deadline;
  guint n_error = 0;

  setlocale (LC_ALL, "");
  if (argc != 2)
    {
      g_printerr ("usage: bench-window RESOLVER[:PORT]\n");
      return 2;
    }

  md_core_init ();
  if (!gtk_init_check ())
    {
      g_printerr ("bench-window: no display\n");
      return 2;
    }

  db_dir = g_dir_make_tmp ("maildoctor-bench-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (db_dir, "cases.db", NULL);
  g_setenv ("MAILDOCTOR_CASES", db, TRUE);

  settings = g_settings_new (BASE_ID);
  servers[0] = argv[1];
  g_settings_set_boolean (settings, "web-checks", FALSE);
  g_settings_set_string (settings, "resolver-mode", "custom");
  g_settings_set_strv (settings, "resolver-servers", servers);
  g_settings_set_string (settings, "sender-email", "postmaster@sender.example.net");

  app = md_application_new (APP_ID, G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("%s", error->message);
  g_application_activate (G_APPLICATION (app));
  while ((window = active_window (app)) == NULL || !gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);

  g_timeout_add_full (G_PRIORITY_HIGH, 1, probe_cb, &probe, NULL);
  for (guint i = 0; i < 200; i++)
    g_main_context_iteration (NULL, TRUE);

  /* From the paste to the end of the run. */
  probe.measuring = TRUE;
  start = g_get_monotonic_time ();
  probe.start = start;
  deadline = start + 120 * G_USEC_PER_SEC;
  md_window_load_text (window, seed_rejection);
  while (((run = current_run (window)) == NULL || !md_check_run_is_finished (run)) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  probe.measuring = FALSE;

  if (run == NULL || !md_check_run_is_finished (run))
    {
      g_printerr ("bench-window: the check run did not finish in 120 s\n");
      return 1;
    }

  checks = md_case_session_get_checks (md_case_view_get_session (md_window_get_case_view (window)));
  for (guint i = 0; i < g_list_model_get_n_items (checks); i++)
    {
      g_autoptr(MdCheck) check = g_list_model_get_item (checks, i);

      if (md_check_get_status (check) == MD_CHECK_STATUS_ERROR)
        n_error++;
    }

  /* One line for the script: run time, longest iteration, checks, errors. */
  g_print ("%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %u %u\n",
           (g_get_monotonic_time () - start) / 1000, probe.longest / 1000,
           g_list_model_get_n_items (checks), n_error);

  gtk_window_destroy (GTK_WINDOW (window));
  for (guint i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  {
    g_autoptr(GDir) dir = g_dir_open (db_dir, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *path = g_build_filename (db_dir, name, NULL);
        g_unlink (path);
      }
    g_rmdir (db_dir);
  }

  return 0;
}
