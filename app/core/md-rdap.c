/* md-rdap.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "md-rdap.h"
#include "md-util.h"

/* One unit, over 1,000 lines: RDAP (RFC 9082/9083) with the IANA bootstrap
 * registry that says which server to ask — the lookup, the bounded JSON
 * reading and the owner/abuse extraction follow one protocol. */

#define RDAP_MAX_SIZE       (1024 * 1024)
#define BOOTSTRAP_MAX_SIZE  (1024 * 1024)
#define ENTITY_MAX_DEPTH    8

typedef struct
{
  GInetAddressMask *mask;
  char             *base;
} BootstrapEntry;

struct _MdRdapBootstrap
{
  gatomicrefcount  ref_count;
  GPtrArray       *entries;          /* of BootstrapEntry* */
  GDateTime       *publication_v4;
  GDateTime       *publication_v6;
  char            *source;           /* "bundled", "cache", "downloaded", "custom" */
  char            *refresh_error;
};

G_DEFINE_QUARK (md-rdap-error-quark, md_rdap_error)
G_DEFINE_BOXED_TYPE (MdRdapNetwork, md_rdap_network, md_rdap_network_copy, md_rdap_network_free)
G_DEFINE_BOXED_TYPE (MdRdapBootstrap, md_rdap_bootstrap, md_rdap_bootstrap_ref,
                     md_rdap_bootstrap_unref)

MdRdapNetwork *
md_rdap_network_copy (const MdRdapNetwork *network)
{
  MdRdapNetwork *copy;

  g_return_val_if_fail (network != NULL, NULL);

  copy = g_new0 (MdRdapNetwork, 1);
  copy->address = g_strdup (network->address);
  copy->url = g_strdup (network->url);
  copy->referred_from = g_strdup (network->referred_from);
  copy->handle = g_strdup (network->handle);
  copy->name = g_strdup (network->name);
  copy->type = g_strdup (network->type);
  copy->country = g_strdup (network->country);
  copy->start_address = g_strdup (network->start_address);
  copy->end_address = g_strdup (network->end_address);
  copy->parent_handle = g_strdup (network->parent_handle);
  copy->cidrs = g_strdupv (network->cidrs);
  copy->covering_prefix = g_strdup (network->covering_prefix);
  copy->organisation = g_strdup (network->organisation);
  copy->abuse_name = g_strdup (network->abuse_name);
  copy->abuse_email = g_strdup (network->abuse_email);

  return copy;
}

void
md_rdap_network_free (MdRdapNetwork *network)
{
  if (network == NULL)
    return;

  g_free (network->address);
  g_free (network->url);
  g_free (network->referred_from);
  g_free (network->handle);
  g_free (network->name);
  g_free (network->type);
  g_free (network->country);
  g_free (network->start_address);
  g_free (network->end_address);
  g_free (network->parent_handle);
  g_strfreev (network->cidrs);
  g_free (network->covering_prefix);
  g_free (network->organisation);
  g_free (network->abuse_name);
  g_free (network->abuse_email);
  g_free (network);
}

/* Bootstrap */

static void
bootstrap_entry_free (BootstrapEntry *entry)
{
  g_clear_object (&entry->mask);
  g_free (entry->base);
  g_free (entry);
}

MdRdapBootstrap *
md_rdap_bootstrap_new (void)
{
  MdRdapBootstrap *self = g_new0 (MdRdapBootstrap, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify)bootstrap_entry_free);
  self->source = g_strdup ("custom");

  return self;
}

