/* gst-workers: flightlink's commander, the commands it sends the vehicle
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The command side of flightlink as an object of its own, with its own
 * lock: acknowledged commands (COMMAND_LONG / COMMAND_INT matched with
 * their COMMAND_ACK, resent on silence, IN_PROGRESS waited on), the PX4
 * setpoint stream (a thread of its own resending the latest setpoint)
 * and the hold setpoint that primes OFFBOARD. It writes through the element's
 * send function and posts nothing: what became of a command comes back
 * as a GstFlightCommandResult, a GstFlowReturn and a GError, and the
 * element posts the messages and pushes the result items.
 */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>
#include <gst/autonomy/autonomy.h>

#include "mavlink-commands.h"

G_BEGIN_DECLS

typedef struct _FlightLinkCommander FlightLinkCommander;

/* Writes @msg as @info in MAVLink @version to @peer (NULL: the link's
 * own); @may_block FALSE fails with G_IO_ERROR_BUSY rather than wait for
 * another writer. */
typedef gboolean (*FlightLinkSendFunc) (GstElement * owner, guint version,
    const MavlinkMessageInfo * info, gconstpointer msg, GSocketAddress * peer,
    gboolean may_block, GError ** error);

/* The version to write in now and where (@peer: a new reference or
 * NULL), for the streamed setpoints. */
typedef guint (*FlightLinkRouteFunc) (GstElement * owner,
    GSocketAddress ** peer);

typedef struct
{
  guint64 accepted;             /* COMMAND_ACKs ACCEPTED */
  guint64 refused;              /* COMMAND_ACKs neither ACCEPTED nor IN_PROGRESS */
  guint64 timed_out;            /* no answer after the last attempt */
  guint64 retried;              /* attempts after the first */
  guint64 setpoints_sent;       /* SET_POSITION_TARGET_*, streamed too */
} FlightLinkCommanderCounts;

FlightLinkCommander * flight_link_commander_new (GstElement * owner,
    FlightLinkSendFunc send, FlightLinkRouteFunc route);

void          flight_link_commander_free (FlightLinkCommander * c);

void          flight_link_commander_reset (FlightLinkCommander * c,
    guint command_timeout, guint command_retries, guint setpoint_rate);

void          flight_link_commander_set_flushing (FlightLinkCommander * c,
    gboolean flushing);

void          flight_link_commander_counts (FlightLinkCommander * c,
    FlightLinkCommanderCounts * counts);

gboolean      flight_link_commander_ack (FlightLinkCommander * c,
    guint16 command, guint8 result);

void          flight_link_commander_set_local (FlightLinkCommander * c,
    const GstOdometry * local);

void          flight_link_commander_set_vehicle (FlightLinkCommander * c,
    gboolean armed, guint8 landed_state);

typedef enum
{
  FLIGHT_LINK_DONE,             /* the vehicle did it */
  FLIGHT_LINK_NOT_DONE,         /* not within the time given */
  FLIGHT_LINK_DONE_FLUSHING,    /* woken by a flush */
} FlightLinkDone;

FlightLinkDone flight_link_commander_wait_done (FlightLinkCommander * c,
    const GstFlightCommand * cmd, guint timeout_ms, gchar ** where);

gboolean      flight_link_commander_prime_offboard (FlightLinkCommander * c,
    const MavlinkTarget * target, GstFlowReturn * ret, const gchar ** why);

GstFlowReturn flight_link_commander_send_acknowledged (FlightLinkCommander * c,
    const MavlinkMessageInfo * info, MavlinkCommandMessage * msg,
    guint version, GSocketAddress * peer, GstFlightCommandResult * res,
    GError ** error);

gboolean      flight_link_commander_send_setpoint (FlightLinkCommander * c,
    const MavlinkMessageInfo * info, const MavlinkCommandMessage * msg,
    guint version, GSocketAddress * peer, gboolean stream, GError ** error);

void          flight_link_commander_stop_stream (FlightLinkCommander * c);

/* What became of a command item, for the element to tell. */
typedef struct
{
  GstFlightCommandResult res;   /* outcome 0: no result (a setpoint, or
                                 * not waited for) */
  gboolean sent;                /* written (and answered, if waited for) */
  const MavlinkMessageInfo *info;       /* as what */
  const gchar *why;             /* not sent: it cannot be expressed */
  GError *error;                /* not sent: the write failed */
  gchar *where;                 /* accepted but not done: where it is */
} FlightLinkExecution;

GstFlowReturn flight_link_commander_execute (FlightLinkCommander * c,
    const GstFlightCommand * cmd, const MavlinkTarget * target,
    guint version, GSocketAddress * peer, guint completion_timeout,
    FlightLinkExecution * ex);

G_END_DECLS
