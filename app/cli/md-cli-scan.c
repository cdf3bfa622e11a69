/* md-cli-scan.c — maildoctor-cli scan [--json] [--since DATE] [--until DATE] FILE…|-
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include <gio/gunixinputstream.h>

#include "md-cli.h"
#include "md-cli-commands.h"
#include "md-log-scan.h"

/* Numbers go into translated text as strings: xgettext cannot read
 * G_GUINT64_FORMAT inside a msgid. */
static char *
num (guint64 n)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT, n);
}

/* Text from a log line goes to a terminal: control characters (escape
 * sequences, carriage returns; C1 controls too) become U+FFFD. */
static char *
safe (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  GString *out = g_string_sized_new (strlen (valid));

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x20 || (c >= 0x7f && c < 0xa0))
        g_string_append_unichar (out, 0xfffd);
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

/* ngettext takes an unsigned long: large counts choose the plural form. */
static gulong
plural_n (guint64 n)
{
  return (gulong) MIN (n, (guint64) G_MAXULONG);
}

static void
print_warnings (const MdLogScanReport *report)
{
  for (guint i = 0; report->warnings[i] != NULL; i++)
    {
      g_autofree char *warning = safe (report->warnings[i]);
      g_printerr ("maildoctor-cli: %s\n", warning);
    }
}

static void
print_human (const MdLogScanReport *report)
{
  g_autofree char *lines = num (report->lines);

  g_print (g_dngettext (GETTEXT_PACKAGE, "Read %s line.", "Read %s lines.",
                        plural_n (report->lines)), lines);
  g_print ("\n");
  if (report->rejections == 0)
    {
      g_print ("%s\n", _("No rejecting line found (Postfix, Exim and OpenSMTPD logs are read)."));
      print_warnings (report);
      return;
    }

  {
    g_autofree char *rejections = num (report->rejections);
    g_autofree char *bounced = num (report->bounced);
    g_autofree char *deferred = num (report->deferred);
    g_autofree char *messages = num (report->messages);
    g_autofree char *first = md_log_scan_format_time (report->first_seen);
    g_autofree char *last = md_log_scan_format_time (report->last_seen);

    /* Translators: rejecting log lines, then how many of them were bounces and deferrals. */
    g_print (g_dngettext (GETTEXT_PACKAGE, "%s rejecting line (%s bounced, %s deferred)",
                          "%s rejecting lines (%s bounced, %s deferred)",
                          plural_n (report->rejections)), rejections, bounced, deferred);
    g_print (" ");
    /* Translators: distinct messages, after the count of rejecting lines. */
    g_print (g_dngettext (GETTEXT_PACKAGE, "for %s message,", "for %s messages,",
                          plural_n (report->messages)), messages);
    g_print (" ");
    /* Translators: a time range, ISO dates. */
    g_print (_("from %s to %s"), first, last);
    g_print ("\n");
  }

  for (guint i = 0; i < report->groups->len; i++)
    {
      const MdLogScanGroup *g = g_ptr_array_index (report->groups, i);
      g_autofree char *g_first = md_log_scan_format_time (g->first_seen);
      g_autofree char *g_last = md_log_scan_format_time (g->last_seen);
      g_autofree char *count = num (g->count);
      g_autofree char *bounced = num (g->bounced);
      g_autofree char *deferred = num (g->deferred);
      g_autofree char *recipients = num (g->recipients);
      g_autofree char *raw_code = NULL;
      g_autofree char *code = NULL;
      g_autofree char *receiver = safe (g->receiver ? md_provider_display_name (g->receiver)
                                                    : C_("receiver", "Unknown"));
      g_autofree char *service = g->service ? safe (g->service) : NULL;
      g_autofree char *sample = safe (g->sample);

      if (g->smtp_code != 0)
        raw_code = g_strdup_printf ("%u%s%s", g->smtp_code, g->enhanced_status ? " " : "",
                                    g->enhanced_status ? g->enhanced_status : "");
      else
        raw_code = g_strdup (g->enhanced_status ? g->enhanced_status : "?");
      code = safe (raw_code);

      g_print ("\n%s%s%s%s — %s", receiver, service ? " (" : "", service ? service : "",
               service ? ")" : "", code);
      if (g->blocked_ip != NULL)
        {
          g_autofree char *ip = safe (g->blocked_ip);
          /* Translators: the sending IP the receiver names as blocked. */
          g_print (_(", blocked IP %s"), ip);
        }
      g_print ("\n  ");
      g_print (g_dngettext (GETTEXT_PACKAGE, "%s rejecting line (%s bounced, %s deferred)",
                            "%s rejecting lines (%s bounced, %s deferred)", plural_n (g->count)),
               count, bounced, deferred);
      g_print (", ");
      g_print (g_dngettext (GETTEXT_PACKAGE, "%s recipient", "%s recipients",
                            plural_n (g->recipients)), recipients);
      g_print ("\n  ");
      g_print (_("from %s to %s"), g_first, g_last);
      g_print ("\n  %s %s\n", _("Latest:"), sample);
    }

  print_warnings (report);
}

