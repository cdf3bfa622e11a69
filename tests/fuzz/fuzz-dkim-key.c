/* fuzz-dkim-key.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* libFuzzer target for the DKIM key record parser, including the key
 * decoding (base64, SubjectPublicKeyInfo via GnuTLS, the PKCS#1 reader). */

#include "config.h"

#include "md-dkim-key.h"

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(MdDkimKey) key = md_dkim_key_parse (text, NULL);

  if (key != NULL)
    {
      g_autoptr(MdDkimKey) copy = md_dkim_key_copy (key);

      md_dkim_key_allows_hash (copy, "sha256");
      md_dkim_key_allows_email (copy);
    }

  return 0;
}
