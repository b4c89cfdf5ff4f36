/*
 * dtls13.c: a DTLS 1.3 client and server over UDP on loopback, built on
 * wolfSSL configured with --enable-dtls --enable-dtls13 --enable-srtp and
 * -DHAVE_SECRET_CALLBACK (5.9.2 for the committed sample; 5.7.2 works too,
 * without the cookie exchange, see below and BUILD.md). record.sh runs one
 * server and one client to record callscope's DTLS 1.3 sample.
 *
 *   dtls13 server --addr A --port P --cert FILE --key FILE
 *                 --keylog FILE --truth FILE --messages N
 *   dtls13 client --addr A --port P --client-port P --ca FILE --name DNS
 *                 --keylog FILE --truth FILE --messages N [--key-update-after K]
 *                 [--interval-ms MS]
 *
 * The client sends "client message i" (i = 1..N, one every --interval-ms,
 * default 20), the server answers each with "server message i"; after
 * message K has been answered the client sends a KeyUpdate
 * (wolfSSL_update_keys, request_update = update_requested); then the client
 * sends close_notify and the server answers with its own. Only
 * TLS_AES_128_GCM_SHA256 and the P-256 group are offered and accepted;
 * use_srtp offers SRTP_AES128_CM_SHA1_80 only. The server does the stateless
 * cookie exchange (HelloRetryRequest with a cookie) that wolfSSL does by
 * default for DTLS 1.3.
 *
 * Each side writes an NSS key log from wolfSSL's TLS 1.3 secret callback
 * (LABEL <client_random hex> <secret hex>) and a JSON Lines truth file: one
 * object per event (handshake done, application message sent or received,
 * KeyUpdate, close_notify), each with the wall-clock time it happened.
 * Every wait is bounded: wolfSSL's DTLS timeouts (1 s doubling, at most 8 s)
 * and an alarm() that ends the process after --deadline seconds (default 30).
 */
#include <wolfssl/options.h>
#include <wolfssl/ssl.h>
#include <wolfssl/version.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#if !defined(WOLFSSL_DTLS13) || !defined(HAVE_SECRET_CALLBACK)
#error "wolfSSL must be built with --enable-dtls13 and -DHAVE_SECRET_CALLBACK"
#endif

#define MAX_TEXT 128

static const char *side = "?";
static FILE *keylog;
static FILE *truth;

static void die(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "dtls13 %s: ", side);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static void die_ssl(WOLFSSL *ssl, int ret, const char *what)
{
    char buf[WOLFSSL_MAX_ERROR_SZ];
    int err = wolfSSL_get_error(ssl, ret);
    die("%s failed: %d %s", what, err, wolfSSL_ERR_error_string((unsigned long)err, buf));
}

static void hex(FILE *f, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%02x", p[i]);
}

