/* gst-workers: flightlink's reader, the vehicle's telemetry as items
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <gst/worker/gstworkercore.h>
#include <gst/autonomy/autonomy.h>

#include "flightlink-reader.h"
#include "mavlink-telemetry.h"
#include "vehicle-clock.h"

GST_DEBUG_CATEGORY_EXTERN (flight_link_debug);
#define GST_CAT_DEFAULT flight_link_debug

/* vehicle mode: how long the item of a vehicle time waits for more
 * messages of that time before it goes without the next one */
#define HOLD_TIMEOUT (100 * GST_MSECOND)

struct _FlightLinkReader
{
  GstElement *owner;            /* not a reference: it owns us */
  GstWorkerCore *core;          /* the owner's */
  GstPad *srcpad;               /* the owner's */
  FlightLinkCommander *commander;       /* the owner's */

  /* set by reset (state lock), read-only while running */
  gboolean vehicle_time;        /* timestamp-mode=vehicle */
  GstClock *clock;              /* for the silence timer */

  /* lock guards the fields below */
  GMutex lock;
  FlightLinkTransport *link;    /* the owner's: its reader is woken */
  FlightLinkReaderCounts counts;
  GstClockID hold_id;           /* the held item's silence timer */
  GstClockTime hold_last;       /* clock time of its latest message */
  gboolean hold_due;            /* the silence timer fired: push it */

  /* reader thread only */
  MavlinkParser parser;
  GstOdometry odo;
  gboolean sent_sticky;
  gdouble home_offset[3];       /* home in the local frame */
  VehicleClock vclock;          /* the items' PTS */
  /* vehicle mode: the item of the latest vehicle time, not pushed yet */
  gboolean held;
  guint32 held_boot_ms;
  GstClockTime held_pts;
  guint held_messages;          /* the messages in it */
};

FlightLinkReader *
flight_link_reader_new (GstElement * owner, GstWorkerCore * core,
    GstPad * srcpad, FlightLinkCommander * commander)
{
  FlightLinkReader *r = g_new0 (FlightLinkReader, 1);

  r->owner = owner;
  r->core = core;
  r->srcpad = srcpad;
  r->commander = commander;
  g_mutex_init (&r->lock);
  return r;
}

void
flight_link_reader_free (FlightLinkReader * r)
{
  if (!r)
    return;
  flight_link_reader_stop (r);
  gst_clear_object (&r->clock);
  g_mutex_clear (&r->lock);
  g_free (r);
}

/* A new run: an empty snapshot, a new vehicle clock, the counts at 0. */
void
flight_link_reader_reset (FlightLinkReader * r, gboolean vehicle_time,
    GstClock * clock, FlightLinkTransport * link)
{
  mavlink_parser_init (&r->parser);
  gst_odometry_init (&r->odo);
  r->sent_sticky = FALSE;
  r->vehicle_time = vehicle_time;
  vehicle_clock_init (&r->vclock, vehicle_time);
  r->held = FALSE;
  r->held_messages = 0;
  r->home_offset[0] = r->home_offset[1] = r->home_offset[2] = 0;
  gst_object_replace ((GstObject **) & r->clock, GST_OBJECT (clock));

  g_mutex_lock (&r->lock);
  r->link = link;
  memset (&r->counts, 0, sizeof (r->counts));
  r->hold_due = FALSE;
  g_mutex_unlock (&r->lock);
}

void
flight_link_reader_counts (FlightLinkReader * r,
    FlightLinkReaderCounts * counts)
{
  g_mutex_lock (&r->lock);
  *counts = r->counts;
  g_mutex_unlock (&r->lock);
}

/* Counts a telemetry message from the vehicle as it is taken up. */
static void
count_message (FlightLinkReader * r)
{
  g_mutex_lock (&r->lock);
  r->counts.messages++;
  g_mutex_unlock (&r->lock);
}

/* Counts @n telemetry messages that made no pushed item (items-dropped). */
static void
count_dropped (FlightLinkReader * r, guint n)
{
  g_mutex_lock (&r->lock);
  r->counts.dropped += n;
  g_mutex_unlock (&r->lock);
  gst_worker_core_count (r->core, 0, 0, n);
}

