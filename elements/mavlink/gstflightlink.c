/* gst-workers: flightlink, the flight-controller link worker
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-flightlink
 * @title: flightlink
 * @short_description: telemetry in, commands out, over MAVLink
 *
 * The worker B1 of the worker model: the only element that talks to the
 * flight controller, in both directions, over one MAVLink link (UDP or a
 * serial device).
 *
 * Its `src` pad sends odometry items (%GST_ODOMETRY_CAPS) built from the
 * vehicle's HEARTBEAT, GLOBAL_POSITION_INT, ATTITUDE and
 * LOCAL_POSITION_NED messages, MAVLink 1 or 2. Its `sink` pad takes flight
 * command items (%GST_FLIGHT_COMMAND_CAPS) and writes them as MAVLink
 * messages:
 *
 * | command | with a global position | with a local position | without |
 * |---|---|---|---|
 * | goto | SET_POSITION_TARGET_GLOBAL_INT (MAV_FRAME_GLOBAL_INT, altitude MSL) | SET_POSITION_TARGET_LOCAL_NED (MAV_FRAME_LOCAL_NED) | refused |
 * | loiter | COMMAND_INT MAV_CMD_NAV_LOITER_UNLIM (MAV_FRAME_GLOBAL) | COMMAND_INT MAV_CMD_NAV_LOITER_UNLIM (MAV_FRAME_LOCAL_NED, x/y in m * 1e4) | COMMAND_LONG MAV_CMD_NAV_LOITER_UNLIM |
 * | land | COMMAND_INT MAV_CMD_NAV_LAND (MAV_FRAME_GLOBAL) | COMMAND_INT MAV_CMD_NAV_LAND (MAV_FRAME_LOCAL_NED) | COMMAND_LONG MAV_CMD_NAV_LAND |
 * | return | | | COMMAND_LONG MAV_CMD_NAV_RETURN_TO_LAUNCH |
 * | arm, disarm | | | COMMAND_LONG MAV_CMD_COMPONENT_ARM_DISARM (param1 1, 0) |
 * | takeoff | | COMMAND_LONG MAV_CMD_NAV_TAKEOFF to -down above home | ArduPilot: refused; PX4: its default height |
 * | guided | | | COMMAND_LONG MAV_CMD_DO_SET_MODE: ArduPilot GUIDED, PX4 OFFBOARD |
 *
 * A global position wins over a local one. A yaw, when set, goes in the
 * setpoint's `yaw` (radians) or the command's param4 (degrees; NaN when not
 * set). Positions the command messages cannot carry (a latitude beyond
 * ±90°, a local position beyond ±214 km) refuse the command. A refused
 * command posts a warning and counts in `items-dropped`. Local positions
 * are from home (as the odometry's): once the vehicle's HOME_POSITION is
 * known, they are sent from its EKF origin.
 *
 * Safety: flightlink never arms, takes off or changes the vehicle's mode
 * by itself: only the arm, takeoff and guided command items do (and, on
 * PX4, the hold setpoints a guided item streams first).
 *
 * ## Acknowledged commands and their results
 *
 * A command sent as COMMAND_LONG or COMMAND_INT waits for the vehicle's
 * COMMAND_ACK of that command (the sink pad waits meanwhile, so commands
 * are done in order: a takeoff is not sent before the arm it needs is
 * answered). No answer within `command-timeout` ms: it is sent again
 * (COMMAND_LONG's `confirmation` counting the attempts), `command-retries`
 * times at most, then reported timed out with a warning. An IN_PROGRESS
 * answer waits on. A refusal (denied, temporarily rejected, unsupported,
 * failed, cancelled) is reported with a warning and never sent again.
 * Each such command, and each command flightlink cannot express, gives a
 * result item (%GST_FLIGHT_COMMAND_RESULT_CAPS: type, target id, MAV_CMD,
 * outcome, MAV_RESULT, attempts) on the `results` pad, and an element
 * message "flightlink-command-result" with the fields `command`,
 * `target-id`, `mav-command`, `outcome` ("accepted", "refused", "failed",
 * "timed-out", "not-sent"), `mav-result` and `attempts`. Setpoints (goto)
 * have no answer: they are counted in `setpoints-sent`, apart. With
 * `command-timeout` 0 nothing is waited for and no result is given. The
 * `results` pad starts with a gap event, so that a sink on it prerolls,
 * and ends with the sink pad's EOS.
 *
 * With `completion-timeout`, an accepted takeoff or land is done only
 * when the vehicle has done it, and the next command (or the end of the
 * stream) waits for that, as a companion computer must: ArduPilot takes a
 * setpoint sent during the climb as the new target and stops climbing,
 * PX4 leaves its Takeoff mode for OFFBOARD. A takeoff (with a height) is
 * done when the vehicle is at 95 % of its height above home, a land when
 * the vehicle is disarmed and, if it says so, on the ground (autopilots
 * disarm once landed). Its result item comes then; if the time runs out,
 * a warning says where the vehicle is and the result is "timed-out" (the
 * land's wait ends at the end of the stream: a drain of the pipeline
 * ends with the drone down).
 *
 * ## ArduPilot and PX4
 *
 * The autopilot family comes from the vehicle's HEARTBEAT (`autopilot` 3:
 * ArduPilot, 12: PX4, else generic), or from the `autopilot` property.
 *
 * - ArduPilot follows position setpoints only in GUIDED: send a guided
 *   item first (mode 4 in Copter, 15 in Plane and Rover). Its takeoff
 *   (armed, in GUIDED) climbs to -down metres above home. Its telemetry
 *   rates come from its SRn_ parameters unless asked: `telemetry-rate`
 *   asks with SET_MESSAGE_INTERVAL and REQUEST_DATA_STREAM.
 * - PX4 follows setpoints only in OFFBOARD, which it enters only while
 *   setpoints come at 2 Hz or more, and leaves when they stop for about
 *   0.5 s. So flightlink sends a goto's setpoint again at `setpoint-rate`
 *   (5 Hz) until a land, return, loiter or disarm item, and a guided item
 *   first streams a setpoint holding the vehicle where it is for 1 s,
 *   then asks for OFFBOARD (refused while no local position is known).
 *   Its takeoff takes an altitude above sea level: home's plus the
 *   height once HOME_POSITION is known, else PX4's default height.
 *   With `goto-command=reposition`, a goto (global position) is instead
 *   one acknowledged COMMAND_INT MAV_CMD_DO_REPOSITION, nothing streamed.
 * - generic: the common commands; a guided item is refused (not sent).
 *
 * ## The vehicle's state
 *
 * Its mode (HEARTBEAT custom_mode), arming, landed state
 * (EXTENDED_SYS_STATE), battery (SYS_STATUS) and GPS fix (GPS_RAW_INT)
 * are posted as an element message "flightlink-vehicle-state" whenever
 * one changes (fields `mode`, `armed`, `system-status`, `landed-state`,
 * `battery-remaining`, `voltage`, `gps-fix`, `satellites`, `autopilot`,
 * and `home-latitude`, `home-longitude`, `home-altitude` once known), and
 * are in the stats. Its HOME_POSITION posts an info message; from then
 * on the odometry's north, east and down are from home, not from the
 * vehicle's EKF origin.
 *
 * ## The vehicle
 *
 * The vehicle is the first component whose HEARTBEAT comes from an
 * autopilot (autopilot other than MAV_AUTOPILOT_INVALID, type other than
 * MAV_TYPE_GCS), in system `target-system` when set; or the component
 * `target-component` names (of `target-system`, when set), whatever it
 * is. So a gimbal or a camera of the vehicle's system that beats first
 * is not taken for the autopilot. Telemetry from other systems and
 * components is ignored. Over UDP,
 * commands and heartbeats go to the address the vehicle's heartbeats come
 * from, or to `remote-address`:`remote-port` when set.
 *
 * Commands wait (the sink pad blocks, like a full queue) until the
 * vehicle's heartbeat has been heard once: a command is never sent to
 * nobody. The vehicle hears flightlink's own HEARTBEAT before its first
 * command. Once the pipeline is ending (an EOS was sent to it), a command
 * for a vehicle never heard is dropped with a warning and counted in
 * `items-dropped`, so that the end never hangs on an absent vehicle.
 * flightlink sends its own HEARTBEAT (MAV_TYPE_ONBOARD_CONTROLLER,
 * `system-id` / `component-id`) once a second while PLAYING, as soon as it
 * knows where to send it. When nothing has been heard from the vehicle for
 * `vehicle-timeout` ms (checked once a second) it posts a warning ("Lost
 * the vehicle's heartbeat") whose details carry `system-id` and
 * `timeout-ms`, and reports `vehicle` = "lost" in its heartbeat and
 * statistics; when the vehicle comes back it posts an info message. A
 * vehicle never heard at all gets one warning too ("No vehicle heard"),
 * `vehicle-timeout` ms after the element first went to PLAYING; its
 * heartbeat says `vehicle` = "waiting" meanwhile.
 * COMMAND_ACKs from the vehicle are counted; a refusal posts a warning.
 * The vehicle's STATUSTEXTs (PreArm checks, failsafes) reach the user as
 * messages "The vehicle says: TEXT" (details: `severity`, `text`): a
 * warning up to MAV_SEVERITY_WARNING, an info message for NOTICE and
 * INFO; DEBUG goes to the debug log.
 *
 * flightlink's own `system-id` is by default 1, the vehicle's own system
 * as ArduPilot and PX4 ship (a companion computer on board, component
 * 191, MAV_COMP_ID_ONBOARD_COMPUTER), not 255: that is the ground
 * station's by convention, and an autopilot that heard flightlink's
 * heartbeat as its GCS's would not see its real GCS link go.
 *
 * ## Time
 *
 * Each odometry item has as `source_time_us` its message's `time_boot_ms`
 * times 1000: the vehicle's own clock. Its PTS, a running time, depends on
 * `timestamp-mode`:
 *
 * - `vehicle` (the default): the time the vehicle measured the message,
 *   on the pipeline's clock. flightlink maps the vehicle's clock to the
 *   running time with the smallest offset (read time - vehicle time) seen
 *   so far: the least delayed message defines the mapping, and a message
 *   read late (a loaded machine, a busy link) keeps the time it was
 *   measured at instead of looking younger than it is. The mapping is
 *   late by the smallest delay seen (the link's latency, under a
 *   millisecond on loopback). The smallest offset is that of the last 5
 *   to 10 s of vehicle time, so that the mapping follows the drift of
 *   the vehicle's crystal (20-100 ppm, up to 0.36 s an hour) within 2 ms
 *   (tests/check/vehicleclock.c, an hour at 100 ppm). When the vehicle's
 *   clock steps back more than a second, the vehicle rebooted:
 *   flightlink posts a warning ("The vehicle's clock went back ...",
 *   details `previous-time-ms` and `time-ms`) and starts a new mapping.
 *   The vehicle's clock must run: an autopilot that leaves `time_boot_ms`
 *   at 0 needs `arrival`.
 * - `arrival`: the running time at which flightlink read the bytes that
 *   completed the message (all messages of one datagram or one read share
 *   it). The read delay is in the timestamp.
 *
 * Either way PTS never go back, and an item never carries values older
 * than the ones it replaces: a telemetry message with a `time_boot_ms`
 * older than the newest one of its kind (reordered or delayed on the way,
 * by up to 1 s: further back is a reboot) is dropped, counted in
 * `telemetry-dropped`. (Kinds apart: an autopilot stamps each with the
 * time of its own sample, so a GLOBAL_POSITION_INT may be older than the
 * ATTITUDE before it, and still the newest position.)
 *
 * Each item is a snapshot: the parts its messages carry
 * (GLOBAL_POSITION_INT: global position and velocity; LOCAL_POSITION_NED:
 * local position and velocity; ATTITUDE: roll, pitch, yaw) are updated,
 * the other parts are the latest received, and `fields` says which parts
 * have been received so far. A message with values that are not finite
 * updates nothing and counts in `items-dropped`.
 *
 * In `arrival` mode each message makes one item. In `vehicle` mode the
 * messages of one vehicle time make one item: a vehicle sends the
 * messages it measured together (one tick of its loop) with the same
 * `time_boot_ms`, and one item per message would give several items of
 * one PTS, the first of which still has the older values of the others
 * (a merge downstream that keeps one item per timestamp would keep that
 * one). So flightlink holds the item of the latest vehicle time and
 * pushes it when a message of another vehicle time comes, when telemetry
 * ends (the EOS of a drain or of `gst-launch-1.0 -e` comes after it), or
 * when no telemetry message has come for 100 ms (a vehicle that stops
 * sending, or sends slower than 10 Hz). An item thus comes out up to one
 * message period (at most 100 ms) after its last message was read, and
 * later than its PTS by that plus the message's delay: a live merge
 * downstream needs that much latency (the `latency` query does not
 * include it). Messages of one vehicle time that come more than 100 ms
 * apart make two items of the same PTS.
 *
 * ## Frames
 *
 * The codec checks every frame's checksum with its message's CRC_EXTRA and
 * resynchronises at the next start byte after garbage or a bad frame.
 * MAVLink 2 signatures are not verified (flightlink holds no key): a signed
 * frame is accepted on its checksum. Bad frames (frames of known messages
 * with a wrong checksum, or cut short at the end of a datagram) are counted
 * in `bad-frames`, bytes outside any frame in `garbage-bytes`. Over UDP a
 * datagram is a unit: a frame never spans two.
 *
 * ## Flow and end of stream
 *
 * flightlink is both a source and a sink. An EOS sent to the pipeline ends
 * its telemetry: the src pad pushes EOS after the last item. Its sink side
 * goes on sending commands until its own sink pad gets EOS, and only then
 * posts its EOS message, so the pipeline's EOS waits for the last command
 * to be written (or dropped, if no vehicle was ever heard). An unlinked
 * sink pad counts as done once telemetry ends.
 * Telemetry read while the src pad is not linked is dropped (counted in
 * `items-dropped`). While `paused`, no telemetry is pushed and no command
 * is written; both wait.
 *
 * ## Counts
 *
 * The worker counts follow the items: `items-in` counts the command items
 * taken from the sink pad (once each is sent or dropped), `items-out` the
 * odometry items pushed, `items-dropped` the commands not sent and the
 * telemetry messages that made no pushed item (a message merged into the
 * item of its vehicle time is not dropped). Besides the worker fields,
 * its `worker-heartbeat` messages and `stats` carry `vehicle` ("waiting",
 * "ok" or "lost"), `vehicle-system-id`, `vehicle-component-id`,
 * `vehicle-heartbeat-age` (GstClockTime, NONE before the first), and
 * (guint64) `frames-received` (good frames of any message and system),
 * `bad-frames`, `garbage-bytes`, `telemetry-messages` (the vehicle's
 * GLOBAL_POSITION_INT, ATTITUDE and LOCAL_POSITION_NED while telemetry
 * runs), `telemetry-dropped` (of those, the ones that made no pushed item:
 * values not finite, older than the newest, src pad not linked),
 * `telemetry-merged` (of those,
 * the ones in a pushed item beside the one counted for it in `items-out`:
 * an item of three messages counts 1 in `items-out` and 2 here; always 0
 * in `arrival` mode), `commands-sent`,
 * `commands-dropped` (refused, or dropped at the end with no vehicle, or
 * malformed, or failed to write), `commands-accepted`, `commands-refused`
 * (COMMAND_ACKs), `commands-timed-out`, `commands-retried` (attempts
 * after the first), `setpoints-sent` (streamed ones too),
 * `heartbeats-sent`, `autopilot`, `vehicle-mode`, `vehicle-armed`,
 * `vehicle-landed-state`, `vehicle-battery-remaining`, `vehicle-gps-fix`
 * and `vehicle-home`. Once the streams are idle (and
 * the held item pushed: 100 ms after the last message, or at the end):
 * `items-in` = `commands-sent` + `commands-dropped`, `telemetry-messages`
 * = `items-out` + `telemetry-merged` + `telemetry-dropped`,
 * `items-dropped` =
 * `commands-dropped` + `telemetry-dropped` (but for items lost to a
 * flush).
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 -e flightlink name=fl address=127.0.0.1 port=14550 \
 *     ! queue ! fakesink \
 *   filesrc location=pipelines/b1-commands.bin blocksize=72 \
 *     ! application/x-flight-command ! queue ! fl.sink
 * ]|
 * Reads telemetry from a vehicle that sends to 127.0.0.1:14550 (a
 * simulator, a MAVLink router), and sends it the five commands of the file
 * once it has heard its heartbeat. Stop it with Ctrl-C.
 * |[
 * gst-launch-1.0 -e flightlink name=fl device=/dev/ttyACM0 baud=921600 \
 *     telemetry-rate=20 ! queue ! fakesink \
 *   fl.results ! queue ! fakesink silent=false
 * ]|
 * A flight controller on a serial line, its telemetry asked for at 20 Hz,
 * every command result printed (commands would come from an autonomy
 * system into `fl.sink`).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include <gio/gio.h>
#include <gst/worker/worker.h>
#include <gst/worker/gstworkercore.h>
#include <gst/autonomy/autonomy.h>

#include "gstflightlink.h"
#include "gstmavlinkelements.h"
#include "flightlink-transport.h"
#include "flightlink-commander.h"
#include "flightlink-reader.h"
#include "flightlink-vehicle.h"
#include "mavlink-codec.h"
#include "mavlink-commands.h"
#include "vehicle-status.h"

/* shared with flightlink-commander.c (the plugin hides it) */
GST_DEBUG_CATEGORY (flight_link_debug);
#define GST_CAT_DEFAULT flight_link_debug

