/* md-receivers.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-data.h"
#include "md-receivers.h"
#include "md-util.h"

G_DEFINE_QUARK (md-receiver-error-quark, md_receiver_error)
G_DEFINE_BOXED_TYPE (MdReceiver, md_receiver, md_receiver_copy, md_receiver_free)

MdReceiver *
md_receiver_copy (const MdReceiver *receiver)
{
  MdReceiver *copy;

  g_return_val_if_fail (receiver != NULL, NULL);

  copy = g_new0 (MdReceiver, 1);
  copy->id = g_strdup (receiver->id);
  copy->family = g_strdup (receiver->family);
  copy->provider = g_strdup (receiver->provider);
  copy->service = g_strdup (receiver->service);
  copy->kind = g_strdup (receiver->kind);
  copy->name = g_strdup (receiver->name);
  copy->short_name = g_strdup (receiver->short_name);
  copy->note = g_strdup (receiver->note);
  copy->delist = g_strdup (receiver->delist);
  copy->patterns = g_strdupv (receiver->patterns);

  return copy;
}

void
md_receiver_free (MdReceiver *receiver)
{
  if (receiver == NULL)
    return;

  g_free (receiver->id);
  g_free (receiver->family);
  g_free (receiver->provider);
  g_free (receiver->service);
  g_free (receiver->kind);
  g_free (receiver->name);
  g_free (receiver->short_name);
  g_free (receiver->note);
  g_free (receiver->delist);
  g_strfreev (receiver->patterns);
  g_free (receiver);
}

/* The parsed file: the receivers in file order, and the providers' names. */
typedef struct
{
  GPtrArray  *receivers;       /* MdReceiver* */
  GHashTable *provider_names;  /* provider id → name, untranslated */
} Catalog;

typedef struct
{
  Catalog    *catalog;
  MdReceiver *current;
  char       *provider;        /* the <provider> being read */
  GPtrArray  *patterns;
  GString    *text;
  char       *element;
} ParseState;

static void
catalog_free (Catalog *catalog)
{
  g_ptr_array_unref (catalog->receivers);
  g_hash_table_unref (catalog->provider_names);
  g_free (catalog);
}

static const char *kinds[] = { "business", "consumer", "filter", "hosting", NULL };

#define FAIL(...) G_STMT_START { \
    md_data_set_error (context, error, MD_RECEIVER_ERROR, MD_RECEIVER_ERROR_INVALID_DATA, \
                       "receivers.xml", __VA_ARGS__); \
    return; \
  } G_STMT_END

static void
start_element_cb (GMarkupParseContext  *context,
                  const char           *element_name,
                  const char          **attribute_names,
                  const char          **attribute_values,
                  gpointer              user_data,
                  GError              **error)
{
  ParseState *state = user_data;

  if (g_str_equal (element_name, "maildoctor-data"))
    return;

  if (g_str_equal (element_name, "provider"))
    {
      const char *id = NULL;

      if (state->current != NULL || state->provider != NULL)
        FAIL ("nested <provider>");
      if (!g_markup_collect_attributes (element_name, attribute_names, attribute_values, error,
                                        G_MARKUP_COLLECT_STRING, "id", &id,
                                        G_MARKUP_COLLECT_INVALID))
        return;
      if (g_hash_table_contains (state->catalog->provider_names, id))
        FAIL ("provider %s: listed twice", id);
      state->provider = g_strdup (id);
      return;
    }

  if (g_str_equal (element_name, "receiver"))
    {
      const char *id = NULL, *family = NULL, *provider = NULL, *service = NULL, *kind = NULL;

      if (state->current != NULL || state->provider != NULL)
        FAIL ("nested <receiver>");
      if (!g_markup_collect_attributes (element_name, attribute_names, attribute_values, error,
                                        G_MARKUP_COLLECT_STRING, "id", &id,
                                        G_MARKUP_COLLECT_STRING, "family", &family,
                                        G_MARKUP_COLLECT_STRING, "provider", &provider,
                                        G_MARKUP_COLLECT_STRING | G_MARKUP_COLLECT_OPTIONAL,
                                        "service", &service,
                                        G_MARKUP_COLLECT_STRING, "kind", &kind,
                                        G_MARKUP_COLLECT_INVALID))
        return;
      if (!g_strv_contains (kinds, kind))
        FAIL ("%s: unknown kind “%s”", id, kind);
      /* Providers come first, so that every receiver names one the file has. */
      if (!g_hash_table_contains (state->catalog->provider_names, provider))
        FAIL ("%s: unknown provider “%s”", id, provider);

      state->current = g_new0 (MdReceiver, 1);
      state->current->id = g_strdup (id);
      state->current->family = g_strdup (family);
      state->current->provider = g_strdup (provider);
      state->current->service = g_strdup (service);
      state->current->kind = g_strdup (kind);
      state->patterns = g_ptr_array_new_with_free_func (g_free);
      return;
    }

  if (state->provider != NULL && g_str_equal (element_name, "name"))
    {
      g_free (state->element);
      state->element = g_strdup (element_name);
      g_string_truncate (state->text, 0);
      return;
    }

  if (state->current == NULL)
    FAIL ("<%s> outside <receiver>", element_name);

  if (g_str_equal (element_name, "name") || g_str_equal (element_name, "note") ||
      g_str_equal (element_name, "delist") || g_str_equal (element_name, "mx") ||
      g_str_equal (element_name, "short-name"))
    {
      g_free (state->element);
      state->element = g_strdup (element_name);
      g_string_truncate (state->text, 0);
      return;
    }

  FAIL ("%s: unknown element <%s>", state->current->id, element_name);
}

