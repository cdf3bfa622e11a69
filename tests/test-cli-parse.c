/* test-cli-parse.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>

#include "md-test-util.h"

/* Runs maildoctor-cli with @stdin_text on standard input (or none). */
#define run_cli(run, stdin_text, ...) \
  md_test_cli_run ((run), NULL, (stdin_text), NULL, (const char *[]) { __VA_ARGS__ })

static const char *fields[] = {
  "recipient", "provider", "service", "remote_host", "remote_ip", "smtp_code", "enhanced_status",
  "stage", "temporary", "blocked_ip", "references", "contacts", "text", "explanation",
};

static void
test_json_shape (void)
{
  g_autofree char *path = md_test_srcdir_path ("data", "rejections", "seed-postfix-en.txt", NULL);
  g_auto(MdTestCliRun) run = { 0, };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root, *r;
  JsonArray *rejections, *contacts;

  run_cli (&run, NULL, "parse", "--json", path, NULL);
  g_assert_cmpint (run.status, ==, 0);
  json_parser_load_from_data (parser, run.out, -1, &error);
  g_assert_no_error (error);

  root = json_node_get_object (json_parser_get_root (parser));
  rejections = json_object_get_array_member (root, "rejections");
  g_assert_cmpuint (json_array_get_length (rejections), ==, 1);
  r = json_array_get_object_element (rejections, 0);

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    g_assert_true (json_object_has_member (r, fields[i]));
  g_assert_cmpuint (json_object_get_size (r), ==, G_N_ELEMENTS (fields));

  g_assert_cmpstr (json_object_get_string_member (r, "recipient"), ==, "user@contoso.example");
  /* Numbers are numbers, booleans booleans. */
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (r, "smtp_code")), ==, G_TYPE_INT64);
  g_assert_cmpint (json_object_get_int_member (r, "smtp_code"), ==, 550);
  g_assert_cmpstr (json_object_get_string_member (r, "enhanced_status"), ==, "5.7.511");
  g_assert_cmpstr (json_object_get_string_member (r, "stage"), ==, "rcpt-to");
  g_assert_false (json_object_get_boolean_member (r, "temporary"));
  g_assert_cmpstr (json_object_get_string_member (r, "blocked_ip"), ==, "203.0.113.7");
  g_assert_cmpstr (json_object_get_string_member (r, "provider"), ==, "microsoft");
  g_assert_cmpstr (json_object_get_string_member (r, "service"), ==, "exchange-online");
  contacts = json_object_get_array_member (r, "contacts");
  g_assert_cmpuint (json_array_get_length (contacts), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (contacts, 0), "kind"), ==, "email");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (contacts, 0), "value"), ==,
                   "delist@messaging.microsoft.com");
  /* The explanation is an object, or null while the knowledge base has no entry. */
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_object_get_member (r, "explanation")) ||
                 JSON_NODE_HOLDS_NULL (json_object_get_member (r, "explanation")));
}

/* Unknown values are null, not empty strings or zero. */
static void
test_json_nulls (void)
{
  g_auto(MdTestCliRun) run = { 0, };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *r;

  run_cli (&run, "554 IP=203.0.113.7 - A problem occurred. (Ask your postmaster for help or to "
                 "contact tosa@rx.t-online.de to clarify.) (BL)\n", "parse", "--json", "-", NULL);
  g_assert_cmpint (run.status, ==, 0);
  json_parser_load_from_data (parser, run.out, -1, &error);
  g_assert_no_error (error);
  r = json_array_get_object_element (json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                                                   "rejections"), 0);
  g_assert_true (json_object_get_null_member (r, "recipient"));
  g_assert_true (json_object_get_null_member (r, "remote_host"));
  g_assert_true (json_object_get_null_member (r, "enhanced_status"));
  g_assert_true (json_object_get_null_member (r, "service"));
  g_assert_cmpstr (json_object_get_string_member (r, "provider"), ==, "t-online");
  g_assert_cmpstr (json_object_get_string_member (r, "stage"), ==, "connect");
}

static void
test_no_rejection (void)
{
  g_auto(MdTestCliRun) json_run = { 0, };
  g_auto(MdTestCliRun) human = { 0, };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  run_cli (&json_run, "Thanks for your message, all fine.\n", "parse", "--json", NULL);
  g_assert_cmpint (json_run.status, ==, 0);
  json_parser_load_from_data (parser, json_run.out, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_node_get_object (json_parser_get_root (parser)), "rejections")), ==, 0);
  g_assert_nonnull (strstr (json_run.err, "No rejection found"));

  run_cli (&human, "Thanks for your message, all fine.\n", "parse", NULL);
  g_assert_cmpint (human.status, ==, 0);
  g_assert_nonnull (strstr (human.out, "No rejection found in the input."));
}

static void
test_human (void)
{
  g_autofree char *path = md_test_srcdir_path ("data", "rejections", "postfix-two-recipients.txt", NULL);
  g_auto(MdTestCliRun) run = { 0, };

  run_cli (&run, NULL, "parse", path, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "Found 2 rejections."));
  g_assert_nonnull (strstr (run.out, "anna@t-online.de"));
  g_assert_nonnull (strstr (run.out, "ben@magenta.de"));
  g_assert_nonnull (strstr (run.out, "554 — permanent"));
  g_assert_nonnull (strstr (run.out, "mx00.t-online.de [194.25.134.8]"));
}

static void
test_exit_codes (void)
{
  g_auto(MdTestCliRun) missing = { 0, };
  g_auto(MdTestCliRun) extra = { 0, };
  g_auto(MdTestCliRun) option = { 0, };

  run_cli (&missing, NULL, "parse", "/nonexistent/bounce.eml", NULL);
  g_assert_cmpint (missing.status, ==, 2);
  g_assert_cmpstr (missing.out, ==, "");
  g_assert_true (g_str_has_prefix (missing.err, "maildoctor-cli: "));
  g_assert_nonnull (strstr (missing.err, "/nonexistent/bounce.eml"));
  /* One line on stderr. */
  g_assert_cmpint (strchr (missing.err, '\n') - missing.err, ==, strlen (missing.err) - 1);

  run_cli (&extra, NULL, "parse", "a.txt", "b.txt", NULL);
  g_assert_cmpint (extra.status, ==, 2);

  run_cli (&option, NULL, "parse", "--no-such-option", NULL);
  g_assert_cmpint (option.status, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/MailDoctor/CliParse/json-shape", test_json_shape);
  g_test_add_func ("/MailDoctor/CliParse/json-nulls", test_json_nulls);
  g_test_add_func ("/MailDoctor/CliParse/no-rejection", test_no_rejection);
  g_test_add_func ("/MailDoctor/CliParse/human", test_human);
  g_test_add_func ("/MailDoctor/CliParse/exit-codes", test_exit_codes);

  return g_test_run ();
}
