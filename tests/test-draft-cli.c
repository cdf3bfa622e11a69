/* test-draft-cli.c — maildoctor-cli draft, end to end: parser, knowledge
 * base, templates and the .eml writer as a user runs them
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "md-case-session.h"
#include "md-test-util.h"
#include "md-util.h"

#define SEED_TEXT \
  "host css-one-microsoft-com.mail.protection.outlook.com[40.93.207.0] said: 550\n" \
  "    5.7.511 Access denied, banned sender[203.0.113.7]. To request removal from this\n" \
  "    list please forward this message to delist@messaging.microsoft.com. For more\n" \
  "    information please go to http://go.microsoft.com/fwlink/?LinkId=526653. AS(1410)\n" \
  "    [CB1PEPF0000205E.namprd00.prod.outlook.com] (in reply to RCPT TO command)\n"

#define PORTAL_TEXT \
  "<neko@example.co.jp>:\n" \
  "Remote host said: 550 5.7.606 Access denied, banned sending IP [192.0.2.225]. To request " \
  "removal from this list please visit https://sender.office.com and follow the directions. " \
  "For more information please go to  http://go.microsoft.com/fwlink/?LinkID=526655 " \
  "(AS16012609) [NEKONYAAN.CAT-JPN22.prod.protection.outlook.com]\n"

#define S3150_TEXT \
  "<someone@outlook.com>: host outlook-com.olc.protection.outlook.com[52.101.68.8] said: " \
  "550 5.7.1 Unfortunately, messages from [198.51.100.42] weren't sent. Please contact your " \
  "Internet service provider since part of their network is on our block list (S3150). You " \
  "can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors. " \
  "[DB5EUR03FT012.eop-EUR03.prod.protection.outlook.com] (in reply to MAIL FROM command)\n"

#define TONLINE_TEXT \
  "<kunde@t-online.de>: host mx00.t-online.de[194.25.134.8] refused to talk to me: 554 " \
  "IP=192.0.2.10 - A problem occurred. (Ask your postmaster for help or to contact " \
  "tosa@rx.t-online.de to clarify.) (BL)\n"

static JsonObject *
parse_json (JsonParser *parser,
            const char *text)
{
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));

  return json_node_get_object (json_parser_get_root (parser));
}

#define assert_usage_error(run, fragment) md_test_cli_assert_usage_error ((run), (fragment))

static const char *
field_value (JsonObject *draft,
             const char *label)
{
  JsonArray *fields = json_object_get_array_member (draft, "fields");

  for (guint i = 0; i < json_array_get_length (fields); i++)
    {
      JsonObject *f = json_array_get_object_element (fields, i);
      if (g_str_equal (json_object_get_string_member (f, "label"), label))
        return json_object_get_string_member (f, "value");
    }

  return NULL;
}

static void
test_seed_json (void)
{
  g_auto(MdTestCliRun) run = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *args[] = { "--json", "--name", "Jörg Müller", "--organisation", "Müller & Söhne",
                         "--email", "joerg@example.org", "--step", "Closed the open relay",
                         "-", NULL };
  JsonObject *draft;
  JsonObject *attachment;
  JsonObject *from;
  const char *body;

  md_test_cli_run (&run, "draft", SEED_TEXT, "en", args);
  g_assert_cmpint (run.status, ==, 0);
  draft = parse_json (parser, run.out);

  g_assert_cmpstr (json_object_get_string_member (draft, "channel"), ==, "microsoft-delist-mail");
  g_assert_cmpstr (json_object_get_string_member (draft, "kind"), ==, "email");
  g_assert_cmpstr (json_object_get_string_member (draft, "language"), ==, "en");
  g_assert_cmpstr (json_object_get_string_member (draft, "recipient"), ==,
                   "delist@messaging.microsoft.com");
  /* To: the address the rejection names; Cc: the documented one. */
  g_assert_cmpstr (json_object_get_string_member (draft, "cc"), ==, "delist@microsoft.com");
  g_assert_true (json_object_get_null_member (draft, "url"));
  g_assert_cmpstr (json_object_get_string_member (draft, "subject"), ==,
                   "Delist request for IP 203.0.113.7 (5.7.511)");
  from = json_object_get_object_member (draft, "from");
  g_assert_cmpstr (json_object_get_string_member (from, "name"), ==, "Jörg Müller");
  g_assert_cmpstr (json_object_get_string_member (from, "address"), ==, "joerg@example.org");

  body = json_object_get_string_member (draft, "body");
  g_assert_nonnull (strstr (body, "- Organisation: Müller & Söhne\n"
                                  "- Contact: Jörg Müller <joerg@example.org>\n"));
  g_assert_nonnull (strstr (body, "- Closed the open relay\n"));
  g_assert_nonnull (strstr (body, "5.7.511 Access denied, banned sender[203.0.113.7]."));
  g_assert_null (strstr (body, "Website:"));

  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (draft, "attachments")),
                    ==, 1);
  attachment = json_array_get_object_element (json_object_get_array_member (draft, "attachments"), 0);
  g_assert_cmpstr (json_object_get_string_member (attachment, "name"), ==, "rejection.txt");
  g_assert_cmpstr (json_object_get_string_member (attachment, "content_type"), ==,
                   "text/plain; charset=utf-8");
  g_assert_cmpuint (strlen (json_object_get_string_member (attachment, "sha256")), ==, 64);

  g_assert_true (json_object_get_null_member (draft, "eml"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (draft, "warnings")), >=, 3);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (draft, "warnings"), 0),
                   ==, "Do not send this from the blocked server: its mail to Microsoft is "
                       "rejected as well. Use a mailbox at another provider.");
}

