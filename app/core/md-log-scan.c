/* md-log-scan.c — every rejection in a mail server's logs, grouped
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is read in bounded chunks and never held whole: memory depends
 * on the number of groups and distinct values, not on the input's size. A
 * chunk is searched with memmem() for the few strings that mark a rejecting
 * line of the MTAs we read; only those lines are cut out, and the rejection
 * parser runs once per distinct reply text (a cache), because a server
 * rejecting us repeats the same reply for every recipient.
 */

/* memmem() and memrchr(): glibc's are vectorised, and the prefilter is the
 * one part of the scan that sees every byte. */
#define _GNU_SOURCE

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "md-knowledge.h"
#include "md-log-scan.h"
#include "md-rejection-parser.h"

#define CHUNK_SIZE ((gsize) 1024 * 1024)
/* Distinct recipients and messages are kept as 64-bit hashes in open
 * addressing sets; past this many in all, new values are no longer told
 * apart (and the report says so) so that memory stays bounded. */
#define MAX_DISTINCT ((guint64) 1 << 20)
/* Distinct reply texts parsed and kept, and the bytes they may take: the
 * cache starts over when either is reached. */
#define MAX_CACHED 4096
#define MAX_CACHED_BYTES ((gsize) 8 * 1024 * 1024)
/* The first bytes of an input that decide what it is. */
#define SNIFF_SIZE 4096

typedef enum
{
  FORMAT_POSTFIX   = 1 << 0,
  FORMAT_EXIM      = 1 << 1,
  FORMAT_OPENSMTPD = 1 << 2,
  FORMAT_ALL       = FORMAT_POSTFIX | FORMAT_EXIM | FORMAT_OPENSMTPD,
} Format;

typedef enum
{
  KIND_NONE,
  KIND_BOUNCE,
  KIND_DEFER,
} Kind;

static const struct
{
  Format      format;
  const char *needle;
  gsize       len;
} needles[] = {
  { FORMAT_POSTFIX, "status=bounced", 14 },
  { FORMAT_POSTFIX, "status=deferred", 15 },
  { FORMAT_EXIM, " ** ", 4 },
  { FORMAT_EXIM, " == ", 4 },
  { FORMAT_OPENSMTPD, "result=\"PermFail\"", 17 },
  { FORMAT_OPENSMTPD, "result=\"TempFail\"", 17 },
};

typedef struct
{
  GFile        *file;
  GInputStream *stream;
  char         *name;
  guint64       size;
  gint64        reference;   /* the mtime (or now) in the log's clock: year-less dates */
} Input;

typedef struct
{
  guint64 *slots;
  guint64  capacity;   /* a power of two, or 0 */
  guint64  n;
} DistinctSet;

typedef struct
{
  MdLogScanGroup  public;
  char           *key;
  DistinctSet     recipients;
  GString        *latest;       /* the latest line, reused: no allocation per line */
} Group;

/* What one reply text (and recipient domain) parsed to, and its group. */
typedef struct
{
  guint64      hash;
  char        *key;
  gsize        key_len;
  MdRejection *rejection;      /* NULL: the parser found nothing */
  Group       *group;
} CacheEntry;

struct _MdLogScanner
{
  GObject    parent_instance;

  GPtrArray *inputs;
  gint64     since;
  gint64     until;
};

G_DEFINE_FINAL_TYPE (MdLogScanner, md_log_scanner, G_TYPE_OBJECT)
G_DEFINE_QUARK (md-log-scan-error-quark, md_log_scan_error)
G_DEFINE_BOXED_TYPE (MdLogScanReport, md_log_scan_report,
                     md_log_scan_report_ref, md_log_scan_report_unref)

/* One run's state; lives in the scanning thread. */
typedef struct
{
  MdLogScanner     *scanner;
  GHashTable       *groups;        /* key → Group* (owned by group_list) */
  GPtrArray        *group_list;
  GHashTable       *cache;         /* &CacheEntry.hash → CacheEntry* */
  gsize             cache_bytes;
  DistinctSet       messages;
  guint64           n_distinct;
  gboolean          distinct_full;
  GPtrArray        *warnings;
  MdLogScanReport  *report;
  GArray           *starts;
  const Input      *input;
} Run;

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

static char *
format_day (guint32 day)
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

