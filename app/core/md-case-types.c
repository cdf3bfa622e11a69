/* md-case-types.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-case-types.h"

/* The case store's enums (with their stable ids and translated labels) and
 * its boxed row types; nothing here touches the database. */

/* Enums */

static const GEnumValue case_status_values[] = {
  { MD_CASE_STATUS_OPEN, "MD_CASE_STATUS_OPEN", "open" },
  { MD_CASE_STATUS_REQUESTED, "MD_CASE_STATUS_REQUESTED", "requested" },
  { MD_CASE_STATUS_DELISTED, "MD_CASE_STATUS_DELISTED", "delisted" },
  { MD_CASE_STATUS_CLOSED, "MD_CASE_STATUS_CLOSED", "closed" },
  { 0, NULL, NULL }
};

static const GEnumValue case_event_kind_values[] = {
  { MD_CASE_EVENT_CREATED, "MD_CASE_EVENT_CREATED", "created" },
  { MD_CASE_EVENT_CHECKED, "MD_CASE_EVENT_CHECKED", "checked" },
  { MD_CASE_EVENT_RECHECKED, "MD_CASE_EVENT_RECHECKED", "rechecked" },
  { MD_CASE_EVENT_DRAFT_CREATED, "MD_CASE_EVENT_DRAFT_CREATED", "draft-created" },
  { MD_CASE_EVENT_REQUEST_OPENED_IN_MAIL_APP, "MD_CASE_EVENT_REQUEST_OPENED_IN_MAIL_APP",
    "request-opened-in-mail-app" },
  { MD_CASE_EVENT_REQUEST_SAVED, "MD_CASE_EVENT_REQUEST_SAVED", "request-saved" },
  { MD_CASE_EVENT_REQUEST_COPIED, "MD_CASE_EVENT_REQUEST_COPIED", "request-copied" },
  { MD_CASE_EVENT_FORM_OPENED, "MD_CASE_EVENT_FORM_OPENED", "form-opened" },
  { MD_CASE_EVENT_MARKED_REQUESTED, "MD_CASE_EVENT_MARKED_REQUESTED", "marked-requested" },
  { MD_CASE_EVENT_MARKED_DELISTED, "MD_CASE_EVENT_MARKED_DELISTED", "marked-delisted" },
  { MD_CASE_EVENT_CLOSED, "MD_CASE_EVENT_CLOSED", "closed" },
  { MD_CASE_EVENT_REOPENED, "MD_CASE_EVENT_REOPENED", "reopened" },
  { MD_CASE_EVENT_NOTE_EDITED, "MD_CASE_EVENT_NOTE_EDITED", "note-edited" },
  { MD_CASE_EVENT_RENAMED, "MD_CASE_EVENT_RENAMED", "renamed" },
  { MD_CASE_EVENT_PROBE_REJECTED, "MD_CASE_EVENT_PROBE_REJECTED", "probe-rejected" },
  { MD_CASE_EVENT_PROBE_ACCEPTED, "MD_CASE_EVENT_PROBE_ACCEPTED", "probe-accepted" },
  { MD_CASE_EVENT_FOUND_IN_LOGS, "MD_CASE_EVENT_FOUND_IN_LOGS", "found-in-logs" },
  { 0, NULL, NULL }
};

static const GEnumValue case_change_values[] = {
  { MD_CASE_CHANGE_ADDED, "MD_CASE_CHANGE_ADDED", "added" },
  { MD_CASE_CHANGE_UPDATED, "MD_CASE_CHANGE_UPDATED", "updated" },
  { MD_CASE_CHANGE_REMOVED, "MD_CASE_CHANGE_REMOVED", "removed" },
  { 0, NULL, NULL }
};

GType
md_case_status_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("MdCaseStatus", case_status_values));

  return type;
}

GType
md_case_event_kind_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("MdCaseEventKind", case_event_kind_values));

  return type;
}

GType
md_case_change_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("MdCaseChange", case_change_values));

  return type;
}

static const char *
enum_to_nick (const GEnumValue *values,
              int               value)
{
  for (guint i = 0; values[i].value_nick != NULL; i++)
    if (values[i].value == value)
      return values[i].value_nick;

  return NULL;
}

static gboolean
enum_from_nick (const GEnumValue *values,
                const char       *nick,
                int              *value)
{
  if (nick == NULL)
    return FALSE;

  for (guint i = 0; values[i].value_nick != NULL; i++)
    if (g_str_equal (values[i].value_nick, nick))
      {
        *value = values[i].value;
        return TRUE;
      }

  return FALSE;
}

