/* md-watch-round.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "md-blocklists.h"
#include "md-watch-private.h"

/* A round of the watch: one check run per subject (a domain rides on a
 * watched address), one after the other with a shared question cache;
 * what each run's block lists said; a pause when the resolver cannot be
 * trusted; otherwise the changes recorded in the case store, announced,
 * and a case opened for an address newly listed. Every store call is an
 * _async one (the store's writer thread), so a round is a chain of steps;
 * self->busy keeps it one round at a time until its "round-finished". */

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

/* One listing to record after the round's runs, and then to announce if it
 * changed: borrowed from the round's outcomes, which live until its end. */
typedef struct
{
  const char   *subject;
  const Result *result;
  JsonNode     *run;
} Step;

static void run_next_job (MdWatch *self);
static void record_next (MdWatch *self);

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

/* Recording, one step after the other, each on the store's writer thread:
 * the listing; if it changed, for an address the case waiting for it, a new
 * case when there is none (with the check run); then the announcement. */

static const Step *
current_step (MdWatch *self)
{
  return g_ptr_array_index (self->steps, self->step);
}

static void
next_step (MdWatch *self)
{
  self->step++;
  record_next (self);
}

/* Once the write is stored: the notification and "listing-changed". */
static void
announce (MdWatch *self)
{
  const Step *step = current_step (self);
  const Result *result = step->result;
  g_autofree char *title = NULL;
  g_autofree char *id = NULL;
  gboolean listed = result->state == STATE_LISTED;
  gint64 case_id = self->step_case_id;

  if (listed)
    /* Translators: the first %s is an IP address or domain, the second a block list's name */
    title = g_strdup_printf (_("%s is now listed on %s"), step->subject, result->list_name);
  else
    title = g_strdup_printf (_("%s is no longer listed on %s"), step->subject, result->list_name);

  /* One id per subject and list: "no longer listed" replaces "now listed". */
  id = g_strdup_printf ("watch-%s-%s", step->subject, result->zone);
  _md_watch_notify (self, id, title, listed ? result->detail : NULL, case_id,
                    listed && case_id > 0 ? _("Draft Request") : NULL, "app.draft-request");

  g_signal_emit (self, md_watch_signals[LISTING_CHANGED], 0, step->subject, result->zone,
                 result->list_name, listed, case_id);
}

static void
run_saved_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(MdWatch) self = user_data;
  g_autoptr(GError) error = NULL;

  if (md_case_store_add_check_run_finish (MD_CASE_STORE (object), result, &error) == 0)
    g_debug ("Watch: the check run of %s was not saved: %s", current_step (self)->subject,
             error->message);

  announce (self);
  next_step (self);
}

static void
case_created_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(MdWatch) self = user_data;
  g_autoptr(GError) error = NULL;
  const Step *step = current_step (self);
  g_autoptr(GDateTime) now = NULL;

  self->step_case_id = md_case_store_create_case_finish (MD_CASE_STORE (object), result, &error);
  if (self->step_case_id == 0)
    g_warning ("Watch: could not open a case for %s: %s", step->subject, error->message);

  if (self->step_case_id == 0 || step->run == NULL)
    {
      announce (self);
      next_step (self);
      return;
    }

  now = _md_watch_now_datetime (self);
  md_case_store_add_check_run_async (self->store, self->step_case_id, now, now, step->run, NULL,
                                     run_saved_cb, g_object_ref (self));
}

/* A newly listed address gets a case of its own. The case view shows a case
 * through its rejections, so the case holds one: not a receiver's words, but
 * the watch's finding, which says so, with the address it names. */
