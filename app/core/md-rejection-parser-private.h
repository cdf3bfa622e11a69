/* md-rejection-parser-private.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What the files of the rejection parser share. Which file reads what:
 *   md-rejection-parser.c     entry: message or text, public API
 *   md-rejection-mime.c       whole messages (GMime walk, DSN part vs text part)
 *   md-rejection-scanner.c    the line scanner: lines → blocks, transcripts, logs
 *   md-rejection-dsn.c        RFC 3464 fields, in a DSN part or pasted
 *   md-rejection-fields.c     one block → one rejection (host, stage, IP, recipient, …)
 *   md-rejection-reply.c      where the reply is in a block, where it ends, its clean text
 *   md-rejection-providers.c  receiver attribution (resources/data/rejection-providers.xml)
 *   md-rejection-patterns.c   the regular expressions
 *   md-rejection-collector.c  deduplication as rejections arrive
 *   md-rejection-text.c       one input line made safe and plain
 *   md-html.c                 HTML → text (shared with the imprint check) */

#pragma once

#include <gmime/gmime.h>
#include <string.h>

#include "md-rejection-parser.h"

G_BEGIN_DECLS

/* Everything here runs in linear time over the input with bounded memory:
 * input is read line by line, only the first MAX_LINE bytes of a line are
 * looked at, a logical block is at most MAX_BLOCK_LINES / MAX_BLOCK_BYTES,
 * every regular expression is fed a bounded block and has bounded
 * quantifiers, and duplicates are found through hash tables. */
#define MAX_LINE          8192
#define MAX_BLOCK_LINES   48
#define MAX_BLOCK_BYTES   8192
#define MAX_TEXT          4096
#define MAX_MIME_DEPTH    12
#define MAX_MIME_PARTS    256
#define MAX_REFERENCES    16
#define MAX_CONTACTS      16

/* GMime 3.2 does not declare these. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)

/* The regular expressions, compiled once. */
typedef struct
{
  GRegex *host_ip;        /* host H[IP], host H [IP], relay=H[IP], H=H [IP] */
  GRegex *relay_quoted;   /* OpenSMTPD relay="IP (H)" */
  GRegex *qmail_ip;       /* qmail: "Connected to IP but", "IP does not like recipient" */
  GRegex *host_only;      /* GMX "host: H", sendmail "while talking to H.:" */
  GRegex *dma_host;       /* DragonFly: "H [IP] did not like our final DATA:" */
  GRegex *stage;
  GRegex *stage_connect;
  GRegex *stage_failed;   /* PHPMailer: "RCPT TO command failed" */
  GRegex *exchange_inner; /* Exchange: "<mx.example.org #5.0.0 smtp;550 …>" */
  GRegex *host_said;      /* "H[IP] said:" without the word "host" */
  GRegex *debug_reply;    /* Postfix debug: "< H[IP]:25: 550 …" */
  GRegex *blocked[27];
  GRegex *ref_as_paren;   /* AS(1410) */
  GRegex *ref_paren;      /* (AS16012609), (S3150) */
  GRegex *ref_olc;        /* SC-001, OU-002, DY-001, RP-001 */
  GRegex *ref_yahoo;      /* [TSS04], IPTS04 */
  GRegex *ref_tonline;    /* (BL), (NOWL) */
  GRegex *ref_server_id;  /* [CB1PEPF0000205E.namprd00.prod.outlook.com] */
  GRegex *ref_old_ms;     /* (BAY004-MC4F25) */
  GRegex *ref_case;       /* GMX/web.de/IONOS: case?c=r0201 */
  GRegex *ref_other;      /* Apple [CS01], Comcast BL000010, Orange OFR_999 */
} Patterns;

/* Collects rejections as they arrive and deduplicates them. */
typedef struct
{
  GPtrArray  *rejections;   /* MdRejection* */
  GHashTable *by_key;       /* "code|status|recipient" → index + 1 */
  GHashTable *by_code;      /* "code|status" → index + 1 of the first */
  GHashTable *by_recipient; /* "code|recipient" → index + 1 of the first */
  GCancellable *cancellable;
} Collector;

/* What the lines before a block said (an address line, "Receiving server:",
 * a transcript command). */
typedef struct
{
  const char  *recipient;   /* from the context (an address line before) */
  const char  *host;
  const char  *ip;
  MdSmtpStage  stage;
  const char  *generator;   /* Exchange's "Generating server:" */
} Context;

/* A reply found in a block: its code (0 when only a status was given), its
 * enhanced status and where it starts. */
typedef struct
{
  guint        code;
  char        *enhanced;
  const char  *start;     /* in the block */
  gboolean     quoted;
  gboolean     local;     /* Exchange's inner reply without a host: "< #5.7.133 smtp;550 …" */
} Reply;

/* Small text helpers, inline: every file needs them. */

static inline gboolean
is_ip_address (const char *s)
{
  guint dots = 0;

  if (s == NULL || *s == '\0' || !g_hostname_is_ip_address (s))
    return FALSE;
  if (strchr (s, ':') != NULL)
    return TRUE;
  /* "1.2" and other short forms are legal for inet_aton, not here. */
  for (const char *p = s; *p; p++)
    dots += *p == '.';

  return dots == 3;
}

/* A host name the user masked before pasting: "xxx.xxxxx.gmx.net",
 * "****.******.***". It names no server. */
static inline gboolean
is_masked_host (const char *host)
{
  const char *label = host;

  if (host == NULL)
    return FALSE;
  if (strchr (host, '*') != NULL)
    return TRUE;
  while (*label)
    {
      gsize len = strcspn (label, ".");
      gsize xs = 0;

      while (xs < len && (label[xs] == 'x' || label[xs] == 'X'))
        xs++;
      if (len >= 3 && xs == len)
        return TRUE;
      label += len;
      if (*label == '.')
        label++;
    }

  return FALSE;
}

