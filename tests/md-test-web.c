/* md-test-web.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "md-test-util.h"
#include "md-test-web.h"

static GHashTable *routes;     /* "scheme://host/path" → MdTestRoute* */
static GPtrArray *servers;     /* of SoupServer* */
static GTlsDatabase *test_ca;

void
md_test_web_init (void)
{
  g_autofree char *ca_path = md_test_srcdir_path ("data", "tls", "ca.pem", NULL);
  g_autoptr(GResolver) resolver = md_test_loopback_resolver_new ();
  g_autoptr(GError) error = NULL;

  g_resolver_set_default (resolver);
  routes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  servers = g_ptr_array_new_with_free_func (g_object_unref);
  test_ca = g_tls_file_database_new (ca_path, &error);
  g_assert_no_error (error);
}

void
md_test_web_clear (void)
{
  for (guint i = 0; servers != NULL && i < servers->len; i++)
    soup_server_disconnect (g_ptr_array_index (servers, i));
  g_clear_pointer (&servers, g_ptr_array_unref);
  g_clear_object (&test_ca);
  g_clear_pointer (&routes, g_hash_table_unref);
}

MdTestRoute *
md_test_web_add_route (const char *url,
                       guint       status,
                       const char *content_type,
                       const char *body)
{
  MdTestRoute *route = g_new0 (MdTestRoute, 1);

  route->status = status;
  route->content_type = content_type;
  route->body = body;
  g_hash_table_replace (routes, g_strdup (url), route);

  return route;
}

MdTestRoute *
md_test_web_get_route (const char *url)
{
  return g_hash_table_lookup (routes, url);
}

void
md_test_web_clear_routes (void)
{
  g_hash_table_remove_all (routes);
}

static void
server_cb (SoupServer        *soup_server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  GUri *uri = soup_server_message_get_uri (msg);
  g_autofree char *key = g_strdup_printf ("%s://%s%s", g_uri_get_scheme (uri),
                                          g_uri_get_host (uri), g_uri_get_path (uri));
  MdTestRoute *route = g_hash_table_lookup (routes, key);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  if (route == NULL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "not found", 9);
      return;
    }

  route->hits++;
  soup_server_message_set_status (msg, route->status, NULL);
  if (route->location != NULL)
    soup_message_headers_replace (headers, "Location", route->location);
  if (route->body == NULL)
    return;

  if (route->chunked)
    {
      SoupMessageBody *body = soup_server_message_get_response_body (msg);

      soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
      soup_message_headers_replace (headers, "Content-Type", route->content_type);
      soup_message_body_append (body, SOUP_MEMORY_STATIC, route->body,
                                route->size > 0 ? route->size : strlen (route->body));
      soup_message_body_complete (body);
    }
  else
    soup_server_message_set_response (msg, route->content_type, SOUP_MEMORY_STATIC, route->body,
                                      route->size > 0 ? route->size : strlen (route->body));
}

static guint16
server_port (SoupServer *soup_server,
             const char *scheme)
{
  GSList *uris = soup_server_get_uris (soup_server);
  guint16 port = 0;

  for (GSList *l = uris; l != NULL; l = l->next)
    {
      if (g_strcmp0 (g_uri_get_scheme (l->data), scheme) == 0)
        port = g_uri_get_port (l->data);
    }
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  return port;
}

void
md_test_web_start_server (const char *cert_name,
                          const char *key_name,
                          guint16    *https_port,
                          guint16    *http_port)
{
  g_autofree char *cert_path = md_test_srcdir_path ("data", "tls", cert_name, NULL);
  g_autofree char *key_path = md_test_srcdir_path ("data", "tls", key_name, NULL);
  g_autoptr(GTlsCertificate) cert = NULL;
  g_autoptr(GError) error = NULL;
  SoupServer *soup_server;

  cert = g_tls_certificate_new_from_files (cert_path, key_path, &error);
  g_assert_no_error (error);
  soup_server = soup_server_new ("tls-certificate", cert, NULL);
  g_ptr_array_add (servers, soup_server);
  soup_server_add_handler (soup_server, NULL, server_cb, NULL, NULL);
  soup_server_listen_local (soup_server, 0,
                            SOUP_SERVER_LISTEN_HTTPS | SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  *https_port = server_port (soup_server, "https");
  if (http_port != NULL)
    {
      soup_server_listen_local (soup_server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
      g_assert_no_error (error);
      *http_port = server_port (soup_server, "http");
    }
}

MdHttp *
md_test_web_new_http (guint16 plain_port,
                      guint16 tls_port)
{
  g_autoptr(GError) error = NULL;
  MdHttp *http;

  md_http_check_tls_backend (NULL, &error);
  g_assert_no_error (error);

  http = md_http_new ();
  md_http_set_tls_database (http, test_ca);
  md_http_set_port_override (http, plain_port, tls_port);
  md_http_set_timeout (http, 5000);

  return http;
}
