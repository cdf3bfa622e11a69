/* md-mta-sts-fetch.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-mta-sts-fetch.h"
#include "md-record-util.h"

G_DEFINE_BOXED_TYPE (MdMtaStsResult, md_mta_sts_result,
                     md_mta_sts_result_copy, md_mta_sts_result_free)
G_DEFINE_BOXED_TYPE (MdTlsRptResult, md_tlsrpt_result,
                     md_tlsrpt_result_copy, md_tlsrpt_result_free)

const char *
md_web_outcome_to_string (MdWebOutcome outcome)
{
  switch (outcome)
    {
    case MD_WEB_OUTCOME_ABSENT:    return "absent";
    case MD_WEB_OUTCOME_VALID:     return "valid";
    case MD_WEB_OUTCOME_INVALID:   return "invalid";
    case MD_WEB_OUTCOME_UNDECIDED: return "undecided";
    default:                       return "unknown";
    }
}

static MdMtaStsMxMatch *
mx_match_copy (const MdMtaStsMxMatch *match)
{
  MdMtaStsMxMatch *copy = g_new0 (MdMtaStsMxMatch, 1);

  copy->host = g_strdup (match->host);
  copy->preference = match->preference;
  copy->pattern = g_strdup (match->pattern);

  return copy;
}

static void
mx_match_free (MdMtaStsMxMatch *match)
{
  g_free (match->host);
  g_free (match->pattern);
  g_free (match);
}

static GPtrArray *
mx_matches_copy (GPtrArray *matches)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func ((GDestroyNotify)mx_match_free);

  for (guint i = 0; matches != NULL && i < matches->len; i++)
    g_ptr_array_add (copy, mx_match_copy (g_ptr_array_index (matches, i)));

  return copy;
}

static MdMtaStsResult *
mta_sts_result_new (const char *domain)
{
  MdMtaStsResult *result = g_new0 (MdMtaStsResult, 1);

  result->domain = g_strdup (domain);
  result->record_name = g_strconcat ("_mta-sts.", domain, NULL);
  result->mx = g_ptr_array_new_with_free_func ((GDestroyNotify)mx_match_free);
  result->errors = md_record_warnings_new ();
  result->warnings = md_record_warnings_new ();
  result->notes = md_record_warnings_new ();

  return result;
}

MdMtaStsResult *
md_mta_sts_result_copy (const MdMtaStsResult *result)
{
  MdMtaStsResult *copy;

  g_return_val_if_fail (result != NULL, NULL);

  copy = g_new0 (MdMtaStsResult, 1);
  copy->domain = g_strdup (result->domain);
  copy->outcome = result->outcome;
  copy->record_name = g_strdup (result->record_name);
  copy->record = result->record != NULL ? md_mta_sts_record_copy (result->record) : NULL;
  copy->policy_url = g_strdup (result->policy_url);
  copy->policy = result->policy != NULL ? md_mta_sts_policy_copy (result->policy) : NULL;
  copy->policy_text = g_strdup (result->policy_text);
  copy->mx = mx_matches_copy (result->mx);
  copy->errors = md_record_warnings_copy (result->errors);
  copy->warnings = md_record_warnings_copy (result->warnings);
  copy->notes = md_record_warnings_copy (result->notes);

  return copy;
}

void
md_mta_sts_result_free (MdMtaStsResult *result)
{
  if (result == NULL)
    return;

  g_free (result->domain);
  g_free (result->record_name);
  g_clear_pointer (&result->record, md_mta_sts_record_free);
  g_free (result->policy_url);
  g_clear_pointer (&result->policy, md_mta_sts_policy_free);
  g_free (result->policy_text);
  g_clear_pointer (&result->mx, g_ptr_array_unref);
  g_clear_pointer (&result->errors, g_ptr_array_unref);
  g_clear_pointer (&result->warnings, g_ptr_array_unref);
  g_clear_pointer (&result->notes, g_ptr_array_unref);
  g_free (result);
}

MdTlsRptResult *
md_tlsrpt_result_copy (const MdTlsRptResult *result)
{
  MdTlsRptResult *copy;

  g_return_val_if_fail (result != NULL, NULL);

  copy = g_new0 (MdTlsRptResult, 1);
  copy->domain = g_strdup (result->domain);
  copy->outcome = result->outcome;
  copy->record_name = g_strdup (result->record_name);
  copy->record = result->record != NULL ? md_tlsrpt_record_copy (result->record) : NULL;
  copy->errors = md_record_warnings_copy (result->errors);

  return copy;
}

void
md_tlsrpt_result_free (MdTlsRptResult *result)
{
  if (result == NULL)
    return;

  g_free (result->domain);
  g_free (result->record_name);
  g_clear_pointer (&result->record, md_tlsrpt_record_free);
  g_clear_pointer (&result->errors, g_ptr_array_unref);
  g_free (result);
}

static void
add_issue (GPtrArray  *issues,
           const char *code,
           const char *message)
{
  g_ptr_array_add (issues, md_record_warning_new (code, message));
}

static void
append_warnings (GPtrArray *to,
                 GPtrArray *from)
{
  for (guint i = 0; from != NULL && i < from->len; i++)
    g_ptr_array_add (to, md_record_warning_copy (g_ptr_array_index (from, i)));
}

/* The TXT strings of an answer, as the record parsers take them. */
static GStrv
answer_texts (MdDnsAnswer *answer)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; answer->records != NULL && i < answer->records->len; i++)
    {
      MdDnsRecord *record = g_ptr_array_index (answer->records, i);

      if (record->text != NULL)
        g_strv_builder_add (builder, record->text);
    }

  return g_strv_builder_end (builder);
}

