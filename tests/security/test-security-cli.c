/* test-security-cli.c — maildoctor-cli against hostile input (issue 12):
 * links and addresses from the rejection text, bounded input, output that
 * cannot be written, --eml targets, terminal escapes, header injection
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <unistd.h>

#include "md-test-knot.h"
#include "md-test-util.h"

static MdTestKnot *knot;
static GError *knot_error;

#define REQUIRE_KNOT() \
  G_STMT_START { if (knot == NULL) { g_test_skip (knot_error->message); return; } } G_STMT_END

#define PORTAL_TEXT(url) \
  "<neko@example.co.jp>:\n" \
  "Remote host said: 550 5.7.606 Access denied, banned sending IP [203.0.113.7]. please visit " \
  url " AS(1430) [NEKONYAAN.CAT-JPN22.prod.protection.outlook.com]\n"

#define TONLINE_TEXT(address) \
  "<kunde@t-online.de>: host mx00.t-online.de[194.25.134.8] refused to talk to me: 554 " \
  "IP=203.0.113.7 - A problem occurred. write to " address " to clarify.\n"

/* ESC ] 0 ; PWNED BEL (window title), ESC [ 2 J (clear screen), a C1 CSI
 * (U+009B) and DEL. */
#define ESCAPES "\033]0;PWNED\007\033[2J \302\23331m \177 end"

/* What a terminal would act on: C0 controls but line feed and tab, DEL,
 * and the C1 controls (UTF-8 C2 80 … C2 9F). */
static void
assert_no_terminal_controls (const char *text)
{
  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    {
      if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
        g_error ("control character 0x%02x in output: %s", *p, text);
      if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
        g_error ("C1 control U+%04X in output: %s", p[1], text);
    }
}

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

static void
assert_one_line (const char *text)
{
  g_assert_nonnull (text);
  g_assert_true (g_str_has_prefix (text, "maildoctor-cli: "));
  g_assert_true (g_str_has_suffix (text, "\n"));
  /* One line: the only line feed is the last character. */
  g_assert_true (strchr (text, '\n') == text + strlen (text) - 1);
}

/* 1. Portal links -------------------------------------------------------- */

static void
assert_portal_url (const char *url_in_text)
{
  g_auto(MdTestCliRun) run = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *text = g_strdup_printf (PORTAL_TEXT ("%s"), url_in_text);
  const char *args[] = { "--json", "-", NULL };
  JsonObject *draft;

  md_test_cli_run (&run, "draft", text, NULL, args);
  g_assert_cmpint (run.status, ==, 0);
  draft = parse_json (parser, run.out);
  g_assert_cmpstr (json_object_get_string_member (draft, "channel"), ==,
                   "microsoft-delist-portal");
  /* Whatever the text named, the page is the receiver's own. */
  g_assert_cmpstr (json_object_get_string_member (draft, "url"), ==, "https://sender.office.com/");
}

static void
test_link_userinfo (void)
{
  assert_portal_url ("https://sender.office.com:x@evil.example/");
  assert_portal_url ("https://sender.office.com@evil.example/");
}

static void
test_link_backslash (void)
{
  /* Browsers read a backslash as "/": these go to evil.example. (A
   * backslash before a dot is a markdown escape the parser undoes first,
   * so the example evil.example\.sender.office.com reads as a
   * name under sender.office.com, Microsoft's own; one before a letter
   * stays and must not pass.) */
  assert_portal_url ("https://evil.example\\sender.office.com/");
  assert_portal_url ("https://sender.office.com\\@evil.example/");
}

static void
test_link_port_scheme (void)
{
  assert_portal_url ("https://sender.office.com:8443/");
  assert_portal_url ("https://sender.office.com%2eevil.example/");
  assert_portal_url ("javascript://sender.office.com/%0aalert(1)");
}

/* A link on the allow-list is used as the text gave it (the user sees the
 * page the receiver named). */
