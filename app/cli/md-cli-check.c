/* md-cli-check.c — maildoctor-cli check
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <gio/gunixinputstream.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <signal.h>

#include "md-blocklists.h"
#include "md-bounded-read.h"
#include "md-check-run.h"
#include "md-cli.h"
#include "md-cli-commands.h"
#include "md-resolver.h"
#include "md-watch-list.h"

/* The check could not run at all (no resolver): neither success nor usage. */
#define EXIT_CANNOT_RUN 1

/* --ips-from: at most this much text. 1,024 addresses (the bound of a
 * watch list, md-watch-list.h) with a comment each fit well within it. */
#define IPS_FROM_MAX_BYTES (64 * 1024)

/* A bulk check starts at most this many runs at a time: enough to keep the
 * shared bound on questions in flight full while some wait for a PTR's
 * name, few enough that memory stays small for a /24. */
#define BULK_MAX_RUNNING 16

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

/* "2 problems" and the like, appended to a summary line. */
static void
append_count (GString       *line,
              MdCheckStatus  status,
              guint          n)
{
  g_autofree char *part = NULL;

  switch (status)
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

      if (n == 0)
        continue;

      append_count (line, order[i], n);
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

/* Bulk checks: several addresses, one MdCheckShare. The first run holds
 * the checks that do not depend on the IP (MX, DMARC, DKIM, TLS-RPT,
 * MTA-STS, the domain blocklists); every run has the IP's own. */

typedef struct
{
  GPtrArray    *runs;         /* of MdCheckRun* */
  GCancellable *cancellable;
  guint         n_started;
  guint         n_running;
  guint         n_done;
  guint         n_printed;
  gboolean      json;
  gboolean      interrupted;
  GError       *error;
} BulkData;

static void bulk_start_next (BulkData *data);

static void
print_bulk_counts (const char *prefix,
                   GPtrArray  *checks)
{
  g_autoptr(GString) line = g_string_new (NULL);
  static const MdCheckStatus order[] = {
    MD_CHECK_STATUS_PROBLEM, MD_CHECK_STATUS_WARNING, MD_CHECK_STATUS_ERROR,
    MD_CHECK_STATUS_INFO, MD_CHECK_STATUS_OK,
  };

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      guint n = 0;

      for (guint j = 0; j < checks->len; j++)
        if (md_check_get_status (g_ptr_array_index (checks, j)) == order[i])
          n++;
      if (n == 0)
        continue;

      append_count (line, order[i], n);
    }

  /* Translators: %s is an IP address (or "Not per IP"), then e.g. "2 problems, 25 passed" */
  g_print (_("%s: %s\n"), prefix, line->str);
}

/* The checks of @run that are its IP's own (@own) or shared by all. */
static GPtrArray *
bulk_checks (MdCheckRun *run,
             gboolean    own)
{
  GPtrArray *checks = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (run)); i++)
    {
      g_autoptr(MdCheck) check = g_list_model_get_item (G_LIST_MODEL (run), i);

      if (md_check_run_check_depends_on_ip (run, check) == own)
        g_ptr_array_add (checks, g_steal_pointer (&check));
    }

  return checks;
}

static void
print_bulk_report (BulkData *data,
                   guint     index)
{
  MdCheckRun *run = g_ptr_array_index (data->runs, index);
  g_autoptr(GPtrArray) own = bulk_checks (run, TRUE);

  if (index == 0)
    {
      g_autoptr(GPtrArray) shared = bulk_checks (run, FALSE);

      print_resolver (run);
      if (shared->len > 0)
        {
          /* Translators: a heading over the checks a bulk check asks once, not per IP */
          g_print ("\n%s\n", _("Not per IP (the domains):"));
          for (guint i = 0; i < shared->len; i++)
            print_check (g_ptr_array_index (shared, i));
          print_bulk_counts (_("Not per IP"), shared);
        }
    }

  g_print ("\n%s\n", md_check_run_get_subject (run)->ip);
  for (guint i = 0; i < own->len; i++)
    print_check (g_ptr_array_index (own, i));
  print_bulk_counts (md_check_run_get_subject (run)->ip, own);
}

