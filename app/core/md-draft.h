/* md-draft.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "md-check.h"
#include "md-input.h"
#include "md-knowledge.h"
#include "md-rejection.h"

G_BEGIN_DECLS

#define MD_DRAFT_ERROR (md_draft_error_quark ())

typedef enum
{
  MD_DRAFT_ERROR_UNKNOWN_CHANNEL,   /* no template for the channel id */
  MD_DRAFT_ERROR_NO_CHANNEL,        /* the explanation names no channel and none was given */
  MD_DRAFT_ERROR_TEMPLATES,         /* templates.xml is unreadable or malformed */
  MD_DRAFT_ERROR_EML,               /* the .eml could not be written */
} MdDraftError;

GQuark md_draft_error_quark (void);

/* Who sends the request and what the server sends: filled from the user's
 * preferences (GSettings) or from command-line options. Every field is UTF-8
 * or NULL when the user did not say; empty strings count as NULL. */
typedef struct
{
  char *name;
  char *organisation;
  char *email;
  char *website;
  char *description;   /* what kind of mail the server sends, in the UI language */
  char *daily_volume;  /* messages a day: a number ("2000", "2,000") or free text */
  char *description_de;      /* the same in German, for German receivers, or NULL */
  char *ip_use;              /* "dedicated" or "shared": who else sends from the IP */
  char *organisation_kind;   /* how the sender describes itself: "company", "university" … */
} MdSenderProfile;

#define MD_TYPE_SENDER_PROFILE (md_sender_profile_get_type ())

GType            md_sender_profile_get_type          (void) G_GNUC_CONST;
MdSenderProfile *md_sender_profile_new               (void);
/* The profile stored in the org.example.MailDoctor settings; an empty
 * profile when that schema is not installed. */
MdSenderProfile *md_sender_profile_new_from_settings (void);
MdSenderProfile *md_sender_profile_copy              (const MdSenderProfile *profile);
void             md_sender_profile_free              (MdSenderProfile       *profile);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdSenderProfile, md_sender_profile_free)

/* The facts a request states about the sending side: the results of the
 * latest check run (id, status, summary, in the words of the check) and the
 * remediation steps the user took. Kept independent of the check-run
 * objects so that a saved case can fill it as well. */
typedef struct
{
  char *id;       /* a check id: "spf", "rdns", "dnsbl/zen.spamhaus.org" … */
  char *title;    /* in the UI language: how warnings name the check ("Spamhaus ZEN"), or NULL */
  char *status;   /* "ok", "warning", "problem", "info", "error", "running" */
  char *summary;  /* in the UI language: for the user, not for the receiver */
  char *detail;   /* the one value the request cites (SPF result, PTR name …) or NULL */
  char *values[MD_CHECK_N_FACTS];   /* the check's typed facts (md_check_get_fact) */
} MdDraftFact;

typedef struct
{
  GPtrArray *checks;        /* of MdDraftFact* */
  GPtrArray *remediation;   /* of char*: what the user fixed, one step each */
  GPtrArray *extra_ips;     /* of char*: further sending IPs (besides the blocked one) */
  GPtrArray *domains;       /* of char*: the sending domains that were checked */
  GDateTime *rejected_at;   /* when the receiver rejected (the bounce's date), or NULL */
} MdDraftFacts;

#define MD_TYPE_DRAFT_FACTS (md_draft_facts_get_type ())

GType         md_draft_facts_get_type        (void) G_GNUC_CONST;
MdDraftFacts *md_draft_facts_new             (void);
MdDraftFacts *md_draft_facts_copy            (const MdDraftFacts *facts);
void          md_draft_facts_free            (MdDraftFacts       *facts);
void          md_draft_facts_add_check       (MdDraftFacts       *facts,
                                              const char         *id,
                                              const char         *status,
                                              const char         *summary);
void          md_draft_facts_add_remediation (MdDraftFacts       *facts,
                                              const char         *step);
void          md_draft_facts_add_ip          (MdDraftFacts       *facts,
                                              const char         *ip);
void          md_draft_facts_add_domain      (MdDraftFacts       *facts,
                                              const char         *domain);
/* A typed fact of the last check added with ID (a saved case, a test). */
void          md_draft_facts_set_check_fact  (MdDraftFacts       *facts,
                                              const char         *id,
                                              MdCheckFact         fact,
                                              const char         *value);
void          md_draft_facts_set_rejection_time (MdDraftFacts    *facts,
                                                 GDateTime       *rejected_at);
/* Adds every MdCheck of a check run (a GListModel of MdCheck). */
void          md_draft_facts_add_checks      (MdDraftFacts       *facts,
                                              GListModel         *checks);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdDraftFacts, md_draft_facts_free)

typedef struct
{
  char *label;   /* translated: what the form calls it */
  char *value;   /* what to paste */
} MdDraftField;

typedef struct
{
  char   *name;           /* file name as the receiver sees it */
  char   *content_type;   /* "text/plain; charset=utf-8", "message/rfc822" */
  GBytes *data;
} MdDraftAttachment;

/* What a warning of a draft is about, so that a front end can offer the
 * fix next to it (run the checks, open the preferences …) without reading
 * the translated text. */
