/* test-knowledge.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <libintl.h>
#include <locale.h>

#include "md-knowledge.h"
#include "md-receivers.h"
#include "md-rejection.h"
#include "md-util.h"

static const char * const allowed_channel_ids[] = {
  "microsoft-delist-mail", "microsoft-delist-portal", "outlook-sender-form", "t-online-mail",
  "spamhaus-removal", "gmail-form", "yahoo-form", "gmx-form", "apple-icloud-mail",
  "comcast-form", "cloudmark-reset", "senderscore-removal", NULL,
};

#define OUTLOOK_FORM "https://support.microsoft.com/supportrequestform/8ad563e3-288e-2a61-8122-3ba03d6b8d75"
#define SEED_TEXT \
  "550 5.7.511 Access denied, banned sender[203.0.113.7]. To request removal from this list " \
  "please forward this message to delist@messaging.microsoft.com. For more information please " \
  "go to http://go.microsoft.com/fwlink/?LinkId=526653. AS(1410) " \
  "[CB1PEPF0000205E.namprd00.prod.outlook.com]"

typedef struct
{
  const char    *name;
  /* the rejection */
  const char    *provider;
  const char    *service;
  guint          smtp_code;
  const char    *status;
  const char    *text;
  const char    *reference;
  const char    *emails;   /* comma-separated contacts */
  const char    *urls;
  /* what the knowledge base must say */
  const char    *id;
  MdChannelKind  kind;
  const char    *channel_id;
  const char    *address;
  const char    *url;
  const char    *language;
} MatchCase;

