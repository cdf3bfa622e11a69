/* test-web.c — MTA-STS, TLS-RPT, RDAP and the imprint check over real HTTPS
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One in-process SoupServer serves every test site, over TLS (a certificate
 * from tests/data/tls/, signed by a test CA that the client alone trusts)
 * and over plain HTTP. Host names such as mta-sts.enforce.web.test reach it
 * through a GResolver installed for this program (every *.test name is
 * 127.0.0.1) and MdHttp's test port override, so certificates are verified
 * against the real host names. DNS records come from knotd
 * (tests/dns/web.test.zone).
 */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "md-http.h"
#include "md-imprint.h"
#include "md-mta-sts-fetch.h"
#include "md-rdap.h"
#include "md-record-util.h"
#include "md-test-knot.h"
#include "md-test-util.h"
#include "md-test-web.h"
#include "md-util.h"

/* Under ASan (clang 14, glibc 2.36), LeakSanitizer crashes at exit while
 * scanning the dynamic TLS of the threads glib-networking's GnuTLS leaves
 * behind ("Tracer caught signal 11", a known sanitizer bug); not scanning
 * DTLS avoids it and can only add false leak reports, never hide one. Read
 * by the sanitizer runtime at start-up; an unused symbol without it. */
const char *__asan_default_options (void);

const char *
__asan_default_options (void)
{
  return "intercept_tls_get_addr=0";
}

/* The web servers (md-test-web.c) */

static guint16 https_port;
static guint16 http_port;
static guint16 untrusted_port;
static guint16 closed_port;
static GSocketService *silent_service;
static GPtrArray *silent_connections;
static guint16 silent_port;
static MdTestKnot *knot;
static GError *knot_error;

static const char *const zones[] = { "web.test.zone", NULL };

/* Fixtures: tests/data/web/ */
static char *rdap_bootstrap_v4;
static char *rdap_bootstrap_v6;
static char *enforce_policy;
static char *rdap_v4;
static char *rdap_v6;
static char *rdap_rir2;
static char *rdap_rir1_referral;
static char *refreshed_v4;
static char *refreshed_v6;
static char *imprint_home;
static char *imprint_home_page;
static char *imprint_secure;
static char *imprint_secure_contact;
static char *imprint_none;
static char *imprint_hoster;
static char *imprint_hoster_page;
static GPtrArray *fixtures;

static char *
load_fixture (const char *name)
{
  g_autofree char *path = md_test_srcdir_path ("data", "web", name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_ptr_array_add (fixtures, contents);

  return contents;
}

static void
load_fixtures (void)
{
  fixtures = g_ptr_array_new_with_free_func (g_free);
  rdap_bootstrap_v4 = load_fixture ("bootstrap-test-ipv4.json");
  rdap_bootstrap_v6 = load_fixture ("bootstrap-test-ipv6.json");
  enforce_policy = load_fixture ("mta-sts-enforce.txt");
  rdap_v4 = load_fixture ("rdap-203.0.113.7.json");
  rdap_v6 = load_fixture ("rdap-2001-db8-5.json");
  rdap_rir2 = load_fixture ("rdap-rir2.json");
  rdap_rir1_referral = load_fixture ("rdap-rir1-referral.json");
  refreshed_v4 = load_fixture ("iana-ipv4.json");
  refreshed_v6 = load_fixture ("iana-ipv6.json");
  imprint_home = load_fixture ("imprint-home.html");
  imprint_home_page = load_fixture ("imprint-home-impressum.html");
  imprint_secure = load_fixture ("imprint-secure.html");
  imprint_secure_contact = load_fixture ("imprint-secure-contact.html");
  imprint_none = load_fixture ("imprint-none.html");
  imprint_hoster = load_fixture ("imprint-hoster.html");
  imprint_hoster_page = load_fixture ("imprint-hoster-legal.html");
}
static const char *const failing_zones[] = { "broken.web.test", NULL };

/* A server that takes connections and never says a word. */
static gboolean
silent_incoming_cb (GSocketService    *service,
                    GSocketConnection *connection,
                    GObject           *source,
                    gpointer           user_data)
{
  g_ptr_array_add (silent_connections, g_object_ref (connection));

  return TRUE;
}

static guint16
free_port_then_close (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);

  return port;
}

typedef struct
{
  gboolean  done;
  gpointer  value;
  GError   *error;
} Wait;

static void
assert_has_code (GPtrArray  *issues,
                 const char *code)
{
  if (!md_record_warnings_has (issues, code))
    {
      g_autoptr(GString) have = g_string_new (NULL);

      for (guint i = 0; i < issues->len; i++)
        {
          MdRecordWarning *w = g_ptr_array_index (issues, i);

          g_string_append_printf (have, " %s (%s)", w->code, w->message);
        }
      g_error ("expected issue %s; have:%s", code, have->str);
    }
}

static const char *
issue_message (GPtrArray  *issues,
               const char *code)
{
  for (guint i = 0; i < issues->len; i++)
    {
      MdRecordWarning *w = g_ptr_array_index (issues, i);

      if (g_str_equal (w->code, code))
        return w->message;
    }

  return NULL;
}

/* HTTP layer */

static void
fetch_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Wait *wait = user_data;

  wait->value = md_http_fetch_finish (MD_HTTP (object), result, &wait->error);
  wait->done = TRUE;
}

static MdHttpResponse *
fetch (MdHttp                     *http,
       const char                 *url,
       const MdHttpRequestOptions *options,
       GError                    **error)
{
  Wait wait = { 0 };

  md_http_fetch_async (http, url, options, NULL, fetch_cb, &wait);
  g_assert_true (md_test_main_loop_run_until (&wait.done, 15000));
  if (wait.error != NULL)
    g_propagate_error (error, wait.error);

  return wait.value;
}

static void
test_http_tls_backend (void)
{
  g_autoptr(GError) error = NULL;

  /* The installed backend: what the product and the other tests rely on. */
  g_assert_true (md_http_check_tls_backend (NULL, &error));
  g_assert_no_error (error);
}

static void
test_http_no_tls_backend (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(MdHttp) http = md_http_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(MdHttpResponse) response = NULL;

      /* GIO_USE_TLS=dummy: GIO's stand-in when glib-networking is missing. */
      g_assert_false (md_http_check_tls_backend (NULL, &error));
      g_assert_error (error, MD_HTTP_ERROR, MD_HTTP_ERROR_NO_TLS);
      g_assert_cmpstr (error->message, ==, "HTTPS is not available: install glib-networking");
      g_clear_error (&error);

      response = fetch (http, "https://mta-sts.enforce.web.test/.well-known/mta-sts.txt", NULL,
                        &error);
      g_assert_null (response);
      g_assert_error (error, MD_HTTP_ERROR, MD_HTTP_ERROR_NO_TLS);
      g_assert_cmpstr (error->message, ==, "HTTPS is not available: install glib-networking");
      return;
    }

  g_setenv ("GIO_USE_TLS", "dummy", TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_unsetenv ("GIO_USE_TLS");
  g_test_trap_assert_passed ();
}