const char *
md_case_status_to_string (MdCaseStatus status)
{
  return enum_to_nick (case_status_values, status);
}

gboolean
md_case_status_from_string (const char   *string,
                            MdCaseStatus *status)
{
  int value;

  g_return_val_if_fail (status != NULL, FALSE);

  if (!enum_from_nick (case_status_values, string, &value))
    return FALSE;

  *status = value;
  return TRUE;
}

const char *
md_case_status_get_label (MdCaseStatus status)
{
  switch (status)
    {
    /* Translators: the status of a case: nothing sent yet */
    case MD_CASE_STATUS_OPEN:      return C_("case status", "Open");
    /* Translators: the status of a case: a delist request was sent */
    case MD_CASE_STATUS_REQUESTED: return C_("case status", "Requested");
    /* Translators: the status of a case: the receiver removed the block */
    case MD_CASE_STATUS_DELISTED:  return C_("case status", "Delisted");
    case MD_CASE_STATUS_CLOSED:    return C_("case status", "Closed");
    default:                       return NULL;
    }
}

const char *
md_case_event_kind_to_string (MdCaseEventKind kind)
{
  return enum_to_nick (case_event_kind_values, kind);
}

gboolean
md_case_event_kind_from_string (const char      *string,
                                MdCaseEventKind *kind)
{
  int value;

  g_return_val_if_fail (kind != NULL, FALSE);

  if (!enum_from_nick (case_event_kind_values, string, &value))
    return FALSE;

  *kind = value;
  return TRUE;
}

const char *
md_case_event_kind_get_label (MdCaseEventKind kind)
{
  switch (kind)
    {
    case MD_CASE_EVENT_CREATED:                    return _("Case created");
    case MD_CASE_EVENT_CHECKED:                    return _("Checked");
    case MD_CASE_EVENT_RECHECKED:                  return _("Checked again");
    case MD_CASE_EVENT_DRAFT_CREATED:              return _("Request drafted");
    case MD_CASE_EVENT_REQUEST_OPENED_IN_MAIL_APP: return _("Request opened in mail app");
    case MD_CASE_EVENT_REQUEST_SAVED:              return _("Request saved as file");
    case MD_CASE_EVENT_REQUEST_COPIED:             return _("Request text copied");
    case MD_CASE_EVENT_FORM_OPENED:                return _("Removal form opened");
    case MD_CASE_EVENT_MARKED_REQUESTED:           return _("Marked as requested");
    case MD_CASE_EVENT_MARKED_DELISTED:            return _("Marked as delisted");
    case MD_CASE_EVENT_CLOSED:                     return _("Case closed");
    case MD_CASE_EVENT_REOPENED:                   return _("Case reopened");
    case MD_CASE_EVENT_NOTE_EDITED:                return _("Notes edited");
    case MD_CASE_EVENT_RENAMED:                    return _("Case renamed");
    case MD_CASE_EVENT_PROBE_REJECTED:             return _("Tested from the mail server: still rejected");
    case MD_CASE_EVENT_PROBE_ACCEPTED:             return _("Tested from the mail server: accepted");
    case MD_CASE_EVENT_FOUND_IN_LOGS:              return _("Found in the mail logs");
    default:                                       return NULL;
    }
}

/* Boxed types */

G_DEFINE_BOXED_TYPE (MdCase, md_case, md_case_copy, md_case_free)
G_DEFINE_BOXED_TYPE (MdCaseRejection, md_case_rejection,
                     md_case_rejection_copy, md_case_rejection_free)
G_DEFINE_BOXED_TYPE (MdCaseCheckRun, md_case_check_run,
                     md_case_check_run_copy, md_case_check_run_free)
G_DEFINE_BOXED_TYPE (MdCaseDraft, md_case_draft, md_case_draft_copy, md_case_draft_free)
G_DEFINE_BOXED_TYPE (MdCaseEvent, md_case_event, md_case_event_copy, md_case_event_free)

static GDateTime *
datetime_ref0 (GDateTime *datetime)
{
  return datetime != NULL ? g_date_time_ref (datetime) : NULL;
}

static JsonNode *
json_node_copy0 (JsonNode *node)
{
  return node != NULL ? json_node_copy (node) : NULL;
}

