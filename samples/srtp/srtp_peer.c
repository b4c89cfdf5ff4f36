/*
 * srtp_peer: one SRTP media endpoint for callscope's SRTP samples, on libsrtp2.
 *
 * It binds a UDP socket for RTP on its SDP-announced address:port and one for
 * RTCP on port+1, and sends FROM them (symmetric RTP) to the peer's
 * address:port (RTCP to port+1):
 *   - RTP G.711 PCMU (PT 0, 8000 Hz): a 160-byte payload every 20 ms, a sine
 *     tone (--tone Hz, amplitude 8000 of 32767) plus a small deterministic
 *     dither (+-128, from the seeded generator, so that no two payloads are
 *     alike) encoded to mu-law, --frames packets (default 150: 3 s);
 *     marker bit on the first packet;
 *   - one RFC 4733 telephone-event (PT --dtmf-pt, default 101) in place of the
 *     audio of frames --dtmf-at .. --dtmf-at+7: 5 packets of a growing event
 *     (duration 160..800, marker on the first) and 3 end packets (E bit,
 *     duration 960), all with the event's start timestamp; the audio resumes
 *     after it, at the timestamp of its frame;
 *   - an RTCP compound packet SR+SDES(CNAME) after frames 49, 99, ..., and
 *     SR+SDES+BYE after the last frame (real packet and octet counts);
 * every packet protected by libsrtp2 (srtp_protect / srtp_protect_rtcp, or
 * their _mki variants) with the key of its OWN SDP a=crypto line (RFC 4568).
 * It also receives the peer's SRTP/SRTCP and unprotects it with the key of the
 * peer's SDP, and counts what authenticated: the sender's truth and the
 * receiver's libsrtp agree, or the run fails.
 *
 *   srtp_peer --local A:P --remote A:P --suite SUITE --inline KEY[|LIFETIME][|MKI:LEN]
 *             --remote-suite SUITE --remote-inline KEY[|LIFETIME][|MKI:LEN]
 *             --seed N [--seq FIRST] [--tone HZ] [--frames N] [--dtmf-at FRAME]
 *             [--dtmf-digit D] [--start-delay-ms MS] [--linger-ms MS]
 *             --truth FILE [--call N] [--side uac|uas] [--cname NAME]
 *   srtp_peer --probe --suite SUITE --inline KEY[...]   (protect+unprotect one
 *             RTP and one RTCP packet: does this libsrtp2 support SUITE/MKI?)
 *   srtp_peer --version
 *
 * SUITE: AES_CM_128_HMAC_SHA1_80, AES_CM_128_HMAC_SHA1_32, AEAD_AES_128_GCM,
 * AEAD_AES_256_GCM. KEY is base64 of master key || master salt (30, 30, 28, 44
 * bytes). With an MKI ("|1:4": value 1 in 4 bytes) every SRTP and SRTCP packet
 * carries it. SRTCP always uses an 80-bit HMAC-SHA1 tag with the AES_CM suites
 * (RFC 4568 6.2.2: AES_CM_128_HMAC_SHA1_32 shortens only the SRTP tag); the
 * AEAD suites use a 16-byte tag for both.
 *
 * Initial SSRC, timestamp and (without --seq) sequence number come from a
 * splitmix64 generator seeded with --seed.
 *
 * Truth (--truth, JSON lines, one per packet sent, in order):
 *   {"t":..., "call":N, "side":..., "src":"A:P", "dst":"A:P", "suite":...,
 *    "ssrc":N, "seq":N, "roc":N, "ts":N, "pt":N, "marker":0|1,
 *    "payload_len":N, "payload_sha256":"(clear payload)", "srtp_len":N,
 *    ["event":{"digit":D,"end":bool,"volume":V,"duration":N}]}
 *   {"t":..., ..., "rtcp":"SR", "parts":["SR","SDES"(,"BYE")], "ssrc":N,
 *    "packets":N, "octets":N, "rtp_ts":N, "ntp":"hex", "srtcp_index":N,
 *    "len":N (bytes on the wire), "clear_len":N, "clear_sha256":"..."}
 * At the end one summary line goes to stdout:
 *   {"tx_rtp":N,"tx_rtcp":N,"rx_rtp_ok":N,"rx_rtp_bad":N,"rx_rtcp_ok":N,
 *    "rx_rtcp_bad":N,"rx_bye":bool,"rx_ssrc":N,"libsrtp":"..."}
 *
 * Every loop is bounded: --frames packets, then at most --linger-ms waiting for
 * the peer's RTCP BYE.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <srtp2/srtp.h>

#define FRAME_MS 20
#define SAMPLES 160                 /* 20 ms at 8000 Hz */
#define DTMF_FRAMES 8               /* 5 growing + 3 end packets */
#define SR_EVERY 50                 /* frames between sender reports (1 s) */
#define BUF 2048

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "srtp_peer: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

