/* md-watch.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-blocklists.h"
#include "md-check-run.h"
#include "md-knowledge.h"
#include "md-watch.h"

/* How often the watch looks at its schedule. The interval itself is hours;
 * a minute keeps "due" close to the hour without waking the machine much. */
#define TICK_SECONDS 60

typedef enum
{
  STATE_UNDECIDED,
  STATE_CLEAN,
  STATE_LISTED,
} State;

/* One check run of a round: the IP lists for an address, or the domain
 * lists for a domain (which rides on a watched address: a check run needs one). */
typedef struct
{
  char     *subject;
  char     *ip;
  char     *domain;
} Job;

typedef struct
{
  char  *zone;
  char  *list_name;
  State  state;
  char  *detail;
} Result;

typedef struct
{
  GPtrArray *results;     /* of Result* */
  JsonNode  *run;         /* md_check_run_to_json() */
  gint64     checked;
} Outcome;

struct _MdWatch
{
  GObject           parent_instance;

  /* Owned */
  MdWatchSource    *source;
  MdCaseStore      *store;
  GPtrArray        *catalog;       /* of MdBlocklist*, for the lists' names */
  GStrv             entries;
  GStrv             addresses;     /* the entries expanded */
  GStrv             domains;
  GStrv             skipped_zones;
  GHashTable       *last_checked;  /* subject → gint64* */
  GHashTable       *undecided;     /* subject → count of lists that could not decide */
  GListStore       *items;         /* of MdWatchItem */
  GCancellable     *cancellable;   /* the round running now */
  GQueue            jobs;          /* of Job*, still to run in this round */
  GHashTable       *outcomes;      /* subject → Outcome*, of this round */
  MdCheckShare     *share;         /* this round's runs ask each question once */
  char             *pause_reason;
  char             *untrusted;     /* what the round's resolver probe found wrong, or NULL */

  /* Unowned */
  GApplication     *application;   /* weak */

  MdWatchClockFunc  clock;
  gpointer          clock_data;
  guint             interval;
  guint             tick_id;
  guint             self_tests_passed;
  guint             self_tests_failed;
  gboolean          busy;
  gboolean          paused;
  gboolean          pause_announced;
};

enum {
  LISTING_CHANGED,
  PAUSED,
  REMINDER,
  ROUND_STARTED,
  ROUND_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MdWatch, md_watch, G_TYPE_OBJECT)

static void run_next_job (MdWatch *self);

/* g_strv_builder_take() is GLib 2.80; Debian 12 has 2.74. */
static void
builder_take (GStrvBuilder *builder,
              char         *value)
{
  g_strv_builder_add (builder, value);
  g_free (value);
}

static void
job_free (Job *job)
{
  g_free (job->subject);
  g_free (job->ip);
  g_free (job->domain);
  g_free (job);
}

static void
result_free (Result *result)
{
  g_free (result->zone);
  g_free (result->list_name);
  g_free (result->detail);
  g_free (result);
}

static void
outcome_free (Outcome *outcome)
{
  g_ptr_array_unref (outcome->results);
  g_clear_pointer (&outcome->run, json_node_unref);
  g_free (outcome);
}

static gint64
real_clock (gpointer user_data)
{
  return g_get_real_time ();
}

static gint64
now_us (MdWatch *self)
{
  return self->clock (self->clock_data);
}

static GDateTime *
now_datetime (MdWatch *self)
{
  gint64 now = now_us (self);
  g_autoptr(GDateTime) seconds = g_date_time_new_from_unix_utc (now / G_USEC_PER_SEC);

  return g_date_time_add (seconds, now % G_USEC_PER_SEC);
}

/* Notifications */

static void
notify (MdWatch    *self,
        const char *id,
        const char *title,
        const char *body,
        gint64      case_id,
        const char *extra_label,
        const char *extra_action)
{
  g_autoptr(GNotification) notification = NULL;

  if (self->application == NULL || !g_application_get_is_registered (self->application))
    {
      g_debug ("Watch: not sent (no registered application): %s", title);
      return;
    }

  notification = g_notification_new (title);
  if (body != NULL)
    g_notification_set_body (notification, body);
  if (case_id > 0)
    {
      g_notification_set_default_action_and_target (notification, "app.open-case", "x", case_id);
      g_notification_add_button_with_target (notification, _("Open Case"),
                                             "app.open-case", "x", case_id);
      if (extra_label != NULL)
        g_notification_add_button_with_target (notification, extra_label,
                                               extra_action, "x", case_id);
    }

  g_application_send_notification (self->application, id, notification);
}

