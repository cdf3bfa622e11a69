/* test-check-auth.c — spf, dmarc, dkim/<selector> and tls-rpt checks
 * against a real Knot DNS serving tests/dns/auth.test.zone
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "md-check-run.h"
#include "md-test-knot.h"
#include "md-test-util.h"
#include "md-util.h"

static MdTestKnot *knot;
static GError *knot_error;

static const char *zone_files[] = { "root.zone", "auth.test.zone", "25.2.0.192.in-addr.arpa.zone",
                                     NULL };
static const char *failing_zones[] = { "servfail.auth.test", NULL };

#define SENDER_IP "192.0.2.25"

#define SKIP_WITHOUT_KNOT() \
  G_STMT_START { if (knot == NULL) { g_test_skip (knot_error->message); return; } } G_STMT_END

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (md_check_run_start_finish (MD_CHECK_RUN (object), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static MdCheckRun *
run_auth (const char         *domain,
          const char * const *selectors)
{
  g_autoptr(MdResolver) resolver = md_test_knot_new_resolver (knot);
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCheckSubject) subject = NULL;
  MdCheckRun *run;
  gboolean done = FALSE;

  subject = md_check_subject_new (SENDER_IP, domain, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (md_check_subject_set_dkim_selectors (subject, selectors, &error));
  g_assert_no_error (error);

  run = md_check_run_new (MD_DNS_SOURCE (resolver), subject, NULL);
  md_check_run_start_async (run, NULL, run_cb, &done);
  g_assert_true (md_test_main_loop_run_until (&done, 20000));
  g_assert_cmpuint (md_check_run_count (run, MD_CHECK_STATUS_RUNNING), ==, 0);

  return run;
}

#define get_check(run, id) md_test_get_check ((run), (id))

static void
assert_status (MdCheckRun    *run,
               const char    *id,
               MdCheckStatus  expected)
{
  MdCheck *check = get_check (run, id);

  if (md_check_get_status (check) != expected)
    g_error ("%s: expected %s, got %s (%s)", id, md_check_status_to_string (expected),
             md_check_status_to_string (md_check_get_status (check)),
             md_check_get_summary (check));
  g_assert_cmpstr (md_check_get_group (check), ==, "sender");
}

static JsonObject *
details_of (MdCheckRun *run,
            const char *id)
{
  return md_check_get_details (get_check (run, id));
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The ids of this family in the run, sorted, joined by spaces. */
static char *
auth_ids (MdCheckRun *run)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (run)); i++)
    {
      g_autoptr(MdCheck) check = g_list_model_get_item (G_LIST_MODEL (run), i);
      const char *id = md_check_get_id (check);

      if (g_str_equal (id, "spf") || g_str_equal (id, "dmarc") || g_str_equal (id, "tls-rpt") ||
          g_str_has_prefix (id, "dkim/"))
        g_ptr_array_add (ids, (gpointer) id);
    }
  g_ptr_array_sort (ids, compare_strings);
  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? " " : "", (char *) ids->pdata[i]);

  return g_strdup (text->str);
}

static void
test_good (void)
{
  static const char *selectors[] = { "sel2026", NULL };
  g_autoptr(MdCheckRun) run = NULL;
  g_autofree char *ids = NULL;
  JsonObject *details, *key, *found;
  JsonArray *array;

  SKIP_WITHOUT_KNOT ();

  run = run_auth ("good.auth.test", selectors);
  ids = auth_ids (run);
  g_assert_cmpstr (ids, ==, "dkim/* dkim/sel2026 dmarc spf tls-rpt");

  assert_status (run, "spf", MD_CHECK_STATUS_OK);
  g_assert_cmpstr (md_check_get_summary (get_check (run, "spf")), ==,
                   "SPF passes for 192.0.2.25 at good.auth.test (“ip4:192.0.2.25”; 0 of 10 DNS "
                   "lookups).");
  details = details_of (run, "spf");
  g_assert_cmpstr (json_object_get_string_member (details, "result"), ==, "pass");
  g_assert_cmpstr (json_object_get_string_member (details, "mechanism"), ==, "ip4:192.0.2.25");
  g_assert_cmpstr (json_object_get_string_member (details, "sender"), ==,
                   "postmaster@good.auth.test");
  g_assert_cmpint (json_object_get_int_member (details, "dns_lookups"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (details, "dns_lookup_limit"), ==, 10);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (details, "problems")),
                    ==, 0);

  assert_status (run, "dmarc", MD_CHECK_STATUS_OK);
  g_assert_cmpstr (md_check_get_summary (get_check (run, "dmarc")), ==,
                   "DMARC policy reject, 2 aggregate report addresses.");
  details = details_of (run, "dmarc");
  g_assert_cmpstr (json_object_get_string_member (details, "policy"), ==, "reject");
  g_assert_cmpstr (json_object_get_string_member (details, "policy_domain"), ==,
                   "good.auth.test");
  g_assert_cmpstr (json_object_get_string_member (details, "org_domain"), ==, "good.auth.test");
  g_assert_cmpstr (json_object_get_string_member (details, "aspf"), ==, "r");
  g_assert_false (json_object_get_boolean_member (details, "inherited"));
  g_assert_true (strstr (json_object_get_string_member (details, "alignment"),
                         "d=good.auth.test") != NULL);
  array = json_object_get_array_member (details, "report_authorization");
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  found = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (found, "destination"), ==, "reports.auth.test");
  g_assert_cmpstr (json_object_get_string_member (found, "name"), ==,
                   "good.auth.test._report._dmarc.reports.auth.test");
  g_assert_true (json_object_get_boolean_member (found, "authorized"));

  assert_status (run, "dkim/sel2026", MD_CHECK_STATUS_OK);
  g_assert_cmpstr (md_check_get_summary (get_check (run, "dkim/sel2026")), ==,
                   "Selector sel2026 has a valid key (RSA, 2048 bits).");
  details = details_of (run, "dkim/sel2026");
  g_assert_false (json_object_get_boolean_member (details, "guess"));
  g_assert_cmpstr (json_object_get_string_member (details, "name"), ==,
                   "sel2026._domainkey.good.auth.test");
  key = json_object_get_object_member (details, "key");
  g_assert_cmpstr (json_object_get_string_member (key, "key_type"), ==, "rsa");
  g_assert_cmpint (json_object_get_int_member (key, "key_bits"), ==, 2048);

  /* The probe finds the Ed25519 key and does not ask for sel2026 again */
  assert_status (run, "dkim/*", MD_CHECK_STATUS_OK);
  g_assert_cmpstr (md_check_get_summary (get_check (run, "dkim/*")), ==,
                   "Found by guessing common selectors: selector1: Ed25519.");
  details = details_of (run, "dkim/*");
  g_assert_true (json_object_get_boolean_member (details, "guess"));
  array = json_object_get_array_member (details, "found");
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  found = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (found, "selector"), ==, "selector1");
  g_assert_cmpstr (json_object_get_string_member (found, "key_type"), ==, "ed25519");
  g_assert_cmpint (json_object_get_int_member (found, "key_bits"), ==, 256);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (details, "failed")),
                    ==, 0);

  assert_status (run, "tls-rpt", MD_CHECK_STATUS_OK);
  g_assert_cmpstr (md_check_get_summary (get_check (run, "tls-rpt")), ==,
                   "good.auth.test asks for TLS reports at mailto:tls-reports@good.auth.test.");
}

