/* moped-canvas-geometry.h: where the canvas draws each box, port and link, and what is under a point.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Plain functions over the model (GLib only, no GTK), so that layout and hit-testing
 * can be tested without a display. All coordinates are design units: pixels at 100%,
 * y pointing down, the same units as the model's x, y, width and height.
 */
#pragma once

#include <glib.h>

#include "moped-design.h"
#include "moped-socket-type.h"

G_BEGIN_DECLS

/* Layout, shared by the geometry and the drawing code. */
#define MOPED_CANVAS_HEADER_HEIGHT   44.0  /* title and role band at the top of a node */
#define MOPED_CANVAS_PORT_RADIUS      5.5
#define MOPED_CANVAS_CHIP_HEIGHT     17.0  /* a port's type chip, inside the box */
#define MOPED_CANVAS_CHIP_PADDING     6.0
#define MOPED_CANVAS_CHIP_GAP         4.0  /* between port, chip and socket name */
#define MOPED_CANVAS_LABEL_PADDING    7.0  /* a link label's chip */
#define MOPED_CANVAS_LABEL_LINE      15.0
#define MOPED_CANVAS_LABEL_GAP        8.0  /* between label and endpoint on one line */
#define MOPED_CANVAS_BOX_MARGIN      14.0  /* ports, badges and halo may reach this far out */
#define MOPED_CANVAS_GRID            20.0
#define MOPED_CANVAS_NODE_MIN_WIDTH 120.0
#define MOPED_CANVAS_NODE_MIN_HEIGHT 60.0
#define MOPED_CANVAS_NOTE_MIN_WIDTH  80.0
#define MOPED_CANVAS_NOTE_MIN_HEIGHT 40.0

typedef struct
{
  double x, y, width, height;
} MopedCanvasRect;

typedef struct
{
  double x, y;
} MopedCanvasPoint;

typedef enum
{
  MOPED_CANVAS_SIDE_LEFT,
  MOPED_CANVAS_SIDE_RIGHT,
} MopedCanvasSide;

typedef enum
{
  MOPED_CANVAS_TEXT_CHIP,      /* a socket type on its chip */
  MOPED_CANVAS_TEXT_LABEL,     /* the first line of a link label: label or protocol */
  MOPED_CANVAS_TEXT_ENDPOINT,  /* the second line: the endpoint */
} MopedCanvasTextStyle;

/* Width of @text drawn in @style, in design units. */
typedef double (*MopedCanvasMeasureFunc) (const char           *text,
                                          MopedCanvasTextStyle  style,
                                          gpointer              user_data);

typedef struct
{
  MopedElement     *socket;
  MopedElement     *node;
  MopedCanvasSide   side;
  MopedCanvasPoint  center;  /* on the node's left or right border */
  MopedCanvasRect   chip;    /* the type chip, inside the box next to the port */
  MopedCanvasRect   name;    /* room for the socket name, beside the chip */
} MopedCanvasPort;

typedef struct
{
  MopedElement    *element;  /* a node or a note */
  MopedCanvasRect  rect;     /* exactly the model's x, y, width, height */
  MopedCanvasRect  bounds;   /* everything drawn for it: rect grown by MOPED_CANVAS_BOX_MARGIN */
  GPtrArray       *ports;    /* of MopedCanvasPort, top to bottom (by side when rows are per side) */
  guint            serial;   /* changes when anything but the position changes */
} MopedCanvasBox;

typedef struct
{
  MopedElement     *link;
  MopedElement     *from;    /* sockets */
  MopedElement     *to;
  MopedCanvasPoint  p[4];    /* the cubic Bézier from the from-port to the to-port */
  MopedCanvasPoint  middle;  /* the point of the curve the label is centred on */
  MopedCanvasRect   label;   /* the label chip; width 0 when there is nothing to say */
  gboolean          label_inline; /* label and endpoint on one line (room is wide, not tall) */
  MopedCanvasRect   bounds;
} MopedCanvasLinkCurve;

/* Whether two sockets can be linked, from the socket table and the design. Two
 * sockets of one node may be (validation says so with an info, same-node-link). */
typedef enum
{
  MOPED_CANVAS_PAIR_VALID,         /* compatible types, one binds and one connects */
  MOPED_CANVAS_PAIR_FLIP_TO,       /* compatible; the target, still unlinked, changes mode */
  MOPED_CANVAS_PAIR_FLIP_FROM,     /* compatible; the source, still unlinked, changes mode */
  MOPED_CANVAS_PAIR_SAME_SOCKET,
  MOPED_CANVAS_PAIR_INCOMPATIBLE,  /* the socket table says these types do not talk */
  MOPED_CANVAS_PAIR_LINKED,        /* these two sockets are linked already */
  MOPED_CANVAS_PAIR_MODE_CONFLICT, /* both bind (or both connect) and both have links */
} MopedCanvasPair;

typedef struct _MopedCanvasGeometry MopedCanvasGeometry;

/* @measure may be NULL: widths are then estimated from the number of characters. */
MopedCanvasGeometry   *moped_canvas_geometry_new        (MopedDesign            *design,
                                                         MopedCanvasMeasureFunc  measure,
                                                         gpointer                user_data);
void                   moped_canvas_geometry_free       (MopedCanvasGeometry    *self);

/* Lay out everything again (after loading, or when the text measure changed). */
void                   moped_canvas_geometry_rebuild    (MopedCanvasGeometry    *self);
/* Follow one "changed" emission: only the elements it concerns, and those whose
 * ports or links depend on them, are laid out again. Adds to @dirty (a set of
 * MopedElement, may be NULL) every box and link element whose drawing changed, and
 * every element that was removed. */