static inline void
set_str (char       **field,
         const char  *value)
{
  if (*field == value)
    return;
  g_free (*field);
  *field = g_strdup (value);
}

static inline void
fill_str (char       **field,
          const char  *value)
{
  if (*field == NULL && value != NULL && *value != '\0')
    *field = g_strdup (value);
}

static inline gboolean
has_prefix_ci (const char *s,
               const char *prefix)
{
  return g_ascii_strncasecmp (s, prefix, strlen (prefix)) == 0;
}

/* Case-insensitive strstr for ASCII needles. Linear enough: the needles are
 * short and the haystacks bounded. */
#define ASCII_LOWER(c) ((c) >= 'A' && (c) <= 'Z' ? (c) + ('a' - 'A') : (c))

static inline const char *
find_ci (const char *haystack,
         const char *needle)
{
  gsize n = strlen (needle);
  char first = ASCII_LOWER (*needle);

  for (const char *p = haystack; *p; p++)
    if (ASCII_LOWER (*p) == first && g_ascii_strncasecmp (p, needle, n) == 0)
      return p;

  return NULL;
}

static inline gboolean
is_token_start (const char *s,
                const char *p)
{
  char c;

  if (p == s)
    return TRUE;
  c = p[-1];
  return c == ' ' || c == '\t' || c == ':' || c == ';' || c == '\'' || c == '"' ||
         c == '(' || c == '#' || c == '=' || c == '<' || c == '>' || c == '[' || c == ',' ||
         c == '`';
}

/* "550", "421": a reply code at @p, followed by a space, dash or the end. */
static inline guint
parse_code_at (const char *p)
{
  if (p[0] >= '2' && p[0] <= '5' && g_ascii_isdigit (p[1]) && g_ascii_isdigit (p[2]) &&
      (p[3] == ' ' || p[3] == '-' || p[3] == '\0' || p[3] == '\t' || p[3] == '\'' || p[3] == '"' ||
       (p[3] == ':' && p[4] == ' ')))
    return (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');

  return 0;
}

/* "5.7.511": an enhanced status code at @p; returns its length or 0. */
static inline gsize
parse_enhanced_at (const char *p)
{
  const char *q = p;
  int digits;

  if (*q != '2' && *q != '4' && *q != '5')
    return 0;
  q++;
  for (int part = 0; part < 2; part++)
    {
      if (*q != '.')
        return 0;
      q++;
      for (digits = 0; g_ascii_isdigit (*q) && digits < 4; digits++)
        q++;
      if (digits == 0 || digits > 3)
        return 0;
    }
  if (g_ascii_isalnum (*q) || (*q == '.' && g_ascii_isdigit (q[1])))
    return 0;

  return q - p;
}

static inline void
strip_trailing_dot (char *host)
{
  gsize len;

  if (host == NULL)
    return;
  len = strlen (host);
  while (len > 0 && host[len - 1] == '.')
    host[--len] = '\0';
}


const Patterns *md_rejection_patterns_get          (void);

void            md_rejection_collector_init        (Collector          *c,
                                                    GCancellable       *cancellable);
void            md_rejection_collector_clear       (Collector          *c);
/* The key two rejections share when they are the same one. */
char           *md_rejection_full_key              (const MdRejection  *r);
void            md_rejection_collector_add         (Collector          *c,
                                                    MdRejection        *r);
void            md_rejection_merge_into            (MdRejection        *into,
                                                    const MdRejection  *from);
void            md_rejection_strv_add_unique       (GStrv              *strv,
                                                    const char         *value);

void            md_rejection_detect_provider       (MdRejection        *r);
void            md_rejection_provider_from_host    (MdRejection        *r,
                                                    const char         *host);

gboolean        md_rejection_find_reply            (const char         *block,
                                                    gboolean            is_log,
                                                    Reply              *reply);
void            md_rejection_nested_reply          (Reply              *reply);
gsize           md_rejection_reply_length          (const char         *reply,
                                                    gboolean            quoted);

MdRejection    *md_rejection_from_block            (const char         *block,
                                                    gboolean            is_log,
                                                    const Context      *ctx);
MdSmtpStage     md_rejection_stage_from_word       (const char         *word);
char           *md_rejection_clean_reply           (const char         *reply,
                                                    guint               code,
                                                    const char         *enhanced);
void            md_rejection_find_references       (MdRejection        *r);
void            md_rejection_find_contacts         (MdRejection        *r);
void            md_rejection_find_blocked_ip       (MdRejection        *r);
gboolean        md_rejection_has_code_candidate    (const char         *s);
char           *md_rejection_extract_address       (const char         *s,
                                                    gsize               max);

gboolean        md_rejection_is_dsn_field_line     (const char         *line);
void            md_rejection_parse_dsn_lines       (Collector          *c,
                                                    const char * const *lines,
                                                    guint               n_lines);

char           *md_rejection_sanitize_line         (const char         *data,
                                                    gsize               len);
char           *md_rejection_normalize_line        (const char         *line);
gboolean        md_rejection_has_escaped_breaks    (const char         *line);
void            md_rejection_scan_text             (Collector          *c,
                                                    const char         *text,
                                                    gsize               len);
void            md_rejection_scan_dsn              (Collector          *c,
                                                    const char         *text,
                                                    gsize               len);

GPtrArray      *md_rejection_parse_message_object  (GMimeMessage       *message,
                                                    GCancellable       *cancellable,
                                                    guint               depth);

G_END_DECLS
