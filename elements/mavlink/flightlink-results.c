/* gst-workers: flightlink's results, what became of each command item
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "flightlink-results.h"

GST_DEBUG_CATEGORY_EXTERN (flight_link_debug);
#define GST_CAT_DEFAULT flight_link_debug

struct _FlightLinkResults
{
  GstElement *owner;            /* not a reference: it owns us */
  GstPad *pad;                  /* the owner's results pad */
  GstWorkerCore *core;          /* the owner's */

  /* lock guards the fields below */
  GMutex lock;
  guint64 sent;                 /* command items sent */
  guint64 dropped;              /* taken from the sink pad, not sent */

  /* set by reset (READY to PAUSED), read-only while running */
  guint command_timeout;
  guint completion_timeout;

  gboolean sticky;              /* the pad's stream lock: its events out */
};

FlightLinkResults *
flight_link_results_new (GstElement * owner, GstPad * pad,
    GstWorkerCore * core)
{
  FlightLinkResults *r = g_new0 (FlightLinkResults, 1);

  r->owner = owner;
  r->pad = pad;
  r->core = core;
  g_mutex_init (&r->lock);
  return r;
}

void
flight_link_results_free (FlightLinkResults * r)
{
  if (!r)
    return;
  g_mutex_clear (&r->lock);
  g_free (r);
}

/* A new run: nothing counted, the pad's events not pushed yet. */
void
flight_link_results_reset (FlightLinkResults * r, guint command_timeout,
    guint completion_timeout)
{
  g_mutex_lock (&r->lock);
  r->sent = r->dropped = 0;
  g_mutex_unlock (&r->lock);
  r->command_timeout = command_timeout;
  r->completion_timeout = completion_timeout;
  GST_PAD_STREAM_LOCK (r->pad);
  r->sticky = FALSE;
  GST_PAD_STREAM_UNLOCK (r->pad);
}

/* The owner's running time now; NONE without a clock. */
GstClockTime
flight_link_running_time (GstElement * element)
{
  GstClock *clock = gst_element_get_clock (element);
  GstClockTime now, base, rt = GST_CLOCK_TIME_NONE;

  if (clock) {
    base = gst_element_get_base_time (element);
    now = gst_clock_get_time (clock);
    rt = now > base ? now - base : 0;
    gst_object_unref (clock);
  }
  return rt;
}

/* The results pad's stream-start, caps and segment, and a gap so that a
 * sink downstream prerolls before the first result (else a pipeline of
 * sinks on both src pads would never reach PLAYING); under the pad's
 * stream lock. */
static void
push_sticky (FlightLinkResults * r)
{
  gchar *stream_id;
  GstCaps *caps;
  GstSegment segment;

  if (r->sticky)
    return;
  stream_id = gst_pad_create_stream_id (r->pad, r->owner, "results");
  gst_pad_push_event (r->pad, gst_event_new_stream_start (stream_id));
  g_free (stream_id);
  caps = gst_caps_from_string (GST_FLIGHT_COMMAND_RESULT_CAPS);
  gst_pad_push_event (r->pad, gst_event_new_caps (caps));
  gst_caps_unref (caps);
  gst_segment_init (&segment, GST_FORMAT_TIME);
  gst_pad_push_event (r->pad, gst_event_new_segment (&segment));
  gst_pad_push_event (r->pad, gst_event_new_gap (0, GST_CLOCK_TIME_NONE));
  r->sticky = TRUE;
}

/* The pad's events, if not yet out (the reader, as telemetry starts). */
void
flight_link_results_start (FlightLinkResults * r)
{
  GST_PAD_STREAM_LOCK (r->pad);
  push_sticky (r);
  GST_PAD_STREAM_UNLOCK (r->pad);
}

/* The end of the results: EOS (the sink pad's EOS). */
void
flight_link_results_end (FlightLinkResults * r)
{
  GST_PAD_STREAM_LOCK (r->pad);
  push_sticky (r);
  gst_pad_push_event (r->pad, gst_event_new_eos ());
  GST_PAD_STREAM_UNLOCK (r->pad);
}

/* Counts one command item taken from the sink pad, in items-in: sent (in
 * commands-sent) or not (in commands-dropped and items-dropped). */
void
flight_link_results_count (FlightLinkResults * r, gboolean sent)
{
  g_mutex_lock (&r->lock);
  if (sent)
    r->sent++;
  else
    r->dropped++;
  g_mutex_unlock (&r->lock);
  gst_worker_core_count (r->core, 1, 0, sent ? 0 : 1);
}

