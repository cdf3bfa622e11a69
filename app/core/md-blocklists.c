/* md-blocklists.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-blocklists.h"
#include "md-data.h"
#include "md-resolver.h"
#include "md-util.h"

typedef struct
{
  GInetAddressMask  *mask;      /* codes and refusals */
  guint              bit;       /* bitmask lists */
  MdBlocklistAnswer  answer;
  char              *meaning;   /* translated */
  char              *cause;     /* refusals: "resolver", "key", or NULL */
} Code;

G_DEFINE_QUARK (md-blocklist-error-quark, md_blocklist_error)
G_DEFINE_BOXED_TYPE (MdBlocklist, md_blocklist, md_blocklist_ref, md_blocklist_unref)

static void
code_free (Code *code)
{
  g_clear_object (&code->mask);
  g_free (code->meaning);
  g_free (code->cause);
  g_free (code);
}

static MdBlocklist *
md_blocklist_new (void)
{
  MdBlocklist *list = g_new0 (MdBlocklist, 1);

  g_atomic_ref_count_init (&list->ref_count);
  list->codes = g_ptr_array_new_with_free_func ((GDestroyNotify) code_free);
  list->bits = g_ptr_array_new_with_free_func ((GDestroyNotify) code_free);
  list->refusals = g_ptr_array_new_with_free_func ((GDestroyNotify) code_free);
  list->status_confirmed = TRUE;

  return list;
}

MdBlocklist *
md_blocklist_ref (MdBlocklist *list)
{
  g_return_val_if_fail (list != NULL, NULL);

  g_atomic_ref_count_inc (&list->ref_count);

  return list;
}

void
md_blocklist_unref (MdBlocklist *list)
{
  g_return_if_fail (list != NULL);

  if (!g_atomic_ref_count_dec (&list->ref_count))
    return;

  g_free (list->zone);
  g_free (list->key);
  g_free (list->key_zone);
  g_free (list->name);
  g_free (list->operator_name);
  g_free (list->purpose);
  g_free (list->usage);
  g_free (list->note);
  g_free (list->removal);
  g_free (list->lookup);
  g_free (list->test_listed);
  g_free (list->test_unlisted);
  g_free (list->test6_listed);
  g_free (list->test6_unlisted);
  g_strfreev (list->receivers);
  g_strfreev (list->sources);
  g_ptr_array_unref (list->codes);
  g_ptr_array_unref (list->bits);
  g_ptr_array_unref (list->refusals);
  g_free (list);
}

/* Parsing the catalog (resources/data/blocklists.xml). GMarkup rather than a
 * DOM: the file is small and flat, and GLib's parser gives line numbers in
 * its errors for free. */

typedef struct
{
  GPtrArray   *lists;
  MdBlocklist *current;
  Code        *code;        /* being filled: its text is the meaning */
  GPtrArray   *code_target;
  GString     *text;
  gboolean     in_text;
  GPtrArray   *receivers;
  GPtrArray   *sources;
  char        *element;
} ParseState;

static const char *text_elements[] = {
  "name", "operator", "purpose", "usage", "note", "removal", "receiver", "source", "lookup", NULL
};

static gboolean
parse_enum (const char  *value,
            const char **names,
            int         *out)
{
  for (int i = 0; names[i] != NULL; i++)
    {
      if (g_strcmp0 (value, names[i]) == 0)
        {
          *out = i;
          return TRUE;
        }
    }

  return FALSE;
}

static gboolean
is_domain_name (const char *text)
{
  g_autofree char *normalized = md_blocklist_normalize_domain (text);

  return normalized != NULL;
}

static const char *kind_names[] = { "ipv4", "ipv4+ipv6", "domain", NULL };
static const char *weight_names[] = { "low", "medium", "high", NULL };
static const char *policy_names[] = {
  "free", "limited", "registration", "refuses-public-resolvers", NULL
};

static GInetAddressMask *
parse_mask (const char *value)
{
  GInetAddressMask *mask;
  GInetAddress *address;

  if (value == NULL)
    return NULL;

  mask = g_inet_address_mask_new_from_string (value, NULL);
  if (mask == NULL)
    return NULL;

  address = g_inet_address_mask_get_address (mask);
  if (g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV4)
    g_clear_object (&mask);

  return mask;
}

