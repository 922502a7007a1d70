# gst-workers: the Python example application (python/examples) runs.
# SPDX-License-Identifier: LGPL-2.1-or-later
import os
import subprocess
import sys

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
APP = os.path.join(ROOT, "python", "examples", "autonomy-app.py")


def test_example_app_pauses_resumes_and_drains(tmp_path):
    # chain.pipeline: 7000 items through the test workers, about 1 s
    out = subprocess.run(
        [sys.executable, APP, "--pipeline",
         os.path.join(ROOT, "pipelines", "chain.pipeline"),
         "--pause", "0.2", "--duration", "30"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "workers: a1, a2, a3, out" in out.stdout
    assert "pausing the whole system, then out alone" in out.stdout
    assert "resuming out" in out.stdout
    assert "finished: drained" in out.stdout
    assert "every queue balanced: True" in out.stdout


def test_example_app_reports_a_missing_file(tmp_path):
    out = subprocess.run([sys.executable, APP, "--pipeline",
                          str(tmp_path / "none.pipeline")],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert "none.pipeline" in out.stderr
