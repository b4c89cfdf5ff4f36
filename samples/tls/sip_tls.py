#!/usr/bin/env python3
"""A small SIP UAS and UAC over TLS, for callscope's SIP-over-TLS samples.

Python standard library only (ssl, socket). One run is one TLS connection from
the UAC (an ephemeral port on --uac-addr) to the UAS (--uas-addr:--port, 5061)
carrying --calls answered calls, one after the other. Each call is

    INVITE (SDP offer) -> 100 Trying -> 180 Ringing -> 200 OK (SDP answer)
    -> ACK -> BYE -> 200 OK

and the TLS framing of some messages is chosen on purpose (see PLAN below):
call 1's INVITE is ~4.3 KB (a large ICE/SDP body: one TLS record spread over
several TCP segments, the MSS being clamped to 1460 like on Ethernet); in call
2 the UAS writes 100 Trying and 180 Ringing with one TLS write (one record
holding two messages) and the UAC writes ACK and BYE with one TLS write; in
call 3 the UAC writes its INVITE and the UAS writes its 200 OK in two TLS
writes 0.2 s apart (two records in two TCP segments for one message).

The UAS is always Python's ssl (OpenSSL). The UAC is Python's ssl too, or with
--client openssl it is the `openssl s_client` command, which this script feeds
through a pipe and reads back; that way the TLS 1.3 suite can be chosen
(-ciphersuites) and a TLS 1.3 KeyUpdate sent ("K" at the start of an input
line: update our keys and request the peer's), which Python 3.11's ssl cannot do.

The UAC's TLS key log (NSS key log format) goes to --keylog: Python's
SSLContext.keylog_filename, or s_client -keylogfile.

The truth goes to --truth, one JSON object a line, in the order the messages
were sent (each side logs a message just before writing it, and the ladder is
strictly causal, so this is also wire order):
    {"side": "uac"|"uas", "first_line": ..., "call_id": ..., "cseq": ...,
     "length": bytes of the whole message (headers and body),
     "framing": "own" | "shared" (one TLS write with its neighbour)
                | "split" (two TLS writes),
     "sha256": of the message's bytes}

    sip_tls.py run   --truth T --keylog K [--cert C --key K] [TLS options]
    sip_tls.py check --truth T --tsv X.tshark.tsv [--follow F]
        compares tshark's decryption (fields frame.number, sip.Method,
        sip.Status-Code, sip.Call-ID, sip.CSeq) with the truth file; with
        --follow (the output of tshark -q -z follow,tls,raw,0) it also cuts
        each direction's decrypted bytes into SIP messages and compares their
        SHA-256 with the truth, message by message.

Every wait is bounded: sockets time out after --timeout seconds and the
s_client process is killed (by its PID) if it does not end in time.
"""
import argparse
import hashlib
import json
import os
import queue
import random
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

SERVER_NAME = "sip.callscope.test"
MSS = 1460                 # TCP_MAXSEG on both ends, so big records span segments
SPLIT_PAUSE = 0.2          # seconds between the two writes of a split message

# framing plan, per call number (1-based)
PLAN = {
    1: {"big_invite": True},
    2: {"uas_coalesce_100_180": True, "uac_coalesce_ack_bye": True},
    3: {"uac_split_invite": True, "uas_split_200": True},
}


def log(*a):
    # one write per line: the UAS thread and the UAC log concurrently
    sys.stderr.write(" ".join(["sip_tls:"] + [str(x) for x in a]) + "\n")
    sys.stderr.flush()


def rand_hex(n):
    return "%0*x" % (n, random.getrandbits(4 * n))


