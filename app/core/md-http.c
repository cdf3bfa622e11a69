/* md-http.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-http.h"

#define READ_CHUNK 16384

struct _MdHttp
{
  GObject       parent_instance;

  /* Owned */
  SoupSession  *session;
  GTlsDatabase *tls_database;

  guint         timeout_ms;
  guint16       http_port;
  guint16       https_port;
};

G_DEFINE_FINAL_TYPE (MdHttp, md_http, G_TYPE_OBJECT)
G_DEFINE_QUARK (md-http-error-quark, md_http_error)
G_DEFINE_BOXED_TYPE (MdHttpResponse, md_http_response,
                     md_http_response_copy, md_http_response_free)

MdHttpResponse *
md_http_response_copy (const MdHttpResponse *response)
{
  MdHttpResponse *copy;

  g_return_val_if_fail (response != NULL, NULL);

  copy = g_new0 (MdHttpResponse, 1);
  copy->url = g_strdup (response->url);
  copy->redirects = g_strdupv (response->redirects);
  copy->status = response->status;
  copy->reason = g_strdup (response->reason);
  copy->content_type = g_strdup (response->content_type);
  copy->body = response->body != NULL ? g_bytes_ref (response->body) : NULL;

  return copy;
}

void
md_http_response_free (MdHttpResponse *response)
{
  if (response == NULL)
    return;

  g_free (response->url);
  g_strfreev (response->redirects);
  g_free (response->reason);
  g_free (response->content_type);
  g_clear_pointer (&response->body, g_bytes_unref);
  g_free (response);
}

/* One fetch, across its redirects. */
typedef struct
{
  MdHttpRequestOptions  options;
  GStrv                 content_types;
  char                 *accept;

  GUri                 *uri;            /* the URL of the current hop, as the user would see it */
  GPtrArray            *redirects;      /* of char*, NULL-terminated at the end */
  SoupMessage          *message;
  GInputStream         *stream;
  GByteArray           *body;

  GCancellable         *cancellable;    /* ours: cancelled by the caller's or by the deadline */
  GCancellable         *caller_cancellable;
  gulong                cancelled_id;
  GSource              *deadline;
  gboolean              timed_out;
  GTlsCertificateFlags  tls_errors;
  gboolean              tls_checked;
  gboolean              first_hop_public;  /* public_redirects_only: where the first hop went */
} FetchData;

static void
fetch_data_free (FetchData *data)
{
  if (data->caller_cancellable != NULL && data->cancelled_id != 0)
    g_cancellable_disconnect (data->caller_cancellable, data->cancelled_id);
  g_clear_object (&data->caller_cancellable);
  if (data->deadline != NULL)
    {
      g_source_destroy (data->deadline);
      g_source_unref (data->deadline);
    }
  g_clear_object (&data->cancellable);
  g_strfreev (data->content_types);
  g_free (data->accept);
  g_clear_pointer (&data->uri, g_uri_unref);
  g_clear_pointer (&data->redirects, g_ptr_array_unref);
  if (data->message != NULL)
    g_signal_handlers_disconnect_by_data (data->message, data);
  g_clear_object (&data->message);
  g_clear_object (&data->stream);
  g_clear_pointer (&data->body, g_byte_array_unref);
  g_free (data);
}

static void fetch_hop (GTask *task);

static void
md_http_finalize (GObject *object)
{
  MdHttp *self = (MdHttp *)object;

  g_clear_object (&self->session);
  g_clear_object (&self->tls_database);

  G_OBJECT_CLASS (md_http_parent_class)->finalize (object);
}

static void
md_http_class_init (MdHttpClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = md_http_finalize;
}

static void
md_http_init (MdHttp *self)
{
  g_autofree char *user_agent = g_strdup_printf ("MailDoctor/%s", PACKAGE_VERSION);

  self->timeout_ms = MD_HTTP_DEFAULT_TIMEOUT_MS;
  /* libsoup's own I/O timeout is only a backstop: our deadline covers the
   * whole request, from the name lookup to the last byte of the body. */
  self->session = soup_session_new_with_options ("user-agent", user_agent,
                                                 "timeout", 60,
                                                 "idle-timeout", 30,
                                                 "max-conns-per-host", 4,
                                                 NULL);
}

