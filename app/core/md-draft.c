/* md-draft.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-draft.h"

#include <string.h>

#include "md-check.h"
#include "md-util.h"

#define SETTINGS_SCHEMA_ID "org.example.MailDoctor"

G_DEFINE_QUARK (md-draft-error-quark, md_draft_error)

G_DEFINE_BOXED_TYPE (MdSenderProfile, md_sender_profile, md_sender_profile_copy, md_sender_profile_free)
G_DEFINE_BOXED_TYPE (MdDraftFacts, md_draft_facts, md_draft_facts_copy, md_draft_facts_free)
G_DEFINE_BOXED_TYPE (MdDraft, md_draft, md_draft_copy, md_draft_free)

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */

static gboolean
is_empty (const char *s)
{
  return s == NULL || s[0] == '\0';
}

/* Empty strings count as "not given": a blank preference must not produce
 * "Organisation: " in a mail. */
static char *
dup_nonempty (const char *s)
{
  return is_empty (s) ? NULL : g_strdup (s);
}

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

  return profile;
}

/* ------------------------------------------------------------------ */
/* MdDraftFacts                                                        */

static void
md_draft_fact_free (MdDraftFact *fact)
{
  g_free (fact->id);
  g_free (fact->status);
  g_free (fact->summary);
  g_free (fact->detail);
  g_free (fact);
}

MdDraftFacts *
md_draft_facts_new (void)
{
  MdDraftFacts *facts = g_new0 (MdDraftFacts, 1);

  facts->checks = g_ptr_array_new_with_free_func ((GDestroyNotify) md_draft_fact_free);
  facts->remediation = g_ptr_array_new_with_free_func (g_free);
  facts->extra_ips = g_ptr_array_new_with_free_func (g_free);

  return facts;
}

MdDraftFacts *
md_draft_facts_copy (const MdDraftFacts *facts)
{
  MdDraftFacts *copy;

  g_return_val_if_fail (facts != NULL, NULL);

  copy = md_draft_facts_new ();
  for (guint i = 0; i < facts->checks->len; i++)
    {
      const MdDraftFact *fact = g_ptr_array_index (facts->checks, i);
      MdDraftFact *last;

      md_draft_facts_add_check (copy, fact->id, fact->status, fact->summary);
      last = g_ptr_array_index (copy->checks, copy->checks->len - 1);
      last->detail = g_strdup (fact->detail);
    }
  for (guint i = 0; i < facts->remediation->len; i++)
    md_draft_facts_add_remediation (copy, g_ptr_array_index (facts->remediation, i));
  for (guint i = 0; i < facts->extra_ips->len; i++)
    md_draft_facts_add_ip (copy, g_ptr_array_index (facts->extra_ips, i));

  return copy;
}

void
md_draft_facts_free (MdDraftFacts *facts)
{
  if (facts == NULL)
    return;

  g_clear_pointer (&facts->checks, g_ptr_array_unref);
  g_clear_pointer (&facts->remediation, g_ptr_array_unref);
  g_clear_pointer (&facts->extra_ips, g_ptr_array_unref);
  g_free (facts);
}

void
md_draft_facts_add_check (MdDraftFacts *facts,
                          const char   *id,
                          const char   *status,
                          const char   *summary)
{
  MdDraftFact *fact;

  g_return_if_fail (facts != NULL);
  g_return_if_fail (id != NULL);
  g_return_if_fail (status != NULL);

  fact = g_new0 (MdDraftFact, 1);
  fact->id = g_strdup (id);
  fact->status = g_strdup (status);
  fact->summary = g_strdup (summary);
  g_ptr_array_add (facts->checks, fact);
}

void
md_draft_facts_add_remediation (MdDraftFacts *facts,
                                const char   *step)
{
  g_return_if_fail (facts != NULL);

  if (!is_empty (step))
    g_ptr_array_add (facts->remediation, g_strdup (step));
}

void
md_draft_facts_add_ip (MdDraftFacts *facts,
                       const char   *ip)
{
  g_return_if_fail (facts != NULL);

  if (!is_empty (ip))
    g_ptr_array_add (facts->extra_ips, g_strdup (ip));
}