static void
add_checks_json (JsonBuilder *builder,
                 GPtrArray   *checks)
{
  json_builder_set_member_name (builder, "checks");
  json_builder_begin_array (builder);
  for (guint i = 0; i < checks->len; i++)
    json_builder_add_value (builder, md_check_to_json (g_ptr_array_index (checks, i)));
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "counts");
  json_builder_begin_object (builder);
  for (MdCheckStatus s = MD_CHECK_STATUS_OK; s < MD_CHECK_N_STATUSES; s++)
    {
      guint n = 0;

      for (guint i = 0; i < checks->len; i++)
        if (md_check_get_status (g_ptr_array_index (checks, i)) == s)
          n++;
      json_builder_set_member_name (builder, md_check_status_to_string (s));
      json_builder_add_int_value (builder, n);
    }
  json_builder_end_object (builder);
}

static char *
json_text (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, node);

  return json_generator_to_data (generator, NULL);
}

/* One object (README, "check --json", several addresses): the resolver and
 * the subject once, the checks asked once, then one entry per IP. It is
 * printed piece by piece as the runs end, so that a /24 never holds all
 * its reports at once. */
static void
print_bulk_json_head (MdCheckRun *first)
{
  g_autoptr(JsonNode) first_json = md_check_run_to_json (first);
  JsonObject *first_object = json_node_get_object (first_json);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) shared = bulk_checks (first, FALSE);
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  char *end;

  json_builder_begin_object (builder);
  /* The first run's subject, without its address: what every run shares. */
  json_object_remove_member (json_object_get_object_member (first_object, "subject"), "ip");
  json_builder_set_member_name (builder, "subject");
  json_builder_add_value (builder, json_node_copy (json_object_get_member (first_object,
                                                                           "subject")));
  json_builder_set_member_name (builder, "resolver");
  json_builder_add_value (builder, json_node_copy (json_object_get_member (first_object,
                                                                           "resolver")));
  add_checks_json (builder, shared);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  text = json_text (root);
  end = strrchr (text, '}');
  *end = '\0';
  g_print ("%s,\n  \"ips\" : [\n", g_strchomp (text));
}

static void
print_bulk_json_entry (MdCheckRun *run,
                       gboolean    first)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) own = bulk_checks (run, TRUE);
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ip");
  json_builder_add_string_value (builder, md_check_run_get_subject (run)->ip);
  add_checks_json (builder, own);
  json_builder_set_member_name (builder, "duration_ms");
  json_builder_add_int_value (builder, md_check_run_get_duration_ms (run));
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  text = json_text (root);
  g_print ("%s%s", first ? "" : ",\n", text);
}

static void
print_bulk_json_tail (MdCheckShare *share,
                      guint         duration_ms)
{
  g_print ("\n  ],\n  \"queries\" : %u,\n  \"duration_ms\" : %u\n}\n",
           md_check_share_get_n_queries (share), duration_ms);
}

/* Reports go out in the order of the addresses, each once its run ended;
 * a printed run is dropped. */
static void
bulk_print_ready (BulkData *data)
{
  while (data->n_printed < data->runs->len &&
         md_check_run_is_finished (g_ptr_array_index (data->runs, data->n_printed)))
    {
      guint i = data->n_printed++;

      if (data->json)
        {
          if (i == 0)
            print_bulk_json_head (g_ptr_array_index (data->runs, i));
          print_bulk_json_entry (g_ptr_array_index (data->runs, i), i == 0);
        }
      else
        {
          print_bulk_report (data, i);
        }
      g_clear_object (&data->runs->pdata[i]);
    }
}

static void
run_unref (gpointer run)
{
  g_clear_object (&run);
}

static void
bulk_run_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  BulkData *data = user_data;
  g_autoptr(GError) error = NULL;

  if (!md_check_run_start_finish (MD_CHECK_RUN (object), result, &error) &&
      data->error == NULL)
    data->error = g_steal_pointer (&error);
  data->n_running--;
  data->n_done++;
  bulk_print_ready (data);
  bulk_start_next (data);
}

