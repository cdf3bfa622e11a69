/* md-watch-list.h — what the watch list accepts: addresses, small prefixes, domains
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MD_WATCH_ERROR (md_watch_error_quark ())

typedef enum
{
  MD_WATCH_ERROR_INVALID_ADDRESS,  /* neither an IP address nor a prefix */
  MD_WATCH_ERROR_PREFIX_TOO_BIG,   /* an IPv4 prefix bigger than a /24 */
  MD_WATCH_ERROR_IPV6_PREFIX,      /* IPv6 is watched one address at a time */
  MD_WATCH_ERROR_HOST_BITS,        /* 203.0.113.7/24: not the first address of the prefix */
  MD_WATCH_ERROR_INVALID_DOMAIN,
  MD_WATCH_ERROR_TOO_MANY,         /* more addresses than one watch list holds */
} MdWatchError;

/* The smallest IPv4 prefix length the watch expands (a /24: 256 addresses). */
#define MD_WATCH_MIN_IPV4_PREFIX 24
/* All entries together; a bound so that a typo cannot make the watch query
 * the lists for thousands of addresses. */
#define MD_WATCH_MAX_ADDRESSES 1024

GQuark  md_watch_error_quark       (void);
/* One entry as the user typed it ("203.0.113.7", "203.0.113.0/28",
 * "2001:db8::25") to the addresses it stands for, normalized. */
GStrv   md_watch_expand_entry      (const char         *entry,
                                    GError            **error);
/* Every entry, without duplicates, in the order given; the first bad entry
 * fails the whole list and the error names it. */
GStrv   md_watch_expand_entries    (const char * const *entries,
                                    GError            **error);
/* The domain in lower-case ASCII, or NULL with an error that names it. */
char   *md_watch_normalize_domain  (const char         *text,
                                    GError            **error);

G_END_DECLS
