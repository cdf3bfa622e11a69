/* test-case-session.c — a case from input to draft, without a window
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "md-case-session.h"
#include "md-rejection-parser.h"
#include "md-resolver.h"
#include "md-test-util.h"
#include "md-test-zone.h"
#include "md-util.h"

static const char seed_rejection[] =
  "<someone@contoso.com>: host css-one-microsoft-com.mail.protection.outlook.com[40.93.207.0] said: 550\n"
  "    5.7.511 Access denied, banned sender[203.0.113.7]. To request removal from this\n"
  "    list please forward this message to delist@messaging.microsoft.com. (in reply to\n"
  "    RCPT TO command)\n";

typedef struct
{
  char        *dir;
  char        *path;
  MdCaseStore *store;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("md-case-session-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "cases.db", NULL);
  f->store = md_case_store_new (f->path, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_clear_object (&f->store);
  dir = g_dir_open (f->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static void
created_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  MdCaseSession **session = user_data;
  g_autoptr(GError) error = NULL;

  *session = md_case_session_new_from_input_finish (result, &error);
  g_assert_no_error (error);
}

static MdCaseSession *
create (Fixture    *f,
        GBytes     *input)
{
  MdCaseSession *session = NULL;

  md_case_session_new_from_input_async (f->store, input, NULL, created_cb, &session);
  while (session == NULL)
    g_main_context_iteration (NULL, TRUE);

  return session;
}

static void
test_paste (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GBytes) input = g_bytes_new_static (seed_rejection, strlen (seed_rejection));
  g_autoptr(MdCaseSession) session = create (f, input);
  g_autoptr(MdCaseSession) reopened = NULL;
  g_autoptr(MdCase) record = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MdSubjectGuess) guess = NULL;
  g_autoptr(MdSubjectGuess) unknown = NULL;
  const char * const sending_domains[] = { "Sender.Example.NET", NULL };
  g_autoptr(MdDraft) draft = NULL;
  g_autoptr(MdSenderProfile) profile = md_sender_profile_new ();

  g_assert_cmpuint (md_case_session_get_n_rejections (session), ==, 1);
  g_assert_cmpstr (md_case_session_get_explanation (session, 0)->id, ==, "microsoft-5.7.511");
  g_assert_null (md_case_session_get_original_eml (session));

  record = md_case_session_dup_case (session);
  g_assert_cmpstr (record->title, ==, "Microsoft 5.7.511");
  g_assert_cmpstr (record->blocked_ip, ==, "203.0.113.7");
  g_assert_cmpstr (record->receiver, ==, "microsoft");

  /* Pasted text says nothing of the sender: the user's own sending domain
   * is used, and without one the guess says that nobody knows. */
  guess = md_case_session_guess_subject (session, sending_domains);
  g_assert_cmpstr (guess->ip, ==, "203.0.113.7");
  g_assert_cmpstr (guess->domain, ==, "sender.example.net");
  g_assert_cmpint (guess->domain_source, ==, MD_DOMAIN_SOURCE_PROFILE);
  g_assert_null (guess->helo);
  g_assert_cmpstr (guess->recipient_domain, ==, "contoso.com");
  unknown = md_case_session_guess_subject (session, NULL);
  g_assert_null (unknown->domain);
  g_assert_cmpint (unknown->domain_source, ==, MD_DOMAIN_SOURCE_NONE);
  g_assert_null (md_case_session_get_checked_subject (session));

  /* The draft: built, and kept in the timeline only when saved. */
  draft = md_case_session_build_draft (session, profile, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (draft->recipient, ==, "delist@messaging.microsoft.com");
  g_assert_true (md_case_session_save_draft (session, draft, &error));
  g_assert_no_error (error);
  {
    g_autoptr(MdHandoff) handoff = md_handoff_new (draft);

    g_assert_true (md_case_session_record_handoff (session, handoff, MD_HANDOFF_METHOD_PORTAL,
                                                   &error));
    g_assert_no_error (error);
    g_assert_true (md_case_session_record_handoff (session, handoff, MD_HANDOFF_METHOD_NONE,
                                                   &error));
  }
  g_assert_true (md_case_session_set_notes (session, "Ticket SRX1", &error));
  g_assert_true (md_case_session_set_status (session, MD_CASE_STATUS_REQUESTED, &error));

  reopened = md_case_session_open (f->store, md_case_session_get_case_id (session), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (md_case_session_get_rejection (reopened, 0)->blocked_ip, ==, "203.0.113.7");
  g_clear_pointer (&record, md_case_free);
  record = md_case_session_dup_case (reopened);
  g_assert_cmpstr (record->notes, ==, "Ticket SRX1");
  g_assert_cmpint (record->status, ==, MD_CASE_STATUS_REQUESTED);
  {
    g_autoptr(GPtrArray) events = md_case_session_list_events (reopened, &error);

    g_assert_no_error (error);
    g_assert_cmpint (((MdCaseEvent *) g_ptr_array_index (events, 0))->kind, ==,
                     MD_CASE_EVENT_CREATED);
    g_assert_cmpint (((MdCaseEvent *) g_ptr_array_index (events, 1))->kind, ==,
                     MD_CASE_EVENT_DRAFT_CREATED);
    g_assert_cmpint (((MdCaseEvent *) g_ptr_array_index (events, 2))->kind, ==,
                     MD_CASE_EVENT_REQUEST_OPENED_IN_MAIL_APP);
    g_assert_cmpstr (((MdCaseEvent *) g_ptr_array_index (events, 2))->detail, ==,
                     "delist@messaging.microsoft.com");
  }
}

static void
test_bounce_names_sender (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *path = md_test_srcdir_path ("data", "drafts", "seed-bounce.eml", NULL);
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, NULL);
  g_autoptr(GBytes) input = NULL;
  g_autoptr(MdCaseSession) session = NULL;
  g_autoptr(MdSubjectGuess) guess = NULL;
  const char * const sending_domains[] = { "other.example", NULL };

  g_assert_nonnull (file);
  input = g_mapped_file_get_bytes (file);
  session = create (f, input);

  /* The bounce names the sender (the returned message's From) and the
   * sending server (the Reporting-MTA of its own bounce), whatever the
   * preferences say. */
  g_assert_nonnull (md_case_session_get_original_eml (session));
  guess = md_case_session_guess_subject (session, sending_domains);
  g_assert_cmpstr (guess->domain, ==, "example.org");
  g_assert_cmpint (guess->domain_source, ==, MD_DOMAIN_SOURCE_BOUNCE);
  g_assert_cmpstr (guess->helo, ==, "mail.example.org");
}

