/* test-watch.c — the watch list: addresses, the scheduler with a fake clock against knotd,
 * notifications through a mock org.freedesktop.Notifications, the follow-up reminder
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "md-background.h"
#include "md-case-store.h"
#include "md-test-knot.h"
#include "md-util.h"
#include "md-watch.h"
#include "md-watch-private.h"

#define HOUR (G_GINT64_CONSTANT (60 * 60) * G_USEC_PER_SEC)
#define APP_ID_TEST "org.example.MailDoctor.WatchTest"

static GTestDBus *bus;
static GSubprocess *notifyd;
static GApplication *app;

/* ---------------------------------------------------------------------------
 * A DNS source the test points at one knotd or another: "the list changed"
 * without restarting the watch. */

#define TEST_TYPE_SWITCH_SOURCE (test_switch_source_get_type ())
G_DECLARE_FINAL_TYPE (TestSwitchSource, test_switch_source, TEST, SWITCH_SOURCE, GObject)

struct _TestSwitchSource
{
  GObject      parent_instance;
  MdDnsSource *target;
};

static void switch_iface_init (MdDnsSourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestSwitchSource, test_switch_source, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MD_TYPE_DNS_SOURCE, switch_iface_init))

static void
switch_query_async (MdDnsSource         *source,
                    const char          *name,
                    MdDnsType            type,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  TestSwitchSource *self = TEST_SWITCH_SOURCE (source);

  /* The answer's task belongs to the target: finish goes there too. */
  md_dns_source_query_async (self->target, name, type, cancellable, callback, user_data);
}

static MdDnsAnswer *
switch_query_finish (MdDnsSource   *source,
                     GAsyncResult  *result,
                     GError       **error)
{
  g_autoptr(GObject) origin = g_async_result_get_source_object (result);

  return md_dns_source_query_finish (MD_DNS_SOURCE (origin), result, error);
}

static void
switch_iface_init (MdDnsSourceInterface *iface)
{
  iface->query_async = switch_query_async;
  iface->query_finish = switch_query_finish;
}

static void
test_switch_source_dispose (GObject *object)
{
  g_clear_object (&TEST_SWITCH_SOURCE (object)->target);
  G_OBJECT_CLASS (test_switch_source_parent_class)->dispose (object);
}

static void
test_switch_source_class_init (TestSwitchSourceClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = test_switch_source_dispose;
}

static void
test_switch_source_init (TestSwitchSource *self)
{
}

static void
switch_to (TestSwitchSource *self,
           MdTestKnot       *knot)
{
  g_clear_object (&self->target);
  self->target = MD_DNS_SOURCE (md_test_knot_new_resolver (knot));
}

static TestSwitchSource *
switch_source_new (MdTestKnot *knot)
{
  TestSwitchSource *self = g_object_new (TEST_TYPE_SWITCH_SOURCE, NULL);

  switch_to (self, knot);
  return self;
}

/* ---------------------------------------------------------------------------
 * The mock notification daemon (python3-dbusmock) on the private bus. */

static GDBusConnection *
session (void)
{
  return g_application_get_dbus_connection (app);
}

static GVariant *
mock_call (const char *method,
           GVariant   *parameters)
{
  g_autoptr(GError) error = NULL;
  GVariant *reply;

  reply = g_dbus_connection_call_sync (session (), "org.freedesktop.Notifications",
                                       "/org/freedesktop/Notifications",
                                       "org.freedesktop.DBus.Mock", method, parameters, NULL,
                                       G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
  g_assert_no_error (error);
  return reply;
}

static void
notifications_clear (void)
{
  g_autoptr(GVariant) reply = mock_call ("ClearCalls", NULL);

  g_assert_nonnull (reply);
}

/* The summaries of every Notify call so far; with @actions, each one's
 * action labels joined by "|" after a tab. */
static GPtrArray *
notifications_sent (void)
{
  g_autoptr(GVariant) reply = mock_call ("GetCalls", NULL);
  g_autoptr(GVariant) calls = g_variant_get_child_value (reply, 0);
  GPtrArray *sent = g_ptr_array_new_with_free_func (g_free);
  GVariantIter iter;
  const char *method;
  GVariant *args;
  guint64 timestamp;

  g_variant_iter_init (&iter, calls);
  while (g_variant_iter_next (&iter, "(t&s@av)", &timestamp, &method, &args))
    {
      if (g_str_equal (method, "Notify"))
        {
          g_autoptr(GVariant) summary = g_variant_get_child_value (args, 3);
          g_autoptr(GVariant) body = g_variant_get_child_value (args, 4);
          g_autoptr(GVariant) actions = g_variant_get_child_value (args, 5);
          g_autoptr(GVariant) summary_value = g_variant_get_variant (summary);
          g_autoptr(GVariant) body_value = g_variant_get_variant (body);
          g_autoptr(GVariant) actions_value = g_variant_get_variant (actions);
          g_autoptr(GString) text = g_string_new (g_variant_get_string (summary_value, NULL));
          g_autofree const char **strv = g_variant_get_strv (actions_value, NULL);

          g_string_append_printf (text, "\n%s\n", g_variant_get_string (body_value, NULL));
          /* org.freedesktop.Notifications: [id, label, id, label, …] */
          for (guint i = 1; strv[i - 1] != NULL && strv[i] != NULL; i += 2)
            g_string_append_printf (text, "[%s]", strv[i]);
          g_ptr_array_add (sent, g_string_free (g_steal_pointer (&text), FALSE));
        }
      g_variant_unref (args);
    }

  return sent;
}

static gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* The notifications go out asynchronously: wait until @expected arrived,
 * then a little longer, so that one too many would be seen too. */
static GPtrArray *
notifications_wait (guint expected)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  gboolean waited = FALSE;
  GPtrArray *sent;

  for (;;)
    {
      sent = notifications_sent ();
      if (sent->len >= expected || g_get_monotonic_time () > deadline)
        break;
      g_ptr_array_unref (sent);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (20000);
    }
  g_ptr_array_unref (sent);

  g_timeout_add (300, timeout_cb, &waited);
  while (!waited)
    g_main_context_iteration (NULL, TRUE);

  return notifications_sent ();
}

static gboolean
start_notification_daemon (GError **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  gint64 deadline;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  notifyd = g_subprocess_launcher_spawn (launcher, error, "/usr/bin/python3", "-m", "dbusmock",
                                         "--template", "notification_daemon", NULL);
  if (notifyd == NULL)
    return FALSE;

  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(GVariant) reply = NULL;

      reply = g_dbus_connection_call_sync (session (), "org.freedesktop.DBus",
                                           "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                           "NameHasOwner",
                                           g_variant_new ("(s)", "org.freedesktop.Notifications"),
                                           G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                           NULL, NULL);
      if (reply != NULL)
        {
          gboolean owned;

          g_variant_get (reply, "(b)", &owned);
          if (owned)
            return TRUE;
        }
      g_usleep (50000);
    }

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       "python3-dbusmock did not take org.freedesktop.Notifications");
  return FALSE;
}

