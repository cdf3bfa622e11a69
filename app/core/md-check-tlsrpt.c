/* md-check-tlsrpt.c — SMTP TLS reporting address of the sending domain ("tls-rpt")
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-check-private.h"
#include "md-tlsrpt.h"

/* TLS-RPT (RFC 8460) only asks other servers to report TLS trouble with
 * mail *to* the domain; no receiver judges a sender by it. So a missing
 * record is information, and only a record that is there but unusable is
 * worth a warning. */

static void
tlsrpt_cb (MdCheckContext    *context,
           const MdDnsAnswer *answer,
           gpointer           user_data)
{
  const char *domain = md_check_context_get_data (context);
  JsonObject *details = md_check_get_details (md_check_context_get_check (context));
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(MdTlsRptRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  g_auto(GStrv) txts = NULL;
  JsonArray *rua;

  if (md_dns_answer_is_failure (answer))
    {
      g_autofree char *why = md_check_describe_failure (answer);

      json_object_set_string_member (details, "reason", md_dns_status_to_string (answer->status));
      /* Translators: %s says why the DNS lookup failed */
      summary = g_strdup_printf (_("Could not decide: the TLS-RPT lookup failed (%s)."), why);
      md_check_context_finish (context, MD_CHECK_STATUS_ERROR, summary, NULL);
      return;
    }

  for (guint i = 0; answer->status == MD_DNS_STATUS_OK && i < answer->records->len; i++)
    {
      const MdDnsRecord *dns_record = g_ptr_array_index (answer->records, i);

      if (dns_record->text != NULL)
        g_strv_builder_add (builder, dns_record->text);
    }
  txts = g_strv_builder_end (builder);

  record = md_tlsrpt_record_select ((const char * const *) txts, &error);
  if (record == NULL)
    {
      if (g_error_matches (error, MD_TLSRPT_ERROR, MD_TLSRPT_ERROR_NO_RECORD))
        {
          json_object_set_string_member (details, "reason", "no-record");
          /* Translators: a domain */
          summary = g_strdup_printf (_("%s publishes no TLS-RPT record: nobody reports TLS "
                                       "trouble with mail to it. Optional."), domain);
          md_check_context_finish (context, MD_CHECK_STATUS_INFO, summary,
                                   _("To get reports, publish a TXT record at _smtp._tls.<domain> "
                                     "such as “v=TLSRPTv1; rua=mailto:tls-reports@<domain>”."));
          return;
        }

      json_object_set_string_member (details, "reason", "invalid-record");
      json_object_set_string_member (details, "error", error->message);
      /* Translators: %s says what is wrong with the record */
      summary = g_strdup_printf (_("The TLS-RPT record is unusable: %s"), error->message);
      md_check_context_finish (context, MD_CHECK_STATUS_WARNING, summary,
                               _("Correct the TXT record at _smtp._tls.<domain>: exactly one "
                                 "record “v=TLSRPTv1; rua=mailto:…”."));
      return;
    }

  json_object_set_string_member (details, "record", record->text);
  rua = json_array_new ();
  for (guint i = 0; record->rua != NULL && record->rua[i] != NULL; i++)
    json_array_add_string_element (rua, record->rua[i]);
  json_object_set_array_member (details, "rua", rua);

  /* Translators: a domain, then its report addresses */
  summary = g_strdup_printf (_("%s asks for TLS reports at %s."), domain,
                             record->rua != NULL && record->rua[0] != NULL ? record->rua[0] : "");
  md_check_context_finish (context, MD_CHECK_STATUS_OK, summary, NULL);
}

static void
tlsrpt_start (MdCheckContext *context)
{
  const char *domain = md_check_context_get_data (context);
  g_autofree char *name = g_strconcat ("_smtp._tls.", domain, NULL);

  md_check_context_query (context, name, MD_DNS_TYPE_TXT, tlsrpt_cb, NULL);
}

static void
tlsrpt_populate (MdCheckRun *run)
{
  const MdCheckSubject *subject = md_check_run_get_subject (run);
  g_autoptr(MdCheck) check = NULL;
  g_autofree char *name = NULL;
  JsonObject *details;

  if (subject->domain == NULL)
    return;

  check = md_check_new ("tls-rpt", "tls-rpt", _("TLS reporting (TLS-RPT)"));
  md_check_set_group (check, "sender");
  md_check_set_weight (check, 15);
  name = g_strconcat ("_smtp._tls.", subject->domain, NULL);
  details = md_check_get_details (check);
  json_object_set_string_member (details, "domain", subject->domain);
  json_object_set_string_member (details, "name", name);
  json_object_set_null_member (details, "record");
  json_object_set_array_member (details, "rua", json_array_new ());

  md_check_run_add_check (run, check, tlsrpt_start, g_strdup (subject->domain), g_free);
}

const MdCheckProvider md_check_provider_tlsrpt = {
  "tls-rpt",
  tlsrpt_populate,
};
