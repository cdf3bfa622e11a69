/* md-case-view.c
 *
 * Copyright 2026 The MailDoctor authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "md-case-view.h"
#include "md-checks-panel.h"
#include "md-diagnosis-panel.h"
#include "md-follow-up-panel.h"
#include "md-request-panel.h"

/* One case: a container for its panels — the diagnosis, the checks, the
 * request and the follow-up — as GNOME Text Editor's page holds its parts.
 * Each panel has a "session" property bound to this view's, so switching
 * case is one set_property; the panels follow their session through signal
 * groups. The "case." actions live here, where every panel's buttons find
 * them. */
struct _MdCaseView
{
  GtkWidget          parent_instance;

  /* Owned */
  MdCaseSession     *session;

  /* Template widgets */
  GtkScrolledWindow *scroller;
  MdDiagnosisPanel  *diagnosis_panel;
  MdChecksPanel     *checks_panel;
  MdRequestPanel    *request_panel;
  MdFollowUpPanel   *follow_up_panel;

  /* The request and the follow-up, below the fold, get the session in the
   * frames after the verdict (see md_case_view_set_session()). */
  guint              lower_panels_id;
  guint              lower_panels_frames;
};

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

enum {
  TOAST,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (MdCaseView, md_case_view, GTK_TYPE_WIDGET)

static void ensure_lower_panels (MdCaseView *self);

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
panel_toast_cb (MdCaseView *self,
                AdwToast   *toast)
{
  g_signal_emit (self, signals[TOAST], 0, toast);
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

static void
open_mail_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  md_request_panel_open_mail (md_case_view_get_request_panel (MD_CASE_VIEW (widget)));
}

static void
open_url_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  md_request_panel_open_url (md_case_view_get_request_panel (MD_CASE_VIEW (widget)));
}

static void
save_eml_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  md_request_panel_save_eml (md_case_view_get_request_panel (MD_CASE_VIEW (widget)));
}

static void
copy_text_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  md_request_panel_copy_text (md_case_view_get_request_panel (MD_CASE_VIEW (widget)));
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  MdCaseView *self = MD_CASE_VIEW (widget);
  g_autoptr(AdwToast) toast = adw_toast_new (_("Copied"));

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget),
                          g_variant_get_string (parameter, NULL));
  g_signal_emit (self, signals[TOAST], 0, toast);
}

static void
review_request_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  MdCaseView *self = MD_CASE_VIEW (widget);

  ensure_lower_panels (self);
  md_case_view_scroll_to (self, "request");
  gtk_widget_grab_focus (md_request_panel_get_primary_action (self->request_panel));
}

static void
reset_request_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  md_request_panel_reset (md_case_view_get_request_panel (MD_CASE_VIEW (widget)));
}

static void
undo_reset_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  md_request_panel_undo_reset (md_case_view_get_request_panel (MD_CASE_VIEW (widget)));
}

static void
add_step_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  md_request_panel_focus_add_step (md_case_view_get_request_panel (MD_CASE_VIEW (widget)));
}

static void
back_to_request_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  md_case_view_set_channel (MD_CASE_VIEW (widget), NULL);
}

static void
md_case_view_dispose (GObject *object)
{
  MdCaseView *self = MD_CASE_VIEW (object);

  md_case_view_set_session (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), MD_TYPE_CASE_VIEW);

  G_OBJECT_CLASS (md_case_view_parent_class)->dispose (object);
}

