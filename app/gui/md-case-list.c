/* md-case-list.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "md-case-list.h"

/* The sidebar's cases as a GListModel, as GNOME Text Editor's sidebar model
 * feeds its row template: when the store changes, items that stay are
 * updated in place (a row follows its item's properties) and only the
 * positions that differ are spliced, so rows are not rebuilt on every
 * event a check run or a keystroke in the notes writes. */

struct _MdCaseItem
{
  GObject  parent_instance;

  gint64   id;
  char    *title;
  char    *subtitle;
};

enum {
  ITEM_PROP_0,
  ITEM_PROP_TITLE,
  ITEM_PROP_SUBTITLE,
  N_ITEM_PROPS
};

G_DEFINE_FINAL_TYPE (MdCaseItem, md_case_item, G_TYPE_OBJECT)

static GParamSpec *item_properties[N_ITEM_PROPS];

static void
md_case_item_finalize (GObject *object)
{
  MdCaseItem *self = MD_CASE_ITEM (object);

  g_free (self->title);
  g_free (self->subtitle);

  G_OBJECT_CLASS (md_case_item_parent_class)->finalize (object);
}

static void
md_case_item_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  MdCaseItem *self = MD_CASE_ITEM (object);

  switch (prop_id)
    {
    case ITEM_PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case ITEM_PROP_SUBTITLE:
      g_value_set_string (value, self->subtitle);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
md_case_item_class_init (MdCaseItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = md_case_item_finalize;
  object_class->get_property = md_case_item_get_property;

  item_properties[ITEM_PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  item_properties[ITEM_PROP_SUBTITLE] =
    g_param_spec_string ("subtitle", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_ITEM_PROPS, item_properties);
}

static void
md_case_item_init (MdCaseItem *self)
{
}

/* "2 h ago" for the sidebar. */
static char *
format_age (GDateTime *when)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  GTimeSpan span = g_date_time_difference (now, when);
  gint64 minutes = span / G_TIME_SPAN_MINUTE;
  gint64 hours = span / G_TIME_SPAN_HOUR;
  gint64 days = span / G_TIME_SPAN_DAY;

  if (minutes < 1)
    return g_strdup (_("just now"));
  if (hours < 1)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute ago", "%d minutes ago",
                                         (gulong) minutes), (int) minutes);
  if (days < 1)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d hour ago", "%d hours ago",
                                         (gulong) hours), (int) hours);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day ago", "%d days ago",
                                       (gulong) days), (int) days);
}

static void
set_string (MdCaseItem  *self,
            char       **member,
            const char  *text,
            guint        prop_id)
{
  if (g_strcmp0 (*member, text) == 0)
    return;

  g_free (*member);
  *member = g_strdup (text);
  g_object_notify_by_pspec (G_OBJECT (self), item_properties[prop_id]);
}

static void
md_case_item_update (MdCaseItem   *self,
                     const MdCase *record)
{
  g_autofree char *age = format_age (record->updated ? record->updated : record->created);
  g_autofree char *subtitle = NULL;

  if (record->blocked_ip != NULL)
    subtitle = g_strdup_printf ("%s · %s · %s", record->blocked_ip,
                                md_case_status_get_label (record->status), age);
  else
    subtitle = g_strdup_printf ("%s · %s", md_case_status_get_label (record->status), age);

  set_string (self, &self->title, record->title, ITEM_PROP_TITLE);
  set_string (self, &self->subtitle, subtitle, ITEM_PROP_SUBTITLE);
}

static MdCaseItem *
md_case_item_new (const MdCase *record)
{
  MdCaseItem *self = g_object_new (MD_TYPE_CASE_ITEM, NULL);

  self->id = record->id;
  md_case_item_update (self, record);

  return self;
}

gint64
md_case_item_get_id (MdCaseItem *self)
{
  g_return_val_if_fail (MD_IS_CASE_ITEM (self), 0);

  return self->id;
}

const char *
md_case_item_get_title (MdCaseItem *self)
{
  g_return_val_if_fail (MD_IS_CASE_ITEM (self), NULL);

  return self->title;
}

const char *
md_case_item_get_subtitle (MdCaseItem *self)
{
  g_return_val_if_fail (MD_IS_CASE_ITEM (self), NULL);

  return self->subtitle;
}

struct _MdCaseList
{
  GObject      parent_instance;

  /* Owned */
  MdCaseStore *store;
  GPtrArray   *items;   /* MdCaseItem* */
  char        *search;
  GCancellable *refreshing;  /* the newest md_case_list_refresh_async() */
};

static void md_case_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MdCaseList, md_case_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, md_case_list_model_init))

static GType
md_case_list_get_item_type (GListModel *model)
{
  return MD_TYPE_CASE_ITEM;
}