static const MatchCase match_cases[] = {
  { "seed 5.7.511, address from the text",
    "microsoft", "exchange-online", 550, "5.7.511", SEED_TEXT, "AS(1410)",
    "delist@messaging.microsoft.com", "http://go.microsoft.com/fwlink/?LinkId=526653",
    "microsoft-5.7.511", MD_CHANNEL_EMAIL, "microsoft-delist-mail", "delist@messaging.microsoft.com",
    "https://learn.microsoft.com/en-us/defender-office-365/external-senders-use-the-delist-portal-to-unblock-yourself",
    "en" },
  { "5.7.511 without a contact: the current documented address",
    "microsoft", "exchange-online", 550, "5.7.511",
    "550 5.7.511 Access denied, banned sender[203.0.113.7].", NULL, NULL, NULL,
    "microsoft-5.7.511", MD_CHANNEL_EMAIL, "microsoft-delist-mail", "delist@microsoft.com",
    "https://learn.microsoft.com/en-us/defender-office-365/external-senders-use-the-delist-portal-to-unblock-yourself",
    "en" },
  { "5.7.511 with an unrelated address in the text",
    "microsoft", "exchange-online", 550, "5.7.511",
    "550 5.7.511 Access denied, banned sender[203.0.113.7]. Reported by postmaster@example.org",
    NULL, "postmaster@example.org,abuse@notmicrosoft.com", NULL,
    "microsoft-5.7.511", MD_CHANNEL_EMAIL, "microsoft-delist-mail", "delist@microsoft.com",
    "https://learn.microsoft.com/en-us/defender-office-365/external-senders-use-the-delist-portal-to-unblock-yourself",
    "en" },
  { "5.7.606 to the delist portal",
    "microsoft", "exchange-online", 550, "5.7.606",
    "550 5.7.606 Access denied, banned sending IP [203.0.113.7]. To request removal from this "
    "list please visit https://sender.office.com/ and follow the directions. For more information "
    "please go to http://go.microsoft.com/fwlink/?LinkID=526655 (AS16012609)", "AS16012609",
    NULL, "https://sender.office.com/,http://go.microsoft.com/fwlink/?LinkID=526655",
    "microsoft-5.7.606-649", MD_CHANNEL_PORTAL, "microsoft-delist-portal", NULL,
    "https://sender.office.com/", "en" },
  { "5.7.649 is the end of the portal range",
    "microsoft", "exchange-online", 550, "5.7.649", "550 5.7.649 Access denied", NULL, NULL, NULL,
    "microsoft-5.7.606-649", MD_CHANNEL_PORTAL, "microsoft-delist-portal", NULL,
    "https://sender.office.com/", "en" },
  { "5.7.650 is outside the portal range",
    "microsoft", "exchange-online", 550, "5.7.650", "550 5.7.650 Access denied", NULL, NULL, NULL,
    "generic-5.7.x", MD_CHANNEL_NONE, NULL, NULL, NULL, NULL },
  { "Outlook.com S3150 to the sender support form",
    "microsoft", "outlook-com", 550, "5.7.1",
    "550 5.7.1 Unfortunately, messages from [203.0.113.7] weren't sent. Please contact your "
    "Internet service provider since part of their network is on our block list (S3150). You can "
    "also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors.", "S3150",
    NULL, "http://mail.live.com/mail/troubleshooting.aspx#errors",
    "outlook-com-s3150", MD_CHANNEL_FORM, "outlook-sender-form", NULL, OUTLOOK_FORM, "en" },
  { "Outlook.com AS3140",
    "microsoft", "outlook-com", 550, "5.7.1",
    "550 5.7.1 Unfortunately, messages from [203.0.113.7] weren't sent. Please contact your "
    "Internet service provider since part of their network is on our block list (AS3140).",
    "AS3140", NULL, NULL,
    "outlook-com-s3140", MD_CHANNEL_FORM, "outlook-sender-form", NULL, OUTLOOK_FORM, "en" },
  { "5.7.1 Blocklist 1",
    "microsoft", "exchange-online", 550, "5.7.1",
    "550 5.7.1 Service unavailable; Client host [203.0.113.7] blocked using Blocklist 1; To "
    "request removal from this list please forward this message to delist@messaging.microsoft.com",
    NULL, "delist@messaging.microsoft.com", NULL,
    "microsoft-5.7.1-blocklist1", MD_CHANNEL_EMAIL, "microsoft-delist-mail",
    "delist@messaging.microsoft.com", NULL, "en" },
  { "5.7.1 Blocklist 1, receiver not recognised",
    NULL, NULL, 550, "5.7.1",
    "550 5.7.1 Service unavailable; Client host [203.0.113.7] blocked using\n  Blocklist 1;",
    NULL, NULL, NULL,
    "microsoft-5.7.1-blocklist1", MD_CHANNEL_EMAIL, "microsoft-delist-mail",
    "delist@messaging.microsoft.com", NULL, "en" },
  { "5.7.1 via Spamhaus at Microsoft",
    "microsoft", "exchange-online", 550, "5.7.1",
    "550 5.7.1 Service unavailable, Client host [203.0.113.7] blocked using Spamhaus. To request "
    "removal from this list see https://www.spamhaus.org/query/ip/203.0.113.7 (AS3130)", "AS3130",
    NULL, "https://www.spamhaus.org/query/ip/203.0.113.7",
    "microsoft-5.7.1-spamhaus", MD_CHANNEL_PORTAL, "spamhaus-removal", NULL,
    "https://www.spamhaus.org/query/ip/203.0.113.7", "en" },
  { "other 5.7.1 at Microsoft",
    "microsoft", "exchange-online", 550, "5.7.1",
    "550 5.7.1 Delivery not authorized, message refused", NULL, NULL, NULL,
    "microsoft-5.7.1-other", MD_CHANNEL_RECIPIENT, NULL, NULL, NULL, NULL },
  { "\"Blocklist 10\" is not \"Blocklist 1\"",
    "microsoft", "exchange-online", 550, "5.7.1",
    "550 5.7.1 Client host [203.0.113.7] blocked using Blocklist 10", NULL, NULL, NULL,
    "microsoft-5.7.1-other", MD_CHANNEL_RECIPIENT, NULL, NULL, NULL, NULL },
  { "5.7.513 is the recipient's own block list",
    "microsoft", "exchange-online", 550, "5.7.513",
    "550 5.7.513 Service unavailable, Client host [203.0.113.7] blocked by example.com using "
    "Customer Block list (AS16012607)", NULL, NULL, NULL,
    "microsoft-5.7.513", MD_CHANNEL_RECIPIENT, NULL, NULL, NULL, NULL },
  { "4.7.650 inside the 4.7.5xx-6xx throttling range",
    "microsoft", "outlook-com", 451, "4.7.650",
    "451 4.7.650 The mail server [203.0.113.7] has been temporarily rate limited due to IP "
    "reputation. For e-mail delivery information, see https://postmaster.live.com (S3113)",
    NULL, NULL, "https://postmaster.live.com",
    "microsoft-4.7.650-651", MD_CHANNEL_FORM, "outlook-sender-form", NULL, OUTLOOK_FORM, "en" },
  { "4.7.500 throttling",
    "microsoft", "exchange-online", 451, "4.7.500",
    "451 4.7.500 Server busy. Please try again later from [203.0.113.7]. (AS843)", NULL, NULL, NULL,
    "microsoft-4.7.500-699", MD_CHANNEL_NONE, NULL, NULL, NULL, NULL },
  { "T-Online (BL) in German",
    "t-online", NULL, 554, NULL,
    "554 IP=203.0.113.7 - A problem occurred. (Ask your postmaster for help or to contact "
    "tosa@rx.t-online.de to clarify.) (BL)", "(BL)", "tosa@rx.t-online.de", NULL,
    "t-online-bl", MD_CHANNEL_EMAIL, "t-online-mail", "tosa@rx.t-online.de",
    "https://postmaster.t-online.de/", "de" },
  { "T-Online: a mailbox at t-online.de is not the postmaster",
    "t-online", NULL, 554, NULL,
    "<someone@t-online.de>: host mx00.t-online.de[194.25.134.8] said: 554 IP=203.0.113.7 - A "
    "problem occurred. (Ask your postmaster for help or to contact tosa@rx.t-online.de to "
    "clarify.) (BL)", NULL, "someone@t-online.de,tosa@rx.t-online.de", NULL,
    "t-online-bl", MD_CHANNEL_EMAIL, "t-online-mail", "tosa@rx.t-online.de",
    "https://postmaster.t-online.de/", "de" },
  { "Outlook.com block list without an S-code",
    "microsoft", "outlook-com", 550, "5.7.1",
    "550 5.7.1 Unfortunately, messages from [203.0.113.7] weren't sent. Please contact your "
    "Internet service provider since part of their network is on our block list.", NULL, NULL,
    NULL,
    "outlook-com-block-list", MD_CHANNEL_FORM, "outlook-sender-form", NULL, OUTLOOK_FORM, "en" },
  { "T-Online (NOWL), the address the text names",
    "t-online", NULL, 554, NULL,
    "554 IP=203.0.113.7 - None/bad reputation. Ask your postmaster for help or to contact "
    "postmaster@rx.t-online.de for reset. (NOWL)", "(NOWL)", "postmaster@rx.t-online.de", NULL,
    "t-online-nowl", MD_CHANNEL_EMAIL, "t-online-mail", "postmaster@rx.t-online.de",
    "https://postmaster.t-online.de/", "de" },
  { "T-Online (BL) wrapped by a relay in a 450",
    NULL, NULL, 450, "4.7.1",
    "450 4.7.1 [EAB] 554 IP=203.0.113.7 - A problem occurred. (Ask your postmaster for help or to "
    "contact tosa@rx.t-online.de to clarify.) (BL)", NULL, NULL, NULL,
    "t-online-bl", MD_CHANNEL_EMAIL, "t-online-mail", "tosa@rx.t-online.de",
    "https://postmaster.t-online.de/", "de" },
  { "Gmail 4.7.28",
    "google", NULL, 421, "4.7.28",
    "421-4.7.28 Gmail has detected an unusual rate of unsolicited mail originating from your IP "
    "address. To protect our users from spam, mail sent from your IP address has been temporarily "
    "rate limited. gsmtp", NULL, NULL, NULL,
    "gmail-4.7.28", MD_CHANNEL_FORM, "gmail-form", NULL,
    "https://support.google.com/mail/troubleshooter/2696779", "en" },
  { "Gmail 5.7.26 over IPv6",
    "google", NULL, 550, "5.7.26",
    "550-5.7.26 This mail is unauthenticated, which poses a security risk to the sender and Gmail "
    "users. [2001:db8::25] gsmtp", NULL, NULL, NULL,
    "gmail-5.7.26", MD_CHANNEL_NONE, NULL, NULL, NULL, NULL },
  { "Gmail PTR 4.7.0",
    "google", NULL, 421, "4.7.0",
    "421-4.7.0 [203.0.113.7] The IP address sending this message does not have a PTR record "
    "setup. gsmtp", NULL, NULL, NULL,
    "gmail-ptr", MD_CHANNEL_NONE, NULL, NULL, NULL, NULL },
  /* Gmail 5.7.1 by its wording (support.google.com/a/answer/3726730): only
   * "likely unsolicited" and "low reputation" get a form. */
  { "Gmail 5.7.1 likely unsolicited",
    "google", NULL, 550, "5.7.1",
    "550-5.7.1 Our system has detected that this message is likely unsolicited mail. gsmtp",
    NULL, NULL, NULL,
    "gmail-5.7.1-unsolicited", MD_CHANNEL_FORM, "gmail-form", NULL,
    "https://support.google.com/mail/troubleshooter/2696779", "en" },
  { "Gmail 5.7.1 very low reputation of the sending domain",
    "google", NULL, 550, "5.7.1",
    "550 5.7.1 This message is likely suspicious due to the very low reputation of the sending "
    "domain. gsmtp", NULL, NULL, NULL,
    "gmail-5.7.1-unsolicited", MD_CHANNEL_FORM, "gmail-form", NULL,
    "https://support.google.com/mail/troubleshooter/2696779", "en" },
  { "Gmail 5.7.1 recipient domain policy",
    "google", NULL, 550, "5.7.1",
    "550 5.7.1 The user or domain that you are sending to (or from) has a policy that prohibits "
    "the email that you sent. Contact your domain administrator for assistance. gsmtp",
    NULL, NULL, NULL,
    "gmail-5.7.1-policy", MD_CHANNEL_RECIPIENT, NULL, NULL, NULL, NULL },
  { "Gmail 5.7.1 RFC 5322 header fault",
    "google", NULL, 550, "5.7.1",
    "550 5.7.1 This message is not RFC 5322 compliant because it has duplicate headers. gsmtp",
    NULL, NULL, NULL,
    "gmail-5.7.1-headers", MD_CHANNEL_NONE, NULL, NULL, NULL, NULL },
  { "Gmail 5.7.1 IPv6 PTR and authentication",
    "google", NULL, 550, "5.7.1",
    "550 5.7.1 This message does not meet IPv6 sending guidelines regarding PTR records and "
    "authentication. gsmtp", NULL, NULL, NULL,
    "gmail-5.7.1-ipv6", MD_CHANNEL_NONE, NULL, NULL, NULL, NULL },
  { "Gmail 5.7.1 use your provider's relay",
    "google", NULL, 550, "5.7.1",
    "550 5.7.1 The IP you're using to send email is not authorized to send email directly to our "
    "servers. Use the SMTP relay at your service provider instead. gsmtp", NULL, NULL, NULL,
    "gmail-5.7.1-relay", MD_CHANNEL_NONE, NULL, NULL, NULL, NULL },
  { "Gmail other 5.7.1",
    "google", NULL, 550, "5.7.1",
    "550 5.7.1 This email has been rate limited. gsmtp", NULL, NULL, NULL,
    "gmail-5.7.1", MD_CHANNEL_FORM, "gmail-form", NULL,
    "https://support.google.com/mail/troubleshooter/2696779", "en" },
  /* Gmail's sender-requirement codes (snapshot of 3726730, 2026-02-15). */
  { "Gmail 4.7.23 PTR",
    "google", NULL, 451, "4.7.23",
    "451 4.7.23 The sending IP address for this message doesn't have a PTR record. gsmtp",
    NULL, NULL, NULL, "gmail-ptr", MD_CHANNEL_NONE, NULL, NULL, NULL, NULL },
  { "Gmail 5.7.27 SPF",
    "google", NULL, 550, "5.7.27",
    "550 5.7.27 Authentication results: SPF with ip-address = did not pass. gsmtp",
    NULL, NULL, NULL, "gmail-4.7.27", MD_CHANNEL_NONE, NULL, NULL, NULL, NULL },
  { "Gmail 5.7.28 blocked",
    "google", NULL, 550, "5.7.28",
    "550 5.7.28 There is an unusual rate of unsolicited email originating from your IP address. "
    "gsmtp", NULL, NULL, NULL, "gmail-4.7.28", MD_CHANNEL_FORM, "gmail-form", NULL,
    "https://support.google.com/mail/troubleshooter/2696779", "en" },
  { "Gmail 4.7.29 TLS",
    "google", NULL, 421, "4.7.29", "421 4.7.29 Your email has been rate limited because you're "
    "not using a TLS connection. gsmtp", NULL, NULL, NULL,
    "gmail-tls", MD_CHANNEL_NONE, NULL, NULL, NULL, NULL },
  { "Gmail 5.7.29 TLS",
    "google", NULL, 550, "5.7.29", "550 5.7.29 This message was blocked because it wasn't sent "
    "over a TLS connection. gsmtp", NULL, NULL, NULL,
    "gmail-tls", MD_CHANNEL_NONE, NULL, NULL, NULL, NULL },
  { "Gmail 4.7.30 DKIM",
    "google", NULL, 421, "4.7.30", "421 4.7.30 Authentication results: DKIM = Did not pass. gsmtp",
    NULL, NULL, NULL, "gmail-dkim", MD_CHANNEL_NONE, NULL, NULL, NULL, NULL },
  { "Gmail 5.7.30 DKIM",
    "google", NULL, 550, "5.7.30", "550 5.7.30 Authentication results: DKIM = did not pass. gsmtp",
    NULL, NULL, NULL, "gmail-dkim", MD_CHANNEL_NONE, NULL, NULL, NULL, NULL },
  { "Gmail 4.7.31 DMARC record (FAQ)",
    "google", NULL, 421, "4.7.31", "421 4.7.31 Gmail requires all bulk email senders to add a "
    "DMARC record to their sending domain. gsmtp", NULL, NULL, NULL,
    "gmail-dmarc-record", MD_CHANNEL_NONE, NULL, NULL, NULL, NULL },
  { "Gmail 4.7.40 DMARC record",
    "google", NULL, 421, "4.7.40", "421 4.7.40 Your email has been rate limited because the "
    "sending domain doesn't have a DMARC record. gsmtp", NULL, NULL, NULL,
    "gmail-dmarc-record", MD_CHANNEL_NONE, NULL, NULL, NULL, NULL },
  { "Gmail 550 5.7.40 DMARC record",
    "google", NULL, 550, "5.7.40", "550 5.7.40 Gmail requires all bulk email senders to add a "
    "DMARC record to their sending domain. gsmtp", NULL, NULL, NULL,
    "gmail-dmarc-record", MD_CHANNEL_NONE, NULL, NULL, NULL, NULL },
  { "Gmail 504 5.7.40 is an authentication type, not DMARC",
    "google", NULL, 504, "5.7.40", "504 5.7.40 Unrecognized authentication type. gsmtp",
    NULL, NULL, NULL, "generic-5.7.x", MD_CHANNEL_NONE, NULL, NULL, NULL, NULL },
  { "Gmail 4.7.32 alignment",
    "google", NULL, 421, "4.7.32", "421 4.7.32 Your email has been rate limited because the From: "
    "header (RFC5322) in this message isn't aligned. gsmtp", NULL, NULL, NULL,
    "gmail-alignment", MD_CHANNEL_NONE, NULL, NULL, NULL, NULL },
  { "Gmail 5.7.32 alignment",
    "google", NULL, 550, "5.7.32", "550 5.7.32 Your email was blocked because the From: header "
    "(RFC5322) in this message isn't aligned. gsmtp", NULL, NULL, NULL,
    "gmail-alignment", MD_CHANNEL_NONE, NULL, NULL, NULL, NULL },
  /* Microsoft corrections (NDR table, ms.date 03/08/2024; 5.7.700-750 page). */
  { "5.7.800 sender domain banned",
    "microsoft", "exchange-online", 550, "5.7.800",
    "550 5.7.800 Access denied, banned sender. AS(9200)", "AS(9200)", NULL, NULL,
    "microsoft-5.7.800", MD_CHANNEL_RECIPIENT, NULL, NULL, NULL, NULL },
  { "5.7.708 is the tenant's own outbound mail",
    "microsoft", "exchange-online", 550, "5.7.708",
    "550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP. "
    "AS(8561)", "AS(8561)", NULL, NULL,
    "microsoft-5.7.708", MD_CHANNEL_PORTAL, NULL, NULL, "https://admin.microsoft.com/", NULL },
  /* Apple (support.apple.com 102322). */
  { "Apple iCloud 5.7.1",
    "apple", NULL, 554, "5.7.1",
    "554 5.7.1 [CS01] Message rejected due to local policy. Please visit "
    "https://support.apple.com/en-us/HT204137", "CS01", NULL,
    "https://support.apple.com/en-us/HT204137",
    "apple-icloud", MD_CHANNEL_EMAIL, "apple-icloud-mail", "icloudadmin@apple.com",
    "https://support.apple.com/en-us/102322", "en" },
  /* Comcast (postmaster.comcast.net/mail-error-codes.html). */
  { "Comcast BL000000 own list",
    "comcast", NULL, 554, NULL,
    "554 resimta-ch2-18v.sys.comcast.net resimta-ch2-18v.sys.comcast.net 192.0.2.44 found on one "
    "or more DNSBLs, see http://postmaster.comcast.net/smtp-error-codes.php#BL000000",
    "BL000000", NULL, "http://postmaster.comcast.net/smtp-error-codes.php#BL000000",
    "comcast-bl000000", MD_CHANNEL_FORM, "comcast-form", NULL,
    "https://postmaster.comcast.net/block-removal-request.html", "en" },
  { "Comcast BL000001 Spamhaus ZEN",
    "comcast", NULL, 554, NULL,
    "554 192.0.2.44 found on one or more DNSBLs [BL000001]", "BL000001", NULL, NULL,
    "comcast-bl000001", MD_CHANNEL_PORTAL, "spamhaus-removal", NULL,
    "https://check.spamhaus.org/", "en" },
  { "Comcast BL000010 Cloudmark CSI",
    "comcast", NULL, 554, NULL,
    "554 192.0.2.44 found on one or more DNSBLs [BL000010]", "BL000010", NULL, NULL,
    "comcast-bl000010", MD_CHANNEL_PORTAL, "cloudmark-reset", NULL,
    "https://csi.cloudmark.com/en/reset/", "en" },
  { "Comcast BL000100 Sender Score",
    "comcast", NULL, 554, NULL,
    "554 192.0.2.44 found on one or more DNSBLs [BL000100]", "BL000100", NULL, NULL,
    "comcast-bl000100", MD_CHANNEL_PORTAL, "senderscore-removal", NULL,
    "https://www.senderscore.org/", "en" },
  { "Cloudmark CSI at another receiver",
    NULL, NULL, 550, "5.3.2",
    "550 5.3.2 system not accepting network messages 192.0.2.44 is listed on Cloudmark CSI-Global",
    NULL, NULL, NULL,
    "cloudmark-listed", MD_CHANNEL_PORTAL, "cloudmark-reset", NULL,
    "https://csi.cloudmark.com/en/reset/", "en" },
  { "Validity Sender Score RPBL at another receiver",
    NULL, NULL, 550, "5.7.1",
    "550 5.7.1 Rejected: 192.0.2.44 listed at bl.score.senderscore.com", NULL, NULL, NULL,
    "senderscore-listed", MD_CHANNEL_PORTAL, "senderscore-removal", NULL,
    "https://www.senderscore.org/", "en" },
  { "Spamhaus SBL: the network owner resolves it",
    NULL, NULL, 554, "5.7.1",
    "554 5.7.1 Service unavailable; Client host [192.0.2.44] blocked using sbl.spamhaus.org SBL",
    NULL, NULL, NULL,
    "spamhaus-sbl", MD_CHANNEL_PORTAL, "spamhaus-removal", NULL, "https://check.spamhaus.org/",
    "en" },
  { "Yahoo TSS04: the error-code page is not the form",
    "yahoo", NULL, 421, "4.7.0",
    "421 4.7.0 [TSS04] Messages from 203.0.113.7 temporarily deferred due to unexpected volume "
    "or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes", "TSS04",
    NULL, "https://postmaster.yahooinc.com/error-codes",
    "yahoo-tss04", MD_CHANNEL_FORM, "yahoo-form", NULL,
    "https://senders.yahooinc.com/contact/#sender-support-request", "en" },
  { "Yahoo TSS06",
    "yahoo", NULL, 553, "5.7.2",
    "553 5.7.2 [TSS06] All messages from 203.0.113.7 will be permanently deferred; Retrying will "
    "NOT succeed.", NULL, NULL, NULL,
    "yahoo-tss06", MD_CHANNEL_FORM, "yahoo-form", NULL,
    "https://senders.yahooinc.com/contact/#sender-support-request", "en" },
  { "GMX r0201 with its case URL",
    "gmx", NULL, 554, NULL,
    "554-gmx.net (mxgmx104) Nemesis ESMTP Service not available 554-No SMTP service 554-IP "
    "address is block listed. 554 For explanation visit "
    "https://postmaster.gmx.net/en/case?c=r0201&i=ip&v=203.0.113.7&r=0MA1", NULL, NULL,
    "https://postmaster.gmx.net/en/case?c=r0201&i=ip&v=203.0.113.7&r=0MA1",
    "gmx-r0201", MD_CHANNEL_FORM, "gmx-form", NULL,
    "https://postmaster.gmx.net/en/case?c=r0201&i=ip&v=203.0.113.7&r=0MA1", "en" },
  { "web.de rdns without a contact: web.de's own contact page",
    "web.de", NULL, 554, NULL,
    "554-web.de (mxweb112) Nemesis ESMTP Service not available 554-No SMTP service 554-Bad DNS "
    "PTR resource record. 554 For explanation visit https://postmaster.web.de/en/case?c=rdns",
    NULL, NULL, NULL,
    "gmx-rdns", MD_CHANNEL_FORM, "gmx-form", NULL, "https://postmaster.web.de/en/contact", "en" },
  { "GMX hi",
    "gmx", NULL, 554, NULL,
    "554-Reject due to policy restrictions. 554 For explanation visit "
    "https://postmaster.gmx.net/en/case?c=hi&i=ip&v=203.0.113.7", NULL, NULL,
    "https://postmaster.gmx.net/en/case?c=hi&i=ip&v=203.0.113.7",
    "gmx-hi", MD_CHANNEL_FORM, "gmx-form", NULL,
    "https://postmaster.gmx.net/en/case?c=hi&i=ip&v=203.0.113.7", "en" },
  { "IONOS invalid PTR",
    "ionos", NULL, 554, NULL,
    "554-kundenserver.de (mxeue010) Nemesis ESMTP Service not available 554-No SMTP service "
    "554 invalid DNS PTR resource record", NULL, NULL, NULL,
    "gmx-rdns", MD_CHANNEL_FORM, "gmx-form", NULL, NULL, "en" },
  { "open resolver is the receiver's fault",
    NULL, NULL, 554, "5.7.1",
    "554 5.7.1 Service unavailable; Client host [203.0.113.7] blocked using zen.spamhaus.org; "
    "Error: open resolver; https://check.spamhaus.org/returnc/pub/198.51.100.1/", NULL, NULL,
    "https://check.spamhaus.org/returnc/pub/198.51.100.1/",
    "spamhaus-open-resolver", MD_CHANNEL_RECIPIENT, NULL, NULL, NULL, NULL },
  { "open resolver beats the Microsoft Spamhaus entry",
    "microsoft", "exchange-online", 550, "5.7.1",
    "550 5.7.1 Service unavailable, Client host [203.0.113.7] blocked using Spamhaus. "
    "Error: open resolver; https://check.spamhaus.org/returnc/pub/40.93.207.0/ (AS3130)", NULL,
    NULL, NULL,
    "spamhaus-open-resolver", MD_CHANNEL_RECIPIENT, NULL, NULL, NULL, NULL },
  { "Spamhaus at any receiver",
    NULL, NULL, 554, "5.7.1",
    "554 5.7.1 Service unavailable; Client host [203.0.113.7] blocked using zen.spamhaus.org; "
    "https://check.spamhaus.org/listed/?searchterm=203.0.113.7", NULL, NULL,
    "https://check.spamhaus.org/listed/?searchterm=203.0.113.7",
    "spamhaus-listed", MD_CHANNEL_PORTAL, "spamhaus-removal", NULL,
    "https://check.spamhaus.org/listed/?searchterm=203.0.113.7", "en" },
  { "Spamhaus PBL",
    NULL, NULL, 554, "5.7.1",
    "554 5.7.1 Service unavailable; Client host [203.0.113.7] blocked using pbl.spamhaus.org",
    NULL, NULL, NULL,
    "spamhaus-pbl", MD_CHANNEL_PORTAL, "spamhaus-removal", NULL, "https://check.spamhaus.org/",
    "en" },
  { "SORBS no longer exists",
    NULL, NULL, 554, "5.7.1",
    "554 5.7.1 Client host [203.0.113.7] blocked using dnsbl.sorbs.net", NULL, NULL, NULL,
    "sorbs-shut-down", MD_CHANNEL_RECIPIENT, NULL, NULL, NULL, NULL },
  { "NiX Spam no longer exists",
    NULL, NULL, 554, "5.7.1",
    "554 5.7.1 Service unavailable; Client host [203.0.113.7] blocked using ix.dnsbl.manitu.net",
    NULL, NULL, NULL,
    "nixspam-shut-down", MD_CHANNEL_RECIPIENT, NULL, NULL, NULL, NULL },
  { "RFC 7372 5.7.25 at an unknown receiver",
    NULL, NULL, 550, "5.7.25", "550 5.7.25 Reverse DNS validation failed", NULL, NULL, NULL,
    "generic-5.7.25", MD_CHANNEL_NONE, NULL, NULL, NULL, NULL },
  { "generic 5.1.x",
    NULL, NULL, 550, "5.1.1", "550 5.1.1 <nobody@example.com>: Recipient address rejected: "
    "User unknown in virtual mailbox table", NULL, NULL, NULL,
    "generic-5.1.x", MD_CHANNEL_NONE, NULL, NULL, NULL, NULL },
  { "generic 5.2.x",
    NULL, NULL, 552, "5.2.2", "552 5.2.2 Mailbox full", NULL, NULL, NULL,
    "generic-5.2.x", MD_CHANNEL_RECIPIENT, NULL, NULL, NULL, NULL },
  { "generic 5.7.x",
    NULL, NULL, 550, "5.7.0", "550 5.7.0 Rejected", NULL, NULL, NULL,
    "generic-5.7.x", MD_CHANNEL_NONE, NULL, NULL, NULL, NULL },
  { "generic temporary by status",
    NULL, NULL, 450, "4.2.0", "450 4.2.0 Try again later", NULL, NULL, NULL,
    "generic-4.x.x", MD_CHANNEL_NONE, NULL, NULL, NULL, NULL },
  { "generic temporary by reply code only",
    NULL, NULL, 421, NULL, "421 Service not available, closing channel", NULL, NULL, NULL,
    "generic-4.x.x", MD_CHANNEL_NONE, NULL, NULL, NULL, NULL },
  { "generic permanent by reply code only",
    NULL, NULL, 554, NULL, "554 Transaction failed", NULL, NULL, NULL,
    "generic-5.x.x", MD_CHANNEL_NONE, NULL, NULL, NULL, NULL },
  { "last resort",
    NULL, NULL, 0, NULL, "connection timed out", NULL, NULL, NULL,
    "generic-unknown", MD_CHANNEL_NONE, NULL, NULL, NULL, NULL },
};

