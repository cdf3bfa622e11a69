/* test-input.c — MdInput: decoding, "is this a mail?", mbox, the GMime guards
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "md-input.h"
#include "md-rejection-parser.h"
#include "md-test-util.h"
#include "md-util.h"

static const char seed_rejection[] =
  "<someone@contoso.com>: host css-one-microsoft-com.mail.protection.outlook.com[40.93.207.0] said: 550\n"
  "    5.7.511 Access denied, banned sender[203.0.113.7]. To request removal from this\n"
  "    list please forward this message to delist@messaging.microsoft.com. (in reply to\n"
  "    RCPT TO command)\n";

static MdRejectionParse *
parse_bytes (GBytes     *bytes,
             const char *name)
{
  g_autoptr(MdInput) input = md_input_new (bytes, name);
  g_autoptr(GError) error = NULL;
  MdRejectionParse *parse = md_rejection_parse_input (input, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (parse);

  return parse;
}

static GBytes *
utf16le_with_bom (const char *utf8)
{
  g_autofree gunichar2 *units = NULL;
  glong n = 0;
  GByteArray *out = g_byte_array_new ();
  static const guint8 bom[] = { 0xff, 0xfe };

  units = g_utf8_to_utf16 (utf8, -1, NULL, &n, NULL);
  g_assert_nonnull (units);
  g_byte_array_append (out, bom, 2);
  for (glong i = 0; i < n; i++)
    {
      guint8 pair[2] = { units[i] & 0xff, units[i] >> 8 };

      g_byte_array_append (out, pair, 2);
      /* One unpaired high surrogate after the first line, as a broken
       * copy-and-paste leaves it. */
      if (i == 20)
        {
          static const guint8 lone[] = { 0x00, 0xd8 };
          g_byte_array_append (out, lone, 2);
        }
    }

  return g_byte_array_free_to_bytes (out);
}

/* Issue 12: UTF-16 with one unpaired surrogate read as "no rejection". */
static void
test_utf16_unpaired_surrogate (void)
{
  g_autoptr(GBytes) bytes = utf16le_with_bom (seed_rejection);
  g_autoptr(MdRejectionParse) parse = parse_bytes (bytes, NULL);
  g_autoptr(MdInput) input = md_input_new (bytes, NULL);
  g_autofree char *text = md_input_dup_valid_text (input);
  const MdRejection *r;

  g_assert_cmpuint (parse->rejections->len, ==, 1);
  r = g_ptr_array_index (parse->rejections, 0);
  g_assert_cmpstr (r->enhanced_status, ==, "5.7.511");
  g_assert_cmpstr (r->blocked_ip, ==, "203.0.113.7");
  g_assert_cmpstr (r->provider, ==, "microsoft");
  /* The stray unit became one U+FFFD, the rest is intact. */
  g_assert_nonnull (strstr (text, "\xef\xbf\xbd"));
  g_assert_nonnull (strstr (text, "banned sender[203.0.113.7]"));
}

/* Big-endian UTF-16 and a UTF-8 byte order mark, the other ways editors
 * save text. */
static void
test_other_encodings (void)
{
  g_autofree gunichar2 *units = NULL;
  g_autoptr(GByteArray) be = g_byte_array_new ();
  g_autoptr(GBytes) be_bytes = NULL;
  g_autoptr(GBytes) bom_bytes = NULL;
  g_autoptr(MdRejectionParse) be_parse = NULL;
  g_autoptr(MdRejectionParse) bom_parse = NULL;
  g_autofree char *with_bom = g_strconcat ("\xef\xbb\xbf", seed_rejection, NULL);
  static const guint8 bom[] = { 0xfe, 0xff };
  glong n = 0;

  units = g_utf8_to_utf16 (seed_rejection, -1, NULL, &n, NULL);
  g_byte_array_append (be, bom, 2);
  for (glong i = 0; i < n; i++)
    {
      guint8 pair[2] = { units[i] >> 8, units[i] & 0xff };
      g_byte_array_append (be, pair, 2);
    }
  be_bytes = g_bytes_new (be->data, be->len);
  be_parse = parse_bytes (be_bytes, NULL);
  g_assert_cmpuint (be_parse->rejections->len, ==, 1);
  g_assert_cmpstr (((MdRejection *) g_ptr_array_index (be_parse->rejections, 0))->blocked_ip, ==,
                   "203.0.113.7");

  bom_bytes = g_bytes_new (with_bom, strlen (with_bom));
  bom_parse = parse_bytes (bom_bytes, NULL);
  g_assert_cmpuint (bom_parse->rejections->len, ==, 1);
  g_assert_cmpstr (((MdRejection *) g_ptr_array_index (bom_parse->rejections, 0))->recipient, ==,
                   "someone@contoso.com");
}

