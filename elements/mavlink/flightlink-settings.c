/* gst-workers: flightlink's settings, the values of its properties
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "flightlink-settings.h"
#include "mavlink-messages.h"

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

struct _FlightLinkSettings
{
  /* lock guards the fields below */
  GMutex lock;
  FlightLinkLinkConfig link;
  FlightLinkRunConfig run;
};

/* Installs the writable properties on flightlink's class, with the ids
 * of FLIGHT_LINK_PROP_*. */
void
flight_link_settings_install (GObjectClass * klass)
{
  const GParamFlags rw_ready = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_READY;

  g_object_class_install_property (klass, FLIGHT_LINK_PROP_ADDRESS,
      g_param_spec_string ("address", "Address",
          "UDP: the local address to receive telemetry on (and send from)",
          DEFAULT_ADDRESS, rw_ready));
  g_object_class_install_property (klass, FLIGHT_LINK_PROP_PORT,
      g_param_spec_int ("port", "Port",
          "UDP: the local port to receive telemetry on (0: any free port, "
          "see bound-port)", 0, 65535, DEFAULT_PORT, rw_ready));
  g_object_class_install_property (klass, FLIGHT_LINK_PROP_REMOTE_ADDRESS,
      g_param_spec_string ("remote-address", "Remote address",
          "UDP: send to this address (with remote-port) from the start, "
          "instead of to the address the vehicle's heartbeats come from",
          DEFAULT_REMOTE_ADDRESS, rw_ready));
  g_object_class_install_property (klass, FLIGHT_LINK_PROP_REMOTE_PORT,
      g_param_spec_int ("remote-port", "Remote port",
          "UDP: the port of remote-address (0: not set)", 0, 65535,
          DEFAULT_REMOTE_PORT, rw_ready));
  g_object_class_install_property (klass, FLIGHT_LINK_PROP_DEVICE,
      g_param_spec_string ("device", "Device",
          "Serial device of the flight controller (e.g. /dev/ttyACM0); when "
          "set, the UDP properties are not used", DEFAULT_DEVICE, rw_ready));
  g_object_class_install_property (klass, FLIGHT_LINK_PROP_BAUD,
      g_param_spec_uint ("baud", "Baud rate",
          "Serial: the line speed (9600 to 3000000, a standard rate); the "
          "line is set raw, 8N1, no flow control", 1, G_MAXUINT,
          DEFAULT_BAUD, rw_ready));
  g_object_class_install_property (klass, FLIGHT_LINK_PROP_SYSTEM_ID,
      g_param_spec_uint ("system-id", "System id",
          "MAVLink system id of flightlink's own messages: the vehicle's "
          "own (1, ArduPilot's SYSID_THISMAV and PX4's MAV_SYS_ID by default), "
          "as a companion computer on board; not 255, which is by convention "
          "the ground station's, whose heartbeat the autopilot watches for "
          "its GCS failsafe", 1, 255, DEFAULT_SYSTEM_ID, rw_ready));
  g_object_class_install_property (klass, FLIGHT_LINK_PROP_COMPONENT_ID,
      g_param_spec_uint ("component-id", "Component id",
          "MAVLink component id of flightlink's own messages (191: "
          "MAV_COMP_ID_ONBOARD_COMPUTER)", 1, 255, DEFAULT_COMPONENT_ID,
          rw_ready));
  g_object_class_install_property (klass, FLIGHT_LINK_PROP_TARGET_SYSTEM,
      g_param_spec_uint ("target-system", "Target system",
          "System id of the vehicle (0: the first autopilot heard)", 0, 255,
          DEFAULT_TARGET_SYSTEM, rw_ready));
  g_object_class_install_property (klass, FLIGHT_LINK_PROP_TARGET_COMPONENT,
      g_param_spec_uint ("target-component", "Target component",
          "Component id of the vehicle's autopilot (0: the component whose "
          "heartbeat found the vehicle)", 0, 255, DEFAULT_TARGET_COMPONENT,
          rw_ready));
  g_object_class_install_property (klass, FLIGHT_LINK_PROP_VEHICLE_TIMEOUT,
      g_param_spec_uint ("vehicle-timeout", "Vehicle timeout",
          "Milliseconds without a heartbeat from the vehicle before it is "
          "reported lost, with a warning; also how long after the first "
          "PLAYING a vehicle never heard is warned about (0: never)", 0,
          G_MAXUINT, DEFAULT_VEHICLE_TIMEOUT, rw_ready));
  g_object_class_install_property (klass, FLIGHT_LINK_PROP_MAVLINK_VERSION,
      g_param_spec_enum ("mavlink-version", "MAVLink version",
          "The MAVLink version to write in (both are read)",
          GST_TYPE_FLIGHT_LINK_VERSION, DEFAULT_MAVLINK_VERSION, rw_ready));
  g_object_class_install_property (klass, FLIGHT_LINK_PROP_TIMESTAMP_MODE,
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
  g_object_class_install_property (klass, FLIGHT_LINK_PROP_AUTOPILOT,
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
  g_object_class_install_property (klass, FLIGHT_LINK_PROP_COMMAND_TIMEOUT,
      g_param_spec_uint ("command-timeout", "Command timeout",
          "Milliseconds to wait for the COMMAND_ACK of a COMMAND_LONG or "
          "COMMAND_INT before sending it again (an IN_PROGRESS answer "
          "waits on); the sink pad waits meanwhile, so commands are done "
          "in order (0: do not wait for answers, no result items)", 0,
          G_MAXUINT, DEFAULT_COMMAND_TIMEOUT, rw_ready));
  g_object_class_install_property (klass, FLIGHT_LINK_PROP_COMMAND_RETRIES,
      g_param_spec_uint ("command-retries", "Command retries",
          "How many times a command without an answer is sent again (its "
          "confirmation counting) before it is reported timed out; a "
          "refused command is never sent again", 0, 100,
          DEFAULT_COMMAND_RETRIES, rw_ready));
  g_object_class_install_property (klass, FLIGHT_LINK_PROP_COMPLETION_TIMEOUT,
      g_param_spec_uint ("completion-timeout", "Completion timeout",
          "Milliseconds an accepted takeoff or land may take: the next "
          "command waits until the vehicle is at 95 % of the takeoff "
          "height, or landed and disarmed; then its result (timed-out, "
          "with a warning, if it did not) (0: a command is done when "
          "acknowledged)", 0, G_MAXUINT, DEFAULT_COMPLETION_TIMEOUT,
          rw_ready));
  g_object_class_install_property (klass, FLIGHT_LINK_PROP_SETPOINT_RATE,
      g_param_spec_uint ("setpoint-rate", "Setpoint rate",
          "PX4: how many times a second the active goto's setpoint is sent "
          "again (OFFBOARD needs 2 or more; 0: never, and no guided "
          "command on PX4)", 0, 50, DEFAULT_SETPOINT_RATE, rw_ready));
  g_object_class_install_property (klass, FLIGHT_LINK_PROP_TELEMETRY_RATE,
      g_param_spec_uint ("telemetry-rate", "Telemetry rate",
          "Once the vehicle is found, ask it for GLOBAL_POSITION_INT, "
          "ATTITUDE and LOCAL_POSITION_NED this many times a second, and "
          "for SYS_STATUS, GPS_RAW_INT, EXTENDED_SYS_STATE and "
          "HOME_POSITION once a second (MAV_CMD_SET_MESSAGE_INTERVAL; "
          "ArduPilot also REQUEST_DATA_STREAM, for older versions and over "
          "its SRn_ parameters) (0: ask nothing, keep the vehicle's rates)",
          0, 1000, DEFAULT_TELEMETRY_RATE, rw_ready));
  g_object_class_install_property (klass, FLIGHT_LINK_PROP_GOTO_COMMAND,
      g_param_spec_enum ("goto-command", "Goto command",
          "How a goto is sent: 'setpoint' (SET_POSITION_TARGET_GLOBAL_INT or "
          "_LOCAL_NED, followed in ArduPilot's GUIDED and PX4's OFFBOARD, "
          "streamed on PX4) or 'reposition' (COMMAND_INT "
          "MAV_CMD_DO_REPOSITION to its global position, acknowledged: "
          "PX4's one-shot alternative, followed in HOLD)",
          GST_TYPE_FLIGHT_LINK_GOTO_COMMAND, DEFAULT_GOTO_COMMAND,
          rw_ready));
}

FlightLinkSettings *
flight_link_settings_new (void)
{
  FlightLinkSettings *s = g_new0 (FlightLinkSettings, 1);

  g_mutex_init (&s->lock);
  s->link.address = g_strdup (DEFAULT_ADDRESS);
  s->link.port = DEFAULT_PORT;
  s->link.remote_address = g_strdup (DEFAULT_REMOTE_ADDRESS);
  s->link.remote_port = DEFAULT_REMOTE_PORT;
  s->link.device = g_strdup (DEFAULT_DEVICE);
  s->link.baud = DEFAULT_BAUD;
  s->run.system_id = DEFAULT_SYSTEM_ID;
  s->run.component_id = DEFAULT_COMPONENT_ID;
  s->run.target_system = DEFAULT_TARGET_SYSTEM;
  s->run.target_component = DEFAULT_TARGET_COMPONENT;
  s->run.vehicle_timeout = DEFAULT_VEHICLE_TIMEOUT;
  s->run.version = DEFAULT_MAVLINK_VERSION;
  s->run.timestamp_mode = DEFAULT_TIMESTAMP_MODE;
  s->run.autopilot = DEFAULT_AUTOPILOT;
  s->run.command_timeout = DEFAULT_COMMAND_TIMEOUT;
  s->run.command_retries = DEFAULT_COMMAND_RETRIES;
  s->run.completion_timeout = DEFAULT_COMPLETION_TIMEOUT;
  s->run.setpoint_rate = DEFAULT_SETPOINT_RATE;
  s->run.telemetry_rate = DEFAULT_TELEMETRY_RATE;
  s->run.goto_command = DEFAULT_GOTO_COMMAND;
  return s;
}

void
flight_link_settings_free (FlightLinkSettings * s)
{
  if (!s)
    return;
  flight_link_link_config_clear (&s->link);
  g_mutex_clear (&s->lock);
  g_free (s);
}

/* The unsigned integer properties of a run. */
static guint *
uint_prop (FlightLinkRunConfig * c, guint prop_id)
{
  switch (prop_id) {
    case FLIGHT_LINK_PROP_SYSTEM_ID:
      return &c->system_id;
    case FLIGHT_LINK_PROP_COMPONENT_ID:
      return &c->component_id;
    case FLIGHT_LINK_PROP_TARGET_SYSTEM:
      return &c->target_system;
    case FLIGHT_LINK_PROP_TARGET_COMPONENT:
      return &c->target_component;
    case FLIGHT_LINK_PROP_VEHICLE_TIMEOUT:
      return &c->vehicle_timeout;
    case FLIGHT_LINK_PROP_COMMAND_TIMEOUT:
      return &c->command_timeout;
    case FLIGHT_LINK_PROP_COMMAND_RETRIES:
      return &c->command_retries;
    case FLIGHT_LINK_PROP_COMPLETION_TIMEOUT:
      return &c->completion_timeout;
    case FLIGHT_LINK_PROP_SETPOINT_RATE:
      return &c->setpoint_rate;
    case FLIGHT_LINK_PROP_TELEMETRY_RATE:
      return &c->telemetry_rate;
    default:
      return NULL;
  }
}

/* Sets @prop_id from @value; FALSE when it is not one of the settings. */
gboolean
flight_link_settings_set_property (FlightLinkSettings * s, guint prop_id,
    const GValue * value)
{
  gboolean known = TRUE;
  guint *u;

  g_mutex_lock (&s->lock);
  if ((u = uint_prop (&s->run, prop_id))) {
    *u = g_value_get_uint (value);
    g_mutex_unlock (&s->lock);
    return TRUE;
  }
  switch (prop_id) {
    case FLIGHT_LINK_PROP_ADDRESS:
      g_free (s->link.address);
      s->link.address = g_value_dup_string (value);
      break;
    case FLIGHT_LINK_PROP_PORT:
      s->link.port = g_value_get_int (value);
      break;
    case FLIGHT_LINK_PROP_REMOTE_ADDRESS:
      g_free (s->link.remote_address);
      s->link.remote_address = g_value_dup_string (value);
      break;
    case FLIGHT_LINK_PROP_REMOTE_PORT:
      s->link.remote_port = g_value_get_int (value);
      break;
    case FLIGHT_LINK_PROP_DEVICE:
      g_free (s->link.device);
      s->link.device = g_value_dup_string (value);
      break;
    case FLIGHT_LINK_PROP_BAUD:
      s->link.baud = g_value_get_uint (value);
      break;
    case FLIGHT_LINK_PROP_MAVLINK_VERSION:
      s->run.version = g_value_get_enum (value);
      break;
    case FLIGHT_LINK_PROP_TIMESTAMP_MODE:
      s->run.timestamp_mode = g_value_get_enum (value);
      break;
    case FLIGHT_LINK_PROP_AUTOPILOT:
      s->run.autopilot = g_value_get_enum (value);
      break;
    case FLIGHT_LINK_PROP_GOTO_COMMAND:
      s->run.goto_command = g_value_get_enum (value);
      break;
    default:
      known = FALSE;
      break;
  }
  g_mutex_unlock (&s->lock);
  return known;
}

/* Puts @prop_id's value in @value; FALSE when it is not one of the
 * settings. */
gboolean
flight_link_settings_get_property (FlightLinkSettings * s, guint prop_id,
    GValue * value)
{
  gboolean known = TRUE;
  guint *u;

  g_mutex_lock (&s->lock);
  if ((u = uint_prop (&s->run, prop_id))) {
    g_value_set_uint (value, *u);
    g_mutex_unlock (&s->lock);
    return TRUE;
  }
  switch (prop_id) {
    case FLIGHT_LINK_PROP_ADDRESS:
      g_value_set_string (value, s->link.address);
      break;
    case FLIGHT_LINK_PROP_PORT:
      g_value_set_int (value, s->link.port);
      break;
    case FLIGHT_LINK_PROP_REMOTE_ADDRESS:
      g_value_set_string (value, s->link.remote_address);
      break;
    case FLIGHT_LINK_PROP_REMOTE_PORT:
      g_value_set_int (value, s->link.remote_port);
      break;
    case FLIGHT_LINK_PROP_DEVICE:
      g_value_set_string (value, s->link.device);
      break;
    case FLIGHT_LINK_PROP_BAUD:
      g_value_set_uint (value, s->link.baud);
      break;
    case FLIGHT_LINK_PROP_MAVLINK_VERSION:
      g_value_set_enum (value, s->run.version);
      break;
    case FLIGHT_LINK_PROP_TIMESTAMP_MODE:
      g_value_set_enum (value, s->run.timestamp_mode);
      break;
    case FLIGHT_LINK_PROP_AUTOPILOT:
      g_value_set_enum (value, s->run.autopilot);
      break;
    case FLIGHT_LINK_PROP_GOTO_COMMAND:
      g_value_set_enum (value, s->run.goto_command);
      break;
    default:
      known = FALSE;
      break;
  }
  g_mutex_unlock (&s->lock);
  return known;
}

/* A copy of the link's settings, for opening it: clear it with
 * flight_link_link_config_clear(). */
void
flight_link_settings_get_link (FlightLinkSettings * s,
    FlightLinkLinkConfig * link)
{
  g_mutex_lock (&s->lock);
  *link = s->link;
  link->address = g_strdup (s->link.address);
  link->remote_address = g_strdup (s->link.remote_address);
  link->device = g_strdup (s->link.device);
  g_mutex_unlock (&s->lock);
}

void
flight_link_link_config_clear (FlightLinkLinkConfig * link)
{
  g_clear_pointer (&link->address, g_free);
  g_clear_pointer (&link->remote_address, g_free);
  g_clear_pointer (&link->device, g_free);
}

/* A copy of a run's settings, for a run to start with. */
void
flight_link_settings_get_run (FlightLinkSettings * s,
    FlightLinkRunConfig * run)
{
  g_mutex_lock (&s->lock);
  *run = s->run;
  g_mutex_unlock (&s->lock);
}
