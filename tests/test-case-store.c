/* test-case-store.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "md-case-store.h"
#include "md-knowledge.h"
#include "md-rejection.h"
#include "md-util.h"

/* The seed rejection of DESIGN.md, filled in by hand the way the parser
 * reads it, so these tests do not depend on the parser. */
#define SEED_TEXT \
  "host css-one-microsoft-com.mail.protection.outlook.com[40.93.207.0] said: 550 " \
  "5.7.511 Access denied, banned sender[203.0.113.7]. To request removal from this " \
  "list please forward this message to delist@messaging.microsoft.com. For more " \
  "information please go to http://go.microsoft.com/fwlink/?LinkId=526653. AS(1410) " \
  "[CB1PEPF0000205E.namprd00.prod.outlook.com] (in reply to RCPT TO command)"

#define EML "From: MAILER-DAEMON@mx.example.de\r\nSubject: Undelivered Mail\r\n\r\nbody\r\n"

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("md-case-store-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "cases.db", NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (fixture->dir, name, NULL);
      g_assert_cmpint (g_unlink (file), ==, 0);
    }
  g_assert_cmpint (g_rmdir (fixture->dir), ==, 0);
  g_free (fixture->dir);
  g_free (fixture->path);
}

static MdRejection *
seed_rejection (void)
{
  MdRejection *rejection = md_rejection_new ();

  rejection->provider = g_strdup ("microsoft");
  rejection->service = g_strdup ("exchange-online");
  rejection->remote_host = g_strdup ("css-one-microsoft-com.mail.protection.outlook.com");
  rejection->remote_ip = g_strdup ("40.93.207.0");
  rejection->smtp_code = 550;
  rejection->enhanced_status = g_strdup ("5.7.511");
  rejection->stage = MD_SMTP_STAGE_RCPT_TO;
  rejection->temporary = FALSE;
  rejection->blocked_ip = g_strdup ("203.0.113.7");
  g_strfreev (rejection->references);
  rejection->references = g_strsplit ("AS(1410) CB1PEPF0000205E.namprd00.prod.outlook.com", " ", -1);
  md_rejection_add_contact (rejection, MD_CONTACT_EMAIL, "delist@messaging.microsoft.com");
  md_rejection_add_contact (rejection, MD_CONTACT_URL, "http://go.microsoft.com/fwlink/?LinkId=526653");
  rejection->text = g_strdup (SEED_TEXT);

  return rejection;
}

/* Every field set, with non-ASCII text and a temporary failure. */
static MdRejection *
full_rejection (void)
{
  MdRejection *rejection = md_rejection_new ();

  rejection->recipient = g_strdup ("jürgen.müller@t-online.de");
  rejection->provider = g_strdup ("t-online");
  rejection->service = g_strdup ("mailin");
  rejection->remote_host = g_strdup ("mx00.t-online.de");
  rejection->remote_ip = g_strdup ("2a00:1450:4001:80b::201a");
  rejection->smtp_code = 421;
  rejection->enhanced_status = g_strdup ("4.7.0");
  rejection->stage = MD_SMTP_STAGE_END_OF_DATA;
  rejection->temporary = TRUE;
  rejection->blocked_ip = g_strdup ("2001:db8::25");
  g_strfreev (rejection->references);
  rejection->references = g_strsplit ("(BL)|Größe \"quoted\"|back\\slash", "|", -1);
  md_rejection_add_contact (rejection, MD_CONTACT_EMAIL, "tospam@rx.t-online.de");
  md_rejection_add_contact (rejection, MD_CONTACT_URL, "https://www.t-online.de/mailblock?ä=ö");
  rejection->text = g_strdup ("421 4.7.0 Nachricht abgelehnt: Zustellung über diese IP "
                              "vorübergehend gesperrt (BL)\n\tzweite Zeile ✉");

  return rejection;
}

static void
assert_rejection_equal (const MdRejection *a,
                        const MdRejection *b)
{
  g_assert_cmpstr (a->recipient, ==, b->recipient);
  g_assert_cmpstr (a->provider, ==, b->provider);
  g_assert_cmpstr (a->service, ==, b->service);
  g_assert_cmpstr (a->remote_host, ==, b->remote_host);
  g_assert_cmpstr (a->remote_ip, ==, b->remote_ip);
  g_assert_cmpuint (a->smtp_code, ==, b->smtp_code);
  g_assert_cmpstr (a->enhanced_status, ==, b->enhanced_status);
  g_assert_cmpint (a->stage, ==, b->stage);
  g_assert_cmpint (a->temporary, ==, b->temporary);
  g_assert_cmpstr (a->blocked_ip, ==, b->blocked_ip);
  g_assert_nonnull (a->references);
  g_assert_nonnull (b->references);
  g_assert_cmpstrv (a->references, b->references);
  g_assert_cmpuint (a->contacts->len, ==, b->contacts->len);
  for (guint i = 0; i < a->contacts->len; i++)
    {
      const MdContact *ca = g_ptr_array_index (a->contacts, i);
      const MdContact *cb = g_ptr_array_index (b->contacts, i);

      g_assert_cmpint (ca->kind, ==, cb->kind);
      g_assert_cmpstr (ca->value, ==, cb->value);
    }
  g_assert_cmpstr (a->text, ==, b->text);
}

static GPtrArray *
rejection_list (MdRejection *first,
                ...)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) md_rejection_free);
  va_list args;

  va_start (args, first);
  for (MdRejection *r = first; r != NULL; r = va_arg (args, MdRejection *))
    g_ptr_array_add (list, r);
  va_end (args);

  return list;
}

static MdCaseStore *
open_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  MdCaseStore *store = md_case_store_new (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_null (md_case_store_get_recovered_path (store));

  return store;
}

static gint64
create_simple (MdCaseStore *store,
               const char  *title)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rejections = rejection_list (seed_rejection (), NULL);
  gint64 id = md_case_store_create_case (store, title, SEED_TEXT, NULL, rejections, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);

  return id;
}

static void
assert_event_kinds (MdCaseStore *store,
                    gint64       case_id,
                    const char  *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = md_case_store_list_events (store, case_id, &error);
  g_autoptr(GString) kinds = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    {
      const MdCaseEvent *event = g_ptr_array_index (events, i);

      g_assert_cmpint (event->case_id, ==, case_id);
      g_assert_nonnull (event->timestamp);
      if (i > 0)
        g_string_append_c (kinds, ' ');
      g_string_append (kinds, md_case_event_kind_to_string (event->kind));
    }
  g_assert_cmpstr (kinds->str, ==, expected);
}

static char *
query_text (const char *path,
            const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *result = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    result = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return result;
}

static void
exec_raw (sqlite3    *db,
          const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

typedef struct
{
  GArray *ids;
  GArray *changes;
} ChangeLog;

static void
changed_cb (MdCaseStore  *store,
            gint64        case_id,
            MdCaseChange  change,
            ChangeLog    *log)
{
  g_array_append_val (log->ids, case_id);
  g_array_append_val (log->changes, change);
}

/* Tests */

static void
test_create_and_get (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCaseStore) store = open_store (fixture->path);
  g_autoptr(MdRejection) seed = seed_rejection ();
  g_autoptr(MdRejection) second = full_rejection ();
  g_autoptr(GPtrArray) rejections = rejection_list (md_rejection_copy (seed),
                                                    md_rejection_copy (second), NULL);
  g_autoptr(GPtrArray) explanations = g_ptr_array_new_with_free_func ((GDestroyNotify) md_explanation_free);
  g_autoptr(MdExplanation) explanation = md_knowledge_explain (md_knowledge_get_default (), seed);
  g_autoptr(JsonNode) explanation_json = md_explanation_to_json (explanation);
  g_autoptr(GBytes) eml = g_bytes_new_static (EML, sizeof EML - 1);
  g_autoptr(GBytes) eml_back = NULL;
  g_autoptr(MdCase) c = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  g_autofree char *text = NULL;
  const MdCaseRejection *r0, *r1;
  gint64 id;

  g_ptr_array_add (explanations, md_explanation_copy (explanation));
  g_ptr_array_add (explanations, NULL);

  id = md_case_store_create_case (store, "Outlook blocks mail.example.de", SEED_TEXT, eml,
                                  rejections, explanations, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);

  c = md_case_store_get_case (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (c->id, ==, id);
  g_assert_cmpstr (c->title, ==, "Outlook blocks mail.example.de");
  g_assert_cmpstr (c->receiver, ==, "microsoft");
  g_assert_cmpstr (c->blocked_ip, ==, "203.0.113.7");
  g_assert_cmpint (c->status, ==, MD_CASE_STATUS_OPEN);
  g_assert_cmpstr (c->notes, ==, "");
  g_assert_true (c->has_input_eml);
  text = md_case_store_dup_input_text (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, SEED_TEXT);
  g_assert_null (c->deleted);
  g_assert_true (g_date_time_equal (c->created, c->updated));
  g_assert_cmpint (g_date_time_get_utc_offset (c->created), ==, 0);

  eml_back = md_case_store_dup_input_eml (store, id, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (eml, eml_back));

  stored = md_case_store_list_rejections (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, 2);
  r0 = g_ptr_array_index (stored, 0);
  r1 = g_ptr_array_index (stored, 1);
  g_assert_cmpuint (r0->position, ==, 0);
  g_assert_cmpuint (r1->position, ==, 1);
  assert_rejection_equal (r0->rejection, seed);
  assert_rejection_equal (r1->rejection, second);
  g_assert_nonnull (r0->explanation);
  g_assert_true (json_node_equal (r0->explanation, explanation_json));
  g_assert_null (r1->explanation);

  assert_event_kinds (store, id, "created");
}

static void
test_rejection_round_trip (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCaseStore) store = open_store (fixture->path);
  g_autoptr(MdRejection) full = full_rejection ();
  g_autoptr(MdRejection) empty = md_rejection_new ();
  g_autoptr(GPtrArray) rejections = rejection_list (md_rejection_copy (full),
                                                    md_rejection_copy (empty), NULL);
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(MdCase) c = NULL;
  g_autofree char *text = NULL;
  gint64 id;

  id = md_case_store_create_case (store, NULL, NULL, NULL, rejections, NULL, &error);
  g_assert_no_error (error);

  /* Reopen: what comes back is what is on disk, not a cached copy. */
  g_clear_object (&store);
  store = open_store (fixture->path);

  stored = md_case_store_list_rejections (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, 2);
  assert_rejection_equal (((MdCaseRejection *) g_ptr_array_index (stored, 0))->rejection, full);
  assert_rejection_equal (((MdCaseRejection *) g_ptr_array_index (stored, 1))->rejection, empty);

  /* Unknown everything stays unknown: NULLs, not "" or 0 turned into text. */
  g_assert_null (((MdCaseRejection *) g_ptr_array_index (stored, 1))->rejection->provider);
  g_assert_cmpuint (g_strv_length (((MdCaseRejection *) g_ptr_array_index (stored, 1))->rejection->references), ==, 0);

  c = md_case_store_get_case (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (c->title, ==, "");
  g_assert_false (c->has_input_eml);
  text = md_case_store_dup_input_text (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "");
  g_assert_cmpstr (c->receiver, ==, "t-online");
  g_assert_cmpstr (c->blocked_ip, ==, "2001:db8::25");
  g_assert_null (md_case_store_dup_input_eml (store, id, &error));
  g_assert_no_error (error);
}

static void
test_receiver_fallback (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCaseStore) store = open_store (fixture->path);
  MdRejection *by_recipient = md_rejection_new ();
  MdRejection *with_ip = md_rejection_new ();
  g_autoptr(GPtrArray) rejections = NULL;
  g_autoptr(GPtrArray) more = NULL;
  g_autoptr(MdCase) c = NULL;
  g_autoptr(MdCase) after = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  gint64 id;

  /* No provider recognised: the recipient's domain names the receiver; the
   * blocked IP comes from whichever rejection names one. */
  by_recipient->recipient = g_strdup ("Info@Example-Firma.DE");
  with_ip->blocked_ip = g_strdup ("198.51.100.42");
  rejections = rejection_list (by_recipient, with_ip, NULL);

  id = md_case_store_create_case (store, "x", "", NULL, rejections, NULL, &error);
  g_assert_no_error (error);
  c = md_case_store_get_case (store, id, &error);
  g_assert_cmpstr (c->receiver, ==, "example-firma.de");
  g_assert_cmpstr (c->blocked_ip, ==, "198.51.100.42");

  /* The user corrects the IP; rejections added later do not overwrite it. */
  g_assert_true (md_case_store_set_subject (store, id, "example-firma.de", "198.51.100.99", &error));
  g_assert_no_error (error);
  more = rejection_list (seed_rejection (), NULL);
  g_assert_true (md_case_store_add_rejections (store, id, more, NULL, &error));
  g_assert_no_error (error);
  after = md_case_store_get_case (store, id, &error);
  g_assert_cmpstr (after->blocked_ip, ==, "198.51.100.99");
  g_assert_cmpstr (after->receiver, ==, "example-firma.de");

  stored = md_case_store_list_rejections (store, id, &error);
  g_assert_cmpuint (stored->len, ==, 3);
  g_assert_cmpuint (((MdCaseRejection *) g_ptr_array_index (stored, 2))->position, ==, 2);
  g_assert_cmpstr (((MdCaseRejection *) g_ptr_array_index (stored, 2))->rejection->enhanced_status, ==, "5.7.511");

  /* Explanations must pair up with rejections. */
  g_assert_false (md_case_store_add_rejections (store, id, more, rejections, &error));
  g_assert_error (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_INVALID);
}

