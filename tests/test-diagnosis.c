/* test-diagnosis.c — MdDiagnosis: one set of rules for the window and the CLI
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "md-diagnosis.h"
#include "md-test-util.h"
#include "md-util.h"

#define SPAMHAUS_TEXT \
  "<info@partner.example>: host mx.partner.example[198.51.100.40] said: 554 5.7.1 Service " \
  "unavailable; Client host [198.51.100.77] blocked using bl.lists.example (in reply to RCPT " \
  "TO command)\n\n"
#define UNKNOWN_USER_TEXT \
  "<gone@contoso.com>: host mx.contoso.com[192.0.2.25] said: 550 5.1.1 User unknown (in reply " \
  "to RCPT TO command)\n\n"
#define SEED_TEXT \
  "<anna@contoso.com>: host css-one-microsoft-com.mail.protection.outlook.com[40.93.207.0] said: " \
  "550 5.7.511 Access denied, banned sender[203.0.113.7]. To request removal from this list " \
  "please forward this message to delist@messaging.microsoft.com. (in reply to RCPT TO command)\n"

static MdDiagnosis *
diagnose (const char *text)
{
  g_autoptr(MdInput) input = md_input_new_for_text (text);
  g_autoptr(GError) error = NULL;
  MdDiagnosis *diagnosis = md_diagnosis_new (input, NULL, &error);

  g_assert_no_error (error);

  return diagnosis;
}

/* The request is about the rejection the user can ask something for; else
 * the one that names the blocked IP; else the first. */
static void
test_primary (void)
{
  g_autoptr(MdDiagnosis) channel = diagnose (UNKNOWN_USER_TEXT SPAMHAUS_TEXT SEED_TEXT);
  g_autoptr(MdDiagnosis) ip = diagnose (UNKNOWN_USER_TEXT SPAMHAUS_TEXT);
  g_autoptr(MdDiagnosis) first = diagnose (UNKNOWN_USER_TEXT);
  g_autofree char *title = md_diagnosis_dup_title (channel);
  g_autofree char *ip_title = md_diagnosis_dup_title (ip);

  g_assert_cmpuint (md_diagnosis_get_n_rejections (channel), ==, 3);
  g_assert_cmpuint (md_diagnosis_get_primary_index (channel), ==, 2);
  g_assert_cmpstr (title, ==, "Microsoft 5.7.511");
  g_assert_cmpstr (md_diagnosis_get_receiver (channel), ==, "microsoft");

  g_assert_cmpuint (md_diagnosis_get_primary_index (ip), ==, 1);
  g_assert_cmpstr (ip_title, ==, "Rejection 5.7.1");
  g_assert_cmpstr (md_diagnosis_get_receiver (ip), ==, "partner.example");

  g_assert_cmpuint (md_diagnosis_get_primary_index (first), ==, 0);
  g_assert_false (md_diagnosis_is_truncated (first));
  g_assert_cmpuint (md_diagnosis_get_n_seen (first), ==, 1);
}

/* The receiver: provider, else the recipient's domain, else the rejecting
 * host. */
static void
test_receiver (void)
{
  g_autoptr(MdDiagnosis) host = diagnose ("host mx.partner.example[198.51.100.40] said: 554 5.7.1 "
                                          "Service unavailable; Client host [198.51.100.77] "
                                          "blocked using bl.lists.example\n");

  g_assert_null (md_diagnosis_get_rejection (host, 0)->recipient);
  g_assert_cmpstr (md_diagnosis_get_receiver (host), ==, "mx.partner.example");
}

/* Issue 10: what is checked comes from the bounce, never from the contact
 * mailbox (a contact at gmail.com made the app check gmail.com's SPF). */
