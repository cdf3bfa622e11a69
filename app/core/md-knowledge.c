/* md-knowledge.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-knowledge.h"
#include "md-link.h"

#include <string.h>

#include "md-util.h"

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

typedef enum
{
  STATUS_EXACT,
  STATUS_RANGE,
  STATUS_PREFIX,
} StatusPatternKind;

typedef struct
{
  StatusPatternKind kind;
  guint             parts[3];    /* class.subject.detail; PREFIX uses the first n_parts */
  guint             n_parts;
  guint             high_detail; /* RANGE: parts[2] .. high_detail */
} StatusPattern;

typedef struct
{
  guint    value;
  gboolean is_class;             /* "5xx": value is the first digit */
} CodePattern;

typedef struct
{
  GPtrArray *providers;
  GPtrArray *services;
  GArray    *statuses;           /* of StatusPattern */
  GArray    *codes;              /* of CodePattern */
  int        temporary;          /* -1: either */
  GPtrArray *texts;              /* case-folded, white space collapsed */
} Match;

typedef struct
{
  char *provider;                /* NULL: any provider */
  char *url;
} ChannelUrl;

typedef struct
{
  char          *id;
  int            priority;
  int            line;
  GPtrArray     *sources;
  GPtrArray     *matches;
  /* msgids, white space already collapsed the way xgettext does */
  char          *title;
  char          *meaning;
  char          *cause;
  GPtrArray     *remedy;
  char          *response_time;
  guint          response_hours;
  GPtrArray     *pitfalls;
  gboolean       has_channel;
  MdChannelKind  channel_kind;
  char          *channel_id;
  char          *channel_language;
  char          *channel_address;
  char          *channel_cc;
  GPtrArray     *channel_urls;   /* of ChannelUrl* */
  GPtrArray     *address_domains;
  GPtrArray     *url_domains;
} Entry;

struct _MdKnowledge
{
  GObject     parent_instance;

  /* Owned */
  GPtrArray  *entries;           /* of Entry*, in file order */
  GHashTable *by_id;             /* id → Entry* (borrowed) */
};

G_DEFINE_FINAL_TYPE (MdKnowledge, md_knowledge, G_TYPE_OBJECT)
G_DEFINE_BOXED_TYPE (MdExplanation, md_explanation, md_explanation_copy, md_explanation_free)
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

static void
entry_free (Entry *entry)
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

/* "5.7.511" → { 5, 7, 511 }. RFC 3463: class 2, 4 or 5; subject and detail
 * up to three digits. */
static gboolean
parse_status (const char *text,
              guint      *parts,
              guint       n_parts)
{
  g_auto(GStrv) fields = NULL;

  if (text == NULL)
    return FALSE;

  fields = g_strsplit (text, ".", -1);
  if (g_strv_length (fields) != n_parts)
    return FALSE;

  for (guint i = 0; i < n_parts; i++)
    {
      guint64 value;

      if (!g_ascii_string_to_unsigned (fields[i], 10, 0, 999, &value, NULL))
        return FALSE;
      parts[i] = (guint) value;
    }

  return parts[0] == 2 || parts[0] == 4 || parts[0] == 5;
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
      if (!parse_status (low, pattern->parts, 3) || !parse_status (dash + 1, high, 3))
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
      return parse_status (prefix, pattern->parts, pattern->n_parts);
    }

  pattern->kind = STATUS_EXACT;
  pattern->n_parts = 3;
  return parse_status (text, pattern->parts, 3);
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

/* Case-folded with white space collapsed, so that markers match across the
 * line breaks and capitalisation that relays and NDR generators introduce. */
