/* md-check-run.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* One unit, over 1,000 lines, because everything here shares the run's
 * question table and its lifetime rules: the bound on questions in flight,
 * cached deliveries, the hold on results until the resolver verdict, the
 * lists' own servers (asked through the same table) and the end of the run
 * (deadline, cancellation, dispose). The subject, the options and the trust
 * names are plain data: md-check-subject.c. */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-blocklists.h"
#include "md-check-private.h"
#include "md-check-run.h"
#include "md-record-util.h"
#include "md-resolver.h"
#include "md-util.h"

/* Whether a family's answer depends on the IP address: a bulk check asks
 * the others once (MdCheckRunOptions.ip_checks_only). */
typedef enum
{
  PER_IP_NO,
  PER_IP_YES,
  PER_IP_BY_LIST,   /* the IP blocklists do, the domain blocklists do not */
} PerIp;

/* The check families, in the order the list shows them. */
static const struct
{
  const MdCheckProvider *provider;
  PerIp                  per_ip;
} providers[] = {
  { &md_check_provider_resolver_probe, PER_IP_NO },
  { &md_check_provider_resolver, PER_IP_NO },
  { &md_check_provider_rdns, PER_IP_YES },
  { &md_check_provider_helo, PER_IP_YES },      /* forward-confirms the IP */
  { &md_check_provider_mx, PER_IP_NO },
  { &md_check_provider_dnsbl, PER_IP_BY_LIST },
  { &md_check_provider_spf, PER_IP_YES },       /* does the domain authorize this IP? */
  { &md_check_provider_dmarc, PER_IP_NO },
  { &md_check_provider_dkim, PER_IP_NO },
  { &md_check_provider_tlsrpt, PER_IP_NO },
  { &md_check_provider_mta_sts, PER_IP_NO },
  { &md_check_provider_rdap, PER_IP_YES },
  { &md_check_provider_imprint, PER_IP_YES },   /* found from the IP's owner */
};

struct _MdCheckContext
{
  MdCheckRun       *run;        /* unowned: the run owns its contexts */
  MdCheck          *check;
  MdCheckStartFunc  start;
  gpointer          data;
  GDestroyNotify    destroy;
  gint64            started_at;
  gboolean          finished;

  /* What the answers it used said, for the resolver-trust verdict: a
   * negative answer, and every address it was given. */
  gboolean          saw_negative;
  GPtrArray        *addresses;  /* of GInetAddress*, NULL until one came */
  gboolean          held;       /* finished, waiting for the resolver verdict */
  gboolean          internal;   /* the resolver probe: not a row in the model */
  gboolean          per_ip;     /* its answer depends on the IP address */
  MdCheckStatus     held_status;
  char             *held_summary;
  char             *held_remedy;
};

/* One distinct DNS question of the run and the checks waiting for it. */
typedef struct
{
  char        *name;
  MdDnsType    type;
  MdDnsSource *source;        /* NULL: the run's; else a zone's own servers */
  MdDnsAnswer *answer;        /* NULL until it came */
  GPtrArray   *waiters;       /* of Waiter* */
} Question;

typedef struct
{
  MdCheckContext    *context;
  MdCheckAnswerFunc  func;
  gpointer           user_data;
} Waiter;

/* What travels through md_dns_source_query_async(). The run may be gone
 * when the callback comes: the cancellable, which the run cancels on
 * dispose and when it ends, says whether it may be touched. */
typedef struct
{
  MdCheckRun   *run;
  Question     *question;
  GCancellable *cancellable;
} Inflight;

struct _MdCheckRun
{
  GObject          parent_instance;

  /* Owned */
  MdDnsSource     *source;
  MdCheckSubject  *subject;
  GPtrArray       *checks;      /* of MdCheck*, the model */
  GPtrArray       *contexts;    /* of MdCheckContext*, same order */
  GHashTable      *questions;   /* "TYPE name" → Question* */
  GQueue           waiting;     /* Question* not yet sent (bound reached) */
  GQueue           deliveries;  /* Question* whose late waiters get the cached answer */
  GCancellable    *cancellable; /* ours: cancels queries in flight */
  GCancellable    *user_cancellable;
  GTask           *task;
  MdCheckRunOptions *options;
  MdCheckContext  *probe;       /* the resolver probe's context, or NULL */
  MdResolverTrust  trust;
  JsonObject      *trust_evidence;
  char            *trust_reason;  /* why answers could not be used, or NULL */
  GPtrArray       *rewrites;    /* of GInetAddress*: what the resolver invents */
  GHashTable      *authorities; /* zone → Authority*: the lists' own servers */
  MdCheckContext  *auth_context;/* asks their NS and addresses; no row */

  gulong           cancelled_id;
  guint            deadline_id;
  guint            delivery_id;
  guint            max_in_flight;
  guint            deadline_ms;
  guint            in_flight;
  guint            peak_in_flight;
  guint            n_queries;
  guint            n_finished;
  gint64           started_at;
  gint64           finished_at;
  gboolean         started;
  gboolean         finished;
};

/* Bulk checks: several runs, one table of answers (md-check-run.h). */
typedef struct
{
  MdCheckRun *run;            /* unowned: a run leaves before it goes */
  Question   *question;       /* the run's */
} ShareWaiter;

typedef struct
{
  MdDnsAnswer *answer;        /* NULL while in flight */
  GArray      *waiters;       /* of ShareWaiter, while in flight */
} ShareEntry;

struct _MdCheckShare
{
  grefcount        ref_count;
  GHashTable      *entries;       /* "TYPE name source" → ShareEntry* */
  GHashTable      *pending;       /* ShareEntry* in flight (a set) */
  GPtrArray       *runs;          /* unowned MdCheckRun*, started and not finished */
  guint            max_in_flight;
  guint            in_flight;
  guint            peak_in_flight;
  guint            n_queries;

  /* The resolver-trust probe: the first run that can probe does, the
   * others take its verdict. */
  MdCheckRun      *prober;        /* unowned; NULL once it is gone */
  guint            n_probes;
  MdResolverTrust  trust;
  char            *trust_reason;
  JsonObject      *trust_evidence;
  GPtrArray       *rewrites;
  GPtrArray       *trust_waiters; /* unowned MdCheckRun* */

  GHashTable      *authorities;   /* "ADDR:PORT,…" → MdResolver*: the lists' own servers */
};

typedef struct
{
  MdCheckShare *share;
  ShareEntry   *entry;
  char         *name;
  MdDnsType     type;
} ShareInflight;

enum {
  FINISHED,
  N_SIGNALS
};

enum {
  PROP_0,
  PROP_RESOLVER_TRUST,
  N_PROPS
};