static const char *
details_string (JsonObject *details,
                const char *member)
{
  JsonNode *node;

  if (details == NULL || !json_object_has_member (details, member))
    return NULL;
  node = json_object_get_member (details, member);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/* The value a request cites from a check, language-neutral: the SPF result,
 * the DMARC policy, the confirmed PTR name, the DKIM key, the imprint URL. */
static char *
fact_detail (MdCheck *check)
{
  JsonObject *details = md_check_get_details (check);
  const char *id = md_check_get_id (check);

  if (g_str_equal (id, "spf"))
    return g_strdup (details_string (details, "result"));
  if (g_str_equal (id, "dmarc"))
    return g_strdup (details_string (details, "policy"));
  if (g_str_equal (id, "rdns"))
    {
      const char *name = details_string (details, "name");

      if (name == NULL && details != NULL && json_object_has_member (details, "ptr") &&
          JSON_NODE_HOLDS_ARRAY (json_object_get_member (details, "ptr")))
        {
          JsonArray *ptr = json_object_get_array_member (details, "ptr");

          if (json_array_get_length (ptr) > 0)
            name = json_array_get_string_element (ptr, 0);
        }
      return g_strdup (name);
    }
  if (g_str_equal (id, "imprint"))
    return g_strdup (details_string (details, "imprint_url"));
  if (g_str_has_prefix (id, "dkim/") && details != NULL && json_object_has_member (details, "key") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (details, "key")))
    {
      JsonObject *key = json_object_get_object_member (details, "key");
      const char *type = details_string (key, "key_type");
      gint64 bits = json_object_has_member (key, "key_bits") ? json_object_get_int_member (key, "key_bits") : 0;

      if (type != NULL && g_str_equal (type, "rsa") && bits > 0)
        return g_strdup_printf ("RSA %" G_GINT64_FORMAT, bits);
      if (type != NULL && g_str_equal (type, "ed25519"))
        return g_strdup ("Ed25519");
    }

  return NULL;
}

void
md_draft_facts_add_checks (MdDraftFacts *facts,
                           GListModel   *checks)
{
  guint n;

  g_return_if_fail (facts != NULL);
  g_return_if_fail (G_IS_LIST_MODEL (checks));

  n = g_list_model_get_n_items (checks);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (checks, i);
      MdCheck *check;

      if (!MD_IS_CHECK (item))
        continue;
      check = MD_CHECK (item);
      md_draft_facts_add_check (facts, md_check_get_id (check),
                                md_check_status_to_string (md_check_get_status (check)),
                                md_check_get_summary (check));
      ((MdDraftFact *) g_ptr_array_index (facts->checks, facts->checks->len - 1))->detail =
        fact_detail (check);
    }
}

/* ------------------------------------------------------------------ */
/* MdDraft                                                             */

static void
md_draft_attachment_free (MdDraftAttachment *attachment)
{
  g_free (attachment->name);
  g_free (attachment->content_type);
  g_clear_pointer (&attachment->data, g_bytes_unref);
  g_free (attachment);
}

static void
md_draft_field_free (MdDraftField *field)
{
  g_free (field->label);
  g_free (field->value);
  g_free (field);
}

static void
md_draft_add_field (MdDraft    *draft,
                    const char *label,
                    const char *value)
{
  MdDraftField *field = g_new0 (MdDraftField, 1);

  field->label = g_strdup (label);
  field->value = g_strdup (value);
  g_ptr_array_add (draft->fields, field);
}

MdDraft *
md_draft_new (void)
{
  MdDraft *draft = g_new0 (MdDraft, 1);

  draft->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) md_draft_attachment_free);
  draft->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) md_draft_field_free);
  draft->steps = g_new0 (char *, 1);
  draft->warnings = g_new0 (char *, 1);

  return draft;
}

MdDraft *
md_draft_copy (const MdDraft *draft)
{
  MdDraft *copy;

  g_return_val_if_fail (draft != NULL, NULL);

  copy = md_draft_new ();
  copy->channel_id = g_strdup (draft->channel_id);
  copy->channel_kind = draft->channel_kind;
  copy->recipient = g_strdup (draft->recipient);
  copy->url = g_strdup (draft->url);
  copy->subject = g_strdup (draft->subject);
  copy->body = g_strdup (draft->body);
  copy->language = g_strdup (draft->language);
  copy->from_name = g_strdup (draft->from_name);
  copy->from_address = g_strdup (draft->from_address);
  for (guint i = 0; i < draft->attachments->len; i++)
    {
      const MdDraftAttachment *a = g_ptr_array_index (draft->attachments, i);
      md_draft_add_attachment (copy, a->name, a->content_type, a->data);
    }
  for (guint i = 0; i < draft->fields->len; i++)
    {
      const MdDraftField *f = g_ptr_array_index (draft->fields, i);
      md_draft_add_field (copy, f->label, f->value);
    }
  g_strfreev (copy->steps);
  copy->steps = g_strdupv (draft->steps);
  g_strfreev (copy->warnings);
  copy->warnings = g_strdupv (draft->warnings);

  return copy;
}

void
md_draft_free (MdDraft *draft)
{
  if (draft == NULL)
    return;

  g_free (draft->channel_id);
  g_free (draft->recipient);
  g_free (draft->url);
  g_free (draft->subject);
  g_free (draft->body);
  g_free (draft->language);
  g_free (draft->from_name);
  g_free (draft->from_address);
  g_clear_pointer (&draft->attachments, g_ptr_array_unref);
  g_clear_pointer (&draft->fields, g_ptr_array_unref);
  g_strfreev (draft->steps);
  g_strfreev (draft->warnings);
  g_free (draft);
}