static void
create_case (MdWatch *self)
{
  const Step *step = current_step (self);
  const char *ip = step->subject;
  g_autoptr(GPtrArray) rejections = NULL;
  g_autoptr(MdRejection) rejection = md_rejection_new ();
  g_autoptr(GBytes) input = NULL;
  g_autofree char *title = NULL;
  char *text;

  rejections = g_ptr_array_new_with_free_func ((GDestroyNotify) md_rejection_free);

  /* Translators: a case's title; %s are an IP address and a block list's name */
  title = g_strdup_printf (_("%s on %s"), ip, step->result->list_name);
  /* Translators: the first %s is an IP address, the second a block list's name, the third its
   * zone, the fourth what the list's answer means */
  text = g_strdup_printf (_("MailDoctor’s watch found %s listed on %s (%s): %s No receiver’s "
                            "rejection is recorded for it yet."),
                          ip, step->result->list_name, step->result->zone,
                          step->result->detail != NULL ? step->result->detail : "");

  rejection->blocked_ip = g_strdup (ip);
  rejection->text = g_strdup (text);
  g_ptr_array_add (rejections, g_steal_pointer (&rejection));
  input = g_bytes_new_take (text, strlen (text));

  md_case_store_create_case_async (self->store, title, input, NULL, rejections, NULL, NULL,
                                   case_created_cb, g_object_ref (self));
}

static void
open_case_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(MdWatch) self = user_data;
  g_autoptr(GPtrArray) cases = NULL;
  g_autoptr(GError) error = NULL;
  const Step *step = current_step (self);

  cases = md_case_store_list_cases_finish (MD_CASE_STORE (object), result, &error);
  if (cases == NULL)
    g_debug ("Watch: the cases could not be read: %s", error->message);
  else
    _md_watch_store_cases (self, cases);

  self->step_case_id = _md_watch_find_waiting_case (cases, step->subject);
  if (self->step_case_id == 0 && step->result->state == STATE_LISTED)
    {
      create_case (self);
      return;
    }

  announce (self);
  next_step (self);
}

static void
recorded_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(MdWatch) self = user_data;
  g_autoptr(GError) error = NULL;
  const Step *step = current_step (self);
  gboolean changed;

  if (!md_case_store_record_listing_finish (MD_CASE_STORE (object), result, &changed, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Watch: could not record %s on %s: %s", step->subject, step->result->zone,
                   error->message);
      next_step (self);
      return;
    }
  if (!changed)
    {
      next_step (self);
      return;
    }

  /* The store now says this change was reported: it is, even when the
   * round is stopped meanwhile, so the steps that finish it are not
   * cancelled (the next step's are). */
  if (md_watch_subject_is_address (step->subject))
    {
      md_case_store_list_cases_async (self->store, NULL, NULL, open_case_cb, g_object_ref (self));
      return;
    }

  announce (self);
  next_step (self);
}

static void
record_next (MdWatch *self)
{
  const Step *step;
  g_autoptr(GDateTime) when = NULL;

  if (g_cancellable_is_cancelled (self->cancellable))
    {
      _md_watch_end_round (self);
      return;
    }
  if (self->step >= self->steps->len)
    {
      /* The model shows what the round recorded once it is read back. */
      _md_watch_load (self, self->cancellable, _md_watch_end_round);
      return;
    }

  step = current_step (self);
  when = _md_watch_now_datetime (self);
  self->step_case_id = 0;
  md_case_store_record_listing_async (self->store, step->subject, step->result->zone,
                                      step->result->list_name,
                                      step->result->state == STATE_LISTED, when,
                                      step->result->detail, self->cancellable, recorded_cb,
                                      g_object_ref (self));
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
  outcome->checked = _md_watch_now_us (self);

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

void
_md_watch_end_round (MdWatch *self)
{
  /* This tick's reminders come first: "round-finished" says all is done. */
  if (_md_watch_reminders_running (self))
    {
      self->finish_pending = TRUE;
      return;
    }

  self->finish_pending = FALSE;
  self->busy = FALSE;
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->share, md_check_share_unref);
  g_clear_pointer (&self->steps, g_ptr_array_unref);
  g_clear_pointer (&self->untrusted, g_free);
  g_queue_clear_full (&self->jobs, (GDestroyNotify) job_free);
  g_hash_table_remove_all (self->outcomes);
  g_signal_emit (self, md_watch_signals[ROUND_FINISHED], 0);
}

