/* fuzz-dmarc.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* libFuzzer target for the DMARC record parser, the TXT RRset selection,
 * the tree walk and report authorisation helpers. */

#include "config.h"

#include <string.h>

#include "md-dmarc.h"

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

static MdDmarcLookupResult
serve_input (const char  *qname,
             GStrv       *txts,
             char       **failure,
             gpointer     user_data)
{
  const char *text = user_data;

  /* Every other level answers, so the walk sees records, gaps and the
   * organizational-domain rules. */
  if (strlen (qname) % 2 == 0)
    return MD_DMARC_LOOKUP_NONE;

  *txts = g_strsplit (text, "\n", 4);
  return MD_DMARC_LOOKUP_FOUND;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(MdDmarcRecord) record = NULL;
  g_autoptr(MdDmarcRecord) selected = NULL;
  g_autoptr(MdDmarcDiscovery) discovery = NULL;
  g_autoptr(GPtrArray) notes = md_record_warnings_new ();
  g_auto(GStrv) txts = g_strsplit (text, "\n", 8);
  g_auto(GStrv) names = NULL;

  record = md_dmarc_record_parse (text, NULL);
  if (record != NULL)
    {
      g_autoptr(MdDmarcRecord) copy = md_dmarc_record_copy (record);

      g_free (md_dmarc_record_format_fo (copy));

      for (guint i = 0; i < record->rua->len; i++)
        {
          const MdDmarcUri *uri = g_ptr_array_index (record->rua, i);

          if (uri->domain != NULL)
            {
              g_free (md_dmarc_report_authorization_name ("example.com", uri->domain));
              md_dmarc_report_needs_authorization ("example.com", uri->domain);
            }
        }
    }

  selected = md_dmarc_record_select ((const char * const *) txts, notes, NULL);

  /* The first line as a domain name for the tree walk */
  names = md_dmarc_discovery_names (txts[0] != NULL ? txts[0] : "", NULL);
  if (names != NULL && size < 4096)
    {
      discovery = md_dmarc_discover (txts[0], serve_input, text, NULL);
      if (discovery != NULL)
        md_dmarc_discovery_policy_for (discovery, TRUE);
    }

  return 0;
}
