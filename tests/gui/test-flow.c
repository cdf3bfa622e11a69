/* test-flow.c — the main flow in a real window, against Knot DNS
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Paste the seed rejection → the diagnosis shows Microsoft 5.7.511 and the
 * blocked IP → the checks complete with the statuses the test zones dictate
 * → the draft names the right address and carries the attachment → the case
 * survives a restart of the app. In English and German (LANGUAGE).
 */

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "md-application.h"
#include "md-case-row.h"
#include "md-case-view.h"
#include "md-check-row.h"
#include "md-follow-up-panel.h"
#include "md-preferences-window.h"
#include "md-probe-panel.h"
#include "md-test-gui.h"
#include "md-test-knot.h"
#include "md-test-window.h"
#include "md-window.h"

/* What this file keeps besides the window's fixture. */
static MdTestWindowFixture fixture;
static gint64 first_case_id;

/* Short, as most assertions name both languages. */
#define expect md_test_gui_expect

static MdWindow *
active_window (void)
{
  return md_test_window_get_active (fixture.app);
}

static void
snapshot (MdWindow   *window,
          const char *name)
{
  g_free (md_test_window_snapshot (GTK_WIDGET (window), name));
}

static void
assert_check (MdCheckRun    *run,
              const char    *id,
              MdCheckStatus  status)
{
  MdCheck *check = md_check_run_lookup (run, id);

  if (check == NULL)
    g_error ("no check %s", id);
  if (md_check_get_status (check) != status)
    g_error ("check %s is %s (%s), expected %s", id,
             md_check_status_to_string (md_check_get_status (check)),
             md_check_get_summary (check), md_check_status_to_string (status));
}

static guint
count_moved_aside (void)
{
  g_autoptr(GDir) dir = g_dir_open (fixture.tmpdir, 0, NULL);
  const char *name;
  guint n = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "cases.db.corrupt-"))
      n++;

  return n;
}

static void
test_flow_start (void)
{
  MdWindow *window;

  /* The database left from before is damaged: it is moved aside, never
   * overwritten, and the window starts with a fresh one. */
  g_assert_cmpuint (count_moved_aside (), ==, 0);
  window = md_test_window_open (fixture.app);
  g_assert_cmpuint (count_moved_aside (), ==, 1);

  g_assert_nonnull (md_test_gui_find_label (GTK_WIDGET (window),
                                            expect ("Paste a Rejection", "Ablehnung einfügen")));
  g_assert_nonnull (md_test_gui_find_label (GTK_WIDGET (window),
                                            expect ("No Cases", "Keine Fälle")));
  /* The first focus is the first thing to do: paste, not "+". */
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) ==
                 md_test_gui_find_label (GTK_WIDGET (window),
                                         expect ("_Paste Rejection", "Ablehnung _einfügen")));
  snapshot (window, "start");
}

/* The window writes on the store's writer thread: a test waits for the
 * write to land before it reads the store. */
typedef struct
{
  MdCaseSession   *session;
  MdCaseEventKind  kind;
  const char      *text;
} Landed;

static gboolean
last_event_is_cb (gpointer data)
{
  Landed *landed = data;
  g_autoptr(GPtrArray) events = md_case_session_list_events (landed->session, NULL);

  return events != NULL && events->len > 0 &&
         ((const MdCaseEvent *) g_ptr_array_index (events, events->len - 1))->kind == landed->kind;
}

static gboolean
edits_hold_cb (gpointer data)
{
  Landed *landed = data;
  g_autofree char *saved =
    md_case_store_dup_request_edits (md_case_session_get_store (landed->session),
                                     md_case_session_get_case_id (landed->session), NULL);

  return saved != NULL && strstr (saved, landed->text) != NULL;
}

static gboolean
panels_follow_cb (gpointer data)
{
  MdCaseView *view = data;
  MdCaseSession *session = md_case_view_get_session (view);
  g_autoptr(GPtrArray) panels = md_test_gui_find_all (GTK_WIDGET (view), G_TYPE_OBJECT);

  for (guint i = 0; i < panels->len; i++)
    {
      GObject *panel = g_ptr_array_index (panels, i);
      g_autoptr(MdCaseSession) shown = NULL;

      if (panel == G_OBJECT (view) ||
          g_object_class_find_property (G_OBJECT_GET_CLASS (panel), "session") == NULL)
        continue;
      g_object_get (panel, "session", &shown, NULL);
      if (shown != session)
        return FALSE;
    }

  /* Shown once bound: hidden only while they wait for their frame. (Found
   * by type: md_case_view_get_request_panel() would bind it at once.) */
  return gtk_widget_get_visible (md_test_gui_find_type (GTK_WIDGET (view),
                                                        MD_TYPE_REQUEST_PANEL)) &&
         gtk_widget_get_visible (md_test_gui_find_type (GTK_WIDGET (view),
                                                        MD_TYPE_FOLLOW_UP_PANEL));
}