/* Issue 14: the store named the receiver of a Spamhaus open-resolver
 * rejection (no provider) after the recipient's domain, and the session
 * then overwrote it with NULL; the sidebar's search could not find it. */
static void
test_receiver_kept (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *path = md_test_srcdir_path ("data", "rejections", "spamhaus-open-resolver.txt",
                                               NULL);
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, NULL);
  g_autoptr(GBytes) input = NULL;
  g_autoptr(MdCaseSession) session = NULL;
  g_autoptr(MdCaseSession) reopened = NULL;
  g_autoptr(MdCase) record = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (file);
  input = g_mapped_file_get_bytes (file);
  session = create (f, input);

  g_assert_null (md_case_session_get_rejection (session, 0)->provider);
  g_assert_cmpstr (md_diagnosis_get_receiver (md_case_session_get_diagnosis (session)), ==,
                   "partner.example");
  record = md_case_session_dup_case (session);
  g_assert_cmpstr (record->receiver, ==, "partner.example");

  found = md_case_store_list_cases (f->store, "partner.example", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);

  reopened = md_case_session_open (f->store, md_case_session_get_case_id (session), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (md_diagnosis_get_receiver (md_case_session_get_diagnosis (reopened)), ==,
                   "partner.example");
}

/* Issue 14: after checking 198.51.100.9 / user-typed.example and opening
 * the case again, "What Is Checked" showed the bounce's IP next to the
 * results for the other one, and Re-check checked something else. */
