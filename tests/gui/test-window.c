/* test-window.c — the application shell in a real window
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "md-application.h"
#include "md-preferences-window.h"
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

static GtkWindow *
find_window_of_type (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }

  return NULL;
}

static GType window_type_wanted;

static gboolean
window_of_type_shown_cb (gpointer data)
{
  GtkWindow *window = find_window_of_type (window_type_wanted);

  return window != NULL && gtk_widget_get_mapped (GTK_WIDGET (window));
}

static GtkWindow *
wait_for_window (GType type)
{
  window_type_wanted = type;
  g_assert_true (md_test_gui_wait (window_of_type_shown_cb, NULL, 5000));
  md_test_gui_settle (300);

  return find_window_of_type (type);
}

static void
test_window_empty_state (void)
{
  GtkWindow *window;
  g_autofree char *name = NULL;
  g_autofree char *png = NULL;
  GtkWidget *title;
  GtkWidget *description;

  g_application_activate (G_APPLICATION (app));
  g_assert_true (md_test_gui_wait (window_mapped_cb, NULL, 5000));
  md_test_gui_settle (300);

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_assert_true (MD_IS_WINDOW (window));
  g_assert_cmpstr (gtk_window_get_title (window), ==, "MailDoctor");

  title = md_test_gui_find_label (GTK_WIDGET (window),
                                  expect ("Paste a Rejection", "Ablehnung einfügen"));
  g_assert_nonnull (title);
  g_assert_true (gtk_widget_is_drawable (title));

  description = md_test_gui_find_label (GTK_WIDGET (window),
    expect ("Copy what your mail server got back — the bounce message, the log line or the "
            "SMTP reply — and paste it here. MailDoctor explains it, checks your server and "
            "drafts the delist request.",
            "Kopieren Sie, was Ihr Mailserver zurückbekommen hat – die Unzustellbarkeitsnachricht, "
            "die Logzeile oder die SMTP-Antwort – und fügen Sie es hier ein. MailDoctor erklärt "
            "die Ablehnung, prüft Ihren Server und entwirft den Austragungsantrag."));
  g_assert_nonnull (description);

  name = g_strdup_printf ("window-%s", md_test_gui_language ());
  png = md_test_gui_snapshot (GTK_WIDGET (window), name);
  g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));
}

static void
test_window_menu (void)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  GtkWidget *button = NULL;
  GMenuModel *menu;
  GtkWidget *child;
  const char *expected[][2] = {
    { "_Preferences", "app.preferences" },
    { "_Keyboard Shortcuts", "win.show-help-overlay" },
    { "_About MailDoctor", "app.about" },
  };
  const char *expected_de[] = { "_Einstellungen", "_Tastenkürzel", "_Info zu MailDoctor" };
  const char *first[][2] = {
    { "_New Case", "win.new-case" },
    { "_Open Bounce…", "win.open" },
    { "Open Mail _Log…", "win.open-log" },
    { "Mail Log _Report", "win.show-log-report" },
    { "_Watch List", "win.show-watch" },
  };
  const char *first_de[] = { "_Neuer Fall", "Unzustellbarkeitsnachricht _öffnen …",
                             "Mail-_Log öffnen …", "Mail-Log-_Bericht", "_Beobachtungsliste" };
  GMenuModel *section;

  g_assert_nonnull (window);

  /* The primary menu button (F10 opens it). */
  for (child = GTK_WIDGET (window); child != NULL;)
    {
      if (GTK_IS_MENU_BUTTON (child) && gtk_menu_button_get_primary (GTK_MENU_BUTTON (child)))
        {
          button = child;
          break;
        }
      if (gtk_widget_get_first_child (child) != NULL)
        child = gtk_widget_get_first_child (child);
      else
        {
          while (child != NULL && gtk_widget_get_next_sibling (child) == NULL)
            child = gtk_widget_get_parent (child);
          if (child != NULL)
            child = gtk_widget_get_next_sibling (child);
        }
    }
  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==, expect ("Main Menu", "Hauptmenü"));

  menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (button));
  g_assert_cmpint (g_menu_model_get_n_items (menu), ==, 2);

  section = g_menu_model_get_item_link (menu, 0, G_MENU_LINK_SECTION);
  g_assert_cmpint (g_menu_model_get_n_items (section), ==, G_N_ELEMENTS (first));
  for (guint i = 0; i < G_N_ELEMENTS (first); i++)
    {
      g_autofree char *label = NULL;
      g_autofree char *action = NULL;

      g_assert_true (g_menu_model_get_item_attribute (section, i, "label", "s", &label));
      g_assert_true (g_menu_model_get_item_attribute (section, i, "action", "s", &action));
      g_assert_cmpstr (label, ==, expect (first[i][0], first_de[i]));
      g_assert_cmpstr (action, ==, first[i][1]);
    }
  g_object_unref (section);

  section = g_menu_model_get_item_link (menu, 1, G_MENU_LINK_SECTION);
  g_assert_cmpint (g_menu_model_get_n_items (section), ==, G_N_ELEMENTS (expected));

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autofree char *label = NULL;
      g_autofree char *action = NULL;

      g_assert_true (g_menu_model_get_item_attribute (section, i, "label", "s", &label));
      g_assert_true (g_menu_model_get_item_attribute (section, i, "action", "s", &action));
      g_assert_cmpstr (label, ==, expect (expected[i][0], expected_de[i]));
      g_assert_cmpstr (action, ==, expected[i][1]);
    }

  g_object_unref (section);
}