static guint64
hash_bytes (const char *p,
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
static guint64
hash_words (guint64     h,
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

/* Returns TRUE when @h was new. */
static gboolean
distinct_add (Run         *run,
              DistinctSet *set,
              guint64      h)
{
  guint64 mask, i;

  if (set->capacity != 0)
    {
      mask = set->capacity - 1;
      for (i = h & mask; set->slots[i] != 0; i = (i + 1) & mask)
        if (set->slots[i] == h)
          return FALSE;
    }
  if (run->n_distinct >= MAX_DISTINCT)
    {
      run->distinct_full = TRUE;
      return FALSE;
    }
  if ((set->n + 1) * 2 > set->capacity)
    {
      guint64 capacity = MAX (set->capacity * 2, 64);
      guint64 *slots = g_new0 (guint64, capacity);

      for (guint64 j = 0; j < set->capacity; j++)
        if (set->slots[j] != 0)
          {
            guint64 k;
            for (k = set->slots[j] & (capacity - 1); slots[k] != 0; k = (k + 1) & (capacity - 1))
              ;
            slots[k] = set->slots[j];
          }
      g_free (set->slots);
      set->slots = slots;
      set->capacity = capacity;
    }
  mask = set->capacity - 1;
  for (i = h & mask; set->slots[i] != 0; i = (i + 1) & mask)
    ;
  set->slots[i] = h;
  set->n++;
  run->n_distinct++;
  return TRUE;
}

static void
cache_entry_free (CacheEntry *entry)
{
  g_free (entry->key);
  g_clear_pointer (&entry->rejection, md_rejection_free);
  g_free (entry);
}

static void
group_free (Group *group)
{
  g_free (group->key);
  if (group->latest != NULL)
    g_string_free (group->latest, TRUE);
  g_free (group->recipients.slots);
  g_free (group->public.receiver);
  g_free (group->public.service);
  g_free (group->public.enhanced_status);
  g_free (group->public.blocked_ip);
  g_clear_pointer (&group->public.per_day, g_array_unref);
  g_free (group->public.explanation_id);
  g_free (group->public.sample);
  g_clear_pointer (&group->public.sample_rejection, md_rejection_free);
  g_free (group);
}

static void
input_free (Input *input)
{
  g_clear_object (&input->file);
  g_clear_object (&input->stream);
  g_free (input->name);
  g_free (input);
}

MdLogScanReport *
md_log_scan_report_ref (MdLogScanReport *report)
{
  g_return_val_if_fail (report != NULL, NULL);
  return g_atomic_rc_box_acquire (report);
}

static void
report_clear (MdLogScanReport *report)
{
  g_strfreev (report->files);
  g_clear_pointer (&report->groups, g_ptr_array_unref);
  g_strfreev (report->warnings);
}

void
md_log_scan_report_unref (MdLogScanReport *report)
{
  g_atomic_rc_box_release_full (report, (GDestroyNotify) report_clear);
}

static void
add_warning (Run        *run,
             const char *format,
             ...) G_GNUC_PRINTF (2, 3);

static void
add_warning (Run        *run,
             const char *format,
             ...)
{
  va_list args;
  char *message;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_strdelimit (message, "\r\n", ' ');
  g_ptr_array_add (run->warnings, message);
}

static void
warn_long_line (Run *run)
{
  g_autofree char *line = g_strdup_printf ("%" G_GUINT64_FORMAT, run->report->lines + 1);

  /* Translators: a file name, a line number, and a size in KiB. */
  add_warning (run, _("“%s”, line %s: a line longer than %u KiB was skipped (not a log line)"),
               run->input->name, line, (guint) (MD_LOG_SCAN_MAX_LINE / 1024));
}

/* Counts newlines eight bytes at a time: the one pass over every byte,
 * which must not be the slow part of the scan. */
static guint64
count_newlines (const char *p,
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
static gboolean
looks_binary (const char *p,
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

static Format
sniff_format (const char *p,
              gsize       len)
{
  Format format = 0;

  if (memmem (p, len, "postfix", 7) != NULL)
    format |= FORMAT_POSTFIX;
  if (memmem (p, len, " <= ", 4) != NULL || memmem (p, len, " => ", 4) != NULL ||
      memmem (p, len, " ** ", 4) != NULL || memmem (p, len, " == ", 4) != NULL)
    format |= FORMAT_EXIM;
  if (memmem (p, len, "smtpd[", 6) != NULL && memmem (p, len, " postfix", 8) == NULL)
    format |= FORMAT_OPENSMTPD;
  if (memmem (p, len, " mta ", 5) != NULL || memmem (p, len, "smtp-out", 8) != NULL)
    format |= FORMAT_OPENSMTPD;
  /* Nothing recognisable yet (a journal that starts with other services):
   * look for everything. */
  return format != 0 ? format : FORMAT_ALL;
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

typedef struct
{
  Kind        kind;
  gint64      time;          /* 0: no timestamp read */
  const char *qid;
  gsize       qid_len;
  const char *rcpt;
  gsize       rcpt_len;
  const char *key;           /* the part of the line that the parse depends on */
  gsize       key_len;
  const char *dsn;           /* Postfix dsn= */
  gsize       dsn_len;
} Line;

static gboolean
read_line (const char *line,
           const char *end,
           gint64      reference,
           Line       *out)
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
      out->kind = q[7] == 'b' ? KIND_BOUNCE : KIND_DEFER;
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
      out->kind = q[8] == 'P' ? KIND_BOUNCE : KIND_DEFER;
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
              out->kind = q[1] == '*' ? KIND_BOUNCE : KIND_DEFER;
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

static Group *
lookup_group (Run               *run,
              const MdRejection *r,
              const char        *dsn)
{
  const char *receiver = r ? r->provider : NULL;
  const char *service = r ? r->service : NULL;
  guint code = r ? r->smtp_code : 0;
  const char *enhanced = r && r->enhanced_status ? r->enhanced_status : dsn;
  const char *ip = r ? r->blocked_ip : NULL;
  g_autofree char *key = NULL;
  Group *group;

  key = g_strdup_printf ("%s\x1f%s\x1f%u\x1f%s\x1f%s", receiver ? receiver : "",
                         service ? service : "", code, enhanced ? enhanced : "", ip ? ip : "");
  group = g_hash_table_lookup (run->groups, key);
  if (group != NULL)
    return group;

  if (run->group_list->len >= MD_LOG_SCAN_MAX_GROUPS)
    {
      /* Bounded: the rest of this receiver's codes share one group. */
      g_free (key);
      key = g_strdup_printf ("%s\x1f%s\x1f" "0\x1f\x1f", receiver ? receiver : "",
                             service ? service : "");
      group = g_hash_table_lookup (run->groups, key);
      if (group != NULL)
        return group;
      code = 0;
      enhanced = NULL;
      ip = NULL;
    }

  group = g_new0 (Group, 1);
  group->key = g_steal_pointer (&key);
  group->public.receiver = g_strdup (receiver);
  group->public.service = g_strdup (service);
  group->public.smtp_code = code;
  group->public.enhanced_status = g_strdup (enhanced);
  group->public.blocked_ip = g_strdup (ip);
  group->public.per_day = g_array_new (FALSE, FALSE, sizeof (MdLogScanDay));
  g_hash_table_insert (run->groups, group->key, group);
  g_ptr_array_add (run->group_list, group);
  return group;
}

static void
add_day (GArray  *per_day,
         guint32  day)
{
  guint i = per_day->len;
  MdLogScanDay entry = { day, 1 };

  /* Logs run forward in time: the day is almost always the last one. */
  while (i > 0 && g_array_index (per_day, MdLogScanDay, i - 1).day > day)
    i--;
  if (i > 0 && g_array_index (per_day, MdLogScanDay, i - 1).day == day)
    g_array_index (per_day, MdLogScanDay, i - 1).count++;
  else
    g_array_insert_val (per_day, i, entry);
}

static void
process_line (Run        *run,
              const char *line,
              const char *end)
{
  MdLogScanReport *report = run->report;
  const char *domain;
  gsize domain_len;
  CacheEntry *entry;
  guint64 hash;
  Group *group;
  Line info;

  if (end > line && end[-1] == '\r')
    end--;
  if ((gsize) (end - line) > MD_LOG_SCAN_MAX_LINE)
    {
      report->long_lines++;
      return;
    }
  if (!read_line (line, end, run->input->reference, &info))
    return;
  if ((run->scanner->since != 0 || run->scanner->until != 0) &&
      (info.time == 0 ||
       (run->scanner->since != 0 && info.time < run->scanner->since) ||
       (run->scanner->until != 0 && info.time > run->scanner->until)))
    return;

  /* The recipient's domain is part of the key: the parser may read the
   * receiver from it. */
  domain = info.rcpt != NULL ? memchr (info.rcpt, '@', info.rcpt_len) : NULL;
  domain_len = domain != NULL ? (gsize) (info.rcpt + info.rcpt_len - domain) : 0;
  hash = hash_words (hash_words (17, domain, domain_len), info.key, info.key_len);
  entry = g_hash_table_lookup (run->cache, &hash);
  if (entry == NULL || entry->key_len != domain_len + info.key_len ||
      memcmp (entry->key, domain, domain_len) != 0 ||
      memcmp (entry->key + domain_len, info.key, info.key_len) != 0)
    {
      g_autofree char *text = g_utf8_make_valid (line, end - line);
      g_autoptr(GPtrArray) found = md_rejection_parse_text (text);
      const MdRejection *first = found != NULL && found->len > 0
                                 ? g_ptr_array_index (found, 0) : NULL;
      g_autofree char *dsn = info.dsn != NULL ? g_strndup (info.dsn, info.dsn_len) : NULL;
      /* Roughly what the entry holds: the key, the text, the small fields. */
      gsize bytes = domain_len + info.key_len + (first && first->text ? strlen (first->text) : 0)
                    + 512;

      if (entry != NULL)
        g_hash_table_remove (run->cache, &hash);
      if (g_hash_table_size (run->cache) >= MAX_CACHED ||
          run->cache_bytes + bytes > MAX_CACHED_BYTES)
        {
          g_hash_table_remove_all (run->cache);
          run->cache_bytes = 0;
        }
      entry = g_new0 (CacheEntry, 1);
      entry->hash = hash;
      entry->key_len = domain_len + info.key_len;
      entry->key = g_malloc (entry->key_len + 1);
      if (domain_len > 0)
        memcpy (entry->key, domain, domain_len);
      memcpy (entry->key + domain_len, info.key, info.key_len);
      entry->key[entry->key_len] = '\0';
      entry->rejection = first != NULL ? md_rejection_copy (first) : NULL;
      /* The group follows from the parse (and dsn=, which is in the key). */
      entry->group = lookup_group (run, entry->rejection, dsn);
      g_hash_table_insert (run->cache, &entry->hash, entry);
      run->cache_bytes += bytes;
    }
  group = entry->group;

  report->rejections++;
  group->public.count++;
  if (info.kind == KIND_BOUNCE)
    {
      report->bounced++;
      group->public.bounced++;
    }
  else
    {
      report->deferred++;
      group->public.deferred++;
    }
  if (info.qid != NULL && distinct_add (run, &run->messages, hash_bytes (info.qid, info.qid_len, FALSE)))
    report->messages++;
  if (info.rcpt != NULL && info.rcpt_len > 0 &&
      distinct_add (run, &group->recipients, hash_bytes (info.rcpt, info.rcpt_len, TRUE)))
    group->public.recipients++;

  if (info.time != 0)
    {
      if (report->first_seen == 0 || info.time < report->first_seen)
        report->first_seen = info.time;
      if (info.time > report->last_seen)
        report->last_seen = info.time;
      if (group->public.first_seen == 0 || info.time < group->public.first_seen)
        group->public.first_seen = info.time;
      add_day (group->public.per_day, (guint32) (info.time / 86400));
    }
  if (group->latest == NULL || info.time >= group->public.last_seen)
    {
      if (group->latest == NULL)
        group->latest = g_string_sized_new ((gsize) (end - line) + 1);
      g_string_truncate (group->latest, 0);
      g_string_append_len (group->latest, line, end - line);
      group->public.last_seen = MAX (group->public.last_seen, info.time);
    }
}

static int
compare_offsets (gconstpointer a,
                 gconstpointer b)
{
  gsize x = *(const gsize *) a, y = *(const gsize *) b;

  return x < y ? -1 : x > y;
}

/* @p … @end holds whole lines. */
static void
process_region (Run        *run,
                Format      format,
                const char *p,
                const char *end)
{
  gsize last = G_MAXSIZE;

  run->report->lines += count_newlines (p, (gsize) (end - p));

  g_array_set_size (run->starts, 0);
  for (guint i = 0; i < G_N_ELEMENTS (needles); i++)
    {
      const char *hit = p;

      if ((needles[i].format & format) == 0)
        continue;
      while ((hit = memmem (hit, (gsize) (end - hit), needles[i].needle, needles[i].len)) != NULL)
        {
          const char *start = memrchr (p, '\n', (gsize) (hit - p));
          const char *stop = memchr (hit, '\n', (gsize) (end - hit));
          gsize offset = start != NULL ? (gsize) (start + 1 - p) : 0;

          g_array_append_val (run->starts, offset);
          hit = stop != NULL ? stop + 1 : end;
        }
    }
  if (run->starts->len > 1)
    g_array_sort (run->starts, compare_offsets);

  for (guint i = 0; i < run->starts->len; i++)
    {
      gsize offset = g_array_index (run->starts, gsize, i);
      const char *line = p + offset;
      const char *stop;

      if (offset == last)
        continue;
      last = offset;
      stop = memchr (line, '\n', (gsize) (end - line));
      process_line (run, line, stop != NULL ? stop : end);
    }
}

static GInputStream *
open_input (const Input   *input,
            GCancellable  *cancellable,
            GInputStream **base_out,
            gboolean      *gzip,
            GError       **error)
{
  g_autoptr(GInputStream) base = NULL;
  g_autoptr(GInputStream) buffered = NULL;
  g_autoptr(GError) local_error = NULL;
  const guint8 *head;
  gsize n = 0;

  if (input->stream != NULL)
    base = g_object_ref (input->stream);
  else
    base = G_INPUT_STREAM (g_file_read (input->file, cancellable, &local_error));
  if (base == NULL)
    {
      g_set_error (error, MD_LOG_SCAN_ERROR, MD_LOG_SCAN_ERROR_UNREADABLE,
                   _("Cannot read “%s”: %s"), input->name, local_error->message);
      return NULL;
    }

  buffered = g_buffered_input_stream_new_sized (base, 64 * 1024);
  while (g_buffered_input_stream_get_available (G_BUFFERED_INPUT_STREAM (buffered)) < 6)
    {
      gssize got = g_buffered_input_stream_fill (G_BUFFERED_INPUT_STREAM (buffered), 6,
                                                 cancellable, &local_error);
      if (got < 0)
        {
          g_set_error (error, MD_LOG_SCAN_ERROR, MD_LOG_SCAN_ERROR_UNREADABLE,
                       _("Cannot read “%s”: %s"), input->name, local_error->message);
          return NULL;
        }
      if (got == 0)
        break;
    }
  head = g_buffered_input_stream_peek_buffer (G_BUFFERED_INPUT_STREAM (buffered), &n);

  *gzip = n >= 2 && head[0] == 0x1f && head[1] == 0x8b;
  /* xz and zstd would need liblzma/libzstd in the engine and the Flatpak
   * for what logrotate does not write by default; a pipe reads them. */
  if ((n >= 6 && memcmp (head, "\xfd" "7zXZ" "\0", 6) == 0) ||
      (n >= 4 && memcmp (head, "\x28" "\xb5" "\x2f" "\xfd", 4) == 0) ||
      (n >= 3 && memcmp (head, "BZh", 3) == 0))
    {
      g_set_error (error, MD_LOG_SCAN_ERROR, MD_LOG_SCAN_ERROR_BINARY,
                   _("“%s” is compressed in a format MailDoctor does not read (only gzip): "
                     "decompress it and scan the result, for example “xzcat FILE | "
                     "maildoctor-cli scan -”"), input->name);
      return NULL;
    }

  *base_out = g_object_ref (base);
  if (*gzip)
    {
      g_autoptr(GZlibDecompressor) decompressor =
        g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
      return g_converter_input_stream_new (buffered, G_CONVERTER (decompressor));
    }
  return g_steal_pointer (&buffered);
}

static guint64
base_position (GInputStream *base)
{
  if (G_IS_SEEKABLE (base) && g_seekable_can_seek (G_SEEKABLE (base)))
    return (guint64) MAX (0, g_seekable_tell (G_SEEKABLE (base)));
  return 0;
}

static gboolean
scan_input (Run                    *run,
            char                   *buffer,
            guint64                 done_before,
            guint64                 total,
            GCancellable           *cancellable,
            MdLogScanProgressFunc   progress,
            gpointer                progress_data,
            GError                **error)
{
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GInputStream) base = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean gzip = FALSE;
  gboolean first = TRUE;
  gboolean skipping = FALSE;
  Format format = FORMAT_ALL;
  gsize len = 0;

  stream = open_input (run->input, cancellable, &base, &gzip, error);
  if (stream == NULL)
    return FALSE;

  for (;;)
    {
      gssize got;
      const char *last_nl;
      gsize start = 0;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      got = g_input_stream_read (stream, buffer + len, CHUNK_SIZE - len, cancellable,
                                 &local_error);
      if (got < 0)
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          if (gzip)
            {
              /* A truncated or damaged archive: what was read counts. */
              add_warning (run, _("“%s” is cut short or damaged (%s): the results hold what "
                                  "was read before that point"),
                           run->input->name, local_error->message);
              break;
            }
          g_set_error (error, MD_LOG_SCAN_ERROR, MD_LOG_SCAN_ERROR_UNREADABLE,
                       _("Cannot read “%s”: %s"), run->input->name, local_error->message);
          return FALSE;
        }
      if (got == 0)
        break;

      if (first)
        {
          gsize sniff = MIN ((gsize) got, SNIFF_SIZE);

          if (looks_binary (buffer, sniff))
            {
              g_set_error (error, MD_LOG_SCAN_ERROR, MD_LOG_SCAN_ERROR_BINARY,
                           _("“%s” is not a text log (it holds binary data)"),
                           run->input->name);
              return FALSE;
            }
          format = sniff_format (buffer, (gsize) got);
          first = FALSE;
        }
      len += (gsize) got;

      last_nl = memrchr (buffer, '\n', len);
      if (last_nl == NULL)
        {
          if (len >= MD_LOG_SCAN_MAX_LINE)
            {
              if (!skipping)
                {
                  run->report->long_lines++;
                  warn_long_line (run);
                }
              skipping = TRUE;
              len = 0;
            }
          continue;
        }

      if (skipping)
        {
          const char *nl = memchr (buffer, '\n', len);
          start = (gsize) (nl + 1 - buffer);
          run->report->lines++;
          skipping = FALSE;
        }
      if ((gsize) (last_nl + 1 - buffer) > start)
        process_region (run, format, buffer + start, last_nl + 1);

      len = (gsize) (buffer + len - (last_nl + 1));
      memmove (buffer, last_nl + 1, len);
      if (len >= MD_LOG_SCAN_MAX_LINE)
        {
          run->report->long_lines++;
          warn_long_line (run);
          skipping = TRUE;
          len = 0;
        }

      if (progress != NULL)
        progress (done_before + base_position (base), total, progress_data);
    }

  if (skipping)
    run->report->lines++;
  else if (len > 0)
    {
      /* The last line had no newline. */
      buffer[len] = '\n';
      process_region (run, format, buffer, buffer + len + 1);
    }

  return TRUE;
}

static int
compare_groups (gconstpointer a,
                gconstpointer b)
{
  const MdLogScanGroup *x = *(MdLogScanGroup * const *) a;
  const MdLogScanGroup *y = *(MdLogScanGroup * const *) b;

  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  if (x->last_seen != y->last_seen)
    return x->last_seen > y->last_seen ? -1 : 1;
  return g_strcmp0 (x->receiver, y->receiver);
}

static void
report_explain (MdLogScanReport *report)
{
  MdKnowledge *knowledge = md_knowledge_get_default ();

  for (guint i = 0; i < report->groups->len; i++)
    {
      MdLogScanGroup *group = g_ptr_array_index (report->groups, i);
      g_autoptr(MdExplanation) explanation = NULL;

      if (knowledge == NULL || group->sample_rejection == NULL || group->explanation_id != NULL)
        continue;
      explanation = md_knowledge_explain (knowledge, group->sample_rejection);
      if (explanation != NULL)
        group->explanation_id = g_strdup (explanation->id);
    }
}

static void
md_log_scanner_finalize (GObject *object)
{
  MdLogScanner *self = (MdLogScanner *) object;

  g_clear_pointer (&self->inputs, g_ptr_array_unref);

  G_OBJECT_CLASS (md_log_scanner_parent_class)->finalize (object);
}

static void
md_log_scanner_class_init (MdLogScannerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = md_log_scanner_finalize;
}

static void
md_log_scanner_init (MdLogScanner *self)
{
  self->inputs = g_ptr_array_new_with_free_func ((GDestroyNotify) input_free);
}

MdLogScanner *
md_log_scanner_new (void)
{
  return g_object_new (MD_TYPE_LOG_SCANNER, NULL);
}

static gint64
local_clock (gint64 unix_time)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);
  g_autoptr(GDateTime) local = utc ? g_date_time_to_local (utc) : NULL;

  if (local == NULL)
    return unix_time;
  return unix_time + g_date_time_get_utc_offset (local) / G_TIME_SPAN_SECOND;
}

void
md_log_scanner_add_file (MdLogScanner *self,
                         GFile        *file)
{
  g_autoptr(GFileInfo) info = NULL;
  Input *input;

  g_return_if_fail (MD_IS_LOG_SCANNER (self));
  g_return_if_fail (G_IS_FILE (file));

  input = g_new0 (Input, 1);
  input->file = g_object_ref (file);
  input->name = g_file_get_parse_name (file);
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                            G_FILE_ATTRIBUTE_TIME_MODIFIED, G_FILE_QUERY_INFO_NONE, NULL, NULL);
  if (info != NULL)
    {
      input->size = (guint64) g_file_info_get_size (info);
      input->reference = local_clock ((gint64) g_file_info_get_attribute_uint64 (
                                        info, G_FILE_ATTRIBUTE_TIME_MODIFIED));
    }
  else
    input->reference = local_clock (g_get_real_time () / G_USEC_PER_SEC);
  g_ptr_array_add (self->inputs, input);
}

