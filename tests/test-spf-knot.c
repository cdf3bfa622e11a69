/* test-spf-knot.c — SPF through the real path: knotd, c-ares, MdResolver
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of the RFC 7208 conformance suite, served by a real Knot DNS: each
 * chosen scenario's zone data is written as a root zone ("."), names that
 * only time out become a failing zone (SERVFAIL: also a temperror), and the
 * test runs check_host() through MdResolver. Plus checks of tests/dns/
 * spf.test.zone that only a real server can show (the SPF RR type, split
 * TXT strings, CNAMEs, REFUSED).
 */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "md-resolver.h"
#include "md-spf.h"
#include "md-test-knot.h"
#include "md-test-util.h"
#include "md-util.h"

/* The scenarios served through knotd: every zone entry of these can be
 * written as a zone file. Left out: "Initial processing" (example.com times
 * out while names below it answer) and "Record lookup" (TIMEOUT after data,
 * NONE placeholders), which only the in-memory zone can express. */
static const char *const knot_scenarios[] = {
  "Selecting records",
  "Record evaluation",
  "ALL mechanism syntax",
  "PTR mechanism syntax",
  "A mechanism syntax",
  "Include mechanism semantics and syntax",
  "MX mechanism syntax",
  "EXISTS mechanism syntax",
  "IP4 mechanism syntax",
  "IP6 mechanism syntax",
  "Semantics of exp and other modifiers",
  "Macro expansion rules",
  "Processing limits",
  "Test cases from implementation bugs",
  NULL
};

typedef struct
{
  guint       scenario;
  JsonObject *zonedata;
  JsonObject *test;
} KnotCase;

static char *tmpdir;
static guint current_scenario = G_MAXUINT;
static MdTestKnot *current_knot;
static GError *current_error;

static void
knot_case_free (gpointer data)
{
  KnotCase *c = data;

  json_object_unref (c->zonedata);
  json_object_unref (c->test);
  g_free (c);
}

/* {{{ Zone file writing */

static void
append_name (GString    *out,
             const char *name)
{
  gsize len = strlen (name);

  for (gsize i = 0; i < len; i++)
    {
      guchar c = name[i];

      if (g_ascii_isalnum (c) || c == '-' || c == '_' || c == '.')
        g_string_append_c (out, c);
      else
        g_string_append_printf (out, "\\%03u", c);
    }
  if (len == 0 || name[len - 1] != '.')
    g_string_append_c (out, '.');
}

static gboolean
append_char_string (GString  *out,
                    JsonNode *node)
{
  const guchar *s;
  g_autofree guchar *decoded = NULL;
  gsize len;

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      decoded = g_base64_decode (json_object_get_string_member (json_node_get_object (node),
                                                                "base64"), &len);
      s = decoded;
    }
  else
    {
      s = (const guchar *) json_node_get_string (node);
      len = strlen ((const char *) s);
    }

  g_string_append_c (out, ' ');
  g_string_append_c (out, '"');
  for (gsize i = 0; i < len; i++)
    {
      if (s[i] == '"' || s[i] == '\\')
        g_string_append_printf (out, "\\%c", s[i]);
      else if (s[i] < 0x20 || s[i] > 0x7e)
        g_string_append_printf (out, "\\%03u", s[i]);
      else
        g_string_append_c (out, s[i]);
    }
  g_string_append_c (out, '"');

  return TRUE;
}

static void
append_txt (GString    *out,
            const char *name,
            const char *type,
            JsonNode   *value)
{
  if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *array = json_node_get_array (value);

      /* A TXT record needs at least one string. */
      if (json_array_get_length (array) == 0)
        return;
      append_name (out, name);
      g_string_append_printf (out, " 300 %s", type);
      for (guint i = 0; i < json_array_get_length (array); i++)
        append_char_string (out, json_array_get_element (array, i));
    }
  else
    {
      append_name (out, name);
      g_string_append_printf (out, " 300 %s", type);
      append_char_string (out, value);
    }
  g_string_append_c (out, '\n');
}

