/* test-check-run.c — check runs against a real Knot DNS with the list zones
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>

#include "md-check-run.h"
#include "md-test-knot.h"
#include "md-test-util.h"
#include "md-util.h"

static MdTestKnot *knot;
static GError *knot_error;

/* Barracuda answers only registered resolvers: the real symptom is SERVFAIL,
 * and here its zone fails to load. broken.test gives SERVFAIL for a HELO. */
static const char *failing_zones[] = { "b.barracudacentral.org", "broken.test", NULL };

typedef struct
{
  gboolean  done;
  GError   *error;
  guint     finished_signals;
} RunData;

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  RunData *data = user_data;

  md_check_run_start_finish (MD_CHECK_RUN (object), result, &data->error);
  data->done = TRUE;
}

static void
finished_cb (MdCheckRun *run,
             RunData    *data)
{
  data->finished_signals++;
}

static MdCheckRun *
run_on (MdDnsSource *source,
        const char  *ip,
        const char  *domain,
        const char  *helo,
        const char  *recipient)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCheckSubject) subject = md_check_subject_new (ip, domain, helo, recipient, &error);
  g_autoptr(MdCheckRunOptions) options = md_check_run_options_new ();
  MdCheckRun *run;
  RunData data = { 0 };

  g_assert_no_error (error);
  /* The lists' own servers (ns.<zone> at 127.0.0.1) are the same knotd. */
  if (knot != NULL)
    options->authoritative_port = md_test_knot_get_port (knot);
  run = md_check_run_new (source, subject, options);
  g_signal_connect (run, "finished", G_CALLBACK (finished_cb), &data);
  md_check_run_start_async (run, NULL, run_cb, &data);
  g_assert_true (md_test_main_loop_run_until (&data.done, 20000));
  g_assert_no_error (data.error);
  g_assert_cmpuint (data.finished_signals, ==, 1);
  g_assert_true (md_check_run_is_finished (run));
  g_assert_cmpuint (md_check_run_count (run, MD_CHECK_STATUS_RUNNING), ==, 0);
  g_signal_handlers_disconnect_by_data (run, &data);

  return run;
}

static MdCheckRun *
run_subject (const char *ip,
             const char *domain,
             const char *helo,
             const char *recipient)
{
  g_autoptr(MdResolver) resolver = md_test_knot_new_resolver (knot);

  return run_on (MD_DNS_SOURCE (resolver), ip, domain, helo, recipient);
}

#define SKIP_WITHOUT_KNOT() \
  G_STMT_START { if (knot == NULL) { g_test_skip (knot_error->message); return; } } G_STMT_END

#define get_check(run, id) md_test_get_check ((run), (id))

static void
assert_check (MdCheckRun    *run,
              const char    *id,
              MdCheckStatus  status,
              const char    *summary)
{
  MdCheck *check = get_check (run, id);

  g_test_message ("%s: %s — %s", id, md_check_status_to_string (md_check_get_status (check)),
                  md_check_get_summary (check));
  g_assert_cmpstr (md_check_status_to_string (md_check_get_status (check)), ==,
                   md_check_status_to_string (status));
  if (summary != NULL)
    g_assert_cmpstr (md_check_get_summary (check), ==, summary);
}

static const char *
detail_string (MdCheckRun *run,
               const char *id,
               const char *member)
{
  JsonObject *details = md_check_get_details (get_check (run, id));

  if (!json_object_has_member (details, member) ||
      JSON_NODE_HOLDS_NULL (json_object_get_member (details, member)))
    return NULL;

  return json_object_get_string_member (details, member);
}

static char *
detail_array (MdCheckRun *run,
              const char *id,
              const char *member)
{
  JsonArray *array = json_object_get_array_member (md_check_get_details (get_check (run, id)),
                                                   member);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      if (i > 0)
        g_string_append (text, " | ");
      g_string_append (text, json_array_get_string_element (array, i));
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
test_zen_codes (void)
{
  static const struct {
    const char *ip;
    const char *codes;
    const char *summary;
  } cases[] = {
    { "192.0.2.2", "127.0.0.2",
      "Listed: SBL: a spam source or spam operation Spamhaus tracks." },
    { "192.0.2.3", "127.0.0.3", "Listed: CSS: low-reputation IP sending spam (Spamhaus CSS)." },
    { "192.0.2.4", "127.0.0.4",
      "Listed: XBL: a hijacked or infected machine (exploit, botnet, open proxy)." },
    { "192.0.2.9", "127.0.0.2 | 127.0.0.9",
      "Listed: SBL: a spam source or spam operation Spamhaus tracks; DROP: a hijacked or "
      "criminal network (Do not Route Or Peer)." },
    { "192.0.2.10", "127.0.0.10",
      "Listed: PBL (set by the network’s ISP): this range should not send mail directly to "
      "receivers." },
    { "192.0.2.11", "127.0.0.11",
      "Listed: PBL (set by Spamhaus): this range looks like end-user space that should not send "
      "mail directly." },
    { "192.0.2.30", "127.0.0.30", "Listed: BCL: a botnet controller." },
    /* RFC 5782: any A record means listed, documented or not */
    { "192.0.2.77", "127.0.0.77", "Listed: undocumented code 127.0.0.77." },
  };

  SKIP_WITHOUT_KNOT ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MdCheckRun) run = run_subject (cases[i].ip, NULL, NULL, NULL);
      g_autofree char *codes = detail_array (run, "dnsbl/zen.spamhaus.org", "codes");

      assert_check (run, "dnsbl/zen.spamhaus.org", MD_CHECK_STATUS_PROBLEM, cases[i].summary);
      g_assert_cmpstr (codes, ==, cases[i].codes);
      g_assert_cmpstr (md_check_get_kind (get_check (run, "dnsbl/zen.spamhaus.org")), ==, "dnsbl");
      g_assert_true (g_str_has_suffix (md_check_get_remedy (get_check (run,
                                                                       "dnsbl/zen.spamhaus.org")),
                                       "request removal at https://check.spamhaus.org/."));
    }

  {
    g_autoptr(MdCheckRun) run = run_subject ("192.0.2.2", NULL, NULL, NULL);

    /* the list's own words, from its TXT record */
    g_assert_cmpstr (detail_string (run, "dnsbl/zen.spamhaus.org", "txt"), ==,
                     "https://check.spamhaus.org/sbl/query/SBL000001");
    /* ZEN's parts answer on their own */
    assert_check (run, "dnsbl/sbl.spamhaus.org", MD_CHECK_STATUS_PROBLEM,
                  "Listed: SBL: a spam source or spam operation Spamhaus tracks.");
    assert_check (run, "dnsbl/xbl.spamhaus.org", MD_CHECK_STATUS_OK, "Not listed.");
    assert_check (run, "dnsbl/pbl.spamhaus.org", MD_CHECK_STATUS_OK, "Not listed.");
  }
}

