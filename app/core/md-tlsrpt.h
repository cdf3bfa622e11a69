/* md-tlsrpt.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "md-record-util.h"

G_BEGIN_DECLS

/* SMTP TLS Reporting (RFC 8460 3): the _smtp._tls.<domain> TXT record,
 * "v=TLSRPTv1; rua=mailto:…,https://…".
 *
 * Strict RFC grammar (case-sensitive names, no white space around '=').
 * Choices where the sources we test against disagree:
 *  - Extension fields are allowed (RFC 8460; checkdmarc rejects them).
 *  - A second rua field is accepted, its URIs added to the first, with
 *    warning "repeated-rua": mox reads it that way, checkdmarc rejects it,
 *    and a reporter may use only one of them.
 *  - Every report URI must be a valid mailto: or https: URI; one bad URI
 *    makes the record invalid.
 */

#define MD_TLSRPT_ERROR (md_tlsrpt_error_quark ())

typedef enum
{
  MD_TLSRPT_ERROR_EMPTY,
  MD_TLSRPT_ERROR_NOT_TLSRPT,
  MD_TLSRPT_ERROR_BAD_VERSION,
  MD_TLSRPT_ERROR_SYNTAX,
  MD_TLSRPT_ERROR_MISSING_RUA,
  MD_TLSRPT_ERROR_BAD_URI,
  MD_TLSRPT_ERROR_NO_RECORD,
  MD_TLSRPT_ERROR_MULTIPLE_RECORDS,
} MdTlsRptError;

typedef struct
{
  char      *text;
  GStrv      rua;          /* report URIs as written, in order */
  GStrv      extensions;   /* "name=value" */
  GPtrArray *warnings;     /* of MdRecordWarning* */
} MdTlsRptRecord;

#define MD_TYPE_TLSRPT_RECORD (md_tlsrpt_record_get_type ())

GQuark          md_tlsrpt_error_quark       (void);
GType           md_tlsrpt_record_get_type   (void) G_GNUC_CONST;
MdTlsRptRecord *md_tlsrpt_record_parse      (const char           *text,
                                             GError              **error);
MdTlsRptRecord *md_tlsrpt_record_select     (const char * const   *txts,
                                             GError              **error);
MdTlsRptRecord *md_tlsrpt_record_copy       (const MdTlsRptRecord *record);
void            md_tlsrpt_record_free       (MdTlsRptRecord       *record);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdTlsRptRecord, md_tlsrpt_record_free)

G_END_DECLS
