/* md-rejection-reply.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Where the receiver's reply is in a block of text, whatever wraps it: after
 * "said:", in an Exchange quote, in an exception message, inside prose, as a
 * multi-line reply; where it ends; and its text without the repeated
 * "550-5.7.1" prefixes. */

#include "config.h"

#include "md-rejection-parser-private.h"

/* Removes the "550-5.7.26 " prefixes that multi-line replies repeat on each
 * line, wherever wrapping left them, and collapses white space. */
char *
md_rejection_clean_reply (const char *reply,
                          guint       code,
                          const char *enhanced)
{
  GString *out = g_string_sized_new (strlen (reply));
  char code_s[4];
  gsize elen = enhanced ? strlen (enhanced) : 0;
  gboolean saw_dash = FALSE;
  const char *p = reply;

  g_snprintf (code_s, sizeof code_s, "%03u", code);

  while (*p)
    {
      gboolean at_token = (p == reply) || g_ascii_isspace (p[-1]);

      if (code != 0 && at_token && strncmp (p, code_s, 3) == 0 && (p[3] == '-' || p[3] == ' '))
        {
          const char *q = p + 4;
          gboolean repeats_status = elen > 0 && strncmp (q, enhanced, elen) == 0 &&
                                    (q[elen] == ' ' || q[elen] == '\0');

          if (p == reply)
            {
              /* The first line keeps its code: "550 5.7.26 …". */
              g_string_append (out, code_s);
              g_string_append_c (out, ' ');
              saw_dash = p[3] == '-';
              p = q;
              if (repeats_status)
                {
                  g_string_append_len (out, q, elen);
                  p = q + elen;
                }
              continue;
            }
          if (p[3] == '-' || saw_dash || repeats_status)
            {
              saw_dash = saw_dash || p[3] == '-';
              p = repeats_status ? q + elen : q;
              continue;
            }
        }

      if (g_ascii_isspace (*p))
        {
          if (out->len > 0 && out->str[out->len - 1] != ' ')
            g_string_append_c (out, ' ');
          p++;
          continue;
        }
      g_string_append_c (out, *p);
      p++;
    }

  while (out->len > 0 && out->str[out->len - 1] == ' ')
    g_string_truncate (out, out->len - 1);
  if (out->len > MAX_TEXT)
    {
      /* Cut at a character boundary. */
      const char *end = g_utf8_find_prev_char (out->str, out->str + MAX_TEXT + 1);
      g_string_truncate (out, end ? (gsize) (end - out->str) : MAX_TEXT);
    }

  return g_string_free (out, FALSE);
}

/* Where the reply ends: summary lines of the MTA after it are not part of
 * what the receiver said. */
gsize
md_rejection_reply_length (const char *reply,
              gboolean    quoted)
{
  static const char *trailers[] = {
    " (in reply to ", "(in reply to ", " (als Antwort auf ", " Giving up on ", " I'm not going to try again",
    " zurückgegeben", " returned", "' returned", "; from=<",
  };
  gsize len = strlen (reply);
  int depth = 0;

  for (guint i = 0; i < G_N_ELEMENTS (trailers); i++)
    {
      const char *t = strstr (reply, trailers[i]);
      if (t != NULL && (gsize) (t - reply) < len)
        len = t - reply;
    }

  if (quoted)
    {
      /* Exchange: Remote server returned '550 … weren't sent …' — the last
       * quote closes it. */
      for (gsize i = len; i > 0; i--)
        if (reply[i - 1] == '\'')
          {
            len = i - 1;
            break;
          }
    }

  while (len > 0 && g_ascii_isspace (reply[len - 1]))
    len--;
  if (len >= 2 && reply[len - 1] == '#' && reply[len - 2] == '#')
    len -= 2;

  /* A closing bracket of the wrapper (Postfix log "status=bounced (…)",
   * sendmail "(reason: …)", Exchange "<host #5.0.0 smtp;…>"). */
  for (gsize i = 0; i < len; i++)
    {
      if (reply[i] == '(')
        depth++;
      else if (reply[i] == ')')
        depth--;
    }
  while (len > 0 && depth < 0 && (reply[len - 1] == ')' || g_ascii_isspace (reply[len - 1])))
    {
      if (reply[len - 1] == ')')
        depth++;
      len--;
    }
  /* … and of a string literal: Python's "(550, b'relay not permitted')". */
  while (len > 0 && (reply[len - 1] == '>' || reply[len - 1] == '"' || reply[len - 1] == '\'') &&
         memchr (reply, reply[len - 1] == '>' ? '<' : reply[len - 1], len - 1) == NULL)
    len--;
  while (len > 0 && g_ascii_isspace (reply[len - 1]))
    len--;

  return len;
}

