# gst-workers: print() in a Python worker, in the tool's process or isolated
# in a child process, and the tool's JSON answers on standard output.
# SPDX-License-Identifier: LGPL-2.1-or-later
import json
import os
import pty
import re
import socket
import subprocess
import threading

import pytest

LINE = re.compile(r"^pytestworker (\d+ \S+) item (\d+)$")
ITEMS = 200


def command(isolation):
    return [os.environ["GST_WORKER_LAUNCH"], "--quiet", "pytestworkersrc",
            "num-items=%d" % ITEMS, "!", "queue", "!", "workerpool",
            "name=p", "size=2", "isolation=" + isolation,
            # Python children start slowly on a loaded machine
            "start-timeout=120000",
            "worker=pytestworker mode=print", "!", "queue", "!",
            "pytestworkersink"]


def launch(isolation, **kwargs):
    """gst-worker-launch with 2 replicas printing a line an item; Python
    writes to a pipe in blocks (no PYTHONUNBUFFERED) and its interpreters
    (the plugin loader's, in the tool and in the children) are never
    finalized."""
    env = dict(os.environ)
    env.pop("PYTHONUNBUFFERED", None)
    return subprocess.run(command(isolation), capture_output=True,
                          text=True, timeout=300, env=env, **kwargs)


def check_printed(text):
    """Every item's line, each whole, in each worker's order."""
    items = {}
    for line in text.splitlines():
        if "pytestworker" not in line:
            continue
        m = LINE.match(line)
        assert m, "a line not whole: %r" % line
        items.setdefault(m.group(1), []).append(int(m.group(2)))
    assert sum(len(n) for n in items.values()) == ITEMS, text
    for name, numbers in items.items():
        assert numbers == list(range(len(numbers))), (name, numbers)


def records_of(run):
    """Runs run(sock) with a SOCK_SEQPACKET socket, which keeps every
    write(2) into it apart as one record; returns run's result and the
    records."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    records = []

    def read():
        while True:
            record = ours.recv(65536)
            if not record:
                return
            records.append(record.decode())

    reader = threading.Thread(target=read)
    reader.start()
    try:
        result = run(theirs)
    finally:
        theirs.close()
        reader.join(timeout=300)
        ours.close()
    return result, records


@pytest.mark.parametrize("isolation", ["thread", "process"])
def test_print_in_command_mode_goes_to_stderr_whole(isolation):
    """In command mode (standard input a pipe) standard output carries
    the tool's answers only: every print() of the workers, in the tool's
    threads or in child processes, reaches standard error. Under
    PYTHONUNBUFFERED=1 (set by most Python containers) each print() is
    still one write of whole lines, so two workers' lines cannot cut each
    other: standard error is a socket that keeps each write a record.
    (Before: prints among the answers; write-through made each argument
    and separator of a print() a write of its own.)"""
    out, records = records_of(lambda sock: subprocess.run(
        command(isolation), input="status\n", stdout=subprocess.PIPE,
        stderr=sock, text=True, timeout=300,
        env=dict(os.environ, PYTHONUNBUFFERED="1")))
    assert out.returncode == 0, out.stdout + "".join(records)
    answers = out.stdout.splitlines()
    assert answers, "".join(records)
    for line in answers:
        assert json.loads(line)["ok"] is True, line
    printed = [r for r in records if "pytestworker" in r]
    for r in printed:
        assert r.endswith("\n") and LINE.match(r.splitlines()[0]), \
            "a write that is not whole lines: %r" % r
    check_printed("".join(printed))


@pytest.mark.parametrize("isolation,stdin", [("thread", "terminal"),
                                             ("process", "devnull")])
def test_print_with_no_commands_reaches_stdout(isolation, stdin):
    """With keys on a terminal, or standard input /dev/null (cron,
    systemd: no command can come), print() goes to standard output as in
    any program, the last block of Python's buffer too (the interpreters
    are never finalized)."""
    master, slave = pty.openpty()
    try:
        out = launch(isolation, stdin=slave if stdin == "terminal"
                     else subprocess.DEVNULL)
    finally:
        os.close(slave)
        os.close(master)
    assert out.returncode == 0, out.stdout + out.stderr
    check_printed(out.stdout)
    assert "pytestworker" not in out.stderr
