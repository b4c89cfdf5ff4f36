"""Derives the truth files of samples/webrtc-turn from what record.sh saved.

usage: python3 analyze.py OUT_DIR NAME [NAME ...]

For each NAME it reads NAME.pcap, NAME.turn.log (coturn's log), NAME.rawstats.json (the page's
getStats() of both RTCPeerConnections just before pc.close(), plus its event log), NAME.offer.sdp
and NAME.answer.sdp, and writes:
  NAME.stats.json       getStats condensed: candidate pairs with their candidates, the selected pair,
                        transport, outbound-rtp/inbound-rtp per SSRC, data channels
  NAME.turn.truth.json  per TURN allocation: client 5-tuple, relayed address, lifetime, Allocate /
                        Refresh / CreatePermission / ChannelBind transactions, Send/Data indications,
                        ChannelData per channel and direction, what is inside them (ICE checks, DTLS,
                        RTP per SSRC, RTCP); the relay-to-relay leg; coturn's own counters from its log;
                        and the cross-checks between the three sources
  NAME.tshark.tsv       tshark -T fields, one row per frame, plus an is_channeldata column
The pcap is parsed here with a small reader of its own (pcap, Ethernet, IPv4, UDP, TCP with in-order
reassembly, STUN/TURN/ChannelData framing), independent of tshark; tshark's counts are compared to it.
Standard library only (plus the tshark binary)."""
import collections
import json
import os
import re
import struct
import subprocess
import sys

SERVER = ('127.0.0.1', 3478)
RELAY_PORTS = range(49160, 49200)  # min-port/max-port of turnserver.conf
COOKIE = 0x2112A442
METHODS = {0x001: 'Binding', 0x003: 'Allocate', 0x004: 'Refresh', 0x006: 'Send', 0x007: 'Data',
           0x008: 'CreatePermission', 0x009: 'ChannelBind'}
CLASSES = {0: 'request', 1: 'indication', 2: 'success', 3: 'error'}
ATTR = {'MAPPED-ADDRESS': 0x0001, 'USERNAME': 0x0006, 'MESSAGE-INTEGRITY': 0x0008, 'ERROR-CODE': 0x0009,
        'CHANNEL-NUMBER': 0x000C, 'LIFETIME': 0x000D, 'XOR-PEER-ADDRESS': 0x0012, 'DATA': 0x0013,
        'REALM': 0x0014, 'NONCE': 0x0015, 'XOR-RELAYED-ADDRESS': 0x0016, 'REQUESTED-TRANSPORT': 0x0019,
        'XOR-MAPPED-ADDRESS': 0x0020, 'PRIORITY': 0x0024, 'USE-CANDIDATE': 0x0025,
        'ICE-CONTROLLED': 0x8029, 'ICE-CONTROLLING': 0x802A, 'FINGERPRINT': 0x8028}


# ---------------------------------------------------------------- pcap
def read_pcap(path):
    with open(path, 'rb') as f:
        data = f.read()
    magic = struct.unpack('<I', data[:4])[0]
    if magic == 0xA1B2C3D4:
        endian, scale = '<', 1e-6
    elif magic == 0xA1B23C4D:
        endian, scale = '<', 1e-9
    else:
        raise ValueError('not a little-endian pcap: %x' % magic)
    linktype = struct.unpack(endian + 'I', data[20:24])[0]
    assert linktype == 1, linktype
    off, n = 24, 0
    while off < len(data):
        sec, frac, incl, orig = struct.unpack(endian + 'IIII', data[off:off + 16])
        off += 16
        n += 1
        yield n, sec + frac * scale, data[off:off + incl]
        off += incl


def parse_frame(frame):
    """Returns (proto, src, sport, dst, dport, payload, tcp) or (proto, ...) for ICMP; None if not IPv4."""
    if struct.unpack('!H', frame[12:14])[0] != 0x0800:
        return None
    ip = frame[14:]
    ihl = (ip[0] & 15) * 4
    total = struct.unpack('!H', ip[2:4])[0]
    proto = ip[9]
    src, dst = '.'.join(map(str, ip[12:16])), '.'.join(map(str, ip[16:20]))
    body = ip[ihl:total]
    if proto == 17:
        sport, dport = struct.unpack('!HH', body[:4])
        return 'udp', src, sport, dst, dport, body[8:], None
    if proto == 6:
        sport, dport, seq, ack = struct.unpack('!HHII', body[:12])
        doff = (body[12] >> 4) * 4
        flags = body[13]
        return 'tcp', src, sport, dst, dport, body[doff:], {'seq': seq, 'flags': flags}
    if proto == 1:
        return 'icmp', src, None, dst, None, body, None
    return 'ip%d' % proto, src, None, dst, None, body, None


# ---------------------------------------------------------------- STUN / TURN / inner payloads
def xor_address(value, txid):
    family = value[1]
    port = struct.unpack('!H', value[2:4])[0] ^ (COOKIE >> 16)
    if family == 1:
        ip = struct.unpack('!I', value[4:8])[0] ^ COOKIE
        return '%s:%d' % ('.'.join(map(str, struct.pack('!I', ip))), port)
    return 'ipv6:%d' % port


