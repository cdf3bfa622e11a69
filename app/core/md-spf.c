/* md-spf.c — RFC 7208 check_host()
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "md-spf.h"

/* One unit, over 1,000 lines: RFC 7208's record grammar, macro expansion
 * and check_host() with its lookup limits are one algorithm whose parts
 * share the evaluation state; split, each piece would need the others'
 * internals. */
/* No SPF library is in Debian 12 that works on our own DNS interface and
 * hands back a trace (libspf2 does its own blocking resolving), so the
 * grammar and check_host() of RFC 7208 are written out here. */

G_DEFINE_QUARK (md-spf-error-quark, md_spf_error)

G_DEFINE_BOXED_TYPE (MdSpfRecord, md_spf_record, md_spf_record_copy, md_spf_record_free)
G_DEFINE_BOXED_TYPE (MdSpfResult, md_spf_result, md_spf_result_copy, md_spf_result_free)

#define MAX_MX_NAMES       10
#define MAX_PTR_NAMES      10
#define MAX_DOMAIN_LENGTH  253
#define MAX_LABEL_LENGTH   63
#define NEAR_LOOKUP_LIMIT  8

/* {{{ Verdicts */

const char *
md_spf_verdict_to_string (MdSpfVerdict verdict)
{
  switch (verdict)
    {
    case MD_SPF_VERDICT_NONE:      return "none";
    case MD_SPF_VERDICT_NEUTRAL:   return "neutral";
    case MD_SPF_VERDICT_PASS:      return "pass";
    case MD_SPF_VERDICT_FAIL:      return "fail";
    case MD_SPF_VERDICT_SOFTFAIL:  return "softfail";
    case MD_SPF_VERDICT_TEMPERROR: return "temperror";
    case MD_SPF_VERDICT_PERMERROR: return "permerror";
    default:                       return "permerror";
    }
}

gboolean
md_spf_verdict_from_string (const char   *string,
                            MdSpfVerdict *verdict)
{
  g_return_val_if_fail (string != NULL, FALSE);

  for (MdSpfVerdict v = MD_SPF_VERDICT_NONE; v <= MD_SPF_VERDICT_PERMERROR; v++)
    {
      if (g_ascii_strcasecmp (string, md_spf_verdict_to_string (v)) == 0)
        {
          if (verdict != NULL)
            *verdict = v;
          return TRUE;
        }
    }

  return FALSE;
}

const char *
md_spf_verdict_describe (MdSpfVerdict verdict)
{
  switch (verdict)
    {
    case MD_SPF_VERDICT_NONE:
      return _("no SPF policy published");
    case MD_SPF_VERDICT_NEUTRAL:
      return _("the domain makes no statement about this server");
    case MD_SPF_VERDICT_PASS:
      return _("the server is authorized to send for the domain");
    case MD_SPF_VERDICT_FAIL:
      return _("the server is not authorized to send for the domain");
    case MD_SPF_VERDICT_SOFTFAIL:
      return _("the server is probably not authorized (softfail)");
    case MD_SPF_VERDICT_TEMPERROR:
      return _("could not decide: a DNS lookup failed");
    case MD_SPF_VERDICT_PERMERROR:
    default:
      return _("the SPF policy is broken and cannot be evaluated");
    }
}

/* }}} */
/* {{{ Records */

static void
term_free (MdSpfTerm *term)
{
  if (term == NULL)
    return;

  g_free (term->text);
  g_free (term->domain_spec);
  g_free (term->name);
  g_free (term->value);
  g_clear_object (&term->address);
  g_free (term);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MdSpfTerm, term_free)

static MdSpfTerm *
term_copy (const MdSpfTerm *term)
{
  MdSpfTerm *copy = g_memdup2 (term, sizeof *term);

  copy->text = g_strdup (term->text);
  copy->domain_spec = g_strdup (term->domain_spec);
  copy->name = g_strdup (term->name);
  copy->value = g_strdup (term->value);
  copy->address = term->address ? g_object_ref (term->address) : NULL;

  return copy;
}

static MdSpfRecord *
record_new (void)
{
  MdSpfRecord *record = g_new0 (MdSpfRecord, 1);

  record->terms = g_ptr_array_new_with_free_func ((GDestroyNotify) term_free);

  return record;
}

MdSpfRecord *
md_spf_record_copy (const MdSpfRecord *record)
{
  MdSpfRecord *copy;

  g_return_val_if_fail (record != NULL, NULL);

  copy = record_new ();
  for (guint i = 0; i < record->terms->len; i++)
    {
      const MdSpfTerm *term = g_ptr_array_index (record->terms, i);
      MdSpfTerm *term_dup = term_copy (term);

      g_ptr_array_add (copy->terms, term_dup);
      if (term == record->redirect)
        copy->redirect = term_dup;
      if (term == record->exp)
        copy->exp = term_dup;
    }

  return copy;
}

void
md_spf_record_free (MdSpfRecord *record)
{
  if (record == NULL)
    return;

  g_clear_pointer (&record->terms, g_ptr_array_unref);
  g_free (record);
}

gboolean
md_spf_text_is_spf (const char *text)
{
  g_return_val_if_fail (text != NULL, FALSE);

  /* RFC 7208 4.5: "v=spf1" (any case) alone or followed by a space. */
  return g_ascii_strncasecmp (text, "v=spf1", 6) == 0 && (text[6] == '\0' || text[6] == ' ');
}

/* }}} */
/* {{{ Grammar helpers (RFC 7208 section 12) */

/* toplabel = ( *alphanum ALPHA *alphanum ) /
 *            ( 1*alphanum "-" *( alphanum / "-" ) alphanum ) */
static gboolean
is_toplabel (const char *label,
             gsize       len)
{
  gboolean alpha = FALSE;
  gboolean dash = FALSE;

  if (len == 0 || !g_ascii_isalnum (label[0]) || !g_ascii_isalnum (label[len - 1]))
    return FALSE;

  for (gsize i = 0; i < len; i++)
    {
      if (g_ascii_isalpha (label[i]))
        alpha = TRUE;
      else if (label[i] == '-')
        dash = TRUE;
      else if (!g_ascii_isdigit (label[i]))
        return FALSE;
    }

  return alpha || dash;
}

static gboolean
is_macro_letter (char     c,
                 gboolean explanation)
{
  switch (g_ascii_tolower (c))
    {
    case 's': case 'l': case 'o': case 'd': case 'i': case 'p': case 'h': case 'v':
      return TRUE;
    case 'c': case 'r': case 't':
      return explanation;
    default:
      return FALSE;
    }
}

static gboolean
is_delimiter (char c)
{
  return c != '\0' && strchr (".-+,/_=", c) != NULL;
}

/* Values a macro can expand to. */
typedef struct
{
  const char   *sender;
  const char   *local;
  const char   *sender_domain;
  const char   *domain;
  const char   *helo;
  const char   *validated;     /* %{p} */
  GInetAddress *ip;
} MacroVars;

static char *
ip_dotted (GInetAddress *ip)
{
  const guint8 *bytes = g_inet_address_to_bytes (ip);
  GString *s;

  if (g_inet_address_get_family (ip) == G_SOCKET_FAMILY_IPV4)
    return g_inet_address_to_string (ip);

  /* RFC 7208 7.3: IPv6 as dot-separated nibbles. Upper-case hex, as the
   * conformance suite's reference implementation writes them (v-macro-ip6);
   * DNS does not care about the case. */
  s = g_string_new (NULL);
  for (guint i = 0; i < 16; i++)
    g_string_append_printf (s, "%s%X.%X", i ? "." : "", bytes[i] >> 4, bytes[i] & 0xf);

  return g_string_free (s, FALSE);
}

static char *
macro_value (char             letter,
             const MacroVars *vars)
{
  switch (g_ascii_tolower (letter))
    {
    case 's': return g_strdup (vars->sender);
    case 'l': return g_strdup (vars->local);
    case 'o': return g_strdup (vars->sender_domain);
    case 'd': return g_strdup (vars->domain);
    case 'i': return ip_dotted (vars->ip);
    case 'p': return g_strdup (vars->validated ? vars->validated : "unknown");
    case 'h': return g_strdup (vars->helo);
    case 'v':
      return g_strdup (g_inet_address_get_family (vars->ip) == G_SOCKET_FAMILY_IPV4
                       ? "in-addr" : "ip6");
    case 'c': return g_inet_address_to_string (vars->ip);
    /* The receiving host: we are a diagnostic tool, not the receiver. */
    case 'r': return g_strdup ("unknown");
    case 't': return g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC);
    default:  g_assert_not_reached ();
    }
}

static void
append_url_escaped (GString    *out,
                    const char *value)
{
  /* RFC 7208 7.3: escape everything but RFC 3986's unreserved set. */
  for (const guchar *p = (const guchar *) value; *p; p++)
    {
      if (g_ascii_isalnum (*p) || *p == '-' || *p == '.' || *p == '_' || *p == '~')
        g_string_append_c (out, *p);
      else
        g_string_append_printf (out, "%%%02X", *p);
    }
}

