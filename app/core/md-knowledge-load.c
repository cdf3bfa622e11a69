/* md-knowledge-load.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-knowledge-private.h"

#include <string.h>

#include "md-data.h"
#include "md-util.h"

/* Reading resources/data/knowledge.xml into Entry and Match records: every
 * element and value checked, so that a broken file is an error with its
 * line, never an entry that matches by accident. */

/* The draft templates a channel may name (see md-knowledge.h). */
static const char * const allowed_channel_ids[] = {
  "microsoft-delist-mail",
  "microsoft-delist-portal",
  "outlook-sender-form",
  "t-online-mail",
  "spamhaus-removal",
  "gmail-form",
  "yahoo-form",
  "gmx-form",
  "apple-icloud-mail",
  "comcast-form",
  "cloudmark-reset",
  "senderscore-removal",
};

G_DEFINE_QUARK (md-knowledge-error-quark, md_knowledge_error)

static void
match_free (Match *match)
{
  g_ptr_array_unref (match->providers);
  g_ptr_array_unref (match->services);
  g_array_unref (match->statuses);
  g_array_unref (match->codes);
  g_ptr_array_unref (match->texts);
  g_free (match);
}

static Match *
match_new (void)
{
  Match *match = g_new0 (Match, 1);

  match->providers = g_ptr_array_new_with_free_func (g_free);
  match->services = g_ptr_array_new_with_free_func (g_free);
  match->statuses = g_array_new (FALSE, FALSE, sizeof (StatusPattern));
  match->codes = g_array_new (FALSE, FALSE, sizeof (CodePattern));
  match->temporary = -1;
  match->texts = g_ptr_array_new_with_free_func (g_free);

  return match;
}

static void
channel_url_free (ChannelUrl *url)
{
  g_free (url->provider);
  g_free (url->url);
  g_free (url);
}

void
md_knowledge_entry_free (Entry *entry)
{
  g_free (entry->id);
  g_ptr_array_unref (entry->sources);
  g_ptr_array_unref (entry->matches);
  g_free (entry->title);
  g_free (entry->meaning);
  g_free (entry->cause);
  g_ptr_array_unref (entry->remedy);
  g_free (entry->response_time);
  g_ptr_array_unref (entry->pitfalls);
  g_free (entry->channel_id);
  g_free (entry->channel_language);
  g_free (entry->channel_address);
  g_free (entry->channel_cc);
  g_ptr_array_unref (entry->channel_urls);
  g_ptr_array_unref (entry->address_domains);
  g_ptr_array_unref (entry->url_domains);
  g_free (entry);
}

static Entry *
entry_new (void)
{
  Entry *entry = g_new0 (Entry, 1);

  entry->sources = g_ptr_array_new_with_free_func (g_free);
  entry->matches = g_ptr_array_new_with_free_func ((GDestroyNotify) match_free);
  entry->remedy = g_ptr_array_new_with_free_func (g_free);
  entry->pitfalls = g_ptr_array_new_with_free_func (g_free);
  entry->channel_urls = g_ptr_array_new_with_free_func ((GDestroyNotify) channel_url_free);
  entry->address_domains = g_ptr_array_new_with_free_func (g_free);
  entry->url_domains = g_ptr_array_new_with_free_func (g_free);

  return entry;
}

static gboolean
parse_status_pattern (const char    *text,
                      StatusPattern *pattern)
{
  const char *dash = strchr (text, '-');

  memset (pattern, 0, sizeof *pattern);

  if (dash != NULL)
    {
      g_autofree char *low = g_strndup (text, dash - text);
      guint high[3];

      pattern->kind = STATUS_RANGE;
      pattern->n_parts = 3;
      if (!md_knowledge_parse_status (low, pattern->parts, 3) ||
          !md_knowledge_parse_status (dash + 1, high, 3))
        return FALSE;
      pattern->high_detail = high[2];
      return high[0] == pattern->parts[0] && high[1] == pattern->parts[1] &&
             pattern->parts[2] <= high[2];
    }

  if (g_str_has_suffix (text, ".*"))
    {
      g_autofree char *prefix = g_strndup (text, strlen (text) - 2);

      pattern->kind = STATUS_PREFIX;
      pattern->n_parts = strchr (prefix, '.') != NULL ? 2 : 1;
      return md_knowledge_parse_status (prefix, pattern->parts, pattern->n_parts);
    }

  pattern->kind = STATUS_EXACT;
  pattern->n_parts = 3;
  return md_knowledge_parse_status (text, pattern->parts, 3);
}

