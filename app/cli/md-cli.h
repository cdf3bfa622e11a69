/* md-cli.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The exit-code contract (DESIGN.md): 0 whatever was found, 2 for bad usage
 * or unreadable input, with one line on stderr. */
#define MD_CLI_EXIT_OK    0
#define MD_CLI_EXIT_USAGE 2

typedef int (*MdCliCommandFunc) (int    argc,
                                 char **argv);

int    md_cli_usage_error  (const char  *format,
                            ...) G_GNUC_PRINTF (1, 2);
/* Reads FILE, or standard input for NULL or "-". */
GBytes *md_cli_read_input  (const char  *path,
                            GError     **error);
/* Every human and JSON line goes through g_print()/g_printerr(), and these
 * handlers: text from the network is made harmless for a terminal
 * (md_cli_sanitize_text()), and a failed write to stdout is remembered. */
void     md_cli_output_init   (void);
/* At exit: flushes stdout; when any write failed (a full disk, /dev/full),
 * prints one line and turns exit 0 into MD_CLI_EXIT_USAGE. */
int      md_cli_output_finish (int          status);
/* The ONE helper for text that reaches a terminal: C0 and C1 controls, DEL,
 * escape sequences, bidirectional overrides and line separators become
 * visible "\uXXXX"; line feed and tab stay; invalid UTF-8 becomes U+FFFD. */
char    *md_cli_sanitize_text (const char  *text);
/* Writes @bytes into @path ("-" for stdout): an existing regular file is
 * truncated and written in place, a new one created 0600; a symlink, FIFO,
 * device or directory is refused with G_IO_ERROR_NOT_REGULAR_FILE. */
gboolean md_cli_write_output_file (const char  *path,
                                   GBytes      *bytes,
                                   GError     **error);
/* Parses a subcommand's options; on failure prints the one-line error and
 * returns FALSE (the caller exits with MD_CLI_EXIT_USAGE). */
gboolean md_cli_parse_options (GOptionContext  *context,
                               int             *argc,
                               char          ***argv);

G_END_DECLS