static void
append_transformed (GString    *out,
                    const char *value,
                    guint       keep,
                    gboolean    reverse,
                    const char *delimiters,
                    gboolean    escape)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) joined = g_string_new (NULL);
  const char *start = value;
  guint first;

  for (const char *p = value; ; p++)
    {
      if (*p == '\0' || strchr (delimiters, *p) != NULL)
        {
          g_ptr_array_add (parts, g_strndup (start, p - start));
          if (*p == '\0')
            break;
          start = p + 1;
        }
    }

  if (reverse)
    {
      for (guint i = 0; i < parts->len / 2; i++)
        {
          gpointer tmp = parts->pdata[i];
          parts->pdata[i] = parts->pdata[parts->len - 1 - i];
          parts->pdata[parts->len - 1 - i] = tmp;
        }
    }

  first = (keep > 0 && keep < parts->len) ? parts->len - keep : 0;
  for (guint i = first; i < parts->len; i++)
    {
      if (i > first)
        g_string_append_c (joined, '.');
      g_string_append (joined, g_ptr_array_index (parts, i));
    }

  if (escape)
    append_url_escaped (out, joined->str);
  else
    g_string_append (out, joined->str);
}

/* Walks a macro-string (or explanation-string): checks it and, with @out,
 * expands it. @ends_with_macro tells whether the last token was a
 * macro-expand, for the domain-end rule. */
static gboolean
scan_macro_string (const char       *string,
                   gboolean          explanation,
                   const MacroVars  *vars,
                   GString          *out,
                   gboolean         *ends_with_macro,
                   GError          **error)
{
  gboolean last_macro = FALSE;
  const char *p = string;

  while (*p)
    {
      if (*p != '%')
        {
          guchar c = *p;

          if (!((c >= 0x21 && c <= 0x7e) || (explanation && c == ' ')))
            {
              g_set_error (error, MD_SPF_ERROR, MD_SPF_ERROR_SYNTAX,
                           _("character 0x%02X is not allowed in “%s”"), c, string);
              return FALSE;
            }
          if (out)
            g_string_append_c (out, c);
          last_macro = FALSE;
          p++;
          continue;
        }

      switch (p[1])
        {
        case '%':
          if (out)
            g_string_append_c (out, '%');
          p += 2;
          break;

        case '_':
          if (out)
            g_string_append_c (out, ' ');
          p += 2;
          break;

        case '-':
          if (out)
            g_string_append (out, "%20");
          p += 2;
          break;

        case '{':
          {
            char letter = p[2];
            guint64 keep = 0;
            gboolean have_digits = FALSE;
            gboolean reverse = FALSE;
            g_autoptr(GString) delimiters = g_string_new (NULL);
            const char *q;

            if (!is_macro_letter (letter, explanation))
              {
                g_set_error (error, MD_SPF_ERROR, MD_SPF_ERROR_SYNTAX,
                             _("unknown macro letter “%c” in “%s”"),
                             g_ascii_isprint (letter) ? letter : '?', string);
                return FALSE;
              }

            for (q = p + 3; g_ascii_isdigit (*q); q++)
              {
                have_digits = TRUE;
                /* More parts than a name can have means "all of them". */
                if (keep < 1000)
                  keep = keep * 10 + (*q - '0');
              }
            if (have_digits && keep == 0)
              {
                g_set_error (error, MD_SPF_ERROR, MD_SPF_ERROR_SYNTAX,
                             _("a macro cannot keep zero parts in “%s”"), string);
                return FALSE;
              }
            if (*q == 'r' || *q == 'R')
              {
                reverse = TRUE;
                q++;
              }
            while (is_delimiter (*q))
              g_string_append_c (delimiters, *q++);
            if (*q != '}')
              {
                g_set_error (error, MD_SPF_ERROR, MD_SPF_ERROR_SYNTAX,
                             _("malformed macro in “%s”"), string);
                return FALSE;
              }

            if (out)
              {
                g_autofree char *value = macro_value (letter, vars);

                append_transformed (out, value ? value : "", (guint) keep, reverse,
                                    delimiters->len ? delimiters->str : ".",
                                    g_ascii_isupper (letter));
              }
            p = q + 1;
          }
          break;

        default:
          g_set_error (error, MD_SPF_ERROR, MD_SPF_ERROR_SYNTAX,
                       _("a “%%” must be followed by “{”, “%%”, “_” or “-” in “%s”"), string);
          return FALSE;
        }

      last_macro = TRUE;
    }

  if (ends_with_macro)
    *ends_with_macro = last_macro;

  return TRUE;
}

/* domain-spec = macro-string domain-end
 * domain-end  = ( "." toplabel [ "." ] ) / macro-expand */
static gboolean
check_domain_spec (const char  *spec,
                   GError     **error)
{
  gboolean ends_with_macro = FALSE;
  const char *tail;
  const char *dot;
  gsize len;

  if (spec == NULL || *spec == '\0')
    {
      g_set_error_literal (error, MD_SPF_ERROR, MD_SPF_ERROR_SYNTAX,
                           _("a domain name is missing"));
      return FALSE;
    }

  if (!scan_macro_string (spec, FALSE, NULL, NULL, &ends_with_macro, error))
    return FALSE;

  if (ends_with_macro)
    return TRUE;

  /* The literal text after the last macro. */
  tail = spec;
  for (const char *p = spec; *p; p++)
    {
      if (*p == '%')
        {
          if (p[1] == '{')
            p = strchr (p, '}');
          else
            p++;
          tail = p + 1;
        }
    }

  len = strlen (tail);
  if (len > 0 && tail[len - 1] == '.')
    len--;
  dot = g_strrstr_len (tail, len, ".");
  if (dot == NULL || !is_toplabel (dot + 1, len - (dot + 1 - tail)))
    {
      g_set_error (error, MD_SPF_ERROR, MD_SPF_ERROR_SYNTAX,
                   _("“%s” does not end in a valid top-level label"), spec);
      return FALSE;
    }

  return TRUE;
}

/* 1*DIGIT without leading zeros, at most @max. */
static gboolean
parse_cidr (const char *digits,
            gsize       len,
            guint       max,
            guint      *value)
{
  guint v = 0;

  if (len == 0 || len > 3 || (len > 1 && digits[0] == '0'))
    return FALSE;

  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isdigit (digits[i]))
        return FALSE;
      v = v * 10 + (digits[i] - '0');
    }

  if (v > max)
    return FALSE;

  *value = v;
  return TRUE;
}

