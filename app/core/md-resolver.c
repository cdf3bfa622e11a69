/* md-resolver.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* One unit, over 1,000 lines: the c-ares channel on the GLib main loop and
 * the DNS message reader it hands every answer to (c-ares 1.18's parsers
 * drop TTLs and owner names and know no TLSA) are one resolver; the reader
 * has no other caller. */

/* A c-ares channel driven by the GLib main loop.
 *
 * c-ares tells us which sockets it wants watched (ARES_OPT_SOCK_STATE_CB);
 * those become unix fds on our own GSource, whose ready time follows
 * ares_timeout(). When a socket is ready or the timer runs out we call
 * ares_process_fd(). No threads, no select(), nothing ever blocks.
 *
 * The traps, and how they are avoided:
 *  - c-ares must not be re-entered from its own callbacks. Our query
 *    callback only stores the parsed answer and schedules an idle that returns
 *    the GTask, so user code (which may start new queries) never runs inside
 *    c-ares.
 *  - The callback may run before ares_query() returns (bad name, no usable
 *    server): that works because the query is complete in memory before the
 *    call and nothing touches it afterwards.
 *  - c-ares 1.18 cannot cancel one query. A cancelled or timed-out task is
 *    returned at once and its bookkeeping stays with c-ares until c-ares calls
 *    back (answer, its own timeout, or ARES_EDESTRUCTION from ares_destroy()).
 *  - ARES_FLAG_NOCHECKRESP lets SERVFAIL and REFUSED reach us instead of being
 *    retried away; once we pass flags, ARES_FLAG_EDNS must be set by hand.
 *
 * There is no query cache: c-ares 1.18 has none, and a diagnosis tool wants
 * fresh answers anyway.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "md-resolver.h"

#include <ares.h>
#include <arpa/nameser.h>
#include <string.h>

#include "md-data.h"
#include "md-util.h"

/* Per try; c-ares doubles it on every round over the servers, so with one
 * server a lost packet is retried after 1 s and again after 3 s. Our own
 * per-query deadline (default 4 s) usually ends the wait first. */
#define ARES_TRY_TIMEOUT_MS 1000
#define ARES_TRIES          3
#define MAX_CNAME_CHAIN     16

struct _MdResolver
{
  GObject       parent_instance;

  /* Owned */
  ares_channel  channel;
  GSource      *source;
  GHashTable   *fds;          /* fd → poll tag */
  GMainContext *context;
  GPtrArray    *servers;      /* of GInetSocketAddress, as configured */

  guint         timeout_ms;
  guint         n_pending;    /* tasks not yet returned */
  guint         is_system : 1;
};

enum {
  PROP_0,
  PROP_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static void md_resolver_dns_source_iface_init (MdDnsSourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MdResolver, md_resolver, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MD_TYPE_DNS_SOURCE,
                                                      md_resolver_dns_source_iface_init))

G_DEFINE_QUARK (md-resolver-error-quark, md_resolver_error)

typedef struct
{
  GSource     source;
  MdResolver *resolver;       /* unowned: the resolver destroys the source in dispose */
} MdAresSource;

typedef struct
{
  GTask       *task;          /* NULL once the task has been returned */
  char        *name;
  MdDnsType    type;
  gint64       started;
  MdDnsAnswer *answer;        /* parsed, waiting for the idle to return it */
  GSource     *deadline;
  GSource     *cancelled;
  GSource     *idle;
  gboolean     in_ares;       /* c-ares still holds this as its callback argument */
} MdResolverQuery;

/* ---------------------------------------------------------------------------
 * Small helpers
 */

static void
ensure_ares_library (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      ares_library_init (ARES_LIB_INIT_ALL);
      G_GNUC_END_IGNORE_DEPRECATIONS
      g_once_init_leave (&initialized, 1);
    }
}

static char *
strip_trailing_dot (const char *name)
{
  gsize len = strlen (name);

  if (len > 1 && name[len - 1] == '.' && name[len - 2] != '\\')
    return g_strndup (name, len - 1);

  return g_strdup (name);
}

/* The name as it goes on the wire: no trailing dot, and internationalized
 * names in their ASCII (IDNA) form; c-ares would send UTF-8 bytes as they
 * are, and the answer would be a misleading NXDOMAIN. */
static char *
wire_name (const char *name,
           gboolean   *bad)
{
  g_autofree char *stripped = strip_trailing_dot (name);
  char *ascii;

  *bad = FALSE;
  if (!g_hostname_is_non_ascii (stripped))
    return g_steal_pointer (&stripped);

  ascii = g_hostname_to_ascii (stripped);
  if (ascii == NULL)
    {
      *bad = TRUE;
      return g_steal_pointer (&stripped);
    }

  return ascii;
}

static char *
format_server (GInetSocketAddress *address,
               gboolean            always_port)
{
  GInetAddress *inet = g_inet_socket_address_get_address (address);
  guint16 port = g_inet_socket_address_get_port (address);
  g_autofree char *text = g_inet_address_to_string (inet);

  if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6)
    {
      if (port != 53 || always_port)
        return g_strdup_printf ("[%s]:%u", text, port);
      return g_steal_pointer (&text);
    }

  if (port != 53 || always_port)
    return g_strdup_printf ("%s:%u", text, port);

  return g_steal_pointer (&text);
}

static GStrv
format_servers (GPtrArray *servers)
{
  GStrv result = g_new0 (char *, servers->len + 1);

  for (guint i = 0; i < servers->len; i++)
    result[i] = format_server (g_ptr_array_index (servers, i), TRUE);

  return result;
}

/* ---------------------------------------------------------------------------
 * Server lists: "ADDR[:PORT][,ADDR[:PORT]…]", IPv6 as "[ADDR]:PORT" or bare.
 */

