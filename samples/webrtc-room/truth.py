"""Builds the truth files of samples/webrtc-room from what record.sh collected.

Usage: python3 truth.py OUT_DIR NAME WS_PORT SCHEDULE_JSON

Reads OUT_DIR/stats-{alice,bob,carol}.json (each page's getStats() and timeline), the server log
NAME.signalling.jsonl and the capture NAME.pcap; writes
  NAME.stats.json   schedule, per peer and connection getStats(), page timelines (t = seconds after
                    alice's join) and a "sessions" list: the three mesh connections with 5-tuples
                    and ufrags as both ends saw them
  NAME.tshark.tsv   tshark fields of every WebSocket frame on WS_PORT (text payloads included)
  NAME.stun.tsv     tshark STUN Binding requests and responses summed per direction of a 5-tuple
and prints a short summary.
"""
import collections
import json
import os
import subprocess
import sys

OUT, NAME, WS_PORT, SCHEDULE = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
PEERS = ['alice', 'bob', 'carol']
schedule = json.load(open(SCHEDULE))
T0 = schedule['t0_ms'] / 1000.0
pcap = os.path.join(OUT, NAME + '.pcap')


def rel(ts):
    return round(ts - T0, 6)


def tshark(args):
    out = subprocess.run(['tshark', '-r', pcap] + args, check=True, capture_output=True, text=True).stdout
    return [line.split('\t') for line in out.splitlines() if line]


# --- stats.json ---------------------------------------------------------------------------------
peers = {}
for p in PEERS:
    d = json.load(open(os.path.join(OUT, 'stats-%s.json' % p)))
    for e in d['timeline']:
        e['t'] = rel(e['ts'])
    for c in d['connections'].values():
        c['t'] = rel(c['taken'])
    peers[p] = {'address': schedule['peers'][p]['address'],
                'join_t': (schedule['peers'][p]['join'] / 1000.0) - T0,
                'leave_t': (schedule['peers'][p]['leave'] / 1000.0) - T0,
                'connections': d['connections'], 'timeline': d['timeline']}


def first(p, event, **match):
    for e in peers[p]['timeline']:
        if e['event'] == event and all(e.get(k) == v for k, v in match.items()):
            return e
    return None


sessions = []
for a, b in (('alice', 'bob'), ('alice', 'carol'), ('bob', 'carol')):
    ca, cb = peers[a]['connections'][b], peers[b]['connections'][a]
    offerer, answerer = (a, b) if ca['role'] == 'offerer' else (b, a)
    co = peers[offerer]['connections'][answerer]
    cans = peers[answerer]['connections'][offerer]
    sel = co['selected_pair']
    five = None
    if sel:
        five = {'protocol': 'udp', 'offerer': '%s:%d' % (sel['local']['address'], sel['local']['port']),
                'answerer': '%s:%d' % (sel['remote']['address'], sel['remote']['port'])}
    sent = first(offerer, 'offer-sent', remote=answerer)
    conn_o = first(offerer, 'connectionState', remote=answerer, state='connected')
    closes = [first(x, 'pc-closed', remote=y) for x, y in ((offerer, answerer), (answerer, offerer))]
    sessions.append({
        'pair': [a, b], 'offerer': offerer, 'answerer': answerer, 'five_tuple': five,
        'ice_ufrag': {offerer: co['local_ufrag'], answerer: cans['local_ufrag']},
        'ice_username_offerer_to_answerer': '%s:%s' % (cans['local_ufrag'], co['local_ufrag']),
        'ice_username_answerer_to_offerer': '%s:%s' % (co['local_ufrag'], cans['local_ufrag']),
        'dtls': {offerer: co['transport'] and co['transport'].get('dtlsRole'),
                 answerer: cans['transport'] and cans['transport'].get('dtlsRole'),
                 'tlsVersion': (cans['transport'] or {}).get('tlsVersion') or (co['transport'] or {}).get('tlsVersion')},
        'offer_sent_t': sent and sent['t'],
        'connected_t': conn_o and conn_o['t'],
        'closed_t': {x: c and c['t'] for x, c in zip((offerer, answerer), closes)},
        'closed_why': {x: c and c['why'] for x, c in zip((offerer, answerer), closes)},
        'ssrcs': {x: sorted(o['ssrc'] for o in peers[x]['connections'][y]['outbound_rtp'])
                  for x, y in ((offerer, answerer), (answerer, offerer))},
    })