int
md_cli_scan (int    argc,
             char **argv)
{
  gboolean json = FALSE;
  g_autofree char *since = NULL;
  g_autofree char *until = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON (the format the README documents)"), NULL },
    { "since", 0, 0, G_OPTION_ARG_STRING, &since, N_("Only lines from this date on"), N_("DATE") },
    { "until", 0, 0, G_OPTION_ARG_STRING, &until, N_("Only lines up to this date"), N_("DATE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MdLogScanner) scanner = NULL;
  g_autoptr(MdLogScanReport) report = NULL;
  gint64 since_s = 0, until_s = 0;
  gboolean stdin_used = FALSE;

  context = g_option_context_new (_("FILE…|-"));
  g_option_context_set_summary (context, _("Read mail server logs (Postfix, Exim, OpenSMTPD; "
                                           "plain or .gz; rotated sets in time order) and group "
                                           "every rejection by receiver, code and blocked IP."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!md_cli_parse_options (context, &argc, &argv))
    return MD_CLI_EXIT_USAGE;

  if (argc < 2)
    return md_cli_usage_error ("%s", _("scan needs at least one FILE, or - for standard input"));
  if (since != NULL && !md_log_scan_parse_date (since, FALSE, &since_s))
    return md_cli_usage_error (_("--since: “%s” is not a date (YYYY-MM-DD)"), since);
  if (until != NULL && !md_log_scan_parse_date (until, TRUE, &until_s))
    return md_cli_usage_error (_("--until: “%s” is not a date (YYYY-MM-DD)"), until);

  scanner = md_log_scanner_new ();
  md_log_scanner_set_range (scanner, since_s, until_s);
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "-"))
        {
          g_autoptr(GInputStream) in = NULL;

          if (stdin_used)
            return md_cli_usage_error ("%s", _("standard input (-) can be read only once"));
          stdin_used = TRUE;
          in = g_unix_input_stream_new (0, FALSE);
          md_log_scanner_add_stream (scanner, in, "-");
        }
      else
        {
          g_autoptr(GFile) file = g_file_new_for_commandline_arg (argv[i]);
          md_log_scanner_add_file (scanner, file);
        }
    }

  report = md_log_scanner_run (scanner, NULL, NULL, NULL, &error);
  if (report == NULL)
    return md_cli_usage_error ("%s", error->message);

  if (json)
    {
      g_autoptr(JsonNode) root = md_log_scan_report_to_json (report);
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autofree char *text = NULL;

      json_generator_set_pretty (generator, TRUE);
      json_generator_set_root (generator, root);
      text = json_generator_to_data (generator, NULL);
      g_print ("%s\n", text);
      print_warnings (report);
    }
  else
    print_human (report);

  return MD_CLI_EXIT_OK;
}
