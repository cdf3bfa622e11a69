/* fuzz-spf-record.c — libFuzzer target: SPF record parser and macro expansion
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "md-spf.h"

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

static void
expand_all (const char   *text,
            GInetAddress *ip)
{
  g_autofree char *domain = NULL;
  g_autofree char *explanation = NULL;

  /* Both grammars: domain-spec letters, and exp= text with c, r, t. */
  domain = md_spf_expand_macros (text, "strong-bad@email.example.com", "email.example.com",
                                 ip, "mx.example.org", FALSE, NULL);
  explanation = md_spf_expand_macros (text, "", NULL, ip, "mx.example.org", TRUE, NULL);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(MdSpfRecord) record = NULL;
  g_autoptr(GInetAddress) ip4 = g_inet_address_new_from_string ("192.0.2.3");
  g_autoptr(GInetAddress) ip6 = g_inet_address_new_from_string ("2001:db8::cb01");

  record = md_spf_record_parse (text, NULL);
  if (record != NULL)
    {
      g_autoptr(MdSpfRecord) copy = md_spf_record_copy (record);

      for (guint i = 0; i < copy->terms->len; i++)
        {
          const MdSpfTerm *term = g_ptr_array_index (copy->terms, i);

          if (term->domain_spec != NULL)
            expand_all (term->domain_spec, i % 2 ? ip6 : ip4);
          if (term->value != NULL)
            expand_all (term->value, ip4);
        }
    }

  expand_all (text, size % 2 ? ip6 : ip4);

  return 0;
}
