/* md-preferences-window.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "md-preferences-window.h"
#include "md-blocklists.h"
#include "md-resolver.h"

struct _MdPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* Owned */
  GSettings            *settings;

  /* Template widgets */
  AdwEntryRow          *sender_name_row;
  AdwEntryRow          *sender_organisation_row;
  AdwEntryRow          *sender_email_row;
  AdwEntryRow          *sender_website_row;
  AdwEntryRow          *sender_description_row;
  AdwEntryRow          *sender_volume_row;
  AdwComboRow          *sender_ip_use_row;
  AdwEntryRow          *sender_organisation_kind_row;
  AdwEntryRow          *sender_description_de_row;
  AdwComboRow          *resolver_mode_row;
  AdwEntryRow          *resolver_servers_row;
  AdwActionRow         *resolver_warning_row;
  GtkSwitch            *web_checks_switch;
  AdwEntryRow          *dkim_selectors_row;
  AdwEntryRow          *sending_domains_row;
  AdwPreferencesGroup  *lists_high_group;
  AdwPreferencesGroup  *lists_medium_group;
  AdwPreferencesGroup  *lists_low_group;
};

G_DEFINE_FINAL_TYPE (MdPreferencesWindow, md_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* Order of the rows in the resolver combo; the enum nicks in the schema. */
static const char * const resolver_modes[] = { "system", "custom" };

/* Order of the rows in the IP use combo; the choices of sender-ip-use, where
 * "" means the user did not say and the request says nothing either. */
static const char * const ip_uses[] = { "", "dedicated", "shared" };

static gboolean
ip_use_get_mapping (GValue   *value,
                    GVariant *variant,
                    gpointer  user_data)
{
  const char *ip_use = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (ip_uses); i++)
    {
      if (g_str_equal (ip_use, ip_uses[i]))
        {
          g_value_set_uint (value, i);
          return TRUE;
        }
    }

  return FALSE;
}

static GVariant *
ip_use_set_mapping (const GValue       *value,
                    const GVariantType *expected_type,
                    gpointer            user_data)
{
  guint selected = g_value_get_uint (value);

  if (selected >= G_N_ELEMENTS (ip_uses))
    return NULL;

  return g_variant_new_string (ip_uses[selected]);
}

static gboolean
resolver_mode_get_mapping (GValue   *value,
                           GVariant *variant,
                           gpointer  user_data)
{
  const char *mode = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (resolver_modes); i++)
    {
      if (g_str_equal (mode, resolver_modes[i]))
        {
          g_value_set_uint (value, i);
          return TRUE;
        }
    }

  return FALSE;
}

static GVariant *
resolver_mode_set_mapping (const GValue       *value,
                           const GVariantType *expected_type,
                           gpointer            user_data)
{
  guint selected = g_value_get_uint (value);

  if (selected >= G_N_ELEMENTS (resolver_modes))
    return NULL;

  return g_variant_new_string (resolver_modes[selected]);
}

/* String lists are edited as one comma-separated line. */
static gboolean
strv_get_mapping (GValue   *value,
                  GVariant *variant,
                  gpointer  user_data)
{
  g_autofree const char **strv = g_variant_get_strv (variant, NULL);
  g_autofree char *joined = g_strjoinv (", ", (char **) strv);

  g_value_set_string (value, joined);

  return TRUE;
}

static GVariant *
strv_set_mapping (const GValue       *value,
                  const GVariantType *expected_type,
                  gpointer            user_data)
{
  const char *text = g_value_get_string (value);
  g_auto(GStrv) parts = g_strsplit_set (text ? text : "", ", \t", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) strv = NULL;

  for (guint i = 0; parts[i] != NULL; i++)
    if (parts[i][0] != '\0')
      g_strv_builder_add (builder, parts[i]);

  strv = g_strv_builder_end (builder);

  return g_variant_new_strv ((const char * const *) strv, -1);
}

static gboolean
custom_mode_to_sensitive (GBinding     *binding,
                          const GValue *from_value,
                          GValue       *to_value,
                          gpointer      user_data)
{
  g_value_set_boolean (to_value, g_value_get_uint (from_value) == 1);

  return TRUE;
}

/* Blocklists refuse the big public resolvers: say so while the user picks
 * one, and say when the custom list does not parse. */
