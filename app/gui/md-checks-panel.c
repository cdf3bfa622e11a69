/* md-checks-panel.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "md-case-widgets.h"
#include "md-check-row.h"
#include "md-checks-panel.h"
#include "md-resolver-banner.h"
#include "md-settings.h"

/* The checks of a case: what is checked (editable), the progress, the
 * resolver banner, and the results by section as they come in. Checks that
 * could not decide because the resolver cannot be trusted leave their
 * sections for one summary row under the banner. Follows its session
 * through a signal group, so switching case is one set_session(). The
 * keys of keyed lists (the Spamhaus DQS key, from the keyring) go with
 * every session shown. */
struct _MdChecksPanel
{
  GtkWidget             parent_instance;

  /* Owned */
  MdCaseSession        *session;
  GSignalGroup         *session_signals;
  GSignalGroup         *checks_signals;  /* the session's checks model */
  MdSettings           *settings;
  MdHttp               *http;            /* for the checks over HTTPS */
  GtkSorter            *sorter;
  GPtrArray            *watched_checks;  /* MdCheck* whose notify::status we follow */
  GPtrArray            *section_filters; /* GtkFilter*: a section, less the resolver's */
  GtkFilter            *affected_filter; /* the checks the resolver spoiled */
  guint                 n_affected;
  gboolean              start_deferred;  /* a run waits for the keyring (MdSettings) */
  guint                 keys_wait_id;
  guint                 progress_idle_id;

  /* Template widgets */
  GtkWidget            *cancel_button;
  AdwExpanderRow       *subject_row;
  AdwEntryRow          *ip_row;
  AdwEntryRow          *domain_row;
  AdwEntryRow          *helo_row;
  AdwEntryRow          *recipient_domain_row;
  AdwEntryRow          *dkim_row;
  GtkLabel             *error_label;
  GtkLabel             *progress_label;
  GtkProgressBar       *progress_bar;
  MdResolverBanner     *resolver_banner;
  GtkWidget            *undecided_list;
  AdwExpanderRow       *undecided_row;
  GtkListBox           *undecided_checks;
  GtkWidget            *domain_group;
  AdwEntryRow          *domain_missing_row;
  GtkWidget            *server_group;
  GtkListBox           *server_list;
  GtkWidget            *recipient_group;
  GtkListBox           *recipient_list;
  GtkWidget            *blocklist_group;
  GtkListBox           *blocklist_list;
};

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (MdChecksPanel, md_checks_panel, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

/* What went wrong stays in the panel, next to the fields it is about, until
 * the next try: not a toast that is gone before it is read. */
static void
show_error (MdChecksPanel *self,
            const char    *message)
{
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
show_gerror (MdChecksPanel *self,
             const char    *what,
             const GError  *error)
{
  g_autofree char *message = g_strdup_printf ("%s: %s", what, error->message);

  show_error (self, message);
}

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
  return g_str_equal (section_of (item), user_data) &&
         !md_resolver_banner_check_is_affected (item);
}

static gboolean
filter_affected_cb (gpointer item,
                    gpointer user_data)
{
  return md_resolver_banner_check_is_affected (item);
}

/* By how much the receivers care (the check's weight), then by title: an
 * order that does not depend on results, so rows never jump as answers
 * arrive and the sorted model never has to be rebuilt when the run ends.
 * What needs attention is counted in the progress line and named in the
 * verdict. */
static int
sort_checks_cb (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  MdCheck *ca = (MdCheck *) a;
  MdCheck *cb = (MdCheck *) b;
  int wa = md_check_get_weight (ca);
  int wb = md_check_get_weight (cb);

  if (wa != wb)
    return wa > wb ? -1 : 1;

  return g_strcmp0 (md_check_get_title (ca), md_check_get_title (cb));
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

/* Hundreds of block lists become rows over a few frames. */
#define ROWS_PER_FRAME 4

static void
bind_section (MdChecksPanel *self,
              GListModel    *checks,
              GtkListBox    *list,
              GtkWidget     *group,
              const char    *section)
{
  GtkFilter *filter;
  GtkSortListModel *sorted;
  GtkFilterListModel *filtered;

  if (checks == NULL)
    {
      md_list_box_bind_model_gradually (list, NULL, ROWS_PER_FRAME, NULL, NULL);
      gtk_widget_set_visible (group, FALSE);
      return;
    }

  filter = GTK_FILTER (gtk_custom_filter_new (filter_section_cb, (gpointer) section, NULL));
  g_ptr_array_add (self->section_filters, g_object_ref (filter));
  sorted = gtk_sort_list_model_new (g_object_ref (checks), g_object_ref (self->sorter));
  filtered = gtk_filter_list_model_new (G_LIST_MODEL (sorted), filter);

  g_signal_connect_object (filtered, "items-changed", G_CALLBACK (section_items_changed_cb),
                           group, 0);
  md_list_box_bind_model_gradually (list, G_LIST_MODEL (filtered), ROWS_PER_FRAME,
                                    create_check_row_cb, NULL);
  gtk_widget_set_visible (group, g_list_model_get_n_items (G_LIST_MODEL (filtered)) > 0);
  g_object_unref (filtered);
}

/* A check in the summary row: its name only. Its summary is the banner's
 * sentence again, and an expander row inside an expander row would show
 * its arrow turned as if open. */
static GtkWidget *
create_affected_row_cb (gpointer item,
                        gpointer user_data)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *title = g_markup_escape_text (md_check_get_title (item), -1);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);

  return row;
}