static double now(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* start a truth line: {"time": ..., "side": ..., "event": ... (the caller
 * adds its fields and calls truth_end). What a side sends is stamped with the
 * time just before the call that sends it, what it receives with the time the
 * call returned: sorted by time, a message is sent before it is received. */
static void truth_begin_at(double t, const char *event)
{
    fprintf(truth, "{\"time\": %.6f, \"side\": \"%s\", \"event\": \"%s\"", t, side, event);
}

static void truth_begin(const char *event)
{
    truth_begin_at(now(), event);
}

static void truth_end(void)
{
    fputs("}\n", truth);
    fflush(truth);
}

/* the messages are plain ASCII made here: no escaping needed beyond a check */
static void truth_message(double t, const char *event, int seq, const char *text, int len)
{
    for (int i = 0; i < len; i++)
        if (text[i] < 0x20 || text[i] > 0x7e || text[i] == '"' || text[i] == '\\')
            die("unexpected byte in message");
    truth_begin_at(t, event);
    fprintf(truth, ", \"seq\": %d, \"text\": \"%.*s\", \"bytes\": %d", seq, len, text, len);
    truth_end();
}

static int secret_cb(WOLFSSL *ssl, int id, const unsigned char *secret, int secretSz, void *ctx)
{
    const char *label;
    unsigned char cr[32];
    size_t n;
    (void)ctx;

    switch (id) {
    case CLIENT_EARLY_TRAFFIC_SECRET:     label = "CLIENT_EARLY_TRAFFIC_SECRET"; break;
    case CLIENT_HANDSHAKE_TRAFFIC_SECRET: label = "CLIENT_HANDSHAKE_TRAFFIC_SECRET"; break;
    case SERVER_HANDSHAKE_TRAFFIC_SECRET: label = "SERVER_HANDSHAKE_TRAFFIC_SECRET"; break;
    case CLIENT_TRAFFIC_SECRET:           label = "CLIENT_TRAFFIC_SECRET_0"; break;
    case SERVER_TRAFFIC_SECRET:           label = "SERVER_TRAFFIC_SECRET_0"; break;
    case EARLY_EXPORTER_SECRET:           label = "EARLY_EXPORTER_SECRET"; break;
    case EXPORTER_SECRET:                 label = "EXPORTER_SECRET"; break;
    default:                              return 0;
    }
    n = wolfSSL_get_client_random(ssl, cr, sizeof cr);
    if (n != sizeof cr)
        die("client random not available in the secret callback (%zu bytes)", n);
    fprintf(keylog, "%s ", label);
    hex(keylog, cr, n);
    fputc(' ', keylog);
    hex(keylog, secret, (size_t)secretSz);
    fputc('\n', keylog);
    fflush(keylog);
    return 0;
}

struct opts {
    const char *addr, *cert, *key, *ca, *name, *keylog, *truth;
    int port, client_port, messages, key_update_after, deadline, interval_ms;
};

static void usage(void)
{
    fprintf(stderr,
        "usage: dtls13 server --addr A --port P --cert FILE --key FILE --keylog FILE --truth FILE --messages N\n"
        "       dtls13 client --addr A --port P --client-port P --ca FILE --name DNS --keylog FILE\n"
        "                     --truth FILE --messages N [--key-update-after K] [--interval-ms MS]\n"
        "                     [--deadline S]\n");
    exit(2);
}

static void parse(int argc, char **argv, struct opts *o)
{
    memset(o, 0, sizeof *o);
    o->addr = "127.0.0.1";
    o->messages = 5;
    o->key_update_after = 0;
    o->deadline = 30;
    o->interval_ms = 20;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc)
            usage();
        const char *v = argv[++i];
        if (!strcmp(a, "--addr")) o->addr = v;
        else if (!strcmp(a, "--port")) o->port = atoi(v);
        else if (!strcmp(a, "--client-port")) o->client_port = atoi(v);
        else if (!strcmp(a, "--cert")) o->cert = v;
        else if (!strcmp(a, "--key")) o->key = v;
        else if (!strcmp(a, "--ca")) o->ca = v;
        else if (!strcmp(a, "--name")) o->name = v;
        else if (!strcmp(a, "--keylog")) o->keylog = v;
        else if (!strcmp(a, "--truth")) o->truth = v;
        else if (!strcmp(a, "--messages")) o->messages = atoi(v);
        else if (!strcmp(a, "--key-update-after")) o->key_update_after = atoi(v);
        else if (!strcmp(a, "--deadline")) o->deadline = atoi(v);
        else if (!strcmp(a, "--interval-ms")) o->interval_ms = atoi(v);
        else usage();
    }
    if (o->port <= 0 || !o->keylog || !o->truth || o->messages <= 0 || o->messages > 100)
        usage();
}

static struct sockaddr_in sockaddr_of(const char *addr, int port)
{
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)port);
    if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
        die("bad address %s", addr);
    return sa;
}

