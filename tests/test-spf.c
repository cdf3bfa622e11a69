/* test-spf.c — the SPF evaluator beyond the conformance suite
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "md-spf.h"
#include "md-test-util.h"
#include "md-test-zone.h"
#include "md-util.h"

/* {{{ Helpers */

#define run_check(zone, ip, sender, helo) \
  md_test_spf_check (MD_DNS_SOURCE (zone), (ip), (sender), (helo))

static void
add_txt (MdTestZone *zone,
         const char *name,
         const char *text)
{
  const char *strings[] = { text, NULL };

  md_test_zone_add_txt (zone, name, MD_DNS_TYPE_TXT, strings);
}

static gboolean
has_problem (const MdSpfResult *result,
             const char        *id)
{
  for (guint i = 0; i < result->problems->len; i++)
    {
      const MdSpfProblem *problem = g_ptr_array_index (result->problems, i);

      if (g_str_equal (problem->id, id))
        return TRUE;
    }

  return FALSE;
}

static gboolean
trace_contains (const MdSpfResult *result,
                const char        *needle)
{
  for (guint i = 0; i < result->trace->len; i++)
    if (strstr (g_ptr_array_index (result->trace, i), needle) != NULL)
      return TRUE;

  return FALSE;
}

/* }}} */
/* {{{ Parser */

static void
test_parse_terms (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdSpfRecord) record = NULL;
  const MdSpfTerm *term;

  record = md_spf_record_parse ("v=spf1 ip4:192.0.2.0/24 -ip6:2001:db8::/32 ~a:mail.%{d}/28//64 "
                                "?mx include:_spf.example.net ptr exists:%{ir}.bl.example.org "
                                "redirect=_spf.example.com exp=why.%{d} x-note=hello -all",
                                &error);
  g_assert_no_error (error);
  g_assert_cmpuint (record->terms->len, ==, 11);

  term = g_ptr_array_index (record->terms, 0);
  g_assert_cmpint (term->type, ==, MD_SPF_TERM_IP4);
  g_assert_cmpint (term->qualifier, ==, MD_SPF_VERDICT_PASS);
  g_assert_cmpuint (term->cidr4, ==, 24);
  {
    g_autofree char *address = g_inet_address_to_string (term->address);
    g_assert_cmpstr (address, ==, "192.0.2.0");
  }

  term = g_ptr_array_index (record->terms, 1);
  g_assert_cmpint (term->type, ==, MD_SPF_TERM_IP6);
  g_assert_cmpint (term->qualifier, ==, MD_SPF_VERDICT_FAIL);
  g_assert_cmpuint (term->cidr6, ==, 32);

  term = g_ptr_array_index (record->terms, 2);
  g_assert_cmpint (term->type, ==, MD_SPF_TERM_A);
  g_assert_cmpint (term->qualifier, ==, MD_SPF_VERDICT_SOFTFAIL);
  g_assert_cmpstr (term->domain_spec, ==, "mail.%{d}");
  g_assert_cmpuint (term->cidr4, ==, 28);
  g_assert_cmpuint (term->cidr6, ==, 64);

  term = g_ptr_array_index (record->terms, 3);
  g_assert_cmpint (term->type, ==, MD_SPF_TERM_MX);
  g_assert_cmpint (term->qualifier, ==, MD_SPF_VERDICT_NEUTRAL);
  g_assert_null (term->domain_spec);
  g_assert_cmpuint (term->cidr4, ==, 32);
  g_assert_cmpuint (term->cidr6, ==, 128);

  term = g_ptr_array_index (record->terms, 4);
  g_assert_cmpint (term->type, ==, MD_SPF_TERM_INCLUDE);
  g_assert_cmpstr (term->domain_spec, ==, "_spf.example.net");

  term = g_ptr_array_index (record->terms, 5);
  g_assert_cmpint (term->type, ==, MD_SPF_TERM_PTR);

  term = g_ptr_array_index (record->terms, 6);
  g_assert_cmpint (term->type, ==, MD_SPF_TERM_EXISTS);
  g_assert_cmpstr (term->domain_spec, ==, "%{ir}.bl.example.org");

  g_assert_true (record->redirect == g_ptr_array_index (record->terms, 7));
  g_assert_cmpstr (record->redirect->domain_spec, ==, "_spf.example.com");
  g_assert_true (record->exp == g_ptr_array_index (record->terms, 8));
  g_assert_cmpstr (record->exp->domain_spec, ==, "why.%{d}");

  term = g_ptr_array_index (record->terms, 9);
  g_assert_cmpint (term->type, ==, MD_SPF_TERM_UNKNOWN_MODIFIER);
  g_assert_cmpstr (term->name, ==, "x-note");
  g_assert_cmpstr (term->value, ==, "hello");

  term = g_ptr_array_index (record->terms, 10);
  g_assert_cmpint (term->type, ==, MD_SPF_TERM_ALL);
  g_assert_cmpint (term->qualifier, ==, MD_SPF_VERDICT_FAIL);
  g_assert_cmpstr (term->text, ==, "-all");

  {
    g_autoptr(MdSpfRecord) copy = md_spf_record_copy (record);

    g_assert_cmpuint (copy->terms->len, ==, 11);
    g_assert_true (copy->redirect == g_ptr_array_index (copy->terms, 7));
    g_assert_cmpstr (copy->exp->domain_spec, ==, "why.%{d}");
  }
}

