/* md-watch-item.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <gio/gio.h>
#include <string.h>

#include "md-watch-item.h"

struct _MdWatchItem
{
  GObject  parent_instance;

  char    *subject;
  char    *listings;
  guint    n_listed;
  guint    n_undecided;
  gint64   checked;
  gint64   case_id;
};

enum {
  PROP_0,
  PROP_SUBJECT,
  PROP_LISTINGS,
  PROP_N_LISTED,
  PROP_N_UNDECIDED,
  PROP_CHECKED,
  PROP_CASE_ID,
  PROP_STATUS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (MdWatchItem, md_watch_item, G_TYPE_OBJECT)

static void
md_watch_item_finalize (GObject *object)
{
  MdWatchItem *self = MD_WATCH_ITEM (object);

  g_free (self->subject);
  g_free (self->listings);

  G_OBJECT_CLASS (md_watch_item_parent_class)->finalize (object);
}

static void
md_watch_item_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  MdWatchItem *self = MD_WATCH_ITEM (object);

  switch (prop_id)
    {
    case PROP_SUBJECT:
      g_value_set_string (value, self->subject);
      break;
    case PROP_LISTINGS:
      g_value_set_string (value, self->listings);
      break;
    case PROP_N_LISTED:
      g_value_set_uint (value, self->n_listed);
      break;
    case PROP_N_UNDECIDED:
      g_value_set_uint (value, self->n_undecided);
      break;
    case PROP_CHECKED:
      g_value_set_int64 (value, self->checked);
      break;
    case PROP_CASE_ID:
      g_value_set_int64 (value, self->case_id);
      break;
    case PROP_STATUS:
      g_value_take_string (value, md_watch_item_dup_status (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
md_watch_item_class_init (MdWatchItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = md_watch_item_finalize;
  object_class->get_property = md_watch_item_get_property;

  properties[PROP_SUBJECT] = g_param_spec_string ("subject", NULL, NULL, NULL, flags);
  properties[PROP_LISTINGS] = g_param_spec_string ("listings", NULL, NULL, NULL, flags);
  properties[PROP_N_LISTED] = g_param_spec_uint ("n-listed", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_N_UNDECIDED] = g_param_spec_uint ("n-undecided", NULL, NULL,
                                                    0, G_MAXUINT, 0, flags);
  properties[PROP_CHECKED] = g_param_spec_int64 ("checked", NULL, NULL,
                                                 0, G_MAXINT64, 0, flags);
  properties[PROP_CASE_ID] = g_param_spec_int64 ("case-id", NULL, NULL,
                                                 0, G_MAXINT64, 0, flags);
  properties[PROP_STATUS] = g_param_spec_string ("status", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
md_watch_item_init (MdWatchItem *self)
{
  self->listings = g_strdup ("");
}

MdWatchItem *
md_watch_item_new (const char *subject)
{
  MdWatchItem *self;

  g_return_val_if_fail (subject != NULL, NULL);

  self = g_object_new (MD_TYPE_WATCH_ITEM, NULL);
  self->subject = g_strdup (subject);

  return self;
}

const char *
md_watch_item_get_subject (MdWatchItem *self)
{
  g_return_val_if_fail (MD_IS_WATCH_ITEM (self), NULL);

  return self->subject;
}

const char *
md_watch_item_get_listings (MdWatchItem *self)
{
  g_return_val_if_fail (MD_IS_WATCH_ITEM (self), NULL);

  return self->listings;
}

guint
md_watch_item_get_n_listed (MdWatchItem *self)
{
  g_return_val_if_fail (MD_IS_WATCH_ITEM (self), 0);

  return self->n_listed;
}

guint
md_watch_item_get_n_undecided (MdWatchItem *self)
{
  g_return_val_if_fail (MD_IS_WATCH_ITEM (self), 0);

  return self->n_undecided;
}

gint64
md_watch_item_get_checked (MdWatchItem *self)
{
  g_return_val_if_fail (MD_IS_WATCH_ITEM (self), 0);

  return self->checked;
}

gint64
md_watch_item_get_case_id (MdWatchItem *self)
{
  g_return_val_if_fail (MD_IS_WATCH_ITEM (self), 0);

  return self->case_id;
}

char *
md_watch_item_dup_status (MdWatchItem *self)
{
  g_return_val_if_fail (MD_IS_WATCH_ITEM (self), NULL);

  if (self->n_listed > 0)
    /* Translators: %s names the block lists, e.g. "Spamhaus ZEN, SpamCop" */
    return g_strdup_printf (_("Listed on %s"), self->listings);
  if (self->checked == 0)
    return g_strdup (_("Not checked yet"));
  if (self->n_undecided > 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Not listed; %u list could not decide",
                                         "Not listed; %u lists could not decide",
                                         self->n_undecided),
                            self->n_undecided);

  return g_strdup (_("Not listed"));
}

void
md_watch_item_update (MdWatchItem *self,
                      const char  *listings,
                      guint        n_listed,
                      guint        n_undecided,
                      gint64       checked,
                      gint64       case_id)
{
  gboolean changed = FALSE;

  g_return_if_fail (MD_IS_WATCH_ITEM (self));

  if (g_strcmp0 (self->listings, listings != NULL ? listings : "") != 0)
    {
      g_free (self->listings);
      self->listings = g_strdup (listings != NULL ? listings : "");
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LISTINGS]);
      changed = TRUE;
    }
  if (self->n_listed != n_listed)
    {
      self->n_listed = n_listed;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_LISTED]);
      changed = TRUE;
    }
  if (self->n_undecided != n_undecided)
    {
      self->n_undecided = n_undecided;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_UNDECIDED]);
      changed = TRUE;
    }
  if (self->checked != checked)
    {
      self->checked = checked;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHECKED]);
      changed = TRUE;
    }
  if (self->case_id != case_id)
    {
      self->case_id = case_id;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CASE_ID]);
    }
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

int
md_watch_item_compare (MdWatchItem *a,
                       MdWatchItem *b)
{
  g_return_val_if_fail (MD_IS_WATCH_ITEM (a) && MD_IS_WATCH_ITEM (b), 0);

  if (a->n_listed != b->n_listed)
    return a->n_listed > b->n_listed ? -1 : 1;
  if (a->n_undecided != b->n_undecided)
    return a->n_undecided > b->n_undecided ? -1 : 1;

  /* Addresses in numeric order (203.0.113.2 before 203.0.113.10), IPv4
   * first, then the domains by name. */
  {
    g_autoptr(GInetAddress) address_a = g_inet_address_new_from_string (a->subject);
    g_autoptr(GInetAddress) address_b = g_inet_address_new_from_string (b->subject);

    if (address_a != NULL && address_b != NULL)
      {
        gsize size_a = g_inet_address_get_native_size (address_a);
        gsize size_b = g_inet_address_get_native_size (address_b);

        if (size_a != size_b)
          return size_a < size_b ? -1 : 1;
        return CLAMP (memcmp (g_inet_address_to_bytes (address_a),
                              g_inet_address_to_bytes (address_b), size_a), -1, 1);
      }
    if ((address_a != NULL) != (address_b != NULL))
      return address_a != NULL ? -1 : 1;
  }

  return CLAMP (g_strcmp0 (a->subject, b->subject), -1, 1);
}