MdCase *
md_case_copy (const MdCase *self)
{
  MdCase *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (MdCase, 1);
  copy->id = self->id;
  copy->created = datetime_ref0 (self->created);
  copy->updated = datetime_ref0 (self->updated);
  copy->title = g_strdup (self->title);
  copy->receiver = g_strdup (self->receiver);
  copy->blocked_ip = g_strdup (self->blocked_ip);
  copy->status = self->status;
  copy->notes = g_strdup (self->notes);
  copy->has_input_eml = self->has_input_eml;
  copy->deleted = datetime_ref0 (self->deleted);

  return copy;
}

void
md_case_free (MdCase *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->created, g_date_time_unref);
  g_clear_pointer (&self->updated, g_date_time_unref);
  g_free (self->title);
  g_free (self->receiver);
  g_free (self->blocked_ip);
  g_free (self->notes);
  g_clear_pointer (&self->deleted, g_date_time_unref);
  g_free (self);
}

MdCaseRejection *
md_case_rejection_copy (const MdCaseRejection *self)
{
  MdCaseRejection *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (MdCaseRejection, 1);
  copy->position = self->position;
  copy->rejection = self->rejection != NULL ? md_rejection_copy (self->rejection) : NULL;
  copy->explanation = json_node_copy0 (self->explanation);

  return copy;
}

void
md_case_rejection_free (MdCaseRejection *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->rejection, md_rejection_free);
  g_clear_pointer (&self->explanation, json_node_unref);
  g_free (self);
}

MdCaseCheckRun *
md_case_check_run_copy (const MdCaseCheckRun *self)
{
  MdCaseCheckRun *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (MdCaseCheckRun, 1);
  copy->id = self->id;
  copy->case_id = self->case_id;
  copy->started = datetime_ref0 (self->started);
  copy->finished = datetime_ref0 (self->finished);
  copy->results = json_node_copy0 (self->results);

  return copy;
}

void
md_case_check_run_free (MdCaseCheckRun *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->started, g_date_time_unref);
  g_clear_pointer (&self->finished, g_date_time_unref);
  g_clear_pointer (&self->results, json_node_unref);
  g_free (self);
}

MdCaseDraft *
md_case_draft_copy (const MdCaseDraft *self)
{
  MdCaseDraft *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (MdCaseDraft, 1);
  copy->id = self->id;
  copy->case_id = self->case_id;
  copy->created = datetime_ref0 (self->created);
  copy->channel_id = g_strdup (self->channel_id);
  copy->draft = json_node_copy0 (self->draft);

  return copy;
}

void
md_case_draft_free (MdCaseDraft *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->created, g_date_time_unref);
  g_free (self->channel_id);
  g_clear_pointer (&self->draft, json_node_unref);
  g_free (self);
}

MdCaseEvent *
md_case_event_copy (const MdCaseEvent *self)
{
  MdCaseEvent *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (MdCaseEvent, 1);
  copy->id = self->id;
  copy->case_id = self->case_id;
  copy->timestamp = datetime_ref0 (self->timestamp);
  copy->kind = self->kind;
  copy->detail = g_strdup (self->detail);

  return copy;
}

void
md_case_event_free (MdCaseEvent *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->timestamp, g_date_time_unref);
  g_free (self->detail);
  g_free (self);
}

/* The watch list's history */

G_DEFINE_BOXED_TYPE (MdWatchListing, md_watch_listing, md_watch_listing_copy,
                     md_watch_listing_free)

MdWatchListing *
md_watch_listing_copy (const MdWatchListing *self)
{
  MdWatchListing *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (MdWatchListing, 1);
  copy->id = self->id;
  copy->ip = g_strdup (self->ip);
  copy->zone = g_strdup (self->zone);
  copy->list_name = g_strdup (self->list_name);
  copy->listed = self->listed != NULL ? g_date_time_ref (self->listed) : NULL;
  copy->delisted = self->delisted != NULL ? g_date_time_ref (self->delisted) : NULL;
  copy->detail = g_strdup (self->detail);

  return copy;
}

void
md_watch_listing_free (MdWatchListing *self)
{
  if (self == NULL)
    return;

  g_free (self->ip);
  g_free (self->zone);
  g_free (self->list_name);
  g_clear_pointer (&self->listed, g_date_time_unref);
  g_clear_pointer (&self->delisted, g_date_time_unref);
  g_free (self->detail);
  g_free (self);
}
