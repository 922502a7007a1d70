/* gst-workers: the Python interpreter of Python workers, from C
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Python workers run in the interpreter of GStreamer's python plugin
 * loader, which is never finalized: what Python's sys.stdout holds in its
 * buffer at the process's exit is lost (a pipe or a file is written in
 * blocks of 8 kB: the last block, or all of a short run's print()). The
 * programs that host workers (gst-worker-child, gst-worker-launch) make
 * its stdout and stderr line-buffered once the workers are built (each
 * line one write: whole among other processes' lines) and flush them at
 * their end. Nothing happens in a process without Python.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dlfcn.h>
#include "gstprocpython.h"

/**
 * gst_proc_python_run:
 * @code: Python statements
 *
 * Runs @code in the Python interpreter of the workers, if this process has
 * one (found by name: the program does not link Python).
 *
 * Returns: whether there was an interpreter to run it in
 */
gboolean
gst_proc_python_run (const gchar * code)
{
  gint (*initialized) (void) = dlsym (RTLD_DEFAULT, "Py_IsInitialized");
  gint (*ensure) (void) = dlsym (RTLD_DEFAULT, "PyGILState_Ensure");
  void (*release) (gint) = dlsym (RTLD_DEFAULT, "PyGILState_Release");
  gint (*run) (const gchar *) = dlsym (RTLD_DEFAULT, "PyRun_SimpleString");
  gint gil;

  if (!initialized || !ensure || !release || !run || !initialized ())
    return FALSE;
  gil = ensure ();
  run (code);
  release (gil);
  return TRUE;
}

/**
 * gst_proc_python_line_buffered:
 *
 * Python's sys.stdout and sys.stderr write line by line from now on, one
 * write a line, also under PYTHONUNBUFFERED (which makes them write
 * through: each argument and separator of a print() its own write, cut
 * by other processes' lines).
 */
void
gst_proc_python_line_buffered (void)
{
  gst_proc_python_run ("import sys\n"
      "for f in (sys.stdout, sys.stderr):\n"
      "  try: f.reconfigure(line_buffering=True, write_through=False)\n"
      "  except Exception: pass\n");
}

/**
 * gst_proc_python_flush:
 *
 * Writes out what Python's sys.stdout and sys.stderr hold: at the end of
 * the program.
 */
void
gst_proc_python_flush (void)
{
  gst_proc_python_run ("import sys\n"
      "for f in (sys.stdout, sys.stderr):\n"
      "  try: f.flush()\n"
      "  except Exception: pass\n");
}