MdHttp *
md_http_new (void)
{
  return g_object_new (MD_TYPE_HTTP, NULL);
}

SoupSession *
md_http_get_session (MdHttp *self)
{
  g_return_val_if_fail (MD_IS_HTTP (self), NULL);

  return self->session;
}

guint
md_http_get_timeout (MdHttp *self)
{
  g_return_val_if_fail (MD_IS_HTTP (self), 0);

  return self->timeout_ms;
}

/* The default deadline of a request, redirects and body included. */
void
md_http_set_timeout (MdHttp *self,
                     guint   timeout_ms)
{
  g_return_if_fail (MD_IS_HTTP (self));

  self->timeout_ms = timeout_ms > 0 ? timeout_ms : MD_HTTP_DEFAULT_TIMEOUT_MS;
}

/* The product verifies certificates against the system trust (glib-networking's
 * default database); the tests install a database that trusts only their own
 * test CA. NULL goes back to the system trust. */
void
md_http_set_tls_database (MdHttp       *self,
                          GTlsDatabase *database)
{
  g_return_if_fail (MD_IS_HTTP (self));
  g_return_if_fail (database == NULL || G_IS_TLS_DATABASE (database));

  if (!g_set_object (&self->tls_database, database))
    return;

  if (database != NULL)
    soup_session_set_tls_database (self->session, database);
  else
    {
      g_autoptr(GTlsDatabase) system = NULL;

      system = g_tls_backend_get_default_database (g_tls_backend_get_default ());
      soup_session_set_tls_database (self->session, system);
    }
}

/* For tests only: connect to @http_port / @https_port on whatever host a URL
 * names, instead of 80 / 443 (the test server cannot bind those). The host
 * name is kept, so the certificate is still verified against it; the test
 * makes that name resolve to loopback with its own GResolver. 0 keeps the
 * URL's port. */
void
md_http_set_port_override (MdHttp  *self,
                           guint16  http_port,
                           guint16  https_port)
{
  g_return_if_fail (MD_IS_HTTP (self));

  self->http_port = http_port;
  self->https_port = https_port;
}

/* glib-networking provides GIO's TLS; without it GIO falls back to a dummy
 * backend and every https:// request fails with an obscure message. */
gboolean
md_http_check_tls_backend (GTlsBackend  *backend,
                           GError      **error)
{
  if (backend == NULL)
    backend = g_tls_backend_get_default ();

  if (!g_tls_backend_supports_tls (backend))
    {
      g_set_error_literal (error, MD_HTTP_ERROR, MD_HTTP_ERROR_NO_TLS,
                           _("HTTPS is not available: install glib-networking"));
      return FALSE;
    }

  return TRUE;
}

char *
md_http_describe_certificate_errors (GTlsCertificateFlags flags)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();

  if (flags & G_TLS_CERTIFICATE_UNKNOWN_CA)
    g_ptr_array_add (parts, _("it is not signed by a trusted certificate authority"));
  if (flags & G_TLS_CERTIFICATE_BAD_IDENTITY)
    g_ptr_array_add (parts, _("it is not valid for this host name"));
  if (flags & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    g_ptr_array_add (parts, _("it is not valid yet"));
  if (flags & G_TLS_CERTIFICATE_EXPIRED)
    g_ptr_array_add (parts, _("it has expired"));
  if (flags & G_TLS_CERTIFICATE_REVOKED)
    g_ptr_array_add (parts, _("it has been revoked"));
  if (flags & G_TLS_CERTIFICATE_INSECURE)
    g_ptr_array_add (parts, _("it uses an insecure algorithm"));
  if (parts->len == 0)
    g_ptr_array_add (parts, _("it could not be verified"));
  g_ptr_array_add (parts, NULL);

  return g_strjoinv ("; ", (char **)parts->pdata);
}

/* The registrable domain ("example.co.uk" for "mail.example.co.uk") from
 * the Public Suffix List that libsoup already links (libpsl), rather than a
 * hand-made "two-label suffixes" table that would be wrong for com.au,
 * lg.jp and hundreds more. A name under a TLD the list does not know
 * (.test, .internal) gets the list's implicit "*" rule: the TLD is the
 * suffix, the registrable domain its last two labels. Limits: the list is
 * as recent as the system's libpsl data, and its private section counts
 * too (a name under blogspot.com is its own site), which is what
 * "same site" means for a browser as well. */
