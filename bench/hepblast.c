/*
 * hepblast: sends HEPv3 datagrams carrying SIP over UDP at a paced rate (bench/hep.sh).
 *
 *   usage: hepblast -a ADDR -p PORT -r RATE (-d SECONDS | -n COUNT) [-c CALLS] [-A PAIRS] [-b BATCH] [-g AGENT]
 *     -a ADDR    destination IPv4 address (must be in 127.0.0.0/8)
 *     -p PORT    destination UDP port
 *     -r RATE    packets per second (0: as fast as the kernel takes them)
 *     -d SECONDS stop after this many seconds
 *     -n COUNT   stop after this many packets (with -d: whichever comes first)
 *     -c CALLS   calls in progress at once (default 100)
 *     -A PAIRS   caller/callee address pairs, reused every PAIRS calls (default and most 1000000)
 *     -b BATCH   datagrams per sendmmsg call, and per pacing check (default 64)
 *     -g AGENT   HEP capture agent id (default 2001)
 *
 * Prints one line on stdout when done (or on SIGINT/SIGTERM):
 *   sent=N failed=N seconds=S rate=R
 * sent: datagrams the kernel accepted; failed: datagrams whose send returned an error (each is
 * counted once and not retried; the errno of the first failures goes to stderr); seconds: from the
 * first send to the end; rate: sent / seconds.
 *
 * Traffic: every call is 7 SIP messages over UDP 5060 <-> 5060: INVITE (SDP offer), 100 Trying,
 * 180 Ringing, 200 OK (SDP answer), ACK, BYE, 200 OK. CALLS calls run interleaved: packet k is
 * message (k / CALLS) % 7 of call (k / (7 * CALLS)) * CALLS + k % CALLS, so CALLS calls are in
 * progress at any time and each completes, 7 * CALLS packets after its INVITE. Call n has its own
 * Call-ID (hb-NNNNNNNNNN@caller), tags, branches, caller 10.(100+a).(100+b).(100+c) and callee
 * 10.(200+a%50).(100+c).(100+b) with n % PAIRS = a*10000 + b*100 + c, media ports
 * 20000 + 2 * (n % 20000) (caller) and 30000 + 2 * (n % 10000) (callee). Every field has a fixed
 * width, so each message is built once and only the digits are rewritten per packet.
 *
 * HEPv3 chunks (vendor 0, big-endian): 1 IP family (2), 2 IP protocol (17), 3/4 IPv4 source and
 * destination, 7/8 ports, 9/10 timestamp seconds and microseconds, 11 protocol type (1, SIP),
 * 12 capture agent id, 15 payload, 17 correlation id (the Call-ID). The timestamp of packet k is
 * the wall clock at the start plus k / RATE (plus the real elapsed time when RATE is 0).
 *
 * Pacing: before each batch the sender sleeps until start + sent / RATE (CLOCK_MONOTONIC). A sender
 * that falls more than 20 ms behind (descheduled) does not burst to catch up: it restarts its
 * schedule from the current time, so the achieved rate is below RATE and says so.
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
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MESSAGES 7
#define MAX_FIELDS 64
#define MAX_DGRAM 2048
#define MAX_BATCH 1024
#define LAG_NS 20000000LL

enum field {
    F_CALLER_TXT, /* "10.1xx.1xx.1xx", 14 chars */
    F_CALLEE_TXT, /* "10.2xx.1xx.1xx", 14 chars */
    F_NUM,        /* call number, 10 digits */
    F_MPORT_A,    /* caller media port, 5 digits */
    F_MPORT_B,    /* callee media port, 5 digits */
    F_SRC_IP,     /* HEP source address, 4 bytes */
    F_DST_IP,     /* HEP destination address, 4 bytes */
    F_TS_SEC,     /* HEP timestamp seconds, 4 bytes */
    F_TS_USEC,    /* HEP timestamp microseconds, 4 bytes */
};
static const int TEXT_WIDTH[] = {14, 14, 10, 5, 5};

