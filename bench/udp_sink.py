#!/usr/bin/env python3
"""Hold UDP ports open on loopback so that RTP sent there by SIPp's
play_pcap_audio (raw socket, no bound port) does not make the kernel answer
with ICMP port unreachable. Reads and discards everything; exits after a
bounded time.

usage: udp_sink.py SECONDS ADDR:PORT[-LASTPORT[/STEP]] ...
"""
import resource
import selectors
import socket
import sys
import time


def endpoints(spec):
    addr, ports = spec.rsplit(":", 1)
    step = 1
    if "/" in ports:
        ports, s = ports.split("/", 1)
        step = int(s)
    if "-" in ports:
        first, last = (int(p) for p in ports.split("-", 1))
    else:
        first = last = int(ports)
    return [(addr, p) for p in range(first, last + 1, step)]


def main():
    lifetime = float(sys.argv[1])
    eps = [ep for spec in sys.argv[2:] for ep in endpoints(spec)]
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = len(eps) + 64
    if soft < need:
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(need, soft), max(need, hard)))
    sel = selectors.DefaultSelector()
    for ep in eps:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(ep)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
    print(f"udp_sink: holding {len(eps)} ports", flush=True)
    deadline = time.monotonic() + lifetime
    while (left := deadline - time.monotonic()) > 0:
        for key, _ in sel.select(timeout=min(left, 1.0)):
            try:
                while True:
                    key.fileobj.recv(65535)
            except BlockingIOError:
                pass


if __name__ == "__main__":
    main()