/* Writes @zonedata as tmpdir/root.zone; names that only time out go to
 * @failing. */
static char *
write_root_zone (JsonObject  *zonedata,
                 GPtrArray   *failing,
                 GError     **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *path = g_build_filename (tmpdir, "root.zone", NULL);
  JsonObjectIter iter;
  const char *name;
  JsonNode *rrs_node;

  g_string_append (out,
                   "$TTL 300\n"
                   ". SOA ns. hostmaster. 1 3600 900 604800 300\n"
                   ". NS ns.\n"
                   "ns. A 127.0.0.1\n");

  json_object_iter_init (&iter, zonedata);
  while (json_object_iter_next (&iter, &name, &rrs_node))
    {
      JsonArray *rrs = json_node_get_array (rrs_node);
      g_autoptr(GPtrArray) spf = g_ptr_array_new ();
      gboolean has_txt = FALSE;
      gboolean only_timeout = json_array_get_length (rrs) > 0;

      for (guint i = 0; i < json_array_get_length (rrs); i++)
        {
          JsonNode *node = json_array_get_element (rrs, i);
          JsonObjectIter rr_iter;
          const char *type;
          JsonNode *value;

          if (JSON_NODE_HOLDS_VALUE (node))
            continue;   /* TIMEOUT */
          only_timeout = FALSE;

          json_object_iter_init (&rr_iter, json_node_get_object (node));
          while (json_object_iter_next (&rr_iter, &type, &value))
            {
              if (g_str_equal (type, "TXT") || g_str_equal (type, "SPF"))
                {
                  if (g_str_equal (type, "TXT"))
                    has_txt = TRUE;
                  else
                    g_ptr_array_add (spf, value);
                  append_txt (out, name, type, value);
                }
              else if (g_str_equal (type, "MX"))
                {
                  JsonArray *mx = json_node_get_array (value);
                  const char *exchange = json_array_get_string_element (mx, 1);

                  append_name (out, name);
                  g_string_append_printf (out, " 300 MX %" G_GINT64_FORMAT " ",
                                          json_array_get_int_element (mx, 0));
                  if (*exchange == '\0')
                    g_string_append_c (out, '.');
                  else
                    append_name (out, exchange);
                  g_string_append_c (out, '\n');
                }
              else if (g_str_equal (type, "PTR") || g_str_equal (type, "CNAME"))
                {
                  append_name (out, name);
                  g_string_append_printf (out, " 300 %s ", type);
                  append_name (out, json_node_get_string (value));
                  g_string_append_c (out, '\n');
                }
              else
                {
                  append_name (out, name);
                  g_string_append_printf (out, " 300 %s %s\n", type, json_node_get_string (value));
                }
            }
        }

      /* The reference runner serves SPF entries as TXT too. */
      if (!has_txt)
        for (guint i = 0; i < spf->len; i++)
          append_txt (out, name, "TXT", spf->pdata[i]);

      if (only_timeout)
        g_ptr_array_add (failing, g_strdup (name));
    }

  if (!g_file_set_contents (path, out->str, out->len, error))
    return NULL;

  return g_steal_pointer (&path);
}

/* }}} */

#define run_check(source, ip, sender, helo) \
  md_test_spf_check ((source), (ip), (sender), (helo))

static MdTestKnot *
knot_for_scenario (const KnotCase *c)
{
  g_autoptr(GPtrArray) failing = NULL;
  g_autofree char *path = NULL;
  MdTestKnotOptions options = { 0 };
  const char *zone_files[2] = { NULL, NULL };

  if (c->scenario == current_scenario)
    return current_knot;

  g_clear_pointer (&current_knot, md_test_knot_free);
  g_clear_error (&current_error);
  current_scenario = c->scenario;

  failing = g_ptr_array_new_with_free_func (g_free);
  path = write_root_zone (c->zonedata, failing, &current_error);
  if (path == NULL)
    return NULL;
  g_ptr_array_add (failing, NULL);

  zone_files[0] = path;
  options.zone_files = zone_files;
  options.failing_zones = (const char *const *) failing->pdata;
  current_knot = md_test_knot_new_full (&options, &current_error);

  return current_knot;
}