static void
test_http_redirects (void)
{
  g_autoptr(MdHttp) http = md_test_web_new_http (http_port, https_port);
  g_autoptr(MdHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  MdHttpRequestOptions options = { 0 };

  /* Two hops within the site, recorded in order. */
  options.redirects = MD_HTTP_REDIRECT_SAME_SITE;
  response = fetch (http, "http://rdap.web.test/hop1", &options, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (response->url, ==, "https://data.web.test/hop3");
  g_assert_cmpuint (g_strv_length (response->redirects), ==, 2);
  g_assert_cmpstr (response->redirects[0], ==, "https://rdap.web.test/hop2");
  g_assert_cmpstr (response->redirects[1], ==, "https://data.web.test/hop3");
  g_assert_cmpstr (response->content_type, ==, "text/plain");
  g_assert_cmpmem (g_bytes_get_data (response->body, NULL), g_bytes_get_size (response->body),
                   "arrived", 7);
  g_clear_pointer (&response, md_http_response_free);

  /* Same-site policy: another registrable domain is refused. */
  response = fetch (http, "https://rdap.web.test/away", &options, &error);
  g_assert_null (response);
  g_assert_error (error, MD_HTTP_ERROR, MD_HTTP_ERROR_REDIRECT_REFUSED);
  g_assert_cmpstr (error->message, ==,
                   "rdap.web.test redirects to another site (imprint-home.test), which is not "
                   "followed here");
  g_clear_error (&error);

  /* A loop ends after max_redirects. */
  options.redirects = MD_HTTP_REDIRECT_ANY;
  options.max_redirects = 5;
  response = fetch (http, "https://imprint-loop.test/", &options, &error);
  g_assert_null (response);
  g_assert_error (error, MD_HTTP_ERROR, MD_HTTP_ERROR_TOO_MANY_REDIRECTS);
  g_assert_cmpstr (error->message, ==, "More than 5 redirects; the last went to imprint-loop.test");
}

static void
test_http_bad_url (void)
{
  g_autoptr(MdHttp) http = md_test_web_new_http (http_port, https_port);
  g_autoptr(GError) error = NULL;
  g_autoptr(MdHttpResponse) response = NULL;

  response = fetch (http, "ftp://example.test/", NULL, &error);
  g_assert_null (response);
  g_assert_error (error, MD_HTTP_ERROR, MD_HTTP_ERROR_BAD_URL);
  g_assert_cmpstr (error->message, ==, "“ftp://example.test/” is not an http or https address");
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);

  return G_SOURCE_REMOVE;
}

static void
test_http_cancel (void)
{
  g_autoptr(MdHttp) http = md_test_web_new_http (http_port, silent_port);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  gint64 start = g_get_monotonic_time ();
  Wait wait = { 0 };

  /* The caller's cancellation is reported as such, not as a timeout. */
  md_http_fetch_async (http, "https://mta-sts.slow.web.test/", NULL, cancellable, fetch_cb, &wait);
  g_timeout_add_full (G_PRIORITY_DEFAULT, 100, cancel_cb, g_object_ref (cancellable),
                      g_object_unref);
  g_assert_true (md_test_main_loop_run_until (&wait.done, 10000));
  g_assert_null (wait.value);
  g_assert_error (wait.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&wait.error);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
}

static void
test_http_registrable_domain (void)
{
  static const struct { const char *host; const char *domain; } cases[] = {
    { "mail.example.de", "example.de" },
    { "MAIL.Example.DE.", "example.de" },
    { "example.de", "example.de" },
    { "static.1.2.3.4.clients.your-server.de", "your-server.de" },
    { "mail.foo.co.uk", "foo.co.uk" },
    { "mx.example.com.au", "example.com.au" },
    { "a.b.c.web.test", "web.test" },
    { "mail.imprint-home.test", "imprint-home.test" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *domain = md_http_registrable_domain (cases[i].host, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (domain, ==, cases[i].domain);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autofree char *domain = md_http_registrable_domain ("co.uk", &error);

    g_assert_null (domain);
    g_assert_error (error, MD_HTTP_ERROR, MD_HTTP_ERROR_BAD_URL);
  }
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *domain = md_http_registrable_domain ("203.0.113.7", &error);

    g_assert_null (domain);
    g_assert_error (error, MD_HTTP_ERROR, MD_HTTP_ERROR_BAD_URL);
  }

  g_assert_true (md_http_is_same_site ("www.example.co.uk", "example.co.uk"));
  g_assert_false (md_http_is_same_site ("a.co.uk", "b.co.uk"));
}

/* MTA-STS */

static void
mta_sts_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Wait *wait = user_data;

  wait->value = md_mta_sts_fetch_finish (result, &wait->error);
  wait->done = TRUE;
}

static MdMtaStsResult *
mta_sts (MdHttp     *http,
         const char *domain,
         const char *known_id)
{
  g_autoptr(MdResolver) resolver = md_test_knot_resolver (knot, knot_error);
  Wait wait = { 0 };

  if (resolver == NULL)
    return NULL;

  md_mta_sts_fetch_async (MD_DNS_SOURCE (resolver), http, domain, known_id, NULL,
                          mta_sts_cb, &wait);
  g_assert_true (md_test_main_loop_run_until (&wait.done, 20000));
  g_assert_no_error (wait.error);
  g_assert_nonnull (wait.value);

  return wait.value;
}

static void
test_mta_sts_enforce (void)
{
  g_autoptr(MdHttp) http = md_test_web_new_http (http_port, https_port);
  g_autoptr(MdMtaStsResult) result = mta_sts (http, "Enforce.Web.Test.", NULL);
  MdMtaStsMxMatch *mx;
  MdTestRoute *route;

  if (result == NULL)
    return;

  g_assert_cmpint (result->outcome, ==, MD_WEB_OUTCOME_VALID);
  g_assert_cmpstr (result->domain, ==, "enforce.web.test");
  g_assert_cmpstr (result->record_name, ==, "_mta-sts.enforce.web.test");
  g_assert_cmpstr (result->record->id, ==, "20261101T120000");
  g_assert_cmpstr (result->policy_url, ==,
                   "https://mta-sts.enforce.web.test/.well-known/mta-sts.txt");
  g_assert_cmpint (result->policy->mode, ==, MD_MTA_STS_MODE_ENFORCE);
  g_assert_cmpuint (result->policy->max_age, ==, 604800);
  g_assert_cmpuint (g_strv_length (result->policy->mx), ==, 2);
  g_assert_cmpuint (result->mx->len, ==, 2);
  mx = g_ptr_array_index (result->mx, 0);
  g_assert_cmpstr (mx->host, ==, "mx1.enforce.web.test");
  g_assert_cmpuint (mx->preference, ==, 10);
  g_assert_cmpstr (mx->pattern, ==, "mx1.enforce.web.test");
  mx = g_ptr_array_index (result->mx, 1);
  g_assert_cmpstr (mx->host, ==, "mx2.enforce.web.test");
  g_assert_cmpstr (mx->pattern, ==, "*.enforce.web.test");
  g_assert_cmpuint (result->errors->len, ==, 0);
  g_assert_cmpuint (result->warnings->len, ==, 0);
  g_assert_cmpuint (result->notes->len, ==, 0);
  route = md_test_web_get_route ("https://mta-sts.enforce.web.test/.well-known/mta-sts.txt");
  g_assert_cmpuint (route->hits, >=, 1);
}

static void
test_mta_sts_mx_not_covered (void)
{
  g_autoptr(MdHttp) http = md_test_web_new_http (http_port, https_port);
  g_autoptr(MdMtaStsResult) partial = mta_sts (http, "partial.web.test", NULL);
  g_autoptr(MdMtaStsResult) testing = NULL;
  MdMtaStsMxMatch *mx;

  if (partial == NULL)
    return;

  /* enforce: mail to the forgotten backup MX would fail */
  g_assert_cmpint (partial->outcome, ==, MD_WEB_OUTCOME_INVALID);
  g_assert_cmpuint (partial->mx->len, ==, 2);
  mx = g_ptr_array_index (partial->mx, 0);
  g_assert_cmpstr (mx->pattern, ==, "*.partial.web.test");
  mx = g_ptr_array_index (partial->mx, 1);
  g_assert_cmpstr (mx->host, ==, "backup.provider.test");
  g_assert_null (mx->pattern);
  g_assert_cmpuint (partial->errors->len, ==, 1);
  g_assert_cmpstr (issue_message (partial->errors, "mx-not-covered"), ==,
                   "The MX host backup.provider.test is not listed in the policy: senders that "
                   "enforce MTA-STS will not deliver to it");

  /* testing: the same gap is a warning */
  testing = mta_sts (http, "testing.web.test", NULL);
  g_assert_cmpint (testing->outcome, ==, MD_WEB_OUTCOME_VALID);
  g_assert_cmpuint (testing->errors->len, ==, 0);
  assert_has_code (testing->warnings, "mx-not-covered");
  assert_has_code (testing->warnings, "mode-testing");
}

static void
test_mta_sts_http_failures (void)
{
  g_autoptr(MdHttp) http = md_test_web_new_http (http_port, https_port);
  static const struct
  {
    const char *domain;
    const char *code;
    const char *message;
  } cases[] = {
    { "redirect.web.test", "policy-redirect",
      "mta-sts.redirect.web.test answered with a redirect (HTTP 301 to "
      "https://policies.web.test/mta-sts.txt), which is not allowed here" },
    { "ctype.web.test", "policy-content-type",
      "mta-sts.ctype.web.test sent content of type “text/html”; expected text/plain" },
    { "big.web.test", "policy-too-large",
      "The answer from mta-sts.big.web.test is larger than 65536 bytes; reading stopped there" },
    { "status.web.test", "policy-status", "mta-sts.status.web.test answered HTTP 404 Not Found" },
    { "badpolicy.web.test", "policy-invalid", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MdMtaStsResult) result = mta_sts (http, cases[i].domain, NULL);

      if (result == NULL)
        return;
      g_assert_cmpint (result->outcome, ==, MD_WEB_OUTCOME_INVALID);
      g_assert_cmpuint (result->errors->len, ==, 1);
      assert_has_code (result->errors, cases[i].code);
      if (cases[i].message != NULL)
        g_assert_cmpstr (issue_message (result->errors, cases[i].code), ==, cases[i].message);
      g_assert_null (result->policy);
      g_assert_cmpuint (result->mx->len, ==, 0);
    }
}

static void
test_mta_sts_bad_certificate (void)
{
  g_autoptr(MdHttp) http = md_test_web_new_http (http_port, untrusted_port);
  g_autoptr(MdMtaStsResult) result = mta_sts (http, "badcert.web.test", NULL);

  if (result == NULL)
    return;

  g_assert_cmpint (result->outcome, ==, MD_WEB_OUTCOME_INVALID);
  g_assert_cmpstr (issue_message (result->errors, "policy-certificate"), ==,
                   "The certificate of mta-sts.badcert.web.test was rejected: it is not signed "
                   "by a trusted certificate authority");
  g_assert_null (result->policy);
}

static void
test_mta_sts_slow_server (void)
{
  g_autoptr(MdHttp) http = md_test_web_new_http (http_port, silent_port);
  g_autoptr(MdMtaStsResult) result = NULL;
  gint64 start = g_get_monotonic_time ();

  md_http_set_timeout (http, 500);
  result = mta_sts (http, "slow.web.test", NULL);
  if (result == NULL)
    return;

  /* Not "passed", not "invalid": we could not decide. */
  g_assert_cmpint (result->outcome, ==, MD_WEB_OUTCOME_UNDECIDED);
  g_assert_cmpstr (issue_message (result->errors, "policy-timeout"), ==,
                   "No complete answer from mta-sts.slow.web.test within 0.5 seconds");
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

static void
test_mta_sts_records (void)
{
  g_autoptr(MdHttp) http = md_test_web_new_http (http_port, https_port);
  g_autoptr(MdMtaStsResult) none = mta_sts (http, "norecord.web.test", NULL);
  g_autoptr(MdMtaStsResult) twice = NULL;
  g_autoptr(MdMtaStsResult) broken = NULL;

  if (none == NULL)
    return;

  g_assert_cmpint (none->outcome, ==, MD_WEB_OUTCOME_ABSENT);
  g_assert_null (none->record);
  g_assert_null (none->policy_url);
  g_assert_cmpuint (none->errors->len, ==, 0);

  twice = mta_sts (http, "twice.web.test", NULL);
  g_assert_cmpint (twice->outcome, ==, MD_WEB_OUTCOME_INVALID);
  assert_has_code (twice->errors, "record-multiple");
  g_assert_null (twice->policy_url);

  broken = mta_sts (http, "broken.web.test", NULL);
  g_assert_cmpint (broken->outcome, ==, MD_WEB_OUTCOME_UNDECIDED);
  assert_has_code (broken->errors, "dns-error");
}

static void
test_mta_sts_mode_none (void)
{
  g_autoptr(MdHttp) http = md_test_web_new_http (http_port, https_port);
  g_autoptr(MdMtaStsResult) result = mta_sts (http, "nomx.web.test", NULL);

  if (result == NULL)
    return;

  g_assert_cmpint (result->outcome, ==, MD_WEB_OUTCOME_VALID);
  g_assert_cmpint (result->policy->mode, ==, MD_MTA_STS_MODE_NONE);
  g_assert_cmpuint (result->errors->len, ==, 0);
  g_assert_cmpuint (result->mx->len, ==, 0);
  g_assert_cmpuint (result->warnings->len, ==, 2);
  g_assert_cmpstr (issue_message (result->warnings, "mode-none"), ==,
                   "The policy mode is “none”: senders are told to stop applying MTA-STS");
  g_assert_cmpstr (issue_message (result->warnings, "no-mx"), ==,
                   "nomx.web.test has no MX records; the MTA-STS policy has nothing to protect");
}

static void
test_mta_sts_id_changed (void)
{
  g_autoptr(MdHttp) http = md_test_web_new_http (http_port, https_port);
  g_autoptr(MdMtaStsResult) result = mta_sts (http, "idchange.web.test", "old2025");

  if (result == NULL)
    return;

  g_assert_cmpint (result->outcome, ==, MD_WEB_OUTCOME_VALID);
  g_assert_cmpuint (result->errors->len, ==, 0);
  g_assert_cmpuint (result->notes->len, ==, 1);
  g_assert_cmpstr (issue_message (result->notes, "id-changed"), ==,
                   "The policy id changed from “old2025” to “new2026”: the domain published a "
                   "new policy, and senders fetch it again");
}

static void
tlsrpt_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Wait *wait = user_data;

  wait->value = md_tlsrpt_lookup_finish (result, &wait->error);
  wait->done = TRUE;
}

static MdTlsRptResult *
tlsrpt (const char *domain)
{
  g_autoptr(MdResolver) resolver = md_test_knot_resolver (knot, knot_error);
  Wait wait = { 0 };

  if (resolver == NULL)
    return NULL;

  md_tlsrpt_lookup_async (MD_DNS_SOURCE (resolver), domain, NULL, tlsrpt_cb, &wait);
  g_assert_true (md_test_main_loop_run_until (&wait.done, 10000));
  g_assert_no_error (wait.error);

  return wait.value;
}

static void
test_tlsrpt (void)
{
  g_autoptr(MdTlsRptResult) ok = tlsrpt ("enforce.web.test");
  g_autoptr(MdTlsRptResult) bad = NULL;
  g_autoptr(MdTlsRptResult) none = NULL;
  g_autoptr(MdTlsRptResult) broken = NULL;

  if (ok == NULL)
    return;

  g_assert_cmpint (ok->outcome, ==, MD_WEB_OUTCOME_VALID);
  g_assert_cmpstr (ok->record_name, ==, "_smtp._tls.enforce.web.test");
  g_assert_cmpuint (g_strv_length (ok->record->rua), ==, 1);
  g_assert_cmpstr (ok->record->rua[0], ==, "mailto:tlsrpt@enforce.web.test");

  bad = tlsrpt ("norecord.web.test");
  g_assert_cmpint (bad->outcome, ==, MD_WEB_OUTCOME_INVALID);
  assert_has_code (bad->errors, "record-invalid");

  none = tlsrpt ("partial.web.test");
  g_assert_cmpint (none->outcome, ==, MD_WEB_OUTCOME_ABSENT);
  g_assert_null (none->record);

  broken = tlsrpt ("broken.web.test");
  g_assert_cmpint (broken->outcome, ==, MD_WEB_OUTCOME_UNDECIDED);
  assert_has_code (broken->errors, "dns-error");
}

/* RDAP */


static MdRdapBootstrap *
test_bootstrap (void)
{
  g_autoptr(MdRdapBootstrap) bootstrap = md_rdap_bootstrap_new ();
  g_autoptr(GBytes) v4 = g_bytes_new_static (rdap_bootstrap_v4, strlen (rdap_bootstrap_v4));
  g_autoptr(GBytes) v6 = g_bytes_new_static (rdap_bootstrap_v6, strlen (rdap_bootstrap_v6));
  g_autoptr(GError) error = NULL;

  g_assert_true (md_rdap_bootstrap_add_file (bootstrap, v4, &error));
  g_assert_no_error (error);
  g_assert_true (md_rdap_bootstrap_add_file (bootstrap, v6, &error));
  g_assert_no_error (error);

  return g_steal_pointer (&bootstrap);
}

static void
rdap_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *wait = user_data;

  wait->value = md_rdap_lookup_finish (result, &wait->error);
  wait->done = TRUE;
}

