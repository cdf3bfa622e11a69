/* md-log-line.c — one mail log line: its MTA, time, kind and parts
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Hand-written rather than GRegex: this runs on every rejecting line of
 * logs of hundreds of megabytes, and the formats are fixed columns.
 */

/* memmem(): glibc's is vectorised. */
#define _GNU_SOURCE

#include "config.h"

#include <string.h>

#include "md-log-line.h"
#include "md-log-scan.h"

const MdLogNeedle md_log_needles[] = {
  { MD_LOG_FORMAT_POSTFIX, "status=bounced", 14 },
  { MD_LOG_FORMAT_POSTFIX, "status=deferred", 15 },
  { MD_LOG_FORMAT_EXIM, " ** ", 4 },
  { MD_LOG_FORMAT_EXIM, " == ", 4 },
  { MD_LOG_FORMAT_OPENSMTPD, "result=\"PermFail\"", 17 },
  { MD_LOG_FORMAT_OPENSMTPD, "result=\"TempFail\"", 17 },
};

const guint md_log_n_needles = G_N_ELEMENTS (md_log_needles);

/* Times are seconds in the log's own clock (no zone): a log names its
 * local time, and the days of the chart are the days the admin saw. */
static gint64
days_from_civil (gint64 y,
                 guint  m,
                 guint  d)
{
  /* Howard Hinnant's days_from_civil: exact for the proleptic Gregorian
   * calendar, without a GDateTime per log line. */
  gint64 era;
  guint yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = (guint) (y - era * 400);
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

  return era * 146097 + (gint64) doe - 719468;
}

static void
civil_from_days (gint64  z,
                 gint64 *y,
                 guint  *m,
                 guint  *d)
{
  gint64 era;
  guint doe, yoe, doy, mp;

  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = (guint) (z - era * 146097);
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (gint64) yoe + era * 400 + (*m <= 2);
}

char *
md_log_scan_format_time (gint64 seconds)
{
  gint64 days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
  gint64 rest = seconds - days * 86400;
  gint64 y;
  guint m, d;

  civil_from_days (days, &y, &m, &d);
  return g_strdup_printf ("%04" G_GINT64_FORMAT "-%02u-%02uT%02u:%02u:%02u", y, m, d,
                          (guint) (rest / 3600), (guint) (rest / 60 % 60), (guint) (rest % 60));
}

char *
md_log_format_day (guint32 day)
{
  gint64 y;
  guint m, d;

  civil_from_days (day, &y, &m, &d);
  return g_strdup_printf ("%04" G_GINT64_FORMAT "-%02u-%02u", y, m, d);
}

static gboolean
parse_digits (const char *p,
              const char *end,
              guint       n,
              guint      *value)
{
  guint v = 0;

  if ((gsize) (end - p) < n)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (p[i]))
        return FALSE;
      v = v * 10 + (guint) (p[i] - '0');
    }
  *value = v;
  return TRUE;
}

