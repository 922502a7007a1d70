#!/usr/bin/python3
"""gst-worker-launch watched from outside: --status-format=json, --http
(/status.json, /metrics, /graph.dot, /, commands with --http-control),
the coloured graph on SIGUSR1, bad input (addresses, ports in use,
unknown paths, wrong methods, huge headers, too many connections), and
the page in a real headless browser (Debian's chromium) while the system
runs. Arguments: gst-worker-launch."""

import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

TOOL = sys.argv[1]
PIPELINE = ("testworkersrc is-live=true interval=10000000 ! queue name=q1 ! "
            "testworker name=a2 process-time=2000000 ! queue name=q2 ! "
            "testworkersink name=sink").split()
FAILURES = []
# Under valgrind (make test-valgrind) the tool runs many times slower: the
# bounds on the waits below (conditions, each) grow by the suite's scale.
SLOW = float(os.environ.get("GST_WORKERS_TEST_TIMEOUT_SCALE", "1"))


def check(ok, text):
    print(("ok: " if ok else "FAIL: ") + text)
    if not ok:
        FAILURES.append(text)


def get(url, method="GET", headers=None):
    req = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=20 * SLOW) as r:
            return r.status, r.headers, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode()


def start(args, tmp, pipeline=PIPELINE):
    out = open(os.path.join(tmp, "stdout"), "w+")
    err = open(os.path.join(tmp, "stderr"), "w+")
    # no watchdog: a worker held up for seconds (valgrind on a loaded
    # machine) would be reported stalled or lost, and the exit status 3;
    # what is tested here is the endpoint
    proc = subprocess.Popen([TOOL, "--stall-timeout=0", "--heartbeat-timeout=0",
                             f"--drain-timeout={int(10000 * SLOW)}"] + args + pipeline,
                            stdout=out, stderr=err)
    deadline = time.time() + 120 * SLOW
    url = None
    while time.time() < deadline and url is None:
        err.seek(0)
        out.seek(0)
        m = re.search(r"watching at (http://\S+)", err.read() + out.read())
        url = m.group(1) if m else None
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    return proc, out, err, url


def json_lines(out):
    """The complete lines the tool wrote: its stdout is a file, written in
    blocks, so the last piece may be a line it is still writing (a
    JSONDecodeError under valgrind, issue 20's proof)."""
    out.seek(0)
    done = out.read().split("\n")[:-1]
    return [json.loads(line) for line in done if line.strip()]


def wait_for(pred, what, timeout=30):
    deadline = time.time() + timeout * SLOW
    while time.time() < deadline:
        if pred():
            return True
        time.sleep(0.1)
    check(False, "waited in vain for " + what)
    return False


def metric(body, name, worker):
    """The value of NAME{worker="WORKER"} in a /metrics body, or None"""
    m = re.search(r"^%s\{worker=\"%s\"\} (\S+)$" % (re.escape(name), re.escape(worker)),
                  body, re.M)
    return float(m.group(1)) if m else None