static MdRdapNetwork *
rdap (const char  *address,
      GError     **error)
{
  g_autoptr(MdHttp) http = md_test_web_new_http (http_port, https_port);
  g_autoptr(MdRdapBootstrap) bootstrap = test_bootstrap ();
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
  Wait wait = { 0 };

  g_assert_nonnull (inet);
  md_rdap_lookup_async (http, bootstrap, inet, NULL, rdap_cb, &wait);
  g_assert_true (md_test_main_loop_run_until (&wait.done, 15000));
  if (wait.error != NULL)
    g_propagate_error (error, wait.error);

  return wait.value;
}

static void
test_rdap_bootstrap_bundled (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdRdapBootstrap) bootstrap = md_rdap_bootstrap_new_bundled (&error);
  static const struct { const char *address; const char *base; } cases[] = {
    { "8.8.8.8", "https://rdap.arin.net/registry/" },
    { "193.0.6.139", "https://rdap.db.ripe.net/" },
    { "88.198.1.1", "https://rdap.db.ripe.net/" },
    { "203.0.113.7", "https://rdap.apnic.net/" },
    { "200.160.2.3", "https://rdap.lacnic.net/rdap/" },
    { "196.216.2.1", "https://rdap.afrinic.net/rdap/" },
    { "2a01:4f8::1", "https://rdap.db.ripe.net/" },
    { "2001:db8::1", "https://rdap.apnic.net/" },
    { "2600:1f18::1", "https://rdap.arin.net/registry/" },
    { "2800:3f0::1", "https://rdap.lacnic.net/rdap/" },
    { "2c0f:f248::1", "https://rdap.afrinic.net/rdap/" },
    { "10.1.2.3", NULL },
    { "127.0.0.1", NULL },
  };

  g_assert_no_error (error);
  g_assert_cmpstr (md_rdap_bootstrap_get_source (bootstrap), ==, "bundled");
  g_assert_nonnull (md_rdap_bootstrap_get_publication (bootstrap, G_SOCKET_FAMILY_IPV4));
  g_assert_nonnull (md_rdap_bootstrap_get_publication (bootstrap, G_SOCKET_FAMILY_IPV6));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (cases[i].address);
      g_autofree char *base = md_rdap_bootstrap_lookup (bootstrap, address);

      g_assert_cmpstr (base, ==, cases[i].base);
    }
}

