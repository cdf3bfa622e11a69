/* md-draft-profile.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-draft-private.h"

#define SETTINGS_SCHEMA_ID "org.example.MailDoctor"

G_DEFINE_BOXED_TYPE (MdSenderProfile, md_sender_profile, md_sender_profile_copy, md_sender_profile_free)

/* ------------------------------------------------------------------ */
/* MdSenderProfile                                                     */

MdSenderProfile *
md_sender_profile_new (void)
{
  return g_new0 (MdSenderProfile, 1);
}

MdSenderProfile *
md_sender_profile_copy (const MdSenderProfile *profile)
{
  MdSenderProfile *copy;

  g_return_val_if_fail (profile != NULL, NULL);

  copy = md_sender_profile_new ();
  copy->name = g_strdup (profile->name);
  copy->organisation = g_strdup (profile->organisation);
  copy->email = g_strdup (profile->email);
  copy->website = g_strdup (profile->website);
  copy->description = g_strdup (profile->description);
  copy->daily_volume = g_strdup (profile->daily_volume);
  copy->description_de = g_strdup (profile->description_de);
  copy->ip_use = g_strdup (profile->ip_use);
  copy->organisation_kind = g_strdup (profile->organisation_kind);

  return copy;
}

void
md_sender_profile_free (MdSenderProfile *profile)
{
  if (profile == NULL)
    return;

  g_free (profile->name);
  g_free (profile->organisation);
  g_free (profile->email);
  g_free (profile->website);
  g_free (profile->description);
  g_free (profile->daily_volume);
  g_free (profile->description_de);
  g_free (profile->ip_use);
  g_free (profile->organisation_kind);
  g_free (profile);
}

static char *
settings_get_string (GSettings       *settings,
                     GSettingsSchema *schema,
                     const char      *key)
{
  g_autofree char *value = NULL;

  /* The schema is the lead's; an older installed copy may lack a key. */
  if (!g_settings_schema_has_key (schema, key))
    return NULL;

  value = g_settings_get_string (settings, key);
  return dup_nonempty (value);
}

MdSenderProfile *
md_sender_profile_new_from_settings (void)
{
  MdSenderProfile *profile = md_sender_profile_new ();
  GSettingsSchemaSource *source;
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettings) settings = NULL;

  /* g_settings_new() aborts when the schema is missing (the CLI run from a
   * build tree, a test): look it up first and fall back to an empty profile. */
  source = g_settings_schema_source_get_default ();
  if (source == NULL)
    return profile;

  schema = g_settings_schema_source_lookup (source, SETTINGS_SCHEMA_ID, TRUE);
  if (schema == NULL)
    return profile;

  settings = g_settings_new_full (schema, NULL, NULL);
  profile->name = settings_get_string (settings, schema, "sender-name");
  profile->organisation = settings_get_string (settings, schema, "sender-organisation");
  profile->email = settings_get_string (settings, schema, "sender-email");
  profile->website = settings_get_string (settings, schema, "sender-website");
  profile->description = settings_get_string (settings, schema, "sender-description");
  profile->daily_volume = settings_get_string (settings, schema, "sender-daily-volume");
  /* Keys a newer schema may add; absent keys leave the fields unset. */
  profile->description_de = settings_get_string (settings, schema, "sender-description-de");
  profile->ip_use = settings_get_string (settings, schema, "sender-ip-use");
  profile->organisation_kind = settings_get_string (settings, schema, "sender-organisation-kind");

  return profile;
}
