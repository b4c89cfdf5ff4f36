"""Writes the truth files of one recording: NAME.pages.jsonl (both pages' timelines, in time order),
NAME.stats.json (getStats() snapshots per page) and NAME.tshark.tsv (tshark 4.0 fields).
Usage: python3 truth.py TMP_DIR OUT_DIR NAME WS_PORT T0"""
import collections
import json
import os
import subprocess
import sys

TMP, OUT, NAME, WS_PORT, T0 = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5])
PCAP = os.path.join(OUT, NAME + '.pcap')


def lines(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip()]


events = []
for page in ('alice', 'bob'):
    events += sorted(lines(os.path.join(TMP, NAME + '.pages.' + page + '.jsonl')), key=lambda e: e['seq'])
events.sort(key=lambda e: (e['ts'], e['page'], e['seq']))
with open(os.path.join(OUT, NAME + '.pages.jsonl'), 'w') as f:
    for e in events:
        f.write(json.dumps(e, separators=(',', ':')) + '\n')

stats = {'t0': T0, 'note': 'getStats() per page; ts is epoch seconds; t0 is the recording script\'s T0'}
for page in ('alice', 'bob'):
    stats[page] = sorted(lines(os.path.join(TMP, NAME + '.stats.' + page + '.jsonl')), key=lambda s: s['ts'])
with open(os.path.join(OUT, NAME + '.stats.json'), 'w') as f:
    json.dump(stats, f, indent=1)
    f.write('\n')


def tshark(*args):
    return subprocess.run(['tshark', '-r', PCAP, '-n'] + list(args), check=True, capture_output=True,
                          text=True).stdout.splitlines()


# UDP ports in use (ICE host candidates): decode all of them as RTP so that SRTP/SRTCP headers show
ports = set()
for l in tshark('-Y', 'udp', '-T', 'fields', '-e', 'udp.srcport', '-e', 'udp.dstport'):
    ports.update(p for p in l.split('\t') if p)
decode = []
for p in sorted(ports, key=int):
    decode += ['-d', 'udp.port==%s,rtp' % p]

out = []
out.append('# %s.tshark.tsv: tshark 4.0 output for %s.pcap, three sections, each a "#section" line, then a header line, then rows' % (NAME, NAME))
out.append('#section ws: every frame of TCP port %s with SYN, FIN or RST set, or with HTTP or WebSocket content '
           '(tshark -d tcp.port==%s,http); several WebSocket frames in one segment are joined with |' % (WS_PORT, WS_PORT))
fields = ['frame.number', 'frame.time_epoch', 'frame.time_relative', 'ip.src', 'tcp.srcport', 'ip.dst', 'tcp.dstport',
          'tcp.stream', 'tcp.flags', 'tcp.flags.str', 'tcp.len', 'http.request.method', 'http.response.code',
          'websocket.opcode', 'websocket.fin', 'websocket.mask', 'websocket.payload.close.status_code',
          'websocket.payload.text']
rows = tshark('-d', 'tcp.port==%s,http' % WS_PORT,
              '-Y', 'tcp.port==%s && (tcp.flags.syn==1 || tcp.flags.fin==1 || tcp.flags.reset==1 || http || websocket)' % WS_PORT,
              '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=|', *sum((['-e', f] for f in fields), []))
out.append('\t'.join(fields))
out += rows

out.append('#section rtp: packets with RTP version 2 on the ICE ports (tshark -d udp.port==P,rtp for every UDP port), '
           'grouped by direction and SSRC; RTCP (payload types 200-206, muxed) counted under the sender SSRC with kind rtcp')
rtp_fields = ['frame.time_epoch', 'ip.src', 'udp.srcport', 'ip.dst', 'udp.dstport', 'rtp.ssrc', 'rtp.p_type', 'rtp.seq',
              'rtcp.pt', 'rtcp.senderssrc']
streams = collections.OrderedDict()
for r in tshark(*decode, '-Y', 'rtp.version==2 || rtcp.version==2', '-T', 'fields', '-E', 'occurrence=f',
                *sum((['-e', f] for f in rtp_fields), [])):
    ts, src, sport, dst, dport, ssrc, pt, seqno, rtcp_pt, sender = (r.split('\t') + [''] * 10)[:10]
    if rtcp_pt:
        key = (src + ':' + sport, dst + ':' + dport, sender, 'rtcp')
        pt, seqno = rtcp_pt, ''
    else:
        key = (src + ':' + sport, dst + ':' + dport, ssrc, 'rtp')
    s = streams.setdefault(key, {'count': 0, 'first': ts, 'last': ts, 'pts': collections.Counter(), 'seq_first': seqno,
                                 'seq_last': seqno})
    s['count'] += 1
    s['last'] = ts
    s['pts'][pt] += 1
    if seqno:
        s['seq_last'] = seqno
out.append('\t'.join(['src', 'dst', 'ssrc', 'kind', 'packets', 'first_epoch', 'last_epoch', 'payload_types', 'seq_first',
                      'seq_last']))
for (src, dst, ssrc, kind), s in streams.items():
    ssrc_dec = str(int(ssrc, 16)) + ' (' + ssrc + ')' if ssrc.startswith('0x') else ssrc
    out.append('\t'.join([src, dst, ssrc_dec, kind, str(s['count']), s['first'], s['last'],
                          ','.join('%s:%d' % kv for kv in sorted(s['pts'].items())), s['seq_first'], s['seq_last']]))

out.append('#section stun: STUN messages on the ICE ports grouped by direction, method/class and USERNAME '
           '(RECEIVER_UFRAG:SENDER_UFRAG, in clear in every Binding request)')
stun = collections.OrderedDict()
for r in tshark('-Y', 'stun', '-T', 'fields', '-E', 'occurrence=f', '-e', 'frame.time_epoch', '-e', 'ip.src', '-e',
                'udp.srcport', '-e', 'ip.dst', '-e', 'udp.dstport', '-e', 'stun.type', '-e', 'stun.att.username'):
    ts, src, sport, dst, dport, typ, user = (r.split('\t') + [''] * 7)[:7]
    key = (src + ':' + sport, dst + ':' + dport, typ, user)
    s = stun.setdefault(key, {'count': 0, 'first': ts, 'last': ts})
    s['count'] += 1
    s['last'] = ts
out.append('\t'.join(['src', 'dst', 'stun_type', 'username', 'packets', 'first_epoch', 'last_epoch']))
for (src, dst, typ, user), s in stun.items():
    out.append('\t'.join([src, dst, typ, user, str(s['count']), s['first'], s['last']]))

with open(os.path.join(OUT, NAME + '.tshark.tsv'), 'w') as f:
    f.write('\n'.join(out) + '\n')
