/* test-watch-page.c — the watch list page and Preferences → Watch, against Knot DNS
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The page lists every watched address, the listed one first, after
 * "Re-check Now"; the preferences page refuses a prefix bigger than a /24
 * inline and stores a good list. In English and German (LANGUAGE); the
 * snapshots are the screenshots in data/screenshots/.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "md-application.h"
#include "md-case-view.h"
#include "md-test-gui.h"
#include "md-test-knot.h"
#include "md-watch-page.h"
#include "md-watch-preferences-page.h"
#include "md-window.h"

static MdTestKnot *knot;
static char *tmpdir;
static GSubprocess *notifyd;

static const char *
expect (const char *english,
        const char *german)
{
  return g_str_equal (md_test_gui_language (), "de") ? german : english;
}

static char *
snapshot_name (const char *name)
{
  return g_strdup_printf ("%s-%s", name, md_test_gui_language ());
}

static void
round_finished_cb (MdWatch  *watch,
                   gboolean *done)
{
  *done = TRUE;
}

static gboolean
is_true_cb (gpointer data)
{
  return *(gboolean *) data;
}

static void
open_case_cb (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  *(gint64 *) user_data = g_variant_get_int64 (parameter);
}

static void
test_watch_page (void)
{
  g_autoptr(MdResolver) resolver = md_test_knot_new_resolver (knot);
  g_autofree char *path = g_build_filename (tmpdir, "cases.db", NULL);
  g_autoptr(MdCaseStore) store = NULL;
  g_autoptr(MdWatch) watch = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MdWatchItem) first = NULL;
  g_autofree char *name = NULL;
  g_autofree char *png = NULL;
  const char *entries[] = { "203.0.113.0/30", "203.0.113.7", NULL };
  GtkColumnView *view;
  GtkWindow *window;
  GtkWidget *page;
  g_autoptr(GSimpleActionGroup) app_actions = g_simple_action_group_new ();
  g_autoptr(GSimpleAction) open_case = g_simple_action_new ("open-case", G_VARIANT_TYPE_INT64);
  gboolean done = FALSE;
  gint64 opened = 0;
  GtkWidget *button;
  guint statements;

  store = md_case_store_new (path, &error);
  g_assert_no_error (error);
  watch = md_watch_new (MD_DNS_SOURCE (resolver), store);
  g_assert_true (md_watch_set_entries (watch, entries, &error));
  g_signal_connect (watch, "round-finished", G_CALLBACK (round_finished_cb), &done);

  page = md_watch_page_new ();
  md_watch_page_set_watch (MD_WATCH_PAGE (page), watch);
  window = GTK_WINDOW (gtk_window_new ());
  /* The application's action, as MdApplication has it. */
  g_signal_connect (open_case, "activate", G_CALLBACK (open_case_cb), &opened);
  g_action_map_add_action (G_ACTION_MAP (app_actions), G_ACTION (open_case));
  gtk_widget_insert_action_group (GTK_WIDGET (window), "app", G_ACTION_GROUP (app_actions));
  gtk_window_set_default_size (window, 900, 460);
  gtk_window_set_child (window, page);
  gtk_window_present (window);
  md_test_gui_settle (200);

  g_assert_nonnull (md_test_gui_find_label (page, expect ("Not checked yet",
                                                          "Noch nicht geprüft")));
  statements = md_case_store_get_main_statements (store);
  g_assert_true (gtk_widget_activate_action (page, "watch.recheck", NULL));
  g_assert_true (md_test_gui_wait (is_true_cb, &done, 60000));
  md_test_gui_settle (300);

  /* Problems first: the listed address heads the list. */
  view = GTK_COLUMN_VIEW (md_test_gui_find_type (page, GTK_TYPE_COLUMN_VIEW));
  g_assert_nonnull (view);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (view))),
                    ==, 5);
  first = g_list_model_get_item (G_LIST_MODEL (gtk_column_view_get_model (view)), 0);
  g_assert_cmpstr (md_watch_item_get_subject (first), ==, "203.0.113.7");
  g_assert_cmpuint (md_watch_item_get_n_listed (first), >=, 1);
  name = md_watch_item_dup_status (first);
  g_assert_true (g_str_has_prefix (name, expect ("Listed on ", "Gelistet auf ")));
  g_assert_nonnull (strstr (name, "Spamhaus ZEN"));

  g_assert_nonnull (md_test_gui_find_label (page, expect ("5 addresses, checked every 6 hours",
                                                          "5 Adressen, alle 6 Stunden geprüft")));

  {
    g_autofree char *png_name = snapshot_name ("watch");

    png = md_test_gui_snapshot (GTK_WIDGET (window), png_name);
  }
  g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));

  /* Its history, from the case store: on the list since this check. */
  {
    GtkWidget *history = md_test_gui_find_type (page, GTK_TYPE_MENU_BUTTON);
    GtkPopover *popover;
    const char *text;

    g_assert_nonnull (history);
    gtk_menu_button_popup (GTK_MENU_BUTTON (history));
    md_test_gui_settle (100);
    popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (history));
    g_assert_true (GTK_IS_LABEL (gtk_popover_get_child (popover)));
    text = gtk_label_get_text (GTK_LABEL (gtk_popover_get_child (popover)));
    g_assert_true (g_str_has_prefix (text, expect ("Spamhaus ZEN: listed since ",
                                                   "Spamhaus ZEN: gelistet seit ")) ||
                   g_str_has_prefix (text, expect ("SpamCop: listed since ",
                                                   "SpamCop: gelistet seit ")));
    g_assert_nonnull (strstr (text, "\n"));
    gtk_menu_button_popdown (GTK_MENU_BUTTON (history));
  }

  /* The round, the model and the history: all on the store's writer thread. */
  g_assert_cmpuint (md_case_store_get_main_statements (store), ==, statements);

  /* The new listing opened a case; its row opens it. */
  g_assert_cmpint (md_watch_item_get_case_id (first), >, 0);
  button = md_test_gui_find_label (page, expect ("Open Case", "Fall öffnen"));
  g_assert_nonnull (button);
  while (button != NULL && !GTK_IS_BUTTON (button))
    button = gtk_widget_get_parent (button);
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  g_assert_cmpint (opened, ==, md_watch_item_get_case_id (first));
  gtk_window_destroy (window);
}