/* Cases */

static gboolean
is_waiting (const MdCase *record)
{
  return record->status == MD_CASE_STATUS_OPEN || record->status == MD_CASE_STATUS_REQUESTED;
}

static gint64
find_case_in (GPtrArray  *cases,
              const char *ip)
{
  for (guint i = 0; cases != NULL && i < cases->len; i++)
    {
      const MdCase *record = g_ptr_array_index (cases, i);

      if (is_waiting (record) && g_strcmp0 (record->blocked_ip, ip) == 0)
        return record->id;
    }

  return 0;
}

static gint64
find_open_case (MdWatch    *self,
                const char *ip)
{
  g_autoptr(GPtrArray) cases = md_case_store_list_cases (self->store, NULL, NULL);

  return find_case_in (cases, ip);
}

/* A newly listed address gets a case of its own. The case view shows a case
 * through its rejections, so the case holds one: not a receiver's words, but
 * the watch's finding, which says so, with the address it names. */
static gint64
create_case (MdWatch    *self,
             const char *ip,
             const char *list_name,
             const char *zone,
             const char *detail,
             JsonNode   *run)
{
  g_autoptr(GPtrArray) rejections = NULL;
  g_autoptr(MdRejection) rejection = md_rejection_new ();
  g_autoptr(GDateTime) now = now_datetime (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  g_autofree char *text = NULL;
  gint64 case_id;

  rejections = g_ptr_array_new_with_free_func ((GDestroyNotify) md_rejection_free);

  /* Translators: a case's title; %s are an IP address and a block list's name */
  title = g_strdup_printf (_("%s on %s"), ip, list_name);
  /* Translators: the first %s is an IP address, the second a block list's name, the third its
   * zone, the fourth what the list's answer means */
  text = g_strdup_printf (_("MailDoctor’s watch found %s listed on %s (%s): %s No receiver’s "
                            "rejection is recorded for it yet."),
                          ip, list_name, zone, detail != NULL ? detail : "");

  rejection->blocked_ip = g_strdup (ip);
  rejection->text = g_strdup (text);
  g_ptr_array_add (rejections, g_steal_pointer (&rejection));

  case_id = md_case_store_create_case (self->store, title, text, NULL, rejections, NULL, &error);
  if (case_id == 0)
    {
      g_warning ("Watch: could not open a case for %s: %s", ip, error->message);
      return 0;
    }

  if (run != NULL && md_case_store_add_check_run (self->store, case_id, now, now, run,
                                                  &error) == 0)
    g_debug ("Watch: the check run of %s was not saved: %s", ip, error->message);

  return case_id;
}

/* Subjects */

static gboolean
is_address (const char *subject)
{
  return g_hostname_is_ip_address (subject);
}

/* The IPs of the cases still waiting, normalized; in case order. */
static GStrv
dup_case_addresses (MdWatch *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GPtrArray) cases = md_case_store_list_cases (self->store, NULL, NULL);

  for (guint i = 0; cases != NULL && i < cases->len; i++)
    {
      const MdCase *record = g_ptr_array_index (cases, i);
      g_autoptr(GInetAddress) address = NULL;

      if (!is_waiting (record) || record->blocked_ip == NULL)
        continue;
      address = g_inet_address_new_from_string (record->blocked_ip);
      if (address != NULL)
        builder_take (builder, g_inet_address_to_string (address));
    }

  return g_strv_builder_end (builder);
}

GStrv
md_watch_dup_subjects (MdWatch *self)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) cases = NULL;
  const char * const *lists[3];

  g_return_val_if_fail (MD_IS_WATCH (self), NULL);

  cases = dup_case_addresses (self);
  lists[0] = (const char * const *) self->addresses;
  lists[1] = (const char * const *) cases;
  lists[2] = (const char * const *) self->domains;

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; lists[l] != NULL && lists[l][i] != NULL; i++)
      if (g_hash_table_add (seen, (gpointer) lists[l][i]))
        g_strv_builder_add (builder, lists[l][i]);

  return g_strv_builder_end (builder);
}