static void
test_knot_case (gconstpointer data)
{
  const KnotCase *c = data;
  g_autoptr(MdResolver) resolver = NULL;
  g_autoptr(MdSpfResult) result = NULL;
  MdTestKnot *knot = knot_for_scenario (c);
  JsonNode *expected = json_object_get_member (c->test, "result");
  const char *got;
  gboolean ok = FALSE;

  if (knot == NULL)
    {
      g_test_skip (current_error->message);
      return;
    }

  resolver = md_test_knot_new_resolver (knot);
  result = run_check (MD_DNS_SOURCE (resolver),
                      json_object_get_string_member (c->test, "host"),
                      json_object_get_string_member (c->test, "mailfrom"),
                      json_object_get_string_member (c->test, "helo"));

  got = md_spf_verdict_to_string (result->verdict);
  if (JSON_NODE_HOLDS_ARRAY (expected))
    {
      JsonArray *array = json_node_get_array (expected);

      for (guint i = 0; i < json_array_get_length (array); i++)
        ok |= g_str_equal (got, json_array_get_string_element (array, i));
    }
  else
    {
      ok = g_str_equal (got, json_node_get_string (expected));
    }

  if (!ok)
    for (guint i = 0; i < result->trace->len; i++)
      g_test_message ("%s", (const char *) g_ptr_array_index (result->trace, i));
  g_assert_true (ok);

  if (json_object_has_member (c->test, "explanation"))
    {
      const char *explanation = json_object_get_string_member (c->test, "explanation");

      if (g_str_equal (explanation, "DEFAULT"))
        g_assert_null (result->explanation);
      else
        g_assert_cmpstr (result->explanation, ==, explanation);
    }
}

/* {{{ tests/dns/spf.test.zone */

static MdTestKnot *spf_knot;
static GError *spf_knot_error;

static MdResolver *
spf_resolver (void)
{
  if (spf_knot == NULL)
    {
      const char *zone_files[] = { "spf.test.zone", NULL };
      const char *failing[] = { "broken.spf.test", NULL };
      MdTestKnotOptions options = { zone_files, failing };

      g_clear_pointer (&current_knot, md_test_knot_free);
      current_scenario = G_MAXUINT;
      if (spf_knot_error == NULL)
        spf_knot = md_test_knot_new_full (&options, &spf_knot_error);
      if (spf_knot == NULL)
        return NULL;
    }

  return md_test_knot_new_resolver (spf_knot);
}

static gboolean
has_problem (const MdSpfResult *result,
             const char        *id)
{
  for (guint i = 0; i < result->problems->len; i++)
    if (g_str_equal (((MdSpfProblem *) g_ptr_array_index (result->problems, i))->id, id))
      return TRUE;

  return FALSE;
}

static void
test_zone_pass_include (void)
{
  g_autoptr(MdResolver) resolver = spf_resolver ();
  g_autoptr(MdSpfResult) result = NULL;

  if (resolver == NULL)
    {
      g_test_skip (spf_knot_error->message);
      return;
    }

  result = run_check (MD_DNS_SOURCE (resolver), "198.51.100.7", "alice@example.spf.test",
                      "mail.example.spf.test");
  g_assert_cmpstr (md_spf_verdict_to_string (result->verdict), ==, "pass");
  g_assert_cmpstr (result->mechanism, ==, "include:_spf.provider.spf.test");
  g_assert_cmpstr (result->mechanism_domain, ==, "example.spf.test");
  g_assert_cmpuint (result->dns_lookups, ==, 2);
  g_assert_cmpuint (result->problems->len, ==, 0);

  /* IPv6 through the same include. */
  g_clear_pointer (&result, md_spf_result_free);
  result = run_check (MD_DNS_SOURCE (resolver), "2001:db8:100::25", "alice@example.spf.test",
                      "mail.example.spf.test");
  g_assert_cmpstr (md_spf_verdict_to_string (result->verdict), ==, "pass");

  /* The MX host itself. */
  g_clear_pointer (&result, md_spf_result_free);
  result = run_check (MD_DNS_SOURCE (resolver), "192.0.2.10", "alice@example.spf.test",
                      "mail.example.spf.test");
  g_assert_cmpstr (md_spf_verdict_to_string (result->verdict), ==, "pass");
  g_assert_cmpstr (result->mechanism, ==, "mx");
}

