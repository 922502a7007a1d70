"""
The CPU a run's process tree uses, sampled from /proc while it goes on
(the steady part's per item and per core), and the whole machine's and
this process's children's CPU over a whole `make bench`.
"""

import os
import resource
import subprocess
import time

from benchbase import HERE

def proc_stat(pid: int) -> "tuple[int, float, float] | None":
    """(parent pid, own CPU s, CPU s of its reaped children) of a process."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    hz = os.sysconf("SC_CLK_TCK")
    return (int(fields[1]), (int(fields[11]) + int(fields[12])) / hz,
            (int(fields[13]) + int(fields[14])) / hz)


def tree_sample(root: int, known: "set[int]", rescan: bool) -> "tuple[float, dict]":
    """The CPU the root used so far with what it reaped (seconds), and each
    live process's own (its descendants' by pid, the root's as "root")."""
    if rescan:
        parents = {}
        for name in os.listdir("/proc"):
            if name.isdigit():
                st = proc_stat(int(name))
                if st:
                    parents[int(name)] = st[0]
        grown = True
        while grown:
            grown = False
            for pid, ppid in parents.items():
                if ppid in known | {root} and pid not in known:
                    known.add(pid)
                    grown = True
    st = proc_stat(root)
    total = st[1] + st[2] if st else 0.0
    per = {"root": st[1]} if st else {}
    for pid in list(known):
        st = proc_stat(pid)
        if st is None:
            known.discard(pid)
            continue
        per[pid] = st[1]
    return total, per


def run_sampled(argv: "list[str]"):
    """Runs @argv as subprocess.run would, sampling its process tree's CPU
    every 0.1 s. Returns: (the completed process, [(time, the root's CPU s
    with what it reaped, {pid: own CPU s})], the time its figures came)."""
    import threading
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=HERE)
    out, err, t_line = [], [], [None]

    def read(stream, into, stamp):
        for line in stream:
            into.append(line)
            if stamp and t_line[0] is None and line.startswith(("{", "# all items arrived")):
                t_line[0] = time.monotonic()

    readers = [threading.Thread(target=read, args=(proc.stdout, out, True)),
               threading.Thread(target=read, args=(proc.stderr, err, False))]
    for t in readers:
        t.start()
    samples, known, n = [], set(), 0
    deadline = time.monotonic() + 900
    while proc.poll() is None and time.monotonic() < deadline:
        # (every sample while processes start, then every 0.5 s)
        total, per = tree_sample(proc.pid, known, rescan=n < 30 or n % 5 == 0)
        samples.append((time.monotonic(), total, per))
        n += 1
        time.sleep(0.1)
    if proc.poll() is None:
        proc.kill()
        proc.wait()
        raise subprocess.TimeoutExpired(argv, 900)
    for t in readers:
        t.join()
    done = subprocess.CompletedProcess(argv, proc.returncode, "".join(out), "".join(err))
    return done, samples, t_line[0]


def steady_cpu(samples: list, t_line: "float | None", result: dict) -> "dict | None":
    """The tree's CPU in the run's measured window (the items after the
    warm-up, ending when the figures were printed, at EOS): CPU per item
    (ms), cores used, and the busiest process's share. None if the window
    holds too few samples."""
    if t_line is None or result["items_per_s"] <= 0:
        return None
    window = (result["measured"] - 1) / result["items_per_s"]
    t0, t1 = t_line - 0.9 * window, t_line - 0.05 * window
    inside = [s for s in samples if t0 <= s[0] <= t1]
    if len(inside) < 3:
        return None
    a, b = inside[0], inside[-1]
    span, items = b[0] - a[0], (b[0] - a[0]) * result["items_per_s"]
    # the processes there all along (the root with what it reaped)
    used = {p: b[2][p] - a[2][p] for p in b[2] if p in a[2]}
    cpu = sum(used.values()) - used.get("root", 0.0) + (b[1] - a[1])
    busiest = max(used.values(), default=0.0)
    children = sum(v for p, v in used.items() if p != "root")
    return {"ms_per_item": round(1e3 * cpu / items, 4),
            "cores": round(cpu / span, 3),
            "children_ms_per_item": round(1e3 * children / items, 4),
            "busiest_cores": round(busiest / span, 3),
            "busiest_ms_per_item": round(1e3 * busiest / items, 4),
            "window_s": round(span, 2)}


# the whole machine's and this process's children's CPU


def cpu_jiffies() -> "tuple[int, int]":
    """(busy, steal) jiffies of all CPUs since boot."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = fields[:8]
    return user + nice + system + irq + softirq, steal


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
