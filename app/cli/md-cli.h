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
/* Parses a subcommand's options; on failure prints the one-line error and
 * returns FALSE (the caller exits with MD_CLI_EXIT_USAGE). */
gboolean md_cli_parse_options (GOptionContext  *context,
                               int             *argc,
                               char          ***argv);

G_END_DECLS
