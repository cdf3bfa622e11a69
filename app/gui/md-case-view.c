/* md-case-view.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "md-case-view.h"
#include "md-check-row.h"
#include "md-handoff.h"
#include "md-resolver.h"
#include "md-settings.h"

#ifdef GDK_WINDOWING_WAYLAND
# include <gdk/wayland/gdkwayland.h>
#endif
#ifdef GDK_WINDOWING_X11
# include <gdk/x11/gdkx.h>
#endif

/* One case: what the receiver said and what it means, the checks as they
 * come in, the request to send, and the follow-up. A view of an
 * MdCaseSession; everything it does goes through the engine. */
struct _MdCaseView
{
  GtkWidget             parent_instance;

  /* Owned */
  MdCaseSession        *session;
  MdSettings           *settings;
  MdDraft              *draft;          /* as built; the editor holds the edits */
  MdHandoff            *handoff;        /* the last hand-off: its files live until the next */
  MdHttp               *http;           /* for the checks over HTTPS */
  GCancellable         *cancellable;    /* hand-offs and file writes of this case */
  GtkSorter            *sorter;
  GPtrArray            *watched_checks; /* MdCheck* whose notify we follow */
  GPtrArray            *timeline_rows;  /* rows in timeline_row, owned by it */
  guint                 progress_idle_id;
  guint                 notes_save_id;
  gboolean              draft_edited;
  gboolean              sort_by_status; /* once the run is over */
  char                 *channel;        /* the user's choice of draft, or NULL */
  gboolean              filling;        /* the view, not the user, changes the widgets */

  /* Template widgets */
  GtkScrolledWindow    *scroller;
  GtkBox               *rejections_box;
  AdwPreferencesGroup  *checks_group;
  GtkWidget            *cancel_button;
  AdwExpanderRow       *subject_row;
  AdwEntryRow          *ip_row;
  AdwEntryRow          *domain_row;
  AdwEntryRow          *helo_row;
  AdwEntryRow          *recipient_domain_row;
  AdwEntryRow          *dkim_row;
  GtkLabel             *progress_label;
  GtkProgressBar       *progress_bar;
  GtkWidget            *server_group;
  GtkListBox           *server_list;
  GtkWidget            *recipient_group;
  GtkListBox           *recipient_list;
  GtkWidget            *blocklist_group;
  GtkListBox           *blocklist_list;
  AdwPreferencesGroup  *request_group;
  GtkWidget            *request_box;
  GtkBox               *warnings_box;
  GtkLabel             *steps_label;
  GtkWidget            *draft_list;
  AdwEntryRow          *recipient_row;
  AdwEntryRow          *subject_line_row;
  GtkTextView          *body_view;
  GtkListBox           *extras_list;
  GtkWidget            *open_mail_button;
  GtkButton            *open_url_button;
  GtkWidget            *save_eml_button;
  GtkWidget            *case_group;
  AdwComboRow          *status_row;
  AdwExpanderRow       *timeline_row;
  GtkTextView          *notes_view;
};

enum {
  TOAST,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (MdCaseView, md_case_view, GTK_TYPE_WIDGET)

static guint signals[N_SIGNALS];

static void md_case_view_fill_draft (MdCaseView *self);

static void
toast (MdCaseView *self,
       const char *message)
{
  g_signal_emit (self, signals[TOAST], 0, message);
}

static void
toast_error (MdCaseView   *self,
             const char   *what,
             const GError *error)
{
  g_autofree char *message = g_strdup_printf ("%s: %s", what, error->message);

  toast (self, message);
}

static const char *
stage_label (MdSmtpStage stage)
{
  switch (stage)
    {
    case MD_SMTP_STAGE_CONNECT:     return _("Connection");
    case MD_SMTP_STAGE_HELO:        return _("HELO/EHLO");
    case MD_SMTP_STAGE_MAIL_FROM:   return _("MAIL FROM");
    case MD_SMTP_STAGE_RCPT_TO:     return _("RCPT TO");
    case MD_SMTP_STAGE_DATA:        return _("DATA");
    case MD_SMTP_STAGE_END_OF_DATA: return _("End of DATA");
    case MD_SMTP_STAGE_UNKNOWN:
    default:                        return NULL;
    }
}

static void
clear_box (GtkWidget *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (box)) != NULL)
    {
      if (GTK_IS_LIST_BOX (box))
        gtk_list_box_remove (GTK_LIST_BOX (box), child);
      else
        gtk_box_remove (GTK_BOX (box), child);
    }
}

static GtkWidget *
wrapped_label (const char *text,
               const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);

  return label;
}

/* A row with a value and a button that copies it. */
static GtkWidget *
fact_row (const char *title,
          const char *value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_from_icon_name ("edit-copy-symbolic");
  g_autofree char *escaped = g_markup_escape_text (value, -1);
  g_autofree char *tooltip = g_strdup_printf (_("Copy %s"), title);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped);
  gtk_widget_add_css_class (row, "property");

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "case.copy");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", value);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

  return row;
}