static void
test_parse_errors (void)
{
  static const struct { const char *record; int code; } cases[] = {
    { "v=spf10 -all", MD_SPF_ERROR_NOT_SPF },
    { "spf1 -all", MD_SPF_ERROR_NOT_SPF },
    { "v=spf1 -all moo", MD_SPF_ERROR_SYNTAX },
    { "v=spf1 ip4:192.0.2.1/33", MD_SPF_ERROR_SYNTAX },
    { "v=spf1 ip4:192.0.2.01", MD_SPF_ERROR_SYNTAX },
    { "v=spf1 ip4:192.0.2", MD_SPF_ERROR_SYNTAX },
    { "v=spf1 ip6:2001:db8::/129", MD_SPF_ERROR_SYNTAX },
    { "v=spf1 a:example.com:8080", MD_SPF_ERROR_SYNTAX },
    { "v=spf1 a:111.222.33.44", MD_SPF_ERROR_SYNTAX },
    { "v=spf1 include:", MD_SPF_ERROR_SYNTAX },
    { "v=spf1 exists:%{x}.example.com", MD_SPF_ERROR_SYNTAX },
    { "v=spf1 exists:%{d0}.example.com", MD_SPF_ERROR_SYNTAX },
    { "v=spf1 exists:%{c}.example.com", MD_SPF_ERROR_SYNTAX },
    { "v=spf1 redirect=a.example.com redirect=b.example.com", MD_SPF_ERROR_SYNTAX },
    { "v=spf1 exp=", MD_SPF_ERROR_SYNTAX },
    { "v=spf1 1x=y", MD_SPF_ERROR_SYNTAX },
    { "v=spf1 -all\t", MD_SPF_ERROR_SYNTAX },
    { "v=spf1 a:ex\xc3\xa4mple.com", MD_SPF_ERROR_SYNTAX },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MdSpfRecord) record = md_spf_record_parse (cases[i].record, &error);

      g_test_message ("%s", cases[i].record);
      g_assert_null (record);
      g_assert_error (error, MD_SPF_ERROR, cases[i].code);
    }
}

static void
test_parse_lenient_spacing (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdSpfRecord) record = md_spf_record_parse ("V=SPF1  MX   -ALL ", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (record->terms->len, ==, 2);
  g_assert_cmpint (((MdSpfTerm *) g_ptr_array_index (record->terms, 0))->type, ==, MD_SPF_TERM_MX);
  g_assert_cmpint (((MdSpfTerm *) g_ptr_array_index (record->terms, 1))->type, ==, MD_SPF_TERM_ALL);
}