/* A reply at @p: "550 5.7.1 …", "550-5.7.1", "550 …", "#5.1.1 …". */
static gboolean
reply_at (const char *p,
          Reply      *reply,
          gboolean    allow_status_only)
{
  guint code = parse_code_at (p);
  gsize elen;

  /* Help pages list replies as "421, „4.7.0“ – …", "421, «4.7.0»": a code,
   * a comma and the quoted status of the same class. */
  if (code == 0 && (p[0] == '4' || p[0] == '5') && g_ascii_isdigit (p[1]) &&
      g_ascii_isdigit (p[2]) && p[3] == ',' && p[4] == ' ')
    {
      const char *q = p + 5;

      while (*q == '"' || *q == '\'')
        q++;
      elen = parse_enhanced_at (q);
      if (elen > 0 && *q == p[0])
        {
          reply->code = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
          reply->enhanced = g_strndup (q, elen);
          reply->start = p;
          return TRUE;
        }
    }

  if (code >= 400 && code < 600)
    {
      const char *q = p + 3;

      while (*q == ' ' || *q == '-' || *q == '#')
        q++;
      elen = parse_enhanced_at (q);
      reply->code = code;
      reply->enhanced = elen ? g_strndup (q, elen) : NULL;
      reply->start = p;
      return TRUE;
    }

  if (allow_status_only)
    {
      const char *q = p;

      if (*q == '#')
        q++;
      elen = parse_enhanced_at (q);
      if (elen > 0 && (*q == '4' || *q == '5'))
        {
          reply->code = 0;
          reply->enhanced = g_strndup (q, elen);
          reply->start = p;
          return TRUE;
        }
    }

  return FALSE;
}

/* The first reply in @s (up to @limit bytes) at a token start. */
static gboolean
scan_reply (const char *block,
            const char *s,
            gsize       limit,
            gboolean    need_status,
            Reply      *reply)
{
  for (const char *p = s; *p && (gsize) (p - s) < limit; p++)
    {
      if (!is_token_start (block, p) || !g_ascii_isdigit (*p))
        continue;
      if (!reply_at (p, reply, FALSE))
        continue;
      if (need_status && reply->enhanced == NULL)
        {
          g_clear_pointer (&reply->enhanced, g_free);
          continue;
        }
      return TRUE;
    }

  return FALSE;
}

/* A multi-line reply inside prose: "… following message: 554-Transaction
 * failed 554-Reject due to policy restrictions. 554 For explanation …" —
 * a code with a dash that the same code repeats later. */
static gboolean
multi_line_reply (const char *block,
                  Reply      *reply)
{
  for (const char *p = block; *p; p++)
    {
      guint code;
      char again[5];

      if ((*p != '4' && *p != '5') || !is_token_start (block, p) || !g_ascii_isdigit (p[1]) ||
          !g_ascii_isdigit (p[2]) || p[3] != '-')
        continue;
      code = parse_code_at (p);
      if (code < 400)
        continue;
      g_snprintf (again, sizeof again, "%03u", code);
      for (const char *q = strstr (p + 4, again);
           q != NULL && q - p < 1200;
           q = strstr (q + 3, again))
        if (is_token_start (block, q) && (q[3] == '-' || q[3] == ' '))
          return reply_at (p, reply, FALSE);
    }

  return FALSE;
}

/* Is the colon at @colon a label for what follows: a word ending in
 * "error", "Fehler", "Refused", "response" ("Error:", "SMTPRecipientsRefused:"),
 * or the quoted key of a dictionary ("'user@example.org':")? */
