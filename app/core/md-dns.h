/* md-dns.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* RR type numbers as on the wire (RFC 1035, 3596, 6698, 7208). */
typedef enum
{
  MD_DNS_TYPE_A     = 1,
  MD_DNS_TYPE_NS    = 2,
  MD_DNS_TYPE_CNAME = 5,
  MD_DNS_TYPE_PTR   = 12,
  MD_DNS_TYPE_MX    = 15,
  MD_DNS_TYPE_TXT   = 16,
  MD_DNS_TYPE_AAAA  = 28,
  MD_DNS_TYPE_TLSA  = 52,
  MD_DNS_TYPE_SPF   = 99,
} MdDnsType;

/* What came back for one question. Everything but OK, NXDOMAIN and NODATA
 * means "we do not know": callers must never read those as "not listed". */
typedef enum
{
  MD_DNS_STATUS_OK,
  MD_DNS_STATUS_NXDOMAIN,
  MD_DNS_STATUS_NODATA,
  MD_DNS_STATUS_SERVFAIL,
  MD_DNS_STATUS_REFUSED,
  MD_DNS_STATUS_TIMEOUT,
  MD_DNS_STATUS_ERROR,
} MdDnsStatus;

typedef struct
{
  MdDnsType     type;
  guint32       ttl;
  char         *name;         /* owner name, no trailing dot */
  GInetAddress *address;      /* A, AAAA */
  char         *target;       /* NS, CNAME, PTR, MX exchange; no trailing dot */
  guint16       preference;   /* MX */
  char         *text;         /* TXT/SPF: the character-strings of one record joined */
  GStrv         strings;      /* TXT/SPF: the character-strings as they came */
  guint8        tlsa_usage;   /* TLSA */
  guint8        tlsa_selector;
  guint8        tlsa_matching_type;
  GBytes       *tlsa_data;
} MdDnsRecord;

typedef struct
{
  char        *name;          /* the question, no trailing dot */
  MdDnsType    type;
  MdDnsStatus  status;
  char        *message;       /* a human-readable reason when status is not OK/NXDOMAIN/NODATA */
  GPtrArray   *records;       /* of MdDnsRecord*, answers of @type only (CNAMEs followed) */
  guint        duration_ms;
} MdDnsAnswer;

#define MD_TYPE_DNS_RECORD (md_dns_record_get_type ())
#define MD_TYPE_DNS_ANSWER (md_dns_answer_get_type ())

GType        md_dns_record_get_type   (void) G_GNUC_CONST;
MdDnsRecord *md_dns_record_new        (MdDnsType          type,
                                       const char        *name);
MdDnsRecord *md_dns_record_copy       (const MdDnsRecord *record);
void         md_dns_record_free       (MdDnsRecord       *record);

GType        md_dns_answer_get_type   (void) G_GNUC_CONST;
MdDnsAnswer *md_dns_answer_new        (const char        *name,
                                       MdDnsType          type,
                                       MdDnsStatus        status);
MdDnsAnswer *md_dns_answer_copy       (const MdDnsAnswer *answer);
void         md_dns_answer_free       (MdDnsAnswer       *answer);
gboolean     md_dns_answer_is_failure (const MdDnsAnswer *answer);

const char  *md_dns_type_to_string    (MdDnsType          type);
const char  *md_dns_status_to_string  (MdDnsStatus        status);
const char  *md_dns_status_describe   (MdDnsStatus        status);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdDnsRecord, md_dns_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdDnsAnswer, md_dns_answer_free)

/* Anything that answers DNS questions: the c-ares resolver in the product,
 * an in-memory zone in the SPF conformance tests. */
#define MD_TYPE_DNS_SOURCE (md_dns_source_get_type ())
G_DECLARE_INTERFACE (MdDnsSource, md_dns_source, MD, DNS_SOURCE, GObject)

struct _MdDnsSourceInterface
{
  GTypeInterface parent_iface;

  void         (*query_async)  (MdDnsSource         *self,
                                const char          *name,
                                MdDnsType            type,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data);
  MdDnsAnswer *(*query_finish) (MdDnsSource         *self,
                                GAsyncResult        *result,
                                GError             **error);
};

/* The answer comes back whatever the DNS said (status tells); the only
 * GError is G_IO_ERROR_CANCELLED. */
void         md_dns_source_query_async  (MdDnsSource         *self,
                                         const char          *name,
                                         MdDnsType            type,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
MdDnsAnswer *md_dns_source_query_finish (MdDnsSource         *self,
                                         GAsyncResult        *result,
                                         GError             **error);

G_END_DECLS
