/* md-cli-parse.c — maildoctor-cli parse [--json] [FILE…|-]
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "md-cli.h"
#include "md-cli-commands.h"
#include "md-diagnosis.h"
#include "md-util.h"

/* The diagnoses of the inputs given, in order; a file without rejections
 * has none. */
typedef struct
{
  GPtrArray *diagnoses;   /* of MdDiagnosis* */
  guint      n_rejections;
  guint      seen;
  gboolean   truncated;
} Parsed;

static JsonNode *
source_to_json (const MdRejection *rejection)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  md_json_builder_add_string_member (builder, "file", rejection->source_file);
  json_builder_set_member_name (builder, "message");
  if (rejection->source_message > 0)
    json_builder_add_int_value (builder, rejection->source_message);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static JsonNode *
parsed_to_json (const Parsed *parsed)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "rejections");
  json_builder_begin_array (builder);
  for (guint d = 0; d < parsed->diagnoses->len; d++)
    {
      MdDiagnosis *diagnosis = g_ptr_array_index (parsed->diagnoses, d);

      for (guint i = 0; i < md_diagnosis_get_n_rejections (diagnosis); i++)
        {
          const MdRejection *rejection = md_diagnosis_get_rejection (diagnosis, i);
          const MdExplanation *explanation = md_diagnosis_get_explanation (diagnosis, i);
          JsonNode *node = md_rejection_to_json (rejection);
          JsonObject *object = json_node_get_object (node);

          if (explanation != NULL)
            json_object_set_member (object, "explanation", md_explanation_to_json (explanation));
          else
            json_object_set_null_member (object, "explanation");
          json_object_set_member (object, "source", source_to_json (rejection));
          json_builder_add_value (builder, node);
        }
    }
  json_builder_end_array (builder);
  /* The parser keeps at most 1,000 rejections per input. */
  json_builder_set_member_name (builder, "truncated");
  json_builder_add_boolean_value (builder, parsed->truncated);
  json_builder_set_member_name (builder, "seen");
  json_builder_add_int_value (builder, parsed->seen);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
print_field (const char *label,
             const char *value)
{
  if (value == NULL || *value == '\0')
    return;
  /* Labels are padded by hand: their translations differ in length. */
  g_print ("  %s %*s%s\n", label, MAX (0, 20 - (int) g_utf8_strlen (label, -1)), "", value);
}

static const char *
language_label (const char *code)
{
  if (code == NULL)
    return NULL;
  if (g_str_equal (code, "en"))
    return _("English");
  if (g_str_equal (code, "de"))
    return _("German");
  return code;
}

static void
print_explanation (const MdExplanation *e)
{
  g_autofree char *channel = md_explanation_describe_channel (e);

  g_print ("\n  %s\n", e->title ? e->title : "");
  if (e->meaning != NULL)
    g_print ("  %s\n", e->meaning);
  print_field (_("Likely cause:"), e->cause);
  if (e->remedy != NULL && e->remedy[0] != NULL)
    {
      g_print ("  %s\n", _("What to do:"));
      for (guint i = 0; e->remedy[i] != NULL; i++)
        g_print ("    %u. %s\n", i + 1, e->remedy[i]);
    }
  print_field (_("Delist channel:"), channel);
  print_field (_("Address:"), e->channel_address);
  print_field (_("Web page:"), e->channel_url);
  print_field (_("Write in:"), language_label (e->channel_language));
  print_field (_("Response time:"), e->response_time);
  if (e->pitfalls != NULL && e->pitfalls[0] != NULL)
    {
      g_print ("  %s\n", _("Pitfalls:"));
      for (guint i = 0; e->pitfalls[i] != NULL; i++)
        g_print ("    – %s\n", e->pitfalls[i]);
    }
}

/* Part of the report in human output; on stderr next to JSON, which stays
 * valid on stdout. */