void
md_log_scanner_add_stream (MdLogScanner *self,
                           GInputStream *stream,
                           const char   *name)
{
  Input *input;

  g_return_if_fail (MD_IS_LOG_SCANNER (self));
  g_return_if_fail (G_IS_INPUT_STREAM (stream));

  input = g_new0 (Input, 1);
  input->stream = g_object_ref (stream);
  input->name = g_strdup (name ? name : "-");
  input->reference = local_clock (g_get_real_time () / G_USEC_PER_SEC);
  g_ptr_array_add (self->inputs, input);
}

void
md_log_scanner_set_range (MdLogScanner *self,
                          gint64        since,
                          gint64        until)
{
  g_return_if_fail (MD_IS_LOG_SCANNER (self));

  self->since = since;
  self->until = until;
}

/* "mail.log.2.gz" → stem "mail.log", rotation 2; "mail.log-20261129" →
 * stem "mail.log", date suffix; "mail.log" → rotation 0 (the live file). */
static void
rotation_of (const char  *name,
             char       **stem,
             gint64      *rank)
{
  g_autofree char *base = g_path_get_basename (name);
  gsize len = strlen (base);
  const char *p;

  if (len > 3 && g_str_has_suffix (base, ".gz"))
    base[len -= 3] = '\0';
  p = strrchr (base, '.');
  if (p != NULL && p[1] != '\0' && strspn (p + 1, "0123456789") == strlen (p + 1))
    {
      *rank = -(gint64) g_ascii_strtoull (p + 1, NULL, 10) - 1;
      *stem = g_strndup (base, (gsize) (p - base));
      return;
    }
  p = strrchr (base, '-');
  if (p != NULL && strlen (p + 1) >= 8 && strspn (p + 1, "0123456789") == strlen (p + 1))
    {
      /* Dated names sort among themselves by date, before the live file. */
      *rank = (gint64) g_ascii_strtoull (p + 1, NULL, 10) - G_GINT64_CONSTANT (100000000000000);
      *stem = g_strndup (base, (gsize) (p - base));
      return;
    }
  *rank = 0;
  *stem = g_steal_pointer (&base);
}