static void
test_is_message (void)
{
  static const char mail[] =
    "From: MAILER-DAEMON@mail.example.org\nTo: joerg@example.org\nSubject: Undelivered\n\nBody\n";
  static const char dsn[] =
    "Reporting-MTA: dns; mail.example.org\nArrival-Date: Mon, 16 Nov 2026\n\n"
    "Final-Recipient: rfc822; anna@contoso.com\nStatus: 5.7.511\n";
  static const char from_text[] =
    "From the logs of our server yesterday:\n550 5.7.511 Access denied, banned sender[203.0.113.7]\n";
  g_autoptr(GBytes) b1 = g_bytes_new_static (mail, strlen (mail));
  g_autoptr(GBytes) b2 = g_bytes_new_static (dsn, strlen (dsn));
  g_autoptr(GBytes) b3 = g_bytes_new_static (from_text, strlen (from_text));
  g_autoptr(MdInput) i1 = md_input_new (b1, NULL);
  g_autoptr(MdInput) i2 = md_input_new (b2, NULL);
  g_autoptr(MdInput) i3 = md_input_new (b3, NULL);
  g_autoptr(MdInput) i4 = md_input_new_for_text (seed_rejection);
  gsize len = 0;

  g_assert_true (md_input_is_message (i1));
  g_assert_nonnull (md_input_get_message (i1, 0));
  /* Parsed once: the same object every time. */
  g_assert_true (md_input_get_message (i1, 0) == md_input_get_message (i1, 0));
  g_assert_false (md_input_is_message (i2));
  g_assert_null (md_input_get_message (i2, 0));
  g_assert_false (md_input_is_message (i4));

  /* Text that starts with "From " but holds no mail is no mbox: it is read
   * whole, first line included. */
  g_assert_false (md_input_is_mbox (i3));
  g_assert_cmpuint (md_input_get_n_messages (i3), ==, 1);
  g_assert_true (md_input_get_message_text (i3, 0, &len) == md_input_get_text (i3, NULL));
  g_assert_cmpuint (len, ==, strlen (from_text));
}

/* mboxrd: ">From " in a body loses one ">"; the separator needs the empty
 * line before it. */
static void
test_mbox_quoting (void)
{
  static const char mbox[] =
    "From a@example.org Mon Nov 16 09:12:44 2026\n"
    "From: a@example.org\nTo: b@example.net\nSubject: one\n\n"
    ">From the start.\n>>From deeper.\nFrom inside, no empty line before.\n\n"
    "From b@example.org Mon Nov 16 09:13:00 2026\n"
    "From: b@example.org\nTo: c@example.net\nSubject: two\n\nSecond\n";
  g_autoptr(GBytes) bytes = g_bytes_new_static (mbox, strlen (mbox));
  g_autoptr(MdInput) input = md_input_new (bytes, "box");
  g_autofree char *first = NULL;
  g_autofree char *to = NULL;
  const char *text;
  gsize len = 0;

  g_assert_true (md_input_is_mbox (input));
  g_assert_cmpuint (md_input_get_n_messages (input), ==, 2);
  text = md_input_get_message_text (input, 0, &len);
  first = g_strndup (text, len);
  g_assert_true (g_str_has_prefix (first, "From: a@example.org\n"));
  g_assert_nonnull (strstr (first, "\nFrom the start.\n>From deeper.\nFrom inside"));
  g_assert_true (md_input_message_is_mail (input, 1));
  to = md_input_dup_bounce_addressee (input, 1);
  g_assert_cmpstr (to, ==, "c@example.net");
  g_assert_false (md_input_is_message (input));
}

/* Issue 11: a 250-message mbox gives the same rejections as the 250 files,
 * each marked with its message. */
