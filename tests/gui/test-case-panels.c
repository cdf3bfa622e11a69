/* test-case-panels.c — the engine's answers in the case view, against a lying resolver
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's resolver is a Knot DNS that serves only the root zone, so it
 * answers "no such name" for every name that exists (a captive portal, a
 * filtering resolver). The case view shows one banner and one summary row
 * instead of a red row per check, and the request states nothing that
 * resolver said; its runs carry the Spamhaus DQS key from the keyring (a
 * Secret Service of the test's own). Then: the prompt for the sending
 * domain the bounce did not name, the follow-up's "what Microsoft
 * answered", a text with more rejections than are kept, and input over the
 * limit by paste and drop.
 * In English and German (LANGUAGE).
 */

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "md-application.h"
#include "md-case-view.h"
#include "md-check-row.h"
#include "md-rejection-parser.h"
#include "md-resolver-banner.h"
#include "md-settings.h"
#include "md-test-gui.h"
#include "md-test-knot.h"
#include "md-test-window.h"
#include "md-window.h"

/* The key the keyring holds in these tests (letters and digits: one DNS
 * label). Served by a Secret Service of the test's own on the private
 * session bus, so the window reads it as it reads the desktop's keyring. */
#define TEST_DQS_KEY "testdqskey4711"

static const char *keyring_key = TEST_DQS_KEY;

static const char secret_service_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.Secret.Service'>"
  "    <method name='OpenSession'>"
  "      <arg name='algorithm' type='s' direction='in'/>"
  "      <arg name='input' type='v' direction='in'/>"
  "      <arg name='output' type='v' direction='out'/>"
  "      <arg name='result' type='o' direction='out'/>"
  "    </method>"
  "    <method name='SearchItems'>"
  "      <arg name='attributes' type='a{ss}' direction='in'/>"
  "      <arg name='unlocked' type='ao' direction='out'/>"
  "      <arg name='locked' type='ao' direction='out'/>"
  "    </method>"
  "    <method name='GetSecrets'>"
  "      <arg name='items' type='ao' direction='in'/>"
  "      <arg name='session' type='o' direction='in'/>"
  "      <arg name='secrets' type='a{o(oayays)}' direction='out'/>"
  "    </method>"
  "    <property name='Collections' type='ao' access='read'/>"
  "  </interface>"
  "</node>";

#define ITEM_PATH "/org/freedesktop/secrets/collection/login/1"
#define SESSION_PATH "/org/freedesktop/secrets/session/1"

static void
secret_service_method_cb (GDBusConnection       *connection,
                          const char            *sender,
                          const char            *object_path,
                          const char            *interface_name,
                          const char            *method_name,
                          GVariant              *parameters,
                          GDBusMethodInvocation *invocation,
                          gpointer               user_data)
{
  if (g_str_equal (method_name, "OpenSession"))
    {
      const char *algorithm;

      g_variant_get (parameters, "(&sv)", &algorithm, NULL);
      /* Plain transfer only: libsecret falls back to it. */
      if (!g_str_equal (algorithm, "plain"))
        {
          g_dbus_method_invocation_return_dbus_error (invocation,
                                                      "org.freedesktop.DBus.Error.NotSupported",
                                                      "plain only");
          return;
        }
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(vo)", g_variant_new_string (""),
                                                            SESSION_PATH));
    }
  else if (g_str_equal (method_name, "SearchItems"))
    {
      GVariant *attributes = g_variant_get_child_value (parameters, 0);
      const char *key_id = NULL;
      const char *unlocked[] = { ITEM_PATH, NULL };
      const char *none[] = { NULL };

      g_variant_lookup (attributes, "key-id", "&s", &key_id);
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(^ao^ao)",
                                                            g_strcmp0 (key_id, "spamhaus-dqs") == 0
                                                            ? unlocked : none, none));
      g_variant_unref (attributes);
    }
  else if (g_str_equal (method_name, "GetSecrets"))
    {
      GVariantBuilder secrets;

      g_variant_builder_init (&secrets, G_VARIANT_TYPE ("a{o(oayays)}"));
      g_variant_builder_add (&secrets, "{o(o@ay@ays)}", ITEM_PATH, SESSION_PATH,
                             g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, "", 0, 1),
                             g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, keyring_key,
                                                        strlen (keyring_key), 1),
                             "text/plain");
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(a{o(oayays)})",
                                                                        &secrets));
    }
  else
    {
      g_dbus_method_invocation_return_dbus_error (invocation,
                                                  "org.freedesktop.DBus.Error.UnknownMethod",
                                                  method_name);
    }
}