static gboolean
all_digits (const char *s,
            gsize       len)
{
  if (len == 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

/* dual-cidr-length = [ ip4-cidr-length ] [ "/" ip6-cidr-length ], at the
 * end of @rest; returns the part before it. */
static char *
split_dual_cidr (const char  *rest,
                 MdSpfTerm   *term,
                 GError     **error)
{
  gsize end = strlen (rest);
  const char *slash = g_strrstr_len (rest, end, "/");

  if (slash != NULL && all_digits (slash + 1, rest + end - slash - 1))
    {
      const char *digits = slash + 1;
      gsize len = rest + end - digits;

      if (slash > rest && slash[-1] == '/')
        {
          if (!parse_cidr (digits, len, 128, &term->cidr6))
            goto bad;
          end = slash - 1 - rest;
          slash = g_strrstr_len (rest, end, "/");
          if (slash != NULL && all_digits (slash + 1, rest + end - slash - 1))
            {
              digits = slash + 1;
              len = rest + end - digits;
              if (!parse_cidr (digits, len, 32, &term->cidr4))
                goto bad;
              end = slash - rest;
            }
        }
      else
        {
          if (!parse_cidr (digits, len, 32, &term->cidr4))
            goto bad;
          end = slash - rest;
        }
    }

  return g_strndup (rest, end);

bad:
  g_set_error (error, MD_SPF_ERROR, MD_SPF_ERROR_SYNTAX,
               _("invalid prefix length in “%s”"), term->text);
  return NULL;
}

/* ip4-network = qnum "." qnum "." qnum "." qnum, no leading zeros. */
static GInetAddress *
parse_ip4 (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, ".", -1);

  if (g_strv_length (parts) != 4)
    return NULL;

  for (guint i = 0; i < 4; i++)
    {
      guint value;

      if (!parse_cidr (parts[i], strlen (parts[i]), 255, &value))
        return NULL;
    }

  return g_inet_address_new_from_string (text);
}

static gboolean
is_modifier_name (const char *name,
                  gsize       len)
{
  if (len == 0 || !g_ascii_isalpha (name[0]))
    return FALSE;

  for (gsize i = 1; i < len; i++)
    if (!g_ascii_isalnum (name[i]) && name[i] != '-' && name[i] != '_' && name[i] != '.')
      return FALSE;

  return TRUE;
}

static MdSpfTerm *
parse_modifier (const char  *text,
                const char  *equals,
                MdSpfRecord *record,
                GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = g_strndup (text, equals - text);
  const char *value = equals + 1;
  MdSpfTerm *term;

  if (!is_modifier_name (text, equals - text))
    {
      g_set_error (error, MD_SPF_ERROR, MD_SPF_ERROR_SYNTAX,
                   _("invalid modifier name in “%s”"), text);
      return NULL;
    }

  term = g_new0 (MdSpfTerm, 1);
  term->text = g_strdup (text);
  term->cidr4 = 32;
  term->cidr6 = 128;

  if (g_ascii_strcasecmp (name, "redirect") == 0 || g_ascii_strcasecmp (name, "exp") == 0)
    {
      gboolean redirect = g_ascii_strcasecmp (name, "redirect") == 0;

      term->type = redirect ? MD_SPF_TERM_REDIRECT : MD_SPF_TERM_EXP;
      if ((redirect && record->redirect != NULL) || (!redirect && record->exp != NULL))
        {
          g_set_error (error, MD_SPF_ERROR, MD_SPF_ERROR_SYNTAX,
                       _("the “%s” modifier appears more than once"),
                       redirect ? "redirect" : "exp");
          term_free (term);
          return NULL;
        }
      if (!check_domain_spec (value, &local_error))
        {
          g_set_error (error, MD_SPF_ERROR, MD_SPF_ERROR_SYNTAX,
                       _("“%s”: %s"), text, local_error->message);
          term_free (term);
          return NULL;
        }
      term->domain_spec = g_strdup (value);
      if (redirect)
        record->redirect = term;
      else
        record->exp = term;
    }
  else
    {
      term->type = MD_SPF_TERM_UNKNOWN_MODIFIER;
      if (!scan_macro_string (value, FALSE, NULL, NULL, NULL, &local_error))
        {
          g_set_error (error, MD_SPF_ERROR, MD_SPF_ERROR_SYNTAX,
                       _("“%s”: %s"), text, local_error->message);
          term_free (term);
          return NULL;
        }
      term->name = g_steal_pointer (&name);
      term->value = g_strdup (value);
    }

  return term;
}

static MdSpfTerm *
parse_mechanism (const char  *text,
                 GError     **error)
{
  g_autoptr(MdSpfTerm) term = g_new0 (MdSpfTerm, 1);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = NULL;
  const char *p = text;
  const char *rest;

  term->text = g_strdup (text);
  term->cidr4 = 32;
  term->cidr6 = 128;
  term->qualifier = MD_SPF_VERDICT_PASS;

  switch (*p)
    {
    case '+': term->qualifier = MD_SPF_VERDICT_PASS; p++; break;
    case '-': term->qualifier = MD_SPF_VERDICT_FAIL; p++; break;
    case '~': term->qualifier = MD_SPF_VERDICT_SOFTFAIL; p++; break;
    case '?': term->qualifier = MD_SPF_VERDICT_NEUTRAL; p++; break;
    default: break;
    }

  rest = p + strcspn (p, ":/");
  name = g_ascii_strdown (p, rest - p);

  if (g_str_equal (name, "all"))
    {
      term->type = MD_SPF_TERM_ALL;
      if (*rest != '\0')
        goto bad;
    }
  else if (g_str_equal (name, "include") || g_str_equal (name, "exists"))
    {
      term->type = g_str_equal (name, "include") ? MD_SPF_TERM_INCLUDE : MD_SPF_TERM_EXISTS;
      if (*rest != ':')
        goto bad;
      if (!check_domain_spec (rest + 1, &local_error))
        goto bad_domain;
      term->domain_spec = g_strdup (rest + 1);
    }
  else if (g_str_equal (name, "a") || g_str_equal (name, "mx"))
    {
      g_autofree char *spec = NULL;

      term->type = g_str_equal (name, "a") ? MD_SPF_TERM_A : MD_SPF_TERM_MX;
      spec = split_dual_cidr (rest, term, error);
      if (spec == NULL)
        return NULL;
      if (*spec == ':')
        {
          if (!check_domain_spec (spec + 1, &local_error))
            goto bad_domain;
          term->domain_spec = g_strdup (spec + 1);
        }
      else if (*spec != '\0')
        goto bad;
    }
  else if (g_str_equal (name, "ptr"))
    {
      term->type = MD_SPF_TERM_PTR;
      if (*rest == ':')
        {
          if (!check_domain_spec (rest + 1, &local_error))
            goto bad_domain;
          term->domain_spec = g_strdup (rest + 1);
        }
      else if (*rest != '\0')
        goto bad;
    }
  else if (g_str_equal (name, "ip4") || g_str_equal (name, "ip6"))
    {
      gboolean ip4 = g_str_equal (name, "ip4");
      g_autofree char *address = NULL;
      const char *slash;

      term->type = ip4 ? MD_SPF_TERM_IP4 : MD_SPF_TERM_IP6;
      if (*rest != ':')
        goto bad;
      slash = strchr (rest + 1, '/');
      address = slash ? g_strndup (rest + 1, slash - rest - 1) : g_strdup (rest + 1);
      if (slash != NULL &&
          !parse_cidr (slash + 1, strlen (slash + 1), ip4 ? 32 : 128,
                       ip4 ? &term->cidr4 : &term->cidr6))
        goto bad;

      if (ip4)
        term->address = parse_ip4 (address);
      else if (strchr (address, ':') != NULL)
        term->address = g_inet_address_new_from_string (address);
      if (term->address == NULL ||
          g_inet_address_get_family (term->address) != (ip4 ? G_SOCKET_FAMILY_IPV4
                                                            : G_SOCKET_FAMILY_IPV6))
        goto bad;
    }
  else
    {
      g_set_error (error, MD_SPF_ERROR, MD_SPF_ERROR_SYNTAX,
                   _("unknown mechanism “%s”"), text);
      return NULL;
    }

  return g_steal_pointer (&term);

bad:
  g_set_error (error, MD_SPF_ERROR, MD_SPF_ERROR_SYNTAX,
               _("malformed mechanism “%s”"), text);
  return NULL;

bad_domain:
  g_set_error (error, MD_SPF_ERROR, MD_SPF_ERROR_SYNTAX,
               _("“%s”: %s"), text, local_error->message);
  return NULL;
}

MdSpfRecord *
md_spf_record_parse (const char  *text,
                     GError     **error)
{
  g_autoptr(MdSpfRecord) record = NULL;
  g_auto(GStrv) words = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  if (!md_spf_text_is_spf (text))
    {
      g_set_error_literal (error, MD_SPF_ERROR, MD_SPF_ERROR_NOT_SPF,
                           _("the text does not start with “v=spf1”"));
      return NULL;
    }

  /* RFC 7208 3.1 and 4.6.1: printable US-ASCII, terms separated by spaces
   * only; a tab, CR, LF or any 8-bit byte makes the record invalid. */
  for (const guchar *p = (const guchar *) text; *p; p++)
    {
      if (*p != ' ' && (*p < 0x21 || *p > 0x7e))
        {
          g_set_error (error, MD_SPF_ERROR, MD_SPF_ERROR_SYNTAX,
                       _("the record contains the character 0x%02X at position %u; "
                         "only printable ASCII and spaces are allowed"),
                       *p, (guint) (p - (const guchar *) text + 1));
          return NULL;
        }
    }

  record = record_new ();
  words = g_strsplit (text + 6, " ", -1);

  for (guint i = 0; words[i] != NULL; i++)
    {
      const char *word = words[i];
      const char *special;
      MdSpfTerm *term;

      if (*word == '\0')
        continue;

      special = word + strcspn (word, "=:/");
      if (*special == '=')
        term = parse_modifier (word, special, record, error);
      else
        term = parse_mechanism (word, error);

      if (term == NULL)
        return NULL;

      g_ptr_array_add (record->terms, term);
    }

  return g_steal_pointer (&record);
}

static char *
expand (const char       *string,
        const MacroVars  *vars,
        gboolean          explanation,
        GError          **error)
{
  g_autoptr(GString) out = g_string_new (NULL);

  if (!scan_macro_string (string, explanation, vars, out, NULL, error))
    return NULL;

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
split_sender (const char  *sender,
              const char  *helo,
              char       **full,
              char       **local,
              char       **domain)
{
  const char *at;

  if (sender == NULL || *sender == '\0')
    {
      /* RFC 7208 2.4: the null reverse-path checks postmaster@HELO. */
      *local = g_strdup ("postmaster");
      *domain = g_strdup (helo ? helo : "");
    }
  else if ((at = strrchr (sender, '@')) == NULL)
    {
      /* A bare domain: treat it as that domain's postmaster. */
      *local = g_strdup ("postmaster");
      *domain = g_strdup (sender);
    }
  else
    {
      /* RFC 7208 4.3: no local-part means "postmaster". */
      *local = at == sender ? g_strdup ("postmaster") : g_strndup (sender, at - sender);
      *domain = g_strdup (at + 1);
    }

  /* RFC 7208 4.3: internationalized names are looked up as A-labels. */
  if (!g_str_is_ascii (*domain))
    {
      char *ascii = g_hostname_to_ascii (*domain);

      if (ascii != NULL)
        {
          g_free (*domain);
          *domain = ascii;
        }
    }

  *full = g_strdup_printf ("%s@%s", *local, *domain);
}

char *
md_spf_expand_macros (const char    *string,
                      const char    *sender,
                      const char    *domain,
                      GInetAddress  *ip,
                      const char    *helo,
                      gboolean       explanation,
                      GError       **error)
{
  g_autofree char *full = NULL;
  g_autofree char *local = NULL;
  g_autofree char *sender_domain = NULL;
  MacroVars vars = { 0 };

  g_return_val_if_fail (string != NULL, NULL);
  g_return_val_if_fail (G_IS_INET_ADDRESS (ip), NULL);

  split_sender (sender, helo, &full, &local, &sender_domain);
  vars.sender = full;
  vars.local = local;
  vars.sender_domain = sender_domain;
  vars.domain = domain ? domain : sender_domain;
  vars.helo = helo ? helo : "";
  vars.validated = NULL;
  vars.ip = ip;

  return expand (string, &vars, explanation, error);
}

/* }}} */
/* {{{ Results */

static void
problem_free (MdSpfProblem *problem)
{
  if (problem == NULL)
    return;

  g_free (problem->id);
  g_free (problem->message);
  g_free (problem);
}

static MdSpfResult *
result_new (void)
{
  MdSpfResult *result = g_new0 (MdSpfResult, 1);

  result->verdict = MD_SPF_VERDICT_NONE;
  result->trace = g_ptr_array_new_with_free_func (g_free);
  result->problems = g_ptr_array_new_with_free_func ((GDestroyNotify) problem_free);

  return result;
}

MdSpfResult *
md_spf_result_copy (const MdSpfResult *result)
{
  MdSpfResult *copy;

  g_return_val_if_fail (result != NULL, NULL);

  copy = result_new ();
  copy->verdict = result->verdict;
  copy->domain = g_strdup (result->domain);
  copy->sender = g_strdup (result->sender);
  copy->explanation = g_strdup (result->explanation);
  copy->mechanism = g_strdup (result->mechanism);
  copy->mechanism_domain = g_strdup (result->mechanism_domain);
  copy->reason = g_strdup (result->reason);
  copy->dns_lookups = result->dns_lookups;
  copy->void_lookups = result->void_lookups;

  for (guint i = 0; i < result->trace->len; i++)
    g_ptr_array_add (copy->trace, g_strdup (g_ptr_array_index (result->trace, i)));

  for (guint i = 0; i < result->problems->len; i++)
    {
      const MdSpfProblem *problem = g_ptr_array_index (result->problems, i);
      MdSpfProblem *dup = g_new0 (MdSpfProblem, 1);

      dup->id = g_strdup (problem->id);
      dup->message = g_strdup (problem->message);
      g_ptr_array_add (copy->problems, dup);
    }

  return copy;
}

void
md_spf_result_free (MdSpfResult *result)
{
  if (result == NULL)
    return;

  g_free (result->domain);
  g_free (result->sender);
  g_free (result->explanation);
  g_free (result->mechanism);
  g_free (result->mechanism_domain);
  g_free (result->reason);
  g_clear_pointer (&result->trace, g_ptr_array_unref);
  g_clear_pointer (&result->problems, g_ptr_array_unref);
  g_free (result);
}

/* }}} */
/* {{{ check_host() */

typedef enum
{
  WAIT_NOTHING,
  WAIT_INCLUDE,
  WAIT_REDIRECT,
} FrameWait;

/* One check_host() invocation: the top one, an include or a redirect. */
typedef struct
{
  char            *domain;
  MdSpfRecord     *record;
  guint            next;
  const MdSpfTerm *term;     /* the term being evaluated */
  FrameWait        wait;
} Frame;

typedef void (*Step) (GTask *task);

typedef struct
{
  MdDnsSource  *source;
  GInetAddress *ip;
  gboolean      ipv6;
  char         *sender;
  char         *local;
  char         *sender_domain;
  char         *helo;

  GPtrArray    *frames;
  MdSpfResult  *result;

  /* The term that decided and the record it came from: exp= is read
   * from that record (RFC 7208 6.2). */
  char         *decided_mechanism;
  char         *decided_domain;
  char         *decided_exp;
  char         *exp_text;
  gboolean      probe_spf_rr;
  gboolean      ptr_reported;

  /* State of the term in progress. */
  char         *target;
  GPtrArray    *names;
  guint         name_next;

  /* %{p}: validated names of the client IP, found once when first needed. */
  gboolean      p_ready;
  GPtrArray    *p_names;
  GPtrArray    *p_candidates;
  guint         p_next;
  Step          p_then;
} Run;

static void
frame_free (Frame *frame)
{
  g_free (frame->domain);
  g_clear_pointer (&frame->record, md_spf_record_free);
  g_free (frame);
}

static void
run_free (Run *run)
{
  g_clear_object (&run->source);
  g_clear_object (&run->ip);
  g_free (run->sender);
  g_free (run->local);
  g_free (run->sender_domain);
  g_free (run->helo);
  g_clear_pointer (&run->frames, g_ptr_array_unref);
  g_clear_pointer (&run->result, md_spf_result_free);
  g_free (run->decided_mechanism);
  g_free (run->decided_domain);
  g_free (run->decided_exp);
  g_free (run->exp_text);
  g_free (run->target);
  g_clear_pointer (&run->names, g_ptr_array_unref);
  g_clear_pointer (&run->p_names, g_ptr_array_unref);
  g_clear_pointer (&run->p_candidates, g_ptr_array_unref);
  g_free (run);
}

static void
set_str (char       **dest,
         const char  *value)
{
  char *copy = g_strdup (value);

  g_free (*dest);
  *dest = copy;
}

static Frame *
top_frame (Run *run)
{
  g_assert (run->frames->len > 0);
  return g_ptr_array_index (run->frames, run->frames->len - 1);
}

static void trace (Run        *run,
                   const char *format,
                   ...) G_GNUC_PRINTF (2, 3);

static void
trace (Run        *run,
       const char *format,
       ...)
{
  g_autofree char *line = NULL;
  g_autofree char *indent = NULL;
  guint depth = run->frames->len > 0 ? run->frames->len - 1 : 0;
  va_list args;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);

  indent = g_strnfill (depth * 2, ' ');
  g_debug ("SPF: %s%s", indent, line);
  g_ptr_array_add (run->result->trace, g_strconcat (indent, line, NULL));
}

static void
add_problem (Run        *run,
             const char *id,
             char       *message)
{
  MdSpfProblem *problem = g_new0 (MdSpfProblem, 1);

  problem->id = g_strdup (id);
  problem->message = message;
  g_ptr_array_add (run->result->problems, problem);
}

static char *
describe_answer (const MdDnsAnswer *answer)
{
  g_autoptr(GString) s = g_string_new (NULL);

  if (answer->status != MD_DNS_STATUS_OK || answer->records->len == 0)
    {
      if (answer->status == MD_DNS_STATUS_OK)
        return g_strdup (md_dns_status_describe (MD_DNS_STATUS_NODATA));
      if (answer->message != NULL &&
          g_strcmp0 (answer->message, md_dns_status_describe (answer->status)) != 0)
        return g_strdup_printf ("%s (%s)", md_dns_status_describe (answer->status),
                                answer->message);
      return g_strdup (md_dns_status_describe (answer->status));
    }

  for (guint i = 0; i < answer->records->len; i++)
    {
      const MdDnsRecord *record = g_ptr_array_index (answer->records, i);

      if (i > 0)
        g_string_append (s, ", ");

      switch (record->type)
        {
        case MD_DNS_TYPE_A:
        case MD_DNS_TYPE_AAAA:
          {
            g_autofree char *address = g_inet_address_to_string (record->address);
            g_string_append (s, address);
          }
          break;
        case MD_DNS_TYPE_MX:
          g_string_append_printf (s, "%u %s", record->preference,
                                  record->target && *record->target ? record->target : ".");
          break;
        case MD_DNS_TYPE_TXT:
        case MD_DNS_TYPE_SPF:
          g_string_append_printf (s, "“%s”", record->text ? record->text : "");
          break;
        default:
          g_string_append (s, record->target ? record->target : "?");
          break;
        }
    }

  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
trace_answer (Run               *run,
              const MdDnsAnswer *answer)
{
  g_autofree char *description = describe_answer (answer);

  /* Translators: DNS query and its answer, e.g. "DNS A mail.example.com: 192.0.2.1" */
  trace (run, _("DNS %s %s: %s"), md_dns_type_to_string (answer->type), answer->name,
         description);
}

static void
query (GTask               *task,
       const char          *name,
       MdDnsType            type,
       GAsyncReadyCallback  callback)
{
  Run *run = g_task_get_task_data (task);

  md_dns_source_query_async (run->source, name, type, g_task_get_cancellable (task),
                             callback, task);
}

/* Finishes a query; NULL when the whole check was cancelled (then the
 * task has been returned). */
static MdDnsAnswer *
query_finish_full (GTask        *task,
                   GAsyncResult *result,
                   gboolean      traced)
{
  Run *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  MdDnsAnswer *answer;

  answer = md_dns_source_query_finish (run->source, result, &error);
  if (answer == NULL)
    {
      if (error == NULL)
        g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_FAILED, _("the lookup failed"));
      g_task_return_error (task, g_steal_pointer (&error));
      return NULL;
    }

  if (traced)
    trace_answer (run, answer);

  return answer;
}

static MdDnsAnswer *
query_finish (GTask        *task,
              GAsyncResult *result)
{
  return query_finish_full (task, result, TRUE);
}

static gboolean
is_void (const MdDnsAnswer *answer)
{
  return answer->status == MD_DNS_STATUS_NXDOMAIN ||
         answer->status == MD_DNS_STATUS_NODATA ||
         (answer->status == MD_DNS_STATUS_OK && answer->records->len == 0);
}

static char *
reverse_name (GInetAddress *ip)
{
  const guint8 *bytes = g_inet_address_to_bytes (ip);
  GString *s = g_string_new (NULL);

  if (g_inet_address_get_family (ip) == G_SOCKET_FAMILY_IPV4)
    {
      g_string_printf (s, "%u.%u.%u.%u.in-addr.arpa", bytes[3], bytes[2], bytes[1], bytes[0]);
    }
  else
    {
      for (int i = 15; i >= 0; i--)
        g_string_append_printf (s, "%x.%x.", bytes[i] & 0xf, bytes[i] >> 4);
      g_string_append (s, "ip6.arpa");
    }

  return g_string_free (s, FALSE);
}

static gboolean
address_in_network (GInetAddress *ip,
                    GInetAddress *network,
                    guint         bits)
{
  const guint8 *a;
  const guint8 *b;
  guint bytes;

  if (network == NULL || g_inet_address_get_family (ip) != g_inet_address_get_family (network))
    return FALSE;

  a = g_inet_address_to_bytes (ip);
  b = g_inet_address_to_bytes (network);
  bytes = bits / 8;

  if (memcmp (a, b, bytes) != 0)
    return FALSE;

  if (bits % 8 != 0)
    {
      guint8 mask = (guint8) (0xff << (8 - bits % 8));
      if ((a[bytes] & mask) != (b[bytes] & mask))
        return FALSE;
    }

  return TRUE;
}

/* RFC 7208 4.3: a domain check_host() can work on. */
static gboolean
domain_is_valid (const char *domain)
{
  g_autofree char *name = NULL;
  g_auto(GStrv) labels = NULL;
  gsize len;
  guint n;

  if (domain == NULL)
    return FALSE;

  len = strlen (domain);
  if (len > 0 && domain[len - 1] == '.')
    len--;
  if (len == 0 || len > MAX_DOMAIN_LENGTH)
    return FALSE;

  name = g_strndup (domain, len);
  labels = g_strsplit (name, ".", -1);
  n = g_strv_length (labels);
  if (n < 2)
    return FALSE;

  for (guint i = 0; i < n; i++)
    if (*labels[i] == '\0' || strlen (labels[i]) > MAX_LABEL_LENGTH)
      return FALSE;

  return is_toplabel (labels[n - 1], strlen (labels[n - 1]));
}

/* A name we can put in a query: no empty or over-long label. */
static gboolean
name_is_queryable (const char *name)
{
  const char *start = name;

  if (*name == '\0')
    return FALSE;

  for (const char *p = name; ; p++)
    {
      if (*p == '.' || *p == '\0')
        {
          gsize len = p - start;

          if (len == 0 || len > MAX_LABEL_LENGTH)
            return FALSE;
          if (*p == '\0')
            return TRUE;
          start = p + 1;
        }
    }
}

static gboolean
name_is_within (const char *name,
                const char *domain)
{
  gsize nlen = strlen (name);
  gsize dlen = strlen (domain);

  if (nlen == dlen)
    return g_ascii_strcasecmp (name, domain) == 0;

  return nlen > dlen && name[nlen - dlen - 1] == '.' &&
         g_ascii_strcasecmp (name + nlen - dlen, domain) == 0;
}

static const char *
choose_validated_name (Run        *run,
                       const char *domain)
{
  /* RFC 7208 7.3: prefer <domain> itself, then a subdomain of it. */
  if (run->p_names == NULL || run->p_names->len == 0)
    return NULL;

  for (guint i = 0; i < run->p_names->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (run->p_names, i), domain) == 0)
      return g_ptr_array_index (run->p_names, i);

  for (guint i = 0; i < run->p_names->len; i++)
    if (name_is_within (g_ptr_array_index (run->p_names, i), domain))
      return g_ptr_array_index (run->p_names, i);

  return g_ptr_array_index (run->p_names, 0);
}

