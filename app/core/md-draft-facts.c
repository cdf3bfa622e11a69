/* md-draft-facts.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-draft-private.h"

#include <string.h>

#include "md-check.h"

G_DEFINE_BOXED_TYPE (MdDraftFacts, md_draft_facts, md_draft_facts_copy, md_draft_facts_free)

/* ------------------------------------------------------------------ */
/* MdDraftFacts                                                        */

static void
md_draft_fact_free (MdDraftFact *fact)
{
  g_free (fact->id);
  g_free (fact->title);
  g_free (fact->status);
  g_free (fact->summary);
  g_free (fact->detail);
  for (guint i = 0; i < MD_CHECK_N_FACTS; i++)
    g_free (fact->values[i]);
  g_free (fact);
}

MdDraftFacts *
md_draft_facts_new (void)
{
  MdDraftFacts *facts = g_new0 (MdDraftFacts, 1);

  facts->checks = g_ptr_array_new_with_free_func ((GDestroyNotify) md_draft_fact_free);
  facts->remediation = g_ptr_array_new_with_free_func (g_free);
  facts->extra_ips = g_ptr_array_new_with_free_func (g_free);
  facts->domains = g_ptr_array_new_with_free_func (g_free);

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
      last->title = g_strdup (fact->title);
      for (guint j = 0; j < MD_CHECK_N_FACTS; j++)
        last->values[j] = g_strdup (fact->values[j]);
    }
  for (guint i = 0; i < facts->remediation->len; i++)
    md_draft_facts_add_remediation (copy, g_ptr_array_index (facts->remediation, i));
  for (guint i = 0; i < facts->extra_ips->len; i++)
    md_draft_facts_add_ip (copy, g_ptr_array_index (facts->extra_ips, i));
  for (guint i = 0; i < facts->domains->len; i++)
    md_draft_facts_add_domain (copy, g_ptr_array_index (facts->domains, i));
  md_draft_facts_set_rejection_time (copy, facts->rejected_at);

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
  g_clear_pointer (&facts->domains, g_ptr_array_unref);
  g_clear_pointer (&facts->rejected_at, g_date_time_unref);
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

void
md_draft_facts_add_domain (MdDraftFacts *facts,
                           const char   *domain)
{
  g_return_if_fail (facts != NULL);

  if (is_empty (domain))
    return;
  for (guint i = 0; i < facts->domains->len; i++)
    if (g_ascii_strcasecmp (domain, g_ptr_array_index (facts->domains, i)) == 0)
      return;
  g_ptr_array_add (facts->domains, g_ascii_strdown (domain, -1));
}

void
md_draft_facts_set_check_fact (MdDraftFacts *facts,
                               const char   *id,
                               MdCheckFact   fact,
                               const char   *value)
{
  g_return_if_fail (facts != NULL);
  g_return_if_fail (id != NULL);
  g_return_if_fail (fact < MD_CHECK_N_FACTS);

  for (guint i = facts->checks->len; i > 0; i--)
    {
      MdDraftFact *f = g_ptr_array_index (facts->checks, i - 1);

      if (g_str_equal (f->id, id))
        {
          g_free (f->values[fact]);
          f->values[fact] = dup_nonempty (value);
          if (f->detail == NULL)
            f->detail = dup_nonempty (value);
          return;
        }
    }
}

void
md_draft_facts_set_rejection_time (MdDraftFacts *facts,
                                   GDateTime    *rejected_at)
{
  g_return_if_fail (facts != NULL);

  g_clear_pointer (&facts->rejected_at, g_date_time_unref);
  if (rejected_at != NULL)
    facts->rejected_at = g_date_time_ref (rejected_at);
}

/* The value a request cites from a check (the SPF result, the DMARC policy,
 * the PTR name, the DKIM key, the imprint URL, the network's owner): the
 * typed fact the check set, never its details JSON, so that a check
 * changing its details cannot change the mail. Each check sets the facts it
 * decides, and one check decides one of them. */
static char *
fact_detail (MdCheck *check)
{
  for (guint i = 0; i < MD_CHECK_N_FACTS; i++)
    {
      const char *value = md_check_get_fact (check, i);

      if (value != NULL)
        return g_strdup (value);
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
      {
        MdDraftFact *last = g_ptr_array_index (facts->checks, facts->checks->len - 1);

        last->detail = fact_detail (check);
        /* Warnings name the check as the user sees it. */
        last->title = g_strdup (md_check_get_title (check));
        for (guint j = 0; j < MD_CHECK_N_FACTS; j++)
          last->values[j] = g_strdup (md_check_get_fact (check, j));
      }
    }
}

