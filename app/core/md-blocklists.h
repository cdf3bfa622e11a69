/* md-blocklists.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define MD_BLOCKLIST_ERROR (md_blocklist_error_quark ())

typedef enum
{
  MD_BLOCKLIST_ERROR_INVALID_DATA,   /* the catalog file is malformed */
  MD_BLOCKLIST_ERROR_UNSUPPORTED,    /* e.g. an IPv6 address for an IPv4-only list */
  MD_BLOCKLIST_ERROR_INVALID_NAME,   /* not an IP address / not a domain name */
} MdBlocklistError;

typedef enum
{
  MD_BLOCKLIST_KIND_IPV4,
  MD_BLOCKLIST_KIND_IPV4_IPV6,
  MD_BLOCKLIST_KIND_DOMAIN,
} MdBlocklistKind;

/* How much the big receivers care about a listing. */
typedef enum
{
  MD_BLOCKLIST_WEIGHT_LOW,
  MD_BLOCKLIST_WEIGHT_MEDIUM,
  MD_BLOCKLIST_WEIGHT_HIGH,
} MdBlocklistWeight;

/* How a list can be asked. */
typedef enum
{
  MD_BLOCKLIST_QUERY_DNS,        /* a DNS zone anyone may ask (within its terms) */
  MD_BLOCKLIST_QUERY_KEY,        /* a DNS zone asked only with an access key (key-zone) */
  MD_BLOCKLIST_QUERY_NONE,       /* no DNS query MailDoctor can make: its lookup page */
  MD_BLOCKLIST_QUERY_DEFUNCT,    /* shut down: named so a rejection citing it is explained */
} MdBlocklistQuery;

typedef enum
{
  MD_BLOCKLIST_POLICY_FREE,
  MD_BLOCKLIST_POLICY_LIMITED,
  MD_BLOCKLIST_POLICY_REGISTRATION,
  MD_BLOCKLIST_POLICY_REFUSES_PUBLIC_RESOLVERS,
} MdBlocklistPolicy;

/* What one A record in a list's answer means. */
typedef enum
{
  MD_BLOCKLIST_ANSWER_LISTED,        /* a documented listing code */
  MD_BLOCKLIST_ANSWER_UNKNOWN_CODE,  /* in 127.0.0.0/8 but undocumented: listed (RFC 5782 §2.3) */
  MD_BLOCKLIST_ANSWER_CLEAN,         /* a documented allow-list answer (Hostkarma "white") */
  MD_BLOCKLIST_ANSWER_REFUSED,       /* the list's own "I will not answer you" code */
  MD_BLOCKLIST_ANSWER_REWRITTEN,     /* outside 127.0.0.0/8: the resolver rewrote it */
} MdBlocklistAnswer;

typedef struct _MdBlocklist MdBlocklist;

struct _MdBlocklist
{
  /*< private >*/
  gatomicrefcount    ref_count;

  /*< public >*/
  char              *zone;
  char              *name;
  char              *operator_name;
  MdBlocklistKind    kind;
  MdBlocklistWeight  weight;
  MdBlocklistPolicy  policy;
  gboolean           status_confirmed;
  char              *purpose;          /* translated */
  char              *usage;            /* translated */
  char              *note;             /* translated, may be NULL */
  char              *removal;          /* URL */
  MdBlocklistQuery   query;
  char              *lookup;           /* URL of the operator's lookup page, or NULL */
  char              *test_listed;      /* RFC 5782 §5: IPv4 address or domain */
  char              *test_unlisted;    /* NULL when the list lists it by design */
  char              *test6_listed;     /* IPv6 lists only */
  char              *test6_unlisted;
  char              *key;              /* id of the access key it takes ("spamhaus-dqs"), or NULL */
  char              *key_zone;         /* "{key}.zen.dq.spamhaus.net" */
  GStrv              receivers;        /* receiver ids (receivers.xml) */
  GStrv              sources;

  /*< private >*/
  GPtrArray         *codes;
  GPtrArray         *bits;
  GPtrArray         *refusals;
};

#define MD_TYPE_BLOCKLIST (md_blocklist_get_type ())

GQuark             md_blocklist_error_quark           (void);
GType              md_blocklist_get_type              (void) G_GNUC_CONST;
MdBlocklist       *md_blocklist_ref                   (MdBlocklist        *list);
void               md_blocklist_unref                 (MdBlocklist        *list);

GPtrArray         *md_blocklist_catalog_load          (GError            **error);
GPtrArray         *md_blocklist_catalog_parse         (const char         *data,
                                                       gssize              length,
                                                       GError            **error);

char              *md_blocklist_normalize_domain      (const char         *text);
gboolean           md_blocklist_is_domain_list        (const MdBlocklist  *list);
gboolean           md_blocklist_supports_address      (const MdBlocklist  *list,
                                                       GInetAddress       *address);
char              *md_blocklist_query_name            (const MdBlocklist  *list,
                                                       const char         *subject,
                                                       GError            **error);
char              *md_blocklist_query_name_in         (const MdBlocklist  *list,
                                                       const char         *zone,
                                                       const char         *subject,
                                                       GError            **error);
gboolean           md_blocklist_is_queryable          (const MdBlocklist  *list,
                                                       GHashTable         *keys);
gboolean           md_blocklist_key_is_valid          (const char         *key);
char              *md_blocklist_query_zone            (const MdBlocklist  *list,
                                                       GHashTable         *keys);
char              *md_blocklist_test_query_name       (const MdBlocklist  *list,
                                                       gboolean            ipv6,
                                                       GHashTable         *keys);
char              *md_blocklist_entry_query_name      (const MdBlocklist  *list,
                                                       const char         *zone,
                                                       const char         *entry);
MdBlocklistAnswer  md_blocklist_classify              (const MdBlocklist  *list,
                                                       GInetAddress       *address,
                                                       char              **meaning);
const char        *md_blocklist_refusal_cause         (const MdBlocklist  *list,
                                                       GInetAddress       *address);
guint              md_blocklist_get_n_codes           (const MdBlocklist  *list);

const char        *md_blocklist_kind_to_string        (MdBlocklistKind     kind);
const char        *md_blocklist_weight_to_string      (MdBlocklistWeight   weight);
const char        *md_blocklist_policy_to_string      (MdBlocklistPolicy   policy);


G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdBlocklist, md_blocklist_unref)

G_END_DECLS
