/* test-probe.c — "test from your server": commands, transcripts, the CLI
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>

#include "md-case-store.h"
#include "md-probe.h"
#include "md-rejection-parser.h"
#include "md-test-util.h"

/* Legal in an RFC 5321 local part, and each of them means something to sh. */
#define HOSTILE_RECIPIENT "o'brien$HOME`id`{a}|b&c*@contoso.test"

static char *
command_for (MdProbeTool  tool,
             const char  *recipient,
             const char  *server,
             const char  *helo,
             const char  *from,
             guint        port)
{
  MdProbeTarget target = {
    .recipient = (char *) recipient,
    .server = (char *) server,
    .helo = (char *) helo,
    .from = (char *) from,
    .port = port,
  };
  g_autoptr(GError) error = NULL;
  char *command = md_probe_command_new (tool, &target, &error);

  g_assert_no_error (error);
  g_assert_nonnull (command);
  return command;
}

static void
test_command_swaks (void)
{
  g_autofree char *plain = command_for (MD_PROBE_TOOL_SWAKS, "user@contoso.com",
                                        "contoso-com.mail.protection.outlook.com",
                                        "mail.example.org", NULL, 0);
  g_autofree char *no_server = command_for (MD_PROBE_TOOL_SWAKS, "user@contoso.com", NULL, NULL,
                                            "postmaster@example.org", 0);

  g_assert_cmpstr (plain, ==,
                   "swaks --to 'user@contoso.com' --server "
                   "'contoso-com.mail.protection.outlook.com' --quit-after RCPT "
                   "--helo 'mail.example.org' --from '<>'");
  /* Without a server swaks looks up the recipient domain's MX itself. */
  g_assert_cmpstr (no_server, ==,
                   "swaks --to 'user@contoso.com' --quit-after RCPT "
                   "--from 'postmaster@example.org'");
}

static void
test_command_nc_openssl (void)
{
  g_autofree char *nc = command_for (MD_PROBE_TOOL_NC, "user@t-online.de", "mx00.t-online.de",
                                     NULL, NULL, 0);
  g_autofree char *ssl = command_for (MD_PROBE_TOOL_OPENSSL, "user@contoso.com", "2001:db8::25",
                                      "mail.example.org", "me@example.org", 0);

  g_assert_cmpstr (nc, ==,
                   "{ sleep 5; printf 'EHLO %s\\r\\n' \"$(hostname -f)\"; sleep 3; "
                   "printf 'MAIL FROM:<%s>\\r\\n' ''; sleep 3; "
                   "printf 'RCPT TO:<%s>\\r\\n' 'user@t-online.de'; sleep 3; printf 'QUIT\\r\\n'; } "
                   "| nc -w 20 'mx00.t-online.de' 25 2>&1");
  g_assert_cmpstr (ssl, ==,
                   "{ sleep 5; printf 'EHLO %s\\r\\n' 'mail.example.org'; sleep 3; "
                   "printf 'MAIL FROM:<%s>\\r\\n' 'me@example.org'; sleep 3; "
                   "printf 'RCPT TO:<%s>\\r\\n' 'user@contoso.com'; sleep 3; printf 'QUIT\\r\\n'; } "
                   "| openssl s_client -quiet -starttls smtp -connect '[2001:db8::25]:25' "
                   "-name 'mail.example.org' 2>&1");
}