typedef enum
{
  MD_DRAFT_WARNING_OTHER,       /* the channel's own advice, addresses, anything else */
  MD_DRAFT_WARNING_NO_IP,       /* the rejection names no IP address */
  MD_DRAFT_WARNING_NO_CHECKS,   /* the checks have not run */
  MD_DRAFT_WARNING_PROBLEMS,    /* checks found problems: fix them, then check again */
  MD_DRAFT_WARNING_UNDECIDED,   /* checks could not decide: check again */
  MD_DRAFT_WARNING_NO_STEPS,    /* no remediation steps described */
  MD_DRAFT_WARNING_NO_PROFILE,  /* the sender details are missing */
} MdDraftWarningKind;

/* A request ready to send: data only. Text meant for the receiver (subject,
 * body, attachments) is in the receiver's language; warnings are in the
 * user's language. */
typedef struct
{
  char          *channel_id;    /* a template id: "microsoft-delist-mail" … */
  MdChannelKind  channel_kind;
  char          *recipient;     /* mail address, or NULL (forms, portals, replies) */
  char          *cc;            /* a second recipient (the documented address), or NULL */
  char          *url;           /* form or portal to open, or NULL */
  char          *subject;
  char          *body;          /* for forms and portals: the text to paste */
  char          *language;      /* "en", "de": what the receiver reads */
  char          *from_name;     /* From: of the .eml; NULL when unknown */
  char          *from_address;
  GPtrArray     *attachments;   /* of MdDraftAttachment* */
  GStrv          steps;         /* translated: what the user does, in order */
  GPtrArray     *fields;        /* of MdDraftField*: values to paste into a form */
  GStrv          warnings;      /* translated, for the user, never sent */
  GArray        *warning_kinds; /* of MdDraftWarningKind, one per warning, same order */
} MdDraft;

#define MD_TYPE_DRAFT (md_draft_get_type ())

GType              md_draft_get_type             (void) G_GNUC_CONST;
MdDraft           *md_draft_new                  (void);
MdDraft           *md_draft_copy                 (const MdDraft            *draft);
void               md_draft_free                 (MdDraft                  *draft);
void               md_draft_add_attachment       (MdDraft                  *draft,
                                                  const char               *name,
                                                  const char               *content_type,
                                                  GBytes                   *data);
/* What warnings[@index] is about; MD_DRAFT_WARNING_OTHER when unknown. */
MdDraftWarningKind md_draft_get_warning_kind     (const MdDraft            *draft,
                                                  guint                     index);
/* The channel ids templates.xml provides, in file order. */
GStrv              md_draft_list_channels        (GError                  **error);
/* @input: the bounce the rejection was read from (its message
 * @rejection->source_message), attached where the channel wants it; NULL
 * for none. */
MdDraft           *md_draft_new_for_rejection    (const MdRejection        *rejection,
                                                  const MdExplanation      *explanation,
                                                  const MdSenderProfile    *profile,
                                                  const MdDraftFacts       *facts,
                                                  MdInput                  *input,
                                                  const char               *channel_override,
                                                  GError                  **error);
/* What the receiver answered to the first request, as the user tells it:
 * the follow-up says what happened and never claims an answer the user did
 * not choose. */
typedef enum
{
  MD_FOLLOW_UP_ANSWER_UNKNOWN,         /* not said: the mail claims no answer */
  MD_FOLLOW_UP_ANSWER_NONE,            /* nothing 48 hours after the request */
  MD_FOLLOW_UP_ANSWER_NOT_QUALIFIED,   /* "not qualified for mitigation" */
  MD_FOLLOW_UP_ANSWER_NOTHING_FOUND,   /* "we found nothing on our side" */
  MD_FOLLOW_UP_ANSWER_ACKNOWLEDGED,    /* only an automatic acknowledgement */
  MD_FOLLOW_UP_ANSWER_BOUNCED,         /* the request itself was not delivered */
} MdFollowUpAnswer;

#define MD_FOLLOW_UP_N_ANSWERS (MD_FOLLOW_UP_ANSWER_BOUNCED + 1)

/* "unknown", "none", "not-qualified", "nothing-found", "acknowledged", "bounced" */
const char        *md_follow_up_answer_to_string   (MdFollowUpAnswer          answer);
gboolean           md_follow_up_answer_from_string (const char               *text,
                                                    MdFollowUpAnswer         *answer);
/* Translated, for the window's choice ("No answer after 48 hours" …). */
const char        *md_follow_up_answer_get_label   (MdFollowUpAnswer          answer);
/* The Microsoft follow-up ("microsoft-follow-up") for what Microsoft
 * answered; it goes to the documented delist address. */
MdDraft           *md_draft_new_follow_up        (const MdRejection        *rejection,
                                                  const MdExplanation      *explanation,
                                                  const MdSenderProfile    *profile,
                                                  const MdDraftFacts       *facts,
                                                  MdInput                  *input,
                                                  MdFollowUpAnswer          answer,
                                                  GError                  **error);
/* What "Copy" puts on the clipboard: the body, or for forms the text to paste. */
const char        *md_draft_get_clipboard_text   (const MdDraft            *draft);

/* md-draft-eml.c: the draft as an RFC 5322 message (CRLF line ends). */
JsonNode          *md_draft_to_json              (const MdDraft            *draft);
GBytes            *md_draft_to_eml               (const MdDraft            *draft,
                                                  GDateTime                *date,
                                                  GError                  **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdDraft, md_draft_free)

G_END_DECLS
