/* test-resolver-trust.c — a check run on resolvers that lie, refuse or are
 * silent: each a real Knot DNS serving a root zone written by the test
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "md-blocklists.h"
#include "md-check-run.h"
#include "md-resolver-trust.h"
#include "md-test-knot.h"
#include "md-test-util.h"
#include "md-util.h"

static char *tmpdir;

#define ROOT_SOA "$ORIGIN .\n$TTL 60\n" \
                 "@ IN SOA a.root-servers.test. hostmaster.root-servers.test. 1 1800 900 604800 60\n" \
                 "@ IN NS a.root-servers.test.\n"

typedef struct
{
  gboolean  done;
  GError   *error;
} RunData;

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  RunData *data = user_data;

  md_check_run_start_finish (MD_CHECK_RUN (object), result, &data->error);
  data->done = TRUE;
}

/* Writes @text as DIR/<origin>.zone in a directory of its own (one per
 * server), so that two servers can serve different roots. */
static char *
write_zone (const char *dir_name,
            const char *origin,
            const char *text)
{
  g_autofree char *dir = g_build_filename (tmpdir, dir_name, NULL);
  g_autofree char *file = g_strconcat (origin, ".zone", NULL);
  char *path = g_build_filename (dir, file, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);

  return path;
}

static MdCheckRun *
run_with (MdResolver              *resolver,
          const char              *ip,
          const char              *domain,
          const MdCheckRunOptions *options)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCheckSubject) subject = md_check_subject_new (ip, domain, NULL, NULL, &error);
  MdCheckRun *run;
  RunData data = { 0 };

  g_assert_no_error (error);
  run = md_check_run_new (MD_DNS_SOURCE (resolver), subject, options);
  md_check_run_start_async (run, NULL, run_cb, &data);
  g_assert_true (md_test_main_loop_run_until (&data.done, 20000));
  g_assert_no_error (data.error);
  g_assert_cmpuint (md_check_run_count (run, MD_CHECK_STATUS_RUNNING), ==, 0);

  return run;
}

static MdCheck *
check_of (MdCheckRun *run,
          const char *id)
{
  MdCheck *check = md_check_run_lookup (run, id);

  if (check == NULL)
    g_error ("no check %s", id);

  return check;
}

static void
assert_untrusted (MdCheckRun *run,
                  const char *id,
                  const char *state)
{
  MdCheck *check = check_of (run, id);
  JsonObject *details = md_check_get_details (check);

  g_assert_cmpstr (md_check_status_to_string (md_check_get_status (check)), ==, "error");
  g_assert_true (g_str_has_prefix (md_check_get_summary (check),
                                   "Could not decide: your DNS resolver "));
  g_assert_cmpstr (json_object_get_string_member (details, "reason"), ==, "resolver-untrusted");
  g_assert_cmpstr (json_object_get_string_member (details, "resolver_state"), ==, state);
}

static MdTestKnot *
start_knot (const char *const *zones,
            GError           **error)
{
  MdTestKnotOptions options = { zones, NULL };

  return md_test_knot_new_full (&options, error);
}

#define START_OR_SKIP(knot, zones)                                  \
  G_STMT_START {                                                    \
    g_autoptr(GError) knot_error_ = NULL;                           \
    knot = start_knot (zones, &knot_error_);                        \
    if (knot == NULL)                                               \
      {                                                             \
        md_test_knot_resolver (NULL, knot_error_);                  \
        return;                                                     \
      }                                                             \
  } G_STMT_END

/* The symptom from the bug report: "no such name" for everything but the
 * root. No red "no PTR record", no "SPF none", no "not listed". */
static void
test_denies (void)
{
  g_autofree char *root = write_zone ("denies", "root", ROOT_SOA);
  const char *zones[] = { root, NULL };
  g_autoptr(MdTestKnot) knot = NULL;
  g_autoptr(MdResolver) resolver = NULL;
  g_autoptr(MdCheckRun) run = NULL;
  g_autofree char *line = NULL;
  JsonObject *evidence;

  START_OR_SKIP (knot, zones);
  resolver = md_test_knot_new_resolver (knot);
  run = run_with (resolver, "203.0.113.7", "contoso.com", NULL);

  g_assert_cmpint (md_check_run_get_resolver_trust (run), ==, MD_RESOLVER_TRUST_DENIES);
  evidence = md_check_run_get_resolver_evidence (run);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (evidence,
                                                                                 "A a.root-servers.net"),
                                                  "status"), ==, "nxdomain");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (evidence,
                                                                                 "NS com"),
                                                  "status"), ==, "nxdomain");
  line = md_check_run_describe_resolver (run);
  g_assert_cmpstr (strchr (line, ')'), ==,
                   "): denies names that exist: it answers “no such name” for "
                   "a.root-servers.net, com");

  assert_untrusted (run, "rdns", "denies");
  assert_untrusted (run, "spf", "denies");
  assert_untrusted (run, "dmarc", "denies");
  /* a list's failed self-test is the resolver's doing: the list is not blamed */
  assert_untrusted (run, "dnsbl/zen.spamhaus.org", "denies");
  assert_untrusted (run, "dnsbl/dbl.spamhaus.org", "denies");

  /* nothing decided at all: no green, no red */
  g_assert_cmpuint (md_check_run_count (run, MD_CHECK_STATUS_OK), ==, 0);
  g_assert_cmpuint (md_check_run_count (run, MD_CHECK_STATUS_PROBLEM), ==, 0);
  g_assert_cmpuint (md_check_run_count (run, MD_CHECK_STATUS_INFO), ==, 0);
}

