#!/usr/bin/env python3
"""SIP over TLS calls with SDES-keyed SRTP media, for callscope's SRTP samples.

`run`: one TLS 1.3 connection (Python's ssl, i.e. OpenSSL, key log written by
the UAC) from the UAC (--uac-addr, ephemeral port) to the UAS (--uas-addr:5061)
carries one answered call per --call SUITE, one after the other:

    INVITE (SDP offer, RTP/SAVP, a=crypto) -> 100 Trying -> 180 Ringing
    -> 200 OK (SDP answer, its own a=crypto) -> ACK
    -> media: two srtp_peer processes (libsrtp2), ~3 s each way
    -> BYE -> 200 OK

Each side puts ONE a=crypto line (tag 1) in its SDP with a fresh random master
key||salt and encrypts what it SENDS with it (RFC 4568 6.1); it decrypts what it
receives with the key of the other side's SDP. The answer uses the suite of the
offer. With --mki both sides add a 4-byte MKI ("|2^31|1:4" for the UAC,
"|2^31|2:4" for the UAS).

Media: UAC media on --uac-addr:40000+10*N, UAS media on --uas-addr:50000+10*N
(RTCP on port+1, no rtcp-mux; symmetric: each peer sends from the ports it
announced). The UAS starts its peer when the ACK arrives, the UAC right after
sending the ACK; both begin sending 200 ms after they start. In odd calls the
UAC's stream starts at sequence number 65500 and in even calls the UAS's at
65480, so that it wraps (ROC 0 -> 1) during the call; the other stream starts
at a random sequence number that does not wrap.

Truth:
  --sip-truth: one JSON object per SIP message, in the order sent (as in
    samples/tls): side, first_line, call_id, cseq, length, sha256, call, and
    for INVITE/200 with SDP: "sdp": {"media": "A:P", "crypto": [lines]}.
  --media-truth: every srtp_peer truth line (each packet sent, see
    srtp_peer.c), merged in send-time order, with "mki" (hex) when one is used.

`check`: compares a capture with its truth files using tshark (SIP decrypted
with the key log; SRTP/SRTCP clear headers) and with an independent SRTP/SRTCP
decryption (RFC 3711 / RFC 7714, written here on OpenSSL's libcrypto through
ctypes; libsrtp2 on Debian uses NSS), keyed by the a=crypto lines that tshark
decrypted out of the SIP.

    srtp_call.py run   --peer BIN --cert C --key K --keylog F --sip-truth T
                       --media-truth M --work DIR --call SUITE [--call SUITE] [--mki]
    srtp_call.py check --pcap P --keylog F --sip-truth T --media-truth M

Every wait is bounded (socket timeouts; peers are waited for with a timeout and
killed by their PID if they overstay).
"""
import argparse
import base64
import collections
import ctypes
import ctypes.util
import hashlib
import hmac
import json
import os
import random
import re
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time

SERVER_NAME = "sip.callscope.test"
MSS = 1460
WRAP_SEQ = {"uac": 65500, "uas": 65480}
TONE = {"uac": 440, "uas": 660}
DTMF = {"uac": (5, 70), "uas": (9, 90)}          # digit, first frame
FRAMES = 150                                      # 3 s of 20 ms packets
PEER_TIMEOUT = 20.0

SUITES = {   # master key, master salt, SRTP tag, SRTCP tag, AEAD
    "AES_CM_128_HMAC_SHA1_80": (16, 14, 10, 10, False),
    "AES_CM_128_HMAC_SHA1_32": (16, 14, 4, 10, False),
    "AEAD_AES_128_GCM": (16, 12, 16, 16, True),
    "AEAD_AES_256_GCM": (32, 12, 16, 16, True),
}


def log(*a):
    sys.stderr.write(" ".join(["srtp_call:"] + [str(x) for x in a]) + "\n")
    sys.stderr.flush()


def rand_hex(n):
    return "%0*x" % (n, random.getrandbits(4 * n))


# ---------------------------------------------------------------------------
# SIP messages (as in samples/tls/sip_tls.py)

def build(start_line, headers, body=b""):
    lines = [start_line] + ["%s: %s" % hv for hv in headers]
    lines.append("Content-Length: %d" % len(body))
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + body


class Msg:
    def __init__(self, raw):
        self.raw = raw
        head, _, self.body = raw.partition(b"\r\n\r\n")
        lines = head.decode("ascii").split("\r\n")
        self.first_line = lines[0]
        self.headers = []
        for line in lines[1:]:
            name, _, value = line.partition(":")
            self.headers.append((name.strip(), value.strip()))

    def get(self, name):
        for n, v in self.headers:
            if n.lower() == name.lower():
                return v
        return None

    def get_all(self, name):
        return [v for n, v in self.headers if n.lower() == name.lower()]

    @property
    def is_request(self):
        return not self.first_line.startswith("SIP/2.0 ")

    @property
    def method(self):
        return self.first_line.split(" ", 1)[0] if self.is_request else None

    @property
    def status(self):
        return None if self.is_request else int(self.first_line.split(" ")[1])


START_RE = re.compile(rb"(?m)^(SIP/2\.0 \d{3} |[A-Z]+ sips?:)")