static char *
numbered_steps (const char * const *steps)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; steps != NULL && steps[i] != NULL; i++)
    {
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append_printf (text, "%u. %s", i + 1, steps[i]);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
describe_channel (const MdExplanation *explanation)
{
  switch (explanation->channel_kind)
    {
    case MD_CHANNEL_EMAIL:
      /* Translators: %s is a mail address, like delist@messaging.microsoft.com */
      return g_strdup_printf (_("Request removal by mail to %s."),
                              explanation->channel_address ? explanation->channel_address : "—");
    case MD_CHANNEL_PORTAL:
      /* Translators: %s is a web address */
      return g_strdup_printf (_("Request removal in the receiver’s portal: %s"),
                              explanation->channel_url ? explanation->channel_url : "—");
    case MD_CHANNEL_FORM:
      /* Translators: %s is a web address */
      return g_strdup_printf (_("Request removal with the receiver’s web form: %s"),
                              explanation->channel_url ? explanation->channel_url : "—");
    case MD_CHANNEL_RECIPIENT:
      return g_strdup (_("Only the recipient’s mail administrator can lift this block: "
                         "ask your contact there to allow your server."));
    case MD_CHANNEL_NONE:
    default:
      return g_strdup (_("There is nothing to send: fix the cause, then the block lifts "
                         "by itself."));
    }
}

static GtkWidget *
build_rejection_group (MdCaseView *self,
                       guint       index)
{
  const MdRejection *rejection = md_case_session_get_rejection (self->session, index);
  const MdExplanation *explanation = md_case_session_get_explanation (self->session, index);
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *facts = gtk_list_box_new ();
  g_autoptr(GString) subtitle = g_string_new (NULL);
  g_autofree char *steps = NULL;
  g_autofree char *channel = NULL;
  const char *provider = md_provider_display_name (rejection->provider);
  const char *stage = stage_label (rejection->stage);

  if (provider != NULL)
    g_string_append (subtitle, provider);
  else
    g_string_append (subtitle, _("Unknown receiver"));
  if (rejection->enhanced_status != NULL)
    g_string_append_printf (subtitle, " · %s", rejection->enhanced_status);
  if (rejection->smtp_code != 0)
    g_string_append_printf (subtitle, " · %u", rejection->smtp_code);
  if (rejection->temporary)
    g_string_append_printf (subtitle, " · %s", _("temporary"));

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), explanation->title);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), subtitle->str);

  gtk_box_append (GTK_BOX (box), wrapped_label (explanation->meaning, NULL));
  if (explanation->cause != NULL && explanation->cause[0] != '\0')
    {
      gtk_box_append (GTK_BOX (box), wrapped_label (_("Likely Cause"), "heading"));
      gtk_box_append (GTK_BOX (box), wrapped_label (explanation->cause, NULL));
    }

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (facts), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (facts, "boxed-list");
  if (rejection->blocked_ip != NULL)
    gtk_list_box_append (GTK_LIST_BOX (facts), fact_row (_("Blocked IP Address"),
                                                         rejection->blocked_ip));
  if (rejection->remote_host != NULL || rejection->remote_ip != NULL)
    {
      g_autofree char *server = NULL;

      if (rejection->remote_host != NULL && rejection->remote_ip != NULL)
        server = g_strdup_printf ("%s [%s]", rejection->remote_host, rejection->remote_ip);
      else
        server = g_strdup (rejection->remote_host ? rejection->remote_host : rejection->remote_ip);
      gtk_list_box_append (GTK_LIST_BOX (facts), fact_row (_("Rejecting Server"), server));
    }
  if (rejection->recipient != NULL)
    gtk_list_box_append (GTK_LIST_BOX (facts), fact_row (_("Recipient"), rejection->recipient));
  if (stage != NULL)
    gtk_list_box_append (GTK_LIST_BOX (facts), fact_row (_("SMTP Stage"), stage));
  if (rejection->references != NULL && rejection->references[0] != NULL)
    {
      g_autofree char *refs = g_strjoinv (" ", rejection->references);
      gtk_list_box_append (GTK_LIST_BOX (facts), fact_row (_("References"), refs));
    }
  for (guint i = 0; i < rejection->contacts->len; i++)
    {
      const MdContact *contact = g_ptr_array_index (rejection->contacts, i);

      gtk_list_box_append (GTK_LIST_BOX (facts),
                           fact_row (contact->kind == MD_CONTACT_EMAIL ? _("Contact Address")
                                                                       : _("Web Page"),
                                     contact->value));
    }
  gtk_box_append (GTK_BOX (box), facts);
  gtk_widget_set_visible (facts, gtk_widget_get_first_child (facts) != NULL);

  gtk_box_append (GTK_BOX (box), wrapped_label (_("Next Step"), "heading"));
  channel = describe_channel (explanation);
  gtk_box_append (GTK_BOX (box), wrapped_label (channel, NULL));
  steps = numbered_steps ((const char * const *) explanation->remedy);
  if (steps[0] != '\0')
    gtk_box_append (GTK_BOX (box), wrapped_label (steps, NULL));
  if (explanation->response_time != NULL && explanation->response_time[0] != '\0')
    {
      /* Translators: %s says how long the receiver takes, e.g. "usually within 24 hours" */
      g_autofree char *time = g_strdup_printf (_("Expected response: %s"),
                                               explanation->response_time);
      gtk_box_append (GTK_BOX (box), wrapped_label (time, "dim-label"));
    }

  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), box);

  return group;
}

static int
compare_by_provider (gconstpointer a,
                     gconstpointer b,
                     gpointer      user_data)
{
  MdCaseSession *session = user_data;
  const MdRejection *ra = md_case_session_get_rejection (session, GPOINTER_TO_UINT (*(gpointer *) a));
  const MdRejection *rb = md_case_session_get_rejection (session, GPOINTER_TO_UINT (*(gpointer *) b));
  int cmp = g_strcmp0 (ra->provider, rb->provider);

  if (cmp != 0)
    return cmp;

  return (int) GPOINTER_TO_UINT (*(gpointer *) a) - (int) GPOINTER_TO_UINT (*(gpointer *) b);
}

/* Several rejections in one paste: each shown, grouped by receiver, the one
 * the request is about first. */
static void
fill_rejections (MdCaseView *self)
{
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  guint primary = md_case_session_get_primary_index (self->session);
  guint n = md_case_session_get_n_rejections (self->session);

  clear_box (GTK_WIDGET (self->rejections_box));

  for (guint i = 0; i < n; i++)
    if (i != primary)
      g_ptr_array_add (order, GUINT_TO_POINTER (i));
  g_ptr_array_sort_with_data (order, compare_by_provider, self->session);
  g_ptr_array_insert (order, 0, GUINT_TO_POINTER (primary));

  for (guint i = 0; i < order->len; i++)
    gtk_box_append (self->rejections_box,
                    build_rejection_group (self, GPOINTER_TO_UINT (g_ptr_array_index (order, i))));
}

/* Checks */

static const char *
section_of (MdCheck *check)
{
  const char *group = md_check_get_group (check);

  if (g_strcmp0 (group, "blocklists") == 0)
    return "blocklists";
  if (g_strcmp0 (group, "recipient") == 0)
    return "recipient";

  return "server";
}

static gboolean
filter_section_cb (gpointer item,
                   gpointer user_data)
{
  return g_str_equal (section_of (item), user_data);
}

static int
status_rank (MdCheckStatus status)
{
  switch (status)
    {
    case MD_CHECK_STATUS_PROBLEM: return 0;
    case MD_CHECK_STATUS_ERROR:   return 1;
    case MD_CHECK_STATUS_WARNING: return 2;
    case MD_CHECK_STATUS_INFO:    return 3;
    case MD_CHECK_STATUS_OK:      return 4;
    case MD_CHECK_STATUS_RUNNING:
    default:                      return 5;
    }
}