static void
sort_inputs (GPtrArray *inputs)
{
  /* Stable: a stem keeps the place of its first file; within a stem the
   * oldest rotation comes first. */
  guint n = inputs->len;
  g_autofree char **stems = g_new0 (char *, n);
  g_autofree gint64 *ranks = g_new0 (gint64, n);
  g_autofree guint *first = g_new0 (guint, n);

  for (guint i = 0; i < n; i++)
    {
      const Input *input = g_ptr_array_index (inputs, i);
      rotation_of (input->name, &stems[i], &ranks[i]);
      first[i] = i;
      for (guint j = 0; j < i; j++)
        if (g_str_equal (stems[j], stems[i]))
          {
            first[i] = first[j];
            break;
          }
    }
  /* Insertion sort: a handful of files. */
  for (guint i = 1; i < n; i++)
    for (guint j = i; j > 0; j--)
      {
        gboolean swap = first[j - 1] > first[j] ||
                        (first[j - 1] == first[j] && ranks[j - 1] > ranks[j]);
        gpointer tmp;
        char *s;
        gint64 r;
        guint f;

        if (!swap)
          break;
        tmp = inputs->pdata[j - 1]; inputs->pdata[j - 1] = inputs->pdata[j]; inputs->pdata[j] = tmp;
        s = stems[j - 1]; stems[j - 1] = stems[j]; stems[j] = s;
        r = ranks[j - 1]; ranks[j - 1] = ranks[j]; ranks[j] = r;
        f = first[j - 1]; first[j - 1] = first[j]; first[j] = f;
      }
  for (guint i = 0; i < n; i++)
    g_free (stems[i]);
}

