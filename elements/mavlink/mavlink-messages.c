/* gst-workers: the MAVLink messages flightlink speaks
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include "mavlink-messages.h"

#define FIELD(T, member, type, n, ext) \
  { #member, MAVLINK_TYPE_##type, n, ext, G_STRUCT_OFFSET (T, member) }
#define BASE(T, member, type) FIELD (T, member, type, 0, FALSE)
#define EXT(T, member, type) FIELD (T, member, type, 0, TRUE)

/* Fields in definition order, as in minimal.xml / common.xml. */

static const MavlinkField heartbeat_fields[] = {
  BASE (MavlinkHeartbeat, type, UINT8),
  BASE (MavlinkHeartbeat, autopilot, UINT8),
  BASE (MavlinkHeartbeat, base_mode, UINT8),
  BASE (MavlinkHeartbeat, custom_mode, UINT32),
  BASE (MavlinkHeartbeat, system_status, UINT8),
  BASE (MavlinkHeartbeat, mavlink_version, UINT8_MAVLINK_VERSION),
};

static const MavlinkField sys_status_fields[] = {
  BASE (MavlinkSysStatus, onboard_control_sensors_present, UINT32),
  BASE (MavlinkSysStatus, onboard_control_sensors_enabled, UINT32),
  BASE (MavlinkSysStatus, onboard_control_sensors_health, UINT32),
  BASE (MavlinkSysStatus, load, UINT16),
  BASE (MavlinkSysStatus, voltage_battery, UINT16),
  BASE (MavlinkSysStatus, current_battery, INT16),
  BASE (MavlinkSysStatus, battery_remaining, INT8),
  BASE (MavlinkSysStatus, drop_rate_comm, UINT16),
  BASE (MavlinkSysStatus, errors_comm, UINT16),
  BASE (MavlinkSysStatus, errors_count1, UINT16),
  BASE (MavlinkSysStatus, errors_count2, UINT16),
  BASE (MavlinkSysStatus, errors_count3, UINT16),
  BASE (MavlinkSysStatus, errors_count4, UINT16),
  EXT (MavlinkSysStatus, onboard_control_sensors_present_extended, UINT32),
  EXT (MavlinkSysStatus, onboard_control_sensors_enabled_extended, UINT32),
  EXT (MavlinkSysStatus, onboard_control_sensors_health_extended, UINT32),
};

static const MavlinkField gps_raw_int_fields[] = {
  BASE (MavlinkGpsRawInt, time_usec, UINT64),
  BASE (MavlinkGpsRawInt, fix_type, UINT8),
  BASE (MavlinkGpsRawInt, lat, INT32),
  BASE (MavlinkGpsRawInt, lon, INT32),
  BASE (MavlinkGpsRawInt, alt, INT32),
  BASE (MavlinkGpsRawInt, eph, UINT16),
  BASE (MavlinkGpsRawInt, epv, UINT16),
  BASE (MavlinkGpsRawInt, vel, UINT16),
  BASE (MavlinkGpsRawInt, cog, UINT16),
  BASE (MavlinkGpsRawInt, satellites_visible, UINT8),
  EXT (MavlinkGpsRawInt, alt_ellipsoid, INT32),
  EXT (MavlinkGpsRawInt, h_acc, UINT32),
  EXT (MavlinkGpsRawInt, v_acc, UINT32),
  EXT (MavlinkGpsRawInt, vel_acc, UINT32),
  EXT (MavlinkGpsRawInt, hdg_acc, UINT32),
  EXT (MavlinkGpsRawInt, yaw, UINT16),
};

static const MavlinkField request_data_stream_fields[] = {
  BASE (MavlinkRequestDataStream, target_system, UINT8),
  BASE (MavlinkRequestDataStream, target_component, UINT8),
  BASE (MavlinkRequestDataStream, req_stream_id, UINT8),
  BASE (MavlinkRequestDataStream, req_message_rate, UINT16),
  BASE (MavlinkRequestDataStream, start_stop, UINT8),
};

