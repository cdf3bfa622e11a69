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

#include "md-gui-resources.h"
#include "md-test-gui.h"
#include "md-test-knot.h"
#include "md-watch-page.h"
#include "md-watch-preferences-page.h"

static MdTestKnot *knot;
static char *tmpdir;

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

  png = md_test_gui_snapshot (GTK_WIDGET (window), snapshot_name ("watch"));
  g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));

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
  png = md_test_gui_snapshot (GTK_WIDGET (window), snapshot_name ("watch-preferences"));
  g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));

  edit_text (page, 1, "example.com", TRUE);
  stored = g_settings_get_strv (settings, "watch-domains");
  g_assert_cmpstrv (stored, ((const char *[]) { "example.com", NULL }));
  g_assert_cmpuint (g_settings_get_uint (settings, "watch-interval"), ==, 6);

  gtk_window_destroy (window);
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
  /* What MdApplication does in class_init: the templates live there. */
  md_gui_register_resource ();

  zones = md_test_knot_list_zone_files ();
  knot = md_test_knot_new ((const char * const *) zones, &error);
  g_assert_no_error (error);
  tmpdir = g_dir_make_tmp ("md-watch-gui-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/MailDoctor/WatchGui/page", test_watch_page);
  g_test_add_func ("/MailDoctor/WatchGui/preferences", test_watch_preferences);

  status = g_test_run ();

  md_test_knot_free (knot);
  {
    g_autofree char *db = g_build_filename (tmpdir, "cases.db", NULL);
    g_autofree char *wal = g_build_filename (tmpdir, "cases.db-wal", NULL);
    g_autofree char *shm = g_build_filename (tmpdir, "cases.db-shm", NULL);

    g_unlink (db);
    g_unlink (wal);
    g_unlink (shm);
    g_rmdir (tmpdir);
  }
  g_free (tmpdir);

  return status;
}