/* By how much the receivers care (the check's weight). While a run goes on
 * that is all, so rows do not jump around as answers arrive; once it is over,
 * what needs attention comes first. */
static int
sort_checks_cb (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  MdCaseView *self = user_data;
  MdCheck *ca = (MdCheck *) a;
  MdCheck *cb = (MdCheck *) b;
  int wa = md_check_get_weight (ca);
  int wb = md_check_get_weight (cb);

  if (self->sort_by_status)
    {
      int ra = status_rank (md_check_get_status (ca));
      int rb = status_rank (md_check_get_status (cb));

      if (ra != rb)
        return ra < rb ? -1 : 1;
    }

  if (wa != wb)
    return wa > wb ? -1 : 1;

  return g_strcmp0 (md_check_get_title (ca), md_check_get_title (cb));
}

static void
update_sorting (MdCaseView *self)
{
  MdCheckRun *run = md_case_session_get_check_run (self->session);
  gboolean by_status = run == NULL || md_check_run_is_finished (run);

  if (by_status != self->sort_by_status)
    {
      self->sort_by_status = by_status;
      gtk_sorter_changed (self->sorter, GTK_SORTER_CHANGE_DIFFERENT);
    }
}

static GtkWidget *
create_check_row_cb (gpointer item,
                     gpointer user_data)
{
  return md_check_row_new (item);
}

static void
section_items_changed_cb (GListModel *model,
                          guint       position,
                          guint       removed,
                          guint       added,
                          GtkWidget  *group)
{
  gtk_widget_set_visible (group, g_list_model_get_n_items (model) > 0);
}

static void
bind_section (MdCaseView *self,
              GListModel *checks,
              GtkListBox *list,
              GtkWidget  *group,
              const char *section)
{
  GtkFilter *filter = GTK_FILTER (gtk_custom_filter_new (filter_section_cb,
                                                         (gpointer) section, NULL));
  GtkSortListModel *sorted = gtk_sort_list_model_new (g_object_ref (checks),
                                                      g_object_ref (self->sorter));
  GtkFilterListModel *filtered = gtk_filter_list_model_new (G_LIST_MODEL (sorted), filter);

  g_signal_connect_object (filtered, "items-changed", G_CALLBACK (section_items_changed_cb),
                           group, 0);
  gtk_list_box_bind_model (list, G_LIST_MODEL (filtered), create_check_row_cb, NULL, NULL);
  gtk_widget_set_visible (group, g_list_model_get_n_items (G_LIST_MODEL (filtered)) > 0);
  g_object_unref (filtered);
}

static gboolean
update_progress_idle_cb (gpointer user_data)
{
  MdCaseView *self = user_data;
  GListModel *checks;
  MdCheckRun *run;
  guint n;
  guint done = 0;
  guint problems = 0;
  guint warnings = 0;
  guint undecided = 0;
  gboolean running;
  g_autofree char *text = NULL;

  self->progress_idle_id = 0;
  if (self->session == NULL)
    return G_SOURCE_REMOVE;

  checks = md_case_session_get_checks (self->session);
  run = md_case_session_get_check_run (self->session);
  n = g_list_model_get_n_items (checks);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MdCheck) check = g_list_model_get_item (checks, i);

      switch (md_check_get_status (check))
        {
        case MD_CHECK_STATUS_RUNNING: break;
        case MD_CHECK_STATUS_PROBLEM: problems++; done++; break;
        case MD_CHECK_STATUS_WARNING: warnings++; done++; break;
        case MD_CHECK_STATUS_ERROR:   undecided++; done++; break;
        case MD_CHECK_STATUS_OK:
        case MD_CHECK_STATUS_INFO:
        default:                      done++; break;
        }
    }

  running = run != NULL && !md_check_run_is_finished (run);
  gtk_widget_set_visible (self->cancel_button, running);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), running);
  gtk_progress_bar_set_fraction (self->progress_bar, n > 0 ? (double) done / n : 0.0);

  if (n == 0)
    text = g_strdup (_("Not checked yet."));
  else
    {
      /* Translators: "12 of 40 checks done"; the first %u is done, the second all */
      g_autofree char *progress = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                                "%u of %u check done",
                                                                "%u of %u checks done", n),
                                                   done, n);
      g_autofree char *p = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u problem",
                                                         "%u problems", problems), problems);
      g_autofree char *w = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u warning",
                                                         "%u warnings", warnings), warnings);
      g_autofree char *u = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u undecided",
                                                         "%u undecided", undecided), undecided);

      text = g_strdup_printf ("%s · %s · %s · %s", progress, p, w, u);
    }
  gtk_label_set_text (self->progress_label, text);

  return G_SOURCE_REMOVE;
}

static void
queue_progress_update (MdCaseView *self)
{
  if (self->progress_idle_id == 0)
    self->progress_idle_id = g_idle_add (update_progress_idle_cb, self);
}

static void
check_status_notify_cb (MdCaseView *self)
{
  queue_progress_update (self);
}

static void
unwatch_checks (MdCaseView *self)
{
  for (guint i = 0; i < self->watched_checks->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->watched_checks, i), self);
  g_ptr_array_set_size (self->watched_checks, 0);
}

static void
watch_checks (MdCaseView *self,
              GListModel *checks,
              guint       position,
              guint       added)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(MdCheck) check = g_list_model_get_item (checks, i);

      g_signal_connect_object (check, "notify::status", G_CALLBACK (check_status_notify_cb),
                               self, G_CONNECT_SWAPPED);
      g_ptr_array_add (self->watched_checks, g_object_ref (check));
    }
}

static void
checks_items_changed_cb (MdCaseView *self,
                         guint       position,
                         guint       removed,
                         guint       added,
                         GListModel *checks)
{
  watch_checks (self, checks, position, added);
  queue_progress_update (self);
}

static void
bind_checks (MdCaseView *self)
{
  GListModel *checks = md_case_session_get_checks (self->session);

  unwatch_checks (self);
  update_sorting (self);
  bind_section (self, checks, self->server_list, self->server_group, "server");
  bind_section (self, checks, self->recipient_list, self->recipient_group, "recipient");
  bind_section (self, checks, self->blocklist_list, self->blocklist_group, "blocklists");
  watch_checks (self, checks, 0, g_list_model_get_n_items (checks));
  g_signal_connect_object (checks, "items-changed", G_CALLBACK (checks_items_changed_cb), self,
                           G_CONNECT_SWAPPED);
  queue_progress_update (self);
}

