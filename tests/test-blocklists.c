/* test-blocklists.c — the blocklist and receiver catalogs, query names, answer codes
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>

#include "md-blocklists.h"
#include "md-receivers.h"
#include "md-util.h"

static MdBlocklist *
find_list (GPtrArray  *catalog,
           const char *zone)
{
  for (guint i = 0; i < catalog->len; i++)
    {
      MdBlocklist *list = g_ptr_array_index (catalog, i);

      if (g_str_equal (list->zone, zone))
        return list;
    }

  g_assert_not_reached ();
  return NULL;
}

static void
test_catalog_valid (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) catalog = md_blocklist_catalog_load (&error);
  guint n_active = 0, n_domain = 0, n_ipv6 = 0, n_named = 0;

  g_assert_no_error (error);
  g_assert_nonnull (catalog);

  for (guint i = 0; i < catalog->len; i++)
    {
      MdBlocklist *list = g_ptr_array_index (catalog, i);
      g_autoptr(GInetAddress) test = NULL;

      /* SORBS shut down in June 2024: querying it would report nonsense. */
      g_assert_null (strstr (list->zone, "sorbs"));
      g_assert_null (strstr (list->name, "SORBS"));

      g_assert_nonnull (strchr (list->zone, '.'));
      for (const char *p = list->zone; *p; p++)
        g_assert_true (g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '.' || *p == '-');
      g_assert_true (list->name[0] != '\0');
      g_assert_true (list->operator_name[0] != '\0');
      g_assert_true (list->purpose[0] != '\0');
      g_assert_true (list->usage[0] != '\0');
      g_assert_true (g_str_has_prefix (list->removal, "http://") ||
                     g_str_has_prefix (list->removal, "https://"));
      g_assert_cmpuint (g_strv_length (list->sources), >, 0);
      for (guint j = 0; list->sources[j] != NULL; j++)
        g_assert_true (g_str_has_prefix (list->sources[j], "http"));

      /* Named but never asked: a lookup page instead of test entries. */
      if (list->query == MD_BLOCKLIST_QUERY_NONE || list->query == MD_BLOCKLIST_QUERY_DEFUNCT)
        {
          n_named++;
          g_assert_true (g_str_has_prefix (list->lookup, "http"));
          g_assert_false (md_blocklist_is_queryable (list, NULL));
          continue;
        }

      g_assert_nonnull (list->test_listed);
      if (list->kind == MD_BLOCKLIST_KIND_DOMAIN)
        {
          n_domain++;
          g_assert_false (g_hostname_is_ip_address (list->test_listed));
          g_assert_cmpstr (list->test_unlisted, ==, "invalid");
        }
      else
        {
          test = g_inet_address_new_from_string (list->test_listed);
          g_assert_nonnull (test);
          g_assert_cmpstr (list->test_listed, ==, "127.0.0.2");
          /* Hostkarma answers for 127.0.0.1 by design (its "white" list). */
          if (g_str_equal (list->zone, "hostkarma.junkemailfilter.com"))
            g_assert_null (list->test_unlisted);
          else
            g_assert_cmpstr (list->test_unlisted, ==, "127.0.0.1");
        }

      if (list->kind == MD_BLOCKLIST_KIND_IPV4_IPV6)
        {
          n_ipv6++;
          g_assert_cmpstr (list->test6_listed, ==, "::ffff:7f00:2");
          g_assert_cmpstr (list->test6_unlisted, ==, "::ffff:7f00:1");
        }
      else
        {
          g_assert_null (list->test6_listed);
        }

      if (list->status_confirmed)
        n_active++;

      for (guint j = i + 1; j < catalog->len; j++)
        g_assert_cmpstr (list->zone, !=, ((MdBlocklist *) g_ptr_array_index (catalog, j))->zone);
    }

  g_assert_cmpuint (n_active, >=, 25);
  g_assert_cmpuint (n_domain, ==, 4);
  /* s5h, NordSpam and Spamhaus ZEN, SBL, XBL, PBL */
  g_assert_cmpuint (n_ipv6, ==, 6);
  /* NiX Spam (defunct), Spamhaus ZRD, AuthBL, HBL, Abusix, Invaluement, DNSWL,
   * Cloudmark CSI, SenderScore */
  g_assert_cmpuint (n_named, ==, 9);
  g_assert_cmpint (find_list (catalog, "ix.dnsbl.manitu.net")->query, ==,
                   MD_BLOCKLIST_QUERY_DEFUNCT);

  /* The lists the issue names are all there, with their weights. */
  g_assert_cmpint (find_list (catalog, "zen.spamhaus.org")->weight, ==, MD_BLOCKLIST_WEIGHT_HIGH);
  g_assert_cmpint (find_list (catalog, "dbl.spamhaus.org")->kind, ==, MD_BLOCKLIST_KIND_DOMAIN);
  g_assert_cmpint (find_list (catalog, "dnsbl-2.uceprotect.net")->weight, ==,
                   MD_BLOCKLIST_WEIGHT_LOW);
  g_assert_cmpint (find_list (catalog, "dnsbl-3.uceprotect.net")->weight, ==,
                   MD_BLOCKLIST_WEIGHT_LOW);
  g_assert_cmpint (find_list (catalog, "b.barracudacentral.org")->policy, ==,
                   MD_BLOCKLIST_POLICY_REGISTRATION);
  g_assert_cmpint (find_list (catalog, "multi.uribl.com")->policy, ==,
                   MD_BLOCKLIST_POLICY_REFUSES_PUBLIC_RESOLVERS);
  g_assert_true (g_strv_contains ((const char * const *)
                                  find_list (catalog, "zen.spamhaus.org")->receivers,
                                  "microsoft-365"));
  find_list (catalog, "bl.spamcop.net");
  find_list (catalog, "dnsbl-1.uceprotect.net");
  find_list (catalog, "psbl.surriel.com");
  find_list (catalog, "bl.mailspike.net");
  find_list (catalog, "z.mailspike.net");
  find_list (catalog, "dyna.spamrats.com");
  find_list (catalog, "noptr.spamrats.com");
  find_list (catalog, "spam.spamrats.com");
  find_list (catalog, "auth.spamrats.com");
  find_list (catalog, "all.s5h.net");
  find_list (catalog, "dnsbl.dronebl.org");
  find_list (catalog, "bl.blocklist.de");
  find_list (catalog, "bl.nordspam.com");
  find_list (catalog, "multi.surbl.org");
}