static guint signals[N_SIGNALS];
static GParamSpec *properties[N_PROPS];

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_QUARK (md-check-run-error-quark, md_check_run_error)
G_DEFINE_FINAL_TYPE_WITH_CODE (MdCheckRun, md_check_run, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

/* The lists' own servers, found once per zone and run: NS of the zone and
 * their addresses through the run's resolver, then a resolver pointed at
 * them with recursion off. */
typedef struct
{
  MdCheckContext *context;
  MdCheckSourceFunc func;
  gpointer        user_data;
} AuthWaiter;

typedef struct
{
  MdCheckRun  *run;           /* unowned */
  char        *zone;
  GPtrArray   *hosts;         /* NS names asked for addresses */
  GPtrArray   *addresses;     /* "ADDR:PORT" */
  guint        pending;
  gboolean     done;
  guint        notify_id;
  MdResolver  *resolver;      /* when found */
  char        *error;         /* when not */
  GPtrArray   *waiters;       /* of AuthWaiter* */
} Authority;

static void
authority_free (Authority *authority)
{
  g_clear_handle_id (&authority->notify_id, g_source_remove);
  g_free (authority->zone);
  g_ptr_array_unref (authority->hosts);
  g_ptr_array_unref (authority->addresses);
  g_clear_object (&authority->resolver);
  g_free (authority->error);
  g_ptr_array_unref (authority->waiters);
  g_free (authority);
}

static gboolean
trust_taints (MdResolverTrust trust)
{
  return trust == MD_RESOLVER_TRUST_REWRITES || trust == MD_RESOLVER_TRUST_DENIES ||
         trust == MD_RESOLVER_TRUST_UNREACHABLE;
}

static gboolean
context_saw_rewrite (MdCheckRun     *self,
                     MdCheckContext *context)
{
  for (guint i = 0; context->addresses != NULL && i < context->addresses->len; i++)
    for (guint j = 0; self->rewrites != NULL && j < self->rewrites->len; j++)
      if (g_inet_address_equal (g_ptr_array_index (context->addresses, i),
                                g_ptr_array_index (self->rewrites, j)))
        return TRUE;

  return FALSE;
}

/* An undecided list whose own self-test failed, or whose answer was out of
 * range, failed because of the resolver when the resolver is the liar: say
 * so instead of blaming the list. */
static gboolean
error_is_resolvers (MdCheckContext *context)
{
  JsonObject *details = md_check_get_details (context->check);
  const char *reason;

  if (!json_object_has_member (details, "reason") ||
      !JSON_NODE_HOLDS_VALUE (json_object_get_member (details, "reason")))
    return FALSE;
  reason = json_object_get_string_member (details, "reason");

  return g_strcmp0 (reason, "self-test") == 0 || g_strcmp0 (reason, "rewritten") == 0;
}

static void finish_now (MdCheckContext *context,
                        MdCheckStatus   status,
                        const char     *summary,
                        const char     *remedy);

/* A verdict that rests on an answer the resolver may have made up is no
 * verdict: "no record" from a resolver that denies every name, "listed"
 * from one that answers 127.0.0.2 for everything. */
static void
finish_judged (MdCheckContext *context,
               MdCheckStatus   status,
               const char     *summary,
               const char     *remedy)
{
  MdCheckRun *self = context->run;

  if (!context->internal && trust_taints (self->trust) &&
      (status != MD_CHECK_STATUS_ERROR || error_is_resolvers (context)) &&
      (context->saw_negative || context_saw_rewrite (self, context)))
    {
      JsonObject *details = md_check_get_details (context->check);
      g_autofree char *text = NULL;

      json_object_set_string_member (details, "reason", "resolver-untrusted");
      json_object_set_string_member (details, "resolver_state",
                                     md_resolver_trust_to_string (self->trust));
      /* Translators: %s says what is wrong with the resolver, e.g. "denies names that exist: …" */
      text = g_strdup_printf (_("Could not decide: your DNS resolver %s."), self->trust_reason);
      finish_now (context, MD_CHECK_STATUS_ERROR, text,
                  _("Check with a resolver that answers truthfully (Preferences → Checks → "
                    "DNS resolver, or --resolver)."));
      return;
    }

  finish_now (context, status, summary, remedy);
}

static void
release_held (MdCheckRun *self)
{
  for (guint i = 0; i < self->contexts->len && !self->finished; i++)
    {
      MdCheckContext *context = g_ptr_array_index (self->contexts, i);
      g_autofree char *summary = NULL;
      g_autofree char *remedy = NULL;

      if (!context->held)
        continue;
      context->held = FALSE;
      summary = g_steal_pointer (&context->held_summary);
      remedy = g_steal_pointer (&context->held_remedy);
      finish_judged (context, context->held_status, summary, remedy);
    }
}

/* Questions */

static void
question_free (Question *question)
{
  g_free (question->name);
  g_clear_object (&question->source);
  g_clear_pointer (&question->answer, md_dns_answer_free);
  g_ptr_array_unref (question->waiters);
  g_free (question);
}

static void
context_free (MdCheckContext *context)
{
  if (context->destroy != NULL)
    g_clear_pointer (&context->data, context->destroy);
  g_clear_object (&context->check);
  g_clear_pointer (&context->addresses, g_ptr_array_unref);
  g_free (context->held_summary);
  g_free (context->held_remedy);
  g_free (context);
}

/* Remembers what an answer said about the resolver's honesty. The SPF
 * type's NODATA is normal (RFC 7208 §3.1: it is obsolete) and decides
 * nothing. */
static void
note_answer (MdCheckContext    *context,
             const MdDnsAnswer *answer)
{
  if ((answer->status == MD_DNS_STATUS_NXDOMAIN || answer->status == MD_DNS_STATUS_NODATA) &&
      answer->type != MD_DNS_TYPE_SPF)
    context->saw_negative = TRUE;

  for (guint i = 0; answer->status == MD_DNS_STATUS_OK && i < answer->records->len; i++)
    {
      MdDnsRecord *record = g_ptr_array_index (answer->records, i);

      if (record->address == NULL)
        continue;
      if (context->addresses == NULL)
        context->addresses = g_ptr_array_new_with_free_func (g_object_unref);
      g_ptr_array_add (context->addresses, g_object_ref (record->address));
    }
}

static void send_question (MdCheckRun *self,
                           Question   *question);

/* The bound on questions in flight: the run's own, or in a bulk check the
 * one all its runs share. */
static gboolean
can_send (MdCheckRun *self)
{
  MdCheckShare *share = self->options->share;

  if (share != NULL)
    return share->in_flight < share->max_in_flight;

  return self->in_flight < self->max_in_flight;
}

static void
pump (MdCheckRun *self)
{
  while (!self->finished && can_send (self) && !g_queue_is_empty (&self->waiting))
    send_question (self, g_queue_pop_head (&self->waiting));
}

/* Hands the answer to everyone waiting for it. A callback may finish the
 * run (and its owner may then drop it): the caller holds a reference. */
static void
deliver (MdCheckRun *self,
         Question   *question)
{
  g_autoptr(GPtrArray) waiters = NULL;

  g_assert (question->answer != NULL);

  waiters = g_steal_pointer (&question->waiters);
  question->waiters = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < waiters->len; i++)
    {
      Waiter *waiter = g_ptr_array_index (waiters, i);

      if (self->finished)
        break;
      if (!waiter->context->finished)
        {
          note_answer (waiter->context, question->answer);
          waiter->func (waiter->context, question->answer, waiter->user_data);
        }
    }
}

static void
query_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Inflight *inflight = user_data;
  g_autoptr(MdDnsAnswer) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MdCheckRun) self = NULL;
  Question *question;

  answer = md_dns_source_query_finish (MD_DNS_SOURCE (object), result, &error);

  if (g_cancellable_is_cancelled (inflight->cancellable))
    {
      g_object_unref (inflight->cancellable);
      g_free (inflight);
      return;
    }

  self = g_object_ref (inflight->run);
  question = inflight->question;
  g_object_unref (inflight->cancellable);
  g_free (inflight);

  self->in_flight--;

  if (answer == NULL)
    {
      /* The interface promises an answer for everything but cancellation;
       * should a source break that, the question failed — it did not pass. */
      answer = md_dns_answer_new (question->name, question->type, MD_DNS_STATUS_ERROR);
      answer->message = g_strdup (error ? error->message : _("the lookup failed"));
    }

  question->answer = g_steal_pointer (&answer);
  deliver (self, question);
  pump (self);
}

static gboolean deliveries_cb (gpointer user_data);

/* Bulk checks */

static void
share_entry_free (ShareEntry *entry)
{
  g_clear_pointer (&entry->answer, md_dns_answer_free);
  g_clear_pointer (&entry->waiters, g_array_unref);
  g_free (entry);
}

G_DEFINE_BOXED_TYPE (MdCheckShare, md_check_share, md_check_share_ref, md_check_share_unref)

