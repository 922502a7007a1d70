# gst-workers: GStreamer's log (GST_DEBUG_FILE, the workerstats tracer's
# records) with a process pool: each child writes a file of its own.
# SPDX-License-Identifier: LGPL-2.1-or-later
import os
import re
import subprocess

# "0:00:00.123456789 12345 0x5566 TRACE GST_TRACER :0:: workerstats-..."
LINE = re.compile(r"^\d+:\d\d:\d\d\.\d+ +(\d+) +0x[0-9a-f]+ +[A-Z]+ +"
                  r"GST_TRACER .*\n$")
CHILD = re.compile(r"^trace-(p_r[01])-(\d+)\.log$")


def records(path):
    """The pids that wrote the file's lines (each line whole), and the
    last items-in of each element traced."""
    pids, last = set(), {}
    with open(path) as f:
        for line in f:
            m = LINE.match(line)
            assert m, "%s: a line not whole: %r" % (path, line)
            pids.add(int(m.group(1)))
            e = re.search(r"element=\(string\)([^,]+),.*"
                          r"items-in=\(guint64\)(\d+)", line)
            if e:
                last[e.group(1)] = int(e.group(2))
    return pids, last


def test_each_child_traces_into_a_file_of_its_own(tmp_path):
    """GST_DEBUG_FILE=trace.log with a process pool, in stock
    gst-launch-1.0: the parent's file holds the parent's records only,
    whole, its replicas' counts complete; each child writes
    trace-REPLICA-PID.log beside it, with its own worker's records.
    (Before: every process opened trace.log anew, truncating it, and the
    children wrote over the parent's lines.)"""
    log = tmp_path / "trace.log"
    env = dict(os.environ, GST_TRACERS="workerstats(period=50)",
               GST_DEBUG="GST_TRACER:7", GST_DEBUG_FILE=str(log),
               GST_DEBUG_NO_COLOR="1")
    out = subprocess.run(
        ["gst-launch-1.0", "-q", "testworkersrc", "num-buffers=200", "!",
         "queue", "!", "workerpool", "name=p", "size=2", "isolation=process",
         "worker=testworker process-time=2000000", "!", "queue", "!",
         "testworkersink"],
        env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr

    pids, last = records(log)
    assert len(pids) == 1, pids
    assert last.get("p_r0", 0) + last.get("p_r1", 0) == 200, last
    assert "testworker0" not in last, last

    children = {}
    for name in os.listdir(tmp_path):
        m = CHILD.match(name)
        if m:
            cpids, clast = records(tmp_path / name)
            # written by that child alone, its worker traced
            assert cpids == {int(m.group(2))}, (name, cpids)
            assert clast.get("testworker0", 0) > 0, (name, clast)
            children.setdefault(m.group(1), []).append(name)
    assert sorted(children) == ["p_r0", "p_r1"], os.listdir(tmp_path)
