/* gst-workers: flightlink's link to the vehicle, UDP or serial
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Opening, reading, writing and waking: what flightlink needs of a socket
 * or a serial device, and nothing of MAVLink. Errors that a user must see
 * come back as GErrors of the GST_RESOURCE_ERROR domain whose message is
 * the user text, with the system's words as debug text.
 */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct _FlightLinkTransport FlightLinkTransport;

FlightLinkTransport * flight_link_transport_open_udp (const gchar * address,
    gint port, const gchar * remote_address, gint remote_port,
    GError ** error, gchar ** debug);

FlightLinkTransport * flight_link_transport_open_serial (const gchar * device,
    guint baud, GError ** error, gchar ** debug);

void          flight_link_transport_free (FlightLinkTransport * t);

const gchar * flight_link_transport_name (FlightLinkTransport * t);

gboolean      flight_link_transport_is_datagram (FlightLinkTransport * t);

gint          flight_link_transport_bound_port (FlightLinkTransport * t);

GSocketAddress * flight_link_transport_fixed_peer (FlightLinkTransport * t);

gssize        flight_link_transport_read (FlightLinkTransport * t,
    GSocketAddress ** from, const guint8 ** data, GError ** error);

gboolean      flight_link_transport_write (FlightLinkTransport * t,
    const guint8 * data, gsize len, GSocketAddress * peer,
    gboolean may_block, GError ** error);

void          flight_link_transport_wake_reader (FlightLinkTransport * t);

void          flight_link_transport_rearm_reader (FlightLinkTransport * t);

void          flight_link_transport_set_write_flushing (
    FlightLinkTransport * t, gboolean flushing);

G_END_DECLS