static MdWatchItem *
find_item (MdWatch    *self,
           const char *subject,
           guint      *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MdWatchItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);

      if (g_str_equal (md_watch_item_get_subject (item), subject))
        {
          if (position != NULL)
            *position = i;
          return item;  /* the store keeps its reference */
        }
    }

  return NULL;
}

/* Brings the model in line with the subjects and what the store says is
 * listed now. */
static void
refresh_items (MdWatch *self)
{
  g_auto(GStrv) subjects = md_watch_dup_subjects (self);
  g_autoptr(GPtrArray) current = md_case_store_list_listings (self->store, NULL, TRUE, NULL);
  g_autoptr(GPtrArray) cases = md_case_store_list_cases (self->store, NULL, NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));

  for (guint i = n; i > 0; i--)
    {
      g_autoptr(MdWatchItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i - 1);

      if (!g_strv_contains ((const char * const *) subjects, md_watch_item_get_subject (item)))
        g_list_store_remove (self->items, i - 1);
    }

  for (guint i = 0; subjects[i] != NULL; i++)
    {
      MdWatchItem *item = find_item (self, subjects[i], NULL);
      g_autoptr(GString) names = g_string_new (NULL);
      gint64 *checked = g_hash_table_lookup (self->last_checked, subjects[i]);
      guint n_listed = 0;

      if (item == NULL)
        {
          g_autoptr(MdWatchItem) created = md_watch_item_new (subjects[i]);

          g_list_store_append (self->items, created);
          item = created;
        }

      for (guint j = 0; current != NULL && j < current->len; j++)
        {
          const MdWatchListing *listing = g_ptr_array_index (current, j);

          if (!g_str_equal (listing->ip, subjects[i]))
            continue;
          if (names->len > 0)
            g_string_append (names, ", ");
          g_string_append (names, listing->list_name);
          n_listed++;
        }

      md_watch_item_update (item, names->str, n_listed,
                            GPOINTER_TO_UINT (g_hash_table_lookup (self->undecided, subjects[i])),
                            checked != NULL ? *checked : 0,
                            is_address (subjects[i]) ? find_case_in (cases, subjects[i]) : 0);
    }
}

/* Reminders */

static gboolean
is_request_event (MdCaseEventKind kind)
{
  return kind == MD_CASE_EVENT_MARKED_REQUESTED ||
         kind == MD_CASE_EVENT_REQUEST_OPENED_IN_MAIL_APP ||
         kind == MD_CASE_EVENT_REQUEST_SAVED ||
         kind == MD_CASE_EVENT_REQUEST_COPIED ||
         kind == MD_CASE_EVENT_FORM_OPENED;
}

static void
remind_case (MdWatch      *self,
             const MdCase *record,
             gint64        now)
{
  g_autoptr(GPtrArray) events = md_case_store_list_events (self->store, record->id, NULL);
  g_autoptr(GPtrArray) rejections = NULL;
  g_autoptr(MdExplanation) explanation = NULL;
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *id = NULL;
  const MdRejection *primary = NULL;
  const char *receiver;
  GDateTime *requested = NULL;
  gboolean claimed;

  for (guint i = 0; events != NULL && i < events->len; i++)
    {
      const MdCaseEvent *event = g_ptr_array_index (events, i);

      if (is_request_event (event->kind))
        requested = event->timestamp;   /* oldest first: the last one wins */
    }
  if (requested == NULL)
    return;

  rejections = md_case_store_list_rejections (self->store, record->id, NULL);
  for (guint i = 0; rejections != NULL && i < rejections->len; i++)
    {
      const MdCaseRejection *stored = g_ptr_array_index (rejections, i);

      if (primary == NULL || (primary->blocked_ip == NULL && stored->rejection->blocked_ip != NULL))
        primary = stored->rejection;
    }
  if (primary == NULL)
    return;

  explanation = md_knowledge_explain (md_knowledge_get_default (), primary);
  if (explanation == NULL || explanation->response_hours == 0)
    return;
  if (now < g_date_time_to_unix (requested) * G_USEC_PER_SEC +
            (gint64) explanation->response_hours * 60 * 60 * G_USEC_PER_SEC)
    return;

  when = now_datetime (self);
  if (!md_case_store_claim_reminder (self->store, record->id, when, &claimed, &error))
    {
      g_debug ("Watch: reminder for case %" G_GINT64_FORMAT " not recorded: %s",
               record->id, error->message);
      return;
    }
  if (!claimed)
    return;

  receiver = md_provider_display_name (primary->provider);
  if (receiver != NULL)
    /* Translators: %s is a receiver ("Microsoft"), %u a number of hours */
    message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "%s said %u hour: draft the follow-up?",
                                            "%s said %u hours: draft the follow-up?",
                                            explanation->response_hours),
                               receiver, explanation->response_hours);
  else
    message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "The receiver said %u hour: draft the follow-up?",
                                            "The receiver said %u hours: draft the follow-up?",
                                            explanation->response_hours),
                               explanation->response_hours);

  id = g_strdup_printf ("watch-reminder-%" G_GINT64_FORMAT, record->id);
  notify (self, id, message, record->title, record->id, _("Draft Follow-up"),
          "app.draft-follow-up");
  g_signal_emit (self, signals[REMINDER], 0, record->id, message);
}

