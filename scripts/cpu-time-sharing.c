// M/G/1 on one CPU under the kernel's own scheduler: how Linux time-shares a CPU among runnable
// threads, the reference for the twin's processor-sharing model (models/measurements/
// cpu-time-sharing.md). Jobs arrive as a Poisson stream; each takes a pooled thread pinned to
// WORKER_CPU, which runs until its own CPU time (CLOCK_THREAD_CPUTIME_ID) has grown by the job's
// demand (lognormal, mean MEAN_MS, coefficient of variation CV). The response time is from the
// arrival to the end of that CPU time. The arrival thread sleeps on GEN_CPU between arrivals.
//
//   cc -O2 -pthread -o cpu-time-sharing scripts/cpu-time-sharing.c -lm
//   ./cpu-time-sharing WORKER_CPU GEN_CPU MEAN_MS CV LOAD SECONDS SEED
//
// Prints one JSON object: the jobs after the first 10% (warm-up), their mean demand and response,
// the slowdown (response / demand) by demand quartile, and WORKER_CPU's busy share over the run
// from /proc/stat (this program's jobs and anything else that ran there).
#define _GNU_SOURCE
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define POOL 512

struct worker {
  pthread_t thread;
  sem_t wake;
  atomic_int busy;
  int job;
};

static struct worker workers[POOL];
static double *demand_ns;
static double *arrived_ns;
static double *done_ns;
static int worker_cpu;

static double now_ns(clockid_t clock) {
  struct timespec t;
  clock_gettime(clock, &t);
  return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static void pin(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (sched_setaffinity(0, sizeof set, &set) != 0) {
    perror("sched_setaffinity");
    exit(1);
  }
}

static void *work(void *arg) {
  struct worker *self = arg;
  pin(worker_cpu);
  for (;;) {
    sem_wait(&self->wake);
    int job = self->job;
    if (job < 0) return NULL;
    double start = now_ns(CLOCK_THREAD_CPUTIME_ID);
    while (now_ns(CLOCK_THREAD_CPUTIME_ID) - start < demand_ns[job]) {
    }
    done_ns[job] = now_ns(CLOCK_MONOTONIC);
    atomic_store(&self->busy, 0);
  }
}

// splitmix64: a small, well-mixed generator, so a seed gives the same jobs everywhere.
static uint64_t state;
static double uniform(void) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return ((double)(z >> 11) + 0.5) / 9007199254740992.0;
}

static double normal(void) {
  return sqrt(-2.0 * log(uniform())) * cos(2.0 * M_PI * uniform());
}

// /proc/stat's busy and total ticks for one CPU.
static void cpu_ticks(int cpu, double *busy, double *total) {
  FILE *f = fopen("/proc/stat", "r");
  char name[32];
  unsigned long long v[10];
  char line[512];
  *busy = *total = 0;
  if (f == NULL) return;
  snprintf(name, sizeof name, "cpu%d ", cpu);
  while (fgets(line, sizeof line, f) != NULL) {
    if (strncmp(line, name, strlen(name)) != 0) continue;
    memset(v, 0, sizeof v);
    sscanf(line + strlen(name), "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
           &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]);
    // user nice system idle iowait irq softirq steal guest guest_nice; guest time is in user.
    double all = 0;
    for (int i = 0; i < 8; i++) all += (double)v[i];
    *total = all;
    *busy = all - (double)v[3] - (double)v[4];
  }
  fclose(f);
}

