/* md-test-zone.c — an in-memory MdDnsSource for tests
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "md-test-zone.h"

/* CNAME chains longer than this are treated as loops, like a resolver. */
#define MAX_CNAME_CHAIN 8

typedef enum
{
  ENTRY_RECORD,
  ENTRY_EMPTY,
  ENTRY_TIMEOUT,
} EntryKind;

typedef struct
{
  EntryKind    kind;
  MdDnsType    type;
  MdDnsRecord *record;
} Entry;

struct _MdTestZone
{
  GObject     parent_instance;

  GHashTable *names;      /* lower-case name → GPtrArray of Entry* */
  GHashTable *statuses;   /* "name/type" → MdDnsStatus */
  guint       queries;
};

static void md_test_zone_source_iface_init (MdDnsSourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MdTestZone, md_test_zone, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MD_TYPE_DNS_SOURCE,
                                                      md_test_zone_source_iface_init))

static void
entry_free (Entry *entry)
{
  g_clear_pointer (&entry->record, md_dns_record_free);
  g_free (entry);
}

static char *
normalize (const char *name)
{
  gsize len = strlen (name);

  if (len > 0 && name[len - 1] == '.')
    len--;

  return g_ascii_strdown (name, len);
}

static GPtrArray *
entries_for (MdTestZone *self,
             const char *name)
{
  g_autofree char *key = normalize (name);
  GPtrArray *entries = g_hash_table_lookup (self->names, key);

  if (entries == NULL)
    {
      entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
      g_hash_table_insert (self->names, g_steal_pointer (&key), entries);
    }

  return entries;
}

static void
add_entry (MdTestZone  *self,
           const char  *name,
           EntryKind    kind,
           MdDnsType    type,
           MdDnsRecord *record)
{
  Entry *entry = g_new0 (Entry, 1);

  entry->kind = kind;
  entry->type = type;
  entry->record = record;
  g_ptr_array_add (entries_for (self, name), entry);
}

static char *
status_key (const char *name,
            MdDnsType   type)
{
  g_autofree char *key = normalize (name);

  return g_strdup_printf ("%s/%d", key, type);
}

/* Answers one question, following CNAMEs as a recursive resolver does. */
static MdDnsAnswer *
resolve (MdTestZone *self,
         const char *name,
         MdDnsType   type)
{
  g_autofree char *question = normalize (name);
  g_autoptr(MdDnsAnswer) answer = md_dns_answer_new (question, type, MD_DNS_STATUS_OK);
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *current = g_strdup (question);
  g_auto(GStrv) labels = g_strsplit (question, ".", -1);

  /* The reference runner's DNS layer refuses labels over 63 octets. */
  for (guint i = 0; labels[i] != NULL; i++)
    {
      if (strlen (labels[i]) > 63)
        {
          answer->status = MD_DNS_STATUS_ERROR;
          answer->message = g_strdup ("DNS label longer than 63 octets");
          return g_steal_pointer (&answer);
        }
    }

  for (;;)
    {
      g_autofree char *key = status_key (current, type);
      GPtrArray *entries;
      const char *cname = NULL;
      gboolean have_type = FALSE;

      if (g_hash_table_contains (self->statuses, key))
        {
          answer->status = GPOINTER_TO_INT (g_hash_table_lookup (self->statuses, key));
          return g_steal_pointer (&answer);
        }

      entries = g_hash_table_lookup (self->names, current);
      if (entries == NULL)
        {
          answer->status = MD_DNS_STATUS_NXDOMAIN;
          return g_steal_pointer (&answer);
        }

      for (guint i = 0; i < entries->len; i++)
        {
          const Entry *entry = g_ptr_array_index (entries, i);

          if (entry->kind == ENTRY_TIMEOUT)
            {
              if (!have_type)
                {
                  answer->status = MD_DNS_STATUS_TIMEOUT;
                  return g_steal_pointer (&answer);
                }
              break;
            }

          if (entry->kind != ENTRY_RECORD)
            continue;

          if (entry->type == type)
            {
              have_type = TRUE;
              g_ptr_array_add (answer->records, md_dns_record_copy (entry->record));
            }
          else if (entry->type == MD_DNS_TYPE_CNAME && cname == NULL)
            {
              cname = entry->record->target;
            }
        }

      if (have_type || cname == NULL)
        {
          answer->status = have_type ? MD_DNS_STATUS_OK : MD_DNS_STATUS_NODATA;
          return g_steal_pointer (&answer);
        }

      g_ptr_array_add (seen, g_strdup (current));
      g_free (current);
      current = normalize (cname);

      if (seen->len > MAX_CNAME_CHAIN ||
          g_ptr_array_find_with_equal_func (seen, current, g_str_equal, NULL))
        {
          answer->status = MD_DNS_STATUS_SERVFAIL;
          answer->message = g_strdup ("CNAME loop");
          return g_steal_pointer (&answer);
        }
    }
}