/* Appends (as typing does) or, with @replace, replaces the text of the nth
 * GtkTextView below @root, depth first. */
static void
edit_text (GtkWidget  *root,
           guint       nth,
           const char *text,
           gboolean    replace)
{
  GtkWidget *child = root;
  guint seen = 0;

  for (GtkWidget *w = gtk_widget_get_first_child (root); w != NULL; )
    {
      if (GTK_IS_TEXT_VIEW (w) && seen++ == nth)
        {
          GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (w));
          GtkTextIter end;

          if (replace)
            gtk_text_buffer_set_text (buffer, text, -1);
          else
            {
              gtk_text_buffer_get_end_iter (buffer, &end);
              gtk_text_buffer_insert (buffer, &end, text, -1);
            }
          return;
        }
      if (gtk_widget_get_first_child (w) != NULL)
        w = gtk_widget_get_first_child (w);
      else
        {
          while (w != NULL && w != child && gtk_widget_get_next_sibling (w) == NULL)
            w = gtk_widget_get_parent (w);
          w = (w == NULL || w == child) ? NULL : gtk_widget_get_next_sibling (w);
        }
    }
  g_assert_not_reached ();
}

static void
test_watch_preferences (void)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_ID);
  g_auto(GStrv) stored = NULL;
  g_autofree char *png = NULL;
  GtkWindow *window;
  GtkWidget *page;
  GtkWidget *error_label;
  const char *message = expect ("“198.51.100.0/23” is too big to watch (a /23): enter at most a "
                                "/24 (256 addresses), or the addresses your server sends from.",
                                "„198.51.100.0/23“ ist zu groß für die Beobachtung (ein /23). "
                                "Geben Sie höchstens ein /24 (256 Adressen) ein oder die "
                                "Adressen, von denen Ihr Server sendet.");

  page = GTK_WIDGET (md_watch_preferences_page_new (settings));
  window = GTK_WINDOW (adw_preferences_window_new ());
  gtk_window_set_default_size (window, 600, 760);
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (window), ADW_PREFERENCES_PAGE (page));
  gtk_window_present (window);
  md_test_gui_settle (200);

  edit_text (page, 0, "203.0.113.0/28\n2001:db8::25", TRUE);
  stored = g_settings_get_strv (settings, "watch-addresses");
  g_assert_cmpstrv (stored, ((const char *[]) { "203.0.113.0/28", "2001:db8::25", NULL }));
  g_clear_pointer (&stored, g_strfreev);
  g_assert_null (md_test_gui_find_label (page, message));

  /* Too big: said next to the text, and nothing is stored. */
  edit_text (page, 0, "\n198.51.100.0/23", FALSE);
  error_label = md_test_gui_find_label (page, message);
  g_assert_nonnull (error_label);
  g_assert_true (gtk_widget_get_visible (error_label));
  stored = g_settings_get_strv (settings, "watch-addresses");
  g_assert_cmpuint (g_strv_length (stored), ==, 2);
  g_clear_pointer (&stored, g_strfreev);

  edit_text (page, 1, "example.com\nmail example", TRUE);
  g_assert_nonnull (md_test_gui_find_label (page, expect ("“mail example” is not a domain name "
                                                          "(for example example.com).",
                                                          "„mail example“ ist kein Domainname "
                                                          "(zum Beispiel example.com).")));
  md_test_gui_settle (300);
  {
    g_autofree char *png_name = snapshot_name ("watch-preferences");

    png = md_test_gui_snapshot (GTK_WIDGET (window), png_name);
  }
  g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));

  edit_text (page, 1, "example.com", TRUE);
  stored = g_settings_get_strv (settings, "watch-domains");
  g_assert_cmpstrv (stored, ((const char *[]) { "example.com", NULL }));
  g_assert_cmpuint (g_settings_get_uint (settings, "watch-interval"), ==, 6);

  gtk_window_destroy (window);
}

