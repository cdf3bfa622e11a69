/* md-dmarc.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "md-record-util.h"

G_BEGIN_DECLS

/* DMARC policy records as RFC 9989 (May 2026) defines them. RFC 9989
 * obsoletes RFC 7489 and RFC 9091; most receivers in the field still read
 * records the RFC 7489 way, so wherever the two disagree we parse per
 * RFC 9989 and add a warning that says what an RFC 7489 reader does instead:
 *
 *  - A missing p means p=none (RFC 7489: the record is invalid unless it has
 *    a valid rua, warning "missing-p").
 *  - pct, rf and ri were removed; they are ignored with a warning
 *    ("removed-tag"), whose text also says when their value is one an
 *    RFC 7489 reader rejects (pct=150: such a reader drops the whole record).
 *  - Tags after v may come in any order (RFC 7489 wants p second:
 *    "p-not-first").
 *  - The "!size" suffix of rua/ruf URIs is obsolete; it is parsed and kept
 *    ("size-suffix").
 *  - np, psd and t are new; RFC 7489 readers ignore them.
 *  - Policy discovery walks the DNS tree (md_dmarc_discovery_names(),
 *    RFC 9989 "DNS Tree Walk") instead of consulting the Public Suffix
 *    List: the domain itself, then (for names of 8 labels or more) its last
 *    7 labels, then one label less each time down to the top-level domain,
 *    at most 8 queries. The organizational domain (for relaxed alignment)
 *    comes from the same walk: a record with psd=n marks it, psd=y marks
 *    the domain one label below, otherwise the record with the fewest
 *    labels wins, and without any record it is the domain itself.
 *
 * Where the sources we test against disagree, MailDoctor's choices are:
 *  - Tag names are case-insensitive ("V=", "P="; RFC ABNF quoted strings),
 *    the version value "DMARC1" is not ("v=dmarc1" is no DMARC record).
 *  - Policy values are the full words, case-insensitive ("ReJect" is fine,
 *    OpenDMARC's "p=n" is not).
 *  - An invalid p, sp or np makes the record invalid, except when rua holds
 *    a valid URI: then the record is read as p=none, as RFC 7489 6.6.3
 *    prescribes (mox does the same, checkdmarc rejects), with warning
 *    "policy-fallback".
 *  - A bare "v=DMARC1" (no ';') reads like "v=DMARC1;": p=none with
 *    warning "missing-p" (mox rejects it).
 *  - A repeated known tag, an invalid adkim/aspf/fo/psd/t and any invalid
 *    rua/ruf URI make the record invalid. A URI with a scheme other than
 *    mailto: is valid but gets warning "report-scheme".
 *  - Empty elements (";;", a trailing ";") are tolerated.
 *  - A TXT string at _dmarc that begins with white space is not a DMARC
 *    record (the RFC says records must start with "v="); we say why.
 */

#define MD_DMARC_ERROR (md_dmarc_error_quark ())

typedef enum
{
  MD_DMARC_ERROR_EMPTY,
  MD_DMARC_ERROR_NOT_DMARC,      /* not a DMARC record at all (SPF, leading space, …) */
  MD_DMARC_ERROR_BAD_VERSION,
  MD_DMARC_ERROR_SYNTAX,
  MD_DMARC_ERROR_DUPLICATE_TAG,
  MD_DMARC_ERROR_BAD_VALUE,
  MD_DMARC_ERROR_BAD_URI,
  MD_DMARC_ERROR_NO_RECORD,
  MD_DMARC_ERROR_MULTIPLE_RECORDS,
  MD_DMARC_ERROR_BAD_DOMAIN,
  MD_DMARC_ERROR_LOOKUP_FAILED,
} MdDmarcError;

typedef enum
{
  MD_DMARC_POLICY_NONE,
  MD_DMARC_POLICY_QUARANTINE,
  MD_DMARC_POLICY_REJECT,
} MdDmarcPolicy;

typedef enum
{
  MD_DMARC_ALIGNMENT_RELAXED,
  MD_DMARC_ALIGNMENT_STRICT,
} MdDmarcAlignment;

typedef enum
{
  MD_DMARC_PSD_UNSPECIFIED,      /* psd=u or absent */
  MD_DMARC_PSD_YES,              /* the domain is a public suffix domain (PSO) */
  MD_DMARC_PSD_NO,               /* the domain is an organizational domain */
} MdDmarcPsd;

/* Failure reporting options (fo), RFC 9989 / RFC 9991. */
typedef enum
{
  MD_DMARC_FO_ALL_FAIL = 1 << 0, /* 0 */
  MD_DMARC_FO_ANY_FAIL = 1 << 1, /* 1 */
  MD_DMARC_FO_DKIM     = 1 << 2, /* d */
  MD_DMARC_FO_SPF      = 1 << 3, /* s */
} MdDmarcFailureOptions;

/* One rua/ruf destination. */
typedef struct
{
  char    *uri;                  /* as written, without the size suffix */
  char    *scheme;               /* lower case: "mailto", "https", … */
  char    *address;              /* mailto: the address (percent-decoded), else NULL */
  char    *domain;               /* the address's domain or the URI's host, lower case */
  guint64  max_size;             /* bytes from "!10m"; 0 when no size was given */
} MdDmarcUri;

