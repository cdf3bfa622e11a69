/* md-watch.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-blocklists.h"
#include "md-knowledge.h"
#include "md-watch-private.h"

/* The watch's subjects and their model, the reminders, the notifications,
 * the schedule and the public API; a round of checks is in md-watch-round.c. */

/* How often the watch looks at its schedule. The interval itself is hours;
 * a minute keeps "due" close to the hour without waking the machine much. */
#define TICK_SECONDS 60

guint md_watch_signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MdWatch, md_watch, G_TYPE_OBJECT)

/* g_strv_builder_take() is GLib 2.80; Debian 12 has 2.74. */
static void
builder_take (GStrvBuilder *builder,
              char         *value)
{
  g_strv_builder_add (builder, value);
  g_free (value);
}

static gint64
real_clock (gpointer user_data)
{
  return g_get_real_time ();
}

gint64
_md_watch_now_us (MdWatch *self)
{
  return self->clock (self->clock_data);
}

GDateTime *
_md_watch_now_datetime (MdWatch *self)
{
  gint64 now = _md_watch_now_us (self);
  g_autoptr(GDateTime) seconds = g_date_time_new_from_unix_utc (now / G_USEC_PER_SEC);

  return g_date_time_add (seconds, now % G_USEC_PER_SEC);
}

/* Notifications */

void
_md_watch_notify (MdWatch    *self,
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

gint64
_md_watch_find_waiting_case (GPtrArray  *cases,
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


/* Subjects */

/* The IPs of the cases still waiting (as last read), normalized; in case
 * order. */
static GStrv
dup_case_addresses (MdWatch *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GPtrArray *cases = self->cases;

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

/* Brings the model in line with the subjects and what the store said is
 * listed now when last read (_md_watch_load()). */
void
_md_watch_refresh_items (MdWatch *self)
{
  g_auto(GStrv) subjects = md_watch_dup_subjects (self);
  GPtrArray *current = self->current;
  GPtrArray *cases = self->cases;
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
                            md_watch_subject_is_address (subjects[i])
                            ? _md_watch_find_waiting_case (cases, subjects[i]) : 0);
    }
}

void
_md_watch_store_cases (MdWatch   *self,
                       GPtrArray *cases)
{
  g_ptr_array_ref (cases);
  g_clear_pointer (&self->cases, g_ptr_array_unref);
  self->cases = cases;
}

/* A reload: the open listings, then the cases, both on the store's writer
 * thread (after the writes queued before them); then the model, then @done. */
typedef struct
{
  MdWatch         *self;
  GCancellable    *cancellable;
  MdWatchLoadFunc  done;
  GPtrArray       *current;
} Load;

static void
load_finish (Load      *load,
             GPtrArray *cases)
{
  MdWatch *self = load->self;

  /* A failed read keeps what was read before: better than nothing shown. */
  if (cases != NULL && load->current != NULL)
    {
      g_clear_pointer (&self->current, g_ptr_array_unref);
      self->current = g_steal_pointer (&load->current);
      _md_watch_store_cases (self, cases);
    }
  _md_watch_refresh_items (self);
  if (load->done != NULL)
    load->done (self);

  g_clear_pointer (&load->current, g_ptr_array_unref);
  g_clear_object (&load->cancellable);
  g_object_unref (load->self);
  g_free (load);
}

static void
load_cases_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Load *load = user_data;
  g_autoptr(GPtrArray) cases = NULL;
  g_autoptr(GError) error = NULL;

  cases = md_case_store_list_cases_finish (MD_CASE_STORE (object), result, &error);
  if (cases == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Watch: the cases could not be read: %s", error->message);

  load_finish (load, cases);
}

static void
load_listings_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Load *load = user_data;
  g_autoptr(GError) error = NULL;

  load->current = md_case_store_list_listings_finish (MD_CASE_STORE (object), result, &error);
  if (load->current == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Watch: the listings could not be read: %s", error->message);
      load_finish (load, NULL);
      return;
    }

  md_case_store_list_cases_async (MD_CASE_STORE (object), NULL, load->cancellable,
                                  load_cases_cb, load);
}