struct tmpl {
    unsigned char data[MAX_DGRAM];
    int len;
    int nfields;
    struct { int off; int kind; } fields[MAX_FIELDS];
    int from_caller; /* 1: caller -> callee */
};

/*
 * The SIP messages: $A caller address, $B callee address, $N call number, $P caller media port,
 * $Q callee media port; $L in a header is the body's length; the body follows "\n--\n".
 */
static const char *const SIP[MESSAGES] = {
    "INVITE sip:+2$N@$B:5060 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP $A:5060;branch=z9hG4bK-$N-1\r\n"
    "Max-Forwards: 70\r\n"
    "From: \"Caller $N\" <sip:+1$N@$A>;tag=f-$N\r\n"
    "To: <sip:+2$N@$B>\r\n"
    "Call-ID: hb-$N@$A\r\n"
    "CSeq: 1 INVITE\r\n"
    "Contact: <sip:+1$N@$A:5060>\r\n"
    "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS\r\n"
    "User-Agent: hepblast\r\n"
    "Content-Type: application/sdp\r\n"
    "Content-Length: $L\r\n"
    "\r\n"
    "\n--\n"
    "v=0\r\n"
    "o=- $N 1 IN IP4 $A\r\n"
    "s=-\r\n"
    "c=IN IP4 $A\r\n"
    "t=0 0\r\n"
    "m=audio $P RTP/AVP 8 0 101\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-15\r\n"
    "a=ptime:20\r\n"
    "a=sendrecv\r\n",

    "SIP/2.0 100 Trying\r\n"
    "Via: SIP/2.0/UDP $A:5060;branch=z9hG4bK-$N-1\r\n"
    "From: \"Caller $N\" <sip:+1$N@$A>;tag=f-$N\r\n"
    "To: <sip:+2$N@$B>\r\n"
    "Call-ID: hb-$N@$A\r\n"
    "CSeq: 1 INVITE\r\n"
    "Content-Length: 0\r\n"
    "\r\n",

    "SIP/2.0 180 Ringing\r\n"
    "Via: SIP/2.0/UDP $A:5060;branch=z9hG4bK-$N-1\r\n"
    "From: \"Caller $N\" <sip:+1$N@$A>;tag=f-$N\r\n"
    "To: <sip:+2$N@$B>;tag=t-$N\r\n"
    "Call-ID: hb-$N@$A\r\n"
    "CSeq: 1 INVITE\r\n"
    "Contact: <sip:+2$N@$B:5060>\r\n"
    "Content-Length: 0\r\n"
    "\r\n",

    "SIP/2.0 200 OK\r\n"
    "Via: SIP/2.0/UDP $A:5060;branch=z9hG4bK-$N-1\r\n"
    "From: \"Caller $N\" <sip:+1$N@$A>;tag=f-$N\r\n"
    "To: <sip:+2$N@$B>;tag=t-$N\r\n"
    "Call-ID: hb-$N@$A\r\n"
    "CSeq: 1 INVITE\r\n"
    "Contact: <sip:+2$N@$B:5060>\r\n"
    "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS\r\n"
    "Content-Type: application/sdp\r\n"
    "Content-Length: $L\r\n"
    "\r\n"
    "\n--\n"
    "v=0\r\n"
    "o=- $N 1 IN IP4 $B\r\n"
    "s=-\r\n"
    "c=IN IP4 $B\r\n"
    "t=0 0\r\n"
    "m=audio $Q RTP/AVP 8 101\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-15\r\n"
    "a=ptime:20\r\n"
    "a=sendrecv\r\n",

    "ACK sip:+2$N@$B:5060 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP $A:5060;branch=z9hG4bK-$N-2\r\n"
    "Max-Forwards: 70\r\n"
    "From: \"Caller $N\" <sip:+1$N@$A>;tag=f-$N\r\n"
    "To: <sip:+2$N@$B>;tag=t-$N\r\n"
    "Call-ID: hb-$N@$A\r\n"
    "CSeq: 1 ACK\r\n"
    "Content-Length: 0\r\n"
    "\r\n",

    "BYE sip:+2$N@$B:5060 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP $A:5060;branch=z9hG4bK-$N-3\r\n"
    "Max-Forwards: 70\r\n"
    "From: \"Caller $N\" <sip:+1$N@$A>;tag=f-$N\r\n"
    "To: <sip:+2$N@$B>;tag=t-$N\r\n"
    "Call-ID: hb-$N@$A\r\n"
    "CSeq: 2 BYE\r\n"
    "Content-Length: 0\r\n"
    "\r\n",

    "SIP/2.0 200 OK\r\n"
    "Via: SIP/2.0/UDP $A:5060;branch=z9hG4bK-$N-3\r\n"
    "From: \"Caller $N\" <sip:+1$N@$A>;tag=f-$N\r\n"
    "To: <sip:+2$N@$B>;tag=t-$N\r\n"
    "Call-ID: hb-$N@$A\r\n"
    "CSeq: 2 BYE\r\n"
    "Content-Length: 0\r\n"
    "\r\n",
};
static const int FROM_CALLER[MESSAGES] = {1, 0, 0, 0, 1, 1, 0};
static const char CALL_ID[] = "hb-$N@$A";