static GVariant *
secret_service_get_property_cb (GDBusConnection  *connection,
                                const char       *sender,
                                const char       *object_path,
                                const char       *interface_name,
                                const char       *property_name,
                                GError          **error,
                                gpointer          user_data)
{
  const char *collections[] = { "/org/freedesktop/secrets/collection/login", NULL };

  return g_variant_new_objv (collections, -1);
}

static gboolean name_acquired;

static void
name_acquired_cb (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  name_acquired = TRUE;
}

static gboolean
name_acquired_wait_cb (gpointer data)
{
  return name_acquired;
}

static void
start_secret_service (void)
{
  static const GDBusInterfaceVTable vtable = {
    secret_service_method_cb, secret_service_get_property_cb, NULL, { 0 }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_autoptr(GDBusNodeInfo) info = NULL;

  g_assert_no_error (error);
  info = g_dbus_node_info_new_for_xml (secret_service_xml, &error);
  g_assert_no_error (error);
  g_dbus_connection_register_object (bus, "/org/freedesktop/secrets", info->interfaces[0],
                                     &vtable, NULL, NULL, &error);
  g_assert_no_error (error);
  g_bus_own_name_on_connection (bus, "org.freedesktop.secrets", G_BUS_NAME_OWNER_FLAGS_NONE,
                                name_acquired_cb, NULL, NULL, NULL);
  g_assert_true (md_test_gui_wait (name_acquired_wait_cb, NULL, 5000));
}

/* What this file keeps besides the window's fixture. */
static MdTestWindowFixture fixture;
static char *root_zone;

/* Short, as most assertions name both languages. */
#define expect md_test_gui_expect

static MdWindow *
ensure_window (void)
{
  return md_test_window_ensure (fixture.app);
}

/* The first preferences row (of @type) whose title starts with @prefix. */
static GtkWidget *
find_row (GtkWidget  *root,
          GType       type,
          const char *prefix)
{
  g_autoptr(GPtrArray) rows = md_test_gui_find_all (root, type);

  for (guint i = 0; i < rows->len; i++)
    {
      const char *title = adw_preferences_row_get_title (g_ptr_array_index (rows, i));

      if (title != NULL && g_str_has_prefix (title, prefix))
        return g_ptr_array_index (rows, i);
    }

  return NULL;
}

static gboolean
summary_shown_cb (gpointer data)
{
  GtkWidget *panel = data;
  GtkWidget *row = find_row (panel, ADW_TYPE_EXPANDER_ROW,
                             expect ("checks could not decide", "Prüfungen sind nicht"));

  /* The title starts with the count. */
  if (row == NULL)
    {
      g_autoptr(GPtrArray) rows = md_test_gui_find_all (panel, ADW_TYPE_EXPANDER_ROW);

      for (guint i = 0; i < rows->len && row == NULL; i++)
        {
          const char *title = adw_preferences_row_get_title (g_ptr_array_index (rows, i));

          if (title != NULL && strstr (title, expect (" checks could not decide: ",
                                                      " Prüfungen sind nicht entscheidbar: ")))
            row = g_ptr_array_index (rows, i);
        }
    }

  return row != NULL && gtk_widget_is_visible (row);
}

static GtkWidget *
summary_row (GtkWidget *panel)
{
  g_autoptr(GPtrArray) rows = md_test_gui_find_all (panel, ADW_TYPE_EXPANDER_ROW);

  for (guint i = 0; i < rows->len; i++)
    {
      const char *title = adw_preferences_row_get_title (g_ptr_array_index (rows, i));

      if (title != NULL && strstr (title, expect (" checks could not decide: ",
                                                  " Prüfungen sind nicht entscheidbar: ")))
        return g_ptr_array_index (rows, i);
    }

  return NULL;
}

/* Issue 10: a resolver that denies every name. One banner, one summary
 * row, no red rows, and a request without a fact from that resolver. */
static void
test_resolver_banner (void)
{
  MdWindow *window;
  MdCaseView *view;
  MdCaseSession *session;
  MdCheckRun *run;
  MdResolverBanner *banner;
  GtkWidget *checks_panel;
  GtkWidget *row;
  g_autoptr(GPtrArray) check_rows = NULL;
  g_autoptr(MdDraft) draft = NULL;
  g_autofree char *title = NULL;
  g_autofree char *png = NULL;
  guint affected = 0;
  guint inside = 0;
  static const char *const never[] = {
    "SPF", "DKIM", "DMARC", "Reverse DNS", "PTR", "HELO", "block list we checked",
    "block lists we", "MTA-STS",
    "no record", "does not exist", "none",
  };

  window = ensure_window ();
  view = md_window_get_case_view (window);
  /* The keyring is read when the view is built; give it the time it takes
   * on a slow build before the paste starts a run. */
  md_test_gui_settle (1000);

  md_window_load_text (window, md_test_window_seed_rejection);
  g_assert_true (md_test_gui_wait (md_test_window_session_shown_cb, window, 10000));
  g_assert_true (md_test_gui_wait (md_test_window_checks_finished_cb, window, 30000));
  session = md_case_view_get_session (view);
  run = md_case_session_get_check_run (session);
  g_assert_cmpint (md_check_run_get_resolver_trust (run), ==, MD_RESOLVER_TRUST_DENIES);

  banner = MD_RESOLVER_BANNER (md_test_gui_find_type (GTK_WIDGET (view),
                                                      MD_TYPE_RESOLVER_BANNER));
  g_assert_nonnull (banner);
  checks_panel = gtk_widget_get_ancestor (GTK_WIDGET (banner), g_type_from_name ("MdChecksPanel"));
  g_assert_nonnull (checks_panel);
  g_assert_true (md_resolver_banner_get_run (banner) == run);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (banner)));
  g_assert_cmpstr (md_resolver_banner_get_title (banner), ==,
                   expect ("Your DNS resolver denies names that exist",
                           "Ihr DNS-Resolver unterschlägt vorhandene Namen"));
  g_assert_nonnull (strstr (md_resolver_banner_get_detail (banner),
                            md_test_knot_get_address (fixture.knot)));

  /* One summary row, with the count, instead of a row per check. */
  g_assert_true (md_test_gui_wait (summary_shown_cb, checks_panel, 5000));
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (run)); i++)
    {
      g_autoptr(MdCheck) check = g_list_model_get_item (G_LIST_MODEL (run), i);

      if (md_resolver_banner_check_is_affected (check))
        affected++;
    }
  g_assert_cmpuint (affected, >=, 3);
  row = summary_row (checks_panel);
  g_assert_nonnull (row);
  if (g_str_equal (md_test_gui_language (), "de"))
    title = g_strdup_printf ("%u Prüfungen sind nicht entscheidbar: der Resolver unterschlägt "
                             "vorhandene Namen", affected);
  else
    title = g_strdup_printf ("%u checks could not decide: the resolver denies names that exist",
                             affected);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, title);
  /* Closed until the user opens it; the checks are in it, and nowhere else. */
  g_assert_false (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (row)));
  check_rows = md_test_gui_find_all (checks_panel, MD_TYPE_CHECK_ROW);
  for (guint i = 0; i < check_rows->len; i++)
    {
      MdCheckRow *check_row = g_ptr_array_index (check_rows, i);

      g_assert_false (md_resolver_banner_check_is_affected (md_check_row_get_check (check_row)));
    }
  /* Named in the summary row, one row each. */
  {
    g_autoptr(GPtrArray) named = md_test_gui_find_all (row, ADW_TYPE_ACTION_ROW);
    g_autoptr(GHashTable) titles = g_hash_table_new (g_str_hash, g_str_equal);

    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (run)); i++)
      {
        g_autoptr(MdCheck) check = g_list_model_get_item (G_LIST_MODEL (run), i);

        if (md_resolver_banner_check_is_affected (check))
          g_hash_table_add (titles, (gpointer) md_check_get_title (check));
      }
    for (guint i = 0; i < named->len; i++)
      if (g_hash_table_contains (titles,
                                 adw_preferences_row_get_title (g_ptr_array_index (named, i))))
        inside++;
  }
  g_assert_cmpuint (inside, ==, affected);
  g_assert_nonnull (md_test_gui_find_label (row, expect ("Reverse DNS", "Reverse-DNS")));
  g_assert_true (md_resolver_banner_check_is_affected (md_check_run_lookup (run, "rdns")));

  /* The window's run has the DQS key from the keyring. */
  {
    const MdCheckRunOptions *options = md_check_run_get_options (run);

    g_assert_nonnull (options->keys);
    g_assert_cmpstr (g_hash_table_lookup (options->keys, "spamhaus-dqs"), ==, TEST_DQS_KEY);
  }

  /* The request drafted now: what the resolver said stays out of it. */
  draft = md_case_view_dup_draft (view);
  g_assert_nonnull (draft);
  g_test_message ("request: %s", draft->body);
  g_assert_nonnull (strstr (draft->body, "203.0.113.7"));
  for (guint i = 0; i < G_N_ELEMENTS (never); i++)
    {
      g_test_message ("never in the request: %s", never[i]);
      g_assert_null (strstr (draft->body, never[i]));
    }

  md_case_view_scroll_to (view, "checks");
  png = md_test_window_snapshot (GTK_WIDGET (window), "case-resolver-banner");

  /* Opened, the summary lists the checks it stands for. */
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
  md_test_gui_settle (400);
  g_free (md_test_window_snapshot (checks_panel, "case-resolver-summary-open"));
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), FALSE);
}

