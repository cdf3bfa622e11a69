/* md-rejection-scanner.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The line scanner: groups lines into blocks, undoes wrapping, follows SMTP
 * transcripts and log lines. */

#include "config.h"

#include "md-rejection-parser-private.h"

typedef struct
{
  Collector   *collector;
  GPtrArray   *lines;          /* char*, the current block */
  gsize        block_bytes;
  gboolean     block_is_fields;
  gboolean     block_has_code;
  char        *recipient;      /* an address on a line of its own */
  char        *host;
  char        *ip;
  char        *generator;
  MdSmtpStage  stage;
  gboolean     stopped;        /* reached the returned original message */
  gboolean     in_transcript;  /* after "<<< " lines until a blank line */
  guint        lines_seen;
} Scanner;

static void
scanner_init (Scanner   *s,
              Collector *c)
{
  memset (s, 0, sizeof *s);
  s->collector = c;
  s->lines = g_ptr_array_new_with_free_func (g_free);
}

static void
scanner_clear (Scanner *s)
{
  g_clear_pointer (&s->lines, g_ptr_array_unref);
  g_clear_pointer (&s->recipient, g_free);
  g_clear_pointer (&s->host, g_free);
  g_clear_pointer (&s->ip, g_free);
  g_clear_pointer (&s->generator, g_free);
}