static void
test_subject_restored (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GBytes) input = g_bytes_new_static (seed_rejection, strlen (seed_rejection));
  g_autoptr(MdCaseSession) session = create (f, input);
  g_autoptr(MdCaseSession) reopened = NULL;
  g_autoptr(MdCheckSubject) subject = NULL;
  g_autoptr(MdResolver) resolver = NULL;
  g_autoptr(MdCheckRun) run = NULL;
  g_autoptr(JsonNode) results = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  const char * const selectors[] = { "s2026", NULL };
  const MdCheckSubject *checked;
  gint64 case_id = md_case_session_get_case_id (session);

  subject = md_check_subject_new ("198.51.100.9", "user-typed.example", "mx.user-typed.example",
                                  NULL, &error);
  g_assert_no_error (error);
  g_assert_true (md_check_subject_set_dkim_selectors (subject, selectors, &error));

  /* A run as the window saves it (never started: nothing leaves the
   * machine); its JSON holds the subject. */
  resolver = md_resolver_new_for_servers ("127.0.0.1:9", &error);
  g_assert_no_error (error);
  run = md_check_run_new (MD_DNS_SOURCE (resolver), subject, NULL);
  results = md_check_run_to_json (run);
  g_assert_cmpint (md_case_store_add_check_run (f->store, case_id, now, now, results, &error), >, 0);
  g_assert_no_error (error);

  reopened = md_case_session_open (f->store, case_id, &error);
  g_assert_no_error (error);
  checked = md_case_session_get_checked_subject (reopened);
  g_assert_nonnull (checked);
  g_assert_cmpstr (checked->ip, ==, "198.51.100.9");
  g_assert_cmpstr (checked->domain, ==, "user-typed.example");
  g_assert_cmpstr (checked->helo, ==, "mx.user-typed.example");
  g_assert_null (checked->recipient_domain);
  g_assert_cmpstrv (checked->dkim_selectors, selectors);
  /* The bounce's own IP is still the rejection's, not what was checked. */
  g_assert_cmpstr (md_case_session_get_rejection (reopened, 0)->blocked_ip, ==, "203.0.113.7");
}

/* Each type reads back what it writes (issue 14: the readers lived in the
 * store and the session). */
static void
test_json_round_trips (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) rejections = md_rejection_parse_text (seed_rejection);
  g_autoptr(JsonNode) written = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(MdRejection) read = NULL;
  g_autoptr(MdCheck) check = md_check_new ("spf", "spf", "SPF");
  g_autoptr(MdCheck) check_read = NULL;
  g_autoptr(MdCheck) running = md_check_new ("rdns", "rdns", "Reverse DNS");
  g_autoptr(MdCheck) running_read = NULL;
  g_autoptr(JsonNode) check_written = NULL;
  g_autoptr(JsonNode) check_again = NULL;
  g_autoptr(JsonNode) running_json = NULL;
  g_autoptr(JsonObject) details = json_object_new ();
  g_autoptr(JsonNode) not_an_object = json_node_new (JSON_NODE_ARRAY);
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (rejections->len, ==, 1);
  written = md_rejection_to_json (g_ptr_array_index (rejections, 0));
  read = md_rejection_new_from_json (written, &error);
  g_assert_no_error (error);
  again = md_rejection_to_json (read);
  g_assert_true (json_node_equal (written, again));
  g_assert_null (md_rejection_new_from_json (not_an_object, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);

  json_object_set_string_member (details, "result", "pass");
  md_check_set_status (check, MD_CHECK_STATUS_OK);
  md_check_set_summary (check, "SPF passes for 203.0.113.7");
  md_check_set_remedy (check, "Nothing to do");
  md_check_set_details (check, details);
  md_check_set_duration_ms (check, 42);
  md_check_set_group (check, "sender");
  md_check_set_weight (check, 7);
  check_written = md_check_to_json (check);
  check_read = md_check_new_from_json (check_written);
  g_assert_nonnull (check_read);
  check_again = md_check_to_json (check_read);
  g_assert_true (json_node_equal (check_written, check_again));

  /* A check saved while it ran never got its answer. */
  md_check_set_status (running, MD_CHECK_STATUS_RUNNING);
  running_json = md_check_to_json (running);
  running_read = md_check_new_from_json (running_json);
  g_assert_cmpint (md_check_get_status (running_read), ==, MD_CHECK_STATUS_ERROR);
  g_assert_cmpstr (md_check_get_summary (running_read), ==,
                   "Could not decide: the check was interrupted.");
  g_assert_null (md_check_new_from_json (not_an_object));
}

