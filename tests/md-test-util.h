/* md-test-util.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "md-check-run.h"
#include "md-resolver.h"
#include "md-spf.h"
#include "md-test-knot.h"

G_BEGIN_DECLS

/* A file below tests/ in the source tree. */
char       *md_test_srcdir_path  (const char *first_element,
                                  ...) G_GNUC_NULL_TERMINATED;
/* A file below ../shared/ (testdata, knowledge); NULL when that folder is
 * absent, and the caller skips with a clear message. */
char       *md_test_shared_path  (const char *first_element,
                                  ...) G_GNUC_NULL_TERMINATED;

/* One run of maildoctor-cli (the program in $MD_CLI): its exit status and
 * everything it wrote. */
typedef struct
{
  int   status;
  char *out;
  char *err;
} MdTestCliRun;

/* Runs maildoctor-cli @command @args… to its end, with @stdin_text (NULL:
 * an empty input) and $LANGUAGE set to @language (NULL: the test's own). */
void          md_test_cli_run                (MdTestCliRun       *run,
                                              const char         *command,
                                              const char         *stdin_text,
                                              const char         *language,
                                              const char * const *args);
MdTestCliRun *md_test_cli_run_new            (const char         *command,
                                              const char         *stdin_text,
                                              const char         *language,
                                              const char * const *args);
void          md_test_cli_run_clear          (MdTestCliRun       *run);
void          md_test_cli_run_free           (MdTestCliRun       *run);
/* Bad usage: exit 2, nothing on stdout and exactly one line on stderr,
 * "maildoctor-cli: …" with @fragment in it. */
void          md_test_cli_assert_usage_error (const MdTestCliRun *run,
                                              const char         *fragment);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MdTestCliRun, md_test_cli_run_clear)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdTestCliRun, md_test_cli_run_free)

/* A GResolver for g_resolver_set_default(): "localhost" and every name under
 * .test are 127.0.0.1, the rest is not found (and so is every IPv6-only
 * lookup), so HTTPS tests reach an in-process server by real host names. */
GResolver   *md_test_loopback_resolver_new   (void);

/* Every zone file md_test_knot_list_zone_files() lists but @zone_file. */
GStrv        md_test_knot_zone_files_without (const char   *zone_file);
/* A resolver on @knot; when knotd did not start (@knot is NULL), skips the
 * test if knotd is not installed, fails it otherwise, and returns NULL. */
MdResolver  *md_test_knot_resolver           (MdTestKnot   *knot,
                                              const GError *knot_error);

/* A query in flight: md_resolver_query_async (…, md_test_query_cb, &query)
 * sets answer or error, then done. */
typedef struct
{
  gboolean     done;
  MdDnsAnswer *answer;
  GError      *error;
} MdTestQuery;

void         md_test_query_cb                (GObject      *object,
                                              GAsyncResult *result,
                                              gpointer      user_data);
/* One query run to its end; asserts that it gave an answer, not an error. */
MdDnsAnswer *md_test_resolver_query          (MdResolver   *resolver,
                                              const char   *name,
                                              MdDnsType     type);

/* The check @id of @run; the test aborts when @run has none. */
MdCheck     *md_test_get_check               (MdCheckRun   *run,
                                              const char   *id);
/* The check @id in the "checks" of a `maildoctor-cli check --json` report;
 * NULL when there is none. */
JsonObject  *md_test_json_find_check         (JsonObject   *report,
                                              const char   *id);

/* An SPF check of @ip, @sender and @helo on @source, run to its end on the
 * main loop; asserts that it did not finish synchronously nor fail. */
MdSpfResult *md_test_spf_check               (MdDnsSource  *source,
                                              const char   *ip,
                                              const char   *sender,
                                              const char   *helo);

G_END_DECLS