static void
macro_vars_for (Run        *run,
                const char *domain,
                MacroVars  *vars)
{
  vars->sender = run->sender;
  vars->local = run->local;
  vars->sender_domain = run->sender_domain;
  vars->domain = domain;
  vars->helo = run->helo ? run->helo : "";
  vars->validated = choose_validated_name (run, domain);
  vars->ip = run->ip;
}

/* Expands a domain-spec into a name to query (RFC 7208 7.3): without a
 * trailing dot, shortened from the left to 253 octets. NULL when the result
 * cannot be a DNS name. */
static char *
expand_domain (Run        *run,
               const char *spec,
               const char *domain)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  MacroVars vars;
  const char *start;
  gsize len;

  /* No domain-spec: <domain> itself, which is a name, not a macro-string. */
  if (spec == NULL)
    {
      name = g_strdup (domain);
    }
  else
    {
      macro_vars_for (run, domain, &vars);
      name = expand (spec, &vars, FALSE, &error);
    }
  if (name == NULL)
    {
      /* Cannot happen for a parsed record; be safe anyway. */
      trace (run, _("cannot expand “%s”: %s"), spec, error->message);
      return NULL;
    }

  len = strlen (name);
  if (len > 0 && name[len - 1] == '.')
    name[--len] = '\0';

  start = name;
  while (strlen (start) > MAX_DOMAIN_LENGTH)
    {
      const char *dot = strchr (start, '.');

      if (dot == NULL)
        return NULL;
      start = dot + 1;
    }

  if (!name_is_queryable (start))
    {
      trace (run, _("“%s” is not a valid domain name"), start);
      return NULL;
    }

  return g_strdup (start);
}

