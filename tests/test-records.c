/* test-records.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Every vector of tests/data/records/ (DMARC, DKIM key, MTA-STS, TLS-RPT)
 * against the parsers, plus the DMARC tree walk and report authorisation.
 *
 * The vectors carry the verdict of the project they come from; those
 * projects disagree with each other (RFC 7489 vs RFC 9989, strict vs
 * lenient). The tables below give MailDoctor's verdict for each vector:
 * valid, valid with warnings (the exact warning codes), invalid (the exact
 * error code) or revoked. Wherever that differs from the source's verdict
 * the entry says why, and the test fails if a difference is unexplained. */

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "md-dkim-key.h"
#include "md-dmarc.h"
#include "md-mta-sts.h"
#include "md-test-util.h"
#include "md-tlsrpt.h"
#include "md-util.h"

typedef enum
{
  VALID,      /* parses, no warning */
  WARN,       /* parses, with exactly the warnings in @codes */
  INVALID,    /* error @error_code */
  REVOKED,    /* DKIM: a key record with an empty p= */
  MATCH,      /* MTA-STS mx pattern */
  NO_MATCH,
} Verdict;

typedef struct
{
  const char *id;
  Verdict     verdict;
  int         error_code;
  const char *codes;   /* WARN: warning codes, space-separated, any order */
  const char *why;     /* why MailDoctor differs from the source's verdict */
} Expectation;

/* Reasons shared by many vectors */
#define WHY_9989_REMOVED "RFC 9989 removed pct/rf/ri: ignored with a warning (that says when " \
                         "an RFC 7489 reader would reject the value), not an error"
#define WHY_9989_MISSING_P "RFC 9989: a missing p means p=none; we warn that RFC 7489 " \
                           "receivers ignore such a record"
#define WHY_9989_ORDER "RFC 9989 allows any tag order; we warn that p is not second"
#define WHY_FALLBACK "RFC 7489 6.6.3: invalid p/sp/np with a valid rua reads as p=none " \
                     "(as mox does); we warn"
#define WHY_STRICT_POLICY "policy values are the full words none/quarantine/reject"

static const Expectation dmarc_expectations[] = {
  { "opendmarc-01", WARN, 0, "removed-tag", NULL },
  { "opendmarc-02", WARN, 0, "no-rua", NULL },
  { "opendmarc-03", WARN, 0, "no-rua", NULL },
  { "opendmarc-04", WARN, 0, "no-rua", NULL },
  { "opendmarc-05", INVALID, MD_DMARC_ERROR_BAD_VALUE, NULL, WHY_STRICT_POLICY
    " (OpenDMARC accepts the abbreviation p=n, the RFC grammar does not)" },
  { "opendmarc-06", INVALID, MD_DMARC_ERROR_EMPTY, NULL, NULL },
  { "opendmarc-07", INVALID, MD_DMARC_ERROR_BAD_VERSION, NULL, NULL },
  { "opendmarc-08", INVALID, MD_DMARC_ERROR_BAD_VALUE, NULL, NULL },
  { "opendmarc-09", INVALID, MD_DMARC_ERROR_BAD_VALUE, NULL, NULL },
  { "opendmarc-10", INVALID, MD_DMARC_ERROR_BAD_VALUE, NULL, NULL },
  { "opendmarc-11", INVALID, MD_DMARC_ERROR_BAD_VALUE, NULL, NULL },
  { "opendmarc-12", WARN, 0, "removed-tag no-rua", WHY_9989_REMOVED },
  { "opendmarc-13", WARN, 0, "removed-tag no-rua", WHY_9989_REMOVED },
  { "opendmarc-14", WARN, 0, "removed-tag no-rua", WHY_9989_REMOVED },
  { "opendmarc-15", WARN, 0, "removed-tag missing-p no-rua", WHY_9989_MISSING_P },
  { "opendmarc-16", WARN, 0, "report-scheme", NULL },
  { "opendmarc-17", WARN, 0, "report-address no-rua", NULL },
  { "opendmarc-18", WARN, 0, "report-address unknown-tag unknown-tag no-rua", NULL },
  { "opendmarc-19", WARN, 0, "removed-tag no-rua", WHY_9989_REMOVED },
  { "mox-bad-01", INVALID, MD_DMARC_ERROR_EMPTY, NULL, NULL },
  { "mox-bad-02", INVALID, MD_DMARC_ERROR_BAD_VERSION, NULL, NULL },
  { "mox-bad-03", INVALID, MD_DMARC_ERROR_BAD_VERSION, NULL, NULL },
  { "mox-bad-04", WARN, 0, "missing-p no-rua", WHY_9989_MISSING_P
    "; a bare v=DMARC1 reads like v=DMARC1;" },
  { "mox-bad-05", INVALID, MD_DMARC_ERROR_BAD_VERSION, NULL, NULL },
  { "mox-bad-06", INVALID, MD_DMARC_ERROR_BAD_VERSION, NULL, NULL },
  { "mox-bad-07", WARN, 0, "missing-p no-rua", WHY_9989_MISSING_P },
  { "mox-bad-08", INVALID, MD_DMARC_ERROR_BAD_VALUE, NULL, NULL },
  { "mox-bad-09", WARN, 0, "p-not-first no-rua", WHY_9989_ORDER },
  { "mox-bad-10", INVALID, MD_DMARC_ERROR_DUPLICATE_TAG, NULL, NULL },
  { "mox-bad-11", INVALID, MD_DMARC_ERROR_DUPLICATE_TAG, NULL, NULL },
  { "mox-bad-12", WARN, 0, "missing-p no-rua", WHY_9989_MISSING_P
    "; empty elements (';;') are tolerated" },
  { "mox-bad-13", INVALID, MD_DMARC_ERROR_BAD_VALUE, NULL, NULL },
  { "mox-bad-14", INVALID, MD_DMARC_ERROR_BAD_VALUE, NULL, NULL },
  { "mox-bad-15", WARN, 0, "removed-tag missing-p no-rua", WHY_9989_REMOVED },
  { "mox-bad-16", WARN, 0, "removed-tag missing-p no-rua", WHY_9989_REMOVED },
  { "mox-bad-17", WARN, 0, "removed-tag missing-p no-rua", WHY_9989_REMOVED },
  { "mox-bad-18", WARN, 0, "removed-tag missing-p no-rua", WHY_9989_REMOVED },
  { "mox-bad-19", WARN, 0, "removed-tag missing-p no-rua", WHY_9989_REMOVED },
  { "mox-bad-20", INVALID, MD_DMARC_ERROR_BAD_VALUE, NULL, NULL },
  { "mox-bad-21", INVALID, MD_DMARC_ERROR_BAD_VALUE, NULL, NULL },
  { "mox-bad-22", INVALID, MD_DMARC_ERROR_BAD_VALUE, NULL, NULL },
  { "mox-bad-23", WARN, 0, "removed-tag missing-p no-rua", WHY_9989_REMOVED },
  { "mox-bad-24", WARN, 0, "removed-tag missing-p no-rua", WHY_9989_REMOVED },
  { "mox-bad-25", WARN, 0, "removed-tag missing-p no-rua", WHY_9989_REMOVED },
  { "mox-bad-26", INVALID, MD_DMARC_ERROR_BAD_VALUE, NULL, NULL },
  { "mox-bad-27", INVALID, MD_DMARC_ERROR_BAD_VALUE, NULL, NULL },
  { "mox-bad-28", WARN, 0, "removed-tag missing-p no-rua", WHY_9989_REMOVED },
  { "mox-bad-29", WARN, 0, "removed-tag missing-p no-rua", WHY_9989_REMOVED },
  { "mox-bad-30", WARN, 0, "removed-tag missing-p no-rua", WHY_9989_REMOVED },
  { "mox-bad-31", INVALID, MD_DMARC_ERROR_BAD_URI, NULL, NULL },
  { "mox-bad-32", INVALID, MD_DMARC_ERROR_BAD_URI, NULL, NULL },
  { "mox-bad-33", INVALID, MD_DMARC_ERROR_BAD_URI, NULL, NULL },
  { "mox-bad-34", INVALID, MD_DMARC_ERROR_BAD_URI, NULL, NULL },
  { "mox-bad-35", INVALID, MD_DMARC_ERROR_BAD_URI, NULL, NULL },
  { "mox-good-01", WARN, 0, "missing-p", NULL },
  { "mox-good-02", WARN, 0, "policy-fallback", NULL },
  { "mox-good-03", VALID, 0, NULL, NULL },
  { "mox-good-04", VALID, 0, NULL, NULL },
  { "mox-good-05", WARN, 0, "size-suffix removed-tag", NULL },
  { "mox-good-06", WARN, 0,
    "unknown-tag size-suffix removed-tag fo-redundant removed-tag removed-tag sp-none", NULL },
  { "mail-auth-01", VALID, 0, NULL, NULL },
  { "mail-auth-02", VALID, 0, NULL, NULL },
  { "mail-auth-03", WARN, 0, "size-suffix removed-tag", NULL },
  { "mail-auth-04", VALID, 0, NULL, NULL },
  { "mail-auth-05", WARN, 0, "removed-tag size-suffix unknown-tag removed-tag", NULL },
  { "mail-auth-06", VALID, 0, NULL, NULL },
  { "checkdmarc-01", WARN, 0, "no-rua", NULL },
  { "checkdmarc-02", WARN, 0, "no-rua", NULL },
  { "checkdmarc-03", WARN, 0, "no-rua", NULL },
  { "checkdmarc-04", WARN, 0, "no-rua", NULL },
  { "checkdmarc-05", WARN, 0, "no-rua", NULL },
  { "checkdmarc-06", INVALID, MD_DMARC_ERROR_BAD_URI, NULL, NULL },
  { "checkdmarc-07", INVALID, MD_DMARC_ERROR_BAD_URI, NULL, NULL },
  { "checkdmarc-08", WARN, 0, "policy-fallback", WHY_FALLBACK " (checkdmarc rejects)" },
  { "checkdmarc-09", WARN, 0, "no-rua", NULL },
  { "checkdmarc-10", WARN, 0, "no-rua", NULL },
  { "checkdmarc-11", WARN, 0, "no-rua", NULL },
  { "checkdmarc-12", INVALID, MD_DMARC_ERROR_BAD_VALUE, NULL, NULL },
  { "checkdmarc-13", INVALID, MD_DMARC_ERROR_BAD_VALUE, NULL, NULL },
  { "checkdmarc-14", INVALID, MD_DMARC_ERROR_BAD_VALUE, NULL, NULL },
  { "checkdmarc-15", WARN, 0, "removed-tag no-rua", NULL },
  { "checkdmarc-16", WARN, 0, "removed-tag no-rua", NULL },
  { "checkdmarc-17", WARN, 0, "removed-tag no-rua", NULL },
  { "checkdmarc-18", WARN, 0, "missing-p", NULL },
  { "checkdmarc-19", WARN, 0, "no-rua", NULL },
  { "checkdmarc-20", WARN, 0, "no-rua", NULL },
  { "checkdmarc-21", INVALID, MD_DMARC_ERROR_SYNTAX, NULL, NULL },
  { "checkdmarc-22", INVALID, MD_DMARC_ERROR_BAD_VALUE, NULL, NULL },
  { "checkdmarc-23", INVALID, MD_DMARC_ERROR_DUPLICATE_TAG, NULL, NULL },
  { "checkdmarc-24", WARN, 0, "unknown-tag no-rua", NULL },
  { "checkdmarc-25", INVALID, MD_DMARC_ERROR_NOT_DMARC, NULL, NULL },
  { "checkdmarc-26", WARN, 0, "removed-tag no-rua", NULL },
  { "checkdmarc-27", WARN, 0, "removed-tag no-rua", NULL },
  { "checkdmarc-28", WARN, 0, "removed-tag no-rua", NULL },
  { "checkdmarc-29", WARN, 0, "removed-tag no-rua", NULL },
  { "checkdmarc-30", WARN, 0, "removed-tag no-rua", NULL },
  { "checkdmarc-31", WARN, 0, "fo-redundant no-rua", NULL },
  { "checkdmarc-32", INVALID, MD_DMARC_ERROR_BAD_VALUE, NULL, NULL },
  { "checkdmarc-33", WARN, 0, "removed-tag no-rua", NULL },
  { "checkdmarc-34", WARN, 0, "sp-none no-rua", NULL },
  { "checkdmarc-35", WARN, 0, "p-not-first sp-none no-rua", NULL },
  { "checkdmarc-36", INVALID, MD_DMARC_ERROR_BAD_VALUE, NULL, NULL },
  /* TXT RRsets at _dmarc */
  { "checkdmarc-set-01", INVALID, MD_DMARC_ERROR_NOT_DMARC, NULL, NULL },
  { "checkdmarc-set-02", INVALID, MD_DMARC_ERROR_MULTIPLE_RECORDS, NULL, NULL },
  { "checkdmarc-set-03", WARN, 0, "unrelated-txt no-rua",
    "RFC 9989 discards TXT strings that are not DMARC records; we note the extra one" },
};