static gboolean
parse_code_pattern (const char  *text,
                    CodePattern *pattern)
{
  guint64 value;

  if (strlen (text) == 3 && g_ascii_strcasecmp (text + 1, "xx") == 0 &&
      text[0] >= '2' && text[0] <= '5')
    {
      pattern->value = text[0] - '0';
      pattern->is_class = TRUE;
      return TRUE;
    }

  if (!g_ascii_string_to_unsigned (text, 10, 200, 599, &value, NULL))
    return FALSE;
  pattern->value = (guint) value;
  pattern->is_class = FALSE;
  return TRUE;
}

/* Loading */

typedef struct
{
  MdKnowledge *self;
  Entry       *entry;
  Match       *match;
  gboolean     in_channel;
  GString     *text;
  char        *url_provider;
} ParseState;

static gboolean
set_invalid (GMarkupParseContext  *context,
             GError              **error,
             const char           *format,
             ...) G_GNUC_PRINTF (3, 4);

static gboolean
set_invalid (GMarkupParseContext  *context,
             GError              **error,
             const char           *format,
             ...)
{
  va_list args;

  va_start (args, format);
  md_data_set_verror (context, error, MD_KNOWLEDGE_ERROR, MD_KNOWLEDGE_ERROR_INVALID,
                      "knowledge.xml", format, args);
  va_end (args);

  return FALSE;
}

static gboolean
is_translatable_element (const char *name)
{
  return g_str_equal (name, "title") || g_str_equal (name, "meaning") ||
         g_str_equal (name, "cause") || g_str_equal (name, "remedy") ||
         g_str_equal (name, "response-time") || g_str_equal (name, "pitfall");
}

static gboolean
is_plain_element (const char *name,
                  const char *parent)
{
  if (g_str_equal (parent, "entry"))
    return g_str_equal (name, "source");
  if (g_str_equal (parent, "match"))
    return g_str_equal (name, "provider") || g_str_equal (name, "service") ||
           g_str_equal (name, "status") || g_str_equal (name, "code") ||
           g_str_equal (name, "temporary") || g_str_equal (name, "text");
  if (g_str_equal (parent, "channel"))
    return g_str_equal (name, "address") || g_str_equal (name, "cc") ||
           g_str_equal (name, "address-domain") ||
           g_str_equal (name, "url-domain");
  return FALSE;
}

