/* md-cli-spf.c — maildoctor-cli spf --ip IP --sender ADDR [--helo H] …
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
#include "md-resolver.h"
#include "md-spf.h"

/* The check could not run at all (no resolver): neither success nor usage. */
#define EXIT_CANNOT_RUN 1

typedef struct
{
  MdSpfResult *result;
  GError      *error;
  gboolean     done;
} CheckData;

static void
check_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  CheckData *data = user_data;

  data->result = md_spf_check_finish (result, &data->error);
  data->done = TRUE;
}

static void
set_string_or_null (JsonBuilder *builder,
                    const char  *name,
                    const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static JsonNode *
result_to_json (const MdSpfResult *result,
                GInetAddress      *ip)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *address = g_inet_address_to_string (ip);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "result");
  json_builder_add_string_value (builder, md_spf_verdict_to_string (result->verdict));
  set_string_or_null (builder, "explanation", result->explanation);
  set_string_or_null (builder, "mechanism", result->mechanism);
  set_string_or_null (builder, "mechanism_domain", result->mechanism_domain);
  set_string_or_null (builder, "reason", result->reason);
  set_string_or_null (builder, "domain", result->domain);
  set_string_or_null (builder, "sender", result->sender);
  set_string_or_null (builder, "ip", address);
  json_builder_set_member_name (builder, "dns_lookups");
  json_builder_add_int_value (builder, result->dns_lookups);
  json_builder_set_member_name (builder, "dns_lookup_limit");
  json_builder_add_int_value (builder, MD_SPF_MAX_DNS_LOOKUPS);
  json_builder_set_member_name (builder, "void_lookups");
  json_builder_add_int_value (builder, result->void_lookups);
  json_builder_set_member_name (builder, "void_lookup_limit");
  json_builder_add_int_value (builder, MD_SPF_MAX_VOID_LOOKUPS);

  json_builder_set_member_name (builder, "problems");
  json_builder_begin_array (builder);
  for (guint i = 0; i < result->problems->len; i++)
    {
      const MdSpfProblem *problem = g_ptr_array_index (result->problems, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, problem->id);
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, problem->message);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "trace");
  json_builder_begin_array (builder);
  for (guint i = 0; i < result->trace->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (result->trace, i));
  json_builder_end_array (builder);

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
  g_print ("  %s %*s%s\n", label, MAX (0, 16 - (int) g_utf8_strlen (label, -1)), "", value);
}

static void
print_human (const MdSpfResult *result,
             GInetAddress      *ip)
{
  g_autofree char *address = g_inet_address_to_string (ip);
  g_autofree char *decided = NULL;
  g_autofree char *lookups = NULL;
  g_autofree char *voids = NULL;

  /* Translators: "SPF for alice@example.org from 192.0.2.1: pass" — the
   * last word is the RFC 7208 result name and stays untranslated. */
  g_print (_("SPF for %s from %s: %s"), result->sender, address,
           md_spf_verdict_to_string (result->verdict));
  g_print ("\n  %s\n", md_spf_verdict_describe (result->verdict));

  print_field (_("Domain:"), result->domain);
  if (result->mechanism != NULL)
    /* Translators: "include:_spf.example.net (in the record of example.org)" */
    decided = g_strdup_printf (_("%s (in the record of %s)"), result->mechanism,
                               result->mechanism_domain);
  print_field (_("Decided by:"), decided);
  print_field (_("Explanation:"), result->explanation);
  print_field (_("Reason:"), result->reason);
  /* Translators: "3 of 10" DNS lookups */
  lookups = g_strdup_printf (_("%u of %u"), result->dns_lookups, MD_SPF_MAX_DNS_LOOKUPS);
  print_field (_("DNS lookups:"), lookups);
  voids = g_strdup_printf (_("%u of %u"), result->void_lookups, MD_SPF_MAX_VOID_LOOKUPS);
  print_field (_("Void lookups:"), voids);

  if (result->problems->len > 0)
    {
      g_print ("\n%s\n", _("Worth fixing:"));
      for (guint i = 0; i < result->problems->len; i++)
        {
          const MdSpfProblem *problem = g_ptr_array_index (result->problems, i);
          g_print ("  – %s\n", problem->message);
        }
    }

  g_print ("\n%s\n", _("Trace:"));
  for (guint i = 0; i < result->trace->len; i++)
    g_print ("  %s\n", (const char *) g_ptr_array_index (result->trace, i));
}

