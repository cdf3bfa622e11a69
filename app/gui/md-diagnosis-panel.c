/* md-diagnosis-panel.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "md-case-widgets.h"
#include "md-diagnosis-panel.h"

/* What the receiver said and what it means: a verdict card first (what
 * happened, what to do, the blocked IP, the way to the request), the facts
 * in an expander, and further rejections of the same text as a list bound
 * to a model. */

#define MD_TYPE_REJECTION_ITEM (md_rejection_item_get_type ())
G_DECLARE_FINAL_TYPE (MdRejectionItem, md_rejection_item, MD, REJECTION_ITEM, GObject)

#define MAX_OTHER_ROWS 50

/* One rejection of a session, as an item of the list's model. */
struct _MdRejectionItem
{
  GObject        parent_instance;

  MdCaseSession *session;
  guint          index;
};

G_DEFINE_FINAL_TYPE (MdRejectionItem, md_rejection_item, G_TYPE_OBJECT)

static void
md_rejection_item_dispose (GObject *object)
{
  g_clear_object (&MD_REJECTION_ITEM (object)->session);

  G_OBJECT_CLASS (md_rejection_item_parent_class)->dispose (object);
}

static void
md_rejection_item_class_init (MdRejectionItemClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = md_rejection_item_dispose;
}

static void
md_rejection_item_init (MdRejectionItem *self)
{
}

static MdRejectionItem *
md_rejection_item_new (MdCaseSession *session,
                       guint          index)
{
  MdRejectionItem *self = g_object_new (MD_TYPE_REJECTION_ITEM, NULL);

  self->session = g_object_ref (session);
  self->index = index;

  return self;
}

struct _MdDiagnosisPanel
{
  GtkWidget        parent_instance;

  /* Owned */
  MdCaseSession   *session;
  GListStore      *others;        /* MdRejectionItem */
  GPtrArray       *detail_rows;   /* rows in details_row, owned by it */

