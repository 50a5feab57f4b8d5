/* moped-application.c: the editor as a GtkApplication: one instance, a window per design, app-wide actions.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#define G_LOG_DOMAIN "moped-ui"

#include "config.h"

#include <time.h>

#include "moped-application.h"
#include "moped-accessible.h"
#include "moped-file.h"
#include "moped-help.h"
#include "moped-new-dialog.h"
#include "moped-recovery.h"
#include "moped-resources.h"
#include "moped-ui-private.h"
#include "moped-window-private.h"

#define MAX_RECENT_EXAMPLES 5

struct _MopedApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  GtkWidget      *shortcuts_window;
  GtkWidget      *help_window;
  guint           recovery_checked : 1;
  guint           quitting : 1;
};

G_DEFINE_FINAL_TYPE (MopedApplication, moped_application, ADW_TYPE_APPLICATION)

void
_moped_ensure_resources (void)
{
  static gsize registered = 0;

  if (g_once_init_enter (&registered))
    {
      moped_register_resource ();
      g_once_init_leave (&registered, 1);
    }
}

void
_moped_show_toast (GtkWidget  *widget,
                   const char *text)
{
  GtkWidget *overlay;
  AdwToast *toast;
  g_autofree char *markup = NULL;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (text != NULL);

  overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  if (overlay == NULL && GTK_IS_WINDOW (widget))
    overlay = gtk_window_get_child (GTK_WINDOW (widget));
  if (overlay == NULL || !ADW_IS_TOAST_OVERLAY (overlay))
    return;
  /* A toast's title is markup; names in it are the user's and may hold any character. */
  markup = g_markup_escape_text (text, -1);
  toast = adw_toast_new (markup);
  /* A newer message replaces the one shown instead of queueing behind it. */
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
}

char *
moped_application_dup_examples_dir (void)
{
  const char *env = g_getenv ("MOPED_EXAMPLES");
  g_autofree char *source = NULL;

  if (env != NULL && env[0] != '\0')
    return g_strdup (env);
  /* Running from the build tree, the source's examples are the current ones. */
  source = g_build_filename (MOPED_SOURCE_DATADIR, "examples", NULL);
  if (g_file_test (source, G_FILE_TEST_IS_DIR))
    return g_steal_pointer (&source);
  return g_build_filename (MOPED_DATADIR, "examples", NULL);
}

/* The installed schema, else the one compiled in the build tree (running uninstalled). */
static GSettings *
create_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
#ifdef MOPED_SCHEMA_BUILD_DIR
  if (schema == NULL)
    {
      g_autoptr(GSettingsSchemaSource) local =
        g_settings_schema_source_new_from_directory (MOPED_SCHEMA_BUILD_DIR, source, FALSE, NULL);

      if (local != NULL)
        schema = g_settings_schema_source_lookup (local, APPLICATION_ID, FALSE);
    }
#endif
  if (schema == NULL)
    {
      g_message ("The settings schema %s is not installed: window size and preferences are not kept",
                 APPLICATION_ID);
      return NULL;
    }
  return g_settings_new_full (schema, NULL, NULL);
}

GSettings *
moped_application_get_settings (MopedApplication *self)
{
  g_return_val_if_fail (MOPED_IS_APPLICATION (self), NULL);

  return self->settings;
}

static MopedWindow *
find_window (MopedApplication *self,
             GFile            *file,
             gboolean          untouched)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    {
      MopedWindow *window;

      if (!MOPED_IS_WINDOW (l->data))
        continue;
      window = l->data;
      if (file != NULL && moped_window_get_file (window) != NULL &&
          g_file_equal (file, moped_window_get_file (window)))
        return window;
      if (untouched && moped_window_is_untouched (window))
        return window;
    }
  return NULL;
}

static MopedWindow *
get_active_window (MopedApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  /* A dialog may be the active window: its parent is the one meant. */
  while (window != NULL && !MOPED_IS_WINDOW (window))
    window = gtk_window_get_transient_for (window);
  if (window == NULL)
    return find_window (self, NULL, FALSE);
  return MOPED_WINDOW (window);
}

/* The window a new design may take over: the active one when nothing was done in it
 * yet, else any such window. */