static void
test_ordering (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCaseStore) store = open_store (fixture->path);
  g_autoptr(GPtrArray) cases = NULL;
  gint64 first = create_simple (store, "first");
  gint64 second = create_simple (store, "second");
  gint64 third = create_simple (store, "third");

  g_assert_cmpint (first, <, second);
  g_assert_cmpint (second, <, third);

  cases = md_case_store_list_cases (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cases->len, ==, 3);
  g_assert_cmpint (((MdCase *) g_ptr_array_index (cases, 0))->id, ==, third);
  g_assert_cmpint (((MdCase *) g_ptr_array_index (cases, 1))->id, ==, second);
  g_assert_cmpint (((MdCase *) g_ptr_array_index (cases, 2))->id, ==, first);
  g_assert_cmpstr (((MdCase *) g_ptr_array_index (cases, 0))->title, ==, "third");
  g_assert_cmpstr (((MdCase *) g_ptr_array_index (cases, 0))->receiver, ==, "microsoft");
  g_assert_cmpuint (md_case_store_count_cases (store), ==, 3);
}

static guint
count_search (MdCaseStore *store,
              const char  *search)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) cases = md_case_store_list_cases (store, search, &error);

  g_assert_no_error (error);
  return cases->len;
}

static void
test_search (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCaseStore) store = open_store (fixture->path);
  g_autoptr(GPtrArray) found = NULL;
  gint64 microsoft = create_simple (store, "Kunde Müller GmbH");
  gint64 tonline = 0;
  gint64 other = create_simple (store, "Newsletter 100% blocked");
  g_autoptr(GPtrArray) rejections = rejection_list (full_rejection (), NULL);

  tonline = md_case_store_create_case (store, "Praxis Dr. Weiß", "", NULL, rejections, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (md_case_store_set_notes (store, other, "Ticket #4711 bei ÖKO-Hosting", &error));
  g_assert_true (md_case_store_set_subject (store, other, "gmx", "192.0.2.1", &error));

  g_assert_cmpuint (count_search (store, NULL), ==, 3);
  g_assert_cmpuint (count_search (store, ""), ==, 3);
  g_assert_cmpuint (count_search (store, "   "), ==, 3);

  /* Title, ignoring case beyond ASCII. */
  found = md_case_store_list_cases (store, "müller", &error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpint (((MdCase *) g_ptr_array_index (found, 0))->id, ==, microsoft);
  g_assert_cmpuint (count_search (store, "MÜLLER"), ==, 1);
  g_assert_cmpuint (count_search (store, "weiß"), ==, 1);
  /* Notes. */
  g_assert_cmpuint (count_search (store, "öko-hosting"), ==, 1);
  g_assert_cmpuint (count_search (store, "#4711"), ==, 1);
  /* Receiver and IP. */
  g_assert_cmpuint (count_search (store, "Microsoft"), ==, 1);
  g_assert_cmpuint (count_search (store, "t-online"), ==, 1);
  g_assert_cmpuint (count_search (store, "203.0.113.7"), ==, 1);
  g_assert_cmpuint (count_search (store, "2001:DB8::25"), ==, 1);
  g_assert_cmpuint (count_search (store, " 192.0.2.1 "), ==, 1);
  /* The user's wildcard characters are plain text. */
  g_assert_cmpuint (count_search (store, "100%"), ==, 1);
  g_assert_cmpuint (count_search (store, "%"), ==, 1);
  g_assert_cmpuint (count_search (store, "_"), ==, 0);
  g_assert_cmpuint (count_search (store, "nowhere"), ==, 0);

  /* A deleted case is not found. */
  g_assert_true (md_case_store_delete_case (store, tonline, &error));
  g_assert_cmpuint (count_search (store, "weiß"), ==, 0);
}

static void
test_status (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCaseStore) store = open_store (fixture->path);
  gint64 id = create_simple (store, "status");
  g_autoptr(MdCase) c = NULL;
  MdCaseStatus parsed;

  g_assert_true (md_case_store_set_status (store, id, MD_CASE_STATUS_REQUESTED, &error));
  /* Setting the same status twice records it once. */
  g_assert_true (md_case_store_set_status (store, id, MD_CASE_STATUS_REQUESTED, &error));
  g_assert_true (md_case_store_set_status (store, id, MD_CASE_STATUS_DELISTED, &error));
  g_assert_true (md_case_store_set_status (store, id, MD_CASE_STATUS_CLOSED, &error));
  g_assert_true (md_case_store_set_status (store, id, MD_CASE_STATUS_OPEN, &error));
  g_assert_true (md_case_store_set_status (store, id, MD_CASE_STATUS_DELISTED, &error));
  g_assert_no_error (error);

  c = md_case_store_get_case (store, id, &error);
  g_assert_cmpint (c->status, ==, MD_CASE_STATUS_DELISTED);
  g_assert_true (g_date_time_compare (c->updated, c->created) >= 0);
  assert_event_kinds (store, id,
                      "created marked-requested marked-delisted closed reopened marked-delisted");

  g_assert_false (md_case_store_set_status (store, id + 100, MD_CASE_STATUS_CLOSED, &error));
  g_assert_error (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_NOT_FOUND);

  g_assert_cmpstr (md_case_status_to_string (MD_CASE_STATUS_REQUESTED), ==, "requested");
  g_assert_true (md_case_status_from_string ("closed", &parsed));
  g_assert_cmpint (parsed, ==, MD_CASE_STATUS_CLOSED);
  g_assert_false (md_case_status_from_string ("Closed", &parsed));
  g_assert_cmpstr (md_case_status_get_label (MD_CASE_STATUS_DELISTED), ==, "Delisted");
}

static JsonNode *
json_parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
}