static void
session_checks_changed_cb (MdCaseView    *self,
                           MdCaseSession *session)
{
  bind_checks (self);
}

static void
set_entry (AdwEntryRow *row,
           const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text ? text : "");
}

static char *
entry_text (AdwEntryRow *row)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  return text[0] != '\0' ? g_steal_pointer (&text) : NULL;
}

/* The subject of the last run when there was one, else what the rejection
 * and the sender profile tell. */
static void
fill_subject (MdCaseView *self)
{
  g_autofree char *ip = NULL;
  g_autofree char *domain = NULL;
  g_autofree char *helo = NULL;
  g_autofree char *recipient_domain = NULL;
  g_autofree char *sender = md_settings_dup_sender_email (self->settings);
  MdCheckRun *run = md_case_session_get_check_run (self->session);

  if (run != NULL)
    {
      const MdCheckSubject *subject = md_check_run_get_subject (run);

      ip = g_strdup (subject->ip);
      domain = g_strdup (subject->domain);
      helo = g_strdup (subject->helo);
      recipient_domain = g_strdup (subject->recipient_domain);
    }
  else
    {
      md_case_session_guess_subject (self->session, sender, &ip, &domain, &helo,
                                     &recipient_domain);
    }

  {
    g_auto(GStrv) selectors = NULL;
    g_autofree char *joined = NULL;

    if (run != NULL && md_check_run_get_subject (run)->dkim_selectors != NULL)
      selectors = g_strdupv (md_check_run_get_subject (run)->dkim_selectors);
    else
      selectors = md_settings_dup_dkim_selectors (self->settings);
    joined = selectors != NULL ? g_strjoinv (", ", selectors) : g_strdup ("");
    set_entry (self->dkim_row, joined);
  }

  set_entry (self->ip_row, ip);
  set_entry (self->domain_row, domain);
  set_entry (self->helo_row, helo);
  set_entry (self->recipient_domain_row, recipient_domain);
  adw_expander_row_set_subtitle (self->subject_row, ip ? ip : _("No IP address known yet"));
}

gboolean
md_case_view_start_checks (MdCaseView *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdResolver) resolver = NULL;
  g_autoptr(MdCheckSubject) subject = NULL;
  g_autofree char *ip = NULL;
  g_autofree char *domain = NULL;
  g_autofree char *helo = NULL;
  g_autofree char *recipient_domain = NULL;
  g_autofree char *description = NULL;
  g_auto(GStrv) disabled = NULL;

  g_return_val_if_fail (MD_IS_CASE_VIEW (self), FALSE);

  if (self->session == NULL)
    return FALSE;

  ip = entry_text (self->ip_row);
  domain = entry_text (self->domain_row);
  helo = entry_text (self->helo_row);
  recipient_domain = entry_text (self->recipient_domain_row);

  if (ip == NULL)
    {
      adw_expander_row_set_expanded (self->subject_row, TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->ip_row));
      toast (self, _("Enter the IP address of your sending server to check it."));
      return FALSE;
    }

  subject = md_check_subject_new (ip, domain, helo, recipient_domain, &error);
  if (subject == NULL)
    {
      toast_error (self, _("Cannot check"), error);
      return FALSE;
    }

  {
    g_autofree char *text = entry_text (self->dkim_row);
    g_auto(GStrv) parts = g_strsplit_set (text ? text : "", ", \t", -1);
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
    g_auto(GStrv) selectors = NULL;

    for (guint i = 0; parts[i] != NULL; i++)
      if (parts[i][0] != '\0')
        g_strv_builder_add (builder, parts[i]);
    selectors = g_strv_builder_end (builder);
    if (selectors[0] != NULL && domain == NULL)
      {
        toast (self, _("DKIM selectors need the sending domain."));
        return FALSE;
      }
    if (!md_check_subject_set_dkim_selectors (subject, (const char * const *) selectors, &error))
      {
        toast_error (self, _("Cannot check"), error);
        return FALSE;
      }
  }

  resolver = md_settings_new_resolver (self->settings, &error);
  if (resolver == NULL)
    {
      toast_error (self, _("The DNS resolver is not usable"), error);
      return FALSE;
    }

  description = md_resolver_describe (resolver);
  disabled = md_settings_dup_disabled_blocklists (self->settings);
  if (md_settings_get_web_checks (self->settings) && self->http == NULL)
    self->http = md_http_new ();
  if (md_case_session_start_checks (self->session, MD_DNS_SOURCE (resolver),
                                    md_settings_get_web_checks (self->settings)
                                    ? self->http : NULL,
                                    subject, (const char * const *) disabled, description,
                                    md_resolver_get_public_resolver_name (resolver),
                                    &error) == NULL)
    {
      toast_error (self, _("Cannot check"), error);
      return FALSE;
    }

  adw_expander_row_set_subtitle (self->subject_row, ip);
  queue_progress_update (self);

  return TRUE;
}

static void
subject_apply_cb (MdCaseView *self)
{
  md_case_view_start_checks (self);
}

/* Request */

static void
rebuild_draft (MdCaseView *self)
{
  g_autoptr(MdSenderProfile) profile = md_sender_profile_new_from_settings ();
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&self->draft, md_draft_free);
  self->draft = md_case_session_build_draft (self->session, profile, self->channel, &error);
  self->draft_edited = FALSE;

  if (self->draft == NULL && !g_error_matches (error, MD_DRAFT_ERROR, MD_DRAFT_ERROR_NO_CHANNEL))
    toast_error (self, _("Could not prepare the request"), error);

  md_case_view_fill_draft (self);
}

static void
session_checks_finished_cb (MdCaseView    *self,
                            MdCaseSession *session)
{
  queue_progress_update (self);
  update_sorting (self);

  /* The request cites the check results: bring it up to date, unless the
   * user has started editing it. */
  if (!self->draft_edited)
    rebuild_draft (self);
}

static void
add_extra_row (MdCaseView *self,
               GtkWidget  *row)
{
  gtk_list_box_append (self->extras_list, row);
  gtk_widget_set_visible (GTK_WIDGET (self->extras_list), TRUE);
}

