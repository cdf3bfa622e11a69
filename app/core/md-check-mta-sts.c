/* md-check-mta-sts.c — the sending domain's MTA-STS policy ("mta-sts")
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-check-private.h"
#include "md-mta-sts-fetch.h"

/* md_mta_sts_fetch_async() (RFC 8461 3.3: the TXT record, the policy over
 * HTTPS, the MX hosts against its patterns) asks its DNS questions through
 * md_check_context_new_dns_source(), like the SPF check. */

static char *
join_messages (GPtrArray *warnings)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; warnings != NULL && i < warnings->len; i++)
    {
      const MdRecordWarning *warning = g_ptr_array_index (warnings, i);

      if (text->len > 0)
        g_string_append_c (text, ' ');
      g_string_append (text, warning->message);
    }

  return g_strdup (text->str);
}

static void
fill_details (JsonObject           *details,
              const MdMtaStsResult *result)
{
  JsonArray *mx = json_array_new ();

  json_object_set_string_member (details, "outcome", md_web_outcome_to_string (result->outcome));
  if (result->record != NULL && result->record->id != NULL)
    json_object_set_string_member (details, "id", result->record->id);
  else
    json_object_set_null_member (details, "id");
  if (result->policy_url != NULL)
    json_object_set_string_member (details, "policy_url", result->policy_url);
  else
    json_object_set_null_member (details, "policy_url");

  if (result->policy != NULL)
    {
      JsonArray *patterns = json_array_new ();

      json_object_set_string_member (details, "mode",
                                     md_mta_sts_mode_to_string (result->policy->mode));
      json_object_set_int_member (details, "max_age", result->policy->max_age);
      for (guint i = 0; result->policy->mx != NULL && result->policy->mx[i] != NULL; i++)
        json_array_add_string_element (patterns, result->policy->mx[i]);
      json_object_set_array_member (details, "patterns", patterns);
    }
  else
    {
      json_object_set_null_member (details, "mode");
    }

  for (guint i = 0; result->mx != NULL && i < result->mx->len; i++)
    {
      const MdMtaStsMxMatch *match = g_ptr_array_index (result->mx, i);
      JsonObject *object = json_object_new ();

      json_object_set_string_member (object, "host", match->host);
      json_object_set_int_member (object, "preference", match->preference);
      if (match->pattern != NULL)
        json_object_set_string_member (object, "pattern", match->pattern);
      else
        json_object_set_null_member (object, "pattern");
      json_array_add_object_element (mx, object);
    }
  json_object_set_array_member (details, "mx", mx);
  json_object_set_array_member (details, "errors", md_check_json_warnings (result->errors));
  json_object_set_array_member (details, "warnings", md_check_json_warnings (result->warnings));
  json_object_set_array_member (details, "notes", md_check_json_warnings (result->notes));
}

static void
fetch_cb (GObject      *object,
          GAsyncResult *res,
          gpointer      user_data)
{
  MdCheckContext *context;
  g_autoptr(MdMtaStsResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *messages = NULL;
  JsonObject *details;
  const char *domain;

  result = md_mta_sts_fetch_finish (res, &error);
  context = md_check_call_end (user_data);
  if (context == NULL)
    return;

  domain = md_check_context_get_subject (context)->domain;
  details = md_check_get_details (md_check_context_get_check (context));

  if (result == NULL)
    {
      json_object_set_string_member (details, "outcome", "undecided");
      /* Translators: %s is a technical error message */
      summary = g_strdup_printf (_("Could not decide: %s."), error->message);
      md_check_context_finish (context, MD_CHECK_STATUS_ERROR, summary, NULL);
      return;
    }

  fill_details (details, result);

  switch (result->outcome)
    {
    case MD_WEB_OUTCOME_ABSENT:
      /* Translators: a domain */
      summary = g_strdup_printf (_("%s publishes no MTA-STS policy. Optional: it makes other "
                                   "servers insist on TLS when they send mail to you."), domain);
      md_check_context_finish (context, MD_CHECK_STATUS_INFO, summary, NULL);
      return;

    case MD_WEB_OUTCOME_VALID:
      if (result->warnings != NULL && result->warnings->len > 0)
        {
          messages = join_messages (result->warnings);
          /* Translators: the policy mode ("enforce", "testing", "none"),
           * then one or more sentences about what to look at */
          summary = g_strdup_printf (_("MTA-STS policy in mode %s, with remarks: %s"),
                                     md_mta_sts_mode_to_string (result->policy->mode), messages);
          md_check_context_finish (context, MD_CHECK_STATUS_WARNING, summary,
                                   _("Once TLS reports show no failures, set “mode: enforce”, "
                                     "and list every MX host in the policy."));
          return;
        }
      /* Translators: the policy mode ("enforce"), then the number of MX hosts */
      summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "MTA-STS policy in mode %s; it covers the %u MX "
                                              "host.",
                                              "MTA-STS policy in mode %s; it covers all %u MX "
                                              "hosts.",
                                              result->mx != NULL ? result->mx->len : 0),
                                 md_mta_sts_mode_to_string (result->policy->mode),
                                 result->mx != NULL ? result->mx->len : 0);
      md_check_context_finish (context, MD_CHECK_STATUS_OK, summary, NULL);
      return;

    case MD_WEB_OUTCOME_INVALID:
      messages = join_messages (result->errors);
      /* Translators: %s is one or more sentences saying what is wrong */
      summary = g_strdup_printf (_("The MTA-STS policy is broken: %s Sending servers that "
                                   "honour MTA-STS may stop delivering to you."), messages);
      md_check_context_finish (context, MD_CHECK_STATUS_PROBLEM, summary,
                               _("Serve the policy at https://mta-sts.<domain>/.well-known/"
                                 "mta-sts.txt as text/plain with a valid certificate and no "
                                 "redirect, list every MX host, and change the id in the "
                                 "_mta-sts record after each change."));
      return;

    case MD_WEB_OUTCOME_UNDECIDED:
    default:
      messages = join_messages (result->errors);
      /* Translators: %s says why (a failed lookup or connection) */
      summary = g_strdup_printf (_("Could not decide: %s"), messages);
      md_check_context_finish (context, MD_CHECK_STATUS_ERROR, summary, NULL);
      return;
    }
}

static void
mta_sts_start (MdCheckContext *context)
{
  MdCheckRun *run = md_check_context_get_run (context);
  g_autoptr(MdDnsSource) source = md_check_context_new_dns_source (context);
  MdCheckCall *call = md_check_call_new (context);

  md_mta_sts_fetch_async (source, md_check_run_get_http (run),
                          md_check_context_get_subject (context)->domain, NULL,
                          md_check_call_get_cancellable (call), fetch_cb, call);
}

static void
mta_sts_populate (MdCheckRun *run)
{
  const MdCheckSubject *subject = md_check_run_get_subject (run);
  g_autoptr(MdCheck) check = NULL;
  JsonObject *details;

  if (subject->domain == NULL || md_check_run_get_http (run) == NULL)
    return;

  check = md_check_new ("mta-sts", "mta-sts", _("MTA-STS"));
  md_check_set_group (check, "sender");
  md_check_set_weight (check, 20);
  details = md_check_get_details (check);
  json_object_set_string_member (details, "domain", subject->domain);
  json_object_set_null_member (details, "outcome");

  md_check_run_add_check (run, check, mta_sts_start, NULL, NULL);
}

const MdCheckProvider md_check_provider_mta_sts = {
  "mta-sts",
  mta_sts_populate,
};