/**
 * md_check_share_new:
 * @max_in_flight: the bound on DNS questions in flight for all the runs
 *   that share it together
 */
MdCheckShare *
md_check_share_new (guint max_in_flight)
{
  MdCheckShare *share;

  g_return_val_if_fail (max_in_flight > 0, NULL);

  share = g_new0 (MdCheckShare, 1);
  g_ref_count_init (&share->ref_count);
  share->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) share_entry_free);
  share->pending = g_hash_table_new (NULL, NULL);
  share->runs = g_ptr_array_new ();
  share->trust_waiters = g_ptr_array_new ();
  share->authorities = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  share->max_in_flight = max_in_flight;
  share->trust = MD_RESOLVER_TRUST_PROBING;

  return share;
}

MdCheckShare *
md_check_share_ref (MdCheckShare *share)
{
  g_return_val_if_fail (share != NULL, NULL);

  g_ref_count_inc (&share->ref_count);

  return share;
}

void
md_check_share_unref (MdCheckShare *share)
{
  g_return_if_fail (share != NULL);

  if (!g_ref_count_dec (&share->ref_count))
    return;

  g_hash_table_unref (share->pending);
  g_hash_table_unref (share->entries);
  g_ptr_array_unref (share->runs);
  g_ptr_array_unref (share->trust_waiters);
  g_hash_table_unref (share->authorities);
  g_free (share->trust_reason);
  g_clear_pointer (&share->trust_evidence, json_object_unref);
  g_clear_pointer (&share->rewrites, g_ptr_array_unref);
  g_free (share);
}

/* Distinct DNS questions sent by all the runs together. */
guint
md_check_share_get_n_queries (MdCheckShare *share)
{
  g_return_val_if_fail (share != NULL, 0);

  return share->n_queries;
}

guint
md_check_share_get_peak_in_flight (MdCheckShare *share)
{
  g_return_val_if_fail (share != NULL, 0);

  return share->peak_in_flight;
}

guint
md_check_share_get_max_in_flight (MdCheckShare *share)
{
  g_return_val_if_fail (share != NULL, 0);

  return share->max_in_flight;
}

/* How many runs probed the resolver: one, unless a prober ended before its
 * verdict and another run took over. */
guint
md_check_share_get_n_probes (MdCheckShare *share)
{
  g_return_val_if_fail (share != NULL, 0);

  return share->n_probes;
}

static void
share_pump (MdCheckShare *share)
{
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func (g_object_unref);

  /* Earlier runs first: their reports are printed first. */
  for (guint i = 0; i < share->runs->len; i++)
    g_ptr_array_add (runs, g_object_ref (g_ptr_array_index (share->runs, i)));
  for (guint i = 0; i < runs->len && share->in_flight < share->max_in_flight; i++)
    pump (g_ptr_array_index (runs, i));
}

static void
share_query_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  ShareInflight *inflight = user_data;
  MdCheckShare *share = inflight->share;
  ShareEntry *entry = inflight->entry;
  g_autoptr(MdDnsAnswer) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) waiters = NULL;
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func (g_object_unref);

  answer = md_dns_source_query_finish (MD_DNS_SOURCE (object), result, &error);
  if (answer == NULL)
    {
      answer = md_dns_answer_new (inflight->name, inflight->type, MD_DNS_STATUS_ERROR);
      answer->message = g_strdup (error ? error->message : _("the lookup failed"));
    }

  entry->answer = g_steal_pointer (&answer);
  waiters = g_steal_pointer (&entry->waiters);
  g_hash_table_remove (share->pending, entry);
  share->in_flight--;

  /* A waiter's callbacks may end other runs: hold them all first. */
  for (guint i = 0; i < waiters->len; i++)
    g_ptr_array_add (runs, g_object_ref (g_array_index (waiters, ShareWaiter, i).run));
  for (guint i = 0; i < waiters->len; i++)
    {
      ShareWaiter *waiter = &g_array_index (waiters, ShareWaiter, i);

      if (waiter->run->finished || waiter->question->answer != NULL)
        continue;
      waiter->question->answer = md_dns_answer_copy (entry->answer);
      deliver (waiter->run, waiter->question);
    }
  share_pump (share);

  g_free (inflight->name);
  md_check_share_unref (inflight->share);
  g_free (inflight);
}

/* Asks @question once for all the runs of the share: an answer that came
 * already is handed over, one on its way is waited for. */
static void
share_send (MdCheckRun *self,
            Question   *question)
{
  MdCheckShare *share = self->options->share;
  MdDnsSource *source = question->source ? question->source : self->source;
  g_autofree char *key = g_strdup_printf ("%u %s %p", question->type, question->name,
                                          (gpointer) source);
  ShareEntry *entry = g_hash_table_lookup (share->entries, key);
  ShareWaiter waiter = { self, question };
  ShareInflight *inflight;

  if (entry != NULL && entry->answer != NULL)
    {
      question->answer = md_dns_answer_copy (entry->answer);
      if (g_queue_find (&self->deliveries, question) == NULL)
        g_queue_push_tail (&self->deliveries, question);
      if (self->delivery_id == 0)
        self->delivery_id = g_idle_add (deliveries_cb, self);
      return;
    }
  if (entry != NULL)
    {
      g_array_append_val (entry->waiters, waiter);
      return;
    }

  entry = g_new0 (ShareEntry, 1);
  entry->waiters = g_array_new (FALSE, FALSE, sizeof (ShareWaiter));
  g_array_append_val (entry->waiters, waiter);
  g_hash_table_insert (share->entries, g_steal_pointer (&key), entry);
  g_hash_table_add (share->pending, entry);

  share->in_flight++;
  share->n_queries++;
  share->peak_in_flight = MAX (share->peak_in_flight, share->in_flight);
  self->n_queries++;

  if (self->options->keys == NULL)
    g_debug ("check run: asking %s %s (%u in flight)",
             md_dns_type_to_string (question->type), question->name, share->in_flight);

  inflight = g_new0 (ShareInflight, 1);
  inflight->share = md_check_share_ref (share);
  inflight->entry = entry;
  inflight->name = g_strdup (question->name);
  inflight->type = question->type;
  /* Not cancelled with any one run: others may wait for the answer. Its
   * callback holds the share, so the share outlives it. */
  md_dns_source_query_async (source, question->name, question->type, NULL, share_query_cb,
                             inflight);
}

/* @self ends: nothing of the share points at it afterwards. */
static void
share_leave (MdCheckRun *self)
{
  MdCheckShare *share = self->options->share;
  GHashTableIter iter;
  ShareEntry *entry;

  if (share == NULL)
    return;

  g_ptr_array_remove (share->runs, self);
  g_ptr_array_remove (share->trust_waiters, self);
  g_hash_table_iter_init (&iter, share->pending);
  while (g_hash_table_iter_next (&iter, (gpointer *) &entry, NULL))
    for (guint i = entry->waiters->len; i > 0; i--)
      if (g_array_index (entry->waiters, ShareWaiter, i - 1).run == self)
        g_array_remove_index (entry->waiters, i - 1);

  if (share->prober == self)
    share->prober = NULL;
}

/* @self ends and leaves the share. Was it the prober, ending before its
 * verdict (cancelled, its deadline), a run waiting for the verdict probes
 * instead. */
static void
share_handover (MdCheckRun *self)
{
  MdCheckShare *share = self->options->share;
  gboolean was_prober;

  if (share == NULL)
    return;

  was_prober = share->prober == self;
  share_leave (self);
  if (!was_prober || share->trust != MD_RESOLVER_TRUST_PROBING)
    return;

  while (share->trust_waiters->len > 0 && share->prober == NULL)
    {
      g_autoptr(MdCheckRun) next = g_object_ref (g_ptr_array_steal_index (share->trust_waiters,
                                                                          0));

      if (next->finished)
        continue;
      md_check_provider_resolver_probe.populate (next);
      if (next->probe == NULL)
        {
          md_check_run_set_resolver_trust (next, MD_RESOLVER_TRUST_TRUSTED, NULL, NULL, NULL);
          continue;
        }
      share->prober = next;
      share->n_probes++;
      next->probe->started_at = g_get_monotonic_time ();
      next->probe->start (next->probe);
      pump (next);
    }
}