static gboolean
reply_label_before (const char *block,
                    const char *colon)
{
  static const char *endings[] = {
    "error", "errors", "fehler", "failure", "failed", "refused", "exception", "response", "reply",
    "antwort", "antwortete", "message", "meldung", "rejected", "says",
  };
  const char *end = colon;
  const char *start;

  if (end > block && (end[-1] == '\'' || end[-1] == '"'))
    return TRUE;
  start = end;
  while (start > block && g_ascii_isalpha (start[-1]) && end - start < 40)
    start--;
  for (guint i = 0; i < G_N_ELEMENTS (endings); i++)
    {
      gsize n = strlen (endings[i]);

      if ((gsize) (end - start) >= n && g_ascii_strncasecmp (end - n, endings[i], n) == 0)
        return TRUE;
    }

  return FALSE;
}

/* "I get 550 Command Rejected", "we received 554 Transaction failed": a
 * reply quoted in a sentence after a verb of receiving. English verbs only:
 * German capitalises nouns ("Ich erhalte 500 Mails am Tag"). */
static gboolean
receive_verb_before (const char *block,
                     const char *end)
{
  static const char *verbs[] = {
    "get", "got", "getting", "receive", "received", "receiving", "returns", "returned",
  };
  const char *start = end;

  while (start > block && g_ascii_isalpha (start[-1]) && end - start < 16)
    start--;
  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    if ((gsize) (end - start) == strlen (verbs[i]) &&
        g_ascii_strncasecmp (start, verbs[i], end - start) == 0)
      return TRUE;

  return FALSE;
}

/* "message: 550 bytes": a number with its unit, no reply. */
static gboolean
unit_word_at (const char *p)
{
  static const char *units[] = {
    "bytes", "byte", "kb", "mb", "gb", "ms", "sec", "seconds", "minutes", "px", "times",
  };

  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    {
      gsize n = strlen (units[i]);

      if (g_ascii_strncasecmp (p, units[i], n) == 0 && !g_ascii_isalpha (p[n]))
        return TRUE;
    }

  return FALSE;
}

/* A reply without a status quoted in a sentence or an exception:
 * "…Exception: 550 I cannot deliver mail", "contain: \"421 Your IP is…",
 * "SMTP Error (550): …". After a colon, quote or parenthesis, and followed by
 * a capitalised word, so that "size: 500 bytes" is no reply. */
static gboolean
quoted_bare_reply (const char *block,
                   Reply      *reply)
{
  for (const char *p = block + 1; *p; p++)
    {
      const char *before = p - 1;
      guint code;

      if ((*p != '4' && *p != '5') || !is_token_start (block, p))
        continue;
      while (before > block && *before == ' ')
        before--;
      /* "the error 550-Requested action not taken" (markdown's backticks
       * around the reply are gone): a label word without its colon. */
      if (g_ascii_isalpha (*before) && before < p - 1 &&
          (reply_label_before (block, before + 1) || receive_verb_before (block, before + 1)) &&
          (p[3] == ' ' || p[3] == '-') && g_ascii_isupper (p[4]) && g_ascii_isalpha (p[5]) &&
          g_ascii_isalpha (p[6]))
        return reply_at (p, reply, FALSE);
      /* "Serverfehler 550: Send quota exceeded": the label's colon after
       * the code. */
      if (g_ascii_isalpha (*before) && before < p - 1 && reply_label_before (block, before + 1) &&
          p[3] == ':' && p[4] == ' ' && g_ascii_isupper (p[5]) && g_ascii_isalpha (p[6]) &&
          g_ascii_isalpha (p[7]))
        return reply_at (p, reply, FALSE);
      if (*before != ':' && *before != '"' && *before != '(' && *before != '\'' &&
          *before != '`')
        continue;
      if (!g_ascii_isdigit (p[1]) || !g_ascii_isdigit (p[2]))
        continue;
      code = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
      /* A word of three letters at least: "size: 450 KB" is no reply. After
       * "error:" or a quoted key ("{'user@…': 550 relay access denied}")
       * the reply may go on in lower case. */
      if ((p[3] == ' ' || p[3] == ')' || (p[3] == '-' && *before != ':')) &&
          ((g_ascii_isupper (p[4]) &&
            (p[5] == ' ' || (g_ascii_isalpha (p[5]) && g_ascii_isalpha (p[6])))) ||
           (p[3] == ' ' && g_ascii_islower (p[4]) && g_ascii_isalpha (p[5]) &&
            *before == ':' && reply_label_before (block, before) && !unit_word_at (p + 4)) ||
           g_str_has_prefix (p + 4, "IP=") || (p[3] == ')' && p[4] == ':')))
        {
          if (!reply_at (p, reply, FALSE) && p[3] == ')')
            {
              /* "SMTP Error (550): Failed to add recipient … (5.7.1 …)" */
              reply->code = code;
              reply->enhanced = NULL;
              reply->start = p;
            }
          if (reply->enhanced == NULL)
            for (const char *q = p + 4; *q && q - p < 400; q++)
              if (*q == '0' + (char) (code / 100) && is_token_start (block, q) &&
                  parse_enhanced_at (q) > 0)
                {
                  reply->enhanced = g_strndup (q, parse_enhanced_at (q));
                  break;
                }
          return TRUE;
        }
    }

  return FALSE;
}