MdLogScanReport *
md_log_scanner_run (MdLogScanner           *self,
                    GCancellable           *cancellable,
                    MdLogScanProgressFunc   progress,
                    gpointer                progress_data,
                    GError                **error)
{
  g_autoptr(MdLogScanReport) report = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autofree char *buffer = NULL;
  guint64 total = 0, done = 0;
  gboolean ok = TRUE;
  Run run = { 0 };

  g_return_val_if_fail (MD_IS_LOG_SCANNER (self), NULL);
  g_return_val_if_fail (self->inputs->len > 0, NULL);

  sort_inputs (self->inputs);
  report = g_atomic_rc_box_new0 (MdLogScanReport);
  report->distinct_complete = TRUE;
  run.scanner = self;
  run.report = report;
  run.groups = g_hash_table_new (g_str_hash, g_str_equal);
  run.group_list = g_ptr_array_new ();
  run.cache = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                     (GDestroyNotify) cache_entry_free);
  run.warnings = g_ptr_array_new_with_free_func (g_free);
  run.starts = g_array_new (FALSE, FALSE, sizeof (gsize));
  /* One byte more than a chunk: the newline added to an unterminated last line. */
  buffer = g_malloc (CHUNK_SIZE + 1);
  files = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < self->inputs->len; i++)
    total += ((const Input *) g_ptr_array_index (self->inputs, i))->size;

  for (guint i = 0; i < self->inputs->len && ok; i++)
    {
      run.input = g_ptr_array_index (self->inputs, i);
      g_ptr_array_add (files, g_strdup (run.input->name));
      ok = scan_input (&run, buffer, done, total, cancellable, progress, progress_data, error);
      done += run.input->size;
    }

  g_ptr_array_add (files, NULL);
  report->files = (GStrv) g_ptr_array_free (g_steal_pointer (&files), FALSE);
  report->groups = g_ptr_array_new_with_free_func ((GDestroyNotify) group_free);
  for (guint i = 0; i < run.group_list->len; i++)
    {
      Group *group = g_ptr_array_index (run.group_list, i);
      g_autoptr(GPtrArray) found = NULL;

      group->public.sample = g_utf8_make_valid (group->latest->str, (gssize) group->latest->len);
      g_string_free (g_steal_pointer (&group->latest), TRUE);
      found = md_rejection_parse_text (group->public.sample);

      /* The sample is parsed again: the cache may have let its entry go. */
      if (found != NULL && found->len > 0)
        group->public.sample_rejection = md_rejection_copy (g_ptr_array_index (found, 0));
      g_ptr_array_add (report->groups, group);
    }
  g_ptr_array_sort (report->groups, compare_groups);
  report->distinct_complete = !run.distinct_full;
  if (run.distinct_full)
    add_warning (&run, _("Too many distinct recipients and messages to tell apart in bounded "
                         "memory: those two figures are lower bounds"));
  g_ptr_array_add (run.warnings, NULL);
  report->warnings = (GStrv) g_ptr_array_free (run.warnings, FALSE);

  g_hash_table_unref (run.groups);
  g_ptr_array_unref (run.group_list);
  g_hash_table_unref (run.cache);
  g_array_unref (run.starts);
  g_free (run.messages.slots);

  if (!ok)
    return NULL;
  report_explain (report);
  return g_steal_pointer (&report);
}