static GInetSocketAddress *
parse_one_server (const char  *entry,
                  GError     **error)
{
  g_autofree char *host = NULL;
  g_autoptr(GInetAddress) inet = NULL;
  const char *port_text = NULL;
  guint64 port = 53;

  if (*entry == '\0')
    {
      g_set_error (error, MD_RESOLVER_ERROR, MD_RESOLVER_ERROR_INVALID_SERVERS,
                   _("Empty entry in the resolver list"));
      return NULL;
    }

  if (entry[0] == '[')
    {
      const char *close = strchr (entry, ']');

      if (close == NULL)
        {
          g_set_error (error, MD_RESOLVER_ERROR, MD_RESOLVER_ERROR_INVALID_SERVERS,
                       /* Translators: %s is the server entry as the user typed it */
                       _("“%s”: missing “]” after the IPv6 address"), entry);
          return NULL;
        }
      host = g_strndup (entry + 1, close - entry - 1);
      if (close[1] == ':')
        port_text = close + 2;
      else if (close[1] != '\0')
        {
          g_set_error (error, MD_RESOLVER_ERROR, MD_RESOLVER_ERROR_INVALID_SERVERS,
                       /* Translators: %s is the server entry as the user typed it */
                       _("“%s”: expected “:PORT” after “]”"), entry);
          return NULL;
        }
      inet = g_inet_address_new_from_string (host);
      if (inet == NULL || g_inet_address_get_family (inet) != G_SOCKET_FAMILY_IPV6)
        {
          g_set_error (error, MD_RESOLVER_ERROR, MD_RESOLVER_ERROR_INVALID_SERVERS,
                       /* Translators: %s is what the user gave as an IPv6 address */
                       _("“%s” is not an IPv6 address"), host);
          return NULL;
        }
    }
  else
    {
      const char *colon = strchr (entry, ':');

      if (colon != NULL && strchr (colon + 1, ':') != NULL)
        {
          /* More than one colon: a bare IPv6 address, no port. */
          host = g_strdup (entry);
        }
      else if (colon != NULL)
        {
          host = g_strndup (entry, colon - entry);
          port_text = colon + 1;
        }
      else
        host = g_strdup (entry);

      inet = g_inet_address_new_from_string (host);
      if (inet == NULL)
        {
          g_set_error (error, MD_RESOLVER_ERROR, MD_RESOLVER_ERROR_INVALID_SERVERS,
                       /* Translators: %s is what the user gave as a DNS server */
                       _("“%s” is not an IP address (a resolver must be given by address, "
                         "not by name)"), host);
          return NULL;
        }
      /* inet_pton accepts only dotted quads for IPv4, so "1.2.3" is refused above. */
    }

  if (port_text != NULL)
    {
      if (*port_text == '\0' ||
          !g_ascii_string_to_unsigned (port_text, 10, 1, 65535, &port, NULL))
        {
          g_set_error (error, MD_RESOLVER_ERROR, MD_RESOLVER_ERROR_INVALID_SERVERS,
                       /* Translators: %s is the server entry as the user typed it */
                       _("“%s”: the port must be a number from 1 to 65535"), entry);
          return NULL;
        }
    }

  return G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (inet, (guint16) port));
}

static gboolean
is_blank (const char *text)
{
  for (; *text != '\0'; text++)
    if (!g_ascii_isspace (*text))
      return FALSE;

  return TRUE;
}

static GPtrArray *
parse_servers (const char  *servers,
               GError     **error)
{
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func (g_object_unref);
  g_auto(GStrv) entries = NULL;

  if (servers == NULL || is_blank (servers))
    {
      g_set_error (error, MD_RESOLVER_ERROR, MD_RESOLVER_ERROR_INVALID_SERVERS,
                   _("The resolver list is empty"));
      return NULL;
    }

  entries = g_strsplit (servers, ",", -1);
  for (guint i = 0; entries[i] != NULL; i++)
    {
      GInetSocketAddress *address = parse_one_server (g_strstrip (entries[i]), error);

      if (address == NULL)
        return NULL;
      g_ptr_array_add (result, address);
    }

  return g_steal_pointer (&result);
}

/* ---------------------------------------------------------------------------
 * Public resolvers, from resources/data/public-resolvers.xml
 */

typedef struct
{
  GInetAddress *address;
  char         *name;
} PublicResolver;

typedef struct
{
  GPtrArray *entries;
  char      *current_name;
  gboolean   in_address;
  GString   *text;
} PublicResolverParser;

static void
public_resolver_free (PublicResolver *entry)
{
  g_object_unref (entry->address);
  g_free (entry->name);
  g_free (entry);
}

static void
public_start_element (GMarkupParseContext  *context,
                      const char           *element_name,
                      const char          **attribute_names,
                      const char          **attribute_values,
                      gpointer              user_data,
                      GError              **error)
{
  PublicResolverParser *parser = user_data;

  if (g_str_equal (element_name, "public-resolver"))
    {
      const char *name = NULL;

      if (!g_markup_collect_attributes (element_name, attribute_names, attribute_values, error,
                                        G_MARKUP_COLLECT_STRING, "name", &name,
                                        G_MARKUP_COLLECT_INVALID))
        return;
      g_free (parser->current_name);
      parser->current_name = g_strdup (name);
    }
  else if (g_str_equal (element_name, "address"))
    {
      parser->in_address = TRUE;
      g_string_truncate (parser->text, 0);
    }
}

static void
public_end_element (GMarkupParseContext  *context,
                    const char           *element_name,
                    gpointer              user_data,
                    GError              **error)
{
  PublicResolverParser *parser = user_data;

  if (g_str_equal (element_name, "address") && parser->current_name != NULL)
    {
      g_autofree char *text = md_normalize_space (parser->text->str);
      GInetAddress *address = g_inet_address_new_from_string (text);
      PublicResolver *entry;

      parser->in_address = FALSE;
      if (address == NULL)
        {
          md_data_set_error (context, error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                             "public-resolvers.xml", "bad address “%s”", text);
          return;
        }
      entry = g_new0 (PublicResolver, 1);
      entry->address = address;
      entry->name = g_strdup (parser->current_name);
      g_ptr_array_add (parser->entries, entry);
    }
  else if (g_str_equal (element_name, "public-resolver"))
    g_clear_pointer (&parser->current_name, g_free);
}

static void
public_text (GMarkupParseContext  *context,
             const char           *text,
             gsize                 text_len,
             gpointer              user_data,
             GError              **error)
{
  PublicResolverParser *parser = user_data;

  if (parser->in_address)
    g_string_append_len (parser->text, text, text_len);
}

static gpointer
public_begin (void)
{
  PublicResolverParser *parser = g_new0 (PublicResolverParser, 1);

  parser->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) public_resolver_free);
  parser->text = g_string_new (NULL);

  return parser;
}

static gpointer
public_end (gpointer   data,
            gboolean   parsed,
            GError   **error)
{
  PublicResolverParser *parser = data;
  GPtrArray *entries = g_steal_pointer (&parser->entries);

  g_free (parser->current_name);
  g_string_free (parser->text, TRUE);
  g_free (parser);
  if (!parsed)
    g_clear_pointer (&entries, g_ptr_array_unref);

  return entries;
}

static const MdDataFile public_resolvers_file = {
  "public-resolvers.xml",
  { public_start_element, public_end_element, public_text, NULL, NULL },
  0,
  public_begin,
  public_end,
  (GDestroyNotify) g_ptr_array_unref,
};

/* Read once; a broken built-in file is a bug in the build, said once, and
 * no resolver is then known as public. */
static GPtrArray *
get_public_resolvers (void)
{
  static GPtrArray *empty = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *entries = md_data_file_get (&public_resolvers_file, &error);

  if (entries != NULL)
    return entries;

  if (g_once_init_enter (&empty))
    {
      g_critical ("Cannot load the public resolver list: %s", error->message);
      g_once_init_leave (&empty, g_ptr_array_new ());
    }

  return empty;
}

