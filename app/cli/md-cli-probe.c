/* md-cli-probe.c — maildoctor-cli probe-command and probe-result
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "md-case-session.h"
#include "md-cli.h"
#include "md-cli-commands.h"
#include "md-probe.h"
#include "md-util.h"

static int
case_error (gint64      case_id,
            const char *message)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, case_id);

  /* Translators: "case 12: it names no recipient …" */
  return md_cli_usage_error (_("case %s: %s"), id, message);
}

/* The case as the window opens it (the default store, or MAILDOCTOR_CASES). */
static MdCaseSession *
open_case (gint64   case_id,
           GError **error)
{
  g_autoptr(MdCaseStore) store = md_case_store_new (NULL, error);

  if (store == NULL)
    return NULL;

  return md_case_session_open (store, case_id, error);
}

/* The case's recipient and rejecting host: what to test again. */
static gboolean
target_from_case (gint64          case_id,
                  MdProbeTarget  *target,
                  GError        **error)
{
  g_autoptr(MdCaseSession) session = open_case (case_id, error);

  if (session == NULL)
    return FALSE;
  for (guint i = 0; i < md_case_session_get_n_rejections (session); i++)
    {
      const MdRejection *r = md_case_session_get_rejection (session, i);

      if (target->recipient == NULL && r->recipient != NULL)
        target->recipient = g_strdup (r->recipient);
      if (target->server == NULL && r->remote_host != NULL)
        target->server = g_strdup (r->remote_host);
    }
  return TRUE;
}

int
md_cli_probe_command (int    argc,
                      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *recipient = NULL;
  g_autofree char *server = NULL;
  g_autofree char *helo = NULL;
  g_autofree char *from = NULL;
  g_autofree char *tool_name = NULL;
  g_autofree char *command = NULL;
  gint64 case_id = 0;
  int port = 25;
  MdProbeTool tool = MD_PROBE_TOOL_SWAKS;
  MdProbeTarget target = { 0, };
  const GOptionEntry entries[] = {
    { "case", 0, 0, G_OPTION_ARG_INT64, &case_id,
      N_("Test the recipient and server of this case"), N_("ID") },
    { "recipient", 0, 0, G_OPTION_ARG_STRING, &recipient,
      N_("The address that was rejected"), N_("ADDRESS") },
    { "server", 0, 0, G_OPTION_ARG_STRING, &server,
      N_("The receiving server (MX or rejecting host)"), N_("HOST") },
    { "helo", 0, 0, G_OPTION_ARG_STRING, &helo,
      N_("The HELO name your server uses"), N_("NAME") },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from,
      N_("Envelope sender (default: the null sender <>)"), N_("ADDRESS") },
    { "port", 0, 0, G_OPTION_ARG_INT, &port,
      N_("The receiving server’s port (default 25)"), N_("PORT") },
    { "tool", 0, 0, G_OPTION_ARG_STRING, &tool_name,
      N_("swaks (default), openssl or nc"), N_("TOOL") },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("Print a command to run on your mail server: it talks to the "
                                  "receiver up to RCPT TO and quits without sending a message."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!md_cli_parse_options (context, &argc, &argv))
    return MD_CLI_EXIT_USAGE;
  if (argc > 1)
    return md_cli_usage_error (_("unexpected argument “%s”"), argv[1]);
  if (tool_name != NULL && !md_probe_tool_from_string (tool_name, &tool))
    return md_cli_usage_error (_("unknown --tool “%s” (swaks, openssl or nc)"), tool_name);
  if (port < 1 || port > 65535)
    return md_cli_usage_error (_("invalid --port %d"), port);
  if (case_id == 0 && recipient == NULL)
    return md_cli_usage_error ("%s", _("give --recipient or --case"));

  target.recipient = g_steal_pointer (&recipient);
  target.server = g_steal_pointer (&server);
  target.helo = g_steal_pointer (&helo);
  target.from = g_steal_pointer (&from);
  target.port = (guint) port;
  if (case_id != 0 && !target_from_case (case_id, &target, &error))
    {
      g_clear_pointer (&target.recipient, g_free);
      g_clear_pointer (&target.server, g_free);
      g_clear_pointer (&target.helo, g_free);
      g_clear_pointer (&target.from, g_free);
      return case_error (case_id, error->message);
    }
  if (target.recipient == NULL)
    {
      g_clear_pointer (&target.server, g_free);
      g_clear_pointer (&target.helo, g_free);
      g_clear_pointer (&target.from, g_free);
      return case_error (case_id, _("it names no recipient: give --recipient"));
    }

  command = md_probe_command_new (tool, &target, &error);
  g_free (target.recipient);
  g_free (target.server);
  g_free (target.helo);
  g_free (target.from);
  if (command == NULL)
    return md_cli_usage_error ("%s", error->message);

  g_print ("%s\n", command);
  return MD_CLI_EXIT_OK;
}

