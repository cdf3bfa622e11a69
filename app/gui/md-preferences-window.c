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
#include "md-dqs-key.h"
#include "md-resolver-trust.h"
#include "md-resolver.h"
#include "md-settings.h"
#include "md-watch-preferences-page.h"

struct _MdPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* Owned */
  MdSettings           *settings;
  GCancellable         *cancellable;
  GCancellable         *test_cancellable;  /* the resolver test running, or NULL */

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
  AdwActionRow         *resolver_test_row;
  GtkImage             *resolver_test_icon;
  GtkSpinner           *resolver_test_spinner;
  GtkButton            *resolver_test_button;
  GtkSwitch            *web_checks_switch;
  AdwEntryRow          *dkim_selectors_row;
  AdwEntryRow          *sending_domains_row;
  AdwEntryRow          *dqs_key_row;
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
mode_to_selected (GBinding     *binding,
                  const GValue *from_value,
                  GValue       *to_value,
                  gpointer      user_data)
{
  g_value_set_uint (to_value, g_strcmp0 (g_value_get_string (from_value), "custom") == 0);

  return TRUE;
}

static gboolean
selected_to_mode (GBinding     *binding,
                  const GValue *from_value,
                  GValue       *to_value,
                  gpointer      user_data)
{
  guint selected = g_value_get_uint (from_value);

  if (selected >= G_N_ELEMENTS (resolver_modes))
    return FALSE;

  g_value_set_string (to_value, resolver_modes[selected]);

  return TRUE;
}

/* String lists are edited as one comma-separated line. */
static gboolean
strv_to_text (GBinding     *binding,
              const GValue *from_value,
              GValue       *to_value,
              gpointer      user_data)
{
  char **strv = g_value_get_boxed (from_value);

  g_value_take_string (to_value, strv != NULL ? g_strjoinv (", ", strv) : g_strdup (""));

  return TRUE;
}

static gboolean
text_to_strv (GBinding     *binding,
              const GValue *from_value,
              GValue       *to_value,
              gpointer      user_data)
{
  const char *text = g_value_get_string (from_value);
  g_auto(GStrv) parts = g_strsplit_set (text ? text : "", ", \t", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    if (parts[i][0] != '\0')
      g_strv_builder_add (builder, parts[i]);

  g_value_take_boxed (to_value, g_strv_builder_end (builder));

  return TRUE;
}

static void
dqs_key_stored_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(MdPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean stored = md_dqs_key_store_finish (result, &error);
  const char *message;

  /* The views read the key again, even when this window is closed by now. */
  if (stored)
    md_settings_list_keys_changed (md_settings_get_default ());
  if (self->cancellable == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (!stored)
    {
      g_debug ("DQS key: %s", error->message);
      message = _("The key could not be saved in your keyring");
    }
  else
    {
      message = gtk_editable_get_text (GTK_EDITABLE (self->dqs_key_row))[0] != '\0'
                ? _("Key saved in your keyring") : _("Key removed from your keyring");
    }

  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (message));
}

static void
dqs_key_apply_cb (MdPreferencesWindow *self)
{
  g_autofree char *key = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->dqs_key_row))));

  /* Letters and digits only: a key is one DNS label of the query name. */
  if (key[0] != '\0' && !md_blocklist_key_is_valid (key))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->dqs_key_row), "error");
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                        adw_toast_new (_("Not a DQS key: it has letters and "
                                                         "digits only")));
      return;
    }

  gtk_widget_remove_css_class (GTK_WIDGET (self->dqs_key_row), "error");
  md_dqs_key_store_async (key, self->cancellable, dqs_key_stored_cb, g_object_ref (self));
  memset (key, 0, strlen (key));
}

static void
dqs_key_looked_up_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(MdPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  char *key = md_dqs_key_lookup_finish (result, &error);

  /* The window was closed meanwhile. */
  if (key != NULL && self->cancellable == NULL)
    {
      md_dqs_key_free (key);
      return;
    }
  if (key == NULL)
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("DQS key: %s", error->message);
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->dqs_key_row), key);
  md_dqs_key_free (key);
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

/* The resolver test: the probe a check run makes (md-resolver-trust.h),
 * on the resolver the settings describe, its verdict in the test row. */

