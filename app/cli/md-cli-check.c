/* md-cli-check.c — maildoctor-cli check
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <signal.h>

#include "md-blocklists.h"
#include "md-check-run.h"
#include "md-cli.h"
#include "md-cli-commands.h"
#include "md-resolver.h"

/* The check could not run at all (no resolver): neither success nor usage. */
#define EXIT_CANNOT_RUN 1

typedef struct
{
  MdCheckRun   *run;
  GCancellable *cancellable;
  GError       *error;
  GPtrArray    *waiting;      /* checks done before the resolver line was printed */
  gboolean      json;
  gboolean      done;
} CheckData;

static const char *
status_symbol (MdCheckStatus status)
{
  switch (status)
    {
    case MD_CHECK_STATUS_OK:      return "✓";
    case MD_CHECK_STATUS_WARNING: return "!";
    case MD_CHECK_STATUS_PROBLEM: return "✗";
    case MD_CHECK_STATUS_INFO:    return "i";
    case MD_CHECK_STATUS_ERROR:   return "?";
    case MD_CHECK_STATUS_RUNNING:
    default:                      return "…";
    }
}

static const char *
status_label (MdCheckStatus status)
{
  switch (status)
    {
    /* Translators: check statuses in maildoctor-cli's report, at most 8 characters */
    case MD_CHECK_STATUS_OK:      return C_("check status", "ok");
    case MD_CHECK_STATUS_WARNING: return C_("check status", "warning");
    case MD_CHECK_STATUS_PROBLEM: return C_("check status", "problem");
    case MD_CHECK_STATUS_INFO:    return C_("check status", "info");
    case MD_CHECK_STATUS_ERROR:   return C_("check status", "error");
    case MD_CHECK_STATUS_RUNNING:
    default:                      return C_("check status", "running");
    }
}

static void
print_check (MdCheck *check)
{
  MdCheckStatus status = md_check_get_status (check);
  const char *remedy = md_check_get_remedy (check);
  JsonObject *details = md_check_get_details (check);
  const char *label = status_label (status);
  /* printf pads by bytes; translated labels may hold non-ASCII letters */
  int pad = MAX (0, 8 - (int) g_utf8_strlen (label, -1));

  g_print ("%s %s%*s %s: %s\n", status_symbol (status), label, pad, "",
           md_check_get_title (check),
           md_check_get_summary (check) ? md_check_get_summary (check) : "");

  if (remedy != NULL && (status == MD_CHECK_STATUS_PROBLEM ||
                         status == MD_CHECK_STATUS_WARNING ||
                         status == MD_CHECK_STATUS_ERROR ||
                         status == MD_CHECK_STATUS_INFO))
    g_print ("           → %s\n", remedy);

  if (json_object_has_member (details, "txt") &&
      JSON_NODE_HOLDS_VALUE (json_object_get_member (details, "txt")))
    /* Translators: a blocklist's own explanation (its TXT record) follows */
    g_print ("           %s %s\n", _("List says:"),
             json_object_get_string_member (details, "txt"));
}

/* The resolver line comes first: until the run knows whether its resolver
 * tells the truth, finished checks wait. */
static void
print_or_queue (CheckData *data,
                MdCheck   *check)
{
  if (md_check_run_get_resolver_trust (data->run) == MD_RESOLVER_TRUST_PROBING)
    g_ptr_array_add (data->waiting, g_object_ref (check));
  else
    print_check (check);
}

static void
print_resolver (MdCheckRun *run)
{
  g_autofree char *line = md_check_run_describe_resolver (run);

  /* Translators: %s describes the DNS resolver and whether it can be trusted */
  g_print (_("Resolver: %s\n"), line);
}

static void
trust_changed_cb (MdCheckRun *run,
                  GParamSpec *pspec,
                  CheckData  *data)
{
  if (md_check_run_get_resolver_trust (run) == MD_RESOLVER_TRUST_PROBING)
    return;

  print_resolver (run);
  for (guint i = 0; i < data->waiting->len; i++)
    print_check (g_ptr_array_index (data->waiting, i));
  g_ptr_array_set_size (data->waiting, 0);
}

static void
status_changed_cb (MdCheck    *check,
                   GParamSpec *pspec,
                   CheckData  *data)
{
  if (md_check_is_done (check))
    print_or_queue (data, check);
}

/* Human output streams: each check is printed the moment it has a result. */
static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  CheckData  *data)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(MdCheck) check = g_list_model_get_item (model, i);

      if (md_check_is_done (check))
        print_or_queue (data, check);
      else
        g_signal_connect (check, "notify::status", G_CALLBACK (status_changed_cb), data);
    }
}

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  CheckData *data = user_data;

  md_check_run_start_finish (MD_CHECK_RUN (object), result, &data->error);
  data->done = TRUE;
}

static gboolean
interrupted_cb (gpointer user_data)
{
  CheckData *data = user_data;

  g_cancellable_cancel (data->cancellable);

  return G_SOURCE_CONTINUE;
}

