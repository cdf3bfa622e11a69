/* md-rejection-parser.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "md-input.h"
#include "md-rejection.h"

G_BEGIN_DECLS

#define MD_REJECTION_PARSER_ERROR (md_rejection_parser_error_quark ())

typedef enum
{
  MD_REJECTION_PARSER_ERROR_TOO_LARGE,
} MdRejectionParserError;

/* Inputs larger than this are refused rather than read. */
#define MD_REJECTION_PARSER_MAX_INPUT ((gsize) 512 * 1024 * 1024)
/* At most this many distinct rejections are returned for one input. */
#define MD_REJECTION_PARSER_MAX_REJECTIONS 1000

/* What one input yields: the rejections (MdRejection*, each with its
 * source), in input order and at most MD_REJECTION_PARSER_MAX_REJECTIONS;
 * @truncated when the input held more, @seen how many it held. */
typedef struct
{
  GPtrArray *rejections;
  gboolean   truncated;
  guint      seen;
} MdRejectionParse;

#define MD_TYPE_REJECTION_PARSE (md_rejection_parse_get_type ())

GQuark     md_rejection_parser_error_quark (void);

GType             md_rejection_parse_get_type     (void) G_GNUC_CONST;
MdRejectionParse *md_rejection_parse_copy         (const MdRejectionParse *parse);
void              md_rejection_parse_free         (MdRejectionParse       *parse);

/* The entry: every message of @input (an mbox is read message by message),
 * each rejection marked with where it came from. NULL only when @input is
 * too large. */
MdRejectionParse *md_rejection_parse_input        (MdInput                *input,
                                                   GCancellable           *cancellable,
                                                   GError                **error);
/* The same in a worker thread, for large input: the main loop stays free. */
void              md_rejection_parse_input_async  (MdInput                *input,
                                                   GCancellable           *cancellable,
                                                   GAsyncReadyCallback     callback,
                                                   gpointer                user_data);
MdRejectionParse *md_rejection_parse_input_finish (GAsyncResult           *result,
                                                   GError                **error);

/* For MdInput's "is this a mail?": a DSN field ("Reporting-MTA: …") starts
 * a pasted delivery report, not a message. */
gboolean   md_rejection_parser_is_dsn_field_line (const char          *line);


/* Wrappers of md_rejection_parse_input() for callers that want the list.
 * Reads a whole message (.eml: headers, then body) or a pasted fragment
 * (SMTP reply, bounce text, log lines) in any encoding. Returns the
 * rejections found, deduplicated (element type MdRejection, may be empty);
 * NULL only when @input is too large. */
GPtrArray *md_rejection_parse_bytes        (GBytes               *input,
                                            GError              **error);
/* The same for text that is already UTF-8 (a pasted fragment). */
GPtrArray *md_rejection_parse_text         (const char           *utf8);
/* Parses in a worker thread, for large input: the main loop stays free. */
void       md_rejection_parse_async        (GBytes               *input,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
GPtrArray *md_rejection_parse_finish       (GAsyncResult         *result,
                                            GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdRejectionParse, md_rejection_parse_free)

G_END_DECLS
