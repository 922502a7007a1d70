"""
The figures of a run (medians, ratios, targets) and what is written of
them: the tables, the plots, RESULTS.md, results.json, the history kept
per commit, the README's tables and the machine they were measured on.
"""

import dataclasses
import json
import os
import platform
import re
import shutil
import statistics
import subprocess

from benchbase import (ARGS, PYTHON, ROOT, Bench, BenchFailure, CostBench, Target, fmt_rate,
                       fmt_ratio, fmt_us, log)

def cost_table(bench: CostBench, summary: dict) -> str:
    base = summary["per_element"][bench.baseline]
    base_label = next(l for n, l, _ in bench.elements if n == bench.baseline)
    lines = ["| element | instructions per item and element | relative speed "
             f"({base_label.split(' (')[0]} = 1) |", "|---|---|---|"]
    for name, label, _ in bench.elements:
        cost = summary["per_element"][name]
        speed = base / cost if cost > 0 else float("nan")
        lines.append(f"| {label} | **{cost:,.0f}** | {speed:.2f}x |")
    lines.append(f"| (the source and sink, per item) | {summary['empty_chain']:,.0f} | |")
    chains = summary.get("chains")
    if chains:
        ours_label = next(l for n, l, _ in bench.elements if n == "ours")
        lines += ["", f"| chain with queues | {ours_label} instructions per item | "
                  f"{base_label} instructions per item | counted throughput, ours / stock | "
                  "target |", "|---|---|---|---|---|"]
        for stages, row in chains.items():
            ratio = row[bench.baseline] / row["ours"] if row["ours"] > 0 else float("nan")
            met = "met" if ratio >= bench.chain_target else "**not met**"
            lines.append(f"| {stages} worker{'s' if stages != '1' else ''} | "
                         f"{row['ours']:,.0f} | {row[bench.baseline]:,.0f} | **{ratio:.3f}x** | "
                         f">= {bench.chain_target}x stock: {met} |")
    lines.append("")
    total = summary["heartbeat"] + summary.get("heartbeat_dispatch", 0)
    lines.append(f"A heartbeat costs **{total:,.0f}** instructions: "
                 f"{summary['heartbeat']:,.0f} to post it (the core's stats built, the message "
                 f"posted) and {summary.get('heartbeat_dispatch', 0):,.0f} to receive it (the "
                 "controller's bus watch: the dispatch, its callback, the watchdog's update).")
    return "\n".join(lines)


@dataclasses.dataclass
class Stat:
    median: float
    low: float
    high: float


def stat(values: "list[float]") -> Stat:
    return Stat(statistics.median(values), min(values), max(values))


def rates(runs: "list[dict]") -> "list[float]":
    return [r["items_per_s"] for r in runs]


def paired_ratio(runs: "list[dict]", base: "list[dict]") -> Stat:
    return stat([a / b for a, b in zip(rates(runs), rates(base))])


def summarize(bench: Bench, results: dict) -> dict:
    out = {}
    for case in bench.cases:
        row = {}
        base = results[case.label][bench.baseline]
        for v in case.variants:
            runs = results[case.label][v.name]
            row[v.name] = {
                "items_per_s": dataclasses.asdict(stat(rates(runs))),
                "latency_median_us": statistics.median(r["latency_us"]["median"] for r in runs),
                "latency_p99_us": statistics.median(r["latency_us"]["p99"] for r in runs),
                "cpu_percent": statistics.median(r["cpu_percent"] for r in runs),
                # what the rest of the machine used during these runs, cores
                "other_cores": dataclasses.asdict(stat([r.get("other_cores", 0.0)
                                                         for r in runs])),
                "ratio": dataclasses.asdict(paired_ratio(runs, base)),
                # how many times shorter than the baseline's, per round
                "latency_ratio": dataclasses.asdict(stat(
                    [b["latency_us"]["median"] / max(r["latency_us"]["median"], 1e-3)
                     for r, b in zip(runs, base)])),
                "runs": runs,
            }
        out[case.label] = row
    return out


