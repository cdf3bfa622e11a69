/* md-check-spf.c — does the sending domain's SPF policy allow the IP ("spf")
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-check-private.h"
#include "md-spf.h"

/* The SPF evaluator (md-spf.c) follows includes and redirects itself; it
 * asks through md_check_context_new_dns_source(), so its questions count
 * against the run's bound like every other check's, and the run's
 * cancellable stops it at the deadline or on cancellation. */

typedef struct
{
  MdCheckContext *context;      /* not to be touched once @cancellable is cancelled */
  GCancellable   *cancellable;
} SpfCall;

static const char *
remedy_for_problem (const char *id)
{
  if (g_str_equal (id, "near-lookup-limit"))
    return _("Replace include: terms by the ip4:/ip6: ranges they stand for, or drop services "
             "you no longer send through, to stay well below 10 DNS lookups.");
  if (g_str_equal (id, "plus-all"))
    return _("End the record in “-all” (or “~all” while testing): “+all” lets anyone send "
             "mail in the domain’s name.");
  if (g_str_equal (id, "ptr"))
    return _("Replace “ptr” by ip4:, ip6: or a: terms for your mail servers.");
  if (g_str_equal (id, "spf-rr-only"))
    return _("Publish the same policy as a TXT record at the domain.");
  if (g_str_equal (id, "multiple-records"))
    return _("Merge the SPF records into one TXT record beginning with “v=spf1”.");
  if (g_str_equal (id, "void-lookups"))
    return _("Remove terms that name hosts or domains which no longer exist.");

  return NULL;
}

static char *
join_remedies (GPtrArray *problems)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; problems != NULL && i < problems->len; i++)
    {
      const MdSpfProblem *problem = g_ptr_array_index (problems, i);
      const char *remedy = remedy_for_problem (problem->id);

      if (remedy == NULL || strstr (text->str, remedy) != NULL)
        continue;
      if (text->len > 0)
        g_string_append_c (text, ' ');
      g_string_append (text, remedy);
    }

  return text->len > 0 ? g_strdup (text->str) : NULL;
}

static char *
join_problems (GPtrArray *problems)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; problems != NULL && i < problems->len; i++)
    {
      const MdSpfProblem *problem = g_ptr_array_index (problems, i);

      if (text->len > 0)
        g_string_append_c (text, ' ');
      g_string_append (text, problem->message);
    }

  return g_strdup (text->str);
}

static void
fill_details (JsonObject        *details,
              const MdSpfResult *result)
{
  g_autoptr(JsonArray) problems = json_array_new ();

  json_object_set_string_member (details, "result", md_spf_verdict_to_string (result->verdict));
  if (result->mechanism != NULL)
    json_object_set_string_member (details, "mechanism", result->mechanism);
  else
    json_object_set_null_member (details, "mechanism");
  if (result->mechanism_domain != NULL)
    json_object_set_string_member (details, "mechanism_domain", result->mechanism_domain);
  else
    json_object_set_null_member (details, "mechanism_domain");
  if (result->explanation != NULL)
    json_object_set_string_member (details, "explanation", result->explanation);
  else
    json_object_set_null_member (details, "explanation");
  if (result->reason != NULL)
    json_object_set_string_member (details, "reason", result->reason);
  else
    json_object_set_null_member (details, "reason");
  json_object_set_int_member (details, "dns_lookups", result->dns_lookups);
  json_object_set_int_member (details, "void_lookups", result->void_lookups);

  for (guint i = 0; result->problems != NULL && i < result->problems->len; i++)
    {
      const MdSpfProblem *problem = g_ptr_array_index (result->problems, i);
      JsonObject *object = json_object_new ();

      json_object_set_string_member (object, "id", problem->id);
      json_object_set_string_member (object, "message", problem->message);
      json_array_add_object_element (problems, object);
    }
  json_object_set_array_member (details, "problems", g_steal_pointer (&problems));
  json_object_set_array_member (details, "trace", md_check_json_string_array (result->trace));
}

