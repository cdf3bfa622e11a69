/* test-resolver.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "md-resolver.h"
#include "md-test-knot.h"
#include "md-test-util.h"

/* One knotd for the whole program (see main()). */
static MdTestKnot *knot;
static GError *knot_error;

static const char *const zones[] = {
  "resolver.test.zone",
  "77.100.51.198.in-addr.arpa.zone",
  "5.e.5.0.8.b.d.0.1.0.0.2.ip6.arpa.zone",
  NULL
};
static const char *const failing_zones[] = { "broken.resolver.test", NULL };

static MdDnsAnswer *
query (MdResolver *resolver,
       const char *name,
       MdDnsType   type)
{
  g_autofree char *expected = g_strdup (name);
  MdDnsAnswer *answer;

  if (g_str_has_suffix (expected, "."))
    expected[strlen (expected) - 1] = '\0';

  answer = md_test_resolver_query (resolver, name, type);
  g_assert_cmpstr (answer->name, ==, expected);

  return answer;
}

static MdDnsRecord *
record (MdDnsAnswer *answer,
        guint        i)
{
  g_assert_cmpuint (i, <, answer->records->len);

  return g_ptr_array_index (answer->records, i);
}

/* Records come in server order; sort by a text key for exact comparisons. */
static char *
record_key (const MdDnsRecord *r)
{
  g_autofree char *address = r->address ? g_inet_address_to_string (r->address) : NULL;

  return g_strdup_printf ("%s %s %u %s %s", r->name, md_dns_type_to_string (r->type),
                          r->preference, address ? address : "", r->target ? r->target : "");
}

static int
compare_records (gconstpointer a,
                 gconstpointer b)
{
  g_autofree char *ka = record_key (*(MdDnsRecord **) a);
  g_autofree char *kb = record_key (*(MdDnsRecord **) b);

  return strcmp (ka, kb);
}

