/* md-check.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-check.h"
#include "md-util.h"

struct _MdCheck
{
  GObject        parent_instance;

  /* Owned */
  char          *id;
  char          *kind;
  char          *title;
  char          *summary;
  char          *remedy;
  char          *group;
  JsonObject    *details;
  char          *facts[MD_CHECK_N_FACTS];

  MdCheckStatus  status;
  guint          duration_ms;
  int            weight;
};

enum {
  PROP_0,
  PROP_ID,
  PROP_KIND,
  PROP_STATUS,
  PROP_TITLE,
  PROP_SUMMARY,
  PROP_DETAILS,
  PROP_REMEDY,
  PROP_DURATION_MS,
  PROP_GROUP,
  PROP_WEIGHT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_ENUM_TYPE (MdCheckStatus, md_check_status,
  G_DEFINE_ENUM_VALUE (MD_CHECK_STATUS_OK, "ok"),
  G_DEFINE_ENUM_VALUE (MD_CHECK_STATUS_WARNING, "warning"),
  G_DEFINE_ENUM_VALUE (MD_CHECK_STATUS_PROBLEM, "problem"),
  G_DEFINE_ENUM_VALUE (MD_CHECK_STATUS_INFO, "info"),
  G_DEFINE_ENUM_VALUE (MD_CHECK_STATUS_ERROR, "error"),
  G_DEFINE_ENUM_VALUE (MD_CHECK_STATUS_RUNNING, "running"))

G_DEFINE_FINAL_TYPE (MdCheck, md_check, G_TYPE_OBJECT)

static const char *status_names[] = { "ok", "warning", "problem", "info", "error", "running" };

/* GLib 2.74 has no g_set_str(). */
static gboolean
set_str (char       **target,
         const char  *value)
{
  if (g_strcmp0 (*target, value) == 0)
    return FALSE;

  g_free (*target);
  *target = g_strdup (value);

  return TRUE;
}

static void
md_check_finalize (GObject *object)
{
  MdCheck *self = (MdCheck *) object;

  g_free (self->id);
  g_free (self->kind);
  g_free (self->title);
  g_free (self->summary);
  g_free (self->remedy);
  for (guint i = 0; i < MD_CHECK_N_FACTS; i++)
    g_free (self->facts[i]);
  g_free (self->group);
  g_clear_pointer (&self->details, json_object_unref);

  G_OBJECT_CLASS (md_check_parent_class)->finalize (object);
}

static void
md_check_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  MdCheck *self = MD_CHECK (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_KIND:
      g_value_set_string (value, self->kind);
      break;
    case PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_SUMMARY:
      g_value_set_string (value, self->summary);
      break;
    case PROP_DETAILS:
      g_value_set_boxed (value, self->details);
      break;
    case PROP_REMEDY:
      g_value_set_string (value, self->remedy);
      break;
    case PROP_DURATION_MS:
      g_value_set_uint (value, self->duration_ms);
      break;
    case PROP_GROUP:
      g_value_set_string (value, self->group);
      break;
    case PROP_WEIGHT:
      g_value_set_int (value, self->weight);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
md_check_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  MdCheck *self = MD_CHECK (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;
    case PROP_KIND:
      self->kind = g_value_dup_string (value);
      break;
    case PROP_STATUS:
      md_check_set_status (self, g_value_get_enum (value));
      break;
    case PROP_TITLE:
      md_check_set_title (self, g_value_get_string (value));
      break;
    case PROP_SUMMARY:
      md_check_set_summary (self, g_value_get_string (value));
      break;
    case PROP_DETAILS:
      md_check_set_details (self, g_value_get_boxed (value));
      break;
    case PROP_REMEDY:
      md_check_set_remedy (self, g_value_get_string (value));
      break;
    case PROP_DURATION_MS:
      md_check_set_duration_ms (self, g_value_get_uint (value));
      break;
    case PROP_GROUP:
      md_check_set_group (self, g_value_get_string (value));
      break;
    case PROP_WEIGHT:
      md_check_set_weight (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
md_check_class_init (MdCheckClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = md_check_finalize;
  object_class->get_property = md_check_get_property;
  object_class->set_property = md_check_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_KIND] =
    g_param_spec_string ("kind", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL, MD_TYPE_CHECK_STATUS, MD_CHECK_STATUS_RUNNING,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SUMMARY] =
    g_param_spec_string ("summary", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DETAILS] =
    g_param_spec_boxed ("details", NULL, NULL, JSON_TYPE_OBJECT,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REMEDY] =
    g_param_spec_string ("remedy", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DURATION_MS] =
    g_param_spec_uint ("duration-ms", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_GROUP] =
    g_param_spec_string ("group", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_WEIGHT] =
    g_param_spec_int ("weight", NULL, NULL, G_MININT, G_MAXINT, 0,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
md_check_init (MdCheck *self)
{
  self->status = MD_CHECK_STATUS_RUNNING;
  self->details = json_object_new ();
}

MdCheck *
md_check_new (const char *id,
              const char *kind,
              const char *title)
{
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (kind != NULL, NULL);

  return g_object_new (MD_TYPE_CHECK, "id", id, "kind", kind, "title", title, NULL);
}

const char *
md_check_status_to_string (MdCheckStatus status)
{
  g_return_val_if_fail (status < MD_CHECK_N_STATUSES, "error");

  return status_names[status];
}

gboolean
md_check_status_from_string (const char    *text,
                             MdCheckStatus *status)
{
  for (guint i = 0; i < G_N_ELEMENTS (status_names); i++)
    {
      if (g_strcmp0 (text, status_names[i]) == 0)
        {
          if (status != NULL)
            *status = i;
          return TRUE;
        }
    }

  return FALSE;
}

const char *
md_check_get_id (MdCheck *self)
{
  g_return_val_if_fail (MD_IS_CHECK (self), NULL);

  return self->id;
}

const char *
md_check_get_kind (MdCheck *self)
{
  g_return_val_if_fail (MD_IS_CHECK (self), NULL);

  return self->kind;
}

MdCheckStatus
md_check_get_status (MdCheck *self)
{
  g_return_val_if_fail (MD_IS_CHECK (self), MD_CHECK_STATUS_ERROR);

  return self->status;
}

void
md_check_set_status (MdCheck       *self,
                     MdCheckStatus  status)
{
  g_return_if_fail (MD_IS_CHECK (self));
  g_return_if_fail (status < MD_CHECK_N_STATUSES);

  if (self->status == status)
    return;

  self->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

const char *
md_check_get_title (MdCheck *self)
{
  g_return_val_if_fail (MD_IS_CHECK (self), NULL);

  return self->title;
}

void
md_check_set_title (MdCheck    *self,
                    const char *title)
{
  g_return_if_fail (MD_IS_CHECK (self));

  if (set_str (&self->title, title))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

const char *
md_check_get_summary (MdCheck *self)
{
  g_return_val_if_fail (MD_IS_CHECK (self), NULL);

  return self->summary;
}

void
md_check_set_summary (MdCheck    *self,
                      const char *summary)
{
  g_return_if_fail (MD_IS_CHECK (self));

  if (set_str (&self->summary, summary))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUMMARY]);
}

const char *
md_check_get_remedy (MdCheck *self)
{
  g_return_val_if_fail (MD_IS_CHECK (self), NULL);

  return self->remedy;
}

void
md_check_set_remedy (MdCheck    *self,
                     const char *remedy)
{
  g_return_if_fail (MD_IS_CHECK (self));

  if (set_str (&self->remedy, remedy))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REMEDY]);
}

/* Never NULL: an empty object until the check fills it. */
JsonObject *
md_check_get_details (MdCheck *self)
{
  g_return_val_if_fail (MD_IS_CHECK (self), NULL);

  return self->details;
}

void
md_check_set_details (MdCheck    *self,
                      JsonObject *details)
{
  g_return_if_fail (MD_IS_CHECK (self));

  if (details == self->details)
    return;

  g_clear_pointer (&self->details, json_object_unref);
  self->details = details ? json_object_ref (details) : json_object_new ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DETAILS]);
}

guint
md_check_get_duration_ms (MdCheck *self)
{
  g_return_val_if_fail (MD_IS_CHECK (self), 0);

  return self->duration_ms;
}

void
md_check_set_duration_ms (MdCheck *self,
                          guint    duration_ms)
{
  g_return_if_fail (MD_IS_CHECK (self));

  if (self->duration_ms == duration_ms)
    return;

  self->duration_ms = duration_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION_MS]);
}

