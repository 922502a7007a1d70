/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The element at the other end of a link (see gstworkerpeer.h). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstworkerpeer.h"

/**
 * gst_worker_real_peer:
 * @pad: a pad
 *
 * The pad of the element at the other end of @pad's link, through ghost
 * pads in both directions.
 *
 * Returns: (transfer full) (nullable): the peer
 */
GstPad *
gst_worker_real_peer (GstPad * pad)
{
  GstPad *peer = gst_pad_get_peer (pad);
  guint guard = 0;

  while (peer && guard++ < 64) {
    if (GST_IS_GHOST_PAD (peer)) {
      /* a bin's ghost pad, seen from outside: go to the element inside */
      GstPad *target = gst_ghost_pad_get_target (GST_GHOST_PAD (peer));

      gst_object_unref (peer);
      peer = target;
    } else if (GST_IS_PROXY_PAD (peer)) {
      /* a ghost pad's inner side, seen from inside: go out of the bin */
      GstObject *ghost = gst_object_get_parent (GST_OBJECT (peer));

      gst_object_unref (peer);
      peer = NULL;
      if (ghost && GST_IS_PAD (ghost))
        peer = gst_pad_get_peer (GST_PAD (ghost));
      if (ghost)
        gst_object_unref (ghost);
    } else {
      break;
    }
  }
  return peer;
}