static void
test_mbox_sisimai (void)
{
  g_autofree char *dir_path = md_test_shared_path ("testdata", "ndr", "sisimai", "eml", NULL);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr(GString) mbox = g_string_new (NULL);
  g_autoptr(GBytes) mbox_bytes = NULL;
  g_autoptr(MdRejectionParse) all = NULL;
  const char *name;
  guint total = 0;
  guint last_with_rejections = 0;

  dir = dir_path != NULL ? g_dir_open (dir_path, 0, NULL) : NULL;
  if (dir == NULL)
    {
      g_test_skip ("../shared/testdata/ndr/sisimai is absent");
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".eml"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  g_assert_cmpuint (names->len, ==, 250);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir_path, g_ptr_array_index (names, i), NULL);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(MdRejectionParse) one = NULL;
      g_auto(GStrv) lines = NULL;
      char *contents;
      gsize len;

      g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
      bytes = g_bytes_new_take (contents, len);
      one = parse_bytes (bytes, NULL);
      for (guint j = 0; j < one->rejections->len; j++)
        g_ptr_array_add (expected, md_rejection_to_json (g_ptr_array_index (one->rejections, j)));
      if (one->rejections->len > 0)
        last_with_rejections = i + 1;

      /* Written as mboxrd: a file that is already an mbox message keeps its
       * own "From " line; lines starting with (quoted) "From " are quoted. */
      if (!g_str_has_prefix (contents, "From "))
        g_string_append (mbox, "From MAILER-DAEMON Mon Nov 16 09:12:44 2026\n");
      lines = g_strsplit (contents, "\n", -1);
      for (guint j = 0; lines[j] != NULL; j++)
        {
          const char *p = lines[j];

          while (*p == '>')
            p++;
          if (j > 0 && g_str_has_prefix (p, "From "))
            g_string_append_c (mbox, '>');
          g_string_append (mbox, lines[j]);
          if (lines[j + 1] != NULL)
            g_string_append_c (mbox, '\n');
        }
      if (mbox->len > 0 && mbox->str[mbox->len - 1] != '\n')
        g_string_append_c (mbox, '\n');
      g_string_append_c (mbox, '\n');
    }

  mbox_bytes = g_string_free_to_bytes (g_steal_pointer (&mbox));
  all = parse_bytes (mbox_bytes, "sisimai.mbox");
  {
    g_autoptr(MdInput) input = md_input_new (mbox_bytes, "sisimai.mbox");
    g_assert_cmpuint (md_input_get_n_messages (input), ==, 250);
  }

  g_assert_false (all->truncated);
  g_assert_cmpuint (all->rejections->len, ==, expected->len);
  for (guint i = 0; i < all->rejections->len; i++)
    {
      const MdRejection *r = g_ptr_array_index (all->rejections, i);
      g_autoptr(JsonNode) got = md_rejection_to_json (r);

      if (!json_node_equal (got, g_ptr_array_index (expected, i)))
        {
          g_autofree char *want = json_to_string (g_ptr_array_index (expected, i), TRUE);
          g_autofree char *have = json_to_string (got, TRUE);

          g_error ("rejection %u (message %u): expected\n%s\ngot\n%s", i, r->source_message,
                   want, have);
        }
      g_assert_cmpstr (r->source_file, ==, "sisimai.mbox");
      g_assert_cmpuint (r->source_message, >=, 1);
      g_assert_cmpuint (r->source_message, <=, 250);
      total++;
    }
  g_assert_cmpuint (total, >, 200);
  /* The last messages' rejections are there, not only the first's. */
  g_assert_cmpuint (last_with_rejections, >, 240);
  g_assert_cmpuint (((MdRejection *) g_ptr_array_index (all->rejections, total - 1))->source_message,
                    ==, last_with_rejections);
}

/* 128k nested multiparts: GMime's bookkeeping grows with the depth (6.5 s
 * in `draft` before, which parsed without the guard). MdInput refuses it
 * to GMime and the text is read instead. */
static GBytes *
deep_multipart (guint depth)
{
  GString *s = g_string_new ("From: MAILER-DAEMON@mail.example.org\nTo: joerg@example.org\n"
                             "Subject: Undelivered\nMIME-Version: 1.0\n");

  for (guint i = 0; i < depth; i++)
    g_string_append_printf (s, "Content-Type: multipart/mixed; boundary=\"b%u\"\n\n--b%u\n", i, i);
  g_string_append (s, "Content-Type: text/plain\n\n");
  g_string_append (s, seed_rejection);

  return g_string_free_to_bytes (s);
}