static void
test_weak (void)
{
  static const char *selectors[] = { "k1024", "Testing", "tiny", "k1024", NULL };
  g_autoptr(MdCheckRun) run = NULL;
  g_autofree char *ids = NULL;
  JsonObject *details, *object;
  JsonArray *array;

  SKIP_WITHOUT_KNOT ();

  run = run_auth ("weak.auth.test", selectors);
  ids = auth_ids (run);
  g_assert_cmpstr (ids, ==, "dkim/* dkim/k1024 dkim/testing dkim/tiny dmarc spf tls-rpt");

  /* pass, but +all */
  assert_status (run, "spf", MD_CHECK_STATUS_WARNING);
  details = details_of (run, "spf");
  g_assert_cmpstr (json_object_get_string_member (details, "result"), ==, "pass");
  array = json_object_get_array_member (details, "problems");
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  object = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (object, "id"), ==, "plus-all");
  g_assert_true (g_str_has_prefix (md_check_get_remedy (get_check (run, "spf")),
                                   "End the record in “-all”"));

  /* p=none, and the external report address did not authorise */
  assert_status (run, "dmarc", MD_CHECK_STATUS_WARNING);
  g_assert_true (g_str_has_prefix (md_check_get_summary (get_check (run, "dmarc")),
                                   "DMARC is only monitoring (p=none, at weak.auth.test)"));
  details = details_of (run, "dmarc");
  g_assert_cmpstr (json_object_get_string_member (details, "policy"), ==, "none");
  array = json_object_get_array_member (details, "report_authorization");
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  object = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (object, "destination"), ==,
                   "elsewhere.auth.test");
  g_assert_false (json_object_get_boolean_member (object, "authorized"));
  g_assert_true (strstr (md_check_get_remedy (get_check (run, "dmarc")),
                         "DMARC passes for mail with From: …@weak.auth.test") != NULL);

  assert_status (run, "dkim/k1024", MD_CHECK_STATUS_WARNING);
  g_assert_cmpstr (md_check_get_summary (get_check (run, "dkim/k1024")), ==,
                   "The key of selector k1024 has 1024 bits: it works, but 2048 bits are the "
                   "recommended minimum.");
  assert_status (run, "dkim/testing", MD_CHECK_STATUS_WARNING);
  g_assert_cmpstr (md_check_get_summary (get_check (run, "dkim/testing")), ==,
                   "The key of selector testing (RSA, 2048 bits) is marked as testing (t=y): "
                   "receivers may treat signed mail as unsigned.");
  assert_status (run, "dkim/tiny", MD_CHECK_STATUS_PROBLEM);
  object = json_object_get_object_member (details_of (run, "dkim/tiny"), "key");
  g_assert_cmpint (json_object_get_int_member (object, "key_bits"), ==, 512);

  /* "default" holds a 1024-bit testing key: the probe warns about it */
  assert_status (run, "dkim/*", MD_CHECK_STATUS_WARNING);
  array = json_object_get_array_member (details_of (run, "dkim/*"), "found");
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  object = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (object, "selector"), ==, "default");
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "warning");
  g_assert_cmpstr (md_check_get_summary (get_check (run, "dkim/*")), ==,
                   "Found by guessing common selectors: default: RSA, 1024 bits. The key of "
                   "selector default has 1024 bits: it works, but 2048 bits are the recommended "
                   "minimum.");

  /* no TLS-RPT record is fine */
  assert_status (run, "tls-rpt", MD_CHECK_STATUS_INFO);
  g_assert_cmpstr (json_object_get_string_member (details_of (run, "tls-rpt"), "reason"), ==,
                   "no-record");
}

