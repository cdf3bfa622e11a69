/* md-rejection-text.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* One input line made safe: bounded, no control characters, valid UTF-8. */

#include "config.h"

#include "md-rejection-parser-private.h"

/* One line, made safe: at most MAX_LINE bytes, control characters replaced,
 * valid UTF-8 (Windows-1252 when it is not UTF-8, as German text pasted
 * from Windows often is). */
char *
md_rejection_sanitize_line (const char *data,
                            gsize       len)
{
  g_autofree char *copy = NULL;

  if (len > 0 && data[len - 1] == '\r')
    len--;
  if (len > MAX_LINE)
    len = MAX_LINE;

  copy = g_malloc (len + 1);
  for (gsize i = 0; i < len; i++)
    {
      guchar c = data[i];
      copy[i] = (c < 0x20 && c != '\t') || c == 0x7f ? ' ' : (char) c;
    }
  copy[len] = '\0';

  if (g_utf8_validate (copy, len, NULL))
    return g_steal_pointer (&copy);

  {
    char *converted = g_convert (copy, len, "UTF-8", "WINDOWS-1252", NULL, NULL, NULL);

    if (converted != NULL && g_utf8_validate (converted, -1, NULL))
      return converted;
    g_free (converted);
  }

  return g_utf8_make_valid (copy, len);
}

/* Typography a web page or a word processor puts into a pasted rejection:
 * "t‑online.de" with U+2011 is t-online.de, "550 5.7.1" with a no-break
 * space is a reply. Returns the replacement for @c: a '-', ' ', '\'' or
 * '"', 0 to drop the character, or -1 to keep it. */
static int
plain_char (gunichar c)
{
  switch (c)
    {
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015: case 0x2212:
    case 0xfe63: case 0xff0d:
      return '-';
    case 0x00a0: case 0x2002: case 0x2003: case 0x2004: case 0x2005: case 0x2006: case 0x2007:
    case 0x2008: case 0x2009: case 0x200a: case 0x202f: case 0x205f: case 0x3000:
      return ' ';
    case 0x200b: case 0x200c: case 0x200d: case 0x2060: case 0xfeff: case 0x00ad:
      return 0;
    case 0x2018: case 0x2019: case 0x201a: case 0x201b: case 0x2032: case 0x00b4:
      return '\'';
    case 0x201c: case 0x201d: case 0x201e: case 0x201f: case 0x2033: case 0x00ab: case 0x00bb:
      return '"';
    case 0x2024: case 0xff0e:
      return '.';
    case 0xff1a:
      return ':';
    default:
      return -1;
    }
}

static char *
normalize_typography (const char *line)
{
  GString *out = g_string_sized_new (strlen (line));

  for (const char *p = line; *p; p = g_utf8_next_char (p))
    {
      int plain;

      if ((guchar) *p < 0x80)
        {
          g_string_append_c (out, *p);
          continue;
        }
      plain = plain_char (g_utf8_get_char (p));
      if (plain > 0)
        g_string_append_c (out, (char) plain);
      else if (plain < 0)
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
    }

  return g_string_free (out, FALSE);
}

/* Forum and chat markup around a pasted text: BBCode tags, inline code
 * backticks, markdown links "[text](url)" (the text is what was pasted;
 * the URL is the forum's rendering of it). */
static void
strip_markup (GString *s)
{
  static const char *bbcode[] = {
    "[code]", "[/code]", "[quote]", "[/quote]", "[/quote", "[quote=", "[code=", "[pre]", "[/pre]",
    "[b]", "[/b]", "[i]", "[/i]", "[tt]", "[/tt]", "[icode]", "[/icode]", "[spoiler]", "[/spoiler]",
  };
  GString *out = g_string_sized_new (s->len);

  for (gsize i = 0; i < s->len; )
    {
      const char *p = s->str + i;
      gboolean done = FALSE;

      if (*p == '[')
        {
          for (guint k = 0; k < G_N_ELEMENTS (bbcode) && !done; k++)
            if (has_prefix_ci (p, bbcode[k]))
              {
                gsize len = strlen (bbcode[k]);

                /* [quote="name"], [code=text]: up to the closing bracket. */
                if (p[len - 1] == '=' || (p[len - 1] == 'e' && p[1] == '/'))
                  {
                    const char *close = memchr (p, ']', MIN (s->len - i, 200));
                    if (close == NULL)
                      continue;
                    len = close - p + 1;
                  }
                i += len;
                done = TRUE;
              }
          if (!done)
            {
              /* [text](http…) */
              const char *close = memchr (p, ']', MIN (s->len - i, 300));

              if (close != NULL && close[1] == '(' &&
                  (has_prefix_ci (close + 2, "http://") || has_prefix_ci (close + 2, "https://") ||
                   has_prefix_ci (close + 2, "mailto:")))
                {
                  const char *paren = memchr (close, ')', MIN (s->len - (close - s->str), 2048));

                  if (paren != NULL)
                    {
                      /* The brackets may be the rejection's own: "[IP](…)". */
                      g_string_append_len (out, p, close - p + 1);
                      i = paren - s->str + 1;
                      done = TRUE;
                    }
                }
            }
        }
      else if (*p == '`')
        {
          i++;
          done = TRUE;
        }
      if (!done)
        {
          g_string_append_c (out, *p);
          i++;
        }
    }

  g_string_assign (s, out->str);
  g_string_free (out, TRUE);
}