static MdRejection *
rejection_from_case (const MatchCase *c)
{
  MdRejection *rejection = md_rejection_new ();

  rejection->provider = g_strdup (c->provider);
  rejection->service = g_strdup (c->service);
  rejection->smtp_code = c->smtp_code;
  rejection->enhanced_status = g_strdup (c->status);
  rejection->temporary = c->smtp_code / 100 == 4;
  rejection->text = g_strdup (c->text);
  if (c->reference != NULL)
    {
      g_strfreev (rejection->references);
      rejection->references = g_strsplit (c->reference, ",", -1);
    }
  if (c->emails != NULL)
    {
      g_auto(GStrv) emails = g_strsplit (c->emails, ",", -1);

      for (guint i = 0; emails[i] != NULL; i++)
        md_rejection_add_contact (rejection, MD_CONTACT_EMAIL, emails[i]);
    }
  if (c->urls != NULL)
    {
      g_auto(GStrv) urls = g_strsplit (c->urls, ",", -1);

      for (guint i = 0; urls[i] != NULL; i++)
        md_rejection_add_contact (rejection, MD_CONTACT_URL, urls[i]);
    }

  return rejection;
}

static const MatchCase *
find_case (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (match_cases); i++)
    if (g_str_equal (match_cases[i].name, name))
      return &match_cases[i];
  g_assert_not_reached ();
}