static void
test_broken (void)
{
  static const char *selectors[] = { "old", "gone", NULL };
  g_autoptr(MdCheckRun) run = NULL;
  g_autofree char *ids = NULL;
  JsonObject *details, *object;
  JsonArray *array;

  SKIP_WITHOUT_KNOT ();

  run = run_auth ("broken.auth.test", selectors);
  ids = auth_ids (run);
  g_assert_cmpstr (ids, ==, "dkim/* dkim/gone dkim/old dmarc spf tls-rpt");

  assert_status (run, "spf", MD_CHECK_STATUS_PROBLEM);
  details = details_of (run, "spf");
  g_assert_cmpstr (json_object_get_string_member (details, "result"), ==, "permerror");
  array = json_object_get_array_member (details, "problems");
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  object = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (object, "id"), ==, "multiple-records");
  g_assert_cmpstr (md_check_get_remedy (get_check (run, "spf")), ==,
                   "Merge the SPF records into one TXT record beginning with “v=spf1”.");

  assert_status (run, "dmarc", MD_CHECK_STATUS_PROBLEM);
  details = details_of (run, "dmarc");
  g_assert_cmpstr (json_object_get_string_member (details, "reason"), ==, "invalid-record");
  g_assert_true (json_object_get_null_member (details, "policy"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (details, "notes")),
                    ==, 1);

  assert_status (run, "dkim/old", MD_CHECK_STATUS_PROBLEM);
  g_assert_cmpstr (md_check_get_summary (get_check (run, "dkim/old")), ==,
                   "The key of selector old is revoked (empty p=): mail signed with it fails "
                   "DKIM.");
  object = json_object_get_object_member (details_of (run, "dkim/old"), "key");
  g_assert_true (json_object_get_boolean_member (object, "revoked"));

  /* a selector the user named that has no key is a problem … */
  assert_status (run, "dkim/gone", MD_CHECK_STATUS_PROBLEM);
  g_assert_cmpstr (md_check_get_summary (get_check (run, "dkim/gone")), ==,
                   "No key for selector gone: gone._domainkey.broken.auth.test has no TXT "
                   "record. Mail signed with this selector fails DKIM.");
  g_assert_cmpstr (json_object_get_string_member (details_of (run, "dkim/gone"), "reason"), ==,
                   "no-key");

  /* … a guess that finds nothing (or an unrelated TXT record) is not */
  assert_status (run, "dkim/*", MD_CHECK_STATUS_INFO);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (details_of (run,
                                                                                     "dkim/*"),
                                                                         "found")), ==, 0);

  assert_status (run, "tls-rpt", MD_CHECK_STATUS_WARNING);
  g_assert_cmpstr (json_object_get_string_member (details_of (run, "tls-rpt"), "reason"), ==,
                   "invalid-record");
}

static void
test_missing (void)
{
  g_autoptr(MdCheckRun) run = NULL;
  g_autofree char *ids = NULL;

  SKIP_WITHOUT_KNOT ();

  run = run_auth ("missing.auth.test", NULL);
  ids = auth_ids (run);
  g_assert_cmpstr (ids, ==, "dkim/* dmarc spf tls-rpt");

  assert_status (run, "spf", MD_CHECK_STATUS_PROBLEM);
  g_assert_cmpstr (json_object_get_string_member (details_of (run, "spf"), "result"), ==,
                   "none");
  g_assert_cmpstr (md_check_get_remedy (get_check (run, "spf")), ==,
                   "Publish a TXT record at missing.auth.test such as “v=spf1 ip4:192.0.2.25 "
                   "-all” that lists every server sending for the domain.");
  assert_status (run, "dmarc", MD_CHECK_STATUS_WARNING);
  g_assert_cmpstr (md_check_get_summary (get_check (run, "dmarc")), ==,
                   "missing.auth.test publishes no DMARC policy: receivers decide on their own, "
                   "and Google and Yahoo require one from bulk senders.");
  g_assert_cmpstr (json_object_get_string_member (details_of (run, "dmarc"), "reason"), ==,
                   "no-record");
  assert_status (run, "dkim/*", MD_CHECK_STATUS_INFO);
  assert_status (run, "tls-rpt", MD_CHECK_STATUS_INFO);
}

static void
test_fail_and_inherited (void)
{
  SKIP_WITHOUT_KNOT ();

  {
    g_autoptr(MdCheckRun) run = run_auth ("fail.auth.test", NULL);
    JsonObject *details;

    assert_status (run, "spf", MD_CHECK_STATUS_PROBLEM);
    g_assert_cmpstr (md_check_get_summary (get_check (run, "spf")), ==,
                     "The SPF policy of fail.auth.test does not allow 192.0.2.25 to send: fail "
                     "(“-all”).");
    details = details_of (run, "spf");
    g_assert_cmpstr (json_object_get_string_member (details, "result"), ==, "fail");
    g_assert_cmpstr (json_object_get_string_member (details, "mechanism"), ==, "-all");
    assert_status (run, "dmarc", MD_CHECK_STATUS_OK);
    g_assert_cmpstr (md_check_get_summary (get_check (run, "dmarc")), ==,
                     "DMARC policy reject; no aggregate reports requested (rua).");
  }

  {
    g_autoptr(MdCheckRun) run = run_auth ("sub.fail.auth.test", NULL);
    JsonObject *details;

    assert_status (run, "spf", MD_CHECK_STATUS_OK);
    assert_status (run, "dmarc", MD_CHECK_STATUS_OK);
    g_assert_cmpstr (md_check_get_summary (get_check (run, "dmarc")), ==,
                     "DMARC policy quarantine, inherited from fail.auth.test.");
    details = details_of (run, "dmarc");
    g_assert_true (json_object_get_boolean_member (details, "inherited"));
    g_assert_cmpstr (json_object_get_string_member (details, "policy"), ==, "quarantine");
    g_assert_cmpstr (json_object_get_string_member (details, "org_domain"), ==,
                     "fail.auth.test");
  }
}