static void
resolver_test_show (MdPreferencesWindow *self,
                    const char          *title,
                    const char          *sentence,
                    const char          *icon_name,
                    const char          *css_class)
{
  static const char * const classes[] = { "success", "warning", "error", "md-undecided" };
  g_auto(GStrv) parts = g_strsplit (sentence, "-", -1);
  g_autofree char *joined = NULL;
  g_autofree char *escaped = NULL;

  /* A host name or an address moves to the next line whole, never broken
   * inside ("a.root-" / "servers.net"): non-breaking hyphens. */
  joined = g_strjoinv ("\u2011", parts);
  escaped = g_markup_escape_text (joined, -1);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->resolver_test_row), title);
  adw_action_row_set_subtitle (self->resolver_test_row, escaped);
  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->resolver_test_icon), classes[i]);
  gtk_widget_set_visible (GTK_WIDGET (self->resolver_test_icon), icon_name != NULL);
  if (icon_name != NULL)
    {
      gtk_image_set_from_icon_name (self->resolver_test_icon, icon_name);
      gtk_widget_add_css_class (GTK_WIDGET (self->resolver_test_icon), css_class);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->resolver_test_icon),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
    }
}

static void
resolver_test_set_running (MdPreferencesWindow *self,
                           gboolean             running)
{
  gtk_widget_set_visible (GTK_WIDGET (self->resolver_test_spinner), running);
  gtk_spinner_set_spinning (self->resolver_test_spinner, running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->resolver_test_button), !running);
}

/* A verdict of an earlier resolver says nothing about this one. */
static void
resolver_test_reset (MdPreferencesWindow *self)
{
  g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
  resolver_test_set_running (self, FALSE);
  resolver_test_show (self, _("Resolver Test"),
                      _("Asks the resolver what every honest resolver answers the same way, "
                        "and whether blocklists answer it."),
                      NULL, NULL);
}

static void
resolver_tested_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(MdPreferencesWindow) self = user_data;
  g_autoptr(MdResolverTrustVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) servers = NULL;
  g_autofree char *joined = NULL;
  g_autofree char *first = NULL;
  g_autofree char *sentence = NULL;
  const char *consequence;
  const char *title;
  const char *icon_name;
  const char *css_class;

  verdict = md_resolver_trust_probe_finish (result, &error);
  /* Cancelled: the window closed or the settings changed, and whoever
   * cancelled has reset the row already. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->test_cancellable);
  resolver_test_set_running (self, FALSE);

  if (verdict == NULL)
    {
      resolver_test_show (self, _("Could Not Decide"), error->message,
                          "dialog-question-symbolic", "md-undecided");
      return;
    }

  servers = md_resolver_get_servers (MD_RESOLVER (object));
  joined = g_strjoinv (", ", servers);
  /* Translators: first %s lists the resolver's servers ("127.0.0.1:53"),
   * the second says what it does, e.g. "answers truthfully" or "denies
   * names that exist: it answers “no such name” for a.root-servers.net" */
  first = g_strdup_printf (_("The resolver at %s %s."), joined,
                           verdict->reason ? verdict->reason
                                           : md_resolver_trust_describe (verdict->trust));

  switch (verdict->trust)
    {
    case MD_RESOLVER_TRUST_TRUSTED:
      title = _("Trusted");
      icon_name = "emblem-ok-symbolic";
      css_class = "success";
      break;

    case MD_RESOLVER_TRUST_REWRITES:
      title = _("Makes Up Answers");
      icon_name = "dialog-warning-symbolic";
      css_class = "warning";
      break;

    case MD_RESOLVER_TRUST_DENIES:
      title = _("Lies About Names That Exist");
      icon_name = "dialog-warning-symbolic";
      css_class = "warning";
      break;

    case MD_RESOLVER_TRUST_REFUSED:
      title = _("Refused by Blocklists");
      icon_name = "dialog-warning-symbolic";
      css_class = "warning";
      break;

    case MD_RESOLVER_TRUST_UNREACHABLE:
    case MD_RESOLVER_TRUST_PROBING:
    default:
      /* No answer is no verdict: never "trusted". */
      title = _("Could Not Decide");
      icon_name = "dialog-question-symbolic";
      css_class = "md-undecided";
      break;
    }

  consequence = md_resolver_trust_consequence (verdict->trust);
  sentence = consequence ? g_strconcat (first, " ", consequence, NULL) : g_steal_pointer (&first);
  resolver_test_show (self, title, sentence, icon_name, css_class);
}