/* }}} */
/* {{{ Macros: the examples of RFC 7208 section 7.4 */

static void
test_macros_rfc_examples (void)
{
  static const struct { const char *macro; const char *expansion; } cases[] = {
    { "%{s}", "strong-bad@email.example.com" },
    { "%{o}", "email.example.com" },
    { "%{d}", "email.example.com" },
    { "%{d4}", "email.example.com" },
    { "%{d3}", "email.example.com" },
    { "%{d2}", "example.com" },
    { "%{d1}", "com" },
    { "%{dr}", "com.example.email" },
    { "%{d2r}", "example.email" },
    { "%{l}", "strong-bad" },
    { "%{l-}", "strong.bad" },
    { "%{lr}", "strong-bad" },
    { "%{lr-}", "bad.strong" },
    { "%{l1r-}", "strong" },
    { "%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com" },
    { "%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com" },
    { "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", "bad.strong.lp.3.2.0.192.in-addr._spf.example.com" },
    { "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", "3.2.0.192.in-addr.strong.lp._spf.example.com" },
    { "%{d2}.trusted-domains.example.net", "example.com.trusted-domains.example.net" },
    { "%{h}", "mx.example.org" },
    { "%{p}", "unknown" },
    { "%%%_%-", "% %20" },
    { "%{L}", "strong-bad" },
    { "%{S}", "strong-bad%40email.example.com" },
  };
  g_autoptr(GInetAddress) ip = g_inet_address_new_from_string ("192.0.2.3");
  g_autoptr(GInetAddress) ip6 = g_inet_address_new_from_string ("2001:db8::cb01");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *expansion = md_spf_expand_macros (cases[i].macro,
                                                         "strong-bad@email.example.com",
                                                         NULL, ip, "mx.example.org", FALSE,
                                                         &error);
      g_assert_no_error (error);
      g_assert_cmpstr (expansion, ==, cases[i].expansion);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autofree char *expansion = md_spf_expand_macros ("%{ir}.%{v}._spf.%{d2}",
                                                       "strong-bad@email.example.com",
                                                       NULL, ip6, "mx.example.org", FALSE,
                                                       &error);
    g_assert_no_error (error);
    g_assert_cmpstr (expansion, ==,
                     "1.0.B.C.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.B.D.0.1.0.0.2"
                     ".ip6._spf.example.com");
  }
}

static void
test_macros_explanation_only (void)
{
  g_autoptr(GInetAddress) ip6 = g_inet_address_new_from_string ("2001:db8::cb01");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *bad = NULL;

  text = md_spf_expand_macros ("%{c} is not allowed by %{d} (receiver %{r})", "x@example.com",
                               NULL, ip6, "helo.example.com", TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "2001:db8::cb01 is not allowed by example.com (receiver unknown)");

  bad = md_spf_expand_macros ("%{c}", "x@example.com", NULL, ip6, "helo.example.com", FALSE,
                              &error);
  g_assert_null (bad);
  g_assert_error (error, MD_SPF_ERROR, MD_SPF_ERROR_SYNTAX);
}

static void
test_verdict_strings (void)
{
  MdSpfVerdict verdict;

  for (MdSpfVerdict v = MD_SPF_VERDICT_NONE; v <= MD_SPF_VERDICT_PERMERROR; v++)
    {
      g_assert_true (md_spf_verdict_from_string (md_spf_verdict_to_string (v), &verdict));
      g_assert_cmpint (verdict, ==, v);
    }
  g_assert_false (md_spf_verdict_from_string ("unknown", &verdict));
  g_assert_cmpstr (md_spf_verdict_to_string (MD_SPF_VERDICT_SOFTFAIL), ==, "softfail");
}

/* }}} */
/* {{{ check_host() and what it reports */

