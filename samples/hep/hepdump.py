#!/usr/bin/env python3
"""List the HEP packets of a capture file, independently of callscope.

Debian 12's tshark (4.0) has no HEP dissector, so this small reader is what
samples/hep/README.md's HEP counts were measured with. It reads a classic
pcap file (link types Ethernet, Linux cooked, raw IPv4), takes every IPv4 UDP
datagram to or from the HEP port, and decodes HEPv1/v2 (fixed headers) and
HEPv3 (chunks).

usage: hepdump.py [--port 9060] [--pcap OUT.pcap] [--wire-port 5060] CAPTURE.pcap

Prints one tab-separated line per HEP packet:
  frame  wire_time  version  capture_id  inner_src  inner_dst  hep_time
  hep_minus_wire_us  correlation_id  first_line  call_id
and, with --pcap, writes the SIP messages carried inside HEP as UDP/IPv4
packets (Ethernet, zero MACs) with the addresses, ports and timestamps of the
HEP headers, so that tshark can count them. With --wire-port, it also checks
that every message carried in HEP is byte for byte a UDP datagram of the same
capture on that port (and not on the HEP port), with the same addresses and ports (the capture holds
both the traffic and its HEP mirror), and prints a last line
"wire-check: MATCHED of HEP matched, WIRE datagrams on the wire".

HEPv2 as Kamailio 5.6 (siptrace) writes it: an 8-byte header (version, header
length = 16 for IPv4, family, protocol, source and destination port in network
order), source and destination IPv4 address, then a time header of 12 bytes:
seconds and microseconds as little-endian 32-bit integers, the 16-bit capture
id in host order (little-endian on x86) and 2 bytes of struct padding. The
header length field does not count the time header.
"""
import argparse
import signal
import socket
import struct
import sys


def read_pcap(path):
    with open(path, "rb") as f:
        head = f.read(24)
        magic = struct.unpack("<I", head[:4])[0]
        if magic in (0xA1B2C3D4, 0xA1B23C4D):
            e = "<"
        elif magic in (0xD4C3B2A1, 0x4D3CB2A1):
            e = ">"
            magic = struct.unpack(">I", head[:4])[0]
        else:
            sys.exit(f"{path}: not a classic pcap file")
        nano = magic == 0xA1B23C4D
        linktype = struct.unpack(e + "I", head[20:24])[0]
        frame = 0
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            sec, frac, caplen, _ = struct.unpack(e + "IIII", rec)
            data = f.read(caplen)
            frame += 1
            ts = sec + frac / (1e9 if nano else 1e6)
            yield frame, ts, linktype, data


def ipv4_udp(linktype, data):
    if linktype == 1:  # Ethernet
        off, etype = 14, struct.unpack("!H", data[12:14])[0]
    elif linktype == 113:  # Linux cooked
        off, etype = 16, struct.unpack("!H", data[14:16])[0]
    elif linktype in (12, 101, 228):  # raw IPv4
        off, etype = 0, 0x0800
    else:
        return None
    if etype != 0x0800 or len(data) < off + 20 or data[off] >> 4 != 4:
        return None
    ihl = (data[off] & 0x0F) * 4
    if data[off + 9] != 17:
        return None
    src, dst = socket.inet_ntoa(data[off + 12:off + 16]), socket.inet_ntoa(data[off + 16:off + 20])
    u = off + ihl
    sport, dport, ulen = struct.unpack("!HHH", data[u:u + 6])
    return src, sport, dst, dport, data[u + 8:u + ulen]


