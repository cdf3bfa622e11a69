/* md-test-util.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "md-test-util.h"

#include <gio/gio.h>
#include <string.h>

static char *
build_path_va (const char  *root,
               const char  *first_element,
               va_list      args)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();

  g_ptr_array_add (parts, (gpointer) root);
  for (const char *e = first_element; e != NULL; e = va_arg (args, const char *))
    g_ptr_array_add (parts, (gpointer) e);
  g_ptr_array_add (parts, NULL);

  return g_build_filenamev ((char **) parts->pdata);
}

char *
md_test_srcdir_path (const char *first_element,
                     ...)
{
  const char *root = g_getenv ("MD_TESTS_SRCDIR");
  va_list args;
  char *path;

  g_assert_nonnull (root);
  va_start (args, first_element);
  path = build_path_va (root, first_element, args);
  va_end (args);

  return path;
}

char *
md_test_shared_path (const char *first_element,
                     ...)
{
  const char *root = g_getenv ("MD_SHARED_DIR");
  va_list args;
  char *path;

  if (root == NULL || !g_file_test (root, G_FILE_TEST_IS_DIR))
    return NULL;

  va_start (args, first_element);
  path = build_path_va (root, first_element, args);
  va_end (args);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    g_clear_pointer (&path, g_free);

  return path;
}

/* Standard input is always a pipe (empty unless @stdin_text says
 * otherwise), so that a command that reads it never waits on whatever the
 * test runner left on the test's own standard input. */
void
md_test_cli_run (MdTestCliRun       *run,
                 const char         *command,
                 const char         *stdin_text,
                 const char         *language,
                 const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("MD_CLI");

  g_assert_nonnull (run);
  g_assert_nonnull (args);
  g_assert_nonnull (cli);

  md_test_cli_run_clear (run);

  g_ptr_array_add (argv, (gpointer) cli);
  if (command != NULL)
    g_ptr_array_add (argv, (gpointer) command);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  if (language != NULL)
    g_subprocess_launcher_setenv (launcher, "LANGUAGE", language, TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  g_subprocess_communicate_utf8 (process, stdin_text != NULL ? stdin_text : "", NULL,
                                 &run->out, &run->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);
}

MdTestCliRun *
md_test_cli_run_new (const char         *command,
                     const char         *stdin_text,
                     const char         *language,
                     const char * const *args)
{
  MdTestCliRun *run = g_new0 (MdTestCliRun, 1);

  md_test_cli_run (run, command, stdin_text, language, args);

  return run;
}

void
md_test_cli_run_clear (MdTestCliRun *run)
{
  run->status = 0;
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

void
md_test_cli_run_free (MdTestCliRun *run)
{
  md_test_cli_run_clear (run);
  g_free (run);
}

void
md_test_cli_assert_usage_error (const MdTestCliRun *run,
                                const char         *fragment)
{
  g_assert_cmpint (run->status, ==, 2);
  g_assert_cmpstr (run->out, ==, "");
  g_assert_true (g_str_has_prefix (run->err, "maildoctor-cli: "));
  g_assert_true (g_str_has_suffix (run->err, "\n"));
  /* One line: the only line break is the last character. */
  g_assert_true (strchr (run->err, '\n') == run->err + strlen (run->err) - 1);
  g_assert_nonnull (strstr (run->err, fragment));
}

/* The loopback resolver */

#define MD_TEST_TYPE_LOOPBACK_RESOLVER (md_test_loopback_resolver_get_type ())
G_DECLARE_FINAL_TYPE (MdTestLoopbackResolver, md_test_loopback_resolver,
                      MD_TEST, LOOPBACK_RESOLVER, GResolver)

struct _MdTestLoopbackResolver
{
  GResolver parent_instance;
};

G_DEFINE_FINAL_TYPE (MdTestLoopbackResolver, md_test_loopback_resolver, G_TYPE_RESOLVER)

static GList *
loopback_lookup (const char                *hostname,
                 GResolverNameLookupFlags   flags,
                 GError                   **error)
{
  if (flags != G_RESOLVER_NAME_LOOKUP_FLAGS_IPV6_ONLY &&
      (g_str_has_suffix (hostname, ".test") || g_str_equal (hostname, "localhost")))
    return g_list_append (NULL, g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4));

  g_set_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND,
               "No test address for %s", hostname);
  return NULL;
}

static GList *
loopback_lookup_by_name_with_flags (GResolver                 *resolver,
                                    const char                *hostname,
                                    GResolverNameLookupFlags   flags,
                                    GCancellable              *cancellable,
                                    GError                   **error)
{
  return loopback_lookup (hostname, flags, error);
}

static GList *
loopback_lookup_by_name (GResolver     *resolver,
                         const char    *hostname,
                         GCancellable  *cancellable,
                         GError       **error)
{
  return loopback_lookup (hostname, G_RESOLVER_NAME_LOOKUP_FLAGS_DEFAULT, error);
}