static void
test_clean (void)
{
  g_autoptr(MdCheckRun) run = NULL;
  guint n;

  SKIP_WITHOUT_KNOT ();

  run = run_subject ("198.51.100.25", NULL, NULL, NULL);
  n = g_list_model_get_n_items (G_LIST_MODEL (run));

  assert_check (run, "dnsbl/zen.spamhaus.org", MD_CHECK_STATUS_OK, "Not listed.");
  assert_check (run, "dnsbl/bl.spamcop.net", MD_CHECK_STATUS_OK, "Not listed.");
  assert_check (run, "rdns", MD_CHECK_STATUS_OK, "mail.sender.example.net, forward-confirmed.");
  /* Hostkarma's test entry is listed, and it lists 127.0.0.1 by design */
  assert_check (run, "dnsbl/hostkarma.junkemailfilter.com", MD_CHECK_STATUS_OK, "Not listed.");
  g_assert_true (json_object_get_boolean_member (
    json_object_get_object_member (md_check_get_details (get_check (run, "dnsbl/zen.spamhaus.org")),
                                   "self_test"), "passed"));

  /* every IP list, plus rdns; no domain lists without --domain, no helo/mx */
  g_assert_cmpuint (n, ==, 24 + 1);
  g_assert_null (md_check_run_lookup (run, "dnsbl/dbl.spamhaus.org"));
  g_assert_null (md_check_run_lookup (run, "helo"));
  g_assert_null (md_check_run_lookup (run, "mx"));
  g_assert_null (md_check_run_lookup (run, "resolver"));
  /* the broken zones of this test server, and nothing else, could not be decided */
  g_assert_cmpuint (md_check_run_count (run, MD_CHECK_STATUS_ERROR), ==, 3);
  g_assert_cmpuint (md_check_run_count (run, MD_CHECK_STATUS_OK), ==, n - 3);

  /* a listing on Hostkarma's allow list is not a listing */
  {
    g_autoptr(MdCheckRun) white = run_subject ("192.0.2.50", NULL, NULL, NULL);

    assert_check (white, "dnsbl/hostkarma.junkemailfilter.com", MD_CHECK_STATUS_OK,
                  "Not listed (white: known good sender).");
  }
}

static void
test_refusal_codes (void)
{
  static const struct {
    const char *ip;
    const char *summary;
  } cases[] = {
    { "192.0.2.252", "Could not decide: Spamhaus answered with an error: the list name in the "
                     "query was mistyped." },
    /* refused for the resolver's sake: the list's own servers are asked, and
     * here they refuse too */
    { "192.0.2.254", "Could not decide: Spamhaus refuses queries from public resolvers: use your "
                     "own resolver. Its own name servers refused too." },
    { "192.0.2.255", "Could not decide: Spamhaus refuses to answer: the resolver sent too many "
                     "queries. Its own name servers refused too." },
  };

  SKIP_WITHOUT_KNOT ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MdCheckRun) run = run_subject (cases[i].ip, NULL, NULL, NULL);

      assert_check (run, "dnsbl/zen.spamhaus.org", MD_CHECK_STATUS_ERROR, cases[i].summary);
      g_assert_cmpstr (detail_string (run, "dnsbl/zen.spamhaus.org", "reason"), ==,
                       "refusal-code");
      g_assert_false (json_object_has_member (md_check_get_details (get_check (run,
                                                                              "dnsbl/zen.spamhaus.org")),
                                              "listed"));
    }

  {
    g_autoptr(MdCheckRun) run = run_subject ("192.0.2.254", NULL, NULL, NULL);

    g_assert_cmpstr (detail_string (run, "dnsbl/zen.spamhaus.org", "txt"), ==,
                     "Error: open resolver; https://check.spamhaus.org/returnc/pub/192.0.2.254/");
  }
}

static void
test_rewritten_answer (void)
{
  g_autoptr(MdCheckRun) run = NULL;

  SKIP_WITHOUT_KNOT ();

  run = run_subject ("192.0.2.99", NULL, NULL, NULL);
  assert_check (run, "dnsbl/bl.spamcop.net", MD_CHECK_STATUS_ERROR,
                "Could not decide: your resolver rewrites answers (it returned 198.51.100.99, an "
                "address outside 127.0.0.0/8).");
  g_assert_cmpstr (detail_string (run, "dnsbl/bl.spamcop.net", "reason"), ==, "rewritten");
}

static void
test_self_test (void)
{
  g_autoptr(MdCheckRun) run = NULL;
  JsonObject *test;

  SKIP_WITHOUT_KNOT ();

  /* 203.0.113.7 is in the PSBL zone, but PSBL lacks its test entry: its
   * "listed" means nothing, and it must not be reported as listed. */
  run = run_subject ("203.0.113.7", NULL, NULL, NULL);
  assert_check (run, "dnsbl/psbl.surriel.com", MD_CHECK_STATUS_ERROR,
                "Could not decide: this list does not answer correctly right now (its test entry "
                "127.0.0.2 is not listed).");
  g_assert_cmpstr (detail_string (run, "dnsbl/psbl.surriel.com", "reason"), ==, "self-test");
  test = json_object_get_object_member (md_check_get_details (get_check (run,
                                                                        "dnsbl/psbl.surriel.com")),
                                        "self_test");
  g_assert_false (json_object_get_boolean_member (test, "passed"));
  g_assert_cmpstr (json_object_get_string_member (test, "listed_status"), ==, "nxdomain");

  /* UCEPROTECT L3's zone here lists everything, 127.0.0.1 included */
  assert_check (run, "dnsbl/dnsbl-3.uceprotect.net", MD_CHECK_STATUS_ERROR,
                "Could not decide: this list does not answer correctly right now (it lists "
                "127.0.0.1, which no list may list).");
  /* … while the lists that pass their test give real answers */
  assert_check (run, "dnsbl/bl.spamcop.net", MD_CHECK_STATUS_PROBLEM,
                "Listed: reported by SpamCop users as a spam source.");
  g_assert_cmpstr (detail_string (run, "dnsbl/bl.spamcop.net", "txt"), ==,
                   "Blocked - see https://www.spamcop.net/bl.shtml?203.0.113.7");
}