#define WHY_DKIM_TRAILING "white space after the final ';' is tolerated, as verifiers in " \
                          "the field do"

static const Expectation dkim_expectations[] = {
  { "mox-01", INVALID, MD_DKIM_KEY_ERROR_EMPTY, NULL, NULL },
  { "mox-02", INVALID, MD_DKIM_KEY_ERROR_MISSING_KEY, NULL, NULL },
  { "mox-03", INVALID, MD_DKIM_KEY_ERROR_VERSION_NOT_FIRST, NULL, NULL },
  { "mox-04", REVOKED, 0, NULL, WHY_DKIM_TRAILING },
  { "mox-05", INVALID, MD_DKIM_KEY_ERROR_BAD_VERSION, NULL, NULL },
  { "mox-06", INVALID, MD_DKIM_KEY_ERROR_BAD_KEY, NULL, NULL },
  { "mox-07", INVALID, MD_DKIM_KEY_ERROR_DUPLICATE_TAG, NULL, NULL },
  { "mox-08", INVALID, MD_DKIM_KEY_ERROR_BAD_KEY, NULL, NULL },
  { "mox-09", INVALID, MD_DKIM_KEY_ERROR_UNKNOWN_KEY_TYPE, NULL, NULL },
  { "mox-10", REVOKED, 0, "unknown-tag", NULL },
  { "mox-11", WARN, 0, "unknown-hash unknown-flag testing unknown-tag", NULL },
  { "mox-12", VALID, 0, NULL, NULL },
  { "mail-auth-01", WARN, 0, "key-size", NULL },
  { "mail-auth-02", WARN, 0,
    "unknown-flag unknown-flag testing unknown-hash unknown-hash no-sha256", NULL },
  { "mail-auth-03", WARN, 0, "key-size", NULL },
  { "mail-auth-04", REVOKED, 0, NULL, NULL },
  { "mail-auth-05", REVOKED, 0, NULL, NULL },
  { "mail-auth-06", REVOKED, 0, NULL, NULL },
  { "go-msgauth-01", WARN, 0, "key-size", NULL },
  { "go-msgauth-02", WARN, 0, "pkcs1-key key-size", NULL },
  { "go-msgauth-03", VALID, 0, NULL, NULL },
};

static const Expectation mta_sts_record_expectations[] = {
  { "mox-sts-record-01", VALID, 0, NULL, NULL },
  { "mox-sts-record-02", VALID, 0, NULL, NULL },
  { "mox-sts-record-03", VALID, 0, NULL, NULL },
  { "mox-sts-record-04", VALID, 0, NULL, NULL },
  { "mox-sts-record-05", INVALID, MD_MTA_STS_ERROR_BAD_VERSION, NULL, NULL },
  { "mox-sts-record-06", INVALID, MD_MTA_STS_ERROR_BAD_VERSION, NULL, NULL },
  { "mox-sts-record-07", INVALID, MD_MTA_STS_ERROR_BAD_VERSION, NULL, NULL },
  { "mox-sts-record-08", INVALID, MD_MTA_STS_ERROR_MISSING, NULL, NULL },
  { "mox-sts-record-09", INVALID, MD_MTA_STS_ERROR_MISSING, NULL, NULL },
  { "mox-sts-record-10", INVALID, MD_MTA_STS_ERROR_MISSING, NULL, NULL },
  { "mox-sts-record-11", INVALID, MD_MTA_STS_ERROR_BAD_VALUE, NULL, NULL },
  { "mox-sts-record-12", INVALID, MD_MTA_STS_ERROR_BAD_VALUE, NULL, NULL },
  { "mox-sts-record-13", INVALID, MD_MTA_STS_ERROR_BAD_VALUE, NULL, NULL },
  { "mox-sts-record-14", INVALID, MD_MTA_STS_ERROR_SYNTAX, NULL, NULL },
  { "mox-sts-record-15", INVALID, MD_MTA_STS_ERROR_SYNTAX, NULL, NULL },
  { "mox-sts-record-16", INVALID, MD_MTA_STS_ERROR_SYNTAX, NULL, NULL },
  { "mox-sts-record-17", INVALID, MD_MTA_STS_ERROR_SYNTAX, NULL, NULL },
  { "mox-sts-record-18", INVALID, MD_MTA_STS_ERROR_SYNTAX, NULL, NULL },
  { "mail-auth-sts-01", VALID, 0, NULL, NULL },
  { "mail-auth-sts-02", VALID, 0, NULL, NULL },
  { "checkdmarc-sts-01", VALID, 0, NULL, NULL },
  { "checkdmarc-sts-02", INVALID, MD_MTA_STS_ERROR_MISSING, NULL, NULL },
  { "checkdmarc-sts-03", INVALID, MD_MTA_STS_ERROR_DUPLICATE, NULL, NULL },
};