static volatile sig_atomic_t stop_requested;
static void on_signal(int sig) { (void) sig; stop_requested = 1; }

static void die(const char *msg) {
    fprintf(stderr, "hepblast: %s\n", msg);
    exit(2);
}

static int field_of(char c) {
    switch (c) {
    case 'A': return F_CALLER_TXT;
    case 'B': return F_CALLEE_TXT;
    case 'N': return F_NUM;
    case 'P': return F_MPORT_A;
    case 'Q': return F_MPORT_B;
    default: return -1;
    }
}

/* expand SRC (up to END) into T at T->len, placeholders as '#' runs recorded as fields */
static void expand(struct tmpl *t, const char *src, const char *end, int body_len) {
    for (const char *p = src; p < end; p++) {
        if (*p == '$' && p + 1 < end) {
            int kind = field_of(p[1]);
            if (p[1] == 'L') {
                t->len += snprintf((char *) t->data + t->len, MAX_DGRAM - t->len, "%d", body_len);
                p++;
                continue;
            }
            if (kind < 0) die("bad placeholder in a template");
            if (t->nfields == MAX_FIELDS) die("too many fields in a template");
            if (t->len + TEXT_WIDTH[kind] >= MAX_DGRAM) die("template too long");
            t->fields[t->nfields].off = t->len;
            t->fields[t->nfields].kind = kind;
            t->nfields++;
            memset(t->data + t->len, '#', TEXT_WIDTH[kind]);
            t->len += TEXT_WIDTH[kind];
            p++;
            continue;
        }
        if (t->len + 1 >= MAX_DGRAM) die("template too long");
        t->data[t->len++] = (unsigned char) *p;
    }
}

/* length of SRC..END once expanded, $L standing for BODY_LEN's digits */
static int expanded_len(const char *src, const char *end, int body_len) {
    int n = 0;
    for (const char *p = src; p < end; p++) {
        if (*p == '$' && p + 1 < end) {
            if (p[1] == 'L') {
                char digits[16];
                n += snprintf(digits, sizeof digits, "%d", body_len);
            } else {
                int kind = field_of(p[1]);
                if (kind < 0) die("bad placeholder in a template");
                n += TEXT_WIDTH[kind];
            }
            p++;
        } else {
            n++;
        }
    }
    return n;
}

static unsigned char *put16(unsigned char *p, unsigned v) { p[0] = v >> 8; p[1] = v; return p + 2; }
static unsigned char *put32(unsigned char *p, uint32_t v) {
    p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v; return p + 4;
}

