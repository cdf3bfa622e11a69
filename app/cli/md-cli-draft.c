/* md-cli-draft.c — maildoctor-cli draft [--channel C] [--json] [--eml OUT] [--ip IP] … [FILE|-]
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "md-cli.h"
#include "md-cli-commands.h"
#include "md-diagnosis.h"

/* The JSON shape is documented in the README ("maildoctor-cli draft"): the
 * draft as the engine writes it, plus the explanation it came from and the
 * .eml written. */
static JsonNode *
draft_to_json (const MdDraft       *draft,
               const MdExplanation *explanation,
               const char          *eml_path)
{
  JsonNode *root = md_draft_to_json (draft);
  JsonObject *object = json_node_get_object (root);

  if (explanation != NULL)
    json_object_set_string_member (object, "explanation", explanation->id);
  else
    json_object_set_null_member (object, "explanation");
  if (eml_path != NULL)
    json_object_set_string_member (object, "eml", eml_path);
  else
    json_object_set_null_member (object, "eml");

  return root;
}

static void
print_json (JsonNode *root)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

static void
print_label (const char *label,
             const char *value)
{
  if (value == NULL || *value == '\0')
    return;
  /* Labels are padded by hand: their translations differ in length. */
  g_print ("%s %*s%s\n", label, MAX (0, 14 - (int) g_utf8_strlen (label, -1)), "", value);
}

static void
print_human (const MdDraft *draft,
             const char    *eml_path)
{
  print_label (_("Channel:"), draft->channel_id);
  print_label (_("To:"), draft->recipient);
  print_label (_("Cc:"), draft->cc);
  print_label (_("Web page:"), draft->url);
  print_label (_("Subject:"), draft->subject);
  print_label (_("Write in:"), draft->language);
  for (guint i = 0; i < draft->attachments->len; i++)
    {
      const MdDraftAttachment *a = g_ptr_array_index (draft->attachments, i);
      g_autofree char *size = g_format_size (g_bytes_get_size (a->data));
      g_autofree char *line = g_strdup_printf ("%s (%s, %s)", a->name, a->content_type, size);

      print_label (_("Attachment:"), line);
    }
  print_label (_("Saved as:"), eml_path);

  if (draft->steps[0] != NULL)
    {
      g_print ("\n%s\n", _("Steps:"));
      for (guint i = 0; draft->steps[i] != NULL; i++)
        g_print ("  %u. %s\n", i + 1, draft->steps[i]);
    }

  g_print ("\n%s\n", draft->channel_kind == MD_CHANNEL_EMAIL ? _("Text of the mail:")
                                                              : _("Text to paste:"));
  g_print ("%s", draft->body != NULL ? draft->body : "");
  if (draft->body != NULL && !g_str_has_suffix (draft->body, "\n"))
    g_print ("\n");

  if (draft->warnings[0] != NULL)
    {
      g_print ("\n%s\n", _("Before you send:"));
      for (guint i = 0; draft->warnings[i] != NULL; i++)
        g_print ("  – %s\n", draft->warnings[i]);
    }
}

static void
take_option (char       **slot,
             const char  *value)
{
  if (value != NULL && *value != '\0')
    {
      g_free (*slot);
      *slot = g_strdup (value);
    }
}

/* A value pasted into a form field or written on one line of a mail: text
 * without line breaks or other control characters. */
static gboolean
is_one_line (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return FALSE;

  return TRUE;
}

