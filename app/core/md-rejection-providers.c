/* md-rejection-providers.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Which receiver a rejection comes from: the rejecting host, a marker in the
 * text, the recipient's domain — rules in resources/data/rejection-providers.xml. */

#include "config.h"

#include "md-util.h"
#include "md-rejection-parser-private.h"

/* Which receiver a host name, a text marker or an address domain belongs
 * to: resources/data/rejection-providers.xml, read once. */
typedef struct
{
  char *pattern;
  char *provider;
  char *service;
} ProviderRule;

typedef struct
{
  GPtrArray *hosts;    /* ProviderRule* */
  GPtrArray *texts;    /* lower-case patterns */
  GPtrArray *domains;
  GPtrArray *current;  /* while parsing */
} ProviderRules;

static void
provider_rule_free (ProviderRule *rule)
{
  g_free (rule->pattern);
  g_free (rule->provider);
  g_free (rule->service);
  g_free (rule);
}

static void
provider_rules_start_element (GMarkupParseContext  *context,
                              const char           *element,
                              const char          **names,
                              const char          **values,
                              gpointer              user_data,
                              GError              **error)
{
  ProviderRules *rules = user_data;
  const char *match = NULL, *provider = NULL, *service = NULL;
  ProviderRule *rule;

  if (g_str_equal (element, "hosts"))
    rules->current = rules->hosts;
  else if (g_str_equal (element, "texts"))
    rules->current = rules->texts;
  else if (g_str_equal (element, "domains"))
    rules->current = rules->domains;
  if (!g_str_equal (element, "rule"))
    return;

  if (!g_markup_collect_attributes (element, names, values, error,
                                    G_MARKUP_COLLECT_STRING, "match", &match,
                                    G_MARKUP_COLLECT_STRING, "provider", &provider,
                                    G_MARKUP_COLLECT_STRING | G_MARKUP_COLLECT_OPTIONAL, "service", &service,
                                    G_MARKUP_COLLECT_INVALID))
    return;
  if (rules->current == NULL)
    {
      g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                   "<rule> outside <hosts>, <texts> or <domains>");
      return;
    }

  rule = g_new0 (ProviderRule, 1);
  rule->pattern = g_ascii_strdown (match, -1);
  rule->provider = g_strdup (provider);
  rule->service = g_strdup (service);
  g_ptr_array_add (rules->current, rule);
}

static const ProviderRules *
provider_rules_get (void)
{
  static gsize once = 0;
  static ProviderRules rules;

  if (g_once_init_enter (&once))
    {
      static const GMarkupParser parser = { provider_rules_start_element, NULL, NULL, NULL, NULL };
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = NULL;

      rules.hosts = g_ptr_array_new_with_free_func ((GDestroyNotify) provider_rule_free);
      rules.texts = g_ptr_array_new_with_free_func ((GDestroyNotify) provider_rule_free);
      rules.domains = g_ptr_array_new_with_free_func ((GDestroyNotify) provider_rule_free);

      bytes = md_load_data_resource ("rejection-providers.xml", &error);
      if (bytes != NULL)
        {
          gsize len;
          const char *data = g_bytes_get_data (bytes, &len);

          md_data_parse_markup (&parser, 0, &rules, data, len, &error);
        }
      /* The file is compiled in: failing to read it is a build error. */
      if (error != NULL)
        g_critical ("rejection-providers.xml: %s", error->message);
      rules.current = NULL;
      g_once_init_leave (&once, 1);
    }

  return &rules;
}

static gboolean
host_has_suffix (const char *host,
                 const char *suffix)
{
  gsize hl = strlen (host), sl = strlen (suffix);

  if (hl < sl || g_ascii_strcasecmp (host + hl - sl, suffix) != 0)
    return FALSE;
  return hl == sl || host[hl - sl - 1] == '.' || host[hl - sl - 1] == '-';
}

static const ProviderRule *
provider_for_host (const char *host)
{
  GPtrArray *rules = provider_rules_get ()->hosts;

  if (host == NULL)
    return NULL;
  for (guint i = 0; i < rules->len; i++)
    {
      const ProviderRule *rule = g_ptr_array_index (rules, i);
      if (host_has_suffix (host, rule->pattern))
        return rule;
    }
  return NULL;
}

static const ProviderRule *
provider_for_text (const char *text)
{
  GPtrArray *rules = provider_rules_get ()->texts;
  g_autofree char *lower = NULL;

  if (text == NULL)
    return NULL;
  /* One lower-case copy, then the C library's fast strstr per marker. */
  lower = g_ascii_strdown (text, -1);
  for (guint i = 0; i < rules->len; i++)
    {
      const ProviderRule *rule = g_ptr_array_index (rules, i);
      if (strstr (lower, rule->pattern) != NULL)
        return rule;
    }
  return NULL;
}

static const ProviderRule *
provider_for_recipient (const char *recipient)
{
  GPtrArray *rules = provider_rules_get ()->domains;
  const char *domain = recipient ? strrchr (recipient, '@') : NULL;

  if (domain == NULL)
    return NULL;
  domain++;
  for (guint i = 0; i < rules->len; i++)
    {
      const ProviderRule *rule = g_ptr_array_index (rules, i);
      if (has_prefix_ci (domain, rule->pattern))
        return rule;
    }
  return NULL;
}

static gboolean
has_reference_prefix (const MdRejection *r,
                      const char        *prefix)
{
  for (guint i = 0; r->references[i]; i++)
    if (g_str_has_prefix (r->references[i], prefix))
      return TRUE;
  return FALSE;
}

/* The provider of @host for a rejection that names none: the server that
 * wrote an Exchange NDR rejected it itself. */
void
md_rejection_provider_from_host (MdRejection *r,
                                 const char  *host)
{
  const ProviderRule *rule;

  if (r->provider != NULL || (rule = provider_for_host (host)) == NULL)
    return;
  set_str (&r->provider, rule->provider);
  set_str (&r->service, rule->service);
}

void
md_rejection_detect_provider (MdRejection *r)
{
  const ProviderRule *rule;

  rule = provider_for_host (r->remote_host);
  if (rule == NULL)
    rule = provider_for_text (r->text);
  if (rule == NULL)
    rule = provider_for_recipient (r->recipient);
  if (rule == NULL)
    return;

  set_str (&r->provider, rule->provider);
  set_str (&r->service, rule->service);

  if (g_str_equal (rule->provider, "microsoft") && r->service == NULL)
    {
      /* Outlook.com's consumer codes vs. Exchange Online's anti-spam ids. */
      if (has_reference_prefix (r, "S3") || has_reference_prefix (r, "SC-") ||
          has_reference_prefix (r, "OU-") || has_reference_prefix (r, "DY-") ||
          has_reference_prefix (r, "RP-"))
        set_str (&r->service, "outlook-com");
      else if (has_reference_prefix (r, "AS"))
        set_str (&r->service, "exchange-online");
      else
        {
          const ProviderRule *d = provider_for_recipient (r->recipient);
          if (d != NULL && d->service != NULL)
            set_str (&r->service, d->service);
        }
    }
}