static gboolean
key_in_run_cb (gpointer data)
{
  MdWindow *window = md_test_window_get_active (fixture.app);
  MdCaseSession *session = md_case_view_get_session (md_window_get_case_view (window));
  MdCheckRun *run = md_case_session_get_check_run (session);
  const MdCheckRunOptions *options = md_check_run_get_options (run);

  return md_test_window_checks_finished_cb (window) && options->keys != NULL &&
         g_strcmp0 (g_hash_table_lookup (options->keys, "spamhaus-dqs"), data) == 0;
}

/* A key stored in Preferences reaches the next run of the open case. */
static void
test_dqs_key_changed (void)
{
  MdWindow *window = ensure_window ();
  MdCaseView *view = md_window_get_case_view (window);

  keyring_key = "otherdqskey42";
  md_settings_list_keys_changed (md_settings_get_default ());
  md_test_gui_settle (300);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "case.recheck", NULL));
  g_assert_true (md_test_gui_wait (key_in_run_cb, (gpointer) "otherdqskey42", 30000));
  keyring_key = TEST_DQS_KEY;
}

static gboolean
domain_checked_cb (gpointer data)
{
  MdCaseView *view = md_window_get_case_view (data);
  MdCaseSession *session = md_case_view_get_session (view);
  const MdCheckSubject *subject = md_case_session_get_checked_subject (session);

  return subject != NULL && g_strcmp0 (subject->domain, "contoso.com") == 0 &&
         md_test_window_checks_finished_cb (data);
}

