/* md-draft-facts.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-draft-private.h"

#include "md-check.h"

G_DEFINE_BOXED_TYPE (MdDraftFacts, md_draft_facts, md_draft_facts_copy, md_draft_facts_free)

/* ------------------------------------------------------------------ */
/* MdDraftFacts                                                        */

static void
md_draft_fact_free (MdDraftFact *fact)
{
  g_free (fact->id);
  g_free (fact->status);
  g_free (fact->summary);
  g_free (fact->detail);
  g_free (fact);
}

MdDraftFacts *
md_draft_facts_new (void)
{
  MdDraftFacts *facts = g_new0 (MdDraftFacts, 1);

  facts->checks = g_ptr_array_new_with_free_func ((GDestroyNotify) md_draft_fact_free);
  facts->remediation = g_ptr_array_new_with_free_func (g_free);
  facts->extra_ips = g_ptr_array_new_with_free_func (g_free);

  return facts;
}

MdDraftFacts *
md_draft_facts_copy (const MdDraftFacts *facts)
{
  MdDraftFacts *copy;

  g_return_val_if_fail (facts != NULL, NULL);

  copy = md_draft_facts_new ();
  for (guint i = 0; i < facts->checks->len; i++)
    {
      const MdDraftFact *fact = g_ptr_array_index (facts->checks, i);
      MdDraftFact *last;

      md_draft_facts_add_check (copy, fact->id, fact->status, fact->summary);
      last = g_ptr_array_index (copy->checks, copy->checks->len - 1);
      last->detail = g_strdup (fact->detail);
    }
  for (guint i = 0; i < facts->remediation->len; i++)
    md_draft_facts_add_remediation (copy, g_ptr_array_index (facts->remediation, i));
  for (guint i = 0; i < facts->extra_ips->len; i++)
    md_draft_facts_add_ip (copy, g_ptr_array_index (facts->extra_ips, i));

  return copy;
}

void
md_draft_facts_free (MdDraftFacts *facts)
{
  if (facts == NULL)
    return;

  g_clear_pointer (&facts->checks, g_ptr_array_unref);
  g_clear_pointer (&facts->remediation, g_ptr_array_unref);
  g_clear_pointer (&facts->extra_ips, g_ptr_array_unref);
  g_free (facts);
}

void
md_draft_facts_add_check (MdDraftFacts *facts,
                          const char   *id,
                          const char   *status,
                          const char   *summary)
{
  MdDraftFact *fact;

  g_return_if_fail (facts != NULL);
  g_return_if_fail (id != NULL);
  g_return_if_fail (status != NULL);

  fact = g_new0 (MdDraftFact, 1);
  fact->id = g_strdup (id);
  fact->status = g_strdup (status);
  fact->summary = g_strdup (summary);
  g_ptr_array_add (facts->checks, fact);
}

void
md_draft_facts_add_remediation (MdDraftFacts *facts,
                                const char   *step)
{
  g_return_if_fail (facts != NULL);

  if (!is_empty (step))
    g_ptr_array_add (facts->remediation, g_strdup (step));
}

void
md_draft_facts_add_ip (MdDraftFacts *facts,
                       const char   *ip)
{
  g_return_if_fail (facts != NULL);

  if (!is_empty (ip))
    g_ptr_array_add (facts->extra_ips, g_strdup (ip));
}

/* The value a request cites from a check (the SPF result, the DMARC policy,
 * the PTR name, the DKIM key, the imprint URL, the network's owner): the
 * typed fact the check set, never its details JSON, so that a check
 * changing its details cannot change the mail. Each check sets the facts it
 * decides, and one check decides one of them. */
static char *
fact_detail (MdCheck *check)
{
  for (guint i = 0; i < MD_CHECK_N_FACTS; i++)
    {
      const char *value = md_check_get_fact (check, i);

      if (value != NULL)
        return g_strdup (value);
    }

  return NULL;
}

void
md_draft_facts_add_checks (MdDraftFacts *facts,
                           GListModel   *checks)
{
  guint n;

  g_return_if_fail (facts != NULL);
  g_return_if_fail (G_IS_LIST_MODEL (checks));

  n = g_list_model_get_n_items (checks);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (checks, i);
      MdCheck *check;

      if (!MD_IS_CHECK (item))
        continue;
      check = MD_CHECK (item);
      md_draft_facts_add_check (facts, md_check_get_id (check),
                                md_check_status_to_string (md_check_get_status (check)),
                                md_check_get_summary (check));
      ((MdDraftFact *) g_ptr_array_index (facts->checks, facts->checks->len - 1))->detail =
        fact_detail (check);
    }
}