static void
bind_affected (MdChecksPanel *self,
               GListModel    *checks)
{
  GtkSortListModel *sorted;
  GtkFilterListModel *filtered;

  g_clear_object (&self->affected_filter);
  self->n_affected = 0;
  gtk_widget_set_visible (self->undecided_list, FALSE);
  if (checks == NULL)
    {
      gtk_list_box_bind_model (self->undecided_checks, NULL, NULL, NULL, NULL);
      return;
    }

  self->affected_filter = GTK_FILTER (gtk_custom_filter_new (filter_affected_cb, NULL, NULL));
  sorted = gtk_sort_list_model_new (g_object_ref (checks), g_object_ref (self->sorter));
  filtered = gtk_filter_list_model_new (G_LIST_MODEL (sorted),
                                        g_object_ref (self->affected_filter));
  gtk_list_box_bind_model (self->undecided_checks, G_LIST_MODEL (filtered),
                           create_affected_row_cb, NULL, NULL);
  g_object_unref (filtered);
}

/* The resolver's state as the run knows it, or as a saved check recorded
 * it (a case opened later has no run). */
static MdResolverTrust
affected_trust (MdChecksPanel *self,
                GListModel    *checks)
{
  MdCheckRun *run = md_case_session_get_check_run (self->session);
  guint n = g_list_model_get_n_items (checks);

  if (run != NULL && md_check_run_get_resolver_trust (run) != MD_RESOLVER_TRUST_PROBING)
    return md_check_run_get_resolver_trust (run);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MdCheck) check = g_list_model_get_item (checks, i);
      JsonObject *details = md_check_get_details (check);
      const char *state;

      if (!md_resolver_banner_check_is_affected (check) ||
          !json_object_has_member (details, "resolver_state"))
        continue;
      state = json_object_get_string_member (details, "resolver_state");
      for (MdResolverTrust trust = MD_RESOLVER_TRUST_PROBING;
           trust <= MD_RESOLVER_TRUST_UNREACHABLE; trust++)
        if (g_strcmp0 (md_resolver_trust_to_string (trust), state) == 0)
          return trust;
    }

  return MD_RESOLVER_TRUST_PROBING;
}

/* A check leaves its section for the summary row when it turns out to be
 * the resolver's doing. Within a run a check only ever becomes affected,
 * so the sections only lose rows and the summary only gains them. */
