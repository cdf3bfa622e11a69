/* md-check-dns-source.c — a check's questions as an MdDnsSource
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-check-private.h"

/* Evaluators that walk DNS themselves (SPF's includes and redirects, the
 * MTA-STS fetch) take an MdDnsSource. This one sends every question through
 * md_check_context_query(), so those checks, too, stay under the run's bound
 * on questions in flight, share answers with the other checks and are
 * counted. The run never calls back once it was cancelled, hit its deadline
 * or was disposed: each question therefore also watches the run's
 * cancellable and ends as G_IO_ERROR_CANCELLED when it fires. */

#define MD_TYPE_CHECK_DNS_SOURCE (md_check_dns_source_get_type ())
G_DECLARE_FINAL_TYPE (MdCheckDnsSource, md_check_dns_source, MD, CHECK_DNS_SOURCE, GObject)

struct _MdCheckDnsSource
{
  GObject         parent_instance;

  MdCheckContext *context;       /* unowned; valid while @cancellable is not cancelled */
  GCancellable   *cancellable;   /* the run's */
};

static void dns_source_iface_init (MdDnsSourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MdCheckDnsSource, md_check_dns_source, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MD_TYPE_DNS_SOURCE, dns_source_iface_init))

/* One question; freed by whichever ends it first: the answer or the run's
 * cancellation (the other one then never comes). */
typedef struct
{
  GTask        *task;
  GCancellable *cancellable;
  gulong        cancelled_id;
} Question;

static void
question_end (Question    *question,
              MdDnsAnswer *answer)
{
  GTask *task = g_steal_pointer (&question->task);

  /* Disconnecting from inside the handler would deadlock: the cancelled
   * path leaves the id to the idle below. */
  if (answer != NULL)
    g_cancellable_disconnect (question->cancellable, question->cancelled_id);
  g_object_unref (question->cancellable);
  g_free (question);

  if (answer != NULL)
    g_task_return_pointer (task, answer, (GDestroyNotify) md_dns_answer_free);
  else
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                             _("The check was cancelled"));
  g_object_unref (task);
}

static void
answer_cb (MdCheckContext    *context,
           const MdDnsAnswer *answer,
           gpointer           user_data)
{
  question_end (user_data, md_dns_answer_copy (answer));
}

static gboolean
cancelled_idle_cb (gpointer user_data)
{
  question_end (user_data, NULL);

  return G_SOURCE_REMOVE;
}

static void
cancelled_cb (GCancellable *cancellable,
              gpointer      user_data)
{
  /* Runs inside the cancel call, possibly in the middle of the run's own
   * bookkeeping: end the question from the main loop instead. */
  g_idle_add (cancelled_idle_cb, user_data);
}

static void
md_check_dns_source_query_async (MdDnsSource         *source,
                                 const char          *name,
                                 MdDnsType            type,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  MdCheckDnsSource *self = MD_CHECK_DNS_SOURCE (source);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Question *question;

  g_task_set_source_tag (task, md_check_dns_source_query_async);

  if (g_cancellable_is_cancelled (self->cancellable) ||
      md_check_context_is_finished (self->context))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("The check was cancelled"));
      return;
    }

  question = g_new0 (Question, 1);
  question->task = g_steal_pointer (&task);
  question->cancellable = g_object_ref (self->cancellable);
  question->cancelled_id = g_cancellable_connect (self->cancellable, G_CALLBACK (cancelled_cb),
                                                  question, NULL);
  md_check_context_query (self->context, name, type, answer_cb, question);
}

static MdDnsAnswer *
md_check_dns_source_query_finish (MdDnsSource   *source,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
dns_source_iface_init (MdDnsSourceInterface *iface)
{
  iface->query_async = md_check_dns_source_query_async;
  iface->query_finish = md_check_dns_source_query_finish;
}

static void
md_check_dns_source_finalize (GObject *object)
{
  MdCheckDnsSource *self = (MdCheckDnsSource *) object;

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (md_check_dns_source_parent_class)->finalize (object);
}

static void
md_check_dns_source_class_init (MdCheckDnsSourceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = md_check_dns_source_finalize;
}

static void
md_check_dns_source_init (MdCheckDnsSource *self)
{
}

/* An MdDnsSource asking through @context (see above). */
MdDnsSource *
md_check_context_new_dns_source (MdCheckContext *context)
{
  MdCheckDnsSource *self = g_object_new (MD_TYPE_CHECK_DNS_SOURCE, NULL);

  self->context = context;
  self->cancellable = g_object_ref (md_check_context_get_cancellable (context));

  return MD_DNS_SOURCE (self);
}
