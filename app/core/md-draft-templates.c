/* md-draft-templates.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-draft-private.h"

#include <string.h>

#include "md-data.h"
#include "md-util.h"

/* ------------------------------------------------------------------ */
/* Templates: resources/data/templates.xml                             */

static void
template_field_free (TemplateField *field)
{
  g_free (field->key);
  g_free (field->label);
  g_free (field);
}

static void
template_free (Template *t)
{
  g_free (t->id);
  g_free (t->language);
  g_free (t->address);
  g_free (t->url);
  g_clear_pointer (&t->provider_urls, g_hash_table_unref);
  g_free (t->subject);
  g_free (t->body);
  g_clear_pointer (&t->steps, g_ptr_array_unref);
  g_clear_pointer (&t->fields, g_ptr_array_unref);
  g_clear_pointer (&t->warnings, g_ptr_array_unref);
  g_free (t);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Template, template_free)

typedef struct
{
  GPtrArray *templates;   /* of Template* */
  Template  *current;
  GString   *text;
  char      *element;
  char      *attr_key;
  char      *attr_provider;
} ParseState;

static gboolean
parse_kind (const char    *s,
            MdChannelKind *kind)
{
  if (g_strcmp0 (s, "email") == 0)
    *kind = MD_CHANNEL_EMAIL;
  else if (g_strcmp0 (s, "portal") == 0)
    *kind = MD_CHANNEL_PORTAL;
  else if (g_strcmp0 (s, "form") == 0)
    *kind = MD_CHANNEL_FORM;
  else
    return FALSE;

  return TRUE;
}

static void
templates_start_element (GMarkupParseContext  *context,
                         const char           *element_name,
                         const char          **attribute_names,
                         const char          **attribute_values,
                         gpointer              user_data,
                         GError              **error)
{
  ParseState *state = user_data;

  if (g_str_equal (element_name, "maildoctor-data"))
    return;

  if (g_str_equal (element_name, "template"))
    {
      const char *id = NULL, *kind = NULL, *language = NULL;
      Template *t;

      if (!g_markup_collect_attributes (element_name, attribute_names, attribute_values, error,
                                        G_MARKUP_COLLECT_STRING, "id", &id,
                                        G_MARKUP_COLLECT_STRING, "kind", &kind,
                                        G_MARKUP_COLLECT_STRING, "language", &language,
                                        G_MARKUP_COLLECT_INVALID))
        return;

      t = g_new0 (Template, 1);
      t->id = g_strdup (id);
      t->language = g_strdup (language);
      t->provider_urls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      t->steps = g_ptr_array_new_with_free_func (g_free);
      t->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) template_field_free);
      t->warnings = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (state->templates, t);
      state->current = t;

      if (!parse_kind (kind, &t->kind))
        g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                     "template %s: unknown kind “%s”", id, kind);
      return;
    }

  if (state->current == NULL || state->element != NULL)
    {
      g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_UNKNOWN_ELEMENT,
                   "unexpected element <%s>", element_name);
      return;
    }

  g_clear_pointer (&state->attr_key, g_free);
  g_clear_pointer (&state->attr_provider, g_free);

  for (guint i = 0; attribute_names[i] != NULL; i++)
    {
      if (g_str_equal (attribute_names[i], "key"))
        state->attr_key = g_strdup (attribute_values[i]);
      else if (g_str_equal (attribute_names[i], "provider"))
        state->attr_provider = g_strdup (attribute_values[i]);
      /* translatable, comments, context: for xgettext */
    }

  state->element = g_strdup (element_name);
  g_string_truncate (state->text, 0);
}

static void
replace_string (char **slot,
                char  *value)
{
  g_free (*slot);
  *slot = value;
}

static void
templates_end_element (GMarkupParseContext  *context,
                       const char           *element_name,
                       gpointer              user_data,
                       GError              **error)
{
  ParseState *state = user_data;
  Template *t = state->current;
  char *text;

  if (g_str_equal (element_name, "template"))
    {
      state->current = NULL;
      return;
    }
  if (state->element == NULL)
    return;

  text = g_strdup (state->text->str);
  g_clear_pointer (&state->element, g_free);

  if (g_str_equal (element_name, "address"))
    replace_string (&t->address, g_strstrip (text));
  else if (g_str_equal (element_name, "url") && state->attr_provider != NULL)
    g_hash_table_replace (t->provider_urls, g_strdup (state->attr_provider), g_strstrip (text));
  else if (g_str_equal (element_name, "url"))
    replace_string (&t->url, g_strstrip (text));
  else if (g_str_equal (element_name, "attach"))
    {
      g_strstrip (text);
      if (g_str_equal (text, "rejection"))
        t->attach_rejection = TRUE;
      else if (g_str_equal (text, "original"))
        t->attach_original = TRUE;
      else
        g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                     "template %s: unknown attachment “%s”", t->id, text);
      g_free (text);
    }
  else if (g_str_equal (element_name, "subject"))
    replace_string (&t->subject, g_strstrip (text));
  else if (g_str_equal (element_name, "body"))
    replace_string (&t->body, text);
  else if (g_str_equal (element_name, "step"))
    g_ptr_array_add (t->steps, text);
  else if (g_str_equal (element_name, "warning"))
    g_ptr_array_add (t->warnings, text);
  else if (g_str_equal (element_name, "field") && state->attr_key != NULL)
    {
      TemplateField *field = g_new0 (TemplateField, 1);

      field->key = g_strdup (state->attr_key);
      field->label = text;
      g_ptr_array_add (t->fields, field);
    }
  else
    {
      g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_UNKNOWN_ELEMENT,
                   "template %s: unexpected element <%s>", t->id, element_name);
      g_free (text);
    }
}

