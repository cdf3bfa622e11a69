/* md-case-row.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "md-case-row.h"

/* One case in the sidebar. Its template binds the labels to the item's
 * properties (md-case-row.ui), so the row follows the case without code. */
struct _MdCaseRow
{
  GtkListBoxRow  parent_instance;

  /* Owned */
  MdCaseItem    *item;
};

enum {
  PROP_0,
  PROP_ITEM,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (MdCaseRow, md_case_row, GTK_TYPE_LIST_BOX_ROW)

static GParamSpec *properties[N_PROPS];

static void
md_case_row_dispose (GObject *object)
{
  MdCaseRow *self = MD_CASE_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MD_TYPE_CASE_ROW);
  g_clear_object (&self->item);

  G_OBJECT_CLASS (md_case_row_parent_class)->dispose (object);
}

static void
md_case_row_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  MdCaseRow *self = MD_CASE_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      g_value_set_object (value, self->item);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
md_case_row_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  MdCaseRow *self = MD_CASE_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      if (g_set_object (&self->item, g_value_get_object (value)))
        g_object_notify_by_pspec (object, pspec);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
md_case_row_class_init (MdCaseRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = md_case_row_dispose;
  object_class->get_property = md_case_row_get_property;
  object_class->set_property = md_case_row_set_property;

  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL,
                         MD_TYPE_CASE_ITEM,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (MD_TYPE_CASE_ITEM);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/md-case-row.ui");
}

static void
md_case_row_init (MdCaseRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
md_case_row_new (MdCaseItem *item)
{
  g_return_val_if_fail (MD_IS_CASE_ITEM (item), NULL);

  return g_object_new (MD_TYPE_CASE_ROW, "item", item, NULL);
}

MdCaseItem *
md_case_row_get_item (MdCaseRow *self)
{
  g_return_val_if_fail (MD_IS_CASE_ROW (self), NULL);

  return self->item;
}