static void
md_case_view_fill_draft (MdCaseView *self)
{
  const MdDraft *draft = self->draft;
  const MdExplanation *explanation;
  g_autofree char *steps = NULL;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->body_view);

  clear_box (GTK_WIDGET (self->warnings_box));
  clear_box (GTK_WIDGET (self->extras_list));
  gtk_widget_set_visible (GTK_WIDGET (self->extras_list), FALSE);

  if (draft == NULL)
    {
      g_autofree char *channel = NULL;

      explanation = md_case_session_get_explanation (self->session,
                                                     md_case_session_get_primary_index (self->session));
      channel = describe_channel (explanation);
      adw_preferences_group_set_description (self->request_group, channel);
      gtk_widget_set_visible (self->request_box, FALSE);
      return;
    }

  gtk_widget_set_visible (self->request_box, TRUE);
  self->filling = TRUE;

  switch (draft->channel_kind)
    {
    case MD_CHANNEL_EMAIL:
      adw_preferences_group_set_description (self->request_group,
        draft->language != NULL && g_str_equal (draft->language, "de")
        ? _("A mail, written in German because this receiver reads German.")
        : _("A mail, written in English because this receiver reads English."));
      break;
    case MD_CHANNEL_PORTAL:
      adw_preferences_group_set_description (self->request_group,
        _("The receiver takes requests in its portal: paste these values there."));
      break;
    case MD_CHANNEL_FORM:
      adw_preferences_group_set_description (self->request_group,
        _("The receiver takes requests with a web form: paste these values there."));
      break;
    case MD_CHANNEL_NONE:
    case MD_CHANNEL_RECIPIENT:
    default:
      adw_preferences_group_set_description (self->request_group, NULL);
      break;
    }

  for (guint i = 0; draft->warnings != NULL && draft->warnings[i] != NULL; i++)
    {
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
      GtkWidget *label = wrapped_label (draft->warnings[i], NULL);

      gtk_widget_set_valign (icon, GTK_ALIGN_START);
      gtk_widget_add_css_class (icon, "warning");
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Warning"), -1);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_box_append (GTK_BOX (row), icon);
      gtk_box_append (GTK_BOX (row), label);
      gtk_box_append (self->warnings_box, row);
    }

  steps = numbered_steps ((const char * const *) draft->steps);
  gtk_label_set_text (self->steps_label, steps);
  gtk_widget_set_visible (GTK_WIDGET (self->steps_label), steps[0] != '\0');

  set_entry (self->recipient_row, draft->recipient);
  gtk_widget_set_visible (GTK_WIDGET (self->recipient_row), draft->recipient != NULL);
  set_entry (self->subject_line_row, draft->subject);
  gtk_widget_set_visible (GTK_WIDGET (self->subject_line_row), draft->subject != NULL);
  gtk_widget_set_visible (self->draft_list, draft->recipient != NULL || draft->subject != NULL);
  gtk_text_buffer_set_text (buffer, draft->body ? draft->body : "", -1);

  for (guint i = 0; draft->fields != NULL && i < draft->fields->len; i++)
    {
      const MdDraftField *field = g_ptr_array_index (draft->fields, i);
      add_extra_row (self, fact_row (field->label, field->value));
    }

  for (guint i = 0; draft->attachments != NULL && i < draft->attachments->len; i++)
    {
      const MdDraftAttachment *attachment = g_ptr_array_index (draft->attachments, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new_from_icon_name ("mail-attachment-symbolic");
      g_autofree char *size = g_format_size (g_bytes_get_size (attachment->data));
      g_autofree char *subtitle = g_strdup_printf ("%s · %s", attachment->content_type, size);
      g_autofree char *escaped = g_markup_escape_text (subtitle, -1);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), attachment->name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Attachment"), -1);
      add_extra_row (self, row);
    }

  gtk_widget_set_visible (self->open_mail_button, draft->recipient != NULL);
  gtk_widget_set_visible (self->save_eml_button, draft->recipient != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->open_url_button), draft->url != NULL);
  if (draft->url != NULL)
    gtk_button_set_label (self->open_url_button,
                          draft->channel_kind == MD_CHANNEL_PORTAL ? _("Open _Portal")
                                                                   : _("Open _Form"));

  self->filling = FALSE;
}

static void
draft_changed_cb (MdCaseView *self)
{
  if (!self->filling)
    self->draft_edited = TRUE;
}

MdDraft *
md_case_view_dup_draft (MdCaseView *self)
{
  g_autoptr(MdDraft) draft = NULL;
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (MD_IS_CASE_VIEW (self), NULL);

  if (self->draft == NULL)
    return NULL;

  draft = md_draft_copy (self->draft);
  buffer = gtk_text_view_get_buffer (self->body_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);

  g_free (draft->body);
  draft->body = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  if (draft->recipient != NULL)
    {
      g_free (draft->recipient);
      draft->recipient = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->recipient_row))));
    }
  if (draft->subject != NULL)
    {
      g_free (draft->subject);
      draft->subject = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->subject_line_row)));
    }

  return g_steal_pointer (&draft);
}

static void
record (MdCaseView      *self,
        MdCaseEventKind  kind,
        const char      *detail)
{
  g_autoptr(GError) error = NULL;

  if (!md_case_session_record (self->session, kind, detail, &error))
    toast_error (self, _("Could not save the case"), error);
}

static void
save_outgoing_draft (MdCaseView    *self,
                     const MdDraft *draft)
{
  g_autoptr(GError) error = NULL;

  if (!md_case_session_save_draft (self->session, draft, &error))
    toast_error (self, _("Could not save the case"), error);
}

