/* md-bounded-read.h — read a stream or file into memory, never more than a limit
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Reads @stream to its end in chunks and returns what it held. Stops as soon
 * as more than @limit bytes arrive (a regular file larger than @limit is
 * refused before any read): G_IO_ERROR_MESSAGE_TOO_LARGE, with a message
 * that names the limit ("… larger than 512 MB …"). Never holds more than
 * @limit + 1 bytes. Blocks: call it from a thread, or use the async pair. */
GBytes *md_read_bounded              (GInputStream         *stream,
                                      gsize                 limit,
                                      GCancellable         *cancellable,
                                      GError              **error);
/* The same in a worker thread (GTask). */
void    md_read_bounded_async        (GInputStream         *stream,
                                      gsize                 limit,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
GBytes *md_read_bounded_finish       (GAsyncResult         *result,
                                      GError              **error);
/* Opens @file and reads it as md_read_bounded_async() does: the bounded
 * replacement for g_file_load_bytes_async(). */
void    md_file_read_bounded_async   (GFile                *file,
                                      gsize                 limit,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
GBytes *md_file_read_bounded_finish  (GFile                *file,
                                      GAsyncResult         *result,
                                      GError              **error);
/* The limit as the README and the messages write it: "512 MB". */
char   *md_format_read_limit         (gsize                 limit);
/* G_IO_ERROR_MESSAGE_TOO_LARGE as the readers above set it. */
void    md_set_read_limit_error      (GError              **error,
                                      gsize                 limit);

G_END_DECLS
