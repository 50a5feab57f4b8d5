/* moped-canvas-private.h: the canvas's state, shared by its drawing, input and editing parts.
 *
 * SPDX-License-Identifier: MPL-2.0
 */
#pragma once

#include "moped-canvas.h"
#include "moped-canvas-geometry.h"

G_BEGIN_DECLS

/* The type a socket added without choosing one gets (a UI default, not a socket fact). */
#define MOPED_CANVAS_DEFAULT_SOCKET_TYPE MOPED_SOCKET_DEALER
#define MOPED_CANVAS_MIN_ZOOM 0.05
#define MOPED_CANVAS_MAX_ZOOM 4.0
#define MOPED_CANVAS_FIT_MAX_ZOOM 1.5

/* How much is drawn: text only where it would be legible. */
typedef enum
{
  MOPED_CANVAS_LOD_OUTLINE,  /* boxes and curves only */
  MOPED_CANVAS_LOD_SHAPES,   /* plus port dots */
  MOPED_CANVAS_LOD_TITLES,   /* plus node titles and type chips */
  MOPED_CANVAS_LOD_FULL,     /* everything */
  MOPED_CANVAS_N_LODS
} MopedCanvasLod;

typedef enum
{
  MOPED_CANVAS_DRAG_NONE,
  MOPED_CANVAS_DRAG_PENDING,  /* pressed on a box; a move once the pointer travels */
  MOPED_CANVAS_DRAG_MOVE,
  MOPED_CANVAS_DRAG_RESIZE,
  MOPED_CANVAS_DRAG_LINK,
  MOPED_CANVAS_DRAG_RUBBER,
  MOPED_CANVAS_DRAG_PAN,
} MopedCanvasDrag;

typedef struct
{
  MopedElement *element;
  double        x, y, width, height;  /* at the start of the drag */
} MopedCanvasOrigin;

typedef struct
{
  guint  errors;
  guint  warnings;
  guint  infos;
  GPtrArray *messages;  /* borrowed from the diagnostics */
} MopedCanvasBadge;

struct _MopedCanvas
{
  GtkWidget            parent_instance;

  MopedDesign         *design;
  MopedCanvasGeometry *geometry;

  /* The view: widget = (design - origin) * zoom. */
  double               zoom;
  double               origin_x;
  double               origin_y;
  guint                fit_pending : 1;
  guint                snap : 1;
  guint                show_grid : 1;
  guint                show_deployment : 1;  /* process and host frames */
  guint                dark : 1;       /* drawn with the dark palette (the window's style is dark) */

  GPtrArray           *selection;      /* MopedElement, in selection order */
  GHashTable          *selected;       /* the same, as a set */
  guint                selection_serial;

  GPtrArray           *diagnostics;
  GHashTable          *badges;         /* element -> MopedCanvasBadge */

  /* Pointer and keyboard */
  double               pointer_x;
  double               pointer_y;
  guint                pointer_inside : 1;
  guint                space_down : 1;
  GdkModifierType      modifiers;
  MopedElement        *hover;

  /* The drag in progress */
  MopedCanvasDrag      drag;
  double               drag_start_x;   /* widget coordinates */
  double               drag_start_y;
  MopedElement        *drag_element;
  gboolean             drag_toggle;    /* an extending click on a selected box unselects it */
  gboolean             drag_moved;
  GArray              *drag_origins;   /* of MopedCanvasOrigin */
  char                *drag_key;       /* coalesces the drag into one undo step */
  guint                drag_serial;
  GPtrArray           *rubber_base;    /* the selection a rubber band extends */
  MopedElement        *link_target;    /* socket under the pointer while linking */
  MopedCanvasPair      link_pair;
  GHashTable          *link_pairs;     /* socket -> pair + 1, as checked during this drag */
  double               pan_origin_x;
  double               pan_origin_y;
  double               pinch_zoom;

  /* Drawing caches */
  PangoContext        *pango;
  PangoFontDescription *fonts[8];
  GHashTable          *layouts;        /* element -> LayoutSet: laid-out text by slot */
  GHashTable          *nodes;          /* element -> RenderSet: render nodes by level of detail, pixels */
  GHashTable          *widths;         /* "style:text" -> width, for the geometry */
  GPtrArray           *visible_boxes;  /* scratch, reused every frame */
  GPtrArray           *visible_links;
  GHashTable          *dynamic;        /* what moves during a drag, drawn over the static layer */
  cairo_surface_t     *static_surface; /* what a drag does not move, as pixels */
  gsize                raster_bytes;   /* pixels of elements kept between frames */
  guint                frame;
  double               static_key[6];

