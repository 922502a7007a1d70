/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Called from the worker base classes' constructed(). A binding that makes
 * the element (PyGObject, for a worker written in Python and created by
 * gst_element_factory_create()) sinks the element's floating reference
 * for its wrapper while constructing it; the factory wants a floating one
 * ("The created element should be floating") and its caller, the bin, takes
 * it. The wrapper keeps its own reference, the caller gets a floating one:
 * a C element, still floating here, is left alone. */
G_GNUC_INTERNAL
void gst_worker_keep_floating (GObject * object);

G_END_DECLS