def plain_address(value):
    port = struct.unpack('!H', value[2:4])[0]
    return '%s:%d' % ('.'.join(map(str, value[4:8])), port) if value[1] == 1 else 'ipv6:%d' % port


def parse_stun(msg):
    t, length, cookie = struct.unpack('!HHI', msg[:8])
    txid = msg[8:20]
    method = (t & 0x000F) | ((t & 0x00E0) >> 1) | ((t & 0x3E00) >> 2)
    cls = ((t & 0x0100) >> 7) | ((t & 0x0010) >> 4)
    attrs = []
    off = 20
    while off + 4 <= 20 + length:
        at, al = struct.unpack('!HH', msg[off:off + 4])
        attrs.append((at, msg[off + 4:off + 4 + al]))
        off += 4 + ((al + 3) & ~3)
    out = {'type': '0x%04x' % t, 'method': METHODS.get(method, '0x%03x' % method), 'class': CLASSES[cls],
           'txid': txid.hex(), 'attrs': attrs}
    return out


def attr(stun, name, all_=False):
    vals = [v for t, v in stun['attrs'] if t == ATTR[name]]
    return vals if all_ else (vals[0] if vals else None)


def classify(payload):
    """What a relayed payload is: ICE STUN, DTLS, RTP, RTCP (SRTP/SRTCP headers are in the clear)."""
    if not payload:
        return {'kind': 'empty'}
    b0 = payload[0]
    if b0 < 2 and len(payload) >= 20 and struct.unpack('!I', payload[4:8])[0] == COOKIE:
        s = parse_stun(payload)
        d = {'kind': 'stun', 'stun': s['method'] + ' ' + s['class'], 'txid': s['txid']}
        if attr(s, 'USE-CANDIDATE') is not None:
            d['use_candidate'] = True
        u = attr(s, 'USERNAME')
        if u is not None:
            d['username'] = u.decode('utf-8', 'replace')
        return d
    if 20 <= b0 <= 63:
        return {'kind': 'dtls', 'content_type': b0}
    if 128 <= b0 <= 191 and len(payload) >= 8:
        pt = payload[1]
        if 192 <= pt <= 223:
            return {'kind': 'rtcp', 'rtcp_pt': pt, 'ssrc': struct.unpack('!I', payload[4:8])[0]}
        if len(payload) >= 12:
            return {'kind': 'rtp', 'pt': pt & 0x7F, 'ssrc': struct.unpack('!I', payload[8:12])[0],
                    'seq': struct.unpack('!H', payload[2:4])[0]}
    return {'kind': 'other', 'first_byte': b0}


class InnerCounter:
    """Counts classified payloads: by kind, STUN by method/class, RTP/RTCP by SSRC."""

    def __init__(self):
        self.kinds = collections.Counter()
        self.stun = collections.Counter()
        self.rtp = collections.Counter()
        self.rtp_pt = collections.defaultdict(collections.Counter)
        self.rtcp = collections.Counter()
        self.use_candidate = 0
        self.txids = collections.Counter()

    def add(self, c):
        self.kinds[c['kind']] += 1
        if c['kind'] == 'stun':
            self.stun[c['stun']] += 1
            if c['stun'].endswith('request'):
                self.txids[c['txid']] += 1
            self.use_candidate += 1 if c.get('use_candidate') else 0
        elif c['kind'] == 'rtp':
            self.rtp[c['ssrc']] += 1
            self.rtp_pt[c['ssrc']][c['pt']] += 1
        elif c['kind'] == 'rtcp':
            self.rtcp[c['ssrc']] += 1

    def json(self):
        return {'total': sum(self.kinds.values()), 'by_kind': dict(self.kinds),
                'ice_stun': dict(sorted(self.stun.items())), 'ice_binding_requests_with_use_candidate': self.use_candidate,
                'ice_request_retransmissions': sum(n - 1 for n in self.txids.values()),
                'rtp_packets_by_ssrc': {str(k): v for k, v in sorted(self.rtp.items())},
                'rtp_payload_types_by_ssrc': {str(k): {str(p): n for p, n in sorted(v.items())} for k, v in sorted(self.rtp_pt.items())},
                'rtcp_packets_by_sender_ssrc': {str(k): v for k, v in sorted(self.rtcp.items())}}


# ---------------------------------------------------------------- messages on the wire
def split_tcp(buffer):
    """Splits a reassembled TURN-over-TCP byte stream: STUN messages (20 + length) and ChannelData
    (4 + length, padded to a multiple of 4 over TCP, RFC 8656 section 12.5). Returns (messages, rest)."""
    out, off = [], 0
    while len(buffer) - off >= 4:
        b0 = buffer[off]
        length = struct.unpack('!H', buffer[off + 2:off + 4])[0]
        if b0 < 0x40:
            size = 20 + length
        elif b0 < 0x80:
            size = 4 + ((length + 3) & ~3)
        else:
            raise ValueError('not STUN/ChannelData at stream offset %d: %02x' % (off, b0))
        if len(buffer) - off < size:
            break
        out.append((off, buffer[off:off + size]))
        off += size
    return out, buffer[off:]


