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

/* The offset is the smallest of the messages of the last 5 to 10 s of
 * vehicle time, so that it follows the drift of the vehicle's crystal
 * against the pipeline's clock (20 to 100 ppm: at most 1 ms over 10 s)
 * instead of keeping an offset from long ago. */
#define VEHICLE_CLOCK_WINDOW_MS 5000

/* How fast the offset may grow: twice the drift of the worst crystal. Every
 * message of a window read late (flightlink blocked pushing into a full
 * queue, a starved thread: the read delay of a loaded machine) raises the
 * window's smallest offset without the clocks having moved apart: followed
 * at once, the odometry items would take the times of later measurements,
 * and frames would be paired with where the vehicle was a delay ago. */
#define VEHICLE_CLOCK_MAX_DRIFT_PPM 200

/* Streams whose order vehicle_clock_take() follows */
#define VEHICLE_CLOCK_STREAMS 4

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
  GstClockTimeDiff window_min;  /* smallest offset of this window */
  GstClockTimeDiff previous_min;        /* of the window before */
  guint32 window_start_ms;      /* vehicle time the window began at */
  guint32 latest_boot_ms;       /* the vehicle's latest time_boot_ms */
  guint32 offset_boot_ms;       /* vehicle time the offset was set at */
  /* per stream (message id), both modes: the newest time_boot_ms taken
   * since a reboot; seen: set */
  gboolean seen[VEHICLE_CLOCK_STREAMS];
  guint32 newest_boot_ms[VEHICLE_CLOCK_STREAMS];
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

gboolean vehicle_clock_take (VehicleClock * clock, guint stream,
                             guint32 time_boot_ms);

void     vehicle_clock_stamp (VehicleClock * clock, guint32 time_boot_ms,
                              GstClockTime arrival,
                              VehicleClockStamp * stamp);

G_END_DECLS