void
md_draft_add_attachment (MdDraft    *draft,
                         const char *name,
                         const char *content_type,
                         GBytes     *data)
{
  MdDraftAttachment *attachment;

  g_return_if_fail (draft != NULL);
  g_return_if_fail (name != NULL);
  g_return_if_fail (content_type != NULL);
  g_return_if_fail (data != NULL);

  attachment = g_new0 (MdDraftAttachment, 1);
  attachment->name = g_strdup (name);
  attachment->content_type = g_strdup (content_type);
  attachment->data = g_bytes_ref (data);
  g_ptr_array_add (draft->attachments, attachment);
}

const char *
md_draft_get_clipboard_text (const MdDraft *draft)
{
  g_return_val_if_fail (draft != NULL, NULL);

  return draft->body != NULL ? draft->body : "";
}

/* ------------------------------------------------------------------ */
/* Templates: resources/data/templates.xml                             */

typedef struct
{
  char *key;
  char *label;   /* untranslated, as in the file */
} TemplateField;

typedef struct
{
  char          *id;
  MdChannelKind  kind;
  char          *language;
  char          *address;
  char          *url;
  GHashTable    *provider_urls;   /* provider → url */
  gboolean       attach_rejection;
  gboolean       attach_original;
  char          *subject;
  char          *body;
  GPtrArray     *steps;           /* of char*, untranslated */
  GPtrArray     *fields;          /* of TemplateField* */
  GPtrArray     *warnings;        /* of char*, untranslated */
} Template;

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

static const GMarkupParser templates_parser = {
  templates_start_element,
  templates_end_element,
  templates_text,
  NULL,
  NULL,
};

static gboolean is_section_tag (const char *s, gsize len);

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

      if (is_section_tag (a, b - a))
        g_string_append_len (out, a, b - a);
      else
        g_string_append_len (out, line, (eol != NULL ? eol + 1 : end) - line);

      line = eol != NULL ? eol + 1 : end;
    }

  return g_string_free (out, FALSE);
}

static GPtrArray *
load_templates (GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GPtrArray) templates = g_ptr_array_new_with_free_func ((GDestroyNotify) template_free);
  ParseState state = { templates, NULL, NULL, NULL, NULL, NULL };
  gsize len;
  const char *data;
  gboolean ok;

  bytes = md_load_data_resource ("templates.xml", error);
  if (bytes == NULL)
    return NULL;

  data = g_bytes_get_data (bytes, &len);
  state.text = g_string_new (NULL);
  ok = md_data_parse_markup (&templates_parser, G_MARKUP_TREAT_CDATA_AS_TEXT, &state,
                             data, len, error);
  g_string_free (state.text, TRUE);
  g_free (state.element);
  g_free (state.attr_key);
  g_free (state.attr_provider);
  if (!ok)
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

/* Parsed once per process; the file is compiled into the binary. */
static GPtrArray *
get_templates (GError **error)
{
  static GPtrArray *templates = NULL;
  G_LOCK_DEFINE_STATIC (templates);
  GPtrArray *result;

  G_LOCK (templates);
  if (templates == NULL)
    {
      g_autoptr(GError) local_error = NULL;

      templates = load_templates (&local_error);
      if (templates == NULL)
        {
          G_UNLOCK (templates);
          g_set_error (error, MD_DRAFT_ERROR, MD_DRAFT_ERROR_TEMPLATES,
                       "templates.xml: %s", local_error->message);
          return NULL;
        }
    }
  result = templates;
  G_UNLOCK (templates);

  return result;
}

static const Template *
find_template (GPtrArray  *templates,
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
  GPtrArray *templates = get_templates (error);
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

/* ------------------------------------------------------------------ */
/* Rendering                                                           */

/* A value is a string, a list of strings, or nothing (both NULL). */
typedef struct
{
  char      *str;
  GPtrArray *list;
} Value;

static void
value_free (Value *v)
{
  g_free (v->str);
  g_clear_pointer (&v->list, g_ptr_array_unref);
  g_free (v);
}

static gboolean
value_is_set (const Value *v)
{
  if (v->list != NULL)
    return v->list->len > 0;
  return !is_empty (v->str);
}

static gboolean
is_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '_';
}

/* "{?name}", "{^name}", "{#name}" or "{/name}", exactly LEN bytes. */
static gboolean
is_section_tag (const char *s,
                gsize       len)
{
  if (len < 4 || s[0] != '{' || s[len - 1] != '}')
    return FALSE;
  if (s[1] != '?' && s[1] != '^' && s[1] != '#' && s[1] != '/')
    return FALSE;
  for (gsize i = 2; i < len - 1; i++)
    if (!is_name_char (s[i]))
      return FALSE;

  return TRUE;
}

