/* test-cli-parse.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "md-test-util.h"

/* Runs maildoctor-cli with @stdin_text on standard input (or none). */
#define run_cli(run, stdin_text, ...) \
  md_test_cli_run ((run), NULL, (stdin_text), NULL, (const char *[]) { __VA_ARGS__ })

static const char *fields[] = {
  "recipient", "provider", "service", "remote_host", "remote_ip", "smtp_code", "enhanced_status",
  "stage", "temporary", "blocked_ip", "references", "contacts", "text", "explanation", "source",
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
  /* The receiver's name as the window shows it, not the parser's id. */
  g_assert_nonnull (strstr (run.out, "\n  Receiver:            T-Online\n"));
}

/* The stage and the channel read as the window shows them (one wording in
 * the engine), in English and in German. */
static void
test_labels (void)
{
  static const char seed[] =
    "host css-one-microsoft-com.mail.protection.outlook.com[40.93.207.0] said: 550\n"
    "    5.7.511 Access denied, banned sender[203.0.113.7]. To request removal from this\n"
    "    list please forward this message to delist@messaging.microsoft.com. For more\n"
    "    information please go to http://go.microsoft.com/fwlink/?LinkId=526653. AS(1410)\n"
    "    [CB1PEPF0000205E.namprd00.prod.outlook.com] (in reply to RCPT TO command)\n";
  g_auto(MdTestCliRun) en = { 0, };
  g_auto(MdTestCliRun) de = { 0, };
  const char *args[] = { NULL };

  md_test_cli_run (&en, "parse", seed, "en", args);
  g_assert_cmpint (en.status, ==, 0);
  g_assert_nonnull (strstr (en.out, "\n  Stage:               after RCPT TO (the recipient)\n"));
  g_assert_nonnull (strstr (en.out, "\n  Receiver:            Microsoft (Exchange Online)\n"));
  g_assert_nonnull (strstr (en.out, "\n  Delist channel:      Request removal by mail to "
                                    "delist@messaging.microsoft.com.\n"));

  md_test_cli_run (&de, "parse", seed, "de", args);
  g_assert_cmpint (de.status, ==, 0);
  g_assert_nonnull (strstr (de.out, "\n  SMTP-Phase:          nach RCPT TO (Empfänger)\n"));
  g_assert_nonnull (strstr (de.out, "Beantragen Sie die Austragung per Mail an "
                                    "delist@messaging.microsoft.com.\n"));
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

  /* Several files are read; one that cannot be read stops the command. */
  run_cli (&extra, NULL, "parse", "a.txt", "b.txt", NULL);
  g_assert_cmpint (extra.status, ==, 2);
  g_assert_nonnull (strstr (extra.err, "a.txt"));

  run_cli (&option, NULL, "parse", "--no-such-option", NULL);
  g_assert_cmpint (option.status, ==, 2);
}

static JsonObject *
parse_json (const MdTestCliRun *run,
            JsonParser         *parser)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (run->status, ==, 0);
  json_parser_load_from_data (parser, run->out, -1, &error);
  g_assert_no_error (error);

  return json_node_get_object (json_parser_get_root (parser));
}

/* Issue 11: several files and an mbox; each rejection says where it was
 * found. */
