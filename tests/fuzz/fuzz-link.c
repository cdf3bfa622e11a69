/* fuzz-link.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* libFuzzer target for the link and address checks (md-link): whatever the
 * input, what they accept keeps their promises — an https link to an
 * allow-listed host with no userinfo, port, backslash or control character,
 * that passes the check again unchanged; an address on the allow-list that
 * starts with no "-" and holds nothing a header or command line reads. */

#include "config.h"

#include <string.h>

#include "md-link.h"

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

static const char * const domains[] = { "sender.office.com", "spamhaus.org", "rx.t-online.de",
                                        "postmaster.web.de", NULL };

static void
check_url (const char *input)
{
  g_autofree char *link = md_link_check_url (input, domains, NULL);
  g_autofree char *again = NULL;
  const char *host;
  gsize host_len;
  g_autofree char *host_copy = NULL;

  if (link == NULL)
    return;

  g_assert_true (g_str_has_prefix (link, "https://"));
  for (const guchar *p = (const guchar *) link; *p != '\0'; p++)
    g_assert_true (*p > 0x20 && *p < 0x7f && *p != '\\');

  host = link + strlen ("https://");
  host_len = strcspn (host, "/?#");
  g_assert_null (memchr (host, '@', host_len));
  g_assert_null (memchr (host, ':', host_len));
  g_assert_null (memchr (host, '%', host_len));
  host_copy = g_strndup (host, host_len);
  g_assert_true (md_link_host_in_domains (host_copy, domains));

  again = md_link_check_url (link, domains, NULL);
  g_assert_cmpstr (again, ==, link);
}

static void
check_address (const char *input)
{
  g_autofree char *address = md_link_check_address (input, domains, NULL);
  g_autofree char *again = NULL;
  const char *at;

  if (address == NULL)
    return;

  g_assert_true (address[0] != '-');
  for (const guchar *p = (const guchar *) address; *p != '\0'; p++)
    g_assert_true (*p > 0x20 && *p < 0x7f && strchr ("\"'<>,;()[]\\", *p) == NULL);
  at = strchr (address, '@');
  g_assert_nonnull (at);
  g_assert_true (at == strrchr (address, '@'));
  g_assert_true (md_link_host_in_domains (at + 1, domains));

  again = md_link_check_address (address, domains, NULL);
  g_assert_cmpstr (again, ==, address);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autofree char *https = g_strconcat ("https://", text, NULL);

  check_url (text);
  /* Most inputs do not start with a scheme; try each as an https link too. */
  check_url (https);
  check_address (text);

  return 0;
}
