/* test-probe-panel.c — "Test From Your Server" in a real window
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A case from the seed rejection → the panel shows the swaks command for
 * its recipient and rejecting host (nc on request) → a pasted transcript
 * that is still rejected goes into the timeline → an accepted one offers
 * "Mark as Delisted", which Undo takes back. In English and German.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "md-application.h"
#include "md-case-session.h"
#include "md-probe-panel.h"
#include "md-test-gui.h"

static const char seed_rejection[] =
  "<someone@contoso.com>: host css-one-microsoft-com.mail.protection.outlook.com[40.93.207.0] "
  "said: 550 5.7.511 Access denied, banned sender[203.0.113.7]. To request removal from this "
  "list please forward this message to delist@messaging.microsoft.com. AS(1410) "
  "(in reply to RCPT TO command)\n";

static const char rejected_transcript[] =
  "<-  220 mx ESMTP\n -> EHLO mail.example.org\n<-  250 ok\n -> MAIL FROM:<>\n<-  250 ok\n"
  " -> RCPT TO:<someone@contoso.com>\n"
  "<** 550 5.7.511 Access denied, banned sender[203.0.113.7]\n -> QUIT\n<-  221 bye\n";

static const char accepted_transcript[] =
  "<-  220 mx ESMTP\n -> EHLO mail.example.org\n<-  250 ok\n -> MAIL FROM:<>\n<-  250 ok\n"
  " -> RCPT TO:<someone@contoso.com>\n<-  250 2.1.5 Recipient OK\n -> QUIT\n<-  221 bye\n";

static const char *
expect (const char *english,
        const char *german)
{
  return g_str_equal (md_test_gui_language (), "de") ? german : english;
}

typedef struct
{
  MdCaseSession *session;
  GError        *error;
  gboolean       done;
} NewSession;

static void
session_ready_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  NewSession *data = user_data;

  data->session = md_case_session_new_from_input_finish (result, &data->error);
  data->done = TRUE;
}

static gboolean
done_cb (gpointer data)
{
  return ((NewSession *) data)->done;
}

static void
paste_and_read (MdProbePanel *panel,
                const char   *transcript)
{
  GtkTextView *view = GTK_TEXT_VIEW (md_test_gui_find_type (GTK_WIDGET (panel),
                                                            GTK_TYPE_TEXT_VIEW));

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), transcript, -1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "probe.read-result", NULL));
  md_test_gui_settle (100);
}

static const MdCaseEvent *
last_event (GPtrArray *events)
{
  return g_ptr_array_index (events, events->len - 1);
}

/* The panel writes on the store's writer thread: the test waits for the
 * write to land, as the window's timeline does ("case-changed"). */
typedef struct
{
  MdCaseSession   *session;
  MdCaseEventKind  kind;
  MdCaseStatus     status;
} Expected;

static gboolean
last_event_is_cb (gpointer data)
{
  Expected *expected = data;
  g_autoptr(GPtrArray) events = md_case_session_list_events (expected->session, NULL);

  return events != NULL && events->len > 0 && last_event (events)->kind == expected->kind;
}

static gboolean
hidden_cb (gpointer data)
{
  return !gtk_widget_get_visible (data);
}

static gboolean
status_is_cb (gpointer data)
{
  Expected *expected = data;
  g_autoptr(MdCase) the_case = md_case_session_dup_case (expected->session);

  return the_case != NULL && the_case->status == expected->status;
}