static void
no_rejection_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCaseSession) session = md_case_session_new_from_input_finish (result, &error);

  g_assert_null (session);
  g_assert_error (error, MD_CASE_SESSION_ERROR, MD_CASE_SESSION_ERROR_NO_REJECTION);
  *done = TRUE;
}

static void
test_no_rejection (Fixture       *f,
                   gconstpointer  data)
{
  static const char text[] = "Hello, just a normal mail, nothing bounced.\n";
  g_autoptr(GBytes) input = g_bytes_new_static (text, strlen (text));
  gboolean done = FALSE;

  md_case_session_new_from_input_async (f->store, input, NULL, no_rejection_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);

  /* Nothing was recorded. */
  g_assert_cmpuint (md_case_store_count_cases (f->store), ==, 0);
}

static void
flag_cb (MdCaseSession *session,
         gboolean      *flag)
{
  *flag = TRUE;
}

static JsonArray *
stored_checks (MdCaseCheckRun *run)
{
  JsonNode *checks = json_object_get_member (json_node_get_object (run->results), "checks");

  g_assert_nonnull (checks);
  return json_node_get_array (checks);
}

/* The run's row and its results are written on the store's writer thread;
 * "checks-finished" comes once they are saved. */
static void
test_checks_saved (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GBytes) input = g_bytes_new_static (seed_rejection, strlen (seed_rejection));
  g_autoptr(MdCaseSession) session = create (f, input);
  g_autoptr(MdTestZone) zone = md_test_zone_new ();
  g_autoptr(MdCheckSubject) subject = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  gboolean finished = FALSE;
  gboolean changed = FALSE;
  MdCheckRun *run;

  subject = md_check_subject_new ("203.0.113.7", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (session, "checks-finished", G_CALLBACK (flag_cb), &finished);
  g_signal_connect (session, "case-changed", G_CALLBACK (flag_cb), &changed);
  run = md_case_session_start_checks (session, MD_DNS_SOURCE (zone), subject, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (run);

  while (!finished)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (changed);
  g_assert_true (md_check_run_is_finished (run));

  runs = md_case_store_list_check_runs (f->store, md_case_session_get_case_id (session), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 1);
  g_assert_nonnull (((MdCaseCheckRun *) g_ptr_array_index (runs, 0))->finished);
  g_assert_cmpuint (json_array_get_length (stored_checks (g_ptr_array_index (runs, 0))), ==,
                    g_list_model_get_n_items (G_LIST_MODEL (run)));
  events = md_case_session_list_events (session, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 2);
  g_assert_cmpint (((MdCaseEvent *) g_ptr_array_index (events, 1))->kind, ==, MD_CASE_EVENT_CHECKED);
}

/* A case closed while its run goes on keeps what the run had (its row may
 * not even be written yet when the session goes). */
static void
test_closed_mid_run (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GBytes) input = g_bytes_new_static (seed_rejection, strlen (seed_rejection));
  g_autoptr(MdCaseSession) session = create (f, input);
  g_autoptr(MdTestZone) zone = md_test_zone_new ();
  g_autoptr(MdCheckSubject) subject = NULL;
  g_autoptr(GError) error = NULL;
  gint64 case_id = md_case_session_get_case_id (session);
  gint64 give_up = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;
  guint n_checks;

  subject = md_check_subject_new ("203.0.113.7", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (md_case_session_start_checks (session, MD_DNS_SOURCE (zone), subject, NULL,
                                                  &error));
  n_checks = g_list_model_get_n_items (md_case_session_get_checks (session));
  g_assert_cmpuint (n_checks, >, 0);
  g_clear_object (&session);

  /* The row as added holds no checks (the run had not started); the end
   * saved at closing holds them all. */
  for (;;)
    {
      g_autoptr(GPtrArray) runs = md_case_store_list_check_runs (f->store, case_id, &error);

      g_assert_no_error (error);
      if (runs->len == 1 && json_array_get_length (stored_checks (g_ptr_array_index (runs, 0))) > 0)
        {
          g_assert_cmpuint (json_array_get_length (stored_checks (g_ptr_array_index (runs, 0))), ==,
                            n_checks);
          g_assert_null (((MdCaseCheckRun *) g_ptr_array_index (runs, 0))->finished);
          break;
        }
      g_assert_cmpint (g_get_monotonic_time (), <, give_up);
      g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
    }
}

static void
opened_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  MdCaseSession **session = user_data;
  g_autoptr(GError) error = NULL;

  *session = md_case_session_open_finish (result, &error);
  g_assert_no_error (error);
}