/* An imported bounce rides along as message/rfc822; --eml saves the mail. */
static void
test_bounce_eml (void)
{
  g_auto(MdTestCliRun) run = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *bounce = md_test_srcdir_path ("data", "drafts", "seed-bounce.eml", NULL);
  g_autofree char *dir = g_dir_make_tmp ("md-test-draft-cli-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, "request.eml", NULL);
  g_autofree char *eml = NULL;
  g_autofree char *original = NULL;
  gsize original_len;
  const char *args[] = { "--json", "--eml", out, bounce, NULL };
  JsonObject *draft;
  JsonArray *attachments;
  JsonObject *attachment;

  g_assert_true (g_file_get_contents (bounce, &original, &original_len, NULL));
  md_test_cli_run (&run, "draft", NULL, "en", args);
  g_assert_cmpint (run.status, ==, 0);
  draft = parse_json (parser, run.out);

  g_assert_cmpstr (json_object_get_string_member (draft, "recipient"), ==,
                   "delist@messaging.microsoft.com");
  g_assert_cmpstr (json_object_get_string_member (draft, "eml"), ==, out);
  attachments = json_object_get_array_member (draft, "attachments");
  g_assert_cmpuint (json_array_get_length (attachments), ==, 2);
  attachment = json_array_get_object_element (attachments, 1);
  g_assert_cmpstr (json_object_get_string_member (attachment, "name"), ==, "bounce.eml");
  g_assert_cmpstr (json_object_get_string_member (attachment, "content_type"), ==,
                   "message/rfc822");
  g_assert_cmpint (json_object_get_int_member (attachment, "size"), ==, original_len);

  g_assert_true (g_file_get_contents (out, &eml, NULL, NULL));
  g_assert_nonnull (strstr (eml, "\r\nX-Unsent: 1\r\n"));
  g_assert_nonnull (strstr (eml, "\r\nTo: delist@messaging.microsoft.com\r\n"));
  g_assert_nonnull (strstr (eml, "\r\nSubject: Delist request for IP 203.0.113.7 (5.7.511)\r\n"));
  g_assert_nonnull (strstr (eml, "Content-Type: message/rfc822"));

  g_unlink (out);
  g_rmdir (dir);
}

static void
test_eml_stdout (void)
{
  g_auto(MdTestCliRun) run = { 0 };
  const char *args[] = { "--eml", "-", "--channel", "t-online-mail", "--name", "Jörg Müller",
                         "--email", "joerg@example.org", NULL };

  md_test_cli_run (&run, "draft", SEED_TEXT, "en", args);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_str_has_prefix (run.out, "Date: "));
  g_assert_nonnull (strstr (run.out, "\r\nTo: tosa@rx.t-online.de\r\n"));
  g_assert_nonnull (strstr (run.out, "\r\nFrom: =?UTF-8?b?SsO2cmcgTcO8bGxlcg==?= <joerg@example.org>\r\n"));
  g_assert_cmpstr (run.err, ==, "");
}