static void
test_subject_from_bounce (void)
{
  g_autofree char *path = md_test_srcdir_path ("data", "drafts", "seed-bounce.eml", NULL);
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, NULL);
  g_autoptr(GBytes) bytes = g_mapped_file_get_bytes (file);
  g_autoptr(MdInput) input = md_input_new (bytes, "seed-bounce.eml");
  g_autoptr(MdDiagnosis) bounce = md_diagnosis_new (input, NULL, NULL);
  g_autoptr(MdDiagnosis) pasted = diagnose (SEED_TEXT);
  const char * const own[] = { " Mail.Shop.Example ", "second.example", NULL };
  g_autoptr(MdSubjectGuess) from_bounce = md_diagnosis_guess_subject (bounce, own);
  g_autoptr(MdSubjectGuess) from_profile = md_diagnosis_guess_subject (pasted, own);
  g_autoptr(MdSubjectGuess) nobody = md_diagnosis_guess_subject (pasted, NULL);
  g_autoptr(GBytes) eml = md_diagnosis_dup_original_eml (bounce);

  g_assert_cmpstr (from_bounce->ip, ==, "203.0.113.7");
  g_assert_cmpstr (from_bounce->domain, ==, "example.org");
  g_assert_cmpint (from_bounce->domain_source, ==, MD_DOMAIN_SOURCE_BOUNCE);
  g_assert_cmpstr (from_bounce->helo, ==, "mail.example.org");
  g_assert_cmpstr (from_bounce->recipient_domain, ==, "contoso.com");
  g_assert_true (eml == bytes);

  g_assert_cmpstr (from_profile->domain, ==, "mail.shop.example");
  g_assert_cmpint (from_profile->domain_source, ==, MD_DOMAIN_SOURCE_PROFILE);
  g_assert_null (from_profile->helo);

  /* No domain known: the guess says so instead of inventing one. */
  g_assert_null (nobody->domain);
  g_assert_cmpint (nobody->domain_source, ==, MD_DOMAIN_SOURCE_NONE);
  g_assert_null (md_diagnosis_dup_original_eml (pasted));
}

/* The request says when the mail was refused: the bounce's own Date, in
 * the receiver's language; a pasted fragment has none and says nothing. */
static void
test_rejection_time (void)
{
  g_autofree char *path = md_test_srcdir_path ("data", "rejections", "forwarded-bounce-tonline.eml",
                                               NULL);
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, NULL);
  g_autoptr(GBytes) bytes = g_mapped_file_get_bytes (file);
  g_autoptr(MdInput) input = md_input_new (bytes, "forwarded-bounce-tonline.eml");
  g_autoptr(MdDiagnosis) bounce = md_diagnosis_new (input, NULL, NULL);
  g_autoptr(MdDiagnosis) pasted = diagnose (SEED_TEXT);
  g_autoptr(MdDraft) german = NULL;
  g_autoptr(MdDraft) english = NULL;
  g_autoptr(GError) error = NULL;

  german = md_diagnosis_build_draft (bounce, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (german->language, ==, "de");
  g_assert_nonnull (strstr (german->body, "Zeitpunkt der Ablehnung: 27.11.2026 09:30 UTC"));

  english = md_diagnosis_build_draft (pasted, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (strstr (english->body, "rejected at"));
  g_assert_null (strstr (english->body, "Time of the rejection"));
}

/* A receiver's own NDR names the receiver's hosts: they are no HELO of the
 * sender's. */
static void
test_helo_not_the_receivers (void)
{
  static const char ndr[] =
    "From: postmaster@contoso.com\nTo: joerg@example.org\nSubject: Undeliverable\n"
    "MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; "
    "boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\n" SEED_TEXT "\n--b\n"
    "Content-Type: message/delivery-status\n\nReporting-MTA: dns; AM0PR01MB.eurprd01.prod.outlook.com\n\n"
    "Final-Recipient: rfc822; anna@contoso.com\nAction: failed\nStatus: 5.7.511\n\n--b--\n";
  g_autoptr(MdDiagnosis) diagnosis = diagnose (ndr);
  g_autoptr(MdSubjectGuess) guess = md_diagnosis_guess_subject (diagnosis, NULL);

  g_assert_null (guess->helo);
  g_assert_cmpstr (guess->domain, ==, "example.org");
  g_assert_cmpint (guess->domain_source, ==, MD_DOMAIN_SOURCE_ADDRESSEE);
}

static void
test_no_rejection (void)
{
  g_autoptr(MdInput) input = md_input_new_for_text ("Thanks, all fine.\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(MdDiagnosis) diagnosis = md_diagnosis_new (input, NULL, &error);

  g_assert_null (diagnosis);
  g_assert_error (error, MD_DIAGNOSIS_ERROR, MD_DIAGNOSIS_ERROR_NO_REJECTION);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  md_core_init ();

  g_test_add_func ("/MailDoctor/Diagnosis/primary", test_primary);
  g_test_add_func ("/MailDoctor/Diagnosis/receiver", test_receiver);
  g_test_add_func ("/MailDoctor/Diagnosis/subject-from-bounce", test_subject_from_bounce);
  g_test_add_func ("/MailDoctor/Diagnosis/helo-not-the-receivers", test_helo_not_the_receivers);
  g_test_add_func ("/MailDoctor/Diagnosis/no-rejection", test_no_rejection);
  g_test_add_func ("/MailDoctor/Diagnosis/rejection-time", test_rejection_time);

  return g_test_run ();
}