static void
handoff_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  MdHandoff *handoff = MD_HANDOFF (object);
  g_autoptr(MdCaseView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  MdHandoffMethod method;

  method = md_handoff_run_finish (handoff, result, &error);

#ifdef GDK_WINDOWING_WAYLAND
  {
    GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
    GdkSurface *surface = native != NULL ? gtk_native_get_surface (native) : NULL;

    if (surface != NULL && GDK_IS_WAYLAND_TOPLEVEL (surface))
      gdk_wayland_toplevel_unexport_handle (GDK_TOPLEVEL (surface));
  }
#endif

  if (self->session == NULL)
    return;

  switch (method)
    {
    case MD_HANDOFF_METHOD_PORTAL:
    case MD_HANDOFF_METHOD_XDG_EMAIL:
      toast (self, _("The request is open in your mail app. Send it from a mailbox that is "
                     "not on the blocked server."));
      record (self, MD_CASE_EVENT_REQUEST_OPENED_IN_MAIL_APP, md_handoff_get_draft (handoff)->recipient);
      break;

    case MD_HANDOFF_METHOD_MAILTO:
      /* Translators: %s is a folder; mailto: links cannot carry attachments */
      message = g_strdup_printf (_("The request is open in your mail app. Attach the files "
                                   "from %s yourself."), md_handoff_get_directory (handoff));
      toast (self, message);
      record (self, MD_CASE_EVENT_REQUEST_OPENED_IN_MAIL_APP, md_handoff_get_draft (handoff)->recipient);
      break;

    case MD_HANDOFF_METHOD_EML:
      /* Translators: %s is a file */
      message = g_strdup_printf (_("No mail app took the request. It was saved as %s: open it "
                                   "with your mail app."), md_handoff_get_eml_path (handoff));
      toast (self, message);
      record (self, MD_CASE_EVENT_REQUEST_SAVED, md_handoff_get_eml_path (handoff));
      break;

    case MD_HANDOFF_METHOD_NONE:
    default:
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, _("The mail app was closed without sending."));
      else if (error != NULL)
        toast_error (self, _("Could not open the mail app"), error);
      break;
    }
}

static void
start_handoff (MdCaseView    *self,
               const MdDraft *draft,
               const char    *parent_window)
{
  g_clear_object (&self->handoff);
  self->handoff = md_handoff_new (draft);
  /* The portal places its dialog over this window. */
  if (parent_window != NULL)
    md_handoff_set_parent_window (self->handoff, parent_window);
  md_handoff_run_async (self->handoff, self->cancellable, handoff_cb, g_object_ref (self));
}

#ifdef GDK_WINDOWING_WAYLAND
static void
wayland_handle_exported_cb (GdkToplevel *toplevel,
                            const char  *handle,
                            gpointer     user_data)
{
  MdCaseView *self = user_data;
  g_autofree char *parent = g_strdup_printf ("wayland:%s", handle);
  g_autoptr(MdDraft) draft = g_object_steal_data (G_OBJECT (self), "pending-draft");

  if (draft != NULL && self->session != NULL)
    start_handoff (self, draft, parent);
}
#endif

static void
open_mail_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  MdCaseView *self = MD_CASE_VIEW (widget);
  g_autoptr(MdDraft) draft = md_case_view_dup_draft (self);
  g_autofree char *parent = NULL;
  GdkSurface *surface;

  if (draft == NULL || draft->recipient == NULL)
    return;

  save_outgoing_draft (self, draft);
  surface = gtk_native_get_surface (gtk_widget_get_native (widget));

#ifdef GDK_WINDOWING_WAYLAND
  if (GDK_IS_WAYLAND_TOPLEVEL (surface))
    {
      g_object_set_data_full (G_OBJECT (self), "pending-draft", g_steal_pointer (&draft),
                              (GDestroyNotify) md_draft_free);
      if (gdk_wayland_toplevel_export_handle (GDK_TOPLEVEL (surface),
                                              wayland_handle_exported_cb,
                                              g_object_ref (self), g_object_unref))
        return;
      draft = g_object_steal_data (G_OBJECT (self), "pending-draft");
    }
#endif
#ifdef GDK_WINDOWING_X11
  if (GDK_IS_X11_SURFACE (surface))
    parent = g_strdup_printf ("x11:%lx", (gulong) gdk_x11_surface_get_xid (surface));
#endif

  start_handoff (self, draft, parent);
}

static void
open_url_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  MdCaseView *self = MD_CASE_VIEW (widget);

  if (self->draft == NULL || self->draft->url == NULL)
    return;

  gtk_show_uri (GTK_WINDOW (gtk_widget_get_root (widget)), self->draft->url, GDK_CURRENT_TIME);
  record (self, MD_CASE_EVENT_FORM_OPENED, self->draft->url);
}

static void
copy_text (MdCaseView *self,
           const char *text)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
}

static void
copy_text_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  MdCaseView *self = MD_CASE_VIEW (widget);
  g_autoptr(MdDraft) draft = md_case_view_dup_draft (self);

  if (draft == NULL)
    return;

  copy_text (self, md_draft_get_clipboard_text (draft));
  save_outgoing_draft (self, draft);
  record (self, MD_CASE_EVENT_REQUEST_COPIED, NULL);
  toast (self, _("Request text copied"));
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  MdCaseView *self = MD_CASE_VIEW (widget);

  copy_text (self, g_variant_get_string (parameter, NULL));
  toast (self, _("Copied"));
}

static void
eml_written_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GFile *file = G_FILE (object);
  g_autoptr(MdCaseView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *message = NULL;

  if (!g_file_replace_contents_finish (file, result, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast_error (self, _("Could not save the request"), error);
      return;
    }

  /* Translators: %s is a file name */
  message = g_strdup_printf (_("Saved as %s"), path);
  toast (self, message);
  if (self->session != NULL)
    record (self, MD_CASE_EVENT_REQUEST_SAVED, path);
}

static void
save_dialog_response_cb (GtkNativeDialog *dialog,
                         int              response,
                         gpointer         user_data)
{
  g_autoptr(MdCaseView) self = user_data;
  g_autoptr(GFile) file = NULL;
  g_autoptr(MdDraft) draft = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GError) error = NULL;

  if (response != GTK_RESPONSE_ACCEPT)
    goto out;

  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  draft = md_case_view_dup_draft (self);
  if (file == NULL || draft == NULL)
    goto out;

  now = g_date_time_new_now_local ();
  bytes = md_draft_to_eml (draft, now, &error);
  if (bytes == NULL)
    {
      toast_error (self, _("Could not save the request"), error);
      goto out;
    }

  save_outgoing_draft (self, draft);
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_NONE,
                                       self->cancellable, eml_written_cb, g_object_ref (self));

out:
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
save_eml_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  MdCaseView *self = MD_CASE_VIEW (widget);
  GtkFileChooserNative *dialog;
  GtkFileFilter *filter;

  if (self->draft == NULL)
    return;

  dialog = gtk_file_chooser_native_new (_("Save Request"),
                                        GTK_WINDOW (gtk_widget_get_root (widget)),
                                        GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Save"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), "delist-request.eml");
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("Mail Messages"));
  gtk_file_filter_add_mime_type (filter, "message/rfc822");
  gtk_file_filter_add_pattern (filter, "*.eml");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_object_unref (filter);

  g_signal_connect (dialog, "response", G_CALLBACK (save_dialog_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
recheck_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  md_case_view_start_checks (MD_CASE_VIEW (widget));
}

static void
cancel_checks_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  MdCaseView *self = MD_CASE_VIEW (widget);

  if (self->session != NULL)
    md_case_session_cancel_checks (self->session);
}

