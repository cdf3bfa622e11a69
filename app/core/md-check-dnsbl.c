/* md-check-dnsbl.c — DNS blocklist checks (ids "dnsbl/<zone>")
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-blocklists.h"
#include "md-check-private.h"
#include "md-resolver.h"

/* One list, one subject. Three questions go out at once: the subject and
 * the list's two RFC 5782 §5 test entries (must be listed / must not be);
 * the TXT reason follows only when the subject is listed. */
typedef struct
{
  MdBlocklist   *list;
  char          *subject;          /* IP address or domain, as queried */
  char          *zone;             /* where it is asked: the list's zone or its key zone */
  char          *query;
  char          *test_listed;      /* query names of the test entries */
  char          *test_unlisted;
  const char    *listed_entry;     /* the entries themselves (127.0.0.2, "test") */
  const char    *unlisted_entry;
  MdDnsAnswer   *answer;
  MdDnsAnswer   *listed_answer;
  MdDnsAnswer   *unlisted_answer;
  guint          pending;

  /* The list's own servers: asked when the resolver is refused or public */
  gboolean       tried_authoritative;
  MdDnsSource   *source;           /* they answered; NULL: the resolver did */
  char          *auth_error;       /* why they could not be asked */

  /* the verdict, kept while the TXT reason is fetched */
  MdCheckStatus  status;
  char          *summary;
  char          *remedy;
} Dnsbl;

typedef enum
{
  SLOT_SUBJECT,
  SLOT_TEST_LISTED,
  SLOT_TEST_UNLISTED,
} Slot;

static void
dnsbl_free (Dnsbl *self)
{
  md_blocklist_unref (self->list);
  g_free (self->subject);
  g_free (self->zone);
  g_free (self->query);
  g_free (self->test_listed);
  g_free (self->test_unlisted);
  g_clear_pointer (&self->answer, md_dns_answer_free);
  g_clear_pointer (&self->listed_answer, md_dns_answer_free);
  g_clear_pointer (&self->unlisted_answer, md_dns_answer_free);
  g_free (self->summary);
  g_free (self->remedy);
  g_clear_object (&self->source);
  g_free (self->auth_error);
  g_free (self);
}

/* Says which path answered when it was not the resolver. */
static void
dnsbl_finish (MdCheckContext *context,
              MdCheckStatus   status,
              const char     *summary,
              const char     *remedy)
{
  Dnsbl *self = md_check_context_get_data (context);
  JsonObject *details = md_check_get_details (md_check_context_get_check (context));
  g_autofree char *text = NULL;

  json_object_set_string_member (details, "answered_by",
                                 self->source ? "authoritative" : "resolver");
  if (self->source == NULL)
    {
      md_check_context_finish (context, status, summary, remedy);
      return;
    }

  text = g_strconcat (summary, " ",
                      _("Answered by the list’s own name servers, not by your resolver."), NULL);
  md_check_context_finish (context, status, text, remedy);
}

static int
weight_of (const MdBlocklist *list)
{
  switch (list->weight)
    {
    case MD_BLOCKLIST_WEIGHT_HIGH:   return 30;
    case MD_BLOCKLIST_WEIGHT_MEDIUM: return 20;
    case MD_BLOCKLIST_WEIGHT_LOW:
    default:                         return 10;
    }
}

/* The worst thing an answer's A records say: rewriting beats refusal, which
 * beats listings, which beat allow-list answers. @codes and @meanings (when
 * not NULL) get every A record and its meaning, in the same order; @listed
 * the meanings of the listing codes only; @detail the meaning (or, for a
 * rewritten answer, the address) of the worst record. */