static void
resolver_test_clicked_cb (MdPreferencesWindow *self)
{
  g_autoptr(MdResolver) resolver = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) keys = NULL;
  g_auto(GStrv) disabled = NULL;
  g_auto(GStrv) servers = NULL;
  g_autofree char *joined = NULL;
  g_autofree char *asking = NULL;
  const char *key;

  resolver_test_reset (self);

  resolver = md_settings_new_resolver (self->settings, &error);
  if (resolver == NULL)
    {
      resolver_test_show (self, _("Could Not Decide"), error->message,
                          "dialog-question-symbolic", "md-undecided");
      return;
    }

  /* As the checks will ask: without the lists switched off, Spamhaus in
   * its key zone when there is a key (which answers any resolver). */
  disabled = md_settings_dup_disabled_blocklists (self->settings);
  key = gtk_editable_get_text (GTK_EDITABLE (self->dqs_key_row));
  if (md_blocklist_key_is_valid (key))
    {
      keys = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
      g_hash_table_insert (keys, (gpointer) "spamhaus-dqs", g_strdup (key));
    }

  servers = md_resolver_get_servers (resolver);
  joined = g_strjoinv (", ", servers);
  /* Translators: %s lists the resolver's servers, e.g. "127.0.0.1:53" */
  asking = g_strdup_printf (_("Asking %s…"), joined);
  resolver_test_show (self, _("Testing the Resolver"), asking, NULL, NULL);

  self->test_cancellable = g_cancellable_new ();
  resolver_test_set_running (self, TRUE);
  md_resolver_trust_probe_async (MD_DNS_SOURCE (resolver), NULL, keys,
                                 (const char * const *) disabled, self->test_cancellable,
                                 resolver_tested_cb, g_object_ref (self));
}

/* Blocklists refuse the big public resolvers: say so while the user picks
 * one, and say when the custom list does not parse. */
static void
update_resolver_warning (MdPreferencesWindow *self)
{
  gboolean custom = md_settings_get_custom_resolver (self->settings);
  g_auto(GStrv) servers = md_settings_dup_resolver_servers (self->settings);
  g_autoptr(MdResolver) resolver = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  const char *public_name = NULL;

  if (custom && (servers == NULL || servers[0] == NULL))
    message = g_strdup (_("Enter at least one server, or use the system resolver."));
  else
    resolver = md_settings_new_resolver (self->settings, &error);

  if (resolver != NULL)
    public_name = md_resolver_get_public_resolver_name (resolver);

  if (message == NULL && error != NULL)
    /* Translators: %s says what is wrong with the server list */
    message = g_strdup_printf (_("These servers cannot be used: %s"), error->message);
  else if (message == NULL && public_name != NULL)
    /* Translators: %s is a public DNS service, like "Google Public DNS" */
    message = g_strdup_printf (_("This resolver is %s. Most blocklists refuse its queries, so "
                                 "their checks will end as “could not decide”."), public_name);

  /* "System Resolver" alone does not say which server answers. */
  if (!custom)
    {
      g_autofree char *description = md_settings_describe_system_resolver (self->settings);
      g_autofree char *escaped = g_markup_escape_text (description, -1);

      adw_combo_row_set_use_subtitle (self->resolver_mode_row, FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->resolver_mode_row), escaped);
    }
  else
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->resolver_mode_row), NULL);
    }

  /* A test runs on what the settings say now; nothing to test without a
   * usable resolver (the warning says why). */
  resolver_test_reset (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->resolver_test_button), resolver != NULL);

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
  g_auto(GStrv) disabled = md_settings_dup_disabled_blocklists (self->settings);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) updated = NULL;

  for (guint i = 0; disabled != NULL && disabled[i] != NULL; i++)
    if (!g_str_equal (disabled[i], zone))
      g_strv_builder_add (builder, disabled[i]);
  if (!gtk_switch_get_active (toggle))
    g_strv_builder_add (builder, zone);

  updated = g_strv_builder_end (builder);
  md_settings_set_disabled_blocklists (self->settings, (const char * const *) updated);
}