/* Help pages that tabulate replies: "Antwortcode 421 | Statuscode 4.4.5",
 * "Reply code: 550, status code: 5.1.1". */
static gboolean
labelled_reply (const char *block,
                Reply      *reply)
{
  static const char *code_labels[] = {
    "antwortcode", "fehlercode", "reply code", "response code", "error code", "smtp code",
  };
  static const char *status_labels[] = {
    "statuscode", "status code", "status",
  };

  for (guint i = 0; i < G_N_ELEMENTS (code_labels); i++)
    {
      const char *hit = find_ci (block, code_labels[i]);
      const char *q;
      guint code;

      if (hit == NULL)
        continue;
      q = hit + strlen (code_labels[i]);
      while (*q == ' ' || *q == ':')
        q++;
      code = parse_code_at (q);
      if (code < 400 || code >= 600)
        continue;
      reply->code = code;
      reply->enhanced = NULL;
      reply->start = q;
      for (guint j = 0; j < G_N_ELEMENTS (status_labels) && reply->enhanced == NULL; j++)
        {
          const char *s = find_ci (q, status_labels[j]);

          if (s == NULL || s - q > 60)
            continue;
          s += strlen (status_labels[j]);
          while (*s == ' ' || *s == ':')
            s++;
          if (*s == q[0] && parse_enhanced_at (s) > 0)
            reply->enhanced = g_strndup (s, parse_enhanced_at (s));
        }
      return TRUE;
    }

  return FALSE;
}

/* A status of the class of @code in a value of a key/value text:
 * "\"smtp_enchcode\":\"5.7.1\"", "status: '4.2.1'". */
static char *
keyed_status (const char *block,
              guint       code)
{
  for (const char *p = block; *p; p++)
    {
      const char *b = p;

      if (*p != '0' + (char) (code / 100) || parse_enhanced_at (p) == 0 || p == block)
        continue;
      if (b[-1] == '"' || b[-1] == '\'')
        b--;
      while (b > block && b[-1] == ' ')
        b--;
      if (b > block && (b[-1] == ':' || b[-1] == '='))
        return g_strndup (p, parse_enhanced_at (p));
    }

  return NULL;
}

/* Structured logs and error objects give the code as a key's value:
 * maddy's "\"smtp_code\":550,\"smtp_enchcode\":\"5.7.1\"", Nodemailer's
 * "responseCode: 550". A key ending in "code" with a number 4xx or 5xx. */