static void
test_command_refuses (void)
{
  static const struct { const char *recipient, *server, *helo, *from; } bad[] = {
    { "-oProxyCommand=x@contoso.com", NULL, NULL, NULL },   /* an option, not an address */
    { "user@contoso.com\r\nRCPT TO:<x@y.test>", NULL, NULL, NULL },
    { "us er@contoso.com", NULL, NULL, NULL },
    { "\"quoted\"@contoso.com", NULL, NULL, NULL },
    { "user@contoso.com", "-x.example", NULL, NULL },
    { "user@contoso.com", "mx.example.com;id", NULL, NULL },
    { "user@contoso.com", "mx.example.com", "$(reboot)", NULL },
    { "user@contoso.com", "mx.example.com", "[not-an-ip]", NULL },
    { "user@contoso.com", "mx.example.com", NULL, "a@b@c" },
    { "user@contoso.com", "mx.example.com", NULL, "x@-bad-.test" },
    { "user@localhost", NULL, NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    for (MdProbeTool tool = MD_PROBE_TOOL_SWAKS; tool <= MD_PROBE_TOOL_NC; tool++)
      {
        MdProbeTarget target = {
          .recipient = (char *) bad[i].recipient,
          .server = (char *) (bad[i].server != NULL ? bad[i].server : "mx.example.com"),
          .helo = (char *) bad[i].helo,
          .from = (char *) bad[i].from,
        };
        g_autoptr(GError) error = NULL;
        g_autofree char *command = md_probe_command_new (tool, &target, &error);

        g_assert_null (command);
        g_assert_error (error, MD_PROBE_ERROR, MD_PROBE_ERROR_INVALID_VALUE);
      }
}

static void
assert_outcome (const char         *transcript,
                MdProbeOutcomeKind  kind,
                const char         *stage,
                guint               code,
                const char         *status)
{
  g_autoptr(MdProbeOutcome) outcome = md_probe_read_transcript (transcript);

  g_assert_cmpstr (md_probe_outcome_kind_to_string (outcome->kind), ==,
                   md_probe_outcome_kind_to_string (kind));
  g_assert_cmpstr (outcome->stage, ==, stage);
  g_assert_cmpuint (outcome->smtp_code, ==, code);
  g_assert_cmpstr (outcome->enhanced_status, ==, status);
}

static void
test_transcripts (void)
{
  /* swaks, rejected at RCPT TO (the motivating case). */
  assert_outcome ("=== Trying contoso-com.mail.protection.outlook.com:25...\n"
                  "=== Connected to contoso-com.mail.protection.outlook.com.\n"
                  "<-  220 BN1PEPF0000467F.mail.protection.outlook.com Microsoft ESMTP MAIL Service ready\n"
                  " -> EHLO mail.example.org\n"
                  "<-  250-BN1PEPF0000467F.mail.protection.outlook.com Hello [203.0.113.7]\n"
                  "<-  250-SIZE 49283072\n"
                  "<-  250 SMTPUTF8\n"
                  " -> MAIL FROM:<>\n"
                  "<-  250 2.1.0 Sender OK\n"
                  " -> RCPT TO:<user@contoso.com>\n"
                  "<** 550 5.7.511 Access denied, banned sender[203.0.113.7]. To request removal\n"
                  " -> QUIT\n"
                  "<-  221 2.0.0 Service closing transmission channel\n"
                  "=== Connection closed with remote host.\n",
                  MD_PROBE_OUTCOME_REJECTED, "RCPT TO", 550, "5.7.511");
  /* swaks over TLS, accepted. */
  assert_outcome ("<-  220 mx.partner.test ESMTP\n -> EHLO mail.example.org\n<-  250 STARTTLS\n"
                  " -> STARTTLS\n<-  220 2.0.0 Ready to start TLS\n"
                  " ~> EHLO mail.example.org\n<~  250 8BITMIME\n ~> MAIL FROM:<>\n"
                  "<~  250 2.1.0 Ok\n ~> RCPT TO:<user@partner.test>\n<~  250 2.1.5 Ok\n"
                  " ~> QUIT\n<~  221 2.0.0 Bye\n",
                  MD_PROBE_OUTCOME_ACCEPTED, "RCPT TO", 250, "2.1.5");
  /* nc: bare replies, the greeting first; T-Online refuses at connect. */
  assert_outcome ("554 IP=203.0.113.7 - A problem occurred. (Ask your postmaster for help or "
                  "to contact tosa@rx.t-online.de to clarify.) (BL)\n",
                  MD_PROBE_OUTCOME_REJECTED, "CONNECT", 554, NULL);
  assert_outcome ("220 mx.partner.test ESMTP\r\n250-mx.partner.test\r\n250 8BITMIME\r\n"
                  "250 2.1.0 Ok\r\n450 4.7.1 Client host rejected: try again later\r\n221 Bye\r\n",
                  MD_PROBE_OUTCOME_REJECTED, "RCPT TO", 450, "4.7.1");
  /* openssl -starttls read the greeting itself: the first reply is EHLO's. */
  assert_outcome ("250-mx.partner.test\n250-PIPELINING\n250 CHUNKING\n250 2.1.0 Ok\n"
                  "250 2.1.5 Ok\n221 2.0.0 Bye\n",
                  MD_PROBE_OUTCOME_ACCEPTED, "RCPT TO", 250, "2.1.5");
  /* Nothing reached the receiver: no verdict, whatever else was printed. */
  assert_outcome ("nc: connect to mx.partner.test port 25 (tcp) failed: Connection timed out\n",
                  MD_PROBE_OUTCOME_UNDECIDED, NULL, 0, NULL);
  assert_outcome ("220 mx.partner.test ESMTP\n250 mx.partner.test\n250 2.1.0 Ok\n",
                  MD_PROBE_OUTCOME_UNDECIDED, NULL, 0, NULL);
  assert_outcome ("", MD_PROBE_OUTCOME_UNDECIDED, NULL, 0, NULL);
}

static void
rm_rf (GFile *file)
{
  g_autoptr(GFileEnumerator) children =
    g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                               G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);

  if (children != NULL)
    {
      GFile *child;

      while (g_file_enumerator_iterate (children, NULL, &child, NULL, NULL) && child != NULL)
        rm_rf (child);
    }
  g_file_delete (file, NULL, NULL);
}

static void
remove_dir (const char *path)
{
  g_autoptr(GFile) dir = g_file_new_for_path (path);

  rm_rf (dir);
}

/* The fake receiver (tests/fake-smtp.py) on a loopback port. */
typedef struct
{
  GSubprocess *process;
  char        *log;
  guint        port;
} FakeSmtp;

static void
fake_smtp_start (FakeSmtp   *fake,
                 const char *mode,
                 const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *script = md_test_srcdir_path ("fake-smtp.py", NULL);
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;

  fake->log = g_build_filename (dir, "smtp.log", NULL);
  fake->process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "/usr/bin/python3",
                                    script, fake->log, mode, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fake->process));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  fake->port = (guint) g_ascii_strtoull (line, NULL, 10);
  g_assert_cmpuint (fake->port, >, 0);
}

