/* md-check-row.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "md-case-widgets.h"
#include "md-check-row.h"

/* One check in the list: its status as an icon (a spinner while it runs),
 * title and summary; expanded, the remedy and the details as label/value
 * rows. The row follows the check as it changes, one property at a time:
 * a notify touches only what changed; the tooltip is written when it is
 * asked for (setting one is a round trip to the X server); the remedy and
 * details are laid out only while the user has the row open (a collapsed
 * expander still measures its content). Rows never open by
 * themselves: libadwaita expands a row when expansion is enabled, so the
 * expanded state is put back. */
struct _MdCheckRow
{
  AdwExpanderRow  parent_instance;

  /* Owned */
  MdCheck        *check;
  MdCheckStatus   shown_status;
  gboolean        details_dirty;
  gboolean        short_title;

  /* Template widgets */
  GtkStack       *status_stack;
  GtkImage       *status_image;
  GtkSpinner     *spinner;
  GtkLabel       *remedy_label;
  GtkWidget      *remedy_box;
  GtkGrid        *details_grid;
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

/* Readable names for the keys the checks write into their details; others
 * are shown with their underscores as spaces. */
static const struct { const char *key; const char *label; } detail_labels[] = {
  { "zone", N_("List Zone") },
  { "query", N_("Query") },
  { "addresses", N_("Answers") },
  { "meanings", N_("Meaning") },
  { "operator", N_("Operator") },
  { "removal", N_("Removal Page") },
  { "resolver", N_("Resolver") },
  { "public_resolver", N_("Public Resolver") },
  { "ip", N_("IP Address") },
  { "ptr", N_("Reverse DNS Name") },
  { "ptr_status", N_("Reverse DNS Answer") },
  { "forward", N_("Forward Addresses") },
  { "forward_status", N_("Forward Answer") },
  { "forward_confirmed", N_("Forward-Confirmed") },
  { "generic", N_("Looks Generic") },
  { "generic_reasons", N_("Why Generic") },
  { "domain", N_("Domain") },
  { "record", N_("Record") },
  { "records", N_("Records") },
  { "result", N_("Result") },
  { "policy", N_("Policy") },
  { "selector", N_("Selector") },
  { "mx", N_("Mail Servers") },
  { "mx_status", N_("MX Answer") },
  { "helo", N_("HELO Name") },
  { "reason", N_("Reason") },
  { "error", N_("Error") },
  { "organisation", N_("Organisation") },
  { "name", N_("Name") },
  { "status", N_("Status") },
  { "duration_ms", N_("Duration (ms)") },
  { "dns_lookups", N_("DNS Lookups") },
  { "listed", N_("Listed") },
  { "receiver", N_("Receiver") },
};

static char *
detail_label (const char *key)
{
  g_autofree char *spaced = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (detail_labels); i++)
    if (g_str_equal (key, detail_labels[i].key))
      return g_strdup (_(detail_labels[i].label));

  spaced = g_strdelimit (g_strdup (key), "_-", ' ');
  if (spaced[0] != '\0')
    spaced[0] = g_ascii_toupper (spaced[0]);

  return g_steal_pointer (&spaced);
}

static char *
detail_value (JsonNode *node)
{
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);

      if (type == G_TYPE_STRING)
        return g_strdup (json_node_get_string (node));
      if (type == G_TYPE_BOOLEAN)
        return g_strdup (json_node_get_boolean (node) ? _("yes") : _("no"));
    }

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      g_autoptr(GString) text = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          g_autofree char *value = detail_value (element);

          if (value == NULL || value[0] == '\0')
            continue;
          if (text->len > 0)
            g_string_append (text, ", ");
          g_string_append (text, value);
        }

      return g_string_free (g_steal_pointer (&text), FALSE);
    }

  return json_to_string (node, FALSE);
}

static void
clear_details (MdCheckRow *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->details_grid))) != NULL)
    gtk_grid_remove (self->details_grid, child);
}

