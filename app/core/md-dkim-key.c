/* md-dkim-key.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <string.h>

#include "md-dkim-key.h"

/* RFC 6376 FWS, as it may survive in a TXT record */
#define DKIM_SPACE " \t\r\n"

#define ED25519_KEY_BYTES 32

G_DEFINE_QUARK (md-dkim-key-error-quark, md_dkim_key_error)

G_DEFINE_BOXED_TYPE (MdDkimKey, md_dkim_key, md_dkim_key_copy, md_dkim_key_free)

MdDkimKey *
md_dkim_key_copy (const MdDkimKey *key)
{
  MdDkimKey *copy;

  g_return_val_if_fail (key != NULL, NULL);

  copy = g_new0 (MdDkimKey, 1);
  *copy = *key;
  copy->text = g_strdup (key->text);
  copy->public_key = key->public_key != NULL ? g_bytes_ref (key->public_key) : NULL;
  copy->hashes = g_strdupv (key->hashes);
  copy->services = g_strdupv (key->services);
  copy->notes = g_strdup (key->notes);
  copy->warnings = md_record_warnings_copy (key->warnings);

  return copy;
}

void
md_dkim_key_free (MdDkimKey *key)
{
  if (key == NULL)
    return;

  g_free (key->text);
  g_clear_pointer (&key->public_key, g_bytes_unref);
  g_strfreev (key->hashes);
  g_strfreev (key->services);
  g_free (key->notes);
  g_clear_pointer (&key->warnings, g_ptr_array_unref);
  g_free (key);
}

const char *
md_dkim_key_type_to_string (MdDkimKeyType key_type)
{
  return key_type == MD_DKIM_KEY_TYPE_ED25519 ? "ed25519" : "rsa";
}

char *
md_dkim_key_query_name (const char *selector,
                        const char *domain)
{
  g_return_val_if_fail (selector != NULL, NULL);
  g_return_val_if_fail (domain != NULL, NULL);

  return g_strconcat (selector, "._domainkey.", domain, NULL);
}

gboolean
md_dkim_key_allows_hash (const MdDkimKey *key,
                         const char      *hash)
{
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (hash != NULL, FALSE);

  if (key->hashes == NULL)
    return TRUE;
  for (guint i = 0; key->hashes[i] != NULL; i++)
    if (g_ascii_strcasecmp (key->hashes[i], hash) == 0)
      return TRUE;

  return FALSE;
}

gboolean
md_dkim_key_allows_email (const MdDkimKey *key)
{
  g_return_val_if_fail (key != NULL, FALSE);

  for (guint i = 0; key->services != NULL && key->services[i] != NULL; i++)
    if (g_str_equal (key->services[i], "*") || g_str_equal (key->services[i], "email"))
      return TRUE;

  return FALSE;
}

/* "a : b:c" -> { "a", "b", "c" }, FWS around the colons removed. */
static GStrv
split_colon_list (const char *value)
{
  g_auto(GStrv) parts = g_strsplit (value, ":", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autofree char *item = md_record_strip (parts[i], strlen (parts[i]), DKIM_SPACE);

      if (item[0] != '\0')
        g_strv_builder_add (builder, item);
    }

  return g_strv_builder_end (builder);
}

/* RFC 6376 base64string: FWS may appear anywhere; we drop it and decode.
 * GLib's decoder skips bad characters silently, so the alphabet and the
 * padding are checked here first. */
static GBytes *
decode_base64 (const char *value)
{
  g_autoptr(GString) clean = g_string_new (NULL);
  guint padding = 0;
  guchar *data;
  gsize len;

  for (const char *p = value; *p; p++)
    {
      if (strchr (DKIM_SPACE, *p) != NULL)
        continue;
      if (*p == '=')
        {
          padding++;
          g_string_append_c (clean, '=');
          continue;
        }
      if (padding > 0 || !(g_ascii_isalnum (*p) || *p == '+' || *p == '/'))
        return NULL;
      g_string_append_c (clean, *p);
    }

  if (padding > 2)
    return NULL;
  /* Unpadded base64 is accepted: padding adds no information. */
  if (padding == 0)
    while (clean->len % 4 != 0)
      g_string_append_c (clean, '=');
  if (clean->len % 4 != 0 || clean->len == 0)
    return NULL;
  /* One base64 character carries 6 bits; "X===" cannot be a byte. */
  if (clean->len >= 4 && g_str_has_suffix (clean->str, "==="))
    return NULL;

  data = g_base64_decode (clean->str, &len);

  return g_bytes_new_take (data, len);
}