#define DEFAULT_ADDRESS "0.0.0.0"
#define DEFAULT_PORT 14550
#define DEFAULT_REMOTE_ADDRESS NULL
#define DEFAULT_REMOTE_PORT 0
#define DEFAULT_DEVICE NULL
#define DEFAULT_BAUD 57600
#define DEFAULT_SYSTEM_ID 1
#define DEFAULT_COMPONENT_ID MAV_COMP_ID_ONBOARD_COMPUTER
#define DEFAULT_TARGET_SYSTEM 0
#define DEFAULT_TARGET_COMPONENT 0
#define DEFAULT_VEHICLE_TIMEOUT 3000
#define DEFAULT_MAVLINK_VERSION GST_FLIGHT_LINK_VERSION_AUTO
#define DEFAULT_TIMESTAMP_MODE GST_FLIGHT_LINK_TIMESTAMP_VEHICLE
#define DEFAULT_AUTOPILOT GST_FLIGHT_LINK_AUTOPILOT_AUTO
#define DEFAULT_COMMAND_TIMEOUT 1000
#define DEFAULT_COMMAND_RETRIES 3
#define DEFAULT_COMPLETION_TIMEOUT 0
#define DEFAULT_SETPOINT_RATE 5
#define DEFAULT_TELEMETRY_RATE 0
#define DEFAULT_GOTO_COMMAND GST_FLIGHT_LINK_GOTO_SETPOINT


enum
{
  PROP_0 = GST_WORKER_CORE_PROP_LAST,
  PROP_ADDRESS,
  PROP_PORT,
  PROP_BOUND_PORT,
  PROP_REMOTE_ADDRESS,
  PROP_REMOTE_PORT,
  PROP_DEVICE,
  PROP_BAUD,
  PROP_SYSTEM_ID,
  PROP_COMPONENT_ID,
  PROP_TARGET_SYSTEM,
  PROP_TARGET_COMPONENT,
  PROP_VEHICLE_TIMEOUT,
  PROP_MAVLINK_VERSION,
  PROP_TIMESTAMP_MODE,
  PROP_BAD_FRAMES,
  PROP_AUTOPILOT,
  PROP_COMMAND_TIMEOUT,
  PROP_COMMAND_RETRIES,
  PROP_COMPLETION_TIMEOUT,
  PROP_SETPOINT_RATE,
  PROP_TELEMETRY_RATE,
  PROP_GOTO_COMMAND,
};

/* What the properties set for a run (object lock), copied when it
 * starts. */
typedef struct
{
  guint system_id;
  guint component_id;
  guint target_system;
  guint target_component;
  guint vehicle_timeout;
  GstFlightLinkVersion version;
  GstFlightLinkTimestampMode timestamp_mode;
  GstFlightLinkAutopilot autopilot;
  guint command_timeout;
  guint command_retries;
  guint completion_timeout;
  guint setpoint_rate;
  guint telemetry_rate;
  GstFlightLinkGotoCommand goto_command;
} RunConfig;