static void
test_rdap_bootstrap_longest_prefix (void)
{
  g_autoptr(MdRdapBootstrap) bootstrap = test_bootstrap ();
  g_autoptr(GInetAddress) a = g_inet_address_new_from_string ("203.0.113.7");
  g_autoptr(GInetAddress) b = g_inet_address_new_from_string ("203.0.114.7");
  g_autoptr(GInetAddress) c = g_inet_address_new_from_string ("198.51.100.1");
  g_autofree char *base_a = md_rdap_bootstrap_lookup (bootstrap, a);
  g_autofree char *base_b = md_rdap_bootstrap_lookup (bootstrap, b);
  g_autofree char *base_c = md_rdap_bootstrap_lookup (bootstrap, c);
  g_autoptr(GBytes) junk = g_bytes_new_static ("[1, 2", 5);
  g_autoptr(GError) error = NULL;

  /* the /24 wins over the /8; https is chosen over the http URL listed first */
  g_assert_cmpstr (base_a, ==, "https://rdap.web.test/rdap/");
  g_assert_cmpstr (base_b, ==, "https://rir2.web.test/");
  /* a missing trailing slash is added */
  g_assert_cmpstr (base_c, ==, "https://rir1.web.test/");

  g_assert_false (md_rdap_bootstrap_add_file (bootstrap, junk, &error));
  g_assert_error (error, MD_RDAP_ERROR, MD_RDAP_ERROR_BAD_BOOTSTRAP);
}

static void
test_rdap_ipv4 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdRdapNetwork) network = rdap ("203.0.113.7", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (network->address, ==, "203.0.113.7");
  g_assert_cmpstr (network->url, ==, "https://rdap.web.test/rdap/ip/203.0.113.7");
  g_assert_null (network->referred_from);
  g_assert_cmpstr (network->handle, ==, "NET-203-0-113-0-1");
  g_assert_cmpstr (network->name, ==, "EXAMPLE-HOSTING-NET");
  g_assert_cmpstr (network->type, ==, "ASSIGNED PA");
  g_assert_cmpstr (network->country, ==, "DE");
  g_assert_cmpstr (network->start_address, ==, "203.0.113.0");
  g_assert_cmpstr (network->end_address, ==, "203.0.113.255");
  g_assert_cmpstr (network->parent_handle, ==, "NET-203-0-0-0-0");
  g_assert_cmpuint (g_strv_length (network->cidrs), ==, 1);
  g_assert_cmpstr (network->cidrs[0], ==, "203.0.113.0/24");
  g_assert_cmpstr (network->covering_prefix, ==, "203.0.113.0/24");
  g_assert_cmpstr (network->organisation, ==, "Example Hosting GmbH");
  /* nested inside the registrant, not the technical contact's address */
  g_assert_cmpstr (network->abuse_name, ==, "Abuse Team");
  g_assert_cmpstr (network->abuse_email, ==, "abuse@hosting.example");
}