def process_restarts(tmp, h):
    """Issue 13, B7: a child process's crash and restart (a process pool's
    replica, isolation=process) is in /metrics, per replica, and on the page
    (its header and the replica's row), not only in /status.json."""
    pipeline = ["testworkersrc", "is-live=true", "interval=10000000", "!", "queue", "!",
                "workerpool", "name=p", "size=2", "isolation=process",
                "worker=testworker crash-after=30 heartbeat-interval=100", "!", "queue", "!", "testworkersink", "name=sink"]
    proc, out, err, url = start(["--http=127.0.0.1:0", "--quiet"], tmp, pipeline)
    if url is None:
        err.seek(0)
        check(False, "the process pool run did not start: " + err.read())
        proc.kill()
        return
    # every child crashes on its 31st item, and is restarted
    body = ""
    running = set()

    def restarted():
        nonlocal body
        body = get(url + "metrics")[2]
        # (a replica restarting its child has pid 0 for that while)
        running.update(r for r in ("p_r0", "p_r1")
                       if (metric(body, "gst_worker_process_pid", r) or 0) > 0)
        return len(running) == 2 and all(
            (metric(body, "gst_worker_process_restarts_total", r) or 0) >= 1
            for r in ("p_r0", "p_r1"))
    wait_for(restarted, "both replicas' restarts in /metrics", timeout=120)
    for r in ("p_r0", "p_r1"):
        check((metric(body, "gst_worker_process_restarts_total", r) or 0) >= 1,
              f"/metrics counts {r}'s restarts")
        check((metric(body, "gst_worker_process_items_retried_total", r) or 0) >= 1,
              f"/metrics counts the items retried by {r}'s new child")
        check(metric(body, "gst_worker_process_items_lost_total", r) == 0,
              f"/metrics says {r} lost nothing")
        check(metric(body, "gst_worker_process_pid", r) is not None and r in running,
              f"/metrics has {r}'s pid")
    # a child's worker has a rate once its child answered twice (none at
    # the first sight: unknown, not 0)

    def child_rate():
        nonlocal body
        body = get(url + "metrics")[2]
        return metric(body, "gst_worker_rate_items_per_second",
                      "p_r0/testworker0") is not None
    wait_for(child_rate, "a worker inside a child has a rate", timeout=60)
    check(metric(body, "gst_worker_process_restarts_total", "sink") is None,
          "a worker in the tool's own process has no process metrics")

    # a child's worker has a heartbeat age, as one of this process has

    def child_age():
        workers = json.loads(get(url + "status.json")[2])["workers"]
        return any(w["name"] == "p_r0/testworker0" and w.get("heartbeat-age") is not None
                   and w.get("heartbeats", 0) > 0 for w in workers)
    wait_for(child_age, "a heartbeat age of the worker inside p_r0's child", timeout=60)
    check(re.search(r"^gst_worker_restarts_total 0$", body, re.M) is not None,
          "the pipeline itself did not restart")

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium:
        profile = tempfile.mkdtemp(prefix="chromium-", dir=tmp)
        header = None
        deadline = time.time() + 60 * SLOW

        def rows(dom):
            """p_r0's row (restarts, text) and its child worker's (text): a
            snapshot can fall while p_r0 restarts its child (no pid)"""
            return (re.search(r'<tr data-worker="p_r0" data-state="\w+" data-restarts="(\d+)">(.*?)</tr>', dom),
                    re.search(r'<tr data-worker="p_r0/testworker0"[^>]*>(.*?)</tr>', dom))

        def rows_shown(dom):
            row, inner = rows(dom)
            return (row is not None and re.search(r"pid \d+, \d+ restarts?", row.group(2)) is not None
                    and inner is not None and re.search(r">\d+\.\d s</td>", inner.group(1)) is not None)
        dom = ""
        while (header is None or not rows_shown(dom)) and time.time() < deadline:
            dom = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                                  "--disable-quic", "--no-first-run",
                                  "--disable-background-networking", "--disable-component-update",
                                  "--disable-sync", f"--user-data-dir={profile}",
                                  "--virtual-time-budget=3000", "--dump-dom", url],
                                 capture_output=True, text=True, timeout=120 * SLOW).stdout
            header = re.search(r'id="restarts" data-process-restarts="(\d+)">([^<]*)<', dom)
        check(header is not None and int(header.group(1)) >= 2 and
              re.search(r"0 restarts of the pipeline, \d+ of worker processes \(p_r0: \d+, p_r1: \d+\)",
                        header.group(2)) is not None,
              f"the page's header counts the children's restarts ({header and header.group(2)})")
        row, inner = rows(dom)
        check(row is not None and int(row.group(1)) >= 1 and
              re.search(r"pid \d+, \d+ restarts?", row.group(2)) is not None,
              "p_r0's row shows its pid and restarts")
        check(inner is not None and re.search(r">\d+\.\d s</td>", inner.group(1)) is not None,
              "the row of the worker inside p_r0's child shows its heartbeat age "
              f"({inner and inner.group(1)})")
    else:
        print("SKIP: chromium is not installed, the page was not loaded in a browser")
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=60 * SLOW)
    except subprocess.TimeoutExpired:
        proc.kill()
        check(False, "the process pool run did not end on SIGINT")


