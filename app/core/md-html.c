/* md-html.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "md-html.h"

/* A web page or an HTML-only NDR: bounded like the pages the imprint check
 * fetches (SITE_MAX_SIZE there). */
#define TEXT_MAX_SIZE   (2 * 1024 * 1024)
#define LINK_TEXT_MAX   300
#define LINK_HREF_MAX   2048

/* HTML scanning.
 *
 * There is no HTML parser in our stack (GLib, libsoup, json-glib, GMime),
 * and we need nothing but the <a href> links of one page and its visible
 * text, so a small tolerant scanner does it: it never fails on broken
 * markup, skips comments, <script> and <style>, and runs in time linear in
 * the input (each byte is looked at a bounded number of times). */

static gboolean
starts_with_ci (const char *p,
                const char *end,
                const char *word)
{
  gsize len = strlen (word);

  return (gsize)(end - p) >= len && g_ascii_strncasecmp (p, word, len) == 0;
}

/* The first @needle (ASCII, lower case) at or after @p, case-insensitively;
 * @end when there is none. */
static const char *
find_ci (const char *p,
         const char *end,
         const char *needle)
{
  gsize len = strlen (needle);
  char first = needle[0];

  for (; p + len <= end; p++)
    {
      if (g_ascii_tolower (*p) == first && g_ascii_strncasecmp (p, needle, len) == 0)
        return p;
    }

  return end;
}

static const struct
{
  const char *name;
  const char *utf8;
} entities[] = {
  { "amp", "&" }, { "lt", "<" }, { "gt", ">" }, { "quot", "\"" }, { "apos", "'" },
  { "nbsp", " " }, { "auml", "ä" }, { "ouml", "ö" }, { "uuml", "ü" }, { "Auml", "Ä" },
  { "Ouml", "Ö" }, { "Uuml", "Ü" }, { "szlig", "ß" }, { "eacute", "é" }, { "egrave", "è" },
  { "copy", "©" },
};

/* Appends @p[0..len) to @out with character references decoded and runs of
 * white space collapsed. */
static void
append_text (GString    *out,
             const char *p,
             const char *end,
             gsize       max)
{
  while (p < end && out->len < max)
    {
      if (*p == '&')
        {
          const char *semi = memchr (p, ';', MIN (end - p, 12));
          gboolean done = FALSE;

          if (semi != NULL && p[1] == '#')
            {
              gunichar c;
              char *stop = NULL;

              if (p[2] == 'x' || p[2] == 'X')
                c = g_ascii_strtoull (p + 3, &stop, 16);
              else
                c = g_ascii_strtoull (p + 2, &stop, 10);
              if (stop == semi && g_unichar_validate (c) && c != 0)
                {
                  g_string_append_unichar (out, g_unichar_isspace (c) ? ' ' : c);
                  done = TRUE;
                }
            }
          else if (semi != NULL)
            {
              for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
                {
                  if ((gsize)(semi - p - 1) == strlen (entities[i].name) &&
                      strncmp (p + 1, entities[i].name, semi - p - 1) == 0)
                    {
                      g_string_append (out, entities[i].utf8);
                      done = TRUE;
                      break;
                    }
                }
            }
          if (done)
            {
              p = semi + 1;
              continue;
            }
        }

      if (g_ascii_isspace (*p))
        {
          if (out->len > 0 && out->str[out->len - 1] != ' ')
            g_string_append_c (out, ' ');
        }
      else
        g_string_append_c (out, *p);
      p++;
    }
}

static char *
finish_text (GString *text)
{
  g_autofree char *raw = g_string_free (text, FALSE);
  char *valid = g_utf8_make_valid (raw, -1);

  return g_strstrip (valid);
}

static void
html_link_free (MdHtmlLink *link)
{
  g_free (link->href);
  g_free (link->text);
  g_free (link);
}

/* After "<" of a tag: skips comments and raw-text elements. Returns where
 * scanning goes on, or NULL when @p starts nothing to skip. */
static const char *
skip_special (const char *p,
              const char *end)
{
  const char *close;

  if (starts_with_ci (p, end, "!--"))
    {
      close = find_ci (p + 3, end, "-->");
      return close == end ? end : close + 3;
    }
  if (starts_with_ci (p, end, "script") || starts_with_ci (p, end, "style"))
    {
      const char *name = g_ascii_tolower (p[1]) == 'c' ? "</script" : "</style";

      close = find_ci (p, end, name);
      return close;
    }

  return NULL;
}

/* Parses the attributes of a tag starting at @p (after the tag name); stores
 * the href value; returns the position after the closing '>'. */
static const char *
parse_attributes (const char  *p,
                  const char  *end,
                  char       **href)
{
  while (p < end && *p != '>')
    {
      const char *name, *value = NULL;
      gsize name_len, value_len = 0;

      if (g_ascii_isspace (*p) || *p == '/')
        {
          p++;
          continue;
        }
      name = p;
      while (p < end && !g_ascii_isspace (*p) && *p != '=' && *p != '>' && *p != '/')
        p++;
      name_len = p - name;
      while (p < end && g_ascii_isspace (*p))
        p++;
      if (p < end && *p == '=')
        {
          p++;
          while (p < end && g_ascii_isspace (*p))
            p++;
          if (p < end && (*p == '"' || *p == '\''))
            {
              const char *close = memchr (p + 1, *p, end - p - 1);

              value = p + 1;
              close = close != NULL ? close : end;
              value_len = close - value;
              p = close < end ? close + 1 : end;
            }
          else
            {
              value = p;
              while (p < end && !g_ascii_isspace (*p) && *p != '>')
                p++;
              value_len = p - value;
            }
        }
      if (name_len == 4 && g_ascii_strncasecmp (name, "href", 4) == 0 && value != NULL &&
          *href == NULL && value_len <= LINK_HREF_MAX)
        {
          GString *decoded = g_string_new (NULL);

          append_text (decoded, value, value + value_len, LINK_HREF_MAX);
          *href = finish_text (decoded);
        }
    }

  return p < end ? p + 1 : end;
}

