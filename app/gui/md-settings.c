/* md-settings.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "md-dqs-key.h"
#include "md-resolver.h"
#include "md-settings.h"

/* The preferences as one typed object, as GNOME Console's KgxSettings wraps
 * its schema: every key is a property bound to GSettings, so the UI binds
 * properties and follows notify, and nothing else opens the schema. The
 * engine's sender profile reads the same schema itself (it has no GTK and
 * no MdSettings; md_sender_profile_new_from_settings()). */
struct _MdSettings
{
  GObject    parent_instance;

  /* Owned */
  GSettings *settings;
  char      *sender_name;
  char      *sender_organisation;
  char      *sender_email;
  char      *sender_website;
  char      *sender_description;
  char      *sender_daily_volume;
  char      *sender_ip_use;
  char      *sender_organisation_kind;
  char      *sender_description_de;
  char      *resolver_mode;
  char     **resolver_servers;
  char     **disabled_blocklists;
  char     **dkim_selectors;
  char     **sending_domains;
  gboolean   web_checks;

  /* The access keys of keyed lists (key id → key), read from the keyring
   * once for the windows and the watch; NULL: none. Never in GSettings. */
  GHashTable   *list_keys;
  GCancellable *list_keys_reading;   /* while a read goes on */
};

enum {
  PROP_0,
  PROP_SENDER_NAME,
  PROP_SENDER_ORGANISATION,
  PROP_SENDER_EMAIL,
  PROP_SENDER_WEBSITE,
  PROP_SENDER_DESCRIPTION,
  PROP_SENDER_DAILY_VOLUME,
  PROP_SENDER_IP_USE,
  PROP_SENDER_ORGANISATION_KIND,
  PROP_SENDER_DESCRIPTION_DE,
  PROP_RESOLVER_MODE,
  PROP_RESOLVER_SERVERS,
  PROP_DISABLED_BLOCKLISTS,
  PROP_DKIM_SELECTORS,
  PROP_SENDING_DOMAINS,
  PROP_WEB_CHECKS,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (MdSettings, md_settings, G_TYPE_OBJECT)

enum {
  LIST_KEYS_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Where each string property lives in the struct. */
static char **
string_member (MdSettings *self,
               guint       prop_id)
{
  switch (prop_id)
    {
    case PROP_SENDER_NAME:         return &self->sender_name;
    case PROP_SENDER_ORGANISATION: return &self->sender_organisation;
    case PROP_SENDER_EMAIL:        return &self->sender_email;
    case PROP_SENDER_WEBSITE:      return &self->sender_website;
    case PROP_SENDER_DESCRIPTION:  return &self->sender_description;
    case PROP_SENDER_DAILY_VOLUME: return &self->sender_daily_volume;
    case PROP_SENDER_IP_USE:       return &self->sender_ip_use;
    case PROP_SENDER_ORGANISATION_KIND: return &self->sender_organisation_kind;
    case PROP_SENDER_DESCRIPTION_DE: return &self->sender_description_de;
    case PROP_RESOLVER_MODE:       return &self->resolver_mode;
    default:                       return NULL;
    }
}

static char ***
strv_member (MdSettings *self,
             guint       prop_id)
{
  switch (prop_id)
    {
    case PROP_RESOLVER_SERVERS:    return &self->resolver_servers;
    case PROP_DISABLED_BLOCKLISTS: return &self->disabled_blocklists;
    case PROP_DKIM_SELECTORS:      return &self->dkim_selectors;
    case PROP_SENDING_DOMAINS:     return &self->sending_domains;
    default:                       return NULL;
    }
}

static void
md_settings_finalize (GObject *object)
{
  MdSettings *self = MD_SETTINGS (object);

  for (guint i = PROP_SENDER_NAME; i <= PROP_RESOLVER_MODE; i++)
    g_clear_pointer (string_member (self, i), g_free);
  for (guint i = PROP_RESOLVER_SERVERS; i <= PROP_SENDING_DOMAINS; i++)
    g_clear_pointer (strv_member (self, i), g_strfreev);

  G_OBJECT_CLASS (md_settings_parent_class)->finalize (object);
}

static void
md_settings_dispose (GObject *object)
{
  MdSettings *self = MD_SETTINGS (object);

  g_clear_object (&self->settings);
  g_clear_pointer (&self->list_keys, g_hash_table_unref);
  g_clear_object (&self->list_keys_reading);

  G_OBJECT_CLASS (md_settings_parent_class)->dispose (object);
}

static void
md_settings_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  MdSettings *self = MD_SETTINGS (object);

  if (string_member (self, prop_id) != NULL)
    g_value_set_string (value, *string_member (self, prop_id));
  else if (strv_member (self, prop_id) != NULL)
    g_value_set_boxed (value, *strv_member (self, prop_id));
  else if (prop_id == PROP_WEB_CHECKS)
    g_value_set_boolean (value, self->web_checks);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
md_settings_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  MdSettings *self = MD_SETTINGS (object);

