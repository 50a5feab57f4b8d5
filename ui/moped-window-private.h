/* moped-window-private.h: the window's state, shared by its parts (actions, files, problems, drops).
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#pragma once

#include <adwaita.h>

#include "moped-canvas.h"
#include "moped-inspector.h"
#include "moped-outline.h"
#include "moped-protocol-editor.h"
#include "moped-recovery.h"
#include "moped-window.h"

G_BEGIN_DECLS

/* Responses of the banners. */
enum {
  MOPED_RESPONSE_SAVE_AS = 1,
  MOPED_RESPONSE_RETRY,
  MOPED_RESPONSE_RECOVER,
  MOPED_RESPONSE_DISCARD,
};

typedef struct _MopedWindowShare MopedWindowShare;

struct _MopedWindow
{
  GtkApplicationWindow  parent_instance;

  MopedDesign          *design;
  GFile                *file;
  MopedRecovery        *recovery;
  GPtrArray            *diagnostics;    /* of MopedDiagnostic, from the last validation */
  GPtrArray            *offered;        /* MopedRecoveryItem in the recovery banner */
  GtkWidget            *close_dialog;   /* the save / discard / cancel question, while shown */
  GFile                *failed_file;    /* what the banner's "Try Again" retries */
  GFile                *pending_recent; /* to add to the recent files after the first frame */
  guint                 failed_save : 1;
  guint                 validate_id;
  guint                 recent_id;
  guint                 after_frame_id;
  guint                 fit_header_id;
  guint                 title_serial;
  gulong                after_paint_id;
  int                   sidebar_width;

  guint                 recovered : 1;      /* holds work from a recovery file */
  guint                 close_confirmed : 1;
  guint                 first_frame_done : 1;
  guint                 panels_ready : 1;       /* the inspector and protocol editor have the design */
  guint                 show_sidebar : 1;
  guint                 sidebar_wanted : 1;     /* shown beside the views when they fit (persisted) */

  /* Template children */
  GtkHeaderBar         *header_bar;
  GtkLabel             *title_label;
  GtkLabel             *subtitle_label;
  GtkMenuButton        *primary_menu_button;
  GtkMenuButton        *recent_button;
  GtkMenuButton        *arrange_button;
  GtkWidget            *add_node_label;       /* the buttons' words, hidden in a narrow window */
  GtkWidget            *add_note_label;
  GMenuModel           *primary_menu;
  GMenuModel           *recent_menu;
  GMenu                *recent_section;
  GMenu                *recent_menu_section;
  GtkStack             *view_stack;
  GtkInfoBar           *error_bar;
  GtkLabel             *error_title;
  GtkLabel             *error_detail;
  GtkWidget            *error_save_as_button;
  GtkWidget            *error_retry_button;
  GtkInfoBar           *recovery_bar;
  GtkLabel             *recovery_title;
  GtkLabel             *recovery_detail;
  AdwToastOverlay      *toast_overlay;
  AdwFlap              *flap;
  GtkWidget            *flap_handle;          /* drag it to make the side pane wider or narrower */
  GtkWidget            *sidebar;
  int                   drag_start_width;
  MopedCanvas          *canvas;
  GtkWidget            *empty_state;
  GtkRevealer          *zoom_revealer;
  GtkLabel             *zoom_label;
  GtkBox               *protocols_page;
  MopedProtocolEditor  *protocol_editor;      /* made after the first frame */
  MopedInspector       *inspector;
  GtkListBox           *diagnostics_list;
  GtkLabel             *problems_summary;
  GtkStack             *pane_stack;           /* problems or outline, under the inspector */
  MopedOutline         *outline;

  /* The file on disk (moped-window-disk.c) */
  GFileMonitor         *disk_monitor;
  char                 *disk_digest;      /* of the bytes last read or written; NULL: unknown */
  char                 *disk_overridden;  /* a changed version the user chose to keep theirs over */
  char                 *disk_seen;        /* the changed version the banner is about */
  GtkInfoBar           *disk_bar;
  GtkLabel             *disk_title;
  GtkLabel             *disk_detail;
  GtkWidget            *disk_reload_button;
  GtkWidget            *disk_keep_button;
  GtkWidget            *disk_save_as_button;

  /* Find (moped-window-find.c); borrowed, the window's content holds them */
  GtkSearchBar         *find_bar;
  GtkEditable          *find_entry;
  GtkListBox           *find_list;

  /* Sharing (moped-window-share.c); NULL until Share... or Join... */
  MopedWindowShare     *share;
};