const char *
md_check_get_group (MdCheck *self)
{
  g_return_val_if_fail (MD_IS_CHECK (self), NULL);

  return self->group;
}

void
md_check_set_group (MdCheck    *self,
                    const char *group)
{
  g_return_if_fail (MD_IS_CHECK (self));

  if (set_str (&self->group, group))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GROUP]);
}

int
md_check_get_weight (MdCheck *self)
{
  g_return_val_if_fail (MD_IS_CHECK (self), 0);

  return self->weight;
}

void
md_check_set_weight (MdCheck *self,
                     int      weight)
{
  g_return_if_fail (MD_IS_CHECK (self));

  if (self->weight == weight)
    return;

  self->weight = weight;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WEIGHT]);
}

gboolean
md_check_is_done (MdCheck *self)
{
  g_return_val_if_fail (MD_IS_CHECK (self), FALSE);

  return self->status != MD_CHECK_STATUS_RUNNING;
}

/* The check as the CLI's --json prints it (README, "check --json"). */
static const char * const fact_names[] = {
  [MD_CHECK_FACT_SPF_RESULT] = "spf_result",
  [MD_CHECK_FACT_DMARC_POLICY] = "dmarc_policy",
  [MD_CHECK_FACT_PTR_NAME] = "ptr_name",
  [MD_CHECK_FACT_HELO_NAME] = "helo_name",
  [MD_CHECK_FACT_DKIM_KEY] = "dkim_key",
  [MD_CHECK_FACT_IMPRINT_URL] = "imprint_url",
  [MD_CHECK_FACT_NETWORK_OWNER] = "network_owner",
};