class SipReader:
    """Cuts SIP messages out of a byte stream (Content-Length framing)."""

    def __init__(self, recv):
        self.recv = recv
        self.buf = b""

    def read(self):
        for _ in range(100000):                      # bounded
            end = self.buf.find(b"\r\n\r\n")
            if end >= 0 and START_RE.match(self.buf):
                head = self.buf[:end].decode("ascii")
                cl = re.search(r"(?im)^(?:Content-Length|l)\s*:\s*(\d+)\s*$", head)
                total = end + 4 + (int(cl.group(1)) if cl else 0)
                if len(self.buf) >= total:
                    raw, self.buf = self.buf[:total], self.buf[total:]
                    return Msg(raw)
            elif self.buf and not START_RE.match(self.buf) and len(self.buf) > 20:
                raise RuntimeError("not SIP: %r" % self.buf[:200])
            data = self.recv()
            if not data:
                if self.buf.strip():
                    raise EOFError("connection ended inside a message: %r" % self.buf[:200])
                return None
            self.buf += data
        raise RuntimeError("SipReader: too many reads")


class SipTruth:
    def __init__(self, path):
        self.f = open(path, "w", encoding="ascii")
        self.lock = threading.Lock()
        self.count = 0

    def add(self, side, call, raw):
        m = Msg(raw)
        rec = {"side": side, "call": call, "first_line": m.first_line, "call_id": m.get("Call-ID"),
               "cseq": m.get("CSeq"), "length": len(raw), "sha256": hashlib.sha256(raw).hexdigest()}
        if m.body:
            s = parse_sdp(m.body)
            rec["sdp"] = {"media": "%s:%d" % (s["addr"], s["port"]), "crypto": s["crypto"]}
        with self.lock:
            self.f.write(json.dumps(rec) + "\n")
            self.f.flush()
            self.count += 1

    def close(self):
        self.f.close()


# ---------------------------------------------------------------------------
# SDP with SDES (RFC 4568)

def new_crypto(suite, mki=None):
    """a=crypto value: tag 1, SUITE, inline:base64(key||salt)[|2^31|MKI:4]"""
    klen, slen = SUITES[suite][:2]
    inline = base64.b64encode(os.urandom(klen + slen)).decode("ascii")
    if mki is not None:
        inline += "|2^31|%d:4" % mki
    return "1 %s inline:%s" % (suite, inline)


def split_crypto(value):
    """'TAG SUITE inline:KEY[|..]' -> (tag, suite, 'KEY[|..]')"""
    tag, suite, params = value.split()[:3]
    if not params.startswith("inline:"):
        raise ValueError("no inline key: %r" % value)
    return tag, suite, params[len("inline:"):]


def sdp(user, addr, port, sess_id, crypto):
    lines = [
        "v=0",
        "o=%s %d %d IN IP4 %s" % (user, sess_id, sess_id, addr),
        "s=callscope SRTP",
        "c=IN IP4 %s" % addr,
        "t=0 0",
        "m=audio %d RTP/SAVP 0 101" % port,
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:101 telephone-event/8000",
        "a=fmtp:101 0-16",
        "a=ptime:20",
        "a=sendrecv",
        "a=crypto:%s" % crypto,
    ]
    return ("\r\n".join(lines) + "\r\n").encode("ascii")


def parse_sdp(body):
    text = body.decode("ascii")
    addr = re.search(r"(?m)^c=IN IP4 (\S+)", text).group(1)
    port = int(re.search(r"(?m)^m=audio (\d+) RTP/SAVP ", text).group(1))
    crypto = re.findall(r"(?m)^a=crypto:(.+?)\r?$", text)
    return {"addr": addr, "port": port, "crypto": crypto}


# ---------------------------------------------------------------------------
# media: one srtp_peer process per side and call

