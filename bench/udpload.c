/*
 * The load side of the benchmarks, in C so that it is the same program for
 * uv-udp and node:dgram and costs as little CPU as possible.
 *
 *   udpload blast <host> <port> <size> <seconds>   sendmmsg as fast as it can
 *   udpload count <port> <seconds>                 recvmmsg on 127.0.0.1:<port> (0: any), until SIGTERM or <seconds>
 *   udpload drain <port> <rcvbuf> <seconds>        the C receiver the libraries are held to
 *
 * `drain` is the receive scenario's C reference: blocking recvmmsg
 * (MSG_WAITFORONE, batches of BATCH into buffers reused for ever) on
 * 127.0.0.1:<port> with SO_RCVBUF <rcvbuf>, as the library receivers ask. It
 * prints a ready line with its port, then drains until SIGTERM (the bench
 * sends it once the blaster has stopped and the queue had time to empty) or
 * <seconds>, and prints what it received and the CPU time it used.
 *
 * Each mode prints JSON lines with what it did. Loopback only: <host> must be
 * 127.0.0.1 or ::1 (checked), so nothing ever leaves the machine.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
/* Datagrams per UDP GSO send: the blaster offers up to 64 datagrams per
 * sendmsg (UDP_SEGMENT), so that on a 2-core machine the load generator,
 * not the receiver under test, is the cheaper side. */
#define SEGMENTS 64
#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef SOL_UDP
#define SOL_UDP 17
#endif

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int blast(const char *host, int port, int size, double seconds) {
  struct sockaddr_storage ss;
  socklen_t len;
  memset(&ss, 0, sizeof ss);
  int family;
  if (strcmp(host, "127.0.0.1") == 0) {
    struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
    sin->sin_family = family = AF_INET;
    sin->sin_port = htons(port);
    inet_pton(AF_INET, host, &sin->sin_addr);
    len = sizeof *sin;
  } else if (strcmp(host, "::1") == 0) {
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
    sin6->sin6_family = family = AF_INET6;
    sin6->sin6_port = htons(port);
    inet_pton(AF_INET6, host, &sin6->sin6_addr);
    len = sizeof *sin6;
  } else {
    fprintf(stderr, "udpload: loopback only (127.0.0.1 or ::1)\n");
    return 2;
  }
  int fd = socket(family, SOCK_DGRAM, 0);
  if (fd < 0 || connect(fd, (struct sockaddr *)&ss, len) < 0) { perror("udpload"); return 1; }
  /* One GSO send carries `segments` datagrams of `size` bytes (as many as fit
   * in 65,507 bytes, at most SEGMENTS); without GSO, sendmmsg of BATCH. */
  int segments = size > 0 ? 65507 / size : 1;
  if (segments > SEGMENTS) segments = SEGMENTS;
  if (segments < 1) segments = 1;
  char *payload = calloc(segments, size > 0 ? size : 1);
  struct iovec iov = { payload, (size_t)size * segments };
  union { char buf[CMSG_SPACE(sizeof(uint16_t))]; struct cmsghdr align; } control;
  struct msghdr gso = { .msg_iov = &iov, .msg_iovlen = 1 };
  if (segments > 1) {
    gso.msg_control = control.buf;
    gso.msg_controllen = sizeof control.buf;
    struct cmsghdr *cm = CMSG_FIRSTHDR(&gso);
    cm->cmsg_level = SOL_UDP;
    cm->cmsg_type = UDP_SEGMENT;
    cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
    *(uint16_t *)CMSG_DATA(cm) = (uint16_t)size;
  }
  struct iovec one = { payload, (size_t)size };
  struct mmsghdr msgs[BATCH];
  memset(msgs, 0, sizeof msgs);
  for (int i = 0; i < BATCH; i++) { msgs[i].msg_hdr.msg_iov = &one; msgs[i].msg_hdr.msg_iovlen = 1; }
  int use_gso = segments > 1 && getenv("UDPLOAD_NO_GSO") == NULL;
  unsigned long long sent = 0, refused = 0;
  double start = now(), end = start + seconds;
  while (now() < end) {
    for (int k = 0; k < 16; k++) {
      if (use_gso) {
        ssize_t n = sendmsg(fd, &gso, 0);
        if (n > 0) sent += segments;
        else if (errno == EIO || errno == EINVAL) use_gso = 0;  /* no GSO here: plain batches */
        else refused++;
      } else {
        int n = sendmmsg(fd, msgs, BATCH, 0);
        if (n > 0) sent += n; else refused++;  /* ECONNREFUSED while the receiver starts: try again */
      }
    }
  }
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  printf("{\"sent\":%llu,\"seconds\":%.3f,\"refused\":%llu,\"user_us\":%.0f,\"sys_us\":%.0f,\"switches\":%ld}\n", sent, now() - start, refused,
         usage.ru_utime.tv_sec * 1e6 + usage.ru_utime.tv_usec, usage.ru_stime.tv_sec * 1e6 + usage.ru_stime.tv_usec,
         usage.ru_nvcsw + usage.ru_nivcsw);
  return 0;
}