/* ---------------------------------------------------------------------------
 * Reading DNS messages
 *
 * c-ares 1.18 has no parser for TLSA or SPF, and its ares_parse_*_reply()
 * functions drop what a diagnosis needs: the owner name of each record, the
 * TTL of MX/TXT/NS/PTR records, the boundaries of TXT records next to their
 * strings in one structure. So every answer goes through this one reader;
 * names are decompressed by c-ares' own ares_expand_name(), which guards
 * against pointer loops and escapes odd bytes. Every length is checked
 * against the message before it is used.
 */

typedef struct
{
  const guint8 *data;
  gsize         length;
} DnsMessage;

static gboolean
read_u16 (const DnsMessage *msg,
          gsize             offset,
          guint16          *value)
{
  if (offset + 2 > msg->length)
    return FALSE;
  *value = (guint16) ((msg->data[offset] << 8) | msg->data[offset + 1]);
  return TRUE;
}

static gboolean
read_u32 (const DnsMessage *msg,
          gsize             offset,
          guint32          *value)
{
  if (offset + 4 > msg->length)
    return FALSE;
  *value = ((guint32) msg->data[offset] << 24) | ((guint32) msg->data[offset + 1] << 16) |
           ((guint32) msg->data[offset + 2] << 8) | (guint32) msg->data[offset + 3];
  return TRUE;
}

/* Decodes the name at @offset; *@consumed is its length at that place. */
static char *
read_name (const DnsMessage *msg,
           gsize             offset,
           gsize            *consumed)
{
  char *expanded = NULL;
  char *name;
  long enclen = 0;
  int status;

  if (offset >= msg->length || msg->length > G_MAXINT)
    return NULL;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  status = ares_expand_name (msg->data + offset, msg->data, (int) msg->length, &expanded, &enclen);
  G_GNUC_END_IGNORE_DEPRECATIONS
  if (status != ARES_SUCCESS)
    return NULL;

  /* c-ares spells the root "", the question "." */
  name = g_strdup (expanded[0] != '\0' ? expanded : ".");
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  ares_free_string (expanded);
  G_GNUC_END_IGNORE_DEPRECATIONS

  if (enclen <= 0 || offset + (gsize) enclen > msg->length)
    {
      g_free (name);
      return NULL;
    }

  *consumed = (gsize) enclen;

  return name;
}

/* TXT character-strings are bytes; the rest of the program shows them and
 * writes them into JSON, which need UTF-8 and no NULs. */
static char *
text_from_bytes (const guint8 *bytes,
                 gsize         len)
{
  g_autoptr(GString) clean = g_string_sized_new (len);

  for (gsize i = 0; i < len; i++)
    {
      if (bytes[i] == '\0')
        g_string_append (clean, "\357\277\275");
      else
        g_string_append_c (clean, (char) bytes[i]);
    }

  return g_utf8_make_valid (clean->str, clean->len);
}

static gboolean
decode_rdata (const DnsMessage *msg,
              gsize             rdata,
              guint16           rdlength,
              MdDnsRecord      *record)
{
  gsize consumed = 0;

  switch (record->type)
    {
    case MD_DNS_TYPE_A:
      if (rdlength != 4)
        return FALSE;
      record->address = g_inet_address_new_from_bytes (msg->data + rdata, G_SOCKET_FAMILY_IPV4);
      return TRUE;

    case MD_DNS_TYPE_AAAA:
      if (rdlength != 16)
        return FALSE;
      record->address = g_inet_address_new_from_bytes (msg->data + rdata, G_SOCKET_FAMILY_IPV6);
      return TRUE;

    case MD_DNS_TYPE_NS:
    case MD_DNS_TYPE_CNAME:
    case MD_DNS_TYPE_PTR:
      record->target = read_name (msg, rdata, &consumed);
      return record->target != NULL && consumed <= rdlength;

    case MD_DNS_TYPE_MX:
      if (rdlength < 3 || !read_u16 (msg, rdata, &record->preference))
        return FALSE;
      record->target = read_name (msg, rdata + 2, &consumed);
      return record->target != NULL && consumed + 2 <= rdlength;

    case MD_DNS_TYPE_TXT:
    case MD_DNS_TYPE_SPF:
      {
        g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
        g_autoptr(GString) joined = g_string_new (NULL);
        gsize pos = rdata;
        gsize end = rdata + rdlength;

        while (pos < end)
          {
            gsize len = msg->data[pos];
            char *text;

            if (pos + 1 + len > end)
              return FALSE;
            text = text_from_bytes (msg->data + pos + 1, len);
            g_string_append (joined, text);
            g_ptr_array_add (strings, text);
            pos += 1 + len;
          }
        g_ptr_array_add (strings, NULL);
        record->strings = (GStrv) g_ptr_array_free (g_steal_pointer (&strings), FALSE);
        record->text = g_string_free (g_steal_pointer (&joined), FALSE);
        return TRUE;
      }

    case MD_DNS_TYPE_TLSA:
      if (rdlength < 3)
        return FALSE;
      record->tlsa_usage = msg->data[rdata];
      record->tlsa_selector = msg->data[rdata + 1];
      record->tlsa_matching_type = msg->data[rdata + 2];
      record->tlsa_data = g_bytes_new (msg->data + rdata + 3, rdlength - 3);
      return TRUE;

    default:
      return FALSE;
    }
}

