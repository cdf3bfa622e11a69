/* md-rejection-fields.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* One block of text → one rejection: the reply, its code and status, the
 * rejecting host, the stage, the blocked IP, references and contacts. */

#include "config.h"

#include "md-rejection-parser-private.h"

static char *
match_group (GRegex     *regex,
             const char *text,
             int         group)
{
  g_autoptr(GMatchInfo) info = NULL;

  if (!g_regex_match (regex, text, 0, &info))
    return NULL;

  return g_match_info_fetch (info, group);
}

MdSmtpStage
md_rejection_stage_from_word (const char *word)
{
  g_autofree char *w = g_ascii_strdown (word, -1);

  if (g_str_has_prefix (w, "rcpt"))
    return MD_SMTP_STAGE_RCPT_TO;
  if (g_str_has_prefix (w, "mail"))
    return MD_SMTP_STAGE_MAIL_FROM;
  if (g_str_has_prefix (w, "end") || g_str_has_prefix (w, "final"))
    return MD_SMTP_STAGE_END_OF_DATA;
  if (g_str_has_prefix (w, "data"))
    return MD_SMTP_STAGE_DATA;
  if (g_str_has_prefix (w, "bdat"))
    return MD_SMTP_STAGE_END_OF_DATA;
  if (g_str_has_prefix (w, "ehlo") || g_str_has_prefix (w, "helo") ||
      g_str_has_prefix (w, "lhlo") || g_str_has_prefix (w, "starttls"))
    return MD_SMTP_STAGE_HELO;
  if (g_str_has_prefix (w, "initial"))
    return MD_SMTP_STAGE_CONNECT;
  if (g_str_equal (w, "."))
    return MD_SMTP_STAGE_END_OF_DATA;

  return MD_SMTP_STAGE_UNKNOWN;
}

static MdSmtpStage
find_stage (const char *block)
{
  const Patterns *p = md_rejection_patterns_get ();
  g_autofree char *word = match_group (p->stage, block, 1);

  if (word != NULL)
    return md_rejection_stage_from_word (word);
  g_clear_pointer (&word, g_free);
  word = match_group (p->stage_failed, block, 1);
  if (word != NULL)
    return md_rejection_stage_from_word (word);
  if (g_regex_match (p->stage_connect, block, 0, NULL))
    return MD_SMTP_STAGE_CONNECT;
  /* qmail: "192.0.2.1 failed after I sent the message." */
  if (strstr (block, " failed after I sent the message") != NULL)
    return MD_SMTP_STAGE_END_OF_DATA;

  return MD_SMTP_STAGE_UNKNOWN;
}

void
md_rejection_find_blocked_ip (MdRejection *r)
{
  const Patterns *p = md_rejection_patterns_get ();

  for (guint i = 0; i < G_N_ELEMENTS (p->blocked); i++)
    {
      g_autoptr(GMatchInfo) info = NULL;

      g_regex_match (p->blocked[i], r->text, 0, &info);
      while (g_match_info_matches (info))
        {
          g_autofree char *ip = g_match_info_fetch (info, 1);

          /* The trailing dot of a sentence (or the colon before more text)
           * is not part of the address. */
          while (ip[0] && (ip[strlen (ip) - 1] == '.' ||
                           (ip[strlen (ip) - 1] == ':' && strchr (ip, '.') != NULL)))
            ip[strlen (ip) - 1] = '\0';
          /* 0.0.0.0 is a template's placeholder, never a sender. */
          if (is_ip_address (ip) && g_strcmp0 (ip, r->remote_ip) != 0 &&
              !g_str_equal (ip, "0.0.0.0") && !g_str_equal (ip, "::"))
            {
              set_str (&r->blocked_ip, ip);
              return;
            }
          g_match_info_next (info, NULL);
        }
    }
}