def target_status(bench: Bench, summary: dict) -> "list[tuple[Target, float, bool]]":
    out = []
    for t in bench.targets:
        ratio = summary[t.case][t.variant]["ratio"]["median"]
        out.append((t, ratio, ratio >= t.minimum))
    return out


def table(bench: Bench, summary: dict) -> str:
    variants = bench.cases[0].variants
    others = [v for v in variants if v.name != bench.baseline]
    base = next(v for v in variants if v.name == bench.baseline)
    head = ["case"] + [f"{v.label} items/s" for v in variants]
    if bench.latency:
        head += [f"{v.label} latency median / p99" for v in variants]
    short = {v.name: v.label.split(' (')[0] for v in variants}
    if len(set(short.values())) < len(short):  # "ours (a)", "ours (b)": keep them apart
        short = {v.name: v.label for v in variants}
    head += [f"{short[v.name]} / {short[base.name]} items/s" for v in others]
    if bench.latency:
        head += [f"{short[base.name]} / {short[v.name]} latency" for v in others]
    head += ["target"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    status = {(t.case, t.variant): (t, ok) for t, _, ok in target_status(bench, summary)}
    for case in bench.cases:
        row = summary[case.label]
        cells = [case.label]
        for v in variants:
            s = row[v.name]["items_per_s"]
            cells.append(f"**{fmt_rate(s['median'])}** ({fmt_rate(s['low'])}–{fmt_rate(s['high'])})")
        if bench.latency:
            for v in variants:
                cells.append(f"{fmt_us(row[v.name]['latency_median_us'])} / "
                             f"{fmt_us(row[v.name]['latency_p99_us'])}")
        for v in others:
            r = row[v.name]["ratio"]
            cells.append(f"**{fmt_ratio(r['median'])}** ({fmt_ratio(r['low'])}–{fmt_ratio(r['high'])})")
        if bench.latency:
            for v in others:
                r = row[v.name]["latency_ratio"]
                cells.append(f"{fmt_ratio(r['median'])} ({fmt_ratio(r['low'])}–{fmt_ratio(r['high'])})")
        marks = [f"{t.text}: {'met' if ok else '**not met**'}"
                 for (c, _), (t, ok) in status.items() if c == case.label]
        cells.append("; ".join(marks) if marks else "")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def load_line(bench: Bench, summary: dict) -> "str | None":
    """The load each row was measured under: the CPU other processes used
    during its runs (cores; 2 is the whole machine), median (min-max)."""
    parts = []
    for case in bench.cases:
        loads = [r.get("other_cores") for v in summary[case.label].values()
                 for r in v.get("runs", []) if r.get("other_cores") is not None]
        if loads:
            s = stat(loads)
            parts.append(f"{case.label}: {s.median:.2f} ({s.low:.2f}–{s.high:.2f})"
                         if len(bench.cases) > 1 else f"{s.median:.2f} ({s.low:.2f}–{s.high:.2f})")
    if not parts:
        return None
    return ("Load: the CPU other processes used during each run, in cores (of 2), median "
            "(min–max) over the runs: " + "; ".join(parts) + ".")


def plot(bench: Bench, summary: dict, png: str, workdir: str) -> bool:
    """Bar charts of items/s (median, min-max bars), and of latency (median,
    p99) when the benchmark shows it. False without gnuplot."""
    gnuplot = shutil.which("gnuplot")
    if not gnuplot:
        log("gnuplot not found: no plot (install gnuplot-nox)")
        return False
    variants = bench.cases[0].variants
    dat = os.path.join(workdir, f"{bench.key}.dat")
    with open(dat, "w") as f:
        for case in bench.cases:
            cols = [f'"{case.label}"']
            for v in variants:
                row = summary[case.label][v.name]
                s = row["items_per_s"]
                cols += [f"{s['median']:.6g}", f"{s['low']:.6g}", f"{s['high']:.6g}",
                         f"{row['latency_median_us']:.6g}", f"{row['latency_p99_us']:.6g}"]
            f.write(" ".join(cols) + "\n")
    k = 5  # columns per variant
    rate_series = ", ".join(
        f"'{dat}' using {2 + k * i}:{3 + k * i}:{4 + k * i}:xtic(1) title '{v.label}'"
        for i, v in enumerate(variants))
    # latency: median as the bar, p99 as the top of its error bar
    lat_series = ", ".join(
        f"'{dat}' using {5 + k * i}:{5 + k * i}:{6 + k * i}:xtic(1) title '{v.label}'"
        for i, v in enumerate(variants))
    common = f"""
set style data histogram
set style histogram errorbars gap 2 lw 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set grid ytics
set key top right
set xrange [-0.6:{len(bench.cases) - 0.4}]
"""
    log_y = "set logscale y\nset yrange [1:*]" if bench.log_scale else "set yrange [0:*]"
    if bench.latency:
        script = f"""
set terminal pngcairo size 900,820 font 'sans,10'
set output '{png}'
{common}
set multiplot layout 2,1 title "{bench.title}"
set ylabel 'items/s (median, bars: min-max)'
{log_y}
plot {rate_series}
set ylabel 'latency, µs (median, bar to p99)'
set logscale y
set yrange [10:*]
plot {lat_series}
unset multiplot
"""
    else:
        script = f"""
set terminal pngcairo size 900,480 font 'sans,10'
set output '{png}'
{common}
set title "{bench.title}"
set ylabel 'items/s (median, bars: min-max)'
{log_y}
plot {rate_series}
"""
    gp = os.path.join(workdir, f"{bench.key}.gp")
    with open(gp, "w") as f:
        f.write(script)
    proc = subprocess.run([gnuplot, gp], capture_output=True, text=True)
    if proc.returncode != 0:
        raise BenchFailure(f"gnuplot failed on {gp}:\n{proc.stderr}")
    return True


def command_line(argv: "list[str]") -> str:
    try:
        return subprocess.run(argv, capture_output=True, text=True).stdout.strip()
    except OSError:
        return "unknown"


def machine() -> dict:
    model = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    hypervisor = re.search(r"^Hypervisor vendor:\s*(.+)$", command_line(["lscpu"]), re.M)
    gst = command_line(["gst-launch-1.0", "--version"]).splitlines()
    commit = command_line(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])
    dirty = command_line(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"])
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "virtualization": f"{hypervisor.group(1)} guest" if hypervisor else "bare metal",
        "kernel": platform.release(),
        "os": command_line(["sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"]),
        "gstreamer": gst[1] if len(gst) > 1 else "unknown",
        "python": command_line([PYTHON, "--version"]),
        "commit": commit + (" (with local changes)" if dirty else ""),
    }