static gboolean
type_is_supported (MdDnsType type)
{
  switch (type)
    {
    case MD_DNS_TYPE_A:
    case MD_DNS_TYPE_NS:
    case MD_DNS_TYPE_CNAME:
    case MD_DNS_TYPE_PTR:
    case MD_DNS_TYPE_MX:
    case MD_DNS_TYPE_TXT:
    case MD_DNS_TYPE_AAAA:
    case MD_DNS_TYPE_TLSA:
    case MD_DNS_TYPE_SPF:
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
name_in_list (GPtrArray  *names,
              const char *name)
{
  for (guint i = 0; i < names->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (names, i), name) == 0)
      return TRUE;

  return FALSE;
}

static MdDnsAnswer *
malformed_answer (const char *name,
                  MdDnsType   type)
{
  MdDnsAnswer *answer = md_dns_answer_new (name, type, MD_DNS_STATUS_ERROR);

  answer->message = g_strdup (_("the DNS server sent a malformed answer"));

  return answer;
}

static const char *
rcode_name (guint rcode)
{
  switch (rcode)
    {
    case 1:  return "FORMERR";
    case 4:  return "NOTIMP";
    case 6:  return "YXDOMAIN";
    case 7:  return "YXRRSET";
    case 8:  return "NXRRSET";
    case 9:  return "NOTAUTH";
    case 10: return "NOTZONE";
    default: return NULL;
    }
}

/**
 * md_dns_message_parse:
 * @message: a complete DNS response as received
 * @length: its size
 * @name: the name that was asked for
 * @type: the type that was asked for
 *
 * Reads a DNS response: the rcode decides the status; the records of @type
 * owned by @name, or by a name that @name leads to through CNAMEs in the same
 * answer, become the records (owner names as answered). Anything that does
 * not fit the wire format gives %MD_DNS_STATUS_ERROR; this never fails in any
 * other way, whatever the bytes.
 *
 * Returns: (transfer full): the answer
 */
MdDnsAnswer *
md_dns_message_parse (const guint8 *message,
                      gsize         length,
                      const char   *name,
                      MdDnsType     type)
{
  g_autoptr(MdDnsAnswer) answer = NULL;
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) md_dns_record_free);
  g_autoptr(GPtrArray) cnames = g_ptr_array_new_with_free_func ((GDestroyNotify) md_dns_record_free);
  g_autoptr(GPtrArray) chain = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *qname = NULL;
  DnsMessage msg = { message, length };
  guint16 flags, qdcount, ancount;
  gsize offset = 12;
  gboolean loop = FALSE;
  guint rcode;

  g_return_val_if_fail (name != NULL, NULL);

  qname = strip_trailing_dot (name);

  if (message == NULL || !read_u16 (&msg, 2, &flags) || !read_u16 (&msg, 4, &qdcount) ||
      !read_u16 (&msg, 6, &ancount) || length < 12)
    return malformed_answer (qname, type);

  /* Must be a response. */
  if ((flags & 0x8000) == 0)
    return malformed_answer (qname, type);

  for (guint i = 0; i < qdcount; i++)
    {
      gsize consumed = 0;
      g_autofree char *qn = read_name (&msg, offset, &consumed);

      if (qn == NULL || offset + consumed + 4 > length)
        return malformed_answer (qname, type);
      offset += consumed + 4;
    }

  for (guint i = 0; i < ancount; i++)
    {
      g_autoptr(MdDnsRecord) record = NULL;
      g_autofree char *owner = NULL;
      gsize consumed = 0;
      guint16 rrtype, rrclass, rdlength;
      guint32 ttl;

      owner = read_name (&msg, offset, &consumed);
      if (owner == NULL)
        return malformed_answer (qname, type);
      offset += consumed;
      if (!read_u16 (&msg, offset, &rrtype) || !read_u16 (&msg, offset + 2, &rrclass) ||
          !read_u32 (&msg, offset + 4, &ttl) || !read_u16 (&msg, offset + 8, &rdlength))
        return malformed_answer (qname, type);
      offset += 10;
      if (offset + rdlength > length)
        return malformed_answer (qname, type);

      if (rrclass == ns_c_in &&
          ((rrtype == type && type_is_supported (type)) || rrtype == MD_DNS_TYPE_CNAME))
        {
          record = md_dns_record_new ((MdDnsType) rrtype, owner);
          /* RFC 2181 §8: a TTL with the top bit set counts as zero. */
          record->ttl = ttl > G_MAXINT32 ? 0 : ttl;
          if (!decode_rdata (&msg, offset, rdlength, record))
            return malformed_answer (qname, type);

          if (rrtype == type)
            g_ptr_array_add (records, g_steal_pointer (&record));
          else
            g_ptr_array_add (cnames, g_steal_pointer (&record));
        }
      offset += rdlength;
    }

  /* The names that count: the question, then each CNAME target in turn. */
  g_ptr_array_add (chain, g_strdup (qname));
  if (type != MD_DNS_TYPE_CNAME)
    {
      for (guint hops = 0; hops < MAX_CNAME_CHAIN; hops++)
        {
          const char *last = g_ptr_array_index (chain, chain->len - 1);
          const char *next = NULL;

          for (guint i = 0; i < cnames->len && next == NULL; i++)
            {
              MdDnsRecord *cname = g_ptr_array_index (cnames, i);

              if (g_ascii_strcasecmp (cname->name, last) == 0)
                next = cname->target;
            }
          if (next == NULL)
            break;
          if (name_in_list (chain, next) || hops + 1 == MAX_CNAME_CHAIN)
            {
              loop = TRUE;
              break;
            }
          g_ptr_array_add (chain, g_strdup (next));
        }
    }

  rcode = flags & 0x000f;
  switch (rcode)
    {
    case 0:
      answer = md_dns_answer_new (qname, type, MD_DNS_STATUS_OK);
      for (guint i = 0; i < records->len; i++)
        {
          MdDnsRecord *record = g_ptr_array_index (records, i);

          if (name_in_list (chain, record->name))
            g_ptr_array_add (answer->records, md_dns_record_copy (record));
        }
      /* A CNAME chain that comes back to itself (or never ends) is no
       * "no such record": the name has no answer at all (RFC 1034 §3.6.2). */
      if (answer->records->len == 0 && loop)
        {
          answer->status = MD_DNS_STATUS_ERROR;
          answer->message = g_strdup (_("the name is an alias that points back to itself "
                                        "(a CNAME loop)"));
        }
      else if (answer->records->len == 0)
        answer->status = MD_DNS_STATUS_NODATA;
      break;

    case 2:
      answer = md_dns_answer_new (qname, type, MD_DNS_STATUS_SERVFAIL);
      answer->message = g_strdup (md_dns_status_describe (answer->status));
      break;

    case 3:
      answer = md_dns_answer_new (qname, type, MD_DNS_STATUS_NXDOMAIN);
      break;

    case 5:
      answer = md_dns_answer_new (qname, type, MD_DNS_STATUS_REFUSED);
      answer->message = g_strdup (md_dns_status_describe (answer->status));
      break;

    default:
      answer = md_dns_answer_new (qname, type, MD_DNS_STATUS_ERROR);
      if (rcode_name (rcode) != NULL)
        /* Translators: %s is a DNS response code such as FORMERR or NOTAUTH */
        answer->message = g_strdup_printf (_("the DNS server answered with the error %s"),
                                           rcode_name (rcode));
      else
        answer->message = g_strdup_printf (_("the DNS server answered with the error code %u"),
                                           rcode);
      break;
    }

  return g_steal_pointer (&answer);
}

/* ---------------------------------------------------------------------------
 * The GSource that drives c-ares
 */

static void
update_timer (MdResolver *self)
{
  struct timeval tv;
  struct timeval *next;

  if (self->channel == NULL || self->source == NULL)
    return;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  next = ares_timeout (self->channel, NULL, &tv);
  G_GNUC_END_IGNORE_DEPRECATIONS

  if (next == NULL)
    g_source_set_ready_time (self->source, -1);
  else
    g_source_set_ready_time (self->source,
                             g_get_monotonic_time () +
                             (gint64) next->tv_sec * G_USEC_PER_SEC + next->tv_usec);
}

typedef struct
{
  int      fd;
  gboolean readable;
  gboolean writable;
} ReadyFd;