static void
test_flow_paste (void)
{
  MdWindow *window = active_window ();
  MdCaseView *view = md_window_get_case_view (window);
  MdCaseSession *session;
  const MdRejection *rejection;
  const MdExplanation *explanation;
  MdCheckRun *run;
  g_autoptr(MdDraft) draft = NULL;
  gboolean has_rejection_txt = FALSE;

  md_window_load_text (window, md_test_window_seed_rejection);
  g_assert_true (md_test_gui_wait (md_test_window_session_shown_cb, window, 10000));

  session = md_case_view_get_session (view);
  first_case_id = md_case_session_get_case_id (session);
  /* The request waits for a frame of its own (bench-window.sh), hidden. */
  g_assert_false (gtk_widget_get_visible (md_test_gui_find_type (GTK_WIDGET (view),
                                                                 MD_TYPE_REQUEST_PANEL)));

  /* The panels follow the view's session: one property switches case (the
   * request and the follow-up a few frames after the verdict). */
  g_assert_true (md_test_gui_wait (panels_follow_cb, view, 5000));
  {
    g_autoptr(GPtrArray) panels = md_test_gui_find_all (GTK_WIDGET (view), G_TYPE_OBJECT);
    guint with_session = 0;

    for (guint i = 0; i < panels->len; i++)
      {
        GObject *panel = g_ptr_array_index (panels, i);

        if (panel != G_OBJECT (view) &&
            g_object_class_find_property (G_OBJECT_GET_CLASS (panel), "session") != NULL)
          {
            g_autoptr(MdCaseSession) shown = NULL;

            g_object_get (panel, "session", &shown, NULL);
            g_assert_true (shown == session);
            with_session++;
          }
      }
    /* Diagnosis, checks, request, follow-up, and in the follow-up the test
     * from the user's own server (issue 17). */
    g_assert_cmpuint (with_session, ==, 5);
  }
  {
    GtkWidget *probe = md_test_gui_find_type (GTK_WIDGET (view), MD_TYPE_PROBE_PANEL);

    g_assert_nonnull (probe);
    g_assert_true (gtk_widget_get_mapped (probe));
    g_assert_true (md_probe_panel_get_session (MD_PROBE_PANEL (probe)) == session);
    g_assert_nonnull (md_test_gui_find_label (probe, expect ("Test From Your Server",
                                                             "Vom eigenen Server testen")));
  }

  /* After the paste the focus is on the next step, not the menu button. */
  g_assert_true (gtk_widget_has_focus (md_test_gui_find_label (GTK_WIDGET (view),
                                       expect ("_Review Request", "Antrag _ansehen"))));
  g_assert_cmpuint (md_case_session_get_n_rejections (session), ==, 1);
  rejection = md_case_session_get_rejection (session, 0);
  explanation = md_case_session_get_explanation (session, 0);
  g_assert_cmpstr (rejection->provider, ==, "microsoft");
  g_assert_cmpstr (rejection->enhanced_status, ==, "5.7.511");
  g_assert_cmpstr (rejection->blocked_ip, ==, "203.0.113.7");
  g_assert_cmpstr (explanation->id, ==, "microsoft-5.7.511");

  /* What the user sees: the receiver and code, and the blocked IP. */
  g_assert_nonnull (md_test_gui_find_label (GTK_WIDGET (view), "Microsoft · 5.7.511 · 550"));
  g_assert_nonnull (md_test_gui_find_label (GTK_WIDGET (view), explanation->title));
  g_assert_nonnull (md_test_gui_find_label (GTK_WIDGET (view), "203.0.113.7"));
  md_case_view_scroll_to (view, "diagnosis");
  snapshot (window, "diagnosis");

  /* The checks run against the test zones. */
  g_assert_true (md_test_gui_wait (md_test_window_checks_finished_cb, window, 30000));
  run = md_case_session_get_check_run (session);
  assert_check (run, "dnsbl/zen.spamhaus.org", MD_CHECK_STATUS_PROBLEM);
  assert_check (run, "dnsbl/bl.spamcop.net", MD_CHECK_STATUS_PROBLEM);
  assert_check (run, "dnsbl/b.barracudacentral.org", MD_CHECK_STATUS_OK);
  assert_check (run, "rdns", MD_CHECK_STATUS_OK);
  assert_check (run, "mx", MD_CHECK_STATUS_INFO);
  /* Inside "Block Lists" the rows are named by the list alone. */
  g_assert_null (md_test_gui_find_label (GTK_WIDGET (view),
                 md_check_get_title (md_check_run_lookup (run, "dnsbl/zen.spamhaus.org"))));
  g_assert_nonnull (md_test_gui_find_label (GTK_WIDGET (view), "Spamhaus ZEN"));
  md_case_view_scroll_to (view, "checks");
  snapshot (window, "checks");

  /* Rows open only when the user opens them, not when a result arrives;
   * the check rows follow their checks (no rows recreated at the end). */
  {
    g_autoptr(GPtrArray) rows = md_test_gui_find_all (GTK_WIDGET (view), MD_TYPE_CHECK_ROW);

    g_assert_cmpuint (rows->len, ==, g_list_model_get_n_items (md_case_session_get_checks (session)));
    for (guint i = 0; i < rows->len; i++)
      g_assert_false (adw_expander_row_get_expanded (g_ptr_array_index (rows, i)));
  }

  /* The request: to the address the rejection names, with the text attached. */
  draft = md_case_view_dup_draft (view);
  g_assert_nonnull (draft);
  g_assert_cmpstr (draft->channel_id, ==, "microsoft-delist-mail");
  g_assert_cmpstr (draft->recipient, ==, "delist@messaging.microsoft.com");
  g_assert_cmpstr (draft->cc, ==, "delist@microsoft.com");
  g_assert_cmpstr (draft->language, ==, "en");
  g_assert_nonnull (strstr (draft->subject, "203.0.113.7"));
  /* The decided facts in the mail are in English, whatever the UI language,
   * from the checks' typed facts; the listings are problems to fix, not facts
   * for the receiver. */
  g_assert_nonnull (strstr (draft->body, "- Reverse DNS (PTR): smtp.sender.example.net, forward-confirmed\n"));
  g_assert_null (strstr (draft->body, "zen.spamhaus.org"));
  g_assert_null (strstr (draft->body, "Sperrliste"));
  for (guint i = 0; i < draft->attachments->len; i++)
    {
      const MdDraftAttachment *a = g_ptr_array_index (draft->attachments, i);

      if (g_str_equal (a->name, "rejection.txt"))
        {
          has_rejection_txt = TRUE;
          g_assert_nonnull (strstr (g_bytes_get_data (a->data, NULL), "5.7.511"));
        }
    }
  g_assert_true (has_rejection_txt);
  g_assert_nonnull (md_test_gui_find_label (GTK_WIDGET (view), "rejection.txt"));
  g_assert_nonnull (md_test_gui_find_label (GTK_WIDGET (view), "delist@messaging.microsoft.com"));
  md_case_view_scroll_to (view, "request");
  snapshot (window, "request");

  /* "Copy Text" puts the request on the clipboard and into the timeline. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "case.copy-text", NULL));
  g_assert_true (md_test_gui_wait (last_event_is_cb,
                                   &(Landed) { session, MD_CASE_EVENT_REQUEST_COPIED, NULL },
                                   5000));
  {
    g_autoptr(GPtrArray) events = md_case_session_list_events (session, NULL);
    const MdCaseEvent *last = g_ptr_array_index (events, events->len - 1);
    GdkContentProvider *content = gdk_clipboard_get_content (gtk_widget_get_clipboard (GTK_WIDGET (view)));
    GValue value = G_VALUE_INIT;

    g_assert_cmpint (last->kind, ==, MD_CASE_EVENT_REQUEST_COPIED);
    g_assert_nonnull (content);
    g_value_init (&value, G_TYPE_STRING);
    g_assert_true (gdk_content_provider_get_value (content, &value, NULL));
    g_assert_nonnull (strstr (g_value_get_string (&value), "203.0.113.7"));
    g_value_unset (&value);
  }

  md_case_view_scroll_to (view, "follow-up");
  snapshot (window, "follow-up");

  /* Microsoft's "not qualified for mitigation" answer gets its reply. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.follow-up", NULL));
  {
    g_autoptr(MdDraft) follow_up = md_case_view_dup_draft (view);

    g_assert_nonnull (follow_up);
    g_assert_cmpstr (follow_up->channel_id, ==, "microsoft-follow-up");
    g_assert_nonnull (strstr (follow_up->body, "203.0.113.7"));
  }
  /* The follow-up is a request of its own, with a way back. */
  g_assert_nonnull (md_test_gui_find_label (GTK_WIDGET (view),
                    expect ("_Back to the Delist Request", "_Zurück zum Austragungsantrag")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "case.back-to-request", NULL));
  {
    g_autoptr(MdDraft) back = md_case_view_dup_draft (view);

    g_assert_cmpstr (back->channel_id, ==, "microsoft-delist-mail");
  }
}