static void
send_question (MdCheckRun *self,
               Question   *question)
{
  Inflight *inflight;

  if (self->options->share != NULL)
    {
      share_send (self, question);
      return;
    }

  inflight = g_new0 (Inflight, 1);

  inflight->run = self;
  inflight->question = question;
  inflight->cancellable = g_object_ref (self->cancellable);

  self->in_flight++;
  self->n_queries++;
  self->peak_in_flight = MAX (self->peak_in_flight, self->in_flight);

  if (self->options->keys == NULL)
    g_debug ("check run: asking %s %s (%u in flight)",
             md_dns_type_to_string (question->type), question->name, self->in_flight);

  md_dns_source_query_async (question->source ? question->source : self->source,
                             question->name, question->type,
                             self->cancellable, query_cb, inflight);
}

static gboolean
deliveries_cb (gpointer user_data)
{
  g_autoptr(MdCheckRun) self = g_object_ref (user_data);
  Question *question;

  self->delivery_id = 0;
  while (!self->finished && (question = g_queue_pop_head (&self->deliveries)) != NULL)
    deliver (self, question);

  return G_SOURCE_REMOVE;
}

/* Completion */

static void
run_complete (MdCheckRun *self,
              GError     *error,
              const char *reason)
{
  g_autoptr(GTask) task = NULL;

  if (self->finished)
    return;

  self->finished = TRUE;
  self->finished_at = g_get_monotonic_time ();
  g_clear_handle_id (&self->deadline_id, g_source_remove);
  g_clear_handle_id (&self->delivery_id, g_source_remove);
  g_queue_clear (&self->deliveries);
  g_queue_clear (&self->waiting);
  if (self->user_cancellable != NULL && self->cancelled_id != 0)
    g_signal_handler_disconnect (self->user_cancellable, self->cancelled_id);
  self->cancelled_id = 0;

  /* Questions still in flight come back cancelled and are dropped. */
  g_cancellable_cancel (self->cancellable);
  share_handover (self);

  for (guint i = 0; i < self->contexts->len; i++)
    {
      MdCheckContext *context = g_ptr_array_index (self->contexts, i);

      if (!context->finished || context->held)
        {
          JsonObject *details = md_check_get_details (context->check);

          /* Held: its answer came, but whether the resolver told the truth
           * did not; that is no verdict either. */
          context->held = FALSE;
          json_object_set_string_member (details, "reason", reason);
          finish_now (context, MD_CHECK_STATUS_ERROR, reason, NULL);
        }
    }

  g_debug ("check run: finished after %u ms, %u queries, peak %u in flight",
           md_check_run_get_duration_ms (self), self->n_queries, self->peak_in_flight);

  g_signal_emit (self, signals[FINISHED], 0);

  task = g_steal_pointer (&self->task);
  if (task != NULL)
    {
      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_boolean (task, TRUE);
    }
}

static gboolean
deadline_cb (gpointer user_data)
{
  MdCheckRun *self = user_data;
  g_autofree char *reason = NULL;

  self->deadline_id = 0;
  /* Translators: %u is a number of milliseconds */
  reason = g_strdup_printf (_("Could not decide: no answer before the deadline (%u ms)."),
                            self->deadline_ms);
  run_complete (self, NULL, reason);

  return G_SOURCE_REMOVE;
}

static void
user_cancelled_cb (GCancellable *cancellable,
                   MdCheckRun   *self)
{
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                 _("The check was cancelled"));

  run_complete (self, error, _("Could not decide: the check was cancelled."));
}

/* GListModel */

static GType
md_check_run_get_item_type (GListModel *model)
{
  return MD_TYPE_CHECK;
}

static guint
md_check_run_get_n_items (GListModel *model)
{
  return MD_CHECK_RUN (model)->checks->len;
}

static gpointer
md_check_run_get_item (GListModel *model,
                       guint       position)
{
  MdCheckRun *self = MD_CHECK_RUN (model);

  if (position >= self->checks->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->checks, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = md_check_run_get_item_type;
  iface->get_n_items = md_check_run_get_n_items;
  iface->get_item = md_check_run_get_item;
}

/* GObject */

static void
md_check_run_dispose (GObject *object)
{
  MdCheckRun *self = (MdCheckRun *) object;

  /* A task holds a reference until the run ends, so a run is only disposed
   * once it finished or never started; anything still in flight is
   * cancelled here and its callback leaves us alone. */
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->deadline_id, g_source_remove);
  g_clear_handle_id (&self->delivery_id, g_source_remove);
  if (self->user_cancellable != NULL && self->cancelled_id != 0)
    g_signal_handler_disconnect (self->user_cancellable, self->cancelled_id);
  self->cancelled_id = 0;
  g_clear_object (&self->user_cancellable);
  share_leave (self);
  g_queue_clear (&self->waiting);
  g_queue_clear (&self->deliveries);
  g_clear_pointer (&self->questions, g_hash_table_unref);
  g_clear_pointer (&self->authorities, g_hash_table_unref);
  g_clear_object (&self->source);

  G_OBJECT_CLASS (md_check_run_parent_class)->dispose (object);
}

static void
md_check_run_finalize (GObject *object)
{
  MdCheckRun *self = (MdCheckRun *) object;

  g_ptr_array_unref (self->contexts);
  g_ptr_array_unref (self->checks);
  g_clear_pointer (&self->subject, md_check_subject_free);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->probe, context_free);
  g_clear_pointer (&self->auth_context, context_free);
  g_clear_pointer (&self->options, md_check_run_options_free);
  g_clear_pointer (&self->trust_evidence, json_object_unref);
  g_clear_pointer (&self->rewrites, g_ptr_array_unref);
  g_free (self->trust_reason);

  G_OBJECT_CLASS (md_check_run_parent_class)->finalize (object);
}

static void
md_check_run_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  MdCheckRun *self = MD_CHECK_RUN (object);

  switch (prop_id)
    {
    case PROP_RESOLVER_TRUST:
      g_value_set_enum (value, self->trust);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
md_check_run_class_init (MdCheckRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = md_check_run_dispose;
  object_class->finalize = md_check_run_finalize;
  object_class->get_property = md_check_run_get_property;

  /**
   * MdCheckRun:resolver-trust:
   *
   * What the run learned about its resolver; "probing" until the first
   * wave of answers is in. The evidence is md_check_run_get_resolver_evidence().
   */
  properties[PROP_RESOLVER_TRUST] =
    g_param_spec_enum ("resolver-trust", NULL, NULL,
                       MD_TYPE_RESOLVER_TRUST, MD_RESOLVER_TRUST_PROBING,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * MdCheckRun::finished:
   *
   * Every check has its final status (after the last answer, the deadline
   * or cancellation).
   */
  signals[FINISHED] =
    g_signal_new ("finished",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
md_check_run_init (MdCheckRun *self)
{
  self->checks = g_ptr_array_new_with_free_func (g_object_unref);
  self->contexts = g_ptr_array_new_with_free_func ((GDestroyNotify) context_free);
  self->questions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) question_free);
  self->authorities = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) authority_free);
  self->cancellable = g_cancellable_new ();
  self->max_in_flight = MD_CHECK_RUN_DEFAULT_MAX_IN_FLIGHT;
  self->options = md_check_run_options_new ();
  self->trust = MD_RESOLVER_TRUST_PROBING;
  self->deadline_ms = MD_CHECK_RUN_DEFAULT_DEADLINE_MS;
  g_queue_init (&self->waiting);
  g_queue_init (&self->deliveries);
}

