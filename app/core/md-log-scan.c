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
 *
 * One unit, over 1,000 lines: the chunked reader, the prefilter, the
 * per-MTA line readers' results and the grouping share the scan's state
 * (the reply cache, the distinct-value sets); the line format and the
 * report already live in md-log-line.c and md-log-scan-report.c.
 */

/* memmem() and memrchr(): glibc's are vectorised, and the prefilter is the
 * one part of the scan that sees every byte. */
#define _GNU_SOURCE

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "md-knowledge.h"
#include "md-log-line.h"
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

typedef struct
{
  GFile        *file;
  GInputStream *stream;
  char         *name;
  guint64       size;
  gint64        reference;   /* the mtime (or now) in the log's clock: year-less dates */
} Input;

/* A set of 64-bit hashes, open addressing, linear probing; hand-written
 * because GHashTable takes three words and a hash per entry (and the keys'
 * own allocations), where this takes 8–16 bytes: a million distinct
 * recipients and messages fit the memory bound. 0 marks an empty slot. */
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
  MdLogLine info;

  if (end > line && end[-1] == '\r')
    end--;
  if ((gsize) (end - line) > MD_LOG_SCAN_MAX_LINE)
    {
      report->long_lines++;
      return;
    }
  if (!md_log_line_read (line, end, run->input->reference, &info))
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
  hash = md_log_hash_words (md_log_hash_words (17, domain, domain_len), info.key, info.key_len);
  entry = g_hash_table_lookup (run->cache, &hash);
  if (entry == NULL || entry->key_len != domain_len + info.key_len ||
      (domain_len > 0 && memcmp (entry->key, domain, domain_len) != 0) ||
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
  if (info.kind == MD_LOG_KIND_BOUNCE)
    {
      report->bounced++;
      group->public.bounced++;
    }
  else
    {
      report->deferred++;
      group->public.deferred++;
    }
  if (info.qid != NULL && distinct_add (run, &run->messages, md_log_hash_bytes (info.qid, info.qid_len, FALSE)))
    report->messages++;
  if (info.rcpt != NULL && info.rcpt_len > 0 &&
      distinct_add (run, &group->recipients, md_log_hash_bytes (info.rcpt, info.rcpt_len, TRUE)))
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
process_region (Run         *run,
                MdLogFormat  format,
                const char  *p,
                const char  *end)
{
  gsize last = G_MAXSIZE;

  run->report->lines += md_log_count_newlines (p, (gsize) (end - p));

  g_array_set_size (run->starts, 0);
  for (guint i = 0; i < md_log_n_needles; i++)
    {
      const char *hit = p;

      if ((md_log_needles[i].format & format) == 0)
        continue;
      while ((hit = memmem (hit, (gsize) (end - hit), md_log_needles[i].needle, md_log_needles[i].len)) != NULL)
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

/* gzip allows several members one after the other (`cat a.gz b.gz`, some
 * archivers append): GZlibDecompressor stops after the first, so this
 * converter starts it again on what follows, until the input ends. */
#define MD_TYPE_GZIP_MEMBERS (md_gzip_members_get_type ())
G_DECLARE_FINAL_TYPE (MdGzipMembers, md_gzip_members, MD, GZIP_MEMBERS, GObject)

struct _MdGzipMembers
{
  GObject     parent_instance;
  GConverter *zlib;
  gboolean    between;   /* a member ended; the next has not started */
};

static void md_gzip_members_converter_init (GConverterIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MdGzipMembers, md_gzip_members, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_CONVERTER,
                                                      md_gzip_members_converter_init))

static GConverterResult
md_gzip_members_convert (GConverter       *converter,
                         const void       *inbuf,
                         gsize             inbuf_size,
                         void             *outbuf,
                         gsize             outbuf_size,
                         GConverterFlags   flags,
                         gsize            *bytes_read,
                         gsize            *bytes_written,
                         GError          **error)
{
  MdGzipMembers *self = MD_GZIP_MEMBERS (converter);
  GConverterResult result;

  if (self->between && inbuf_size == 0)
    {
      *bytes_read = *bytes_written = 0;
      if (flags & G_CONVERTER_INPUT_AT_END)
        return G_CONVERTER_FINISHED;
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT, "Need more input");
      return G_CONVERTER_ERROR;
    }

  result = g_converter_convert (self->zlib, inbuf, inbuf_size, outbuf, outbuf_size, flags,
                                bytes_read, bytes_written, error);
  if (result == G_CONVERTER_ERROR)
    return result;
  self->between = FALSE;
  if (result == G_CONVERTER_FINISHED)
    {
      g_converter_reset (self->zlib);
      self->between = TRUE;
      if (*bytes_read < inbuf_size || !(flags & G_CONVERTER_INPUT_AT_END))
        return G_CONVERTER_CONVERTED;
    }
  return result;
}

static void
md_gzip_members_reset (GConverter *converter)
{
  MdGzipMembers *self = MD_GZIP_MEMBERS (converter);

  g_converter_reset (self->zlib);
  self->between = FALSE;
}

static void
md_gzip_members_converter_init (GConverterIface *iface)
{
  iface->convert = md_gzip_members_convert;
  iface->reset = md_gzip_members_reset;
}

static void
md_gzip_members_finalize (GObject *object)
{
  g_clear_object (&MD_GZIP_MEMBERS (object)->zlib);
  G_OBJECT_CLASS (md_gzip_members_parent_class)->finalize (object);
}

static void
md_gzip_members_class_init (MdGzipMembersClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = md_gzip_members_finalize;
}

static void
md_gzip_members_init (MdGzipMembers *self)
{
  self->zlib = G_CONVERTER (g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP));
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
      g_autoptr(GConverter) members = g_object_new (MD_TYPE_GZIP_MEMBERS, NULL);

      return g_converter_input_stream_new (buffered, members);
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
  MdLogFormat format = MD_LOG_FORMAT_ALL;
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

          if (md_log_looks_binary (buffer, sniff))
            {
              g_set_error (error, MD_LOG_SCAN_ERROR, MD_LOG_SCAN_ERROR_BINARY,
                           _("“%s” is not a text log (it holds binary data)"),
                           run->input->name);
              return FALSE;
            }
          format = md_log_sniff_format (buffer, (gsize) got);
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