  /* Template widgets */
  GtkLabel        *headline_label;
  GtkLabel        *receiver_label;
  GtkLabel        *happened_label;
  GtkLabel        *todo_label;
  GtkWidget       *ip_box;
  GtkLabel        *ip_label;
  GtkWidget       *review_button;
  GtkWidget       *truncated_box;
  GtkLabel        *truncated_label;
  AdwExpanderRow  *details_row;
  GtkWidget       *others_group;
  GtkListBox      *others_list;
};

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (MdDiagnosisPanel, md_diagnosis_panel, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

/* "Microsoft · 5.7.511 · 550" */
static char *
receiver_line (const MdRejection *rejection)
{
  g_autoptr(GString) line = g_string_new (NULL);
  const char *provider = md_provider_display_name (rejection->provider);

  g_string_append (line, provider != NULL ? provider : _("Unknown receiver"));
  if (rejection->enhanced_status != NULL)
    g_string_append_printf (line, " · %s", rejection->enhanced_status);
  if (rejection->smtp_code != 0)
    g_string_append_printf (line, " · %u", rejection->smtp_code);
  if (rejection->temporary)
    g_string_append_printf (line, " · %s", _("temporary"));

  return g_string_free (g_steal_pointer (&line), FALSE);
}

/* The first sentence of the meaning, whitespace folded: the verdict says in
 * one sentence what happened; the whole text is in the details. */
static char *
first_sentence (const char *text)
{
  g_auto(GStrv) words = g_strsplit_set (text ? text : "", " \t\n", -1);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    {
      gsize len = strlen (words[i]);

      if (len == 0)
        continue;
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, words[i]);
      if (words[i][len - 1] == '.' || words[i][len - 1] == '!')
        break;
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static GtkWidget *
text_row (const char *title,
          const char *text)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_add_css_class (row, "property");

  return row;
}

/* The rows that say everything about one rejection, for an expander. */
static GPtrArray *
rejection_rows (const MdRejection   *rejection,
                const MdExplanation *explanation)
{
  GPtrArray *rows = g_ptr_array_new ();
  const char *stage = md_smtp_stage_get_label (rejection->stage);
  g_autofree char *steps = md_numbered_steps ((const char * const *) explanation->remedy);

  if (explanation->meaning != NULL && explanation->meaning[0] != '\0')
    g_ptr_array_add (rows, text_row (_("What It Means"), explanation->meaning));
  if (explanation->cause != NULL && explanation->cause[0] != '\0')
    g_ptr_array_add (rows, text_row (_("Likely Cause"), explanation->cause));
  if (steps[0] != '\0')
    g_ptr_array_add (rows, text_row (_("Steps"), steps));
  if (explanation->response_time != NULL && explanation->response_time[0] != '\0')
    g_ptr_array_add (rows, text_row (_("Expected Response"), explanation->response_time));
  if (rejection->blocked_ip != NULL)
    g_ptr_array_add (rows, md_fact_row_new (_("Blocked IP Address"), rejection->blocked_ip));
  if (rejection->remote_host != NULL || rejection->remote_ip != NULL)
    {
      g_autofree char *server = NULL;

      if (rejection->remote_host != NULL && rejection->remote_ip != NULL)
        server = g_strdup_printf ("%s [%s]", rejection->remote_host, rejection->remote_ip);
      else
        server = g_strdup (rejection->remote_host ? rejection->remote_host : rejection->remote_ip);
      g_ptr_array_add (rows, md_fact_row_new (_("Rejecting Server"), server));
    }
  if (rejection->recipient != NULL)
    g_ptr_array_add (rows, md_fact_row_new (_("Recipient"), rejection->recipient));
  if (stage != NULL)
    g_ptr_array_add (rows, md_fact_row_new (_("SMTP Stage"), stage));
  if (rejection->references != NULL && rejection->references[0] != NULL)
    {
      g_autofree char *refs = g_strjoinv (" ", rejection->references);
      g_ptr_array_add (rows, md_fact_row_new (_("References"), refs));
    }
  for (guint i = 0; i < rejection->contacts->len; i++)
    {
      const MdContact *contact = g_ptr_array_index (rejection->contacts, i);

      g_ptr_array_add (rows, md_fact_row_new (contact->kind == MD_CONTACT_EMAIL
                                              ? _("Contact Address") : _("Website"),
                                              contact->value));
    }

  return rows;
}

/* What a further rejection says, made when the user first opens it: a
 * pasted log holds hundreds, and each would be a dozen rows. */
static void
other_row_expanded_cb (AdwExpanderRow  *row,
                       GParamSpec      *pspec,
                       MdRejectionItem *ref)
{
  const MdRejection *rejection = md_case_session_get_rejection (ref->session, ref->index);
  const MdExplanation *explanation = md_case_session_get_explanation (ref->session, ref->index);
  g_autofree char *channel = NULL;
  g_autofree char *what_to_do = NULL;
  g_autoptr(GPtrArray) rows = NULL;

  if (!adw_expander_row_get_expanded (row))
    return;
  g_signal_handlers_disconnect_by_func (row, other_row_expanded_cb, ref);

  channel = md_explanation_describe_channel (explanation);
  /* Host names break only at dots, as in the primary rejection's. */
  what_to_do = md_break_host_names (channel);
  rows = rejection_rows (rejection, explanation);
  adw_expander_row_add_row (row, text_row (_("What to Do"), what_to_do));
  for (guint i = 0; i < rows->len; i++)
    adw_expander_row_add_row (row, g_ptr_array_index (rows, i));
  md_expander_row_lay_out_when_open (row);
}

static GtkWidget *
create_other_row_cb (gpointer item,
                     gpointer user_data)
{
  MdRejectionItem *ref = item;
  const MdRejection *rejection = md_case_session_get_rejection (ref->session, ref->index);
  const MdExplanation *explanation = md_case_session_get_explanation (ref->session, ref->index);
  GtkWidget *row = adw_expander_row_new ();
  g_autofree char *title = g_markup_escape_text (explanation->title, -1);
  g_autofree char *subtitle = receiver_line (rejection);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);
  g_signal_connect_data (row, "notify::expanded", G_CALLBACK (other_row_expanded_cb),
                         g_object_ref (ref), (GClosureNotify) g_object_unref, 0);

  return row;
}

static int
compare_by_provider (gconstpointer a,
                     gconstpointer b,
                     gpointer      user_data)
{
  MdCaseSession *session = user_data;
  guint ia = GPOINTER_TO_UINT (*(gpointer *) a);
  guint ib = GPOINTER_TO_UINT (*(gpointer *) b);
  int cmp = g_strcmp0 (md_case_session_get_rejection (session, ia)->provider,
                       md_case_session_get_rejection (session, ib)->provider);

  if (cmp != 0)
    return cmp;

  return (int) ia - (int) ib;
}