static void
test_link_allowed (void)
{
  g_auto(MdTestCliRun) run = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *args[] = { "--json", "-", NULL };
  JsonObject *draft;

  md_test_cli_run (&run, "draft", PORTAL_TEXT ("https://sender.office.com/?lang=de"), NULL, args);
  g_assert_cmpint (run.status, ==, 0);
  draft = parse_json (parser, run.out);
  g_assert_cmpstr (json_object_get_string_member (draft, "url"), ==,
                   "https://sender.office.com/?lang=de");
}

/* 2. Addresses ------------------------------------------------------------ */

static JsonObject *
tonline_draft (JsonParser *parser,
               const char *address,
               char      **warnings_out)
{
  g_auto(MdTestCliRun) run = { 0 };
  g_autofree char *text = g_strdup_printf (TONLINE_TEXT ("%s"), address);
  const char *args[] = { "--json", "-", NULL };
  JsonObject *draft;
  JsonArray *warnings;
  g_autoptr(GString) all = g_string_new (NULL);

  md_test_cli_run (&run, "draft", text, NULL, args);
  g_assert_cmpint (run.status, ==, 0);
  draft = parse_json (parser, run.out);
  warnings = json_object_get_array_member (draft, "warnings");
  for (guint i = 0; i < json_array_get_length (warnings); i++)
    g_string_append_printf (all, "%s\n", json_array_get_string_element (warnings, i));
  *warnings_out = g_string_free (g_steal_pointer (&all), FALSE);

  return json_object_ref (draft);
}

static void
test_address_outside_domains (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *warnings = NULL;
  g_autoptr(JsonObject) draft = tonline_draft (parser, "delist@t-online-postmaster.example",
                                               &warnings);

  g_assert_cmpstr (json_object_get_string_member (draft, "channel"), ==, "t-online-mail");
  g_assert_cmpstr (json_object_get_string_member (draft, "recipient"), ==, "tosa@rx.t-online.de");
  g_assert_nonnull (strstr (warnings, "delist@t-online-postmaster.example"));
  g_assert_nonnull (strstr (warnings, "outside T-Online’s domains"));
}

static void
test_address_dash (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *warnings = NULL;
  g_autoptr(JsonObject) draft = tonline_draft (parser, "-delist@rx.t-online.de",
                                               &warnings);

  g_assert_cmpstr (json_object_get_string_member (draft, "recipient"), ==, "tosa@rx.t-online.de");
}

static void
test_address_allowed (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *warnings = NULL;
  g_autoptr(JsonObject) draft = tonline_draft (parser, "tobr@rx.t-online.de", &warnings);

  g_assert_cmpstr (json_object_get_string_member (draft, "recipient"), ==, "tobr@rx.t-online.de");
  g_assert_null (strstr (warnings, "outside"));
}

/* 3. Bounded input -------------------------------------------------------- */

/* AddressSanitizer reserves terabytes of address space for its shadow
 * memory: under it no address-space limit can be set, and RSS counts the
 * shadow too, so the memory bound is checked by the plain build only. */
#if defined(__SANITIZE_ADDRESS__)
# define UNDER_ASAN 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define UNDER_ASAN 1
# endif
#endif
#ifndef UNDER_ASAN
# define UNDER_ASAN 0
#endif

static void
limit_memory (gpointer user_data)
{
  /* 1.5 GB of address space: the limit (512 MB) fits, an unbounded read
   * does not. */
  struct rlimit limit = { (rlim_t) 1536 << 20, (rlim_t) 1536 << 20 };

  if (!UNDER_ASAN)
    setrlimit (RLIMIT_AS, &limit);
}