/* Joins the lines of a block, undoing the wrapping. */
static char *
join_block (GPtrArray *lines)
{
  GString *out = g_string_new (NULL);
  gboolean fixed = FALSE;

  /* A relay that breaks at a fixed column (mid-word) leaves every line but
   * the last exactly as long: join those without adding a space. */
  if (lines->len >= 3)
    {
      glong width = g_utf8_strlen (g_ptr_array_index (lines, 0), -1);

      fixed = width >= 40;
      for (guint i = 1; fixed && i + 1 < lines->len; i++)
        fixed = g_utf8_strlen (g_ptr_array_index (lines, i), -1) == width;
    }

  for (guint i = 0; i < lines->len; i++)
    {
      const char *line = g_ptr_array_index (lines, i);
      gsize len = strlen (line);
      gboolean soft_break = FALSE;

      if (i > 0 && !fixed)
        {
          while (*line == ' ' || *line == '\t')
            line++;
          /* A transcript's multi-line reply: "<<< 550-5.7.1 …" on each line. */
          if (g_str_has_prefix (line, "<<< "))
            line += 4;
          len = strlen (line);
        }
      /* A quoted-printable soft line break pasted raw. */
      if (i + 1 < lines->len && len > 0 && len <= 77 && line[len - 1] == '=' &&
          (len < 2 || line[len - 2] != '='))
        {
          len--;
          soft_break = TRUE;
        }
      while (!fixed && len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
        len--;

      if (i > 0 && !fixed && out->len > 0 && out->str[out->len - 1] != '\x01')
        g_string_append_c (out, ' ');
      if (out->len > 0 && out->str[out->len - 1] == '\x01')
        g_string_truncate (out, out->len - 1);
      g_string_append_len (out, line, len);
      if (soft_break)
        g_string_append_c (out, '\x01');
    }
  if (out->len > 0 && out->str[out->len - 1] == '\x01')
    g_string_truncate (out, out->len - 1);

  return g_string_free (out, FALSE);
}

static void
scanner_flush (Scanner *s)
{
  if (s->lines->len == 0)
    return;

  if (s->block_is_fields)
    {
      md_rejection_parse_dsn_lines (s->collector, (const char * const *) s->lines->pdata, s->lines->len);
    }
  else
    {
      g_autofree char *block = join_block (s->lines);
      Context ctx = { s->recipient, s->host, s->ip, s->stage, s->generator };
      MdRejection *r = md_rejection_from_block (block, FALSE, &ctx);

      if (r != NULL)
        md_rejection_collector_add (s->collector, r);
    }

  g_ptr_array_set_size (s->lines, 0);
  s->block_bytes = 0;
  s->block_is_fields = FALSE;
  s->block_has_code = FALSE;
}

static gboolean
is_stop_line (const char *t)
{
  static const char *starts[] = {
    "original message headers", "ursprüngliche nachrichtenkopfzeilen",
    "original message follows", "------ this is a copy of the message",
    "--- below this line is a copy of the message", "----- original message -----",
    "-----original message-----", "-----ursprüngliche nachricht-----",
    "------ original message ------", "----- original message follows -----",
    "--- the header of the original message is following",
  };

  for (guint i = 0; i < G_N_ELEMENTS (starts); i++)
    if (has_prefix_ci (t, starts[i]))
      return TRUE;

  return FALSE;
}

/* The length of a month name at @s followed by a space (English, or German
 * as journalctl writes it under a German locale), or 0. */
static gsize
month_length (const char *s)
{
  static const char *months[] = {
    "Jan ", "Feb ", "Mar ", "Apr ", "May ", "Jun ", "Jul ", "Aug ", "Sep ", "Oct ", "Nov ", "Dec ",
    "Mär ", "Mrz ", "Mai ", "Okt ", "Dez ",
  };

  for (guint i = 0; i < G_N_ELEMENTS (months); i++)
    if (g_str_has_prefix (s, months[i]))
      return strlen (months[i]) - 1;
  return 0;
}

/* A syslog, journald or Exim mainlog line: one line, one event. */
static gboolean
is_log_line (const char *line)
{
  gsize len = strnlen (line, 20);
  gsize m = month_length (line);

  if (m > 0)
    {
      const char *d = line + m;

      /* "Mar  5 10:12:01", "Mär 05 10:12:01" */
      if (strnlen (d, 13) >= 13 && (d[1] == ' ' || g_ascii_isdigit (d[1])) &&
          g_ascii_isdigit (d[2]) && d[3] == ' ' && d[6] == ':' && d[9] == ':')
        return TRUE;
    }
  if (len >= 19 && g_ascii_isdigit (line[0]) && g_ascii_isdigit (line[3]) && line[4] == '-' &&
      line[7] == '-' && (line[10] == ' ' || line[10] == 'T') && line[13] == ':' && line[16] == ':')
    return TRUE;

  /* Without the timestamp: "postfix/smtp[813]: 64EA7270417: to=<…>" */
  {
    const char *p = line;

    while (g_ascii_isalnum (*p) || *p == '-' || *p == '_' || *p == '/')
      p++;
    if (p > line && p - line < 40 && memchr (line, '/', p - line) != NULL && *p == '[' &&
        g_ascii_isdigit (p[1]))
      {
        p++;
        while (g_ascii_isdigit (*p))
          p++;
        if (p[0] == ']' && p[1] == ':' && p[2] == ' ')
          return TRUE;
      }
  }

  return FALSE;
}

/* An SMTP dialogue as programs and people write it down: PHPMailer's
 * "SERVER -> CLIENT: 550 …", "S: 550 …", "SERVER: …", OpenSMTPD's
 * "mta: 0x55d0…: <<< 550 …", a telnet or netcat session with the typed
 * "RCPT TO:<…>". Returns the line in the transcript form the scanner follows
 * ("<<< " for the server, ">>> " for the client), or NULL. */
static char *
dialogue_line (const char *t)
{
  static const char *server[] = {
    "SERVER -> CLIENT: ", "SERVER -> CLIENT:", "SERVER: ", "S: ", "Server: ", "SMTP<< ", "<<<< ",
    "< ",
  };
  static const char *client[] = {
    "CLIENT -> SERVER: ", "CLIENT -> SERVER:", "CLIENT: ", "C: ", "Client: ", "SMTP>> ",
  };
  static const char *typed[] = { "RCPT TO:", "MAIL FROM:", "DATA", ".", "EHLO ", "HELO " };

  /* A timestamp before it: "2024-01-05 10:00:01 SERVER -> CLIENT: …" */
  if (strnlen (t, 20) >= 20 && g_ascii_isdigit (t[0]) && t[4] == '-' && t[7] == '-' &&
      t[10] == ' ' && t[13] == ':' && t[16] == ':' && t[19] == ' ')
    {
      const char *rest = t + 20;

      for (guint i = 0; i < G_N_ELEMENTS (server); i++)
        if (g_str_has_prefix (rest, server[i]) && i < 2)
          {
            t = rest;
            break;
          }
      for (guint i = 0; i < 2; i++)
        if (g_str_has_prefix (rest, client[i]))
          t = rest;
      /* PHPMailer's verdict line belongs to the dialogue, not to a log. */
      if (has_prefix_ci (rest, "SMTP ERROR: "))
        return g_strdup (rest);
    }

  /* Exim's debug output: "  308   SMTP<< 451 …" (process id first) */
  if (g_ascii_isdigit (*t))
    {
      const char *q = t;

      while (g_ascii_isdigit (*q))
        q++;
      while (*q == ' ')
        q++;
      if (q - t < 16 && (g_str_has_prefix (q, "SMTP<< ") || g_str_has_prefix (q, "SMTP>> ")))
        t = q;
    }

  if (g_str_has_prefix (t, "mta: 0x") || g_str_has_prefix (t, "smtp: 0x"))
    {
      const char *colon = strstr (t + 5, ": ");

      if (colon != NULL && colon - t < 40)
        {
          const char *rest = colon + 2;

          if (g_str_has_prefix (rest, "<<< ") || g_str_has_prefix (rest, ">>> "))
            return g_strdup (rest);
        }
      return NULL;
    }

  for (guint i = 0; i < G_N_ELEMENTS (server); i++)
    if (g_str_has_prefix (t, server[i]))
      {
        const char *rest = t + strlen (server[i]);

        while (*rest == ' ')
          rest++;
        /* "< 550 …" only when a reply follows; "S:" likewise. */
        if (g_ascii_isdigit (rest[0]) && g_ascii_isdigit (rest[1]) && g_ascii_isdigit (rest[2]))
          return g_strconcat ("<<< ", rest, NULL);
        return NULL;
      }
  for (guint i = 0; i < G_N_ELEMENTS (client); i++)
    if (g_str_has_prefix (t, client[i]))
      {
        const char *rest = t + strlen (client[i]);

        while (*rest == ' ')
          rest++;
        return g_strconcat (">>> ", rest, NULL);
      }
  for (guint i = 0; i < G_N_ELEMENTS (typed); i++)
    if (has_prefix_ci (t, typed[i]) && !md_rejection_has_code_candidate (t) &&
        (i != 2 || t[4] == '\0') && (i != 3 || t[1] == '\0'))
      return g_strconcat (">>> ", t, NULL);

  return NULL;
}

/* "user@example.org", "<user@example.org>:", "user@example.org on 29 Apr …"
 * on a line of its own names the recipient of what follows. */
static char *
address_only_line (const char *t)
{
  const char *p = t, *at = NULL;
  gsize len = strlen (t);

  if (len == 0 || len > 320)
    return NULL;
  if (*t == '"')
    {
      /* GMX: "user@example.org": */
      t++;
      p++;
    }
  if (*p == '<')
    p++;
  while (*p && !g_ascii_isspace (*p) && *p != '>' && *p != ',')
    {
      if (*p == '@')
        at = p;
      p++;
    }
  if (at == NULL || at == t || p == at + 1)
    return NULL;
  {
    const char *rest = p;

    if (*rest == '>' || *rest == '"')
      rest++;
    if (*rest == ':' || *rest == ',')
      rest++;
    while (*rest == ' ' || *rest == '\t')
      rest++;
    /* Exchange 2003: "user@example.org on 29/04/2007 20:00". */
    if (*rest != '\0' && !has_prefix_ci (rest, "on ") && !g_str_has_prefix (rest, "("))
      return NULL;
  }

  {
    char *a = g_strndup (*t == '<' ? t + 1 : t, p - (*t == '<' ? t + 1 : t));
    gsize alen = strlen (a);

    while (alen > 0 && (a[alen - 1] == ':' || a[alen - 1] == '"'))
      a[--alen] = '\0';
    return a;
  }
}

static gboolean
line_starts_reply (const char *t,
                   char        code_s[4])
{
  if (g_str_has_prefix (t, "<<< "))
    t += 4;
  if (parse_code_at (t) == 0)
    return FALSE;
  memcpy (code_s, t, 3);
  code_s[3] = '\0';
  return TRUE;
}

static gboolean
is_transcript_command (const char *line)
{
  static const char *commands[] = {
    "MAIL", "RCPT", "DATA", "EHLO", "HELO", "LHLO", "QUIT", "RSET", "BDAT", "STARTTLS", "AUTH", ".",
  };

  if (!g_str_has_prefix (line, ">>> "))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (has_prefix_ci (line + 4, commands[i]))
      return TRUE;
  return FALSE;
}

static void
scanner_set_context_host (Scanner    *s,
                          const char *host)
{
  g_autofree char *h = g_strstrip (g_strdup (host));
  char *space = strpbrk (h, " \t(");

  if (space != NULL)
    *space = '\0';
  while (*h != '\0' && (h[strlen (h) - 1] == ':' || h[strlen (h) - 1] == '.'))
    h[strlen (h) - 1] = '\0';
  if (*h == '\0')
    return;
  g_free (s->host);
  g_clear_pointer (&s->ip, g_free);
  {
    /* Exchange: "Receiving server: mx.example.org (192.0.2.1)" */
    const char *open = strchr (host, '(');
    const char *close = open ? strchr (open, ')') : NULL;

    if (close != NULL)
      {
        g_autofree char *ip = g_strndup (open + 1, close - open - 1);
        if (is_ip_address (ip))
          s->ip = g_steal_pointer (&ip);
      }
  }
  if (is_ip_address (h))
    {
      s->host = NULL;
      g_free (s->ip);
      s->ip = g_strdup (h);
    }
  else
    s->host = g_ascii_strdown (h, -1);
}

/* Exchange's "Generating server:" in the languages it writes NDRs in: the
 * server that wrote the report, which is the rejecting one when no remote
 * server is quoted. English: sisimai's lhost-exchange2007-03.eml; French:
 * lhost-exchange2007-06.eml ("Serveur de génération :"); German: the issue's
 * Exchange Online NDR ("Erstellender Server:") and hilfe.cloud4you.biz
 * ("Generierender Server:"). Dutch, Spanish and Italian: unconfirmed wording,
 * Exchange's translations as recalled, no sample at hand. */
static gboolean
is_generating_server (const char *t)
{
  static const char *headings[] = {
    "Generating server:", "Erstellender Server:", "Generierender Server:",
    "Serveur de génération :", "Serveur de génération:", "Genererende server:",
    "Servidor de generación:", "Server di generazione:",
  };

  for (guint i = 0; i < G_N_ELEMENTS (headings); i++)
    if (has_prefix_ci (t, headings[i]))
      return TRUE;
  return FALSE;
}

/* Lines of plain prose ("The error message is:") before a reply: nothing
 * in them belongs to it — unlike a bounce's "<user@…>: host mx[IP] said:"
 * whose reply is wrapped onto the next line. */
static gboolean
block_is_prose (Scanner *s)
{
  static const char *markers[] = {
    "said", "sagte", "refused", "host", "Host", "error", "Error", "Diagnostic", "reply", "returned",
    "<<<", ">>>", "RCPT", "MAIL", "DATA",
  };

  for (guint i = 0; i < s->lines->len; i++)
    {
      const char *line = g_ptr_array_index (s->lines, i);

      if (strchr (line, '@') != NULL || strchr (line, '[') != NULL)
        return FALSE;
      for (guint m = 0; m < G_N_ELEMENTS (markers); m++)
        if (strstr (line, markers[m]) != NULL)
          return FALSE;
    }

  return TRUE;
}

static void
scanner_feed_line (Scanner    *s,
                   const char *line)
{
  const char *t = line;
  g_autofree char *address = NULL;
  char code_s[4];

  if (s->stopped)
    return;
  s->lines_seen++;

  /* A bounce quoted in a reply ("> > text"); ">>> RCPT TO:" is a transcript. */
  if (line[0] == '>' && !is_transcript_command (line))
    {
      const char *q = line;

      while (*q == '>')
        {
          q++;
          if (*q == ' ')
            q++;
        }
      scanner_feed_line (s, q);
      return;
    }

  while (*t == ' ' || *t == '\t')
    t++;

  if (*t == '\0')
    {
      scanner_flush (s);
      s->in_transcript = FALSE;
      return;
    }

  {
    g_autofree char *rewritten = dialogue_line (t);

    if (rewritten != NULL)
      {
        scanner_feed_line (s, rewritten);
        return;
      }
  }

  /* A positive reply of a transcript is no rejection and ends what came
   * before; the greeting names the server that answers. */
  {
    const char *r = g_str_has_prefix (t, "<<< ") ? t + 4 : t;
    guint code = parse_code_at (r);

    /* Only the positive replies of a dialogue: "308 Connecting to …" is
     * Exim's debug output with its process id in front. */
    if (code == 220 || code == 221 || code == 235 || code == 250 || code == 251 ||
        code == 252 || code == 334 || code == 354)
      {
        scanner_flush (s);
        /* "220" alone ends the line: no server name after it. */
        if (code == 220 && r[3] != '\0')
          {
            g_autofree char *host = g_strndup (r + 4, strcspn (r + 4, " \t;,"));

            if (strchr (host, '.') != NULL && strlen (host) < 254)
              scanner_set_context_host (s, host);
          }
        return;
      }
  }

  /* swaks transcripts: "<** 554 …" (error reply), "<-  250 …", "-> RCPT TO:…". */
  if (g_str_has_prefix (t, "<** ") || g_str_has_prefix (t, "<-  ") || g_str_has_prefix (t, "<~* ") ||
      g_str_has_prefix (t, "<~  "))
    {
      g_autofree char *rewritten = g_strconcat ("<<< ", t + 4, NULL);
      scanner_feed_line (s, rewritten);
      return;
    }
  if (g_str_has_prefix (t, "-> ") || g_str_has_prefix (t, " ~> ") || g_str_has_prefix (t, "~> "))
    {
      g_autofree char *rewritten = g_strconcat (">>> ", strchr (t, '>') + 2, NULL);
      scanner_feed_line (s, rewritten);
      return;
    }
  if (g_str_has_prefix (t, "=== Connected to "))
    {
      scanner_flush (s);
      scanner_set_context_host (s, t + strlen ("=== Connected to "));
      s->stage = MD_SMTP_STAGE_CONNECT;
      return;
    }
  if (g_str_has_prefix (t, "=== ") || g_str_has_prefix (t, "*** "))
    {
      /* swaks' own notes. */
      scanner_flush (s);
      return;
    }

  /* Inside a DSN group only a blank line ends the block. */
  if (s->block_is_fields)
    {
      if (line[0] == ' ' || line[0] == '\t' || md_rejection_is_dsn_field_line (line) ||
          strchr (line, ':') != NULL)
        {
          g_ptr_array_add (s->lines, g_strdup (line));
          if (s->lines->len >= MAX_BLOCK_LINES * 4)
            scanner_flush (s);
          return;
        }
      scanner_flush (s);
    }

  if (is_stop_line (t))
    {
      scanner_flush (s);
      s->stopped = TRUE;
      return;
    }

  if (md_rejection_is_dsn_field_line (t) && t == line)
    {
      scanner_flush (s);
      s->block_is_fields = TRUE;
      g_ptr_array_add (s->lines, g_strdup (line));
      return;
    }

  if (is_log_line (line))
    {
      Context ctx = { NULL, NULL, NULL, MD_SMTP_STAGE_UNKNOWN, NULL };
      g_autofree char *unescaped = g_strdup (line);
      MdRejection *r;

      /* Exim logs the line breaks of a multi-line reply as "\n". */
      for (char *n = strstr (unescaped, "\\n"); n != NULL; n = strstr (n, "\\n"))
        {
          n[0] = ' ';
          n[1] = ' ';
        }
      scanner_flush (s);
      r = md_rejection_from_block (unescaped, TRUE, &ctx);
      if (r != NULL)
        md_rejection_collector_add (s->collector, r);
      return;
    }

  /* sendmail transcript: ">>> RCPT TO:<…>" sets the stage of the reply. */
  if (g_str_has_prefix (t, ">>> "))
    {
      scanner_flush (s);
      s->stage = md_rejection_stage_from_word (t + 4);
      if (s->stage == MD_SMTP_STAGE_RCPT_TO)
        {
          /* The recipient the reply that follows is about. */
          g_autofree char *a = md_rejection_extract_address (t + 4, 320);

          if (a != NULL)
            {
              g_free (s->recipient);
              s->recipient = g_steal_pointer (&a);
            }
        }
      return;
    }

  if (has_prefix_ci (t, "... while talking to ") || has_prefix_ci (t, "while talking to "))
    {
      scanner_flush (s);
      scanner_set_context_host (s, find_ci (t, "talking to ") + strlen ("talking to "));
      return;
    }
  if (has_prefix_ci (t, "Receiving server:") || has_prefix_ci (t, "Empfangender Server:") ||
      has_prefix_ci (t, "Remote-Server:") || has_prefix_ci (t, "Remote server:"))
    {
      scanner_flush (s);
      scanner_set_context_host (s, strchr (t, ':') + 1);
      return;
    }

  if (is_generating_server (t))
    {
      g_autofree char *h = g_strstrip (g_strdup (strchr (t, ':') + 1));

      scanner_flush (s);
      g_free (s->generator);
      s->generator = *h != '\0' && strchr (h, ' ') == NULL ? g_ascii_strdown (h, -1) : NULL;
      return;
    }

  /* DragonFly: "There was an error delivering your mail to <user@…>." */
  if (has_prefix_ci (t, "There was an error delivering your mail to "))
    {
      g_autofree char *a = md_rejection_extract_address (t + strlen ("There was an error delivering your mail to "), 300);

      if (a != NULL)
        {
          scanner_flush (s);
          g_free (s->recipient);
          s->recipient = g_steal_pointer (&a);
          return;
        }
    }

  if ((address = address_only_line (t)) != NULL)
    {
      scanner_flush (s);
      g_free (s->recipient);
      s->recipient = g_steal_pointer (&address);
      s->stage = MD_SMTP_STAGE_UNKNOWN;
      return;
    }

  if (g_str_has_prefix (t, "<<< "))
    s->in_transcript = TRUE;
  else if (s->in_transcript && line_starts_reply (t, code_s) &&
           (code_s[0] == '4' || code_s[0] == '5'))
    {
      /* sendmail's own verdict after the receiver's reply. */
      scanner_flush (s);
      return;
    }

  if (s->lines->len > 0)
    {
      gboolean new_block = FALSE;

      if (line_starts_reply (t, code_s) && s->block_has_code)
        {
          /* A continuation line of a multi-line reply repeats "550-". */
          const char *last = g_ptr_array_index (s->lines, s->lines->len - 1);
          g_autofree char *dash = g_strdup_printf ("%s-", code_s);

          new_block = strstr (last, dash) == NULL;
        }
      else if (g_str_has_prefix (t, "<<< "))
        new_block = TRUE;
      else if (line_starts_reply (t, code_s) && (code_s[0] == '4' || code_s[0] == '5') &&
               !s->block_has_code && block_is_prose (s))
        new_block = TRUE;
      else if (*t == '<' && strchr (t, '@') != NULL && strstr (t, ">:") != NULL)
        new_block = TRUE;

      if (new_block)
        scanner_flush (s);
    }

  if (s->block_bytes + strlen (line) > MAX_BLOCK_BYTES || s->lines->len >= MAX_BLOCK_LINES)
    scanner_flush (s);

  g_ptr_array_add (s->lines, g_strdup (line));
  s->block_bytes += strlen (line) + 1;
  if (!s->block_has_code && md_rejection_has_code_candidate (t))
    s->block_has_code = TRUE;
}

/* A line as pasted: typography made plain, wrappers and markup taken off;
 * a string literal or JSON value with "\n" in it is several lines. Exim
 * writes a multi-line reply with "\n" on its one log line: that stays one. */
static void
feed_raw_line (Scanner    *s,
               const char *line)
{
  /* A reply as a JSON array of its lines: ["554-…", "554-…", "554 …"] */
  if (line[0] == '[' && line[1] == '"' && strstr (line, "\", \"") != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (line + 2, "\", \"", 64);

      for (guint i = 0; parts[i] != NULL; i++)
        {
          char *end = strstr (parts[i], "\"]");

          if (end != NULL)
            *end = '\0';
          feed_raw_line (s, parts[i]);
        }
      return;
    }

  if (!is_log_line (line) && md_rejection_has_escaped_breaks (line))
    {
      g_autofree char *copy = g_strdup (line);
      char *piece = copy;

      for (char *n = strstr (piece, "\\n"); ; n = strstr (piece, "\\n"))
        {
          g_autofree char *normal = NULL;

          if (n != NULL)
            {
              *n = '\0';
              if (n > piece && n[-1] == 'r' && n - 1 > piece && n[-2] == '\\')
                n[-2] = '\0';
            }
          normal = md_rejection_normalize_line (piece);
          scanner_feed_line (s, normal);
          if (n == NULL)
            break;
          piece = n + 2;
        }
      return;
    }

  {
    g_autofree char *normal = md_rejection_normalize_line (line);
    scanner_feed_line (s, normal);
  }
}

static gboolean
scan_buffer (Scanner    *s,
             const char *data,
             gsize       len)
{
  const char *p, *end;

  if (len == 0)
    return TRUE;
  p = data;
  end = data + len;

  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *line_end = nl ? nl : end;
      g_autofree char *line = md_rejection_sanitize_line (p, line_end - p);

      feed_raw_line (s, line);
      p = nl ? nl + 1 : end;

      if ((s->lines_seen & 0xfff) == 0 && g_cancellable_is_cancelled (s->collector->cancellable))
        return FALSE;
    }
  scanner_flush (s);

  return TRUE;
}

void
md_rejection_scan_text (Collector  *c,
                        const char *text,
                        gsize       len)
{
  Scanner s;

  scanner_init (&s, c);
  scan_buffer (&s, text, len);
  scanner_clear (&s);
}

void
md_rejection_scan_dsn (Collector  *c,
                       const char *text,
                       gsize       len)
{
  Scanner s;

  /* Every group of a delivery-status part is fields. */
  scanner_init (&s, c);
  for (const char *p = text, *end = text + len; p < end; )
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *line_end = nl ? nl : end;
      g_autofree char *line = md_rejection_sanitize_line (p, line_end - p);

      if (*line == '\0')
        scanner_flush (&s);
      else
        {
          if (s.lines->len == 0)
            s.block_is_fields = TRUE;
          if (s.lines->len < MAX_BLOCK_LINES * 4)
            g_ptr_array_add (s.lines, g_strdup (line));
        }
      p = nl ? nl + 1 : end;
    }
  scanner_flush (&s);
  scanner_clear (&s);
}
