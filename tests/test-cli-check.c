/* test-cli-check.c — `maildoctor-cli check` end to end, against Knot DNS
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "md-test-knot.h"
#include "md-test-util.h"
#include "md-util.h"

static MdTestKnot *knot;
static GError *knot_error;

/* DNS checks only: the checks over HTTPS (mta-sts, rdap, imprint) would
 * reach for the Internet; test-check-auth covers them. */
#define run_cli(...) \
  md_test_cli_run_new ("check", NULL, NULL, (const char *[]) { "--no-web", __VA_ARGS__ })

#define SKIP_WITHOUT_KNOT() \
  G_STMT_START { if (knot == NULL) { g_test_skip (knot_error->message); return; } } G_STMT_END

static JsonObject *
find_check (JsonObject *report,
            const char *id)
{
  JsonObject *check = md_test_json_find_check (report, id);

  if (check == NULL)
    g_error ("no check %s", id);

  return check;
}

static void
test_json (void)
{
  g_autoptr(MdTestCliRun) result = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *report, *zen, *details, *counts, *resolver;
  JsonArray *codes, *meanings;

  SKIP_WITHOUT_KNOT ();

  result = run_cli ("--ip", "192.0.2.9", "--helo", "mail.sender.example.net",
                    "--recipient-domain", "outlook.recipients.test",
                    "--resolver", md_test_knot_get_address (knot), "--json", NULL);
  g_assert_cmpint (result->status, ==, 0);
  g_assert_cmpstr (result->err, ==, "");

  json_parser_load_from_data (parser, result->out, -1, &error);
  g_assert_no_error (error);
  report = json_node_get_object (json_parser_get_root (parser));

  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (report, "subject"),
                                                  "ip"), ==, "192.0.2.9");
  resolver = json_object_get_object_member (report, "resolver");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (resolver,
                                                                                "addresses"), 0),
                   ==, md_test_knot_get_address (knot));
  g_assert_cmpstr (json_object_get_string_member (resolver, "source"), ==, "option");
  g_assert_false (json_object_get_boolean_member (resolver, "public"));
  g_assert_cmpstr (json_object_get_string_member (resolver, "state"), ==, "trusted");
  g_assert_true (json_object_has_member (json_object_get_object_member (resolver, "evidence"),
                                         "NS ."));

  zen = find_check (report, "dnsbl/zen.spamhaus.org");
  g_assert_cmpstr (json_object_get_string_member (zen, "kind"), ==, "dnsbl");
  g_assert_cmpstr (json_object_get_string_member (zen, "status"), ==, "problem");
  g_assert_cmpstr (json_object_get_string_member (zen, "title"), ==, "Blocklist Spamhaus ZEN");
  details = json_object_get_object_member (zen, "details");
  g_assert_cmpstr (json_object_get_string_member (details, "zone"), ==, "zen.spamhaus.org");
  codes = json_object_get_array_member (details, "codes");
  meanings = json_object_get_array_member (details, "meanings");
  g_assert_cmpuint (json_array_get_length (codes), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (codes, 0), ==, "127.0.0.2");
  g_assert_cmpstr (json_array_get_string_element (codes, 1), ==, "127.0.0.9");
  g_assert_cmpstr (json_array_get_string_element (meanings, 1), ==,
                   "DROP: a hijacked or criminal network (Do not Route Or Peer)");
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (details, "txt")));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (details, "reason")));
  g_assert_true (json_object_has_member (zen, "duration_ms"));

  g_assert_cmpstr (json_object_get_string_member (find_check (report, "rdns"), "status"), ==,
                   "problem");
  g_assert_cmpstr (json_object_get_string_member (find_check (report, "helo"), "status"), ==,
                   "problem");
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (find_check (report, "mx"), "details"),
                     "receiver"), ==, "outlook-com");
  g_assert_cmpstr (json_object_get_string_member (find_check (report, "dnsbl/psbl.surriel.com"),
                                                  "status"), ==, "error");

  counts = json_object_get_object_member (report, "counts");
  /* zen, rdns, helo */
  g_assert_cmpint (json_object_get_int_member (counts, "problem"), ==, 3);
  /* psbl and uceprotect-3 (self-test), barracuda (SERVFAIL) */
  g_assert_cmpint (json_object_get_int_member (counts, "error"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (counts, "info"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (counts, "ok"), ==, 20);
  g_assert_cmpint (json_object_get_int_member (counts, "running"), ==, 0);
}

static void
test_human (void)
{
  g_autoptr(MdTestCliRun) result = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *first = NULL;
  g_autofree char *resolver_line = NULL;

  SKIP_WITHOUT_KNOT ();

  result = run_cli ("--ip", "203.0.113.7", "--helo", "smtp.sender.example.net",
                    "--resolver", md_test_knot_get_address (knot), NULL);
  g_assert_cmpint (result->status, ==, 0);
  g_assert_cmpstr (result->err, ==, "");

  first = g_strdup_printf ("Checking 203.0.113.7 (resolver: %s)", md_test_knot_get_address (knot));
  lines = g_strsplit (result->out, "\n", -1);
  g_assert_cmpstr (lines[0], ==, first);
  /* the resolver line comes before any check */
  resolver_line = g_strdup_printf ("Resolver: %s (chosen): answers truthfully",
                                   md_test_knot_get_address (knot));
  g_assert_cmpstr (lines[2], ==, resolver_line);
  g_assert_nonnull (strstr (result->out,
                            "\n✗ problem  Blocklist Spamhaus ZEN: Listed: CSS: low-reputation IP "
                            "sending spam (Spamhaus CSS).\n"
                            "           → Find and stop the cause (a compromised account, an open "
                            "relay, infected machines), then request removal at "
                            "https://check.spamhaus.org/.\n"
                            "           List says: "
                            "https://check.spamhaus.org/query/ip/203.0.113.7\n"));
  g_assert_nonnull (strstr (result->out, "\n✓ ok       Reverse DNS: smtp.sender.example.net, "
                                         "forward-confirmed.\n"));
  g_assert_nonnull (strstr (result->out, "\n? error    Blocklist PSBL (Passive Spam Block List): "
                                         "Could not decide: this list does not answer correctly "
                                         "right now (its test entry 127.0.0.2 is not listed).\n"));
  g_assert_nonnull (strstr (result->out, "\n2 problems, 3 could not be decided, 21 passed "
                                         "(26 checks in "));
  /* no check is printed twice, none is missing */
  g_assert_cmpuint (g_strv_length (lines), ==, 2 + 1 + 26 + 2 * 2 + 1 + 1 + 1 + 1);
}

static void
test_timeout (void)
{
  g_autoptr(MdTestSilentServer) silent = NULL;
  g_autoptr(MdTestCliRun) result = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *report, *counts;
  gint64 start;

  silent = md_test_silent_server_new (&error);
  g_assert_no_error (error);

  start = g_get_monotonic_time ();
  result = run_cli ("--ip", "192.0.2.2", "--resolver", md_test_silent_server_get_address (silent),
                    "--timeout", "300", "--json", NULL);
  g_assert_cmpint ((g_get_monotonic_time () - start) / 1000, <, 5000);
  g_assert_cmpint (result->status, ==, 0);

  json_parser_load_from_data (parser, result->out, -1, &error);
  g_assert_no_error (error);
  report = json_node_get_object (json_parser_get_root (parser));
  counts = json_object_get_object_member (report, "counts");
  g_assert_cmpint (json_object_get_int_member (counts, "ok"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (counts, "error"), ==, 25);
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (find_check (report, "dnsbl/zen.spamhaus.org"),
                                                    "details"), "reason"), ==, "timeout");
}

