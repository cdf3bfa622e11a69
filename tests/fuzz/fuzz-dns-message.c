/* fuzz-dns-message.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* libFuzzer target for the DNS message reader behind every lookup
 * (md_dns_message_parse): header, question, answers, CNAME chains and the
 * RDATA of every record type we decode, TLSA and SPF included.
 *
 * Input: byte 0 picks the asked type, byte 1 the asked name, the rest is
 * the message as it came off the wire. The corpus in corpus/dns-message/
 * holds real knotd answers for tests/dns/resolver.test.zone. */

#include "config.h"

#include "md-resolver.h"

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static const MdDnsType types[] = {
    MD_DNS_TYPE_A, MD_DNS_TYPE_NS, MD_DNS_TYPE_CNAME, MD_DNS_TYPE_PTR, MD_DNS_TYPE_MX,
    MD_DNS_TYPE_TXT, MD_DNS_TYPE_AAAA, MD_DNS_TYPE_TLSA, MD_DNS_TYPE_SPF,
  };
  static const char *const names[] = {
    "a.test", "b.test", "resolver.test", "www.resolver.test", "alias2.resolver.test",
    "multi.resolver.test", "_25._tcp.mx1.resolver.test", "spf.resolver.test",
    "nothere.resolver.test", ".",
  };
  g_autoptr(MdDnsAnswer) answer = NULL;
  g_autoptr(MdDnsAnswer) copy = NULL;

  if (size < 2)
    return 0;

  answer = md_dns_message_parse (data + 2, size - 2,
                                 names[data[1] % G_N_ELEMENTS (names)],
                                 types[data[0] % G_N_ELEMENTS (types)]);
  g_assert (answer != NULL);

  /* Whatever came in, what goes out must be usable: UTF-8 text, records of
   * the asked type only, no records unless the status is OK. */
  g_assert (answer->status == MD_DNS_STATUS_OK || answer->records->len == 0);
  for (guint i = 0; i < answer->records->len; i++)
    {
      MdDnsRecord *record = g_ptr_array_index (answer->records, i);

      g_assert (record->type == answer->type);
      g_assert (g_utf8_validate (record->name, -1, NULL));
      if (record->text != NULL)
        g_assert (g_utf8_validate (record->text, -1, NULL));
      for (guint j = 0; record->strings != NULL && record->strings[j] != NULL; j++)
        g_assert (g_utf8_validate (record->strings[j], -1, NULL));
    }
  copy = md_dns_answer_copy (answer);

  return 0;
}