void
flight_link_results_counts (FlightLinkResults * r, guint64 * sent,
    guint64 * dropped)
{
  g_mutex_lock (&r->lock);
  *sent = r->sent;
  *dropped = r->dropped;
  g_mutex_unlock (&r->lock);
}

/* What became of a command: a "flightlink-command-result" element message
 * and an item on the results pad (sink side's thread). */
static GstFlowReturn
report (FlightLinkResults * r, const GstFlightCommandResult * res)
{
  GstStructure *s;
  GstFlowReturn ret;

  s = gst_structure_new ("flightlink-command-result",
      "command", G_TYPE_STRING, gst_flight_command_type_to_string (res->type),
      "target-id", G_TYPE_UINT, res->target_id,
      "mav-command", G_TYPE_UINT, res->mav_command,
      "outcome", G_TYPE_STRING,
      gst_flight_command_outcome_to_string (res->outcome),
      "mav-result", G_TYPE_UINT, res->mav_result,
      "attempts", G_TYPE_UINT, res->attempts, NULL);
  gst_element_post_message (r->owner,
      gst_message_new_element (GST_OBJECT (r->owner), s));

  GST_PAD_STREAM_LOCK (r->pad);
  push_sticky (r);
  ret = gst_pad_push (r->pad,
      gst_flight_command_result_to_buffer (res,
          flight_link_running_time (r->owner)));
  GST_PAD_STREAM_UNLOCK (r->pad);
  return ret == GST_FLOW_NOT_LINKED ? GST_FLOW_OK : ret;
}

/* What the commander did with a command item (@ret, @ex), told: the
 * messages, the count, the result. @link_name names the link in the
 * error of a failed write. */
GstFlowReturn
flight_link_results_tell (FlightLinkResults * r, const GstFlightCommand * cmd,
    FlightLinkExecution * ex, GstFlowReturn ret, const gchar * link_name)
{
  GstElement *self = r->owner;
  const gchar *type = gst_flight_command_type_to_string (cmd->type);
  guint timeout = r->completion_timeout;

  if (ex->why) {
    GST_ELEMENT_WARNING (self, STREAM, FORMAT,
        ("Cannot send a %s command to the vehicle: %s.", type, ex->why),
        ("command flags 0x%x, target %u", cmd->flags, cmd->target_id));
    flight_link_results_count (r, FALSE);
    return report (r, &ex->res);
  }
  if (ex->error) {
    GST_ELEMENT_ERROR (self, RESOURCE, WRITE,
        ("Could not send a %s command over %s: %s.", type, link_name,
            ex->error->message), ("%s", ex->error->message));
    g_clear_error (&ex->error);
    flight_link_results_count (r, FALSE);
    return GST_FLOW_ERROR;
  }
  if (ex->sent)
    flight_link_results_count (r, TRUE);
  if (ret != GST_FLOW_OK)
    return ret;
  if (ex->where && cmd->type == GST_FLIGHT_COMMAND_TAKEOFF) {
    GST_ELEMENT_WARNING (self, STREAM, FAILED,
        ("The vehicle accepted the takeoff but did not reach %.1f m above "
            "home within %u ms: %s.", -cmd->down, timeout, ex->where),
        ("completion-timeout %u ms", timeout));
  } else if (ex->where) {
    GST_ELEMENT_WARNING (self, STREAM, FAILED,
        ("The vehicle accepted the land command but was not landed and "
            "disarmed within %u ms: %s.", timeout, ex->where),
        ("completion-timeout %u ms", timeout));
  } else if (ex->res.outcome == GST_FLIGHT_COMMAND_TIMED_OUT) {
    GST_ELEMENT_WARNING_WITH_DETAILS (self, RESOURCE, WRITE,
        ("The vehicle did not answer the %s command (MAV_CMD %u) after %u "
            "attempts.", type, ex->res.mav_command, ex->res.attempts),
        ("no COMMAND_ACK within %u ms of each attempt", r->command_timeout),
        ("command", G_TYPE_STRING, type,
            "attempts", G_TYPE_UINT, ex->res.attempts, NULL));
  }
  g_clear_pointer (&ex->where, g_free);
  if (!ex->res.outcome) {
    GST_DEBUG_OBJECT (self, "sent %s as %s", type, ex->info->name);
    return GST_FLOW_OK;         /* a setpoint, or not waited for */
  }
  GST_DEBUG_OBJECT (self, "%s: %s after %u attempts", type,
      gst_flight_command_outcome_to_string (ex->res.outcome),
      ex->res.attempts);
  return report (r, &ex->res);
}
