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

#include "md-http.h"
#include "md-imprint.h"
#include "md-test-util.h"
#include "md-test-web.h"

#define SITE_HTML \
  "<!DOCTYPE html><html><body><h1>Site</h1>" \
  "<a href=\"/impressum\">Impressum</a></body></html>"
#define IMPRINT_HTML \
  "<!DOCTYPE html><html><body><h1>Impressum</h1>" \
  "<p>Example GmbH, Beispielweg 1, 12345 Berlin</p>" \
  "<p>Telefon: +49 30 1234567, E-Mail: info@web.test</p></body></html>"

static guint16 https_port;
static guint16 http_port;

static MdTestRoute *
set_route (const char *url,
           guint       status,
           const char *location,
           const char *body)
{
  MdTestRoute *route = md_test_web_add_route (url, status, "text/html", body);

  route->location = location;

  return route;
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
  g_autoptr(MdHttp) http = md_test_web_new_http (http_port, https_port);
  Wait wait = { 0 };

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
  MdTestRoute *plain;

  md_test_web_clear_routes ();
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
  MdTestRoute *inside;

  md_test_web_clear_routes ();
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
  int status;

  g_test_init (&argc, &argv, NULL);

  md_test_web_init ();
  md_test_web_start_server ("server.pem", "server-key.pem", &https_port, &http_port);

  g_test_add_func ("/MailDoctor/Security/Imprint/redirect-to-http", test_imprint_redirect_to_http);
  g_test_add_func ("/MailDoctor/Security/Imprint/redirect-to-private-address",
                   test_imprint_redirect_to_private_address);

  status = g_test_run ();

  md_test_web_clear ();

  return status;
}