/* ------------------------------------------------------------------ */
/* Facts as the receiver reads them                                   */

static const MdDraftFact *
find_fact (const MdDraftFacts *facts,
           const char         *id)
{
  for (guint i = facts->checks->len; i > 0; i--)
    {
      const MdDraftFact *fact = g_ptr_array_index (facts->checks, i - 1);

      if (g_str_equal (fact->id, id))
        return fact;
    }

  return NULL;
}

/* The fact's value when its check passed ("ok"), else NULL: a check that
 * failed or could not decide says nothing the receiver should read. */
static const char *
passed_value (const MdDraftFacts *facts,
              const char         *id,
              MdCheckFact         which)
{
  const MdDraftFact *fact = find_fact (facts, id);

  if (fact == NULL || !g_str_equal (fact->status, "ok"))
    return NULL;

  /* Facts filled by hand (md_draft_facts_add_check and detail) carry the
   * check's one cited value in detail only. */
  return fact->values[which] != NULL ? fact->values[which] : fact->detail;
}

static gboolean
is_dnsbl (const char *id)
{
  return g_str_equal (id, "dnsbl") || g_str_has_prefix (id, "dnsbl/");
}

/* "None of the N lists lists this IP" only when every list answered and
 * none listed it: one list that could not decide (a refused query, a
 * timeout) makes the sentence unprovable, so it is left out. */
static guint
count_clean_lists (const MdDraftFacts *facts)
{
  guint n = 0;

  for (guint i = 0; i < facts->checks->len; i++)
    {
      const MdDraftFact *fact = g_ptr_array_index (facts->checks, i);

      if (!is_dnsbl (fact->id))
        continue;
      if (!g_str_equal (fact->status, "ok"))
        return 0;
      n++;
    }

  return n;
}

static char *
host_of_url (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  const char *host;

  if (is_empty (url))
    return NULL;
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  host = uri != NULL ? g_uri_get_host (uri) : NULL;
  if (is_empty (host))
    return NULL;
  if (g_str_has_prefix (host, "www."))
    host += 4;

  return g_ascii_strdown (host, -1);
}

/* Words around a number of messages that carry no other meaning, in the
 * languages users type: "about 2,000 mails a day", "ca. 2000 Nachrichten
 * pro Tag". Anything else makes the text free text. */
static gboolean
is_filler_word (const char *word)
{
  static const char * const words[] = {
    "about", "approx", "approx.", "approximately", "around", "circa", "ca", "ca.", "etwa", "rund",
    "~", "messages", "message", "mails", "mail", "emails", "e-mails", "nachrichten", "a", "per",
    "pro", "day", "daily", "tag", "/day", "/tag", "am", "täglich", "each", NULL
  };
  g_autofree char *lower = g_utf8_strdown (word, -1);

  return g_strv_contains (words, lower);
}

/* The number of messages in TEXT with thousands separators in the
 * receiver's convention, or NULL when TEXT is not a number with filler
 * words around it ("2000", "2,000", "about 2.000 mails a day"). */
static char *
format_count (const char *text,
              gboolean    de)
{
  g_auto(GStrv) words = NULL;
  g_autoptr(GString) digits = g_string_new (NULL);
  g_autoptr(GString) out = g_string_new (NULL);
  gboolean seen_number = FALSE;
  guint64 n;

  if (is_empty (text))
    return NULL;

  words = g_strsplit_set (text, " \t", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      const char *w = words[i];

      if (*w == '\0' || is_filler_word (w))
        continue;
      if (*w == '~')
        w++;
      if (seen_number || !g_ascii_isdigit (*w))
        return NULL;
      for (const char *p = w; *p != '\0'; p++)
        {
          if (g_ascii_isdigit (*p))
            g_string_append_c (digits, *p);
          else if (*p != ',' && *p != '.' && *p != '\'')
            return NULL;
        }
      seen_number = TRUE;
    }
  if (digits->len == 0 || digits->len > 12)
    return NULL;

  n = g_ascii_strtoull (digits->str, NULL, 10);
  g_string_printf (digits, "%" G_GUINT64_FORMAT, n);
  for (gsize i = 0; i < digits->len; i++)
    {
      if (i > 0 && (digits->len - i) % 3 == 0)
        g_string_append_c (out, de ? '.' : ',');
      g_string_append_c (out, digits->str[i]);
    }

  return g_strdup (out->str);
}

