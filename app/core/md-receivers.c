/* md-receivers.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

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
  copy->kind = g_strdup (receiver->kind);
  copy->name = g_strdup (receiver->name);
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
  g_free (receiver->kind);
  g_free (receiver->name);
  g_free (receiver->note);
  g_free (receiver->delist);
  g_strfreev (receiver->patterns);
  g_free (receiver);
}

typedef struct
{
  GPtrArray  *receivers;
  MdReceiver *current;
  GPtrArray  *patterns;
  GString    *text;
  char       *element;
} ParseState;

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

  if (g_str_equal (element_name, "receiver"))
    {
      const char *id = NULL, *family = NULL, *kind = NULL;

      if (state->current != NULL)
        FAIL ("nested <receiver>");
      if (!g_markup_collect_attributes (element_name, attribute_names, attribute_values, error,
                                        G_MARKUP_COLLECT_STRING, "id", &id,
                                        G_MARKUP_COLLECT_STRING, "family", &family,
                                        G_MARKUP_COLLECT_STRING, "kind", &kind,
                                        G_MARKUP_COLLECT_INVALID))
        return;
      if (!g_strv_contains (kinds, kind))
        FAIL ("%s: unknown kind “%s”", id, kind);

      state->current = g_new0 (MdReceiver, 1);
      state->current->id = g_strdup (id);
      state->current->family = g_strdup (family);
      state->current->kind = g_strdup (kind);
      state->patterns = g_ptr_array_new_with_free_func (g_free);
      return;
    }

  if (state->current == NULL)
    FAIL ("<%s> outside <receiver>", element_name);

  if (g_str_equal (element_name, "name") || g_str_equal (element_name, "note") ||
      g_str_equal (element_name, "delist") || g_str_equal (element_name, "mx"))
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

  if (receiver == NULL)
    return;

  if (state->element != NULL && g_str_equal (element_name, state->element))
    {
      g_autofree char *plain = md_normalize_space (state->text->str);

      if (g_str_equal (element_name, "name"))
        receiver->name = md_data_text_translate (plain);
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

      for (guint i = 0; i < state->receivers->len; i++)
        if (g_str_equal (((MdReceiver *) g_ptr_array_index (state->receivers, i))->id,
                         receiver->id))
          FAIL ("%s: listed twice", receiver->id);

      g_ptr_array_add (state->patterns, NULL);
      receiver->patterns = (GStrv) g_ptr_array_free (g_steal_pointer (&state->patterns), FALSE);
      g_ptr_array_add (state->receivers, g_steal_pointer (&state->current));
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

GPtrArray *
md_receiver_catalog_parse (const char  *data,
                           gssize       length,
                           GError     **error)
{
  static const GMarkupParser parser = { start_element_cb, end_element_cb, text_cb, NULL, NULL };
  ParseState state = { 0 };
  gboolean ok;

  g_return_val_if_fail (data != NULL, NULL);

  state.receivers = g_ptr_array_new_with_free_func ((GDestroyNotify) md_receiver_free);
  state.text = g_string_new (NULL);

  ok = md_data_parse_markup (&parser, G_MARKUP_TREAT_CDATA_AS_TEXT, &state, data, length, error);

  g_clear_pointer (&state.current, md_receiver_free);
  g_clear_pointer (&state.patterns, g_ptr_array_unref);
  g_clear_pointer (&state.element, g_free);
  g_string_free (state.text, TRUE);

  if (!ok)
    {
      g_ptr_array_unref (state.receivers);
      return NULL;
    }

  return state.receivers;
}

GPtrArray *
md_receiver_catalog_load (GError **error)
{
  g_autoptr(GBytes) bytes = md_load_data_resource ("receivers.xml", error);
  gsize size;
  const char *data;

  if (bytes == NULL)
    return NULL;

  data = g_bytes_get_data (bytes, &size);

  return md_receiver_catalog_parse (data, size, error);
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