/* NXDOMAIN redirection: an address for every name that does not exist. */
static void
test_rewrites (void)
{
  g_autofree char *root = write_zone ("rewrites", "root", ROOT_SOA "*. IN A 198.51.100.80\n");
  const char *zones[] = { root, NULL };
  g_autoptr(MdTestKnot) knot = NULL;
  g_autoptr(MdResolver) resolver = NULL;
  g_autoptr(MdCheckRun) run = NULL;
  g_autoptr(JsonNode) json = NULL;
  JsonObject *report;

  START_OR_SKIP (knot, zones);
  resolver = md_test_knot_new_resolver (knot);
  run = run_with (resolver, "203.0.113.7", "contoso.com", NULL);

  g_assert_cmpint (md_check_run_get_resolver_trust (run), ==, MD_RESOLVER_TRUST_REWRITES);
  json = md_check_run_to_json (run);
  report = json_object_get_object_member (json_node_get_object (json), "resolver");
  g_assert_cmpstr (json_object_get_string_member (report, "state"), ==, "rewrites");
  g_assert_cmpstr (json_object_get_string_member (report, "reason"), ==,
                   "rewrites answers: it gave the address 198.51.100.80 for a name that does "
                   "not exist");
  assert_untrusted (run, "rdns", "rewrites");
  assert_untrusted (run, "spf", "rewrites");
  g_assert_cmpuint (md_check_run_count (run, MD_CHECK_STATUS_OK), ==, 0);
  g_assert_cmpuint (md_check_run_count (run, MD_CHECK_STATUS_PROBLEM), ==, 0);
}

/* 127.0.0.2 for every name: Hostkarma has only a "must be listed" test
 * entry, so its self-test passes; the random name gives the lie away. */
static void
test_hostkarma (void)
{
  g_autofree char *root = write_zone ("listed", "root", ROOT_SOA "*. IN A 127.0.0.2\n");
  const char *zones[] = { root, NULL };
  g_autoptr(MdTestKnot) knot = NULL;
  g_autoptr(MdResolver) resolver = NULL;
  g_autoptr(MdCheckRun) run = NULL;

  START_OR_SKIP (knot, zones);
  resolver = md_test_knot_new_resolver (knot);
  run = run_with (resolver, "192.0.2.50", NULL, NULL);

  g_assert_cmpint (md_check_run_get_resolver_trust (run), ==, MD_RESOLVER_TRUST_REWRITES);
  assert_untrusted (run, "dnsbl/hostkarma.junkemailfilter.com", "rewrites");
  g_assert_cmpuint (md_check_run_count (run, MD_CHECK_STATUS_PROBLEM), ==, 0);
}

/* A public resolver as Spamhaus sees it: 127.255.255.254 for everything.
 * Only the lists are affected; the rest is decided as usual. */
static void
test_refused (void)
{
  g_autofree char *zen = write_zone ("refused", "zen.spamhaus.org",
                                     "$ORIGIN zen.spamhaus.org.\n$TTL 60\n"
                                     "@ IN SOA ns hostmaster 1 3600 600 86400 60\n"
                                     "@ IN NS ns\nns IN A 127.0.0.1\n"
                                     "* IN A 127.255.255.254\n");
  g_auto(GStrv) zones = md_test_knot_zone_files_without ("zen.spamhaus.org.zone");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) all = NULL;
  g_autofree char *line = NULL;
  g_autoptr(MdTestKnot) knot = NULL;
  g_autoptr(MdResolver) resolver = NULL;
  g_autoptr(MdCheckRun) run = NULL;

  g_strv_builder_addv (builder, (const char **) zones);
  g_strv_builder_add (builder, zen);
  all = g_strv_builder_end (builder);

  START_OR_SKIP (knot, (const char * const *) all);
  resolver = md_test_knot_new_resolver (knot);
  run = run_with (resolver, "203.0.113.7", NULL, NULL);

  g_assert_cmpint (md_check_run_get_resolver_trust (run), ==, MD_RESOLVER_TRUST_REFUSED);
  line = md_check_run_describe_resolver (run);
  g_assert_nonnull (strstr (line, "is refused by blocklists: Spamhaus ZEN will not answer it"));
  g_assert_cmpint (md_check_get_status (check_of (run, "dnsbl/zen.spamhaus.org")), ==,
                   MD_CHECK_STATUS_ERROR);
  /* the PTR came back truthfully: decided */
  g_assert_cmpint (md_check_get_status (check_of (run, "rdns")), ==, MD_CHECK_STATUS_OK);
  g_assert_cmpint (md_check_get_status (check_of (run, "dnsbl/sbl.spamhaus.org")), ==,
                   MD_CHECK_STATUS_OK);
}

