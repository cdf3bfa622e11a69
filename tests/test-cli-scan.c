/* test-cli-scan.c — maildoctor-cli scan, end to end
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "md-test-util.h"

#define run_cli(run, stdin_text, ...) \
  md_test_cli_run ((run), NULL, (stdin_text), NULL, (const char *[]) { __VA_ARGS__ })

static JsonObject *
parse_json (JsonParser *parser,
            const char *text)
{
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static const char *top_fields[] = {
  "files", "lines", "rejections", "bounced", "deferred", "messages", "distinct_complete",
  "long_lines", "first_seen", "last_seen", "warnings", "groups",
};
static const char *group_fields[] = {
  "receiver", "service", "smtp_code", "enhanced_status", "blocked_ip", "count", "bounced",
  "deferred", "recipients", "first_seen", "last_seen", "per_day", "explanation_id", "sample",
};

static void
test_json_shape (void)
{
  g_autofree char *path = md_test_srcdir_path ("data", "logs", "postfix-iso.log", NULL);
  g_auto(MdTestCliRun) run = { 0, };
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root, *g, *per_day;
  JsonArray *groups;

  run_cli (&run, NULL, "scan", "--json", path, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");
  root = parse_json (parser, run.out);
  for (guint i = 0; i < G_N_ELEMENTS (top_fields); i++)
    g_assert_true (json_object_has_member (root, top_fields[i]));
  g_assert_cmpuint (json_object_get_size (root), ==, G_N_ELEMENTS (top_fields));

  g_assert_cmpint (json_object_get_int_member (root, "rejections"), ==, 8);
  g_assert_cmpint (json_object_get_int_member (root, "messages"), ==, 7);
  g_assert_cmpstr (json_object_get_string_member (root, "first_seen"), ==, "2026-11-29T10:00:02");

  groups = json_object_get_array_member (root, "groups");
  g_assert_cmpuint (json_array_get_length (groups), ==, 5);
  g = json_array_get_object_element (groups, 0);
  for (guint i = 0; i < G_N_ELEMENTS (group_fields); i++)
    g_assert_true (json_object_has_member (g, group_fields[i]));
  g_assert_cmpuint (json_object_get_size (g), ==, G_N_ELEMENTS (group_fields));
  g_assert_cmpstr (json_object_get_string_member (g, "receiver"), ==, "microsoft");
  g_assert_cmpstr (json_object_get_string_member (g, "service"), ==, "exchange-online");
  g_assert_cmpint (json_object_get_int_member (g, "smtp_code"), ==, 550);
  g_assert_cmpstr (json_object_get_string_member (g, "enhanced_status"), ==, "5.7.511");
  g_assert_cmpstr (json_object_get_string_member (g, "blocked_ip"), ==, "203.0.113.7");
  g_assert_cmpint (json_object_get_int_member (g, "count"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (g, "recipients"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (g, "explanation_id"), ==, "microsoft-5.7.511");
  per_day = json_object_get_object_member (g, "per_day");
  g_assert_cmpint (json_object_get_int_member (per_day, "2026-11-29"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (per_day, "2026-11-30"), ==, 1);

  /* Unknown values are null. */
  g = json_array_get_object_element (groups, 3);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (g, "receiver")));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (g, "smtp_code")));
}

static void
test_stdin (void)
{
  g_autofree char *path = md_test_srcdir_path ("data", "logs", "exim-mainlog", NULL);
  g_autofree char *text = NULL;
  g_auto(MdTestCliRun) run = { 0, };
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  run_cli (&run, text, "scan", "--json", "-", NULL);
  g_assert_cmpint (run.status, ==, 0);
  root = parse_json (parser, run.out);
  g_assert_cmpint (json_object_get_int_member (root, "bounced"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (root, "deferred"), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (root, "files"), 0),
                   ==, "-");
}