/* A minimal DER reader for the two INTEGERs of a bare PKCS#1
 * RSAPublicKey: GnuTLS only imports SubjectPublicKeyInfo, and
 * gnutls_pubkey_import_rsa_raw() wants modulus and exponent apart. */
static gboolean
der_read (const guint8  **p,
          const guint8   *end,
          guint8          expected_tag,
          const guint8  **value,
          gsize          *value_len)
{
  gsize len;

  if (end - *p < 2 || (*p)[0] != expected_tag)
    return FALSE;

  len = (*p)[1];
  *p += 2;
  if (len & 0x80)
    {
      guint n = len & 0x7f;

      if (n == 0 || n > 4 || (gsize) (end - *p) < n)
        return FALSE;
      len = 0;
      for (guint i = 0; i < n; i++)
        len = (len << 8) | (*p)[i];
      *p += n;
    }
  if ((gsize) (end - *p) < len)
    return FALSE;

  *value = *p;
  *value_len = len;
  *p += len;

  return TRUE;
}

static gboolean
import_pkcs1 (gnutls_pubkey_t  pubkey,
              GBytes          *der)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (der, &size);
  const guint8 *end = data + size;
  const guint8 *p = data;
  const guint8 *seq;
  const guint8 *seq_end;
  gsize seq_len;
  gnutls_datum_t m;
  gnutls_datum_t e;
  gsize m_len;
  gsize e_len;
  const guint8 *m_data;
  const guint8 *e_data;

  if (!der_read (&p, end, 0x30, &seq, &seq_len) || p != end)
    return FALSE;

  seq_end = seq + seq_len;
  p = seq;
  if (!der_read (&p, seq_end, 0x02, &m_data, &m_len) ||
      !der_read (&p, seq_end, 0x02, &e_data, &e_len) ||
      p != seq_end || m_len == 0 || e_len == 0)
    return FALSE;

  m.data = (unsigned char *) m_data;
  m.size = (unsigned int) m_len;
  e.data = (unsigned char *) e_data;
  e.size = (unsigned int) e_len;

  return gnutls_pubkey_import_rsa_raw (pubkey, &m, &e) == GNUTLS_E_SUCCESS;
}

/* Reads the RSA key with GnuTLS and returns its size in bits, 0 when the
 * bytes are no RSA key. */
static guint
read_rsa_key (GBytes          *der,
              MdDkimKeyFormat *format,
              gboolean        *odd_exponent)
{
  gnutls_datum_t modulus = { NULL, 0 };
  gnutls_datum_t exponent = { NULL, 0 };
  gnutls_pubkey_t pubkey = NULL;
  gnutls_datum_t datum;
  gsize size;
  unsigned int bits = 0;
  int algorithm;

  datum.data = (unsigned char *) g_bytes_get_data (der, &size);
  datum.size = (unsigned int) size;
  if (datum.data == NULL || size == 0 || size > G_MAXINT32)
    return 0;

  if (gnutls_pubkey_init (&pubkey) != GNUTLS_E_SUCCESS)
    return 0;

  if (gnutls_pubkey_import (pubkey, &datum, GNUTLS_X509_FMT_DER) == GNUTLS_E_SUCCESS)
    *format = MD_DKIM_KEY_FORMAT_SPKI;
  else
    {
      /* A failed import may leave the key half set; start afresh. */
      gnutls_pubkey_deinit (pubkey);
      if (gnutls_pubkey_init (&pubkey) != GNUTLS_E_SUCCESS)
        return 0;
      if (!import_pkcs1 (pubkey, der))
        {
          gnutls_pubkey_deinit (pubkey);
          return 0;
        }
      *format = MD_DKIM_KEY_FORMAT_PKCS1;
    }

  algorithm = gnutls_pubkey_get_pk_algorithm (pubkey, &bits);

  /* The public exponent: 65537 nearly everywhere, 3 in old keys. An even
   * one or one under 3 is no RSA key a signer made, and verifiers (OpenSSL
   * among them) refuse exponents over 64 bits: say so rather than "valid". */
  *odd_exponent = FALSE;
  if (algorithm == GNUTLS_PK_RSA &&
      gnutls_pubkey_export_rsa_raw (pubkey, &modulus, &exponent) == GNUTLS_E_SUCCESS)
    {
      gsize start = 0;

      while (start < exponent.size && exponent.data[start] == 0)
        start++;
      if (exponent.size - start > 8 || start == exponent.size ||
          (exponent.data[exponent.size - 1] & 1) == 0 ||
          (exponent.size - start == 1 && exponent.data[start] < 3))
        *odd_exponent = TRUE;
    }
  gnutls_free (modulus.data);
  gnutls_free (exponent.data);
  gnutls_pubkey_deinit (pubkey);

  if (algorithm != GNUTLS_PK_RSA)
    return 0;

  return bits;
}