int
md_cli_draft (int    argc,
              char **argv)
{
  gboolean json = FALSE;
  g_autofree char *channel = NULL;
  g_autofree char *eml_out = NULL;
  g_autofree char *ip = NULL;
  g_autofree char *name = NULL;
  g_autofree char *organisation = NULL;
  g_autofree char *email = NULL;
  g_autofree char *website = NULL;
  g_autofree char *description = NULL;
  g_autofree char *volume = NULL;
  g_autofree char *ip_use = NULL;
  g_autofree char *organisation_kind = NULL;
  g_autofree char *description_de = NULL;
  g_auto(GStrv) steps = NULL;
  g_autofree char *answer_name = NULL;
  MdFollowUpAnswer answer = MD_FOLLOW_UP_ANSWER_UNKNOWN;
  const GOptionEntry entries[] = {
    { "channel", 0, 0, G_OPTION_ARG_STRING, &channel, N_("Draft for this channel instead of the one the rejection needs"), N_("CHANNEL") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON (the format the README documents)"), NULL },
    { "eml", 0, 0, G_OPTION_ARG_FILENAME, &eml_out, N_("Save the mail as an .eml file (- for standard output)"), N_("FILE") },
    { "ip", 0, 0, G_OPTION_ARG_STRING, &ip, N_("The blocked IP address, when the rejection does not name it"), N_("IP") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("Your name"), N_("NAME") },
    { "organisation", 0, 0, G_OPTION_ARG_STRING, &organisation, N_("Your organisation"), N_("NAME") },
    { "email", 0, 0, G_OPTION_ARG_STRING, &email, N_("Your mail address (From: and the contact)"), N_("ADDRESS") },
    { "website", 0, 0, G_OPTION_ARG_STRING, &website, N_("Your website (with the imprint)"), N_("URL") },
    { "description", 0, 0, G_OPTION_ARG_STRING, &description, N_("What kind of mail the server sends"), N_("TEXT") },
    { "volume", 0, 0, G_OPTION_ARG_STRING, &volume, N_("How much mail the server sends a day"), N_("TEXT") },
    { "ip-use", 0, 0, G_OPTION_ARG_STRING, &ip_use, N_("Who sends from the IP address: dedicated (only you) or shared (with other senders)"), N_("USE") },
    { "organisation-kind", 0, 0, G_OPTION_ARG_STRING, &organisation_kind, N_("How you describe yourself in the Outlook.com form, in English (company, university …)"), N_("TEXT") },
    { "description-de", 0, 0, G_OPTION_ARG_STRING, &description_de, N_("What kind of mail the server sends, in German, for German receivers"), N_("TEXT") },
    { "step", 0, 0, G_OPTION_ARG_STRING_ARRAY, &steps, N_("A remediation step you took (repeat for more)"), N_("TEXT") },
    { "answer", 0, 0, G_OPTION_ARG_STRING, &answer_name, N_("Draft Microsoft’s follow-up for its answer: none, not-qualified, nothing-found, acknowledged or bounced"), N_("ANSWER") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(MdInput) input = NULL;
  g_autoptr(MdDiagnosis) diagnosis = NULL;
  g_autoptr(MdSenderProfile) profile = NULL;
  g_autoptr(MdDraftFacts) facts = NULL;
  g_autoptr(MdDraft) draft = NULL;
  g_auto(GStrv) channels = NULL;
  const MdExplanation *explanation;
  const char *path = NULL;
  const char *eml_path = NULL;

  context = g_option_context_new (_("[FILE|-]"));
  g_option_context_set_summary (context, _("Draft the delist request for a rejection: a mail, or "
                                           "the text for the receiver’s web form."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!md_cli_parse_options (context, &argc, &argv))
    return MD_CLI_EXIT_USAGE;

  /* GOption leaves the "--" that ends the options (`draft -- -file.txt`). */
  if (argc >= 2 && g_str_equal (argv[1], "--"))
    {
      argv++;
      argc--;
    }
  if (argc > 2)
    return md_cli_usage_error ("%s", _("draft reads one input: give one FILE, or - for standard input"));
  if (argc == 2)
    path = argv[1];

  channels = md_draft_list_channels (&error);
  if (channels == NULL)
    return md_cli_usage_error ("%s", error->message);
  if (channel != NULL && !g_strv_contains ((const char * const *) channels, channel))
    {
      g_autofree char *list = g_strjoinv (", ", channels);
      return md_cli_usage_error (_("unknown channel “%s” (one of: %s)"), channel, list);
    }

  if (answer_name != NULL && !md_follow_up_answer_from_string (answer_name, &answer))
    return md_cli_usage_error (_("unknown answer “%s”"), answer_name);

  if (ip != NULL)
    {
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (ip);
      if (address == NULL)
        return md_cli_usage_error (_("“%s” is not an IP address"), ip);
    }

  if (ip_use != NULL && !g_str_equal (ip_use, "dedicated") && !g_str_equal (ip_use, "shared"))
    return md_cli_usage_error (_("unknown IP use “%s” (dedicated or shared)"), ip_use);
  if (organisation_kind != NULL && !is_one_line (organisation_kind))
    return md_cli_usage_error ("%s", _("--organisation-kind must be one line of text"));
  if (description_de != NULL && !is_one_line (description_de))
    return md_cli_usage_error ("%s", _("--description-de must be one line of text"));

  if (json && eml_out != NULL && g_str_equal (eml_out, "-"))
    return md_cli_usage_error ("%s", _("--json and --eml - both write to standard output: save the .eml to a file"));

  bytes = md_cli_read_input (path, &error);
  if (bytes == NULL)
    return md_cli_usage_error (_("cannot read “%s”: %s"), path ? path : "-", error->message);

  /* The same reading as the window's (MdDiagnosis): the same rejection,
   * the same request. */
  input = md_input_new (bytes, path != NULL ? path : "-");
  diagnosis = md_diagnosis_new (input, NULL, &error);
  if (diagnosis == NULL && g_error_matches (error, MD_DIAGNOSIS_ERROR, MD_DIAGNOSIS_ERROR_NO_REJECTION))
    return md_cli_usage_error ("%s", _("no rejection found in the input: give the bounce message, "
                                       "the server’s reply or the log line"));
  if (diagnosis == NULL)
    return md_cli_usage_error ("%s", error->message);

  if (ip != NULL)
    md_diagnosis_set_blocked_ip (diagnosis, ip);
  explanation = md_diagnosis_get_explanation (diagnosis, md_diagnosis_get_primary_index (diagnosis));

  /* Options win; the rest comes from the preferences when installed. */
  profile = md_sender_profile_new_from_settings ();
  take_option (&profile->name, name);
  take_option (&profile->organisation, organisation);
  take_option (&profile->email, email);
  take_option (&profile->website, website);
  take_option (&profile->description, description);
  take_option (&profile->daily_volume, volume);
  take_option (&profile->ip_use, ip_use);
  take_option (&profile->organisation_kind, organisation_kind);
  take_option (&profile->description_de, description_de);

  facts = md_draft_facts_new ();
  for (guint i = 0; steps != NULL && steps[i] != NULL; i++)
    md_draft_facts_add_remediation (facts, steps[i]);

  if (answer_name != NULL)
    draft = md_diagnosis_build_follow_up (diagnosis, profile, facts, answer, &error);
  else
    draft = md_diagnosis_build_draft (diagnosis, profile, facts, channel, &error);
  if (draft == NULL && g_error_matches (error, MD_DRAFT_ERROR, MD_DRAFT_ERROR_NO_CHANNEL))
    {
      /* A finding, not a failure: this rejection has nobody to write to. */
      if (json)
        {
          g_autoptr(JsonObject) object = json_object_new ();
          g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);

          json_object_set_null_member (object, "channel");
          if (explanation != NULL)
            json_object_set_string_member (object, "explanation", explanation->id);
          else
            json_object_set_null_member (object, "explanation");
          json_object_set_string_member (object, "reason", error->message);
          json_node_set_object (root, object);
          print_json (root);
        }
      else
        g_print ("%s\n", error->message);
      return MD_CLI_EXIT_OK;
    }
  if (draft == NULL)
    return md_cli_usage_error ("%s", error->message);

  if (eml_out != NULL)
    {
      g_autoptr(GBytes) eml = NULL;

      if (draft->channel_kind != MD_CHANNEL_EMAIL)
        return md_cli_usage_error (_("the channel “%s” is a web page, not a mail: there is no .eml to save"),
                                   draft->channel_id);

      eml = md_draft_to_eml (draft, NULL, &error);
      if (eml == NULL || !md_cli_write_output_file (eml_out, eml, &error))
        return md_cli_usage_error (_("cannot write “%s”: %s"), eml_out, error->message);
      if (!g_str_equal (eml_out, "-"))
        eml_path = eml_out;
      else if (!json)
        return MD_CLI_EXIT_OK;
    }

  if (json)
    {
      g_autoptr(JsonNode) root = draft_to_json (draft, explanation, eml_path);
      print_json (root);
    }
  else
    print_human (draft, eml_path);

  return MD_CLI_EXIT_OK;
}