static void
test_check_pass_trace (void)
{
  g_autoptr(MdTestZone) zone = md_test_zone_new ();
  g_autoptr(MdSpfResult) result = NULL;

  add_txt (zone, "example.org", "google-site-verification=abc");
  add_txt (zone, "example.org", "v=spf1 mx include:_spf.example.net -all");
  md_test_zone_add_mx (zone, "example.org", 10, "mx.example.org");
  md_test_zone_add_address (zone, "mx.example.org", "192.0.2.10");
  add_txt (zone, "_spf.example.net", "v=spf1 ip4:198.51.100.0/24 ~all");

  result = run_check (zone, "198.51.100.7", "alice@example.org", "mail.example.org");
  g_assert_cmpint (result->verdict, ==, MD_SPF_VERDICT_PASS);
  g_assert_cmpstr (result->domain, ==, "example.org");
  g_assert_cmpstr (result->sender, ==, "alice@example.org");
  /* The include in example.org's record decided. */
  g_assert_cmpstr (result->mechanism, ==, "include:_spf.example.net");
  g_assert_cmpstr (result->mechanism_domain, ==, "example.org");
  g_assert_cmpuint (result->dns_lookups, ==, 2);
  g_assert_cmpuint (result->void_lookups, ==, 0);
  g_assert_null (result->explanation);
  g_assert_null (result->reason);
  g_assert_cmpuint (result->problems->len, ==, 0);
  g_assert_true (trace_contains (result, "v=spf1 mx include:_spf.example.net -all"));
  g_assert_true (trace_contains (result, "v=spf1 ip4:198.51.100.0/24 ~all"));
  g_assert_true (trace_contains (result, "DNS MX example.org: 10 mx.example.org"));
  g_assert_true (trace_contains (result, "ip4:198.51.100.0/24: match"));
}

static void
test_check_fail_explanation (void)
{
  g_autoptr(MdTestZone) zone = md_test_zone_new ();
  g_autoptr(MdSpfResult) result = NULL;

  add_txt (zone, "example.org", "v=spf1 a -all exp=why.example.org");
  md_test_zone_add_address (zone, "example.org", "192.0.2.1");
  add_txt (zone, "why.example.org", "%{i} may not send mail for %{d} (sender %{s})");

  result = run_check (zone, "203.0.113.7", "bob@example.org", "mail.example.org");
  g_assert_cmpint (result->verdict, ==, MD_SPF_VERDICT_FAIL);
  g_assert_cmpstr (result->mechanism, ==, "-all");
  g_assert_cmpstr (result->explanation, ==,
                   "203.0.113.7 may not send mail for example.org (sender bob@example.org)");
  g_assert_cmpuint (result->dns_lookups, ==, 1);
}

static void
test_check_null_sender_helo (void)
{
  g_autoptr(MdTestZone) zone = md_test_zone_new ();
  g_autoptr(MdSpfResult) result = NULL;

  add_txt (zone, "mail.example.org", "v=spf1 a -all");
  md_test_zone_add_address (zone, "mail.example.org", "192.0.2.25");

  result = run_check (zone, "192.0.2.25", "", "mail.example.org");
  g_assert_cmpint (result->verdict, ==, MD_SPF_VERDICT_PASS);
  g_assert_cmpstr (result->domain, ==, "mail.example.org");
  g_assert_cmpstr (result->sender, ==, "postmaster@mail.example.org");
  g_assert_cmpstr (result->mechanism, ==, "a");
}