/* ---------------------------------------------------------------------------
 * Fixture: a case store, a fake clock, and helpers to run a round. */

typedef struct
{
  char        *dir;
  MdCaseStore *store;
  gint64       now;
  GPtrArray   *changes;     /* "listed 203.0.113.7 zen.spamhaus.org" … */
  guint        paused;
  GPtrArray   *reminders;
  gboolean     round_done;
} Fixture;

static gint64
fake_clock (gpointer user_data)
{
  Fixture *fixture = user_data;

  return fixture->now;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->dir = g_dir_make_tmp ("md-watch-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "cases.db", NULL);
  fixture->store = md_case_store_new (path, &error);
  g_assert_no_error (error);
  /* A fixed day, at 00:00 UTC, so "a day later" is a new budget day. */
  fixture->now = G_GINT64_CONSTANT (1796256000) * G_USEC_PER_SEC;
  fixture->changes = g_ptr_array_new_with_free_func (g_free);
  fixture->reminders = g_ptr_array_new_with_free_func (g_free);

  notifications_clear ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_clear_object (&fixture->store);
  g_ptr_array_unref (fixture->changes);
  g_ptr_array_unref (fixture->reminders);

  dir = g_dir_open (fixture->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (fixture->dir, name, NULL);
      g_assert_cmpint (g_unlink (file), ==, 0);
    }
  g_assert_cmpint (g_rmdir (fixture->dir), ==, 0);
  g_free (fixture->dir);
}

static void
changed_cb (MdWatch    *watch,
            const char *subject,
            const char *zone,
            const char *list_name,
            gboolean    listed,
            gint64      case_id,
            Fixture    *fixture)
{
  g_ptr_array_add (fixture->changes, g_strdup_printf ("%s %s %s (%s) case %s",
                                                      listed ? "listed" : "delisted",
                                                      subject, zone, list_name,
                                                      case_id > 0 ? "yes" : "none"));
}

static void
paused_cb (MdWatch    *watch,
           const char *message,
           Fixture    *fixture)
{
  fixture->paused++;
}

static void
reminder_cb (MdWatch    *watch,
             gint64      case_id,
             const char *message,
             Fixture    *fixture)
{
  g_ptr_array_add (fixture->reminders, g_strdup (message));
}

static void
round_cb (MdWatch *watch,
          Fixture *fixture)
{
  fixture->round_done = TRUE;
}

/* Runs the main context until @done says so: the watch's store calls come
 * back through it. */
static void
iterate_until (gboolean (*done) (MdWatch *watch),
               MdWatch   *watch)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!done (watch))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

static gboolean
is_loaded (MdWatch *watch)
{
  return watch->cases != NULL;
}

static gboolean
reminders_done (MdWatch *watch)
{
  return !_md_watch_reminders_running (watch);
}

static MdWatch *
watch_new (Fixture     *fixture,
           MdDnsSource *source)
{
  MdWatch *watch = md_watch_new (source, fixture->store);

  /* Its first read of the store (on the writer thread). */
  iterate_until (is_loaded, watch);

  md_watch_set_clock (watch, fake_clock, fixture);
  md_watch_set_application (watch, app);
  g_signal_connect (watch, "listing-changed", G_CALLBACK (changed_cb), fixture);
  g_signal_connect (watch, "paused", G_CALLBACK (paused_cb), fixture);
  g_signal_connect (watch, "reminder", G_CALLBACK (reminder_cb), fixture);
  g_signal_connect (watch, "round-finished", G_CALLBACK (round_cb), fixture);

  return watch;
}

/* Ticks the watch; TRUE when a round ran (and waits for it, and for the
 * tick's reminders, which come before "round-finished"). */
static gboolean
tick (Fixture *fixture,
      MdWatch *watch)
{
  fixture->round_done = FALSE;
  if (!md_watch_tick (watch))
    {
      iterate_until (reminders_done, watch);
      return FALSE;
    }
  g_assert_true (md_test_main_loop_run_until (&fixture->round_done, 30000));
  g_assert_false (_md_watch_reminders_running (watch));
  return TRUE;
}

static void
recheck (Fixture *fixture,
         MdWatch *watch)
{
  fixture->round_done = FALSE;
  g_assert_true (md_watch_recheck_now (watch));
  g_assert_true (md_test_main_loop_run_until (&fixture->round_done, 30000));
}

static MdTestKnot *
knot_for (const char *set)
{
  g_autofree char *zone = g_strdup_printf ("watch/%s/zen.spamhaus.org.zone", set);
  const char *zones[] = { zone, NULL };
  g_autoptr(GError) error = NULL;
  MdTestKnot *knot = md_test_knot_new (zones, &error);

  g_assert_no_error (error);
  return knot;
}

static MdWatchItem *
item_of (MdWatch    *watch,
         const char *subject)
{
  GListModel *model = md_watch_get_model (watch);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(MdWatchItem) item = g_list_model_get_item (model, i);

      if (g_str_equal (md_watch_item_get_subject (item), subject))
        return item;
    }

  return NULL;
}

/* ---------------------------------------------------------------------------
 * What the watch list accepts */

