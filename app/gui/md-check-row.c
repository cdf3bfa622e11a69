/* md-check-row.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "md-check-row.h"

/* One check in the list: its status as an icon (a spinner while it runs),
 * title and summary; expanded, the remedy and the technical details. The
 * row follows the check as it changes: checks update in place. */
struct _MdCheckRow
{
  AdwExpanderRow  parent_instance;

  /* Owned */
  MdCheck        *check;

  /* Template widgets */
  GtkStack       *status_stack;
  GtkImage       *status_image;
  GtkSpinner     *spinner;
  GtkLabel       *remedy_label;
  GtkLabel       *details_label;
  GtkWidget      *remedy_box;
};

enum {
  PROP_0,
  PROP_CHECK,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (MdCheckRow, md_check_row, ADW_TYPE_EXPANDER_ROW)

static GParamSpec *properties[N_PROPS];

const char *
md_check_status_icon_name (MdCheckStatus status)
{
  switch (status)
    {
    case MD_CHECK_STATUS_OK:      return "emblem-ok-symbolic";
    case MD_CHECK_STATUS_WARNING: return "dialog-warning-symbolic";
    case MD_CHECK_STATUS_PROBLEM: return "dialog-error-symbolic";
    case MD_CHECK_STATUS_INFO:    return "dialog-information-symbolic";
    case MD_CHECK_STATUS_ERROR:   return "dialog-question-symbolic";
    case MD_CHECK_STATUS_RUNNING:
    default:                      return "dialog-information-symbolic";
    }
}

/* For screen readers and tooltips. */
const char *
md_check_status_describe (MdCheckStatus status)
{
  switch (status)
    {
    case MD_CHECK_STATUS_OK:      return _("Passed");
    case MD_CHECK_STATUS_WARNING: return _("Warning");
    case MD_CHECK_STATUS_PROBLEM: return _("Problem");
    case MD_CHECK_STATUS_INFO:    return _("Information");
    case MD_CHECK_STATUS_ERROR:   return _("Could not decide");
    case MD_CHECK_STATUS_RUNNING:
    default:                      return _("Running");
    }
}

static const char *
status_css_class (MdCheckStatus status)
{
  switch (status)
    {
    case MD_CHECK_STATUS_OK:      return "success";
    case MD_CHECK_STATUS_WARNING: return "warning";
    case MD_CHECK_STATUS_PROBLEM: return "error";
    case MD_CHECK_STATUS_ERROR:   return "md-undecided";
    case MD_CHECK_STATUS_INFO:
    case MD_CHECK_STATUS_RUNNING:
    default:                      return "dim-label";
    }
}

/* The details are technical (zones, answer codes, records): one "key: value"
 * line each, in a monospace label the user can select and copy. */
static char *
format_details (JsonObject *details)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GList) members = NULL;

  if (details == NULL)
    return g_strdup ("");

  members = json_object_get_members (details);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;
      JsonNode *node = json_object_get_member (details, key);
      g_autofree char *value = NULL;

      if (JSON_NODE_HOLDS_NULL (node))
        continue;

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        value = g_strdup (json_node_get_string (node));
      else
        value = json_to_string (node, FALSE);

      if (value == NULL || value[0] == '\0' || g_str_equal (value, "[]"))
        continue;

      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append_printf (text, "%s: %s", key, value);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