struct _GstFlightLink
{
  GstElement parent;

  GstPad *srcpad;
  GstPad *sinkpad;
  GstPad *resultpad;            /* results: pushed by the sink's thread */
  GstWorkerCore *core;

  /* properties: object lock */
  gchar *address;
  gint port;
  gint bound_port;
  gchar *remote_address;
  gint remote_port;
  gchar *device;
  guint baud;
  RunConfig props;

  /* the link: opened in NULL to READY, closed in READY to NULL (state
   * lock); used by the streaming threads in between */
  FlightLinkTransport *link;

  /* set in READY to PAUSED (state lock), read-only while running */
  RunConfig cfg;

  /* lock and cond guard the fields below */
  GMutex lock;
  GCond cond;
  gboolean playing;
  gboolean src_flushing;
  gboolean src_eos;             /* EOS asked for on the src side */
  gboolean src_done;            /* EOS pushed on the src pad */
  gboolean sink_flushing;
  gboolean sink_done;           /* EOS message posted for the sink side */
  guint64 commands_sent;
  guint64 commands_dropped;     /* taken from the sink pad, not sent */

  /* the commands out: its own lock; created in init, freed in finalize */
  FlightLinkCommander *commander;
  /* the telemetry in: its own lock; created in init, freed in finalize */
  FlightLinkReader *reader;
  /* the vehicle and the heartbeats: its own lock; init to finalize */
  FlightLinkVehicle *vehicle;

  /* serialises writes to the link */
  GMutex write_lock;
  guint8 tx_seq;                /* write_lock */

  gboolean result_sticky;       /* sink side: the results pad's events */
};

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_ODOMETRY_CAPS));

static GstStaticPadTemplate result_template =
GST_STATIC_PAD_TEMPLATE ("results",
    GST_PAD_SRC,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_FLIGHT_COMMAND_RESULT_CAPS));

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_FLIGHT_COMMAND_CAPS));

static void gst_flight_link_worker_init (GstWorkerInterface * iface);

G_DEFINE_TYPE_WITH_CODE (GstFlightLink, gst_flight_link, GST_TYPE_ELEMENT,
    G_IMPLEMENT_INTERFACE (GST_TYPE_WORKER, gst_flight_link_worker_init);
    GST_DEBUG_CATEGORY_INIT (flight_link_debug, "flightlink", 0,
        "flight-controller link over MAVLink"));
GST_ELEMENT_REGISTER_DEFINE (flightlink, "flightlink", GST_RANK_NONE,
    GST_TYPE_FLIGHT_LINK);

/* ---------------------------------------------------------------------- */
/* the worker */

static GstWorkerCore *
gst_flight_link_get_core (GstWorker * worker)
{
  return GST_FLIGHT_LINK (worker)->core;
}

/* Counts one command taken from the sink pad, in items-in: sent (in
 * commands-sent) or not (in commands-dropped and items-dropped). */
static void
count_command (GstFlightLink * self, gboolean sent)
{
  g_mutex_lock (&self->lock);
  if (sent)
    self->commands_sent++;
  else
    self->commands_dropped++;
  g_mutex_unlock (&self->lock);
  gst_worker_core_count (self->core, 1, 0, sent ? 0 : 1);
}

static void
gst_flight_link_add_stats (GstWorker * worker, GstStructure * s)
{
  GstFlightLink *self = GST_FLIGHT_LINK (worker);
  FlightLinkCommanderCounts cc;
  FlightLinkReaderCounts rc;
  FlightLinkVehicleSnapshot v;

  flight_link_commander_counts (self->commander, &cc);
  flight_link_reader_counts (self->reader, &rc);
  flight_link_vehicle_snapshot (self->vehicle, &v);
  g_mutex_lock (&self->lock);
  gst_structure_set (s,
      "vehicle", G_TYPE_STRING, v.state,
      "vehicle-system-id", G_TYPE_UINT, (guint) v.sysid,
      "vehicle-component-id", G_TYPE_UINT, (guint) v.compid,
      "vehicle-heartbeat-age", GST_TYPE_CLOCK_TIME, v.heartbeat_age,
      "frames-received", G_TYPE_UINT64,
      rc.parser.frames + rc.parser.unknown_frames,
      "bad-frames", G_TYPE_UINT64, rc.parser.bad_crc + rc.parser.truncated,
      "garbage-bytes", G_TYPE_UINT64, rc.parser.garbage_bytes,
      "telemetry-messages", G_TYPE_UINT64, rc.messages,
      "telemetry-dropped", G_TYPE_UINT64, rc.dropped,
      "telemetry-merged", G_TYPE_UINT64, rc.merged,
      "commands-sent", G_TYPE_UINT64, self->commands_sent,
      "commands-dropped", G_TYPE_UINT64, self->commands_dropped,
      "commands-accepted", G_TYPE_UINT64, cc.accepted,
      "commands-refused", G_TYPE_UINT64, cc.refused,
      "commands-timed-out", G_TYPE_UINT64, cc.timed_out,
      "commands-retried", G_TYPE_UINT64, cc.retried,
      "setpoints-sent", G_TYPE_UINT64, cc.setpoints_sent,
      "heartbeats-sent", G_TYPE_UINT64, v.heartbeats_sent,
      "autopilot", G_TYPE_STRING, mavlink_autopilot_family_name (v.family),
      "vehicle-mode", G_TYPE_UINT, v.status.mode,
      "vehicle-armed", G_TYPE_BOOLEAN, v.status.armed,
      "vehicle-landed-state", G_TYPE_STRING,
      vehicle_landed_state_name (v.status.landed_state),
      "vehicle-battery-remaining", G_TYPE_INT,
      (gint) v.status.battery_remaining,
      "vehicle-gps-fix", G_TYPE_UINT, (guint) v.status.gps_fix,
      "vehicle-home", G_TYPE_BOOLEAN, v.status.have_home, NULL);
  g_mutex_unlock (&self->lock);
}

static void
gst_flight_link_worker_init (GstWorkerInterface * iface)
{
  iface->get_core = gst_flight_link_get_core;
  iface->add_stats = gst_flight_link_add_stats;
}

/* ---------------------------------------------------------------------- */
/* the link: open, close, read, write */

static const gchar *
link_name (GstFlightLink * self)
{
  return flight_link_transport_name (self->link);
}

/* Posts an error of the transport: its message is the user text. */
static void
post_link_error (GstFlightLink * self, GError * err, gchar * debug)
{
  gst_element_message_full (GST_ELEMENT (self), GST_MESSAGE_ERROR,
      err->domain, err->code, g_strdup (err->message), debug, __FILE__,
      GST_FUNCTION, __LINE__);
}

static gboolean
gst_flight_link_open (GstFlightLink * self)
{
  gchar *address, *remote_address, *device, *debug = NULL;
  gint port, remote_port;
  guint baud;
  GError *err = NULL;

  GST_OBJECT_LOCK (self);
  address = g_strdup (self->address);
  port = self->port;
  remote_address = g_strdup (self->remote_address);
  remote_port = self->remote_port;
  device = g_strdup (self->device);
  baud = self->baud;
  GST_OBJECT_UNLOCK (self);

  if (device) {
    self->link = flight_link_transport_open_serial (device, baud, &err,
        &debug);
  } else if (address) {
    self->link = flight_link_transport_open_udp (address, port,
        remote_address, remote_port, &err, &debug);
    if (self->link) {
      GST_OBJECT_LOCK (self);
      self->bound_port = flight_link_transport_bound_port (self->link);
      GST_OBJECT_UNLOCK (self);
    }
  } else {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("No link: set address and port (UDP) or device (serial)."), (NULL));
  }
  if (err) {
    post_link_error (self, err, debug);
    g_clear_error (&err);
  } else if (self->link) {
    GST_INFO_OBJECT (self, "opened %s", link_name (self));
  }

  g_free (address);
  g_free (remote_address);
  g_free (device);
  return self->link != NULL;
}

static void
gst_flight_link_close (GstFlightLink * self)
{
  g_clear_pointer (&self->link, flight_link_transport_free);
}

/* Encodes and writes one message, numbering it; with write_lock. */
static gboolean
write_message_locked (GstFlightLink * self, guint version,
    const MavlinkMessageInfo * info, gconstpointer msg, GSocketAddress * peer,
    gboolean may_block, GError ** error)
{
  guint8 frame[MAVLINK_MAX_FRAME_LEN];
  gsize len;
  gboolean ok;

  len = mavlink_message_encode (frame, version, self->tx_seq,
      self->cfg.system_id, self->cfg.component_id, info, msg);
  ok = len > 0 && flight_link_transport_write (self->link, frame, len, peer,
      may_block, error);
  if (ok)
    self->tx_seq++;
  return ok;
}

/* Encodes and writes one message; @may_block FALSE: fails with
 * G_IO_ERROR_BUSY rather than wait for another writer or the link. */
static gboolean
send_message (GstFlightLink * self, guint version,
    const MavlinkMessageInfo * info, gconstpointer msg, GSocketAddress * peer,
    gboolean may_block, GError ** error)
{
  gboolean ok;

  if (may_block) {
    g_mutex_lock (&self->write_lock);
  } else if (!g_mutex_trylock (&self->write_lock)) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY,
        "a command is being written");
    return FALSE;
  }
  ok = write_message_locked (self, version, info, msg, peer, may_block,
      error);
  g_mutex_unlock (&self->write_lock);
  return ok;
}

/* The commander's way out: the link, in flightlink's ids. */
static gboolean
commander_send (GstElement * owner, guint version,
    const MavlinkMessageInfo * info, gconstpointer msg, GSocketAddress * peer,
    gboolean may_block, GError ** error)
{
  return send_message (GST_FLIGHT_LINK (owner), version, info, msg, peer,
      may_block, error);
}

/* For the commander's streamed setpoints: the version and peer of now. */
static guint
commander_route (GstElement * owner, GSocketAddress ** peer)
{
  return flight_link_vehicle_route (GST_FLIGHT_LINK (owner)->vehicle, peer);
}

/* ---------------------------------------------------------------------- */
/* the vehicle watch's timer: lost, never heard */