void
_md_watch_load (MdWatch         *self,
                GCancellable    *cancellable,
                MdWatchLoadFunc  done)
{
  Load *load = g_new0 (Load, 1);

  load->self = g_object_ref (self);
  load->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  load->done = done;
  md_case_store_list_listings_async (self->store, NULL, TRUE, cancellable, load_listings_cb,
                                     load);
}

/* Outside a round: a newer reload supersedes an older one. */
static void
reload (MdWatch *self)
{
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  _md_watch_load (self, self->load_cancellable, NULL);
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

/* Each tick looks at the requested cases, one after the other, every step
 * on the store's writer thread: the case's timeline, its rejections, then
 * claiming the reminder (once per case, even with two instances). */
static void remind_next (MdWatch *self);

gboolean
_md_watch_reminders_running (MdWatch *self)
{
  return self->reminding;
}

static void
reminders_done (MdWatch *self)
{
  self->reminding = FALSE;
  g_clear_pointer (&self->remind_cases, g_ptr_array_unref);
  g_clear_pointer (&self->remind_requested, g_date_time_unref);
  g_clear_pointer (&self->remind_message, g_free);
  g_clear_object (&self->remind_cancellable);

  /* A round that ended meanwhile says so now, with the reminders sent. */
  if (self->finish_pending)
    _md_watch_end_round (self);
}

static const MdCase *
reminded_case (MdWatch *self)
{
  return g_ptr_array_index (self->remind_cases, self->remind_index);
}

static void
remind_skip (MdWatch *self)
{
  self->remind_index++;
  remind_next (self);
}

static gboolean
remind_stopped (MdWatch      *self,
                const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_cancellable_is_cancelled (self->remind_cancellable))
    {
      reminders_done (self);
      return TRUE;
    }

  return FALSE;
}

static void
remind_claimed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(MdWatch) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  const MdCase *record = reminded_case (self);
  gboolean claimed;

  if (!md_case_store_claim_reminder_finish (MD_CASE_STORE (object), result, &claimed, &error))
    {
      if (remind_stopped (self, error))
        return;
      g_debug ("Watch: reminder for case %" G_GINT64_FORMAT " not recorded: %s",
               record->id, error->message);
      remind_skip (self);
      return;
    }

  /* Claimed is claimed: sent even when the watch stops now, or never. */
  if (claimed)
    {
      id = g_strdup_printf ("watch-reminder-%" G_GINT64_FORMAT, record->id);
      _md_watch_notify (self, id, self->remind_message, record->title, record->id,
                        _("Draft Follow-up"), "app.draft-follow-up");
      g_signal_emit (self, md_watch_signals[REMINDER], 0, record->id, self->remind_message);
    }

  if (!remind_stopped (self, NULL))
    remind_skip (self);
}