/* Issue 10: the bounce names no sending domain and the user set none. SPF,
 * DKIM and DMARC say they are not checked and ask; the answer runs them. */
static void
test_domain_prompt (void)
{
  MdWindow *window = md_test_window_get_active (fixture.app);
  MdCaseView *view = md_window_get_case_view (window);
  MdCaseSession *session = md_case_view_get_session (view);
  g_autoptr(MdSubjectGuess) guess = md_case_session_guess_subject (session, NULL);
  MdCheckRun *run;
  GtkWidget *row;
  GtkWidget *group;

  g_assert_cmpint (guess->domain_source, ==, MD_DOMAIN_SOURCE_NONE);
  g_assert_null (md_case_session_get_checked_subject (session)->domain);

  row = find_row (GTK_WIDGET (view), ADW_TYPE_ENTRY_ROW,
                  expect ("Not checked: which domain sends this mail?",
                          "Nicht geprüft: Welche Domain versendet diese Mail?"));
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_is_visible (row));
  group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);
  g_assert_cmpstr (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (group)), ==,
                   expect ("SPF, DKIM and DMARC", "SPF, DKIM und DMARC"));
  /* Nothing about SPF or DMARC ran without the domain. */
  run = md_case_session_get_check_run (session);
  g_assert_null (md_check_run_lookup (run, "spf"));
  g_assert_null (md_check_run_lookup (run, "dmarc"));

  md_case_view_scroll_to (view, "checks");
  g_free (md_test_window_snapshot (GTK_WIDGET (window), "case-domain-prompt"));

  gtk_editable_set_text (GTK_EDITABLE (row), "contoso.com");
  g_signal_emit_by_name (row, "apply");
  g_assert_true (md_test_gui_wait (domain_checked_cb, window, 30000));
  run = md_case_session_get_check_run (session);
  g_assert_nonnull (md_check_run_lookup (run, "spf"));
  g_assert_nonnull (md_check_run_lookup (run, "dmarc"));
  g_assert_false (gtk_widget_is_visible (row));
  /* Through this resolver they could not decide, like the rest. */
  g_assert_true (md_resolver_banner_check_is_affected (md_check_run_lookup (run, "spf")));
}