typedef struct
{
  MdDnsSource    *dns;
  MdHttp         *http;
  char           *known_id;
  MdMtaStsResult *result;
} MtaStsData;

static void
mta_sts_data_free (MtaStsData *data)
{
  g_clear_object (&data->dns);
  g_clear_object (&data->http);
  g_free (data->known_id);
  g_clear_pointer (&data->result, md_mta_sts_result_free);
  g_free (data);
}

/* The answer to the TXT lookup of a policy record, or NULL when the lookup
 * itself failed: then @task has returned its error. */
static MdDnsAnswer *
txt_answer_finish (GObject      *object,
                   GAsyncResult *res,
                   GTask        *task)
{
  g_autoptr(GError) error = NULL;
  MdDnsAnswer *answer = md_dns_source_query_finish (MD_DNS_SOURCE (object), res, &error);

  if (answer == NULL)
    g_task_return_error (task, g_steal_pointer (&error));

  return answer;
}

/* A DNS failure on the TXT lookup leaves the record undecided, not absent:
 * TRUE when @answer is one, noted in @errors. */
static gboolean
txt_answer_failed (const MdDnsAnswer *answer,
                   const char        *record_name,
                   GPtrArray         *errors,
                   MdWebOutcome      *outcome)
{
  g_autofree char *message = NULL;

  if (!md_dns_answer_is_failure (answer))
    return FALSE;

  /* Translators: the first %s is a DNS name, the second the DNS failure */
  message = g_strdup_printf (_("The TXT record %s could not be read: %s"), record_name,
                             md_dns_status_describe (answer->status));
  add_issue (errors, "dns-error", message);
  *outcome = MD_WEB_OUTCOME_UNDECIDED;
  return TRUE;
}

static void
mta_sts_return (GTask *task)
{
  MtaStsData *data = g_task_get_task_data (task);

  g_task_return_pointer (task, g_steal_pointer (&data->result),
                         (GDestroyNotify)md_mta_sts_result_free);
}

static int
mx_compare (gconstpointer a,
            gconstpointer b)
{
  const MdMtaStsMxMatch *ma = *(MdMtaStsMxMatch **)a;
  const MdMtaStsMxMatch *mb = *(MdMtaStsMxMatch **)b;

  if (ma->preference != mb->preference)
    return ma->preference < mb->preference ? -1 : 1;

  return g_strcmp0 (ma->host, mb->host);
}