void                   moped_canvas_geometry_update     (MopedCanvasGeometry    *self,
                                                         const GArray           *changes,
                                                         GHashTable             *dirty);

const MopedCanvasBox  *moped_canvas_geometry_get_box    (MopedCanvasGeometry    *self,
                                                         const MopedElement     *element);
const MopedCanvasPort *moped_canvas_geometry_get_port   (MopedCanvasGeometry    *self,
                                                         const MopedElement     *socket);
const MopedCanvasLinkCurve *moped_canvas_geometry_get_link_curve   (MopedCanvasGeometry    *self,
                                                         const MopedElement     *link);
/* Links with @socket at one end (borrowed; NULL when none). */
GPtrArray             *moped_canvas_geometry_get_links_of (MopedCanvasGeometry  *self,
                                                           const MopedElement   *socket);

/* The boxes (notes first, then nodes, each in document order: drawing order) and the
 * curves whose bounds meet @area. Either array may be NULL. */
void                   moped_canvas_geometry_query      (MopedCanvasGeometry    *self,
                                                         const MopedCanvasRect  *area,
                                                         GPtrArray              *boxes,
                                                         GPtrArray              *curves);
/* Union of everything drawn; FALSE when the design has nothing to draw. */
gboolean               moped_canvas_geometry_get_extents (MopedCanvasGeometry   *self,
                                                          MopedCanvasRect       *extents);

/* The topmost element under (@x, @y): a socket (its port or chip), a node, a link (its
 * label, or its curve within @tolerance), a note; NULL over empty canvas. */
MopedElement          *moped_canvas_geometry_hit        (MopedCanvasGeometry    *self,
                                                         double                  x,
                                                         double                  y,
                                                         double                  tolerance);
/* The socket whose port is nearest to (@x, @y) within @radius, or NULL. */
MopedElement          *moped_canvas_geometry_port_at    (MopedCanvasGeometry    *self,
                                                         double                  x,
                                                         double                  y,
                                                         double                  radius);
/* Nodes and notes wholly inside @rect, then links whose curve is wholly inside, in
 * drawing order (a new array of borrowed elements). */
GPtrArray             *moped_canvas_geometry_in_rect    (MopedCanvasGeometry    *self,
                                                         const MopedCanvasRect  *rect);

/* Deployment: a frame around the nodes of each process (with a band on top for its
 * label), and one around the process frames of each host. Hosts come first, then
 * processes: drawing order. Processes without nodes and hosts without such frames get
 * none. A new array of MopedCanvasFrame. */
typedef struct
{
  MopedElement    *element;  /* a process or a host */
  MopedCanvasRect  rect;
} MopedCanvasFrame;

GArray                *moped_canvas_geometry_dup_frames (MopedCanvasGeometry    *self);
/* The process or host whose frame's label band (its top, where the name is) holds the
 * point, processes before hosts; NULL if none does. */
MopedElement          *moped_canvas_geometry_frame_at   (MopedCanvasGeometry    *self,
                                                         double                  x,
                                                         double                  y);

/* Moving the selection with the arrow keys: the centre of a box, a port or a link's
 * label point (FALSE for anything not drawn), and the nearest drawn element from
 * @from's centre in the direction (@dx, @dy) (NULL when nothing lies that way). */
gboolean               moped_canvas_geometry_get_center (MopedCanvasGeometry    *self,
                                                         const MopedElement     *element,
                                                         MopedCanvasPoint       *center);
MopedElement          *moped_canvas_geometry_neighbour  (MopedCanvasGeometry    *self,
                                                         const MopedElement     *from,
                                                         double                  dx,
                                                         double                  dy);

/* Linking */
MopedCanvasPair        moped_canvas_geometry_check_pair (MopedCanvasGeometry    *self,
                                                         MopedElement           *from,
                                                         MopedElement           *to);
gboolean               moped_canvas_pair_is_valid       (MopedCanvasPair         pair);
/* Why a pair cannot be linked, in the user's words (NULL for valid pairs). */
const char            *moped_canvas_pair_describe       (MopedCanvasPair         pair);
/* The socket type a new peer of @type gets: its first compatible stable type in the
 * socket table (a draft type only pairs with draft types). */
MopedSocketType        moped_canvas_peer_type           (MopedSocketType         type);
/* The endpoint for a new link whose bound side is @bound: the one @bound already
 * binds, else tcp on all interfaces with the first port from 5555 that no link uses
 * (or an inproc endpoint for a type that cannot use tcp). */
char                  *moped_canvas_suggest_endpoint    (MopedDesign            *design,
                                                         MopedElement           *bound);

/* Rectangles and points */
gboolean               moped_canvas_rect_contains       (const MopedCanvasRect  *rect,
                                                         double                  x,
                                                         double                  y);
gboolean               moped_canvas_rect_intersects     (const MopedCanvasRect  *a,
                                                         const MopedCanvasRect  *b);
gboolean               moped_canvas_rect_encloses       (const MopedCanvasRect  *outer,
                                                         const MopedCanvasRect  *inner);
void                   moped_canvas_rect_union          (MopedCanvasRect        *rect,
                                                         const MopedCanvasRect  *other);
MopedCanvasPoint       moped_canvas_link_curve_point          (const MopedCanvasLinkCurve  *curve,
                                                         double                  t);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MopedCanvasGeometry, moped_canvas_geometry_free)

G_END_DECLS