static void
test_prefixes (void)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) addresses = NULL;
  const char *mixed[] = { "203.0.113.0/28", " 203.0.113.7 ", "", "2001:DB8::25",
                          "203.0.113.3", NULL };

  addresses = md_watch_expand_entry ("203.0.113.0/28", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (addresses), ==, 16);
  g_assert_cmpstr (addresses[0], ==, "203.0.113.0");
  g_assert_cmpstr (addresses[15], ==, "203.0.113.15");
  g_clear_pointer (&addresses, g_strfreev);

  addresses = md_watch_expand_entry ("198.51.100.0/24", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (addresses), ==, 256);
  g_assert_cmpstr (addresses[255], ==, "198.51.100.255");
  g_clear_pointer (&addresses, g_strfreev);

  addresses = md_watch_expand_entry ("203.0.113.7/32", &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (addresses, ((const char *[]) { "203.0.113.7", NULL }));
  g_clear_pointer (&addresses, g_strfreev);

  addresses = md_watch_expand_entry ("203.0.112.0/23", &error);
  g_assert_error (error, MD_WATCH_ERROR, MD_WATCH_ERROR_PREFIX_TOO_BIG);
  g_assert_cmpstr (error->message, ==, "“203.0.112.0/23” is too big to watch (a /23): enter at "
                   "most a /24 (256 addresses), or the addresses your server sends from.");
  g_assert_null (addresses);
  g_clear_error (&error);

  addresses = md_watch_expand_entry ("0.0.0.0/0", &error);
  g_assert_error (error, MD_WATCH_ERROR, MD_WATCH_ERROR_PREFIX_TOO_BIG);
  g_clear_error (&error);

  addresses = md_watch_expand_entry ("2001:db8::/64", &error);
  g_assert_error (error, MD_WATCH_ERROR, MD_WATCH_ERROR_IPV6_PREFIX);
  g_assert_true (g_str_has_prefix (error->message, "“2001:db8::/64”: IPv6 addresses are watched "
                                   "one at a time"));
  g_clear_error (&error);

  addresses = md_watch_expand_entry ("203.0.113.7/24", &error);
  g_assert_error (error, MD_WATCH_ERROR, MD_WATCH_ERROR_HOST_BITS);
  g_assert_cmpstr (error->message, ==, "“203.0.113.7/24” does not start at the beginning of its "
                   "range: did you mean 203.0.113.0/24?");
  g_clear_error (&error);

  for (guint i = 0; i < 5; i++)
    {
      const char *bad[] = { "mail.example.com", "203.0.113.0/", "203.0.113.0/33",
                            "203.0.113.0/-1", "203.0.113.0/24x" };

      addresses = md_watch_expand_entry (bad[i], &error);
      g_assert_error (error, MD_WATCH_ERROR, MD_WATCH_ERROR_INVALID_ADDRESS);
      g_assert_null (addresses);
      g_clear_error (&error);
    }

  /* Duplicates once, blanks skipped, IPv6 normalized, the order kept. */
  addresses = md_watch_expand_entries (mixed, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (addresses), ==, 17);
  g_assert_cmpstr (addresses[7], ==, "203.0.113.7");
  g_assert_cmpstr (addresses[16], ==, "2001:db8::25");
}

/* The watch page's order: problems first, then addresses in numeric order. */
static void
test_item_order (void)
{
  g_autoptr(MdWatchItem) listed = md_watch_item_new ("203.0.113.200");
  g_autoptr(MdWatchItem) undecided = md_watch_item_new ("203.0.113.100");
  g_autoptr(MdWatchItem) two = md_watch_item_new ("203.0.113.2");
  g_autoptr(MdWatchItem) ten = md_watch_item_new ("203.0.113.10");
  g_autoptr(MdWatchItem) v6 = md_watch_item_new ("2001:db8::1");
  g_autoptr(MdWatchItem) domain = md_watch_item_new ("example.com");
  MdWatchItem *expected[] = { listed, undecided, two, ten, v6, domain };
  g_autofree char *status = NULL;

  md_watch_item_update (listed, "Spamhaus ZEN", 1, 0, 1, 0);
  md_watch_item_update (undecided, "", 0, 2, 1, 0);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    for (guint j = 0; j < G_N_ELEMENTS (expected); j++)
      g_assert_cmpint (md_watch_item_compare (expected[i], expected[j]), ==,
                       i < j ? -1 : i > j ? 1 : 0);

  status = md_watch_item_dup_status (undecided);
  g_assert_cmpstr (status, ==, "Not listed; 2 lists could not decide");
  g_clear_pointer (&status, g_free);
  status = md_watch_item_dup_status (two);
  g_assert_cmpstr (status, ==, "Not checked yet");
}

static void
test_domains (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(MdTestKnot) knot = knot_for ("clean");
  g_autoptr(TestSwitchSource) source = switch_source_new (knot);
  g_autoptr(MdWatch) watch = watch_new (fixture, MD_DNS_SOURCE (source));
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) subjects = NULL;
  const char *good[] = { "Example.COM.", " mail.example.net", NULL };
  const char *bad[] = { "example.com", "not a domain", NULL };
  const char *too_big[] = { "203.0.113.7", "198.51.100.0/23", NULL };
  const char *entries[] = { "203.0.113.7", NULL };

  g_assert_true (md_watch_set_domains (watch, good, &error));
  g_assert_no_error (error);
  g_assert_false (md_watch_set_domains (watch, bad, &error));
  g_assert_error (error, MD_WATCH_ERROR, MD_WATCH_ERROR_INVALID_DOMAIN);
  g_assert_cmpstr (error->message, ==, "“not a domain” is not a domain name (for example "
                   "example.com).");
  g_clear_error (&error);

  g_assert_true (md_watch_set_entries (watch, entries, &error));
  /* A bad list changes nothing. */
  g_assert_false (md_watch_set_entries (watch, too_big, &error));
  g_assert_error (error, MD_WATCH_ERROR, MD_WATCH_ERROR_PREFIX_TOO_BIG);

  subjects = md_watch_dup_subjects (watch);
  g_assert_cmpstrv (subjects, ((const char *[]) { "203.0.113.7", "example.com",
                                                  "mail.example.net", NULL }));
  g_assert_cmpuint (g_list_model_get_n_items (md_watch_get_model (watch)), ==, 3);
}

/* ---------------------------------------------------------------------------
 * The history in the case store (schema 3) */

static GDateTime *
at (gint64 seconds)
{
  return g_date_time_new_from_unix_utc (seconds);
}