/* a chunk header (vendor 0) at T->len; returns the offset of its value */
static int chunk(struct tmpl *t, unsigned type, int value_len) {
    unsigned char *p = t->data + t->len;
    if (t->len + 6 + value_len >= MAX_DGRAM) die("datagram too long");
    p = put16(p, 0);
    p = put16(p, type);
    put16(p, 6 + value_len);
    t->len += 6;
    return t->len;
}

static void chunk_u8(struct tmpl *t, unsigned type, unsigned v) {
    t->data[chunk(t, type, 1)] = v;
    t->len += 1;
}
static void chunk_u16(struct tmpl *t, unsigned type, unsigned v) {
    put16(t->data + chunk(t, type, 2), v);
    t->len += 2;
}
static void chunk_u32(struct tmpl *t, unsigned type, uint32_t v) {
    put32(t->data + chunk(t, type, 4), v);
    t->len += 4;
}
static void chunk_field(struct tmpl *t, unsigned type, int kind) {
    int off = chunk(t, type, 4);
    t->fields[t->nfields].off = off;
    t->fields[t->nfields].kind = kind;
    t->nfields++;
    t->len += 4;
}

static void build(struct tmpl *t, int m, uint32_t agent) {
    const char *sip = SIP[m], *end = sip + strlen(sip), *sep = strstr(sip, "\n--\n");
    int body_len = sep ? expanded_len(sep + 4, end, 0) : 0;
    memset(t, 0, sizeof *t);
    t->from_caller = FROM_CALLER[m];
    memcpy(t->data, "HEP3", 4);
    t->len = 6; /* total length written last */
    chunk_u8(t, 0x0001, 2);
    chunk_u8(t, 0x0002, 17);
    chunk_field(t, 0x0003, F_SRC_IP);
    chunk_field(t, 0x0004, F_DST_IP);
    chunk_u16(t, 0x0007, 5060);
    chunk_u16(t, 0x0008, 5060);
    chunk_field(t, 0x0009, F_TS_SEC);
    chunk_field(t, 0x000a, F_TS_USEC);
    chunk_u8(t, 0x000b, 1);
    chunk_u32(t, 0x000c, agent);
    {
        const char *hdr_end = sep ? sep : end;
        int sip_len = expanded_len(sip, hdr_end, body_len) + body_len;
        int start = chunk(t, 0x000f, sip_len);
        expand(t, sip, hdr_end, body_len);
        if (sep) expand(t, sep + 4, end, 0);
        if (t->len - start != sip_len) die("payload length mismatch");
    }
    chunk(t, 0x0011, expanded_len(CALL_ID, CALL_ID + strlen(CALL_ID), 0));
    expand(t, CALL_ID, CALL_ID + strlen(CALL_ID), 0);
    put16(t->data + 4, t->len);
}

/* digits of V, zero-padded to WIDTH, at P */
static void put_digits(unsigned char *p, uint64_t v, int width) {
    for (int i = width - 1; i >= 0; i--) {
        p[i] = '0' + v % 10;
        v /= 10;
    }
}

struct call_values {
    uint64_t num;
    unsigned char caller_txt[14], callee_txt[14];
    uint32_t caller, callee;
    unsigned mport_a, mport_b;
};

static void call_values(struct call_values *c, uint64_t n, uint64_t pairs) {
    unsigned k = n % pairs, a = k / 10000, b = k / 100 % 100, cc = k % 100;
    unsigned ea = 200 + a % 50, eb = 100 + cc, ec = 100 + b;
    c->num = n;
    memcpy(c->caller_txt, "10.", 3);
    put_digits(c->caller_txt + 3, 100 + a, 3); c->caller_txt[6] = '.';
    put_digits(c->caller_txt + 7, 100 + b, 3); c->caller_txt[10] = '.';
    put_digits(c->caller_txt + 11, 100 + cc, 3);
    memcpy(c->callee_txt, "10.", 3);
    put_digits(c->callee_txt + 3, ea, 3); c->callee_txt[6] = '.';
    put_digits(c->callee_txt + 7, eb, 3); c->callee_txt[10] = '.';
    put_digits(c->callee_txt + 11, ec, 3);
    c->caller = (10u << 24) | ((100 + a) << 16) | ((100 + b) << 8) | (100 + cc);
    c->callee = (10u << 24) | (ea << 16) | (eb << 8) | ec;
    c->mport_a = 20000 + 2 * (n % 20000);
    c->mport_b = 30000 + 2 * (n % 10000);
}