def hep(p):
    """Returns a dict describing one HEP packet, or None."""
    if p[:4] == b"HEP3":
        total = struct.unpack("!H", p[4:6])[0]
        h = {"version": 3, "chunks": []}
        o = 6
        while o + 6 <= total:
            vendor, ctype, clen = struct.unpack("!HHH", p[o:o + 6])
            if clen < 6:
                return None
            v = p[o + 6:o + clen]
            h["chunks"].append(ctype)
            if vendor == 0:
                if ctype == 1:
                    h["family"] = v[0]
                elif ctype == 2:
                    h["ip_proto"] = v[0]
                elif ctype in (3, 5):
                    h["src"] = socket.inet_ntop(socket.AF_INET if ctype == 3 else socket.AF_INET6, v)
                elif ctype in (4, 6):
                    h["dst"] = socket.inet_ntop(socket.AF_INET if ctype == 4 else socket.AF_INET6, v)
                elif ctype == 7:
                    h["sport"] = struct.unpack("!H", v)[0]
                elif ctype == 8:
                    h["dport"] = struct.unpack("!H", v)[0]
                elif ctype == 9:
                    h["sec"] = struct.unpack("!I", v)[0]
                elif ctype == 10:
                    h["usec"] = struct.unpack("!I", v)[0]
                elif ctype == 11:
                    h["payload_type"] = v[0]
                elif ctype == 12:
                    h["capture_id"] = struct.unpack("!I", v)[0]
                elif ctype == 14:
                    h["auth_key"] = v
                elif ctype == 15:
                    h["payload"] = v
                elif ctype == 17:
                    h["correlation_id"] = v.decode("utf-8", "replace")
            o += clen
        return h
    if len(p) >= 16 and p[0] in (1, 2) and p[2] == socket.AF_INET:
        version, hlen, family, proto, sport, dport = struct.unpack("!BBBBHH", p[:8])
        h = {"version": version, "hdr_len": hlen, "family": family, "ip_proto": proto,
             "sport": sport, "dport": dport,
             "src": socket.inet_ntoa(p[8:12]), "dst": socket.inet_ntoa(p[12:16])}
        o = hlen
        if version == 2:
            h["sec"], h["usec"], h["capture_id"] = struct.unpack("<IIH", p[o:o + 10])
            h["padding"] = p[o + 10:o + 12].hex()
            o += 12
        h["payload"] = p[o:]
        return h
    return None


def header(payload, name):
    for line in payload.split(b"\r\n")[1:]:
        if not line:
            break
        k, _, v = line.partition(b":")
        if k.strip().lower() == name:
            return v.strip().decode("utf-8", "replace")
    return ""


def write_pcap(path, packets):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        for ts, src, sport, dst, dport, payload in packets:
            udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000, 64, 17, 0,
                             socket.inet_aton(src), socket.inet_aton(dst))
            s = sum(struct.unpack("!10H", ip))
            s = (s & 0xFFFF) + (s >> 16)
            s = (s & 0xFFFF) + (s >> 16)
            ip = ip[:10] + struct.pack("!H", ~s & 0xFFFF) + ip[12:]
            frame = b"\0" * 12 + b"\x08\x00" + ip + udp
            sec, usec = int(ts), round((ts - int(ts)) * 1e6)
            f.write(struct.pack("<IIII", sec, usec, len(frame), len(frame)) + frame)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=9060)
    ap.add_argument("--pcap", help="write the SIP carried in HEP to this pcap file")
    ap.add_argument("--wire-port", type=int)
    ap.add_argument("capture")
    a = ap.parse_args()
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    inner = []
    wire = {}
    for frame, ts, lt, data in read_pcap(a.capture):
        u = ipv4_udp(lt, data)
        if u is not None and a.wire_port in (u[1], u[3]) and a.port not in (u[1], u[3]):
            wire[u] = wire.get(u, 0) + 1
        if u is None or a.port not in (u[1], u[3]):
            continue
        h = hep(u[4])
        if h is None:
            print(f"{frame}\t{ts:.6f}\tnot-hep")
            continue
        payload = h.get("payload", b"")
        hts = h["sec"] + h["usec"] / 1e6 if "sec" in h else None
        print("\t".join(str(x) for x in (
            frame, f"{ts:.6f}", h["version"], h.get("capture_id", "-"),
            f"{h.get('src')}:{h.get('sport')}", f"{h.get('dst')}:{h.get('dport')}",
            f"{hts:.6f}" if hts is not None else "-",
            round((hts - ts) * 1e6) if hts is not None else "-",
            h.get("correlation_id", "-"),
            payload.split(b"\r\n", 1)[0].decode("utf-8", "replace"),
            header(payload, b"call-id"))))
        if h.get("family") == socket.AF_INET and h.get("ip_proto") == 17:
            inner.append((hts if hts is not None else ts, h["src"], h["sport"], h["dst"], h["dport"], payload))
    if a.pcap:
        write_pcap(a.pcap, inner)
    if a.wire_port:
        left = dict(wire)
        matched = 0
        for _, src, sport, dst, dport, payload in inner:
            k = (src, sport, dst, dport, payload)
            if left.get(k, 0) > 0:
                left[k] -= 1
                matched += 1
        print(f"wire-check: {matched} of {len(inner)} HEP matched, {sum(wire.values())} datagrams on the wire")


if __name__ == "__main__":
    main()
