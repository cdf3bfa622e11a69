/* md-knowledge-match.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "md-knowledge-private.h"

#include <string.h>

/* Which entry a rejection meets: provider, service, enhanced status code,
 * reply code, temporary or not, and markers in the text, all of one <match>
 * at once. */

typedef struct
{
  const MdRejection *rejection;
  gboolean           has_status;
  guint              status[3];
  char              *haystack;   /* folded text, references and contacts */
} Facts;

static gboolean
contains_marker (const char *haystack,
                 const char *marker)
{
  gsize marker_len = strlen (marker);
  gboolean check_start = g_ascii_isalnum (marker[0]);
  gboolean check_end = marker_len > 0 && g_ascii_isalnum (marker[marker_len - 1]);

  /* Whole words only: "S3150" must not match inside "AS31500", nor
   * "Blocklist 1" inside "Blocklist 10". */
  for (const char *p = strstr (haystack, marker); p != NULL; p = strstr (p + 1, marker))
    {
      if (check_start && p > haystack && g_ascii_isalnum (p[-1]))
        continue;
      if (check_end && g_ascii_isalnum (p[marker_len]))
        continue;
      return TRUE;
    }

  return FALSE;
}

static gboolean
status_matches (const StatusPattern *pattern,
                const guint         *status)
{
  switch (pattern->kind)
    {
    case STATUS_EXACT:
      return memcmp (pattern->parts, status, sizeof pattern->parts) == 0;
    case STATUS_RANGE:
      return pattern->parts[0] == status[0] && pattern->parts[1] == status[1] &&
             status[2] >= pattern->parts[2] && status[2] <= pattern->high_detail;
    case STATUS_PREFIX:
      for (guint i = 0; i < pattern->n_parts; i++)
        if (pattern->parts[i] != status[i])
          return FALSE;
      return TRUE;
    default:
      g_assert_not_reached ();
    }
}

static gboolean
string_in (GPtrArray  *values,
           const char *value)
{
  if (value == NULL)
    return FALSE;
  for (guint i = 0; i < values->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (values, i), value) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
match_holds (const Match *match,
             const Facts *facts)
{
  const MdRejection *rejection = facts->rejection;

  if (match->providers->len > 0 && !string_in (match->providers, rejection->provider))
    return FALSE;
  if (match->services->len > 0 && !string_in (match->services, rejection->service))
    return FALSE;

  if (match->statuses->len > 0)
    {
      gboolean found = FALSE;

      for (guint i = 0; facts->has_status && !found && i < match->statuses->len; i++)
        found = status_matches (&g_array_index (match->statuses, StatusPattern, i), facts->status);
      if (!found)
        return FALSE;
    }

  if (match->codes->len > 0)
    {
      gboolean found = FALSE;

      for (guint i = 0; rejection->smtp_code != 0 && !found && i < match->codes->len; i++)
        {
          const CodePattern *code = &g_array_index (match->codes, CodePattern, i);

          found = code->is_class ? rejection->smtp_code / 100 == code->value
                                 : rejection->smtp_code == code->value;
        }
      if (!found)
        return FALSE;
    }

  if (match->temporary != -1 && (gboolean) match->temporary != !!rejection->temporary)
    return FALSE;

  for (guint i = 0; i < match->texts->len; i++)
    if (!contains_marker (facts->haystack, g_ptr_array_index (match->texts, i)))
      return FALSE;

  return TRUE;
}

static gboolean
entry_matches (const Entry *entry,
               const Facts *facts)
{
  for (guint i = 0; i < entry->matches->len; i++)
    if (match_holds (g_ptr_array_index (entry->matches, i), facts))
      return TRUE;
  return FALSE;
}

static void
facts_init (Facts             *facts,
            const MdRejection *rejection)
{
  GString *haystack = g_string_new (NULL);

  facts->rejection = rejection;
  facts->has_status = md_knowledge_parse_status (rejection->enhanced_status, facts->status, 3);

  if (rejection->text != NULL)
    g_string_append (haystack, rejection->text);
  for (guint i = 0; rejection->references != NULL && rejection->references[i] != NULL; i++)
    g_string_append_printf (haystack, "\n%s", rejection->references[i]);
  for (guint i = 0; rejection->contacts != NULL && i < rejection->contacts->len; i++)
    {
      const MdContact *contact = g_ptr_array_index (rejection->contacts, i);

      g_string_append_printf (haystack, "\n%s", contact->value);
    }

  facts->haystack = md_knowledge_fold_text (haystack->str);
  g_string_free (haystack, TRUE);
}

const Entry *
md_knowledge_find_entry (MdKnowledge       *self,
                         const MdRejection *rejection)
{
  const Entry *best = NULL;
  Facts facts;

  facts_init (&facts, rejection);
  for (guint i = 0; i < self->entries->len; i++)
    {
      const Entry *entry = g_ptr_array_index (self->entries, i);

      /* Highest priority wins; on a tie, the earlier entry in the file. */
      if ((best == NULL || entry->priority > best->priority) && entry_matches (entry, &facts))
        best = entry;
    }
  g_free (facts.haystack);

  return best;
}
