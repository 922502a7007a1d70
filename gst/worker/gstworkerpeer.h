/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The element at the other end of a link, through the ghost pads of bins:
 * used by the worker core (which threads push into a worker) and by the
 * controller's topology and start check. Internal to the library. */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

G_GNUC_INTERNAL
GstPad *            gst_worker_real_peer (GstPad * pad);

G_END_DECLS