static void
run_bounded (const char *path,
             int        *status,
             char      **err,
             glong      *max_rss_kb,
             double     *seconds)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  struct rusage usage = { 0 };
  gint64 start = g_get_monotonic_time ();

  g_subprocess_launcher_set_child_setup (launcher, limit_memory, NULL, NULL);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("MD_CLI"), "parse", path,
                                         NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, err, &error);
  g_assert_no_error (error);
  *seconds = (g_get_monotonic_time () - start) / 1e6;
  *status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
  getrusage (RUSAGE_CHILDREN, &usage);
  *max_rss_kb = usage.ru_maxrss;
}

static void
test_input_dev_zero (void)
{
  g_autofree char *err = NULL;
  int status;
  glong rss;
  double seconds;

  run_bounded ("/dev/zero", &status, &err, &rss, &seconds);
  g_test_message ("parse /dev/zero: %d after %.1f s, max RSS %ld kB: %s",
                  status, seconds, rss, err);
  g_assert_cmpint (status, ==, 2);
  assert_one_line (err);
  g_assert_nonnull (strstr (err, "512 MB"));
  g_assert_cmpfloat (seconds, <, 30);
  /* Never more than the limit, plus the program itself. */
  if (!UNDER_ASAN)
    g_assert_cmpint (rss, <, 600 * 1024);
}

static void
test_input_large_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("md-security-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "big.log", NULL);
  g_autofree char *err = NULL;
  int fd, status;
  glong rss;
  double seconds;

  /* Sparse: 600 MB that take no disk space. */
  fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t) 600 << 20), ==, 0);
  close (fd);

  run_bounded (path, &status, &err, &rss, &seconds);
  g_test_message ("parse 600 MB file: %d after %.1f s: %s", status, seconds, err);
  g_assert_cmpint (status, ==, 2);
  assert_one_line (err);
  g_assert_nonnull (strstr (err, "512 MB"));
  g_assert_null (strstr (err, "536"));

  g_unlink (path);
  g_rmdir (dir);
}

/* 3. Output that cannot be written -------------------------------------- */

static void
assert_full_output (const char * const *argv,
                    const char         *stdin_text)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  g_autofree char *joined = g_strjoinv (" ", (char **) argv);

  g_subprocess_launcher_set_stdout_file_path (launcher, "/dev/full");
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, stdin_text, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  g_test_message ("%s > /dev/full: %s", joined, err);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 2);
  assert_one_line (err);
}

static void
test_output_full (void)
{
  const char *cli = g_getenv ("MD_CLI");
  const char *parse_json_argv[] = { cli, "parse", "--json", "-", NULL };
  const char *parse_argv[] = { cli, "parse", "-", NULL };
  const char *draft_json_argv[] = { cli, "draft", "--json", "-", NULL };
  const char *draft_argv[] = { cli, "draft", "-", NULL };
  const char *draft_eml_argv[] = { cli, "draft", "--eml", "-", "-", NULL };

  assert_full_output (parse_json_argv, TONLINE_TEXT ("tosa@rx.t-online.de"));
  /* Nothing found: the note about it does not make a second line. */
  assert_full_output (parse_json_argv, "no rejection here\n");
  assert_full_output (parse_argv, TONLINE_TEXT ("tosa@rx.t-online.de"));
  assert_full_output (draft_json_argv, TONLINE_TEXT ("tosa@rx.t-online.de"));
  assert_full_output (draft_argv, TONLINE_TEXT ("tosa@rx.t-online.de"));
  assert_full_output (draft_eml_argv, TONLINE_TEXT ("tosa@rx.t-online.de"));
}