typedef struct
{
  GMainContext *context;
  void        (*callback) (double, gpointer);
  gpointer      user_data;
  GCancellable *cancellable;
  gint          permille;
  gint          pending;
} Progress;

static gboolean
progress_idle_cb (gpointer data)
{
  Progress *progress = data;

  int permille;

  g_atomic_int_set (&progress->pending, 0);
  permille = g_atomic_int_get (&progress->permille);
  if (!g_cancellable_is_cancelled (progress->cancellable))
    progress->callback (permille >= 0 ? permille / 1000.0 : -1.0, progress->user_data);
  return G_SOURCE_REMOVE;
}

static void
progress_relay_cb (guint64  done,
                   guint64  total,
                   gpointer data)
{
  Progress *progress = data;
  /* Unknown size (a pipe): a value that changes every MiB, reported as -1. */
  int permille = total > 0 ? (int) MIN (1000, done * 1000 / total)
                           : -2 - (int) ((done >> 20) & 0xfffff);

  if (g_atomic_int_get (&progress->permille) == permille)
    return;
  g_atomic_int_set (&progress->permille, permille);
  /* Coalesced: at most one update waits on the main context. */
  if (g_atomic_int_compare_and_exchange (&progress->pending, 0, 1))
    {
      g_autoptr(GSource) source = g_idle_source_new ();

      /* The task's own priority: an update queued before the result is
       * dispatched before it, so a Cancel pressed on it still counts. */
      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, progress_idle_cb, g_atomic_rc_box_acquire (progress),
                             (GDestroyNotify) g_atomic_rc_box_release);
      g_source_attach (source, progress->context);
    }
}