/* after the handshake: what was negotiated, and the DTLS-SRTP keys */
static void log_handshake(WOLFSSL *ssl)
{
    int suite = wolfSSL_get_current_cipher_suite(ssl);
    const char *iana = wolfSSL_get_cipher_name_iana_from_suite(
        (unsigned char)(suite >> 8), (unsigned char)(suite & 0xff));
    unsigned char cr[32], sr[32];
    size_t crn = wolfSSL_get_client_random(ssl, cr, sizeof cr);
    size_t srn = wolfSSL_get_server_random(ssl, sr, sizeof sr);

    truth_begin("handshake");
    fprintf(truth, ", \"version\": \"%s\", \"cipher_suite\": \"%s\", \"cipher_suite_id\": \"0x%04x\"",
            wolfSSL_get_version(ssl), iana ? iana : "?", suite);
    fprintf(truth, ", \"client_random\": \"");
    hex(truth, cr, crn);
    fprintf(truth, "\", \"server_random\": \"");
    hex(truth, sr, srn);
    fputc('"', truth);
#ifdef WOLFSSL_SRTP
    const WOLFSSL_SRTP_PROTECTION_PROFILE *p = wolfSSL_get_selected_srtp_profile(ssl);
    if (p != NULL && p->id != 0) {
        unsigned char km[256];
        size_t kmn = sizeof km;
        int ret = wolfSSL_export_dtls_srtp_keying_material(ssl, km, &kmn);
        if (ret != WOLFSSL_SUCCESS)
            die("wolfSSL_export_dtls_srtp_keying_material failed: %d", ret);
        /* wolfSSL returns the length in kdfBits (bytes here: 2*(16+14) = 60) */
        kmn = (size_t)p->kdfBits;
        fprintf(truth, ", \"srtp_profile\": \"%s\", \"srtp_profile_id\": \"0x%04lx\"", p->name, p->id);
        fprintf(truth, ", \"srtp_exporter_label\": \"EXTRACTOR-dtls_srtp\", \"srtp_keying_material\": \"");
        hex(truth, km, kmn);
        fprintf(truth, "\", \"srtp_keying_material_bytes\": %zu", kmn);
        /* RFC 5764 4.2: client key | server key | client salt | server salt */
        if (kmn == 60) {
            fprintf(truth, ", \"srtp_client_write_key\": \"");  hex(truth, km, 16);
            fprintf(truth, "\", \"srtp_server_write_key\": \""); hex(truth, km + 16, 16);
            fprintf(truth, "\", \"srtp_client_write_salt\": \""); hex(truth, km + 32, 14);
            fprintf(truth, "\", \"srtp_server_write_salt\": \""); hex(truth, km + 46, 14);
            fputc('"', truth);
        }
    } else {
        fprintf(truth, ", \"srtp_profile\": null");
    }
#else
    fprintf(truth, ", \"srtp_profile\": null");
#endif
    truth_end();
}

static WOLFSSL_CTX *new_ctx(WOLFSSL_METHOD *method)
{
    WOLFSSL_CTX *ctx = wolfSSL_CTX_new(method);
    if (ctx == NULL)
        die("wolfSSL_CTX_new failed");
    if (wolfSSL_CTX_set_cipher_list(ctx, "TLS13-AES128-GCM-SHA256") != WOLFSSL_SUCCESS)
        die("cipher list refused");
    /* one key share, P-256 (wolfSSL 5.9 would offer a hybrid ML-KEM share
     * first) */
    int groups[] = { WOLFSSL_ECC_SECP256R1 };
    if (wolfSSL_CTX_set_groups(ctx, groups, 1) != WOLFSSL_SUCCESS)
        die("groups refused");
#ifdef WOLFSSL_SRTP
    /* 0 on success, as OpenSSL's, since wolfSSL 5.7.6 (before: 1) */
    int ok = LIBWOLFSSL_VERSION_HEX >= 0x05007006 ? 0 : 1;
    if (wolfSSL_CTX_set_tlsext_use_srtp(ctx, "SRTP_AES128_CM_SHA1_80") != ok)
        die("use_srtp profile refused");
#endif
    return ctx;
}

/* read one application message; 0 when the peer sent close_notify */
static int read_message(WOLFSSL *ssl, char *buf, int size)
{
    int n = wolfSSL_read(ssl, buf, size);
    if (n > 0)
        return n;
    if (wolfSSL_get_error(ssl, n) == WOLFSSL_ERROR_ZERO_RETURN)
        return 0;
    die_ssl(ssl, n, "wolfSSL_read");
    return -1;
}

static void write_message(WOLFSSL *ssl, const char *text, int len)
{
    int n = wolfSSL_write(ssl, text, len);
    if (n != len)
        die_ssl(ssl, n, "wolfSSL_write");
}

