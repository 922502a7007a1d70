/* gst-workers: benchmark elements
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* Registered statically by the workerbench program, not in a plugin: they
 * exist to measure, and every benchmark shares them, whatever it compares.
 * The no-op worker they measure, benchworker, is in the test plugin
 * (tests/elements), so that stock tools can load it too. */
GST_ELEMENT_REGISTER_DECLARE (benchsrc);
GST_ELEMENT_REGISTER_DECLARE (benchsink);

G_END_DECLS