static void
test_panel (void)
{
  g_autofree char *dir = g_dir_make_tmp ("md-probe-gui-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "cases.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCaseStore) store = md_case_store_new (db, &error);
  g_autoptr(GBytes) input = g_bytes_new_static (seed_rejection, strlen (seed_rejection));
  g_autofree char *png = NULL;
  NewSession data = { 0, };
  AdwWindow *window;
  GtkWidget *overlay, *scrolled, *clamp;
  MdProbePanel *panel;
  GtkWidget *row, *delisted;

  g_assert_no_error (error);
  md_case_session_new_from_input_async (store, input, NULL, session_ready_cb, &data);
  g_assert_true (md_test_gui_wait (done_cb, &data, 5000));
  g_assert_no_error (data.error);

  window = ADW_WINDOW (adw_window_new ());
  gtk_window_set_default_size (GTK_WINDOW (window), 720, 620);
  overlay = adw_toast_overlay_new ();
  scrolled = gtk_scrolled_window_new ();
  clamp = adw_clamp_new ();
  panel = MD_PROBE_PANEL (md_probe_panel_new ());
  gtk_widget_set_margin_top (GTK_WIDGET (panel), 24);
  gtk_widget_set_margin_bottom (GTK_WIDGET (panel), 24);
  gtk_widget_set_margin_start (GTK_WIDGET (panel), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (panel), 12);
  adw_clamp_set_child (ADW_CLAMP (clamp), GTK_WIDGET (panel));
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), scrolled);
  adw_window_set_content (window, overlay);
  md_probe_panel_set_session (panel, data.session);
  gtk_window_present (GTK_WINDOW (window));
  md_test_gui_settle (300);

  /* The command tests the case's recipient at the host that rejected it. */
  g_assert_nonnull (md_test_gui_find_label (GTK_WIDGET (panel),
                                            "swaks --to 'someone@contoso.com' --server "
                                            "'css-one-microsoft-com.mail.protection.outlook.com' "
                                            "--quit-after RCPT --from '<>'"));

  adw_combo_row_set_selected (ADW_COMBO_ROW (md_test_gui_find_type (GTK_WIDGET (panel),
                                                                    ADW_TYPE_COMBO_ROW)), 2);
  md_test_gui_settle (50);
  g_assert_null (md_test_gui_find_label (GTK_WIDGET (panel),
                                         "swaks --to 'someone@contoso.com' --server "
                                         "'css-one-microsoft-com.mail.protection.outlook.com' "
                                         "--quit-after RCPT --from '<>'"));
  adw_combo_row_set_selected (ADW_COMBO_ROW (md_test_gui_find_type (GTK_WIDGET (panel),
                                                                    ADW_TYPE_COMBO_ROW)), 0);

  /* Still rejected: the timeline says so. */
  paste_and_read (panel, rejected_transcript);
  row = md_test_gui_find_label (GTK_WIDGET (panel),
                                expect ("Still rejected with 5.7.511 at RCPT TO.",
                                        "Weiterhin abgelehnt mit 5.7.511 bei RCPT TO."));
  g_assert_nonnull (row);
  g_assert_true (md_test_gui_wait (last_event_is_cb,
                                   &(Expected) { data.session, MD_CASE_EVENT_PROBE_REJECTED, 0 },
                                   5000));
  delisted = md_test_gui_find_label (GTK_WIDGET (panel),
                                     _("Mark as _Delisted"));
  g_assert_nonnull (delisted);
  g_assert_false (gtk_widget_get_visible (delisted));

  /* Accepted: the panel offers the status, and Undo takes it back. */
  paste_and_read (panel, accepted_transcript);
  g_assert_true (md_test_gui_wait (last_event_is_cb,
                                   &(Expected) { data.session, MD_CASE_EVENT_PROBE_ACCEPTED, 0 },
                                   5000));
  g_assert_true (gtk_widget_get_visible (delisted));
  png = md_test_gui_snapshot (GTK_WIDGET (window), expect ("probe-en", "probe-de"));
  g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "probe.mark-delisted", NULL));
  g_assert_true (md_test_gui_wait (status_is_cb,
                                   &(Expected) { data.session, 0, MD_CASE_STATUS_DELISTED },
                                   5000));
  /* The button goes once the status is stored; Undo goes back to the
   * status read in that same write. */
  g_assert_true (md_test_gui_wait (hidden_cb, delisted, 5000));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "probe.undo-status", NULL));
  g_assert_true (md_test_gui_wait (status_is_cb,
                                   &(Expected) { data.session, 0, MD_CASE_STATUS_OPEN },
                                   5000));
  g_assert_true (md_test_gui_wait ((gboolean (*) (gpointer)) gtk_widget_get_visible,
                                   delisted, 5000));

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&data.session);
  g_clear_object (&store);
  g_unlink (db);
  {
    g_autofree char *wal = g_strconcat (db, "-wal", NULL);
    g_autofree char *shm = g_strconcat (db, "-shm", NULL);
    g_unlink (wal);
    g_unlink (shm);
  }
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(MdApplication) app = NULL;
  g_autoptr(GError) error = NULL;

  if (!md_test_gui_init (&argc, &argv))
    return g_test_run ();

  /* The application registers the window's resources and style. */
  app = md_application_new (APP_ID, G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  g_test_add_func ("/MailDoctor/Gui/probe-panel", test_panel);

  return g_test_run ();
}