static char *
body_text (MdCaseView *view)
{
  g_autoptr(MdDraft) draft = md_case_view_dup_draft (view);

  g_assert_nonnull (draft);

  return g_strdup (draft->body);
}

typedef struct
{
  MdCaseView *view;
  const char *text;
} BodyHas;

static gboolean
body_has_cb (gpointer data)
{
  BodyHas *has = data;
  g_autoptr(MdDraft) draft = md_case_view_dup_draft (has->view);

  return draft != NULL && strstr (draft->body, has->text) != NULL;
}

static GtkTextView *
request_body_view (MdCaseView *view)
{
  GtkWidget *panel = GTK_WIDGET (md_case_view_get_request_panel (view));
  g_autoptr(GPtrArray) views = md_test_gui_find_all (panel, GTK_TYPE_TEXT_VIEW);

  g_assert_cmpuint (views->len, ==, 1);

  return g_ptr_array_index (views, 0);
}

/* Issue 15, 1: the request keeps its text. Steps feed the draft; edits are
 * saved as they are typed; "Reset to Template" can be undone. */
static void
test_flow_request_editor (void)
{
  MdWindow *window = active_window ();
  MdCaseView *view = md_window_get_case_view (window);
  MdRequestPanel *panel = md_case_view_get_request_panel (view);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (request_body_view (view));
  g_autofree char *with_step = NULL;
  g_autofree char *reset = NULL;
  g_autofree char *undone = NULL;
  GtkTextIter end;

  /* "What we fixed": a step goes into the request. */
  md_request_panel_add_step (panel, "Closed the open relay on the web form");
  with_step = body_text (view);
  g_assert_nonnull (strstr (with_step, "Closed the open relay on the web form"));
  g_assert_nonnull (md_test_gui_find_label (GTK_WIDGET (panel),
                                            "Closed the open relay on the web form"));
  md_case_view_scroll_to (view, "request");
  snapshot (window, "request-steps");

  /* The user's words are kept: saved a moment after typing. */
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (buffer, &end, "\nTicket SRX-EDITED-4711\n", -1);
  md_test_gui_settle (900);
  {
    MdCaseSession *session = md_case_view_get_session (view);
    g_autofree char *saved = NULL;

    g_assert_true (md_test_gui_wait (edits_hold_cb,
                                     &(Landed) { session, 0, "SRX-EDITED-4711" }, 5000));
    saved = md_case_store_dup_request_edits (md_case_session_get_store (session),
                                                              md_case_session_get_case_id (session),
                                                              NULL);

    g_assert_nonnull (saved);
    g_assert_nonnull (strstr (saved, "SRX-EDITED-4711"));
    g_assert_nonnull (strstr (saved, "Closed the open relay"));
  }

  /* Reset writes it anew from the template; Undo brings the edits back. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "case.reset-request", NULL));
  reset = body_text (view);
  g_assert_null (strstr (reset, "SRX-EDITED-4711"));
  g_assert_nonnull (strstr (reset, "Closed the open relay"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "case.undo-reset", NULL));
  undone = body_text (view);
  g_assert_nonnull (strstr (undone, "SRX-EDITED-4711"));
}

/* Issue 15, 3: the warnings are one summary line; names, never check ids. */
static void
test_flow_warnings (void)
{
  MdWindow *window = active_window ();
  MdCaseView *view = md_window_get_case_view (window);
  GtkWidget *panel = GTK_WIDGET (md_case_view_get_request_panel (view));
  g_autoptr(GPtrArray) labels = md_test_gui_find_all (panel, GTK_TYPE_LABEL);
  g_autoptr(GPtrArray) expanders = md_test_gui_find_all (panel, ADW_TYPE_EXPANDER_ROW);
  gboolean summary = FALSE;

  for (guint i = 0; i < labels->len; i++)
    {
      const char *text = gtk_label_get_label (g_ptr_array_index (labels, i));

      g_assert_null (strstr (text, "dnsbl/"));
      g_assert_null (strstr (text, "dnsbl-"));
      if (strstr (text, expect ("before sending", "vor dem Senden")) != NULL)
        summary = TRUE;
    }
  g_assert_true (summary);
  /* Closed until the user opens it. */
  g_assert_cmpuint (expanders->len, ==, 1);
  g_assert_false (adw_expander_row_get_expanded (g_ptr_array_index (expanders, 0)));
  /* Problems name the lists and offer a re-check. */
  g_assert_nonnull (md_test_gui_find_label (panel, expect ("_Re-check", "_Erneut prüfen")));

  /* Missing sender details come with the button that fixes them. */
  {
    g_autoptr(GSettings) settings = g_settings_new (BASE_ID);
    const char *keys[] = { "sender-name", "sender-organisation", "sender-email", "sender-website" };
    char *values[G_N_ELEMENTS (keys)] = { NULL, };

    g_assert_null (md_test_gui_find_label (panel, expect ("Open _Preferences",
                                                          "_Einstellungen öffnen")));
    for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
      {
        values[i] = g_settings_get_string (settings, keys[i]);
        g_settings_set_string (settings, keys[i], "");
      }
    md_request_panel_add_step (MD_REQUEST_PANEL (panel), "Removed the hacked contact form");
    g_assert_nonnull (md_test_gui_find_label (panel, expect ("Open _Preferences",
                                                             "_Einstellungen öffnen")));
    for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
      {
        g_settings_set_string (settings, keys[i], values[i]);
        g_clear_pointer (&values[i], g_free);
      }
    md_request_panel_remove_step (MD_REQUEST_PANEL (panel), 1);
    g_assert_null (md_test_gui_find_label (panel, expect ("Open _Preferences",
                                                          "_Einstellungen öffnen")));
  }
}

/* Issue 15, 4: the fallback when no mail app takes the request is a
 * dialog with the file, "Open Folder" and "Save As…". */
static void
test_flow_saved_dialog (void)
{
  MdWindow *window = active_window ();
  MdRequestPanel *panel = md_case_view_get_request_panel (md_window_get_case_view (window));
  const char *folder = "/home/jana/.local/share/maildoctor/requests/"
                       "2026-12-03-101500-microsoft-delist-mail";
  const char *path = "/home/jana/.local/share/maildoctor/requests/"
                     "2026-12-03-101500-microsoft-delist-mail/delist-request.eml";
  GtkWindow *dialog = md_request_panel_present_saved (panel, folder, path);
  g_autofree char *unbroken = NULL;
  const char *body;

  g_assert_true (ADW_IS_MESSAGE_DIALOG (dialog));
  g_assert_true (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), "open-folder"));
  g_assert_true (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), "save-as"));
  body = adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog));
  /* The path is there whole; only break hints (zero-width spaces) added. */
  {
    g_autoptr(GString) plain = g_string_new (body);

    g_string_replace (plain, "\u200B", "", 0);
    unbroken = g_string_free (g_steal_pointer (&plain), FALSE);
  }
  g_assert_nonnull (strstr (unbroken, path));
  /* The folder the file is in, which "Open Folder" opens. */
  g_assert_nonnull (strstr (unbroken, expect ("Folder: ", "Ordner: ")));
  g_assert_nonnull (strstr (strstr (unbroken, expect ("Folder: ", "Ordner: ")), folder));
  md_test_gui_settle (300);
  g_free (md_test_gui_snapshot (GTK_WIDGET (dialog),
                                g_str_equal (md_test_gui_language (), "de") ? "saved-dialog-de"
                                                                           : "saved-dialog-en"));
  gtk_window_destroy (dialog);

  /* After a mailto: link the attachments wait in the folder; there is no
   * file to save elsewhere. */
  dialog = md_request_panel_present_saved (panel, folder, NULL);
  g_assert_true (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), "open-folder"));
  g_assert_false (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), "save-as"));
  gtk_window_destroy (dialog);
}