typedef void (*MopedWindowDoneFunc) (MopedWindow *self,
                                     gboolean     done,
                                     gpointer     user_data);

/* moped-window.c */
char       *_moped_window_dup_title           (MopedWindow        *self);
void        _moped_window_update_title        (MopedWindow        *self);
void        _moped_window_schedule_validation (MopedWindow        *self);
/* Validate now (tests, and before the debounce ran out). */
void        _moped_window_validate            (MopedWindow        *self);
void        _moped_window_show_error          (MopedWindow        *self,
                                               const char         *title,
                                               const char         *detail);
void        _moped_window_hide_error          (MopedWindow        *self);
/* Show @id where it lives: the canvas, or the protocol editor. */
void        _moped_window_reveal              (MopedWindow        *self,
                                               const char         *id);
GSettings  *_moped_window_get_settings        (MopedWindow        *self);
void        _moped_window_notify_modified     (MopedWindow        *self);
/* Adopt a recovered design: unsaved from the start, its copy kept until saved. */
/* Make the side panels and the protocol editor now (they wait for the first frame). */
void        _moped_window_ensure_panels       (MopedWindow        *self);
void        _moped_window_set_recovered       (MopedWindow        *self,
                                               MopedDesign        *design,
                                               MopedRecoveryItem  *item);

/* moped-window-actions.c */
void        _moped_window_class_init_actions  (GtkWidgetClass     *widget_class);
void        _moped_window_update_actions      (MopedWindow        *self);
void        _moped_window_init_recent         (MopedWindow        *self);

/* moped-window-file.c */
/* The file's name, or one made from the design's name ("Lazy Pirate": "lazy-pirate.moped"). */
char       *_moped_window_dup_suggested_name  (MopedWindow        *self);
void        _moped_window_save                (MopedWindow        *self,
                                               MopedWindowDoneFunc done,
                                               gpointer            user_data);
void        _moped_window_save_as             (MopedWindow        *self,
                                               MopedWindowDoneFunc done,
                                               gpointer            user_data);
/* Ask save / discard / cancel when there is unsaved work; @done says whether the
 * window may go (the work was saved or thrown away, or there was none). */
void        _moped_window_confirm_close       (MopedWindow        *self,
                                               MopedWindowDoneFunc done,
                                               gpointer            user_data);
gboolean    _moped_window_close_request       (GtkWindow          *window);
void        _moped_window_note_recent         (MopedWindow        *self,
                                               GFile              *file);
GtkFileFilter *_moped_window_new_design_filter (void);
void        _moped_window_offer_recovery      (MopedWindow        *self,
                                               GPtrArray          *items);
void        _moped_window_on_error_response   (MopedWindow        *self,
                                               int                 response);
void        _moped_window_on_recovery_response (MopedWindow       *self,
                                                int                response);

/* moped-window-disk.c */
void        _moped_window_init_disk           (MopedWindow        *self);
void        _moped_window_clear_disk          (MopedWindow        *self);
/* Watch the window's file, which holds @data now (NULL: stop watching, unknown). */
void        _moped_window_watch_disk          (MopedWindow        *self,
                                               const char         *data,
                                               gsize               length);
/* FALSE (and the banner shown) when @file is the window's file and changed on disk in
 * a way the user has not answered with Reload or Keep Mine. */
gboolean    _moped_window_may_overwrite       (MopedWindow        *self,
                                               GFile              *file,
                                               GError            **error);

/* moped-window-diagnostics.c */
void        _moped_window_init_diagnostics    (MopedWindow        *self);
void        _moped_window_show_diagnostics    (MopedWindow        *self);
void        _moped_window_on_diagnostic_activated (MopedWindow    *self,
                                                   GtkListBoxRow  *row);

/* moped-window-share.c */
void        _moped_window_share               (MopedWindow        *self);
void        _moped_window_join                (MopedWindow        *self);
gboolean    _moped_window_is_shared           (MopedWindow        *self);
/* "Shared; 3 here", or NULL when not shared. */
char       *_moped_window_dup_share_status    (MopedWindow        *self);
void        _moped_window_clear_share         (MopedWindow        *self);

/* moped-window-find.c */
/* Open Find with the cursor in its entry (building its bar the first time). */
void        _moped_window_find                (MopedWindow        *self);

/* moped-window-dnd.c */
void        _moped_window_init_dnd            (MopedWindow        *self);
/* Open dropped files: the first here when the window is untouched, the rest in new windows. */
gboolean    _moped_window_open_files          (MopedWindow        *self,
                                               GSList             *files);

G_END_DECLS