/* A failed lookup is never a pass nor a "not found". */
static void
test_servfail (void)
{
  static const char *selectors[] = { "s2026", NULL };
  g_autoptr(MdCheckRun) run = NULL;

  SKIP_WITHOUT_KNOT ();

  run = run_auth ("servfail.auth.test", selectors);
  assert_status (run, "spf", MD_CHECK_STATUS_ERROR);
  g_assert_cmpstr (json_object_get_string_member (details_of (run, "spf"), "result"), ==,
                   "temperror");
  g_assert_true (g_str_has_prefix (md_check_get_summary (get_check (run, "spf")),
                                   "Could not decide:"));
  assert_status (run, "dmarc", MD_CHECK_STATUS_ERROR);
  g_assert_true (g_str_has_prefix (md_check_get_summary (get_check (run, "dmarc")),
                                   "Could not decide:"));
  assert_status (run, "dkim/s2026", MD_CHECK_STATUS_ERROR);
  g_assert_cmpstr (json_object_get_string_member (details_of (run, "dkim/s2026"), "reason"), ==,
                   "servfail");
  assert_status (run, "dkim/*", MD_CHECK_STATUS_ERROR);
  assert_status (run, "tls-rpt", MD_CHECK_STATUS_ERROR);
}

static void
test_no_domain (void)
{
  g_autoptr(MdCheckRun) run = NULL;
  g_autofree char *ids = NULL;

  SKIP_WITHOUT_KNOT ();

  run = run_auth (NULL, NULL);
  ids = auth_ids (run);
  g_assert_cmpstr (ids, ==, "");
}

static void
test_selectors (void)
{
  static const char *good[] = { " Mail ", "s1.2026", "mail", "_x-y", NULL };
  static const char *bad[] = { "mail", "a b", NULL };
  static const char *empty_label[] = { "a..b", NULL };
  g_autoptr(MdCheckSubject) subject = NULL;
  g_autoptr(MdCheckSubject) copy = NULL;
  g_autoptr(GError) error = NULL;

  subject = md_check_subject_new ("192.0.2.25", "good.auth.test", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (subject->dkim_selectors);

  g_assert_true (md_check_subject_set_dkim_selectors (subject, good, &error));
  g_assert_no_error (error);
  g_assert_cmpstrv (subject->dkim_selectors, ((const char *[]) { "mail", "s1.2026", "_x-y",
                                                                 NULL }));

  copy = md_check_subject_copy (subject);
  g_assert_cmpstrv (copy->dkim_selectors, subject->dkim_selectors);

  g_assert_false (md_check_subject_set_dkim_selectors (subject, bad, &error));
  g_assert_error (error, MD_CHECK_RUN_ERROR, MD_CHECK_RUN_ERROR_INVALID_SUBJECT);
  g_assert_cmpstr (error->message, ==, "“a b” is not a DKIM selector");
  g_clear_error (&error);
  /* unchanged on error */
  g_assert_cmpuint (g_strv_length (subject->dkim_selectors), ==, 3);

  g_assert_false (md_check_subject_set_dkim_selectors (subject, empty_label, &error));
  g_assert_error (error, MD_CHECK_RUN_ERROR, MD_CHECK_RUN_ERROR_INVALID_SUBJECT);
  g_clear_error (&error);

  g_assert_true (md_check_subject_set_dkim_selectors (subject, NULL, &error));
  g_assert_null (subject->dkim_selectors);
}

/* The checks over HTTPS: an in-process SoupServer with a test certificate,
 * a client that trusts only the test CA, and a resolver that sends every
 * host name under .test to loopback. */

static SoupServer *web_server;
static guint16 web_http_port;
static guint16 web_https_port;
static char *web_error;

static const char mta_sts_good[] =
  "version: STSv1\r\nmode: enforce\r\nmx: good.auth.test\r\nmax_age: 604800\r\n";
static const char mta_sts_weak[] =
  "version: STSv1\nmode: testing\nmx: mx.elsewhere.auth.test\nmax_age: 604800\n";
static const char home_page[] =
  "<!DOCTYPE html><html><head><title>Auth Test</title></head><body>"
  "<h1>Auth Test GmbH</h1><p>Mail hosting.</p>"
  "<footer><a href=\"/kontakt\">Kontakt</a> · <a href=\"/impressum\">Impressum</a></footer>"
  "</body></html>";
static const char imprint_page[] =
  "<!DOCTYPE html><html><head><title>Impressum</title></head><body><h1>Impressum</h1>"
  "<p>Auth Test GmbH<br>Teststraße 1<br>10115 Berlin</p>"
  "<p>Telefon: +49 30 1234567<br>E-Mail: <a href=\"mailto:info@auth.test\">info@auth.test</a>"
  "</p></body></html>";

static void
serve (SoupServerMessage *msg,
       const char        *content_type,
       const char        *body,
       gsize              length)
{
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, body, length);
}