static void
test_zone_fail_exp (void)
{
  g_autoptr(MdResolver) resolver = spf_resolver ();
  g_autoptr(MdSpfResult) result = NULL;

  if (resolver == NULL)
    {
      g_test_skip (spf_knot_error->message);
      return;
    }

  result = run_check (MD_DNS_SOURCE (resolver), "203.0.113.9", "bob@strict.spf.test",
                      "mail.example.spf.test");
  g_assert_cmpstr (md_spf_verdict_to_string (result->verdict), ==, "fail");
  g_assert_cmpstr (result->mechanism, ==, "-all");
  g_assert_cmpstr (result->explanation, ==,
                   "203.0.113.9 is not a mail server of strict.spf.test");
}

static void
test_zone_split_strings_and_cname (void)
{
  g_autoptr(MdResolver) resolver = spf_resolver ();
  g_autoptr(MdSpfResult) result = NULL;

  if (resolver == NULL)
    {
      g_test_skip (spf_knot_error->message);
      return;
    }

  /* "v=spf1 ip4:192.0.2.0/24" " -all": the strings join without a space. */
  result = run_check (MD_DNS_SOURCE (resolver), "192.0.2.99", "x@split.spf.test", "h.spf.test");
  g_assert_cmpstr (md_spf_verdict_to_string (result->verdict), ==, "pass");
  g_assert_cmpstr (result->mechanism, ==, "ip4:192.0.2.0/24");

  /* alias.spf.test is a CNAME of example.spf.test. */
  g_clear_pointer (&result, md_spf_result_free);
  result = run_check (MD_DNS_SOURCE (resolver), "203.0.113.1", "x@alias.spf.test", "h.spf.test");
  g_assert_cmpstr (md_spf_verdict_to_string (result->verdict), ==, "fail");
  g_assert_cmpstr (result->mechanism_domain, ==, "alias.spf.test");
}

static void
test_zone_problems (void)
{
  g_autoptr(MdResolver) resolver = spf_resolver ();
  g_autoptr(MdSpfResult) result = NULL;

  if (resolver == NULL)
    {
      g_test_skip (spf_knot_error->message);
      return;
    }

  result = run_check (MD_DNS_SOURCE (resolver), "192.0.2.1", "x@old.spf.test", "h.spf.test");
  g_assert_cmpstr (md_spf_verdict_to_string (result->verdict), ==, "none");
  g_assert_true (has_problem (result, "spf-rr-only"));

  g_clear_pointer (&result, md_spf_result_free);
  result = run_check (MD_DNS_SOURCE (resolver), "192.0.2.1", "x@double.spf.test", "h.spf.test");
  g_assert_cmpstr (md_spf_verdict_to_string (result->verdict), ==, "permerror");
  g_assert_true (has_problem (result, "multiple-records"));

  g_clear_pointer (&result, md_spf_result_free);
  result = run_check (MD_DNS_SOURCE (resolver), "192.0.2.1", "x@sloppy.spf.test", "h.spf.test");
  g_assert_cmpstr (md_spf_verdict_to_string (result->verdict), ==, "pass");
  g_assert_cmpstr (result->mechanism, ==, "+all");
  g_assert_cmpuint (result->dns_lookups, ==, 9);
  g_assert_true (has_problem (result, "near-lookup-limit"));
  g_assert_true (has_problem (result, "plus-all"));
  g_assert_true (has_problem (result, "ptr"));

  g_clear_pointer (&result, md_spf_result_free);
  result = run_check (MD_DNS_SOURCE (resolver), "192.0.2.1", "x@broken-syntax.spf.test",
                      "h.spf.test");
  g_assert_cmpstr (md_spf_verdict_to_string (result->verdict), ==, "permerror");
  g_assert_nonnull (strstr (result->reason, "ip4:192.0.2.300"));
}