static char *
answer_summary (MdDnsAnswer *answer)
{
  g_autoptr(GString) out = g_string_new (NULL);

  g_ptr_array_sort (answer->records, compare_records);
  for (guint i = 0; i < answer->records->len; i++)
    {
      g_autofree char *key = record_key (record (answer, i));

      g_string_append_printf (out, "%s%s", i ? "; " : "", key);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* ---------------------------------------------------------------------------
 * Record types
 */

static void
test_a (void)
{
  g_autoptr(MdResolver) resolver = md_test_knot_resolver (knot, knot_error);
  g_autoptr(MdDnsAnswer) answer = NULL;
  g_autofree char *summary = NULL;

  if (resolver == NULL)
    return;

  answer = query (resolver, "www.resolver.test", MD_DNS_TYPE_A);
  g_assert_cmpint (answer->status, ==, MD_DNS_STATUS_OK);
  g_assert_null (answer->message);
  g_assert_cmpint (answer->type, ==, MD_DNS_TYPE_A);
  summary = answer_summary (answer);
  g_assert_cmpstr (summary, ==,
                   "www.resolver.test A 0 192.0.2.10 ; www.resolver.test A 0 192.0.2.11 ");
  g_assert_cmpuint (record (answer, 0)->ttl, ==, 300);
  g_assert_cmpuint (answer->duration_ms, <, 2000);
}

static void
test_aaaa (void)
{
  g_autoptr(MdResolver) resolver = md_test_knot_resolver (knot, knot_error);
  g_autoptr(MdDnsAnswer) answer = NULL;
  g_autofree char *summary = NULL;

  if (resolver == NULL)
    return;

  answer = query (resolver, "www.resolver.test", MD_DNS_TYPE_AAAA);
  g_assert_cmpint (answer->status, ==, MD_DNS_STATUS_OK);
  summary = answer_summary (answer);
  g_assert_cmpstr (summary, ==,
                   "www.resolver.test AAAA 0 2001:db8::10 ; www.resolver.test AAAA 0 2001:db8::11 ");
  g_assert_cmpint (g_inet_address_get_family (record (answer, 0)->address), ==,
                   G_SOCKET_FAMILY_IPV6);
}

static void
test_mx (void)
{
  g_autoptr(MdResolver) resolver = md_test_knot_resolver (knot, knot_error);
  g_autoptr(MdDnsAnswer) answer = NULL;
  g_autofree char *summary = NULL;

  if (resolver == NULL)
    return;

  /* A trailing dot is fine and does not show up in the answer's name. */
  answer = query (resolver, "resolver.test.", MD_DNS_TYPE_MX);
  g_assert_cmpint (answer->status, ==, MD_DNS_STATUS_OK);
  summary = answer_summary (answer);
  g_assert_cmpstr (summary, ==,
                   "resolver.test MX 10  mx1.resolver.test; resolver.test MX 20  mx2.resolver.test");
}

static void
test_ns (void)
{
  g_autoptr(MdResolver) resolver = md_test_knot_resolver (knot, knot_error);
  g_autoptr(MdDnsAnswer) answer = NULL;
  g_autofree char *summary = NULL;

  if (resolver == NULL)
    return;

  answer = query (resolver, "resolver.test", MD_DNS_TYPE_NS);
  g_assert_cmpint (answer->status, ==, MD_DNS_STATUS_OK);
  summary = answer_summary (answer);
  g_assert_cmpstr (summary, ==,
                   "resolver.test NS 0  ns1.resolver.test; resolver.test NS 0  ns2.resolver.test");
}

static MdDnsRecord *
find_text (MdDnsAnswer *answer,
           const char  *text)
{
  for (guint i = 0; i < answer->records->len; i++)
    if (g_strcmp0 (record (answer, i)->text, text) == 0)
      return record (answer, i);

  return NULL;
}

static void
test_txt (void)
{
  g_autoptr(MdResolver) resolver = md_test_knot_resolver (knot, knot_error);
  g_autoptr(MdDnsAnswer) multi = NULL;
  g_autoptr(MdDnsAnswer) lng = NULL;
  g_autoptr(MdDnsAnswer) bytes = NULL;
  g_autoptr(MdDnsAnswer) empty = NULL;
  const char *const multi_strings[] = { "v=spf1 ", "ip4:192.0.2.0/24 ", "-all", NULL };
  const char *const second_strings[] = { "second record", NULL };
  const char *const bytes_strings[] = { "Grüße", "nul\357\277\275byte", "bad\357\277\275utf8", NULL };
  const char *const empty_strings[] = { "", NULL };
  MdDnsRecord *r;

  if (resolver == NULL)
    return;

  multi = query (resolver, "multi.resolver.test", MD_DNS_TYPE_TXT);
  g_assert_cmpint (multi->status, ==, MD_DNS_STATUS_OK);
  g_assert_cmpuint (multi->records->len, ==, 2);
  r = find_text (multi, "v=spf1 ip4:192.0.2.0/24 -all");
  g_assert_nonnull (r);
  g_assert_cmpstrv (r->strings, multi_strings);
  g_assert_cmpstr (r->name, ==, "multi.resolver.test");
  r = find_text (multi, "second record");
  g_assert_nonnull (r);
  g_assert_cmpstrv (r->strings, second_strings);

  /* Longer than one character-string (255 bytes). */
  lng = query (resolver, "long.resolver.test", MD_DNS_TYPE_TXT);
  g_assert_cmpuint (lng->records->len, ==, 1);
  g_assert_cmpuint (strlen (record (lng, 0)->text), ==, 355);
  g_assert_cmpuint (g_strv_length (record (lng, 0)->strings), ==, 2);
  g_assert_cmpuint (strlen (record (lng, 0)->strings[0]), ==, 255);

  /* UTF-8 survives; a NUL byte or invalid UTF-8 becomes U+FFFD. */
  bytes = query (resolver, "bytes.resolver.test", MD_DNS_TYPE_TXT);
  g_assert_cmpuint (bytes->records->len, ==, 1);
  g_assert_cmpstrv (record (bytes, 0)->strings, bytes_strings);
  g_assert_cmpstr (record (bytes, 0)->text, ==, "Grüßenul\357\277\275bytebad\357\277\275utf8");

  empty = query (resolver, "empty.resolver.test", MD_DNS_TYPE_TXT);
  g_assert_cmpint (empty->status, ==, MD_DNS_STATUS_OK);
  g_assert_cmpuint (empty->records->len, ==, 1);
  g_assert_cmpstr (record (empty, 0)->text, ==, "");
  g_assert_cmpstrv (record (empty, 0)->strings, empty_strings);
}

static void
test_tcp_fallback (void)
{
  g_autoptr(MdResolver) resolver = md_test_knot_resolver (knot, knot_error);
  g_autoptr(MdDnsAnswer) answer = NULL;
  gboolean seen[8] = { FALSE, };

  if (resolver == NULL)
    return;

  /* 8 × 250 bytes do not fit in UDP: c-ares retries over TCP, which our
   * main-loop source must drive too (a writable socket first). */
  answer = query (resolver, "big.resolver.test", MD_DNS_TYPE_TXT);
  g_assert_cmpint (answer->status, ==, MD_DNS_STATUS_OK);
  g_assert_cmpuint (answer->records->len, ==, 8);
  for (guint i = 0; i < 8; i++)
    {
      const char *text = record (answer, i)->text;
      guint n = text[0] - '0';

      g_assert_cmpuint (strlen (text), ==, 250);
      g_assert_cmpuint (n, <, 8);
      g_assert_cmpint (text[249], ==, 'a' + n);
      seen[n] = TRUE;
    }
  for (guint i = 0; i < 8; i++)
    g_assert_true (seen[i]);
}

static void
test_spf_type (void)
{
  g_autoptr(MdResolver) resolver = md_test_knot_resolver (knot, knot_error);
  g_autoptr(MdDnsAnswer) answer = NULL;
  const char *const strings[] = { "v=spf1 ", "-all", NULL };

  if (resolver == NULL)
    return;

  /* Type 99 only, not the TXT record at the same name. */
  answer = query (resolver, "spf.resolver.test", MD_DNS_TYPE_SPF);
  g_assert_cmpint (answer->status, ==, MD_DNS_STATUS_OK);
  g_assert_cmpuint (answer->records->len, ==, 1);
  g_assert_cmpint (record (answer, 0)->type, ==, MD_DNS_TYPE_SPF);
  g_assert_cmpstr (record (answer, 0)->text, ==, "v=spf1 -all");
  g_assert_cmpstrv (record (answer, 0)->strings, strings);
}

static void
test_cname (void)
{
  g_autoptr(MdResolver) resolver = md_test_knot_resolver (knot, knot_error);
  g_autoptr(MdDnsAnswer) cname = NULL;
  g_autoptr(MdDnsAnswer) followed = NULL;
  g_autoptr(MdDnsAnswer) loop = NULL;
  g_autoptr(MdDnsAnswer) nodata = NULL;
  g_autofree char *summary = NULL;

  if (resolver == NULL)
    return;

  cname = query (resolver, "alias2.resolver.test", MD_DNS_TYPE_CNAME);
  g_assert_cmpint (cname->status, ==, MD_DNS_STATUS_OK);
  g_assert_cmpuint (cname->records->len, ==, 1);
  g_assert_cmpstr (record (cname, 0)->name, ==, "alias2.resolver.test");
  g_assert_cmpstr (record (cname, 0)->target, ==, "alias.resolver.test");

  /* Two CNAMEs followed; the A records keep the owner name they have. */
  followed = query (resolver, "alias2.resolver.test", MD_DNS_TYPE_A);
  g_assert_cmpint (followed->status, ==, MD_DNS_STATUS_OK);
  g_assert_cmpstr (followed->name, ==, "alias2.resolver.test");
  summary = answer_summary (followed);
  g_assert_cmpstr (summary, ==,
                   "www.resolver.test A 0 192.0.2.10 ; www.resolver.test A 0 192.0.2.11 ");

  /* A CNAME loop answered NOERROR is no "no such record": the name has no
   * answer, and a check must say it could not decide. */
  loop = query (resolver, "loop1.resolver.test", MD_DNS_TYPE_A);
  g_assert_cmpint (loop->status, ==, MD_DNS_STATUS_ERROR);
  g_assert_cmpuint (loop->records->len, ==, 0);
  g_assert_cmpstr (loop->message, ==, "the name is an alias that points back to itself "
                                      "(a CNAME loop)");
  g_clear_pointer (&loop, md_dns_answer_free);
  loop = query (resolver, "self.resolver.test", MD_DNS_TYPE_TXT);
  g_assert_cmpint (loop->status, ==, MD_DNS_STATUS_ERROR);
  g_assert_true (md_dns_answer_is_failure (loop));

  /* A name that is not an alias has no CNAME. */
  nodata = query (resolver, "www.resolver.test", MD_DNS_TYPE_CNAME);
  g_assert_cmpint (nodata->status, ==, MD_DNS_STATUS_NODATA);
}

static void
test_ptr (void)
{
  g_autoptr(MdResolver) resolver = md_test_knot_resolver (knot, knot_error);
  g_autoptr(MdDnsAnswer) plain = NULL;
  g_autoptr(MdDnsAnswer) v4 = NULL;
  g_autoptr(MdDnsAnswer) v6 = NULL;
  g_autoptr(GInetAddress) addr4 = g_inet_address_new_from_string ("198.51.100.77");
  g_autoptr(GInetAddress) addr6 = g_inet_address_new_from_string ("2001:db8:5e5::25");
  g_autofree char *name4 = md_dns_reverse_name (addr4, NULL);
  g_autofree char *name6 = md_dns_reverse_name (addr6, NULL);
  g_autofree char *summary = NULL;

  if (resolver == NULL)
    return;

  plain = query (resolver, "ptrname.resolver.test", MD_DNS_TYPE_PTR);
  g_assert_cmpuint (plain->records->len, ==, 1);
  g_assert_cmpstr (record (plain, 0)->target, ==, "host.resolver.test");

  v4 = query (resolver, name4, MD_DNS_TYPE_PTR);
  g_assert_cmpint (v4->status, ==, MD_DNS_STATUS_OK);
  summary = answer_summary (v4);
  g_assert_cmpstr (summary, ==,
                   "77.100.51.198.in-addr.arpa PTR 0  mail.resolver.test; "
                   "77.100.51.198.in-addr.arpa PTR 0  smtp.resolver.test");

  v6 = query (resolver, name6, MD_DNS_TYPE_PTR);
  g_assert_cmpint (v6->status, ==, MD_DNS_STATUS_OK);
  g_assert_cmpuint (v6->records->len, ==, 1);
  g_assert_cmpstr (record (v6, 0)->target, ==, "mail6.resolver.test");
  g_assert_cmpstr (record (v6, 0)->name, ==,
                   "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.5.e.5.0.8.b.d.0.1.0.0.2.ip6.arpa");
}

static void
test_tlsa (void)
{
  g_autoptr(MdResolver) resolver = md_test_knot_resolver (knot, knot_error);
  g_autoptr(MdDnsAnswer) smtp = NULL;
  g_autoptr(MdDnsAnswer) https = NULL;
  static const guint8 digest[] = {
    0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
    0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
  };
  gsize len;
  const guint8 *data;
  MdDnsRecord *r;

  if (resolver == NULL)
    return;

  smtp = query (resolver, "_25._tcp.mx1.resolver.test", MD_DNS_TYPE_TLSA);
  g_assert_cmpint (smtp->status, ==, MD_DNS_STATUS_OK);
  g_assert_cmpuint (smtp->records->len, ==, 1);
  r = record (smtp, 0);
  g_assert_cmpuint (r->tlsa_usage, ==, 3);
  g_assert_cmpuint (r->tlsa_selector, ==, 1);
  g_assert_cmpuint (r->tlsa_matching_type, ==, 1);
  data = g_bytes_get_data (r->tlsa_data, &len);
  g_assert_cmpmem (data, len, digest, sizeof digest);

  https = query (resolver, "_443._tcp.www.resolver.test", MD_DNS_TYPE_TLSA);
  g_assert_cmpuint (https->records->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      r = record (https, i);
      if (r->tlsa_usage == 1)
        {
          g_assert_cmpuint (r->tlsa_selector, ==, 1);
          g_assert_cmpuint (r->tlsa_matching_type, ==, 2);
          g_assert_cmpuint (g_bytes_get_size (r->tlsa_data), ==, 1);
        }
      else
        {
          g_assert_cmpuint (r->tlsa_usage, ==, 2);
          g_assert_cmpuint (g_bytes_get_size (r->tlsa_data), ==, 24);
        }
    }
}

/* ---------------------------------------------------------------------------
 * Statuses
 */

static void
test_nxdomain_nodata (void)
{
  g_autoptr(MdResolver) resolver = md_test_knot_resolver (knot, knot_error);
  g_autoptr(MdDnsAnswer) nx = NULL;
  g_autoptr(MdDnsAnswer) nodata = NULL;

  if (resolver == NULL)
    return;

  nx = query (resolver, "nothere.resolver.test", MD_DNS_TYPE_A);
  g_assert_cmpint (nx->status, ==, MD_DNS_STATUS_NXDOMAIN);
  g_assert_cmpuint (nx->records->len, ==, 0);
  g_assert_false (md_dns_answer_is_failure (nx));

  nodata = query (resolver, "mx1.resolver.test", MD_DNS_TYPE_AAAA);
  g_assert_cmpint (nodata->status, ==, MD_DNS_STATUS_NODATA);
  g_assert_cmpuint (nodata->records->len, ==, 0);
  g_assert_false (md_dns_answer_is_failure (nodata));
}

static void
test_servfail (void)
{
  g_autoptr(MdResolver) resolver = md_test_knot_resolver (knot, knot_error);
  g_autoptr(MdDnsAnswer) answer = NULL;

  if (resolver == NULL)
    return;

  answer = query (resolver, "2.0.0.127.broken.resolver.test", MD_DNS_TYPE_A);
  g_assert_cmpint (answer->status, ==, MD_DNS_STATUS_SERVFAIL);
  g_assert_cmpstr (answer->message, ==, "the DNS server failed (SERVFAIL)");
  g_assert_true (md_dns_answer_is_failure (answer));
}

static void
test_refused (void)
{
  g_autoptr(MdResolver) resolver = md_test_knot_resolver (knot, knot_error);
  g_autoptr(MdDnsAnswer) answer = NULL;

  if (resolver == NULL)
    return;

  /* Outside every zone this knotd serves. */
  answer = query (resolver, "2.0.0.127.zen.spamhaus.org", MD_DNS_TYPE_A);
  g_assert_cmpint (answer->status, ==, MD_DNS_STATUS_REFUSED);
  g_assert_cmpstr (answer->message, ==, "the DNS server refused the query (REFUSED)");
  g_assert_true (md_dns_answer_is_failure (answer));
}

static void
test_timeout (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdTestSilentServer) silent = md_test_silent_server_new (&error);
  g_autoptr(MdResolver) resolver = NULL;
  g_autoptr(MdDnsAnswer) answer = NULL;
  gint64 start;
  gint64 elapsed_ms;

  g_assert_no_error (error);
  resolver = md_resolver_new_for_servers (md_test_silent_server_get_address (silent), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (md_resolver_get_timeout (resolver), ==, MD_RESOLVER_DEFAULT_TIMEOUT_MS);
  md_resolver_set_timeout (resolver, 300);

  start = g_get_monotonic_time ();
  answer = query (resolver, "www.resolver.test", MD_DNS_TYPE_A);
  elapsed_ms = (g_get_monotonic_time () - start) / 1000;

  g_assert_cmpint (answer->status, ==, MD_DNS_STATUS_TIMEOUT);
  g_assert_cmpstr (answer->message, ==, "no answer within 300 ms (timeout)");
  g_assert_true (md_dns_answer_is_failure (answer));
  g_assert_cmpint (elapsed_ms, >=, 290);
  g_assert_cmpint (elapsed_ms, <, 1500);
  g_assert_cmpuint (answer->duration_ms, >=, 290);
  g_assert_cmpuint (md_resolver_get_n_pending (resolver), ==, 0);
}

static void
test_connection_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdTestSilentServer) gone = md_test_silent_server_new (&error);
  g_autofree char *address = NULL;
  g_autoptr(MdResolver) resolver = NULL;
  g_autoptr(MdDnsAnswer) answer = NULL;

  /* A port that was free a moment ago and is closed now: nobody listens. */
  g_assert_no_error (error);
  address = g_strdup (md_test_silent_server_get_address (gone));
  g_clear_pointer (&gone, md_test_silent_server_free);

  resolver = md_resolver_new_for_servers (address, &error);
  g_assert_no_error (error);
  md_resolver_set_timeout (resolver, 3000);
  answer = query (resolver, "www.resolver.test", MD_DNS_TYPE_A);
  g_assert_cmpint (answer->status, ==, MD_DNS_STATUS_ERROR);
  g_assert_cmpstr (answer->message, ==, "the DNS server cannot be reached (connection refused)");
  g_assert_cmpuint (answer->duration_ms, <, 2000);
}