static const Expectation mta_sts_policy_expectations[] = {
  { "mox-sts-policy-01", VALID, 0, NULL, NULL },
  { "mox-sts-policy-02", WARN, 0, "short-max-age", NULL },
  { "mox-sts-policy-03", WARN, 0, "short-max-age unknown-field", NULL },
  { "mox-sts-policy-04", INVALID, MD_MTA_STS_ERROR_MISSING, NULL, NULL },
  { "mox-sts-policy-05", INVALID, MD_MTA_STS_ERROR_BAD_VERSION, NULL, NULL },
  { "mox-sts-policy-06", INVALID, MD_MTA_STS_ERROR_BAD_VERSION, NULL, NULL },
  { "mox-sts-policy-07", INVALID, MD_MTA_STS_ERROR_BAD_VERSION, NULL, NULL },
  { "mox-sts-policy-08", INVALID, MD_MTA_STS_ERROR_MISSING, NULL, NULL },
  { "mox-sts-policy-09", INVALID, MD_MTA_STS_ERROR_MISSING, NULL, NULL },
  { "mox-sts-policy-10", INVALID, MD_MTA_STS_ERROR_MISSING, NULL, NULL },
  { "mox-sts-policy-11", INVALID, MD_MTA_STS_ERROR_MISSING, NULL, NULL },
  { "mox-sts-policy-12", INVALID, MD_MTA_STS_ERROR_MISSING, NULL, NULL },
  { "mox-sts-policy-13", INVALID, MD_MTA_STS_ERROR_BAD_VALUE, NULL, NULL },
  { "mox-sts-policy-14", INVALID, MD_MTA_STS_ERROR_BAD_VALUE, NULL, NULL },
  { "mox-sts-policy-15", INVALID, MD_MTA_STS_ERROR_BAD_VALUE, NULL, NULL },
  { "mox-sts-policy-16", INVALID, MD_MTA_STS_ERROR_BAD_VALUE, NULL, NULL },
  { "mox-sts-policy-17", INVALID, MD_MTA_STS_ERROR_BAD_VALUE, NULL, NULL },
  { "mox-sts-policy-18", INVALID, MD_MTA_STS_ERROR_BAD_VALUE, NULL, NULL },
  { "mox-sts-policy-19", INVALID, MD_MTA_STS_ERROR_BAD_VALUE, NULL, NULL },
  { "mox-sts-policy-20", INVALID, MD_MTA_STS_ERROR_BAD_VALUE, NULL, NULL },
  { "mox-sts-policy-21", INVALID, MD_MTA_STS_ERROR_SYNTAX, NULL, NULL },
  { "mox-sts-policy-22", INVALID, MD_MTA_STS_ERROR_SYNTAX, NULL, NULL },
  { "mox-sts-policy-23", INVALID, MD_MTA_STS_ERROR_SYNTAX, NULL, NULL },
  { "mox-sts-policy-24", INVALID, MD_MTA_STS_ERROR_BAD_VALUE, NULL, NULL },
  { "checkdmarc-policy-01", VALID, 0, NULL, NULL },
  { "checkdmarc-policy-02", WARN, 0, "short-max-age", NULL },
  { "checkdmarc-policy-03", INVALID, MD_MTA_STS_ERROR_MISSING, NULL, NULL },
  { "checkdmarc-policy-04", INVALID, MD_MTA_STS_ERROR_BAD_VALUE, NULL, NULL },
  { "checkdmarc-policy-05", INVALID, MD_MTA_STS_ERROR_BAD_VALUE, NULL, NULL },
  { "checkdmarc-policy-06", INVALID, MD_MTA_STS_ERROR_BAD_VALUE, NULL, NULL },
  { "checkdmarc-policy-07", INVALID, MD_MTA_STS_ERROR_BAD_VALUE, NULL, NULL },
  { "checkdmarc-policy-08", INVALID, MD_MTA_STS_ERROR_DUPLICATE, NULL, NULL },
  { "checkdmarc-policy-09", INVALID, MD_MTA_STS_ERROR_BAD_VERSION, NULL, NULL },
  { "checkdmarc-policy-10", INVALID, MD_MTA_STS_ERROR_BAD_VALUE, NULL, NULL },
  { "checkdmarc-policy-11", INVALID, MD_MTA_STS_ERROR_MISSING, NULL, NULL },
  { "checkdmarc-policy-12", INVALID, MD_MTA_STS_ERROR_SYNTAX, NULL, NULL },
  { "checkdmarc-policy-13", WARN, 0, "unknown-field",
    "RFC 8461 3.2 allows extension keys (mox accepts them); we warn, a typo may hide there" },
};

static const Expectation mx_match_expectations[] = {
  { "checkdmarc-mxmatch-01", MATCH, 0, NULL, NULL },
  { "checkdmarc-mxmatch-02", MATCH, 0, NULL, NULL },
  { "checkdmarc-mxmatch-03", NO_MATCH, 0, NULL, NULL },
};

static const Expectation tlsrpt_expectations[] = {
  { "mox-tlsrpt-01", VALID, 0, NULL, NULL },
  { "mox-tlsrpt-02", VALID, 0, NULL, NULL },
  { "mox-tlsrpt-03", VALID, 0, NULL, NULL },
  { "mox-tlsrpt-04", WARN, 0, "repeated-rua", NULL },
  { "mox-tlsrpt-05", INVALID, MD_TLSRPT_ERROR_BAD_VERSION, NULL, NULL },
  { "mox-tlsrpt-06", INVALID, MD_TLSRPT_ERROR_BAD_VERSION, NULL, NULL },
  { "mox-tlsrpt-07", INVALID, MD_TLSRPT_ERROR_BAD_VERSION, NULL, NULL },
  { "mox-tlsrpt-08", INVALID, MD_TLSRPT_ERROR_MISSING_RUA, NULL, NULL },
  { "mox-tlsrpt-09", INVALID, MD_TLSRPT_ERROR_MISSING_RUA, NULL, NULL },
  { "mox-tlsrpt-10", INVALID, MD_TLSRPT_ERROR_MISSING_RUA, NULL, NULL },
  { "mox-tlsrpt-11", INVALID, MD_TLSRPT_ERROR_BAD_URI, NULL, NULL },
  { "mox-tlsrpt-12", INVALID, MD_TLSRPT_ERROR_BAD_URI, NULL, NULL },
  { "mox-tlsrpt-13", INVALID, MD_TLSRPT_ERROR_BAD_URI, NULL, NULL },
  { "mox-tlsrpt-14", INVALID, MD_TLSRPT_ERROR_SYNTAX, NULL, NULL },
  { "mox-tlsrpt-15", INVALID, MD_TLSRPT_ERROR_SYNTAX, NULL, NULL },
  { "mox-tlsrpt-16", INVALID, MD_TLSRPT_ERROR_SYNTAX, NULL, NULL },
  { "mox-tlsrpt-17", INVALID, MD_TLSRPT_ERROR_SYNTAX, NULL, NULL },
  { "mox-tlsrpt-18", INVALID, MD_TLSRPT_ERROR_SYNTAX, NULL, NULL },
  { "mox-tlsrpt-19", INVALID, MD_TLSRPT_ERROR_BAD_URI, NULL, NULL },
  { "mox-tlsrpt-20", INVALID, MD_TLSRPT_ERROR_BAD_URI, NULL, NULL },
  { "mail-auth-tlsrpt-01", VALID, 0, NULL, NULL },
  { "mail-auth-tlsrpt-02", VALID, 0, NULL, NULL },
  { "mail-auth-tlsrpt-03", VALID, 0, NULL, NULL },
  { "checkdmarc-tlsrpt-01", VALID, 0, NULL, NULL },
  { "checkdmarc-tlsrpt-02", INVALID, MD_TLSRPT_ERROR_MISSING_RUA, NULL, NULL },
  { "checkdmarc-tlsrpt-03", WARN, 0, "repeated-rua",
    "mox accepts two rua fields and so do we, with a warning (checkdmarc rejects)" },
  { "checkdmarc-tlsrpt-04", INVALID, MD_TLSRPT_ERROR_NOT_TLSRPT, NULL, NULL },
  { "checkdmarc-tlsrpt-05", INVALID, MD_TLSRPT_ERROR_BAD_URI, NULL, NULL },
  { "checkdmarc-tlsrpt-06", INVALID, MD_TLSRPT_ERROR_MISSING_RUA, NULL, NULL },
  { "checkdmarc-tlsrpt-07", VALID, 0, NULL, NULL },
};