static gboolean
answer_saved_cb (gpointer data)
{
  MdCaseSession *session = data;
  g_autofree char *saved = md_case_store_dup_request_edits (md_case_session_get_store (session),
                                                            md_case_session_get_case_id (session),
                                                            NULL);

  return saved != NULL && strstr (saved, "\"none\"") != NULL;
}

/* Issue 13: the follow-up says what Microsoft answered, as the user tells
 * it, and goes to the documented address. */
static void
test_follow_up_answer (void)
{
  MdWindow *window = md_test_window_get_active (fixture.app);
  MdCaseView *view = md_window_get_case_view (window);
  MdCaseSession *session = md_case_view_get_session (view);
  g_autoptr(MdDraft) unknown = NULL;
  g_autoptr(MdDraft) none = NULL;
  g_autofree char *saved = NULL;
  GtkWidget *row;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.follow-up", NULL));
  md_test_gui_settle (200);
  row = find_row (GTK_WIDGET (md_case_view_get_request_panel (view)), ADW_TYPE_COMBO_ROW,
                  expect ("What Microsoft Answered", "Antwort von Microsoft"));
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_is_visible (row));

  /* Until the user says, the mail claims no answer. */
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (row)), ==,
                    MD_FOLLOW_UP_ANSWER_UNKNOWN);
  unknown = md_case_view_dup_draft (view);
  g_assert_nonnull (unknown);
  g_assert_cmpstr (unknown->channel_id, ==, "microsoft-follow-up");
  g_assert_cmpstr (unknown->recipient, ==, "delist@microsoft.com");

  adw_combo_row_set_selected (ADW_COMBO_ROW (row), MD_FOLLOW_UP_ANSWER_NONE);
  {
    GtkStringObject *item = adw_combo_row_get_selected_item (ADW_COMBO_ROW (row));

    g_assert_cmpstr (gtk_string_object_get_string (item), ==,
                     expect ("No answer after 48 hours", "Keine Antwort nach 48 Stunden"));
  }
  none = md_case_view_dup_draft (view);
  g_assert_cmpstr (none->recipient, ==, "delist@microsoft.com");
  g_assert_cmpstr (none->body, !=, unknown->body);
  g_assert_nonnull (strstr (none->body, "48 hours"));

  /* The choice is part of the case's request edits (saved on the store's
   * writer thread). */
  g_assert_true (md_test_gui_wait (answer_saved_cb, session, 5000));
  saved = md_case_store_dup_request_edits (md_case_session_get_store (session),
                                           md_case_session_get_case_id (session), NULL);
  g_assert_nonnull (saved);
  g_assert_nonnull (strstr (saved, "\"answers\""));
  g_assert_nonnull (strstr (saved, "\"none\""));

  /* The request panel alone, whatever the scroll position. */
  g_free (md_test_window_snapshot (GTK_WIDGET (md_case_view_get_request_panel (view)),
                                   "case-follow-up-answer"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "case.back-to-request", NULL));
}

