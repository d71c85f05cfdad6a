/*
 * The C reference of the benchmark: what one thread with posix_spawn, pipes, pidfds and epoll does on this
 * machine, so that every figure of bench/run has a native yardstick measured in the same run.
 *
 *   ref w1 TOTAL INFLIGHT   spawn /bin/true (stdio on /dev/null) TOTAL times, INFLIGHT at once; reap by pidfd
 *   ref w2 CHILDREN BYTES   CHILDREN x `head -c BYTES /dev/zero`, stdout read through epoll
 *   ref w3 N                N round trips of 64 bytes through one `cat` (after 2,000 for warm-up)
 *   ref w4 N                N live `cat`: spawn all, echo a line through each, close stdin, reap all
 *
 * Each prints one JSON object with its figures. bench/run compiles it with gcc -O2.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static void die(const char *what) {
  perror(what);
  exit(1);
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static int pidfd_open(pid_t pid) {
  return (int) syscall(SYS_pidfd_open, pid, 0);
}

/* Spawns argv with stdin from in (or /dev/null when -1), stdout to out (or /dev/null), stderr to /dev/null. */
static pid_t spawn(char *const argv[], int in, int out) {
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  sigset_t none, all;
  pid_t pid;
  posix_spawn_file_actions_init(&fa);
  if (in >= 0) {
    posix_spawn_file_actions_adddup2(&fa, in, 0);
  } else {
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  }
  if (out >= 0) {
    posix_spawn_file_actions_adddup2(&fa, out, 1);
  } else {
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  }
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addclosefrom_np(&fa, 3);
  posix_spawnattr_init(&attr);
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  int rc = posix_spawnp(&pid, argv[0], &fa, &attr, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    errno = rc;
    die("posix_spawnp");
  }
  return pid;
}

static void reap(int pidfd) {
  siginfo_t info;
  if (syscall(SYS_waitid, P_PIDFD, pidfd, &info, WEXITED, NULL) != 0) {
    die("waitid");
  }
  close(pidfd);
}

static void add(int ep, int fd, unsigned events, long tag) {
  struct epoll_event ev = {.events = events, .data.u64 = (unsigned long) tag};
  if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
    die("epoll_ctl");
  }
}

static void w1(long total, int inflight) {
  char *argv[] = {"/bin/true", NULL};
  int ep = epoll_create1(EPOLL_CLOEXEC);
  long started = 0, done = 0;
  double t0 = now();
  struct epoll_event evs[64];
  while (done < total) {
    while (started < total && started - done < inflight) {
      int fd = pidfd_open(spawn(argv, -1, -1));
      add(ep, fd, EPOLLIN, fd);
      started++;
    }
    int n = epoll_wait(ep, evs, 64, -1);
    for (int i = 0; i < n; i++) {
      reap((int) evs[i].data.u64);
      done++;
    }
  }
  printf("{\"spawnsPerSecond\":%.3f}\n", total / (now() - t0));
}

static void w2(int children, long bytes) {
  char size[32];
  snprintf(size, sizeof size, "%ld", bytes);
  char *argv[] = {"head", "-c", size, "/dev/zero", NULL};
  int ep = epoll_create1(EPOLL_CLOEXEC);
  int pidfds[children];
  static char buf[1 << 18];
  double t0 = now();
  for (int i = 0; i < children; i++) {
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) die("pipe2");
    pidfds[i] = pidfd_open(spawn(argv, -1, p[1]));
    close(p[1]);
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    add(ep, p[0], EPOLLIN, p[0]);
  }
  long total = 0;
  int open = children;
  struct epoll_event evs[64];
  while (open > 0) {
    int n = epoll_wait(ep, evs, 64, -1);
    for (int i = 0; i < n; i++) {
      int fd = (int) evs[i].data.u64;
      for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r > 0) {
          total += r;
          continue;
        }
        if (r == 0) {
          close(fd);
          open--;
        } else if (errno != EAGAIN) {
          die("read");
        }
        break;
      }
    }
  }
  for (int i = 0; i < children; i++) reap(pidfds[i]);
  double s = now() - t0;
  if (total != bytes * children) {
    fprintf(stderr, "w2: read %ld of %ld bytes\n", total, bytes * children);
    exit(1);
  }
  printf("{\"megabytesPerSecond\":%.3f}\n", total / s / 1e6);
}

