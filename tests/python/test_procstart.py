# gst-workers: gst-worker-launch while a process pool's children start
# (B6, B25): its loop answers, the status says `starting`, Ctrl-C stops it.
# SPDX-License-Identifier: LGPL-2.1-or-later
import json
import os
import signal
import subprocess


def answers(proc):
    """The JSON answers on the tool's standard output, one a line."""
    for line in proc.stdout:
        try:
            yield json.loads(line)
        except ValueError:
            continue


def test_tool_answers_and_stops_while_children_start(tmp_path):
    """The children are held (testworker start-gate: a file that never
    appears): the tool answers `status` with each replica `starting`, and
    two SIGINTs (drain, then stop now) end it; before, its loop waited for
    the children's start (up to start-timeout) and answered nothing."""
    gate = tmp_path / "never"
    tool = os.environ["GST_WORKER_LAUNCH"]
    proc = subprocess.Popen(
        [tool, "testworkersrc", "num-buffers=-1", "!", "queue", "!",
         "workerpool", "name=p", "size=2", "isolation=process",
         "start-timeout=600000", "worker=testworker start-gate=%s" % gate,
         "!", "queue", "!", "testworkersink"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    try:
        states = {}
        proc.stdin.write("status\n")
        proc.stdin.flush()
        for answer in answers(proc):
            if answer.get("command") != "status":
                continue
            states = {w["name"]: w["state"]
                      for w in answer["status"]["workers"]}
            if states.get("p_r0") == "starting" and \
                    states.get("p_r1") == "starting":
                break
            proc.stdin.write("status\n")
            proc.stdin.flush()
        else:
            raise AssertionError("no status answer")
        # the first: a drain (which waits for the start); the second, once
        # the first is seen: stop now
        proc.send_signal(signal.SIGINT)
        err = ""
        for line in proc.stderr:
            err += line
            if "draining (again to stop now)" in line:
                break
        proc.send_signal(signal.SIGINT)
        err += proc.stderr.read()
        assert proc.wait() == 3, err
        assert "interrupted again: stopping now" in err, err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