static void
test_timeline (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCaseStore) store = open_store (fixture->path);
  gint64 id = create_simple (store, "timeline");
  gint64 other = create_simple (store, "other case");
  g_autoptr(GDateTime) started = g_date_time_new_utc (2026, 11, 29, 14, 0, 1.25);
  g_autoptr(GDateTime) started2 = g_date_time_new_utc (2026, 11, 30, 9, 30, 0);
  g_autoptr(GDateTime) finished2 = g_date_time_new_utc (2026, 11, 30, 9, 30, 7.5);
  g_autoptr(JsonNode) running = json_parse ("[{\"id\":\"dnsbl-spamhaus-zen\",\"status\":\"running\"}]");
  g_autoptr(JsonNode) done = json_parse ("[{\"id\":\"dnsbl-spamhaus-zen\",\"status\":\"problem\","
                                         "\"summary\":\"Gelistet: 127.0.0.2 — SBL\"}]");
  g_autoptr(JsonNode) draft = json_parse ("{\"to\":\"delist@messaging.microsoft.com\","
                                          "\"subject\":\"Delist request 203.0.113.7\"}");
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GPtrArray) drafts = NULL;
  g_autoptr(GPtrArray) events = NULL;
  const MdCaseCheckRun *run;
  gint64 run1, run2, draft_id;

  run1 = md_case_store_add_check_run (store, id, started, NULL, running, &error);
  g_assert_no_error (error);
  g_assert_true (md_case_store_finish_check_run (store, run1, started2, done, &error));
  g_assert_no_error (error);
  draft_id = md_case_store_add_draft (store, id, "microsoft-delist-mail", draft, &error);
  g_assert_no_error (error);
  g_assert_cmpint (draft_id, >, 0);
  g_assert_cmpint (md_case_store_add_event (store, id, MD_CASE_EVENT_REQUEST_OPENED_IN_MAIL_APP,
                                            "delist@messaging.microsoft.com", &error), >, 0);
  g_assert_cmpint (md_case_store_add_event (store, id, MD_CASE_EVENT_REQUEST_SAVED,
                                            "/home/anna/Anfrage für Microsoft.eml", &error), >, 0);
  g_assert_true (md_case_store_set_status (store, id, MD_CASE_STATUS_REQUESTED, &error));
  run2 = md_case_store_add_check_run (store, id, started2, finished2, done, &error);
  g_assert_no_error (error);
  g_assert_true (md_case_store_set_title (store, id, "Outlook: 203.0.113.7", &error));
  g_assert_true (md_case_store_set_status (store, id, MD_CASE_STATUS_DELISTED, &error));
  g_assert_no_error (error);

  assert_event_kinds (store, id,
                      "created checked draft-created request-opened-in-mail-app request-saved "
                      "marked-requested rechecked renamed marked-delisted");
  assert_event_kinds (store, other, "created");

  events = md_case_store_list_events (store, id, &error);
  g_assert_cmpstr (((MdCaseEvent *) g_ptr_array_index (events, 2))->detail, ==, "microsoft-delist-mail");
  g_assert_cmpstr (((MdCaseEvent *) g_ptr_array_index (events, 3))->detail, ==,
                   "delist@messaging.microsoft.com");
  g_assert_cmpstr (((MdCaseEvent *) g_ptr_array_index (events, 4))->detail, ==,
                   "/home/anna/Anfrage für Microsoft.eml");
  g_assert_null (((MdCaseEvent *) g_ptr_array_index (events, 0))->detail);
  g_assert_cmpstr (((MdCaseEvent *) g_ptr_array_index (events, 7))->detail, ==, "Outlook: 203.0.113.7");
  for (guint i = 1; i < events->len; i++)
    {
      const MdCaseEvent *a = g_ptr_array_index (events, i - 1);
      const MdCaseEvent *b = g_ptr_array_index (events, i);

      g_assert_cmpint (a->id, <, b->id);
      g_assert_true (g_date_time_compare (a->timestamp, b->timestamp) <= 0);
    }

  /* Runs newest first, times to the microsecond, results as given. */
  runs = md_case_store_list_check_runs (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 2);
  run = g_ptr_array_index (runs, 0);
  g_assert_cmpint (run->id, ==, run2);
  g_assert_true (g_date_time_equal (run->started, started2));
  g_assert_true (g_date_time_equal (run->finished, finished2));
  g_assert_cmpint (g_date_time_get_microsecond (run->finished), ==, 500000);
  g_assert_true (json_node_equal (run->results, done));
  run = g_ptr_array_index (runs, 1);
  g_assert_cmpint (run->id, ==, run1);
  g_assert_true (g_date_time_equal (run->started, started));
  g_assert_cmpint (g_date_time_get_microsecond (run->started), ==, 250000);
  g_assert_true (g_date_time_equal (run->finished, started2));
  g_assert_true (json_node_equal (run->results, done));

  drafts = md_case_store_list_drafts (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (drafts->len, ==, 1);
  g_assert_cmpint (((MdCaseDraft *) g_ptr_array_index (drafts, 0))->id, ==, draft_id);
  g_assert_cmpstr (((MdCaseDraft *) g_ptr_array_index (drafts, 0))->channel_id, ==, "microsoft-delist-mail");
  g_assert_true (json_node_equal (((MdCaseDraft *) g_ptr_array_index (drafts, 0))->draft, draft));

  /* Nothing is attached to a case that does not exist, and nothing half. */
  g_assert_cmpint (md_case_store_add_check_run (store, 9999, started, NULL, done, &error), ==, 0);
  g_assert_error (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (md_case_store_finish_check_run (store, 9999, NULL, done, &error));
  g_assert_error (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (md_case_store_add_event (store, 9999, MD_CASE_EVENT_CHECKED, NULL, &error), ==, 0);
  g_assert_error (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (md_case_store_add_draft (store, 9999, NULL, draft, &error), ==, 0);
  g_assert_error (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_object (&store);
  {
    g_autofree char *runs_count = query_text (fixture->path, "SELECT count (*) FROM check_runs");
    g_autofree char *events_count = query_text (fixture->path, "SELECT count (*) FROM events");

    g_assert_cmpstr (runs_count, ==, "2");
    g_assert_cmpstr (events_count, ==, "10");
  }
}

static void
test_notes (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCaseStore) store = open_store (fixture->path);
  gint64 id = create_simple (store, "notes");
  g_autoptr(GString) large = g_string_new (NULL);
  g_autoptr(MdCase) c = NULL;
  g_autoptr(MdCase) cleared = NULL;

  /* Two megabytes of notes with multi-byte characters. */
  while (large->len < 2 * 1024 * 1024)
    g_string_append (large, "Anruf bei der Hotline: Rückruf zugesagt, Ticket offen. ✓\n");

  g_assert_true (md_case_store_set_notes (store, id, "Erster Versuch", &error));
  /* Saving as the user types makes one "notes edited", not one per save. */
  g_assert_true (md_case_store_set_notes (store, id, large->str, &error));
  g_assert_true (md_case_store_set_notes (store, id, large->str, &error));
  g_assert_no_error (error);
  assert_event_kinds (store, id, "created note-edited");

  g_clear_object (&store);
  store = open_store (fixture->path);
  c = md_case_store_get_case (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (c->notes), ==, large->len);
  g_assert_cmpstr (c->notes, ==, large->str);

  g_assert_true (md_case_store_set_status (store, id, MD_CASE_STATUS_CLOSED, &error));
  g_assert_true (md_case_store_set_notes (store, id, NULL, &error));
  g_assert_no_error (error);
  cleared = md_case_store_get_case (store, id, &error);
  g_assert_cmpstr (cleared->notes, ==, "");
  assert_event_kinds (store, id, "created note-edited closed note-edited");
}

static void
test_request_edits (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCaseStore) store = open_store (fixture->path);
  gint64 id = create_simple (store, "edits");
  g_autofree char *none = NULL;
  g_autofree char *back = NULL;

  none = md_case_store_dup_request_edits (store, id, &error);
  g_assert_no_error (error);
  g_assert_null (none);

  /* Kept across a restart, with no event: it is an autosave. */
  g_assert_true (md_case_store_set_request_edits (store, id, "{\"body\":\"Grüße\"}", &error));
  g_assert_no_error (error);
  g_clear_object (&store);
  store = open_store (fixture->path);
  back = md_case_store_dup_request_edits (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back, ==, "{\"body\":\"Grüße\"}");
  assert_event_kinds (store, id, "created");

  /* Not JSON is refused by the column's check. */
  g_assert_false (md_case_store_set_request_edits (store, id, "not json", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (md_case_store_set_request_edits (store, id + 1000, NULL, &error));
  g_assert_error (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_NOT_FOUND);
}

static void
test_delete_undo (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCaseStore) store = open_store (fixture->path);
  gint64 keep = create_simple (store, "keep");
  gint64 victim = create_simple (store, "victim");
  g_autoptr(JsonNode) results = json_parse ("[]");
  g_autoptr(MdCase) deleted = NULL;
  g_autoptr(MdCase) restored = NULL;
  g_autoptr(GPtrArray) cases = NULL;
  g_autoptr(GPtrArray) rejections = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GDateTime) long_ago = g_date_time_new_utc (2000, 1, 1, 0, 0, 0);
  g_autofree char *count = NULL;

  g_assert_cmpint (md_case_store_add_check_run (store, victim, long_ago, long_ago, results, &error), >, 0);
  g_assert_true (md_case_store_set_notes (store, victim, "wichtig", &error));

  g_assert_true (md_case_store_delete_case (store, victim, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (md_case_store_count_cases (store), ==, 1);
  cases = md_case_store_list_cases (store, NULL, &error);
  g_assert_cmpuint (cases->len, ==, 1);
  g_assert_cmpint (((MdCase *) g_ptr_array_index (cases, 0))->id, ==, keep);
  g_clear_pointer (&cases, g_ptr_array_unref);

  deleted = md_case_store_get_case (store, victim, &error);
  g_assert_no_error (error);
  g_assert_nonnull (deleted->deleted);

  /* Undo survives a restart: deletion is only a mark until purged. */
  g_clear_object (&store);
  store = open_store (fixture->path);
  g_assert_true (md_case_store_undelete_case (store, victim, &error));
  g_assert_no_error (error);
  restored = md_case_store_get_case (store, victim, &error);
  g_assert_null (restored->deleted);
  g_assert_cmpstr (restored->notes, ==, "wichtig");
  cases = md_case_store_list_cases (store, NULL, &error);
  g_assert_cmpuint (cases->len, ==, 2);
  g_assert_cmpint (((MdCase *) g_ptr_array_index (cases, 0))->id, ==, victim);
  rejections = md_case_store_list_rejections (store, victim, &error);
  g_assert_cmpuint (rejections->len, ==, 1);
  assert_event_kinds (store, victim, "created checked note-edited");
  /* Undoing twice is harmless. */
  g_assert_true (md_case_store_undelete_case (store, victim, &error));

  /* Purge: only deleted cases, only those deleted before the cut-off. */
  g_assert_true (md_case_store_delete_case (store, victim, &error));
  g_assert_cmpint (md_case_store_purge_deleted (store, long_ago, &error), ==, 0);
  g_assert_cmpint (md_case_store_purge_deleted (store, NULL, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_null (md_case_store_get_case (store, victim, &error));
  g_assert_error (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (md_case_store_undelete_case (store, victim, &error));
  g_assert_error (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  events = md_case_store_list_events (store, victim, &error);
  g_assert_cmpuint (events->len, ==, 0);
  g_assert_cmpuint (md_case_store_count_cases (store), ==, 1);

  /* Everything of the purged case is gone from the file; the kept one is whole. */
  g_clear_object (&store);
  count = query_text (fixture->path,
                      "SELECT (SELECT count (*) FROM rejections) || ',' || "
                      "(SELECT count (*) FROM check_runs) || ',' || (SELECT count (*) FROM events)");
  g_assert_cmpstr (count, ==, "1,0,1");

  /* A purged id is never handed out again. */
  store = open_store (fixture->path);
  g_assert_cmpint (create_simple (store, "new"), >, victim);
}

static void
test_changed_signal (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCaseStore) store = open_store (fixture->path);
  ChangeLog log = { g_array_new (FALSE, FALSE, sizeof (gint64)),
                    g_array_new (FALSE, FALSE, sizeof (MdCaseChange)) };
  gint64 id;
  static const MdCaseChange expected[] = {
    MD_CASE_CHANGE_ADDED, MD_CASE_CHANGE_UPDATED, MD_CASE_CHANGE_UPDATED,
    MD_CASE_CHANGE_REMOVED, MD_CASE_CHANGE_ADDED,
  };

  g_signal_connect (store, "changed", G_CALLBACK (changed_cb), &log);

  id = create_simple (store, "signal");
  g_assert_true (md_case_store_set_status (store, id, MD_CASE_STATUS_CLOSED, &error));
  /* No change, no signal. */
  g_assert_true (md_case_store_set_status (store, id, MD_CASE_STATUS_CLOSED, &error));
  g_assert_cmpint (md_case_store_add_event (store, id, MD_CASE_EVENT_REQUEST_COPIED, NULL, &error), >, 0);
  g_assert_true (md_case_store_delete_case (store, id, &error));
  g_assert_true (md_case_store_undelete_case (store, id, &error));
  /* A failed write does not claim a change. */
  g_assert_false (md_case_store_set_status (store, id + 1, MD_CASE_STATUS_OPEN, &error));
  g_clear_error (&error);

  g_assert_cmpuint (log.changes->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_assert_cmpint (g_array_index (log.ids, gint64, i), ==, id);
      g_assert_cmpint (g_array_index (log.changes, MdCaseChange, i), ==, expected[i]);
    }

  g_array_unref (log.ids);
  g_array_unref (log.changes);
}

static void
test_many_cases (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCaseStore) store = open_store (fixture->path);
  g_autoptr(GPtrArray) cases = NULL;
  gint64 last = 0;

  for (guint i = 0; i < 1000; i++)
    {
      g_autoptr(GPtrArray) rejections = rejection_list (seed_rejection (), NULL);
      g_autofree char *title = g_strdup_printf ("Fall %04u", i);
      gint64 id;

      g_free (((MdRejection *) g_ptr_array_index (rejections, 0))->blocked_ip);
      ((MdRejection *) g_ptr_array_index (rejections, 0))->blocked_ip =
        g_strdup_printf ("10.%u.%u.%u", i / 65536, (i / 256) % 256, i % 256);
      id = md_case_store_create_case (store, title, SEED_TEXT, NULL, rejections, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (id, >, last);
      last = id;
    }

  cases = md_case_store_list_cases (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cases->len, ==, 1000);
  for (guint i = 0; i < cases->len; i++)
    {
      g_autofree char *title = g_strdup_printf ("Fall %04u", 999 - i);

      g_assert_cmpstr (((MdCase *) g_ptr_array_index (cases, i))->title, ==, title);
    }

  g_assert_cmpuint (count_search (store, "fall 09"), ==, 100);
  g_assert_cmpuint (count_search (store, "10.0.3.231"), ==, 1);
  /* Cases 768 to 999. */
  g_assert_cmpuint (count_search (store, "10.0.3."), ==, 232);
}

typedef struct
{
  sqlite3 *db;
  gint64   raw_id;
} Holder;

static gpointer
release_lock_thread (gpointer data)
{
  Holder *holder = data;

  g_usleep (300 * G_TIME_SPAN_MILLISECOND);
  exec_raw (holder->db, "COMMIT");

  return NULL;
}

static void
test_concurrent_open (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCaseStore) a = open_store (fixture->path);
  g_autoptr(MdCaseStore) b = open_store (fixture->path);
  g_autoptr(GPtrArray) cases = NULL;
  g_autoptr(MdCase) seen = NULL;
  Holder holder = { NULL, 0 };
  GThread *thread;
  gint64 from_a, from_b;

  from_a = create_simple (a, "from A");
  seen = md_case_store_get_case (b, from_a, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (seen->title, ==, "from A");

  /* Another writer holds the write lock; B's write waits for it instead of
   * failing with "database is locked". */
  g_assert_cmpint (sqlite3_open (fixture->path, &holder.db), ==, SQLITE_OK);
  exec_raw (holder.db, "BEGIN IMMEDIATE");
  exec_raw (holder.db, "INSERT INTO cases (created, updated, title) VALUES (1, 1, 'held')");
  holder.raw_id = sqlite3_last_insert_rowid (holder.db);
  thread = g_thread_new ("lock-holder", release_lock_thread, &holder);

  from_b = create_simple (b, "from B");
  g_thread_join (thread);
  sqlite3_close (holder.db);

  /* B's case was written after the holder's commit. */
  g_assert_cmpint (from_b, >, holder.raw_id);
  cases = md_case_store_list_cases (a, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cases->len, ==, 3);
  g_assert_cmpint (((MdCase *) g_ptr_array_index (cases, 0))->id, ==, from_b);
  g_assert_cmpstr (((MdCase *) g_ptr_array_index (cases, 2))->title, ==, "held");
}

/* The v1 schema exactly as it first shipped: a fixture that must keep
 * opening after every later migration. Do not update it. */
static const char v1_schema[] =
  "CREATE TABLE cases (id INTEGER PRIMARY KEY AUTOINCREMENT, created INTEGER NOT NULL,"
  "  updated INTEGER NOT NULL, title TEXT NOT NULL DEFAULT '', receiver TEXT, blocked_ip TEXT,"
  "  status TEXT NOT NULL DEFAULT 'open'"
  "    CHECK (status IN ('open', 'requested', 'delisted', 'closed')),"
  "  notes TEXT NOT NULL DEFAULT '', input_text TEXT NOT NULL DEFAULT '', input_eml BLOB,"
  "  deleted_at INTEGER);"
  "CREATE INDEX cases_by_created ON cases (created DESC, id DESC);"
  "CREATE TABLE rejections (id INTEGER PRIMARY KEY,"
  "  case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL, rejection TEXT NOT NULL CHECK (json_valid (rejection)),"
  "  explanation TEXT CHECK (explanation IS NULL OR json_valid (explanation)),"
  "  UNIQUE (case_id, position));"
  "CREATE TABLE check_runs (id INTEGER PRIMARY KEY,"
  "  case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,"
  "  started INTEGER NOT NULL, finished INTEGER,"
  "  results TEXT NOT NULL CHECK (json_valid (results)));"
  "CREATE INDEX check_runs_by_case ON check_runs (case_id);"
  "CREATE TABLE drafts (id INTEGER PRIMARY KEY,"
  "  case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,"
  "  created INTEGER NOT NULL, channel_id TEXT, draft TEXT NOT NULL CHECK (json_valid (draft)));"
  "CREATE INDEX drafts_by_case ON drafts (case_id);"
  "CREATE TABLE events (id INTEGER PRIMARY KEY,"
  "  case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,"
  "  timestamp INTEGER NOT NULL, kind TEXT NOT NULL, detail TEXT);"
  "CREATE INDEX events_by_case ON events (case_id, id);"
  "PRAGMA user_version = 1;";

static void
test_migration_from_v1 (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCaseStore) store = NULL;
  g_autoptr(MdCase) c = NULL;
  g_autoptr(GPtrArray) rejections = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autofree char *version = NULL;
  g_autofree char *integrity = NULL;
  g_autofree char *text = NULL;
  g_autofree char *columns = NULL;
  g_autoptr(GBytes) eml = NULL;
  sqlite3 *db = NULL;

  /* An old file, written without the store: 2026-11-01 10:00:00 UTC. */
  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  exec_raw (db, v1_schema);
  exec_raw (db,
            "INSERT INTO cases (id, created, updated, title, receiver, blocked_ip, status, notes,"
            "                   input_text, input_eml)"
            "  VALUES (7, 1793527200000000, 1793527200000000, 'Alter Fall', 'microsoft',"
            "          '203.0.113.7', 'requested', 'Notiz', 'x', X'46726F6D3A20610D0A');"
            "INSERT INTO cases (id, created, updated, title, input_text)"
            "  VALUES (5, 1793527100000000, 1793527100000000, 'Ohne Mail', 'Zeile 1');"
            "INSERT INTO rejections (case_id, position, rejection) VALUES (7, 0,"
            "  '{\"recipient\":\"a@b.de\",\"provider\":\"microsoft\",\"smtp_code\":550,"
            "\"enhanced_status\":\"5.7.511\",\"stage\":\"rcpt-to\",\"temporary\":false,"
            "\"blocked_ip\":\"203.0.113.7\",\"references\":[\"AS(1410)\"],"
            "\"contacts\":[{\"kind\":\"email\",\"value\":\"delist@messaging.microsoft.com\"}],"
            "\"text\":\"550 5.7.511\"}');"
            "INSERT INTO events (case_id, timestamp, kind, detail)"
            "  VALUES (7, 1793527200000000, 'created', NULL),"
            "         (7, 1793527300000000, 'request-opened-in-mail-app', 'delist@messaging.microsoft.com'),"
            "         (7, 1793527400000000, 'some-future-kind', 'from a newer version');");
  sqlite3_close (db);

  store = open_store (fixture->path);
  c = md_case_store_get_case (store, 7, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (c->title, ==, "Alter Fall");
  g_assert_cmpint (c->status, ==, MD_CASE_STATUS_REQUESTED);
  g_assert_cmpint (g_date_time_to_unix (c->created), ==, 1793527200);
  /* The input moved to its own table (schema 2), nothing lost on the way. */
  g_assert_true (c->has_input_eml);
  text = md_case_store_dup_input_text (store, 7, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "x");
  eml = md_case_store_dup_input_eml (store, 7, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (eml, NULL), g_bytes_get_size (eml), "From: a\r\n", 9);
  g_clear_pointer (&c, md_case_free);
  c = md_case_store_get_case (store, 5, &error);
  g_assert_no_error (error);
  g_assert_false (c->has_input_eml);
  g_clear_pointer (&text, g_free);
  text = md_case_store_dup_input_text (store, 5, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "Zeile 1");
  g_assert_null (md_case_store_dup_input_eml (store, 5, &error));
  g_assert_no_error (error);
  rejections = md_case_store_list_rejections (store, 7, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rejections->len, ==, 1);
  g_assert_cmpstr (((MdCaseRejection *) g_ptr_array_index (rejections, 0))->rejection->recipient, ==, "a@b.de");
  g_assert_cmpint (((MdCaseRejection *) g_ptr_array_index (rejections, 0))->rejection->stage, ==,
                   MD_SMTP_STAGE_RCPT_TO);
  /* An event kind this version does not know is skipped, the rest shown. */
  events = md_case_store_list_events (store, 7, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 2);
  g_assert_cmpint (((MdCaseEvent *) g_ptr_array_index (events, 1))->kind, ==,
                   MD_CASE_EVENT_REQUEST_OPENED_IN_MAIL_APP);
  /* New cases continue after the old ids. */
  g_assert_cmpint (create_simple (store, "neu"), ==, 8);
  g_clear_object (&store);

  version = query_text (fixture->path, "PRAGMA user_version");
  g_assert_cmpint (g_ascii_strtoll (version, NULL, 10), ==, MD_CASE_STORE_SCHEMA_VERSION);
  integrity = query_text (fixture->path, "PRAGMA integrity_check");
  g_assert_cmpstr (integrity, ==, "ok");
  /* The cases row no longer carries the input. */
  columns = query_text (fixture->path,
                        "SELECT group_concat (name, ' ') FROM pragma_table_info ('cases')");
  g_assert_cmpstr (columns, ==,
                   "id created updated title receiver blocked_ip status notes deleted_at "
                   "request_edits has_input_eml");
}

static void
test_migration_from_empty (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCaseStore) store = NULL;
  g_autofree char *version = NULL;
  g_autofree char *mode = NULL;
  g_autofree char *tables = NULL;

  /* A zero-length file is an empty database at version 0. */
  g_assert_true (g_file_set_contents (fixture->path, "", 0, &error));
  store = open_store (fixture->path);
  create_simple (store, "first");
  g_clear_object (&store);

  version = query_text (fixture->path, "PRAGMA user_version");
  g_assert_cmpint (g_ascii_strtoll (version, NULL, 10), ==, MD_CASE_STORE_SCHEMA_VERSION);
  mode = query_text (fixture->path, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");
  tables = query_text (fixture->path,
                       "SELECT group_concat (name, ' ') FROM (SELECT name FROM sqlite_schema "
                       "WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name)");
  g_assert_cmpstr (tables, ==,
                   "case_inputs cases check_runs drafts events rejections watch_listings "
                   "watch_reminders");
}

static void
test_migration_too_new (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCaseStore) store = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_len, after_len;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  exec_raw (db, "CREATE TABLE cases (id INTEGER PRIMARY KEY, future TEXT); PRAGMA user_version = 99;");
  sqlite3_close (db);
  g_assert_true (g_file_get_contents (fixture->path, &before, &before_len, NULL));

  store = md_case_store_new (fixture->path, &error);
  g_assert_null (store);
  g_assert_error (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_TOO_NEW);
  g_assert_nonnull (strstr (error->message, "newer version of MailDoctor"));

  /* Left as it was, and not moved aside either. */
  g_assert_true (g_file_get_contents (fixture->path, &after, &after_len, NULL));
  g_assert_cmpmem (before, before_len, after, after_len);
}

static void
assert_moved_aside_bytes (const char *path,
                          const char *expected_bytes,
                          gsize       expected_len)
{
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpmem (contents, len, expected_bytes, expected_len);
}

static void
assert_moved_aside (Fixture    *fixture,
                    MdCaseStore *store,
                    const char  *expected_bytes,
                    gsize        expected_len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GRegex) pattern = g_regex_new ("^cases\\.db\\.corrupt-[0-9]{8}-[0-9]{6}$", 0, 0, NULL);
  const char *aside = md_case_store_get_recovered_path (store);
  g_autofree char *name = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *message = NULL;
  g_autofree char *expected_message = NULL;
  gsize len;

  g_assert_nonnull (aside);
  name = g_path_get_basename (aside);
  dir = g_path_get_dirname (aside);
  g_assert_true (g_regex_match (pattern, name, 0, NULL));
  g_assert_cmpstr (dir, ==, fixture->dir);

  /* Kept byte for byte. */
  g_assert_true (g_file_get_contents (aside, &contents, &len, &error));
  g_assert_cmpmem (contents, len, expected_bytes, expected_len);

  message = md_case_store_dup_recovery_message (store);
  expected_message = g_strdup_printf ("The case database was damaged; it was moved aside to %s "
                                      "and a new one was started.", aside);
  g_assert_cmpstr (message, ==, expected_message);

  /* The new database works and starts empty. */
  g_assert_cmpuint (md_case_store_count_cases (store), ==, 0);
  create_simple (store, "after recovery");
  g_assert_cmpuint (md_case_store_count_cases (store), ==, 1);
}

static void
test_corrupt_garbage (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCaseStore) store = NULL;
  g_autoptr(MdCaseStore) again = NULL;
  g_autofree char *garbage = g_malloc (10000);
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  g_autofree char *aside_wal = NULL;
  g_autofree char *wal_contents = NULL;
  g_autofree char *first_aside = NULL;
  static const char wal_bytes[] = "not a write-ahead log either";
  gsize len;

  for (guint i = 0; i < 10000; i++)
    garbage[i] = (char) ((i * 7919) % 251);
  g_assert_true (g_file_set_contents (fixture->path, garbage, 10000, &error));
  g_assert_true (g_file_set_contents (wal, wal_bytes, sizeof wal_bytes, &error));

  store = md_case_store_new (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  assert_moved_aside (fixture, store, garbage, 10000);

  /* Its log went along, under the same name. */
  aside_wal = g_strconcat (md_case_store_get_recovered_path (store), "-wal", NULL);
  g_assert_true (g_file_get_contents (aside_wal, &wal_contents, &len, &error));
  g_assert_cmpmem (wal_contents, len, wal_bytes, sizeof wal_bytes);

  /* The next start finds a healthy database and reports nothing. */
  first_aside = g_strdup (md_case_store_get_recovered_path (store));
  g_clear_object (&store);
  again = open_store (fixture->path);
  g_assert_null (md_case_store_dup_recovery_message (again));
  g_assert_cmpuint (md_case_store_count_cases (again), ==, 1);
  g_clear_object (&again);

  /* Damaged again, likely within the same second: a second name, and the
   * first copy is still there as it was. */
  g_assert_true (g_file_set_contents (fixture->path, garbage + 1, 9999, &error));
  store = md_case_store_new (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (md_case_store_get_recovered_path (store), !=, first_aside);
  assert_moved_aside_bytes (md_case_store_get_recovered_path (store), garbage + 1, 9999);
  assert_moved_aside_bytes (first_aside, garbage, 10000);
}

static void
test_corrupt_page (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCaseStore) store = open_store (fixture->path);
  g_autoptr(GPtrArray) cases = NULL;
  g_autofree char *contents = NULL;
  gsize len;
  FILE *file;

  for (guint i = 0; i < 50; i++)
    create_simple (store, "soon damaged");
  g_clear_object (&store);

  /* Overwrite page 2 (the root of the cases table) as a disk error would. */
  file = fopen (fixture->path, "r+b");
  g_assert_nonnull (file);
  g_assert_cmpint (fseek (file, 4096, SEEK_SET), ==, 0);
  for (guint i = 0; i < 4096; i++)
    fputc (0xa5, file);
  g_assert_cmpint (fclose (file), ==, 0);
  g_assert_true (g_file_get_contents (fixture->path, &contents, &len, &error));

  /* Closed cleanly before: opening does not read every page, so the damage
   * shows when the page is read. */
  store = md_case_store_new (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_null (md_case_store_get_recovered_path (store));
  cases = md_case_store_list_cases (store, NULL, &error);
  g_assert_null (cases);
  g_assert_error (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_CORRUPT);
  g_clear_error (&error);
  g_clear_object (&store);

  /* As the error says: moved aside the next time MailDoctor starts. */
  store = md_case_store_new (fixture->path, &error);
  g_assert_no_error (error);
  assert_moved_aside (fixture, store, contents, len);
}

/* Bytes this process read and wrote through read(2)/write(2) and their
 * kin (/proc/self/io: rchar, wchar), page cache or not: what SQLite asked
 * the file system for, whatever the disk did. */
static void
io_counters (guint64 *read_bytes,
             guint64 *written_bytes)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_true (g_file_get_contents ("/proc/self/io", &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  *read_bytes = *written_bytes = G_MAXUINT64;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "rchar: "))
        *read_bytes = g_ascii_strtoull (lines[i] + 7, NULL, 10);
      else if (g_str_has_prefix (lines[i], "wchar: "))
        *written_bytes = g_ascii_strtoull (lines[i] + 7, NULL, 10);
    }
  g_assert_cmpuint (*read_bytes, !=, G_MAXUINT64);
  g_assert_cmpuint (*written_bytes, !=, G_MAXUINT64);
}

#define BIG_INPUT_SIZE (50 * 1024 * 1024)
#define SMALL_IO (1024 * 1024)

/* A pasted mail.log of @size bytes. */
static char *
big_input (gsize size)
{
  GString *text = g_string_sized_new (size + 200);

  for (guint line = 0; text->len < size; line++)
    g_string_append_printf (text, "Dec  3 10:%02u:%02u mx postfix/smtp[%u]: 4A%08X: "
                            "to=<user%u@example.org>, relay=none, status=deferred\n",
                            (line / 60) % 60, line % 60, 1000 + line % 9000, line, line);

  return g_string_free (text, FALSE);
}

static gint64
create_big (const char *path,
            gsize       size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCaseStore) store = open_store (path);
  g_autoptr(GPtrArray) rejections = rejection_list (seed_rejection (), NULL);
  g_autofree char *text = big_input (size);
  gint64 id;

  id = md_case_store_create_case (store, "big", text, NULL, rejections, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);

  return id;
}

/* Listing, showing and recording never read or rewrite what was pasted:
 * with a 50 MB case they read and write less than 1 MB. */
static void
test_input_apart (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCaseStore) store = NULL;
  g_autoptr(GPtrArray) cases = NULL;
  g_autoptr(MdCase) c = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) results = json_from_string ("{\"checks\":[]}", NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  guint64 read_before, written_before, read_after, written_after;
  gint64 id, run;

  id = create_big (fixture->path, BIG_INPUT_SIZE);

  /* A fresh connection: nothing in SQLite's page cache. */
  store = open_store (fixture->path);
  io_counters (&read_before, &written_before);

  cases = md_case_store_list_cases (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cases->len, ==, 1);
  g_clear_pointer (&cases, g_ptr_array_unref);
  cases = md_case_store_list_cases (store, "big", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cases->len, ==, 1);
  c = md_case_store_get_case (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (c->title, ==, "big");
  g_assert_cmpuint (md_case_store_count_cases (store), ==, 1);

  /* Every event, run and draft touches the case (its updated time). */
  g_assert_true (md_case_store_set_title (store, id, "renamed", &error));
  g_assert_no_error (error);
  g_assert_cmpint (md_case_store_add_event (store, id, MD_CASE_EVENT_REQUEST_COPIED, NULL, &error),
                   >, 0);
  g_assert_true (md_case_store_set_status (store, id, MD_CASE_STATUS_REQUESTED, &error));
  g_assert_true (md_case_store_set_notes (store, id, "asked on Monday", &error));
  g_assert_true (md_case_store_set_subject (store, id, "microsoft", "203.0.113.8", &error));
  g_assert_no_error (error);
  run = md_case_store_add_check_run (store, id, now, NULL, results, &error);
  g_assert_cmpint (run, >, 0);
  g_assert_true (md_case_store_finish_check_run (store, run, now, results, &error));
  g_assert_cmpint (md_case_store_add_draft (store, id, NULL, results, &error), >, 0);
  g_assert_no_error (error);

  io_counters (&read_after, &written_after);
  g_assert_cmpuint (read_after - read_before, <, SMALL_IO);
  g_assert_cmpuint (written_after - written_before, <, SMALL_IO);

  /* Asked for, the input is read (so the counters above can see it). */
  text = md_case_store_dup_input_text (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (text), >=, BIG_INPUT_SIZE);
  io_counters (&read_after, &written_after);
  g_assert_cmpuint (read_after - read_before, >=, BIG_INPUT_SIZE);
}

static guint64
bytes_read_opening (const char *path)
{
  g_autoptr(MdCaseStore) store = NULL;
  guint64 read_before, written, read_after;

  io_counters (&read_before, &written);
  store = open_store (path);
  io_counters (&read_after, &written);

  return read_after - read_before;
}

static guint
count_markers (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_prefix (name, "cases.db.open-"))
      n++;

  return n;
}

/* The whole-file check runs after a run that did not close cleanly, never
 * after a clean close. */
static void
test_quick_check_after_unclean (Fixture       *fixture,
                                gconstpointer  data)
{
  gsize size = 8 * 1024 * 1024;
  int status;
  pid_t pid;

  create_big (fixture->path, size);
  g_assert_cmpuint (count_markers (fixture->dir), ==, 0);

  /* Closed cleanly: opening reads a few pages, not the 8 MB input. */
  g_assert_cmpuint (bytes_read_opening (fixture->path), <, SMALL_IO);

  /* A run that is killed: it never closes the store. */
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      MdCaseStore *store = md_case_store_new (fixture->path, NULL);

      _exit (store != NULL ? 0 : 1);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_assert_cmpuint (count_markers (fixture->dir), ==, 1);

  /* The next start checks every page: the input is read. */
  g_assert_cmpuint (bytes_read_opening (fixture->path), >=, size);
  g_assert_cmpuint (count_markers (fixture->dir), ==, 0);

  /* And the start after that, following a clean close, does not. */
  g_assert_cmpuint (bytes_read_opening (fixture->path), <, SMALL_IO);
}

typedef struct
{
  GMainLoop *loop;
  GThread   *main_thread;
  GString   *changes;
  gint64     result;
  GBytes    *eml;
  guint      pending;
} AsyncData;

static void
async_changed_cb (MdCaseStore  *store,
                  gint64        case_id,
                  MdCaseChange  change,
                  AsyncData    *async)
{
  g_assert_true (g_thread_self () == async->main_thread);
  g_string_append_printf (async->changes, "%s%" G_GINT64_FORMAT ":%d",
                          async->changes->len > 0 ? " " : "", case_id, change);
}

static void
async_create_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  AsyncData *async = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_thread_self () == async->main_thread);
  async->result = md_case_store_create_case_finish (MD_CASE_STORE (object), result, &error);
  g_assert_no_error (error);
  g_main_loop_quit (async->loop);
}

