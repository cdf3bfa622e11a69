/* md-check-dkim.c — DKIM key records of the sending domain ("dkim/<selector>")
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-check-private.h"
#include "md-dkim-key.h"

/* A DKIM selector cannot be discovered from DNS: without a signed message
 * we only know the ones the user names. Those get one check each, and a
 * missing key there is a problem. Besides, one check (PROBE_ID: "*" cannot
 * occur in a selector) probes selectors that mail services commonly use;
 * those are guesses, so a guess that finds nothing is not a problem. */
#define PROBE_ID "dkim/*"

/* Selectors that hosting panels and mail services publish by default. */
static const char *const common_selectors[] = {
  "default",     /* cPanel, Plesk, many panels */
  "dkim",
  "mail",
  "selector1",   /* Microsoft 365 */
  "selector2",   /* Microsoft 365 */
  "google",      /* Google Workspace */
  "k1",          /* Mailchimp / Mandrill */
  "k2",
  "s1",          /* SendGrid and others */
  "s2",
  "smtp",
  "key1",
  "mxvault",
  NULL
};

typedef struct
{
  char      *domain;
  char      *selector;     /* user-given: that selector; probe: NULL */
  guint      pending;
  JsonArray *found;        /* probe: keys found */
  JsonArray *failed;       /* probe: selectors whose lookup failed */
  int        worst;        /* probe: worst status among found keys, -1 none */
  GString   *found_text;   /* probe: "default: RSA, 2048 bits; …" */
  GString   *remarks;      /* probe: what is wrong with the keys found */
} Dkim;

static void
dkim_free (Dkim *self)
{
  g_free (self->domain);
  g_free (self->selector);
  g_clear_pointer (&self->found, json_array_unref);
  g_clear_pointer (&self->failed, json_array_unref);
  if (self->found_text != NULL)
    g_string_free (self->found_text, TRUE);
  if (self->remarks != NULL)
    g_string_free (self->remarks, TRUE);
  g_free (self);
}

/* "RSA, 2048 bits" / "Ed25519" */
static char *
describe_key (const MdDkimKey *key)
{
  if (key->key_type == MD_DKIM_KEY_TYPE_ED25519)
    return g_strdup ("Ed25519");

  /* Translators: %u is the size of an RSA key */
  return g_strdup_printf (_("RSA, %u bits"), key->key_bits);
}

static int
rank (MdCheckStatus status)
{
  switch (status)
    {
    case MD_CHECK_STATUS_PROBLEM: return 3;
    case MD_CHECK_STATUS_WARNING: return 2;
    case MD_CHECK_STATUS_OK:      return 1;
    default:                      return 0;
    }
}

