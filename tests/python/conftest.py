# gst-workers: pytest set-up shared by the Python tests.
# SPDX-License-Identifier: LGPL-2.1-or-later
import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstWorker", "1.0")
gi.require_version("GstAutonomy", "1.0")
from gi.repository import Gst  # noqa: E402

Gst.init(None)