stats = {'description': 'getStats() of every RTCPeerConnection taken just before it was closed, per peer and '
                        'remote peer; page timelines with epoch ts and t = seconds after t0 (alice joins)',
         't0': T0, 'room': 'lab', 'schedule': schedule, 'sessions': sessions, 'peers': peers}
with open(os.path.join(OUT, NAME + '.stats.json'), 'w') as f:
    json.dump(stats, f, indent=1)

# --- tshark.tsv: WebSocket frames ---------------------------------------------------------------
ws_fields = ['frame.number', 'frame.time_epoch', 'ip.src', 'tcp.srcport', 'ip.dst', 'tcp.dstport', 'tcp.stream',
             'websocket.fin', 'websocket.opcode', 'websocket.mask', 'websocket.payload_length',
             'websocket.payload_length_ext_16', 'websocket.payload.close.status_code', 'websocket.payload.text']
rows = tshark(['-d', 'tcp.port==%s,http' % WS_PORT, '-Y', 'websocket', '-T', 'fields', '-E', 'occurrence=a',
               '-E', 'aggregator=|'] + sum((['-e', x] for x in ws_fields), []))
with open(os.path.join(OUT, NAME + '.tshark.tsv'), 'w') as f:
    f.write('# tshark -r %s.pcap -d tcp.port==%s,http -Y websocket -T fields (one row per packet carrying '
            'WebSocket frames; several frames in one packet are joined with |)\n' % (NAME, WS_PORT))
    f.write('\t'.join(ws_fields) + '\n')
    for r in rows:
        f.write('\t'.join(r) + '\n')
ws_frames = rows

# --- stun.tsv: STUN per direction of a 5-tuple --------------------------------------------------
st_fields = ['frame.time_epoch', 'ip.src', 'udp.srcport', 'ip.dst', 'udp.dstport', 'stun.type', 'stun.att.username',
             'stun.att.type']
rows = tshark(['-Y', 'stun', '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=,']
              + sum((['-e', x] for x in st_fields), []))
summary = collections.OrderedDict()
for r in rows:
    r += [''] * (len(st_fields) - len(r))
    ts, src, sport, dst, dport, typ, user, atts = r
    atts = [int(a, 0) for a in atts.split(',') if a]
    usecand, ctl, ctd = 0x0025 in atts, 0x802a in atts, 0x8029 in atts
    key = ('udp', src, sport, dst, dport)
    s = summary.setdefault(key, {'requests': 0, 'success': 0, 'error': 0, 'other': 0, 'use_candidate': 0,
                                 'usernames': [], 'role': '', 'first': ts, 'last': ts})
    t = int(typ, 0) if typ else -1
    if t == 0x0001:
        s['requests'] += 1
        if user and user not in s['usernames']:
            s['usernames'].append(user)
        if usecand:
            s['use_candidate'] += 1
        s['role'] = 'controlling' if ctl else 'controlled' if ctd else s['role']
    elif t == 0x0101:
        s['success'] += 1
    elif t == 0x0111:
        s['error'] += 1
    else:
        s['other'] += 1
    s['last'] = ts
with open(os.path.join(OUT, NAME + '.stun.tsv'), 'w') as f:
    f.write('# tshark -r %s.pcap -Y stun: STUN messages summed per direction (src -> dst) of each UDP 5-tuple; '
            'requests = Binding Request (0x0001), success = Binding Success Response (0x0101), '
            'usernames = USERNAME of the requests (remote ufrag:local ufrag of the sender)\n' % NAME)
    f.write('\t'.join(['proto', 'src', 'sport', 'dst', 'dport', 'binding_requests', 'binding_success', 'binding_error',
                       'other', 'use_candidate', 'ice_role', 'usernames', 'first_epoch', 'last_epoch']) + '\n')
    for key, s in summary.items():
        f.write('\t'.join(list(key) + [str(s[k]) for k in ('requests', 'success', 'error', 'other', 'use_candidate')] +
                          [s['role'], ','.join(s['usernames']), s['first'], s['last']]) + '\n')