static MopedWindow *
find_untouched_window (MopedApplication *self)
{
  MopedWindow *active = get_active_window (self);

  if (active != NULL && moped_window_is_untouched (active))
    return active;
  return find_window (self, NULL, TRUE);
}

/* Right after the first frame: what a crashed session left behind is offered in the
 * first window, and windows get their icon (rendering it at every size a window
 * manager may ask for is not free). */
static gboolean
after_first_frame_cb (gpointer user_data)
{
  g_autoptr(MopedWindow) window = user_data;
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (window));
  MopedApplication *self;

  gtk_window_set_default_icon_name (APPLICATION_ID);
  if (!MOPED_IS_APPLICATION (app))
    return G_SOURCE_REMOVE;
  self = MOPED_APPLICATION (app);
  if (!self->recovery_checked)
    {
      g_autoptr(GPtrArray) items = moped_recovery_list ();

      self->recovery_checked = TRUE;
      if (items->len > 0)
        _moped_window_offer_recovery (window, items);
    }
  return G_SOURCE_REMOVE;
}

static void
on_first_frame (GdkFrameClock *clock,
                MopedWindow   *window)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (window));

  g_signal_handlers_disconnect_by_func (clock, on_first_frame, window);
  if (app == NULL)
    return;
  if (g_getenv ("MOPED_EXIT_AFTER_FIRST_FRAME") != NULL)
    {
      struct timespec cpu = { 0, 0 };

      /* For bench/bench-startup.sh, which asked for it: when the frame was done, and
       * how much processor time it took to get there. */
      clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &cpu);
      g_printerr ("first-frame %" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n",
                  g_get_real_time (), (gint64) cpu.tv_sec * G_USEC_PER_SEC + cpu.tv_nsec / 1000);
      g_application_quit (G_APPLICATION (app));
      return;
    }
  g_idle_add (after_first_frame_cb, g_object_ref (window));
}

static void
on_window_map (MopedWindow *window)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));

  g_signal_handlers_disconnect_by_func (window, on_window_map, NULL);
  if (clock != NULL)
    g_signal_connect_object (clock, "after-paint", G_CALLBACK (on_first_frame), window, 0);
}

MopedWindow *
moped_application_new_window (MopedApplication *self)
{
  MopedWindow *window;

  g_return_val_if_fail (MOPED_IS_APPLICATION (self), NULL);

  window = moped_window_new (GTK_APPLICATION (self));
  if (!self->recovery_checked || g_getenv ("MOPED_EXIT_AFTER_FIRST_FRAME") != NULL)
    g_signal_connect (window, "map", G_CALLBACK (on_window_map), NULL);
  return window;
}