def machine_line(m: dict, load: dict) -> str:
    state = ("**measured on a loaded machine**: other processes used "
             f"{load['other_cores']:.2f} cores on average meanwhile, figures are indicative"
             if load["loaded"] else
             f"quiet machine (other processes: {load['other_cores']:.2f} cores on average)")
    return (f"{m['cpu']}, {m['cores']} cores ({m['virtualization']}), Linux {m['kernel']}, "
            f"{m['os']}, {m['gstreamer']}, {m['python']}; commit {m['commit']}; "
            f"{load['date']}; {state}")


def write_outputs(out: str, benches: "list[Bench]", summaries: dict, m: dict, load: dict,
                  workdir: str) -> str:
    """Writes RESULTS.md, the plots and results.json; returns the README's
    part: the machine and the tables."""
    os.makedirs(out, exist_ok=True)
    sections, tables = [], []
    for bench in benches:
        if bench.key not in summaries:
            text = f"Not run: needs {', '.join(bench.needs)}, not built here yet.\n"
            sections.append(f"### {bench.title}\n\n{text}")
            tables.append(f"#### {bench.title}\n\n{text}")
            continue
        if isinstance(bench, CostBench):
            tab = cost_table(bench, summaries[bench.key]) if not ARGS.smoke else "(smoke run)"
            sections.append(f"### {bench.title}\n\n{bench.about}\n\n{tab}\n")
            tables.append(f"#### {bench.title}\n\n{tab}\n")
            continue
        png = os.path.join(out, f"{bench.key}.png")
        has_plot = plot(bench, summaries[bench.key], png, workdir)
        tab = table(bench, summaries[bench.key])
        load_text = load_line(bench, summaries[bench.key])
        if load_text:
            tab += "\n\n" + load_text
        note = bench.note(summaries) if bench.note else None
        if note:
            tab += "\n\n" + note
        sections.append(f"### {bench.title}\n\n{bench.about}\n\n{tab}\n"
                        + (f"\n![{bench.key}]({bench.key}.png)\n" if has_plot else ""))
        tables.append(f"#### {bench.title}\n\n{tab}\n")
    rounds = ", ".join(f"{b.key} {1 if ARGS.smoke else b.rounds}" for b in benches
                       if b.key in summaries and isinstance(b, Bench))
    method = (
        f"Runs per figure: {rounds}; sides interleaved, one process per run. "
        "Figures: **median** (min–max) over the runs; ratios: median (min–max) of the "
        "per-round ratios. Throughput is the arrival rate at the sink after the first 10% "
        "of the items (warm-up). Every run checked that all items arrived, in order, and "
        "recorded the load: the CPU other processes used while it ran.")
    text = (
        "# gst-workers benchmark results\n\n"
        f"Machine: {machine_line(m, load)}.\n\n"
        f"Written by `make bench` (tests/bench/run.py{' --smoke' if ARGS.smoke else ''}). "
        f"{method}\n\n" + "\n".join(sections))
    with open(os.path.join(out, "RESULTS.md"), "w") as f:
        f.write(text)
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump({"machine": m, "load": load, "smoke": ARGS.smoke, "results": summaries}, f,
                  indent=1)
    return (f"Machine: {machine_line(m, load)}.\n\n{method} What each benchmark runs, "
            "and the plots: [tests/bench/results/RESULTS.md](tests/bench/results/RESULTS.md).\n\n"
            + "\n".join(tables))


