/* md-check-dmarc.c — the sending domain's DMARC policy ("dmarc")
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-check-private.h"
#include "md-dmarc.h"

/* md_dmarc_discover() walks the tree through a synchronous lookup
 * callback. The walk visits at most 8 known names (md_dmarc_discovery_names),
 * so we ask all of them at once through the run and then let the walk read
 * the answers: the same result, without blocking the main loop. */

typedef struct
{
  char             *domain;
  GStrv             names;        /* _dmarc.<…> names the walk may visit */
  GHashTable       *answers;      /* name → MdDnsAnswer* */
  guint             pending;
  MdDmarcDiscovery *discovery;
  GPtrArray        *destinations; /* of char*: external report domains to authorise */
  JsonArray        *authorizations;
  guint             unauthorized;
  GString          *unauthorized_names;
  guint             auth_failed;
} Dmarc;

static void
dmarc_free (Dmarc *self)
{
  g_free (self->domain);
  g_strfreev (self->names);
  g_clear_pointer (&self->answers, g_hash_table_unref);
  g_clear_pointer (&self->discovery, md_dmarc_discovery_free);
  g_clear_pointer (&self->destinations, g_ptr_array_unref);
  g_clear_pointer (&self->authorizations, json_array_unref);
  if (self->unauthorized_names != NULL)
    g_string_free (self->unauthorized_names, TRUE);
  g_free (self);
}

static GStrv
txt_strings (const MdDnsAnswer *answer)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; answer->records != NULL && i < answer->records->len; i++)
    {
      const MdDnsRecord *record = g_ptr_array_index (answer->records, i);

      if (record->text != NULL)
        g_strv_builder_add (builder, record->text);
    }

  return g_strv_builder_end (builder);
}

static MdDmarcLookupResult
cached_lookup (const char  *qname,
               GStrv       *txts,
               char       **failure,
               gpointer     user_data)
{
  Dmarc *self = user_data;
  const MdDnsAnswer *answer = g_hash_table_lookup (self->answers, qname);

  if (answer == NULL)
    {
      *failure = g_strdup (_("not asked"));
      return MD_DMARC_LOOKUP_FAILED;
    }
  if (md_dns_answer_is_failure (answer))
    {
      *failure = md_check_describe_failure (answer);
      return MD_DMARC_LOOKUP_FAILED;
    }
  if (answer->status != MD_DNS_STATUS_OK)
    return MD_DMARC_LOOKUP_NONE;

  *txts = txt_strings (answer);
  return MD_DMARC_LOOKUP_FOUND;
}

static const char *
policy_label (MdDmarcPolicy policy)
{
  return md_dmarc_policy_to_string (policy);
}

/* What alignment means for this sender, for the details and the remedy. */
static char *
describe_alignment (const char          *domain,
                    const char          *org_domain,
                    const MdDmarcRecord *record)
{
  const char *org = org_domain != NULL ? org_domain : domain;
  gboolean spf_strict = record != NULL && record->aspf == MD_DMARC_ALIGNMENT_STRICT;
  gboolean dkim_strict = record != NULL && record->adkim == MD_DMARC_ALIGNMENT_STRICT;
  g_autofree char *spf = NULL;
  g_autofree char *dkim = NULL;

  if (spf_strict)
    /* Translators: a domain */
    spf = g_strdup_printf (_("SPF counts only when the envelope sender (Return-Path) domain is "
                             "exactly %s (aspf=s)."), domain);
  else
    /* Translators: a domain, then its organizational domain */
    spf = g_strdup_printf (_("SPF counts when the envelope sender (Return-Path) domain is %s "
                             "or another name under %s (aspf=r)."), domain, org);
  if (dkim_strict)
    /* Translators: a domain */
    dkim = g_strdup_printf (_("DKIM counts only for a signature with d=%s (adkim=s)."), domain);
  else
    /* Translators: a domain, then its organizational domain */
    dkim = g_strdup_printf (_("DKIM counts for a signature with d=%s or another name under %s "
                              "(adkim=r)."), domain, org);

  /* Translators: a domain, then two sentences about SPF and DKIM */
  return g_strdup_printf (_("DMARC passes for mail with From: …@%s when SPF or DKIM passes for "
                            "a domain aligned with it. %s %s A newsletter service or relay that "
                            "uses its own Return-Path and signs with its own d= passes SPF and "
                            "DKIM, but not DMARC."), domain, spf, dkim);
}