char *
md_http_registrable_domain (const char  *host,
                            GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = NULL;
  const char *base;
  const char *dot;

  g_return_val_if_fail (host != NULL, NULL);

  name = g_ascii_strdown (host, -1);
  if (g_str_has_suffix (name, "."))
    name[strlen (name) - 1] = '\0';

  base = soup_tld_get_base_domain (name, &local_error);
  if (base != NULL)
    return g_strdup (base);

  if (g_hostname_is_ip_address (name) ||
      !g_error_matches (local_error, SOUP_TLD_ERROR, SOUP_TLD_ERROR_NO_BASE_DOMAIN) ||
      (dot = strrchr (name, '.')) == NULL || dot == name)
    {
      g_set_error (error, MD_HTTP_ERROR, MD_HTTP_ERROR_BAD_URL,
                   _("“%s” is not a host name under a registrable domain"), host);
      return NULL;
    }
  /* An unlisted TLD: the last two labels, unless the name is the TLD's
   * own public suffix entry. */
  if (soup_tld_domain_is_public_suffix (name))
    {
      g_set_error (error, MD_HTTP_ERROR, MD_HTTP_ERROR_BAD_URL,
                   _("“%s” is a public suffix, not a domain someone owns"), host);
      return NULL;
    }
  for (const char *p = dot - 1; p > name; p--)
    {
      if (*p == '.')
        return g_strdup (p + 1);
    }

  return g_strdup (name);
}

gboolean
md_http_is_same_site (const char *host_a,
                      const char *host_b)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  if (host_a == NULL || host_b == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host_a, host_b) == 0)
    return TRUE;

  a = md_http_registrable_domain (host_a, NULL);
  b = md_http_registrable_domain (host_b, NULL);

  return a != NULL && b != NULL && g_ascii_strcasecmp (a, b) == 0;
}

static void
fetch_return_error (GTask  *task,
                    GError *error)
{
  FetchData *data = g_task_get_task_data (task);

  /* Our deadline cancelled the request: say so, not "Operation was cancelled". */
  if (data->timed_out && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_error_free (error);
      error = g_error_new (MD_HTTP_ERROR, MD_HTTP_ERROR_TIMEOUT,
                           /* Translators: %s is a host name, %.1f a number of seconds */
                           _("No complete answer from %s within %.1f seconds"),
                           g_uri_get_host (data->uri), data->options.timeout_ms / 1000.0);
    }
  g_task_return_error (task, error);
}

static gboolean
deadline_cb (gpointer user_data)
{
  FetchData *data = user_data;

  data->timed_out = TRUE;
  g_cancellable_cancel (data->cancellable);

  return G_SOURCE_REMOVE;
}

static void
caller_cancelled_cb (GCancellable *caller,
                     gpointer      user_data)
{
  GCancellable *ours = user_data;

  g_cancellable_cancel (ours);
}

static gboolean
accept_certificate_cb (SoupMessage          *message,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  FetchData *data = user_data;

  /* Never accepted: we only note why, for the error message. */
  data->tls_errors = errors;
  data->tls_checked = TRUE;

  return FALSE;
}