static gboolean
is_tag_name (const char *name)
{
  if (!g_ascii_isalpha (name[0]))
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '_')
      return FALSE;

  return TRUE;
}

static const char * const known_tags[] = { "v", "g", "h", "k", "n", "p", "s", "t", NULL };

static void
check_hashes (MdDkimKey *key)
{
  gboolean sha256 = FALSE;

  for (guint i = 0; key->hashes[i] != NULL; i++)
    {
      g_autofree char *shown = md_record_describe (key->hashes[i]);

      if (g_ascii_strcasecmp (key->hashes[i], "sha256") == 0)
        sha256 = TRUE;
      else if (g_ascii_strcasecmp (key->hashes[i], "sha1") != 0)
        md_record_warnings_add (key->warnings, "unknown-hash",
                                _("h= lists “%s”, which is not a known hash algorithm; "
                                  "verifiers ignore it."),
                                shown);
    }

  if (!sha256)
    md_record_warnings_add (key->warnings, "no-sha256",
                            _("h= does not allow sha256. Verifiers no longer accept SHA-1 "
                              "(RFC 8301), so no signature with this key can pass."));
}

static void
check_services (MdDkimKey *key)
{
  for (guint i = 0; key->services[i] != NULL; i++)
    {
      const char *s = key->services[i];
      g_autofree char *shown = md_record_describe (s);

      if (!g_str_equal (s, "*") && !g_str_equal (s, "email") && !g_str_equal (s, "tlsrpt"))
        md_record_warnings_add (key->warnings, "unknown-service",
                                _("s= lists the unknown service type “%s”; verifiers ignore it."),
                                shown);
    }

  if (!md_dkim_key_allows_email (key))
    md_record_warnings_add (key->warnings, "not-for-email",
                            _("s= does not include “email” or “*”: verifiers must not use "
                              "this key for mail signatures."));
}

static void
check_flags (MdDkimKey *key,
             GStrv      flags)
{
  for (guint i = 0; flags[i] != NULL; i++)
    {
      g_autofree char *shown = md_record_describe (flags[i]);

      if (g_str_equal (flags[i], "y"))
        key->testing = TRUE;
      else if (g_str_equal (flags[i], "s"))
        key->strict = TRUE;
      else
        md_record_warnings_add (key->warnings, "unknown-flag",
                                _("t= contains the unknown flag “%s”; verifiers ignore it."),
                                shown);
    }

  if (key->testing)
    md_record_warnings_add (key->warnings, "testing",
                            _("t=y marks this key as being tested: receivers treat mail "
                              "signed with it like unsigned mail."));
}

