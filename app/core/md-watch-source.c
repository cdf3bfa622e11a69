/* md-watch-source.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-blocklists.h"
#include "md-watch-source.h"

typedef struct
{
  MdDnsAnswer *answer;
  gint64       expires;   /* real time, µs */
} CacheEntry;

typedef struct
{
  gint64 day;             /* days since the epoch (UTC) */
  guint  sent;
} Budget;

struct _MdWatchSource
{
  GObject           parent_instance;

  /* Owned */
  MdDnsSource      *upstream;
  GPtrArray        *zones;    /* of char*, the catalog's zones */
  GHashTable       *cache;    /* "TYPE name" → CacheEntry* */
  GHashTable       *budgets;  /* zone → Budget* */

  MdWatchClockFunc  clock;
  gpointer          clock_data;
  guint             daily_budget;
};

static void dns_source_iface_init (MdDnsSourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MdWatchSource, md_watch_source, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MD_TYPE_DNS_SOURCE, dns_source_iface_init))

static void
cache_entry_free (CacheEntry *entry)
{
  md_dns_answer_free (entry->answer);
  g_free (entry);
}

static gint64
real_clock (gpointer user_data)
{
  return g_get_real_time ();
}

/* The catalog zone @name lies in (the longest one), or NULL. */
static const char *
zone_of (MdWatchSource *self,
         const char    *name)
{
  const char *best = NULL;
  gsize name_len = strlen (name);

  for (guint i = 0; i < self->zones->len; i++)
    {
      const char *zone = g_ptr_array_index (self->zones, i);
      gsize zone_len = strlen (zone);

      if (zone_len > name_len || g_ascii_strcasecmp (name + name_len - zone_len, zone) != 0)
        continue;
      if (zone_len < name_len && name[name_len - zone_len - 1] != '.')
        continue;
      if (best == NULL || zone_len > strlen (best))
        best = zone;
    }

  return best;
}

static Budget *
budget_of (MdWatchSource *self,
           const char    *zone)
{
  gint64 today = md_watch_source_now (self) / G_USEC_PER_SEC / (24 * 60 * 60);
  Budget *budget = g_hash_table_lookup (self->budgets, zone);

  if (budget == NULL)
    {
      budget = g_new0 (Budget, 1);
      g_hash_table_insert (self->budgets, g_strdup (zone), budget);
    }
  if (budget->day != today)
    {
      budget->day = today;
      budget->sent = 0;
    }

  return budget;
}

static guint32
ttl_of (const MdDnsAnswer *answer)
{
  guint32 ttl = G_MAXUINT32;

  if (answer->status != MD_DNS_STATUS_OK || answer->records->len == 0)
    return MD_WATCH_SOURCE_NEGATIVE_TTL;

  for (guint i = 0; i < answer->records->len; i++)
    {
      const MdDnsRecord *record = g_ptr_array_index (answer->records, i);

      ttl = MIN (ttl, record->ttl);
    }

  return ttl;
}

typedef struct
{
  MdWatchSource *self;
  char          *key;
} Query;

static void
query_free (Query *query)
{
  g_object_unref (query->self);
  g_free (query->key);
  g_free (query);
}

static void
upstream_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Query *query = g_task_get_task_data (task);
  MdWatchSource *self = query->self;
  g_autoptr(MdDnsAnswer) answer = NULL;
  g_autoptr(GError) error = NULL;

  answer = md_dns_source_query_finish (MD_DNS_SOURCE (object), result, &error);
  if (answer == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!md_dns_answer_is_failure (answer))
    {
      guint32 ttl = ttl_of (answer);

      if (ttl > 0)
        {
          CacheEntry *entry = g_new0 (CacheEntry, 1);

          entry->answer = md_dns_answer_copy (answer);
          entry->expires = md_watch_source_now (self) + (gint64) ttl * G_USEC_PER_SEC;
          g_hash_table_replace (self->cache, g_strdup (query->key), entry);
        }
    }

  g_task_return_pointer (task, g_steal_pointer (&answer), (GDestroyNotify) md_dns_answer_free);
}

