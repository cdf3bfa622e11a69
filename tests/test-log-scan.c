/* test-log-scan.c — the mail log scanner, without a display
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <utime.h>

#include "md-log-scan.h"
#include "md-test-util.h"

static MdLogScanReport *
scan_paths (const char * const *paths,
            GError            **error)
{
  g_autoptr(MdLogScanner) scanner = md_log_scanner_new ();

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_path (paths[i]);
      md_log_scanner_add_file (scanner, file);
    }
  return md_log_scanner_run (scanner, NULL, NULL, NULL, error);
}

static MdLogScanReport *
scan_fixture (const char *name)
{
  g_autofree char *path = md_test_srcdir_path ("data", "logs", name, NULL);
  g_autoptr(GError) error = NULL;
  MdLogScanReport *report = scan_paths ((const char *[]) { path, NULL }, &error);

  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

static const MdLogScanGroup *
find_group (const MdLogScanReport *report,
            const char            *receiver,
            const char            *enhanced_status)
{
  for (guint i = 0; i < report->groups->len; i++)
    {
      const MdLogScanGroup *g = g_ptr_array_index (report->groups, i);
      if (g_strcmp0 (g->receiver, receiver) == 0 &&
          g_strcmp0 (g->enhanced_status, enhanced_status) == 0)
        return g;
    }
  g_assert_not_reached ();
}

static guint64
day_count (const MdLogScanGroup *group,
           const char           *date)
{
  gint64 seconds;

  g_assert_true (md_log_scan_parse_date (date, FALSE, &seconds));
  for (guint i = 0; i < group->per_day->len; i++)
    {
      const MdLogScanDay *day = &g_array_index (group->per_day, MdLogScanDay, i);
      if (day->day == seconds / 86400)
        return day->count;
    }
  return 0;
}

static void
assert_time (gint64      seconds,
             const char *expected)
{
  g_autofree char *text = md_log_scan_format_time (seconds);
  g_assert_cmpstr (text, ==, expected);
}

/* The four Postfix fixtures hold the same events in different clothes:
 * 3 bounces from Exchange Online (2 recipients, one in two spellings),
 * a T-Online refusal deferred twice for one message, a Gmail deferral, a
 * connection timeout, and a local "unknown user" bounce. */
static void
assert_postfix_figures (const MdLogScanReport *report,
                        const char            *day1,
                        const char            *day2)
{
  const MdLogScanGroup *ms, *tonline, *gmail;

  g_assert_cmpuint (report->lines, ==, 12);
  g_assert_cmpuint (report->rejections, ==, 8);
  g_assert_cmpuint (report->bounced, ==, 4);
  g_assert_cmpuint (report->deferred, ==, 4);
  /* Two deferrals of one message: 8 lines, 7 messages. */
  g_assert_cmpuint (report->messages, ==, 7);
  g_assert_true (report->distinct_complete);
  g_assert_cmpuint (report->groups->len, ==, 5);

  ms = g_ptr_array_index (report->groups, 0);
  g_assert_cmpstr (ms->receiver, ==, "microsoft");
  g_assert_cmpstr (ms->service, ==, "exchange-online");
  g_assert_cmpuint (ms->smtp_code, ==, 550);
  g_assert_cmpstr (ms->enhanced_status, ==, "5.7.511");
  g_assert_cmpstr (ms->blocked_ip, ==, "203.0.113.7");
  g_assert_cmpuint (ms->count, ==, 3);
  g_assert_cmpuint (ms->bounced, ==, 3);
  g_assert_cmpuint (ms->recipients, ==, 2);
  g_assert_cmpstr (ms->explanation_id, ==, "microsoft-5.7.511");
  g_assert_cmpuint (day_count (ms, day1), ==, 2);
  g_assert_cmpuint (day_count (ms, day2), ==, 1);
  g_assert_nonnull (strstr (ms->sample, "to=<carol@contoso.com>"));
  g_assert_nonnull (ms->sample_rejection);
  g_assert_cmpstr (ms->sample_rejection->enhanced_status, ==, "5.7.511");

  tonline = find_group (report, "t-online", "4.0.0");
  g_assert_cmpuint (tonline->count, ==, 2);
  g_assert_cmpuint (tonline->deferred, ==, 2);
  g_assert_cmpuint (tonline->recipients, ==, 1);
  g_assert_cmpstr (tonline->explanation_id, ==, "t-online-bl");

  gmail = find_group (report, "google", "4.7.28");
  g_assert_cmpuint (gmail->smtp_code, ==, 421);
  g_assert_cmpuint (gmail->deferred, ==, 1);

  g_assert_cmpuint (find_group (report, NULL, "5.1.1")->bounced, ==, 1);
  g_assert_cmpuint (find_group (report, NULL, "4.4.1")->deferred, ==, 1);
}