/* Judges one parsed key; @summary and @remedy get the sentences for it. */
static MdCheckStatus
judge_key (const MdDkimKey  *key,
           const char       *selector,
           char            **summary,
           char            **remedy)
{
  g_autofree char *what = describe_key (key);

  if (key->revoked)
    {
      /* Translators: a DKIM selector */
      *summary = g_strdup_printf (_("The key of selector %s is revoked (empty p=): mail signed "
                                    "with it fails DKIM."), selector);
      *remedy = g_strdup (_("Publish the current public key under this selector, or sign "
                            "with a selector whose key is published."));
      return MD_CHECK_STATUS_PROBLEM;
    }
  if (key->strength == MD_DKIM_KEY_STRENGTH_TOO_WEAK)
    {
      /* Translators: a DKIM selector, then the key size in bits */
      *summary = g_strdup_printf (_("The key of selector %s has only %u bits: receivers ignore "
                                    "RSA keys under 1024 bits (RFC 8301), so DKIM fails."),
                                  selector, key->key_bits);
      *remedy = g_strdup (_("Generate a 2048-bit RSA key, publish it under a new selector and "
                            "sign with it."));
      return MD_CHECK_STATUS_PROBLEM;
    }
  if (md_record_warnings_has (key->warnings, "no-sha256"))
    {
      /* Translators: a DKIM selector */
      *summary = g_strdup_printf (_("The key of selector %s allows no SHA-256 (h=): receivers "
                                    "accept no SHA-1 signature, so DKIM fails."), selector);
      *remedy = g_strdup (_("Remove the h= tag from the key record, or list sha256 in it."));
      return MD_CHECK_STATUS_PROBLEM;
    }
  if (key->strength == MD_DKIM_KEY_STRENGTH_WEAK)
    {
      /* Translators: a DKIM selector, then the key size in bits */
      *summary = g_strdup_printf (_("The key of selector %s has %u bits: it works, but 2048 "
                                    "bits are the recommended minimum."),
                                  selector, key->key_bits);
      *remedy = g_strdup (_("Generate a 2048-bit RSA key, publish it under a new selector and "
                            "switch signing to it."));
      return MD_CHECK_STATUS_WARNING;
    }
  if (key->strength == MD_DKIM_KEY_STRENGTH_UNUSUAL)
    {
      const MdRecordWarning *warning = NULL;

      for (guint i = 0; i < key->warnings->len && warning == NULL; i++)
        {
          const MdRecordWarning *w = g_ptr_array_index (key->warnings, i);

          if (g_str_equal (w->code, "key-size") || g_str_equal (w->code, "key-exponent"))
            warning = w;
        }
      /* Translators: a DKIM selector, then why (a sentence about the key) */
      *summary = g_strdup_printf (_("The key of selector %s is outside what verifiers must "
                                    "accept: %s"),
                                  selector, warning != NULL ? warning->message : what);
      *remedy = g_strdup (_("Generate a 2048-bit RSA key (exponent 65537), publish it under a "
                            "new selector and switch signing to it."));
      return MD_CHECK_STATUS_WARNING;
    }
  if (key->testing)
    {
      /* Translators: a DKIM selector, then the key type and size */
      *summary = g_strdup_printf (_("The key of selector %s (%s) is marked as testing (t=y): "
                                    "receivers may treat signed mail as unsigned."),
                                  selector, what);
      *remedy = g_strdup (_("Remove “t=y” from the key record once signing works."));
      return MD_CHECK_STATUS_WARNING;
    }
  if (md_record_warnings_has (key->warnings, "pkcs1-key"))
    {
      /* Translators: a DKIM selector */
      *summary = g_strdup_printf (_("The key of selector %s is published as a bare RSA key "
                                    "(PKCS#1): some verifiers, OpenDKIM among them, cannot "
                                    "use it."), selector);
      *remedy = g_strdup (_("Publish the key as a SubjectPublicKeyInfo (the output of "
                            "“openssl rsa -pubout”)."));
      return MD_CHECK_STATUS_WARNING;
    }

  if (key->key_type == MD_DKIM_KEY_TYPE_ED25519)
    /* Translators: a DKIM selector */
    *summary = g_strdup_printf (_("Selector %s has an Ed25519 key. Receivers that do not "
                                  "support Ed25519 ignore it: sign with an RSA key as well."),
                                selector);
  else
    /* Translators: a DKIM selector, then the key type and size */
    *summary = g_strdup_printf (_("Selector %s has a valid key (%s)."), selector, what);
  *remedy = NULL;
  return MD_CHECK_STATUS_OK;
}

static JsonObject *
key_json (const MdDkimKey *key)
{
  JsonObject *object = json_object_new ();
  JsonArray *warnings = json_array_new ();

  json_object_set_string_member (object, "record", key->text);
  json_object_set_string_member (object, "key_type", md_dkim_key_type_to_string (key->key_type));
  json_object_set_int_member (object, "key_bits", key->key_bits);
  json_object_set_boolean_member (object, "revoked", key->revoked);
  json_object_set_boolean_member (object, "testing", key->testing);
  for (guint i = 0; key->warnings != NULL && i < key->warnings->len; i++)
    {
      const MdRecordWarning *warning = g_ptr_array_index (key->warnings, i);
      json_array_add_string_element (warnings, warning->code);
    }
  json_object_set_array_member (object, "warnings", warnings);

  return object;
}

/* The first TXT record that parses as a key; @error gets the first parse
 * error when none does. */
