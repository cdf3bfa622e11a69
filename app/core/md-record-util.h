/* md-record-util.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Something worth telling the user about a record that still parsed: a tag
 * the current RFC removed, an unknown tag, a weak key. @code is stable (tests,
 * JSON output); @message is translated and names the tag or value. */
typedef struct
{
  char *code;
  char *message;
} MdRecordWarning;

#define MD_TYPE_RECORD_WARNING (md_record_warning_get_type ())

GType            md_record_warning_get_type  (void) G_GNUC_CONST;
MdRecordWarning *md_record_warning_new       (const char            *code,
                                              const char            *message);
MdRecordWarning *md_record_warning_copy      (const MdRecordWarning *warning);
void             md_record_warning_free      (MdRecordWarning       *warning);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdRecordWarning, md_record_warning_free)

/* A GPtrArray of MdRecordWarning*, owning its elements. */
GPtrArray       *md_record_warnings_new      (void);
GPtrArray       *md_record_warnings_copy     (GPtrArray             *warnings);
void             md_record_warnings_add      (GPtrArray             *warnings,
                                              const char            *code,
                                              const char            *format,
                                              ...) G_GNUC_PRINTF (3, 4);
gboolean         md_record_warnings_has      (GPtrArray             *warnings,
                                              const char            *code);

/* Helpers shared by the record parsers (DMARC, DKIM key, MTA-STS, TLS-RPT).
 * Not meant for other callers. */

/* One ';'-separated element of a tag list, split at its first '='. */
typedef struct
{
  char     *raw;           /* the element as written */
  char     *name;          /* stripped of @space; NULL for an element without '=' */
  char     *value;         /* stripped of @space; NULL for an element without '=' */
  gboolean  spaced;        /* white space before or after the '=' */
  gboolean  blank;         /* the element is empty or only white space */
} MdTag;

GPtrArray       *md_tag_list_split           (const char            *text,
                                              const char            *space);
char            *md_record_strip             (const char            *text,
                                              gsize                  len,
                                              const char            *space);
gboolean         md_record_is_hostname       (const char            *name,
                                              gboolean               allow_wildcard);
char            *md_record_normalize_domain  (const char            *domain);
gboolean         md_record_is_ext_name       (const char            *name);
gboolean         md_record_is_ext_value      (const char            *value);
char            *md_record_describe          (const char            *text);
GPtrArray       *md_record_split_strict      (const char            *text,
                                              const char            *version,
                                              GQuark                 error_domain,
                                              int                    bad_version_code,
                                              int                    syntax_code,
                                              GError               **error);

G_END_DECLS
