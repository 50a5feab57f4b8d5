/* moped-export-dialog-private.h: the export dialog's state and the pieces its pages share.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#pragma once

#include "moped-export-plan.h"
#include "moped-export-dialog.h"
#include "moped-render.h"

G_BEGIN_DECLS

/* Where a page writes, shown as a row with the path and a "Choose…" button. */
typedef struct
{
  GtkWidget *row;
  GtkLabel  *path;        /* the row's subtitle */
  GtkWidget *button;
  GFile     *file;
  guint      folder : 1;  /* a folder (created when missing), not a file */
  guint      chosen : 1;  /* picked by the user: kept when the defaults change */
} MopedExportDestination;

/* What came of the last export of a page: shown under its settings. */
typedef struct
{
  GtkWidget  *box;
  GtkWidget  *icon;
  GtkLabel   *title;
  GtkLabel   *detail;
  GtkListBox *list;       /* files written, problems */
  GtkWidget  *open_button;
  GFile      *open_target;
} MopedExportOutcome;

/* A plan shown before writing: problems first, then one row per file. */
typedef struct
{
  GtkWidget  *box;
  GtkLabel   *title;
  GtkLabel   *summary;
  GtkListBox *problems;
  GtkListBox *files;
} MopedExportPlanView;

/* The pages that write a folder through a MopedExportPlan, one state each. */
enum
{
  MOPED_EXPORT_FOLDER_CODE,
  MOPED_EXPORT_FOLDER_ZPROTO,
  MOPED_EXPORT_N_FOLDERS
};

typedef struct
{
  MopedExportDestination folder;
  GtkSwitch             *force;
  MopedExportPlanView    view;
  MopedExportPlan       *plan;      /* shown; NULL while planning or writing */
  MopedExportOutcome     outcome;
} MopedExportFolder;

/* What makes a folder page one target's: moped-export-dialog-folder.c has one per target. */
typedef struct
{
  guint       index;          /* into the dialog's folders[] */
  const char *target;         /* moped_export_plan_new's: "c" */
  const char *plan_job;       /* the name of its planning job: "plan-code" */
  const char *folder_suffix;  /* the proposed folder is the design's name and this: "-c" */
  const char *description;
  const char *force_subtitle;
  const char *what;           /* "the C Skeleton", in "Exported the C Skeleton" */
  const char *done_note;      /* said after how many files were written where */
} MopedExportFolderSpec;

struct _MopedExportDialog
{
  GtkWindow              parent_instance;

  MopedDesign           *design;
  GFile                 *design_file;
  GSettings             *settings;
  GCancellable          *cancellable;   /* cancelled when the dialog goes */
  guint                  busy : 1;
  guint                  replan : 1;    /* a plan was asked for while busy */

  GtkStack              *stack;
  GtkWidget             *sidebar;
  GtkWidget             *export_button;
  GtkWidget             *spinner;
  GtkLabel              *subtitle;

  /* Diagrams */
  GtkDropDown           *diagram_what;    /* architecture, all, then the flows */
  GPtrArray             *flow_ids;        /* char *, for the items after the first two */
  GtkDropDown           *diagram_format;
  GArray                *diagram_formats; /* MopedRenderFormat of each format item */
  GtkDropDown           *diagram_layout;
  GtkWidget             *diagram_layout_row;
  GtkSpinButton         *diagram_scale;
  GtkWidget             *diagram_scale_row;
  MopedExportDestination diagram_file;
  MopedExportDestination diagram_folder;
  MopedExportOutcome     diagram_outcome;

  /* Protocol document */
  GtkDropDown           *doc_protocol;    /* the whole design, then the protocols */
  GPtrArray             *protocol_ids;    /* char *, for the items after the first */
  GtkDropDown           *doc_format;
  GtkWidget             *doc_note;
  MopedExportDestination doc_file;
  MopedExportOutcome     doc_outcome;