static void
async_write_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  AsyncData *async = user_data;
  g_autoptr(GError) error = NULL;
  GTask *task = G_TASK (result);

  g_assert_true (g_thread_self () == async->main_thread);
  if (g_task_get_source_tag (task) == md_case_store_add_check_run_async)
    g_assert_cmpint (md_case_store_add_check_run_finish (MD_CASE_STORE (object), result, &error),
                     >, 0);
  else if (g_task_get_source_tag (task) == md_case_store_finish_check_run_async)
    g_assert_true (md_case_store_finish_check_run_finish (MD_CASE_STORE (object), result, &error));
  else if (g_task_get_source_tag (task) == md_case_store_add_draft_async)
    g_assert_cmpint (md_case_store_add_draft_finish (MD_CASE_STORE (object), result, &error), >, 0);
  else
    async->eml = md_case_store_dup_input_eml_finish (MD_CASE_STORE (object), result, &error);
  g_assert_no_error (error);

  if (--async->pending == 0)
    g_main_loop_quit (async->loop);
}

static void
store_ready_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  MdCaseStore **store = user_data;
  g_autoptr(GError) error = NULL;

  *store = md_case_store_new_finish (result, &error);
  g_assert_no_error (error);
}

/* The writer thread: results and "changed" on the main thread, writes in
 * the order they were asked for, all of it visible to the main connection. */
