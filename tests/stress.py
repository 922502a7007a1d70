#!/usr/bin/python3
"""make test-stress: the whole test suite, N times in a row, while
stress-ng keeps both cores and some memory busy. Prints every failure
with its test and message, and a final count; exits 1 if any run failed.

A test that passes alone but fails under load waits for a time instead of
a condition, or assumes an order between threads that nothing guarantees:
this finds those before a loaded CI machine does.

Each run's log is build/meson-logs/stress-RUN.txt (and .json).
"""

import argparse
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time

# gstcheck's failure lines: FILE:LINE:F:TCASE:TEST:ITER: MESSAGE
# (E for an error, such as a timeout or a crash, in the forked test)
CHECK_FAILURE = re.compile(r"^\S+:\d+:[FE]:[^:]*:[^:]*:\d+:.*$")
# what GLib and GStreamer print on a fatal critical, a crash or an abort
OTHER_FAILURE = re.compile(
    r"(CRITICAL \*\*|ERROR \*\*|Segmentation fault|Aborted|"
    r"Unexpected critical/warning|AddressSanitizer|Assertion .* failed|"
    r"^FAIL|^E   |Error:)")


def failure_lines(test):
    """The lines of a failed test's output that say what failed."""
    out = (test.get("stdout") or "").splitlines()
    lines = [l for l in out if CHECK_FAILURE.match(l)]
    if not lines:
        lines = [l for l in out if OTHER_FAILURE.search(l)][:5]
    if not lines:
        lines = [l for l in out if l.strip()][-3:]
    if test["result"] == "TIMEOUT":
        lines.insert(0, "timed out after %.0f s" % test.get("duration", 0))
    elif not lines:
        lines = ["exit status %s, no output" % test.get("returncode")]
    return lines


def run_suite(build, run, extra):
    logbase = "stress-%d" % run
    cmd = ["meson", "test", "-C", build, "--no-rebuild",
           "--logbase", logbase] + extra
    path = os.path.join(build, "meson-logs", logbase + ".json")
    # an earlier stress run's log must not pass for this one's when meson
    # test cannot run (it writes none then)
    for ext in (".json", ".txt", ".junit.xml"):
        if os.path.exists(path[:-len(".json")] + ext):
            os.unlink(path[:-len(".json")] + ext)
    t0 = time.monotonic()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)
    secs = time.monotonic() - t0
    failed, total = [], 0
    if not os.path.exists(path):
        # meson test itself failed (a build directory being rebuilt, ...)
        lines = [l for l in proc.stdout.splitlines() if l.strip()][-3:]
        return [{"name": "meson test", "result": "ERROR",
                 "stdout": "\n".join(lines) or "no output",
                 "returncode": proc.returncode}], 0, secs
    with open(path) as f:
        for line in f:
            test = json.loads(line)
            total += 1
            if test["result"] not in ("OK", "SKIP", "EXPECTEDFAIL"):
                failed.append(test)
    if proc.returncode != 0 and not failed:
        # meson test failed but no test did (tests missing from the build)
        lines = [l for l in proc.stdout.splitlines() if l.strip()][-3:]
        failed.append({"name": "meson test", "result": "ERROR",
                       "stdout": "\n".join(lines) or "no output",
                       "returncode": proc.returncode})
    return failed, total, secs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--load", default="--cpu 2 --vm 1 --vm-bytes 512M",
                    help="stress-ng's arguments (default: %(default)s), "
                    "or 'none'")
    ap.add_argument("meson_test_args", nargs="*",
                    help="more arguments for meson test (after --)")
    args = ap.parse_args()

    stress = None
    if args.load != "none":
        exe = shutil.which("stress-ng")
        if not exe:
            sys.exit("test-stress: stress-ng is not installed "
                     "(apt-get install stress-ng, or make deps)")
        # its own process group, so that ending it ends its workers too
        stress = subprocess.Popen([exe, "--quiet"] + shlex.split(args.load),
                                  stdout=subprocess.DEVNULL,
                                  start_new_session=True)
        print("load: stress-ng %s (pid %d)" % (args.load, stress.pid))

    failures = []       # (run, test name, lines)
    failed_runs = 0
    try:
        for run in range(1, args.runs + 1):
            failed, total, secs = run_suite(args.build, run,
                                            args.meson_test_args)
            status = "ok" if not failed else "%d failed" % len(failed)
            print("run %d/%d: %d tests, %s (%.0f s)" % (run, args.runs, total,
                                                       status, secs),
                  flush=True)
            if failed:
                failed_runs += 1
            for test in failed:
                lines = failure_lines(test)
                failures.append((run, test["name"], lines))
                print("  FAIL %s (%s)" % (test["name"], test["result"]))
                for l in lines:
                    print("    " + l)
                sys.stdout.flush()
    finally:
        if stress:
            os.killpg(stress.pid, signal.SIGTERM)
            stress.wait()

    print()
    print("test-stress: %d runs of the whole suite, %d failures in %d runs"
          % (args.runs, len(failures), failed_runs))
    by_test = {}
    for run, name, lines in failures:
        by_test.setdefault(name, []).append(run)
    for name, runs in sorted(by_test.items()):
        print("  %s: failed in run%s %s" % (name, "s" if len(runs) > 1 else "",
                                           ", ".join(map(str, runs))))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