static char *
fake_smtp_finish (FakeSmtp *fake)
{
  g_autoptr(GError) error = NULL;
  char *log = NULL;

  g_subprocess_wait (fake->process, NULL, &error);
  g_assert_no_error (error);
  g_file_get_contents (fake->log, &log, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&fake->process);
  g_clear_pointer (&fake->log, g_free);
  return log;
}

/* Runs the command as the admin would, through sh, with the pauses shortened. */
static char *
run_command (const char *command)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GRegex) sleeps = g_regex_new ("sleep [0-9]+;", 0, 0, NULL);
  g_autofree char *quick = g_regex_replace_literal (sleeps, command, -1, 0, "sleep 0.3;", 0,
                                                    NULL);
  g_autoptr(GSubprocess) sh = NULL;
  char *out = NULL;

  sh = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE,
                         &error, "/bin/sh", "-c", quick, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (sh, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  return out;
}

static void
test_e2e_nc (void)
{
  g_autofree char *dir = g_dir_make_tmp ("md-probe-XXXXXX", NULL);
  FakeSmtp fake = { 0, };
  g_autofree char *command = NULL;
  g_autofree char *transcript = NULL;
  g_autofree char *log = NULL;
  g_autoptr(MdProbeOutcome) outcome = NULL;

  if (!g_file_test ("/bin/nc", G_FILE_TEST_IS_EXECUTABLE) &&
      !g_file_test ("/usr/bin/nc", G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("nc is not installed (build-aux/setup installs netcat-openbsd)");
      return;
    }

  fake_smtp_start (&fake, "reject-rcpt", dir);
  command = command_for (MD_PROBE_TOOL_NC, HOSTILE_RECIPIENT, "127.0.0.1", "mail.example.org",
                         NULL, fake.port);
  transcript = run_command (command);
  log = fake_smtp_finish (&fake);

  /* The receiver saw the hostile address byte for byte: nothing expanded. */
  g_assert_nonnull (strstr (log, "b\"RCPT TO:<o'brien$HOME`id`{a}|b&c*@contoso.test>\\r\""));
  g_assert_nonnull (strstr (log, "b'EHLO mail.example.org\\r'"));
  g_assert_nonnull (strstr (log, "b'MAIL FROM:<>\\r'"));

  outcome = md_probe_read_transcript (transcript);
  g_assert_cmpint (outcome->kind, ==, MD_PROBE_OUTCOME_REJECTED);
  g_assert_cmpstr (outcome->stage, ==, "RCPT TO");
  g_assert_cmpstr (outcome->enhanced_status, ==, "5.7.511");
  remove_dir (dir);
}

static void
test_e2e_swaks (void)
{
  g_autofree char *dir = g_dir_make_tmp ("md-probe-XXXXXX", NULL);
  g_autofree char *swaks = g_find_program_in_path ("swaks");
  FakeSmtp fake = { 0, };
  g_autofree char *command = NULL;
  g_autofree char *transcript = NULL;
  g_autofree char *log = NULL;
  g_autoptr(MdProbeOutcome) outcome = NULL;

  if (swaks == NULL)
    {
      g_test_skip ("swaks is not installed (build-aux/setup installs it)");
      return;
    }

  fake_smtp_start (&fake, "accept", dir);
  command = command_for (MD_PROBE_TOOL_SWAKS, HOSTILE_RECIPIENT, "127.0.0.1",
                         "mail.example.org", "bounce+x=y@example.org", fake.port);
  transcript = run_command (command);
  log = fake_smtp_finish (&fake);

  g_assert_nonnull (strstr (log, "RCPT TO:<o'brien$HOME`id`{a}|b&c*@contoso.test>"));
  g_assert_nonnull (strstr (log, "MAIL FROM:<bounce+x=y@example.org>"));
  /* --quit-after RCPT: no message was sent. */
  g_assert_null (strstr (log, "DATA"));

  outcome = md_probe_read_transcript (transcript);
  g_assert_cmpint (outcome->kind, ==, MD_PROBE_OUTCOME_ACCEPTED);
  g_assert_cmpstr (outcome->stage, ==, "RCPT TO");
  remove_dir (dir);
}

static void
test_cli (void)
{
  g_autofree char *dir = g_dir_make_tmp ("md-probe-XXXXXX", NULL);
  g_autofree char *transcript = g_build_filename (dir, "transcript.txt", NULL);
  g_autofree char *case_arg = NULL;
  g_autoptr(MdCaseStore) store = NULL;
  g_autoptr(GPtrArray) rejections = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  const MdCaseEvent *last;
  gint64 case_id;

  g_setenv ("XDG_DATA_HOME", dir, TRUE);
  store = md_case_store_new (NULL, &error);
  g_assert_no_error (error);
  rejections = md_rejection_parse_text (
    "<user@contoso.com>: host contoso-com.mail.protection.outlook.com[40.93.207.0] said: 550 "
    "5.7.511 Access denied, banned sender[203.0.113.7]. (in reply to RCPT TO command)");
  g_assert_cmpuint (rejections->len, ==, 1);
  case_id = md_case_store_create_case (store, "Microsoft", "…", NULL, rejections, NULL, &error);
  g_assert_no_error (error);
  case_arg = g_strdup_printf ("--case=%" G_GINT64_FORMAT, case_id);

  {
    const char *args[] = { case_arg, "--helo", "mail.example.org", NULL };
    g_auto(MdTestCliRun) run = { 0, };

    md_test_cli_run (&run, "probe-command", NULL, NULL, args);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpstr (run.out, ==,
                     "swaks --to 'user@contoso.com' --server "
                     "'contoso-com.mail.protection.outlook.com' --quit-after RCPT "
                     "--helo 'mail.example.org' --from '<>'\n");
  }
  {
    const char *args[] = { "--recipient", "-x@contoso.com", NULL };
    g_auto(MdTestCliRun) run = { 0, };

    md_test_cli_run (&run, "probe-command", NULL, NULL, args);
    md_test_cli_assert_usage_error (&run, "not a plain mail address");
  }

  g_file_set_contents (transcript,
                       "<-  220 mx ESMTP\n -> EHLO a.example\n<-  250 ok\n -> MAIL FROM:<>\n"
                       "<-  250 ok\n -> RCPT TO:<user@contoso.com>\n"
                       "<** 550 5.7.511 Access denied, banned sender[203.0.113.7]\x1b]0;PWNED\x07\n",
                       -1, &error);
  g_assert_no_error (error);
  {
    const char *args[] = { case_arg, "--json", transcript, NULL };
    g_auto(MdTestCliRun) run = { 0, };

    md_test_cli_run (&run, "probe-result", NULL, NULL, args);
    g_assert_cmpint (run.status, ==, 0);
    json_parser_load_from_data (parser, run.out, -1, &error);
    g_assert_no_error (error);
    object = json_node_get_object (json_parser_get_root (parser));
    g_assert_cmpstr (json_object_get_string_member (object, "outcome"), ==, "rejected");
    g_assert_cmpstr (json_object_get_string_member (object, "stage"), ==, "RCPT TO");
    g_assert_cmpint (json_object_get_int_member (object, "smtp_code"), ==, 550);
    g_assert_cmpstr (json_object_get_string_member (object, "enhanced_status"), ==, "5.7.511");
    g_assert_true (json_object_get_null_member (object, "suggested_status"));
  }
  {
    const char *args[] = { transcript, NULL };
    g_auto(MdTestCliRun) run = { 0, };

    md_test_cli_run (&run, "probe-result", NULL, NULL, args);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "Still rejected with 5.7.511 at RCPT TO."));
    /* The receiver's escape sequence does not reach the terminal. */
    g_assert_null (strchr (run.out, '\x1b'));
    g_assert_null (strchr (run.out, '\x07'));
  }

  /* The case's timeline has the result. */
  g_clear_object (&store);
  store = md_case_store_new (NULL, &error);
  g_assert_no_error (error);
  events = md_case_store_list_events (store, case_id, &error);
  g_assert_no_error (error);
  last = g_ptr_array_index (events, events->len - 1);
  g_assert_cmpint (last->kind, ==, MD_CASE_EVENT_PROBE_REJECTED);
  g_assert_cmpstr (last->detail, ==, "Still rejected with 5.7.511 at RCPT TO.");
  g_clear_object (&store);
  g_unsetenv ("XDG_DATA_HOME");
  remove_dir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/MailDoctor/Probe/command/swaks", test_command_swaks);
  g_test_add_func ("/MailDoctor/Probe/command/nc-openssl", test_command_nc_openssl);
  g_test_add_func ("/MailDoctor/Probe/command/refuses-hostile-values", test_command_refuses);
  g_test_add_func ("/MailDoctor/Probe/transcripts", test_transcripts);
  g_test_add_func ("/MailDoctor/Probe/e2e/nc-rejected", test_e2e_nc);
  g_test_add_func ("/MailDoctor/Probe/e2e/swaks-accepted", test_e2e_swaks);
  g_test_add_func ("/MailDoctor/Probe/cli", test_cli);

  return g_test_run ();
}