/* Counts @n telemetry messages that went into a pushed item with another
 * one (the item itself is in items-out). */
static void
count_merged (FlightLinkReader * r, guint n)
{
  g_mutex_lock (&r->lock);
  r->counts.merged += n;
  g_mutex_unlock (&r->lock);
}

/* ---------------------------------------------------------------------- */
/* the held item's silence timer (vehicle mode) */

static gboolean hold_cb (GstClock * clock, GstClockTime time, GstClockID id,
    gpointer user_data);

static void
unref_owner (gpointer user_data)
{
  FlightLinkReader *r = user_data;

  gst_object_unref (r->owner);
}

/* A single-shot id on the clock, holding a reference to the element
 * (which owns the reader). With lock. */
static void
schedule_hold_locked (FlightLinkReader * r, GstClockTime at)
{
  if (r->hold_id)
    gst_clock_id_unref (r->hold_id);
  r->hold_id = gst_clock_new_single_shot_id (r->clock, at);
  gst_object_ref (r->owner);
  gst_clock_id_wait_async (r->hold_id, hold_cb, r, unref_owner);
}

/* A message went into the held item: the timer goes off HOLD_TIMEOUT
 * after the latest one. One timer serves the items one after the other:
 * when it goes off early, it waits on. */
static void
hold_touch (FlightLinkReader * r)
{
  g_mutex_lock (&r->lock);
  r->hold_last = gst_clock_get_time (r->clock);
  r->hold_due = FALSE;
  if (!r->hold_id)
    schedule_hold_locked (r, r->hold_last + HOLD_TIMEOUT);
  g_mutex_unlock (&r->lock);
}

/* No message for HOLD_TIMEOUT: wakes the reader to push the held item.
 * All of it runs under the lock, so that once flight_link_reader_stop()
 * has taken the id, it touches nothing. */
static gboolean
hold_cb (GstClock * clock, GstClockTime time, GstClockID id,
    gpointer user_data)
{
  FlightLinkReader *r = user_data;

  g_mutex_lock (&r->lock);
  if (r->hold_id == id) {
    if (time < r->hold_last + HOLD_TIMEOUT) {
      schedule_hold_locked (r, r->hold_last + HOLD_TIMEOUT);
    } else {
      gst_clock_id_unref (r->hold_id);
      r->hold_id = NULL;
      r->hold_due = TRUE;
      if (r->link)
        flight_link_transport_wake_reader (r->link);
    }
  }
  g_mutex_unlock (&r->lock);
  return TRUE;
}

/* Stops the silence timer; the link is not woken any more. */
void
flight_link_reader_stop (FlightLinkReader * r)
{
  GstClockID id;

  g_mutex_lock (&r->lock);
  id = r->hold_id;
  r->hold_id = NULL;
  r->hold_due = FALSE;
  r->link = NULL;
  g_mutex_unlock (&r->lock);
  if (id) {
    gst_clock_id_unschedule (id);
    gst_clock_id_unref (id);
  }
}

/* Whether the silence timer went off since the last call. */
gboolean
flight_link_reader_take_due (FlightLinkReader * r)
{
  gboolean due;

  g_mutex_lock (&r->lock);
  due = r->hold_due;
  r->hold_due = FALSE;
  g_mutex_unlock (&r->lock);
  return due;
}

/* ---------------------------------------------------------------------- */
/* odometry items out */

/* The src pad's stream-start, caps and segment, once: TRUE the first
 * time. */
gboolean
flight_link_reader_start_stream (FlightLinkReader * r)
{
  gchar *stream_id;
  GstCaps *caps;
  GstSegment segment;

  if (r->sent_sticky)
    return FALSE;
  stream_id = gst_pad_create_stream_id (r->srcpad, r->owner, "odometry");
  gst_pad_push_event (r->srcpad, gst_event_new_stream_start (stream_id));
  g_free (stream_id);
  caps = gst_caps_from_string (GST_ODOMETRY_CAPS);
  gst_pad_push_event (r->srcpad, gst_event_new_caps (caps));
  gst_caps_unref (caps);
  gst_segment_init (&segment, GST_FORMAT_TIME);
  gst_pad_push_event (r->srcpad, gst_event_new_segment (&segment));
  r->sent_sticky = TRUE;
  return TRUE;
}