static void
vehicle_event (GstElement * owner, FlightLinkVehicleEvents events,
    guint8 sysid, guint timeout)
{
  GstFlightLink *self = GST_FLIGHT_LINK (owner);

  if (events & FLIGHT_LINK_VEHICLE_LOST) {
    GST_ELEMENT_WARNING_WITH_DETAILS (self, RESOURCE, READ,
        ("Lost the vehicle's heartbeat: nothing from system %u for %u ms.",
            sysid, timeout),
        ("no HEARTBEAT from system %u over %s", sysid, link_name (self)),
        ("system-id", G_TYPE_UINT, (guint) sysid,
            "timeout-ms", G_TYPE_UINT, timeout, NULL));
  }
  if (events & FLIGHT_LINK_VEHICLE_ABSENT) {
    GST_ELEMENT_WARNING_WITH_DETAILS (self, RESOURCE, READ,
        ("No vehicle heard: no heartbeat on %s for %u ms.", link_name (self),
            timeout), ("still waiting for a vehicle's HEARTBEAT"),
        ("timeout-ms", G_TYPE_UINT, timeout, NULL));
  }
}

/* ---------------------------------------------------------------------- */
/* the vehicle's messages in */

static GstClockTime
running_time_now (GstFlightLink * self)
{
  GstClock *clock = gst_element_get_clock (GST_ELEMENT (self));
  GstClockTime now, base, rt = GST_CLOCK_TIME_NONE;

  if (clock) {
    base = gst_element_get_base_time (GST_ELEMENT (self));
    now = gst_clock_get_time (clock);
    rt = now > base ? now - base : 0;
    gst_object_unref (clock);
  }
  return rt;
}

/* The vehicle's state changed (or was first heard): an element message
 * "flightlink-vehicle-state" says so (vehicle-state.c has its fields,
 * with `autopilot` besides). */
static void
post_vehicle_state (GstFlightLink * self)
{
  GstStructure *s = flight_link_vehicle_state_message (self->vehicle);

  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self), s));
}

/* Asks the vehicle for its telemetry at telemetry-rate (reader thread,
 * once the vehicle is found): a request the link has no room for is
 * skipped, but not one that met another writer (the heartbeat's tick,
 * a command): it waits for that write to be done. */
static void
request_rates (GstFlightLink * self)
{
  MavlinkOutMessage out[MAVLINK_RATE_REQUESTS_MAX];
  MavlinkTarget target = { 0 };
  GSocketAddress *peer = NULL;
  guint version, n, i;
  gboolean first;
  GError *err = NULL;

  if (!flight_link_vehicle_target (self->vehicle, &target, &version, &peer,
          &first)) {
    g_clear_object (&peer);
    return;
  }

  n = mavlink_rate_requests (&target, self->cfg.telemetry_rate, out);
  g_mutex_lock (&self->write_lock);
  for (i = 0; i < n; i++) {
    if (!write_message_locked (self, version, out[i].info, &out[i].msg, peer,
            FALSE, &err)) {
      GST_DEBUG_OBJECT (self, "rate request not sent: %s", err->message);
      g_clear_error (&err);
    }
  }
  g_mutex_unlock (&self->write_lock);
  if (n)
    GST_INFO_OBJECT (self, "asked the vehicle for its telemetry at %u Hz",
        self->cfg.telemetry_rate);
  g_clear_object (&peer);
}

/* The vehicle's state messages (its heartbeat too). */
static void
handle_state (GstFlightLink * self, const MavlinkFrame * f)
{
  VehicleStatusChange change;
  VehicleStatus st;

  change = flight_link_vehicle_update (self->vehicle, f, &st);

  if (change & VEHICLE_STATUS_HOME) {
    /* local positions from home, not from the EKF origin */
    flight_link_reader_set_home (self->reader, st.home_north, st.home_east,
        st.home_down);
    GST_ELEMENT_INFO (self, RESOURCE, READ,
        ("The vehicle's home: latitude %.7f, longitude %.7f, altitude "
            "%.2f m.", st.home_latitude, st.home_longitude,
            st.home_altitude), ("HOME_POSITION, local %.2f %.2f %.2f",
            st.home_north, st.home_east, st.home_down));
  }
  if (change & VEHICLE_STATUS_CHANGED) {
    flight_link_commander_set_vehicle (self->commander, st.armed,
        st.landed_state);
    post_vehicle_state (self);
  }
}

static void
handle_heartbeat (GstFlightLink * self, const MavlinkFrame * f,
    GSocketAddress * from)
{
  MavlinkHeartbeat hb;
  FlightLinkVehicleEvents events;
  gboolean found, back, ours;

  events = flight_link_vehicle_heartbeat (self->vehicle, f, from, &hb);
  found = events & FLIGHT_LINK_VEHICLE_FOUND;
  back = events & FLIGHT_LINK_VEHICLE_BACK;
  ours = events & FLIGHT_LINK_VEHICLE_OURS;
  if (ours) {
    /* a command may wait for it */
    g_mutex_lock (&self->lock);
    g_cond_broadcast (&self->cond);
    g_mutex_unlock (&self->lock);
  }

  if (found)
    GST_ELEMENT_INFO (self, RESOURCE, READ,
        ("Found the vehicle: system %u, component %u, MAVLink %u.",
            f->sysid, f->compid, f->version),
        ("HEARTBEAT type %u autopilot %u over %s", hb.type, hb.autopilot,
            link_name (self)));
  if (ours)
    handle_state (self, f);
  if (found && self->cfg.telemetry_rate)
    request_rates (self);
  if (back)
    GST_ELEMENT_INFO (self, RESOURCE, READ,
        ("The vehicle's heartbeat is back (system %u).", f->sysid),
        ("over %s", link_name (self)));
}

static void
handle_command_ack (GstFlightLink * self, const MavlinkFrame * f)
{
  MavlinkCommandAck ack;
  gboolean refused;

  mavlink_frame_decode (f, f->msgid, &ack);
  /* the target fields are extensions: 0 when the vehicle leaves them out */
  if ((ack.target_system && ack.target_system != self->cfg.system_id) ||
      (ack.target_component &&
          ack.target_component != self->cfg.component_id))
    return;
  /* flightlink's own rate requests: not the user's commands */
  if (ack.command == MAV_CMD_SET_MESSAGE_INTERVAL) {
    GST_DEBUG_OBJECT (self, "message interval: %s",
        mavlink_result_name (ack.result));
    return;
  }

  refused = flight_link_commander_ack (self->commander, ack.command,
      ack.result);

  if (refused)
    GST_ELEMENT_WARNING (self, STREAM, FAILED,
        ("The vehicle refused command %u (MAV_RESULT %u).", ack.command,
            ack.result), ("COMMAND_ACK from system %u", f->sysid));
  else
    GST_DEBUG_OBJECT (self, "command %u: result %u", ack.command, ack.result);
}

/* The autopilot's texts (PreArm checks, failsafes, mode changes) are for
 * the user: up to MAV_SEVERITY_WARNING a warning, NOTICE and INFO an info
 * message, DEBUG the debug log. */
static void
handle_statustext (GstFlightLink * self, const MavlinkFrame * f)
{
  MavlinkStatustext st;
  gchar *text;

  mavlink_frame_decode (f, f->msgid, &st);
  text = g_strndup (st.text, sizeof (st.text));
  g_strchomp (text);
  if (st.severity <= MAV_SEVERITY_WARNING) {
    GST_ELEMENT_WARNING_WITH_DETAILS (self, STREAM, FAILED,
        ("The vehicle says: %s", text),
        ("STATUSTEXT severity %u from system %u", st.severity, f->sysid),
        ("severity", G_TYPE_UINT, (guint) st.severity,
            "text", G_TYPE_STRING, text, NULL));
  } else if (st.severity <= MAV_SEVERITY_INFO) {
    GST_ELEMENT_INFO_WITH_DETAILS (self, STREAM, FAILED,
        ("The vehicle says: %s", text),
        ("STATUSTEXT severity %u from system %u", st.severity, f->sysid),
        ("severity", G_TYPE_UINT, (guint) st.severity,
            "text", G_TYPE_STRING, text, NULL));
  } else {
    GST_DEBUG_OBJECT (self, "vehicle says (severity %u): %s", st.severity,
        text);
  }
  g_free (text);
}

/* Each frame the reader parsed: the vehicle's own (telemetry, state,
 * answers, texts) by kind, the others ignored. */
static GstFlowReturn
handle_frame (GstElement * owner, const MavlinkFrame * f,
    GSocketAddress * from, GstClockTime arrival, gboolean push)
{
  GstFlightLink *self = GST_FLIGHT_LINK (owner);
  gboolean from_vehicle;

  if (!f->info)
    return GST_FLOW_OK;

  if (f->msgid == MAVLINK_MSG_ID_HEARTBEAT) {
    handle_heartbeat (self, f, from);
    return GST_FLOW_OK;
  }

  from_vehicle = flight_link_vehicle_is_it (self->vehicle, f);
  if (!from_vehicle) {
    GST_LOG_OBJECT (self, "message %u from %u/%u ignored", f->msgid, f->sysid,
        f->compid);
    return GST_FLOW_OK;
  }

  switch (f->msgid) {
    case MAVLINK_MSG_ID_COMMAND_ACK:
      handle_command_ack (self, f);
      return GST_FLOW_OK;
    case MAVLINK_MSG_ID_SYS_STATUS:
    case MAVLINK_MSG_ID_GPS_RAW_INT:
    case MAVLINK_MSG_ID_EXTENDED_SYS_STATE:
    case MAVLINK_MSG_ID_HOME_POSITION:
      handle_state (self, f);
      return GST_FLOW_OK;
    case MAVLINK_MSG_ID_STATUSTEXT:
      handle_statustext (self, f);
      return GST_FLOW_OK;
    default:
      return push ? flight_link_reader_telemetry (self->reader, f, arrival) :
          GST_FLOW_OK;
  }
}

/* The sink side is done when its pad got EOS, or, unlinked, when the src
 * side is. Posts the EOS message that lets the pipeline finish. */
static void
post_sink_eos (GstFlightLink * self, guint32 seqnum)
{
  GstMessage *msg;

  g_mutex_lock (&self->lock);
  if (self->sink_done) {
    g_mutex_unlock (&self->lock);
    return;
  }
  self->sink_done = TRUE;
  g_mutex_unlock (&self->lock);

  GST_DEBUG_OBJECT (self, "sink side done, posting EOS");
  msg = gst_message_new_eos (GST_OBJECT (self));
  if (seqnum != GST_SEQNUM_INVALID)
    gst_message_set_seqnum (msg, seqnum);
  gst_element_post_message (GST_ELEMENT (self), msg);
}

