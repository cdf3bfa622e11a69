/* test-check-bulk.c — several check runs sharing one MdCheckShare, against Knot DNS
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <stdio.h>

#include "md-check-run.h"
#include "md-test-knot.h"
#include "md-test-util.h"
#include "md-util.h"

static MdTestKnot *knot;
static GError *knot_error;
/* "TYPE name" → how often it was sent, from the run's debug trace */
static GHashTable *asked;

static GLogWriterOutput
writer (GLogLevelFlags   level,
        const GLogField *fields,
        gsize            n_fields,
        gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    {
      const char *message = fields[i].value;
      char type[16], name[256];

      if (!g_str_equal (fields[i].key, "MESSAGE"))
        continue;
      if (sscanf (message, "check run: asking %15s %255s (", type, name) == 2)
        {
          g_autofree char *key = g_strdup_printf ("%s %s", type, name);

          g_hash_table_insert (asked, g_strdup (key),
                               GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (asked,
                                                                                       key)) + 1));
        }
    }

  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    return g_log_writer_default (level, fields, n_fields, user_data);

  return G_LOG_WRITER_HANDLED;
}

typedef struct
{
  guint   n_done;
  GError *error;
} BulkData;

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  BulkData *data = user_data;

  if (!md_check_run_start_finish (MD_CHECK_RUN (object), result, &data->error))
    g_assert_no_error (data->error);
  data->n_done++;
}

/* 16 addresses, one probe, every question once, the shared bound kept. */
static void
test_asked_once (void)
{
  g_autoptr(MdResolver) resolver = NULL;
  g_autoptr(MdCheckShare) share = md_check_share_new (8);
  g_autoptr(MdCheckRunOptions) first = md_check_run_options_new ();
  g_autoptr(MdCheckRunOptions) others = NULL;
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  BulkData data = { 0 };
  GHashTableIter iter;
  gpointer key, value;
  guint n_probe = 0, n_self_test = 0;
  gint64 deadline;

  if (knot == NULL)
    {
      g_test_skip (knot_error->message);
      return;
    }

  resolver = md_test_knot_new_resolver (knot);
  first->resolver = g_strdup (md_test_knot_get_address (knot));
  first->share = md_check_share_ref (share);
  others = md_check_run_options_copy (first);
  others->ip_checks_only = TRUE;

  for (guint i = 0; i < 16; i++)
    {
      g_autofree char *ip = g_strdup_printf ("198.51.100.%u", 64 + i);
      g_autoptr(MdCheckSubject) subject = md_check_subject_new (ip, "good.auth.test", NULL,
                                                                "outlook.recipients.test",
                                                                &error);

      g_assert_no_error (error);
      g_ptr_array_add (runs, md_check_run_new (MD_DNS_SOURCE (resolver), subject,
                                               i == 0 ? first : others));
    }
  g_hash_table_remove_all (asked);
  for (guint i = 0; i < runs->len; i++)
    md_check_run_start_async (g_ptr_array_index (runs, i), NULL, run_cb, &data);

  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (data.n_done < runs->len && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (data.n_done, ==, runs->len);

  /* One probe; every run took its verdict. */
  g_assert_cmpuint (md_check_share_get_n_probes (share), ==, 1);
  for (guint i = 0; i < runs->len; i++)
    {
      MdCheckRun *run = g_ptr_array_index (runs, i);

      g_assert_cmpint (md_check_run_get_resolver_trust (run), ==, MD_RESOLVER_TRUST_TRUSTED);
      g_assert_cmpuint (md_check_run_count (run, MD_CHECK_STATUS_RUNNING), ==, 0);
      /* the domain's checks in the first run only */
      if (i == 0)
        g_assert_nonnull (md_check_run_lookup (run, "dmarc"));
      else
        g_assert_null (md_check_run_lookup (run, "dmarc"));
      g_assert_nonnull (md_check_run_lookup (run, "spf"));
      g_assert_nonnull (md_check_run_lookup (run, "dnsbl/zen.spamhaus.org"));
    }

  /* Every question once: the probe's, the lists' self-tests, the domains'. */
  g_assert_cmpuint (g_hash_table_size (asked), ==, md_check_share_get_n_queries (share));
  g_hash_table_iter_init (&iter, asked);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_assert_cmpuint (GPOINTER_TO_UINT (value), ==, 1);
      if (g_str_equal (key, "NS .") || g_str_equal (key, "A a.root-servers.net") ||
          g_str_has_prefix (key, "A md-probe-"))
        n_probe++;
      if (g_str_equal (key, "A 2.0.0.127.zen.spamhaus.org") ||
          g_str_equal (key, "A 1.0.0.127.zen.spamhaus.org"))
        n_self_test++;
    }
  g_assert_cmpuint (n_probe, ==, 3);
  g_assert_cmpuint (n_self_test, ==, 2);

  /* The bound is the share's, for all runs together. */
  g_assert_cmpuint (md_check_share_get_peak_in_flight (share), <=, 8);
  g_assert_cmpuint (md_check_share_get_peak_in_flight (share), >, 0);
}

int
main (int    argc,
      char **argv)
{
  g_auto(GStrv) zones = NULL;
  int ret;

  md_core_init ();
  g_test_init (&argc, &argv, NULL);
  g_log_set_writer_func (writer, NULL, NULL);
  g_log_set_debug_enabled (TRUE);
  asked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  zones = md_test_knot_zone_files_without ("b.barracudacentral.org.zone");
  knot = md_test_knot_new ((const char * const *) zones, &knot_error);

  g_test_add_func ("/MailDoctor/CheckBulk/asked-once", test_asked_once);

  ret = g_test_run ();

  g_clear_pointer (&knot, md_test_knot_free);
  g_clear_error (&knot_error);
  g_hash_table_unref (asked);

  return ret;
}