static void
end_element_cb (GMarkupParseContext  *context,
                const char           *element_name,
                gpointer              user_data,
                GError              **error)
{
  ParseState *state = user_data;
  MdReceiver *receiver = state->current;

  if (state->provider != NULL)
    {
      if (state->element != NULL && g_str_equal (element_name, state->element))
        {
          /* Kept untranslated, translated when asked for: the name
           * follows the language of the moment, as a const string. */
          g_hash_table_insert (state->catalog->provider_names, g_strdup (state->provider),
                               md_normalize_space (state->text->str));
          g_clear_pointer (&state->element, g_free);
        }
      else if (g_str_equal (element_name, "provider"))
        {
          if (!g_hash_table_contains (state->catalog->provider_names, state->provider))
            FAIL ("provider %s: no <name>", state->provider);
          g_clear_pointer (&state->provider, g_free);
        }
      return;
    }

  if (receiver == NULL)
    return;

  if (state->element != NULL && g_str_equal (element_name, state->element))
    {
      g_autofree char *plain = md_normalize_space (state->text->str);

      if (g_str_equal (element_name, "name"))
        receiver->name = md_data_text_translate (plain);
      else if (g_str_equal (element_name, "short-name"))
        receiver->short_name = g_steal_pointer (&plain);
      else if (g_str_equal (element_name, "note"))
        receiver->note = md_data_text_translate (plain);
      else if (g_str_equal (element_name, "delist"))
        receiver->delist = g_steal_pointer (&plain);
      else if (plain[0] != '\0')
        g_ptr_array_add (state->patterns, g_ascii_strdown (plain, -1));
      else
        FAIL ("%s: empty <mx>", receiver->id);

      g_clear_pointer (&state->element, g_free);
      return;
    }

  if (g_str_equal (element_name, "receiver"))
    {
      if (receiver->name == NULL || receiver->note == NULL)
        FAIL ("%s: no <name> or <note>", receiver->id);
      if (state->patterns->len == 0)
        FAIL ("%s: no <mx>", receiver->id);

      for (guint i = 0; i < state->catalog->receivers->len; i++)
        {
          const MdReceiver *other = g_ptr_array_index (state->catalog->receivers, i);

          if (g_str_equal (other->id, receiver->id))
            FAIL ("%s: listed twice", receiver->id);
          /* The parser's provider and service name one receiver. */
          if (receiver->service != NULL && g_str_equal (other->provider, receiver->provider) &&
              g_strcmp0 (other->service, receiver->service) == 0)
            FAIL ("%s: service “%s” of %s again", receiver->id, receiver->service, other->id);
        }

      g_ptr_array_add (state->patterns, NULL);
      receiver->patterns = (GStrv) g_ptr_array_free (g_steal_pointer (&state->patterns), FALSE);
      g_ptr_array_add (state->catalog->receivers, g_steal_pointer (&state->current));
    }
}

static void
text_cb (GMarkupParseContext  *context,
         const char           *text,
         gsize                 text_len,
         gpointer              user_data,
         GError              **error)
{
  ParseState *state = user_data;

  if (state->element != NULL)
    g_string_append_len (state->text, text, text_len);
}

static gpointer
catalog_begin (void)
{
  ParseState *state = g_new0 (ParseState, 1);

  state->catalog = g_new0 (Catalog, 1);
  state->catalog->receivers = g_ptr_array_new_with_free_func ((GDestroyNotify) md_receiver_free);
  state->catalog->provider_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  state->text = g_string_new (NULL);

  return state;
}

