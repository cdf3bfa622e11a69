/* md-imprint.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-html.h"
#include "md-imprint.h"
#include "md-record-util.h"

/* T-Online's reviewers look at the home page a person reaches from the PTR
 * name; 2 MiB holds any real home page, and the time bound is the user's. */
#define SITE_MAX_SIZE   (2 * 1024 * 1024)

G_DEFINE_BOXED_TYPE (MdImprintResult, md_imprint_result,
                     md_imprint_result_copy, md_imprint_result_free)

MdImprintResult *
md_imprint_result_copy (const MdImprintResult *result)
{
  MdImprintResult *copy;

  g_return_val_if_fail (result != NULL, NULL);

  copy = g_new0 (MdImprintResult, 1);
  copy->ptr_host = g_strdup (result->ptr_host);
  copy->domain = g_strdup (result->domain);
  copy->generic_ptr = result->generic_ptr;
  copy->outcome = result->outcome;
  copy->reason = g_strdup (result->reason);
  copy->site_url = g_strdup (result->site_url);
  copy->https = result->https;
  copy->imprint_url = g_strdup (result->imprint_url);
  copy->imprint_text = g_strdup (result->imprint_text);
  copy->contact_confirmed = result->contact_confirmed;
  copy->contact_kinds = g_strdupv (result->contact_kinds);
  copy->attempts = md_record_warnings_copy (result->attempts);

  return copy;
}

void
md_imprint_result_free (MdImprintResult *result)
{
  if (result == NULL)
    return;

  g_free (result->ptr_host);
  g_free (result->domain);
  g_free (result->reason);
  g_free (result->site_url);
  g_free (result->imprint_url);
  g_free (result->imprint_text);
  g_strfreev (result->contact_kinds);
  g_clear_pointer (&result->attempts, g_ptr_array_unref);
  g_free (result);
}

const char *
md_imprint_outcome_to_string (MdImprintOutcome outcome)
{
  switch (outcome)
    {
    case MD_IMPRINT_FOUND:      return "found";
    case MD_IMPRINT_NOT_FOUND:  return "not-found";
    case MD_IMPRINT_NO_WEBSITE: return "no-website";
    case MD_IMPRINT_NO_DOMAIN:  return "no-domain";
    case MD_IMPRINT_UNDECIDED:  return "undecided";
    default:                    return "unknown";
    }
}

static const struct
{
  const char *word;
  int         score;
} link_words[] = {
  { "impressum", 4 },
  { "imprint", 4 },
  { "anbieterkennzeichnung", 4 },
  { "legal notice", 4 },
  { "legal-notice", 4 },
  { "legal_notice", 4 },
  { "legalnotice", 4 },
  { "kontakt", 3 },
  { "contact", 3 },
  /* "legal" alone also names privacy and terms pages: weakest. */
  { "legal", 2 },
};

/* How much a link looks like the imprint: 0 not at all, higher is better. */
int
md_imprint_link_score (const char *href,
                       const char *text)
{
  g_autofree char *lower_text = text != NULL ? g_utf8_strdown (text, -1) : NULL;
  g_autofree char *lower_href = href != NULL ? g_ascii_strdown (href, -1) : NULL;
  int best = 0;

  if (lower_href != NULL && (g_str_has_prefix (lower_href, "mailto:") ||
                             g_str_has_prefix (lower_href, "tel:") ||
                             g_str_has_prefix (lower_href, "javascript:")))
    return 0;

  for (guint i = 0; i < G_N_ELEMENTS (link_words); i++)
    {
      /* The text counts a little more than the address: it is what a
       * person reading the page would click. */
      if (lower_text != NULL && strstr (lower_text, link_words[i].word) != NULL)
        best = MAX (best, link_words[i].score * 2 + 1);
      if (lower_href != NULL && strstr (lower_href, link_words[i].word) != NULL)
        best = MAX (best, link_words[i].score * 2);
    }

  return best;
}

static gboolean
is_email_char (char c)
{
  return g_ascii_isalnum (c) || c == '.' || c == '_' || c == '-' || c == '+' || c == '%';
}