int
md_cli_probe_result (int    argc,
                     char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) input = NULL;
  g_autoptr(MdProbeOutcome) outcome = NULL;
  g_autofree char *text = NULL;
  g_autofree char *summary = NULL;
  gboolean json = FALSE;
  gint64 case_id = 0;
  const char *path;
  gsize len = 0;
  const char *data;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { "case", 0, 0, G_OPTION_ARG_INT64, &case_id,
      N_("Record the result in this case’s timeline"), N_("ID") },
    { NULL }
  };

  context = g_option_context_new (_("[FILE|-]"));
  g_option_context_set_summary (context,
                                _("Read the transcript of the test command and say whether the "
                                  "receiver still rejects."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!md_cli_parse_options (context, &argc, &argv))
    return MD_CLI_EXIT_USAGE;
  if (argc > 2)
    return md_cli_usage_error (_("unexpected argument “%s”"), argv[2]);
  path = argc > 1 ? argv[1] : NULL;

  input = md_cli_read_input (path, &error);
  if (input == NULL)
    return md_cli_usage_error ("%s", error->message);
  data = g_bytes_get_data (input, &len);
  text = g_utf8_make_valid (data != NULL ? data : "", len);
  outcome = md_probe_read_transcript (text);
  summary = md_probe_outcome_describe (outcome);

  if (case_id != 0)
    {
      MdCaseEventKind kind = outcome->kind == MD_PROBE_OUTCOME_ACCEPTED
                               ? MD_CASE_EVENT_PROBE_ACCEPTED
                               : MD_CASE_EVENT_PROBE_REJECTED;
      g_autoptr(MdCaseSession) session = open_case (case_id, &error);

      if (session == NULL)
        return case_error (case_id, error->message);
      /* "Could not decide" is no news for the timeline. */
      if (outcome->kind != MD_PROBE_OUTCOME_UNDECIDED &&
          !md_case_session_record (session, kind, summary, &error))
        return case_error (case_id, error->message);
    }

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *out = NULL;

      json_builder_begin_object (builder);
      md_json_builder_add_string_member (builder, "outcome",
                                         md_probe_outcome_kind_to_string (outcome->kind));
      md_json_builder_add_string_member (builder, "stage", outcome->stage);
      json_builder_set_member_name (builder, "smtp_code");
      if (outcome->smtp_code != 0)
        json_builder_add_int_value (builder, outcome->smtp_code);
      else
        json_builder_add_null_value (builder);
      md_json_builder_add_string_member (builder, "enhanced_status", outcome->enhanced_status);
      md_json_builder_add_string_member (builder, "reply", outcome->reply);
      md_json_builder_add_string_member (builder, "suggested_status",
                                         outcome->kind == MD_PROBE_OUTCOME_ACCEPTED ? "delisted"
                                                                                    : NULL);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      json_generator_set_root (generator, root);
      json_generator_set_pretty (generator, TRUE);
      out = json_generator_to_data (generator, NULL);
      g_print ("%s\n", out);
    }
  else
    {
      g_print ("%s\n", summary);
      if (outcome->reply != NULL)
        {
          /* Translators: the receiver's reply, quoted; md-cli.c's print
           * handler escapes what it holds for the terminal. */
          g_print (_("Reply: %u %s\n"), outcome->smtp_code, outcome->reply);
        }
      if (outcome->kind == MD_PROBE_OUTCOME_ACCEPTED)
        g_print ("%s\n", _("If mail is delivered again, mark the case as delisted."));
    }

  return MD_CLI_EXIT_OK;
}