MopedWindow *
moped_application_open_file (MopedApplication *self,
                             GFile            *file)
{
  MopedWindow *window;

  g_return_val_if_fail (MOPED_IS_APPLICATION (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  if ((window = find_window (self, file, FALSE)) != NULL)
    {
      gtk_window_present (GTK_WINDOW (window));
      return window;
    }
  window = find_untouched_window (self);
  if (window == NULL)
    window = moped_application_new_window (self);
  moped_window_load (window, file, NULL);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
remember_example (MopedApplication *self,
                  GFile            *example)
{
  g_autofree char *name = g_file_get_basename (example);
  g_auto(GStrv) old = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) recent = NULL;
  guint n = 1;

  if (self->settings == NULL)
    return;
  old = g_settings_get_strv (self->settings, "recent-examples");
  g_strv_builder_add (builder, name);
  for (guint i = 0; old[i] != NULL && n < MAX_RECENT_EXAMPLES; i++)
    if (!g_str_equal (old[i], name))
      {
        g_strv_builder_add (builder, old[i]);
        n++;
      }
  recent = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-examples", (const char * const *) recent);
}

static void
on_new_create (MopedNewDialog   *dialog,
               GFile            *example,
               MopedApplication *self)
{
  MopedWindow *window = find_untouched_window (self);

  if (window == NULL)
    window = moped_application_new_window (self);
  if (example != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = g_file_get_path (example);
      g_autoptr(MopedDesign) design = moped_file_load (path, &error);

      /* An example is a starting point: a new design that was never saved. */
      if (design != NULL)
        moped_window_set_design (window, design, NULL);
      else
        {
          g_autofree char *basename = g_file_get_basename (example);
          g_autofree char *title = g_strdup_printf ("Could not open the example “%s”", basename);

          _moped_window_show_error (window, title, error->message);
        }
      remember_example (self, example);
    }
  gtk_window_present (GTK_WINDOW (window));
}

static void
new_action (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       user_data)
{
  MopedApplication *self = user_data;
  g_autofree char *dir = moped_application_dup_examples_dir ();
  g_auto(GStrv) recent = self->settings != NULL ? g_settings_get_strv (self->settings, "recent-examples") : NULL;
  MopedNewDialog *dialog = moped_new_dialog_new (GTK_WINDOW (get_active_window (self)), dir,
                                                 (const char * const *) recent);

  g_signal_connect_object (dialog, "create", G_CALLBACK (on_new_create), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_open_response (GtkNativeDialog  *chooser,
                  int               response,
                  MopedApplication *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));

      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr(GFile) file = g_list_model_get_item (files, i);

          moped_application_open_file (self, file);
        }
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
open_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  MopedApplication *self = user_data;
  MopedWindow *window = get_active_window (self);
  g_autoptr(GtkFileFilter) filter = _moped_window_new_design_filter ();
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new ("Open Design", GTK_WINDOW (window),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, "_Open", "_Cancel");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  if (window != NULL && moped_window_get_file (window) != NULL)
    {
      g_autoptr(GFile) parent = g_file_get_parent (moped_window_get_file (window));

      if (parent != NULL)
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), parent, NULL);
    }
  else if (self->settings != NULL)
    {
      g_autofree char *dir = g_settings_get_string (self->settings, "last-open-dir");

      if (dir[0] != '\0' && g_file_test (dir, G_FILE_TEST_IS_DIR))
        {
          g_autoptr(GFile) folder = g_file_new_for_path (dir);

          gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
        }
    }
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_open_response), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Quitting asks about each window with unsaved work in turn; a cancel stops it. */
typedef struct
{
  MopedApplication *self;
  GPtrArray        *windows;
  guint             next;
} QuitState;

static void quit_next (QuitState *state);

static void
quit_state_free (QuitState *state)
{
  state->self->quitting = FALSE;
  g_object_unref (state->self);
  g_ptr_array_unref (state->windows);
  g_free (state);
}

static void
on_quit_confirmed (MopedWindow *window,
                   gboolean     may_close,
                   gpointer     user_data)
{
  QuitState *state = user_data;

  if (!may_close)
    {
      quit_state_free (state);
      return;
    }
  quit_next (state);
}

static void
quit_next (QuitState *state)
{
  while (state->next < state->windows->len)
    {
      MopedWindow *window = g_ptr_array_index (state->windows, state->next++);

      if (moped_window_get_modified (window))
        {
          _moped_window_confirm_close (window, on_quit_confirmed, state);
          return;
        }
    }
  /* Every window may go now; closing them keeps their size and state. */
  for (guint i = 0; i < state->windows->len; i++)
    {
      MopedWindow *window = g_ptr_array_index (state->windows, i);

      window->close_confirmed = TRUE;
      gtk_window_close (GTK_WINDOW (window));
    }
  quit_state_free (state);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  MopedApplication *self = user_data;
  QuitState *state;

  if (self->quitting)
    return;
  self->quitting = TRUE;
  state = g_new0 (QuitState, 1);
  state->self = g_object_ref (self);
  state->windows = g_ptr_array_new_with_free_func (g_object_unref);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (MOPED_IS_WINDOW (l->data))
      g_ptr_array_add (state->windows, g_object_ref (l->data));
  quit_next (state);
}

/* What a bug report needs to know about the libraries this copy runs with. */
static char *
dup_debug_info (void)
{
  return g_strdup_printf ("Moped %s\n"
                          "GTK %u.%u.%u\n"
                          "libadwaita %u.%u.%u\n"
                          "GLib %u.%u.%u\n",
                          PACKAGE_VERSION,
                          gtk_get_major_version (), gtk_get_minor_version (), gtk_get_micro_version (),
                          adw_get_major_version (), adw_get_minor_version (), adw_get_micro_version (),
                          glib_major_version, glib_minor_version, glib_micro_version);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  MopedApplication *self = user_data;
  static const char *developers[] = { "The Moped authors", NULL };
  g_autofree char *debug_info = dup_debug_info ();

  adw_show_about_window (GTK_WINDOW (get_active_window (self)),
                         "application-name", "Moped",
                         "application-icon", APPLICATION_ID,
                         "version", PACKAGE_VERSION,
                         "developer-name", "The Moped authors",
                         "comments", "Design ZeroMQ systems the MOPED way: components, sockets, "
                                     "protocols and flows, checked against ZeroMQ's rules while you draw.",
                         "license-type", GTK_LICENSE_MPL_2_0,
                         "developers", developers,
                         "copyright", "© The Moped authors",
                         "debug-info", debug_info,
                         "debug-info-filename", "moped-debug-info.txt",
                         NULL);
}

