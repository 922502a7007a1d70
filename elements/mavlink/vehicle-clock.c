/* gst-workers: the vehicle's clock on the running time
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include "vehicle-clock.h"

/**
 * vehicle_clock_init:
 *
 * Starts with no mapping and no PTS.
 */
void
vehicle_clock_init (VehicleClock * clock, gboolean use_vehicle_time)
{
  memset (clock, 0, sizeof (*clock));
  clock->use_vehicle_time = use_vehicle_time;
  clock->last_pts = GST_CLOCK_TIME_NONE;
}

/**
 * vehicle_clock_take:
 * @stream: the message's stream (below %VEHICLE_CLOCK_STREAMS): one kind
 *   of message, whose times the vehicle sends in order
 *
 * Takes a message of vehicle time @time_boot_ms in @stream, unless it is
 * older than the newest one taken in that stream (by up to
 * %VEHICLE_CLOCK_BACKSTEP_MS: further back is a reboot): one reordered or
 * delayed on the way, whose values are no longer the vehicle's latest.
 * Streams are apart: an autopilot stamps each kind of message with the
 * time of its own sample, so a position may be older than the attitude
 * sent before it, and still the newest position. Both modes.
 *
 * Returns: %FALSE for a stale message (not taken)
 */
gboolean
vehicle_clock_take (VehicleClock * clock, guint stream, guint32 time_boot_ms)
{
  guint32 newest;

  g_return_val_if_fail (stream < VEHICLE_CLOCK_STREAMS, TRUE);
  newest = clock->newest_boot_ms[stream];
  if (clock->seen[stream] && time_boot_ms < newest &&
      time_boot_ms + (guint64) VEHICLE_CLOCK_BACKSTEP_MS >= newest)
    return FALSE;
  clock->seen[stream] = TRUE;
  clock->newest_boot_ms[stream] = time_boot_ms;
  return TRUE;
}

/* A message of offset @offset at vehicle time @time_boot_ms: the windowed
 * minimum takes it in. */
static void
follow_offset (VehicleClock * clock, guint32 time_boot_ms,
    GstClockTimeDiff offset)
{
  GstClockTimeDiff wanted;

  if (!clock->have_offset) {
    clock->have_offset = TRUE;
    clock->window_start_ms = time_boot_ms;
    clock->window_min = clock->previous_min = clock->offset = offset;
    clock->latest_boot_ms = clock->offset_boot_ms = time_boot_ms;
    return;
  }
  if (time_boot_ms >= clock->window_start_ms + (guint64)
      VEHICLE_CLOCK_WINDOW_MS) {
    clock->previous_min = clock->window_min;
    clock->window_min = offset;
    clock->window_start_ms = time_boot_ms;
  } else if (offset < clock->window_min) {
    clock->window_min = offset;
  }
  wanted = MIN (clock->window_min, clock->previous_min);
  if (wanted > clock->offset && time_boot_ms > clock->offset_boot_ms) {
    /* grows no faster than the clocks can drift apart */
    GstClockTimeDiff most = clock->offset + (GstClockTimeDiff)
        (time_boot_ms - clock->offset_boot_ms) * GST_MSECOND *
        VEHICLE_CLOCK_MAX_DRIFT_PPM / 1000000;

    clock->offset = MIN (wanted, most);
  } else if (wanted < clock->offset) {
    clock->offset = wanted;
  }
  clock->offset_boot_ms = MAX (clock->offset_boot_ms, time_boot_ms);
}

/**
 * vehicle_clock_stamp:
 * @time_boot_ms: the vehicle's time of the message
 * @arrival: the running time at which it was read
 * @stamp: (out caller-allocates): its PTS, and what happened
 *
 * The PTS of a message the vehicle stamped @time_boot_ms, read at running
 * time @arrival. With vehicle time, the smallest offset (arrival - vehicle
 * time) of the messages of the last %VEHICLE_CLOCK_WINDOW_MS to twice that
 * maps the vehicle's clock to the running time: the least delayed message
 * defines the mapping, which follows the vehicle clock's drift (growing by
 * at most %VEHICLE_CLOCK_MAX_DRIFT_PPM: a long run of late reads is not
 * the clocks moving apart); a step
 * back of the vehicle's clock of more than %VEHICLE_CLOCK_BACKSTEP_MS is a
 * reboot and starts a new mapping. PTS never go back.
 */
void
vehicle_clock_stamp (VehicleClock * clock, guint32 time_boot_ms,
    GstClockTime arrival, VehicleClockStamp * stamp)
{
  GstClockTime pts = arrival;

  memset (stamp, 0, sizeof (*stamp));

  if (clock->use_vehicle_time && GST_CLOCK_TIME_IS_VALID (arrival)) {
    GstClockTime vt = time_boot_ms * GST_MSECOND;
    GstClockTimeDiff offset = GST_CLOCK_DIFF (vt, arrival);

    if (clock->have_offset &&
        time_boot_ms + (guint64) VEHICLE_CLOCK_BACKSTEP_MS <
        clock->latest_boot_ms) {
      stamp->rebooted = TRUE;
      stamp->previous_boot_ms = clock->latest_boot_ms;
      clock->have_offset = FALSE;
    }
    follow_offset (clock, time_boot_ms, offset);
    clock->latest_boot_ms = MAX (clock->latest_boot_ms, time_boot_ms);
    /* vt + offset <= arrival, and >= 0 but for a message older than the
     * one that set the offset by more than its running time */
    pts = (GstClockTimeDiff) vt + clock->offset > 0 ?
        (GstClockTime) ((GstClockTimeDiff) vt + clock->offset) : 0;
  }
  if (GST_CLOCK_TIME_IS_VALID (pts) &&
      GST_CLOCK_TIME_IS_VALID (clock->last_pts) && pts < clock->last_pts) {
    pts = clock->last_pts;
    stamp->kept_last = TRUE;
  }
  if (GST_CLOCK_TIME_IS_VALID (pts))
    clock->last_pts = pts;
  stamp->pts = pts;
}