  /* C skeleton, zproto models */
  MopedExportFolder      folders[MOPED_EXPORT_N_FOLDERS];
};

/* One page of the dialog; each function gets the page it was called for. */
typedef struct _MopedExportPage MopedExportPage;

struct _MopedExportPage
{
  const char *name;
  const char *title;
  GtkWidget *(*build)       (MopedExportDialog *self, const MopedExportPage *page);
  /* The design, or the defaults, changed (the dialog was presented again). */
  void       (*refresh)     (MopedExportDialog *self, const MopedExportPage *page);
  /* The page came into view, or its destination changed. */
  void       (*changed)     (MopedExportDialog *self, const MopedExportPage *page);
  gboolean   (*can_run)     (MopedExportDialog *self, const MopedExportPage *page);
  void       (*run)         (MopedExportDialog *self, const MopedExportPage *page);
  MopedExportDestination *(*destination) (MopedExportDialog *self, const MopedExportPage *page);
  MopedExportOutcome     *(*outcome)     (MopedExportDialog *self, const MopedExportPage *page);
  const MopedExportFolderSpec *folder;   /* a folder page's target; NULL for the others */
};

extern const MopedExportPage _moped_export_diagrams_page;
extern const MopedExportPage _moped_export_code_page;
extern const MopedExportPage _moped_export_document_page;
extern const MopedExportPage _moped_export_zproto_page;

/* A folder page's plan is out of date (the destination was chosen again). */
void _moped_export_folder_forget (MopedExportDialog     *self,
                                  const MopedExportPage *page);
/* Frees what a folder page holds, when the dialog goes. */
void _moped_export_folder_clear  (MopedExportFolder     *folder);

/* ---- work off the main thread ------------------------------------------------ */

/* Runs on a worker thread, with a copy of the design (NULL when not asked for);
 * returns what the done function gets, or NULL with @error. */
typedef gpointer (*MopedExportWork) (MopedDesign   *design,
                                     gpointer       input,
                                     GCancellable  *cancellable,
                                     GError       **error);
/* Runs on the main thread with the work's result (which it owns), or its error;
 * returns whether the job did what it was asked (the "finished" signal says so). */
typedef gboolean (*MopedExportDone) (MopedExportDialog *self,
                                     gpointer           output,
                                     const GError      *error,
                                     gpointer           input);

/* FALSE (and nothing starts) while other work is under way. @output_free frees a
 * result nobody is left to take (the dialog went away meanwhile). */
gboolean    _moped_export_dialog_start        (MopedExportDialog *self,
                                               const char        *job,
                                               gboolean           with_design,
                                               MopedExportWork    work,
                                               MopedExportDone    done,
                                               gpointer           input,
                                               GDestroyNotify     input_free,
                                               GDestroyNotify     output_free);
/* Write @bytes to @path all or nothing (moped_staging_write_file): never a partial or empty file. */
gboolean    _moped_export_write_bytes         (const char        *path,
                                               GBytes            *bytes,
                                               GError           **error);

/* ---- defaults and settings ------------------------------------------------------ */

/* "hello" for hello.moped, else the design's name made file-safe, else "design". */
char       *_moped_export_dialog_base_name    (MopedExportDialog *self);
/* Lower case, letters and digits, dashes between: "Hello World!" -> "hello-world". */
char       *_moped_export_slug                (const char        *text);
/* Where exports go unless chosen: the last export folder, the design's, Documents. */
GFile      *_moped_export_dialog_default_folder (MopedExportDialog *self);
void        _moped_export_dialog_remember_folder (MopedExportDialog *self,
                                                  GFile             *folder);
/* The file chooser for @destination; what is picked becomes the destination. */
void        _moped_export_dialog_choose       (MopedExportDialog      *self,
                                               MopedExportDestination *destination);
/* Open @target (a file or a folder) in the desktop's application for it. */
void        _moped_export_dialog_open         (MopedExportDialog *self,
                                               GFile             *target);