static gboolean
ares_source_dispatch (GSource     *source,
                      GSourceFunc  callback,
                      gpointer     user_data)
{
  MdResolver *self = ((MdAresSource *) source)->resolver;
  g_autoptr(GArray) ready = g_array_new (FALSE, FALSE, sizeof (ReadyFd));
  GHashTableIter iter;
  gpointer key, value;

  if (self == NULL || self->channel == NULL)
    return G_SOURCE_CONTINUE;

  /* Snapshot first: processing one socket may close or open others, which
   * changes self->fds under us through the socket-state callback. */
  g_hash_table_iter_init (&iter, self->fds);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GIOCondition revents = g_source_query_unix_fd (source, value);
      ReadyFd entry;

      entry.fd = GPOINTER_TO_INT (key);
      entry.readable = (revents & (G_IO_IN | G_IO_HUP | G_IO_ERR)) != 0;
      entry.writable = (revents & G_IO_OUT) != 0;
      if (entry.readable || entry.writable)
        g_array_append_val (ready, entry);
    }

  for (guint i = 0; i < ready->len; i++)
    {
      const ReadyFd *entry = &g_array_index (ready, ReadyFd, i);

      if (self->channel == NULL)
        break;
      if (!g_hash_table_contains (self->fds, GINT_TO_POINTER (entry->fd)))
        continue;
      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      ares_process_fd (self->channel,
                       entry->readable ? entry->fd : ARES_SOCKET_BAD,
                       entry->writable ? entry->fd : ARES_SOCKET_BAD);
      G_GNUC_END_IGNORE_DEPRECATIONS
    }

  /* No socket was ready: the timer fired. ares_process_fd() also handles
   * timeouts when a socket was processed. */
  if (ready->len == 0 && self->channel != NULL)
    {
      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      ares_process_fd (self->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
      G_GNUC_END_IGNORE_DEPRECATIONS
    }

  update_timer (self);

  return G_SOURCE_CONTINUE;
}

static GSourceFuncs ares_source_funcs = {
  NULL, NULL, ares_source_dispatch, NULL, NULL, NULL,
};

static void
sock_state_cb (void          *data,
               ares_socket_t  fd,
               int            readable,
               int            writable)
{
  MdResolver *self = data;
  GIOCondition condition = 0;
  gpointer tag;

  if (self->source == NULL)
    return;

  if (readable)
    condition |= G_IO_IN | G_IO_HUP | G_IO_ERR;
  if (writable)
    condition |= G_IO_OUT | G_IO_ERR;

  tag = g_hash_table_lookup (self->fds, GINT_TO_POINTER (fd));
  if (condition == 0)
    {
      if (tag != NULL)
        {
          g_source_remove_unix_fd (self->source, tag);
          g_hash_table_remove (self->fds, GINT_TO_POINTER (fd));
        }
    }
  else if (tag != NULL)
    g_source_modify_unix_fd (self->source, tag, condition);
  else
    g_hash_table_insert (self->fds, GINT_TO_POINTER (fd),
                         g_source_add_unix_fd (self->source, fd, condition));
}

/* ---------------------------------------------------------------------------
 * Queries
 */

static void
clear_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

static void
query_free (MdResolverQuery *query)
{
  g_assert (query->task == NULL);
  g_assert (!query->in_ares);

  clear_source (&query->deadline);
  clear_source (&query->cancelled);
  clear_source (&query->idle);
  g_clear_pointer (&query->answer, md_dns_answer_free);
  g_free (query->name);
  g_free (query);
}

/* Returns the task, with @answer or @error; never called from inside c-ares.
 * The query's memory goes now unless c-ares still holds it. */
static void
query_return (MdResolverQuery *query,
              MdDnsAnswer     *answer,
              GError          *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&query->task);
  MdResolver *self;

  g_assert (task != NULL);

  clear_source (&query->deadline);
  clear_source (&query->cancelled);
  clear_source (&query->idle);

  if (answer != NULL)
    answer->duration_ms = (guint) ((g_get_monotonic_time () - query->started) / 1000);

  /* After this, nothing may touch @query: returning the task runs user code,
   * which may dispose the resolver and so make c-ares free the query. */
  if (!query->in_ares)
    query_free (query);

  self = g_task_get_source_object (task);
  g_assert (self->n_pending > 0);
  self->n_pending--;

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, answer, (GDestroyNotify) md_dns_answer_free);
}

static gboolean
query_idle_cb (gpointer user_data)
{
  MdResolverQuery *query = user_data;

  query_return (query, g_steal_pointer (&query->answer), NULL);

  return G_SOURCE_REMOVE;
}

static gboolean
query_deadline_cb (gpointer user_data)
{
  MdResolverQuery *query = user_data;
  MdResolver *self = g_task_get_source_object (query->task);
  MdDnsAnswer *answer;

  /* The answer came in the same main-loop iteration: it wins. */
  if (query->answer != NULL)
    {
      query_return (query, g_steal_pointer (&query->answer), NULL);
      return G_SOURCE_REMOVE;
    }

  answer = md_dns_answer_new (query->name, query->type, MD_DNS_STATUS_TIMEOUT);
  answer->message = g_strdup_printf (_("no answer within %u ms (timeout)"), self->timeout_ms);
  query_return (query, answer, NULL);

  return G_SOURCE_REMOVE;
}

static gboolean
query_cancelled_cb (GCancellable *cancellable,
                    gpointer      user_data)
{
  MdResolverQuery *query = user_data;

  query_return (query, NULL,
                g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                     _("The DNS query was cancelled")));

  return G_SOURCE_REMOVE;
}

static MdDnsAnswer *
answer_for_ares_status (MdResolverQuery *query,
                        int              status)
{
  MdDnsAnswer *answer;

  switch (status)
    {
    case ARES_ETIMEOUT:
      answer = md_dns_answer_new (query->name, query->type, MD_DNS_STATUS_TIMEOUT);
      answer->message = g_strdup (md_dns_status_describe (MD_DNS_STATUS_TIMEOUT));
      return answer;

    case ARES_ECONNREFUSED:
      answer = md_dns_answer_new (query->name, query->type, MD_DNS_STATUS_ERROR);
      answer->message = g_strdup (_("the DNS server cannot be reached (connection refused)"));
      return answer;

    case ARES_EBADNAME:
      answer = md_dns_answer_new (query->name, query->type, MD_DNS_STATUS_ERROR);
      answer->message = g_strdup (_("this is not a valid DNS name"));
      return answer;

    case ARES_EDESTRUCTION:
    case ARES_ECANCELLED:
      answer = md_dns_answer_new (query->name, query->type, MD_DNS_STATUS_ERROR);
      answer->message = g_strdup (_("the resolver was shut down before the answer came"));
      return answer;

    case ARES_EBADRESP:
      answer = md_dns_answer_new (query->name, query->type, MD_DNS_STATUS_ERROR);
      answer->message = g_strdup (_("the DNS server sent a malformed answer"));
      return answer;

    default:
      answer = md_dns_answer_new (query->name, query->type, MD_DNS_STATUS_ERROR);
      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      /* Translators: %s is an error text from the c-ares library (English) */
      answer->message = g_strdup_printf (_("the lookup failed: %s"), ares_strerror (status));
      G_GNUC_END_IGNORE_DEPRECATIONS
      return answer;
    }
}