/* A receiving socket on 127.0.0.1:<port> (0: any) with SO_RCVBUF <rcvbuf>,
 * a 100 ms SO_RCVTIMEO (it wakes an idle receiver now and then to check its
 * bound) and BATCH buffers of 2048 bytes for recvmmsg, reused for ever. One
 * per process: `count` and `drain` each open one. */
static struct {
  int fd;
  int port;  /* the port bound */
  char bufs[BATCH][2048];
  struct iovec iovs[BATCH];
  struct mmsghdr msgs[BATCH];
} rx;

/* 0, or 1 (said on stderr) when the socket cannot be bound. */
static int open_receiver(int port, int rcvbuf) {
  rx.fd = socket(AF_INET, SOCK_DGRAM, 0);
  setsockopt(rx.fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
  inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
  if (bind(rx.fd, (struct sockaddr *)&sin, sizeof sin) < 0) { perror("udpload"); return 1; }
  struct timeval tv = { 0, 100000 };
  setsockopt(rx.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  memset(rx.msgs, 0, sizeof rx.msgs);
  for (int i = 0; i < BATCH; i++) {
    rx.iovs[i].iov_base = rx.bufs[i]; rx.iovs[i].iov_len = sizeof rx.bufs[i];
    rx.msgs[i].msg_hdr.msg_iov = &rx.iovs[i]; rx.msgs[i].msg_hdr.msg_iovlen = 1;
  }
  socklen_t len = sizeof sin;
  getsockname(rx.fd, (struct sockaddr *)&sin, &len);
  rx.port = ntohs(sin.sin_port);
  return 0;
}

static volatile sig_atomic_t stopped;
static void on_term(int sig) { (void)sig; stopped = 1; }

/* SIGTERM ends `count` and `drain` early, with their report. No
 * SA_RESTART: it interrupts a blocked recvmmsg at once. */
static void stop_on_term(void) {
  struct sigaction sa = { .sa_handler = on_term };
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
}

static int count(int port, double seconds) {
  stop_on_term();
  if (open_receiver(port, 16 << 20) != 0) return 1;
  printf("{\"ready\":true,\"port\":%d}\n", rx.port);
  fflush(stdout);
  unsigned long long received = 0;
  double end = now() + seconds;
  while (!stopped && now() < end) {
    int n = recvmmsg(rx.fd, rx.msgs, BATCH, MSG_WAITFORONE, NULL);
    if (n > 0) received += n;
  }
  printf("{\"received\":%llu}\n", received);
  return 0;
}

static int drain(int port, int rcvbuf, double seconds) {
  stop_on_term();
  if (open_receiver(port, rcvbuf) != 0) return 1;
  int actual = 0;
  socklen_t len = sizeof actual;
  getsockopt(rx.fd, SOL_SOCKET, SO_RCVBUF, &actual, &len);
  printf("{\"ready\":true,\"port\":%d,\"rcvbuf\":%d}\n", rx.port, actual);
  fflush(stdout);
  struct rusage before, after;
  getrusage(RUSAGE_SELF, &before);
  unsigned long long received = 0, calls = 0;
  double end = now() + seconds;
  while (!stopped && now() < end) {
    int n = recvmmsg(rx.fd, rx.msgs, BATCH, MSG_WAITFORONE, NULL);
    if (n > 0) { received += n; calls++; }
  }
  getrusage(RUSAGE_SELF, &after);
  double cpu_us = (after.ru_utime.tv_sec - before.ru_utime.tv_sec + after.ru_stime.tv_sec - before.ru_stime.tv_sec) * 1e6
    + (after.ru_utime.tv_usec - before.ru_utime.tv_usec + after.ru_stime.tv_usec - before.ru_stime.tv_usec);
  printf("{\"received\":%llu,\"recvmmsg_calls\":%llu,\"cpu_us\":%.0f}\n", received, calls, cpu_us);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 6 && strcmp(argv[1], "blast") == 0) return blast(argv[2], atoi(argv[3]), atoi(argv[4]), atof(argv[5]));
  if (argc == 4 && strcmp(argv[1], "count") == 0) return count(atoi(argv[2]), atof(argv[3]));
  if (argc == 5 && strcmp(argv[1], "drain") == 0) return drain(atoi(argv[2]), atoi(argv[3]), atof(argv[4]));
  fprintf(stderr, "usage: udpload blast <host> <port> <size> <seconds> | udpload count <port> <seconds>"
                  " | udpload drain <port> <rcvbuf> <seconds>\n");
  return 2;
}