static void
finish_response (GTask *task)
{
  FetchData *data = g_task_get_task_data (task);
  MdHttpResponse *response = g_new0 (MdHttpResponse, 1);
  const char *type;

  response->url = g_uri_to_string (data->uri);
  g_ptr_array_add (data->redirects, NULL);
  response->redirects = (GStrv)g_ptr_array_steal (data->redirects, NULL);
  response->status = soup_message_get_status (data->message);
  response->reason = g_strdup (soup_message_get_reason_phrase (data->message));
  type = soup_message_headers_get_content_type (soup_message_get_response_headers (data->message),
                                                NULL);
  response->content_type = type != NULL ? g_ascii_strdown (type, -1) : NULL;
  response->body = g_byte_array_free_to_bytes (g_steal_pointer (&data->body));

  g_task_return_pointer (task, response, (GDestroyNotify)md_http_response_free);
}

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FetchData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;
  gsize max_size = data->options.max_size;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (bytes == NULL)
    {
      fetch_return_error (task, error);
      return;
    }

  if (g_bytes_get_size (bytes) == 0)
    {
      finish_response (task);
      return;
    }

  g_byte_array_append (data->body, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  if (data->body->len > max_size)
    {
      g_task_return_new_error (task, MD_HTTP_ERROR, MD_HTTP_ERROR_TOO_LARGE,
                               /* Translators: %s is a host name, %lu a number of bytes */
                               _("The answer from %s is larger than %lu bytes; reading stopped "
                                 "there"),
                               g_uri_get_host (data->uri), (unsigned long)max_size);
      return;
    }

  /* Ask for one byte more than we accept, so an oversize body is noticed. */
  g_input_stream_read_bytes_async (data->stream,
                                   MIN (READ_CHUNK, max_size + 1 - data->body->len),
                                   G_PRIORITY_DEFAULT, data->cancellable,
                                   read_cb, g_steal_pointer (&task));
}

static gboolean
content_type_accepted (FetchData  *data,
                       const char *type)
{
  if (data->content_types == NULL)
    return TRUE;
  if (type == NULL)
    return FALSE;

  for (guint i = 0; data->content_types[i] != NULL; i++)
    {
      if (g_ascii_strcasecmp (data->content_types[i], type) == 0)
        return TRUE;
    }

  return FALSE;
}