/* A new listing's notification opens its case in the window. The
 * notification itself goes to a mock org.freedesktop.Notifications (see
 * tests/test-watch.c for what it says); here the action it carries runs. */
static gboolean
session_shown_cb (gpointer data)
{
  MdCaseView *view = md_window_get_case_view (data);
  GtkWidget *stack = gtk_widget_get_ancestor (GTK_WIDGET (view), GTK_TYPE_STACK);

  return md_case_view_get_session (view) != NULL && gtk_widget_get_mapped (GTK_WIDGET (view)) &&
         gtk_stack_get_visible_child (GTK_STACK (stack)) == GTK_WIDGET (view) &&
         !gtk_stack_get_transition_running (GTK_STACK (stack));
}

static gboolean
window_mapped_cb (gpointer data)
{
  GtkWindow *window = gtk_application_get_active_window (data);

  return MD_IS_WINDOW (window) && gtk_widget_get_mapped (GTK_WIDGET (window));
}

/* The app opens the watch's store off the main thread. */
static gboolean
has_store_cb (gpointer data)
{
  return md_watch_get_store (data) != NULL;
}

static void
test_notification_case (void)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_ID);
  g_autoptr(MdApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MdWatchItem) item = NULL;
  g_autoptr(MdCase) record = NULL;
  g_autofree char *db = g_build_filename (tmpdir, "app-cases.db", NULL);
  g_autofree char *png = NULL;
  const char *servers[] = { md_test_knot_get_address (knot), NULL };
  const char *addresses[] = { "203.0.113.7", NULL };
  MdCaseSession *session;
  MdWindow *window;
  MdWatch *watch;
  gboolean done = FALSE;
  gint64 case_id;

  g_setenv ("MAILDOCTOR_CASES", db, TRUE);
  g_settings_set_boolean (settings, "web-checks", FALSE);
  g_settings_set_string (settings, "resolver-mode", "custom");
  g_settings_set_strv (settings, "resolver-servers", servers);
  g_settings_set_strv (settings, "watch-addresses", addresses);
  g_settings_reset (settings, "watch-domains");

  app = md_application_new (APP_ID, G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));
  g_assert_true (md_test_gui_wait (window_mapped_cb, app, 5000));
  window = MD_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));

  /* The app's watch follows the preferences. */
  watch = md_application_get_watch (app);
  g_assert_nonnull (watch);
  g_assert_cmpuint (g_list_model_get_n_items (md_watch_get_model (watch)), ==, 1);
  g_signal_connect (watch, "round-finished", G_CALLBACK (round_finished_cb), &done);
  g_assert_false (md_watch_is_busy (watch));
  g_assert_true (md_test_gui_wait (has_store_cb, watch, 10000));
  g_assert_true (md_watch_recheck_now (watch));
  g_assert_true (md_test_gui_wait (is_true_cb, &done, 60000));

  item = g_list_model_get_item (md_watch_get_model (watch), 0);
  case_id = md_watch_item_get_case_id (item);
  g_assert_cmpint (case_id, >, 0);

  /* What the notification's "Open Case" does. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "open-case",
                                  g_variant_new_int64 (case_id));
  g_assert_true (md_test_gui_wait (session_shown_cb, window, 5000));
  session = md_case_view_get_session (md_window_get_case_view (window));
  g_assert_cmpint (md_case_session_get_case_id (session), ==, case_id);
  record = md_case_session_dup_case (session);
  g_assert_cmpstr (record->blocked_ip, ==, "203.0.113.7");
  g_assert_true (g_str_has_prefix (record->title, "203.0.113.7 "));

  md_test_gui_settle (400);
  {
    g_autofree char *png_name = snapshot_name ("watch-case");

    png = md_test_gui_snapshot (GTK_WIDGET (window), png_name);
  }
  g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));

  /* The window's own watch list page. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-watch", NULL));
  md_test_gui_settle (400);
  g_assert_nonnull (md_test_gui_find_label (GTK_WIDGET (window),
                                            expect ("Watch List", "Beobachtungsliste")));

  gtk_window_destroy (GTK_WINDOW (window));
  md_test_gui_settle (100);
  g_settings_reset (settings, "watch-addresses");
  g_unsetenv ("MAILDOCTOR_CASES");
}

static gboolean
name_has_owner (GDBusConnection *bus,
                const char      *name)
{
  g_autoptr(GVariant) reply = NULL;
  gboolean owned = FALSE;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", name), G_VARIANT_TYPE ("(b)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);

  return owned;
}

/* `maildoctor --gapplication-service`: no window, and it keeps running for
 * the watch (a GApplication service runs only while something holds it). */
