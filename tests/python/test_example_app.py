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


def test_readme_application_snippet_runs():
    # the first thing a Python developer copies: README's "Applications"
    # block, run as written from the top of the repository
    readme = open(os.path.join(ROOT, "README.md")).read()
    start = readme.index("**Applications.**")
    block = readme[readme.index("```python\n", start) + 10:]
    block = block[:block.index("```")]
    out = subprocess.run([sys.executable, "-c", block], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Traceback" not in out.stderr, out.stderr


def test_controller_before_gst_init_says_so():
    code = ("import gi\n"
            "gi.require_version('GstWorker', '1.0')\n"
            "from gi.repository import GLib, GstWorker\n"
            "try:\n"
            "    GstWorker.Controller.new_from_description('fakesrc ! fakesink')\n"
            "except GLib.Error as e:\n"
            "    print(e.message)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "GStreamer is not initialised" in out.stdout, out.stdout + out.stderr
    assert "Gst.init(None)" in out.stdout