static MdBlocklistAnswer
classify_answer (const MdBlocklist  *list,
                 const MdDnsAnswer  *answer,
                 gboolean           *any,
                 char              **detail,
                 GPtrArray          *codes,
                 GPtrArray          *meanings,
                 GPtrArray          *listed)
{
  static const int severity[] = {
    [MD_BLOCKLIST_ANSWER_CLEAN] = 0,
    [MD_BLOCKLIST_ANSWER_LISTED] = 1,
    [MD_BLOCKLIST_ANSWER_UNKNOWN_CODE] = 1,
    [MD_BLOCKLIST_ANSWER_REFUSED] = 2,
    [MD_BLOCKLIST_ANSWER_REWRITTEN] = 3,
  };
  MdBlocklistAnswer worst = MD_BLOCKLIST_ANSWER_CLEAN;

  *any = FALSE;
  if (detail != NULL)
    *detail = NULL;

  if (answer == NULL || answer->status != MD_DNS_STATUS_OK)
    return worst;

  for (guint i = 0; i < answer->records->len; i++)
    {
      MdDnsRecord *record = g_ptr_array_index (answer->records, i);
      g_autofree char *meaning = NULL;
      g_autofree char *address = NULL;
      MdBlocklistAnswer verdict;

      if (record->type != MD_DNS_TYPE_A || record->address == NULL)
        continue;

      address = g_inet_address_to_string (record->address);
      verdict = md_blocklist_classify (list, record->address, &meaning);
      if (verdict == MD_BLOCKLIST_ANSWER_REWRITTEN)
        meaning = g_strdup (_("not a blocklist answer (outside 127.0.0.0/8)"));

      if (codes != NULL)
        g_ptr_array_add (codes, g_strdup (address));
      if (meanings != NULL)
        g_ptr_array_add (meanings, g_strdup (meaning));
      if (listed != NULL && (verdict == MD_BLOCKLIST_ANSWER_LISTED ||
                             verdict == MD_BLOCKLIST_ANSWER_UNKNOWN_CODE))
        g_ptr_array_add (listed, g_strdup (meaning));

      if (!*any || severity[verdict] > severity[worst])
        {
          worst = verdict;
          if (detail != NULL)
            {
              g_free (*detail);
              *detail = verdict == MD_BLOCKLIST_ANSWER_REWRITTEN ? g_steal_pointer (&address)
                                                                 : g_steal_pointer (&meaning);
            }
        }
      *any = TRUE;
    }

  return worst;
}

/* A query name as the report shows it: asked with an access key, it names
 * the key zone's template ("{key}.zen.dq.spamhaus.net"), never the key. */
static char *
shown_name (Dnsbl      *self,
            const char *name)
{
  gsize len = strlen (name), zone_len = strlen (self->zone);
  g_autofree char *prefix = NULL;

  if (g_str_equal (self->zone, self->list->zone) || len < zone_len)
    return g_strdup (name);
  prefix = g_strndup (name, len - zone_len);

  return g_strconcat (prefix, self->list->key_zone, NULL);
}

/* The list's own test entries decide whether its answers mean anything. NULL
 * when it passed, else why not. */