# ---------------------------------------------------------------------------
# SIP messages

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
        self.recv = recv        # () -> bytes, b"" at end of stream
        self.buf = b""

    def read(self):
        while True:
            if self.buf:
                m = START_RE.search(self.buf)
                if m is None or m.start() > 0:
                    cut = len(self.buf) if m is None else m.start()
                    if m is not None or len(self.buf) > 65536:
                        log("skipping %d bytes that are not SIP: %r" % (cut, self.buf[:cut][:200]))
                        self.buf = self.buf[cut:]
            end = self.buf.find(b"\r\n\r\n")
            if end >= 0 and START_RE.match(self.buf):
                head = self.buf[:end].decode("ascii")
                cl = re.search(r"(?im)^(?:Content-Length|l)\s*:\s*(\d+)\s*$", head)
                total = end + 4 + (int(cl.group(1)) if cl else 0)
                if len(self.buf) >= total:
                    raw, self.buf = self.buf[:total], self.buf[total:]
                    return Msg(raw)
            data = self.recv()
            if not data:
                if self.buf.strip():
                    raise EOFError("connection ended inside a message: %r" % self.buf[:200])
                return None
            self.buf += data


class Truth:
    def __init__(self, path):
        self.f = open(path, "w", encoding="ascii")
        self.lock = threading.Lock()
        self.count = 0

    def add(self, side, raw, framing):
        m = Msg(raw)
        rec = {"side": side, "first_line": m.first_line, "call_id": m.get("Call-ID"),
               "cseq": m.get("CSeq"), "length": len(raw), "framing": framing,
               "sha256": hashlib.sha256(raw).hexdigest()}
        with self.lock:
            self.f.write(json.dumps(rec) + "\n")
            self.f.flush()
            self.count += 1

    def close(self):
        self.f.close()