static void
remind_rejections_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(MdWatch) self = user_data;
  g_autoptr(GPtrArray) rejections = NULL;
  g_autoptr(MdExplanation) explanation = NULL;
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GError) error = NULL;
  const MdCase *record = reminded_case (self);
  const MdRejection *primary = NULL;
  const char *receiver;
  gint64 now = _md_watch_now_us (self);

  rejections = md_case_store_list_rejections_finish (MD_CASE_STORE (object), result, &error);
  if (rejections == NULL)
    {
      if (remind_stopped (self, error))
        return;
      g_debug ("Watch: the rejections of case %" G_GINT64_FORMAT " could not be read: %s",
               record->id, error->message);
      remind_skip (self);
      return;
    }

  for (guint i = 0; i < rejections->len; i++)
    {
      const MdCaseRejection *stored = g_ptr_array_index (rejections, i);

      if (primary == NULL || (primary->blocked_ip == NULL && stored->rejection->blocked_ip != NULL))
        primary = stored->rejection;
    }
  if (primary == NULL)
    {
      remind_skip (self);
      return;
    }

  explanation = md_knowledge_explain (md_knowledge_get_default (), primary);
  if (explanation == NULL || explanation->response_hours == 0 ||
      now < g_date_time_to_unix (self->remind_requested) * G_USEC_PER_SEC +
            (gint64) explanation->response_hours * 60 * 60 * G_USEC_PER_SEC)
    {
      remind_skip (self);
      return;
    }

  g_clear_pointer (&self->remind_message, g_free);
  receiver = md_provider_display_name (primary->provider);
  if (receiver != NULL)
    /* Translators: %s is a receiver ("Microsoft"), %u a number of hours */
    self->remind_message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                         "%s said %u hour: draft the follow-up?",
                                                         "%s said %u hours: draft the follow-up?",
                                                         explanation->response_hours),
                                            receiver, explanation->response_hours);
  else
    self->remind_message =
      g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                    "The receiver said %u hour: draft the follow-up?",
                                    "The receiver said %u hours: draft the follow-up?",
                                    explanation->response_hours),
                       explanation->response_hours);

  when = _md_watch_now_datetime (self);
  md_case_store_claim_reminder_async (self->store, record->id, when, self->remind_cancellable,
                                      remind_claimed_cb, g_object_ref (self));
}

static void
remind_events_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(MdWatch) self = user_data;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  const MdCase *record = reminded_case (self);
  GDateTime *requested = NULL;

  events = md_case_store_list_events_finish (MD_CASE_STORE (object), result, &error);
  if (events == NULL)
    {
      if (remind_stopped (self, error))
        return;
      g_debug ("Watch: the timeline of case %" G_GINT64_FORMAT " could not be read: %s",
               record->id, error->message);
      remind_skip (self);
      return;
    }

  for (guint i = 0; i < events->len; i++)
    {
      const MdCaseEvent *event = g_ptr_array_index (events, i);

      if (is_request_event (event->kind))
        requested = event->timestamp;   /* oldest first: the last one wins */
    }
  if (requested == NULL)
    {
      remind_skip (self);
      return;
    }

  g_clear_pointer (&self->remind_requested, g_date_time_unref);
  self->remind_requested = g_date_time_ref (requested);
  md_case_store_list_rejections_async (self->store, record->id, self->remind_cancellable,
                                       remind_rejections_cb, g_object_ref (self));
}

static void
remind_next (MdWatch *self)
{
  while (self->remind_index < self->remind_cases->len &&
         reminded_case (self)->status != MD_CASE_STATUS_REQUESTED)
    self->remind_index++;

  if (self->remind_index >= self->remind_cases->len)
    {
      reminders_done (self);
      return;
    }

  md_case_store_list_events_async (self->store, reminded_case (self)->id,
                                   self->remind_cancellable, remind_events_cb,
                                   g_object_ref (self));
}

static void
remind_cases_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(MdWatch) self = user_data;
  g_autoptr(GError) error = NULL;

  self->remind_cases = md_case_store_list_cases_finish (MD_CASE_STORE (object), result, &error);
  if (self->remind_cases == NULL)
    {
      if (!remind_stopped (self, error))
        {
          g_debug ("Watch: the cases could not be read: %s", error->message);
          reminders_done (self);
        }
      return;
    }

  /* The subjects follow the cases too: a case opened in the window is
   * watched from the next round on. */
  _md_watch_store_cases (self, self->remind_cases);
  _md_watch_refresh_items (self);

  self->remind_index = 0;
  remind_next (self);
}

