/* md-check.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* "error" means "could not decide": a check that could not run is never ok. */
typedef enum
{
  MD_CHECK_STATUS_OK,
  MD_CHECK_STATUS_WARNING,
  MD_CHECK_STATUS_PROBLEM,
  MD_CHECK_STATUS_INFO,
  MD_CHECK_STATUS_ERROR,
  MD_CHECK_STATUS_RUNNING,
} MdCheckStatus;

#define MD_CHECK_N_STATUSES (MD_CHECK_STATUS_RUNNING + 1)

#define MD_TYPE_CHECK_STATUS (md_check_status_get_type ())
GType          md_check_status_get_type     (void) G_GNUC_CONST;
const char    *md_check_status_to_string    (MdCheckStatus  status);
gboolean       md_check_status_from_string  (const char    *text,
                                             MdCheckStatus *status);

/* The values a delist request may cite from a check, each set by the check
 * that decides it (where it sets its result), so that a draft never reads a
 * check's details JSON. Language-neutral text; NULL when the check did not
 * decide it. */
typedef enum
{
  MD_CHECK_FACT_SPF_RESULT,      /* RFC 7208 result: "pass", "fail", "softfail" … */
  MD_CHECK_FACT_DMARC_POLICY,    /* the policy that applies: "none", "quarantine", "reject" */
  MD_CHECK_FACT_PTR_NAME,        /* the forward-confirmed PTR name, else the first PTR name */
  MD_CHECK_FACT_HELO_NAME,       /* the HELO name that was checked */
  MD_CHECK_FACT_DKIM_KEY,        /* "RSA 2048", "Ed25519" */
  MD_CHECK_FACT_IMPRINT_URL,     /* the imprint page the PTR name leads to */
  MD_CHECK_FACT_NETWORK_OWNER,   /* RDAP: who holds the IP's network (the hoster) */
} MdCheckFact;

#define MD_CHECK_N_FACTS (MD_CHECK_FACT_NETWORK_OWNER + 1)

const char    *md_check_fact_to_string      (MdCheckFact    fact);
gboolean       md_check_fact_from_string    (const char    *text,
                                             MdCheckFact   *fact);

#define MD_TYPE_CHECK (md_check_get_type ())
G_DECLARE_FINAL_TYPE (MdCheck, md_check, MD, CHECK, GObject)

MdCheck       *md_check_new                 (const char    *id,
                                             const char    *kind,
                                             const char    *title);

const char    *md_check_get_id              (MdCheck       *self);
const char    *md_check_get_kind            (MdCheck       *self);
MdCheckStatus  md_check_get_status          (MdCheck       *self);
void           md_check_set_status          (MdCheck       *self,
                                             MdCheckStatus  status);
const char    *md_check_get_title           (MdCheck       *self);
void           md_check_set_title           (MdCheck       *self,
                                             const char    *title);
const char    *md_check_get_summary         (MdCheck       *self);
void           md_check_set_summary         (MdCheck       *self,
                                             const char    *summary);
const char    *md_check_get_remedy          (MdCheck       *self);
void           md_check_set_remedy          (MdCheck       *self,
                                             const char    *remedy);
/* A check fills its details in place before its status leaves "running":
 * watch notify::status, not notify::details. */
JsonObject    *md_check_get_details         (MdCheck       *self);
void           md_check_set_details         (MdCheck       *self,
                                             JsonObject    *details);
const char    *md_check_get_fact            (MdCheck       *self,
                                             MdCheckFact    fact);
void           md_check_set_fact            (MdCheck       *self,
                                             MdCheckFact    fact,
                                             const char    *value);
void           md_check_set_fact_take       (MdCheck       *self,
                                             MdCheckFact    fact,
                                             char          *value);
/* Restores what md_check_to_json() wrote as "facts" (a saved case). */
void           md_check_set_facts_from_json (MdCheck       *self,
                                             JsonObject    *facts);
guint          md_check_get_duration_ms     (MdCheck       *self);
void           md_check_set_duration_ms     (MdCheck       *self,
                                             guint          duration_ms);
const char    *md_check_get_group           (MdCheck       *self);
void           md_check_set_group           (MdCheck       *self,
                                             const char    *group);
int            md_check_get_weight          (MdCheck       *self);
void           md_check_set_weight          (MdCheck       *self,
                                             int            weight);
gboolean       md_check_is_done             (MdCheck       *self);
JsonNode      *md_check_to_json             (MdCheck       *self);
/* Reads what md_check_to_json() wrote; NULL when @node is no check. A check
 * saved while running reads as "could not decide: interrupted". */
MdCheck       *md_check_new_from_json       (JsonNode      *node);

G_END_DECLS
