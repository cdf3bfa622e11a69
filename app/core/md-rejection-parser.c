/* md-rejection-parser.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <gmime/gmime.h>
#include <string.h>

#include "md-rejection-parser.h"
#include "md-util.h"

/* Everything here runs in linear time over the input with bounded memory:
 * input is read line by line, only the first MAX_LINE bytes of a line are
 * looked at, a logical block is at most MAX_BLOCK_LINES / MAX_BLOCK_BYTES,
 * every regular expression is fed a bounded block and has bounded
 * quantifiers, and duplicates are found through hash tables. */
#define MAX_LINE          8192
#define MAX_BLOCK_LINES   48
#define MAX_BLOCK_BYTES   8192
#define MAX_TEXT          4096
#define MAX_MIME_DEPTH    12
#define MAX_MIME_PARTS    256
#define MAX_MULTIPARTS    64
#define MAX_MESSAGE_SIZE  ((gsize) 64 * 1024 * 1024)
#define MAX_REFERENCES    16
#define MAX_CONTACTS      16

/* GMime 3.2 does not declare these. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)

G_DEFINE_QUARK (md-rejection-parser-error-quark, md_rejection_parser_error)

/* ------------------------------------------------------------------------ */
/* Patterns                                                                  */

typedef struct
{
  GRegex *host_ip;        /* host H[IP], host H [IP], relay=H[IP], H=H [IP] */
  GRegex *relay_quoted;   /* OpenSMTPD relay="IP (H)" */
  GRegex *qmail_ip;       /* qmail: "Connected to IP but", "IP does not like recipient" */
  GRegex *host_only;      /* GMX "host: H", sendmail "while talking to H.:" */
  GRegex *dma_host;       /* DragonFly: "H [IP] did not like our final DATA:" */
  GRegex *stage;
  GRegex *stage_connect;
  GRegex *blocked[19];
  GRegex *ref_as_paren;   /* AS(1410) */
  GRegex *ref_paren;      /* (AS16012609), (S3150) */
  GRegex *ref_olc;        /* SC-001, OU-002, DY-001, RP-001 */
  GRegex *ref_yahoo;      /* [TSS04], IPTS04 */
  GRegex *ref_tonline;    /* (BL), (NOWL) */
  GRegex *ref_server_id;  /* [CB1PEPF0000205E.namprd00.prod.outlook.com] */
  GRegex *ref_old_ms;     /* (BAY004-MC4F25) */
  GRegex *ref_case;       /* GMX/web.de/IONOS: case?c=r0201 */
  GRegex *ref_other;      /* Apple [CS01], Comcast BL000010, Orange OFR_999 */
} Patterns;

#define IPCHARS "([0-9A-Fa-f:.]{3,45})"

static GRegex *
compile (const char *pattern)
{
  g_autoptr(GError) error = NULL;
  GRegex *regex;

  regex = g_regex_new (pattern, G_REGEX_OPTIMIZE | G_REGEX_CASELESS, 0, &error);
  /* The patterns are constants: a failure is a programming error. */
  g_assert_no_error (error);

  return regex;
}

static const Patterns *
patterns_get (void)
{
  static gsize once = 0;
  static Patterns p;

  if (g_once_init_enter (&once))
    {
      static const char *blocked[G_N_ELEMENTS (p.blocked)] = {
        "banned send(?:er|ing IP)\\s?\\[" IPCHARS "\\]",
        "client host \\[" IPCHARS "\\]",
        "messages from \\[?" IPCHARS "\\]?",
        "\\bIP=" IPCHARS,
        "[?&;]v=" IPCHARS,
        "with ip: ?\\[" IPCHARS "\\]",
        "^[245][0-9]{2}[ -](?:[245]\\.[0-9]{1,3}\\.[0-9]{1,3} )?\\[" IPCHARS "(?:\\s{1,20}[0-9]{1,3})?\\]",
        "\\b" IPCHARS " (?:found on|is listed|listed (?:on|in|at)|is blocked|is blacklisted)",
        "mail server \\[" IPCHARS "\\]",
        "try again later from \\[" IPCHARS "\\]",
        "spamhaus\\.org/(?:query/ip/|returnc/[a-z]{1,8}/|query/bl\\?ip=)" IPCHARS,
        "sending IPv6 address \\[" IPCHARS "\\]",
        "\\[" IPCHARS "\\] (?:has exceeded|is (?:listed|blocked|blacklisted|block ?listed))",
        "your (?:IP|IP address|server|host)[: ]\\s?(?:is )?\\[?" IPCHARS "\\]?",
        "\\b(?:IP|IP address|client|host|sender)\\s\\[?" IPCHARS "\\]?\\s(?:is|was|has been)\\s(?:listed|blocked|blacklisted|rejected|on)",
        "(?:hostname|reverse DNS|PTR)[^\\[\\]]{0,40}\\[" IPCHARS "\\]",
        "\\bIP (?:address )?\\[?" IPCHARS "\\]? (?:is )?(?:listed|blocked|blacklisted|block listed)",
        "\\b(?:sending IP|source IP|client IP|IP address|IP)[:=]\\s?\\[?" IPCHARS "\\]?",
        "\\bfrom \\[" IPCHARS "\\]",
      };

      p.host_ip = compile ("(?:\\bhost|\\bRechner|\\brelay=|\\bH=|\\bconnect to|\\bconnection to|\\bconversation with)"
                           "\\s?([A-Za-z0-9][A-Za-z0-9._-]{0,253})\\s?\\[" IPCHARS "\\]");
      p.relay_quoted = compile ("\\brelay=\"" IPCHARS " \\(([A-Za-z0-9][A-Za-z0-9._-]{0,253})\\)\"");
      p.qmail_ip = compile ("(?:connected to " IPCHARS " but|^" IPCHARS " does not like)");
      p.host_only = compile ("(?:\\bhost:|while talking to)\\s{0,3}([A-Za-z0-9][A-Za-z0-9_-]{0,62}(?:\\.[A-Za-z0-9_-]{1,63}){1,8})\\.?(?:[\\s:]|$)");
      p.dma_host = compile ("([A-Za-z0-9][A-Za-z0-9._-]{0,253}) \\[" IPCHARS "\\] did not like our");
      p.stage = compile ("(?:in reply to|after|while sending|did not like our|als Antwort auf das Kommando|nach dem Kommando)\\s{1,3}(?:the\\s)?(?:pipelined\\s)?"
                         "(RCPT\\s?TO|MAIL\\s?FROM|end\\sof\\s(?:data|message)|final\\sDATA|DATA|EHLO|HELO|LHLO|BDAT|STARTTLS|initial\\sconnection)");
      p.stage_connect = compile ("refused to talk to me|initial server greeting|initial connection|"
                                 "during connection|server greeting|SMTP banner|connect time");
      for (guint i = 0; i < G_N_ELEMENTS (p.blocked); i++)
        p.blocked[i] = compile (blocked[i]);
      p.ref_as_paren = compile ("\\bAS\\(([0-9]{1,12})\\)");
      p.ref_paren = compile ("\\((A?S[0-9]{3,10})\\)");
      p.ref_olc = compile ("\\b((?:SC|OU|DY|RP)-00[0-9])\\b");
      p.ref_yahoo = compile ("\\b((?:TSS|IPTS|TSM|PH|TS)[0-9]{2})\\b");
      p.ref_tonline = compile ("\\((BL|NOWL)\\)");
      p.ref_server_id = compile ("\\[(?:Hostname=)?([A-Za-z0-9-]{4,64}\\.(?:[A-Za-z0-9-]{1,63}\\.){1,6}"
                                 "(?:outlook\\.com|exchangelabs\\.com|office365\\.com))[ \\]]");
      p.ref_old_ms = compile ("\\(((?:BAY|BLU|COL|DUB|SNT|SN1|AMS)[0-9]{1,4}-[A-Z0-9]{4,10})\\)");
      p.ref_other = compile ("(?:\\[((?:CS|HM)[0-9]{2})\\]|\\b(BL[0-9]{6})\\b|\\b(OFR_[0-9]{3})\\b)");
      p.ref_case = compile ("\\bcase\\?(?:[a-z]{1,4}=[^&\\s]{0,40}&)?c=([A-Za-z0-9]{1,16})");
      g_once_init_leave (&once, 1);
    }

  return &p;
}

/* ------------------------------------------------------------------------ */
/* Small text helpers                                                        */

static gboolean
is_ip_address (const char *s)
{
  guint dots = 0;

  if (s == NULL || *s == '\0' || !g_hostname_is_ip_address (s))
    return FALSE;
  if (strchr (s, ':') != NULL)
    return TRUE;
  /* "1.2" and other short forms are legal for inet_aton, not here. */
  for (const char *p = s; *p; p++)
    dots += *p == '.';

  return dots == 3;
}

static void
set_str (char       **field,
         const char  *value)
{
  if (*field == value)
    return;
  g_free (*field);
  *field = g_strdup (value);
}

static void
fill_str (char       **field,
          const char  *value)
{
  if (*field == NULL && value != NULL && *value != '\0')
    *field = g_strdup (value);
}

static gboolean
has_prefix_ci (const char *s,
               const char *prefix)
{
  return g_ascii_strncasecmp (s, prefix, strlen (prefix)) == 0;
}

/* Case-insensitive strstr for ASCII needles. Linear enough: the needles are
 * short and the haystacks bounded. */
#define ASCII_LOWER(c) ((c) >= 'A' && (c) <= 'Z' ? (c) + ('a' - 'A') : (c))

static const char *
find_ci (const char *haystack,
         const char *needle)
{
  gsize n = strlen (needle);
  char first = ASCII_LOWER (*needle);

  for (const char *p = haystack; *p; p++)
    if (ASCII_LOWER (*p) == first && g_ascii_strncasecmp (p, needle, n) == 0)
      return p;

  return NULL;
}

static gboolean
is_token_start (const char *s,
                const char *p)
{
  char c;

  if (p == s)
    return TRUE;
  c = p[-1];
  return c == ' ' || c == '\t' || c == ':' || c == ';' || c == '\'' || c == '"' ||
         c == '(' || c == '#' || c == '=' || c == '<' || c == '>' || c == '[' || c == ',';
}