static void
test_zone_server_failures (void)
{
  g_autoptr(MdResolver) resolver = spf_resolver ();
  g_autoptr(MdSpfResult) result = NULL;

  if (resolver == NULL)
    {
      g_test_skip (spf_knot_error->message);
      return;
    }

  /* SERVFAIL for the included domain: temperror, never a verdict. */
  result = run_check (MD_DNS_SOURCE (resolver), "192.0.2.1", "x@flaky.spf.test", "h.spf.test");
  g_assert_cmpstr (md_spf_verdict_to_string (result->verdict), ==, "temperror");
  g_assert_nonnull (strstr (result->reason, "broken.spf.test"));

  /* REFUSED: the server does not serve the name at all. */
  g_clear_pointer (&result, md_spf_result_free);
  result = run_check (MD_DNS_SOURCE (resolver), "192.0.2.1", "x@elsewhere.example",
                      "h.spf.test");
  g_assert_cmpstr (md_spf_verdict_to_string (result->verdict), ==, "temperror");
}

/* }}} */

int
main (int   argc,
      char *argv[])
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  JsonArray *scenarios;
  int status;

  g_test_init (&argc, &argv, NULL);
  md_core_init ();

  tmpdir = g_dir_make_tmp ("md-spf-knot-XXXXXX", &error);
  g_assert_no_error (error);

  path = g_build_filename (g_getenv ("MD_TESTS_BUILDDIR"), "rfc7208-tests.json", NULL);
  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  scenarios = json_node_get_array (json_parser_get_root (parser));

  for (guint i = 0; i < json_array_get_length (scenarios); i++)
    {
      JsonObject *scenario = json_array_get_object_element (scenarios, i);
      const char *description = json_object_get_string_member (scenario, "description");
      g_autofree char *slug = NULL;
      JsonObjectIter iter;
      const char *id;
      JsonNode *test;

      if (!g_strv_contains ((const char * const *) knot_scenarios, description))
        continue;

      slug = g_strdelimit (g_ascii_strdown (description, -1), " ", '-');
      json_object_iter_init (&iter, json_object_get_object_member (scenario, "tests"));
      while (json_object_iter_next (&iter, &id, &test))
        {
          g_autofree char *test_path = g_strdup_printf ("/MailDoctor/Spf/knot/rfc7208/%s/%s",
                                                        slug, id);
          KnotCase *c = g_new0 (KnotCase, 1);

          c->scenario = i;
          c->zonedata = json_object_ref (json_object_get_object_member (scenario, "zonedata"));
          c->test = json_object_ref (json_node_get_object (test));
          g_test_add_data_func_full (test_path, c, test_knot_case, knot_case_free);
        }
    }

  g_test_add_func ("/MailDoctor/Spf/knot/zone/pass-include", test_zone_pass_include);
  g_test_add_func ("/MailDoctor/Spf/knot/zone/fail-exp", test_zone_fail_exp);
  g_test_add_func ("/MailDoctor/Spf/knot/zone/split-strings-cname",
                   test_zone_split_strings_and_cname);
  g_test_add_func ("/MailDoctor/Spf/knot/zone/problems", test_zone_problems);
  g_test_add_func ("/MailDoctor/Spf/knot/zone/server-failures", test_zone_server_failures);

  status = g_test_run ();

  g_clear_pointer (&current_knot, md_test_knot_free);
  g_clear_pointer (&spf_knot, md_test_knot_free);
  g_clear_error (&current_error);
  g_clear_error (&spf_knot_error);
  {
    g_autofree char *zone = g_build_filename (tmpdir, "root.zone", NULL);
    g_unlink (zone);
    g_rmdir (tmpdir);
    g_free (tmpdir);
  }

  return status;
}
