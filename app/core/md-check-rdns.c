/* md-check-rdns.c — reverse DNS ("rdns") and HELO ("helo") checks
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-check-private.h"
#include "md-resolver.h"

/* At most this many PTR names are followed forward; real hosts have one. */
#define MAX_PTR_NAMES 8

/* Words receivers (and SpamRATS Dyna, Spamhaus PBL) read as "end-user or
 * dynamic address". A heuristic, not catalog data: it lives with the code
 * that applies it. Matched against whole tokens of the name. */
static const char *generic_words[] = {
  "dynamic", "dyn", "dynip", "dsl", "adsl", "vdsl", "xdsl", "sdsl", "pool", "pools", "dhcp",
  "dialup", "dial", "ppp", "pppoe", "cable", "broadband", "customer", "customers", "cust",
  "client", "clients", "residential", "dip", "user", "users", "unassigned", "unknown",
  "nat", "cpe", "fiber", "ftth", "wireless", "mobile", "dyndsl", "dialin",
};

/* Default names hosting providers give every server: receivers treat them
 * like dynamic space, because nothing in them names the operator. */
static const char *generic_suffixes[] = {
  "clients.your-server.de",
  "vps.ovh.net",
  "vps.ovh.ca",
  "compute.amazonaws.com",
  "compute-1.amazonaws.com",
  "bc.googleusercontent.com",
  "ip.linodeusercontent.com",
  "contaboserver.net",
};

static gboolean
has_suffix_label (const char *name,
                  const char *suffix)
{
  gsize n = strlen (name), s = strlen (suffix);

  if (n < s || g_ascii_strcasecmp (name + n - s, suffix) != 0)
    return FALSE;

  return n == s || name[n - s - 1] == '.';
}

/* TRUE when the name carries the address's numbers: 198-51-100-7,
 * 7.100.51.198, 198051100007, c6336407 … */
static gboolean
contains_address_digits (const char   *name,
                         GInetAddress *address)
{
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autofree char *padded = NULL;
  g_autofree char *hex = NULL;
  const guint8 *b;

  if (g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV4)
    {
      /* IPv6: the address with dashes for colons (2a01-4f8-1c1c-abcd--1),
       * the way provider-generated names spell it */
      g_autofree char *text = g_inet_address_to_string (address);

      g_strdelimit (text, ":", '-');
      return strstr (name, text) != NULL;
    }

  b = g_inet_address_to_bytes (address);
  padded = g_strdup_printf ("%03u%03u%03u%03u", b[0], b[1], b[2], b[3]);
  hex = g_strdup_printf ("%02x%02x%02x%02x", b[0], b[1], b[2], b[3]);
  if (strstr (name, padded) != NULL || strstr (name, hex) != NULL)
    return TRUE;

  for (const char *p = name; *p; )
    {
      if (g_ascii_isdigit (*p))
        {
          guint64 value = g_ascii_strtoull (p, (char **) &p, 10);
          g_array_append_val (numbers, value);
        }
      else
        p++;
    }

  for (guint i = 0; i + 4 <= numbers->len; i++)
    {
      guint64 *v = &g_array_index (numbers, guint64, i);

      if ((v[0] == b[0] && v[1] == b[1] && v[2] == b[2] && v[3] == b[3]) ||
          (v[0] == b[3] && v[1] == b[2] && v[2] == b[1] && v[3] == b[0]))
        return TRUE;
    }

  return FALSE;
}