static char *
self_test_failure (Dnsbl      *self,
                   JsonObject *details)
{
  g_autoptr(JsonObject) test = json_object_new ();
  MdBlocklistAnswer verdict;
  gboolean any;
  char *failure = NULL;

  g_autofree char *listed_shown = shown_name (self, self->test_listed);

  json_object_set_string_member (test, "listed_entry", listed_shown);
  json_object_set_string_member (test, "listed_status",
                                 md_dns_status_to_string (self->listed_answer->status));
  if (self->unlisted_answer != NULL)
    {
      g_autofree char *unlisted_shown = shown_name (self, self->test_unlisted);

      json_object_set_string_member (test, "unlisted_entry", unlisted_shown);
      json_object_set_string_member (test, "unlisted_status",
                                     md_dns_status_to_string (self->unlisted_answer->status));
    }

  if (md_dns_answer_is_failure (self->listed_answer))
    {
      g_autofree char *why = md_check_describe_failure (self->listed_answer);
      /* Translators: %s says why a DNS lookup failed */
      failure = g_strdup_printf (_("its test lookup failed: %s"), why);
    }
  else if (self->unlisted_answer != NULL && md_dns_answer_is_failure (self->unlisted_answer))
    {
      g_autofree char *why = md_check_describe_failure (self->unlisted_answer);
      failure = g_strdup_printf (_("its test lookup failed: %s"), why);
    }
  else
    {
      verdict = classify_answer (self->list, self->listed_answer, &any, NULL, NULL, NULL, NULL);
      if (!any || verdict == MD_BLOCKLIST_ANSWER_CLEAN)
        /* Translators: %s is a test entry such as 127.0.0.2 or "test" */
        failure = g_strdup_printf (_("its test entry %s is not listed"), self->listed_entry);

      if (failure == NULL && self->unlisted_answer != NULL)
        {
          verdict = classify_answer (self->list, self->unlisted_answer, &any,
                                     NULL, NULL, NULL, NULL);
          if (any && verdict != MD_BLOCKLIST_ANSWER_CLEAN)
            /* Translators: %s is a test entry such as 127.0.0.1 or "invalid" */
            failure = g_strdup_printf (_("it lists %s, which no list may list"),
                                       self->unlisted_entry);
        }
    }

  json_object_set_boolean_member (test, "passed", failure == NULL);
  json_object_set_object_member (details, "self_test", g_steal_pointer (&test));

  return failure;
}

/* Listed or refused: the TXT record at the same name says why, in the
 * list's words. The verdict is already made; a failed TXT lookup only
 * leaves "txt" empty. */
static void
txt_cb (MdCheckContext    *context,
        const MdDnsAnswer *answer,
        gpointer           user_data)
{
  Dnsbl *self = md_check_context_get_data (context);
  JsonObject *details = md_check_get_details (md_check_context_get_check (context));
  g_autoptr(GString) txt = g_string_new (NULL);

  for (guint i = 0; answer->status == MD_DNS_STATUS_OK && i < answer->records->len; i++)
    {
      MdDnsRecord *record = g_ptr_array_index (answer->records, i);

      if (record->text == NULL)
        continue;
      if (txt->len > 0)
        g_string_append (txt, " / ");
      g_string_append (txt, record->text);
    }

  if (txt->len > 0)
    json_object_set_string_member (details, "txt", txt->str);
  json_object_set_string_member (details, "txt_status", md_dns_status_to_string (answer->status));

  dnsbl_finish (context, self->status, self->summary, self->remedy);
}

static void
finish_with_txt (MdCheckContext *context,
                 Dnsbl          *self,
                 MdCheckStatus   status,
                 const char     *summary,
                 const char     *remedy)
{
  self->status = status;
  self->summary = g_strdup (summary);
  self->remedy = g_strdup (remedy);
  md_check_context_query_source (context, self->source, self->query, MD_DNS_TYPE_TXT, txt_cb,
                                 NULL);
}

static void
finish_error (MdCheckContext *context,
              const char     *reason,
              const char     *summary,
              const char     *remedy)
{
  JsonObject *details = md_check_get_details (md_check_context_get_check (context));

  json_object_set_string_member (details, "reason", reason);
  dnsbl_finish (context, MD_CHECK_STATUS_ERROR, summary, remedy);
}

static gboolean
refused_for_resolver (const MdBlocklist *list,
                      const MdDnsAnswer *answer)
{
  for (guint i = 0; answer->status == MD_DNS_STATUS_OK && i < answer->records->len; i++)
    {
      MdDnsRecord *record = g_ptr_array_index (answer->records, i);

      if (record->address != NULL &&
          g_strcmp0 (md_blocklist_refusal_cause (list, record->address), "resolver") == 0)
        return TRUE;
    }

  return FALSE;
}

static void ask_authoritative (MdCheckContext *context,
                               Dnsbl          *self);
static void ask (MdCheckContext *context,
                 Dnsbl          *self);

