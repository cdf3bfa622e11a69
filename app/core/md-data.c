/* md-data.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The one reader of the engine's XML data files (blocklists.xml,
 * knowledge.xml, public-resolvers.xml, receivers.xml,
 * rejection-providers.xml, templates.xml): it finds a file in the GResource
 * (so G_RESOURCE_OVERLAYS=/org/example/MailDoctor/data/NAME=/abs/path
 * replaces it, as the benchmarks do), parses it once with its loader's
 * callbacks, keeps the result for the life of the process, and words every
 * error as "NAME:LINE: …".
 *
 * GMarkup rather than libxml2: it is GLib's own, so the engine needs no
 * further library (nor does the Flatpak build one); it streams the file
 * into callbacks, with no document tree kept beside the loader's own
 * structures; and it reports the line of every error. The files are ours,
 * compiled in, UTF-8 and free of DTDs, entities and namespaces — the parts
 * of XML that GMarkup leaves out are parts these files never need. */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "md-data.h"
#include "md-util.h"

/* Results and errors by file. The diagnosis and the log scan read data
 * files from worker threads, so the cache is behind a lock; a recursive
 * one, because a loader may ask for another file while it reads its own
 * (rejection-providers.xml names receivers of receivers.xml). */
static GRecMutex cache_lock;
static GHashTable *cache_results;  /* const MdDataFile* → result */
static GHashTable *cache_errors;   /* const MdDataFile* → GError* */

/* The line of the data file that the parser of @context has just read:
 * GMarkup reports the place after the last character it took, and calls
 * back only once it has taken the newline after a tag that ends a line, so
 * "line N, character 1" is the end of line N - 1. */
static int
current_line (GMarkupParseContext *context)
{
  int line = 0, character = 0;

  if (context == NULL)
    return 0;

  g_markup_parse_context_get_position (context, &line, &character);

  return (character <= 1 && line > 1) ? line - 1 : line;
}

/* Reads @data as @file, without the cache: a new result each time, for
 * the loaders' own parse functions (tests feed them files of their own). */
gpointer
md_data_file_parse (const MdDataFile  *file,
                    const char        *data,
                    gssize             length,
                    GError           **error)
{
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GError) local_error = NULL;
  gpointer state;
  gboolean parsed;

  g_return_val_if_fail (file != NULL, NULL);
  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  state = file->begin ();
  context = g_markup_parse_context_new (&file->parser, file->flags, state, NULL);
  parsed = g_markup_parse_context_parse (context, data, length, &local_error) &&
           g_markup_parse_context_end_parse (context, &local_error);

  /* GMarkup's own errors (not well-formed, a missing attribute) carry no
   * file name; the loaders' schema errors (md_data_set_error) already say
   * "NAME:LINE:", whatever their domain. */
  if (!parsed && local_error->domain == G_MARKUP_ERROR &&
      !(g_str_has_prefix (local_error->message, file->name) &&
        local_error->message[strlen (file->name)] == ':'))
    g_prefix_error (&local_error, "%s:%d: ", file->name, current_line (context));

  if (!parsed)
    {
      file->end (state, FALSE, NULL);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return file->end (state, TRUE, error);
}

static gpointer
load (const MdDataFile  *file,
      GError           **error)
{
  g_autoptr(GBytes) bytes = NULL;
  const char *data;
  gsize size;

  md_core_init ();
  bytes = md_load_data_resource (file->name, error);
  if (bytes == NULL)
    {
      g_prefix_error (error, "%s: ", file->name);
      return NULL;
    }

  data = g_bytes_get_data (bytes, &size);

  return md_data_file_parse (file, data != NULL ? data : "", size, error);
}

/* The result of @file, parsed on the first call: the same object every
 * time, owned by the cache and kept until the process ends. A file that
 * failed fails again with the same error, without being read again. */
gpointer
md_data_file_get (const MdDataFile  *file,
                  GError           **error)
{
  gpointer result;
  GError *cached_error;

  g_return_val_if_fail (file != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g_rec_mutex_lock (&cache_lock);

  if (cache_results == NULL)
    {
      cache_results = g_hash_table_new (NULL, NULL);
      cache_errors = g_hash_table_new (NULL, NULL);
    }

  result = g_hash_table_lookup (cache_results, file);
  cached_error = g_hash_table_lookup (cache_errors, file);
  if (result == NULL && cached_error == NULL)
    {
      GError *local_error = NULL;

      result = load (file, &local_error);
      if (result != NULL)
        g_hash_table_insert (cache_results, (gpointer) file, result);
      else
        g_hash_table_insert (cache_errors, (gpointer) file,
                             cached_error = local_error);
    }

  if (result == NULL)
    g_propagate_error (error, g_error_copy (cached_error));

  g_rec_mutex_unlock (&cache_lock);

  return result;
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

/* A schema error in the data file @file_name, at the line the parser of
 * @context has reached: "blocklists.xml:12: …". Not translated: the file
 * is compiled in, so such an error is a bug in the build, read by its
 * developers. */
void
md_data_set_verror (GMarkupParseContext  *context,
                    GError              **error,
                    GQuark                domain,
                    int                   code,
                    const char           *file_name,
                    const char           *format,
                    va_list               args)
{
  g_autofree char *message = g_strdup_vprintf (format, args);

  g_set_error (error, domain, code, "%s:%d: %s", file_name, current_line (context), message);
}

void
md_data_set_error (GMarkupParseContext  *context,
                   GError              **error,
                   GQuark                domain,
                   int                   code,
                   const char           *file_name,
                   const char           *format,
                   ...)
{
  va_list args;

  va_start (args, format);
  md_data_set_verror (context, error, domain, code, file_name, format, args);
  va_end (args);
}
