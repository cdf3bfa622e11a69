/* md-cli-commands.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib/gi18n.h>

G_BEGIN_DECLS

/* Each sub-command lives in md-cli-NAME.c: declare it here and add one line
 * to MD_CLI_COMMANDS (name, function, translatable one-line summary). */

#define MD_CLI_COMMANDS \
  { NULL, NULL, NULL },

G_END_DECLS
