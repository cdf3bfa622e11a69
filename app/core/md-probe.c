/* md-probe.c — "test from your server": the command and what its transcript says
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include <gio/gio.h>
#include <string.h>

#include "md-probe.h"

/* MailDoctor runs on the admin's desktop, not on the blocked server, so it
 * cannot ask the receiver itself whether the block is lifted. The server can:
 * these commands talk to the receiver up to RCPT TO and quit, sending no
 * message. Every value comes from a rejection someone else wrote, so each is
 * validated (no option-like or control characters) and shell-quoted. */

G_DEFINE_QUARK (md-probe-error-quark, md_probe_error)

/* Pauses between the commands of the openssl and nc variants: a client that
 * talks before the greeting is dropped by pregreet tests (Postfix postscreen,
 * many large receivers), so the piped commands wait for each reply. */
#define PROBE_SCRIPT_FMT                                                           \
  "{ sleep 5; printf 'EHLO %%s\\r\\n' %s; sleep 3; printf 'MAIL FROM:<%%s>\\r\\n' %s; " \
  "sleep 3; printf 'RCPT TO:<%%s>\\r\\n' %s; sleep 3; printf 'QUIT\\r\\n'; }"

static gboolean
is_hostname (const char *s)
{
  gsize len;
  const char *label = s;

  if (s == NULL || *s == '\0')
    return FALSE;
  len = strlen (s);
  if (len > 253)
    return FALSE;
  for (const char *p = s; ; p++)
    {
      if (*p == '.' || *p == '\0')
        {
          gsize label_len = p - label;

          /* A trailing dot (the root) is fine, an empty label elsewhere is not. */
          if (label_len == 0 && !(*p == '\0' && p != s))
            return FALSE;
          if (label_len > 63)
            return FALSE;
          if (label_len > 0 && (label[0] == '-' || p[-1] == '-'))
            return FALSE;
          if (*p == '\0')
            break;
          label = p + 1;
          continue;
        }
      if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
        return FALSE;
    }

  return TRUE;
}

/* A host name or an IP address: what --server, -connect and nc take. */
static gboolean
is_server (const char *s)
{
  return s != NULL && (g_hostname_is_ip_address (s) || is_hostname (s));
}

/* HELO takes a host name or an address literal ("[192.0.2.1]"). */
static gboolean
is_helo (const char *s)
{
  gsize len;

  if (s == NULL)
    return FALSE;
  len = strlen (s);
  if (len > 2 && s[0] == '[' && s[len - 1] == ']')
    {
      g_autofree char *inner = g_strndup (s + 1, len - 2);

      if (g_str_has_prefix (inner, "IPv6:"))
        return g_hostname_is_ip_address (inner + 5);
      return g_hostname_is_ip_address (inner);
    }
  return is_hostname (s);
}

/* RFC 5321 dot-atom local parts only: a quoted local part is legal but has
 * no place in a delist case, and refusing it keeps quotes out of the command. */
static gboolean
is_address (const char *s)
{
  const char *at;
  static const char atext[] = "!#$%&'*+-/=?^_`{|}~.";

  if (s == NULL || *s == '\0' || *s == '-' || *s == '.')
    return FALSE;
  at = strrchr (s, '@');
  if (at == NULL || at == s || at - s > 64 || at[-1] == '.')
    return FALSE;
  for (const char *p = s; p < at; p++)
    {
      if (g_ascii_isalnum (*p))
        continue;
      if (strchr (atext, *p) == NULL || *p == '\0')
        return FALSE;
      if (*p == '.' && p[1] == '.')
        return FALSE;
    }
  return is_hostname (at + 1) && strchr (at + 1, '.') != NULL;
}

/* The message does not quote the value: it may hold anything. */
static gboolean
check_value (const char  *message,
             const char  *value,
             gboolean   (*valid) (const char *),
             GError     **error)
{
  if (valid (value))
    return TRUE;

  g_set_error_literal (error, MD_PROBE_ERROR, MD_PROBE_ERROR_INVALID_VALUE, message);
  return FALSE;
}