static void
web_handler_cb (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  const char *host = g_uri_get_host (soup_server_message_get_uri (msg));

  if (g_str_equal (host, "mta-sts.good.auth.test") &&
      g_str_equal (path, "/.well-known/mta-sts.txt"))
    serve (msg, "text/plain", mta_sts_good, strlen (mta_sts_good));
  else if (g_str_equal (host, "mta-sts.weak.auth.test") &&
           g_str_equal (path, "/.well-known/mta-sts.txt"))
    serve (msg, "text/plain", mta_sts_weak, strlen (mta_sts_weak));
  else if (g_str_equal (host, "mta-sts.broken.auth.test") &&
           g_str_equal (path, "/.well-known/mta-sts.txt"))
    /* RFC 8461 3.3: anything but text/plain is no policy */
    serve (msg, "text/html", mta_sts_good, strlen (mta_sts_good));
  else if (g_str_equal (host, "rdap.auth.test") && g_str_equal (path, "/rdap/ip/192.0.2.25"))
    {
      g_autofree char *file = md_test_srcdir_path ("data", "auth", "rdap-192.0.2.25.json", NULL);
      g_autofree char *json = NULL;
      gsize length = 0;

      g_assert_true (g_file_get_contents (file, &json, &length, NULL));
      serve (msg, "application/rdap+json", json, length);
    }
  else if (g_str_equal (host, "auth.test") && g_str_equal (path, "/"))
    serve (msg, "text/html", home_page, strlen (home_page));
  else if (g_str_equal (host, "auth.test") && g_str_equal (path, "/impressum"))
    serve (msg, "text/html", imprint_page, strlen (imprint_page));
  else
    soup_server_message_set_status (msg, 404, NULL);
}

static gboolean
start_web_server (GError **error)
{
  g_autofree char *cert = md_test_srcdir_path ("data", "auth", "server.pem", NULL);
  g_autofree char *key = md_test_srcdir_path ("data", "auth", "server-key.pem", NULL);
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GResolver) resolver = NULL;
  GSList *uris;

  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           "no TLS backend (glib-networking)");
      return FALSE;
    }

  certificate = g_tls_certificate_new_from_files (cert, key, error);
  if (certificate == NULL)
    return FALSE;

  web_server = soup_server_new ("tls-certificate", certificate, NULL);
  soup_server_add_handler (web_server, NULL, web_handler_cb, NULL, NULL);
  if (!soup_server_listen_local (web_server, 0,
                                 SOUP_SERVER_LISTEN_IPV4_ONLY | SOUP_SERVER_LISTEN_HTTPS, error) ||
      !soup_server_listen_local (web_server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, error))
    return FALSE;

  uris = soup_server_get_uris (web_server);
  for (GSList *l = uris; l != NULL; l = l->next)
    {
      GUri *uri = l->data;

      if (g_str_equal (g_uri_get_scheme (uri), "https"))
        web_https_port = g_uri_get_port (uri);
      else
        web_http_port = g_uri_get_port (uri);
    }
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  resolver = md_test_loopback_resolver_new ();
  g_resolver_set_default (resolver);

  return TRUE;
}

#define SKIP_WITHOUT_WEB() \
  G_STMT_START { \
    SKIP_WITHOUT_KNOT (); \
    if (web_server == NULL) { g_test_skip (web_error); return; } \
  } G_STMT_END

static MdCheckRun *
new_web_run (MdDnsSource        *source,
             const char         *ip,
             const char         *domain,
             const char * const *selectors)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCheckSubject) subject = NULL;
  g_autoptr(MdHttp) http = md_http_new ();
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(MdRdapBootstrap) bootstrap = md_rdap_bootstrap_new ();
  g_autoptr(MdCheckRunOptions) options = NULL;
  g_autofree char *ca = md_test_srcdir_path ("data", "auth", "ca.pem", NULL);
  g_autofree char *file = md_test_srcdir_path ("data", "auth", "rdap-bootstrap.json", NULL);
  g_autofree char *json = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize length = 0;
  MdCheckRun *run;

  database = g_tls_file_database_new (ca, &error);
  g_assert_no_error (error);
  md_http_set_tls_database (http, database);
  md_http_set_port_override (http, web_http_port, web_https_port);

  g_assert_true (g_file_get_contents (file, &json, &length, NULL));
  bytes = g_bytes_new_take (g_steal_pointer (&json), length);
  g_assert_true (md_rdap_bootstrap_add_file (bootstrap, bytes, &error));
  g_assert_no_error (error);

  subject = md_check_subject_new (ip, domain, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (md_check_subject_set_dkim_selectors (subject, selectors, &error));

  options = md_check_run_options_new ();
  options->http = g_object_ref (http);
  options->rdap_bootstrap = md_rdap_bootstrap_ref (bootstrap);
  run = md_check_run_new (source, subject, options);

  return run;
}

static MdCheckRun *
run_web (const char *ip,
         const char *domain)
{
  g_autoptr(MdResolver) resolver = md_test_knot_new_resolver (knot);
  MdCheckRun *run = new_web_run (MD_DNS_SOURCE (resolver), ip, domain, NULL);
  gboolean done = FALSE;

  md_check_run_start_async (run, NULL, run_cb, &done);
  g_assert_true (md_test_main_loop_run_until (&done, 30000));
  g_assert_cmpuint (md_check_run_count (run, MD_CHECK_STATUS_RUNNING), ==, 0);

  return run;
}

static const char *
detail (MdCheckRun *run,
        const char *id,
        const char *name)
{
  return json_object_get_string_member (details_of (run, id), name);
}