MdRdapBootstrap *
md_rdap_bootstrap_ref (MdRdapBootstrap *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
md_rdap_bootstrap_unref (MdRdapBootstrap *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_ptr_array_unref (self->entries);
  g_clear_pointer (&self->publication_v4, g_date_time_unref);
  g_clear_pointer (&self->publication_v6, g_date_time_unref);
  g_free (self->source);
  g_free (self->refresh_error);
  g_free (self);
}

static void
set_string (char       **field,
            const char  *value)
{
  char *copy = g_strdup (value);

  g_free (*field);
  *field = copy;
}

/* One RFC 9224 file: {"publication": "…", "services": [[[prefixes], [urls]], …]}.
 * Only https registry URLs are kept: RDAP answers are only trusted when
 * the certificate vouches for them. */
gboolean
md_rdap_bootstrap_add_file (MdRdapBootstrap  *self,
                            GBytes           *json,
                            GError          **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GDateTime) publication = NULL;
  JsonObject *root;
  JsonArray *services;
  const char *published;
  GSocketFamily family = G_SOCKET_FAMILY_INVALID;
  gsize size;
  const char *text;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (json != NULL, FALSE);

  added = g_ptr_array_new_with_free_func ((GDestroyNotify)bootstrap_entry_free);

  text = g_bytes_get_data (json, &size);
  if (text == NULL || !json_parser_load_from_data (parser, text, size, &local_error))
    {
      g_set_error (error, MD_RDAP_ERROR, MD_RDAP_ERROR_BAD_BOOTSTRAP,
                   _("The RDAP bootstrap file is not valid JSON: %s"),
                   local_error != NULL ? local_error->message : _("empty"));
      return FALSE;
    }

  root = JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser))
           ? json_node_get_object (json_parser_get_root (parser)) : NULL;
  services = root != NULL && json_object_has_member (root, "services") &&
             JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "services"))
               ? json_object_get_array_member (root, "services") : NULL;
  if (services == NULL)
    {
      g_set_error_literal (error, MD_RDAP_ERROR, MD_RDAP_ERROR_BAD_BOOTSTRAP,
                           _("The RDAP bootstrap file has no “services” list"));
      return FALSE;
    }

  for (guint i = 0; i < json_array_get_length (services); i++)
    {
      JsonNode *node = json_array_get_element (services, i);
      JsonArray *service, *prefixes, *urls;
      const char *base = NULL;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        continue;
      service = json_node_get_array (node);
      if (json_array_get_length (service) < 2 ||
          !JSON_NODE_HOLDS_ARRAY (json_array_get_element (service, 0)) ||
          !JSON_NODE_HOLDS_ARRAY (json_array_get_element (service, 1)))
        continue;
      prefixes = json_array_get_array_element (service, 0);
      urls = json_array_get_array_element (service, 1);

      for (guint j = 0; j < json_array_get_length (urls); j++)
        {
          JsonNode *url = json_array_get_element (urls, j);

          if (JSON_NODE_HOLDS_VALUE (url) && json_node_get_value_type (url) == G_TYPE_STRING &&
              g_str_has_prefix (json_node_get_string (url), "https://"))
            {
              base = json_node_get_string (url);
              break;
            }
        }
      if (base == NULL)
        continue;

      for (guint j = 0; j < json_array_get_length (prefixes); j++)
        {
          JsonNode *prefix = json_array_get_element (prefixes, j);
          GInetAddressMask *mask;
          BootstrapEntry *entry;

          if (!JSON_NODE_HOLDS_VALUE (prefix) || json_node_get_value_type (prefix) != G_TYPE_STRING)
            continue;
          mask = g_inet_address_mask_new_from_string (json_node_get_string (prefix), NULL);
          if (mask == NULL)
            continue;
          entry = g_new0 (BootstrapEntry, 1);
          entry->mask = mask;
          entry->base = g_str_has_suffix (base, "/") ? g_strdup (base)
                                                  : g_strconcat (base, "/", NULL);
          if (family == G_SOCKET_FAMILY_INVALID)
            family = g_inet_address_mask_get_family (mask);
          g_ptr_array_add (added, entry);
        }
    }

  if (added->len == 0)
    {
      g_set_error_literal (error, MD_RDAP_ERROR, MD_RDAP_ERROR_BAD_BOOTSTRAP,
                           _("The RDAP bootstrap file names no registry for any address range"));
      return FALSE;
    }

  published = json_object_has_member (root, "publication") &&
              JSON_NODE_HOLDS_VALUE (json_object_get_member (root, "publication"))
                ? json_object_get_string_member (root, "publication") : NULL;
  if (published != NULL)
    publication = g_date_time_new_from_iso8601 (published, NULL);
  if (publication != NULL)
    {
      GDateTime **slot = family == G_SOCKET_FAMILY_IPV6 ? &self->publication_v6
                                                         : &self->publication_v4;

      g_clear_pointer (slot, g_date_time_unref);
      *slot = g_date_time_ref (publication);
    }

  g_ptr_array_extend_and_steal (self->entries, g_steal_pointer (&added));

  return TRUE;
}

MdRdapBootstrap *
md_rdap_bootstrap_new_bundled (GError **error)
{
  g_autoptr(MdRdapBootstrap) self = md_rdap_bootstrap_new ();
  static const char * const names[] = { "rdap-ipv4.json", "rdap-ipv6.json" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GBytes) bytes = md_load_data_resource (names[i], error);

      if (bytes == NULL || !md_rdap_bootstrap_add_file (self, bytes, error))
        return NULL;
    }
  set_string (&self->source, "bundled");

  return g_steal_pointer (&self);
}

