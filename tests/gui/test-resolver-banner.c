/* test-resolver-banner.c — the banner over the checks when the resolver lies
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "md-application.h"
#include "md-preferences-window.h"
#include "md-resolver-banner.h"
#include "md-test-gui.h"
#include "md-test-knot.h"

static MdApplication *app;

typedef struct
{
  gboolean done;
} RunData;

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  RunData *data = user_data;

  md_check_run_start_finish (MD_CHECK_RUN (object), result, NULL);
  data->done = TRUE;
}

static gboolean
is_done (gpointer user_data)
{
  return ((RunData *) user_data)->done;
}

/* A resolver that answers "no such name" for everything but the root: the
 * banner says so once, names the server, and offers the preferences. */
static void
test_banner_denies (void)
{
  g_autofree char *dir = g_dir_make_tmp ("maildoctor-banner-XXXXXX", NULL);
  g_autofree char *root = g_build_filename (dir, "root.zone", NULL);
  const char *zones[] = { root, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(MdTestKnot) knot = NULL;
  g_autoptr(MdResolver) resolver = NULL;
  g_autoptr(MdCheckSubject) subject = NULL;
  g_autoptr(MdCheckRun) run = NULL;
  g_autoptr(MdCheckRunOptions) options = md_check_run_options_new ();
  g_autofree char *png = NULL;
  g_autofree char *name = NULL;
  gboolean german = g_str_equal (md_test_gui_language (), "de");
  MdResolverBanner *banner;
  GtkWidget *window;
  GtkWidget *button;
  RunData data = { 0 };
  guint affected = 0;

  g_file_set_contents (root,
                       "$ORIGIN .\n$TTL 60\n"
                       "@ IN SOA a.root-servers.test. hostmaster.root-servers.test. 1 1800 900 "
                       "604800 60\n@ IN NS a.root-servers.test.\n", -1, &error);
  g_assert_no_error (error);
  knot = md_test_knot_new (zones, &error);
  if (knot == NULL)
    {
      g_test_skip (error->message);
      return;
    }

  resolver = md_test_knot_new_resolver (knot);
  subject = md_check_subject_new ("203.0.113.7", "contoso.com", NULL, NULL, &error);
  g_assert_no_error (error);
  options->resolver = g_strdup (md_test_knot_get_address (knot));
  run = md_check_run_new (MD_DNS_SOURCE (resolver), subject, options);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 720, -1);
  banner = MD_RESOLVER_BANNER (md_resolver_banner_new ());
  gtk_widget_set_margin_top (GTK_WIDGET (banner), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (banner), 12);
  gtk_widget_set_margin_start (GTK_WIDGET (banner), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (banner), 12);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (banner));
  md_resolver_banner_set_run (banner, run);
  gtk_window_present (GTK_WINDOW (window));

  /* nothing to say while the resolver is being probed */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (banner)));

  md_check_run_start_async (run, NULL, run_cb, &data);
  g_assert_true (md_test_gui_wait (is_done, &data, 20000));
  md_test_gui_settle (400);

  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (banner)));
  g_assert_cmpstr (md_resolver_banner_get_title (banner), ==,
                   german ? "Ihr DNS-Resolver unterschlägt vorhandene Namen"
                          : "Your DNS resolver denies names that exist");
  g_assert_nonnull (strstr (md_resolver_banner_get_detail (banner),
                            md_test_knot_get_address (knot)));
  g_assert_nonnull (strstr (md_resolver_banner_get_detail (banner),
                            german ? "„Name existiert nicht“" : "“no such name”"));

  button = md_test_gui_find_type (GTK_WIDGET (banner), GTK_TYPE_BUTTON);
  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==,
                   "app.preferences");

  /* the rows it explains: reverse DNS, SPF, DMARC … */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (run)); i++)
    {
      g_autoptr(MdCheck) check = g_list_model_get_item (G_LIST_MODEL (run), i);

      if (md_resolver_banner_check_is_affected (check))
        affected++;
    }
  g_assert_cmpuint (affected, >=, 3);
  g_assert_true (md_resolver_banner_check_is_affected (md_check_run_lookup (run, "rdns")));

  name = g_strdup_printf ("resolver-banner-%s", md_test_gui_language ());
  png = md_test_gui_snapshot (window, name);
  g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));

  /* a run that is trusted needs no banner */
  md_resolver_banner_set_run (banner, NULL);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (banner)));

  gtk_window_destroy (GTK_WINDOW (window));
  g_remove (root);
  g_rmdir (dir);
}

/* Preferences → Checks has the DQS key field; a pasted text that is no key
 * is refused on the spot and never stored. */
static void
test_dqs_key_field (void)
{
  MdPreferencesWindow *prefs = md_preferences_window_new (app);
  GtkWidget *row;

  gtk_window_present (GTK_WINDOW (prefs));
  md_test_gui_settle (200);

  row = md_test_gui_find_type (GTK_WIDGET (prefs), ADW_TYPE_PASSWORD_ENTRY_ROW);
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==,
                   g_str_equal (md_test_gui_language (), "de") ? "DQS-Schlüssel" : "DQS Key");

  gtk_editable_set_text (GTK_EDITABLE (row), "abc.evil.example.net");
  g_signal_emit_by_name (row, "apply");
  g_assert_true (gtk_widget_has_css_class (row, "error"));

  gtk_window_destroy (GTK_WINDOW (prefs));
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

  g_test_add_func ("/MailDoctor/ResolverBanner/denies", test_banner_denies);
  g_test_add_func ("/MailDoctor/ResolverBanner/dqs-key-field", test_dqs_key_field);

  ret = g_test_run ();

  g_clear_object (&app);

  return ret;
}