static void
evaluate (MdCheckContext *context,
          Dnsbl          *self)
{
  MdCheck *check = md_check_context_get_check (context);
  JsonObject *details = md_check_get_details (check);
  const MdDnsAnswer *answers[] = { self->answer, self->listed_answer, self->unlisted_answer };
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) meanings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) listed = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *failure = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *remedy = NULL;
  g_autofree char *joined = NULL;
  MdBlocklistAnswer verdict;
  gboolean any;

  verdict = classify_answer (self->list, self->answer, &any, &detail, codes, meanings, listed);
  json_object_set_array_member (details, "codes", md_check_json_string_array (codes));
  json_object_set_array_member (details, "meanings", md_check_json_string_array (meanings));
  json_object_set_string_member (details, "dns_status",
                                 md_dns_status_to_string (self->answer->status));

  /* A rewritten answer anywhere means the resolver cannot be trusted at all. */
  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      g_autofree char *address = NULL;
      gboolean found;

      if (classify_answer (self->list, answers[i], &found, &address, NULL, NULL, NULL) ==
          MD_BLOCKLIST_ANSWER_REWRITTEN && found)
        {
          /* Translators: %s is an IP address a blocklist query returned */
          summary = g_strdup_printf (_("Could not decide: your resolver rewrites answers (it "
                                       "returned %s, an address outside 127.0.0.0/8)."), address);
          finish_error (context, "rewritten", summary,
                        _("Use a resolver that passes answers through unchanged: no ad "
                          "blocker, no NXDOMAIN redirection by your provider."));
          return;
        }
    }

  /* The list's "I won't answer you" codes, wherever they show up. */
  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      g_autofree char *explanation = NULL;
      gboolean found;

      if (classify_answer (self->list, answers[i], &found, &explanation, NULL, NULL, NULL) ==
          MD_BLOCKLIST_ANSWER_REFUSED && found)
        {
          /* Refused: ask the list's own servers, as any resolver of the
           * list's choosing would (no key: a keyed zone is not refused for
           * the resolver's sake). */
          if (!self->tried_authoritative && g_str_equal (self->zone, self->list->zone) &&
              refused_for_resolver (self->list, answers[i]))
            {
              ask_authoritative (context, self);
              return;
            }
          json_object_set_string_member (details, "reason", "refusal-code");
          if (self->source != NULL)
            {
              /* Translators: %s is the list's explanation of its refusal */
              summary = g_strdup_printf (_("Could not decide: %s Its own name servers refused "
                                           "too."), explanation);
              g_clear_object (&self->source);
              json_object_set_string_member (details, "authoritative_error", "refusal-code");
            }
          else if (self->auth_error != NULL)
            /* Translators: first %s is the list's explanation of its refusal, second why
             * the list's own servers could not be asked */
            summary = g_strdup_printf (_("Could not decide: %s Its own servers could not be "
                                         "asked either: %s."), explanation, self->auth_error);
          else
            /* Translators: %s is the list's explanation of its refusal */
            summary = g_strdup_printf (_("Could not decide: %s"), explanation);
          finish_with_txt (context, self, MD_CHECK_STATUS_ERROR, summary, self->list->usage);
          return;
        }
    }

  if (md_dns_answer_is_failure (self->answer) && self->source != NULL)
    {
      g_autofree char *why = md_check_describe_failure (self->answer);

      /* The resolver was refused (or public) and the list's own servers
       * gave nothing either: neither path answered. */
      g_clear_object (&self->source);
      json_object_set_string_member (details, "authoritative_error", why);
      /* Translators: %s says why the DNS lookup failed */
      summary = g_strdup_printf (_("Could not decide: the list does not answer your resolver, "
                                   "and its own name servers did not answer either (%s)."), why);
      finish_error (context, "authoritative-failed", summary, self->list->usage);
      return;
    }

  if (md_dns_answer_is_failure (self->answer))
    {
      g_autofree char *why = md_check_describe_failure (self->answer);

      if (!g_str_equal (self->zone, self->list->zone) &&
          (self->answer->status == MD_DNS_STATUS_SERVFAIL ||
           self->answer->status == MD_DNS_STATUS_REFUSED))
        /* Translators: %s says why the DNS lookup failed. A keyed zone
         * answers REFUSED (SERVFAIL through a resolver) when the key may
         * not query this list. */
        summary = g_strdup_printf (_("Could not decide: %s. Asked with your access key, this "
                                     "means the key is not enabled for this list."), why);
      else
        /* Translators: %s says why the DNS lookup failed */
        summary = g_strdup_printf (_("Could not decide: %s."), why);
      finish_error (context, md_dns_status_to_string (self->answer->status), summary,
                    self->list->policy != MD_BLOCKLIST_POLICY_FREE ? self->list->usage : NULL);
      return;
    }

  failure = self_test_failure (self, details);
  if (failure != NULL)
    {
      /* Translators: %s says which RFC 5782 test the list failed */
      summary = g_strdup_printf (_("Could not decide: this list does not answer correctly "
                                   "right now (%s)."), failure);
      finish_error (context, "self-test", summary, NULL);
      return;
    }

  if (!any)
    {
      json_object_set_boolean_member (details, "listed", FALSE);
      dnsbl_finish (context, MD_CHECK_STATUS_OK, _("Not listed."), NULL);
      return;
    }

  if (verdict == MD_BLOCKLIST_ANSWER_CLEAN)
    {
      json_object_set_boolean_member (details, "listed", FALSE);
      /* Translators: %s is an allow-list answer's meaning, e.g. "white: known good sender" */
      summary = g_strdup_printf (_("Not listed (%s)."), detail);
      dnsbl_finish (context, MD_CHECK_STATUS_OK, summary, NULL);
      return;
    }

  json_object_set_boolean_member (details, "listed", TRUE);
  g_ptr_array_add (listed, NULL);
  joined = g_strjoinv ("; ", (char **) listed->pdata);
  /* Translators: %s lists what the list's answer codes mean */
  summary = g_strdup_printf (_("Listed: %s."), joined);
  if (self->list->kind == MD_BLOCKLIST_KIND_DOMAIN)
    /* Translators: %s is the list's removal page */
    remedy = g_strdup_printf (_("Find out why the domain is listed (links in your mail, a "
                                "compromised website), fix it, then request removal at %s."),
                              self->list->removal);
  else
    remedy = g_strdup_printf (_("Find and stop the cause (a compromised account, an open relay, "
                                "infected machines), then request removal at %s."),
                              self->list->removal);
  if (self->list->note != NULL)
    {
      char *with_note = g_strconcat (remedy, " ", self->list->note, NULL);
      g_free (remedy);
      remedy = with_note;
    }

  finish_with_txt (context, self, MD_CHECK_STATUS_PROBLEM, summary, remedy);
}

