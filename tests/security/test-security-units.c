/* test-security-units.c — the engine's guards on their own (issue 12): the
 * link and address checks (md-link) and the bounded reader
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <fcntl.h>
#include <gio/gio.h>
#include <gio/gunixinputstream.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "md-bounded-read.h"
#include "md-http.h"
#include "md-link.h"

static const char * const office[] = { "sender.office.com", NULL };
static const char * const gmx[] = { "postmaster.gmx.net", "postmaster.web.de", NULL };
static const char * const tonline[] = { "rx.t-online.de", NULL };

static void
test_url_refused (void)
{
  const struct { const char *url; MdLinkError code; } cases[] = {
    { "https://sender.office.com:x@evil.example/", MD_LINK_ERROR_USERINFO },
    { "https://sender.office.com@evil.example/", MD_LINK_ERROR_USERINFO },
    { "https://@sender.office.com/", MD_LINK_ERROR_USERINFO },
    { "https://evil.example\\.sender.office.com/", MD_LINK_ERROR_INVALID },
    { "https://evil.example/\\sender.office.com/", MD_LINK_ERROR_INVALID },
    { "https://sender.office.com /", MD_LINK_ERROR_INVALID },
    { "https://sender.office.com/\r\nX: y", MD_LINK_ERROR_INVALID },
    { "https://sender.office.com\t.evil.example/", MD_LINK_ERROR_INVALID },
    { "http://sender.office.com/", MD_LINK_ERROR_NOT_HTTPS },
    { "javascript://sender.office.com/%0aalert(1)", MD_LINK_ERROR_NOT_HTTPS },
    { "file:///etc/passwd", MD_LINK_ERROR_NOT_HTTPS },
    { "sender.office.com/", MD_LINK_ERROR_NOT_HTTPS },
    { "https://sender.office.com:8443/", MD_LINK_ERROR_PORT },
    { "https://sender.office.com:80/", MD_LINK_ERROR_PORT },
    { "https://sender%2eoffice.com/", MD_LINK_ERROR_HOST },
    { "https://sender.office.com%2eevil.example/", MD_LINK_ERROR_HOST },
    { "https://127.0.0.1/", MD_LINK_ERROR_HOST },
    { "https://[::1]/", MD_LINK_ERROR_HOST },
    { "https://evil.example/sender.office.com", MD_LINK_ERROR_NOT_ALLOWED },
    { "https://evilsender.office.com.evil.example/", MD_LINK_ERROR_NOT_ALLOWED },
    { "https://xsender.office.com/", MD_LINK_ERROR_NOT_ALLOWED },
    { "https://office.com/", MD_LINK_ERROR_NOT_ALLOWED },
    /* Found by fuzz-link: no authority of its own, a host further on. */
    { "https:e@https://sender.office.com/", MD_LINK_ERROR_INVALID },
    { "https:sender.office.com/", MD_LINK_ERROR_INVALID },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *link = md_link_check_url (cases[i].url, office, &error);

      g_test_message ("%s: %s", cases[i].url, error != NULL ? error->message : link);
      g_assert_null (link);
      g_assert_error (error, MD_LINK_ERROR, (int) cases[i].code);
    }
}