static int run_server(const struct opts *o)
{
    struct sockaddr_in sa = sockaddr_of(o->addr, o->port), peer;
    socklen_t plen = sizeof peer;
    char buf[MAX_TEXT + 1], expect[MAX_TEXT];
    int fd, one = 1;

    if (!o->cert || !o->key)
        usage();
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0
        || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
        die("socket/bind %s:%d: %s", o->addr, o->port, strerror(errno));
    fprintf(stderr, "dtls13 server: listening on %s:%d\n", o->addr, o->port);

    /* learn the client's address from its first datagram (left in the queue),
     * then talk only to it */
    if (recvfrom(fd, buf, 1, MSG_PEEK, (struct sockaddr *)&peer, &plen) < 0)
        die("recvfrom: %s", strerror(errno));
    if (connect(fd, (struct sockaddr *)&peer, plen) != 0)
        die("connect: %s", strerror(errno));

    WOLFSSL_CTX *ctx = new_ctx(wolfDTLSv1_3_server_method());
    if (wolfSSL_CTX_use_certificate_file(ctx, o->cert, WOLFSSL_FILETYPE_PEM) != WOLFSSL_SUCCESS
        || wolfSSL_CTX_use_PrivateKey_file(ctx, o->key, WOLFSSL_FILETYPE_PEM) != WOLFSSL_SUCCESS)
        die("cannot load %s / %s", o->cert, o->key);
    WOLFSSL *ssl = wolfSSL_new(ctx);
    if (ssl == NULL)
        die("wolfSSL_new failed");
    wolfSSL_set_fd(ssl, fd);
    wolfSSL_dtls_set_peer(ssl, &peer, plen);
    wolfSSL_set_tls13_secret_cb(ssl, secret_cb, NULL);
    /* keep the handshake arrays: wolfSSL derives the exporter secret (and can
     * export the DTLS-SRTP keys) only then */
    wolfSSL_KeepArrays(ssl);
#if defined(WOLFSSL_SRTP) && LIBWOLFSSL_VERSION_HEX < 0x05008004
    /* before 5.8.4 (wolfSSL issue 9245, PR 9253) a DTLS 1.3 server with
     * use_srtp skipped the stateless cookie check but then required the
     * cookie: the handshake fails with HRR_COOKIE_ERROR (-505). Without the
     * cookie exchange it works (and has no HelloRetryRequest). */
    wolfSSL_disable_hrr_cookie(ssl);
#endif

    int ret = wolfSSL_accept(ssl);
    if (ret != WOLFSSL_SUCCESS)
        die_ssl(ssl, ret, "wolfSSL_accept");
    log_handshake(ssl);
    wolfSSL_FreeArrays(ssl);

    int seq = 0;
    for (;;) {
        int n = read_message(ssl, buf, MAX_TEXT);
        if (n == 0) {
            truth_begin("close_notify_received");
            truth_end();
            break;
        }
        seq++;
        truth_message(now(), "received", seq, buf, n);
        snprintf(expect, sizeof expect, "client message %d", seq);
        if (n != (int)strlen(expect) || memcmp(buf, expect, (size_t)n) != 0)
            die("message %d is not \"%s\"", seq, expect);
        int len = snprintf(buf, sizeof buf, "server message %d", seq);
        double t = now();
        write_message(ssl, buf, len);
        truth_message(t, "sent", seq, buf, len);
    }
    if (seq != o->messages)
        die("received %d messages, expected %d", seq, o->messages);
    double t = now();
    ret = wolfSSL_shutdown(ssl);       /* our close_notify, in answer */
    truth_begin_at(t, "close_notify_sent");
    fprintf(truth, ", \"shutdown\": %d", ret);
    truth_end();
    fprintf(stderr, "dtls13 server: done, %d messages each way\n", seq);
    wolfSSL_free(ssl);
    wolfSSL_CTX_free(ctx);
    close(fd);
    return 0;
}