static void
test_window_accels (void)
{
  g_auto(GStrv) quit = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.quit");
  g_auto(GStrv) prefs = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                               "app.preferences");
  g_auto(GStrv) close = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                               "window.close");
  g_auto(GStrv) help = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                              "win.show-help-overlay");

  g_assert_cmpstrv (quit, ((const char *[]) { "<Control>q", NULL }));
  g_assert_cmpstrv (prefs, ((const char *[]) { "<Control>comma", NULL }));
  g_assert_cmpstrv (close, ((const char *[]) { "<Control>w", NULL }));
  g_assert_true (g_strv_contains ((const char * const *) help, "<Control>question"));
}

static void
test_window_about (void)
{
  GtkWindow *about;

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  about = wait_for_window (ADW_TYPE_ABOUT_WINDOW);
  g_assert_nonnull (about);

  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  g_assert_cmpstr (adw_about_window_get_application_name (ADW_ABOUT_WINDOW (about)), ==,
                   "MailDoctor");
  g_assert_cmpstr (adw_about_window_get_website (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_WEBSITE);
  g_assert_cmpint (adw_about_window_get_license_type (ADW_ABOUT_WINDOW (about)), ==,
                   GTK_LICENSE_GPL_3_0);
  if (g_str_equal (md_test_gui_language (), "de"))
    g_assert_cmpstr (adw_about_window_get_translator_credits (ADW_ABOUT_WINDOW (about)), !=,
                     "translator-credits");

  g_free (md_test_gui_snapshot (GTK_WIDGET (about),
                                g_str_equal (md_test_gui_language (), "de") ? "about-de"
                                                                           : "about-en"));
  gtk_window_destroy (about);
}

static void
test_window_shortcuts (void)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  GtkWindow *shortcuts;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  shortcuts = wait_for_window (GTK_TYPE_SHORTCUTS_WINDOW);
  g_assert_nonnull (shortcuts);
  g_assert_nonnull (md_test_gui_find_label (GTK_WIDGET (shortcuts),
                                            expect ("Quit", "Beenden")));
  gtk_window_close (shortcuts);
}