static void
test_check_problems_on_pass (void)
{
  g_autoptr(MdTestZone) zone = md_test_zone_new ();
  g_autoptr(MdSpfResult) result = NULL;

  /* Eight DNS lookups before the ptr that matches, and +all behind it. */
  add_txt (zone, "example.org",
           "v=spf1 a:a1.example.org a:a2.example.org a:a3.example.org a:a4.example.org "
           "a:a5.example.org a:a6.example.org a:a7.example.org ptr +all");
  for (guint i = 1; i <= 7; i++)
    {
      g_autofree char *name = g_strdup_printf ("a%u.example.org", i);
      md_test_zone_add_address (zone, name, "192.0.2.200");
    }
  md_test_zone_add_target (zone, "25.2.0.192.in-addr.arpa", MD_DNS_TYPE_PTR, "mail.example.org");
  md_test_zone_add_address (zone, "mail.example.org", "192.0.2.25");

  result = run_check (zone, "192.0.2.25", "carol@example.org", "mail.example.org");
  g_assert_cmpint (result->verdict, ==, MD_SPF_VERDICT_PASS);
  g_assert_cmpstr (result->mechanism, ==, "ptr");
  g_assert_cmpuint (result->dns_lookups, ==, 8);
  g_assert_true (has_problem (result, "near-lookup-limit"));
  g_assert_true (has_problem (result, "plus-all"));
  g_assert_true (has_problem (result, "ptr"));
  g_assert_false (has_problem (result, "multiple-records"));
}

static void
test_check_lookup_limit (void)
{
  g_autoptr(MdTestZone) zone = md_test_zone_new ();
  g_autoptr(MdSpfResult) result = NULL;

  /* Each include costs one lookup; the eleventh breaks the limit. */
  add_txt (zone, "example.org", "v=spf1 include:i1.example.org -all");
  for (guint i = 1; i <= 11; i++)
    {
      g_autofree char *name = g_strdup_printf ("i%u.example.org", i);
      g_autofree char *record = g_strdup_printf ("v=spf1 include:i%u.example.org", i + 1);
      add_txt (zone, name, record);
    }

  result = run_check (zone, "192.0.2.1", "dave@example.org", "mail.example.org");
  g_assert_cmpint (result->verdict, ==, MD_SPF_VERDICT_PERMERROR);
  g_assert_cmpuint (result->dns_lookups, ==, 11);
  g_assert_nonnull (result->reason);
  g_assert_nonnull (strstr (result->reason, "include:i11.example.org"));
  g_assert_null (result->mechanism);
}

static void
test_check_void_limit (void)
{
  g_autoptr(MdTestZone) zone = md_test_zone_new ();
  g_autoptr(MdSpfResult) result = NULL;

  add_txt (zone, "example.org", "v=spf1 a:gone1.example.org mx:gone2.example.org "
                                "exists:gone3.example.org ip4:192.0.2.1 -all");

  result = run_check (zone, "192.0.2.1", "erin@example.org", "mail.example.org");
  g_assert_cmpint (result->verdict, ==, MD_SPF_VERDICT_PERMERROR);
  g_assert_cmpuint (result->void_lookups, ==, 3);
  g_assert_cmpuint (result->dns_lookups, ==, 3);
  g_assert_true (has_problem (result, "void-lookups"));
}

static void
test_check_multiple_records (void)
{
  g_autoptr(MdTestZone) zone = md_test_zone_new ();
  g_autoptr(MdSpfResult) result = NULL;

  add_txt (zone, "example.org", "v=spf1 mx -all");
  add_txt (zone, "example.org", "v=spf1 ip4:192.0.2.0/24 -all");

  result = run_check (zone, "192.0.2.1", "frank@example.org", "mail.example.org");
  g_assert_cmpint (result->verdict, ==, MD_SPF_VERDICT_PERMERROR);
  g_assert_true (has_problem (result, "multiple-records"));
  g_assert_cmpuint (result->dns_lookups, ==, 0);
}

static void
test_check_spf_rr_only (void)
{
  g_autoptr(MdTestZone) zone = md_test_zone_new ();
  g_autoptr(MdSpfResult) result = NULL;
  const char *strings[] = { "v=spf1 mx -all", NULL };

  md_test_zone_add_txt (zone, "example.org", MD_DNS_TYPE_SPF, strings);

  result = run_check (zone, "192.0.2.1", "grace@example.org", "mail.example.org");
  g_assert_cmpint (result->verdict, ==, MD_SPF_VERDICT_NONE);
  g_assert_true (has_problem (result, "spf-rr-only"));
}

