/*
 * Where a ping-pong hop's time goes, measured from inside a process without
 * changing its code: an LD_PRELOAD library (bench/critical-path.js builds it
 * with -shared) that wraps the C library's epoll waits, receives and sends
 * and, for each datagram received and answered, times on the monotonic
 * clock
 *
 *   wake      from the return of the event loop's epoll wait to the
 *             entry of the receive that brings the datagram (the loop's
 *             dispatch, in user space),
 *   recv      that receive's system call,
 *   answer    from its return to the entry of the send that answers it
 *             (everything the library and its callback do in user space
 *             before the answer leaves: on the critical path of a
 *             ping-pong between two processes),
 *   send      the answer's send system call,
 *   tail      from the send's return to the entry of the next epoll wait,
 *
 * and counts the hops whose answer left from CPU 0.
 *
 * A hop counts only when a wait, a receive that brought data and a send
 * follow one another on one thread. At exit the library writes the medians
 * (and the 90th percentiles) as one JSON object to
 * $UV_UDP_CRITICAL_PATH_DIR/<pid>.json; nothing when that is unset or fewer
 * than 100 hops were seen.
 *
 * The wrappers cost five clock readings a hop (three before the answer
 * leaves, about 0.1 us here, two after it); the
 * executable's own symbols are not reached (Node's napi_* functions are
 * not wrapped), only the C library's.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_HOPS 400000

static uint64_t wake_ns[MAX_HOPS], recv_ns[MAX_HOPS], answer_ns[MAX_HOPS], send_ns[MAX_HOPS], tail_ns[MAX_HOPS];
static int cpu0_hops;
static int hops;
/* This thread's last wait's return, its receive's entry and return (0: none yet). */
static __thread uint64_t woke, received_entry, received;
/* The slot of this thread's last hop, its send's return (tail pending until the next wait). */
static __thread int last_hop = -1;
static __thread uint64_t sent;

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void *next(const char *name) {
  void *f = dlsym(RTLD_NEXT, name);
  if (f == NULL) abort();
  return f;
}

static void waited(void) {
  woke = now_ns();
  received = 0;
}

static void got(uint64_t entry, long n) {
  if (n > 0 && woke != 0 && received == 0) {
    received_entry = entry;
    received = now_ns();
  }
}

static int sending(void) {
  if (woke == 0 || received == 0) return -1;
  uint64_t t = now_ns();
  /* One slot per hop, claimed atomically: the JS thread sends, but the
   * reactor or a C library's threads may too. */
  int i = __atomic_fetch_add(&hops, 1, __ATOMIC_RELAXED);
  if (i < MAX_HOPS) {
    wake_ns[i] = received_entry - woke;
    recv_ns[i] = received - received_entry;
    answer_ns[i] = t - received;
    send_ns[i] = t; /* its entry, until the send returns */
    tail_ns[i] = 0;
    if (sched_getcpu() == 0) __atomic_fetch_add(&cpu0_hops, 1, __ATOMIC_RELAXED);
  }
  woke = 0;
  return i < MAX_HOPS ? i : -1;
}

/* The answer's send returned: its duration; the tail runs until the next wait. */
static void sent_answer(int i) {
  if (i < 0) return;
  sent = now_ns();
  send_ns[i] = sent - send_ns[i];
  last_hop = i;
}

/* The event loop waits again: the tail of the last hop ends here. */
static void waiting(void) {
  if (last_hop >= 0) tail_ns[last_hop] = now_ns() - sent;
  last_hop = -1;
}

int epoll_wait(int ep, struct epoll_event *events, int max, int timeout) {
  static int (*real)(int, struct epoll_event *, int, int);
  if (real == NULL) real = next("epoll_wait");
  waiting();
  int r = real(ep, events, max, timeout);
  if (r > 0) waited();
  return r;
}

int epoll_pwait(int ep, struct epoll_event *events, int max, int timeout, const sigset_t *mask) {
  static int (*real)(int, struct epoll_event *, int, int, const sigset_t *);
  if (real == NULL) real = next("epoll_pwait");
  waiting();
  int r = real(ep, events, max, timeout, mask);
  if (r > 0) waited();
  return r;
}