static void
finish_round (MdWatch *self)
{
  GHashTableIter iter;
  gpointer key, value;

  g_autofree char *untrusted = g_steal_pointer (&self->untrusted);

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
          _md_watch_notify (self, "watch-paused", _("The watch is paused"),
                            self->pause_reason, 0, NULL, NULL);
          g_signal_emit (self, md_watch_signals[PAUSED], 0, self->pause_reason);
        }
      _md_watch_end_round (self);
      return;
    }

  self->paused = FALSE;
  self->pause_announced = FALSE;
  g_clear_pointer (&self->pause_reason, g_free);

  self->steps = g_ptr_array_new_with_free_func (g_free);
  self->step = 0;
  g_hash_table_iter_init (&iter, self->outcomes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *subject = key;
      Outcome *outcome = value;
      gint64 *checked = g_new (gint64, 1);
      guint undecided = 0;

      *checked = outcome->checked;
      g_hash_table_replace (self->last_checked, g_strdup (subject), checked);

      for (guint i = 0; i < outcome->results->len; i++)
        {
          const Result *result = g_ptr_array_index (outcome->results, i);
          Step *step;

          /* "Could not decide" is never a change. */
          if (result->state == STATE_UNDECIDED)
            {
              undecided++;
              continue;
            }

          step = g_new0 (Step, 1);
          step->subject = subject;
          step->result = result;
          step->run = outcome->run;
          g_ptr_array_add (self->steps, step);
        }
      g_hash_table_replace (self->undecided, g_strdup (subject), GUINT_TO_POINTER (undecided));
    }

  record_next (self);
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
  if (!md_check_run_start_finish (run, result, &error) ||
      g_cancellable_is_cancelled (self->cancellable))
    {
      /* md_watch_stop(): the round ends here. What a stopped run did find
       * is not read: its lookups cut short would look like a resolver
       * that does not answer, and pause the watch for nothing. */
      if (g_cancellable_is_cancelled (self->cancellable))
        {
          job_free (job);
          _md_watch_end_round (self);
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

  /* Only the IP's own checks: no web checks (the options hold no HTTP
   * client), no HELO, no recipient. */
  options = self->run_options != NULL ? md_check_run_options_copy (self->run_options)
                                      : md_check_run_options_new ();
  options->share = md_check_share_ref (self->share);
  run = md_check_run_new (MD_DNS_SOURCE (self->source), subject, options);
  md_check_run_start_async (run, self->cancellable, run_done_cb, g_object_ref (self));
}

gboolean
_md_watch_start_round (MdWatch  *self,
                       gboolean  everything)
{
  g_auto(GStrv) subjects = NULL;
  const char *rider = NULL;
  gint64 now = _md_watch_now_us (self);

  if (self->busy || self->store == NULL)
    return FALSE;

  subjects = md_watch_dup_subjects (self);
  for (guint i = 0; subjects[i] != NULL; i++)
    {
      gint64 *checked = g_hash_table_lookup (self->last_checked, subjects[i]);
      Job *job;

      if (rider == NULL && md_watch_subject_is_address (subjects[i]))
        rider = subjects[i];
      if (!everything && checked != NULL &&
          now - *checked < (gint64) self->interval * G_USEC_PER_SEC)
        continue;

      job = g_new0 (Job, 1);
      job->subject = g_strdup (subjects[i]);
      if (md_watch_subject_is_address (subjects[i]))
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

  _md_watch_refresh_items (self);
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
  g_signal_emit (self, md_watch_signals[ROUND_STARTED], 0);
  run_next_job (self);

  return TRUE;
}


void
_md_watch_round_init (MdWatch *self)
{
  self->outcomes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) outcome_free);
  g_queue_init (&self->jobs);
}

/* Cancels the round running now; the outcomes go with finalize. */
void
_md_watch_round_dispose (MdWatch *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->share, md_check_share_unref);
  g_clear_pointer (&self->steps, g_ptr_array_unref);
  g_queue_clear_full (&self->jobs, (GDestroyNotify) job_free);
}
