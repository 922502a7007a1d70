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
 * vehicle_clock_stamp:
 * @time_boot_ms: the vehicle's time of the message
 * @arrival: the running time at which it was read
 * @stamp: (out caller-allocates): its PTS, and what happened
 *
 * The PTS of a message the vehicle stamped @time_boot_ms, read at running
 * time @arrival. With vehicle time, the offset (arrival - vehicle time) of
 * the least delayed message so far maps the vehicle's clock to the running
 * time; a step back of the vehicle's clock of more than
 * %VEHICLE_CLOCK_BACKSTEP_MS is a reboot and starts a new mapping. PTS
 * never go back.
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
    if (!clock->have_offset || offset < clock->offset) {
      clock->offset = offset;
      clock->latest_boot_ms = time_boot_ms;
      clock->have_offset = TRUE;
    }
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
