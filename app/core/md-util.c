/* md-util.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <gio/gio.h>
#include <gmime/gmime.h>

#include "md-core-resources.h"
#include "md-util.h"

/* Called once by every program that uses the engine (the app, the CLI, the
 * tests), after it has bound the text domain: the engine's data files and
 * GMime's global state. */
void
md_core_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      g_mime_init ();
      /* Registered by hand: a constructor in a static library is dropped by
       * the linker when nothing references its object file. */
      md_core_register_resource ();
      g_once_init_leave (&initialized, 1);
    }
}

/* Where the catalogs are: the installed ones, or those of a build tree when
 * MAILDOCTOR_LOCALEDIR says so (the tests run the programs uninstalled, in
 * German too). */
const char *
md_core_get_localedir (void)
{
  const char *dir = g_getenv ("MAILDOCTOR_LOCALEDIR");

  return (dir != NULL && dir[0] != '\0') ? dir : LOCALEDIR;
}

/* Collapses runs of white space into one space and trims both ends, the way
 * xgettext normalizes the translatable text of our XML data files, so that
 * the msgid looked up at run time is the one in the catalog. */
char *
md_normalize_space (const char *text)
{
  GString *out;
  gboolean space = FALSE;

  if (text == NULL)
    return NULL;

  out = g_string_sized_new (strlen (text));
  for (const char *p = text; *p; p++)
    {
      if (g_ascii_isspace (*p))
        {
          space = TRUE;
          continue;
        }
      if (space && out->len > 0)
        g_string_append_c (out, ' ');
      space = FALSE;
      g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

/* The domain of a mail address, lower-cased; NULL when there is none. */
char *
md_address_get_domain (const char *address)
{
  const char *at;

  if (address == NULL)
    return NULL;

  at = strrchr (address, '@');
  if (at == NULL || at[1] == '\0')
    return NULL;

  return g_ascii_strdown (at + 1, -1);
}

/* A data file of the engine, from the GResource compiled into it. */
GBytes *
md_load_data_resource (const char  *name,
                       GError     **error)
{
  g_autofree char *path = g_strconcat (RESOURCE_PATH, "/data/", name, NULL);

  return g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
}

/* A string member of the JSON the CLI prints and the case store keeps; a
 * missing value is null, so that every member is always there. */
void
md_json_builder_add_string_member (JsonBuilder *builder,
                                   const char  *name,
                                   const char  *value)
{
  g_return_if_fail (JSON_IS_BUILDER (builder));
  g_return_if_fail (name != NULL);

  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/* A string array member; a NULL @strv is an empty array. */
void
md_json_builder_add_strv_member (JsonBuilder  *builder,
                                 const char   *name,
                                 char * const *strv)
{
  g_return_if_fail (JSON_IS_BUILDER (builder));
  g_return_if_fail (name != NULL);

  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_builder_add_string_value (builder, strv[i]);
  json_builder_end_array (builder);
}