/* "550", "421": a reply code at @p, followed by a space, dash or the end. */
static guint
parse_code_at (const char *p)
{
  if (p[0] >= '2' && p[0] <= '5' && g_ascii_isdigit (p[1]) && g_ascii_isdigit (p[2]) &&
      (p[3] == ' ' || p[3] == '-' || p[3] == '\0' || p[3] == '\t' || p[3] == '\'' || p[3] == '"' ||
       (p[3] == ':' && p[4] == ' ')))
    return (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');

  return 0;
}

/* "5.7.511": an enhanced status code at @p; returns its length or 0. */
static gsize
parse_enhanced_at (const char *p)
{
  const char *q = p;
  int digits;

  if (*q != '2' && *q != '4' && *q != '5')
    return 0;
  q++;
  for (int part = 0; part < 2; part++)
    {
      if (*q != '.')
        return 0;
      q++;
      for (digits = 0; g_ascii_isdigit (*q) && digits < 4; digits++)
        q++;
      if (digits == 0 || digits > 3)
        return 0;
    }
  if (g_ascii_isalnum (*q) || (*q == '.' && g_ascii_isdigit (q[1])))
    return 0;

  return q - p;
}

/* One line, made safe: at most MAX_LINE bytes, control characters replaced,
 * valid UTF-8 (Windows-1252 when it is not UTF-8, as German text pasted
 * from Windows often is). */
static char *
sanitize_line (const char *data,
               gsize       len)
{
  g_autofree char *copy = NULL;

  if (len > 0 && data[len - 1] == '\r')
    len--;
  if (len > MAX_LINE)
    len = MAX_LINE;

  copy = g_malloc (len + 1);
  for (gsize i = 0; i < len; i++)
    {
      guchar c = data[i];
      copy[i] = (c < 0x20 && c != '\t') || c == 0x7f ? ' ' : (char) c;
    }
  copy[len] = '\0';

  if (g_utf8_validate (copy, len, NULL))
    return g_steal_pointer (&copy);

  {
    char *converted = g_convert (copy, len, "UTF-8", "WINDOWS-1252", NULL, NULL, NULL);

    if (converted != NULL && g_utf8_validate (converted, -1, NULL))
      return converted;
    g_free (converted);
  }

  return g_utf8_make_valid (copy, len);
}

/* ------------------------------------------------------------------------ */
/* The collector: deduplicates as rejections arrive                          */

typedef struct
{
  GPtrArray  *rejections;   /* MdRejection* */
  GHashTable *by_key;       /* "code|status|recipient" → index + 1 */
  GHashTable *by_code;      /* "code|status" → index + 1 of the first */
  GCancellable *cancellable;
} Collector;

static void
collector_init (Collector    *c,
                GCancellable *cancellable)
{
  c->rejections = g_ptr_array_new_with_free_func ((GDestroyNotify) md_rejection_free);
  c->by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  c->by_code = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  c->cancellable = cancellable;
}

static void
collector_clear (Collector *c)
{
  g_clear_pointer (&c->rejections, g_ptr_array_unref);
  g_clear_pointer (&c->by_key, g_hash_table_unref);
  g_clear_pointer (&c->by_code, g_hash_table_unref);
}

static char *
code_key (const MdRejection *r)
{
  return g_strdup_printf ("%u|%s", r->smtp_code, r->enhanced_status ? r->enhanced_status : "");
}

static char *
full_key (const MdRejection *r)
{
  g_autofree char *lower = r->recipient ? g_ascii_strdown (r->recipient, -1) : NULL;

  return g_strdup_printf ("%u|%s|%s", r->smtp_code,
                          r->enhanced_status ? r->enhanced_status : "", lower ? lower : "");
}

static void
strv_add_unique (GStrv      *strv,
                 const char *value)
{
  guint n = g_strv_length (*strv);

  if (n >= MAX_REFERENCES || g_strv_contains ((const char * const *) *strv, value))
    return;
  *strv = g_renew (char *, *strv, n + 2);
  (*strv)[n] = g_strdup (value);
  (*strv)[n + 1] = NULL;
}

/* Fills what @into does not know from @from (same rejection seen twice). */
static void
merge_into (MdRejection       *into,
            const MdRejection *from)
{
  fill_str (&into->recipient, from->recipient);
  fill_str (&into->provider, from->provider);
  fill_str (&into->service, from->service);
  fill_str (&into->remote_host, from->remote_host);
  fill_str (&into->remote_ip, from->remote_ip);
  fill_str (&into->enhanced_status, from->enhanced_status);
  fill_str (&into->blocked_ip, from->blocked_ip);
  if (into->smtp_code == 0)
    into->smtp_code = from->smtp_code;
  if (into->stage == MD_SMTP_STAGE_UNKNOWN)
    into->stage = from->stage;
  for (guint i = 0; from->references[i]; i++)
    strv_add_unique (&into->references, from->references[i]);
  for (guint i = 0; i < from->contacts->len && into->contacts->len < MAX_CONTACTS; i++)
    {
      const MdContact *c = g_ptr_array_index (from->contacts, i);
      if (into->recipient == NULL || g_ascii_strcasecmp (into->recipient, c->value) != 0)
        md_rejection_add_contact (into, c->kind, c->value);
    }
  /* The longer text is the one not cut short by a summary line. */
  if (from->text != NULL && (into->text == NULL || strlen (from->text) > strlen (into->text)))
    set_str (&into->text, from->text);
}

static void
collector_index (Collector   *c,
                 MdRejection *r,
                 guint        index)
{
  char *key = full_key (r);
  char *ckey = code_key (r);

  if (!g_hash_table_contains (c->by_key, key))
    g_hash_table_insert (c->by_key, key, GUINT_TO_POINTER (index + 1));
  else
    g_free (key);
  if (!g_hash_table_contains (c->by_code, ckey))
    g_hash_table_insert (c->by_code, ckey, GUINT_TO_POINTER (index + 1));
  else
    g_free (ckey);
}

static void
ensure_utf8 (char **field)
{
  if (*field != NULL && !g_utf8_validate (*field, -1, NULL))
    {
      char *valid = g_utf8_make_valid (*field, -1);
      g_free (*field);
      *field = valid;
    }
}

/* Takes @r. The same rejection twice (text part and DSN part of one bounce,
 * a log line repeated) is kept once. */
static void
collector_add (Collector   *c,
               MdRejection *r)
{
  g_autofree char *key = NULL;
  g_autofree char *ckey = NULL;
  guint index;

  /* Every piece was cut from valid UTF-8 at ASCII boundaries; this makes
   * sure of it whatever the input was. */
  ensure_utf8 (&r->recipient);
  ensure_utf8 (&r->remote_host);
  ensure_utf8 (&r->text);
  for (guint i = 0; r->references[i] != NULL; i++)
    ensure_utf8 (&r->references[i]);
  for (guint i = 0; i < r->contacts->len; i++)
    ensure_utf8 (&((MdContact *) g_ptr_array_index (r->contacts, i))->value);

  key = full_key (r);
  ckey = code_key (r);

  index = GPOINTER_TO_UINT (g_hash_table_lookup (c->by_key, key));
  if (index == 0 && r->recipient == NULL)
    index = GPOINTER_TO_UINT (g_hash_table_lookup (c->by_code, ckey));
  if (index == 0 && r->recipient != NULL)
    {
      /* An earlier mention of the same reply that did not name the
       * recipient (a transcript line before the address list). */
      g_autofree char *nokey = g_strdup_printf ("%s|", ckey);
      guint other = GPOINTER_TO_UINT (g_hash_table_lookup (c->by_key, nokey));

      if (other != 0)
        {
          MdRejection *o = g_ptr_array_index (c->rejections, other - 1);
          if (o->recipient == NULL)
            index = other;
        }
    }

  if (index != 0)
    {
      MdRejection *existing = g_ptr_array_index (c->rejections, index - 1);
      gboolean had_recipient = existing->recipient != NULL;

      merge_into (existing, r);
      if (!had_recipient && existing->recipient != NULL)
        collector_index (c, existing, index - 1);
      md_rejection_free (r);
      return;
    }

  if (c->rejections->len >= MD_REJECTION_PARSER_MAX_REJECTIONS)
    {
      md_rejection_free (r);
      return;
    }

  g_ptr_array_add (c->rejections, r);
  collector_index (c, r, c->rejections->len - 1);
}

/* ------------------------------------------------------------------------ */
/* Providers                                                                 */

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

static void
detect_provider (MdRejection *r)
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

/* ------------------------------------------------------------------------ */
/* Extraction from one reply                                                 */

static char *
match_group (GRegex     *regex,
             const char *text,
             int         group)
{
  g_autoptr(GMatchInfo) info = NULL;

  if (!g_regex_match (regex, text, 0, &info))
    return NULL;

  return g_match_info_fetch (info, group);
}

static MdSmtpStage
stage_from_word (const char *word)
{
  g_autofree char *w = g_ascii_strdown (word, -1);

  if (g_str_has_prefix (w, "rcpt"))
    return MD_SMTP_STAGE_RCPT_TO;
  if (g_str_has_prefix (w, "mail"))
    return MD_SMTP_STAGE_MAIL_FROM;
  if (g_str_has_prefix (w, "end") || g_str_has_prefix (w, "final"))
    return MD_SMTP_STAGE_END_OF_DATA;
  if (g_str_has_prefix (w, "data"))
    return MD_SMTP_STAGE_DATA;
  if (g_str_has_prefix (w, "bdat"))
    return MD_SMTP_STAGE_END_OF_DATA;
  if (g_str_has_prefix (w, "ehlo") || g_str_has_prefix (w, "helo") ||
      g_str_has_prefix (w, "lhlo") || g_str_has_prefix (w, "starttls"))
    return MD_SMTP_STAGE_HELO;
  if (g_str_has_prefix (w, "initial"))
    return MD_SMTP_STAGE_CONNECT;
  if (g_str_equal (w, "."))
    return MD_SMTP_STAGE_END_OF_DATA;

  return MD_SMTP_STAGE_UNKNOWN;
}

static MdSmtpStage
find_stage (const char *block)
{
  const Patterns *p = patterns_get ();
  g_autofree char *word = match_group (p->stage, block, 1);

  if (word != NULL)
    return stage_from_word (word);
  if (g_regex_match (p->stage_connect, block, 0, NULL))
    return MD_SMTP_STAGE_CONNECT;

  return MD_SMTP_STAGE_UNKNOWN;
}

static void
find_blocked_ip (MdRejection *r)
{
  const Patterns *p = patterns_get ();

  for (guint i = 0; i < G_N_ELEMENTS (p->blocked); i++)
    {
      g_autoptr(GMatchInfo) info = NULL;

      g_regex_match (p->blocked[i], r->text, 0, &info);
      while (g_match_info_matches (info))
        {
          g_autofree char *ip = g_match_info_fetch (info, 1);

          /* The trailing dot of a sentence is not part of the address. */
          while (ip[0] && ip[strlen (ip) - 1] == '.')
            ip[strlen (ip) - 1] = '\0';
          if (is_ip_address (ip) && g_strcmp0 (ip, r->remote_ip) != 0)
            {
              set_str (&r->blocked_ip, ip);
              return;
            }
          g_match_info_next (info, NULL);
        }
    }
}

static void
add_reference_matches (MdRejection *r,
                       GRegex      *regex,
                       const char  *prefix,
                       const char  *suffix)
{
  g_autoptr(GMatchInfo) info = NULL;

  g_regex_match (regex, r->text, 0, &info);
  while (g_match_info_matches (info))
    {
      g_autofree char *value = NULL;
      g_autofree char *ref = NULL;

      for (int group = 1; group < g_match_info_get_match_count (info) && (value == NULL || *value == '\0'); group++)
        {
          g_free (value);
          value = g_match_info_fetch (info, group);
        }
      ref = g_strconcat (prefix, value, suffix, NULL);

      strv_add_unique (&r->references, ref);
      g_match_info_next (info, NULL);
    }
}

static void
find_references (MdRejection *r)
{
  const Patterns *p = patterns_get ();

  add_reference_matches (r, p->ref_as_paren, "AS(", ")");
  add_reference_matches (r, p->ref_paren, "", "");
  add_reference_matches (r, p->ref_olc, "", "");
  add_reference_matches (r, p->ref_yahoo, "", "");
  add_reference_matches (r, p->ref_tonline, "(", ")");
  add_reference_matches (r, p->ref_old_ms, "", "");
  add_reference_matches (r, p->ref_server_id, "", "");
  add_reference_matches (r, p->ref_case, "", "");
  add_reference_matches (r, p->ref_other, "", "");
}

static gboolean
is_email_char (char c)
{
  return g_ascii_isalnum (c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

static gboolean
is_domain_char (char c)
{
  return g_ascii_isalnum (c) || c == '.' || c == '-';
}

/* Mail addresses and URLs named in the text. Written by hand: a linear scan
 * around each '@' and each "http", where a regular expression without an
 * anchor would retry at every position. */
static void
find_contacts (MdRejection *r)
{
  const char *text = r->text;

  for (const char *at = strchr (text, '@'); at != NULL; at = strchr (at + 1, '@'))
    {
      const char *s = at, *e = at + 1;
      g_autofree char *address = NULL;
      gboolean dotted = FALSE;

      while (s > text && is_email_char (s[-1]) && at - s < 64)
        s--;
      while (is_domain_char (*e) && e - at < 255)
        {
          if (*e == '.')
            dotted = TRUE;
          e++;
        }
      while (e > at + 1 && (e[-1] == '.' || e[-1] == '-'))
        e--;
      while (s < at && *s == '.')
        s++;
      if (s == at || e == at + 1 || !dotted)
        continue;
      /* <addr> is an echo of the envelope, "user@host" in a URL is not a
       * contact either. */
      if ((s > text && (s[-1] == '<' || s[-1] == '/' || s[-1] == ':' || s[-1] == '=')) ||
          *e == '>')
        continue;
      address = g_strndup (s, e - s);
      if (strrchr (address, '.') < strrchr (address, '@'))
        continue;
      if (r->recipient != NULL && g_ascii_strcasecmp (address, r->recipient) == 0)
        continue;
      if (r->contacts->len < MAX_CONTACTS)
        md_rejection_add_contact (r, MD_CONTACT_EMAIL, address);
    }

  for (const char *h = find_ci (text, "http"); h != NULL; h = find_ci (h + 4, "http"))
    {
      const char *e;
      g_autofree char *url = NULL;

      if (!has_prefix_ci (h, "http://") && !has_prefix_ci (h, "https://"))
        continue;
      if (h > text && (g_ascii_isalnum (h[-1])))
        continue;
      e = h + (h[4] == ':' ? 7 : 8);
      while (*e && !g_ascii_isspace (*e) && *e != '<' && *e != '>' && *e != '"' &&
             *e != '\'' && *e != ')' && *e != '(' && *e != ']' && *e != '[' && e - h < 2048)
        e++;
      while (e > h + 8 && strchr (".,;:!?", e[-1]) != NULL)
        e--;
      if (e - h <= 8)
        continue;
      url = g_strndup (h, e - h);
      if (r->contacts->len < MAX_CONTACTS)
        md_rejection_add_contact (r, MD_CONTACT_URL, url);
    }
}

/* Removes the "550-5.7.26 " prefixes that multi-line replies repeat on each
 * line, wherever wrapping left them, and collapses white space. */
static char *
clean_reply (const char *reply,
             guint       code,
             const char *enhanced)
{
  GString *out = g_string_sized_new (strlen (reply));
  char code_s[4];
  gsize elen = enhanced ? strlen (enhanced) : 0;
  gboolean saw_dash = FALSE;
  const char *p = reply;

  g_snprintf (code_s, sizeof code_s, "%03u", code);

  while (*p)
    {
      gboolean at_token = (p == reply) || g_ascii_isspace (p[-1]);

      if (code != 0 && at_token && strncmp (p, code_s, 3) == 0 && (p[3] == '-' || p[3] == ' '))
        {
          const char *q = p + 4;
          gboolean repeats_status = elen > 0 && strncmp (q, enhanced, elen) == 0 &&
                                    (q[elen] == ' ' || q[elen] == '\0');

          if (p == reply)
            {
              /* The first line keeps its code: "550 5.7.26 …". */
              g_string_append (out, code_s);
              g_string_append_c (out, ' ');
              saw_dash = p[3] == '-';
              p = q;
              if (repeats_status)
                {
                  g_string_append_len (out, q, elen);
                  p = q + elen;
                }
              continue;
            }
          if (p[3] == '-' || saw_dash || repeats_status)
            {
              saw_dash = saw_dash || p[3] == '-';
              p = repeats_status ? q + elen : q;
              continue;
            }
        }

      if (g_ascii_isspace (*p))
        {
          if (out->len > 0 && out->str[out->len - 1] != ' ')
            g_string_append_c (out, ' ');
          p++;
          continue;
        }
      g_string_append_c (out, *p);
      p++;
    }

  while (out->len > 0 && out->str[out->len - 1] == ' ')
    g_string_truncate (out, out->len - 1);
  if (out->len > MAX_TEXT)
    {
      /* Cut at a character boundary. */
      const char *end = g_utf8_find_prev_char (out->str, out->str + MAX_TEXT + 1);
      g_string_truncate (out, end ? (gsize) (end - out->str) : MAX_TEXT);
    }

  return g_string_free (out, FALSE);
}

/* Where the reply ends: summary lines of the MTA after it are not part of
 * what the receiver said. */
static gsize
reply_length (const char *reply,
              gboolean    quoted)
{
  static const char *trailers[] = {
    " (in reply to ", "(in reply to ", " (als Antwort auf ", " Giving up on ", " I'm not going to try again",
    " zurückgegeben", " returned", "' returned",
  };
  gsize len = strlen (reply);
  int depth = 0;

  for (guint i = 0; i < G_N_ELEMENTS (trailers); i++)
    {
      const char *t = strstr (reply, trailers[i]);
      if (t != NULL && (gsize) (t - reply) < len)
        len = t - reply;
    }

  if (quoted)
    {
      /* Exchange: Remote server returned '550 … weren't sent …' — the last
       * quote closes it. */
      for (gsize i = len; i > 0; i--)
        if (reply[i - 1] == '\'')
          {
            len = i - 1;
            break;
          }
    }

  while (len > 0 && g_ascii_isspace (reply[len - 1]))
    len--;
  if (len >= 2 && reply[len - 1] == '#' && reply[len - 2] == '#')
    len -= 2;

  /* A closing bracket of the wrapper (Postfix log "status=bounced (…)",
   * sendmail "(reason: …)", Exchange "<host #5.0.0 smtp;…>"). */
  for (gsize i = 0; i < len; i++)
    {
      if (reply[i] == '(')
        depth++;
      else if (reply[i] == ')')
        depth--;
    }
  while (len > 0 && depth < 0 && (reply[len - 1] == ')' || g_ascii_isspace (reply[len - 1])))
    {
      if (reply[len - 1] == ')')
        depth++;
      len--;
    }
  while (len > 0 && (reply[len - 1] == '>' || reply[len - 1] == '"') &&
         memchr (reply, reply[len - 1] == '>' ? '<' : '"', len - 1) == NULL)
    len--;
  while (len > 0 && g_ascii_isspace (reply[len - 1]))
    len--;

  return len;
}

typedef struct
{
  guint        code;
  char        *enhanced;
  const char  *start;     /* in the block */
  gboolean     quoted;
} Reply;

/* A reply at @p: "550 5.7.1 …", "550-5.7.1", "550 …", "#5.1.1 …". */
static gboolean
reply_at (const char *p,
          Reply      *reply,
          gboolean    allow_status_only)
{
  guint code = parse_code_at (p);
  gsize elen;

  if (code >= 400 && code < 600)
    {
      const char *q = p + 3;

      while (*q == ' ' || *q == '-' || *q == '#')
        q++;
      elen = parse_enhanced_at (q);
      reply->code = code;
      reply->enhanced = elen ? g_strndup (q, elen) : NULL;
      reply->start = p;
      return TRUE;
    }

  if (allow_status_only)
    {
      const char *q = p;

      if (*q == '#')
        q++;
      elen = parse_enhanced_at (q);
      if (elen > 0 && (*q == '4' || *q == '5'))
        {
          reply->code = 0;
          reply->enhanced = g_strndup (q, elen);
          reply->start = p;
          return TRUE;
        }
    }

  return FALSE;
}

/* The first reply in @s (up to @limit bytes) at a token start. */
static gboolean
scan_reply (const char *block,
            const char *s,
            gsize       limit,
            gboolean    need_status,
            Reply      *reply)
{
  for (const char *p = s; *p && (gsize) (p - s) < limit; p++)
    {
      if (!is_token_start (block, p) || !g_ascii_isdigit (*p))
        continue;
      if (!reply_at (p, reply, FALSE))
        continue;
      if (need_status && reply->enhanced == NULL)
        {
          g_clear_pointer (&reply->enhanced, g_free);
          continue;
        }
      return TRUE;
    }

  return FALSE;
}

static gboolean
find_reply (const char *block,
            gboolean    is_log,
            Reply      *reply)
{
  static const struct { const char *anchor; gboolean quoted; } anchors[] = {
    { "said:", FALSE },
    { "sagte:", FALSE },
    { "refused to talk to me:", FALSE },
    { "SMTP error from remote mail server after", FALSE },
    { "SMTP error from remote server", FALSE },
    { "returned '", TRUE },
    { "Remoteserver hat '", TRUE },
    { "server hat '", TRUE },
    { "smtp;", FALSE },
    { "<<<", FALSE },
    { "(reason:", FALSE },
    { "stat=\"", FALSE },
    { "returned was:", FALSE },
    { "response:", FALSE },
    { "reply:", FALSE },
    { "Antwort:", FALSE },
  };
  g_autofree char *lower = g_ascii_strdown (block, -1);
  const char *first;

  for (guint i = 0; i < G_N_ELEMENTS (anchors); i++)
    {
      g_autofree char *needle = g_ascii_strdown (anchors[i].anchor, -1);
      const char *hit = strstr (lower, needle);
      const char *a;

      if (hit == NULL)
        continue;
      a = block + (hit - lower);
      if (scan_reply (block, a + strlen (anchors[i].anchor), 600, FALSE, reply))
        {
          reply->quoted = anchors[i].quoted;
          return TRUE;
        }
      /* GMX: "SMTP error from remote server after RCPT command: host: mx…
       * 5.2.2 <user@…>... Mailbox Full", without a reply code. */
      for (const char *q = a + strlen (anchors[i].anchor); *q && q - a < 600; q++)
        if (is_token_start (block, q) && (*q == '4' || *q == '5') && reply_at (q, reply, TRUE))
          {
            reply->quoted = anchors[i].quoted;
            return TRUE;
          }
    }

  /* A code with an enhanced status anywhere, then a bare reply at the start. */
  if (scan_reply (block, block, G_MAXSIZE, TRUE, reply))
    return TRUE;

  first = block;
  while (*first == ' ' || *first == '\t' || *first == '>' || *first == '"' || *first == '\'')
    first++;
  if (reply_at (first, reply, !is_log))
    return TRUE;

  if (!is_log)
    {
      /* Exchange's "#5.1.1" and DSN-like "Status: 5.7.1" without a code. */
      const char *hash = strstr (block, " #");
      if (hash != NULL && reply_at (hash + 1, reply, TRUE) && reply->code == 0)
        return TRUE;
      g_clear_pointer (&reply->enhanced, g_free);
    }

  return FALSE;
}

static gboolean
has_code_candidate (const char *s)
{
  for (const char *p = s; *p; p++)
    {
      if ((*p == '4' || *p == '5') && is_token_start (s, p) &&
          (parse_code_at (p) != 0 || parse_enhanced_at (*p == '#' ? p + 1 : p) != 0))
        return TRUE;
    }
  return FALSE;
}

static char *
extract_address (const char *s,
                 gsize       max)
{
  const char *at, *b, *e;

  at = memchr (s, '@', strnlen (s, max));
  if (at == NULL)
    return NULL;
  b = at;
  while (b > s && !g_ascii_isspace (b[-1]) && b[-1] != '<' && b[-1] != ':' && b[-1] != '(' &&
         b[-1] != '"' && b[-1] != '\'' && b[-1] != '[' && at - b < 256)
    b--;
  e = at + 1;
  while (is_domain_char (*e) && e - at < 256)
    e++;
  while (e > at + 1 && e[-1] == '.')
    e--;
  /* The length bound may stop inside a character. */
  while (b < at && ((guchar) *b & 0xc0) == 0x80)
    b++;
  if (b == at || e == at + 1)
    return NULL;

  return g_strndup (b, e - b);
}

/* The recipient a block names itself. */
static char *
find_block_recipient (const char *block,
                      const char *reply_text)
{
  static const char *markers[] = { "RCPT TO:<", "RCPT TO: <", "to=<", "Final-Recipient:" };
  const char *p;

  for (guint i = 0; i < G_N_ELEMENTS (markers); i++)
    if ((p = find_ci (block, markers[i])) != NULL)
      {
        char *a = extract_address (p + strlen (markers[i]), 300);
        if (a != NULL)
          return a;
      }

  /* Exim mainlog: "** user@example.org <orig@…> R=… T=…: …" */
  {
    g_autofree char *head = g_strndup (block, 120);
    const char *m = strstr (head, " ** ");

    if (m == NULL)
      m = strstr (head, " == ");
    if (m != NULL)
      {
        char *a = extract_address (block + (m - head) + 4, 300);
        if (a != NULL)
          return a;
      }
  }

  /* Postfix bounce "<user@example.org>: host …", OpenSMTPD "user@…: 550 …" */
  p = block;
  while (*p == ' ' || *p == '\t')
    p++;
  {
    const char *colon = strchr (p, ':');
    if (colon != NULL && colon - p < 300 && memchr (p, '@', colon - p) != NULL &&
        memchr (p, ' ', colon - p) == NULL)
      return extract_address (*p == '<' ? p + 1 : p, colon - p);
  }

  /* The reply echoing the address: "550 5.1.1 <user@example.org>… unknown"
   * (but after MAIL FROM it echoes the sender). */
  if (reply_text != NULL && find_ci (block, "MAIL FROM") == NULL)
    {
      const char *lt = strchr (reply_text, '<');
      if (lt != NULL && lt - reply_text < 20 && strchr (lt, '@') != NULL)
        return extract_address (lt + 1, 300);
    }

  return NULL;
}

static void
strip_trailing_dot (char *host)
{
  gsize len;

  if (host == NULL)
    return;
  len = strlen (host);
  while (len > 0 && host[len - 1] == '.')
    host[--len] = '\0';
}

static void
find_remote (MdRejection *r,
             const char  *block)
{
  const Patterns *p = patterns_get ();
  g_autoptr(GMatchInfo) info = NULL;

  if (g_regex_match (p->host_ip, block, 0, &info))
    {
      g_autofree char *host = g_match_info_fetch (info, 1);
      g_autofree char *ip = g_match_info_fetch (info, 2);

      strip_trailing_dot (host);
      if (!g_str_equal (host, "unknown") && !is_ip_address (host))
        {
          g_free (r->remote_host);
          r->remote_host = g_ascii_strdown (host, -1);
        }
      if (is_ip_address (ip))
        set_str (&r->remote_ip, ip);
      return;
    }
  g_clear_pointer (&info, g_match_info_unref);

  if (g_regex_match (p->relay_quoted, block, 0, &info))
    {
      g_autofree char *ip = g_match_info_fetch (info, 1);
      g_autofree char *host = g_match_info_fetch (info, 2);

      if (is_ip_address (ip))
        set_str (&r->remote_ip, ip);
      if (!g_str_equal (host, "-"))
        {
          strip_trailing_dot (host);
          g_free (r->remote_host);
          r->remote_host = g_ascii_strdown (host, -1);
        }
      return;
    }
  g_clear_pointer (&info, g_match_info_unref);

  /* The pattern has no literal start: only run it where it can match. */
  if (strstr (block, " did not like our") != NULL && g_regex_match (p->dma_host, block, 0, &info))
    {
      g_autofree char *host = g_match_info_fetch (info, 1);
      g_autofree char *ip = g_match_info_fetch (info, 2);

      g_free (r->remote_host);
      r->remote_host = g_ascii_strdown (host, -1);
      if (is_ip_address (ip))
        set_str (&r->remote_ip, ip);
      return;
    }
  g_clear_pointer (&info, g_match_info_unref);

  if (g_regex_match (p->qmail_ip, block, 0, &info))
    {
      g_autofree char *a = g_match_info_fetch (info, 1);
      g_autofree char *b = g_match_info_fetch (info, 2);
      const char *ip = (a && *a) ? a : b;

      if (is_ip_address (ip))
        set_str (&r->remote_ip, ip);
      return;
    }
  g_clear_pointer (&info, g_match_info_unref);

  if (g_regex_match (p->host_only, block, 0, &info))
    {
      g_autofree char *host = g_match_info_fetch (info, 1);

      if (is_ip_address (host))
        set_str (&r->remote_ip, host);
      else
        {
          g_free (r->remote_host);
          r->remote_host = g_ascii_strdown (host, -1);
        }
    }
}

typedef struct
{
  const char  *recipient;   /* from the context (an address line before) */
  const char  *host;
  const char  *ip;
  MdSmtpStage  stage;
} Context;

/* Builds the rejection one block of text describes, or NULL. */
static MdRejection *
rejection_from_block (const char    *block,
                      gboolean       is_log,
                      const Context *ctx)
{
  g_autoptr(MdRejection) r = NULL;
  Reply reply = { 0, };
  g_autofree char *raw = NULL;
  const char *dsn;

  if (!has_code_candidate (block))
    return NULL;
  if (!find_reply (block, is_log, &reply))
    return NULL;

  r = md_rejection_new ();
  r->smtp_code = reply.code;
  r->enhanced_status = reply.enhanced;
  raw = g_strndup (reply.start, reply_length (reply.start, reply.quoted));
  r->text = clean_reply (raw, reply.code, reply.enhanced);

  /* "501 Rcpt-To validation failed: RCPT TO not accepted: 5.7.1 …" */
  if (r->enhanced_status == NULL && r->smtp_code != 0)
    {
      const char *t = r->text + MIN (strlen (r->text), 4);

      for (const char *q = t; *q && q - t < 300; q++)
        if (*q == (char) ('0' + r->smtp_code / 100) && is_token_start (r->text, q) &&
            parse_enhanced_at (q) > 0)
          {
            r->enhanced_status = g_strndup (q, parse_enhanced_at (q));
            break;
          }
    }

  /* Postfix log lines give the enhanced status as dsn=. */
  if (r->enhanced_status == NULL && (dsn = strstr (block, "dsn=")) != NULL)
    {
      gsize elen = parse_enhanced_at (dsn + 4);

      /* Postfix defers a 5xx greeting (another MX may answer): its own
       * "dsn=4.0.0" is not what the receiver said. */
      if (elen > 0 && (r->smtp_code == 0 || dsn[4] == '0' + (char) (r->smtp_code / 100)))
        r->enhanced_status = g_strndup (dsn + 4, elen);
    }

  if (r->smtp_code != 0)
    r->temporary = r->smtp_code / 100 == 4;
  else if (r->enhanced_status != NULL)
    r->temporary = r->enhanced_status[0] == '4';

  r->recipient = find_block_recipient (block, NULL);
  if (r->recipient == NULL && ctx != NULL)
    r->recipient = g_strdup (ctx->recipient);
  if (r->recipient == NULL)
    r->recipient = find_block_recipient (block, r->text);

  find_remote (r, block);
  if (ctx != NULL && r->remote_host == NULL && r->remote_ip == NULL)
    {
      r->remote_host = g_strdup (ctx->host);
      r->remote_ip = g_strdup (ctx->ip);
    }

  r->stage = find_stage (block);
  if (r->stage == MD_SMTP_STAGE_UNKNOWN && ctx != NULL)
    r->stage = ctx->stage;

  find_blocked_ip (r);
  find_references (r);
  find_contacts (r);
  detect_provider (r);

  /* T-Online answers in the banner, before any command. */
  if (r->stage == MD_SMTP_STAGE_UNKNOWN && g_strcmp0 (r->provider, "t-online") == 0 &&
      strstr (r->text, "IP=") != NULL)
    r->stage = MD_SMTP_STAGE_CONNECT;

  return g_steal_pointer (&r);
}

/* ------------------------------------------------------------------------ */
/* DSN fields (RFC 3464), in a message/delivery-status part or pasted        */

static const char *dsn_fields[] = {
  "Final-Recipient:", "Original-Recipient:", "Action:", "Status:", "Remote-MTA:",
  "Diagnostic-Code:", "Reporting-MTA:", "Received-From-MTA:", "Arrival-Date:",
  "Last-Attempt-Date:", "X-Postfix-", "X-Actual-Recipient:", "Will-Retry-Until:",
  "Original-Envelope-Id:", "X-Display-Name:", "X-Remote-MTA:",
};

static gboolean
is_dsn_field_line (const char *line)
{
  for (guint i = 0; i < G_N_ELEMENTS (dsn_fields); i++)
    if (has_prefix_ci (line, dsn_fields[i]))
      return TRUE;
  return FALSE;
}

static char *
dsn_value_after_type (const char *value)
{
  const char *semi = strchr (value, ';');

  return g_strstrip (g_strdup (semi ? semi + 1 : value));
}

typedef struct
{
  char *recipient;
  char *original;
  char *action;
  char *status;
  char *remote_mta;
  char *diagnostic;
} DsnRecord;

static void
dsn_record_clear (DsnRecord *d)
{
  g_clear_pointer (&d->recipient, g_free);
  g_clear_pointer (&d->original, g_free);
  g_clear_pointer (&d->action, g_free);
  g_clear_pointer (&d->status, g_free);
  g_clear_pointer (&d->remote_mta, g_free);
  g_clear_pointer (&d->diagnostic, g_free);
}

static char *
clean_address (const char *value)
{
  g_autofree char *v = dsn_value_after_type (value);
  char *s = v;
  gsize len;

  while (*s == '<')
    s++;
  len = strlen (s);
  while (len > 0 && (s[len - 1] == '>' || s[len - 1] == ' '))
    len--;

  return len > 0 ? g_strndup (s, len) : NULL;
}

static void
emit_dsn_record (Collector *c,
                 DsnRecord *d)
{
  g_autoptr(MdRejection) r = NULL;
  gsize slen = d->status ? parse_enhanced_at (d->status) : 0;

  if (d->action != NULL && !has_prefix_ci (d->action, "failed") && !has_prefix_ci (d->action, "delayed"))
    return;
  if (d->diagnostic != NULL)
    {
      g_autofree char *block = g_strdup_printf ("smtp; %s", d->diagnostic);
      Context ctx = { 0, };

      r = rejection_from_block (block, FALSE, &ctx);
    }
  if (r == NULL && slen == 0)
    return;
  if (r == NULL)
    {
      r = md_rejection_new ();
      if (d->diagnostic != NULL)
        r->text = clean_reply (d->diagnostic, 0, NULL);
    }

  if (slen > 0 && (d->status[0] == '4' || d->status[0] == '5'))
    {
      g_autofree char *status = g_strndup (d->status, slen);

      /* The receiver's own enhanced code is more precise than the reporting
       * MTA's generic x.0.0 — and the other way round. */
      if (r->enhanced_status == NULL ||
          (g_str_has_suffix (r->enhanced_status, ".0.0") && !g_str_has_suffix (status, ".0.0")))
        set_str (&r->enhanced_status, status);
    }
  if (r->smtp_code == 0 && r->enhanced_status == NULL)
    return;
  if (r->smtp_code != 0)
    r->temporary = r->smtp_code / 100 == 4;
  else
    r->temporary = r->enhanced_status[0] == '4' ||
                   (d->action != NULL && has_prefix_ci (d->action, "delayed"));

  g_clear_pointer (&r->recipient, g_free);
  r->recipient = d->recipient ? clean_address (d->recipient) : NULL;
  if (r->recipient == NULL && d->original != NULL)
    r->recipient = clean_address (d->original);
  if (r->recipient != NULL && strchr (r->recipient, '@') == NULL)
    g_clear_pointer (&r->recipient, g_free);

  if (d->remote_mta != NULL)
    {
      g_autofree char *mta = dsn_value_after_type (d->remote_mta);
      char *bracket = strchr (mta, '[');

      if (bracket != NULL)
        {
          char *close = strchr (bracket, ']');
          if (close != NULL)
            {
              g_autofree char *ip = g_strndup (bracket + 1, close - bracket - 1);
              if (is_ip_address (ip))
                set_str (&r->remote_ip, ip);
            }
          *bracket = '\0';
        }
      g_strstrip (mta);
      {
        /* Gmail: "gmail-smtp-in.l.google.com. (2a00:1450:…, the server for
         * the domain gmail.com.)" */
        char *open = strchr (mta, '(');

        if (open != NULL)
          {
            g_autofree char *inner = g_strndup (open + 1, strcspn (open + 1, ",) "));

            if (is_ip_address (inner))
              set_str (&r->remote_ip, inner);
            *open = '\0';
            g_strstrip (mta);
          }
      }
      strip_trailing_dot (mta);
      if (is_ip_address (mta))
        set_str (&r->remote_ip, mta);
      else if (*mta != '\0' && strchr (mta, ' ') == NULL)
        {
          g_free (r->remote_host);
          r->remote_host = g_ascii_strdown (mta, -1);
        }
    }

  /* The recipient's domain and the host may tell more than the text. */
  g_clear_pointer (&r->provider, g_free);
  g_clear_pointer (&r->service, g_free);
  detect_provider (r);

  collector_add (c, g_steal_pointer (&r));
}

/* Fields of one or more DSN groups, one field per line with folded
 * continuation lines. GMime has no API for message/delivery-status
 * content, so the (simple) field syntax is read here. */
static void
parse_dsn_lines (Collector        *c,
                 const char *const *lines,
                 guint              n_lines)
{
  DsnRecord d = { 0, };
  char **field = NULL;

  for (guint i = 0; i < n_lines; i++)
    {
      const char *line = lines[i];
      char **target = NULL;

      if ((line[0] == ' ' || line[0] == '\t') && field != NULL && *field != NULL)
        {
          g_autofree char *joined = NULL;
          g_autofree char *trimmed = g_strstrip (g_strdup (line));

          if (strlen (*field) < MAX_BLOCK_BYTES)
            {
              joined = g_strconcat (*field, " ", trimmed, NULL);
              g_free (*field);
              *field = g_steal_pointer (&joined);
            }
          continue;
        }

      if (*line == '\0')
        {
          emit_dsn_record (c, &d);
          dsn_record_clear (&d);
          field = NULL;
          continue;
        }

      if (has_prefix_ci (line, "Final-Recipient:") || has_prefix_ci (line, "Original-Recipient:"))
        {
          gboolean final = has_prefix_ci (line, "Final-Recipient:");

          /* A new recipient without a blank line in between. */
          if ((final && d.recipient != NULL) || (!final && d.original != NULL) ||
              (!final && d.recipient != NULL && (d.status || d.diagnostic)))
            {
              emit_dsn_record (c, &d);
              dsn_record_clear (&d);
            }
          target = final ? &d.recipient : &d.original;
        }
      else if (has_prefix_ci (line, "Action:"))
        target = &d.action;
      else if (has_prefix_ci (line, "Status:"))
        target = &d.status;
      else if (has_prefix_ci (line, "Remote-MTA:"))
        target = &d.remote_mta;
      else if (has_prefix_ci (line, "Diagnostic-Code:"))
        target = &d.diagnostic;

      field = target;
      if (target != NULL)
        {
          g_free (*target);
          *target = g_strstrip (g_strdup (strchr (line, ':') + 1));
        }
    }

  emit_dsn_record (c, &d);
  dsn_record_clear (&d);
}

/* ------------------------------------------------------------------------ */
/* The line scanner: groups lines into blocks and undoes wrapping            */

typedef struct
{
  Collector   *collector;
  GPtrArray   *lines;          /* char*, the current block */
  gsize        block_bytes;
  gboolean     block_is_fields;
  gboolean     block_has_code;
  char        *recipient;      /* an address on a line of its own */
  char        *host;
  char        *ip;
  MdSmtpStage  stage;
  gboolean     stopped;        /* reached the returned original message */
  gboolean     in_transcript;  /* after "<<< " lines until a blank line */
  guint        lines_seen;
} Scanner;

static void
scanner_init (Scanner   *s,
              Collector *c)
{
  memset (s, 0, sizeof *s);
  s->collector = c;
  s->lines = g_ptr_array_new_with_free_func (g_free);
}

static void
scanner_clear (Scanner *s)
{
  g_clear_pointer (&s->lines, g_ptr_array_unref);
  g_clear_pointer (&s->recipient, g_free);
  g_clear_pointer (&s->host, g_free);
  g_clear_pointer (&s->ip, g_free);
}

/* Joins the lines of a block, undoing the wrapping. */
static char *
join_block (GPtrArray *lines)
{
  GString *out = g_string_new (NULL);
  gboolean fixed = FALSE;

  /* A relay that breaks at a fixed column (mid-word) leaves every line but
   * the last exactly as long: join those without adding a space. */
  if (lines->len >= 3)
    {
      glong width = g_utf8_strlen (g_ptr_array_index (lines, 0), -1);

      fixed = width >= 40;
      for (guint i = 1; fixed && i + 1 < lines->len; i++)
        fixed = g_utf8_strlen (g_ptr_array_index (lines, i), -1) == width;
    }

  for (guint i = 0; i < lines->len; i++)
    {
      const char *line = g_ptr_array_index (lines, i);
      gsize len = strlen (line);
      gboolean soft_break = FALSE;

      if (i > 0 && !fixed)
        {
          while (*line == ' ' || *line == '\t')
            line++;
          /* A transcript's multi-line reply: "<<< 550-5.7.1 …" on each line. */
          if (g_str_has_prefix (line, "<<< "))
            line += 4;
          len = strlen (line);
        }
      /* A quoted-printable soft line break pasted raw. */
      if (i + 1 < lines->len && len > 0 && len <= 77 && line[len - 1] == '=' &&
          (len < 2 || line[len - 2] != '='))
        {
          len--;
          soft_break = TRUE;
        }
      while (!fixed && len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
        len--;

      if (i > 0 && !fixed && out->len > 0 && out->str[out->len - 1] != '\x01')
        g_string_append_c (out, ' ');
      if (out->len > 0 && out->str[out->len - 1] == '\x01')
        g_string_truncate (out, out->len - 1);
      g_string_append_len (out, line, len);
      if (soft_break)
        g_string_append_c (out, '\x01');
    }
  if (out->len > 0 && out->str[out->len - 1] == '\x01')
    g_string_truncate (out, out->len - 1);

  return g_string_free (out, FALSE);
}

static void
scanner_flush (Scanner *s)
{
  if (s->lines->len == 0)
    return;

  if (s->block_is_fields)
    {
      parse_dsn_lines (s->collector, (const char * const *) s->lines->pdata, s->lines->len);
    }
  else
    {
      g_autofree char *block = join_block (s->lines);
      Context ctx = { s->recipient, s->host, s->ip, s->stage };
      MdRejection *r = rejection_from_block (block, FALSE, &ctx);

      if (r != NULL)
        collector_add (s->collector, r);
    }

  g_ptr_array_set_size (s->lines, 0);
  s->block_bytes = 0;
  s->block_is_fields = FALSE;
  s->block_has_code = FALSE;
}

static gboolean
is_stop_line (const char *t)
{
  static const char *starts[] = {
    "original message headers", "ursprüngliche nachrichtenkopfzeilen",
    "original message follows", "------ this is a copy of the message",
    "--- below this line is a copy of the message", "----- original message -----",
    "-----original message-----", "-----ursprüngliche nachricht-----",
    "------ original message ------", "----- original message follows -----",
    "--- the header of the original message is following",
  };

  for (guint i = 0; i < G_N_ELEMENTS (starts); i++)
    if (has_prefix_ci (t, starts[i]))
      return TRUE;

  return FALSE;
}

static gboolean
is_month (const char *s)
{
  static const char *months[] = {
    "Jan ", "Feb ", "Mar ", "Apr ", "May ", "Jun ", "Jul ", "Aug ", "Sep ", "Oct ", "Nov ", "Dec ",
  };

  for (guint i = 0; i < G_N_ELEMENTS (months); i++)
    if (strncmp (s, months[i], 4) == 0)
      return TRUE;
  return FALSE;
}

/* A syslog or Exim mainlog line: one line, one event. */
static gboolean
is_log_line (const char *line)
{
  gsize len = strnlen (line, 20);

  if (len >= 16 && is_month (line) && (line[4] == ' ' || g_ascii_isdigit (line[4])) &&
      g_ascii_isdigit (line[5]) && line[6] == ' ' && line[9] == ':' && line[12] == ':')
    return TRUE;
  if (len >= 19 && g_ascii_isdigit (line[0]) && g_ascii_isdigit (line[3]) && line[4] == '-' &&
      line[7] == '-' && (line[10] == ' ' || line[10] == 'T') && line[13] == ':' && line[16] == ':')
    return TRUE;

  return FALSE;
}

/* "user@example.org", "<user@example.org>:", "user@example.org on 29 Apr …"
 * on a line of its own names the recipient of what follows. */
static char *
address_only_line (const char *t)
{
  const char *p = t, *at = NULL;
  gsize len = strlen (t);

  if (len == 0 || len > 320)
    return NULL;
  if (*t == '"')
    {
      /* GMX: "user@example.org": */
      t++;
      p++;
    }
  if (*p == '<')
    p++;
  while (*p && !g_ascii_isspace (*p) && *p != '>' && *p != ',')
    {
      if (*p == '@')
        at = p;
      p++;
    }
  if (at == NULL || at == t || p == at + 1)
    return NULL;
  {
    const char *rest = p;

    if (*rest == '>' || *rest == '"')
      rest++;
    if (*rest == ':' || *rest == ',')
      rest++;
    while (*rest == ' ' || *rest == '\t')
      rest++;
    /* Exchange 2003: "user@example.org on 29/04/2007 20:00". */
    if (*rest != '\0' && !has_prefix_ci (rest, "on ") && !g_str_has_prefix (rest, "("))
      return NULL;
  }

  {
    char *a = g_strndup (*t == '<' ? t + 1 : t, p - (*t == '<' ? t + 1 : t));
    gsize alen = strlen (a);

    while (alen > 0 && (a[alen - 1] == ':' || a[alen - 1] == '"'))
      a[--alen] = '\0';
    return a;
  }
}

static gboolean
line_starts_reply (const char *t,
                   char        code_s[4])
{
  if (g_str_has_prefix (t, "<<< "))
    t += 4;
  if (parse_code_at (t) == 0)
    return FALSE;
  memcpy (code_s, t, 3);
  code_s[3] = '\0';
  return TRUE;
}

static gboolean
is_transcript_command (const char *line)
{
  static const char *commands[] = {
    "MAIL", "RCPT", "DATA", "EHLO", "HELO", "LHLO", "QUIT", "RSET", "BDAT", "STARTTLS", "AUTH", ".",
  };

  if (!g_str_has_prefix (line, ">>> "))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (has_prefix_ci (line + 4, commands[i]))
      return TRUE;
  return FALSE;
}

static void
scanner_set_context_host (Scanner    *s,
                          const char *host)
{
  g_autofree char *h = g_strstrip (g_strdup (host));
  char *space = strpbrk (h, " \t(");

  if (space != NULL)
    *space = '\0';
  while (*h != '\0' && (h[strlen (h) - 1] == ':' || h[strlen (h) - 1] == '.'))
    h[strlen (h) - 1] = '\0';
  if (*h == '\0')
    return;
  g_free (s->host);
  g_clear_pointer (&s->ip, g_free);
  {
    /* Exchange: "Receiving server: mx.example.org (192.0.2.1)" */
    const char *open = strchr (host, '(');
    const char *close = open ? strchr (open, ')') : NULL;

    if (close != NULL)
      {
        g_autofree char *ip = g_strndup (open + 1, close - open - 1);
        if (is_ip_address (ip))
          s->ip = g_steal_pointer (&ip);
      }
  }
  if (is_ip_address (h))
    {
      s->host = NULL;
      g_free (s->ip);
      s->ip = g_strdup (h);
    }
  else
    s->host = g_ascii_strdown (h, -1);
}

static void
scanner_feed_line (Scanner    *s,
                   const char *line)
{
  const char *t = line;
  g_autofree char *address = NULL;
  char code_s[4];

  if (s->stopped)
    return;
  s->lines_seen++;

  /* A bounce quoted in a reply ("> > text"); ">>> RCPT TO:" is a transcript. */
  if (line[0] == '>' && !is_transcript_command (line))
    {
      const char *q = line;

      while (*q == '>')
        {
          q++;
          if (*q == ' ')
            q++;
        }
      scanner_feed_line (s, q);
      return;
    }

  while (*t == ' ' || *t == '\t')
    t++;

  if (*t == '\0')
    {
      scanner_flush (s);
      s->in_transcript = FALSE;
      return;
    }

  /* swaks transcripts: "<** 554 …" (error reply), "<-  250 …", "-> RCPT TO:…". */
  if (g_str_has_prefix (t, "<** ") || g_str_has_prefix (t, "<-  ") || g_str_has_prefix (t, "<~* ") ||
      g_str_has_prefix (t, "<~  "))
    {
      g_autofree char *rewritten = g_strconcat ("<<< ", t + 4, NULL);
      scanner_feed_line (s, rewritten);
      return;
    }
  if (g_str_has_prefix (t, "-> ") || g_str_has_prefix (t, " ~> ") || g_str_has_prefix (t, "~> "))
    {
      g_autofree char *rewritten = g_strconcat (">>> ", strchr (t, '>') + 2, NULL);
      scanner_feed_line (s, rewritten);
      return;
    }
  if (g_str_has_prefix (t, "=== Connected to "))
    {
      scanner_flush (s);
      scanner_set_context_host (s, t + strlen ("=== Connected to "));
      s->stage = MD_SMTP_STAGE_CONNECT;
      return;
    }
  if (g_str_has_prefix (t, "=== ") || g_str_has_prefix (t, "*** "))
    {
      /* swaks' own notes. */
      scanner_flush (s);
      return;
    }

  /* Inside a DSN group only a blank line ends the block. */
  if (s->block_is_fields)
    {
      if (line[0] == ' ' || line[0] == '\t' || is_dsn_field_line (line) ||
          strchr (line, ':') != NULL)
        {
          g_ptr_array_add (s->lines, g_strdup (line));
          if (s->lines->len >= MAX_BLOCK_LINES * 4)
            scanner_flush (s);
          return;
        }
      scanner_flush (s);
    }

  if (is_stop_line (t))
    {
      scanner_flush (s);
      s->stopped = TRUE;
      return;
    }

  if (is_dsn_field_line (t) && t == line)
    {
      scanner_flush (s);
      s->block_is_fields = TRUE;
      g_ptr_array_add (s->lines, g_strdup (line));
      return;
    }

  if (is_log_line (line))
    {
      Context ctx = { NULL, NULL, NULL, MD_SMTP_STAGE_UNKNOWN };
      g_autofree char *unescaped = g_strdup (line);
      MdRejection *r;

      /* Exim logs the line breaks of a multi-line reply as "\n". */
      for (char *n = strstr (unescaped, "\\n"); n != NULL; n = strstr (n, "\\n"))
        {
          n[0] = ' ';
          n[1] = ' ';
        }
      scanner_flush (s);
      r = rejection_from_block (unescaped, TRUE, &ctx);
      if (r != NULL)
        collector_add (s->collector, r);
      return;
    }

  /* sendmail transcript: ">>> RCPT TO:<…>" sets the stage of the reply. */
  if (g_str_has_prefix (t, ">>> "))
    {
      scanner_flush (s);
      s->stage = stage_from_word (t + 4);
      return;
    }

  if (has_prefix_ci (t, "... while talking to ") || has_prefix_ci (t, "while talking to "))
    {
      scanner_flush (s);
      scanner_set_context_host (s, find_ci (t, "talking to ") + strlen ("talking to "));
      return;
    }
  if (has_prefix_ci (t, "Receiving server:") || has_prefix_ci (t, "Empfangender Server:") ||
      has_prefix_ci (t, "Remote-Server:") || has_prefix_ci (t, "Remote server:"))
    {
      scanner_flush (s);
      scanner_set_context_host (s, strchr (t, ':') + 1);
      return;
    }

  /* DragonFly: "There was an error delivering your mail to <user@…>." */
  if (has_prefix_ci (t, "There was an error delivering your mail to "))
    {
      g_autofree char *a = extract_address (t + strlen ("There was an error delivering your mail to "), 300);

      if (a != NULL)
        {
          scanner_flush (s);
          g_free (s->recipient);
          s->recipient = g_steal_pointer (&a);
          return;
        }
    }

  if ((address = address_only_line (t)) != NULL)
    {
      scanner_flush (s);
      g_free (s->recipient);
      s->recipient = g_steal_pointer (&address);
      s->stage = MD_SMTP_STAGE_UNKNOWN;
      return;
    }

  if (g_str_has_prefix (t, "<<< "))
    s->in_transcript = TRUE;
  else if (s->in_transcript && line_starts_reply (t, code_s))
    {
      /* sendmail's own verdict after the receiver's reply. */
      scanner_flush (s);
      return;
    }

  if (s->lines->len > 0)
    {
      gboolean new_block = FALSE;

      if (line_starts_reply (t, code_s) && s->block_has_code)
        {
          /* A continuation line of a multi-line reply repeats "550-". */
          const char *last = g_ptr_array_index (s->lines, s->lines->len - 1);
          g_autofree char *dash = g_strdup_printf ("%s-", code_s);

          new_block = strstr (last, dash) == NULL;
        }
      else if (g_str_has_prefix (t, "<<< "))
        new_block = TRUE;
      else if (*t == '<' && strchr (t, '@') != NULL && strstr (t, ">:") != NULL)
        new_block = TRUE;

      if (new_block)
        scanner_flush (s);
    }

  if (s->block_bytes + strlen (line) > MAX_BLOCK_BYTES || s->lines->len >= MAX_BLOCK_LINES)
    scanner_flush (s);

  g_ptr_array_add (s->lines, g_strdup (line));
  s->block_bytes += strlen (line) + 1;
  if (!s->block_has_code && has_code_candidate (t))
    s->block_has_code = TRUE;
}

static gboolean
scan_buffer (Scanner    *s,
             const char *data,
             gsize       len)
{
  const char *p, *end;

  if (len == 0)
    return TRUE;
  p = data;
  end = data + len;

  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *line_end = nl ? nl : end;
      g_autofree char *line = sanitize_line (p, line_end - p);

      scanner_feed_line (s, line);
      p = nl ? nl + 1 : end;

      if ((s->lines_seen & 0xfff) == 0 && g_cancellable_is_cancelled (s->collector->cancellable))
        return FALSE;
    }
  scanner_flush (s);

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Whole messages (GMime)                                                    */

typedef struct
{
  Collector  dsn;
  Collector  text;
  GPtrArray *attached;       /* GMimeMessage*: returned or forwarded messages */
  guint      parts;
  gboolean   have_plain;
  GPtrArray *html;           /* char*: text/html parts, used without text/plain */
} Walk;

static GByteArray *
part_content (GMimePart *part)
{
  GMimeDataWrapper *wrapper = g_mime_part_get_content (part);
  g_autoptr(GMimeStream) mem = NULL;
  GByteArray *bytes;

  if (wrapper == NULL)
    return NULL;
  mem = g_mime_stream_mem_new ();
  g_mime_data_wrapper_write_to_stream (wrapper, mem);
  bytes = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (mem));
  /* The stream would free the array with itself. */
  g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (mem), FALSE);

  return bytes;
}

/* The decoded text of a part in UTF-8. Converted here rather than with
 * g_mime_text_part_get_text(), which gives up on the first byte its
 * converter rejects (Exchange's Windows-1252 NDRs lose their diagnostic
 * section that way); lines that stay invalid are repaired line by line. */
static char *
part_text (GMimePart        *part,
           GMimeContentType *type)
{
  g_autoptr(GByteArray) content = part_content (part);
  const char *charset = g_mime_content_type_get_parameter (type, "charset");
  char *converted;

  if (content == NULL || content->len == 0)
    return NULL;
  if (charset != NULL && g_ascii_strcasecmp (charset, "utf-8") != 0 &&
      g_ascii_strcasecmp (charset, "us-ascii") != 0)
    {
      const char *name = g_mime_charset_iconv_name (charset);

      converted = g_convert_with_fallback ((const char *) content->data, content->len, "UTF-8",
                                           name, "?", NULL, NULL, NULL);
      if (converted != NULL)
        return converted;
    }

  return g_strndup ((const char *) content->data, content->len);
}

static void
scan_text (Collector  *c,
           const char *text,
           gsize       len)
{
  Scanner s;

  scanner_init (&s, c);
  scan_buffer (&s, text, len);
  scanner_clear (&s);
}

static void
scan_dsn (Collector  *c,
          const char *text,
          gsize       len)
{
  Scanner s;

  /* Every group of a delivery-status part is fields. */
  scanner_init (&s, c);
  for (const char *p = text, *end = text + len; p < end; )
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *line_end = nl ? nl : end;
      g_autofree char *line = sanitize_line (p, line_end - p);

      if (*line == '\0')
        scanner_flush (&s);
      else
        {
          if (s.lines->len == 0)
            s.block_is_fields = TRUE;
          if (s.lines->len < MAX_BLOCK_LINES * 4)
            g_ptr_array_add (s.lines, g_strdup (line));
        }
      p = nl ? nl + 1 : end;
    }
  scanner_flush (&s);
  scanner_clear (&s);
}

/* Text of an HTML part, for NDRs that come without a text/plain part. */
static char *
html_to_text (const char *html,
              gsize       len)
{
  GString *out = g_string_sized_new (len / 2);
  static const struct { const char *entity; const char *text; } entities[] = {
    { "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" },
    { "&#39;", "'" }, { "&apos;", "'" }, { "&nbsp;", " " }, { "&#160;", " " },
  };
  gboolean skip = FALSE;   /* inside <style> or <script> */

  for (gsize i = 0; i < len; )
    {
      if (html[i] == '<')
        {
          const char *close = memchr (html + i, '>', len - i);
          gsize tag_len = close ? (gsize) (close - (html + i)) + 1 : len - i;
          const char *tag = html + i + 1;

          if (has_prefix_ci (tag, "br") || has_prefix_ci (tag, "p") || has_prefix_ci (tag, "/p") ||
              has_prefix_ci (tag, "div") || has_prefix_ci (tag, "/div") || has_prefix_ci (tag, "tr") ||
              has_prefix_ci (tag, "/tr") || has_prefix_ci (tag, "li") || has_prefix_ci (tag, "/table"))
            g_string_append_c (out, '\n');
          else if (has_prefix_ci (tag, "td") || has_prefix_ci (tag, "/td"))
            g_string_append_c (out, ' ');
          if (has_prefix_ci (tag, "style") || has_prefix_ci (tag, "script"))
            skip = TRUE;
          else if (has_prefix_ci (tag, "/style") || has_prefix_ci (tag, "/script"))
            skip = FALSE;
          i += tag_len;
          continue;
        }
      if (skip)
        {
          i++;
          continue;
        }
      if (html[i] == '&')
        {
          gboolean done = FALSE;

          for (guint e = 0; e < G_N_ELEMENTS (entities); e++)
            {
              gsize el = strlen (entities[e].entity);
              if (i + el <= len && g_ascii_strncasecmp (html + i, entities[e].entity, el) == 0)
                {
                  g_string_append (out, entities[e].text);
                  i += el;
                  done = TRUE;
                  break;
                }
            }
          if (done)
            continue;
        }
      if (html[i] == '\n' || html[i] == '\r')
        g_string_append_c (out, ' ');
      else
        g_string_append_c (out, html[i]);
      i++;
    }

  return g_string_free (out, FALSE);
}

static void
walk_object (Walk        *w,
             GMimeObject *object,
             guint        depth)
{
  GMimeContentType *type;

  if (object == NULL || depth > MAX_MIME_DEPTH || ++w->parts > MAX_MIME_PARTS)
    return;

  type = g_mime_object_get_content_type (object);

  if (GMIME_IS_MULTIPART (object))
    {
      int n = g_mime_multipart_get_count (GMIME_MULTIPART (object));

      for (int i = 0; i < n; i++)
        walk_object (w, g_mime_multipart_get_part (GMIME_MULTIPART (object), i), depth + 1);
      return;
    }

  if (GMIME_IS_MESSAGE_PART (object))
    {
      GMimeMessage *inner = g_mime_message_part_get_message (GMIME_MESSAGE_PART (object));

      if (type != NULL && (g_mime_content_type_is_type (type, "message", "delivery-status") ||
                           g_mime_content_type_is_type (type, "message", "global-delivery-status")))
        {
          g_autofree char *text = inner ? g_mime_object_to_string (GMIME_OBJECT (inner), NULL) : NULL;
          if (text != NULL)
            scan_dsn (&w->dsn, text, strlen (text));
          return;
        }
      if (inner != NULL)
        g_ptr_array_add (w->attached, g_object_ref (inner));
      return;
    }

  if (!GMIME_IS_PART (object) || type == NULL)
    return;

  if (g_mime_content_type_is_type (type, "message", "delivery-status") ||
      g_mime_content_type_is_type (type, "message", "global-delivery-status"))
    {
      g_autoptr(GByteArray) content = part_content (GMIME_PART (object));
      if (content != NULL && content->len > 0)
        scan_dsn (&w->dsn, (const char *) content->data, content->len);
      return;
    }

  if (g_mime_content_type_is_type (type, "text", "rfc822-headers") ||
      g_mime_content_type_is_type (type, "message", "rfc822-headers"))
    return;

  if (g_mime_content_type_is_type (type, "text", "plain"))
    {
      const char *filename = g_mime_part_get_filename (GMIME_PART (object));
      g_autofree char *text = NULL;

      /* An attached file is not the bounce text. */
      if (depth > 0 && filename != NULL && !g_str_has_suffix (filename, ".txt"))
        return;
      text = part_text (GMIME_PART (object), type);
      w->have_plain = TRUE;
      if (text != NULL)
        scan_text (&w->text, text, strlen (text));
      return;
    }

  if (g_mime_content_type_is_type (type, "text", "html"))
    {
      char *text = part_text (GMIME_PART (object), type);
      if (text != NULL)
        g_ptr_array_add (w->html, text);
    }
}

static gboolean
same_recipient (const MdRejection *a,
                const MdRejection *b)
{
  return a->recipient != NULL && b->recipient != NULL &&
         g_ascii_strcasecmp (a->recipient, b->recipient) == 0;
}

static gboolean
is_generic_status (const char *status)
{
  return status != NULL && g_str_has_suffix (status, ".0.0");
}

static gboolean
compatible_codes (const MdRejection *a,
                  const MdRejection *b)
{
  const char *ea = a->enhanced_status, *eb = b->enhanced_status;

  return (a->smtp_code == 0 || b->smtp_code == 0 || a->smtp_code == b->smtp_code) &&
         (ea == NULL || eb == NULL || g_str_equal (ea, eb) ||
          /* The reporting MTA's generic "4.0.0" for the receiver's "4.7.0". */
          ((is_generic_status (ea) || is_generic_status (eb)) && ea[0] == eb[0]));
}

/* The DSN part is the machine-readable truth about who was rejected; the
 * text part often says more (host, stage, the full reply). */
static void
enrich_from_text (GPtrArray *dsn,
                  GPtrArray *text)
{
  for (guint i = 0; i < text->len; i++)
    {
      const MdRejection *t = g_ptr_array_index (text, i);
      MdRejection *target = NULL;

      for (guint j = 0; j < dsn->len && target == NULL; j++)
        {
          MdRejection *d = g_ptr_array_index (dsn, j);
          if (same_recipient (d, t) && compatible_codes (d, t))
            target = d;
        }
      for (guint j = 0; j < dsn->len && target == NULL && t->recipient == NULL; j++)
        {
          MdRejection *d = g_ptr_array_index (dsn, j);
          if (t->smtp_code != 0 && d->smtp_code == t->smtp_code && compatible_codes (d, t))
            target = d;
        }
      if (target == NULL && dsn->len == 1 && t->recipient == NULL)
        {
          MdRejection *d = g_ptr_array_index (dsn, 0);
          if (d->smtp_code == 0 || t->smtp_code == d->smtp_code)
            target = d;
        }
      if (target == NULL)
        continue;

      {
        g_autofree char *keep_text = g_strdup (target->text);
        guint keep_code = target->smtp_code;

        if (is_generic_status (target->enhanced_status) && t->enhanced_status != NULL &&
            !is_generic_status (t->enhanced_status))
          set_str (&target->enhanced_status, t->enhanced_status);
        merge_into (target, t);
        /* The DSN's own diagnostic wins unless it had none. */
        if (keep_text != NULL && keep_code != 0)
          set_str (&target->text, keep_text);
        if (keep_code == 0 && t->smtp_code != 0)
          target->temporary = t->smtp_code / 100 == 4;
        if (target->text != NULL && keep_code == 0)
          {
            /* Facts found in the fuller text. */
            find_references (target);
            find_contacts (target);
            if (target->blocked_ip == NULL)
              find_blocked_ip (target);
          }
        g_clear_pointer (&target->provider, g_free);
        g_clear_pointer (&target->service, g_free);
        detect_provider (target);
      }
    }
}

static GPtrArray *
parse_message_object (GMimeMessage *message,
                      GCancellable *cancellable,
                      guint         depth)
{
  Walk w = { 0, };
  GPtrArray *result;
  const char *failed;

  collector_init (&w.dsn, cancellable);
  collector_init (&w.text, cancellable);
  w.attached = g_ptr_array_new_with_free_func (g_object_unref);
  w.html = g_ptr_array_new_with_free_func (g_free);

  walk_object (&w, g_mime_message_get_mime_part (message), 0);

  if (!w.have_plain)
    for (guint i = 0; i < w.html->len; i++)
      {
        const char *html = g_ptr_array_index (w.html, i);
        g_autofree char *text = html_to_text (html, strlen (html));
        scan_text (&w.text, text, strlen (text));
      }

  /* Exim names the failed recipients in a header. */
  failed = g_mime_object_get_header (GMIME_OBJECT (message), "X-Failed-Recipients");
  if (failed != NULL && strchr (failed, ',') == NULL && g_utf8_validate (failed, -1, NULL) &&
      strchr (failed, '@') != NULL && strlen (failed) < 320)
    {
      g_autofree char *address = g_strstrip (g_strdup (failed));

      for (guint i = 0; i < w.text.rejections->len; i++)
        {
          MdRejection *r = g_ptr_array_index (w.text.rejections, i);
          fill_str (&r->recipient, address);
          if (r->provider == NULL)
            detect_provider (r);
        }
    }

  if (w.dsn.rejections->len > 0)
    {
      enrich_from_text (w.dsn.rejections, w.text.rejections);
      result = g_steal_pointer (&w.dsn.rejections);
    }
  else
    result = g_steal_pointer (&w.text.rejections);

  /* A forwarded bounce: the rejection is in the attached message. */
  if (result->len == 0 && depth < 3)
    for (guint i = 0; i < w.attached->len && result->len == 0; i++)
      {
        g_autoptr(GPtrArray) inner = parse_message_object (g_ptr_array_index (w.attached, i),
                                                           cancellable, depth + 1);
        if (inner->len > 0)
          {
            g_ptr_array_unref (result);
            result = g_steal_pointer (&inner);
          }
      }

  collector_clear (&w.dsn);
  collector_clear (&w.text);
  g_ptr_array_unref (w.attached);
  g_ptr_array_unref (w.html);

  return result;
}

/* ------------------------------------------------------------------------ */
/* Public API                                                                */

gboolean
md_rejection_parser_is_dsn_field_line (const char *line)
{
  g_return_val_if_fail (line != NULL, FALSE);

  return is_dsn_field_line (line);
}

G_DEFINE_BOXED_TYPE (MdRejectionParse, md_rejection_parse,
                     md_rejection_parse_copy, md_rejection_parse_free)

static MdRejectionParse *
md_rejection_parse_new (void)
{
  MdRejectionParse *parse = g_new0 (MdRejectionParse, 1);

  parse->rejections = g_ptr_array_new_with_free_func ((GDestroyNotify) md_rejection_free);

  return parse;
}

MdRejectionParse *
md_rejection_parse_copy (const MdRejectionParse *parse)
{
  MdRejectionParse *copy;

  g_return_val_if_fail (parse != NULL, NULL);

  copy = md_rejection_parse_new ();
  for (guint i = 0; i < parse->rejections->len; i++)
    g_ptr_array_add (copy->rejections, md_rejection_copy (g_ptr_array_index (parse->rejections, i)));
  copy->truncated = parse->truncated;
  copy->seen = parse->seen;

  return copy;
}

void
md_rejection_parse_free (MdRejectionParse *parse)
{
  if (parse == NULL)
    return;

  g_clear_pointer (&parse->rejections, g_ptr_array_unref);
  g_free (parse);
}

static GPtrArray *
parse_text (const char   *data,
            gsize         len,
            GCancellable *cancellable)
{
  Collector c;
  GPtrArray *result;

  collector_init (&c, cancellable);
  scan_text (&c, data, len);
  result = g_steal_pointer (&c.rejections);
  collector_clear (&c);

  return result;
}

/* How many distinct rejections a text holds when the collector stopped at
 * its cap: the text is read again in pieces small enough to stay under the
 * cap, each piece's rejections counted once by reply, status and recipient.
 * Only for the report ("1,000 of 3,412 shown"); a rejection whose lines
 * straddle two pieces may count twice. */
#define COUNT_PIECE ((gsize) 64 * 1024)

static guint
count_distinct (const char   *data,
                gsize         len,
                GCancellable *cancellable)
{
  g_autoptr(GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *end = data + len;

  for (const char *p = data; p < end; )
    {
      const char *stop = p + MIN (COUNT_PIECE, (gsize) (end - p));
      g_autoptr(GPtrArray) piece = NULL;

      if (stop < end)
        {
          const char *nl = memchr (stop, '\n', end - stop);
          stop = nl != NULL ? nl + 1 : end;
        }
      if (g_cancellable_is_cancelled (cancellable))
        break;

      piece = parse_text (p, stop - p, cancellable);
      for (guint i = 0; i < piece->len; i++)
        g_hash_table_add (keys, full_key (g_ptr_array_index (piece, i)));
      p = stop;
    }

  return g_hash_table_size (keys);
}

/* One message of the input (the whole input unless it is an mbox): the
 * MIME structure when it is a mail within the guards, else its text. */
static GPtrArray *
parse_one (MdInput      *input,
           guint         index,
           GCancellable *cancellable,
           guint        *seen)
{
  GMimeMessage *message = md_input_get_message (input, index);
  gsize len = 0;
  const char *data;
  GPtrArray *result;

  if (message != NULL)
    {
      result = parse_message_object (message, cancellable, 0);
      /* Broken MIME (a boundary that never occurs) hides the parts from
       * GMime: then the raw text is all there is. */
      if (result->len > 0)
        {
          *seen = result->len;
          return result;
        }
      g_ptr_array_unref (result);
    }

  data = md_input_get_message_text (input, index, &len);
  result = parse_text (data, len, cancellable);
  *seen = result->len;
  if (result->len >= MD_REJECTION_PARSER_MAX_REJECTIONS)
    *seen = MAX (result->len, count_distinct (data, len, cancellable));

  return result;
}

static gboolean
check_size (gsize    len,
            GError **error)
{
  if (len > MD_REJECTION_PARSER_MAX_INPUT)
    {
      g_autofree char *size = g_format_size_full (len, G_FORMAT_SIZE_IEC_UNITS);
      g_autofree char *limit = g_format_size_full (MD_REJECTION_PARSER_MAX_INPUT,
                                                   G_FORMAT_SIZE_IEC_UNITS);

      g_set_error (error, MD_REJECTION_PARSER_ERROR, MD_REJECTION_PARSER_ERROR_TOO_LARGE,
                   _("The input is too large (%s); the limit is %s."), size, limit);
      return FALSE;
    }

  return TRUE;
}

static MdRejectionParse *
parse_input (MdInput      *input,
             GCancellable *cancellable,
             GError      **error)
{
  g_autoptr(MdRejectionParse) parse = NULL;
  gboolean mbox;
  guint n;

  md_core_init ();

  if (!check_size (g_bytes_get_size (md_input_get_bytes (input)), error))
    return NULL;

  parse = md_rejection_parse_new ();
  mbox = md_input_is_mbox (input);
  n = md_input_get_n_messages (input);

  /* The messages of an mbox are read one by one, each as if it were a file
   * of its own: the same bounce gives the same rejections either way. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GPtrArray) found = NULL;
      guint seen = 0;

      if (g_cancellable_is_cancelled (cancellable))
        break;

      found = parse_one (input, i, cancellable, &seen);
      parse->seen += seen;
      for (guint j = 0; j < found->len; j++)
        {
          MdRejection *r = g_ptr_array_index (found, j);

          if (parse->rejections->len >= MD_REJECTION_PARSER_MAX_REJECTIONS)
            break;
          g_free (r->source_file);
          r->source_file = g_strdup (md_input_get_name (input));
          r->source_message = mbox ? i + 1 : 0;
          g_ptr_array_add (parse->rejections, g_steal_pointer (&found->pdata[j]));
        }
    }

  parse->truncated = parse->seen > parse->rejections->len;

  return g_steal_pointer (&parse);
}

MdRejectionParse *
md_rejection_parse_input (MdInput       *input,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_return_val_if_fail (MD_IS_INPUT (input), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return parse_input (input, cancellable, error);
}

GPtrArray *
md_rejection_parse_bytes (GBytes  *input,
                          GError **error)
{
  g_autoptr(MdInput) in = NULL;
  g_autoptr(MdRejectionParse) parse = NULL;

  g_return_val_if_fail (input != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  in = md_input_new (input, NULL);
  parse = parse_input (in, NULL, error);
  if (parse == NULL)
    return NULL;

  return g_steal_pointer (&parse->rejections);
}

GPtrArray *
md_rejection_parse_text (const char *utf8)
{
  g_autoptr(MdInput) in = NULL;
  g_autoptr(MdRejectionParse) parse = NULL;

  g_return_val_if_fail (utf8 != NULL, NULL);

  in = md_input_new_for_text (utf8);
  parse = parse_input (in, NULL, NULL);
  /* Only an input over the size limit has no result. */
  if (parse == NULL)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) md_rejection_free);

  return g_steal_pointer (&parse->rejections);
}