/* Opening off the main thread gives what opening on it gives. */
static void
test_open_async (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *path = md_test_srcdir_path ("data", "drafts", "seed-bounce.eml", NULL);
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, NULL);
  g_autoptr(GBytes) input = NULL;
  g_autoptr(MdCaseSession) session = NULL;
  g_autoptr(MdCaseSession) sync = NULL;
  g_autoptr(MdCaseSession) async = NULL;
  g_autoptr(MdSubjectGuess) sync_guess = NULL;
  g_autoptr(MdSubjectGuess) async_guess = NULL;
  g_autoptr(GError) error = NULL;
  const char * const sending_domains[] = { "other.example", NULL };

  g_assert_nonnull (file);
  input = g_mapped_file_get_bytes (file);
  session = create (f, input);
  g_assert_nonnull (md_case_session_get_original_eml (session));

  sync = md_case_session_open (f->store, md_case_session_get_case_id (session), &error);
  g_assert_no_error (error);
  md_case_session_open_async (f->store, md_case_session_get_case_id (session), NULL, opened_cb,
                              &async);
  while (async == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (g_bytes_equal (md_case_session_get_original_eml (async),
                                md_case_session_get_original_eml (session)));
  g_assert_cmpuint (md_case_session_get_n_rejections (async), ==,
                    md_case_session_get_n_rejections (sync));
  g_assert_cmpuint (md_case_session_get_primary_index (async), ==,
                    md_case_session_get_primary_index (sync));
  sync_guess = md_case_session_guess_subject (sync, sending_domains);
  async_guess = md_case_session_guess_subject (async, sending_domains);
  g_assert_cmpstr (async_guess->domain, ==, "example.org");
  g_assert_cmpstr (async_guess->domain, ==, sync_guess->domain);
  g_assert_cmpstr (async_guess->helo, ==, sync_guess->helo);
  g_assert_cmpstr (async_guess->ip, ==, sync_guess->ip);
}

typedef struct
{
  GPtrArray *results;   /* GAsyncResult*, in the order they came back */
  guint      n_changed;
  GArray    *changed_before;  /* n_changed when each result came back */
} SessionOps;

static void
session_op_done_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  SessionOps *ops = user_data;

  g_ptr_array_add (ops->results, g_object_ref (result));
  g_array_append_val (ops->changed_before, ops->n_changed);
}

static void
count_changed_cb (MdCaseSession *session,
                  SessionOps    *ops)
{
  ops->n_changed++;
}

static void
wait_session_ops (SessionOps *ops,
                  guint       n)
{
  while (ops->results->len < n)
    g_main_context_iteration (NULL, TRUE);
}

/* The window's writes on the writer thread: in the order asked for,
 * "case-changed" once each is stored (before its callback), and the reads
 * after them see them. */
