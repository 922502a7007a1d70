/* gst-workers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/worker/worker-prelude.h>
#include <gst/worker/gstworkerstate.h>
#include <gst/worker/gstworkerenums.h>
#include <gst/worker/gstworker.h>
#include <gst/worker/gstworkercore.h>
#include <gst/worker/gstworkertransform.h>
#include <gst/worker/gstworkersrc.h>
#include <gst/worker/gstworkersink.h>
#include <gst/worker/gstworkeraggregator.h>
#include <gst/worker/gstworkercontroller.h>
#include <gst/worker/gstworkerreshape.h>
#include <gst/worker/gstworkerjson.h>
#include <gst/worker/gstworkermergemeta.h>
#include <gst/worker/gstworkernulltoken.h>
#include <gst/worker/gstworkerrefusal.h>