const char *
md_probe_tool_to_string (MdProbeTool tool)
{
  switch (tool)
    {
    case MD_PROBE_TOOL_SWAKS:   return "swaks";
    case MD_PROBE_TOOL_OPENSSL: return "openssl";
    case MD_PROBE_TOOL_NC:      return "nc";
    default:                    break;
    }
  g_return_val_if_reached (NULL);
}

gboolean
md_probe_tool_from_string (const char  *string,
                           MdProbeTool *tool)
{
  g_return_val_if_fail (tool != NULL, FALSE);

  for (MdProbeTool t = MD_PROBE_TOOL_SWAKS; t <= MD_PROBE_TOOL_NC; t++)
    if (g_strcmp0 (string, md_probe_tool_to_string (t)) == 0)
      {
        *tool = t;
        return TRUE;
      }
  return FALSE;
}

static char *
script_for (const MdProbeTarget *target)
{
  g_autofree char *helo = target->helo != NULL ? g_shell_quote (target->helo)
                                               : g_strdup ("\"$(hostname -f)\"");
  g_autofree char *from = g_shell_quote (target->from != NULL ? target->from : "");
  g_autofree char *rcpt = g_shell_quote (target->recipient);

  return g_strdup_printf (PROBE_SCRIPT_FMT, helo, from, rcpt);
}

