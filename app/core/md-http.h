/* md-http.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* The engine's HTTP layer over libsoup 3: one SoupSession per MdHttp with
 * our user agent, certificates verified against the system trust (or a
 * database a test installs), every request bounded in time and size, and
 * redirects followed by us, one hop at a time, under a per-request policy
 * (so a hop can be checked and counted, and so that MTA-STS can refuse them
 * as RFC 8461 3.3 demands). Everything is asynchronous. */

#define MD_HTTP_ERROR (md_http_error_quark ())

typedef enum
{
  MD_HTTP_ERROR_NO_TLS,             /* no TLS backend: glib-networking missing */
  MD_HTTP_ERROR_BAD_URL,
  MD_HTTP_ERROR_CONNECT,            /* name not found, connection refused or reset */
  MD_HTTP_ERROR_CERTIFICATE,        /* the server's certificate was not accepted */
  MD_HTTP_ERROR_TLS,                /* handshake failed for another reason */
  MD_HTTP_ERROR_TIMEOUT,
  MD_HTTP_ERROR_STATUS,             /* a status the caller did not accept */
  MD_HTTP_ERROR_REDIRECT_REFUSED,   /* a redirect where the policy allows none */
  MD_HTTP_ERROR_TOO_MANY_REDIRECTS,
  MD_HTTP_ERROR_CONTENT_TYPE,
  MD_HTTP_ERROR_TOO_LARGE,
  MD_HTTP_ERROR_FAILED,
} MdHttpError;

typedef enum
{
  MD_HTTP_REDIRECT_NONE,            /* a 3xx answer is an error (MTA-STS) */
  MD_HTTP_REDIRECT_SAME_SITE,       /* only within the same registrable domain */
  MD_HTTP_REDIRECT_ANY,             /* anywhere, http or https */
} MdHttpRedirectPolicy;

#define MD_HTTP_DEFAULT_TIMEOUT_MS    10000
#define MD_HTTP_DEFAULT_MAX_SIZE      (1024 * 1024)
#define MD_HTTP_DEFAULT_MAX_REDIRECTS 5

/* Zero-initialise and set what you need; 0 / NULL mean the defaults. */
typedef struct
{
  MdHttpRedirectPolicy  redirects;
  guint                 max_redirects;     /* 0: MD_HTTP_DEFAULT_MAX_REDIRECTS */
  gsize                 max_size;          /* body bytes; 0: MD_HTTP_DEFAULT_MAX_SIZE */
  guint                 timeout_ms;        /* whole request, redirects and body; 0: the MdHttp's */
  const char           *accept;            /* Accept header, or NULL */
  const char * const   *content_types;     /* accepted media types ("text/plain"), NULL: any */
  gboolean              any_status;        /* hand back 4xx/5xx answers instead of an error */
  gboolean              https_only;        /* refuse a redirect to plain http */
  gboolean              public_redirects_only; /* refuse a redirect to a private or special
                                                * address (an IP literal, or a name that
                                                * connects there when the first hop was public) */
} MdHttpRequestOptions;

typedef struct
{
  char      *url;             /* the URL that answered, after redirects */
  GStrv      redirects;       /* every URL a redirect led to, in order */
  guint      status;
  char      *reason;
  char      *content_type;    /* media type, lower case, without parameters; NULL if none */
  GBytes    *body;
} MdHttpResponse;

#define MD_TYPE_HTTP_RESPONSE (md_http_response_get_type ())

GType           md_http_response_get_type (void) G_GNUC_CONST;
MdHttpResponse *md_http_response_copy     (const MdHttpResponse *response);
void            md_http_response_free     (MdHttpResponse       *response);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdHttpResponse, md_http_response_free)

#define MD_TYPE_HTTP (md_http_get_type ())
G_DECLARE_FINAL_TYPE (MdHttp, md_http, MD, HTTP, GObject)

GQuark          md_http_error_quark             (void);

MdHttp         *md_http_new                     (void);
SoupSession    *md_http_get_session             (MdHttp                     *self);
guint           md_http_get_timeout             (MdHttp                     *self);
void            md_http_set_timeout             (MdHttp                     *self,
                                                 guint                       timeout_ms);
void            md_http_set_tls_database        (MdHttp                     *self,
                                                 GTlsDatabase               *database);
void            md_http_set_port_override       (MdHttp                     *self,
                                                 guint16                     http_port,
                                                 guint16                     https_port);

void            md_http_fetch_async             (MdHttp                     *self,
                                                 const char                 *url,
                                                 const MdHttpRequestOptions *options,
                                                 GCancellable               *cancellable,
                                                 GAsyncReadyCallback         callback,
                                                 gpointer                    user_data);
MdHttpResponse *md_http_fetch_finish            (MdHttp                     *self,
                                                 GAsyncResult               *result,
                                                 GError                    **error);

gboolean        md_http_check_tls_backend       (GTlsBackend                *backend,
                                                 GError                    **error);
char           *md_http_describe_certificate_errors (GTlsCertificateFlags    flags);
char           *md_http_registrable_domain      (const char                 *host,
                                                 GError                    **error);
gboolean        md_http_is_same_site            (const char                 *host_a,
                                                 const char                 *host_b);

/* FALSE for loopback, private, link-local, shared, documentation,
 * multicast and reserved addresses (RFC 6890), IPv4 and IPv6. */
gboolean md_http_address_is_public (GInetAddress *address);

G_END_DECLS