/* "2026-11-29T10:00:00" or "2026-11-29 10:00:00" (Exim); returns the end. */
static const char *
parse_iso (const char *p,
           const char *end,
           gint64     *seconds)
{
  guint y, mo, d, h, mi, s;

  if (!parse_digits (p, end, 4, &y) || end - p < 19 || p[4] != '-' ||
      !parse_digits (p + 5, end, 2, &mo) || p[7] != '-' || !parse_digits (p + 8, end, 2, &d) ||
      (p[10] != 'T' && p[10] != ' ') || !parse_digits (p + 11, end, 2, &h) || p[13] != ':' ||
      !parse_digits (p + 14, end, 2, &mi) || p[16] != ':' || !parse_digits (p + 17, end, 2, &s))
    return NULL;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
    return NULL;
  *seconds = days_from_civil (y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
  p += 19;
  /* Fraction and zone (+01:00, +0100, Z) are read past, not applied. */
  if (p < end && *p == '.')
    for (p++; p < end && g_ascii_isdigit (*p); p++)
      ;
  if (p < end && *p == 'Z')
    p++;
  else if (p < end && (*p == '+' || *p == '-') && end - p >= 5 && g_ascii_isdigit (p[1]))
    p += (end - p >= 6 && p[3] == ':') ? 6 : 5;
  return p;
}

/* "Nov 29 10:00:00" (syslog, journald short): the year comes from
 * @reference (the file's mtime), one year back when the date would lie
 * after it — a log written in January holds December's lines. */
static const char *
parse_syslog (const char *p,
              const char *end,
              gint64      reference,
              gint64     *seconds)
{
  static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  guint mo = 0, d, h, mi, s;
  gint64 y, t;
  guint rm, rd;

  if (end - p < 15 || p[3] != ' ')
    return NULL;
  for (guint i = 0; i < 12; i++)
    if (memcmp (months + i * 3, p, 3) == 0)
      mo = i + 1;
  if (mo == 0)
    return NULL;
  if (p[4] == ' ' && g_ascii_isdigit (p[5]))
    d = (guint) (p[5] - '0');
  else if (!parse_digits (p + 4, end, 2, &d))
    return NULL;
  if (p[6] != ' ' || !parse_digits (p + 7, end, 2, &h) || p[9] != ':' ||
      !parse_digits (p + 10, end, 2, &mi) || p[12] != ':' || !parse_digits (p + 13, end, 2, &s))
    return NULL;
  if (d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
    return NULL;

  civil_from_days (reference >= 0 ? reference / 86400 : 0, &y, &rm, &rd);
  t = days_from_civil (y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
  if (t > reference + 86400)
    t = days_from_civil (y - 1, mo, d) * 86400 + h * 3600 + mi * 60 + s;
  *seconds = t;
  p += 15;
  if (p < end && *p == '.')
    for (p++; p < end && g_ascii_isdigit (*p); p++)
      ;
  return p;
}

gboolean
md_log_scan_parse_date (const char *text,
                        gboolean    end_of_day,
                        gint64     *seconds)
{
  gsize len;
  guint y, m, d;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (seconds != NULL, FALSE);

  len = strlen (text);
  if (len >= 19 && parse_iso (text, text + len, seconds) != NULL)
    return TRUE;
  if (len != 10 || !parse_digits (text, text + len, 4, &y) || text[4] != '-' ||
      !parse_digits (text + 5, text + len, 2, &m) || text[7] != '-' ||
      !parse_digits (text + 8, text + len, 2, &d) || m < 1 || m > 12 || d < 1 || d > 31)
    return FALSE;
  *seconds = days_from_civil (y, m, d) * 86400 + (end_of_day ? 86399 : 0);
  return TRUE;
}

guint64
md_log_hash_bytes (const char *p,
                   gsize       len,
                   gboolean    fold)
{
  /* FNV-1a: short keys (queue ids, addresses), no allocation. */
  guint64 h = G_GUINT64_CONSTANT (14695981039346656037);

  for (gsize i = 0; i < len; i++)
    {
      guchar c = (guchar) p[i];

      h ^= fold && c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
      h *= G_GUINT64_CONSTANT (1099511628211);
    }
  return h != 0 ? h : 1;
}

/* Eight bytes a step, for the cache key of every rejecting line (hundreds
 * of bytes); the entry's bytes are compared on a hit, so a collision only
 * costs a parse. */
guint64
md_log_hash_words (guint64     h,
                   const char *p,
                   gsize       len)
{
  const guint64 k = G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  gsize i = 0;

  for (; i + 8 <= len; i += 8)
    {
      guint64 w;

      memcpy (&w, p + i, 8);
      h = (h ^ w) * k;
      h ^= h >> 29;
    }
  for (; i < len; i++)
    {
      h = (h ^ (guchar) p[i]) * k;
      h ^= h >> 29;
    }
  return h != 0 ? h : 1;
}

/* Counts newlines eight bytes at a time: the one pass over every byte,
 * which must not be the slow part of the scan. */
guint64
md_log_count_newlines (const char *p,
                       gsize       len)
{
  const guint64 ones = G_GUINT64_CONSTANT (0x0101010101010101);
  const guint64 low7 = G_GUINT64_CONSTANT (0x7f7f7f7f7f7f7f7f);
  guint64 n = 0;
  gsize i = 0;

  while (i + 8 <= len)
    {
      /* One counter per byte lane, summed every 255 words before a lane
       * could overflow: no popcount instruction needed. */
      guint64 lanes = 0;

      for (guint k = 0; k < 255 && i + 8 <= len; k++, i += 8)
        {
          guint64 x, t;

          memcpy (&x, p + i, 8);
          x ^= ones * '\n';
          /* Exact zero-byte test (no carries between bytes). */
          t = ~(((x & low7) + low7) | x | low7);
          lanes += t >> 7;
        }
      /* Bytes to 16-bit lanes (each at most 510), then their sum (at most 2040). */
      lanes = (lanes & G_GUINT64_CONSTANT (0x00ff00ff00ff00ff)) +
              ((lanes >> 8) & G_GUINT64_CONSTANT (0x00ff00ff00ff00ff));
      n += (lanes * G_GUINT64_CONSTANT (0x0001000100010001)) >> 48;
    }
  for (; i < len; i++)
    n += p[i] == '\n';
  return n;
}

/* NUL bytes, or more than one byte in ten a control character that text
 * does not use: an executable, an image, a database. */
gboolean
md_log_looks_binary (const char *p,
                     gsize       len)
{
  gsize controls = 0;

  for (gsize i = 0; i < len; i++)
    {
      guchar c = (guchar) p[i];

      if (c == 0)
        return TRUE;
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1b) || c == 0x7f)
        controls++;
    }
  return controls * 10 > len;
}

MdLogFormat
md_log_sniff_format (const char *p,
                     gsize       len)
{
  MdLogFormat format = 0;

  if (memmem (p, len, "postfix", 7) != NULL)
    format |= MD_LOG_FORMAT_POSTFIX;
  if (memmem (p, len, " <= ", 4) != NULL || memmem (p, len, " => ", 4) != NULL ||
      memmem (p, len, " ** ", 4) != NULL || memmem (p, len, " == ", 4) != NULL)
    format |= MD_LOG_FORMAT_EXIM;
  if (memmem (p, len, "smtpd[", 6) != NULL && memmem (p, len, " postfix", 8) == NULL)
    format |= MD_LOG_FORMAT_OPENSMTPD;
  if (memmem (p, len, " mta ", 5) != NULL || memmem (p, len, "smtp-out", 8) != NULL)
    format |= MD_LOG_FORMAT_OPENSMTPD;
  /* Nothing recognisable yet (a journal that starts with other services):
   * look for everything. */
  return format != 0 ? format : MD_LOG_FORMAT_ALL;
}

static const char *
find (const char *p,
      const char *end,
      const char *needle)
{
  return memmem (p, (gsize) (end - p), needle, strlen (needle));
}

/* "mailserver-1  | Nov 29 …" (docker compose logs) */
static const char *
skip_compose_prefix (const char *p,
                     const char *end)
{
  const char *q = p;

  while (q < end && (g_ascii_isalnum (*q) || *q == '-' || *q == '_' || *q == '.'))
    q++;
  if (q == p || q >= end || *q != ' ')
    return p;
  while (q < end && *q == ' ')
    q++;
  if (q + 1 < end && q[0] == '|' && q[1] == ' ')
    return q + 2;
  return p;
}

static const char *
skip_token (const char *p,
            const char *end)
{
  while (p < end && *p != ' ')
    p++;
  return p;
}


gboolean
md_log_line_read (const char *line,
                  const char *end,
                  gint64      reference,
                  MdLogLine  *out)
{
  const char *p = skip_compose_prefix (line, end);
  const char *q, *after_time;

  memset (out, 0, sizeof *out);

  after_time = parse_iso (p, end, &out->time);
  if (after_time == NULL)
    after_time = parse_syslog (p, end, reference, &out->time);
  if (after_time == NULL)
    {
      out->time = 0;
      after_time = p;
    }

  /* ", status=": a message id or subject naming the word is not a status. */
  if ((q = find (after_time, end, ", status=bounced")) != NULL ||
      (q = find (after_time, end, ", status=deferred")) != NULL)
    {
      const char *colon;

      q += 2;
      out->kind = q[7] == 'b' ? MD_LOG_KIND_BOUNCE : MD_LOG_KIND_DEFER;
      /* "postfix/smtp[4567]: 8C1F6A0312: to=<…>" */
      if ((colon = find (after_time, q, "]: ")) != NULL)
        {
          const char *id = colon + 3, *e = id;

          while (e < q && g_ascii_isalnum (*e))
            e++;
          if (e < q && *e == ':' && e > id)
            {
              out->qid = id;
              out->qid_len = (gsize) (e - id);
            }
        }
      if ((p = find (after_time, end, "to=<")) != NULL)
        {
          out->rcpt = p + 4;
          for (p = out->rcpt; p < end && *p != '>'; p++)
            ;
          out->rcpt_len = (gsize) (p - out->rcpt);
        }
      if ((p = find (after_time, end, " dsn=")) != NULL)
        {
          out->dsn = p + 5;
          for (p = out->dsn; p < end && *p != ',' && *p != ' '; p++)
            ;
          out->dsn_len = (gsize) (p - out->dsn);
          out->key = out->dsn;
        }
      else
        out->key = q;
      out->key_len = (gsize) (end - out->key);
      return TRUE;
    }

  if ((q = find (after_time, end, "result=\"PermFail\"")) != NULL ||
      (q = find (after_time, end, "result=\"TempFail\"")) != NULL)
    {
      out->kind = q[8] == 'P' ? MD_LOG_KIND_BOUNCE : MD_LOG_KIND_DEFER;
      if ((p = find (after_time, end, "evpid=")) != NULL && end - p >= 14)
        {
          /* The envelope id's upper half is the message id. */
          out->qid = p + 6;
          out->qid_len = 8;
        }
      if ((p = find (after_time, end, " to=<")) != NULL)
        {
          out->rcpt = p + 5;
          for (p = out->rcpt; p < end && *p != '>'; p++)
            ;
          out->rcpt_len = (gsize) (p - out->rcpt);
        }
      /* The delay differs on every line, the relay and the reply do not:
       * the key runs from the relay, and the result follows the delay. */
      p = find (after_time, end, " relay=\"");
      out->key = p != NULL ? p : q;
      out->key_len = (gsize) (end - out->key);
      return TRUE;
    }

  /* Exim: "2026-11-29 10:00:00 [pid] 1t9Xa1-0000AA-11 ** user@x R=…" */
  if (after_time != p)
    {
      q = after_time;
      while (q < end && *q == ' ')
        q++;
      if (q < end && *q == '[')
        q = skip_token (q, end) + 1;
      if (q < end && memchr (q, '-', (gsize) (skip_token (q, end) - q)) != NULL)
        {
          const char *id = q;

          q = skip_token (q, end);
          if (end - q >= 4 && q[0] == ' ' && ((q[1] == '*' && q[2] == '*') ||
                                               (q[1] == '=' && q[2] == '=')) && q[3] == ' ')
            {
              out->kind = q[1] == '*' ? MD_LOG_KIND_BOUNCE : MD_LOG_KIND_DEFER;
              out->qid = id;
              out->qid_len = (gsize) (q - id);
              out->rcpt = q + 4;
              out->rcpt_len = (gsize) (skip_token (out->rcpt, end) - out->rcpt);
              p = find (q, end, " R=");
              out->key = p != NULL ? p : q;
              out->key_len = (gsize) (end - out->key);
              return TRUE;
            }
        }
    }

  return FALSE;
}
