# gst-workers: print() in a Python worker, in the tool's process or isolated
# in a child process, and the tool's JSON answers on standard output.
# SPDX-License-Identifier: LGPL-2.1-or-later
import json
import os
import pty
import re
import subprocess

import pytest

LINE = re.compile(r"^pytestworker (\d+ \S+) item (\d+)$")
ITEMS = 200


def launch(isolation, **kwargs):
    """gst-worker-launch with 2 replicas printing a line an item; Python
    writes to a pipe in blocks (no PYTHONUNBUFFERED) and its interpreters
    (the plugin loader's, in the tool and in the children) are never
    finalized."""
    tool = os.environ["GST_WORKER_LAUNCH"]
    env = dict(os.environ)
    env.pop("PYTHONUNBUFFERED", None)
    return subprocess.run(
        [tool, "--quiet", "pytestworkersrc", "num-items=%d" % ITEMS, "!",
         "queue", "!", "workerpool", "name=p", "size=2",
         "isolation=" + isolation, "worker=pytestworker mode=print", "!",
         "queue", "!", "pytestworkersink"],
        capture_output=True, text=True, timeout=120, env=env, **kwargs)


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


@pytest.mark.parametrize("isolation", ["thread", "process"])
def test_print_in_command_mode_goes_to_stderr_whole(isolation):
    """In command mode (standard input not a terminal) standard output
    carries the tool's answers only: every print() of the workers, in the
    tool's threads or in child processes, reaches standard error, each
    line whole, none lost at the exit (the last block of a buffered
    stdout)."""
    out = launch(isolation, input="status\n")
    assert out.returncode == 0, out.stdout + out.stderr
    answers = out.stdout.splitlines()
    assert answers, out.stderr
    for line in answers:
        assert json.loads(line)["ok"] is True, line
    check_printed(out.stderr)


@pytest.mark.parametrize("isolation", ["thread", "process"])
def test_print_on_a_terminal_reaches_stdout(isolation):
    """With keys on a terminal (no commands), print() goes to standard
    output as in any program, the last block too."""
    master, slave = pty.openpty()
    try:
        out = launch(isolation, stdin=slave)
    finally:
        os.close(slave)
        os.close(master)
    assert out.returncode == 0, out.stdout + out.stderr
    check_printed(out.stdout)
    assert "pytestworker" not in out.stderr