static void
update_affected (MdChecksPanel *self,
                 GListModel    *checks,
                 guint          n_affected)
{
  MdResolverTrust trust;
  const char *reason;
  g_autofree char *title = NULL;

  if (n_affected != self->n_affected)
    {
      for (guint i = 0; i < self->section_filters->len; i++)
        gtk_filter_changed (g_ptr_array_index (self->section_filters, i),
                            n_affected > self->n_affected ? GTK_FILTER_CHANGE_MORE_STRICT
                                                          : GTK_FILTER_CHANGE_DIFFERENT);
      if (self->affected_filter != NULL)
        gtk_filter_changed (self->affected_filter,
                            n_affected > self->n_affected ? GTK_FILTER_CHANGE_LESS_STRICT
                                                          : GTK_FILTER_CHANGE_DIFFERENT);
      self->n_affected = n_affected;
    }

  gtk_widget_set_visible (self->undecided_list, n_affected > 0);
  if (n_affected == 0)
    return;

  trust = affected_trust (self, checks);
  switch (trust)
    {
    case MD_RESOLVER_TRUST_DENIES:
      reason = _("the resolver denies names that exist");
      break;
    case MD_RESOLVER_TRUST_REWRITES:
      reason = _("the resolver makes up answers");
      break;
    case MD_RESOLVER_TRUST_UNREACHABLE:
      reason = _("the resolver gives no usable answers");
      break;
    case MD_RESOLVER_TRUST_REFUSED:
      reason = _("block lists refuse the resolver");
      break;
    case MD_RESOLVER_TRUST_PROBING:
    case MD_RESOLVER_TRUST_TRUSTED:
    default:
      reason = _("the resolver cannot be trusted");
      break;
    }
  /* Translators: the summary row of the checks the resolver spoiled; %s
   * says why: "the resolver denies names that exist" */
  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u check could not decide: %s",
                                        "%u checks could not decide: %s", n_affected),
                           n_affected, reason);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->undecided_row), title);
  adw_expander_row_set_subtitle (self->undecided_row,
                                 _("Their answers are not trusted, so they are no verdicts. "
                                   "Check again with a resolver that answers truthfully."));
}

static gboolean
update_progress_idle_cb (gpointer user_data)
{
  MdChecksPanel *self = user_data;
  GListModel *checks;
  MdCheckRun *run;
  guint n;
  guint done = 0;
  guint problems = 0;
  guint warnings = 0;
  guint undecided = 0;
  guint affected = 0;
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
        case MD_CHECK_STATUS_ERROR:
          undecided++;
          done++;
          if (md_resolver_banner_check_is_affected (check))
            affected++;
          break;
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
      /* Translators: checks whose status is "could not decide" (glossary) */
      g_autofree char *u = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u could not decide",
                                                         "%u could not decide", undecided),
                                            undecided);

      text = g_strdup_printf ("%s · %s · %s · %s", progress, p, w, u);
    }
  gtk_label_set_text (self->progress_label, text);
  update_affected (self, checks, affected);

  return G_SOURCE_REMOVE;
}

static void
queue_progress_update (MdChecksPanel *self)
{
  if (self->progress_idle_id == 0)
    self->progress_idle_id = g_idle_add (update_progress_idle_cb, self);
}

static void
unwatch_checks (MdChecksPanel *self)
{
  for (guint i = 0; i < self->watched_checks->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->watched_checks, i), self);
  g_ptr_array_set_size (self->watched_checks, 0);
}

static void
watch_checks (MdChecksPanel *self,
              GListModel    *checks,
              guint          position,
              guint          added)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(MdCheck) check = g_list_model_get_item (checks, i);

      g_signal_connect_object (check, "notify::status", G_CALLBACK (queue_progress_update),
                               self, G_CONNECT_SWAPPED);
      g_ptr_array_add (self->watched_checks, g_object_ref (check));
    }
}

static void
checks_items_changed_cb (MdChecksPanel *self,
                         guint          position,
                         guint          removed,
                         guint          added,
                         GListModel    *checks)
{
  watch_checks (self, checks, position, added);
  queue_progress_update (self);
}

