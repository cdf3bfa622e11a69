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

int md_cli_check (int argc, char **argv);
int md_cli_draft (int argc, char **argv);
int md_cli_parse (int argc, char **argv);
int md_cli_probe_command (int argc, char **argv);
int md_cli_probe_result (int argc, char **argv);
int md_cli_scan (int argc, char **argv);
int md_cli_spf (int argc, char **argv);

#define MD_CLI_COMMANDS \
  { "check", md_cli_check, N_("Check a sending server: blocklists, reverse DNS, HELO, recipient MX") }, \
  { "parse", md_cli_parse, N_("Read a rejection and explain it") }, \
  { "scan", md_cli_scan, N_("Group every rejection in mail server logs by receiver and cause") }, \
  { "spf", md_cli_spf, N_("Evaluate a sender’s SPF policy for an IP address") }, \
  { "draft", md_cli_draft, N_("Draft the delist request for a rejection") }, \
  { "probe-command", md_cli_probe_command, N_("Print a command that tests from your mail server whether the receiver still rejects") }, \
  { "probe-result", md_cli_probe_result, N_("Read that command’s transcript: still rejected, or accepted?") }, \
  { NULL, NULL, NULL },

G_END_DECLS
