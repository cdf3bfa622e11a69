/* md-log-scan.h — every rejection in a mail server's logs, grouped
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "md-rejection.h"

G_BEGIN_DECLS

#define MD_LOG_SCAN_ERROR (md_log_scan_error_quark ())

typedef enum
{
  MD_LOG_SCAN_ERROR_UNREADABLE,   /* cannot open or read an input */
  MD_LOG_SCAN_ERROR_BINARY,       /* the input is not text (or compressed in a format not read) */
} MdLogScanError;

/* A line longer than this is skipped with a warning: syslog daemons cut
 * their lines far shorter (rsyslog 8 KiB, journald 48 KiB), so a longer one
 * is not a log line, and keeping it would tie memory to the input. */
#define MD_LOG_SCAN_MAX_LINE ((gsize) 64 * 1024)
/* Distinct (receiver, code, IP) groups kept apart; past this, new codes and
 * IPs of a receiver are counted in that receiver's group with neither. */
#define MD_LOG_SCAN_MAX_GROUPS 256

typedef struct
{
  guint32 day;     /* days since 1970-01-01, in the log's own clock */
  guint64 count;
} MdLogScanDay;

typedef struct
{
  char        *receiver;         /* knowledge-base family ("microsoft") or NULL */
  char        *service;          /* "exchange-online", … or NULL */
  guint        smtp_code;        /* 0 when the line names none */
  char        *enhanced_status;
  char        *blocked_ip;
  guint64      count;            /* rejecting log lines */
  guint64      bounced;
  guint64      deferred;
  guint64      recipients;       /* distinct recipients */
  gint64       first_seen;       /* seconds since the epoch, log's own clock */
  gint64       last_seen;
  GArray      *per_day;          /* of MdLogScanDay, ascending */
  char        *explanation_id;
  char        *sample;           /* the full text of the latest rejecting line */
  MdRejection *sample_rejection; /* what the parser read from it */
} MdLogScanGroup;

typedef struct
{
  GStrv      files;              /* in the order they were read */
  guint64    lines;
  guint64    rejections;         /* rejecting log lines (bounced + deferred) */
  guint64    bounced;
  guint64    deferred;
  guint64    messages;           /* distinct messages (queue ids) with a rejecting line */
  gboolean   distinct_complete;  /* FALSE when recipients/messages hit the memory bound */
  guint64    long_lines;         /* lines over MD_LOG_SCAN_MAX_LINE, skipped */
  gint64     first_seen;         /* 0 when nothing was found */
  gint64     last_seen;
  GPtrArray *groups;             /* of MdLogScanGroup*, by count, descending */
  GStrv      warnings;           /* translated, one line each */
} MdLogScanReport;

#define MD_TYPE_LOG_SCAN_REPORT (md_log_scan_report_get_type ())

GType            md_log_scan_report_get_type (void) G_GNUC_CONST;
MdLogScanReport *md_log_scan_report_ref      (MdLogScanReport *report);
void             md_log_scan_report_unref    (MdLogScanReport *report);
/* The `maildoctor-cli scan --json` document (README). */
JsonNode        *md_log_scan_report_to_json  (const MdLogScanReport *report);
/* "2026-11-29T10:00:00", the log's own clock. */
char            *md_log_scan_format_time     (gint64 seconds);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdLogScanReport, md_log_scan_report_unref)

/* Called in the scanning thread after each chunk; may be called often. */
typedef void (*MdLogScanProgressFunc) (guint64  done,
                                       guint64  total,
                                       gpointer user_data);

#define MD_TYPE_LOG_SCANNER (md_log_scanner_get_type ())
G_DECLARE_FINAL_TYPE (MdLogScanner, md_log_scanner, MD, LOG_SCANNER, GObject)

GQuark           md_log_scan_error_quark     (void);

MdLogScanner    *md_log_scanner_new          (void);
/* Rotated sets (mail.log.2.gz, mail.log.1, mail.log) are read oldest first,
 * whatever the order they were added in. */
void             md_log_scanner_add_file     (MdLogScanner          *self,
                                              GFile                 *file);
/* A stream (standard input): year-less timestamps take the current year. */
void             md_log_scanner_add_stream   (MdLogScanner          *self,
                                              GInputStream          *stream,
                                              const char            *name);
/* Only lines stamped in [since, until] count; 0 for no bound. */
void             md_log_scanner_set_range    (MdLogScanner          *self,
                                              gint64                 since,
                                              gint64                 until);
/* Blocking: run it in a thread (md_log_scanner_run_async) or a CLI. */
MdLogScanReport *md_log_scanner_run          (MdLogScanner          *self,
                                              GCancellable          *cancellable,
                                              MdLogScanProgressFunc  progress,
                                              gpointer               progress_data,
                                              GError               **error);
/* Scans in a worker thread; @progress (may be NULL) is called on the
 * caller's main context, coalesced, with the fraction read (0…1), or -1
 * while reading input of unknown size. */
void             md_log_scanner_run_async    (MdLogScanner          *self,
                                              GCancellable          *cancellable,
                                              void                 (*progress) (double   fraction,
                                                                                gpointer user_data),
                                              gpointer               progress_data,
                                              GAsyncReadyCallback    callback,
                                              gpointer               user_data);
MdLogScanReport *md_log_scanner_run_finish   (MdLogScanner          *self,
                                              GAsyncResult          *result,
                                              GError               **error);

/* "2026-11-29" or "2026-11-29T10:00:00" to seconds in the log's own clock;
 * @end_of_day makes a bare date mean its last second. */
gboolean         md_log_scan_parse_date      (const char            *text,
                                              gboolean               end_of_day,
                                              gint64                *seconds);

G_END_DECLS
