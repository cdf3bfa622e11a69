/* md-probe.h — "test from your server": the command and what its transcript says
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MD_PROBE_ERROR (md_probe_error_quark ())

typedef enum
{
  MD_PROBE_ERROR_INVALID_VALUE,   /* a value that is no address / host name */
  MD_PROBE_ERROR_NO_SERVER,       /* openssl and nc need the receiving server */
} MdProbeError;

/* What runs on the admin's mail server. swaks finds the MX itself. */
typedef enum
{
  MD_PROBE_TOOL_SWAKS,
  MD_PROBE_TOOL_OPENSSL,
  MD_PROBE_TOOL_NC,
} MdProbeTool;

typedef struct
{
  char *recipient;  /* required: the address that was rejected */
  char *server;     /* the receiver's MX or rejecting host; NULL: swaks looks up the MX */
  char *helo;       /* NULL: the tool's default (the server's own name) */
  char *from;       /* NULL or "": the null sender <> */
  guint port;       /* 0: 25, the port receivers listen on */
} MdProbeTarget;

typedef enum
{
  MD_PROBE_OUTCOME_UNDECIDED,  /* no reply to RCPT TO in the transcript */
  MD_PROBE_OUTCOME_REJECTED,   /* a 4xx/5xx reply before or at RCPT TO */
  MD_PROBE_OUTCOME_ACCEPTED,   /* 2xx to RCPT TO */
} MdProbeOutcomeKind;

typedef struct
{
  MdProbeOutcomeKind  kind;
  char               *stage;            /* "CONNECT", "EHLO", "MAIL FROM", "RCPT TO", "STARTTLS" */
  guint               smtp_code;        /* 0 when undecided */
  char               *enhanced_status;  /* "5.7.511" or NULL */
  char               *reply;            /* the reply's text, lines joined by spaces; NULL */
} MdProbeOutcome;

GQuark          md_probe_error_quark          (void);
const char     *md_probe_tool_to_string       (MdProbeTool           tool);
gboolean        md_probe_tool_from_string     (const char           *string,
                                               MdProbeTool          *tool);
char           *md_probe_command_new          (MdProbeTool           tool,
                                               const MdProbeTarget  *target,
                                               GError              **error);
MdProbeOutcome *md_probe_read_transcript      (const char           *text);
/* Translated one-line summary for the timeline: "Still rejected with
 * 5.7.511 at RCPT TO" / "Accepted at RCPT TO: the block looks lifted". */
char           *md_probe_outcome_describe     (const MdProbeOutcome *outcome);
const char     *md_probe_outcome_kind_to_string (MdProbeOutcomeKind  kind);
void            md_probe_outcome_free         (MdProbeOutcome       *outcome);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdProbeOutcome, md_probe_outcome_free)

G_END_DECLS