static void
add_reference_matches (MdRejection *r,
                       GRegex      *regex,
                       const char  *prefix,
                       const char  *suffix)
{
  g_autoptr(GMatchInfo) info = NULL;

  g_regex_match (regex, r->text, 0, &info);
  while (g_match_info_matches (info))
    {
      g_autofree char *value = NULL;
      g_autofree char *ref = NULL;

      for (int group = 1; group < g_match_info_get_match_count (info) && (value == NULL || *value == '\0'); group++)
        {
          g_free (value);
          value = g_match_info_fetch (info, group);
        }
      ref = g_strconcat (prefix, value, suffix, NULL);

      md_rejection_strv_add_unique (&r->references, ref);
      g_match_info_next (info, NULL);
    }
}

void
md_rejection_find_references (MdRejection *r)
{
  const Patterns *p = md_rejection_patterns_get ();

  add_reference_matches (r, p->ref_as_paren, "AS(", ")");
  add_reference_matches (r, p->ref_paren, "", "");
  add_reference_matches (r, p->ref_olc, "", "");
  add_reference_matches (r, p->ref_yahoo, "", "");
  add_reference_matches (r, p->ref_tonline, "(", ")");
  add_reference_matches (r, p->ref_old_ms, "", "");
  add_reference_matches (r, p->ref_server_id, "", "");
  add_reference_matches (r, p->ref_case, "", "");
  add_reference_matches (r, p->ref_other, "", "");
}