static void
test_idn (void)
{
  g_autoptr(MdResolver) resolver = md_test_knot_resolver (knot, knot_error);
  g_autoptr(MdDnsAnswer) answer = NULL;
  g_autofree char *address = NULL;
  MdTestQuery qr = { 0 };

  if (resolver == NULL)
    return;

  /* Asked in Unicode, sent (and answered) in its ASCII form. */
  md_resolver_query_async (resolver, "münchen.resolver.test", MD_DNS_TYPE_A, NULL,
                           md_test_query_cb, &qr);
  g_assert_true (md_test_main_loop_run_until (&qr.done, 10000));
  answer = g_steal_pointer (&qr.answer);
  g_assert_nonnull (answer);
  g_assert_cmpint (answer->status, ==, MD_DNS_STATUS_OK);
  g_assert_cmpstr (answer->name, ==, "xn--mnchen-3ya.resolver.test");
  g_assert_cmpuint (answer->records->len, ==, 1);
  address = g_inet_address_to_string (record (answer, 0)->address);
  g_assert_cmpstr (address, ==, "192.0.2.80");
}

static void
test_bad_name (void)
{
  g_autoptr(MdResolver) resolver = md_test_knot_resolver (knot, knot_error);
  g_autoptr(MdDnsAnswer) answer = NULL;
  g_autofree char *label = g_strnfill (64, 'x');
  g_autofree char *name = g_strconcat (label, ".resolver.test", NULL);

  if (resolver == NULL)
    return;

  /* c-ares calls back from inside ares_query(): must still work. */
  answer = query (resolver, name, MD_DNS_TYPE_A);
  g_assert_cmpint (answer->status, ==, MD_DNS_STATUS_ERROR);
  g_assert_cmpstr (answer->message, ==, "this is not a valid DNS name");
}

