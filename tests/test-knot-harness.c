/* test-knot-harness.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "md-resolver.h"
#include "md-test-knot.h"
#include "md-test-util.h"

static const char *const zones[] = { "resolver.test.zone", NULL };

/* A pid is gone when kill() cannot find it or it is a zombie waiting for
 * a parent that is not us. */
static gboolean
pid_is_gone (GPid pid)
{
  g_autofree char *stat_path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *contents = NULL;
  const char *close;

  if (kill (pid, 0) != 0 && errno == ESRCH)
    return TRUE;
  if (!g_file_get_contents (stat_path, &contents, NULL, NULL))
    return TRUE;
  close = strrchr (contents, ')');

  return close != NULL && close[1] == ' ' && close[2] == 'Z';
}

static gboolean
skip_without_knotd (GError *error)
{
  if (error != NULL && g_error_matches (error, MD_TEST_KNOT_ERROR, MD_TEST_KNOT_ERROR_NOT_FOUND))
    {
      g_test_skip (error->message);
      return TRUE;
    }

  return FALSE;
}

static void
test_start_query_stop (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdDnsAnswer) answer = NULL;
  g_autoptr(MdResolver) resolver = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *log = NULL;
  MdTestKnot *knot;
  GPid pid;

  knot = md_test_knot_new (zones, &error);
  if (skip_without_knotd (error))
    return;
  g_assert_no_error (error);

  pid = md_test_knot_get_pid (knot);
  g_assert_cmpint (pid, >, 0);
  g_assert_false (pid_is_gone (pid));
  expected = g_strdup_printf ("127.0.0.1:%u", md_test_knot_get_port (knot));
  g_assert_cmpstr (md_test_knot_get_address (knot), ==, expected);
  g_assert_cmpuint (md_test_knot_get_port (knot), !=, 53);

  resolver = md_test_knot_new_resolver (knot);
  answer = md_test_resolver_query (resolver, "mx1.resolver.test", MD_DNS_TYPE_A);
  g_assert_cmpint (answer->status, ==, MD_DNS_STATUS_OK);
  g_assert_cmpuint (answer->records->len, ==, 1);

  log = md_test_knot_get_log (knot);
  g_assert_nonnull (strstr (log, "[resolver.test.] loaded"));

  md_test_knot_free (knot);
  g_assert_true (pid_is_gone (pid));

  /* Stopped means stopped: the port no longer answers. */
  g_clear_pointer (&answer, md_dns_answer_free);
  md_resolver_set_timeout (resolver, 500);
  answer = md_test_resolver_query (resolver, "mx1.resolver.test", MD_DNS_TYPE_A);
  g_assert_true (md_dns_answer_is_failure (answer));
}

static void
test_temp_dir_removed (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pattern = g_strdup_printf ("md-test-knot-%d-", (int) getpid ());
  MdTestKnot *knot;
  GDir *dir;
  const char *name;
  guint found = 0;

  knot = md_test_knot_new (NULL, &error);
  if (skip_without_knotd (error))
    return;
  g_assert_no_error (error);
  md_test_knot_free (knot);

  dir = g_dir_open (g_get_tmp_dir (), 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, pattern))
      found++;
  g_dir_close (dir);

  g_assert_cmpuint (found, ==, 0);
}

static void
test_servfail_and_refused (void)
{
  static const char *const failing[] = { "broken.resolver.test", NULL };
  MdTestKnotOptions options = { zones, failing };
  g_autoptr(GError) error = NULL;
  g_autoptr(MdTestKnot) knot = NULL;
  g_autoptr(MdResolver) resolver = NULL;
  g_autoptr(MdDnsAnswer) servfail = NULL;
  g_autoptr(MdDnsAnswer) refused = NULL;
  g_autoptr(MdDnsAnswer) ok = NULL;

  knot = md_test_knot_new_full (&options, &error);
  if (skip_without_knotd (error))
    return;
  g_assert_no_error (error);

  resolver = md_test_knot_new_resolver (knot);
  servfail = md_test_resolver_query (resolver, "www.broken.resolver.test", MD_DNS_TYPE_A);
  g_assert_cmpint (servfail->status, ==, MD_DNS_STATUS_SERVFAIL);
  refused = md_test_resolver_query (resolver, "www.outside.invalid", MD_DNS_TYPE_A);
  g_assert_cmpint (refused->status, ==, MD_DNS_STATUS_REFUSED);
  ok = md_test_resolver_query (resolver, "www.resolver.test", MD_DNS_TYPE_A);
  g_assert_cmpint (ok->status, ==, MD_DNS_STATUS_OK);
}

static void
test_no_zones_refuses (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdTestKnot) knot = NULL;
  g_autoptr(MdResolver) resolver = NULL;
  g_autoptr(MdDnsAnswer) answer = NULL;

  knot = md_test_knot_new (NULL, &error);
  if (skip_without_knotd (error))
    return;
  g_assert_no_error (error);

  resolver = md_test_knot_new_resolver (knot);
  answer = md_test_resolver_query (resolver, "2.0.0.127.zen.spamhaus.org", MD_DNS_TYPE_A);
  g_assert_cmpint (answer->status, ==, MD_DNS_STATUS_REFUSED);
}