static const MavlinkField home_position_fields[] = {
  BASE (MavlinkHomePosition, latitude, INT32),
  BASE (MavlinkHomePosition, longitude, INT32),
  BASE (MavlinkHomePosition, altitude, INT32),
  BASE (MavlinkHomePosition, x, FLOAT),
  BASE (MavlinkHomePosition, y, FLOAT),
  BASE (MavlinkHomePosition, z, FLOAT),
  FIELD (MavlinkHomePosition, q, FLOAT, 4, FALSE),
  BASE (MavlinkHomePosition, approach_x, FLOAT),
  BASE (MavlinkHomePosition, approach_y, FLOAT),
  BASE (MavlinkHomePosition, approach_z, FLOAT),
  EXT (MavlinkHomePosition, time_usec, UINT64),
};

static const MavlinkField extended_sys_state_fields[] = {
  BASE (MavlinkExtendedSysState, vtol_state, UINT8),
  BASE (MavlinkExtendedSysState, landed_state, UINT8),
};

static const MavlinkField attitude_fields[] = {
  BASE (MavlinkAttitude, time_boot_ms, UINT32),
  BASE (MavlinkAttitude, roll, FLOAT),
  BASE (MavlinkAttitude, pitch, FLOAT),
  BASE (MavlinkAttitude, yaw, FLOAT),
  BASE (MavlinkAttitude, rollspeed, FLOAT),
  BASE (MavlinkAttitude, pitchspeed, FLOAT),
  BASE (MavlinkAttitude, yawspeed, FLOAT),
};

static const MavlinkField local_position_ned_fields[] = {
  BASE (MavlinkLocalPositionNed, time_boot_ms, UINT32),
  BASE (MavlinkLocalPositionNed, x, FLOAT),
  BASE (MavlinkLocalPositionNed, y, FLOAT),
  BASE (MavlinkLocalPositionNed, z, FLOAT),
  BASE (MavlinkLocalPositionNed, vx, FLOAT),
  BASE (MavlinkLocalPositionNed, vy, FLOAT),
  BASE (MavlinkLocalPositionNed, vz, FLOAT),
};

static const MavlinkField global_position_int_fields[] = {
  BASE (MavlinkGlobalPositionInt, time_boot_ms, UINT32),
  BASE (MavlinkGlobalPositionInt, lat, INT32),
  BASE (MavlinkGlobalPositionInt, lon, INT32),
  BASE (MavlinkGlobalPositionInt, alt, INT32),
  BASE (MavlinkGlobalPositionInt, relative_alt, INT32),
  BASE (MavlinkGlobalPositionInt, vx, INT16),
  BASE (MavlinkGlobalPositionInt, vy, INT16),
  BASE (MavlinkGlobalPositionInt, vz, INT16),
  BASE (MavlinkGlobalPositionInt, hdg, UINT16),
};

static const MavlinkField command_int_fields[] = {
  BASE (MavlinkCommandInt, target_system, UINT8),
  BASE (MavlinkCommandInt, target_component, UINT8),
  BASE (MavlinkCommandInt, frame, UINT8),
  BASE (MavlinkCommandInt, command, UINT16),
  BASE (MavlinkCommandInt, current, UINT8),
  BASE (MavlinkCommandInt, autocontinue, UINT8),
  BASE (MavlinkCommandInt, param1, FLOAT),
  BASE (MavlinkCommandInt, param2, FLOAT),
  BASE (MavlinkCommandInt, param3, FLOAT),
  BASE (MavlinkCommandInt, param4, FLOAT),
  BASE (MavlinkCommandInt, x, INT32),
  BASE (MavlinkCommandInt, y, INT32),
  BASE (MavlinkCommandInt, z, FLOAT),
};

static const MavlinkField command_long_fields[] = {
  BASE (MavlinkCommandLong, target_system, UINT8),
  BASE (MavlinkCommandLong, target_component, UINT8),
  BASE (MavlinkCommandLong, command, UINT16),
  BASE (MavlinkCommandLong, confirmation, UINT8),
  BASE (MavlinkCommandLong, param1, FLOAT),
  BASE (MavlinkCommandLong, param2, FLOAT),
  BASE (MavlinkCommandLong, param3, FLOAT),
  BASE (MavlinkCommandLong, param4, FLOAT),
  BASE (MavlinkCommandLong, param5, FLOAT),
  BASE (MavlinkCommandLong, param6, FLOAT),
  BASE (MavlinkCommandLong, param7, FLOAT),
};

