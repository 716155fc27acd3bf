// The floor under any signal-based sampling profiler on this machine, without V8: what one
// sample's wake-up and signal cost in CPU time. V8's sampler thread (SamplingEventsProcessor)
// sleeps until the next sample time, then sends SIGPROF to the JavaScript thread with tgkill;
// this program does the same with an empty handler and a busy worker thread, so its figures are
// what the kernel and the hypervisor charge, whatever the profiler does with the sample.
//
// Usage: signal-floor [HZ] [SECONDS] [ROUNDS]; prints one JSON line: median CPU microseconds per
// sample of the sender for a bare timed wake-up and for a wake-up plus tgkill. The receiving
// thread pays for each signal too (entry, handler, sigreturn), so the real floor is higher; its
// share cannot be read apart here (kernels with tick-based CPU accounting split user from system
// time by 4 ms ticks).
// Built and run by bench/profiler.ts when a C compiler is on PATH.
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static atomic_int stop_flag;
static atomic_int worker_tid;
static volatile unsigned long sink;

static void on_signal(int signo) { (void)signo; }

static double thread_cpu_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double monotonic_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void *busy_worker(void *unused) {
  (void)unused;
  atomic_store(&worker_tid, (int)syscall(SYS_gettid));
  while (!atomic_load(&stop_flag)) {
    for (int i = 0; i < 1000; i++) sink++;
  }
  return NULL;
}

// One round: wake up `hz` times a second for `seconds`, sending SIGPROF to the worker when
// `send`; returns the sender's CPU microseconds per wake-up.
static double round_micros(int hz, double seconds, int send) {
  int tid = atomic_load(&worker_tid);
  double cpu0 = thread_cpu_seconds();
  double end = monotonic_seconds() + seconds;
  long wakeups = 0;
  struct timespec next;
  clock_gettime(CLOCK_MONOTONIC, &next);
  while (monotonic_seconds() < end) {
    next.tv_nsec += 1000000000L / hz;
    if (next.tv_nsec >= 1000000000L) {
      next.tv_sec++;
      next.tv_nsec -= 1000000000L;
    }
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
    if (send) syscall(SYS_tgkill, getpid(), tid, SIGPROF);
    wakeups++;
  }
  return (thread_cpu_seconds() - cpu0) / (double)(wakeups > 0 ? wakeups : 1) * 1e6;
}

static int compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *values, int count) {
  qsort(values, (size_t)count, sizeof *values, compare_doubles);
  return count % 2 ? values[count / 2] : (values[count / 2 - 1] + values[count / 2]) / 2;
}

int main(int argc, char **argv) {
  int hz = argc > 1 ? atoi(argv[1]) : 100;
  double seconds = argc > 2 ? atof(argv[2]) : 2;
  int rounds = argc > 3 ? atoi(argv[3]) : 5;
  if (hz <= 0 || hz > 10000 || !(seconds > 0) || rounds <= 0 || rounds > 100) {
    fprintf(stderr, "usage: signal-floor [HZ 1-10000] [SECONDS > 0] [ROUNDS 1-100]\n");
    return 2;
  }
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = on_signal;
  action.sa_flags = SA_RESTART;
  sigaction(SIGPROF, &action, NULL);
  pthread_t worker;
  if (pthread_create(&worker, NULL, busy_worker, NULL) != 0) {
    fprintf(stderr, "signal-floor: cannot start the worker thread\n");
    return 1;
  }
  while (atomic_load(&worker_tid) == 0) usleep(1000);
  double wake[100], signal[100];
  for (int r = 0; r < rounds; r++) {
    wake[r] = round_micros(hz, seconds, 0);
    signal[r] = round_micros(hz, seconds, 1);
  }
  atomic_store(&stop_flag, 1);
  pthread_join(worker, NULL);
  double wake_median = median(wake, rounds);
  double signal_median = median(signal, rounds);
  printf(
      "{\"hz\":%d,\"rounds\":%d,\"secondsPerRound\":%g,\"senderWakeMicros\":%.1f,\"senderWakeAndSignalMicros\":%.1f,"
      "\"senderShareOfOneCpu\":%.4f}\n",
      hz, rounds, seconds, wake_median, signal_median, signal_median * hz / 1e6);
  return 0;
}
