/* md-check-resolver.c — is the resolver telling the truth?
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
#include "md-watch-source.h"

/* Once per run, with the first wave of questions (no round trip of its
 * own), the run asks what any honest resolver answers the same way:
 *
 *   - ". NS" and "a.root-servers.net A": they exist everywhere;
 *   - "<tld> NS" for the top-level domain of each name checked: it exists
 *     unless the user typed a name that cannot exist either;
 *   - "<random label>. A": it cannot exist; an address means the resolver
 *     invents answers (NXDOMAIN redirection, a captive portal, a filter);
 *   - each list's RFC 5782 "must be listed" entry, which the list checks ask
 *     anyway: the list's refusal codes there mean the lists refuse it.
 *
 * The verdict (MdResolverTrust) decides whether negative answers mean
 * anything; md-check-run.c turns those that do not into "could not decide". */

/* RFC 6761 and RFC 2606 names: they do not exist in the public DNS, so their
 * NXDOMAIN says nothing about the resolver. */
static const char *special_tlds[] = {
  "test", "example", "invalid", "localhost", "local", "onion", "arpa", "home", "internal",
  "lan", NULL
};

typedef enum
{
  PROBE_ROOT_NS,
  PROBE_ROOT_SERVER,
  PROBE_RANDOM,
  PROBE_TLD,
  PROBE_LIST,
} ProbeKind;

typedef struct
{
  ProbeKind    kind;
  char        *name;
  MdDnsType    type;
  MdBlocklist *list;       /* PROBE_LIST */
  char        *shown;      /* the name as reported: a key zone's key replaced by "{key}" */
  MdDnsAnswer *answer;
} Probe;

typedef struct
{
  GPtrArray *probes;       /* of Probe* */
  guint      pending;
} Prober;

static void
probe_free (Probe *probe)
{
  g_free (probe->name);
  g_free (probe->shown);
  g_clear_pointer (&probe->list, md_blocklist_unref);
  g_clear_pointer (&probe->answer, md_dns_answer_free);
  g_free (probe);
}

static void
prober_free (Prober *self)
{
  g_ptr_array_unref (self->probes);
  g_free (self);
}

static void
add_probe (Prober      *self,
           ProbeKind    kind,
           const char  *name,
           MdDnsType    type,
           MdBlocklist *list,
           const char  *shown)
{
  Probe *probe;

  for (guint i = 0; i < self->probes->len; i++)
    {
      Probe *other = g_ptr_array_index (self->probes, i);

      if (g_ascii_strcasecmp (other->name, name) == 0 && other->type == type)
        return;
    }

  probe = g_new0 (Probe, 1);
  probe->kind = kind;
  probe->name = g_strdup (name);
  probe->type = type;
  probe->list = list ? md_blocklist_ref (list) : NULL;
  probe->shown = g_strdup (shown ? shown : name);
  g_ptr_array_add (self->probes, probe);
}

static gboolean
is_negative (const MdDnsAnswer *answer)
{
  return answer->status == MD_DNS_STATUS_NXDOMAIN || answer->status == MD_DNS_STATUS_NODATA;
}

static void
add_evidence (JsonObject  *evidence,
              const Probe *probe)
{
  JsonObject *item = json_object_new ();
  JsonArray *addresses = md_check_json_addresses (probe->answer);
  g_autofree char *key = g_strdup_printf ("%s %s", md_dns_type_to_string (probe->type),
                                          probe->shown);

  json_object_set_string_member (item, "status", md_dns_status_to_string (probe->answer->status));
  if (json_array_get_length (addresses) > 0)
    json_object_set_array_member (item, "addresses", addresses);
  else
    json_array_unref (addresses);
  json_object_set_object_member (evidence, key, item);
}