static void
test_query_names (void)
{
  g_autoptr(GPtrArray) catalog = md_blocklist_catalog_load (NULL);
  MdBlocklist *zen = find_list (catalog, "zen.spamhaus.org");
  MdBlocklist *s5h = find_list (catalog, "all.s5h.net");
  MdBlocklist *dbl = find_list (catalog, "dbl.spamhaus.org");
  char *name;
  GError *error = NULL;

  name = md_blocklist_query_name (zen, "203.0.113.7", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "7.113.0.203.zen.spamhaus.org");
  g_free (name);

  name = md_blocklist_query_name (s5h, "2001:db8::1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==,
                   "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.all.s5h.net");
  g_free (name);

  /* RFC 5782 §5's IPv6 test entry */
  name = md_blocklist_query_name (s5h, "::ffff:7f00:2", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==,
                   "2.0.0.0.0.0.f.7.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.all.s5h.net");
  g_free (name);

  /* Spamhaus's IP lists take IPv6 in nibble form (its DQS query page) */
  name = md_blocklist_query_name (zen, "2001:db8::1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==,
                   "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.zen.spamhaus.org");
  g_free (name);

  name = md_blocklist_query_name (zen, "mail.example.com", &error);
  g_assert_error (error, MD_BLOCKLIST_ERROR, MD_BLOCKLIST_ERROR_INVALID_NAME);
  g_clear_error (&error);

  name = md_blocklist_query_name (dbl, " Example.COM. ", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "example.com.dbl.spamhaus.org");
  g_free (name);

  name = md_blocklist_query_name (dbl, "bücher.example", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "xn--bcher-kva.example.dbl.spamhaus.org");
  g_free (name);

  /* An IP on a domain list would get 127.0.1.255 ("our bug"): never sent. */
  name = md_blocklist_query_name (dbl, "192.0.2.1", &error);
  g_assert_error (error, MD_BLOCKLIST_ERROR, MD_BLOCKLIST_ERROR_INVALID_NAME);
  g_clear_error (&error);

  name = md_blocklist_query_name (dbl, "bad..name", &error);
  g_assert_error (error, MD_BLOCKLIST_ERROR, MD_BLOCKLIST_ERROR_INVALID_NAME);
  g_clear_error (&error);
}

static void
assert_classify (GPtrArray         *catalog,
                 const char        *zone,
                 const char        *code,
                 MdBlocklistAnswer  expected,
                 const char        *meaning)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (code);
  g_autofree char *text = NULL;

  g_assert_cmpint (md_blocklist_classify (find_list (catalog, zone), address, &text), ==, expected);
  g_assert_cmpstr (text, ==, meaning);
}