static gboolean
needs_p (const char *string)
{
  return string != NULL && (strstr (string, "%{p") != NULL || strstr (string, "%{P") != NULL);
}

static void evaluate           (GTask        *task);
static void check_host_start   (GTask        *task,
                                const char   *domain);
static void finish             (GTask        *task,
                                MdSpfVerdict  verdict);
static void finish_error       (GTask        *task,
                                MdSpfVerdict  verdict,
                                char         *reason);

/* %{p}: PTR names of the IP whose address records lead back to it. */
static void p_validate_next (GTask *task);

static void
p_address_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr(MdDnsAnswer) answer = query_finish (task, result);

  if (answer == NULL)
    return;

  for (guint i = 0; i < answer->records->len; i++)
    {
      const MdDnsRecord *record = g_ptr_array_index (answer->records, i);

      if (record->address != NULL && g_inet_address_equal (record->address, run->ip))
        {
          g_ptr_array_add (run->p_names,
                           g_strdup (g_ptr_array_index (run->p_candidates, run->p_next - 1)));
          break;
        }
    }

  p_validate_next (g_steal_pointer (&task));
}

static void
p_validate_next (GTask *task)
{
  Run *run = g_task_get_task_data (task);
  Step then;

  if (run->p_next < run->p_candidates->len)
    {
      const char *name = g_ptr_array_index (run->p_candidates, run->p_next++);

      query (task, name, run->ipv6 ? MD_DNS_TYPE_AAAA : MD_DNS_TYPE_A, p_address_cb);
      return;
    }

  run->p_ready = TRUE;
  then = run->p_then;
  run->p_then = NULL;
  then (task);
}

static void
p_ptr_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr(MdDnsAnswer) answer = query_finish (task, result);

  if (answer == NULL)
    return;

  /* A failed PTR lookup just means "no validated name": %{p} is "unknown". */
  for (guint i = 0; i < answer->records->len && run->p_candidates->len < MAX_PTR_NAMES; i++)
    {
      const MdDnsRecord *record = g_ptr_array_index (answer->records, i);

      if (record->target != NULL && name_is_queryable (record->target))
        g_ptr_array_add (run->p_candidates, g_strdup (record->target));
    }

  p_validate_next (g_steal_pointer (&task));
}