static void
test_resource_loads (void)
{
  MdKnowledge *knowledge = md_knowledge_get_default ();
  g_auto(GStrv) ids = NULL;

  g_assert_nonnull (knowledge);
  g_assert_cmpuint (md_knowledge_get_n_entries (knowledge), >=, 45);

  ids = md_knowledge_dup_ids (knowledge);
  g_assert_cmpuint (g_strv_length (ids), ==, md_knowledge_get_n_entries (knowledge));
  g_assert_true (g_strv_contains ((const char * const *) ids, "microsoft-5.7.511"));
  g_assert_true (g_strv_contains ((const char * const *) ids, "generic-unknown"));
}

static void
test_entries_complete (void)
{
  MdKnowledge *knowledge = md_knowledge_get_default ();
  g_auto(GStrv) ids = md_knowledge_dup_ids (knowledge);

  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(MdExplanation) e = md_knowledge_lookup (knowledge, ids[i]);

      g_test_message ("entry %s", ids[i]);
      g_assert_nonnull (e);
      g_assert_cmpstr (e->id, ==, ids[i]);
      g_assert_cmpuint (strlen (e->title), >, 0);
      g_assert_cmpuint (strlen (e->meaning), >, 0);
      g_assert_cmpuint (strlen (e->cause), >, 0);
      g_assert_cmpuint (g_strv_length (e->remedy), >=, 1);
      for (guint j = 0; e->remedy[j] != NULL; j++)
        g_assert_cmpuint (strlen (e->remedy[j]), >, 0);
      g_assert_nonnull (e->pitfalls);
      g_assert_nonnull (e->source);
      g_assert_cmpuint (strlen (e->source), >, 0);

      if (e->channel_id != NULL)
        {
          g_assert_true (g_strv_contains (allowed_channel_ids, e->channel_id));
          /* A draft needs somewhere to go and a language to be written in. */
          g_assert_true (e->channel_kind == MD_CHANNEL_EMAIL ||
                         e->channel_kind == MD_CHANNEL_PORTAL ||
                         e->channel_kind == MD_CHANNEL_FORM);
          g_assert_true (e->channel_address != NULL || e->channel_url != NULL);
          g_assert_true (g_strcmp0 (e->channel_language, "en") == 0 ||
                         g_strcmp0 (e->channel_language, "de") == 0);
        }
      if (e->channel_kind == MD_CHANNEL_NONE || e->channel_kind == MD_CHANNEL_RECIPIENT)
        {
          g_assert_null (e->channel_id);
          g_assert_null (e->channel_address);
          g_assert_null (e->channel_url);
          g_assert_null (e->channel_language);
        }
    }

  g_assert_null (md_knowledge_lookup (knowledge, "no-such-entry"));
}