class Peer:
    def __init__(self, a, call, side, local, remote, mine, theirs, seq):
        self.side, self.call = side, call
        self.truth = os.path.join(a.work, "call%d.%s.media.jsonl" % (call, side))
        self.errpath = os.path.join(a.work, "call%d.%s.stderr" % (call, side))
        _, suite, inline = split_crypto(mine)
        _, rsuite, rinline = split_crypto(theirs)
        digit, at = DTMF[side]
        cmd = [a.peer, "--local", local, "--remote", remote,
               "--suite", suite, "--inline", inline,
               "--remote-suite", rsuite, "--remote-inline", rinline,
               "--seed", str(random.getrandbits(62)), "--seq", str(seq),
               "--tone", str(TONE[side]), "--frames", str(FRAMES),
               "--dtmf-digit", str(digit), "--dtmf-at", str(at),
               "--start-delay-ms", "200", "--linger-ms", "1000",
               "--truth", self.truth, "--call", str(call), "--side", side,
               "--cname", "%s@callscope.test" % ("alice" if side == "uac" else "bob")]
        self.mki = None
        m = re.search(r"\|(\d+):(\d+)$", inline)
        if m:
            self.mki = "%0*x" % (2 * int(m.group(2)), int(m.group(1)))
        self.err = open(self.errpath, "wb")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.err)
        log("%s: call %d: srtp_peer pid %d %s -> %s, %s, first seq %d"
            % (side, call, self.proc.pid, local, remote, suite, seq))

    def wait(self):
        try:
            out, _ = self.proc.communicate(timeout=PEER_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()                       # our own child, by its PID
            self.proc.communicate()
            raise RuntimeError("%s: srtp_peer pid %d overstayed; killed" % (self.side, self.proc.pid))
        self.err.close()
        if self.proc.returncode != 0:
            raise RuntimeError("%s: srtp_peer exited with %d, see %s"
                               % (self.side, self.proc.returncode, self.errpath))
        self.summary = json.loads(out.decode().strip().splitlines()[-1])
        log("%s: call %d: %s" % (self.side, self.call, json.dumps(self.summary)))
        return self.summary


def seq_for(call, side):
    wrapper = "uac" if call % 2 == 1 else "uas"
    return WRAP_SEQ[side] if side == wrapper else random.randrange(0, 65536 - 2 * FRAMES)


# ---------------------------------------------------------------------------
# UAS

class Uas:
    def __init__(self, a, truth):
        self.a = a
        self.truth = truth
        self.ready = threading.Event()
        self.error = None
        self.calls = 0
        self.state = {}            # Call-ID -> dict
        self.peers = []

    def serve(self):
        try:
            self._serve()
        except BaseException as e:
            self.error = e
            self.ready.set()

    def _serve(self):
        a = self.a
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.cert, a.key)
        lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        lsock.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, MSS)
        lsock.bind((a.uas_addr, a.port))
        lsock.listen(1)
        lsock.settimeout(a.timeout)
        self.ready.set()
        conn, peer = lsock.accept()
        lsock.close()
        log("uas: TCP connection from %s:%d" % peer)
        conn.settimeout(a.timeout)
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        tls = ctx.wrap_socket(conn, server_side=True)
        log("uas: %s %s" % (tls.version(), tls.cipher()[0]))
        self.tls = tls
        reader = SipReader(lambda: tls.recv(65536))
        while True:
            m = reader.read()
            if m is None:
                break
            log("uas: got %s" % m.first_line)
            st = self.state.get(m.get("Call-ID"))
            if m.method == "INVITE":
                self.on_invite(m)
            elif m.method == "ACK":
                self.on_ack(st)
            elif m.method == "BYE":
                st["peer"].wait()
                self.send(st["n"], self.response(m, 200, "OK"))
            else:
                raise RuntimeError("uas: unexpected %s" % m.first_line)
        try:
            tls.unwrap()
        except (OSError, ValueError) as e:
            log("uas: close: %s" % e)
        tls.close()

    def response(self, req, code, reason, to_tag=None, body=b"", extra=()):
        to = req.get("To")
        if to_tag and ";tag=" not in to:
            to += ";tag=" + to_tag
        hdrs = [("Via", v) for v in req.get_all("Via")]
        hdrs += [("From", req.get("From")), ("To", to),
                 ("Call-ID", req.get("Call-ID")), ("CSeq", req.get("CSeq"))]
        hdrs += list(extra)
        hdrs.append(("Server", "callscope-srtp/1.0 (Python %s ssl, libsrtp2)" % sys.version.split()[0]))
        if body:
            hdrs.append(("Content-Type", "application/sdp"))
        return build("SIP/2.0 %d %s" % (code, reason), hdrs, body)

    def on_invite(self, inv):
        a = self.a
        self.calls += 1
        n = self.calls
        offer = parse_sdp(inv.body)
        tag, suite, _ = split_crypto(offer["crypto"][0])
        if suite not in SUITES:
            raise RuntimeError("uas: offered suite %s" % suite)
        mine = new_crypto(suite, 2 if a.mki else None)
        mine = tag + mine[1:]                          # answer with the offer's tag
        port = 50000 + 10 * n
        self.state[inv.get("Call-ID")] = {"n": n, "offer": offer, "mine": mine, "port": port}
        totag = rand_hex(8)
        contact = [("Contact", "<sip:bob@%s:%d;transport=tls>" % (a.uas_addr, a.port))]
        self.send(n, self.response(inv, 100, "Trying"))
        time.sleep(0.02)
        self.send(n, self.response(inv, 180, "Ringing", totag, extra=contact))
        time.sleep(0.05)
        answer = sdp("bob", a.uas_addr, port, random.randrange(10**9), mine)
        self.send(n, self.response(inv, 200, "OK", totag, answer,
                                   extra=contact + [("Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS")]))

    def on_ack(self, st):
        o = st["offer"]
        st["peer"] = Peer(self.a, st["n"], "uas", "%s:%d" % (self.a.uas_addr, st["port"]),
                          "%s:%d" % (o["addr"], o["port"]), st["mine"], o["crypto"][0],
                          seq_for(st["n"], "uas"))
        self.peers.append(st["peer"])

    def send(self, n, msg):
        self.truth.add("uas", n, msg)
        self.tls.sendall(msg)


# ---------------------------------------------------------------------------
# UAC