def main():
    tmp = tempfile.mkdtemp(prefix="launch-http-")
    dots = os.path.join(tmp, "dots")
    proc, out, err, url = start(["--http=127.0.0.1:0", "--http-control", "--status-format=json",
                                 "--status-interval=200", f"--dot-dir={dots}"], tmp)
    check(url is not None, f"the tool says where it listens ({url})")
    if url is None:
        err.seek(0)
        print(err.read())
        proc.kill()
        return 1
    port = int(url.rstrip("/").rsplit(":", 1)[1])

    # JSON lines: one object per interval, the controller's status
    wait_for(lambda: len(json_lines(out)) >= 3, "3 status lines")
    lines = json_lines(out)
    check(all(l["kind"] == "status" for l in lines), "every line is a status object")
    check([w["name"] for w in lines[-1]["workers"]] == ["testworkersrc0", "a2", "sink"],
          "status lines list the workers, upstream first")

    # /status.json
    status, headers, body = get(url + "status.json")
    s = json.loads(body)
    check(status == 200 and headers["Content-Type"].startswith("application/json"),
          "/status.json is JSON")
    check({q["name"] for q in s["queues"]} == {"q1", "q2"}, "/status.json has the queues")
    wait_for(lambda: json.loads(get(url + "status.json")[2])["workers"][1]["items-in"] > 0,
             "a2 to take items in")

    # /metrics: Prometheus text format
    status, headers, body = get(url + "metrics")
    check(status == 200 and headers["Content-Type"].startswith("text/plain; version=0.0.4"),
          "/metrics is Prometheus text")
    sample = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? '
                        r'[-+0-9.eE]+|NaN$')
    bad = [l for l in body.splitlines() if l and not l.startswith("#") and not sample.match(l)]
    check(not bad, f"every metrics line parses ({bad[:3]})")
    for metric in ('gst_worker_items_in_total{worker="a2"}', 'gst_worker_state{worker="a2",state="busy"}',
                   'gst_worker_queue_level_buffers{queue="q1"}', 'gst_worker_heartbeat_age_seconds{worker="a2"}',
                   "gst_worker_restarts_total", "gst_worker_deadlock_growths_total",
                   'gst_worker_rate_items_per_second{worker="a2"}'):
        check(metric in body, f"/metrics has {metric}")

    # /graph.dot: the pipeline with the system's colours
    status, _, body = get(url + "graph.dot")
    check(status == 200 and body.startswith("digraph"), "/graph.dot is a DOT graph")
    check(re.search(r"worker: (idle|busy|blocked)", body) is not None, "the graph labels workers' states")
    check(re.search(r"fill: \d+/\d+", body) is not None, "the graph labels queues' fill")
    check(os.path.exists(os.path.join(dots, "gst-worker-launch.http-1.dot")),
          "/graph.dot also writes the graph into --dot-dir")
    # SIGUSR1: the same graph into --dot-dir
    proc.send_signal(signal.SIGUSR1)
    wait_for(lambda: os.path.exists(os.path.join(dots, "gst-worker-launch.signal-1.dot")),
             "SIGUSR1's graph")
    check(os.path.exists(os.path.join(dots, "gst-worker-launch.playing.dot")),
          "the graph at the start")
    with open(os.path.join(dots, "gst-worker-launch.playing.dot")) as f:
        check("worker: " in f.read(), "the start's graph has the workers' states")

    # bad requests: HTTP errors, the system unaffected
    check(get(url + "nothing-here")[0] == 404, "an unknown path is a 404")
    check(get(url + "/metrics")[0] == 200, "//metrics (the printed URL + /metrics) is /metrics")
    check(get(url + "status.json", method="POST")[0] == 405, "POST /status.json is a 405")
    check(get(url + "control/pause")[0] == 405, "GET /control/pause is a 405")
    check(get(url + "control/pause", method="POST")[0] == 403,
          "a command without the page's header is refused (403)")
    check(get(url + "control/reboot", method="POST", headers={"X-Gst-Worker-Launch": "1"})[0] == 404,
          "an unknown command is a 404")
    # huge headers: the connection is dropped
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(20)
    dropped = False
    try:
        s.sendall(b"GET /status.json HTTP/1.1\r\nHost: x\r\n")
        for i in range(4000):
            s.sendall(b"X-Junk-%d: %s\r\n" % (i, b"a" * 1000))
        s.sendall(b"\r\n")
        dropped = not s.recv(100).startswith(b"HTTP/1.1 200")
    except OSError:
        dropped = True
    s.close()
    check(dropped, "4 MB of headers are not served")
    # too many connections: past the limit a 503, the others are served
    # (32): wait until the server took all 40, i.e. the 8 past the limit
    # read their 503 (not for a time; which 8 is the server's accept
    # order, a full backlog can change it)
    conns = [socket.create_connection(("127.0.0.1", port)) for _ in range(40)]
    refused = set()
    deadline = time.time() + 60 * SLOW
    while len(refused) < 8 and time.time() < deadline:
        for c in select.select(conns, [], [], 0.1)[0]:
            if c.recv(100, socket.MSG_PEEK).startswith(b"HTTP/1.1 503"):
                refused.add(c)
    check(len(refused) == 8, f"8 of 40 connections past the limit got a 503 (got {len(refused)})")
    extra = socket.create_connection(("127.0.0.1", port))
    extra.settimeout(20)
    extra.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
    check(extra.recv(100).startswith(b"HTTP/1.1 503"), "a connection past the limit gets a 503")
    served = next(c for c in conns if c not in refused)
    served.settimeout(20)
    served.sendall(b"GET /info.json HTTP/1.1\r\nHost: x\r\n\r\n")
    check(served.recv(100).startswith(b"HTTP/1.1 200"), "connections within the limit are served")
    for c in conns + [extra]:
        c.close()
    wait_for(lambda: get(url + "info.json")[0] == 200, "the server to serve again")

    # a second server on the same port: a clear error, exit status 2
    second = subprocess.run([TOOL, f"--http=127.0.0.1:{port}"] + PIPELINE, capture_output=True,
                            text=True, timeout=60 * SLOW)
    check(second.returncode == 2 and "Address already in use" in second.stderr,
          f"a port in use: {second.stderr.strip()}")
    for bad_arg, text in (("--http=99999", "a port from 0 to 65535"),
                          ("--http=example.org:80", "not an IP address"),
                          ("--status-format=xml", "--status-format takes text or json")):
        r = subprocess.run([TOOL, bad_arg] + PIPELINE, capture_output=True, text=True, timeout=60 * SLOW)
        check(r.returncode == 2 and text in r.stderr, f"{bad_arg}: {r.stderr.strip()}")

    # the system kept running through all that
    before = json.loads(get(url + "status.json")[2])["workers"][2]["items-in"]
    wait_for(lambda: json.loads(get(url + "status.json")[2])["workers"][2]["items-in"] > before,
             "the sink to take more items")

    # the page in a real browser: workers and their states on it
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium:
        profile = tempfile.mkdtemp(prefix="chromium-", dir=tmp)

        def page():
            r = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                                "--disable-quic", "--no-first-run",
                                "--disable-background-networking", "--disable-component-update",
                                "--disable-sync", f"--user-data-dir={profile}",
                                "--virtual-time-budget=3000", "--dump-dom", url],
                               capture_output=True, text=True, timeout=120 * SLOW)
            return r.stdout, dict(re.findall(r'<tr data-worker="([^"]+)" data-state="([^"]+)"',
                                             r.stdout))

        # until the page has had the tool's status (a slow tool answers
        # after the browser's budget)
        dom, found = page()
        deadline = time.time() + 60 * SLOW
        while set(found) != {"testworkersrc0", "a2", "sink"} and time.time() < deadline:
            dom, found = page()
        check(set(found) == {"testworkersrc0", "a2", "sink"}, f"the page lists the workers ({found})")
        check(all(v in ("idle", "busy", "blocked") for v in found.values()),
              "the page shows each worker's state")
        check(re.search(r'data-worker="a2" data-state="\w+"', dom.split("<table")[0]) is not None,
              "the page's graph shows a2 and its state")
        check('data-queue="q1"' in dom and 'data-queue="q2"' in dom, "the page shows the queues")
        check("Pause" in dom, "the page has its buttons")
    else:
        print("SKIP: chromium is not installed, the page was not loaded in a browser")

    # commands from the page: pause, resume, exit (drain)
    h = {"X-Gst-Worker-Launch": "1"}
    check(get(url + "control/pause", method="POST", headers=h)[0] == 202, "pause accepted")
    wait_for(lambda: json.loads(get(url + "status.json")[2])["system-paused"], "the system to pause")
    check(get(url + "control/resume", method="POST", headers=h)[0] == 202, "resume accepted")
    wait_for(lambda: not json.loads(get(url + "status.json")[2])["system-paused"],
             "the system to resume")
    check(get(url + "control/exit", method="POST", headers=h)[0] == 202, "exit accepted")
    try:
        rc = proc.wait(timeout=60 * SLOW)
    except subprocess.TimeoutExpired:
        proc.kill()
        rc = None
    check(rc == 0, f"the system drained and exited 0 (got {rc})")
    last = json_lines(out)[-1]
    check(last["kind"] == "report" and last["outcome"] == "drained" and last["balanced"],
          "the last line is the report: drained, balanced")

    # without --http-control: no commands
    proc, out, err, url = start(["--http=0", "--quiet"], tmp)
    if url is None:
        err.seek(0)
        check(False, "the second run did not start: " + err.read())
        proc.kill()
        return 1
    check(get(url + "control/exit", method="POST", headers=h)[0] == 403,
          "commands need --http-control")
    check(json.loads(get(url + "info.json")[2])["control"] is False, "/info.json says so")
    proc.send_signal(signal.SIGINT)
    check(proc.wait(timeout=60 * SLOW) == 0, "SIGINT still drains")

    process_restarts(tmp, h)

    shutil.rmtree(tmp, ignore_errors=True)
    print(f"{len(FAILURES)} failures")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