/* ------------------------------------------------------------------ sha256 */

typedef struct { uint32_t h[8]; uint64_t len; uint8_t buf[64]; size_t n; } sha256_t;

static const uint32_t K256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(sha256_t *s, const uint8_t *p)
{
    uint32_t w[64], a, b, c, d, e, f, g, h;
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    a = s->h[0]; b = s->h[1]; c = s->h[2]; d = s->h[3];
    e = s->h[4]; f = s->h[5]; g = s->h[6]; h = s->h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K256[i] + w[i];
        uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d;
    s->h[4] += e; s->h[5] += f; s->h[6] += g; s->h[7] += h;
}

static void sha256_hex(const uint8_t *data, size_t len, char out[65])
{
    sha256_t s = {{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19}, 0, {0}, 0};
    uint8_t tail[128];
    size_t full = len / 64 * 64, rest = len - full, tl;
    for (size_t i = 0; i < full; i += 64)
        sha256_block(&s, data + i);
    memset(tail, 0, sizeof tail);
    memcpy(tail, data + full, rest);
    tail[rest] = 0x80;
    tl = rest + 1 + 8 <= 64 ? 64 : 128;
    uint64_t bits = (uint64_t)len * 8;
    for (int i = 0; i < 8; i++)
        tail[tl - 1 - i] = (uint8_t)(bits >> (8 * i));
    for (size_t i = 0; i < tl; i += 64)
        sha256_block(&s, tail + i);
    for (int i = 0; i < 8; i++)
        sprintf(out + 8 * i, "%08x", s.h[i]);
}

/* ------------------------------------------------------------------ helpers */

static uint64_t rng_state;
static uint64_t splitmix64(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int b64val(int c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

/* decodes base64 (with or without '=' padding); returns the length or -1 */
static int b64decode(const char *in, size_t inlen, uint8_t *out, size_t outmax)
{
    uint32_t acc = 0;
    int bits = 0;
    size_t n = 0;
    for (size_t i = 0; i < inlen; i++) {
        if (in[i] == '=')
            break;
        int v = b64val((unsigned char)in[i]);
        if (v < 0)
            return -1;
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n >= outmax)
                return -1;
            out[n++] = (uint8_t)(acc >> bits);
        }
    }
    return (int)n;
}

/* G.711 mu-law encoder (the classic Sun g711.c reference) */
static uint8_t linear2ulaw(int pcm)
{
    static const int seg_uend[8] = {0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF};
    int mask, seg;
    pcm >>= 2;                                /* 14-bit range */
    if (pcm < 0) { pcm = -pcm; mask = 0x7F; } else { mask = 0xFF; }
    if (pcm > 8159) pcm = 8159;
    pcm += 0x84 >> 2;
    for (seg = 0; seg < 8 && pcm > seg_uend[seg]; seg++)
        ;
    if (seg >= 8)
        return (uint8_t)(0x7F ^ mask);
    return (uint8_t)(((seg << 4) | ((pcm >> (seg + 1)) & 0xF)) ^ mask);
}