static void
shortcuts_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  MopedApplication *self = user_data;

  if (self->shortcuts_window == NULL)
    {
      g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource ("/org/moped/Moped/ui/moped-shortcuts.ui");

      self->shortcuts_window = GTK_WIDGET (gtk_builder_get_object (builder, "shortcuts"));
      g_object_add_weak_pointer (G_OBJECT (self->shortcuts_window), (gpointer *) &self->shortcuts_window);
      /* Not one of the application's windows: hidden, it must not keep Moped running. */
      gtk_window_set_hide_on_close (GTK_WINDOW (self->shortcuts_window), TRUE);
    }
  gtk_window_set_transient_for (GTK_WINDOW (self->shortcuts_window), GTK_WINDOW (get_active_window (self)));
  gtk_window_present (GTK_WINDOW (self->shortcuts_window));
}

static void
help_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  MopedApplication *self = user_data;
  GtkWindow *parent = GTK_WINDOW (get_active_window (self));

  if (self->help_window == NULL)
    {
      self->help_window = moped_help_window_new (parent);
      g_object_add_weak_pointer (G_OBJECT (self->help_window), (gpointer *) &self->help_window);
      /* Not one of the application's windows: hidden, it must not keep Moped running. */
      gtk_window_set_hide_on_close (GTK_WINDOW (self->help_window), TRUE);
    }
  gtk_window_set_transient_for (GTK_WINDOW (self->help_window), parent);
  gtk_window_present (GTK_WINDOW (self->help_window));
}

static const GActionEntry app_actions[] = {
  { "new", new_action },
  { "open", open_action },
  { "quit", quit_action },
  { "about", about_action },
  { "shortcuts", shortcuts_action },
  { "help", help_action },
};

static const struct {
  const char *action;
  const char *accels[4];
} accels[] = {
  { "app.new", { "<Control>n", NULL } },
  { "app.open", { "<Control>o", NULL } },
  { "app.quit", { "<Control>q", NULL } },
  { "app.shortcuts", { "<Control>question", NULL } },
  { "app.help", { "F1", NULL } },
  { "win.save", { "<Control>s", NULL } },
  { "win.save-as", { "<Control><Shift>s", NULL } },
  { "win.close", { "<Control>w", NULL } },
  { "win.undo", { "<Control>z", NULL } },
  { "win.redo", { "<Control><Shift>z", "<Control>y", NULL } },
  { "win.zoom-in", { "<Control>plus", "<Control>equal", "<Control>KP_Add", NULL } },
  { "win.zoom-out", { "<Control>minus", "<Control>KP_Subtract", NULL } },
  { "win.zoom-reset", { "<Control>0", "<Control>KP_0", NULL } },
  { "win.zoom-fit", { "<Control>1", NULL } },
  { "win.show-sidebar", { "F9", NULL } },
  { "win.show-problems", { "<Control><Shift>m", NULL } },
  { "win.show-outline", { "<Control><Shift>o", NULL } },
  { "win.export", { "<Control>e", NULL } },
  { "win.print", { "<Control>p", NULL } },
  { "win.print-preview", { "<Control><Shift>p", NULL } },
  { "win.arrange", { "<Control>l", NULL } },
  { "win.find", { "<Control>f", NULL } },
  { "win.page::diagram", { "<Alt>1", NULL } },
  { "win.page::protocols", { "<Alt>2", NULL } },
};