static void
test_unreachable (void)
{
  g_autoptr(MdTestSilentServer) silent = NULL;
  g_autoptr(MdResolver) resolver = NULL;
  g_autoptr(MdCheckRun) run = NULL;
  g_autoptr(GError) error = NULL;

  silent = md_test_silent_server_new (&error);
  g_assert_no_error (error);
  resolver = md_resolver_new_for_servers (md_test_silent_server_get_address (silent), &error);
  g_assert_no_error (error);
  md_resolver_set_timeout (resolver, 300);

  run = run_with (resolver, "203.0.113.7", "contoso.com", NULL);
  g_assert_cmpint (md_check_run_get_resolver_trust (run), ==, MD_RESOLVER_TRUST_UNREACHABLE);
  g_assert_cmpuint (md_check_run_count (run, MD_CHECK_STATUS_ERROR), ==,
                    g_list_model_get_n_items (G_LIST_MODEL (run)));
}

/* A name that is an alias of itself, answered NOERROR: not "no record". */
static void
test_cname_loop (void)
{
  g_autofree char *zone = write_zone ("loop", "loop.example.net",
                                      "$ORIGIN loop.example.net.\n$TTL 60\n"
                                      "@ IN SOA ns hostmaster 1 3600 600 86400 60\n"
                                      "@ IN NS ns\nns IN A 127.0.0.1\n"
                                      "_dmarc IN CNAME _dmarc\n"
                                      "@ IN TXT \"v=spf1 -all\"\n");
  const char *zones[] = { "root.zone", zone, NULL };
  g_autoptr(MdTestKnot) knot = NULL;
  g_autoptr(MdResolver) resolver = NULL;
  g_autoptr(MdCheckRun) run = NULL;
  MdCheck *dmarc;

  START_OR_SKIP (knot, zones);
  resolver = md_test_knot_new_resolver (knot);
  run = run_with (resolver, "203.0.113.7", "loop.example.net", NULL);

  g_assert_cmpint (md_check_run_get_resolver_trust (run), ==, MD_RESOLVER_TRUST_TRUSTED);
  dmarc = check_of (run, "dmarc");
  g_assert_cmpint (md_check_get_status (dmarc), ==, MD_CHECK_STATUS_ERROR);
  g_assert_nonnull (strstr (md_check_get_summary (dmarc), "CNAME loop"));
}

/* tmpdir holds one directory per server, each with zone files only. */
static void
remove_tmpdir (void)
{
  g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *sub = g_build_filename (tmpdir, name, NULL);
      g_autoptr(GDir) inner = g_dir_open (sub, 0, NULL);
      const char *file;

      while (inner != NULL && (file = g_dir_read_name (inner)) != NULL)
        {
          g_autofree char *path = g_build_filename (sub, file, NULL);
          g_remove (path);
        }
      g_rmdir (sub);
    }
  g_rmdir (tmpdir);
}

static const char refusing_zen[] =
  "$ORIGIN zen.spamhaus.org.\n$TTL 60\n"
  "@ IN SOA ns hostmaster 1 3600 600 86400 60\n"
  "@ IN NS ns\nns IN A 127.0.0.1\n"
  "* IN A 127.255.255.254\n"
  "* IN TXT \"Error: open resolver; https://check.spamhaus.org/returnc/pub/\"\n";

/* The "public resolver" answers 127.255.255.254 for the Spamhaus zone and
 * serves its NS (ns.zen.spamhaus.org, 127.0.0.1); the "authoritative"
 * server there has the true answers. The port of the latter is the
 * test-only authoritative_port option. */