/* The publication date the file states (not when we fetched it). */
GDateTime *
md_rdap_bootstrap_get_publication (MdRdapBootstrap *self,
                                   GSocketFamily    family)
{
  g_return_val_if_fail (self != NULL, NULL);

  return family == G_SOCKET_FAMILY_IPV6 ? self->publication_v6 : self->publication_v4;
}

const char *
md_rdap_bootstrap_get_source (MdRdapBootstrap *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->source;
}

/* Why the last refresh did not download a fresh file, or NULL. */
const char *
md_rdap_bootstrap_get_refresh_error (MdRdapBootstrap *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->refresh_error;
}

/* The base URL (ending in '/') of the registry for @address: the longest
 * matching prefix, as RFC 9224 5.1 says. NULL when none matches. */
char *
md_rdap_bootstrap_lookup (MdRdapBootstrap *self,
                          GInetAddress    *address)
{
  BootstrapEntry *best = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (G_IS_INET_ADDRESS (address), NULL);

  for (guint i = 0; i < self->entries->len; i++)
    {
      BootstrapEntry *entry = g_ptr_array_index (self->entries, i);

      if (g_inet_address_mask_get_family (entry->mask) != g_inet_address_get_family (address) ||
          !g_inet_address_mask_matches (entry->mask, address))
        continue;
      if (best == NULL ||
          g_inet_address_mask_get_length (entry->mask) >
            g_inet_address_mask_get_length (best->mask))
        best = entry;
    }

  return best != NULL ? g_strdup (best->base) : NULL;
}

/* Refresh */

typedef struct
{
  MdHttp          *http;
  char            *base_url;
  char            *cache_dir;
  guint            max_age_days;
  MdRdapBootstrap *fallback;
  MdRdapBootstrap *downloaded;
  MdRdapBootstrap *cached;           /* set by the worker thread */
  gboolean         cached_fresh;
  GBytes          *ipv4;
  GBytes          *ipv6;
  guint            step;
} RefreshData;

static void
refresh_data_free (RefreshData *data)
{
  g_clear_object (&data->http);
  g_free (data->base_url);
  g_free (data->cache_dir);
  g_clear_pointer (&data->fallback, md_rdap_bootstrap_unref);
  g_clear_pointer (&data->downloaded, md_rdap_bootstrap_unref);
  g_clear_pointer (&data->cached, md_rdap_bootstrap_unref);
  g_clear_pointer (&data->ipv4, g_bytes_unref);
  g_clear_pointer (&data->ipv6, g_bytes_unref);
  g_free (data);
}

static const char * const bootstrap_files[] = { "ipv4.json", "ipv6.json" };

static char *
cache_path (RefreshData *data,
            guint        i)
{
  g_autofree char *name = g_strconcat ("rdap-", bootstrap_files[i], NULL);

  return g_build_filename (data->cache_dir, name, NULL);
}

/* The cached pair, and whether it was fetched less than max_age_days ago
 * (IANA republishes rarely, so the publication date says nothing about
 * how recently we checked). */
static MdRdapBootstrap *
load_cache (RefreshData *data,
            gboolean    *fresh)
{
  g_autoptr(MdRdapBootstrap) self = md_rdap_bootstrap_new ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  *fresh = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (bootstrap_files); i++)
    {
      g_autofree char *path = cache_path (data, i);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(GFileInfo) info = NULL;
      g_autoptr(GBytes) bytes = NULL;
      char *contents = NULL;
      gsize length;

      info = g_file_query_info (file, G_FILE_ATTRIBUTE_TIME_MODIFIED, G_FILE_QUERY_INFO_NONE,
                                NULL, NULL);
      if (info == NULL || !g_file_get_contents (path, &contents, &length, NULL))
        return NULL;
      bytes = g_bytes_new_take (contents, length);
      if (!md_rdap_bootstrap_add_file (self, bytes, NULL))
        return NULL;
      if (now - (gint64)g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED) >
          (gint64)data->max_age_days * 86400)
        *fresh = FALSE;
    }
  set_string (&self->source, "cache");

  return g_steal_pointer (&self);
}

static void
refresh_fail (GTask      *task,
              const char *why)
{
  RefreshData *data = g_task_get_task_data (task);

  g_debug ("RDAP bootstrap not refreshed: %s", why);
  set_string (&data->fallback->refresh_error, why);
  g_task_return_pointer (task, md_rdap_bootstrap_ref (data->fallback),
                         (GDestroyNotify)md_rdap_bootstrap_unref);
}