/* "~/designs/hello.svg" */
char       *_moped_export_display_path        (GFile             *file);
/* Re-evaluate the Export button (sensitive when the page can run and nothing is busy). */
void        _moped_export_dialog_update       (MopedExportDialog *self);
/* The validation errors of the dialog's design, as text (a new array of char *). */
GPtrArray  *_moped_export_dialog_design_errors (MopedExportDialog *self);

/* ---- building pages ---------------------------------------------------------- */

/* A scrolled page with a title and a description; widgets go into *@content. */
GtkWidget  *_moped_export_page_new            (const char        *title,
                                               const char        *description,
                                               GtkWidget        **content);
/* A list of settings rows, with an optional heading above it. */
GtkWidget  *_moped_export_group_new           (GtkWidget         *content,
                                               const char        *heading);
/* A row: title, optional subtitle (returned in @subtitle_out), and a control at its
 * end, which takes the title as its accessible name. */
GtkWidget  *_moped_export_row_new             (GtkWidget         *group,
                                               const char        *title,
                                               const char        *subtitle,
                                               GtkWidget         *control,
                                               GtkLabel         **subtitle_out);
GtkWidget  *_moped_export_drop_down_new       (const char * const *items);

void        _moped_export_destination_init    (MopedExportDialog      *self,
                                               MopedExportDestination *destination,
                                               GtkWidget              *group,
                                               const char             *title,
                                               gboolean                folder);
/* Set it (@chosen: by the user) and show it. */
void        _moped_export_destination_set     (MopedExportDestination *destination,
                                               GFile                  *file,
                                               gboolean                chosen);
/* Propose @name in the destination's folder (or @folder when it has none yet),
 * unless the user chose the destination. */
void        _moped_export_destination_propose (MopedExportDestination *destination,
                                               GFile                  *folder,
                                               const char             *name);
/* Change the file's extension to @extension ("svg"), keeping its name. */
void        _moped_export_destination_set_extension (MopedExportDestination *destination,
                                                     const char             *extension);
/* Add ".@extension" to a name chosen without a known one ("notes" -> "notes.md"). */
void        _moped_export_destination_append_extension (MopedExportDestination *destination,
                                                        const char             *extension);
void        _moped_export_destination_update  (MopedExportDestination *destination);
char       *_moped_export_destination_dup_path (MopedExportDestination *destination);

void        _moped_export_outcome_init        (MopedExportDialog  *self,
                                               MopedExportOutcome *outcome,
                                               GtkWidget          *content,
                                               const char         *open_label);
void        _moped_export_outcome_clear       (MopedExportOutcome *outcome);
/* @open (may be NULL): what the Open button opens. */
void        _moped_export_outcome_success     (MopedExportOutcome *outcome,
                                               const char         *title,
                                               const char         *detail,
                                               GFile              *open);
void        _moped_export_outcome_failure     (MopedExportOutcome *outcome,
                                               const char         *title,
                                               const char         *detail);
void        _moped_export_outcome_add_line    (MopedExportOutcome *outcome,
                                               const char         *text);

void        _moped_export_plan_view_init      (MopedExportPlanView *view,
                                               GtkWidget           *content);
void        _moped_export_plan_view_clear     (MopedExportPlanView *view);
void        _moped_export_plan_view_set_title (MopedExportPlanView *view,
                                               const char          *title,
                                               const char          *summary);
void        _moped_export_plan_view_add_problem (MopedExportPlanView *view,
                                                 gboolean             error,
                                                 const char          *text);
void        _moped_export_plan_view_add_file  (MopedExportPlanView *view,
                                               MopedExportAction    action,
                                               const char          *path,
                                               const char          *note,
                                               gboolean             blocked);
/* "3 files to create, 1 to rewrite…" for @counts indexed by MopedExportAction. */
char       *_moped_export_plan_summary        (const guint         *counts);

G_END_DECLS
