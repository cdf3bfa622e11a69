/* test-preferences.c — Preferences → Checks → DNS Resolver: the Test button
 * runs the resolver-trust probe on the servers the user typed, against Knot
 * DNS, and says in the row what it found
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "md-application.h"
#include "md-preferences-window.h"
#include "md-settings.h"
#include "md-test-gui.h"
#include "md-test-knot.h"

static MdApplication *app;

static const char *
expect (const char *english,
        const char *german)
{
  return g_str_equal (md_test_gui_language (), "de") ? german : english;
}

/* The window and the rows the user works with, found as a user finds them:
 * the Test button, its row, and the resolver choice in the same group. */
typedef struct
{
  MdPreferencesWindow *window;
  GtkWidget           *button;
  AdwActionRow        *test_row;
  AdwComboRow         *mode_row;
  GtkEditable         *servers_row;
} Prefs;

static void
prefs_open (Prefs *prefs,
            int    width)
{
  GtkWidget *group;
  GtkWidget *page;

  prefs->window = md_preferences_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (prefs->window), width, 900);
  gtk_window_present (GTK_WINDOW (prefs->window));
  md_test_gui_settle (200);

  prefs->button = md_test_gui_find_label (GTK_WIDGET (prefs->window), expect ("_Test", "_Testen"));
  g_assert_nonnull (prefs->button);
  g_assert_true (GTK_IS_BUTTON (prefs->button));
  prefs->test_row = ADW_ACTION_ROW (gtk_widget_get_ancestor (prefs->button,
                                                             ADW_TYPE_ACTION_ROW));
  group = gtk_widget_get_ancestor (prefs->button, ADW_TYPE_PREFERENCES_GROUP);
  prefs->mode_row = ADW_COMBO_ROW (md_test_gui_find_type (group, ADW_TYPE_COMBO_ROW));
  prefs->servers_row = GTK_EDITABLE (md_test_gui_find_type (group, ADW_TYPE_ENTRY_ROW));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (prefs->mode_row)), ==,
                   "Resolver");

  page = gtk_widget_get_ancestor (prefs->button, ADW_TYPE_PREFERENCES_PAGE);
  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (prefs->window),
                                           ADW_PREFERENCES_PAGE (page));
  md_test_gui_settle (200);
}

/* The row's sentence as the user reads it: non-breaking hyphens as
 * hyphens. */
static char *
row_sentence (Prefs *prefs)
{
  const char *subtitle = adw_action_row_get_subtitle (prefs->test_row);
  g_autoptr(GString) text = g_string_new (subtitle);

  g_string_replace (text, "\u2011", "-", 0);

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static const char *
row_title (Prefs *prefs)
{
  return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (prefs->test_row));
}

static gboolean
spinner_visible (Prefs *prefs)
{
  GtkWidget *spinner = md_test_gui_find_type (GTK_WIDGET (prefs->test_row), GTK_TYPE_SPINNER);

  return spinner != NULL && gtk_widget_get_visible (spinner);
}

static void
use_servers (Prefs      *prefs,
             const char *servers)
{
  adw_combo_row_set_selected (prefs->mode_row, 1);
  gtk_editable_set_text (prefs->servers_row, servers);
  md_test_gui_settle (50);
}

static gboolean
test_done (gpointer data)
{
  return !spinner_visible (data);
}

/* Presses Test and waits for the verdict: a spinner while it runs. */
static void
press_test (Prefs *prefs)
{
  g_assert_true (gtk_widget_get_sensitive (prefs->button));
  g_signal_emit_by_name (prefs->button, "clicked");
  g_assert_true (spinner_visible (prefs));
  g_assert_false (gtk_widget_get_sensitive (prefs->button));
  g_assert_cmpstr (row_title (prefs), ==,
                   expect ("Testing the Resolver", "Resolver wird getestet"));
  g_assert_true (md_test_gui_wait (test_done, prefs, 20000));
  g_assert_true (gtk_widget_get_sensitive (prefs->button));
  md_test_gui_settle (200);
}

