/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:gstflightcommand
 * @title: GstFlightCommand
 * @short_description: the command item: what the flight controller is told
 *
 * A command item is a buffer of %GST_FLIGHT_COMMAND_CAPS holding one
 * #GstFlightCommand in a fixed little-endian layout
 * (%GST_FLIGHT_COMMAND_SIZE bytes).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstflightcommand.h"
#include "gstitemcodec.h"

#define COMMAND_MAGIC 0x31444d43u    /* "CMD1" little-endian */

/**
 * gst_flight_command_init:
 * @cmd: the command to set up
 * @type: what it asks for
 *
 * Sets @cmd to a command of @type with no position set.
 *
 * Since: 0.1
 */
void
gst_flight_command_init (GstFlightCommand * cmd, GstFlightCommandType type)
{
  g_return_if_fail (cmd != NULL);
  memset (cmd, 0, sizeof (*cmd));
  cmd->type = type;
}

/**
 * gst_flight_command_to_buffer:
 * @cmd: a #GstFlightCommand
 * @pts: the item's time, its PTS
 *
 * Writes a flight command item, its time in the PTS.
 *
 * Returns: (transfer full): a new command item
 *
 * Since: 0.1
 */
GstBuffer *
gst_flight_command_to_buffer (const GstFlightCommand * cmd, GstClockTime pts)
{
  guint8 data[GST_FLIGHT_COMMAND_SIZE];
  guint8 *p = data;
  GstBuffer *buf;

  g_return_val_if_fail (cmd != NULL, NULL);

  p = gst_item_put_u32 (p, COMMAND_MAGIC);
  p = gst_item_put_u32 (p, cmd->type);
  p = gst_item_put_u32 (p, cmd->target_id);
  p = gst_item_put_u32 (p, cmd->flags);
  p = gst_item_put_f64 (p, cmd->north);
  p = gst_item_put_f64 (p, cmd->east);
  p = gst_item_put_f64 (p, cmd->down);
  p = gst_item_put_f64 (p, cmd->latitude);
  p = gst_item_put_f64 (p, cmd->longitude);
  p = gst_item_put_f64 (p, cmd->altitude);
  p = gst_item_put_f64 (p, cmd->yaw);
  g_assert (p == data + GST_FLIGHT_COMMAND_SIZE);

  buf = gst_buffer_new_memdup (data, sizeof (data));
  GST_BUFFER_PTS (buf) = pts;
  return buf;
}

/**
 * gst_flight_command_from_buffer:
 * @buffer: (transfer none): a command item
 * @cmd: (out caller-allocates): where to read it
 *
 * Reads a flight command item.
 *
 * Returns: %FALSE if @buffer is not a well-formed command item.
 *
 * Since: 0.1
 */
gboolean
gst_flight_command_from_buffer (GstBuffer * buffer, GstFlightCommand * cmd)
{
  guint8 data[GST_FLIGHT_COMMAND_SIZE];
  const guint8 *p = data;
  guint32 magic, type, flags;
  gdouble *v[7];
  guint i;

  g_return_val_if_fail (GST_IS_BUFFER (buffer), FALSE);
  g_return_val_if_fail (cmd != NULL, FALSE);

  if (gst_buffer_get_size (buffer) != GST_FLIGHT_COMMAND_SIZE ||
      gst_buffer_extract (buffer, 0, data, sizeof (data)) != sizeof (data))
    return FALSE;

  memset (cmd, 0, sizeof (*cmd));
  p = gst_item_get_u32 (p, &magic);
  p = gst_item_get_u32 (p, &type);
  p = gst_item_get_u32 (p, &cmd->target_id);
  p = gst_item_get_u32 (p, &flags);
  if (magic != COMMAND_MAGIC || type < GST_FLIGHT_COMMAND_GOTO ||
      type > GST_FLIGHT_COMMAND_GUIDED || (flags & ~0x7u))
    return FALSE;
  cmd->type = type;
  cmd->flags = flags;

  v[0] = &cmd->north;
  v[1] = &cmd->east;
  v[2] = &cmd->down;
  v[3] = &cmd->latitude;
  v[4] = &cmd->longitude;
  v[5] = &cmd->altitude;
  v[6] = &cmd->yaw;
  for (i = 0; i < G_N_ELEMENTS (v); i++) {
    p = gst_item_get_f64 (p, v[i]);
    if (!isfinite (*v[i]))
      return FALSE;
  }
  return TRUE;
}

/**
 * gst_flight_command_type_to_string:
 * @type: a command type
 *
 * Names a command type, for logs and JSON.
 *
 * Returns: "goto", "loiter", "land", "return", "arm", "disarm",
 *   "takeoff", "guided", or "unknown"
 *
 * Since: 0.1
 */
const gchar *
gst_flight_command_type_to_string (GstFlightCommandType type)
{
  switch (type) {
    case GST_FLIGHT_COMMAND_GOTO:
      return "goto";
    case GST_FLIGHT_COMMAND_LOITER:
      return "loiter";
    case GST_FLIGHT_COMMAND_LAND:
      return "land";
    case GST_FLIGHT_COMMAND_RETURN:
      return "return";
    case GST_FLIGHT_COMMAND_ARM:
      return "arm";
    case GST_FLIGHT_COMMAND_DISARM:
      return "disarm";
    case GST_FLIGHT_COMMAND_TAKEOFF:
      return "takeoff";
    case GST_FLIGHT_COMMAND_GUIDED:
      return "guided";
  }
  return "unknown";
}
