/*
 * What the kernel charges for reading one queued datagram, by system call:
 * `recvmsg`, `recvmmsg` asking for 1 message, and `recvmmsg` asking for 2
 * (which, after the first datagram, tries the socket again and finds it
 * empty: a ping-pong's read). Each round sends one 64 B datagram from one
 * loopback socket to another, then times the receive alone.
 *
 *   gcc -O2 -o /tmp/recv-calls bench/recv-calls.c
 *   /tmp/recv-calls <0|1|2> [rounds]   0: recvmsg, 1 or 2: recvmmsg of that many
 *
 * Prints ns per receive (two clock readings included). Loopback only;
 * bounded by its round count.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: recv-calls <0|1|2> [rounds]\n");
    return 2;
  }
  int mode = atoi(argv[1]);
  long rounds = argc > 2 ? atol(argv[2]) : 200000;
  if (mode < 0 || mode > 2 || rounds <= 0) return 2;
  int tx = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  int rx = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  struct sockaddr_in to = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof to;
  if (tx < 0 || rx < 0 || bind(rx, (struct sockaddr *)&to, sizeof to) != 0 ||
      getsockname(rx, (struct sockaddr *)&to, &len) != 0) {
    perror("socket");
    return 1;
  }
  static char slots[2][65536];
  char payload[64] = {1};
  struct sockaddr_storage from[2];
  struct iovec iov[2] = {{slots[0], sizeof slots[0]}, {slots[1], sizeof slots[1]}};
  struct mmsghdr hdrs[2];
  memset(hdrs, 0, sizeof hdrs);
  for (int i = 0; i < 2; i++) {
    hdrs[i].msg_hdr.msg_iov = &iov[i];
    hdrs[i].msg_hdr.msg_iovlen = 1;
    hdrs[i].msg_hdr.msg_name = &from[i];
  }
  double spent = 0;
  for (long i = 0; i < rounds; i++) {
    if (sendto(tx, payload, sizeof payload, 0, (struct sockaddr *)&to, sizeof to) != sizeof payload) {
      perror("sendto");
      return 1;
    }
    for (int k = 0; k < 2; k++) hdrs[k].msg_hdr.msg_namelen = sizeof from[k];
    double t0 = now();
    int got = mode == 0 ? (int)recvmsg(rx, &hdrs[0].msg_hdr, 0) : recvmmsg(rx, hdrs, mode, 0, NULL);
    spent += now() - t0;
    if (got < 0) {
      perror("receive");
      return 1;
    }
  }
  printf("%s: %.0f ns per receive\n", mode == 0 ? "recvmsg" : mode == 1 ? "recvmmsg of 1" : "recvmmsg of 2",
         spent / rounds * 1e9);
  return 0;
}
