/* md-rejection-collector.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The collector: deduplicates rejections as they arrive (text part and DSN
 * part of one bounce, a log line repeated). */

#include "config.h"

#include "md-rejection-parser-private.h"

void
md_rejection_collector_init (Collector    *c,
                             GCancellable *cancellable)
{
  c->rejections = g_ptr_array_new_with_free_func ((GDestroyNotify) md_rejection_free);
  c->by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  c->by_code = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  c->by_recipient = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  c->cancellable = cancellable;
}

void
md_rejection_collector_clear (Collector *c)
{
  g_clear_pointer (&c->rejections, g_ptr_array_unref);
  g_clear_pointer (&c->by_key, g_hash_table_unref);
  g_clear_pointer (&c->by_code, g_hash_table_unref);
  g_clear_pointer (&c->by_recipient, g_hash_table_unref);
}

static char *
code_key (const MdRejection *r)
{
  return g_strdup_printf ("%u|%s", r->smtp_code, r->enhanced_status ? r->enhanced_status : "");
}

char *
md_rejection_full_key (const MdRejection *r)
{
  g_autofree char *lower = r->recipient ? g_ascii_strdown (r->recipient, -1) : NULL;

  return g_strdup_printf ("%u|%s|%s", r->smtp_code,
                          r->enhanced_status ? r->enhanced_status : "", lower ? lower : "");
}

void
md_rejection_strv_add_unique (GStrv      *strv,
                              const char *value)
{
  guint n = g_strv_length (*strv);

  if (n >= MAX_REFERENCES || g_strv_contains ((const char * const *) *strv, value))
    return;
  *strv = g_renew (char *, *strv, n + 2);
  (*strv)[n] = g_strdup (value);
  (*strv)[n + 1] = NULL;
}

/* Fills what @into does not know from @from (same rejection seen twice). */
void
md_rejection_merge_into (MdRejection       *into,
                         const MdRejection *from)
{
  fill_str (&into->recipient, from->recipient);
  fill_str (&into->provider, from->provider);
  fill_str (&into->service, from->service);
  fill_str (&into->remote_host, from->remote_host);
  fill_str (&into->remote_ip, from->remote_ip);
  fill_str (&into->enhanced_status, from->enhanced_status);
  fill_str (&into->blocked_ip, from->blocked_ip);
  if (into->smtp_code == 0)
    into->smtp_code = from->smtp_code;
  if (into->stage == MD_SMTP_STAGE_UNKNOWN)
    into->stage = from->stage;
  for (guint i = 0; from->references[i]; i++)
    md_rejection_strv_add_unique (&into->references, from->references[i]);
  for (guint i = 0; i < from->contacts->len && into->contacts->len < MAX_CONTACTS; i++)
    {
      const MdContact *c = g_ptr_array_index (from->contacts, i);
      if (into->recipient == NULL || g_ascii_strcasecmp (into->recipient, c->value) != 0)
        md_rejection_add_contact (into, c->kind, c->value);
    }
  /* The longer text is the one not cut short by a summary line. */
  if (from->text != NULL && (into->text == NULL || strlen (from->text) > strlen (into->text)))
    set_str (&into->text, from->text);
}

static char *
recipient_key (const MdRejection *r)
{
  g_autofree char *lower = g_ascii_strdown (r->recipient, -1);

  return g_strdup_printf ("%u|%s", r->smtp_code, lower);
}

static void
collector_index (Collector   *c,
                 MdRejection *r,
                 guint        index)
{
  char *key = md_rejection_full_key (r);
  char *ckey = code_key (r);

  if (!g_hash_table_contains (c->by_key, key))
    g_hash_table_insert (c->by_key, key, GUINT_TO_POINTER (index + 1));
  else
    g_free (key);
  if (!g_hash_table_contains (c->by_code, ckey))
    g_hash_table_insert (c->by_code, ckey, GUINT_TO_POINTER (index + 1));
  else
    g_free (ckey);
  if (r->recipient != NULL && r->smtp_code != 0)
    {
      char *rkey = recipient_key (r);

      if (!g_hash_table_contains (c->by_recipient, rkey))
        g_hash_table_insert (c->by_recipient, rkey, GUINT_TO_POINTER (index + 1));
      else
        g_free (rkey);
    }
}

static void
ensure_utf8 (char **field)
{
  if (*field != NULL && !g_utf8_validate (*field, -1, NULL))
    {
      char *valid = g_utf8_make_valid (*field, -1);
      g_free (*field);
      *field = valid;
    }
}

/* Takes @r. The same rejection twice (text part and DSN part of one bounce,
 * a log line repeated) is kept once. */
