/* gst-workers: the MAVLink messages flightlink speaks
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Message layouts and CRC_EXTRA values of the official MAVLink definitions
 * (mavlink/mavlink, message_definitions/v1.0/minimal.xml and common.xml).
 * Each message is described by its fields in definition order; the wire
 * order (fields sorted by type size, largest first, extensions last) is
 * derived from that list, never written by hand. tests/check/mavlinkcodec.c
 * derives every CRC_EXTRA and length from the field lists and checks them
 * against this table.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * MavlinkType:
 *
 * Field types of the MAVLink definitions. %MAVLINK_TYPE_UINT8_MAVLINK_VERSION
 * is `uint8_t_mavlink_version`: a `uint8_t` the sender sets to its MAVLink
 * version (HEARTBEAT.mavlink_version).
 */
typedef enum {
  MAVLINK_TYPE_CHAR,
  MAVLINK_TYPE_UINT8,
  MAVLINK_TYPE_INT8,
  MAVLINK_TYPE_UINT16,
  MAVLINK_TYPE_INT16,
  MAVLINK_TYPE_UINT32,
  MAVLINK_TYPE_INT32,
  MAVLINK_TYPE_UINT64,
  MAVLINK_TYPE_INT64,
  MAVLINK_TYPE_FLOAT,
  MAVLINK_TYPE_DOUBLE,
  MAVLINK_TYPE_UINT8_MAVLINK_VERSION,
} MavlinkType;

/**
 * MavlinkField:
 * @name: the field's name in the definition
 * @type: its type (of one element, for an array)
 * @array_length: number of elements, 0 for a scalar
 * @extension: %TRUE for fields after `<extensions/>`
 * @offset: offset of the member in the message's C struct
 */
typedef struct {
  const gchar *name;
  MavlinkType type;
  guint8 array_length;
  gboolean extension;
  guint16 offset;
} MavlinkField;

/**
 * MavlinkMessageInfo:
 * @id: message id
 * @name: message name
 * @crc_extra: the CRC_EXTRA seed byte of the message
 * @min_length: payload length without extension fields (MAVLink 1 length)
 * @max_length: payload length with extension fields
 * @fields: the fields in definition order
 * @n_fields: number of @fields
 * @struct_size: size of the message's C struct
 */
typedef struct {
  guint32 id;
  const gchar *name;
  guint8 crc_extra;
  guint8 min_length;
  guint8 max_length;
  const MavlinkField *fields;
  guint n_fields;
  gsize struct_size;
} MavlinkMessageInfo;

enum {
  MAVLINK_MSG_ID_HEARTBEAT = 0,
  MAVLINK_MSG_ID_SYS_STATUS = 1,
  MAVLINK_MSG_ID_GPS_RAW_INT = 24,
  MAVLINK_MSG_ID_ATTITUDE = 30,
  MAVLINK_MSG_ID_LOCAL_POSITION_NED = 32,
  MAVLINK_MSG_ID_GLOBAL_POSITION_INT = 33,
  MAVLINK_MSG_ID_REQUEST_DATA_STREAM = 66,
  MAVLINK_MSG_ID_COMMAND_INT = 75,
  MAVLINK_MSG_ID_COMMAND_LONG = 76,
  MAVLINK_MSG_ID_COMMAND_ACK = 77,
  MAVLINK_MSG_ID_SET_POSITION_TARGET_LOCAL_NED = 84,
  MAVLINK_MSG_ID_SET_POSITION_TARGET_GLOBAL_INT = 86,
  MAVLINK_MSG_ID_HOME_POSITION = 242,
  MAVLINK_MSG_ID_EXTENDED_SYS_STATE = 245,
  MAVLINK_MSG_ID_STATUSTEXT = 253,
};