static void
check_reminders (MdWatch *self)
{
  g_autoptr(GPtrArray) cases = md_case_store_list_cases (self->store, NULL, NULL);
  gint64 now = now_us (self);

  for (guint i = 0; cases != NULL && i < cases->len; i++)
    {
      const MdCase *record = g_ptr_array_index (cases, i);

      if (record->status == MD_CASE_STATUS_REQUESTED)
        remind_case (self, record, now);
    }
}

/* Rounds */

static gboolean
is_answer (const char *dns_status)
{
  return g_strcmp0 (dns_status, md_dns_status_to_string (MD_DNS_STATUS_OK)) == 0 ||
         g_strcmp0 (dns_status, md_dns_status_to_string (MD_DNS_STATUS_NXDOMAIN)) == 0 ||
         g_strcmp0 (dns_status, md_dns_status_to_string (MD_DNS_STATUS_NODATA)) == 0;
}

static void
collect (MdWatch    *self,
         const Job  *job,
         MdCheckRun *run)
{
  Outcome *outcome = g_new0 (Outcome, 1);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (run));
  MdResolverTrust trust = md_check_run_get_resolver_trust (run);

  outcome->results = g_ptr_array_new_with_free_func ((GDestroyNotify) result_free);
  outcome->run = md_check_run_to_json (run);
  outcome->checked = now_us (self);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MdCheck) check = g_list_model_get_item (G_LIST_MODEL (run), i);
      JsonObject *details = md_check_get_details (check);
      const char *zone, *list_kind, *reason;
      gboolean domain_list;
      Result *result;

      if (g_strcmp0 (md_check_get_kind (check), "dnsbl") != 0 || details == NULL)
        continue;

      zone = json_object_get_string_member_with_default (details, "zone", NULL);
      list_kind = json_object_get_string_member_with_default (details, "list_kind", "");
      reason = json_object_has_member (details, "reason")
               ? json_object_get_string_member_with_default (details, "reason", NULL) : NULL;
      if (zone == NULL || g_strcmp0 (reason, "ipv4-only") == 0)
        continue;

      /* The list's own test entries say whether this resolver's answers mean
       * anything. A test lookup that failed (or was not asked: budget) says
       * nothing about the resolver's honesty, only answers that came back wrong. */
      if (json_object_has_member (details, "self_test"))
        {
          JsonObject *test = json_object_get_object_member (details, "self_test");

          if (test != NULL && json_object_get_boolean_member_with_default (test, "passed", FALSE))
            self->self_tests_passed++;
          else if (test != NULL &&
                   is_answer (json_object_get_string_member_with_default (test, "listed_status",
                                                                          NULL)) &&
                   (!json_object_has_member (test, "unlisted_status") ||
                    is_answer (json_object_get_string_member_with_default (test,
                                                                           "unlisted_status",
                                                                           NULL))))
            self->self_tests_failed++;
        }
      else if (g_strcmp0 (reason, "rewritten") == 0)
        self->self_tests_failed++;

      domain_list = g_strcmp0 (list_kind,
                               md_blocklist_kind_to_string (MD_BLOCKLIST_KIND_DOMAIN)) == 0;
      if (domain_list != (job->domain != NULL))
        continue;

      result = g_new0 (Result, 1);
      result->zone = g_strdup (zone);
      result->list_name = g_strdup (json_object_get_string_member_with_default (details, "list",
                                                                                zone));
      switch (md_check_get_status (check))
        {
        case MD_CHECK_STATUS_PROBLEM:
          result->state = STATE_LISTED;
          result->detail = g_strdup (md_check_get_summary (check));
          break;
        case MD_CHECK_STATUS_OK:
          result->state = STATE_CLEAN;
          break;
        case MD_CHECK_STATUS_WARNING:
        case MD_CHECK_STATUS_INFO:
        case MD_CHECK_STATUS_ERROR:
        case MD_CHECK_STATUS_RUNNING:
        default:
          result->state = STATE_UNDECIDED;
          break;
        }
      g_ptr_array_add (outcome->results, result);
    }

  g_hash_table_replace (self->outcomes, g_strdup (job->subject), outcome);

  /* The run's resolver probe (with the first run of the round; the others
   * take its verdict). "Refused by the lists" is no reason to pause: the
   * lists' own servers are asked then. */
  switch (trust)
    {
    case MD_RESOLVER_TRUST_REWRITES:
    case MD_RESOLVER_TRUST_DENIES:
    case MD_RESOLVER_TRUST_UNREACHABLE:
      if (self->untrusted == NULL)
        self->untrusted = g_strdup (md_resolver_trust_describe (trust));
      break;
    case MD_RESOLVER_TRUST_PROBING:
    case MD_RESOLVER_TRUST_TRUSTED:
    case MD_RESOLVER_TRUST_REFUSED:
    default:
      break;
    }
}

