/* test-cli.c — maildoctor-cli's contract: exit codes, help, version
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>

typedef struct
{
  int   status;
  char *out;
  char *err;
} CliRun;

static void
cli_run_clear (CliRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CliRun, cli_run_clear)

static void
run_cli (CliRun             *run,
         const char         *language,
         const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, (gpointer) g_getenv ("MD_CLI"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE |
                                        G_SUBPROCESS_FLAGS_STDIN_PIPE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", language, TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);
}

/* Bad usage: exit 2 and exactly one line on stderr, nothing on stdout. */
static void
assert_usage_error (const CliRun *run,
                    const char   *expected_fragment)
{
  g_assert_cmpint (run->status, ==, 2);
  g_assert_cmpstr (run->out, ==, "");
  g_assert_true (g_str_has_prefix (run->err, "maildoctor-cli: "));
  g_assert_true (g_str_has_suffix (run->err, "\n"));
  g_assert_true (strchr (run->err, '\n') == run->err + strlen (run->err) - 1);
  g_assert_nonnull (strstr (run->err, expected_fragment));
}

static void
test_cli_version (void)
{
  g_auto(CliRun) run = { 0 };

  run_cli (&run, "en", (const char *[]) { "--version", NULL });
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "maildoctor-cli " PACKAGE_VERSION "\n");
  g_assert_cmpstr (run.err, ==, "");
}

static void
test_cli_help (void)
{
  g_auto(CliRun) run = { 0 };

  run_cli (&run, "en", (const char *[]) { "--help", NULL });
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_str_has_prefix (run.out, "Usage: maildoctor-cli COMMAND [OPTION…]\n"));
  g_assert_nonnull (strstr (run.out, "--version"));
  g_assert_cmpstr (run.err, ==, "");
}

static void
test_cli_help_german (void)
{
  g_auto(CliRun) run = { 0 };

  run_cli (&run, "de", (const char *[]) { "--help", NULL });
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_str_has_prefix (run.out, "Aufruf: maildoctor-cli BEFEHL [OPTION …]\n"));
  g_assert_nonnull (strstr (run.out, "Befehle:"));
  g_assert_nonnull (strstr (run.out, "Die Version anzeigen"));
}

static void
test_cli_no_command (void)
{
  g_auto(CliRun) run = { 0 };

  run_cli (&run, "en", (const char *[]) { NULL });
  assert_usage_error (&run, "no command given");
}

static void
test_cli_unknown_command (void)
{
  g_auto(CliRun) run = { 0 };

  run_cli (&run, "en", (const char *[]) { "frobnicate", NULL });
  assert_usage_error (&run, "unknown command “frobnicate”");
}

static void
test_cli_unknown_option (void)
{
  g_auto(CliRun) run = { 0 };

  run_cli (&run, "en", (const char *[]) { "--frobnicate", NULL });
  assert_usage_error (&run, "unknown option “--frobnicate”");
}

static void
test_cli_unknown_option_german (void)
{
  g_auto(CliRun) run = { 0 };

  run_cli (&run, "de", (const char *[]) { "--frobnicate", NULL });
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