/* Provider interface (md-check-private.h) */

MdCheckContext *
md_check_run_add_check (MdCheckRun       *run,
                        MdCheck          *check,
                        MdCheckStartFunc  start,
                        gpointer          data,
                        GDestroyNotify    destroy)
{
  MdCheckContext *context;

  g_return_val_if_fail (MD_IS_CHECK_RUN (run), NULL);
  g_return_val_if_fail (MD_IS_CHECK (check), NULL);
  g_return_val_if_fail (start != NULL, NULL);
  g_return_val_if_fail (md_check_run_lookup (run, md_check_get_id (check)) == NULL, NULL);

  context = g_new0 (MdCheckContext, 1);
  context->run = run;
  context->check = g_object_ref (check);
  context->start = start;
  context->data = data;
  context->destroy = destroy;

  g_ptr_array_add (run->contexts, context);
  g_ptr_array_add (run->checks, g_object_ref (check));

  return context;
}

MdCheck *
md_check_context_get_check (MdCheckContext *context)
{
  return context->check;
}

MdCheckRun *
md_check_context_get_run (MdCheckContext *context)
{
  return context->run;
}

const MdCheckSubject *
md_check_context_get_subject (MdCheckContext *context)
{
  return context->run->subject;
}

gpointer
md_check_context_get_data (MdCheckContext *context)
{
  return context->data;
}

GCancellable *
md_check_context_get_cancellable (MdCheckContext *context)
{
  return context->run->cancellable;
}

gboolean
md_check_context_is_finished (MdCheckContext *context)
{
  return context->finished;
}

void
md_check_context_query (MdCheckContext    *context,
                        const char        *name,
                        MdDnsType          type,
                        MdCheckAnswerFunc  func,
                        gpointer           user_data)
{
  md_check_context_query_source (context, NULL, name, type, func, user_data);
}

/* As md_check_context_query(), asked of @source (a zone's own servers,
 * md_check_context_find_authoritative()); NULL: the run's resolver. */
void
md_check_context_query_source (MdCheckContext    *context,
                               MdDnsSource       *source,
                               const char        *name,
                               MdDnsType          type,
                               MdCheckAnswerFunc  func,
                               gpointer           user_data)
{
  MdCheckRun *self = context->run;
  g_autofree char *lower = NULL;
  g_autofree char *key = NULL;
  Question *question;
  Waiter *waiter;

  g_return_if_fail (name != NULL);
  g_return_if_fail (func != NULL);

  if (context->finished || self->finished)
    return;

  lower = g_ascii_strdown (name, -1);
  key = g_strdup_printf ("%u %s %p", type, lower, (gpointer) source);

  waiter = g_new0 (Waiter, 1);
  waiter->context = context;
  waiter->func = func;
  waiter->user_data = user_data;

  question = g_hash_table_lookup (self->questions, key);
  if (question != NULL)
    {
      g_ptr_array_add (question->waiters, waiter);
      /* Answered already: deliver from the main loop, never from inside the
       * caller's own call. */
      if (question->answer != NULL)
        {
          if (g_queue_find (&self->deliveries, question) == NULL)
            g_queue_push_tail (&self->deliveries, question);
          if (self->delivery_id == 0)
            self->delivery_id = g_idle_add (deliveries_cb, self);
        }
      return;
    }

  question = g_new0 (Question, 1);
  question->name = g_steal_pointer (&lower);
  question->type = type;
  question->source = source ? g_object_ref (source) : NULL;
  question->waiters = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (question->waiters, waiter);
  g_hash_table_insert (self->questions, g_steal_pointer (&key), question);

  if (self->started && can_send (self))
    send_question (self, question);
  else
    g_queue_push_tail (&self->waiting, question);
}

static void
maybe_complete (MdCheckRun *self)
{
  if (self->started && !self->finished && self->n_finished == self->contexts->len &&
      self->trust != MD_RESOLVER_TRUST_PROBING)
    run_complete (self, NULL, NULL);
}

static void
finish_now (MdCheckContext *context,
            MdCheckStatus   status,
            const char     *summary,
            const char     *remedy)
{
  MdCheckRun *self = context->run;
  gint64 now = g_get_monotonic_time ();

  context->finished = TRUE;
  if (context->internal)
    return;
  self->n_finished++;

  /* Everything but the status first: whoever watches notify::status sees
   * a complete result. */
  md_check_set_summary (context->check, summary);
  md_check_set_remedy (context->check, remedy);
  md_check_set_duration_ms (context->check, (now - context->started_at) / 1000);
  md_check_set_status (context->check, status);

  maybe_complete (self);
}

void
md_check_context_finish (MdCheckContext *context,
                         MdCheckStatus   status,
                         const char     *summary,
                         const char     *remedy)
{
  MdCheckRun *self = context->run;

  g_return_if_fail (status != MD_CHECK_STATUS_RUNNING);

  if (context->finished)
    return;

  /* The resolver verdict comes with the first wave of answers; a result
   * that rests on a negative answer or on an address waits for it. */
  if (!context->internal && self->trust == MD_RESOLVER_TRUST_PROBING && !self->finished &&
      (context->saw_negative || context->addresses != NULL))
    {
      context->finished = TRUE;
      context->held = TRUE;
      context->held_status = status;
      context->held_summary = g_strdup (summary);
      context->held_remedy = g_strdup (remedy);
      return;
    }

  finish_judged (context, status, summary, remedy);
}

/* Called once by the resolver probe (md-check-resolver.c). @rewrites are
 * the addresses the resolver gave for a name that cannot exist. */
void
md_check_run_set_resolver_trust (MdCheckRun      *self,
                                 MdResolverTrust  trust,
                                 const char      *reason,
                                 JsonObject      *evidence,
                                 GPtrArray       *rewrites)
{
  g_autoptr(GPtrArray) waiters = g_ptr_array_new_with_free_func (g_object_unref);
  MdCheckShare *share;

  g_return_if_fail (MD_IS_CHECK_RUN (self));
  g_return_if_fail (trust != MD_RESOLVER_TRUST_PROBING);

  if (self->trust != MD_RESOLVER_TRUST_PROBING)
    return;

  share = self->options->share;
  self->trust = trust;
  g_free (self->trust_reason);
  self->trust_reason = g_strdup (reason);
  g_clear_pointer (&self->trust_evidence, json_object_unref);
  self->trust_evidence = evidence ? json_object_ref (evidence) : json_object_new ();
  g_clear_pointer (&self->rewrites, g_ptr_array_unref);
  self->rewrites = rewrites ? g_ptr_array_ref (rewrites) : NULL;

  g_debug ("check run: resolver %s", md_resolver_trust_to_string (trust));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESOLVER_TRUST]);

  /* The prober of a bulk check: every run of it takes the verdict (taken
   * before this run may end, which makes it leave the share). */
  if (share != NULL && share->prober == self)
    {
      share->trust = trust;
      share->trust_reason = g_strdup (reason);
      share->trust_evidence = json_object_ref (self->trust_evidence);
      share->rewrites = rewrites ? g_ptr_array_ref (rewrites) : NULL;
      for (guint i = 0; i < share->trust_waiters->len; i++)
        g_ptr_array_add (waiters, g_object_ref (g_ptr_array_index (share->trust_waiters, i)));
      g_ptr_array_set_size (share->trust_waiters, 0);
    }

  release_held (self);
  maybe_complete (self);

  for (guint i = 0; i < waiters->len; i++)
    md_check_run_set_resolver_trust (g_ptr_array_index (waiters, i), trust, reason,
                                     share->trust_evidence, rewrites);
}

