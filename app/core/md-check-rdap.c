/* md-check-rdap.c — who owns the sending IP ("rdap")
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-check-private.h"
#include "md-rdap.h"

/* Information for the delist request and for range-wide blocks ("part of
 * their network is on our list"): the owner is never good or bad, so the
 * check is "info" when the registry answered and "error" when it did not. */

typedef struct
{
  MdCheckContext *context;      /* not to be touched once @cancellable is cancelled */
  GCancellable   *cancellable;
} RdapCall;

static void
set_string_or_null (JsonObject *object,
                    const char *name,
                    const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, name, value);
  else
    json_object_set_null_member (object, name);
}

static void
lookup_cb (GObject      *object,
           GAsyncResult *res,
           gpointer      user_data)
{
  RdapCall *call = user_data;
  g_autoptr(GCancellable) cancellable = call->cancellable;
  MdCheckContext *context = call->context;
  g_autoptr(MdRdapNetwork) network = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) summary = NULL;
  JsonObject *details;
  const char *owner;

  g_free (call);
  network = md_rdap_lookup_finish (res, &error);
  if (g_cancellable_is_cancelled (cancellable) || md_check_context_is_finished (context))
    return;

  details = md_check_get_details (md_check_context_get_check (context));

  if (network == NULL)
    {
      g_autofree char *text = NULL;

      json_object_set_string_member (details, "reason", error->message);
      if (g_error_matches (error, MD_RDAP_ERROR, MD_RDAP_ERROR_SPECIAL_ADDRESS))
        {
          /* Translators: %s explains that the address is private */
          text = g_strdup_printf (_("No public owner: %s."), error->message);
          md_check_context_finish (context, MD_CHECK_STATUS_INFO, text, NULL);
          return;
        }
      /* Translators: %s says why the RDAP query failed */
      text = g_strdup_printf (_("Could not decide who owns the address: %s."), error->message);
      md_check_context_finish (context, MD_CHECK_STATUS_ERROR, text, NULL);
      return;
    }

  set_string_or_null (details, "url", network->url);
  set_string_or_null (details, "handle", network->handle);
  set_string_or_null (details, "name", network->name);
  set_string_or_null (details, "organisation", network->organisation);
  md_check_set_fact (md_check_context_get_check (context), MD_CHECK_FACT_NETWORK_OWNER,
                     network->organisation != NULL ? network->organisation : network->name);
  set_string_or_null (details, "country", network->country);
  set_string_or_null (details, "start_address", network->start_address);
  set_string_or_null (details, "end_address", network->end_address);
  set_string_or_null (details, "prefix", network->covering_prefix);
  set_string_or_null (details, "abuse_name", network->abuse_name);
  set_string_or_null (details, "abuse_email", network->abuse_email);
  json_object_set_null_member (details, "reason");

  owner = network->organisation != NULL ? network->organisation
        : network->name != NULL ? network->name
        : network->handle;
  summary = g_string_new (NULL);
  /* Translators: who owns an IP network (an organisation's name) */
  g_string_append_printf (summary, _("Owner: %s"), owner != NULL ? owner : "?");
  if (network->country != NULL)
    g_string_append_printf (summary, " (%s)", network->country);
  if (network->name != NULL && owner != network->name)
    /* Translators: the registry's name of a network, e.g. "HETZNER-CLOUD" */
    g_string_append_printf (summary, _(", network %s"), network->name);
  if (network->covering_prefix != NULL)
    g_string_append_printf (summary, ", %s", network->covering_prefix);
  g_string_append (summary, ".");
  if (network->abuse_email != NULL)
    /* Translators: an e-mail address */
    g_string_append_printf (summary, _(" Abuse contact: %s."), network->abuse_email);

  md_check_context_finish (context, MD_CHECK_STATUS_INFO, summary->str,
                           _("A delist request for an address of a hosting provider is "
                             "stronger when it names the provider’s network; when a whole "
                             "range is blocked, the provider has to act."));
}