static void
test_history (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(MdCaseStore) other = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) current = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) t1 = at (1796256000);
  g_autoptr(GDateTime) t2 = at (1796256000 + 3600);
  g_autoptr(GDateTime) t3 = at (1796256000 + 7200);
  const MdWatchListing *listing;
  gboolean changed;
  gboolean claimed;

  other = md_case_store_new (md_case_store_get_path (fixture->store), &error);
  g_assert_no_error (error);

  g_assert_true (md_case_store_record_listing (fixture->store, "203.0.113.7", "zen.spamhaus.org",
                                               "Spamhaus ZEN", TRUE, t1, "Listed: CSS.",
                                               &changed, &error));
  g_assert_true (changed);
  /* The same listing seen again, by this instance or another: no change. */
  g_assert_true (md_case_store_record_listing (other, "203.0.113.7", "zen.spamhaus.org",
                                               "Spamhaus ZEN", TRUE, t2, NULL, &changed, &error));
  g_assert_false (changed);
  g_assert_true (md_case_store_record_listing (fixture->store, "203.0.113.8", "zen.spamhaus.org",
                                               "Spamhaus ZEN", FALSE, t2, NULL, &changed, &error));
  g_assert_false (changed);
  g_assert_true (md_case_store_record_listing (other, "203.0.113.7", "zen.spamhaus.org",
                                               "Spamhaus ZEN", FALSE, t2, NULL, &changed, &error));
  g_assert_true (changed);
  g_assert_true (md_case_store_record_listing (fixture->store, "203.0.113.7",
                                               "zen.spamhaus.org", "Spamhaus ZEN", FALSE, t3,
                                               NULL, &changed, &error));
  g_assert_false (changed);
  /* Listed again later: a second stay on the list. */
  g_assert_true (md_case_store_record_listing (fixture->store, "203.0.113.7", "zen.spamhaus.org",
                                               "Spamhaus ZEN", TRUE, t3, NULL, &changed, &error));
  g_assert_true (changed);
  g_assert_no_error (error);

  all = md_case_store_list_listings (fixture->store, "203.0.113.7", FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 2);
  listing = g_ptr_array_index (all, 0);
  g_assert_cmpint (g_date_time_to_unix (listing->listed), ==, 1796256000);
  g_assert_cmpint (g_date_time_to_unix (listing->delisted), ==, 1796256000 + 3600);
  g_assert_cmpstr (listing->detail, ==, "Listed: CSS.");
  listing = g_ptr_array_index (all, 1);
  g_assert_null (listing->delisted);

  current = md_case_store_list_listings (other, NULL, TRUE, &error);
  g_assert_cmpuint (current->len, ==, 1);

  /* A reminder is claimed once per case, and only for a case that exists. */
  g_assert_true (md_case_store_claim_reminder (fixture->store, 99, t1, &claimed, &error));
  g_assert_false (claimed);
}

/* ---------------------------------------------------------------------------
 * The scheduler against knotd: a listing appears and disappears */

static void
test_appears_disappears (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(MdTestKnot) clean = knot_for ("clean");
  g_autoptr(MdTestKnot) listed = knot_for ("listed");
  g_autoptr(TestSwitchSource) source = switch_source_new (clean);
  g_autoptr(MdWatch) watch = watch_new (fixture, MD_DNS_SOURCE (source));
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(GPtrArray) cases = NULL;
  g_autoptr(GPtrArray) rejections = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;
  const char *entries[] = { "203.0.113.7", NULL };
  const MdWatchListing *listing;
  const MdCase *record;
  MdWatchItem *item;
  guint upstream;

  g_assert_true (md_watch_set_entries (watch, entries, &error));
  g_assert_cmpuint (md_watch_get_interval (watch), ==, 6 * 60 * 60);

  /* First round: not listed, nothing to say. */
  g_assert_true (tick (fixture, watch));
  g_assert_cmpuint (fixture->changes->len, ==, 0);
  item = item_of (watch, "203.0.113.7");
  g_assert_nonnull (item);
  g_assert_cmpuint (md_watch_item_get_n_listed (item), ==, 0);
  g_assert_cmpint (md_watch_item_get_checked (item), ==, fixture->now);

  /* Within the interval nothing is due. */
  fixture->now += 1 * HOUR;
  g_assert_false (tick (fixture, watch));

  /* The list adds the address; the next round, six hours on, sees it. */
  switch_to (source, listed);
  fixture->now += 5 * HOUR;
  g_assert_true (tick (fixture, watch));
  g_assert_cmpuint (fixture->changes->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->changes, 0), ==,
                   "listed 203.0.113.7 zen.spamhaus.org (Spamhaus ZEN) case yes");
  g_assert_cmpuint (md_watch_item_get_n_listed (item), ==, 1);
  g_assert_cmpstr (md_watch_item_get_listings (item), ==, "Spamhaus ZEN");
  status = md_watch_item_dup_status (item);
  g_assert_cmpstr (status, ==, "Listed on Spamhaus ZEN");
  g_assert_cmpint (md_watch_item_get_case_id (item), >, 0);

  /* … and opened a case of its own, with the run that found it. */
  cases = md_case_store_list_cases (fixture->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cases->len, ==, 1);
  record = g_ptr_array_index (cases, 0);
  g_assert_cmpstr (record->title, ==, "203.0.113.7 on Spamhaus ZEN");
  g_assert_cmpstr (record->blocked_ip, ==, "203.0.113.7");
  g_assert_cmpint (record->status, ==, MD_CASE_STATUS_OPEN);
  g_assert_cmpint (record->id, ==, md_watch_item_get_case_id (item));
  rejections = md_case_store_list_rejections (fixture->store, record->id, &error);
  g_assert_cmpuint (rejections->len, ==, 1);
  runs = md_case_store_list_check_runs (fixture->store, record->id, &error);
  g_assert_cmpuint (runs->len, ==, 1);

  /* Re-check Now inside the answers' TTL asks the list nothing new, and a
   * listing that stays is no change. */
  upstream = md_watch_source_get_n_sent (md_watch_get_source (watch), "zen.spamhaus.org");
  /* two rounds of three (the address, the two test entries) and the listing's TXT */
  g_assert_cmpuint (upstream, ==, 7);
  recheck (fixture, watch);
  g_assert_cmpuint (md_watch_source_get_n_sent (md_watch_get_source (watch), "zen.spamhaus.org"),
                    ==, upstream);
  g_assert_cmpuint (fixture->changes->len, ==, 1);

  /* The list drops it. */
  switch_to (source, clean);
  fixture->now += 6 * HOUR;
  g_assert_true (tick (fixture, watch));
  g_assert_cmpuint (fixture->changes->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (fixture->changes, 1), ==,
                   "delisted 203.0.113.7 zen.spamhaus.org (Spamhaus ZEN) case yes");
  g_assert_cmpuint (md_watch_item_get_n_listed (item), ==, 0);

  /* The history: on at +6 h, off at +12 h. */
  history = md_case_store_list_listings (fixture->store, "203.0.113.7", FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 1);
  listing = g_ptr_array_index (history, 0);
  g_assert_cmpstr (listing->zone, ==, "zen.spamhaus.org");
  g_assert_cmpstr (listing->list_name, ==, "Spamhaus ZEN");
  g_assert_cmpint (g_date_time_to_unix (listing->listed), ==,
                   fixture->now / G_USEC_PER_SEC - 6 * 60 * 60);
  g_assert_cmpint (g_date_time_to_unix (listing->delisted), ==, fixture->now / G_USEC_PER_SEC);
  g_assert_cmpstr (listing->detail, ==,
                   "Listed: CSS: low-reputation IP sending spam (Spamhaus CSS).");

  /* One notification for each change, with its actions. */
  sent = notifications_wait (2);
  g_assert_cmpuint (sent->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (sent, 0), ==,
                   "203.0.113.7 is now listed on Spamhaus ZEN\n"
                   "Listed: CSS: low-reputation IP sending spam (Spamhaus CSS).\n"
                   "[][Open Case][Draft Request]");
  g_assert_cmpstr (g_ptr_array_index (sent, 1), ==,
                   "203.0.113.7 is no longer listed on Spamhaus ZEN\n\n[][Open Case]");
}