MdCheckContext *
md_check_run_add_probe (MdCheckRun       *run,
                        MdCheckStartFunc  start,
                        gpointer          data,
                        GDestroyNotify    destroy)
{
  MdCheckContext *context;

  g_return_val_if_fail (MD_IS_CHECK_RUN (run), NULL);
  g_return_val_if_fail (run->probe == NULL, NULL);

  context = g_new0 (MdCheckContext, 1);
  context->run = run;
  context->check = md_check_new ("resolver-probe", "resolver", "");
  context->start = start;
  context->data = data;
  context->destroy = destroy;
  context->internal = TRUE;
  run->probe = context;

  return context;
}

/* At most this many of a zone's name servers are asked for addresses. */
#define MAX_AUTHORITY_HOSTS 3

static void
authority_notify (Authority *authority)
{
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&authority->waiters);

  authority->waiters = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < waiters->len && !authority->run->finished; i++)
    {
      AuthWaiter *waiter = g_ptr_array_index (waiters, i);

      if (!waiter->context->finished)
        waiter->func (waiter->context, MD_DNS_SOURCE (authority->resolver), authority->error,
                      waiter->user_data);
    }
}

static gboolean
authority_notify_cb (gpointer user_data)
{
  Authority *authority = user_data;

  authority->notify_id = 0;
  authority_notify (authority);

  return G_SOURCE_REMOVE;
}

static void
authority_done (Authority *authority)
{
  authority->done = TRUE;
  if (authority->error == NULL)
    {
      g_autofree char *servers = NULL;
      g_autoptr(GError) error = NULL;
      MdCheckShare *share = authority->run->options->share;
      MdResolver *shared;

      g_ptr_array_add (authority->addresses, NULL);
      servers = g_strjoinv (",", (char **) authority->addresses->pdata);
      g_ptr_array_remove_index (authority->addresses, authority->addresses->len - 1);
      shared = share ? g_hash_table_lookup (share->authorities, servers) : NULL;

      /* In a bulk check, one resolver per set of servers: the questions
       * asked of it are then shared like the others. */
      if (shared != NULL)
        authority->resolver = g_object_ref (shared);
      else
        authority->resolver = md_resolver_new_for_authoritative (servers, &error);
      if (authority->resolver == NULL)
        authority->error = g_strdup (error->message);
      else if (shared == NULL && MD_IS_RESOLVER (authority->run->source))
        md_resolver_set_timeout (authority->resolver,
                                 md_resolver_get_timeout (MD_RESOLVER (authority->run->source)));
      if (share != NULL && shared == NULL && authority->resolver != NULL)
        g_hash_table_insert (share->authorities, g_strdup (servers),
                             g_object_ref (authority->resolver));
    }

  g_debug ("check run: own servers of %s: %s", authority->zone,
           authority->error ? authority->error : "found");

  authority_notify (authority);
}

static void
authority_address_cb (MdCheckContext    *context,
                      const MdDnsAnswer *answer,
                      gpointer           user_data)
{
  Authority *authority = user_data;
  const MdCheckRunOptions *options = context->run->options;
  guint16 port = options->authoritative_port ? options->authoritative_port : 53;

  for (guint i = 0; answer->status == MD_DNS_STATUS_OK && i < answer->records->len; i++)
    {
      MdDnsRecord *record = g_ptr_array_index (answer->records, i);
      g_autofree char *address = NULL;

      if (record->address == NULL)
        continue;
      address = g_inet_address_to_string (record->address);
      g_ptr_array_add (authority->addresses, g_strdup_printf ("%s:%u", address, port));
    }

  if (--authority->pending > 0)
    return;
  if (authority->addresses->len == 0)
    /* Translators: %s is a DNS zone, e.g. zen.spamhaus.org */
    authority->error = g_strdup_printf (_("the name servers of %s have no address"),
                                        authority->zone);
  authority_done (authority);
}

static void
authority_ns_cb (MdCheckContext    *context,
                 const MdDnsAnswer *answer,
                 gpointer           user_data)
{
  Authority *authority = user_data;

  for (guint i = 0; answer->status == MD_DNS_STATUS_OK && i < answer->records->len &&
                    authority->hosts->len < MAX_AUTHORITY_HOSTS; i++)
    {
      MdDnsRecord *record = g_ptr_array_index (answer->records, i);

      if (record->target != NULL)
        g_ptr_array_add (authority->hosts, g_strdup (record->target));
    }

  if (authority->hosts->len == 0)
    {
      g_autofree char *why = md_dns_answer_is_failure (answer)
                             ? md_check_describe_failure (answer)
                             : g_strdup (md_dns_status_describe (answer->status));

      /* Translators: first %s is a DNS zone, second why its NS lookup failed */
      authority->error = g_strdup_printf (_("the name servers of %s are not known (%s)"),
                                          authority->zone, why);
      authority_done (authority);
      return;
    }

  authority->pending = authority->hosts->len;
  for (guint i = 0; i < authority->hosts->len; i++)
    md_check_context_query (context, g_ptr_array_index (authority->hosts, i), MD_DNS_TYPE_A,
                            authority_address_cb, authority);
}

static void
auth_context_start (MdCheckContext *context)
{
}

/* Finds @zone's own name servers (once per run) and hands @func a source
 * that asks them, or NULL and why not. @func is not called once @context
 * finished or the run ended. */
void
md_check_context_find_authoritative (MdCheckContext    *context,
                                     const char        *zone,
                                     MdCheckSourceFunc  func,
                                     gpointer           user_data)
{
  MdCheckRun *self = context->run;
  Authority *authority;
  AuthWaiter *waiter;

  g_return_if_fail (zone != NULL);
  g_return_if_fail (func != NULL);

  if (self->finished || context->finished)
    return;

  if (self->auth_context == NULL)
    {
      self->auth_context = g_new0 (MdCheckContext, 1);
      self->auth_context->run = self;
      self->auth_context->check = md_check_new ("authoritative", "resolver", "");
      self->auth_context->start = auth_context_start;
      self->auth_context->internal = TRUE;
    }

  waiter = g_new0 (AuthWaiter, 1);
  waiter->context = context;
  waiter->func = func;
  waiter->user_data = user_data;

  authority = g_hash_table_lookup (self->authorities, zone);
  if (authority != NULL)
    {
      g_ptr_array_add (authority->waiters, waiter);
      /* Known already: answer from the main loop, as questions do. */
      if (authority->done && authority->notify_id == 0)
        authority->notify_id = g_idle_add (authority_notify_cb, authority);
      return;
    }

  authority = g_new0 (Authority, 1);
  authority->run = self;
  authority->zone = g_strdup (zone);
  authority->hosts = g_ptr_array_new_with_free_func (g_free);
  authority->addresses = g_ptr_array_new_with_free_func (g_free);
  authority->waiters = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (authority->waiters, waiter);
  g_hash_table_insert (self->authorities, g_strdup (zone), authority);

  md_check_context_query (self->auth_context, zone, MD_DNS_TYPE_NS, authority_ns_cb, authority);
}

/* A provider's callback for work that is not DNS (HTTPS): the run may be
 * gone when it comes. md_check_call_new() before starting it, then in the
 * callback, after the _finish() call, md_check_call_end(): NULL means
 * "leave everything alone". */
struct _MdCheckCall
{
  MdCheckContext *context;
  GCancellable   *cancellable;
};

MdCheckCall *
md_check_call_new (MdCheckContext *context)
{
  MdCheckCall *call = g_new0 (MdCheckCall, 1);

  call->context = context;
  call->cancellable = g_object_ref (context->run->cancellable);

  return call;
}

GCancellable *
md_check_call_get_cancellable (MdCheckCall *call)
{
  return call->cancellable;
}

MdCheckContext *
md_check_call_end (MdCheckCall *call)
{
  MdCheckContext *context = call->context;
  gboolean gone = g_cancellable_is_cancelled (call->cancellable);

  g_object_unref (call->cancellable);
  g_free (call);

  if (gone || context->finished)
    return NULL;

  return context;
}

