/* md-spf.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "md-dns.h"

G_BEGIN_DECLS

#define MD_SPF_ERROR (md_spf_error_quark ())

typedef enum
{
  MD_SPF_ERROR_NOT_SPF,   /* the text is not a v=spf1 record at all */
  MD_SPF_ERROR_SYNTAX,    /* a v=spf1 record that breaks the RFC 7208 grammar */
} MdSpfError;

/* The seven results of RFC 7208 section 2.6. */
typedef enum
{
  MD_SPF_VERDICT_NONE,
  MD_SPF_VERDICT_NEUTRAL,
  MD_SPF_VERDICT_PASS,
  MD_SPF_VERDICT_FAIL,
  MD_SPF_VERDICT_SOFTFAIL,
  MD_SPF_VERDICT_TEMPERROR,
  MD_SPF_VERDICT_PERMERROR,
} MdSpfVerdict;

typedef enum
{
  MD_SPF_TERM_ALL,
  MD_SPF_TERM_INCLUDE,
  MD_SPF_TERM_A,
  MD_SPF_TERM_MX,
  MD_SPF_TERM_PTR,
  MD_SPF_TERM_IP4,
  MD_SPF_TERM_IP6,
  MD_SPF_TERM_EXISTS,
  MD_SPF_TERM_REDIRECT,
  MD_SPF_TERM_EXP,
  MD_SPF_TERM_UNKNOWN_MODIFIER,
} MdSpfTermType;

/* One directive or modifier of a parsed record. */
typedef struct
{
  MdSpfTermType  type;
  MdSpfVerdict   qualifier;    /* mechanisms: PASS, FAIL, SOFTFAIL or NEUTRAL */
  char          *text;         /* the term as written */
  char          *domain_spec;  /* include a mx ptr exists redirect exp; NULL when absent */
  char          *name;         /* unknown modifiers: name and (unexpanded) value */
  char          *value;
  GInetAddress  *address;      /* ip4, ip6 */
  guint          cidr4;        /* 32 unless given */
  guint          cidr6;        /* 128 unless given */
} MdSpfTerm;

typedef struct
{
  GPtrArray       *terms;      /* of MdSpfTerm*, in record order */
  const MdSpfTerm *redirect;   /* points into terms, or NULL */
  const MdSpfTerm *exp;        /* points into terms, or NULL */
} MdSpfRecord;

/* Something worth fixing even when the result is pass. */
typedef struct
{
  char *id;        /* stable: near-lookup-limit, plus-all, ptr, spf-rr-only,
                    * multiple-records, void-lookups */
  char *message;   /* translated */
} MdSpfProblem;

typedef struct
{
  MdSpfVerdict  verdict;
  char         *domain;           /* the domain check_host() started with */
  char         *sender;           /* the identity checked (postmaster@HELO for '') */
  char         *explanation;      /* exp= text for fail; NULL: none published or usable */
  char         *mechanism;        /* the term that decided, as written; NULL for the default */
  char         *mechanism_domain; /* whose record held it */
  char         *reason;           /* translated: why none/permerror/temperror */
  guint         dns_lookups;      /* terms that queried DNS, against the limit of 10 */
  guint         void_lookups;     /* against the limit of 2 */
  GPtrArray    *trace;            /* of char*, translated */
  GPtrArray    *problems;         /* of MdSpfProblem* */
} MdSpfResult;

#define MD_SPF_MAX_DNS_LOOKUPS  10
#define MD_SPF_MAX_VOID_LOOKUPS 2

#define MD_TYPE_SPF_RECORD (md_spf_record_get_type ())
#define MD_TYPE_SPF_RESULT (md_spf_result_get_type ())

GQuark        md_spf_error_quark          (void);

const char   *md_spf_verdict_to_string    (MdSpfVerdict        verdict);
const char   *md_spf_verdict_describe     (MdSpfVerdict        verdict);
gboolean      md_spf_verdict_from_string  (const char         *string,
                                           MdSpfVerdict       *verdict);

gboolean      md_spf_text_is_spf          (const char         *text);

GType         md_spf_record_get_type      (void) G_GNUC_CONST;
MdSpfRecord  *md_spf_record_parse         (const char         *record,
                                           GError            **error);
MdSpfRecord  *md_spf_record_copy          (const MdSpfRecord  *record);
void          md_spf_record_free          (MdSpfRecord        *record);

/* Expands a macro-string without DNS: %{p} expands to "unknown".
 * @explanation allows the exp-only letters c, r and t. */
char         *md_spf_expand_macros        (const char         *string,
                                           const char         *sender,
                                           const char         *domain,
                                           GInetAddress       *ip,
                                           const char         *helo,
                                           gboolean            explanation,
                                           GError            **error);

GType         md_spf_result_get_type      (void) G_GNUC_CONST;
MdSpfResult  *md_spf_result_copy          (const MdSpfResult  *result);
void          md_spf_result_free          (MdSpfResult        *result);

/* check_host() of RFC 7208 for the MAIL FROM identity @sender; an empty or
 * NULL @sender checks the HELO identity (postmaster@@helo). The only GError
 * is G_IO_ERROR_CANCELLED: every DNS trouble is a verdict. */
void          md_spf_check_async          (MdDnsSource        *source,
                                           GInetAddress       *ip,
                                           const char         *sender,
                                           const char         *helo,
                                           GCancellable       *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer            user_data);
MdSpfResult  *md_spf_check_finish         (GAsyncResult       *result,
                                           GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdSpfRecord, md_spf_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdSpfResult, md_spf_result_free)

G_END_DECLS