typedef enum
{
  KIND_DMARC,
  KIND_DMARC_RRSET,
  KIND_DKIM,
  KIND_MTA_STS_RECORD,
  KIND_MTA_STS_POLICY,
  KIND_MX_MATCH,
  KIND_TLSRPT,
} Kind;

typedef struct
{
  Kind               kind;
  JsonObject        *vector;
  const Expectation *expectation;
} Case;

static void
case_free (gpointer data)
{
  Case *c = data;

  json_object_unref (c->vector);
  g_free (c);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* Sorted, so the order warnings come in does not matter. */
static char *
normalize_codes (const char *codes)
{
  g_auto(GStrv) parts = g_strsplit (codes != NULL ? codes : "", " ", -1);
  g_autoptr(GPtrArray) list = g_ptr_array_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    if (parts[i][0] != '\0')
      g_ptr_array_add (list, parts[i]);
  g_ptr_array_sort (list, compare_strings);
  g_ptr_array_add (list, NULL);

  return g_strjoinv (" ", (char **) list->pdata);
}

static char *
warning_codes (GPtrArray *warnings,
               GPtrArray *more)
{
  g_autoptr(GString) codes = g_string_new (NULL);
  GPtrArray *lists[] = { warnings, more };

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; lists[l] != NULL && i < lists[l]->len; i++)
      {
        const MdRecordWarning *w = g_ptr_array_index (lists[l], i);

        /* Every warning has a message for the user. */
        g_assert_nonnull (w->message);
        g_assert_cmpuint (strlen (w->message), >, 10);
        g_string_append_printf (codes, "%s ", w->code);
      }

  return normalize_codes (codes->str);
}

/* The source's verdict agrees with ours, or the table explains why not. */
static void
check_against_source (const Case *c,
                      Verdict     ours)
{
  const char *expect = json_object_get_string_member (c->vector, "expect");
  gboolean agrees;

  if (g_str_equal (expect, "invalid"))
    agrees = ours == INVALID;
  else if (g_str_equal (expect, "revoked"))
    agrees = ours == REVOKED;
  else if (g_str_equal (expect, "valid-with-warning"))
    agrees = ours == WARN;
  else if (g_str_equal (expect, "valid"))
    agrees = ours == VALID || ours == WARN;
  else if (g_str_equal (expect, "match"))
    agrees = ours == MATCH;
  else if (g_str_equal (expect, "no-match"))
    agrees = ours == NO_MATCH;
  else
    g_assert_not_reached ();

  if (!agrees && c->expectation->why == NULL)
    g_error ("%s: the source says “%s”, MailDoctor differs and the table does not say why",
             c->expectation->id, expect);
  if (agrees && c->expectation->why != NULL)
    g_error ("%s: agrees with the source but the table claims a difference",
             c->expectation->id);
  if (!agrees)
    g_test_message ("%s: source says %s; MailDoctor differs: %s",
                    c->expectation->id, expect, c->expectation->why);
}

static void
check_outcome (const Case *c,
               GError     *error,
               GQuark      domain,
               gboolean    revoked,
               GPtrArray  *warnings,
               GPtrArray  *more_warnings)
{
  const Expectation *e = c->expectation;
  Verdict ours;

  if (error != NULL)
    {
      g_test_message ("%s: %s", e->id, error->message);
      g_assert_cmpint (e->verdict, ==, INVALID);
      g_assert_error (error, domain, e->error_code);
      /* A message a user can act on, with no raw control characters. */
      g_assert_cmpuint (strlen (error->message), >, 15);
      for (const char *p = error->message; *p; p++)
        g_assert_cmpint ((guchar) *p, >=, 0x20);
      ours = INVALID;
    }
  else
    {
      g_autofree char *got = warning_codes (warnings, more_warnings);
      g_autofree char *want = normalize_codes (e->codes);

      g_assert_cmpint (e->verdict, !=, INVALID);
      if (revoked)
        {
          g_assert_cmpint (e->verdict, ==, REVOKED);
          ours = REVOKED;
        }
      else
        {
          ours = got[0] != '\0' ? WARN : VALID;
          g_assert_cmpint (e->verdict, ==, ours);
        }
      g_assert_cmpstr (got, ==, want);
    }

  check_against_source (c, ours);
}

static const char *
field (JsonObject *vector,
       const char *name)
{
  JsonObject *fields;

  if (!json_object_has_member (vector, "fields"))
    return NULL;
  fields = json_object_get_object_member (vector, "fields");
  if (!json_object_has_member (fields, name))
    return NULL;

  return json_object_get_string_member (fields, name);
}

static guint
count_char (const char *s,
            char        c)
{
  guint n = 0;

  for (; *s; s++)
    n += *s == c;

  return n;
}

static guint
count_substrings (const char *s,
                  const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (s, needle); p != NULL; p = strstr (p + 1, needle))
    n++;

  return n;
}

/* The fields the source asserts, where MailDoctor keeps them. pct/rf/ri
 * are not kept (removed in RFC 9989); rua/ruf are compared by the number
 * of addresses and, where given, the size limit in bytes. */
static void
check_dmarc_fields (JsonObject          *vector,
                    const MdDmarcRecord *record)
{
  const char *value;

  if ((value = field (vector, "p")) != NULL)
    g_assert_cmpstr (md_dmarc_policy_to_string (record->policy), ==, value);
  if ((value = field (vector, "sp")) != NULL)
    g_assert_cmpstr (md_dmarc_policy_to_string (record->subdomain_policy), ==, value);
  if ((value = field (vector, "np")) != NULL)
    g_assert_cmpstr (md_dmarc_policy_to_string (record->nonexistent_policy), ==, value);
  if ((value = field (vector, "adkim")) != NULL)
    g_assert_cmpstr (md_dmarc_alignment_to_string (record->adkim), ==, value);
  if ((value = field (vector, "aspf")) != NULL)
    g_assert_cmpstr (md_dmarc_alignment_to_string (record->aspf), ==, value);
  if ((value = field (vector, "psd")) != NULL)
    g_assert_cmpstr (md_dmarc_psd_to_string (record->psd), ==, value);
  if ((value = field (vector, "t")) != NULL)
    g_assert_cmpint (record->testing, ==, g_str_equal (value, "y"));
  if ((value = field (vector, "fo")) != NULL)
    {
      g_autofree char *fo = md_dmarc_record_format_fo (record);
      g_assert_cmpstr (fo, ==, value);
    }
  if ((value = field (vector, "rua")) != NULL)
    {
      g_assert_cmpuint (record->rua->len, ==, count_char (value, '@'));
      if (strstr (value, "10485760 bytes") != NULL || strstr (value, "10 unit m") != NULL)
        g_assert_cmpuint (((MdDmarcUri *) g_ptr_array_index (record->rua, 1))->max_size, ==,
                          10485760);
      if (strstr (value, "2147483648 bytes") != NULL)
        {
          g_assert_cmpuint (((MdDmarcUri *) g_ptr_array_index (record->rua, 0))->max_size, ==,
                            10240);
          g_assert_cmpuint (((MdDmarcUri *) g_ptr_array_index (record->rua, 1))->max_size, ==,
                            G_GUINT64_CONSTANT (2147483648));
        }
    }
  if ((value = field (vector, "ruf")) != NULL)
    g_assert_cmpuint (record->ruf->len, ==, count_char (value, '@'));
}

