/* gst-workers: flightlink's writer, its MAVLink messages onto the link
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "flightlink-writer.h"
#include "mavlink-codec.h"

GST_DEBUG_CATEGORY_EXTERN (flight_link_debug);
#define GST_CAT_DEFAULT flight_link_debug

struct _FlightLinkWriter
{
  GstElement *owner;            /* not a reference: it owns us (the log) */

  /* lock serialises the writes and guards the fields below */
  GMutex lock;
  FlightLinkTransport *link;    /* the owner's: set while it is open */
  guint8 system_id;             /* flightlink's ids, set as a run starts */
  guint8 component_id;
  guint8 seq;                   /* the next message's number */
};

FlightLinkWriter *
flight_link_writer_new (GstElement * owner)
{
  FlightLinkWriter *w = g_new0 (FlightLinkWriter, 1);

  w->owner = owner;
  g_mutex_init (&w->lock);
  return w;
}

void
flight_link_writer_free (FlightLinkWriter * w)
{
  if (!w)
    return;
  g_mutex_clear (&w->lock);
  g_free (w);
}

/* The link to write to (NULL: closed; the owner frees it after). */
void
flight_link_writer_set_link (FlightLinkWriter * w, FlightLinkTransport * link)
{
  g_mutex_lock (&w->lock);
  w->link = link;
  g_mutex_unlock (&w->lock);
}

void
flight_link_writer_set_ids (FlightLinkWriter * w, guint8 system_id,
    guint8 component_id)
{
  g_mutex_lock (&w->lock);
  w->system_id = system_id;
  w->component_id = component_id;
  g_mutex_unlock (&w->lock);
}

/* Encodes and writes one message, numbering it; with the lock. */
static gboolean
write_locked (FlightLinkWriter * w, guint version,
    const MavlinkMessageInfo * info, gconstpointer msg, GSocketAddress * peer,
    gboolean may_block, GError ** error)
{
  guint8 frame[MAVLINK_MAX_FRAME_LEN];
  gsize len;
  gboolean ok;

  if (!w->link) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED,
        "the link is closed");
    return FALSE;
  }
  len = mavlink_message_encode (frame, version, w->seq, w->system_id,
      w->component_id, info, msg);
  ok = len > 0 && flight_link_transport_write (w->link, frame, len, peer,
      may_block, error);
  if (ok)
    w->seq++;
  return ok;
}

/* Encodes and writes one message in MAVLink @version to @peer (UDP; NULL
 * on a serial link); @may_block FALSE: fails with G_IO_ERROR_BUSY rather
 * than wait for another writer, and the link does not wait for room. */
gboolean
flight_link_writer_send (FlightLinkWriter * w, guint version,
    const MavlinkMessageInfo * info, gconstpointer msg, GSocketAddress * peer,
    gboolean may_block, GError ** error)
{
  gboolean ok;

  if (may_block) {
    g_mutex_lock (&w->lock);
  } else if (!g_mutex_trylock (&w->lock)) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY,
        "a command is being written");
    return FALSE;
  }
  ok = write_locked (w, version, info, msg, peer, may_block, error);
  g_mutex_unlock (&w->lock);
  return ok;
}

/* Writes the @n messages of @out one after the other: waits for another
 * writer to be done, but skips a message the link has no room for.
 * Returns how many were written. */
guint
flight_link_writer_send_all (FlightLinkWriter * w, guint version,
    const MavlinkOutMessage * out, guint n, GSocketAddress * peer)
{
  GError *err = NULL;
  guint i, written = 0;

  g_mutex_lock (&w->lock);
  for (i = 0; i < n; i++) {
    if (write_locked (w, version, out[i].info, &out[i].msg, peer, FALSE,
            &err)) {
      written++;
    } else {
      GST_DEBUG_OBJECT (w->owner, "%s not sent: %s", out[i].info->name,
          err->message);
      g_clear_error (&err);
    }
  }
  g_mutex_unlock (&w->lock);
  return written;
}