static void
test_matching (void)
{
  MdKnowledge *knowledge = md_knowledge_get_default ();

  for (guint i = 0; i < G_N_ELEMENTS (match_cases); i++)
    {
      const MatchCase *c = &match_cases[i];
      g_autoptr(MdRejection) rejection = rejection_from_case (c);
      g_autoptr(MdExplanation) e = md_knowledge_explain (knowledge, rejection);

      g_test_message ("case: %s", c->name);
      g_assert_cmpstr (e->id, ==, c->id);
      g_assert_cmpstr (md_channel_kind_to_string (e->channel_kind), ==,
                       md_channel_kind_to_string (c->kind));
      g_assert_cmpstr (e->channel_id, ==, c->channel_id);
      g_assert_cmpstr (e->channel_address, ==, c->address);
      g_assert_cmpstr (e->channel_url, ==, c->url);
      g_assert_cmpstr (e->channel_language, ==, c->language);
    }
}

static void
test_json (void)
{
  MdKnowledge *knowledge = md_knowledge_get_default ();
  g_autoptr(MdRejection) rejection = rejection_from_case (&match_cases[0]);
  g_autoptr(MdExplanation) e = md_knowledge_explain (knowledge, rejection);
  g_autoptr(MdExplanation) other = md_knowledge_lookup (knowledge, "microsoft-5.7.1-other");
  g_autoptr(JsonNode) node = md_explanation_to_json (e);
  g_autoptr(JsonNode) other_node = md_explanation_to_json (other);
  g_autoptr(GList) members = NULL;
  JsonObject *object = json_node_get_object (node);
  JsonObject *channel;
  JsonArray *remedy;
  const char *expected[] = { "cause", "channel", "id", "meaning", "pitfalls", "remedy",
                             "response_time", "title", NULL };
  guint n = 0;

  members = g_list_sort (json_object_get_members (object), (GCompareFunc) g_strcmp0);
  for (GList *l = members; l != NULL; l = l->next, n++)
    g_assert_cmpstr (l->data, ==, expected[n]);
  g_assert_null (expected[n]);

  g_assert_cmpstr (json_object_get_string_member (object, "id"), ==, "microsoft-5.7.511");
  g_assert_cmpstr (json_object_get_string_member (object, "title"), ==,
                   "Microsoft: IP banned, removal by mail only (5.7.511)");
  g_assert_cmpstr (json_object_get_string_member (object, "response_time"), ==,
                   "Microsoft says it will reply within 48 hours with the next steps.");
  remedy = json_object_get_array_member (object, "remedy");
  g_assert_cmpuint (json_array_get_length (remedy), ==, g_strv_length (e->remedy));
  g_assert_cmpstr (json_array_get_string_element (remedy, 0), ==, e->remedy[0]);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "pitfalls")),
                    ==, 8);
  channel = json_object_get_object_member (object, "channel");
  g_assert_cmpuint (json_object_get_size (channel), ==, 5);
  g_assert_cmpstr (json_object_get_string_member (channel, "cc"), ==, "delist@microsoft.com");
  g_assert_cmpstr (json_object_get_string_member (channel, "kind"), ==, "email");
  g_assert_cmpstr (json_object_get_string_member (channel, "address"), ==,
                   "delist@messaging.microsoft.com");
  g_assert_cmpstr (json_object_get_string_member (channel, "language"), ==, "en");

  /* Unknowns are null, not missing and not "". */
  object = json_node_get_object (other_node);
  g_assert_true (json_node_is_null (json_object_get_member (object, "response_time")));
  channel = json_object_get_object_member (object, "channel");
  g_assert_cmpstr (json_object_get_string_member (channel, "kind"), ==, "recipient");
  g_assert_true (json_node_is_null (json_object_get_member (channel, "address")));
  g_assert_true (json_node_is_null (json_object_get_member (channel, "url")));
  g_assert_true (json_node_is_null (json_object_get_member (channel, "language")));
}

static MdKnowledge *
load_snippet (const char  *xml,
              GError     **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (xml, strlen (xml));

  return md_knowledge_new_from_bytes (bytes, error);
}

#define ENTRY_HEAD "<maildoctor-data><entry id=\"x\" priority=\"5\"><source>test</source>"
#define ENTRY_BODY \
  "<title translatable=\"yes\">T</title><meaning translatable=\"yes\">M</meaning>" \
  "<cause translatable=\"yes\">C</cause><remedy translatable=\"yes\">R</remedy>"