def sdp(user, addr, port, sess_id, big=False):
    lines = [
        "v=0",
        "o=%s %d %d IN IP4 %s" % (user, sess_id, sess_id, addr),
        "s=callscope",
        "c=IN IP4 %s" % addr,
        "t=0 0",
    ]
    if not big:
        lines += [
            "m=audio %d RTP/AVP 8 0 101" % port,
            "a=rtpmap:8 PCMA/8000",
            "a=rtpmap:0 PCMU/8000",
            "a=rtpmap:101 telephone-event/8000",
            "a=fmtp:101 0-15",
            "a=ptime:20",
            "a=sendrecv",
        ]
    else:
        # a rich offer: many codecs, and ICE candidates on 40 loopback ports
        pts = [111, 9, 8, 0, 18, 3, 13, 110, 112, 113, 126, 101]
        lines += [
            "a=ice-ufrag:%s" % rand_hex(8),
            "a=ice-pwd:%s" % rand_hex(24),
            "a=ice-options:trickle",
            "m=audio %d RTP/AVP %s" % (port, " ".join(map(str, pts))),
            "a=rtpmap:111 opus/48000/2",
            "a=fmtp:111 minptime=10;useinbandfec=1;stereo=0;sprop-stereo=0;maxaveragebitrate=40000",
            "a=rtpmap:9 G722/8000",
            "a=rtpmap:8 PCMA/8000",
            "a=rtpmap:0 PCMU/8000",
            "a=rtpmap:18 G729/8000",
            "a=fmtp:18 annexb=no",
            "a=rtpmap:3 GSM/8000",
            "a=rtpmap:13 CN/8000",
            "a=rtpmap:110 telephone-event/48000",
            "a=rtpmap:112 telephone-event/32000",
            "a=rtpmap:113 telephone-event/16000",
            "a=rtpmap:126 telephone-event/8000",
            "a=rtpmap:101 telephone-event/8000",
            "a=fmtp:101 0-16",
            "a=rtcp:%d IN IP4 %s" % (port + 1, addr),
            "a=ptime:20",
            "a=maxptime:120",
            "a=sendrecv",
        ]
        for i in range(40):
            comp = 1 + i % 2
            prio = 2130706431 - i * 256 - comp
            lines.append("a=candidate:%d %d UDP %d %s %d typ host generation 0"
                         % (1000 + i // 2, comp, prio, addr, port + i))
    return ("\r\n".join(lines) + "\r\n").encode("ascii")


# ---------------------------------------------------------------------------
# UAS (Python ssl server)

class Uas:
    def __init__(self, args, truth):
        self.args = args
        self.truth = truth
        self.ready = threading.Event()
        self.error = None
        self.calls = 0
        self.local_tag = {}

    def serve(self):
        try:
            self._serve()
        except BaseException as e:       # reported by the main thread
            self.error = e
            self.ready.set()

    def _serve(self):
        a = self.args
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.cert, a.key)
        if a.uas_ciphers:
            ctx.set_ciphers(a.uas_ciphers)
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
            if m.method == "INVITE":
                self.on_invite(m)
            elif m.method == "BYE":
                self.send([self.response(m, 200, "OK")])
            elif m.method == "ACK":
                pass
            else:
                raise RuntimeError("uas: unexpected %s" % m.first_line)
        try:
            tls.unwrap()                  # answer the peer's close_notify
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
        hdrs.append(("Server", "callscope-sip-tls/1.0 (Python %s ssl)" % sys.version.split()[0]))
        if body:
            hdrs.append(("Content-Type", "application/sdp"))
        return build("SIP/2.0 %d %s" % (code, reason), hdrs, body)

    def on_invite(self, inv):
        a = self.args
        self.calls += 1
        plan = PLAN.get(self.calls, {})
        tag = rand_hex(8)
        contact = [("Contact", "<sip:bob@%s:%d;transport=tls>" % (a.uas_addr, a.port))]
        trying = self.response(inv, 100, "Trying")
        ringing = self.response(inv, 180, "Ringing", tag, extra=contact)
        answer = sdp("bob", a.uas_addr, 7000 + 2 * self.calls, random.randrange(10**9),)
        ok = self.response(inv, 200, "OK", tag, answer,
                           extra=contact + [("Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS")])
        if plan.get("uas_coalesce_100_180"):
            self.send([trying + ringing], framing=["shared", "shared"])
        else:
            self.send([trying])
            time.sleep(0.02)
            self.send([ringing])
        time.sleep(0.05)
        if plan.get("uas_split_200"):
            cut = len(ok) - len(answer) // 2          # in the middle of the SDP body
            self.send([ok[:cut], ok[cut:]], framing=["split"])
        else:
            self.send([ok])

    def send(self, writes, framing=None):
        """writes: list of byte strings, one TLS write each (SPLIT_PAUSE apart).
        The SIP messages in them are logged to the truth file first."""
        data = b"".join(writes)
        framing = framing or ["own"]
        i = 0
        for f in framing:
            m = SipReader(None)
            m.buf = data[i:]
            msg = m.read()
            self.truth.add("uas", msg.raw, f)
            i += len(msg.raw)
        assert i == len(data)
        for n, w in enumerate(writes):
            if n:
                time.sleep(SPLIT_PAUSE)
            self.tls.sendall(w)


# ---------------------------------------------------------------------------
# UAC transports

class PyTlsClient:
    """The UAC's TLS with Python's ssl."""

    def __init__(self, a):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(a.cert)
        ctx.keylog_filename = a.keylog
        if a.tls_max == "1.2":
            ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        if a.ciphers:
            ctx.set_ciphers(a.ciphers)
        if a.ciphersuites:
            raise SystemExit("--ciphersuites needs --client openssl (Python's ssl cannot set TLS 1.3 suites)")
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, MSS)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.bind((a.uac_addr, 0))
        s.settimeout(a.timeout)
        s.connect((a.uas_addr, a.port))
        self.local = s.getsockname()
        self.tls = ctx.wrap_socket(s, server_hostname=SERVER_NAME)
        log("uac: python ssl %s %s from %s:%d" % (self.tls.version(), self.tls.cipher()[0], *self.local))

    def write(self, data):
        self.tls.sendall(data)

    def recv(self):
        return self.tls.recv(65536)

    def key_update(self):
        raise SystemExit("--key-update needs --client openssl")

    def close(self):
        self.tls.unwrap()                 # close_notify, then wait for the peer's
        self.tls.close()