/* A sending domain is checked against the domain lists, riding on a watched
 * address's check; a domain's listing is reported, but opens no case (a
 * case is about an address). */
static void
test_domain_listed (Fixture       *fixture,
                    gconstpointer  data)
{
  const char *zones[] = { "watch/clean/zen.spamhaus.org.zone", "dbl.spamhaus.org.zone", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(MdTestKnot) knot = md_test_knot_new (zones, &error);
  g_autoptr(TestSwitchSource) source = NULL;
  g_autoptr(MdWatch) watch = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(GPtrArray) cases = NULL;
  const char *entries[] = { "203.0.113.7", NULL };
  const char *domains[] = { "spammy.example.test", "example.net", NULL };

  g_assert_no_error (error);
  source = switch_source_new (knot);
  watch = watch_new (fixture, MD_DNS_SOURCE (source));
  g_assert_true (md_watch_set_entries (watch, entries, &error));
  g_assert_true (md_watch_set_domains (watch, domains, &error));
  g_assert_true (tick (fixture, watch));

  g_assert_cmpuint (fixture->changes->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->changes, 0), ==,
                   "listed spammy.example.test dbl.spamhaus.org (Spamhaus DBL) case none");
  g_assert_cmpuint (md_watch_item_get_n_listed (item_of (watch, "spammy.example.test")), ==, 1);
  g_assert_cmpuint (md_watch_item_get_n_listed (item_of (watch, "example.net")), ==, 0);
  g_assert_cmpint (md_watch_item_get_checked (item_of (watch, "example.net")), ==, fixture->now);
  cases = md_case_store_list_cases (fixture->store, NULL, &error);
  g_assert_cmpuint (cases->len, ==, 0);

  sent = notifications_wait (1);
  g_assert_cmpuint (sent->len, ==, 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (sent, 0),
                                   "spammy.example.test is now listed on Spamhaus DBL\n"));
  /* No case, so no actions. */
  g_assert_true (g_str_has_suffix (g_ptr_array_index (sent, 0), "\n"));
}

#define DQS_KEY "mdtestkey0123456789abcdefg"

/* The lists' access keys reach the watch's runs (the window's settings give
 * the watch the options its own checks use): with the Spamhaus DQS key, ZEN
 * is asked in its key zone, which answers where the public zone is no use. */
static void
test_dqs_key (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *keyed = g_build_filename (fixture->dir, DQS_KEY ".zen.dq.spamhaus.net.zone",
                                             NULL);
  const char *zones[] = { "watch/clean/zen.spamhaus.org.zone", keyed, NULL };
  const char *entries[] = { "203.0.113.7", NULL };
  g_autoptr(MdTestKnot) knot = NULL;
  g_autoptr(TestSwitchSource) source = NULL;
  g_autoptr(MdWatch) watch = NULL;
  g_autoptr(MdCheckRunOptions) options = md_check_run_options_new ();
  g_autoptr(GError) error = NULL;

  g_file_set_contents (keyed,
                       "$ORIGIN " DQS_KEY ".zen.dq.spamhaus.net.\n$TTL 60\n"
                       "@ IN SOA ns hostmaster 1 3600 600 86400 60\n"
                       "@ IN NS ns\nns IN A 127.0.0.1\n"
                       "2.0.0.127 IN A 127.0.0.2\n"
                       "7.113.0.203 IN A 127.0.0.3\n", -1, &error);
  g_assert_no_error (error);
  knot = md_test_knot_new (zones, &error);
  g_assert_no_error (error);
  source = switch_source_new (knot);
  watch = watch_new (fixture, MD_DNS_SOURCE (source));
  g_assert_true (md_watch_set_entries (watch, entries, &error));

  /* Without the key: the public zone, which does not list it. */
  g_assert_true (tick (fixture, watch));
  g_assert_cmpuint (fixture->changes->len, ==, 0);

  options->keys = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_hash_table_insert (options->keys, (gpointer) "spamhaus-dqs", g_strdup (DQS_KEY));
  md_watch_set_run_options (watch, options);
  fixture->now += 6 * HOUR;
  g_assert_true (tick (fixture, watch));
  g_assert_cmpuint (fixture->changes->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->changes, 0), ==,
                   "listed 203.0.113.7 zen.spamhaus.org (Spamhaus ZEN) case yes");
}

/* A list that cannot be reached, or whose daily budget is spent, could not
 * decide: never a change, never a notification. */
static void
test_undecided_is_no_change (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(MdTestKnot) listed = knot_for ("listed");
  g_autoptr(MdTestKnot) nothing = md_test_knot_new (NULL, NULL);
  g_autoptr(TestSwitchSource) source = switch_source_new (listed);
  g_autoptr(MdWatch) watch = watch_new (fixture, MD_DNS_SOURCE (source));
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(GPtrArray) current = NULL;
  g_autoptr(GError) error = NULL;
  const char *entries[] = { "203.0.113.7", NULL };
  MdWatchSource *polite;

  g_assert_nonnull (nothing);
  g_assert_true (md_watch_set_entries (watch, entries, &error));
  g_assert_true (tick (fixture, watch));
  g_assert_cmpuint (fixture->changes->len, ==, 1);

  /* REFUSED for every list: could not decide; the listing stays on record. */
  switch_to (source, nothing);
  fixture->now += 6 * HOUR;
  g_assert_true (tick (fixture, watch));
  g_assert_cmpuint (fixture->changes->len, ==, 1);
  g_assert_false (md_watch_is_paused (watch));
  current = md_case_store_list_listings (fixture->store, NULL, TRUE, &error);
  g_assert_cmpuint (current->len, ==, 1);
  g_assert_cmpuint (md_watch_item_get_n_undecided (item_of (watch, "203.0.113.7")), >, 0);

  /* A spent budget: ZEN takes three questions a check (the address and its
   * two test entries). Seven went out today (two rounds, one TXT); with a
   * budget of nine the third is not asked: could not decide, no change, and
   * no pause either (a question not asked says nothing about the resolver). */
  switch_to (source, listed);
  polite = md_watch_get_source (watch);
  g_assert_cmpuint (md_watch_source_get_daily_budget (polite), ==, 1000);
  g_assert_cmpuint (md_watch_source_get_n_sent (polite, "zen.spamhaus.org"), ==, 7);
  md_watch_source_set_daily_budget (polite, 9);
  fixture->now += 6 * HOUR;
  g_assert_true (tick (fixture, watch));
  g_assert_cmpuint (md_watch_source_get_n_sent (polite, "zen.spamhaus.org"), ==, 9);
  g_assert_cmpuint (fixture->changes->len, ==, 1);
  g_assert_false (md_watch_is_paused (watch));

  /* The next day the budget is fresh: the address, two tests, the TXT. */
  fixture->now += 24 * HOUR;
  g_assert_true (tick (fixture, watch));
  g_assert_cmpuint (md_watch_source_get_n_sent (polite, "zen.spamhaus.org"), ==, 4);
  g_assert_cmpuint (md_watch_item_get_n_undecided (item_of (watch, "203.0.113.7")), >, 0);
  g_assert_cmpuint (fixture->changes->len, ==, 1);

  sent = notifications_wait (1);
  g_assert_cmpuint (sent->len, ==, 1);
}