static void
test_async_writes (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GBytes) input = g_bytes_new_static (seed_rejection, strlen (seed_rejection));
  g_autoptr(MdCaseSession) session = create (f, input);
  g_autoptr(MdSenderProfile) profile = md_sender_profile_new ();
  g_autoptr(MdDraft) draft = NULL;
  g_autoptr(MdHandoff) handoff = NULL;
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) changed_before = g_array_new (FALSE, FALSE, sizeof (guint));
  SessionOps ops = { results, 0, changed_before };
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(MdCase) record = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) kinds = g_string_new (NULL);
  MdCaseStatus previous = MD_CASE_STATUS_CLOSED;
  static const guint expected_changes[] = { 1, 2, 3, 4, 5, 6, 6 };

  draft = md_case_session_build_draft (session, profile, NULL, &error);
  g_assert_no_error (error);
  handoff = md_handoff_new (draft);
  g_signal_connect (session, "case-changed", G_CALLBACK (count_changed_cb), &ops);

  md_case_session_set_status_async (session, MD_CASE_STATUS_REQUESTED, NULL,
                                    session_op_done_cb, &ops);
  md_case_session_save_draft_async (session, draft, NULL, session_op_done_cb, &ops);
  md_case_session_record_handoff_async (session, handoff, MD_HANDOFF_METHOD_XDG_EMAIL, NULL,
                                        session_op_done_cb, &ops);
  md_case_session_record_async (session, MD_CASE_EVENT_PROBE_REJECTED, "550 still", NULL,
                                session_op_done_cb, &ops);
  md_case_session_set_notes_async (session, "Ticket", NULL, session_op_done_cb, &ops);
  md_case_session_set_notes_async (session, "Ticket SRX1", NULL, session_op_done_cb, &ops);
  md_case_session_list_events_async (session, NULL, session_op_done_cb, &ops);
  md_case_session_dup_case_async (session, NULL, session_op_done_cb, &ops);
  wait_session_ops (&ops, 8);

  g_assert_true (md_case_session_set_status_finish (session, results->pdata[0], &previous,
                                                    &error));
  g_assert_cmpint (previous, ==, MD_CASE_STATUS_OPEN);
  g_assert_true (md_case_session_save_draft_finish (session, results->pdata[1], &error));
  g_assert_true (md_case_session_record_handoff_finish (session, results->pdata[2], &error));
  g_assert_true (md_case_session_record_finish (session, results->pdata[3], &error));
  g_assert_true (md_case_session_set_notes_finish (session, results->pdata[4], &error));
  g_assert_true (md_case_session_set_notes_finish (session, results->pdata[5], &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (expected_changes); i++)
    g_assert_cmpuint (g_array_index (changed_before, guint, i), ==, expected_changes[i]);

  events = md_case_session_list_events_finish (session, results->pdata[6], &error);
  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    {
      const MdCaseEvent *event = g_ptr_array_index (events, i);

      g_string_append_printf (kinds, "%s%s", i > 0 ? " " : "",
                              md_case_event_kind_to_string (event->kind));
    }
  g_assert_cmpstr (kinds->str, ==,
                   "created marked-requested draft-created request-opened-in-mail-app "
                   "probe-rejected note-edited");
  g_assert_cmpstr (((MdCaseEvent *) events->pdata[3])->detail, ==,
                   "delist@messaging.microsoft.com");

  record = md_case_session_dup_case_finish (session, results->pdata[7], &error);
  g_assert_no_error (error);
  g_assert_cmpint (record->status, ==, MD_CASE_STATUS_REQUESTED);
  g_assert_cmpstr (record->notes, ==, "Ticket SRX1");

  /* A hand-off that did nothing records nothing. */
  md_case_session_record_handoff_async (session, handoff, MD_HANDOFF_METHOD_NONE, NULL,
                                        session_op_done_cb, &ops);
  wait_session_ops (&ops, 9);
  g_assert_true (md_case_session_record_handoff_finish (session, results->pdata[8], &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ops.n_changed, ==, 6);
}

/* A write that fails says why through its callback and tells no change. */
static void
test_async_write_errors (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GBytes) input = g_bytes_new_static (seed_rejection, strlen (seed_rejection));
  g_autoptr(MdCaseSession) session = create (f, input);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) changed_before = g_array_new (FALSE, FALSE, sizeof (guint));
  SessionOps ops = { results, 0, changed_before };
  g_autoptr(GError) error = NULL;
  gint64 case_id = md_case_session_get_case_id (session);

  /* The case is gone (another window purged it). */
  g_assert_true (md_case_store_delete_case (f->store, case_id, &error));
  g_assert_cmpint (md_case_store_purge_deleted (f->store, NULL, &error), ==, 1);
  g_signal_connect (session, "case-changed", G_CALLBACK (count_changed_cb), &ops);

  md_case_session_set_status_async (session, MD_CASE_STATUS_CLOSED, NULL,
                                    session_op_done_cb, &ops);
  md_case_session_set_notes_async (session, "x", NULL, session_op_done_cb, &ops);
  md_case_session_record_async (session, MD_CASE_EVENT_PROBE_ACCEPTED, NULL, NULL,
                                session_op_done_cb, &ops);
  md_case_session_dup_case_async (session, NULL, session_op_done_cb, &ops);
  wait_session_ops (&ops, 4);

  g_assert_false (md_case_session_set_status_finish (session, results->pdata[0], NULL, &error));
  g_assert_error (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (md_case_session_set_notes_finish (session, results->pdata[1], &error));
  g_assert_error (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (md_case_session_record_finish (session, results->pdata[2], &error));
  g_assert_error (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (md_case_session_dup_case_finish (session, results->pdata[3], &error));
  g_assert_error (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpuint (ops.n_changed, ==, 0);

  /* Opening it again (its rows read on the writer thread) says so too. */
  md_case_session_open_async (f->store, case_id, NULL, session_op_done_cb, &ops);
  wait_session_ops (&ops, 5);
  g_assert_null (md_case_session_open_finish (results->pdata[4], &error));
  g_assert_error (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_NOT_FOUND);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  md_core_init ();

  g_test_add ("/MailDoctor/CaseSession/paste", Fixture, NULL,
              fixture_setup, test_paste, fixture_teardown);
  g_test_add ("/MailDoctor/CaseSession/bounce-names-sender", Fixture, NULL,
              fixture_setup, test_bounce_names_sender, fixture_teardown);
  g_test_add ("/MailDoctor/CaseSession/receiver-kept", Fixture, NULL,
              fixture_setup, test_receiver_kept, fixture_teardown);
  g_test_add ("/MailDoctor/CaseSession/subject-restored", Fixture, NULL,
              fixture_setup, test_subject_restored, fixture_teardown);
  g_test_add ("/MailDoctor/CaseSession/json-round-trips", Fixture, NULL,
              fixture_setup, test_json_round_trips, fixture_teardown);
  g_test_add ("/MailDoctor/CaseSession/no-rejection", Fixture, NULL,
              fixture_setup, test_no_rejection, fixture_teardown);
  g_test_add ("/MailDoctor/CaseSession/checks-saved", Fixture, NULL,
              fixture_setup, test_checks_saved, fixture_teardown);
  g_test_add ("/MailDoctor/CaseSession/closed-mid-run", Fixture, NULL,
              fixture_setup, test_closed_mid_run, fixture_teardown);
  g_test_add ("/MailDoctor/CaseSession/open-async", Fixture, NULL,
              fixture_setup, test_open_async, fixture_teardown);
  g_test_add ("/MailDoctor/CaseSession/async-writes", Fixture, NULL,
              fixture_setup, test_async_writes, fixture_teardown);
  g_test_add ("/MailDoctor/CaseSession/async-write-errors", Fixture, NULL,
              fixture_setup, test_async_write_errors, fixture_teardown);

  return g_test_run ();
}