/* Why a lookup failed, for a summary: "no answer in time (timeout): …". */
char *
md_check_describe_failure (const MdDnsAnswer *answer)
{
  if (answer->message != NULL && answer->message[0] != '\0')
    return g_strdup_printf ("%s: %s", md_dns_status_describe (answer->status), answer->message);

  return g_strdup (md_dns_status_describe (answer->status));
}

/* The A/AAAA addresses of an answer, as strings. */
JsonArray *
md_check_json_addresses (const MdDnsAnswer *answer)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; answer->status == MD_DNS_STATUS_OK && i < answer->records->len; i++)
    {
      MdDnsRecord *record = g_ptr_array_index (answer->records, i);

      if (record->address != NULL)
        {
          g_autofree char *text = g_inet_address_to_string (record->address);
          json_array_add_string_element (array, text);
        }
    }

  return array;
}

JsonArray *
md_check_json_string_array (GPtrArray *strings)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; strings != NULL && i < strings->len; i++)
    json_array_add_string_element (array, g_ptr_array_index (strings, i));

  return array;
}

JsonArray *
md_check_json_warnings (GPtrArray *warnings)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; warnings != NULL && i < warnings->len; i++)
    {
      const MdRecordWarning *warning = g_ptr_array_index (warnings, i);
      JsonObject *object = json_object_new ();

      json_object_set_string_member (object, "code", warning->code);
      json_object_set_string_member (object, "message", warning->message);
      json_array_add_object_element (array, object);
    }

  return array;
}

/* Public API */

/**
 * md_check_run_new:
 * @source: who answers the DNS questions
 * @subject: what to check
 * @options: (nullable): how (resolver, HTTP, skipped lists, keys); %NULL for
 *   DNS checks only
 */
MdCheckRun *
md_check_run_new (MdDnsSource             *source,
                  const MdCheckSubject    *subject,
                  const MdCheckRunOptions *options)
{
  MdCheckRun *self;

  g_return_val_if_fail (MD_IS_DNS_SOURCE (source), NULL);
  g_return_val_if_fail (subject != NULL && subject->ip != NULL, NULL);

  self = g_object_new (MD_TYPE_CHECK_RUN, NULL);
  self->source = g_object_ref (source);
  self->subject = md_check_subject_copy (subject);
  if (options != NULL)
    {
      md_check_run_options_free (self->options);
      self->options = md_check_run_options_copy (options);
    }

  return self;
}

const MdCheckSubject *
md_check_run_get_subject (MdCheckRun *self)
{
  g_return_val_if_fail (MD_IS_CHECK_RUN (self), NULL);

  return self->subject;
}

MdDnsSource *
md_check_run_get_source (MdCheckRun *self)
{
  g_return_val_if_fail (MD_IS_CHECK_RUN (self), NULL);

  return self->source;
}

guint
md_check_run_get_max_in_flight (MdCheckRun *self)
{
  g_return_val_if_fail (MD_IS_CHECK_RUN (self), 0);

  return self->max_in_flight;
}

void
md_check_run_set_max_in_flight (MdCheckRun *self,
                                guint       max_in_flight)
{
  g_return_if_fail (MD_IS_CHECK_RUN (self));
  g_return_if_fail (max_in_flight > 0);

  self->max_in_flight = max_in_flight;
}

guint
md_check_run_get_deadline_ms (MdCheckRun *self)
{
  g_return_val_if_fail (MD_IS_CHECK_RUN (self), 0);

  return self->deadline_ms;
}

/* The whole run's deadline: whatever has no answer by then is "error". */
void
md_check_run_set_deadline_ms (MdCheckRun *self,
                              guint       deadline_ms)
{
  g_return_if_fail (MD_IS_CHECK_RUN (self));
  g_return_if_fail (deadline_ms > 0);
  g_return_if_fail (!self->started);

  self->deadline_ms = deadline_ms;
}

const MdCheckRunOptions *
md_check_run_get_options (MdCheckRun *self)
{
  g_return_val_if_fail (MD_IS_CHECK_RUN (self), NULL);

  return self->options;
}

/* The blocklists of this run: the options' catalog, or the bundled one
 * (NULL with @error set when it cannot be read). */
GPtrArray *
md_check_run_load_catalog (MdCheckRun  *self,
                           GError     **error)
{
  g_return_val_if_fail (MD_IS_CHECK_RUN (self), NULL);

  if (self->options->catalog != NULL)
    return g_ptr_array_ref (self->options->catalog);

  return md_blocklist_catalog_load (error);
}

gboolean
md_check_run_is_zone_skipped (MdCheckRun *self,
                              const char *zone)
{
  g_return_val_if_fail (MD_IS_CHECK_RUN (self), FALSE);

  return self->options->skipped_zones != NULL &&
         g_strv_contains ((const char * const *) self->options->skipped_zones, zone);
}

/* Checks over HTTP(S) — mta-sts, rdap, imprint — join the run only when its
 * options have an MdHttp. */
MdHttp *
md_check_run_get_http (MdCheckRun *self)
{
  g_return_val_if_fail (MD_IS_CHECK_RUN (self), NULL);

  return self->options->http;
}

MdRdapBootstrap *
md_check_run_get_rdap_bootstrap (MdCheckRun *self)
{
  g_return_val_if_fail (MD_IS_CHECK_RUN (self), NULL);

  return self->options->rdap_bootstrap;
}

MdResolverTrust
md_check_run_get_resolver_trust (MdCheckRun *self)
{
  g_return_val_if_fail (MD_IS_CHECK_RUN (self), MD_RESOLVER_TRUST_PROBING);

  return self->trust;
}

/* The probe answers behind the verdict ("root_ns": "ok", …), or NULL while
 * probing. */
JsonObject *
md_check_run_get_resolver_evidence (MdCheckRun *self)
{
  g_return_val_if_fail (MD_IS_CHECK_RUN (self), NULL);

  return self->trust_evidence;
}

/* "192.0.2.53:53 (system): answers truthfully" — for the CLI's first line
 * and the window's banner. */
char *
md_check_run_describe_resolver (MdCheckRun *self)
{
  const MdCheckRunOptions *options;
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (MD_IS_CHECK_RUN (self), NULL);

  options = self->options;
  g_string_append (text, options->resolver ? options->resolver : _("an in-memory DNS source"));
  g_string_append (text, " (");
  g_string_append (text, options->resolver_is_system ? _("system") : _("chosen"));
  if (options->public_resolver != NULL)
    {
      g_string_append (text, ", ");
      /* Translators: %s is a public resolver's name, e.g. "Google Public DNS" */
      g_string_append_printf (text, _("public: %s"), options->public_resolver);
    }
  g_string_append (text, "): ");
  g_string_append (text, self->trust_reason ? self->trust_reason
                                            : md_resolver_trust_describe (self->trust));

  return g_string_free (g_steal_pointer (&text), FALSE);
}