static guint
md_case_list_get_n_items (GListModel *model)
{
  return MD_CASE_LIST (model)->items->len;
}

static gpointer
md_case_list_get_item (GListModel *model,
                       guint       position)
{
  MdCaseList *self = MD_CASE_LIST (model);

  if (position >= self->items->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
md_case_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = md_case_list_get_item_type;
  iface->get_n_items = md_case_list_get_n_items;
  iface->get_item = md_case_list_get_item;
}

static void
md_case_list_dispose (GObject *object)
{
  MdCaseList *self = MD_CASE_LIST (object);

  g_cancellable_cancel (self->refreshing);
  g_clear_object (&self->refreshing);
  g_clear_object (&self->store);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->search, g_free);

  G_OBJECT_CLASS (md_case_list_parent_class)->dispose (object);
}

static void
md_case_list_class_init (MdCaseListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = md_case_list_dispose;
}

static void
md_case_list_init (MdCaseList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
}

MdCaseList *
md_case_list_new (MdCaseStore *store)
{
  MdCaseList *self;

  g_return_val_if_fail (MD_IS_CASE_STORE (store), NULL);

  self = g_object_new (MD_TYPE_CASE_LIST, NULL);
  self->store = g_object_ref (store);

  return self;
}

void
md_case_list_set_search (MdCaseList *self,
                         const char *search)
{
  g_return_if_fail (MD_IS_CASE_LIST (self));

  g_free (self->search);
  self->search = search != NULL && search[0] != '\0' ? g_strdup (search) : NULL;
}

static gint64
record_id (GPtrArray *cases,
           guint      i)
{
  return ((const MdCase *) g_ptr_array_index (cases, i))->id;
}

static gint64
item_id (MdCaseList *self,
         guint       i)
{
  return ((MdCaseItem *) g_ptr_array_index (self->items, i))->id;
}

/* Reads the list again and tells only what changed: the items both lists
 * share at the start and the end are updated in place, the middle is
 * replaced in one items-changed. */
static void
apply_cases (MdCaseList *self,
             GPtrArray  *cases)
{
  guint n_old;
  guint prefix = 0;
  guint suffix = 0;
  guint removed;
  guint added;

  n_old = self->items->len;
  while (prefix < n_old && prefix < cases->len &&
         item_id (self, prefix) == record_id (cases, prefix))
    {
      md_case_item_update (g_ptr_array_index (self->items, prefix),
                           g_ptr_array_index (cases, prefix));
      prefix++;
    }
  while (suffix < n_old - prefix && suffix < cases->len - prefix &&
         item_id (self, n_old - 1 - suffix) == record_id (cases, cases->len - 1 - suffix))
    {
      md_case_item_update (g_ptr_array_index (self->items, n_old - 1 - suffix),
                           g_ptr_array_index (cases, cases->len - 1 - suffix));
      suffix++;
    }

  removed = n_old - prefix - suffix;
  added = cases->len - prefix - suffix;
  if (removed == 0 && added == 0)
    return;

  g_ptr_array_remove_range (self->items, prefix, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (self->items, prefix + i,
                        md_case_item_new (g_ptr_array_index (cases, prefix + i)));
  g_list_model_items_changed (G_LIST_MODEL (self), prefix, removed, added);
}

static void
cases_listed_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MdCaseList *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) cases = NULL;
  GError *error = NULL;

  cases = md_case_store_list_cases_finish (MD_CASE_STORE (object), result, &error);
  if (cases == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* A newer refresh was asked for while this one ran, or the caller gave
   * up: the newer one fills the list. */
  if (g_cancellable_is_cancelled (g_task_get_task_data (task)))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "superseded");
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;

  apply_cases (self, cases);
  g_task_return_boolean (task, TRUE);
}

void
md_case_list_refresh_async (MdCaseList          *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MD_IS_CASE_LIST (self));

  /* The newest search wins: the one before ends CANCELLED and never
   * fills the list with what the user typed before. */
  g_cancellable_cancel (self->refreshing);
  g_clear_object (&self->refreshing);
  self->refreshing = g_cancellable_new ();

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, md_case_list_refresh_async);
  g_task_set_task_data (task, g_object_ref (self->refreshing), g_object_unref);
  md_case_store_list_cases_async (self->store, self->search, self->refreshing, cases_listed_cb,
                                  g_steal_pointer (&task));
}

gboolean
md_case_list_refresh_finish (MdCaseList    *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

guint
md_case_list_find (MdCaseList *self,
                   gint64      case_id)
{
  g_return_val_if_fail (MD_IS_CASE_LIST (self), G_MAXUINT);

  for (guint i = 0; i < self->items->len; i++)
    if (item_id (self, i) == case_id)
      return i;

  return G_MAXUINT;
}