static gboolean
return_answer_cb (gpointer user_data)
{
  GTask *task = user_data;
  const MdDnsAnswer *answer = g_task_get_task_data (task);

  g_task_return_pointer (task, md_dns_answer_copy (answer), (GDestroyNotify) md_dns_answer_free);

  return G_SOURCE_REMOVE;
}

static void
md_test_zone_query_async (MdDnsSource         *source,
                          const char          *name,
                          MdDnsType            type,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  MdTestZone *self = MD_TEST_ZONE (source);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GSource) idle = NULL;

  g_task_set_source_tag (task, md_test_zone_query_async);
  g_task_set_check_cancellable (task, TRUE);
  g_task_set_task_data (task, resolve (self, name, type), (GDestroyNotify) md_dns_answer_free);
  self->queries++;

  /* Answer from the main loop, never from inside the call, as c-ares does. */
  idle = g_idle_source_new ();
  g_source_set_callback (idle, return_answer_cb, g_object_ref (task), g_object_unref);
  g_source_attach (idle, g_main_context_get_thread_default ());
}

static MdDnsAnswer *
md_test_zone_query_finish (MdDnsSource   *source,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
md_test_zone_source_iface_init (MdDnsSourceInterface *iface)
{
  iface->query_async = md_test_zone_query_async;
  iface->query_finish = md_test_zone_query_finish;
}

static void
md_test_zone_finalize (GObject *object)
{
  MdTestZone *self = MD_TEST_ZONE (object);

  g_clear_pointer (&self->names, g_hash_table_unref);
  g_clear_pointer (&self->statuses, g_hash_table_unref);

  G_OBJECT_CLASS (md_test_zone_parent_class)->finalize (object);
}

static void
md_test_zone_class_init (MdTestZoneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = md_test_zone_finalize;
}

static void
md_test_zone_init (MdTestZone *self)
{
  self->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) g_ptr_array_unref);
  self->statuses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

MdTestZone *
md_test_zone_new (void)
{
  return g_object_new (MD_TYPE_TEST_ZONE, NULL);
}

void
md_test_zone_add_address (MdTestZone *self,
                          const char *name,
                          const char *address)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autofree char *owner = NULL;
  MdDnsRecord *record;

  g_return_if_fail (MD_IS_TEST_ZONE (self));

  inet = g_inet_address_new_from_string (address);
  g_return_if_fail (inet != NULL);

  owner = normalize (name);
  record = md_dns_record_new (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV4
                              ? MD_DNS_TYPE_A : MD_DNS_TYPE_AAAA, owner);
  record->ttl = 300;
  record->address = g_steal_pointer (&inet);
  add_entry (self, name, ENTRY_RECORD, record->type, record);
}

void
md_test_zone_add_txt (MdTestZone         *self,
                      const char         *name,
                      MdDnsType           type,
                      const char * const *strings)
{
  g_autofree char *owner = NULL;
  MdDnsRecord *record;

  g_return_if_fail (MD_IS_TEST_ZONE (self));
  g_return_if_fail (type == MD_DNS_TYPE_TXT || type == MD_DNS_TYPE_SPF);

  owner = normalize (name);
  record = md_dns_record_new (type, owner);
  record->ttl = 300;
  record->strings = g_strdupv ((char **) strings);
  /* RFC 7208 3.3: the character-strings of one record are joined as is. */
  record->text = strings ? g_strjoinv ("", (char **) strings) : g_strdup ("");
  if (record->strings == NULL)
    record->strings = g_new0 (char *, 1);
  add_entry (self, name, ENTRY_RECORD, type, record);
}