static void
check_reminders (MdWatch *self)
{
  if (self->store == NULL || self->reminding)
    return;

  self->reminding = TRUE;
  self->remind_cancellable = g_cancellable_new ();
  md_case_store_list_cases_async (self->store, NULL, self->remind_cancellable, remind_cases_cb,
                                  g_object_ref (self));
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
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  if (self->remind_cancellable != NULL)
    g_cancellable_cancel (self->remind_cancellable);
  _md_watch_round_dispose (self);
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
  g_clear_pointer (&self->run_options, md_check_run_options_free);
  g_hash_table_unref (self->last_checked);
  g_hash_table_unref (self->undecided);
  g_hash_table_unref (self->outcomes);
  g_clear_pointer (&self->cases, g_ptr_array_unref);
  g_clear_pointer (&self->current, g_ptr_array_unref);
  g_clear_pointer (&self->remind_cases, g_ptr_array_unref);
  g_clear_pointer (&self->remind_requested, g_date_time_unref);
  g_free (self->remind_message);
  g_clear_object (&self->remind_cancellable);
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

  md_watch_signals[LISTING_CHANGED] =
    g_signal_new ("listing-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 5,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_BOOLEAN, G_TYPE_INT64);
  md_watch_signals[PAUSED] =
    g_signal_new ("paused", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  md_watch_signals[REMINDER] =
    g_signal_new ("reminder", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_STRING);
  md_watch_signals[ROUND_STARTED] =
    g_signal_new ("round-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  md_watch_signals[ROUND_FINISHED] =
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
  self->items = g_list_store_new (MD_TYPE_WATCH_ITEM);
  _md_watch_round_init (self);
}

MdWatch *
md_watch_new (MdDnsSource *source,
              MdCaseStore *store)
{
  g_autoptr(GError) error = NULL;
  MdWatch *self;

  g_return_val_if_fail (MD_IS_DNS_SOURCE (source), NULL);
  g_return_val_if_fail (store == NULL || MD_IS_CASE_STORE (store), NULL);

  self = g_object_new (MD_TYPE_WATCH, NULL);
  self->catalog = md_blocklist_catalog_load (&error);
  if (self->catalog == NULL)
    g_warning ("Watch: the block list catalog could not be read: %s", error->message);
  md_watch_set_source (self, source);
  _md_watch_refresh_items (self);
  if (store != NULL)
    md_watch_set_store (self, store);

  return self;
}

void
md_watch_set_store (MdWatch     *self,
                    MdCaseStore *store)
{
  g_return_if_fail (MD_IS_WATCH (self));
  g_return_if_fail (MD_IS_CASE_STORE (store));
  g_return_if_fail (self->store == NULL);

  self->store = g_object_ref (store);
  reload (self);
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
  _md_watch_refresh_items (self);

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
  _md_watch_refresh_items (self);

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
md_watch_set_run_options (MdWatch                 *self,
                          const MdCheckRunOptions *options)
{
  g_return_if_fail (MD_IS_WATCH (self));

  g_clear_pointer (&self->run_options, md_check_run_options_free);
  if (options == NULL)
    return;

  self->run_options = md_check_run_options_copy (options);
  g_clear_object (&self->run_options->http);
  g_clear_pointer (&self->run_options->share, md_check_share_unref);
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

  /* What runs now stops at its next step; a round ends (round-finished)
   * once its step in flight is back. */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->remind_cancellable != NULL)
    g_cancellable_cancel (self->remind_cancellable);
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
}

gboolean
md_watch_tick (MdWatch *self)
{
  g_return_val_if_fail (MD_IS_WATCH (self), FALSE);

  if (self->store == NULL)
    return FALSE;

  check_reminders (self);

  if (self->paused)
    return FALSE;

  return _md_watch_start_round (self, FALSE);
}

gboolean
md_watch_recheck_now (MdWatch *self)
{
  g_return_val_if_fail (MD_IS_WATCH (self), FALSE);

  if (self->busy || self->store == NULL)
    return FALSE;

  self->paused = FALSE;

  return _md_watch_start_round (self, TRUE);
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
