/* md-imprint.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "md-html.h"
#include "md-http.h"

G_BEGIN_DECLS

/* T-Online's rule 4.1: the PTR name of a sending IP must lead to a website
 * with the operator's contact details (an Impressum). From the PTR host we
 * derive the domain, fetch its home page and look for an imprint or contact
 * link, then read that page for contact details. */

typedef enum
{
  MD_IMPRINT_FOUND,          /* an imprint/contact page: check contact_confirmed */
  MD_IMPRINT_NOT_FOUND,      /* the site answers, but links to no such page */
  MD_IMPRINT_NO_WEBSITE,     /* neither https:// nor http:// answered */
  MD_IMPRINT_NO_DOMAIN,      /* the PTR name gives no domain (IP literal, bare suffix) */
  MD_IMPRINT_UNDECIDED,      /* we could not try (no TLS backend and no plain HTTP answer) */
} MdImprintOutcome;

typedef struct
{
  char             *ptr_host;
  char             *domain;            /* registrable domain of ptr_host */
  gboolean          generic_ptr;       /* ptr_host looks like a hoster's generic name */
  MdImprintOutcome  outcome;
  char             *reason;            /* translated, one or two sentences */
  char             *site_url;          /* the home page that answered, after redirects */
  gboolean          https;             /* site_url is https */
  char             *imprint_url;
  char             *imprint_text;      /* the link text; NULL when the home page is the imprint */
  gboolean          contact_confirmed; /* the imprint page shows contact details */
  GStrv             contact_kinds;     /* "email", "phone", "address" as found */
  GPtrArray        *attempts;          /* MdRecordWarning*: code = the URL tried, message = error */
} MdImprintResult;

#define MD_TYPE_IMPRINT_RESULT (md_imprint_result_get_type ())

GType            md_imprint_result_get_type   (void) G_GNUC_CONST;
MdImprintResult *md_imprint_result_copy       (const MdImprintResult *result);
void             md_imprint_result_free       (MdImprintResult       *result);
const char      *md_imprint_outcome_to_string (MdImprintOutcome       outcome);

int              md_imprint_link_score        (const char            *href,
                                               const char            *text);
GStrv            md_imprint_find_contact_kinds (const char           *html,
                                               gsize                  length);
gboolean         md_imprint_is_generic_ptr    (const char            *ptr_host,
                                               const char            *domain);

void             md_imprint_check_async       (MdHttp                *http,
                                               const char            *ptr_host,
                                               GCancellable          *cancellable,
                                               GAsyncReadyCallback    callback,
                                               gpointer               user_data);
MdImprintResult *md_imprint_check_finish      (GAsyncResult          *result,
                                               GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdImprintResult, md_imprint_result_free)

G_END_DECLS
