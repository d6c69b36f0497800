/*
 * What one extra thread hop per received datagram costs a ping-pong, with no
 * JavaScript, napi or tokio in the way: the floor under uv-udp's ping-pong
 * ratio (bench/RESULTS.md, "Where a target is missed").
 *
 *   hops <round trips>
 *
 * Two UDP sockets on 127.0.0.1 bounce one 64 B datagram, one outstanding,
 * in three shapes, each timed per round trip (p50, p99 in microseconds):
 *
 *   direct   one thread: sendto, then epoll_wait on the other socket and
 *            recvfrom, as node:dgram does (libuv polls the socket on the
 *            JS thread);
 *   hop      a poller thread epoll_waits on both sockets and recvmmsg's, then
 *            wakes the "JS" thread through an eventfd, which sends the reply,
 *            as uv-udp does (the reactor thread reads, the threadsafe
 *            function's uv_async_send wakes the JS thread);
 *   eventfd  two threads bouncing an eventfd only: one thread wake-up each
 *            way, the unit the hop shape adds per datagram.
 *
 * Prints one JSON line. Loopback only.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int rounds;
static double *samples;

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void die(const char *what) {
  perror(what);
  exit(1);
}

static int udp_socket(struct sockaddr_in *addr) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  if (fd < 0) die("socket");
  memset(addr, 0, sizeof *addr);
  addr->sin_family = AF_INET;
  addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, (struct sockaddr *)addr, sizeof *addr) < 0) die("bind");
  socklen_t len = sizeof *addr;
  if (getsockname(fd, (struct sockaddr *)addr, &len) < 0) die("getsockname");
  return fd;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void report(const char *name, int last) {
  qsort(samples, rounds, sizeof *samples, cmp);
  printf("\"%s\":{\"p50\":%.1f,\"p99\":%.1f}%s", name, samples[rounds / 2], samples[rounds * 99 / 100],
         last ? "" : ",");
}

static void wait_readable(int ep) {
  struct epoll_event ev;
  while (epoll_wait(ep, &ev, 1, -1) < 1)
    if (errno != EINTR) die("epoll_wait");
}

static void add(int ep, int fd) {
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
  if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl");
}

/* --- direct: one thread, as node:dgram ------------------------------------ */

static void direct(void) {
  struct sockaddr_in a_addr, b_addr;
  int a = udp_socket(&a_addr), b = udp_socket(&b_addr);
  int ep = epoll_create1(0);
  add(ep, a);
  add(ep, b);
  char buf[64] = {0};
  for (int i = 0; i < rounds; i++) {
    double start = now_us();
    if (sendto(a, buf, sizeof buf, 0, (struct sockaddr *)&b_addr, sizeof b_addr) < 0) die("sendto");
    do wait_readable(ep);
    while (recv(b, buf, sizeof buf, 0) < 0);
    if (sendto(b, buf, sizeof buf, 0, (struct sockaddr *)&a_addr, sizeof a_addr) < 0) die("sendto");
    do wait_readable(ep);
    while (recv(a, buf, sizeof buf, 0) < 0);
    samples[i] = now_us() - start;
  }
  close(a);
  close(b);
  close(ep);
}

/* --- hop: a poller thread reads, an eventfd wakes the sending thread ------ */

struct hop {
  int a, b, wake; /* wake: eventfd the poller writes, the main thread reads */
  _Atomic int stop;
};

static void *poller(void *arg) {
  struct hop *h = arg;
  int ep = epoll_create1(0);
  add(ep, h->a);
  add(ep, h->b);
  struct mmsghdr msgs[32];
  struct iovec iov[32];
  static char bufs[32][2048];
  for (int i = 0; i < 32; i++) {
    iov[i].iov_base = bufs[i];
    iov[i].iov_len = sizeof bufs[i];
    memset(&msgs[i], 0, sizeof msgs[i]);
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  while (!h->stop) {
    struct epoll_event ev;
    if (epoll_wait(ep, &ev, 1, 100) < 1) continue;
    if (recvmmsg(ev.data.fd, msgs, 32, MSG_DONTWAIT, NULL) < 1) continue;
    uint64_t one = 1;
    if (write(h->wake, &one, sizeof one) != sizeof one) die("write");
  }
  close(ep);
  return NULL;
}

static void hop(void) {
  struct sockaddr_in a_addr, b_addr;
  struct hop h = {0};
  h.a = udp_socket(&a_addr);
  h.b = udp_socket(&b_addr);
  h.wake = eventfd(0, EFD_NONBLOCK);
  int ep = epoll_create1(0);
  add(ep, h.wake);
  pthread_t thread;
  if (pthread_create(&thread, NULL, poller, &h)) die("pthread_create");
  char buf[64] = {0};
  uint64_t count;
  for (int i = 0; i < rounds; i++) {
    double start = now_us();
    if (sendto(h.a, buf, sizeof buf, 0, (struct sockaddr *)&b_addr, sizeof b_addr) < 0) die("sendto");
    do wait_readable(ep);
    while (read(h.wake, &count, sizeof count) < 0);
    if (sendto(h.b, buf, sizeof buf, 0, (struct sockaddr *)&a_addr, sizeof a_addr) < 0) die("sendto");
    do wait_readable(ep);
    while (read(h.wake, &count, sizeof count) < 0);
    samples[i] = now_us() - start;
  }
  h.stop = 1;
  pthread_join(thread, NULL);
  close(h.a);
  close(h.b);
  close(h.wake);
  close(ep);
}

/* --- eventfd: one wake-up each way --------------------------------------- */

static int there, back;

static void *bouncer(void *arg) {
  (void)arg;
  uint64_t v;
  for (int i = 0; i < rounds; i++) {
    if (read(there, &v, sizeof v) != sizeof v) die("read");
    if (write(back, &v, sizeof v) != sizeof v) die("write");
  }
  return NULL;
}

static void wakes(void) {
  there = eventfd(0, 0);
  back = eventfd(0, 0);
  pthread_t thread;
  if (pthread_create(&thread, NULL, bouncer, NULL)) die("pthread_create");
  uint64_t v = 1;
  for (int i = 0; i < rounds; i++) {
    double start = now_us();
    if (write(there, &v, sizeof v) != sizeof v) die("write");
    if (read(back, &v, sizeof v) != sizeof v) die("read");
    samples[i] = now_us() - start;
  }
  pthread_join(thread, NULL);
  close(there);
  close(back);
}

int main(int argc, char **argv) {
  rounds = argc > 1 ? atoi(argv[1]) : 20000;
  if (rounds < 100 || rounds > 10000000) {
    fprintf(stderr, "round trips: 100 to 10000000\n");
    return 2;
  }
  samples = calloc(rounds, sizeof *samples);
  if (!samples) die("calloc");
  printf("{\"rounds\":%d,", rounds);
  direct();
  report("direct", 0);
  hop();
  report("hop", 0);
  wakes();
  report("eventfd", 1);
  printf("}\n");
  return 0;
}