static void
lookup (MdCheckContext  *context,
        MdRdapBootstrap *bootstrap,
        GCancellable    *cancellable)
{
  MdCheckRun *run = md_check_context_get_run (context);
  const MdCheckSubject *subject = md_check_context_get_subject (context);
  g_autoptr(GInetAddress) address = md_check_subject_get_address (subject);
  RdapCall *call = g_new0 (RdapCall, 1);

  call->context = context;
  call->cancellable = g_object_ref (cancellable);
  md_rdap_lookup_async (md_check_run_get_http (run), bootstrap, address, cancellable,
                        lookup_cb, call);
}

static void
refresh_cb (GObject      *object,
            GAsyncResult *res,
            gpointer      user_data)
{
  RdapCall *call = user_data;
  g_autoptr(GCancellable) cancellable = call->cancellable;
  MdCheckContext *context = call->context;
  g_autoptr(MdRdapBootstrap) bootstrap = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *details;

  g_free (call);
  bootstrap = md_rdap_bootstrap_refresh_finish (res, &error);
  if (g_cancellable_is_cancelled (cancellable) || md_check_context_is_finished (context))
    return;

  details = md_check_get_details (md_check_context_get_check (context));
  if (bootstrap == NULL)
    {
      g_autofree char *text = NULL;

      json_object_set_string_member (details, "reason", error->message);
      /* Translators: %s says why the registry list could not be read */
      text = g_strdup_printf (_("Could not decide who owns the address: %s."), error->message);
      md_check_context_finish (context, MD_CHECK_STATUS_ERROR, text, NULL);
      return;
    }

  set_string_or_null (details, "bootstrap", md_rdap_bootstrap_get_source (bootstrap));
  set_string_or_null (details, "bootstrap_refresh_error",
                      md_rdap_bootstrap_get_refresh_error (bootstrap));
  lookup (context, bootstrap, cancellable);
}

/* The addresses md_rdap_lookup_async() answers without asking anyone
 * (private, loopback, …): for those the bootstrap is not refreshed, so a
 * check of an internal relay costs no download. */
static gboolean
is_private (const MdCheckSubject *subject)
{
  g_autoptr(GInetAddress) address = md_check_subject_get_address (subject);
  const guint8 *bytes = g_inet_address_to_bytes (address);

  return g_inet_address_get_is_any (address) || g_inet_address_get_is_loopback (address) ||
         g_inet_address_get_is_link_local (address) ||
         g_inet_address_get_is_site_local (address) ||
         g_inet_address_get_is_multicast (address) ||
         (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6 &&
          (bytes[0] & 0xfe) == 0xfc);
}

static void
rdap_start (MdCheckContext *context)
{
  MdCheckRun *run = md_check_context_get_run (context);
  GCancellable *cancellable = md_check_context_get_cancellable (context);
  MdRdapBootstrap *bootstrap = md_check_run_get_rdap_bootstrap (run);
  RdapCall *call;

  if (bootstrap != NULL || is_private (md_check_context_get_subject (context)))
    {
      lookup (context, bootstrap, cancellable);
      return;
    }

  /* The bundled IANA files, or a fresher download when they are stale. */
  call = g_new0 (RdapCall, 1);
  call->context = context;
  call->cancellable = g_object_ref (cancellable);
  md_rdap_bootstrap_refresh_async (md_check_run_get_http (run), NULL, NULL,
                                   MD_RDAP_BOOTSTRAP_MAX_AGE_DAYS, cancellable, refresh_cb, call);
}

static void
rdap_populate (MdCheckRun *run)
{
  const MdCheckSubject *subject = md_check_run_get_subject (run);
  g_autoptr(MdCheck) check = NULL;
  JsonObject *details;

  if (md_check_run_get_http (run) == NULL)
    return;

  check = md_check_new ("rdap", "rdap", _("Owner of the IP address"));
  md_check_set_group (check, "sender");
  md_check_set_weight (check, 25);
  details = md_check_get_details (check);
  json_object_set_string_member (details, "ip", subject->ip);
  json_object_set_null_member (details, "organisation");
  json_object_set_null_member (details, "reason");

  md_check_run_add_check (run, check, rdap_start, NULL, NULL);
}

const MdCheckProvider md_check_provider_rdap = {
  "rdap",
  rdap_populate,
};