static const MavlinkField command_ack_fields[] = {
  BASE (MavlinkCommandAck, command, UINT16),
  BASE (MavlinkCommandAck, result, UINT8),
  EXT (MavlinkCommandAck, progress, UINT8),
  EXT (MavlinkCommandAck, result_param2, INT32),
  EXT (MavlinkCommandAck, target_system, UINT8),
  EXT (MavlinkCommandAck, target_component, UINT8),
};

static const MavlinkField set_position_target_local_ned_fields[] = {
  BASE (MavlinkSetPositionTargetLocalNed, time_boot_ms, UINT32),
  BASE (MavlinkSetPositionTargetLocalNed, target_system, UINT8),
  BASE (MavlinkSetPositionTargetLocalNed, target_component, UINT8),
  BASE (MavlinkSetPositionTargetLocalNed, coordinate_frame, UINT8),
  BASE (MavlinkSetPositionTargetLocalNed, type_mask, UINT16),
  BASE (MavlinkSetPositionTargetLocalNed, x, FLOAT),
  BASE (MavlinkSetPositionTargetLocalNed, y, FLOAT),
  BASE (MavlinkSetPositionTargetLocalNed, z, FLOAT),
  BASE (MavlinkSetPositionTargetLocalNed, vx, FLOAT),
  BASE (MavlinkSetPositionTargetLocalNed, vy, FLOAT),
  BASE (MavlinkSetPositionTargetLocalNed, vz, FLOAT),
  BASE (MavlinkSetPositionTargetLocalNed, afx, FLOAT),
  BASE (MavlinkSetPositionTargetLocalNed, afy, FLOAT),
  BASE (MavlinkSetPositionTargetLocalNed, afz, FLOAT),
  BASE (MavlinkSetPositionTargetLocalNed, yaw, FLOAT),
  BASE (MavlinkSetPositionTargetLocalNed, yaw_rate, FLOAT),
};

static const MavlinkField set_position_target_global_int_fields[] = {
  BASE (MavlinkSetPositionTargetGlobalInt, time_boot_ms, UINT32),
  BASE (MavlinkSetPositionTargetGlobalInt, target_system, UINT8),
  BASE (MavlinkSetPositionTargetGlobalInt, target_component, UINT8),
  BASE (MavlinkSetPositionTargetGlobalInt, coordinate_frame, UINT8),
  BASE (MavlinkSetPositionTargetGlobalInt, type_mask, UINT16),
  BASE (MavlinkSetPositionTargetGlobalInt, lat_int, INT32),
  BASE (MavlinkSetPositionTargetGlobalInt, lon_int, INT32),
  BASE (MavlinkSetPositionTargetGlobalInt, alt, FLOAT),
  BASE (MavlinkSetPositionTargetGlobalInt, vx, FLOAT),
  BASE (MavlinkSetPositionTargetGlobalInt, vy, FLOAT),
  BASE (MavlinkSetPositionTargetGlobalInt, vz, FLOAT),
  BASE (MavlinkSetPositionTargetGlobalInt, afx, FLOAT),
  BASE (MavlinkSetPositionTargetGlobalInt, afy, FLOAT),
  BASE (MavlinkSetPositionTargetGlobalInt, afz, FLOAT),
  BASE (MavlinkSetPositionTargetGlobalInt, yaw, FLOAT),
  BASE (MavlinkSetPositionTargetGlobalInt, yaw_rate, FLOAT),
};

static const MavlinkField statustext_fields[] = {
  BASE (MavlinkStatustext, severity, UINT8),
  FIELD (MavlinkStatustext, text, CHAR, 50, FALSE),
  EXT (MavlinkStatustext, id, UINT16),
  EXT (MavlinkStatustext, chunk_seq, UINT8),
};

