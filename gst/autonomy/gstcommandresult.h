/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include <gst/autonomy/autonomy-prelude.h>
#include <gst/autonomy/gstflightcommand.h>

G_BEGIN_DECLS

/**
 * GST_FLIGHT_COMMAND_RESULT_CAPS:
 *
 * Caps of command result items: one #GstFlightCommandResult per buffer.
 *
 * Since: 0.2
 */
#define GST_FLIGHT_COMMAND_RESULT_CAPS "application/x-flight-command-result"

/**
 * GST_FLIGHT_COMMAND_RESULT_SIZE:
 *
 * Bytes of one result item: `guint32` magic "RES1", then `guint32` each:
 * command type, target id, MAV_CMD, outcome, MAV_RESULT, attempts.
 *
 * Since: 0.2
 */
#define GST_FLIGHT_COMMAND_RESULT_SIZE 28

/**
 * GstFlightCommandOutcome:
 * @GST_FLIGHT_COMMAND_ACCEPTED: the vehicle accepted it (MAV_RESULT_ACCEPTED)
 * @GST_FLIGHT_COMMAND_REFUSED: the vehicle refused it (denied, temporarily
 *   rejected, unsupported, cancelled): not sent again
 * @GST_FLIGHT_COMMAND_FAILED: the vehicle tried and failed
 *   (MAV_RESULT_FAILED)
 * @GST_FLIGHT_COMMAND_TIMED_OUT: no answer after the last attempt
 * @GST_FLIGHT_COMMAND_NOT_SENT: not sent: it cannot be expressed for this
 *   vehicle, or no vehicle was heard
 *
 * What became of a command sent to the flight controller.
 *
 * Since: 0.2
 */
typedef enum {
  GST_FLIGHT_COMMAND_ACCEPTED = 1,
  GST_FLIGHT_COMMAND_REFUSED = 2,
  GST_FLIGHT_COMMAND_FAILED = 3,
  GST_FLIGHT_COMMAND_TIMED_OUT = 4,
  GST_FLIGHT_COMMAND_NOT_SENT = 5,
} GstFlightCommandOutcome;

/**
 * GstFlightCommandResult:
 * @type: the command's type
 * @target_id: the command's target id
 * @mav_command: the MAV_CMD it was sent as (0: not a COMMAND_LONG or
 *   COMMAND_INT)
 * @outcome: what became of it
 * @mav_result: the vehicle's MAV_RESULT (with @outcome accepted, refused
 *   or failed), else 0
 * @attempts: how many times it was sent
 *
 * What became of one command item that the vehicle acknowledges.
 *
 * Since: 0.2
 */
typedef struct {
  GstFlightCommandType type;
  guint32 target_id;
  guint32 mav_command;
  GstFlightCommandOutcome outcome;
  guint32 mav_result;
  guint32 attempts;
} GstFlightCommandResult;

GST_AUTONOMY_API
GstBuffer * gst_flight_command_result_to_buffer (
    const GstFlightCommandResult * res, GstClockTime pts);

GST_AUTONOMY_API
gboolean    gst_flight_command_result_from_buffer (GstBuffer * buffer,
    GstFlightCommandResult * res);

GST_AUTONOMY_API
const gchar * gst_flight_command_outcome_to_string (
    GstFlightCommandOutcome outcome);

G_END_DECLS