/* Every <a href="…">text</a> of @html, in document order. */
GPtrArray *
md_html_scan_links (const char *html,
                    gsize       length)
{
  GPtrArray *links = g_ptr_array_new_with_free_func ((GDestroyNotify)html_link_free);
  const char *p = html;
  const char *end = html + length;

  g_return_val_if_fail (html != NULL || length == 0, links);

  while (p < end)
    {
      const char *lt = memchr (p, '<', end - p);
      const char *skip;
      char *href = NULL;
      GString *text;
      MdHtmlLink *link;

      if (lt == NULL)
        break;
      p = lt + 1;

      if ((skip = skip_special (p, end)) != NULL)
        {
          p = skip;
          continue;
        }
      if (!(p < end && (*p == 'a' || *p == 'A') &&
            (p + 1 == end || g_ascii_isspace (p[1]) || p[1] == '>')))
        continue;

      p = parse_attributes (p + 1, end, &href);
      if (href == NULL)
        continue;

      /* The link text runs to "</a" (or to the next "<a", for the unclosed
       * links of sloppy pages); nested tags are dropped. */
      text = g_string_new (NULL);
      while (p < end)
        {
          const char *tag = memchr (p, '<', end - p);

          append_text (text, p, tag != NULL ? tag : end, LINK_TEXT_MAX);
          if (tag == NULL)
            {
              p = end;
              break;
            }
          p = tag + 1;
          if (starts_with_ci (p, end, "/a") && (p + 2 == end || !g_ascii_isalnum (p[2])))
            break;
          if ((p < end && (*p == 'a' || *p == 'A')) && (p + 1 == end || g_ascii_isspace (p[1])))
            {
              p = tag;
              break;
            }
          if ((skip = skip_special (p, end)) != NULL)
            {
              p = skip;
              continue;
            }
          /* An inline tag (<span>, <img alt>): words on both sides stay apart. */
          g_string_append_c (text, ' ');
          tag = memchr (p, '>', end - p);
          p = tag != NULL ? tag + 1 : end;
        }

      link = g_new0 (MdHtmlLink, 1);
      link->href = href;
      link->text = finish_text (text);
      g_ptr_array_add (links, link);
    }

  return links;
}

/* Tags after which a line ends: a rejection is read line by line, and an
 * NDR's table rows and paragraphs are its lines. */
static gboolean
is_block_tag (const char *p,
              const char *end)
{
  static const char * const tags[] = {
    "br", "p", "/p", "div", "/div", "tr", "/tr", "li", "/li", "/table", "h1", "h2", "h3", "h4",
    "/h1", "/h2", "/h3", "/h4", "pre", "/pre", "blockquote", "/blockquote",
  };

  for (guint i = 0; i < G_N_ELEMENTS (tags); i++)
    {
      gsize len = strlen (tags[i]);

      if (starts_with_ci (p, end, tags[i]) &&
          (p + len == end || !g_ascii_isalnum (p[len])))
        return TRUE;
    }

  return FALSE;
}

/* The visible text of a page: tags dropped, references decoded, white space
 * collapsed; with @keep_lines, block elements end a line. */
char *
md_html_to_text (const char *html,
                 gsize       length,
                 gboolean    keep_lines)
{
  GString *text;
  const char *p = html;
  const char *end = html + length;

  g_return_val_if_fail (html != NULL || length == 0, g_strdup (""));

  text = g_string_sized_new (MIN (length, 65536));
  while (p < end)
    {
      const char *lt = memchr (p, '<', end - p);
      const char *skip;

      append_text (text, p, lt != NULL ? lt : end, TEXT_MAX_SIZE);
      if (lt == NULL)
        break;
      p = lt + 1;
      if (keep_lines && is_block_tag (p, end))
        {
          while (text->len > 0 && text->str[text->len - 1] == ' ')
            g_string_truncate (text, text->len - 1);
          g_string_append_c (text, '\n');
        }
      else if (text->len > 0 && text->str[text->len - 1] != '\n')
        g_string_append_c (text, ' ');
      if ((skip = skip_special (p, end)) != NULL)
        {
          p = skip;
          continue;
        }
      /* Keep mailto: targets: an address may only be in the href. */
      if (starts_with_ci (p, end, "a ") || starts_with_ci (p, end, "a\n"))
        {
          const char *mailto = find_ci (p, MIN (end, p + 512), "mailto:");
          const char *gt = memchr (p, '>', end - p);

          if (gt != NULL && mailto < gt)
            append_text (text, mailto + 7, gt, TEXT_MAX_SIZE);
        }
      lt = memchr (p, '>', end - p);
      p = lt != NULL ? lt + 1 : end;
    }

  return finish_text (text);
}