static void
test_sources (void)
{
  g_autofree char *seed = md_test_srcdir_path ("data", "drafts", "seed-bounce.eml", NULL);
  g_autofree char *spamhaus = md_test_srcdir_path ("data", "rejections",
                                                   "spamhaus-open-resolver.txt", NULL);
  g_autofree char *dir = g_dir_make_tmp ("md-cli-parse-XXXXXX", NULL);
  g_autofree char *mbox = g_build_filename (dir, "bounces.mbox", NULL);
  g_autofree char *eml = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_auto(MdTestCliRun) run = { 0, };
  g_auto(MdTestCliRun) human = { 0, };
  g_auto(MdTestCliRun) piped = { 0, };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonParser) piped_parser = json_parser_new ();
  JsonArray *rejections;
  JsonObject *source;

  g_assert_true (g_file_get_contents (seed, &eml, NULL, NULL));
  g_string_append_printf (text, "From MAILER-DAEMON Mon Nov 16 09:13:00 2026\n%s\n", eml);
  /* The second message bounced for another recipient. */
  g_string_replace (text, "anna@contoso.com", "ben@contoso.com", 0);
  g_string_prepend (text, "\n");
  g_string_prepend (text, eml);
  g_string_prepend (text, "From MAILER-DAEMON Mon Nov 16 09:12:44 2026\n");
  g_assert_true (g_file_set_contents (mbox, text->str, text->len, NULL));

  run_cli (&run, NULL, "parse", "--json", mbox, spamhaus, NULL);
  rejections = json_object_get_array_member (parse_json (&run, parser), "rejections");
  g_assert_cmpuint (json_array_get_length (rejections), ==, 3);

  source = json_object_get_object_member (json_array_get_object_element (rejections, 0), "source");
  g_assert_cmpstr (json_object_get_string_member (source, "file"), ==, mbox);
  g_assert_cmpint (json_object_get_int_member (source, "message"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (rejections, 0),
                                                  "recipient"), ==, "anna@contoso.com");
  source = json_object_get_object_member (json_array_get_object_element (rejections, 1), "source");
  g_assert_cmpint (json_object_get_int_member (source, "message"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (rejections, 1),
                                                  "recipient"), ==, "ben@contoso.com");
  source = json_object_get_object_member (json_array_get_object_element (rejections, 2), "source");
  g_assert_cmpstr (json_object_get_string_member (source, "file"), ==, spamhaus);
  g_assert_true (json_object_get_null_member (source, "message"));
  g_assert_false (json_object_get_boolean_member (parse_json (&run, parser), "truncated"));
  g_assert_cmpint (json_object_get_int_member (parse_json (&run, parser), "seen"), ==, 3);

  run_cli (&human, NULL, "parse", mbox, spamhaus, NULL);
  g_assert_cmpint (human.status, ==, 0);
  g_assert_nonnull (strstr (human.out, "Found 3 rejections."));
  g_assert_nonnull (strstr (human.out, "bounces.mbox, message 2"));

  /* Standard input is "-". */
  run_cli (&piped, "550 5.7.1 Service unavailable; Client host [203.0.113.7] blocked using "
                   "zen.spamhaus.org\n", "parse", "--json", "-", NULL);
  rejections = json_object_get_array_member (parse_json (&piped, piped_parser), "rejections");
  source = json_object_get_object_member (json_array_get_object_element (rejections, 0), "source");
  g_assert_cmpstr (json_object_get_string_member (source, "file"), ==, "-");

  g_unlink (mbox);
  g_rmdir (dir);
}

/* Issue 11: when the 1,000-rejection cap cuts a log, the JSON and the
 * human output say so, with the number found. */
static void
test_truncated (void)
{
  g_autoptr(GString) log = g_string_new (NULL);
  g_auto(MdTestCliRun) run = { 0, };
  g_auto(MdTestCliRun) human = { 0, };
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;

  for (guint i = 0; i < 1500; i++)
    g_string_append_printf (log, "Nov 16 09:12:44 mail postfix/smtp[1234]: 4Zx%u: "
                            "to=<user%u@contoso.example>, relay=mx.contoso.example[192.0.2.1]:25, "
                            "status=bounced (host mx.contoso.example[192.0.2.1] said: 550 5.7.1 "
                            "Service unavailable; client [203.0.113.7] blocked (in reply to RCPT TO "
                            "command))\n", i, i);

  run_cli (&run, log->str, "parse", "--json", "-", NULL);
  root = parse_json (&run, parser);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "rejections")), ==,
                    1000);
  g_assert_true (json_object_get_boolean_member (root, "truncated"));
  g_assert_cmpint (json_object_get_int_member (root, "seen"), ==, 1500);
  g_assert_nonnull (strstr (run.err, "Only the first 1000 of 1500 rejections are shown"));
  g_assert_nonnull (strstr (run.err, "maildoctor-cli scan"));

  run_cli (&human, log->str, "parse", "-", NULL);
  g_assert_cmpint (human.status, ==, 0);
  g_assert_nonnull (strstr (human.out, "Found 1000 rejections."));
  g_assert_nonnull (strstr (human.out, "Only the first 1000 of 1500 rejections are shown"));
}

/* Issue 12: "--" ends the options (for a file named like an option). */
static void
test_double_dash (void)
{
  g_autofree char *path = md_test_srcdir_path ("data", "rejections", "spamhaus-open-resolver.txt",
                                               NULL);
  g_auto(MdTestCliRun) parse = { 0, };
  g_auto(MdTestCliRun) draft = { 0, };

  run_cli (&parse, NULL, "parse", "--", path, NULL);
  g_assert_cmpint (parse.status, ==, 0);
  g_assert_nonnull (strstr (parse.out, "Found 1 rejection."));

  run_cli (&draft, NULL, "draft", "--", path, NULL);
  g_assert_cmpint (draft.status, ==, 0);
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
  g_test_add_func ("/MailDoctor/CliParse/labels", test_labels);
  g_test_add_func ("/MailDoctor/CliParse/exit-codes", test_exit_codes);
  g_test_add_func ("/MailDoctor/CliParse/sources", test_sources);
  g_test_add_func ("/MailDoctor/CliParse/double-dash", test_double_dash);
  g_test_add_func ("/MailDoctor/CliParse/truncated", test_truncated);

  return g_test_run ();
}
