/* test-cli-spf.c — maildoctor-cli spf, end to end through knotd
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "md-test-knot.h"
#include "md-test-util.h"
#include "md-util.h"

static MdTestKnot *knot;
static GError *knot_error;

#define run_cli(...) \
  md_test_cli_run_new ("spf", NULL, "en", (const char *[]) { __VA_ARGS__ })

static JsonObject *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));

  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static gboolean
need_knot (void)
{
  if (knot == NULL)
    {
      g_test_skip (knot_error->message);
      return FALSE;
    }
  return TRUE;
}

static void
assert_usage_error (MdTestCliRun *run)
{
  g_assert_cmpint (run->status, ==, 2);
  g_assert_cmpstr (run->out, ==, "");
  g_assert_true (g_str_has_prefix (run->err, "maildoctor-cli: "));
  /* Exactly one line. */
  g_assert_nonnull (strchr (run->err, '\n'));
  g_assert_cmpstr (strchr (run->err, '\n') + 1, ==, "");
}

static void
test_json_pass (void)
{
  g_autoptr(MdTestCliRun) run = NULL;
  g_autoptr(JsonObject) json = NULL;
  JsonArray *trace;
  gboolean record_seen = FALSE;

  if (!need_knot ())
    return;

  run = run_cli ("--ip", "198.51.100.7", "--sender", "alice@example.spf.test",
                 "--resolver", md_test_knot_get_address (knot), "--json", NULL);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpstr (run->err, ==, "");

  json = parse_json (run->out);
  g_assert_cmpstr (json_object_get_string_member (json, "result"), ==, "pass");
  g_assert_true (json_object_get_null_member (json, "explanation"));
  g_assert_cmpstr (json_object_get_string_member (json, "mechanism"), ==,
                   "include:_spf.provider.spf.test");
  g_assert_cmpstr (json_object_get_string_member (json, "mechanism_domain"), ==,
                   "example.spf.test");
  g_assert_cmpstr (json_object_get_string_member (json, "domain"), ==, "example.spf.test");
  g_assert_cmpstr (json_object_get_string_member (json, "sender"), ==, "alice@example.spf.test");
  g_assert_cmpint (json_object_get_int_member (json, "dns_lookups"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json, "dns_lookup_limit"), ==, 10);
  g_assert_cmpint (json_object_get_int_member (json, "void_lookups"), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json, "problems")), ==, 0);

  trace = json_object_get_array_member (json, "trace");
  for (guint i = 0; i < json_array_get_length (trace); i++)
    if (strstr (json_array_get_string_element (trace, i),
                "v=spf1 mx include:_spf.provider.spf.test -all") != NULL)
      record_seen = TRUE;
  g_assert_true (record_seen);
}

static void
test_json_fail_explanation (void)
{
  g_autoptr(MdTestCliRun) run = NULL;
  g_autoptr(JsonObject) json = NULL;

  if (!need_knot ())
    return;

  run = run_cli ("--ip", "203.0.113.9", "--sender", "bob@strict.spf.test",
                 "--resolver", md_test_knot_get_address (knot), "--json", NULL);
  g_assert_cmpint (run->status, ==, 0);

  json = parse_json (run->out);
  g_assert_cmpstr (json_object_get_string_member (json, "result"), ==, "fail");
  g_assert_cmpstr (json_object_get_string_member (json, "mechanism"), ==, "-all");
  g_assert_cmpstr (json_object_get_string_member (json, "explanation"), ==,
                   "203.0.113.9 is not a mail server of strict.spf.test");
  g_assert_cmpint (json_object_get_int_member (json, "dns_lookups"), ==, 1);
}

static void
test_null_sender (void)
{
  g_autoptr(MdTestCliRun) run = NULL;
  g_autoptr(JsonObject) json = NULL;

  if (!need_knot ())
    return;

  run = run_cli ("--ip", "192.0.2.25", "--sender", "", "--helo", "mail.example.spf.test",
                 "--resolver", md_test_knot_get_address (knot), "--json", NULL);
  g_assert_cmpint (run->status, ==, 0);

  json = parse_json (run->out);
  g_assert_cmpstr (json_object_get_string_member (json, "result"), ==, "pass");
  g_assert_cmpstr (json_object_get_string_member (json, "sender"), ==,
                   "postmaster@mail.example.spf.test");
  g_assert_cmpstr (json_object_get_string_member (json, "domain"), ==, "mail.example.spf.test");
  g_assert_cmpstr (json_object_get_string_member (json, "mechanism"), ==, "a");
}