/* Why @name looks generic, in words; empty when it does not. */
static GPtrArray *
generic_reasons (const char   *name,
                 GInetAddress *address)
{
  GPtrArray *reasons = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) tokens = NULL;
  g_autofree char *lower = g_ascii_strdown (name, -1);

  if (contains_address_digits (lower, address))
    g_ptr_array_add (reasons, g_strdup (_("it contains the IP address’s numbers")));

  for (guint i = 0; i < G_N_ELEMENTS (generic_suffixes); i++)
    {
      if (has_suffix_label (lower, generic_suffixes[i]))
        {
          /* Translators: %s is a domain such as clients.your-server.de */
          g_ptr_array_add (reasons, g_strdup_printf (_("it is a hosting provider’s default "
                                                       "name (%s)"), generic_suffixes[i]));
          break;
        }
    }

  g_strdelimit (lower, "0123456789_", '-');
  g_strdelimit (lower, ".", '-');
  tokens = g_strsplit (lower, "-", -1);
  for (guint i = 0; tokens[i] != NULL; i++)
    {
      for (guint j = 0; j < G_N_ELEMENTS (generic_words); j++)
        {
          if (g_str_equal (tokens[i], generic_words[j]))
            {
              /* Translators: %s is a word such as "dynamic" or "dsl" */
              g_ptr_array_add (reasons, g_strdup_printf (_("it contains “%s”"), tokens[i]));
              break;
            }
        }
    }

  return reasons;
}

static gboolean
answer_has_address (const MdDnsAnswer *answer,
                    GInetAddress      *address)
{
  for (guint i = 0; answer->status == MD_DNS_STATUS_OK && i < answer->records->len; i++)
    {
      MdDnsRecord *record = g_ptr_array_index (answer->records, i);

      if (record->address != NULL && g_inet_address_equal (record->address, address))
        return TRUE;
    }

  return FALSE;
}

