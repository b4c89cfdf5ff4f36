#!/usr/bin/env python3
"""A small secure-WebSocket (WSS) client and server, for callscope's WSS samples.

Python standard library only (ssl, socket): the WebSocket protocol (RFC 6455) is
written here: the HTTP/1.1 Upgrade handshake (Sec-WebSocket-Key / -Accept),
masked client frames, unmasked server frames, text frames (7-bit, 16-bit or
64-bit payload length), ping/pong and the close handshake. No extension is
negotiated (the client offers permessage-deflate like a browser; the server
declines it), so every payload is sent as is.

One run is one TLS connection from the client (an ephemeral port on
--client-addr) to the server (--server-addr:--port). Two modes:

  sip   SIP over WebSocket as RFC 7118 describes: subprotocol "sip" asked for
        and granted, one SIP message per text frame, Via transport WSS,
        ";transport=ws" URIs, a ".invalid" Via host as browsers use:
          REGISTER -> 200 OK, then INVITE (WebRTC SDP offer, ~4.3 KB) -> 100 ->
          180 -> 200 OK (SDP answer) -> ACK -> BYE -> 200 OK, then the close
          handshake (1000 both ways).
        The server writes 100 Trying and 180 Ringing with one TLS write (one
        record holding two WebSocket frames) and its 200 OK to the INVITE in two
        TLS writes 0.2 s apart (one frame in two records).
  json  JSON signalling as WebRTC applications send it, no subprotocol:
          join -> joined; offer (Chrome-like SDP, ~3.3 KB), two trickled ICE
          candidates (one TLS write), end-of-candidates -> answer, two
          candidates, ping -> pong; bye -> bye; close handshake.
        The message shapes are those of samples/webrtc/ws-page.html and the
        ones callscope's JSON signalling analysis knows:
          {"type":"offer","sdp":"v=0..."}, {"type":"answer","sdp":"v=0..."},
          {"candidate":{"candidate":"candidate:...","sdpMid":..,...}},
          {"type":"candidate","candidate":"candidate:...","sdpMid":"0"},
          {"event":"relay","data":{"candidate":{...}}}.

Both ends clamp the TCP MSS to 1460 and disable Nagle; every WebSocket frame
(or group of frames) is one TLS write, so one TLS record.

The client's TLS key log (NSS key log format) goes to --keylog
(SSLContext.keylog_filename). Two truth files, in the order sent (each side
logs just before writing; the exchange is strictly causal, so this is also wire
order):
  --truth   one JSON object per message carried in a text frame:
              sip:  {"side", "first_line", "call_id", "cseq", "length",
                     "framing", "sha256"}
              json: {"side", "type", "carries", "length", "framing", "sha256"}
            "length" is the message's bytes (= the frame's payload length),
            "sha256" of those bytes; "carries" is what callscope's JSON
            signalling analysis should find in it: offer, answer, candidate or
            other.
  --frames  one JSON object per item on the wire: the HTTP request and
            response of the handshake ({"side", "http", "length", "sha256"})
            and every WebSocket frame ({"side", "opcode", "fin", "masked",
            "payload_length", "length_field": 7|16|64, "frame_length",
            "framing", "sha256" of the unmasked payload}).

    wss.py run   --mode sip|json --truth T --frames F --keylog K --cert C --key K
    wss.py check --truth T --frames F [--sip-tsv S] [--ws-tsv W] [--follow FOLLOW]
        compares tshark's view with the truth: the SIP fields (check_sip_tsv),
        the WebSocket frames and texts (check_ws_tsv), and the decrypted bytes
        of each direction, frame by frame (check_follow).

Every wait is bounded: sockets time out after --timeout seconds.
"""
import argparse
import base64
import hashlib
import json
import os
import random
import re
import socket
import ssl
import struct
import sys
import threading
import time
import uuid

SERVER_NAME = "wss.callscope.test"
GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
MSS = 1460
SPLIT_PAUSE = 0.2
USER_AGENT = "callscope-wss/1.0 (Python %s ssl)" % sys.version.split()[0]
OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0, 1, 2, 8, 9, 10


def log(*a):
    sys.stderr.write(" ".join(["wss:"] + [str(x) for x in a]) + "\n")
    sys.stderr.flush()


def rand_hex(n):
    return "%0*x" % (n, random.getrandbits(4 * n))


