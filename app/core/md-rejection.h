/* md-rejection.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  MD_SMTP_STAGE_UNKNOWN,
  MD_SMTP_STAGE_CONNECT,
  MD_SMTP_STAGE_HELO,
  MD_SMTP_STAGE_MAIL_FROM,
  MD_SMTP_STAGE_RCPT_TO,
  MD_SMTP_STAGE_DATA,
  MD_SMTP_STAGE_END_OF_DATA,
} MdSmtpStage;

typedef enum
{
  MD_CONTACT_EMAIL,
  MD_CONTACT_URL,
} MdContactKind;

typedef struct
{
  MdContactKind  kind;
  char          *value;
} MdContact;

/* One rejection as the receiver stated it. Every string is UTF-8 or NULL
 * when the input did not say. */
typedef struct
{
  char        *recipient;
  /* The receiver, in receivers.xml's vocabulary: a <provider> id and, where
   * the provider has several receivers, the receiver's service. */
  char        *provider;        /* "microsoft", "google", "yahoo", "t-online", "gmx", "web.de",
                                 * "ionos", "apple", "comcast", "orange", … or NULL (unknown) */
  char        *service;         /* microsoft: "exchange-online" or "outlook-com"; else NULL */
  char        *remote_host;     /* the rejecting server */
  char        *remote_ip;
  guint        smtp_code;       /* 0 when unknown */
  char        *enhanced_status; /* "5.7.511" */
  MdSmtpStage  stage;
  gboolean     temporary;       /* 4xx / x.y.z with class 4 */
  char        *blocked_ip;      /* the sending IP the receiver names */
  GStrv        references;      /* "AS(1410)", "S3150", "(BL)", server ids … */
  GPtrArray   *contacts;        /* of MdContact* */
  char        *text;            /* the rejection text, unwrapped */
  char        *source_file;     /* the file it was read from, when known ("-": stdin) */
  guint        source_message;  /* 1, 2, … in an mbox; 0 when the input was one message */
} MdRejection;

#define MD_TYPE_REJECTION (md_rejection_get_type ())

GType        md_rejection_get_type        (void) G_GNUC_CONST;
MdRejection *md_rejection_new             (void);
MdRejection *md_rejection_copy            (const MdRejection *rejection);
void         md_rejection_free            (MdRejection       *rejection);
void         md_rejection_add_contact     (MdRejection       *rejection,
                                           MdContactKind      kind,
                                           const char        *value);
const char  *md_rejection_first_contact   (const MdRejection *rejection,
                                           MdContactKind      kind);
const char  *md_smtp_stage_to_string      (MdSmtpStage        stage);
/* Translated, for people ("after RCPT TO (the recipient)"); NULL when unknown. */
const char  *md_smtp_stage_get_label      (MdSmtpStage        stage);
const char  *md_provider_display_name     (const char        *provider);
const char  *md_provider_service_display_name (const char    *provider,
                                               const char    *service);
/* Who rejected, as one word for lists and search: the provider the parser
 * recognised, else the recipient's domain, else the rejecting host. */
char        *md_rejection_dup_receiver    (const MdRejection *rejection);
/* The fields of `maildoctor-cli parse --json` (README), unknown values null. */
JsonNode    *md_rejection_to_json         (const MdRejection *rejection);
/* Reads what md_rejection_to_json() wrote; NULL (with @error) when @node is
 * not a rejection object. Unknown or mistyped members are left unset. */
MdRejection *md_rejection_new_from_json   (JsonNode          *node,
                                           GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdRejection, md_rejection_free)

G_END_DECLS