/* Every list fails its own test: the resolver is not trusted, the watch
 * pauses and says so once. */
static void
test_untrusted_pauses (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(MdTestKnot) untrusted = knot_for ("untrusted");
  g_autoptr(MdTestKnot) listed = knot_for ("listed");
  g_autoptr(TestSwitchSource) source = switch_source_new (untrusted);
  g_autoptr(MdWatch) watch = watch_new (fixture, MD_DNS_SOURCE (source));
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(GError) error = NULL;
  const char *entries[] = { "203.0.113.7", NULL };

  g_assert_true (md_watch_set_entries (watch, entries, &error));
  g_assert_true (tick (fixture, watch));
  g_assert_true (md_watch_is_paused (watch));
  g_assert_cmpuint (fixture->paused, ==, 1);
  g_assert_true (g_str_has_prefix (md_watch_get_pause_reason (watch), "The watch is paused: "));

  /* Paused: the schedule starts nothing; a manual re-check that fails
   * again does not say it twice. */
  fixture->now += 6 * HOUR;
  g_assert_false (tick (fixture, watch));
  recheck (fixture, watch);
  g_assert_true (md_watch_is_paused (watch));
  g_assert_cmpuint (fixture->paused, ==, 1);
  g_assert_cmpuint (fixture->changes->len, ==, 0);

  /* A resolver that passes: the watch resumes and reports. */
  switch_to (source, listed);
  fixture->now += 1 * HOUR;
  recheck (fixture, watch);
  g_assert_false (md_watch_is_paused (watch));
  g_assert_null (md_watch_get_pause_reason (watch));
  g_assert_cmpuint (fixture->changes->len, ==, 1);

  sent = notifications_wait (2);
  g_assert_cmpuint (sent->len, ==, 2);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (sent, 0), "The watch is paused\n"));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (sent, 1),
                                   "203.0.113.7 is now listed on Spamhaus ZEN\n"));
}

/* ---------------------------------------------------------------------------
 * The follow-up reminder */

#define SEED_TEXT \
  "host css-one-microsoft-com.mail.protection.outlook.com[40.93.207.0] said: 550 " \
  "5.7.511 Access denied, banned sender[203.0.113.7]. To request removal from this " \
  "list please forward this message to delist@messaging.microsoft.com. For more " \
  "information please go to http://go.microsoft.com/fwlink/?LinkId=526653. AS(1410) " \
  "[CB1PEPF0000205E.namprd00.prod.outlook.com] (in reply to RCPT TO command)"

static void
test_reminder (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(MdTestKnot) clean = knot_for ("clean");
  g_autoptr(TestSwitchSource) source = switch_source_new (clean);
  g_autoptr(MdWatch) watch = NULL;
  g_autoptr(MdWatch) second = NULL;
  g_autoptr(GPtrArray) rejections = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) subjects = NULL;
  MdRejection *rejection = md_rejection_new ();
  gint64 case_id;
  guint statements;

  rejections = g_ptr_array_new_with_free_func ((GDestroyNotify) md_rejection_free);

  rejection->provider = g_strdup ("microsoft");
  rejection->service = g_strdup ("exchange-online");
  rejection->smtp_code = 550;
  rejection->enhanced_status = g_strdup ("5.7.511");
  rejection->stage = MD_SMTP_STAGE_RCPT_TO;
  rejection->blocked_ip = g_strdup ("203.0.113.7");
  rejection->text = g_strdup (SEED_TEXT);
  md_rejection_add_contact (rejection, MD_CONTACT_EMAIL, "delist@messaging.microsoft.com");
  g_ptr_array_add (rejections, rejection);
  case_id = md_case_store_create_case (fixture->store, "Microsoft 5.7.511", SEED_TEXT, NULL,
                                       rejections, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (md_case_store_set_status (fixture->store, case_id, MD_CASE_STATUS_REQUESTED,
                                           &error));

  watch = watch_new (fixture, MD_DNS_SOURCE (source));
  /* An open case's address is watched without being entered. */
  subjects = md_watch_dup_subjects (watch);
  g_assert_cmpstrv (subjects, ((const char *[]) { "203.0.113.7", NULL }));

  /* Microsoft promises an answer within 48 hours of the request. */
  fixture->now = g_get_real_time () + 47 * HOUR;
  statements = md_case_store_get_main_statements (fixture->store);
  g_assert_true (tick (fixture, watch));
  g_assert_cmpuint (fixture->reminders->len, ==, 0);

  /* Reminders read and claim on the store's writer thread only. */
  fixture->now = g_get_real_time () + 49 * HOUR;
  tick (fixture, watch);
  g_assert_cmpuint (fixture->reminders->len, ==, 1);
  g_assert_cmpuint (md_case_store_get_main_statements (fixture->store), ==, statements);
  g_assert_cmpstr (g_ptr_array_index (fixture->reminders, 0), ==,
                   "Microsoft said 48 hours: draft the follow-up?");

  /* Once: not on the next tick, nor from another instance on the same store. */
  fixture->now += 1 * HOUR;
  tick (fixture, watch);
  second = watch_new (fixture, MD_DNS_SOURCE (source));
  tick (fixture, second);
  g_assert_cmpuint (fixture->reminders->len, ==, 1);

  sent = notifications_wait (1);
  g_assert_cmpuint (sent->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (sent, 0), ==,
                   "Microsoft said 48 hours: draft the follow-up?\nMicrosoft 5.7.511\n"
                   "[][Open Case][Draft Follow-up]");
}

