/*
 * The ping-pong scenario's C reference: the shortest round trip this kernel
 * and machine give one 64 B datagram on 127.0.0.1, against which the
 * libraries' ping-pong ratios are read (bench/run.js).
 *
 *   udpping echo <wait> <seconds>        echo server on 127.0.0.1:0 (its own process)
 *   udpping ping <wait> <port> <rounds>  client: one datagram outstanding
 *   udpping local <rounds>               client and echo server in one thread
 *   udpping local-epoll <rounds>         the same, as an event loop runs them:
 *                                        one epoll set watching both sockets
 *
 * <wait> is how a side waits for its datagram: `blocking` (a blocking
 * recvfrom: the floor), `epoll` (epoll_wait, then a non-blocking
 * recvfrom, as an event loop such as libuv waits) or `spin` (epoll_wait
 * without sleeping for up to SPIN_US, then as `epoll`: what an event loop
 * that polled before sleeping would reach; no library here does). The two differ across
 * processes: a blocking receive is woken as a synchronous wake-up, which the
 * scheduler may serve on the waker's CPU, while an epoll waiter is woken on
 * its own CPU, which on a VM may have halted. `echo` prints a ready line with
 * its port and echoes until SIGTERM or <seconds>; `ping` and `local` print
 * the round trips' p50 and p99 in microseconds. Every wait is bounded: a
 * reply missing for a second ends the run with an error (a datagram lost on
 * loopback). Loopback only.
 *
 * `local-epoll` is the floor of any event-loop library in one process (the
 * libraries' one-process ping-pong): per round trip two epoll_wait, two
 * non-blocking recvfrom and two sends, nothing else.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SIZE 64
#define SPIN_US 50.0
#define MAX_ROUNDS 1000000

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* A UDP socket bound to 127.0.0.1:<port> (0: any) whose blocking receives
 * give up after `timeout_ms`; -1 on failure. */
static int loopback_socket(int port, int timeout_ms) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return -1;
  struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
  inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
  struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
  if (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0 ||
      setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0) {
    close(fd);
    return -1;
  }
  return fd;
}

static int port_of(int fd) {
  struct sockaddr_in sin;
  socklen_t len = sizeof sin;
  getsockname(fd, (struct sockaddr *)&sin, &len);
  return ntohs(sin.sin_port);
}

static int connect_to(int fd, int port) {
  struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
  inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
  return connect(fd, (struct sockaddr *)&sin, sizeof sin);
}

/* An epoll set watching `fd` for input, or -1 for blocking waits. */
static int spinning;

static int waiter(const char *wait, int fd) {
  if (strcmp(wait, "blocking") == 0) return -1;
  spinning = strcmp(wait, "spin") == 0;
  if (strcmp(wait, "epoll") != 0 && !spinning) {
    fprintf(stderr, "udpping: <wait> is blocking, epoll or spin\n");
    exit(2);
  }
  int ep = epoll_create1(0);
  struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };
  if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) { perror("udpping epoll"); exit(1); }
  return ep;
}

/* recvfrom on `fd`, first waiting up to `timeout_ms` in epoll set `ep` (if
 * any) and then reading without blocking, as an event loop does. */