/* Reads a tag at P ("{" already seen). Sets SIGIL ('\0' for a value, '.'
 * for the item) and NAME; returns the position after "}", or NULL when P
 * is no tag (a literal brace). */
static const char *
read_tag (const char  *p,
          const char  *end,
          char        *sigil,
          char       **name)
{
  const char *q = p + 1;
  const char *start;

  *sigil = '\0';
  if (q < end && (*q == '?' || *q == '^' || *q == '#' || *q == '/'))
    *sigil = *q++;
  else if (q + 1 < end && q[0] == '.' && q[1] == '}')
    {
      *sigil = '.';
      *name = NULL;
      return q + 2;
    }

  start = q;
  while (q < end && is_name_char (*q))
    q++;
  if (q == start || q >= end || *q != '}')
    return NULL;

  *name = g_strndup (start, q - start);
  return q + 1;
}

/* The matching "{/name}" for a section that opened before P, counting
 * nested sections of the same name. */
static const char *
find_section_end (const char  *p,
                  const char  *end,
                  const char  *name,
                  const char **after)
{
  guint depth = 0;

  while (p < end)
    {
      const char *brace = memchr (p, '{', end - p);
      g_autofree char *tag_name = NULL;
      const char *next;
      char sigil;

      if (brace == NULL)
        return NULL;

      next = read_tag (brace, end, &sigil, &tag_name);
      if (next == NULL)
        {
          p = brace + 1;
          continue;
        }

      if (tag_name != NULL && g_str_equal (tag_name, name))
        {
          if (sigil == '/')
            {
              if (depth == 0)
                {
                  *after = next;
                  return brace;
                }
              depth--;
            }
          else if (sigil == '?' || sigil == '^' || sigil == '#')
            depth++;
        }
      p = next;
    }

  return NULL;
}

static gboolean
render_range (const char  *p,
              const char  *end,
              GHashTable  *values,
              const char  *item,
              GString     *out,
              GError     **error)
{
  while (p < end)
    {
      const char *brace = memchr (p, '{', end - p);
      g_autofree char *name = NULL;
      const Value *value;
      const char *next;
      char sigil;

      if (brace == NULL)
        {
          g_string_append_len (out, p, end - p);
          break;
        }

      g_string_append_len (out, p, brace - p);
      next = read_tag (brace, end, &sigil, &name);
      if (next == NULL)
        {
          g_string_append_c (out, '{');
          p = brace + 1;
          continue;
        }

      if (sigil == '.')
        {
          if (item == NULL)
            {
              g_set_error (error, MD_DRAFT_ERROR, MD_DRAFT_ERROR_TEMPLATES,
                           "{.} outside a list section");
              return FALSE;
            }
          g_string_append (out, item);
          p = next;
          continue;
        }

      if (!g_hash_table_lookup_extended (values, name, NULL, (gpointer *) &value))
        {
          g_set_error (error, MD_DRAFT_ERROR, MD_DRAFT_ERROR_TEMPLATES,
                       "unknown placeholder “%s”", name);
          return FALSE;
        }

      if (sigil == '\0')
        {
          if (value->list != NULL)
            {
              g_set_error (error, MD_DRAFT_ERROR, MD_DRAFT_ERROR_TEMPLATES,
                           "list “%s” used as a value", name);
              return FALSE;
            }
          if (value->str != NULL)
            g_string_append (out, value->str);
          p = next;
          continue;
        }

      if (sigil == '/')
        {
          g_set_error (error, MD_DRAFT_ERROR, MD_DRAFT_ERROR_TEMPLATES,
                       "“{/%s}” without an opening tag", name);
          return FALSE;
        }

      {
        const char *after = NULL;
        const char *close = find_section_end (next, end, name, &after);
        gboolean set = value_is_set (value);

        if (close == NULL)
          {
            g_set_error (error, MD_DRAFT_ERROR, MD_DRAFT_ERROR_TEMPLATES,
                         "section “%s” is not closed", name);
            return FALSE;
          }

        if (sigil == '?' && set)
          {
            if (!render_range (next, close, values, item, out, error))
              return FALSE;
          }
        else if (sigil == '^' && !set)
          {
            if (!render_range (next, close, values, item, out, error))
              return FALSE;
          }
        else if (sigil == '#' && set)
          {
            if (value->list != NULL)
              {
                for (guint i = 0; i < value->list->len; i++)
                  if (!render_range (next, close, values,
                                     g_ptr_array_index (value->list, i), out, error))
                    return FALSE;
              }
            else if (!render_range (next, close, values, value->str, out, error))
              return FALSE;
          }

        p = after;
      }
    }

  return TRUE;
}