/* ---------------------------------------------------------------------------
 * Concurrency, cancellation, destruction
 */

typedef struct
{
  guint     index;
  guint    *n_done;
  guint    *n_ok;
  guint    *n_cancelled;
  guint    *n_shut_down;
  guint    *n_timeout;
  gboolean *all_done;
  guint     total;
} Many;

static void
many_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Many *m = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MdDnsAnswer) answer = md_resolver_query_finish (MD_RESOLVER (object), result, &error);

  if (answer == NULL)
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      (*m->n_cancelled)++;
    }
  else if (answer->status == MD_DNS_STATUS_OK)
    {
      g_autofree char *expected = g_strdup_printf ("n%u.resolver.test", m->index % 256);
      g_autofree char *address = g_strdup_printf ("10.1.0.%u", m->index % 256);
      g_autofree char *got = NULL;

      /* Each answer belongs to its own question. */
      g_assert_cmpstr (answer->name, ==, expected);
      g_assert_cmpuint (answer->records->len, ==, 1);
      got = g_inet_address_to_string (record (answer, 0)->address);
      g_assert_cmpstr (got, ==, address);
      (*m->n_ok)++;
    }
  else if (answer->status == MD_DNS_STATUS_ERROR &&
           g_strcmp0 (answer->message, "the resolver was shut down before the answer came") == 0)
    (*m->n_shut_down)++;
  else if (answer->status == MD_DNS_STATUS_TIMEOUT)
    (*m->n_timeout)++;
  else
    g_assert_not_reached ();

  (*m->n_done)++;
  if (*m->n_done == m->total)
    *m->all_done = TRUE;
}

typedef struct
{
  guint    n_done, n_ok, n_cancelled, n_shut_down, n_timeout;
  gboolean all_done;
  Many    *items;
} ManyRun;

static void
many_start (ManyRun      *run,
            MdResolver   *resolver,
            guint         total,
            GCancellable *cancellable)
{
  memset (run, 0, sizeof *run);
  run->items = g_new0 (Many, total);

  for (guint i = 0; i < total; i++)
    {
      g_autofree char *name = g_strdup_printf ("n%u.resolver.test", i % 256);
      Many *m = &run->items[i];

      m->index = i;
      m->n_done = &run->n_done;
      m->n_ok = &run->n_ok;
      m->n_cancelled = &run->n_cancelled;
      m->n_shut_down = &run->n_shut_down;
      m->n_timeout = &run->n_timeout;
      m->all_done = &run->all_done;
      m->total = total;
      md_resolver_query_async (resolver, name, MD_DNS_TYPE_A, cancellable, many_cb, m);
    }
}