static void
test_channels (void)
{
  struct {
    const char *input;
    const char *channel;
    const char *kind;
    const char *language;
    const char *recipient;
    const char *url_prefix;
  } cases[] = {
    { PORTAL_TEXT, "microsoft-delist-portal", "portal", "en", NULL, "https://sender.office.com" },
    { S3150_TEXT, "outlook-sender-form", "form", "en", NULL,
      "https://support.microsoft.com/supportrequestform/" },
    { TONLINE_TEXT, "t-online-mail", "email", "de", "tosa@rx.t-online.de", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(MdTestCliRun) run = { 0 };
      g_autoptr(JsonParser) parser = json_parser_new ();
      const char *args[] = { "--json", "--email", "postmaster@example.org", NULL };
      JsonObject *draft;

      md_test_cli_run (&run, "draft", cases[i].input, "en", args);
      g_assert_cmpint (run.status, ==, 0);
      draft = parse_json (parser, run.out);
      g_assert_cmpstr (json_object_get_string_member (draft, "channel"), ==, cases[i].channel);
      g_assert_cmpstr (json_object_get_string_member (draft, "kind"), ==, cases[i].kind);
      g_assert_cmpstr (json_object_get_string_member (draft, "language"), ==, cases[i].language);
      if (cases[i].recipient != NULL)
        g_assert_cmpstr (json_object_get_string_member (draft, "recipient"), ==,
                         cases[i].recipient);
      else
        g_assert_true (json_object_get_null_member (draft, "recipient"));
      if (cases[i].url_prefix != NULL)
        g_assert_true (g_str_has_prefix (json_object_get_string_member (draft, "url"),
                                         cases[i].url_prefix));

      if (i == 0)
        {
          g_assert_cmpstr (field_value (draft, "IP address"), ==, "192.0.2.225");
          g_assert_cmpstr (field_value (draft, "Mail address"), ==, "postmaster@example.org");
        }
      if (i == 1)
        {
          g_assert_cmpstr (field_value (draft, "Outgoing IPs or ranges (separated by semicolons)"),
                           ==, "198.51.100.42");
          g_assert_cmpstr (field_value (draft, "Recipient domain"), ==, "outlook.com");
          g_assert_nonnull (strstr (field_value (draft, "Full error message"), "(S3150)"));
        }
      if (i == 2)
        g_assert_cmpstr (json_object_get_string_member (draft, "subject"), ==,
                         "Bitte um Prüfung der Sperre für IP 192.0.2.10");
    }
}

/* --ip fills in what the rejection does not say; --channel picks the
 * follow-up by hand. */
static void
test_ip_and_follow_up (void)
{
  g_auto(MdTestCliRun) run = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *args[] = { "--json", "--channel", "microsoft-follow-up", "--ip", "198.51.100.9",
                         NULL };
  JsonObject *draft;

  md_test_cli_run (&run, "draft", SEED_TEXT, "en", args);
  g_assert_cmpint (run.status, ==, 0);
  draft = parse_json (parser, run.out);
  g_assert_cmpstr (json_object_get_string_member (draft, "channel"), ==, "microsoft-follow-up");
  /* The follow-up goes to the documented address. */
  g_assert_cmpstr (json_object_get_string_member (draft, "recipient"), ==, "delist@microsoft.com");
  g_assert_cmpstr (json_object_get_string_member (draft, "subject"), ==,
                   "198.51.100.9 still blocked: request for escalation");
}

/* --ip-use, --organisation-kind and --description-de fill the Outlook.com
 * form's fields and the German T-Online mail. */
static void
test_profile_details (void)
{
  g_auto(MdTestCliRun) form_run = { 0 };
  g_auto(MdTestCliRun) mail_run = { 0 };
  g_autoptr(JsonParser) form_parser = json_parser_new ();
  g_autoptr(JsonParser) mail_parser = json_parser_new ();
  const char *args[] = { "--json", "--ip-use", "dedicated", "--organisation-kind", "university",
                         "--description", "mail of our staff",
                         "--description-de", "Mails unserer Mitarbeiter", NULL };
  JsonObject *form;
  JsonObject *mail;
  const char *body;

  md_test_cli_run (&form_run, "draft", S3150_TEXT, "en", args);
  g_assert_cmpint (form_run.status, ==, 0);
  form = parse_json (form_parser, form_run.out);
  g_assert_cmpstr (json_object_get_string_member (form, "channel"), ==, "outlook-sender-form");
  g_assert_cmpstr (field_value (form, "Dedicated or shared IP"), ==, "dedicated");
  g_assert_cmpstr (field_value (form, "How you describe yourself"), ==, "university");

  md_test_cli_run (&mail_run, "draft", TONLINE_TEXT, "en", args);
  g_assert_cmpint (mail_run.status, ==, 0);
  mail = parse_json (mail_parser, mail_run.out);
  g_assert_cmpstr (json_object_get_string_member (mail, "channel"), ==, "t-online-mail");
  body = json_object_get_string_member (mail, "body");
  g_assert_nonnull (strstr (body, "\n- Art der Mails: Mails unserer Mitarbeiter\n"));
  g_assert_nonnull (strstr (body, "\n- Die IP-Adresse nutzen nur wir.\n"));
  g_assert_null (strstr (body, "mail of our staff"));
}

static void
test_human (void)
{
  g_auto(MdTestCliRun) run = { 0 };
  const char *args[] = { NULL };

  md_test_cli_run (&run, "draft", SEED_TEXT, "en", args);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_str_has_prefix (run.out, "Channel:       microsoft-delist-mail\n"
                                            "To:            delist@messaging.microsoft.com\n"
                                            "Cc:            delist@microsoft.com\n"
                                            "Subject:       Delist request for IP 203.0.113.7 (5.7.511)\n"));
  g_assert_nonnull (strstr (run.out, "\nText of the mail:\nHello,\n"));
  g_assert_nonnull (strstr (run.out, "\nBefore you send:\n  – Do not send this from the blocked server"));
}

