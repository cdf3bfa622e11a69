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
#include "md-resolver-trust.h"
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
 * anything; md-check-run.c turns those that do not into "could not decide".
 *
 * Preferences' Test button asks the same questions without a subject
 * (md_resolver_trust_probe_async(), md-resolver-trust.h): the root, a root
 * server, the random name and every list's entry. One set of questions and
 * one decision for both. */

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

/* The questions every probe asks, with or without a subject. */
static Prober *
prober_new (void)
{
  Prober *self = g_new0 (Prober, 1);
  g_autofree char *random = NULL;

  self->probes = g_ptr_array_new_with_free_func ((GDestroyNotify) probe_free);
  add_probe (self, PROBE_ROOT_NS, ".", MD_DNS_TYPE_NS, NULL, NULL);
  add_probe (self, PROBE_ROOT_SERVER, "a.root-servers.net", MD_DNS_TYPE_A, NULL, NULL);
  /* 20 random letters and digits: no such top-level domain exists, and no
   * cache can hold an answer for it. */
  random = g_strdup_printf ("md-probe-%08x%08x", g_random_int (), g_random_int ());
  add_probe (self, PROBE_RANDOM, random, MD_DNS_TYPE_A, NULL, NULL);

  return self;
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

/* Each list's RFC 5782 "must be listed" entry: the IP lists that take
 * @address's family (IPv4 when NULL), the domain lists when @domains. */
static void
add_lists (Prober             *self,
           GPtrArray          *catalog,
           GHashTable         *keys,
           const char * const *skipped_zones,
           GInetAddress       *address,
           gboolean            domains)
{
  gboolean ipv6 = address != NULL &&
                  g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6;

  for (guint i = 0; catalog != NULL && i < catalog->len; i++)
    {
      MdBlocklist *list = g_ptr_array_index (catalog, i);
      g_autofree char *name = NULL;
      g_autofree char *zone = NULL;
      g_autofree char *shown = NULL;

      if ((skipped_zones != NULL && g_strv_contains (skipped_zones, list->zone)) ||
          !md_blocklist_is_queryable (list, keys))
        continue;
      if (md_blocklist_is_domain_list (list)
          ? !domains
          : address != NULL && !md_blocklist_supports_address (list, address))
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

static MdResolverTrustVerdict *
decide (Prober *self)
{
  g_autoptr(MdResolverTrustVerdict) verdict = g_new0 (MdResolverTrustVerdict, 1);
  g_autoptr(GPtrArray) rewrites = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) denied = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) refusing = g_ptr_array_new_with_free_func (g_free);
  const Probe *root = NULL;
  gboolean any_answer = FALSE;

  verdict->evidence = json_object_new ();
  for (guint i = 0; i < self->probes->len; i++)
    {
      Probe *probe = g_ptr_array_index (self->probes, i);

      add_evidence (verdict->evidence, probe);
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

      verdict->trust = MD_RESOLVER_TRUST_UNREACHABLE;
      /* Translators: %s says why the DNS lookup failed, e.g. "no answer in time (timeout)" */
      verdict->reason = g_strdup_printf (_("gives no usable answers: even the root of the DNS "
                                           "is not answered (%s)"), why ? why : "");
    }
  else if (rewrites->len > 0)
    {
      g_autofree char *address = g_inet_address_to_string (g_ptr_array_index (rewrites, 0));

      verdict->trust = MD_RESOLVER_TRUST_REWRITES;
      /* Translators: %s is an IP address */
      verdict->reason = g_strdup_printf (_("rewrites answers: it gave the address %s for a name "
                                           "that does not exist"), address);
      verdict->rewrites = g_steal_pointer (&rewrites);
    }
  else if (denied->len > 0)
    {
      g_autofree char *names = NULL;

      g_ptr_array_add (denied, NULL);
      names = g_strjoinv (", ", (char **) denied->pdata);

      verdict->trust = MD_RESOLVER_TRUST_DENIES;
      /* Translators: %s lists names such as "a.root-servers.net, com" */
      verdict->reason = g_strdup_printf (_("denies names that exist: it answers “no such name” "
                                           "for %s"), names);
    }
  else if (refusing->len > 0)
    {
      g_autofree char *names = NULL;

      g_ptr_array_add (refusing, NULL);
      names = g_strjoinv (", ", (char **) refusing->pdata);

      verdict->trust = MD_RESOLVER_TRUST_REFUSED;
      /* Translators: %s lists blocklist names, e.g. "Spamhaus ZEN, Spamhaus DBL" */
      verdict->reason = g_strdup_printf (_("is refused by blocklists: %s will not answer it"),
                                         names);
    }
  else
    {
      verdict->trust = MD_RESOLVER_TRUST_TRUSTED;
    }

  return g_steal_pointer (&verdict);
}

/* In a check run: the questions go through the run (its bound, its
 * deadline, a bulk check's shared answers), the verdict to the run. */

static void
run_probe_cb (MdCheckContext    *context,
              const MdDnsAnswer *answer,
              gpointer           user_data)
{
  Prober *self = md_check_context_get_data (context);
  Probe *probe = user_data;

  probe->answer = md_dns_answer_copy (answer);
  if (--self->pending == 0)
    {
      g_autoptr(MdResolverTrustVerdict) verdict = decide (self);

      md_check_run_set_resolver_trust (md_check_context_get_run (context), verdict->trust,
                                       verdict->reason, verdict->evidence, verdict->rewrites);
      md_check_context_finish (context, MD_CHECK_STATUS_INFO, NULL, NULL);
    }
}

static void
run_probe_start (MdCheckContext *context)
{
  Prober *self = md_check_context_get_data (context);

  self->pending = self->probes->len;
  for (guint i = 0; i < self->probes->len; i++)
    {
      Probe *probe = g_ptr_array_index (self->probes, i);

      md_check_context_query (context, probe->name, probe->type, run_probe_cb, probe);
    }
}

static void
probe_populate (MdCheckRun *run)
{
  const MdCheckSubject *subject = md_check_run_get_subject (run);
  const MdCheckRunOptions *options = md_check_run_get_options (run);
  g_autoptr(GPtrArray) catalog = NULL;
  g_autoptr(GInetAddress) address = NULL;
  MdDnsSource *source = md_check_run_get_source (run);
  Prober *self;

  /* The watch's polite wrapper asks a resolver all the same. An in-memory
   * zone (the verdict tests) is the truth by construction. */
  if (MD_IS_WATCH_SOURCE (source))
    source = md_watch_source_get_upstream (MD_WATCH_SOURCE (source));
  if (!MD_IS_RESOLVER (source))
    return;

  self = prober_new ();
  add_tld (self, subject->domain);
  add_tld (self, subject->helo);
  add_tld (self, subject->recipient_domain);

  address = md_check_subject_get_address (subject);
  catalog = md_check_run_load_catalog (run, NULL);
  add_lists (self, catalog, options->keys, (const char * const *) options->skipped_zones,
             address, subject->domain != NULL);

  md_check_run_add_probe (run, run_probe_start, self, (GDestroyNotify) prober_free);
}

const MdCheckProvider md_check_provider_resolver_probe = {
  "resolver-probe",
  probe_populate,
};

/* On its own (Preferences → Test): the same questions, straight to the
 * source, all at once. */

typedef struct
{
  GTask *task;
  Probe *probe;
} Question;

static void
question_answered_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autofree Question *question = user_data;
  g_autoptr(GTask) task = question->task;
  Prober *self = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  question->probe->answer = md_dns_source_query_finish (MD_DNS_SOURCE (object), result, &error);
  if (--self->pending > 0)
    return;
  if (g_task_return_error_if_cancelled (task))
    return;

  /* The sources' only error is cancellation. */
  for (guint i = 0; i < self->probes->len; i++)
    if (((Probe *) g_ptr_array_index (self->probes, i))->answer == NULL)
      {
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s",
                                 _("The DNS query was cancelled"));
        return;
      }

  g_task_return_pointer (task, decide (self), (GDestroyNotify) md_resolver_trust_verdict_free);
}