/* Runs @then once %{p} can be expanded. */
static void
with_p (GTask      *task,
        const char *string,
        Step        then)
{
  Run *run = g_task_get_task_data (task);
  g_autofree char *name = NULL;

  if (!needs_p (string) || run->p_ready)
    {
      then (task);
      return;
    }

  run->p_then = then;
  run->p_names = g_ptr_array_new_with_free_func (g_free);
  run->p_candidates = g_ptr_array_new_with_free_func (g_free);
  run->p_next = 0;
  name = reverse_name (run->ip);
  query (task, name, MD_DNS_TYPE_PTR, p_ptr_cb);
}

/* Counts a void lookup; FALSE when that broke the limit. */
static gboolean
count_void (Run               *run,
            const MdDnsAnswer *answer)
{
  if (!is_void (answer))
    return TRUE;

  run->result->void_lookups++;

  return run->result->void_lookups <= MD_SPF_MAX_VOID_LOOKUPS;
}

static void
void_limit_error (GTask *task)
{
  finish_error (task, MD_SPF_VERDICT_PERMERROR,
                g_strdup_printf (_("more than %u lookups found no record (void lookup limit)"),
                                 MD_SPF_MAX_VOID_LOOKUPS));
}

static void
temperror_from (GTask             *task,
                const MdDnsAnswer *answer)
{
  const char *type = md_dns_type_to_string (answer->type);
  const char *status = md_dns_status_describe (answer->status);
  char *reason;

  if (answer->message != NULL && g_strcmp0 (answer->message, status) != 0)
    {
      /* Translators: "DNS lookup of TXT example.com failed: the DNS server
       * failed (SERVFAIL) (connection refused)" */
      reason = g_strdup_printf (_("DNS lookup of %s %s failed: %s (%s)"), type, answer->name,
                                status, answer->message);
    }
  else
    {
      /* Translators: "DNS lookup of TXT example.com failed: no answer in time (timeout)" */
      reason = g_strdup_printf (_("DNS lookup of %s %s failed: %s"), type, answer->name, status);
    }

  finish_error (task, MD_SPF_VERDICT_TEMPERROR, reason);
}

static void term_result (GTask    *task,
                         gboolean  matched);

/* Ends the innermost check_host() with @verdict and carries on with the
 * record that included or redirected to it. */
static void
frame_return (GTask        *task,
              MdSpfVerdict  verdict)
{
  Run *run = g_task_get_task_data (task);

  g_ptr_array_remove_index (run->frames, run->frames->len - 1);

  while (run->frames->len > 0)
    {
      Frame *parent = top_frame (run);

      if (parent->wait == WAIT_REDIRECT)
        {
          /* The redirect's result is the result of the record that had it. */
          g_ptr_array_remove_index (run->frames, run->frames->len - 1);
          continue;
        }

      g_assert (parent->wait == WAIT_INCLUDE);
      parent->wait = WAIT_NOTHING;
      /* RFC 7208 5.2: only pass makes an include match. */
      term_result (task, verdict == MD_SPF_VERDICT_PASS);
      return;
    }

  finish (task, verdict);
}

static void
term_result (GTask    *task,
             gboolean  matched)
{
  Run *run = g_task_get_task_data (task);
  Frame *frame = top_frame (run);

  if (!matched)
    {
      trace (run, _("%s: no match"), frame->term->text);
      evaluate (task);
      return;
    }

  trace (run, _("%s: match → %s"), frame->term->text,
         md_spf_verdict_to_string (frame->term->qualifier));
  set_str (&run->decided_mechanism, frame->term->text);
  set_str (&run->decided_domain, frame->domain);
  set_str (&run->decided_exp, frame->record->exp ? frame->record->exp->domain_spec : NULL);

  frame_return (task, frame->term->qualifier);
}

/* A check_host() found no record (none): fatal below the top. */
static void
return_none (GTask *task,
             char  *reason)
{
  Run *run = g_task_get_task_data (task);
  Frame *frame = top_frame (run);

  if (run->frames->len == 1)
    {
      finish_error (task, MD_SPF_VERDICT_NONE, reason);
      return;
    }

  {
    Frame *parent = g_ptr_array_index (run->frames, run->frames->len - 2);
    char *full = g_strdup_printf (parent->wait == WAIT_INCLUDE
                                  ? _("“%s” includes %s, which has no SPF record: %s")
                                  : _("“%s” redirects to %s, which has no SPF record: %s"),
                                  parent->term->text, frame->domain, reason);

    g_free (reason);
    finish_error (task, MD_SPF_VERDICT_PERMERROR, full);
  }
}

/* Whether an address of @answer is in the client's network, as wide as
 * the prefix length of the term in progress says (RFC 7208 5.3, 5.4). */
static gboolean
answer_has_client (Run               *run,
                   const MdDnsAnswer *answer)
{
  const MdSpfTerm *term = top_frame (run)->term;

  for (guint i = 0; i < answer->records->len; i++)
    {
      const MdDnsRecord *record = g_ptr_array_index (answer->records, i);

      if (address_in_network (run->ip, record->address, run->ipv6 ? term->cidr6 : term->cidr4))
        return TRUE;
    }

  return FALSE;
}

/* What the a, mx and exists mechanisms do with their lookup: a DNS failure
 * is a temperror, one void lookup too many a permerror (RFC 7208 4.6.4);
 * both finish the task, taken from *@task. TRUE when the answer counts. */
static gboolean
mechanism_answer_usable (GTask             **task,
                         const MdDnsAnswer  *answer)
{
  Run *run = g_task_get_task_data (*task);

  if (md_dns_answer_is_failure (answer))
    {
      temperror_from (g_steal_pointer (task), answer);
      return FALSE;
    }

  if (!count_void (run, answer))
    {
      void_limit_error (g_steal_pointer (task));
      return FALSE;
    }

  return TRUE;
}

static void
a_cb (GObject      *object,
      GAsyncResult *result,
      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr(MdDnsAnswer) answer = query_finish (task, result);

  if (answer == NULL)
    return;

  if (!mechanism_answer_usable (&task, answer))
    return;

  term_result (g_steal_pointer (&task), answer_has_client (run, answer));
}

static void
a_step (GTask *task)
{
  Run *run = g_task_get_task_data (task);
  Frame *frame = top_frame (run);
  g_autofree char *target = expand_domain (run, frame->term->domain_spec, frame->domain);

  /* An impossible name has no addresses (RFC 7208 4.3, by analogy). */
  if (target == NULL)
    {
      term_result (task, FALSE);
      return;
    }

  query (task, target, run->ipv6 ? MD_DNS_TYPE_AAAA : MD_DNS_TYPE_A, a_cb);
}

/* The names an mx or ptr mechanism goes through, one address lookup each,
 * replaced by those of a new answer. */
static void
reset_names (Run *run)
{
  g_clear_pointer (&run->names, g_ptr_array_unref);
  run->names = g_ptr_array_new_with_free_func (g_free);
  run->name_next = 0;
}

/* Looks up the addresses of the next name, @address_cb taking the answer;
 * with every name done, the mechanism does not match. */
static void
query_next_name (GTask               *task,
                 GAsyncReadyCallback  address_cb)
{
  Run *run = g_task_get_task_data (task);

  if (run->name_next < run->names->len)
    {
      const char *name = g_ptr_array_index (run->names, run->name_next++);

      query (task, name, run->ipv6 ? MD_DNS_TYPE_AAAA : MD_DNS_TYPE_A, address_cb);
      return;
    }

  term_result (task, FALSE);
}

static void
mx_address_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr(MdDnsAnswer) answer = query_finish (task, result);

  if (answer == NULL)
    return;

  if (md_dns_answer_is_failure (answer))
    {
      temperror_from (g_steal_pointer (&task), answer);
      return;
    }

  if (answer_has_client (run, answer))
    {
      term_result (g_steal_pointer (&task), TRUE);
      return;
    }

  query_next_name (g_steal_pointer (&task), mx_address_cb);
}

static void
mx_cb (GObject      *object,
       GAsyncResult *result,
       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr(MdDnsAnswer) answer = query_finish (task, result);

  if (answer == NULL)
    return;

  if (!mechanism_answer_usable (&task, answer))
    return;

  /* RFC 7208 4.6.4: more than 10 MX names is a permerror. */
  if (answer->records->len > MAX_MX_NAMES)
    {
      finish_error (g_steal_pointer (&task), MD_SPF_VERDICT_PERMERROR,
                    g_strdup_printf (_("“%s”: %s has %u MX records, more than the %u SPF allows"),
                                     top_frame (run)->term->text, answer->name,
                                     answer->records->len, MAX_MX_NAMES));
      return;
    }

  reset_names (run);
  for (guint i = 0; i < answer->records->len; i++)
    {
      const MdDnsRecord *record = g_ptr_array_index (answer->records, i);

      /* A null MX (RFC 7505) names no host. */
      if (record->target != NULL && name_is_queryable (record->target))
        g_ptr_array_add (run->names, g_strdup (record->target));
    }

  query_next_name (g_steal_pointer (&task), mx_address_cb);
}