static char *
render (const char  *text,
        GHashTable  *values,
        GError     **error)
{
  g_autoptr(GString) out = g_string_new (NULL);

  if (!render_range (text, text + strlen (text), values, NULL, out, error))
    return NULL;

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
set_string (GHashTable *values,
            const char *name,
            const char *str)
{
  Value *v = g_new0 (Value, 1);

  v->str = dup_nonempty (str);
  g_hash_table_replace (values, (gpointer) name, v);
}

static void
set_list (GHashTable *values,
          const char *name,
          GPtrArray  *list)
{
  Value *v = g_new0 (Value, 1);

  v->list = g_ptr_array_ref (list);
  g_hash_table_replace (values, (gpointer) name, v);
}

static const char *
lookup_string (GHashTable *values,
               const char *name)
{
  const Value *v = g_hash_table_lookup (values, name);

  return v != NULL ? v->str : NULL;
}

static char *
host_of_website (const char *website)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *with_scheme = NULL;
  const char *host;

  if (is_empty (website))
    return NULL;

  /* Users type "example.org" as often as "https://example.org/". */
  if (strstr (website, "://") == NULL)
    with_scheme = g_strconcat ("https://", website, NULL);

  uri = g_uri_parse (with_scheme != NULL ? with_scheme : website, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return NULL;

  host = g_uri_get_host (uri);
  if (is_empty (host))
    return NULL;
  if (g_str_has_prefix (host, "www."))
    host += 4;

  return g_ascii_strdown (host, -1);
}

/* The message of the input the rejection was read from (an mbox has many). */
static guint
message_of (const MdRejection *rejection)
{
  return rejection->source_message > 0 ? rejection->source_message - 1 : 0;
}

/* The state of the sending server, for the receiver: in the receiver's
 * language whatever the UI language, so built here from the checks' ids,
 * statuses and details rather than from their (translated) summaries. Like
 * the templates these phrases are text for the receiver, not UI text, so
 * gettext does not translate them. Results that could not be decided say
 * nothing about the server and stay out; so do the recipient's MX, the
 * resolver and the IP's owner, which are not the sender's to fix. */
static void
describe_facts (GPtrArray          *lines,
                const MdDraftFacts *facts,
                const char         *language)
{
  gboolean de = g_strcmp0 (language, "de") == 0;
  g_autoptr(GPtrArray) listed = g_ptr_array_new ();
  guint n_lists = 0;

  for (guint i = 0; i < facts->checks->len; i++)
    {
      const MdDraftFact *fact = g_ptr_array_index (facts->checks, i);
      const char *id = fact->id;
      const char *status = fact->status;
      const char *detail = fact->detail;
      gboolean ok = g_str_equal (status, "ok");
      gboolean warning = g_str_equal (status, "warning");
      gboolean problem = g_str_equal (status, "problem");

      if (!ok && !warning && !problem && !g_str_equal (status, "info"))
        continue;

      if (g_str_has_prefix (id, "dnsbl/"))
        {
          n_lists++;
          if (problem)
            g_ptr_array_add (listed, (gpointer) (id + strlen ("dnsbl/")));
        }
      else if (g_str_equal (id, "spf") && detail != NULL)
        g_ptr_array_add (lines, g_strdup_printf ("SPF: %s", detail));
      else if (g_str_equal (id, "dmarc"))
        g_ptr_array_add (lines, detail != NULL ? g_strdup_printf ("DMARC: p=%s", detail)
                                : g_strdup (de ? "DMARC: kein Eintrag" : "DMARC: no record"));
      else if (g_str_has_prefix (id, "dkim/") && !g_str_equal (id, "dkim/*") && (ok || warning))
        g_ptr_array_add (lines, g_strdup_printf (de ? "DKIM (Selektor %s): gültiger Schlüssel%s%s"
                                                    : "DKIM (selector %s): valid key%s%s",
                                                 id + strlen ("dkim/"), detail ? ", " : "",
                                                 detail ? detail : ""));
      else if (g_str_equal (id, "rdns") && ok && detail != NULL)
        g_ptr_array_add (lines, g_strdup_printf (de ? "Reverse-DNS: %s, vorwärts bestätigt"
                                                    : "Reverse DNS: %s, forward-confirmed", detail));
      else if (g_str_equal (id, "rdns") && warning && detail != NULL)
        g_ptr_array_add (lines, g_strdup_printf (de ? "Reverse-DNS: %s" : "Reverse DNS: %s",
                                                 detail));
      else if (g_str_equal (id, "helo") && ok)
        g_ptr_array_add (lines, g_strdup (de ? "Der HELO-Name passt zum Reverse-DNS."
                                             : "The HELO name matches the reverse DNS."));
      else if (g_str_equal (id, "mta-sts") && ok)
        g_ptr_array_add (lines, g_strdup (de ? "MTA-STS: Richtlinie veröffentlicht"
                                             : "MTA-STS: policy published"));
      else if (g_str_equal (id, "tls-rpt") && ok)
        g_ptr_array_add (lines, g_strdup (de ? "TLS-RPT: Eintrag veröffentlicht"
                                             : "TLS-RPT: record published"));
      else if (g_str_equal (id, "imprint") && ok && detail != NULL)
        g_ptr_array_add (lines, g_strdup_printf (de ? "Impressum: %s"
                                                    : "Imprint with contact details: %s", detail));
    }

  if (listed->len > 0)
    {
      g_autofree char *zones = NULL;

      g_ptr_array_add (listed, NULL);
      zones = g_strjoinv (", ", (char **) listed->pdata);
      g_ptr_array_add (lines, g_strdup_printf (de ? "Geprüfte Sperrlisten: %u; gelistet auf: %s"
                                                  : "Blocklists checked: %u; listed on: %s",
                                               n_lists, zones));
    }
  else if (n_lists > 0)
    {
      g_ptr_array_add (lines, g_strdup_printf (de ? "Geprüfte Sperrlisten: %u; auf keiner gelistet"
                                                  : "Blocklists checked: %u; listed on none",
                                               n_lists));
    }
}

static GHashTable *
build_values (const MdRejection     *rejection,
              const MdSenderProfile *profile,
              const MdDraftFacts    *facts,
              MdInput               *input,
              const char            *url,
              const char            *language)
{
  GHashTable *values = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                              (GDestroyNotify) value_free);
  g_autoptr(GPtrArray) ips = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) checks = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) steps = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *ips_joined = NULL;
  g_autofree char *status_code = NULL;
  g_autofree char *references = NULL;
  g_autofree char *contact = NULL;
  g_autofree char *sender_domain = NULL;
  g_autofree char *bounce_address = NULL;
  g_autofree char *recipient_domain = NULL;
  const char *name = profile != NULL ? profile->name : NULL;
  const char *email = profile != NULL ? profile->email : NULL;

  if (!is_empty (rejection->blocked_ip))
    g_ptr_array_add (ips, g_strdup (rejection->blocked_ip));
  if (facts != NULL)
    for (guint i = 0; i < facts->extra_ips->len; i++)
      {
        const char *ip = g_ptr_array_index (facts->extra_ips, i);
        gboolean seen = FALSE;

        for (guint j = 0; j < ips->len && !seen; j++)
          seen = g_str_equal (ip, g_ptr_array_index (ips, j));
        if (!seen)
          g_ptr_array_add (ips, g_strdup (ip));
      }
  g_ptr_array_add (ips, NULL);
  ips_joined = g_strjoinv ("; ", (char **) ips->pdata);
  g_ptr_array_remove_index (ips, ips->len - 1);

  if (facts != NULL)
    describe_facts (checks, facts, language);

  if (facts != NULL)
    for (guint i = 0; i < facts->remediation->len; i++)
      g_ptr_array_add (steps, g_strdup (g_ptr_array_index (facts->remediation, i)));

  if (!is_empty (rejection->enhanced_status))
    status_code = g_strdup (rejection->enhanced_status);
  else if (rejection->smtp_code != 0)
    status_code = g_strdup_printf ("%u", rejection->smtp_code);

  if (rejection->references != NULL)
    references = g_strjoinv (" ", rejection->references);

  if (!is_empty (name) && !is_empty (email))
    contact = g_strdup_printf ("%s <%s>", name, email);
  else if (!is_empty (name))
    contact = g_strdup (name);
  else if (!is_empty (email))
    contact = g_strdup (email);

  sender_domain = md_address_get_domain (email);
  if (sender_domain == NULL && profile != NULL)
    sender_domain = host_of_website (profile->website);

  /* The mailbox the imported bounce was delivered to: the address that
   * "received the rejection", which Microsoft's portal asks for. */
  bounce_address = input != NULL ? md_input_dup_bounce_addressee (input, message_of (rejection)) : NULL;
  if (bounce_address == NULL)
    bounce_address = dup_nonempty (email);

  recipient_domain = md_address_get_domain (rejection->recipient);

  set_string (values, "ip", rejection->blocked_ip);
  set_list (values, "ips", ips);
  set_string (values, "ips_joined", ips_joined);
  set_string (values, "rejection_text", rejection->text);
  set_string (values, "status_code", status_code);
  set_string (values, "references", references);
  set_string (values, "remote_host", rejection->remote_host);
  set_string (values, "recipient", rejection->recipient);
  set_string (values, "recipient_domain", recipient_domain);
  set_string (values, "bounce_address", bounce_address);
  set_string (values, "name", name);
  set_string (values, "organisation", profile != NULL ? profile->organisation : NULL);
  set_string (values, "email", email);
  set_string (values, "website", profile != NULL ? profile->website : NULL);
  set_string (values, "description", profile != NULL ? profile->description : NULL);
  set_string (values, "volume", profile != NULL ? profile->daily_volume : NULL);
  set_string (values, "contact", contact);
  set_string (values, "sender_domain", sender_domain);
  set_string (values, "profile",
              (profile != NULL &&
               (!is_empty (profile->organisation) || contact != NULL ||
                !is_empty (profile->website) || !is_empty (profile->description) ||
                !is_empty (profile->daily_volume))) ? "yes" : NULL);
  set_list (values, "checks", checks);
  set_list (values, "steps", steps);
  set_string (values, "url", url);

  return values;
}