static void
test_usage_errors (void)
{
  g_autofree char *missing = md_test_srcdir_path ("data", "drafts", "no-such-file.eml", NULL);
  struct {
    const char *input;
    const char *args[6];
    const char *fragment;
  } cases[] = {
    /* No input where the command stops before it reads any: a write to
     * its closed pipe would end this test with SIGPIPE. */
    { NULL, { "--channel", "fax", NULL }, "unknown channel “fax” (one of: microsoft-delist-mail," },
    { NULL, { "--ip", "banana", NULL }, "“banana” is not an IP address" },
    { NULL, { missing, NULL }, "cannot read" },
    { "hello, world\n", { NULL }, "no rejection found in the input" },
    { PORTAL_TEXT, { "--eml", "/tmp/x.eml", NULL }, "is a web page, not a mail" },
    { NULL, { "a", "b", NULL }, "draft reads one input" },
    { NULL, { "--json", "--eml", "-", NULL }, "both write to standard output" },
    { NULL, { "--bogus", NULL }, "--bogus" },
    { NULL, { "--ip-use", "both", NULL }, "unknown IP use “both” (dedicated or shared)" },
    { NULL, { "--organisation-kind", "company\nX-Evil: 1", NULL },
      "--organisation-kind must be one line of text" },
    { NULL, { "--description-de", "Rechnungen\r\n", NULL },
      "--description-de must be one line of text" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(MdTestCliRun) run = { 0 };

      md_test_cli_run (&run, "draft", cases[i].input, "en", cases[i].args);
      assert_usage_error (&run, cases[i].fragment);
    }
  g_assert_false (g_file_test ("/tmp/x.eml", G_FILE_TEST_EXISTS));
}

static void
created_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  MdCaseSession **session = user_data;
  g_autoptr(GError) error = NULL;

  *session = md_case_session_new_from_input_finish (result, &error);
  g_assert_no_error (error);
}

/* The window's draft: a case session made from @input, as the window makes
 * it, with the preferences' profile. */
static JsonNode *
session_draft_json (GBytes *input)
{
  g_autofree char *dir = g_dir_make_tmp ("md-draft-cli-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "cases.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCaseStore) store = md_case_store_new (path, &error);
  g_autoptr(MdCaseSession) session = NULL;
  g_autoptr(MdSenderProfile) profile = md_sender_profile_new_from_settings ();
  g_autoptr(MdDraft) draft = NULL;
  g_autoptr(GDir) listing = NULL;
  const char *name;
  JsonNode *json;

  g_assert_no_error (error);
  md_case_session_new_from_input_async (store, input, NULL, created_cb, &session);
  while (session == NULL)
    g_main_context_iteration (NULL, TRUE);

  draft = md_case_session_build_draft (session, profile, NULL, &error);
  g_assert_no_error (error);
  json = md_draft_to_json (draft);

  g_clear_object (&session);
  g_clear_object (&store);
  listing = g_dir_open (dir, 0, NULL);
  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *file = g_build_filename (dir, name, NULL);
      g_unlink (file);
    }
  g_rmdir (dir);

  return json;
}

/* Issue 14: `maildoctor-cli draft` and the window draft the same request
 * from the same input. The CLI used to take the first rejection with a
 * channel and the window the first with a blocked IP: the second input has
 * a Spamhaus rejection without a request channel before the Microsoft one. */
