/* md-test-web.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "md-http.h"

G_BEGIN_DECLS

/* The in-process web server of the HTTPS tests (test-web, test-security-web):
 * one table of routes that every server started here answers from, host
 * names through md_test_loopback_resolver_new() (every *.test name is
 * 127.0.0.1), and certificates from tests/data/tls/, signed by a test CA
 * that only md_test_web_new_http()'s clients trust, so certificates are
 * verified against the real host names. */

/* What "scheme://host/path" answers; the strings are not copied. */
typedef struct
{
  guint       status;
  const char *content_type;
  const char *body;          /* NULL: no body */
  gsize       size;          /* 0: strlen (body) */
  const char *location;
  gboolean    chunked;       /* no Content-Length: the client must stop reading itself */
  guint       hits;          /* how often it was asked */
} MdTestRoute;

/* Installs the loopback resolver as the default, reads the test CA and
 * starts an empty table of routes. */
void          md_test_web_init          (void);
/* Stops the servers and frees the routes. */
void          md_test_web_clear         (void);

/* Adds or replaces the route of @url ("https://web.test/path"). */
MdTestRoute  *md_test_web_add_route     (const char  *url,
                                         guint        status,
                                         const char  *content_type,
                                         const char  *body);
MdTestRoute  *md_test_web_get_route     (const char  *url);
void          md_test_web_clear_routes  (void);

/* A server on 127.0.0.1 answering the routes over HTTPS with
 * tests/data/tls/@cert_name and @key_name, and over plain HTTP too when
 * @http_port is not NULL; the ports it listens on. */
void          md_test_web_start_server  (const char  *cert_name,
                                         const char  *key_name,
                                         guint16     *https_port,
                                         guint16     *http_port);

/* An MdHttp that reaches the servers (@plain_port, @tls_port for every host)
 * and trusts only the test CA, with a 5 s timeout. The TLS backend check
 * comes first: without glib-networking the tests fail, they never skip. */
MdHttp       *md_test_web_new_http      (guint16      plain_port,
                                         guint16      tls_port);

G_END_DECLS