static void
test_usage_errors (void)
{
  static const struct {
    const char *args[4];
    const char *message;
  } cases[] = {
    { { "--ip", "300.1.2.3" }, "maildoctor-cli: “300.1.2.3” is not an IP address\n" },
    { { "--ip", "mail.example.com" },
      "maildoctor-cli: “mail.example.com” is not an IP address\n" },
    { { "--domain", "example.com" }, "maildoctor-cli: --ip is required: the sending server’s IP "
                                     "address\n" },
    { { "--ip", "192.0.2.1", "--bogus" }, "maildoctor-cli: Unknown option --bogus\n" },
    { { "--ip", "192.0.2.1", "--resolver", "not a server" }, NULL },
    { { "--ip", "192.0.2.1", "--resolver", "127.0.0.1:99999" }, NULL },
    { { "--ip", "192.0.2.1", "--timeout", "-5" },
      "maildoctor-cli: --timeout must be a positive number of milliseconds, not -5\n" },
    { { "--ip", "192.0.2.1", "--recipient-domain", "a..b" },
      "maildoctor-cli: “a..b” is not a domain name\n" },
    { { "--ip", "192.0.2.1", "extra" }, "maildoctor-cli: unexpected argument “extra”\n" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MdTestCliRun) result = run_cli (cases[i].args[0], cases[i].args[1],
                                                cases[i].args[2], cases[i].args[3], NULL);

      g_test_message ("%s %s %s: %s", cases[i].args[0], cases[i].args[1],
                      cases[i].args[2] ? cases[i].args[2] : "", result->err);
      g_assert_cmpint (result->status, ==, 2);
      g_assert_cmpstr (result->out, ==, "");
      /* exactly one line */
      g_assert_true (g_str_has_prefix (result->err, "maildoctor-cli: "));
      g_assert_true (g_str_has_suffix (result->err, "\n"));
      g_assert_true (strchr (result->err, '\n') == result->err + strlen (result->err) - 1);
      if (cases[i].message != NULL)
        g_assert_cmpstr (result->err, ==, cases[i].message);
      else
        g_assert_true (g_str_has_prefix (result->err, "maildoctor-cli: invalid --resolver "));
    }
}