static void
run_thread_cb (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  MdLogScanner *self = source_object;
  Progress *progress = task_data;
  g_autoptr(GError) error = NULL;
  MdLogScanReport *report;

  report = md_log_scanner_run (self, cancellable,
                               progress->callback ? progress_relay_cb : NULL, progress, &error);
  if (report == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, report, (GDestroyNotify) md_log_scan_report_unref);
}

void
md_log_scanner_run_async (MdLogScanner        *self,
                          GCancellable        *cancellable,
                          void               (*progress) (double   fraction,
                                                          gpointer user_data),
                          gpointer             progress_data,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Progress *relay;

  g_return_if_fail (MD_IS_LOG_SCANNER (self));

  relay = g_atomic_rc_box_new0 (Progress);
  relay->context = g_main_context_ref_thread_default ();
  relay->callback = progress;
  relay->user_data = progress_data;
  relay->cancellable = cancellable ? g_object_ref (cancellable) : g_cancellable_new ();
  relay->permille = -1;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, md_log_scanner_run_async);
  g_task_set_task_data (task, relay, (GDestroyNotify) g_atomic_rc_box_release);
  g_task_run_in_thread (task, run_thread_cb);
}

MdLogScanReport *
md_log_scanner_run_finish (MdLogScanner  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

JsonNode *
md_log_scan_report_to_json (const MdLogScanReport *report)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (report != NULL, NULL);

#define SET_TIME(name, t) G_STMT_START { \
    json_builder_set_member_name (b, name); \
    if ((t) != 0) { g_autofree char *s_ = md_log_scan_format_time (t); \
                    json_builder_add_string_value (b, s_); } \
    else json_builder_add_null_value (b); } G_STMT_END