void
md_check_run_start_async (MdCheckRun          *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  MdCheckShare *share = NULL;
  guint n_before;

  g_return_if_fail (MD_IS_CHECK_RUN (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, md_check_run_start_async);
  /* The run reports cancellation itself, once every check is marked. */
  g_task_set_check_cancellable (task, FALSE);

  if (self->started)
    {
      g_task_return_new_error (task, MD_CHECK_RUN_ERROR, MD_CHECK_RUN_ERROR_ALREADY_STARTED,
                               "A check run can only be started once");
      return;
    }

  if (cancellable != NULL && g_cancellable_is_cancelled (cancellable))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "%s", _("The check was cancelled"));
      return;
    }

  self->task = g_steal_pointer (&task);
  self->started_at = g_get_monotonic_time ();

  share = self->options->share;
  n_before = self->checks->len;
  for (guint i = 0; i < G_N_ELEMENTS (providers); i++)
    {
      guint n_contexts = self->contexts->len;

      if (providers[i].provider == &md_check_provider_resolver_probe)
        {
          /* One probe per bulk check: the others take its verdict. */
          if (share != NULL && (share->prober != NULL ||
                                share->trust != MD_RESOLVER_TRUST_PROBING))
            continue;
        }
      else if (self->options->ip_checks_only && providers[i].per_ip == PER_IP_NO)
        {
          continue;
        }

      providers[i].provider->populate (self);
      for (guint j = n_contexts; j < self->contexts->len; j++)
        {
          MdCheckContext *context = g_ptr_array_index (self->contexts, j);
          JsonObject *details = md_check_get_details (context->check);

          context->per_ip = providers[i].per_ip == PER_IP_YES ||
                            (providers[i].per_ip == PER_IP_BY_LIST &&
                             g_strcmp0 (json_object_get_string_member_with_default (
                                          details, "list_kind", NULL), "domain") != 0);
        }
    }
  g_list_model_items_changed (G_LIST_MODEL (self), n_before, 0, self->checks->len - n_before);
  if (share != NULL)
    {
      g_ptr_array_add (share->runs, self);
      if (self->probe != NULL)
        {
          share->prober = self;
          share->n_probes++;
        }
    }

  if (cancellable != NULL)
    {
      self->user_cancellable = g_object_ref (cancellable);
      self->cancelled_id = g_signal_connect (cancellable, "cancelled",
                                             G_CALLBACK (user_cancelled_cb), self);
    }
  self->deadline_id = g_timeout_add (self->deadline_ms, deadline_cb, self);

  self->started = TRUE;
  /* The probe's questions go first: they travel with the first wave. */
  if (self->probe != NULL)
    {
      self->probe->started_at = g_get_monotonic_time ();
      self->probe->start (self->probe);
    }
  else if (share != NULL && share->trust != MD_RESOLVER_TRUST_PROBING)
    {
      md_check_run_set_resolver_trust (self, share->trust, share->trust_reason,
                                       share->trust_evidence, share->rewrites);
    }
  else if (share != NULL && share->prober != NULL)
    {
      g_ptr_array_add (share->trust_waiters, self);
    }
  else
    {
      md_check_run_set_resolver_trust (self, MD_RESOLVER_TRUST_TRUSTED, NULL, NULL, NULL);
    }
  for (guint i = 0; i < self->contexts->len && !self->finished; i++)
    {
      MdCheckContext *context = g_ptr_array_index (self->contexts, i);

      context->started_at = g_get_monotonic_time ();
      context->start (context);
    }

  if (!self->finished)
    pump (self);
  maybe_complete (self);
}

gboolean
md_check_run_start_finish (MdCheckRun    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (MD_IS_CHECK_RUN (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
md_check_run_is_finished (MdCheckRun *self)
{
  g_return_val_if_fail (MD_IS_CHECK_RUN (self), FALSE);

  return self->finished;
}

MdCheck *
md_check_run_lookup (MdCheckRun *self,
                     const char *id)
{
  g_return_val_if_fail (MD_IS_CHECK_RUN (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  for (guint i = 0; i < self->checks->len; i++)
    {
      MdCheck *check = g_ptr_array_index (self->checks, i);

      if (g_str_equal (md_check_get_id (check), id))
        return check;
    }

  return NULL;
}

guint
md_check_run_count (MdCheckRun    *self,
                    MdCheckStatus  status)
{
  guint n = 0;

  g_return_val_if_fail (MD_IS_CHECK_RUN (self), 0);

  for (guint i = 0; i < self->checks->len; i++)
    if (md_check_get_status (g_ptr_array_index (self->checks, i)) == status)
      n++;

  return n;
}

/* Distinct DNS questions sent (each is asked once per run). */
guint
md_check_run_get_n_queries (MdCheckRun *self)
{
  g_return_val_if_fail (MD_IS_CHECK_RUN (self), 0);

  return self->n_queries;
}

guint
md_check_run_get_peak_in_flight (MdCheckRun *self)
{
  g_return_val_if_fail (MD_IS_CHECK_RUN (self), 0);

  return self->peak_in_flight;
}

guint
md_check_run_get_duration_ms (MdCheckRun *self)
{
  gint64 end;

  g_return_val_if_fail (MD_IS_CHECK_RUN (self), 0);

  if (!self->started)
    return 0;
  end = self->finished ? self->finished_at : g_get_monotonic_time ();

  return (end - self->started_at) / 1000;
}

/* In a bulk check, whether @check is one of the run's own (its answer
 * depends on the IP address) or one asked once for all the IPs. */
gboolean
md_check_run_check_depends_on_ip (MdCheckRun *self,
                                  MdCheck    *check)
{
  g_return_val_if_fail (MD_IS_CHECK_RUN (self), FALSE);
  g_return_val_if_fail (MD_IS_CHECK (check), FALSE);

  for (guint i = 0; i < self->contexts->len; i++)
    {
      MdCheckContext *context = g_ptr_array_index (self->contexts, i);

      if (context->check == check)
        return context->per_ip;
    }

  return FALSE;
}

/* The report the CLI prints with --json (README, "check --json"). */
JsonNode *
md_check_run_to_json (MdCheckRun *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const MdCheckSubject *subject;

  g_return_val_if_fail (MD_IS_CHECK_RUN (self), NULL);

  subject = self->subject;

  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "subject");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ip");
  json_builder_add_string_value (builder, subject->ip);
  if (subject->domain != NULL)
    {
      json_builder_set_member_name (builder, "domain");
      json_builder_add_string_value (builder, subject->domain);
    }
  if (subject->helo != NULL)
    {
      json_builder_set_member_name (builder, "helo");
      json_builder_add_string_value (builder, subject->helo);
    }
  if (subject->recipient_domain != NULL)
    {
      json_builder_set_member_name (builder, "recipient_domain");
      json_builder_add_string_value (builder, subject->recipient_domain);
    }
  if (subject->dkim_selectors != NULL)
    {
      json_builder_set_member_name (builder, "dkim_selectors");
      json_builder_begin_array (builder);
      for (guint i = 0; subject->dkim_selectors[i] != NULL; i++)
        json_builder_add_string_value (builder, subject->dkim_selectors[i]);
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "resolver");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "addresses");
  json_builder_begin_array (builder);
  if (self->options->resolver != NULL)
    {
      g_auto(GStrv) addresses = g_strsplit (self->options->resolver, ", ", -1);

      for (guint i = 0; addresses[i] != NULL; i++)
        json_builder_add_string_value (builder, addresses[i]);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, self->options->resolver_is_system ? "system" : "option");
  json_builder_set_member_name (builder, "public");
  json_builder_add_boolean_value (builder, self->options->public_resolver != NULL);
  md_json_builder_add_string_member (builder, "public_name", self->options->public_resolver);
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, md_resolver_trust_to_string (self->trust));
  md_json_builder_add_string_member (builder, "reason", self->trust_reason);
  json_builder_set_member_name (builder, "evidence");
  if (self->trust_evidence != NULL)
    {
      g_autoptr(JsonNode) evidence = json_node_init_object (json_node_alloc (),
                                                            self->trust_evidence);

      json_builder_add_value (builder, json_node_copy (evidence));
    }
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "checks");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->checks->len; i++)
    json_builder_add_value (builder, md_check_to_json (g_ptr_array_index (self->checks, i)));
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "counts");
  json_builder_begin_object (builder);
  for (MdCheckStatus s = MD_CHECK_STATUS_OK; s < MD_CHECK_N_STATUSES; s++)
    {
      json_builder_set_member_name (builder, md_check_status_to_string (s));
      json_builder_add_int_value (builder, md_check_run_count (self, s));
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "duration_ms");
  json_builder_add_int_value (builder, md_check_run_get_duration_ms (self));

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