static void
bind_checks (MdChecksPanel *self)
{
  GListModel *checks = self->session ? md_case_session_get_checks (self->session) : NULL;

  unwatch_checks (self);
  g_signal_group_set_target (self->checks_signals, checks);
  md_resolver_banner_set_run (self->resolver_banner,
                              self->session ? md_case_session_get_check_run (self->session)
                                            : NULL);
  g_ptr_array_set_size (self->section_filters, 0);
  bind_affected (self, checks);
  bind_section (self, checks, self->server_list, self->server_group, "server");
  bind_section (self, checks, self->recipient_list, self->recipient_group, "recipient");
  bind_section (self, checks, self->blocklist_list, self->blocklist_group, "blocklists");
  if (checks != NULL)
    watch_checks (self, checks, 0, g_list_model_get_n_items (checks));
  queue_progress_update (self);
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
fill_subject (MdChecksPanel *self)
{
  g_autofree char *ip = NULL;
  g_autofree char *domain = NULL;
  g_autofree char *helo = NULL;
  g_autofree char *recipient_domain = NULL;
  g_auto(GStrv) sending_domains = md_settings_dup_sending_domains (self->settings);
  g_auto(GStrv) selectors = NULL;
  g_autofree char *joined = NULL;
  const MdCheckSubject *checked = md_case_session_get_checked_subject (self->session);

  if (checked != NULL)
    {
      ip = g_strdup (checked->ip);
      domain = g_strdup (checked->domain);
      helo = g_strdup (checked->helo);
      recipient_domain = g_strdup (checked->recipient_domain);
    }
  else
    {
      g_autoptr(MdSubjectGuess) guess = NULL;

      guess = md_case_session_guess_subject (self->session,
                                             (const char * const *) sending_domains);
      ip = g_steal_pointer (&guess->ip);
      domain = g_steal_pointer (&guess->domain);
      helo = g_steal_pointer (&guess->helo);
      recipient_domain = g_steal_pointer (&guess->recipient_domain);
    }

  if (checked != NULL && checked->dkim_selectors != NULL)
    selectors = g_strdupv (checked->dkim_selectors);
  else
    selectors = md_settings_dup_dkim_selectors (self->settings);
  joined = selectors != NULL ? g_strjoinv (", ", selectors) : g_strdup ("");

  set_entry (self->dkim_row, joined);
  set_entry (self->ip_row, ip);
  set_entry (self->domain_row, domain);
  set_entry (self->helo_row, helo);
  set_entry (self->recipient_domain_row, recipient_domain);
  set_entry (self->domain_missing_row, NULL);
  gtk_widget_set_visible (self->domain_group, domain == NULL);
  adw_expander_row_set_subtitle (self->subject_row, ip ? ip : _("No IP address known yet"));
}

static void
session_checks_changed_cb (MdChecksPanel *self)
{
  bind_checks (self);
}

static void
session_checks_finished_cb (MdChecksPanel *self)
{
  queue_progress_update (self);
}

static void
subject_apply_cb (MdChecksPanel *self)
{
  md_checks_panel_start_checks (self);
}

/* The sending domain, given where SPF, DKIM and DMARC wait for it: it goes
 * into "What Is Checked" and the checks run again with it. */
static void
domain_missing_apply_cb (MdChecksPanel *self)
{
  g_autofree char *domain = entry_text (self->domain_missing_row);

  if (domain == NULL)
    return;

  set_entry (self->domain_row, domain);
  md_checks_panel_start_checks (self);
}

/* Keyed lists */

#define KEYS_WAIT_MS 1500

static gboolean start_checks_now (MdChecksPanel *self);

static void
start_deferred (MdChecksPanel *self)
{
  g_clear_handle_id (&self->keys_wait_id, g_source_remove);
  if (!self->start_deferred)
    return;

  self->start_deferred = FALSE;
  start_checks_now (self);
}

static gboolean
keys_wait_timeout_cb (gpointer user_data)
{
  MdChecksPanel *self = user_data;

  self->keys_wait_id = 0;
  g_debug ("DQS key: the keyring did not answer in time; checking without");
  start_deferred (self);

  return G_SOURCE_REMOVE;
}

static void
md_checks_panel_dispose (GObject *object)
{
  MdChecksPanel *self = MD_CHECKS_PANEL (object);
  GtkWidget *child;

  md_checks_panel_set_session (self, NULL);
  g_clear_handle_id (&self->progress_idle_id, g_source_remove);
  g_clear_handle_id (&self->keys_wait_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), MD_TYPE_CHECKS_PANEL);
  /* The template's top box has no id, so dispose_template() leaves it. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->session_signals);
  g_clear_object (&self->checks_signals);
  g_clear_object (&self->settings);
  g_clear_object (&self->http);
  g_clear_object (&self->sorter);
  g_clear_pointer (&self->watched_checks, g_ptr_array_unref);
  g_clear_pointer (&self->section_filters, g_ptr_array_unref);
  g_clear_object (&self->affected_filter);

  G_OBJECT_CLASS (md_checks_panel_parent_class)->dispose (object);
}

static void
md_checks_panel_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  MdChecksPanel *self = MD_CHECKS_PANEL (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
md_checks_panel_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  MdChecksPanel *self = MD_CHECKS_PANEL (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      md_checks_panel_set_session (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
md_checks_panel_class_init (MdChecksPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = md_checks_panel_dispose;
  object_class->get_property = md_checks_panel_get_property;
  object_class->set_property = md_checks_panel_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         MD_TYPE_CASE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (MD_TYPE_RESOLVER_BANNER);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/md-checks-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, MdChecksPanel, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, MdChecksPanel, subject_row);
  gtk_widget_class_bind_template_child (widget_class, MdChecksPanel, ip_row);
  gtk_widget_class_bind_template_child (widget_class, MdChecksPanel, domain_row);
  gtk_widget_class_bind_template_child (widget_class, MdChecksPanel, helo_row);
  gtk_widget_class_bind_template_child (widget_class, MdChecksPanel, recipient_domain_row);
  gtk_widget_class_bind_template_child (widget_class, MdChecksPanel, dkim_row);
  gtk_widget_class_bind_template_child (widget_class, MdChecksPanel, error_label);
  gtk_widget_class_bind_template_child (widget_class, MdChecksPanel, progress_label);
  gtk_widget_class_bind_template_child (widget_class, MdChecksPanel, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, MdChecksPanel, resolver_banner);
  gtk_widget_class_bind_template_child (widget_class, MdChecksPanel, undecided_list);
  gtk_widget_class_bind_template_child (widget_class, MdChecksPanel, undecided_row);
  gtk_widget_class_bind_template_child (widget_class, MdChecksPanel, undecided_checks);
  gtk_widget_class_bind_template_child (widget_class, MdChecksPanel, domain_group);
  gtk_widget_class_bind_template_child (widget_class, MdChecksPanel, domain_missing_row);
  gtk_widget_class_bind_template_child (widget_class, MdChecksPanel, server_group);
  gtk_widget_class_bind_template_child (widget_class, MdChecksPanel, server_list);
  gtk_widget_class_bind_template_child (widget_class, MdChecksPanel, recipient_group);
  gtk_widget_class_bind_template_child (widget_class, MdChecksPanel, recipient_list);
  gtk_widget_class_bind_template_child (widget_class, MdChecksPanel, blocklist_group);
  gtk_widget_class_bind_template_child (widget_class, MdChecksPanel, blocklist_list);
  gtk_widget_class_bind_template_callback (widget_class, subject_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, domain_missing_apply_cb);
}

static void
md_checks_panel_init (MdChecksPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  md_expander_row_lay_out_when_open (self->subject_row);
  md_expander_row_lay_out_when_open (self->undecided_row);

  self->settings = g_object_ref (md_settings_get_default ());
  self->watched_checks = g_ptr_array_new_with_free_func (g_object_unref);
  self->section_filters = g_ptr_array_new_with_free_func (g_object_unref);
  self->sorter = GTK_SORTER (gtk_custom_sorter_new (sort_checks_cb, NULL, NULL));

  self->session_signals = g_signal_group_new (MD_TYPE_CASE_SESSION);
  g_signal_group_connect_object (self->session_signals, "checks-changed",
                                 G_CALLBACK (session_checks_changed_cb), self,
                                 G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->session_signals, "checks-finished",
                                 G_CALLBACK (session_checks_finished_cb), self,
                                 G_CONNECT_SWAPPED);

  self->checks_signals = g_signal_group_new (G_TYPE_LIST_MODEL);
  g_signal_group_connect_object (self->checks_signals, "items-changed",
                                 G_CALLBACK (checks_items_changed_cb), self,
                                 G_CONNECT_SWAPPED);

  /* The settings read the keys at start and again when Preferences
   * changes them; they stay in memory, never in the case. */
  g_signal_connect_object (self->settings, "list-keys-changed",
                           G_CALLBACK (start_deferred), self, G_CONNECT_SWAPPED);
}