/* Enum values of common.xml used by flightlink. */
enum {
  MAV_TYPE_GCS = 6,
  MAV_TYPE_ONBOARD_CONTROLLER = 18,
  MAV_AUTOPILOT_INVALID = 8,
  MAV_STATE_ACTIVE = 4,
  MAV_SEVERITY_WARNING = 4,
  MAV_SEVERITY_INFO = 6,
  MAV_COMP_ID_AUTOPILOT1 = 1,
  MAV_COMP_ID_ONBOARD_COMPUTER = 191,
  MAV_FRAME_GLOBAL = 0,
  MAV_FRAME_LOCAL_NED = 1,
  MAV_FRAME_GLOBAL_INT = 5,
  MAV_CMD_NAV_LOITER_UNLIM = 17,
  MAV_CMD_NAV_RETURN_TO_LAUNCH = 20,
  MAV_CMD_NAV_LAND = 21,
  MAV_CMD_NAV_TAKEOFF = 22,
  MAV_CMD_DO_SET_MODE = 176,
  MAV_CMD_DO_REPOSITION = 192,
  MAV_CMD_COMPONENT_ARM_DISARM = 400,
  MAV_CMD_SET_MESSAGE_INTERVAL = 511,
  MAV_RESULT_ACCEPTED = 0,
  MAV_RESULT_TEMPORARILY_REJECTED = 1,
  MAV_RESULT_DENIED = 2,
  MAV_RESULT_UNSUPPORTED = 3,
  MAV_RESULT_FAILED = 4,
  MAV_RESULT_IN_PROGRESS = 5,
  MAV_RESULT_CANCELLED = 6,
  MAV_AUTOPILOT_ARDUPILOTMEGA = 3,
  MAV_AUTOPILOT_PX4 = 12,
  MAV_MODE_FLAG_CUSTOM_MODE_ENABLED = 1,
  MAV_DO_REPOSITION_FLAGS_CHANGE_MODE = 1,
  MAV_MODE_FLAG_SAFETY_ARMED = 128,
  MAV_TYPE_FIXED_WING = 1,
  MAV_TYPE_GROUND_ROVER = 10,
  MAV_TYPE_SURFACE_BOAT = 11,
  MAV_TYPE_VTOL_TAILSITTER_DUOROTOR = 19,
  MAV_TYPE_VTOL_RESERVED5 = 25,
  /* ArduCopter's GUIDED, and Plane's and Rover's; PX4's OFFBOARD main
   * mode (custom_mode bits 16-23) */
  ARDUCOPTER_MODE_GUIDED = 4,
  ARDUPLANE_MODE_GUIDED = 15,
  PX4_CUSTOM_MAIN_MODE_OFFBOARD = 6,
  POSITION_TARGET_TYPEMASK_X_IGNORE = 1,
  POSITION_TARGET_TYPEMASK_Y_IGNORE = 2,
  POSITION_TARGET_TYPEMASK_Z_IGNORE = 4,
  POSITION_TARGET_TYPEMASK_VX_IGNORE = 8,
  POSITION_TARGET_TYPEMASK_VY_IGNORE = 16,
  POSITION_TARGET_TYPEMASK_VZ_IGNORE = 32,
  POSITION_TARGET_TYPEMASK_AX_IGNORE = 64,
  POSITION_TARGET_TYPEMASK_AY_IGNORE = 128,
  POSITION_TARGET_TYPEMASK_AZ_IGNORE = 256,
  POSITION_TARGET_TYPEMASK_YAW_IGNORE = 1024,
  POSITION_TARGET_TYPEMASK_YAW_RATE_IGNORE = 2048,
};

/* One C struct per message, members in definition order. */

typedef struct {
  guint8 type;
  guint8 autopilot;
  guint8 base_mode;
  guint32 custom_mode;
  guint8 system_status;
  guint8 mavlink_version;
} MavlinkHeartbeat;

typedef struct {
  guint32 onboard_control_sensors_present;
  guint32 onboard_control_sensors_enabled;
  guint32 onboard_control_sensors_health;
  guint16 load;
  guint16 voltage_battery;
  gint16 current_battery;
  gint8 battery_remaining;
  guint16 drop_rate_comm;
  guint16 errors_comm;
  guint16 errors_count1, errors_count2, errors_count3, errors_count4;
  /* extensions */
  guint32 onboard_control_sensors_present_extended;
  guint32 onboard_control_sensors_enabled_extended;
  guint32 onboard_control_sensors_health_extended;
} MavlinkSysStatus;