static void
fill_verdict (MdDiagnosisPanel *self)
{
  guint primary = md_case_session_get_primary_index (self->session);
  const MdRejection *rejection = md_case_session_get_rejection (self->session, primary);
  const MdExplanation *explanation = md_case_session_get_explanation (self->session, primary);
  g_autofree char *receiver = receiver_line (rejection);
  g_autofree char *happened = first_sentence (explanation->meaning);
  g_autofree char *what_to_do = md_explanation_describe_channel (explanation);
  g_autoptr(GPtrArray) rows = rejection_rows (rejection, explanation);
  g_autofree char *breakable = md_break_host_names (what_to_do);

  gtk_label_set_text (self->headline_label, explanation->title);
  gtk_label_set_text (self->receiver_label, receiver);
  gtk_label_set_text (self->happened_label, happened);
  gtk_widget_set_visible (GTK_WIDGET (self->happened_label), happened[0] != '\0');
  gtk_label_set_text (self->todo_label, breakable);
  gtk_label_set_text (self->ip_label, rejection->blocked_ip ? rejection->blocked_ip : "");
  gtk_widget_set_visible (self->ip_box, rejection->blocked_ip != NULL);
  /* Something to send, or nothing (fix and wait, or the recipient acts). */
  gtk_widget_set_visible (self->review_button,
                          explanation->channel_kind == MD_CHANNEL_EMAIL ||
                          explanation->channel_kind == MD_CHANNEL_PORTAL ||
                          explanation->channel_kind == MD_CHANNEL_FORM);

  for (guint i = 0; i < self->detail_rows->len; i++)
    adw_expander_row_remove (self->details_row, g_ptr_array_index (self->detail_rows, i));
  g_ptr_array_set_size (self->detail_rows, 0);
  for (guint i = 0; i < rows->len; i++)
    {
      adw_expander_row_add_row (self->details_row, g_ptr_array_index (rows, i));
      g_ptr_array_add (self->detail_rows, g_ptr_array_index (rows, i));
    }
  adw_expander_row_set_expanded (self->details_row, FALSE);
}

/* A text with more rejections than MailDoctor keeps (a mail log pasted as
 * a bounce) shows the first ones: say so, and point to the log reader,
 * which counts them all. */
static void
fill_truncated (MdDiagnosisPanel *self)
{
  MdDiagnosis *diagnosis = md_case_session_get_diagnosis (self->session);
  gboolean truncated = diagnosis != NULL && md_diagnosis_is_truncated (diagnosis);

  gtk_widget_set_visible (self->truncated_box, truncated);
  if (truncated)
    {
      guint seen = md_diagnosis_get_n_seen (diagnosis);
      guint kept = md_diagnosis_get_n_rejections (diagnosis);
      /* Translators: "Only the first 1000 of 1500 rejections are shown."; the
       * plural follows the second number; "Open Mail Log…" is the menu item */
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "Only the first %u of %u rejection "
                                                            "are shown. Open Mail Log… reads a "
                                                            "whole log and counts them all.",
                                                            "Only the first %u of %u rejections "
                                                            "are shown. Open Mail Log… reads a "
                                                            "whole log and counts them all.",
                                                            seen),
                                               kept, seen);

      gtk_label_set_text (self->truncated_label, text);
    }
}

/* Several rejections in one text: the others grouped by receiver. */
static void
fill_others (MdDiagnosisPanel *self)
{
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  guint primary = md_case_session_get_primary_index (self->session);
  guint n = md_case_session_get_n_rejections (self->session);

  for (guint i = 0; i < n; i++)
    if (i != primary)
      g_ptr_array_add (order, GUINT_TO_POINTER (i));
  g_ptr_array_sort_with_data (order, compare_by_provider, self->session);

  /* A row each for the first of them: a log pasted as a bounce holds up to
   * a thousand, and a thousand expander rows freeze the window for half a
   * minute. The rest are counted; Open Mail Log… reads such a log. */
  for (guint i = 0; i < MIN (order->len, MAX_OTHER_ROWS); i++)
    g_ptr_array_add (items, md_rejection_item_new (self->session,
                                                   GPOINTER_TO_UINT (order->pdata[i])));

  g_list_store_splice (self->others, 0, g_list_model_get_n_items (G_LIST_MODEL (self->others)),
                       items->pdata, items->len);
  if (order->len > items->len)
    {
      guint more = order->len - items->len;
      /* Translators: under the list of further rejections of a pasted text */
      g_autofree char *description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                                   "%u more is not listed here.",
                                                                   "%u more are not listed here.",
                                                                   more), more);

      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->others_group),
                                             description);
    }
  else
    {
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->others_group), NULL);
    }
  gtk_widget_set_visible (self->others_group, items->len > 0);
}