static void
test_async_writes (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCaseStore) store = NULL;
  g_autoptr(GPtrArray) rejections = rejection_list (seed_rejection (), NULL);
  g_autoptr(GBytes) text = g_bytes_new_static (SEED_TEXT, strlen (SEED_TEXT));
  g_autoptr(GBytes) eml = g_bytes_new_static (EML, sizeof EML - 1);
  g_autoptr(JsonNode) results = json_from_string ("{\"checks\":[]}", NULL);
  g_autoptr(JsonNode) done = json_from_string ("{\"checks\":[{\"id\":\"x\"}]}", NULL);
  g_autoptr(JsonNode) draft = json_from_string ("{\"subject\":\"Bitte\"}", NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GPtrArray) drafts = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *expected = NULL;
  AsyncData async = { g_main_loop_new (NULL, FALSE), g_thread_self (), g_string_new (NULL), 0 };

  md_case_store_new_async (fixture->path, NULL, store_ready_cb, &store);
  while (store == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_signal_connect (store, "changed", G_CALLBACK (async_changed_cb), &async);

  md_case_store_create_case_async (store, "async", text, eml, rejections, NULL, NULL,
                                   async_create_cb, &async);
  g_main_loop_run (async.loop);
  g_assert_cmpint (async.result, >, 0);
  stored = md_case_store_dup_input_text (store, async.result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored, ==, SEED_TEXT);

  /* Queued one after the other without waiting: they run in this order. */
  async.pending = 3;
  md_case_store_add_check_run_async (store, async.result, now, NULL, results, NULL,
                                     async_write_cb, &async);
  md_case_store_add_draft_async (store, async.result, "microsoft-delist-mail", draft, NULL,
                                 async_write_cb, &async);
  md_case_store_dup_input_eml_async (store, async.result, NULL, async_write_cb, &async);
  g_main_loop_run (async.loop);
  g_assert_nonnull (async.eml);
  g_assert_true (g_bytes_equal (async.eml, eml));

  runs = md_case_store_list_check_runs (store, async.result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 1);
  async.pending = 1;
  md_case_store_finish_check_run_async (store, ((MdCaseCheckRun *) g_ptr_array_index (runs, 0))->id,
                                        now, done, NULL, async_write_cb, &async);
  g_main_loop_run (async.loop);
  g_clear_pointer (&runs, g_ptr_array_unref);
  runs = md_case_store_list_check_runs (store, async.result, &error);
  g_assert_nonnull (((MdCaseCheckRun *) g_ptr_array_index (runs, 0))->finished);
  drafts = md_case_store_list_drafts (store, async.result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (drafts->len, ==, 1);
  assert_event_kinds (store, async.result, "created checked draft-created");

  /* Added, then three updates (run, draft, run finished); the read is no change. */
  expected = g_strdup_printf ("%1$" G_GINT64_FORMAT ":%2$d %1$" G_GINT64_FORMAT ":%3$d "
                              "%1$" G_GINT64_FORMAT ":%3$d %1$" G_GINT64_FORMAT ":%3$d",
                              async.result, MD_CASE_CHANGE_ADDED, MD_CASE_CHANGE_UPDATED);
  g_assert_cmpstr (async.changes->str, ==, expected);

  g_clear_pointer (&async.eml, g_bytes_unref);
  g_string_free (async.changes, TRUE);
  g_main_loop_unref (async.loop);
}

/* The window's reads and writes on the writer thread */

typedef struct
{
  GPtrArray *results;   /* GAsyncResult*, in the order they came back */
  GString   *changes;
  GThread   *main_thread;
} OpsData;

static void
op_done_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  OpsData *ops = user_data;

  g_assert_true (g_thread_self () == ops->main_thread);
  g_ptr_array_add (ops->results, g_object_ref (result));
}