void
md_test_zone_add_mx (MdTestZone *self,
                     const char *name,
                     guint16     preference,
                     const char *exchange)
{
  g_autofree char *owner = NULL;
  MdDnsRecord *record;

  g_return_if_fail (MD_IS_TEST_ZONE (self));

  owner = normalize (name);
  record = md_dns_record_new (MD_DNS_TYPE_MX, owner);
  record->ttl = 300;
  record->preference = preference;
  record->target = normalize (exchange ? exchange : "");
  add_entry (self, name, ENTRY_RECORD, MD_DNS_TYPE_MX, record);
}

void
md_test_zone_add_target (MdTestZone *self,
                         const char *name,
                         MdDnsType   type,
                         const char *target)
{
  g_autofree char *owner = NULL;
  MdDnsRecord *record;
  gsize len;

  g_return_if_fail (MD_IS_TEST_ZONE (self));
  g_return_if_fail (target != NULL);

  owner = normalize (name);
  record = md_dns_record_new (type, owner);
  record->ttl = 300;
  /* Targets keep their case (ptr-case-change relies on it), not the dot. */
  len = strlen (target);
  record->target = g_strndup (target, len > 0 && target[len - 1] == '.' ? len - 1 : len);
  add_entry (self, name, ENTRY_RECORD, type, record);
}

void
md_test_zone_add_empty (MdTestZone *self,
                        const char *name,
                        MdDnsType   type)
{
  g_return_if_fail (MD_IS_TEST_ZONE (self));

  add_entry (self, name, ENTRY_EMPTY, type, NULL);
}

void
md_test_zone_add_timeout (MdTestZone *self,
                          const char *name)
{
  g_return_if_fail (MD_IS_TEST_ZONE (self));

  add_entry (self, name, ENTRY_TIMEOUT, 0, NULL);
}

void
md_test_zone_set_status (MdTestZone  *self,
                         const char  *name,
                         MdDnsType    type,
                         MdDnsStatus  status)
{
  g_return_if_fail (MD_IS_TEST_ZONE (self));

  g_hash_table_insert (self->statuses, status_key (name, type), GINT_TO_POINTER (status));
}

guint
md_test_zone_get_queries (MdTestZone *self)
{
  g_return_val_if_fail (MD_IS_TEST_ZONE (self), 0);

  return self->queries;
}

/* {{{ The conformance suite's zone data */

/* One character-string: a JSON string, or {"base64": …} for text with NUL
 * octets, which JSON strings cannot carry through json-glib. */
static char *
suite_string (JsonNode  *node,
              GError   **error)
{
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));

  if (JSON_NODE_HOLDS_OBJECT (node) &&
      json_object_has_member (json_node_get_object (node), "base64"))
    {
      const char *encoded = json_object_get_string_member (json_node_get_object (node), "base64");
      gsize len = 0;
      g_autofree guchar *bytes = g_base64_decode (encoded, &len);
      GString *s = g_string_sized_new (len);

      /* A C string cannot hold a NUL octet. Never cut the text short there
       * (that would hide what follows): put U+FFFD in its place, so the SPF
       * parser sees a character that is not allowed, as it would on the wire. */
      for (gsize i = 0; i < len; i++)
        {
          if (bytes[i] == 0)
            g_string_append (s, "\xef\xbf\xbd");
          else
            g_string_append_c (s, bytes[i]);
        }
      return g_string_free (s, FALSE);
    }

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "a TXT character-string must be a string");
  return NULL;
}