void
md_resolver_trust_probe_async (MdDnsSource         *source,
                               GPtrArray           *catalog,
                               GHashTable          *keys,
                               const char * const  *skipped_zones,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) bundled = NULL;
  Prober *self;

  g_return_if_fail (MD_IS_DNS_SOURCE (source));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (source, cancellable, callback, user_data);
  g_task_set_source_tag (task, md_resolver_trust_probe_async);

  if (catalog == NULL)
    {
      g_autoptr(GError) error = NULL;

      /* The bundled catalog is part of the program: without it the probe
       * still asks the root and the random name. */
      bundled = md_blocklist_catalog_load (&error);
      if (bundled == NULL)
        g_warning ("resolver probe: %s", error->message);
      catalog = bundled;
    }

  self = prober_new ();
  add_lists (self, catalog, keys, skipped_zones, NULL, TRUE);
  g_task_set_task_data (task, self, (GDestroyNotify) prober_free);

  self->pending = self->probes->len;
  for (guint i = 0; i < self->probes->len; i++)
    {
      Question *question = g_new0 (Question, 1);

      question->task = g_object_ref (task);
      question->probe = g_ptr_array_index (self->probes, i);
      md_dns_source_query_async (source, question->probe->name, question->probe->type,
                                 cancellable, question_answered_cb, question);
    }
}

MdResolverTrustVerdict *
md_resolver_trust_probe_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == md_resolver_trust_probe_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

G_DEFINE_BOXED_TYPE (MdResolverTrustVerdict, md_resolver_trust_verdict,
                     md_resolver_trust_verdict_copy, md_resolver_trust_verdict_free)

MdResolverTrustVerdict *
md_resolver_trust_verdict_copy (const MdResolverTrustVerdict *verdict)
{
  MdResolverTrustVerdict *copy;

  g_return_val_if_fail (verdict != NULL, NULL);

  copy = g_new0 (MdResolverTrustVerdict, 1);
  copy->trust = verdict->trust;
  copy->reason = g_strdup (verdict->reason);
  copy->evidence = verdict->evidence ? json_object_ref (verdict->evidence) : NULL;
  copy->rewrites = verdict->rewrites ? g_ptr_array_ref (verdict->rewrites) : NULL;

  return copy;
}

void
md_resolver_trust_verdict_free (MdResolverTrustVerdict *verdict)
{
  if (verdict == NULL)
    return;

  g_free (verdict->reason);
  g_clear_pointer (&verdict->evidence, json_object_unref);
  g_clear_pointer (&verdict->rewrites, g_ptr_array_unref);
  g_free (verdict);
}

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