static gboolean
valid_test_entry (const MdBlocklist *list,
                  const char        *value,
                  GSocketFamily      family)
{
  g_autoptr(GInetAddress) address = NULL;

  if (value == NULL)
    return TRUE;

  if (list->kind == MD_BLOCKLIST_KIND_DOMAIN)
    return !g_hostname_is_ip_address (value) && strchr (value, ' ') == NULL;

  address = g_inet_address_new_from_string (value);

  return address != NULL && g_inet_address_get_family (address) == family;
}

#define FAIL(...) G_STMT_START { \
    md_data_set_error (context, error, MD_BLOCKLIST_ERROR, MD_BLOCKLIST_ERROR_INVALID_DATA, \
                       "blocklists.xml", __VA_ARGS__); \
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

  if (g_str_equal (element_name, "blocklist"))
    {
      const char *zone = NULL, *kind = NULL, *weight = NULL, *policy = NULL, *status = NULL;
      const char *key = NULL, *key_zone = NULL, *query = NULL;
      int value;

      if (state->current != NULL)
        FAIL ("nested <blocklist>");
      if (!g_markup_collect_attributes (element_name, attribute_names, attribute_values, error,
                                        G_MARKUP_COLLECT_STRING, "zone", &zone,
                                        G_MARKUP_COLLECT_STRING, "kind", &kind,
                                        G_MARKUP_COLLECT_STRING, "weight", &weight,
                                        G_MARKUP_COLLECT_STRING, "policy", &policy,
                                        G_MARKUP_COLLECT_STRING, "status", &status,
                                        G_MARKUP_COLLECT_STRING | G_MARKUP_COLLECT_OPTIONAL,
                                        "key", &key,
                                        G_MARKUP_COLLECT_STRING | G_MARKUP_COLLECT_OPTIONAL,
                                        "key-zone", &key_zone,
                                        G_MARKUP_COLLECT_STRING | G_MARKUP_COLLECT_OPTIONAL,
                                        "query", &query,
                                        G_MARKUP_COLLECT_INVALID))
        return;

      state->current = md_blocklist_new ();
      state->current->zone = g_ascii_strdown (zone, -1);
      if ((key == NULL) != (key_zone == NULL))
        FAIL ("%s: key and key-zone go together", zone);
      /* The template holds the key exactly once, as "{key}", ahead of the
       * rest of the name. */
      if (key_zone != NULL &&
          (!g_str_has_prefix (key_zone, "{key}.") || strstr (key_zone + 6, "{key}") != NULL ||
           !is_domain_name (key_zone + 6)))
        FAIL ("%s: key-zone must be “{key}.zone”, not “%s”", zone, key_zone);
      if (query == NULL || g_str_equal (query, "dns"))
        state->current->query = MD_BLOCKLIST_QUERY_DNS;
      else if (g_str_equal (query, "key"))
        state->current->query = MD_BLOCKLIST_QUERY_KEY;
      else if (g_str_equal (query, "none"))
        state->current->query = MD_BLOCKLIST_QUERY_NONE;
      else if (g_str_equal (query, "defunct"))
        state->current->query = MD_BLOCKLIST_QUERY_DEFUNCT;
      else
        FAIL ("%s: unknown query “%s”", zone, query);
      if (state->current->query == MD_BLOCKLIST_QUERY_KEY && key == NULL)
        FAIL ("%s: query=\"key\" needs key and key-zone", zone);
      state->current->key = g_strdup (key);
      state->current->key_zone = key_zone ? g_ascii_strdown (key_zone, -1) : NULL;
      if (!parse_enum (kind, kind_names, &value))
        FAIL ("%s: unknown kind “%s”", zone, kind);
      state->current->kind = value;
      if (!parse_enum (weight, weight_names, &value))
        FAIL ("%s: unknown weight “%s”", zone, weight);
      state->current->weight = value;
      if (!parse_enum (policy, policy_names, &value))
        FAIL ("%s: unknown policy “%s”", zone, policy);
      state->current->policy = value;
      if (g_str_equal (status, "unconfirmed"))
        state->current->status_confirmed = FALSE;
      else if (!g_str_equal (status, "active"))
        FAIL ("%s: unknown status “%s”", zone, status);

      state->receivers = g_ptr_array_new_with_free_func (g_free);
      state->sources = g_ptr_array_new_with_free_func (g_free);
      return;
    }

  if (state->current == NULL)
    FAIL ("<%s> outside <blocklist>", element_name);

  if (g_str_equal (element_name, "receivers"))
    return;

  if (g_str_equal (element_name, "code") || g_str_equal (element_name, "refusal") ||
      g_str_equal (element_name, "bit"))
    {
      const char *value = NULL, *verdict = NULL, *translatable = NULL, *cause = NULL;
      g_autofree Code *code = g_new0 (Code, 1);

      if (!g_markup_collect_attributes (element_name, attribute_names, attribute_values, error,
                                        G_MARKUP_COLLECT_STRING, "value", &value,
                                        G_MARKUP_COLLECT_STRING | G_MARKUP_COLLECT_OPTIONAL,
                                        "verdict", &verdict,
                                        G_MARKUP_COLLECT_STRING | G_MARKUP_COLLECT_OPTIONAL,
                                        "cause", &cause,
                                        G_MARKUP_COLLECT_STRING | G_MARKUP_COLLECT_OPTIONAL,
                                        "translatable", &translatable,
                                        G_MARKUP_COLLECT_INVALID))
        return;

      if (g_str_equal (element_name, "bit"))
        {
          guint64 bit = 0;

          if (!g_ascii_string_to_unsigned (value, 10, 1, 128, &bit, NULL) || (bit & (bit - 1)) != 0)
            FAIL ("%s: bad bit “%s”", state->current->zone, value);
          code->bit = bit;
          code->answer = MD_BLOCKLIST_ANSWER_LISTED;
          state->code_target = state->current->bits;
        }
      else
        {
          code->mask = parse_mask (value);
          if (code->mask == NULL)
            FAIL ("%s: bad code “%s”", state->current->zone, value);
          if (cause != NULL && (!g_str_equal (element_name, "refusal") ||
                                (!g_str_equal (cause, "resolver") && !g_str_equal (cause, "key"))))
            {
              g_clear_object (&code->mask);
              FAIL ("%s: bad cause “%s”", state->current->zone, cause);
            }
          if (g_str_equal (element_name, "refusal"))
            {
              code->answer = MD_BLOCKLIST_ANSWER_REFUSED;
              code->cause = g_strdup (cause);
              state->code_target = state->current->refusals;
            }
          else
            {
              if (verdict == NULL || g_str_equal (verdict, "listed"))
                code->answer = MD_BLOCKLIST_ANSWER_LISTED;
              else if (g_str_equal (verdict, "clean"))
                code->answer = MD_BLOCKLIST_ANSWER_CLEAN;
              else
                {
                  g_clear_object (&code->mask);
                  FAIL ("%s: bad verdict “%s”", state->current->zone, verdict);
                }
              state->code_target = state->current->codes;
            }
        }

      state->code = g_steal_pointer (&code);
      g_string_truncate (state->text, 0);
      state->in_text = TRUE;
      return;
    }

  if (g_str_equal (element_name, "test") || g_str_equal (element_name, "test-ipv6"))
    {
      const char *listed = NULL, *unlisted = NULL;
      gboolean v6 = g_str_equal (element_name, "test-ipv6");
      GSocketFamily family = v6 ? G_SOCKET_FAMILY_IPV6 : G_SOCKET_FAMILY_IPV4;

      if (!g_markup_collect_attributes (element_name, attribute_names, attribute_values, error,
                                        G_MARKUP_COLLECT_STRING, "listed", &listed,
                                        G_MARKUP_COLLECT_STRING | G_MARKUP_COLLECT_OPTIONAL,
                                        "unlisted", &unlisted,
                                        G_MARKUP_COLLECT_INVALID))
        return;
      if (!valid_test_entry (state->current, listed, family) ||
          !valid_test_entry (state->current, unlisted, family))
        FAIL ("%s: bad test entry", state->current->zone);
      if (v6 && state->current->kind != MD_BLOCKLIST_KIND_IPV4_IPV6)
        FAIL ("%s: IPv6 test entry on a list without IPv6", state->current->zone);

      if (v6)
        {
          state->current->test6_listed = g_strdup (listed);
          state->current->test6_unlisted = g_strdup (unlisted);
        }
      else
        {
          state->current->test_listed = g_ascii_strdown (listed, -1);
          state->current->test_unlisted = unlisted ? g_ascii_strdown (unlisted, -1) : NULL;
        }
      return;
    }

  if (g_strv_contains (text_elements, element_name))
    {
      g_free (state->element);
      state->element = g_strdup (element_name);
      g_string_truncate (state->text, 0);
      state->in_text = TRUE;
      return;
    }

  FAIL ("%s: unknown element <%s>", state->current->zone, element_name);
}

