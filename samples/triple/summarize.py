#!/usr/bin/env python3
"""Independent count of what a Triple capture holds, from tshark's HTTP/2 dissection (PDML).

Usage: python3 summarize.py NAME.pcap [port]   (default port 50051)
Counts HTTP/2 frames by type and direction, and per stream (= per call): :path, tri-* request headers,
grpc-encoding, response :status, grpc-status / grpc-message, RST_STREAM codes, and the gRPC length-prefixed
messages each way, parsed here from the DATA payload bytes (not from tshark's gRPC dissector).
"""
import subprocess
import sys
import urllib.parse
import xml.etree.ElementTree as ET
from collections import Counter, OrderedDict

TYPES = {0: "DATA", 1: "HEADERS", 2: "PRIORITY", 3: "RST_STREAM", 4: "SETTINGS", 5: "PUSH_PROMISE", 6: "PING",
         7: "GOAWAY", 8: "WINDOW_UPDATE", 9: "CONTINUATION"}
ERRORS = {0: "NO_ERROR", 1: "PROTOCOL_ERROR", 2: "INTERNAL_ERROR", 3: "FLOW_CONTROL_ERROR", 5: "STREAM_CLOSED",
          7: "REFUSED_STREAM", 8: "CANCEL", 11: "ENHANCE_YOUR_CALM"}


def main():
    pcap = sys.argv[1]
    port = sys.argv[2] if len(sys.argv) > 2 else "50051"
    xml = subprocess.run(["tshark", "-r", pcap, "-d", f"tcp.port=={port},http2", "-T", "pdml"],
                         check=True, capture_output=True).stdout
    root = ET.fromstring(xml)
    frames_by_type = Counter()
    frames_by_dir_type = Counter()
    conns = OrderedDict()
    streams = OrderedDict()
    goaways = []
    packets = 0
    magic = 0
    for pkt in root.iter("packet"):
        packets += 1
        f = {}
        for fld in pkt.iter("field"):
            n = fld.get("name")
            if n in ("tcp.srcport", "tcp.dstport", "frame.number", "frame.time_epoch") and n not in f:
                f[n] = fld.get("show")
        sport, dport = f["tcp.srcport"], f["tcp.dstport"]
        client_port = dport if sport == port else sport
        direction = "s->c" if sport == port else "c->s"
        conns.setdefault(client_port, 0)
        for proto in pkt.iter("proto"):
            if proto.get("name") != "http2":
                continue
            for st in proto.iter("field"):
                if st.get("name") == "http2.magic":
                    magic += 1
                if st.get("name") != "http2.stream":
                    continue
                kids = {}
                headers = []
                data = None
                for k in st.iter("field"):
                    kn = k.get("name")
                    if kn == "http2.header":
                        name = value = None
                        for h in k.iter("field"):
                            if h.get("name") == "http2.header.name":
                                name = h.get("show")
                            elif h.get("name") == "http2.header.value":
                                value = h.get("show")
                        headers.append((name, value))
                    elif kn == "http2.data.data":
                        data = bytes.fromhex(k.get("value") or "")
                    elif kn not in kids:
                        kids[kn] = k.get("show")
                if "http2.type" not in kids:
                    continue
                t = int(kids["http2.type"])
                tname = TYPES.get(t, str(t))
                frames_by_type[tname] += 1
                frames_by_dir_type[(direction, tname)] += 1
                conns[client_port] += 1
                sid = int(kids.get("http2.streamid", "0"))
                if t == 7:
                    goaways.append((f["frame.number"], direction, int(kids.get("http2.goaway.last_stream_id", 0)),
                                    ERRORS.get(int(kids.get("http2.goaway.error", 0)), kids.get("http2.goaway.error"))))
                if sid == 0:
                    continue
                key = (client_port, sid)
                s = streams.setdefault(key, {"req_headers": {}, "resp_headers": [], "frames": Counter(),
                                             "buf": {"c->s": b"", "s->c": b""},
                                             "msgs": {"c->s": [], "s->c": []}, "rst": [], "first": f["frame.number"],
                                             "end_stream": {"c->s": False, "s->c": False}})
                s["frames"][f"{direction} {tname}"] += 1
                if kids.get("http2.flags.end_stream") in ("1", "True"):
                    s["end_stream"][direction] = True
                if t == 1:
                    if direction == "c->s":
                        s["req_headers"].update(dict(headers))
                    else:
                        s["resp_headers"].append(dict(headers))
                elif t == 3:
                    code = int(kids.get("http2.rst_stream.error", 0))
                    s["rst"].append(f"{direction} {ERRORS.get(code, code)}({code}) frame {f['frame.number']}")
                elif t == 0 and data:
                    buf = s["buf"][direction] + data
                    while len(buf) >= 5:
                        ln = int.from_bytes(buf[1:5], "big")
                        if len(buf) < 5 + ln:
                            break
                        s["msgs"][direction].append((buf[0], ln))
                        buf = buf[5 + ln:]
                    s["buf"][direction] = buf
    print(f"file: {pcap}")
    print(f"packets: {packets}; TCP connections (client port -> HTTP/2 frames): {dict(conns)}; connection prefaces: {magic}")
    print(f"HTTP/2 frames: {sum(frames_by_type.values())} " + str(dict(sorted(frames_by_type.items()))))
    for d in ("c->s", "s->c"):
        print(f"  {d}: " + str({t: n for (dd, t), n in sorted(frames_by_dir_type.items()) if dd == d}))
    print(f"GOAWAY: {goaways}")
    print(f"streams (calls with HEADERS from the client): {sum(1 for s in streams.values() if s['req_headers'])}")
    status = Counter()
    for (cport, sid), s in streams.items():
        rh = s["req_headers"]
        resp = {}
        for h in s["resp_headers"]:
            resp.update(h)
        gs = resp.get("grpc-status")
        status[gs] += 1
        tri = {k: v for k, v in rh.items() if k.startswith("tri-") or k in ("grpc-timeout", "grpc-encoding", "x-call-id", "timeout")}
        out = {k: v for k, v in resp.items() if k.startswith("tri-") or k in ("grpc-encoding",)}
        mc = [f"{len(s['msgs'][d])}" + (f" ({sum(1 for c, _ in s['msgs'][d] if c)} compressed)" if any(c for c, _ in s['msgs'][d]) else "")
              for d in ("c->s", "s->c")]
        leftover = {d: len(b) for d, b in s["buf"].items() if b}
        print(f"- conn {cport} stream {sid} (first frame {s['first']}): {rh.get(':method')} {rh.get(':path')} {tri}")
        print(f"    response :status={resp.get(':status')} grpc-status={gs}"
              + (f" grpc-message={urllib.parse.unquote(resp['grpc-message'])!r}" if "grpc-message" in resp else "")
              + (f" details-bin={len(resp['grpc-status-details-bin'])} chars" if "grpc-status-details-bin" in resp else "")
              + f" response HEADERS frames={len(s['resp_headers'])} {out}")
        print(f"    messages c->s={mc[0]} s->c={mc[1]} lengths c->s={[n for _, n in s['msgs']['c->s']]} s->c={[n for _, n in s['msgs']['s->c']]}"
              + f" END_STREAM c->s={s['end_stream']['c->s']} s->c={s['end_stream']['s->c']}"
              + (f" RST_STREAM: {s['rst']}" if s["rst"] else "") + (f" incomplete bytes {leftover}" if leftover else ""))
        print(f"    frames: {dict(sorted(s['frames'].items()))}")
    print(f"grpc-status values over streams: {dict(status)}")


if __name__ == "__main__":
    main()
