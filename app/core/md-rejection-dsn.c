/* md-rejection-dsn.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* DSN fields (RFC 3464), in a message/delivery-status part or pasted. */

#include "config.h"

#include "md-rejection-parser-private.h"

static const char *dsn_fields[] = {
  "Final-Recipient:", "Original-Recipient:", "Action:", "Status:", "Remote-MTA:",
  "Diagnostic-Code:", "Reporting-MTA:", "Received-From-MTA:", "Arrival-Date:",
  "Last-Attempt-Date:", "X-Postfix-", "X-Actual-Recipient:", "Will-Retry-Until:",
  "Original-Envelope-Id:", "X-Display-Name:", "X-Remote-MTA:",
};

gboolean
md_rejection_is_dsn_field_line (const char *line)
{
  for (guint i = 0; i < G_N_ELEMENTS (dsn_fields); i++)
    if (has_prefix_ci (line, dsn_fields[i]))
      return TRUE;
  return FALSE;
}

static char *
dsn_value_after_type (const char *value)
{
  const char *semi = strchr (value, ';');

  return g_strstrip (g_strdup (semi ? semi + 1 : value));
}

typedef struct
{
  char *recipient;
  char *original;
  char *action;
  char *status;
  char *remote_mta;
  char *diagnostic;
} DsnRecord;

static void
dsn_record_clear (DsnRecord *d)
{
  g_clear_pointer (&d->recipient, g_free);
  g_clear_pointer (&d->original, g_free);
  g_clear_pointer (&d->action, g_free);
  g_clear_pointer (&d->status, g_free);
  g_clear_pointer (&d->remote_mta, g_free);
  g_clear_pointer (&d->diagnostic, g_free);
}

static char *
clean_address (const char *value)
{
  g_autofree char *v = dsn_value_after_type (value);
  char *s = v;
  gsize len;

  while (*s == '<')
    s++;
  len = strlen (s);
  while (len > 0 && (s[len - 1] == '>' || s[len - 1] == ' '))
    len--;

  return len > 0 ? g_strndup (s, len) : NULL;
}

static void
emit_dsn_record (Collector *c,
                 DsnRecord *d)
{
  g_autoptr(MdRejection) r = NULL;
  gsize slen = d->status ? parse_enhanced_at (d->status) : 0;

  if (d->action != NULL && !has_prefix_ci (d->action, "failed") && !has_prefix_ci (d->action, "delayed"))
    return;
  if (d->diagnostic != NULL)
    {
      g_autofree char *block = g_strdup_printf ("smtp; %s", d->diagnostic);
      Context ctx = { 0, };

      r = md_rejection_from_block (block, FALSE, &ctx);
    }
  if (r == NULL && slen == 0)
    return;
  if (r == NULL)
    {
      r = md_rejection_new ();
      if (d->diagnostic != NULL)
        r->text = md_rejection_clean_reply (d->diagnostic, 0, NULL);
    }

  if (slen > 0 && (d->status[0] == '4' || d->status[0] == '5'))
    {
      g_autofree char *status = g_strndup (d->status, slen);

      /* The receiver's own enhanced code is more precise than the reporting
       * MTA's generic x.0.0 — and the other way round. */
      if (r->enhanced_status == NULL ||
          (g_str_has_suffix (r->enhanced_status, ".0.0") && !g_str_has_suffix (status, ".0.0")))
        set_str (&r->enhanced_status, status);
    }
  if (r->smtp_code == 0 && r->enhanced_status == NULL)
    return;
  if (r->smtp_code != 0)
    r->temporary = r->smtp_code / 100 == 4;
  else
    r->temporary = r->enhanced_status[0] == '4' ||
                   (d->action != NULL && has_prefix_ci (d->action, "delayed"));

  g_clear_pointer (&r->recipient, g_free);
  r->recipient = d->recipient ? clean_address (d->recipient) : NULL;
  if (r->recipient == NULL && d->original != NULL)
    r->recipient = clean_address (d->original);
  if (r->recipient != NULL && strchr (r->recipient, '@') == NULL)
    g_clear_pointer (&r->recipient, g_free);

  if (d->remote_mta != NULL)
    {
      g_autofree char *mta = dsn_value_after_type (d->remote_mta);
      char *bracket = strchr (mta, '[');

      if (bracket != NULL)
        {
          char *close = strchr (bracket, ']');
          if (close != NULL)
            {
              g_autofree char *ip = g_strndup (bracket + 1, close - bracket - 1);
              if (is_ip_address (ip))
                set_str (&r->remote_ip, ip);
            }
          *bracket = '\0';
        }
      g_strstrip (mta);
      {
        /* Gmail: "gmail-smtp-in.l.google.com. (2a00:1450:…, the server for
         * the domain gmail.com.)" */
        char *open = strchr (mta, '(');

        if (open != NULL)
          {
            g_autofree char *inner = g_strndup (open + 1, strcspn (open + 1, ",) "));

            if (is_ip_address (inner))
              set_str (&r->remote_ip, inner);
            *open = '\0';
            g_strstrip (mta);
          }
      }
      strip_trailing_dot (mta);
      if (is_ip_address (mta))
        set_str (&r->remote_ip, mta);
      else if (*mta != '\0' && strchr (mta, ' ') == NULL)
        {
          g_free (r->remote_host);
          r->remote_host = g_ascii_strdown (mta, -1);
        }
    }

  /* The recipient's domain and the host may tell more than the text. */
  g_clear_pointer (&r->provider, g_free);
  g_clear_pointer (&r->service, g_free);
  md_rejection_detect_provider (r);

  md_rejection_collector_add (c, g_steal_pointer (&r));
}