static void
end_element_cb (GMarkupParseContext  *context,
                const char           *element_name,
                gpointer              user_data,
                GError              **error)
{
  ParseState *state = user_data;
  MdBlocklist *list = state->current;

  if (list == NULL)
    return;

  if (state->code != NULL)
    {
      state->code->meaning = md_data_text_translate (state->text->str);
      if (state->code->meaning[0] == '\0')
        FAIL ("%s: <%s> without a meaning", list->zone, element_name);
      g_ptr_array_add (state->code_target, g_steal_pointer (&state->code));
      state->in_text = FALSE;
      return;
    }

  if (state->element != NULL && g_str_equal (element_name, state->element))
    {
      g_autofree char *plain = md_normalize_space (state->text->str);

      if (g_str_equal (element_name, "name"))
        list->name = g_steal_pointer (&plain);
      else if (g_str_equal (element_name, "operator"))
        list->operator_name = g_steal_pointer (&plain);
      else if (g_str_equal (element_name, "purpose"))
        list->purpose = md_data_text_translate (plain);
      else if (g_str_equal (element_name, "usage"))
        list->usage = md_data_text_translate (plain);
      else if (g_str_equal (element_name, "note"))
        list->note = md_data_text_translate (plain);
      else if (g_str_equal (element_name, "lookup"))
        list->lookup = g_steal_pointer (&plain);
      else if (g_str_equal (element_name, "removal"))
        list->removal = g_steal_pointer (&plain);
      else if (g_str_equal (element_name, "receiver"))
        g_ptr_array_add (state->receivers, g_steal_pointer (&plain));
      else if (g_str_equal (element_name, "source"))
        g_ptr_array_add (state->sources, g_steal_pointer (&plain));

      g_clear_pointer (&state->element, g_free);
      state->in_text = FALSE;
      return;
    }

  if (g_str_equal (element_name, "blocklist"))
    {
      const char *missing = NULL;

      if (list->name == NULL || list->name[0] == '\0')
        missing = "name";
      else if (list->operator_name == NULL)
        missing = "operator";
      else if (list->purpose == NULL)
        missing = "purpose";
      else if (list->usage == NULL)
        missing = "usage";
      else if (list->removal == NULL)
        missing = "removal";
      else if (list->test_listed == NULL && list->query <= MD_BLOCKLIST_QUERY_KEY)
        missing = "test";
      else if (list->query >= MD_BLOCKLIST_QUERY_NONE && list->lookup == NULL)
        missing = "lookup";
      else if (list->kind == MD_BLOCKLIST_KIND_IPV4_IPV6 && list->test6_listed == NULL &&
               list->query <= MD_BLOCKLIST_QUERY_KEY)
        missing = "test-ipv6";
      else if (state->sources->len == 0)
        missing = "source";
      if (missing != NULL)
        FAIL ("%s: no <%s>", list->zone, missing);

      g_ptr_array_add (state->receivers, NULL);
      list->receivers = (GStrv) g_ptr_array_free (g_steal_pointer (&state->receivers), FALSE);
      g_ptr_array_add (state->sources, NULL);
      list->sources = (GStrv) g_ptr_array_free (g_steal_pointer (&state->sources), FALSE);

      for (guint i = 0; i < state->lists->len; i++)
        {
          MdBlocklist *other = g_ptr_array_index (state->lists, i);

          if (g_str_equal (other->zone, list->zone))
            FAIL ("%s: listed twice", list->zone);
        }

      g_ptr_array_add (state->lists, g_steal_pointer (&state->current));
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

  if (state->in_text)
    g_string_append_len (state->text, text, text_len);
}

static gpointer
catalog_begin (void)
{
  ParseState *state = g_new0 (ParseState, 1);

  state->lists = g_ptr_array_new_with_free_func ((GDestroyNotify) md_blocklist_unref);
  state->text = g_string_new (NULL);

  return state;
}

static gpointer
catalog_end (gpointer   data,
             gboolean   parsed,
             GError   **error)
{
  ParseState *state = data;
  GPtrArray *lists = g_steal_pointer (&state->lists);

  g_clear_pointer (&state->current, md_blocklist_unref);
  g_clear_pointer (&state->code, code_free);
  g_clear_pointer (&state->receivers, g_ptr_array_unref);
  g_clear_pointer (&state->sources, g_ptr_array_unref);
  g_clear_pointer (&state->element, g_free);
  g_string_free (state->text, TRUE);
  g_free (state);

  if (!parsed)
    {
      g_ptr_array_unref (lists);
      return NULL;
    }

  return lists;
}

static const MdDataFile catalog_file = {
  "blocklists.xml",
  { start_element_cb, end_element_cb, text_cb, NULL, NULL },
  G_MARKUP_TREAT_CDATA_AS_TEXT,
  catalog_begin,
  catalog_end,
  (GDestroyNotify) g_ptr_array_unref,
};

/* The lists of @data (a blocklists.xml), in file order: a new array. */
GPtrArray *
md_blocklist_catalog_parse (const char  *data,
                            gssize       length,
                            GError     **error)
{
  g_return_val_if_fail (data != NULL, NULL);

  return md_data_file_parse (&catalog_file, data, length, error);
}

/* The catalog compiled into the engine (or the file G_RESOURCE_OVERLAYS
 * puts in its place), in file order, read once: a new reference to the
 * shared array, which nobody changes. */
GPtrArray *
md_blocklist_catalog_load (GError **error)
{
  GPtrArray *lists = md_data_file_get (&catalog_file, error);

  return lists != NULL ? g_ptr_array_ref (lists) : NULL;
}

gboolean
md_blocklist_is_domain_list (const MdBlocklist *list)
{
  g_return_val_if_fail (list != NULL, FALSE);

  return list->kind == MD_BLOCKLIST_KIND_DOMAIN;
}

gboolean
md_blocklist_supports_address (const MdBlocklist *list,
                               GInetAddress      *address)
{
  g_return_val_if_fail (list != NULL, FALSE);
  g_return_val_if_fail (G_IS_INET_ADDRESS (address), FALSE);

  switch (list->kind)
    {
    case MD_BLOCKLIST_KIND_IPV4:
      return g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4;
    case MD_BLOCKLIST_KIND_IPV4_IPV6:
      return TRUE;
    case MD_BLOCKLIST_KIND_DOMAIN:
    default:
      return FALSE;
    }
}

/* Lower-case ASCII (IDNA) form of a domain name, without the trailing dot,
 * or NULL when @text is not one: an IP address, an empty label, a character
 * no host name has. */
char *
md_blocklist_normalize_domain (const char *text)
{
  g_autofree char *ascii = NULL;
  g_autofree char *trimmed = NULL;
  gsize len;

  g_return_val_if_fail (text != NULL, NULL);

  trimmed = g_strstrip (g_strdup (text));
  len = strlen (trimmed);
  if (len > 0 && trimmed[len - 1] == '.')
    trimmed[len - 1] = '\0';
  if (trimmed[0] == '\0' || g_hostname_is_ip_address (trimmed))
    return NULL;

  ascii = g_hostname_to_ascii (trimmed);
  if (ascii == NULL || strlen (ascii) > 253)
    return NULL;

  for (const char *p = ascii; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.' && *p != '_')
      return NULL;
  if (strstr (ascii, "..") != NULL || ascii[0] == '.')
    return NULL;

  return g_ascii_strdown (ascii, -1);
}

/* The question to ask the list about @subject: an IP address for IP lists,
 * a domain for domain lists (RFC 5782 §3: the name itself, then the zone). */
char *
md_blocklist_query_name (const MdBlocklist  *list,
                         const char         *subject,
                         GError            **error)
{
  return md_blocklist_query_name_in (list, list->zone, subject, error);
}

/* Whether a check run asks the list: a public zone always, a keyed one
 * only when @keys has its key, the others never. */
gboolean
md_blocklist_is_queryable (const MdBlocklist *list,
                           GHashTable        *keys)
{
  g_return_val_if_fail (list != NULL, FALSE);

  switch (list->query)
    {
    case MD_BLOCKLIST_QUERY_DNS:
      return TRUE;
    case MD_BLOCKLIST_QUERY_KEY:
      return keys != NULL && list->key != NULL &&
             md_blocklist_key_is_valid (g_hash_table_lookup (keys, list->key));
    case MD_BLOCKLIST_QUERY_NONE:
    case MD_BLOCKLIST_QUERY_DEFUNCT:
    default:
      return FALSE;
    }
}

/* A key is a DNS label: letters and digits only, so a pasted key can never
 * change where the question goes. */
gboolean
md_blocklist_key_is_valid (const char *key)
{
  gsize len;

  if (key == NULL)
    return FALSE;
  len = strlen (key);
  if (len == 0 || len > 63)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (key[i]))
      return FALSE;

  return TRUE;
}

/**
 * md_blocklist_query_zone:
 * @list: a list
 * @keys: (nullable): key id → key (MdCheckRunOptions.keys)
 *
 * Where the list is asked: its key zone ("<key>.zen.dq.spamhaus.net") when
 * @keys has a valid key for it, else its public zone.
 *
 * Returns: (transfer full): the zone
 */
char *
md_blocklist_query_zone (const MdBlocklist *list,
                         GHashTable        *keys)
{
  const char *key = NULL;

  g_return_val_if_fail (list != NULL, NULL);

  if (list->key != NULL && keys != NULL)
    key = g_hash_table_lookup (keys, list->key);
  if (!md_blocklist_key_is_valid (key))
    return g_strdup (list->zone);

  return g_strconcat (key, list->key_zone + strlen ("{key}"), NULL);
}

/* The RFC 5782 "must be listed" entry's query name in @zone (see
 * md_blocklist_query_zone()), or NULL when the list has none for the family. */
char *
md_blocklist_test_query_name (const MdBlocklist *list,
                              gboolean           ipv6,
                              GHashTable        *keys)
{
  g_autofree char *zone = NULL;
  const char *entry;

  g_return_val_if_fail (list != NULL, NULL);

  entry = ipv6 && list->kind != MD_BLOCKLIST_KIND_DOMAIN ? list->test6_listed : list->test_listed;
  if (entry == NULL)
    return NULL;
  zone = md_blocklist_query_zone (list, keys);

  return md_blocklist_entry_query_name (list, zone, entry);
}

/* An RFC 5782 test entry (127.0.0.2, ::ffff:7f00:2, "test") in @zone. */
char *
md_blocklist_entry_query_name (const MdBlocklist *list,
                               const char        *zone,
                               const char        *entry)
{
  g_autoptr(GInetAddress) address = NULL;

  if (list->kind == MD_BLOCKLIST_KIND_DOMAIN)
    return g_strconcat (entry, ".", zone, NULL);

  address = g_inet_address_new_from_string (entry);
  g_return_val_if_fail (address != NULL, NULL);

  return md_dns_reverse_name (address, zone);
}

char *
md_blocklist_query_name_in (const MdBlocklist  *list,
                            const char         *zone,
                            const char         *subject,
                            GError            **error)
{
  g_autoptr(GInetAddress) address = NULL;

  g_return_val_if_fail (list != NULL, NULL);
  g_return_val_if_fail (subject != NULL, NULL);

  if (list->kind == MD_BLOCKLIST_KIND_DOMAIN)
    {
      g_autofree char *domain = md_blocklist_normalize_domain (subject);

      if (domain == NULL)
        {
          g_set_error (error, MD_BLOCKLIST_ERROR, MD_BLOCKLIST_ERROR_INVALID_NAME,
                       _("“%s” is not a domain name"), subject);
          return NULL;
        }

      return g_strconcat (domain, ".", zone, NULL);
    }

  address = g_inet_address_new_from_string (subject);
  if (address == NULL)
    {
      g_set_error (error, MD_BLOCKLIST_ERROR, MD_BLOCKLIST_ERROR_INVALID_NAME,
                   _("“%s” is not an IP address"), subject);
      return NULL;
    }

  if (!md_blocklist_supports_address (list, address))
    {
      g_set_error (error, MD_BLOCKLIST_ERROR, MD_BLOCKLIST_ERROR_UNSUPPORTED,
                   _("%s does not list IPv6 addresses"), list->name);
      return NULL;
    }

  /* RFC 5782 §2.1 and §2.4: reversed octets or nibbles, then the zone. */
  return md_dns_reverse_name (address, zone);
}

/* Judges one A record of an answer. Order matters: a refusal code may lie
 * inside a range the list also uses for listings (URIBL's 127.0.0.1 is "bit 1"),
 * and refusals must never count as listings. */
/* Why the list refuses, when @address is one of its refusal codes:
 * "resolver" (the resolver asking: public, open, too many queries — its own
 * servers may answer), "key" (an access-key problem), or NULL (a refusal of
 * another kind, or no refusal at all). */
const char *
md_blocklist_refusal_cause (const MdBlocklist *list,
                            GInetAddress      *address)
{
  g_return_val_if_fail (list != NULL, NULL);
  g_return_val_if_fail (G_IS_INET_ADDRESS (address), NULL);

  if (g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV4)
    return NULL;

  for (guint i = 0; i < list->refusals->len; i++)
    {
      Code *code = g_ptr_array_index (list->refusals, i);

      if (g_inet_address_mask_matches (code->mask, address))
        return code->cause;
    }

  return NULL;
}

MdBlocklistAnswer
md_blocklist_classify (const MdBlocklist  *list,
                       GInetAddress       *address,
                       char              **meaning)
{
  g_autoptr(GInetAddressMask) loopback = NULL;
  const guint8 *bytes;

  g_return_val_if_fail (list != NULL, MD_BLOCKLIST_ANSWER_REWRITTEN);
  g_return_val_if_fail (G_IS_INET_ADDRESS (address), MD_BLOCKLIST_ANSWER_REWRITTEN);

  if (meaning != NULL)
    *meaning = NULL;

  loopback = g_inet_address_mask_new_from_string ("127.0.0.0/8", NULL);
  if (g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV4 ||
      !g_inet_address_mask_matches (loopback, address))
    return MD_BLOCKLIST_ANSWER_REWRITTEN;

  for (guint i = 0; i < list->refusals->len; i++)
    {
      Code *code = g_ptr_array_index (list->refusals, i);

      if (g_inet_address_mask_matches (code->mask, address))
        {
          if (meaning != NULL)
            *meaning = g_strdup (code->meaning);
          return MD_BLOCKLIST_ANSWER_REFUSED;
        }
    }

  for (guint i = 0; i < list->codes->len; i++)
    {
      Code *code = g_ptr_array_index (list->codes, i);

      if (g_inet_address_mask_matches (code->mask, address))
        {
          if (meaning != NULL)
            *meaning = g_strdup (code->meaning);
          return code->answer;
        }
    }

  bytes = g_inet_address_to_bytes (address);
  if (list->bits->len > 0 && bytes[1] == 0 && bytes[2] == 0)
    {
      g_autoptr(GString) meanings = g_string_new (NULL);

      for (guint i = 0; i < list->bits->len; i++)
        {
          Code *code = g_ptr_array_index (list->bits, i);

          if ((bytes[3] & code->bit) != 0)
            {
              if (meanings->len > 0)
                g_string_append (meanings, "; ");
              g_string_append (meanings, code->meaning);
            }
        }

      if (meanings->len > 0)
        {
          if (meaning != NULL)
            *meaning = g_string_free (g_steal_pointer (&meanings), FALSE);
          return MD_BLOCKLIST_ANSWER_LISTED;
        }
    }

  if (meaning != NULL)
    {
      g_autofree char *text = g_inet_address_to_string (address);

      /* Translators: %s is a DNS blocklist's answer such as 127.0.0.77 */
      *meaning = g_strdup_printf (_("undocumented code %s"), text);
    }

  return MD_BLOCKLIST_ANSWER_UNKNOWN_CODE;
}

guint
md_blocklist_get_n_codes (const MdBlocklist *list)
{
  g_return_val_if_fail (list != NULL, 0);

  return list->codes->len + list->bits->len;
}

const char *
md_blocklist_kind_to_string (MdBlocklistKind kind)
{
  return kind < G_N_ELEMENTS (kind_names) - 1 ? kind_names[kind] : "unknown";
}

const char *
md_blocklist_weight_to_string (MdBlocklistWeight weight)
{
  return weight < G_N_ELEMENTS (weight_names) - 1 ? weight_names[weight] : "unknown";
}

const char *
md_blocklist_policy_to_string (MdBlocklistPolicy policy)
{
  return policy < G_N_ELEMENTS (policy_names) - 1 ? policy_names[policy] : "unknown";
}