class OpensslClient:
    """The UAC's TLS with `openssl s_client`: what we write to its stdin it
    sends (one read of its stdin, one SSL_write), what it receives it prints."""

    def __init__(self, a):
        # pick a free ephemeral port on the UAC address, for -bind, Via and Contact
        probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        probe.bind((a.uac_addr, 0))
        self.local = probe.getsockname()
        probe.close()
        cmd = ["openssl", "s_client",
               "-connect", "%s:%d" % (a.uas_addr, a.port),
               "-bind", "%s:%d" % self.local,
               "-servername", SERVER_NAME, "-CAfile", a.cert,
               "-verify_hostname", SERVER_NAME, "-verify_return_error",
               "-keylogfile", a.keylog,
               "-quiet", "-no_ign_eof"]     # no chatter on stdout, but EOF and K still work
        cmd += ["-tls1_2"] if a.tls_max == "1.2" else ["-tls1_3"]
        if a.ciphers:
            cmd += ["-cipher", a.ciphers]
        if a.ciphersuites:
            cmd += ["-ciphersuites", a.ciphersuites]
        log("uac: " + " ".join(cmd))
        self.timeout = a.timeout
        self.errlog = open(a.keylog + ".s_client.log", "wb") if a.s_client_log is None \
            else open(a.s_client_log, "wb")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.errlog, bufsize=0)
        self.q = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        fd = self.proc.stdout.fileno()
        while True:
            data = os.read(fd, 65536)
            self.q.put(data)
            if not data:
                return

    def write(self, data):
        # s_client treats a read of its stdin that starts with one of these
        # letters as a command; SIP never starts a write with them here
        assert data[:1] not in (b"Q", b"R", b"k", b"K"), data[:20]
        os.write(self.proc.stdin.fileno(), data)
        time.sleep(0.01)                  # let s_client read this write on its own

    def recv(self):
        try:
            return self.q.get(timeout=self.timeout)
        except queue.Empty:
            raise TimeoutError("s_client printed nothing for %ss" % self.timeout)

    def key_update(self):
        time.sleep(0.2)
        log("uac: KeyUpdate (update_requested) through s_client")
        os.write(self.proc.stdin.fileno(), b"K\n")
        time.sleep(0.2)

    def close(self):
        self.proc.stdin.close()           # EOF: s_client sends close_notify and exits
        try:
            rc = self.proc.wait(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise RuntimeError("s_client did not exit; killed pid %d" % self.proc.pid)
        self.errlog.close()
        if rc != 0:
            raise RuntimeError("s_client exited with %d" % rc)


# ---------------------------------------------------------------------------
# UAC

class Uac:
    def __init__(self, a, truth, transport):
        self.a = a
        self.truth = truth
        self.t = transport
        self.reader = SipReader(transport.recv)
        self.laddr, self.lport = transport.local

    def send(self, msgs, how="own"):
        """how: own (one write per message), shared (all in one write),
        split (one message, two writes SPLIT_PAUSE apart)."""
        for m in msgs:
            self.truth.add("uac", m, how)
        if how == "own":
            for m in msgs:
                self.t.write(m)
        elif how == "shared":
            self.t.write(b"".join(msgs))
        elif how == "split":
            (m,) = msgs
            cut = m.find(b"\r\nMax-Forwards:") + 9   # inside the Max-Forwards line
            self.t.write(m[:cut])
            time.sleep(SPLIT_PAUSE)
            self.t.write(m[cut:])

    def expect(self, call_id, cseq):
        m = self.reader.read()
        if m is None:
            raise EOFError("uac: connection closed")
        log("uac: got %s" % m.first_line)
        if m.get("Call-ID") != call_id or m.get("CSeq") != cseq:
            raise RuntimeError("uac: unexpected %s (%s, %s)" % (m.first_line, m.get("Call-ID"), m.get("CSeq")))
        return m

    def request(self, method, ruri, cseq, call_id, from_, to, body=b"", extra=()):
        a = self.a
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
        hdrs.append(("User-Agent", "callscope-sip-tls/1.0 (%s)" % a.client_name))
        if body:
            hdrs.append(("Content-Type", "application/sdp"))
        return build("%s %s SIP/2.0" % (method, ruri), hdrs, body)

    def call(self, n):
        a = self.a
        plan = PLAN.get(n, {})
        call_id = "%s-%d@%s" % (rand_hex(16), n, self.laddr)
        from_ = '"Alice" <sip:alice@callscope.test>;tag=%s' % rand_hex(8)
        to = "<sip:bob@callscope.test>"
        ruri = "sip:bob@%s:%d;transport=tls" % (a.uas_addr, a.port)
        offer = sdp("alice", self.laddr, 6000 + 2 * n, random.randrange(10**9),
                    big=plan.get("big_invite", False))
        extra = [("Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS"),
                 ("Supported", "replaces, timer"),
                 ("Subject", "callscope SIP over TLS sample, call %d" % n)]
        inv = self.request("INVITE", ruri, 1, call_id, from_, to, offer, extra)
        self.send([inv], "split" if plan.get("uac_split_invite") else "own")
        self.expect(call_id, "1 INVITE")                   # 100
        self.expect(call_id, "1 INVITE")                   # 180
        ok = self.expect(call_id, "1 INVITE")              # 200
        if ok.status != 200:
            raise RuntimeError("uac: call %d got %s" % (n, ok.first_line))
        to = ok.get("To")
        target = re.search(r"<([^>]+)>", ok.get("Contact")).group(1)
        ack = self.request("ACK", target, 1, call_id, from_, to)
        bye = self.request("BYE", target, 2, call_id, from_, to)
        if plan.get("uac_coalesce_ack_bye"):
            self.send([ack, bye], "shared")
        else:
            self.send([ack])
            time.sleep(0.1)                                 # the "conversation"
            self.send([bye])
        self.expect(call_id, "2 BYE")

    def run(self):
        for n in range(1, self.a.calls + 1):
            if n > 1:
                time.sleep(0.1)
            if n == self.a.key_update_before and self.a.key_update:
                self.t.key_update()
            self.call(n)
        time.sleep(0.1)
        self.t.close()


def make_cert(tmp):
    cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", key, "-out", cert, "-subj", "/CN=" + SERVER_NAME,
                    "-addext", "subjectAltName=DNS:" + SERVER_NAME],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
    return cert, key


