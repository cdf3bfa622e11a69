/* test-spf-suite.c — the OpenSPF RFC 7208 conformance suite
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * tests/data/spf/rfc7208-tests.yml (BSD 3-clause, see the LICENSE file
 * beside it) is converted to JSON at build time; each of its 203 tests is one
 * GTest case, run against an in-memory zone that follows the reference
 * runner's rules (../shared/testdata/records/README.md).
 */

#include "config.h"

#include <json-glib/json-glib.h>

#include "md-spf.h"
#include "md-test-zone.h"
#include "md-util.h"

typedef struct
{
  JsonObject *zonedata;
  JsonObject *test;
  char       *id;
} SuiteCase;

static void
suite_case_free (gpointer data)
{
  SuiteCase *c = data;

  json_object_unref (c->zonedata);
  json_object_unref (c->test);
  g_free (c->id);
  g_free (c);
}

static void
check_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  MdSpfResult **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = md_spf_check_finish (result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (*out);
}

static void
test_suite_case (gconstpointer data)
{
  const SuiteCase *c = data;
  g_autoptr(MdTestZone) zone = md_test_zone_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) ip = NULL;
  g_autoptr(MdSpfResult) result = NULL;
  g_autoptr(GPtrArray) expected = g_ptr_array_new ();
  JsonNode *expected_node;
  const char *got;
  gboolean ok = FALSE;

  md_test_zone_load_suite (zone, c->zonedata, &error);
  g_assert_no_error (error);

  ip = g_inet_address_new_from_string (json_object_get_string_member (c->test, "host"));
  g_assert_nonnull (ip);

  md_spf_check_async (MD_DNS_SOURCE (zone), ip,
                      json_object_get_string_member (c->test, "mailfrom"),
                      json_object_get_string_member (c->test, "helo"),
                      NULL, check_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  expected_node = json_object_get_member (c->test, "result");
  if (JSON_NODE_HOLDS_ARRAY (expected_node))
    {
      JsonArray *array = json_node_get_array (expected_node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        g_ptr_array_add (expected, (gpointer) json_array_get_string_element (array, i));
    }
  else
    {
      g_ptr_array_add (expected, (gpointer) json_node_get_string (expected_node));
    }

  got = md_spf_verdict_to_string (result->verdict);
  for (guint i = 0; i < expected->len; i++)
    ok |= g_str_equal (got, g_ptr_array_index (expected, i));

  if (!ok || g_test_verbose ())
    {
      for (guint i = 0; i < result->trace->len; i++)
        g_test_message ("%s", (const char *) g_ptr_array_index (result->trace, i));
    }
  if (!ok)
    g_test_message ("expected %s", (const char *) g_ptr_array_index (expected, 0));
  /* Where the suite allows several results, any of them passes. */
  g_assert_true (ok);

  /* The runner's default explanation is "DEFAULT": we leave it empty. */
  if (json_object_has_member (c->test, "explanation"))
    {
      const char *explanation = json_object_get_string_member (c->test, "explanation");

      if (g_str_equal (explanation, "DEFAULT"))
        g_assert_null (result->explanation);
      else
        g_assert_cmpstr (result->explanation, ==, explanation);
    }

  g_assert_cmpuint (result->dns_lookups, <=, MD_SPF_MAX_DNS_LOOKUPS + 1);
  g_assert_cmpuint (result->void_lookups, <=, MD_SPF_MAX_VOID_LOOKUPS + 1);
}

static guint n_scenarios;
static guint n_tests;

static void
test_suite_size (void)
{
  /* The suite as published: 16 scenarios, 203 tests. */
  g_assert_cmpuint (n_scenarios, ==, 16);
  g_assert_cmpuint (n_tests, ==, 203);
}

static char *
slug (const char *text)
{
  g_autofree char *down = g_ascii_strdown (text, -1);

  return g_strdelimit (g_steal_pointer (&down), " ", '-');
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  const char *builddir;
  JsonArray *scenarios;

  g_test_init (&argc, &argv, NULL);
  md_core_init ();

  builddir = g_getenv ("MD_TESTS_BUILDDIR");
  g_assert_nonnull (builddir);
  path = g_build_filename (builddir, "rfc7208-tests.json", NULL);
  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);

  scenarios = json_node_get_array (json_parser_get_root (parser));
  n_scenarios = json_array_get_length (scenarios);

  for (guint i = 0; i < n_scenarios; i++)
    {
      JsonObject *scenario = json_array_get_object_element (scenarios, i);
      JsonObject *zonedata = json_object_get_object_member (scenario, "zonedata");
      JsonObject *tests = json_object_get_object_member (scenario, "tests");
      g_autofree char *scenario_slug = slug (json_object_get_string_member (scenario,
                                                                            "description"));
      JsonObjectIter iter;
      const char *id;
      JsonNode *test;

      json_object_iter_init (&iter, tests);
      while (json_object_iter_next (&iter, &id, &test))
        {
          g_autofree char *test_path = g_strdup_printf ("/MailDoctor/Spf/rfc7208/%s/%s",
                                                        scenario_slug, id);
          SuiteCase *c = g_new0 (SuiteCase, 1);

          c->zonedata = json_object_ref (zonedata);
          c->test = json_object_ref (json_node_get_object (test));
          c->id = g_strdup (id);
          g_test_add_data_func_full (test_path, c, test_suite_case, suite_case_free);
          n_tests++;
        }
    }

  g_test_add_func ("/MailDoctor/Spf/rfc7208/size", test_suite_size);

  return g_test_run ();
}