  GtkGesture          *drag_gesture;
  GtkWidget           *menu;
  GtkWidget           *link_menu;      /* Alt+L: sockets the selected one can link to */
  GtkWidget           *socket_menu;    /* Alt+S: the types a new socket may have */
  GtkWidget           *rename_editor;  /* over the name being edited, or NULL */
  char                *rename_id;      /* the element being named */
  GObject             *rename_root;    /* whose focus ends the naming; weak */
  guint                nudge_serial;

  GPtrArray           *presence;       /* MopedCanvasPresence: the others in a shared design */
};

/* moped-canvas-presence.c */
void          _moped_canvas_draw_presence    (MopedCanvas        *self,
                                              cairo_t            *cr);

/* moped-canvas.c */
void          _moped_canvas_set_selection    (MopedCanvas        *self,
                                              GPtrArray          *elements);
gboolean      _moped_canvas_is_selected      (MopedCanvas        *self,
                                              MopedElement       *element);
void          _moped_canvas_toggle_selected  (MopedCanvas        *self,
                                              MopedElement       *element);
void          _moped_canvas_zoom_at          (MopedCanvas        *self,
                                              double              zoom,
                                              double              widget_x,
                                              double              widget_y);
void          _moped_canvas_pan              (MopedCanvas        *self,
                                              double              dx,
                                              double              dy);
MopedCanvasRect _moped_canvas_get_visible    (MopedCanvas        *self);
MopedCanvasLod  _moped_canvas_get_lod        (MopedCanvas        *self);
void          _moped_canvas_view_changed     (MopedCanvas        *self);
void          _moped_canvas_update_accessible_description (MopedCanvas *self);
const MopedCanvasBadge *_moped_canvas_get_badge (MopedCanvas     *self,
                                                 MopedElement    *element);
/* The element the canvas shows for @element: itself, its node, a requirement's target. */
MopedElement *_moped_canvas_drawable_for     (MopedCanvas        *self,
                                              MopedElement       *element);
/* Where a new element goes: at the pointer when it is over the canvas, else mid-view. */
void          _moped_canvas_get_insert_point (MopedCanvas        *self,
                                              double             *x,
                                              double             *y);

/* moped-canvas-draw.c */
void          _moped_canvas_snapshot         (GtkWidget          *widget,
                                              GtkSnapshot        *snapshot);
void          _moped_canvas_init_drawing     (MopedCanvas        *self);
void          _moped_canvas_finalize_drawing (MopedCanvas        *self);
/* Forget what was drawn for @dirty (all when NULL). */
void          _moped_canvas_drop_caches      (MopedCanvas        *self,
                                              GHashTable         *dirty);
void          _moped_canvas_drop_static      (MopedCanvas        *self);
gboolean      _moped_canvas_has_static_layer (MopedCanvas        *self);
double        _moped_canvas_measure          (const char         *text,
                                              MopedCanvasTextStyle style,
                                              gpointer            user_data);
void          _moped_canvas_family_color     (MopedSocketType     type,
                                              GdkRGBA            *color);

/* moped-canvas-input.c */
void          _moped_canvas_init_input       (MopedCanvas        *self);
/* Ends the drag in progress; with @revert, a move or resize is taken back. */
void          _moped_canvas_cancel_drag      (MopedCanvas        *self,
                                              gboolean            revert);
/* What the tooltip says about @element: what it is, and its diagnostics. */
char         *_moped_canvas_dup_tooltip      (MopedCanvas        *self,
                                              MopedElement       *element);
gboolean      _moped_canvas_query_tooltip    (GtkWidget          *widget,
                                              int                 x,
                                              int                 y,
                                              gboolean            keyboard,
                                              GtkTooltip         *tooltip);
void          _moped_canvas_popup_menu       (MopedCanvas        *self,
                                              double              x,
                                              double              y);

/* moped-canvas-edit.c: every change goes through the design's edit API. */
MopedElement *_moped_canvas_create_node      (MopedCanvas        *self,
                                              double              x,
                                              double              y);
/* Moves (@x, @y), the centre of a new box of @width x @height, rightwards until the box
 * overlaps nothing: what is added without pointing lands beside the last one. */