static void
test_window_preferences (void)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_ID);
  g_autofree char *name = NULL;
  GtkWindow *prefs;
  GtkWidget *row;

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  prefs = wait_for_window (MD_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (prefs);

  g_assert_nonnull (md_test_gui_find_label (GTK_WIDGET (prefs),
                                            expect ("Sender Profile", "Absenderprofil")));

  /* What the user types lands in GSettings, where the drafts read it. */
  row = md_test_gui_find_label (GTK_WIDGET (prefs), expect ("Organisation", "Organisation"));
  g_assert_nonnull (row);
  while (row != NULL && !ADW_IS_ENTRY_ROW (row))
    row = gtk_widget_get_parent (row);
  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), "Beispiel Hosting GmbH");
  name = g_settings_get_string (settings, "sender-organisation");
  g_assert_cmpstr (name, ==, "Beispiel Hosting GmbH");

  /* The details a request states for the receiver: the IP's use is one of
   * the schema's choices, both ways; the German description is text. */
  {
    GtkWidget *ip_use = md_test_gui_find_label (GTK_WIDGET (prefs),
                                                expect ("Sending IP Address",
                                                        "Sendende IP-Adresse"));
    GtkWidget *german = md_test_gui_find_label (GTK_WIDGET (prefs),
                                                expect ("What the Server Sends, in German",
                                                        "Was der Server versendet, auf Deutsch"));
    g_autofree char *stored_use = NULL;
    g_autofree char *stored_de = NULL;

    while (ip_use != NULL && !ADW_IS_COMBO_ROW (ip_use))
      ip_use = gtk_widget_get_parent (ip_use);
    while (german != NULL && !ADW_IS_ENTRY_ROW (german))
      german = gtk_widget_get_parent (german);
    g_assert_nonnull (ip_use);
    g_assert_nonnull (german);

    g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (ip_use)), ==, 0);
    adw_combo_row_set_selected (ADW_COMBO_ROW (ip_use), 2);
    stored_use = g_settings_get_string (settings, "sender-ip-use");
    g_assert_cmpstr (stored_use, ==, "shared");
    g_settings_set_string (settings, "sender-ip-use", "dedicated");
    g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (ip_use)), ==, 1);

    gtk_editable_set_text (GTK_EDITABLE (german), "Rechnungen an unsere Kunden");
    stored_de = g_settings_get_string (settings, "sender-description-de");
    g_assert_cmpstr (stored_de, ==, "Rechnungen an unsere Kunden");

    g_settings_reset (settings, "sender-ip-use");
    g_settings_reset (settings, "sender-description-de");
    g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (ip_use)), ==, 0);
  }
  md_test_gui_settle (300);

  g_free (md_test_gui_snapshot (GTK_WIDGET (prefs),
                                g_str_equal (md_test_gui_language (), "de") ? "preferences-de"
                                                                           : "preferences-en"));

  /* A public resolver is named, with what it means for the checks. */
  {
    const char *google[] = { "8.8.8.8", NULL };
    const char *own[] = { "192.0.2.53:53", NULL };
    const char *expected =
      expect ("This resolver is Google Public DNS. Most blocklists refuse its queries, so their "
              "checks will end as “could not decide”.",
              "Dieser Resolver ist Google Public DNS. Die meisten Sperrlisten beantworten seine "
              "Anfragen nicht, daher enden ihre Prüfungen mit „nicht entscheidbar“.");
    GtkWidget *warning;

    g_settings_set_string (settings, "resolver-mode", "custom");
    g_settings_set_strv (settings, "resolver-servers", google);
    md_test_gui_settle (100);
    warning = md_test_gui_find_label (GTK_WIDGET (prefs), expected);
    g_assert_nonnull (warning);
    g_assert_true (gtk_widget_is_visible (warning));

    g_settings_set_strv (settings, "resolver-servers", own);
    md_test_gui_settle (100);
    g_assert_false (gtk_widget_is_visible (warning));
    g_settings_reset (settings, "resolver-mode");
    g_settings_reset (settings, "resolver-servers");
    md_test_gui_settle (100);
  }

  /* "System Resolver" names the server it stands for. */
  {
    GtkWidget *mode = md_test_gui_find_label (GTK_WIDGET (prefs), expect ("Resolver", "Resolver"));
    const char *subtitle;

    while (mode != NULL && !ADW_IS_COMBO_ROW (mode))
      mode = gtk_widget_get_parent (mode);
    g_assert_nonnull (mode);
    subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (mode));
    g_assert_nonnull (subtitle);
    g_assert_true (g_str_has_prefix (subtitle, expect ("system resolver (", "System-Resolver (")) ||
                   g_str_has_prefix (subtitle, expect ("The system resolver is not usable",
                                                       "Der System-Resolver ist nicht nutzbar")));
  }

  /* Every list of the catalog has its switch; off means not asked. */
  {
    GtkWidget *title = md_test_gui_find_label (GTK_WIDGET (prefs), "Spamhaus ZEN");
    GtkWidget *list_row = title;
    GtkWidget *toggle;
    g_auto(GStrv) disabled = NULL;

    g_assert_nonnull (title);
    while (list_row != NULL && !ADW_IS_ACTION_ROW (list_row))
      list_row = gtk_widget_get_parent (list_row);
    g_assert_nonnull (list_row);
    toggle = md_test_gui_find_type (list_row, GTK_TYPE_SWITCH);
    g_assert_nonnull (toggle);
    g_assert_true (gtk_switch_get_active (GTK_SWITCH (toggle)));
    gtk_switch_set_active (GTK_SWITCH (toggle), FALSE);
    disabled = g_settings_get_strv (settings, "disabled-blocklists");
    g_assert_cmpstrv (disabled, ((const char *[]) { "zen.spamhaus.org", NULL }));
    gtk_switch_set_active (GTK_SWITCH (toggle), TRUE);
    g_strfreev (disabled);
    disabled = g_settings_get_strv (settings, "disabled-blocklists");
    g_assert_cmpstrv (disabled, ((const char *[]) { NULL }));
  }
  gtk_window_destroy (prefs);
}