static void
print_truncation_note (const Parsed *parsed,
                       gboolean      to_stderr)
{
  void (*print) (const char *format, ...) = to_stderr ? g_printerr : g_print;

  if (!parsed->truncated)
    return;

  if (!to_stderr)
    g_print ("\n");
  print (g_dngettext (GETTEXT_PACKAGE,
                           "Only the first %u of %u rejection is shown: the rest was left out. A "
                           "log this big is for “maildoctor-cli scan”, which counts every rejection in it.\n",
                           "Only the first %u of %u rejections are shown: the rest were left out. A "
                           "log this big is for “maildoctor-cli scan”, which counts every rejection in it.\n",
                           parsed->seen),
              parsed->n_rejections, parsed->seen);
}

static void
print_human (const Parsed *parsed,
             gboolean      show_source)
{
  guint n = 0;

  if (parsed->n_rejections == 0)
    {
      g_print ("%s\n", _("No rejection found in the input. Paste the bounce message, the "
                         "server’s reply or the log line that names the reply code."));
      return;
    }

  g_print (g_dngettext (GETTEXT_PACKAGE, "Found %u rejection.\n", "Found %u rejections.\n",
                        parsed->n_rejections), parsed->n_rejections);

  for (guint d = 0; d < parsed->diagnoses->len; d++)
    {
      MdDiagnosis *diagnosis = g_ptr_array_index (parsed->diagnoses, d);

      for (guint i = 0; i < md_diagnosis_get_n_rejections (diagnosis); i++)
        {
          const MdRejection *r = md_diagnosis_get_rejection (diagnosis, i);
          const MdExplanation *explanation = md_diagnosis_get_explanation (diagnosis, i);
          g_autofree char *receiver = NULL;
          g_autofree char *server = NULL;
          g_autofree char *reply = NULL;
          g_autofree char *references = NULL;
          g_autofree char *source = NULL;
          g_autoptr(GString) contacts = g_string_new (NULL);
          const char *kind;

          g_print ("\n");
          g_print (_("Rejection %u"), ++n);
          g_print ("\n");

          if (show_source && r->source_message > 0)
            /* Translators: where a rejection was found: a file name and the number of the
             * message in an mbox file */
            source = g_strdup_printf (_("%s, message %u"), r->source_file ? r->source_file : "-",
                                      r->source_message);
          else if (show_source)
            source = g_strdup (r->source_file);
          print_field (_("Found in:"), source);
          print_field (_("Recipient:"), r->recipient);
          /* The names the window shows (receivers.xml); --json keeps the ids. */
          if (r->provider != NULL && r->service != NULL)
            receiver = g_strdup_printf ("%s (%s)", md_provider_display_name (r->provider),
                                        md_provider_service_display_name (r->provider,
                                                                          r->service));
          else if (r->provider != NULL)
            receiver = g_strdup (md_provider_display_name (r->provider));
          else
            /* The window's rule: the recipient's domain, else the host. */
            receiver = md_rejection_dup_receiver (r);
          print_field (_("Receiver:"), receiver ? receiver : _("unknown"));
          if (r->remote_host != NULL || r->remote_ip != NULL)
            server = g_strdup_printf ("%s%s%s%s", r->remote_host ? r->remote_host : "",
                                      r->remote_host && r->remote_ip ? " ["
                                      : (r->remote_ip ? "[" : ""),
                                      r->remote_ip ? r->remote_ip : "", r->remote_ip ? "]" : "");
          print_field (_("Rejecting server:"), server);
          kind = r->temporary ? _("temporary") : _("permanent");
          if (r->smtp_code != 0)
            reply = g_strdup_printf ("%u%s%s — %s", r->smtp_code, r->enhanced_status ? " " : "",
                                     r->enhanced_status ? r->enhanced_status : "", kind);
          else
            reply = g_strdup_printf ("%s — %s", r->enhanced_status ? r->enhanced_status : "?",
                                     kind);
          print_field (_("Reply:"), reply);
          print_field (_("Stage:"), md_smtp_stage_get_label (r->stage));
          print_field (_("Blocked IP:"), r->blocked_ip);
          if (r->references != NULL && r->references[0] != NULL)
            references = g_strjoinv (", ", r->references);
          print_field (_("References:"), references);
          for (guint j = 0; j < r->contacts->len; j++)
            {
              const MdContact *c = g_ptr_array_index (r->contacts, j);
              if (contacts->len > 0)
                g_string_append (contacts, ", ");
              g_string_append (contacts, c->value);
            }
          print_field (_("Contacts:"), contacts->str);
          print_field (_("Text:"), r->text);

          if (explanation != NULL)
            print_explanation (explanation);
        }
    }
}