static void
test_servfail (void)
{
  g_autoptr(MdCheckRun) run = NULL;

  SKIP_WITHOUT_KNOT ();

  run = run_subject ("198.51.100.25", NULL, "mail.broken.test", NULL);
  assert_check (run, "dnsbl/b.barracudacentral.org", MD_CHECK_STATUS_ERROR, NULL);
  g_assert_true (g_str_has_prefix (md_check_get_summary (get_check (run,
                                                                   "dnsbl/b.barracudacentral.org")),
                                   "Could not decide: the DNS server failed (SERVFAIL)"));
  g_assert_cmpstr (detail_string (run, "dnsbl/b.barracudacentral.org", "reason"), ==, "servfail");
  /* Barracuda answers registered resolvers only: the remedy says so */
  g_assert_cmpstr (md_check_get_remedy (get_check (run, "dnsbl/b.barracudacentral.org")), ==,
                   "Free, but Barracuda answers only resolvers whose IP addresses were registered "
                   "with it; others get no answer or SERVFAIL.");

  assert_check (run, "helo", MD_CHECK_STATUS_ERROR, NULL);
  g_assert_true (g_str_has_prefix (md_check_get_summary (get_check (run, "helo")),
                                   "Could not decide: looking up mail.broken.test failed (the DNS "
                                   "server failed (SERVFAIL)"));
}

static void
test_timeout (void)
{
  g_autoptr(MdTestSilentServer) silent = NULL;
  g_autoptr(MdResolver) resolver = NULL;
  g_autoptr(MdCheckRun) run = NULL;
  g_autoptr(GError) error = NULL;
  guint n;

  silent = md_test_silent_server_new (&error);
  g_assert_no_error (error);
  resolver = md_resolver_new_for_servers (md_test_silent_server_get_address (silent), &error);
  g_assert_no_error (error);
  md_resolver_set_timeout (resolver, 300);

  run = run_on (MD_DNS_SOURCE (resolver), "192.0.2.2", "spammy.example.test",
                "mail.sender.example.net", "m365.recipients.test");
  n = g_list_model_get_n_items (G_LIST_MODEL (run));

  /* No answer is never "not listed": every check could not decide. The
   * sending domain adds spf, dmarc, tls-rpt and the DKIM selector probe. */
  g_assert_cmpuint (n, ==, 28 + 3 + 4);
  g_assert_cmpuint (md_check_run_count (run, MD_CHECK_STATUS_ERROR), ==, n);
  assert_check (run, "dnsbl/zen.spamhaus.org", MD_CHECK_STATUS_ERROR, NULL);
  g_assert_true (g_str_has_prefix (md_check_get_summary (get_check (run, "dnsbl/zen.spamhaus.org")),
                                   "Could not decide: no answer in time (timeout)"));
  g_assert_cmpstr (detail_string (run, "dnsbl/zen.spamhaus.org", "reason"), ==, "timeout");
  g_assert_cmpstr (detail_string (run, "rdns", "reason"), ==, "timeout");
  g_assert_cmpstr (detail_string (run, "mx", "reason"), ==, "timeout");
}

static void
test_ipv6 (void)
{
  g_autoptr(MdCheckRun) run = NULL;

  SKIP_WITHOUT_KNOT ();

  run = run_subject ("2001:db8:25::25", NULL, "mail.sender.example.net", NULL);
  /* Spamhaus answers IPv6 in nibble form */
  assert_check (run, "dnsbl/zen.spamhaus.org", MD_CHECK_STATUS_PROBLEM,
                "Listed: CSS: low-reputation IP sending spam (Spamhaus CSS).");
  g_assert_cmpstr (detail_string (run, "dnsbl/zen.spamhaus.org", "query"), ==,
                   "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.5.2.0.0.8.b.d.0.1.0.0.2.zen.spamhaus.org");
  assert_check (run, "dnsbl/sbl.spamhaus.org", MD_CHECK_STATUS_OK, "Not listed.");
  assert_check (run, "dnsbl/bl.spamcop.net", MD_CHECK_STATUS_INFO,
                "This list does not list IPv6 addresses.");
  assert_check (run, "dnsbl/all.s5h.net", MD_CHECK_STATUS_PROBLEM, "Listed: sent spam to s5h.net.");
  g_assert_cmpstr (detail_string (run, "dnsbl/all.s5h.net", "query"), ==,
                   "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.5.2.0.0.8.b.d.0.1.0.0.2.all.s5h.net");
  /* the IPv6 test entry ::ffff:7f00:2 was checked */
  assert_check (run, "dnsbl/bl.nordspam.com", MD_CHECK_STATUS_OK, "Not listed.");
  assert_check (run, "rdns", MD_CHECK_STATUS_OK, "mail.sender.example.net, forward-confirmed.");
  assert_check (run, "helo", MD_CHECK_STATUS_OK,
                "mail.sender.example.net resolves to 2001:db8:25::25 and matches the PTR record.");
  g_assert_cmpuint (md_check_run_count (run, MD_CHECK_STATUS_INFO), ==, 22 - 4);
}

