/* test-security-web.c — the imprint check over real HTTPS against a site that
 * redirects where it must not lead (issue 12): to plain http, and to a
 * private address
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "md-http.h"
#include "md-imprint.h"
#include "md-test-util.h"

#define SITE_HTML \
  "<!DOCTYPE html><html><body><h1>Site</h1>" \
  "<a href=\"/impressum\">Impressum</a></body></html>"
#define IMPRINT_HTML \
  "<!DOCTYPE html><html><body><h1>Impressum</h1>" \
  "<p>Example GmbH, Beispielweg 1, 12345 Berlin</p>" \
  "<p>Telefon: +49 30 1234567, E-Mail: info@web.test</p></body></html>"

typedef struct
{
  guint       status;
  const char *location;
  const char *body;
  guint       hits;
} Route;

static GHashTable *routes;     /* "scheme://host/path" → Route* */
static SoupServer *server;
static GTlsDatabase *test_ca;
static guint16 https_port;
static guint16 http_port;

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
  Route *route = g_hash_table_lookup (routes, key);

  if (route == NULL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "not found", 9);
      return;
    }

  route->hits++;
  soup_server_message_set_status (msg, route->status, NULL);
  if (route->location != NULL)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Location",
                                  route->location);
  if (route->body != NULL)
    soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, route->body,
                                      strlen (route->body));
}

static Route *
set_route (const char *url,
           guint       status,
           const char *location,
           const char *body)
{
  Route *route = g_new0 (Route, 1);

  route->status = status;
  route->location = location;
  route->body = body;
  g_hash_table_replace (routes, g_strdup (url), route);

  return route;
}

static guint16
server_port (const char *scheme)
{
  GSList *uris = soup_server_get_uris (server);
  guint16 port = 0;

  for (GSList *l = uris; l != NULL; l = l->next)
    if (g_strcmp0 (g_uri_get_scheme (l->data), scheme) == 0)
      port = g_uri_get_port (l->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  return port;
}

typedef struct
{
  gboolean         done;
  MdImprintResult *result;
  GError          *error;
} Wait;

static void
imprint_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = md_imprint_check_finish (result, &wait->error);
  wait->done = TRUE;
}

static MdImprintResult *
imprint (const char *ptr)
{
  g_autoptr(MdHttp) http = NULL;
  g_autoptr(GError) error = NULL;
  Wait wait = { 0 };

  md_http_check_tls_backend (NULL, &error);
  g_assert_no_error (error);
  http = md_http_new ();
  md_http_set_tls_database (http, test_ca);
  md_http_set_port_override (http, http_port, https_port);
  md_http_set_timeout (http, 5000);

  md_imprint_check_async (http, ptr, NULL, imprint_cb, &wait);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (wait.error);
  g_assert_nonnull (wait.result);

  return wait.result;
}

static void
log_result (const MdImprintResult *result)
{
  g_test_message ("site %s, imprint %s: %s", result->site_url, result->imprint_url,
                  result->reason);
}

/* https://web.test/ sends the check to http://web.test/…: not followed. */
static void
test_imprint_redirect_to_http (void)
{
  g_autoptr(MdImprintResult) result = NULL;
  Route *plain;

  g_hash_table_remove_all (routes);
  set_route ("https://web.test/", 301, "http://web.test/plain", NULL);
  plain = set_route ("http://web.test/plain", 200, NULL, SITE_HTML);
  set_route ("http://web.test/impressum", 200, NULL, IMPRINT_HTML);

  result = imprint ("mx.web.test");
  log_result (result);
  g_assert_cmpuint (plain->hits, ==, 0);
  g_assert_true (result->site_url == NULL ||
                 !g_str_has_prefix (result->site_url, "http://web.test/plain"));
}

/* A public name that redirects to an address of the user's own network (here
 * loopback, the only one a test may reach): not followed. */
static void
test_imprint_redirect_to_private_address (void)
{
  g_autoptr(MdImprintResult) result = NULL;
  Route *inside;

  g_hash_table_remove_all (routes);
  set_route ("https://web.test/", 302, "https://127.0.0.1/admin", NULL);
  inside = set_route ("https://127.0.0.1/admin", 200, NULL, SITE_HTML);
  set_route ("https://127.0.0.1/impressum", 200, NULL, IMPRINT_HTML);

  result = imprint ("mx.web.test");
  log_result (result);
  g_assert_cmpuint (inside->hits, ==, 0);
  g_assert_true (result->site_url == NULL ||
                 !g_str_has_prefix (result->site_url, "https://127.0.0.1"));
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *ca_path = NULL;
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;
  g_autoptr(GResolver) resolver = NULL;
  g_autoptr(GTlsCertificate) cert = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  resolver = md_test_loopback_resolver_new ();
  g_resolver_set_default (resolver);
  routes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  ca_path = md_test_srcdir_path ("data", "tls", "ca.pem", NULL);
  cert_path = md_test_srcdir_path ("data", "tls", "server.pem", NULL);
  key_path = md_test_srcdir_path ("data", "tls", "server-key.pem", NULL);
  test_ca = g_tls_file_database_new (ca_path, &error);
  g_assert_no_error (error);
  cert = g_tls_certificate_new_from_files (cert_path, key_path, &error);
  g_assert_no_error (error);
  server = soup_server_new ("tls-certificate", cert, NULL);
  soup_server_add_handler (server, NULL, server_cb, NULL, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_HTTPS | SOUP_SERVER_LISTEN_IPV4_ONLY,
                            &error);
  g_assert_no_error (error);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  https_port = server_port ("https");
  http_port = server_port ("http");

  g_test_add_func ("/MailDoctor/Security/Imprint/redirect-to-http", test_imprint_redirect_to_http);
  g_test_add_func ("/MailDoctor/Security/Imprint/redirect-to-private-address",
                   test_imprint_redirect_to_private_address);

  status = g_test_run ();

  soup_server_disconnect (server);
  g_clear_object (&server);
  g_clear_object (&test_ca);
  g_hash_table_unref (routes);

  return status;
}