static void
test_web_good (void)
{
  g_autoptr(MdCheckRun) run = NULL;
  JsonArray *mx;
  JsonObject *match;

  SKIP_WITHOUT_WEB ();

  run = run_web (SENDER_IP, "good.auth.test");

  assert_status (run, "mta-sts", MD_CHECK_STATUS_OK);
  g_assert_cmpstr (md_check_get_summary (get_check (run, "mta-sts")), ==,
                   "MTA-STS policy in mode enforce; it covers the 1 MX host.");
  g_assert_cmpstr (detail (run, "mta-sts", "id"), ==, "2026112901");
  g_assert_cmpstr (detail (run, "mta-sts", "mode"), ==, "enforce");
  g_assert_cmpstr (detail (run, "mta-sts", "policy_url"), ==,
                   "https://mta-sts.good.auth.test/.well-known/mta-sts.txt");
  mx = json_object_get_array_member (details_of (run, "mta-sts"), "mx");
  g_assert_cmpuint (json_array_get_length (mx), ==, 1);
  match = json_array_get_object_element (mx, 0);
  g_assert_cmpstr (json_object_get_string_member (match, "host"), ==, "good.auth.test");
  g_assert_cmpstr (json_object_get_string_member (match, "pattern"), ==, "good.auth.test");

  assert_status (run, "rdap", MD_CHECK_STATUS_INFO);
  g_assert_cmpstr (md_check_get_summary (get_check (run, "rdap")), ==,
                   "Owner: Auth Test Hosting GmbH (DE), network AUTH-TEST-HOSTING, 192.0.2.0/24. "
                   "Abuse contact: abuse@hosting.auth.test.");
  g_assert_cmpstr (detail (run, "rdap", "organisation"), ==, "Auth Test Hosting GmbH");
  g_assert_cmpstr (detail (run, "rdap", "country"), ==, "DE");
  g_assert_cmpstr (detail (run, "rdap", "prefix"), ==, "192.0.2.0/24");
  g_assert_cmpstr (detail (run, "rdap", "abuse_email"), ==, "abuse@hosting.auth.test");
  g_assert_cmpstr (detail (run, "rdap", "name"), ==, "AUTH-TEST-HOSTING");

  assert_status (run, "imprint", MD_CHECK_STATUS_OK);
  g_assert_cmpstr (md_check_get_summary (get_check (run, "imprint")), ==,
                   "Imprint found: https://auth.test/impressum.");
  g_assert_cmpstr (detail (run, "imprint", "ptr"), ==, "mail.good.auth.test");
  g_assert_cmpstr (detail (run, "imprint", "domain"), ==, "auth.test");
  g_assert_cmpstr (detail (run, "imprint", "imprint_url"), ==, "https://auth.test/impressum");
}

static void
test_web_statuses (void)
{
  SKIP_WITHOUT_WEB ();

  {
    g_autoptr(MdCheckRun) run = run_web (SENDER_IP, "weak.auth.test");
    JsonArray *warnings;
    gboolean testing = FALSE;

    /* testing mode, and the domain's mail host is not in the policy */
    assert_status (run, "mta-sts", MD_CHECK_STATUS_WARNING);
    g_assert_cmpstr (detail (run, "mta-sts", "mode"), ==, "testing");
    warnings = json_object_get_array_member (details_of (run, "mta-sts"), "warnings");
    for (guint i = 0; i < json_array_get_length (warnings); i++)
      if (g_str_equal (json_object_get_string_member (json_array_get_object_element (warnings, i),
                                                      "code"), "mode-testing"))
        testing = TRUE;
    g_assert_true (testing);
  }
  {
    g_autoptr(MdCheckRun) run = run_web (SENDER_IP, "broken.auth.test");

    assert_status (run, "mta-sts", MD_CHECK_STATUS_PROBLEM);
    g_assert_cmpstr (detail (run, "mta-sts", "outcome"), ==, "invalid");
  }
  {
    /* 192.0.2.26 has no PTR record, and the registry knows no network */
    g_autoptr(MdCheckRun) run = run_web ("192.0.2.26", "missing.auth.test");

    assert_status (run, "mta-sts", MD_CHECK_STATUS_INFO);
    g_assert_cmpstr (detail (run, "mta-sts", "outcome"), ==, "absent");
    assert_status (run, "imprint", MD_CHECK_STATUS_WARNING);
    g_assert_cmpstr (detail (run, "imprint", "reason"), ==, "no-ptr");
    assert_status (run, "rdap", MD_CHECK_STATUS_ERROR);
    g_assert_true (g_str_has_prefix (md_check_get_summary (get_check (run, "rdap")),
                                     "Could not decide who owns the address: "));
  }
  {
    /* no sending domain: no mta-sts; the IP checks still run */
    g_autoptr(MdCheckRun) run = run_web (SENDER_IP, NULL);

    g_assert_null (md_check_run_lookup (run, "mta-sts"));
    assert_status (run, "rdap", MD_CHECK_STATUS_INFO);
    assert_status (run, "imprint", MD_CHECK_STATUS_OK);
  }
}

/* DNS that never answers: the run's deadline ends every check that waits
 * for DNS as "could not decide", including SPF and MTA-STS, which ask
 * through their own MdDnsSource; nothing is left running or leaked. */
static void
test_deadline (void)
{
  g_autoptr(MdTestSilentServer) silent = NULL;
  g_autoptr(MdResolver) resolver = NULL;
  g_autoptr(MdCheckRun) run = NULL;
  g_autoptr(GError) error = NULL;
  static const char *ids[] = { "spf", "dmarc", "dkim/sel2026", "dkim/*", "tls-rpt", "mta-sts",
                               "imprint" };
  const char *selectors[] = { "sel2026", NULL };
  gboolean done = FALSE;

  SKIP_WITHOUT_WEB ();

  silent = md_test_silent_server_new (&error);
  g_assert_no_error (error);
  resolver = md_resolver_new_for_servers (md_test_silent_server_get_address (silent), &error);
  g_assert_no_error (error);
  md_resolver_set_timeout (resolver, 10000);

  run = new_web_run (MD_DNS_SOURCE (resolver), SENDER_IP, "good.auth.test", selectors);
  md_check_run_set_deadline_ms (run, 300);
  md_check_run_start_async (run, NULL, run_cb, &done);
  g_assert_true (md_test_main_loop_run_until (&done, 5000));

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      assert_status (run, ids[i], MD_CHECK_STATUS_ERROR);
      g_assert_cmpstr (md_check_get_summary (get_check (run, ids[i])), ==,
                       "Could not decide: no answer before the deadline (300 ms).");
    }
  /* RDAP needs no DNS here: the registry answered in time */
  assert_status (run, "rdap", MD_CHECK_STATUS_INFO);
  /* the questions cut off end from the main loop */
  g_main_context_iteration (NULL, FALSE);
}

