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

/* The text of a data file element marked translatable, as the user
 * reads it: white space collapsed the way xgettext collapses it (so that
 * the msgid matches the catalog), then translated. */
char *
md_data_text_translate (const char *text)
{
  g_autofree char *normalized = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  normalized = md_normalize_space (text);

  return g_strdup (g_dgettext (GETTEXT_PACKAGE, normalized));
}

/* Runs @parser over a whole data file. GMarkup rather than a DOM for all
 * of them: the files are small and flat, and GLib's parser gives line
 * numbers in its errors for free. */
gboolean
md_data_parse_markup (const GMarkupParser  *parser,
                      GMarkupParseFlags     flags,
                      gpointer              user_data,
                      const char           *data,
                      gssize                length,
                      GError              **error)
{
  g_autoptr(GMarkupParseContext) context = NULL;

  g_return_val_if_fail (parser != NULL, FALSE);
  g_return_val_if_fail (data != NULL, FALSE);

  context = g_markup_parse_context_new (parser, flags, user_data, NULL);

  return g_markup_parse_context_parse (context, data, length, error) &&
         g_markup_parse_context_end_parse (context, error);
}

/* The message @format describes, with the line the parser of @context has
 * reached (0 without a parser) in *@line: what a schema error in a data
 * file says, whatever words the loader puts around it. */
char *
md_data_vprintf_at (GMarkupParseContext *context,
                    int                 *line,
                    const char          *format,
                    va_list              args)
{
  g_return_val_if_fail (line != NULL, NULL);
  g_return_val_if_fail (format != NULL, NULL);

  *line = 0;
  if (context != NULL)
    g_markup_parse_context_get_position (context, line, NULL);

  return g_strdup_vprintf (format, args);
}

/* A schema error in the data file @file_name, at the line the parser of
 * @context has reached: "blocklists.xml:12: …". Not translated: the file
 * is compiled in, so such an error is a bug in the build, read by its
 * developers. */
void
md_data_set_error (GMarkupParseContext  *context,
                   GError              **error,
                   GQuark                domain,
                   int                   code,
                   const char           *file_name,
                   const char           *format,
                   ...)
{
  g_autofree char *message = NULL;
  va_list args;
  int line;

  va_start (args, format);
  message = md_data_vprintf_at (context, &line, format, args);
  va_end (args);

  g_set_error (error, domain, code, "%s:%d: %s", file_name, line, message);
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