static gboolean
read_key (MdDkimKey   *key,
          const char  *value,
          GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  gboolean odd_exponent = FALSE;
  gsize size;

  g_assert (value[0] != '\0');

  bytes = decode_base64 (value);
  if (bytes == NULL)
    {
      g_set_error_literal (error, MD_DKIM_KEY_ERROR, MD_DKIM_KEY_ERROR_BAD_KEY,
                           _("The public key (p=) is not valid base64."));
      return FALSE;
    }
  size = g_bytes_get_size (bytes);

  if (key->key_type == MD_DKIM_KEY_TYPE_ED25519)
    {
      if (size != ED25519_KEY_BYTES)
        {
          g_set_error (error, MD_DKIM_KEY_ERROR, MD_DKIM_KEY_ERROR_BAD_KEY,
                       _("An Ed25519 public key is 32 bytes long; this one has %lu bytes."),
                       (unsigned long) size);
          return FALSE;
        }
      key->key_format = MD_DKIM_KEY_FORMAT_RAW;
      key->key_bits = 256;
    }
  else
    {
      key->key_bits = read_rsa_key (bytes, &key->key_format, &odd_exponent);
      if (key->key_bits == 0)
        {
          key->key_format = MD_DKIM_KEY_FORMAT_NONE;
          if (size == ED25519_KEY_BYTES)
            g_set_error_literal (error, MD_DKIM_KEY_ERROR, MD_DKIM_KEY_ERROR_BAD_KEY,
                                 _("The public key is not an RSA key. It has the size of an "
                                   "Ed25519 key, but the record lacks k=ed25519."));
          else
            g_set_error_literal (error, MD_DKIM_KEY_ERROR, MD_DKIM_KEY_ERROR_BAD_KEY,
                                 _("The public key (p=) is not a valid RSA public key."));
          return FALSE;
        }
      if (key->key_format == MD_DKIM_KEY_FORMAT_PKCS1)
        md_record_warnings_add (key->warnings, "pkcs1-key",
                                _("The RSA key is published as a bare RSAPublicKey instead "
                                  "of a SubjectPublicKeyInfo; some verifiers cannot read it."));
      if (key->key_bits < 1024)
        {
          key->strength = MD_DKIM_KEY_STRENGTH_TOO_WEAK;
          md_record_warnings_add (key->warnings, "key-size",
                                  _("The RSA key has only %u bits. Verifiers ignore keys under "
                                    "1024 bits (RFC 8301); use 2048 bits."),
                                  key->key_bits);
        }
      else if (key->key_bits < 2048)
        {
          key->strength = MD_DKIM_KEY_STRENGTH_WEAK;
          md_record_warnings_add (key->warnings, "key-size",
                                  _("The RSA key has %u bits; RFC 8301 asks for at least 2048."),
                                  key->key_bits);
        }
      else if (key->key_bits > 4096)
        {
          key->strength = MD_DKIM_KEY_STRENGTH_UNUSUAL;
          md_record_warnings_add (key->warnings, "key-size",
                                  _("The RSA key has %u bits; verifiers need only handle 1024 "
                                    "to 4096 bits (RFC 8301), so some will not use it."),
                                  key->key_bits);
        }
      if (odd_exponent && key->strength != MD_DKIM_KEY_STRENGTH_TOO_WEAK)
        {
          key->strength = MD_DKIM_KEY_STRENGTH_UNUSUAL;
          md_record_warnings_add (key->warnings, "key-exponent",
                                  _("The RSA key has an unusual public exponent (even, below 3 "
                                    "or longer than 64 bits); verifiers may refuse it. Keys "
                                    "use 65537."));
        }
    }

  key->public_key = g_steal_pointer (&bytes);
  return TRUE;
}

