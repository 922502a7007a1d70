#!/usr/bin/python3
"""
compare.py (make bench-compare) on small made-up results files: the rows,
medians and ratios it reports, the newest two picked from a history, rows
only one side has, and clear errors on bad input.
"""

import contextlib
import io
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402


def fig(median):
    return {"items_per_s": {"median": median, "low": median * 0.9, "high": median * 1.1},
            "ratio": {"median": 1.0, "low": 1.0, "high": 1.0}, "runs": []}


def results(commit, date, hop_ours, hop_stock, cost_ours, extra_row=None, smoke=False):
    hop = {"1 worker": {"ours": fig(hop_ours), "stock": fig(hop_stock)}}
    if extra_row:
        hop[extra_row] = {"ours": fig(10.0), "stock": fig(20.0)}
    return {"machine": {"commit": commit}, "smoke": smoke,
            "load": {"date": date, "other_cores": 0.25},
            "results": {"hop": hop,
                        "cost": {"items": 100, "empty_chain": 500.0, "heartbeat": 0,
                                 "per_element": {"ours": cost_ours, "stock": 1000.0}}}}


class CompareTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def write(self, name, data):
        path = os.path.join(self.dir.name, name)
        with open(path, "w") as f:
            json.dump(data, f)
        return path

    def run_compare(self, *argv):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = compare.main(list(argv))
        return code, out.getvalue(), err.getvalue()

    def line(self, text, *words):
        hits = [l for l in text.splitlines() if all(w in l for w in words)]
        self.assertEqual(len(hits), 1, f"{words} in:\n{text}")
        return hits[0].split()

    def test_two_files(self):
        old = self.write("a.json", results("aaaa111", "2026-12-01 10:00", 1000.0, 1000.0, 1200.0,
                                           extra_row="8 workers"))
        new = self.write("b.json", results("bbbb222", "2026-12-02 10:00", 1500.0, 1020.0, 1100.0,
                                           extra_row="4 workers"))
        code, out, _ = self.run_compare(old, new)
        self.assertEqual(code, 0)
        self.assertIn("old: commit aaaa111, 2026-12-01 10:00, other processes 0.25 cores", out)
        self.assertIn("new: commit bbbb222", out)
        # faster beyond 10%: better; within 10%: no mark
        self.assertEqual(self.line(out, "hop: 1 worker", "ours")[-4:],
                         ["1,000", "1,500", "1.500x", "better"])
        self.assertEqual(self.line(out, "hop: 1 worker", "stock")[-3:],
                         ["1,000", "1,020", "1.020x"])
        # instructions: fewer is better (1100/1200 = 0.917, within 10%)
        self.assertEqual(self.line(out, "cost: instructions", "ours")[-3:],
                         ["1,200", "1,100", "0.917x"])
        # rows only one side has
        self.assertEqual(self.line(out, "hop: 8 workers", "ours")[-4:], ["10", "-", "only", "old"])
        self.assertEqual(self.line(out, "hop: 4 workers", "stock")[-4:], ["-", "20", "only", "new"])

    def test_worse_is_marked(self):
        old = self.write("a.json", results("a", "2026-12-01 10:00", 1000.0, 1000.0, 1000.0))
        new = self.write("b.json", results("b", "2026-12-02 10:00", 500.0, 1000.0, 1500.0))
        _, out, _ = self.run_compare(old, new)
        self.assertEqual(self.line(out, "hop: 1 worker", "ours")[-2:], ["0.500x", "WORSE"])
        self.assertEqual(self.line(out, "cost: instructions", "ours")[-2:], ["1.500x", "WORSE"])

    def test_history_newest_two(self):
        hist = os.path.join(self.dir.name, "history")
        os.makedirs(hist)
        for commit, date, rate in (("c1", "2026-12-01 10:00", 100.0),
                                   ("c3", "2026-12-03 10:00", 300.0),
                                   ("c2", "2026-12-02 10:00", 200.0)):
            self.write(os.path.join("history", f"{commit}.json"),
                       results(commit, date, rate, 1000.0, 1000.0))
        # a smoke run, newest of all, is not a figure to compare
        self.write(os.path.join("history", "c4.json"),
                   results("c4", "2026-12-04 10:00", 9.0, 9.0, 9.0, smoke=True))
        code, out, _ = self.run_compare("--history", hist)
        self.assertEqual(code, 0)
        self.assertIn("old: commit c2", out)
        self.assertIn("new: commit c3", out)
        self.assertEqual(self.line(out, "hop: 1 worker", "ours")[-4:],
                         ["200", "300", "1.500x", "better"])

    def test_errors(self):
        hist = os.path.join(self.dir.name, "history")
        os.makedirs(hist)
        self.write(os.path.join("history", "c1.json"),
                   results("c1", "2026-12-01 10:00", 1.0, 1.0, 1.0))
        code, _, err = self.run_compare("--history", hist)
        self.assertEqual(code, 2)
        self.assertIn("1 full run(s) kept, need 2", err)
        bad = self.write("bad.json", {"nothing": 1})
        code, _, err = self.run_compare(bad, bad)
        self.assertEqual(code, 2)
        self.assertIn("not a results.json", err)
        code, _, err = self.run_compare(os.path.join(self.dir.name, "missing.json"), bad)
        self.assertEqual(code, 2)
        self.assertIn("cannot read", err)


if __name__ == "__main__":
    unittest.main()