static void
ops_changed_cb (MdCaseStore  *store,
                gint64        case_id,
                MdCaseChange  change,
                OpsData      *ops)
{
  g_assert_true (g_thread_self () == ops->main_thread);
  g_string_append_printf (ops->changes, "%s%" G_GINT64_FORMAT,
                          ops->changes->len > 0 ? " " : "", case_id);
}

static GAsyncResult *
wait_results (OpsData *ops,
              guint    n)
{
  while (ops->results->len < n)
    g_main_context_iteration (NULL, TRUE);

  return g_ptr_array_index (ops->results, n - 1);
}

static void
assert_source (GAsyncResult *result,
               gpointer      source_tag)
{
  g_assert_true (g_task_get_source_tag (G_TASK (result)) == source_tag);
}

/* Status, notes, events and the request's edits: written in the order they
 * were asked for (also two writes of one field), read after the writes
 * asked for before, each result and "changed" on the main thread. */
static void
test_async_case_ops (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCaseStore) store = open_store (fixture->path);
  gint64 id = create_simple (store, "async ops");
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GString) changes = g_string_new (NULL);
  OpsData ops = { results, changes, g_thread_self () };
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) cases = NULL;
  g_autoptr(MdCase) record = NULL;
  g_autofree char *edits = NULL;
  g_autofree char *expected = NULL;
  MdCaseStatus previous = MD_CASE_STATUS_CLOSED;
  GString *kinds;

  g_signal_connect (store, "changed", G_CALLBACK (ops_changed_cb), &ops);

  /* All queued before any has run. */
  md_case_store_set_status_async (store, id, MD_CASE_STATUS_REQUESTED, NULL, op_done_cb, &ops);
  md_case_store_set_notes_async (store, id, "first", NULL, op_done_cb, &ops);
  md_case_store_set_notes_async (store, id, "second", NULL, op_done_cb, &ops);
  md_case_store_add_event_async (store, id, MD_CASE_EVENT_PROBE_ACCEPTED, "250 2.1.5 OK", NULL,
                                 op_done_cb, &ops);
  md_case_store_set_status_async (store, id, MD_CASE_STATUS_DELISTED, NULL, op_done_cb, &ops);
  /* The same status again: nothing written, no "changed". */
  md_case_store_set_status_async (store, id, MD_CASE_STATUS_DELISTED, NULL, op_done_cb, &ops);
  md_case_store_set_request_edits_async (store, id, "{\"steps\":[\"a\"]}", NULL,
                                         op_done_cb, &ops);
  md_case_store_list_events_async (store, id, NULL, op_done_cb, &ops);
  md_case_store_get_case_async (store, id, NULL, op_done_cb, &ops);
  md_case_store_dup_request_edits_async (store, id, NULL, op_done_cb, &ops);
  md_case_store_list_cases_async (store, "  ASYNC ", NULL, op_done_cb, &ops);
  g_assert_cmpuint (results->len, ==, 0);
  wait_results (&ops, 11);

  assert_source (results->pdata[0], md_case_store_set_status_async);
  g_assert_true (md_case_store_set_status_finish (store, results->pdata[0], &previous, &error));
  g_assert_no_error (error);
  g_assert_cmpint (previous, ==, MD_CASE_STATUS_OPEN);
  assert_source (results->pdata[1], md_case_store_set_notes_async);
  g_assert_true (md_case_store_set_notes_finish (store, results->pdata[1], &error));
  g_assert_true (md_case_store_set_notes_finish (store, results->pdata[2], &error));
  assert_source (results->pdata[3], md_case_store_add_event_async);
  g_assert_cmpint (md_case_store_add_event_finish (store, results->pdata[3], &error), >, 0);
  g_assert_true (md_case_store_set_status_finish (store, results->pdata[4], &previous, &error));
  g_assert_cmpint (previous, ==, MD_CASE_STATUS_REQUESTED);
  g_assert_true (md_case_store_set_status_finish (store, results->pdata[5], &previous, &error));
  g_assert_cmpint (previous, ==, MD_CASE_STATUS_DELISTED);
  g_assert_true (md_case_store_set_request_edits_finish (store, results->pdata[6], &error));
  g_assert_no_error (error);

  /* The reads saw every write before them. */
  events = md_case_store_list_events_finish (store, results->pdata[7], &error);
  g_assert_no_error (error);
  kinds = g_string_new (NULL);
  for (guint i = 0; i < events->len; i++)
    {
      const MdCaseEvent *event = g_ptr_array_index (events, i);

      g_string_append_printf (kinds, "%s%s", i > 0 ? " " : "",
                              md_case_event_kind_to_string (event->kind));
    }
  /* Two saves of the notes, one "note edited". */
  g_assert_cmpstr (kinds->str, ==,
                   "created marked-requested note-edited probe-accepted marked-delisted");
  g_string_free (kinds, TRUE);
  g_assert_cmpstr (((MdCaseEvent *) events->pdata[3])->detail, ==, "250 2.1.5 OK");

  record = md_case_store_get_case_finish (store, results->pdata[8], &error);
  g_assert_no_error (error);
  g_assert_cmpint (record->status, ==, MD_CASE_STATUS_DELISTED);
  g_assert_cmpstr (record->notes, ==, "second");

  edits = md_case_store_dup_request_edits_finish (store, results->pdata[9], &error);
  g_assert_no_error (error);
  g_assert_cmpstr (edits, ==, "{\"steps\":[\"a\"]}");

  cases = md_case_store_list_cases_finish (store, results->pdata[10], &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cases->len, ==, 1);
  g_assert_cmpint (((MdCase *) cases->pdata[0])->id, ==, id);

  /* "changed" for each write that changed the case, not for the edits. */
  expected = g_strdup_printf ("%1$" G_GINT64_FORMAT " %1$" G_GINT64_FORMAT " %1$" G_GINT64_FORMAT
                              " %1$" G_GINT64_FORMAT " %1$" G_GINT64_FORMAT, id);
  g_assert_cmpstr (changes->str, ==, expected);

  /* The main connection sees them too. */
  g_clear_pointer (&record, md_case_free);
  record = md_case_store_get_case (store, id, &error);
  g_assert_cmpstr (record->notes, ==, "second");
}

