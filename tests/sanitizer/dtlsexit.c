/* gst-workers: LeakSanitizer's leak check at exit with many threads alive
 * that hold dynamic TLS blocks, as a test process has at its exit (the
 * threads of GStreamer's and GLib's pools, with the plugins' thread-locals)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GCC 12's runtime (up to GCC 13 and LLVM 16) takes a dynamic TLS block
 * that malloc put 16 bytes into a page for a glibc 2.19-2.24 block and
 * reads the two words before it (the asan chunk header) as its start and
 * size; the leak check then scans that range and its tracer dies ("Tracer
 * caught signal 11"). With a few dozen threads one block lands there nearly
 * every run. Under the asan test setup (intercept_tls_get_addr=0) this exits
 * 0: no crash, and the blocks each thread holds through its TLS are no leak.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define N_THREADS 128

static void (*touch) (void);
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int ready;                /* guarded by lock */

static void *
thread_main (void *data)
{
  touch ();
  pthread_mutex_lock (&lock);
  ready++;
  pthread_cond_broadcast (&cond);
  /* still alive at exit, as an idle pool thread is */
  for (;;)
    pthread_cond_wait (&cond, &lock);
  return data;
}

int
main (int argc, char **argv)
{
  void *module;
  int i;

  if (argc != 2) {
    fprintf (stderr, "usage: %s MODULE\n", argv[0]);
    return 2;
  }
  module = dlopen (argv[1], RTLD_NOW);
  if (module == NULL) {
    fprintf (stderr, "%s\n", dlerror ());
    return 2;
  }
  touch = (void (*) (void)) dlsym (module, "dtls_module_touch");
  if (touch == NULL) {
    fprintf (stderr, "%s\n", dlerror ());
    return 2;
  }
  for (i = 0; i < N_THREADS; i++) {
    pthread_t t;

    if (pthread_create (&t, NULL, thread_main, NULL) != 0) {
      fprintf (stderr, "cannot start thread %d\n", i);
      return 2;
    }
    pthread_detach (t);
  }
  pthread_mutex_lock (&lock);
  while (ready < N_THREADS)
    pthread_cond_wait (&cond, &lock);
  pthread_mutex_unlock (&lock);
  return 0;
}
