# gst-workers: gst-worker-launch's report of a retired process replica.
# SPDX-License-Identifier: LGPL-2.1-or-later
import os
import subprocess
import threading

POOL = ["testworkersrc", "num-buffers=1000000", "produce-time=2000000", "!",
        "queue", "!", "workerpool", "name=p", "size=2", "isolation=process",
        "dispatch=round-robin",
        "worker=testworker crash-after=20 crash-signal=9", "!", "queue", "!",
        "testworkersink"]


def test_report_names_a_retired_replica_as_retired():
    """A replica a shrink retired, whose child crashed, is "p_r1
    (retired)" in the report's restart line, as in its table (newuser E4:
    a new p_r1 and the retired one were both "p_r1")."""
    proc = subprocess.Popen([os.environ["GST_WORKER_LAUNCH"], "--status-interval=50"] + POOL,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    bound = threading.Timer(120, proc.kill)
    bound.start()
    out = []
    step = 0
    p_r1_listed = True
    try:
        for line in proc.stdout:
            out.append(line)
            if step == 0 and "Worker process p_r1: its process" in line:
                # p_r1's child crashed and is started again: retire p_r1
                proc.stdin.write("set p size=1\n")
                proc.stdin.flush()
                step = 1
            elif step == 1 and "] testworkersrc0: " in line:
                # a status round begins: was p_r1 in the one before?
                if not p_r1_listed:
                    proc.stdin.write("exit\n")
                    proc.stdin.flush()
                    step = 2
                p_r1_listed = False
            if "] p_r1: " in line:
                p_r1_listed = True
        proc.wait(timeout=120)
    finally:
        bound.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = "".join(out)
    assert step == 2, text[-3000:]
    line = [l for l in out if " of worker processes (" in l]
    assert line and "p_r1 (retired): " in line[-1], text[-3000:]