/* ---------------------------------------------------------------------------
 * No SQLite on the main loop: a round that records a listing, opens a case
 * (with its run), reads back and announces, with every store call queued on
 * the writer thread; stopping a round; one round at a time. */

static void
test_store_off_main_thread (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(MdTestKnot) clean = knot_for ("clean");
  g_autoptr(MdTestKnot) listed = knot_for ("listed");
  g_autoptr(TestSwitchSource) source = switch_source_new (listed);
  g_autoptr(MdWatch) watch = watch_new (fixture, MD_DNS_SOURCE (source));
  g_autoptr(GPtrArray) cases = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GPtrArray) stopped = NULL;
  g_autoptr(GError) error = NULL;
  const char *entries[] = { "203.0.113.7", NULL };
  MdWatchItem *item;
  guint statements;

  g_assert_true (md_watch_set_entries (watch, entries, &error));
  statements = md_case_store_get_main_statements (fixture->store);

  /* Stopped at once: the round ends, with nothing recorded, and the next
   * one runs. */
  fixture->round_done = FALSE;
  g_assert_true (md_watch_tick (watch));
  g_assert_true (md_watch_is_busy (watch));
  /* One round at a time. */
  g_assert_false (md_watch_recheck_now (watch));
  g_assert_false (md_watch_tick (watch));
  md_watch_stop (watch);
  g_assert_true (md_test_main_loop_run_until (&fixture->round_done, 30000));
  g_assert_false (md_watch_is_busy (watch));
  g_assert_false (md_watch_is_paused (watch));
  g_assert_cmpuint (fixture->paused, ==, 0);
  g_assert_cmpuint (fixture->changes->len, ==, 0);
  g_assert_cmpuint (md_case_store_get_main_statements (fixture->store), ==, statements);
  stopped = md_case_store_list_listings (fixture->store, NULL, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stopped->len, ==, 0);
  statements = md_case_store_get_main_statements (fixture->store);

  /* The listed round, announced once stored, with the case it opened. */
  g_assert_true (tick (fixture, watch));
  g_assert_cmpuint (fixture->changes->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->changes, 0), ==,
                   "listed 203.0.113.7 zen.spamhaus.org (Spamhaus ZEN) case yes");
  item = item_of (watch, "203.0.113.7");
  g_assert_cmpuint (md_watch_item_get_n_listed (item), ==, 1);
  g_assert_cmpint (md_watch_item_get_case_id (item), >, 0);

  /* … and the delisting. */
  switch_to (source, clean);
  fixture->now += 6 * HOUR;
  g_assert_true (tick (fixture, watch));
  g_assert_cmpuint (fixture->changes->len, ==, 2);
  g_assert_cmpuint (md_watch_item_get_n_listed (item), ==, 0);

  /* Not one statement on the main thread's connection meanwhile. */
  g_assert_cmpuint (md_case_store_get_main_statements (fixture->store), ==, statements);

  /* What was written is there. */
  cases = md_case_store_list_cases (fixture->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cases->len, ==, 1);
  runs = md_case_store_list_check_runs (fixture->store,
                                        ((MdCase *) g_ptr_array_index (cases, 0))->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 1);
}

/* ---------------------------------------------------------------------------
 * The Background portal, mocked: what MailDoctor asks for, and both answers */

static GVariant *
portal_call (const char *method,
             GVariant   *parameters)
{
  g_autoptr(GError) error = NULL;
  GVariant *reply;

  reply = g_dbus_connection_call_sync (session (), "org.freedesktop.portal.Desktop",
                                       "/org/freedesktop/portal/desktop",
                                       "org.freedesktop.DBus.Mock", method, parameters, NULL,
                                       G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
  g_assert_no_error (error);
  return reply;
}

typedef struct
{
  gboolean  done;
  gboolean  allowed;
  gboolean  autostart;
  GError   *error;
} BackgroundData;

static void
background_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  BackgroundData *data = user_data;

  data->allowed = md_background_request_finish (result, &data->autostart, &data->error);
  data->done = TRUE;
}

/* Waits for the RequestBackground call, checks its options and answers it
 * the way xdg-desktop-portal does: a Response signal on the request's path. */
static void
portal_answer (gboolean background)
{
  g_autoptr(GVariant) options = NULL;
  g_autoptr(GVariant) details = NULL;
  g_autofree char *sender = NULL;
  g_autofree char *handle = NULL;
  g_autofree const char **commandline = NULL;
  GVariantBuilder results;
  const char *token = NULL;
  const char *reason = NULL;
  gboolean autostart = FALSE;
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (options == NULL && g_get_monotonic_time () < deadline)
    {
      g_autoptr(GVariant) reply = portal_call ("GetMethodCalls",
                                               g_variant_new ("(s)", "RequestBackground"));
      g_autoptr(GVariant) calls = g_variant_get_child_value (reply, 0);

      if (g_variant_n_children (calls) > 0)
        {
          g_autoptr(GVariant) call = g_variant_get_child_value (calls, 0);
          g_autoptr(GVariant) args = g_variant_get_child_value (call, 1);
          g_autoptr(GVariant) boxed = g_variant_get_child_value (args, 1);

          options = g_variant_get_variant (boxed);
        }
      else
        g_main_context_iteration (NULL, FALSE);
    }
  g_assert_nonnull (options);

  g_assert_true (g_variant_lookup (options, "handle_token", "&s", &token));
  g_assert_true (g_variant_lookup (options, "reason", "&s", &reason));
  g_assert_cmpstr (reason, ==, "Re-checks your sending addresses against the block lists "
                   "while the window is closed.");
  g_assert_true (g_variant_lookup (options, "autostart", "b", &autostart));
  g_assert_true (autostart);
  g_assert_true (g_variant_lookup (options, "commandline", "^a&s", &commandline));
  g_assert_cmpstrv (commandline, ((const char *[]) { "maildoctor", "--gapplication-service",
                                                     NULL }));

  sender = g_strdup (g_dbus_connection_get_unique_name (session ()) + 1);
  g_strdelimit (sender, ".", '_');
  handle = g_strdup_printf ("/org/freedesktop/portal/desktop/request/%s/%s", sender, token);

  g_variant_builder_init (&results, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&results, "{sv}", "background", g_variant_new_boolean (background));
  g_variant_builder_add (&results, "{sv}", "autostart", g_variant_new_boolean (background));
  details = g_variant_ref_sink (g_variant_new_parsed ("{'path': <%s>}", handle));
  g_variant_unref (portal_call ("EmitSignalDetailed",
                                g_variant_new ("(sss@av@a{sv})", "org.freedesktop.portal.Request",
                                               "Response", "ua{sv}",
                                               g_variant_new_parsed ("[<%u>, <%v>]", (guint32) 0,
                                                                     g_variant_builder_end (
                                                                       &results)),
                                               details)));
  g_variant_unref (portal_call ("ClearCalls", NULL));
}