G_STATIC_ASSERT (G_N_ELEMENTS (fact_names) == MD_CHECK_N_FACTS);

const char *
md_check_fact_to_string (MdCheckFact fact)
{
  g_return_val_if_fail (fact < MD_CHECK_N_FACTS, NULL);

  return fact_names[fact];
}

gboolean
md_check_fact_from_string (const char  *text,
                           MdCheckFact *fact)
{
  for (guint i = 0; i < MD_CHECK_N_FACTS; i++)
    if (g_strcmp0 (text, fact_names[i]) == 0)
      {
        *fact = i;
        return TRUE;
      }

  return FALSE;
}

const char *
md_check_get_fact (MdCheck     *self,
                   MdCheckFact  fact)
{
  g_return_val_if_fail (MD_IS_CHECK (self), NULL);
  g_return_val_if_fail (fact < MD_CHECK_N_FACTS, NULL);

  return self->facts[fact];
}

void
md_check_set_fact (MdCheck     *self,
                   MdCheckFact  fact,
                   const char  *value)
{
  g_return_if_fail (MD_IS_CHECK (self));
  g_return_if_fail (fact < MD_CHECK_N_FACTS);

  g_free (self->facts[fact]);
  self->facts[fact] = (value != NULL && value[0] != '\0') ? g_strdup (value) : NULL;
}

void
md_check_set_fact_take (MdCheck     *self,
                        MdCheckFact  fact,
                        char        *value)
{
  md_check_set_fact (self, fact, value);
  g_free (value);
}