static void
test_postfix_iso (void)
{
  g_autoptr(MdLogScanReport) report = scan_fixture ("postfix-iso.log");

  assert_postfix_figures (report, "2026-11-29", "2026-11-30");
  assert_time (report->first_seen, "2026-11-29T10:00:02");
  assert_time (report->last_seen, "2026-12-01T08:00:09");
}

static void
test_postfix_journal (void)
{
  g_autoptr(MdLogScanReport) report = scan_fixture ("postfix-journal-short-iso.log");

  assert_postfix_figures (report, "2026-11-29", "2026-11-30");
  assert_time (report->last_seen, "2026-12-01T08:00:09");
}

static void
test_postfix_compose (void)
{
  g_autofree char *source = md_test_srcdir_path ("data", "logs", "postfix-compose.log", NULL);
  g_autofree char *dir = g_dir_make_tmp ("md-log-scan-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "compose.log", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MdLogScanReport) report = NULL;
  struct utimbuf times = { 0, };
  gint64 mtime;

  /* Year-less: the year comes from the mtime, here 2026-12-02. */
  g_assert_true (g_file_get_contents (source, &text, NULL, NULL));
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  g_assert_true (md_log_scan_parse_date ("2026-12-02", FALSE, &mtime));
  times.actime = times.modtime = (time_t) mtime;
  g_assert_cmpint (g_utime (path, &times), ==, 0);

  report = scan_paths ((const char *[]) { path, NULL }, &error);
  g_assert_no_error (error);
  assert_postfix_figures (report, "2026-11-29", "2026-11-30");
  g_unlink (path);
  g_rmdir (dir);
}

/* Year-less dates roll back over New Year: a file last written on
 * 2 January holds 30 December of the year before. */
static void
test_postfix_syslog_new_year (void)
{
  g_autofree char *source = md_test_srcdir_path ("data", "logs", "postfix-syslog.log", NULL);
  g_autofree char *dir = g_dir_make_tmp ("md-log-scan-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "mail.log", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MdLogScanReport) report = NULL;
  struct utimbuf times = { 0, };
  gint64 mtime;

  g_assert_true (g_file_get_contents (source, &text, NULL, NULL));
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  /* Noon, so that no time zone moves the mtime to another day. */
  g_assert_true (md_log_scan_parse_date ("2027-01-02T12:00:00", FALSE, &mtime));
  times.actime = times.modtime = (time_t) mtime;
  g_assert_cmpint (g_utime (path, &times), ==, 0);

  report = scan_paths ((const char *[]) { path, NULL }, &error);
  g_assert_no_error (error);
  assert_postfix_figures (report, "2026-12-31", "2026-12-30");
  assert_time (report->first_seen, "2026-12-30T23:20:02");
  assert_time (report->last_seen, "2027-01-01T03:00:09");
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_exim (void)
{
  g_autoptr(MdLogScanReport) report = scan_fixture ("exim-mainlog");
  const MdLogScanGroup *outlook, *yahoo;

  g_assert_cmpuint (report->lines, ==, 10);
  g_assert_cmpuint (report->rejections, ==, 5);
  g_assert_cmpuint (report->bounced, ==, 3);
  g_assert_cmpuint (report->deferred, ==, 2);
  g_assert_cmpuint (report->messages, ==, 2);

  outlook = find_group (report, "microsoft", "5.7.1");
  g_assert_cmpstr (outlook->service, ==, "outlook-com");
  g_assert_cmpuint (outlook->bounced, ==, 2);
  g_assert_cmpuint (outlook->recipients, ==, 2);
  g_assert_cmpstr (outlook->explanation_id, ==, "outlook-com-s3140");

  yahoo = find_group (report, "yahoo", "4.7.0");
  g_assert_cmpuint (yahoo->deferred, ==, 2);
  g_assert_cmpuint (yahoo->recipients, ==, 1);
  g_assert_cmpuint (day_count (yahoo, "2026-11-27"), ==, 1);
  g_assert_cmpuint (day_count (yahoo, "2026-11-28"), ==, 1);
  assert_time (yahoo->last_seen, "2026-11-28T07:15:02");

  g_assert_cmpuint (find_group (report, "web.de", NULL)->bounced, ==, 1);
}

static void
test_opensmtpd (void)
{
  g_autoptr(MdLogScanReport) report = scan_fixture ("opensmtpd.log");
  const MdLogScanGroup *tonline;

  g_assert_cmpuint (report->lines, ==, 6);
  g_assert_cmpuint (report->bounced, ==, 2);
  g_assert_cmpuint (report->deferred, ==, 1);
  /* Two envelopes of message 9c4e7b2a, one of 5b1c3d2e. */
  g_assert_cmpuint (report->messages, ==, 2);
  tonline = g_ptr_array_index (report->groups, 0);
  g_assert_cmpstr (tonline->receiver, ==, "t-online");
  g_assert_cmpuint (tonline->smtp_code, ==, 554);
  g_assert_cmpuint (tonline->recipients, ==, 2);
  g_assert_cmpstr (tonline->blocked_ip, ==, "203.0.113.7");
  g_assert_cmpstr (tonline->explanation_id, ==, "t-online-bl");
}

/* Given newest first, read oldest first: the .gz too. */
static void
test_rotated_set (void)
{
  g_autofree char *live = md_test_srcdir_path ("data", "logs", "rotated", "mail.log", NULL);
  g_autofree char *one = md_test_srcdir_path ("data", "logs", "rotated", "mail.log.1", NULL);
  g_autofree char *two = md_test_srcdir_path ("data", "logs", "rotated", "mail.log.2.gz", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MdLogScanReport) report = NULL;
  const MdLogScanGroup *g;

  report = scan_paths ((const char *[]) { live, one, two, NULL }, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (report->files), ==, 3);
  g_assert_cmpstr (report->files[0], ==, two);
  g_assert_cmpstr (report->files[1], ==, one);
  g_assert_cmpstr (report->files[2], ==, live);
  g_assert_cmpuint (report->lines, ==, 20);
  g_assert_cmpuint (report->bounced, ==, 10);
  g_assert_cmpuint (report->groups->len, ==, 1);
  g = g_ptr_array_index (report->groups, 0);
  g_assert_cmpuint (day_count (g, "2026-11-28"), ==, 5);
  g_assert_cmpuint (day_count (g, "2026-11-29"), ==, 3);
  g_assert_cmpuint (day_count (g, "2026-11-30"), ==, 2);
  g_assert_cmpuint (g->recipients, ==, 4);
  assert_time (g->first_seen, "2026-11-28T01:11:01");
  assert_time (g->last_seen, "2026-11-30T02:12:02");
  g_assert_true (g_str_has_prefix (g->sample, "2026-11-30T02:12:02"));
  g_assert_cmpuint (g_strv_length (report->warnings), ==, 0);
}

/* A .gz cut short keeps what was read, with a warning. */
static void
test_truncated_gz (void)
{
  g_autofree char *source = md_test_srcdir_path ("data", "logs", "rotated", "mail.log.2.gz", NULL);
  g_autofree char *dir = g_dir_make_tmp ("md-log-scan-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "mail.log.3.gz", NULL);
  g_autofree char *data = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MdLogScanReport) report = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (source, &data, &len, NULL));
  g_assert_cmpuint (len, >, 400);
  g_assert_true (g_file_set_contents (path, data, 300, NULL));

  report = scan_paths ((const char *[]) { path, NULL }, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  g_assert_cmpuint (report->bounced, >=, 1);
  g_assert_cmpuint (report->bounced, <, 5);
  g_assert_cmpuint (g_strv_length (report->warnings), ==, 1);
  g_assert_nonnull (strstr (report->warnings[0], "cut short or damaged"));
  g_unlink (path);
  g_rmdir (dir);
}

static GBytes *
gzip_file (const char *name)
{
  g_autofree char *path = md_test_srcdir_path ("data", "logs", "rotated", name, NULL);
  g_autofree char *text = NULL;
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1);
  g_autoptr(GOutputStream) out = g_converter_output_stream_new (memory, G_CONVERTER (compressor));
  g_autoptr(GError) error = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &text, &len, NULL));
  g_assert_true (g_output_stream_write_all (out, text, len, NULL, NULL, &error));
  g_assert_true (g_output_stream_close (out, NULL, &error));
  g_assert_no_error (error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

/* Two gzip members one after the other (`cat a.gz b.gz`) are one log. */
static void
test_gzip_members (void)
{
  g_autofree char *dir = g_dir_make_tmp ("md-log-scan-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "mail.log.1.gz", NULL);
  g_autoptr(GBytes) first = gzip_file ("mail.log.1");
  g_autoptr(GBytes) second = gzip_file ("mail.log");
  g_autoptr(GByteArray) both = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MdLogScanReport) report = NULL;
  const MdLogScanGroup *g;

  g_byte_array_append (both, g_bytes_get_data (first, NULL), (guint) g_bytes_get_size (first));
  g_byte_array_append (both, g_bytes_get_data (second, NULL), (guint) g_bytes_get_size (second));
  g_assert_true (g_file_set_contents (path, (const char *) both->data, both->len, NULL));

  report = scan_paths ((const char *[]) { path, NULL }, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->lines, ==, 10);
  g_assert_cmpuint (report->bounced, ==, 5);
  g_assert_cmpuint (g_strv_length (report->warnings), ==, 0);
  g = g_ptr_array_index (report->groups, 0);
  g_assert_cmpuint (day_count (g, "2026-11-29"), ==, 3);
  g_assert_cmpuint (day_count (g, "2026-11-30"), ==, 2);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_bad_input (void)
{
  g_autofree char *dir = g_dir_make_tmp ("md-log-scan-XXXXXX", NULL);
  g_autofree char *binary = g_build_filename (dir, "core", NULL);
  g_autofree char *xz = g_build_filename (dir, "mail.log.1.xz", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.log", NULL);
  g_autoptr(GError) error = NULL;
  MdLogScanReport *report;

  g_assert_true (g_file_set_contents (binary, "\x7f" "ELF\x02\x01\x01\0\0\0status=bounced\n", 24, NULL));
  report = scan_paths ((const char *[]) { binary, NULL }, &error);
  g_assert_null (report);
  g_assert_error (error, MD_LOG_SCAN_ERROR, MD_LOG_SCAN_ERROR_BINARY);
  g_assert_nonnull (strstr (error->message, "not a text log"));
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (xz, "\xfd" "7zXZ" "\0\0\x04\xe6\xd6\xb4\x46", 12, NULL));
  report = scan_paths ((const char *[]) { xz, NULL }, &error);
  g_assert_null (report);
  g_assert_error (error, MD_LOG_SCAN_ERROR, MD_LOG_SCAN_ERROR_BINARY);
  g_assert_nonnull (strstr (error->message, "only gzip"));
  g_clear_error (&error);

  report = scan_paths ((const char *[]) { missing, NULL }, &error);
  g_assert_null (report);
  g_assert_error (error, MD_LOG_SCAN_ERROR, MD_LOG_SCAN_ERROR_UNREADABLE);
  g_clear_error (&error);

  g_unlink (binary);
  g_unlink (xz);
  g_rmdir (dir);
}

/* A line far longer than any log line (here 5 MiB, past several chunks) is
 * skipped with a warning; the lines around it still count. */
static void
test_long_line (void)
{
  g_autofree char *source = md_test_srcdir_path ("data", "logs", "postfix-iso.log", NULL);
  g_autofree char *dir = g_dir_make_tmp ("md-log-scan-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "long.log", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GString) data = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MdLogScanReport) report = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (source, &text, &len, NULL));
  g_string_append_len (data, text, (gssize) len);
  g_string_append (data, "2026-12-01T09:00:00+01:00 mail postfix/smtp[1]: ABC: to=<x@y>, status=bounced ");
  for (guint i = 0; i < 5 * 1024 * 1024 / 16; i++)
    g_string_append (data, "status=bounced, ");
  g_string_append_c (data, '\n');
  g_string_append_len (data, text, (gssize) len);
  g_assert_true (g_file_set_contents (path, data->str, (gssize) data->len, NULL));

  report = scan_paths ((const char *[]) { path, NULL }, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->lines, ==, 25);
  g_assert_cmpuint (report->long_lines, ==, 1);
  g_assert_cmpuint (report->bounced, ==, 8);
  g_assert_cmpuint (g_strv_length (report->warnings), ==, 1);
  g_assert_nonnull (strstr (report->warnings[0], "line 13"));
  g_unlink (path);
  g_rmdir (dir);
}

/* Lines are counted eight bytes at a time: a file of nothing but newlines
 * (every byte lane full) still counts each one. */
static void
test_line_count (void)
{
  g_autofree char *dir = g_dir_make_tmp ("md-log-scan-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "empty-lines.log", NULL);
  g_autofree char *data = g_malloc (100003);
  g_autoptr(GError) error = NULL;
  g_autoptr(MdLogScanReport) report = NULL;

  memset (data, '\n', 100000);
  memcpy (data + 100000, "abc", 3);
  g_assert_true (g_file_set_contents (path, data, 100003, NULL));
  report = scan_paths ((const char *[]) { path, NULL }, &error);
  g_assert_no_error (error);
  /* The last line has no newline and still counts. */
  g_assert_cmpuint (report->lines, ==, 100001);
  g_assert_cmpuint (report->rejections, ==, 0);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_range (void)
{
  g_autofree char *path = md_test_srcdir_path ("data", "logs", "postfix-iso.log", NULL);
  g_autoptr(MdLogScanner) scanner = md_log_scanner_new ();
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(MdLogScanReport) report = NULL;
  gint64 since, until;

  g_assert_true (md_log_scan_parse_date ("2026-11-30", FALSE, &since));
  g_assert_true (md_log_scan_parse_date ("2026-11-30", TRUE, &until));
  g_assert_false (md_log_scan_parse_date ("30.11.2026", FALSE, &until));
  md_log_scanner_add_file (scanner, file);
  md_log_scanner_set_range (scanner, since, until);
  report = md_log_scanner_run (scanner, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  /* 30 November: one Microsoft bounce, 2 T-Online, 1 Gmail, 1 timeout. */
  g_assert_cmpuint (report->rejections, ==, 5);
  g_assert_cmpuint (report->bounced, ==, 1);
  g_assert_cmpuint (report->lines, ==, 12);
}

typedef struct
{
  GMainLoop       *loop;
  GCancellable    *cancellable;
  MdLogScanReport *report;
  GError          *error;
  guint            n_progress;
  double           last_fraction;
} AsyncRun;

static void
progress_cb (double   fraction,
             gpointer user_data)
{
  AsyncRun *run = user_data;

  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  g_assert_cmpfloat (fraction, >=, run->last_fraction);
  run->last_fraction = fraction;
  if (++run->n_progress == 1 && run->cancellable != NULL)
    g_cancellable_cancel (run->cancellable);
}

static void
scan_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  AsyncRun *run = user_data;

  run->report = md_log_scanner_run_finish (MD_LOG_SCANNER (object), result, &run->error);
  g_main_loop_quit (run->loop);
}

static char *
write_big_log (const char *dir,
               guint       megabytes,
               guint      *n_bounced)
{
  g_autofree char *source = md_test_srcdir_path ("data", "logs", "postfix-iso.log", NULL);
  char *path = g_build_filename (dir, "big.log", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GString) data = g_string_new (NULL);
  gsize len;

  g_assert_true (g_file_get_contents (source, &text, &len, NULL));
  *n_bounced = 0;
  while (data->len < (gsize) megabytes * 1024 * 1024)
    {
      g_string_append_len (data, text, (gssize) len);
      *n_bounced += 4;
    }
  g_assert_true (g_file_set_contents (path, data->str, (gssize) data->len, NULL));
  return path;
}

/* The scan runs in a thread: progress arrives on the main context, and a
 * cancel in the middle ends it with G_IO_ERROR_CANCELLED. */
static void
test_async_progress_and_cancel (void)
{
  g_autofree char *dir = g_dir_make_tmp ("md-log-scan-XXXXXX", NULL);
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(MdLogScanner) scanner = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  AsyncRun run = { loop, NULL, NULL, NULL, 0, 0 };
  guint n_bounced;

  path = write_big_log (dir, 24, &n_bounced);
  file = g_file_new_for_path (path);

  /* To the end: every bounce, progress up to 1. */
  scanner = md_log_scanner_new ();
  md_log_scanner_add_file (scanner, file);
  md_log_scanner_run_async (scanner, NULL, progress_cb, &run, scan_done_cb, &run);
  g_main_loop_run (loop);
  g_assert_no_error (run.error);
  g_assert_cmpuint (run.report->bounced, ==, n_bounced);
  g_assert_cmpuint (run.n_progress, >, 1);
  g_clear_pointer (&run.report, md_log_scan_report_unref);
  g_clear_object (&scanner);

  /* Cancelled at the first progress report: mid-scan. */
  run = (AsyncRun) { loop, cancellable, NULL, NULL, 0, 0 };
  scanner = md_log_scanner_new ();
  md_log_scanner_add_file (scanner, file);
  md_log_scanner_run_async (scanner, cancellable, progress_cb, &run, scan_done_cb, &run);
  g_main_loop_run (loop);
  g_assert_null (run.report);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (run.n_progress, ==, 1);
  g_assert_cmpfloat (run.last_fraction, <, 1.0);
  g_clear_error (&run.error);

  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/MailDoctor/LogScan/postfix-iso", test_postfix_iso);
  g_test_add_func ("/MailDoctor/LogScan/postfix-journal-short-iso", test_postfix_journal);
  g_test_add_func ("/MailDoctor/LogScan/postfix-compose", test_postfix_compose);
  g_test_add_func ("/MailDoctor/LogScan/postfix-syslog-new-year", test_postfix_syslog_new_year);
  g_test_add_func ("/MailDoctor/LogScan/exim", test_exim);
  g_test_add_func ("/MailDoctor/LogScan/opensmtpd", test_opensmtpd);
  g_test_add_func ("/MailDoctor/LogScan/rotated-set", test_rotated_set);
  g_test_add_func ("/MailDoctor/LogScan/truncated-gz", test_truncated_gz);
  g_test_add_func ("/MailDoctor/LogScan/gzip-members", test_gzip_members);
  g_test_add_func ("/MailDoctor/LogScan/bad-input", test_bad_input);
  g_test_add_func ("/MailDoctor/LogScan/long-line", test_long_line);
  g_test_add_func ("/MailDoctor/LogScan/line-count", test_line_count);
  g_test_add_func ("/MailDoctor/LogScan/range", test_range);
  g_test_add_func ("/MailDoctor/LogScan/async-progress-and-cancel", test_async_progress_and_cancel);

  return g_test_run ();
}