  if (string_member (self, prop_id) != NULL)
    {
      char **member = string_member (self, prop_id);
      const char *text = g_value_get_string (value);

      /* g_set_str() is GLib 2.76; Debian 12 has 2.74. */
      if (g_strcmp0 (*member, text) != 0)
        {
          g_free (*member);
          *member = g_strdup (text);
          g_object_notify_by_pspec (object, pspec);
        }
    }
  else if (strv_member (self, prop_id) != NULL)
    {
      char ***member = strv_member (self, prop_id);
      const char * const *strv = g_value_get_boxed (value);

      if (*member == NULL || strv == NULL ||
          !g_strv_equal ((const char * const *) *member, strv))
        {
          g_strfreev (*member);
          *member = g_strdupv ((char **) strv);
          g_object_notify_by_pspec (object, pspec);
        }
    }
  else if (prop_id == PROP_WEB_CHECKS)
    {
      gboolean web_checks = g_value_get_boolean (value);

      if (web_checks != self->web_checks)
        {
          self->web_checks = web_checks;
          g_object_notify_by_pspec (object, pspec);
        }
    }
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
md_settings_class_init (MdSettingsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  static const char *strings[] = {
    NULL, "sender-name", "sender-organisation", "sender-email", "sender-website",
    "sender-description", "sender-daily-volume", "sender-ip-use", "sender-organisation-kind",
    "sender-description-de", "resolver-mode",
  };
  static const char *strvs[] = {
    "resolver-servers", "disabled-blocklists", "dkim-selectors", "sending-domains",
  };

  object_class->dispose = md_settings_dispose;
  object_class->finalize = md_settings_finalize;
  object_class->get_property = md_settings_get_property;
  object_class->set_property = md_settings_set_property;

  for (guint i = PROP_SENDER_NAME; i <= PROP_RESOLVER_MODE; i++)
    properties[i] = g_param_spec_string (strings[i], NULL, NULL, NULL,
                                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                         G_PARAM_STATIC_STRINGS);
  for (guint i = PROP_RESOLVER_SERVERS; i <= PROP_SENDING_DOMAINS; i++)
    properties[i] = g_param_spec_boxed (strvs[i - PROP_RESOLVER_SERVERS], NULL, NULL,
                                        G_TYPE_STRV,
                                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                        G_PARAM_STATIC_STRINGS);
  properties[PROP_WEB_CHECKS] =
    g_param_spec_boolean ("web-checks", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The access keys of keyed lists live in the keyring, not in GSettings:
   * this says they were read (at start, and after Preferences stored or
   * removed one). */
  signals[LIST_KEYS_CHANGED] =
    g_signal_new ("list-keys-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
md_settings_init (MdSettings *self)
{
  /* The schema id stays the same for the development flavour, like GNOME
   * Text Editor, so both share one set of preferences. */
  self->settings = g_settings_new (BASE_ID);

  for (guint i = 1; i < N_PROPS; i++)
    {
      const char *key = g_param_spec_get_name (properties[i]);

      g_settings_bind (self->settings, key, self, key, G_SETTINGS_BIND_DEFAULT);
    }

  md_settings_list_keys_changed (self);
}

/**
 * md_settings_get_default:
 *
 * Returns: (transfer none): the process's settings; the application holds
 *   the first reference for its lifetime.
 */
MdSettings *
md_settings_get_default (void)
{
  static MdSettings *instance;

  if (instance == NULL)
    {
      instance = g_object_new (MD_TYPE_SETTINGS, NULL);
      g_object_add_weak_pointer (G_OBJECT (instance), (gpointer *) &instance);
    }

  return instance;
}

/* The schema itself, for a feature that owns its keys and binds them where
 * it uses them (the watch list: addresses, domains, interval). */
GSettings *
md_settings_get_gsettings (MdSettings *self)
{
  g_return_val_if_fail (MD_IS_SETTINGS (self), NULL);

  return self->settings;
}

gboolean
md_settings_get_web_checks (MdSettings *self)
{
  g_return_val_if_fail (MD_IS_SETTINGS (self), FALSE);

  return self->web_checks;
}

char **
md_settings_dup_dkim_selectors (MdSettings *self)
{
  g_return_val_if_fail (MD_IS_SETTINGS (self), NULL);

  return g_strdupv (self->dkim_selectors);
}

/* The user's own sending domains: what is checked when the bounce does not
 * say which domain sent the mail (never the contact address's domain). */
char **
md_settings_dup_sending_domains (MdSettings *self)
{
  g_return_val_if_fail (MD_IS_SETTINGS (self), NULL);

  return g_strdupv (self->sending_domains);
}

char **
md_settings_dup_disabled_blocklists (MdSettings *self)
{
  g_return_val_if_fail (MD_IS_SETTINGS (self), NULL);

  return g_strdupv (self->disabled_blocklists);
}

void
md_settings_set_disabled_blocklists (MdSettings         *self,
                                     const char * const *zones)
{
  g_return_if_fail (MD_IS_SETTINGS (self));

  g_object_set (self, "disabled-blocklists", zones, NULL);
}

gboolean
md_settings_get_custom_resolver (MdSettings *self)
{
  g_return_val_if_fail (MD_IS_SETTINGS (self), FALSE);

  return g_strcmp0 (self->resolver_mode, "custom") == 0;
}

char **
md_settings_dup_resolver_servers (MdSettings *self)
{
  g_return_val_if_fail (MD_IS_SETTINGS (self), NULL);

  return g_strdupv (self->resolver_servers);
}

void
md_settings_set_resolver_servers (MdSettings         *self,
                                  const char * const *servers)
{
  g_return_if_fail (MD_IS_SETTINGS (self));

  g_object_set (self, "resolver-servers", servers, NULL);
}

/* The resolver the checks use: the user's servers when asked for, else the
 * system's. */
MdResolver *
md_settings_new_resolver (MdSettings  *self,
                          GError     **error)
{
  g_return_val_if_fail (MD_IS_SETTINGS (self), NULL);

  if (md_settings_get_custom_resolver (self) && self->resolver_servers != NULL &&
      self->resolver_servers[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv (",", self->resolver_servers);

      return md_resolver_new_for_servers (joined, error);
    }

  return md_resolver_new (error);
}

MdCheckRunOptions *
md_settings_new_check_run_options (MdSettings   *self,
                                   MdHttp       *http,
                                   MdDnsSource **source,
                                   GError      **error)
{
  g_autoptr(MdResolver) resolver = NULL;
  g_autoptr(MdCheckRunOptions) options = NULL;

  g_return_val_if_fail (MD_IS_SETTINGS (self), NULL);
  g_return_val_if_fail (http == NULL || MD_IS_HTTP (http), NULL);
  g_return_val_if_fail (source != NULL && *source == NULL, NULL);

  resolver = md_settings_new_resolver (self, error);
  if (resolver == NULL)
    return NULL;

  options = md_check_run_options_new ();
  md_check_run_options_set_resolver (options, resolver);
  options->skipped_zones = md_settings_dup_disabled_blocklists (self);
  if (http != NULL && md_settings_get_web_checks (self))
    options->http = g_object_ref (http);
  options->keys = self->list_keys != NULL ? g_hash_table_ref (self->list_keys) : NULL;
  *source = MD_DNS_SOURCE (g_steal_pointer (&resolver));

  return g_steal_pointer (&options);
}

/* "system resolver (192.0.2.53)", or why there is none. */
char *
md_settings_describe_system_resolver (MdSettings *self)
{
  g_autoptr(MdResolver) resolver = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (MD_IS_SETTINGS (self), NULL);

  resolver = md_resolver_new (&error);
  if (resolver == NULL)
    /* Translators: %s says why the system's DNS configuration is unusable */
    return g_strdup_printf (_("The system resolver is not usable: %s"), error->message);

  return md_resolver_describe (resolver);
}

void
md_settings_get_window_size (MdSettings *self,
                             int        *width,
                             int        *height,
                             gboolean   *maximized)
{
  g_return_if_fail (MD_IS_SETTINGS (self));

  *width = g_settings_get_int (self->settings, "window-width");
  *height = g_settings_get_int (self->settings, "window-height");
  *maximized = g_settings_get_boolean (self->settings, "window-maximized");
}

/* Saved when the window closes, not on every resize, as GNOME Text Editor
 * does: one write for all three keys. */
void
md_settings_save_window_size (MdSettings *self,
                              int         width,
                              int         height,
                              gboolean    maximized)
{
  g_return_if_fail (MD_IS_SETTINGS (self));

  g_settings_delay (self->settings);
  if (width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized", maximized);
  g_settings_apply (self->settings);
}

static void
list_keys_read_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(MdSettings) self = user_data;
  g_autoptr(GError) error = NULL;
  GHashTable *keys = md_list_keys_lookup_finish (result, &error);

  /* Cancelled: a newer read replaced this one. */
  if (error != NULL)
    return;

  g_clear_object (&self->list_keys_reading);
  g_clear_pointer (&self->list_keys, g_hash_table_unref);
  self->list_keys = keys;
  g_signal_emit (self, signals[LIST_KEYS_CHANGED], 0);
}

/* Reads the keys from the keyring (again): at start, and when Preferences
 * stored or removed one. "list-keys-changed" follows. */
void
md_settings_list_keys_changed (MdSettings *self)
{
  g_return_if_fail (MD_IS_SETTINGS (self));

  if (self->list_keys_reading != NULL)
    g_cancellable_cancel (self->list_keys_reading);
  g_clear_object (&self->list_keys_reading);
  self->list_keys_reading = g_cancellable_new ();
  md_list_keys_lookup_async (self->list_keys_reading, list_keys_read_cb, g_object_ref (self));
}

/* TRUE while the keyring is being read: a run started now would go
 * without the keys. */
gboolean
md_settings_get_list_keys_pending (MdSettings *self)
{
  g_return_val_if_fail (MD_IS_SETTINGS (self), FALSE);

  return self->list_keys_reading != NULL;
}