static ssize_t receive(int ep, int fd, char *buf, size_t size, struct sockaddr_storage *peer, socklen_t *len, int timeout_ms) {
  if (ep < 0) return recvfrom(fd, buf, size, 0, (struct sockaddr *)peer, len);
  struct epoll_event ev;
  int ready = 0;
  if (spinning) {
    double until = now_us() + SPIN_US;
    while (ready == 0 && now_us() < until) ready = epoll_wait(ep, &ev, 1, 0);
  }
  if (ready == 0) ready = epoll_wait(ep, &ev, 1, timeout_ms);
  if (ready <= 0) {
    if (ready == 0) errno = EAGAIN;
    return -1;
  }
  return recvfrom(fd, buf, size, MSG_DONTWAIT, (struct sockaddr *)peer, len);
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static int report(double *rtts, int rounds) {
  qsort(rtts, rounds, sizeof *rtts, by_value);
  int p99 = (int)(rounds * 0.99);
  if (p99 >= rounds) p99 = rounds - 1;
  printf("{\"rounds\":%d,\"p50_us\":%.2f,\"p99_us\":%.2f}\n", rounds, rtts[rounds / 2], rtts[p99]);
  return 0;
}

static volatile sig_atomic_t stopped;
static void on_term(int sig) { (void)sig; stopped = 1; }

static int echo(const char *wait, double seconds) {
  /* No SA_RESTART: SIGTERM interrupts a blocked recvfrom at once. */
  struct sigaction sa = { .sa_handler = on_term };
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  int fd = loopback_socket(0, 100);
  if (fd < 0) { perror("udpping echo"); return 1; }
  int ep = waiter(wait, fd);
  printf("{\"ready\":true,\"port\":%d}\n", port_of(fd));
  fflush(stdout);
  char buf[2048];
  struct sockaddr_storage peer;
  double end = now_us() + seconds * 1e6;
  unsigned long long echoed = 0;
  while (!stopped && now_us() < end) {
    socklen_t len = sizeof peer;
    ssize_t n = receive(ep, fd, buf, sizeof buf, &peer, &len, 100);
    if (n >= 0 && sendto(fd, buf, n, 0, (struct sockaddr *)&peer, len) == n) echoed++;
  }
  printf("{\"echoed\":%llu}\n", echoed);
  return 0;
}

/* `rounds` round trips from `client` (connected to the echoing side), which
 * waits in epoll set `ep` (or blocks: -1); with `server` >= 0 this thread
 * also echoes, on `server`. */
static int bounce(int ep, int client, int server, int rounds) {
  double *rtts = malloc(sizeof *rtts * rounds);
  char payload[SIZE], buf[2048];
  memset(payload, 1, sizeof payload);
  if (!rtts) return 1;
  for (int i = 0; i < rounds; i++) {
    double sent_at = now_us();
    if (send(client, payload, sizeof payload, 0) != (ssize_t)sizeof payload) { perror("udpping send"); return 1; }
    if (server >= 0) {
      struct sockaddr_storage peer;
      socklen_t len = sizeof peer;
      ssize_t n = recvfrom(server, buf, sizeof buf, 0, (struct sockaddr *)&peer, &len);
      if (n < 0 || sendto(server, buf, n, 0, (struct sockaddr *)&peer, len) != n) { perror("udpping echo"); return 1; }
    }
    struct sockaddr_storage from;
    socklen_t len = sizeof from;
    if (receive(ep, client, buf, sizeof buf, &from, &len, 1000) < 0) {
      fprintf(stderr, "udpping: no reply within 1 s (round %d): %s\n", i, strerror(errno));
      return 1;
    }
    rtts[i] = now_us() - sent_at;
  }
  int status = report(rtts, rounds);
  free(rtts);
  return status;
}

static int ping(const char *wait, int port, int rounds) {
  int fd = loopback_socket(0, 1000);
  if (fd < 0 || connect_to(fd, port) < 0) { perror("udpping ping"); return 1; }
  return bounce(waiter(wait, fd), fd, -1, rounds);
}

static int local(int rounds) {
  int server = loopback_socket(0, 1000);
  int client = loopback_socket(0, 1000);
  if (server < 0 || client < 0 || connect_to(client, port_of(server)) < 0) { perror("udpping local"); return 1; }
  return bounce(-1, client, server, rounds);
}

/* One thread, both sockets in one epoll set: wait, read whichever is
 * ready, echo on the server, time the round trip on the client. */
static int local_epoll(int rounds) {
  int server = loopback_socket(0, 1000);
  int client = loopback_socket(0, 1000);
  if (server < 0 || client < 0 || connect_to(client, port_of(server)) < 0) { perror("udpping local-epoll"); return 1; }
  int ep = epoll_create1(0);
  struct epoll_event sev = { .events = EPOLLIN, .data.fd = server };
  struct epoll_event cev = { .events = EPOLLIN, .data.fd = client };
  if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, server, &sev) < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, client, &cev) < 0) {
    perror("udpping local-epoll");
    return 1;
  }
  double *rtts = malloc(sizeof *rtts * rounds);
  char payload[SIZE], buf[2048];
  memset(payload, 1, sizeof payload);
  if (!rtts) return 1;
  int round = 0;
  double sent_at = now_us();
  if (send(client, payload, sizeof payload, 0) != (ssize_t)sizeof payload) { perror("udpping send"); return 1; }
  while (round < rounds) {
    struct epoll_event ready[2];
    int n = epoll_wait(ep, ready, 2, 1000);
    if (n <= 0) {
      fprintf(stderr, "udpping: no datagram within 1 s (round %d)\n", round);
      return 1;
    }
    for (int i = 0; i < n; i++) {
      struct sockaddr_storage peer;
      socklen_t len = sizeof peer;
      ssize_t got = recvfrom(ready[i].data.fd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&peer, &len);
      if (got < 0) {
        if (errno == EAGAIN) continue;
        perror("udpping recvfrom");
        return 1;
      }
      if (ready[i].data.fd == server) {
        if (sendto(server, buf, got, 0, (struct sockaddr *)&peer, len) != got) { perror("udpping echo"); return 1; }
        continue;
      }
      rtts[round++] = now_us() - sent_at;
      if (round == rounds) break;
      sent_at = now_us();
      if (send(client, payload, sizeof payload, 0) != (ssize_t)sizeof payload) { perror("udpping send"); return 1; }
    }
  }
  int status = report(rtts, rounds);
  free(rtts);
  return status;
}

static int rounds_arg(const char *text) {
  int rounds = atoi(text);
  if (rounds < 1 || rounds > MAX_ROUNDS) {
    fprintf(stderr, "udpping: rounds must be 1..%d\n", MAX_ROUNDS);
    exit(2);
  }
  return rounds;
}

int main(int argc, char **argv) {
  if (argc == 4 && strcmp(argv[1], "echo") == 0) return echo(argv[2], atof(argv[3]));
  if (argc == 5 && strcmp(argv[1], "ping") == 0) return ping(argv[2], atoi(argv[3]), rounds_arg(argv[4]));
  if (argc == 3 && strcmp(argv[1], "local") == 0) return local(rounds_arg(argv[2]));
  if (argc == 3 && strcmp(argv[1], "local-epoll") == 0) return local_epoll(rounds_arg(argv[2]));
  fprintf(stderr, "usage: udpping echo <blocking|epoll|spin> <seconds> | udpping ping <blocking|epoll|spin> <port> <rounds>"
                  " | udpping local <rounds> | udpping local-epoll <rounds>\n");
  return 2;
}