static double now_real(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int64_t now_mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void parse_addr(const char *s, struct sockaddr_in *sa)
{
    char host[64];
    const char *colon = strrchr(s, ':');
    if (!colon || (size_t)(colon - s) >= sizeof host)
        die("bad address %s (want A.B.C.D:PORT)", s);
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = 0;
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
        die("bad IPv4 address %s", host);
    long port = strtol(colon + 1, NULL, 10);
    if (port <= 0 || port >= 65535)
        die("bad port in %s", s);
    sa->sin_port = htons((uint16_t)port);
}

static void fmt_addr(const struct sockaddr_in *sa, int port_add, char *out, size_t n)
{
    char host[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &sa->sin_addr, host, sizeof host);
    snprintf(out, n, "%s:%d", host, ntohs(sa->sin_port) + port_add);
}

/* ------------------------------------------------------------------ crypto */

typedef struct {
    const char *suite;
    uint8_t key[64];
    int key_len;
    uint8_t mki[128];
    unsigned mki_len;
    unsigned long mki_value;
    int rtp_tag, rtcp_tag, aead;
    srtp_master_key_t mk;
    srtp_master_key_t *keys[1];
} crypto_t;

/* "KEY[|LIFETIME][|MKI:LEN]" of an SDP a=crypto inline: parameter */
static void parse_inline(const char *suite, const char *inl, crypto_t *c)
{
    memset(c, 0, sizeof *c);
    c->suite = suite;
    int want;
    if (!strcmp(suite, "AES_CM_128_HMAC_SHA1_80")) { want = 30; c->rtp_tag = 10; c->rtcp_tag = 10; }
    else if (!strcmp(suite, "AES_CM_128_HMAC_SHA1_32")) { want = 30; c->rtp_tag = 4; c->rtcp_tag = 10; }
    else if (!strcmp(suite, "AEAD_AES_128_GCM")) { want = 28; c->rtp_tag = 16; c->rtcp_tag = 16; c->aead = 1; }
    else if (!strcmp(suite, "AEAD_AES_256_GCM")) { want = 44; c->rtp_tag = 16; c->rtcp_tag = 16; c->aead = 1; }
    else die("unknown suite %s", suite);
    if (!strncmp(inl, "inline:", 7))
        inl += 7;
    const char *bar = strchr(inl, '|');
    size_t klen = bar ? (size_t)(bar - inl) : strlen(inl);
    c->key_len = b64decode(inl, klen, c->key, sizeof c->key);
    if (c->key_len != want)
        die("%s needs %d bytes of key||salt, the inline value has %d", suite, want, c->key_len);
    while (bar) {                                  /* |lifetime and |MKI:length */
        const char *p = bar + 1;
        bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        const char *colon = memchr(p, ':', n);
        if (colon) {
            c->mki_value = strtoul(p, NULL, 10);
            c->mki_len = (unsigned)strtoul(colon + 1, NULL, 10);
            if (c->mki_len < 1 || c->mki_len > 128)
                die("bad MKI length in %s", inl);
            for (unsigned i = 0; i < c->mki_len; i++)    /* big-endian, left-padded */
                c->mki[c->mki_len - 1 - i] = i < sizeof(unsigned long) ? (uint8_t)(c->mki_value >> (8 * i)) : 0;
        }
    }
}

static srtp_t make_session(crypto_t *c, int outbound)
{
    srtp_policy_t pol;
    srtp_t s;
    memset(&pol, 0, sizeof pol);
    if (!strcmp(c->suite, "AES_CM_128_HMAC_SHA1_80")) {
        srtp_crypto_policy_set_rtp_default(&pol.rtp);          /* AES_CM_128_HMAC_SHA1_80 */
        srtp_crypto_policy_set_rtcp_default(&pol.rtcp);
    } else if (!strcmp(c->suite, "AES_CM_128_HMAC_SHA1_32")) {
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&pol.rtp);
        srtp_crypto_policy_set_rtcp_default(&pol.rtcp);         /* SRTCP keeps the 80-bit tag */
    } else if (!strcmp(c->suite, "AEAD_AES_128_GCM")) {
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol.rtp);
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol.rtcp);
    } else {
        srtp_crypto_policy_set_aes_gcm_256_16_auth(&pol.rtp);
        srtp_crypto_policy_set_aes_gcm_256_16_auth(&pol.rtcp);
    }
    pol.ssrc.type = outbound ? ssrc_any_outbound : ssrc_any_inbound;
    pol.window_size = 128;
    pol.allow_repeat_tx = 0;
    if (c->mki_len) {
        c->mk.key = c->key;
        c->mk.mki_id = c->mki;
        c->mk.mki_size = c->mki_len;
        c->keys[0] = &c->mk;
        pol.key = NULL;                  /* libsrtp uses keys[] only when key is NULL */
        pol.keys = c->keys;
        pol.num_master_keys = 1;
    } else {
        pol.key = c->key;
    }
    srtp_err_status_t st = srtp_create(&s, &pol);
    if (st != srtp_err_status_ok)
        die("srtp_create(%s, %s) failed: %d", c->suite, outbound ? "out" : "in", st);
    return s;
}