static gboolean
has_email (const char *text)
{
  for (const char *at = strchr (text, '@'); at != NULL; at = strchr (at + 1, '@'))
    {
      const char *p = at + 1;
      gboolean dot = FALSE;
      gsize tld = 0;

      if (at == text || !is_email_char (at[-1]))
        continue;
      for (; *p != '\0' && (g_ascii_isalnum (*p) || *p == '.' || *p == '-'); p++)
        {
          if (*p == '.')
            {
              dot = TRUE;
              tld = 0;
            }
          else if (g_ascii_isalpha (*p))
            tld++;
          else
            tld = 0;
        }
      if (dot && tld >= 2)
        return TRUE;
    }

  /* "info (at) example.de", a common guard against address harvesters */
  return strstr (text, "(at)") != NULL || strstr (text, "[at]") != NULL;
}

/* A run of at least 6 digits, with the separators people write in
 * phone numbers, starting within a few characters of @p. */
static gboolean
digits_follow (const char *p)
{
  guint digits = 0;
  guint lead = 0;

  while (*p != '\0' && !g_ascii_isdigit (*p) && *p != '+' && lead < 12)
    {
      p++;
      lead++;
    }
  for (; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        digits++;
      else if (!(*p == ' ' || *p == '/' || *p == '-' || *p == '(' || *p == ')' || *p == '+' ||
                 *p == '.'))
        break;
    }

  return digits >= 6;
}

static gboolean
has_phone (const char *lower)
{
  static const char * const words[] = { "tel", "phone", "fon", "telefon", "fax" };

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    {
      for (const char *p = strstr (lower, words[i]); p != NULL; p = strstr (p + 1, words[i]))
        {
          if (digits_follow (p + strlen (words[i])))
            return TRUE;
        }
    }
  for (const char *p = strstr (lower, "+"); p != NULL; p = strchr (p + 1, '+'))
    {
      if (g_ascii_isdigit (p[1]) && digits_follow (p))
        return TRUE;
    }

  return FALSE;
}

/* A postcode and a town ("10115 Berlin", "1010 Wien") near a street word:
 * the shape of a postal address in the German-speaking countries, which is
 * what an Impressum holds. */
static gboolean
has_address (const char *text,
             const char *lower)
{
  static const char * const streets[] = { "str.", "straße", "strasse", "weg ", "platz", "allee",
                                          "gasse", "ring ", "damm", "street", "road", "avenue",
                                          "lane" };
  gboolean street = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (streets) && !street; i++)
    street = strstr (lower, streets[i]) != NULL;
  if (!street)
    return FALSE;

  for (const char *p = text; *p != '\0'; p++)
    {
      guint n = 0;

      if (p > text && g_ascii_isalnum (p[-1]))
        continue;
      while (g_ascii_isdigit (p[n]))
        n++;
      if ((n == 4 || n == 5) && p[n] == ' ' &&
          g_unichar_isupper (g_utf8_get_char_validated (p + n + 1, -1)))
        return TRUE;
      p += n > 0 ? n - 1 : 0;
    }

  return FALSE;
}

/* Which kinds of contact details the page shows: "email", "phone",
 * "address"; empty when none. */
GStrv
md_imprint_find_contact_kinds (const char *html,
                               gsize       length)
{
  g_autofree char *text = md_html_to_text (html, length, FALSE);
  g_autofree char *lower = g_utf8_strdown (text, -1);
  g_autoptr(GStrvBuilder) kinds = g_strv_builder_new ();

  if (has_email (lower))
    g_strv_builder_add (kinds, "email");
  if (has_phone (lower))
    g_strv_builder_add (kinds, "phone");
  if (has_address (text, lower))
    g_strv_builder_add (kinds, "address");

  return g_strv_builder_end (kinds);
}

/* A hoster's generic reverse name: the part before the domain holds the
 * address ("static.1.2.3.4.clients.your-server.de", "ip-203-0-113-7…") or a
 * pool word next to a number ("vps123456.ovh.net"). */