static void
test_many_concurrent (void)
{
  g_autoptr(MdResolver) resolver = md_test_knot_resolver (knot, knot_error);
  ManyRun run;
  gint64 start;

  if (resolver == NULL)
    return;

  /* 200: more at once overflows knotd's own socket buffer (one UDP worker),
   * and the test would measure c-ares' one-second retry instead. */
  start = g_get_monotonic_time ();
  many_start (&run, resolver, 200, NULL);
  g_assert_cmpuint (md_resolver_get_n_pending (resolver), ==, 200);
  g_assert_true (md_test_main_loop_run_until (&run.all_done, 10000));
  g_assert_cmpuint (run.n_ok, ==, 200);
  g_assert_cmpuint (md_resolver_get_n_pending (resolver), ==, 0);
  /* None of them waited for a deadline. */
  g_assert_cmpint ((g_get_monotonic_time () - start) / 1000, <, 3000);
  g_free (run.items);
}

typedef struct
{
  MdResolver *resolver;
  gboolean    done;
  MdDnsAnswer *second;
} Chain;

static void
chain_second_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Chain *chain = user_data;

  chain->second = md_resolver_query_finish (MD_RESOLVER (object), result, NULL);
  chain->done = TRUE;
}

static void
chain_first_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Chain *chain = user_data;
  g_autoptr(MdDnsAnswer) first = md_resolver_query_finish (MD_RESOLVER (object), result, NULL);

  g_assert_nonnull (first);
  g_assert_cmpint (first->status, ==, MD_DNS_STATUS_OK);
  /* A new query from a callback, as every check does (MX, then A of the MX). */
  md_resolver_query_async (chain->resolver, record (first, 0)->target, MD_DNS_TYPE_A, NULL,
                           chain_second_cb, chain);
}

static void
test_query_from_callback (void)
{
  g_autoptr(MdResolver) resolver = md_test_knot_resolver (knot, knot_error);
  g_autoptr(MdDnsAnswer) second = NULL;
  Chain chain = { 0 };

  if (resolver == NULL)
    return;

  chain.resolver = resolver;
  md_resolver_query_async (resolver, "ptrname.resolver.test", MD_DNS_TYPE_PTR, NULL,
                           chain_first_cb, &chain);
  g_assert_true (md_test_main_loop_run_until (&chain.done, 10000));
  second = g_steal_pointer (&chain.second);
  g_assert_nonnull (second);
  g_assert_cmpstr (second->name, ==, "host.resolver.test");
  g_assert_cmpint (second->status, ==, MD_DNS_STATUS_NXDOMAIN);
}

static void
count_finalize_cb (gpointer  data,
                   GObject  *where_the_object_was)
{
  guint *count = data;

  (*count)++;
}

static void
test_cancel_before_start (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdResolver) resolver = md_resolver_new_for_servers ("127.0.0.1:9", &error);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  MdTestQuery qr = { 0 };

  g_assert_no_error (error);
  g_cancellable_cancel (cancellable);
  md_resolver_query_async (resolver, "www.resolver.test", MD_DNS_TYPE_A, cancellable,
                           md_test_query_cb, &qr);
  /* Never synchronously. */
  g_assert_false (qr.done);
  g_assert_true (md_test_main_loop_run_until (&qr.done, 1000));
  g_assert_null (qr.answer);
  g_assert_error (qr.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&qr.error);
}

static void
test_cancel_mid_flight (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdTestSilentServer) silent = md_test_silent_server_new (&error);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  MdResolver *resolver;
  ManyRun run;
  gint64 start;

  g_assert_no_error (error);
  resolver = md_resolver_new_for_servers (md_test_silent_server_get_address (silent), &error);
  g_assert_no_error (error);
  g_object_add_weak_pointer (G_OBJECT (resolver), (gpointer *) &resolver);

  many_start (&run, resolver, 300, cancellable);
  /* Let the queries go out, then cancel while c-ares waits for answers. */
  g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (run.n_done, ==, 0);
  start = g_get_monotonic_time ();
  g_cancellable_cancel (cancellable);
  g_assert_true (md_test_main_loop_run_until (&run.all_done, 2000));
  g_assert_cmpint ((g_get_monotonic_time () - start) / 1000, <, 500);
  g_assert_cmpuint (run.n_cancelled, ==, 300);
  g_assert_cmpuint (md_resolver_get_n_pending (resolver), ==, 0);

  /* c-ares still holds the 300 queries; dropping the resolver frees them. */
  g_object_unref (resolver);
  g_assert_null (resolver);
  g_free (run.items);
}

static void
test_cancel_some (void)
{
  g_autoptr(MdResolver) resolver = md_test_knot_resolver (knot, knot_error);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  ManyRun kept, cancelled;

  if (resolver == NULL)
    return;

  /* Cancelling one run leaves the other alone. */
  many_start (&kept, resolver, 100, NULL);
  many_start (&cancelled, resolver, 100, cancellable);
  g_cancellable_cancel (cancellable);
  g_assert_true (md_test_main_loop_run_until (&kept.all_done, 10000));
  g_assert_true (md_test_main_loop_run_until (&cancelled.all_done, 10000));
  g_assert_cmpuint (kept.n_ok, ==, 100);
  g_assert_cmpuint (cancelled.n_cancelled, ==, 100);
  g_free (kept.items);
  g_free (cancelled.items);
}

static void
test_dispose_in_flight (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdTestSilentServer) silent = md_test_silent_server_new (&error);
  g_autoptr(MdDnsAnswer) after = NULL;
  MdResolver *resolver;
  guint finalized = 0;
  ManyRun run;

  g_assert_no_error (error);
  resolver = md_resolver_new_for_servers (md_test_silent_server_get_address (silent), &error);
  g_assert_no_error (error);
  g_object_weak_ref (G_OBJECT (resolver), count_finalize_cb, &finalized);

  many_start (&run, resolver, 500, NULL);
  g_main_context_iteration (NULL, FALSE);

  /* What a window does when it closes with a check run going. (Weak refs
   * are notified by dispose already, hence the counter and not a weak
   * pointer.) */
  g_object_run_dispose (G_OBJECT (resolver));
  g_assert_cmpuint (run.n_done, ==, 0);
  g_assert_true (md_test_main_loop_run_until (&run.all_done, 2000));
  g_assert_cmpuint (run.n_shut_down, ==, 500);

  /* A disposed resolver still answers, with an error, never a crash. */
  after = query (resolver, "www.resolver.test", MD_DNS_TYPE_A);
  g_assert_cmpint (after->status, ==, MD_DNS_STATUS_ERROR);
  g_assert_cmpstr (after->message, ==, "the resolver was shut down before the answer came");

  g_object_unref (resolver);
  g_assert_cmpuint (finalized, ==, 1);
  g_free (run.items);
}

