/* md-knowledge.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "md-knowledge-private.h"
#include "md-util.h"

/* The knowledge base: rejection codes and markers → what they mean and how
 * the block is lifted. This file holds the object and its public API; the
 * loader, the matcher, the contact selection and the explanations live in
 * their own md-knowledge-*.c files (md-knowledge-private.h). */

G_DEFINE_FINAL_TYPE (MdKnowledge, md_knowledge, G_TYPE_OBJECT)

/* "5.7.511" → { 5, 7, 511 }. RFC 3463: class 2, 4 or 5; subject and detail
 * up to three digits. */
gboolean
md_knowledge_parse_status (const char *text,
                           guint      *parts,
                           guint       n_parts)
{
  g_auto(GStrv) fields = NULL;

  if (text == NULL)
    return FALSE;

  fields = g_strsplit (text, ".", -1);
  if (g_strv_length (fields) != n_parts)
    return FALSE;

  for (guint i = 0; i < n_parts; i++)
    {
      guint64 value;

      if (!g_ascii_string_to_unsigned (fields[i], 10, 0, 999, &value, NULL))
        return FALSE;
      parts[i] = (guint) value;
    }

  return parts[0] == 2 || parts[0] == 4 || parts[0] == 5;
}

/* Case-folded with white space collapsed, so that markers match across the
 * line breaks and capitalisation that relays and NDR generators introduce. */
char *
md_knowledge_fold_text (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  g_autofree char *normalized = md_normalize_space (valid);

  return g_utf8_casefold (normalized, -1);
}

/* GObject */

static void
md_knowledge_finalize (GObject *object)
{
  MdKnowledge *self = (MdKnowledge *) object;

  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->entries, g_ptr_array_unref);

  G_OBJECT_CLASS (md_knowledge_parent_class)->finalize (object);
}

static void
md_knowledge_class_init (MdKnowledgeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = md_knowledge_finalize;
}

static void
md_knowledge_init (MdKnowledge *self)
{
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) md_knowledge_entry_free);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
}

/* Public API */

guint
md_knowledge_get_n_entries (MdKnowledge *self)
{
  g_return_val_if_fail (MD_IS_KNOWLEDGE (self), 0);

  return self->entries->len;
}

MdExplanation *
md_knowledge_explain (MdKnowledge       *self,
                      const MdRejection *rejection)
{
  const Entry *best;
  MdExplanation *explanation;

  g_return_val_if_fail (MD_IS_KNOWLEDGE (self), NULL);
  g_return_val_if_fail (rejection != NULL, NULL);

  best = md_knowledge_find_entry (self, rejection);
  if (best == NULL)
    return md_knowledge_fallback_explain ();

  explanation = md_knowledge_entry_explain (best, rejection->provider);
  md_knowledge_apply_contacts (best, rejection, explanation);

  return explanation;
}

MdExplanation *
md_knowledge_lookup (MdKnowledge *self,
                     const char  *id)
{
  const Entry *entry;

  g_return_val_if_fail (MD_IS_KNOWLEDGE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  entry = g_hash_table_lookup (self->by_id, id);

  return entry != NULL ? md_knowledge_entry_explain (entry, NULL) : NULL;
}

GStrv
md_knowledge_dup_ids (MdKnowledge *self)
{
  GStrv ids;

  g_return_val_if_fail (MD_IS_KNOWLEDGE (self), NULL);

  ids = g_new0 (char *, self->entries->len + 1);
  for (guint i = 0; i < self->entries->len; i++)
    ids[i] = g_strdup (((const Entry *) g_ptr_array_index (self->entries, i))->id);

  return ids;
}
