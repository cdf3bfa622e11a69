/* md-watch-list.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <gio/gio.h>

#include "md-blocklists.h"
#include "md-watch-list.h"

G_DEFINE_QUARK (md-watch-error-quark, md_watch_error)

/* g_strv_builder_take() is GLib 2.80; Debian 12 has 2.74. */
static void
builder_take (GStrvBuilder *builder,
              char         *value)
{
  g_strv_builder_add (builder, value);
  g_free (value);
}

static gboolean
parse_prefix_length (const char *text,
                     guint      *length)
{
  guint64 value;

  if (text[0] == '\0' || !g_ascii_isdigit (text[0]) || strlen (text) > 3)
    return FALSE;
  if (!g_ascii_string_to_unsigned (text, 10, 0, 128, &value, NULL))
    return FALSE;
  *length = (guint) value;

  return TRUE;
}

GStrv
md_watch_expand_entry (const char  *entry,
                       GError     **error)
{
  g_autofree char *text = NULL;
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  const guint8 *bytes;
  char *slash;
  guint length = 32;
  guint32 first;
  guint count;

  g_return_val_if_fail (entry != NULL, NULL);

  text = g_strstrip (g_strdup (entry));
  slash = strchr (text, '/');
  if (slash != NULL)
    *slash++ = '\0';

  address = g_inet_address_new_from_string (text);
  if (address == NULL || (slash != NULL && !parse_prefix_length (slash, &length)))
    {
      g_set_error (error, MD_WATCH_ERROR, MD_WATCH_ERROR_INVALID_ADDRESS,
                   /* Translators: %s is what the user typed */
                   _("“%s” is not an IP address or prefix (for example 203.0.113.7 or "
                     "203.0.113.0/28)."), entry);
      return NULL;
    }

  builder = g_strv_builder_new ();

  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    {
      if (slash != NULL && length != 128)
        {
          g_set_error (error, MD_WATCH_ERROR, MD_WATCH_ERROR_IPV6_PREFIX,
                       /* Translators: %s is what the user typed */
                       _("“%s”: IPv6 addresses are watched one at a time; enter the "
                         "addresses your server sends from, without a prefix length."), entry);
          return NULL;
        }
      builder_take (builder, g_inet_address_to_string (address));
      return g_strv_builder_end (builder);
    }

  if (length > 32)
    {
      g_set_error (error, MD_WATCH_ERROR, MD_WATCH_ERROR_INVALID_ADDRESS,
                   _("“%s” is not an IP address or prefix (for example 203.0.113.7 or "
                     "203.0.113.0/28)."), entry);
      return NULL;
    }
  if (length < MD_WATCH_MIN_IPV4_PREFIX)
    {
      g_set_error (error, MD_WATCH_ERROR, MD_WATCH_ERROR_PREFIX_TOO_BIG,
                   /* Translators: %s is what the user typed, %u its prefix length */
                   _("“%s” is too big to watch (a /%u): enter at most a /24 "
                     "(256 addresses), or the addresses your server sends from."),
                   entry, length);
      return NULL;
    }

  bytes = g_inet_address_to_bytes (address);
  first = ((guint32) bytes[0] << 24) | ((guint32) bytes[1] << 16) |
          ((guint32) bytes[2] << 8) | bytes[3];
  count = 1u << (32 - length);
  if ((first & (count - 1)) != 0)
    {
      guint32 network = first & ~(count - 1);
      g_autofree char *meant = g_strdup_printf ("%u.%u.%u.%u/%u", network >> 24,
                                                (network >> 16) & 0xff, (network >> 8) & 0xff,
                                                network & 0xff, length);

      g_set_error (error, MD_WATCH_ERROR, MD_WATCH_ERROR_HOST_BITS,
                   /* Translators: the first %s is what the user typed, the second the
                    * prefix it probably meant ("203.0.113.0/28") */
                   _("“%s” does not start at the beginning of its range: did you mean %s?"),
                   entry, meant);
      return NULL;
    }

  for (guint i = 0; i < count; i++)
    {
      guint32 value = first + i;

      builder_take (builder, g_strdup_printf ("%u.%u.%u.%u", value >> 24,
                                                     (value >> 16) & 0xff, (value >> 8) & 0xff,
                                                     value & 0xff));
    }

  return g_strv_builder_end (builder);
}

GStrv
md_watch_expand_entries (const char * const  *entries,
                         GError             **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; entries != NULL && entries[i] != NULL; i++)
    {
      g_auto(GStrv) addresses = NULL;
      g_autofree char *trimmed = g_strstrip (g_strdup (entries[i]));

      /* Empty lines are what a list editor leaves behind, not mistakes. */
      if (trimmed[0] == '\0')
        continue;

      addresses = md_watch_expand_entry (entries[i], error);
      if (addresses == NULL)
        return NULL;

      for (guint j = 0; addresses[j] != NULL; j++)
        {
          if (g_hash_table_contains (seen, addresses[j]))
            continue;
          if (g_hash_table_size (seen) >= MD_WATCH_MAX_ADDRESSES)
            {
              g_set_error (error, MD_WATCH_ERROR, MD_WATCH_ERROR_TOO_MANY,
                           /* Translators: %u is the largest number of addresses */
                           _("The watch list holds at most %u addresses."),
                           MD_WATCH_MAX_ADDRESSES);
              return NULL;
            }
          g_hash_table_add (seen, g_strdup (addresses[j]));
          g_strv_builder_add (builder, addresses[j]);
        }
    }

  return g_strv_builder_end (builder);
}

char *
md_watch_normalize_domain (const char  *text,
                           GError     **error)
{
  char *domain;

  g_return_val_if_fail (text != NULL, NULL);

  domain = md_blocklist_normalize_domain (text);
  if (domain == NULL || strchr (domain, '.') == NULL)
    {
      g_free (domain);
      g_set_error (error, MD_WATCH_ERROR, MD_WATCH_ERROR_INVALID_DOMAIN,
                   /* Translators: %s is what the user typed */
                   _("“%s” is not a domain name (for example example.com)."), text);
      return NULL;
    }

  return domain;
}