static void
mx_step (GTask *task)
{
  Run *run = g_task_get_task_data (task);
  Frame *frame = top_frame (run);
  g_autofree char *target = expand_domain (run, frame->term->domain_spec, frame->domain);

  if (target == NULL)
    {
      term_result (task, FALSE);
      return;
    }

  query (task, target, MD_DNS_TYPE_MX, mx_cb);
}

static void
ptr_address_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr(MdDnsAnswer) answer = query_finish (task, result);

  if (answer == NULL)
    return;

  /* RFC 7208 5.5: a DNS error here skips the name. */
  for (guint i = 0; i < answer->records->len; i++)
    {
      const MdDnsRecord *record = g_ptr_array_index (answer->records, i);

      if (record->address != NULL && g_inet_address_equal (record->address, run->ip))
        {
          term_result (g_steal_pointer (&task), TRUE);
          return;
        }
    }

  query_next_name (g_steal_pointer (&task), ptr_address_cb);
}

static void
ptr_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr(MdDnsAnswer) answer = query_finish (task, result);

  if (answer == NULL)
    return;

  /* RFC 7208 5.5: a DNS error on the PTR lookup means no match. */
  if (md_dns_answer_is_failure (answer))
    {
      term_result (g_steal_pointer (&task), FALSE);
      return;
    }

  if (!count_void (run, answer))
    {
      void_limit_error (g_steal_pointer (&task));
      return;
    }

  reset_names (run);
  /* Only the first 10 names count (RFC 7208 4.6.4); of those, only names
   * within the target need validating. */
  for (guint i = 0; i < answer->records->len && i < MAX_PTR_NAMES; i++)
    {
      const MdDnsRecord *record = g_ptr_array_index (answer->records, i);

      if (record->target != NULL && name_is_queryable (record->target) &&
          name_is_within (record->target, run->target))
        g_ptr_array_add (run->names, g_strdup (record->target));
    }

  query_next_name (g_steal_pointer (&task), ptr_address_cb);
}

static void
ptr_step (GTask *task)
{
  Run *run = g_task_get_task_data (task);
  Frame *frame = top_frame (run);
  g_autofree char *name = NULL;

  g_free (run->target);
  run->target = expand_domain (run, frame->term->domain_spec, frame->domain);
  if (run->target == NULL)
    {
      term_result (task, FALSE);
      return;
    }

  name = reverse_name (run->ip);
  query (task, name, MD_DNS_TYPE_PTR, ptr_cb);
}

static void
exists_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(MdDnsAnswer) answer = query_finish (task, result);

  if (answer == NULL)
    return;

  if (!mechanism_answer_usable (&task, answer))
    return;

  term_result (g_steal_pointer (&task), answer->records->len > 0);
}

static void
exists_step (GTask *task)
{
  Run *run = g_task_get_task_data (task);
  Frame *frame = top_frame (run);
  g_autofree char *target = expand_domain (run, frame->term->domain_spec, frame->domain);

  if (target == NULL)
    {
      term_result (task, FALSE);
      return;
    }

  /* RFC 7208 5.7: always an A query, whatever the IP version. */
  query (task, target, MD_DNS_TYPE_A, exists_cb);
}

static void
include_or_redirect_step (GTask *task)
{
  Run *run = g_task_get_task_data (task);
  Frame *frame = top_frame (run);
  gboolean include = frame->term->type == MD_SPF_TERM_INCLUDE;
  g_autofree char *target = expand_domain (run, frame->term->domain_spec, frame->domain);

  if (target == NULL || !domain_is_valid (target))
    {
      finish_error (task, MD_SPF_VERDICT_PERMERROR,
                    g_strdup_printf (_("“%s” does not name a valid domain"), frame->term->text));
      return;
    }

  frame->wait = include ? WAIT_INCLUDE : WAIT_REDIRECT;
  check_host_start (task, target);
}

static void
evaluate (GTask *task)
{
  Run *run = g_task_get_task_data (task);
  Frame *frame = top_frame (run);
  const MdSpfRecord *record = frame->record;

  while (frame->next < record->terms->len)
    {
      const MdSpfTerm *term = g_ptr_array_index (record->terms, frame->next++);

      frame->term = term;
      switch (term->type)
        {
        case MD_SPF_TERM_REDIRECT:
        case MD_SPF_TERM_EXP:
        case MD_SPF_TERM_UNKNOWN_MODIFIER:
          continue;

        case MD_SPF_TERM_ALL:
          term_result (task, TRUE);
          return;

        case MD_SPF_TERM_IP4:
        case MD_SPF_TERM_IP6:
          if (address_in_network (run->ip, term->address,
                                  term->type == MD_SPF_TERM_IP4 ? term->cidr4 : term->cidr6))
            {
              term_result (task, TRUE);
              return;
            }
          trace (run, _("%s: no match"), term->text);
          continue;

        case MD_SPF_TERM_INCLUDE:
        case MD_SPF_TERM_A:
        case MD_SPF_TERM_MX:
        case MD_SPF_TERM_PTR:
        case MD_SPF_TERM_EXISTS:
        default:
          break;
        }

      /* RFC 7208 4.6.4: at most 10 terms that query DNS. */
      run->result->dns_lookups++;
      if (run->result->dns_lookups > MD_SPF_MAX_DNS_LOOKUPS)
        {
          finish_error (task, MD_SPF_VERDICT_PERMERROR,
                        g_strdup_printf (_("“%s” would be DNS lookup %u; SPF allows %u"),
                                         term->text, run->result->dns_lookups,
                                         MD_SPF_MAX_DNS_LOOKUPS));
          return;
        }

      switch (term->type)
        {
        case MD_SPF_TERM_INCLUDE:
          with_p (task, term->domain_spec, include_or_redirect_step);
          break;
        case MD_SPF_TERM_A:
          with_p (task, term->domain_spec, a_step);
          break;
        case MD_SPF_TERM_MX:
          with_p (task, term->domain_spec, mx_step);
          break;
        case MD_SPF_TERM_PTR:
          with_p (task, term->domain_spec, ptr_step);
          break;
        case MD_SPF_TERM_EXISTS:
        default:
          with_p (task, term->domain_spec, exists_step);
          break;
        }
      return;
    }

  if (record->redirect != NULL)
    {
      frame->term = record->redirect;
      run->result->dns_lookups++;
      if (run->result->dns_lookups > MD_SPF_MAX_DNS_LOOKUPS)
        {
          finish_error (task, MD_SPF_VERDICT_PERMERROR,
                        g_strdup_printf (_("“%s” would be DNS lookup %u; SPF allows %u"),
                                         record->redirect->text, run->result->dns_lookups,
                                         MD_SPF_MAX_DNS_LOOKUPS));
          return;
        }
      trace (run, _("no mechanism matched; following %s"), record->redirect->text);
      with_p (task, record->redirect->domain_spec, include_or_redirect_step);
      return;
    }

  /* RFC 7208 4.7: nothing matched, no redirect: neutral. */
  trace (run, _("no mechanism matched: neutral"));
  g_clear_pointer (&run->decided_mechanism, g_free);
  g_clear_pointer (&run->decided_exp, g_free);
  set_str (&run->decided_domain, frame->domain);
  frame_return (task, MD_SPF_VERDICT_NEUTRAL);
}

static void
note_record_problems (Run               *run,
                      const char        *domain,
                      const MdSpfRecord *record)
{
  for (guint i = 0; i < record->terms->len; i++)
    {
      const MdSpfTerm *term = g_ptr_array_index (record->terms, i);

      if (term->type == MD_SPF_TERM_ALL && term->qualifier == MD_SPF_VERDICT_PASS)
        add_problem (run, "plus-all",
                     g_strdup_printf (_("The record of %s ends in “%s”: it allows every "
                                        "server on the Internet to send for the domain."),
                                      domain, term->text));

      if (term->type == MD_SPF_TERM_PTR && !run->ptr_reported)
        {
          run->ptr_reported = TRUE;
          add_problem (run, "ptr",
                       g_strdup_printf (_("The record of %s uses “%s”: RFC 7208 says not to "
                                          "use ptr; it is slow and some receivers ignore it."),
                                        domain, term->text));
        }
    }
}