/* The PTS of a message the vehicle stamped @time_boot_ms, read at running
 * time @arrival (see vehicle-clock.c); the element warns of a reboot. */
static GstClockTime
stamp_message (FlightLinkReader * r, guint32 time_boot_ms,
    GstClockTime arrival)
{
  VehicleClockStamp st;

  vehicle_clock_stamp (&r->vclock, time_boot_ms, arrival, &st);
  if (st.rebooted) {
    GST_ELEMENT_WARNING_WITH_DETAILS (r->owner, STREAM, FAILED,
        ("The vehicle's clock went back from %u ms to %u ms: it rebooted. "
            "Timestamps follow its new clock.", st.previous_boot_ms,
            time_boot_ms), ("time_boot_ms went back by %u ms",
            st.previous_boot_ms - time_boot_ms),
        ("previous-time-ms", G_TYPE_UINT, st.previous_boot_ms,
            "time-ms", G_TYPE_UINT, time_boot_ms, NULL));
  }
  if (st.kept_last)
    GST_LOG_OBJECT (r->owner, "message older than the last item: PTS %"
        GST_TIME_FORMAT " kept", GST_TIME_ARGS (st.pts));
  GST_TRACE_OBJECT (r->owner, "vehicle time %u ms, read at %" GST_TIME_FORMAT
      ": PTS %" GST_TIME_FORMAT, time_boot_ms, GST_TIME_ARGS (arrival),
      GST_TIME_ARGS (st.pts));
  return st.pts;
}

/* Pushes the item of the messages taken since the last one, if any. */
static GstFlowReturn
push_item (FlightLinkReader * r)
{
  guint n = r->held_messages;
  GstFlowReturn ret;
  GstBuffer *buf;

  if (!r->held)
    return GST_FLOW_OK;
  r->held = FALSE;
  r->held_messages = 0;

  /* an odometry item is an output: items-in counts commands */
  if (!gst_worker_core_begin_item (r->core, 0))
    return GST_FLOW_FLUSHING;
  r->odo.source_time_us = (guint64) r->held_boot_ms * 1000;
  buf = gst_odometry_to_buffer (&r->odo, r->held_pts);
  gst_worker_core_end_item (r->core);

  ret = gst_worker_core_push (r->core, r->srcpad, buf);
  if (ret == GST_FLOW_NOT_LINKED) {
    GST_LOG_OBJECT (r->owner, "src not linked, odometry dropped");
    count_dropped (r, n);
    ret = GST_FLOW_OK;
  } else if (ret == GST_FLOW_OK && n > 1) {
    count_merged (r, n - 1);
  }
  return ret;
}

/* Pushes the held item: at the end of the telemetry, or (@due) when the
 * silence timer went off. */
GstFlowReturn
flight_link_reader_push_held (FlightLinkReader * r, gboolean due)
{
  if (due && r->held)
    GST_LOG_OBJECT (r->owner, "no message for %" GST_TIME_FORMAT ": pushing "
        "the item of %u ms", GST_TIME_ARGS (HOLD_TIMEOUT), r->held_boot_ms);
  return push_item (r);
}

/* A message of vehicle time @time_boot_ms is about to update the
 * snapshot: the item held for another vehicle time goes first. */
static GstFlowReturn
before_message (FlightLinkReader * r, guint32 time_boot_ms)
{
  GstFlowReturn ret = GST_FLOW_OK;

  if (r->held && r->held_boot_ms != time_boot_ms) {
    GST_TRACE_OBJECT (r->owner, "vehicle time %u ms ends the item of %u ms",
        time_boot_ms, r->held_boot_ms);
    ret = push_item (r);
    if (ret != GST_FLOW_OK)
      count_message (r);
  }
  return ret;
}

/* A message updated the snapshot. In arrival mode its item goes at once;
 * in vehicle mode it is held for the other messages of its vehicle
 * time. */
static GstFlowReturn
after_message (FlightLinkReader * r, guint32 time_boot_ms,
    GstClockTime arrival)
{
  r->held_pts = stamp_message (r, time_boot_ms, arrival);
  r->held_boot_ms = time_boot_ms;
  r->held_messages++;
  r->held = TRUE;
  if (!r->vehicle_time) {
    count_message (r);
    return push_item (r);
  }
  hold_touch (r);
  /* counted once held, timer set: a test that sees the count sees that */
  count_message (r);
  return GST_FLOW_OK;
}