static void
fill_blocklists (MdPreferencesWindow *self)
{
  g_autoptr(GPtrArray) catalog = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) disabled = md_settings_dup_disabled_blocklists (self->settings);

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
      GtkWidget *row;
      GtkWidget *toggle;
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;

      /* Nothing to switch on or off: no DNS zone MailDoctor can ask. */
      if (list->query == MD_BLOCKLIST_QUERY_NONE || list->query == MD_BLOCKLIST_QUERY_DEFUNCT)
        continue;

      row = adw_action_row_new ();
      toggle = gtk_switch_new ();
      title = g_markup_escape_text (list->name, -1);
      subtitle = g_markup_printf_escaped ("%s · %s", list->zone, list->operator_name);

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
                             (disabled == NULL ||
                              !g_strv_contains ((const char * const *) disabled, list->zone)));
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

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
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
  gtk_widget_class_bind_template_child (widget_class, MdPreferencesWindow, resolver_test_row);
  gtk_widget_class_bind_template_child (widget_class, MdPreferencesWindow, resolver_test_icon);
  gtk_widget_class_bind_template_child (widget_class, MdPreferencesWindow, resolver_test_spinner);
  gtk_widget_class_bind_template_child (widget_class, MdPreferencesWindow, resolver_test_button);
  gtk_widget_class_bind_template_callback (widget_class, resolver_test_clicked_cb);
  gtk_widget_class_bind_template_child (widget_class, MdPreferencesWindow, web_checks_switch);
  gtk_widget_class_bind_template_child (widget_class, MdPreferencesWindow, dkim_selectors_row);
  gtk_widget_class_bind_template_child (widget_class, MdPreferencesWindow, sending_domains_row);
  gtk_widget_class_bind_template_child (widget_class, MdPreferencesWindow, dqs_key_row);
  gtk_widget_class_bind_template_callback (widget_class, dqs_key_apply_cb);
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
  MdWatchPreferencesPage *watch_page;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_object_ref (md_settings_get_default ());

  for (guint i = 0; i < G_N_ELEMENTS (text_rows); i++)
    {
      GObject *row = G_STRUCT_MEMBER (GObject *, self, text_rows[i].offset);
      g_object_bind_property (self->settings, text_rows[i].key, row, "text",
                              G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
    }

  /* The IP use is one of a set: the combo maps it through the schema. */
  g_settings_bind_with_mapping (md_settings_get_gsettings (self->settings), "sender-ip-use",
                                self->sender_ip_use_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                ip_use_get_mapping, ip_use_set_mapping, NULL, NULL);

  g_object_bind_property_full (self->settings, "resolver-mode",
                               self->resolver_mode_row, "selected",
                               G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE,
                               mode_to_selected, selected_to_mode, NULL, NULL);
  g_object_bind_property_full (self->settings, "resolver-servers",
                               self->resolver_servers_row, "text",
                               G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE,
                               strv_to_text, text_to_strv, NULL, NULL);
  g_object_bind_property_full (self->resolver_mode_row, "selected",
                               self->resolver_servers_row, "sensitive",
                               G_BINDING_SYNC_CREATE,
                               custom_mode_to_sensitive, NULL, NULL, NULL);
  g_signal_connect_object (self->settings, "notify::resolver-mode",
                           G_CALLBACK (update_resolver_warning), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "notify::resolver-servers",
                           G_CALLBACK (update_resolver_warning), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "notify::disabled-blocklists",
                           G_CALLBACK (resolver_test_reset), self, G_CONNECT_SWAPPED);
  update_resolver_warning (self);
  fill_blocklists (self);
  g_object_bind_property (self->settings, "web-checks", self->web_checks_switch, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property_full (self->settings, "dkim-selectors",
                               self->dkim_selectors_row, "text",
                               G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE,
                               strv_to_text, text_to_strv, NULL, NULL);
  g_object_bind_property_full (self->settings, "sending-domains",
                               self->sending_domains_row, "text",
                               G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE,
                               strv_to_text, text_to_strv, NULL, NULL);

  /* Preferences → Watch is a widget of its own (md-watch-preferences-page.c). */
  watch_page = md_watch_preferences_page_new (md_settings_get_gsettings (self->settings));
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), ADW_PREFERENCES_PAGE (watch_page));

  self->cancellable = g_cancellable_new ();
  md_dqs_key_lookup_async (self->cancellable, dqs_key_looked_up_cb, g_object_ref (self));
}

MdPreferencesWindow *
md_preferences_window_new (MdApplication *application)
{
  g_return_val_if_fail (MD_IS_APPLICATION (application), NULL);

  return g_object_new (MD_TYPE_PREFERENCES_WINDOW,
                       "application", application,
                       NULL);
}
