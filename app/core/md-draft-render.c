/* md-draft-render.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The template language of templates.xml: {name}, {?name}…{/name},
 * {^name}…{/name}, {#name}…{/name} with {.} — a small subset of mustache.
 * Hand-written because GLib has no template engine and the values must be
 * inserted as they are, never read as a template themselves. */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-draft-private.h"

#include <string.h>

/* ------------------------------------------------------------------ */
/* Rendering                                                           */

/* A value is a string, a list of strings, or nothing (both NULL). */
typedef struct
{
  char      *str;
  GPtrArray *list;
} Value;

static void
value_free (Value *v)
{
  g_free (v->str);
  g_clear_pointer (&v->list, g_ptr_array_unref);
  g_free (v);
}

static gboolean
value_is_set (const Value *v)
{
  if (v->list != NULL)
    return v->list->len > 0;
  return !is_empty (v->str);
}

static gboolean
is_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '_';
}

/* "{?name}", "{^name}", "{#name}" or "{/name}", exactly LEN bytes. */
gboolean
md_draft_is_section_tag (const char *s,
                         gsize       len)
{
  if (len < 4 || s[0] != '{' || s[len - 1] != '}')
    return FALSE;
  if (s[1] != '?' && s[1] != '^' && s[1] != '#' && s[1] != '/')
    return FALSE;
  for (gsize i = 2; i < len - 1; i++)
    if (!is_name_char (s[i]))
      return FALSE;

  return TRUE;
}

/* Reads a tag at P ("{" already seen). Sets SIGIL ('\0' for a value, '.'
 * for the item) and NAME; returns the position after "}", or NULL when P
 * is no tag (a literal brace). */
static const char *
read_tag (const char  *p,
          const char  *end,
          char        *sigil,
          char       **name)
{
  const char *q = p + 1;
  const char *start;

  *sigil = '\0';
  if (q < end && (*q == '?' || *q == '^' || *q == '#' || *q == '/'))
    *sigil = *q++;
  else if (q + 1 < end && q[0] == '.' && q[1] == '}')
    {
      *sigil = '.';
      *name = NULL;
      return q + 2;
    }

  start = q;
  while (q < end && is_name_char (*q))
    q++;
  if (q == start || q >= end || *q != '}')
    return NULL;

  *name = g_strndup (start, q - start);
  return q + 1;
}

/* The matching "{/name}" for a section that opened before P, counting
 * nested sections of the same name. */
static const char *
find_section_end (const char  *p,
                  const char  *end,
                  const char  *name,
                  const char **after)
{
  guint depth = 0;

  while (p < end)
    {
      const char *brace = memchr (p, '{', end - p);
      g_autofree char *tag_name = NULL;
      const char *next;
      char sigil;

      if (brace == NULL)
        return NULL;

      next = read_tag (brace, end, &sigil, &tag_name);
      if (next == NULL)
        {
          p = brace + 1;
          continue;
        }

      if (tag_name != NULL && g_str_equal (tag_name, name))
        {
          if (sigil == '/')
            {
              if (depth == 0)
                {
                  *after = next;
                  return brace;
                }
              depth--;
            }
          else if (sigil == '?' || sigil == '^' || sigil == '#')
            depth++;
        }
      p = next;
    }

  return NULL;
}

static gboolean
render_range (const char  *p,
              const char  *end,
              GHashTable  *values,
              const char  *item,
              GString     *out,
              GError     **error)
{
  while (p < end)
    {
      const char *brace = memchr (p, '{', end - p);
      g_autofree char *name = NULL;
      const Value *value;
      const char *next;
      char sigil;

      if (brace == NULL)
        {
          g_string_append_len (out, p, end - p);
          break;
        }

      g_string_append_len (out, p, brace - p);
      next = read_tag (brace, end, &sigil, &name);
      if (next == NULL)
        {
          g_string_append_c (out, '{');
          p = brace + 1;
          continue;
        }

      if (sigil == '.')
        {
          if (item == NULL)
            {
              g_set_error (error, MD_DRAFT_ERROR, MD_DRAFT_ERROR_TEMPLATES,
                           "{.} outside a list section");
              return FALSE;
            }
          g_string_append (out, item);
          p = next;
          continue;
        }

      if (!g_hash_table_lookup_extended (values, name, NULL, (gpointer *) &value))
        {
          g_set_error (error, MD_DRAFT_ERROR, MD_DRAFT_ERROR_TEMPLATES,
                       "unknown placeholder “%s”", name);
          return FALSE;
        }

      if (sigil == '\0')
        {
          if (value->list != NULL)
            {
              g_set_error (error, MD_DRAFT_ERROR, MD_DRAFT_ERROR_TEMPLATES,
                           "list “%s” used as a value", name);
              return FALSE;
            }
          if (value->str != NULL)
            g_string_append (out, value->str);
          p = next;
          continue;
        }

      if (sigil == '/')
        {
          g_set_error (error, MD_DRAFT_ERROR, MD_DRAFT_ERROR_TEMPLATES,
                       "“{/%s}” without an opening tag", name);
          return FALSE;
        }

      {
        const char *after = NULL;
        const char *close = find_section_end (next, end, name, &after);
        gboolean set = value_is_set (value);

        if (close == NULL)
          {
            g_set_error (error, MD_DRAFT_ERROR, MD_DRAFT_ERROR_TEMPLATES,
                         "section “%s” is not closed", name);
            return FALSE;
          }

        if (sigil == '?' && set)
          {
            if (!render_range (next, close, values, item, out, error))
              return FALSE;
          }
        else if (sigil == '^' && !set)
          {
            if (!render_range (next, close, values, item, out, error))
              return FALSE;
          }
        else if (sigil == '#' && set)
          {
            if (value->list != NULL)
              {
                for (guint i = 0; i < value->list->len; i++)
                  if (!render_range (next, close, values,
                                     g_ptr_array_index (value->list, i), out, error))
                    return FALSE;
              }
            else if (!render_range (next, close, values, value->str, out, error))
              return FALSE;
          }

        p = after;
      }
    }

  return TRUE;
}

char *
md_draft_render (const char  *text,
                 GHashTable  *values,
                 GError     **error)
{
  g_autoptr(GString) out = g_string_new (NULL);

  if (!render_range (text, text + strlen (text), values, NULL, out, error))
    return NULL;

  return g_string_free (g_steal_pointer (&out), FALSE);
}

void
md_draft_values_set_string (GHashTable *values,
                            const char *name,
                            const char *str)
{
  Value *v = g_new0 (Value, 1);

  v->str = dup_nonempty (str);
  g_hash_table_replace (values, (gpointer) name, v);
}

void
md_draft_values_set_list (GHashTable *values,
                          const char *name,
                          GPtrArray  *list)
{
  Value *v = g_new0 (Value, 1);

  v->list = g_ptr_array_ref (list);
  g_hash_table_replace (values, (gpointer) name, v);
}

const char *
md_draft_values_lookup (GHashTable *values,
                        const char *name)
{
  const Value *v = g_hash_table_lookup (values, name);

  return v != NULL ? v->str : NULL;
}

GHashTable *
md_draft_values_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) value_free);
}