/* Fields of one or more DSN groups, one field per line with folded
 * continuation lines. GMime has no API for message/delivery-status
 * content, so the (simple) field syntax is read here. */
void
md_rejection_parse_dsn_lines (Collector        *c,
                              const char *const *lines,
                              guint              n_lines)
{
  DsnRecord d = { 0, };
  char **field = NULL;

  for (guint i = 0; i < n_lines; i++)
    {
      const char *line = lines[i];
      char **target = NULL;

      if ((line[0] == ' ' || line[0] == '\t') && field != NULL && *field != NULL)
        {
          g_autofree char *joined = NULL;
          g_autofree char *trimmed = g_strstrip (g_strdup (line));

          if (strlen (*field) < MAX_BLOCK_BYTES)
            {
              joined = g_strconcat (*field, " ", trimmed, NULL);
              g_free (*field);
              *field = g_steal_pointer (&joined);
            }
          continue;
        }

      if (*line == '\0')
        {
          emit_dsn_record (c, &d);
          dsn_record_clear (&d);
          field = NULL;
          continue;
        }

      if (has_prefix_ci (line, "Final-Recipient:") || has_prefix_ci (line, "Original-Recipient:"))
        {
          gboolean final = has_prefix_ci (line, "Final-Recipient:");

          /* A new recipient without a blank line in between. */
          if ((final && d.recipient != NULL) || (!final && d.original != NULL) ||
              (!final && d.recipient != NULL && (d.status || d.diagnostic)))
            {
              emit_dsn_record (c, &d);
              dsn_record_clear (&d);
            }
          target = final ? &d.recipient : &d.original;
        }
      else if (has_prefix_ci (line, "Action:"))
        target = &d.action;
      else if (has_prefix_ci (line, "Status:"))
        target = &d.status;
      else if (has_prefix_ci (line, "Remote-MTA:"))
        target = &d.remote_mta;
      else if (has_prefix_ci (line, "Diagnostic-Code:"))
        target = &d.diagnostic;

      field = target;
      if (target != NULL)
        {
          g_free (*target);
          *target = g_strstrip (g_strdup (strchr (line, ':') + 1));
        }
    }

  emit_dsn_record (c, &d);
  dsn_record_clear (&d);
}