/* --probe: can this libsrtp2 protect and unprotect with SUITE (and MKI)? */
static int probe(const char *suite, const char *inl)
{
    crypto_t c, d;
    uint8_t buf[BUF] __attribute__((aligned(4)));
    parse_inline(suite, inl, &c);
    parse_inline(suite, inl, &d);
    srtp_t tx = make_session(&c, 1), rx = make_session(&d, 0);
    memset(buf, 0, sizeof buf);
    buf[0] = 0x80; buf[11] = 1;
    int len = 12 + 160;
    if ((c.mki_len ? srtp_protect_mki(tx, buf, &len, 1, 0) : srtp_protect(tx, buf, &len)) != srtp_err_status_ok)
        die("probe: srtp_protect failed");
    if ((c.mki_len ? srtp_unprotect_mki(rx, buf, &len, 1) : srtp_unprotect(rx, buf, &len)) != srtp_err_status_ok
        || len != 12 + 160)
        die("probe: srtp_unprotect failed");
    memset(buf, 0, sizeof buf);
    buf[0] = 0x80; buf[1] = 200; buf[3] = 6; buf[7] = 1;
    len = 28;
    if ((c.mki_len ? srtp_protect_rtcp_mki(tx, buf, &len, 1, 0) : srtp_protect_rtcp(tx, buf, &len)) != srtp_err_status_ok)
        die("probe: srtp_protect_rtcp failed");
    if ((c.mki_len ? srtp_unprotect_rtcp_mki(rx, buf, &len, 1) : srtp_unprotect_rtcp(rx, buf, &len)) != srtp_err_status_ok
        || len != 28)
        die("probe: srtp_unprotect_rtcp failed");
    printf("%s %s%s: ok\n", srtp_get_version_string(), suite, c.mki_len ? " with MKI" : "");
    return 0;
}

/* ------------------------------------------------------------------ main */

static struct {
    struct sockaddr_in local, remote, local_rtcp, remote_rtcp;
    char src[32], dst[32], src_rtcp[32], dst_rtcp[32];
    crypto_t tx, rx;
    srtp_t tx_s, rx_s;
    int rtp_fd, rtcp_fd;
    FILE *truth;
    int call;
    const char *side, *cname;
    uint32_t ssrc, ts0;
    uint16_t seq0;
    uint64_t sent_packets, sent_octets;
    long tx_rtp, tx_rtcp, rx_rtp_ok, rx_rtp_bad, rx_rtcp_ok, rx_rtcp_bad;
    int rx_bye;
    uint32_t rx_ssrc;
} P;

static void truth_head(double t)
{
    fprintf(P.truth, "{\"t\":%.6f,\"call\":%d,\"side\":\"%s\",", t, P.call, P.side);
}

static int udp_socket(const struct sockaddr_in *local)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0)
        die("socket: %s", strerror(errno));
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (const struct sockaddr *)local, sizeof *local) < 0) {
        char a[32];
        fmt_addr(local, 0, a, sizeof a);
        die("bind %s: %s", a, strerror(errno));
    }
    return fd;
}