static MdDkimKey *
parse_answer (const MdDnsAnswer  *answer,
              guint              *n_records,
              GError            **error)
{
  g_autoptr(GError) first_error = NULL;

  *n_records = 0;
  for (guint i = 0; answer->records != NULL && i < answer->records->len; i++)
    {
      const MdDnsRecord *record = g_ptr_array_index (answer->records, i);
      g_autoptr(GError) local_error = NULL;
      MdDkimKey *key;

      if (record->text == NULL)
        continue;
      (*n_records)++;
      key = md_dkim_key_parse (record->text, &local_error);
      if (key != NULL)
        return key;
      if (first_error == NULL)
        first_error = g_steal_pointer (&local_error);
    }

  if (first_error != NULL)
    g_propagate_error (error, g_steal_pointer (&first_error));
  return NULL;
}

static void
selector_cb (MdCheckContext    *context,
             const MdDnsAnswer *answer,
             gpointer           user_data)
{
  Dkim *self = md_check_context_get_data (context);
  JsonObject *details = md_check_get_details (md_check_context_get_check (context));
  g_autoptr(MdDkimKey) key = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *remedy = NULL;
  guint n_records = 0;
  MdCheckStatus status;

  if (md_dns_answer_is_failure (answer))
    {
      g_autofree char *why = md_check_describe_failure (answer);

      json_object_set_string_member (details, "reason", md_dns_status_to_string (answer->status));
      /* Translators: %s says why the DNS lookup failed */
      summary = g_strdup_printf (_("Could not decide: the lookup of the key failed (%s)."), why);
      md_check_context_finish (context, MD_CHECK_STATUS_ERROR, summary, NULL);
      return;
    }

  if (answer->status == MD_DNS_STATUS_OK)
    key = parse_answer (answer, &n_records, &error);

  if (n_records == 0)
    {
      g_autofree char *name = md_dkim_key_query_name (self->selector, self->domain);

      json_object_set_string_member (details, "reason", "no-key");
      /* Translators: a DKIM selector, then the DNS name where its key belongs */
      summary = g_strdup_printf (_("No key for selector %s: %s has no TXT record. Mail signed "
                                   "with this selector fails DKIM."), self->selector, name);
      /* Translators: the DNS name where a DKIM key belongs */
      remedy = g_strdup_printf (_("Publish the public key as a TXT record at %s (your mail "
                                  "server or provider shows it), or check the selector’s "
                                  "spelling."), name);
      md_check_context_finish (context, MD_CHECK_STATUS_PROBLEM, summary, remedy);
      return;
    }

  if (key == NULL)
    {
      json_object_set_string_member (details, "reason", "invalid-key");
      /* Translators: a DKIM selector, then what is wrong with its key record */
      summary = g_strdup_printf (_("The key record of selector %s is invalid: %s"),
                                 self->selector, error->message);
      md_check_context_finish (context, MD_CHECK_STATUS_PROBLEM, summary,
                               _("Publish the key record exactly as your signing software "
                                 "prints it: “v=DKIM1; k=rsa; p=…”."));
      return;
    }

  json_object_set_object_member (details, "key", key_json (key));
  md_check_set_fact_take (md_check_context_get_check (context), MD_CHECK_FACT_DKIM_KEY, key->key_type == MD_DKIM_KEY_TYPE_RSA ?
                          g_strdup_printf ("RSA %u", key->key_bits) : g_strdup ("Ed25519"));
  json_object_set_int_member (details, "records", n_records);
  status = judge_key (key, self->selector, &summary, &remedy);

  if (n_records > 1 && status != MD_CHECK_STATUS_PROBLEM)
    {
      g_autofree char *longer = NULL;

      status = MD_CHECK_STATUS_WARNING;
      /* Translators: a sentence about the key, then the number of TXT records */
      longer = g_strdup_printf (_("%s The selector has %u TXT records: receivers may pick any "
                                  "of them."), summary, n_records);
      g_free (summary);
      summary = g_steal_pointer (&longer);
      if (remedy == NULL)
        remedy = g_strdup (_("Keep exactly one key record per selector."));
    }

  md_check_context_finish (context, status, summary, remedy);
}