static void refresh_fetch_next (GTask *task);

/* Worker thread: a cache that cannot be written costs a download next
 * time, nothing more. */
static void
write_cache_thread (GTask        *writer,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  RefreshData *data = task_data;
  GBytes *files[2] = { data->ipv4, data->ipv6 };

  if (g_mkdir_with_parents (data->cache_dir, 0700) == 0)
    {
      for (guint i = 0; i < G_N_ELEMENTS (files); i++)
        {
          g_autofree char *path = cache_path (data, i);
          g_autoptr(GError) error = NULL;
          gsize size;
          const char *contents = g_bytes_get_data (files[i], &size);

          if (!g_file_set_contents (path, contents, size, &error))
            g_debug ("Could not cache %s: %s", path, error->message);
        }
    }

  g_task_return_boolean (writer, TRUE);
}

static void
cache_written_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RefreshData *data = g_task_get_task_data (task);

  set_string (&data->downloaded->source, "downloaded");
  g_task_return_pointer (task, md_rdap_bootstrap_ref (data->downloaded),
                         (GDestroyNotify)md_rdap_bootstrap_unref);
}


static void
refresh_fetch_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RefreshData *data = g_task_get_task_data (task);
  g_autoptr(MdHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) writer = NULL;

  response = md_http_fetch_finish (MD_HTTP (object), result, &error);
  if (response == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        refresh_fail (task, error->message);
      return;
    }

  if (!md_rdap_bootstrap_add_file (data->downloaded, response->body, &error))
    {
      refresh_fail (task, error->message);
      return;
    }

  if (data->step == 0)
    data->ipv4 = g_bytes_ref (response->body);
  data->step++;

  if (data->step < G_N_ELEMENTS (bootstrap_files))
    {
      refresh_fetch_next (g_steal_pointer (&task));
      return;
    }

  /* Both files are good: keep them for next time, writing them in a worker
   * thread (file I/O never runs on the main loop). */
  data->ipv6 = g_bytes_ref (response->body);
  writer = g_task_new (NULL, NULL, cache_written_cb, g_steal_pointer (&task));
  g_task_set_task_data (writer, data, NULL);
  g_task_run_in_thread (writer, write_cache_thread);
}

static void
refresh_fetch_next (GTask *task)
{
  RefreshData *data = g_task_get_task_data (task);
  g_autofree char *url = g_strconcat (data->base_url, bootstrap_files[data->step], NULL);
  static const char * const types[] = { "application/json", "application/rdap+json", NULL };
  MdHttpRequestOptions options = { 0 };

  options.redirects = MD_HTTP_REDIRECT_SAME_SITE;
  options.https_only = TRUE;
  options.max_size = BOOTSTRAP_MAX_SIZE;
  options.content_types = types;
  options.accept = "application/json";
  md_http_fetch_async (data->http, url, &options, g_task_get_cancellable (task),
                       refresh_fetch_cb, task);
}

/* Worker thread: reads the cached files. */
static void
load_cache_thread (GTask        *reader,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  RefreshData *data = task_data;

  data->cached = load_cache (data, &data->cached_fresh);
  g_task_return_boolean (reader, TRUE);
}

static void
cache_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RefreshData *data = g_task_get_task_data (task);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  GDateTime *published;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (data->cached != NULL && data->cached_fresh)
    {
      g_task_return_pointer (task, g_steal_pointer (&data->cached),
                             (GDestroyNotify)md_rdap_bootstrap_unref);
      return;
    }
  if (data->cached != NULL)
    {
      md_rdap_bootstrap_unref (data->fallback);
      data->fallback = g_steal_pointer (&data->cached);
    }
  else
    {
      published = data->fallback->publication_v4;
      if (published != NULL &&
          g_date_time_difference (now, published) <
            (GTimeSpan)data->max_age_days * G_TIME_SPAN_DAY)
        {
          g_task_return_pointer (task, md_rdap_bootstrap_ref (data->fallback),
                                 (GDestroyNotify)md_rdap_bootstrap_unref);
          return;
        }
    }

  data->downloaded = md_rdap_bootstrap_new ();
  refresh_fetch_next (g_steal_pointer (&task));
}

/* The freshest bootstrap we can have: the cached download when it is less
 * than @max_age_days old; else, when the bundled files are older than that,
 * a download from @base_url (NULL: IANA), cached in @cache_dir (NULL: the
 * user cache dir); on any failure the best we already have (see
 * md_rdap_bootstrap_get_refresh_error()). Fails only when cancelled. */