MdCaseSession *
md_checks_panel_get_session (MdChecksPanel *self)
{
  g_return_val_if_fail (MD_IS_CHECKS_PANEL (self), NULL);

  return self->session;
}

void
md_checks_panel_set_session (MdChecksPanel *self,
                             MdCaseSession *session)
{
  g_return_if_fail (MD_IS_CHECKS_PANEL (self));
  g_return_if_fail (!session || MD_IS_CASE_SESSION (session));

  if (self->session == session)
    return;

  /* Leaving a case ends its work. */
  if (self->session != NULL)
    md_case_session_cancel_checks (self->session);

  /* A run that waited for the keys was for the case being left. */
  self->start_deferred = FALSE;
  g_clear_handle_id (&self->keys_wait_id, g_source_remove);

  g_set_object (&self->session, session);
  g_signal_group_set_target (self->session_signals, session);
  show_error (self, NULL);
  bind_checks (self);
  if (session != NULL)
    fill_subject (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

static gboolean
start_checks_now (MdChecksPanel *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MdDnsSource) source = NULL;
  g_autoptr(MdCheckRunOptions) options = NULL;
  g_autoptr(MdCheckSubject) subject = NULL;
  g_autofree char *ip = NULL;
  g_autofree char *domain = NULL;
  g_autofree char *helo = NULL;
  g_autofree char *recipient_domain = NULL;
  g_autofree char *dkim = NULL;
  g_auto(GStrv) parts = NULL;
  g_auto(GStrv) selectors = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (self->session == NULL)
    return FALSE;

  show_error (self, NULL);
  ip = entry_text (self->ip_row);
  domain = entry_text (self->domain_row);
  helo = entry_text (self->helo_row);
  recipient_domain = entry_text (self->recipient_domain_row);

  if (ip == NULL)
    {
      adw_expander_row_set_expanded (self->subject_row, TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->ip_row));
      show_error (self, _("Enter the IP address of your sending server to check it."));
      return FALSE;
    }

  subject = md_check_subject_new (ip, domain, helo, recipient_domain, &error);
  if (subject == NULL)
    {
      show_gerror (self, _("Cannot check"), error);
      return FALSE;
    }

  dkim = entry_text (self->dkim_row);
  parts = g_strsplit_set (dkim ? dkim : "", ", \t", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (parts[i][0] != '\0')
      g_strv_builder_add (builder, parts[i]);
  selectors = g_strv_builder_end (builder);
  if (selectors[0] != NULL && domain == NULL)
    {
      show_error (self, _("DKIM selectors need the sending domain."));
      return FALSE;
    }
  if (!md_check_subject_set_dkim_selectors (subject, (const char * const *) selectors, &error))
    {
      show_gerror (self, _("Cannot check"), error);
      return FALSE;
    }

  if (self->http == NULL && md_settings_get_web_checks (self->settings))
    self->http = md_http_new ();
  options = md_settings_new_check_run_options (self->settings, self->http, &source, &error);
  if (options == NULL)
    {
      show_gerror (self, _("The DNS resolver is not usable"), error);
      return FALSE;
    }

  if (md_case_session_start_checks (self->session, source, subject, options, &error) == NULL)
    {
      show_gerror (self, _("Cannot check"), error);
      return FALSE;
    }

  adw_expander_row_set_subtitle (self->subject_row, ip);
  set_entry (self->domain_missing_row, NULL);
  gtk_widget_set_visible (self->domain_group, domain == NULL);
  queue_progress_update (self);

  return TRUE;
}

/* Starts a run of what "What Is Checked" says. While the keyring is still
 * being read (the window was just built), the start waits for the keys, at
 * most KEYS_WAIT_MS: a keyring that asks to be unlocked must not hold the
 * checks back, and a run started without the key would ask Spamhaus's
 * public mirrors, which refuse most users' resolvers. */
gboolean
md_checks_panel_start_checks (MdChecksPanel *self)
{
  g_autofree char *ip = NULL;

  g_return_val_if_fail (MD_IS_CHECKS_PANEL (self), FALSE);

  if (self->session == NULL)
    return FALSE;

  ip = entry_text (self->ip_row);
  if (!md_settings_get_list_keys_pending (self->settings) || ip == NULL)
    return start_checks_now (self);

  show_error (self, NULL);
  self->start_deferred = TRUE;
  if (self->keys_wait_id == 0)
    self->keys_wait_id = g_timeout_add (KEYS_WAIT_MS, keys_wait_timeout_cb, self);

  return TRUE;
}