static void
md_diagnosis_panel_dispose (GObject *object)
{
  MdDiagnosisPanel *self = MD_DIAGNOSIS_PANEL (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), MD_TYPE_DIAGNOSIS_PANEL);
  /* The template's top box has no id, so dispose_template() leaves it. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->session);
  g_clear_object (&self->others);
  g_clear_pointer (&self->detail_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (md_diagnosis_panel_parent_class)->dispose (object);
}

static void
md_diagnosis_panel_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  MdDiagnosisPanel *self = MD_DIAGNOSIS_PANEL (object);

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
md_diagnosis_panel_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  MdDiagnosisPanel *self = MD_DIAGNOSIS_PANEL (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      md_diagnosis_panel_set_session (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
md_diagnosis_panel_class_init (MdDiagnosisPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = md_diagnosis_panel_dispose;
  object_class->get_property = md_diagnosis_panel_get_property;
  object_class->set_property = md_diagnosis_panel_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         MD_TYPE_CASE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/md-diagnosis-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, MdDiagnosisPanel, headline_label);
  gtk_widget_class_bind_template_child (widget_class, MdDiagnosisPanel, receiver_label);
  gtk_widget_class_bind_template_child (widget_class, MdDiagnosisPanel, happened_label);
  gtk_widget_class_bind_template_child (widget_class, MdDiagnosisPanel, todo_label);
  gtk_widget_class_bind_template_child (widget_class, MdDiagnosisPanel, ip_box);
  gtk_widget_class_bind_template_child (widget_class, MdDiagnosisPanel, ip_label);
  gtk_widget_class_bind_template_child (widget_class, MdDiagnosisPanel, review_button);
  gtk_widget_class_bind_template_child (widget_class, MdDiagnosisPanel, truncated_box);
  gtk_widget_class_bind_template_child (widget_class, MdDiagnosisPanel, truncated_label);
  gtk_widget_class_bind_template_child (widget_class, MdDiagnosisPanel, details_row);
  gtk_widget_class_bind_template_child (widget_class, MdDiagnosisPanel, others_group);
  gtk_widget_class_bind_template_child (widget_class, MdDiagnosisPanel, others_list);
}

static void
md_diagnosis_panel_init (MdDiagnosisPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  md_expander_row_lay_out_when_open (self->details_row);

  self->detail_rows = g_ptr_array_new ();
  self->others = g_list_store_new (MD_TYPE_REJECTION_ITEM);
  /* A pasted log holds hundreds of further rejections. */
  md_list_box_bind_model_gradually (self->others_list, G_LIST_MODEL (self->others), 10,
                                    create_other_row_cb, NULL);
}

MdCaseSession *
md_diagnosis_panel_get_session (MdDiagnosisPanel *self)
{
  g_return_val_if_fail (MD_IS_DIAGNOSIS_PANEL (self), NULL);

  return self->session;
}

void
md_diagnosis_panel_set_session (MdDiagnosisPanel *self,
                                MdCaseSession    *session)
{
  g_return_if_fail (MD_IS_DIAGNOSIS_PANEL (self));
  g_return_if_fail (!session || MD_IS_CASE_SESSION (session));

  if (!g_set_object (&self->session, session))
    return;

  if (session != NULL)
    {
      fill_verdict (self);
      fill_truncated (self);
      fill_others (self);
    }
  else
    {
      g_list_store_remove_all (self->others);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

/* What gets the focus when the case is shown. */
GtkWidget *
md_diagnosis_panel_get_primary_action (MdDiagnosisPanel *self)
{
  g_return_val_if_fail (MD_IS_DIAGNOSIS_PANEL (self), NULL);

  return self->review_button;
}