static void
test_rdap_ipv6 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdRdapNetwork) network = rdap ("2001:db8:5::25", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (network->url, ==, "https://rdap.web.test/rdap/ip/2001:db8:5::25");
  g_assert_cmpstr (network->name, ==, "EXAMPLE-NETWORKS-V6");
  g_assert_cmpstr (network->country, ==, "AT");
  /* no cidr0: the prefix comes from start and end */
  g_assert_cmpuint (g_strv_length (network->cidrs), ==, 1);
  g_assert_cmpstr (network->cidrs[0], ==, "2001:db8:5::/48");
  g_assert_cmpstr (network->covering_prefix, ==, "2001:db8:5::/48");
  /* the vCard org wins over fn */
  g_assert_cmpstr (network->organisation, ==, "Example Networks e.V.");
  g_assert_cmpstr (network->abuse_email, ==, "abuse@networks.example");
}

static void
test_rdap_redirect_and_referral (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdRdapNetwork) moved = rdap ("198.51.100.5", &error);
  g_autoptr(MdRdapNetwork) referred = NULL;

  /* an HTTP redirect between registries: normal RDAP */
  g_assert_no_error (error);
  g_assert_cmpstr (moved->url, ==, "https://rir2.web.test/ip/198.51.100.5");
  g_assert_null (moved->referred_from);
  g_assert_cmpstr (moved->name, ==, "RIR2-CUSTOMER");

  /* a referral link in the first registry's answer */
  referred = rdap ("198.51.100.77", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (referred->url, ==, "https://rir2.web.test/ip/198.51.100.77");
  g_assert_cmpstr (referred->referred_from, ==, "https://rir1.web.test/ip/198.51.100.77");
  g_assert_cmpstr (referred->name, ==, "RIR2-CUSTOMER");
  g_assert_cmpstr (referred->abuse_email, ==, "abuse@customer.example");

  /* never down to plain http: the answer would be unauthenticated */
  g_clear_pointer (&moved, md_rdap_network_free);
  moved = rdap ("198.51.100.9", &error);
  g_assert_null (moved);
  g_assert_error (error, MD_HTTP_ERROR, MD_HTTP_ERROR_REDIRECT_REFUSED);
  g_assert_cmpstr (error->message, ==,
                   "rir1.web.test redirects to an unencrypted address "
                   "(http://rir2.web.test/ip/198.51.100.9), which is not followed here");
}