MdDkimKey *
md_dkim_key_parse (const char  *text,
                   GError     **error)
{
  g_autoptr(MdDkimKey) key = NULL;
  g_autoptr(GPtrArray) tags = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_auto(GStrv) flags = NULL;
  const char *p_value = NULL;
  gboolean first = TRUE;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (text[strspn (text, DKIM_SPACE)] == '\0')
    {
      g_set_error_literal (error, MD_DKIM_KEY_ERROR, MD_DKIM_KEY_ERROR_EMPTY,
                           _("The DKIM key record is empty."));
      return NULL;
    }

  key = g_new0 (MdDkimKey, 1);
  key->text = g_strdup (text);
  key->warnings = md_record_warnings_new ();
  key->key_type = MD_DKIM_KEY_TYPE_RSA;
  seen = g_hash_table_new (g_str_hash, g_str_equal);

  tags = md_tag_list_split (text, DKIM_SPACE);
  for (guint i = 0; i < tags->len; i++)
    {
      MdTag *tag = g_ptr_array_index (tags, i);
      g_autofree char *shown_value = NULL;

      if (tag->blank)
        continue;

      if (tag->name == NULL || !is_tag_name (tag->name))
        {
          g_autofree char *stripped = md_record_strip (tag->raw, strlen (tag->raw), DKIM_SPACE);
          g_autofree char *shown = md_record_describe (stripped);

          g_set_error (error, MD_DKIM_KEY_ERROR, MD_DKIM_KEY_ERROR_SYNTAX,
                       _("“%s” is not a tag=value pair; DKIM tags are separated by “;”."),
                       shown);
          return NULL;
        }

      /* Tag names are case-sensitive (RFC 6376 3.2). */
      if (!g_hash_table_add (seen, tag->name))
        {
          g_autofree char *shown = md_record_describe (tag->name);

          g_set_error (error, MD_DKIM_KEY_ERROR, MD_DKIM_KEY_ERROR_DUPLICATE_TAG,
                       _("The %s= tag appears more than once, which makes the whole key "
                         "record invalid."),
                       shown);
          return NULL;
        }

      shown_value = md_record_describe (tag->value);

      if (g_str_equal (tag->name, "v"))
        {
          if (!first)
            {
              g_set_error_literal (error, MD_DKIM_KEY_ERROR, MD_DKIM_KEY_ERROR_VERSION_NOT_FIRST,
                                   _("v=DKIM1 must be the first tag of the key record."));
              return NULL;
            }
          if (!g_str_equal (tag->value, "DKIM1"))
            {
              g_set_error (error, MD_DKIM_KEY_ERROR, MD_DKIM_KEY_ERROR_BAD_VERSION,
                           _("The version is “%s”; it must be exactly “DKIM1”."),
                           shown_value);
              return NULL;
            }
        }
      else if (g_str_equal (tag->name, "k"))
        {
          if (g_str_equal (tag->value, "rsa"))
            key->key_type = MD_DKIM_KEY_TYPE_RSA;
          else if (g_str_equal (tag->value, "ed25519"))
            key->key_type = MD_DKIM_KEY_TYPE_ED25519;
          else
            {
              g_set_error (error, MD_DKIM_KEY_ERROR, MD_DKIM_KEY_ERROR_UNKNOWN_KEY_TYPE,
                           _("The key type k=%s is unknown; verifiers support “rsa” and "
                             "“ed25519”."),
                           shown_value);
              return NULL;
            }
        }
      else if (g_str_equal (tag->name, "p"))
        p_value = tag->value;
      else if (g_str_equal (tag->name, "h"))
        key->hashes = split_colon_list (tag->value);
      else if (g_str_equal (tag->name, "s"))
        key->services = split_colon_list (tag->value);
      else if (g_str_equal (tag->name, "t"))
        flags = split_colon_list (tag->value);
      else if (g_str_equal (tag->name, "n"))
        key->notes = g_strdup (tag->value);
      else if (g_str_equal (tag->name, "g"))
        md_record_warnings_add (key->warnings, "obsolete-tag",
                                _("The g= tag was removed in RFC 6376; verifiers ignore it."));
      else
        {
          g_autofree char *shown = md_record_describe (tag->name);
          gboolean wrong_case = FALSE;

          for (guint k = 0; known_tags[k] != NULL; k++)
            if (g_ascii_strcasecmp (tag->name, known_tags[k]) == 0)
              wrong_case = TRUE;

          if (wrong_case)
            md_record_warnings_add (key->warnings, "unknown-tag",
                                    _("Tag names are case-sensitive: “%s” is not a DKIM tag, "
                                      "and verifiers ignore it."),
                                    shown);
          else
            md_record_warnings_add (key->warnings, "unknown-tag",
                                    _("The tag “%s” is not part of a DKIM key record; "
                                      "verifiers ignore it."),
                                    shown);
        }

      first = FALSE;
    }

  if (p_value == NULL)
    {
      g_set_error_literal (error, MD_DKIM_KEY_ERROR, MD_DKIM_KEY_ERROR_MISSING_KEY,
                           _("The record has no public key (p=), which a DKIM key record "
                             "must have."));
      return NULL;
    }

  if (key->services == NULL)
    {
      key->services = g_new0 (char *, 2);
      key->services[0] = g_strdup ("*");
    }
  else
    check_services (key);

  if (key->hashes != NULL)
    check_hashes (key);

  if (flags != NULL)
    check_flags (key, flags);

  if (p_value[0] == '\0')
    {
      key->revoked = TRUE;
      key->strength = MD_DKIM_KEY_STRENGTH_REVOKED;
      key->key_format = MD_DKIM_KEY_FORMAT_NONE;
      return g_steal_pointer (&key);
    }

  if (!read_key (key, p_value, error))
    return NULL;

  return g_steal_pointer (&key);
}