static gboolean
is_web_url (const char *url)
{
  return url != NULL &&
         (g_ascii_strncasecmp (url, "https://", 8) == 0 ||
          g_ascii_strncasecmp (url, "http://", 7) == 0);
}

/* Warnings that depend on what is known, beside the channel's own. */
static void
add_fact_warnings (GStrvBuilder          *warnings,
                   const Template        *t,
                   const MdRejection     *rejection,
                   const MdSenderProfile *profile,
                   const MdDraftFacts    *facts)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new ();
  g_autoptr(GPtrArray) undecided = g_ptr_array_new ();
  guint n_checks = facts != NULL ? facts->checks->len : 0;

  if (is_empty (rejection->blocked_ip))
    g_strv_builder_add (warnings,
                        _("The rejection names no IP address: add the sending server’s IP before you send."));

  if (n_checks == 0)
    g_strv_builder_add (warnings,
                        _("No check results yet: run the checks, so that the request can state the server’s authentication and reverse DNS."));

  for (guint i = 0; i < n_checks; i++)
    {
      const MdDraftFact *fact = g_ptr_array_index (facts->checks, i);

      if (g_str_equal (fact->status, "problem"))
        g_ptr_array_add (problems, fact->id);
      else if (g_str_equal (fact->status, "error") || g_str_equal (fact->status, "running"))
        g_ptr_array_add (undecided, fact->id);
    }

  if (problems->len > 0)
    {
      g_autofree char *list = NULL;
      g_autofree char *message = NULL;

      g_ptr_array_add (problems, NULL);
      list = g_strjoinv (", ", (char **) problems->pdata);
      /* Translators: %s is a list of check names, "spf, ptr" */
      message = g_strdup_printf (_("The latest checks found problems (%s). Fix them first, or the request is likely to be refused."),
                                 list);
      g_strv_builder_add (warnings, message);
    }

  if (undecided->len > 0)
    {
      g_autofree char *list = NULL;
      g_autofree char *message = NULL;

      g_ptr_array_add (undecided, NULL);
      list = g_strjoinv (", ", (char **) undecided->pdata);
      /* Translators: %s is a list of check names, "dkim, dnsbl-zen.spamhaus.org" */
      message = g_strdup_printf (_("Some checks could not decide (%s); the request leaves them out."),
                                 list);
      g_strv_builder_add (warnings, message);
    }

  if (t->body != NULL && (facts == NULL || facts->remediation->len == 0))
    g_strv_builder_add (warnings,
                        _("Describe what you fixed: receivers ask for the remediation steps you took."));

  if (profile == NULL ||
      (is_empty (profile->name) && is_empty (profile->organisation) &&
       is_empty (profile->email) && is_empty (profile->website)))
    g_strv_builder_add (warnings,
                        _("The sender details are missing: add your name, organisation, mail address and website."));
}