static void
mx_cb (GObject      *object,
       GAsyncResult *res,
       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MtaStsData *data = g_task_get_task_data (task);
  MdMtaStsResult *result = data->result;
  g_autoptr(MdDnsAnswer) answer = NULL;
  GError *error = NULL;
  guint n_uncovered = 0;

  answer = md_dns_source_query_finish (MD_DNS_SOURCE (object), res, &error);
  if (answer == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (md_dns_answer_is_failure (answer))
    {
      g_autofree char *message =
        g_strdup_printf (_("The MX records of %s could not be read (%s), so it is unknown "
                           "whether the policy covers them"),
                         result->domain, md_dns_status_describe (answer->status));

      add_issue (result->errors, "mx-dns-error", message);
      result->outcome = MD_WEB_OUTCOME_UNDECIDED;
      mta_sts_return (task);
      return;
    }

  for (guint i = 0; answer->records != NULL && i < answer->records->len; i++)
    {
      MdDnsRecord *record = g_ptr_array_index (answer->records, i);
      MdMtaStsMxMatch *match;
      const char *pattern;

      /* RFC 7505 null MX ("."): the domain takes no mail at all. */
      if (record->target == NULL || record->target[0] == '\0' || g_str_equal (record->target, "."))
        continue;

      pattern = md_mta_sts_policy_match_mx (result->policy, record->target);
      match = g_new0 (MdMtaStsMxMatch, 1);
      match->host = g_ascii_strdown (record->target, -1);
      match->preference = record->preference;
      match->pattern = g_strdup (pattern);
      g_ptr_array_add (result->mx, match);
    }
  g_ptr_array_sort (result->mx, mx_compare);

  if (result->mx->len == 0)
    {
      g_autofree char *message =
        g_strdup_printf (_("%s has no MX records; the MTA-STS policy has nothing to protect"),
                         result->domain);

      add_issue (result->warnings, "no-mx", message);
    }

  for (guint i = 0; i < result->mx->len; i++)
    {
      MdMtaStsMxMatch *match = g_ptr_array_index (result->mx, i);
      g_autofree char *message = NULL;

      if (match->pattern != NULL)
        continue;

      n_uncovered++;
      if (result->policy->mode == MD_MTA_STS_MODE_ENFORCE)
        {
          message = g_strdup_printf (_("The MX host %s is not listed in the policy: senders "
                                       "that enforce MTA-STS will not deliver to it"),
                                     match->host);
          add_issue (result->errors, "mx-not-covered", message);
        }
      else
        {
          message = g_strdup_printf (_("The MX host %s is not listed in the policy; with mode "
                                       "“enforce” mail to it would fail"),
                                     match->host);
          add_issue (result->warnings, "mx-not-covered", message);
        }
    }

  if (n_uncovered > 0 && result->policy->mode == MD_MTA_STS_MODE_ENFORCE)
    result->outcome = MD_WEB_OUTCOME_INVALID;

  mta_sts_return (task);
}

static void
policy_error (MdMtaStsResult *result,
              const GError   *error)
{
  const char *code = "policy-connect";
  MdWebOutcome outcome = MD_WEB_OUTCOME_INVALID;

  if (error->domain == MD_HTTP_ERROR)
    {
      switch ((MdHttpError)error->code)
        {
        case MD_HTTP_ERROR_NO_TLS:
          code = "no-tls-backend";
          outcome = MD_WEB_OUTCOME_UNDECIDED;
          break;
        case MD_HTTP_ERROR_CERTIFICATE:
          code = "policy-certificate";
          break;
        case MD_HTTP_ERROR_TLS:
          code = "policy-tls";
          break;
        case MD_HTTP_ERROR_TIMEOUT:
          /* Slow for us may be our network: we cannot tell. */
          code = "policy-timeout";
          outcome = MD_WEB_OUTCOME_UNDECIDED;
          break;
        case MD_HTTP_ERROR_REDIRECT_REFUSED:
        case MD_HTTP_ERROR_TOO_MANY_REDIRECTS:
          code = "policy-redirect";
          break;
        case MD_HTTP_ERROR_STATUS:
          code = "policy-status";
          break;
        case MD_HTTP_ERROR_CONTENT_TYPE:
          code = "policy-content-type";
          break;
        case MD_HTTP_ERROR_TOO_LARGE:
          code = "policy-too-large";
          break;
        case MD_HTTP_ERROR_BAD_URL:
        case MD_HTTP_ERROR_CONNECT:
        case MD_HTTP_ERROR_FAILED:
        default:
          code = "policy-connect";
          break;
        }
    }

  add_issue (result->errors, code, error->message);
  result->outcome = outcome;
}

static void
policy_cb (GObject      *object,
           GAsyncResult *res,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MtaStsData *data = g_task_get_task_data (task);
  MdMtaStsResult *result = data->result;
  g_autoptr(MdHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;
  const char *body;
  gsize size;

  response = md_http_fetch_finish (MD_HTTP (object), res, &error);
  if (response == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      policy_error (result, error);
      mta_sts_return (task);
      return;
    }

  /* RFC 8461 3.3: "HTTP 200", not any 2xx. */
  if (response->status != SOUP_STATUS_OK)
    {
      g_autofree char *message =
        g_strdup_printf (_("The policy server answered HTTP %u instead of 200"), response->status);

      add_issue (result->errors, "policy-status", message);
      result->outcome = MD_WEB_OUTCOME_INVALID;
      mta_sts_return (task);
      return;
    }

  body = g_bytes_get_data (response->body, &size);
  result->policy_text = g_strndup (body != NULL ? body : "", size);
  result->policy = md_mta_sts_policy_parse (body != NULL ? body : "", size, &error);
  if (result->policy == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The policy is not valid: %s"), error->message);

      add_issue (result->errors, "policy-invalid", message);
      result->outcome = MD_WEB_OUTCOME_INVALID;
      mta_sts_return (task);
      return;
    }

  append_warnings (result->warnings, result->policy->warnings);
  if (result->policy->mode == MD_MTA_STS_MODE_NONE)
    add_issue (result->warnings, "mode-none",
               _("The policy mode is “none”: senders are told to stop applying MTA-STS"));
  else if (result->policy->mode == MD_MTA_STS_MODE_TESTING)
    add_issue (result->warnings, "mode-testing",
               _("The policy mode is “testing”: failures are reported, but mail is still "
                 "delivered without verified TLS"));
  result->outcome = MD_WEB_OUTCOME_VALID;

  cancellable = g_task_get_cancellable (task);
  md_dns_source_query_async (data->dns, result->domain, MD_DNS_TYPE_MX,
                             cancellable, mx_cb, g_steal_pointer (&task));
}

static void
txt_cb (GObject      *object,
        GAsyncResult *res,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MtaStsData *data = g_task_get_task_data (task);
  MdMtaStsResult *result = data->result;
  g_autoptr(MdDnsAnswer) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) texts = NULL;
  MdHttpRequestOptions options = { 0 };
  GCancellable *cancellable;
  static const char * const types[] = { "text/plain", NULL };

  answer = txt_answer_finish (object, res, task);
  if (answer == NULL)
    return;

  if (txt_answer_failed (answer, result->record_name, result->errors, &result->outcome))
    {
      mta_sts_return (task);
      return;
    }

  texts = answer_texts (answer);
  result->record = md_mta_sts_record_select ((const char * const *)texts, &error);
  if (result->record == NULL)
    {
      if (g_error_matches (error, MD_MTA_STS_ERROR, MD_MTA_STS_ERROR_NO_RECORD))
        result->outcome = MD_WEB_OUTCOME_ABSENT;
      else
        {
          add_issue (result->errors,
                     g_error_matches (error, MD_MTA_STS_ERROR, MD_MTA_STS_ERROR_MULTIPLE_RECORDS)
                       ? "record-multiple" : "record-invalid",
                     error->message);
          result->outcome = MD_WEB_OUTCOME_INVALID;
        }
      mta_sts_return (task);
      return;
    }

  append_warnings (result->warnings, result->record->warnings);
  if (data->known_id != NULL && g_strcmp0 (data->known_id, result->record->id) != 0)
    {
      g_autofree char *message =
        /* Translators: both %s are MTA-STS policy ids (letters and digits) */
        g_strdup_printf (_("The policy id changed from “%s” to “%s”: the domain published a "
                           "new policy, and senders fetch it again"),
                         data->known_id, result->record->id);

      add_issue (result->notes, "id-changed", message);
    }

  /* RFC 8461 3.3: this host and path, HTTPS with a verified certificate,
   * no redirects, 200 with text/plain; 64 KiB is the limit the RFC
   * suggests for senders. */
  result->policy_url = g_strdup_printf ("https://mta-sts.%s/.well-known/mta-sts.txt",
                                        result->domain);
  options.redirects = MD_HTTP_REDIRECT_NONE;
  options.max_size = MD_MTA_STS_POLICY_MAX_SIZE;
  options.content_types = types;
  options.accept = "text/plain";
  cancellable = g_task_get_cancellable (task);
  md_http_fetch_async (data->http, result->policy_url, &options,
                       cancellable, policy_cb, g_steal_pointer (&task));
}

void
md_mta_sts_fetch_async (MdDnsSource         *dns,
                        MdHttp              *http,
                        const char          *domain,
                        const char          *known_id,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *name = NULL;
  MtaStsData *data;

  g_return_if_fail (MD_IS_DNS_SOURCE (dns));
  g_return_if_fail (http == NULL || MD_IS_HTTP (http));
  g_return_if_fail (domain != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, md_mta_sts_fetch_async);

  name = md_record_normalize_domain (domain);
  data = g_new0 (MtaStsData, 1);
  data->dns = g_object_ref (dns);
  data->http = http != NULL ? g_object_ref (http) : md_http_new ();
  data->known_id = g_strdup (known_id);
  data->result = mta_sts_result_new (name != NULL ? name : domain);
  g_task_set_task_data (task, data, (GDestroyNotify)mta_sts_data_free);

  if (name == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not a domain name"), domain);

      add_issue (data->result->errors, "record-invalid", message);
      data->result->outcome = MD_WEB_OUTCOME_INVALID;
      mta_sts_return (task);
      return;
    }

  md_dns_source_query_async (dns, data->result->record_name, MD_DNS_TYPE_TXT, cancellable,
                             txt_cb, g_steal_pointer (&task));
}

MdMtaStsResult *
md_mta_sts_fetch_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
tlsrpt_cb (GObject      *object,
           GAsyncResult *res,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MdTlsRptResult *result = g_task_get_task_data (task);
  g_autoptr(MdDnsAnswer) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) texts = NULL;

  answer = txt_answer_finish (object, res, task);
  if (answer == NULL)
    return;

  if (!txt_answer_failed (answer, result->record_name, result->errors, &result->outcome))
    {
      texts = answer_texts (answer);
      result->record = md_tlsrpt_record_select ((const char * const *)texts, &error);
      if (result->record != NULL)
        result->outcome = MD_WEB_OUTCOME_VALID;
      else if (g_error_matches (error, MD_TLSRPT_ERROR, MD_TLSRPT_ERROR_NO_RECORD))
        result->outcome = MD_WEB_OUTCOME_ABSENT;
      else
        {
          add_issue (result->errors,
                     g_error_matches (error, MD_TLSRPT_ERROR, MD_TLSRPT_ERROR_MULTIPLE_RECORDS)
                       ? "record-multiple" : "record-invalid",
                     error->message);
          result->outcome = MD_WEB_OUTCOME_INVALID;
        }
    }

  g_task_return_pointer (task, md_tlsrpt_result_copy (result),
                         (GDestroyNotify)md_tlsrpt_result_free);
}

void
md_tlsrpt_lookup_async (MdDnsSource         *dns,
                        const char          *domain,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *name = NULL;
  MdTlsRptResult *result;

  g_return_if_fail (MD_IS_DNS_SOURCE (dns));
  g_return_if_fail (domain != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, md_tlsrpt_lookup_async);

  name = md_record_normalize_domain (domain);
  result = g_new0 (MdTlsRptResult, 1);
  result->domain = g_strdup (name != NULL ? name : domain);
  result->record_name = g_strconcat ("_smtp._tls.", result->domain, NULL);
  result->errors = md_record_warnings_new ();
  g_task_set_task_data (task, result, (GDestroyNotify)md_tlsrpt_result_free);

  if (name == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not a domain name"), domain);

      add_issue (result->errors, "record-invalid", message);
      result->outcome = MD_WEB_OUTCOME_INVALID;
      g_task_return_pointer (task, md_tlsrpt_result_copy (result),
                             (GDestroyNotify)md_tlsrpt_result_free);
      return;
    }

  md_dns_source_query_async (dns, result->record_name, MD_DNS_TYPE_TXT, cancellable,
                             tlsrpt_cb, g_steal_pointer (&task));
}

MdTlsRptResult *
md_tlsrpt_lookup_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
