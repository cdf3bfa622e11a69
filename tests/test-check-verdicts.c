/* test-check-verdicts.c — the verdict rules on answers knotd cannot easily give
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>

#include "md-check-run.h"
#include "md-test-zone.h"
#include "md-util.h"

typedef struct
{
  gboolean  done;
  GError   *error;
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

static MdCheckRun *
run_zone (MdTestZone *zone,
          const char *ip,
          const char *recipient)
{
  g_autoptr(MdCheckSubject) subject = md_check_subject_new (ip, NULL, NULL, recipient, NULL);
  MdCheckRun *run = md_check_run_new (MD_DNS_SOURCE (zone), subject, NULL);
  RunData data = { 0 };

  md_check_run_start_async (run, NULL, run_cb, &data);
  while (!data.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (data.error);

  return run;
}

static MdTestZone *
zen_zone (void)
{
  MdTestZone *zone = md_test_zone_new ();

  md_test_zone_add_address (zone, "2.0.0.127.zen.spamhaus.org", "127.0.0.2");
  return zone;
}

static MdCheck *
zen (MdCheckRun *run)
{
  MdCheck *check = md_check_run_lookup (run, "dnsbl/zen.spamhaus.org");

  g_assert_nonnull (check);
  return check;
}

static const char *
detail (MdCheck    *check,
        const char *member)
{
  JsonNode *node = json_object_get_member (md_check_get_details (check), member);

  g_assert_nonnull (node);
  return JSON_NODE_HOLDS_NULL (node) ? NULL : json_node_get_string (node);
}

static void
test_refused (void)
{
  g_autoptr(MdTestZone) zone = zen_zone ();
  g_autoptr(MdCheckRun) run = NULL;

  /* REFUSED is what Abusix or a DQS key without the service answers */
  md_test_zone_add_address (zone, "2.2.0.192.zen.spamhaus.org", "127.0.0.2");
  md_test_zone_set_status (zone, "2.2.0.192.zen.spamhaus.org", MD_DNS_TYPE_A,
                           MD_DNS_STATUS_REFUSED);
  run = run_zone (zone, "192.0.2.2", NULL);

  g_assert_cmpint (md_check_get_status (zen (run)), ==, MD_CHECK_STATUS_ERROR);
  g_assert_cmpstr (md_check_get_summary (zen (run)), ==,
                   "Could not decide: the DNS server refused the query (REFUSED).");
  g_assert_cmpstr (detail (zen (run), "reason"), ==, "refused");
}

static void
test_self_test_lookup_fails (void)
{
  g_autoptr(MdTestZone) zone = zen_zone ();
  g_autoptr(MdCheckRun) run = NULL;

  /* listed, but the test entry cannot be checked: the listing is not trusted */
  md_test_zone_add_address (zone, "2.2.0.192.zen.spamhaus.org", "127.0.0.2");
  md_test_zone_set_status (zone, "2.0.0.127.zen.spamhaus.org", MD_DNS_TYPE_A,
                           MD_DNS_STATUS_SERVFAIL);
  run = run_zone (zone, "192.0.2.2", NULL);

  g_assert_cmpint (md_check_get_status (zen (run)), ==, MD_CHECK_STATUS_ERROR);
  g_assert_cmpstr (md_check_get_summary (zen (run)), ==,
                   "Could not decide: this list does not answer correctly right now (its test "
                   "lookup failed: the DNS server failed (SERVFAIL)).");
  g_assert_cmpstr (detail (zen (run), "reason"), ==, "self-test");
}

static void
test_txt_fails (void)
{
  g_autoptr(MdTestZone) zone = zen_zone ();
  g_autoptr(MdCheckRun) run = NULL;

  /* the verdict stands on the A record; a failed TXT only leaves the reason out */
  md_test_zone_add_address (zone, "2.2.0.192.zen.spamhaus.org", "127.0.0.4");
  md_test_zone_set_status (zone, "2.2.0.192.zen.spamhaus.org", MD_DNS_TYPE_TXT,
                           MD_DNS_STATUS_SERVFAIL);
  run = run_zone (zone, "192.0.2.2", NULL);

  g_assert_cmpint (md_check_get_status (zen (run)), ==, MD_CHECK_STATUS_PROBLEM);
  g_assert_cmpstr (md_check_get_summary (zen (run)), ==,
                   "Listed: XBL: a hijacked or infected machine (exploit, botnet, open proxy).");
  g_assert_null (detail (zen (run), "txt"));
  g_assert_cmpstr (detail (zen (run), "txt_status"), ==, "servfail");
}

