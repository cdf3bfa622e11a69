/* md-mta-sts.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "md-record-util.h"

G_BEGIN_DECLS

/* MTA-STS (RFC 8461): the _mta-sts.<domain> TXT record, the policy file
 * served at https://mta-sts.<domain>/.well-known/mta-sts.txt, and the
 * matching of MX host names against the policy's mx patterns.
 *
 * We follow the RFC grammar strictly (field names and values are
 * case-sensitive, no white space around '=' in the record, at most one
 * trailing ';'), with these choices where the sources we test against
 * disagree:
 *  - Extension tags in the record and extension keys in the policy are
 *    allowed, as RFC 8461 3.1/3.2 say (checkdmarc rejects them). Unknown
 *    policy keys get warning "unknown-field", since a misspelt "max-age"
 *    would otherwise go unnoticed.
 *  - A repeated id, version, mode or max_age is invalid.
 *  - max_age above 31557600 (one year) is invalid; below one day gets
 *    warning "short-max-age".
 *  - Lines may end in LF or CRLF, mixed; blank lines are skipped.
 */

#define MD_MTA_STS_ERROR (md_mta_sts_error_quark ())

typedef enum
{
  MD_MTA_STS_ERROR_EMPTY,
  MD_MTA_STS_ERROR_NOT_MTA_STS,
  MD_MTA_STS_ERROR_BAD_VERSION,
  MD_MTA_STS_ERROR_SYNTAX,
  MD_MTA_STS_ERROR_DUPLICATE,
  MD_MTA_STS_ERROR_MISSING,
  MD_MTA_STS_ERROR_BAD_VALUE,
  MD_MTA_STS_ERROR_TOO_LARGE,
  MD_MTA_STS_ERROR_NO_RECORD,
  MD_MTA_STS_ERROR_MULTIPLE_RECORDS,
} MdMtaStsError;

typedef enum
{
  MD_MTA_STS_MODE_NONE,
  MD_MTA_STS_MODE_TESTING,
  MD_MTA_STS_MODE_ENFORCE,
} MdMtaStsMode;

/* RFC 8461 3.2 */
#define MD_MTA_STS_MAX_AGE_LIMIT 31557600
/* RFC 8461 3.3: senders should not read more of a policy than this. */
#define MD_MTA_STS_POLICY_MAX_SIZE (64 * 1024)

typedef struct
{
  char      *text;
  char      *id;           /* 1–32 letters and digits; a change tells senders to refetch */
  GStrv      extensions;   /* "name=value" as written */
  GPtrArray *warnings;     /* of MdRecordWarning* */
} MdMtaStsRecord;

typedef struct
{
  MdMtaStsMode  mode;
  GStrv         mx;        /* patterns as written: "mx1.example.com", "*.example.net" */
  guint32       max_age;   /* seconds */
  GStrv         extensions;
  GPtrArray    *warnings;
} MdMtaStsPolicy;

#define MD_TYPE_MTA_STS_RECORD (md_mta_sts_record_get_type ())
#define MD_TYPE_MTA_STS_POLICY (md_mta_sts_policy_get_type ())

GQuark          md_mta_sts_error_quark        (void);

GType           md_mta_sts_record_get_type    (void) G_GNUC_CONST;
MdMtaStsRecord *md_mta_sts_record_parse       (const char           *text,
                                               GError              **error);
MdMtaStsRecord *md_mta_sts_record_select      (const char * const   *txts,
                                               GError              **error);
MdMtaStsRecord *md_mta_sts_record_copy        (const MdMtaStsRecord *record);
void            md_mta_sts_record_free        (MdMtaStsRecord       *record);

GType           md_mta_sts_policy_get_type    (void) G_GNUC_CONST;
MdMtaStsPolicy *md_mta_sts_policy_parse       (const char           *text,
                                               gssize                length,
                                               GError              **error);
MdMtaStsPolicy *md_mta_sts_policy_copy        (const MdMtaStsPolicy *policy);
void            md_mta_sts_policy_free        (MdMtaStsPolicy       *policy);
const char     *md_mta_sts_policy_match_mx    (const MdMtaStsPolicy *policy,
                                               const char           *mx_host);

const char     *md_mta_sts_mode_to_string     (MdMtaStsMode          mode);
gboolean        md_mta_sts_mx_pattern_matches (const char           *pattern,
                                               const char           *mx_host);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdMtaStsRecord, md_mta_sts_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdMtaStsPolicy, md_mta_sts_policy_free)

G_END_DECLS