typedef struct
{
  char                  *text;
  /* The policy a receiver applies, after defaults and the invalid-p rule. */
  MdDmarcPolicy          policy;
  MdDmarcPolicy          subdomain_policy;    /* sp, else p */
  MdDmarcPolicy          nonexistent_policy;  /* np, else sp, else p */
  gboolean               has_policy;          /* p written (validly) */
  gboolean               has_subdomain_policy;
  gboolean               has_nonexistent_policy;
  gboolean               policy_fallback;     /* invalid p/sp/np + valid rua: read as p=none */
  MdDmarcAlignment       adkim;
  MdDmarcAlignment       aspf;
  GPtrArray             *rua;                 /* of MdDmarcUri* */
  GPtrArray             *ruf;                 /* of MdDmarcUri* */
  MdDmarcFailureOptions  fo;
  MdDmarcPsd             psd;
  gboolean               testing;             /* t=y */
  GPtrArray             *warnings;            /* of MdRecordWarning* */
} MdDmarcRecord;

/* The result of policy discovery for one domain. */
typedef struct
{
  char          *domain;         /* the domain asked about (lower case) */
  char          *policy_domain;  /* where the record that applies was found; NULL: none */
  MdDmarcRecord *record;         /* the record that applies; NULL: no DMARC policy */
  gboolean       inherited;      /* found above @domain: sp/np apply, not p */
  char          *org_domain;     /* organizational domain; NULL when it could not be decided */
  char          *org_domain_problem; /* why @org_domain is NULL */
  GStrv          queried;        /* the names queried, in order; the walk stops early at
                                  * a psd=y/psd=n record */
  GPtrArray     *notes;          /* of MdRecordWarning*: records skipped on the way */
} MdDmarcDiscovery;

/* What a lookup of one _dmarc name gave. FAILED (timeout, SERVFAIL, …) is
 * never read as "no record". */
typedef enum
{
  MD_DMARC_LOOKUP_FOUND,         /* TXT records in *txts (may hold none that is DMARC) */
  MD_DMARC_LOOKUP_NONE,          /* NXDOMAIN or NODATA */
  MD_DMARC_LOOKUP_FAILED,        /* *failure holds the reason */
} MdDmarcLookupResult;

typedef MdDmarcLookupResult (*MdDmarcLookupFunc) (const char  *qname,
                                                  GStrv       *txts,
                                                  char       **failure,
                                                  gpointer     user_data);

#define MD_TYPE_DMARC_URI       (md_dmarc_uri_get_type ())
#define MD_TYPE_DMARC_RECORD    (md_dmarc_record_get_type ())
#define MD_TYPE_DMARC_DISCOVERY (md_dmarc_discovery_get_type ())

GQuark            md_dmarc_error_quark            (void);

GType             md_dmarc_uri_get_type           (void) G_GNUC_CONST;
MdDmarcUri       *md_dmarc_uri_copy               (const MdDmarcUri       *uri);
void              md_dmarc_uri_free               (MdDmarcUri             *uri);

GType             md_dmarc_record_get_type        (void) G_GNUC_CONST;
MdDmarcRecord    *md_dmarc_record_parse           (const char             *text,
                                                   GError                **error);
MdDmarcRecord    *md_dmarc_record_copy            (const MdDmarcRecord    *record);
void              md_dmarc_record_free            (MdDmarcRecord          *record);
MdDmarcRecord    *md_dmarc_record_select          (const char * const     *txts,
                                                   GPtrArray              *notes,
                                                   GError                **error);
char             *md_dmarc_record_format_fo       (const MdDmarcRecord    *record);

const char       *md_dmarc_policy_to_string       (MdDmarcPolicy           policy);
const char       *md_dmarc_alignment_to_string    (MdDmarcAlignment        alignment);
const char       *md_dmarc_psd_to_string          (MdDmarcPsd              psd);

GStrv             md_dmarc_discovery_names        (const char             *domain,
                                                   GError                **error);
GType             md_dmarc_discovery_get_type     (void) G_GNUC_CONST;
MdDmarcDiscovery *md_dmarc_discover               (const char             *domain,
                                                   MdDmarcLookupFunc       lookup,
                                                   gpointer                user_data,
                                                   GError                **error);
MdDmarcDiscovery *md_dmarc_discovery_copy         (const MdDmarcDiscovery *discovery);
void              md_dmarc_discovery_free         (MdDmarcDiscovery       *discovery);
MdDmarcPolicy     md_dmarc_discovery_policy_for   (const MdDmarcDiscovery *discovery,
                                                   gboolean                domain_exists);

gboolean          md_dmarc_identifier_aligned     (MdDmarcAlignment        mode,
                                                   const char             *from_domain,
                                                   const char             *from_org_domain,
                                                   const char             *auth_domain,
                                                   const char             *auth_org_domain);

gboolean          md_dmarc_report_needs_authorization (const char         *policy_org_domain,
                                                       const char         *destination_domain);
char             *md_dmarc_report_authorization_name  (const char         *policy_domain,
                                                       const char         *destination_domain);
gboolean          md_dmarc_report_authorization_ok    (const char * const *txts);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdDmarcUri, md_dmarc_uri_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdDmarcRecord, md_dmarc_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdDmarcDiscovery, md_dmarc_discovery_free)

G_END_DECLS