static void
apply_change (MdWatch      *self,
              const char   *subject,
              const Result *result,
              JsonNode     *run)
{
  const char *list_name = result->list_name;
  g_autofree char *title = NULL;
  g_autofree char *id = NULL;
  gboolean listed = result->state == STATE_LISTED;
  gint64 case_id = 0;

  if (is_address (subject))
    {
      case_id = find_open_case (self, subject);
      if (case_id == 0 && listed)
        case_id = create_case (self, subject, list_name, result->zone, result->detail, run);
    }

  if (listed)
    /* Translators: the first %s is an IP address or domain, the second a block list's name */
    title = g_strdup_printf (_("%s is now listed on %s"), subject, list_name);
  else
    title = g_strdup_printf (_("%s is no longer listed on %s"), subject, list_name);

  /* One id per subject and list: "no longer listed" replaces "now listed". */
  id = g_strdup_printf ("watch-%s-%s", subject, result->zone);
  notify (self, id, title, listed ? result->detail : NULL, case_id,
          listed && case_id > 0 ? _("Draft Request") : NULL, "app.draft-request");

  g_signal_emit (self, signals[LISTING_CHANGED], 0, subject, result->zone, list_name, listed,
                 case_id);
}

static void
finish_round (MdWatch *self)
{
  GHashTableIter iter;
  gpointer key, value;

  g_autofree char *untrusted = g_steal_pointer (&self->untrusted);

  self->busy = FALSE;
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->share, md_check_share_unref);

  /* The resolver probe found the resolver lying, or (where no probe ran: a
   * source that is no resolver) every list failed its own test: none of
   * its answers can be read as listed or not. */
  if (untrusted != NULL || (self->self_tests_passed == 0 && self->self_tests_failed > 0))
    {
      self->paused = TRUE;
      g_free (self->pause_reason);
      if (untrusted != NULL)
        /* Translators: %s says what is wrong, e.g. "denies names that exist: it answers
         * “no such name” for them" */
        self->pause_reason = g_strdup_printf (_("The watch is paused: your DNS resolver %s, "
                                                "so none of its answers can be read as listed "
                                                "or not. Use a resolver you run yourself, then "
                                                "choose Re-check Now."), untrusted);
      else
        self->pause_reason = g_strdup (_("The watch is paused: no block list answered its own "
                                         "test entries correctly, so your resolver’s answers "
                                         "cannot be trusted. Use a resolver you run yourself, "
                                         "then choose Re-check Now."));
      if (!self->pause_announced)
        {
          self->pause_announced = TRUE;
          notify (self, "watch-paused", _("The watch is paused"), self->pause_reason,
                  0, NULL, NULL);
          g_signal_emit (self, signals[PAUSED], 0, self->pause_reason);
        }
      g_hash_table_remove_all (self->outcomes);
      g_signal_emit (self, signals[ROUND_FINISHED], 0);
      return;
    }

  self->paused = FALSE;
  self->pause_announced = FALSE;
  g_clear_pointer (&self->pause_reason, g_free);

  g_hash_table_iter_init (&iter, self->outcomes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *subject = key;
      Outcome *outcome = value;
      g_autoptr(GDateTime) when = now_datetime (self);
      gint64 *checked = g_new (gint64, 1);
      guint undecided = 0;

      *checked = outcome->checked;
      g_hash_table_replace (self->last_checked, g_strdup (subject), checked);

      for (guint i = 0; i < outcome->results->len; i++)
        {
          const Result *result = g_ptr_array_index (outcome->results, i);
          g_autoptr(GError) error = NULL;
          gboolean changed;

          /* "Could not decide" is never a change. */
          if (result->state == STATE_UNDECIDED)
            {
              undecided++;
              continue;
            }

          if (!md_case_store_record_listing (self->store, subject, result->zone, result->list_name,
                                             result->state == STATE_LISTED, when, result->detail,
                                             &changed, &error))
            {
              g_warning ("Watch: could not record %s on %s: %s", subject, result->zone,
                         error->message);
              continue;
            }
          if (changed)
            apply_change (self, subject, result, outcome->run);
        }
      g_hash_table_replace (self->undecided, g_strdup (subject), GUINT_TO_POINTER (undecided));
    }
  g_hash_table_remove_all (self->outcomes);

  refresh_items (self);
  g_signal_emit (self, signals[ROUND_FINISHED], 0);
}