static gboolean
keyed_reply (const char *block,
             Reply      *reply)
{
  for (const char *p = block; *p; p++)
    {
      const char *k = p;
      const char *v;
      guint code;

      if (g_ascii_strncasecmp (p, "code", 4) != 0)
        continue;
      v = p + 4;
      if (*v == '"' || *v == '\'')
        v++;
      while (*v == ' ')
        v++;
      if (*v != ':' && *v != '=')
        continue;
      v++;
      while (*v == ' ')
        v++;
      if ((*v != '4' && *v != '5') || !g_ascii_isdigit (v[1]) || !g_ascii_isdigit (v[2]) ||
          g_ascii_isdigit (v[3]) || v[3] == '.')
        continue;
      /* The key itself: "smtp_code", "responseCode", not "zipcode". */
      while (k > block && (g_ascii_isalpha (k[-1]) || k[-1] == '_') && p - k < 64)
        k--;
      if (k == p && k > block && g_ascii_isalnum (k[-1]))
        continue;
      if (k != p && k[0] != 's' && k[0] != 'S' && k[0] != 'r' && k[0] != 'R' && k[0] != 'e' &&
          k[0] != 'E')
        continue;
      code = (v[0] - '0') * 100 + (v[1] - '0') * 10 + (v[2] - '0');
      reply->code = code;
      reply->enhanced = keyed_status (block, code);
      reply->start = v;
      return TRUE;
    }

  return FALSE;
}

/* A table row of a help page: "421 | Service nicht verfügbar | …",
 * "| 550 | Mailbox unavailable |" — a code alone in its cell, at the start of
 * a line or of a row. */
static gboolean
table_row_reply (const char *block,
                 Reply      *reply)
{
  for (const char *p = block; *p; p++)
    {
      const char *before = p;
      const char *q;

      if ((*p != '4' && *p != '5') || parse_code_at (p) == 0)
        continue;
      while (before > block && (before[-1] == ' ' || before[-1] == '\t'))
        before--;
      if (before > block && before[-1] != '\n' && before[-1] != '|')
        continue;
      if (before > block && before[-1] == '|')
        {
          const char *s = before - 1;

          /* The row's first cell: "| 550 |" at the start of a line. */
          while (s > block && (s[-1] == ' ' || s[-1] == '\t'))
            s--;
          if (s > block && s[-1] != '\n')
            continue;
        }
      q = p + 3;
      while (*q == ' ' || *q == '\t')
        q++;
      if (*q != '|')
        continue;
      q++;
      while (*q == ' ' || *q == '\t')
        q++;
      if (!g_ascii_isupper (*q) && (guchar) *q < 0x80)
        continue;
      if (!reply_at (p, reply, FALSE))
        continue;
      if (reply->enhanced == NULL && (reply->enhanced = keyed_status (q, reply->code)) == NULL)
        {
          /* "| 550 | 5.1.1 | …": the status in the next cell. */
          if (*q == p[0] && parse_enhanced_at (q) > 0)
            reply->enhanced = g_strndup (q, parse_enhanced_at (q));
        }
      return TRUE;
    }

  return FALSE;
}

/* A status quoted without a code before its text, where a sentence or a
 * quote begins: "… END-OF-MESSAGE. 5.7.1 rejected by DMARC policy",
 * "\"5.7.0 AV: Message is rejected … 554 Please check …\"". A code of the
 * same class that follows as a reply is taken with it. */
static gboolean
status_first_reply (const char *block,
                    Reply      *reply)
{
  for (const char *p = block; *p; p++)
    {
      const char *before = p;
      gsize elen;

      if ((*p != '4' && *p != '5') || !is_token_start (block, p) ||
          (elen = parse_enhanced_at (p)) == 0 || p[elen] != ' ' || !g_ascii_isalpha (p[elen + 1]))
        continue;
      while (before > block && before[-1] == ' ')
        before--;
      if (before > block && before[-1] != '.' && before[-1] != ':' && before[-1] != '"' &&
          before[-1] != '\'' && before[-1] != '(')
        continue;

      reply->code = 0;
      reply->enhanced = g_strndup (p, elen);
      reply->start = p;
      for (const char *q = p + elen; *q && q - p < 300 && *q != '"'; q++)
        if (*q == *p && is_token_start (block, q) && parse_code_at (q) != 0 && q[3] == ' ' &&
            g_ascii_isupper (q[4]))
          {
            reply->code = parse_code_at (q);
            break;
          }
      return TRUE;
    }

  return FALSE;
}

