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
void
_md_watch_refresh_items (MdWatch *self)
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
                            md_watch_subject_is_address (subjects[i])
                            ? _md_watch_find_waiting_case (cases, subjects[i]) : 0);
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

  when = _md_watch_now_datetime (self);
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
  _md_watch_notify (self, id, message, record->title, record->id, _("Draft Follow-up"),
                    "app.draft-follow-up");
  g_signal_emit (self, md_watch_signals[REMINDER], 0, record->id, message);
}

static void
check_reminders (MdWatch *self)
{
  g_autoptr(GPtrArray) cases = md_case_store_list_cases (self->store, NULL, NULL);
  gint64 now = _md_watch_now_us (self);

  for (guint i = 0; cases != NULL && i < cases->len; i++)
    {
      const MdCase *record = g_ptr_array_index (cases, i);

      if (record->status == MD_CASE_STATUS_REQUESTED)
        remind_case (self, record, now);
    }
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
  g_return_val_if_fail (MD_IS_CASE_STORE (store), NULL);

  self = g_object_new (MD_TYPE_WATCH, NULL);
  self->store = g_object_ref (store);
  self->catalog = md_blocklist_catalog_load (&error);
  if (self->catalog == NULL)
    g_warning ("Watch: the block list catalog could not be read: %s", error->message);
  md_watch_set_source (self, source);
  _md_watch_refresh_items (self);

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

  return _md_watch_start_round (self, FALSE);
}

gboolean
md_watch_recheck_now (MdWatch *self)
{
  g_return_val_if_fail (MD_IS_WATCH (self), FALSE);

  if (self->busy)
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