class Uac:
    def __init__(self, a, truth):
        self.a = a
        self.truth = truth
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(a.cert)
        ctx.keylog_filename = a.keylog
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, MSS)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.bind((a.uac_addr, 0))
        s.settimeout(a.timeout)
        s.connect((a.uas_addr, a.port))
        self.laddr, self.lport = s.getsockname()
        self.tls = ctx.wrap_socket(s, server_hostname=SERVER_NAME)
        log("uac: %s %s from %s:%d" % (self.tls.version(), self.tls.cipher()[0], self.laddr, self.lport))
        self.reader = SipReader(lambda: self.tls.recv(65536))
        self.peers = []

    def send(self, n, msg):
        self.truth.add("uac", n, msg)
        self.tls.sendall(msg)

    def expect(self, call_id, cseq):
        m = self.reader.read()
        if m is None:
            raise EOFError("uac: connection closed")
        log("uac: got %s" % m.first_line)
        if m.get("Call-ID") != call_id or m.get("CSeq") != cseq:
            raise RuntimeError("uac: unexpected %s (%s, %s)" % (m.first_line, m.get("Call-ID"), m.get("CSeq")))
        return m

    def request(self, method, ruri, cseq, call_id, from_, to, body=b"", extra=()):
        hdrs = [
            ("Via", "SIP/2.0/TLS %s:%d;branch=z9hG4bK%s;rport" % (self.laddr, self.lport, rand_hex(16))),
            ("Max-Forwards", "70"),
            ("From", from_),
            ("To", to),
            ("Call-ID", call_id),
            ("CSeq", "%d %s" % (cseq, method)),
            ("Contact", "<sip:alice@%s:%d;transport=tls>" % (self.laddr, self.lport)),
        ]
        hdrs += list(extra)
        hdrs.append(("User-Agent", "callscope-srtp/1.0 (Python %s ssl, libsrtp2)" % sys.version.split()[0]))
        if body:
            hdrs.append(("Content-Type", "application/sdp"))
        return build("%s %s SIP/2.0" % (method, ruri), hdrs, body)

    def call(self, n, suite):
        a = self.a
        call_id = "%s-%d@%s" % (rand_hex(16), n, self.laddr)
        from_ = '"Alice" <sip:alice@callscope.test>;tag=%s' % rand_hex(8)
        to = "<sip:bob@callscope.test>"
        ruri = "sip:bob@%s:%d;transport=tls" % (a.uas_addr, a.port)
        port = 40000 + 10 * n
        mine = new_crypto(suite, 1 if a.mki else None)
        offer = sdp("alice", self.laddr, port, random.randrange(10**9), mine)
        extra = [("Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS"),
                 ("Subject", "callscope SRTP sample, call %d, %s" % (n, suite))]
        self.send(n, self.request("INVITE", ruri, 1, call_id, from_, to, offer, extra))
        self.expect(call_id, "1 INVITE")                   # 100
        self.expect(call_id, "1 INVITE")                   # 180
        ok = self.expect(call_id, "1 INVITE")              # 200
        if ok.status != 200:
            raise RuntimeError("uac: call %d got %s" % (n, ok.first_line))
        ans = parse_sdp(ok.body)
        if len(ans["crypto"]) != 1 or split_crypto(ans["crypto"][0])[1] != suite:
            raise RuntimeError("uac: answer crypto %r" % ans["crypto"])
        to = ok.get("To")
        target = re.search(r"<([^>]+)>", ok.get("Contact")).group(1)
        self.send(n, self.request("ACK", target, 1, call_id, from_, to))
        peer = Peer(a, n, "uac", "%s:%d" % (self.laddr, port), "%s:%d" % (ans["addr"], ans["port"]),
                    mine, ans["crypto"][0], seq_for(n, "uac"))
        self.peers.append(peer)
        peer.wait()
        self.send(n, self.request("BYE", target, 2, call_id, from_, to))
        self.expect(call_id, "2 BYE")

    def run(self):
        for n, suite in enumerate(self.a.call, 1):
            if n > 1:
                time.sleep(0.3)
            self.call(n, suite)
        time.sleep(0.1)
        self.tls.unwrap()
        self.tls.close()


def cmd_run(a):
    for s in a.call:
        if s not in SUITES:
            raise SystemExit("unknown suite %s" % s)
    open(a.keylog, "w").close()
    truth = SipTruth(a.sip_truth)
    uas = Uas(a, truth)
    th = threading.Thread(target=uas.serve, daemon=True)
    th.start()
    uas.ready.wait(a.timeout)
    if uas.error:
        raise uas.error
    uac = Uac(a, truth)
    try:
        uac.run()
    finally:
        th.join(a.timeout)
        truth.close()
    if th.is_alive():
        raise RuntimeError("uas did not finish")
    if uas.error:
        raise uas.error
    # each side's libsrtp authenticated and decrypted all the other sent
    bad = 0
    for pc, ps in zip(uac.peers, uas.peers):
        c, s = pc.summary, ps.summary
        for rx, tx, who in ((c, s, "uac<-uas"), (s, c, "uas<-uac")):
            if (rx["rx_rtp_ok"], rx["rx_rtcp_ok"], rx["rx_rtp_bad"], rx["rx_rtcp_bad"], rx["rx_bye"]) \
                    != (tx["tx_rtp"], tx["tx_rtcp"], 0, 0, True) or rx["rx_ssrc"] != tx["ssrc"]:
                log("call %d %s: received %s, sent %s" % (pc.call, who, rx, tx))
                bad += 1
    if bad:
        raise RuntimeError("media: a receiver did not unprotect everything its peer sent")
    # merged media truth, in send-time order
    lines = []
    for p in uac.peers + uas.peers:
        for l in open(p.truth):
            r = json.loads(l)
            if p.mki:
                r["mki"] = p.mki
            lines.append(r)
    lines.sort(key=lambda r: r["t"])
    with open(a.media_truth, "w") as f:
        for r in lines:
            f.write(json.dumps(r) + "\n")
    log("done: %d SIP messages, %d calls, %d media packets (libsrtp receivers: all authenticated)"
        % (truth.count, uas.calls, len(lines)))


# ---------------------------------------------------------------------------
# check: tshark and an independent SRTP decryption against the truth

