/* md-check-mx.c — who receives the recipient's mail ("mx")
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-check-private.h"
#include "md-receivers.h"

typedef struct
{
  char        *domain;
  GPtrArray   *receivers;    /* the catalog, NULL when it failed to load */
  char        *catalog_error;
  MdDnsAnswer *a;            /* implicit MX (RFC 5321 §5.1) */
  MdDnsAnswer *aaaa;
  guint        pending;
} Mx;

static void
mx_free (Mx *self)
{
  g_free (self->domain);
  g_clear_pointer (&self->receivers, g_ptr_array_unref);
  g_free (self->catalog_error);
  g_clear_pointer (&self->a, md_dns_answer_free);
  g_clear_pointer (&self->aaaa, md_dns_answer_free);
  g_free (self);
}

static void
fail (MdCheckContext    *context,
      const MdDnsAnswer *answer)
{
  JsonObject *details = md_check_get_details (md_check_context_get_check (context));
  g_autofree char *why = md_check_describe_failure (answer);
  g_autofree char *summary = NULL;

  if (answer->type == MD_DNS_TYPE_MX)
    /* Translators: %s says why the DNS lookup failed */
    summary = g_strdup_printf (_("Could not decide: the MX lookup failed (%s)."), why);
  else
    /* Translators: %s says why the DNS lookup failed */
    summary = g_strdup_printf (_("Could not decide: the domain has no MX record, and looking up "
                                 "its own address failed (%s)."), why);
  json_object_set_string_member (details, "reason", md_dns_status_to_string (answer->status));
  md_check_context_finish (context, MD_CHECK_STATUS_ERROR, summary, NULL);
}

static int
compare_mx (gconstpointer a,
            gconstpointer b)
{
  const MdDnsRecord *ra = *(MdDnsRecord **) a;
  const MdDnsRecord *rb = *(MdDnsRecord **) b;

  if (ra->preference != rb->preference)
    return (int) ra->preference - (int) rb->preference;

  return g_strcmp0 (ra->target, rb->target);
}

static void
implicit_cb (MdCheckContext    *context,
             const MdDnsAnswer *answer,
             gpointer           user_data)
{
  Mx *self = md_check_context_get_data (context);
  JsonObject *details = md_check_get_details (md_check_context_get_check (context));
  g_autoptr(JsonArray) addresses = json_array_new ();
  g_autofree char *summary = NULL;
  const MdDnsAnswer *answers[2];

  if (answer->type == MD_DNS_TYPE_A)
    self->a = md_dns_answer_copy (answer);
  else
    self->aaaa = md_dns_answer_copy (answer);
  if (--self->pending > 0)
    return;

  /* RFC 5321 §5.1: without MX, mail goes to the domain's own A/AAAA */
  answers[0] = self->a;
  answers[1] = self->aaaa;
  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      g_autoptr(JsonArray) found = md_check_json_addresses (answers[i]);

      for (guint j = 0; j < json_array_get_length (found); j++)
        json_array_add_string_element (addresses, json_array_get_string_element (found, j));
    }

  json_object_set_boolean_member (details, "implicit_mx", TRUE);

  if (json_array_get_length (addresses) > 0)
    {
      g_autofree char *first = g_strdup (json_array_get_string_element (addresses, 0));

      json_object_set_array_member (details, "addresses", g_steal_pointer (&addresses));
      /* Translators: a domain, then one of its IP addresses */
      summary = g_strdup_printf (_("%s has no MX record: mail goes to the domain’s own address "
                                   "(%s)."), self->domain, first);
      md_check_context_finish (context, MD_CHECK_STATUS_INFO, summary, NULL);
      return;
    }

  json_object_set_array_member (details, "addresses", g_steal_pointer (&addresses));
  if (md_dns_answer_is_failure (self->a))
    {
      fail (context, self->a);
      return;
    }
  if (md_dns_answer_is_failure (self->aaaa))
    {
      fail (context, self->aaaa);
      return;
    }

  /* Translators: a domain */
  summary = g_strdup_printf (_("%s has neither an MX record nor an address: it cannot receive "
                               "mail."), self->domain);
  json_object_set_string_member (details, "reason", "no-mx");
  md_check_context_finish (context, MD_CHECK_STATUS_PROBLEM, summary,
                           _("Check the recipient’s address for typos; the domain itself "
                             "accepts no mail."));
}