typedef struct {
  guint64 time_usec;
  guint8 fix_type;
  gint32 lat, lon, alt;
  guint16 eph, epv, vel, cog;
  guint8 satellites_visible;
  /* extensions */
  gint32 alt_ellipsoid;
  guint32 h_acc, v_acc, vel_acc, hdg_acc;
  guint16 yaw;
} MavlinkGpsRawInt;

typedef struct {
  guint8 target_system;
  guint8 target_component;
  guint8 req_stream_id;
  guint16 req_message_rate;
  guint8 start_stop;
} MavlinkRequestDataStream;

typedef struct {
  gint32 latitude, longitude, altitude;
  gfloat x, y, z;
  gfloat q[4];
  gfloat approach_x, approach_y, approach_z;
  /* extensions */
  guint64 time_usec;
} MavlinkHomePosition;

typedef struct {
  guint8 vtol_state;
  guint8 landed_state;
} MavlinkExtendedSysState;

typedef struct {
  guint32 time_boot_ms;
  gfloat roll, pitch, yaw;
  gfloat rollspeed, pitchspeed, yawspeed;
} MavlinkAttitude;

typedef struct {
  guint32 time_boot_ms;
  gfloat x, y, z;
  gfloat vx, vy, vz;
} MavlinkLocalPositionNed;

typedef struct {
  guint32 time_boot_ms;
  gint32 lat, lon;
  gint32 alt, relative_alt;
  gint16 vx, vy, vz;
  guint16 hdg;
} MavlinkGlobalPositionInt;

typedef struct {
  guint8 target_system;
  guint8 target_component;
  guint8 frame;
  guint16 command;
  guint8 current;
  guint8 autocontinue;
  gfloat param1, param2, param3, param4;
  gint32 x, y;
  gfloat z;
} MavlinkCommandInt;

typedef struct {
  guint8 target_system;
  guint8 target_component;
  guint16 command;
  guint8 confirmation;
  gfloat param1, param2, param3, param4, param5, param6, param7;
} MavlinkCommandLong;

typedef struct {
  guint16 command;
  guint8 result;
  /* extensions */
  guint8 progress;
  gint32 result_param2;
  guint8 target_system;
  guint8 target_component;
} MavlinkCommandAck;

typedef struct {
  guint32 time_boot_ms;
  guint8 target_system;
  guint8 target_component;
  guint8 coordinate_frame;
  guint16 type_mask;
  gfloat x, y, z;
  gfloat vx, vy, vz;
  gfloat afx, afy, afz;
  gfloat yaw, yaw_rate;
} MavlinkSetPositionTargetLocalNed;

typedef struct {
  guint32 time_boot_ms;
  guint8 target_system;
  guint8 target_component;
  guint8 coordinate_frame;
  guint16 type_mask;
  gint32 lat_int, lon_int;
  gfloat alt;
  gfloat vx, vy, vz;
  gfloat afx, afy, afz;
  gfloat yaw, yaw_rate;
} MavlinkSetPositionTargetGlobalInt;

typedef struct {
  guint8 severity;
  gchar text[50];
  /* extensions */
  guint16 id;
  guint8 chunk_seq;
} MavlinkStatustext;

const MavlinkMessageInfo * mavlink_message_info (guint32 msgid);

guint         mavlink_message_count (void);

const MavlinkMessageInfo * mavlink_message_info_nth (guint n);

gsize         mavlink_type_size (MavlinkType type);

const gchar * mavlink_type_name (MavlinkType type);

void          mavlink_message_pack (const MavlinkMessageInfo * info,
                                    gconstpointer msg, guint8 * payload);

void          mavlink_message_unpack (const MavlinkMessageInfo * info,
                                      const guint8 * payload, gpointer msg);

G_END_DECLS