static void
test_vector (gconstpointer data)
{
  const Case *c = data;
  g_autoptr(GError) error = NULL;

  switch (c->kind)
    {
    case KIND_DMARC:
      {
        const char *text = json_object_get_string_member (c->vector, "record");
        g_autoptr(MdDmarcRecord) record = md_dmarc_record_parse (text, &error);

        check_outcome (c, error, MD_DMARC_ERROR, FALSE,
                       record != NULL ? record->warnings : NULL, NULL);
        if (record != NULL)
          {
            g_assert_cmpstr (record->text, ==, text);
            check_dmarc_fields (c->vector, record);
          }
      }
      break;

    case KIND_DMARC_RRSET:
      {
        JsonArray *set = json_object_get_array_member (c->vector, "txt_rrset");
        g_autoptr(GPtrArray) txts = g_ptr_array_new ();
        g_autoptr(GPtrArray) notes = md_record_warnings_new ();
        g_autoptr(MdDmarcRecord) record = NULL;

        for (guint i = 0; i < json_array_get_length (set); i++)
          g_ptr_array_add (txts, (gpointer) json_array_get_string_element (set, i));
        g_ptr_array_add (txts, NULL);

        record = md_dmarc_record_select ((const char * const *) txts->pdata, notes, &error);
        check_outcome (c, error, MD_DMARC_ERROR, FALSE,
                       record != NULL ? record->warnings : NULL, notes);
        if (record != NULL)
          g_assert_cmpint (record->policy, ==, MD_DMARC_POLICY_REJECT);
      }
      break;

    case KIND_DKIM:
      {
        const char *text = json_object_get_string_member (c->vector, "record");
        g_autoptr(MdDkimKey) key = md_dkim_key_parse (text, &error);

        check_outcome (c, error, MD_DKIM_KEY_ERROR, key != NULL && key->revoked,
                       key != NULL ? key->warnings : NULL, NULL);
        if (key != NULL && key->revoked)
          {
            g_assert_null (key->public_key);
            g_assert_cmpint (key->strength, ==, MD_DKIM_KEY_STRENGTH_REVOKED);
            g_assert_cmpuint (key->key_bits, ==, 0);
          }
      }
      break;

    case KIND_MTA_STS_RECORD:
      {
        const char *text = json_object_get_string_member (c->vector, "record");
        g_autoptr(MdMtaStsRecord) record = md_mta_sts_record_parse (text, &error);

        check_outcome (c, error, MD_MTA_STS_ERROR, FALSE,
                       record != NULL ? record->warnings : NULL, NULL);
        if (record != NULL && json_object_has_member (c->vector, "detail"))
          {
            g_autofree char *want = g_strconcat ("id=", record->id, NULL);
            g_assert_cmpstr (json_object_get_string_member (c->vector, "detail"), ==, want);
          }
      }
      break;

    case KIND_MTA_STS_POLICY:
      {
        const char *text = json_object_get_string_member (c->vector, "policy");
        g_autoptr(MdMtaStsPolicy) policy = md_mta_sts_policy_parse (text, -1, &error);

        check_outcome (c, error, MD_MTA_STS_ERROR, FALSE,
                       policy != NULL ? policy->warnings : NULL, NULL);
        if (policy != NULL)
          {
            const char *mode = strstr (text, "mode:") + strlen ("mode:");
            const char *max_age = strstr (text, "max_age:") + strlen ("max_age:");

            mode += strspn (mode, " \t");
            max_age += strspn (max_age, " \t");
            g_assert_true (g_str_has_prefix (mode, md_mta_sts_mode_to_string (policy->mode)));
            g_assert_cmpuint (policy->max_age, ==, g_ascii_strtoull (max_age, NULL, 10));
            g_assert_cmpuint (g_strv_length (policy->mx), ==, count_substrings (text, "mx:"));
          }
      }
      break;

    case KIND_MX_MATCH:
      {
        const char *host = json_object_get_string_member (c->vector, "mx_host");
        JsonArray *patterns = json_object_get_array_member (c->vector, "patterns");
        gboolean matched = FALSE;

        for (guint i = 0; i < json_array_get_length (patterns); i++)
          matched |= md_mta_sts_mx_pattern_matches (json_array_get_string_element (patterns, i),
                                                    host);
        g_assert_cmpint (c->expectation->verdict, ==, matched ? MATCH : NO_MATCH);
        check_against_source (c, matched ? MATCH : NO_MATCH);
      }
      break;

    case KIND_TLSRPT:
      {
        const char *text = json_object_get_string_member (c->vector, "record");
        g_autoptr(MdTlsRptRecord) record = md_tlsrpt_record_parse (text, &error);

        check_outcome (c, error, MD_TLSRPT_ERROR, FALSE,
                       record != NULL ? record->warnings : NULL, NULL);
        if (record != NULL)
          g_assert_cmpuint (g_strv_length (record->rua), ==,
                            count_substrings (text, "mailto:") +
                            count_substrings (text, "https:"));
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

typedef struct
{
  const char        *file;
  const char        *member;
  Kind               kind;
  const char        *path;
  const Expectation *table;
  gsize              n_table;
} VectorSet;

static const VectorSet vector_sets[] = {
  { "dmarc-record-vectors.json", "vectors", KIND_DMARC, "dmarc",
    dmarc_expectations, G_N_ELEMENTS (dmarc_expectations) },
  { "dmarc-record-vectors.json", "rrset_vectors", KIND_DMARC_RRSET, "dmarc-rrset",
    dmarc_expectations, G_N_ELEMENTS (dmarc_expectations) },
  { "dkim-key-record-vectors.json", "vectors", KIND_DKIM, "dkim-key",
    dkim_expectations, G_N_ELEMENTS (dkim_expectations) },
  { "mta-sts-tlsrpt-vectors.json", "mta_sts_record_vectors", KIND_MTA_STS_RECORD,
    "mta-sts-record", mta_sts_record_expectations, G_N_ELEMENTS (mta_sts_record_expectations) },
  { "mta-sts-tlsrpt-vectors.json", "mta_sts_policy_vectors", KIND_MTA_STS_POLICY,
    "mta-sts-policy", mta_sts_policy_expectations, G_N_ELEMENTS (mta_sts_policy_expectations) },
  { "mta-sts-tlsrpt-vectors.json", "mta_sts_mx_match_vectors", KIND_MX_MATCH,
    "mta-sts-mx", mx_match_expectations, G_N_ELEMENTS (mx_match_expectations) },
  { "mta-sts-tlsrpt-vectors.json", "tlsrpt_record_vectors", KIND_TLSRPT, "tlsrpt",
    tlsrpt_expectations, G_N_ELEMENTS (tlsrpt_expectations) },
};

static const Expectation *
find_expectation (const VectorSet *set,
                  const char      *id)
{
  for (gsize i = 0; i < set->n_table; i++)
    if (g_str_equal (set->table[i].id, id))
      return &set->table[i];

  return NULL;
}

/* Expectation ids seen in the files, to check no table entry is stale. */
static GHashTable *seen_ids;
static guint n_vectors;

static void
test_tables_complete (void)
{
  const Expectation *tables[] = {
    dmarc_expectations, dkim_expectations, mta_sts_record_expectations,
    mta_sts_policy_expectations, mx_match_expectations, tlsrpt_expectations,
  };
  const gsize sizes[] = {
    G_N_ELEMENTS (dmarc_expectations), G_N_ELEMENTS (dkim_expectations),
    G_N_ELEMENTS (mta_sts_record_expectations), G_N_ELEMENTS (mta_sts_policy_expectations),
    G_N_ELEMENTS (mx_match_expectations), G_N_ELEMENTS (tlsrpt_expectations),
  };
  guint n_entries = 0;

  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    for (gsize i = 0; i < sizes[t]; i++)
      {
        if (!g_hash_table_contains (seen_ids, &tables[t][i]))
          g_error ("table entry %s matches no vector", tables[t][i].id);
        n_entries++;
      }

  /* The shared README counts 102 + 3 DMARC, 21 DKIM, 23 + 37 + 3 + 30
   * MTA-STS/TLS-RPT vectors. */
  g_assert_cmpuint (n_vectors, ==, 102 + 3 + 21 + 23 + 37 + 3 + 30);
  g_assert_cmpuint (n_entries, ==, n_vectors);
}

static JsonNode *
load_json (const char *file)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  const char *builddir = g_getenv ("MD_TESTS_BUILDDIR");

  g_assert_nonnull (builddir);
  path = g_build_filename (builddir, "data", "records", file, NULL);
  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);

  return json_node_ref (json_parser_get_root (parser));
}

static void
add_vector_tests (void)
{
  seen_ids = g_hash_table_new (NULL, NULL);

  for (guint s = 0; s < G_N_ELEMENTS (vector_sets); s++)
    {
      const VectorSet *set = &vector_sets[s];
      g_autoptr(JsonNode) root = load_json (set->file);
      JsonArray *vectors = json_object_get_array_member (json_node_get_object (root),
                                                         set->member);

      g_assert_nonnull (vectors);
      for (guint i = 0; i < json_array_get_length (vectors); i++)
        {
          JsonObject *vector = json_array_get_object_element (vectors, i);
          const char *id = json_object_get_string_member (vector, "id");
          g_autofree char *path = g_strdup_printf ("/MailDoctor/Records/%s/%s", set->path, id);
          Case *c = g_new0 (Case, 1);

          c->kind = set->kind;
          c->vector = json_object_ref (vector);
          c->expectation = find_expectation (set, id);
          if (c->expectation == NULL)
            g_error ("vector %s has no MailDoctor verdict in test-records.c", id);
          if (!g_hash_table_add (seen_ids, (gpointer) c->expectation))
            g_error ("vector id %s appears twice", id);
          n_vectors++;

          g_test_add_data_func_full (path, c, test_vector, case_free);
        }
    }
}

/* RFC 9989 DNS tree walk */
static void
test_dmarc_walk_names (void)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) shortname = md_dmarc_discovery_names ("Mail.Example.COM.", &error);
  g_auto(GStrv) longname = NULL;
  g_auto(GStrv) seven = NULL;
  g_auto(GStrv) bad = NULL;

  g_assert_no_error (error);
  g_assert_cmpstrv (shortname, ((const char *[]) {
    "_dmarc.mail.example.com", "_dmarc.example.com", "_dmarc.com", NULL }));

  /* 10 labels: the name itself, then its last 7 labels, then one less each
   * time: 8 queries at most. */
  longname = md_dmarc_discovery_names ("a.b.c.d.e.f.g.h.example.com", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (longname), ==, 8);
  g_assert_cmpstr (longname[0], ==, "_dmarc.a.b.c.d.e.f.g.h.example.com");
  g_assert_cmpstr (longname[1], ==, "_dmarc.d.e.f.g.h.example.com");
  g_assert_cmpstr (longname[2], ==, "_dmarc.e.f.g.h.example.com");
  g_assert_cmpstr (longname[6], ==, "_dmarc.example.com");
  g_assert_cmpstr (longname[7], ==, "_dmarc.com");

  /* 7 labels: no jump */
  seven = md_dmarc_discovery_names ("b.c.d.e.f.example.com", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (seven), ==, 7);
  g_assert_cmpstr (seven[1], ==, "_dmarc.c.d.e.f.example.com");

  bad = md_dmarc_discovery_names ("exa mple..com", &error);
  g_assert_null (bad);
  g_assert_error (error, MD_DMARC_ERROR, MD_DMARC_ERROR_BAD_DOMAIN);
}