static void
test_classify (void)
{
  g_autoptr(GPtrArray) catalog = md_blocklist_catalog_load (NULL);

  assert_classify (catalog, "zen.spamhaus.org", "127.0.0.2", MD_BLOCKLIST_ANSWER_LISTED,
                   "SBL: a spam source or spam operation Spamhaus tracks");
  assert_classify (catalog, "zen.spamhaus.org", "127.0.0.3", MD_BLOCKLIST_ANSWER_LISTED,
                   "CSS: low-reputation IP sending spam (Spamhaus CSS)");
  assert_classify (catalog, "zen.spamhaus.org", "127.0.0.4", MD_BLOCKLIST_ANSWER_LISTED,
                   "XBL: a hijacked or infected machine (exploit, botnet, open proxy)");
  assert_classify (catalog, "zen.spamhaus.org", "127.0.0.9", MD_BLOCKLIST_ANSWER_LISTED,
                   "DROP: a hijacked or criminal network (Do not Route Or Peer)");
  assert_classify (catalog, "zen.spamhaus.org", "127.0.0.10", MD_BLOCKLIST_ANSWER_LISTED,
                   "PBL (set by the network’s ISP): this range should not send mail directly to "
                   "receivers");
  assert_classify (catalog, "zen.spamhaus.org", "127.0.0.11", MD_BLOCKLIST_ANSWER_LISTED,
                   "PBL (set by Spamhaus): this range looks like end-user space that should not "
                   "send mail directly");
  assert_classify (catalog, "zen.spamhaus.org", "127.255.255.252", MD_BLOCKLIST_ANSWER_REFUSED,
                   "Spamhaus answered with an error: the list name in the query was mistyped.");
  assert_classify (catalog, "zen.spamhaus.org", "127.255.255.254", MD_BLOCKLIST_ANSWER_REFUSED,
                   "Spamhaus refuses queries from public resolvers: use your own resolver.");
  assert_classify (catalog, "zen.spamhaus.org", "127.255.255.255", MD_BLOCKLIST_ANSWER_REFUSED,
                   "Spamhaus refuses to answer: the resolver sent too many queries.");
  /* the rest of 127.255.255.0/24 (DQS key errors) is an error too */
  /* DQS key errors, in plain words */
  assert_classify (catalog, "zen.spamhaus.org", "127.255.255.250", MD_BLOCKLIST_ANSWER_REFUSED,
                   "Spamhaus rejected the DQS key: it is not valid, or it was disabled (for "
                   "example a key of an ended subscription).");
  assert_classify (catalog, "zen.spamhaus.org", "127.255.255.249", MD_BLOCKLIST_ANSWER_REFUSED,
                   "Spamhaus answered with an error code (a resolver or access-key problem), "
                   "not with a listing.");
  assert_classify (catalog, "zen.spamhaus.org", "127.0.0.77", MD_BLOCKLIST_ANSWER_UNKNOWN_CODE,
                   "undocumented code 127.0.0.77");
  assert_classify (catalog, "zen.spamhaus.org", "198.51.100.1", MD_BLOCKLIST_ANSWER_REWRITTEN,
                   NULL);
  assert_classify (catalog, "zen.spamhaus.org", "128.0.0.2", MD_BLOCKLIST_ANSWER_REWRITTEN, NULL);
  assert_classify (catalog, "dbl.spamhaus.org", "127.0.1.255", MD_BLOCKLIST_ANSWER_REFUSED,
                   "Spamhaus answered that an IP address was sent to its domain list: "
                   "MailDoctor built a wrong query; please report this.");
  assert_classify (catalog, "dbl.spamhaus.org", "127.0.1.104", MD_BLOCKLIST_ANSWER_LISTED,
                   "abused legitimate domain (phishing)");
  assert_classify (catalog, "multi.uribl.com", "127.0.0.1", MD_BLOCKLIST_ANSWER_REFUSED,
                   "URIBL refused the query (public resolvers such as Google or OpenDNS, or too "
                   "many queries): use your own resolver.");
  assert_classify (catalog, "multi.uribl.com", "127.0.0.6", MD_BLOCKLIST_ANSWER_LISTED,
                   "black: domain seen in spam; grey: domain seen in bulk mail that some treat "
                   "as spam");
  assert_classify (catalog, "multi.surbl.org", "127.0.0.1", MD_BLOCKLIST_ANSWER_REFUSED,
                   "SURBL refuses to answer this resolver (too many queries, or a public "
                   "resolver): use your own resolver.");
  assert_classify (catalog, "multi.surbl.org", "127.0.0.72", MD_BLOCKLIST_ANSWER_LISTED,
                   "PH: phishing; ABUSE: spam and abuse");
  assert_classify (catalog, "hostkarma.junkemailfilter.com", "127.0.0.1", MD_BLOCKLIST_ANSWER_CLEAN,
                   "white: known good sender");
  assert_classify (catalog, "hostkarma.junkemailfilter.com", "127.0.0.3",
                   MD_BLOCKLIST_ANSWER_LISTED,
                   "yellow: sends both good mail and spam");
  assert_classify (catalog, "bl.blocklist.de", "127.0.0.13", MD_BLOCKLIST_ANSWER_LISTED,
                   "SASL brute force (mail password guessing)");
}

