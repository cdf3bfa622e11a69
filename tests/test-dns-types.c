/* test-dns-types.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "md-dns.h"
#include "md-util.h"

static void
test_answer_failure (void)
{
  static const struct { MdDnsStatus status; gboolean failure; } cases[] = {
    { MD_DNS_STATUS_OK, FALSE },
    { MD_DNS_STATUS_NXDOMAIN, FALSE },
    { MD_DNS_STATUS_NODATA, FALSE },
    { MD_DNS_STATUS_SERVFAIL, TRUE },
    { MD_DNS_STATUS_REFUSED, TRUE },
    { MD_DNS_STATUS_TIMEOUT, TRUE },
    { MD_DNS_STATUS_ERROR, TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MdDnsAnswer) answer = md_dns_answer_new ("2.0.0.127.zen.spamhaus.org",
                                                         MD_DNS_TYPE_A, cases[i].status);
      g_assert_cmpint (md_dns_answer_is_failure (answer), ==, cases[i].failure);
    }
}

static void
test_answer_copy (void)
{
  g_autoptr(MdDnsAnswer) answer = md_dns_answer_new ("example.org", MD_DNS_TYPE_MX,
                                                     MD_DNS_STATUS_OK);
  g_autoptr(MdDnsAnswer) copy = NULL;
  MdDnsRecord *record = md_dns_record_new (MD_DNS_TYPE_MX, "example.org");
  MdDnsRecord *copied;

  record->target = g_strdup ("mx.example.org");
  record->preference = 10;
  record->strings = g_strsplit ("a b", " ", -1);
  g_ptr_array_add (answer->records, record);

  copy = md_dns_answer_copy (answer);
  g_assert_cmpuint (copy->records->len, ==, 1);
  copied = g_ptr_array_index (copy->records, 0);
  g_assert_true (copied != record);
  g_assert_cmpstr (copied->target, ==, "mx.example.org");
  g_assert_cmpuint (copied->preference, ==, 10);
  g_assert_cmpstrv (copied->strings, ((const char *[]) { "a", "b", NULL }));
}

static void
test_normalize_space (void)
{
  g_autofree char *a = md_normalize_space ("  Access\n   denied,\tbanned  ");
  g_autofree char *b = md_normalize_space ("");

  g_assert_cmpstr (a, ==, "Access denied, banned");
  g_assert_cmpstr (b, ==, "");
  g_assert_null (md_normalize_space (NULL));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  md_core_init ();

  g_test_add_func ("/MailDoctor/Dns/answer-failure", test_answer_failure);
  g_test_add_func ("/MailDoctor/Dns/answer-copy", test_answer_copy);
  g_test_add_func ("/MailDoctor/Util/normalize-space", test_normalize_space);

  return g_test_run ();
}