static void
test_bad_zone_file_named (void)
{
  static const char *const missing[] = { "no-such-zone.example.zone", NULL };
  static const char *const misnamed[] = { "/etc/hostname", NULL };
  g_autoptr(GError) error = NULL;
  MdTestKnot *knot;

  knot = md_test_knot_new (missing, &error);
  if (skip_without_knotd (error))
    return;
  g_assert_null (knot);
  g_assert_error (error, MD_TEST_KNOT_ERROR, MD_TEST_KNOT_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "no-such-zone.example.zone does not exist"));
  g_clear_error (&error);

  knot = md_test_knot_new (misnamed, &error);
  g_assert_null (knot);
  g_assert_error (error, MD_TEST_KNOT_ERROR, MD_TEST_KNOT_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "must be named <origin>.zone"));
}

static void
test_silent_server (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdTestSilentServer) silent = md_test_silent_server_new (&error);
  g_autoptr(MdResolver) resolver = NULL;
  g_autoptr(MdDnsAnswer) answer = NULL;

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (md_test_silent_server_get_address (silent), "127.0.0.1:"));

  resolver = md_resolver_new_for_servers (md_test_silent_server_get_address (silent), &error);
  g_assert_no_error (error);
  md_resolver_set_timeout (resolver, 200);
  answer = md_test_resolver_query (resolver, "www.resolver.test", MD_DNS_TYPE_A);
  g_assert_cmpint (answer->status, ==, MD_DNS_STATUS_TIMEOUT);
}

static char *
pid_file_path (pid_t parent)
{
  g_autofree char *name = g_strdup_printf ("md-test-knot-harness-%d.pid", (int) parent);

  return g_build_filename (g_get_tmp_dir (), name, NULL);
}

/* The knotd of a test program that dies must not survive it. */
static void
test_killed_with_parent (void)
{
  g_autofree char *pid_file = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *stale_prefix = NULL;
  g_auto(GStrv) pids = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MdTestKnot) sweeper = NULL;
  gint64 deadline;
  guint64 knotd_pid = 0;
  guint64 child_pid = 0;
  GDir *dir;
  const char *name;

  if (g_test_subprocess ())
    {
      MdTestKnot *knot = md_test_knot_new (NULL, &error);
      g_autofree char *text = NULL;

      g_assert_no_error (error);
      text = g_strdup_printf ("%d %d", (int) md_test_knot_get_pid (knot), (int) getpid ());
      pid_file = pid_file_path (getppid ());
      g_assert_true (g_file_set_contents (pid_file, text, -1, NULL));
      /* Die the hard way: no atexit, no md_test_knot_free(). */
      raise (SIGKILL);
      return;
    }

  if (!md_test_knot_is_available ())
    {
      g_test_skip ("knotd (Knot DNS) is not installed: apt install knot");
      return;
    }

  pid_file = pid_file_path (getpid ());
  g_unlink (pid_file);

  /* The orphaned knotd is handed to us instead of to init, so that we can
   * reap it and see it gone (init in a container may never reap). */
  g_assert_cmpint (prctl (PR_SET_CHILD_SUBREAPER, 1), ==, 0);
  g_test_trap_subprocess (NULL, 20 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_failed ();

  g_assert_true (g_file_get_contents (pid_file, &contents, NULL, NULL));
  g_unlink (pid_file);
  pids = g_strsplit (contents, " ", 2);
  g_assert_cmpuint (g_strv_length (pids), ==, 2);
  g_assert_true (g_ascii_string_to_unsigned (pids[0], 10, 1, G_MAXINT, &knotd_pid, NULL));
  g_assert_true (g_ascii_string_to_unsigned (pids[1], 10, 1, G_MAXINT, &child_pid, NULL));

  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (!pid_is_gone ((GPid) knotd_pid) && g_get_monotonic_time () < deadline)
    {
      waitpid ((pid_t) knotd_pid, NULL, WNOHANG);
      g_usleep (10000);
    }
  waitpid ((pid_t) knotd_pid, NULL, WNOHANG);
  g_assert_cmpint (prctl (PR_SET_CHILD_SUBREAPER, 0), ==, 0);
  g_assert_true (pid_is_gone ((GPid) knotd_pid));

  /* Its temp dir is left behind (SIGKILL skips every cleanup); the next
   * harness start removes it. */
  sweeper = md_test_knot_new (NULL, &error);
  g_assert_no_error (error);
  stale_prefix = g_strdup_printf ("md-test-knot-%d-", (int) child_pid);
  dir = g_dir_open (g_get_tmp_dir (), 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_assert_false (g_str_has_prefix (name, stale_prefix));
  g_dir_close (dir);
}

static void
test_list_zone_files (void)
{
  g_auto(GStrv) files = md_test_knot_list_zone_files ();

  g_assert_true (g_strv_contains ((const char *const *) files, "resolver.test.zone"));
  g_assert_true (g_strv_contains ((const char *const *) files,
                                  "77.100.51.198.in-addr.arpa.zone"));
  for (guint i = 1; files[i] != NULL; i++)
    g_assert_cmpint (strcmp (files[i - 1], files[i]), <, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/MailDoctor/KnotHarness/start-query-stop", test_start_query_stop);
  g_test_add_func ("/MailDoctor/KnotHarness/temp-dir-removed", test_temp_dir_removed);
  g_test_add_func ("/MailDoctor/KnotHarness/servfail-and-refused", test_servfail_and_refused);
  g_test_add_func ("/MailDoctor/KnotHarness/no-zones-refuses", test_no_zones_refuses);
  g_test_add_func ("/MailDoctor/KnotHarness/bad-zone-file", test_bad_zone_file_named);
  g_test_add_func ("/MailDoctor/KnotHarness/silent-server", test_silent_server);
  g_test_add_func ("/MailDoctor/KnotHarness/killed-with-parent", test_killed_with_parent);
  g_test_add_func ("/MailDoctor/KnotHarness/list-zone-files", test_list_zone_files);

  return g_test_run ();
}