static gpointer
catalog_end (gpointer   data,
             gboolean   parsed,
             GError   **error)
{
  ParseState *state = data;
  Catalog *catalog = g_steal_pointer (&state->catalog);

  g_clear_pointer (&state->current, md_receiver_free);
  g_clear_pointer (&state->patterns, g_ptr_array_unref);
  g_clear_pointer (&state->element, g_free);
  g_clear_pointer (&state->provider, g_free);
  g_string_free (state->text, TRUE);
  g_free (state);

  if (!parsed)
    {
      catalog_free (catalog);
      return NULL;
    }

  return catalog;
}

static const MdDataFile receivers_file = {
  "receivers.xml",
  { start_element_cb, end_element_cb, text_cb, NULL, NULL },
  G_MARKUP_TREAT_CDATA_AS_TEXT,
  catalog_begin,
  catalog_end,
  (GDestroyNotify) catalog_free,
};

/* The receivers of @data (a receivers.xml), in file order. */
GPtrArray *
md_receiver_catalog_parse (const char  *data,
                           gssize       length,
                           GError     **error)
{
  Catalog *catalog;
  GPtrArray *receivers;

  g_return_val_if_fail (data != NULL, NULL);

  catalog = md_data_file_parse (&receivers_file, data, length, error);
  if (catalog == NULL)
    return NULL;

  receivers = g_ptr_array_ref (catalog->receivers);
  catalog_free (catalog);

  return receivers;
}

/* The built-in catalog, read once: a new reference to the shared array,
 * which nobody changes. */
GPtrArray *
md_receiver_catalog_load (GError **error)
{
  Catalog *catalog = md_data_file_get (&receivers_file, error);

  return catalog != NULL ? g_ptr_array_ref (catalog->receivers) : NULL;
}

static const Catalog *
catalog_get (void)
{
  static gsize reported = 0;
  g_autoptr(GError) error = NULL;
  const Catalog *catalog = md_data_file_get (&receivers_file, &error);

  /* The file is compiled in: failing to read it is a bug in the build,
   * said once; the engine goes on without receiver names. */
  if (catalog == NULL && g_once_init_enter (&reported))
    {
      g_critical ("%s", error->message);
      g_once_init_leave (&reported, 1);
    }

  return catalog;
}

/* The receiver with the id @id, or NULL. */
const MdReceiver *
md_receiver_lookup (const char *id)
{
  const Catalog *catalog = catalog_get ();

  if (catalog == NULL || id == NULL)
    return NULL;

  for (guint i = 0; i < catalog->receivers->len; i++)
    {
      const MdReceiver *receiver = g_ptr_array_index (catalog->receivers, i);

      if (g_str_equal (receiver->id, id))
        return receiver;
    }

  return NULL;
}

/* The receiver the parser means by @provider and @service (a rejection's
 * pair, as the CLI prints it and the case store keeps it), or NULL when
 * the service is unknown or there is none. */
const MdReceiver *
md_receiver_lookup_service (const char *provider,
                            const char *service)
{
  const Catalog *catalog = catalog_get ();

  if (catalog == NULL || provider == NULL || service == NULL)
    return NULL;

  for (guint i = 0; i < catalog->receivers->len; i++)
    {
      const MdReceiver *receiver = g_ptr_array_index (catalog->receivers, i);

      if (g_str_equal (receiver->provider, provider) &&
          g_strcmp0 (receiver->service, service) == 0)
        return receiver;
    }

  return NULL;
}

/* How people write the provider @provider ("Microsoft", "WEB.DE"),
 * translated; NULL when receivers.xml does not know it. */
const char *
md_receiver_provider_name (const char *provider)
{
  const Catalog *catalog = catalog_get ();
  const char *name;

  if (catalog == NULL || provider == NULL)
    return NULL;

  name = g_hash_table_lookup (catalog->provider_names, provider);

  return name != NULL ? g_dgettext (GETTEXT_PACKAGE, name) : NULL;
}

/* The receiver that runs @host (an MX exchange), or NULL. */
const MdReceiver *
md_receiver_catalog_match (GPtrArray  *catalog,
                           const char *host)
{
  g_autofree char *lower = NULL;
  gsize len;

  g_return_val_if_fail (catalog != NULL, NULL);
  g_return_val_if_fail (host != NULL, NULL);

  lower = g_ascii_strdown (host, -1);
  len = strlen (lower);
  if (len > 0 && lower[len - 1] == '.')
    lower[len - 1] = '\0';

  for (guint i = 0; i < catalog->len; i++)
    {
      const MdReceiver *receiver = g_ptr_array_index (catalog, i);

      for (guint j = 0; receiver->patterns[j] != NULL; j++)
        if (g_pattern_match_simple (receiver->patterns[j], lower))
          return receiver;
    }

  return NULL;
}