static void
spf_cb (GObject      *object,
        GAsyncResult *res,
        gpointer      user_data)
{
  SpfCall *call = user_data;
  g_autoptr(GCancellable) cancellable = call->cancellable;
  MdCheckContext *context = call->context;
  g_autoptr(MdSpfResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *remedy = NULL;
  g_autofree char *problems = NULL;
  const MdCheckSubject *subject;
  JsonObject *details;
  const char *why;

  g_free (call);
  result = md_spf_check_finish (res, &error);
  if (g_cancellable_is_cancelled (cancellable) || md_check_context_is_finished (context))
    return;

  subject = md_check_context_get_subject (context);
  details = md_check_get_details (md_check_context_get_check (context));

  if (result == NULL)
    {
      /* The evaluator's only error is cancellation, and ours is not
       * cancelled: still, never let that pass as a result. */
      json_object_set_string_member (details, "result", "temperror");
      json_object_set_string_member (details, "reason", error->message);
      /* Translators: %s is a technical error message */
      summary = g_strdup_printf (_("Could not decide: %s."), error->message);
      md_check_context_finish (context, MD_CHECK_STATUS_ERROR, summary, NULL);
      return;
    }

  fill_details (details, result);
  md_check_set_fact (md_check_context_get_check (context), MD_CHECK_FACT_SPF_RESULT, md_spf_verdict_to_string (result->verdict));
  problems = join_problems (result->problems);
  remedy = join_remedies (result->problems);
  why = result->reason != NULL ? result->reason : "";

  switch (result->verdict)
    {
    case MD_SPF_VERDICT_PASS:
      if (result->problems != NULL && result->problems->len > 0)
        {
          /* Translators: an IP address, a domain, the SPF term that matched,
           * then one or more sentences about what to fix */
          summary = g_strdup_printf (_("SPF passes for %s at %s (“%s”), but the record needs "
                                       "attention: %s"),
                                     subject->ip, subject->domain,
                                     result->mechanism ? result->mechanism : "", problems);
          md_check_context_finish (context, MD_CHECK_STATUS_WARNING, summary, remedy);
          return;
        }
      /* Translators: an IP address, a domain, the SPF term that matched, the
       * number of DNS lookups, then the limit (10) */
      summary = g_strdup_printf (_("SPF passes for %s at %s (“%s”; %u of %u DNS lookups)."),
                                 subject->ip, subject->domain,
                                 result->mechanism ? result->mechanism : "",
                                 result->dns_lookups, MD_SPF_MAX_DNS_LOOKUPS);
      md_check_context_finish (context, MD_CHECK_STATUS_OK, summary, NULL);
      return;

    case MD_SPF_VERDICT_FAIL:
    case MD_SPF_VERDICT_SOFTFAIL:
      if (result->mechanism != NULL)
        /* Translators: a domain, an IP address, "fail" or "softfail", the
         * SPF term that decided */
        summary = g_strdup_printf (_("The SPF policy of %s does not allow %s to send: %s "
                                     "(“%s”)."),
                                   subject->domain, subject->ip,
                                   md_spf_verdict_to_string (result->verdict), result->mechanism);
      else
        /* Translators: a domain, an IP address, "fail" or "softfail" */
        summary = g_strdup_printf (_("The SPF policy of %s does not allow %s to send: %s."),
                                   subject->domain, subject->ip,
                                   md_spf_verdict_to_string (result->verdict));
      if (problems[0] != '\0')
        {
          g_autofree char *longer = g_strconcat (summary, " ", problems, NULL);
          g_free (summary);
          summary = g_steal_pointer (&longer);
        }
      {
        g_autofree char *add = NULL;

        /* Translators: an IP address, then a domain */
        add = g_strdup_printf (_("Add %s (as ip4: or ip6:) to the SPF record of %s, or send "
                                 "through a server it lists."), subject->ip, subject->domain);
        if (remedy != NULL)
          {
            g_autofree char *both = g_strconcat (add, " ", remedy, NULL);
            md_check_context_finish (context, MD_CHECK_STATUS_PROBLEM, summary, both);
          }
        else
          md_check_context_finish (context, MD_CHECK_STATUS_PROBLEM, summary, add);
      }
      return;

    case MD_SPF_VERDICT_NEUTRAL:
      /* Translators: a domain, then an IP address */
      summary = g_strdup_printf (_("The SPF policy of %s says neither yes nor no for %s "
                                   "(neutral): receivers treat the mail as if there were no "
                                   "SPF."), subject->domain, subject->ip);
      md_check_context_finish (context, MD_CHECK_STATUS_WARNING, summary,
                               _("List your mail servers in the SPF record and end it in "
                                 "“-all” or “~all”."));
      return;

    case MD_SPF_VERDICT_NONE:
      /* Translators: %s says why there is no SPF result, e.g. "example.org
       * publishes no SPF record" */
      summary = g_strdup_printf (_("No SPF policy: %s. Microsoft, Google and Yahoo reject or "
                                   "junk much mail without SPF."), why);
      if (problems[0] != '\0')
        {
          g_autofree char *longer = g_strconcat (summary, " ", problems, NULL);
          g_free (summary);
          summary = g_steal_pointer (&longer);
        }
      {
        g_autofree char *add = NULL;

        /* Translators: a domain, then an IP address */
        add = g_strdup_printf (_("Publish a TXT record at %s such as “v=spf1 ip4:%s -all” "
                                 "that lists every server sending for the domain."),
                               subject->domain, subject->ip);
        md_check_context_finish (context, MD_CHECK_STATUS_PROBLEM, summary, add);
      }
      return;

    case MD_SPF_VERDICT_PERMERROR:
      /* Translators: %s says what is wrong with the record */
      summary = g_strdup_printf (_("The SPF policy is broken (permerror): %s. Receivers treat "
                                   "that like a failure."), why);
      md_check_context_finish (context, MD_CHECK_STATUS_PROBLEM, summary,
                               remedy != NULL ? remedy
                                              : _("Correct the SPF record: there must be "
                                                  "exactly one valid “v=spf1” TXT record, "
                                                  "needing at most 10 DNS lookups."));
      return;

    case MD_SPF_VERDICT_TEMPERROR:
    default:
      /* Translators: %s says which DNS lookup failed */
      summary = g_strdup_printf (_("Could not decide: a DNS lookup for the SPF policy failed "
                                   "(%s)."), why);
      md_check_context_finish (context, MD_CHECK_STATUS_ERROR, summary, NULL);
      return;
    }
}

static void
prefetch_cb (MdCheckContext    *context,
             const MdDnsAnswer *answer,
             gpointer           user_data)
{
}

static void
spf_start (MdCheckContext *context)
{
  const MdCheckSubject *subject = md_check_context_get_subject (context);
  g_autoptr(MdDnsSource) source = md_check_context_new_dns_source (context);
  g_autoptr(GInetAddress) ip = md_check_subject_get_address (subject);
  g_autofree char *sender = g_strdup_printf ("postmaster@%s", subject->domain);
  SpfCall *call = g_new0 (SpfCall, 1);

  call->context = context;
  call->cancellable = g_object_ref (md_check_context_get_cancellable (context));

  /* The evaluator asks the obsolete SPF type (RFC 7208 §3.1, 14.1) only
   * after the TXT answer; asked now, with the TXT question, its answer is
   * waiting in the run's cache by then: one round trip less for a domain
   * without an SPF record. */
  md_check_context_query (context, subject->domain, MD_DNS_TYPE_SPF, prefetch_cb, NULL);

  /* RFC 7208 2.3: the HELO name is part of the check only for macros; the
   * sending domain stands in when the user gave none. */
  md_spf_check_async (source, ip, sender,
                      subject->helo != NULL ? subject->helo : subject->domain,
                      call->cancellable, spf_cb, call);
}

static void
spf_populate (MdCheckRun *run)
{
  const MdCheckSubject *subject = md_check_run_get_subject (run);
  g_autoptr(MdCheck) check = NULL;
  g_autofree char *sender = NULL;
  JsonObject *details;

  if (subject->domain == NULL)
    return;

  check = md_check_new ("spf", "spf", _("SPF"));
  md_check_set_group (check, "sender");
  md_check_set_weight (check, 38);
  sender = g_strdup_printf ("postmaster@%s", subject->domain);
  details = md_check_get_details (check);
  json_object_set_string_member (details, "domain", subject->domain);
  json_object_set_string_member (details, "sender", sender);
  json_object_set_string_member (details, "ip", subject->ip);
  json_object_set_null_member (details, "result");
  json_object_set_int_member (details, "dns_lookup_limit", MD_SPF_MAX_DNS_LOOKUPS);

  md_check_run_add_check (run, check, spf_start, NULL, NULL);
}

const MdCheckProvider md_check_provider_spf = {
  "spf",
  spf_populate,
};