static void
assert_parse_error (const char *xml,
                    const char *message_part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) catalog = md_blocklist_catalog_parse (xml, -1, &error);

  g_assert_null (catalog);
  g_assert_nonnull (error);
  if (!g_error_matches (error, MD_BLOCKLIST_ERROR, MD_BLOCKLIST_ERROR_INVALID_DATA))
    g_assert_true (error->domain == G_MARKUP_ERROR);
  g_assert_nonnull (strstr (error->message, message_part));
}

#define LIST(attrs, body) \
  "<maildoctor-data><blocklist zone=\"x.example\" " attrs ">" \
  "<name>X</name><operator>O</operator><purpose>p</purpose><usage>u</usage>" \
  "<removal>https://x.example/</removal><source>https://x.example/s</source>" body \
  "</blocklist></maildoctor-data>"

static void
test_catalog_errors (void)
{
  g_autoptr(GPtrArray) ok = NULL;
  g_autoptr(GError) error = NULL;

  ok = md_blocklist_catalog_parse (LIST ("kind=\"ipv4\" weight=\"low\" policy=\"free\" "
                                         "status=\"active\"",
                                         "<code value=\"127.0.0.2\">listed</code>"
                                         "<test listed=\"127.0.0.2\" unlisted=\"127.0.0.1\"/>"),
                                   -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ok->len, ==, 1);
  g_assert_cmpuint (md_blocklist_get_n_codes (g_ptr_array_index (ok, 0)), ==, 1);

  assert_parse_error (LIST ("kind=\"ipv5\" weight=\"low\" policy=\"free\" status=\"active\"",
                            "<test listed=\"127.0.0.2\"/>"), "unknown kind");
  assert_parse_error (LIST ("kind=\"ipv4\" weight=\"huge\" policy=\"free\" status=\"active\"",
                            "<test listed=\"127.0.0.2\"/>"), "unknown weight");
  assert_parse_error (LIST ("kind=\"ipv4\" weight=\"low\" policy=\"free\" status=\"active\"", ""),
                      "no <test>");
  assert_parse_error (LIST ("kind=\"ipv4+ipv6\" weight=\"low\" policy=\"free\" status=\"active\"",
                            "<test listed=\"127.0.0.2\"/>"), "no <test-ipv6>");
  assert_parse_error (LIST ("kind=\"ipv4\" weight=\"low\" policy=\"free\" status=\"active\"",
                            "<code value=\"127.0.0\">x</code><test listed=\"127.0.0.2\"/>"),
                      "bad code");
  assert_parse_error (LIST ("kind=\"ipv4\" weight=\"low\" policy=\"free\" status=\"active\"",
                            "<code value=\"127.0.0.2\"></code><test listed=\"127.0.0.2\"/>"),
                      "without a meaning");
  assert_parse_error (LIST ("kind=\"ipv4\" weight=\"low\" policy=\"free\" status=\"active\"",
                            "<test listed=\"test\"/>"), "bad test entry");
  assert_parse_error (LIST ("kind=\"ipv4\" weight=\"low\" policy=\"free\" status=\"active\"",
                            "<test listed=\"127.0.0.2\"/><rank>1</rank>"), "unknown element");
  assert_parse_error ("<maildoctor-data><blocklist zone=\"a\"", "");
}

