/* gst-workers: the vehicle's clock on the running time
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * flightlink's mapping of a vehicle's `time_boot_ms` to the pipeline's
 * running time (timestamp-mode=vehicle), and the rule that PTS never go
 * back: a small struct of plain values, owned by one thread, so that it can
 * be unit-tested with made-up times.
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* How far back the vehicle's clock may step (messages of different
 * streams, or reordered datagrams) before it is taken for a reboot. */
#define VEHICLE_CLOCK_BACKSTEP_MS 1000

/**
 * VehicleClock:
 * @use_vehicle_time: map time_boot_ms (timestamp-mode=vehicle), or use
 *   the arrival time (arrival)
 *
 * Everything else is private to vehicle-clock.c.
 */
typedef struct {
  gboolean use_vehicle_time;

  /*< private >*/
  gboolean have_offset;         /* a mapping is known */
  GstClockTimeDiff offset;      /* running time - vehicle time */
  guint32 latest_boot_ms;       /* the vehicle's latest time_boot_ms */
  GstClockTime last_pts;        /* of the last stamp, NONE before */
} VehicleClock;

/**
 * VehicleClockStamp:
 * @pts: the message's PTS (NONE when the arrival is NONE)
 * @rebooted: the vehicle's clock went back more than
 *   %VEHICLE_CLOCK_BACKSTEP_MS: a new mapping started
 * @previous_boot_ms: with @rebooted, the vehicle's latest time before
 * @kept_last: the message was older than the last stamp: @pts is the
 *   last PTS
 */
typedef struct {
  GstClockTime pts;
  gboolean rebooted;
  guint32 previous_boot_ms;
  gboolean kept_last;
} VehicleClockStamp;

void     vehicle_clock_init (VehicleClock * clock, gboolean use_vehicle_time);

void     vehicle_clock_stamp (VehicleClock * clock, guint32 time_boot_ms,
                              GstClockTime arrival,
                              VehicleClockStamp * stamp);

G_END_DECLS
