/* md-dkim-key.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "md-record-util.h"

G_BEGIN_DECLS

/* DKIM key records (selector._domainkey.<domain> TXT), RFC 6376 3.6.1 with
 * RFC 8301 (key sizes, no SHA-1) and RFC 8463 (Ed25519).
 *
 * Choices where the sources we test against disagree:
 *  - Tag names are case-sensitive (RFC 6376 3.2): "V=DKIM2" is an unknown
 *    tag, ignored with warning "unknown-tag" — not a version error.
 *  - v=, when present, must be the first tag and exactly "DKIM1".
 *  - White space after the final ';' and empty elements (";;") are
 *    tolerated; verifiers in the field accept them.
 *  - Unknown h=, s= and t= values are ignored with a warning (RFC 6376 says
 *    unknown values are ignored); h= names are compared case-insensitively
 *    ("SHA256" allows sha256), "sha 256" is an unknown name. An h= without
 *    sha256 gets warning "no-sha256": RFC 8301 verifiers accept no SHA-1
 *    signature, so nothing signed with the key can pass.
 *  - A key given as a bare PKCS#1 RSAPublicKey instead of a
 *    SubjectPublicKeyInfo is accepted with warning "pkcs1-key": some
 *    verifiers accept it, others (OpenDKIM) fail to verify.
 *  - An empty p= is a revoked key; a p= that does not decode as a key of
 *    the k= type makes the record invalid.
 */

#define MD_DKIM_KEY_ERROR (md_dkim_key_error_quark ())

typedef enum
{
  MD_DKIM_KEY_ERROR_EMPTY,
  MD_DKIM_KEY_ERROR_SYNTAX,
  MD_DKIM_KEY_ERROR_BAD_VERSION,
  MD_DKIM_KEY_ERROR_VERSION_NOT_FIRST,
  MD_DKIM_KEY_ERROR_DUPLICATE_TAG,
  MD_DKIM_KEY_ERROR_MISSING_KEY,
  MD_DKIM_KEY_ERROR_UNKNOWN_KEY_TYPE,
  MD_DKIM_KEY_ERROR_BAD_KEY,
} MdDkimKeyError;

typedef enum
{
  MD_DKIM_KEY_TYPE_RSA,
  MD_DKIM_KEY_TYPE_ED25519,
} MdDkimKeyType;

typedef enum
{
  MD_DKIM_KEY_FORMAT_NONE,       /* revoked: no key */
  MD_DKIM_KEY_FORMAT_SPKI,       /* RSA SubjectPublicKeyInfo, as RFC 6376 says */
  MD_DKIM_KEY_FORMAT_PKCS1,      /* bare RSAPublicKey */
  MD_DKIM_KEY_FORMAT_RAW,        /* Ed25519: the 32 key bytes (RFC 8463) */
} MdDkimKeyFormat;

/* RFC 8301: RSA keys under 1024 bits must not be used to verify; signers
 * should use at least 2048. */
typedef enum
{
  MD_DKIM_KEY_STRENGTH_OK,
  MD_DKIM_KEY_STRENGTH_WEAK,     /* RSA 1024–2047 bits: warning */
  MD_DKIM_KEY_STRENGTH_TOO_WEAK, /* RSA below 1024 bits: verifiers ignore the key */
  MD_DKIM_KEY_STRENGTH_REVOKED,
  MD_DKIM_KEY_STRENGTH_UNUSUAL,  /* RSA over 4096 bits or an odd exponent: verifiers need not
                                  * accept it (RFC 8301 3.2 asks them for 1024–4096 bits) */
} MdDkimKeyStrength;

typedef struct
{
  char              *text;
  MdDkimKeyType      key_type;
  MdDkimKeyFormat    key_format;
  GBytes            *public_key;  /* decoded p=; NULL when revoked */
  guint              key_bits;    /* RSA modulus size, 256 for Ed25519, 0 when revoked */
  MdDkimKeyStrength  strength;
  gboolean           revoked;     /* empty p= */
  gboolean           testing;     /* t=y */
  gboolean           strict;      /* t=s: i= must be d=, no subdomains */
  GStrv              hashes;      /* h=, as written; NULL: all allowed */
  GStrv              services;    /* s=, as written; default { "*" } */
  char              *notes;       /* n= */
  GPtrArray         *warnings;    /* of MdRecordWarning* */
} MdDkimKey;

#define MD_TYPE_DKIM_KEY (md_dkim_key_get_type ())

GQuark       md_dkim_key_error_quark      (void);
GType        md_dkim_key_get_type         (void) G_GNUC_CONST;
MdDkimKey   *md_dkim_key_parse            (const char      *text,
                                           GError         **error);
MdDkimKey   *md_dkim_key_copy             (const MdDkimKey *key);
void         md_dkim_key_free             (MdDkimKey       *key);
gboolean     md_dkim_key_allows_hash      (const MdDkimKey *key,
                                           const char      *hash);
gboolean     md_dkim_key_allows_email     (const MdDkimKey *key);
const char  *md_dkim_key_type_to_string   (MdDkimKeyType    key_type);
char        *md_dkim_key_query_name       (const char      *selector,
                                           const char      *domain);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdDkimKey, md_dkim_key_free)

G_END_DECLS