static void
update_resolver_warning (MdPreferencesWindow *self)
{
  g_autofree char *mode = g_settings_get_string (self->settings, "resolver-mode");
  g_auto(GStrv) servers = g_settings_get_strv (self->settings, "resolver-servers");
  g_autoptr(MdResolver) resolver = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  const char *public_name = NULL;

  if (g_str_equal (mode, "custom") && servers[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv (",", servers);
      resolver = md_resolver_new_for_servers (joined, &error);
    }
  else if (g_str_equal (mode, "custom"))
    {
      message = g_strdup (_("Enter at least one server, or use the system resolver."));
    }
  else
    {
      resolver = md_resolver_new (&error);
    }

  if (resolver != NULL)
    public_name = md_resolver_get_public_resolver_name (resolver);

  if (message == NULL && error != NULL)
    /* Translators: %s says what is wrong with the server list */
    message = g_strdup_printf (_("These servers cannot be used: %s"), error->message);
  else if (message == NULL && public_name != NULL)
    /* Translators: %s is a public DNS service, like "Google Public DNS" */
    message = g_strdup_printf (_("This resolver is %s. Most blocklists refuse its queries, so "
                                 "their checks will end as “could not decide”."), public_name);

  gtk_widget_set_visible (GTK_WIDGET (self->resolver_warning_row), message != NULL);
  if (message != NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (message, -1);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->resolver_warning_row), escaped);
    }
}

/* Each list's switch edits "disabled-blocklists": on means asked. */
static void
list_switch_cb (GtkSwitch           *toggle,
                GParamSpec          *pspec,
                MdPreferencesWindow *self)
{
  const char *zone = g_object_get_data (G_OBJECT (toggle), "zone");
  g_auto(GStrv) disabled = g_settings_get_strv (self->settings, "disabled-blocklists");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) updated = NULL;

  for (guint i = 0; disabled[i] != NULL; i++)
    if (!g_str_equal (disabled[i], zone))
      g_strv_builder_add (builder, disabled[i]);
  if (!gtk_switch_get_active (toggle))
    g_strv_builder_add (builder, zone);

  updated = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "disabled-blocklists", (const char * const *) updated);
}

static void
fill_blocklists (MdPreferencesWindow *self)
{
  g_autoptr(GPtrArray) catalog = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) disabled = g_settings_get_strv (self->settings, "disabled-blocklists");

  catalog = md_blocklist_catalog_load (&error);
  if (catalog == NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (error->message, -1);
      adw_preferences_group_set_description (self->lists_high_group, escaped);
      return;
    }

  for (guint i = 0; i < catalog->len; i++)
    {
      const MdBlocklist *list = g_ptr_array_index (catalog, i);
      AdwPreferencesGroup *group;
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *toggle = gtk_switch_new ();
      g_autofree char *title = g_markup_escape_text (list->name, -1);
      g_autofree char *subtitle = g_markup_printf_escaped ("%s · %s", list->zone,
                                                           list->operator_name);

      switch (list->weight)
        {
        case MD_BLOCKLIST_WEIGHT_HIGH:   group = self->lists_high_group; break;
        case MD_BLOCKLIST_WEIGHT_MEDIUM: group = self->lists_medium_group; break;
        case MD_BLOCKLIST_WEIGHT_LOW:
        default:                         group = self->lists_low_group; break;
        }

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_tooltip_text (row, list->purpose);
      gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
      gtk_switch_set_active (GTK_SWITCH (toggle),
                             !g_strv_contains ((const char * const *) disabled, list->zone));
      gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      list->name, -1);
      g_object_set_data_full (G_OBJECT (toggle), "zone", g_strdup (list->zone), g_free);
      g_signal_connect_object (toggle, "notify::active", G_CALLBACK (list_switch_cb), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
      adw_preferences_group_add (group, row);
    }
}

static void
md_preferences_window_dispose (GObject *object)
{
  MdPreferencesWindow *self = MD_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MD_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (md_preferences_window_parent_class)->dispose (object);
}