static void
test_authoritative_fallback (void)
{
  g_autofree char *zen = write_zone ("fallback", "zen.spamhaus.org", refusing_zen);
  const char *public_zones[] = { "root.zone", zen, NULL };
  const char *true_zones[] = { "root.zone", "zen.spamhaus.org.zone", NULL };
  g_autoptr(MdTestKnot) public_knot = NULL;
  g_autoptr(MdTestKnot) authoritative = NULL;
  g_autoptr(MdResolver) resolver = NULL;
  g_autoptr(MdCheckRun) run = NULL;
  g_autoptr(MdCheckRunOptions) options = md_check_run_options_new ();
  MdCheck *check;
  JsonObject *details;

  START_OR_SKIP (public_knot, public_zones);
  START_OR_SKIP (authoritative, true_zones);
  resolver = md_test_knot_new_resolver (public_knot);
  options->authoritative_port = md_test_knot_get_port (authoritative);
  run = run_with (resolver, "203.0.113.7", NULL, options);

  g_assert_cmpint (md_check_run_get_resolver_trust (run), ==, MD_RESOLVER_TRUST_REFUSED);
  check = check_of (run, "dnsbl/zen.spamhaus.org");
  details = md_check_get_details (check);
  g_assert_cmpint (md_check_get_status (check), ==, MD_CHECK_STATUS_PROBLEM);
  g_assert_cmpstr (md_check_get_summary (check), ==,
                   "Listed: CSS: low-reputation IP sending spam (Spamhaus CSS). Answered by the "
                   "list’s own name servers, not by your resolver.");
  g_assert_cmpstr (json_object_get_string_member (details, "answered_by"), ==, "authoritative");
  g_assert_cmpstr (json_object_get_string_member (details, "txt"), ==,
                   "https://check.spamhaus.org/query/ip/203.0.113.7");

  /* a list the resolver answered stays the resolver's */
  g_assert_cmpstr (json_object_get_string_member (md_check_get_details (check_of (run, "rdns")),
                                                  "reason"), ==, "no-ptr");
}

/* Its own servers cannot be found: the refusal stands, with both reasons. */
static void
test_authoritative_unreachable (void)
{
  g_autofree char *zen = write_zone ("noauth", "zen.spamhaus.org",
                                     "$ORIGIN zen.spamhaus.org.\n$TTL 60\n"
                                     "@ IN SOA ns hostmaster 1 3600 600 86400 60\n"
                                     "@ IN NS ns.nowhere.example.net.\n"
                                     "* IN A 127.255.255.254\n");
  const char *zones[] = { "root.zone", zen, NULL };
  g_autoptr(MdTestKnot) knot = NULL;
  g_autoptr(MdResolver) resolver = NULL;
  g_autoptr(MdCheckRun) run = NULL;
  MdCheck *check;

  START_OR_SKIP (knot, zones);
  resolver = md_test_knot_new_resolver (knot);
  run = run_with (resolver, "203.0.113.7", NULL, NULL);

  check = check_of (run, "dnsbl/zen.spamhaus.org");
  g_assert_cmpint (md_check_get_status (check), ==, MD_CHECK_STATUS_ERROR);
  g_assert_cmpstr (md_check_get_summary (check), ==,
                   "Could not decide: Spamhaus refuses queries from public resolvers: use your "
                   "own resolver. Its own servers could not be asked either: the name servers "
                   "of zen.spamhaus.org have no address.");
  g_assert_cmpstr (json_object_get_string_member (md_check_get_details (check), "answered_by"),
                   ==, "resolver");
}

/* A known public resolver: the lists are asked on their own servers from
 * the start, and the JSON says the resolver is public. */
static void
test_public (void)
{
  g_auto(GStrv) zones = md_test_knot_list_zone_files ();
  g_autoptr(MdTestKnot) knot = NULL;
  g_autoptr(MdResolver) resolver = NULL;
  g_autoptr(MdCheckRun) run = NULL;
  g_autoptr(MdCheckRunOptions) options = md_check_run_options_new ();
  g_autoptr(JsonNode) json = NULL;
  JsonObject *report;

  START_OR_SKIP (knot, (const char * const *) zones);
  resolver = md_test_knot_new_resolver (knot);
  options->resolver = g_strdup (md_test_knot_get_address (knot));
  options->public_resolver = g_strdup ("Example Public DNS");
  options->authoritative_port = md_test_knot_get_port (knot);
  run = run_with (resolver, "203.0.113.7", NULL, options);

  json = md_check_run_to_json (run);
  report = json_object_get_object_member (json_node_get_object (json), "resolver");
  g_assert_true (json_object_get_boolean_member (report, "public"));
  g_assert_cmpstr (json_object_get_string_member (report, "state"), ==, "trusted");
  g_assert_cmpstr (json_object_get_string_member (md_check_get_details (check_of (run,
                                                                                  "dnsbl/zen.spamhaus.org")),
                                                  "answered_by"), ==, "authoritative");
  g_assert_cmpint (md_check_get_status (check_of (run, "dnsbl/zen.spamhaus.org")), ==,
                   MD_CHECK_STATUS_PROBLEM);
  g_assert_cmpint (md_check_get_status (check_of (run, "resolver")), ==,
                   MD_CHECK_STATUS_WARNING);
}

/* A made-up 26-character key: the product must never show it. */
#define DQS_KEY "mdtestkey0123456789abcdefg"