/* Runs inside c-ares: parse, then leave; the task is returned from an idle. */
static void
query_ares_cb (void          *arg,
               int            status,
               int            timeouts,
               unsigned char *abuf,
               int            alen)
{
  MdResolverQuery *query = arg;

  query->in_ares = FALSE;

  if (query->task == NULL)
    {
      /* Already returned (deadline or cancelled): only the memory is left. */
      query_free (query);
      return;
    }

  g_clear_pointer (&query->answer, md_dns_answer_free);
  switch (status)
    {
    case ARES_SUCCESS:
    case ARES_ENODATA:
    case ARES_ESERVFAIL:
    case ARES_ENOTFOUND:
    case ARES_EREFUSED:
    case ARES_EFORMERR:
    case ARES_ENOTIMP:
      if (abuf != NULL && alen > 0)
        {
          query->answer = md_dns_message_parse (abuf, (gsize) alen, query->name, query->type);
          break;
        }
      G_GNUC_FALLTHROUGH;
    default:
      query->answer = answer_for_ares_status (query, status);
      break;
    }

  if (query->idle == NULL)
    {
      query->idle = g_idle_source_new ();
      g_source_set_priority (query->idle, G_PRIORITY_DEFAULT);
      g_source_set_callback (query->idle, query_idle_cb, query, NULL);
      g_source_set_static_name (query->idle, "[maildoctor] DNS answer");
      g_source_attach (query->idle, g_task_get_context (query->task));
    }
}

/* ---------------------------------------------------------------------------
 * GObject
 */

static void
md_resolver_dispose (GObject *object)
{
  MdResolver *self = (MdResolver *) object;

  /* Calls every pending query back with ARES_EDESTRUCTION and closes the
   * sockets through sock_state_cb, so the source must still be there. */
  if (self->channel != NULL)
    {
      ares_channel channel = g_steal_pointer (&self->channel);

      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      ares_destroy (channel);
      G_GNUC_END_IGNORE_DEPRECATIONS
    }

  if (self->source != NULL)
    {
      ((MdAresSource *) self->source)->resolver = NULL;
      g_source_destroy (self->source);
      g_clear_pointer (&self->source, g_source_unref);
    }
  g_hash_table_remove_all (self->fds);

  G_OBJECT_CLASS (md_resolver_parent_class)->dispose (object);
}

static void
md_resolver_finalize (GObject *object)
{
  MdResolver *self = (MdResolver *) object;

  g_clear_pointer (&self->fds, g_hash_table_unref);
  g_clear_pointer (&self->servers, g_ptr_array_unref);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (md_resolver_parent_class)->finalize (object);
}

