/* md-check-imprint.c — T-Online rule 4.1: does the PTR name lead to a
 * website with the operator's imprint ("imprint")
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-check-private.h"
#include "md-imprint.h"
#include "md-record-util.h"
#include "md-resolver.h"

/* The check asks for the PTR record itself: the run asks each question
 * once, so it shares the answer with the rdns check at no cost and does
 * not depend on the order the checks finish in. */

typedef struct
{
  MdCheckContext *context;      /* not to be touched once @cancellable is cancelled */
  GCancellable   *cancellable;
} ImprintCall;

static const char *
rule_remedy (void)
{
  return _("T-Online accepts mail only from servers whose PTR name belongs to a domain whose "
           "website names the operator (Impressum with address and contact). Give the server "
           "a PTR name under your own domain and publish an imprint on that domain’s website.");
}

static void
imprint_cb (GObject      *object,
            GAsyncResult *res,
            gpointer      user_data)
{
  ImprintCall *call = user_data;
  g_autoptr(GCancellable) cancellable = call->cancellable;
  MdCheckContext *context = call->context;
  g_autoptr(MdImprintResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  JsonObject *details;
  JsonArray *attempts;
  JsonArray *kinds;

  g_free (call);
  result = md_imprint_check_finish (res, &error);
  if (g_cancellable_is_cancelled (cancellable) || md_check_context_is_finished (context))
    return;

  details = md_check_get_details (md_check_context_get_check (context));
  if (result == NULL)
    {
      json_object_set_string_member (details, "outcome", "undecided");
      /* Translators: %s is a technical error message */
      summary = g_strdup_printf (_("Could not decide: %s."), error->message);
      md_check_context_finish (context, MD_CHECK_STATUS_ERROR, summary, NULL);
      return;
    }

  json_object_set_string_member (details, "outcome",
                                 md_imprint_outcome_to_string (result->outcome));
  if (result->domain != NULL)
    json_object_set_string_member (details, "domain", result->domain);
  else
    json_object_set_null_member (details, "domain");
  json_object_set_boolean_member (details, "generic_ptr", result->generic_ptr);
  if (result->site_url != NULL)
    json_object_set_string_member (details, "site_url", result->site_url);
  else
    json_object_set_null_member (details, "site_url");
  if (result->imprint_url != NULL)
    json_object_set_string_member (details, "imprint_url", result->imprint_url);
  else
    json_object_set_null_member (details, "imprint_url");
  md_check_set_fact (md_check_context_get_check (context), MD_CHECK_FACT_IMPRINT_URL, result->imprint_url);
  json_object_set_boolean_member (details, "contact_confirmed", result->contact_confirmed);
  kinds = json_array_new ();
  for (guint i = 0; result->contact_kinds != NULL && result->contact_kinds[i] != NULL; i++)
    json_array_add_string_element (kinds, result->contact_kinds[i]);
  json_object_set_array_member (details, "contact_kinds", kinds);
  attempts = json_array_new ();
  for (guint i = 0; result->attempts != NULL && i < result->attempts->len; i++)
    {
      const MdRecordWarning *attempt = g_ptr_array_index (result->attempts, i);
      JsonObject *item = json_object_new ();

      json_object_set_string_member (item, "url", attempt->code);
      json_object_set_string_member (item, "error", attempt->message);
      json_array_add_object_element (attempts, item);
    }
  json_object_set_array_member (details, "attempts", attempts);

  if (result->outcome == MD_IMPRINT_UNDECIDED)
    {
      /* Translators: %s says why the website could not be checked */
      summary = g_strdup_printf (_("Could not decide: %s"),
                                 result->reason != NULL ? result->reason : "");
      md_check_context_finish (context, MD_CHECK_STATUS_ERROR, summary, NULL);
      return;
    }

  if (result->outcome == MD_IMPRINT_FOUND && result->generic_ptr)
    {
      /* Translators: a PTR host name, then a URL */
      summary = g_strdup_printf (_("%s looks like the hosting provider’s generic name: the "
                                   "imprint found (%s) names the provider, not you."),
                                 result->ptr_host, result->imprint_url);
      md_check_context_finish (context, MD_CHECK_STATUS_WARNING, summary, rule_remedy ());
      return;
    }

  if (result->outcome == MD_IMPRINT_FOUND && result->contact_confirmed)
    {
      /* Translators: a URL */
      summary = g_strdup_printf (_("Imprint found: %s."), result->imprint_url);
      md_check_context_finish (context, MD_CHECK_STATUS_OK, summary, NULL);
      return;
    }

  if (result->outcome == MD_IMPRINT_FOUND)
    {
      /* Translators: a URL */
      summary = g_strdup_printf (_("A page that may be the imprint was found (%s), but it "
                                   "shows no address, phone number or e-mail address."),
                                 result->imprint_url);
      md_check_context_finish (context, MD_CHECK_STATUS_WARNING, summary, rule_remedy ());
      return;
    }

  /* NOT_FOUND, NO_WEBSITE, NO_DOMAIN: the reason says which */
  /* Translators: %s says what was missing (no website, no imprint link, …) */
  summary = g_strdup_printf (_("No imprint found through the PTR name: %s T-Online may reject "
                               "the server (rule 4.1)."),
                             result->reason != NULL ? result->reason : "");
  md_check_context_finish (context, MD_CHECK_STATUS_WARNING, summary, rule_remedy ());
}

static void
ptr_cb (MdCheckContext    *context,
        const MdDnsAnswer *answer,
        gpointer           user_data)
{
  MdCheckRun *run = md_check_context_get_run (context);
  JsonObject *details = md_check_get_details (md_check_context_get_check (context));
  g_autofree char *summary = NULL;
  const MdDnsRecord *record = NULL;
  ImprintCall *call;

  if (md_dns_answer_is_failure (answer))
    {
      g_autofree char *why = md_check_describe_failure (answer);

      json_object_set_string_member (details, "reason", md_dns_status_to_string (answer->status));
      /* Translators: %s says why the DNS lookup failed */
      summary = g_strdup_printf (_("Could not decide: the PTR lookup failed (%s)."), why);
      md_check_context_finish (context, MD_CHECK_STATUS_ERROR, summary, NULL);
      return;
    }

  for (guint i = 0; answer->status == MD_DNS_STATUS_OK && i < answer->records->len; i++)
    {
      const MdDnsRecord *candidate = g_ptr_array_index (answer->records, i);

      if (candidate->target != NULL && candidate->target[0] != '\0')
        {
          record = candidate;
          break;
        }
    }

  if (record == NULL)
    {
      json_object_set_string_member (details, "outcome", "no-ptr");
      json_object_set_string_member (details, "reason", "no-ptr");
      md_check_context_finish (context, MD_CHECK_STATUS_WARNING,
                               _("The address has no PTR name, so it leads to no website with "
                                 "an imprint: T-Online rejects such servers (rule 4.1)."),
                               rule_remedy ());
      return;
    }

  json_object_set_string_member (details, "ptr", record->target);
  call = g_new0 (ImprintCall, 1);
  call->context = context;
  call->cancellable = g_object_ref (md_check_context_get_cancellable (context));
  md_imprint_check_async (md_check_run_get_http (run), record->target, call->cancellable,
                          imprint_cb, call);
}

static void
imprint_start (MdCheckContext *context)
{
  const MdCheckSubject *subject = md_check_context_get_subject (context);
  g_autoptr(GInetAddress) address = md_check_subject_get_address (subject);
  g_autofree char *name = md_dns_reverse_name (address, NULL);

  md_check_context_query (context, name, MD_DNS_TYPE_PTR, ptr_cb, NULL);
}

static void
imprint_populate (MdCheckRun *run)
{
  g_autoptr(MdCheck) check = NULL;
  JsonObject *details;

  if (md_check_run_get_http (run) == NULL)
    return;

  check = md_check_new ("imprint", "imprint", _("Imprint (T-Online rule 4.1)"));
  md_check_set_group (check, "sender");
  md_check_set_weight (check, 30);
  details = md_check_get_details (check);
  json_object_set_null_member (details, "ptr");
  json_object_set_null_member (details, "outcome");
  json_object_set_null_member (details, "imprint_url");

  md_check_run_add_check (run, check, imprint_start, NULL, NULL);
}

const MdCheckProvider md_check_provider_imprint = {
  "imprint",
  imprint_populate,
};