/* Bulk checks (README, "Several addresses"): a /28 with one listed address. */
static void
test_bulk_prefix_json (void)
{
  g_autoptr(MdTestCliRun) result = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *report, *resolver;
  JsonArray *ips;
  guint n_listed = 0, n_clean = 0;

  SKIP_WITHOUT_KNOT ();

  result = run_cli ("--ip", "198.51.100.64/28", "--resolver", md_test_knot_get_address (knot),
                    "--json", NULL);
  g_assert_cmpint (result->status, ==, 0);
  g_assert_cmpstr (result->err, ==, "");

  json_parser_load_from_data (parser, result->out, -1, &error);
  g_assert_no_error (error);
  report = json_node_get_object (json_parser_get_root (parser));

  /* One object: the resolver once, then one entry per address. */
  resolver = json_object_get_object_member (report, "resolver");
  g_assert_cmpstr (json_object_get_string_member (resolver, "state"), ==, "trusted");
  g_assert_false (json_object_has_member (json_object_get_object_member (report, "subject"),
                                          "ip"));
  g_assert_cmpint (json_object_get_int_member (report, "queries"), >, 0);
  ips = json_object_get_array_member (report, "ips");
  g_assert_cmpuint (json_array_get_length (ips), ==, 16);

  for (guint i = 0; i < 16; i++)
    {
      JsonObject *entry = json_array_get_object_element (ips, i);
      JsonArray *checks = json_object_get_array_member (entry, "checks");
      g_autofree char *expected = g_strdup_printf ("198.51.100.%u", 64 + i);
      guint listed_here = 0, lists = 0;

      g_assert_cmpstr (json_object_get_string_member (entry, "ip"), ==, expected);
      g_assert_false (json_object_has_member (entry, "resolver"));
      for (guint j = 0; j < json_array_get_length (checks); j++)
        {
          JsonObject *check = json_array_get_object_element (checks, j);
          JsonObject *details = json_object_get_object_member (check, "details");

          g_assert_cmpstr (json_object_get_string_member (check, "status"), !=, "running");
          if (!g_str_equal (json_object_get_string_member (check, "kind"), "dnsbl"))
            continue;
          lists++;
          g_assert_cmpstr (json_object_get_string_member (details, "subject"), ==, expected);
          if (json_object_get_boolean_member_with_default (details, "listed", FALSE))
            {
              listed_here++;
              g_assert_cmpstr (json_object_get_string_member (check, "id"), ==,
                               "dnsbl/bl.spamcop.net");
              g_assert_cmpstr (json_object_get_string_member (check, "status"), ==, "problem");
            }
        }
      g_assert_cmpuint (lists, >, 10);
      if (listed_here > 0)
        {
          g_assert_cmpstr (expected, ==, "198.51.100.70");
          n_listed++;
        }
      else
        {
          n_clean++;
        }
    }
  g_assert_cmpuint (n_listed, ==, 1);
  g_assert_cmpuint (n_clean, ==, 15);
}

