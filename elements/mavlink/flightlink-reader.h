/* gst-workers: flightlink's reader, the vehicle's telemetry as items
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The telemetry side of flightlink as an object of its own: the MAVLink
 * parser of what the link reads, the odometry snapshot the vehicle's
 * messages update, their timestamps (the vehicle clock), the item held
 * for more messages of its vehicle time and the silence timer that lets
 * it go, and the telemetry counts. It pushes the odometry items on the
 * element's src pad through the worker core. Frames other than telemetry
 * go to the element's handler. The reader thread (the src pad's task)
 * calls everything but the counts; its lock guards the counts and the
 * timer.
 */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>
#include <gst/worker/worker.h>

#include "flightlink-commander.h"
#include "flightlink-transport.h"
#include "mavlink-codec.h"

G_BEGIN_DECLS

typedef struct _FlightLinkReader FlightLinkReader;

/* What to do with a frame the parser found: @push FALSE once the
 * telemetry has ended. */
typedef GstFlowReturn (*FlightLinkFrameFunc) (GstElement * owner,
    const MavlinkFrame * frame, GSocketAddress * from, GstClockTime arrival,
    gboolean push);

typedef struct
{
  guint64 messages;             /* telemetry from the vehicle, while it runs */
  guint64 dropped;              /* of those, made into no pushed item */
  guint64 merged;               /* of those, in a pushed item of another */
  MavlinkParserStats parser;    /* the parser's counts */
} FlightLinkReaderCounts;

FlightLinkReader * flight_link_reader_new (GstElement * owner,
    GstWorkerCore * core, GstPad * srcpad, FlightLinkCommander * commander);

void          flight_link_reader_free (FlightLinkReader * r);

void          flight_link_reader_reset (FlightLinkReader * r,
    gboolean vehicle_time, GstClock * clock, FlightLinkTransport * link);

void          flight_link_reader_stop (FlightLinkReader * r);

void          flight_link_reader_counts (FlightLinkReader * r,
    FlightLinkReaderCounts * counts);

gboolean      flight_link_reader_start_stream (FlightLinkReader * r);

gboolean      flight_link_reader_take_due (FlightLinkReader * r);

GstFlowReturn flight_link_reader_push_held (FlightLinkReader * r,
    gboolean due);

void          flight_link_reader_set_home (FlightLinkReader * r,
    gdouble north, gdouble east, gdouble down);

GstFlowReturn flight_link_reader_telemetry (FlightLinkReader * r,
    const MavlinkFrame * f, GstClockTime arrival);

GstFlowReturn flight_link_reader_parse (FlightLinkReader * r,
    const guint8 * data, gsize len, GSocketAddress * from,
    GstClockTime arrival, gboolean push, FlightLinkFrameFunc handle);

G_END_DECLS