static void
run_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(MdWatch) self = user_data;
  MdCheckRun *run = MD_CHECK_RUN (object);
  g_autoptr(GError) error = NULL;
  Job *job;

  job = g_queue_pop_head (&self->jobs);
  if (!md_check_run_start_finish (run, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          job_free (job);
          return;
        }
      g_debug ("Watch: the check of %s failed: %s", job->subject, error->message);
    }
  else
    collect (self, job, run);

  job_free (job);
  run_next_job (self);
}

static void
run_next_job (MdWatch *self)
{
  g_autoptr(MdCheckSubject) subject = NULL;
  g_autoptr(MdCheckRun) run = NULL;
  g_autoptr(MdCheckRunOptions) options = NULL;
  g_autoptr(GError) error = NULL;
  Job *job;

  while ((job = g_queue_peek_head (&self->jobs)) != NULL)
    {
      subject = md_check_subject_new (job->ip, job->domain, NULL, NULL, &error);
      if (subject != NULL)
        break;
      g_debug ("Watch: %s skipped: %s", job->subject, error->message);
      g_clear_error (&error);
      job_free (g_queue_pop_head (&self->jobs));
    }

  if (job == NULL)
    {
      finish_round (self);
      return;
    }

  /* Only the IP's own checks: no web checks, no HELO, no recipient. */
  options = md_check_run_options_new ();
  options->skipped_zones = g_strdupv (self->skipped_zones);
  options->share = md_check_share_ref (self->share);
  run = md_check_run_new (MD_DNS_SOURCE (self->source), subject, options);
  md_check_run_start_async (run, self->cancellable, run_done_cb, g_object_ref (self));
}

static gboolean
start_round (MdWatch  *self,
             gboolean  everything)
{
  g_auto(GStrv) subjects = NULL;
  const char *rider = NULL;
  gint64 now = now_us (self);

  if (self->busy)
    return FALSE;

  subjects = md_watch_dup_subjects (self);
  for (guint i = 0; subjects[i] != NULL; i++)
    {
      gint64 *checked = g_hash_table_lookup (self->last_checked, subjects[i]);
      Job *job;

      if (rider == NULL && is_address (subjects[i]))
        rider = subjects[i];
      if (!everything && checked != NULL &&
          now - *checked < (gint64) self->interval * G_USEC_PER_SEC)
        continue;

      job = g_new0 (Job, 1);
      job->subject = g_strdup (subjects[i]);
      if (is_address (subjects[i]))
        job->ip = g_strdup (subjects[i]);
      else
        job->domain = g_strdup (subjects[i]);
      g_queue_push_tail (&self->jobs, job);
    }

  /* Domains need an address to ride on; without one they wait. */
  for (GList *l = self->jobs.head; l != NULL; )
    {
      Job *job = l->data;
      GList *next = l->next;

      if (job->ip == NULL && rider != NULL)
        job->ip = g_strdup (rider);
      else if (job->ip == NULL)
        {
          job_free (job);
          g_queue_delete_link (&self->jobs, l);
        }
      l = next;
    }

  refresh_items (self);
  if (g_queue_is_empty (&self->jobs))
    return FALSE;

  self->busy = TRUE;
  self->self_tests_passed = 0;
  self->self_tests_failed = 0;
  g_clear_pointer (&self->untrusted, g_free);
  g_clear_pointer (&self->share, md_check_share_unref);
  self->share = md_check_share_new (MD_CHECK_RUN_DEFAULT_MAX_IN_FLIGHT);
  self->cancellable = g_cancellable_new ();
  g_hash_table_remove_all (self->outcomes);
  g_signal_emit (self, signals[ROUND_STARTED], 0);
  run_next_job (self);

  return TRUE;
}