/* Several --ip: one report each; the domain's checks once, the IP's per IP. */
static void
test_bulk_several_ips (void)
{
  g_autoptr(MdTestCliRun) result = NULL;
  g_auto(GStrv) lines = NULL;
  guint n_resolver = 0, n_shared = 0, n_spf = 0, n_zen = 0, n_dmarc = 0;

  SKIP_WITHOUT_KNOT ();

  result = run_cli ("--ip", "192.0.2.9", "--ip", "203.0.113.7", "--ip", "192.0.2.9",
                    "--domain", "good.auth.test", "--resolver", md_test_knot_get_address (knot),
                    NULL);
  g_assert_cmpint (result->status, ==, 0);
  g_assert_cmpstr (result->err, ==, "");

  g_assert_true (g_str_has_prefix (result->out, "Checking 2 addresses (resolver: "));
  g_assert_nonnull (strstr (result->out, "\n192.0.2.9\n"));
  g_assert_nonnull (strstr (result->out, "\n203.0.113.7\n"));
  g_assert_true (strstr (result->out, "\n192.0.2.9\n") < strstr (result->out, "\n203.0.113.7\n"));
  g_assert_nonnull (strstr (result->out, "\n2 of 2 addresses checked in "));

  lines = g_strsplit (result->out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "Resolver: "))
        n_resolver++;
      if (g_str_equal (lines[i], "Not per IP (the domains):"))
        n_shared++;
      if (strstr (lines[i], " SPF: ") != NULL)
        n_spf++;
      if (strstr (lines[i], " DMARC: ") != NULL)
        n_dmarc++;
      if (strstr (lines[i], "Blocklist Spamhaus ZEN: ") != NULL)
        n_zen++;
    }
  g_assert_cmpuint (n_resolver, ==, 1);
  g_assert_cmpuint (n_shared, ==, 1);
  g_assert_cmpuint (n_dmarc, ==, 1);
  g_assert_cmpuint (n_spf, ==, 2);   /* does the domain authorize this IP: per IP */
  g_assert_cmpuint (n_zen, ==, 2);
}

/* --json with several --ip and a domain: the domain's checks once, at the
 * top; SPF (which depends on the IP) in each address's entry. */
static void
test_bulk_json_domain (void)
{
  g_autoptr(MdTestCliRun) result = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *report, *subject;
  JsonArray *ips;

  SKIP_WITHOUT_KNOT ();

  result = run_cli ("--ip", "192.0.2.25", "--ip", "203.0.113.7", "--domain", "good.auth.test",
                    "--recipient-domain", "outlook.recipients.test",
                    "--resolver", md_test_knot_get_address (knot), "--json", NULL);
  g_assert_cmpint (result->status, ==, 0);
  json_parser_load_from_data (parser, result->out, -1, &error);
  g_assert_no_error (error);
  report = json_node_get_object (json_parser_get_root (parser));

  subject = json_object_get_object_member (report, "subject");
  g_assert_cmpstr (json_object_get_string_member (subject, "domain"), ==, "good.auth.test");
  g_assert_cmpstr (json_object_get_string_member (subject, "recipient_domain"), ==,
                   "outlook.recipients.test");
  g_assert_nonnull (md_test_json_find_check (report, "dmarc"));
  g_assert_nonnull (md_test_json_find_check (report, "mx"));
  g_assert_null (md_test_json_find_check (report, "spf"));
  g_assert_null (md_test_json_find_check (report, "dnsbl/zen.spamhaus.org"));
  g_assert_true (json_object_has_member (json_object_get_object_member (report, "counts"),
                                         "ok"));

  ips = json_object_get_array_member (report, "ips");
  g_assert_cmpuint (json_array_get_length (ips), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *entry = json_array_get_object_element (ips, i);
      JsonObject *spf = md_test_json_find_check (entry, "spf");

      g_assert_nonnull (spf);
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (spf,
                                                                                     "details"),
                                                      "ip"),
                       ==, i == 0 ? "192.0.2.25" : "203.0.113.7");
      g_assert_nonnull (md_test_json_find_check (entry, "dnsbl/zen.spamhaus.org"));
      g_assert_null (md_test_json_find_check (entry, "dmarc"));
      g_assert_null (md_test_json_find_check (entry, "mx"));
    }
  /* 203.0.113.7 is on ZEN in the test zones, 192.0.2.25 is not */
  g_assert_cmpstr (json_object_get_string_member (
                     md_test_json_find_check (json_array_get_object_element (ips, 1),
                                              "dnsbl/zen.spamhaus.org"), "status"),
                   ==, "problem");
}