static void
md_resolver_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  MdResolver *self = MD_RESOLVER (object);

  switch (prop_id)
    {
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout_ms);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
md_resolver_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  MdResolver *self = MD_RESOLVER (object);

  switch (prop_id)
    {
    case PROP_TIMEOUT:
      md_resolver_set_timeout (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
md_resolver_class_init (MdResolverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = md_resolver_dispose;
  object_class->finalize = md_resolver_finalize;
  object_class->get_property = md_resolver_get_property;
  object_class->set_property = md_resolver_set_property;

  /**
   * MdResolver:timeout:
   *
   * The per-query deadline in milliseconds; a query without an answer by
   * then is returned with %MD_DNS_STATUS_TIMEOUT.
   */
  properties [PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL,
                       1, G_MAXUINT, MD_RESOLVER_DEFAULT_TIMEOUT_MS,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
md_resolver_init (MdResolver *self)
{
  self->timeout_ms = MD_RESOLVER_DEFAULT_TIMEOUT_MS;
  self->fds = g_hash_table_new (NULL, NULL);
  self->servers = g_ptr_array_new_with_free_func (g_object_unref);
  self->context = g_main_context_ref_thread_default ();
}

static void
md_resolver_dns_source_query_async (MdDnsSource         *source,
                                    const char          *name,
                                    MdDnsType            type,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  md_resolver_query_async (MD_RESOLVER (source), name, type, cancellable, callback, user_data);
}

static MdDnsAnswer *
md_resolver_dns_source_query_finish (MdDnsSource   *source,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return md_resolver_query_finish (MD_RESOLVER (source), result, error);
}

static void
md_resolver_dns_source_iface_init (MdDnsSourceInterface *iface)
{
  iface->query_async = md_resolver_dns_source_query_async;
  iface->query_finish = md_resolver_dns_source_query_finish;
}

/* ---------------------------------------------------------------------------
 * Construction
 */

static gboolean
read_servers_from_channel (MdResolver  *self,
                           GError     **error)
{
  struct ares_addr_port_node *list = NULL;
  int status;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  status = ares_get_servers_ports (self->channel, &list);
  G_GNUC_END_IGNORE_DEPRECATIONS
  if (status != ARES_SUCCESS)
    {
      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      g_set_error (error, MD_RESOLVER_ERROR, MD_RESOLVER_ERROR_INIT,
                   _("Cannot read the resolver configuration: %s"), ares_strerror (status));
      G_GNUC_END_IGNORE_DEPRECATIONS
      return FALSE;
    }

  g_ptr_array_set_size (self->servers, 0);
  for (struct ares_addr_port_node *node = list; node != NULL; node = node->next)
    {
      g_autoptr(GInetAddress) inet = NULL;

      if (node->family == AF_INET)
        inet = g_inet_address_new_from_bytes ((const guint8 *) &node->addr.addr4,
                                              G_SOCKET_FAMILY_IPV4);
      else if (node->family == AF_INET6)
        inet = g_inet_address_new_from_bytes ((const guint8 *) &node->addr.addr6,
                                              G_SOCKET_FAMILY_IPV6);
      else
        continue;

      g_ptr_array_add (self->servers,
                       g_inet_socket_address_new (inet, node->udp_port ? node->udp_port : 53));
    }

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  ares_free_data (list);
  G_GNUC_END_IGNORE_DEPRECATIONS

  return TRUE;
}

static MdResolver *
resolver_new (GPtrArray  *servers,
              gboolean    recurse,
              GError    **error)
{
  g_autoptr(MdResolver) self = g_object_new (MD_TYPE_RESOLVER, NULL);
  struct ares_options options = { 0 };
  int optmask;
  int status;

  ensure_ares_library ();

  self->source = g_source_new (&ares_source_funcs, sizeof (MdAresSource));
  ((MdAresSource *) self->source)->resolver = self;
  g_source_set_static_name (self->source, "[maildoctor] c-ares");
  g_source_attach (self->source, self->context);

  /* Once we pass flags, c-ares no longer adds EDNS by itself. NOCHECKRESP:
   * report SERVFAIL/REFUSED instead of quietly trying the next server.
   * NOSEARCH: names are always absolute here. */
  options.flags = ARES_FLAG_EDNS | ARES_FLAG_NOCHECKRESP | ARES_FLAG_NOSEARCH;
  if (!recurse)
    options.flags |= ARES_FLAG_NORECURSE;
  options.timeout = ARES_TRY_TIMEOUT_MS;
  options.tries = ARES_TRIES;
  options.sock_state_cb = sock_state_cb;
  options.sock_state_cb_data = self;
  options.ednspsz = 1232;
  /* A check run has many questions in flight on one UDP socket; answers that
   * arrive together must not overflow the default receive buffer (a dropped
   * answer costs a one-second retry). The kernel caps it at rmem_max. */
  options.socket_receive_buffer_size = 1024 * 1024;
  optmask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_SOCK_STATE_CB |
            ARES_OPT_EDNSPSZ | ARES_OPT_SOCK_RCVBUF;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  status = ares_init_options (&self->channel, &options, optmask);
  G_GNUC_END_IGNORE_DEPRECATIONS
  if (status != ARES_SUCCESS)
    {
      self->channel = NULL;
      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      g_set_error (error, MD_RESOLVER_ERROR, MD_RESOLVER_ERROR_INIT,
                   _("Cannot set up the DNS resolver: %s"), ares_strerror (status));
      G_GNUC_END_IGNORE_DEPRECATIONS
      return NULL;
    }

  if (servers != NULL)
    {
      g_autofree struct ares_addr_port_node *nodes = g_new0 (struct ares_addr_port_node,
                                                             servers->len);

      for (guint i = 0; i < servers->len; i++)
        {
          GInetSocketAddress *address = g_ptr_array_index (servers, i);
          GInetAddress *inet = g_inet_socket_address_get_address (address);
          const guint8 *bytes = g_inet_address_to_bytes (inet);

          nodes[i].next = i + 1 < servers->len ? &nodes[i + 1] : NULL;
          if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV4)
            {
              nodes[i].family = AF_INET;
              memcpy (&nodes[i].addr.addr4, bytes, 4);
            }
          else
            {
              nodes[i].family = AF_INET6;
              memcpy (&nodes[i].addr.addr6, bytes, 16);
            }
          nodes[i].udp_port = g_inet_socket_address_get_port (address);
          nodes[i].tcp_port = nodes[i].udp_port;
        }

      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      status = ares_set_servers_ports (self->channel, nodes);
      G_GNUC_END_IGNORE_DEPRECATIONS
      if (status != ARES_SUCCESS)
        {
          G_GNUC_BEGIN_IGNORE_DEPRECATIONS
          g_set_error (error, MD_RESOLVER_ERROR, MD_RESOLVER_ERROR_INIT,
                       _("Cannot use these DNS servers: %s"), ares_strerror (status));
          G_GNUC_END_IGNORE_DEPRECATIONS
          return NULL;
        }
    }

  self->is_system = servers == NULL;
  if (!read_servers_from_channel (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

/* ---------------------------------------------------------------------------
 * Public API
 */

/**
 * md_resolver_new:
 * @error: a location for an error
 *
 * A resolver using the system's DNS servers (/etc/resolv.conf, read by
 * c-ares).
 *
 * Returns: (transfer full): the resolver, or %NULL with @error set
 */
MdResolver *
md_resolver_new (GError **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return resolver_new (NULL, TRUE, error);
}

/**
 * md_resolver_new_for_servers:
 * @servers: "ADDR[:PORT][,ADDR[:PORT]…]"; IPv6 as "[ADDR]:PORT" or bare
 * @error: a location for an error
 *
 * Returns: (transfer full): the resolver, or %NULL with @error set
 */
MdResolver *
md_resolver_new_for_servers (const char  *servers,
                             GError     **error)
{
  g_autoptr(GPtrArray) list = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  list = parse_servers (servers, error);
  if (list == NULL)
    return NULL;

  return resolver_new (list, TRUE, error);
}

/**
 * md_resolver_new_for_authoritative:
 * @servers: a zone's own name servers, as for md_resolver_new_for_servers()
 * @error: a location for an error
 *
 * A resolver that asks @servers without asking them to recurse (RD=0):
 * they answer from their own zone or not at all.
 *
 * Returns: (transfer full): the resolver, or %NULL with @error set
 */
MdResolver *
md_resolver_new_for_authoritative (const char  *servers,
                                   GError     **error)
{
  g_autoptr(GPtrArray) list = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  list = parse_servers (servers, error);
  if (list == NULL)
    return NULL;

  return resolver_new (list, FALSE, error);
}

/**
 * md_resolver_parse_servers:
 * @servers: a server list as the user typed it
 * @error: a location for an error
 *
 * Checks a server list without building a resolver (for command-line
 * validation).
 *
 * Returns: (transfer full): the servers in normal form ("ADDR:PORT",
 *   "[IPv6]:PORT"), or %NULL with @error set
 */
GStrv
md_resolver_parse_servers (const char  *servers,
                           GError     **error)
{
  g_autoptr(GPtrArray) list = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  list = parse_servers (servers, error);
  if (list == NULL)
    return NULL;

  return format_servers (list);
}

gboolean
md_resolver_is_system (MdResolver *self)
{
  g_return_val_if_fail (MD_IS_RESOLVER (self), FALSE);

  return self->is_system;
}

/**
 * md_resolver_get_servers:
 * @self: a #MdResolver
 *
 * Returns: (transfer full): the servers in use, "ADDR:PORT" / "[IPv6]:PORT"
 */
GStrv
md_resolver_get_servers (MdResolver *self)
{
  g_return_val_if_fail (MD_IS_RESOLVER (self), NULL);

  return format_servers (self->servers);
}

/**
 * md_resolver_describe:
 * @self: a #MdResolver
 *
 * Returns: (transfer full): e.g. "system resolver (192.168.1.1)" or
 *   "127.0.0.1:5353, [::1]:5353"
 */
char *
md_resolver_describe (MdResolver *self)
{
  g_autoptr(GString) list = g_string_new (NULL);

  g_return_val_if_fail (MD_IS_RESOLVER (self), NULL);

  for (guint i = 0; i < self->servers->len; i++)
    {
      g_autofree char *text = format_server (g_ptr_array_index (self->servers, i),
                                             !self->is_system);

      if (list->len > 0)
        g_string_append (list, ", ");
      g_string_append (list, text);
    }

  if (self->is_system)
    {
      /* Translators: %s is a list of DNS server addresses */
      return g_strdup_printf (_("system resolver (%s)"), list->str);
    }

  return g_string_free (g_steal_pointer (&list), FALSE);
}

/**
 * md_resolver_lookup_public_resolver:
 * @address: an address
 *
 * Returns: (nullable): the operator's name when @address is a well-known
 *   public resolver ("Google Public DNS"), else %NULL
 */
const char *
md_resolver_lookup_public_resolver (GInetAddress *address)
{
  GPtrArray *entries;

  g_return_val_if_fail (G_IS_INET_ADDRESS (address), NULL);

  entries = get_public_resolvers ();
  for (guint i = 0; i < entries->len; i++)
    {
      PublicResolver *entry = g_ptr_array_index (entries, i);

      if (g_inet_address_equal (entry->address, address))
        return entry->name;
    }

  return NULL;
}

/**
 * md_resolver_get_public_resolver_name:
 * @self: a #MdResolver
 *
 * Blocklists refuse queries that come through big public resolvers; this
 * tells whether one of the configured servers is one.
 *
 * Returns: (nullable): the operator of the first configured server that is a
 *   well-known public resolver, else %NULL
 */
const char *
md_resolver_get_public_resolver_name (MdResolver *self)
{
  g_return_val_if_fail (MD_IS_RESOLVER (self), NULL);

  for (guint i = 0; i < self->servers->len; i++)
    {
      GInetSocketAddress *address = g_ptr_array_index (self->servers, i);
      const char *name;

      name = md_resolver_lookup_public_resolver (g_inet_socket_address_get_address (address));
      if (name != NULL)
        return name;
    }

  return NULL;
}

guint
md_resolver_get_timeout (MdResolver *self)
{
  g_return_val_if_fail (MD_IS_RESOLVER (self), 0);

  return self->timeout_ms;
}

/**
 * md_resolver_set_timeout:
 * @self: a #MdResolver
 * @timeout_ms: the per-query deadline, in milliseconds
 *
 * Applies to queries started afterwards.
 */
void
md_resolver_set_timeout (MdResolver *self,
                         guint       timeout_ms)
{
  g_return_if_fail (MD_IS_RESOLVER (self));
  g_return_if_fail (timeout_ms > 0);

  if (self->timeout_ms == timeout_ms)
    return;

  self->timeout_ms = timeout_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_TIMEOUT]);
}

/* Queries whose task has not been returned yet. */
guint
md_resolver_get_n_pending (MdResolver *self)
{
  g_return_val_if_fail (MD_IS_RESOLVER (self), 0);

  return self->n_pending;
}

/**
 * md_resolver_query_async:
 * @self: a #MdResolver
 * @name: the name to ask about (a trailing dot is allowed)
 * @type: the record type
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the answer is there
 * @user_data: data for @callback
 *
 * Asks one question. The answer comes back whatever the DNS said (its
 * status tells); only cancellation is an error. An internationalized name
 * is asked (and named in the answer) in its ASCII form ("xn--…").
 */
void
md_resolver_query_async (MdResolver          *self,
                         const char          *name,
                         MdDnsType            type,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  MdResolverQuery *query;
  gboolean bad_name = FALSE;

  g_return_if_fail (MD_IS_RESOLVER (self));
  g_return_if_fail (name != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, md_resolver_query_async);
  g_task_set_name (task, "[maildoctor] DNS query");

  if (g_task_return_error_if_cancelled (task))
    return;

  query = g_new0 (MdResolverQuery, 1);
  query->name = wire_name (name, &bad_name);
  query->type = type;
  query->started = g_get_monotonic_time ();
  query->task = g_steal_pointer (&task);
  self->n_pending++;

  query->deadline = g_timeout_source_new (self->timeout_ms);
  g_source_set_callback (query->deadline, query_deadline_cb, query, NULL);
  g_source_set_static_name (query->deadline, "[maildoctor] DNS deadline");
  g_source_attach (query->deadline, g_task_get_context (query->task));

  if (cancellable != NULL)
    {
      query->cancelled = g_cancellable_source_new (cancellable);
      g_source_set_callback (query->cancelled, G_SOURCE_FUNC (query_cancelled_cb), query, NULL);
      g_source_set_static_name (query->cancelled, "[maildoctor] DNS cancelled");
      g_source_attach (query->cancelled, g_task_get_context (query->task));
    }

  if (self->channel == NULL)
    {
      /* Disposed already: answer as c-ares would have on destruction. */
      query_ares_cb (query, ARES_EDESTRUCTION, 0, NULL, 0);
      return;
    }

  if (bad_name)
    {
      query_ares_cb (query, ARES_EBADNAME, 0, NULL, 0);
      return;
    }

  /* The callback may run before ares_query() returns; @query must not be
   * used after this call. */
  query->in_ares = TRUE;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  ares_query (self->channel, query->name, ns_c_in, (int) type, query_ares_cb, query);
  G_GNUC_END_IGNORE_DEPRECATIONS

  update_timer (self);
}

/**
 * md_resolver_query_finish:
 * @self: a #MdResolver
 * @result: the result passed to the callback
 * @error: a location for an error
 *
 * Returns: (transfer full): the answer, or %NULL with @error set
 *   (%G_IO_ERROR_CANCELLED only)
 */
MdDnsAnswer *
md_resolver_query_finish (MdResolver    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (MD_IS_RESOLVER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * md_dns_reverse_name:
 * @address: an IPv4 or IPv6 address
 * @zone: (nullable): the zone to append, or %NULL for in-addr.arpa / ip6.arpa
 *
 * The reversed form used by PTR lookups and IP blocklists: reversed octets
 * for IPv4, 32 reversed nibbles for IPv6.
 *
 * Returns: (transfer full): e.g. "7.113.0.203.zen.spamhaus.org"
 */
char *
md_dns_reverse_name (GInetAddress *address,
                     const char   *zone)
{
  g_autoptr(GString) name = g_string_new (NULL);
  const guint8 *bytes;
  g_autofree char *suffix = NULL;

  g_return_val_if_fail (G_IS_INET_ADDRESS (address), NULL);

  bytes = g_inet_address_to_bytes (address);
  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4)
    {
      g_string_printf (name, "%u.%u.%u.%u", bytes[3], bytes[2], bytes[1], bytes[0]);
      suffix = zone ? strip_trailing_dot (zone) : g_strdup ("in-addr.arpa");
    }
  else
    {
      for (int i = 15; i >= 0; i--)
        g_string_append_printf (name, "%x.%x.", bytes[i] & 0x0f, bytes[i] >> 4);
      g_string_truncate (name, name->len - 1);
      suffix = zone ? strip_trailing_dot (zone) : g_strdup ("ip6.arpa");
    }

  if (*suffix != '\0' && !g_str_equal (suffix, "."))
    {
      g_string_append_c (name, '.');
      g_string_append (name, suffix);
    }

  return g_string_free (g_steal_pointer (&name), FALSE);
}