static void
test_service_mode (void)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) service = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *exe = g_build_filename (g_getenv ("MD_BUILD_ROOT"), "app", "gui", "maildoctor",
                                           NULL);
  g_autofree char *db = g_build_filename (tmpdir, "service-cases.db", NULL);
  gint64 deadline;

  g_assert_nonnull (bus);
  g_assert_false (name_has_owner (bus, APP_ID));

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_setenv (launcher, "MAILDOCTOR_CASES", db, TRUE);
  service = g_subprocess_launcher_spawn (launcher, &error, exe, "--gapplication-service", NULL);
  g_assert_no_error (error);

  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!name_has_owner (bus, APP_ID) && g_get_monotonic_time () < deadline)
    g_usleep (50000);
  g_assert_true (name_has_owner (bus, APP_ID));

  /* Still there after GApplication's service wait: a service that nothing
   * holds quits when no activation arrives within 10 s (G_APPLICATION_IS_SERVICE). */
  g_usleep (12 * G_USEC_PER_SEC);
  g_assert_true (name_has_owner (bus, APP_ID));
  {
    g_autofree char *wal = g_strconcat (db, "-wal", NULL);
    g_autofree char *shm = g_strconcat (db, "-shm", NULL);

    /* The watch opened the case database: it runs. */
    g_assert_true (g_file_test (db, G_FILE_TEST_EXISTS));
    g_subprocess_force_exit (service);
    g_subprocess_wait (service, NULL, NULL);
    g_unlink (db);
    g_unlink (wal);
    g_unlink (shm);
  }
}

static gboolean
start_notification_daemon (GError **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  gint64 deadline;

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, error);
  if (bus == NULL)
    return FALSE;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  notifyd = g_subprocess_launcher_spawn (launcher, error, "/usr/bin/python3", "-m", "dbusmock",
                                         "--template", "notification_daemon", NULL);
  if (notifyd == NULL)
    return FALSE;

  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(GVariant) reply = NULL;
      gboolean owned = FALSE;

      reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                           "org.freedesktop.DBus", "NameHasOwner",
                                           g_variant_new ("(s)", "org.freedesktop.Notifications"),
                                           G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                           NULL, NULL);
      if (reply != NULL)
        g_variant_get (reply, "(b)", &owned);
      if (owned)
        return TRUE;
      g_usleep (50000);
    }

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       "python3-dbusmock did not take org.freedesktop.Notifications");
  return FALSE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) zones = NULL;
  int status;

  if (!md_test_gui_init (&argc, &argv))
    return g_test_run ();
  adw_init ();
  /* MdApplication's class_init registers the templates. */
  g_type_class_unref (g_type_class_ref (MD_TYPE_APPLICATION));
  /* The notifications of the app's watch go to a mock daemon on the test's
   * session bus (the test command runs dbus-run-session). */
  g_setenv ("GNOTIFICATION_BACKEND", "freedesktop", TRUE);
  if (!start_notification_daemon (&error))
    g_error ("No notification daemon: %s", error->message);

  zones = md_test_knot_list_zone_files ();
  knot = md_test_knot_new ((const char * const *) zones, &error);
  g_assert_no_error (error);
  tmpdir = g_dir_make_tmp ("md-watch-gui-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/MailDoctor/WatchGui/page", test_watch_page);
  g_test_add_func ("/MailDoctor/WatchGui/preferences", test_watch_preferences);
  g_test_add_func ("/MailDoctor/WatchGui/notification-case", test_notification_case);
  g_test_add_func ("/MailDoctor/WatchGui/service-mode", test_service_mode);

  status = g_test_run ();

  md_test_knot_free (knot);
  g_subprocess_force_exit (notifyd);
  g_subprocess_wait (notifyd, NULL, NULL);
  g_clear_object (&notifyd);
  {
    const char *names[] = { "cases.db", "cases.db-wal", "cases.db-shm", "app-cases.db",
                            "app-cases.db-wal", "app-cases.db-shm" };

    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_autofree char *file = g_build_filename (tmpdir, names[i], NULL);

        g_unlink (file);
      }
    g_rmdir (tmpdir);
  }
  g_free (tmpdir);

  return status;
}
