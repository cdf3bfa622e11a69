/* test-cli.c — maildoctor-cli's contract: exit codes, help, version
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>

#include "md-test-util.h"

/* Bad usage: exit 2 and exactly one line on stderr, nothing on stdout. */
#define assert_usage_error(run, fragment) md_test_cli_assert_usage_error ((run), (fragment))

static void
test_cli_version (void)
{
  g_auto(MdTestCliRun) run = { 0 };

  md_test_cli_run (&run, NULL, NULL, "en", (const char *[]) { "--version", NULL });
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "maildoctor-cli " PACKAGE_VERSION "\n");
  g_assert_cmpstr (run.err, ==, "");
}

static void
test_cli_help (void)
{
  g_auto(MdTestCliRun) run = { 0 };

  md_test_cli_run (&run, NULL, NULL, "en", (const char *[]) { "--help", NULL });
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_str_has_prefix (run.out, "Usage: maildoctor-cli COMMAND [OPTION…]\n"));
  g_assert_nonnull (strstr (run.out, "--version"));
  g_assert_cmpstr (run.err, ==, "");
}

static void
test_cli_help_german (void)
{
  g_auto(MdTestCliRun) run = { 0 };

  md_test_cli_run (&run, NULL, NULL, "de", (const char *[]) { "--help", NULL });
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_str_has_prefix (run.out, "Aufruf: maildoctor-cli BEFEHL [OPTION …]\n"));
  g_assert_nonnull (strstr (run.out, "Befehle:"));
  g_assert_nonnull (strstr (run.out, "Die Version anzeigen"));
}

static void
test_cli_no_command (void)
{
  g_auto(MdTestCliRun) run = { 0 };

  md_test_cli_run (&run, NULL, NULL, "en", (const char *[]) { NULL });
  assert_usage_error (&run, "no command given");
}

static void
test_cli_unknown_command (void)
{
  g_auto(MdTestCliRun) run = { 0 };

  md_test_cli_run (&run, NULL, NULL, "en", (const char *[]) { "frobnicate", NULL });
  assert_usage_error (&run, "unknown command “frobnicate”");
}

static void
test_cli_unknown_option (void)
{
  g_auto(MdTestCliRun) run = { 0 };

  md_test_cli_run (&run, NULL, NULL, "en", (const char *[]) { "--frobnicate", NULL });
  assert_usage_error (&run, "unknown option “--frobnicate”");
}

static void
test_cli_unknown_option_german (void)
{
  g_auto(MdTestCliRun) run = { 0 };

  md_test_cli_run (&run, NULL, NULL, "de", (const char *[]) { "--frobnicate", NULL });
  assert_usage_error (&run, "unbekannte Option „--frobnicate“");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/MailDoctor/Cli/version", test_cli_version);
  g_test_add_func ("/MailDoctor/Cli/help", test_cli_help);
  g_test_add_func ("/MailDoctor/Cli/help-german", test_cli_help_german);
  g_test_add_func ("/MailDoctor/Cli/no-command", test_cli_no_command);
  g_test_add_func ("/MailDoctor/Cli/unknown-command", test_cli_unknown_command);
  g_test_add_func ("/MailDoctor/Cli/unknown-option", test_cli_unknown_option);
  g_test_add_func ("/MailDoctor/Cli/unknown-option-german", test_cli_unknown_option_german);

  return g_test_run ();
}