#define SET_STRING(name, s) G_STMT_START { \
    json_builder_set_member_name (b, name); \
    if ((s) != NULL) json_builder_add_string_value (b, s); \
    else json_builder_add_null_value (b); } G_STMT_END
#define SET_INT(name, n) G_STMT_START { \
    json_builder_set_member_name (b, name); json_builder_add_int_value (b, (gint64) (n)); \
  } G_STMT_END

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "files");
  json_builder_begin_array (b);
  for (guint i = 0; report->files[i] != NULL; i++)
    json_builder_add_string_value (b, report->files[i]);
  json_builder_end_array (b);
  SET_INT ("lines", report->lines);
  SET_INT ("rejections", report->rejections);
  SET_INT ("bounced", report->bounced);
  SET_INT ("deferred", report->deferred);
  SET_INT ("messages", report->messages);
  json_builder_set_member_name (b, "distinct_complete");
  json_builder_add_boolean_value (b, report->distinct_complete);
  SET_INT ("long_lines", report->long_lines);
  SET_TIME ("first_seen", report->first_seen);
  SET_TIME ("last_seen", report->last_seen);
  json_builder_set_member_name (b, "warnings");
  json_builder_begin_array (b);
  for (guint i = 0; report->warnings[i] != NULL; i++)
    json_builder_add_string_value (b, report->warnings[i]);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "groups");
  json_builder_begin_array (b);
  for (guint i = 0; i < report->groups->len; i++)
    {
      const MdLogScanGroup *g = g_ptr_array_index (report->groups, i);

      json_builder_begin_object (b);
      SET_STRING ("receiver", g->receiver);
      SET_STRING ("service", g->service);
      json_builder_set_member_name (b, "smtp_code");
      if (g->smtp_code != 0)
        json_builder_add_int_value (b, g->smtp_code);
      else
        json_builder_add_null_value (b);
      SET_STRING ("enhanced_status", g->enhanced_status);
      SET_STRING ("blocked_ip", g->blocked_ip);
      SET_INT ("count", g->count);
      SET_INT ("bounced", g->bounced);
      SET_INT ("deferred", g->deferred);
      SET_INT ("recipients", g->recipients);
      SET_TIME ("first_seen", g->first_seen);
      SET_TIME ("last_seen", g->last_seen);
      json_builder_set_member_name (b, "per_day");
      json_builder_begin_object (b);
      for (guint j = 0; j < g->per_day->len; j++)
        {
          const MdLogScanDay *day = &g_array_index (g->per_day, MdLogScanDay, j);
          g_autofree char *name = format_day (day->day);

          SET_INT (name, day->count);
        }
      json_builder_end_object (b);
      SET_STRING ("explanation_id", g->explanation_id);
      SET_STRING ("sample", g->sample);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

#undef SET_TIME
#undef SET_STRING
#undef SET_INT

  return json_builder_get_root (b);
}