static void fill(unsigned char *buf, const struct tmpl *t, const struct call_values *c, uint32_t sec, uint32_t usec) {
    memcpy(buf, t->data, t->len);
    for (int i = 0; i < t->nfields; i++) {
        unsigned char *p = buf + t->fields[i].off;
        switch (t->fields[i].kind) {
        case F_CALLER_TXT: memcpy(p, c->caller_txt, 14); break;
        case F_CALLEE_TXT: memcpy(p, c->callee_txt, 14); break;
        case F_NUM: put_digits(p, c->num, 10); break;
        case F_MPORT_A: put_digits(p, c->mport_a, 5); break;
        case F_MPORT_B: put_digits(p, c->mport_b, 5); break;
        case F_SRC_IP: put32(p, t->from_caller ? c->caller : c->callee); break;
        case F_DST_IP: put32(p, t->from_caller ? c->callee : c->caller); break;
        case F_TS_SEC: put32(p, sec); break;
        case F_TS_USEC: put32(p, usec); break;
        }
    }
}

static int64_t now_ns(clockid_t clk) {
    struct timespec ts;
    clock_gettime(clk, &ts);
    return (int64_t) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long parse_num(const char *s, const char *what, double *frac) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || v < 0) {
        fprintf(stderr, "hepblast: bad %s: %s\n", what, s);
        exit(2);
    }
    if (frac) *frac = v;
    return (long long) v;
}

static void usage(void) {
    fprintf(stderr, "usage: hepblast -a ADDR -p PORT -r RATE (-d SECONDS | -n COUNT) [-c CALLS] [-A PAIRS] [-b BATCH] [-g AGENT]\n");
    exit(2);
}