/* Errors come back through the callback, as the synchronous calls return
 * them; a failed write changes nothing and tells nothing. */
static void
test_async_case_ops_errors (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(MdCaseStore) store = open_store (fixture->path);
  gint64 id = create_simple (store, "errors");
  gint64 gone = id + 100;
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GString) changes = g_string_new (NULL);
  OpsData ops = { results, changes, g_thread_self () };
  GError *errors[10] = { NULL, };
  guint n_invalid = 0;

  g_signal_connect (store, "changed", G_CALLBACK (ops_changed_cb), &ops);

  md_case_store_set_status_async (store, gone, MD_CASE_STATUS_CLOSED, NULL, op_done_cb, &ops);
  md_case_store_set_status_async (store, id, (MdCaseStatus) 99, NULL, op_done_cb, &ops);
  md_case_store_set_notes_async (store, gone, "x", NULL, op_done_cb, &ops);
  md_case_store_add_event_async (store, gone, MD_CASE_EVENT_PROBE_REJECTED, NULL, NULL,
                                 op_done_cb, &ops);
  md_case_store_add_event_async (store, id, (MdCaseEventKind) 999, NULL, NULL, op_done_cb, &ops);
  md_case_store_set_request_edits_async (store, gone, "{}", NULL, op_done_cb, &ops);
  md_case_store_get_case_async (store, gone, NULL, op_done_cb, &ops);
  md_case_store_dup_request_edits_async (store, gone, NULL, op_done_cb, &ops);
  wait_results (&ops, 8);

  /* The two bad arguments are answered without being queued: in any order
   * with the rest. */
  for (guint i = 0; i < results->len; i++)
    {
      GAsyncResult *result = results->pdata[i];
      gpointer tag = g_task_get_source_tag (G_TASK (result));
      GError **error = &errors[i];

      if (tag == md_case_store_set_status_async)
        g_assert_false (md_case_store_set_status_finish (store, result, NULL, error));
      else if (tag == md_case_store_set_notes_async)
        g_assert_false (md_case_store_set_notes_finish (store, result, error));
      else if (tag == md_case_store_add_event_async)
        g_assert_cmpint (md_case_store_add_event_finish (store, result, error), ==, 0);
      else if (tag == md_case_store_set_request_edits_async)
        g_assert_false (md_case_store_set_request_edits_finish (store, result, error));
      else if (tag == md_case_store_get_case_async)
        g_assert_null (md_case_store_get_case_finish (store, result, error));
      else if (tag == md_case_store_dup_request_edits_async)
        g_assert_null (md_case_store_dup_request_edits_finish (store, result, error));
      else
        g_assert_not_reached ();
    }
  for (guint i = 0; i < results->len; i++)
    {
      g_assert_nonnull (errors[i]);
      g_assert_true (errors[i]->domain == MD_CASE_STORE_ERROR);
      if (errors[i]->code == MD_CASE_STORE_ERROR_INVALID)
        n_invalid++;
      else
        g_assert_cmpint (errors[i]->code, ==, MD_CASE_STORE_ERROR_NOT_FOUND);
    }
  g_assert_cmpuint (n_invalid, ==, 2);
  for (guint i = 0; i < G_N_ELEMENTS (errors); i++)
    g_clear_error (&errors[i]);

  g_assert_cmpstr (changes->str, ==, "");
  assert_event_kinds (store, id, "created");
}

/* The watch's reads and writes on the writer thread: in the order asked
 * for, each with what the synchronous call gives, no "changed" (no case
 * changes), and not one statement on the main connection. */
static void
test_async_watch_ops (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCaseStore) store = open_store (fixture->path);
  gint64 id = create_simple (store, "watched");
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GString) changes = g_string_new (NULL);
  OpsData ops = { results, changes, g_thread_self () };
  g_autoptr(GDateTime) listed = g_date_time_new_from_unix_utc (1796256000);
  g_autoptr(GDateTime) delisted = g_date_time_new_from_unix_utc (1796256000 + 3600);
  g_autoptr(GPtrArray) current = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(GPtrArray) rejections = NULL;
  const MdWatchListing *listing;
  gboolean done = FALSE;
  guint statements;

  g_signal_connect (store, "changed", G_CALLBACK (ops_changed_cb), &ops);
  statements = md_case_store_get_main_statements (store);

  md_case_store_record_listing_async (store, "203.0.113.7", "zen.spamhaus.org", "Spamhaus ZEN",
                                      TRUE, listed, "Listed: CSS.", NULL, op_done_cb, &ops);
  md_case_store_list_listings_async (store, NULL, TRUE, NULL, op_done_cb, &ops);
  md_case_store_record_listing_async (store, "203.0.113.7", "zen.spamhaus.org", "Spamhaus ZEN",
                                      TRUE, delisted, NULL, NULL, op_done_cb, &ops);
  md_case_store_claim_reminder_async (store, id, listed, NULL, op_done_cb, &ops);
  md_case_store_claim_reminder_async (store, id, delisted, NULL, op_done_cb, &ops);
  md_case_store_list_rejections_async (store, id, NULL, op_done_cb, &ops);
  md_case_store_record_listing_async (store, "203.0.113.7", "zen.spamhaus.org", "Spamhaus ZEN",
                                      FALSE, delisted, NULL, NULL, op_done_cb, &ops);
  md_case_store_list_listings_async (store, "203.0.113.7", FALSE, NULL, op_done_cb, &ops);
  md_case_store_list_listings_async (store, NULL, TRUE, NULL, op_done_cb, &ops);
  md_case_store_claim_reminder_async (store, id + 1000, listed, NULL, op_done_cb, &ops);
  g_assert_cmpuint (results->len, ==, 0);
  wait_results (&ops, 10);
  g_assert_cmpuint (md_case_store_get_main_statements (store), ==, statements);

  /* A new listing; read back; the same again is no change. */
  assert_source (results->pdata[0], md_case_store_record_listing_async);
  g_assert_true (md_case_store_record_listing_finish (store, results->pdata[0], &done, &error));
  g_assert_no_error (error);
  g_assert_true (done);
  current = md_case_store_list_listings_finish (store, results->pdata[1], &error);
  g_assert_no_error (error);
  g_assert_cmpuint (current->len, ==, 1);
  listing = g_ptr_array_index (current, 0);
  g_assert_cmpstr (listing->ip, ==, "203.0.113.7");
  g_assert_cmpstr (listing->list_name, ==, "Spamhaus ZEN");
  g_assert_cmpstr (listing->detail, ==, "Listed: CSS.");
  g_assert_true (g_date_time_equal (listing->listed, listed));
  g_assert_null (listing->delisted);
  g_assert_true (md_case_store_record_listing_finish (store, results->pdata[2], &done, &error));
  g_assert_false (done);

  /* A reminder is claimed once. */
  assert_source (results->pdata[3], md_case_store_claim_reminder_async);
  g_assert_true (md_case_store_claim_reminder_finish (store, results->pdata[3], &done, &error));
  g_assert_no_error (error);
  g_assert_true (done);
  g_assert_true (md_case_store_claim_reminder_finish (store, results->pdata[4], &done, &error));
  g_assert_false (done);

  assert_source (results->pdata[5], md_case_store_list_rejections_async);
  rejections = md_case_store_list_rejections_finish (store, results->pdata[5], &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rejections->len, ==, 1);
  g_assert_cmpstr (((MdCaseRejection *) rejections->pdata[0])->rejection->blocked_ip, ==,
                   "203.0.113.7");

  /* The delisting closes it: in the history, not among the current ones. */
  g_assert_true (md_case_store_record_listing_finish (store, results->pdata[6], &done, &error));
  g_assert_true (done);
  history = md_case_store_list_listings_finish (store, results->pdata[7], &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 1);
  g_assert_true (g_date_time_equal (((MdWatchListing *) history->pdata[0])->delisted, delisted));
  none = md_case_store_list_listings_finish (store, results->pdata[8], &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);

  /* No such case: nothing claimed, no error (as the synchronous call). */
  g_assert_true (md_case_store_claim_reminder_finish (store, results->pdata[9], &done, &error));
  g_assert_no_error (error);
  g_assert_false (done);

  g_assert_cmpstr (changes->str, ==, "");
}

/* Their errors come back through the callback: a rejection stored that
 * does not parse, and the watch's tables gone. */