static gboolean
add_suite_txt (MdTestZone  *self,
               const char  *name,
               MdDnsType    type,
               JsonNode    *value,
               GError     **error)
{
  g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);

  if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *array = json_node_get_array (value);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          char *s = suite_string (json_array_get_element (array, i), error);

          if (s == NULL)
            return FALSE;
          g_ptr_array_add (strings, s);
        }
    }
  else
    {
      char *s = suite_string (value, error);

      if (s == NULL)
        return FALSE;
      if (g_str_equal (s, "NONE"))
        {
          g_free (s);
          md_test_zone_add_empty (self, name, type);
          return TRUE;
        }
      g_ptr_array_add (strings, s);
    }

  g_ptr_array_add (strings, NULL);
  md_test_zone_add_txt (self, name, type, (const char * const *) strings->pdata);

  return TRUE;
}

static gboolean
load_suite_name (MdTestZone  *self,
                 const char  *name,
                 JsonArray   *rrs,
                 GError     **error)
{
  g_autoptr(GPtrArray) spf_copies = g_ptr_array_new ();
  gboolean has_txt = FALSE;

  /* The name exists even when every entry is NONE. */
  (void) entries_for (self, name);

  for (guint i = 0; i < json_array_get_length (rrs); i++)
    {
      JsonNode *node = json_array_get_element (rrs, i);
      JsonObject *rr;
      JsonObjectIter iter;
      const char *type;
      JsonNode *value;

      if (JSON_NODE_HOLDS_VALUE (node) &&
          g_strcmp0 (json_node_get_string (node), "TIMEOUT") == 0)
        {
          md_test_zone_add_timeout (self, name);
          continue;
        }

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "%s: an entry must be TIMEOUT or a {TYPE: value} map", name);
          return FALSE;
        }

      rr = json_node_get_object (node);
      json_object_iter_init (&iter, rr);
      while (json_object_iter_next (&iter, &type, &value))
        {
          if (g_str_equal (type, "TXT") || g_str_equal (type, "SPF"))
            {
              if (g_str_equal (type, "TXT"))
                has_txt = TRUE;
              else
                g_ptr_array_add (spf_copies, value);
              if (!add_suite_txt (self, name, g_str_equal (type, "TXT") ? MD_DNS_TYPE_TXT
                                                                        : MD_DNS_TYPE_SPF,
                                  value, error))
                return FALSE;
            }
          else if (g_str_equal (type, "A") || g_str_equal (type, "AAAA"))
            {
              md_test_zone_add_address (self, name, json_node_get_string (value));
            }
          else if (g_str_equal (type, "MX"))
            {
              JsonArray *mx = json_node_get_array (value);

              md_test_zone_add_mx (self, name, json_array_get_int_element (mx, 0),
                                   json_array_get_string_element (mx, 1));
            }
          else if (g_str_equal (type, "PTR"))
            {
              md_test_zone_add_target (self, name, MD_DNS_TYPE_PTR, json_node_get_string (value));
            }
          else if (g_str_equal (type, "CNAME"))
            {
              md_test_zone_add_target (self, name, MD_DNS_TYPE_CNAME, json_node_get_string (value));
            }
          else
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "%s: unknown record type %s", name, type);
              return FALSE;
            }
        }
    }

  /* Rule 1 of the reference runner: SPF entries are served as TXT too,
   * after the listed entries, unless the name lists TXT itself. */
  if (!has_txt)
    for (guint i = 0; i < spf_copies->len; i++)
      if (!add_suite_txt (self, name, MD_DNS_TYPE_TXT, spf_copies->pdata[i], error))
        return FALSE;

  return TRUE;
}

gboolean
md_test_zone_load_suite (MdTestZone  *self,
                         JsonObject  *zonedata,
                         GError     **error)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *rrs;

  g_return_val_if_fail (MD_IS_TEST_ZONE (self), FALSE);
  g_return_val_if_fail (zonedata != NULL, FALSE);

  json_object_iter_init (&iter, zonedata);
  while (json_object_iter_next (&iter, &name, &rrs))
    {
      if (!JSON_NODE_HOLDS_ARRAY (rrs))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "%s: the records must be a list", name);
          return FALSE;
        }
      if (!load_suite_name (self, name, json_node_get_array (rrs), error))
        return FALSE;
    }

  return TRUE;
}

/* }}} */