static gboolean session_changed_cb (gpointer data);
static gint64   shown_case_id      (MdCaseView *view);

/* Issue 11: a log pasted as a bounce, with more rejections than are kept. */
static void
test_truncated (void)
{
  MdWindow *window = ensure_window ();
  MdCaseView *view = md_window_get_case_view (window);
  gint64 before = shown_case_id (view);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *expected = NULL;
  MdDiagnosis *diagnosis;
  GtkWidget *label;

  for (guint i = 0; i < 1001; i++)
    g_string_append_printf (text,
                            "Dec  3 10:%02u:%02u mx postfix/smtp[1234]: 4AB%05X: "
                            "to=<user%u@contoso.com>, "
                            "relay=contoso-com.mail.protection.outlook.com[40.93.207.0]:25, "
                            "delay=1, delays=0/0/0/1, dsn=5.7.511, status=bounced (host "
                            "contoso-com.mail.protection.outlook.com[40.93.207.0] said: 550 "
                            "5.7.511 Access denied, banned sender[203.0.113.7]. To request "
                            "removal from this list please forward this message to "
                            "delist@messaging.microsoft.com. (in reply to RCPT TO command))\n",
                            i / 60 % 60, i % 60, i, i);
  gtk_window_set_focus (GTK_WINDOW (window), NULL);
  md_window_load_text (window, text->str);
  g_assert_true (md_test_gui_wait (session_changed_cb, &before, 20000));
  diagnosis = md_case_session_get_diagnosis (md_case_view_get_session (view));
  g_assert_true (md_diagnosis_is_truncated (diagnosis));

  expected = g_strdup (expect ("Only the first 1000 of 1001 rejections are shown. Open Mail "
                               "Log… reads a whole log and counts them all.",
                               "Nur die ersten 1000 von 1001 Ablehnungen werden gezeigt. "
                               "„Mail-Log öffnen …“ liest ein ganzes Log und zählt sie alle."));
  label = md_test_gui_find_label (GTK_WIDGET (view), expected);
  g_assert_nonnull (label);
  g_assert_true (gtk_widget_is_visible (label));
  g_assert_nonnull (md_test_gui_find_label (gtk_widget_get_parent (label),
                                            expect ("Open Mail _Log…", "Mail-_Log öffnen …")));
  md_case_view_scroll_to (view, "diagnosis");
  g_free (md_test_window_snapshot (GTK_WIDGET (window), "case-truncated"));
}

static GtkWindow *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }

  return NULL;
}

static gboolean
dialog_shown_cb (gpointer data)
{
  return find_dialog () != NULL;
}

/* Another case than @data (a gint64 *: the case id before) is shown. */
static gboolean
session_changed_cb (gpointer data)
{
  MdWindow *window = md_test_window_get_active (fixture.app);
  MdCaseSession *session = md_case_view_get_session (md_window_get_case_view (window));

  return session != NULL && md_case_session_get_case_id (session) != *(gint64 *) data &&
         md_test_window_session_shown_cb (window);
}

static gint64
shown_case_id (MdCaseView *view)
{
  MdCaseSession *session = md_case_view_get_session (view);

  return session != NULL ? md_case_session_get_case_id (session) : -1;
}