static gboolean
is_email_char (char c)
{
  return g_ascii_isalnum (c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

static gboolean
is_domain_char (char c)
{
  return g_ascii_isalnum (c) || c == '.' || c == '-';
}

/* Mail addresses and URLs named in the text. Written by hand: a linear scan
 * around each '@' and each "http", where a regular expression without an
 * anchor would retry at every position. */
void
md_rejection_find_contacts (MdRejection *r)
{
  const char *text = r->text;

  for (const char *at = strchr (text, '@'); at != NULL; at = strchr (at + 1, '@'))
    {
      const char *s = at, *e = at + 1;
      g_autofree char *address = NULL;
      gboolean dotted = FALSE;

      while (s > text && is_email_char (s[-1]) && at - s < 64)
        s--;
      while (is_domain_char (*e) && e - at < 255)
        {
          if (*e == '.')
            dotted = TRUE;
          e++;
        }
      while (e > at + 1 && (e[-1] == '.' || e[-1] == '-'))
        e--;
      while (s < at && *s == '.')
        s++;
      if (s == at || e == at + 1 || !dotted)
        continue;
      /* <addr> is an echo of the envelope, "user@host" in a URL is not a
       * contact either. */
      if ((s > text && (s[-1] == '<' || s[-1] == '/' || s[-1] == ':' || s[-1] == '=')) ||
          *e == '>')
        continue;
      address = g_strndup (s, e - s);
      if (strrchr (address, '.') < strrchr (address, '@'))
        continue;
      if (r->recipient != NULL && g_ascii_strcasecmp (address, r->recipient) == 0)
        continue;
      if (r->contacts->len < MAX_CONTACTS)
        md_rejection_add_contact (r, MD_CONTACT_EMAIL, address);
    }

  for (const char *h = find_ci (text, "http"); h != NULL; h = find_ci (h + 4, "http"))
    {
      const char *e;
      g_autofree char *url = NULL;

      if (!has_prefix_ci (h, "http://") && !has_prefix_ci (h, "https://"))
        continue;
      if (h > text && (g_ascii_isalnum (h[-1])))
        continue;
      e = h + (h[4] == ':' ? 7 : 8);
      while (*e && !g_ascii_isspace (*e) && *e != '<' && *e != '>' && *e != '"' &&
             *e != '\'' && *e != ')' && *e != '(' && *e != ']' && *e != '[' && e - h < 2048)
        e++;
      while (e > h + 8 && strchr (".,;:!?", e[-1]) != NULL)
        e--;
      if (e - h <= 8)
        continue;
      url = g_strndup (h, e - h);
      if (r->contacts->len < MAX_CONTACTS)
        md_rejection_add_contact (r, MD_CONTACT_URL, url);
    }
}


char *
md_rejection_extract_address (const char *s,
                              gsize       max)
{
  const char *at, *b, *e;

  at = memchr (s, '@', strnlen (s, max));
  if (at == NULL)
    return NULL;
  b = at;
  while (b > s && !g_ascii_isspace (b[-1]) && b[-1] != '<' && b[-1] != ':' && b[-1] != '(' &&
         b[-1] != '"' && b[-1] != '\'' && b[-1] != '[' && at - b < 256)
    b--;
  e = at + 1;
  while (is_domain_char (*e) && e - at < 256)
    e++;
  while (e > at + 1 && e[-1] == '.')
    e--;
  /* The length bound may stop inside a character. */
  while (b < at && ((guchar) *b & 0xc0) == 0x80)
    b++;
  if (b == at || e == at + 1)
    return NULL;
  /* "[redacted]@example.org": a masked local part names nobody. */
  if (memchr (b, ']', at - b) != NULL)
    return NULL;

  return g_strndup (b, e - b);
}

/* The recipient a block names itself. */
static char *
find_block_recipient (const char *block,
                      const char *reply_text)
{
  static const char *markers[] = { "RCPT TO:<", "RCPT TO: <", "to=<", "Final-Recipient:" };
  const char *p;

  for (guint i = 0; i < G_N_ELEMENTS (markers); i++)
    if ((p = find_ci (block, markers[i])) != NULL)
      {
        char *a = md_rejection_extract_address (p + strlen (markers[i]), 300);
        if (a != NULL)
          return a;
      }

  /* Exim mainlog: "** user@example.org <orig@…> R=… T=…: …" */
  {
    g_autofree char *head = g_strndup (block, 120);
    const char *m = strstr (head, " ** ");

    if (m == NULL)
      m = strstr (head, " == ");
    if (m != NULL)
      {
        char *a = md_rejection_extract_address (block + (m - head) + 4, 300);
        if (a != NULL)
          return a;
      }
  }

  /* Postfix bounce "<user@example.org>: host …", OpenSMTPD "user@…: 550 …" */
  p = block;
  while (*p == ' ' || *p == '\t')
    p++;
  {
    const char *colon = strchr (p, ':');
    if (colon != NULL && colon - p < 300 && memchr (p, '@', colon - p) != NULL &&
        memchr (p, ' ', colon - p) == NULL)
      return md_rejection_extract_address (*p == '<' ? p + 1 : p, colon - p);
  }

  /* The reply echoing the address: "550 5.1.1 <user@example.org>… unknown"
   * (but after MAIL FROM it echoes the sender). */
  if (reply_text != NULL && find_ci (block, "MAIL FROM") == NULL)
    {
      const char *lt = strchr (reply_text, '<');
      if (lt != NULL && lt - reply_text < 20 && strchr (lt, '@') != NULL)
        return md_rejection_extract_address (lt + 1, 300);
    }

  return NULL;
}

static void
find_remote (MdRejection *r,
             const char  *block)
{
  const Patterns *p = md_rejection_patterns_get ();
  g_autoptr(GMatchInfo) info = NULL;

  /* Exchange quotes the remote server's reply with its name:
   * "<mx.example.org #5.0.0 smtp;550 5.7.1 …>" — that host rejected. */
  if (strstr (block, " #") != NULL && g_regex_match (p->exchange_inner, block, 0, &info))
    {
      g_autofree char *host = g_match_info_fetch (info, 1);

      strip_trailing_dot (host);
      if (is_ip_address (host))
        set_str (&r->remote_ip, host);
      else if (strchr (host, '.') != NULL)
        {
          g_free (r->remote_host);
          r->remote_host = g_ascii_strdown (host, -1);
        }
      if (r->remote_host != NULL || r->remote_ip != NULL)
        return;
    }
  g_clear_pointer (&info, g_match_info_unref);

  if (g_regex_match (p->host_ip, block, 0, &info))
    {
      g_autofree char *host = g_match_info_fetch (info, 1);
      g_autofree char *ip = g_match_info_fetch (info, 2);

      strip_trailing_dot (host);
      if (!g_str_equal (host, "unknown") && !is_ip_address (host))
        {
          g_free (r->remote_host);
          r->remote_host = g_ascii_strdown (host, -1);
        }
      if (is_ip_address (ip))
        set_str (&r->remote_ip, ip);
      return;
    }
  g_clear_pointer (&info, g_match_info_unref);

  /* A fragment that starts at the host: "mx.example.org[192.0.2.1] said:".
   * The pattern has no literal start: only run it where it can match. */
  if ((strstr (block, "] said") != NULL || strstr (block, "] sagte") != NULL ||
       strstr (block, "] refused to talk") != NULL) &&
      g_regex_match (p->host_said, block, 0, &info))
    {
      g_autofree char *host = g_match_info_fetch (info, 1);
      g_autofree char *ip = g_match_info_fetch (info, 2);
      int start = 0;

      /* "[redacted]-br.mail.protection.outlook.com[…] said": the name was
       * cut from a masked one, and the tail is not the host. */
      g_match_info_fetch_pos (info, 1, &start, NULL);
      strip_trailing_dot (host);
      if (!is_ip_address (host) && strchr (host, '.') != NULL &&
          (start == 0 || strchr ("-.]*", block[start - 1]) == NULL))
        {
          g_free (r->remote_host);
          r->remote_host = g_ascii_strdown (host, -1);
        }
      else if (!is_ip_address (host) && strchr (host, '.') != NULL)
        {
          /* The visible tail still names the receiver's family. */
          g_autofree char *tail = g_ascii_strdown (host, -1);

          md_rejection_provider_from_host (r, tail);
        }
      if (is_ip_address (ip))
        set_str (&r->remote_ip, ip);
      return;
    }
  g_clear_pointer (&info, g_match_info_unref);

  /* The pattern has no literal start: only run it where it can match. */
  if (strstr (block, "< ") != NULL && strstr (block, "]:") != NULL &&
      g_regex_match (p->debug_reply, block, 0, &info))
    {
      g_autofree char *host = g_match_info_fetch (info, 1);
      g_autofree char *ip = g_match_info_fetch (info, 2);

      strip_trailing_dot (host);
      if (!is_ip_address (host) && strchr (host, '.') != NULL)
        {
          g_free (r->remote_host);
          r->remote_host = g_ascii_strdown (host, -1);
        }
      if (is_ip_address (ip))
        set_str (&r->remote_ip, ip);
      return;
    }
  g_clear_pointer (&info, g_match_info_unref);

  if (g_regex_match (p->relay_quoted, block, 0, &info))
    {
      g_autofree char *ip = g_match_info_fetch (info, 1);
      g_autofree char *host = g_match_info_fetch (info, 2);

      if (is_ip_address (ip))
        set_str (&r->remote_ip, ip);
      if (!g_str_equal (host, "-"))
        {
          strip_trailing_dot (host);
          g_free (r->remote_host);
          r->remote_host = g_ascii_strdown (host, -1);
        }
      return;
    }
  g_clear_pointer (&info, g_match_info_unref);

  /* The pattern has no literal start: only run it where it can match. */
  if (strstr (block, " did not like our") != NULL && g_regex_match (p->dma_host, block, 0, &info))
    {
      g_autofree char *host = g_match_info_fetch (info, 1);
      g_autofree char *ip = g_match_info_fetch (info, 2);

      g_free (r->remote_host);
      r->remote_host = g_ascii_strdown (host, -1);
      if (is_ip_address (ip))
        set_str (&r->remote_ip, ip);
      return;
    }
  g_clear_pointer (&info, g_match_info_unref);

  if (g_regex_match (p->qmail_ip, block, 0, &info))
    {
      g_autofree char *a = g_match_info_fetch (info, 1);
      g_autofree char *b = g_match_info_fetch (info, 2);
      const char *ip = (a && *a) ? a : b;

      if (is_ip_address (ip))
        set_str (&r->remote_ip, ip);
      return;
    }
  g_clear_pointer (&info, g_match_info_unref);

  if (g_regex_match (p->host_only, block, 0, &info))
    {
      g_autofree char *host = g_match_info_fetch (info, 1);

      if (is_ip_address (host))
        set_str (&r->remote_ip, host);
      else
        {
          g_free (r->remote_host);
          r->remote_host = g_ascii_strdown (host, -1);
        }
    }
}

/* A Postfix log line of a bounce without a reply: the local side gave up
 * ("relay=none, dsn=5.4.4, status=bounced (Host or domain name not
 * found …)"). A bounce to report, with its cause; a connection that failed
 * and will be retried (status=deferred) is not a rejection. */
static MdRejection *
local_bounce (const char *block)
{
  const char *status = strstr (block, "status=bounced (");
  const char *dsn = strstr (block, "dsn=");
  g_autoptr(MdRejection) r = NULL;
  g_autofree char *cause = NULL;
  gsize elen;

  if (status == NULL || dsn == NULL || (elen = parse_enhanced_at (dsn + 4)) == 0 || dsn[4] != '5')
    return NULL;

  cause = g_strndup (status + strlen ("status=bounced ("), MAX_TEXT);
  {
    gsize len = strlen (cause);

    while (len > 0 && (cause[len - 1] == ')' || g_ascii_isspace (cause[len - 1])))
      cause[--len] = '\0';
  }

  r = md_rejection_new ();
  r->enhanced_status = g_strndup (dsn + 4, elen);
  r->temporary = FALSE;
  r->text = md_rejection_clean_reply (cause, 0, NULL);
  r->recipient = find_block_recipient (block, NULL);
  find_remote (r, block);
  md_rejection_find_contacts (r);
  md_rejection_detect_provider (r);

  return g_steal_pointer (&r);
}

/* A rejection quoted without its code: "Client host [203.0.113.5] blocked
 * using zen.spamhaus.org", "Unfortunately, messages from [IP] weren't
 * sent". Only these unmistakable sentences count; the blocked IP is then
 * what the person needs. */
static MdRejection *
codeless (const char *block)
{
  static const char *sentences[] = {
    "blocked using ", "weren't sent", "were not sent", "is listed on", "refused to talk to me",
  };
  g_autoptr(MdRejection) r = NULL;
  const char *start = NULL;

  if (strlen (block) > 1000)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (sentences) && start == NULL; i++)
    start = strstr (block, sentences[i]);
  if (start == NULL)
    return NULL;

  r = md_rejection_new ();
  r->text = md_rejection_clean_reply (block, 0, NULL);
  md_rejection_find_blocked_ip (r);
  if (r->blocked_ip == NULL)
    return NULL;
  find_remote (r, block);
  r->recipient = find_block_recipient (block, NULL);
  r->stage = find_stage (block);
  md_rejection_find_references (r);
  md_rejection_find_contacts (r);
  md_rejection_detect_provider (r);

  return g_steal_pointer (&r);
}

/* RFC 5321 (4.2, 3.8) has the server name itself first in a 554 greeting
 * and in "421 <domain> Service not available": "554 resimta-po-02v.sys.
 * comcast.net comcast …". A host name of three labels at least; the
 * receiver's bare domain ("554-gmx.net (mxgmx104) …") names no host. */
static char *
greeting_domain (const char *text)
{
  const char *p = text + 3;
  gsize len;
  guint dots = 0;

  while (*p == ' ' || *p == '-')
    p++;
  if (parse_enhanced_at (p) > 0)
    {
      p += parse_enhanced_at (p);
      while (*p == ' ')
        p++;
    }
  len = strcspn (p, " ");
  if (len < 5 || len > 253 || p[len] != ' ' || !g_ascii_isalpha (p[len - 1]))
    return NULL;
  for (gsize i = 0; i < len; i++)
    {
      if (p[i] == '.')
        dots++;
      else if (!g_ascii_isalnum (p[i]) && p[i] != '-')
        return NULL;
    }
  if (dots < 2 || p[0] == '.' || p[len - 1] == '.')
    return NULL;

  return g_ascii_strdown (p, len);
}

/* Builds the rejection one block of text describes, or NULL. */
MdRejection *
md_rejection_from_block (const char    *block,
                         gboolean       is_log,
                         const Context *ctx)
{
  g_autoptr(MdRejection) r = NULL;
  Reply reply = { 0, };
  g_autofree char *raw = NULL;
  const char *dsn;

  if (!md_rejection_has_code_candidate (block) || !md_rejection_find_reply (block, is_log, &reply))
    {
      MdRejection *bounce = local_bounce (block);

      return bounce != NULL || is_log ? bounce : codeless (block);
    }
  md_rejection_nested_reply (&reply);

  r = md_rejection_new ();
  r->smtp_code = reply.code;
  r->enhanced_status = reply.enhanced;
  raw = g_strndup (reply.start, md_rejection_reply_length (reply.start, reply.quoted));
  r->text = md_rejection_clean_reply (raw, reply.code, reply.enhanced);

  /* "501 Rcpt-To validation failed: RCPT TO not accepted: 5.7.1 …" */
  if (r->enhanced_status == NULL && r->smtp_code != 0)
    {
      const char *t = r->text + MIN (strlen (r->text), 4);

      for (const char *q = t; *q && q - t < 300; q++)
        if (*q == (char) ('0' + r->smtp_code / 100) && is_token_start (r->text, q) &&
            parse_enhanced_at (q) > 0)
          {
            r->enhanced_status = g_strndup (q, parse_enhanced_at (q));
            break;
          }
    }

  /* Postfix log lines give the enhanced status as dsn=. When the receiver's
   * reply has none, the dsn= field is the status (issue 11), also where it is
   * Postfix's own "4.0.0" beside a 5xx greeting it defers (another MX may
   * answer): it is what the log says of this delivery, and the reply code
   * stays the receiver's, so the draft still quotes the 554. */
  if (r->enhanced_status == NULL && (dsn = strstr (block, "dsn=")) != NULL)
    {
      gsize elen = parse_enhanced_at (dsn + 4);

      if (elen > 0)
        r->enhanced_status = g_strndup (dsn + 4, elen);
    }

  if (r->smtp_code != 0)
    r->temporary = r->smtp_code / 100 == 4;
  else if (r->enhanced_status != NULL)
    r->temporary = r->enhanced_status[0] == '4';

  r->recipient = find_block_recipient (block, NULL);
  if (r->recipient == NULL && ctx != NULL)
    r->recipient = g_strdup (ctx->recipient);
  if (r->recipient == NULL)
    r->recipient = find_block_recipient (block, r->text);

  find_remote (r, block);
  if (ctx != NULL && r->remote_host == NULL && r->remote_ip == NULL)
    {
      r->remote_host = g_strdup (ctx->host);
      r->remote_ip = g_strdup (ctx->ip);
    }
  /* The server that wrote an Exchange NDR rejected the message itself
   * unless the NDR quotes a remote server's reply. */
  if (ctx != NULL && r->remote_host == NULL && r->remote_ip == NULL && !reply.quoted &&
      ctx->generator != NULL)
    r->remote_host = g_strdup (ctx->generator);

  if (r->remote_host == NULL && r->remote_ip == NULL &&
      (r->smtp_code == 421 || r->smtp_code == 554))
    r->remote_host = greeting_domain (r->text);

  r->stage = find_stage (block);
  if (r->stage == MD_SMTP_STAGE_UNKNOWN && ctx != NULL)
    r->stage = ctx->stage;

  md_rejection_find_blocked_ip (r);
  md_rejection_find_references (r);
  md_rejection_find_contacts (r);
  md_rejection_detect_provider (r);
  /* "< #5.7.133 smtp;550 …": the server that wrote the NDR rejected it. */
  if (reply.local && ctx != NULL)
    md_rejection_provider_from_host (r, ctx->generator);

  /* T-Online answers in the banner, before any command. */
  if (r->stage == MD_SMTP_STAGE_UNKNOWN && g_strcmp0 (r->provider, "t-online") == 0 &&
      strstr (r->text, "IP=") != NULL)
    r->stage = MD_SMTP_STAGE_CONNECT;

  return g_steal_pointer (&r);
}
