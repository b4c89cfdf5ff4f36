#!/usr/bin/env python3
"""What an HTTP/2 capture of samples/http2/ holds, from tshark's own dissection (PDML), checked against the
programs' truth log.

Usage: python3 summarize.py NAME.pcap SERVER_PORT [--keylog FILE] [--decode-as tcp.port==P,PROTO]
                            [--check grpc|h2c|flow --log NAME.log]

Prints: packets and addresses; HTTP/2 frames by type and direction; the connection-level frames (SETTINGS,
PING, GOAWAY, WINDOW_UPDATE on stream 0); per stream the request and response headers, DATA frames and bytes
each way, gRPC length-prefixed messages parsed here from the DATA bytes (not by tshark's gRPC dissector),
grpc-status / grpc-message (percent-decoded), RST_STREAM; the HTTP/1.1 part of an h2c upgrade; and a
flow-control replay: every sender's connection and stream send windows (initial 65535, SETTINGS
INITIAL_WINDOW_SIZE of the receiver, minus DATA, plus WINDOW_UPDATE) with each stall (a window at 0 and the
frames around it). With --check it asserts the facts samples/http2/README.md states for that capture and
compares them with the truth log; any failure makes the exit status 1.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter, OrderedDict

TYPES = {0: "DATA", 1: "HEADERS", 2: "PRIORITY", 3: "RST_STREAM", 4: "SETTINGS", 5: "PUSH_PROMISE", 6: "PING",
         7: "GOAWAY", 8: "WINDOW_UPDATE", 9: "CONTINUATION"}
ERRORS = {0: "NO_ERROR", 1: "PROTOCOL_ERROR", 2: "INTERNAL_ERROR", 3: "FLOW_CONTROL_ERROR", 5: "STREAM_CLOSED",
          7: "REFUSED_STREAM", 8: "CANCEL", 11: "ENHANCE_YOUR_CALM"}
SETTING_NAMES = {1: "HEADER_TABLE_SIZE", 2: "ENABLE_PUSH", 3: "MAX_CONCURRENT_STREAMS", 4: "INITIAL_WINDOW_SIZE",
                 5: "MAX_FRAME_SIZE", 6: "MAX_HEADER_LIST_SIZE", 8: "ENABLE_CONNECT_PROTOCOL"}


def pct_decode(s):
    if s is None:
        return None
    out = bytearray()
    i = 0
    while i < len(s):
        if s[i] == "%" and re.fullmatch(r"[0-9A-Fa-f]{2}", s[i + 1:i + 3] or ""):
            out.append(int(s[i + 1:i + 3], 16))
            i += 3
        else:
            out += s[i].encode()
            i += 1
    return out.decode("utf-8", "replace")


def grpc_messages(data):
    msgs, i = [], 0
    while i + 5 <= len(data):
        n = int.from_bytes(data[i + 1:i + 5], "big")
        if i + 5 + n > len(data):
            break
        msgs.append((data[i], n, data[i + 5:i + 5 + n]))
        i += 5 + n
    return msgs, len(data) - i


def pb_field1(b):
    if not b or b[0] != 0x0A:
        return None
    n, sh, i = 0, 0, 1
    while True:
        c = b[i]
        i += 1
        n |= (c & 0x7F) << sh
        sh += 7
        if not c & 0x80:
            break
    return b[i:i + n].decode("utf-8", "replace")


class Frame:
    def __init__(self, pkt, t, direction):
        self.pkt, self.t, self.dir = pkt, t, direction
        self.type = self.sid = self.length = self.flags = None
        self.headers, self.data, self.settings = [], b"", []
        self.rst = self.wu = self.goaway_last = self.goaway_err = self.ping = None
        self.ack = False
        self.end_stream = False


def read(pcap, port, opts):
    cmd = ["tshark", "-r", pcap] + opts + ["-T", "pdml"]
    xml = subprocess.run(cmd, check=True, capture_output=True).stdout
    root = ET.fromstring(xml)
    packets, frames, http1, addrs, malformed = [], [], [], Counter(), []
    for pkt in root.iter("packet"):
        f = {}
        for fld in pkt.iter("field"):
            n = fld.get("name")
            if n in ("frame.number", "frame.time_epoch", "ip.src", "ip.dst", "tcp.srcport", "tcp.dstport", "tcp.len",
                     "tcp.stream") and n not in f:
                f[n] = fld.get("show")
            if n == "_ws.malformed" or (n == "_ws.expert" and any(
                    e.get("name") == "_ws.expert.severity" and e.get("show") in ("8388608", "6291456")
                    for e in fld.iter("field"))):
                malformed.append(f.get("frame.number"))
        for p in pkt.iter("proto"):
            if p.get("name") == "_ws.malformed":
                malformed.append(f.get("frame.number"))
        num, t = int(f["frame.number"]), float(f["frame.time_epoch"])
        direction = "s->c" if f.get("tcp.srcport") == port else "c->s"
        packets.append((num, t, direction, int(f.get("tcp.len") or 0), f.get("tcp.stream")))
        addrs[(f.get("ip.src"), f.get("ip.dst"))] += 1
        for proto in pkt.findall("proto"):
            name = proto.get("name")
            if name == "http":
                h = {"pkt": num, "t": t, "dir": direction, "lines": []}
                for fld in proto.iter("field"):
                    n = fld.get("name")
                    if n in ("http.request.method", "http.request.uri", "http.response.code", "http.upgrade",
                             "http.connection"):
                        h[n] = fld.get("show")
                    if n in ("http.request.line", "http.response.line"):
                        h["lines"].append(fld.get("show").strip())
                http1.append(h)
            if name != "http2":
                continue
            for st in proto.findall("field"):
                if st.get("name") != "http2.stream":
                    continue
                fr = Frame(num, t, direction)
                for k in st.iter("field"):
                    kn, show = k.get("name"), k.get("show")
                    if kn == "http2.type" and fr.type is None:
                        fr.type = int(show)
                    elif kn == "http2.streamid" and fr.sid is None:
                        fr.sid = int(show)
                    elif kn == "http2.length" and fr.length is None:
                        fr.length = int(show)
                    elif kn == "http2.flags" and fr.flags is None:
                        fr.flags = int(show, 16)
                    elif kn == "http2.header":
                        nm = val = None
                        for h in k.iter("field"):
                            if h.get("name") == "http2.header.name":
                                nm = h.get("show")
                            elif h.get("name") == "http2.header.value":
                                val = h.get("show")
                        fr.headers.append((nm, val))
                    elif kn == "http2.data.data" and not fr.data:
                        fr.data = bytes.fromhex(k.get("value") or "")
                    elif kn == "http2.rst_stream.error":
                        fr.rst = int(show)
                    elif kn == "http2.window_update.window_size_increment":
                        fr.wu = int(show)
                    elif kn == "http2.goaway.last_stream_id":
                        fr.goaway_last = int(show)
                    elif kn == "http2.goaway.error":
                        fr.goaway_err = int(show)
                    elif kn in ("http2.ping", "http2.pong"):
                        fr.ping = show
                    elif kn == "http2.settings.id":
                        fr.settings.append([int(show), None])
                    elif kn.startswith("http2.settings.") and kn not in ("http2.settings.id",) and fr.settings \
                            and fr.settings[-1][1] is None:
                        fr.settings[-1][1] = int(show)
                if fr.type is None:
                    continue  # the connection preface (Magic)
                if fr.type == 0:
                    pad = 0
                    if fr.flags & 0x8:
                        pad = 1 + int(next((k.get("show") for k in st.iter("field") if k.get("name") == "http2.pad_length"), 0))
                    n = fr.length - pad
                    if len(fr.data) > n:  # tshark shows the reassembled body on the last DATA frame: keep its tail
                        fr.data = fr.data[len(fr.data) - n:]
                fr.ack = fr.type in (4, 6) and bool(fr.flags & 1)
                fr.end_stream = fr.type in (0, 1) and bool(fr.flags & 1)
                frames.append(fr)
    return packets, frames, http1, addrs, sorted(set(malformed), key=lambda x: int(x))


def flow_replay(frames, out):
    """Replays flow control per sender; returns the stalls: (sender, stream, frame that emptied the window, t,
    WINDOW_UPDATE frame that reopened it, t, next DATA frame, t)."""
    conn = {"c->s": 65535, "s->c": 65535}
    init = {"c->s": 65535, "s->c": 65535}   # initial stream window for data sent in that direction
    win = {}
    zero_at = {}
    stalls, timeline = [], []
    min_win = {"c->s": [65535, 65535], "s->c": [65535, 65535]}
    for fr in frames:
        snd = fr.dir
        rcv_dir = "s->c" if snd == "c->s" else "c->s"
        if fr.type == 4 and not fr.ack:
            for sid_, val in fr.settings:
                if sid_ == 4:  # receiver of data flowing the other way
                    delta = val - init[rcv_dir]
                    init[rcv_dir] = val
                    for (d, s) in list(win):
                        if d == rcv_dir:
                            win[(d, s)] += delta
        if fr.type == 0:
            key = (snd, fr.sid)
            win.setdefault(key, init[snd])
            win[key] -= fr.length
            conn[snd] -= fr.length
            timeline.append((fr, "DATA", fr.length, win[key], conn[snd]))
            min_win[snd] = [min(min_win[snd][0], win[key]), min(min_win[snd][1], conn[snd])]
            if key in zero_at and zero_at[key][1] is not None:
                z = zero_at.pop(key)
                stalls.append((snd, fr.sid, z[0], z[1], fr, z[2]))
            if win[key] == 0 or conn[snd] == 0:
                zero_at[key] = [fr, None, "connection" if conn[snd] == 0 else "stream"]
            if win[key] < 0 or conn[snd] < 0:
                out.append(f"  FLOW VIOLATION at frame {fr.pkt}: window {win[key]} / connection {conn[snd]}")
        if fr.type == 8:
            d = rcv_dir   # a WINDOW_UPDATE sent by c->s opens the window of data flowing s->c
            if fr.sid == 0:
                conn[d] += fr.wu
            else:
                win.setdefault((d, fr.sid), init[d])
                win[(d, fr.sid)] += fr.wu
            for key, z in zero_at.items():
                if key[0] == d and z[1] is None and (fr.sid == 0 if z[2] == "connection" else fr.sid == key[1]):
                    z[1] = fr
            timeline.append((fr, f"WINDOW_UPDATE({fr.sid})", fr.wu,
                             win.get((d, fr.sid)) if fr.sid else None, conn[d]))
    return stalls, timeline, init, min_win


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pcap")
    ap.add_argument("port")
    ap.add_argument("--keylog")
    ap.add_argument("--decode-as")
    ap.add_argument("--check", choices=["grpc", "h2c", "flow"])
    ap.add_argument("--log")
    a = ap.parse_args()
    opts = []
    if a.keylog:
        opts += ["-o", f"tls.keylog_file:{a.keylog}"]
    if a.decode_as:
        opts += ["-d", a.decode_as]
    packets, frames, http1, addrs, malformed = read(a.pcap, a.port, opts)
    out = []
    fails = []

    def check(cond, what):
        out.append(("CHECK ok:   " if cond else "CHECK FAIL: ") + what)
        if not cond:
            fails.append(what)

    t0 = packets[0][1]
    rel = lambda t: f"{t - t0:.6f}"  # noqa: E731
    shown = [re.sub(r"(?<=:)/\S*/", "", o) for o in opts]  # no temp-dir paths in the report
    out.append(f"capture: {os.path.basename(a.pcap)}  (tshark {' '.join(shown) or '(no options)'}; "
               f"times relative to frame 1)")
    out.append(f"packets: {len(packets)}; TCP connections: {len(set(p[4] for p in packets))}; "
               f"duration {packets[-1][1] - t0:.3f} s; address pairs: "
               + ", ".join(f"{s}->{d} x{n}" for (s, d), n in sorted(addrs.items())))
    out.append(f"packets with TCP payload: c->s {sum(1 for p in packets if p[2] == 'c->s' and p[3])}, "
               f"s->c {sum(1 for p in packets if p[2] == 's->c' and p[3])}; "
               f"malformed/expert warnings or errors: {len(malformed)}")

    # HTTP/1.1 part (h2c upgrade)
    if http1:
        out.append("HTTP/1.1 before the upgrade:")
        for h in http1:
            first = h["lines"][0] if h["lines"] else ""
            out.append(f"  frame {h['pkt']} {rel(h['t'])} {h['dir']}: "
                       + (f"{h.get('http.request.method')} {h.get('http.request.uri')}" if "http.request.method" in h
                          else f"status {h.get('http.response.code')}")
                       + f"  [{'; '.join(l for l in h['lines'])}]")

    by_dir_type = Counter((f.dir, TYPES.get(f.type, str(f.type))) for f in frames)
    out.append(f"HTTP/2 frames: {len(frames)} in {len(set(f.pkt for f in frames))} packets")
    for d in ("c->s", "s->c"):
        out.append(f"  {d}: " + ", ".join(f"{t} {by_dir_type[(d, t)]}" for t in TYPES.values() if by_dir_type[(d, t)])
                   + f"  (total {sum(v for (dd, _), v in by_dir_type.items() if dd == d)})")
    first_h2 = {d: next((f for f in frames if f.dir == d), None) for d in ("c->s", "s->c")}
    for d, f in first_h2.items():
        if f:
            out.append(f"  first HTTP/2 frame {d}: {TYPES[f.type]} in frame {f.pkt} ({rel(f.t)})")

    out.append("stream 0:")
    for f in frames:
        if f.sid != 0:
            continue
        if f.type == 4:
            vals = ", ".join(f"{SETTING_NAMES.get(i, i)}={v}" for i, v in f.settings) or \
                ("" if f.ack else "(no parameters: all defaults)")
            out.append(f"  frame {f.pkt} {rel(f.t)} {f.dir} SETTINGS{' ACK' if f.ack else ''} {vals}")
        elif f.type == 6:
            out.append(f"  frame {f.pkt} {rel(f.t)} {f.dir} PING{' ACK' if f.ack else ''} {f.ping}")
        elif f.type == 7:
            out.append(f"  frame {f.pkt} {rel(f.t)} {f.dir} GOAWAY last_stream={f.goaway_last} "
                       f"error={ERRORS.get(f.goaway_err, f.goaway_err)}")
        elif f.type == 8:
            out.append(f"  frame {f.pkt} {rel(f.t)} {f.dir} WINDOW_UPDATE +{f.wu}")
        else:
            out.append(f"  frame {f.pkt} {rel(f.t)} {f.dir} {TYPES.get(f.type, f.type)}")

    streams = OrderedDict()
    for f in frames:
        if f.sid == 0:
            continue
        s = streams.setdefault(f.sid, {"req": [], "resp": [], "data": {"c->s": b"", "s->c": b""},
                                       "dframes": Counter(), "rst": [], "end": {}, "frames": Counter(),
                                       "headers_frames": Counter(), "first": f, "wu": Counter()})
        s["frames"][(f.dir, TYPES.get(f.type))] += 1
        if f.type == 1:
            s["headers_frames"][f.dir] += 1
            (s["req"] if f.dir == "c->s" else s["resp"]).append((f.pkt, f.headers, f.end_stream))
        if f.type == 0:
            s["data"][f.dir] += f.data
            s["dframes"][f.dir] += 1
        if f.type == 3:
            s["rst"].append((f.pkt, f.dir, ERRORS.get(f.rst, f.rst), f.t))
        if f.type == 8:
            s["wu"][f.dir] += f.wu
        if f.end_stream:
            s["end"][f.dir] = f.pkt

    out.append(f"streams: {len(streams)} ({', '.join(str(s) for s in streams)})")
    summary = {}
    for sid, s in streams.items():
        req = dict(h for _, hs, _ in s["req"] for h in hs)
        resp_blocks = s["resp"]
        resp = dict(resp_blocks[0][1]) if resp_blocks else {}
        trailers = dict(resp_blocks[-1][1]) if len(resp_blocks) > 1 else ({} if not resp_blocks else
                                                                         (resp if "grpc-status" in resp else {}))
        grpc = (req.get("content-type") or resp.get("content-type") or "").startswith("application/grpc")
        line = [f"  stream {sid}:"]
        if req:
            line.append(f"{req.get(':method')} {req.get(':path')}")
            extra = [f"{k}={req[k]}" for k in ("content-type", "grpc-timeout", "te", "x-call-id") if k in req]
            if extra:
                line.append("[" + " ".join(extra) + "]")
        elif sid == 1 and any("http.request.method" in h for h in http1):
            h = next(h for h in http1 if "http.request.method" in h)
            line.append(f"(no request HEADERS: the upgraded HTTP/1.1 request {h['http.request.method']} "
                        f"{h['http.request.uri']} of frame {h['pkt']})")
        else:
            line.append("(no request HEADERS on the wire)")
        out.append(" ".join(line))
        out.append(f"    frames c->s: {dict((t, n) for (d, t), n in s['frames'].items() if d == 'c->s')}; "
                   f"s->c: {dict((t, n) for (d, t), n in s['frames'].items() if d == 's->c')}")
        if resp_blocks:
            out.append(f"    response HEADERS frame {resp_blocks[0][0]}: :status {resp.get(':status')}"
                       + (f", content-type {resp.get('content-type')}" if resp.get("content-type") else "")
                       + (f", content-length {resp.get('content-length')}" if resp.get("content-length") else "")
                       + (" (trailers-only)" if len(resp_blocks) == 1 and "grpc-status" in resp else ""))
        if trailers:
            msg = trailers.get("grpc-message")
            out.append(f"    trailers frame {resp_blocks[-1][0]}: grpc-status {trailers.get('grpc-status')}"
                       + (f", grpc-message {msg!r} = {pct_decode(msg)!r}" if msg is not None else ""))
        res = {"path": req.get(":path"), "status": resp.get(":status"), "grpc_status": trailers.get("grpc-status"),
               "grpc_message": pct_decode(trailers.get("grpc-message")), "rst": s["rst"],
               "data_bytes": {d: len(v) for d, v in s["data"].items()}, "msgs": {}, "trailers_only":
               len(resp_blocks) == 1 and "grpc-status" in resp, "req": req, "resp": resp, "end": s["end"],
               "dframes": s["dframes"], "first": s["first"]}
        for d in ("c->s", "s->c"):
            if grpc:
                msgs, rest = grpc_messages(s["data"][d])
                res["msgs"][d] = msgs
                out.append(f"    {d}: {s['dframes'][d]} DATA frames, {len(s['data'][d])} bytes, "
                           f"{len(msgs)} gRPC messages {[n for _, n, _ in msgs]}"
                           + (f" {[pb_field1(m) for _, _, m in msgs]}" if msgs else "")
                           + (f", {rest} bytes left over" if rest else "")
                           + (f", END_STREAM in frame {s['end'][d]}" if d in s["end"] else ""))
            else:
                out.append(f"    {d}: {s['dframes'][d]} DATA frames, {len(s['data'][d])} bytes"
                           + (f", END_STREAM in frame {s['end'][d]}" if d in s["end"] else "")
                           + (f", WINDOW_UPDATE +{s['wu'][d]}" if s["wu"][d] else ""))
        for pkt, d, err, _ in s["rst"]:
            out.append(f"    RST_STREAM frame {pkt} {d} {err}")
        summary[sid] = res

    stalls, timeline, init, min_win = flow_replay(frames, out)
    out.append(f"flow control: initial stream windows c->s {init['c->s']}, s->c {init['s->c']} "
               f"(from the receiver's SETTINGS), connection windows 65535")
    for snd, sid, zf, wf, nf, which in stalls:
        if nf.t - zf.t < 0.05:
            continue
        out.append(f"  STALL {snd} stream {sid}: {which} window 0 after DATA frame {zf.pkt} ({rel(zf.t)}); "
                   f"WINDOW_UPDATE frame {wf.pkt} ({rel(wf.t)}, +{wf.wu} on stream {wf.sid}); next DATA frame {nf.pkt} "
                   f"({rel(nf.t)}); stalled {1000 * (nf.t - zf.t):.1f} ms")
    short = [x for x in stalls if x[4].t - x[2].t < 0.05]
    if short:
        out.append(f"  window reached 0 and reopened within 50 ms {len(short)} more times "
                   f"(longest {max(1000 * (x[4].t - x[2].t) for x in short):.1f} ms)")
    if not stalls:
        out.append("  no window reached 0")

    if a.check == "flow":
        out.append("flow timeline (server DATA and client WINDOW_UPDATE; windows after the frame, as the server sees them):")
        for fr, what, n, w, c in timeline:
            out.append(f"  frame {fr.pkt:>3} {rel(fr.t)} {fr.dir} {what:<18} {n:>6}  stream window "
                       f"{'-' if w is None else w:>6}  connection window {c:>6}")

    # ---- checks
    log = open(a.log, encoding="utf-8").read().splitlines() if a.log else []

    def events(who, ev):
        res = []
        for l in log:
            p = l.split(" ", 3)
            if len(p) >= 3 and p[0] == who and p[2] == f"event={ev}":
                kv = dict(re.findall(r'(\S+?)=("(?:[^"\\]|\\.)*"|\S+)', p[3] if len(p) > 3 else ""))
                kv = {k: (json.loads(v) if v.startswith('"') else v) for k, v in kv.items()}
                kv["_ms"] = int(p[1])
                res.append(kv)
        return res

    if a.check:
        check(not malformed, f"no malformed packet and no expert warning/error (found {malformed})")
        check(set(addrs) == {("127.0.0.1", "127.0.0.1")}, "every packet is 127.0.0.1 -> 127.0.0.1")
        check(len(set(p[4] for p in packets)) == 1, "one TCP connection")
    if a.check == "grpc":
        check(list(streams) == [1, 3, 5, 7, 9, 11], f"streams 1,3,5,7,9,11 (got {list(streams)})")
        ends = {int(e["stream"]): e for e in events("CLIENT", "end")}
        for sid in (1, 3, 5):
            r = summary.get(sid, {})
            check(r.get("path") == "/demo.Greeter/SayHello" and r.get("grpc_status") == "0"
                  and len(r["msgs"]["c->s"]) == 1 and len(r["msgs"]["s->c"]) == 1,
                  f"stream {sid}: SayHello, 1 message each way, grpc-status 0")
        r = summary.get(7, {})
        check(r.get("trailers_only") and r.get("grpc_status") == "5" and not r["msgs"]["s->c"]
              and r.get("grpc_message") == "no user named Jürgen (checked 100% of the directory)",
              "stream 7: trailers-only grpc-status 5, grpc-message percent-decodes to "
              "'no user named Jürgen (checked 100% of the directory)'")
        r = summary.get(9, {})
        check(r.get("path") == "/demo.Greeter/SayHelloStream" and len(r["msgs"]["s->c"]) == 3
              and r.get("grpc_status") == "0", "stream 9: SayHelloStream, 3 response messages, grpc-status 0")
        r = summary.get(11, {})
        check(r.get("path") == "/demo.Greeter/SlowHello" and [x[1:3] for x in r.get("rst", [])] == [("c->s", "CANCEL")]
              and not r.get("resp"), "stream 11: SlowHello, RST_STREAM CANCEL from the client, no response HEADERS")
        pings = [f for f in frames if f.type == 6]
        check([(f.dir, f.ack) for f in pings] == [("c->s", False), ("s->c", True)], "one PING from the client, one PING ACK")
        check(any(f.type == 7 and f.dir == "c->s" for f in frames), "GOAWAY from the client")
        check(all(summary[s]["req"].get("grpc-timeout") == "1000m" for s in summary), "every request has grpc-timeout 1000m")
        for sid, r in summary.items():
            e = ends.get(sid)
            ok = e is not None and int(e["resp_msgs"]) == len(r["msgs"]["s->c"]) \
                and int(e["req_msgs"]) == len(r["msgs"]["c->s"]) \
                and int(e["resp_bytes"]) == sum(n for _, n, _ in r["msgs"]["s->c"]) \
                and (e.get("grpc-status") == r.get("grpc_status")) and e.get("path") == r.get("path")
            check(ok, f"stream {sid}: the client's log (end: call {e and e.get('call')}, messages, bytes, grpc-status) "
                      "matches the wire")
        pa = events("CLIENT", "ping-ack")
        if pa:
            out.append(f"PING RTT reported by Node: {pa[0]['rtt_ms']} ms")
    if a.check == "h2c":
        reqs = [h for h in http1 if "http.request.method" in h]
        resps = [h for h in http1 if "http.response.code" in h]
        check(len(reqs) == 1 and any(l.lower().startswith("upgrade: h2c") for l in reqs[0]["lines"])
              and any(l.lower().startswith("http2-settings:") for l in reqs[0]["lines"]),
              "one HTTP/1.1 request with Upgrade: h2c and HTTP2-Settings")
        check(len(resps) == 1 and resps[0].get("http.response.code") == "101", "one HTTP/1.1 response: 101")
        r1, r3 = summary.get(1, {}), summary.get(3, {})
        check(r1 and not r1["req"] and r1["status"] == "200" and r1["data_bytes"]["s->c"] == 1000,
              "stream 1: no request HEADERS (the upgraded request), response 200 with 1000 bytes of DATA")
        check(r3 and r3["path"] == "/second" and r3["status"] == "200" and r3["data_bytes"]["s->c"] == 2500,
              "stream 3: GET /second, response 200 with 2500 bytes of DATA")
        if resps and first_h2["s->c"]:
            same = resps[0]["pkt"] == first_h2["s->c"].pkt
            out.append(f"101 in frame {resps[0]['pkt']}; the server's first HTTP/2 frame "
                       f"({TYPES[first_h2['s->c'].type]}) in frame {first_h2['s->c'].pkt}: "
                       + ("the same TCP segment" if same else "a later TCP segment"))
        tr = events("CURL", "transfer")
        check([(t["url"], t["size_download"], t["num_connects"]) for t in tr]
              == [("http://127.0.0.1:8080/first", "1000", "1"), ("http://127.0.0.1:8080/second", "2500", "0")],
              "curl's own log: /first 1000 bytes on a new connection, /second 2500 bytes on the reused one")
    if a.check == "flow":
        check(init["s->c"] == 4096, "the client's SETTINGS_INITIAL_WINDOW_SIZE is 4096")
        r = summary.get(1, {})
        check(r and r["data_bytes"]["s->c"] == 65536, "stream 1: 65536 bytes of DATA from the server")
        srv_stalls = [s for s in stalls if s[0] == "s->c"]
        long_ = [s for s in srv_stalls if s[4].t - s[2].t > 0.4]
        check(len(long_) == 1, f"one server stall over 400 ms (stalls: {len(srv_stalls)})")
        if long_:
            snd, sid, zf, wf, nf, _ = long_[0]
            check(wf.sid == sid and wf.dir == "c->s" and zf.t < wf.t <= nf.t,
                  "the stall ends with a stream WINDOW_UPDATE from the client before the next DATA")
            p, rs = events("CLIENT", "pause"), events("CLIENT", "resume")
            if p and rs:
                out.append(f"client pause at {p[0]['_ms']} ({p[0]['_ms'] / 1000 - t0:.3f}), resume at {rs[0]['_ms']} "
                           f"({rs[0]['_ms'] / 1000 - t0:.3f}); wire stall {zf.t - t0:.3f} -> {nf.t - t0:.3f}")
                check(p[0]["_ms"] / 1000 - 0.002 <= zf.t + 0.002 and rs[0]["_ms"] / 1000 - 0.002 <= wf.t,
                      "the stall lies inside the client's pause (window emptied after pause, reopened after resume)")
        out.append(f"lowest server send windows: stream {min_win['s->c'][0]}, connection {min_win['s->c'][1]} "
                   "(the connection window never reached 0)" if min_win["s->c"][1] > 0 else
                   f"lowest server send windows: stream {min_win['s->c'][0]}, connection 0")

    print("\n".join(out))
    if fails:
        print(f"{len(fails)} check(s) failed", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