def cmd_run(a):
    tmp = None
    if not a.cert:
        tmp = tempfile.mkdtemp(prefix="sip-tls-cert.")
        a.cert, a.key = make_cert(tmp)
    open(a.keylog, "w").close()           # the key log is appended to: start empty
    a.client_name = "openssl s_client" if a.client == "openssl" else "Python %s ssl" % sys.version.split()[0]
    truth = Truth(a.truth)
    uas = Uas(a, truth)
    th = threading.Thread(target=uas.serve, daemon=True)
    th.start()
    uas.ready.wait(a.timeout)
    if uas.error:
        raise uas.error
    transport = OpensslClient(a) if a.client == "openssl" else PyTlsClient(a)
    try:
        Uac(a, truth, transport).run()
    finally:
        th.join(a.timeout)
        truth.close()
        if tmp:
            shutil.rmtree(tmp)
    if th.is_alive():
        raise RuntimeError("uas did not finish")
    if uas.error:
        raise uas.error
    log("done: %d SIP messages, %d calls" % (truth.count, uas.calls))


# ---------------------------------------------------------------------------
# differential check against tshark

def cmd_check(a):
    truth = [json.loads(l) for l in open(a.truth) if l.strip()]
    got = []
    for line in open(a.tsv):
        f = line.rstrip("\n").split("\t")
        f += [""] * (5 - len(f))
        frame, methods, codes, cids, cseqs = f[:5]
        methods = [x for x in methods.split(",") if x]
        codes = [x for x in codes.split(",") if x]
        cids = [x for x in cids.split(",") if x]
        cseqs = [x for x in cseqs.split(",") if x]
        if len(cids) != len(methods) + len(codes) or len(cseqs) != len(cids):
            print("frame %s: fields do not line up: %r" % (frame, line))
            return 1
        got.append((frame, methods, codes, cids, cseqs))
    i, bad = 0, 0
    for frame, methods, codes, cids, cseqs in got:
        n = len(cids)
        want = truth[i:i + n]
        i += n
        w_methods = [t["first_line"].split()[0] for t in want if not t["first_line"].startswith("SIP/")]
        w_codes = [t["first_line"].split()[1] for t in want if t["first_line"].startswith("SIP/")]
        ok = (len(want) == n and w_methods == methods and w_codes == codes
              and [t["call_id"] for t in want] == cids and [t["cseq"] for t in want] == cseqs)
        if not ok:
            bad += 1
            print("frame %s: tshark %s %s %s %s, truth %s" % (frame, methods, codes, cids, cseqs,
                                                               [t["first_line"] for t in want]))
    print("check: truth %d SIP messages, tshark decrypted %d in %d frames, %d mismatching frames"
          % (len(truth), i, len(got), bad))
    ok = i == len(truth) and bad == 0
    if a.follow:
        ok = check_follow(truth, a.follow) and ok
    return 0 if ok else 1