static void
load_style (void)
{
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (provider, "/org/moped/Moped/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

/* Light, dark, or what the system prefers (through the settings portal): the menu's
 * Style choice, kept in the settings. */
static void
color_scheme_changed_cb (GSettings  *settings,
                         const char *key,
                         gpointer    data)
{
  g_autofree char *scheme = g_settings_get_string (settings, "color-scheme");
  AdwColorScheme adw = g_str_equal (scheme, "light") ? ADW_COLOR_SCHEME_FORCE_LIGHT
                       : g_str_equal (scheme, "dark") ? ADW_COLOR_SCHEME_FORCE_DARK
                       : ADW_COLOR_SCHEME_DEFAULT;

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), adw);
}

static void
moped_application_startup (GApplication *application)
{
  MopedApplication *self = MOPED_APPLICATION (application);

  G_APPLICATION_CLASS (moped_application_parent_class)->startup (application);

  _moped_ensure_resources ();
  moped_accessible_install_button_names ();
  load_style ();
  self->settings = create_settings ();
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  {
    g_autoptr(GAction) scheme = g_settings_create_action (self->settings, "color-scheme");

    g_action_map_add_action (G_ACTION_MAP (self), scheme);
  }
  g_signal_connect_object (self->settings, "changed::color-scheme", G_CALLBACK (color_scheme_changed_cb), self, 0);
  color_scheme_changed_cb (self->settings, "color-scheme", self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action, accels[i].accels);
}

static void
moped_application_activate (GApplication *application)
{
  MopedApplication *self = MOPED_APPLICATION (application);
  MopedWindow *window = get_active_window (self);

  if (window == NULL)
    window = moped_application_new_window (self);
  gtk_window_present (GTK_WINDOW (window));
}

static void
moped_application_open (GApplication  *application,
                        GFile        **files,
                        int            n_files,
                        const char    *hint)
{
  MopedApplication *self = MOPED_APPLICATION (application);

  for (int i = 0; i < n_files; i++)
    if (g_file_has_uri_scheme (files[i], "moped"))
      {
        /* An invite link: join it, in an untouched window or a new one. */
        g_autofree char *link = g_file_get_uri (files[i]);
        MopedWindow *window = find_untouched_window (self);

        if (window == NULL)
          window = moped_application_new_window (self);
        moped_window_join_link (window, link);
        gtk_window_present (GTK_WINDOW (window));
      }
    else
      moped_application_open_file (self, files[i]);
}

static void
moped_application_shutdown (GApplication *application)
{
  MopedApplication *self = MOPED_APPLICATION (application);

  if (self->shortcuts_window != NULL)
    gtk_window_destroy (GTK_WINDOW (self->shortcuts_window));
  if (self->help_window != NULL)
    gtk_window_destroy (GTK_WINDOW (self->help_window));

  G_APPLICATION_CLASS (moped_application_parent_class)->shutdown (application);
}

static void
moped_application_finalize (GObject *object)
{
  MopedApplication *self = MOPED_APPLICATION (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (moped_application_parent_class)->finalize (object);
}

static void
moped_application_class_init (MopedApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = moped_application_finalize;

  app_class->startup = moped_application_startup;
  app_class->activate = moped_application_activate;
  app_class->open = moped_application_open;
  app_class->shutdown = moped_application_shutdown;
}

static void
moped_application_init (MopedApplication *self)
{
}

MopedApplication *
moped_application_new (void)
{
  MopedApplication *self;

  /* Registered before GTK first reads the icon theme, which finds Moped's icons there. */
  _moped_ensure_resources ();
  self = g_object_new (MOPED_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       /* --gapplication-app-id=ID: a second editor of its own, as a
                        * second person on one desktop (sharing tests, demos). */
                       "flags", G_APPLICATION_HANDLES_OPEN | G_APPLICATION_CAN_OVERRIDE_APP_ID,
                       NULL);
  /* No automatic resources: Moped loads its style sheet itself, and GtkApplication would
   * add an icon resource path after GTK began reading the icon theme, which makes the
   * first icon lookup read the whole theme a second time (about a sixth of the work
   * before the first frame). The icons are under GTK's own icon resource path instead. */
  g_application_set_resource_base_path (G_APPLICATION (self), NULL);
  return self;
}

int
moped_application_run (int    argc,
                       char **argv)
{
  g_autoptr(MopedApplication) app = NULL;

  g_set_application_name ("Moped");
  g_set_prgname ("moped");
  app = moped_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