/* Issue 15, 7: the keyboard. Tab stops are controls, never plain text; the
 * next step has the focus. */
static void
test_flow_keyboard (void)
{
  MdWindow *window = active_window ();
  MdCaseView *view = md_window_get_case_view (window);
  GtkWidget *review = md_test_gui_find_label (GTK_WIDGET (view),
                                              expect ("_Review Request", "Antrag _ansehen"));
  GtkWidget *target = md_request_panel_get_primary_action (md_case_view_get_request_panel (view));
  GtkWidget *focus = NULL;
  guint stops = 0;
  guint rows = g_list_model_get_n_items (md_case_session_get_checks (md_case_view_get_session (view)));

  md_case_view_scroll_to (view, "diagnosis");
  gtk_widget_grab_focus (review);
  md_test_gui_settle (100);
  while (focus != target && stops < 200)
    {
      g_assert_true (gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD));
      focus = gtk_root_get_focus (GTK_ROOT (window));
      stops++;
      g_assert_nonnull (focus);
      /* A label is a stop only when it is selectable. */
      if (GTK_IS_LABEL (focus))
        g_assert_true (gtk_label_get_selectable (GTK_LABEL (focus)));
      g_assert_false (GTK_IS_FLOW_BOX_CHILD (focus));
    }
  g_assert_true (focus == target);
  /* A hidden button leaves no gap: its flow box child is hidden too. */
  {
    GtkWidget *flow = gtk_widget_get_ancestor (target, GTK_TYPE_FLOW_BOX);

    for (GtkWidget *child = gtk_widget_get_first_child (flow);
         child != NULL;
         child = gtk_widget_get_next_sibling (child))
      g_assert_cmpint (gtk_widget_get_visible (child), ==,
                       gtk_widget_get_visible (gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child))));
  }
  /* One stop per check row and a handful for the rest. */
  g_test_message ("%u Tab stops from Review Request to %s (%u check rows)", stops,
                  gtk_button_get_label (GTK_BUTTON (target)), rows);
  g_assert_cmpuint (stops, <=, rows + 25);

  /* "Review Request" takes the focus straight there. */
  gtk_widget_grab_focus (review);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "case.review-request", NULL));
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) == target);
}

/* Issue 15, 9: details are label/value rows with readable names; the
 * timeline shows no template ids. */
static void
test_flow_names (void)
{
  MdWindow *window = active_window ();
  MdCaseView *view = md_window_get_case_view (window);
  g_autoptr(GPtrArray) rows = md_test_gui_find_all (GTK_WIDGET (view), MD_TYPE_CHECK_ROW);
  g_autoptr(GPtrArray) labels = NULL;
  GtkWidget *rdns = NULL;

  for (guint i = 0; i < rows->len; i++)
    if (g_str_equal (md_check_get_id (md_check_row_get_check (g_ptr_array_index (rows, i))), "rdns"))
      rdns = g_ptr_array_index (rows, i);
  g_assert_nonnull (rdns);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (rdns), TRUE);
  md_test_gui_settle (100);
  g_assert_nonnull (md_test_gui_find_label (rdns, expect ("Reverse DNS Name", "Reverse-DNS-Name")));
  labels = md_test_gui_find_all (GTK_WIDGET (view), GTK_TYPE_LABEL);
  for (guint i = 0; i < labels->len; i++)
    {
      const char *text = gtk_label_get_label (g_ptr_array_index (labels, i));

      g_assert_null (strstr (text, "ptr_status"));
      g_assert_null (strstr (text, "microsoft-delist-mail"));
    }
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (rdns), FALSE);

}

/* Whether a window action is enabled, seen as a menu item sees it: through
 * a button bound to it (widget actions have no public getter). */