/* Escapes of a string literal, a JSON value or markdown: "\"" → '"',
 * "\\" → '\\', "\_" → '_'. Line breaks ("\n") are split off before. */
static void
unescape (GString *s)
{
  gsize o = 0;

  for (gsize i = 0; i < s->len; i++)
    {
      char c = s->str[i];

      if (c == '\\' && i + 1 < s->len)
        {
          char n = s->str[i + 1];

          if (g_ascii_ispunct (n))
            {
              s->str[o++] = n;
              i++;
              continue;
            }
          if (n == 't' || n == 'r' || n == 'n')
            {
              s->str[o++] = ' ';
              i++;
              continue;
            }
        }
      s->str[o++] = c;
    }
  g_string_truncate (s, o);
}

/* Prefixes that wrap a pasted line: a code comment, a program's debug
 * prefix, a verification tool's note. Quoting with "> " is the scanner's
 * (it tells a quoted bounce from a transcript's ">>> "). */
static gsize
wrapper_prefix_length (const char *s)
{
  static const char *prefixes[] = {
    "// ", "# ", "MESS>> ", "MESS>>", "-- ", ";; ", "* ", "\u2022 ", "- ",
  };
  const char *got;
  const char *q;

  /* docker compose: "mailserver_1  | …", "mailserver-1  | …" */
  for (q = s; g_ascii_isalnum (*q) || *q == '_' || *q == '-' || *q == '.'; q++)
    ;
  /* A service has a name: "421 | Service …" is a help page's table row. */
  if (q > s && q - s <= 64 && *q == ' ' && strspn (s, "0123456789") < (gsize) (q - s))
    {
      const char *bar = q;

      while (*bar == ' ')
        bar++;
      if (bar[0] == '|' && (bar[1] == ' ' || bar[1] == '\0'))
        return bar - s + (bar[1] == ' ' ? 2 : 1);
    }
  /* Syslog facility prefixes: "mail.info: ", "mail.err: " */
  if (g_str_has_prefix (s, "mail.") && (q = strchr (s, ':')) != NULL && q - s <= 16 && q[1] == ' ')
    {
      gboolean word = TRUE;

      for (const char *c = s + 5; c < q; c++)
        word = word && g_ascii_isalpha (*c);
      if (word)
        return q - s + 2;
    }

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    if (g_str_has_prefix (s, prefixes[i]))
      return strlen (prefixes[i]);
  /* "Mailbox: got data 550 5.7.1 …", "RCPT: got data 550 …" */
  if ((got = strstr (s, ": got data ")) != NULL && got - s < 40 && memchr (s, ' ', got - s) == NULL)
    return got - s + strlen (": got data ");

  return 0;
}

/* Python's smtplib reports a reply as a tuple of code and bytes:
 * "(550, b'5.7.1 Service unavailable …')" — the reply is "550 5.7.1 …". */
static void
python_reply_tuples (GString *s)
{
  for (gsize i = 0; i + 8 < s->len; i++)
    {
      const char *p = s->str + i;
      gsize skip;

      if (p[0] != '(' || !g_ascii_isdigit (p[1]) || !g_ascii_isdigit (p[2]) ||
          !g_ascii_isdigit (p[3]) || p[4] != ',' || p[5] != ' ')
        continue;
      if ((p[6] == 'b' && (p[7] == '\'' || p[7] == '"')))
        skip = 8;
      else if (p[6] == '\'' || p[6] == '"')
        skip = 7;
      else
        continue;
      /* "(550, b'" becomes "550 " */
      g_string_erase (s, i, 1);
      s->str[i + 3] = ' ';
      g_string_erase (s, i + 4, skip - 5);
    }
}

char *
md_rejection_normalize_line (const char *line)
{
  g_autofree char *plain = normalize_typography (line);
  GString *s;
  const char *p = plain;
  gboolean stripped = FALSE;
  gsize skip;

  while (*p == ' ' || *p == '\t')
    p++;
  while ((skip = wrapper_prefix_length (p)) > 0)
    {
      p += skip;
      while (*p == ' ' || *p == '\t')
        p++;
      stripped = TRUE;
    }
  /* Without a wrapper the indentation stays: a folded DSN field or a
   * wrapped reply line. */
  s = g_string_new (stripped ? p : plain);
  if (strchr (s->str, '\\') != NULL)
    unescape (s);
  if (strchr (s->str, '(') != NULL)
    python_reply_tuples (s);
  if (strchr (s->str, '[') != NULL || strchr (s->str, '`') != NULL)
    strip_markup (s);

  return g_string_free (s, FALSE);
}

/* Does @line hold a rejection inside a string literal or a JSON value, line
 * breaks written as "\n"? */
gboolean
md_rejection_has_escaped_breaks (const char *line)
{
  const char *n = strstr (line, "\\n");

  return n != NULL && (n == line || n[-1] != '\\');
}
