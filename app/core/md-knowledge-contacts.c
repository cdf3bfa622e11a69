/* md-knowledge-contacts.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "md-knowledge-private.h"
#include "md-link.h"

#include <string.h>

/* A link or address from the rejection text, checked by md-link (https
 * only, no userinfo, no port but 443, the host on the channel's allow-list
 * after IDNA normalisation; a plain dot-atom address in the channel's
 * domains). Returns what the check gave back — the link shown is the link
 * that opens — or NULL. */
static char *
contact_for_channel (const MdRejection *rejection,
                     MdContactKind      kind,
                     GPtrArray         *domains)
{
  g_autoptr(GPtrArray) allowed = NULL;

  if (domains->len == 0 || rejection->contacts == NULL)
    return NULL;

  allowed = g_ptr_array_new ();
  for (guint i = 0; i < domains->len; i++)
    g_ptr_array_add (allowed, g_ptr_array_index (domains, i));
  g_ptr_array_add (allowed, NULL);

  for (guint i = 0; i < rejection->contacts->len; i++)
    {
      const MdContact *contact = g_ptr_array_index (rejection->contacts, i);
      g_autoptr(GError) error = NULL;
      char *checked;

      /* The rejected recipient is often quoted in the text (and may sit in
       * the receiver's own domain): it is never the place to write to. */
      if (contact->kind != kind ||
          (rejection->recipient != NULL &&
           g_ascii_strcasecmp (contact->value, rejection->recipient) == 0))
        continue;

      if (kind == MD_CONTACT_EMAIL)
        checked = md_link_check_address (contact->value,
                                         (const char * const *) allowed->pdata, &error);
      else
        {
          g_autofree char *url = NULL;

          /* Receivers still print "http://" or no scheme at all for their
           * own pages; on an allow-listed host the https page is the same. */
          if (g_ascii_strncasecmp (contact->value, "http://", 7) == 0)
            url = g_strconcat ("https://", contact->value + 7, NULL);
          else if (strstr (contact->value, "://") == NULL)
            url = g_strconcat ("https://", contact->value, NULL);
          else
            url = g_strdup (contact->value);
          checked = md_link_check_url (url, (const char * const *) allowed->pdata, &error);
        }

      if (checked != NULL)
        return checked;
      g_debug ("Not taken from the rejection: %s (%s)", contact->value, error->message);
    }

  return NULL;
}

void
md_knowledge_apply_contacts (const Entry       *entry,
                             const MdRejection *rejection,
                             MdExplanation     *explanation)
{
  g_autofree char *address = NULL;
  g_autofree char *url = NULL;

  /* The receiver's own words beat our data (Microsoft names
   * delist@messaging.microsoft.com in the rejection while its newer documents
   * say delist@microsoft.com) — but only a contact in the channel's domains,
   * so that an unrelated address or a documentation link is never taken for
   * the place to send the request. */
  address = contact_for_channel (rejection, MD_CONTACT_EMAIL, entry->address_domains);
  if (address != NULL)
    {
      g_free (explanation->channel_address);
      explanation->channel_address = g_steal_pointer (&address);
    }
  md_explanation_set_channel_cc (explanation, entry->channel_cc);
  url = contact_for_channel (rejection, MD_CONTACT_URL, entry->url_domains);
  if (url != NULL)
    {
      g_free (explanation->channel_url);
      explanation->channel_url = g_steal_pointer (&url);
    }
}
