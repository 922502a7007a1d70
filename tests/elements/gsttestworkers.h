/* gst-workers: test-only worker elements
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include "testitem.h"

G_BEGIN_DECLS

GST_ELEMENT_REGISTER_DECLARE (testworker);
GST_ELEMENT_REGISTER_DECLARE (testworkersrc);
GST_ELEMENT_REGISTER_DECLARE (testworkersink);
GST_ELEMENT_REGISTER_DECLARE (testworkermerge);
GST_ELEMENT_REGISTER_DECLARE (testworkersplit);
GST_ELEMENT_REGISTER_DECLARE (benchworker);

G_END_DECLS
