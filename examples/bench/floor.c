// What one request and its answer cost on this machine with nothing else done: the floor under the relay's CPU per
// request (examples/bench/run.sh floor). The server serves each connection on a thread blocked in recv, as the relay
// does, reads one length-prefixed request and sends a 24-byte answer; no decoding, no channel, no sink. The client
// paces each connection to its share of the rate and waits for each answer, as Flume's RPC clients do.
//   floor server                                       (prints the port it bound on 127.0.0.1)
//   floor client PORT CONNECTIONS RATE SIZE SECONDS    (RATE requests/s in all, SIZE bytes each)
//   floor avro-server                                  (the same server speaking just enough of Flume's Avro RPC for
//                                                      `relay load`: NettyTransceiver frames in, a handshake answer
//                                                      on a connection's first request, then Status OK; nothing is
//                                                      decoded, so the floor can be measured under the relay's client)
//   floor avro-server FILE                             (the same, and each request's bytes are written to FILE and
//                                                      fdatasync'd before the answer: the least a durable channel's
//                                                      put commit does; FILE is rewritten from its start every 64 MiB)
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void *serve(void *arg) {
  int fd = (int)(intptr_t)arg;
  static __thread char buf[1 << 20];
  char answer[24] = {0};
  for (;;) {
    size_t have = 0, need = 4;
    while (have < need) {
      ssize_t n = recv(fd, buf + have, sizeof buf - have, 0);
      if (n <= 0) { close(fd); return NULL; }
      have += n;
      if (need == 4 && have >= 4) need = 4 + ntohl(*(uint32_t *)buf);
    }
    if (send(fd, answer, sizeof answer, 0) != sizeof answer) { close(fd); return NULL; }
  }
}

// A request is serial (4 bytes), frame count (4), then each frame's length (4) and bytes, all big-endian. The answer
// echoes the serial in one frame. First answer: handshake response (match BOTH, no protocol, no hash, no meta), then
// the call response; after it the call response alone: no metadata, no error, Status OK (enum index 0).
static int read_full(int fd, char *buf, size_t need) {
  size_t have = 0;
  while (have < need) { ssize_t n = recv(fd, buf + have, need - have, 0); if (n <= 0) return -1; have += n; }
  return 0;
}

static int sync_fd = -1;
static long sync_offset;

static void *serve_avro(void *arg) {
  int fd = (int)(intptr_t)arg, first = 1;
  static __thread char buf[1 << 20];
  char answer[19] = {0};
  for (;;) {
    // One recv takes what has arrived, as the relay's connection thread does; frames are walked in the buffer.
    size_t have = 0, pos = 8;
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    have = n;
    if (have < 8 && read_full(fd, buf + have, 8 - have)) break;
    if (have < 8) have = 8;
    uint32_t frames = ntohl(*(uint32_t *)(buf + 4));
    for (uint32_t f = 0; f < frames; f++) {
      if (pos + 4 > sizeof buf) goto done;
      if (have < pos + 4) { if (read_full(fd, buf + have, pos + 4 - have)) goto done; have = pos + 4; }
      size_t len = ntohl(*(uint32_t *)(buf + pos));
      pos += 4 + len;
      if (pos > sizeof buf) goto done;
      if (have < pos) { if (read_full(fd, buf + have, pos - have)) goto done; have = pos; }
    }
    if (sync_fd >= 0) {
      long at = __sync_fetch_and_add(&sync_offset, (long)pos) % (64L << 20);
      if (pwrite(sync_fd, buf, pos, at) != (ssize_t)pos || fdatasync(sync_fd)) { perror("write FILE"); exit(1); }
    }
    memcpy(answer, buf, 4);
    *(uint32_t *)(answer + 4) = htonl(1);
    size_t payload = first ? 7 : 3;
    *(uint32_t *)(answer + 8) = htonl((uint32_t)payload);
    if (send(fd, answer, 12 + payload, 0) != (ssize_t)(12 + payload)) break;
    first = 0;
  }
done:
  close(fd);
  return NULL;
}

static int port, size, seconds; static double rate;
static void *client(void *arg) {
  (void)arg;
  int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  if (connect(fd, (struct sockaddr *)&a, sizeof a)) { perror("connect"); exit(1); }
  char *req = calloc(1, size), answer[24];
  *(uint32_t *)req = htonl(size - 4);
  struct timespec next; clock_gettime(CLOCK_MONOTONIC, &next);
  long step = (long)(1e9 / rate), total = (long)(rate * seconds);
  for (long i = 0; i < total; i++) {
    next.tv_nsec += step; while (next.tv_nsec >= 1000000000) { next.tv_nsec -= 1000000000; next.tv_sec++; }
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
    if (send(fd, req, size, 0) != size) { perror("send"); exit(1); }
    size_t got = 0; while (got < sizeof answer) { ssize_t n = recv(fd, answer + got, sizeof answer - got, 0); if (n <= 0) exit(1); got += n; }
  }
  close(fd);
  return NULL;
}

int main(int argc, char **argv) {
  int avro = argc > 1 && !strcmp(argv[1], "avro-server");
  if (argc > 1 && (avro || !strcmp(argv[1], "server"))) {
    if (avro && argc > 2 && (sync_fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0) { perror(argv[2]); return 1; }
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    socklen_t len = sizeof a;
    if (bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, 64) || getsockname(l, (struct sockaddr *)&a, &len)) {
      perror("listen on 127.0.0.1");
      return 1;
    }
    printf("%d\n", ntohs(a.sin_port)); fflush(stdout);
    for (;;) {
      int fd = accept(l, NULL, NULL), one = 1;
      if (fd < 0) continue;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      pthread_t t; pthread_create(&t, NULL, avro ? serve_avro : serve, (void *)(intptr_t)fd); pthread_detach(t);
    }
  }
  if (argc != 7 || strcmp(argv[1], "client") || atoi(argv[3]) < 1 || atoi(argv[3]) > 64 || atoi(argv[5]) < 5 || atoi(argv[5]) > (1 << 20)) {
    fprintf(stderr, "usage: floor server | floor avro-server [FILE] | floor client PORT CONNECTIONS(1-64) RATE SIZE(5 bytes-1 MiB) SECONDS\n");
    return 2;
  }
  port = atoi(argv[2]); int conns = atoi(argv[3]); rate = atof(argv[4]) / conns; size = atoi(argv[5]); seconds = atoi(argv[6]);
  pthread_t t[64];
  for (int i = 0; i < conns; i++) pthread_create(&t[i], NULL, client, NULL);
  for (int i = 0; i < conns; i++) pthread_join(t[i], NULL);
  return 0;
}
