/* md-draft-private.h
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What the md-draft*.c files share: md-draft.c (the draft), md-draft-profile.c,
 * md-draft-facts.c, md-draft-templates.c (templates.xml) and md-draft-render.c
 * (the template language). Not installed, not for other modules. */

#pragma once

#include "md-draft.h"

G_BEGIN_DECLS

static inline gboolean
is_empty (const char *s)
{
  return s == NULL || s[0] == '\0';
}

/* Empty strings count as "not given": a blank preference must not produce
 * "Organisation: " in a mail. */
static inline char *
dup_nonempty (const char *s)
{
  return is_empty (s) ? NULL : g_strdup (s);
}

/* md-draft-templates.c */

typedef struct
{
  char *key;
  char *label;   /* untranslated, as in the file */
} TemplateField;

typedef struct
{
  char          *id;
  MdChannelKind  kind;
  char          *language;
  char          *address;
  char          *url;
  GHashTable    *provider_urls;   /* provider → url */
  gboolean       attach_rejection;
  gboolean       attach_original;
  char          *subject;
  char          *body;
  GPtrArray     *steps;           /* of char*, untranslated */
  GPtrArray     *fields;          /* of TemplateField* */
  GPtrArray     *warnings;        /* of char*, untranslated */
} Template;

GPtrArray      *md_draft_templates_get      (GError     **error);
const Template *md_draft_templates_find     (GPtrArray   *templates,
                                             const char  *id);

/* md-draft-render.c: a table of named values (strings or lists of strings)
 * and the template language that fills them in. */
GHashTable     *md_draft_values_new         (void);
void            md_draft_values_set_string  (GHashTable  *values,
                                             const char  *name,
                                             const char  *str);
void            md_draft_values_set_list    (GHashTable  *values,
                                             const char  *name,
                                             GPtrArray   *list);
const char     *md_draft_values_lookup      (GHashTable  *values,
                                             const char  *name);
gboolean        md_draft_is_section_tag     (const char  *s,
                                             gsize        len);
char           *md_draft_render             (const char  *text,
                                             GHashTable  *values,
                                             GError     **error);

/* md-draft-facts.c: the decided facts, as the receiver reads them, into
 * VALUES: "facts" (list), "domains", "rejected_at", "ptr", "helo", "hoster",
 * "imprint_chain", "description", "volume", "ip_use". Returns the number of
 * lines in "facts". */
guint           md_draft_facts_fill_values  (const MdDraftFacts    *facts,
                                             const MdSenderProfile *profile,
                                             const char            *sender_domain,
                                             const char            *blocked_ip,
                                             const char            *language,
                                             GHashTable            *values);

G_END_DECLS
