/* md-knowledge-private.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What the md-knowledge*.c files share: md-knowledge.c (the object and its
 * public API), md-knowledge-load.c (reading knowledge.xml),
 * md-knowledge-match.c (which entry a rejection meets),
 * md-knowledge-contacts.c (a contact from the rejection text for the channel)
 * and md-knowledge-explanation.c (MdExplanation: building, JSON, labels).
 * Not installed, not for other modules. */

#pragma once

#include "md-knowledge.h"

G_BEGIN_DECLS

typedef enum
{
  STATUS_EXACT,
  STATUS_RANGE,
  STATUS_PREFIX,
} StatusPatternKind;

typedef struct
{
  StatusPatternKind kind;
  guint             parts[3];    /* class.subject.detail; PREFIX uses the first n_parts */
  guint             n_parts;
  guint             high_detail; /* RANGE: parts[2] .. high_detail */
} StatusPattern;

typedef struct
{
  guint    value;
  gboolean is_class;             /* "5xx": value is the first digit */
} CodePattern;

typedef struct
{
  GPtrArray *providers;
  GPtrArray *services;
  GArray    *statuses;           /* of StatusPattern */
  GArray    *codes;              /* of CodePattern */
  int        temporary;          /* -1: either */
  GPtrArray *texts;              /* case-folded, white space collapsed */
} Match;

typedef struct
{
  char *provider;                /* NULL: any provider */
  char *url;
} ChannelUrl;

typedef struct
{
  char          *id;
  int            priority;
  int            line;
  GPtrArray     *sources;
  GPtrArray     *matches;
  /* msgids, white space already collapsed the way xgettext does */
  char          *title;
  char          *meaning;
  char          *cause;
  GPtrArray     *remedy;
  char          *response_time;
  guint          response_hours;
  GPtrArray     *pitfalls;
  gboolean       has_channel;
  MdChannelKind  channel_kind;
  char          *channel_id;
  char          *channel_language;
  char          *channel_address;
  char          *channel_cc;
  GPtrArray     *channel_urls;   /* of ChannelUrl* */
  GPtrArray     *address_domains;
  GPtrArray     *url_domains;
} Entry;

struct _MdKnowledge
{
  GObject     parent_instance;

  /* Owned */
  GPtrArray  *entries;           /* of Entry*, in file order */
  GHashTable *by_id;             /* id → Entry* (borrowed) */
};

/* md-knowledge.c: used by the loader and the matcher alike */
gboolean       md_knowledge_parse_status     (const char          *text,
                                              guint               *parts,
                                              guint                n_parts);
char          *md_knowledge_fold_text        (const char          *text);

/* md-knowledge-load.c */
void           md_knowledge_entry_free       (Entry               *entry);

/* md-knowledge-match.c: the entry with the highest priority among those
 * @rejection meets (the earlier in the file on a tie), or NULL. */
const Entry   *md_knowledge_find_entry       (MdKnowledge         *self,
                                              const MdRejection   *rejection);

/* md-knowledge-contacts.c */
void           md_knowledge_apply_contacts   (const Entry         *entry,
                                              const MdRejection   *rejection,
                                              MdExplanation       *explanation);

/* md-knowledge-explanation.c */
MdExplanation *md_knowledge_entry_explain    (const Entry         *entry,
                                              const char          *provider);
MdExplanation *md_knowledge_fallback_explain (void);
void           md_explanation_set_channel_cc (MdExplanation       *explanation,
                                              const char          *cc);

G_END_DECLS
