# gst-workers: print() in a Python worker isolated in a child process.
# SPDX-License-Identifier: LGPL-2.1-or-later
import os
import re
import subprocess

LINE = re.compile(r"^pytestworker (\d+ \S+) item (\d+)$")


def test_print_in_a_child_process_reaches_stdout_line_by_line():
    """Every print() of Python workers in two children reaches the tool's
    stdout, each line whole, in each worker's order, though Python writes
    to a pipe in blocks (no PYTHONUNBUFFERED) and the children's
    interpreters are never finalized."""
    tool = os.environ["GST_WORKER_LAUNCH"]
    env = dict(os.environ)
    env.pop("PYTHONUNBUFFERED", None)
    out = subprocess.run(
        [tool, "--quiet", "pytestworkersrc", "num-items=200", "!", "queue",
         "!", "workerpool", "name=p", "size=2", "isolation=process",
         "worker=pytestworker mode=print", "!", "queue", "!",
         "pytestworkersink"],
        capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    printed = [line for line in out.stdout.splitlines()
               if "pytestworker" in line]
    items = {}
    for line in printed:
        m = LINE.match(line)
        assert m, "a line not whole: %r" % line
        items.setdefault(m.group(1), []).append(int(m.group(2)))
    assert sum(len(n) for n in items.values()) == 200, out.stdout
    for name, numbers in items.items():
        assert numbers == list(range(len(numbers))), (name, numbers)