static void start_results (GstFlightLink * self);

static void
gst_flight_link_loop (GstFlightLink * self)
{
  GSocketAddress *from = NULL;
  const guint8 *data;
  GError *err = NULL;
  GstClockTime arrival;
  GstFlowReturn ret;
  gboolean eos, done, release;
  gssize n;

  g_mutex_lock (&self->lock);
  while (!self->playing && !self->src_flushing && !self->src_eos)
    g_cond_wait (&self->cond, &self->lock);
  if (self->src_flushing) {
    g_mutex_unlock (&self->lock);
    goto flushing;
  }
  eos = self->src_eos && !self->src_done;
  done = self->src_done;
  if (!eos)
    flight_link_transport_rearm_reader (self->link);
  g_mutex_unlock (&self->lock);

  if (flight_link_reader_start_stream (self->reader))
    start_results (self);
  release = flight_link_reader_take_due (self->reader);

  if (eos) {
    /* the held item goes before the end */
    ret = flight_link_reader_push_held (self->reader, FALSE);
    if (ret == GST_FLOW_FLUSHING)
      goto flushing;
    GST_DEBUG_OBJECT (self, "telemetry ends (last push: %s)",
        gst_flow_get_name (ret));
    gst_pad_push_event (self->srcpad, gst_event_new_eos ());
    g_mutex_lock (&self->lock);
    self->src_done = TRUE;
    g_mutex_unlock (&self->lock);
    if (!gst_pad_is_linked (self->sinkpad))
      post_sink_eos (self, GST_SEQNUM_INVALID);
    return;
  }

  if (release) {
    ret = flight_link_reader_push_held (self->reader, TRUE);
    if (ret != GST_FLOW_OK)
      goto stop;
  }

  n = flight_link_transport_read (self->link, &from, &data, &err);
  if (n < 0) {
    if (g_error_matches (err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
      g_clear_error (&err);
      return;                   /* look at the flags again */
    }
    GST_ELEMENT_ERROR (self, RESOURCE, READ,
        ("Could not read from %s: %s.", link_name (self), err->message),
        ("%s", err->message));
    g_clear_error (&err);
    goto pause;
  }
  arrival = running_time_now (self);
  GST_LOG_OBJECT (self, "read %" G_GSSIZE_FORMAT " bytes at %" GST_TIME_FORMAT,
      n, GST_TIME_ARGS (arrival));

  /* after EOS on the src side, still follow heartbeats and acks */
  ret = flight_link_reader_parse (self->reader, data, n, from, arrival,
      !done, handle_frame);
  g_clear_object (&from);
  if (ret == GST_FLOW_OK)
    return;
stop:
  if (ret == GST_FLOW_FLUSHING)
    goto flushing;
  if (ret != GST_FLOW_EOS)
    GST_ELEMENT_FLOW_ERROR (self, ret);
  GST_DEBUG_OBJECT (self, "telemetry stops: %s", gst_flow_get_name (ret));
  gst_pad_push_event (self->srcpad, gst_event_new_eos ());
  goto pause;

flushing:
  GST_DEBUG_OBJECT (self, "flushing, pausing");
pause:
  gst_pad_pause_task (self->srcpad);
}

/* ---------------------------------------------------------------------- */
/* commands out */

/* ---------------------------------------------------------------------- */
/* command results */

/* The results pad's stream-start, caps and segment, and a gap so that a
 * sink downstream prerolls before the first result (else a pipeline of
 * sinks on both src pads would never reach PLAYING). Pushed by the
 * reader as it starts, or by the sink side, under the pad's stream
 * lock. */
static void
push_result_sticky (GstFlightLink * self)
{
  gchar *stream_id;
  GstCaps *caps;
  GstSegment segment;

  if (self->result_sticky)
    return;
  stream_id = gst_pad_create_stream_id (self->resultpad, GST_ELEMENT (self),
      "results");
  gst_pad_push_event (self->resultpad, gst_event_new_stream_start (stream_id));
  g_free (stream_id);
  caps = gst_caps_from_string (GST_FLIGHT_COMMAND_RESULT_CAPS);
  gst_pad_push_event (self->resultpad, gst_event_new_caps (caps));
  gst_caps_unref (caps);
  gst_segment_init (&segment, GST_FORMAT_TIME);
  gst_pad_push_event (self->resultpad, gst_event_new_segment (&segment));
  gst_pad_push_event (self->resultpad, gst_event_new_gap (0,
          GST_CLOCK_TIME_NONE));
  self->result_sticky = TRUE;
}

static void
start_results (GstFlightLink * self)
{
  GST_PAD_STREAM_LOCK (self->resultpad);
  push_result_sticky (self);
  GST_PAD_STREAM_UNLOCK (self->resultpad);
}

/* What became of a command: a "flightlink-command-result" element message
 * and an item on the results pad (sink side's thread). */
static GstFlowReturn
report_result (GstFlightLink * self, const GstFlightCommandResult * res)
{
  GstStructure *s;
  GstFlowReturn ret;

  s = gst_structure_new ("flightlink-command-result",
      "command", G_TYPE_STRING, gst_flight_command_type_to_string (res->type),
      "target-id", G_TYPE_UINT, res->target_id,
      "mav-command", G_TYPE_UINT, res->mav_command,
      "outcome", G_TYPE_STRING,
      gst_flight_command_outcome_to_string (res->outcome),
      "mav-result", G_TYPE_UINT, res->mav_result,
      "attempts", G_TYPE_UINT, res->attempts, NULL);
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self), s));

  GST_PAD_STREAM_LOCK (self->resultpad);
  push_result_sticky (self);
  ret = gst_pad_push (self->resultpad,
      gst_flight_command_result_to_buffer (res, running_time_now (self)));
  GST_PAD_STREAM_UNLOCK (self->resultpad);
  return ret == GST_FLOW_NOT_LINKED ? GST_FLOW_OK : ret;
}

/* What the commander did with a command item, told: the messages, the
 * count, the result. */
static GstFlowReturn
tell_execution (GstFlightLink * self, const GstFlightCommand * cmd,
    FlightLinkExecution * ex, GstFlowReturn ret)
{
  const gchar *type = gst_flight_command_type_to_string (cmd->type);
  guint timeout = self->cfg.completion_timeout;

  if (ex->why) {
    GST_ELEMENT_WARNING (self, STREAM, FORMAT,
        ("Cannot send a %s command to the vehicle: %s.", type, ex->why),
        ("command flags 0x%x, target %u", cmd->flags, cmd->target_id));
    count_command (self, FALSE);
    return report_result (self, &ex->res);
  }
  if (ex->error) {
    GST_ELEMENT_ERROR (self, RESOURCE, WRITE,
        ("Could not send a %s command over %s: %s.", type, link_name (self),
            ex->error->message), ("%s", ex->error->message));
    g_clear_error (&ex->error);
    count_command (self, FALSE);
    return GST_FLOW_ERROR;
  }
  if (ex->sent)
    count_command (self, TRUE);
  if (ret != GST_FLOW_OK)
    return ret;
  if (ex->where && cmd->type == GST_FLIGHT_COMMAND_TAKEOFF) {
    GST_ELEMENT_WARNING (self, STREAM, FAILED,
        ("The vehicle accepted the takeoff but did not reach %.1f m above "
            "home within %u ms: %s.", -cmd->down, timeout, ex->where),
        ("completion-timeout %u ms", timeout));
  } else if (ex->where) {
    GST_ELEMENT_WARNING (self, STREAM, FAILED,
        ("The vehicle accepted the land command but was not landed and "
            "disarmed within %u ms: %s.", timeout, ex->where),
        ("completion-timeout %u ms", timeout));
  } else if (ex->res.outcome == GST_FLIGHT_COMMAND_TIMED_OUT) {
    GST_ELEMENT_WARNING_WITH_DETAILS (self, RESOURCE, WRITE,
        ("The vehicle did not answer the %s command (MAV_CMD %u) after %u "
            "attempts.", type, ex->res.mav_command, ex->res.attempts),
        ("no COMMAND_ACK within %u ms of each attempt",
            self->cfg.command_timeout),
        ("command", G_TYPE_STRING, type,
            "attempts", G_TYPE_UINT, ex->res.attempts, NULL));
  }
  g_clear_pointer (&ex->where, g_free);
  if (!ex->res.outcome) {
    GST_DEBUG_OBJECT (self, "sent %s as %s", type, ex->info->name);
    return GST_FLOW_OK;         /* a setpoint, or not waited for */
  }
  GST_DEBUG_OBJECT (self, "%s: %s after %u attempts", type,
      gst_flight_command_outcome_to_string (ex->res.outcome),
      ex->res.attempts);
  return report_result (self, &ex->res);
}