static void
test_human (void)
{
  g_autoptr(MdTestCliRun) run = NULL;

  if (!need_knot ())
    return;

  run = run_cli ("--ip", "192.0.2.1", "--sender", "x@sloppy.spf.test",
                 "--resolver", md_test_knot_get_address (knot), NULL);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_true (g_str_has_prefix (run->out,
                                   "SPF for x@sloppy.spf.test from 192.0.2.1: pass\n"
                                   "  the server is authorized to send for the domain\n"));
  g_assert_nonnull (strstr (run->out,
                            "  Decided by:      +all (in the record of sloppy.spf.test)\n"));
  g_assert_nonnull (strstr (run->out, "  DNS lookups:     9 of 10\n"));
  g_assert_nonnull (strstr (run->out, "\nWorth fixing:\n"));
  g_assert_nonnull (strstr (run->out, "allows every server on the Internet"));
  g_assert_nonnull (strstr (run->out, "\nTrace:\n"));
}

static void
test_temperror (void)
{
  g_autoptr(MdTestCliRun) run = NULL;
  g_autoptr(JsonObject) json = NULL;

  if (!need_knot ())
    return;

  run = run_cli ("--ip", "192.0.2.1", "--sender", "x@flaky.spf.test",
                 "--resolver", md_test_knot_get_address (knot), "--json", NULL);
  /* A check that could not decide is still a successful run. */
  g_assert_cmpint (run->status, ==, 0);
  json = parse_json (run->out);
  g_assert_cmpstr (json_object_get_string_member (json, "result"), ==, "temperror");
  g_assert_nonnull (strstr (json_object_get_string_member (json, "reason"), "broken.spf.test"));
}

static void
test_timeout (void)
{
  g_autoptr(MdTestSilentServer) silent = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MdTestCliRun) run = NULL;
  g_autoptr(JsonObject) json = NULL;
  gint64 start;

  silent = md_test_silent_server_new (&error);
  g_assert_no_error (error);

  start = g_get_monotonic_time ();
  run = run_cli ("--ip", "192.0.2.1", "--sender", "x@example.spf.test",
                 "--resolver", md_test_silent_server_get_address (silent),
                 "--timeout", "300", "--json", NULL);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  json = parse_json (run->out);
  g_assert_cmpstr (json_object_get_string_member (json, "result"), ==, "temperror");
}

static void
test_usage_errors (void)
{
  {
    g_autoptr(MdTestCliRun) run = run_cli ("--ip", "192.0.2.300", "--sender", "a@example.org",
                                           NULL);
    assert_usage_error (run);
    g_assert_nonnull (strstr (run->err, "192.0.2.300"));
  }
  {
    g_autoptr(MdTestCliRun) run = run_cli ("--sender", "a@example.org", NULL);
    assert_usage_error (run);
    g_assert_nonnull (strstr (run->err, "--ip"));
  }
  {
    g_autoptr(MdTestCliRun) run = run_cli ("--ip", "192.0.2.1", NULL);
    assert_usage_error (run);
    g_assert_nonnull (strstr (run->err, "--sender"));
  }
  {
    g_autoptr(MdTestCliRun) run = run_cli ("--ip", "192.0.2.1", "--sender", "", NULL);
    assert_usage_error (run);
    g_assert_nonnull (strstr (run->err, "--helo"));
  }
  {
    g_autoptr(MdTestCliRun) run = run_cli ("--ip", "192.0.2.1", "--sender", "a@example.org",
                                     "--resolver", "dns.example.org", NULL);
    assert_usage_error (run);
    g_assert_nonnull (strstr (run->err, "dns.example.org"));
  }
  {
    g_autoptr(MdTestCliRun) run = run_cli ("--ip", "192.0.2.1", "--sender", "a@example.org",
                                     "surplus", NULL);
    assert_usage_error (run);
  }
  {
    g_autoptr(MdTestCliRun) run = run_cli ("--ip", "192.0.2.1", "--sender", "a@example.org",
                                     "--timeout", "-5", NULL);
    assert_usage_error (run);
  }
  {
    g_autoptr(MdTestCliRun) run = run_cli ("--bogus", NULL);
    assert_usage_error (run);
  }
}

int
main (int   argc,
      char *argv[])
{
  const char *zone_files[] = { "spf.test.zone", NULL };
  const char *failing[] = { "broken.spf.test", NULL };
  MdTestKnotOptions options = { zone_files, failing };
  int status;

  g_test_init (&argc, &argv, NULL);
  md_core_init ();

  knot = md_test_knot_new_full (&options, &knot_error);

  g_test_add_func ("/MailDoctor/Cli/spf/json-pass", test_json_pass);
  g_test_add_func ("/MailDoctor/Cli/spf/json-fail-explanation", test_json_fail_explanation);
  g_test_add_func ("/MailDoctor/Cli/spf/null-sender", test_null_sender);
  g_test_add_func ("/MailDoctor/Cli/spf/human", test_human);
  g_test_add_func ("/MailDoctor/Cli/spf/temperror", test_temperror);
  g_test_add_func ("/MailDoctor/Cli/spf/timeout", test_timeout);
  g_test_add_func ("/MailDoctor/Cli/spf/usage-errors", test_usage_errors);

  status = g_test_run ();

  g_clear_pointer (&knot, md_test_knot_free);
  g_clear_error (&knot_error);

  return status;
}