static char *
addresses_text (const MdDnsAnswer *answer)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; answer->status == MD_DNS_STATUS_OK && i < answer->records->len; i++)
    {
      MdDnsRecord *record = g_ptr_array_index (answer->records, i);
      g_autofree char *address = NULL;

      if (record->address == NULL)
        continue;
      address = g_inet_address_to_string (record->address);
      if (text->len > 0)
        g_string_append (text, ", ");
      g_string_append (text, address);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
ptr_name_of (GInetAddress *address)
{
  return md_dns_reverse_name (address, NULL);
}

static MdDnsType
forward_type (GInetAddress *address)
{
  return g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4 ? MD_DNS_TYPE_A
                                                                     : MD_DNS_TYPE_AAAA;
}

/* rdns */

typedef struct
{
  GInetAddress *address;
  GPtrArray    *names;       /* PTR targets */
  GPtrArray    *forward;     /* MdDnsAnswer* per name */
  guint         pending;
} Rdns;

static void
rdns_free (Rdns *self)
{
  g_clear_object (&self->address);
  g_clear_pointer (&self->names, g_ptr_array_unref);
  g_clear_pointer (&self->forward, g_ptr_array_unref);
  g_free (self);
}

static const char *rdns_remedy =
  N_("Ask whoever runs the address block (your hosting provider or ISP) to set a PTR record "
     "naming your mail server, such as mail.example.com, and give that name an address record "
     "pointing back to this IP.");

static void
rdns_evaluate (MdCheckContext *context,
               Rdns           *self)
{
  JsonObject *details = md_check_get_details (md_check_context_get_check (context));
  g_autoptr(JsonArray) forward = json_array_new ();
  g_autoptr(GPtrArray) reasons = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *ip = g_inet_address_to_string (self->address);
  const char *confirmed = NULL;
  const MdDnsAnswer *failed = NULL;
  const char *failed_name = NULL;

  for (guint i = 0; i < self->names->len; i++)
    {
      const char *name = g_ptr_array_index (self->names, i);
      const MdDnsAnswer *answer = g_ptr_array_index (self->forward, i);
      JsonObject *entry = json_object_new ();

      json_object_set_string_member (entry, "name", name);
      json_object_set_string_member (entry, "status", md_dns_status_to_string (answer->status));
      json_object_set_array_member (entry, "addresses", md_check_json_addresses (answer));
      json_array_add_object_element (forward, entry);

      if (confirmed == NULL && answer_has_address (answer, self->address))
        confirmed = name;
      if (failed == NULL && md_dns_answer_is_failure (answer))
        {
          failed = answer;
          failed_name = name;
        }
    }

  json_object_set_array_member (details, "forward", g_steal_pointer (&forward));
  json_object_set_boolean_member (details, "forward_confirmed", confirmed != NULL);

  if (confirmed == NULL)
    {
      const char *name = g_ptr_array_index (self->names, 0);
      const MdDnsAnswer *answer = g_ptr_array_index (self->forward, 0);

      if (failed != NULL)
        {
          g_autofree char *why = md_check_describe_failure (failed);

          /* Translators: %s is a host name, the second %s why the lookup failed */
          summary = g_strdup_printf (_("Could not decide: the PTR name %s could not be "
                                       "resolved (%s)."), failed_name, why);
          json_object_set_string_member (details, "reason",
                                         md_dns_status_to_string (failed->status));
          md_check_context_finish (context, MD_CHECK_STATUS_ERROR, summary, NULL);
          return;
        }

      if (answer->status == MD_DNS_STATUS_OK && answer->records->len > 0)
        {
          g_autofree char *addresses = addresses_text (answer);

          /* Translators: IP address, host name, the addresses that name has, IP address */
          summary = g_strdup_printf (_("Not forward-confirmed: %s points to %s, but that name "
                                       "resolves to %s, not back to %s."),
                                     ip, name, addresses, ip);
        }
      else
        {
          /* Translators: IP address, host name */
          summary = g_strdup_printf (_("Not forward-confirmed: %s points to %s, but that name "
                                       "has no address."), ip, name);
        }
      json_object_set_string_member (details, "reason", "not-forward-confirmed");
      md_check_context_finish (context, MD_CHECK_STATUS_PROBLEM, summary, _(rdns_remedy));
      return;
    }

  json_object_set_string_member (details, "name", confirmed);
  md_check_set_fact (md_check_context_get_check (context), MD_CHECK_FACT_PTR_NAME, confirmed);

  reasons = generic_reasons (confirmed, self->address);
  json_object_set_array_member (details, "generic_reasons", md_check_json_string_array (reasons));
  if (reasons->len > 0)
    {
      g_autofree char *joined = NULL;

      g_ptr_array_add (reasons, NULL);
      joined = g_strjoinv ("; ", (char **) reasons->pdata);
      /* Translators: a host name, then why it looks generic */
      summary = g_strdup_printf (_("The PTR name %s looks generic or dynamic: %s."),
                                 confirmed, joined);
      json_object_set_string_member (details, "reason", "generic");
      md_check_context_finish (context, MD_CHECK_STATUS_WARNING, summary,
                               _("Ask your hosting provider to set a PTR name in your own domain "
                                 "(such as mail.example.com) with a matching address record: "
                                 "receivers treat generic names like dial-up space."));
      return;
    }

  /* Translators: a host name */
  summary = g_strdup_printf (_("%s, forward-confirmed."), confirmed);
  md_check_context_finish (context, MD_CHECK_STATUS_OK, summary, NULL);
}

static void
rdns_forward_cb (MdCheckContext    *context,
                 const MdDnsAnswer *answer,
                 gpointer           user_data)
{
  Rdns *self = md_check_context_get_data (context);
  guint index = GPOINTER_TO_UINT (user_data);

  g_ptr_array_index (self->forward, index) = md_dns_answer_copy (answer);
  if (--self->pending == 0)
    rdns_evaluate (context, self);
}

static void
rdns_ptr_cb (MdCheckContext    *context,
             const MdDnsAnswer *answer,
             gpointer           user_data)
{
  Rdns *self = md_check_context_get_data (context);
  JsonObject *details = md_check_get_details (md_check_context_get_check (context));
  g_autofree char *ip = g_inet_address_to_string (self->address);
  g_autofree char *summary = NULL;

  json_object_set_string_member (details, "ptr_status", md_dns_status_to_string (answer->status));

  if (md_dns_answer_is_failure (answer))
    {
      g_autofree char *why = md_check_describe_failure (answer);

      /* Translators: %s says why the DNS lookup failed */
      summary = g_strdup_printf (_("Could not decide: the PTR lookup failed (%s)."), why);
      json_object_set_string_member (details, "reason", md_dns_status_to_string (answer->status));
      md_check_context_finish (context, MD_CHECK_STATUS_ERROR, summary, NULL);
      return;
    }

  for (guint i = 0; answer->status == MD_DNS_STATUS_OK && i < answer->records->len; i++)
    {
      MdDnsRecord *record = g_ptr_array_index (answer->records, i);

      if (record->target != NULL && record->target[0] != '\0' &&
          self->names->len < MAX_PTR_NAMES)
        g_ptr_array_add (self->names, g_ascii_strdown (record->target, -1));
    }

  json_object_set_array_member (details, "ptr", md_check_json_string_array (self->names));
  if (self->names->len > 0)
    md_check_set_fact (md_check_context_get_check (context), MD_CHECK_FACT_PTR_NAME, g_ptr_array_index (self->names, 0));

  if (self->names->len == 0)
    {
      /* Translators: %s is an IP address */
      summary = g_strdup_printf (_("No PTR record: %s has no name."), ip);
      json_object_set_string_member (details, "reason", "no-ptr");
      md_check_context_finish (context, MD_CHECK_STATUS_PROBLEM, summary, _(rdns_remedy));
      return;
    }

  g_ptr_array_set_size (self->forward, self->names->len);
  self->pending = self->names->len;
  for (guint i = 0; i < self->names->len; i++)
    md_check_context_query (context, g_ptr_array_index (self->names, i),
                            forward_type (self->address), rdns_forward_cb, GUINT_TO_POINTER (i));
}

static void
rdns_start (MdCheckContext *context)
{
  Rdns *self = md_check_context_get_data (context);
  g_autofree char *name = ptr_name_of (self->address);

  md_check_context_query (context, name, MD_DNS_TYPE_PTR, rdns_ptr_cb, NULL);
}

static void
rdns_populate (MdCheckRun *run)
{
  const MdCheckSubject *subject = md_check_run_get_subject (run);
  g_autoptr(MdCheck) check = md_check_new ("rdns", "rdns", _("Reverse DNS"));
  Rdns *self = g_new0 (Rdns, 1);
  JsonObject *details;

  self->address = md_check_subject_get_address (subject);
  self->names = g_ptr_array_new_with_free_func (g_free);
  self->forward = g_ptr_array_new_with_free_func ((GDestroyNotify) md_dns_answer_free);

  md_check_set_group (check, "sender");
  md_check_set_weight (check, 40);
  details = md_check_get_details (check);
  json_object_set_string_member (details, "ip", subject->ip);
  json_object_set_array_member (details, "ptr", json_array_new ());
  json_object_set_boolean_member (details, "forward_confirmed", FALSE);
  json_object_set_null_member (details, "reason");

  md_check_run_add_check (run, check, rdns_start, self, (GDestroyNotify) rdns_free);
}

const MdCheckProvider md_check_provider_rdns = {
  "rdns",
  rdns_populate,
};

/* helo */

typedef struct
{
  GInetAddress *address;
  char         *helo;
  MdDnsAnswer  *forward;
  MdDnsAnswer  *ptr;
  guint         pending;
} Helo;

static void
helo_free (Helo *self)
{
  g_clear_object (&self->address);
  g_free (self->helo);
  g_clear_pointer (&self->forward, md_dns_answer_free);
  g_clear_pointer (&self->ptr, md_dns_answer_free);
  g_free (self);
}

static void
helo_evaluate (MdCheckContext *context,
               Helo           *self)
{
  JsonObject *details = md_check_get_details (md_check_context_get_check (context));
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *ip = g_inet_address_to_string (self->address);
  g_autofree char *summary = NULL;
  gboolean matches = FALSE;

  json_object_set_string_member (details, "forward_status",
                                 md_dns_status_to_string (self->forward->status));
  json_object_set_array_member (details, "addresses", md_check_json_addresses (self->forward));

  if (md_dns_answer_is_failure (self->forward))
    {
      g_autofree char *why = md_check_describe_failure (self->forward);

      /* Translators: a host name, then why the lookup failed */
      summary = g_strdup_printf (_("Could not decide: looking up %s failed (%s)."),
                                 self->helo, why);
      json_object_set_string_member (details, "reason",
                                     md_dns_status_to_string (self->forward->status));
      md_check_context_finish (context, MD_CHECK_STATUS_ERROR, summary, NULL);
      return;
    }

  if (self->forward->status != MD_DNS_STATUS_OK || self->forward->records->len == 0)
    {
      /* Translators: a host name */
      summary = g_strdup_printf (_("The HELO name %s does not resolve."), self->helo);
      json_object_set_string_member (details, "reason", "no-address");
      md_check_context_finish (context, MD_CHECK_STATUS_PROBLEM, summary,
                               _("Use the server’s own name as HELO: the name its PTR record "
                                 "gives, with an address record pointing to the sending IP."));
      return;
    }

  if (!answer_has_address (self->forward, self->address))
    {
      g_autofree char *addresses = addresses_text (self->forward);

      /* Translators: a host name, its addresses, the sending IP */
      summary = g_strdup_printf (_("The HELO name %s resolves to %s, not to %s."),
                                 self->helo, addresses, ip);
      json_object_set_string_member (details, "reason", "wrong-address");
      md_check_context_finish (context, MD_CHECK_STATUS_PROBLEM, summary,
                               _("Use the server’s own name as HELO: the name its PTR record "
                                 "gives, with an address record pointing to the sending IP."));
      return;
    }

  json_object_set_string_member (details, "ptr_status",
                                 md_dns_status_to_string (self->ptr->status));
  if (md_dns_answer_is_failure (self->ptr))
    {
      g_autofree char *why = md_check_describe_failure (self->ptr);

      /* Translators: %s says why the lookup failed */
      summary = g_strdup_printf (_("Could not decide: the HELO name resolves to the IP, but the "
                                   "PTR lookup failed (%s)."), why);
      json_object_set_string_member (details, "reason",
                                     md_dns_status_to_string (self->ptr->status));
      md_check_context_finish (context, MD_CHECK_STATUS_ERROR, summary, NULL);
      return;
    }

  for (guint i = 0; self->ptr->status == MD_DNS_STATUS_OK && i < self->ptr->records->len; i++)
    {
      MdDnsRecord *record = g_ptr_array_index (self->ptr->records, i);

      if (record->target == NULL)
        continue;
      g_ptr_array_add (names, g_ascii_strdown (record->target, -1));
      if (g_ascii_strcasecmp (record->target, self->helo) == 0)
        matches = TRUE;
    }
  json_object_set_array_member (details, "ptr", md_check_json_string_array (names));
  json_object_set_boolean_member (details, "matches_ptr", matches);

  if (names->len == 0)
    {
      /* Translators: a host name, an IP address */
      summary = g_strdup_printf (_("The HELO name %s resolves to %s, but the IP has no PTR "
                                   "record to match it."), self->helo, ip);
      json_object_set_string_member (details, "reason", "no-ptr");
      md_check_context_finish (context, MD_CHECK_STATUS_WARNING, summary, _(rdns_remedy));
      return;
    }

  if (!matches)
    {
      /* Translators: a host name, an IP address, the PTR name */
      summary = g_strdup_printf (_("The HELO name %s resolves to %s but does not match the PTR "
                                   "name %s."), self->helo, ip,
                                 (const char *) g_ptr_array_index (names, 0));
      json_object_set_string_member (details, "reason", "ptr-mismatch");
      md_check_context_finish (context, MD_CHECK_STATUS_WARNING, summary,
                               _("Use the PTR name as the HELO name (Postfix: smtp_helo_name; "
                                 "Exim: helo_data)."));
      return;
    }

  /* Translators: a host name, an IP address */
  summary = g_strdup_printf (_("%s resolves to %s and matches the PTR record."), self->helo, ip);
  md_check_context_finish (context, MD_CHECK_STATUS_OK, summary, NULL);
}

static void
helo_answer_cb (MdCheckContext    *context,
                const MdDnsAnswer *answer,
                gpointer           user_data)
{
  Helo *self = md_check_context_get_data (context);

  if (answer->type == MD_DNS_TYPE_PTR)
    self->ptr = md_dns_answer_copy (answer);
  else
    self->forward = md_dns_answer_copy (answer);

  if (--self->pending == 0)
    helo_evaluate (context, self);
}

static void
helo_start (MdCheckContext *context)
{
  Helo *self = md_check_context_get_data (context);
  JsonObject *details = md_check_get_details (md_check_context_get_check (context));
  g_autofree char *ptr_name = NULL;
  g_autofree char *summary = NULL;
  gsize len = strlen (self->helo);

  md_check_set_fact (md_check_context_get_check (context), MD_CHECK_FACT_HELO_NAME, self->helo);

  if (self->helo[0] == '[' && self->helo[len - 1] == ']')
    {
      /* Translators: %s is what the server says in HELO, e.g. [192.0.2.1] */
      summary = g_strdup_printf (_("The HELO %s is an address literal, not a name; many "
                                   "receivers count that against the sender."), self->helo);
      json_object_set_string_member (details, "reason", "address-literal");
      md_check_context_finish (context, MD_CHECK_STATUS_WARNING, summary,
                               _("Use the server’s own name as HELO: the name its PTR record "
                                 "gives, with an address record pointing to the sending IP."));
      return;
    }

  if (g_hostname_is_ip_address (self->helo))
    {
      summary = g_strdup_printf (_("The HELO %s is a bare IP address; SMTP (RFC 5321) requires "
                                   "a name or an address literal in brackets."), self->helo);
      json_object_set_string_member (details, "reason", "bare-ip");
      md_check_context_finish (context, MD_CHECK_STATUS_PROBLEM, summary,
                               _("Use the server’s own name as HELO: the name its PTR record "
                                 "gives, with an address record pointing to the sending IP."));
      return;
    }

  if (strchr (self->helo, '.') == NULL || self->helo[len - 1] == '.' || self->helo[0] == '.')
    {
      summary = g_strdup_printf (_("The HELO name %s is not a fully qualified domain name."),
                                 self->helo);
      json_object_set_string_member (details, "reason", "not-fqdn");
      md_check_context_finish (context, MD_CHECK_STATUS_PROBLEM, summary,
                               _("Use the server’s own name as HELO: the name its PTR record "
                                 "gives, with an address record pointing to the sending IP."));
      return;
    }

  ptr_name = ptr_name_of (self->address);
  self->pending = 2;
  md_check_context_query (context, self->helo, forward_type (self->address),
                          helo_answer_cb, NULL);
  md_check_context_query (context, ptr_name, MD_DNS_TYPE_PTR, helo_answer_cb, NULL);
}

static void
helo_populate (MdCheckRun *run)
{
  const MdCheckSubject *subject = md_check_run_get_subject (run);
  g_autoptr(MdCheck) check = NULL;
  JsonObject *details;
  Helo *self;

  if (subject->helo == NULL)
    return;

  check = md_check_new ("helo", "helo", _("HELO name"));
  md_check_set_group (check, "sender");
  md_check_set_weight (check, 35);
  details = md_check_get_details (check);
  json_object_set_string_member (details, "helo", subject->helo);
  json_object_set_string_member (details, "ip", subject->ip);
  json_object_set_null_member (details, "reason");

  self = g_new0 (Helo, 1);
  self->address = md_check_subject_get_address (subject);
  self->helo = g_strdup (subject->helo);

  md_check_run_add_check (run, check, helo_start, self, (GDestroyNotify) helo_free);
}

const MdCheckProvider md_check_provider_helo = {
  "helo",
  helo_populate,
};
