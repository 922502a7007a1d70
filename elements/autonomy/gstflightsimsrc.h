/* gst-workers: autonomy elements
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/worker/worker.h>

G_BEGIN_DECLS

/**
 * GstFlightSimPath:
 * @GST_FLIGHT_SIM_PATH_LAWNMOWER: parallel lanes `path-length` long,
 *   `lane-spacing` apart, covering `path-width`, flown back and forth
 * @GST_FLIGHT_SIM_PATH_CIRCLE: a circle of `radius` around home, clockwise
 * @GST_FLIGHT_SIM_PATH_LINE: a straight line `path-length` long through
 *   home, flown back and forth
 *
 * The path the simulated drone flies.
 */
typedef enum {
  GST_FLIGHT_SIM_PATH_LAWNMOWER,
  GST_FLIGHT_SIM_PATH_CIRCLE,
  GST_FLIGHT_SIM_PATH_LINE,
} GstFlightSimPath;

#define GST_TYPE_FLIGHT_SIM_PATH (gst_flight_sim_path_get_type ())
GType gst_flight_sim_path_get_type (void);

#define GST_TYPE_FLIGHT_SIM_SRC (gst_flight_sim_src_get_type ())
G_DECLARE_FINAL_TYPE (GstFlightSimSrc, gst_flight_sim_src, GST,
    FLIGHT_SIM_SRC, GstElement)

G_END_DECLS