static void
bulk_start_next (BulkData *data)
{
  while (data->n_running < BULK_MAX_RUNNING && data->n_started < data->runs->len &&
         !g_cancellable_is_cancelled (data->cancellable))
    {
      MdCheckRun *run = g_ptr_array_index (data->runs, data->n_started++);

      data->n_running++;
      md_check_run_start_async (run, data->cancellable, bulk_run_cb, data);
    }
}

static gboolean
bulk_interrupted_cb (gpointer user_data)
{
  BulkData *data = user_data;

  data->interrupted = TRUE;
  g_cancellable_cancel (data->cancellable);

  return G_SOURCE_CONTINUE;
}

static int
run_bulk (MdDnsSource             *source,
          const char * const      *addresses,
          const MdCheckSubject    *template,
          const MdCheckRunOptions *options,
          const char              *description,
          int                      timeout_ms,
          gboolean                 json)
{
  g_autoptr(MdCheckShare) share = md_check_share_new (MD_CHECK_RUN_DEFAULT_MAX_IN_FLIGHT);
  g_autoptr(MdCheckRunOptions) first_options = md_check_run_options_copy (options);
  g_autoptr(MdCheckRunOptions) other_options = md_check_run_options_copy (options);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  BulkData data = { 0 };
  guint sigint_id, sigterm_id;
  gint64 started;
  guint n = g_strv_length ((char **) addresses);

  first_options->share = md_check_share_ref (share);
  other_options->share = md_check_share_ref (share);
  other_options->ip_checks_only = TRUE;

  data.runs = g_ptr_array_new_with_free_func (run_unref);
  data.cancellable = cancellable;
  data.json = json;
  for (guint i = 0; addresses[i] != NULL; i++)
    {
      g_autoptr(MdCheckSubject) subject = md_check_subject_copy (template);
      MdCheckRun *run;

      g_free (subject->ip);
      subject->ip = g_strdup (addresses[i]);
      run = md_check_run_new (source, subject, i == 0 ? first_options : other_options);
      /* As for one address; time spent waiting for a slot under the
       * shared bound counts too, so a bulk run gets the retry's room. */
      if (timeout_ms > 0)
        md_check_run_set_deadline_ms (run, MIN ((guint64) timeout_ms * 6 + 1000, G_MAXUINT));
      g_ptr_array_add (data.runs, run);
    }

  if (!json)
    /* Translators: %u is a number of IP addresses, %s the DNS resolver's description */
    g_print (g_dngettext (GETTEXT_PACKAGE, "Checking %u address (resolver: %s)\n",
                          "Checking %u addresses (resolver: %s)\n", n), n, description);

  sigint_id = g_unix_signal_add (SIGINT, bulk_interrupted_cb, &data);
  sigterm_id = g_unix_signal_add (SIGTERM, bulk_interrupted_cb, &data);

  started = g_get_monotonic_time ();
  bulk_start_next (&data);
  while (data.n_running > 0)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);

  bulk_print_ready (&data);
  if (json)
    {
      /* Interrupted before the first address ended: the head all the same. */
      if (data.n_printed == 0)
        g_print ("{\n  \"ips\" : [\n");
      print_bulk_json_tail (share, (g_get_monotonic_time () - started) / 1000);
    }
  else
    {
      g_print ("\n");
      /* Translators: the numbers of addresses, milliseconds and DNS questions */
      g_print (_("%u of %u addresses checked in %u ms (%u DNS questions)\n"), data.n_done, n,
               (guint) ((g_get_monotonic_time () - started) / 1000),
               md_check_share_get_n_queries (share));
    }

  g_ptr_array_unref (data.runs);

  if (data.interrupted || data.error != NULL)
    {
      g_printerr ("maildoctor-cli: %s\n", data.error ? data.error->message
                                                     : _("The check was cancelled"));
      g_clear_error (&data.error);
      return 130;
    }

  return MD_CLI_EXIT_OK;
}

/* --ips-from: one address or prefix per line, "#" starts a comment, blank
 * lines are skipped. A bad line fails the whole list, named by its number. */