void
md_check_set_facts_from_json (MdCheck    *self,
                              JsonObject *facts)
{
  g_return_if_fail (MD_IS_CHECK (self));

  for (guint i = 0; facts != NULL && i < MD_CHECK_N_FACTS; i++)
    {
      JsonNode *node = json_object_get_member (facts, fact_names[i]);

      if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
          json_node_get_value_type (node) == G_TYPE_STRING)
        md_check_set_fact (self, i, json_node_get_string (node));
    }
}

JsonNode *
md_check_to_json (MdCheck *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  JsonNode *details;

  g_return_val_if_fail (MD_IS_CHECK (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, self->id);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, self->kind);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, md_check_status_to_string (self->status));
  md_json_builder_add_string_member (builder, "title", self->title);
  md_json_builder_add_string_member (builder, "summary", self->summary);
  md_json_builder_add_string_member (builder, "remedy", self->remedy);
  json_builder_set_member_name (builder, "details");
  details = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (details, self->details);
  json_builder_add_value (builder, details);
  json_builder_set_member_name (builder, "duration_ms");
  json_builder_add_int_value (builder, self->duration_ms);
  json_builder_set_member_name (builder, "facts");
  json_builder_begin_object (builder);
  for (guint i = 0; i < MD_CHECK_N_FACTS; i++)
    if (self->facts[i] != NULL)
      md_json_builder_add_string_member (builder, md_check_fact_to_string (i), self->facts[i]);
  json_builder_end_object (builder);
  /* Kept so a case reopened later shows its checks in the same places. */
  md_json_builder_add_string_member (builder, "group", self->group);
  json_builder_set_member_name (builder, "weight");
  json_builder_add_int_value (builder, self->weight);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static gboolean
member_int (JsonObject *object,
            const char *name,
            gint64     *value)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;

  *value = json_node_get_int (node);
  return TRUE;
}

MdCheck *
md_check_new_from_json (JsonNode *node)
{
  g_autoptr(MdCheck) check = NULL;
  MdCheckStatus status;
  JsonObject *object;
  JsonNode *details;
  const char *id;
  const char *kind;
  const char *group;
  gint64 value;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  object = json_node_get_object (node);
  id = member_string (object, "id");
  kind = member_string (object, "kind");
  if (id == NULL || kind == NULL)
    return NULL;

  check = md_check_new (id, kind, member_string (object, "title"));
  /* A run that was cut off (the app was closed) left checks running: they
   * never got an answer, so they are undecided now. */
  if (!md_check_status_from_string (member_string (object, "status"), &status) ||
      status == MD_CHECK_STATUS_RUNNING)
    {
      status = MD_CHECK_STATUS_ERROR;
      md_check_set_summary (check, _("Could not decide: the check was interrupted."));
    }
  else
    {
      md_check_set_summary (check, member_string (object, "summary"));
    }
  md_check_set_status (check, status);
  md_check_set_remedy (check, member_string (object, "remedy"));
  /* The typed facts a draft may cite, only for a result that was decided. */
  if (status != MD_CHECK_STATUS_ERROR && json_object_has_member (object, "facts") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "facts")))
    md_check_set_facts_from_json (check, json_object_get_object_member (object, "facts"));
  details = json_object_get_member (object, "details");
  if (details != NULL && JSON_NODE_HOLDS_OBJECT (details))
    md_check_set_details (check, json_node_get_object (details));
  if (member_int (object, "duration_ms", &value))
    md_check_set_duration_ms (check, CLAMP (value, 0, G_MAXUINT));
  group = member_string (object, "group");
  if (group != NULL)
    md_check_set_group (check, group);
  if (member_int (object, "weight", &value))
    md_check_set_weight (check, CLAMP (value, G_MININT, G_MAXINT));

  return g_steal_pointer (&check);
}
