/* gst-workers: flightlink's writer, its MAVLink messages onto the link
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The way out to the vehicle, as an object of its own: one writer at a
 * time (its own lock), each message encoded in flightlink's ids and
 * numbered with the link's sequence (which runs on across runs), then
 * written by the transport. The commander, the vehicle watch and the
 * element write through it.
 */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>

#include "flightlink-transport.h"
#include "mavlink-commands.h"

G_BEGIN_DECLS

typedef struct _FlightLinkWriter FlightLinkWriter;

FlightLinkWriter * flight_link_writer_new (GstElement * owner);

void          flight_link_writer_free (FlightLinkWriter * w);

void          flight_link_writer_set_link (FlightLinkWriter * w,
    FlightLinkTransport * link);

void          flight_link_writer_set_ids (FlightLinkWriter * w,
    guint8 system_id, guint8 component_id);

gboolean      flight_link_writer_send (FlightLinkWriter * w, guint version,
    const MavlinkMessageInfo * info, gconstpointer msg, GSocketAddress * peer,
    gboolean may_block, GError ** error);

guint         flight_link_writer_send_all (FlightLinkWriter * w,
    guint version, const MavlinkOutMessage * out, guint n,
    GSocketAddress * peer);

G_END_DECLS