class Crypto:
    """AES (ECB/CTR/GCM) from OpenSSL's libcrypto, through ctypes."""

    def __init__(self):
        L = ctypes.CDLL(ctypes.util.find_library("crypto") or "libcrypto.so.3")
        L.EVP_CIPHER_CTX_new.restype = ctypes.c_void_p
        L.EVP_CIPHER_CTX_free.argtypes = [ctypes.c_void_p]
        for f in ("EVP_aes_128_ctr", "EVP_aes_256_ctr", "EVP_aes_128_gcm", "EVP_aes_256_gcm"):
            getattr(L, f).restype = ctypes.c_void_p
        L.EVP_CipherInit_ex.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p,
                                        ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int]
        L.EVP_CipherUpdate.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_int),
                                       ctypes.c_char_p, ctypes.c_int]
        L.EVP_CipherFinal_ex.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_int)]
        L.EVP_CIPHER_CTX_ctrl.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_void_p]
        self.L = L

    def ctr(self, key, iv, data):
        L = self.L
        c = L.EVP_CIPHER_CTX_new()
        try:
            ciph = L.EVP_aes_128_ctr() if len(key) == 16 else L.EVP_aes_256_ctr()
            assert L.EVP_CipherInit_ex(c, ciph, None, key, iv, 1) == 1
            out = ctypes.create_string_buffer(len(data) + 32)
            n = ctypes.c_int(0)
            assert L.EVP_CipherUpdate(c, out, ctypes.byref(n), data, len(data)) == 1
            return out.raw[:n.value]
        finally:
            L.EVP_CIPHER_CTX_free(c)

    def gcm_open(self, key, iv, aad, ct, tag):
        """-> plaintext, or None if the tag does not verify"""
        L = self.L
        c = L.EVP_CIPHER_CTX_new()
        try:
            ciph = L.EVP_aes_128_gcm() if len(key) == 16 else L.EVP_aes_256_gcm()
            assert L.EVP_CipherInit_ex(c, ciph, None, None, None, 0) == 1
            assert L.EVP_CIPHER_CTX_ctrl(c, 0x9, len(iv), None) == 1          # SET_IVLEN
            assert L.EVP_CipherInit_ex(c, None, None, key, iv, 0) == 1
            n = ctypes.c_int(0)
            assert L.EVP_CipherUpdate(c, None, ctypes.byref(n), aad, len(aad)) == 1
            out = ctypes.create_string_buffer(len(ct) + 32)
            assert L.EVP_CipherUpdate(c, out, ctypes.byref(n), ct, len(ct)) == 1
            pt = out.raw[:n.value]
            tagbuf = ctypes.create_string_buffer(tag, len(tag))
            assert L.EVP_CIPHER_CTX_ctrl(c, 0x11, len(tag), tagbuf) == 1        # SET_TAG
            fin = ctypes.create_string_buffer(32)
            if L.EVP_CipherFinal_ex(c, fin, ctypes.byref(n)) != 1:
                return None
            return pt
        finally:
            L.EVP_CIPHER_CTX_free(c)


class SrtpKeys:
    """Session keys of one a=crypto line (RFC 3711 4.3, key derivation rate 0)."""

    def __init__(self, aes, crypto_value):
        _, self.suite, inline = split_crypto(crypto_value)
        klen, slen, self.rtp_tag, self.rtcp_tag, self.aead = SUITES[self.suite]
        parts = inline.split("|")
        raw = base64.b64decode(parts[0])
        assert len(raw) == klen + slen, (self.suite, len(raw))
        self.mki = b""
        for p in parts[1:]:
            if ":" in p:
                v, l = p.split(":")
                self.mki = int(v).to_bytes(int(l), "big")
        mk, ms = raw[:klen], raw[klen:]
        self.aes = aes

        def kdf(label, n):
            # x = key_id XOR master_salt; a 96-bit (AEAD) master salt is padded
            # with zeros on the right to 112 bits, as libsrtp does
            x = bytearray(ms.ljust(14, b"\0"))
            x[7] ^= label
            return aes.ctr(mk, bytes(x) + b"\0\0", b"\0" * n)
        self.rtp_key, self.rtp_auth, self.rtp_salt = kdf(0, klen), kdf(1, 20), kdf(2, slen)
        self.rtcp_key, self.rtcp_auth, self.rtcp_salt = kdf(3, klen), kdf(4, 20), kdf(5, slen)

    def rtp(self, pkt, roc):
        """-> (header, clear payload) or raises"""
        cc = pkt[0] & 0x0F
        hl = 12 + 4 * cc
        if pkt[0] & 0x10:
            hl += 4 + 4 * struct.unpack("!H", pkt[hl + 2:hl + 4])[0]
        ssrc = pkt[8:12]
        seq = pkt[2:4]
        ml = len(self.mki)
        if self.aead:
            body = pkt[hl:len(pkt) - ml]
            if ml and pkt[len(pkt) - ml:] != self.mki:
                raise ValueError("MKI")
            iv = bytes(a ^ b for a, b in zip(b"\0\0" + ssrc + struct.pack("!I", roc) + seq, self.rtp_salt))
            pt = self.aes.gcm_open(self.rtp_key, iv, pkt[:hl], body[:-self.rtp_tag], body[-self.rtp_tag:])
            if pt is None:
                raise ValueError("GCM tag")
            return pkt[:hl], pt
        tag = pkt[len(pkt) - self.rtp_tag:]
        if ml and pkt[len(pkt) - self.rtp_tag - ml:len(pkt) - self.rtp_tag] != self.mki:
            raise ValueError("MKI")
        authed = pkt[:len(pkt) - self.rtp_tag - ml]
        mac = hmac.new(self.rtp_auth, authed + struct.pack("!I", roc), hashlib.sha1).digest()
        if not hmac.compare_digest(mac[:self.rtp_tag], tag):
            raise ValueError("HMAC")
        index = (roc << 16) | struct.unpack("!H", seq)[0]
        ivi = int.from_bytes(self.rtp_salt, "big") << 16
        ivi ^= int.from_bytes(ssrc, "big") << 64
        ivi ^= index << 16
        return pkt[:hl], self.aes.ctr(self.rtp_key, ivi.to_bytes(16, "big"), authed[hl:])

    def rtcp(self, pkt):
        """-> (E flag, SRTCP index, clear compound packet) or raises"""
        ml = len(self.mki)
        ssrc = pkt[4:8]
        if self.aead:        # RFC 7714 9.1: header | ciphertext | tag | E+index | MKI
            if ml and pkt[len(pkt) - ml:] != self.mki:
                raise ValueError("MKI")
            trailer = pkt[len(pkt) - ml - 4:len(pkt) - ml]
            ei = struct.unpack("!I", trailer)[0]
            body = pkt[8:len(pkt) - ml - 4]
            iv = bytes(a ^ b for a, b in zip(b"\0\0" + ssrc + b"\0\0" + struct.pack("!I", ei & 0x7FFFFFFF),
                                             self.rtcp_salt))
            pt = self.aes.gcm_open(self.rtcp_key, iv, pkt[:8] + trailer, body[:-self.rtcp_tag], body[-self.rtcp_tag:])
            if pt is None:
                raise ValueError("GCM tag")
            return ei >> 31, ei & 0x7FFFFFFF, pkt[:8] + pt
        # RFC 3711 3.4: header | encrypted | E+index | MKI | tag
        tag = pkt[len(pkt) - self.rtcp_tag:]
        if ml and pkt[len(pkt) - self.rtcp_tag - ml:len(pkt) - self.rtcp_tag] != self.mki:
            raise ValueError("MKI")
        authed = pkt[:len(pkt) - self.rtcp_tag - ml]
        mac = hmac.new(self.rtcp_auth, authed, hashlib.sha1).digest()
        if not hmac.compare_digest(mac[:self.rtcp_tag], tag):
            raise ValueError("HMAC")
        ei = struct.unpack("!I", authed[-4:])[0]
        index = ei & 0x7FFFFFFF
        ivi = int.from_bytes(self.rtcp_salt, "big") << 16
        ivi ^= int.from_bytes(ssrc, "big") << 64
        ivi ^= index << 16
        return ei >> 31, index, authed[:8] + self.aes.ctr(self.rtcp_key, ivi.to_bytes(16, "big"), authed[8:-4])