static char *
write_dqs_zone (const char *dir)
{
  return write_zone (dir, DQS_KEY ".zen.dq.spamhaus.net",
                     "$ORIGIN " DQS_KEY ".zen.dq.spamhaus.net.\n$TTL 60\n"
                     "@ IN SOA ns hostmaster 1 3600 600 86400 60\n"
                     "@ IN NS ns\nns IN A 127.0.0.1\n"
                     "2.0.0.127 IN A 127.0.0.2\n"
                     "7.113.0.203 IN A 127.0.0.3\n"
                     "7.113.0.203 IN TXT \"https://check.spamhaus.org/query/ip/203.0.113.7\"\n"
                     "9.2.0.192 IN A 127.255.255.250\n");
}

/* With a DQS key, ZEN is asked as <key>.zen.dq.spamhaus.net — through the
 * same resolver that the public zone refuses — and the key is in no
 * report. */
static void
test_dqs_key (void)
{
  g_autofree char *zen = write_zone ("dqs", "zen.spamhaus.org", refusing_zen);
  g_autofree char *keyed = write_dqs_zone ("dqs");
  const char *zones[] = { "root.zone", zen, keyed, NULL };
  g_autoptr(MdTestKnot) knot = NULL;
  g_autoptr(MdResolver) resolver = NULL;
  g_autoptr(MdCheckRun) run = NULL;
  g_autoptr(MdCheckRun) bad_key = NULL;
  g_autoptr(MdCheckRunOptions) options = md_check_run_options_new ();
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *text = NULL;
  MdCheck *check;
  JsonObject *details;

  START_OR_SKIP (knot, zones);
  resolver = md_test_knot_new_resolver (knot);
  options->keys = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_hash_table_insert (options->keys, (gpointer) "spamhaus-dqs", g_strdup (DQS_KEY));
  run = run_with (resolver, "203.0.113.7", NULL, options);

  check = check_of (run, "dnsbl/zen.spamhaus.org");
  details = md_check_get_details (check);
  g_assert_cmpstr (md_check_get_summary (check), ==,
                   "Listed: CSS: low-reputation IP sending spam (Spamhaus CSS).");
  g_assert_cmpstr (json_object_get_string_member (details, "query"), ==,
                   "7.113.0.203.{key}.zen.dq.spamhaus.net");
  g_assert_true (json_object_get_boolean_member (details, "keyed"));
  g_assert_cmpstr (json_object_get_string_member (details, "answered_by"), ==, "resolver");
  /* the key zone answers any resolver: the probe sees no refusal */
  g_assert_cmpint (md_check_run_get_resolver_trust (run), ==, MD_RESOLVER_TRUST_TRUSTED);

  json = md_check_run_to_json (run);
  text = json_to_string (json, FALSE);
  g_assert_null (strstr (text, DQS_KEY));

  /* a key Spamhaus rejects, in plain words */
  bad_key = run_with (resolver, "192.0.2.9", NULL, options);
  check = check_of (bad_key, "dnsbl/zen.spamhaus.org");
  g_assert_cmpint (md_check_get_status (check), ==, MD_CHECK_STATUS_ERROR);
  g_assert_cmpstr (md_check_get_summary (check), ==,
                   "Could not decide: Spamhaus rejected the DQS key: it is not valid, or it was "
                   "disabled (for example a key of an ended subscription).");
}

/* maildoctor-cli takes the key from a file or MAILDOCTOR_DQS_KEY, never
 * from argv, and prints it nowhere. */
static void
test_dqs_key_cli (void)
{
  g_autofree char *zen = write_zone ("dqs-cli", "zen.spamhaus.org", refusing_zen);
  g_autofree char *keyed = write_dqs_zone ("dqs-cli");
  g_autofree char *key_file = g_build_filename (tmpdir, "dqs-cli", "key", NULL);
  const char *zones[] = { "root.zone", zen, keyed, NULL };
  g_autoptr(MdTestKnot) knot = NULL;
  g_autoptr(MdTestCliRun) from_file = NULL;
  g_autoptr(MdTestCliRun) from_env = NULL;
  g_autoptr(MdTestCliRun) bad = NULL;
  g_autoptr(GError) error = NULL;

  START_OR_SKIP (knot, zones);
  g_file_set_contents (key_file, DQS_KEY "\n", -1, &error);
  g_assert_no_error (error);

  {
    const char *args[] = { "--ip", "203.0.113.7", "--resolver", md_test_knot_get_address (knot),
                           "--no-web", "--json", "--dqs-key-file", key_file, NULL };

    from_file = md_test_cli_run_new ("check", NULL, NULL, args);
  }
  g_assert_cmpint (from_file->status, ==, 0);
  g_assert_nonnull (strstr (from_file->out, "\"query\" : \"7.113.0.203.{key}.zen.dq.spamhaus.net\""));
  g_assert_null (strstr (from_file->out, DQS_KEY));
  g_assert_null (strstr (from_file->err, DQS_KEY));

  {
    const char *args[] = { "--ip", "203.0.113.7", "--resolver", md_test_knot_get_address (knot),
                           "--no-web", NULL };

    g_setenv ("MAILDOCTOR_DQS_KEY", DQS_KEY, TRUE);
    from_env = md_test_cli_run_new ("check", NULL, NULL, args);
    g_setenv ("MAILDOCTOR_DQS_KEY", "not a key; rm -rf", TRUE);
    bad = md_test_cli_run_new ("check", NULL, NULL, args);
    g_unsetenv ("MAILDOCTOR_DQS_KEY");
  }
  g_assert_cmpint (from_env->status, ==, 0);
  g_assert_nonnull (strstr (from_env->out, "✗ problem  Blocklist Spamhaus ZEN: Listed: CSS"));
  g_assert_null (strstr (from_env->out, DQS_KEY));
  md_test_cli_assert_usage_error (bad, "the Spamhaus DQS key is not valid");
  g_assert_null (strstr (bad->err, "rm -rf"));
}