static void
test_output_full_check (void)
{
  const char *cli = g_getenv ("MD_CLI");
  const char *address;

  REQUIRE_KNOT ();
  address = md_test_knot_get_address (knot);

  {
    const char *argv[] = { cli, "check", "--ip", "203.0.113.7", "--no-web", "--timeout", "500",
                           "--resolver", address, NULL };
    assert_full_output (argv, NULL);
  }
  {
    const char *argv[] = { cli, "check", "--ip", "203.0.113.7", "--no-web", "--timeout", "500",
                           "--resolver", address, "--json", NULL };
    assert_full_output (argv, NULL);
  }
  {
    const char *argv[] = { cli, "spf", "--ip", "192.0.2.1", "--sender", "a@security.test",
                           "--resolver", address, NULL };
    assert_full_output (argv, NULL);
  }
  {
    const char *argv[] = { cli, "spf", "--ip", "192.0.2.1", "--sender", "a@security.test",
                           "--resolver", address, "--json", NULL };
    assert_full_output (argv, NULL);
  }
}

/* 3. --eml PATH ----------------------------------------------------------- */

static MdTestCliRun *
draft_eml (const char *path)
{
  const char *args[] = { "--eml", path, "-", NULL };

  return md_test_cli_run_new ("draft", TONLINE_TEXT ("tosa@rx.t-online.de"), NULL, args);
}