/* One row per detail: a label and a value the user can select. */
static void
fill_details (MdCheckRow *self)
{
  JsonObject *details = md_check_get_details (self->check);
  g_autoptr(GList) members = NULL;
  int row = 0;

  self->details_dirty = FALSE;
  clear_details (self);
  if (details == NULL)
    return;

  members = json_object_get_members (details);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;
      JsonNode *node = json_object_get_member (details, key);
      g_autofree char *value = NULL;
      g_autofree char *label_text = NULL;
      GtkWidget *label;
      GtkWidget *value_label;

      if (JSON_NODE_HOLDS_NULL (node))
        continue;
      value = detail_value (node);
      if (value == NULL || value[0] == '\0' || g_str_equal (value, "[]"))
        continue;

      label_text = detail_label (key);
      label = gtk_label_new (label_text);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_yalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "dim-label");
      value_label = gtk_label_new (value);
      gtk_label_set_xalign (GTK_LABEL (value_label), 0);
      gtk_label_set_wrap (GTK_LABEL (value_label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (value_label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_selectable (GTK_LABEL (value_label), TRUE);
      gtk_widget_set_hexpand (value_label, TRUE);
      gtk_grid_attach (self->details_grid, label, 0, row, 1, 1);
      gtk_grid_attach (self->details_grid, value_label, 1, row, 1, 1);
      row++;
    }
}

static gboolean
has_details (MdCheck *check)
{
  JsonObject *details = md_check_get_details (check);

  return details != NULL && json_object_get_size (details) > 0;
}

static void
update_expansion (MdCheckRow *self)
{
  const char *remedy = md_check_get_remedy (self->check);
  gboolean can_expand = (remedy != NULL && remedy[0] != '\0') || has_details (self->check);
  gboolean expanded = adw_expander_row_get_expanded (ADW_EXPANDER_ROW (self));

  if (can_expand == adw_expander_row_get_enable_expansion (ADW_EXPANDER_ROW (self)))
    return;

  adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (self), can_expand);
  /* Enabling expansion expands the row: only the user opens it. */
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (self), expanded && can_expand);
}

static void
update_status (MdCheckRow *self)
{
  static const char *classes[] = { "success", "warning", "error", "md-undecided", "dim-label" };
  MdCheckStatus status = md_check_get_status (self->check);

  if (status == self->shown_status)
    return;
  self->shown_status = status;

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

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->status_stack),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  md_check_status_describe (status),
                                  -1);
}

static void
update_title (MdCheckRow *self)
{
  const char *title = md_check_get_title (self->check);
  g_autofree char *prefix = g_strdup_printf (_("Blocklist %s"), "");
  g_autofree char *escaped = NULL;

  /* Inside the "Block Lists" group the prefix says nothing. */
  if (self->short_title && title != NULL && g_str_has_prefix (title, prefix) &&
      title[strlen (prefix)] != '\0')
    title += strlen (prefix);

  escaped = g_markup_escape_text (title ? title : "", -1);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), escaped);
}

static void
update_summary (MdCheckRow *self)
{
  const char *summary = md_check_get_summary (self->check);
  /* Summaries name hosts ("contoso-com.mail.protection.outlook.com"). */
  g_autofree char *breakable = md_break_host_names (summary ? summary : "");
  g_autofree char *escaped = g_markup_escape_text (breakable, -1);

  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), escaped);
}

static void
update_remedy (MdCheckRow *self)
{
  const char *remedy = md_check_get_remedy (self->check);

  gtk_label_set_text (self->remedy_label, remedy ? remedy : "");
  gtk_widget_set_visible (self->remedy_box, remedy != NULL && remedy[0] != '\0');
  update_expansion (self);
}

static void
update_details (MdCheckRow *self)
{
  self->details_dirty = TRUE;
  if (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (self)))
    fill_details (self);
  else
    clear_details (self);
  update_expansion (self);
}

static void
check_notify_cb (MdCheckRow *self,
                 GParamSpec *pspec,
                 MdCheck    *check)
{
  const char *name = g_param_spec_get_name (pspec);

  if (g_str_equal (name, "status"))
    update_status (self);
  else if (g_str_equal (name, "summary"))
    update_summary (self);
  else if (g_str_equal (name, "title"))
    update_title (self);
  else if (g_str_equal (name, "remedy"))
    update_remedy (self);
  else if (g_str_equal (name, "details"))
    update_details (self);
}

static void
expanded_cb (MdCheckRow *self,
             GParamSpec *pspec,
             gpointer    user_data)
{
  if (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (self)) && self->details_dirty)
    fill_details (self);
}

static gboolean
query_status_tooltip_cb (MdCheckRow *self,
                         int         x,
                         int         y,
                         gboolean    keyboard_mode,
                         GtkTooltip *tooltip)
{
  gtk_tooltip_set_text (tooltip, md_check_status_describe (md_check_get_status (self->check)));

  return TRUE;
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

  self->short_title = g_strcmp0 (md_check_get_group (self->check), "blocklists") == 0;
  self->shown_status = (MdCheckStatus) -1;
  self->details_dirty = TRUE;
  g_signal_connect_object (self->check, "notify", G_CALLBACK (check_notify_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect (self, "notify::expanded", G_CALLBACK (expanded_cb), NULL);
  md_expander_row_lay_out_when_open (ADW_EXPANDER_ROW (self));
  g_signal_connect_object (self->status_stack, "query-tooltip",
                           G_CALLBACK (query_status_tooltip_cb), self, G_CONNECT_SWAPPED);
  update_title (self);
  update_summary (self);
  update_status (self);
  update_remedy (self);
  update_expansion (self);
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
  gtk_widget_class_bind_template_child (widget_class, MdCheckRow, details_grid);
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
