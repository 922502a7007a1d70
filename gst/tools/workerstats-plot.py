#!/usr/bin/python3
"""Turns a workerstats trace into pictures and a summary.

    GST_TRACERS=workerstats GST_DEBUG=GST_TRACER:7 GST_DEBUG_FILE=trace.log \\
        gst-launch-1.0 ...
    workerstats-plot.py trace.log OUTDIR

writes, with gnuplot (Debian's gnuplot-nox):

    OUTDIR/queues.png     every queue's level (buffers) over time, and its
                          limit
    OUTDIR/elements.png   time per element over the whole run: shares
                          busy, downstream, blocked on a full queue, idle
    OUTDIR/proctime.png   each element's processing time per item over
                          time (ms)

and prints a table per element (items, processing time, shares) and per
queue (items, mean and peak level, its limit in buffers, and FULL: how
near it came to the limit it came nearest to, of buffers, bytes and
time, as sampled). --no-plots prints the table only.
The trace is the GST_TRACER log (GST_DEBUG_FILE, or stderr): lines
holding `workerstats-element, ...;` and `workerstats-queue, ...;`
records (see the tracer's documentation: gst-inspect-1.0 workertracers).
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

FIELD = re.compile(r'([A-Za-z][\w-]*)=\((\w+)\)("(?:[^"\\]|\\.)*"|[^,;]*)')
RECORD = re.compile(r'(workerstats-(?:element|queue)),\s*(ts=\(guint64\)\d.*?);?\s*$')
ANSI = re.compile(r'\x1b\[[0-9;]*m')


def parse_value(kind, text):
    if text.startswith('"'):
        text = text[1:-1].replace('\\"', '"').replace('\\\\', '\\')
    if kind in ("guint64", "gint64", "uint", "int", "guint", "gint"):
        return int(text)
    if kind in ("double", "gdouble", "float"):
        return float(text)
    return text


def read_trace(path):
    """Returns (element rows, queue rows), each a list of dicts."""
    elements, queues = [], []
    with open(path, errors="replace") as f:
        for line in f:
            m = RECORD.search(ANSI.sub("", line))
            if not m:
                continue
            row = {k: parse_value(t, v) for k, t, v in FIELD.findall(m.group(2))}
            if "ts" not in row:
                continue
            (elements if m.group(1) == "workerstats-element" else queues).append(row)
    return elements, queues


def by_name(rows, key):
    out = {}
    for r in rows:
        out.setdefault(r.get("path") or r[key], []).append(r)
    return out


def fullest(rows):
    """How near a queue came to its limits: the largest share of a limit
    (buffers: its peak; bytes and time: as sampled) and that limit's name."""
    best, what = 0.0, "-"
    for r in rows:
        for level, limit, name in ((r["peak-buffers"], r["max-size-buffers"], "buffers"),
                                   (r["level-bytes"], r["max-size-bytes"], "bytes"),
                                   (r["level-time"], r["max-size-time"], "time")):
            if limit and level / limit > best:
                best, what = level / limit, name
    return best, what


def summary(elements, queues):
    lines = []
    els = by_name(elements, "element")
    if els:
        w = max(12, max(len(n) for n in els))
        lines.append(f"{'ELEMENT':{w}s} {'IN':>9s} {'OUT':>9s} {'AVG ms':>8s} {'MAX ms':>8s} "
                     f"{'BUSY':>6s} {'DOWN':>6s} {'BLOCKED':>7s} {'IDLE':>6s}")
        for name, rows in els.items():
            total = sum(r["period"] for r in rows) or 1
            share = {k: sum(r[k] * r["period"] for r in rows) / total
                     for k in ("busy", "downstream", "blocked", "idle")}
            items = sum(r["proc-time-avg"] and 1 or 0 for r in rows)
            avg = (sum(r["proc-time-avg"] for r in rows if r["proc-time-avg"]) / items
                   if items else 0)
            mx = max(r["proc-time-max"] for r in rows)
            last = rows[-1]
            lines.append(f"{name:{w}s} {last['items-in']:9d} {last['items-out']:9d} "
                         f"{avg / 1e6:8.3f} {mx / 1e6:8.3f} {share['busy']:6.1%} "
                         f"{share['downstream']:6.1%} {share['blocked']:7.1%} {share['idle']:6.1%}")
    qs = by_name(queues, "queue")
    if qs:
        w = max(12, max(len(n) for n in qs))
        lines.append(f"{'QUEUE':{w}s} {'IN':>9s} {'OUT':>9s} {'MEAN':>6s} {'PEAK':>6s} {'MAX':>6s} "
                     f"{'FULL':>5s} OF")
        for name, rows in qs.items():
            mean = sum(r["level-buffers"] for r in rows) / len(rows)
            peak = max(r["peak-buffers"] for r in rows)
            last = rows[-1]
            full, limit = fullest(rows)
            lines.append(f"{name:{w}s} {last['items-in']:9d} {last['items-out']:9d} "
                         f"{mean:6.1f} {peak:6d} {last['max-size-buffers']:6d} "
                         f"{full:5.0%} {limit}")
    return "\n".join(lines)