void          _moped_canvas_find_free_spot   (MopedCanvas        *self,
                                              double              width,
                                              double              height,
                                              double             *x,
                                              double             *y);
MopedElement *_moped_canvas_create_note      (MopedCanvas        *self,
                                              double              x,
                                              double              y);
MopedElement *_moped_canvas_add_socket       (MopedCanvas        *self,
                                              MopedSocketType     type);
MopedElement *_moped_canvas_link             (MopedCanvas        *self,
                                              MopedElement       *from,
                                              MopedElement       *to);
/* Drop of a link drag from @from at design point (@x, @y): onto a node, or empty canvas. */
MopedElement *_moped_canvas_link_to_point    (MopedCanvas        *self,
                                              MopedElement       *from,
                                              double              x,
                                              double              y);
void          _moped_canvas_delete_selection (MopedCanvas        *self);
/* A new process that the selected nodes (and the nodes of selected sockets) run in,
 * one undo step; NULL when no node is selected. */
MopedElement *_moped_canvas_new_process      (MopedCanvas        *self);
void          _moped_canvas_duplicate        (MopedCanvas        *self);
void          _moped_canvas_nudge            (MopedCanvas        *self,
                                              double              dx,
                                              double              dy);
/* The nodes and notes a drag or a nudge moves: the selected ones. */
GPtrArray    *_moped_canvas_movable_selection (MopedCanvas       *self);
void          _moped_canvas_copy             (MopedCanvas        *self);
void          _moped_canvas_paste            (MopedCanvas        *self);
double        _moped_canvas_snap_value       (MopedCanvas        *self,
                                              double              value);

/* moped-canvas-align.c: lining up and spacing out the selected nodes and notes. */
typedef enum
{
  MOPED_CANVAS_ALIGN_LEFT,
  MOPED_CANVAS_ALIGN_RIGHT,
  MOPED_CANVAS_ALIGN_TOP,
  MOPED_CANVAS_ALIGN_BOTTOM,
  MOPED_CANVAS_ALIGN_CENTER_X,  /* centres on one vertical line */
  MOPED_CANVAS_ALIGN_CENTER_Y,  /* centres on one horizontal line */
} MopedCanvasAlign;

/* FALSE (and nothing changes) with fewer than two boxes selected, three to distribute. */
gboolean      _moped_canvas_align            (MopedCanvas        *self,
                                              MopedCanvasAlign    how);
gboolean      _moped_canvas_distribute       (MopedCanvas        *self,
                                              gboolean            horizontally);
/* Move the selected notes in front of the other notes, or behind them; FALSE (and
 * nothing changes) when no note is selected. */
gboolean      _moped_canvas_restack          (MopedCanvas        *self,
                                              gboolean            to_front);

/* moped-canvas-keyboard.c: the canvas without a pointer. */
/* Select the nearest element from the selected one in direction (@dx, @dy). */
void          _moped_canvas_select_toward    (MopedCanvas        *self,
                                              double              dx,
                                              double              dy);
void          _moped_canvas_popup_link_menu  (MopedCanvas        *self);
/* The stable socket types for a new socket on the selected node (or the selected
 * socket's), as items of @action_name (s: the type's name): first those that could link
 * to a socket of another node that has no link yet, then the others. Empty without such
 * a node. */
GMenuModel   *_moped_canvas_dup_socket_type_menu (MopedCanvas    *self,
                                                  const char     *action_name);
void          _moped_canvas_popup_socket_menu (MopedCanvas       *self);

/* moped-canvas-rename.c: naming an element where it is drawn. */
/* The property that names @element on the canvas; MOPED_N_PROPS when it has none. */
MopedProp     _moped_canvas_name_prop        (MopedElement       *element);
void          _moped_canvas_begin_rename     (MopedCanvas        *self,
                                              MopedElement       *element,
                                              const char         *typed);
/* Closes the editor; with @keep its text becomes the name (one undo step). */
void          _moped_canvas_end_rename       (MopedCanvas        *self,
                                              gboolean            keep);
gboolean      _moped_canvas_is_renaming      (MopedCanvas        *self);
void          _moped_canvas_allocate_rename  (MopedCanvas        *self);
MopedElement *_moped_canvas_rename_target    (MopedCanvas        *self);
gboolean      _moped_canvas_rename_on_key    (MopedCanvas        *self,
                                              guint               keyval,
                                              GdkModifierType     state);

G_END_DECLS