static void
decide (MdCheckContext *context,
        Prober         *self)
{
  MdCheckRun *run = md_check_context_get_run (context);
  g_autoptr(JsonObject) evidence = json_object_new ();
  g_autoptr(GPtrArray) rewrites = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) denied = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) refusing = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *reason = NULL;
  const Probe *root = NULL;
  gboolean any_answer = FALSE;

  for (guint i = 0; i < self->probes->len; i++)
    {
      Probe *probe = g_ptr_array_index (self->probes, i);

      add_evidence (evidence, probe);
      if (!md_dns_answer_is_failure (probe->answer))
        any_answer = TRUE;

      switch (probe->kind)
        {
        case PROBE_ROOT_NS:
          root = probe;
          G_GNUC_FALLTHROUGH;
        case PROBE_ROOT_SERVER:
        case PROBE_TLD:
          /* A top-level domain need not have records of its own here (the
           * test root holds none); only "no such name" denies it. */
          if (probe->kind == PROBE_TLD ? probe->answer->status == MD_DNS_STATUS_NXDOMAIN
                                       : is_negative (probe->answer))
            /* Translators: the DNS root zone, named in a list of names */
            g_ptr_array_add (denied, g_strdup (g_str_equal (probe->name, ".") ? _("the root")
                                                                              : probe->name));
          break;

        case PROBE_RANDOM:
          for (guint j = 0; probe->answer->status == MD_DNS_STATUS_OK &&
                            j < probe->answer->records->len; j++)
            {
              MdDnsRecord *record = g_ptr_array_index (probe->answer->records, j);

              if (record->address != NULL)
                g_ptr_array_add (rewrites, g_object_ref (record->address));
            }
          break;

        case PROBE_LIST:
          for (guint j = 0; probe->answer->status == MD_DNS_STATUS_OK &&
                            j < probe->answer->records->len; j++)
            {
              MdDnsRecord *record = g_ptr_array_index (probe->answer->records, j);

              if (record->address != NULL &&
                  g_strcmp0 (md_blocklist_refusal_cause (probe->list, record->address),
                             "resolver") == 0 &&
                  !g_ptr_array_find_with_equal_func (refusing, probe->list->name,
                                                     g_str_equal, NULL))
                g_ptr_array_add (refusing, g_strdup (probe->list->name));
            }
          break;

        default:
          g_assert_not_reached ();
        }
    }

  if (root == NULL || md_dns_answer_is_failure (root->answer) || !any_answer)
    {
      g_autofree char *why = root ? md_check_describe_failure (root->answer) : NULL;

      /* Translators: %s says why the DNS lookup failed, e.g. "no answer in time (timeout)" */
      reason = g_strdup_printf (_("gives no usable answers: even the root of the DNS is not "
                                  "answered (%s)"), why ? why : "");
      md_check_run_set_resolver_trust (run, MD_RESOLVER_TRUST_UNREACHABLE, reason, evidence,
                                       NULL);
    }
  else if (rewrites->len > 0)
    {
      g_autofree char *address = g_inet_address_to_string (g_ptr_array_index (rewrites, 0));

      /* Translators: %s is an IP address */
      reason = g_strdup_printf (_("rewrites answers: it gave the address %s for a name that "
                                  "does not exist"), address);
      md_check_run_set_resolver_trust (run, MD_RESOLVER_TRUST_REWRITES, reason, evidence,
                                       rewrites);
    }
  else if (denied->len > 0)
    {
      g_autofree char *names = NULL;

      g_ptr_array_add (denied, NULL);
      names = g_strjoinv (", ", (char **) denied->pdata);

      /* Translators: %s lists names such as "a.root-servers.net, com" */
      reason = g_strdup_printf (_("denies names that exist: it answers “no such name” for %s"),
                                names);
      md_check_run_set_resolver_trust (run, MD_RESOLVER_TRUST_DENIES, reason, evidence, NULL);
    }
  else if (refusing->len > 0)
    {
      g_autofree char *names = NULL;

      g_ptr_array_add (refusing, NULL);
      names = g_strjoinv (", ", (char **) refusing->pdata);

      /* Translators: %s lists blocklist names, e.g. "Spamhaus ZEN, Spamhaus DBL" */
      reason = g_strdup_printf (_("is refused by blocklists: %s will not answer it"), names);
      md_check_run_set_resolver_trust (run, MD_RESOLVER_TRUST_REFUSED, reason, evidence, NULL);
    }
  else
    {
      md_check_run_set_resolver_trust (run, MD_RESOLVER_TRUST_TRUSTED, NULL, evidence, NULL);
    }
}

static void
probe_cb (MdCheckContext    *context,
          const MdDnsAnswer *answer,
          gpointer           user_data)
{
  Prober *self = md_check_context_get_data (context);
  Probe *probe = user_data;

  probe->answer = md_dns_answer_copy (answer);
  if (--self->pending == 0)
    {
      decide (context, self);
      md_check_context_finish (context, MD_CHECK_STATUS_INFO, NULL, NULL);
    }
}

static void
probe_start (MdCheckContext *context)
{
  Prober *self = md_check_context_get_data (context);

  self->pending = self->probes->len;
  for (guint i = 0; i < self->probes->len; i++)
    {
      Probe *probe = g_ptr_array_index (self->probes, i);

      md_check_context_query (context, probe->name, probe->type, probe_cb, probe);
    }
}

static void
add_tld (Prober     *self,
         const char *name)
{
  const char *dot;

  if (name == NULL)
    return;
  dot = strrchr (name, '.');
  if (dot == NULL || dot[1] == '\0')
    return;
  if (g_strv_contains (special_tlds, dot + 1))
    return;

  add_probe (self, PROBE_TLD, dot + 1, MD_DNS_TYPE_NS, NULL, NULL);
}

