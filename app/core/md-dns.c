/* md-dns.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-dns.h"

G_DEFINE_BOXED_TYPE (MdDnsRecord, md_dns_record, md_dns_record_copy, md_dns_record_free)
G_DEFINE_BOXED_TYPE (MdDnsAnswer, md_dns_answer, md_dns_answer_copy, md_dns_answer_free)
G_DEFINE_INTERFACE (MdDnsSource, md_dns_source, G_TYPE_OBJECT)

static void
md_dns_source_default_init (MdDnsSourceInterface *iface)
{
}

MdDnsRecord *
md_dns_record_new (MdDnsType   type,
                   const char *name)
{
  MdDnsRecord *record = g_new0 (MdDnsRecord, 1);

  record->type = type;
  record->name = g_strdup (name);

  return record;
}

MdDnsRecord *
md_dns_record_copy (const MdDnsRecord *record)
{
  MdDnsRecord *copy;

  g_return_val_if_fail (record != NULL, NULL);

  copy = g_memdup2 (record, sizeof *record);
  copy->name = g_strdup (record->name);
  copy->address = record->address ? g_object_ref (record->address) : NULL;
  copy->target = g_strdup (record->target);
  copy->text = g_strdup (record->text);
  copy->strings = g_strdupv (record->strings);
  copy->tlsa_data = record->tlsa_data ? g_bytes_ref (record->tlsa_data) : NULL;

  return copy;
}

void
md_dns_record_free (MdDnsRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->name);
  g_clear_object (&record->address);
  g_free (record->target);
  g_free (record->text);
  g_strfreev (record->strings);
  g_clear_pointer (&record->tlsa_data, g_bytes_unref);
  g_free (record);
}

MdDnsAnswer *
md_dns_answer_new (const char  *name,
                   MdDnsType    type,
                   MdDnsStatus  status)
{
  MdDnsAnswer *answer = g_new0 (MdDnsAnswer, 1);

  answer->name = g_strdup (name);
  answer->type = type;
  answer->status = status;
  answer->records = g_ptr_array_new_with_free_func ((GDestroyNotify) md_dns_record_free);

  return answer;
}

MdDnsAnswer *
md_dns_answer_copy (const MdDnsAnswer *answer)
{
  MdDnsAnswer *copy;

  g_return_val_if_fail (answer != NULL, NULL);

  copy = md_dns_answer_new (answer->name, answer->type, answer->status);
  copy->message = g_strdup (answer->message);
  copy->duration_ms = answer->duration_ms;
  for (guint i = 0; i < answer->records->len; i++)
    g_ptr_array_add (copy->records, md_dns_record_copy (g_ptr_array_index (answer->records, i)));

  return copy;
}

void
md_dns_answer_free (MdDnsAnswer *answer)
{
  if (answer == NULL)
    return;

  g_free (answer->name);
  g_free (answer->message);
  g_clear_pointer (&answer->records, g_ptr_array_unref);
  g_free (answer);
}

/* TRUE when the answer says nothing about the name: the question failed. */
gboolean
md_dns_answer_is_failure (const MdDnsAnswer *answer)
{
  g_return_val_if_fail (answer != NULL, TRUE);

  return answer->status != MD_DNS_STATUS_OK &&
         answer->status != MD_DNS_STATUS_NXDOMAIN &&
         answer->status != MD_DNS_STATUS_NODATA;
}

const char *
md_dns_type_to_string (MdDnsType type)
{
  switch (type)
    {
    case MD_DNS_TYPE_A:     return "A";
    case MD_DNS_TYPE_NS:    return "NS";
    case MD_DNS_TYPE_CNAME: return "CNAME";
    case MD_DNS_TYPE_PTR:   return "PTR";
    case MD_DNS_TYPE_MX:    return "MX";
    case MD_DNS_TYPE_TXT:   return "TXT";
    case MD_DNS_TYPE_AAAA:  return "AAAA";
    case MD_DNS_TYPE_TLSA:  return "TLSA";
    case MD_DNS_TYPE_SPF:   return "SPF";
    default:                return "unknown";
    }
}

/* Stable identifiers, used in JSON output. */
const char *
md_dns_status_to_string (MdDnsStatus status)
{
  switch (status)
    {
    case MD_DNS_STATUS_OK:       return "ok";
    case MD_DNS_STATUS_NXDOMAIN: return "nxdomain";
    case MD_DNS_STATUS_NODATA:   return "nodata";
    case MD_DNS_STATUS_SERVFAIL: return "servfail";
    case MD_DNS_STATUS_REFUSED:  return "refused";
    case MD_DNS_STATUS_TIMEOUT:  return "timeout";
    case MD_DNS_STATUS_ERROR:    return "error";
    default:                     return "error";
    }
}

/* Translated, for people. */
const char *
md_dns_status_describe (MdDnsStatus status)
{
  switch (status)
    {
    case MD_DNS_STATUS_OK:       return _("answered");
    case MD_DNS_STATUS_NXDOMAIN: return _("the name does not exist");
    case MD_DNS_STATUS_NODATA:   return _("the name has no record of this type");
    case MD_DNS_STATUS_SERVFAIL: return _("the DNS server failed (SERVFAIL)");
    case MD_DNS_STATUS_REFUSED:  return _("the DNS server refused the query (REFUSED)");
    case MD_DNS_STATUS_TIMEOUT:  return _("no answer in time (timeout)");
    case MD_DNS_STATUS_ERROR:    return _("the lookup failed");
    default:                     return _("the lookup failed");
    }
}

void
md_dns_source_query_async (MdDnsSource         *self,
                           const char          *name,
                           MdDnsType            type,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (MD_IS_DNS_SOURCE (self));
  g_return_if_fail (name != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  MD_DNS_SOURCE_GET_IFACE (self)->query_async (self, name, type, cancellable, callback, user_data);
}

MdDnsAnswer *
md_dns_source_query_finish (MdDnsSource   *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (MD_IS_DNS_SOURCE (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return MD_DNS_SOURCE_GET_IFACE (self)->query_finish (self, result, error);
}