gboolean
md_rejection_find_reply (const char *block,
            gboolean    is_log,
            Reply      *reply)
{
  static const struct { const char *anchor; gboolean quoted; } anchors[] = {
    { "said:", FALSE },
    { "sagte:", FALSE },
    { "refused to talk to me:", FALSE },
    { "SMTP error from remote mail server after", FALSE },
    { "SMTP error from remote server", FALSE },
    { "returned '", TRUE },
    { "Remoteserver hat '", TRUE },
    { "server hat '", TRUE },
    { "smtp;", FALSE },
    { "<<<", FALSE },
    { "(reason:", FALSE },
    { "stat=\"", FALSE },
    { "returned was:", FALSE },
    { "response:", FALSE },
    { "response=", FALSE },
    { "command failed:", FALSE },
    { "permanent:", FALSE },
    { "failed:", FALSE },
    { "transient:", FALSE },
    { "reply:", FALSE },
    { "Antwort:", FALSE },
    /* Symfony Mailer and SwiftMailer: Expected response code "250" but got
     * code "550", with message "550 …". */
    { "with message \"", FALSE },
    /* Nodemailer: "Server responded with 550 esmtp: protocol deviation". */
    { "responded with", FALSE },
  };
  g_autofree char *lower = g_ascii_strdown (block, -1);
  const char *first;

  for (guint i = 0; i < G_N_ELEMENTS (anchors); i++)
    {
      g_autofree char *needle = g_ascii_strdown (anchors[i].anchor, -1);
      const char *hit = strstr (lower, needle);
      const char *a;

      if (hit == NULL)
        continue;
      a = block + (hit - lower);
      if (scan_reply (block, a + strlen (anchors[i].anchor), 600, FALSE, reply))
        {
          /* Exchange's summary line: "#5.1.1 SMTP; 550 sorry, no mailbox…" */
          if (reply->enhanced == NULL && a - block >= 7)
            for (const char *h = a - 1; h >= block && a - h < 24; h--)
              if (*h == '#' && parse_enhanced_at (h + 1) > 0 &&
                  h[1] == '0' + (char) (reply->code / 100))
                {
                  reply->enhanced = g_strndup (h + 1, parse_enhanced_at (h + 1));
                  break;
                }
          reply->quoted = anchors[i].quoted;
          return TRUE;
        }
      /* "said: 550, quota exceeded": the code right after the anchor, with
       * a comma before its text. */
      {
        const char *q = a + strlen (anchors[i].anchor);

        while (*q == ' ')
          q++;
        if ((*q == '4' || *q == '5') && g_ascii_isdigit (q[1]) && g_ascii_isdigit (q[2]) &&
            q[3] == ',' && q[4] == ' ' && g_ascii_isalpha (q[5]))
          {
            reply->code = (q[0] - '0') * 100 + (q[1] - '0') * 10 + (q[2] - '0');
            reply->enhanced = NULL;
            reply->start = q;
            reply->quoted = anchors[i].quoted;
            return TRUE;
          }
      }
      /* GMX: "SMTP error from remote server after RCPT command: host: mx…
       * 5.2.2 <user@…>... Mailbox Full", without a reply code. */
      for (const char *q = a + strlen (anchors[i].anchor); *q && q - a < 600; q++)
        if (is_token_start (block, q) && (*q == '4' || *q == '5') && reply_at (q, reply, TRUE))
          {
            reply->quoted = anchors[i].quoted;
            return TRUE;
          }
    }

  /* A code with an enhanced status anywhere, then a bare reply at the start. */
  if (scan_reply (block, block, G_MAXSIZE, TRUE, reply))
    return TRUE;
  if (multi_line_reply (block, reply))
    return TRUE;
  if (quoted_bare_reply (block, reply))
    return TRUE;
  if (labelled_reply (block, reply))
    return TRUE;
  if (keyed_reply (block, reply))
    return TRUE;
  if (table_row_reply (block, reply))
    return TRUE;

  first = block;
  while (*first == ' ' || *first == '\t' || *first == '>' || *first == '"' || *first == '\'' ||
         (*first == '#' && g_ascii_isdigit (first[1]) && g_ascii_isdigit (first[2])))
    first++;
  if (reply_at (first, reply, !is_log))
    return TRUE;
  if (status_first_reply (block, reply))
    return TRUE;

  if (!is_log)
    {
      /* Exchange's "#5.1.1" and DSN-like "Status: 5.7.1" without a code. */
      const char *hash = strstr (block, " #");
      if (hash != NULL && reply_at (hash + 1, reply, TRUE) && reply->code == 0)
        return TRUE;
      g_clear_pointer (&reply->enhanced, g_free);
    }

  return FALSE;
}