/* ---------------------------------------------------------------------- */
/* telemetry in */

/* Positions count from home once the vehicle said where it is. */
void
flight_link_reader_set_home (FlightLinkReader * r, gdouble north,
    gdouble east, gdouble down)
{
  r->home_offset[0] = north;
  r->home_offset[1] = east;
  r->home_offset[2] = down;
}

static void
invalid_telemetry (FlightLinkReader * r, const gchar * what)
{
  GST_DEBUG_OBJECT (r->owner, "%s with values that are not finite, ignored",
      what);
  count_message (r);
  count_dropped (r, 1);
}

/* A message older than the newest one (reordered or delayed on the way)
 * would put its old values in the newest item: it is dropped. */
static gboolean
stale_telemetry (FlightLinkReader * r, const MavlinkFrame * f,
    guint32 time_boot_ms)
{
  guint stream = f->msgid == MAVLINK_MSG_ID_ATTITUDE ? 0 :
      f->msgid == MAVLINK_MSG_ID_GLOBAL_POSITION_INT ? 1 : 2;

  if (vehicle_clock_take (&r->vclock, stream, time_boot_ms))
    return FALSE;
  GST_DEBUG_OBJECT (r->owner, "%s of %u ms is older than the newest one, "
      "dropped", f->info->name, time_boot_ms);
  count_message (r);
  count_dropped (r, 1);
  return TRUE;
}

/* A message from the vehicle: the snapshot it updates, and the items that
 * go out. Other messages than telemetry change nothing. */
GstFlowReturn
flight_link_reader_telemetry (FlightLinkReader * r, const MavlinkFrame * f,
    GstClockTime arrival)
{
  MavlinkTelemetry t;
  GstFlowReturn ret;

  switch (mavlink_telemetry_decode (f, &t)) {
    case MAVLINK_TELEMETRY_NONE:
      return GST_FLOW_OK;
    case MAVLINK_TELEMETRY_INVALID:
      invalid_telemetry (r, t.what);
      return GST_FLOW_OK;
    case MAVLINK_TELEMETRY_VALID:
      break;
  }
  if (stale_telemetry (r, f, t.time_boot_ms))
    return GST_FLOW_OK;
  if ((ret = before_message (r, t.time_boot_ms)) != GST_FLOW_OK)
    return ret;
  mavlink_telemetry_apply (&t, r->home_offset, &r->odo);
  if (t.values.fields & GST_ODOMETRY_HAS_LOCAL)
    flight_link_commander_set_local (r->commander, &r->odo);
  return after_message (r, t.time_boot_ms, arrival);
}

static void
update_parser_stats (FlightLinkReader * r)
{
  g_mutex_lock (&r->lock);
  r->counts.parser = r->parser.stats;
  g_mutex_unlock (&r->lock);
}

/* Parses what was read (a datagram is a unit; a serial stream goes on)
 * and hands each frame to @handle; stops at the first flow that is not
 * OK. */
GstFlowReturn
flight_link_reader_parse (FlightLinkReader * r, const guint8 * data,
    gsize len, GSocketAddress * from, GstClockTime arrival, gboolean push,
    FlightLinkFrameFunc handle)
{
  GstFlowReturn ret = GST_FLOW_OK;
  gboolean datagram, at_end;
  MavlinkFrame frame;

  g_mutex_lock (&r->lock);
  datagram = r->link && flight_link_transport_is_datagram (r->link);
  g_mutex_unlock (&r->lock);

  while (ret == GST_FLOW_OK) {
    gsize n = mavlink_parser_feed (&r->parser, data, len);

    data += n;
    len -= n;
    at_end = len == 0 && datagram;
    while (ret == GST_FLOW_OK &&
        mavlink_parser_next (&r->parser, &frame, at_end) ==
        MAVLINK_PARSE_FRAME) {
      update_parser_stats (r);
      ret = handle (r->owner, &frame, from, arrival, push);
    }
    update_parser_stats (r);
    if (len == 0)
      break;
  }
  return ret;
}