/* Follow-up */

static char *
format_event_time (GDateTime *timestamp)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (timestamp);

  /* Translators: date and time of a timeline entry, see g_date_time_format() */
  return g_date_time_format (local, _("%Y-%m-%d %H:%M"));
}

static void
fill_timeline (MdCaseView *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = md_case_session_list_events (self->session, &error);
  g_autoptr(MdCase) record = md_case_session_dup_case (self->session);

  if (events == NULL)
    toast_error (self, _("Could not read the case’s timeline"), error);

  for (guint i = 0; i < self->timeline_rows->len; i++)
    adw_expander_row_remove (self->timeline_row, g_ptr_array_index (self->timeline_rows, i));
  g_ptr_array_set_size (self->timeline_rows, 0);

  for (guint i = 0; events != NULL && i < events->len; i++)
    {
      const MdCaseEvent *event = g_ptr_array_index (events, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *when = format_event_time (event->timestamp);
      g_autofree char *subtitle = NULL;

      if (event->detail != NULL && event->detail[0] != '\0')
        subtitle = g_markup_printf_escaped ("%s · %s", when, event->detail);
      else
        subtitle = g_markup_escape_text (when, -1);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     md_case_event_kind_get_label (event->kind));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_expander_row_add_row (self->timeline_row, row);
      g_ptr_array_add (self->timeline_rows, row);
    }

  if (events != NULL)
    {
      g_autofree char *count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u entry",
                                                             "%u entries", events->len),
                                                events->len);
      adw_expander_row_set_subtitle (self->timeline_row, count);
    }

  if (record != NULL)
    {
      self->filling = TRUE;
      adw_combo_row_set_selected (self->status_row, record->status);
      self->filling = FALSE;
    }
}

static void
session_case_changed_cb (MdCaseView    *self,
                         MdCaseSession *session)
{
  fill_timeline (self);
}

static void
status_selected_cb (MdCaseView *self)
{
  g_autoptr(GError) error = NULL;
  guint selected = adw_combo_row_get_selected (self->status_row);

  if (self->filling || self->session == NULL || selected > MD_CASE_STATUS_CLOSED)
    return;

  if (!md_case_session_set_status (self->session, selected, &error))
    toast_error (self, _("Could not save the case"), error);
}

static void
save_notes (MdCaseView *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->notes_view);
  g_autoptr(GError) error = NULL;
  g_autofree char *notes = NULL;
  GtkTextIter start, end;

  g_clear_handle_id (&self->notes_save_id, g_source_remove);
  if (self->session == NULL)
    return;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  notes = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  if (!md_case_session_set_notes (self->session, notes, &error))
    toast_error (self, _("Could not save the notes"), error);
}

static gboolean
save_notes_timeout_cb (gpointer user_data)
{
  MdCaseView *self = user_data;

  self->notes_save_id = 0;
  save_notes (self);

  return G_SOURCE_REMOVE;
}

static void
notes_changed_cb (MdCaseView *self)
{
  if (self->filling)
    return;

  /* Saved a moment after the typing stops, and when the case is left. */
  g_clear_handle_id (&self->notes_save_id, g_source_remove);
  self->notes_save_id = g_timeout_add (800, save_notes_timeout_cb, self);
}

static void
fill_notes (MdCaseView *self)
{
  g_autoptr(MdCase) record = md_case_session_dup_case (self->session);

  self->filling = TRUE;
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->notes_view),
                            record != NULL ? record->notes : "", -1);
  self->filling = FALSE;
}

static void
disconnect_session (MdCaseView *self)
{
  if (self->session == NULL)
    return;

  if (self->notes_save_id != 0)
    save_notes (self);

  /* Leaving a case ends its work. */
  md_case_session_cancel_checks (self->session);
  g_signal_handlers_disconnect_by_data (self->session, self);
  unwatch_checks (self);
  g_clear_object (&self->session);
}

static void
md_case_view_dispose (GObject *object)
{
  MdCaseView *self = MD_CASE_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  disconnect_session (self);
  g_clear_handle_id (&self->progress_idle_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), MD_TYPE_CASE_VIEW);
  g_clear_object (&self->settings);
  g_clear_object (&self->handoff);
  g_clear_object (&self->http);
  g_clear_object (&self->sorter);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->draft, md_draft_free);
  g_clear_pointer (&self->channel, g_free);
  g_clear_pointer (&self->watched_checks, g_ptr_array_unref);
  g_clear_pointer (&self->timeline_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (md_case_view_parent_class)->dispose (object);
}