static void
md_case_view_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  MdCaseView *self = MD_CASE_VIEW (object);

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
md_case_view_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  MdCaseView *self = MD_CASE_VIEW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      md_case_view_set_session (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
md_case_view_class_init (MdCaseViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = md_case_view_dispose;
  object_class->get_property = md_case_view_get_property;
  object_class->set_property = md_case_view_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         MD_TYPE_CASE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A confirmation for the window to show (an AdwToast). */
  signals[TOAST] =
    g_signal_new ("toast",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, ADW_TYPE_TOAST);

  g_type_ensure (MD_TYPE_DIAGNOSIS_PANEL);
  g_type_ensure (MD_TYPE_CHECKS_PANEL);
  g_type_ensure (MD_TYPE_REQUEST_PANEL);
  g_type_ensure (MD_TYPE_FOLLOW_UP_PANEL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/md-case-view.ui");
  gtk_widget_class_bind_template_child (widget_class, MdCaseView, scroller);
  gtk_widget_class_bind_template_child (widget_class, MdCaseView, diagnosis_panel);
  gtk_widget_class_bind_template_child (widget_class, MdCaseView, checks_panel);
  gtk_widget_class_bind_template_child (widget_class, MdCaseView, request_panel);
  gtk_widget_class_bind_template_child (widget_class, MdCaseView, follow_up_panel);

  gtk_widget_class_install_action (widget_class, "case.recheck", NULL, recheck_action);
  gtk_widget_class_install_action (widget_class, "case.cancel-checks", NULL, cancel_checks_action);
  gtk_widget_class_install_action (widget_class, "case.open-mail", NULL, open_mail_action);
  gtk_widget_class_install_action (widget_class, "case.open-url", NULL, open_url_action);
  gtk_widget_class_install_action (widget_class, "case.save-eml", NULL, save_eml_action);
  gtk_widget_class_install_action (widget_class, "case.copy-text", NULL, copy_text_action);
  gtk_widget_class_install_action (widget_class, "case.copy", "s", copy_action);
  gtk_widget_class_install_action (widget_class, "case.review-request", NULL,
                                   review_request_action);
  gtk_widget_class_install_action (widget_class, "case.reset-request", NULL,
                                   reset_request_action);
  gtk_widget_class_install_action (widget_class, "case.undo-reset", NULL, undo_reset_action);
  gtk_widget_class_install_action (widget_class, "case.add-step", NULL, add_step_action);
  gtk_widget_class_install_action (widget_class, "case.back-to-request", NULL,
                                   back_to_request_action);
}

static void
md_case_view_init (MdCaseView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* One property to switch case: every panel follows the view's session. */
  g_object_bind_property (self, "session", self->diagnosis_panel, "session",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self, "session", self->checks_panel, "session",
                          G_BINDING_SYNC_CREATE);

  g_signal_connect_object (self->request_panel, "toast", G_CALLBACK (panel_toast_cb), self,
                           G_CONNECT_SWAPPED);
}

/* The request and follow-up panels follow the view's session too, a few
 * frames later and hidden until then: the verdict and the checks are laid
 * out and drawn first, and the window never lays out the whole case in one
 * frame (measured: bench-window.sh). Anyone asking for them before gets them
 * at once (ensure_lower_panels()). */
static void
set_lower_sessions (MdCaseView *self)
{
  md_request_panel_set_session (self->request_panel, self->session);
  md_follow_up_panel_set_session (self->follow_up_panel, self->session);
  gtk_widget_set_visible (GTK_WIDGET (self->request_panel), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->follow_up_panel), TRUE);
}

static void
bind_lower_panels (MdCaseView *self)
{
  if (self->lower_panels_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->lower_panels_id);
  self->lower_panels_id = 0;
  set_lower_sessions (self);
}

/* The request three frames on (the first shows the verdict, the window
 * then starts the checks and lays out their first rows, md-window-input.c),
 * the follow-up two frames after it: each panel is a frame's work. */
#define REQUEST_PANEL_FRAME   3
#define FOLLOW_UP_PANEL_FRAME 5

static gboolean
lower_panels_tick_cb (GtkWidget     *widget,
                      GdkFrameClock *clock,
                      gpointer       user_data)
{
  MdCaseView *self = MD_CASE_VIEW (widget);

  self->lower_panels_frames++;
  if (self->lower_panels_frames == REQUEST_PANEL_FRAME)
    {
      md_request_panel_set_session (self->request_panel, self->session);
      gtk_widget_set_visible (GTK_WIDGET (self->request_panel), TRUE);
    }
  if (self->lower_panels_frames < FOLLOW_UP_PANEL_FRAME)
    return G_SOURCE_CONTINUE;

  self->lower_panels_id = 0;
  set_lower_sessions (self);

  return G_SOURCE_REMOVE;
}

static void
ensure_lower_panels (MdCaseView *self)
{
  if (self->lower_panels_id != 0)
    bind_lower_panels (self);
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

  if (!g_set_object (&self->session, session))
    return;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
  /* Leaving a case ends its work at once; a new one fills in a few frames
   * later. */
  if (session == NULL)
    bind_lower_panels (self);
  else
    {
      /* Hidden until then: not laid out or drawn with the verdict either
       * (each panel appears in a frame of its own). */
      gtk_widget_set_visible (GTK_WIDGET (self->request_panel), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->follow_up_panel), FALSE);
      self->lower_panels_frames = 0;
      if (self->lower_panels_id == 0)
        self->lower_panels_id = gtk_widget_add_tick_callback (GTK_WIDGET (self),
                                                              lower_panels_tick_cb, NULL, NULL);
    }
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
}

gboolean
md_case_view_start_checks (MdCaseView *self)
{
  g_return_val_if_fail (MD_IS_CASE_VIEW (self), FALSE);

  return md_checks_panel_start_checks (self->checks_panel);
}

MdDraft *
md_case_view_dup_draft (MdCaseView *self)
{
  g_return_val_if_fail (MD_IS_CASE_VIEW (self), NULL);

  ensure_lower_panels (self);
  return md_request_panel_dup_draft (self->request_panel);
}

MdRequestPanel *
md_case_view_get_request_panel (MdCaseView *self)
{
  g_return_val_if_fail (MD_IS_CASE_VIEW (self), NULL);

  ensure_lower_panels (self);
  return self->request_panel;
}

/* After a case is shown: "Review Request" when there is one to send, else
 * the request's own button. */
void
md_case_view_focus_next_step (MdCaseView *self)
{
  GtkWidget *review;

  g_return_if_fail (MD_IS_CASE_VIEW (self));

  review = md_diagnosis_panel_get_primary_action (self->diagnosis_panel);
  if (gtk_widget_get_visible (review))
    gtk_widget_grab_focus (review);
  else
    gtk_widget_grab_focus (md_request_panel_get_primary_action (
                             md_case_view_get_request_panel (self)));
}

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

  ensure_lower_panels (self);

  if (g_str_equal (section, "checks"))
    target = GTK_WIDGET (self->checks_panel);
  else if (g_str_equal (section, "request"))
    target = GTK_WIDGET (self->request_panel);
  else if (g_str_equal (section, "follow-up"))
    target = GTK_WIDGET (self->follow_up_panel);
  else
    target = GTK_WIDGET (self->diagnosis_panel);

  scroll_to_now (self, target);
  gtk_widget_add_tick_callback (GTK_WIDGET (self), scroll_tick_cb, target, NULL);
}

/* Drafts the request for @channel (a template id, e.g. "microsoft-follow-up"
 * for a "Not qualified for mitigation" answer) as a request of its own;
 * NULL goes back to the delist request. */
void
md_case_view_set_channel (MdCaseView *self,
                          const char *channel)
{
  g_return_if_fail (MD_IS_CASE_VIEW (self));

  if (self->session == NULL)
    return;

  ensure_lower_panels (self);
  md_request_panel_set_channel (self->request_panel, channel);
  md_case_view_scroll_to (self, "request");
  gtk_widget_grab_focus (md_request_panel_get_primary_action (self->request_panel));
}