static void
test_receivers (void)
{
  static const struct {
    const char *host;
    const char *id;
  } cases[] = {
    { "contoso-com.mail.protection.outlook.com", "microsoft-365" },
    { "CONTOSO-COM.MAIL.PROTECTION.OUTLOOK.COM.", "microsoft-365" },
    { "hotmail-com.olc.protection.outlook.com", "outlook-com" },
    { "outlook-com.olc.protection.outlook.com", "outlook-com" },
    { "mx1.hotmail.com", "outlook-com" },
    { "aspmx.l.google.com", "google" },
    { "alt2.aspmx.l.google.com", "google" },
    { "smtp.google.com", "google" },
    { "mta5.am0.yahoodns.net", "yahoo" },
    { "mx-aol.mail.gm0.yahoodns.net", "aol" },
    { "mx00.emig.gmx.net", "gmx" },
    { "mx-ha03.web.de", "web-de" },
    { "mx00.mail.com", "mail-com" },
    { "mx00.ionos.de", "ionos" },
    { "mx01.kundenserver.de", "ionos" },
    { "mx00.t-online.de", "t-online" },
    { "mx01.mail.icloud.com", "apple" },
    { "mx1a1.comcast.net", "comcast" },
    { "smtp-in.orange.fr", "orange" },
    { "eu-smtp-inbound-1.mimecast.com", "mimecast" },
    { "mx0a-001.pphosted.com", "proofpoint" },
    { "mail.example.com", NULL },
    { "protection.outlook.com.evil.example", NULL },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) catalog = md_receiver_catalog_load (&error);

  g_assert_no_error (error);
  g_assert_cmpuint (catalog->len, >=, 14);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const MdReceiver *receiver = md_receiver_catalog_match (catalog, cases[i].host);

      g_test_message ("%s", cases[i].host);
      g_assert_cmpstr (receiver ? receiver->id : NULL, ==, cases[i].id);
      if (receiver != NULL)
        {
          g_assert_true (receiver->name[0] != '\0');
          g_assert_true (receiver->note[0] != '\0');
        }
    }

  /* Microsoft's two services: different families of block list, same company. */
  g_assert_cmpstr (md_receiver_catalog_match (catalog, "x.mail.protection.outlook.com")->family, ==,
                   md_receiver_catalog_match (catalog, "x.olc.protection.outlook.com")->family);
  g_assert_cmpstr (md_receiver_catalog_match (catalog, "x.mail.protection.outlook.com")->kind, ==,
                   "business");
  g_assert_cmpstr (md_receiver_catalog_match (catalog, "x.olc.protection.outlook.com")->kind, ==,
                   "consumer");
}

/* A keyed list is asked only with its key, in its key zone. */
static void
test_keyed_list (void)
{
  static const char xml[] =
    "<maildoctor-data><blocklist zone=\"combined.example.net\" kind=\"ipv4\" weight=\"low\" "
    "policy=\"registration\" status=\"active\" query=\"key\" key=\"example-key\" "
    "key-zone=\"{key}.combined.example.net\"><name>Keyed</name><operator>Example</operator>"
    "<purpose>p</purpose><code value=\"127.0.0.2\">listed</code>"
    "<test listed=\"127.0.0.2\" unlisted=\"127.0.0.1\"/><removal>https://example.net/</removal>"
    "<usage>u</usage><source>https://example.net/</source></blocklist></maildoctor-data>";
  static const char bad_template[] =
    "<maildoctor-data><blocklist zone=\"combined.example.net\" kind=\"ipv4\" weight=\"low\" "
    "policy=\"free\" status=\"active\" key=\"k\" key-zone=\"x.{key}.example.net\">"
    "</blocklist></maildoctor-data>";
  g_autoptr(GPtrArray) catalog = NULL;
  g_autoptr(GPtrArray) bad = NULL;
  g_autoptr(GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  g_autofree char *zone = NULL;
  MdBlocklist *list;

  catalog = md_blocklist_catalog_parse (xml, -1, &error);
  g_assert_no_error (error);
  list = g_ptr_array_index (catalog, 0);
  g_assert_cmpint (list->query, ==, MD_BLOCKLIST_QUERY_KEY);
  g_assert_false (md_blocklist_is_queryable (list, NULL));
  g_assert_false (md_blocklist_is_queryable (list, keys));

  g_hash_table_insert (keys, (gpointer) "example-key", (gpointer) "abc123");
  g_assert_true (md_blocklist_is_queryable (list, keys));
  zone = md_blocklist_query_zone (list, keys);
  g_assert_cmpstr (zone, ==, "abc123.combined.example.net");

  bad = md_blocklist_catalog_parse (bad_template, -1, &error);
  g_assert_error (error, MD_BLOCKLIST_ERROR, MD_BLOCKLIST_ERROR_INVALID_DATA);
  g_assert_null (bad);
}

int
main (int    argc,
      char **argv)
{
  md_core_init ();
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/MailDoctor/Blocklists/catalog-valid", test_catalog_valid);
  g_test_add_func ("/MailDoctor/Blocklists/catalog-errors", test_catalog_errors);
  g_test_add_func ("/MailDoctor/Blocklists/query-names", test_query_names);
  g_test_add_func ("/MailDoctor/Blocklists/classify", test_classify);
  g_test_add_func ("/MailDoctor/Blocklists/keyed-list", test_keyed_list);
  g_test_add_func ("/MailDoctor/Receivers/match", test_receivers);

  return g_test_run ();
}