static JsonArray *
uris_json (GPtrArray *uris)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; uris != NULL && i < uris->len; i++)
    {
      const MdDmarcUri *uri = g_ptr_array_index (uris, i);
      json_array_add_string_element (array, uri->uri);
    }

  return array;
}

static void
conclude (MdCheckContext *context)
{
  Dmarc *self = md_check_context_get_data (context);
  JsonObject *details = md_check_get_details (md_check_context_get_check (context));
  const MdDmarcDiscovery *discovery = self->discovery;
  const MdDmarcRecord *record = discovery->record;
  g_autofree char *alignment = describe_alignment (self->domain, discovery->org_domain, record);
  g_autofree char *summary = NULL;
  g_autofree char *remedy = NULL;
  g_autoptr(GString) extra = g_string_new (NULL);
  MdDmarcPolicy policy = md_dmarc_discovery_policy_for (discovery, TRUE);
  MdCheckStatus status = MD_CHECK_STATUS_OK;

  json_object_set_array_member (details, "report_authorization",
                                g_steal_pointer (&self->authorizations));
  json_object_set_string_member (details, "alignment", alignment);

  if (self->unauthorized > 0)
    {
      status = MD_CHECK_STATUS_WARNING;
      g_string_append_c (extra, ' ');
      /* Translators: %s is one or more DNS names, e.g.
       * "example.org._report._dmarc.reports.example.net" */
      g_string_append_printf (extra, _("An external report address has not agreed to take the "
                                       "reports (no v=DMARC1 record at %s): receivers send it "
                                       "nothing."), self->unauthorized_names->str);
    }
  if (self->auth_failed > 0)
    {
      status = MD_CHECK_STATUS_WARNING;
      g_string_append_c (extra, ' ');
      g_string_append (extra, _("Whether an external report address takes the reports could "
                                "not be checked: the lookup failed."));
    }
  if (record->testing || record->policy_fallback)
    status = MD_CHECK_STATUS_WARNING;
  if (record->testing)
    {
      g_string_append_c (extra, ' ');
      g_string_append (extra, _("The record is in test mode (t=y): receivers apply one policy "
                                "level less."));
    }
  if (record->policy_fallback)
    {
      g_string_append_c (extra, ' ');
      g_string_append (extra, _("Its policy value is invalid, so receivers read it as p=none."));
    }

  if (policy == MD_DMARC_POLICY_NONE)
    {
      /* Translators: the domain where the DMARC record was found */
      summary = g_strdup_printf (_("DMARC is only monitoring (p=none, at %s): receivers do not "
                                   "act on failures, and Microsoft, Google and Yahoo count that "
                                   "as weak protection.%s"),
                                 discovery->policy_domain, extra->str);
      remedy = g_strdup_printf ("%s %s",
                                _("Once the aggregate reports show that all your mail passes, "
                                  "raise the policy to p=quarantine, then p=reject."),
                                alignment);
      md_check_context_finish (context, MD_CHECK_STATUS_WARNING, summary, remedy);
      return;
    }

  if (discovery->inherited)
    /* Translators: a policy ("quarantine", "reject"), then the parent domain
     * whose record applies; then further sentences (or nothing) */
    summary = g_strdup_printf (_("DMARC policy %s, inherited from %s.%s"),
                               policy_label (policy), discovery->policy_domain, extra->str);
  else if (record->rua == NULL || record->rua->len == 0)
    /* Translators: a policy ("quarantine", "reject"); then further
     * sentences (or nothing) */
    summary = g_strdup_printf (_("DMARC policy %s; no aggregate reports requested (rua).%s"),
                               policy_label (policy), extra->str);
  else
    /* Translators: a policy ("quarantine", "reject"), then the number of
     * aggregate report addresses; then further sentences (or nothing) */
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "DMARC policy %s, %u aggregate report address.%s",
                                            "DMARC policy %s, %u aggregate report addresses.%s",
                                            record->rua->len),
                               policy_label (policy), record->rua->len, extra->str);

  if (status != MD_CHECK_STATUS_OK)
    remedy = g_strdup_printf ("%s %s",
                              self->unauthorized > 0
                                ? _("Ask the report receiver to publish the authorisation "
                                    "record, or remove the address from rua/ruf.")
                                : _("Correct the DMARC record."),
                              alignment);

  md_check_context_finish (context, status, summary, remedy);
}

