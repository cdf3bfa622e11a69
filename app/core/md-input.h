/* md-input.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <gmime/gmime.h>

#include "md-types.h"

G_BEGIN_DECLS

/* What the user gave: pasted text, a saved bounce (.eml), an mbox or a log.
 * The one place that decides how the bytes are decoded (BOM, UTF-16 with
 * replacement), whether they are a mail ("is this a mail?" has one answer
 * for the whole engine), and that parses a mail with GMime — at most once
 * per message, and only under the guards (size, multipart count) that keep
 * GMime's time linear. An mbox is every message in it, each with its index.
 *
 * Lazily computed and guarded by a lock, so one input can be parsed in a
 * worker thread and read on the main thread afterwards; GMime objects it
 * hands out are not for use from two threads at once. */

/* A message larger than this is read as text, not handed to GMime. */
#define MD_INPUT_MAX_MESSAGE_SIZE ((gsize) 64 * 1024 * 1024)
/* More multiparts than this make GMime's boundary bookkeeping quadratic:
 * such a message is read as text. */
#define MD_INPUT_MAX_MULTIPARTS   64

/* The most an input may hold, the parser's bound: 512 MB. */
#define MD_INPUT_MAX_SIZE ((gsize) 512 * 1024 * 1024)

/* Reading what the user gives, for the window and the CLI alike: chunk by
 * chunk up to MD_INPUT_MAX_SIZE, never the whole of an endless stream
 * (/dev/zero, a clipboard offering gigabytes). Beyond it the read stops
 * with G_IO_ERROR_MESSAGE_TOO_LARGE, whose message names the limit as the
 * README does. The stream variant blocks; the async ones use a worker
 * thread. */
GBytes       *md_input_read_stream           (GInputStream        *stream,
                                              GCancellable        *cancellable,
                                              GError             **error);
void          md_input_read_stream_async     (GInputStream        *stream,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
GBytes       *md_input_read_stream_finish    (GAsyncResult        *result,
                                              GError             **error);
void          md_input_read_file_async       (GFile               *file,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
GBytes       *md_input_read_file_finish      (GFile               *file,
                                              GAsyncResult        *result,
                                              GError             **error);
/* FALSE, with the error a read sets, when @size is beyond the limit: for
 * text that arrived whole (a drop). */
gboolean      md_input_check_size            (gsize                size,
                                              GError             **error);

#define MD_TYPE_INPUT (md_input_get_type ())
G_DECLARE_FINAL_TYPE (MdInput, md_input, MD, INPUT, GObject)

/* @name: the file it came from ("-" for standard input) or NULL. */
MdInput      *md_input_new                   (GBytes       *bytes,
                                              const char   *name);
MdInput      *md_input_new_for_text          (const char   *utf8);
GBytes       *md_input_get_bytes             (MdInput      *self);
const char   *md_input_get_name              (MdInput      *self);
/* The decoded text (UTF-8 when the input was UTF-8 or UTF-16; other bytes
 * are passed through as they are). Not NUL-terminated past @len. */
const char   *md_input_get_text              (MdInput      *self,
                                              gsize        *len);
/* The decoded text as valid UTF-8 (for storing and showing). */
char         *md_input_dup_valid_text        (MdInput      *self);

/* An mbox ("From " lines) is read as its messages; anything else is one. */
gboolean      md_input_is_mbox               (MdInput      *self);
guint         md_input_get_n_messages        (MdInput      *self);
/* The text of message @index (mbox: without its "From " line, ">From "
 * unquoted). */
const char   *md_input_get_message_text      (MdInput      *self,
                                              guint         index,
                                              gsize        *len);
/* Is message @index a mail (header fields, then a blank line)? */
gboolean      md_input_message_is_mail       (MdInput      *self,
                                              guint         index);
/* TRUE when the whole input is one mail: the answer to "attach the bounce". */
gboolean      md_input_is_message            (MdInput      *self);
/* Message @index as GMime reads it, parsed once; NULL when it is not a
 * mail or is beyond the guards (too large, too many multiparts). */
GMimeMessage *md_input_get_message           (MdInput      *self,
                                              guint         index);
gboolean      md_input_message_too_complex   (MdInput      *self,
                                              guint         index);
/* The bytes of message @index as an .eml (NULL unless it is a mail). */
GBytes       *md_input_dup_message_bytes     (MdInput      *self,
                                              guint         index);

/* Who the bounce was delivered to (its To:, Delivered-To, X-Original-To):
 * the sender of the message that bounced. NULL when not a mail. */
char         *md_input_dup_bounce_addressee  (MdInput      *self,
                                              guint         index);
/* The address that sent the message that bounced: the returned message's
 * From or Return-Path, the DSN's envelope sender (X-Postfix-Sender), a log
 * line's from=<…>. NULL when the input does not say. */
char         *md_input_dup_original_sender   (MdInput      *self,
                                              guint         index);
/* The sending server's HELO name: a transcript's EHLO/HELO, a log line's
 * helo=<…>, the DSN's Reporting-MTA (a host, not a bare domain) or the
 * returned message's last Received "by" host. A host name or NULL. */
char         *md_input_dup_helo              (MdInput      *self,
                                              guint         index);

G_END_DECLS