static void
test_same_as_window (void)
{
  g_autofree char *bounce = md_test_srcdir_path ("data", "drafts", "seed-bounce.eml", NULL);
  g_autofree char *dir = g_dir_make_tmp ("md-draft-cli-XXXXXX", NULL);
  g_autofree char *mixed = g_build_filename (dir, "mixed.txt", NULL);
  static const char mixed_text[] =
    "<info@partner.example>: host mx.partner.example[198.51.100.40] said: 554 5.7.1 Service "
    "unavailable; Client host [198.51.100.77] blocked using bl.lists.example (in reply to RCPT "
    "TO command)\n\n"
    "<anna@contoso.com>: " SEED_TEXT;
  const char *inputs[] = { bounce, mixed };

  g_assert_true (g_file_set_contents (mixed, mixed_text, -1, NULL));

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_auto(MdTestCliRun) run = { 0 };
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(JsonNode) window = NULL;
      g_autoptr(GBytes) bytes = NULL;
      JsonObject *cli;
      char *contents;
      gsize len;

      g_assert_true (g_file_get_contents (inputs[i], &contents, &len, NULL));
      bytes = g_bytes_new_take (contents, len);
      window = session_draft_json (bytes);

      md_test_cli_run (&run, NULL, NULL, NULL,
                       (const char *[]) { "draft", "--json", inputs[i], NULL });
      g_assert_cmpint (run.status, ==, 0);
      cli = parse_json (parser, run.out);
      /* What only the CLI prints: which explanation, where the .eml went. */
      json_object_remove_member (cli, "explanation");
      json_object_remove_member (cli, "eml");

      if (!json_node_equal (json_parser_get_root (parser), window))
        {
          g_autofree char *a = json_to_string (json_parser_get_root (parser), TRUE);
          g_autofree char *b = json_to_string (window, TRUE);

          g_error ("%s: the CLI drafted\n%s\nthe window\n%s", inputs[i], a, b);
        }
      g_assert_cmpstr (json_object_get_string_member (cli, "channel"), ==,
                       "microsoft-delist-mail");
    }

  g_unlink (mixed);
  g_rmdir (dir);
}

/* Issue 12: `draft` read the input with GMime a second time, without the
 * parser's guards (6.5 s for a 128k-deep multipart). Now one MdInput is
 * read once: the deep message is text, and no bounce is attached. */
static void
test_deep_multipart (void)
{
  g_autofree char *dir = g_dir_make_tmp ("md-draft-cli-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "deep.eml", NULL);
  g_autoptr(GString) s = g_string_new ("From: MAILER-DAEMON@mail.example.org\n"
                                       "To: joerg@example.org\nSubject: Undelivered\n"
                                       "MIME-Version: 1.0\n");
  g_auto(MdTestCliRun) run = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *draft;
  JsonArray *attachments;

  for (guint i = 0; i < 128 * 1024; i++)
    g_string_append_printf (s, "Content-Type: multipart/mixed; boundary=\"b%u\"\n\n--b%u\n", i, i);
  g_string_append (s, "Content-Type: text/plain\n\n");
  g_string_append (s, SEED_TEXT);
  g_assert_true (g_file_set_contents (path, s->str, s->len, NULL));

  md_test_cli_run (&run, NULL, NULL, NULL, (const char *[]) { "draft", "--json", path, NULL });
  g_assert_cmpint (run.status, ==, 0);
  draft = parse_json (parser, run.out);
  g_assert_cmpstr (json_object_get_string_member (draft, "channel"), ==, "microsoft-delist-mail");
  attachments = json_object_get_array_member (draft, "attachments");
  for (guint i = 0; i < json_array_get_length (attachments); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (attachments, i),
                                                    "name"), !=, "bounce.eml");

  g_unlink (path);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  md_core_init ();

  g_test_add_func ("/MailDoctor/DraftCli/seed-json", test_seed_json);
  g_test_add_func ("/MailDoctor/DraftCli/bounce-eml", test_bounce_eml);
  g_test_add_func ("/MailDoctor/DraftCli/eml-stdout", test_eml_stdout);
  g_test_add_func ("/MailDoctor/DraftCli/channels", test_channels);
  g_test_add_func ("/MailDoctor/DraftCli/ip-and-follow-up", test_ip_and_follow_up);
  g_test_add_func ("/MailDoctor/DraftCli/profile-details", test_profile_details);
  g_test_add_func ("/MailDoctor/DraftCli/human", test_human);
  g_test_add_func ("/MailDoctor/DraftCli/usage-errors", test_usage_errors);
  g_test_add_func ("/MailDoctor/DraftCli/same-as-window", test_same_as_window);
  g_test_add_func ("/MailDoctor/DraftCli/deep-multipart", test_deep_multipart);

  return g_test_run ();
}