def wire_messages(pcap):
    """Yields one dict per TURN-level message between a client and the server, per relay-leg datagram, per ICMP."""
    streams = {}
    for n, ts, frame in read_pcap(pcap):
        p = parse_frame(frame)
        if p is None:
            yield {'frame': n, 'time': ts, 'leg': 'non-ipv4'}
            continue
        proto, src, sport, dst, dport, payload, tcp = p
        if proto == 'icmp':
            yield {'frame': n, 'time': ts, 'leg': 'icmp', 'src': src, 'dst': dst, 'icmp_type': payload[0], 'icmp_code': payload[1]}
            continue
        a, b = (src, sport), (dst, dport)
        if proto == 'udp' and sport in RELAY_PORTS and dport in RELAY_PORTS:
            yield {'frame': n, 'time': ts, 'leg': 'relay', 'transport': 'udp', 'src': a, 'dst': b,
                   'inner': classify(payload), 'size': len(payload)}
            continue
        if SERVER not in (a, b):
            yield {'frame': n, 'time': ts, 'leg': 'unknown', 'transport': proto, 'src': a, 'dst': b}
            continue
        if proto == 'udp':
            yield from turn_message(n, ts, 'udp', a, b, payload, n)
            continue
        key = (a, b)
        st = streams.get(key)
        if tcp['flags'] & 0x02:  # SYN
            streams[key] = {'next': (tcp['seq'] + 1) & 0xFFFFFFFF, 'buf': b'', 'first': None, 'pending': {}}
            continue
        if st is None or not payload:
            continue
        st['pending'][tcp['seq']] = payload
        while True:
            seg = st['pending'].pop(st['next'], None)
            if seg is None:
                # drop retransmitted bytes we already have
                for s in list(st['pending']):
                    if (st['next'] - s) & 0xFFFFFFFF < 0x80000000:
                        seg0 = st['pending'].pop(s)
                        skip = (st['next'] - s) & 0xFFFFFFFF
                        if skip < len(seg0):
                            st['pending'][st['next']] = seg0[skip:]
                seg = st['pending'].pop(st['next'], None)
                if seg is None:
                    break
            if not st['buf']:
                st['first'] = n
            st['buf'] += seg
            st['next'] = (st['next'] + len(seg)) & 0xFFFFFFFF
        msgs, rest = split_tcp(st['buf'])
        for i, (off, m) in enumerate(msgs):
            first = st['first'] if i == 0 else n
            yield from turn_message(n, ts, 'tcp', a, b, m, first)
        if msgs:
            st['first'] = n if rest else None
        st['buf'] = rest


def turn_message(n, ts, transport, a, b, m, first_frame):
    to_server = b == SERVER
    client = a if to_server else b
    d = {'frame': n, 'first_frame': first_frame, 'time': ts, 'leg': 'client-server', 'transport': transport,
         'client': client, 'direction': 'client->server' if to_server else 'server->client', 'size': len(m)}
    if 0x40 <= m[0] < 0x80:
        channel, length = struct.unpack('!HH', m[:4])
        d.update(msg='ChannelData', channel=channel, length=length, padding=len(m) - 4 - length,
                 inner=classify(m[4:4 + length]))
    elif m[0] < 0x40 and len(m) >= 20 and struct.unpack('!I', m[4:8])[0] == COOKIE:
        s = parse_stun(m)
        d.update(msg='STUN', stun=s)
        data = attr(s, 'DATA')
        if data is not None:
            d['inner'] = classify(data)
    else:
        d.update(msg='unknown', first_byte=m[0])
    yield d


# ---------------------------------------------------------------- allocations
def addr(t):
    return '%s:%d' % t


