/* md-mta-sts-fetch.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "md-dns.h"
#include "md-http.h"
#include "md-mta-sts.h"
#include "md-tlsrpt.h"

G_BEGIN_DECLS

/* What a web-side look-up found, for a check to turn into its status:
 * ABSENT → info (not deployed), VALID → ok (warnings may apply), INVALID →
 * problem, UNDECIDED → error ("could not decide", never "passed"). */
typedef enum
{
  MD_WEB_OUTCOME_ABSENT,
  MD_WEB_OUTCOME_VALID,
  MD_WEB_OUTCOME_INVALID,
  MD_WEB_OUTCOME_UNDECIDED,
} MdWebOutcome;

const char *md_web_outcome_to_string (MdWebOutcome outcome);

/* One MX host of the domain and the policy pattern that covers it. */
typedef struct
{
  char    *host;
  guint16  preference;
  char    *pattern;          /* NULL: no mx line of the policy matches */
} MdMtaStsMxMatch;

/* RFC 8461 3.3, as a sending MTA would do it. errors, warnings and notes
 * hold MdRecordWarning* (stable code + translated message):
 *   errors:   dns-error, record-multiple, record-invalid, no-tls-backend,
 *             policy-certificate, policy-tls, policy-connect, policy-timeout,
 *             policy-redirect, policy-status, policy-content-type,
 *             policy-too-large, policy-invalid, mx-dns-error, mx-not-covered
 *   warnings: the record's and the policy's own, plus mx-not-covered in
 *             testing mode, no-mx, mode-none, mode-testing
 *   notes:    id-changed (the record id differs from the one last seen:
 *             normal after a policy update, never an error) */
typedef struct
{
  char            *domain;
  MdWebOutcome     outcome;
  char            *record_name;   /* _mta-sts.DOMAIN */
  MdMtaStsRecord  *record;
  char            *policy_url;
  MdMtaStsPolicy  *policy;
  char            *policy_text;
  GPtrArray       *mx;            /* of MdMtaStsMxMatch*, by preference */
  GPtrArray       *errors;
  GPtrArray       *warnings;
  GPtrArray       *notes;
} MdMtaStsResult;

/* The TLS-RPT record (RFC 8460 3) of a domain. errors: dns-error,
 * record-multiple, record-invalid. */
typedef struct
{
  char            *domain;
  MdWebOutcome     outcome;
  char            *record_name;   /* _smtp._tls.DOMAIN */
  MdTlsRptRecord  *record;
  GPtrArray       *errors;
} MdTlsRptResult;

#define MD_TYPE_MTA_STS_RESULT (md_mta_sts_result_get_type ())
#define MD_TYPE_TLSRPT_RESULT  (md_tlsrpt_result_get_type ())

GType           md_mta_sts_result_get_type  (void) G_GNUC_CONST;
MdMtaStsResult *md_mta_sts_result_copy      (const MdMtaStsResult *result);
void            md_mta_sts_result_free      (MdMtaStsResult       *result);

GType           md_tlsrpt_result_get_type   (void) G_GNUC_CONST;
MdTlsRptResult *md_tlsrpt_result_copy       (const MdTlsRptResult *result);
void            md_tlsrpt_result_free       (MdTlsRptResult       *result);

/* @http may be NULL (a default MdHttp is made); @known_id is the record id
 * seen last time, or NULL. Never fails but for G_IO_ERROR_CANCELLED: what
 * went wrong is in the result. */
void            md_mta_sts_fetch_async      (MdDnsSource          *dns,
                                             MdHttp               *http,
                                             const char           *domain,
                                             const char           *known_id,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
MdMtaStsResult *md_mta_sts_fetch_finish     (GAsyncResult         *result,
                                             GError              **error);

void            md_tlsrpt_lookup_async      (MdDnsSource          *dns,
                                             const char           *domain,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
MdTlsRptResult *md_tlsrpt_lookup_finish     (GAsyncResult         *result,
                                             GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdMtaStsResult, md_mta_sts_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdTlsRptResult, md_tlsrpt_result_free)

G_END_DECLS