#define ENTRY_TAIL "</entry></maildoctor-data>"

static void
test_malformed (void)
{
  static const struct { const char *xml; const char *needle; } invalid[] = {
    { ENTRY_HEAD "<match/>" ENTRY_BODY "<channel kind=\"none\"/>" ENTRY_TAIL "<entry>", NULL },
    { ENTRY_HEAD "<match/>" ENTRY_BODY ENTRY_TAIL, "<channel>" },
    { ENTRY_HEAD "<match/><title translatable=\"yes\">T</title>"
      "<channel kind=\"none\"/>" ENTRY_TAIL, "<meaning>" },
    { ENTRY_HEAD ENTRY_BODY "<channel kind=\"none\"/>" ENTRY_TAIL, "<match>" },
    { ENTRY_HEAD "<match/>" ENTRY_BODY "<channel kind=\"email\" id=\"fax-machine\"/>" ENTRY_TAIL,
      "fax-machine" },
    { ENTRY_HEAD "<match/>" ENTRY_BODY "<channel kind=\"pigeon\"/>" ENTRY_TAIL, "pigeon" },
    { ENTRY_HEAD "<match><status>5.7</status></match>" ENTRY_BODY "<channel kind=\"none\"/>"
      ENTRY_TAIL, "5.7" },
    { ENTRY_HEAD "<match><status>5.7.649-5.7.606</status></match>" ENTRY_BODY
      "<channel kind=\"none\"/>" ENTRY_TAIL, "5.7.649-5.7.606" },
    { ENTRY_HEAD "<match><code>5x0</code></match>" ENTRY_BODY "<channel kind=\"none\"/>"
      ENTRY_TAIL, "5x0" },
    { ENTRY_HEAD "<match/><title>T</title>" ENTRY_TAIL, "translatable" },
    { ENTRY_HEAD "<match/>" ENTRY_BODY "<channel kind=\"none\"/><colour>red</colour>" ENTRY_TAIL,
      "<colour>" },
    { "<blocklists/>", "<maildoctor-data>" },
    { ENTRY_HEAD "<match/>" ENTRY_BODY "<channel kind=\"none\"/></entry>"
      "<entry id=\"x\" priority=\"1\"></entry></maildoctor-data>", "“x”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MdKnowledge) knowledge = load_snippet (invalid[i].xml, &error);

      g_test_message ("snippet %u: %s", i, invalid[i].xml);
      g_assert_null (knowledge);
      g_assert_nonnull (error);
      if (invalid[i].needle != NULL)
        {
          g_assert_error (error, MD_KNOWLEDGE_ERROR, MD_KNOWLEDGE_ERROR_INVALID);
          g_assert_nonnull (strstr (error->message, invalid[i].needle));
        }
      g_assert_true (g_str_has_prefix (error->message, "Invalid knowledge base"));
    }

  /* Not well-formed XML: GMarkup's error, with our prefix and its position. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(MdKnowledge) knowledge =
      load_snippet (ENTRY_HEAD "<match/><title translatable=\"yes\">T</titel>", &error);

    g_assert_null (knowledge);
    g_assert_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_PARSE);
    g_assert_true (g_str_has_prefix (error->message, "Invalid knowledge base: "));
    g_assert_nonnull (strstr (error->message, "line 1"));
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(MdKnowledge) knowledge = load_snippet ("", &error);

    g_assert_null (knowledge);
    g_assert_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_EMPTY);
  }
}

static void
test_snippet (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdKnowledge) knowledge = load_snippet (
    ENTRY_HEAD "<match><provider>example</provider><text>Go away</text></match>" ENTRY_BODY
    "<channel kind=\"email\" id=\"t-online-mail\" language=\"de\">"
    "<address>default@example.net</address><address-domain>example.net</address-domain>"
    "</channel>" ENTRY_TAIL, &error);
  g_autoptr(MdRejection) hit = md_rejection_new ();
  g_autoptr(MdRejection) miss = md_rejection_new ();
  g_autoptr(MdExplanation) e = NULL;
  g_autoptr(MdExplanation) fallback = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (md_knowledge_get_n_entries (knowledge), ==, 1);

  hit->provider = g_strdup ("Example");
  hit->text = g_strdup ("550 GO\n   AWAY, write to postmaster@mx.example.net");
  md_rejection_add_contact (hit, MD_CONTACT_EMAIL, "someone@example.com");
  md_rejection_add_contact (hit, MD_CONTACT_EMAIL, "postmaster@mx.example.net");
  e = md_knowledge_explain (knowledge, hit);
  g_assert_cmpstr (e->id, ==, "x");
  g_assert_cmpstr (e->channel_address, ==, "postmaster@mx.example.net");
  g_assert_cmpstr (e->channel_language, ==, "de");

  /* The rejected recipient, quoted in the text, is not where to write. */
  g_free (hit->recipient);
  hit->recipient = g_strdup ("Postmaster@mx.example.net");
  g_clear_pointer (&e, md_explanation_free);
  e = md_knowledge_explain (knowledge, hit);
  g_assert_cmpstr (e->id, ==, "x");
  g_assert_cmpstr (e->channel_address, ==, "default@example.net");

  /* Not even a catch-all in this base: still an explanation, never NULL. */
  miss->text = g_strdup ("550 Go away");
  fallback = md_knowledge_explain (knowledge, miss);
  g_assert_cmpstr (fallback->id, ==, "generic-unknown");
  g_assert_cmpuint (fallback->channel_kind, ==, MD_CHANNEL_NONE);
}

/* The translation catalog holding our strings: the helper's fragment while it
 * exists, de.po once the fragment has been merged. */
static char *
find_po_file (void)
{
  const char *root = g_getenv ("MD_SOURCE_ROOT");
  g_autofree char *fragment = NULL;

  if (root == NULL)
    return NULL;
  fragment = g_build_filename (root, "po", "fragments", "knowledge.po", NULL);
  if (g_file_test (fragment, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&fragment);

  return g_build_filename (root, "po", "de.po", NULL);
}

static void
spawn_ok (const char * const *argv,
          const char * const *envp)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, (char **) envp, G_SPAWN_SEARCH_PATH, NULL, NULL,
                &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed:\n%s%s", argv[0], out, err);
}

static void
test_translations (void)
{
  const char *root = g_getenv ("MD_SOURCE_ROOT");
  g_autofree char *po = find_po_file ();
  g_autofree char *xml = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *mo_dir = NULL;
  g_autofree char *mo = NULL;
  g_autofree char *pot = NULL;
  g_autofree char *its_dir = NULL;
  g_auto(GStrv) envp = NULL;
  g_auto(GStrv) ids = NULL;
  MdKnowledge *knowledge = md_knowledge_get_default ();
  g_autoptr(GError) error = NULL;
  g_autofree char *msgfmt = g_find_program_in_path ("msgfmt");
  g_autofree char *xgettext = g_find_program_in_path ("xgettext");
  g_autofree char *msgcmp = g_find_program_in_path ("msgcmp");

  if (root == NULL || msgfmt == NULL || xgettext == NULL || msgcmp == NULL)
    {
      g_test_skip ("needs MD_SOURCE_ROOT and gettext's msgfmt, xgettext and msgcmp");
      return;
    }

  tmp = g_dir_make_tmp ("md-knowledge-XXXXXX", &error);
  g_assert_no_error (error);
  mo_dir = g_build_filename (tmp, "de", "LC_MESSAGES", NULL);
  g_assert_cmpint (g_mkdir_with_parents (mo_dir, 0700), ==, 0);
  mo = g_build_filename (mo_dir, GETTEXT_PACKAGE ".mo", NULL);
  pot = g_build_filename (tmp, "knowledge.pot", NULL);
  xml = g_build_filename (root, "resources", "data", "knowledge.xml", NULL);
  its_dir = g_build_filename (root, "po", NULL);

  /* Every msgid xgettext extracts from knowledge.xml (with our ITS rules)
   * is translated in the catalog. */
  envp = g_environ_setenv (g_get_environ (), "GETTEXTDATADIRS", its_dir, TRUE);
  spawn_ok ((const char *[]) { "xgettext", "--from-code=UTF-8", "-o", pot, xml, NULL },
            (const char * const *) envp);
  spawn_ok ((const char *[]) { "msgcmp", po, pot, NULL }, (const char * const *) envp);
  spawn_ok ((const char *[]) { "msgfmt", "-c", "-o", mo, po, NULL }, (const char * const *) envp);

  /* The engine translates at explain time: switch the language at run time
   * and every text of every entry comes out German. */
  ids = md_knowledge_dup_ids (knowledge);
  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(MdExplanation) en = NULL;
      g_autoptr(MdExplanation) de = NULL;

      bindtextdomain (GETTEXT_PACKAGE, tmp);
      g_setenv ("LANGUAGE", "en", TRUE);
      setlocale (LC_ALL, "");
      en = md_knowledge_lookup (knowledge, ids[i]);
      g_setenv ("LANGUAGE", "de", TRUE);
      setlocale (LC_ALL, "");
      de = md_knowledge_lookup (knowledge, ids[i]);

      g_test_message ("entry %s", ids[i]);
      g_assert_cmpstr (en->title, !=, de->title);
      g_assert_cmpstr (en->meaning, !=, de->meaning);
      g_assert_cmpstr (en->cause, !=, de->cause);
      if (en->response_time != NULL)
        g_assert_cmpstr (en->response_time, !=, de->response_time);
      else
        g_assert_null (de->response_time);
      g_assert_cmpuint (g_strv_length (en->remedy), ==, g_strv_length (de->remedy));
      for (guint j = 0; en->remedy[j] != NULL; j++)
        g_assert_cmpstr (en->remedy[j], !=, de->remedy[j]);
      g_assert_cmpuint (g_strv_length (en->pitfalls), ==, g_strv_length (de->pitfalls));
      for (guint j = 0; en->pitfalls[j] != NULL; j++)
        g_assert_cmpstr (en->pitfalls[j], !=, de->pitfalls[j]);
      /* Ids, addresses and the receiver's language do not follow the UI. */
      g_assert_cmpstr (en->id, ==, de->id);
      g_assert_cmpstr (en->channel_address, ==, de->channel_address);
      g_assert_cmpstr (en->channel_language, ==, de->channel_language);
    }

  /* German UI: T-Online's explanation in German, and its channel reads German;
   * Microsoft's explanation in German, but the channel still reads English. */
  {
    g_autoptr(MdRejection) t_online = rejection_from_case (find_case ("T-Online (BL) in German"));
    g_autoptr(MdRejection) seed = rejection_from_case (&match_cases[0]);
    g_autoptr(MdExplanation) t = md_knowledge_explain (knowledge, t_online);
    g_autoptr(MdExplanation) m = md_knowledge_explain (knowledge, seed);

    g_assert_cmpstr (t->id, ==, "t-online-bl");
    g_assert_cmpstr (t->title, ==, "T-Online: IP-Adresse gesperrt (BL)");
    g_assert_cmpstr (t->channel_language, ==, "de");
    g_assert_cmpstr (m->title, ==, "Microsoft: IP-Adresse gesperrt, Austragung nur per Mail (5.7.511)");
    g_assert_cmpstr (m->channel_address, ==, "delist@messaging.microsoft.com");
    g_assert_cmpstr (m->channel_language, ==, "en");
  }

  g_setenv ("LANGUAGE", "en", TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  g_remove (mo);
  g_remove (pot);
  g_rmdir (mo_dir);
  mo_dir[strlen (mo_dir) - strlen ("/LC_MESSAGES")] = '\0';
  g_rmdir (mo_dir);
  g_rmdir (tmp);
}

static gboolean
strv_contains_text (char       **strv,
                    const char  *needle)
{
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    if (strstr (strv[i], needle) != NULL)
      return TRUE;
  return FALSE;
}

static MdExplanation *
explain_case (const char *name)
{
  g_autoptr(MdRejection) rejection = rejection_from_case (find_case (name));

  return md_knowledge_explain (md_knowledge_get_default (), rejection);
}

/* Microsoft's NDR table (2024) and its delist pages name delist@microsoft.com;
 * rejections name delist@messaging.microsoft.com. The request goes to the
 * rejection's address with the documented one in copy, never twice the same. */
static void
test_microsoft_delist_addresses (void)
{
  g_autoptr(MdExplanation) seed = explain_case ("seed 5.7.511, address from the text");
  g_autoptr(MdExplanation) bare = explain_case ("5.7.511 without a contact: the current documented address");
  g_autoptr(MdExplanation) blocklist1 = explain_case ("5.7.1 Blocklist 1");
  g_autoptr(MdExplanation) lookup = md_knowledge_lookup (md_knowledge_get_default (),
                                                         "microsoft-5.7.511");

  g_assert_cmpstr (seed->channel_address, ==, "delist@messaging.microsoft.com");
  g_assert_cmpstr (seed->channel_cc, ==, "delist@microsoft.com");
  g_assert_cmpstr (bare->channel_address, ==, "delist@microsoft.com");
  g_assert_null (bare->channel_cc);
  g_assert_cmpstr (lookup->channel_address, ==, "delist@microsoft.com");
  g_assert_null (lookup->channel_cc);
  g_assert_cmpstr (blocklist1->channel_address, ==, "delist@messaging.microsoft.com");
  g_assert_cmpstr (blocklist1->channel_cc, ==, "delist@microsoft.com");

  /* Why, in the pitfalls; and the traps of the motivating case. */
  g_assert_true (strv_contains_text (seed->pitfalls, "with delist@microsoft.com in copy"));
  g_assert_true (strv_contains_text (seed->pitfalls, "If the request bounces, send the follow-up "
                                                     "to delist@microsoft.com."));
  g_assert_true (strv_contains_text (seed->pitfalls, "cannot see Exchange Online Protection"));
  g_assert_true (strv_contains_text (seed->pitfalls, "\"Not qualified for mitigation\" is not an "
                                                     "answer to a 5.7.511 request"));
  g_assert_true (strv_contains_text (seed->pitfalls, "If delist@ has not answered after 48 hours"));
  g_assert_true (strv_contains_text (seed->pitfalls, "another IP or your provider's smarthost"));
  g_assert_true (strv_contains_text (seed->pitfalls, "not the number of your network (ASN)"));
  g_assert_nonnull (strstr (seed->source, "ms.date 03/08/2024"));
  g_assert_nonnull (strstr (seed->source, "#9449"));
}

/* 5.7.800 is first-party now; 5.7.708 is the tenant's own outbound mail. */
static void
test_microsoft_corrections (void)
{
  g_autoptr(MdExplanation) banned = explain_case ("5.7.800 sender domain banned");
  g_autoptr(MdExplanation) tenant = explain_case ("5.7.708 is the tenant's own outbound mail");

  g_assert_nonnull (strstr (banned->meaning, "the EHLO name, the envelope sender or the From "
                                             "domain"));
  g_assert_nonnull (strstr (banned->meaning, "contact Microsoft support"));
  g_assert_null (strstr (banned->meaning, "Unconfirmed"));
  g_assert_nonnull (strstr (banned->source, "The EHLO, P1, or P2 sender domain of this message "
                                            "has been banned due to detected spam activity."));
  g_assert_null (strstr (banned->source, "relaymetry"));
  g_assert_true (strv_contains_text (banned->pitfalls, "AS(1410)"));

  g_assert_cmpstr (tenant->title, ==, "Microsoft 365: your tenant's outgoing mail refused (5.7.708)");
  g_assert_nonnull (strstr (tenant->meaning, "out of your own Microsoft 365 tenant"));
  g_assert_nonnull (strstr (tenant->meaning, "No remote receiver is involved"));
  g_assert_nonnull (strstr (tenant->cause, "often a trial tenant"));
  g_assert_nonnull (strstr (tenant->remedy[0], "ask for an exception"));
  g_assert_null (tenant->channel_id);
}

/* The wrong-team trap of the motivating case, on both sides: Microsoft 365
 * codes warn off the Outlook.com form, Outlook.com's entries say what the
 * form cannot do. */
static void
test_wrong_team (void)
{
  g_autoptr(MdExplanation) portal = explain_case ("5.7.606 to the delist portal");
  g_autoptr(MdExplanation) blocklist1 = explain_case ("5.7.1 Blocklist 1");
  g_autoptr(MdExplanation) s3150 = explain_case ("Outlook.com S3150 to the sender support form");

  g_assert_true (strv_contains_text (portal->pitfalls, "cannot see Exchange Online Protection"));
  g_assert_true (strv_contains_text (portal->pitfalls, "the block is on the IP, not on your domain"));
  g_assert_true (strv_contains_text (blocklist1->pitfalls, "cannot see Exchange Online Protection"));
  g_assert_true (strv_contains_text (s3150->pitfalls, "This form serves Outlook.com (Hotmail, "
                                                      "Live, MSN) only."));
}

/* Gmail's 5.7.1 by its wording, and the sender-requirement codes. */
static void
test_gmail_codes (void)
{
  g_autoptr(MdExplanation) other = explain_case ("Gmail other 5.7.1");
  g_autoptr(MdExplanation) tls = explain_case ("Gmail 5.7.29 TLS");
  g_autoptr(MdExplanation) dmarc = explain_case ("Gmail 4.7.31 DMARC record (FAQ)");

  g_assert_nonnull (strstr (other->meaning, "several causes"));
  g_assert_true (strv_contains_text (tls->pitfalls, "Since November 2025"));
  g_assert_nonnull (strstr (tls->source, "snapshot 2026-02-15"));
  g_assert_true (strv_contains_text (dmarc->pitfalls, "4.7.31"));
  g_assert_nonnull (strstr (dmarc->source, "Starting November 2025"));
}

/* Apple, Comcast, Cloudmark, Validity and Spamhaus SBL/PBL: what the
 * operators' own pages say, and "unconfirmed" where they are not read. */
static void
test_receivers_and_lists (void)
{
  g_autoptr(MdExplanation) apple = explain_case ("Apple iCloud 5.7.1");
  g_autoptr(MdExplanation) comcast = explain_case ("Comcast BL000000 own list");
  g_autoptr(MdExplanation) cloudmark = explain_case ("Cloudmark CSI at another receiver");
  g_autoptr(MdExplanation) validity = explain_case ("Validity Sender Score RPBL at another receiver");
  g_autoptr(MdExplanation) sbl = explain_case ("Spamhaus SBL: the network owner resolves it");
  g_autoptr(MdExplanation) pbl = md_knowledge_lookup (md_knowledge_get_default (), "spamhaus-pbl");

  g_assert_nonnull (strstr (apple->source, "support.apple.com/en-us/102322"));
  g_assert_nonnull (strstr (apple->remedy[1], "company name, mail domain, the sending IPs, the "
                                              "SMTP errors and when the problem started"));
  g_assert_nonnull (strstr (comcast->source, "postmaster.comcast.net/mail-error-codes.html"));
  g_assert_true (strv_contains_text (comcast->pitfalls, "Unconfirmed"));
  g_assert_nonnull (strstr (cloudmark->source, "csi.cloudmark.com/reasons-admin.php"));
  g_assert_nonnull (cloudmark->response_time);
  g_assert_nonnull (strstr (validity->meaning, "Unconfirmed"));
  g_assert_nonnull (strstr (sbl->source, "spamhaus.org/sbl/delistingprocedure/"));
  g_assert_true (strv_contains_text (sbl->pitfalls, "only at the request of the ISP that owns "
                                                    "the IP"));
  g_assert_true (strv_contains_text (pbl->pitfalls, "cannot be removed by the sender"));
}

/* receivers.xml: Microsoft 365's DNSSEC/DANE MX form and the new notes. */
static void
test_receivers_catalog (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) catalog = md_receiver_catalog_load (&error);
  const MdReceiver *r;

  g_assert_no_error (error);
  r = md_receiver_catalog_match (catalog, "example-com.j-v1.mx.microsoft");
  g_assert_nonnull (r);
  g_assert_cmpstr (r->id, ==, "microsoft-365");
  g_assert_nonnull (strstr (r->note, "delist@microsoft.com in copy"));
  g_assert_cmpstr (md_receiver_catalog_match (catalog, "contoso-com.mail.protection.outlook.com")->id,
                   ==, "microsoft-365");
  r = md_receiver_catalog_match (catalog, "mx01.mail.icloud.com");
  g_assert_cmpstr (r->id, ==, "apple");
  g_assert_cmpstr (r->delist, ==, "https://support.apple.com/en-us/102322");
  g_assert_nonnull (strstr (r->note, "icloudadmin@apple.com"));
  r = md_receiver_catalog_match (catalog, "mx1.comcast.net");
  g_assert_cmpstr (r->id, ==, "comcast");
  g_assert_nonnull (strstr (r->note, "BL000010 Cloudmark CSI"));
}