# --- rtp.tsv: SRTP/SRTCP headers per direction and SSRC (headers are in the clear) ------------------
ports = sorted({x['five_tuple']['answerer'].rsplit(':', 1)[1] for x in sessions if x['five_tuple']})
decode = sum((['-d', 'udp.port==%s,rtp' % port] for port in ports), [])
rtp_fields = ['frame.time_epoch', 'ip.src', 'udp.srcport', 'ip.dst', 'udp.dstport', 'rtp.ssrc', 'rtp.p_type', 'rtp.seq',
              'rtp.marker']
rows = tshark(decode + ['-Y', 'rtp && rtp.version == 2', '-T', 'fields'] + sum((['-e', x] for x in rtp_fields), []))
streams = collections.OrderedDict()
for ts, src, sport, dst, dport, ssrc, pt, seq, marker in rows:
    key = (src, sport, dst, dport, int(ssrc, 16), pt)
    st = streams.setdefault(key, {'packets': 0, 'first': ts, 'last': ts, 'seq_first': seq, 'seq_last': seq})
    st['packets'] += 1
    st['last'], st['seq_last'] = ts, seq
rtcp = collections.Counter()
for r in tshark(decode + ['-Y', 'rtcp', '-T', 'fields', '-e', 'ip.src', '-e', 'udp.srcport', '-e', 'ip.dst', '-e', 'udp.dstport']):
    rtcp[tuple(r)] += 1
owner = {}  # ssrc -> (sender, receiver, kind, role of the ssrc) from getStats
for p in PEERS:
    for remote, c in peers[p]['connections'].items():
        for o in c['outbound_rtp']:
            owner[o['ssrc']] = (p, remote, o['kind'], 'media')
            if o.get('rtxSsrc'):
                owner[o['rtxSsrc']] = (p, remote, o['kind'], 'rtx')
with open(os.path.join(OUT, NAME + '.rtp.tsv'), 'w') as f:
    f.write('# tshark -r %s.pcap %s -Y rtp: SRTP packets per direction, SSRC and payload type (RTCP muxed on the '
            'same 5-tuple counted in the rtcp table below); sender/receiver/kind/stream from getStats '
            '(rtx = the RTX SSRC of a video stream: retransmissions and padding probes)\n' % (NAME, ' '.join(decode)))
    f.write('\t'.join(['src', 'sport', 'dst', 'dport', 'ssrc', 'ssrc_hex', 'payload_type', 'packets', 'seq_first',
                       'seq_last', 'first_epoch', 'last_epoch', 'sender', 'receiver', 'kind', 'stream']) + '\n')
    for (src, sport, dst, dport, ssrc, pt), st in streams.items():
        who = owner.get(ssrc, ('', '', '', ''))
        f.write('\t'.join([src, sport, dst, dport, str(ssrc), '0x%08x' % ssrc, pt, str(st['packets']), st['seq_first'],
                           st['seq_last'], st['first'], st['last']] + list(who)) + '\n')
    f.write('# rtcp\nsrc\tsport\tdst\tdport\trtcp_packets\n')
    for key, n in rtcp.items():
        f.write('\t'.join(list(key) + [str(n)]) + '\n')

# --- summary ------------------------------------------------------------------------------------
print('t0 (alice joins) = %.3f' % T0)
for s in sessions:
    print('%s-%s offerer %s %s <-> %s ufrags %s connected t=%s closed %s' % (
        s['pair'][0], s['pair'][1], s['offerer'], s['five_tuple'] and s['five_tuple']['offerer'],
        s['five_tuple'] and s['five_tuple']['answerer'], s['ice_ufrag'], s['connected_t'], s['closed_t']))
print('WebSocket packets with frames: %d; STUN directions: %d' % (len(ws_frames), len(summary)))