void
md_rejection_collector_add (Collector   *c,
                            MdRejection *r)
{
  g_autofree char *key = NULL;
  g_autofree char *ckey = NULL;
  guint index;

  /* Every piece was cut from valid UTF-8 at ASCII boundaries; this makes
   * sure of it whatever the input was. */
  ensure_utf8 (&r->recipient);
  ensure_utf8 (&r->remote_host);
  ensure_utf8 (&r->text);
  for (guint i = 0; r->references[i] != NULL; i++)
    ensure_utf8 (&r->references[i]);
  for (guint i = 0; i < r->contacts->len; i++)
    ensure_utf8 (&((MdContact *) g_ptr_array_index (r->contacts, i))->value);

  if (is_masked_host (r->remote_host))
    g_clear_pointer (&r->remote_host, g_free);

  /* A DSN record with a status but no reply ("Status: 5.0.0", no
   * Diagnostic-Code) after the text part that quoted the reply without a
   * status: the same rejection. */
  if (r->smtp_code == 0 && r->text == NULL && r->enhanced_status != NULL && c->rejections->len > 0)
    {
      MdRejection *last = g_ptr_array_index (c->rejections, c->rejections->len - 1);

      if (last->enhanced_status == NULL &&
          last->smtp_code / 100 == (guint) (r->enhanced_status[0] - '0') &&
          (last->recipient == NULL || r->recipient == NULL ||
           g_ascii_strcasecmp (last->recipient, r->recipient) == 0) &&
          (last->remote_host == NULL || r->remote_host == NULL ||
           g_ascii_strcasecmp (last->remote_host, r->remote_host) == 0))
        {
          gboolean had_recipient = last->recipient != NULL;

          md_rejection_merge_into (last, r);
          if (!had_recipient && last->recipient != NULL)
            collector_index (c, last, c->rejections->len - 1);
          md_rejection_free (r);
          return;
        }
    }

  /* A help page's table copied cell by cell, one per line: "450", then
   * "4.2.1" — a code alone, then a status alone of its class. */
  if (r->smtp_code == 0 && r->enhanced_status != NULL &&
      g_strcmp0 (r->text, r->enhanced_status) == 0 && c->rejections->len > 0)
    {
      MdRejection *last = g_ptr_array_index (c->rejections, c->rejections->len - 1);

      if (last->enhanced_status == NULL && last->text != NULL && strlen (last->text) == 3 &&
          last->smtp_code / 100 == (guint) (r->enhanced_status[0] - '0'))
        {
          last->enhanced_status = g_strdup (r->enhanced_status);
          md_rejection_free (r);
          return;
        }
    }

  key = md_rejection_full_key (r);
  ckey = code_key (r);

  index = GPOINTER_TO_UINT (g_hash_table_lookup (c->by_key, key));
  if (index == 0 && r->recipient == NULL)
    index = GPOINTER_TO_UINT (g_hash_table_lookup (c->by_code, ckey));
  if (index == 0 && r->recipient != NULL)
    {
      /* An earlier mention of the same reply that did not name the
       * recipient (a transcript line before the address list). */
      g_autofree char *nokey = g_strdup_printf ("%s|", ckey);
      guint other = GPOINTER_TO_UINT (g_hash_table_lookup (c->by_key, nokey));

      if (other != 0)
        {
          MdRejection *o = g_ptr_array_index (c->rejections, other - 1);
          if (o->recipient == NULL)
            index = other;
        }
    }

  if (index == 0 && r->recipient != NULL && r->smtp_code != 0)
    {
      /* The same reply with and without its status: a Postfix bounce's
       * text ("554 IP=…") and its DSN fields ("Status: 4.0.0"). */
      g_autofree char *rkey = recipient_key (r);
      guint other = GPOINTER_TO_UINT (g_hash_table_lookup (c->by_recipient, rkey));

      if (other != 0)
        {
          MdRejection *o = g_ptr_array_index (c->rejections, other - 1);
          if (o->enhanced_status == NULL || r->enhanced_status == NULL)
            index = other;
        }
    }

  if (index != 0)
    {
      MdRejection *existing = g_ptr_array_index (c->rejections, index - 1);
      gboolean had_recipient = existing->recipient != NULL;

      md_rejection_merge_into (existing, r);
      if (!had_recipient && existing->recipient != NULL)
        collector_index (c, existing, index - 1);
      md_rejection_free (r);
      return;
    }

  if (c->rejections->len >= MD_REJECTION_PARSER_MAX_REJECTIONS)
    {
      md_rejection_free (r);
      return;
    }

  g_ptr_array_add (c->rejections, r);
  collector_index (c, r, c->rejections->len - 1);
}
