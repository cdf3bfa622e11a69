/* fuzz-mta-sts.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* libFuzzer target for the MTA-STS policy file parser (raw bytes, as an
 * HTTPS body arrives: NUL bytes, CR, no final newline), the _mta-sts and
 * _smtp._tls TXT record parsers, and mx pattern matching. */

#include "config.h"

#include "md-mta-sts.h"
#include "md-tlsrpt.h"

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(MdMtaStsPolicy) policy = NULL;
  g_autoptr(MdMtaStsRecord) record = NULL;
  g_autoptr(MdTlsRptRecord) tlsrpt = NULL;
  g_auto(GStrv) lines = g_strsplit (text, "\n", 2);

  policy = md_mta_sts_policy_parse ((const char *) data, (gssize) size, NULL);
  if (policy != NULL)
    {
      g_autoptr(MdMtaStsPolicy) copy = md_mta_sts_policy_copy (policy);

      /* The first line as an MX host name against every pattern */
      md_mta_sts_policy_match_mx (copy, lines[0] != NULL ? lines[0] : "");
      for (guint i = 0; copy->mx[i] != NULL; i++)
        md_mta_sts_mx_pattern_matches (copy->mx[i], copy->mx[i]);
    }

  record = md_mta_sts_record_parse (text, NULL);
  tlsrpt = md_tlsrpt_record_parse (text, NULL);
  if (lines[0] != NULL && lines[1] != NULL)
    md_mta_sts_mx_pattern_matches (lines[0], lines[1]);

  return 0;
}