static void
test_deep_multipart (void)
{
  g_autoptr(GBytes) bytes = deep_multipart (128 * 1024);
  g_autoptr(MdInput) input = md_input_new (bytes, NULL);
  g_autoptr(MdRejectionParse) parse = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (md_input_message_is_mail (input, 0));
  g_assert_true (md_input_message_too_complex (input, 0));
  g_assert_null (md_input_get_message (input, 0));
  g_assert_null (md_input_dup_bounce_addressee (input, 0));

  parse = md_rejection_parse_input (input, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (parse->rejections->len, ==, 1);
  g_assert_cmpstr (((MdRejection *) g_ptr_array_index (parse->rejections, 0))->enhanced_status, ==,
                   "5.7.511");

  /* A few levels are a normal bounce and go to GMime. */
  {
    g_autoptr(GBytes) shallow = deep_multipart (3);
    g_autoptr(MdInput) normal = md_input_new (shallow, NULL);

    g_assert_false (md_input_message_too_complex (normal, 0));
    g_assert_nonnull (md_input_get_message (normal, 0));
  }
}

/* What the input tells about the sender, from a log as much as from a
 * bounce. */
static void
test_sender_facts (void)
{
  static const char log[] =
    "Nov 16 09:12:40 mx postfix/qmgr[88]: 4Zx1K: from=<news@shop.example>, size=1234, nrcpt=1\n"
    "Nov 16 09:12:44 mx postfix/smtp[99]: 4Zx1K: to=<anna@contoso.com>, status=bounced "
    "(host mx.contoso.com[192.0.2.1] said: 550 5.7.1 Rejected (in reply to RCPT TO command))\n"
    "Nov 16 09:12:44 partner postfix/smtpd[7]: NOQUEUE: reject: RCPT from out.shop.example"
    "[203.0.113.7]: 554 5.7.1 blocked; from=<news@shop.example> to=<anna@contoso.com> "
    "proto=ESMTP helo=<out.shop.example>\n";
  g_autoptr(MdInput) input = md_input_new_for_text (log);
  g_autofree char *sender = md_input_dup_original_sender (input, 0);
  g_autofree char *helo = md_input_dup_helo (input, 0);
  g_autofree char *path = md_test_srcdir_path ("data", "drafts", "seed-bounce.eml", NULL);
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, NULL);
  g_autoptr(GBytes) bytes = g_mapped_file_get_bytes (file);
  g_autoptr(MdInput) bounce = md_input_new (bytes, NULL);
  g_autofree char *bounce_sender = md_input_dup_original_sender (bounce, 0);
  g_autofree char *bounce_helo = md_input_dup_helo (bounce, 0);
  g_autofree char *addressee = md_input_dup_bounce_addressee (bounce, 0);
  g_autoptr(GBytes) eml = md_input_dup_message_bytes (bounce, 0);

  g_assert_cmpstr (sender, ==, "news@shop.example");
  g_assert_cmpstr (helo, ==, "out.shop.example");
  g_assert_cmpstr (bounce_sender, ==, "joerg@example.org");
  g_assert_cmpstr (bounce_helo, ==, "mail.example.org");
  g_assert_cmpstr (addressee, ==, "joerg@example.org");
  /* The .eml is the input as it came, not a copy. */
  g_assert_true (eml == bytes);

  /* A bare domain as Reporting-MTA names a mail system, not a HELO. */
  {
    static const char gmail[] =
      "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\nTo: a@gmail.example.com\n"
      "MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; "
      "boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nDelivery failed.\n--b\n"
      "Content-Type: message/delivery-status\n\nReporting-MTA: dns; googlemail.com\n\n"
      "Final-Recipient: rfc822; x@example.jp\nStatus: 5.0.0\n--b--\n";
    g_autoptr(MdInput) provider = md_input_new_for_text (gmail);
    g_autofree char *none = md_input_dup_helo (provider, 0);

    g_assert_true (md_input_is_message (provider));
    g_assert_null (none);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  md_core_init ();

  g_test_add_func ("/MailDoctor/Input/utf16-unpaired-surrogate", test_utf16_unpaired_surrogate);
  g_test_add_func ("/MailDoctor/Input/other-encodings", test_other_encodings);
  g_test_add_func ("/MailDoctor/Input/is-message", test_is_message);
  g_test_add_func ("/MailDoctor/Input/mbox-quoting", test_mbox_quoting);
  g_test_add_func ("/MailDoctor/Input/mbox-sisimai", test_mbox_sisimai);
  g_test_add_func ("/MailDoctor/Input/deep-multipart", test_deep_multipart);
  g_test_add_func ("/MailDoctor/Input/sender-facts", test_sender_facts);

  return g_test_run ();
}