static gboolean
handle_redirect (GTask   *task,
                 GError **error)
{
  FetchData *data = g_task_get_task_data (task);
  const char *location;
  g_autoptr(GUri) next = NULL;
  const char *scheme;

  location = soup_message_headers_get_one (soup_message_get_response_headers (data->message),
                                           "Location");
  if (location == NULL)
    return FALSE;   /* a 3xx without a target is just an answer */

  if (data->options.redirects == MD_HTTP_REDIRECT_NONE)
    {
      g_set_error (error, MD_HTTP_ERROR, MD_HTTP_ERROR_REDIRECT_REFUSED,
                   /* Translators: the first %s is a host name, %u an HTTP status code, the second
                    * %s the redirect target URL */
                   _("%s answered with a redirect (HTTP %u to %s), which is not allowed here"),
                   g_uri_get_host (data->uri), soup_message_get_status (data->message), location);
      return TRUE;
    }

  if (data->redirects->len >= data->options.max_redirects)
    {
      g_set_error (error, MD_HTTP_ERROR, MD_HTTP_ERROR_TOO_MANY_REDIRECTS,
                   /* Translators: %u is a number, %s a host name */
                   _("More than %u redirects; the last went to %s"),
                   data->options.max_redirects, g_uri_get_host (data->uri));
      return TRUE;
    }

  next = g_uri_parse_relative (data->uri, location, SOUP_HTTP_URI_FLAGS, NULL);
  scheme = next != NULL ? g_uri_get_scheme (next) : NULL;
  if (next == NULL || g_uri_get_host (next) == NULL ||
      (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0))
    {
      g_set_error (error, MD_HTTP_ERROR, MD_HTTP_ERROR_BAD_URL,
                   /* Translators: the first %s is a host name, the second the redirect target as
                    * sent */
                   _("%s redirects to “%s”, which is not a web address"),
                   g_uri_get_host (data->uri), location);
      return TRUE;
    }

  if (data->options.https_only && g_strcmp0 (scheme, "https") != 0)
    {
      g_set_error (error, MD_HTTP_ERROR, MD_HTTP_ERROR_REDIRECT_REFUSED,
                   /* Translators: the first %s is a host name, the second an http:// URL */
                   _("%s redirects to an unencrypted address (%s), which is not followed here"),
                   g_uri_get_host (data->uri), location);
      return TRUE;
    }

  if (data->options.public_redirects_only && g_hostname_is_ip_address (g_uri_get_host (next)))
    {
      g_autofree char *bare = g_strdup (g_uri_get_host (next));
      g_autoptr(GInetAddress) address = NULL;

      /* GUri keeps IPv6 literals without brackets; a zone ("%eth0") is
       * link-local anyway. */
      g_strdelimit (bare, "%", '\0');
      address = g_inet_address_new_from_string (bare);
      if (address == NULL || !md_http_address_is_public (address))
        {
          g_set_error (error, MD_HTTP_ERROR, MD_HTTP_ERROR_REDIRECT_REFUSED,
                       /* Translators: the first %s is a host name, the second the redirect
                        * target URL */
                       _("%s redirects to a private or special-purpose address (%s), which is "
                         "not followed here"),
                       g_uri_get_host (data->uri), location);
          return TRUE;
        }
    }

  if (data->options.redirects == MD_HTTP_REDIRECT_SAME_SITE &&
      !md_http_is_same_site (g_uri_get_host (data->uri), g_uri_get_host (next)))
    {
      g_set_error (error, MD_HTTP_ERROR, MD_HTTP_ERROR_REDIRECT_REFUSED,
                   /* Translators: both %s are host names */
                   _("%s redirects to another site (%s), which is not followed here"),
                   g_uri_get_host (data->uri), g_uri_get_host (next));
      return TRUE;
    }

  g_clear_pointer (&data->uri, g_uri_unref);
  data->uri = g_steal_pointer (&next);
  g_ptr_array_add (data->redirects, g_uri_to_string (data->uri));
  g_signal_handlers_disconnect_by_data (data->message, data);
  g_clear_object (&data->message);
  g_clear_object (&data->stream);

  return TRUE;
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FetchData *data = g_task_get_task_data (task);
  GError *error = NULL;
  SoupMessageHeaders *headers;
  guint status;
  goffset length;
  const char *type;

  data->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (data->stream == NULL)
    {
      if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE) || data->tls_checked)
        {
          g_autofree char *why = md_http_describe_certificate_errors (data->tls_errors);

          g_task_return_new_error (task, MD_HTTP_ERROR, MD_HTTP_ERROR_CERTIFICATE,
                                   /* Translators: the first %s is a host name, the second lists the
                                    * reasons (“it has expired; …”) */
                                   _("The certificate of %s was rejected: %s"),
                                   g_uri_get_host (data->uri), why);
          g_error_free (error);
        }
      else if (error->domain == G_TLS_ERROR)
        {
          g_task_return_new_error (task, MD_HTTP_ERROR, MD_HTTP_ERROR_TLS,
                                   /* Translators: the first %s is a host name, the second a
                                    * technical error message */
                                   _("TLS with %s failed: %s"),
                                   g_uri_get_host (data->uri), error->message);
          g_error_free (error);
        }
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        fetch_return_error (task, error);
      else
        {
          g_task_return_new_error (task, MD_HTTP_ERROR, MD_HTTP_ERROR_CONNECT,
                                   /* Translators: the first %s is a host name, the second a
                                    * technical error message */
                                   _("Could not reach %s: %s"),
                                   g_uri_get_host (data->uri), error->message);
          g_error_free (error);
        }
      return;
    }

  /* A name a redirect led to must not land on a private address when the
   * site itself is public (the server cannot steer us into the user's own
   * network): judged on the address the connection really went to. */
  if (data->options.public_redirects_only)
    {
      GSocketAddress *remote = soup_message_get_remote_address (data->message);
      gboolean is_public = TRUE;

      if (G_IS_INET_SOCKET_ADDRESS (remote))
        is_public = md_http_address_is_public (
          g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));
      if (data->redirects->len == 0)
        data->first_hop_public = is_public;
      else if (data->first_hop_public && !is_public)
        {
          g_task_return_new_error (task, MD_HTTP_ERROR, MD_HTTP_ERROR_REDIRECT_REFUSED,
                                   /* Translators: %s is a host name */
                                   _("A redirect led to %s, a private or special-purpose "
                                     "address, which is not followed here"),
                                   g_uri_get_host (data->uri));
          return;
        }
    }

  status = soup_message_get_status (data->message);
  if (SOUP_STATUS_IS_REDIRECTION (status) && status != SOUP_STATUS_NOT_MODIFIED)
    {
      if (handle_redirect (task, &error))
        {
          if (error != NULL)
            g_task_return_error (task, error);
          else
            fetch_hop (g_steal_pointer (&task));
          return;
        }
    }

  if (!SOUP_STATUS_IS_SUCCESSFUL (status) && !data->options.any_status)
    {
      g_task_return_new_error (task, MD_HTTP_ERROR, MD_HTTP_ERROR_STATUS,
                               /* Translators: %s is a host name, %u an HTTP status code, the last
                                * %s its reason phrase (English, from the server) */
                               _("%s answered HTTP %u %s"),
                               g_uri_get_host (data->uri), status,
                               soup_message_get_reason_phrase (data->message));
      return;
    }

  type = soup_message_headers_get_content_type (soup_message_get_response_headers (data->message),
                                                NULL);
  if (SOUP_STATUS_IS_SUCCESSFUL (status) && !content_type_accepted (data, type))
    {
      g_autofree char *expected = g_strjoinv (", ", data->content_types);

      g_task_return_new_error (task, MD_HTTP_ERROR, MD_HTTP_ERROR_CONTENT_TYPE,
                               /* Translators: the first %s is a host name, the second and third are
                                * media types such as text/plain */
                               _("%s sent content of type “%s”; expected %s"),
                               g_uri_get_host (data->uri), type != NULL ? type : _("(none)"),
                               expected);
      return;
    }

  headers = soup_message_get_response_headers (data->message);
  length = soup_message_headers_get_content_length (headers);
  if (length > 0 && (guint64)length > data->options.max_size)
    {
      g_task_return_new_error (task, MD_HTTP_ERROR, MD_HTTP_ERROR_TOO_LARGE,
                               /* Translators: %s is a host name, %lu a number of bytes */
                               _("The answer from %s is larger than %lu bytes; reading stopped "
                                 "there"),
                               g_uri_get_host (data->uri), (unsigned long)data->options.max_size);
      return;
    }

  data->body = g_byte_array_new ();
  g_input_stream_read_bytes_async (data->stream, MIN (READ_CHUNK, data->options.max_size + 1),
                                   G_PRIORITY_DEFAULT, data->cancellable,
                                   read_cb, g_steal_pointer (&task));
}