static void
probe_populate (MdCheckRun *run)
{
  const MdCheckSubject *subject = md_check_run_get_subject (run);
  g_autoptr(GPtrArray) catalog = NULL;
  g_autoptr(GInetAddress) address = NULL;
  g_autofree char *random = NULL;
  GHashTable *keys = md_check_run_get_options (run)->keys;
  MdDnsSource *source = md_check_run_get_source (run);
  gboolean ipv6;
  Prober *self;

  /* The watch's polite wrapper asks a resolver all the same. An in-memory
   * zone (the verdict tests) is the truth by construction. */
  if (MD_IS_WATCH_SOURCE (source))
    source = md_watch_source_get_upstream (MD_WATCH_SOURCE (source));
  if (!MD_IS_RESOLVER (source))
    return;

  self = g_new0 (Prober, 1);
  self->probes = g_ptr_array_new_with_free_func ((GDestroyNotify) probe_free);

  add_probe (self, PROBE_ROOT_NS, ".", MD_DNS_TYPE_NS, NULL, NULL);
  add_probe (self, PROBE_ROOT_SERVER, "a.root-servers.net", MD_DNS_TYPE_A, NULL, NULL);
  /* 20 random letters and digits: no such top-level domain exists, and no
   * cache can hold an answer for it. */
  random = g_strdup_printf ("md-probe-%08x%08x", g_random_int (), g_random_int ());
  add_probe (self, PROBE_RANDOM, random, MD_DNS_TYPE_A, NULL, NULL);
  add_tld (self, subject->domain);
  add_tld (self, subject->helo);
  add_tld (self, subject->recipient_domain);

  address = md_check_subject_get_address (subject);
  ipv6 = g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6;
  catalog = md_check_run_load_catalog (run, NULL);
  for (guint i = 0; catalog != NULL && i < catalog->len; i++)
    {
      MdBlocklist *list = g_ptr_array_index (catalog, i);
      g_autofree char *name = NULL;
      g_autofree char *zone = NULL;
      g_autofree char *shown = NULL;

      if (md_check_run_is_zone_skipped (run, list->zone) ||
          !md_blocklist_is_queryable (list, keys))
        continue;
      if (md_blocklist_is_domain_list (list) ? subject->domain == NULL
                                             : !md_blocklist_supports_address (list, address))
        continue;

      name = md_blocklist_test_query_name (list, ipv6, keys);
      if (name == NULL)
        continue;
      /* Asked in a key zone: the evidence shows the zone's template, never
       * the key. */
      zone = md_blocklist_query_zone (list, keys);
      if (!g_str_equal (zone, list->zone) && g_str_has_suffix (name, zone))
        {
          g_autofree char *prefix = g_strndup (name, strlen (name) - strlen (zone));

          shown = g_strconcat (prefix, list->key_zone, NULL);
        }
      add_probe (self, PROBE_LIST, name, MD_DNS_TYPE_A, list, shown);
    }

  md_check_run_add_probe (run, probe_start, self, (GDestroyNotify) prober_free);
}

const MdCheckProvider md_check_provider_resolver_probe = {
  "resolver-probe",
  probe_populate,
};

/* The public-resolver warning: once per run, as a check of its own, so the
 * window, the CLI and --json all show it. */

static void
public_start (MdCheckContext *context)
{
  const char *name = md_check_context_get_data (context);
  g_autofree char *summary = NULL;

  /* Translators: %s is a public resolver's name, e.g. "Google Public DNS" */
  summary = g_strdup_printf (_("Your resolver is %s, a public resolver: most blocklists refuse "
                               "to answer it, and some answer “not listed” for everything. The "
                               "lists are asked on their own name servers instead."),
                             name);
  md_check_context_finish (context, MD_CHECK_STATUS_WARNING, summary,
                           _("Check with a resolver you run yourself (for example a local "
                             "Unbound): maildoctor-cli check --resolver 127.0.0.1 …"));
}

static void
public_populate (MdCheckRun *run)
{
  const MdCheckRunOptions *options = md_check_run_get_options (run);
  g_autoptr(MdCheck) check = NULL;
  JsonObject *details;

  if (options->public_resolver == NULL)
    return;

  check = md_check_new ("resolver", "resolver", _("DNS resolver"));
  md_check_set_group (check, "resolver");
  md_check_set_weight (check, 60);
  details = md_check_get_details (check);
  json_object_set_string_member (details, "resolver", options->resolver);
  json_object_set_string_member (details, "public_resolver", options->public_resolver);

  md_check_run_add_check (run, check, public_start, g_strdup (options->public_resolver), g_free);
}

const MdCheckProvider md_check_provider_resolver = {
  "resolver",
  public_populate,
};