static int by_demand(const void *a, const void *b) {
  double x = demand_ns[*(const int *)a], y = demand_ns[*(const int *)b];
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  if (argc != 8) {
    fprintf(stderr, "usage: %s WORKER_CPU GEN_CPU MEAN_MS CV LOAD SECONDS SEED\n", argv[0]);
    return 2;
  }
  worker_cpu = atoi(argv[1]);
  int gen_cpu = atoi(argv[2]);
  double mean_ms = atof(argv[3]), cv = atof(argv[4]), load = atof(argv[5]), seconds = atof(argv[6]);
  state = strtoull(argv[7], NULL, 10);
  if (!(mean_ms > 0 && cv >= 0 && load > 0 && load < 1 && seconds > 0)) {
    fprintf(stderr, "cpu-time-sharing: need MEAN_MS > 0, CV >= 0, 0 < LOAD < 1, SECONDS > 0\n");
    return 2;
  }
  double mean_ns = mean_ms * 1e6;
  int jobs = (int)(seconds * 1e9 * load / mean_ns);
  demand_ns = calloc(jobs, sizeof(double));
  arrived_ns = calloc(jobs, sizeof(double));
  done_ns = calloc(jobs, sizeof(double));
  double *due = calloc(jobs, sizeof(double));
  // Lognormal with mean m and CV c: sigma^2 = ln(1 + c^2), mu = ln m - sigma^2 / 2.
  double sigma = sqrt(log(1 + cv * cv)), mu = log(mean_ns) - sigma * sigma / 2;
  double t = 0;
  for (int i = 0; i < jobs; i++) {
    t += -log(uniform()) * mean_ns / load;
    due[i] = t;
    demand_ns[i] = cv > 0 ? exp(mu + sigma * normal()) : mean_ns;
  }

  for (int k = 0; k < POOL; k++) {
    sem_init(&workers[k].wake, 0, 0);
    workers[k].job = -1;
    pthread_create(&workers[k].thread, NULL, work, &workers[k]);
  }
  pin(gen_cpu);
  struct timespec settle = {0, 200000000};
  nanosleep(&settle, NULL);

  double busy0, total0, busy1, total1;
  cpu_ticks(worker_cpu, &busy0, &total0);
  double start = now_ns(CLOCK_MONOTONIC);
  int exhausted = 0;
  for (int i = 0; i < jobs; i++) {
    double at = start + due[i];
    struct timespec when = {(time_t)(at / 1e9), (long)fmod(at, 1e9)};
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &when, NULL);
    struct worker *w = NULL;
    for (int k = 0; k < POOL && w == NULL; k++) {
      int idle = 0;
      if (atomic_compare_exchange_strong(&workers[(i + k) % POOL].busy, &idle, 1)) w = &workers[(i + k) % POOL];
    }
    if (w == NULL) {
      exhausted++;
      done_ns[i] = arrived_ns[i] = -1;
      continue;
    }
    w->job = i;
    arrived_ns[i] = now_ns(CLOCK_MONOTONIC);
    sem_post(&w->wake);
  }
  // Wait for the last jobs, then stop the pool.
  for (int k = 0; k < POOL; k++)
    while (atomic_load(&workers[k].busy)) nanosleep(&(struct timespec){0, 1000000}, NULL);
  double end = now_ns(CLOCK_MONOTONIC);
  cpu_ticks(worker_cpu, &busy1, &total1);
  for (int k = 0; k < POOL; k++) {
    workers[k].job = -1;
    sem_post(&workers[k].wake);
    pthread_join(workers[k].thread, NULL);
  }

  int first = jobs / 10, counted = 0;
  double demand_sum = 0, response_sum = 0, arrival_lag = 0;
  int *order = calloc(jobs, sizeof(int));
  for (int i = first; i < jobs; i++) {
    if (arrived_ns[i] < 0) continue;
    order[counted++] = i;
    demand_sum += demand_ns[i];
    response_sum += done_ns[i] - arrived_ns[i];
    arrival_lag += arrived_ns[i] - (start + due[i]);
  }
  qsort(order, counted, sizeof(int), by_demand);
  double all_demand = 0;
  for (int i = 0; i < jobs; i++) all_demand += demand_ns[i];
  printf("{\"jobs\":%d,\"meanDemandMs\":%.4f,\"meanResponseMs\":%.4f,\"offeredLoad\":%.4f,", counted,
         demand_sum / counted / 1e6, response_sum / counted / 1e6, all_demand / (end - start));
  printf("\"workerCpuBusy\":%.4f,\"meanArrivalLagUs\":%.1f,\"poolExhausted\":%d,\"slowdownByQuartile\":[",
         total1 > total0 ? (busy1 - busy0) / (total1 - total0) : -1.0, arrival_lag / counted / 1e3, exhausted);
  for (int q = 0; q < 4; q++) {
    double d = 0, r = 0;
    int lo = counted * q / 4, hi = counted * (q + 1) / 4;
    for (int j = lo; j < hi; j++) {
      d += demand_ns[order[j]];
      r += done_ns[order[j]] - arrived_ns[order[j]];
    }
    printf("%s{\"meanDemandMs\":%.4f,\"slowdown\":%.4f}", q ? "," : "", d / (hi - lo) / 1e6, r / d);
  }
  printf("]}\n");
  return 0;
}