static void
test_url_allowed (void)
{
  const struct { const char *url; const char * const *domains; const char *link; } cases[] = {
    { "https://sender.office.com", office, "https://sender.office.com/" },
    { "https://sender.office.com/", office, "https://sender.office.com/" },
    { "HTTPS://Sender.Office.COM:443/a?b=c#d", office, "https://sender.office.com/a?b=c#d" },
    { "https://sender.office.com./", office, "https://sender.office.com/" },
    { "https://www.sender.office.com/x", office, "https://www.sender.office.com/x" },
    /* IDNA: fullwidth letters are the same host; the link shown is ASCII. */
    { "https://ｓｅｎｄｅｒ.office.com/", office, "https://sender.office.com/" },
    { "https://postmaster.web.de/en/contact", gmx, "https://postmaster.web.de/en/contact" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *link = md_link_check_url (cases[i].url, cases[i].domains, &error);
      g_autofree char *again = NULL;

      g_assert_no_error (error);
      g_assert_cmpstr (link, ==, cases[i].link);
      /* What is shown passes the check unchanged: shown = opened. */
      again = md_link_check_url (link, cases[i].domains, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (again, ==, link);
    }
}

static void
test_address (void)
{
  const char *refused[] = {
    "-delist@rx.t-online.de",
    "-oProxyCommand=x@rx.t-online.de",
    "\"a b\"@rx.t-online.de",
    "a b@rx.t-online.de",
    "a'b@rx.t-online.de",
    "a@rx.t-online.de>",
    "<a@rx.t-online.de",
    "a@rx.t-online.de\r\nBcc: x@evil.example",
    "a\x1b[2J@rx.t-online.de",
    "a,b@rx.t-online.de",
    "a@b@rx.t-online.de",
    ".a@rx.t-online.de",
    "a..b@rx.t-online.de",
    "a@[127.0.0.1]",
    "a@rx.t-online.de%evil.example",
    "delist@t-online-postmaster.example",
    "delist@evilrx.t-online.de.example",
    "delist@t-online.de",
    "",
    "@rx.t-online.de",
    "a@",
  };
  const struct { const char *in; const char *out; } allowed[] = {
    { "tosa@rx.t-online.de", "tosa@rx.t-online.de" },
    { "tobr@RX.T-Online.de", "tobr@rx.t-online.de" },
    { "first.last+tag@mail.rx.t-online.de", "first.last+tag@mail.rx.t-online.de" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *address = md_link_check_address (refused[i], tonline, &error);

      g_assert_null (address);
      g_assert_error (error, MD_LINK_ERROR, error->code);
    }
  for (guint i = 0; i < G_N_ELEMENTS (allowed); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *address = md_link_check_address (allowed[i].in, tonline, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (address, ==, allowed[i].out);
    }

  /* Without an allow-list (the user's own address): syntax only. */
  {
    g_autofree char *own = md_link_check_address ("joerg@müller.example", NULL, NULL);
    g_autofree char *bad = md_link_check_address ("x@evil.example>\r\nX-A: <z", NULL, NULL);

    g_assert_cmpstr (own, ==, "joerg@xn--mller-kva.example");
    g_assert_null (bad);
  }
}

static void
test_bounded_read (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) small = g_memory_input_stream_new_from_data ("0123456789", 10, NULL);
  g_autoptr(GInputStream) exact = g_memory_input_stream_new_from_data ("0123456789", 10, NULL);
  g_autoptr(GInputStream) over = g_memory_input_stream_new_from_data ("0123456789", 10, NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) exact_bytes = NULL;
  g_autoptr(GBytes) none = NULL;
  g_autofree char *limit = NULL;
  int fd;

  bytes = md_read_bounded (small, 100, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "0123456789", 10);

  exact_bytes = md_read_bounded (exact, 10, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (exact_bytes), ==, 10);

  none = md_read_bounded (over, 9, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE);
  g_clear_error (&error);

  /* An endless device stops at the limit. */
  fd = g_open ("/dev/zero", O_RDONLY, 0);
  g_assert_cmpint (fd, >=, 0);
  {
    g_autoptr(GInputStream) zero = g_unix_input_stream_new (fd, TRUE);
    g_autoptr(GBytes) endless = md_read_bounded (zero, 1024 * 1024, NULL, &error);

    g_assert_null (endless);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE);
    g_assert_nonnull (strstr (error->message, "1 MB"));
    g_clear_error (&error);
  }

  limit = md_format_read_limit ((gsize) 512 * 1024 * 1024);
  g_assert_cmpstr (limit, ==, "512 MB");
}

typedef struct
{
  gboolean  done;
  GBytes   *bytes;
  GError   *error;
} Wait;

static void
file_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Wait *wait = user_data;

  wait->bytes = md_file_read_bounded_finish (G_FILE (object), result, &wait->error);
  wait->done = TRUE;
}

/* The window's path: a file over the limit is refused without reading it. */
static void
test_bounded_read_file_async (void)
{
  g_autofree char *dir = g_dir_make_tmp ("md-security-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "big.log", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  Wait wait = { 0 };
  int fd;

  fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t) 600 << 20), ==, 0);
  close (fd);

  md_file_read_bounded_async (file, (gsize) 512 << 20, NULL, file_read_cb, &wait);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (wait.bytes);
  g_assert_error (wait.error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE);
  g_assert_nonnull (strstr (wait.error->message, "512 MB"));
  g_clear_error (&wait.error);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_public_address (void)
{
  const char *special[] = {
    "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.1.1", "100.64.0.1",
    "0.0.0.0", "192.0.2.1", "198.51.100.1", "203.0.113.1", "224.0.0.1", "255.255.255.255",
    "::1", "::", "fe80::1", "fc00::1", "fd12::1", "2001:db8::1", "::ffff:10.0.0.1",
  };
  const char *public[] = { "8.8.8.8", "40.93.207.0", "2a00:1450:4001::1", "::ffff:8.8.8.8" };

  for (guint i = 0; i < G_N_ELEMENTS (special); i++)
    {
      g_autoptr(GInetAddress) a = g_inet_address_new_from_string (special[i]);

      g_assert_nonnull (a);
      if (md_http_address_is_public (a))
        g_error ("%s taken for public", special[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (public); i++)
    {
      g_autoptr(GInetAddress) a = g_inet_address_new_from_string (public[i]);

      g_assert_true (md_http_address_is_public (a));
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/MailDoctor/Security/Units/url-refused", test_url_refused);
  g_test_add_func ("/MailDoctor/Security/Units/url-allowed", test_url_allowed);
  g_test_add_func ("/MailDoctor/Security/Units/address", test_address);
  g_test_add_func ("/MailDoctor/Security/Units/bounded-read", test_bounded_read);
  g_test_add_func ("/MailDoctor/Security/Units/bounded-read-file-async",
                   test_bounded_read_file_async);
  g_test_add_func ("/MailDoctor/Security/Units/public-address", test_public_address);

  return g_test_run ();
}
