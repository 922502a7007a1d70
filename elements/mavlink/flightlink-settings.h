/* gst-workers: flightlink's settings, the values of its properties
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What flightlink's writable properties hold, as an object of its own
 * with its own lock: the link (UDP address and ports, or a serial device
 * and its speed) and a run's settings (ids, the vehicle's choice,
 * timeouts, rates, modes). Its property table installs them on the
 * element's class; the element's get/set hand it their ids; the element
 * copies the link's settings when it opens the link and a run's when the
 * run starts. flightlink's read-only properties (bound-port, bad-frames)
 * are the element's: they tell what it sees, not what it was asked.
 */
#pragma once

#include <gst/gst.h>
#include <gst/worker/gstworkercore.h>

#include "flightlink-enums.h"

G_BEGIN_DECLS

typedef struct _FlightLinkSettings FlightLinkSettings;

/* The ids of the properties the settings install, after the worker
 * core's (as GST_WORKER_CORE_PROP_LAST, the last is one of them); the
 * element's own properties start at FLIGHT_LINK_SETTINGS_PROP_LAST + 1. */
enum
{
  FLIGHT_LINK_PROP_ADDRESS = GST_WORKER_CORE_PROP_LAST + 1,
  FLIGHT_LINK_PROP_PORT,
  FLIGHT_LINK_PROP_REMOTE_ADDRESS,
  FLIGHT_LINK_PROP_REMOTE_PORT,
  FLIGHT_LINK_PROP_DEVICE,
  FLIGHT_LINK_PROP_BAUD,
  FLIGHT_LINK_PROP_SYSTEM_ID,
  FLIGHT_LINK_PROP_COMPONENT_ID,
  FLIGHT_LINK_PROP_TARGET_SYSTEM,
  FLIGHT_LINK_PROP_TARGET_COMPONENT,
  FLIGHT_LINK_PROP_VEHICLE_TIMEOUT,
  FLIGHT_LINK_PROP_MAVLINK_VERSION,
  FLIGHT_LINK_PROP_TIMESTAMP_MODE,
  FLIGHT_LINK_PROP_AUTOPILOT,
  FLIGHT_LINK_PROP_COMMAND_TIMEOUT,
  FLIGHT_LINK_PROP_COMMAND_RETRIES,
  FLIGHT_LINK_PROP_COMPLETION_TIMEOUT,
  FLIGHT_LINK_PROP_SETPOINT_RATE,
  FLIGHT_LINK_PROP_TELEMETRY_RATE,
  FLIGHT_LINK_PROP_GOTO_COMMAND,
  FLIGHT_LINK_SETTINGS_PROP_LAST = FLIGHT_LINK_PROP_GOTO_COMMAND,
};

/* Where the link goes (copied when it opens, NULL to READY). */
typedef struct
{
  gchar *address;               /* UDP: local address */
  gint port;                    /* UDP: local port, 0: any */
  gchar *remote_address;        /* UDP: fixed peer, NULL: the vehicle's */
  gint remote_port;
  gchar *device;                /* serial device; when set, not UDP */
  guint baud;
} FlightLinkLinkConfig;

/* What a run does (copied when it starts, READY to PAUSED). */
typedef struct
{
  guint system_id;
  guint component_id;
  guint target_system;
  guint target_component;
  guint vehicle_timeout;
  GstFlightLinkVersion version;
  GstFlightLinkTimestampMode timestamp_mode;
  GstFlightLinkAutopilot autopilot;
  guint command_timeout;
  guint command_retries;
  guint completion_timeout;
  guint setpoint_rate;
  guint telemetry_rate;
  GstFlightLinkGotoCommand goto_command;
} FlightLinkRunConfig;

void          flight_link_settings_install (GObjectClass * klass);

FlightLinkSettings * flight_link_settings_new (void);

void          flight_link_settings_free (FlightLinkSettings * s);

gboolean      flight_link_settings_set_property (FlightLinkSettings * s,
    guint prop_id, const GValue * value);

gboolean      flight_link_settings_get_property (FlightLinkSettings * s,
    guint prop_id, GValue * value);

void          flight_link_settings_get_link (FlightLinkSettings * s,
    FlightLinkLinkConfig * link);

void          flight_link_link_config_clear (FlightLinkLinkConfig * link);

void          flight_link_settings_get_run (FlightLinkSettings * s,
    FlightLinkRunConfig * run);

G_END_DECLS
