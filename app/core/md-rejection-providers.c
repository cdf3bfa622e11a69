/* md-rejection-providers.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Which receiver a rejection comes from: the rejecting host, a marker in the
 * text, the recipient's domain — rules in resources/data/rejection-providers.xml. */

#include "config.h"

#include "md-data.h"
#include "md-receivers.h"
#include "md-util.h"
#include "md-rejection-parser-private.h"

/* Which receiver a host name, a text marker or an address domain belongs
 * to: resources/data/rejection-providers.xml, read once. A rule names a
 * receiver of receivers.xml (provider and service follow from it) or, where
 * the marker does not tell which of a provider's receivers it is, only the
 * provider. */
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

#define FAIL(...) G_STMT_START { \
    md_data_set_error (context, error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT, \
                       "rejection-providers.xml", __VA_ARGS__); \
    return; \
  } G_STMT_END

static void
provider_rules_start_element (GMarkupParseContext  *context,
                              const char           *element,
                              const char          **names,
                              const char          **values,
                              gpointer              user_data,
                              GError              **error)
{
  ProviderRules *rules = user_data;
  const char *match = NULL, *receiver_id = NULL, *provider = NULL;
  const MdReceiver *receiver = NULL;
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
                                    G_MARKUP_COLLECT_STRING | G_MARKUP_COLLECT_OPTIONAL,
                                    "receiver", &receiver_id,
                                    G_MARKUP_COLLECT_STRING | G_MARKUP_COLLECT_OPTIONAL,
                                    "provider", &provider,
                                    G_MARKUP_COLLECT_INVALID))
    return;
  if (rules->current == NULL)
    FAIL ("<rule> outside <hosts>, <texts> or <domains>");
  if ((receiver_id == NULL) == (provider == NULL))
    FAIL ("rule “%s”: names neither or both of receiver and provider", match);
  if (receiver_id != NULL && (receiver = md_receiver_lookup (receiver_id)) == NULL)
    FAIL ("rule “%s”: unknown receiver “%s”", match, receiver_id);
  if (provider != NULL && md_receiver_provider_name (provider) == NULL)
    FAIL ("rule “%s”: unknown provider “%s”", match, provider);

  rule = g_new0 (ProviderRule, 1);
  rule->pattern = g_ascii_strdown (match, -1);
  rule->provider = g_strdup (receiver != NULL ? receiver->provider : provider);
  rule->service = g_strdup (receiver != NULL ? receiver->service : NULL);
  g_ptr_array_add (rules->current, rule);
}

static void
provider_rules_free (ProviderRules *rules)
{
  g_ptr_array_unref (rules->hosts);
  g_ptr_array_unref (rules->texts);
  g_ptr_array_unref (rules->domains);
  g_free (rules);
}

static gpointer
provider_rules_begin (void)
{
  ProviderRules *rules = g_new0 (ProviderRules, 1);

  rules->hosts = g_ptr_array_new_with_free_func ((GDestroyNotify) provider_rule_free);
  rules->texts = g_ptr_array_new_with_free_func ((GDestroyNotify) provider_rule_free);
  rules->domains = g_ptr_array_new_with_free_func ((GDestroyNotify) provider_rule_free);

  return rules;
}

static gpointer
provider_rules_end (gpointer   data,
                    gboolean   parsed,
                    GError   **error)
{
  ProviderRules *rules = data;

  if (!parsed)
    {
      provider_rules_free (rules);
      return NULL;
    }

  rules->current = NULL;
  return rules;
}

static const MdDataFile provider_rules_file = {
  "rejection-providers.xml",
  { provider_rules_start_element, NULL, NULL, NULL, NULL },
  0,
  provider_rules_begin,
  provider_rules_end,
  (GDestroyNotify) provider_rules_free,
};

static const ProviderRules *
provider_rules_get (void)
{
  static gsize reported = 0;
  static ProviderRules *empty = NULL;
  g_autoptr(GError) error = NULL;
  const ProviderRules *rules = md_data_file_get (&provider_rules_file, &error);

  if (rules != NULL)
    return rules;

  /* The file is compiled in: failing to read it is a build error, said
   * once; the parser goes on recognising no receiver. */
  if (g_once_init_enter (&reported))
    {
      g_critical ("%s", error->message);
      empty = provider_rules_begin ();
      g_once_init_leave (&reported, 1);
    }

  return empty;
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
      const MdReceiver *receiver = NULL;

      /* Outlook.com's consumer codes vs. Exchange Online's anti-spam ids. */
      if (has_reference_prefix (r, "S3") || has_reference_prefix (r, "SC-") ||
          has_reference_prefix (r, "OU-") || has_reference_prefix (r, "DY-") ||
          has_reference_prefix (r, "RP-"))
        receiver = md_receiver_lookup ("outlook-com");
      else if (has_reference_prefix (r, "AS"))
        receiver = md_receiver_lookup ("microsoft-365");

      if (receiver != NULL)
        set_str (&r->service, receiver->service);
      else
        {
          const ProviderRule *d = provider_for_recipient (r->recipient);
          if (d != NULL && d->service != NULL)
            set_str (&r->service, d->service);
        }
    }
}
