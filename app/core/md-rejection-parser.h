/* md-rejection-parser.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

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

GQuark     md_rejection_parser_error_quark (void);

/* Reads a whole message (.eml: headers, then body) or a pasted fragment
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

G_END_DECLS