static gboolean
action_enabled (MdWindow   *window,
                const char *action)
{
  GtkWidget *probe = gtk_button_new ();
  GtkWidget *header = md_test_gui_find_type (GTK_WIDGET (window), ADW_TYPE_HEADER_BAR);
  gboolean enabled;

  adw_header_bar_pack_start (ADW_HEADER_BAR (header), probe);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (probe), action);
  md_test_gui_settle (50);
  enabled = gtk_widget_get_sensitive (probe);
  adw_header_bar_remove (ADW_HEADER_BAR (header), probe);

  return enabled;
}

/* The sidebar's list of cases. */
static GtkWidget *
find_case_list (GtkWidget *root)
{
  if (GTK_IS_LIST_BOX (root) && gtk_widget_has_css_class (root, "navigation-sidebar"))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_case_list (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static guint
count_case_rows (MdWindow *window)
{
  GtkWidget *list = find_case_list (GTK_WIDGET (window));
  guint n = 0;

  g_assert_nonnull (list);
  for (GtkWidget *child = gtk_widget_get_first_child (list);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child))
      n++;

  return n;
}

typedef struct
{
  MdWindow *window;
  guint     n;
} Rows;

static gboolean
rows_are_cb (gpointer data)
{
  Rows *rows = data;

  return count_case_rows (rows->window) == rows->n;
}

/* Usable at 360 px: the sidebar and the case fold into one column. */
static void
test_flow_narrow (void)
{
  MdWindow *window = active_window ();
  AdwLeaflet *leaflet = ADW_LEAFLET (md_test_gui_find_type (GTK_WIDGET (window),
                                                            ADW_TYPE_LEAFLET));
  int width;
  int height;

  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 720);
  md_test_gui_settle (500);
  g_assert_true (adw_leaflet_get_folded (leaflet));
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (leaflet), ==, "content");
  md_case_view_scroll_to (md_window_get_case_view (window), "diagnosis");
  snapshot (window, "narrow");

  /* Headlines wrap at 360 px: nothing is cut off. */
  {
    GtkWidget *view = GTK_WIDGET (md_window_get_case_view (window));
    g_autoptr(GPtrArray) labels = md_test_gui_find_all (view, GTK_TYPE_LABEL);
    const MdExplanation *explanation =
      md_case_session_get_explanation (md_case_view_get_session (md_window_get_case_view (window)), 0);
    GtkWidget *headline = md_test_gui_find_label (GTK_WIDGET (md_window_get_case_view (window)),
                                                  explanation->title);

    g_assert_nonnull (headline);
    g_assert_true (gtk_label_get_wrap (GTK_LABEL (headline)));
    g_assert_cmpint (gtk_label_get_ellipsize (GTK_LABEL (headline)), ==, PANGO_ELLIPSIZE_NONE);
    g_assert_cmpint (gtk_widget_get_width (headline), <=, 360);
    /* The address in "what to do" may break after its dots, not inside. */
    {
      gboolean found = FALSE;

      for (guint i = 0; i < labels->len; i++)
        if (strstr (gtk_label_get_label (g_ptr_array_index (labels, i)),
                    "delist@\u200Bmessaging.\u200Bmicrosoft.\u200Bcom") != NULL)
          found = TRUE;
      g_assert_true (found);
    }
    for (guint i = 0; i < labels->len; i++)
      {
        GtkLabel *label = g_ptr_array_index (labels, i);

        if (gtk_widget_is_drawable (GTK_WIDGET (label)) &&
            gtk_widget_has_css_class (GTK_WIDGET (label), "title-2"))
          g_assert_cmpint (gtk_label_get_ellipsize (label), ==, PANGO_ELLIPSIZE_NONE);
      }
  }

  /* The sidebar, alone at this width, has the main menu too. */
  adw_leaflet_navigate (leaflet, ADW_NAVIGATION_DIRECTION_BACK);
  md_test_gui_settle (400);
  {
    GtkWidget *sidebar = adw_leaflet_get_visible_child (leaflet);
    g_autoptr(GPtrArray) menus = md_test_gui_find_all (sidebar, GTK_TYPE_MENU_BUTTON);
    gboolean found = FALSE;

    for (guint i = 0; i < menus->len; i++)
      if (gtk_widget_is_drawable (g_ptr_array_index (menus, i)) &&
          g_strcmp0 (gtk_widget_get_tooltip_text (g_ptr_array_index (menus, i)),
                     expect ("Main Menu", "Hauptmenü")) == 0)
        found = TRUE;
    g_assert_true (found);
    snapshot (window, "narrow-sidebar");
  }
  adw_leaflet_navigate (leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  md_test_gui_settle (400);

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  md_test_gui_settle (500);
  g_assert_false (adw_leaflet_get_folded (leaflet));
}

static void
test_flow_dark (void)
{
  MdWindow *window = active_window ();
  AdwStyleManager *style = adw_style_manager_get_default ();

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  md_case_view_scroll_to (md_window_get_case_view (window), "checks");
  snapshot (window, "dark");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
}

typedef struct
{
  GtkWidget  *root;
  const char *label;
} Shown;

static gboolean
label_shown_cb (gpointer data)
{
  Shown *shown = data;

  return md_test_gui_find_label (shown->root, shown->label) != NULL;
}

/* The follow-up's notes, not the probe's transcript. */
static GtkTextBuffer *
notes_buffer (GtkWidget *follow_up)
{
  g_autoptr(GPtrArray) views = md_test_gui_find_all (follow_up, GTK_TYPE_TEXT_VIEW);

  for (guint i = 0; i < views->len; i++)
    if (gtk_widget_get_ancestor (g_ptr_array_index (views, i), MD_TYPE_PROBE_PANEL) == NULL)
      return gtk_text_view_get_buffer (g_ptr_array_index (views, i));

  g_assert_not_reached ();
}

typedef struct
{
  GtkWidget  *follow_up;
  const char *notes;
  guint       status;
} Restored;

static gboolean
restored_cb (gpointer data)
{
  Restored *restored = data;
  GtkTextBuffer *buffer = notes_buffer (restored->follow_up);
  AdwComboRow *status = ADW_COMBO_ROW (md_test_gui_find_type (restored->follow_up,
                                                              ADW_TYPE_COMBO_ROW));
  g_autofree char *text = NULL;
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);

  return g_str_equal (text, restored->notes) &&
         adw_combo_row_get_selected (status) == restored->status;
}