/* An in-memory zone for the discovery tests: name -> TXT strings separated
 * by '|', "FAIL" for a lookup that times out. */
static MdDmarcLookupResult
zone_lookup (const char  *qname,
             GStrv       *txts,
             char       **failure,
             gpointer     user_data)
{
  GHashTable *zone = user_data;
  const char *value = g_hash_table_lookup (zone, qname);

  if (value == NULL)
    return MD_DMARC_LOOKUP_NONE;
  if (g_str_equal (value, "FAIL"))
    {
      *failure = g_strdup ("timeout");
      return MD_DMARC_LOOKUP_FAILED;
    }
  *txts = g_strsplit (value, "|", -1);
  return MD_DMARC_LOOKUP_FOUND;
}

static void
test_dmarc_discover (void)
{
  g_autoptr(GHashTable) zone = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(MdDmarcDiscovery) d = NULL;
  g_autoptr(MdDmarcDiscovery) copy = NULL;
  g_autoptr(GError) error = NULL;

  g_hash_table_insert (zone, "_dmarc.example.com",
                       "v=DMARC1; p=reject; sp=quarantine; np=reject; rua=mailto:r@example.com|"
                       "google-site-verification=abc");
  g_hash_table_insert (zone, "_dmarc.com", "v=DMARC1; p=none; psd=y");

  /* Found two labels up: the subdomain policy applies; psd=y at "com"
   * makes example.com the organizational domain. */
  d = md_dmarc_discover ("news.mail.example.com", zone_lookup, zone, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (d->domain, ==, "news.mail.example.com");
  g_assert_cmpstr (d->policy_domain, ==, "example.com");
  g_assert_true (d->inherited);
  g_assert_cmpstr (d->org_domain, ==, "example.com");
  g_assert_null (d->org_domain_problem);
  g_assert_cmpstrv (d->queried, ((const char *[]) {
    "_dmarc.news.mail.example.com", "_dmarc.mail.example.com", "_dmarc.example.com",
    "_dmarc.com", NULL }));
  g_assert_cmpint (md_dmarc_discovery_policy_for (d, TRUE), ==, MD_DMARC_POLICY_QUARANTINE);
  g_assert_cmpint (md_dmarc_discovery_policy_for (d, FALSE), ==, MD_DMARC_POLICY_REJECT);
  copy = md_dmarc_discovery_copy (d);
  g_assert_cmpstr (copy->policy_domain, ==, "example.com");
  g_clear_pointer (&d, md_dmarc_discovery_free);

  /* The domain's own record: p applies. */
  d = md_dmarc_discover ("example.com", zone_lookup, zone, &error);
  g_assert_no_error (error);
  g_assert_false (d->inherited);
  g_assert_cmpint (md_dmarc_discovery_policy_for (d, TRUE), ==, MD_DMARC_POLICY_REJECT);
  g_clear_pointer (&d, md_dmarc_discovery_free);

  /* A broken record on the way is skipped with a note. */
  g_hash_table_insert (zone, "_dmarc.mail.example.com", "v=DMARC1; p=bogus");
  d = md_dmarc_discover ("mail.example.com", zone_lookup, zone, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (d->policy_domain, ==, "example.com");
  g_assert_cmpuint (d->notes->len, ==, 1);
  g_assert_cmpstr (((MdRecordWarning *) g_ptr_array_index (d->notes, 0))->code, ==,
                   "skipped-record");
  g_clear_pointer (&d, md_dmarc_discovery_free);

  /* psd=n makes that domain the organizational domain. */
  g_hash_table_insert (zone, "_dmarc.mail.example.com", "v=DMARC1; p=none; psd=n");
  d = md_dmarc_discover ("x.mail.example.com", zone_lookup, zone, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (d->policy_domain, ==, "mail.example.com");
  g_assert_cmpstr (d->org_domain, ==, "mail.example.com");
  /* psd=n ends the walk: example.com and com are not asked. */
  g_assert_cmpuint (g_strv_length (d->queried), ==, 2);
  g_clear_pointer (&d, md_dmarc_discovery_free);

  /* No record anywhere: no policy, the organizational domain is the domain. */
  d = md_dmarc_discover ("example.net", zone_lookup, zone, &error);
  g_assert_no_error (error);
  g_assert_null (d->record);
  g_assert_null (d->policy_domain);
  g_assert_cmpstr (d->org_domain, ==, "example.net");
  g_assert_cmpint (md_dmarc_discovery_policy_for (d, TRUE), ==, MD_DMARC_POLICY_NONE);
  g_clear_pointer (&d, md_dmarc_discovery_free);

  /* A failed lookup before any record is found: could not decide. */
  g_hash_table_insert (zone, "_dmarc.example.org", "FAIL");
  d = md_dmarc_discover ("example.org", zone_lookup, zone, &error);
  g_assert_null (d);
  g_assert_error (error, MD_DMARC_ERROR, MD_DMARC_ERROR_LOOKUP_FAILED);
  g_assert_cmpstr (error->message, ==,
                   "Could not decide: the lookup of _dmarc.example.org failed (timeout).");
  g_clear_error (&error);

  /* After the policy was found, only the organizational domain is open. */
  g_hash_table_insert (zone, "_dmarc.a.example.org", "v=DMARC1; p=reject");
  d = md_dmarc_discover ("a.example.org", zone_lookup, zone, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (d->policy_domain, ==, "a.example.org");
  g_assert_null (d->org_domain);
  g_assert_cmpstr (d->org_domain_problem, ==,
                   "The lookup of _dmarc.example.org failed (timeout).");
}

static void
test_dmarc_report_authorization (void)
{
  g_autofree char *name = NULL;

  g_assert_false (md_dmarc_report_needs_authorization ("example.com", "example.com"));
  g_assert_false (md_dmarc_report_needs_authorization ("example.com", "reports.Example.com."));
  g_assert_true (md_dmarc_report_needs_authorization ("example.com", "thirdparty.example.net"));
  g_assert_true (md_dmarc_report_needs_authorization ("example.com", "badexample.com"));

  name = md_dmarc_report_authorization_name ("Example.com", "thirdparty.example.net");
  g_assert_cmpstr (name, ==, "example.com._report._dmarc.thirdparty.example.net");

  g_assert_true (md_dmarc_report_authorization_ok ((const char *[]) { "v=DMARC1", NULL }));
  g_assert_true (md_dmarc_report_authorization_ok ((const char *[]) {
    "something else", "v=DMARC1; rua=mailto:x@thirdparty.example.net", NULL }));
  g_assert_false (md_dmarc_report_authorization_ok ((const char *[]) { "v=spf1 -all", NULL }));
  g_assert_false (md_dmarc_report_authorization_ok (NULL));
}

static void
test_dmarc_alignment (void)
{
  /* Strict: the exact domain */
  g_assert_true (md_dmarc_identifier_aligned (MD_DMARC_ALIGNMENT_STRICT, "Example.com",
                                              NULL, "example.com.", NULL));
  g_assert_false (md_dmarc_identifier_aligned (MD_DMARC_ALIGNMENT_STRICT, "example.com",
                                               "example.com", "mail.example.com",
                                               "example.com"));
  /* Relaxed: the same organizational domain */
  g_assert_true (md_dmarc_identifier_aligned (MD_DMARC_ALIGNMENT_RELAXED, "example.com",
                                              "example.com", "bounce.mail.example.com",
                                              "example.com"));
  g_assert_false (md_dmarc_identifier_aligned (MD_DMARC_ALIGNMENT_RELAXED, "example.com",
                                               "example.com", "sendgrid.net", "sendgrid.net"));
}

static void
test_dmarc_rrset_select (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) notes = md_record_warnings_new ();
  g_autoptr(MdDmarcRecord) record = NULL;
  g_auto(GStrv) names = NULL;

  /* A proper record next to a space-prefixed one: the proper one counts. */
  record = md_dmarc_record_select ((const char *[]) {
    " v=DMARC1; p=none", "v=DMARC1; p=reject; rua=mailto:d@example.com", NULL }, notes, &error);
  g_assert_no_error (error);
  g_assert_cmpint (record->policy, ==, MD_DMARC_POLICY_REJECT);
  g_assert_cmpuint (notes->len, ==, 1);
  g_clear_pointer (&record, md_dmarc_record_free);

  record = md_dmarc_record_select ((const char *[]) { "v=spf1 -all", NULL }, NULL, &error);
  g_assert_error (error, MD_DMARC_ERROR, MD_DMARC_ERROR_NO_RECORD);
  g_clear_error (&error);

  /* International domain names are walked in their xn-- form. */
  names = md_dmarc_discovery_names ("bücher.example", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (names[0], ==, "_dmarc.xn--bcher-kva.example");
}

static void
test_dmarc_details (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdDmarcRecord) record = NULL;
  g_autoptr(MdDmarcRecord) copy = NULL;
  MdDmarcUri *uri;

  record = md_dmarc_record_parse ("v=DMARC1; p=quarantine; adkim=s; "
                                  "rua=mailto:agg@reports.example.net!5k,https://r.example.org/x; "
                                  "ruf=mailto:f@example.com; fo=1:d", &error);
  g_assert_no_error (error);
  g_assert_cmpint (record->policy, ==, MD_DMARC_POLICY_QUARANTINE);
  g_assert_cmpint (record->subdomain_policy, ==, MD_DMARC_POLICY_QUARANTINE);
  g_assert_cmpint (record->nonexistent_policy, ==, MD_DMARC_POLICY_QUARANTINE);
  g_assert_false (record->has_subdomain_policy);
  g_assert_cmpint (record->adkim, ==, MD_DMARC_ALIGNMENT_STRICT);
  g_assert_cmpint (record->aspf, ==, MD_DMARC_ALIGNMENT_RELAXED);
  g_assert_cmpuint (record->rua->len, ==, 2);
  uri = g_ptr_array_index (record->rua, 0);
  g_assert_cmpstr (uri->uri, ==, "mailto:agg@reports.example.net");
  g_assert_cmpstr (uri->scheme, ==, "mailto");
  g_assert_cmpstr (uri->address, ==, "agg@reports.example.net");
  g_assert_cmpstr (uri->domain, ==, "reports.example.net");
  g_assert_cmpuint (uri->max_size, ==, 5120);
  uri = g_ptr_array_index (record->rua, 1);
  g_assert_cmpstr (uri->scheme, ==, "https");
  g_assert_null (uri->address);
  g_assert_cmpstr (uri->domain, ==, "r.example.org");
  g_assert_cmpint (record->fo, ==, MD_DMARC_FO_ANY_FAIL | MD_DMARC_FO_DKIM);

  copy = md_dmarc_record_copy (record);
  g_assert_cmpuint (copy->rua->len, ==, 2);
  g_assert_cmpuint (copy->warnings->len, ==, record->warnings->len);

  /* The message a user sees for an SPF record published at _dmarc */
  g_clear_pointer (&record, md_dmarc_record_free);
  record = md_dmarc_record_parse ("v=spf1 mx -all", &error);
  g_assert_null (record);
  g_assert_error (error, MD_DMARC_ERROR, MD_DMARC_ERROR_NOT_DMARC);
  g_assert_cmpstr (error->message, ==,
                   "This is an SPF record (v=spf1), not a DMARC record. SPF belongs at the "
                   "domain itself, DMARC at _dmarc.<domain>.");
  g_clear_error (&error);

  /* Hostile bytes are escaped in messages. */
  record = md_dmarc_record_parse ("v=DMARC1; p=\x01\xff", &error);
  g_assert_error (error, MD_DMARC_ERROR, MD_DMARC_ERROR_BAD_VALUE);
  g_assert_nonnull (strstr (error->message, "p=\\x01\\xFF is invalid"));
}

#define RSA512 "MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAM8qExxGGXFogBrLajFsxazWPYwzQPnAH2IUBI7LsXTN9XW5" \
               "RwYDBHKtjWV0lop17+Gb6GXiwQ5h1Ciscnjd/V8CAwEAAQ=="
#define EC_P256 "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEGRVkdEtMWhv2puLXe+F9pK376ox18di6zb96Q7J5t+sm" \
                "AekNpjio2rf3URj1AxXjxmZumQO7DcAr7bSBOC05nA=="

static void
test_dkim_key_details (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdDkimKey) key = NULL;
  g_autoptr(MdDkimKey) copy = NULL;
  g_autofree char *qname = NULL;

  /* RFC 8301: under 1024 bits verifiers ignore the key. */
  key = md_dkim_key_parse ("v=DKIM1; k=rsa; p=" RSA512, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (key->key_bits, ==, 512);
  g_assert_cmpint (key->strength, ==, MD_DKIM_KEY_STRENGTH_TOO_WEAK);
  g_assert_cmpint (key->key_format, ==, MD_DKIM_KEY_FORMAT_SPKI);
  g_assert_cmpstr (((MdRecordWarning *) g_ptr_array_index (key->warnings, 0))->message, ==,
                   "The RSA key has only 512 bits. Verifiers ignore keys under 1024 bits "
                   "(RFC 8301); use 2048 bits.");
  g_clear_pointer (&key, md_dkim_key_free);

  /* An EC key where RSA is expected */
  key = md_dkim_key_parse ("v=DKIM1; p=" EC_P256, &error);
  g_assert_null (key);
  g_assert_error (error, MD_DKIM_KEY_ERROR, MD_DKIM_KEY_ERROR_BAD_KEY);
  g_clear_error (&error);

  /* Broken base64 */
  key = md_dkim_key_parse ("v=DKIM1; p=MIGf*A0G", &error);
  g_assert_error (error, MD_DKIM_KEY_ERROR, MD_DKIM_KEY_ERROR_BAD_KEY);
  g_clear_error (&error);

  /* Ed25519 (RFC 8463 Appendix A), folded, with defaults */
  key = md_dkim_key_parse ("k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPa\r\n\tpiMlrwIaaPcHURo=",
                           &error);
  g_assert_no_error (error);
  g_assert_cmpint (key->key_type, ==, MD_DKIM_KEY_TYPE_ED25519);
  g_assert_cmpint (key->key_format, ==, MD_DKIM_KEY_FORMAT_RAW);
  g_assert_cmpuint (key->key_bits, ==, 256);
  g_assert_cmpuint (g_bytes_get_size (key->public_key), ==, 32);
  g_assert_cmpint (key->strength, ==, MD_DKIM_KEY_STRENGTH_OK);
  g_assert_true (md_dkim_key_allows_email (key));
  g_assert_true (md_dkim_key_allows_hash (key, "sha256"));
  g_assert_cmpstrv (key->services, ((const char *[]) { "*", NULL }));
  copy = md_dkim_key_copy (key);
  g_assert_true (g_bytes_equal (copy->public_key, key->public_key));
  g_clear_pointer (&key, md_dkim_key_free);

  /* Key limited to TLS reporting */
  key = md_dkim_key_parse ("v=DKIM1; s=tlsrpt; p=" RSA512, &error);
  g_assert_no_error (error);
  g_assert_false (md_dkim_key_allows_email (key));
  g_assert_true (md_record_warnings_has (key->warnings, "not-for-email"));
  g_clear_pointer (&key, md_dkim_key_free);

  /* Parsed fields of the richest vector (mox-11) */
  key = md_dkim_key_parse ("v = DKIM1 ;   h\t=\tsha1 \t:\t SHA256:unknown\t;k=ed25519; "
                           "n = notes...; p = JDc bZ0Hpb a5NK\tXI4UAW3G0IDhhFOxhJTDybZEwe1FeA=  ;"
                           "s = email : tlsrpt; t = y\t: t; unknown = bogus;", &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (key->hashes, ((const char *[]) { "sha1", "SHA256", "unknown", NULL }));
  g_assert_cmpstrv (key->services, ((const char *[]) { "email", "tlsrpt", NULL }));
  g_assert_cmpstr (key->notes, ==, "notes...");
  g_assert_true (key->testing);
  g_assert_false (key->strict);
  g_assert_false (md_dkim_key_allows_hash (key, "sha512"));
  g_clear_pointer (&key, md_dkim_key_free);

  qname = md_dkim_key_query_name ("selector1", "example.com");
  g_assert_cmpstr (qname, ==, "selector1._domainkey.example.com");
}

static void
test_mta_sts_details (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdMtaStsPolicy) policy = NULL;
  g_autoptr(MdMtaStsPolicy) copy = NULL;
  g_autoptr(MdMtaStsRecord) record = NULL;
  g_autofree char *big = NULL;

  policy = md_mta_sts_policy_parse ("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\n"
                                    "mx: *.backup.example.net\r\nmax_age: 1209600\r\n", -1,
                                    &error);
  g_assert_no_error (error);
  g_assert_cmpint (policy->mode, ==, MD_MTA_STS_MODE_ENFORCE);
  g_assert_cmpuint (policy->max_age, ==, 1209600);
  g_assert_cmpstrv (policy->mx, ((const char *[]) {
    "mail.example.com", "*.backup.example.net", NULL }));
  g_assert_cmpstr (md_mta_sts_policy_match_mx (policy, "MAIL.example.com."), ==,
                   "mail.example.com");
  g_assert_cmpstr (md_mta_sts_policy_match_mx (policy, "mx1.backup.example.net"), ==,
                   "*.backup.example.net");
  /* The wildcard stands for exactly one label. */
  g_assert_null (md_mta_sts_policy_match_mx (policy, "backup.example.net"));
  g_assert_null (md_mta_sts_policy_match_mx (policy, "a.b.backup.example.net"));
  g_assert_null (md_mta_sts_policy_match_mx (policy, "mail.example.com.evil.org"));
  copy = md_mta_sts_policy_copy (policy);
  g_assert_cmpstrv (copy->mx, policy->mx);
  g_clear_pointer (&policy, md_mta_sts_policy_free);

  /* mode none needs no mx */
  policy = md_mta_sts_policy_parse ("version: STSv1\nmode: none\nmax_age: 86400\n", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (policy->mode, ==, MD_MTA_STS_MODE_NONE);
  g_assert_cmpuint (policy->warnings->len, ==, 0);
  g_clear_pointer (&policy, md_mta_sts_policy_free);

  /* A body with a NUL byte, and one over the 64 KiB limit */
  policy = md_mta_sts_policy_parse ("version: STSv1\n\0mode: none\n", 27, &error);
  g_assert_error (error, MD_MTA_STS_ERROR, MD_MTA_STS_ERROR_SYNTAX);
  g_clear_error (&error);
  big = g_strnfill (MD_MTA_STS_POLICY_MAX_SIZE + 1, 'x');
  policy = md_mta_sts_policy_parse (big, -1, &error);
  g_assert_error (error, MD_MTA_STS_ERROR, MD_MTA_STS_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* Selecting the record from the RRset */
  record = md_mta_sts_record_select ((const char *[]) {
    "v=spf1 -all", "v=STSv1; id=20260101T000000", NULL }, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (record->id, ==, "20260101T000000");
  g_clear_pointer (&record, md_mta_sts_record_free);
  record = md_mta_sts_record_select ((const char *[]) {
    "v=STSv1; id=1", "v=STSv1; id=2", NULL }, &error);
  g_assert_error (error, MD_MTA_STS_ERROR, MD_MTA_STS_ERROR_MULTIPLE_RECORDS);
  g_clear_error (&error);
  record = md_mta_sts_record_select ((const char *[]) { "hello", NULL }, &error);
  g_assert_error (error, MD_MTA_STS_ERROR, MD_MTA_STS_ERROR_NO_RECORD);
  g_clear_error (&error);

  record = md_mta_sts_record_parse ("v=STSv1; id=a; more=a; ext=2", &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (record->extensions, ((const char *[]) { "more=a", "ext=2", NULL }));
}

static void
test_tlsrpt_details (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdTlsRptRecord) record = NULL;
  g_autoptr(MdTlsRptRecord) copy = NULL;

  record = md_tlsrpt_record_parse ("v=TLSRPTv1; rua=mailto:tlsrpt@mox.example , \t\t "
                                   "https://mox.example/tlsrpt  ", &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (record->rua, ((const char *[]) {
    "mailto:tlsrpt@mox.example", "https://mox.example/tlsrpt", NULL }));
  copy = md_tlsrpt_record_copy (record);
  g_assert_cmpstrv (copy->rua, record->rua);
  g_clear_pointer (&record, md_tlsrpt_record_free);

  record = md_tlsrpt_record_parse ("v=TLSRPTv1 ; rua=mailto:x@x.example; rua=mailto:y@x.example",
                                   &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (record->rua, ((const char *[]) {
    "mailto:x@x.example", "mailto:y@x.example", NULL }));
  g_clear_pointer (&record, md_tlsrpt_record_free);

  record = md_tlsrpt_record_select ((const char *[]) {
    "v=TLSRPTv1; rua=mailto:a@example.com", "v=TLSRPTv1; rua=mailto:b@example.com", NULL },
    &error);
  g_assert_error (error, MD_TLSRPT_ERROR, MD_TLSRPT_ERROR_MULTIPLE_RECORDS);
  g_clear_error (&error);

  record = md_tlsrpt_record_parse ("v=TLSRPTv1; rua=ftp://example.com/r", &error);
  g_assert_error (error, MD_TLSRPT_ERROR, MD_TLSRPT_ERROR_BAD_URI);
  g_assert_cmpstr (error->message, ==,
                   "The report address “ftp://example.com/r” is neither mailto: nor https:, "
                   "the only schemes TLS reports are sent to.");
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  md_core_init ();

  add_vector_tests ();
  g_test_add_func ("/MailDoctor/Records/all-vectors-have-a-verdict", test_tables_complete);
  g_test_add_func ("/MailDoctor/Records/dmarc/walk-names", test_dmarc_walk_names);
  g_test_add_func ("/MailDoctor/Records/dmarc/discover", test_dmarc_discover);
  g_test_add_func ("/MailDoctor/Records/dmarc/report-authorization",
                   test_dmarc_report_authorization);
  g_test_add_func ("/MailDoctor/Records/dmarc/details", test_dmarc_details);
  g_test_add_func ("/MailDoctor/Records/dmarc/alignment", test_dmarc_alignment);
  g_test_add_func ("/MailDoctor/Records/dmarc/rrset-select", test_dmarc_rrset_select);
  g_test_add_func ("/MailDoctor/Records/dkim-key/details", test_dkim_key_details);
  g_test_add_func ("/MailDoctor/Records/mta-sts/details", test_mta_sts_details);
  g_test_add_func ("/MailDoctor/Records/tlsrpt/details", test_tlsrpt_details);

  ret = g_test_run ();
  g_clear_pointer (&seen_ids, g_hash_table_unref);

  return ret;
}