static void
test_eml_symlink (void)
{
  g_autofree char *dir = g_dir_make_tmp ("md-security-XXXXXX", NULL);
  g_autofree char *target = g_build_filename (dir, "precious", NULL);
  g_autofree char *link = g_build_filename (dir, "link.eml", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(MdTestCliRun) run = NULL;
  GStatBuf st;

  g_assert_true (g_file_set_contents (target, "keep me\n", -1, NULL));
  g_assert_cmpint (symlink (target, link), ==, 0);

  run = draft_eml (link);
  md_test_cli_assert_usage_error (run, link);
  g_assert_cmpint (g_lstat (link, &st), ==, 0);
  g_assert_true (S_ISLNK (st.st_mode));
  g_assert_true (g_file_get_contents (target, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "keep me\n");

  g_unlink (link);
  g_unlink (target);
  g_rmdir (dir);
}

static void
test_eml_fifo_device (void)
{
  g_autofree char *dir = g_dir_make_tmp ("md-security-XXXXXX", NULL);
  g_autofree char *fifo = g_build_filename (dir, "fifo.eml", NULL);
  g_autoptr(MdTestCliRun) run = NULL;
  g_autoptr(MdTestCliRun) run_null = NULL;
  GStatBuf st;

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  run = draft_eml (fifo);
  md_test_cli_assert_usage_error (run, fifo);
  g_assert_cmpint (g_lstat (fifo, &st), ==, 0);
  g_assert_true (S_ISFIFO (st.st_mode));

  /* A device node is not a file to save into either (and as root, the old
   * code replaced /dev/null with a file). */
  run_null = draft_eml ("/dev/null");
  md_test_cli_assert_usage_error (run_null, "/dev/null");
  g_assert_cmpint (g_lstat ("/dev/null", &st), ==, 0);
  g_assert_true (S_ISCHR (st.st_mode));

  g_unlink (fifo);
  g_rmdir (dir);
}

static void
test_eml_new_file_private (void)
{
  g_autofree char *dir = g_dir_make_tmp ("md-security-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "request.eml", NULL);
  g_autofree char *old = g_build_filename (dir, "old.eml", NULL);
  g_autoptr(MdTestCliRun) run = NULL;
  g_autoptr(MdTestCliRun) run_old = NULL;
  GStatBuf st, before;
  mode_t mask = umask (022);

  run = draft_eml (path);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_true (S_ISREG (st.st_mode));
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* An existing regular file is written into, not replaced: same inode. */
  {
    g_autofree char *filler = g_strnfill (64 * 1024, '.');
    g_assert_true (g_file_set_contents (old, filler, -1, NULL));
  }
  g_assert_cmpint (g_stat (old, &before), ==, 0);
  run_old = draft_eml (old);
  g_assert_cmpint (run_old->status, ==, 0);
  g_assert_cmpint (g_stat (old, &st), ==, 0);
  g_assert_cmpuint (st.st_ino, ==, before.st_ino);
  {
    g_autofree char *a = NULL;
    g_autofree char *b = NULL;

    g_assert_true (g_file_get_contents (path, &a, NULL, NULL));
    g_assert_true (g_file_get_contents (old, &b, NULL, NULL));
    /* The mail, with no tail of the old text after it. */
    g_assert_null (strstr (b, "................"));
    g_assert_nonnull (strstr (b, "Subject:"));
    g_assert_nonnull (strstr (a, "Subject:"));
  }

  umask (mask);
  g_unlink (path);
  g_unlink (old);
  g_rmdir (dir);
}

/* 5. Terminal escapes ----------------------------------------------------- */

static void
test_escapes_parse_draft (void)
{
  g_autofree char *text = g_strdup_printf (TONLINE_TEXT ("tosa@rx.t-online.de %s"), ESCAPES);
  const char *draft_args[] = { "-", NULL };
  const char *parse_args[] = { "-", NULL };
  g_auto(MdTestCliRun) parse = { 0 };
  g_auto(MdTestCliRun) draft = { 0 };

  md_test_cli_run (&parse, "parse", text, NULL, parse_args);
  g_assert_cmpint (parse.status, ==, 0);
  g_assert_nonnull (strstr (parse.out, "PWNED"));
  assert_no_terminal_controls (parse.out);
  assert_no_terminal_controls (parse.err);

  md_test_cli_run (&draft, "draft", text, NULL, draft_args);
  g_assert_cmpint (draft.status, ==, 0);
  g_assert_nonnull (strstr (draft.out, "PWNED"));
  assert_no_terminal_controls (draft.out);
  assert_no_terminal_controls (draft.err);
}

static void
test_escapes_check (void)
{
  g_auto(MdTestCliRun) run = { 0 };
  const char *args[] = { "--ip", "203.0.113.7", "--no-web", "--timeout", "500",
                         "--resolver", NULL, NULL };

  REQUIRE_KNOT ();
  args[6] = md_test_knot_get_address (knot);
  md_test_cli_run (&run, "check", NULL, NULL, args);
  g_assert_cmpint (run.status, ==, 0);
  /* The reason is shown, made harmless. */
  g_assert_nonnull (strstr (run.out, "PWNED"));
  assert_no_terminal_controls (run.out);
  assert_no_terminal_controls (run.err);
}

static void
test_escapes_spf (void)
{
  g_auto(MdTestCliRun) exp = { 0 };
  g_auto(MdTestCliRun) record = { 0 };
  const char *exp_args[] = { "--ip", "192.0.2.1", "--sender", "a@security.test",
                             "--resolver", NULL, NULL };
  const char *record_args[] = { "--ip", "192.0.2.1", "--sender", "a@record.security.test",
                                "--resolver", NULL, NULL };

  REQUIRE_KNOT ();
  exp_args[5] = record_args[5] = md_test_knot_get_address (knot);

  md_test_cli_run (&exp, "spf", NULL, NULL, exp_args);
  g_assert_cmpint (exp.status, ==, 0);
  assert_no_terminal_controls (exp.out);
  assert_no_terminal_controls (exp.err);

  md_test_cli_run (&record, "spf", NULL, NULL, record_args);
  g_assert_cmpint (record.status, ==, 0);
  g_assert_nonnull (strstr (record.out, "PWNED"));
  assert_no_terminal_controls (record.out);
  assert_no_terminal_controls (record.err);
}

/* 6. Header injection ----------------------------------------------------- */

static void
test_header_injection (void)
{
  const char *emails[] = {
    "x@evil.example>\r\nX-A: <z",
    "x@evil.example\nX-A: z",
    "x@evil.example>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (emails); i++)
    {
      g_auto(MdTestCliRun) run = { 0 };
      const char *args[] = { "--eml", "-", "--email", emails[i], "--name", "A\r\nX-B: b",
                             "--organisation", "O\nX-C: c", "-", NULL };

      md_test_cli_run (&run, "draft", TONLINE_TEXT ("tosa@rx.t-online.de"), NULL, args);
      if (run.status == 0)
        {
          g_autofree char *headers = NULL;
          const char *end = strstr (run.out, "\r\n\r\n");

          if (end == NULL)
            end = strstr (run.out, "\n\n");
          g_assert_nonnull (end);
          headers = g_strndup (run.out, end - run.out);
          g_test_message ("%s", headers);
          g_assert_null (strstr (headers, "\nX-A:"));
          g_assert_null (strstr (headers, "\nX-B:"));
          g_assert_null (strstr (headers, "\nX-C:"));
          g_assert_null (strstr (headers, "evil.example>>"));
          g_assert_null (strstr (headers, "@evil.example>\r\n"));
        }
      else
        {
          /* Refused: a bad address of one's own is a usage error. */
          md_test_cli_assert_usage_error (&run, "--email");
        }
    }
}

/* 7. parse -- -dash.txt ---------------------------------------------------- */

static void
test_dash_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("md-security-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "-dash.txt", NULL);
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_true (g_file_set_contents (path, TONLINE_TEXT ("tosa@rx.t-online.de"), -1, NULL));
  g_subprocess_launcher_set_cwd (launcher, dir);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("MD_CLI"),
                                         "parse", "--", "-dash.txt", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_test_message ("%s%s", out, err);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  g_assert_nonnull (strstr (out, "Found 1 rejection."));

  g_unlink (path);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *spamcop = NULL;
  g_autofree char *security = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  spamcop = md_test_srcdir_path ("security", "dns", "bl.spamcop.net.zone", NULL);
  security = md_test_srcdir_path ("security", "dns", "security.test.zone", NULL);
  {
    const char *zones[] = { spamcop, security, NULL };
    knot = md_test_knot_new (zones, &knot_error);
  }

  g_test_add_func ("/MailDoctor/Security/Link/userinfo", test_link_userinfo);
  g_test_add_func ("/MailDoctor/Security/Link/backslash", test_link_backslash);
  g_test_add_func ("/MailDoctor/Security/Link/port-scheme-encoded-host", test_link_port_scheme);
  g_test_add_func ("/MailDoctor/Security/Link/allowed", test_link_allowed);
  g_test_add_func ("/MailDoctor/Security/Address/outside-domains", test_address_outside_domains);
  g_test_add_func ("/MailDoctor/Security/Address/dash", test_address_dash);
  g_test_add_func ("/MailDoctor/Security/Address/allowed", test_address_allowed);
  g_test_add_func ("/MailDoctor/Security/Input/dev-zero", test_input_dev_zero);
  g_test_add_func ("/MailDoctor/Security/Input/large-file", test_input_large_file);
  g_test_add_func ("/MailDoctor/Security/Output/full", test_output_full);
  g_test_add_func ("/MailDoctor/Security/Output/full-check-spf", test_output_full_check);
  g_test_add_func ("/MailDoctor/Security/Eml/symlink", test_eml_symlink);
  g_test_add_func ("/MailDoctor/Security/Eml/fifo-device", test_eml_fifo_device);
  g_test_add_func ("/MailDoctor/Security/Eml/new-file-private", test_eml_new_file_private);
  g_test_add_func ("/MailDoctor/Security/Escapes/parse-draft", test_escapes_parse_draft);
  g_test_add_func ("/MailDoctor/Security/Escapes/check", test_escapes_check);
  g_test_add_func ("/MailDoctor/Security/Escapes/spf", test_escapes_spf);
  g_test_add_func ("/MailDoctor/Security/Header/injection", test_header_injection);
  g_test_add_func ("/MailDoctor/Security/Cli/dash-file", test_dash_file);

  status = g_test_run ();

  g_clear_pointer (&knot, md_test_knot_free);
  g_clear_error (&knot_error);

  return status;
}