/* IPv6 on Spamhaus, with a key: the nibble name in the key zone. */
static void
test_dqs_ipv6_name (void)
{
  g_autoptr(GPtrArray) catalog = md_blocklist_catalog_load (NULL);
  g_autoptr(GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *zone = NULL;
  g_autofree char *name = NULL;
  MdBlocklist *zen = NULL;

  for (guint i = 0; i < catalog->len; i++)
    if (g_str_equal (((MdBlocklist *) g_ptr_array_index (catalog, i))->zone, "zen.spamhaus.org"))
      zen = g_ptr_array_index (catalog, i);
  g_assert_nonnull (zen);

  g_hash_table_insert (keys, (gpointer) "spamhaus-dqs", (gpointer) DQS_KEY);
  zone = md_blocklist_query_zone (zen, keys);
  g_assert_cmpstr (zone, ==, DQS_KEY ".zen.dq.spamhaus.net");
  name = md_blocklist_query_name_in (zen, zone, "2001:db8:7ca6:22::45", NULL);
  /* the example of Spamhaus's DQS query page */
  g_assert_cmpstr (name, ==, "5.4.0.0.0.0.0.0.0.0.0.0.0.0.0.0.2.2.0.0.6.a.c.7.8.b.d.0.1.0.0.2."
                             DQS_KEY ".zen.dq.spamhaus.net");

  /* a key that is not one DNS label of letters and digits is not used */
  g_hash_table_insert (keys, (gpointer) "spamhaus-dqs", (gpointer) "evil.example.net.");
  g_clear_pointer (&zone, g_free);
  zone = md_blocklist_query_zone (zen, keys);
  g_assert_cmpstr (zone, ==, "zen.spamhaus.org");
}

/* A thousand lists, three questions each, through one resolver: none may
 * be lost to a socket buffer or the in-flight bound. */
static void
test_thousand_lists (void)
{
  g_autoptr(GString) zone = g_string_new ("$ORIGIN lists.example.net.\n$TTL 60\n"
                                          "@ IN SOA ns hostmaster 1 3600 600 86400 60\n"
                                          "@ IN NS ns\nns IN A 127.0.0.1\n");
  g_autoptr(GString) xml = g_string_new ("<maildoctor-data>\n");
  g_autofree char *zone_file = NULL;
  g_autoptr(GPtrArray) catalog = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MdTestKnot) knot = NULL;
  g_autoptr(MdResolver) resolver = NULL;
  g_autoptr(MdCheckRun) run = NULL;
  g_autoptr(MdCheckRunOptions) options = md_check_run_options_new ();
  const char *zones[] = { "root.zone", NULL, NULL };
  guint n_listed = 0, n_clean = 0;

  for (guint i = 0; i < 1000; i++)
    {
      /* every third list lists the subject */
      g_string_append_printf (zone, "2.0.0.127.l%u IN A 127.0.0.2\n", i);
      if (i % 3 == 0)
        g_string_append_printf (zone, "7.113.0.203.l%u IN A 127.0.0.2\n", i);
      g_string_append_printf (xml,
                              "<blocklist zone=\"l%u.lists.example.net\" kind=\"ipv4\" "
                              "weight=\"low\" policy=\"free\" status=\"active\">"
                              "<name>List %u</name><operator>Test</operator>"
                              "<purpose>test</purpose><code value=\"127.0.0.2\">listed</code>"
                              "<test listed=\"127.0.0.2\" unlisted=\"127.0.0.1\"/>"
                              "<removal>https://lists.example.net/</removal><usage>test</usage>"
                              "<receivers/><source>https://lists.example.net/</source>"
                              "</blocklist>\n", i, i);
    }
  g_string_append (xml, "</maildoctor-data>\n");
  zone_file = write_zone ("thousand", "lists.example.net", zone->str);
  zones[1] = zone_file;
  catalog = md_blocklist_catalog_parse (xml->str, xml->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (catalog->len, ==, 1000);

  START_OR_SKIP (knot, zones);
  resolver = md_test_knot_new_resolver (knot);
  options->catalog = g_ptr_array_ref (catalog);
  run = run_with (resolver, "203.0.113.7", NULL, options);

  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *id = g_strdup_printf ("dnsbl/l%u.lists.example.net", i);
      MdCheckStatus status = md_check_get_status (check_of (run, id));

      g_assert_cmpint (status, ==, i % 3 == 0 ? MD_CHECK_STATUS_PROBLEM : MD_CHECK_STATUS_OK);
      if (status == MD_CHECK_STATUS_PROBLEM)
        n_listed++;
      else
        n_clean++;
    }
  g_assert_cmpuint (n_listed, ==, 334);
  g_assert_cmpuint (n_clean, ==, 666);
  g_assert_cmpuint (md_check_run_get_peak_in_flight (run), <=,
                    MD_CHECK_RUN_DEFAULT_MAX_IN_FLIGHT);
  g_test_message ("%u questions, peak %u in flight, %u ms", md_check_run_get_n_queries (run),
                  md_check_run_get_peak_in_flight (run), md_check_run_get_duration_ms (run));
}