static char *
fold_text (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  g_autofree char *normalized = md_normalize_space (valid);

  return g_utf8_casefold (normalized, -1);
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
  g_autofree char *message = NULL;
  va_list args;
  int line;

  va_start (args, format);
  message = md_data_vprintf_at (context, &line, format, args);
  va_end (args);

  /* Translators: the knowledge base is MailDoctor's data file of rejection
   * codes; %d is a line number in it, %s the problem found there. */
  g_set_error (error, MD_KNOWLEDGE_ERROR, MD_KNOWLEDGE_ERROR_INVALID,
               _("Invalid knowledge base, line %d: %s"), line, message);
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

  if (state->entry != NULL && g_str_equal (parent, "entry") && g_str_equal (element_name, "channel"))
    {
      const char *kind = NULL;
      const char *id = NULL;
      const char *language = NULL;

      if (!g_markup_collect_attributes (element_name, attribute_names, attribute_values, error,
                                        G_MARKUP_COLLECT_STRING, "kind", &kind,
                                        G_MARKUP_COLLECT_STRING | G_MARKUP_COLLECT_OPTIONAL, "id", &id,
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
        g_ptr_array_add (match->texts, fold_text (text));
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

static const GMarkupParser parser = {
  start_element_cb,
  end_element_cb,
  text_cb,
  NULL,
  NULL,
};

/* Matching */

typedef struct
{
  const MdRejection *rejection;
  gboolean           has_status;
  guint              status[3];
  char              *haystack;   /* folded text, references and contacts */
} Facts;

static gboolean
contains_marker (const char *haystack,
                 const char *marker)
{
  gsize marker_len = strlen (marker);
  gboolean check_start = g_ascii_isalnum (marker[0]);
  gboolean check_end = marker_len > 0 && g_ascii_isalnum (marker[marker_len - 1]);

  /* Whole words only: "S3150" must not match inside "AS31500", nor
   * "Blocklist 1" inside "Blocklist 10". */
  for (const char *p = strstr (haystack, marker); p != NULL; p = strstr (p + 1, marker))
    {
      if (check_start && p > haystack && g_ascii_isalnum (p[-1]))
        continue;
      if (check_end && g_ascii_isalnum (p[marker_len]))
        continue;
      return TRUE;
    }

  return FALSE;
}

static gboolean
status_matches (const StatusPattern *pattern,
                const guint         *status)
{
  switch (pattern->kind)
    {
    case STATUS_EXACT:
      return memcmp (pattern->parts, status, sizeof pattern->parts) == 0;
    case STATUS_RANGE:
      return pattern->parts[0] == status[0] && pattern->parts[1] == status[1] &&
             status[2] >= pattern->parts[2] && status[2] <= pattern->high_detail;
    case STATUS_PREFIX:
      for (guint i = 0; i < pattern->n_parts; i++)
        if (pattern->parts[i] != status[i])
          return FALSE;
      return TRUE;
    default:
      g_assert_not_reached ();
    }
}

static gboolean
string_in (GPtrArray  *values,
           const char *value)
{
  if (value == NULL)
    return FALSE;
  for (guint i = 0; i < values->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (values, i), value) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
match_holds (const Match *match,
             const Facts *facts)
{
  const MdRejection *rejection = facts->rejection;

  if (match->providers->len > 0 && !string_in (match->providers, rejection->provider))
    return FALSE;
  if (match->services->len > 0 && !string_in (match->services, rejection->service))
    return FALSE;

  if (match->statuses->len > 0)
    {
      gboolean found = FALSE;

      for (guint i = 0; facts->has_status && !found && i < match->statuses->len; i++)
        found = status_matches (&g_array_index (match->statuses, StatusPattern, i), facts->status);
      if (!found)
        return FALSE;
    }

  if (match->codes->len > 0)
    {
      gboolean found = FALSE;

      for (guint i = 0; rejection->smtp_code != 0 && !found && i < match->codes->len; i++)
        {
          const CodePattern *code = &g_array_index (match->codes, CodePattern, i);

          found = code->is_class ? rejection->smtp_code / 100 == code->value
                                 : rejection->smtp_code == code->value;
        }
      if (!found)
        return FALSE;
    }

  if (match->temporary != -1 && (gboolean) match->temporary != !!rejection->temporary)
    return FALSE;

  for (guint i = 0; i < match->texts->len; i++)
    if (!contains_marker (facts->haystack, g_ptr_array_index (match->texts, i)))
      return FALSE;

  return TRUE;
}

static gboolean
entry_matches (const Entry *entry,
               const Facts *facts)
{
  for (guint i = 0; i < entry->matches->len; i++)
    if (match_holds (g_ptr_array_index (entry->matches, i), facts))
      return TRUE;
  return FALSE;
}

static void
facts_init (Facts             *facts,
            const MdRejection *rejection)
{
  GString *haystack = g_string_new (NULL);

  facts->rejection = rejection;
  facts->has_status = parse_status (rejection->enhanced_status, facts->status, 3);

  if (rejection->text != NULL)
    g_string_append (haystack, rejection->text);
  for (guint i = 0; rejection->references != NULL && rejection->references[i] != NULL; i++)
    g_string_append_printf (haystack, "\n%s", rejection->references[i]);
  for (guint i = 0; rejection->contacts != NULL && i < rejection->contacts->len; i++)
    {
      const MdContact *contact = g_ptr_array_index (rejection->contacts, i);

      g_string_append_printf (haystack, "\n%s", contact->value);
    }

  facts->haystack = fold_text (haystack->str);
  g_string_free (haystack, TRUE);
}

/* A link or address from the rejection text, checked by md-link (https
 * only, no userinfo, no port but 443, the host on the channel's allow-list
 * after IDNA normalisation; a plain dot-atom address in the channel's
 * domains). Returns what the check gave back — the link shown is the link
 * that opens — or NULL. */
static char *
contact_for_channel (const MdRejection *rejection,
                     MdContactKind      kind,
                     GPtrArray         *domains)
{
  g_autoptr(GPtrArray) allowed = NULL;

  if (domains->len == 0 || rejection->contacts == NULL)
    return NULL;

  allowed = g_ptr_array_new ();
  for (guint i = 0; i < domains->len; i++)
    g_ptr_array_add (allowed, g_ptr_array_index (domains, i));
  g_ptr_array_add (allowed, NULL);

  for (guint i = 0; i < rejection->contacts->len; i++)
    {
      const MdContact *contact = g_ptr_array_index (rejection->contacts, i);
      g_autoptr(GError) error = NULL;
      char *checked;

      /* The rejected recipient is often quoted in the text (and may sit in
       * the receiver's own domain): it is never the place to write to. */
      if (contact->kind != kind ||
          (rejection->recipient != NULL &&
           g_ascii_strcasecmp (contact->value, rejection->recipient) == 0))
        continue;

      if (kind == MD_CONTACT_EMAIL)
        checked = md_link_check_address (contact->value,
                                         (const char * const *) allowed->pdata, &error);
      else
        {
          g_autofree char *url = NULL;

          /* Receivers still print "http://" or no scheme at all for their
           * own pages; on an allow-listed host the https page is the same. */
          if (g_ascii_strncasecmp (contact->value, "http://", 7) == 0)
            url = g_strconcat ("https://", contact->value + 7, NULL);
          else if (strstr (contact->value, "://") == NULL)
            url = g_strconcat ("https://", contact->value, NULL);
          else
            url = g_strdup (contact->value);
          checked = md_link_check_url (url, (const char * const *) allowed->pdata, &error);
        }

      if (checked != NULL)
        return checked;
      g_debug ("Not taken from the rejection: %s (%s)", contact->value, error->message);
    }

  return NULL;
}

static const char *
entry_url (const Entry *entry,
           const char  *provider)
{
  const ChannelUrl *fallback = NULL;

  for (guint i = 0; i < entry->channel_urls->len; i++)
    {
      const ChannelUrl *url = g_ptr_array_index (entry->channel_urls, i);

      if (url->provider == NULL && fallback == NULL)
        fallback = url;
      else if (url->provider != NULL && provider != NULL &&
               g_ascii_strcasecmp (url->provider, provider) == 0)
        return url->url;
    }

  if (fallback != NULL)
    return fallback->url;
  /* Provider unknown: any of the provider-specific pages beats none. */
  if (provider == NULL && entry->channel_urls->len > 0)
    return ((const ChannelUrl *) g_ptr_array_index (entry->channel_urls, 0))->url;

  return NULL;
}

static const char *
translate (const char *msgid)
{
  return msgid != NULL ? g_dgettext (GETTEXT_PACKAGE, msgid) : NULL;
}

static GStrv
translate_all (GPtrArray *msgids)
{
  GStrv strv = g_new0 (char *, msgids->len + 1);

  for (guint i = 0; i < msgids->len; i++)
    strv[i] = g_strdup (translate (g_ptr_array_index (msgids, i)));

  return strv;
}

static char *
join_sources (GPtrArray *sources)
{
  GString *joined = g_string_new (NULL);

  for (guint i = 0; i < sources->len; i++)
    {
      if (i > 0)
        g_string_append (joined, "; ");
      g_string_append (joined, g_ptr_array_index (sources, i));
    }

  return g_string_free (joined, FALSE);
}

/* A copy to the documented address only when the request goes to another
 * one (the address the rejection names): the same address twice is one
 * recipient. */
static void
set_channel_cc (MdExplanation *explanation,
                const char    *cc)
{
  g_free (explanation->channel_cc);
  explanation->channel_cc = NULL;
  if (cc != NULL && (explanation->channel_address == NULL ||
                     g_ascii_strcasecmp (cc, explanation->channel_address) != 0))
    explanation->channel_cc = g_strdup (cc);
}

/* Translated at call time, not at load time, so that a change of LANGUAGE
 * while the program runs shows in the next explanation. */
static MdExplanation *
entry_explain (const Entry *entry,
               const char  *provider)
{
  MdExplanation *explanation = g_new0 (MdExplanation, 1);
  gboolean speaks = entry->channel_kind != MD_CHANNEL_NONE &&
                    entry->channel_kind != MD_CHANNEL_RECIPIENT;

  explanation->id = g_strdup (entry->id);
  explanation->title = g_strdup (translate (entry->title));
  explanation->meaning = g_strdup (translate (entry->meaning));
  explanation->cause = g_strdup (translate (entry->cause));
  explanation->remedy = translate_all (entry->remedy);
  explanation->channel_kind = entry->channel_kind;
  explanation->channel_id = g_strdup (entry->channel_id);
  explanation->channel_address = g_strdup (entry->channel_address);
  set_channel_cc (explanation, entry->channel_cc);
  explanation->channel_url = g_strdup (entry_url (entry, provider));
  explanation->channel_language = speaks ? g_strdup (entry->channel_language) : NULL;
  explanation->response_time = g_strdup (translate (entry->response_time));
  explanation->response_hours = entry->response_hours;
  explanation->pitfalls = translate_all (entry->pitfalls);
  explanation->source = join_sources (entry->sources);

  return explanation;
}

static MdExplanation *
fallback_explain (void)
{
  MdExplanation *explanation = g_new0 (MdExplanation, 1);
  const char *remedy[] = {
    _("Read the full rejection text; the receiver usually names the reason."),
    NULL,
  };

  explanation->id = g_strdup ("generic-unknown");
  explanation->title = g_strdup (_("Unrecognised rejection"));
  explanation->meaning = g_strdup (_("MailDoctor could not find a reply code or a known marker in this text."));
  explanation->cause = g_strdup (_("The text does not use a code MailDoctor knows; it may state the reason in words."));
  explanation->remedy = g_strdupv ((char **) remedy);
  explanation->channel_kind = MD_CHANNEL_NONE;
  explanation->pitfalls = g_new0 (char *, 1);
  explanation->source = g_strdup ("MailDoctor");

  return explanation;
}

/* GObject */

static void
md_knowledge_finalize (GObject *object)
{
  MdKnowledge *self = (MdKnowledge *) object;

  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->entries, g_ptr_array_unref);

  G_OBJECT_CLASS (md_knowledge_parent_class)->finalize (object);
}

static void
md_knowledge_class_init (MdKnowledgeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = md_knowledge_finalize;
}

static void
md_knowledge_init (MdKnowledge *self)
{
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
}

/* Public API */

MdExplanation *
md_explanation_copy (const MdExplanation *explanation)
{
  MdExplanation *copy;

  g_return_val_if_fail (explanation != NULL, NULL);

  copy = g_new0 (MdExplanation, 1);
  copy->id = g_strdup (explanation->id);
  copy->title = g_strdup (explanation->title);
  copy->meaning = g_strdup (explanation->meaning);
  copy->cause = g_strdup (explanation->cause);
  copy->remedy = g_strdupv (explanation->remedy);
  copy->channel_kind = explanation->channel_kind;
  copy->channel_id = g_strdup (explanation->channel_id);
  copy->channel_address = g_strdup (explanation->channel_address);
  copy->channel_cc = g_strdup (explanation->channel_cc);
  copy->channel_url = g_strdup (explanation->channel_url);
  copy->channel_language = g_strdup (explanation->channel_language);
  copy->response_time = g_strdup (explanation->response_time);
  copy->response_hours = explanation->response_hours;
  copy->pitfalls = g_strdupv (explanation->pitfalls);
  copy->source = g_strdup (explanation->source);

  return copy;
}

void
md_explanation_free (MdExplanation *explanation)
{
  if (explanation == NULL)
    return;

  g_free (explanation->id);
  g_free (explanation->title);
  g_free (explanation->meaning);
  g_free (explanation->cause);
  g_strfreev (explanation->remedy);
  g_free (explanation->channel_id);
  g_free (explanation->channel_address);
  g_free (explanation->channel_cc);
  g_free (explanation->channel_url);
  g_free (explanation->channel_language);
  g_free (explanation->response_time);
  g_strfreev (explanation->pitfalls);
  g_free (explanation->source);
  g_free (explanation);
}

/* Stable identifiers, used in JSON output and in knowledge.xml. */
const char *
md_channel_kind_to_string (MdChannelKind kind)
{
  switch (kind)
    {
    case MD_CHANNEL_EMAIL:     return "email";
    case MD_CHANNEL_PORTAL:    return "portal";
    case MD_CHANNEL_FORM:      return "form";
    case MD_CHANNEL_RECIPIENT: return "recipient";
    case MD_CHANNEL_NONE:
    default:                   return "none";
    }
}

gboolean
md_channel_kind_from_string (const char    *string,
                             MdChannelKind *kind)
{
  static const MdChannelKind kinds[] = {
    MD_CHANNEL_NONE, MD_CHANNEL_EMAIL, MD_CHANNEL_PORTAL, MD_CHANNEL_FORM, MD_CHANNEL_RECIPIENT,
  };

  g_return_val_if_fail (kind != NULL, FALSE);

  for (guint i = 0; string != NULL && i < G_N_ELEMENTS (kinds); i++)
    {
      if (g_str_equal (string, md_channel_kind_to_string (kinds[i])))
        {
          *kind = kinds[i];
          return TRUE;
        }
    }

  return FALSE;
}

JsonNode *
md_explanation_to_json (const MdExplanation *explanation)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (explanation != NULL, NULL);

  json_builder_begin_object (builder);
  md_json_builder_add_string_member (builder, "id", explanation->id);
  md_json_builder_add_string_member (builder, "title", explanation->title);
  md_json_builder_add_string_member (builder, "meaning", explanation->meaning);
  md_json_builder_add_string_member (builder, "cause", explanation->cause);
  md_json_builder_add_strv_member (builder, "remedy", explanation->remedy);
  json_builder_set_member_name (builder, "channel");
  json_builder_begin_object (builder);
  md_json_builder_add_string_member (builder, "kind",
                                     md_channel_kind_to_string (explanation->channel_kind));
  md_json_builder_add_string_member (builder, "address", explanation->channel_address);
  md_json_builder_add_string_member (builder, "cc", explanation->channel_cc);
  md_json_builder_add_string_member (builder, "url", explanation->channel_url);
  md_json_builder_add_string_member (builder, "language", explanation->channel_language);
  json_builder_end_object (builder);
  md_json_builder_add_string_member (builder, "response_time", explanation->response_time);
  md_json_builder_add_strv_member (builder, "pitfalls", explanation->pitfalls);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

MdKnowledge *
md_knowledge_new_from_bytes (GBytes  *xml,
                             GError **error)
{
  g_autoptr(MdKnowledge) self = NULL;
  ParseState state = { 0 };
  const char *data;
  gsize size;
  gboolean ok;

  g_return_val_if_fail (xml != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (MD_TYPE_KNOWLEDGE, NULL);
  state.self = self;
  state.text = g_string_new (NULL);

  data = g_bytes_get_data (xml, &size);
  ok = md_data_parse_markup (&parser, 0, &state, data != NULL ? data : "", size, error);

  g_clear_pointer (&state.entry, entry_free);
  g_clear_pointer (&state.match, match_free);
  g_clear_pointer (&state.url_provider, g_free);
  g_string_free (state.text, TRUE);

  if (!ok)
    {
      /* GMarkup's own errors (not well-formed XML) get the same prefix. */
      if (error != NULL && *error != NULL && (*error)->domain == G_MARKUP_ERROR)
        g_prefix_error (error, "%s", _("Invalid knowledge base: "));
      return NULL;
    }

  return g_steal_pointer (&self);
}

/* Shared, loaded once from the GResource. A broken built-in file is a bug
 * in the build, reported loudly; the program goes on with an empty base so
 * that every explanation still says "unrecognised" rather than crashing. */
MdKnowledge *
md_knowledge_get_default (void)
{
  static MdKnowledge *instance = NULL;

  if (g_once_init_enter (&instance))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = md_load_data_resource ("knowledge.xml", &error);
      MdKnowledge *knowledge = NULL;

      if (bytes != NULL)
        knowledge = md_knowledge_new_from_bytes (bytes, &error);
      if (knowledge == NULL)
        {
          g_critical ("Cannot load the built-in knowledge base: %s", error->message);
          knowledge = g_object_new (MD_TYPE_KNOWLEDGE, NULL);
        }

      g_once_init_leave (&instance, knowledge);
    }

  return instance;
}

guint
md_knowledge_get_n_entries (MdKnowledge *self)
{
  g_return_val_if_fail (MD_IS_KNOWLEDGE (self), 0);

  return self->entries->len;
}

MdExplanation *
md_knowledge_explain (MdKnowledge       *self,
                      const MdRejection *rejection)
{
  const Entry *best = NULL;
  MdExplanation *explanation;
  g_autofree char *address = NULL;
  g_autofree char *url = NULL;
  Facts facts;

  g_return_val_if_fail (MD_IS_KNOWLEDGE (self), NULL);
  g_return_val_if_fail (rejection != NULL, NULL);

  facts_init (&facts, rejection);
  for (guint i = 0; i < self->entries->len; i++)
    {
      const Entry *entry = g_ptr_array_index (self->entries, i);

      /* Highest priority wins; on a tie, the earlier entry in the file. */
      if ((best == NULL || entry->priority > best->priority) && entry_matches (entry, &facts))
        best = entry;
    }
  g_free (facts.haystack);

  if (best == NULL)
    return fallback_explain ();

  explanation = entry_explain (best, rejection->provider);

  /* The receiver's own words beat our data (Microsoft names
   * delist@messaging.microsoft.com in the rejection while its newer documents
   * say delist@microsoft.com) — but only a contact in the channel's domains,
   * so that an unrelated address or a documentation link is never taken for
   * the place to send the request. */
  address = contact_for_channel (rejection, MD_CONTACT_EMAIL, best->address_domains);
  if (address != NULL)
    {
      g_free (explanation->channel_address);
      explanation->channel_address = g_steal_pointer (&address);
    }
  set_channel_cc (explanation, best->channel_cc);
  url = contact_for_channel (rejection, MD_CONTACT_URL, best->url_domains);
  if (url != NULL)
    {
      g_free (explanation->channel_url);
      explanation->channel_url = g_steal_pointer (&url);
    }

  return explanation;
}

MdExplanation *
md_knowledge_lookup (MdKnowledge *self,
                     const char  *id)
{
  const Entry *entry;

  g_return_val_if_fail (MD_IS_KNOWLEDGE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  entry = g_hash_table_lookup (self->by_id, id);

  return entry != NULL ? entry_explain (entry, NULL) : NULL;
}

GStrv
md_knowledge_dup_ids (MdKnowledge *self)
{
  GStrv ids;

  g_return_val_if_fail (MD_IS_KNOWLEDGE (self), NULL);

  ids = g_new0 (char *, self->entries->len + 1);
  for (guint i = 0; i < self->entries->len; i++)
    ids[i] = g_strdup (((const Entry *) g_ptr_array_index (self->entries, i))->id);

  return ids;
}