static void
probe_finish (MdCheckContext *context)
{
  Dkim *self = md_check_context_get_data (context);
  JsonObject *details = md_check_get_details (md_check_context_get_check (context));
  guint n_found = json_array_get_length (self->found);
  guint n_failed = json_array_get_length (self->failed);
  g_autofree char *summary = NULL;
  MdCheckStatus status;

  json_object_set_array_member (details, "found", g_steal_pointer (&self->found));
  json_object_set_array_member (details, "failed", g_steal_pointer (&self->failed));

  if (n_found == 0 && n_failed > 0)
    {
      /* Translators: a number of DNS lookups */
      summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "Could not decide: %u lookup of a common DKIM "
                                              "selector failed.",
                                              "Could not decide: %u lookups of common DKIM "
                                              "selectors failed.", n_failed), n_failed);
      md_check_context_finish (context, MD_CHECK_STATUS_ERROR, summary, NULL);
      return;
    }

  if (n_found == 0)
    {
      /* Translators: a domain */
      summary = g_strdup_printf (_("No DKIM key under the common selectors of %s (a guess: "
                                   "your selector may have another name)."), self->domain);
      md_check_context_finish (context, MD_CHECK_STATUS_INFO, summary,
                               _("Give the selector your mail server signs with (the s= of the "
                                 "DKIM-Signature header) to have its key checked."));
      return;
    }

  /* Translators: a list of DKIM selectors with their keys, e.g.
   * "default: RSA, 2048 bits" */
  summary = g_strdup_printf (_("Found by guessing common selectors: %s."),
                             self->found_text->str);
  if (self->remarks->len > 0)
    {
      g_autofree char *longer = g_strconcat (summary, self->remarks->str, NULL);

      g_free (summary);
      summary = g_steal_pointer (&longer);
    }
  if (self->worst == rank (MD_CHECK_STATUS_PROBLEM))
    status = MD_CHECK_STATUS_PROBLEM;
  else if (self->worst == rank (MD_CHECK_STATUS_WARNING))
    status = MD_CHECK_STATUS_WARNING;
  else if (self->worst == rank (MD_CHECK_STATUS_OK))
    status = MD_CHECK_STATUS_OK;
  else
    status = MD_CHECK_STATUS_INFO;   /* only revoked keys */
  md_check_context_finish (context, status, summary,
                           self->worst > rank (MD_CHECK_STATUS_OK)
                             ? _("Fix the keys marked here, or remove the records of selectors "
                                 "you no longer sign with.")
                             : NULL);
}

static void
probe_cb (MdCheckContext    *context,
          const MdDnsAnswer *answer,
          gpointer           user_data)
{
  Dkim *self = md_check_context_get_data (context);
  const char *selector = user_data;
  g_autoptr(MdDkimKey) key = NULL;
  guint n_records = 0;

  if (md_dns_answer_is_failure (answer))
    {
      json_array_add_string_element (self->failed, selector);
    }
  else if (answer->status == MD_DNS_STATUS_OK)
    {
      g_autoptr(GError) error = NULL;

      key = parse_answer (answer, &n_records, &error);
      /* A guessed name with some unrelated TXT record is no DKIM key. */
      if (key != NULL)
        {
          g_autofree char *summary = NULL;
          g_autofree char *remedy = NULL;
          g_autofree char *what = describe_key (key);
          JsonObject *object = key_json (key);
          MdCheckStatus status;

          /* A revoked key under a guessed selector is an old key withdrawn
           * the right way: worth listing, not a fault. */
          status = key->revoked ? MD_CHECK_STATUS_INFO
                                : judge_key (key, selector, &summary, &remedy);
          json_object_set_string_member (object, "selector", selector);
          json_object_set_string_member (object, "status", md_check_status_to_string (status));
          if (summary != NULL)
            json_object_set_string_member (object, "summary", summary);
          json_array_add_object_element (self->found, object);

          self->worst = MAX (self->worst, rank (status));
          if (self->found_text->len > 0)
            g_string_append (self->found_text, "; ");
          if (key->revoked)
            /* Translators: a DKIM selector whose key was withdrawn */
            g_string_append_printf (self->found_text, _("%s: revoked"), selector);
          else
            g_string_append_printf (self->found_text, "%s: %s", selector, what);
          if (status != MD_CHECK_STATUS_OK && status != MD_CHECK_STATUS_INFO)
            g_string_append_printf (self->remarks, " %s", summary);
        }
    }

  if (--self->pending == 0)
    probe_finish (context);
}