#define MESSAGE(ID, T, lower, crc, min, max) \
  { MAVLINK_MSG_ID_##ID, #ID, crc, min, max, lower##_fields, \
    G_N_ELEMENTS (lower##_fields), sizeof (T) }

/* id, name, CRC_EXTRA, length without and with extensions; sorted by id */
static const MavlinkMessageInfo messages[] = {
  MESSAGE (HEARTBEAT, MavlinkHeartbeat, heartbeat, 50, 9, 9),
  MESSAGE (SYS_STATUS, MavlinkSysStatus, sys_status, 124, 31, 43),
  MESSAGE (GPS_RAW_INT, MavlinkGpsRawInt, gps_raw_int, 24, 30, 52),
  MESSAGE (ATTITUDE, MavlinkAttitude, attitude, 39, 28, 28),
  MESSAGE (LOCAL_POSITION_NED, MavlinkLocalPositionNed, local_position_ned,
      185, 28, 28),
  MESSAGE (GLOBAL_POSITION_INT, MavlinkGlobalPositionInt,
      global_position_int, 104, 28, 28),
  MESSAGE (REQUEST_DATA_STREAM, MavlinkRequestDataStream,
      request_data_stream, 148, 6, 6),
  MESSAGE (COMMAND_INT, MavlinkCommandInt, command_int, 158, 35, 35),
  MESSAGE (COMMAND_LONG, MavlinkCommandLong, command_long, 152, 33, 33),
  MESSAGE (COMMAND_ACK, MavlinkCommandAck, command_ack, 143, 3, 10),
  MESSAGE (SET_POSITION_TARGET_LOCAL_NED, MavlinkSetPositionTargetLocalNed,
      set_position_target_local_ned, 143, 53, 53),
  MESSAGE (SET_POSITION_TARGET_GLOBAL_INT, MavlinkSetPositionTargetGlobalInt,
      set_position_target_global_int, 5, 53, 53),
  MESSAGE (HOME_POSITION, MavlinkHomePosition, home_position, 104, 52, 60),
  MESSAGE (EXTENDED_SYS_STATE, MavlinkExtendedSysState, extended_sys_state,
      130, 2, 2),
  MESSAGE (STATUSTEXT, MavlinkStatustext, statustext, 83, 51, 54),
};

/**
 * mavlink_message_info:
 *
 * Returns: (nullable): the description of message @msgid, or %NULL for a
 * message flightlink does not know
 */
const MavlinkMessageInfo *
mavlink_message_info (guint32 msgid)
{
  guint lo = 0, hi = G_N_ELEMENTS (messages);

  while (lo < hi) {
    guint mid = (lo + hi) / 2;

    if (messages[mid].id == msgid)
      return &messages[mid];
    if (messages[mid].id < msgid)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

guint
mavlink_message_count (void)
{
  return G_N_ELEMENTS (messages);
}

const MavlinkMessageInfo *
mavlink_message_info_nth (guint n)
{
  g_return_val_if_fail (n < G_N_ELEMENTS (messages), NULL);
  return &messages[n];
}

/**
 * mavlink_type_size:
 *
 * Returns: the size in bytes of one element of @type
 */
gsize
mavlink_type_size (MavlinkType type)
{
  switch (type) {
    case MAVLINK_TYPE_CHAR:
    case MAVLINK_TYPE_UINT8:
    case MAVLINK_TYPE_INT8:
    case MAVLINK_TYPE_UINT8_MAVLINK_VERSION:
      return 1;
    case MAVLINK_TYPE_UINT16:
    case MAVLINK_TYPE_INT16:
      return 2;
    case MAVLINK_TYPE_UINT32:
    case MAVLINK_TYPE_INT32:
    case MAVLINK_TYPE_FLOAT:
      return 4;
    case MAVLINK_TYPE_UINT64:
    case MAVLINK_TYPE_INT64:
    case MAVLINK_TYPE_DOUBLE:
      return 8;
  }
  g_return_val_if_reached (0);
}

/**
 * mavlink_type_name:
 *
 * Returns: the C type name of @type as it enters CRC_EXTRA: the definition's
 * type without array length, and `uint8_t` for `uint8_t_mavlink_version`
 */
const gchar *
mavlink_type_name (MavlinkType type)
{
  static const gchar *const names[] = {
    [MAVLINK_TYPE_CHAR] = "char",
    [MAVLINK_TYPE_UINT8] = "uint8_t",
    [MAVLINK_TYPE_INT8] = "int8_t",
    [MAVLINK_TYPE_UINT16] = "uint16_t",
    [MAVLINK_TYPE_INT16] = "int16_t",
    [MAVLINK_TYPE_UINT32] = "uint32_t",
    [MAVLINK_TYPE_INT32] = "int32_t",
    [MAVLINK_TYPE_UINT64] = "uint64_t",
    [MAVLINK_TYPE_INT64] = "int64_t",
    [MAVLINK_TYPE_FLOAT] = "float",
    [MAVLINK_TYPE_DOUBLE] = "double",
    [MAVLINK_TYPE_UINT8_MAVLINK_VERSION] = "uint8_t",
  };

  g_return_val_if_fail ((guint) type < G_N_ELEMENTS (names), NULL);
  return names[type];
}

typedef void (*WireFieldFunc) (const MavlinkField * field, gsize wire_offset,
    gpointer user_data);

/* Calls @func for each field in wire order: base fields by element size,
 * largest first, keeping definition order among equal sizes (a stable
 * sort, as the MAVLink generator does), then the extension fields in
 * definition order. */
static void
foreach_wire_field (const MavlinkMessageInfo * info, WireFieldFunc func,
    gpointer user_data)
{
  static const gsize sizes[] = { 8, 4, 2, 1 };
  gsize offset = 0;
  guint s, i;

  for (s = 0; s < G_N_ELEMENTS (sizes); s++) {
    for (i = 0; i < info->n_fields; i++) {
      const MavlinkField *f = &info->fields[i];
      gsize size = mavlink_type_size (f->type);

      if (f->extension || size != sizes[s])
        continue;
      func (f, offset, user_data);
      offset += size * MAX (f->array_length, 1);
    }
  }
  for (i = 0; i < info->n_fields; i++) {
    const MavlinkField *f = &info->fields[i];

    if (!f->extension)
      continue;
    func (f, offset, user_data);
    offset += mavlink_type_size (f->type) * MAX (f->array_length, 1);
  }
}

/* Copies one element of @size bytes, swapping to or from little-endian. */
static inline void
copy_le (guint8 * dst, const guint8 * src, gsize size)
{
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  memcpy (dst, src, size);
#else
  gsize i;

  for (i = 0; i < size; i++)
    dst[i] = src[size - 1 - i];
#endif
}

typedef struct
{
  guint8 *payload;
  const guint8 *msg;
} PackData;

static void
pack_field (const MavlinkField * f, gsize wire_offset, gpointer user_data)
{
  PackData *d = user_data;
  gsize size = mavlink_type_size (f->type);
  guint n = MAX (f->array_length, 1), i;

  for (i = 0; i < n; i++)
    copy_le (d->payload + wire_offset + i * size,
        d->msg + f->offset + i * size, size);
}

/**
 * mavlink_message_pack:
 * @msg: the message's C struct
 * @payload: (out caller-allocates): @info->max_length bytes
 *
 * Writes @msg in wire order.
 */
void
mavlink_message_pack (const MavlinkMessageInfo * info, gconstpointer msg,
    guint8 * payload)
{
  PackData d = { payload, msg };

  foreach_wire_field (info, pack_field, &d);
}

typedef struct
{
  const guint8 *payload;
  guint8 *msg;
} UnpackData;

static void
unpack_field (const MavlinkField * f, gsize wire_offset, gpointer user_data)
{
  UnpackData *d = user_data;
  gsize size = mavlink_type_size (f->type);
  guint n = MAX (f->array_length, 1), i;

  for (i = 0; i < n; i++)
    copy_le (d->msg + f->offset + i * size,
        d->payload + wire_offset + i * size, size);
}

/**
 * mavlink_message_unpack:
 * @payload: @info->max_length bytes, zero-filled past what was received
 * @msg: (out caller-allocates): the message's C struct
 *
 * Reads @msg from its wire order.
 */
void
mavlink_message_unpack (const MavlinkMessageInfo * info,
    const guint8 * payload, gpointer msg)
{
  UnpackData d = { payload, msg };

  memset (msg, 0, info->struct_size);
  foreach_wire_field (info, unpack_field, &d);
}
