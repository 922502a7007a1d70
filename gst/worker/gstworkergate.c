/* gst-workers: the source gate of a worker core
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What a worker element with a streaming task of its own (a source, or the
 * source side of an element that is a sink too) waits on before it
 * produces: PLAYING (a live source produces nothing in PAUSED), an EOS
 * asked of the element (send_event), or flushing (its pads deactivated, a
 * flush). The core owns one gate, feeds it the element's state changes
 * and flushing, and offers it through gst_worker_core_wait_playing() and
 * gst_worker_core_request_eos(); the gate knows nothing of the core. It keeps its state under a lock of
 * its own: nothing here waits on, or is called under, the core's lock.
 *
 * The model is GstBaseSrc's live wait (gst_base_src_wait_playing() and
 * its clock wait under the live lock): the clock wait is armed under the
 * lock the flags are set under, so leaving PLAYING, an EOS asked or a
 * flush always finds it and unschedules it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstworkergate.h"

GST_DEBUG_CATEGORY_STATIC (worker_gate_debug);
#define GST_CAT_DEFAULT worker_gate_debug

struct _GstWorkerGate
{
  GstElement *element;          /* not reffed: the gate lives inside it */

  GMutex lock;
  GCond cond;

  /* protected by lock */
  gboolean playing;             /* the element is PLAYING */
  gboolean flushing;            /* pads deactivated or flushing */
  gboolean eos;                 /* an EOS was asked of the element */
  GstClockID clock_id;          /* the clock wait under way, if any */
};

GstWorkerGate *
gst_worker_gate_new (GstElement * element)
{
  static gsize done = 0;
  GstWorkerGate *gate;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (worker_gate_debug, "workergate", 0,
        "gst-workers source gate: PLAYING, EOS asked, flushing");
    g_once_init_leave (&done, 1);
  }
  gate = g_new0 (GstWorkerGate, 1);
  gate->element = element;
  g_mutex_init (&gate->lock);
  g_cond_init (&gate->cond);
  return gate;
}

void
gst_worker_gate_free (GstWorkerGate * gate)
{
  if (!gate)
    return;
  g_mutex_clear (&gate->lock);
  g_cond_clear (&gate->cond);
  g_free (gate);
}

/* Called with the lock: wakes every wait, the clock's too. */
static void
wake_locked (GstWorkerGate * gate)
{
  if (gate->clock_id)
    gst_clock_id_unschedule (gate->clock_id);
  g_cond_broadcast (&gate->cond);
}

/* A run starts (READY to PAUSED): no EOS asked, not flushing. */
void
gst_worker_gate_reset (GstWorkerGate * gate)
{
  g_mutex_lock (&gate->lock);
  gate->flushing = FALSE;
  gate->eos = FALSE;
  g_mutex_unlock (&gate->lock);
}

void
gst_worker_gate_set_playing (GstWorkerGate * gate, gboolean playing)
{
  g_mutex_lock (&gate->lock);
  gate->playing = playing;
  wake_locked (gate);
  g_mutex_unlock (&gate->lock);
}

void
gst_worker_gate_set_flushing (GstWorkerGate * gate, gboolean flushing)
{
  g_mutex_lock (&gate->lock);
  gate->flushing = flushing;
  wake_locked (gate);
  g_mutex_unlock (&gate->lock);
}

void
gst_worker_gate_request_eos (GstWorkerGate * gate)
{
  g_mutex_lock (&gate->lock);
  GST_DEBUG_OBJECT (gate->element, "EOS asked");
  gate->eos = TRUE;
  wake_locked (gate);
  g_mutex_unlock (&gate->lock);
}

gboolean
gst_worker_gate_eos_requested (GstWorkerGate * gate)
{
  gboolean eos;

  g_mutex_lock (&gate->lock);
  eos = gate->eos;
  g_mutex_unlock (&gate->lock);
  return eos;
}

/* Called with the lock: flushing first (the pads are going), then EOS. */
static GstFlowReturn
closed_locked (GstWorkerGate * gate)
{
  if (gate->flushing)
    return GST_FLOW_FLUSHING;
  if (gate->eos)
    return GST_FLOW_EOS;
  return GST_FLOW_OK;
}

/* Waits until PLAYING, EOS asked or flushing; then, if @running_time is
 * valid, until the element's clock reaches it (base time + running time).
 * A clock wait cut short by leaving PLAYING waits for PLAYING again and
 * then for the same running time (the base time has changed). */
GstFlowReturn
gst_worker_gate_wait (GstWorkerGate * gate, GstClockTime running_time)
{
  GstFlowReturn ret;

  g_mutex_lock (&gate->lock);
  for (;;) {
    GstClock *clock;
    GstClockID id;
    GstClockReturn cret;

    while (!gate->playing && closed_locked (gate) == GST_FLOW_OK) {
      GST_LOG_OBJECT (gate->element, "waiting for PLAYING");
      g_cond_wait (&gate->cond, &gate->lock);
    }
    if (closed_locked (gate) != GST_FLOW_OK ||
        !GST_CLOCK_TIME_IS_VALID (running_time))
      break;

    clock = gst_element_get_clock (gate->element);
    if (!clock)
      break;
    id = gst_clock_new_single_shot_id (clock,
        gst_element_get_base_time (gate->element) + running_time);
    gst_object_unref (clock);
    gate->clock_id = id;
    g_mutex_unlock (&gate->lock);

    cret = gst_clock_id_wait (id, NULL);

    g_mutex_lock (&gate->lock);
    gate->clock_id = NULL;
    gst_clock_id_unref (id);
    /* unscheduled: flushing, EOS, or PAUSED (then wait for PLAYING) */
    if (cret != GST_CLOCK_UNSCHEDULED)
      break;
  }
  ret = closed_locked (gate);
  g_mutex_unlock (&gate->lock);
  return ret;
}