static void
txt_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr(MdDnsAnswer) answer = query_finish_full (task, result, FALSE);
  g_autoptr(GPtrArray) spf = NULL;
  g_autoptr(GError) error = NULL;
  Frame *frame;

  if (answer == NULL)
    return;

  frame = top_frame (run);

  /* The policy itself is traced below; the other answers as they came. */
  if (md_dns_answer_is_failure (answer) || answer->records->len == 0)
    trace_answer (run, answer);

  if (md_dns_answer_is_failure (answer))
    {
      temperror_from (g_steal_pointer (&task), answer);
      return;
    }

  spf = g_ptr_array_new ();
  for (guint i = 0; i < answer->records->len; i++)
    {
      const MdDnsRecord *record = g_ptr_array_index (answer->records, i);

      if (record->text != NULL && md_spf_text_is_spf (record->text))
        g_ptr_array_add (spf, record->text);
    }

  /* Show what was there when it is not one policy. */
  if (spf->len != 1 && answer->records->len > 0)
    trace_answer (run, answer);

  if (spf->len == 0)
    {
      run->probe_spf_rr = run->frames->len == 1;
      return_none (g_steal_pointer (&task),
                   g_strdup_printf (_("%s publishes no SPF record"), frame->domain));
      return;
    }

  if (spf->len > 1)
    {
      add_problem (run, "multiple-records",
                   g_strdup_printf (_("%s publishes %u SPF records; there must be exactly one."),
                                    frame->domain, spf->len));
      finish_error (g_steal_pointer (&task), MD_SPF_VERDICT_PERMERROR,
                    g_strdup_printf (_("%s publishes %u SPF records"), frame->domain, spf->len));
      return;
    }

  trace (run, _("SPF record of %s: “%s”"), frame->domain, (const char *) spf->pdata[0]);

  frame->record = md_spf_record_parse (spf->pdata[0], &error);
  if (frame->record == NULL)
    {
      finish_error (g_steal_pointer (&task), MD_SPF_VERDICT_PERMERROR,
                    g_strdup_printf (_("the SPF record of %s is invalid: %s"),
                                     frame->domain, error->message));
      return;
    }

  note_record_problems (run, frame->domain, frame->record);
  evaluate (g_steal_pointer (&task));
}

static void
check_host_start (GTask      *task,
                  const char *domain)
{
  Run *run = g_task_get_task_data (task);
  Frame *frame = g_new0 (Frame, 1);
  gsize len = strlen (domain);

  frame->domain = g_strndup (domain, len > 0 && domain[len - 1] == '.' ? len - 1 : len);
  g_ptr_array_add (run->frames, frame);

  if (!domain_is_valid (frame->domain))
    {
      return_none (task, g_strdup_printf (_("“%s” is not a valid domain name"), frame->domain));
      return;
    }

  query (task, frame->domain, MD_DNS_TYPE_TXT, txt_cb);
}

static void
return_result (GTask *task)
{
  Run *run = g_task_get_task_data (task);
  MdSpfResult *result = run->result;

  if (result->dns_lookups >= NEAR_LOOKUP_LIMIT && result->dns_lookups <= MD_SPF_MAX_DNS_LOOKUPS)
    add_problem (run, "near-lookup-limit",
                 g_strdup_printf (_("The check needed %u of the %u DNS lookups SPF allows; "
                                    "one more include can make the policy fail."),
                                  result->dns_lookups, MD_SPF_MAX_DNS_LOOKUPS));

  if (result->void_lookups >= MD_SPF_MAX_VOID_LOOKUPS)
    add_problem (run, "void-lookups",
                 g_strdup_printf (_("%u names in the policy do not exist or have no address; "
                                    "more than %u makes the policy fail."),
                                  result->void_lookups, MD_SPF_MAX_VOID_LOOKUPS));

  g_task_return_pointer (task, g_steal_pointer (&run->result),
                         (GDestroyNotify) md_spf_result_free);
  g_object_unref (task);
}

static void
spf_rr_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr(MdDnsAnswer) answer = query_finish (task, result);

  if (answer == NULL)
    return;

  for (guint i = 0; i < answer->records->len; i++)
    {
      const MdDnsRecord *record = g_ptr_array_index (answer->records, i);

      if (record->text != NULL && md_spf_text_is_spf (record->text))
        {
          add_problem (run, "spf-rr-only",
                       g_strdup_printf (_("%s publishes its policy only as the obsolete SPF "
                                          "record type; receivers read TXT records only."),
                                        run->result->domain));
          break;
        }
    }

  return_result (g_steal_pointer (&task));
}

static void
exp_expand_step (GTask *task)
{
  Run *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  MacroVars vars;

  macro_vars_for (run, run->decided_domain, &vars);
  run->result->explanation = expand (run->exp_text, &vars, TRUE, &error);
  if (run->result->explanation == NULL)
    trace (run, _("explanation ignored: %s"), error->message);

  return_result (task);
}

static void
exp_txt_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr(MdDnsAnswer) answer = query_finish (task, result);
  const MdDnsRecord *record;

  if (answer == NULL)
    return;

  /* RFC 7208 6.2: anything but exactly one TXT record means "no exp". */
  if (answer->status != MD_DNS_STATUS_OK || answer->records->len != 1)
    {
      trace (run, _("explanation ignored: not exactly one TXT record"));
      return_result (g_steal_pointer (&task));
      return;
    }

  record = g_ptr_array_index (answer->records, 0);
  set_str (&run->exp_text, record->text ? record->text : "");
  with_p (g_steal_pointer (&task), run->exp_text, exp_expand_step);
}

static void
exp_domain_step (GTask *task)
{
  Run *run = g_task_get_task_data (task);
  g_autofree char *name = NULL;

  name = expand_domain (run, run->decided_exp, run->decided_domain);
  if (name == NULL)
    {
      return_result (task);
      return;
    }

  query (task, name, MD_DNS_TYPE_TXT, exp_txt_cb);
}

static void
finish (GTask        *task,
        MdSpfVerdict  verdict)
{
  Run *run = g_task_get_task_data (task);
  MdSpfResult *result = run->result;

  result->verdict = verdict;
  set_str (&result->mechanism, run->decided_mechanism);
  set_str (&result->mechanism_domain, run->decided_domain);
  trace (run, _("result: %s"), md_spf_verdict_to_string (verdict));

  if (verdict == MD_SPF_VERDICT_FAIL && run->decided_exp != NULL)
    {
      /* The explanation text may need %{p}: it is found on the way. */
      with_p (task, run->decided_exp, exp_domain_step);
      return;
    }

  return_result (task);
}

static void
finish_error (GTask        *task,
              MdSpfVerdict  verdict,
              char         *reason)
{
  Run *run = g_task_get_task_data (task);
  MdSpfResult *result = run->result;

  result->verdict = verdict;
  g_free (result->reason);
  result->reason = reason;
  g_clear_pointer (&result->mechanism, g_free);
  g_clear_pointer (&result->mechanism_domain, g_free);
  trace (run, _("result: %s (%s)"), md_spf_verdict_to_string (verdict), reason);

  if (verdict == MD_SPF_VERDICT_NONE && run->probe_spf_rr)
    {
      query (task, result->domain, MD_DNS_TYPE_SPF, spf_rr_cb);
      return;
    }

  return_result (task);
}

void
md_spf_check_async (MdDnsSource         *source,
                    GInetAddress        *ip,
                    const char          *sender,
                    const char          *helo,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Run *run;

  g_return_if_fail (MD_IS_DNS_SOURCE (source));
  g_return_if_fail (G_IS_INET_ADDRESS (ip));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, md_spf_check_async);

  run = g_new0 (Run, 1);
  run->source = g_object_ref (source);
  run->frames = g_ptr_array_new_with_free_func ((GDestroyNotify) frame_free);
  run->result = result_new ();
  run->helo = g_strdup (helo ? helo : "");

  /* RFC 7208 5: an IPv4-mapped IPv6 address is an IPv4 address. */
  if (g_inet_address_get_family (ip) == G_SOCKET_FAMILY_IPV6)
    {
      const guint8 *bytes = g_inet_address_to_bytes (ip);
      static const guint8 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

      if (memcmp (bytes, mapped, sizeof mapped) == 0)
        run->ip = g_inet_address_new_from_bytes (bytes + 12, G_SOCKET_FAMILY_IPV4);
    }
  if (run->ip == NULL)
    run->ip = g_object_ref (ip);
  run->ipv6 = g_inet_address_get_family (run->ip) == G_SOCKET_FAMILY_IPV6;

  split_sender (sender, helo, &run->sender, &run->local, &run->sender_domain);
  run->result->sender = g_strdup (run->sender);
  run->result->domain = g_strdup (run->sender_domain);
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);

  {
    g_autofree char *address = g_inet_address_to_string (run->ip);

    trace (run, _("check_host(%s, %s, %s)"), address, run->sender_domain, run->sender);
  }

  /* The task travels through the callbacks and is dropped by return_result. */
  check_host_start (g_steal_pointer (&task), run->sender_domain);
}

MdSpfResult *
md_spf_check_finish (GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == md_spf_check_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* }}} */
