/* gst-workers: the vehicle flightlink's tests play, and their helpers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/check/gsttestclock.h>
#include <gst/worker/worker.h>
#include <gst/autonomy/autonomy.h>
#include "mavlink-codec.h"

G_BEGIN_DECLS

typedef struct
{
  GSocket *socket;              /* UDP; or */
  gint fd;                      /* a pty master */
  GSocketAddress *flightlink;
  MavlinkParser parser;
  guint8 seq;
} Vehicle;

/* What vehicle_recv_what() reads until. */
typedef enum
{
  RECV_OTHERS,                  /* not its heartbeats */
  RECV_HEARTBEATS,
  RECV_ANY,
} RecvWhat;

extern const MavlinkHeartbeat vehicle_heartbeat;
extern const MavlinkGlobalPositionInt global_position;
extern const MavlinkAttitude attitude;
extern const MavlinkLocalPositionNed local_position;

/* The element's own clock (the system clock's default), in the tests that
 * set it; the harness's test clock is the pipeline clock. */
extern GstClock *test_clock;

Vehicle * vehicle_new_udp (gint flightlink_port);

Vehicle * vehicle_new_pty (gchar ** device);

void vehicle_free (Vehicle * v);

void vehicle_send_bytes (Vehicle * v, const guint8 * data, gsize len);

void frame_append (GByteArray * out, guint version, guint8 seq, guint8 sysid,
    guint8 compid, guint32 msgid, gconstpointer msg);

void vehicle_send_from (Vehicle * v, guint version, guint8 sysid, guint8 compid,
    guint32 msgid, gconstpointer msg);

void vehicle_send (Vehicle * v, guint version, guint8 sysid, guint32 msgid,
    gconstpointer msg);

gboolean vehicle_recv_what (Vehicle * v, MavlinkFrame * frame, guint timeout_ms,
    RecvWhat what);

gboolean vehicle_recv (Vehicle * v, MavlinkFrame * frame, guint timeout_ms,
    gboolean heartbeats);

GstStructure * get_stats (GstElement * fl);

guint64 stat_u64 (GstElement * fl, const gchar * field);

gchar * stat_string (GstElement * fl, const gchar * field);

void wait_stat_u64 (GstElement * fl, const gchar * field, guint64 value);

void wait_vehicle (GstElement * fl, const gchar * state);

GstHarness * harness_flightlink (const gchar * desc);

GstHarness * harness_udp (const gchar * extra, Vehicle ** v);

GstOdometry pull_odometry (GstHarness * h, GstClockTime * pts);

void pull_eos (GstHarness * h);

GstClockTime harness_running_time (GstHarness * h);

GstBuffer * command_buffer (GstFlightCommandType type, GstFlightCommandFlags flags);

GstMessage * pop_message (GstBus * bus, GstMessageType types, guint ms);

void expect_message (GstBus * bus, GstMessageType type, guint ms,
    const gchar * text);

void advance_to (GstClockTime t);

void check_target (const MavlinkFrame * f, guint version);

G_END_DECLS