/* Issue 14: the status, the notes and the timeline are written and read on
 * the store's writer thread, and the follow-up still shows each change
 * once it is stored; another view of the case reads them back. */
static void
test_flow_follow_up (void)
{
  MdWindow *window = active_window ();
  MdCaseView *view = md_window_get_case_view (window);
  MdCaseSession *session = md_case_view_get_session (view);
  GtkWidget *panel = md_test_gui_find_type (GTK_WIDGET (view), MD_TYPE_FOLLOW_UP_PANEL);
  AdwComboRow *status_row = ADW_COMBO_ROW (md_test_gui_find_type (panel, ADW_TYPE_COMBO_ROW));
  const char *delisted = md_case_event_kind_get_label (MD_CASE_EVENT_MARKED_DELISTED);
  const char *noted = md_case_event_kind_get_label (MD_CASE_EVENT_NOTE_EDITED);
  const char *reopened = md_case_event_kind_get_label (MD_CASE_EVENT_REOPENED);
  g_autoptr(MdCase) stored = NULL;
  GtkWidget *second;

  g_assert_nonnull (session);
  g_assert_null (md_test_gui_find_label (panel, delisted));
  g_assert_null (md_test_gui_find_label (panel, noted));

  adw_combo_row_set_selected (status_row, MD_CASE_STATUS_DELISTED);
  g_assert_true (md_test_gui_wait (label_shown_cb, &(Shown) { panel, delisted }, 5000));
  stored = md_case_session_dup_case (session);
  g_assert_cmpint (stored->status, ==, MD_CASE_STATUS_DELISTED);
  g_clear_pointer (&stored, md_case_free);

  gtk_text_buffer_set_text (notes_buffer (panel), "Ticket SRX-FOLLOW-1", -1);
  g_assert_true (md_test_gui_wait (label_shown_cb, &(Shown) { panel, noted }, 5000));
  stored = md_case_session_dup_case (session);
  g_assert_cmpstr (stored->notes, ==, "Ticket SRX-FOLLOW-1");
  /* The status did not move back while the timeline was read again. */
  g_assert_cmpuint (adw_combo_row_get_selected (status_row), ==, MD_CASE_STATUS_DELISTED);

  /* A second view of the case reads the notes and the status back. */
  second = g_object_ref_sink (g_object_new (MD_TYPE_FOLLOW_UP_PANEL, NULL));
  md_follow_up_panel_set_session (MD_FOLLOW_UP_PANEL (second), session);
  g_assert_true (md_test_gui_wait (restored_cb,
                                   &(Restored) { second, "Ticket SRX-FOLLOW-1",
                                                 MD_CASE_STATUS_DELISTED },
                                   5000));
  g_assert_nonnull (md_test_gui_find_label (second, delisted));
  g_object_unref (second);

  /* Back to open for the tests that follow. */
  adw_combo_row_set_selected (status_row, MD_CASE_STATUS_OPEN);
  g_assert_true (md_test_gui_wait (label_shown_cb, &(Shown) { panel, reopened }, 5000));
}

/* Two recipients at two receivers in one paste: both shown, each explained. */
static void
test_flow_several (void)
{
  static const char log[] =
    "Nov 29 10:00:01 mx postfix/smtp[1234]: 4AB12: to=<a@contoso.com>, "
    "relay=contoso-com.mail.protection.outlook.com[40.93.207.0]:25, delay=1, "
    "status=bounced (host contoso-com.mail.protection.outlook.com[40.93.207.0] said: 550 "
    "5.7.511 Access denied, banned sender[203.0.113.7]. To request removal from this list "
    "please forward this message to delist@messaging.microsoft.com. (in reply to RCPT TO command))\n"
    "Nov 29 10:00:02 mx postfix/smtp[1235]: 4AB13: to=<b@t-online.de>, "
    "relay=mx00.t-online.de[194.25.134.8]:25, delay=1, status=bounced (host "
    "mx00.t-online.de[194.25.134.8] refused to talk to me: 554 IP=203.0.113.7 - A problem "
    "occurred. (Ask your postmaster for help or to contact tosa@rx.t-online.de to clarify.) (BL))\n";
  MdWindow *window = active_window ();
  MdCaseView *view = md_window_get_case_view (window);
  /* Held: a new session could otherwise be made at the freed one's address. */
  g_autoptr(MdCaseSession) before = md_case_view_get_session (view)
                                      ? g_object_ref (md_case_view_get_session (view)) : NULL;
  MdCaseSession *session;

  md_window_load_text (window, log);
  g_assert_true (md_test_gui_wait (md_test_window_session_shown_cb, window, 10000));
  session = md_case_view_get_session (view);
  g_assert_true (session != before);
  g_assert_cmpuint (md_case_session_get_n_rejections (session), ==, 2);
  g_assert_nonnull (md_test_gui_find_label (GTK_WIDGET (view), "Microsoft · 5.7.511 · 550"));
  g_assert_nonnull (md_test_gui_find_label (GTK_WIDGET (view), "T-Online · 554"));
  /* The sidebar is read on the store's thread. */
  {
    Rows rows = { window, 2 };

    g_assert_true (md_test_gui_wait (rows_are_cb, &rows, 5000));
  }
  md_case_view_scroll_to (view, "diagnosis");
  snapshot (window, "several");

  /* One request per receiver: Microsoft's by mail in English, T-Online's
   * by mail in German. */
  {
    MdRequestPanel *panel = md_case_view_get_request_panel (view);
    g_autoptr(MdDraft) first = NULL;
    g_autoptr(MdDraft) second = NULL;

    g_assert_cmpuint (md_request_panel_get_n_requests (panel), ==, 2);
    first = md_case_view_dup_draft (view);
    g_assert_cmpstr (first->channel_id, ==, "microsoft-delist-mail");
    md_request_panel_select_request (panel, 1);
    second = md_case_view_dup_draft (view);
    g_assert_cmpstr (second->channel_id, ==, "t-online-mail");
    g_assert_cmpstr (second->language, ==, "de");
    g_assert_cmpstr (second->recipient, ==, "tosa@rx.t-online.de");
    md_case_view_scroll_to (view, "request");
    snapshot (window, "two-receivers");
    md_request_panel_select_request (panel, 0);
  }
  /* Its checks are left to finish in the background of the next test. */
}

/* The sidebar and the case menu follow the store on its writer thread:
 * the tests wait for them. */