gboolean
md_rejection_has_code_candidate (const char *s)
{
  for (const char *p = s; *p; p++)
    {
      if ((*p == '4' || *p == '5') && is_token_start (s, p) &&
          (parse_code_at (p) != 0 || parse_enhanced_at (*p == '#' ? p + 1 : p) != 0))
        return TRUE;
      /* "said: 550, quota exceeded" */
      if ((*p == '4' || *p == '5') && p - s >= 2 && p[-1] == ' ' && p[-2] == ':' &&
          g_ascii_isdigit (p[1]) && g_ascii_isdigit (p[2]) && p[3] == ',' && p[4] == ' ' &&
          g_ascii_isalpha (p[5]))
        return TRUE;
    }
  return FALSE;
}
/* Exchange quotes its own verdict, then the remote server's reply after an
 * arrow: "550 5.7.514 … -> 554 5.7.1 …". The last reply is what the
 * receiver said. */
void
md_rejection_nested_reply (Reply *reply)
{
  gsize len = md_rejection_reply_length (reply->start, reply->quoted);
  const char *p = reply->start;

  for (const char *arrow = strstr (p, "-> ");
       arrow != NULL && (gsize) (arrow - p) < len;
       arrow = strstr (arrow + 3, "-> "))
    {
      Reply inner = { 0, };

      if (reply_at (arrow + 3, &inner, FALSE))
        {
          g_free (reply->enhanced);
          reply->code = inner.code;
          reply->enhanced = inner.enhanced;
          reply->start = inner.start;
        }
    }

  /* A generic verdict quoting the server behind it in angle brackets:
   * "500 5.0.0 Depot returns error: <552 5.2.2 Over quota>". */
  len = md_rejection_reply_length (reply->start, reply->quoted);
  p = reply->start;
  if (reply->enhanced != NULL && g_str_has_suffix (reply->enhanced, ".0.0"))
    for (gsize i = 0; i + 1 < len; i++)
      {
        Reply inner = { 0, };

        if (p[i] != '<' || !reply_at (p + i + 1, &inner, FALSE))
          continue;
        if (inner.enhanced == NULL)
          continue;
        g_free (reply->enhanced);
        reply->code = inner.code;
        reply->enhanced = inner.enhanced;
        reply->start = inner.start;
        break;
      }

  /* Exchange's own verdict around the inner reply it quotes: "554 5.7.0 <
   * #5.7.133 smtp;550 5.7.133 RESOLVER.RST…>". The inner reply is the one
   * that says why; an empty host before "#" means Exchange itself wrote it. */
  len = md_rejection_reply_length (reply->start, reply->quoted);
  p = reply->start;
  for (gsize i = 0; i + 5 < len; i++)
    {
      Reply inner = { 0, };
      const char *q = p + i + 5;
      const char *h;

      if (g_ascii_strncasecmp (p + i, "smtp;", 5) != 0)
        continue;
      while (*q == ' ')
        q++;
      if (!reply_at (q, &inner, FALSE))
        continue;
      h = p + i;
      while (h > p && h[-1] == ' ')
        h--;
      while (h > p && h[-1] != '#' && h[-1] != '<' && h - p > (gssize) i - 24)
        h--;
      if (h > p && h[-1] == '#')
        {
          const char *lt = h - 1;

          while (lt > p && lt[-1] == ' ')
            lt--;
          reply->local = lt > p && lt[-1] == '<';
        }
      g_free (reply->enhanced);
      reply->code = inner.code;
      reply->enhanced = inner.enhanced;
      reply->start = inner.start;
      break;
    }
}