int
md_cli_parse (int    argc,
              char **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON (the format the README documents)"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GPtrArray) diagnoses = g_ptr_array_new_with_free_func (g_object_unref);
  const char *stdin_only[] = { "-", NULL };
  const char * const *paths;
  Parsed parsed = { 0, };
  gboolean show_source;
  guint n_stdin = 0;

  context = g_option_context_new (_("[FILE…|-]"));
  g_option_context_set_summary (context, _("Read rejections (bounce messages, mbox files, SMTP "
                                           "replies or log lines) and explain them."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!md_cli_parse_options (context, &argc, &argv))
    return MD_CLI_EXIT_USAGE;

  /* GOption leaves the "--" that ends the options (`parse -- -file.txt`). */
  if (argc >= 2 && g_str_equal (argv[1], "--"))
    {
      argv++;
      argc--;
    }
  paths = argc >= 2 ? (const char * const *) argv + 1 : stdin_only;
  for (guint i = 0; paths[i] != NULL; i++)
    if (g_str_equal (paths[i], "-") && ++n_stdin > 1)
      return md_cli_usage_error ("%s", _("standard input (-) can be read once only"));

  parsed.diagnoses = diagnoses;
  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(MdInput) input = NULL;
      g_autoptr(MdDiagnosis) diagnosis = NULL;

      bytes = md_cli_read_input (paths[i], &error);
      if (bytes == NULL)
        return md_cli_usage_error (_("cannot read “%s”: %s"), paths[i], error->message);

      input = md_input_new (bytes, paths[i]);
      diagnosis = md_diagnosis_new (input, NULL, &error);
      if (diagnosis == NULL && g_error_matches (error, MD_DIAGNOSIS_ERROR,
                                                MD_DIAGNOSIS_ERROR_NO_REJECTION))
        continue;
      if (diagnosis == NULL)
        return md_cli_usage_error ("%s", error->message);

      parsed.n_rejections += md_diagnosis_get_n_rejections (diagnosis);
      parsed.seen += md_diagnosis_get_n_seen (diagnosis);
      parsed.truncated |= md_diagnosis_is_truncated (diagnosis);
      g_ptr_array_add (diagnoses, g_steal_pointer (&diagnosis));
    }

  /* Which file a rejection came from matters once there are several, or
   * several messages in one. */
  show_source = g_strv_length ((char **) paths) > 1;
  for (guint d = 0; d < diagnoses->len && !show_source; d++)
    show_source = md_input_is_mbox (md_diagnosis_get_input (g_ptr_array_index (diagnoses, d)));

  if (json)
    {
      g_autoptr(JsonNode) root = parsed_to_json (&parsed);
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autofree char *text = NULL;

      json_generator_set_pretty (generator, TRUE);
      json_generator_set_root (generator, root);
      text = json_generator_to_data (generator, NULL);
      g_print ("%s\n", text);
      /* stdout stays valid JSON; the notes for a human go to stderr. */
      if (parsed.n_rejections == 0)
        g_printerr ("%s\n", _("No rejection found in the input."));
    }
  else
    print_human (&parsed, show_source);

  print_truncation_note (&parsed, json);

  return MD_CLI_EXIT_OK;
}