static void
start_element_cb (GMarkupParseContext  *context,
                  const char           *element_name,
                  const char          **attribute_names,
                  const char          **attribute_values,
                  gpointer              user_data,
                  GError              **error)
{
  ParseState *state = user_data;
  const GSList *stack = g_markup_parse_context_get_element_stack (context);
  const char *parent = stack->next != NULL ? stack->next->data : NULL;

  g_string_truncate (state->text, 0);

  if (parent == NULL)
    {
      if (!g_str_equal (element_name, "maildoctor-data"))
        {
          set_invalid (context, error, _("the root element must be <maildoctor-data>, not <%s>"),
                       element_name);
          return;
        }
      return;
    }

  if (g_str_equal (parent, "maildoctor-data") && g_str_equal (element_name, "entry"))
    {
      const char *id = NULL;
      const char *priority = NULL;
      gint64 value;

      if (!g_markup_collect_attributes (element_name, attribute_names, attribute_values, error,
                                        G_MARKUP_COLLECT_STRING, "id", &id,
                                        G_MARKUP_COLLECT_STRING, "priority", &priority,
                                        G_MARKUP_COLLECT_INVALID))
        return;
      if (*id == '\0' || g_hash_table_contains (state->self->by_id, id))
        {
          set_invalid (context, error, _("missing or duplicate entry id “%s”"), id);
          return;
        }
      if (!g_ascii_string_to_signed (priority, 10, 0, 1000, &value, NULL))
        {
          set_invalid (context, error, _("invalid value “%s” for <%s>"), priority, "priority");
          return;
        }
      state->entry = entry_new ();
      state->entry->id = g_strdup (id);
      state->entry->priority = (int) value;
      g_markup_parse_context_get_position (context, &state->entry->line, NULL);
      return;
    }

  if (state->entry != NULL && g_str_equal (parent, "entry") && g_str_equal (element_name, "match"))
    {
      if (!g_markup_collect_attributes (element_name, attribute_names, attribute_values, error,
                                        G_MARKUP_COLLECT_INVALID, NULL))
        return;
      state->match = match_new ();
      return;
    }

  if (state->entry != NULL && g_str_equal (parent, "entry") &&
      g_str_equal (element_name, "channel"))
    {
      const char *kind = NULL;
      const char *id = NULL;
      const char *language = NULL;

      if (!g_markup_collect_attributes (element_name, attribute_names, attribute_values, error,
                                        G_MARKUP_COLLECT_STRING, "kind", &kind,
                                        G_MARKUP_COLLECT_STRING | G_MARKUP_COLLECT_OPTIONAL,
                                        "id", &id,
                                        G_MARKUP_COLLECT_STRING | G_MARKUP_COLLECT_OPTIONAL,
                                        "language", &language,
                                        G_MARKUP_COLLECT_INVALID))
        return;
      if (state->entry->has_channel)
        {
          set_invalid (context, error, _("entry “%s” has more than one <%s>"),
                       state->entry->id, element_name);
          return;
        }
      if (!md_channel_kind_from_string (kind, &state->entry->channel_kind))
        {
          set_invalid (context, error, _("invalid value “%s” for <%s>"), kind, "kind");
          return;
        }
      if (id != NULL)
        {
          gboolean found = FALSE;

          for (guint i = 0; i < G_N_ELEMENTS (allowed_channel_ids); i++)
            found |= g_str_equal (allowed_channel_ids[i], id);
          if (!found)
            {
              set_invalid (context, error, _("invalid value “%s” for <%s>"), id, "channel id");
              return;
            }
        }
      state->entry->has_channel = TRUE;
      state->entry->channel_id = g_strdup (id);
      state->entry->channel_language = g_strdup (language);
      state->in_channel = TRUE;
      return;
    }

  if (state->entry != NULL && is_translatable_element (element_name) &&
      g_str_equal (parent, "entry"))
    {
      const char *translatable = NULL;
      const char *comments = NULL;
      const char *hours = NULL;
      guint64 value;

      if (!g_markup_collect_attributes (element_name, attribute_names, attribute_values, error,
                                        G_MARKUP_COLLECT_STRING | G_MARKUP_COLLECT_OPTIONAL,
                                        "translatable", &translatable,
                                        G_MARKUP_COLLECT_STRING | G_MARKUP_COLLECT_OPTIONAL,
                                        "comments", &comments,
                                        G_MARKUP_COLLECT_STRING | G_MARKUP_COLLECT_OPTIONAL,
                                        "hours", &hours,
                                        G_MARKUP_COLLECT_INVALID))
        return;
      /* hours: the time the receiver itself promises, for the watch's reminder. */
      if (hours != NULL)
        {
          if (!g_str_equal (element_name, "response-time") ||
              !g_ascii_string_to_unsigned (hours, 10, 1, 24 * 30, &value, NULL))
            {
              set_invalid (context, error, _("invalid value “%s” for <%s>"), hours, "hours");
              return;
            }
          state->entry->response_hours = (guint) value;
        }
      /* Without translatable="yes" xgettext would not extract the text and it
       * would stay English in every language. */
      if (g_strcmp0 (translatable, "yes") != 0)
        set_invalid (context, error, _("<%s> must carry translatable=\"yes\""), element_name);
      return;
    }

  if (state->in_channel && g_str_equal (parent, "channel") && g_str_equal (element_name, "url"))
    {
      const char *provider = NULL;

      if (!g_markup_collect_attributes (element_name, attribute_names, attribute_values, error,
                                        G_MARKUP_COLLECT_STRING | G_MARKUP_COLLECT_OPTIONAL,
                                        "provider", &provider,
                                        G_MARKUP_COLLECT_INVALID))
        return;
      g_clear_pointer (&state->url_provider, g_free);
      state->url_provider = g_strdup (provider);
      return;
    }

  if (is_plain_element (element_name, parent) &&
      ((g_str_equal (parent, "entry") && state->entry != NULL) ||
       (g_str_equal (parent, "match") && state->match != NULL) ||
       (g_str_equal (parent, "channel") && state->in_channel)))
    {
      g_markup_collect_attributes (element_name, attribute_names, attribute_values, error,
                                   G_MARKUP_COLLECT_INVALID, NULL);
      return;
    }

  set_invalid (context, error, _("unexpected element <%s> inside <%s>"), element_name, parent);
}