static gboolean
read_ips_from (const char *path,
               GPtrArray  *entries)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *text = NULL;
  const char *shown = g_str_equal (path, "-") ? _("standard input") : path;

  if (g_str_equal (path, "-"))
    {
      stream = g_unix_input_stream_new (0, FALSE);
    }
  else
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);

      stream = G_INPUT_STREAM (g_file_read (file, NULL, &error));
    }
  if (stream != NULL)
    bytes = md_read_bounded (stream, IPS_FROM_MAX_BYTES, NULL, &error);
  if (bytes == NULL)
    {
      /* Translators: %s is a file name, then why it could not be read */
      md_cli_usage_error (_("cannot read --ips-from %s: %s"), shown, error->message);
      return FALSE;
    }

  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  if (!g_utf8_validate (text, -1, NULL) || strlen (text) != g_bytes_get_size (bytes))
    {
      md_cli_usage_error (_("--ips-from %s is not text"), shown);
      return FALSE;
    }

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *hash = strchr (lines[i], '#');
      g_auto(GStrv) addresses = NULL;

      if (hash != NULL)
        *hash = '\0';
      g_strstrip (lines[i]);
      if (lines[i][0] == '\0')
        continue;

      addresses = md_watch_expand_entry (lines[i], &error);
      if (addresses == NULL)
        {
          g_autofree char *message = md_cli_sanitize_text (error->message);

          /* Translators: a file name, a line number, then what is wrong with the line */
          md_cli_usage_error (_("--ips-from %s, line %u: %s"), shown, i + 1, message);
          return FALSE;
        }
      g_ptr_array_add (entries, g_strdup (lines[i]));
    }

  return TRUE;
}

int
md_cli_check (int    argc,
              char **argv)
{
  g_auto(GStrv) ip_texts = NULL;
  g_autofree char *ips_from = NULL;
  g_autoptr(GPtrArray) ip_entries = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) addresses = NULL;
  const char *ip_text;
  gboolean bulk;
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
    { "ip", 0, 0, G_OPTION_ARG_STRING_ARRAY, &ip_texts,
      N_("The sending server’s IP address, or a prefix of at most 256 addresses "
         "(203.0.113.0/28); repeatable"), N_("IP[/LEN]") },
    { "ips-from", 0, 0, G_OPTION_ARG_FILENAME, &ips_from,
      N_("Check the addresses and prefixes in FILE, one a line (“#” starts a comment; “-” "
         "reads standard input)"), N_("FILE") },
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
  if (ip_texts == NULL && ips_from == NULL)
    return md_cli_usage_error ("%s", _("--ip is required: the sending server’s IP address"));
  if (timeout_ms < 0)
    return md_cli_usage_error (_("--timeout must be a positive number of milliseconds, not %d"),
                               timeout_ms);

  /* Several addresses (a repeated --ip, a prefix, --ips-from) make a bulk
   * check; one --ip alone keeps the single report. */
  bulk = ips_from != NULL || g_strv_length (ip_texts) > 1 || strchr (ip_texts[0], '/') != NULL;
  if (bulk)
    {
      for (guint i = 0; ip_texts != NULL && ip_texts[i] != NULL; i++)
        g_ptr_array_add (ip_entries, g_strdup (ip_texts[i]));
      if (ips_from != NULL && !read_ips_from (ips_from, ip_entries))
        return MD_CLI_EXIT_USAGE;
      g_ptr_array_add (ip_entries, NULL);
      addresses = md_watch_expand_entries ((const char * const *) ip_entries->pdata, &error);
      /* The same bound as a watch list, but this is no watch list. */
      if (addresses == NULL && g_error_matches (error, MD_WATCH_ERROR, MD_WATCH_ERROR_TOO_MANY))
        /* Translators: %u is the largest number of addresses */
        return md_cli_usage_error (_("a bulk check takes at most %u addresses"),
                                   MD_WATCH_MAX_ADDRESSES);
      if (addresses == NULL)
        {
          g_autofree char *message = md_cli_sanitize_text (error->message);

          return md_cli_usage_error ("%s", message);
        }
      if (addresses[0] == NULL)
        return md_cli_usage_error ("%s", _("--ips-from holds no address"));
    }
  ip_text = bulk ? addresses[0] : ip_texts[0];

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
  md_check_run_options_set_resolver (options, resolver);
  if (bulk)
    return run_bulk (MD_DNS_SOURCE (resolver), (const char * const *) addresses, subject,
                     options, description, timeout_ms, json);
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