static void
test_rdns (void)
{
  static const struct {
    const char    *ip;
    MdCheckStatus  status;
    const char    *summary;
    const char    *reason;
  } cases[] = {
    { "198.51.100.25", MD_CHECK_STATUS_OK, "mail.sender.example.net, forward-confirmed.", NULL },
    { "198.51.100.26", MD_CHECK_STATUS_WARNING,
      "The PTR name pool-198-51-100-26.dynamic.sender.example.net looks generic or dynamic: it "
      "contains the IP address’s numbers; it contains “pool”; it contains “dynamic”.",
      "generic" },
    { "198.51.100.27", MD_CHECK_STATUS_PROBLEM, "No PTR record: 198.51.100.27 has no name.",
      "no-ptr" },
    { "198.51.100.28", MD_CHECK_STATUS_PROBLEM,
      "Not forward-confirmed: 198.51.100.28 points to mail2.sender.example.net, but that name "
      "resolves to 198.51.100.99, not back to 198.51.100.28.", "not-forward-confirmed" },
    { "198.51.100.29", MD_CHECK_STATUS_PROBLEM,
      "Not forward-confirmed: 198.51.100.29 points to nowhere.sender.example.net, but that name "
      "has no address.", "not-forward-confirmed" },
    { "203.0.113.7", MD_CHECK_STATUS_OK, "smtp.sender.example.net, forward-confirmed.", NULL },
    { "198.51.100.30", MD_CHECK_STATUS_WARNING,
      "The PTR name static.30.100.51.198.clients.your-server.de looks generic or dynamic: it "
      "contains the IP address’s numbers; it is a hosting provider’s default name "
      "(clients.your-server.de); it contains “clients”.", "generic" },
    { "198.51.100.31", MD_CHECK_STATUS_WARNING,
      "The PTR name mail.customer.sender.example.net looks generic or dynamic: it contains "
      "“customer”.", "generic" },
    { "2001:db8:25::25", MD_CHECK_STATUS_OK, "mail.sender.example.net, forward-confirmed.", NULL },
    { "2001:db8:25::26", MD_CHECK_STATUS_WARNING,
      "The PTR name 2001-db8-25--26.v6.sender.example.net looks generic or dynamic: it contains "
      "the IP address’s numbers.", "generic" },
    { "2001:db8:25::27", MD_CHECK_STATUS_PROBLEM, "No PTR record: 2001:db8:25::27 has no name.",
      "no-ptr" },
  };

  SKIP_WITHOUT_KNOT ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MdCheckRun) run = run_subject (cases[i].ip, NULL, NULL, NULL);

      assert_check (run, "rdns", cases[i].status, cases[i].summary);
      g_assert_cmpstr (detail_string (run, "rdns", "reason"), ==, cases[i].reason);
      if (cases[i].status == MD_CHECK_STATUS_PROBLEM)
        g_assert_nonnull (md_check_get_remedy (get_check (run, "rdns")));
    }
}

static void
test_helo (void)
{
  static const struct {
    const char    *ip;
    const char    *helo;
    MdCheckStatus  status;
    const char    *summary;
  } cases[] = {
    { "198.51.100.25", "mail.sender.example.net", MD_CHECK_STATUS_OK,
      "mail.sender.example.net resolves to 198.51.100.25 and matches the PTR record." },
    { "198.51.100.25", "MAIL.Sender.Example.NET", MD_CHECK_STATUS_OK,
      "mail.sender.example.net resolves to 198.51.100.25 and matches the PTR record." },
    { "198.51.100.25", "other.sender.example.net", MD_CHECK_STATUS_WARNING,
      "The HELO name other.sender.example.net resolves to 198.51.100.25 but does not match the "
      "PTR name mail.sender.example.net." },
    { "198.51.100.25", "wrong.sender.example.net", MD_CHECK_STATUS_PROBLEM,
      "The HELO name wrong.sender.example.net resolves to 192.0.2.200, not to 198.51.100.25." },
    { "198.51.100.25", "nothing.sender.example.net", MD_CHECK_STATUS_PROBLEM,
      "The HELO name nothing.sender.example.net does not resolve." },
    { "198.51.100.25", "localhost", MD_CHECK_STATUS_PROBLEM,
      "The HELO name localhost is not a fully qualified domain name." },
    { "198.51.100.25", "198.51.100.25", MD_CHECK_STATUS_PROBLEM,
      "The HELO 198.51.100.25 is a bare IP address; SMTP (RFC 5321) requires a name or an "
      "address literal in brackets." },
    { "198.51.100.25", "[198.51.100.25]", MD_CHECK_STATUS_WARNING,
      "The HELO [198.51.100.25] is an address literal, not a name; many receivers count that "
      "against the sender." },
    { "198.51.100.99", "mail2.sender.example.net", MD_CHECK_STATUS_WARNING,
      "The HELO name mail2.sender.example.net resolves to 198.51.100.99, but the IP has no PTR "
      "record to match it." },
  };

  SKIP_WITHOUT_KNOT ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MdCheckRun) run = run_subject (cases[i].ip, NULL, cases[i].helo, NULL);

      assert_check (run, "helo", cases[i].status, cases[i].summary);
    }
}

static void
test_mx (void)
{
  static const struct {
    const char    *domain;
    MdCheckStatus  status;
    const char    *receiver;
    const char    *summary;
  } cases[] = {
    { "m365.recipients.test", MD_CHECK_STATUS_INFO, "microsoft-365",
      "m365.recipients.test receives mail through Microsoft 365 (Exchange Online Protection) "
      "(m365-recipients-test.mail.protection.outlook.com)." },
    { "outlook.recipients.test", MD_CHECK_STATUS_INFO, "outlook-com",
      "outlook.recipients.test receives mail through Outlook.com (Hotmail, Live, MSN) "
      "(outlook-com.olc.protection.outlook.com)." },
    { "hotmail.recipients.test", MD_CHECK_STATUS_INFO, "outlook-com", NULL },
    { "google.recipients.test", MD_CHECK_STATUS_INFO, "google",
      "google.recipients.test receives mail through Google (Gmail, Google Workspace) "
      "(aspmx.l.google.com)." },
    { "yahoo.recipients.test", MD_CHECK_STATUS_INFO, "yahoo", NULL },
    { "aol.recipients.test", MD_CHECK_STATUS_INFO, "aol", NULL },
    { "gmx.recipients.test", MD_CHECK_STATUS_INFO, "gmx", NULL },
    { "webde.recipients.test", MD_CHECK_STATUS_INFO, "web-de", NULL },
    { "tonline.recipients.test", MD_CHECK_STATUS_INFO, "t-online", NULL },
    { "ionos.recipients.test", MD_CHECK_STATUS_INFO, "ionos", NULL },
    { "icloud.recipients.test", MD_CHECK_STATUS_INFO, "apple", NULL },
    { "comcast.recipients.test", MD_CHECK_STATUS_INFO, "comcast", NULL },
    { "orange.recipients.test", MD_CHECK_STATUS_INFO, "orange", NULL },
    { "mimecast.recipients.test", MD_CHECK_STATUS_INFO, "mimecast", NULL },
    { "proofpoint.recipients.test", MD_CHECK_STATUS_INFO, "proofpoint", NULL },
    /* the lowest preference receives: a filter in front of Microsoft 365 */
    { "mixed.recipients.test", MD_CHECK_STATUS_INFO, "proofpoint", NULL },
    { "own.recipients.test", MD_CHECK_STATUS_INFO, NULL,
      "own.recipients.test receives mail on its own servers (mx.sender.example.net)." },
    { "nullmx.recipients.test", MD_CHECK_STATUS_PROBLEM, NULL,
      "nullmx.recipients.test publishes a null MX: it accepts no mail (RFC 7505)." },
    { "nomx.recipients.test", MD_CHECK_STATUS_INFO, NULL,
      "nomx.recipients.test has no MX record: mail goes to the domain’s own address "
      "(198.51.100.80)." },
    { "nomail.recipients.test", MD_CHECK_STATUS_PROBLEM, NULL,
      "nomail.recipients.test has neither an MX record nor an address: it cannot receive mail." },
    { "missing.recipients.test", MD_CHECK_STATUS_PROBLEM, NULL,
      "The domain missing.recipients.test does not exist." },
  };

  SKIP_WITHOUT_KNOT ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MdCheckRun) run = run_subject ("198.51.100.25", NULL, NULL, cases[i].domain);

      assert_check (run, "mx", cases[i].status, cases[i].summary);
      g_assert_cmpstr (detail_string (run, "mx", "receiver"), ==, cases[i].receiver);
    }

  {
    g_autoptr(MdCheckRun) run = run_subject ("198.51.100.25", NULL, NULL, "mixed.recipients.test");
    JsonArray *hosts = json_object_get_array_member (md_check_get_details (get_check (run, "mx")),
                                                     "hosts");
    JsonObject *second = json_array_get_object_element (hosts, 1);

    g_assert_cmpuint (json_array_get_length (hosts), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (second, "host"), ==,
                     "mixed-recipients-test.mail.protection.outlook.com");
    g_assert_cmpint (json_object_get_int_member (second, "preference"), ==, 20);
    g_assert_cmpstr (json_object_get_string_member (second, "receiver"), ==, "microsoft-365");
  }

  /* Microsoft's business and consumer mail: different delist channels */
  {
    g_autoptr(MdCheckRun) m365 = run_subject ("198.51.100.25", NULL, NULL, "m365.recipients.test");
    g_autoptr(MdCheckRun) olc = run_subject ("198.51.100.25", NULL, NULL,
                                             "outlook.recipients.test");

    g_assert_cmpstr (detail_string (m365, "mx", "delist"), ==, "https://sender.office.com/");
    g_assert_cmpstr (detail_string (olc, "mx", "delist"), ==,
                     "https://support.microsoft.com/supportrequestform/"
                     "8ad563e3-288e-2a61-8122-3ba03d6b8d75");
    g_assert_cmpstr (detail_string (m365, "mx", "service"), ==, "business");
    g_assert_cmpstr (detail_string (olc, "mx", "service"), ==, "consumer");
  }
}