static gboolean
require (GMarkupParseContext  *context,
         const Entry          *entry,
         gboolean              present,
         const char           *element,
         GError              **error)
{
  if (present)
    return TRUE;
  return set_invalid (context, error, _("entry “%s” has no <%s>"), entry->id, element);
}

static void
end_entry (GMarkupParseContext  *context,
           ParseState           *state,
           GError              **error)
{
  Entry *entry = state->entry;

  if (!require (context, entry, entry->sources->len > 0, "source", error) ||
      !require (context, entry, entry->matches->len > 0, "match", error) ||
      !require (context, entry, entry->title != NULL, "title", error) ||
      !require (context, entry, entry->meaning != NULL, "meaning", error) ||
      !require (context, entry, entry->cause != NULL, "cause", error) ||
      !require (context, entry, entry->remedy->len > 0, "remedy", error) ||
      !require (context, entry, entry->has_channel, "channel", error))
    return;

  g_hash_table_insert (state->self->by_id, entry->id, entry);
  g_ptr_array_add (state->self->entries, g_steal_pointer (&state->entry));
}

static gboolean
set_single (GMarkupParseContext  *context,
            char                **field,
            const char           *element,
            const char           *text,
            GError              **error)
{
  if (*field != NULL)
    return set_invalid (context, error, _("more than one <%s>"), element);
  *field = g_strdup (text);
  return TRUE;
}

static void
end_element_cb (GMarkupParseContext  *context,
                const char           *element_name,
                gpointer              user_data,
                GError              **error)
{
  ParseState *state = user_data;
  g_autofree char *text = md_normalize_space (state->text->str);
  Entry *entry = state->entry;
  Match *match = state->match;

  g_string_truncate (state->text, 0);

  if (g_str_equal (element_name, "entry") && entry != NULL)
    {
      end_entry (context, state, error);
      return;
    }
  if (g_str_equal (element_name, "match") && match != NULL)
    {
      g_ptr_array_add (entry->matches, g_steal_pointer (&state->match));
      return;
    }
  if (g_str_equal (element_name, "channel") && state->in_channel)
    {
      state->in_channel = FALSE;
      return;
    }
  if (g_str_equal (element_name, "maildoctor-data") || entry == NULL)
    return;

  /* Every remaining element is a leaf with text. */
  if (*text == '\0')
    {
      set_invalid (context, error, _("<%s> is empty"), element_name);
      return;
    }

  if (match != NULL)
    {
      if (g_str_equal (element_name, "provider"))
        g_ptr_array_add (match->providers, g_ascii_strdown (text, -1));
      else if (g_str_equal (element_name, "service"))
        g_ptr_array_add (match->services, g_ascii_strdown (text, -1));
      else if (g_str_equal (element_name, "text"))
        g_ptr_array_add (match->texts, md_knowledge_fold_text (text));
      else if (g_str_equal (element_name, "status"))
        {
          StatusPattern pattern;

          if (!parse_status_pattern (text, &pattern))
            set_invalid (context, error, _("invalid value “%s” for <%s>"), text, element_name);
          else
            g_array_append_val (match->statuses, pattern);
        }
      else if (g_str_equal (element_name, "code"))
        {
          CodePattern pattern;

          if (!parse_code_pattern (text, &pattern))
            set_invalid (context, error, _("invalid value “%s” for <%s>"), text, element_name);
          else
            g_array_append_val (match->codes, pattern);
        }
      else if (g_str_equal (element_name, "temporary"))
        {
          if (g_str_equal (text, "yes"))
            match->temporary = TRUE;
          else if (g_str_equal (text, "no"))
            match->temporary = FALSE;
          else
            set_invalid (context, error, _("invalid value “%s” for <%s>"), text, element_name);
        }
      return;
    }

  if (state->in_channel)
    {
      if (g_str_equal (element_name, "address"))
        set_single (context, &entry->channel_address, element_name, text, error);
      else if (g_str_equal (element_name, "cc"))
        set_single (context, &entry->channel_cc, element_name, text, error);
      else if (g_str_equal (element_name, "address-domain"))
        g_ptr_array_add (entry->address_domains, g_ascii_strdown (text, -1));
      else if (g_str_equal (element_name, "url-domain"))
        g_ptr_array_add (entry->url_domains, g_ascii_strdown (text, -1));
      else if (g_str_equal (element_name, "url"))
        {
          ChannelUrl *url = g_new0 (ChannelUrl, 1);

          url->provider = g_steal_pointer (&state->url_provider);
          url->url = g_strdup (text);
          g_ptr_array_add (entry->channel_urls, url);
        }
      return;
    }

  if (g_str_equal (element_name, "source"))
    g_ptr_array_add (entry->sources, g_strdup (text));
  else if (g_str_equal (element_name, "remedy"))
    g_ptr_array_add (entry->remedy, g_strdup (text));
  else if (g_str_equal (element_name, "pitfall"))
    g_ptr_array_add (entry->pitfalls, g_strdup (text));
  else if (g_str_equal (element_name, "title"))
    set_single (context, &entry->title, element_name, text, error);
  else if (g_str_equal (element_name, "meaning"))
    set_single (context, &entry->meaning, element_name, text, error);
  else if (g_str_equal (element_name, "cause"))
    set_single (context, &entry->cause, element_name, text, error);
  else if (g_str_equal (element_name, "response-time"))
    set_single (context, &entry->response_time, element_name, text, error);
}