char *
md_probe_command_new (MdProbeTool           tool,
                      const MdProbeTarget  *target,
                      GError              **error)
{
  g_autoptr(GString) cmd = g_string_new (NULL);
  g_autofree char *script = NULL;
  gboolean have_from;
  guint port;

  g_return_val_if_fail (target != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  have_from = target->from != NULL && *target->from != '\0';
  port = target->port != 0 ? target->port : 25;

  if (!check_value (_("The recipient is not a plain mail address."),
                    target->recipient, is_address, error) ||
      (target->server != NULL &&
       !check_value (_("The server is not a host name or IP address."),
                     target->server, is_server, error)) ||
      (target->helo != NULL &&
       !check_value (_("The HELO name is not a host name or address literal."),
                     target->helo, is_helo, error)) ||
      (have_from && !check_value (_("The sender is not a plain mail address."),
                                  target->from, is_address, error)))
    return NULL;

  switch (tool)
    {
    case MD_PROBE_TOOL_SWAKS:
      {
        g_autofree char *to = g_shell_quote (target->recipient);
        g_autofree char *from = g_shell_quote (have_from ? target->from : "<>");

        g_string_append_printf (cmd, "swaks --to %s", to);
        if (target->server != NULL)
          {
            g_autofree char *server = g_shell_quote (target->server);
            g_string_append_printf (cmd, " --server %s", server);
          }
        if (target->port != 0 && target->port != 25)
          g_string_append_printf (cmd, " --port %u", target->port);
        g_string_append (cmd, " --quit-after RCPT");
        if (target->helo != NULL)
          {
            g_autofree char *helo = g_shell_quote (target->helo);
            g_string_append_printf (cmd, " --helo %s", helo);
          }
        g_string_append_printf (cmd, " --from %s", from);
        break;
      }

    case MD_PROBE_TOOL_OPENSSL:
    case MD_PROBE_TOOL_NC:
      {
        g_autofree char *server = NULL;

        if (target->server == NULL)
          {
            g_set_error_literal (error, MD_PROBE_ERROR, MD_PROBE_ERROR_NO_SERVER,
                                 _("This test command needs the receiving server: give its "
                                   "MX host or the host that rejected the mail."));
            return NULL;
          }
        server = g_shell_quote (target->server);
        script = script_for (target);
        if (tool == MD_PROBE_TOOL_NC)
          {
            g_string_append_printf (cmd, "%s | nc -w 20 %s %u", script, server, port);
          }
        else
          {
            g_autofree char *connect = NULL;
            g_autofree char *connect_quoted = NULL;

            connect = strchr (target->server, ':') != NULL
                        ? g_strdup_printf ("[%s]:%u", target->server, port)
                        : g_strdup_printf ("%s:%u", target->server, port);
            connect_quoted = g_shell_quote (connect);
            g_string_append_printf (cmd, "%s | openssl s_client -quiet -starttls smtp -connect %s",
                                    script, connect_quoted);
            if (!g_hostname_is_ip_address (target->server))
              g_string_append_printf (cmd, " -servername %s", server);
            if (target->helo != NULL && !g_str_has_prefix (target->helo, "["))
              {
                g_autofree char *helo = g_shell_quote (target->helo);
                g_string_append_printf (cmd, " -name %s", helo);
              }
          }
        /* Errors (connection refused, no STARTTLS) belong in the transcript. */
        g_string_append (cmd, " 2>&1");
        break;
      }

    default:
      g_return_val_if_reached (NULL);
    }

  return g_string_free (g_steal_pointer (&cmd), FALSE);
}

/* ------------------------------------------------------------------------ */
/* Reading the transcript                                                    */

typedef enum
{
  LINE_OTHER,
  LINE_CLIENT,
  LINE_SERVER,
} LineKind;

/* swaks marks what it sent with "->"/"~>" (plain/TLS) and what it got with
 * "<-"/"<~", errors with "<**"/"<~*"; nc and openssl print replies bare. */
static LineKind
classify (const char  *line,
          const char **rest)
{
  static const struct { const char *prefix; LineKind kind; } marks[] = {
    { "<~*", LINE_SERVER }, { "<**", LINE_SERVER }, { "<-", LINE_SERVER }, { "<~", LINE_SERVER },
    { "->", LINE_CLIENT }, { "~>", LINE_CLIENT },
  };

  while (*line == ' ' || *line == '\t')
    line++;
  for (guint i = 0; i < G_N_ELEMENTS (marks); i++)
    if (g_str_has_prefix (line, marks[i].prefix))
      {
        line += strlen (marks[i].prefix);
        while (*line == ' ')
          line++;
        *rest = line;
        return marks[i].kind;
      }
  *rest = line;
  if (g_ascii_isdigit (line[0]) && g_ascii_isdigit (line[1]) && g_ascii_isdigit (line[2]) &&
      (line[3] == ' ' || line[3] == '-' || line[3] == '\0'))
    return LINE_SERVER;
  return LINE_OTHER;
}

static const char *
stage_of_command (const char *command)
{
  static const struct { const char *verb; const char *stage; } verbs[] = {
    { "EHLO", "EHLO" }, { "HELO", "EHLO" }, { "LHLO", "EHLO" }, { "STARTTLS", "STARTTLS" },
    { "MAIL", "MAIL FROM" }, { "RCPT", "RCPT TO" }, { "DATA", "DATA" }, { "QUIT", "QUIT" },
    { "AUTH", "AUTH" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    if (g_ascii_strncasecmp (command, verbs[i].verb, strlen (verbs[i].verb)) == 0)
      return verbs[i].stage;
  return NULL;
}

static char *
enhanced_status_of (const char *text)
{
  g_autoptr(GRegex) regex = g_regex_new ("^([245]\\.[0-9]{1,3}\\.[0-9]{1,3})\\b", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  if (g_regex_match (regex, text, 0, &match))
    return g_match_info_fetch (match, 1);
  return NULL;
}

/* A bare transcript shows only replies: they answer, in order, the
 * greeting (nc; openssl reads it itself before STARTTLS), EHLO, MAIL FROM,
 * RCPT TO and QUIT. */
static const char *
stage_in_sequence (guint    index,
                   guint    code,
                   gboolean *greeting)
{
  static const char *order[] = { "EHLO", "MAIL FROM", "RCPT TO", "QUIT" };

  if (index == 0 && (code == 220 || code >= 400))
    {
      *greeting = TRUE;
      return "CONNECT";
    }
  if (*greeting)
    index--;
  return index < G_N_ELEMENTS (order) ? order[index] : NULL;
}

MdProbeOutcome *
md_probe_read_transcript (const char *text)
{
  g_autoptr(MdProbeOutcome) outcome = g_new0 (MdProbeOutcome, 1);
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) reply = g_string_new (NULL);
  const char *stage = "CONNECT";
  gboolean seen_client = FALSE, greeting = FALSE;
  guint replies = 0;

  g_return_val_if_fail (text != NULL, NULL);

  outcome->kind = MD_PROBE_OUTCOME_UNDECIDED;
  lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *rest = NULL;
      char *line = g_strchomp (lines[i]);
      LineKind kind = classify (line, &rest);
      guint code;
      const char *reply_stage;

      if (kind == LINE_CLIENT)
        {
          const char *s = stage_of_command (rest);

          seen_client = TRUE;
          if (s != NULL)
            stage = s;
          continue;
        }
      if (kind != LINE_SERVER || !g_ascii_isdigit (rest[0]) || strlen (rest) < 3)
        continue;

      if (reply->len > 0)
        g_string_append_c (reply, ' ');
      g_string_append (reply, rest[3] != '\0' ? rest + 4 : "");
      if (rest[3] == '-')
        continue;   /* more lines of the same reply follow */

      code = (guint) g_ascii_strtoull (rest, NULL, 10);
      reply_stage = seen_client ? stage : stage_in_sequence (replies++, code, &greeting);

      if (reply_stage != NULL && g_str_equal (reply_stage, "QUIT"))
        {
          g_string_truncate (reply, 0);
          continue;
        }

      if (code >= 400 && code < 600)
        {
          outcome->kind = MD_PROBE_OUTCOME_REJECTED;
          outcome->stage = g_strdup (reply_stage != NULL ? reply_stage : stage);
          outcome->smtp_code = code;
          outcome->enhanced_status = enhanced_status_of (reply->str);
          outcome->reply = g_strdup (reply->str);
          break;
        }
      if (code >= 200 && code < 300 && reply_stage != NULL && g_str_equal (reply_stage, "RCPT TO"))
        {
          outcome->kind = MD_PROBE_OUTCOME_ACCEPTED;
          outcome->stage = g_strdup (reply_stage);
          outcome->smtp_code = code;
          outcome->enhanced_status = enhanced_status_of (reply->str);
          outcome->reply = g_strdup (reply->str);
          break;
        }
      g_string_truncate (reply, 0);
    }

  return g_steal_pointer (&outcome);
}

const char *
md_probe_outcome_kind_to_string (MdProbeOutcomeKind kind)
{
  switch (kind)
    {
    case MD_PROBE_OUTCOME_UNDECIDED: return "undecided";
    case MD_PROBE_OUTCOME_REJECTED:  return "rejected";
    case MD_PROBE_OUTCOME_ACCEPTED:  return "accepted";
    default:                         break;
    }
  g_return_val_if_reached (NULL);
}

char *
md_probe_outcome_describe (const MdProbeOutcome *outcome)
{
  g_return_val_if_fail (outcome != NULL, NULL);

  switch (outcome->kind)
    {
    case MD_PROBE_OUTCOME_ACCEPTED:
      return g_strdup (_("Accepted at RCPT TO: the block looks lifted."));

    case MD_PROBE_OUTCOME_REJECTED:
      {
        g_autofree char *code = outcome->enhanced_status != NULL
                                  ? g_strdup (outcome->enhanced_status)
                                  : g_strdup_printf ("%u", outcome->smtp_code);

        if (outcome->smtp_code < 500)
          /* Translators: "Deferred with 4.7.0 at RCPT TO" */
          return g_strdup_printf (_("Deferred with %s at %s (a temporary refusal)."),
                                  code, outcome->stage);
        /* Translators: "Still rejected with 5.7.511 at RCPT TO" */
        return g_strdup_printf (_("Still rejected with %s at %s."), code, outcome->stage);
      }

    case MD_PROBE_OUTCOME_UNDECIDED:
    default:
      return g_strdup (_("Could not decide: the transcript holds no reply to RCPT TO. "
                         "Did the command reach the receiving server?"));
    }
}

void
md_probe_outcome_free (MdProbeOutcome *outcome)
{
  if (outcome == NULL)
    return;
  g_free (outcome->stage);
  g_free (outcome->enhanced_status);
  g_free (outcome->reply);
  g_free (outcome);
}