def check_follow(truth, path):
    """tshark's follow,tls,raw output: hex lines, the second node's indented.
    (tshark 4.0 may call the server node 0 in TLS 1.3, so the direction is
    told by the content: the side whose first message is a request is the UAC.)"""
    streams = {False: b"", True: b""}
    in_data = False
    for line in open(path):
        if line.startswith("Node 1:"):
            in_data = True
            continue
        if line.startswith("====="):
            in_data = False
            continue
        if in_data and line.strip():
            streams[line.startswith("\t")] += bytes.fromhex(line.strip())
    sides = {}
    for data in streams.values():
        r = SipReader(lambda: b"")
        r.buf = data
        msgs = []
        while True:
            m = r.read()
            if m is None:
                break
            msgs.append(m)
        if msgs:
            sides["uac" if msgs[0].is_request else "uas"] = [hashlib.sha256(m.raw).hexdigest() for m in msgs]
    ok = True
    for side in ("uac", "uas"):
        want = [t["sha256"] for t in truth if t["side"] == side]
        have = sides.get(side, [])
        same = sum(1 for x, y in zip(want, have) if x == y)
        print("check: %s: %d messages in the truth, %d in tshark's decrypted stream, %d byte-identical"
              % (side, len(want), len(have), same))
        ok = ok and want == have
    return ok


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="run the UAS and the UAC over one TLS connection")
    r.add_argument("--uas-addr", default="127.0.0.12")
    r.add_argument("--uac-addr", default="127.0.0.11")
    r.add_argument("--port", type=int, default=5061)
    r.add_argument("--calls", type=int, default=3)
    r.add_argument("--cert", help="PEM certificate (default: a fresh self-signed one)")
    r.add_argument("--key", help="PEM private key of --cert")
    r.add_argument("--truth", required=True)
    r.add_argument("--keylog", required=True)
    r.add_argument("--client", choices=["python", "openssl"], default="python")
    r.add_argument("--tls-max", choices=["1.2", "1.3"], default="1.3")
    r.add_argument("--ciphers", help="TLS 1.2 cipher list for the UAC")
    r.add_argument("--uas-ciphers", help="TLS 1.2 cipher list for the UAS (default: Python's, "
                   "which excludes SHA-1 MACs)")
    r.add_argument("--ciphersuites", help="TLS 1.3 suites for the UAC (--client openssl)")
    r.add_argument("--key-update", action="store_true",
                   help="send a TLS 1.3 KeyUpdate requesting the peer's (--client openssl)")
    r.add_argument("--key-update-before", type=int, default=2, help="before this call (default 2)")
    r.add_argument("--s-client-log", help="stderr of s_client (default: KEYLOG.s_client.log)")
    r.add_argument("--timeout", type=float, default=10.0)
    c = sub.add_parser("check", help="compare a tshark TSV with a truth file")
    c.add_argument("--truth", required=True)
    c.add_argument("--tsv", required=True)
    c.add_argument("--follow", help="output of tshark -q -z follow,tls,raw,0")
    a = p.parse_args()
    if a.cmd == "run":
        if bool(a.cert) != bool(a.key):
            p.error("--cert and --key go together")
        cmd_run(a)
        return 0
    return cmd_check(a)


if __name__ == "__main__":
    sys.exit(main())