static void
md_preferences_window_class_init (MdPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = md_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/md-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MdPreferencesWindow, sender_name_row);
  gtk_widget_class_bind_template_child (widget_class, MdPreferencesWindow, sender_organisation_row);
  gtk_widget_class_bind_template_child (widget_class, MdPreferencesWindow, sender_email_row);
  gtk_widget_class_bind_template_child (widget_class, MdPreferencesWindow, sender_website_row);
  gtk_widget_class_bind_template_child (widget_class, MdPreferencesWindow, sender_description_row);
  gtk_widget_class_bind_template_child (widget_class, MdPreferencesWindow, sender_volume_row);
  gtk_widget_class_bind_template_child (widget_class, MdPreferencesWindow, sender_ip_use_row);
  gtk_widget_class_bind_template_child (widget_class, MdPreferencesWindow,
                                        sender_organisation_kind_row);
  gtk_widget_class_bind_template_child (widget_class, MdPreferencesWindow,
                                        sender_description_de_row);
  gtk_widget_class_bind_template_child (widget_class, MdPreferencesWindow, resolver_mode_row);
  gtk_widget_class_bind_template_child (widget_class, MdPreferencesWindow, resolver_servers_row);
  gtk_widget_class_bind_template_child (widget_class, MdPreferencesWindow, resolver_warning_row);
  gtk_widget_class_bind_template_child (widget_class, MdPreferencesWindow, web_checks_switch);
  gtk_widget_class_bind_template_child (widget_class, MdPreferencesWindow, dkim_selectors_row);
  gtk_widget_class_bind_template_child (widget_class, MdPreferencesWindow, sending_domains_row);
  gtk_widget_class_bind_template_child (widget_class, MdPreferencesWindow, lists_high_group);
  gtk_widget_class_bind_template_child (widget_class, MdPreferencesWindow, lists_medium_group);
  gtk_widget_class_bind_template_child (widget_class, MdPreferencesWindow, lists_low_group);
}

static void
md_preferences_window_init (MdPreferencesWindow *self)
{
  static const struct { const char *key; gsize offset; } text_rows[] = {
    { "sender-name", G_STRUCT_OFFSET (MdPreferencesWindow, sender_name_row) },
    { "sender-organisation", G_STRUCT_OFFSET (MdPreferencesWindow, sender_organisation_row) },
    { "sender-email", G_STRUCT_OFFSET (MdPreferencesWindow, sender_email_row) },
    { "sender-website", G_STRUCT_OFFSET (MdPreferencesWindow, sender_website_row) },
    { "sender-description", G_STRUCT_OFFSET (MdPreferencesWindow, sender_description_row) },
    { "sender-daily-volume", G_STRUCT_OFFSET (MdPreferencesWindow, sender_volume_row) },
    { "sender-organisation-kind",
      G_STRUCT_OFFSET (MdPreferencesWindow, sender_organisation_kind_row) },
    { "sender-description-de", G_STRUCT_OFFSET (MdPreferencesWindow, sender_description_de_row) },
  };

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (BASE_ID);

  for (guint i = 0; i < G_N_ELEMENTS (text_rows); i++)
    {
      GObject *row = G_STRUCT_MEMBER (GObject *, self, text_rows[i].offset);
      g_settings_bind (self->settings, text_rows[i].key, row, "text", G_SETTINGS_BIND_DEFAULT);
    }

  g_settings_bind_with_mapping (self->settings, "sender-ip-use",
                                self->sender_ip_use_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                ip_use_get_mapping, ip_use_set_mapping, NULL, NULL);

  g_settings_bind_with_mapping (self->settings, "resolver-mode",
                                self->resolver_mode_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                resolver_mode_get_mapping, resolver_mode_set_mapping,
                                NULL, NULL);
  g_settings_bind_with_mapping (self->settings, "resolver-servers",
                                self->resolver_servers_row, "text",
                                G_SETTINGS_BIND_DEFAULT,
                                strv_get_mapping, strv_set_mapping, NULL, NULL);
  g_object_bind_property_full (self->resolver_mode_row, "selected",
                               self->resolver_servers_row, "sensitive",
                               G_BINDING_SYNC_CREATE,
                               custom_mode_to_sensitive, NULL, NULL, NULL);
  g_signal_connect_object (self->settings, "changed::resolver-mode",
                           G_CALLBACK (update_resolver_warning), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::resolver-servers",
                           G_CALLBACK (update_resolver_warning), self, G_CONNECT_SWAPPED);
  update_resolver_warning (self);
  fill_blocklists (self);
  g_settings_bind (self->settings, "web-checks", self->web_checks_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);

  g_settings_bind_with_mapping (self->settings, "dkim-selectors",
                                self->dkim_selectors_row, "text",
                                G_SETTINGS_BIND_DEFAULT,
                                strv_get_mapping, strv_set_mapping, NULL, NULL);
  g_settings_bind_with_mapping (self->settings, "sending-domains",
                                self->sending_domains_row, "text",
                                G_SETTINGS_BIND_DEFAULT,
                                strv_get_mapping, strv_set_mapping, NULL, NULL);
}

MdPreferencesWindow *
md_preferences_window_new (MdApplication *application)
{
  g_return_val_if_fail (MD_IS_APPLICATION (application), NULL);

  return g_object_new (MD_TYPE_PREFERENCES_WINDOW,
                       "application", application,
                       NULL);
}
