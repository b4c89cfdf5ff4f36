/* LD_PRELOAD shim for recording only: gives one Chromium process its own loopback address.
 * Chromium gathers one host candidate per interface, 127.0.0.1 for lo, and binds its ICE UDP
 * sockets to it. bind() of a UDP socket to 127.0.0.1 is rewritten to $CALLSCOPE_BIND_IP (same
 * port); a TCP connect() to 127.0.0.1:$CALLSCOPE_BIND_CONNECT_PORT (the signalling WebSocket) is
 * preceded by bind($CALLSCOPE_BIND_IP:0), so the peer's signalling connection also leaves from its
 * own address. Everything else is passed through untouched. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static int sock_type(int fd) {
  int type = 0;
  socklen_t len = sizeof type;
  return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 ? type : -1;
}

static int own_ip(struct in_addr *out) {
  const char *ip = getenv("CALLSCOPE_BIND_IP");
  return ip && inet_pton(AF_INET, ip, out) == 1;
}

int bind(int fd, const struct sockaddr *addr, socklen_t len) {
  static int (*real)(int, const struct sockaddr *, socklen_t);
  if (!real) real = (int (*)(int, const struct sockaddr *, socklen_t))dlsym(RTLD_NEXT, "bind");
  struct in_addr ip;
  if (addr && addr->sa_family == AF_INET && len >= sizeof(struct sockaddr_in) && own_ip(&ip)) {
    struct sockaddr_in copy;
    memcpy(&copy, addr, sizeof copy);
    if (copy.sin_addr.s_addr == htonl(INADDR_LOOPBACK) && sock_type(fd) == SOCK_DGRAM) {
      copy.sin_addr = ip;
      return real(fd, (const struct sockaddr *)&copy, sizeof copy);
    }
  }
  return real(fd, addr, len);
}

int connect(int fd, const struct sockaddr *addr, socklen_t len) {
  static int (*real)(int, const struct sockaddr *, socklen_t);
  if (!real) real = (int (*)(int, const struct sockaddr *, socklen_t))dlsym(RTLD_NEXT, "connect");
  struct in_addr ip;
  const char *port = getenv("CALLSCOPE_BIND_CONNECT_PORT");
  if (port && addr && addr->sa_family == AF_INET && len >= sizeof(struct sockaddr_in) && own_ip(&ip)) {
    const struct sockaddr_in *to = (const struct sockaddr_in *)addr;
    if (to->sin_addr.s_addr == htonl(INADDR_LOOPBACK) && ntohs(to->sin_port) == atoi(port) &&
        sock_type(fd) == SOCK_STREAM) {
      struct sockaddr_in from;
      memset(&from, 0, sizeof from);
      from.sin_family = AF_INET;
      from.sin_addr = ip;
      bind(fd, (const struct sockaddr *)&from, sizeof from);
    }
  }
  return real(fd, addr, len);
}