static void
authorization_cb (MdCheckContext    *context,
                  const MdDnsAnswer *answer,
                  gpointer           user_data)
{
  Dmarc *self = md_check_context_get_data (context);
  const char *destination = user_data;
  JsonObject *object = json_object_new ();
  g_autofree char *name = md_dmarc_report_authorization_name (self->discovery->policy_domain,
                                                              destination);

  json_object_set_string_member (object, "destination", destination);
  json_object_set_string_member (object, "name", name);
  if (md_dns_answer_is_failure (answer))
    {
      g_autofree char *why = md_check_describe_failure (answer);

      json_object_set_null_member (object, "authorized");
      json_object_set_string_member (object, "reason", why);
      self->auth_failed++;
    }
  else
    {
      g_auto(GStrv) txts = answer->status == MD_DNS_STATUS_OK ? txt_strings (answer) : NULL;
      gboolean ok = md_dmarc_report_authorization_ok ((const char * const *) txts);

      json_object_set_boolean_member (object, "authorized", ok);
      if (!ok)
        {
          self->unauthorized++;
          if (self->unauthorized_names->len > 0)
            g_string_append (self->unauthorized_names, ", ");
          g_string_append (self->unauthorized_names, name);
        }
    }
  json_array_add_object_element (self->authorizations, object);

  if (--self->pending == 0)
    conclude (context);
}

static void
add_destinations (Dmarc     *self,
                  GPtrArray *uris)
{
  const char *org = self->discovery->org_domain != NULL ? self->discovery->org_domain
                                                        : self->discovery->policy_domain;

  for (guint i = 0; uris != NULL && i < uris->len; i++)
    {
      const MdDmarcUri *uri = g_ptr_array_index (uris, i);

      if (uri->domain == NULL || !md_dmarc_report_needs_authorization (org, uri->domain))
        continue;
      if (g_ptr_array_find_with_equal_func (self->destinations, uri->domain, g_str_equal, NULL))
        continue;
      g_ptr_array_add (self->destinations, g_strdup (uri->domain));
    }
}

static void
discover (MdCheckContext *context)
{
  Dmarc *self = md_check_context_get_data (context);
  JsonObject *details = md_check_get_details (md_check_context_get_check (context));
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *alignment = NULL;
  const MdDmarcRecord *record;

  self->discovery = md_dmarc_discover (self->domain, cached_lookup, self, &error);
  if (self->discovery == NULL)
    {
      json_object_set_string_member (details, "reason", error->message);
      md_check_context_finish (context, MD_CHECK_STATUS_ERROR, error->message, NULL);
      return;
    }

  json_object_set_array_member (details, "notes", md_check_json_warnings (self->discovery->notes));
  if (self->discovery->org_domain != NULL)
    json_object_set_string_member (details, "org_domain", self->discovery->org_domain);
  else
    json_object_set_null_member (details, "org_domain");

  record = self->discovery->record;
  if (record == NULL)
    {
      alignment = describe_alignment (self->domain, self->discovery->org_domain, NULL);
      json_object_set_string_member (details, "alignment", alignment);
      json_object_set_null_member (details, "policy");

      if (self->discovery->notes != NULL && self->discovery->notes->len > 0)
        {
          const MdRecordWarning *note = g_ptr_array_index (self->discovery->notes, 0);

          /* Translators: %s says which record is unusable and why */
          summary = g_strdup_printf (_("No usable DMARC policy: %s"), note->message);
          json_object_set_string_member (details, "reason", "invalid-record");
          md_check_context_finish (context, MD_CHECK_STATUS_PROBLEM, summary,
                                   _("Correct the TXT record at _dmarc.<domain>: one record, "
                                     "beginning with “v=DMARC1;”, for example "
                                     "“v=DMARC1; p=none; rua=mailto:dmarc@<domain>”."));
          return;
        }

      /* Translators: a domain */
      summary = g_strdup_printf (_("%s publishes no DMARC policy: receivers decide on their "
                                   "own, and Google and Yahoo require one from bulk senders."),
                                 self->domain);
      json_object_set_string_member (details, "reason", "no-record");
      {
        g_autofree char *remedy = NULL;

        /* Translators: a domain (twice), then the alignment explanation */
        remedy = g_strdup_printf (_("Publish a TXT record at _dmarc.%s, starting with "
                                    "“v=DMARC1; p=none; rua=mailto:dmarc@%s” to collect "
                                    "reports. %s"), self->domain, self->domain, alignment);
        md_check_context_finish (context, MD_CHECK_STATUS_WARNING, summary, remedy);
      }
      return;
    }

  json_object_set_string_member (details, "record", record->text);
  json_object_set_string_member (details, "policy_domain", self->discovery->policy_domain);
  json_object_set_boolean_member (details, "inherited", self->discovery->inherited);
  json_object_set_string_member (details, "policy",
                                 policy_label (md_dmarc_discovery_policy_for (self->discovery,
                                                                              TRUE)));
  md_check_set_fact (md_check_context_get_check (context), MD_CHECK_FACT_DMARC_POLICY,
                     policy_label (md_dmarc_discovery_policy_for (self->discovery, TRUE)));
  json_object_set_string_member (details, "p", policy_label (record->policy));
  json_object_set_string_member (details, "sp", policy_label (record->subdomain_policy));
  json_object_set_string_member (details, "np", policy_label (record->nonexistent_policy));
  json_object_set_string_member (details, "adkim", md_dmarc_alignment_to_string (record->adkim));
  json_object_set_string_member (details, "aspf", md_dmarc_alignment_to_string (record->aspf));
  json_object_set_boolean_member (details, "testing", record->testing);
  json_object_set_array_member (details, "rua", uris_json (record->rua));
  json_object_set_array_member (details, "ruf", uris_json (record->ruf));
  json_object_set_array_member (details, "warnings", md_check_json_warnings (record->warnings));

  self->destinations = g_ptr_array_new_with_free_func (g_free);
  self->authorizations = json_array_new ();
  self->unauthorized_names = g_string_new (NULL);
  add_destinations (self, record->rua);
  add_destinations (self, record->ruf);

  if (self->destinations->len == 0)
    {
      conclude (context);
      return;
    }

  self->pending = self->destinations->len;
  for (guint i = 0; i < self->destinations->len; i++)
    {
      const char *destination = g_ptr_array_index (self->destinations, i);
      g_autofree char *name = md_dmarc_report_authorization_name (self->discovery->policy_domain,
                                                                  destination);

      md_check_context_query (context, name, MD_DNS_TYPE_TXT, authorization_cb,
                              (gpointer) destination);
    }
}