static void
test_rdap_errors (void)
{
  static const struct { const char *address; int code; const char *message; } cases[] = {
    { "192.0.2.1", MD_RDAP_ERROR_NOT_FOUND,
      "The registry has no network for 192.0.2.1 (HTTP 404 from "
      "https://rdap.web.test/rdap/ip/192.0.2.1)" },
    { "192.0.2.99", MD_RDAP_ERROR_BAD_RESPONSE,
      "The registry's answer is not RDAP JSON (content type “text/html”)" },
    { "192.0.2.50", MD_RDAP_ERROR_BAD_RESPONSE, NULL },
    { "10.0.0.1", MD_RDAP_ERROR_SPECIAL_ADDRESS,
      "10.0.0.1 is a private or special-purpose address; no registry records an owner for it" },
    { "fd00::1", MD_RDAP_ERROR_SPECIAL_ADDRESS, NULL },
    { "100.64.0.1", MD_RDAP_ERROR_NO_REGISTRY, "No registry is known for 100.64.0.1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MdRdapNetwork) network = rdap (cases[i].address, &error);

      g_assert_null (network);
      g_assert_error (error, MD_RDAP_ERROR, cases[i].code);
      if (cases[i].message != NULL)
        g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

static void
test_rdap_parse_range (void)
{
  static const char json[] =
    "{\"objectClassName\": \"ip network\", \"handle\": \"X\", "
    "\"startAddress\": \"203.0.113.64\", \"endAddress\": \"203.0.113.191\"}";
  g_autoptr(GError) error = NULL;
  g_autoptr(MdRdapNetwork) network = md_rdap_network_parse (json, -1, &error);
  g_autoptr(MdRdapNetwork) other = NULL;

  g_assert_no_error (error);
  /* not one prefix: no cidr, but the covering /24 */
  g_assert_cmpuint (g_strv_length (network->cidrs), ==, 0);
  g_assert_cmpstr (network->covering_prefix, ==, "203.0.113.0/24");
  g_assert_null (network->organisation);
  g_assert_null (network->abuse_email);

  other = md_rdap_network_parse ("{\"errorCode\": 400, \"title\": \"Bad Request\"}", -1, &error);
  g_assert_null (other);
  g_assert_error (error, MD_RDAP_ERROR, MD_RDAP_ERROR_BAD_RESPONSE);
  g_assert_cmpstr (error->message, ==,
                   "The registry did not answer with an IP network (Bad Request)");
}

static void
refresh_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Wait *wait = user_data;

  wait->value = md_rdap_bootstrap_refresh_finish (result, &wait->error);
  wait->done = TRUE;
}

static MdRdapBootstrap *
refresh (const char *base,
         const char *cache_dir)
{
  g_autoptr(MdHttp) http = md_test_web_new_http (http_port, https_port);
  Wait wait = { 0 };

  /* One day: the bundled files are older, whenever this runs. */
  md_rdap_bootstrap_refresh_async (http, base, cache_dir, 1, NULL, refresh_cb, &wait);
  g_assert_true (md_test_main_loop_run_until (&wait.done, 15000));
  g_assert_no_error (wait.error);
  g_assert_nonnull (wait.value);

  return wait.value;
}

static void
test_rdap_bootstrap_refresh (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cache_dir = g_dir_make_tmp ("md-rdap-XXXXXX", &error);
  g_autofree char *cache_v4 = NULL;
  g_autofree char *cache_v6 = NULL;
  g_autoptr(MdRdapBootstrap) first = NULL;
  g_autoptr(MdRdapBootstrap) second = NULL;
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string ("203.0.113.7");
  g_autofree char *base = NULL;
  g_autofree char *published = NULL;
  MdTestRoute *v4 = md_test_web_get_route ("https://data.web.test/rdap/ipv4.json");
  guint hits;

  g_assert_no_error (error);
  cache_v4 = g_build_filename (cache_dir, "rdap-ipv4.json", NULL);
  cache_v6 = g_build_filename (cache_dir, "rdap-ipv6.json", NULL);

  /* The bundled files are older than a day: download, and cache. */
  hits = v4->hits;
  first = refresh ("https://data.web.test/rdap/", cache_dir);
  g_assert_cmpstr (md_rdap_bootstrap_get_source (first), ==, "downloaded");
  g_assert_null (md_rdap_bootstrap_get_refresh_error (first));
  g_assert_cmpuint (v4->hits, ==, hits + 1);
  base = md_rdap_bootstrap_lookup (first, address);
  g_assert_cmpstr (base, ==, "https://rdap.web.test/rdap/");
  published = g_date_time_format_iso8601 (md_rdap_bootstrap_get_publication (first,
                                                                             G_SOCKET_FAMILY_IPV4));
  g_assert_cmpstr (published, ==, "2026-11-01T00:00:00Z");
  g_assert_true (g_file_test (cache_v4, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (cache_v6, G_FILE_TEST_IS_REGULAR));

  /* Fresh in the cache: no second download. */
  second = refresh ("https://data.web.test/rdap/", cache_dir);
  g_assert_cmpstr (md_rdap_bootstrap_get_source (second), ==, "cache");
  g_assert_cmpuint (v4->hits, ==, hits + 1);

  g_assert_cmpint (g_remove (cache_v4), ==, 0);
  g_assert_cmpint (g_remove (cache_v6), ==, 0);
  g_assert_cmpint (g_rmdir (cache_dir), ==, 0);
}

static void
test_rdap_bootstrap_refresh_fails (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cache_dir = g_dir_make_tmp ("md-rdap-XXXXXX", &error);
  g_autoptr(MdRdapBootstrap) bootstrap = NULL;
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string ("8.8.8.8");
  g_autofree char *base = NULL;

  g_assert_no_error (error);
  bootstrap = refresh ("https://data.web.test/broken/", cache_dir);

  /* The bundled files, and why they were not replaced. */
  g_assert_cmpstr (md_rdap_bootstrap_get_source (bootstrap), ==, "bundled");
  g_assert_cmpstr (md_rdap_bootstrap_get_refresh_error (bootstrap), ==,
                   "data.web.test answered HTTP 500 Internal Server Error");
  base = md_rdap_bootstrap_lookup (bootstrap, address);
  g_assert_cmpstr (base, ==, "https://rdap.arin.net/registry/");
  g_assert_cmpint (g_rmdir (cache_dir), ==, 0);
}

/* Imprint */

static void
imprint_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Wait *wait = user_data;

  wait->value = md_imprint_check_finish (result, &wait->error);
  wait->done = TRUE;
}

static MdImprintResult *
imprint (MdHttp     *http,
         const char *ptr)
{
  Wait wait = { 0 };

  md_imprint_check_async (http, ptr, NULL, imprint_cb, &wait);
  g_assert_true (md_test_main_loop_run_until (&wait.done, 30000));
  g_assert_no_error (wait.error);
  g_assert_nonnull (wait.value);

  return wait.value;
}

static void
test_imprint_found (void)
{
  g_autoptr(MdHttp) http = md_test_web_new_http (http_port, https_port);
  g_autoptr(MdImprintResult) result = imprint (http, "mail.imprint-home.test");
  const char *kinds[] = { "email", "phone", "address", NULL };

  g_assert_cmpint (result->outcome, ==, MD_IMPRINT_FOUND);
  g_assert_cmpstr (result->domain, ==, "imprint-home.test");
  g_assert_false (result->generic_ptr);
  g_assert_cmpstr (result->site_url, ==, "https://imprint-home.test/");
  g_assert_true (result->https);
  /* the Impressum link, not the script's or the comment's, and over Kontakt */
  g_assert_cmpstr (result->imprint_url, ==, "https://imprint-home.test/impressum");
  g_assert_cmpstr (result->imprint_text, ==, "Impressum & Datenschutz");
  g_assert_true (result->contact_confirmed);
  g_assert_cmpstrv (result->contact_kinds, kinds);
  g_assert_cmpuint (result->attempts->len, ==, 0);
  g_assert_cmpstr (result->reason, ==,
                   "The website https://imprint-home.test/ has an imprint or contact page with "
                   "contact details: https://imprint-home.test/impressum");
}

static void
test_imprint_http_to_https (void)
{
  g_autoptr(MdHttp) http = md_test_web_new_http (http_port, https_port);
  g_autoptr(MdImprintResult) result = imprint (http, "mx01.imprint-redirect.test");
  const char *kinds[] = { "email", "phone", NULL };
  MdRecordWarning *attempt;

  g_assert_cmpint (result->outcome, ==, MD_IMPRINT_FOUND);
  g_assert_cmpstr (result->site_url, ==, "https://secure.imprint-redirect.test/");
  g_assert_true (result->https);
  g_assert_cmpstr (result->imprint_url, ==, "https://secure.imprint-redirect.test/contact.html");
  g_assert_cmpstr (result->imprint_text, ==, "Contact us");
  g_assert_cmpstrv (result->contact_kinds, kinds);
  /* https://D/ and https://www.D/ failed first */
  g_assert_cmpuint (result->attempts->len, ==, 2);
  attempt = g_ptr_array_index (result->attempts, 0);
  g_assert_cmpstr (attempt->code, ==, "https://imprint-redirect.test/");
  g_assert_cmpstr (attempt->message, ==,
                   "imprint-redirect.test answered HTTP 503 Service Unavailable");
}

static void
test_imprint_not_found (void)
{
  g_autoptr(MdHttp) http = md_test_web_new_http (http_port, https_port);
  g_autoptr(MdImprintResult) result = imprint (http, "mail.imprint-none.test");

  g_assert_cmpint (result->outcome, ==, MD_IMPRINT_NOT_FOUND);
  g_assert_null (result->imprint_url);
  g_assert_cmpstr (result->reason, ==,
                   "The website https://imprint-none.test/ has no link to an imprint or contact "
                   "page (looked for Impressum, Imprint, Kontakt, Contact, Legal notice)");
}

static void
test_imprint_site_down (void)
{
  g_autoptr(MdHttp) http = md_test_web_new_http (closed_port, closed_port);
  g_autoptr(MdImprintResult) result = imprint (http, "mail.imprint-home.test");
  MdRecordWarning *attempt;

  g_assert_cmpint (result->outcome, ==, MD_IMPRINT_NO_WEBSITE);
  g_assert_cmpuint (result->attempts->len, ==, 4);
  attempt = g_ptr_array_index (result->attempts, 3);
  g_assert_cmpstr (attempt->code, ==, "http://www.imprint-home.test/");
  g_assert_true (g_str_has_prefix (attempt->message, "Could not reach www.imprint-home.test: "));
  g_assert_true (g_str_has_prefix (result->reason, "No website answers for imprint-home.test: "));
}

static void
test_imprint_hoster_ptr (void)
{
  g_autoptr(MdHttp) http = md_test_web_new_http (http_port, https_port);
  g_autoptr(MdImprintResult) result = imprint (http, "static.4.3.2.1.clients.hoster-web.test");
  g_autoptr(MdImprintResult) ip = NULL;

  g_assert_cmpint (result->outcome, ==, MD_IMPRINT_FOUND);
  g_assert_cmpstr (result->domain, ==, "hoster-web.test");
  g_assert_true (result->generic_ptr);
  g_assert_cmpstr (result->imprint_url, ==, "https://hoster-web.test/legal-notice");
  g_assert_true (result->contact_confirmed);
  g_assert_nonnull (strstr (result->reason, "is a generic name of the hoster hoster-web.test"));

  ip = imprint (http, "203.0.113.7");
  g_assert_cmpint (ip->outcome, ==, MD_IMPRINT_NO_DOMAIN);
  g_assert_null (ip->domain);
}

static void
test_imprint_scanner (void)
{
  static const char html[] =
    "<html><script>document.write('<a href=\"/evil\">Impressum</a>')</script>"
    "<!-- <a href=\"/old\">Imprint</a> -->"
    "<A HREF=/kontakt class=nav>Kon<b>takt</b></A>"
    "<a name=top></a>"
    "<a href='/x?a=1&amp;b=2' title=\"a > b\">Stra&szlig;e &#252; &#x41;</a>"
    "<a href=\"/unclosed\">first <a href=\"/second\">second</a>"
    "<a href=\"/trailing\">no end";
  g_autoptr(GPtrArray) links = md_html_scan_links (html, strlen (html));
  MdHtmlLink *link;

  g_assert_cmpuint (links->len, ==, 5);
  link = g_ptr_array_index (links, 0);
  g_assert_cmpstr (link->href, ==, "/kontakt");
  g_assert_cmpstr (link->text, ==, "Kon takt");
  link = g_ptr_array_index (links, 1);
  g_assert_cmpstr (link->href, ==, "/x?a=1&b=2");
  g_assert_cmpstr (link->text, ==, "Straße ü A");
  link = g_ptr_array_index (links, 2);
  g_assert_cmpstr (link->href, ==, "/unclosed");
  g_assert_cmpstr (link->text, ==, "first");
  link = g_ptr_array_index (links, 3);
  g_assert_cmpstr (link->href, ==, "/second");
  link = g_ptr_array_index (links, 4);
  g_assert_cmpstr (link->text, ==, "no end");

  g_assert_cmpint (md_imprint_link_score ("/impressum", "Impressum"), >,
                   md_imprint_link_score ("/kontakt", "Kontakt"));
  g_assert_cmpint (md_imprint_link_score ("/kontakt", "Kontakt"), >,
                   md_imprint_link_score ("/legal/privacy", "Privacy"));
  g_assert_cmpint (md_imprint_link_score ("/p/17", "IMPRESSUM"), >, 0);
  g_assert_cmpint (md_imprint_link_score ("/rechtliches", "Legal Notice"), >, 0);
  g_assert_cmpint (md_imprint_link_score ("/a", "Anbieterkennzeichnung"), >, 0);
  g_assert_cmpint (md_imprint_link_score ("mailto:kontakt@example.de", "Kontakt"), ==, 0);
  g_assert_cmpint (md_imprint_link_score ("/blog", "Über uns"), ==, 0);
}

static void
test_imprint_contact_kinds (void)
{
  static const struct { const char *html; const char *kinds; } cases[] = {
    { "<p>Muster GmbH<br>Hauptstraße 5<br>80331 München</p>", "address" },
    { "<p>E-Mail: info (at) example.de</p>", "email" },
    { "<a href=\"mailto:office@example.at\">Schreiben Sie uns</a>", "email" },
    { "<p>Tel.: 089 / 123 456-0</p>", "phone" },
    { "<p>Call +44 20 7946 0000</p>", "phone" },
    { "<p>Version 2.0, 12345 downloads, @home</p>", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(GStrv) kinds = md_imprint_find_contact_kinds (cases[i].html, strlen (cases[i].html));
      g_autofree char *joined = g_strjoinv (",", kinds);

      g_assert_cmpstr (joined, ==, cases[i].kinds);
    }

  g_assert_true (md_imprint_is_generic_ptr ("static.1.2.3.4.clients.your-server.de",
                                            "your-server.de"));
  g_assert_true (md_imprint_is_generic_ptr ("ip-203-0-113-7.ip.secureserver.net",
                                            "secureserver.net"));
  g_assert_true (md_imprint_is_generic_ptr ("vps123456.ovh.net", "ovh.net"));
  g_assert_false (md_imprint_is_generic_ptr ("mail.example.de", "example.de"));
  g_assert_false (md_imprint_is_generic_ptr ("mx01.example.de", "example.de"));
  g_assert_false (md_imprint_is_generic_ptr ("example.de", "example.de"));
}

/* Routes */








static void
setup_routes (void)
{
  /* Short, for a table of routes a line each. */
  MdTestRoute *(*add_route) (const char *, guint, const char *, const char *) =
    md_test_web_add_route;
  static char big[70 * 1024];
  MdTestRoute *route;

  /* MTA-STS */
  add_route ("https://mta-sts.enforce.web.test/.well-known/mta-sts.txt", 200,
             "text/plain; charset=utf-8", enforce_policy);
  add_route ("https://mta-sts.partial.web.test/.well-known/mta-sts.txt", 200, "text/plain",
             "version: STSv1\nmode: enforce\nmx: *.partial.web.test\nmax_age: 86400\n");
  add_route ("https://mta-sts.testing.web.test/.well-known/mta-sts.txt", 200, "text/plain",
             "version: STSv1\nmode: testing\nmx: mail.testing.web.test\nmax_age: 86400\n");
  route = add_route ("https://mta-sts.redirect.web.test/.well-known/mta-sts.txt", 301, NULL, NULL);
  route->location = "https://policies.web.test/mta-sts.txt";
  add_route ("https://policies.web.test/mta-sts.txt", 200, "text/plain", enforce_policy);
  add_route ("https://mta-sts.ctype.web.test/.well-known/mta-sts.txt", 200, "text/html",
             "<html>version: STSv1</html>");
  memset (big, '#', sizeof big);
  memcpy (big, "version: STSv1\nmode: enforce\nmx: mx.big.web.test\nmax_age: 86400\n", 63);
  route = add_route ("https://mta-sts.big.web.test/.well-known/mta-sts.txt", 200, "text/plain",
                     big);
  route->size = sizeof big;
  route->chunked = TRUE;
  add_route ("https://mta-sts.badcert.web.test/.well-known/mta-sts.txt", 200, "text/plain",
             "version: STSv1\nmode: enforce\nmx: mx.badcert.web.test\nmax_age: 86400\n");
  add_route ("https://mta-sts.badpolicy.web.test/.well-known/mta-sts.txt", 200, "text/plain",
             "version: STSv1\nmode: strict\nmx: mx.badpolicy.web.test\nmax_age: 86400\n");
  add_route ("https://mta-sts.nomx.web.test/.well-known/mta-sts.txt", 200, "text/plain",
             "version: STSv1\nmode: none\nmx: mx.nomx.web.test\nmax_age: 86400\n");
  add_route ("https://mta-sts.idchange.web.test/.well-known/mta-sts.txt", 200, "text/plain",
             "version: STSv1\nmode: enforce\nmx: mx.idchange.web.test\nmax_age: 86400\n");

  /* plain HTTP layer */
  route = add_route ("http://rdap.web.test/hop1", 302, NULL, NULL);
  route->location = "https://rdap.web.test/hop2";
  route = add_route ("https://rdap.web.test/hop2", 301, NULL, NULL);
  route->location = "//data.web.test/hop3";
  add_route ("https://data.web.test/hop3", 200, "text/plain", "arrived");
  route = add_route ("https://rdap.web.test/away", 302, NULL, NULL);
  route->location = "https://imprint-home.test/";
  route = add_route ("https://imprint-loop.test/", 302, NULL, NULL);
  route->location = "/again";
  route = add_route ("https://imprint-loop.test/again", 302, NULL, NULL);
  route->location = "/";

  /* RDAP */
  add_route ("https://rdap.web.test/rdap/ip/203.0.113.7", 200, "application/rdap+json", rdap_v4);
  add_route ("https://rdap.web.test/rdap/ip/2001:db8:5::25", 200, "application/rdap+json", rdap_v6);
  add_route ("https://rdap.web.test/rdap/ip/192.0.2.1", 404, "application/rdap+json",
             "{\"errorCode\": 404, \"title\": \"Not Found\"}");
  add_route ("https://rdap.web.test/rdap/ip/192.0.2.99", 200, "text/html",
             "<html><body>Maintenance</body></html>");
  add_route ("https://rdap.web.test/rdap/ip/192.0.2.50", 200, "application/json", "{\"handle\": ");
  route = add_route ("https://rir1.web.test/ip/198.51.100.5", 301, NULL, NULL);
  route->location = "https://rir2.web.test/ip/198.51.100.5";
  add_route ("https://rir2.web.test/ip/198.51.100.5", 200, "application/rdap+json", rdap_rir2);
  route = add_route ("https://rir1.web.test/ip/198.51.100.9", 302, NULL, NULL);
  route->location = "http://rir2.web.test/ip/198.51.100.9";
  add_route ("https://rir1.web.test/ip/198.51.100.77", 200, "application/rdap+json",
             rdap_rir1_referral);
  add_route ("https://rir2.web.test/ip/198.51.100.77", 200, "application/rdap+json", rdap_rir2);
  add_route ("https://data.web.test/rdap/ipv4.json", 200, "application/json", refreshed_v4);
  add_route ("https://data.web.test/rdap/ipv6.json", 200, "application/json", refreshed_v6);
  add_route ("https://data.web.test/broken/ipv4.json", 500, "text/plain", "oops");

  /* Imprint */
  add_route ("https://imprint-home.test/", 200, "text/html; charset=utf-8", imprint_home);
  add_route ("https://imprint-home.test/impressum", 200, "text/html", imprint_home_page);
  add_route ("https://imprint-redirect.test/", 503, "text/plain", "down");
  add_route ("https://www.imprint-redirect.test/", 503, "text/plain", "down");
  route = add_route ("http://imprint-redirect.test/", 301, NULL, NULL);
  route->location = "https://secure.imprint-redirect.test/";
  add_route ("https://secure.imprint-redirect.test/", 200, "text/html", imprint_secure);
  add_route ("https://secure.imprint-redirect.test/contact.html", 200, "text/html",
             imprint_secure_contact);
  add_route ("https://imprint-none.test/", 200, "text/html", imprint_none);
  add_route ("https://hoster-web.test/", 200, "text/html", imprint_hoster);
  add_route ("https://hoster-web.test/legal-notice", 200, "text/html", imprint_hoster_page);
}

static void
start_servers (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  md_test_web_init ();
  setup_routes ();
  md_test_web_start_server ("server.pem", "server-key.pem", &https_port, &http_port);
  md_test_web_start_server ("untrusted.pem", "untrusted-key.pem", &untrusted_port, NULL);
  closed_port = free_port_then_close ();

  silent_connections = g_ptr_array_new_with_free_func (g_object_unref);
  silent_service = g_socket_service_new ();
  g_socket_listener_add_address (G_SOCKET_LISTENER (silent_service), any_port,
                                 G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, &bound,
                                 &error);
  g_assert_no_error (error);
  silent_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_signal_connect (silent_service, "incoming", G_CALLBACK (silent_incoming_cb), NULL);
  g_socket_service_start (silent_service);
}

static void
stop_servers (void)
{
  g_socket_service_stop (silent_service);
  g_socket_listener_close (G_SOCKET_LISTENER (silent_service));
  g_clear_object (&silent_service);
  g_clear_pointer (&silent_connections, g_ptr_array_unref);
  md_test_web_clear ();
  g_clear_pointer (&fixtures, g_ptr_array_unref);
  g_clear_pointer (&knot, md_test_knot_free);
  g_clear_error (&knot_error);
}

int
main (int   argc,
      char *argv[])
{
  MdTestKnotOptions options = { zones, failing_zones };
  int status;

  /* Straight to our servers, whatever proxy the machine has configured;
   * libproxy (C++) also cannot run under ASan in a C program. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, NULL);
  md_core_init ();
  load_fixtures ();

  g_test_add_func ("/MailDoctor/Web/http/no-tls-backend", test_http_no_tls_backend);
  g_test_add_func ("/MailDoctor/Web/http/registrable-domain", test_http_registrable_domain);
  g_test_add_func ("/MailDoctor/Web/imprint/scanner", test_imprint_scanner);
  g_test_add_func ("/MailDoctor/Web/imprint/contact-kinds", test_imprint_contact_kinds);
  g_test_add_func ("/MailDoctor/Web/rdap/bootstrap-bundled", test_rdap_bootstrap_bundled);
  g_test_add_func ("/MailDoctor/Web/rdap/bootstrap-longest-prefix",
                   test_rdap_bootstrap_longest_prefix);
  g_test_add_func ("/MailDoctor/Web/rdap/parse-range", test_rdap_parse_range);

  /* The child of the no-TLS test runs with a dummy TLS backend: it starts
   * no servers (they need TLS). */
  if (g_test_subprocess ())
    {
      status = g_test_run ();
      g_clear_pointer (&fixtures, g_ptr_array_unref);
      return status;
    }

  /* Without glib-networking these fail here, loudly; they never skip. */
  g_test_add_func ("/MailDoctor/Web/http/tls-backend", test_http_tls_backend);
  g_test_add_func ("/MailDoctor/Web/http/redirects", test_http_redirects);
  g_test_add_func ("/MailDoctor/Web/http/bad-url", test_http_bad_url);
  g_test_add_func ("/MailDoctor/Web/http/cancel", test_http_cancel);
  g_test_add_func ("/MailDoctor/Web/mta-sts/enforce", test_mta_sts_enforce);
  g_test_add_func ("/MailDoctor/Web/mta-sts/mx-not-covered", test_mta_sts_mx_not_covered);
  g_test_add_func ("/MailDoctor/Web/mta-sts/http-failures", test_mta_sts_http_failures);
  g_test_add_func ("/MailDoctor/Web/mta-sts/bad-certificate", test_mta_sts_bad_certificate);
  g_test_add_func ("/MailDoctor/Web/mta-sts/slow-server", test_mta_sts_slow_server);
  g_test_add_func ("/MailDoctor/Web/mta-sts/records", test_mta_sts_records);
  g_test_add_func ("/MailDoctor/Web/mta-sts/id-changed", test_mta_sts_id_changed);
  g_test_add_func ("/MailDoctor/Web/mta-sts/mode-none", test_mta_sts_mode_none);
  g_test_add_func ("/MailDoctor/Web/tls-rpt", test_tlsrpt);
  g_test_add_func ("/MailDoctor/Web/rdap/ipv4", test_rdap_ipv4);
  g_test_add_func ("/MailDoctor/Web/rdap/ipv6", test_rdap_ipv6);
  g_test_add_func ("/MailDoctor/Web/rdap/redirect-and-referral", test_rdap_redirect_and_referral);
  g_test_add_func ("/MailDoctor/Web/rdap/errors", test_rdap_errors);
  g_test_add_func ("/MailDoctor/Web/rdap/bootstrap-refresh", test_rdap_bootstrap_refresh);
  g_test_add_func ("/MailDoctor/Web/rdap/bootstrap-refresh-fails",
                   test_rdap_bootstrap_refresh_fails);
  g_test_add_func ("/MailDoctor/Web/imprint/found", test_imprint_found);
  g_test_add_func ("/MailDoctor/Web/imprint/http-to-https", test_imprint_http_to_https);
  g_test_add_func ("/MailDoctor/Web/imprint/not-found", test_imprint_not_found);
  g_test_add_func ("/MailDoctor/Web/imprint/site-down", test_imprint_site_down);
  g_test_add_func ("/MailDoctor/Web/imprint/hoster-ptr", test_imprint_hoster_ptr);

  start_servers ();
  knot = md_test_knot_new_full (&options, &knot_error);

  status = g_test_run ();

  stop_servers ();

  return status;
}