gboolean
md_imprint_is_generic_ptr (const char *ptr_host,
                           const char *domain)
{
  static const char * const words[] = { "static", "dynamic", "dyn", "dsl", "pool", "dhcp",
                                        "dial", "ppp", "cable", "cust", "client", "broadband",
                                        "ip", "host", "vps", "server", "rev", "node" };
  g_autofree char *host = NULL;
  gsize host_len;
  guint runs = 0;
  gboolean word = FALSE;

  g_return_val_if_fail (ptr_host != NULL && domain != NULL, FALSE);

  if (strlen (ptr_host) <= strlen (domain) + 1)
    return FALSE;
  host_len = strlen (ptr_host) - strlen (domain) - 1;
  host = g_ascii_strdown (ptr_host, host_len);

  for (gsize i = 0; i < host_len; i++)
    {
      if (g_ascii_isdigit (host[i]) && (i == 0 || !g_ascii_isdigit (host[i - 1])))
        runs++;
    }
  for (guint i = 0; i < G_N_ELEMENTS (words) && !word; i++)
    {
      const char *p = strstr (host, words[i]);

      word = p != NULL && (p == host || !g_ascii_isalpha (p[-1]));
    }

  return runs >= 3 || (word && runs >= 1);
}

/* The check */

typedef struct
{
  MdHttp          *http;
  GPtrArray       *candidates;    /* of char*: the home page URLs to try, in order */
  guint            next;
  gboolean         no_tls;
  GBytes          *home;          /* the home page body */
  MdImprintResult *result;
} ImprintData;

static void
imprint_data_free (ImprintData *data)
{
  g_clear_object (&data->http);
  g_clear_pointer (&data->candidates, g_ptr_array_unref);
  g_clear_pointer (&data->home, g_bytes_unref);
  g_clear_pointer (&data->result, md_imprint_result_free);
  g_free (data);
}

static void
imprint_return (GTask *task)
{
  ImprintData *data = g_task_get_task_data (task);
  MdImprintResult *result = data->result;

  if (result->generic_ptr && result->domain != NULL)
    {
      g_autofree char *reason = result->reason;

      /* Translators: the first %s is a sentence said before this one, the second the PTR host name,
       * the third the hoster’s domain */
      result->reason = g_strdup_printf (_("%s The PTR name %s is a generic name of the hoster "
                                          "%s, so any website found is the hoster's, not the "
                                          "mail server operator's: set a PTR name under your "
                                          "own domain."),
                                        reason, result->ptr_host, result->domain);
    }

  g_task_return_pointer (task, g_steal_pointer (&data->result),
                         (GDestroyNotify)md_imprint_result_free);
}

static void
set_contact (MdImprintResult *result,
             const char      *html,
             gsize            length)
{
  g_strfreev (result->contact_kinds);
  result->contact_kinds = md_imprint_find_contact_kinds (html, length);
  result->contact_confirmed = result->contact_kinds[0] != NULL;
}

static void
set_found_reason (MdImprintResult *result,
                  const char      *problem)
{
  g_free (result->reason);
  if (result->contact_confirmed)
    /* Translators: both %s are URLs */
    result->reason = g_strdup_printf (_("The website %s has an imprint or contact page with "
                                        "contact details: %s"),
                                      result->site_url, result->imprint_url);
  else if (problem != NULL)
    /* Translators: the first two %s are URLs, the last a technical error message */
    result->reason = g_strdup_printf (_("The website %s links to an imprint or contact page "
                                        "(%s), but it could not be read: %s"),
                                      result->site_url, result->imprint_url, problem);
  else
    /* Translators: the first two %s are URLs, the last a technical error message */
    result->reason = g_strdup_printf (_("The website %s links to an imprint or contact page "
                                        "(%s), but it shows no e-mail address, phone number or "
                                        "postal address"),
                                      result->site_url, result->imprint_url);
}