void
md_rdap_bootstrap_refresh_async (MdHttp              *http,
                                 const char          *base_url,
                                 const char          *cache_dir,
                                 guint                max_age_days,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) reader = NULL;
  g_autoptr(GError) error = NULL;
  RefreshData *data;

  g_return_if_fail (http == NULL || MD_IS_HTTP (http));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, md_rdap_bootstrap_refresh_async);

  data = g_new0 (RefreshData, 1);
  data->http = http != NULL ? g_object_ref (http) : md_http_new ();
  data->base_url = g_strdup (base_url != NULL ? base_url : MD_RDAP_IANA_BOOTSTRAP_BASE);
  data->cache_dir = cache_dir != NULL ? g_strdup (cache_dir)
                                      : g_build_filename (g_get_user_cache_dir (), "maildoctor",
                                                          NULL);
  data->max_age_days = max_age_days > 0 ? max_age_days : MD_RDAP_BOOTSTRAP_MAX_AGE_DAYS;
  g_task_set_task_data (task, data, (GDestroyNotify)refresh_data_free);

  data->fallback = md_rdap_bootstrap_new_bundled (&error);
  if (data->fallback == NULL)
    {
      /* Only a broken build gets here. */
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  reader = g_task_new (NULL, cancellable, cache_loaded_cb, g_steal_pointer (&task));
  g_task_set_task_data (reader, data, NULL);
  g_task_run_in_thread (reader, load_cache_thread);
}

MdRdapBootstrap *
md_rdap_bootstrap_refresh_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Parsing */