static void
test_domain_lists (void)
{
  SKIP_WITHOUT_KNOT ();

  {
    g_autoptr(MdCheckRun) run = run_subject ("198.51.100.25", "spammy.example.test", NULL, NULL);

    assert_check (run, "dnsbl/dbl.spamhaus.org", MD_CHECK_STATUS_PROBLEM,
                  "Listed: spam domain (low reputation).");
    g_assert_cmpstr (detail_string (run, "dnsbl/dbl.spamhaus.org", "query"), ==,
                     "spammy.example.test.dbl.spamhaus.org");
    g_assert_cmpstr (detail_string (run, "dnsbl/dbl.spamhaus.org", "txt"), ==,
                     "https://check.spamhaus.org/results?query=spammy.example.test");
    assert_check (run, "dnsbl/multi.surbl.org", MD_CHECK_STATUS_OK, "Not listed.");
    assert_check (run, "dnsbl/multi.uribl.com", MD_CHECK_STATUS_OK, "Not listed.");
    assert_check (run, "dnsbl/dbl.nordspam.com", MD_CHECK_STATUS_OK, "Not listed.");
  }

  {
    g_autoptr(MdCheckRun) run = run_subject ("198.51.100.25", "phish.example.test", NULL, NULL);

    assert_check (run, "dnsbl/multi.surbl.org", MD_CHECK_STATUS_PROBLEM, "Listed: PH: phishing.");
    assert_check (run, "dnsbl/dbl.spamhaus.org", MD_CHECK_STATUS_PROBLEM, "Listed: phishing "
                                                                          "domain.");
  }

  {
    g_autoptr(MdCheckRun) run = run_subject ("198.51.100.25", "refused.example.test", NULL, NULL);

    assert_check (run, "dnsbl/multi.uribl.com", MD_CHECK_STATUS_ERROR,
                  "Could not decide: URIBL refused the query (public resolvers such as Google or "
                  "OpenDNS, or too many queries): use your own resolver. Its own name servers "
                  "refused too.");
    g_assert_true (g_str_has_prefix (detail_string (run, "dnsbl/multi.uribl.com", "txt"),
                                     "127.0.0.1 -> Query Refused."));
  }
}

static void
test_public_resolver (void)
{
  g_autoptr(MdResolver) resolver = NULL;
  g_autoptr(MdCheckSubject) subject = NULL;
  g_autoptr(MdCheckRun) run = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(MdCheckRunOptions) options = NULL;
  JsonObject *report;
  RunData data = { 0 };
  guint n_resolver = 0;

  SKIP_WITHOUT_KNOT ();

  resolver = md_test_knot_new_resolver (knot);
  subject = md_check_subject_new ("198.51.100.25", NULL, NULL, NULL, NULL);
  options = md_check_run_options_new ();
  options->resolver = g_strdup ("8.8.8.8:53");
  options->public_resolver = g_strdup ("Google Public DNS");
  options->authoritative_port = md_test_knot_get_port (knot);
  run = md_check_run_new (MD_DNS_SOURCE (resolver), subject, options);
  md_check_run_start_async (run, NULL, run_cb, &data);
  g_assert_true (md_test_main_loop_run_until (&data.done, 20000));

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (run)); i++)
    {
      g_autoptr(MdCheck) check = g_list_model_get_item (G_LIST_MODEL (run), i);

      if (g_str_equal (md_check_get_kind (check), "resolver"))
        n_resolver++;
    }
  g_assert_cmpuint (n_resolver, ==, 1);
  assert_check (run, "resolver", MD_CHECK_STATUS_WARNING,
                "Your resolver is Google Public DNS, a public resolver: most blocklists refuse to "
                "answer it, and some answer “not listed” for everything. The lists are asked on "
                "their own name servers instead.");

  json = md_check_run_to_json (run);
  report = json_object_get_object_member (json_node_get_object (json), "resolver");
  g_assert_true (json_object_get_boolean_member (report, "public"));
  g_assert_cmpstr (json_object_get_string_member (report, "public_name"), ==, "Google Public DNS");
  g_assert_cmpstr (json_object_get_string_member (report, "source"), ==, "option");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (report,
                                                                                "addresses"), 0),
                   ==, "8.8.8.8:53");
  g_assert_cmpstr (json_object_get_string_member (report, "state"), ==, "trusted");
}

