/*
 * hepsink: the smallest useful HEP receiver, the reference for bench/hep.sh. Reads UDP datagrams
 * with recvmmsg and counts them; no decoding beyond the HEPv3 magic and total length.
 *
 *   usage: hepsink -a ADDR -p PORT -d SECONDS [-b RCVBUF]
 *     -a ADDR    IPv4 address to bind (must be in 127.0.0.0/8)
 *     -p PORT    UDP port to bind
 *     -d SECONDS stop after this many seconds (or on SIGINT/SIGTERM)
 *     -b RCVBUF  SO_RCVBUF to ask for (default: the kernel's net.core.rmem_default)
 *
 * Prints one line when it stops:
 *   received=N hep3=N bytes=N rcvbuf=N seconds=S
 * received: datagrams read; hep3: those starting with "HEP3" whose length field equals the datagram's
 * size; rcvbuf: SO_RCVBUF as the kernel reports it (twice the request, capped by net.core.rmem_max).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define DGRAM 65536

static volatile sig_atomic_t stop_requested;
static void on_signal(int sig) { (void) sig; stop_requested = 1; }

static void die(const char *msg) {
    fprintf(stderr, "hepsink: %s\n", msg);
    exit(2);
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    const char *addr = NULL;
    long port = -1, rcvbuf = 0;
    double seconds = -1;
    int opt;
    while ((opt = getopt(argc, argv, "a:p:d:b:")) != -1) {
        switch (opt) {
        case 'a': addr = optarg; break;
        case 'p': port = strtol(optarg, NULL, 10); break;
        case 'd': seconds = strtod(optarg, NULL); break;
        case 'b': rcvbuf = strtol(optarg, NULL, 10); break;
        default: die("usage: hepsink -a ADDR -p PORT -d SECONDS [-b RCVBUF]");
        }
    }
    if (!addr || port < 1 || port > 65535 || !(seconds > 0) || rcvbuf < 0 || optind != argc)
        die("usage: hepsink -a ADDR -p PORT -d SECONDS [-b RCVBUF]");
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t) port)};
    if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1) die("-a must be an IPv4 address");
    if ((ntohl(sin.sin_addr.s_addr) >> 24) != 127) die("-a must be a loopback address (127.0.0.0/8)");

    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) { perror("hepsink: socket"); return 2; }
    if (rcvbuf > 0) {
        int v = (int) rcvbuf;
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof v) < 0) { perror("hepsink: SO_RCVBUF"); return 2; }
    }
    struct timeval tv = {0, 100000}; /* wake up every 100 ms to check the clock */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (bind(fd, (struct sockaddr *) &sin, sizeof sin) < 0) { perror("hepsink: bind"); return 2; }
    int actual = 0;
    socklen_t alen = sizeof actual;
    getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &actual, &alen);

    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    static unsigned char bufs[BATCH][DGRAM];
    static struct iovec iov[BATCH];
    static struct mmsghdr msgs[BATCH];
    for (int i = 0; i < BATCH; i++) {
        iov[i].iov_base = bufs[i];
        iov[i].iov_len = DGRAM;
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    /* ready: the caller may start sending once this line is on stderr */
    fprintf(stderr, "hepsink: listening on %s:%ld rcvbuf=%d\n", addr, port, actual);

    double t0 = now_s(), end = t0 + seconds;
    unsigned long long received = 0, hep3 = 0, bytes = 0;
    while (!stop_requested && now_s() < end) {
        int r = recvmmsg(fd, msgs, BATCH, MSG_WAITFORONE, NULL);
        if (r < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
            perror("hepsink: recvmmsg");
            return 3;
        }
        for (int i = 0; i < r; i++) {
            unsigned len = msgs[i].msg_len;
            bytes += len;
            if (len >= 6 && memcmp(bufs[i], "HEP3", 4) == 0 && ((unsigned) bufs[i][4] << 8 | bufs[i][5]) == len) hep3++;
        }
        received += (unsigned long long) r;
    }
    printf("received=%llu hep3=%llu bytes=%llu rcvbuf=%d seconds=%.3f\n", received, hep3, bytes, actual, now_s() - t0);
    return 0;
}
