/* md-rejection-patterns.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The regular expressions of the parser, compiled once. */

#include "config.h"

#include "md-rejection-parser-private.h"

#define IPCHARS "([0-9A-Fa-f:.]{3,45})"

static GRegex *
compile (const char *pattern)
{
  g_autoptr(GError) error = NULL;
  GRegex *regex;

  regex = g_regex_new (pattern, G_REGEX_OPTIMIZE | G_REGEX_CASELESS, 0, &error);
  /* The patterns are constants: a failure is a programming error. */
  g_assert_no_error (error);

  return regex;
}

const Patterns *
md_rejection_patterns_get (void)
{
  static gsize once = 0;
  static Patterns p;

  if (g_once_init_enter (&once))
    {
      static const char *blocked[G_N_ELEMENTS (p.blocked)] = {
        "banned send(?:er|ing IP)\\s?\\[" IPCHARS "\\]",
        /* An annotation may follow the address: "[192.0.2.1 (our gateway)]",
         * "[192.0.2.1 <-- example.com]". */
        "client host \\[" IPCHARS "(?:\\s[^\\]\\[]{1,60})?\\]",
        "messages from \\[?" IPCHARS "\\]?",
        "\\bIP=" IPCHARS,
        "[?&;](?:v|ip)=" IPCHARS,
        "\\bwith ip:? ?\\[?" IPCHARS "\\]?",
        "^[245][0-9]{2}[ -](?:[245]\\.[0-9]{1,3}\\.[0-9]{1,3} )?\\[" IPCHARS "(?:\\s{1,20}[0-9]{1,3})?\\]",
        "\\b" IPCHARS " (?:found on|is listed|listed (?:on|in|at)|is blocked|is blacklisted)",
        "mail server \\[" IPCHARS "\\]",
        "try again later from \\[" IPCHARS "\\]",
        /* Not .../returnc/pub/IP: that is the receiver's own resolver, refused
         * as an open resolver, not the sender. */
        "spamhaus\\.org/(?:query/ip/|query/bl\\?ip=)" IPCHARS,
        "sending IPv6 address \\[" IPCHARS "\\]",
        "\\[" IPCHARS "\\] (?:has exceeded|is (?:listed|blocked|blacklisted|block ?listed))",
        "your (?:IP|IP address|server|host)[: ]\\s?(?:is )?\\[?" IPCHARS "\\]?",
        "\\b(?:IP|IP address|client|host|sender)\\s\\[?" IPCHARS "\\]?\\s(?:is|was|has been)\\s(?:listed|blocked|blacklisted|rejected|on)",
        "(?:hostname|reverse DNS|PTR)[^\\[\\]]{0,40}\\[" IPCHARS "\\]",
        "\\bIP (?:address )?\\[?" IPCHARS "\\]? (?:is )?(?:listed|blocked|blacklisted|block listed|rejected)",
        "\\b(?:sending IP|source IP|client IP|IP address|IP)[:=]\\s?\\[?" IPCHARS "\\]?",
        "\\bfrom \\[" IPCHARS "\\]",
        /* Exchange Online in German: "gesperrter Absender[203.0.113.7]". */
        "gesperrter Absender\\s?\\[" IPCHARS "\\]",
        "\\bclient \\[" IPCHARS "\\] blocked",
        "\\bIP=https?://" IPCHARS,
        "\\[" IPCHARS "\\](?::[0-9]{1,5})? is (?:in|on) an? (?:RBL|DNSBL|block ?list|black ?list)",
        "spamcop\\.net/bl\\.shtml\\?" IPCHARS,
        "\\bIP-Adresse:? \\[?" IPCHARS "\\]?",
        /* Postfix's own NOQUEUE reject: the client is the sender refused. */
        "\\breject: (?:RCPT|MAIL|DATA|CONNECT|EHLO|HELO|END-OF-MESSAGE) from "
          "[^\\[\\] ]{0,253}\\[" IPCHARS "\\]",
        /* … and its reply names the client refused for what it is: "<unknown[192.0.2.1]>:
         * Client host rejected: Access denied" (not "…: Blacklisted user"). */
        "<[^<>\\[\\]\\s]{0,253}\\[" IPCHARS "\\]>:? Client host rejected: Access denied",
      };

      /* ZoneMTA logs the exchange as "mx=host[IP]". */
      p.host_ip = compile ("(?:\\bhost|\\bRechner|\\brelay=|\\bmx=|\\bH=|\\bconnect to|"
                           "\\bconnection to|\\bconversation with)"
                           "\\s?([A-Za-z0-9][A-Za-z0-9._-]{0,253})\\s?\\[([^\\]\\s]{0,45})\\]");
      p.relay_quoted = compile ("\\brelay=\"" IPCHARS " \\(([A-Za-z0-9][A-Za-z0-9._-]{0,253})\\)\"");
      p.qmail_ip = compile ("(?:connected to " IPCHARS " but|^" IPCHARS " does not like|"
                            "^" IPCHARS " failed after I sent)");
      p.host_only = compile ("(?:\\bhost:|while talking to|\\bhost(?=\\s\\S{1,253}\\s(?:said|refused to talk)))"
                             "\\s{0,3}([A-Za-z0-9][A-Za-z0-9_-]{0,62}(?:\\.[A-Za-z0-9_-]{1,63}){1,8})"
                             "\\.?(?:[\\s:]|$)");
      p.dma_host = compile ("([A-Za-z0-9][A-Za-z0-9._-]{0,253}) \\[" IPCHARS "\\] did not like our");
      p.stage = compile ("(?:in reply to|after|while sending|did not like our|"
                         "als Antwort auf das Kommando|als Antwort auf den Befehl|nach dem Kommando|"
                         "nach dem Befehl)\\s{1,3}(?:the\\s)?(?:pipelined\\s)?"
                         "(RCPT\\s?TO|MAIL\\s?FROM|end\\sof\\s(?:data|message)|"
                         "Ende\\s(?:von\\s|der\\s)?(?:DATA|Daten)|final\\sDATA|DATA|EHLO|HELO|LHLO|BDAT|"
                         "STARTTLS|initial\\sconnection)");
      p.stage_connect = compile ("refused to talk to me|initial server greeting|initial connection|"
                                 "during connection|server greeting|SMTP banner|connect time|invalid greeting");
      p.host_said = compile ("([A-Za-z0-9][A-Za-z0-9._-]{0,253}) ?\\[" IPCHARS "\\]:?\\s{0,3}"
                             "(?:said|sagte|refused to talk)");
      /* Postfix's debug log of the reply: "< mx.example.org[192.0.2.1]:25: 550 …". */
      p.debug_reply = compile ("(?:^|\\s)< ([A-Za-z0-9][A-Za-z0-9._-]{0,253})"
                               "\\[([^\\]\\s]{0,45})\\]:[0-9]{1,5}:\\s{1,3}[245][0-9]{2}[ -]");
      p.stage_failed = compile ("\\b(RCPT TO|MAIL FROM|DATA|EHLO|HELO|STARTTLS) command failed");
      p.exchange_inner = compile ("<([A-Za-z0-9][A-Za-z0-9._-]{0,253}) "
                                  "#[245]\\.[0-9]{1,3}\\.[0-9]{1,3}");
      for (guint i = 0; i < G_N_ELEMENTS (p.blocked); i++)
        p.blocked[i] = compile (blocked[i]);
      p.ref_as_paren = compile ("\\bAS\\(([0-9]{1,12})\\)");
      p.ref_paren = compile ("\\((A?S[0-9]{3,10})\\)");
      p.ref_olc = compile ("\\b((?:SC|OU|DY|RP)-00[0-9])\\b");
      p.ref_yahoo = compile ("\\b((?:TSS|IPTS|TSM|PH|TS)[0-9]{2})\\b");
      p.ref_tonline = compile ("\\((BL|NOWL)\\)");
      p.ref_server_id = compile ("\\[(?:Hostname=)?([A-Za-z0-9-]{4,64}\\.(?:[A-Za-z0-9-]{1,63}\\.){1,6}"
                                 "(?:outlook\\.com|exchangelabs\\.com|office365\\.com))[ \\]]");
      p.ref_old_ms = compile ("\\(((?:BAY|BLU|COL|DUB|SNT|SN1|AMS)[0-9]{1,4}-[A-Z0-9]{4,10})\\)");
      p.ref_other = compile ("(?:\\[((?:CS|HM)[0-9]{2})\\]|\\b(BL[0-9]{6})\\b|\\b(OFR_[0-9]{3})\\b)");
      p.ref_case = compile ("\\bcase\\?(?:[a-z]{1,4}=[^&\\s]{0,40}&)?c=([A-Za-z0-9]{1,16})");
      g_once_init_leave (&once, 1);
    }

  return &p;
}