static void
answer_cb (MdCheckContext    *context,
           const MdDnsAnswer *answer,
           gpointer           user_data)
{
  Dnsbl *self = md_check_context_get_data (context);
  MdDnsAnswer **slot;

  switch (GPOINTER_TO_INT (user_data))
    {
    case SLOT_SUBJECT:       slot = &self->answer; break;
    case SLOT_TEST_LISTED:   slot = &self->listed_answer; break;
    case SLOT_TEST_UNLISTED: slot = &self->unlisted_answer; break;
    default:                 g_assert_not_reached ();
    }

  g_assert (*slot == NULL);
  *slot = md_dns_answer_copy (answer);

  if (--self->pending == 0)
    evaluate (context, self);
}


/* The subject and the two test entries, at once, of the resolver or of the
 * list's own servers. */
static void
ask (MdCheckContext *context,
     Dnsbl          *self)
{
  g_clear_pointer (&self->answer, md_dns_answer_free);
  g_clear_pointer (&self->listed_answer, md_dns_answer_free);
  g_clear_pointer (&self->unlisted_answer, md_dns_answer_free);

  self->pending = self->test_unlisted != NULL ? 3 : 2;
  md_check_context_query_source (context, self->source, self->query, MD_DNS_TYPE_A,
                                 answer_cb, GINT_TO_POINTER (SLOT_SUBJECT));
  md_check_context_query_source (context, self->source, self->test_listed, MD_DNS_TYPE_A,
                                 answer_cb, GINT_TO_POINTER (SLOT_TEST_LISTED));
  if (self->test_unlisted != NULL)
    md_check_context_query_source (context, self->source, self->test_unlisted, MD_DNS_TYPE_A,
                                   answer_cb, GINT_TO_POINTER (SLOT_TEST_UNLISTED));
}