static void
parse_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  MdInput *input = task_data;
  g_autoptr(MdRejectionParse) parse = NULL;
  GError *error = NULL;

  parse = parse_input (input, cancellable, &error);
  if (parse == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;
  g_task_return_pointer (task, g_steal_pointer (&parse), (GDestroyNotify) md_rejection_parse_free);
}

void
md_rejection_parse_input_async (MdInput             *input,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MD_IS_INPUT (input));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, md_rejection_parse_input_async);
  g_task_set_task_data (task, g_object_ref (input), g_object_unref);
  g_task_run_in_thread (task, parse_thread);
}

MdRejectionParse *
md_rejection_parse_input_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == md_rejection_parse_input_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
parse_bytes_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(MdRejectionParse) parse = NULL;
  GError *error = NULL;

  parse = md_rejection_parse_input_finish (result, &error);
  if (parse == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&parse->rejections),
                           (GDestroyNotify) g_ptr_array_unref);
}

void
md_rejection_parse_async (GBytes              *input,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(MdInput) in = NULL;

  g_return_if_fail (input != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, md_rejection_parse_async);
  in = md_input_new (input, NULL);
  md_rejection_parse_input_async (in, cancellable, parse_bytes_cb, g_steal_pointer (&task));
}

GPtrArray *
md_rejection_parse_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == md_rejection_parse_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