static guint
grep_count (const char *pattern,
            const char *path)
{
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_spawn_sync (NULL, (char *[]) { (char *) "grep", (char *) "-c", (char *) pattern,
                                   (char *) path, NULL },
                NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  return (guint) g_ascii_strtoull (out, NULL, 10);
}

/* Several megabytes, across chunk borders, of every Postfix fixture: the
 * counts equal grep's. */
static void
test_counts_against_grep (void)
{
  const char *names[] = { "postfix-iso.log", "postfix-compose.log", "postfix-journal-short-iso.log",
                          "postfix-syslog.log" };
  g_autofree char *dir = g_dir_make_tmp ("md-cli-scan-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "mail.log", NULL);
  g_autoptr(GString) data = g_string_new (NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (16);
  g_auto(MdTestCliRun) run = { 0, };
  g_autoptr(JsonParser) parser = json_parser_new ();
  GStrv lines[G_N_ELEMENTS (names)] = { NULL, };
  JsonObject *root;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *source = md_test_srcdir_path ("data", "logs", names[i], NULL);
      g_autofree char *text = NULL;

      g_assert_true (g_file_get_contents (source, &text, NULL, NULL));
      lines[i] = g_strsplit (g_strchomp (text), "\n", -1);
    }
  /* Lines picked at random, some with noise, some with CRLF endings. */
  while (data->len < 6 * 1024 * 1024)
    {
      guint f = (guint) g_rand_int_range (rand, 0, G_N_ELEMENTS (names));
      guint n = g_strv_length (lines[f]);
      const char *line = lines[f][g_rand_int_range (rand, 0, (gint32) n)];

      g_string_append (data, line);
      if (g_rand_int_range (rand, 0, 50) == 0)
        g_string_append_c (data, '\r');
      g_string_append_c (data, '\n');
      if (g_rand_int_range (rand, 0, 10) == 0)
        g_string_append (data, "Nov 29 10:00:00 mail dovecot: imap(user): Logged out\n");
    }
  g_assert_true (g_file_set_contents (path, data->str, (gssize) data->len, NULL));

  run_cli (&run, NULL, "scan", "--json", path, NULL);
  g_assert_cmpint (run.status, ==, 0);
  root = parse_json (parser, run.out);
  g_assert_cmpint (json_object_get_int_member (root, "bounced"), ==,
                   grep_count (", status=bounced", path));
  g_assert_cmpint (json_object_get_int_member (root, "deferred"), ==,
                   grep_count (", status=deferred", path));
  g_assert_cmpint (json_object_get_int_member (root, "lines"), ==, grep_count ("", path));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_strfreev (lines[i]);
  g_unlink (path);
  g_rmdir (dir);
}

/* --since/--until: whole days in the log's clock. */
static void
test_range (void)
{
  g_autofree char *iso = md_test_srcdir_path ("data", "logs", "postfix-iso.log", NULL);
  g_autofree char *exim = md_test_srcdir_path ("data", "logs", "exim-mainlog", NULL);
  g_auto(MdTestCliRun) run = { 0, };
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;

  run_cli (&run, NULL, "scan", "--json", "--since", "2026-11-28", "--until", "2026-11-29", iso,
           exim, NULL);
  g_assert_cmpint (run.status, ==, 0);
  root = parse_json (parser, run.out);
  /* Exim: the Yahoo deferral of 28 Nov; Postfix: two Microsoft bounces of 29 Nov. */
  g_assert_cmpint (json_object_get_int_member (root, "rejections"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (root, "bounced"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (root, "deferred"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (root, "first_seen"), ==, "2026-11-28T07:15:02");
  g_assert_cmpstr (json_object_get_string_member (root, "last_seen"), ==, "2026-11-29T11:00:03");
  /* Lines outside the range are still read and counted. */
  g_assert_cmpint (json_object_get_int_member (root, "lines"), ==, 22);
}

static void
test_human (void)
{
  g_autofree char *path = md_test_srcdir_path ("data", "logs", "opensmtpd.log", NULL);
  g_auto(MdTestCliRun) run = { 0, };

  run_cli (&run, NULL, "scan", path, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "3 rejecting lines (2 bounced, 1 deferred)"));
  g_assert_nonnull (strstr (run.out, "T-Online"));
  g_assert_nonnull (strstr (run.out, "2 recipients"));
}

/* A log line is hostile input: its escape sequences never reach the terminal. */
static void
test_control_characters (void)
{
  g_auto(MdTestCliRun) run = { 0, };

  run_cli (&run, "2026-11-29T10:00:00+01:00 mail postfix/smtp[1]: ABC123: to=<a@b.example>, "
                 "relay=x, dsn=5.1.1\033[31m, status=bounced (host mx.b.example[192.0.2.1] said: "
                 "550 5.1.1 \033]0;title\007 no\rsuch user (in reply to RCPT TO command))\n",
           "scan", "-", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "1 rejecting line (1 bounced, 0 deferred)"));
  g_assert_null (strchr (run.out, '\033'));
  g_assert_null (strchr (run.out, '\007'));
  g_assert_null (strchr (run.out, '\r'));
  g_assert_nonnull (strstr (run.out, "\xef\xbf\xbd" "[31m"));
}

static void
test_errors (void)
{
  g_autofree char *dir = g_dir_make_tmp ("md-cli-scan-XXXXXX", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.log", NULL);
  g_autofree char *gz = md_test_srcdir_path ("data", "logs", "rotated", "mail.log.2.gz", NULL);
  g_autofree char *cut = g_build_filename (dir, "cut.gz", NULL);
  g_autofree char *data = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;
  gsize len;

  {
    g_auto(MdTestCliRun) run = { 0, };
    run_cli (&run, NULL, "scan", NULL);
    md_test_cli_assert_usage_error (&run, "FILE");
  }
  {
    g_auto(MdTestCliRun) run = { 0, };
    run_cli (&run, NULL, "scan", missing, NULL);
    md_test_cli_assert_usage_error (&run, "missing.log");
  }
  {
    g_auto(MdTestCliRun) run = { 0, };
    run_cli (&run, NULL, "scan", "--since", "yesterday", gz, NULL);
    md_test_cli_assert_usage_error (&run, "yesterday");
  }
  {
    g_auto(MdTestCliRun) run = { 0, };
    run_cli (&run, "\x7f" "ELF\x02\x01\x01", "scan", "-", NULL);
    md_test_cli_assert_usage_error (&run, "not a text log");
  }
  {
    /* A truncated archive: partial results, a warning, exit 0. */
    g_auto(MdTestCliRun) run = { 0, };

    g_assert_true (g_file_get_contents (gz, &data, &len, NULL));
    g_assert_true (g_file_set_contents (cut, data, 300, NULL));
    run_cli (&run, NULL, "scan", "--json", cut, NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.err, "cut short or damaged"));
    root = parse_json (parser, run.out);
    g_assert_cmpint (json_object_get_int_member (root, "bounced"), >=, 1);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "warnings")), ==, 1);
  }
  g_unlink (cut);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/MailDoctor/CliScan/json-shape", test_json_shape);
  g_test_add_func ("/MailDoctor/CliScan/stdin", test_stdin);
  g_test_add_func ("/MailDoctor/CliScan/counts-against-grep", test_counts_against_grep);
  g_test_add_func ("/MailDoctor/CliScan/range", test_range);
  g_test_add_func ("/MailDoctor/CliScan/human", test_human);
  g_test_add_func ("/MailDoctor/CliScan/control-characters", test_control_characters);
  g_test_add_func ("/MailDoctor/CliScan/errors", test_errors);

  return g_test_run ();
}