static void
test_async_watch_ops_errors (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCaseStore) store = open_store (fixture->path);
  gint64 id = create_simple (store, "broken");
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GString) changes = g_string_new (NULL);
  OpsData ops = { results, changes, g_thread_self () };
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (1796256000);
  g_autofree char *sql = NULL;
  gboolean done = TRUE;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  sql = g_strdup_printf ("UPDATE rejections SET rejection = '[1]' WHERE case_id = %"
                         G_GINT64_FORMAT "; DROP TABLE watch_reminders; "
                         "DROP TABLE watch_listings;", id);
  exec_raw (db, sql);
  sqlite3_close (db);

  md_case_store_list_rejections_async (store, id, NULL, op_done_cb, &ops);
  md_case_store_record_listing_async (store, "203.0.113.7", "zen.spamhaus.org", "Spamhaus ZEN",
                                      TRUE, when, NULL, NULL, op_done_cb, &ops);
  md_case_store_list_listings_async (store, NULL, FALSE, NULL, op_done_cb, &ops);
  md_case_store_claim_reminder_async (store, id, when, NULL, op_done_cb, &ops);
  wait_results (&ops, 4);

  g_assert_null (md_case_store_list_rejections_finish (store, results->pdata[0], &error));
  g_assert_error (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (md_case_store_record_listing_finish (store, results->pdata[1], &done, &error));
  g_assert_error (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_FAILED);
  g_assert_false (done);
  g_clear_error (&error);
  g_assert_null (md_case_store_list_listings_finish (store, results->pdata[2], &error));
  g_assert_error (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_FAILED);
  g_clear_error (&error);
  done = TRUE;
  g_assert_false (md_case_store_claim_reminder_finish (store, results->pdata[3], &done, &error));
  g_assert_error (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_FAILED);
  g_assert_false (done);
  g_assert_cmpstr (changes->str, ==, "");
}

/* A newer read supersedes an older one: the older ends CANCELLED, never
 * with its (stale) answer; a write cancelled after it ran still says it
 * was written. */
static void
test_async_read_superseded (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCaseStore) store = open_store (fixture->path);
  gint64 id = create_simple (store, "superseded");
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GString) changes = g_string_new (NULL);
  OpsData ops = { results, changes, g_thread_self () };
  g_autoptr(GCancellable) older = g_cancellable_new ();
  g_autoptr(GCancellable) write = g_cancellable_new ();
  g_autoptr(GPtrArray) cases = NULL;
  guint n_stale = 0, n_fresh = 0, n_written = 0;
  g_autoptr(MdCase) record = NULL;

  md_case_store_list_cases_async (store, "s", older, op_done_cb, &ops);
  g_cancellable_cancel (older);
  md_case_store_list_cases_async (store, "super", NULL, op_done_cb, &ops);
  md_case_store_set_notes_async (store, id, "kept", write, op_done_cb, &ops);
  wait_results (&ops, 3);
  g_cancellable_cancel (write);

  /* A cancelled task answers one main loop iteration later than the others
   * (GTask): in any order, then. */
  for (guint i = 0; i < results->len; i++)
    {
      GAsyncResult *result = results->pdata[i];

      if (g_task_get_source_tag (G_TASK (result)) == md_case_store_set_notes_async)
        {
          g_assert_true (md_case_store_set_notes_finish (store, result, &error));
          g_assert_no_error (error);
          n_written++;
          continue;
        }

      cases = md_case_store_list_cases_finish (store, result, &error);
      if (cases == NULL)
        {
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
          g_clear_error (&error);
          n_stale++;
        }
      else
        {
          g_assert_cmpuint (cases->len, ==, 1);
          g_clear_pointer (&cases, g_ptr_array_unref);
          n_fresh++;
        }
    }
  g_assert_cmpuint (n_stale, ==, 1);
  g_assert_cmpuint (n_fresh, ==, 1);
  g_assert_cmpuint (n_written, ==, 1);
  record = md_case_store_get_case (store, id, &error);
  g_assert_cmpstr (record->notes, ==, "kept");
}

static void
ops_change_kind_cb (MdCaseStore  *store,
                    gint64        case_id,
                    MdCaseChange  change,
                    GString      *kinds)
{
  g_string_append_printf (kinds, "%s%d", kinds->len > 0 ? " " : "", change);
}

/* Deleting and undoing on the writer thread: in the order asked for, each
 * told as the sidebar needs it; a purged case is an error. */
static void
test_async_delete_undo (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCaseStore) store = open_store (fixture->path);
  gint64 id = create_simple (store, "deleted async");
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GString) changes = g_string_new (NULL);
  g_autoptr(GString) kinds = g_string_new (NULL);
  OpsData ops = { results, changes, g_thread_self () };
  g_autoptr(MdCase) record = NULL;
  g_autofree char *expected = NULL;

  g_signal_connect (store, "changed", G_CALLBACK (ops_change_kind_cb), kinds);
  md_case_store_delete_case_async (store, id, NULL, op_done_cb, &ops);
  md_case_store_undelete_case_async (store, id, NULL, op_done_cb, &ops);
  md_case_store_undelete_case_async (store, id, NULL, op_done_cb, &ops);
  md_case_store_delete_case_async (store, id, NULL, op_done_cb, &ops);
  md_case_store_get_case_async (store, id, NULL, op_done_cb, &ops);
  wait_results (&ops, 5);

  g_assert_true (md_case_store_delete_case_finish (store, results->pdata[0], &error));
  g_assert_true (md_case_store_undelete_case_finish (store, results->pdata[1], &error));
  /* Undoing twice is harmless, and tells nothing. */
  g_assert_true (md_case_store_undelete_case_finish (store, results->pdata[2], &error));
  g_assert_true (md_case_store_delete_case_finish (store, results->pdata[3], &error));
  record = md_case_store_get_case_finish (store, results->pdata[4], &error);
  g_assert_no_error (error);
  g_assert_nonnull (record->deleted);
  expected = g_strdup_printf ("%d %d %d", MD_CASE_CHANGE_REMOVED, MD_CASE_CHANGE_ADDED,
                              MD_CASE_CHANGE_REMOVED);
  g_assert_cmpstr (kinds->str, ==, expected);

  g_assert_cmpint (md_case_store_purge_deleted (store, NULL, &error), ==, 1);
  md_case_store_undelete_case_async (store, id, NULL, op_done_cb, &ops);
  md_case_store_delete_case_async (store, id, NULL, op_done_cb, &ops);
  wait_results (&ops, 7);
  g_assert_false (md_case_store_undelete_case_finish (store, results->pdata[5], &error));
  g_assert_error (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (md_case_store_delete_case_finish (store, results->pdata[6], &error));
  g_assert_error (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_NOT_FOUND);
}

/* What opening a case reads, read on the writer thread in one go. */
static void
test_async_read_case (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCaseStore) store = open_store (fixture->path);
  gint64 checked = create_simple (store, "checked");
  gint64 unchecked = create_simple (store, "unchecked");
  g_autoptr(JsonNode) results = json_parse ("{\"checks\":[]}");
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GPtrArray) ops_results = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GString) changes = g_string_new (NULL);
  OpsData ops = { ops_results, changes, g_thread_self () };
  gint64 ids[] = { checked, unchecked, unchecked + 100 };

  g_assert_cmpint (md_case_store_add_check_run (store, checked, now, now, results, &error), >, 0);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    md_case_store_read_case_async (store, ids[i], NULL, op_done_cb, &ops);
  wait_results (&ops, 3);

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr(GPtrArray) rejections = NULL;
      g_autoptr(MdCaseCheckRun) latest = NULL;
      g_autoptr(MdCase) record = NULL;

      record = md_case_store_read_case_finish (store, ops_results->pdata[i], &rejections,
                                               &latest, &error);
      if (i == 2)
        {
          g_assert_null (record);
          g_assert_null (rejections);
          g_assert_null (latest);
          g_assert_error (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_NOT_FOUND);
          continue;
        }

      g_assert_no_error (error);
      g_assert_cmpint (record->id, ==, ids[i]);
      g_assert_cmpuint (rejections->len, ==, 1);
      g_assert_cmpstr (((MdCaseRejection *) rejections->pdata[0])->rejection->blocked_ip, ==,
                       "203.0.113.7");
      if (i == 0)
        g_assert_nonnull (latest);
      else
        g_assert_null (latest);
    }
}

static void
test_labels (void)
{
  g_assert_cmpstr (md_case_event_kind_get_label (MD_CASE_EVENT_REQUEST_OPENED_IN_MAIL_APP), ==,
                   "Request opened in mail app");
  for (MdCaseEventKind k = MD_CASE_EVENT_CREATED; k <= MD_CASE_EVENT_RENAMED; k++)
    {
      MdCaseEventKind back;

      g_assert_nonnull (md_case_event_kind_get_label (k));
      g_assert_true (md_case_event_kind_from_string (md_case_event_kind_to_string (k), &back));
      g_assert_cmpint (back, ==, k);
    }
  g_assert_false (md_case_event_kind_from_string ("exploded", &(MdCaseEventKind) { 0 }));
}

static void
test_default_path (void)
{
  g_autofree char *path = md_case_store_dup_default_path ();
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "maildoctor", "cases.db", NULL);

  g_assert_cmpstr (path, ==, expected);
}

static void
test_unopenable (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCaseStore) store = NULL;

  /* A directory where the file should be: an error, and nothing moved. */
  g_assert_cmpint (g_mkdir (fixture->path, 0700), ==, 0);
  store = md_case_store_new (fixture->path, &error);
  g_assert_null (store);
  g_assert_error (error, MD_CASE_STORE_ERROR, MD_CASE_STORE_ERROR_OPEN);
  g_assert_true (g_file_test (fixture->path, G_FILE_TEST_IS_DIR));
  g_assert_cmpint (g_rmdir (fixture->path), ==, 0);
}

#define ADD(name, func) \
  g_test_add ("/MailDoctor/CaseStore/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  md_core_init ();

  ADD ("create-and-get", test_create_and_get);
  ADD ("rejection-round-trip", test_rejection_round_trip);
  ADD ("receiver-fallback", test_receiver_fallback);
  ADD ("ordering", test_ordering);
  ADD ("search", test_search);
  ADD ("status", test_status);
  ADD ("timeline", test_timeline);
  ADD ("notes", test_notes);
  ADD ("request-edits", test_request_edits);
  ADD ("delete-undo", test_delete_undo);
  ADD ("changed-signal", test_changed_signal);
  ADD ("many-cases", test_many_cases);
  ADD ("concurrent-open", test_concurrent_open);
  ADD ("migration/from-v1", test_migration_from_v1);
  ADD ("migration/from-empty", test_migration_from_empty);
  ADD ("migration/too-new", test_migration_too_new);
  ADD ("corrupt/garbage", test_corrupt_garbage);
  ADD ("corrupt/damaged-page", test_corrupt_page);
  ADD ("unopenable", test_unopenable);
  ADD ("input-apart", test_input_apart);
  ADD ("quick-check-after-unclean", test_quick_check_after_unclean);
  ADD ("async-writes", test_async_writes);
  ADD ("async-case-ops", test_async_case_ops);
  ADD ("async-case-ops-errors", test_async_case_ops_errors);
  ADD ("async-read-superseded", test_async_read_superseded);
  ADD ("async-delete-undo", test_async_delete_undo);
  ADD ("async-read-case", test_async_read_case);
  ADD ("async-watch-ops", test_async_watch_ops);
  ADD ("async-watch-ops-errors", test_async_watch_ops_errors);
  g_test_add_func ("/MailDoctor/CaseStore/labels", test_labels);
  g_test_add_func ("/MailDoctor/CaseStore/default-path", test_default_path);

  return g_test_run ();
}