static void
templates_text (GMarkupParseContext  *context,
                const char           *text,
                gsize                 text_len,
                gpointer              user_data,
                GError              **error)
{
  ParseState *state = user_data;

  if (state->element != NULL)
    g_string_append_len (state->text, text, text_len);
}

/* A line holding nothing but a section tag disappears with the tag, so that
 * the templates can put {?name} on lines of their own (as mustache's
 * "standalone" tags). Done once, when the file is loaded. */
static char *
strip_standalone_tags (const char *text)
{
  GString *out = g_string_new (NULL);
  const char *line = text;

  while (*line != '\0')
    {
      const char *eol = strchr (line, '\n');
      const char *end = eol != NULL ? eol : line + strlen (line);
      const char *a = line, *b = end;

      while (a < b && (*a == ' ' || *a == '\t'))
        a++;
      while (b > a && (b[-1] == ' ' || b[-1] == '\t' || b[-1] == '\r'))
        b--;

      if (md_draft_is_section_tag (a, b - a))
        g_string_append_len (out, a, b - a);
      else
        g_string_append_len (out, line, (eol != NULL ? eol + 1 : end) - line);

      line = eol != NULL ? eol + 1 : end;
    }

  return g_string_free (out, FALSE);
}

static gpointer
templates_begin (void)
{
  ParseState *state = g_new0 (ParseState, 1);

  state->templates = g_ptr_array_new_with_free_func ((GDestroyNotify) template_free);
  state->text = g_string_new (NULL);

  return state;
}

static gpointer
templates_end (gpointer   data,
               gboolean   parsed,
               GError   **error)
{
  ParseState *state = data;
  g_autoptr(GPtrArray) templates = g_steal_pointer (&state->templates);

  g_string_free (state->text, TRUE);
  g_free (state->element);
  g_free (state->attr_key);
  g_free (state->attr_provider);
  g_free (state);
  if (!parsed)
    return NULL;

  for (guint i = 0; i < templates->len; i++)
    {
      Template *t = g_ptr_array_index (templates, i);

      if (t->body != NULL)
        {
          char *stripped = strip_standalone_tags (t->body);
          g_free (t->body);
          t->body = stripped;
        }
    }

  return g_steal_pointer (&templates);
}

static const MdDataFile templates_file = {
  "templates.xml",
  { templates_start_element, templates_end_element, templates_text, NULL, NULL },
  G_MARKUP_TREAT_CDATA_AS_TEXT,
  templates_begin,
  templates_end,
  (GDestroyNotify) g_ptr_array_unref,
};

/* Parsed once per process (the file is compiled into the binary), shared
 * by all threads and never changed. */
GPtrArray *
md_draft_templates_get (GError **error)
{
  g_autoptr(GError) local_error = NULL;
  GPtrArray *templates = md_data_file_get (&templates_file, &local_error);

  if (templates == NULL)
    g_set_error_literal (error, MD_DRAFT_ERROR, MD_DRAFT_ERROR_TEMPLATES, local_error->message);

  return templates;
}

const Template *
md_draft_templates_find (GPtrArray  *templates,
                         const char *id)
{
  for (guint i = 0; i < templates->len; i++)
    {
      const Template *t = g_ptr_array_index (templates, i);

      if (g_strcmp0 (t->id, id) == 0)
        return t;
    }

  return NULL;
}

GStrv
md_draft_list_channels (GError **error)
{
  GPtrArray *templates = md_draft_templates_get (error);
  GStrvBuilder *builder;
  GStrv result;

  if (templates == NULL)
    return NULL;

  builder = g_strv_builder_new ();
  for (guint i = 0; i < templates->len; i++)
    g_strv_builder_add (builder, ((const Template *) g_ptr_array_index (templates, i))->id);
  result = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);

  return result;
}