static const char *
object_string (JsonObject *object,
               const char *name)
{
  JsonNode *node;

  if (object == NULL || !json_object_has_member (object, name))
    return NULL;
  node = json_object_get_member (object, name);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static JsonArray *
object_array (JsonObject *object,
              const char *name)
{
  JsonNode *node;

  if (object == NULL || !json_object_has_member (object, name))
    return NULL;
  node = json_object_get_member (object, name);

  return JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static gboolean
has_role (JsonObject *entity,
          const char *role)
{
  JsonArray *roles = object_array (entity, "roles");

  for (guint i = 0; roles != NULL && i < json_array_get_length (roles); i++)
    {
      JsonNode *node = json_array_get_element (roles, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
          g_ascii_strcasecmp (json_node_get_string (node), role) == 0)
        return TRUE;
    }

  return FALSE;
}

/* jCard (RFC 7095): ["vcard", [[name, params, type, value…], …]]. The value
 * of "org" may be a list of the organisation and its units. */
static char *
vcard_get (JsonObject *entity,
           const char *property)
{
  JsonArray *vcard = object_array (entity, "vcardArray");
  JsonArray *properties;

  if (vcard == NULL || json_array_get_length (vcard) < 2 ||
      !JSON_NODE_HOLDS_ARRAY (json_array_get_element (vcard, 1)))
    return NULL;
  properties = json_array_get_array_element (vcard, 1);

  for (guint i = 0; i < json_array_get_length (properties); i++)
    {
      JsonNode *node = json_array_get_element (properties, i);
      JsonArray *prop;
      JsonNode *value;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        continue;
      prop = json_node_get_array (node);
      if (json_array_get_length (prop) < 4 ||
          !JSON_NODE_HOLDS_VALUE (json_array_get_element (prop, 0)) ||
          json_node_get_value_type (json_array_get_element (prop, 0)) != G_TYPE_STRING ||
          g_ascii_strcasecmp (json_array_get_string_element (prop, 0), property) != 0)
        continue;

      value = json_array_get_element (prop, 3);
      if (JSON_NODE_HOLDS_ARRAY (value) && json_array_get_length (json_node_get_array (value)) > 0)
        value = json_array_get_element (json_node_get_array (value), 0);
      if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING &&
          json_node_get_string (value)[0] != '\0')
        return g_strdup (json_node_get_string (value));
    }

  return NULL;
}

/* Entities nest (an abuse contact inside the registrant, as ARIN and RIPE
 * publish it): depth first, bounded against hostile input. */
static void
walk_entities (MdRdapNetwork *network,
               JsonArray     *entities,
               guint          depth)
{
  if (entities == NULL || depth > ENTITY_MAX_DEPTH)
    return;

  for (guint i = 0; i < json_array_get_length (entities); i++)
    {
      JsonNode *node = json_array_get_element (entities, i);
      JsonObject *entity;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      entity = json_node_get_object (node);

      if (network->organisation == NULL && has_role (entity, "registrant"))
        {
          network->organisation = vcard_get (entity, "org");
          if (network->organisation == NULL)
            network->organisation = vcard_get (entity, "fn");
        }
      if (network->abuse_email == NULL && has_role (entity, "abuse"))
        {
          network->abuse_email = vcard_get (entity, "email");
          g_free (network->abuse_name);
          network->abuse_name = vcard_get (entity, "fn");
        }

      walk_entities (network, object_array (entity, "entities"), depth + 1);
    }
}

/* The smallest prefix that holds both @start and @end. */
static char *
covering_prefix (const char *start,
                 const char *end)
{
  g_autoptr(GInetAddress) a = g_inet_address_new_from_string (start);
  g_autoptr(GInetAddress) b = g_inet_address_new_from_string (end);
  g_autoptr(GInetAddressMask) mask = NULL;
  const guint8 *ba, *bb;
  gsize size;
  guint bits = 0;

  if (a == NULL || b == NULL || g_inet_address_get_family (a) != g_inet_address_get_family (b))
    return NULL;

  size = g_inet_address_get_native_size (a);
  ba = g_inet_address_to_bytes (a);
  bb = g_inet_address_to_bytes (b);
  while (bits < size * 8 &&
         ((ba[bits / 8] ^ bb[bits / 8]) & (0x80 >> (bits % 8))) == 0)
    bits++;

  mask = g_inet_address_mask_new (a, bits, NULL);
  if (mask == NULL)
    {
      /* @start has host bits set below the common prefix: clear them. */
      guint8 bytes[16] = { 0 };
      g_autoptr(GInetAddress) network = NULL;

      memcpy (bytes, ba, size);
      for (guint i = bits; i < size * 8; i++)
        bytes[i / 8] &= ~(0x80 >> (i % 8));
      network = g_inet_address_new_from_bytes (bytes, g_inet_address_get_family (a));
      mask = g_inet_address_mask_new (network, bits, NULL);
    }

  return mask != NULL ? g_inet_address_mask_to_string (mask) : NULL;
}

/* An RDAP "ip network" object (RFC 9083 5.4), with the cidr0 extension. */
MdRdapNetwork *
md_rdap_network_parse (const char  *json,
                       gssize       length,
                       GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(MdRdapNetwork) network = g_new0 (MdRdapNetwork, 1);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GStrvBuilder) cidrs = g_strv_builder_new ();
  JsonObject *root;
  JsonArray *cidr0;
  const char *class_name;

  g_return_val_if_fail (json != NULL, NULL);

  if (!json_parser_load_from_data (parser, json, length, &local_error))
    {
      g_set_error (error, MD_RDAP_ERROR, MD_RDAP_ERROR_BAD_RESPONSE,
                   _("The registry's answer is not valid JSON: %s"), local_error->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error_literal (error, MD_RDAP_ERROR, MD_RDAP_ERROR_BAD_RESPONSE,
                           _("The registry's answer is not an RDAP object"));
      return NULL;
    }
  root = json_node_get_object (json_parser_get_root (parser));

  class_name = object_string (root, "objectClassName");
  if (g_strcmp0 (class_name, "ip network") != 0)
    {
      const char *title = object_string (root, "title");

      g_set_error (error, MD_RDAP_ERROR, MD_RDAP_ERROR_BAD_RESPONSE,
                   _("The registry did not answer with an IP network (%s)"),
                   title != NULL ? title : class_name != NULL ? class_name : _("no object class"));
      return NULL;
    }

  network->handle = g_strdup (object_string (root, "handle"));
  network->name = g_strdup (object_string (root, "name"));
  network->type = g_strdup (object_string (root, "type"));
  network->country = g_strdup (object_string (root, "country"));
  network->start_address = g_strdup (object_string (root, "startAddress"));
  network->end_address = g_strdup (object_string (root, "endAddress"));
  network->parent_handle = g_strdup (object_string (root, "parentHandle"));

  cidr0 = object_array (root, "cidr0_cidrs");
  for (guint i = 0; cidr0 != NULL && i < json_array_get_length (cidr0); i++)
    {
      JsonNode *node = json_array_get_element (cidr0, i);
      JsonObject *cidr;
      const char *prefix;
      g_autofree char *text = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      cidr = json_node_get_object (node);
      prefix = object_string (cidr, "v4prefix");
      if (prefix == NULL)
        prefix = object_string (cidr, "v6prefix");
      if (prefix == NULL || !json_object_has_member (cidr, "length") ||
          !JSON_NODE_HOLDS_VALUE (json_object_get_member (cidr, "length")))
        continue;
      text = g_strdup_printf ("%s/%" G_GINT64_FORMAT, prefix,
                              json_object_get_int_member (cidr, "length"));
      g_strv_builder_add (cidrs, text);
    }

  if (network->start_address != NULL && network->end_address != NULL)
    network->covering_prefix = covering_prefix (network->start_address, network->end_address);
  network->cidrs = g_strv_builder_end (cidrs);
  if (network->cidrs[0] == NULL && network->covering_prefix != NULL)
    {
      /* No cidr0: the range is one prefix when that prefix's first and last
       * addresses are the range's ends. */
      g_autoptr(GInetAddressMask) mask = NULL;
      g_autoptr(GInetAddress) end = g_inet_address_new_from_string (network->end_address);
      g_autoptr(GInetAddress) start = g_inet_address_new_from_string (network->start_address);

      mask = g_inet_address_mask_new_from_string (network->covering_prefix, NULL);

      if (mask != NULL && g_inet_address_equal (start, g_inet_address_mask_get_address (mask)))
        {
          const guint8 *bytes = g_inet_address_to_bytes (end);
          gsize size = g_inet_address_get_native_size (end);
          guint bits = g_inet_address_mask_get_length (mask);
          gboolean all_ones = TRUE;

          for (guint i = bits; i < size * 8 && all_ones; i++)
            all_ones = (bytes[i / 8] & (0x80 >> (i % 8))) != 0;
          if (all_ones)
            {
              g_strfreev (network->cidrs);
              network->cidrs = g_new0 (char *, 2);
              network->cidrs[0] = g_strdup (network->covering_prefix);
            }
        }
    }

  walk_entities (network, object_array (root, "entities"), 0);

  return g_steal_pointer (&network);
}

/* An RIR that does not hold the network may answer with a link to the one
 * that does (rel "related", an RDAP ip URL on another server). */
static char *
find_referral (const char *json,
               gsize       length,
               const char *current_url)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GUri) current = g_uri_parse (current_url, G_URI_FLAGS_NONE, NULL);
  JsonArray *links;

  if (current == NULL || !json_parser_load_from_data (parser, json, length, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;

  links = object_array (json_node_get_object (json_parser_get_root (parser)), "links");
  for (guint i = 0; links != NULL && i < json_array_get_length (links); i++)
    {
      JsonNode *node = json_array_get_element (links, i);
      g_autoptr(GUri) target = NULL;
      const char *href;

      if (!JSON_NODE_HOLDS_OBJECT (node) ||
          g_strcmp0 (object_string (json_node_get_object (node), "rel"), "related") != 0)
        continue;
      href = object_string (json_node_get_object (node), "href");
      if (href == NULL || strstr (href, "/ip/") == NULL)
        continue;
      target = g_uri_parse (href, G_URI_FLAGS_NONE, NULL);
      if (target != NULL && g_strcmp0 (g_uri_get_scheme (target), "https") == 0 &&
          g_ascii_strcasecmp (g_uri_get_host (target), g_uri_get_host (current)) != 0)
        return g_strdup (href);
    }

  return NULL;
}

typedef struct
{
  MdHttp *http;
  char   *address;
  char   *first_url;
  guint   hops;
} LookupData;

static void
lookup_data_free (LookupData *data)
{
  g_clear_object (&data->http);
  g_free (data->address);
  g_free (data->first_url);
  g_free (data);
}

static void lookup_fetch (GTask      *task,
                          const char *url);

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LookupData *data = g_task_get_task_data (task);
  g_autoptr(MdHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *referral = NULL;
  MdRdapNetwork *network;
  const char *body;
  gsize size;

  response = md_http_fetch_finish (MD_HTTP (object), result, &error);
  if (response == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (response->status == SOUP_STATUS_NOT_FOUND)
    {
      g_task_return_new_error (task, MD_RDAP_ERROR, MD_RDAP_ERROR_NOT_FOUND,
                               /* Translators: the first %s is an IP address, the second a URL */
                               _("The registry has no network for %s (HTTP 404 from %s)"),
                               data->address, response->url);
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (response->status))
    {
      g_task_return_new_error (task, MD_HTTP_ERROR, MD_HTTP_ERROR_STATUS,
                               /* Translators: %u is an HTTP status code, the first %s its reason
                                * phrase, the second a URL */
                               _("The registry answered HTTP %u %s (%s)"),
                               response->status, response->reason != NULL ? response->reason : "",
                               response->url);
      return;
    }
  if (g_strcmp0 (response->content_type, "application/rdap+json") != 0 &&
      g_strcmp0 (response->content_type, "application/json") != 0)
    {
      g_task_return_new_error (task, MD_RDAP_ERROR, MD_RDAP_ERROR_BAD_RESPONSE,
                               _("The registry's answer is not RDAP JSON (content type “%s”)"),
                               response->content_type != NULL ? response->content_type : "");
      return;
    }

  body = g_bytes_get_data (response->body, &size);
  if (body == NULL)
    body = "";

  if (data->hops == 0 && (referral = find_referral (body, size, response->url)) != NULL)
    {
      data->first_url = g_strdup (response->url);
      data->hops++;
      lookup_fetch (g_steal_pointer (&task), referral);
      return;
    }

  network = md_rdap_network_parse (body, size, &error);
  if (network == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  network->address = g_strdup (data->address);
  network->url = g_strdup (response->url);
  network->referred_from = g_strdup (data->first_url);

  g_task_return_pointer (task, network, (GDestroyNotify)md_rdap_network_free);
}

static void
lookup_fetch (GTask      *task,
              const char *url)
{
  LookupData *data = g_task_get_task_data (task);
  MdHttpRequestOptions options = { 0 };

  /* RIRs redirect to each other for transferred space: that is normal
   * RDAP (RFC 7480 5.2), so any redirect is followed, a few at most. */
  options.redirects = MD_HTTP_REDIRECT_ANY;
  options.https_only = TRUE;
  options.max_redirects = 3;
  options.max_size = RDAP_MAX_SIZE;
  options.accept = "application/rdap+json, application/json;q=0.9";
  options.any_status = TRUE;
  md_http_fetch_async (data->http, url, &options, g_task_get_cancellable (task),
                       lookup_cb, task);
}

static gboolean
is_special_address (GInetAddress *address)
{
  const guint8 *bytes = g_inet_address_to_bytes (address);

  if (g_inet_address_get_is_any (address) || g_inet_address_get_is_loopback (address) ||
      g_inet_address_get_is_link_local (address) || g_inet_address_get_is_site_local (address) ||
      g_inet_address_get_is_multicast (address))
    return TRUE;

  /* IPv6 unique local addresses, fc00::/7 (GLib's site-local is fec0::/10). */
  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6 && (bytes[0] & 0xfe) == 0xfc)
    return TRUE;

  return FALSE;
}

/* The network that holds @address, from the registry the bootstrap names
 * (@bootstrap NULL: the bundled one). Errors: MD_RDAP_ERROR, MD_HTTP_ERROR,
 * G_IO_ERROR_CANCELLED. */
void
md_rdap_lookup_async (MdHttp              *http,
                      MdRdapBootstrap     *bootstrap,
                      GInetAddress        *address,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(MdRdapBootstrap) bundled = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  g_autofree char *url = NULL;
  LookupData *data;

  g_return_if_fail (http == NULL || MD_IS_HTTP (http));
  g_return_if_fail (G_IS_INET_ADDRESS (address));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, md_rdap_lookup_async);

  data = g_new0 (LookupData, 1);
  data->http = http != NULL ? g_object_ref (http) : md_http_new ();
  data->address = g_inet_address_to_string (address);
  g_task_set_task_data (task, data, (GDestroyNotify)lookup_data_free);

  if (is_special_address (address))
    {
      g_task_return_new_error (task, MD_RDAP_ERROR, MD_RDAP_ERROR_SPECIAL_ADDRESS,
                               _("%s is a private or special-purpose address; no registry "
                                 "records an owner for it"),
                               data->address);
      return;
    }

  if (bootstrap == NULL)
    {
      bundled = md_rdap_bootstrap_new_bundled (&error);
      if (bundled == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      bootstrap = bundled;
    }

  base = md_rdap_bootstrap_lookup (bootstrap, address);
  if (base == NULL)
    {
      g_task_return_new_error (task, MD_RDAP_ERROR, MD_RDAP_ERROR_NO_REGISTRY,
                               _("No registry is known for %s"), data->address);
      return;
    }

  url = g_strconcat (base, "ip/", data->address, NULL);
  lookup_fetch (g_steal_pointer (&task), url);
}

MdRdapNetwork *
md_rdap_lookup_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
