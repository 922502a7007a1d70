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
 *   (5 Hz; from a thread of its own, which no slow callback on the system
 *   clock's thread can hold up) until a land, return, loiter or disarm
 *   item, and a guided item
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
#include "flightlink-results.h"
#include "flightlink-settings.h"
#include "flightlink-vehicle.h"
#include "flightlink-writer.h"
#include "mavlink-codec.h"
#include "mavlink-commands.h"
#include "vehicle-status.h"

/* shared with flightlink-commander.c (the plugin hides it) */
GST_DEBUG_CATEGORY (flight_link_debug);
#define GST_CAT_DEFAULT flight_link_debug

/* the element's own properties: what it sees (the settings hold the
 * writable ones) */
enum
{
  PROP_BOUND_PORT = FLIGHT_LINK_SETTINGS_PROP_LAST + 1,
  PROP_BAD_FRAMES,
};

struct _GstFlightLink
{
  GstElement parent;

  GstPad *srcpad;
  GstPad *sinkpad;
  GstPad *resultpad;            /* results: pushed by the sink's thread */
  GstWorkerCore *core;

  /* the writable properties: its own lock; created in init, freed in
   * finalize */
  FlightLinkSettings *settings;
  gint bound_port;              /* object lock */

  /* the link: opened in NULL to READY, closed in READY to NULL (state
   * lock); used by the streaming threads in between */
  FlightLinkTransport *link;

  /* set in READY to PAUSED (state lock), read-only while running */
  FlightLinkRunConfig cfg;

  /* lock and cond guard the fields below; the cond is also woken when
   * the core's source gate closes (PLAYING, EOS asked, flushing: the
   * core's own state), and the reader's cancellable is woken and re-armed
   * under the lock */
  GMutex lock;
  GCond cond;
  gboolean src_done;            /* EOS pushed on the src pad */
  gboolean sink_flushing;
  gboolean sink_done;           /* EOS message posted for the sink side */

  /* the commands out: its own lock; created in init, freed in finalize */
  FlightLinkCommander *commander;
  /* the telemetry in: its own lock; created in init, freed in finalize */
  FlightLinkReader *reader;
  /* the vehicle and the heartbeats: its own lock; init to finalize */
  FlightLinkVehicle *vehicle;
  /* the commands' outcomes and the results pad: its own lock, the pad's
   * stream lock; init to finalize */
  FlightLinkResults *results;
  /* the messages out: its own lock; init to finalize */
  FlightLinkWriter *writer;
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

static void
gst_flight_link_add_stats (GstWorker * worker, GstStructure * s)
{
  GstFlightLink *self = GST_FLIGHT_LINK (worker);
  FlightLinkCommanderCounts cc;
  FlightLinkReaderCounts rc;
  FlightLinkVehicleSnapshot v;
  guint64 sent, dropped;

  flight_link_results_counts (self->results, &sent, &dropped);
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
      "commands-sent", G_TYPE_UINT64, sent,
      "commands-dropped", G_TYPE_UINT64, dropped,
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
  FlightLinkLinkConfig c;
  gchar *debug = NULL;
  GError *err = NULL;

  flight_link_settings_get_link (self->settings, &c);
  if (c.device) {
    self->link = flight_link_transport_open_serial (c.device, c.baud, &err,
        &debug);
  } else if (c.address) {
    self->link = flight_link_transport_open_udp (c.address, c.port,
        c.remote_address, c.remote_port, &err, &debug);
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
    flight_link_writer_set_link (self->writer, self->link);
  }

  flight_link_link_config_clear (&c);
  return self->link != NULL;
}

static void
gst_flight_link_close (GstFlightLink * self)
{
  flight_link_writer_set_link (self->writer, NULL);
  g_clear_pointer (&self->link, flight_link_transport_free);
}

/* The commander's way out: the link, in flightlink's ids. */
static gboolean
commander_send (GstElement * owner, guint version,
    const MavlinkMessageInfo * info, gconstpointer msg, GSocketAddress * peer,
    gboolean may_block, GError ** error)
{
  return flight_link_writer_send (GST_FLIGHT_LINK (owner)->writer, version,
      info, msg, peer, may_block, error);
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
  guint version, n;
  gboolean first;

  if (!flight_link_vehicle_target (self->vehicle, &target, &version, &peer,
          &first)) {
    g_clear_object (&peer);
    return;
  }

  n = mavlink_rate_requests (&target, self->cfg.telemetry_rate, out);
  flight_link_writer_send_all (self->writer, version, out, n, peer);
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

  /* re-armed before the gate is looked at: a wake (wake_task()) after
   * this cancels the read */
  g_mutex_lock (&self->lock);
  flight_link_transport_rearm_reader (self->link);
  done = self->src_done;
  g_mutex_unlock (&self->lock);
  /* until PLAYING; after an EOS asked, at once */
  ret = gst_worker_core_wait_playing (self->core, GST_CLOCK_TIME_NONE);
  if (ret == GST_FLOW_FLUSHING)
    goto flushing;
  eos = ret == GST_FLOW_EOS && !done;

  if (flight_link_reader_start_stream (self->reader))
    flight_link_results_start (self->results);
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
  arrival = flight_link_running_time (GST_ELEMENT (self));
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
    flight_link_results_count (self->results, FALSE);
    return GST_FLOW_ERROR;
  }
  gst_buffer_unref (buffer);

  if (!gst_worker_core_wait_unpaused (self->core))
    return GST_FLOW_FLUSHING;

  /* a command waits until the vehicle has been heard, unless the
   * pipeline is ending: then there is nobody to wait for (an EOS asked
   * wakes this wait: wake_task()) */
  g_mutex_lock (&self->lock);
  while (!self->sink_flushing && !gst_worker_core_eos_requested (self->core) &&
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
    flight_link_results_count (self->results, FALSE);
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
  return flight_link_results_tell (self->results, &cmd, &ex, ret,
      link_name (self));
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
      flight_link_results_end (self->results);
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
    self->src_done = FALSE;
    g_mutex_unlock (&self->lock);
    gst_worker_core_set_flushing (self->core, FALSE);
    return gst_pad_start_task (pad, (GstTaskFunction) gst_flight_link_loop,
        self, NULL);
  }

  /* wakes the task (wake_task()) */
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
      /* wakes the task and a command waiting for the vehicle
       * (wake_task()); a command held by `paused` stays held */
      gst_worker_core_request_eos (self->core, FALSE);
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
  FlightLinkRunConfig cfg;

  flight_link_settings_get_run (self->settings, &cfg);

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
  g_mutex_unlock (&self->lock);
  flight_link_writer_set_ids (self->writer, cfg.system_id, cfg.component_id);
  flight_link_results_reset (self->results, cfg.command_timeout,
      cfg.completion_timeout);
  flight_link_commander_reset (self->commander, cfg.command_timeout,
      cfg.command_retries, cfg.setpoint_rate);
  gst_object_unref (clock);
}

/* The core's source gate closed (left PLAYING, EOS asked, flushing): the
 * task's read gives way and it looks at the gate again; a command waiting
 * for the vehicle looks at the EOS asked. */
static void
wake_task (GstWorkerCore * core, gpointer user_data)
{
  GstFlightLink *self = user_data;

  g_mutex_lock (&self->lock);
  if (self->link)
    flight_link_transport_wake_reader (self->link);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
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
      flight_link_vehicle_start_ticks (self->vehicle);
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
      flight_link_vehicle_stop_ticks (self->vehicle);
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

static void
gst_flight_link_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstFlightLink *self = GST_FLIGHT_LINK (object);

  if (!gst_worker_core_set_property (self->core, prop_id, value) &&
      !flight_link_settings_set_property (self->settings, prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
gst_flight_link_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstFlightLink *self = GST_FLIGHT_LINK (object);
  FlightLinkReaderCounts rc;

  if (gst_worker_core_get_property (self->core, prop_id, value) ||
      flight_link_settings_get_property (self->settings, prop_id, value))
    return;

  switch (prop_id) {
    case PROP_BOUND_PORT:
      GST_OBJECT_LOCK (self);
      g_value_set_int (value, self->bound_port);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_BAD_FRAMES:
      flight_link_reader_counts (self->reader, &rc);
      g_value_set_uint64 (value, rc.parser.bad_crc + rc.parser.truncated);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_flight_link_finalize (GObject * object)
{
  GstFlightLink *self = GST_FLIGHT_LINK (object);

  /* (its thread uses the link and the vehicle) */
  flight_link_commander_stop_stream (self->commander);
  flight_link_reader_free (self->reader);
  gst_flight_link_close (self);
  flight_link_vehicle_free (self->vehicle);
  flight_link_commander_free (self->commander);
  flight_link_results_free (self->results);
  gst_worker_core_free (self->core);
  flight_link_settings_free (self->settings);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  flight_link_writer_free (self->writer);
  G_OBJECT_CLASS (gst_flight_link_parent_class)->finalize (object);
}

static void
gst_flight_link_class_init (GstFlightLinkClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  gobject_class->set_property = gst_flight_link_set_property;
  gobject_class->get_property = gst_flight_link_get_property;
  gobject_class->finalize = gst_flight_link_finalize;
  gst_worker_core_install_properties (gobject_class);

  flight_link_settings_install (gobject_class);
  g_object_class_install_property (gobject_class, PROP_BOUND_PORT,
      g_param_spec_int ("bound-port", "Bound port",
          "UDP: the local port in use, from READY on", 0, 65535, 0,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_BAD_FRAMES,
      g_param_spec_uint64 ("bad-frames", "Bad frames",
          "Frames of known messages dropped this run: wrong checksum, or cut "
          "short at the end of a datagram", 0, G_MAXUINT64, 0,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));


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
  gst_worker_core_set_wake_func (self->core, wake_task, self);

  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->writer = flight_link_writer_new (GST_ELEMENT (self));
  self->commander = flight_link_commander_new (GST_ELEMENT (self),
      commander_send, commander_route);
  self->reader = flight_link_reader_new (GST_ELEMENT (self), self->core,
      self->srcpad, self->commander);
  self->vehicle = flight_link_vehicle_new (GST_ELEMENT (self),
      commander_send, vehicle_event);
  self->results = flight_link_results_new (GST_ELEMENT (self),
      self->resultpad, self->core);
  self->settings = flight_link_settings_new ();
}
