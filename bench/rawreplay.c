/*
 * rawreplay: replays the IPv4 packets of a pcap file onto loopback through one raw socket
 * (IP_HDRINCL) with sendmmsg, paced, for bench/live.sh when tcpreplay (one sendto per packet
 * through a packet socket) cannot send fast enough. The packets keep their addresses, ports and
 * payloads; the kernel delivers them on lo as tcpreplay's would (captured once, by the
 * loopback's receive path).
 *
 *   usage: rawreplay [-r RATE] [-l LOOPS] [-b BATCH] FILE.pcap
 *     -r RATE    packets/s (0: as fast as possible; default 0)
 *     -l LOOPS   times the file is sent (default 1)
 *     -b BATCH   packets per sendmmsg call and per pacing step (default 64)
 *   prints: "sent N packets in S s: R pps"
 *
 * Reads classic pcap (microsecond or nanosecond, either byte order) with Ethernet, Linux SLL or
 * raw IP links; packets other than whole IPv4 ones are skipped and counted. Needs root (raw socket).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct pkt {
    unsigned char *ip;
    unsigned len;
    struct sockaddr_in dst;
};

static uint32_t rd32(const unsigned char *p, int swap) {
    uint32_t v;
    memcpy(&v, p, 4);
    return swap ? __builtin_bswap32(v) : v;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    double rate = 0;
    long loops = 1;
    int batch = 64;
    int opt;
    while ((opt = getopt(argc, argv, "r:l:b:")) != -1) {
        switch (opt) {
        case 'r': rate = atof(optarg); break;
        case 'l': loops = atol(optarg); break;
        case 'b': batch = atoi(optarg); break;
        default: fprintf(stderr, "usage: rawreplay [-r RATE] [-l LOOPS] [-b BATCH] FILE.pcap\n"); return 2;
        }
    }
    if (optind >= argc || batch < 1 || batch > 1024 || loops < 1) {
        fprintf(stderr, "usage: rawreplay [-r RATE] [-l LOOPS] [-b BATCH] FILE.pcap\n");
        return 2;
    }
    FILE *f = fopen(argv[optind], "rb");
    if (!f) { perror(argv[optind]); return 2; }
    unsigned char gh[24];
    if (fread(gh, 1, 24, f) != 24) { fprintf(stderr, "rawreplay: not a pcap file\n"); return 2; }
    uint32_t magic;
    memcpy(&magic, gh, 4);
    int swap;
    if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d) swap = 0;
    else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1) swap = 1;
    else { fprintf(stderr, "rawreplay: not a classic pcap file (pcapng: convert with editcap -F pcap)\n"); return 2; }
    uint32_t link = rd32(gh + 20, swap);
    size_t cap = 1024, n = 0;
    long skipped = 0;
    struct pkt *pk = malloc(cap * sizeof *pk);
    unsigned char rh[16];
    while (fread(rh, 1, 16, f) == 16) {
        uint32_t incl = rd32(rh + 8, swap);
        if (incl > 262144) { fprintf(stderr, "rawreplay: bad record length %u\n", incl); return 2; }
        unsigned char *buf = malloc(incl ? incl : 1);
        if (fread(buf, 1, incl, f) != incl) { free(buf); break; }
        unsigned off;
        unsigned type;
        if (link == 1) { off = 14; type = incl >= 14 ? (buf[12] << 8 | buf[13]) : 0; }
        else if (link == 113) { off = 16; type = incl >= 16 ? (buf[14] << 8 | buf[15]) : 0; }
        else if (link == 101 || link == 12 || link == 228) { off = 0; type = 0x0800; }
        else { fprintf(stderr, "rawreplay: link type %u not supported\n", link); return 2; }
        if (type != 0x0800 || incl < off + 20 || (buf[off] >> 4) != 4) { skipped++; free(buf); continue; }
        unsigned tot = buf[off + 2] << 8 | buf[off + 3];
        if (tot < 20 || off + tot > incl) { skipped++; free(buf); continue; }
        if (n == cap) { cap *= 2; pk = realloc(pk, cap * sizeof *pk); }
        pk[n].ip = buf + off;
        pk[n].len = tot;
        memset(&pk[n].dst, 0, sizeof pk[n].dst);
        pk[n].dst.sin_family = AF_INET;
        memcpy(&pk[n].dst.sin_addr, buf + off + 16, 4);
        n++;
    }
    fclose(f);
    if (n == 0) { fprintf(stderr, "rawreplay: no IPv4 packets\n"); return 2; }
    int fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW); /* IP_HDRINCL implied */
    if (fd < 0) { perror("rawreplay: socket (root needed)"); return 2; }
    int sndbuf = 16 << 20;
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    struct mmsghdr *msgs = calloc(batch, sizeof *msgs);
    struct iovec *iov = calloc(batch, sizeof *iov);
    long total = (long) n * loops, sent = 0, failed = 0;
    size_t next = 0;
    const double t0 = now();
    while (sent + failed < total) {
        int k = 0;
        while (k < batch && sent + failed + k < total) {
            struct pkt *p = &pk[next];
            next = next + 1 == n ? 0 : next + 1;
            iov[k].iov_base = p->ip;
            iov[k].iov_len = p->len;
            memset(&msgs[k].msg_hdr, 0, sizeof msgs[k].msg_hdr);
            msgs[k].msg_hdr.msg_iov = &iov[k];
            msgs[k].msg_hdr.msg_iovlen = 1;
            msgs[k].msg_hdr.msg_name = &p->dst;
            msgs[k].msg_hdr.msg_namelen = sizeof p->dst;
            k++;
        }
        if (rate > 0) {
            const double due = t0 + (sent + failed) / rate;
            double w;
            while ((w = due - now()) > 0) {
                if (w > 0.0002) {
                    struct timespec ts = {0, (long) ((w - 0.0001) * 1e9)};
                    nanosleep(&ts, NULL);
                }
            }
        }
        int off = 0;
        while (off < k) {
            int r = sendmmsg(fd, msgs + off, (unsigned) (k - off), 0);
            if (r < 0) {
                if (errno == EINTR) continue;
                if (errno == ENOBUFS || errno == EAGAIN) { usleep(50); continue; }
                failed += k - off;
                break;
            }
            sent += r;
            off += r;
        }
    }
    const double s = now() - t0;
    printf("sent %ld packets in %.3f s: %.0f pps (%ld failed, %ld skipped in the file)\n", sent, s, sent / s, failed, skipped);
    return failed ? 1 : 0;
}