typedef struct
{
  guint n_changes;
  guint n_added;
  guint n_running_when_added;
  guint n_status_notifies;
} ModelData;

static void
status_notify_cb (MdCheck    *check,
                  GParamSpec *pspec,
                  ModelData  *data)
{
  g_assert_true (md_check_is_done (check));
  /* everything else is set before the status changes */
  g_assert_nonnull (md_check_get_summary (check));
  data->n_status_notifies++;
}

static void
model_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  ModelData  *data)
{
  data->n_changes++;
  data->n_added += added;
  g_assert_cmpuint (removed, ==, 0);

  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(MdCheck) check = g_list_model_get_item (model, i);

      if (md_check_get_status (check) == MD_CHECK_STATUS_RUNNING)
        data->n_running_when_added++;
      g_signal_connect (check, "notify::status", G_CALLBACK (status_notify_cb), data);
    }
}

static void
test_model_updates (void)
{
  g_autoptr(MdResolver) resolver = NULL;
  g_autoptr(MdCheckSubject) subject = NULL;
  g_autoptr(MdCheckRun) run = NULL;
  RunData data = { 0 };
  ModelData model = { 0 };
  guint n;

  SKIP_WITHOUT_KNOT ();

  resolver = md_test_knot_new_resolver (knot);
  subject = md_check_subject_new ("203.0.113.7", "spammy.example.test", "smtp.sender.example.net",
                                  "m365.recipients.test", NULL);
  run = md_check_run_new (MD_DNS_SOURCE (resolver), subject, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (run)), ==, 0);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (run)) == MD_TYPE_CHECK);
  g_signal_connect (run, "items-changed", G_CALLBACK (model_changed_cb), &model);

  md_check_run_start_async (run, NULL, run_cb, &data);
  n = g_list_model_get_n_items (G_LIST_MODEL (run));

  /* all checks are in the list at once, all running, before any answer */
  g_assert_cmpuint (model.n_changes, ==, 1);
  g_assert_cmpuint (model.n_added, ==, n);
  g_assert_cmpuint (model.n_running_when_added, ==, n);
  /* + spf, dmarc, tls-rpt and the DKIM selector probe for the domain */
  g_assert_cmpuint (n, ==, 28 + 3 + 4);
  g_assert_false (md_check_run_is_finished (run));

  g_assert_true (md_test_main_loop_run_until (&data.done, 20000));
  g_assert_no_error (data.error);

  /* updated in place: one status change per check, no new items */
  g_assert_cmpuint (model.n_changes, ==, 1);
  g_assert_cmpuint (model.n_status_notifies, ==, n);
  g_assert_cmpuint (md_check_run_count (run, MD_CHECK_STATUS_OK) +
                    md_check_run_count (run, MD_CHECK_STATUS_WARNING) +
                    md_check_run_count (run, MD_CHECK_STATUS_PROBLEM) +
                    md_check_run_count (run, MD_CHECK_STATUS_INFO) +
                    md_check_run_count (run, MD_CHECK_STATUS_ERROR), ==, n);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MdCheck) check = g_list_model_get_item (G_LIST_MODEL (run), i);
      g_signal_handlers_disconnect_by_data (check, &model);
    }

  /* the check ids the CLI and the tests rely on */
  get_check (run, "rdns");
  get_check (run, "helo");
  get_check (run, "mx");
  get_check (run, "dnsbl/zen.spamhaus.org");
  get_check (run, "dnsbl/dbl.spamhaus.org");

  /* a second start is refused */
  {
    RunData again = { 0 };

    md_check_run_start_async (run, NULL, run_cb, &again);
    g_assert_true (md_test_main_loop_run_until (&again.done, 1000));
    g_assert_error (again.error, MD_CHECK_RUN_ERROR, MD_CHECK_RUN_ERROR_ALREADY_STARTED);
    g_clear_error (&again.error);
  }
}

static void
test_concurrency_bound (void)
{
  SKIP_WITHOUT_KNOT ();

  for (guint bound = 1; bound <= 64; bound *= 8)
    {
      g_autoptr(MdResolver) resolver = md_test_knot_new_resolver (knot);
      g_autoptr(MdCheckSubject) subject = NULL;
      g_autoptr(MdCheckRun) run = NULL;
      RunData data = { 0 };

      subject = md_check_subject_new ("203.0.113.7", "spammy.example.test",
                                      "smtp.sender.example.net", "m365.recipients.test", NULL);
      run = md_check_run_new (MD_DNS_SOURCE (resolver), subject, NULL);
      g_assert_cmpuint (md_check_run_get_max_in_flight (run), ==,
                        MD_CHECK_RUN_DEFAULT_MAX_IN_FLIGHT);
      md_check_run_set_max_in_flight (run, bound);
      md_check_run_start_async (run, NULL, run_cb, &data);
      g_assert_true (md_test_main_loop_run_until (&data.done, 20000));
      g_assert_no_error (data.error);

      g_test_message ("bound %u: %u queries, peak %u", bound, md_check_run_get_n_queries (run),
                      md_check_run_get_peak_in_flight (run));
      g_assert_cmpuint (md_check_run_get_peak_in_flight (run), <=, bound);
      /* the same verdicts whatever the bound */
      assert_check (run, "dnsbl/zen.spamhaus.org", MD_CHECK_STATUS_PROBLEM, NULL);
      assert_check (run, "dnsbl/dbl.spamhaus.org", MD_CHECK_STATUS_PROBLEM, NULL);
      assert_check (run, "helo", MD_CHECK_STATUS_OK, NULL);
      /* each distinct question once: rdns and helo share the PTR and the A of the name:
       * 27 lists × 3 + Hostkarma × 2 + 3 TXT reasons + PTR + A + MX; for the
       * sending domain SPF's TXT and SPF-type questions, 3 _dmarc names (the
       * tree walk), _smtp._tls and 13 guessed DKIM selectors; the resolver
       * probe's root NS, root server name, random name and "net" (the lists'
       * test entries it shares with the list checks) */
      g_assert_cmpuint (md_check_run_get_n_queries (run), ==,
                        27 * 3 + 2 + 3 + 3 + 2 + 3 + 1 + 13 + 4);
      if (bound == 64)
        g_assert_cmpuint (md_check_run_get_peak_in_flight (run), ==, 64);
    }
}

static void
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
}