int
md_cli_spf (int    argc,
            char **argv)
{
  g_autofree char *ip_text = NULL;
  g_autofree char *sender = NULL;
  g_autofree char *helo = NULL;
  g_autofree char *servers = NULL;
  int timeout_ms = 0;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "ip", 0, 0, G_OPTION_ARG_STRING, &ip_text, N_("The sending server’s IP address"), N_("IP") },
    { "sender", 0, 0, G_OPTION_ARG_STRING, &sender,
      N_("The envelope sender (MAIL FROM); '' for the null sender, which checks postmaster@HELO"),
      N_("ADDRESS") },
    { "helo", 0, 0, G_OPTION_ARG_STRING, &helo, N_("The name the server gives in HELO/EHLO"),
      N_("NAME") },
    { "resolver", 0, 0, G_OPTION_ARG_STRING, &servers,
      N_("DNS servers to ask instead of the system’s"), N_("ADDR[:PORT][,…]") },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout_ms, N_("Time allowed for each DNS query"),
      N_("MS") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON (the format the README documents)"),
      NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) ip = NULL;
  g_autoptr(MdResolver) resolver = NULL;
  CheckData data = { 0 };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("Evaluate the SPF policy (RFC 7208) of a sender "
                                           "domain for a sending server’s IP address."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!md_cli_parse_options (context, &argc, &argv))
    return MD_CLI_EXIT_USAGE;

  if (argc > 1)
    return md_cli_usage_error (_("unexpected argument “%s”"), argv[1]);
  if (ip_text == NULL)
    return md_cli_usage_error ("%s", _("--ip is required: the sending server’s IP address"));
  ip = g_inet_address_new_from_string (ip_text);
  if (ip == NULL)
    return md_cli_usage_error (_("“%s” is not an IPv4 or IPv6 address"), ip_text);
  if (sender == NULL)
    return md_cli_usage_error ("%s", _("--sender is required (use --sender '' with --helo "
                                       "for the null sender)"));
  if (*sender == '\0' && (helo == NULL || *helo == '\0'))
    return md_cli_usage_error ("%s", _("the null sender (--sender '') needs --helo: SPF then "
                                       "checks postmaster@HELO"));
  if (timeout_ms < 0)
    return md_cli_usage_error (_("--timeout must be a positive number of milliseconds, not %d"),
                               timeout_ms);

  if (servers != NULL)
    {
      resolver = md_resolver_new_for_servers (servers, &error);
      if (resolver == NULL)
        return md_cli_usage_error (_("invalid --resolver “%s”: %s"), servers, error->message);
    }
  else
    {
      resolver = md_resolver_new (&error);
      if (resolver == NULL)
        {
          g_printerr ("maildoctor-cli: %s\n", error->message);
          return EXIT_CANNOT_RUN;
        }
    }
  if (timeout_ms > 0)
    md_resolver_set_timeout (resolver, timeout_ms);

  md_spf_check_async (MD_DNS_SOURCE (resolver), ip, sender, helo, NULL, check_cb, &data);
  while (!data.done)
    g_main_context_iteration (NULL, TRUE);

  if (data.result == NULL)
    {
      g_printerr ("maildoctor-cli: %s\n", data.error->message);
      g_clear_error (&data.error);
      return EXIT_CANNOT_RUN;
    }

  if (json)
    {
      g_autoptr(JsonNode) root = result_to_json (data.result, ip);
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autofree char *text = NULL;

      json_generator_set_pretty (generator, TRUE);
      json_generator_set_root (generator, root);
      text = json_generator_to_data (generator, NULL);
      g_print ("%s\n", text);
    }
  else
    {
      print_human (data.result, ip);
    }

  md_spf_result_free (data.result);

  return MD_CLI_EXIT_OK;
}