/* The probe on its own, as Preferences' Test button runs it: no subject,
 * no check run. */

typedef struct
{
  gboolean                done;
  MdResolverTrustVerdict *verdict;
  GError                 *error;
} ProbeData;

static void
probe_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  ProbeData *data = user_data;

  data->verdict = md_resolver_trust_probe_finish (result, &data->error);
  data->done = TRUE;
}

static MdResolverTrustVerdict *
probe (MdResolver   *resolver,
       GCancellable *cancellable,
       GError      **error)
{
  ProbeData data = { 0 };

  md_resolver_trust_probe_async (MD_DNS_SOURCE (resolver), NULL, NULL, NULL, cancellable,
                                 probe_cb, &data);
  /* asynchronous: nothing is decided before the main loop runs */
  g_assert_false (data.done);
  g_assert_true (md_test_main_loop_run_until (&data.done, 20000));
  if (data.error != NULL)
    g_propagate_error (error, data.error);

  return data.verdict;
}

static const char *
evidence_status (const MdResolverTrustVerdict *verdict,
                 const char                   *key)
{
  JsonObject *item = json_object_get_object_member (verdict->evidence, key);

  g_assert_nonnull (item);

  return json_object_get_string_member (item, "status");
}

/* A server that tells the truth: the test zones with their root. */
static void
test_probe_truthful (void)
{
  g_auto(GStrv) zones = md_test_knot_list_zone_files ();
  g_autoptr(MdTestKnot) knot = NULL;
  g_autoptr(MdResolver) resolver = NULL;
  g_autoptr(MdResolverTrustVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;

  START_OR_SKIP (knot, (const char * const *) zones);
  resolver = md_test_knot_new_resolver (knot);
  verdict = probe (resolver, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpstr (md_resolver_trust_to_string (verdict->trust), ==, "trusted");
  g_assert_null (verdict->reason);
  g_assert_null (verdict->rewrites);
  g_assert_cmpstr (evidence_status (verdict, "NS ."), ==, "ok");
  g_assert_cmpstr (evidence_status (verdict, "A a.root-servers.net"), ==, "ok");
  /* each list's "must be listed" entry was asked, and answered */
  g_assert_cmpstr (evidence_status (verdict, "A 2.0.0.127.zen.spamhaus.org"), ==, "ok");
  g_assert_cmpstr (evidence_status (verdict, "A dbltest.com.dbl.spamhaus.org"), ==, "ok");
}

/* A server that serves only the root zone: "no such name" for everything
 * else, as the system resolver of the machine this was written on. */
static void
test_probe_denies (void)
{
  g_autofree char *root = write_zone ("probe-denies", "root", ROOT_SOA);
  const char *zones[] = { root, NULL };
  g_autoptr(MdTestKnot) knot = NULL;
  g_autoptr(MdResolver) resolver = NULL;
  g_autoptr(MdResolverTrustVerdict) verdict = NULL;
  g_autoptr(MdResolverTrustVerdict) copy = NULL;
  g_autoptr(GError) error = NULL;

  START_OR_SKIP (knot, zones);
  resolver = md_test_knot_new_resolver (knot);
  verdict = probe (resolver, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpint (verdict->trust, ==, MD_RESOLVER_TRUST_DENIES);
  g_assert_cmpstr (verdict->reason, ==,
                   "denies names that exist: it answers “no such name” for a.root-servers.net");
  g_assert_cmpstr (evidence_status (verdict, "NS ."), ==, "ok");
  g_assert_cmpstr (evidence_status (verdict, "A a.root-servers.net"), ==, "nxdomain");

  copy = md_resolver_trust_verdict_copy (verdict);
  g_assert_cmpint (copy->trust, ==, MD_RESOLVER_TRUST_DENIES);
  g_assert_cmpstr (copy->reason, ==, verdict->reason);
}

/* Spamhaus's answer to a public resolver, 127.255.255.254 for everything. */
static void
test_probe_refused (void)
{
  g_autofree char *zen = write_zone ("probe-refused", "zen.spamhaus.org", refusing_zen);
  const char *zones[] = { "root.zone", zen, NULL };
  g_autoptr(MdTestKnot) knot = NULL;
  g_autoptr(MdResolver) resolver = NULL;
  g_autoptr(MdResolverTrustVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;

  START_OR_SKIP (knot, zones);
  resolver = md_test_knot_new_resolver (knot);
  verdict = probe (resolver, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpint (verdict->trust, ==, MD_RESOLVER_TRUST_REFUSED);
  g_assert_cmpstr (verdict->reason, ==,
                   "is refused by blocklists: Spamhaus ZEN will not answer it");
}

/* No answer at all: a verdict that says so, never "trusted". */
static void
test_probe_unreachable (void)
{
  g_autoptr(MdTestSilentServer) silent = NULL;
  g_autoptr(MdResolver) resolver = NULL;
  g_autoptr(MdResolverTrustVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;

  silent = md_test_silent_server_new (&error);
  g_assert_no_error (error);
  resolver = md_resolver_new_for_servers (md_test_silent_server_get_address (silent), &error);
  g_assert_no_error (error);
  md_resolver_set_timeout (resolver, 300);

  verdict = probe (resolver, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (verdict->trust, ==, MD_RESOLVER_TRUST_UNREACHABLE);
  g_assert_true (g_str_has_prefix (verdict->reason, "gives no usable answers: even the root of "
                                                    "the DNS is not answered ("));
  g_assert_nonnull (strstr (verdict->reason, "timeout"));
}

/* Cancelled (the window closed, the settings changed): an error, no
 * verdict, and soon — not after the resolver's timeout. */
static void
test_probe_cancelled (void)
{
  g_autoptr(MdTestSilentServer) silent = NULL;
  g_autoptr(MdResolver) resolver = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  ProbeData data = { 0 };
  gint64 started;

  silent = md_test_silent_server_new (&error);
  g_assert_no_error (error);
  resolver = md_resolver_new_for_servers (md_test_silent_server_get_address (silent), &error);
  g_assert_no_error (error);

  started = g_get_monotonic_time ();
  md_resolver_trust_probe_async (MD_DNS_SOURCE (resolver), NULL, NULL, NULL, cancellable,
                                 probe_cb, &data);
  g_cancellable_cancel (cancellable);
  g_assert_true (md_test_main_loop_run_until (&data.done, 20000));
  g_assert_error (data.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (data.verdict);
  g_assert_cmpint (g_get_monotonic_time () - started, <, MD_RESOLVER_DEFAULT_TIMEOUT_MS * 1000);
  g_clear_error (&data.error);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  md_core_init ();
  g_test_init (&argc, &argv, NULL);

  tmpdir = g_dir_make_tmp ("maildoctor-trust-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/MailDoctor/ResolverTrust/denies", test_denies);
  g_test_add_func ("/MailDoctor/ResolverTrust/rewrites", test_rewrites);
  g_test_add_func ("/MailDoctor/ResolverTrust/hostkarma", test_hostkarma);
  g_test_add_func ("/MailDoctor/ResolverTrust/refused", test_refused);
  g_test_add_func ("/MailDoctor/ResolverTrust/unreachable", test_unreachable);
  g_test_add_func ("/MailDoctor/ResolverTrust/cname-loop", test_cname_loop);
  g_test_add_func ("/MailDoctor/ResolverTrust/authoritative-fallback",
                   test_authoritative_fallback);
  g_test_add_func ("/MailDoctor/ResolverTrust/authoritative-unreachable",
                   test_authoritative_unreachable);
  g_test_add_func ("/MailDoctor/ResolverTrust/public", test_public);
  g_test_add_func ("/MailDoctor/ResolverTrust/dqs-key", test_dqs_key);
  g_test_add_func ("/MailDoctor/ResolverTrust/dqs-key-cli", test_dqs_key_cli);
  g_test_add_func ("/MailDoctor/ResolverTrust/dqs-ipv6-name", test_dqs_ipv6_name);
  g_test_add_func ("/MailDoctor/ResolverTrust/thousand-lists", test_thousand_lists);
  g_test_add_func ("/MailDoctor/ResolverTrust/probe-truthful", test_probe_truthful);
  g_test_add_func ("/MailDoctor/ResolverTrust/probe-denies", test_probe_denies);
  g_test_add_func ("/MailDoctor/ResolverTrust/probe-refused", test_probe_refused);
  g_test_add_func ("/MailDoctor/ResolverTrust/probe-unreachable", test_probe_unreachable);
  g_test_add_func ("/MailDoctor/ResolverTrust/probe-cancelled", test_probe_cancelled);

  ret = g_test_run ();
  remove_tmpdir ();
  g_free (tmpdir);

  return ret;
}