static void
authoritative_cb (MdCheckContext *context,
                  MdDnsSource    *source,
                  const char     *error,
                  gpointer        user_data)
{
  Dnsbl *self = md_check_context_get_data (context);
  JsonObject *details = md_check_get_details (md_check_context_get_check (context));

  if (source == NULL)
    {
      json_object_set_string_member (details, "authoritative_error", error);
      self->auth_error = g_strdup (error);
      /* Asked first (public resolver): now the resolver after all; else the
       * resolver's refusal stands, with this reason added. */
      if (self->answer == NULL)
        ask (context, self);
      else
        evaluate (context, self);
      return;
    }

  self->source = g_object_ref (source);
  ask (context, self);
}

static void
ask_authoritative (MdCheckContext *context,
                   Dnsbl          *self)
{
  self->tried_authoritative = TRUE;
  md_check_context_find_authoritative (context, self->list->zone, authoritative_cb, NULL);
}

static void
dnsbl_start (MdCheckContext *context)
{
  Dnsbl *self = md_check_context_get_data (context);
  MdCheck *check = md_check_context_get_check (context);
  JsonObject *details = md_check_get_details (check);
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *shown = NULL;
  gboolean ipv6 = FALSE;

  if (self->list->kind != MD_BLOCKLIST_KIND_DOMAIN)
    {
      address = g_inet_address_new_from_string (self->subject);
      ipv6 = g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6;

      if (!md_blocklist_supports_address (self->list, address))
        {
          json_object_set_string_member (details, "reason", "ipv4-only");
          dnsbl_finish (context, MD_CHECK_STATUS_INFO,
                                   _("This list does not list IPv6 addresses."), NULL);
          return;
        }
    }

  self->zone = md_blocklist_query_zone (self->list,
                                        md_check_run_get_options (md_check_context_get_run (context))->keys);
  self->query = md_blocklist_query_name_in (self->list, self->zone, self->subject, &error);
  if (self->query == NULL)
    {
      finish_error (context, "invalid-query", error->message, NULL);
      return;
    }
  shown = shown_name (self, self->query);
  json_object_set_string_member (details, "query", shown);
  json_object_set_boolean_member (details, "keyed", !g_str_equal (self->zone, self->list->zone));

  self->listed_entry = ipv6 ? self->list->test6_listed : self->list->test_listed;
  self->unlisted_entry = ipv6 ? self->list->test6_unlisted : self->list->test_unlisted;
  self->test_listed = md_blocklist_entry_query_name (self->list, self->zone, self->listed_entry);
  if (self->unlisted_entry != NULL)
    self->test_unlisted = md_blocklist_entry_query_name (self->list, self->zone,
                                                         self->unlisted_entry);

  /* Public resolvers are refused by many lists, and some of them answer
   * "not listed" for everything: ask the list's own servers straight away. */
  if (md_check_run_get_options (md_check_context_get_run (context))->public_resolver != NULL &&
      g_str_equal (self->zone, self->list->zone))
    {
      ask_authoritative (context, self);
      return;
    }

  ask (context, self);
}