static void
loopback_lookup_by_name_with_flags_async (GResolver                 *resolver,
                                          const char                *hostname,
                                          GResolverNameLookupFlags   flags,
                                          GCancellable              *cancellable,
                                          GAsyncReadyCallback        callback,
                                          gpointer                   user_data)
{
  g_autoptr(GTask) task = g_task_new (resolver, cancellable, callback, user_data);
  GError *error = NULL;
  GList *addresses = loopback_lookup (hostname, flags, &error);

  if (addresses != NULL)
    g_task_return_pointer (task, addresses, (GDestroyNotify) g_resolver_free_addresses);
  else
    g_task_return_error (task, error);
}

static void
loopback_lookup_by_name_async (GResolver           *resolver,
                               const char          *hostname,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  loopback_lookup_by_name_with_flags_async (resolver, hostname,
                                            G_RESOLVER_NAME_LOOKUP_FLAGS_DEFAULT,
                                            cancellable, callback, user_data);
}

static GList *
loopback_lookup_finish (GResolver     *resolver,
                        GAsyncResult  *result,
                        GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
md_test_loopback_resolver_class_init (MdTestLoopbackResolverClass *klass)
{
  GResolverClass *resolver_class = G_RESOLVER_CLASS (klass);

  resolver_class->lookup_by_name = loopback_lookup_by_name;
  resolver_class->lookup_by_name_async = loopback_lookup_by_name_async;
  resolver_class->lookup_by_name_finish = loopback_lookup_finish;
  resolver_class->lookup_by_name_with_flags = loopback_lookup_by_name_with_flags;
  resolver_class->lookup_by_name_with_flags_async = loopback_lookup_by_name_with_flags_async;
  resolver_class->lookup_by_name_with_flags_finish = loopback_lookup_finish;
}

static void
md_test_loopback_resolver_init (MdTestLoopbackResolver *self)
{
}

GResolver *
md_test_loopback_resolver_new (void)
{
  return g_object_new (MD_TEST_TYPE_LOOPBACK_RESOLVER, NULL);
}

/* Resolvers on knotd */

GStrv
md_test_knot_zone_files_without (const char *zone_file)
{
  g_auto(GStrv) all = md_test_knot_list_zone_files ();
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; all[i] != NULL; i++)
    if (!g_str_equal (all[i], zone_file))
      g_strv_builder_add (builder, all[i]);

  return g_strv_builder_end (builder);
}

MdResolver *
md_test_knot_resolver (MdTestKnot   *knot,
                       const GError *knot_error)
{
  if (knot == NULL)
    {
      g_assert_nonnull (knot_error);
      if (g_error_matches (knot_error, MD_TEST_KNOT_ERROR, MD_TEST_KNOT_ERROR_NOT_FOUND))
        g_test_skip (knot_error->message);
      else
        g_test_fail_printf ("knotd did not start: %s", knot_error->message);
      return NULL;
    }

  return md_test_knot_new_resolver (knot);
}

void
md_test_query_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  MdTestQuery *qr = user_data;

  qr->answer = md_resolver_query_finish (MD_RESOLVER (object), result, &qr->error);
  qr->done = TRUE;
}

MdDnsAnswer *
md_test_resolver_query (MdResolver *resolver,
                        const char *name,
                        MdDnsType   type)
{
  MdTestQuery qr = { 0 };

  md_resolver_query_async (resolver, name, type, NULL, md_test_query_cb, &qr);
  g_assert_true (md_test_main_loop_run_until (&qr.done, 10000));
  g_assert_no_error (qr.error);
  g_assert_nonnull (qr.answer);

  return qr.answer;
}

/* Check runs */

MdCheck *
md_test_get_check (MdCheckRun *run,
                   const char *id)
{
  MdCheck *check = md_check_run_lookup (run, id);

  if (check == NULL)
    g_error ("no check “%s”", id);

  return check;
}

JsonObject *
md_test_json_find_check (JsonObject *report,
                         const char *id)
{
  JsonArray *checks = json_object_get_array_member (report, "checks");

  for (guint i = 0; i < json_array_get_length (checks); i++)
    {
      JsonObject *check = json_array_get_object_element (checks, i);

      if (g_str_equal (json_object_get_string_member (check, "id"), id))
        return check;
    }

  return NULL;
}

/* SPF */

static void
spf_check_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  MdSpfResult **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = md_spf_check_finish (result, &error);
  g_assert_no_error (error);
}

MdSpfResult *
md_test_spf_check (MdDnsSource *source,
                   const char  *ip,
                   const char  *sender,
                   const char  *helo)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (ip);
  MdSpfResult *result = NULL;

  g_assert_nonnull (address);
  md_spf_check_async (source, address, sender, helo, NULL, spf_check_cb, &result);
  /* Never synchronous: the answer comes from the main loop. */
  g_assert_null (result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return result;
}
