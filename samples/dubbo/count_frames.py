#!/usr/bin/env python3
# Independent frame count for samples/dubbo/README.md: walks every TCP stream direction of a capture
# (payloads from tshark, which has no Dubbo dissector) through Dubbo 16-byte headers.
import subprocess, sys, collections
f = sys.argv[1]
out = subprocess.run(['tshark','-r',f,'-T','fields','-e','tcp.stream','-e','tcp.srcport','-e','tcp.seq_raw','-e','tcp.payload','-Y','tcp.len>0'],capture_output=True,text=True).stdout
streams = collections.defaultdict(dict)
for line in out.splitlines():
    s, sp, seq, pl = line.split('\t')
    streams[(s, sp)][int(seq)] = bytes.fromhex(pl)   # dedupe retransmissions by seq
c = collections.Counter()
for key, segs in streams.items():
    data = b''.join(segs[k] for k in sorted(segs))
    i = 0
    while i + 16 <= len(data):
        assert data[i:i+2] == b'\xda\xbb', (key, i)
        flag, status = data[i+2], data[i+3]
        blen = int.from_bytes(data[i+12:i+16], 'big')
        body = data[i+16:i+16+blen]
        req, tw, ev = flag & 0x80, flag & 0x40, flag & 0x20
        if ev:
            c['heartbeat_' + ('request' if req else 'response') + ('' if body == b'N' else '_nonnull')] += 1
        elif req:
            c['request'] += 1
            if not tw: c['one_way'] += 1
        else:
            c['response'] += 1
            c['status_%d' % status] += 1
            if body[:1] in (b'\x90', b'\x93'): c['exception_response'] += 1
        c['serialization_%d' % (flag & 0x1f)] += 1
        if blen + 16 > 65536: c['frames_over_64KiB'] += 1
        i += 16 + blen
    assert i == len(data)
print(dict(sorted(c.items())))