static void
fetch_hop (GTask *task)
{
  MdHttp *self = g_task_get_source_object (task);
  FetchData *data = g_task_get_task_data (task);
  g_autoptr(GUri) wire_uri = NULL;
  SoupMessageHeaders *headers;
  guint16 port = 0;

  if (g_strcmp0 (g_uri_get_scheme (data->uri), "https") == 0)
    port = self->https_port;
  else
    port = self->http_port;

  if (port != 0)
    wire_uri = g_uri_build (g_uri_get_flags (data->uri), g_uri_get_scheme (data->uri), NULL,
                            g_uri_get_host (data->uri), port, g_uri_get_path (data->uri),
                            g_uri_get_query (data->uri), NULL);
  else
    wire_uri = g_uri_ref (data->uri);

  data->message = soup_message_new_from_uri (SOUP_METHOD_GET, wire_uri);
  data->tls_checked = FALSE;
  data->tls_errors = 0;
  /* We follow redirects ourselves (policy, counting, port override). */
  soup_message_add_flags (data->message, SOUP_MESSAGE_NO_REDIRECT);
  headers = soup_message_get_request_headers (data->message);
  if (data->accept != NULL)
    soup_message_headers_replace (headers, "Accept", data->accept);
  g_signal_connect (data->message, "accept-certificate",
                    G_CALLBACK (accept_certificate_cb), data);

  if (g_getenv ("G_MESSAGES_DEBUG") != NULL)
    {
      g_autofree char *text = g_uri_to_string (wire_uri);

      g_debug ("GET %s", text);
    }
  soup_session_send_async (self->session, data->message, G_PRIORITY_DEFAULT,
                           data->cancellable, send_cb, task);
}

/* GET @url under @options. The response comes back for every 2xx status (and
 * for any status with options->any_status); the body is complete and no larger
 * than options->max_size. Errors are in MD_HTTP_ERROR, or G_IO_ERROR_CANCELLED
 * when @cancellable was cancelled. */