static void
test_check_dns_failures (void)
{
  static const MdDnsStatus failures[] = {
    MD_DNS_STATUS_SERVFAIL, MD_DNS_STATUS_REFUSED, MD_DNS_STATUS_TIMEOUT, MD_DNS_STATUS_ERROR,
  };

  for (guint i = 0; i < G_N_ELEMENTS (failures); i++)
    {
      g_autoptr(MdTestZone) zone = md_test_zone_new ();
      g_autoptr(MdSpfResult) result = NULL;

      add_txt (zone, "example.org", "v=spf1 include:_spf.example.net -all");
      md_test_zone_set_status (zone, "_spf.example.net", MD_DNS_TYPE_TXT, failures[i]);

      result = run_check (zone, "192.0.2.1", "heidi@example.org", "mail.example.org");
      /* A failed lookup is never a verdict about the sender. */
      g_assert_cmpint (result->verdict, ==, MD_SPF_VERDICT_TEMPERROR);
      g_assert_nonnull (result->reason);
      g_assert_nonnull (strstr (result->reason, "_spf.example.net"));
    }
}

static void
test_check_ptr_dns_error_no_match (void)
{
  g_autoptr(MdTestZone) zone = md_test_zone_new ();
  g_autoptr(MdSpfResult) result = NULL;

  /* RFC 7208 5.5: a failed PTR lookup makes ptr not match, not temperror. */
  add_txt (zone, "example.org", "v=spf1 ptr ~all");
  md_test_zone_set_status (zone, "1.2.0.192.in-addr.arpa", MD_DNS_TYPE_PTR,
                           MD_DNS_STATUS_SERVFAIL);

  result = run_check (zone, "192.0.2.1", "ivan@example.org", "mail.example.org");
  g_assert_cmpint (result->verdict, ==, MD_SPF_VERDICT_SOFTFAIL);
  g_assert_cmpstr (result->mechanism, ==, "~all");
}

static void
cancelled_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MdSpfResult) spf = md_spf_check_finish (result, &error);

  g_assert_null (spf);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  *done = TRUE;
}

static void
test_check_cancel (void)
{
  g_autoptr(MdTestZone) zone = md_test_zone_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GInetAddress) ip = g_inet_address_new_from_string ("192.0.2.1");
  gboolean done = FALSE;

  add_txt (zone, "example.org", "v=spf1 -all");
  md_spf_check_async (MD_DNS_SOURCE (zone), ip, "judy@example.org", "mail.example.org",
                      cancellable, cancelled_cb, &done);
  g_cancellable_cancel (cancellable);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_check_invalid_domain_none (void)
{
  g_autoptr(MdTestZone) zone = md_test_zone_new ();
  g_autoptr(MdSpfResult) result = NULL;

  result = run_check (zone, "192.0.2.1", "", "localhost");
  g_assert_cmpint (result->verdict, ==, MD_SPF_VERDICT_NONE);
  g_assert_cmpuint (md_test_zone_get_queries (zone), ==, 0);
  g_assert_nonnull (result->reason);
}

static void
test_check_domain_not_a_macro (void)
{
  g_autoptr(MdTestZone) zone = md_test_zone_new ();
  g_autoptr(MdSpfResult) result = NULL;

  /* A bare "a" looks up <domain> as it is, even with a '%' in it. */
  add_txt (zone, "per%cent.example.org", "v=spf1 a -all");
  md_test_zone_add_address (zone, "per%cent.example.org", "192.0.2.77");

  result = run_check (zone, "192.0.2.77", "x@per%cent.example.org", "mail.example.org");
  g_assert_cmpint (result->verdict, ==, MD_SPF_VERDICT_PASS);
  g_assert_cmpstr (result->mechanism, ==, "a");
}

