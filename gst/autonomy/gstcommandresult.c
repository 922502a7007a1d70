/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:gstcommandresult
 * @title: GstFlightCommandResult
 * @short_description: the result item: what became of a command
 *
 * A result item is a buffer of %GST_FLIGHT_COMMAND_RESULT_CAPS holding one
 * #GstFlightCommandResult in a fixed little-endian layout
 * (%GST_FLIGHT_COMMAND_RESULT_SIZE bytes). flightlink sends one for each
 * command it sends as a COMMAND_LONG or COMMAND_INT, once the vehicle
 * has answered or the last attempt timed out.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstcommandresult.h"
#include "gstitemcodec.h"

#define RESULT_MAGIC 0x31534552u     /* "RES1" little-endian */

/**
 * gst_flight_command_result_to_buffer:
 * @res: a #GstFlightCommandResult
 * @pts: the item's time, its PTS
 *
 * Writes a command result item: what the flight controller answered to a
 * command.
 *
 * Returns: (transfer full): a new result item
 *
 * Since: 0.2
 */
GstBuffer *
gst_flight_command_result_to_buffer (const GstFlightCommandResult * res,
    GstClockTime pts)
{
  guint8 data[GST_FLIGHT_COMMAND_RESULT_SIZE];
  guint8 *p = data;
  GstBuffer *buf;

  g_return_val_if_fail (res != NULL, NULL);

  p = gst_item_put_u32 (p, RESULT_MAGIC);
  p = gst_item_put_u32 (p, res->type);
  p = gst_item_put_u32 (p, res->target_id);
  p = gst_item_put_u32 (p, res->mav_command);
  p = gst_item_put_u32 (p, res->outcome);
  p = gst_item_put_u32 (p, res->mav_result);
  p = gst_item_put_u32 (p, res->attempts);
  g_assert (p == data + GST_FLIGHT_COMMAND_RESULT_SIZE);

  buf = gst_buffer_new_memdup (data, sizeof (data));
  GST_BUFFER_PTS (buf) = pts;
  return buf;
}

/**
 * gst_flight_command_result_from_buffer:
 * @buffer: an item
 * @res: (out caller-allocates): where to read it
 *
 * Reads a command result item.
 *
 * Returns: %FALSE if @buffer is not a well-formed result item.
 *
 * Since: 0.2
 */
gboolean
gst_flight_command_result_from_buffer (GstBuffer * buffer,
    GstFlightCommandResult * res)
{
  guint8 data[GST_FLIGHT_COMMAND_RESULT_SIZE];
  const guint8 *p = data;
  guint32 magic, type, outcome;

  g_return_val_if_fail (GST_IS_BUFFER (buffer), FALSE);
  g_return_val_if_fail (res != NULL, FALSE);

  if (gst_buffer_get_size (buffer) != GST_FLIGHT_COMMAND_RESULT_SIZE ||
      gst_buffer_extract (buffer, 0, data, sizeof (data)) != sizeof (data))
    return FALSE;
  memset (res, 0, sizeof (*res));
  p = gst_item_get_u32 (p, &magic);
  p = gst_item_get_u32 (p, &type);
  p = gst_item_get_u32 (p, &res->target_id);
  p = gst_item_get_u32 (p, &res->mav_command);
  p = gst_item_get_u32 (p, &outcome);
  p = gst_item_get_u32 (p, &res->mav_result);
  p = gst_item_get_u32 (p, &res->attempts);
  if (magic != RESULT_MAGIC || outcome < GST_FLIGHT_COMMAND_ACCEPTED ||
      outcome > GST_FLIGHT_COMMAND_NOT_SENT)
    return FALSE;
  res->type = type;
  res->outcome = outcome;
  return TRUE;
}

/**
 * gst_flight_command_outcome_to_string:
 * @outcome: an outcome
 *
 * Names an outcome, for logs and JSON.
 *
 * Returns: "accepted", "refused", "failed", "timed-out", "not-sent", or
 * "unknown"
 *
 * Since: 0.2
 */
const gchar *
gst_flight_command_outcome_to_string (GstFlightCommandOutcome outcome)
{
  switch (outcome) {
    case GST_FLIGHT_COMMAND_ACCEPTED:
      return "accepted";
    case GST_FLIGHT_COMMAND_REFUSED:
      return "refused";
    case GST_FLIGHT_COMMAND_FAILED:
      return "failed";
    case GST_FLIGHT_COMMAND_TIMED_OUT:
      return "timed-out";
    case GST_FLIGHT_COMMAND_NOT_SENT:
      return "not-sent";
  }
  return "unknown";
}
