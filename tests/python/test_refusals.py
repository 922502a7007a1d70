# gst-workers: a Python worker's do_set_property that raises refuses the
# value, and whoever set it is told (newuser C5): the launch line, a pool's
# worker description, the tool's `set`, and the API.
# SPDX-License-Identifier: LGPL-2.1-or-later
import json
import os
import subprocess

from gi.repository import Gst, GstWorker

REFUSED = ("bad value \"bogus\" for property 'mode' of %s: ValueError: "
           "mode must be one of pass")


def launch(*args, stdin=None):
    return subprocess.run([os.environ["GST_WORKER_LAUNCH"], *args],
                          capture_output=True, text=True, timeout=120,
                          input=stdin)


def test_api_takes_the_refusal():
    """The override records the exception; the value stays the old one;
    taking the refusal forgets it."""
    e = Gst.ElementFactory.make("pytestworker", "py")
    e.set_property("mode", "print")
    assert GstWorker.take_property_refusal(e, "mode") == (False, None, None)
    e.set_property("mode", "bogus")
    assert e.get_property("mode") == "print"
    ok, value, message = GstWorker.take_property_refusal(e, "mode")
    assert ok and value == "bogus", (ok, value, message)
    assert message.startswith("ValueError: mode must be one of pass"), message
    assert GstWorker.take_property_refusal(e, "mode")[0] is False


def test_launch_line_refused():
    """Before: a traceback, then the run with the old value, exit 0."""
    out = launch("testworkersrc", "num-buffers=5", "!", "pytestworker",
                 "name=py", "mode=bogus", "!", "testworkersink")
    assert out.returncode == 2, out.stdout + out.stderr
    assert REFUSED % "py" in out.stderr, out.stderr


def test_pool_worker_refused():
    """In a pool's worker description (threads and processes alike): the
    pool cannot be built, and says why."""
    for isolation in ("thread", "process"):
        out = launch("testworkersrc", "num-buffers=5", "!", "workerpool",
                     "name=p", "size=2", "isolation=" + isolation,
                     "worker=pytestworker mode=bogus", "!", "testworkersink")
        assert out.returncode != 0, out.stdout + out.stderr
        assert "Worker pool p" in out.stderr, out.stderr
        assert "for property 'mode' of " in out.stderr, out.stderr
        assert "ValueError: mode must be one of pass" in out.stderr


def test_set_refused():
    """The tool's `set`: an error answer, the value unchanged (before:
    {"ok":true}); a good value after it is taken."""
    out = launch("--quiet", "testworkersrc", "num-buffers=-1", "!",
                 "queue", "!", "pytestworker", "name=py", "!",
                 "testworkersink",
                 stdin="set py mode=bogus\nset py mode=print\nexit-now\n")
    answers = [json.loads(line) for line in out.stdout.splitlines()
               if line.startswith("{")]
    sets = [a for a in answers if a.get("command") == "set" or
            "error" in a]
    assert len(sets) >= 2, out.stdout + out.stderr
    assert sets[0]["ok"] is False, sets
    assert REFUSED % "py" in sets[0]["error"], sets
    assert sets[1]["ok"] is True, sets
