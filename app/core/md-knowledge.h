/* md-knowledge.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "md-rejection.h"

G_BEGIN_DECLS

#define MD_KNOWLEDGE_ERROR (md_knowledge_error_quark ())

typedef enum
{
  MD_KNOWLEDGE_ERROR_INVALID,   /* well-formed XML that is not a valid knowledge base */
} MdKnowledgeError;

GQuark md_knowledge_error_quark (void);

/* How a block gets lifted. */
typedef enum
{
  MD_CHANNEL_NONE,        /* fix the cause and wait */
  MD_CHANNEL_EMAIL,       /* a mail to an address */
  MD_CHANNEL_PORTAL,      /* a self-service portal (sender.office.com, Spamhaus lookup) */
  MD_CHANNEL_FORM,        /* a web form (Outlook.com sender support, Gmail, Yahoo) */
  MD_CHANNEL_RECIPIENT,   /* only the recipient's admin can act */
} MdChannelKind;

/* One explanation, already translated into the UI language except where a
 * field is text for the receiver (addresses, URLs, language codes). */
typedef struct
{
  char          *id;             /* stable: "microsoft-5.7.511" */
  char          *title;
  char          *meaning;
  char          *cause;
  GStrv          remedy;
  MdChannelKind  channel_kind;
  /* The draft template for this channel, one of: "microsoft-delist-mail",
   * "microsoft-delist-portal", "outlook-sender-form", "t-online-mail",
   * "spamhaus-removal", "gmail-form", "yahoo-form", "gmx-form", "apple-icloud-mail",
   * "comcast-form", "cloudmark-reset", "senderscore-removal"; NULL when there is
   * nothing to send (fix and wait, or the recipient's admin must act). The
   * follow-up draft "microsoft-follow-up" is chosen by the user, never by the
   * knowledge base. */
  char          *channel_id;
  char          *channel_address;
  /* A second recipient for the same request, or NULL: the address the
   * receiver documents when its rejections name another one (Microsoft:
   * delist@microsoft.com beside delist@messaging.microsoft.com). Never the
   * same as channel_address. */
  char          *channel_cc;
  char          *channel_url;
  char          *channel_language; /* "en", "de": the language the receiver reads */
  char          *response_time;
  guint          response_hours; /* what the receiver itself promises, in hours; 0: nothing */
  GStrv          pitfalls;
  char          *source;         /* where the facts come from (not translated) */
} MdExplanation;

#define MD_TYPE_EXPLANATION (md_explanation_get_type ())

GType          md_explanation_get_type     (void) G_GNUC_CONST;
MdExplanation *md_explanation_copy         (const MdExplanation *explanation);
void           md_explanation_free         (MdExplanation       *explanation);
const char    *md_channel_kind_to_string   (MdChannelKind        kind);
gboolean       md_channel_kind_from_string (const char          *string,
                                            MdChannelKind       *kind);
/* The issue 4 "explanation" object: {"id", "title", "meaning", "cause", "remedy": [...],
 * "channel": {"kind", "address", "url", "language"}, "response_time", "pitfalls": [...]},
 * null for what is unknown. */
JsonNode      *md_explanation_to_json      (const MdExplanation *explanation);
/* How the block is lifted, one translated sentence naming the address or
 * page ("Request removal by mail to delist@…"), for the window and the CLI. */
char          *md_explanation_describe_channel (const MdExplanation *explanation);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdExplanation, md_explanation_free)

#define MD_TYPE_KNOWLEDGE (md_knowledge_get_type ())
G_DECLARE_FINAL_TYPE (MdKnowledge, md_knowledge, MD, KNOWLEDGE, GObject)

/* The knowledge base from resources/data/knowledge.xml (a shared instance). */
MdKnowledge   *md_knowledge_get_default    (void);
MdKnowledge   *md_knowledge_new_from_bytes (GBytes             *xml,
                                            GError            **error);
guint          md_knowledge_get_n_entries  (MdKnowledge        *self);
/* Never NULL: falls back to the generic entry for the code's class. A contact
 * named in the rejection text wins over the knowledge base's address. */
MdExplanation *md_knowledge_explain        (MdKnowledge        *self,
                                            const MdRejection  *rejection);
/* One entry by id, with the knowledge base's own channel address and URL;
 * NULL when there is no such entry. */
MdExplanation *md_knowledge_lookup         (MdKnowledge        *self,
                                            const char         *id);
/* The ids of all entries, in file order. */
GStrv          md_knowledge_dup_ids        (MdKnowledge        *self);

G_END_DECLS