/* One wording per channel kind and per SMTP stage for the window and the
 * CLI; what is not known is said so, never left blank. */
static void
test_labels (void)
{
  MdExplanation explanation = { 0 };
  g_autofree char *mail = NULL;
  g_autofree char *portal = NULL;
  g_autofree char *form = NULL;
  g_autofree char *recipient = NULL;
  g_autofree char *none = NULL;

  explanation.channel_kind = MD_CHANNEL_EMAIL;
  explanation.channel_address = (char *) "delist@messaging.microsoft.com";
  mail = md_explanation_describe_channel (&explanation);
  g_assert_cmpstr (mail, ==, "Request removal by mail to delist@messaging.microsoft.com.");
  explanation.channel_kind = MD_CHANNEL_PORTAL;
  explanation.channel_url = (char *) "https://sender.office.com/";
  portal = md_explanation_describe_channel (&explanation);
  g_assert_cmpstr (portal, ==,
                   "Request removal in the receiver’s portal: https://sender.office.com/");
  explanation.channel_kind = MD_CHANNEL_FORM;
  explanation.channel_url = NULL;
  form = md_explanation_describe_channel (&explanation);
  g_assert_cmpstr (form, ==, "Request removal with the receiver’s web form: —");
  explanation.channel_kind = MD_CHANNEL_RECIPIENT;
  recipient = md_explanation_describe_channel (&explanation);
  g_assert_true (g_str_has_prefix (recipient, "Only the recipient’s mail administrator"));
  explanation.channel_kind = MD_CHANNEL_NONE;
  none = md_explanation_describe_channel (&explanation);
  g_assert_true (g_str_has_prefix (none, "There is nothing to send"));

  g_assert_cmpstr (md_smtp_stage_get_label (MD_SMTP_STAGE_CONNECT), ==,
                   "at connection time (greeting)");
  g_assert_cmpstr (md_smtp_stage_get_label (MD_SMTP_STAGE_END_OF_DATA), ==,
                   "after the message content (end of DATA)");
  g_assert_null (md_smtp_stage_get_label (MD_SMTP_STAGE_UNKNOWN));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  md_core_init ();

  g_test_add_func ("/MailDoctor/Knowledge/resource-loads", test_resource_loads);
  g_test_add_func ("/MailDoctor/Knowledge/entries-complete", test_entries_complete);
  g_test_add_func ("/MailDoctor/Knowledge/matching", test_matching);
  g_test_add_func ("/MailDoctor/Knowledge/json", test_json);
  g_test_add_func ("/MailDoctor/Knowledge/malformed", test_malformed);
  g_test_add_func ("/MailDoctor/Knowledge/snippet", test_snippet);
  g_test_add_func ("/MailDoctor/Knowledge/translations", test_translations);
  g_test_add_func ("/MailDoctor/Knowledge/microsoft-delist-addresses",
                   test_microsoft_delist_addresses);
  g_test_add_func ("/MailDoctor/Knowledge/microsoft-corrections", test_microsoft_corrections);
  g_test_add_func ("/MailDoctor/Knowledge/wrong-team", test_wrong_team);
  g_test_add_func ("/MailDoctor/Knowledge/gmail-codes", test_gmail_codes);
  g_test_add_func ("/MailDoctor/Knowledge/receivers-and-lists", test_receivers_and_lists);
  g_test_add_func ("/MailDoctor/Knowledge/receivers-catalog", test_receivers_catalog);
  g_test_add_func ("/MailDoctor/Knowledge/labels", test_labels);

  return g_test_run ();
}