static GstFlowReturn
gst_flight_link_chain (GstPad * pad, GstObject * parent, GstBuffer * buffer)
{
  GstFlightLink *self = GST_FLIGHT_LINK (parent);
  GSocketAddress *peer = NULL;
  GstFlightCommand cmd;
  MavlinkTarget target = { 0 };
  FlightLinkExecution ex;
  guint version;
  GError *err = NULL;
  GstFlowReturn ret;
  gboolean first;

  if (!gst_flight_command_from_buffer (buffer, &cmd)) {
    GST_ELEMENT_ERROR (self, STREAM, FORMAT,
        ("Received something that is not a flight command item."),
        ("%" G_GSIZE_FORMAT " bytes, expected a well-formed %d-byte %s item",
            gst_buffer_get_size (buffer), GST_FLIGHT_COMMAND_SIZE,
            GST_FLIGHT_COMMAND_CAPS));
    gst_buffer_unref (buffer);
    count_command (self, FALSE);
    return GST_FLOW_ERROR;
  }
  gst_buffer_unref (buffer);

  if (!gst_worker_core_wait_unpaused (self->core))
    return GST_FLOW_FLUSHING;

  /* a command waits until the vehicle has been heard, unless the
   * pipeline is ending: then there is nobody to wait for */
  g_mutex_lock (&self->lock);
  while (!self->sink_flushing && !self->src_eos &&
      !flight_link_vehicle_reachable (self->vehicle)) {
    GST_DEBUG_OBJECT (self, "command waits for the vehicle");
    g_cond_wait (&self->cond, &self->lock);
  }
  if (self->sink_flushing) {
    g_mutex_unlock (&self->lock);
    return GST_FLOW_FLUSHING;
  }
  g_mutex_unlock (&self->lock);
  if (!flight_link_vehicle_target (self->vehicle, &target, &version, &peer,
          &first)) {
    g_clear_object (&peer);
    GST_ELEMENT_WARNING (self, RESOURCE, WRITE,
        ("Dropped a %s command at the end of the stream: no vehicle was "
            "ever heard.", gst_flight_command_type_to_string (cmd.type)),
        ("command for target %u, over %s", cmd.target_id, link_name (self)));
    count_command (self, FALSE);
    return GST_FLOW_OK;
  }
  target.goto_reposition =
      self->cfg.goto_command == GST_FLIGHT_LINK_GOTO_REPOSITION;

  /* the vehicle hears flightlink's heartbeat before any command of it
   * (the 1 Hz tick may not have had a peer to send to yet) */
  if (first && !flight_link_vehicle_send_heartbeat (self->vehicle, version,
          peer, TRUE, &err)) {
    if (g_error_matches (err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
      g_clear_error (&err);
      g_clear_object (&peer);
      return GST_FLOW_FLUSHING;
    }
    GST_DEBUG_OBJECT (self, "first heartbeat not sent: %s", err->message);
    g_clear_error (&err);
  }

  ret = flight_link_commander_execute (self->commander, &cmd, &target,
      version, peer, self->cfg.completion_timeout, &ex);
  g_clear_object (&peer);
  return tell_execution (self, &cmd, &ex, ret);
}

static void
set_sink_flushing (GstFlightLink * self, gboolean flushing)
{
  g_mutex_lock (&self->lock);
  self->sink_flushing = flushing;
  if (self->link)
    flight_link_transport_set_write_flushing (self->link, flushing);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  flight_link_commander_set_flushing (self->commander, flushing);
}

static gboolean
gst_flight_link_sink_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  GstFlightLink *self = GST_FLIGHT_LINK (parent);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_EOS:
      GST_PAD_STREAM_LOCK (self->resultpad);
      push_result_sticky (self);
      gst_pad_push_event (self->resultpad, gst_event_new_eos ());
      GST_PAD_STREAM_UNLOCK (self->resultpad);
      post_sink_eos (self, gst_event_get_seqnum (event));
      break;
    case GST_EVENT_FLUSH_START:
      set_sink_flushing (self, TRUE);
      break;
    case GST_EVENT_FLUSH_STOP:
      set_sink_flushing (self, FALSE);
      g_mutex_lock (&self->lock);
      self->sink_done = FALSE;
      g_mutex_unlock (&self->lock);
      break;
    default:
      /* stream-start, caps, segment...: commands need nothing of them, and
       * nothing goes on to the telemetry side */
      break;
  }
  gst_event_unref (event);
  return TRUE;
}

static gboolean
answer_caps_query (GstPad * pad, GstQuery * query)
{
  GstCaps *filter, *caps = gst_pad_get_pad_template_caps (pad);

  gst_query_parse_caps (query, &filter);
  if (filter) {
    GstCaps *tmp = gst_caps_intersect_full (filter, caps,
        GST_CAPS_INTERSECT_FIRST);

    gst_caps_unref (caps);
    caps = tmp;
  }
  gst_query_set_caps_result (query, caps);
  gst_caps_unref (caps);
  return TRUE;
}

static gboolean
answer_accept_caps_query (GstPad * pad, GstQuery * query)
{
  GstCaps *caps, *templ = gst_pad_get_pad_template_caps (pad);

  gst_query_parse_accept_caps (query, &caps);
  gst_query_set_accept_caps_result (query, gst_caps_is_subset (caps, templ));
  gst_caps_unref (templ);
  return TRUE;
}

static gboolean
gst_flight_link_sink_query (GstPad * pad, GstObject * parent, GstQuery * query)
{
  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_CAPS:
      return answer_caps_query (pad, query);
    case GST_QUERY_ACCEPT_CAPS:
      return answer_accept_caps_query (pad, query);
    default:
      /* never forwarded to the telemetry side */
      return FALSE;
  }
}

static gboolean
gst_flight_link_sink_activate_mode (GstPad * pad, GstObject * parent,
    GstPadMode mode, gboolean active)
{
  GstFlightLink *self = GST_FLIGHT_LINK (parent);

  if (mode != GST_PAD_MODE_PUSH)
    return FALSE;
  set_sink_flushing (self, !active);
  if (active) {
    g_mutex_lock (&self->lock);
    self->sink_done = FALSE;
    g_mutex_unlock (&self->lock);
  } else {
    /* wake a command held by `paused` */
    gst_worker_core_set_flushing (self->core, TRUE);
  }
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* the src side */

static gboolean
gst_flight_link_src_query (GstPad * pad, GstObject * parent, GstQuery * query)
{
  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_CAPS:
      return answer_caps_query (pad, query);
    case GST_QUERY_ACCEPT_CAPS:
      return answer_accept_caps_query (pad, query);
    case GST_QUERY_LATENCY:
      /* live; an item is pushed as soon as its bytes are read (arrival),
       * or once the next vehicle time is read (vehicle: see the element's
       * documentation; not counted here) */
      gst_query_set_latency (query, TRUE, 0, GST_CLOCK_TIME_NONE);
      return TRUE;
    default:
      /* never forwarded to the command side */
      return FALSE;
  }
}

static gboolean
gst_flight_link_result_query (GstPad * pad, GstObject * parent,
    GstQuery * query)
{
  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_CAPS:
      return answer_caps_query (pad, query);
    case GST_QUERY_ACCEPT_CAPS:
      return answer_accept_caps_query (pad, query);
    case GST_QUERY_LATENCY:
      gst_query_set_latency (query, TRUE, 0, GST_CLOCK_TIME_NONE);
      return TRUE;
    default:
      return FALSE;
  }
}

static gboolean
gst_flight_link_src_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  gboolean ret;

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_RECONFIGURE:
    case GST_EVENT_LATENCY:
    case GST_EVENT_QOS:
      ret = TRUE;
      break;
    default:
      /* seeks: live telemetry cannot seek; nothing goes upstream */
      GST_DEBUG_OBJECT (pad, "refusing %s event", GST_EVENT_TYPE_NAME (event));
      ret = FALSE;
      break;
  }
  gst_event_unref (event);
  return ret;
}

static gboolean
gst_flight_link_src_activate_mode (GstPad * pad, GstObject * parent,
    GstPadMode mode, gboolean active)
{
  GstFlightLink *self = GST_FLIGHT_LINK (parent);

  if (mode != GST_PAD_MODE_PUSH)
    return FALSE;

  if (active) {
    g_mutex_lock (&self->lock);
    self->src_flushing = FALSE;
    self->src_eos = FALSE;
    self->src_done = FALSE;
    g_mutex_unlock (&self->lock);
    gst_worker_core_set_flushing (self->core, FALSE);
    return gst_pad_start_task (pad, (GstTaskFunction) gst_flight_link_loop,
        self, NULL);
  }

  g_mutex_lock (&self->lock);
  self->src_flushing = TRUE;
  if (self->link)
    flight_link_transport_wake_reader (self->link);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  gst_worker_core_set_flushing (self->core, TRUE);
  return gst_pad_stop_task (pad);
}

/* An EOS sent to the element (by the pipeline, to its sources) ends the
 * telemetry; the commands go on until the sink pad's own EOS. */
static gboolean
gst_flight_link_send_event (GstElement * element, GstEvent * event)
{
  GstFlightLink *self = GST_FLIGHT_LINK (element);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_EOS:
      GST_DEBUG_OBJECT (self, "EOS asked for: ending telemetry");
      g_mutex_lock (&self->lock);
      self->src_eos = TRUE;
      if (self->link)
        flight_link_transport_wake_reader (self->link);
      g_cond_broadcast (&self->cond);
      g_mutex_unlock (&self->lock);
      gst_event_unref (event);
      return TRUE;
    default:
      if (GST_EVENT_IS_UPSTREAM (event))
        return gst_pad_send_event (self->srcpad, event);
      GST_DEBUG_OBJECT (self, "refusing %s event",
          GST_EVENT_TYPE_NAME (event));
      gst_event_unref (event);
      return FALSE;
  }
}

/* ---------------------------------------------------------------------- */
/* state */

static void
start_run (GstFlightLink * self)
{
  FlightLinkVehicleConfig vcfg = { 0 };
  GstClock *clock;
  RunConfig cfg;

  GST_OBJECT_LOCK (self);
  cfg = self->props;
  GST_OBJECT_UNLOCK (self);

  vcfg.target_system = cfg.target_system;
  vcfg.target_component = cfg.target_component;
  vcfg.timeout = cfg.vehicle_timeout;
  vcfg.version = cfg.version;   /* 0: auto */
  vcfg.force_family = cfg.autopilot != GST_FLIGHT_LINK_AUTOPILOT_AUTO;
  vcfg.family = cfg.autopilot == GST_FLIGHT_LINK_AUTOPILOT_ARDUPILOT ?
      MAVLINK_FAMILY_ARDUPILOT : cfg.autopilot == GST_FLIGHT_LINK_AUTOPILOT_PX4
      ? MAVLINK_FAMILY_PX4 : MAVLINK_FAMILY_GENERIC;

  clock = gst_system_clock_obtain ();
  flight_link_reader_reset (self->reader,
      cfg.timestamp_mode == GST_FLIGHT_LINK_TIMESTAMP_VEHICLE, clock,
      self->link);
  flight_link_vehicle_reset (self->vehicle, &vcfg, clock,
      flight_link_transport_fixed_peer (self->link),
      flight_link_transport_is_datagram (self->link));
  g_mutex_lock (&self->lock);
  self->cfg = cfg;
  self->playing = FALSE;
  self->commands_sent = self->commands_dropped = 0;
  self->result_sticky = FALSE;
  g_mutex_unlock (&self->lock);
  flight_link_commander_reset (self->commander, clock, cfg.command_timeout,
      cfg.command_retries, cfg.setpoint_rate);
  gst_object_unref (clock);
}