static void
test_ips_from (void)
{
  g_autoptr(MdTestCliRun) result = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *ips;
  const char *args[] = { "--no-web", "--ips-from", "-", "--resolver",
                         md_test_knot_get_address (knot), "--json", NULL };
  const char *bad_args[] = { "--no-web", "--ips-from", "-", "--resolver", "127.0.0.1:9", NULL };

  SKIP_WITHOUT_KNOT ();

  result = md_test_cli_run_new ("check", "# our senders\n192.0.2.9   # mx1\n\n  203.0.113.7\n"
                                "192.0.2.8/31\n", NULL, args);
  g_assert_cmpint (result->status, ==, 0);
  json_parser_load_from_data (parser, result->out, -1, &error);
  g_assert_no_error (error);
  ips = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                      "ips");
  /* 192.0.2.9 is in the /31 too: checked once */
  g_assert_cmpuint (json_array_get_length (ips), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (ips, 0), "ip"),
                   ==, "192.0.2.9");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (ips, 1), "ip"),
                   ==, "203.0.113.7");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (ips, 2), "ip"),
                   ==, "192.0.2.8");
  md_test_cli_run_free (g_steal_pointer (&result));

  result = md_test_cli_run_new ("check", "192.0.2.9\n# fine\nmail.example.com # not an IP\n",
                                NULL, bad_args);
  md_test_cli_assert_usage_error (result, "--ips-from standard input, line 3: "
                                  "“mail.example.com” is not an IP address or prefix");
}

static void
test_bulk_usage_errors (void)
{
  g_autoptr(MdTestCliRun) result = NULL;

  result = run_cli ("--ip", "198.51.100.0/23", "--resolver", "127.0.0.1:9", NULL);
  md_test_cli_assert_usage_error (result, "“198.51.100.0/23” is too big to watch (a /23)");
  md_test_cli_run_free (g_steal_pointer (&result));

  result = run_cli ("--ip", "192.0.2.1", "--ip", "2001:db8::/64", "--resolver", "127.0.0.1:9",
                    NULL);
  md_test_cli_assert_usage_error (result, "“2001:db8::/64”: IPv6 addresses are watched one at "
                                  "a time");
  md_test_cli_run_free (g_steal_pointer (&result));

  result = run_cli ("--ip", "192.0.2.7/28", "--resolver", "127.0.0.1:9", NULL);
  md_test_cli_assert_usage_error (result, "did you mean 192.0.2.0/28?");
  md_test_cli_run_free (g_steal_pointer (&result));

  result = run_cli ("--ip", "192.0.2.0/24", "--ip", "198.51.100.0/24", "--ip", "203.0.113.0/24",
                    "--ip", "203.0.114.0/24", "--ip", "203.0.115.0/24", "--resolver",
                    "127.0.0.1:9", NULL);
  md_test_cli_assert_usage_error (result, "a bulk check takes at most 1024 addresses");
  md_test_cli_run_free (g_steal_pointer (&result));

  result = run_cli ("--ips-from", "/nonexistent/ips.txt", NULL);
  md_test_cli_assert_usage_error (result, "cannot read --ips-from /nonexistent/ips.txt: ");
}

int
main (int    argc,
      char **argv)
{
  g_auto(GStrv) zones = NULL;
  static const char *failing_zones[] = { "b.barracudacentral.org", NULL };
  MdTestKnotOptions options = { 0 };
  int ret;

  md_core_init ();
  g_test_init (&argc, &argv, NULL);

  zones = md_test_knot_zone_files_without ("b.barracudacentral.org.zone");
  options.zone_files = (const char * const *) zones;
  options.failing_zones = failing_zones;
  knot = md_test_knot_new_full (&options, &knot_error);

  g_test_add_func ("/MailDoctor/CliCheck/json", test_json);
  g_test_add_func ("/MailDoctor/CliCheck/human", test_human);
  g_test_add_func ("/MailDoctor/CliCheck/timeout", test_timeout);
  g_test_add_func ("/MailDoctor/CliCheck/usage-errors", test_usage_errors);
  g_test_add_func ("/MailDoctor/CliCheck/bulk-prefix-json", test_bulk_prefix_json);
  g_test_add_func ("/MailDoctor/CliCheck/bulk-several-ips", test_bulk_several_ips);
  g_test_add_func ("/MailDoctor/CliCheck/bulk-json-domain", test_bulk_json_domain);
  g_test_add_func ("/MailDoctor/CliCheck/ips-from", test_ips_from);
  g_test_add_func ("/MailDoctor/CliCheck/bulk-usage-errors", test_bulk_usage_errors);

  ret = g_test_run ();

  g_clear_pointer (&knot, md_test_knot_free);
  g_clear_error (&knot_error);

  return ret;
}