/* the packet index of frame k's RTP packet: seq0 + k (no wrap), ROC above */
static void send_rtp(uint64_t idx, uint32_t ts, int pt, int marker,
                     const uint8_t *payload, int plen, const char *event_json)
{
    uint8_t buf[BUF] __attribute__((aligned(4)));
    uint16_t seq = (uint16_t)idx;
    uint32_t roc = (uint32_t)(idx >> 16);
    buf[0] = 0x80;
    buf[1] = (uint8_t)((marker ? 0x80 : 0) | pt);
    buf[2] = (uint8_t)(seq >> 8); buf[3] = (uint8_t)seq;
    buf[4] = (uint8_t)(ts >> 24); buf[5] = (uint8_t)(ts >> 16); buf[6] = (uint8_t)(ts >> 8); buf[7] = (uint8_t)ts;
    buf[8] = (uint8_t)(P.ssrc >> 24); buf[9] = (uint8_t)(P.ssrc >> 16); buf[10] = (uint8_t)(P.ssrc >> 8); buf[11] = (uint8_t)P.ssrc;
    memcpy(buf + 12, payload, (size_t)plen);
    int len = 12 + plen;
    char sha[65];
    sha256_hex(payload, (size_t)plen, sha);
    srtp_err_status_t st = P.tx.mki_len ? srtp_protect_mki(P.tx_s, buf, &len, 1, 0)
                                        : srtp_protect(P.tx_s, buf, &len);
    if (st != srtp_err_status_ok)
        die("srtp_protect failed: %d", st);
    double t = now_real();
    if (sendto(P.rtp_fd, buf, (size_t)len, 0, (struct sockaddr *)&P.remote, sizeof P.remote) != len)
        die("sendto RTP: %s", strerror(errno));
    P.tx_rtp++;
    P.sent_packets++;
    P.sent_octets += (uint64_t)plen;
    truth_head(t);
    fprintf(P.truth, "\"src\":\"%s\",\"dst\":\"%s\",\"suite\":\"%s\",\"ssrc\":%u,\"seq\":%u,\"roc\":%u,"
            "\"ts\":%u,\"pt\":%d,\"marker\":%d,\"payload_len\":%d,\"payload_sha256\":\"%s\",\"srtp_len\":%d%s%s}\n",
            P.src, P.dst, P.tx.suite, P.ssrc, seq, roc, ts, pt, marker ? 1 : 0, plen, sha, len,
            event_json ? "," : "", event_json ? event_json : "");
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

static void send_rtcp(uint32_t rtp_ts, int bye)
{
    uint8_t buf[BUF] __attribute__((aligned(4)));
    int n = 0;
    /* SR, no report blocks */
    double t = now_real();
    uint64_t ntp_sec = (uint64_t)t + 2208988800ULL;
    uint32_t ntp_frac = (uint32_t)((t - (double)(uint64_t)t) * 4294967296.0);
    buf[n++] = 0x80; buf[n++] = 200; buf[n++] = 0; buf[n++] = 6;
    put32(buf + n, P.ssrc); n += 4;
    put32(buf + n, (uint32_t)ntp_sec); n += 4;
    put32(buf + n, ntp_frac); n += 4;
    put32(buf + n, rtp_ts); n += 4;
    put32(buf + n, (uint32_t)P.sent_packets); n += 4;
    put32(buf + n, (uint32_t)P.sent_octets); n += 4;
    /* SDES with one chunk: CNAME, END, padding to 32 bits */
    int sdes = n;
    size_t cl = strlen(P.cname);
    buf[n++] = 0x81; buf[n++] = 202; buf[n++] = 0; buf[n++] = 0;
    put32(buf + n, P.ssrc); n += 4;
    buf[n++] = 1; buf[n++] = (uint8_t)cl;
    memcpy(buf + n, P.cname, cl); n += (int)cl;
    buf[n++] = 0;
    while (n % 4)
        buf[n++] = 0;
    buf[sdes + 3] = (uint8_t)((n - sdes) / 4 - 1);
    if (bye) {
        buf[n++] = 0x81; buf[n++] = 203; buf[n++] = 0; buf[n++] = 1;
        put32(buf + n, P.ssrc); n += 4;
    }
    int clear_len = n;
    char sha[65];
    sha256_hex(buf, (size_t)n, sha);
    int len = n;
    srtp_err_status_t st = P.tx.mki_len ? srtp_protect_rtcp_mki(P.tx_s, buf, &len, 1, 0)
                                        : srtp_protect_rtcp(P.tx_s, buf, &len);
    if (st != srtp_err_status_ok)
        die("srtp_protect_rtcp failed: %d", st);
    /* E flag and SRTCP index: before MKI and tag (AES-CM, RFC 3711), or after
     * the tag, before the MKI (AEAD, RFC 7714) */
    int at = P.tx.aead ? len - (int)P.tx.mki_len - 4 : len - P.tx.rtcp_tag - (int)P.tx.mki_len - 4;
    uint32_t ei = (uint32_t)buf[at] << 24 | (uint32_t)buf[at + 1] << 16 | (uint32_t)buf[at + 2] << 8 | buf[at + 3];
    if (sendto(P.rtcp_fd, buf, (size_t)len, 0, (struct sockaddr *)&P.remote_rtcp, sizeof P.remote_rtcp) != len)
        die("sendto RTCP: %s", strerror(errno));
    P.tx_rtcp++;
    truth_head(t);
    fprintf(P.truth, "\"src\":\"%s\",\"dst\":\"%s\",\"suite\":\"%s\",\"rtcp\":\"SR\",\"parts\":[\"SR\",\"SDES\"%s],"
            "\"ssrc\":%u,\"packets\":%llu,\"octets\":%llu,\"rtp_ts\":%u,\"ntp\":\"%08x.%08x\",\"cname\":\"%s\","
            "\"srtcp_e\":%d,\"srtcp_index\":%u,\"len\":%d,\"clear_len\":%d,\"clear_sha256\":\"%s\"}\n",
            P.src_rtcp, P.dst_rtcp, P.tx.suite, bye ? ",\"BYE\"" : "", P.ssrc,
            (unsigned long long)P.sent_packets, (unsigned long long)P.sent_octets, rtp_ts,
            (uint32_t)ntp_sec, ntp_frac, P.cname, (int)(ei >> 31), ei & 0x7fffffffu, len, clear_len, sha);
}

static void receive_ready(int fd, int rtcp)
{
    uint8_t buf[BUF] __attribute__((aligned(4)));
    for (int i = 0; i < 64; i++) {                       /* bounded drain */
        ssize_t r = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (r < 0)
            return;
        int len = (int)r;
        srtp_err_status_t st;
        if (rtcp) {
            st = P.rx.mki_len ? srtp_unprotect_rtcp_mki(P.rx_s, buf, &len, 1) : srtp_unprotect_rtcp(P.rx_s, buf, &len);
            if (st == srtp_err_status_ok) {
                P.rx_rtcp_ok++;
                for (int off = 0; off + 4 <= len;) {        /* walk the compound packet */
                    if (buf[off + 1] == 203)
                        P.rx_bye = 1;
                    off += 4 * ((buf[off + 2] << 8 | buf[off + 3]) + 1);
                }
            } else {
                P.rx_rtcp_bad++;
                fprintf(stderr, "srtp_peer: srtp_unprotect_rtcp: %d\n", st);
            }
        } else {
            st = P.rx.mki_len ? srtp_unprotect_mki(P.rx_s, buf, &len, 1) : srtp_unprotect(P.rx_s, buf, &len);
            if (st == srtp_err_status_ok) {
                P.rx_rtp_ok++;
                P.rx_ssrc = (uint32_t)buf[8] << 24 | (uint32_t)buf[9] << 16 | (uint32_t)buf[10] << 8 | buf[11];
            } else {
                P.rx_rtp_bad++;
                fprintf(stderr, "srtp_peer: srtp_unprotect: %d\n", st);
            }
        }
    }
}

/* wait until the monotonic time `until`, receiving meanwhile */
static void pump_until(int64_t until, int stop_on_bye)
{
    for (int guard = 0; guard < 100000; guard++) {
        int64_t left = until - now_mono_us();
        if (left <= 0 || (stop_on_bye && P.rx_bye))
            return;
        struct pollfd pf[2] = {{P.rtp_fd, POLLIN, 0}, {P.rtcp_fd, POLLIN, 0}};
        int ms = (int)((left + 999) / 1000);
        if (poll(pf, 2, ms) > 0) {
            if (pf[0].revents & POLLIN) receive_ready(P.rtp_fd, 0);
            if (pf[1].revents & POLLIN) receive_ready(P.rtcp_fd, 1);
        }
    }
}

int main(int argc, char **argv)
{
    const char *local = NULL, *remote = NULL, *suite = NULL, *inl = NULL;
    const char *rsuite = NULL, *rinl = NULL, *truth = NULL;
    long seed = -1, seq = -1, frames = 150, dtmf_at = 70, digit = 5, start_delay = 200, linger = 1000;
    double tone = 440.0;
    P.call = 1; P.side = "?"; P.cname = "srtp_peer@callscope.test";
    static struct option opts[] = {
        {"local", 1, 0, 'l'}, {"remote", 1, 0, 'r'}, {"suite", 1, 0, 's'}, {"inline", 1, 0, 'k'},
        {"remote-suite", 1, 0, 'S'}, {"remote-inline", 1, 0, 'K'}, {"seed", 1, 0, 'x'},
        {"seq", 1, 0, 'q'}, {"tone", 1, 0, 'f'}, {"frames", 1, 0, 'n'}, {"dtmf-at", 1, 0, 'd'},
        {"dtmf-digit", 1, 0, 'D'}, {"start-delay-ms", 1, 0, 'w'}, {"linger-ms", 1, 0, 'L'},
        {"truth", 1, 0, 't'}, {"call", 1, 0, 'c'}, {"side", 1, 0, 'e'}, {"cname", 1, 0, 'C'},
        {"version", 0, 0, 'V'}, {"probe", 0, 0, 'P'}, {0, 0, 0, 0}};
    int do_probe = 0;
    int o;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 'l': local = optarg; break;
        case 'r': remote = optarg; break;
        case 's': suite = optarg; break;
        case 'k': inl = optarg; break;
        case 'S': rsuite = optarg; break;
        case 'K': rinl = optarg; break;
        case 'x': seed = strtol(optarg, NULL, 0); break;
        case 'q': seq = strtol(optarg, NULL, 0); break;
        case 'f': tone = atof(optarg); break;
        case 'n': frames = strtol(optarg, NULL, 0); break;
        case 'd': dtmf_at = strtol(optarg, NULL, 0); break;
        case 'D': digit = strtol(optarg, NULL, 0); break;
        case 'w': start_delay = strtol(optarg, NULL, 0); break;
        case 'L': linger = strtol(optarg, NULL, 0); break;
        case 't': truth = optarg; break;
        case 'c': P.call = atoi(optarg); break;
        case 'e': P.side = optarg; break;
        case 'C': P.cname = optarg; break;
        case 'P': do_probe = 1; break;
        case 'V':
            if (srtp_init() != srtp_err_status_ok) die("srtp_init failed");
            printf("%s\n", srtp_get_version_string());
            return 0;
        default: die("bad option (see the comment at the top of srtp_peer.c)");
        }
    }
    if (do_probe) {
        if (!suite || !inl)
            die("--probe needs --suite and --inline");
        if (srtp_init() != srtp_err_status_ok)
            die("srtp_init failed");
        return probe(suite, inl);
    }
    if (!local || !remote || !suite || !inl || !rsuite || !rinl || !truth || seed < 0)
        die("need --local --remote --suite --inline --remote-suite --remote-inline --seed --truth");
    if (frames < 1 || frames > 3000 || dtmf_at < 0 || dtmf_at + DTMF_FRAMES > frames || digit < 0 || digit > 16
        || start_delay < 0 || start_delay > 10000 || linger < 0 || linger > 10000 || seq > 65535 || strlen(P.cname) > 255)
        die("option out of range");

    srtp_err_status_t st = srtp_init();
    if (st != srtp_err_status_ok)
        die("srtp_init failed: %d", st);
    parse_inline(suite, inl, &P.tx);
    parse_inline(rsuite, rinl, &P.rx);
    P.tx_s = make_session(&P.tx, 1);
    P.rx_s = make_session(&P.rx, 0);

    rng_state = (uint64_t)seed;
    P.ssrc = (uint32_t)splitmix64();
    P.ts0 = (uint32_t)splitmix64();
    uint16_t rseq = (uint16_t)splitmix64();
    P.seq0 = seq >= 0 ? (uint16_t)seq : rseq;

    parse_addr(local, &P.local);
    parse_addr(remote, &P.remote);
    P.local_rtcp = P.local; P.local_rtcp.sin_port = htons(ntohs(P.local.sin_port) + 1);
    P.remote_rtcp = P.remote; P.remote_rtcp.sin_port = htons(ntohs(P.remote.sin_port) + 1);
    fmt_addr(&P.local, 0, P.src, sizeof P.src);
    fmt_addr(&P.remote, 0, P.dst, sizeof P.dst);
    fmt_addr(&P.local, 1, P.src_rtcp, sizeof P.src_rtcp);
    fmt_addr(&P.remote, 1, P.dst_rtcp, sizeof P.dst_rtcp);
    P.rtp_fd = udp_socket(&P.local);
    P.rtcp_fd = udp_socket(&P.local_rtcp);
    P.truth = fopen(truth, "w");
    if (!P.truth)
        die("open %s: %s", truth, strerror(errno));

    int64_t start = now_mono_us() + start_delay * 1000;
    pump_until(start, 0);

    double phase_step = 2.0 * M_PI * tone / 8000.0;
    for (long k = 0; k < frames; k++) {
        pump_until(start + k * FRAME_MS * 1000, 0);
        uint64_t idx = (uint64_t)P.seq0 + (uint64_t)k;
        uint32_t ts = P.ts0 + (uint32_t)(k * SAMPLES);
        if (k >= dtmf_at && k < dtmf_at + DTMF_FRAMES) {
            /* RFC 4733 event: all packets carry the event's start timestamp */
            long j = k - dtmf_at;
            int end = j >= 5;
            int dur = end ? 6 * SAMPLES : (int)(j + 1) * SAMPLES;
            uint8_t ev[4] = {(uint8_t)digit, (uint8_t)((end ? 0x80 : 0) | 10), (uint8_t)(dur >> 8), (uint8_t)dur};
            char ej[128];
            snprintf(ej, sizeof ej, "\"event\":{\"digit\":%ld,\"end\":%s,\"volume\":10,\"duration\":%d}",
                     digit, end ? "true" : "false", dur);
            send_rtp(idx, P.ts0 + (uint32_t)(dtmf_at * SAMPLES), 101, j == 0, ev, 4, ej);
        } else {
            uint8_t pl[SAMPLES];
            for (int i = 0; i < SAMPLES; i++) {     /* tone + deterministic dither */
                double s = sin(phase_step * (double)(k * SAMPLES + i));
                int dither = (int)(splitmix64() % 257) - 128;
                pl[i] = linear2ulaw((int)lrint(s * 8000.0) + dither);
            }
            send_rtp(idx, ts, 0, k == 0, pl, SAMPLES, NULL);
        }
        if ((k + 1) % SR_EVERY == 0 || k == frames - 1)
            send_rtcp(P.ts0 + (uint32_t)((k + 1) * SAMPLES), k == frames - 1);
    }
    pump_until(now_mono_us() + linger * 1000, 1);

    fclose(P.truth);
    printf("{\"tx_rtp\":%ld,\"tx_rtcp\":%ld,\"rx_rtp_ok\":%ld,\"rx_rtp_bad\":%ld,\"rx_rtcp_ok\":%ld,"
           "\"rx_rtcp_bad\":%ld,\"rx_bye\":%s,\"rx_ssrc\":%u,\"ssrc\":%u,\"libsrtp\":\"%s\"}\n",
           P.tx_rtp, P.tx_rtcp, P.rx_rtp_ok, P.rx_rtp_bad, P.rx_rtcp_ok, P.rx_rtcp_bad,
           P.rx_bye ? "true" : "false", P.rx_ssrc, P.ssrc, srtp_get_version_string());
    srtp_dealloc(P.tx_s);
    srtp_dealloc(P.rx_s);
    srtp_shutdown();
    return (P.rx_rtp_bad || P.rx_rtcp_bad) ? 2 : 0;
}