static void
set_playing (GstFlightLink * self, gboolean playing)
{
  g_mutex_lock (&self->lock);
  self->playing = playing;
  if (!playing && self->link) {
    /* the reader goes back to waiting for PLAYING */
    flight_link_transport_wake_reader (self->link);
  }
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  if (playing)
    flight_link_vehicle_start_ticks (self->vehicle);
  else
    flight_link_vehicle_stop_ticks (self->vehicle);
}

static GstStateChangeReturn
gst_flight_link_change_state (GstElement * element, GstStateChange transition)
{
  GstFlightLink *self = GST_FLIGHT_LINK (element);
  GstStateChangeReturn ret;

  switch (transition) {
    case GST_STATE_CHANGE_NULL_TO_READY:
      if (!gst_flight_link_open (self))
        return GST_STATE_CHANGE_FAILURE;
      break;
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      start_run (self);
      break;
    case GST_STATE_CHANGE_PAUSED_TO_PLAYING:
      set_playing (self, TRUE);
      break;
    default:
      break;
  }

  gst_worker_core_change_state (self->core, transition);
  ret = GST_ELEMENT_CLASS (gst_flight_link_parent_class)->change_state
      (element, transition);
  if (ret == GST_STATE_CHANGE_FAILURE) {
    if (transition == GST_STATE_CHANGE_NULL_TO_READY)
      gst_flight_link_close (self);
    return ret;
  }

  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      ret = GST_STATE_CHANGE_NO_PREROLL;
      break;
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
      set_playing (self, FALSE);
      ret = GST_STATE_CHANGE_NO_PREROLL;
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      flight_link_vehicle_stop (self->vehicle);
      flight_link_commander_stop_stream (self->commander);
      flight_link_reader_stop (self->reader);
      break;
    case GST_STATE_CHANGE_READY_TO_NULL:
      gst_flight_link_close (self);
      break;
    default:
      break;
  }
  return ret;
}

/* ---------------------------------------------------------------------- */
/* properties */

/* The unsigned integer properties of a run. */
static guint *
uint_prop (RunConfig * c, guint prop_id)
{
  switch (prop_id) {
    case PROP_SYSTEM_ID:
      return &c->system_id;
    case PROP_COMPONENT_ID:
      return &c->component_id;
    case PROP_TARGET_SYSTEM:
      return &c->target_system;
    case PROP_TARGET_COMPONENT:
      return &c->target_component;
    case PROP_VEHICLE_TIMEOUT:
      return &c->vehicle_timeout;
    case PROP_COMMAND_TIMEOUT:
      return &c->command_timeout;
    case PROP_COMMAND_RETRIES:
      return &c->command_retries;
    case PROP_COMPLETION_TIMEOUT:
      return &c->completion_timeout;
    case PROP_SETPOINT_RATE:
      return &c->setpoint_rate;
    case PROP_TELEMETRY_RATE:
      return &c->telemetry_rate;
    default:
      return NULL;
  }
}