static void
print_counts (MdCheckRun *run)
{
  g_autoptr(GString) line = g_string_new (NULL);
  static const MdCheckStatus order[] = {
    MD_CHECK_STATUS_PROBLEM, MD_CHECK_STATUS_WARNING, MD_CHECK_STATUS_ERROR,
    MD_CHECK_STATUS_INFO, MD_CHECK_STATUS_OK,
  };

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      guint n = md_check_run_count (run, order[i]);
      g_autofree char *part = NULL;

      if (n == 0)
        continue;

      switch (order[i])
        {
        case MD_CHECK_STATUS_PROBLEM:
          part = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u problem", "%u problems", n), n);
          break;
        case MD_CHECK_STATUS_WARNING:
          part = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u warning", "%u warnings", n), n);
          break;
        case MD_CHECK_STATUS_ERROR:
          part = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u could not be decided",
                                               "%u could not be decided", n), n);
          break;
        case MD_CHECK_STATUS_INFO:
          part = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u note", "%u notes", n), n);
          break;
        case MD_CHECK_STATUS_OK:
        case MD_CHECK_STATUS_RUNNING:
        default:
          part = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u passed", "%u passed", n), n);
          break;
        }

      if (line->len > 0)
        g_string_append (line, ", ");
      g_string_append (line, part);
    }

  g_print ("\n");
  /* Translators: first %s is e.g. "2 problems, 25 passed"; %u a number of milliseconds */
  g_print (_("%s (%u checks in %u ms)\n"), line->str,
           g_list_model_get_n_items (G_LIST_MODEL (run)), md_check_run_get_duration_ms (run));
}

/* The Spamhaus DQS key comes from a file or the environment, never from
 * argv (which every user of the machine can read in ps). Never printed:
 * errors name the file, not its contents. */
static gboolean
read_dqs_key (const char  *path,
              GHashTable **keys)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  const char *from_env = g_getenv ("MAILDOCTOR_DQS_KEY");
  g_autofree char *key = NULL;

  if (path != NULL)
    {
      if (!g_file_get_contents (path, &contents, NULL, &error))
        {
          md_cli_usage_error (_("cannot read --dqs-key-file: %s"), error->message);
          return FALSE;
        }
      key = g_strstrip (g_strdup (contents));
      memset (contents, 0, strlen (contents));
    }
  else if (from_env != NULL && from_env[0] != '\0')
    {
      key = g_strstrip (g_strdup (from_env));
    }
  else
    {
      return TRUE;
    }

  if (!md_blocklist_key_is_valid (key))
    {
      md_cli_usage_error ("%s", _("the Spamhaus DQS key is not valid: it is letters and digits "
                                  "only (26 of them)"));
      return FALSE;
    }

  *keys = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_hash_table_insert (*keys, (gpointer) "spamhaus-dqs", g_steal_pointer (&key));

  return TRUE;
}