static gboolean
requested_shown_cb (gpointer data)
{
  MdWindow *window = data;
  GtkWidget *first_row = gtk_widget_get_first_child (find_case_list (GTK_WIDGET (window)));

  return !action_enabled (window, "win.mark-requested") &&
         action_enabled (window, "win.reopen-case") &&
         MD_IS_CASE_ROW (first_row) &&
         strstr (md_case_item_get_subtitle (md_case_row_get_item (MD_CASE_ROW (first_row))),
                 md_case_status_get_label (MD_CASE_STATUS_REQUESTED)) != NULL;
}

static void
test_flow_search_delete (void)
{
  MdWindow *window = active_window ();
  /* The sidebar's search, not a drop-down's. */
  GtkEditable *search = GTK_EDITABLE (md_test_gui_find_type (md_test_gui_find_type (GTK_WIDGET (window),
                                                                                    GTK_TYPE_SEARCH_BAR),
                                                             GTK_TYPE_SEARCH_ENTRY));
  gint64 deleted;

  GtkWidget *first_row = gtk_widget_get_first_child (find_case_list (GTK_WIDGET (window)));

  /* A change to a case updates its row in place: the sidebar is a model
   * with a row template, not rows rebuilt on every store change. */
  g_assert_true (MD_IS_CASE_ROW (first_row));
  /* The case menu offers only what applies to the status. */
  g_assert_false (action_enabled (window, "win.reopen-case"));
  g_assert_true (action_enabled (window, "win.mark-requested"));
  g_assert_true (md_case_session_set_status (md_case_view_get_session (md_window_get_case_view (window)),
                                             MD_CASE_STATUS_REQUESTED, NULL));
  g_assert_true (md_test_gui_wait (requested_shown_cb, window, 5000));
  g_assert_false (action_enabled (window, "win.mark-requested"));
  g_assert_true (action_enabled (window, "win.reopen-case"));
  g_assert_true (gtk_widget_get_first_child (find_case_list (GTK_WIDGET (window))) == first_row);
  g_assert_nonnull (strstr (md_case_item_get_subtitle (md_case_row_get_item (MD_CASE_ROW (first_row))),
                            md_case_status_get_label (MD_CASE_STATUS_REQUESTED)));
  g_assert_nonnull (md_test_gui_find_label (first_row,
                    md_case_item_get_subtitle (md_case_row_get_item (MD_CASE_ROW (first_row)))));

  /* Notes are searched too: a ticket number finds its case. */
  g_assert_true (md_case_session_set_notes (md_case_view_get_session (md_window_get_case_view (window)),
                                            "Microsoft ticket SRX4711", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.search", NULL));
  gtk_editable_set_text (search, "srx4711");
  g_assert_true (md_test_gui_wait (rows_are_cb, &(Rows) { window, 1 }, 5000));
  gtk_editable_set_text (search, "nothing like this");
  g_assert_true (md_test_gui_wait (rows_are_cb, &(Rows) { window, 0 }, 5000));
  g_assert_nonnull (md_test_gui_find_label (GTK_WIDGET (window),
                                            expect ("No Matching Cases", "Keine passenden Fälle")));
  gtk_editable_set_text (search, "");
  g_assert_true (md_test_gui_wait (rows_are_cb, &(Rows) { window, 2 }, 5000));

  /* Delete the case shown, then undo. */
  deleted = md_case_session_get_case_id (md_case_view_get_session (md_window_get_case_view (window)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.delete-case", NULL));
  g_assert_true (md_test_gui_wait (rows_are_cb, &(Rows) { window, 1 }, 5000));
  g_assert_null (md_case_view_get_session (md_window_get_case_view (window)));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo-delete", NULL));
  g_assert_true (md_test_gui_wait (md_test_window_session_shown_cb, window, 5000));
  g_assert_true (md_test_gui_wait (rows_are_cb, &(Rows) { window, 2 }, 5000));
  g_assert_cmpint (md_case_session_get_case_id (md_case_view_get_session (md_window_get_case_view (window))),
                   ==, deleted);
}

static gboolean
nothing_shown_cb (gpointer data)
{
  GtkWidget *view = GTK_WIDGET (md_window_get_case_view (data));
  GtkStack *stack = GTK_STACK (gtk_widget_get_ancestor (view, GTK_TYPE_STACK));

  return g_strcmp0 (gtk_stack_get_visible_child_name (stack), "nothing") == 0 &&
         !gtk_stack_get_transition_running (stack);
}

/* Issue 15, 4: text without a rejection is a page that shows the text and
 * what MailDoctor looks for, not a toast. */
static void
test_flow_nothing_recognised (void)
{
  static const char text[] = "Hi Jana,\nthe newsletter did not arrive at our office. Can you check?\n";
  MdWindow *window = active_window ();
  g_autoptr(GPtrArray) views = NULL;
  GtkTextBuffer *buffer = NULL;
  GtkTextIter start, end;
  g_autofree char *shown = NULL;

  md_window_load_text (window, text);
  g_assert_true (md_test_gui_wait (nothing_shown_cb, window, 10000));
  g_assert_nonnull (md_test_gui_find_label (GTK_WIDGET (window),
                    expect ("No Rejection Recognised", "Keine Ablehnung erkannt")));
  views = md_test_gui_find_all (GTK_WIDGET (window), GTK_TYPE_TEXT_VIEW);
  for (guint i = 0; i < views->len; i++)
    if (!gtk_text_view_get_editable (g_ptr_array_index (views, i)))
      buffer = gtk_text_view_get_buffer (g_ptr_array_index (views, i));
  g_assert_nonnull (buffer);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  shown = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_cmpstr (shown, ==, text);
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) ==
                 md_test_gui_find_label (GTK_WIDGET (window),
                                         expect ("_Paste Again", "Erneut _einfügen")));
  g_assert_cmpuint (count_case_rows (window), ==, 2);
  snapshot (window, "nothing-recognised");
}

static void
test_flow_preferences (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  MdPreferencesWindow *prefs = NULL;

  g_action_group_activate_action (G_ACTION_GROUP (fixture.app), "preferences", NULL);
  for (guint tries = 0; tries < 50 && prefs == NULL; tries++)
    {
      md_test_gui_settle (100);
      for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
        {
          g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

          if (MD_IS_PREFERENCES_WINDOW (item))
            prefs = MD_PREFERENCES_WINDOW (item);
        }
    }
  g_assert_nonnull (prefs);
  md_test_gui_settle (300);
  g_free (md_test_gui_snapshot (GTK_WIDGET (prefs),
                                g_str_equal (md_test_gui_language (), "de")
                                ? "flow-preferences-de" : "flow-preferences-en"));
  gtk_window_destroy (GTK_WINDOW (prefs));
}

static gboolean
no_windows_cb (gpointer data)
{
  return gtk_application_get_windows (GTK_APPLICATION (fixture.app)) == NULL;
}

static void
test_flow_restart (void)
{
  MdWindow *window = active_window ();
  MdCaseView *view;
  MdCaseSession *session;
  GtkWidget *row;
  GListModel *checks;
  gboolean found_zen = FALSE;

  /* Closing the window and opening a new one reads the cases from disk, as
   * a restarted app would. */
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (md_test_gui_wait (no_windows_cb, NULL, 5000));

  window = md_test_window_open (fixture.app);
  g_assert_nonnull (md_test_gui_find_label (GTK_WIDGET (window), "Microsoft 5.7.511"));
  row = NULL;
  for (GtkWidget *child = gtk_widget_get_first_child (find_case_list (GTK_WIDGET (window)));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (MD_IS_CASE_ROW (child) &&
          md_case_item_get_id (md_case_row_get_item (MD_CASE_ROW (child))) == first_case_id)
        row = child;
    }
  g_assert_nonnull (row);
  g_signal_emit_by_name (gtk_widget_get_parent (row), "row-activated", row);
  g_assert_true (md_test_gui_wait (md_test_window_session_shown_cb, window, 5000));

  view = md_window_get_case_view (window);
  session = md_case_view_get_session (view);
  g_assert_cmpstr (md_case_session_get_rejection (session, 0)->blocked_ip, ==, "203.0.113.7");
  checks = md_case_session_get_checks (session);
  for (guint i = 0; i < g_list_model_get_n_items (checks); i++)
    {
      g_autoptr(MdCheck) check = g_list_model_get_item (checks, i);

      if (g_str_equal (md_check_get_id (check), "dnsbl/zen.spamhaus.org"))
        {
          found_zen = TRUE;
          g_assert_cmpint (md_check_get_status (check), ==, MD_CHECK_STATUS_PROBLEM);
        }
    }
  g_assert_true (found_zen);
  g_assert_nonnull (md_test_gui_find_label (GTK_WIDGET (view), "203.0.113.7"));

  /* The request comes back as the user left it, steps and edits (read on
   * the store's writer thread, a moment after the case shows). */
  g_assert_true (md_test_gui_wait (body_has_cb, &(BodyHas) { view, "SRX-EDITED-4711" }, 5000));
  {
    g_autofree char *body = body_text (view);

    g_assert_nonnull (strstr (body, "SRX-EDITED-4711"));
    g_assert_nonnull (strstr (body, "Closed the open relay"));
  }

  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (md_test_gui_wait (no_windows_cb, NULL, 5000));
}

/* The database opens off the main thread: a paste that comes before it is
 * open (a rejection handed over at start) waits for it, and is not lost. */
static void
test_flow_paste_while_opening (void)
{
  MdWindow *window;
  MdCaseSession *session;

  g_application_activate (G_APPLICATION (fixture.app));
  window = active_window ();
  g_assert_nonnull (window);
  md_window_load_text (window, md_test_window_seed_rejection);
  g_assert_true (md_test_gui_wait (md_test_window_session_shown_cb, window, 10000));

  session = md_case_view_get_session (md_window_get_case_view (window));
  g_assert_cmpstr (md_case_session_get_rejection (session, 0)->blocked_ip, ==, "203.0.113.7");
  g_assert_cmpint (md_case_session_get_case_id (session), >, first_case_id);

  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (md_test_gui_wait (no_windows_cb, NULL, 5000));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GSettings) settings = NULL;
  g_auto(GStrv) zones = NULL;
  int ret;

  if (!md_test_gui_init (&argc, &argv))
    return g_test_run ();

  if (!md_test_knot_is_available ())
    {
      g_test_skip ("knotd is not installed (the test command installs it)");
      return g_test_run ();
    }

  md_test_window_fixture_init (&fixture, "maildoctor-flow-XXXXXX");
  g_assert_true (g_file_set_contents (fixture.db,
                                      "This is not an SQLite database, it is damaged.\n"
                                      "It must be kept aside, never overwritten.\n", -1, NULL));

  zones = md_test_knot_list_zone_files ();
  settings = md_test_window_fixture_use_knot (&fixture, (const char * const *) zones);
  g_settings_set_string (settings, "sender-description",
                         "Transactional mail for our customers' web shops");
  g_settings_set_string (settings, "sender-daily-volume", "about 2000");

  md_test_window_fixture_start_app (&fixture);

  g_test_add_func ("/MailDoctor/Flow/start", test_flow_start);
  g_test_add_func ("/MailDoctor/Flow/paste-check-request", test_flow_paste);
  g_test_add_func ("/MailDoctor/Flow/request-editor", test_flow_request_editor);
  g_test_add_func ("/MailDoctor/Flow/follow-up", test_flow_follow_up);
  g_test_add_func ("/MailDoctor/Flow/warnings", test_flow_warnings);
  g_test_add_func ("/MailDoctor/Flow/saved-dialog", test_flow_saved_dialog);
  g_test_add_func ("/MailDoctor/Flow/keyboard", test_flow_keyboard);
  g_test_add_func ("/MailDoctor/Flow/names", test_flow_names);
  g_test_add_func ("/MailDoctor/Flow/narrow", test_flow_narrow);
  g_test_add_func ("/MailDoctor/Flow/dark", test_flow_dark);
  g_test_add_func ("/MailDoctor/Flow/several", test_flow_several);
  g_test_add_func ("/MailDoctor/Flow/search-delete", test_flow_search_delete);
  g_test_add_func ("/MailDoctor/Flow/nothing-recognised", test_flow_nothing_recognised);
  g_test_add_func ("/MailDoctor/Flow/preferences", test_flow_preferences);
  g_test_add_func ("/MailDoctor/Flow/restart", test_flow_restart);
  g_test_add_func ("/MailDoctor/Flow/paste-while-opening", test_flow_paste_while_opening);

  ret = g_test_run ();

  md_test_window_fixture_clear (&fixture);

  return ret;
}