/* One typed object holds the preferences and follows GSettings. */
static void
test_window_settings_object (void)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_ID);
  MdSettings *typed = md_application_get_settings (app);
  g_auto(GStrv) selectors = NULL;
  const char *mine[] = { "s1", "s2", NULL };

  g_assert_true (typed == md_settings_get_default ());
  g_settings_set_strv (settings, "dkim-selectors", mine);
  selectors = md_settings_dup_dkim_selectors (typed);
  g_assert_cmpstrv (selectors, mine);
  g_settings_set_boolean (settings, "web-checks", FALSE);
  g_assert_false (md_settings_get_web_checks (typed));
  g_object_set (typed, "web-checks", TRUE, NULL);
  g_assert_true (g_settings_get_boolean (settings, "web-checks"));
  g_settings_reset (settings, "dkim-selectors");
  g_settings_reset (settings, "web-checks");
}

static gboolean
no_windows_cb (gpointer data)
{
  return gtk_application_get_windows (GTK_APPLICATION (app)) == NULL;
}

static void
test_window_state_saved (void)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_ID);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  int width;
  int height;

  gtk_window_set_default_size (window, 720, 540);
  md_test_gui_settle (300);

  /* Ctrl+Q's action closes the windows, which save their state. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  g_assert_true (md_test_gui_wait (no_windows_cb, NULL, 5000));

  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 720);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 540);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));

  /* A new window opens at the saved size. */
  g_application_activate (G_APPLICATION (app));
  g_assert_true (md_test_gui_wait (window_mapped_cb, NULL, 5000));
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  gtk_window_get_default_size (window, &width, &height);
  g_assert_cmpint (width, ==, 720);
  g_assert_cmpint (height, ==, 540);
  gtk_window_destroy (window);
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

  g_test_add_func ("/MailDoctor/Window/empty-state", test_window_empty_state);
  g_test_add_func ("/MailDoctor/Window/menu", test_window_menu);
  g_test_add_func ("/MailDoctor/Window/accels", test_window_accels);
  g_test_add_func ("/MailDoctor/Window/about", test_window_about);
  g_test_add_func ("/MailDoctor/Window/shortcuts", test_window_shortcuts);
  g_test_add_func ("/MailDoctor/Window/preferences", test_window_preferences);
  g_test_add_func ("/MailDoctor/Window/settings-object", test_window_settings_object);
  g_test_add_func ("/MailDoctor/Window/state-saved", test_window_state_saved);

  ret = g_test_run ();

  g_clear_object (&app);

  return ret;
}