MdDraft *
md_draft_new_for_rejection (const MdRejection      *rejection,
                            const MdExplanation    *explanation,
                            const MdSenderProfile  *profile,
                            const MdDraftFacts     *facts,
                            MdInput                *input,
                            const char             *channel_override,
                            GError                **error)
{
  g_autoptr(MdDraft) draft = NULL;
  g_autoptr(GHashTable) values = NULL;
  g_autoptr(GStrvBuilder) steps = NULL;
  g_autoptr(GStrvBuilder) warnings = NULL;
  g_autoptr(GString) body = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *message = NULL;
  GPtrArray *templates;
  const Template *t;
  const char *channel_id;
  gboolean same_channel;
  const char *recipient = NULL;
  const char *url = NULL;

  g_return_val_if_fail (rejection != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  templates = get_templates (error);
  if (templates == NULL)
    return NULL;

  channel_id = !is_empty (channel_override) ? channel_override :
               explanation != NULL ? explanation->channel_id : NULL;
  if (is_empty (channel_id))
    {
      g_set_error (error, MD_DRAFT_ERROR, MD_DRAFT_ERROR_NO_CHANNEL,
                   _("There is nothing to send for this rejection: fix the cause, or ask the recipient’s administrator."));
      return NULL;
    }

  t = find_template (templates, channel_id);
  if (t == NULL)
    {
      g_set_error (error, MD_DRAFT_ERROR, MD_DRAFT_ERROR_UNKNOWN_CHANNEL,
                   _("Unknown delist channel “%s”"), channel_id);
      return NULL;
    }

  /* The knowledge base's address and page (which already prefer what the
   * rejection text names) belong to its own channel only: a T-Online draft
   * chosen by hand must not go to Microsoft's delist address. */
  same_channel = explanation != NULL && g_strcmp0 (explanation->channel_id, t->id) == 0;

  if (t->kind == MD_CHANNEL_EMAIL && t->address != NULL)
    {
      if (same_channel && !is_empty (explanation->channel_address))
        recipient = explanation->channel_address;
      else if (same_channel)
        recipient = md_rejection_first_contact (rejection, MD_CONTACT_EMAIL);
      if (is_empty (recipient))
        recipient = t->address;
    }

  if (t->kind != MD_CHANNEL_EMAIL)
    {
      if (same_channel && is_web_url (explanation->channel_url))
        url = explanation->channel_url;
      if (url == NULL && rejection->provider != NULL)
        url = g_hash_table_lookup (t->provider_urls, rejection->provider);
      if (url == NULL)
        url = t->url;
    }

  values = build_values (rejection, profile, facts, input, url, t->language);

  draft = md_draft_new ();
  draft->channel_id = g_strdup (t->id);
  draft->channel_kind = t->kind;
  draft->language = g_strdup (t->language);
  draft->recipient = g_strdup (recipient);
  draft->url = g_strdup (url);
  if (profile != NULL)
    {
      draft->from_name = dup_nonempty (profile->name);
      draft->from_address = dup_nonempty (profile->email);
    }

  if (t->subject != NULL)
    {
      subject = render (t->subject, values, error);
      if (subject == NULL)
        return NULL;
      /* A header is one line, whatever a value held. */
      g_strdelimit (subject, "\r\n\t", ' ');
      draft->subject = g_strdup (g_strstrip (subject));
    }

  if (t->body != NULL)
    {
      message = render (t->body, values, error);
      if (message == NULL)
        return NULL;
    }

  for (guint i = 0; i < t->fields->len; i++)
    {
      const TemplateField *field = g_ptr_array_index (t->fields, i);
      const char *value;
      g_autofree char *label = NULL;

      if (!g_hash_table_contains (values, field->key))
        {
          g_set_error (error, MD_DRAFT_ERROR, MD_DRAFT_ERROR_TEMPLATES,
                       "template %s: unknown field key “%s”", t->id, field->key);
          return NULL;
        }
      value = lookup_string (values, field->key);
      if (is_empty (value))
        continue;
      label = md_data_text_translate (field->label);
      md_draft_add_field (draft, label, value);
    }

  /* Mail channels send the rendered text; forms and portals get their
   * fields as copyable lines, then the free text for the form's message. */
  if (t->kind == MD_CHANNEL_EMAIL)
    draft->body = g_steal_pointer (&message);
  else
    {
      body = g_string_new (NULL);
      for (guint i = 0; i < draft->fields->len; i++)
        {
          const MdDraftField *field = g_ptr_array_index (draft->fields, i);

          g_string_append_printf (body, "%s: %s\n", field->label, field->value);
        }
      if (message != NULL)
        {
          if (body->len > 0)
            g_string_append_c (body, '\n');
          g_string_append (body, message);
        }
      draft->body = g_string_free (g_steal_pointer (&body), FALSE);
    }

  if (t->attach_rejection && !is_empty (rejection->text))
    {
      g_autoptr(GBytes) bytes = NULL;
      g_autofree char *text = g_strconcat (rejection->text, "\n", NULL);
      gsize len = strlen (text);

      bytes = g_bytes_new_take (g_steal_pointer (&text), len);
      md_draft_add_attachment (draft, "rejection.txt", "text/plain; charset=utf-8", bytes);
    }
  /* Only a mail GMime could read within the input's guards is attached. */
  if (t->attach_original && input != NULL && md_input_get_message (input, message_of (rejection)) != NULL)
    {
      g_autoptr(GBytes) original_eml = md_input_dup_message_bytes (input, message_of (rejection));

      md_draft_add_attachment (draft, "bounce.eml", "message/rfc822", original_eml);
    }

  steps = g_strv_builder_new ();
  for (guint i = 0; i < t->steps->len; i++)
    {
      g_autofree char *step = md_data_text_translate (g_ptr_array_index (t->steps, i));
      g_strv_builder_add (steps, step);
    }
  g_strfreev (draft->steps);
  draft->steps = g_strv_builder_end (steps);

  warnings = g_strv_builder_new ();
  for (guint i = 0; i < t->warnings->len; i++)
    {
      g_autofree char *warning = md_data_text_translate (g_ptr_array_index (t->warnings, i));
      g_strv_builder_add (warnings, warning);
    }
  add_fact_warnings (warnings, t, rejection, profile, facts);
  g_strfreev (draft->warnings);
  draft->warnings = g_strv_builder_end (warnings);

  return g_steal_pointer (&draft);
}
