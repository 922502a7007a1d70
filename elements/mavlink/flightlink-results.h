/* gst-workers: flightlink's results, what became of each command item
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The command items' outcomes, told, as an object of its own: the counts
 * of the items sent and dropped (its own lock, with the worker core's
 * counts beside), the warnings and the error of what the commander did
 * with an item, and for each command with an answer its result: an
 * element message "flightlink-command-result" and an item on the
 * `results` pad, after the pad's stream-start, caps, segment and a gap
 * (pushed once, under the pad's stream lock). It posts in its owner's
 * name and pushes on its owner's pad.
 */
#pragma once

#include <gst/gst.h>
#include <gst/autonomy/autonomy.h>
#include <gst/worker/gstworkercore.h>

#include "flightlink-commander.h"

G_BEGIN_DECLS

typedef struct _FlightLinkResults FlightLinkResults;

FlightLinkResults * flight_link_results_new (GstElement * owner,
    GstPad * pad, GstWorkerCore * core);

void          flight_link_results_free (FlightLinkResults * r);

void          flight_link_results_reset (FlightLinkResults * r,
    guint command_timeout, guint completion_timeout);

void          flight_link_results_start (FlightLinkResults * r);

void          flight_link_results_end (FlightLinkResults * r);

void          flight_link_results_count (FlightLinkResults * r,
    gboolean sent);

void          flight_link_results_counts (FlightLinkResults * r,
    guint64 * sent, guint64 * dropped);

GstFlowReturn flight_link_results_tell (FlightLinkResults * r,
    const GstFlightCommand * cmd, FlightLinkExecution * ex,
    GstFlowReturn ret, const gchar * link_name);

GstClockTime  flight_link_running_time (GstElement * element);

G_END_DECLS