static void
imprint_page_cb (GObject      *object,
                 GAsyncResult *res,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ImprintData *data = g_task_get_task_data (task);
  g_autoptr(MdHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  response = md_http_fetch_finish (MD_HTTP (object), res, &error);
  if (response == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      set_found_reason (data->result, error->message);
      imprint_return (task);
      return;
    }

  g_free (data->result->imprint_url);
  data->result->imprint_url = g_strdup (response->url);
  set_contact (data->result, g_bytes_get_data (response->body, NULL),
               g_bytes_get_size (response->body));
  set_found_reason (data->result, NULL);
  imprint_return (task);
}

static void try_next_site (GTask *task);

static void
home_page_cb (GObject      *object,
              GAsyncResult *res,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ImprintData *data = g_task_get_task_data (task);
  MdImprintResult *result = data->result;
  g_autoptr(MdHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) links = NULL;
  g_autoptr(GUri) base = NULL;
  g_autoptr(GUri) target = NULL;
  MdHtmlLink *best = NULL;
  GCancellable *cancellable;
  int best_score = 0;
  const char *html;
  gsize size;
  MdHttpRequestOptions options = { 0 };

  response = md_http_fetch_finish (MD_HTTP (object), res, &error);
  if (response == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      if (g_error_matches (error, MD_HTTP_ERROR, MD_HTTP_ERROR_NO_TLS))
        data->no_tls = TRUE;
      g_ptr_array_add (result->attempts,
                       md_record_warning_new (g_ptr_array_index (data->candidates, data->next - 1),
                                              error->message));
      try_next_site (g_steal_pointer (&task));
      return;
    }

  result->site_url = g_strdup (response->url);
  result->https = g_str_has_prefix (response->url, "https:");
  data->home = g_bytes_ref (response->body);
  html = g_bytes_get_data (response->body, &size);
  if (html == NULL)
    html = "";

  links = md_html_scan_links (html, size);
  for (guint i = 0; i < links->len; i++)
    {
      MdHtmlLink *link = g_ptr_array_index (links, i);
      int score = md_imprint_link_score (link->href, link->text);

      if (score > best_score)
        {
          best = link;
          best_score = score;
        }
    }

  base = g_uri_parse (response->url, SOUP_HTTP_URI_FLAGS, NULL);
  if (best != NULL && base != NULL)
    target = g_uri_parse_relative (base, best->href, SOUP_HTTP_URI_FLAGS, NULL);
  if (target != NULL && g_strcmp0 (g_uri_get_scheme (target), "http") != 0 &&
      g_strcmp0 (g_uri_get_scheme (target), "https") != 0)
    g_clear_pointer (&target, g_uri_unref);

  if (target == NULL)
    {
      g_autofree char *text = md_html_to_text (html, size, FALSE);
      g_autofree char *lower = g_utf8_strdown (text, -1);

      /* One-page sites put the Impressum on the home page itself. */
      if (strstr (lower, "impressum") != NULL || strstr (lower, "imprint") != NULL ||
          strstr (lower, "anbieterkennzeichnung") != NULL)
        {
          set_contact (result, html, size);
          if (result->contact_confirmed)
            {
              result->outcome = MD_IMPRINT_FOUND;
              result->imprint_url = g_strdup (response->url);
              set_found_reason (result, NULL);
              imprint_return (task);
              return;
            }
        }

      result->outcome = MD_IMPRINT_NOT_FOUND;
      result->reason = g_strdup_printf (_("The website %s has no link to an imprint or contact "
                                          "page (looked for Impressum, Imprint, Kontakt, "
                                          "Contact, Legal notice)"),
                                        response->url);
      imprint_return (task);
      return;
    }

  result->outcome = MD_IMPRINT_FOUND;
  result->imprint_text = g_strdup (best->text);
  g_uri_unref (g_steal_pointer (&base));
  base = g_uri_parse (response->url, SOUP_HTTP_URI_FLAGS, NULL);

  /* A link to an anchor of the same page: the home page is the imprint. */
  if (g_strcmp0 (g_uri_get_host (target), g_uri_get_host (base)) == 0 &&
      g_strcmp0 (g_uri_get_path (target), g_uri_get_path (base)) == 0 &&
      g_strcmp0 (g_uri_get_query (target), g_uri_get_query (base)) == 0)
    {
      result->imprint_url = g_uri_to_string (target);
      set_contact (result, html, size);
      set_found_reason (result, NULL);
      imprint_return (task);
      return;
    }

  result->imprint_url = g_uri_to_string_partial (target, G_URI_HIDE_FRAGMENT);
  options.redirects = MD_HTTP_REDIRECT_ANY;
  /* The policy of MTA-STS and RDAP: a redirect only to https, and never
   * from a public site into a private network. */
  options.https_only = TRUE;
  options.public_redirects_only = TRUE;
  options.max_size = SITE_MAX_SIZE;
  options.accept = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5";
  cancellable = g_task_get_cancellable (task);
  md_http_fetch_async (data->http, result->imprint_url, &options,
                       cancellable, imprint_page_cb, g_steal_pointer (&task));
}

static void
try_next_site (GTask *task)
{
  ImprintData *data = g_task_get_task_data (task);
  MdImprintResult *result = data->result;
  MdHttpRequestOptions options = { 0 };
  const char *url;

  if (data->next >= data->candidates->len)
    {
      g_autoptr(GString) why = g_string_new (NULL);

      for (guint i = 0; i < result->attempts->len; i++)
        {
          MdRecordWarning *attempt = g_ptr_array_index (result->attempts, i);

          if (why->len > 0)
            g_string_append (why, "; ");
          g_string_append (why, attempt->message);
        }
      result->outcome = data->no_tls ? MD_IMPRINT_UNDECIDED : MD_IMPRINT_NO_WEBSITE;
      /* Translators: %s is a domain, the second %s lists the errors of each address tried */
      result->reason = g_strdup_printf (_("No website answers for %s: %s"), result->domain,
                                        why->str);
      imprint_return (task);
      return;
    }

  url = g_ptr_array_index (data->candidates, data->next++);
  /* Any redirect a browser would follow (example.de → www.example.com is
   * common): the reviewer at T-Online sees where it leads, and so do we. */
  options.redirects = MD_HTTP_REDIRECT_ANY;
  /* The policy of MTA-STS and RDAP: a redirect only to https, and never
   * from a public site into a private network. */
  options.https_only = TRUE;
  options.public_redirects_only = TRUE;
  options.max_size = SITE_MAX_SIZE;
  options.accept = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5";
  md_http_fetch_async (data->http, url, &options, g_task_get_cancellable (task),
                       home_page_cb, task);
}

/* Runs the rule 4.1 check for @ptr_host (the PTR name of the sending IP).
 * Fails only with G_IO_ERROR_CANCELLED; everything else is in the result. */
void
md_imprint_check_async (MdHttp              *http,
                        const char          *ptr_host,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *host = NULL;
  ImprintData *data;
  MdImprintResult *result;

  g_return_if_fail (http == NULL || MD_IS_HTTP (http));
  g_return_if_fail (ptr_host != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, md_imprint_check_async);

  data = g_new0 (ImprintData, 1);
  data->http = http != NULL ? g_object_ref (http) : md_http_new ();
  data->candidates = g_ptr_array_new_with_free_func (g_free);
  data->result = result = g_new0 (MdImprintResult, 1);
  result->ptr_host = g_strdup (ptr_host);
  result->attempts = md_record_warnings_new ();
  result->contact_kinds = g_new0 (char *, 1);
  g_task_set_task_data (task, data, (GDestroyNotify)imprint_data_free);

  host = md_record_normalize_domain (ptr_host);
  if (host != NULL)
    result->domain = md_http_registrable_domain (host, &error);
  if (result->domain == NULL)
    {
      result->outcome = MD_IMPRINT_NO_DOMAIN;
      /* Translators: the first %s is a host name, the second the reason */
      result->reason = g_strdup_printf (_("The PTR name “%s” leads to no domain with a website: "
                                          "%s"),
                                        ptr_host,
                                        error != NULL ? error->message : _("not a host name"));
      imprint_return (task);
      return;
    }
  result->generic_ptr = md_imprint_is_generic_ptr (host, result->domain);

  /* HTTPS first; plain HTTP when that fails (rule 4.1 asks for a website,
   * not for TLS); the www. name for domains whose apex has no web server. */
  g_ptr_array_add (data->candidates, g_strdup_printf ("https://%s/", result->domain));
  g_ptr_array_add (data->candidates, g_strdup_printf ("https://www.%s/", result->domain));
  g_ptr_array_add (data->candidates, g_strdup_printf ("http://%s/", result->domain));
  g_ptr_array_add (data->candidates, g_strdup_printf ("http://www.%s/", result->domain));

  try_next_site (g_steal_pointer (&task));
}

MdImprintResult *
md_imprint_check_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