static void
test_nodata_is_clean (void)
{
  g_autoptr(MdTestZone) zone = zen_zone ();
  g_autoptr(MdCheckRun) run = NULL;
  const char *strings[] = { "not an A record", NULL };

  md_test_zone_add_txt (zone, "2.2.0.192.zen.spamhaus.org", MD_DNS_TYPE_TXT, strings);
  run = run_zone (zone, "192.0.2.2", NULL);

  g_assert_cmpint (md_check_get_status (zen (run)), ==, MD_CHECK_STATUS_OK);
  g_assert_cmpstr (detail (zen (run), "dns_status"), ==, "nodata");
}

static void
test_rdns_forward_timeout (void)
{
  g_autoptr(MdTestZone) zone = md_test_zone_new ();
  g_autoptr(MdCheckRun) run = NULL;
  MdCheck *rdns;

  md_test_zone_add_target (zone, "2.2.0.192.in-addr.arpa", MD_DNS_TYPE_PTR, "mail.example.com");
  md_test_zone_add_timeout (zone, "mail.example.com");
  run = run_zone (zone, "192.0.2.2", NULL);
  rdns = md_check_run_lookup (run, "rdns");

  g_assert_cmpint (md_check_get_status (rdns), ==, MD_CHECK_STATUS_ERROR);
  g_assert_cmpstr (md_check_get_summary (rdns), ==,
                   "Could not decide: the PTR name mail.example.com could not be resolved (no "
                   "answer in time (timeout)).");
}

static void
test_rdns_several_names (void)
{
  g_autoptr(MdTestZone) zone = md_test_zone_new ();
  g_autoptr(MdCheckRun) run = NULL;
  MdCheck *rdns;

  /* one of two PTR names leads back: forward-confirmed */
  md_test_zone_add_target (zone, "2.2.0.192.in-addr.arpa", MD_DNS_TYPE_PTR, "old.example.com");
  md_test_zone_add_target (zone, "2.2.0.192.in-addr.arpa", MD_DNS_TYPE_PTR, "mail.example.com");
  md_test_zone_add_address (zone, "old.example.com", "192.0.2.200");
  md_test_zone_add_address (zone, "mail.example.com", "192.0.2.2");
  run = run_zone (zone, "192.0.2.2", NULL);
  rdns = md_check_run_lookup (run, "rdns");

  g_assert_cmpint (md_check_get_status (rdns), ==, MD_CHECK_STATUS_OK);
  g_assert_cmpstr (md_check_get_summary (rdns), ==, "mail.example.com, forward-confirmed.");
  g_assert_cmpstr (detail (rdns, "name"), ==, "mail.example.com");
}

static void
test_mx_fallback_fails (void)
{
  g_autoptr(MdTestZone) zone = md_test_zone_new ();
  g_autoptr(MdCheckRun) run = NULL;
  MdCheck *mx;

  /* no MX, and the address lookup times out: not "cannot receive mail" */
  md_test_zone_add_empty (zone, "example.org", MD_DNS_TYPE_MX);
  md_test_zone_set_status (zone, "example.org", MD_DNS_TYPE_A, MD_DNS_STATUS_TIMEOUT);
  run = run_zone (zone, "192.0.2.2", "example.org");
  mx = md_check_run_lookup (run, "mx");

  g_assert_cmpint (md_check_get_status (mx), ==, MD_CHECK_STATUS_ERROR);
  g_assert_cmpstr (md_check_get_summary (mx), ==,
                   "Could not decide: the domain has no MX record, and looking up its own "
                   "address failed (no answer in time (timeout)).");
}

int
main (int    argc,
      char **argv)
{
  md_core_init ();
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/MailDoctor/CheckVerdicts/refused", test_refused);
  g_test_add_func ("/MailDoctor/CheckVerdicts/self-test-lookup-fails", test_self_test_lookup_fails);
  g_test_add_func ("/MailDoctor/CheckVerdicts/txt-fails", test_txt_fails);
  g_test_add_func ("/MailDoctor/CheckVerdicts/nodata-is-clean", test_nodata_is_clean);
  g_test_add_func ("/MailDoctor/CheckVerdicts/rdns-forward-timeout", test_rdns_forward_timeout);
  g_test_add_func ("/MailDoctor/CheckVerdicts/rdns-several-names", test_rdns_several_names);
  g_test_add_func ("/MailDoctor/CheckVerdicts/mx-fallback-fails", test_mx_fallback_fails);

  return g_test_run ();
}