def build_allocations(msgs):
    allocs = collections.OrderedDict()
    relay_legs = collections.OrderedDict()
    icmp = []
    unknown = []
    for d in msgs:
        if d['leg'] == 'relay':
            key = addr(d['src']) + ' -> ' + addr(d['dst'])
            leg = relay_legs.setdefault(key, {'src': addr(d['src']), 'dst': addr(d['dst']), 'first_frame': d['frame'],
                                              'packets': 0, 'bytes': 0, 'inner': InnerCounter()})
            leg['packets'] += 1
            leg['bytes'] += d['size']
            leg['last_frame'] = d['frame']
            leg['inner'].add(d['inner'])
            continue
        if d['leg'] == 'icmp':
            icmp.append({k: d[k] for k in ('frame', 'src', 'dst', 'icmp_type', 'icmp_code')})
            continue
        if d['leg'] != 'client-server':
            unknown.append({'frame': d['frame'], 'leg': d['leg']})
            continue
        c = d['client']
        key = '%s %s <-> %s' % (d['transport'], addr(c), addr(SERVER))
        al = allocs.get(key)
        if al is None:
            al = allocs[key] = {
                'client_5tuple': {'transport': d['transport'], 'client': addr(c), 'server': addr(SERVER)},
                'first_frame': d['frame'], 'first_time': d['time'],
                'messages': {'client->server': 0, 'server->client': 0},
                'bytes': {'client->server': 0, 'server->client': 0},
                'stun_by_type': collections.Counter(),
                'binding_to_server': {'requests': 0, 'success': 0, 'mapped_address': None},
                'allocate': {'requests': 0, 'requests_without_credentials': 0, 'responses': collections.Counter(),
                             'relayed_address': None, 'mapped_address': None, 'lifetime': None,
                             'requested_transport': None, 'frames': []},
                'refresh': {'requests': 0, 'requested_lifetimes': [], 'responses': collections.Counter(),
                            'granted_lifetimes': [], 'frames': []},
                'create_permission': {'requests': 0, 'peer_addresses': [], 'responses': collections.Counter(), 'frames': []},
                'channel_bind': {'requests': 0, 'bindings': [], 'responses': collections.Counter(), 'frames': []},
                'send_indications': {'count': 0, 'peers': collections.Counter(), 'inner': InnerCounter()},
                'data_indications': {'count': 0, 'peers': collections.Counter(), 'inner': InnerCounter()},
                'channeldata': {},
                'request_txids': collections.Counter(),
                'unknown': 0,
            }
        al['last_frame'] = d['frame']
        al['last_time'] = d['time']
        al['messages'][d['direction']] += 1
        al['bytes'][d['direction']] += d['size']
        if d['msg'] == 'ChannelData':
            ch = al['channeldata'].setdefault('0x%04x' % d['channel'], {
                'client->server': 0, 'server->client': 0, 'padded_messages': 0,
                'inner_client->server': InnerCounter(), 'inner_server->client': InnerCounter()})
            ch[d['direction']] += 1
            ch['padded_messages'] += 1 if d['padding'] else 0
            ch['inner_' + d['direction']].add(d['inner'])
            continue
        if d['msg'] != 'STUN':
            al['unknown'] += 1
            continue
        s = d['stun']
        name = s['method'] + ' ' + s['class']
        al['stun_by_type'][name] += 1
        if s['class'] == 'request':
            al['request_txids'][s['txid']] += 1
        code = None
        ec = attr(s, 'ERROR-CODE')
        if ec is not None:
            code = (ec[2] & 7) * 100 + ec[3]
        resp = s['class'] if code is None else 'error %d' % code
        m = s['method']
        if m == 'Binding':
            if s['class'] == 'request':
                al['binding_to_server']['requests'] += 1
            elif s['class'] == 'success':
                al['binding_to_server']['success'] += 1
                x = attr(s, 'XOR-MAPPED-ADDRESS')
                al['binding_to_server']['mapped_address'] = xor_address(x, s['txid']) if x else None
        elif m == 'Allocate':
            a = al['allocate']
            a['frames'].append(d['frame'])
            if s['class'] == 'request':
                a['requests'] += 1
                if attr(s, 'MESSAGE-INTEGRITY') is None:
                    a['requests_without_credentials'] += 1
                rt = attr(s, 'REQUESTED-TRANSPORT')
                a['requested_transport'] = {17: 'udp', 6: 'tcp'}.get(rt[0], rt[0]) if rt else None
            else:
                a['responses'][resp] += 1
                if s['class'] == 'success':
                    a['relayed_address'] = xor_address(attr(s, 'XOR-RELAYED-ADDRESS'), s['txid'])
                    x = attr(s, 'XOR-MAPPED-ADDRESS')
                    a['mapped_address'] = xor_address(x, s['txid']) if x else None
                    lt = attr(s, 'LIFETIME')
                    a['lifetime'] = struct.unpack('!I', lt)[0] if lt else None
        elif m == 'Refresh':
            r = al['refresh']
            r['frames'].append(d['frame'])
            lt = attr(s, 'LIFETIME')
            lt = struct.unpack('!I', lt)[0] if lt else None
            if s['class'] == 'request':
                r['requests'] += 1
                r['requested_lifetimes'].append(lt)
            else:
                r['responses'][resp] += 1
                if s['class'] == 'success':
                    r['granted_lifetimes'].append(lt)
        elif m == 'CreatePermission':
            p = al['create_permission']
            p['frames'].append(d['frame'])
            if s['class'] == 'request':
                p['requests'] += 1
                p['peer_addresses'].append([xor_address(v, s['txid']) for v in attr(s, 'XOR-PEER-ADDRESS', True)])
            else:
                p['responses'][resp] += 1
        elif m == 'ChannelBind':
            cb = al['channel_bind']
            cb['frames'].append(d['frame'])
            if s['class'] == 'request':
                cb['requests'] += 1
                ch = struct.unpack('!H', attr(s, 'CHANNEL-NUMBER')[:2])[0]
                cb['bindings'].append({'channel': '0x%04x' % ch, 'peer': xor_address(attr(s, 'XOR-PEER-ADDRESS'), s['txid']),
                                       'frame': d['frame']})
            else:
                cb['responses'][resp] += 1
        elif m in ('Send', 'Data'):
            ind = al['send_indications' if m == 'Send' else 'data_indications']
            ind['count'] += 1
            ind['peers'][xor_address(attr(s, 'XOR-PEER-ADDRESS'), s['txid'])] += 1
            ind['inner'].add(d['inner'])
    return allocs, relay_legs, icmp, unknown