static void
gst_flight_link_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstFlightLink *self = GST_FLIGHT_LINK (object);
  guint *u;

  if (gst_worker_core_set_property (self->core, prop_id, value))
    return;

  GST_OBJECT_LOCK (self);
  if ((u = uint_prop (&self->props, prop_id))) {
    *u = g_value_get_uint (value);
    GST_OBJECT_UNLOCK (self);
    return;
  }
  switch (prop_id) {
    case PROP_ADDRESS:
      g_free (self->address);
      self->address = g_value_dup_string (value);
      break;
    case PROP_PORT:
      self->port = g_value_get_int (value);
      break;
    case PROP_REMOTE_ADDRESS:
      g_free (self->remote_address);
      self->remote_address = g_value_dup_string (value);
      break;
    case PROP_REMOTE_PORT:
      self->remote_port = g_value_get_int (value);
      break;
    case PROP_DEVICE:
      g_free (self->device);
      self->device = g_value_dup_string (value);
      break;
    case PROP_BAUD:
      self->baud = g_value_get_uint (value);
      break;
    case PROP_MAVLINK_VERSION:
      self->props.version = g_value_get_enum (value);
      break;
    case PROP_TIMESTAMP_MODE:
      self->props.timestamp_mode = g_value_get_enum (value);
      break;
    case PROP_AUTOPILOT:
      self->props.autopilot = g_value_get_enum (value);
      break;
    case PROP_GOTO_COMMAND:
      self->props.goto_command = g_value_get_enum (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_flight_link_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstFlightLink *self = GST_FLIGHT_LINK (object);
  guint *u;

  if (gst_worker_core_get_property (self->core, prop_id, value))
    return;

  if (prop_id == PROP_BAD_FRAMES) {
    FlightLinkReaderCounts rc;

    flight_link_reader_counts (self->reader, &rc);
    g_value_set_uint64 (value, rc.parser.bad_crc + rc.parser.truncated);
    return;
  }

  GST_OBJECT_LOCK (self);
  if ((u = uint_prop (&self->props, prop_id))) {
    g_value_set_uint (value, *u);
    GST_OBJECT_UNLOCK (self);
    return;
  }
  switch (prop_id) {
    case PROP_ADDRESS:
      g_value_set_string (value, self->address);
      break;
    case PROP_PORT:
      g_value_set_int (value, self->port);
      break;
    case PROP_BOUND_PORT:
      g_value_set_int (value, self->bound_port);
      break;
    case PROP_REMOTE_ADDRESS:
      g_value_set_string (value, self->remote_address);
      break;
    case PROP_REMOTE_PORT:
      g_value_set_int (value, self->remote_port);
      break;
    case PROP_DEVICE:
      g_value_set_string (value, self->device);
      break;
    case PROP_BAUD:
      g_value_set_uint (value, self->baud);
      break;
    case PROP_MAVLINK_VERSION:
      g_value_set_enum (value, self->props.version);
      break;
    case PROP_TIMESTAMP_MODE:
      g_value_set_enum (value, self->props.timestamp_mode);
      break;
    case PROP_AUTOPILOT:
      g_value_set_enum (value, self->props.autopilot);
      break;
    case PROP_GOTO_COMMAND:
      g_value_set_enum (value, self->props.goto_command);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_flight_link_finalize (GObject * object)
{
  GstFlightLink *self = GST_FLIGHT_LINK (object);

  flight_link_reader_free (self->reader);
  gst_flight_link_close (self);
  flight_link_vehicle_free (self->vehicle);
  flight_link_commander_free (self->commander);
  gst_worker_core_free (self->core);
  g_free (self->address);
  g_free (self->remote_address);
  g_free (self->device);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_mutex_clear (&self->write_lock);
  G_OBJECT_CLASS (gst_flight_link_parent_class)->finalize (object);
}

static void
gst_flight_link_class_init (GstFlightLinkClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  const GParamFlags rw_ready = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_READY;

  gobject_class->set_property = gst_flight_link_set_property;
  gobject_class->get_property = gst_flight_link_get_property;
  gobject_class->finalize = gst_flight_link_finalize;
  gst_worker_core_install_properties (gobject_class);

  g_object_class_install_property (gobject_class, PROP_ADDRESS,
      g_param_spec_string ("address", "Address",
          "UDP: the local address to receive telemetry on (and send from)",
          DEFAULT_ADDRESS, rw_ready));
  g_object_class_install_property (gobject_class, PROP_PORT,
      g_param_spec_int ("port", "Port",
          "UDP: the local port to receive telemetry on (0: any free port, "
          "see bound-port)", 0, 65535, DEFAULT_PORT, rw_ready));
  g_object_class_install_property (gobject_class, PROP_BOUND_PORT,
      g_param_spec_int ("bound-port", "Bound port",
          "UDP: the local port in use, from READY on", 0, 65535, 0,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_REMOTE_ADDRESS,
      g_param_spec_string ("remote-address", "Remote address",
          "UDP: send to this address (with remote-port) from the start, "
          "instead of to the address the vehicle's heartbeats come from",
          DEFAULT_REMOTE_ADDRESS, rw_ready));
  g_object_class_install_property (gobject_class, PROP_REMOTE_PORT,
      g_param_spec_int ("remote-port", "Remote port",
          "UDP: the port of remote-address (0: not set)", 0, 65535,
          DEFAULT_REMOTE_PORT, rw_ready));
  g_object_class_install_property (gobject_class, PROP_DEVICE,
      g_param_spec_string ("device", "Device",
          "Serial device of the flight controller (e.g. /dev/ttyACM0); when "
          "set, the UDP properties are not used", DEFAULT_DEVICE, rw_ready));
  g_object_class_install_property (gobject_class, PROP_BAUD,
      g_param_spec_uint ("baud", "Baud rate",
          "Serial: the line speed (9600 to 3000000, a standard rate); the "
          "line is set raw, 8N1, no flow control", 1, G_MAXUINT,
          DEFAULT_BAUD, rw_ready));
  g_object_class_install_property (gobject_class, PROP_SYSTEM_ID,
      g_param_spec_uint ("system-id", "System id",
          "MAVLink system id of flightlink's own messages: the vehicle's "
          "own (1, ArduPilot's SYSID_THISMAV and PX4's MAV_SYS_ID by default), "
          "as a companion computer on board; not 255, which is by convention "
          "the ground station's, whose heartbeat the autopilot watches for "
          "its GCS failsafe", 1, 255, DEFAULT_SYSTEM_ID, rw_ready));
  g_object_class_install_property (gobject_class, PROP_COMPONENT_ID,
      g_param_spec_uint ("component-id", "Component id",
          "MAVLink component id of flightlink's own messages (191: "
          "MAV_COMP_ID_ONBOARD_COMPUTER)", 1, 255, DEFAULT_COMPONENT_ID,
          rw_ready));
  g_object_class_install_property (gobject_class, PROP_TARGET_SYSTEM,
      g_param_spec_uint ("target-system", "Target system",
          "System id of the vehicle (0: the first autopilot heard)", 0, 255,
          DEFAULT_TARGET_SYSTEM, rw_ready));
  g_object_class_install_property (gobject_class, PROP_TARGET_COMPONENT,
      g_param_spec_uint ("target-component", "Target component",
          "Component id of the vehicle's autopilot (0: the component whose "
          "heartbeat found the vehicle)", 0, 255, DEFAULT_TARGET_COMPONENT,
          rw_ready));
  g_object_class_install_property (gobject_class, PROP_VEHICLE_TIMEOUT,
      g_param_spec_uint ("vehicle-timeout", "Vehicle timeout",
          "Milliseconds without a heartbeat from the vehicle before it is "
          "reported lost, with a warning; also how long after the first "
          "PLAYING a vehicle never heard is warned about (0: never)", 0,
          G_MAXUINT, DEFAULT_VEHICLE_TIMEOUT, rw_ready));
  g_object_class_install_property (gobject_class, PROP_MAVLINK_VERSION,
      g_param_spec_enum ("mavlink-version", "MAVLink version",
          "The MAVLink version to write in (both are read)",
          GST_TYPE_FLIGHT_LINK_VERSION, DEFAULT_MAVLINK_VERSION, rw_ready));
  g_object_class_install_property (gobject_class, PROP_TIMESTAMP_MODE,
      g_param_spec_enum ("timestamp-mode", "Timestamp mode",
          "The odometry items' PTS: 'vehicle' (the vehicle's time of each "
          "message, time_boot_ms, mapped to the running time by the "
          "smallest offset (read time - vehicle time) seen, so that a "
          "message read late keeps the time it was measured at; a reboot "
          "of the vehicle, its clock going back more than 1 s, starts a "
          "new mapping with a warning; the messages of one vehicle time "
          "make one item, pushed when a message of another time comes, at "
          "the end, or after 100 ms without a message) or 'arrival' (the "
          "running time at which the message was read: the read delay "
          "makes the odometry look younger than it is; one item per "
          "message). PTS never go back",
          GST_TYPE_FLIGHT_LINK_TIMESTAMP_MODE, DEFAULT_TIMESTAMP_MODE,
          rw_ready));
  g_object_class_install_property (gobject_class, PROP_BAD_FRAMES,
      g_param_spec_uint64 ("bad-frames", "Bad frames",
          "Frames of known messages dropped this run: wrong checksum, or cut "
          "short at the end of a datagram", 0, G_MAXUINT64, 0,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_property (gobject_class, PROP_AUTOPILOT,
      g_param_spec_enum ("autopilot", "Autopilot",
          "The vehicle's autopilot family: 'auto' (from its HEARTBEAT), "
          "'ardupilot', 'px4' or 'generic'. It decides the guided command "
          "(ArduPilot: DO_SET_MODE GUIDED, 4 in Copter, 15 in Plane and "
          "Rover; PX4: DO_SET_MODE OFFBOARD, after a 1 s setpoint stream "
          "holding the vehicle where it is), the takeoff (ArduPilot: height "
          "above home; PX4: altitude MSL, from home, or its default) and the "
          "setpoint stream (PX4: a goto's setpoint is sent again at "
          "setpoint-rate until a land, return, loiter or disarm command)",
          GST_TYPE_FLIGHT_LINK_AUTOPILOT, DEFAULT_AUTOPILOT, rw_ready));
  g_object_class_install_property (gobject_class, PROP_COMMAND_TIMEOUT,
      g_param_spec_uint ("command-timeout", "Command timeout",
          "Milliseconds to wait for the COMMAND_ACK of a COMMAND_LONG or "
          "COMMAND_INT before sending it again (an IN_PROGRESS answer "
          "waits on); the sink pad waits meanwhile, so commands are done "
          "in order (0: do not wait for answers, no result items)", 0,
          G_MAXUINT, DEFAULT_COMMAND_TIMEOUT, rw_ready));
  g_object_class_install_property (gobject_class, PROP_COMMAND_RETRIES,
      g_param_spec_uint ("command-retries", "Command retries",
          "How many times a command without an answer is sent again (its "
          "confirmation counting) before it is reported timed out; a "
          "refused command is never sent again", 0, 100,
          DEFAULT_COMMAND_RETRIES, rw_ready));
  g_object_class_install_property (gobject_class, PROP_COMPLETION_TIMEOUT,
      g_param_spec_uint ("completion-timeout", "Completion timeout",
          "Milliseconds an accepted takeoff or land may take: the next "
          "command waits until the vehicle is at 95 % of the takeoff "
          "height, or landed and disarmed; then its result (timed-out, "
          "with a warning, if it did not) (0: a command is done when "
          "acknowledged)", 0, G_MAXUINT, DEFAULT_COMPLETION_TIMEOUT,
          rw_ready));
  g_object_class_install_property (gobject_class, PROP_SETPOINT_RATE,
      g_param_spec_uint ("setpoint-rate", "Setpoint rate",
          "PX4: how many times a second the active goto's setpoint is sent "
          "again (OFFBOARD needs 2 or more; 0: never, and no guided "
          "command on PX4)", 0, 50, DEFAULT_SETPOINT_RATE, rw_ready));
  g_object_class_install_property (gobject_class, PROP_TELEMETRY_RATE,
      g_param_spec_uint ("telemetry-rate", "Telemetry rate",
          "Once the vehicle is found, ask it for GLOBAL_POSITION_INT, "
          "ATTITUDE and LOCAL_POSITION_NED this many times a second, and "
          "for SYS_STATUS, GPS_RAW_INT, EXTENDED_SYS_STATE and "
          "HOME_POSITION once a second (MAV_CMD_SET_MESSAGE_INTERVAL; "
          "ArduPilot also REQUEST_DATA_STREAM, for older versions and over "
          "its SRn_ parameters) (0: ask nothing, keep the vehicle's rates)",
          0, 1000, DEFAULT_TELEMETRY_RATE, rw_ready));
  g_object_class_install_property (gobject_class, PROP_GOTO_COMMAND,
      g_param_spec_enum ("goto-command", "Goto command",
          "How a goto is sent: 'setpoint' (SET_POSITION_TARGET_GLOBAL_INT or "
          "_LOCAL_NED, followed in ArduPilot's GUIDED and PX4's OFFBOARD, "
          "streamed on PX4) or 'reposition' (COMMAND_INT "
          "MAV_CMD_DO_REPOSITION to its global position, acknowledged: "
          "PX4's one-shot alternative, followed in HOLD)",
          GST_TYPE_FLIGHT_LINK_GOTO_COMMAND, DEFAULT_GOTO_COMMAND,
          rw_ready));

  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_add_static_pad_template (element_class,
      &result_template);
  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_set_static_metadata (element_class,
      "Flight controller link", "Source/Sink/Network",
      "Reads a vehicle's MAVLink telemetry as odometry items and writes "
      "flight command items to it as MAVLink commands, over UDP or a serial "
      "device", "gst-workers <gst-workers@example.org>");

  element_class->change_state =
      GST_DEBUG_FUNCPTR (gst_flight_link_change_state);
  element_class->send_event = GST_DEBUG_FUNCPTR (gst_flight_link_send_event);

  gst_type_mark_as_plugin_api (GST_TYPE_FLIGHT_LINK_VERSION, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_FLIGHT_LINK_TIMESTAMP_MODE, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_FLIGHT_LINK_AUTOPILOT, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_FLIGHT_LINK_GOTO_COMMAND, 0);
}

static void
gst_flight_link_init (GstFlightLink * self)
{
  self->srcpad = gst_pad_new_from_static_template (&src_template, "src");
  gst_pad_set_activatemode_function (self->srcpad,
      GST_DEBUG_FUNCPTR (gst_flight_link_src_activate_mode));
  gst_pad_set_event_function (self->srcpad,
      GST_DEBUG_FUNCPTR (gst_flight_link_src_event));
  gst_pad_set_query_function (self->srcpad,
      GST_DEBUG_FUNCPTR (gst_flight_link_src_query));
  gst_pad_use_fixed_caps (self->srcpad);
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);

  self->resultpad = gst_pad_new_from_static_template (&result_template,
      "results");
  gst_pad_set_event_function (self->resultpad,
      GST_DEBUG_FUNCPTR (gst_flight_link_src_event));
  gst_pad_set_query_function (self->resultpad,
      GST_DEBUG_FUNCPTR (gst_flight_link_result_query));
  gst_pad_use_fixed_caps (self->resultpad);
  gst_element_add_pad (GST_ELEMENT (self), self->resultpad);

  self->sinkpad = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_activatemode_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_flight_link_sink_activate_mode));
  gst_pad_set_chain_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_flight_link_chain));
  gst_pad_set_event_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_flight_link_sink_event));
  gst_pad_set_query_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_flight_link_sink_query));
  gst_element_add_pad (GST_ELEMENT (self), self->sinkpad);

  /* a source the pipeline sends EOS to, and a sink its EOS waits for */
  GST_OBJECT_FLAG_SET (self, GST_ELEMENT_FLAG_SOURCE | GST_ELEMENT_FLAG_SINK);

  self->core = gst_worker_core_new (GST_ELEMENT (self));
  gst_worker_core_set_main_srcpad (self->core, self->srcpad);

  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  g_mutex_init (&self->write_lock);
  self->commander = flight_link_commander_new (GST_ELEMENT (self),
      commander_send, commander_route);
  self->reader = flight_link_reader_new (GST_ELEMENT (self), self->core,
      self->srcpad, self->commander);
  self->vehicle = flight_link_vehicle_new (GST_ELEMENT (self),
      commander_send, vehicle_event);
  self->address = g_strdup (DEFAULT_ADDRESS);
  self->port = DEFAULT_PORT;
  self->remote_address = g_strdup (DEFAULT_REMOTE_ADDRESS);
  self->remote_port = DEFAULT_REMOTE_PORT;
  self->device = g_strdup (DEFAULT_DEVICE);
  self->baud = DEFAULT_BAUD;
  self->props.system_id = DEFAULT_SYSTEM_ID;
  self->props.component_id = DEFAULT_COMPONENT_ID;
  self->props.target_system = DEFAULT_TARGET_SYSTEM;
  self->props.target_component = DEFAULT_TARGET_COMPONENT;
  self->props.vehicle_timeout = DEFAULT_VEHICLE_TIMEOUT;
  self->props.version = DEFAULT_MAVLINK_VERSION;
  self->props.timestamp_mode = DEFAULT_TIMESTAMP_MODE;
  self->props.autopilot = DEFAULT_AUTOPILOT;
  self->props.command_timeout = DEFAULT_COMMAND_TIMEOUT;
  self->props.command_retries = DEFAULT_COMMAND_RETRIES;
  self->props.completion_timeout = DEFAULT_COMPLETION_TIMEOUT;
  self->props.setpoint_rate = DEFAULT_SETPOINT_RATE;
  self->props.telemetry_rate = DEFAULT_TELEMETRY_RATE;
  self->props.goto_command = DEFAULT_GOTO_COMMAND;
}