static void
selector_start (MdCheckContext *context)
{
  Dkim *self = md_check_context_get_data (context);
  g_autofree char *name = md_dkim_key_query_name (self->selector, self->domain);

  md_check_context_query (context, name, MD_DNS_TYPE_TXT, selector_cb, NULL);
}

static gboolean
user_gave (const MdCheckSubject *subject,
           const char           *selector)
{
  return subject->dkim_selectors != NULL &&
         g_strv_contains ((const char * const *) subject->dkim_selectors, selector);
}

static void
probe_start (MdCheckContext *context)
{
  Dkim *self = md_check_context_get_data (context);
  const MdCheckSubject *subject = md_check_context_get_subject (context);

  self->pending = 1;   /* held until every question is asked */
  for (guint i = 0; common_selectors[i] != NULL; i++)
    {
      g_autofree char *name = NULL;

      if (user_gave (subject, common_selectors[i]))
        continue;
      name = md_dkim_key_query_name (common_selectors[i], self->domain);
      self->pending++;
      md_check_context_query (context, name, MD_DNS_TYPE_TXT, probe_cb,
                              (gpointer) common_selectors[i]);
    }
  if (--self->pending == 0)
    probe_finish (context);
}

static void
dkim_populate (MdCheckRun *run)
{
  const MdCheckSubject *subject = md_check_run_get_subject (run);
  g_autoptr(MdCheck) probe = NULL;
  g_autoptr(JsonArray) probed = json_array_new ();
  JsonObject *details;
  Dkim *self;

  if (subject->domain == NULL)
    return;

  for (guint i = 0; subject->dkim_selectors != NULL && subject->dkim_selectors[i] != NULL; i++)
    {
      const char *selector = subject->dkim_selectors[i];
      g_autofree char *id = g_strconcat ("dkim/", selector, NULL);
      g_autofree char *title = NULL;
      g_autofree char *name = md_dkim_key_query_name (selector, subject->domain);
      g_autoptr(MdCheck) check = NULL;

      /* Translators: a DKIM selector */
      title = g_strdup_printf (_("DKIM key “%s”"), selector);
      check = md_check_new (id, "dkim", title);
      md_check_set_group (check, "sender");
      md_check_set_weight (check, 34);
      details = md_check_get_details (check);
      json_object_set_string_member (details, "domain", subject->domain);
      json_object_set_string_member (details, "selector", selector);
      json_object_set_string_member (details, "name", name);
      json_object_set_boolean_member (details, "guess", FALSE);
      json_object_set_null_member (details, "key");

      self = g_new0 (Dkim, 1);
      self->domain = g_strdup (subject->domain);
      self->selector = g_strdup (selector);
      md_check_run_add_check (run, check, selector_start, self, (GDestroyNotify) dkim_free);
    }

  probe = md_check_new (PROBE_ID, "dkim", _("DKIM keys (common selectors, guessed)"));
  md_check_set_group (probe, "sender");
  md_check_set_weight (probe, 33);
  details = md_check_get_details (probe);
  json_object_set_string_member (details, "domain", subject->domain);
  json_object_set_boolean_member (details, "guess", TRUE);
  for (guint i = 0; common_selectors[i] != NULL; i++)
    if (!user_gave (subject, common_selectors[i]))
      json_array_add_string_element (probed, common_selectors[i]);
  json_object_set_array_member (details, "probed", g_steal_pointer (&probed));

  self = g_new0 (Dkim, 1);
  self->domain = g_strdup (subject->domain);
  self->found = json_array_new ();
  self->failed = json_array_new ();
  self->worst = -1;
  self->found_text = g_string_new (NULL);
  self->remarks = g_string_new (NULL);
  md_check_run_add_check (run, probe, probe_start, self, (GDestroyNotify) dkim_free);
}

const MdCheckProvider md_check_provider_dkim = {
  "dkim",
  dkim_populate,
};