void
md_http_fetch_async (MdHttp                     *self,
                     const char                 *url,
                     const MdHttpRequestOptions *options,
                     GCancellable               *cancellable,
                     GAsyncReadyCallback         callback,
                     gpointer                    user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  FetchData *data;
  const char *scheme;

  g_return_if_fail (MD_IS_HTTP (self));
  g_return_if_fail (url != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, md_http_fetch_async);

  data = g_new0 (FetchData, 1);
  if (options != NULL)
    data->options = *options;
  data->content_types = g_strdupv ((char **)data->options.content_types);
  data->options.content_types = NULL;
  data->accept = g_strdup (data->options.accept);
  data->options.accept = NULL;
  if (data->options.max_redirects == 0)
    data->options.max_redirects = MD_HTTP_DEFAULT_MAX_REDIRECTS;
  if (data->options.max_size == 0)
    data->options.max_size = MD_HTTP_DEFAULT_MAX_SIZE;
  if (data->options.timeout_ms == 0)
    data->options.timeout_ms = self->timeout_ms;
  data->redirects = g_ptr_array_new_with_free_func (g_free);
  data->cancellable = g_cancellable_new ();
  g_task_set_task_data (task, data, (GDestroyNotify)fetch_data_free);

  data->uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  scheme = data->uri != NULL ? g_uri_get_scheme (data->uri) : NULL;
  if (data->uri == NULL || g_uri_get_host (data->uri) == NULL ||
      *g_uri_get_host (data->uri) == '\0' ||
      (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0))
    {
      g_task_return_new_error (task, MD_HTTP_ERROR, MD_HTTP_ERROR_BAD_URL,
                               _("“%s” is not an http or https address"), url);
      return;
    }

  if (g_strcmp0 (scheme, "https") == 0 && !md_http_check_tls_backend (NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (cancellable != NULL)
    {
      data->caller_cancellable = g_object_ref (cancellable);
      data->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled_cb),
                                                  g_object_ref (data->cancellable),
                                                  g_object_unref);
    }

  data->deadline = g_timeout_source_new (data->options.timeout_ms);
  g_source_set_callback (data->deadline, deadline_cb, data, NULL);
  g_source_set_static_name (data->deadline, "[maildoctor] http deadline");
  g_source_attach (data->deadline, g_main_context_get_thread_default ());

  fetch_hop (g_steal_pointer (&task));
}

MdHttpResponse *
md_http_fetch_finish (MdHttp        *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (MD_IS_HTTP (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
md_http_address_is_public (GInetAddress *address)
{
  const guint8 *b;

  g_return_val_if_fail (G_IS_INET_ADDRESS (address), FALSE);

  if (g_inet_address_get_is_any (address) || g_inet_address_get_is_loopback (address) ||
      g_inet_address_get_is_link_local (address) || g_inet_address_get_is_site_local (address) ||
      g_inet_address_get_is_multicast (address))
    return FALSE;

  b = g_inet_address_to_bytes (address);
  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4)
    {
      /* RFC 6890's special-purpose blocks that GLib does not name. */
      return !(b[0] == 0 ||                                   /* 0.0.0.0/8 */
               (b[0] == 100 && (b[1] & 0xc0) == 64) ||        /* 100.64.0.0/10 shared */
               (b[0] == 192 && b[1] == 0 && b[2] == 0) ||     /* 192.0.0.0/24 */
               (b[0] == 192 && b[1] == 0 && b[2] == 2) ||     /* TEST-NET-1 */
               (b[0] == 198 && (b[1] & 0xfe) == 18) ||        /* 198.18.0.0/15 */
               (b[0] == 198 && b[1] == 51 && b[2] == 100) ||  /* TEST-NET-2 */
               (b[0] == 203 && b[1] == 0 && b[2] == 113) ||   /* TEST-NET-3 */
               b[0] >= 240);                                  /* reserved, broadcast */
    }

  /* IPv6: unique local fc00::/7, documentation 2001:db8::/32, and mapped
   * IPv4 judged as the IPv4 address. */
  if ((b[0] & 0xfe) == 0xfc || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8))
    return FALSE;
  if (b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 0 && b[4] == 0 && b[5] == 0 &&
      b[6] == 0 && b[7] == 0 && b[8] == 0 && b[9] == 0 && b[10] == 0xff && b[11] == 0xff)
    {
      g_autoptr(GInetAddress) v4 = g_inet_address_new_from_bytes (b + 12, G_SOCKET_FAMILY_IPV4);

      return md_http_address_is_public (v4);
    }

  return TRUE;
}