static void
txt_cb (MdCheckContext    *context,
        const MdDnsAnswer *answer,
        gpointer           user_data)
{
  Dmarc *self = md_check_context_get_data (context);

  g_hash_table_replace (self->answers, g_strdup (user_data), md_dns_answer_copy (answer));
  if (--self->pending == 0)
    discover (context);
}

static void
dmarc_start (MdCheckContext *context)
{
  Dmarc *self = md_check_context_get_data (context);

  self->pending = g_strv_length (self->names);
  for (guint i = 0; self->names[i] != NULL; i++)
    md_check_context_query (context, self->names[i], MD_DNS_TYPE_TXT, txt_cb, self->names[i]);
}

static void
dmarc_invalid_start (MdCheckContext *context)
{
  const char *message = md_check_context_get_data (context);

  md_check_context_finish (context, MD_CHECK_STATUS_ERROR, message, NULL);
}

static void
dmarc_populate (MdCheckRun *run)
{
  const MdCheckSubject *subject = md_check_run_get_subject (run);
  g_autoptr(MdCheck) check = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;
  JsonObject *details;
  Dmarc *self;

  if (subject->domain == NULL)
    return;

  check = md_check_new ("dmarc", "dmarc", _("DMARC"));
  md_check_set_group (check, "sender");
  md_check_set_weight (check, 36);
  details = md_check_get_details (check);
  json_object_set_string_member (details, "domain", subject->domain);
  json_object_set_null_member (details, "policy");

  names = md_dmarc_discovery_names (subject->domain, &error);
  if (names == NULL)
    {
      g_autofree char *message = NULL;

      /* Translators: %s is a technical error message */
      message = g_strdup_printf (_("Could not decide: %s"), error->message);
      md_check_run_add_check (run, check, dmarc_invalid_start, g_steal_pointer (&message),
                              g_free);
      return;
    }
  json_object_set_array_member (details, "queried",
                                md_check_json_string_array (NULL));
  for (guint i = 0; names[i] != NULL; i++)
    json_array_add_string_element (json_object_get_array_member (details, "queried"), names[i]);

  self = g_new0 (Dmarc, 1);
  self->domain = g_strdup (subject->domain);
  self->names = g_steal_pointer (&names);
  self->answers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) md_dns_answer_free);

  md_check_run_add_check (run, check, dmarc_start, self, (GDestroyNotify) dmarc_free);
}

const MdCheckProvider md_check_provider_dmarc = {
  "dmarc",
  dmarc_populate,
};