static void
mx_cb (MdCheckContext    *context,
       const MdDnsAnswer *answer,
       gpointer           user_data)
{
  Mx *self = md_check_context_get_data (context);
  JsonObject *details = md_check_get_details (md_check_context_get_check (context));
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(JsonArray) hosts = NULL;
  g_autofree char *summary = NULL;
  const MdReceiver *primary = NULL;
  const char *primary_host = NULL;

  json_object_set_string_member (details, "mx_status", md_dns_status_to_string (answer->status));

  if (md_dns_answer_is_failure (answer))
    {
      fail (context, answer);
      return;
    }

  if (answer->status == MD_DNS_STATUS_NXDOMAIN)
    {
      /* Translators: a domain */
      summary = g_strdup_printf (_("The domain %s does not exist."), self->domain);
      json_object_set_string_member (details, "reason", "nxdomain");
      md_check_context_finish (context, MD_CHECK_STATUS_PROBLEM, summary,
                               _("Check the recipient’s address for typos."));
      return;
    }

  if (answer->status == MD_DNS_STATUS_NODATA || answer->records->len == 0)
    {
      self->pending = 2;
      md_check_context_query (context, self->domain, MD_DNS_TYPE_A, implicit_cb, NULL);
      md_check_context_query (context, self->domain, MD_DNS_TYPE_AAAA, implicit_cb, NULL);
      return;
    }

  records = g_ptr_array_new ();
  for (guint i = 0; i < answer->records->len; i++)
    g_ptr_array_add (records, g_ptr_array_index (answer->records, i));
  g_ptr_array_sort (records, compare_mx);

  /* RFC 7505: one MX with an empty exchange (".") — "no mail here". */
  if (records->len == 1)
    {
      MdDnsRecord *record = g_ptr_array_index (records, 0);

      if (record->target == NULL || record->target[0] == '\0' || g_str_equal (record->target, "."))
        {
          json_object_set_boolean_member (details, "null_mx", TRUE);
          json_object_set_string_member (details, "reason", "null-mx");
          /* Translators: a domain */
          summary = g_strdup_printf (_("%s publishes a null MX: it accepts no mail (RFC 7505)."),
                                     self->domain);
          md_check_context_finish (context, MD_CHECK_STATUS_PROBLEM, summary,
                                   _("Check the recipient’s address for typos; the domain itself "
                                     "accepts no mail."));
          return;
        }
    }

  hosts = json_array_new ();
  for (guint i = 0; i < records->len; i++)
    {
      MdDnsRecord *record = g_ptr_array_index (records, i);
      const MdReceiver *receiver = NULL;
      JsonObject *host = json_object_new ();

      if (self->receivers != NULL && record->target != NULL)
        receiver = md_receiver_catalog_match (self->receivers, record->target);

      json_object_set_string_member (host, "host", record->target);
      json_object_set_int_member (host, "preference", record->preference);
      if (receiver != NULL)
        json_object_set_string_member (host, "receiver", receiver->id);
      else
        json_object_set_null_member (host, "receiver");
      json_array_add_object_element (hosts, host);

      if (i == 0)
        {
          primary = receiver;
          primary_host = record->target;
        }
    }

  json_object_set_array_member (details, "hosts", g_steal_pointer (&hosts));
  json_object_set_boolean_member (details, "null_mx", FALSE);

  if (primary != NULL)
    {
      json_object_set_string_member (details, "receiver", primary->id);
      json_object_set_string_member (details, "receiver_name", primary->name);
      json_object_set_string_member (details, "family", primary->family);
      json_object_set_string_member (details, "service", primary->kind);
      if (primary->delist != NULL)
        json_object_set_string_member (details, "delist", primary->delist);
      else
        json_object_set_null_member (details, "delist");
      /* Translators: a domain, then who runs its mail servers, e.g. "Microsoft 365 (…)" */
      summary = g_strdup_printf (_("%s receives mail through %s (%s)."),
                                 self->domain, primary->name, primary_host);
      md_check_context_finish (context, MD_CHECK_STATUS_INFO, summary, primary->note);
      return;
    }

  json_object_set_null_member (details, "receiver");
  if (self->catalog_error != NULL)
    {
      json_object_set_string_member (details, "catalog_error", self->catalog_error);
      /* Translators: a domain, its main mail server's name, a technical error message */
      summary = g_strdup_printf (_("%s receives mail through %s; who runs that server is unknown "
                                   "(the receiver catalog could not be read: %s)."),
                                 self->domain, primary_host, self->catalog_error);
      md_check_context_finish (context, MD_CHECK_STATUS_INFO, summary, NULL);
      return;
    }
  /* Translators: a domain, then its main mail server's name */
  summary = g_strdup_printf (_("%s receives mail on its own servers (%s)."),
                             self->domain, primary_host);
  md_check_context_finish (context, MD_CHECK_STATUS_INFO, summary, NULL);
}

static void
mx_start (MdCheckContext *context)
{
  Mx *self = md_check_context_get_data (context);

  md_check_context_query (context, self->domain, MD_DNS_TYPE_MX, mx_cb, NULL);
}

static void
mx_populate (MdCheckRun *run)
{
  const MdCheckSubject *subject = md_check_run_get_subject (run);
  g_autoptr(MdCheck) check = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *details;
  Mx *self;

  if (subject->recipient_domain == NULL)
    return;

  check = md_check_new ("mx", "mx", _("Recipient’s mail servers"));
  md_check_set_group (check, "recipient");
  md_check_set_weight (check, 50);
  details = md_check_get_details (check);
  json_object_set_string_member (details, "domain", subject->recipient_domain);
  json_object_set_array_member (details, "hosts", json_array_new ());
  json_object_set_null_member (details, "receiver");
  json_object_set_null_member (details, "reason");

  self = g_new0 (Mx, 1);
  self->domain = g_strdup (subject->recipient_domain);
  self->receivers = md_receiver_catalog_load (&error);
  if (self->receivers == NULL)
    self->catalog_error = g_strdup (error->message);

  md_check_run_add_check (run, check, mx_start, self, (GDestroyNotify) mx_free);
}

const MdCheckProvider md_check_provider_mx = {
  "mx",
  mx_populate,
};