int
md_cli_check (int    argc,
              char **argv)
{
  g_autofree char *ip_text = NULL;
  g_autofree char *domain = NULL;
  g_autofree char *helo = NULL;
  g_autofree char *recipient = NULL;
  g_autofree char *servers = NULL;
  g_autofree char *dqs_key_file = NULL;
  g_auto(GStrv) selectors = NULL;
  int timeout_ms = 0;
  gboolean json = FALSE;
  gboolean no_web = FALSE;
  const GOptionEntry entries[] = {
    { "ip", 0, 0, G_OPTION_ARG_STRING, &ip_text, N_("The sending server’s IP address"),
      N_("IP") },
    { "domain", 0, 0, G_OPTION_ARG_STRING, &domain,
      N_("The sending domain: domain blocklists, SPF, DMARC, DKIM, TLS-RPT, MTA-STS"),
      N_("DOMAIN") },
    { "helo", 0, 0, G_OPTION_ARG_STRING, &helo, N_("The name the server gives in HELO/EHLO"),
      N_("NAME") },
    { "recipient-domain", 0, 0, G_OPTION_ARG_STRING, &recipient,
      N_("The recipient’s domain: who receives its mail"), N_("DOMAIN") },
    { "dkim-selector", 0, 0, G_OPTION_ARG_STRING_ARRAY, &selectors,
      N_("A DKIM selector of the sending domain whose key to check (repeatable)"),
      N_("SELECTOR") },
    { "resolver", 0, 0, G_OPTION_ARG_STRING, &servers,
      N_("DNS servers to ask instead of the system’s"), N_("ADDR[:PORT][,…]") },
    { "dqs-key-file", 0, 0, G_OPTION_ARG_FILENAME, &dqs_key_file,
      N_("A file holding your Spamhaus DQS key (or set MAILDOCTOR_DQS_KEY); never give the key "
         "itself on the command line"), N_("FILE") },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout_ms, N_("Time allowed for each DNS query"),
      N_("MS") },
    { "no-web", 0, 0, G_OPTION_ARG_NONE, &no_web,
      N_("Skip the checks over HTTPS: MTA-STS policy, owner of the IP (RDAP), imprint"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON (the format the README documents)"),
      NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCheckSubject) subject = NULL;
  g_autoptr(MdResolver) resolver = NULL;
  g_autoptr(MdCheckRun) run = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *description = NULL;
  g_autoptr(MdCheckRunOptions) options = NULL;
  g_auto(GStrv) servers_used = NULL;
  CheckData data = { 0 };
  guint sigint_id, sigterm_id;

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("Check a sending server: DNS blocklists, reverse DNS, "
                                           "HELO, SPF, DMARC, DKIM keys, TLS-RPT, MTA-STS, the "
                                           "IP’s owner, the imprint, and who receives the "
                                           "recipient’s mail."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!md_cli_parse_options (context, &argc, &argv))
    return MD_CLI_EXIT_USAGE;

  if (argc > 1)
    return md_cli_usage_error (_("unexpected argument “%s”"), argv[1]);
  if (ip_text == NULL)
    return md_cli_usage_error ("%s", _("--ip is required: the sending server’s IP address"));
  if (timeout_ms < 0)
    return md_cli_usage_error (_("--timeout must be a positive number of milliseconds, not %d"),
                               timeout_ms);

  subject = md_check_subject_new (ip_text, domain, helo, recipient, &error);
  if (subject == NULL)
    return md_cli_usage_error ("%s", error->message);
  if (selectors != NULL && domain == NULL)
    return md_cli_usage_error ("%s", _("--dkim-selector needs --domain: the domain whose keys "
                                       "to check"));
  if (!md_check_subject_set_dkim_selectors (subject, (const char * const *) selectors, &error))
    return md_cli_usage_error ("%s", error->message);

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

  options = md_check_run_options_new ();
  if (!read_dqs_key (dqs_key_file, &options->keys))
    return MD_CLI_EXIT_USAGE;
  if (!no_web)
    options->http = md_http_new ();
  description = md_resolver_describe (resolver);
  /* The report names the servers the same way in every language. */
  servers_used = md_resolver_get_servers (resolver);
  options->resolver = g_strjoinv (", ", servers_used);
  options->resolver_is_system = md_resolver_is_system (resolver);
  options->public_resolver = g_strdup (md_resolver_get_public_resolver_name (resolver));
  run = md_check_run_new (MD_DNS_SOURCE (resolver), subject, options);
  /* A query may be retried once and a check may need three in a row (PTR,
   * then the names it gives, then TXT): the run's deadline leaves room for
   * that and no more. */
  if (timeout_ms > 0)
    md_check_run_set_deadline_ms (run, MIN ((guint64) timeout_ms * 6 + 1000, G_MAXUINT));

  data.run = run;
  data.waiting = g_ptr_array_new_with_free_func (g_object_unref);
  data.cancellable = cancellable;
  data.json = json;

  if (!json)
    {
      /* Translators: an IP address, then the DNS resolver's description */
      g_print (_("Checking %s (resolver: %s)\n\n"), subject->ip, description);
      g_signal_connect (run, "items-changed", G_CALLBACK (items_changed_cb), &data);
      g_signal_connect (run, "notify::resolver-trust", G_CALLBACK (trust_changed_cb), &data);
    }

  sigint_id = g_unix_signal_add (SIGINT, interrupted_cb, &data);
  sigterm_id = g_unix_signal_add (SIGTERM, interrupted_cb, &data);

  md_check_run_start_async (run, cancellable, run_cb, &data);
  while (!data.done)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);

  if (!json)
    g_signal_handlers_disconnect_by_data (run, &data);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (run)); i++)
    {
      g_autoptr(MdCheck) check = g_list_model_get_item (G_LIST_MODEL (run), i);
      g_signal_handlers_disconnect_by_data (check, &data);
    }

  if (json)
    {
      g_autoptr(JsonNode) root = md_check_run_to_json (run);
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autofree char *text = NULL;

      json_generator_set_pretty (generator, TRUE);
      json_generator_set_root (generator, root);
      text = json_generator_to_data (generator, NULL);
      g_print ("%s\n", text);
    }
  else
    {
      /* Interrupted before the probe came back: what waited is printed now. */
      if (md_check_run_get_resolver_trust (run) == MD_RESOLVER_TRUST_PROBING)
        {
          print_resolver (run);
          for (guint i = 0; i < data.waiting->len; i++)
            print_check (g_ptr_array_index (data.waiting, i));
        }
      print_counts (run);
    }
  g_ptr_array_unref (data.waiting);

  if (data.error != NULL)
    {
      /* Interrupted: what was found so far is printed above, marked as
       * undecided where it had no answer yet. */
      g_printerr ("maildoctor-cli: %s\n", data.error->message);
      g_clear_error (&data.error);
      return 130;
    }

  return MD_CLI_EXIT_OK;
}
