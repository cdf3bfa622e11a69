/* md-log-line.h — one mail log line: its MTA, time, kind and parts (engine-internal)
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  MD_LOG_FORMAT_POSTFIX   = 1 << 0,
  MD_LOG_FORMAT_EXIM      = 1 << 1,
  MD_LOG_FORMAT_OPENSMTPD = 1 << 2,
  MD_LOG_FORMAT_ALL       = MD_LOG_FORMAT_POSTFIX | MD_LOG_FORMAT_EXIM | MD_LOG_FORMAT_OPENSMTPD,
} MdLogFormat;

typedef enum
{
  MD_LOG_KIND_NONE,
  MD_LOG_KIND_BOUNCE,
  MD_LOG_KIND_DEFER,
} MdLogKind;

/* The strings that mark a rejecting line; the prefilter looks for these. */
typedef struct
{
  MdLogFormat  format;
  const char  *needle;
  gsize        len;
} MdLogNeedle;

extern const MdLogNeedle md_log_needles[];
extern const guint       md_log_n_needles;

/* What a rejecting line says; pointers into the line. */
typedef struct
{
  MdLogKind   kind;
  gint64      time;          /* 0: no timestamp read */
  const char *qid;
  gsize       qid_len;
  const char *rcpt;
  gsize       rcpt_len;
  const char *key;           /* the part of the line that the parse depends on */
  gsize       key_len;
  const char *dsn;           /* Postfix dsn= */
  gsize       dsn_len;
} MdLogLine;

/* Reads one line (without its newline); FALSE when it is not a rejecting
 * line of Postfix, Exim or OpenSMTPD. Year-less dates take their year from
 * @reference (seconds in the log's clock). */
gboolean    md_log_line_read      (const char  *line,
                                   const char  *end,
                                   gint64       reference,
                                   MdLogLine   *out);
/* The MTAs whose lines the first bytes of an input show (all when unsure). */
MdLogFormat md_log_sniff_format   (const char  *p,
                                   gsize        len);
gboolean    md_log_looks_binary   (const char  *p,
                                   gsize        len);
guint64     md_log_count_newlines (const char  *p,
                                   gsize        len);
guint64     md_log_hash_bytes     (const char  *p,
                                   gsize        len,
                                   gboolean     fold);
guint64     md_log_hash_words     (guint64      h,
                                   const char  *p,
                                   gsize        len);
/* "2026-11-29" for days since 1970-01-01. */
char       *md_log_format_day     (guint32      day);

G_END_DECLS
