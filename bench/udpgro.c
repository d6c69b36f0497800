/*
 * What UDP GRO would give a receiver: the C drainer's loop (blocking
 * recvmmsg, MSG_WAITFORONE, batches of BATCH) with UDP_GRO on or off, each
 * message counted as the datagrams its UDP_GRO control message says it
 * coalesces. `npm run bench` runs it with GRO on as the receive rows' GRO
 * reference (bench/run.js, receiveCGro); by hand, against the blaster:
 *
 *   gcc -O2 -Wall -o target/bench/udpgro bench/udpgro.c
 *   target/bench/udpgro <port> <gro 0|1> <seconds> &
 *   target/bench/udpload blast 127.0.0.1 <port> <size> <seconds - 1>
 *
 * Binds 127.0.0.1:<port> only. Drains for <seconds> or until SIGTERM, then
 * prints one JSON line: datagrams, messages (system-call results), CPU time
 * per datagram.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#ifndef UDP_GRO
#define UDP_GRO 104
#endif
#ifndef SOL_UDP
#define SOL_UDP 17
#endif
#define BATCH 32
/* A coalesced message is at most 64 KiB. */
#define ROOM 65536

static char bufs[BATCH][ROOM];
static union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } controls[BATCH];

static volatile sig_atomic_t stopped;
static void on_term(int sig) { (void)sig; stopped = 1; }

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_seconds(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* The segment size a message's UDP_GRO control message reports, or 0. */
static int segment_of(struct msghdr *msg) {
  for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c != NULL; c = CMSG_NXTHDR(msg, c)) {
    if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO) {
      int segment;
      memcpy(&segment, CMSG_DATA(c), sizeof segment);
      return segment;
    }
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: udpgro <port> <gro 0|1> <seconds>\n");
    return 2;
  }
  /* No SA_RESTART: SIGTERM interrupts a blocked recvmmsg at once. */
  struct sigaction sa = { .sa_handler = on_term };
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  int port = atoi(argv[1]), gro = atoi(argv[2]);
  double seconds = atof(argv[3]);
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  int rcvbuf = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  if (gro && setsockopt(fd, SOL_UDP, UDP_GRO, &gro, sizeof gro) != 0) { perror("udpgro: UDP_GRO"); return 1; }
  struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
  inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
  if (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0) { perror("udpgro: bind"); return 1; }
  struct timeval tv = { 0, 100000 };
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  struct iovec iovs[BATCH];
  struct mmsghdr msgs[BATCH];
  unsigned long long datagrams = 0, messages = 0;
  double cpu = cpu_seconds(), end = now() + seconds;
  while (!stopped && now() < end) {
    memset(msgs, 0, sizeof msgs);
    for (int i = 0; i < BATCH; i++) {
      iovs[i].iov_base = bufs[i];
      iovs[i].iov_len = ROOM;
      msgs[i].msg_hdr.msg_iov = &iovs[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_control = controls[i].buf;
      msgs[i].msg_hdr.msg_controllen = sizeof controls[i].buf;
    }
    int n = recvmmsg(fd, msgs, BATCH, MSG_WAITFORONE, NULL);
    for (int i = 0; i < n; i++) {
      int segment = segment_of(&msgs[i].msg_hdr);
      unsigned len = msgs[i].msg_len;
      datagrams += segment > 0 ? (len + segment - 1) / segment : 1;
      messages++;
    }
  }
  cpu = cpu_seconds() - cpu;
  printf("{\"gro\":%d,\"datagrams\":%llu,\"messages\":%llu,\"cpu_ns_per_datagram\":%.0f}\n",
         gro, datagrams, messages, datagrams > 0 ? cpu * 1e9 / datagrams : 0.0);
  return 0;
}