static void
md_watch_source_query_async (MdDnsSource         *source,
                             const char          *name,
                             MdDnsType            type,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  MdWatchSource *self = MD_WATCH_SOURCE (source);
  g_autoptr(GTask) task = NULL;
  g_autofree char *lower = g_ascii_strdown (name, -1);
  Query *query;
  CacheEntry *entry;
  const char *zone;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, md_watch_source_query_async);

  query = g_new0 (Query, 1);
  query->self = g_object_ref (self);
  query->key = g_strdup_printf ("%d %s", type, lower);
  g_task_set_task_data (task, query, (GDestroyNotify) query_free);

  entry = g_hash_table_lookup (self->cache, query->key);
  if (entry != NULL && md_watch_source_now (self) < entry->expires)
    {
      g_task_return_pointer (task, md_dns_answer_copy (entry->answer),
                             (GDestroyNotify) md_dns_answer_free);
      return;
    }
  g_hash_table_remove (self->cache, query->key);

  zone = zone_of (self, lower);
  if (zone != NULL)
    {
      Budget *budget = budget_of (self, zone);

      if (budget->sent >= self->daily_budget)
        {
          g_autoptr(MdDnsAnswer) answer = md_dns_answer_new (name, type, MD_DNS_STATUS_ERROR);

          /* Translators: %s is a block list's zone, e.g. zen.spamhaus.org */
          answer->message = g_strdup_printf (_("not asked: MailDoctor’s daily query budget for "
                                               "%s is spent"), zone);
          g_task_return_pointer (task, g_steal_pointer (&answer),
                                 (GDestroyNotify) md_dns_answer_free);
          return;
        }
      budget->sent++;
    }

  md_dns_source_query_async (self->upstream, name, type, cancellable, upstream_cb,
                             g_steal_pointer (&task));
}

static MdDnsAnswer *
md_watch_source_query_finish (MdDnsSource   *source,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
dns_source_iface_init (MdDnsSourceInterface *iface)
{
  iface->query_async = md_watch_source_query_async;
  iface->query_finish = md_watch_source_query_finish;
}

static void
md_watch_source_dispose (GObject *object)
{
  MdWatchSource *self = MD_WATCH_SOURCE (object);

  g_clear_object (&self->upstream);

  G_OBJECT_CLASS (md_watch_source_parent_class)->dispose (object);
}

static void
md_watch_source_finalize (GObject *object)
{
  MdWatchSource *self = MD_WATCH_SOURCE (object);

  g_clear_pointer (&self->zones, g_ptr_array_unref);
  g_clear_pointer (&self->cache, g_hash_table_unref);
  g_clear_pointer (&self->budgets, g_hash_table_unref);

  G_OBJECT_CLASS (md_watch_source_parent_class)->finalize (object);
}

static void
md_watch_source_class_init (MdWatchSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = md_watch_source_dispose;
  object_class->finalize = md_watch_source_finalize;
}

static void
md_watch_source_init (MdWatchSource *self)
{
  self->zones = g_ptr_array_new_with_free_func (g_free);
  self->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) cache_entry_free);
  self->budgets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->clock = real_clock;
  self->daily_budget = MD_WATCH_SOURCE_DEFAULT_DAILY_BUDGET;
}

MdWatchSource *
md_watch_source_new (MdDnsSource *upstream,
                     GPtrArray   *catalog)
{
  MdWatchSource *self;

  g_return_val_if_fail (MD_IS_DNS_SOURCE (upstream), NULL);

  self = g_object_new (MD_TYPE_WATCH_SOURCE, NULL);
  self->upstream = g_object_ref (upstream);
  for (guint i = 0; catalog != NULL && i < catalog->len; i++)
    {
      const MdBlocklist *list = g_ptr_array_index (catalog, i);

      g_ptr_array_add (self->zones, g_ascii_strdown (list->zone, -1));
    }

  return self;
}

MdDnsSource *
md_watch_source_get_upstream (MdWatchSource *self)
{
  g_return_val_if_fail (MD_IS_WATCH_SOURCE (self), NULL);

  return self->upstream;
}

void
md_watch_source_set_clock (MdWatchSource    *self,
                           MdWatchClockFunc  clock,
                           gpointer          clock_data)
{
  g_return_if_fail (MD_IS_WATCH_SOURCE (self));

  self->clock = clock != NULL ? clock : real_clock;
  self->clock_data = clock_data;
}

gint64
md_watch_source_now (MdWatchSource *self)
{
  g_return_val_if_fail (MD_IS_WATCH_SOURCE (self), 0);

  return self->clock (self->clock_data);
}

void
md_watch_source_set_daily_budget (MdWatchSource *self,
                                  guint          budget)
{
  g_return_if_fail (MD_IS_WATCH_SOURCE (self));

  self->daily_budget = budget;
}

guint
md_watch_source_get_daily_budget (MdWatchSource *self)
{
  g_return_val_if_fail (MD_IS_WATCH_SOURCE (self), 0);

  return self->daily_budget;
}

guint
md_watch_source_get_n_sent (MdWatchSource *self,
                            const char    *zone)
{
  g_autofree char *lower = NULL;

  g_return_val_if_fail (MD_IS_WATCH_SOURCE (self), 0);
  g_return_val_if_fail (zone != NULL, 0);

  lower = g_ascii_strdown (zone, -1);
  if (!g_hash_table_contains (self->budgets, lower))
    return 0;

  return budget_of (self, lower)->sent;
}