int recvmmsg(int fd, struct mmsghdr *msgs, unsigned int n, int flags, struct timespec *timeout) {
  static int (*real)(int, struct mmsghdr *, unsigned int, int, struct timespec *);
  if (real == NULL) real = next("recvmmsg");
  uint64_t entry = now_ns();
  int r = real(fd, msgs, n, flags, timeout);
  got(entry, r);
  return r;
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags) {
  static ssize_t (*real)(int, struct msghdr *, int);
  if (real == NULL) real = next("recvmsg");
  uint64_t entry = now_ns();
  ssize_t r = real(fd, msg, flags);
  got(entry, r);
  return r;
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from, socklen_t *fromlen) {
  static ssize_t (*real)(int, void *, size_t, int, struct sockaddr *, socklen_t *);
  if (real == NULL) real = next("recvfrom");
  uint64_t entry = now_ns();
  ssize_t r = real(fd, buf, len, flags, from, fromlen);
  got(entry, r);
  return r;
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to, socklen_t tolen) {
  static ssize_t (*real)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
  if (real == NULL) real = next("sendto");
  int hop = sending();
  ssize_t r = real(fd, buf, len, flags, to, tolen);
  sent_answer(hop);
  return r;
}

ssize_t send(int fd, const void *buf, size_t len, int flags) {
  static ssize_t (*real)(int, const void *, size_t, int);
  if (real == NULL) real = next("send");
  int hop = sending();
  ssize_t r = real(fd, buf, len, flags);
  sent_answer(hop);
  return r;
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags) {
  static ssize_t (*real)(int, const struct msghdr *, int);
  if (real == NULL) real = next("sendmsg");
  int hop = sending();
  ssize_t r = real(fd, msg, flags);
  sent_answer(hop);
  return r;
}

int sendmmsg(int fd, struct mmsghdr *msgs, unsigned int n, int flags) {
  static int (*real)(int, struct mmsghdr *, unsigned int, int);
  if (real == NULL) real = next("sendmmsg");
  int hop = sending();
  int r = real(fd, msgs, n, flags);
  sent_answer(hop);
  return r;
}

static int by_value(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static double percentile_us(uint64_t *v, int n, int p) {
  qsort(v, n, sizeof *v, by_value);
  return v[(long)n * p / 100] / 1000.0;
}

__attribute__((destructor)) static void report(void) {
  const char *dir = getenv("UV_UDP_CRITICAL_PATH_DIR");
  int n = hops < MAX_HOPS ? hops : MAX_HOPS;
  if (dir == NULL || n < 100) return;
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/%d.json", dir, (int)getpid());
  char out[512];
  double wake50 = percentile_us(wake_ns, n, 50), wake90 = percentile_us(wake_ns, n, 90);
  double recv50 = percentile_us(recv_ns, n, 50), recv90 = percentile_us(recv_ns, n, 90);
  double answer50 = percentile_us(answer_ns, n, 50), answer90 = percentile_us(answer_ns, n, 90);
  double send50 = percentile_us(send_ns, n, 50), tail50 = percentile_us(tail_ns, n, 50);
  int len = snprintf(out, sizeof out,
                     "{\"pid\":%d,\"hops\":%d,\"wake_p50_us\":%.3f,\"wake_p90_us\":%.3f,"
                     "\"recv_p50_us\":%.3f,\"recv_p90_us\":%.3f,\"answer_p50_us\":%.3f,\"answer_p90_us\":%.3f,"
                     "\"send_p50_us\":%.3f,\"tail_p50_us\":%.3f,\"cpu0_share\":%.3f}\n",
                     (int)getpid(), n, wake50, wake90, recv50, recv90, answer50, answer90, send50, tail50,
                     (double)cpu0_hops / n);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return;
  if (write(fd, out, len) != len) {
    /* Nothing to do at exit: the runner reports a missing side. */
  }
  close(fd);
}