md_check_row_update (MdCheckRow *self)
{
  static const char *classes[] = { "success", "warning", "error", "md-undecided", "dim-label" };
  MdCheckStatus status = md_check_get_status (self->check);
  const char *remedy = md_check_get_remedy (self->check);
  g_autofree char *details = format_details (md_check_get_details (self->check));
  g_autofree char *title = g_markup_escape_text (md_check_get_title (self->check), -1);
  g_autofree char *summary = g_markup_escape_text (md_check_get_summary (self->check)
                                                   ? md_check_get_summary (self->check) : "", -1);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), title);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), summary);

  if (status == MD_CHECK_STATUS_RUNNING)
    {
      gtk_stack_set_visible_child (self->status_stack, GTK_WIDGET (self->spinner));
      gtk_spinner_start (self->spinner);
    }
  else
    {
      gtk_spinner_stop (self->spinner);
      gtk_image_set_from_icon_name (self->status_image, md_check_status_icon_name (status));
      for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
        gtk_widget_remove_css_class (GTK_WIDGET (self->status_image), classes[i]);
      gtk_widget_add_css_class (GTK_WIDGET (self->status_image), status_css_class (status));
      gtk_stack_set_visible_child (self->status_stack, GTK_WIDGET (self->status_image));
    }

  gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_stack), md_check_status_describe (status));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->status_stack),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  md_check_status_describe (status),
                                  -1);

  gtk_label_set_text (self->remedy_label, remedy ? remedy : "");
  gtk_widget_set_visible (self->remedy_box, remedy != NULL && remedy[0] != '\0');
  gtk_label_set_text (self->details_label, details);
  gtk_widget_set_visible (GTK_WIDGET (self->details_label), details[0] != '\0');
  adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (self),
                                         (remedy != NULL && remedy[0] != '\0') ||
                                         details[0] != '\0');
}

static void
check_notify_cb (MdCheckRow *self,
                 GParamSpec *pspec,
                 MdCheck    *check)
{
  md_check_row_update (self);
}

static void
md_check_row_dispose (GObject *object)
{
  MdCheckRow *self = MD_CHECK_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MD_TYPE_CHECK_ROW);
  g_clear_object (&self->check);

  G_OBJECT_CLASS (md_check_row_parent_class)->dispose (object);
}

static void
md_check_row_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  MdCheckRow *self = MD_CHECK_ROW (object);

  switch (prop_id)
    {
    case PROP_CHECK:
      g_value_set_object (value, self->check);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
md_check_row_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  MdCheckRow *self = MD_CHECK_ROW (object);

  switch (prop_id)
    {
    case PROP_CHECK:
      self->check = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
md_check_row_constructed (GObject *object)
{
  MdCheckRow *self = MD_CHECK_ROW (object);

  G_OBJECT_CLASS (md_check_row_parent_class)->constructed (object);

  g_assert (MD_IS_CHECK (self->check));

  g_signal_connect_object (self->check, "notify", G_CALLBACK (check_notify_cb), self,
                           G_CONNECT_SWAPPED);
  md_check_row_update (self);
}

static void
md_check_row_class_init (MdCheckRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = md_check_row_constructed;
  object_class->dispose = md_check_row_dispose;
  object_class->get_property = md_check_row_get_property;
  object_class->set_property = md_check_row_set_property;

  properties[PROP_CHECK] =
    g_param_spec_object ("check", NULL, NULL,
                         MD_TYPE_CHECK,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/md-check-row.ui");
  gtk_widget_class_bind_template_child (widget_class, MdCheckRow, status_stack);
  gtk_widget_class_bind_template_child (widget_class, MdCheckRow, status_image);
  gtk_widget_class_bind_template_child (widget_class, MdCheckRow, spinner);
  gtk_widget_class_bind_template_child (widget_class, MdCheckRow, remedy_label);
  gtk_widget_class_bind_template_child (widget_class, MdCheckRow, details_label);
  gtk_widget_class_bind_template_child (widget_class, MdCheckRow, remedy_box);
}

static void
md_check_row_init (MdCheckRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
md_check_row_new (MdCheck *check)
{
  g_return_val_if_fail (MD_IS_CHECK (check), NULL);

  return g_object_new (MD_TYPE_CHECK_ROW,
                       "check", check,
                       NULL);
}

MdCheck *
md_check_row_get_check (MdCheckRow *self)
{
  g_return_val_if_fail (MD_IS_CHECK_ROW (self), NULL);

  return self->check;
}