def read_pcap_udp(path):
    """-> [(frame number, src 'A:P', dst 'A:P', UDP payload)] (pcap, Ethernet, IPv4)"""
    out = []
    with open(path, "rb") as f:
        gh = f.read(24)
        magic = struct.unpack("<I", gh[:4])[0]
        e = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
        linktype = struct.unpack(e + "I", gh[20:24])[0]
        assert linktype == 1, "link type %d" % linktype
        frame = 0
        while True:
            h = f.read(16)
            if len(h) < 16:
                break
            incl = struct.unpack(e + "IIII", h)[2]
            data = f.read(incl)
            frame += 1
            if data[12:14] != b"\x08\x00":
                continue
            ip = data[14:]
            ihl = (ip[0] & 0x0F) * 4
            if ip[9] != 17:
                continue
            udp = ip[ihl:]
            sp, dp, ul = struct.unpack("!HHH", udp[:6])
            src = "%s:%d" % (socket.inet_ntoa(ip[12:16]), sp)
            dst = "%s:%d" % (socket.inet_ntoa(ip[16:20]), dp)
            out.append((frame, src, dst, udp[8:ul]))
    return out


def tshark(args, timeout=60):
    r = subprocess.run(["tshark"] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    if r.returncode != 0:
        raise RuntimeError("tshark %s: %s" % (" ".join(args), r.stderr.decode()[-500:]))
    return [l.split("\t") for l in r.stdout.decode().splitlines()]


def cmd_check(a):
    sip = [json.loads(l) for l in open(a.sip_truth) if l.strip()]
    media = [json.loads(l) for l in open(a.media_truth) if l.strip()]
    ok = True
    kl = ["-r", a.pcap, "-o", "tls.keylog_file:" + a.keylog]

    def report(cond, text):
        nonlocal ok
        print("check: %s %s" % ("ok  " if cond else "FAIL", text))
        ok = ok and cond

    # 1. SIP: tshark decrypts every message of the truth, in order
    rows = tshark(kl + ["-Y", "sip", "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,",
                        "-e", "frame.number", "-e", "sip.Method", "-e", "sip.Status-Code",
                        "-e", "sip.Call-ID", "-e", "sip.CSeq"])
    got = []
    for r in rows:
        r += [""] * (5 - len(r))
        for cid, cseq in zip(r[3].split(","), r[4].split(",")):
            got.append((cid, cseq))
    want = [(t["call_id"], t["cseq"]) for t in sip]
    kinds_t = collections.Counter(t["first_line"].split()[0] if not t["first_line"].startswith("SIP/")
                                  else t["first_line"].split()[1] for t in sip)
    kinds_g = collections.Counter()
    for r in rows:
        for x in r[1].split(",") + r[2].split(","):
            if x:
                kinds_g[x] += 1
    report(got == want and kinds_t == kinds_g,
           "SIP: truth %d messages, tshark decrypted %d in %d frames (%s)"
           % (len(sip), len(got), len(rows), " ".join("%s=%d" % kv for kv in sorted(kinds_g.items()))))

    # ... and byte for byte: tshark's decrypted stream of each direction, cut
    # into SIP messages, has the SHA-256 of the truth's (as samples/tls checks)
    r = subprocess.run(["tshark"] + kl + ["-q", "-z", "follow,tls,raw,0"], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, timeout=60, check=True)
    streams = {False: b"", True: b""}
    in_data = False
    for line in r.stdout.decode().splitlines():
        if line.startswith("Node 1:"):
            in_data = True
        elif line.startswith("====="):
            in_data = False
        elif in_data and line.strip():
            streams[line.startswith("\t")] += bytes.fromhex(line.strip())
    sides = {}
    for data in streams.values():
        rd = SipReader(lambda: b"")
        rd.buf = data
        msgs = []
        for _ in range(10000):
            m = rd.read()
            if m is None:
                break
            msgs.append(m)
        if msgs:
            sides["uac" if msgs[0].is_request else "uas"] = [hashlib.sha256(m.raw).hexdigest() for m in msgs]
    for side in ("uac", "uas"):
        want_h = [t["sha256"] for t in sip if t["side"] == side]
        have = sides.get(side, [])
        report(want_h == have, "SIP %s: %d messages in the truth, %d in tshark's decrypted stream, %d byte-identical"
               % (side, len(want_h), len(have), sum(1 for x, y in zip(want_h, have) if x == y)))

    # 2. the a=crypto lines tshark decrypted out of the SDP are the truth's
    rows = tshark(kl + ["-Y", "sdp", "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=#",
                        "-e", "sip.Call-ID", "-e", "sdp.media_attr"])
    t_crypto = [tuple(t["sdp"]["crypto"]) for t in sip if "sdp" in t]
    g_crypto = [tuple(x[len("crypto:"):] for x in r[1].split("#") if x.startswith("crypto:")) for r in rows]
    report(t_crypto == g_crypto, "SDP: %d bodies, their a=crypto lines as decrypted by tshark match the truth"
           % len(g_crypto))

    # sender of each media address: the side whose SDP announced it
    keys = {}
    aes = Crypto()
    for t, c in zip([t for t in sip if "sdp" in t], g_crypto):
        addr, port = t["sdp"]["media"].rsplit(":", 1)
        k = SrtpKeys(aes, c[0])
        keys["%s:%s" % (addr, port)] = ("rtp", k)
        keys["%s:%d" % (addr, int(port) + 1)] = ("rtcp", k)

    rtp_t = [m for m in media if "rtcp" not in m]
    rtcp_t = [m for m in media if "rtcp" in m]

    # 3. tshark sees the clear RTP headers of every SRTP packet
    rows = tshark(kl + ["-o", "rtp.heuristic_rtp:TRUE", "-Y", "rtp", "-T", "fields",
                        "-e", "ip.src", "-e", "udp.srcport", "-e", "ip.dst", "-e", "udp.dstport",
                        "-e", "rtp.ssrc", "-e", "rtp.seq", "-e", "rtp.timestamp", "-e", "rtp.p_type",
                        "-e", "rtp.marker"])
    g = [("%s:%s" % (r[0], r[1]), "%s:%s" % (r[2], r[3]), int(r[4], 16), int(r[5]), int(r[6]), int(r[7]),
          1 if r[8] in ("1", "True") else 0) for r in rows]
    w = [(m["src"], m["dst"], m["ssrc"], m["seq"], m["ts"], m["pt"], m["marker"]) for m in rtp_t]
    by_t = collections.Counter(x[2] for x in w)
    by_g = collections.Counter(x[2] for x in g)
    for ssrc in sorted(set(by_t) | set(by_g)):
        report(by_t[ssrc] == by_g[ssrc], "RTP SSRC 0x%08x: truth %d packets, tshark %d"
               % (ssrc, by_t[ssrc], by_g[ssrc]))
    report(sorted(g) == sorted(w), "RTP: tshark's %d headers (addresses, SSRC, seq, ts, PT, M) = the truth's %d"
           % (len(g), len(w)))

    # 4. tshark sees every SRTCP packet (its clear header: sender SSRC). The
    # E flag and SRTCP index tshark shows are compared too, but only reported:
    # tshark 4.0 takes the SRTCP trailer's layout from the SDP suite and gets
    # it wrong for some (it uses the 32-bit SRTP tag of AES_CM_128_HMAC_SHA1_32
    # for SRTCP too, where RFC 4568 and libsrtp use 80 bits)
    rows = tshark(kl + ["-Y", "srtcp", "-T", "fields", "-E", "occurrence=f",
                        "-e", "ip.src", "-e", "udp.srcport", "-e", "rtcp.senderssrc",
                        "-e", "srtcp.e", "-e", "srtcp.index"])
    g = sorted(("%s:%s" % (r[0], r[1]), int(r[2], 16)) for r in rows)
    w = sorted((m["src"], m["ssrc"]) for m in rtcp_t)
    report(g == w, "SRTCP: tshark %d packets (source, sender SSRC) = the truth's %d" % (len(g), len(w)))
    g_idx = collections.Counter(("%s:%s" % (r[0], r[1]), int(r[2], 16), r[4]) for r in rows)
    per_suite = collections.defaultdict(lambda: [0, 0])
    for m in rtcp_t:
        k = (m["src"], m["ssrc"], str(m["srtcp_index"]))
        per_suite[m["suite"]][1] += 1
        if g_idx[k] > 0:
            g_idx[k] -= 1
            per_suite[m["suite"]][0] += 1
    for suite, (same, total) in sorted(per_suite.items()):
        print("check: info SRTCP index: tshark agrees with the truth on %d of %d %s packets%s"
              % (same, total, suite, "" if same == total else " (tshark 4.0 misreads the SRTCP trailer)"))

    # 5. independent decryption of every UDP packet of the capture
    pk = read_pcap_udp(a.pcap)
    by_seq = {(m["ssrc"], m["seq"]): m for m in rtp_t}      # 150 packets: no seq repeats in a stream
    assert len(by_seq) == len(rtp_t)
    want_rtcp = {(m["ssrc"], m["srtcp_index"]): m for m in rtcp_t}
    n_rtp = n_rtcp = bad = 0
    seen = set()
    frames = collections.defaultdict(lambda: {"rtp": [], "rtcp": []})
    for frame, src, dst, data in pk:
        kind, k = keys.get(src, (None, None))
        try:
            if kind == "rtp":
                ssrc, seq = struct.unpack("!I", data[8:12])[0], struct.unpack("!H", data[2:4])[0]
                m = by_seq.get((ssrc, seq))
                if m is None:
                    raise ValueError("no truth line for SSRC %d seq %d" % (ssrc, seq))
                hdr, payload = k.rtp(data, m["roc"])
                if (hashlib.sha256(payload).hexdigest(), len(payload), len(data), m["src"], m["dst"]) \
                        != (m["payload_sha256"], m["payload_len"], m["srtp_len"], src, dst):
                    raise ValueError("payload differs from the truth")
                if ((hdr[1] & 0x7F), hdr[1] >> 7, struct.unpack("!I", hdr[4:8])[0]) != (m["pt"], m["marker"], m["ts"]):
                    raise ValueError("header differs from the truth")
                if m["pt"] == 101:
                    ev = m["event"]
                    if (payload[0], payload[1] >> 7, payload[1] & 0x3F, struct.unpack("!H", payload[2:4])[0]) \
                            != (ev["digit"], int(ev["end"]), ev["volume"], ev["duration"]):
                        raise ValueError("DTMF event differs")
                seen.add(("rtp", ssrc, m["roc"], seq))
                n_rtp += 1
                frames[ssrc]["rtp"].append((frame, m))
            elif kind == "rtcp":
                e, index, clear = k.rtcp(data)
                ssrc = struct.unpack("!I", data[4:8])[0]
                m = want_rtcp.get((ssrc, index))
                if m is None:
                    raise ValueError("no truth line for SSRC %d SRTCP index %d" % (ssrc, index))
                if (hashlib.sha256(clear).hexdigest(), len(clear), len(data), e) \
                        != (m["clear_sha256"], m["clear_len"], m["len"], m["srtcp_e"]):
                    raise ValueError("SRTCP differs from the truth")
                pkts, octs = struct.unpack("!II", clear[20:28])
                if (clear[1], pkts, octs) != (200, m["packets"], m["octets"]):
                    raise ValueError("SR counts differ")
                seen.add(("rtcp", ssrc, index))
                n_rtcp += 1
                frames[ssrc]["rtcp"].append(frame)
            else:
                raise ValueError("UDP from an address no SDP announced")
        except (ValueError, AssertionError) as ex:
            bad += 1
            if bad <= 5:
                print("check: frame %d %s -> %s: %s" % (frame, src, dst, ex))
    report(bad == 0 and n_rtp == len(rtp_t) and n_rtcp == len(rtcp_t) and len(seen) == n_rtp + n_rtcp,
           "decryption (OpenSSL, keys from tshark's SDP): %d SRTP and %d SRTCP packets authenticated, "
           "decrypted and equal to the truth (truth %d and %d), %d failures"
           % (n_rtp, n_rtcp, len(rtp_t), len(rtcp_t), bad))
    # where things are in this capture (frame numbers change when it is recorded again)
    for ssrc, f in sorted(frames.items(), key=lambda kv: kv[1]["rtp"][0][0] if kv[1]["rtp"] else 0):
        rtp = f["rtp"]
        if not rtp:
            continue
        m0 = rtp[0][1]
        wrap = [fr for fr, m in rtp if m["roc"] == 1]
        dtmf = [fr for fr, m in rtp if m["pt"] == 101]
        print("check: info call %d %s SSRC 0x%08x %s -> %s: RTP frames %d..%d%s; DTMF (digit %d) frames %s; "
              "SRTCP frames %s" % (m0["call"], m0["side"], ssrc, m0["src"], m0["dst"], rtp[0][0], rtp[-1][0],
                                   "; seq 0 / ROC 1 from frame %d" % wrap[0] if wrap else "",
                                   [m for fr, m in rtp if m["pt"] == 101][0]["event"]["digit"],
                                   ",".join(map(str, dtmf)), ",".join(map(str, f["rtcp"]))))
    return 0 if ok else 1


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--uas-addr", default="127.0.0.12")
    r.add_argument("--uac-addr", default="127.0.0.11")
    r.add_argument("--port", type=int, default=5061)
    r.add_argument("--call", action="append", required=True, help="suite of call N (repeat)")
    r.add_argument("--mki", action="store_true", help="4-byte MKI on both sides (UAC 1, UAS 2)")
    r.add_argument("--peer", required=True, help="srtp_peer binary")
    r.add_argument("--cert", required=True)
    r.add_argument("--key", required=True)
    r.add_argument("--keylog", required=True)
    r.add_argument("--sip-truth", required=True)
    r.add_argument("--media-truth", required=True)
    r.add_argument("--work", required=True, help="directory for the peers' own files")
    r.add_argument("--timeout", type=float, default=15.0)
    c = sub.add_parser("check")
    c.add_argument("--pcap", required=True)
    c.add_argument("--keylog", required=True)
    c.add_argument("--sip-truth", required=True)
    c.add_argument("--media-truth", required=True)
    a = p.parse_args()
    if a.cmd == "run":
        cmd_run(a)
        return 0
    return cmd_check(a)


if __name__ == "__main__":
    sys.exit(main())