static void
add_list (MdCheckRun  *run,
          MdBlocklist *list,
          const char  *subject)
{
  g_autoptr(MdCheck) check = NULL;
  g_autofree char *id = g_strconcat ("dnsbl/", list->zone, NULL);
  /* Translators: %s is a blocklist's name, e.g. "Spamhaus ZEN" */
  g_autofree char *title = g_strdup_printf (_("Blocklist %s"), list->name);
  JsonObject *details;
  JsonArray *array;
  Dnsbl *self;

  check = md_check_new (id, "dnsbl", title);
  md_check_set_group (check, "blocklists");
  md_check_set_weight (check, weight_of (list));

  details = md_check_get_details (check);
  json_object_set_string_member (details, "zone", list->zone);
  json_object_set_string_member (details, "list", list->name);
  json_object_set_string_member (details, "operator", list->operator_name);
  json_object_set_string_member (details, "list_kind", md_blocklist_kind_to_string (list->kind));
  json_object_set_string_member (details, "subject", subject);
  json_object_set_null_member (details, "query");
  json_object_set_array_member (details, "codes", json_array_new ());
  json_object_set_array_member (details, "meanings", json_array_new ());
  json_object_set_null_member (details, "txt");
  json_object_set_null_member (details, "reason");
  json_object_set_string_member (details, "weight", md_blocklist_weight_to_string (list->weight));
  json_object_set_string_member (details, "policy", md_blocklist_policy_to_string (list->policy));
  json_object_set_string_member (details, "usage", list->usage);
  json_object_set_string_member (details, "removal", list->removal);
  array = json_array_new ();
  for (guint i = 0; list->receivers[i] != NULL; i++)
    json_array_add_string_element (array, list->receivers[i]);
  json_object_set_array_member (details, "receivers", array);
  json_object_set_boolean_member (details, "status_confirmed", list->status_confirmed);

  self = g_new0 (Dnsbl, 1);
  self->list = md_blocklist_ref (list);
  self->subject = g_strdup (subject);

  md_check_run_add_check (run, check, dnsbl_start, self, (GDestroyNotify) dnsbl_free);
}

static void
catalog_error_start (MdCheckContext *context)
{
  const char *message = md_check_context_get_data (context);

  dnsbl_finish (context, MD_CHECK_STATUS_ERROR, message, NULL);
}

static void
dnsbl_populate (MdCheckRun *run)
{
  const MdCheckSubject *subject = md_check_run_get_subject (run);
  g_autoptr(GPtrArray) catalog = NULL;
  g_autoptr(GError) error = NULL;

  catalog = md_check_run_load_catalog (run, &error);
  if (catalog == NULL)
    {
      g_autoptr(MdCheck) check = md_check_new ("dnsbl", "dnsbl", _("Blocklists"));
      /* Translators: %s is a technical error message */
      char *message = g_strdup_printf (_("Could not decide: the blocklist catalog could not be "
                                         "read (%s)."), error->message);

      md_check_run_add_check (run, check, catalog_error_start, message, g_free);
      return;
    }

  for (guint i = 0; i < catalog->len; i++)
    {
      MdBlocklist *list = g_ptr_array_index (catalog, i);

      if (md_check_run_is_zone_skipped (run, list->zone))
        continue;
      /* Lists without a DNS zone to ask (or a key for it) are in the
       * catalog to be explained when a rejection names them. */
      if (!md_blocklist_is_queryable (list, md_check_run_get_options (run)->keys))
        continue;
      if (list->kind != MD_BLOCKLIST_KIND_DOMAIN)
        add_list (run, list, subject->ip);
      /* A bulk check asks the domain lists once, in its first run. */
      else if (subject->domain != NULL && !md_check_run_get_options (run)->ip_checks_only)
        add_list (run, list, subject->domain);
    }
}

const MdCheckProvider md_check_provider_dnsbl = {
  "dnsbl",
  dnsbl_populate,
};