static void
test_check_idn_sender (void)
{
  g_autoptr(MdTestZone) zone = md_test_zone_new ();
  g_autoptr(MdSpfResult) result = NULL;

  add_txt (zone, "xn--bcher-kva.example", "v=spf1 ip4:192.0.2.0/24 -all");

  result = run_check (zone, "192.0.2.8", "info@bücher.example", "mail.example.org");
  g_assert_cmpint (result->verdict, ==, MD_SPF_VERDICT_PASS);
  g_assert_cmpstr (result->domain, ==, "xn--bcher-kva.example");
  g_assert_cmpstr (result->sender, ==, "info@xn--bcher-kva.example");
}

static void
test_result_copy (void)
{
  g_autoptr(MdTestZone) zone = md_test_zone_new ();
  g_autoptr(MdSpfResult) result = NULL;
  g_autoptr(MdSpfResult) copy = NULL;

  add_txt (zone, "example.org", "v=spf1 +all");
  result = run_check (zone, "192.0.2.1", "kim@example.org", "mail.example.org");
  copy = md_spf_result_copy (result);

  g_assert_cmpint (copy->verdict, ==, MD_SPF_VERDICT_PASS);
  g_assert_cmpstr (copy->mechanism, ==, "+all");
  g_assert_cmpuint (copy->trace->len, ==, result->trace->len);
  g_assert_cmpuint (copy->problems->len, ==, 1);
  g_assert_cmpstr (((MdSpfProblem *) g_ptr_array_index (copy->problems, 0))->id, ==, "plus-all");
}

/* }}} */

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  md_core_init ();

  g_test_add_func ("/MailDoctor/Spf/parse/terms", test_parse_terms);
  g_test_add_func ("/MailDoctor/Spf/parse/errors", test_parse_errors);
  g_test_add_func ("/MailDoctor/Spf/parse/spacing-and-case", test_parse_lenient_spacing);
  g_test_add_func ("/MailDoctor/Spf/macros/rfc-examples", test_macros_rfc_examples);
  g_test_add_func ("/MailDoctor/Spf/macros/explanation-only", test_macros_explanation_only);
  g_test_add_func ("/MailDoctor/Spf/verdict-strings", test_verdict_strings);
  g_test_add_func ("/MailDoctor/Spf/check/pass-trace", test_check_pass_trace);
  g_test_add_func ("/MailDoctor/Spf/check/fail-explanation", test_check_fail_explanation);
  g_test_add_func ("/MailDoctor/Spf/check/null-sender-helo", test_check_null_sender_helo);
  g_test_add_func ("/MailDoctor/Spf/check/problems-on-pass", test_check_problems_on_pass);
  g_test_add_func ("/MailDoctor/Spf/check/lookup-limit", test_check_lookup_limit);
  g_test_add_func ("/MailDoctor/Spf/check/void-limit", test_check_void_limit);
  g_test_add_func ("/MailDoctor/Spf/check/multiple-records", test_check_multiple_records);
  g_test_add_func ("/MailDoctor/Spf/check/spf-rr-only", test_check_spf_rr_only);
  g_test_add_func ("/MailDoctor/Spf/check/dns-failures", test_check_dns_failures);
  g_test_add_func ("/MailDoctor/Spf/check/ptr-dns-error", test_check_ptr_dns_error_no_match);
  g_test_add_func ("/MailDoctor/Spf/check/cancel", test_check_cancel);
  g_test_add_func ("/MailDoctor/Spf/check/invalid-domain", test_check_invalid_domain_none);
  g_test_add_func ("/MailDoctor/Spf/check/domain-not-a-macro", test_check_domain_not_a_macro);
  g_test_add_func ("/MailDoctor/Spf/check/idn-sender", test_check_idn_sender);
  g_test_add_func ("/MailDoctor/Spf/check/result-copy", test_result_copy);

  return g_test_run ();
}