static void
test_cancel (void)
{
  g_autoptr(MdTestSilentServer) silent = NULL;
  g_autoptr(MdResolver) resolver = NULL;
  g_autoptr(MdCheckSubject) subject = NULL;
  g_autoptr(MdCheckRun) run = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  RunData data = { 0 };
  gint64 start;
  guint n;

  silent = md_test_silent_server_new (&error);
  g_assert_no_error (error);
  resolver = md_resolver_new_for_servers (md_test_silent_server_get_address (silent), &error);
  g_assert_no_error (error);
  md_resolver_set_timeout (resolver, 10000);

  subject = md_check_subject_new ("203.0.113.7", "spammy.example.test", "smtp.sender.example.net",
                                  "m365.recipients.test", NULL);
  run = md_check_run_new (MD_DNS_SOURCE (resolver), subject, NULL);
  start = g_get_monotonic_time ();
  md_check_run_start_async (run, cancellable, run_cb, &data);
  g_timeout_add_once (100, cancel_cb, cancellable);
  g_assert_true (md_test_main_loop_run_until (&data.done, 5000));

  g_assert_error (data.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&data.error);
  g_assert_cmpint ((g_get_monotonic_time () - start) / 1000, <, 2000);
  /* the whole first wave went out at once: it is below the bound */
  g_assert_cmpuint (md_check_run_get_peak_in_flight (run), ==, md_check_run_get_n_queries (run));
  g_assert_cmpuint (md_check_run_get_peak_in_flight (run), <, MD_CHECK_RUN_DEFAULT_MAX_IN_FLIGHT);

  /* nothing is left running, and nothing that had no answer passed */
  n = g_list_model_get_n_items (G_LIST_MODEL (run));
  g_assert_cmpuint (md_check_run_count (run, MD_CHECK_STATUS_ERROR), ==, n);
  assert_check (run, "dnsbl/zen.spamhaus.org", MD_CHECK_STATUS_ERROR,
                "Could not decide: the check was cancelled.");

  /* the resolver's queries are cancelled with the run */
  for (guint i = 0; i < 50 && md_resolver_get_n_pending (resolver) > 0; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (md_resolver_get_n_pending (resolver), ==, 0);
}

static void
test_destroy_in_flight (void)
{
  g_autoptr(MdTestSilentServer) silent = NULL;
  g_autoptr(MdCheckSubject) subject = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  MdResolver *resolver;
  MdCheckRun *run;
  RunData data = { 0 };

  silent = md_test_silent_server_new (&error);
  g_assert_no_error (error);
  resolver = md_resolver_new_for_servers (md_test_silent_server_get_address (silent), &error);
  g_assert_no_error (error);
  md_resolver_set_timeout (resolver, 10000);

  subject = md_check_subject_new ("203.0.113.7", "spammy.example.test", "smtp.sender.example.net",
                                  "m365.recipients.test", NULL);
  run = md_check_run_new (MD_DNS_SOURCE (resolver), subject, NULL);
  g_object_add_weak_pointer (G_OBJECT (run), (gpointer *) &run);
  g_object_add_weak_pointer (G_OBJECT (resolver), (gpointer *) &resolver);

  md_check_run_start_async (run, cancellable, run_cb, &data);
  for (guint i = 0; i < 5; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (md_resolver_get_n_pending (resolver), >, 0);

  /* the owner goes away with 64 questions in flight: drop everything */
  g_object_unref (run);
  g_object_unref (resolver);
  g_assert_nonnull (run);          /* its task keeps it until it ends */
  g_cancellable_cancel (cancellable);
  g_assert_true (md_test_main_loop_run_until (&data.done, 5000));
  g_assert_error (data.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&data.error);

  for (guint i = 0; i < 100 && (run != NULL || resolver != NULL); i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_null (run);
  g_assert_null (resolver);
}

static void
test_deadline (void)
{
  g_autoptr(MdTestSilentServer) silent = NULL;
  g_autoptr(MdResolver) resolver = NULL;
  g_autoptr(MdCheckSubject) subject = NULL;
  g_autoptr(MdCheckRun) run = NULL;
  g_autoptr(GError) error = NULL;
  RunData data = { 0 };
  gint64 start;

  silent = md_test_silent_server_new (&error);
  g_assert_no_error (error);
  resolver = md_resolver_new_for_servers (md_test_silent_server_get_address (silent), &error);
  g_assert_no_error (error);
  md_resolver_set_timeout (resolver, 10000);

  subject = md_check_subject_new ("192.0.2.2", NULL, NULL, NULL, NULL);
  run = md_check_run_new (MD_DNS_SOURCE (resolver), subject, NULL);
  md_check_run_set_deadline_ms (run, 300);
  start = g_get_monotonic_time ();
  md_check_run_start_async (run, NULL, run_cb, &data);
  g_assert_true (md_test_main_loop_run_until (&data.done, 5000));
  g_assert_no_error (data.error);
  g_assert_cmpint ((g_get_monotonic_time () - start) / 1000, >=, 290);
  g_assert_cmpint ((g_get_monotonic_time () - start) / 1000, <, 2000);

  assert_check (run, "dnsbl/zen.spamhaus.org", MD_CHECK_STATUS_ERROR,
                "Could not decide: no answer before the deadline (300 ms).");
  assert_check (run, "rdns", MD_CHECK_STATUS_ERROR,
                "Could not decide: no answer before the deadline (300 ms).");
  g_assert_cmpuint (md_check_run_count (run, MD_CHECK_STATUS_ERROR), ==,
                    g_list_model_get_n_items (G_LIST_MODEL (run)));
}

static void
test_json (void)
{
  g_autoptr(MdCheckRun) run = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object, *counts, *subject;
  JsonArray *checks;
  guint total = 0;

  SKIP_WITHOUT_KNOT ();

  run = run_subject ("203.0.113.7", "spammy.example.test", "smtp.sender.example.net",
                     "m365.recipients.test");
  root = md_check_run_to_json (run);
  object = json_node_get_object (root);

  subject = json_object_get_object_member (object, "subject");
  g_assert_cmpstr (json_object_get_string_member (subject, "ip"), ==, "203.0.113.7");
  g_assert_cmpstr (json_object_get_string_member (subject, "domain"), ==, "spammy.example.test");
  g_assert_cmpstr (json_object_get_string_member (subject, "helo"), ==, "smtp.sender.example.net");
  g_assert_cmpstr (json_object_get_string_member (subject, "recipient_domain"), ==,
                   "m365.recipients.test");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object,
                                                                                 "resolver"),
                                                  "state"), ==, "trusted");

  checks = json_object_get_array_member (object, "checks");
  /* 31 + spf, dmarc, tls-rpt and the DKIM selector probe for the domain */
  g_assert_cmpuint (json_array_get_length (checks), ==, 35);
  for (guint i = 0; i < json_array_get_length (checks); i++)
    {
      JsonObject *check = json_array_get_object_element (checks, i);
      MdCheckStatus status;

      g_assert_true (md_check_status_from_string (json_object_get_string_member (check, "status"),
                                                  &status));
      g_assert_cmpint (status, !=, MD_CHECK_STATUS_RUNNING);
      g_assert_nonnull (json_object_get_string_member (check, "id"));
      g_assert_nonnull (json_object_get_string_member (check, "kind"));
      g_assert_nonnull (json_object_get_string_member (check, "title"));
      g_assert_nonnull (json_object_get_string_member (check, "summary"));
      g_assert_nonnull (json_object_get_object_member (check, "details"));
      g_assert_true (json_object_has_member (check, "duration_ms"));

      if (g_str_equal (json_object_get_string_member (check, "kind"), "dnsbl"))
        {
          JsonObject *details = json_object_get_object_member (check, "details");

          g_assert_true (json_object_has_member (details, "zone"));
          g_assert_true (json_object_has_member (details, "codes"));
          g_assert_true (json_object_has_member (details, "meanings"));
          g_assert_true (json_object_has_member (details, "txt"));
          g_assert_true (json_object_has_member (details, "reason"));
          g_assert_cmpuint (json_array_get_length (json_object_get_array_member (details, "codes")),
                            ==,
                            json_array_get_length (json_object_get_array_member (details,
                                                                                 "meanings")));
        }
    }

  counts = json_object_get_object_member (object, "counts");
  for (MdCheckStatus s = MD_CHECK_STATUS_OK; s < MD_CHECK_N_STATUSES; s++)
    {
      g_assert_cmpint (json_object_get_int_member (counts, md_check_status_to_string (s)), ==,
                       md_check_run_count (run, s));
      total += json_object_get_int_member (counts, md_check_status_to_string (s));
    }
  g_assert_cmpuint (total, ==, 35);
  /* 3 listings + spf: spammy.example.test publishes no SPF record */
  g_assert_cmpint (json_object_get_int_member (counts, "problem"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (counts, "running"), ==, 0);
}

static void
test_subject (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCheckSubject) subject = NULL;

  subject = md_check_subject_new (" 2001:DB8::1 ", "Example.COM.", "Mail.Example.COM",
                                  "bücher.example", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (subject->ip, ==, "2001:db8::1");
  g_assert_cmpstr (subject->domain, ==, "example.com");
  g_assert_cmpstr (subject->helo, ==, "mail.example.com");
  g_assert_cmpstr (subject->recipient_domain, ==, "xn--bcher-kva.example");
  g_clear_pointer (&subject, md_check_subject_free);

  subject = md_check_subject_new ("::ffff:192.0.2.7", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (subject->ip, ==, "192.0.2.7");
  g_clear_pointer (&subject, md_check_subject_free);

  g_assert_null (md_check_subject_new ("300.1.2.3", NULL, NULL, NULL, &error));
  g_assert_error (error, MD_CHECK_RUN_ERROR, MD_CHECK_RUN_ERROR_INVALID_SUBJECT);
  g_assert_cmpstr (error->message, ==, "“300.1.2.3” is not an IP address");
  g_clear_error (&error);

  g_assert_null (md_check_subject_new ("192.0.2.1", "192.0.2.1", NULL, NULL, &error));
  g_assert_error (error, MD_CHECK_RUN_ERROR, MD_CHECK_RUN_ERROR_INVALID_SUBJECT);
  g_clear_error (&error);

  g_assert_null (md_check_subject_new ("192.0.2.1", NULL, "mail example", NULL, &error));
  g_assert_error (error, MD_CHECK_RUN_ERROR, MD_CHECK_RUN_ERROR_INVALID_SUBJECT);
  g_clear_error (&error);
}

int
main (int    argc,
      char **argv)
{
  g_auto(GStrv) zones = NULL;
  MdTestKnotOptions options = { 0 };
  int ret;

  md_core_init ();
  g_test_init (&argc, &argv, NULL);

  zones = md_test_knot_zone_files_without ("b.barracudacentral.org.zone");
  options.zone_files = (const char * const *) zones;
  options.failing_zones = failing_zones;
  knot = md_test_knot_new_full (&options, &knot_error);

  g_test_add_func ("/MailDoctor/CheckRun/subject", test_subject);
  g_test_add_func ("/MailDoctor/CheckRun/zen-codes", test_zen_codes);
  g_test_add_func ("/MailDoctor/CheckRun/clean", test_clean);
  g_test_add_func ("/MailDoctor/CheckRun/refusal-codes", test_refusal_codes);
  g_test_add_func ("/MailDoctor/CheckRun/rewritten-answer", test_rewritten_answer);
  g_test_add_func ("/MailDoctor/CheckRun/self-test", test_self_test);
  g_test_add_func ("/MailDoctor/CheckRun/servfail", test_servfail);
  g_test_add_func ("/MailDoctor/CheckRun/timeout", test_timeout);
  g_test_add_func ("/MailDoctor/CheckRun/ipv6", test_ipv6);
  g_test_add_func ("/MailDoctor/CheckRun/rdns", test_rdns);
  g_test_add_func ("/MailDoctor/CheckRun/helo", test_helo);
  g_test_add_func ("/MailDoctor/CheckRun/mx", test_mx);
  g_test_add_func ("/MailDoctor/CheckRun/domain-lists", test_domain_lists);
  g_test_add_func ("/MailDoctor/CheckRun/public-resolver", test_public_resolver);
  g_test_add_func ("/MailDoctor/CheckRun/model-updates", test_model_updates);
  g_test_add_func ("/MailDoctor/CheckRun/concurrency-bound", test_concurrency_bound);
  g_test_add_func ("/MailDoctor/CheckRun/cancel", test_cancel);
  g_test_add_func ("/MailDoctor/CheckRun/destroy-in-flight", test_destroy_in_flight);
  g_test_add_func ("/MailDoctor/CheckRun/deadline", test_deadline);
  g_test_add_func ("/MailDoctor/CheckRun/json", test_json);

  ret = g_test_run ();

  g_clear_pointer (&knot, md_test_knot_free);
  g_clear_error (&knot_error);

  return ret;
}