static int cmp(const void *a, const void *b) {
  long x = *(const long *) a, y = *(const long *) b;
  return x < y ? -1 : x > y;
}

static void w3(int n) {
  char *argv[] = {"cat", NULL};
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) die("pipe2");
  int pidfd = pidfd_open(spawn(argv, in[0], out[1]));
  close(in[0]);
  close(out[1]);
  fcntl(out[0], F_SETFL, O_NONBLOCK);
  int ep = epoll_create1(EPOLL_CLOEXEC);
  add(ep, out[0], EPOLLIN, 0);
  char line[64], back[64];
  memset(line, 'x', 63);
  line[63] = '\n';
  int warm = 2000;
  long *samples = calloc(n, sizeof(long));
  struct epoll_event ev;
  for (int i = 0; i < warm + n; i++) {
    double t0 = now();
    if (write(in[1], line, 64) != 64) die("write");
    int got = 0;
    while (got < 64) {
      ssize_t r = read(out[0], back + got, 64 - got);
      if (r > 0) {
        got += r;
      } else if (r < 0 && errno == EAGAIN) {
        epoll_wait(ep, &ev, 1, -1);
      } else {
        die("read");
      }
    }
    if (i >= warm) samples[i - warm] = (long) ((now() - t0) * 1e9);
  }
  close(in[1]);
  reap(pidfd);
  qsort(samples, n, sizeof(long), cmp);
  printf("{\"p50Micros\":%.3f,\"p99Micros\":%.3f}\n", samples[(n * 50 + 99) / 100 - 1] / 1e3,
         samples[(n * 99 + 99) / 100 - 1] / 1e3);
}

static void w4(int n) {
  char *argv[] = {"cat", NULL};
  int *ins = calloc(n, sizeof(int)), *outs = calloc(n, sizeof(int)), *pidfds = calloc(n, sizeof(int));
  int ep = epoll_create1(EPOLL_CLOEXEC);
  double t0 = now();
  for (int i = 0; i < n; i++) {
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) die("pipe2");
    pidfds[i] = pidfd_open(spawn(argv, in[0], out[1]));
    close(in[0]);
    close(out[1]);
    ins[i] = in[1];
    outs[i] = out[0];
    fcntl(out[0], F_SETFL, O_NONBLOCK);
    add(ep, out[0], EPOLLIN, i);
  }
  for (int i = 0; i < n; i++) {
    if (write(ins[i], "ping\n", 5) != 5) die("write");
  }
  int echoed = 0;
  int *got = calloc(n, sizeof(int));
  struct epoll_event evs[64];
  char buf[16];
  while (echoed < n) {
    int k = epoll_wait(ep, evs, 64, -1);
    for (int j = 0; j < k; j++) {
      int i = (int) evs[j].data.u64;
      ssize_t r;
      while ((r = read(outs[i], buf, sizeof buf)) > 0) {
        got[i] += r;
        if (got[i] == 5) echoed++;
      }
    }
  }
  for (int i = 0; i < n; i++) close(ins[i]);
  for (int i = 0; i < n; i++) {
    reap(pidfds[i]);
    close(outs[i]);
  }
  printf("{\"wallSeconds\":%.6f}\n", now() - t0);
}

int main(int argc, char **argv) {
  struct rlimit nofile;  /* w4 holds three descriptors per child: take the hard limit, as the JVM does */
  if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
    nofile.rlim_cur = nofile.rlim_max;
    setrlimit(RLIMIT_NOFILE, &nofile);
  }
  if (argc >= 4 && strcmp(argv[1], "w1") == 0) {
    w1(atol(argv[2]), atoi(argv[3]));
  } else if (argc >= 4 && strcmp(argv[1], "w2") == 0) {
    w2(atoi(argv[2]), atol(argv[3]));
  } else if (argc >= 3 && strcmp(argv[1], "w3") == 0) {
    w3(atoi(argv[2]));
  } else if (argc >= 3 && strcmp(argv[1], "w4") == 0) {
    w4(atoi(argv[2]));
  } else {
    fprintf(stderr, "usage: ref w1 TOTAL INFLIGHT | w2 CHILDREN BYTES | w3 N | w4 N\n");
    return 2;
  }
  return 0;
}