static GtkWidget *
verdict_icon (Prefs *prefs)
{
  GtkWidget *icon = md_test_gui_find_type (GTK_WIDGET (prefs->test_row), GTK_TYPE_IMAGE);

  g_assert_nonnull (icon);

  return icon;
}

static MdTestKnot *
start_knot (const char *const *zones)
{
  g_autoptr(GError) error = NULL;
  MdTestKnot *knot = md_test_knot_new (zones, &error);

  if (knot == NULL)
    g_test_skip (error->message);

  return knot;
}

static void
snapshot (Prefs      *prefs,
          const char *name)
{
  g_autofree char *file = g_strdup_printf ("%s-%s", name, md_test_gui_language ());

  g_free (md_test_gui_snapshot (GTK_WIDGET (prefs->window), file));
}

/* A truthful server, then one that serves only the root zone and answers
 * "no such name" for everything else. */
static void
test_resolver_test_verdicts (void)
{
  g_auto(GStrv) all_zones = md_test_knot_list_zone_files ();
  g_autofree char *dir = g_dir_make_tmp ("maildoctor-prefs-XXXXXX", NULL);
  g_autofree char *root = g_build_filename (dir, "root.zone", NULL);
  const char *root_only[] = { root, NULL };
  g_autoptr(MdTestKnot) truthful = NULL;
  g_autoptr(MdTestKnot) denying = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sentence = NULL;
  g_autofree char *shown = NULL;
  gboolean german = g_str_equal (md_test_gui_language (), "de");
  Prefs prefs = { 0 };

  g_file_set_contents (root,
                       "$ORIGIN .\n$TTL 60\n"
                       "@ IN SOA a.root-servers.test. hostmaster.root-servers.test. 1 1800 900 "
                       "604800 60\n@ IN NS a.root-servers.test.\n", -1, &error);
  g_assert_no_error (error);
  truthful = start_knot ((const char * const *) all_zones);
  if (truthful == NULL)
    return;
  denying = start_knot (root_only);
  if (denying == NULL)
    return;

  prefs_open (&prefs, 900);
  g_assert_cmpstr (row_title (&prefs), ==, expect ("Resolver Test", "Resolver-Test"));
  g_assert_false (gtk_widget_get_visible (verdict_icon (&prefs)));

  use_servers (&prefs, md_test_knot_get_address (truthful));
  press_test (&prefs);
  g_assert_cmpstr (row_title (&prefs), ==, expect ("Trusted", "Vertrauenswürdig"));
  sentence = g_strdup_printf (german ? "Der Resolver unter %s antwortet wahrheitsgemäß."
                                     : "The resolver at %s answers truthfully.",
                              md_test_knot_get_address (truthful));
  g_assert_cmpstr (shown = row_sentence (&prefs), ==, sentence);
  g_clear_pointer (&shown, g_free);
  g_assert_true (gtk_widget_get_visible (verdict_icon (&prefs)));
  g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (verdict_icon (&prefs))), ==,
                   "emblem-ok-symbolic");
  snapshot (&prefs, "preferences-resolver-trusted");

  /* Another server: the old verdict is gone at once. */
  use_servers (&prefs, md_test_knot_get_address (denying));
  g_assert_cmpstr (row_title (&prefs), ==, expect ("Resolver Test", "Resolver-Test"));
  g_assert_false (gtk_widget_get_visible (verdict_icon (&prefs)));

  press_test (&prefs);
  g_assert_cmpstr (row_title (&prefs), ==,
                   expect ("Lies About Names That Exist", "Unterschlägt vorhandene Namen"));
  g_clear_pointer (&sentence, g_free);
  sentence = g_strdup_printf (german ? "Der Resolver unter %s unterschlägt vorhandene Namen: "
                                       "er antwortet „Name existiert nicht“ für "
                                       "a.root-servers.net. Was er verneint oder erfunden hat, "
                                       "wird als „Nicht entscheidbar“ angezeigt."
                                     : "The resolver at %s denies names that exist: it answers "
                                       "“no such name” for a.root-servers.net. What it "
                                       "answered “no” or made up is shown as “could not "
                                       "decide”.",
                              md_test_knot_get_address (denying));
  g_assert_cmpstr (shown = row_sentence (&prefs), ==, sentence);
  g_clear_pointer (&shown, g_free);
  g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (verdict_icon (&prefs))), ==,
                   "dialog-warning-symbolic");
  g_assert_true (gtk_widget_has_css_class (verdict_icon (&prefs), "warning"));
  snapshot (&prefs, "preferences-resolver-900");

  /* Narrow: the sentence wraps, the button stays in the row. */
  gtk_window_set_default_size (GTK_WINDOW (prefs.window), 360, 900);
  md_test_gui_settle (500);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (prefs.window)), <=, 360);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (prefs.test_row)), <=, 360);
  snapshot (&prefs, "preferences-resolver-360");

  gtk_window_destroy (GTK_WINDOW (prefs.window));
  g_remove (root);
  g_rmdir (dir);
}