typedef struct
{
  MdResolver *resolver;
  guint       n_done;
  guint       n_failed;
  gboolean    all_done;
} DisposeFromCallback;

static void
dispose_from_callback_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  DisposeFromCallback *d = user_data;
  g_autoptr(MdDnsAnswer) answer = md_resolver_query_finish (MD_RESOLVER (object), result, NULL);

  g_assert_nonnull (answer);
  if (answer->status == MD_DNS_STATUS_TIMEOUT || answer->status == MD_DNS_STATUS_ERROR)
    d->n_failed++;
  /* The first answer shuts the resolver down with the rest in flight. */
  if (d->n_done++ == 0)
    g_object_run_dispose (G_OBJECT (d->resolver));
  if (d->n_done == 100)
    d->all_done = TRUE;
}

static void
test_dispose_from_callback (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdTestSilentServer) silent = md_test_silent_server_new (&error);
  DisposeFromCallback d = { 0 };

  g_assert_no_error (error);
  d.resolver = md_resolver_new_for_servers (md_test_silent_server_get_address (silent), &error);
  g_assert_no_error (error);
  md_resolver_set_timeout (d.resolver, 100);

  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *name = g_strdup_printf ("d%u.resolver.test", i);

      md_resolver_query_async (d.resolver, name, MD_DNS_TYPE_A, NULL,
                               dispose_from_callback_cb, &d);
    }
  g_assert_true (md_test_main_loop_run_until (&d.all_done, 2000));
  g_assert_cmpuint (d.n_failed, ==, 100);
  g_clear_object (&d.resolver);
}

static void
test_unref_in_flight (void)
{
  MdResolver *resolver = md_test_knot_resolver (knot, knot_error);
  ManyRun run;

  if (resolver == NULL)
    return;

  g_object_add_weak_pointer (G_OBJECT (resolver), (gpointer *) &resolver);
  many_start (&run, resolver, 200, NULL);

  /* The caller lets go; the queries keep the resolver alive and finish. */
  g_object_unref (resolver);
  g_assert_nonnull (resolver);
  g_assert_true (md_test_main_loop_run_until (&run.all_done, 10000));
  g_assert_cmpuint (run.n_ok, ==, 200);
  g_assert_null (resolver);
  g_free (run.items);
}

static void
test_timeout_then_unref (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdTestSilentServer) silent = md_test_silent_server_new (&error);
  g_autoptr(MdDnsAnswer) answer = NULL;
  MdResolver *resolver;
  ManyRun run;

  g_assert_no_error (error);
  resolver = md_resolver_new_for_servers (md_test_silent_server_get_address (silent), &error);
  g_assert_no_error (error);
  md_resolver_set_timeout (resolver, 100);
  g_object_add_weak_pointer (G_OBJECT (resolver), (gpointer *) &resolver);

  answer = query (resolver, "t.resolver.test", MD_DNS_TYPE_TXT);
  g_assert_cmpint (answer->status, ==, MD_DNS_STATUS_TIMEOUT);

  /* The timed-out query is still inside c-ares (its retries run for
   * seconds); dropping the resolver must free it without a callback into
   * freed memory. */
  many_start (&run, resolver, 20, NULL);
  g_assert_true (md_test_main_loop_run_until (&run.all_done, 2000));
  g_assert_cmpuint (run.n_timeout, ==, 20);
  g_object_unref (resolver);
  g_assert_null (resolver);
  g_free (run.items);
}

static void
test_dns_source_interface (void)
{
  g_autoptr(MdResolver) resolver = md_test_knot_resolver (knot, knot_error);
  MdTestQuery qr = { 0 };

  if (resolver == NULL)
    return;

  g_assert_true (MD_IS_DNS_SOURCE (resolver));
  md_dns_source_query_async (MD_DNS_SOURCE (resolver), "mx2.resolver.test", MD_DNS_TYPE_A,
                             NULL, md_test_query_cb, &qr);
  g_assert_true (md_test_main_loop_run_until (&qr.done, 10000));
  g_assert_no_error (qr.error);
  g_assert_cmpuint (qr.answer->records->len, ==, 1);
  md_dns_answer_free (qr.answer);
}

/* ---------------------------------------------------------------------------
 * Configuration
 */

static void
test_parse_servers (void)
{
  static const struct { const char *input; const char *output; } good[] = {
    { "127.0.0.1", "127.0.0.1:53" },
    { " 127.0.0.1:5353 ", "127.0.0.1:5353" },
    { "127.0.0.1:5353,[::1]:53,::1", "127.0.0.1:5353 [::1]:53 [::1]:53" },
    { "[2001:db8::1]:5300, 192.0.2.1", "[2001:db8::1]:5300 192.0.2.1:53" },
    { "[::1]", "[::1]:53" },
  };
  static const struct { const char *input; const char *message; } bad[] = {
    { "", "The resolver list is empty" },
    { "  ", "The resolver list is empty" },
    { "dns.google", "“dns.google” is not an IP address (a resolver must be given by address, "
                    "not by name)" },
    { "1.2.3", "“1.2.3” is not an IP address (a resolver must be given by address, not by name)" },
    { "127.0.0.1:0", "“127.0.0.1:0”: the port must be a number from 1 to 65535" },
    { "127.0.0.1:65536", "“127.0.0.1:65536”: the port must be a number from 1 to 65535" },
    { "127.0.0.1:", "“127.0.0.1:”: the port must be a number from 1 to 65535" },
    { "127.0.0.1:53x", "“127.0.0.1:53x”: the port must be a number from 1 to 65535" },
    { "[::1", "“[::1”: missing “]” after the IPv6 address" },
    { "[::1]x", "“[::1]x”: expected “:PORT” after “]”" },
    { "[127.0.0.1]:53", "“127.0.0.1” is not an IPv6 address" },
    { "127.0.0.1,,::1", "Empty entry in the resolver list" },
    { "127.0.0.1,", "Empty entry in the resolver list" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) servers = md_resolver_parse_servers (good[i].input, &error);
      g_autofree char *joined = NULL;
      g_autoptr(MdResolver) resolver = NULL;
      g_auto(GStrv) used = NULL;

      g_assert_no_error (error);
      joined = g_strjoinv (" ", servers);
      g_assert_cmpstr (joined, ==, good[i].output);

      resolver = md_resolver_new_for_servers (good[i].input, &error);
      g_assert_no_error (error);
      g_assert_false (md_resolver_is_system (resolver));
      used = md_resolver_get_servers (resolver);
      g_assert_cmpstrv (used, servers);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) servers = md_resolver_parse_servers (bad[i].input, &error);
      g_autoptr(MdResolver) resolver = NULL;

      g_assert_null (servers);
      g_assert_error (error, MD_RESOLVER_ERROR, MD_RESOLVER_ERROR_INVALID_SERVERS);
      g_assert_cmpstr (error->message, ==, bad[i].message);
      g_clear_error (&error);

      resolver = md_resolver_new_for_servers (bad[i].input, &error);
      g_assert_null (resolver);
      g_assert_error (error, MD_RESOLVER_ERROR, MD_RESOLVER_ERROR_INVALID_SERVERS);
    }
}