def rand_token(n, alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/"):
    return "".join(random.choice(alphabet) for _ in range(n))


def sha(b):
    return hashlib.sha256(b).hexdigest()


# ---------------------------------------------------------------------------
# WebSocket framing (RFC 6455)

def encode_frame(opcode, payload, mask, fin=True):
    """One frame; client frames are masked with a fresh random key."""
    b0 = (0x80 if fin else 0) | opcode
    n = len(payload)
    mbit = 0x80 if mask else 0
    if n < 126:
        head = struct.pack("!BB", b0, mbit | n)
    elif n < 65536:
        head = struct.pack("!BBH", b0, mbit | 126, n)
    else:
        head = struct.pack("!BBQ", b0, mbit | 127, n)
    if mask:
        key = os.urandom(4)
        payload = bytes(c ^ key[i % 4] for i, c in enumerate(payload))
        head += key
    return head + payload


def length_field(n):
    return 7 if n < 126 else 16 if n < 65536 else 64


def accept_for(key):
    return base64.b64encode(hashlib.sha1(key.encode("ascii") + GUID).digest()).decode("ascii")


class Conn:
    """A TLS socket with buffered reads, frame I/O and the record of what it sent."""

    def __init__(self, tls, side, log_):
        self.tls = tls
        self.side = side            # "client" or "server"
        self.mask = side == "client"
        self.buf = b""
        self.rec = log_

    def _fill(self):
        data = self.tls.recv(65536)
        if not data:
            raise EOFError("%s: connection ended" % self.side)
        self.buf += data

    def read_exact(self, n):
        while len(self.buf) < n:
            self._fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def read_head(self):
        while b"\r\n\r\n" not in self.buf:
            if len(self.buf) > 16384:
                raise ValueError("HTTP head too long")
            self._fill()
        i = self.buf.index(b"\r\n\r\n") + 4
        head, self.buf = self.buf[:i], self.buf[i:]
        lines = head.decode("ascii").split("\r\n")
        hdrs = {}
        for line in lines[1:]:
            if line:
                k, _, v = line.partition(":")
                hdrs[k.strip().lower()] = v.strip()
        return lines[0], hdrs

    def read_frame(self):
        b0, b1 = self.read_exact(2)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack("!H", self.read_exact(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", self.read_exact(8))[0]
        masked = bool(b1 & 0x80)
        if masked != (self.side == "server"):
            raise ValueError("%s: frame masking is wrong (masked=%s)" % (self.side, masked))
        key = self.read_exact(4) if masked else b"\0\0\0\0"
        data = bytes(c ^ key[i % 4] for i, c in enumerate(self.read_exact(n)))
        if b0 & 0x70:
            raise ValueError("reserved bits set")
        return b0 & 0x0F, bool(b0 & 0x80), data

    def read_message(self):
        """(opcode, payload) of the next data message (text frames may be
        fragmented); control frames are returned as they come."""
        op, fin, data = self.read_frame()
        if op in (OP_CLOSE, OP_PING, OP_PONG):
            return op, data
        while not fin:
            op2, fin, more = self.read_frame()
            if op2 != OP_CONT:
                raise ValueError("expected a continuation frame")
            data += more
        return op, data

    def send_http(self, text):
        raw = text.encode("ascii")
        self.rec.frame({"side": self.side, "http": text.split("\r\n", 1)[0], "length": len(raw),
                        "framing": "own", "sha256": sha(raw)})
        self.tls.sendall(raw)

    def send(self, items, framing="own"):
        """items: list of (opcode, payload[, truth record]); framing "own" is one
        TLS write per frame, "shared" one TLS write for all, "split" one frame
        in two TLS writes SPLIT_PAUSE apart (cut at the middle of the payload,
        or at cut= given as a fourth item)."""
        wires = []
        for it in items:
            op, payload = it[0], it[1]
            wire = encode_frame(op, payload, self.mask)
            wires.append(wire)
            if len(it) > 2 and it[2] is not None:
                t = dict(it[2])
                t.update({"side": self.side, "length": len(payload), "framing": framing,
                          "sha256": sha(payload)})
                self.rec.truth(t)
            self.rec.frame({"side": self.side, "opcode": op, "fin": True, "masked": self.mask,
                            "payload_length": len(payload), "length_field": length_field(len(payload)),
                            "frame_length": len(wire), "framing": framing, "sha256": sha(payload)})
        if framing == "own":
            for w in wires:
                self.tls.sendall(w)
        elif framing == "shared":
            self.tls.sendall(b"".join(wires))
        elif framing == "split":
            (w,) = wires
            cut = items[0][3] if len(items[0]) > 3 else len(w) // 2
            self.tls.sendall(w[:cut])
            time.sleep(SPLIT_PAUSE)
            self.tls.sendall(w[cut:])
        else:
            raise ValueError(framing)


class Record:
    """Writes the truth and frames files (two threads write them)."""

    def __init__(self, truth_path, frames_path, mode):
        self.mode = mode
        self.t = open(truth_path, "w", encoding="ascii")
        self.f = open(frames_path, "w", encoding="ascii")
        self.lock = threading.Lock()
        self.n_truth = 0
        self.n_frames = 0

    def truth(self, rec):
        if self.mode == "sip":
            keys = ["side", "first_line", "call_id", "cseq", "length", "framing", "sha256"]
        else:
            keys = ["side", "type", "carries", "length", "framing", "sha256"]
        with self.lock:
            self.t.write(json.dumps({k: rec.get(k) for k in keys}) + "\n")
            self.t.flush()
            self.n_truth += 1

    def frame(self, rec):
        with self.lock:
            self.f.write(json.dumps(rec) + "\n")
            self.f.flush()
            self.n_frames += 1

    def close(self):
        self.t.close()
        self.f.close()


# ---------------------------------------------------------------------------
# WebRTC SDP, as Chrome writes it

def fingerprint():
    return ":".join("%02X" % b for b in os.urandom(32))


def webrtc_sdp(addr, setup, ufrag, pwd, candidates, video=True, data=True, mline_port=None,
               trickle_only=False):
    """A WebRTC SDP: BUNDLE, ICE, DTLS fingerprint, UDP/TLS/RTP/SAVPF. With
    trickle_only the m-lines carry port 9 and c=0.0.0.0 (candidates come later);
    otherwise `candidates` are written into the first m-section."""
    stream = str(uuid.uuid4())
    mids = ["0"] + (["1"] if video else []) + ([str(1 + int(video))] if data else [])
    fp = fingerprint()
    port = 9 if trickle_only else mline_port
    caddr = "0.0.0.0" if trickle_only else addr
    L = ["v=0", "o=- %d 2 IN IP4 127.0.0.1" % random.randrange(10**18, 10**19), "s=-", "t=0 0",
         "a=group:BUNDLE " + " ".join(mids), "a=extmap-allow-mixed", "a=msid-semantic: WMS " + stream]

    def ice(L):
        L += ["a=ice-ufrag:" + ufrag, "a=ice-pwd:" + pwd, "a=ice-options:trickle",
              "a=fingerprint:sha-256 " + fp, "a=setup:" + setup]

    # audio
    L += ["m=audio %d UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126" % port, "c=IN IP4 " + caddr,
          "a=rtcp:9 IN IP4 0.0.0.0"]
    if not trickle_only:
        L += ["a=" + c for c in candidates]
    ice(L)
    L += ["a=mid:0",
          "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
          "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
          "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
          "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
          "a=sendrecv", "a=msid:%s %s" % (stream, uuid.uuid4()), "a=rtcp-mux", "a=rtcp-rsize",
          "a=rtpmap:111 opus/48000/2", "a=rtcp-fb:111 transport-cc", "a=fmtp:111 minptime=10;useinbandfec=1",
          "a=rtpmap:63 red/48000/2", "a=fmtp:63 111/111", "a=rtpmap:9 G722/8000", "a=rtpmap:0 PCMU/8000",
          "a=rtpmap:8 PCMA/8000", "a=rtpmap:13 CN/8000", "a=rtpmap:110 telephone-event/48000",
          "a=rtpmap:126 telephone-event/8000"]
    cname = rand_token(16, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    ssrc = random.getrandbits(32)
    L += ["a=ssrc:%d cname:%s" % (ssrc, cname)]
    if video:
        vs, vr = random.getrandbits(32), random.getrandbits(32)
        L += ["m=video %d UDP/TLS/RTP/SAVPF 96 97 102 103 45 46" % port, "c=IN IP4 " + caddr,
              "a=rtcp:9 IN IP4 0.0.0.0"]
        ice(L)
        L += ["a=mid:1",
              "a=extmap:14 urn:ietf:params:rtp-hdrext:toffset",
              "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
              "a=extmap:13 urn:3gpp:video-orientation",
              "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
              "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
              "a=sendrecv", "a=msid:%s %s" % (stream, uuid.uuid4()), "a=rtcp-mux", "a=rtcp-rsize",
              "a=rtpmap:96 VP8/90000", "a=rtcp-fb:96 goog-remb", "a=rtcp-fb:96 transport-cc",
              "a=rtcp-fb:96 ccm fir", "a=rtcp-fb:96 nack", "a=rtcp-fb:96 nack pli",
              "a=rtpmap:97 rtx/90000", "a=fmtp:97 apt=96",
              "a=rtpmap:102 H264/90000", "a=rtcp-fb:102 goog-remb", "a=rtcp-fb:102 transport-cc",
              "a=rtcp-fb:102 ccm fir", "a=rtcp-fb:102 nack", "a=rtcp-fb:102 nack pli",
              "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f",
              "a=rtpmap:103 rtx/90000", "a=fmtp:103 apt=102",
              "a=rtpmap:45 AV1/90000", "a=rtcp-fb:45 goog-remb", "a=rtcp-fb:45 transport-cc",
              "a=rtcp-fb:45 ccm fir", "a=rtcp-fb:45 nack", "a=rtcp-fb:45 nack pli",
              "a=fmtp:45 level-idx=5;profile=0;tier=0",
              "a=rtpmap:46 rtx/90000", "a=fmtp:46 apt=45",
              "a=ssrc-group:FID %d %d" % (vs, vr),
              "a=ssrc:%d cname:%s" % (vs, cname), "a=ssrc:%d cname:%s" % (vr, cname)]
    if data:
        L += ["m=application %d UDP/DTLS/SCTP webrtc-datachannel" % port, "c=IN IP4 " + caddr]
        ice(L)
        L += ["a=mid:%s" % mids[-1], "a=sctp-port:5000", "a=max-message-size:262144"]
    return ("\r\n".join(L) + "\r\n")


def host_candidates(addr, base_port, n, ufrag):
    """Chrome-style host candidates: UDP ones, then TCP active ones."""
    out = []
    for i in range(n):
        if i % 2 == 0:
            out.append("candidate:%d 1 udp %d %s %d typ host generation 0 ufrag %s network-id %d"
                       % (random.getrandbits(31), 2122260223 - 64 * (i // 2), addr, base_port + i // 2,
                          ufrag, 1 + i // 2))
        else:
            out.append("candidate:%d 1 tcp %d %s 9 typ host tcptype active generation 0 ufrag %s network-id %d"
                       % (random.getrandbits(31), 1518280447 - 64 * (i // 2), addr, ufrag, 1 + i // 2))
    return out


def ice_creds():
    return rand_token(4), rand_token(24)


# ---------------------------------------------------------------------------
# SIP messages

def sip_build(start_line, headers, body=b""):
    lines = [start_line] + ["%s: %s" % hv for hv in headers]
    lines.append("Content-Length: %d" % len(body))
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + body


class SipMsg:
    def __init__(self, raw):
        self.raw = raw
        head, _, self.body = raw.partition(b"\r\n\r\n")
        lines = head.decode("ascii").split("\r\n")
        self.first_line = lines[0]
        self.headers = []
        for line in lines[1:]:
            k, _, v = line.partition(":")
            self.headers.append((k.strip(), v.strip()))
        cl = self.get("Content-Length")
        if cl is not None and int(cl) != len(self.body):
            raise ValueError("Content-Length %s but body %d" % (cl, len(self.body)))

    def get(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def get_all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    @property
    def method(self):
        return None if self.first_line.startswith("SIP/2.0 ") else self.first_line.split(" ", 1)[0]

    def truth(self):
        return {"first_line": self.first_line, "call_id": self.get("Call-ID"), "cseq": self.get("CSeq")}


def sip_item(raw):
    """(opcode, payload, truth record) of a SIP message in its own text frame."""
    return (OP_TEXT, raw, SipMsg(raw).truth())


# ---------------------------------------------------------------------------
# server

class Server:
    def __init__(self, a, rec):
        self.a = a
        self.rec = rec
        self.ready = threading.Event()
        self.error = None

    def serve(self):
        try:
            self._serve()
        except BaseException as e:
            self.error = e
            log("server: error: %r" % e)
            self.ready.set()

    def _serve(self):
        a = self.a
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.cert, a.key)
        ctx.set_alpn_protocols(["http/1.1"])       # as web servers answer a browser's WebSocket connection
        lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        lsock.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, MSS)
        lsock.bind((a.server_addr, a.port))
        lsock.listen(1)
        lsock.settimeout(a.timeout)
        self.ready.set()
        conn, peer = lsock.accept()
        lsock.close()
        self.peer = peer
        log("server: TCP connection from %s:%d" % peer)
        conn.settimeout(a.timeout)
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        tls = ctx.wrap_socket(conn, server_side=True)
        log("server: %s %s" % (tls.version(), tls.cipher()[0]))
        c = Conn(tls, "server", self.rec)
        line, hdrs = c.read_head()
        log("server: got %s" % line)
        if not line.startswith("GET ") or hdrs.get("upgrade", "").lower() != "websocket" \
                or "upgrade" not in hdrs.get("connection", "").lower() \
                or hdrs.get("sec-websocket-version") != "13":
            raise ValueError("not a WebSocket upgrade: %r %r" % (line, hdrs))
        key = hdrs["sec-websocket-key"]
        if len(base64.b64decode(key)) != 16:
            raise ValueError("bad Sec-WebSocket-Key")
        protos = [p.strip() for p in hdrs.get("sec-websocket-protocol", "").split(",") if p.strip()]
        resp = ["HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade",
                "Sec-WebSocket-Accept: " + accept_for(key)]
        if a.mode == "sip":
            if "sip" not in protos:
                raise ValueError("client did not ask for the sip subprotocol")
            resp.append("Sec-WebSocket-Protocol: sip")
        resp.append("Server: " + USER_AGENT)
        c.send_http("\r\n".join(resp) + "\r\n\r\n")
        (self.sip if a.mode == "sip" else self.json)(c)
        # the client closed the WebSocket; now its close_notify, then ours
        try:
            while tls.recv(65536):
                raise ValueError("data after the close handshake")
        except ssl.SSLZeroReturnError:
            pass
        try:
            tls.unwrap()
        except (OSError, ValueError) as e:
            log("server: close: %s" % e)
        tls.close()
        log("server: done")

    def expect_close(self, c):
        op, data = c.read_message()
        if op != OP_CLOSE:
            raise ValueError("server: expected close, got opcode %d" % op)
        code = struct.unpack("!H", data[:2])[0]
        log("server: got close %d %r" % (code, data[2:].decode("utf-8")))
        c.send([(OP_CLOSE, struct.pack("!H", code))])

    # -- SIP over WebSocket (RFC 7118): registrar and UAS "bob"
    def sip(self, c):
        a = self.a
        contact = "<sip:bob@%s:%d;transport=ws>" % (a.server_addr, a.port)
        tag = rand_hex(10)
        while True:
            op, data = c.read_message()
            if op == OP_CLOSE:
                code = struct.unpack("!H", data[:2])[0]
                log("server: got close %d %r" % (code, data[2:].decode("utf-8")))
                c.send([(OP_CLOSE, struct.pack("!H", code))])
                return
            if op != OP_TEXT:
                raise ValueError("server: unexpected opcode %d" % op)
            m = SipMsg(data)
            log("server: got %s" % m.first_line)
            if m.method == "REGISTER":
                c.send([sip_item(self.response(m, 200, "OK", rand_hex(10), extra=[
                    ("Contact", m.get("Contact") + ";expires=600"), ("Supported", "outbound, path"),
                    ("Require", "outbound")]))])
            elif m.method == "INVITE":
                trying = self.response(m, 100, "Trying")
                ringing = self.response(m, 180, "Ringing", tag, extra=[("Contact", contact)])
                c.send([sip_item(trying), sip_item(ringing)], framing="shared")
                time.sleep(0.05)
                ufrag, pwd = ice_creds()
                answer = webrtc_sdp(a.server_addr, "active", ufrag, pwd,
                                    host_candidates(a.server_addr, 40000, 2, ufrag), video=True,
                                    data=False, mline_port=40000).encode("ascii")
                ok = self.response(m, 200, "OK", tag, answer, extra=[
                    ("Contact", contact), ("Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE"),
                    ("Supported", "timer, outbound"), ("Session-Expires", "90;refresher=uac"),
                    ("Require", "timer")])
                wire_head = len(encode_frame(OP_TEXT, ok, False)) - len(ok)
                c.send([sip_item(ok) + (wire_head + len(ok) - len(answer) // 2,)], framing="split")
            elif m.method == "BYE":
                c.send([sip_item(self.response(m, 200, "OK"))])
            elif m.method == "ACK":
                pass
            else:
                raise ValueError("server: unexpected %s" % m.first_line)

    def response(self, req, code, reason, to_tag=None, body=b"", extra=()):
        to = req.get("To")
        if to_tag and ";tag=" not in to:
            to += ";tag=" + to_tag
        vias = req.get_all("Via")
        vias[0] += ";received=%s" % self.peer[0]
        hdrs = [("Via", v) for v in vias]
        hdrs += [("To", to), ("From", req.get("From")), ("Call-ID", req.get("Call-ID")),
                 ("CSeq", req.get("CSeq"))]
        hdrs += list(extra)
        hdrs.append(("Server", USER_AGENT))
        if body:
            hdrs.append(("Content-Type", "application/sdp"))
        return sip_build("SIP/2.0 %d %s" % (code, reason), hdrs, body)

    # -- JSON signalling: the signalling server, answering for the remote peer "bob"
    def json(self, c):
        a = self.a

        def get():
            op, data = c.read_message()
            if op != OP_TEXT:
                raise ValueError("server: expected text, got opcode %d" % op)
            m = json.loads(data.decode("utf-8"))
            log("server: got %s" % jtype(m))
            return m

        join = get()
        assert join["type"] == "join"
        c.send([json_item({"type": "joined", "room": join["room"], "id": "p-" + rand_hex(8),
                           "peers": [{"id": "p-" + rand_hex(8), "name": "bob"}]})])
        offer = get()
        assert offer["type"] == "offer"
        while True:
            m = get()
            if m.get("type") == "candidate" and m.get("candidate") == "":
                break                                  # end of candidates
        ufrag, pwd = ice_creds()
        answer = webrtc_sdp(a.server_addr, "active", ufrag, pwd, [], video=True, data=True,
                            trickle_only=True)
        c.send([json_item({"type": "answer", "sdp": answer})])
        time.sleep(0.02)
        c.send([json_item({"event": "relay", "data": {"candidate": {
            "candidate": "candidate:%d 1 tcp 1518280447 %s 9 typ host tcptype active generation 0 ufrag %s network-id 1"
                         % (random.getrandbits(31), a.server_addr, ufrag),
            "sdpMid": "0", "sdpMLineIndex": 0, "usernameFragment": ufrag}}})])
        time.sleep(0.02)
        c.send([json_item({"type": "candidate",
                           "candidate": "candidate:1 1 udp 2122260223 %s 50000 typ host" % a.server_addr,
                           "sdpMid": "0"})])
        time.sleep(0.05)
        c.send([(OP_PING, b"keepalive-1")])
        op, data = c.read_message()
        if op != OP_PONG or data != b"keepalive-1":
            raise ValueError("server: expected the pong")
        log("server: got pong")
        bye = get()
        assert bye["type"] == "bye"
        c.send([json_item({"type": "bye", "room": bye["room"], "reason": "peer left"})])
        self.expect_close(c)


def jtype(m):
    """The message's name for the truth: its "type", else its "event", else its shape."""
    if isinstance(m.get("type"), str):
        return m["type"]
    if isinstance(m.get("event"), str):
        return m["event"]
    return "candidate" if "candidate" in m else "?"


def carries(m, depth=0):
    """What callscope's JSON signalling analysis should find: offer, answer,
    candidate or other (the shapes of dissect/websocket/JsonSignalling)."""
    if not isinstance(m, dict) or depth > 3:
        return None
    if isinstance(m.get("sdp"), str) and m["sdp"].lstrip().startswith("v="):
        return m.get("type") if m.get("type") in ("offer", "answer", "pranswer") else "sdp"
    for k in ("description", "candidate", "data"):
        v = m.get(k)
        if k == "candidate" and isinstance(v, str):
            if v.startswith("candidate:"):
                return "candidate"
        elif isinstance(v, dict):
            r = carries(v, depth + 1)
            if r:
                return r
    return None


def json_item(obj):
    raw = json.dumps(obj, separators=(",", ":")).encode("utf-8")
    return (OP_TEXT, raw, {"type": jtype(obj), "carries": carries(obj) or "other"})


# ---------------------------------------------------------------------------
# client ("browser")

class Client:
    def __init__(self, a, rec):
        self.a = a
        self.rec = rec

    def connect(self):
        a = self.a
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(a.cert)
        ctx.keylog_filename = a.keylog
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
        ctx.set_alpn_protocols(["http/1.1"])      # what Chrome offers for a WebSocket
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, MSS)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.bind((a.client_addr, 0))
        s.settimeout(a.timeout)
        s.connect((a.server_addr, a.port))
        self.local = s.getsockname()
        tls = ctx.wrap_socket(s, server_hostname=SERVER_NAME)
        log("client: %s %s from %s:%d" % (tls.version(), tls.cipher()[0], *self.local))
        self.tls = tls
        c = Conn(tls, "client", self.rec)
        key = base64.b64encode(os.urandom(16)).decode("ascii")
        host = SERVER_NAME if a.port == 443 else "%s:%d" % (SERVER_NAME, a.port)
        req = ["GET %s HTTP/1.1" % ("/sip" if a.mode == "sip" else "/signal?room=r1"),
               "Host: " + host, "Connection: Upgrade", "Pragma: no-cache", "Cache-Control: no-cache",
               "User-Agent: " + USER_AGENT, "Upgrade: websocket",
               "Origin: https://phone.callscope.test", "Sec-WebSocket-Version: 13",
               "Sec-WebSocket-Key: " + key,
               "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits"]
        if a.mode == "sip":
            req.append("Sec-WebSocket-Protocol: sip")
        c.send_http("\r\n".join(req) + "\r\n\r\n")
        line, hdrs = c.read_head()
        log("client: got %s" % line)
        if not line.startswith("HTTP/1.1 101 ") or hdrs.get("sec-websocket-accept") != accept_for(key):
            raise ValueError("bad upgrade answer: %r %r" % (line, hdrs))
        if "sec-websocket-extensions" in hdrs:
            raise ValueError("server accepted an extension")
        if a.mode == "sip" and hdrs.get("sec-websocket-protocol") != "sip":
            raise ValueError("server did not grant the sip subprotocol")
        return c

    def close(self, c, reason):
        c.send([(OP_CLOSE, struct.pack("!H", 1000) + reason.encode("utf-8"))])
        op, data = c.read_message()
        if op != OP_CLOSE:
            raise ValueError("client: expected the close echo, got opcode %d" % op)
        log("client: got close %d" % struct.unpack("!H", data[:2])[0])
        time.sleep(0.05)
        self.tls.unwrap()             # close_notify, then wait for the server's
        self.tls.close()

    def run(self):
        c = self.connect()
        (self.sip if self.a.mode == "sip" else self.json)(c)

    # -- SIP over WebSocket: a browser UA (JsSIP / SIP.js style)
    def expect_sip(self, c, call_id, cseq):
        op, data = c.read_message()
        if op != OP_TEXT:
            raise ValueError("client: expected text, got opcode %d" % op)
        m = SipMsg(data)
        log("client: got %s" % m.first_line)
        if m.get("Call-ID") != call_id or m.get("CSeq") != cseq:
            raise ValueError("client: unexpected %s (%s, %s)" % (m.first_line, m.get("Call-ID"), m.get("CSeq")))
        return m

    def sip(self, c):
        a = self.a
        via_host = rand_token(12, "abcdefghijklmnopqrstuvwxyz0123456789") + ".invalid"
        user = rand_token(8, "abcdefghijklmnopqrstuvwxyz0123456789")
        instance = "<urn:uuid:%s>" % uuid.uuid4()
        allow = "INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS,REFER,INFO,NOTIFY"
        me = '"Alice" <sip:alice@callscope.test>'

        def via():
            return "SIP/2.0/WSS %s;branch=z9hG4bK%s" % (via_host, rand_hex(14))

        # REGISTER
        cid = rand_token(22, "abcdefghijklmnopqrstuvwxyz0123456789")
        reg = sip_build("REGISTER sip:callscope.test SIP/2.0", [
            ("Via", via()), ("Max-Forwards", "69"), ("To", "<sip:alice@callscope.test>"),
            ("From", "%s;tag=%s" % (me, rand_hex(10))), ("Call-ID", cid), ("CSeq", "1 REGISTER"),
            ("Contact", '<sip:%s@%s;transport=ws>;+sip.ice;reg-id=1;+sip.instance="%s"'
             % (user, via_host, instance)),
            ("Expires", "600"), ("Allow", allow), ("Supported", "path,gruu,outbound"),
            ("User-Agent", USER_AGENT)])
        c.send([sip_item(reg)])
        self.expect_sip(c, cid, "1 REGISTER")
        time.sleep(0.1)

        # INVITE with a WebRTC offer whose ICE candidates are all in it (no trickle)
        ufrag, pwd = ice_creds()
        offer = webrtc_sdp(a.client_addr, "actpass", ufrag, pwd,
                           host_candidates(a.client_addr, 50000, 8, ufrag), video=True, data=False,
                           mline_port=50000).encode("ascii")
        cid = rand_token(22, "abcdefghijklmnopqrstuvwxyz0123456789")
        ftag = rand_hex(10)
        cseq = random.randrange(1000, 9000)
        contact = "<sip:%s@%s;transport=ws;ob>" % (user, via_host)
        inv = sip_build("INVITE sip:bob@callscope.test SIP/2.0", [
            ("Via", via()), ("Max-Forwards", "69"), ("To", "<sip:bob@callscope.test>"),
            ("From", "%s;tag=%s" % (me, ftag)), ("Call-ID", cid), ("CSeq", "%d INVITE" % cseq),
            ("Contact", contact), ("Content-Type", "application/sdp"), ("Session-Expires", "90"),
            ("Allow", allow), ("Supported", "timer,gruu,ice,replaces,outbound"),
            ("User-Agent", USER_AGENT)], offer)
        c.send([sip_item(inv)])
        self.expect_sip(c, cid, "%d INVITE" % cseq)           # 100
        self.expect_sip(c, cid, "%d INVITE" % cseq)           # 180
        ok = self.expect_sip(c, cid, "%d INVITE" % cseq)      # 200
        to = ok.get("To")
        target = re.search(r"<([^>]+)>", ok.get("Contact")).group(1)

        def req(method, n):
            return sip_build("%s %s SIP/2.0" % (method, target), [
                ("Via", via()), ("Max-Forwards", "69"), ("To", to), ("From", "%s;tag=%s" % (me, ftag)),
                ("Call-ID", cid), ("CSeq", "%d %s" % (n, method)), ("Allow", allow),
                ("Supported", "outbound"), ("User-Agent", USER_AGENT)])

        c.send([sip_item(req("ACK", cseq))])
        time.sleep(0.3)                                        # the "conversation"
        c.send([sip_item(req("BYE", cseq + 1))])
        self.expect_sip(c, cid, "%d BYE" % (cseq + 1))
        time.sleep(0.1)
        self.close(c, "")

    # -- JSON signalling, as a WebRTC page sends it
    def json(self, c):
        a = self.a

        def get():
            op, data = c.read_message()
            if op == OP_PING:
                return op, data
            if op != OP_TEXT:
                raise ValueError("client: expected text, got opcode %d" % op)
            m = json.loads(data.decode("utf-8"))
            log("client: got %s" % jtype(m))
            return op, m

        c.send([json_item({"type": "join", "room": "r1", "name": "alice"})])
        _, joined = get()
        assert joined["type"] == "joined"
        time.sleep(0.05)
        ufrag, pwd = ice_creds()
        offer = webrtc_sdp(a.client_addr, "actpass", ufrag, pwd, [], video=True, data=True,
                           trickle_only=True)
        c.send([json_item({"type": "offer", "sdp": offer})])
        time.sleep(0.05)
        cands = host_candidates(a.client_addr, 50000, 2, ufrag)
        # Chrome's RTCIceCandidate.toJSON() (the shape of samples/webrtc/ws-page.html), and the flat one
        c.send([json_item({"candidate": {"candidate": cands[0], "sdpMid": "0", "sdpMLineIndex": 0,
                                         "usernameFragment": ufrag}}),
                json_item({"type": "candidate", "candidate": cands[1], "sdpMid": "0", "sdpMLineIndex": 0})],
               framing="shared")
        time.sleep(0.05)
        c.send([json_item({"type": "candidate", "candidate": "", "sdpMid": "0", "sdpMLineIndex": 0})])
        for want in ("answer", "relay", "candidate"):
            _, m = get()
            if jtype(m) != want:
                raise ValueError("client: expected %s, got %s" % (want, jtype(m)))
        op, data = get()
        if op != OP_PING:
            raise ValueError("client: expected a ping")
        log("client: got ping")
        c.send([(OP_PONG, data)])
        time.sleep(0.3)                                        # the "call"
        c.send([json_item({"type": "bye", "room": "r1"})])
        _, m = get()
        assert m["type"] == "bye"
        time.sleep(0.05)
        self.close(c, "call ended")


def cmd_run(a):
    open(a.keylog, "w").close()
    rec = Record(a.truth, a.frames, a.mode)
    server = Server(a, rec)
    th = threading.Thread(target=server.serve, daemon=True)
    th.start()
    server.ready.wait(a.timeout)
    if server.error:
        raise server.error
    try:
        Client(a, rec).run()
    finally:
        th.join(a.timeout)
        rec.close()
    if th.is_alive():
        raise RuntimeError("server did not finish")
    if server.error:
        raise server.error
    log("done: %d messages, %d frames and HTTP heads" % (rec.n_truth, rec.n_frames))


# ---------------------------------------------------------------------------
# checks against tshark

def load_jsonl(path):
    return [json.loads(l) for l in open(path) if l.strip()]


def check_sip_tsv(truth, path):
    """tshark -Y sip -T fields -e frame.number -e sip.Method -e sip.Status-Code
    -e sip.Call-ID -e sip.CSeq: the messages, in order, with their fields."""
    got = []
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        f += [""] * (5 - len(f))
        frame, methods, codes, cids, cseqs = f[:5]
        split = lambda s: [x for x in s.split(",") if x]
        got.append((frame, split(methods), split(codes), split(cids), split(cseqs)))
    i, bad = 0, 0
    for frame, methods, codes, cids, cseqs in got:
        n = len(cids)
        want = truth[i:i + n]
        i += n
        w_methods = [t["first_line"].split()[0] for t in want if not t["first_line"].startswith("SIP/")]
        w_codes = [t["first_line"].split()[1] for t in want if t["first_line"].startswith("SIP/")]
        if not (len(want) == n and w_methods == methods and w_codes == codes
                and [t["call_id"] for t in want] == cids and [t["cseq"] for t in want] == cseqs):
            bad += 1
            print("frame %s: tshark %s %s %s %s, truth %s" % (frame, methods, codes, cids, cseqs,
                                                               [t["first_line"] for t in want]))
    print("check: sip: truth %d SIP messages, tshark shows %d in %d frames, %d mismatching frames"
          % (len(truth), i, len(got), bad))
    return i == len(truth) and bad == 0


def check_ws_tsv(frames, path, client_addr):
    """tshark -Y websocket -T fields -e frame.number -e ip.src -e websocket.fin
    -e websocket.opcode -e websocket.mask -e websocket.payload_length
    -e websocket.payload_length_ext_16 -e websocket.payload_length_ext_64
    [-e websocket.payload.text] (-E occurrence=a, aggregator "|"): every
    frame, in order, with its opcode, mask, length and (text) payload."""
    want = [f for f in frames if "opcode" in f]
    got = []
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        f += [""] * (9 - len(f))
        frame, src, fins, ops, masks, l7, l16, l64, texts = f[:9]
        ops = ops.split("|") if ops else []
        fins = fins.split("|") if fins else []
        masks = masks.split("|") if masks else []
        l7 = l7.split("|") if l7 else []
        l16 = l16.split("|") if l16 else []
        l64 = l64.split("|") if l64 else []
        texts = texts.split("|") if texts else []
        it16, it64 = iter(l16), iter(l64)
        for k, op in enumerate(ops):
            n = int(l7[k])
            field = 7
            if n == 126:
                n, field = int(next(it16)), 16
            elif n == 127:
                n, field = int(next(it64)), 64
            got.append({"frame": frame, "side": "client" if src == client_addr else "server",
                        "opcode": int(op), "fin": fins[k] in ("1", "True"), "masked": masks[k] in ("1", "True"),
                        "payload_length": n, "length_field": field})
        if texts:
            got[-1]["texts"] = texts       # text payloads shown for this packet's frames
    bad = 0
    for k in range(max(len(want), len(got))):
        w = want[k] if k < len(want) else None
        g = got[k] if k < len(got) else None
        if w is None or g is None or any(w[x] != g[x] for x in
                                          ("side", "opcode", "fin", "masked", "payload_length", "length_field")):
            bad += 1
            print("websocket frame %d: tshark %s, truth %s" % (k + 1, g, w))
    # text payloads tshark shows (websocket.payload.text; JSON only, SIP goes to the SIP dissector)
    shown = [t for g in got for t in g.get("texts", [])]
    texts_ok = None
    if shown:
        want_text = [w["sha256"] for w in want if w["opcode"] == OP_TEXT]
        texts_ok = [sha(t.encode("utf-8")) for t in shown] == want_text
        print("check: websocket: tshark shows %d text payloads, %s" %
              (len(shown), "all byte-identical to the truth" if texts_ok else "NOT identical to the truth"))
    print("check: websocket: truth %d frames, tshark shows %d, %d mismatching" % (len(want), len(got), bad))
    return bad == 0 and texts_ok is not False


def parse_follow(path):
    """tshark -q -z follow,tls,raw,0: the two directions' decrypted bytes."""
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
    return list(streams.values())


def check_follow(frames, path):
    """Cuts each direction's decrypted bytes into the HTTP head and WebSocket
    frames, unmasks them, and compares with the frames truth byte for byte.
    (tshark 4.0 may name the server node 0; the direction is told by content.)"""
    ok = True
    for data in parse_follow(path):
        side = "client" if data.startswith(b"GET ") else "server"
        want = [f for f in frames if f["side"] == side]
        have = []
        i = data.index(b"\r\n\r\n") + 4
        have.append({"http": data[:i].split(b"\r\n", 1)[0].decode("ascii"), "length": i, "sha256": sha(data[:i])})
        c = Conn(None, "server" if side == "client" else "client", None)   # reads the peer's frames
        c.buf = data[i:]
        c._fill = lambda: (_ for _ in ()).throw(EOFError("end of stream"))
        while c.buf:
            head = len(c.buf)
            op, fin, payload = c.read_frame()
            have.append({"opcode": op, "fin": fin, "payload_length": len(payload),
                         "frame_length": head - len(c.buf), "sha256": sha(payload)})
        same = 0
        for w, h in zip(want, have):
            if all(w.get(k) == h.get(k) for k in h):
                same += 1
        print("check: follow: %s: %d items in the truth (HTTP head + frames), %d in tshark's decrypted stream,"
              " %d byte-identical" % (side, len(want), len(have), same))
        ok = ok and same == len(want) == len(have)
    return ok


def cmd_check(a):
    frames = load_jsonl(a.frames)
    truth = load_jsonl(a.truth)
    ok = True
    if a.sip_tsv:
        ok = check_sip_tsv(truth, a.sip_tsv) and ok
    if a.ws_tsv:
        ok = check_ws_tsv(frames, a.ws_tsv, a.client_addr) and ok
    if a.follow:
        ok = check_follow(frames, a.follow) and ok
    # the truth and the frames file agree
    texts = [f["sha256"] for f in frames if f.get("opcode") == OP_TEXT]
    if texts != [t["sha256"] for t in truth]:
        print("check: truth and frames files disagree")
        ok = False
    return 0 if ok else 1


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="run the server and the client over one TLS connection")
    r.add_argument("--mode", choices=["sip", "json"], required=True)
    r.add_argument("--server-addr", default="127.0.0.22")
    r.add_argument("--client-addr", default="127.0.0.21")
    r.add_argument("--port", type=int, default=443)
    r.add_argument("--cert", required=True)
    r.add_argument("--key", required=True)
    r.add_argument("--truth", required=True)
    r.add_argument("--frames", required=True)
    r.add_argument("--keylog", required=True)
    r.add_argument("--timeout", type=float, default=10.0)
    c = sub.add_parser("check", help="compare tshark's view with the truth")
    c.add_argument("--truth", required=True)
    c.add_argument("--frames", required=True)
    c.add_argument("--client-addr", default="127.0.0.21")
    c.add_argument("--sip-tsv")
    c.add_argument("--ws-tsv")
    c.add_argument("--follow")
    a = p.parse_args()
    if a.cmd == "run":
        cmd_run(a)
        return 0
    return cmd_check(a)


if __name__ == "__main__":
    sys.exit(main())