/* These phrases are text for the receiver, in its language whatever the UI
 * language; like the templates they are not translated by gettext. */
guint
md_draft_facts_fill_values (const MdDraftFacts    *facts,
                            const MdSenderProfile *profile,
                            const char            *sender_domain,
                            const char            *blocked_ip,
                            const char            *language,
                            GHashTable            *values)
{
  gboolean de = g_strcmp0 (language, "de") == 0;
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) domains = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *domains_joined = NULL;
  g_autofree char *rejected_at = NULL;
  g_autofree char *volume = NULL;
  g_autofree char *chain = NULL;
  const char *ptr = NULL;
  const char *helo = NULL;
  const char *hoster = NULL;
  const char *ip_use = profile != NULL ? profile->ip_use : NULL;
  const char *description = NULL;
  const char *spf;
  const char *dmarc;
  guint n_clean;

  if (!is_empty (sender_domain))
    g_ptr_array_add (domains, g_ascii_strdown (sender_domain, -1));
  for (guint i = 0; facts != NULL && i < facts->domains->len; i++)
    {
      const char *domain = g_ptr_array_index (facts->domains, i);
      gboolean seen = FALSE;

      for (guint j = 0; j < domains->len && !seen; j++)
        seen = g_ascii_strcasecmp (domain, g_ptr_array_index (domains, j)) == 0;
      if (!seen)
        g_ptr_array_add (domains, g_strdup (domain));
    }
  if (domains->len > 0)
    {
      g_ptr_array_add (domains, NULL);
      domains_joined = g_strjoinv (", ", (char **) domains->pdata);
      g_ptr_array_remove_index (domains, domains->len - 1);
    }

  if (facts != NULL && facts->rejected_at != NULL)
    {
      g_autoptr(GDateTime) utc = g_date_time_to_utc (facts->rejected_at);

      rejected_at = g_date_time_format (utc, de ? "%d.%m.%Y %H:%M UTC" : "%Y-%m-%d %H:%M UTC");
      g_ptr_array_add (lines, g_strdup_printf (de ? "Zeitpunkt der Ablehnung: %s"
                                                  : "Time of the rejection: %s", rejected_at));
    }

  if (domains_joined != NULL)
    g_ptr_array_add (lines, g_strdup_printf (de ? "Absenderdomain: %s" : "Sending domain: %s",
                                             domains_joined));

  if (facts != NULL)
    {
      ptr = passed_value (facts, "rdns", MD_CHECK_FACT_PTR_NAME);
      helo = passed_value (facts, "helo", MD_CHECK_FACT_HELO_NAME);
      hoster = passed_value (facts, "rdap", MD_CHECK_FACT_NETWORK_OWNER);
      /* The owner lookup reports "info", not "ok": it judges nothing. */
      if (hoster == NULL && find_fact (facts, "rdap") != NULL &&
          g_str_equal (find_fact (facts, "rdap")->status, "info"))
        hoster = find_fact (facts, "rdap")->values[MD_CHECK_FACT_NETWORK_OWNER];
    }

  if (ptr != NULL)
    g_ptr_array_add (lines, g_strdup_printf (de ? "Reverse-DNS (PTR): %s, vorwärts bestätigt"
                                                : "Reverse DNS (PTR): %s, forward-confirmed", ptr));
  if (helo != NULL)
    g_ptr_array_add (lines, g_strdup_printf (de ? "HELO-Name: %s (passt zum Reverse-DNS)"
                                                : "HELO name: %s (matches the reverse DNS)", helo));
  if (g_strcmp0 (ip_use, "dedicated") == 0)
    g_ptr_array_add (lines, g_strdup (de ? "Die IP-Adresse nutzen nur wir."
                                         : "The IP address is used by us alone."));
  else if (g_strcmp0 (ip_use, "shared") == 0)
    g_ptr_array_add (lines, g_strdup (de ? "Die IP-Adresse teilen wir mit anderen Absendern."
                                         : "The IP address is shared with other senders."));
  if (!is_empty (hoster))
    g_ptr_array_add (lines, g_strdup_printf (de ? "Netzbetreiber (Hoster): %s"
                                                : "Network owner (hoster): %s", hoster));

  /* Authentication that passed; a failure is a reason to fix first. */
  spf = facts != NULL ? passed_value (facts, "spf", MD_CHECK_FACT_SPF_RESULT) : NULL;
  if (g_strcmp0 (spf, "pass") == 0)
    g_ptr_array_add (lines, g_strdup ("SPF: pass"));
  for (guint i = 0; facts != NULL && i < facts->checks->len; i++)
    {
      const MdDraftFact *fact = g_ptr_array_index (facts->checks, i);
      const char *key = fact->values[MD_CHECK_FACT_DKIM_KEY] != NULL ?
                        fact->values[MD_CHECK_FACT_DKIM_KEY] : fact->detail;

      if (!g_str_has_prefix (fact->id, "dkim/") || g_str_equal (fact->id, "dkim/*") ||
          !g_str_equal (fact->status, "ok"))
        continue;
      g_ptr_array_add (lines, g_strdup_printf (de ? "DKIM (Selektor %s): gültiger Schlüssel%s%s"
                                                  : "DKIM (selector %s): valid key%s%s",
                                               fact->id + strlen ("dkim/"),
                                               key != NULL ? ", " : "", key != NULL ? key : ""));
    }
  dmarc = facts != NULL ? passed_value (facts, "dmarc", MD_CHECK_FACT_DMARC_POLICY) : NULL;
  if (dmarc != NULL)
    g_ptr_array_add (lines, g_strdup_printf (de ? "DMARC: Eintrag veröffentlicht, p=%s"
                                                : "DMARC: record published, p=%s", dmarc));

  n_clean = facts != NULL ? count_clean_lists (facts) : 0;
  if (n_clean == 1)
    g_ptr_array_add (lines, g_strdup (de ? "Die geprüfte öffentliche Sperrliste führt diese IP-Adresse nicht."
                                         : "The public block list we checked does not list this IP address."));
  else if (n_clean > 1)
    g_ptr_array_add (lines, g_strdup_printf (de ? "Keine der %u geprüften öffentlichen Sperrlisten führt diese IP-Adresse."
                                                : "None of the %u public block lists we checked lists this IP address.",
                                             n_clean));

  /* T-Online's rule 4.1: the PTR name leads to the domain, the domain to
   * a website with an imprint. Spelled out only when both were decided. */
  if (facts != NULL && ptr != NULL)
    {
      const char *imprint = passed_value (facts, "imprint", MD_CHECK_FACT_IMPRINT_URL);
      g_autofree char *site = host_of_url (imprint);

      if (imprint != NULL && site != NULL)
        chain = g_strdup_printf ("%s → %s → %s → %s", !is_empty (blocked_ip) ? blocked_ip : "IP",
                                 ptr, site, imprint);
    }

  /* Free text goes into a mail only in the receiver's language: German
   * receivers get the German description or none; a number of messages is
   * written with its unit in either language. */
  if (profile != NULL)
    {
      g_autofree char *count = format_count (profile->daily_volume, de);

      description = de ? profile->description_de : profile->description;
      if (count != NULL)
        volume = g_strdup_printf (de ? "etwa %s Nachrichten am Tag" : "about %s messages a day",
                                  count);
      else if (!de)
        volume = dup_nonempty (profile->daily_volume);
    }

  md_draft_values_set_list (values, "facts", lines);
  md_draft_values_set_string (values, "domains", domains_joined);
  md_draft_values_set_string (values, "rejected_at", rejected_at);
  md_draft_values_set_string (values, "ptr", ptr);
  md_draft_values_set_string (values, "helo", helo);
  md_draft_values_set_string (values, "hoster", hoster);
  md_draft_values_set_string (values, "imprint_chain", chain);
  md_draft_values_set_string (values, "description", description);
  md_draft_values_set_string (values, "volume", volume);
  md_draft_values_set_string (values, "ip_use",
                              g_strcmp0 (ip_use, "dedicated") == 0 ? (de ? "nur von uns genutzt" : "dedicated") :
                              g_strcmp0 (ip_use, "shared") == 0 ? (de ? "mit anderen geteilt" : "shared") :
                              NULL);

  return lines->len;
}