static void
test_describe (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdResolver) listed = md_resolver_new_for_servers ("127.0.0.1:5353,[::1]", &error);
  g_autoptr(MdResolver) system = NULL;
  g_autofree char *description = NULL;
  g_autofree char *system_description = NULL;
  g_auto(GStrv) system_servers = NULL;

  g_assert_no_error (error);
  description = md_resolver_describe (listed);
  g_assert_cmpstr (description, ==, "127.0.0.1:5353, [::1]:53");

  /* Whatever /etc/resolv.conf says here, it is named as the system's. */
  system = md_resolver_new (&error);
  g_assert_no_error (error);
  g_assert_true (md_resolver_is_system (system));
  system_servers = md_resolver_get_servers (system);
  g_assert_cmpuint (g_strv_length (system_servers), >=, 1);
  system_description = md_resolver_describe (system);
  g_assert_true (g_str_has_prefix (system_description, "system resolver ("));
  g_assert_true (g_str_has_suffix (system_description, ")"));
}

static void
test_public_resolvers (void)
{
  static const struct { const char *servers; const char *name; } cases[] = {
    { "8.8.8.8", "Google Public DNS" },
    { "8.8.4.4:53", "Google Public DNS" },
    { "[2001:4860:4860:0:0:0:0:8888]:53", "Google Public DNS" },
    { "127.0.0.1,1.1.1.1", "Cloudflare DNS" },
    { "2606:4700:4700::1111", "Cloudflare DNS" },
    { "9.9.9.9", "Quad9" },
    { "149.112.112.112", "Quad9" },
    { "208.67.222.222", "OpenDNS" },
    { "94.140.14.14", "AdGuard DNS" },
    { "192.0.2.53", NULL },
    { "127.0.0.1", NULL },
    { "8.8.8.9", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MdResolver) resolver = md_resolver_new_for_servers (cases[i].servers, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (md_resolver_get_public_resolver_name (resolver), ==, cases[i].name);
    }
}

static void
test_reverse_names (void)
{
  static const struct { const char *address; const char *zone; const char *name; } cases[] = {
    { "203.0.113.7", NULL, "7.113.0.203.in-addr.arpa" },
    { "203.0.113.7", "zen.spamhaus.org", "7.113.0.203.zen.spamhaus.org" },
    { "127.0.0.2", "zen.spamhaus.org.", "2.0.0.127.zen.spamhaus.org" },
    { "2001:db8::1", NULL,
      "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa" },
    { "2a01:4f8:c17:abcd::1", "zen.spamhaus.org",
      "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.7.1.c.0.8.f.4.0.1.0.a.2.zen.spamhaus.org" },
    { "::ffff:127.0.0.2", "zen.spamhaus.org",
      "2.0.0.0.0.0.f.7.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.zen.spamhaus.org" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (cases[i].address);
      g_autofree char *name = md_dns_reverse_name (address, cases[i].zone);

      g_assert_cmpstr (name, ==, cases[i].name);
    }
}

/* ---------------------------------------------------------------------------
 * The message reader, on bytes no server would send
 */

static GByteArray *
build_message (guint16 flags)
{
  GByteArray *msg = g_byte_array_new ();
  guint8 header[12] = { 0x12, 0x34, flags >> 8, flags & 0xff, 0, 1, 0, 0, 0, 0, 0, 0 };
  static const guint8 question[] = {
    1, 'a', 4, 't', 'e', 's', 't', 0, 0, 1, 0, 1,
  };

  g_byte_array_append (msg, header, sizeof header);
  g_byte_array_append (msg, question, sizeof question);

  return msg;
}

static void
add_rr (GByteArray   *msg,
        const guint8 *owner,
        gsize         owner_len,
        guint16       type,
        const guint8 *rdata,
        guint16       rdlen)
{
  guint8 fixed[10] = { type >> 8, type & 0xff, 0, 1, 0, 0, 0x0e, 0x10, rdlen >> 8, rdlen & 0xff };

  g_byte_array_append (msg, owner, owner_len);
  g_byte_array_append (msg, fixed, sizeof fixed);
  g_byte_array_append (msg, rdata, rdlen);
  msg->data[7]++;
}

static void
test_message_parse (void)
{
  /* a.test CNAME b.test; b.test A 192.0.2.1; c.test A 192.0.2.99 (not in
   * the chain: ignored) */
  static const guint8 ptr_question[] = { 0xc0, 12 };
  static const guint8 b_test[] = { 1, 'b', 4, 't', 'e', 's', 't', 0 };
  static const guint8 c_test[] = { 1, 'c', 4, 't', 'e', 's', 't', 0 };
  static const guint8 a1[] = { 192, 0, 2, 1 };
  static const guint8 a99[] = { 192, 0, 2, 99 };
  static const guint8 loop_name[] = { 0xc0, 24 };
  g_autoptr(GByteArray) msg = build_message (0x8180);
  g_autoptr(MdDnsAnswer) answer = NULL;
  g_autoptr(MdDnsAnswer) query_not_response = NULL;
  g_autoptr(GByteArray) question_only = build_message (0x0100);
  g_autoptr(GByteArray) looped = build_message (0x8180);
  g_autoptr(MdDnsAnswer) loop_answer = NULL;
  g_autofree char *address = NULL;

  add_rr (msg, ptr_question, sizeof ptr_question, MD_DNS_TYPE_CNAME, b_test, sizeof b_test);
  add_rr (msg, b_test, sizeof b_test, MD_DNS_TYPE_A, a1, sizeof a1);
  add_rr (msg, c_test, sizeof c_test, MD_DNS_TYPE_A, a99, sizeof a99);

  answer = md_dns_message_parse (msg->data, msg->len, "a.test", MD_DNS_TYPE_A);
  g_assert_cmpint (answer->status, ==, MD_DNS_STATUS_OK);
  g_assert_cmpuint (answer->records->len, ==, 1);
  g_assert_cmpstr (record (answer, 0)->name, ==, "b.test");
  g_assert_cmpuint (record (answer, 0)->ttl, ==, 3600);
  address = g_inet_address_to_string (record (answer, 0)->address);
  g_assert_cmpstr (address, ==, "192.0.2.1");

  /* Every truncation of a valid message is an error, never a crash. */
  for (guint len = 0; len < msg->len; len++)
    {
      g_autoptr(MdDnsAnswer) cut = md_dns_message_parse (msg->data, len, "a.test", MD_DNS_TYPE_A);

      g_assert_cmpint (cut->status, ==, MD_DNS_STATUS_ERROR);
      g_assert_cmpstr (cut->message, ==, "the DNS server sent a malformed answer");
    }

  /* A question is not an answer. */
  query_not_response = md_dns_message_parse (question_only->data, question_only->len,
                                             "a.test", MD_DNS_TYPE_A);
  g_assert_cmpint (query_not_response->status, ==, MD_DNS_STATUS_ERROR);

  /* An owner name that is a compression pointer to itself (offset 24,
   * right after header and question). */
  add_rr (looped, loop_name, sizeof loop_name, MD_DNS_TYPE_A, a1, sizeof a1);
  loop_answer = md_dns_message_parse (looped->data, looped->len, "a.test", MD_DNS_TYPE_A);
  g_assert_cmpint (loop_answer->status, ==, MD_DNS_STATUS_ERROR);
}

static void
test_message_rcodes (void)
{
  static const struct { guint16 flags; MdDnsStatus status; const char *message; } cases[] = {
    { 0x8180, MD_DNS_STATUS_NODATA, NULL },
    { 0x8183, MD_DNS_STATUS_NXDOMAIN, NULL },
    { 0x8182, MD_DNS_STATUS_SERVFAIL, "the DNS server failed (SERVFAIL)" },
    { 0x8185, MD_DNS_STATUS_REFUSED, "the DNS server refused the query (REFUSED)" },
    { 0x8181, MD_DNS_STATUS_ERROR, "the DNS server answered with the error FORMERR" },
    { 0x8184, MD_DNS_STATUS_ERROR, "the DNS server answered with the error NOTIMP" },
    { 0x8189, MD_DNS_STATUS_ERROR, "the DNS server answered with the error NOTAUTH" },
    { 0x818f, MD_DNS_STATUS_ERROR, "the DNS server answered with the error code 15" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GByteArray) msg = build_message (cases[i].flags);
      g_autoptr(MdDnsAnswer) answer = md_dns_message_parse (msg->data, msg->len,
                                                            "a.test", MD_DNS_TYPE_TXT);

      g_assert_cmpint (answer->status, ==, cases[i].status);
      g_assert_cmpstr (answer->message, ==, cases[i].message);
    }
}

int
main (int   argc,
      char *argv[])
{
  MdTestKnotOptions options = { zones, failing_zones };
  int status;

  g_test_init (&argc, &argv, NULL);

  knot = md_test_knot_new_full (&options, &knot_error);

  g_test_add_func ("/MailDoctor/Resolver/a", test_a);
  g_test_add_func ("/MailDoctor/Resolver/aaaa", test_aaaa);
  g_test_add_func ("/MailDoctor/Resolver/mx", test_mx);
  g_test_add_func ("/MailDoctor/Resolver/ns", test_ns);
  g_test_add_func ("/MailDoctor/Resolver/txt", test_txt);
  g_test_add_func ("/MailDoctor/Resolver/tcp-fallback", test_tcp_fallback);
  g_test_add_func ("/MailDoctor/Resolver/spf-type", test_spf_type);
  g_test_add_func ("/MailDoctor/Resolver/cname", test_cname);
  g_test_add_func ("/MailDoctor/Resolver/ptr", test_ptr);
  g_test_add_func ("/MailDoctor/Resolver/tlsa", test_tlsa);
  g_test_add_func ("/MailDoctor/Resolver/nxdomain-nodata", test_nxdomain_nodata);
  g_test_add_func ("/MailDoctor/Resolver/servfail", test_servfail);
  g_test_add_func ("/MailDoctor/Resolver/refused", test_refused);
  g_test_add_func ("/MailDoctor/Resolver/timeout", test_timeout);
  g_test_add_func ("/MailDoctor/Resolver/connection-refused", test_connection_refused);
  g_test_add_func ("/MailDoctor/Resolver/idn", test_idn);
  g_test_add_func ("/MailDoctor/Resolver/bad-name", test_bad_name);
  g_test_add_func ("/MailDoctor/Resolver/many-concurrent", test_many_concurrent);
  g_test_add_func ("/MailDoctor/Resolver/query-from-callback", test_query_from_callback);
  g_test_add_func ("/MailDoctor/Resolver/cancel-before-start", test_cancel_before_start);
  g_test_add_func ("/MailDoctor/Resolver/cancel-mid-flight", test_cancel_mid_flight);
  g_test_add_func ("/MailDoctor/Resolver/cancel-some", test_cancel_some);
  g_test_add_func ("/MailDoctor/Resolver/dispose-in-flight", test_dispose_in_flight);
  g_test_add_func ("/MailDoctor/Resolver/dispose-from-callback", test_dispose_from_callback);
  g_test_add_func ("/MailDoctor/Resolver/unref-in-flight", test_unref_in_flight);
  g_test_add_func ("/MailDoctor/Resolver/timeout-then-unref", test_timeout_then_unref);
  g_test_add_func ("/MailDoctor/Resolver/dns-source", test_dns_source_interface);
  g_test_add_func ("/MailDoctor/Resolver/parse-servers", test_parse_servers);
  g_test_add_func ("/MailDoctor/Resolver/describe", test_describe);
  g_test_add_func ("/MailDoctor/Resolver/public-resolvers", test_public_resolvers);
  g_test_add_func ("/MailDoctor/Resolver/reverse-names", test_reverse_names);
  g_test_add_func ("/MailDoctor/Resolver/message-parse", test_message_parse);
  g_test_add_func ("/MailDoctor/Resolver/message-rcodes", test_message_rcodes);

  status = g_test_run ();

  g_clear_pointer (&knot, md_test_knot_free);
  g_clear_error (&knot_error);

  return status;
}