static gboolean
tick_cb (gpointer user_data)
{
  md_watch_tick (MD_WATCH (user_data));

  return G_SOURCE_CONTINUE;
}

static void
md_watch_dispose (GObject *object)
{
  MdWatch *self = MD_WATCH (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->share, md_check_share_unref);
  g_queue_clear_full (&self->jobs, (GDestroyNotify) job_free);
  g_clear_weak_pointer (&self->application);
  g_clear_object (&self->source);
  g_clear_object (&self->store);
  g_clear_object (&self->items);

  G_OBJECT_CLASS (md_watch_parent_class)->dispose (object);
}

static void
md_watch_finalize (GObject *object)
{
  MdWatch *self = MD_WATCH (object);

  g_clear_pointer (&self->catalog, g_ptr_array_unref);
  g_strfreev (self->entries);
  g_strfreev (self->addresses);
  g_strfreev (self->domains);
  g_strfreev (self->skipped_zones);
  g_hash_table_unref (self->last_checked);
  g_hash_table_unref (self->undecided);
  g_hash_table_unref (self->outcomes);
  g_free (self->pause_reason);
  g_free (self->untrusted);

  G_OBJECT_CLASS (md_watch_parent_class)->finalize (object);
}

static void
md_watch_class_init (MdWatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = md_watch_dispose;
  object_class->finalize = md_watch_finalize;

  signals[LISTING_CHANGED] =
    g_signal_new ("listing-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 5,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_BOOLEAN, G_TYPE_INT64);
  signals[PAUSED] =
    g_signal_new ("paused", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[REMINDER] =
    g_signal_new ("reminder", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_STRING);
  signals[ROUND_STARTED] =
    g_signal_new ("round-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[ROUND_FINISHED] =
    g_signal_new ("round-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
md_watch_init (MdWatch *self)
{
  self->clock = real_clock;
  self->interval = MD_WATCH_DEFAULT_INTERVAL;
  self->last_checked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->undecided = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->outcomes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) outcome_free);
  self->items = g_list_store_new (MD_TYPE_WATCH_ITEM);
  g_queue_init (&self->jobs);
}

MdWatch *
md_watch_new (MdDnsSource *source,
              MdCaseStore *store)
{
  g_autoptr(GError) error = NULL;
  MdWatch *self;

  g_return_val_if_fail (MD_IS_DNS_SOURCE (source), NULL);
  g_return_val_if_fail (MD_IS_CASE_STORE (store), NULL);

  self = g_object_new (MD_TYPE_WATCH, NULL);
  self->store = g_object_ref (store);
  self->catalog = md_blocklist_catalog_load (&error);
  if (self->catalog == NULL)
    g_warning ("Watch: the block list catalog could not be read: %s", error->message);
  md_watch_set_source (self, source);
  refresh_items (self);

  return self;
}

MdCaseStore *
md_watch_get_store (MdWatch *self)
{
  g_return_val_if_fail (MD_IS_WATCH (self), NULL);

  return self->store;
}

void
md_watch_set_source (MdWatch     *self,
                     MdDnsSource *source)
{
  g_return_if_fail (MD_IS_WATCH (self));
  g_return_if_fail (MD_IS_DNS_SOURCE (source));

  g_clear_object (&self->source);
  self->source = md_watch_source_new (source, self->catalog);
  md_watch_source_set_clock (self->source, self->clock, self->clock_data);

  /* Another resolver deserves another try. */
  self->paused = FALSE;
  self->pause_announced = FALSE;
  g_clear_pointer (&self->pause_reason, g_free);
}

MdWatchSource *
md_watch_get_source (MdWatch *self)
{
  g_return_val_if_fail (MD_IS_WATCH (self), NULL);

  return self->source;
}

void
md_watch_set_clock (MdWatch          *self,
                    MdWatchClockFunc  clock,
                    gpointer          clock_data)
{
  g_return_if_fail (MD_IS_WATCH (self));

  self->clock = clock != NULL ? clock : real_clock;
  self->clock_data = clock_data;
  md_watch_source_set_clock (self->source, self->clock, self->clock_data);
}

void
md_watch_set_application (MdWatch      *self,
                          GApplication *application)
{
  g_return_if_fail (MD_IS_WATCH (self));
  g_return_if_fail (application == NULL || G_IS_APPLICATION (application));

  g_set_weak_pointer (&self->application, application);
}

gboolean
md_watch_set_entries (MdWatch             *self,
                      const char * const  *entries,
                      GError             **error)
{
  g_auto(GStrv) addresses = NULL;

  g_return_val_if_fail (MD_IS_WATCH (self), FALSE);

  addresses = md_watch_expand_entries (entries, error);
  if (addresses == NULL)
    return FALSE;

  g_strfreev (self->entries);
  self->entries = g_strdupv ((char **) entries);
  g_strfreev (self->addresses);
  self->addresses = g_steal_pointer (&addresses);
  refresh_items (self);

  return TRUE;
}

gboolean
md_watch_set_domains (MdWatch             *self,
                      const char * const  *domains,
                      GError             **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (MD_IS_WATCH (self), FALSE);

  for (guint i = 0; domains != NULL && domains[i] != NULL; i++)
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (domains[i]));
      char *domain;

      if (trimmed[0] == '\0')
        continue;
      domain = md_watch_normalize_domain (trimmed, error);
      if (domain == NULL)
        return FALSE;
      builder_take (builder, domain);
    }

  g_strfreev (self->domains);
  self->domains = g_strv_builder_end (builder);
  refresh_items (self);

  return TRUE;
}

void
md_watch_set_interval (MdWatch *self,
                       guint    seconds)
{
  g_return_if_fail (MD_IS_WATCH (self));

  self->interval = CLAMP (seconds, MD_WATCH_MIN_INTERVAL, MD_WATCH_MAX_INTERVAL);
}

guint
md_watch_get_interval (MdWatch *self)
{
  g_return_val_if_fail (MD_IS_WATCH (self), 0);

  return self->interval;
}

void
md_watch_set_skipped_zones (MdWatch            *self,
                            const char * const *zones)
{
  g_return_if_fail (MD_IS_WATCH (self));

  g_strfreev (self->skipped_zones);
  self->skipped_zones = g_strdupv ((char **) zones);
}

GListModel *
md_watch_get_model (MdWatch *self)
{
  g_return_val_if_fail (MD_IS_WATCH (self), NULL);

  return G_LIST_MODEL (self->items);
}

void
md_watch_start (MdWatch *self)
{
  g_return_if_fail (MD_IS_WATCH (self));

  if (self->tick_id != 0)
    return;

  /* The first look after a minute, not at once: starting the app is busy
   * enough, and the user is looking at the window anyway. */
  self->tick_id = g_timeout_add_seconds (TICK_SECONDS, tick_cb, self);
}

void
md_watch_stop (MdWatch *self)
{
  g_return_if_fail (MD_IS_WATCH (self));

  g_clear_handle_id (&self->tick_id, g_source_remove);
}

gboolean
md_watch_tick (MdWatch *self)
{
  g_return_val_if_fail (MD_IS_WATCH (self), FALSE);

  check_reminders (self);

  if (self->paused)
    return FALSE;

  return start_round (self, FALSE);
}

gboolean
md_watch_recheck_now (MdWatch *self)
{
  g_return_val_if_fail (MD_IS_WATCH (self), FALSE);

  if (self->busy)
    return FALSE;

  self->paused = FALSE;

  return start_round (self, TRUE);
}

gboolean
md_watch_is_busy (MdWatch *self)
{
  g_return_val_if_fail (MD_IS_WATCH (self), FALSE);

  return self->busy;
}

gboolean
md_watch_is_paused (MdWatch *self)
{
  g_return_val_if_fail (MD_IS_WATCH (self), FALSE);

  return self->paused;
}

const char *
md_watch_get_pause_reason (MdWatch *self)
{
  g_return_val_if_fail (MD_IS_WATCH (self), NULL);

  return self->paused ? self->pause_reason : NULL;
}