static void
text_cb (GMarkupParseContext  *context,
         const char           *text,
         gsize                 text_len,
         gpointer              user_data,
         GError              **error)
{
  ParseState *state = user_data;

  g_string_append_len (state->text, text, text_len);
}

static gpointer
knowledge_begin (void)
{
  ParseState *state = g_new0 (ParseState, 1);

  state->self = g_object_new (MD_TYPE_KNOWLEDGE, NULL);
  state->text = g_string_new (NULL);

  return state;
}

static gpointer
knowledge_end (gpointer   data,
               gboolean   parsed,
               GError   **error)
{
  ParseState *state = data;
  g_autoptr(MdKnowledge) self = g_steal_pointer (&state->self);

  g_clear_pointer (&state->entry, md_knowledge_entry_free);
  g_clear_pointer (&state->match, match_free);
  g_clear_pointer (&state->url_provider, g_free);
  g_string_free (state->text, TRUE);
  g_free (state);

  return parsed ? g_steal_pointer (&self) : NULL;
}

static const MdDataFile knowledge_file = {
  "knowledge.xml",
  { start_element_cb, end_element_cb, text_cb, NULL, NULL },
  0,
  knowledge_begin,
  knowledge_end,
  g_object_unref,
};

MdKnowledge *
md_knowledge_new_from_bytes (GBytes  *xml,
                             GError **error)
{
  MdKnowledge *self;
  const char *data;
  gsize size;

  g_return_val_if_fail (xml != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (xml, &size);
  self = md_data_file_parse (&knowledge_file, data != NULL ? data : "", size, error);
  if (self == NULL && error != NULL)
    g_prefix_error (error, "%s", _("Invalid knowledge base: "));

  return self;
}

/* Shared, loaded once from the GResource. A broken built-in file is a bug
 * in the build, reported loudly; the program goes on with an empty base so
 * that every explanation still says "unrecognised" rather than crashing. */
MdKnowledge *
md_knowledge_get_default (void)
{
  static MdKnowledge *empty = NULL;
  g_autoptr(GError) error = NULL;
  MdKnowledge *knowledge = md_data_file_get (&knowledge_file, &error);

  if (knowledge != NULL)
    return knowledge;

  if (g_once_init_enter (&empty))
    {
      g_critical ("Cannot load the built-in knowledge base: %s", error->message);
      g_once_init_leave (&empty, g_object_new (MD_TYPE_KNOWLEDGE, NULL));
    }

  return empty;
}