static void
cancel_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gboolean *done = user_data;

  g_assert_false (md_check_run_start_finish (MD_CHECK_RUN (object), result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  *done = TRUE;
}

static void
set_true (gboolean *flag,
          GObject  *where_the_object_was)
{
  *flag = TRUE;
}

/* Cancelled while SPF, MTA-STS, RDAP and the imprint are under way; then a
 * run dropped in flight. */
static void
test_cancel (void)
{
  SKIP_WITHOUT_WEB ();

  {
    g_autoptr(MdResolver) resolver = md_test_knot_new_resolver (knot);
    g_autoptr(MdCheckRun) run = new_web_run (MD_DNS_SOURCE (resolver), SENDER_IP,
                                             "good.auth.test", NULL);
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    gboolean done = FALSE;

    md_check_run_start_async (run, cancellable, cancel_cb, &done);
    g_cancellable_cancel (cancellable);
    g_assert_true (md_test_main_loop_run_until (&done, 5000));
    g_assert_cmpuint (md_check_run_count (run, MD_CHECK_STATUS_ERROR), ==,
                      g_list_model_get_n_items (G_LIST_MODEL (run)));
    g_assert_cmpstr (md_check_get_summary (get_check (run, "spf")), ==,
                     "Could not decide: the check was cancelled.");
  }

  {
    g_autoptr(MdResolver) resolver = md_test_knot_new_resolver (knot);
    MdCheckRun *run = new_web_run (MD_DNS_SOURCE (resolver), SENDER_IP, "good.auth.test", NULL);
    gboolean freed = FALSE;

    g_object_weak_ref (G_OBJECT (run), (GWeakNotify) set_true, &freed);
    md_check_run_start_async (run, NULL, NULL, NULL);
    /* dropped in flight: it runs to its end and is then freed (nothing in
     * the checks keeps it alive) */
    g_object_unref (run);
    g_assert_false (freed);
    g_assert_true (md_test_main_loop_run_until (&freed, 10000));
  }
}

/* maildoctor-cli check */

#define run_cli(...) \
  md_test_cli_run_new ("check", NULL, NULL, (const char *[]) { __VA_ARGS__ })

#define find_json_check(report, id) md_test_json_find_check ((report), (id))

static const char *
json_status (JsonObject *report,
             const char *id)
{
  JsonObject *check = find_json_check (report, id);

  if (check == NULL)
    g_error ("no check %s in the report", id);

  return json_object_get_string_member (check, "status");
}

static void
test_cli_json (void)
{
  g_autoptr(MdTestCliRun) result = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *report, *subject, *details, *key;
  JsonArray *selectors;

  SKIP_WITHOUT_KNOT ();

  result = run_cli ("--no-web", "--ip", SENDER_IP, "--domain", "Weak.Auth.Test",
                    "--dkim-selector", "k1024", "--dkim-selector", "nosuch",
                    "--resolver", md_test_knot_get_address (knot), "--json", NULL);
  g_assert_cmpstr (result->err, ==, "");
  g_assert_cmpint (result->status, ==, 0);

  json_parser_load_from_data (parser, result->out, -1, &error);
  g_assert_no_error (error);
  report = json_node_get_object (json_parser_get_root (parser));

  subject = json_object_get_object_member (report, "subject");
  g_assert_cmpstr (json_object_get_string_member (subject, "domain"), ==, "weak.auth.test");
  selectors = json_object_get_array_member (subject, "dkim_selectors");
  g_assert_cmpuint (json_array_get_length (selectors), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (selectors, 0), ==, "k1024");
  g_assert_cmpstr (json_array_get_string_element (selectors, 1), ==, "nosuch");

  g_assert_cmpstr (json_status (report, "spf"), ==, "warning");
  g_assert_cmpstr (json_status (report, "dmarc"), ==, "warning");
  g_assert_cmpstr (json_status (report, "dkim/k1024"), ==, "warning");
  g_assert_cmpstr (json_status (report, "dkim/nosuch"), ==, "problem");
  g_assert_cmpstr (json_status (report, "dkim/*"), ==, "warning");
  g_assert_cmpstr (json_status (report, "tls-rpt"), ==, "info");
  g_assert_null (find_json_check (report, "dkim/testing"));
  /* --no-web */
  g_assert_null (find_json_check (report, "mta-sts"));
  g_assert_null (find_json_check (report, "rdap"));
  g_assert_null (find_json_check (report, "imprint"));

  details = json_object_get_object_member (find_json_check (report, "dkim/k1024"), "details");
  g_assert_cmpstr (json_object_get_string_member (details, "selector"), ==, "k1024");
  key = json_object_get_object_member (details, "key");
  g_assert_cmpint (json_object_get_int_member (key, "key_bits"), ==, 1024);
  details = json_object_get_object_member (find_json_check (report, "spf"), "details");
  g_assert_cmpstr (json_object_get_string_member (details, "result"), ==, "pass");
  g_assert_cmpint (json_object_get_int_member (details, "dns_lookups"), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (find_json_check (report, "dkim/nosuch"),
                                                  "kind"), ==, "dkim");
}

/* The checks over HTTPS are on by default; for a private address without a
 * PTR record and a domain without an _mta-sts record, they decide without
 * any HTTP request. */
static void
test_cli_web (void)
{
  g_autoptr(MdTestCliRun) result = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *report, *details;

  SKIP_WITHOUT_KNOT ();

  result = run_cli ("--ip", "10.0.0.25", "--domain", "missing.auth.test",
                    "--resolver", md_test_knot_get_address (knot), "--json", NULL);
  g_assert_cmpstr (result->err, ==, "");
  g_assert_cmpint (result->status, ==, 0);
  json_parser_load_from_data (parser, result->out, -1, &error);
  g_assert_no_error (error);
  report = json_node_get_object (json_parser_get_root (parser));

  g_assert_cmpstr (json_status (report, "mta-sts"), ==, "info");
  details = json_object_get_object_member (find_json_check (report, "mta-sts"), "details");
  g_assert_cmpstr (json_object_get_string_member (details, "outcome"), ==, "absent");
  g_assert_cmpstr (json_status (report, "rdap"), ==, "info");
  g_assert_cmpstr (json_object_get_string_member (find_json_check (report, "rdap"), "summary"), ==,
                   "No public owner: 10.0.0.25 is a private or special-purpose address; no "
                   "registry records an owner for it.");
  g_assert_cmpstr (json_status (report, "imprint"), ==, "warning");
  details = json_object_get_object_member (find_json_check (report, "imprint"), "details");
  g_assert_cmpstr (json_object_get_string_member (details, "reason"), ==, "no-ptr");
}

static void
test_cli_human (void)
{
  g_autoptr(MdTestCliRun) result = NULL;

  SKIP_WITHOUT_KNOT ();

  result = run_cli ("--no-web", "--ip", SENDER_IP, "--domain", "good.auth.test",
                    "--dkim-selector", "sel2026",
                    "--resolver", md_test_knot_get_address (knot), NULL);
  g_assert_cmpint (result->status, ==, 0);
  g_assert_true (strstr (result->out, "✓ ok       SPF: SPF passes for 192.0.2.25 at "
                                      "good.auth.test (“ip4:192.0.2.25”; 0 of 10 DNS "
                                      "lookups).\n") != NULL);
  g_assert_true (strstr (result->out, "✓ ok       DKIM key “sel2026”: Selector sel2026 has a "
                                      "valid key (RSA, 2048 bits).\n") != NULL);
}

static void
test_cli_usage (void)
{
  {
    g_autoptr(MdTestCliRun) result = run_cli ("--ip", SENDER_IP, "--domain", "good.auth.test",
                                           "--dkim-selector", "bad selector", NULL);

    g_assert_cmpint (result->status, ==, 2);
    g_assert_cmpstr (result->out, ==, "");
    g_assert_cmpstr (result->err, ==,
                     "maildoctor-cli: “bad selector” is not a DKIM selector\n");
  }
  {
    g_autoptr(MdTestCliRun) result = run_cli ("--ip", SENDER_IP, "--dkim-selector", "s1", NULL);

    g_assert_cmpint (result->status, ==, 2);
    g_assert_cmpstr (result->err, ==,
                     "maildoctor-cli: --dkim-selector needs --domain: the domain whose keys to "
                     "check\n");
  }
}

int
main (int    argc,
      char **argv)
{
  MdTestKnotOptions options = { 0 };
  int ret;

  /* No proxy lookups: the test server is local, and libproxy throws C++
   * exceptions that AddressSanitizer's interceptor cannot handle. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  md_core_init ();
  g_test_init (&argc, &argv, NULL);

  options.zone_files = zone_files;
  options.failing_zones = failing_zones;
  knot = md_test_knot_new_full (&options, &knot_error);
  {
    g_autoptr(GError) error = NULL;

    if (!start_web_server (&error))
      web_error = g_strdup_printf ("no test web server: %s", error->message);
  }

  g_test_add_func ("/MailDoctor/CheckAuth/selectors", test_selectors);
  g_test_add_func ("/MailDoctor/CheckAuth/good", test_good);
  g_test_add_func ("/MailDoctor/CheckAuth/weak", test_weak);
  g_test_add_func ("/MailDoctor/CheckAuth/broken", test_broken);
  g_test_add_func ("/MailDoctor/CheckAuth/missing", test_missing);
  g_test_add_func ("/MailDoctor/CheckAuth/fail-and-inherited", test_fail_and_inherited);
  g_test_add_func ("/MailDoctor/CheckAuth/servfail", test_servfail);
  g_test_add_func ("/MailDoctor/CheckAuth/no-domain", test_no_domain);
  g_test_add_func ("/MailDoctor/CheckAuth/web-good", test_web_good);
  g_test_add_func ("/MailDoctor/CheckAuth/web-statuses", test_web_statuses);
  g_test_add_func ("/MailDoctor/CheckAuth/deadline", test_deadline);
  g_test_add_func ("/MailDoctor/CheckAuth/cancel", test_cancel);
  g_test_add_func ("/MailDoctor/CheckAuth/cli-json", test_cli_json);
  g_test_add_func ("/MailDoctor/CheckAuth/cli-web", test_cli_web);
  g_test_add_func ("/MailDoctor/CheckAuth/cli-human", test_cli_human);
  g_test_add_func ("/MailDoctor/CheckAuth/cli-usage", test_cli_usage);

  ret = g_test_run ();

  g_clear_object (&web_server);
  g_free (web_error);
  g_clear_pointer (&knot, md_test_knot_free);
  g_clear_error (&knot_error);

  return ret;
}