def finish(obj):
    """Counters and InnerCounters to plain JSON."""
    if isinstance(obj, InnerCounter):
        return obj.json()
    if isinstance(obj, collections.Counter):
        return dict(sorted(obj.items()))
    if isinstance(obj, dict):
        return {k: finish(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [finish(v) for v in obj]
    return obj


# ---------------------------------------------------------------- coturn log
def parse_turn_log(path):
    sessions = collections.OrderedDict()
    last_relay = None
    for line in open(path, encoding='utf-8', errors='replace'):
        m = re.search(r'Local relay addr: (\S+)', line)
        if m:
            last_relay = m.group(1)
            continue
        m = re.search(r'session (\d+): (.*)', line)
        if not m:
            continue
        sid, text = m.groups()
        s = sessions.setdefault(sid, {'session': sid, 'client': None, 'relayed_address': None, 'lifetime': None,
                                      'processed': collections.Counter(), 'refreshed_lifetimes': [],
                                      'peer_lifetime_updates': [], 'usage': None, 'peer_usage': None, 'closed': None})
        if text.startswith('new,'):
            s['relayed_address'] = last_relay
            s['lifetime'] = int(re.search(r'lifetime=(\d+)', text).group(1))
        elif text.startswith('refreshed,'):
            s['refreshed_lifetimes'].append(int(re.search(r'lifetime=(\d+)', text).group(1)))
        mm = re.search(r'incoming packet (\S+) processed, (success|error \d+)', text)
        if mm:
            s['processed'][mm.group(1) + ' ' + mm.group(2)] += 1
        mm = re.search(r'peer (\S+) lifetime updated: (\d+)', text)
        if mm:
            s['peer_lifetime_updates'].append({'peer': mm.group(1), 'lifetime': int(mm.group(2))})
        mm = re.search(r'(peer usage|usage): .*rp=(\d+), rb=(\d+), sp=(\d+), sb=(\d+)', text)
        if mm:
            s['peer_usage' if mm.group(1) == 'peer usage' else 'usage'] = {
                'rp': int(mm.group(2)), 'rb': int(mm.group(3)), 'sp': int(mm.group(4)), 'sb': int(mm.group(5))}
        mm = re.search(r'closed \(2nd stage\).*remote (\S+), reason: (.*)', text)
        if mm:
            s['client'] = mm.group(1)
            s['closed'] = mm.group(2).strip()
    return [finish(s) for s in sessions.values()]


# ---------------------------------------------------------------- getStats
PAIR_FIELDS = ['id', 'transportId', 'state', 'nominated', 'priority', 'requestsSent', 'responsesReceived',
               'requestsReceived', 'responsesSent', 'consentRequestsSent', 'packetsSent', 'packetsReceived',
               'bytesSent', 'bytesReceived', 'currentRoundTripTime', 'totalRoundTripTime', 'availableOutgoingBitrate']
CAND_FIELDS = ['id', 'candidateType', 'address', 'port', 'protocol', 'relayProtocol', 'url', 'priority',
               'foundation', 'usernameFragment', 'transportId']
TRANSPORT_FIELDS = ['id', 'dtlsState', 'tlsVersion', 'dtlsRole', 'dtlsCipher', 'srtpCipher', 'iceRole', 'iceState',
                    'iceLocalUsernameFragment', 'selectedCandidatePairId', 'selectedCandidatePairChanges',
                    'packetsSent', 'packetsReceived', 'bytesSent', 'bytesReceived']
OUT_FIELDS = ['id', 'ssrc', 'kind', 'mid', 'rtxSsrc', 'packetsSent', 'bytesSent', 'headerBytesSent',
              'retransmittedPacketsSent', 'nackCount', 'framesSent', 'frameWidth', 'frameHeight', 'targetBitrate', 'active']
IN_FIELDS = ['id', 'ssrc', 'kind', 'mid', 'rtxSsrc', 'packetsReceived', 'bytesReceived', 'headerBytesReceived',
             'packetsLost', 'retransmittedPacketsReceived', 'nackCount', 'framesDecoded', 'frameWidth', 'frameHeight']
DC_FIELDS = ['id', 'label', 'protocol', 'dataChannelIdentifier', 'state', 'messagesSent', 'messagesReceived',
             'bytesSent', 'bytesReceived']


def pick(r, fields):
    return {f: r[f] for f in fields if f in r}


def condense_stats(raw):
    out = {'transport_to_turn': raw['transport'], 'media_ms_after_connected': raw['mediaMs'],
           'user_agent': raw['userAgent'], 'track_settings': raw['settings'], 'data_channel_messages': raw['dataChannel'],
           'peers': {}}
    for who, reports in raw['reports'].items():
        by = {r['id']: r for r in reports}

        def cand(cid):
            return pick(by[cid], CAND_FIELDS) if cid in by else {'id': cid}

        def codec(r):
            c = by.get(r.get('codecId'))
            return {'payloadType': c.get('payloadType'), 'mimeType': c.get('mimeType'),
                    'clockRate': c.get('clockRate')} if c else None

        pairs = []
        for r in reports:
            if r['type'] == 'candidate-pair':
                p = pick(r, PAIR_FIELDS)
                p['localCandidate'] = cand(r['localCandidateId'])
                p['remoteCandidate'] = cand(r['remoteCandidateId'])
                pairs.append(p)
        transports = [pick(r, TRANSPORT_FIELDS) for r in reports if r['type'] == 'transport']
        selected = [t.get('selectedCandidatePairId') for t in transports if t.get('selectedCandidatePairId')]
        outbound, inbound = [], []
        for r in reports:
            if r['type'] == 'outbound-rtp':
                o = pick(r, OUT_FIELDS)
                o['codec'] = codec(r)
                outbound.append(o)
            elif r['type'] == 'inbound-rtp':
                i = pick(r, IN_FIELDS)
                i['codec'] = codec(r)
                inbound.append(i)
        out['peers'][who] = {
            'role': 'offerer' if who == 'A' else 'answerer',
            'timestamp_ms': reports[0]['timestamp'] if reports else None,
            'candidate_pairs': pairs,
            'selected_candidate_pair': [p for p in pairs if p['id'] in selected],
            'local_candidates': [pick(r, CAND_FIELDS) for r in reports if r['type'] == 'local-candidate'],
            'remote_candidates': [pick(r, CAND_FIELDS) for r in reports if r['type'] == 'remote-candidate'],
            'transports': transports,
            'outbound_rtp': sorted(outbound, key=lambda o: o.get('mid', '')),
            'inbound_rtp': sorted(inbound, key=lambda o: o.get('mid', '')),
            'remote_inbound_rtp': [pick(r, ['id', 'ssrc', 'kind', 'packetsLost', 'roundTripTime', 'fractionLost'])
                                   for r in reports if r['type'] == 'remote-inbound-rtp'],
            'data_channels': [pick(r, DC_FIELDS) for r in reports if r['type'] == 'data-channel'],
        }
    out['events'] = raw['events']
    return out


# ---------------------------------------------------------------- tshark
TSHARK_FIELDS = ['frame.number', 'frame.time_epoch', 'ip.proto', 'ip.src', 'udp.srcport', 'tcp.srcport', 'ip.dst',
                 'udp.dstport', 'tcp.dstport', 'icmp.type', 'stun.type', 'stun.id', 'stun.att.channelnum', 'stun.channel']


def tshark_tsv(pcap, tsv):
    cmd = ['tshark', '-r', pcap, '-T', 'fields', '-E', 'header=y', '-E', 'separator=/t', '-E', 'occurrence=a',
           '-E', 'aggregator=,'] + sum((['-e', f] for f in TSHARK_FIELDS), [])
    res = subprocess.run(cmd, check=True, capture_output=True, text=True)
    lines = res.stdout.rstrip('\n').split('\n')
    rows = []
    with open(tsv, 'w') as f:
        f.write(lines[0] + '\tis_channeldata\n')
        for line in lines[1:]:
            cols = line.split('\t')
            row = dict(zip(TSHARK_FIELDS, cols))
            row['is_channeldata'] = '1' if row.get('stun.channel') else '0'
            f.write(line + '\t' + row['is_channeldata'] + '\n')
            rows.append(row)
    return rows


def tshark_summary(rows):
    stun = collections.Counter()
    chdata = collections.Counter()
    frames_stun = frames_cd = 0
    for r in rows:
        if r.get('icmp.type'):
            continue  # the STUN fields of an ICMP row belong to the quoted packet
        types = [t for t in r.get('stun.type', '').split(',') if t]
        for t in types:
            t = int(t, 16)
            method = (t & 0x000F) | ((t & 0x00E0) >> 1) | ((t & 0x3E00) >> 2)
            cls = ((t & 0x0100) >> 7) | ((t & 0x0010) >> 4)
            stun[METHODS.get(method, hex(method)) + ' ' + CLASSES[cls]] += 1
        frames_stun += 1 if types else 0
        chans = [c for c in r.get('stun.channel', '').split(',') if c]
        if chans:
            frames_cd += 1
            sport = r.get('udp.srcport') or r.get('tcp.srcport')
            direction = 'server->client' if sport == '3478' else 'client->server'
            client = r['ip.dst'] + ':' + (r.get('udp.dstport') or r.get('tcp.dstport')) if sport == '3478' \
                else r['ip.src'] + ':' + sport
            for c in chans:
                chdata['%s %s %s' % (c, direction, client)] += 1
    return {'frames': len(rows), 'frames_with_stun': frames_stun, 'frames_with_channeldata': frames_cd,
            'stun_messages_by_method_class': dict(sorted(stun.items())),
            'channeldata_by_channel_direction_client': dict(sorted(chdata.items()))}


# ---------------------------------------------------------------- main
def candidate_owner(raw):
    """relay port -> 'A'/'B' from the candidates each PC announced (includes unbundled ones)."""
    owner = {}
    for e in raw['events']:
        m = re.match(r'([AB]) candidate candidate:\S+ \d+ \S+ \d+ (\S+) (\d+) typ (\w+)', e['what'])
        if m:
            owner['%s:%s' % (m.group(2), m.group(3))] = m.group(1)
    return owner


def analyze(out_dir, name):
    p = lambda ext: os.path.join(out_dir, name + ext)
    raw = json.load(open(p('.rawstats.json')))
    stats = condense_stats(raw)
    json.dump(stats, open(p('.stats.json'), 'w'), indent=1)

    msgs = list(wire_messages(p('.pcap')))
    allocs, relay_legs, icmp, unknown = build_allocations(msgs)
    log_sessions = parse_turn_log(p('.turn.log'))
    owner = candidate_owner(raw)
    selected_local = {}
    for who, peer in stats['peers'].items():
        for pair in peer['selected_candidate_pair']:
            lc = pair['localCandidate']
            selected_local['%s:%s' % (lc.get('address'), lc.get('port'))] = who

    allocations, other_flows = [], []
    for key, al in allocs.items():
        al = finish(al)
        if not al['allocate']['requests']:
            # a socket of a transport that bundling discarded: one Binding to the server, then closed
            other_flows.append({k: al[k] for k in ('client_5tuple', 'first_frame', 'last_frame', 'messages',
                                                    'stun_by_type', 'binding_to_server')})
            continue
        txids = al.pop('request_txids')
        al['retransmitted_requests'] = {t: n - 1 for t, n in txids.items() if n > 1}
        relayed = al['allocate']['relayed_address']
        al['peer_connection'] = owner.get(relayed)
        al['used_for_media'] = relayed in selected_local
        al['log_session'] = next((s for s in log_sessions
                                  if s['client'] == al['client_5tuple']['client'] and s['relayed_address'] == relayed), None)
        # cross-check with coturn's own counters: usage rp/sp = packets on the client connection,
        # peer usage rp/sp = packets received from / sent to peers on the relayed address
        ls = al['log_session']
        if ls and ls['usage']:
            rp_from_relay = sum(l['packets'] for l in relay_legs.values() if l['dst'] == relayed)
            sp_from_relay = sum(l['packets'] for l in relay_legs.values() if l['src'] == relayed)
            al['check_against_coturn_log'] = {
                'client_to_server_messages_on_wire': al['messages']['client->server'], 'coturn_usage_rp': ls['usage']['rp'],
                'server_to_client_messages_on_wire': al['messages']['server->client'], 'coturn_usage_sp': ls['usage']['sp'],
                'relay_packets_received_on_wire': rp_from_relay, 'coturn_peer_usage_rp': ls['peer_usage']['rp'] if ls['peer_usage'] else None,
                'relay_packets_sent_on_wire': sp_from_relay, 'coturn_peer_usage_sp': ls['peer_usage']['sp'] if ls['peer_usage'] else None,
            }
        allocations.append(al)

    legs = []
    for key, leg in relay_legs.items():
        leg = finish(leg)
        leg['from_peer_connection'] = owner.get(leg['src'])
        leg['to_peer_connection'] = owner.get(leg['dst'])
        legs.append(leg)

    rows = tshark_tsv(p('.pcap'), p('.tshark.tsv'))
    ts = tshark_summary(rows)
    mine_stun = collections.Counter()
    mine_cd = collections.Counter()
    for al in allocations + other_flows:
        for k, v in al['stun_by_type'].items():
            mine_stun[k] += v
        for ch, c in al.get('channeldata', {}).items():
            for d in ('client->server', 'server->client'):
                if c[d]:
                    mine_cd['%s %s %s' % (ch, d, al['client_5tuple']['client'])] += c[d]
    for leg in legs:
        for k, v in leg['inner']['ice_stun'].items():
            mine_stun[k] += v
    truth = {
        'name': name,
        'pcap': name + '.pcap',
        'transport_client_to_server': raw['transport'],
        'turn_server': addr(SERVER),
        'relay_port_range': [RELAY_PORTS.start, RELAY_PORTS.stop - 1],
        'packets_in_pcap': len(msgs) - sum(1 for m in msgs if m.get('first_frame') not in (None, m['frame'])),
        'allocations': allocations,
        'client_flows_without_allocation': other_flows,
        'relay_legs': legs,
        'icmp': icmp,
        'unclassified_frames': unknown,
        'coturn_log_sessions': log_sessions,
        'tshark_summary': ts,
        'check_against_tshark': {
            'stun_messages_by_method_class_mine': dict(sorted(mine_stun.items())),
            'stun_equal': dict(sorted(mine_stun.items())) == ts['stun_messages_by_method_class'],
            'channeldata_mine': dict(sorted(mine_cd.items())),
            'channeldata_equal': dict(sorted(mine_cd.items())) == ts['channeldata_by_channel_direction_client'],
        },
    }
    truth.pop('packets_in_pcap')
    truth['summary'] = summarize(truth, stats)
    json.dump(truth, open(p('.turn.truth.json'), 'w'), indent=1)
    return truth, stats


def summarize(truth, stats):
    """The numbers an analyzer must reproduce, per peer connection and per SSRC, wire beside getStats."""
    out = {'allocations': [], 'peers': {}, 'ssrcs': {}}
    for al in truth['allocations']:
        out['allocations'].append({
            'peer_connection': al['peer_connection'], 'client': al['client_5tuple']['transport'] + ' ' + al['client_5tuple']['client'],
            'relayed_address': al['allocate']['relayed_address'], 'lifetime': al['allocate']['lifetime'],
            'used_for_media': al['used_for_media'], 'allocate_requests': al['allocate']['requests'],
            'allocate_responses': al['allocate']['responses'], 'refresh_requested_lifetimes': al['refresh']['requested_lifetimes'],
            'create_permission_peers': al['create_permission']['peer_addresses'],
            'channel_bindings': [{k: b[k] for k in ('channel', 'peer')} for b in al['channel_bind']['bindings']],
            'send_indications': al['send_indications']['count'], 'data_indications': al['data_indications']['count'],
            'channeldata': {ch: {d: c[d] for d in ('client->server', 'server->client')} for ch, c in al['channeldata'].items()},
            'messages': al['messages']})
    media = {al['peer_connection']: al for al in truth['allocations'] if al['used_for_media']}
    for who, peer in stats['peers'].items():
        al = media.get(who)
        pair = peer['selected_candidate_pair'][0] if peer['selected_candidate_pair'] else {}
        wire = {'binding_requests_sent': 0, 'binding_responses_sent': 0, 'binding_requests_received': 0,
                'binding_responses_received': 0, 'request_retransmissions': 0}
        if al:
            for inner, d in ((al['send_indications']['inner'], 'sent'), (al['data_indications']['inner'], 'received')):
                wire['binding_requests_' + d] += inner['ice_stun'].get('Binding request', 0)
                wire['binding_responses_' + d] += inner['ice_stun'].get('Binding success', 0)
                wire['request_retransmissions'] += inner['ice_request_retransmissions'] if d == 'sent' else 0
            for c in al['channeldata'].values():
                for inner, d in ((c['inner_client->server'], 'sent'), (c['inner_server->client'], 'received')):
                    wire['binding_requests_' + d] += inner['ice_stun'].get('Binding request', 0)
                    wire['binding_responses_' + d] += inner['ice_stun'].get('Binding success', 0)
                    wire['request_retransmissions'] += inner['ice_request_retransmissions'] if d == 'sent' else 0
        out['peers'][who] = {
            'client_host_address': al['client_5tuple']['client'] if al else None,
            'relayed_address': al['allocate']['relayed_address'] if al else None,
            'channels_bound': [b['channel'] + ' -> ' + b['peer'] for b in al['channel_bind']['bindings']] if al else [],
            'selected_pair': (pair.get('localCandidate', {}).get('port'), pair.get('remoteCandidate', {}).get('port')),
            'ice_checks_getstats': {k: pair.get(k) for k in ('requestsSent', 'responsesReceived', 'requestsReceived',
                                                             'responsesSent', 'consentRequestsSent')},
            'ice_checks_on_client_leg': wire}
    legs = {(l['from_peer_connection'], l['to_peer_connection']): l for l in truth['relay_legs']}
    for who, peer in stats['peers'].items():
        other = 'B' if who == 'A' else 'A'
        for o in peer['outbound_rtp']:
            inb = next((i for i in stats['peers'][other]['inbound_rtp'] if i['ssrc'] == o['ssrc']), {})
            for ssrc, role in ((o['ssrc'], 'media'), (o.get('rtxSsrc'), 'rtx')):
                if ssrc is None:
                    continue
                k = str(ssrc)

                def cd(al, d):
                    return sum(c['inner_' + d]['rtp_packets_by_ssrc'].get(k, 0) for c in al['channeldata'].values()) if al else None
                leg = legs.get((who, other))
                out['ssrcs'][k] = {
                    'sender': who, 'receiver': other, 'kind': o['kind'], 'mid': o.get('mid'), 'role': role,
                    'media_ssrc': o['ssrc'],
                    'getstats_sender_packetsSent': o.get('packetsSent') if role == 'media' else None,
                    'note': 'getStats counts the RTX SSRC packets in the media SSRC packetsSent/packetsReceived'
                            if role == 'media' and o.get('rtxSsrc') else None,
                    'getstats_receiver_packetsReceived': inb.get('packetsReceived') if role == 'media' else None,
                    'getstats_receiver_retransmittedPacketsReceived': inb.get('retransmittedPacketsReceived') if role == 'media' else None,
                    'codec_in_getstats': o.get('codec') if role == 'media' else None,
                    'payload_types_on_wire': leg['inner']['rtp_payload_types_by_ssrc'].get(k) if leg else None,
                    'rtp_on_wire': {'sender->server (ChannelData)': cd(media.get(who), 'client->server'),
                                    'relay->relay': leg['inner']['rtp_packets_by_ssrc'].get(k, 0) if leg else None,
                                    'server->receiver (ChannelData)': cd(media.get(other), 'server->client')},
                    'rtcp_from_this_ssrc_on_relay_leg': leg['inner']['rtcp_packets_by_sender_ssrc'].get(k, 0) if leg else None}
    return out


def main():
    out_dir = sys.argv[1]
    for name in sys.argv[2:]:
        if not os.path.exists(os.path.join(out_dir, name + '.pcap')):
            print(name + ': no capture, skipped')
            continue
        truth, stats = analyze(out_dir, name)
        c = truth['check_against_tshark']
        print('%s: %d allocations, %d relay legs, tshark agrees on STUN: %s, on ChannelData: %s' % (
            name, len(truth['allocations']), len(truth['relay_legs']), c['stun_equal'], c['channeldata_equal']))


if __name__ == '__main__':
    main()