int main(int argc, char **argv) {
    const char *addr = NULL;
    long long port = -1, count = -1, calls = 100, pairs = 1000000, batch = 64, agent = 2001;
    double rate = -1, seconds = -1;
    int opt;
    while ((opt = getopt(argc, argv, "a:p:r:d:n:c:A:b:g:h")) != -1) {
        switch (opt) {
        case 'a': addr = optarg; break;
        case 'p': port = parse_num(optarg, "port", NULL); break;
        case 'r': parse_num(optarg, "rate", &rate); break;
        case 'd': parse_num(optarg, "duration", &seconds); break;
        case 'n': count = parse_num(optarg, "count", NULL); break;
        case 'c': calls = parse_num(optarg, "calls", NULL); break;
        case 'A': pairs = parse_num(optarg, "address pairs", NULL); break;
        case 'b': batch = parse_num(optarg, "batch", NULL); break;
        case 'g': agent = parse_num(optarg, "agent id", NULL); break;
        default: usage();
        }
    }
    if (!addr || port < 1 || port > 65535 || rate < 0 || (seconds <= 0 && count <= 0) || optind != argc) usage();
    if (calls < 1 || calls > 100000000) die("-c must be between 1 and 100000000");
    if (pairs < 1 || pairs > 1000000) die("-A must be between 1 and 1000000");
    if (batch < 1 || batch > MAX_BATCH) die("-b must be between 1 and 1024");
    if (agent > 0xffffffffLL) die("-g must fit in 32 bits");

    struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons((uint16_t) port)};
    if (inet_pton(AF_INET, addr, &dst.sin_addr) != 1) die("-a must be an IPv4 address");
    if ((ntohl(dst.sin_addr.s_addr) >> 24) != 127) die("-a must be a loopback address (127.0.0.0/8)");

    static struct tmpl tmpl[MESSAGES];
    for (int m = 0; m < MESSAGES; m++) build(&tmpl[m], m, (uint32_t) agent);

    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) { perror("hepblast: socket"); return 2; }
    if (connect(fd, (struct sockaddr *) &dst, sizeof dst) < 0) { perror("hepblast: connect"); return 2; }

    static unsigned char bufs[MAX_BATCH][MAX_DGRAM];
    static struct iovec iov[MAX_BATCH];
    static struct mmsghdr msgs[MAX_BATCH];
    for (int i = 0; i < batch; i++) {
        iov[i].iov_base = bufs[i];
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }

    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);

    const int64_t t0 = now_ns(CLOCK_MONOTONIC), wall0 = now_ns(CLOCK_REALTIME);
    const int64_t deadline = seconds > 0 ? t0 + (int64_t) (seconds * 1e9) : INT64_MAX;
    int64_t sched0 = t0;        /* the schedule's origin: packet k is due at sched0 + (k - k0) / rate */
    uint64_t k0 = 0, k = 0, sent = 0, failed = 0, reported = 0;
    struct call_values cv;
    uint64_t cv_call = UINT64_MAX;

    while (!stop_requested) {
        int64_t now = now_ns(CLOCK_MONOTONIC);
        if (now >= deadline) break;
        uint64_t n = (uint64_t) batch;
        if (count > 0) {
            if (k >= (uint64_t) count) break;
            if (n > (uint64_t) count - k) n = (uint64_t) count - k;
        }
        if (rate > 0) {
            int64_t due = sched0 + (int64_t) ((double) (k - k0) * 1e9 / rate);
            if (now - due > LAG_NS) {
                sched0 = now; /* behind: restart the schedule rather than burst */
                k0 = k;
                due = now;
            }
            if (due > now) {
                if (due >= deadline) {
                    struct timespec ts = {deadline / 1000000000LL, deadline % 1000000000LL};
                    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
                    continue;
                }
                struct timespec ts = {due / 1000000000LL, due % 1000000000LL};
                clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
                continue; /* re-read the clock: a signal may have cut the sleep short */
            }
        }
        int64_t ts_base = rate > 0 ? 0 : now - t0;
        for (uint64_t i = 0; i < n; i++) {
            uint64_t p = k + i, round = p / (uint64_t) calls;
            int m = (int) (round % MESSAGES);
            uint64_t call = round / MESSAGES * (uint64_t) calls + p % (uint64_t) calls;
            if (call != cv_call) {
                call_values(&cv, call, (uint64_t) pairs);
                cv_call = call;
            }
            int64_t ts = wall0 + (rate > 0 ? (int64_t) ((double) p * 1e9 / rate) : ts_base);
            fill(bufs[i], &tmpl[m], &cv, (uint32_t) (ts / 1000000000LL), (uint32_t) (ts % 1000000000LL / 1000));
            iov[i].iov_len = (size_t) tmpl[m].len;
        }
        uint64_t off = 0;
        while (off < n) {
            int r = sendmmsg(fd, msgs + off, (unsigned) (n - off), 0);
            if (r < 0) {
                if (errno == EINTR) continue;
                if (reported++ < 5) fprintf(stderr, "hepblast: send: %s\n", strerror(errno));
                failed++;
                off++;
            } else {
                sent += (uint64_t) r;
                off += (uint64_t) r;
            }
        }
        k += n;
    }
    double secs = (double) (now_ns(CLOCK_MONOTONIC) - t0) / 1e9;
    printf("sent=%llu failed=%llu seconds=%.3f rate=%.0f\n", (unsigned long long) sent,
           (unsigned long long) failed, secs, secs > 0 ? (double) sent / secs : 0.0);
    fflush(stdout);
    close(fd);
    return 0;
}