def keep_history(out: str, m: dict, load: dict, summaries: dict) -> str:
    """Keeps this run's results as history/<commit>.json beside results.json
    (compare.py, `make bench-compare`, compares the newest two). A run of a
    few benchmarks (--only) adds them to its commit's file."""
    history = os.path.join(out, "history")
    os.makedirs(history, exist_ok=True)
    commit = m["commit"].split()[0] or "unknown"
    path = os.path.join(history, f"{commit}.json")
    results = {}
    if os.path.exists(path):
        try:
            with open(path) as f:
                kept = json.load(f)
            if kept.get("smoke") == ARGS.smoke:
                results = kept.get("results", {})
        except (OSError, ValueError):
            pass
    results.update(summaries)
    with open(path, "w") as f:
        json.dump({"machine": m, "load": load, "smoke": ARGS.smoke, "results": results}, f,
                  indent=1)
    return path


def update_readme(body: str) -> None:
    """Puts the result tables between the README's bench markers."""
    readme = os.path.join(ROOT, "README.md")
    begin, end = "<!-- bench-results:begin -->", "<!-- bench-results:end -->"
    with open(readme) as f:
        content = f.read()
    if begin not in content or end not in content:
        log("README.md has no bench markers: not updated")
        return
    new = content.split(begin)[0] + begin + "\n" + body.strip() + "\n" + end + content.split(end, 1)[1]
    with open(readme, "w") as f:
        f.write(new)