static void
md_case_view_class_init (MdCaseViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = md_case_view_dispose;

  /* A message for the window to show as a toast. */
  signals[TOAST] =
    g_signal_new ("toast",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/md-case-view.ui");
  gtk_widget_class_bind_template_child (widget_class, MdCaseView, scroller);
  gtk_widget_class_bind_template_child (widget_class, MdCaseView, rejections_box);
  gtk_widget_class_bind_template_child (widget_class, MdCaseView, checks_group);
  gtk_widget_class_bind_template_child (widget_class, MdCaseView, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, MdCaseView, subject_row);
  gtk_widget_class_bind_template_child (widget_class, MdCaseView, ip_row);
  gtk_widget_class_bind_template_child (widget_class, MdCaseView, domain_row);
  gtk_widget_class_bind_template_child (widget_class, MdCaseView, helo_row);
  gtk_widget_class_bind_template_child (widget_class, MdCaseView, recipient_domain_row);
  gtk_widget_class_bind_template_child (widget_class, MdCaseView, dkim_row);
  gtk_widget_class_bind_template_child (widget_class, MdCaseView, progress_label);
  gtk_widget_class_bind_template_child (widget_class, MdCaseView, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, MdCaseView, server_group);
  gtk_widget_class_bind_template_child (widget_class, MdCaseView, server_list);
  gtk_widget_class_bind_template_child (widget_class, MdCaseView, recipient_group);
  gtk_widget_class_bind_template_child (widget_class, MdCaseView, recipient_list);
  gtk_widget_class_bind_template_child (widget_class, MdCaseView, blocklist_group);
  gtk_widget_class_bind_template_child (widget_class, MdCaseView, blocklist_list);
  gtk_widget_class_bind_template_child (widget_class, MdCaseView, request_group);
  gtk_widget_class_bind_template_child (widget_class, MdCaseView, request_box);
  gtk_widget_class_bind_template_child (widget_class, MdCaseView, warnings_box);
  gtk_widget_class_bind_template_child (widget_class, MdCaseView, steps_label);
  gtk_widget_class_bind_template_child (widget_class, MdCaseView, draft_list);
  gtk_widget_class_bind_template_child (widget_class, MdCaseView, recipient_row);
  gtk_widget_class_bind_template_child (widget_class, MdCaseView, subject_line_row);
  gtk_widget_class_bind_template_child (widget_class, MdCaseView, body_view);
  gtk_widget_class_bind_template_child (widget_class, MdCaseView, extras_list);
  gtk_widget_class_bind_template_child (widget_class, MdCaseView, open_mail_button);
  gtk_widget_class_bind_template_child (widget_class, MdCaseView, open_url_button);
  gtk_widget_class_bind_template_child (widget_class, MdCaseView, save_eml_button);
  gtk_widget_class_bind_template_child (widget_class, MdCaseView, case_group);
  gtk_widget_class_bind_template_child (widget_class, MdCaseView, status_row);
  gtk_widget_class_bind_template_child (widget_class, MdCaseView, timeline_row);
  gtk_widget_class_bind_template_child (widget_class, MdCaseView, notes_view);
  gtk_widget_class_bind_template_callback (widget_class, subject_apply_cb);

  gtk_widget_class_install_action (widget_class, "case.recheck", NULL, recheck_action);
  gtk_widget_class_install_action (widget_class, "case.cancel-checks", NULL, cancel_checks_action);
  gtk_widget_class_install_action (widget_class, "case.open-mail", NULL, open_mail_action);
  gtk_widget_class_install_action (widget_class, "case.open-url", NULL, open_url_action);
  gtk_widget_class_install_action (widget_class, "case.save-eml", NULL, save_eml_action);
  gtk_widget_class_install_action (widget_class, "case.copy-text", NULL, copy_text_action);
  gtk_widget_class_install_action (widget_class, "case.copy", "s", copy_action);
}

static void
md_case_view_init (MdCaseView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_object_ref (md_settings_get_default ());
  self->cancellable = g_cancellable_new ();
  self->watched_checks = g_ptr_array_new_with_free_func (g_object_unref);
  self->timeline_rows = g_ptr_array_new ();
  self->sorter = GTK_SORTER (gtk_custom_sorter_new (sort_checks_cb, self, NULL));

  g_signal_connect_object (gtk_text_view_get_buffer (self->body_view), "changed",
                           G_CALLBACK (draft_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->recipient_row, "changed",
                           G_CALLBACK (draft_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->subject_line_row, "changed",
                           G_CALLBACK (draft_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_text_view_get_buffer (self->notes_view), "changed",
                           G_CALLBACK (notes_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->status_row, "notify::selected",
                           G_CALLBACK (status_selected_cb), self, G_CONNECT_SWAPPED);
}

MdCaseSession *
md_case_view_get_session (MdCaseView *self)
{
  g_return_val_if_fail (MD_IS_CASE_VIEW (self), NULL);

  return self->session;
}

void
md_case_view_set_session (MdCaseView    *self,
                          MdCaseSession *session)
{
  g_return_if_fail (MD_IS_CASE_VIEW (self));
  g_return_if_fail (!session || MD_IS_CASE_SESSION (session));

  if (self->session == session)
    return;

  disconnect_session (self);
  g_clear_pointer (&self->draft, md_draft_free);
  g_clear_pointer (&self->channel, g_free);
  g_clear_object (&self->handoff);

  if (session == NULL)
    return;

  self->session = g_object_ref (session);
  g_signal_connect_object (session, "checks-changed", G_CALLBACK (session_checks_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "checks-finished", G_CALLBACK (session_checks_finished_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "case-changed", G_CALLBACK (session_case_changed_cb),
                           self, G_CONNECT_SWAPPED);

  fill_rejections (self);
  fill_subject (self);
  bind_checks (self);
  rebuild_draft (self);
  fill_timeline (self);
  fill_notes (self);

  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
}

/* Brings a part of the case into view: "diagnosis", "checks", "request" or
 * "follow-up". */
static void
scroll_to_now (MdCaseView *self,
               GtkWidget  *target)
{
  GtkWidget *content = gtk_scrolled_window_get_child (self->scroller);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);
  double x = 0;
  double y = 0;

  /* The clamp sits in a viewport, whose origin moves as it scrolls. */
  if (GTK_IS_VIEWPORT (content))
    content = gtk_viewport_get_child (GTK_VIEWPORT (content));

  if (gtk_widget_translate_coordinates (target, content, 0, 0, &x, &y))
    gtk_adjustment_set_value (adjustment, MAX (0, y - 12));
}

static gboolean
scroll_tick_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  scroll_to_now (MD_CASE_VIEW (widget), user_data);

  return G_SOURCE_REMOVE;
}

/* Brings a part of the case into view: "diagnosis", "checks", "request" or
 * "follow-up". Again on the next frame, when rows just added have their
 * size and the scrolled area its full height. */
void
md_case_view_scroll_to (MdCaseView *self,
                        const char *section)
{
  GtkWidget *target;

  g_return_if_fail (MD_IS_CASE_VIEW (self));
  g_return_if_fail (section != NULL);

  if (g_str_equal (section, "checks"))
    target = GTK_WIDGET (self->checks_group);
  else if (g_str_equal (section, "request"))
    target = GTK_WIDGET (self->request_group);
  else if (g_str_equal (section, "follow-up"))
    target = self->case_group;
  else
    target = GTK_WIDGET (self->rejections_box);

  scroll_to_now (self, target);
  gtk_widget_add_tick_callback (GTK_WIDGET (self), scroll_tick_cb, target, NULL);
}

/* Drafts the request for @channel (a template id, e.g. "microsoft-follow-up"
 * for a "Not qualified for mitigation" answer) instead of the recommended
 * one; NULL goes back to the recommended channel. */
void
md_case_view_set_channel (MdCaseView *self,
                          const char *channel)
{
  g_return_if_fail (MD_IS_CASE_VIEW (self));

  if (self->session == NULL)
    return;

  g_free (self->channel);
  self->channel = g_strdup (channel);
  rebuild_draft (self);
  md_case_view_scroll_to (self, "request");
}