/* Issue 12: the clipboard is read through the bounded reader; a dropped
 * text over the limit is refused with the words a file gets. */
static void
test_bounded_input (void)
{
  MdWindow *window = ensure_window ();
  MdCaseView *view = md_window_get_case_view (window);
  gint64 before = shown_case_id (view);
  g_autoptr(GListModel) controllers = NULL;
  GtkDropTarget *target = NULL;
  GValue value = G_VALUE_INIT;
  GtkWindow *dialog;
  char *huge;
  gboolean handled = FALSE;
  gsize limit = MD_REJECTION_PARSER_MAX_INPUT;

  /* A paste goes through. */
  gtk_window_set_focus (GTK_WINDOW (window), NULL);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (window)),
                          md_test_window_seed_rejection);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.paste", NULL));
  g_assert_true (md_test_gui_wait (session_changed_cb, &before, 10000));
  g_assert_cmpstr (md_case_session_get_rejection (md_case_view_get_session (view), 0)->blocked_ip,
                   ==, "203.0.113.7");

  /* One byte over the limit, dropped. */
  controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
  for (guint i = 0; i < g_list_model_get_n_items (controllers) && target == NULL; i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        target = GTK_DROP_TARGET (controller);
    }
  g_assert_nonnull (target);

  huge = g_malloc (limit + 2);
  memset (huge, 'x', limit + 1);
  huge[limit + 1] = '\0';
  g_value_init (&value, G_TYPE_STRING);
  g_value_take_string (&value, huge);
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &handled);
  g_value_unset (&value);
  g_assert_true (handled);

  g_assert_true (md_test_gui_wait (dialog_shown_cb, NULL, 5000));
  dialog = find_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   expect ("Too Large", "Zu groß"));
  g_assert_cmpstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), ==,
                   expect ("MailDoctor cannot read this: the input is larger than 512 MB, the "
                           "most MailDoctor reads.",
                           "MailDoctor kann dies nicht lesen: die Eingabe ist größer als 512 MB, "
                           "mehr liest MailDoctor nicht."));
  gtk_window_destroy (dialog);
  /* The case shown stays. */
  g_assert_nonnull (md_case_view_get_session (view));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = NULL;
  const char *zones[2] = { NULL, NULL };
  const char *none[1] = { NULL };
  int ret;

  if (!md_test_gui_init (&argc, &argv))
    return g_test_run ();

  if (!md_test_knot_is_available ())
    {
      g_test_skip ("knotd is not installed (the test command installs it)");
      return g_test_run ();
    }

  md_test_window_fixture_init (&fixture, "maildoctor-panels-XXXXXX");
  /* Only the root: "no such name" for every name that exists. */
  root_zone = g_build_filename (fixture.tmpdir, "root.zone", NULL);
  g_file_set_contents (root_zone,
                       "$ORIGIN .\n$TTL 60\n"
                       "@ IN SOA a.root-servers.test. hostmaster.root-servers.test. 1 1800 900 "
                       "604800 60\n@ IN NS a.root-servers.test.\n", -1, &error);
  g_assert_no_error (error);
  zones[0] = root_zone;
  settings = md_test_window_fixture_use_knot (&fixture, zones);
  g_settings_set_strv (settings, "sending-domains", none);

  start_secret_service ();

  md_test_window_fixture_start_app (&fixture);

  g_test_add_func ("/MailDoctor/CasePanels/resolver-banner", test_resolver_banner);
  g_test_add_func ("/MailDoctor/CasePanels/dqs-key-changed", test_dqs_key_changed);
  g_test_add_func ("/MailDoctor/CasePanels/domain-prompt", test_domain_prompt);
  g_test_add_func ("/MailDoctor/CasePanels/follow-up-answer", test_follow_up_answer);
  g_test_add_func ("/MailDoctor/CasePanels/truncated", test_truncated);
  g_test_add_func ("/MailDoctor/CasePanels/bounded-input", test_bounded_input);

  ret = g_test_run ();

  md_test_window_fixture_clear (&fixture);
  g_free (root_zone);

  return ret;
}