static int run_client(const struct opts *o)
{
    struct sockaddr_in sa = sockaddr_of(o->addr, o->port);
    struct sockaddr_in local = sockaddr_of(o->addr, o->client_port);
    char buf[MAX_TEXT + 1], expect[MAX_TEXT];
    int fd;

    if (!o->ca || !o->name)
        usage();
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&local, sizeof local) != 0
        || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
        die("socket/bind/connect: %s", strerror(errno));

    WOLFSSL_CTX *ctx = new_ctx(wolfDTLSv1_3_client_method());
    if (wolfSSL_CTX_load_verify_locations(ctx, o->ca, NULL) != WOLFSSL_SUCCESS)
        die("cannot load CA %s", o->ca);
    wolfSSL_CTX_set_verify(ctx, WOLFSSL_VERIFY_PEER, NULL);
    WOLFSSL *ssl = wolfSSL_new(ctx);
    if (ssl == NULL)
        die("wolfSSL_new failed");
    wolfSSL_set_fd(ssl, fd);
    wolfSSL_dtls_set_peer(ssl, &sa, sizeof sa);
    if (wolfSSL_check_domain_name(ssl, o->name) != WOLFSSL_SUCCESS)
        die("wolfSSL_check_domain_name failed");
    wolfSSL_set_tls13_secret_cb(ssl, secret_cb, NULL);
    wolfSSL_KeepArrays(ssl);

    int ret = wolfSSL_connect(ssl);
    if (ret != WOLFSSL_SUCCESS)
        die_ssl(ssl, ret, "wolfSSL_connect");
    log_handshake(ssl);
    wolfSSL_FreeArrays(ssl);

    for (int seq = 1; seq <= o->messages; seq++) {
        struct timespec pause = { o->interval_ms / 1000, (o->interval_ms % 1000) * 1000000L };
        nanosleep(&pause, NULL);
        int len = snprintf(buf, sizeof buf, "client message %d", seq);
        double t = now();
        write_message(ssl, buf, len);
        truth_message(t, "sent", seq, buf, len);
        int n = read_message(ssl, buf, MAX_TEXT);
        if (n == 0)
            die("close_notify before the answer to message %d", seq);
        truth_message(now(), "received", seq, buf, n);
        snprintf(expect, sizeof expect, "server message %d", seq);
        if (n != (int)strlen(expect) || memcmp(buf, expect, (size_t)n) != 0)
            die("answer %d is not \"%s\"", seq, expect);
        if (seq == o->key_update_after) {
            t = now();
            ret = wolfSSL_update_keys(ssl);
            if (ret != WOLFSSL_SUCCESS)
                die_ssl(ssl, ret, "wolfSSL_update_keys");
            truth_begin_at(t, "key_update_sent");
            fprintf(truth, ", \"after_seq\": %d, \"request_update\": \"update_requested\"", seq);
            truth_end();
        }
    }

    /* close_notify, then wait (bounded by wolfSSL's DTLS timeout) for the
     * server's */
    double t = now();
    ret = wolfSSL_shutdown(ssl);
    truth_begin_at(t, "close_notify_sent");
    fprintf(truth, ", \"shutdown\": %d", ret);
    truth_end();
    if (ret == WOLFSSL_SHUTDOWN_NOT_DONE) {
        ret = wolfSSL_shutdown(ssl);
        if (ret == WOLFSSL_SUCCESS) {
            truth_begin("close_notify_received");
            truth_end();
        } else {
            fprintf(stderr, "dtls13 client: no close_notify from the server (%d)\n",
                    wolfSSL_get_error(ssl, ret));
        }
    }
    fprintf(stderr, "dtls13 client: done, %d messages each way\n", o->messages);
    wolfSSL_free(ssl);
    wolfSSL_CTX_free(ctx);
    close(fd);
    return 0;
}

int main(int argc, char **argv)
{
    struct opts o;
    if (argc < 2 || (strcmp(argv[1], "client") && strcmp(argv[1], "server")))
        usage();
    side = argv[1];
    parse(argc, argv, &o);
    alarm((unsigned)o.deadline);

    keylog = fopen(o.keylog, "w");
    truth = fopen(o.truth, "w");
    if (keylog == NULL || truth == NULL)
        die("cannot write %s or %s", o.keylog, o.truth);

    if (wolfSSL_Init() != WOLFSSL_SUCCESS)
        die("wolfSSL_Init failed");
    int rc = !strcmp(side, "server") ? run_server(&o) : run_client(&o);
    wolfSSL_Cleanup();
    fclose(keylog);
    fclose(truth);
    return rc;
}