def gp_quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def plot(elements, queues, outdir, gnuplot):
    os.makedirs(outdir, exist_ok=True)
    t0 = min([r["ts"] for r in elements + queues] or [0])
    work = tempfile.mkdtemp(prefix="workerstats-plot-")
    script = ['set terminal pngcairo size 1000,560 font "sans,10"', "set grid",
              "set key outside right top"]
    written = []

    qs = by_name(queues, "queue")
    if qs:
        plots = []
        for i, (name, rows) in enumerate(qs.items()):
            data = os.path.join(work, f"q{i}.dat")
            with open(data, "w") as f:
                for r in rows:
                    f.write(f"{(r['ts'] - t0) / 1e9:.4f} {r['level-buffers']} "
                            f"{r['peak-buffers']} {r['max-size-buffers']}\n")
            plots.append(f"{gp_quote(data)} using 1:2 with lines lw 2 title {gp_quote(name)}")
            plots.append(f"{gp_quote(data)} using 1:4 with lines dt 2 lc {i + 1} "
                         f"title {gp_quote(name + ' limit')}")
        out = os.path.join(outdir, "queues.png")
        script += [f"set output {gp_quote(out)}", 'set title "Queue levels"',
                   'set xlabel "time (s)"', 'set ylabel "buffers"', "set yrange [0:*]",
                   "plot " + ", ".join(plots), "unset yrange"]
        written.append(out)

    els = by_name(elements, "element")
    if els:
        data = os.path.join(work, "shares.dat")
        with open(data, "w") as f:
            for name, rows in els.items():
                total = sum(r["period"] for r in rows) or 1
                vals = [100 * sum(r[k] * r["period"] for r in rows) / total
                        for k in ("busy", "downstream", "blocked", "idle")]
                f.write(gp_quote(name) + " " + " ".join(f"{v:.2f}" for v in vals) + "\n")
        out = os.path.join(outdir, "elements.png")
        script += [f"set output {gp_quote(out)}", 'set title "Time per element (whole run)"',
                   'set xlabel ""', 'set ylabel "% of the run"', "set yrange [0:100]",
                   "set style data histograms", "set style histogram rowstacked",
                   "set style fill solid 0.8 border -1", "set boxwidth 0.7",
                   "set xtics rotate by -30",
                   f"plot {gp_quote(data)} using 2:xtic(1) title 'busy' lc rgb '#d62728', "
                   "'' using 3 title 'downstream' lc rgb '#ff7f0e', "
                   "'' using 4 title 'blocked (full queue)' lc rgb '#9467bd', "
                   "'' using 5 title 'idle (no input)' lc rgb '#2ca02c'",
                   "unset yrange", "set xtics norotate", "set style data lines"]
        written.append(out)

        plots = []
        for i, (name, rows) in enumerate(els.items()):
            pdata = os.path.join(work, f"p{i}.dat")
            with open(pdata, "w") as f:
                for r in rows:
                    if r["proc-time-avg"]:
                        f.write(f"{(r['ts'] - t0) / 1e9:.4f} {r['proc-time-avg'] / 1e6:.6f}\n")
            if os.path.getsize(pdata):
                plots.append(f"{gp_quote(pdata)} using 1:2 with linespoints pt 7 ps 0.4 "
                             f"title {gp_quote(name)}")
        if plots:
            out = os.path.join(outdir, "proctime.png")
            script += [f"set output {gp_quote(out)}", 'set title "Processing time per item"',
                       'set xlabel "time (s)"', 'set ylabel "ms per item"', "set logscale y",
                       "plot " + ", ".join(plots)]
            written.append(out)

    gp = os.path.join(work, "plot.gp")
    with open(gp, "w") as f:
        f.write("\n".join(script) + "\n")
    proc = subprocess.run([gnuplot, gp], capture_output=True, text=True)
    shutil.rmtree(work, ignore_errors=True)
    if proc.returncode != 0:
        raise RuntimeError("gnuplot failed: " + proc.stderr.strip())
    return written


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("trace", help="the GST_TRACER log (GST_DEBUG_FILE)")
    ap.add_argument("outdir", nargs="?", help="where to write the PNGs")
    ap.add_argument("--no-plots", action="store_true", help="print the table only")
    args = ap.parse_args()

    try:
        elements, queues = read_trace(args.trace)
    except OSError as e:
        print(f"workerstats-plot: cannot read {args.trace}: {e.strerror}", file=sys.stderr)
        return 1
    if not elements and not queues:
        print(f"workerstats-plot: no workerstats records in {args.trace} (run with "
              "GST_TRACERS=workerstats GST_DEBUG=GST_TRACER:7 GST_DEBUG_FILE=...)",
              file=sys.stderr)
        return 1
    print(summary(elements, queues))
    if args.no_plots:
        return 0
    if not args.outdir:
        print("workerstats-plot: give an output directory, or --no-plots", file=sys.stderr)
        return 2
    gnuplot = shutil.which("gnuplot")
    if not gnuplot:
        print("workerstats-plot: gnuplot is not installed (apt-get install gnuplot-nox)",
              file=sys.stderr)
        return 1
    try:
        for out in plot(elements, queues, args.outdir, gnuplot):
            print(f"wrote {out}")
    except (RuntimeError, OSError) as e:
        print(f"workerstats-plot: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