static void
test_background_portal (void)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) portal = NULL;
  g_autoptr(GError) error = NULL;
  const char *reason = "Re-checks your sending addresses against the block lists while the "
                       "window is closed.";
  BackgroundData data = { 0 };
  gint64 deadline;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  portal = g_subprocess_launcher_spawn (launcher, &error, "/usr/bin/python3", "-m", "dbusmock",
                                        "org.freedesktop.portal.Desktop",
                                        "/org/freedesktop/portal/desktop",
                                        "org.freedesktop.portal.Background", NULL);
  g_assert_no_error (error);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  for (;;)
    {
      g_autoptr(GVariant) reply = NULL;

      reply = g_dbus_connection_call_sync (session (), "org.freedesktop.portal.Desktop",
                                           "/org/freedesktop/portal/desktop",
                                           "org.freedesktop.DBus.Mock", "AddMethod",
                                           g_variant_new ("(sssss)", "", "RequestBackground",
                                                          "sa{sv}", "o",
                                                          "ret = dbus.ObjectPath("
                                                          "'/org/freedesktop/portal/desktop/"
                                                          "request/mock/' + "
                                                          "args[1]['handle_token'])"),
                                           NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
      if (reply != NULL)
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (50000);
    }

  /* Allowed, with autostart. */
  md_background_request_async (session (), reason, NULL, background_cb, &data);
  portal_answer (TRUE);
  g_assert_true (md_test_main_loop_run_until (&data.done, 5000));
  g_assert_no_error (data.error);
  g_assert_true (data.allowed);
  g_assert_true (data.autostart);

  /* Refused: an error that says what it means for the watch. */
  memset (&data, 0, sizeof data);
  md_background_request_async (session (), reason, NULL, background_cb, &data);
  portal_answer (FALSE);
  g_assert_true (md_test_main_loop_run_until (&data.done, 5000));
  g_assert_error (data.error, MD_BACKGROUND_ERROR, MD_BACKGROUND_ERROR_DENIED);
  g_assert_cmpstr (data.error->message, ==, "MailDoctor may not run in the background: the "
                   "watch stops when its window is closed.");
  g_assert_false (data.allowed);
  g_clear_error (&data.error);

  g_subprocess_force_exit (portal);
  g_subprocess_wait (portal, NULL, NULL);
}

/* A resolver whose probe fails (here: it serves the list but not the root,
 * so every list passes its own test): the run's resolver verdict pauses
 * the watch, not the self-test count. */
static void
test_untrusted_resolver_pauses (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(MdTestKnot) listed = knot_for ("listed");
  g_autoptr(MdResolver) resolver = md_test_knot_new_resolver (listed);
  g_autoptr(MdWatch) watch = watch_new (fixture, MD_DNS_SOURCE (resolver));
  g_autoptr(GError) error = NULL;
  const char *entries[] = { "203.0.113.7", NULL };

  g_assert_true (md_watch_set_entries (watch, entries, &error));
  g_assert_true (tick (fixture, watch));
  g_assert_true (md_watch_is_paused (watch));
  g_assert_cmpuint (fixture->paused, ==, 1);
  g_assert_cmpstr (md_watch_get_pause_reason (watch), ==,
                   "The watch is paused: your DNS resolver gives no usable answers, so none of "
                   "its answers can be read as listed or not. Use a resolver you run yourself, "
                   "then choose Re-check Now.");
  g_assert_cmpuint (fixture->changes->len, ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  md_core_init ();
  g_test_init (&argc, &argv, NULL);

  /* GApplication picks its notification backend by priority (the portal in
   * a sandbox, org.gtk.Notifications when it is owned, else
   * org.freedesktop.Notifications); GNOTIFICATION_BACKEND forces the one the
   * mock daemon speaks, whatever the machine. */
  g_setenv ("GNOTIFICATION_BACKEND", "freedesktop", TRUE);
  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);

  app = g_application_new (APP_ID_TEST, G_APPLICATION_DEFAULT_FLAGS);
  if (!g_application_register (app, NULL, &error) || !start_notification_daemon (&error))
    g_error ("Test bus set-up failed: %s", error->message);

  g_test_add_func ("/MailDoctor/Watch/prefixes", test_prefixes);
  g_test_add_func ("/MailDoctor/Watch/item-order", test_item_order);
  g_test_add ("/MailDoctor/Watch/domains", Fixture, NULL,
              fixture_set_up, test_domains, fixture_tear_down);
  g_test_add ("/MailDoctor/Watch/history", Fixture, NULL,
              fixture_set_up, test_history, fixture_tear_down);
  g_test_add ("/MailDoctor/Watch/appears-disappears", Fixture, NULL,
              fixture_set_up, test_appears_disappears, fixture_tear_down);
  g_test_add ("/MailDoctor/Watch/domain-listed", Fixture, NULL,
              fixture_set_up, test_domain_listed, fixture_tear_down);
  g_test_add ("/MailDoctor/Watch/dqs-key", Fixture, NULL,
              fixture_set_up, test_dqs_key, fixture_tear_down);
  g_test_add ("/MailDoctor/Watch/undecided-is-no-change", Fixture, NULL,
              fixture_set_up, test_undecided_is_no_change, fixture_tear_down);
  g_test_add ("/MailDoctor/Watch/untrusted-pauses", Fixture, NULL,
              fixture_set_up, test_untrusted_pauses, fixture_tear_down);
  g_test_add ("/MailDoctor/Watch/untrusted-resolver-pauses", Fixture, NULL,
              fixture_set_up, test_untrusted_resolver_pauses, fixture_tear_down);
  g_test_add ("/MailDoctor/Watch/reminder", Fixture, NULL,
              fixture_set_up, test_reminder, fixture_tear_down);
  g_test_add ("/MailDoctor/Watch/store-off-main-thread", Fixture, NULL,
              fixture_set_up, test_store_off_main_thread, fixture_tear_down);
  g_test_add_func ("/MailDoctor/Watch/background-portal", test_background_portal);

  status = g_test_run ();

  g_subprocess_force_exit (notifyd);
  g_subprocess_wait (notifyd, NULL, NULL);
  g_clear_object (&notifyd);
  /* The application keeps its bus connection (and its notification backend)
   * to the end; g_test_dbus_down() would wait for that connection to go.
   * Stopping the bus daemon is all the clean-up this process needs. */
  g_test_dbus_stop (bus);

  return status;
}