/* A server that never answers: changing the settings or closing the window
 * cancels the test; no verdict of a cancelled test ever shows. */
static void
test_resolver_test_cancelled (void)
{
  g_autoptr(MdTestSilentServer) silent = NULL;
  g_autoptr(GError) error = NULL;
  Prefs prefs = { 0 };

  silent = md_test_silent_server_new (&error);
  g_assert_no_error (error);

  prefs_open (&prefs, 900);
  use_servers (&prefs, md_test_silent_server_get_address (silent));
  g_signal_emit_by_name (prefs.button, "clicked");
  g_assert_true (spinner_visible (&prefs));

  /* a change of the settings stops it */
  gtk_editable_set_text (prefs.servers_row, "127.0.0.1:9");
  g_assert_false (spinner_visible (&prefs));
  g_assert_true (gtk_widget_get_sensitive (prefs.button));
  g_assert_cmpstr (row_title (&prefs), ==, expect ("Resolver Test", "Resolver-Test"));
  md_test_gui_settle (300);
  g_assert_cmpstr (row_title (&prefs), ==, expect ("Resolver Test", "Resolver-Test"));

  /* so does closing the window */
  use_servers (&prefs, md_test_silent_server_get_address (silent));
  g_signal_emit_by_name (prefs.button, "clicked");
  g_assert_true (spinner_visible (&prefs));
  gtk_window_destroy (GTK_WINDOW (prefs.window));
  md_test_gui_settle (300);
}

/* No answer in time is "could not decide", never a pass. */
static void
test_resolver_test_silent (void)
{
  g_autoptr(MdTestSilentServer) silent = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *shown = NULL;
  Prefs prefs = { 0 };

  silent = md_test_silent_server_new (&error);
  g_assert_no_error (error);

  prefs_open (&prefs, 900);
  use_servers (&prefs, md_test_silent_server_get_address (silent));
  press_test (&prefs);
  g_assert_cmpstr (row_title (&prefs), ==, expect ("Could Not Decide", "Nicht entscheidbar"));
  shown = row_sentence (&prefs);
  g_assert_nonnull (strstr (shown, md_test_silent_server_get_address (silent)));
  g_assert_nonnull (strstr (shown, expect ("(timeout)", "(Zeitüberschreitung)")));
  g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (verdict_icon (&prefs))), ==,
                   "dialog-question-symbolic");
  gtk_window_destroy (GTK_WINDOW (prefs.window));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  if (!md_test_gui_init (&argc, &argv))
    return g_test_run ();

  app = md_application_new (APP_ID, G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  g_test_add_func ("/MailDoctor/Preferences/resolver-test-verdicts", test_resolver_test_verdicts);
  g_test_add_func ("/MailDoctor/Preferences/resolver-test-cancelled",
                   test_resolver_test_cancelled);
  g_test_add_func ("/MailDoctor/Preferences/resolver-test-silent", test_resolver_test_silent);

  ret = g_test_run ();

  g_clear_object (&app);

  return ret;
}
