"""Prints the timeline of one recording (Markdown) from its truth files, for the README.
Times are seconds after the capture's first packet (the "t" an analyzer shows).
Usage: python3 timeline.py DIR NAME      (for example: python3 timeline.py samples/webrtc-reneg webrtc-reneg-tracks)"""
import json
import os
import subprocess
import sys

DIR, NAME = sys.argv[1], sys.argv[2]
base = os.path.join(DIR, NAME)
pages = [json.loads(l) for l in open(base + '.pages.jsonl')]
sig = [json.loads(l) for l in open(base + '.signalling.jsonl')]
stats = json.load(open(base + '.stats.json'))
sections, cur = {}, None
for l in open(base + '.tshark.tsv'):
    l = l.rstrip('\n')
    if l.startswith('#section '):
        cur = l.split()[1].rstrip(':')
        sections[cur] = []
    elif cur and not l.startswith('#'):
        sections[cur].append(l.split('\t'))
ws_rows = sections['ws'][1:]
first = float(subprocess.run(['tshark', '-r', base + '.pcap', '-c', '1', '-T', 'fields', '-e', 'frame.time_epoch'],
                             capture_output=True, text=True, check=True).stdout.strip())
info = subprocess.run(['capinfos', '-c', '-u', '-s', base + '.pcap'], capture_output=True, text=True).stdout
rel = lambda ts: '%.3f' % (float(ts) - first)
print('### %s.pcap' % NAME)
print()
print('First packet at epoch %.6f (t=0 below); T0 of record.sh = %.6f = t %s.' % (first, stats['t0'], rel(stats['t0'])))
print('```')
print(info.strip())
print('```')
print()

# SSRC -> owner
owner = {}
for e in pages:
    if e['event'] in ('offer-sent', 'answer-sent'):
        for m in e['mlines']:
            for i, s in enumerate(m['ssrcs']):
                owner[s] = '%s mid %s %s%s (msid stream %s)' % (e['page'], m['mid'], m['kind'],
                                                              ' RTX' if i == 1 else '', (m['msid'] or '-').split(' ')[0][:8])

print('Signalling connections (server 127.0.0.1:%s):' % ws_rows[0][6] if ws_rows else '')
print()
for e in sig:
    if e['event'] in ('server-start', 'server-stop'):
        print('- t %s %s (pid %s)' % (rel(e['ts']), e['event'], e['pid']))
    elif e['event'] == 'joined':
        print('- t %s conn %s from %s joined as %s' % (rel(e['ts']), e['conn'], e['client'], e['name']))
    elif e['event'] == 'conn-close':
        print('- t %s conn %s (%s, %s) closed by %s, code %s' % (rel(e['ts']), e['conn'], e['client'], e['name'], e['by'], e['code']))
print()

print('Offer/answer rounds (frame = the WebSocket frame page -> server, then server -> peer):')
print()
sdp_frames = [r for r in ws_rows if r[17].startswith('{"type":"offer"') or r[17].startswith('{"type":"answer"')]
k = 0
for e in pages:
    if e['event'] not in ('offer-sent', 'answer-sent'):
        continue
    fr = sdp_frames[k:k + 2]
    k += 2
    print('- round %d %s by %s at t %s (frames %s), ice-ufrag %s, BUNDLE %s:' % (
        e['round'], e['event'].split('-')[0], e['page'], rel(e['ts']), ' and '.join(f[0] for f in fr),
        e['ice_ufrag'], ' '.join(e['bundle'] or [])))
    for m in e['mlines']:
        print('  - mid %s %s port %s %s msid %s ssrcs %s' % (m['mid'], m['kind'], m['port'], m['direction'],
                                                          m['msid'] or '-', ' '.join(map(str, m['ssrcs'])) or '-'))
print()

print('Page events:')
print()
keep = ('track-added', 'track-removed', 'restartIce', 'ws-close', 'ws-connect-result', 'hangup', 'negotiationneeded',
        'remote-track-added', 'remote-track-ended')
for e in pages:
    if e['event'] in keep:
        extra = {x: e[x] for x in ('n', 'result', 'code', 'kind', 'mid', 'label', 'stream', 'local_ufrag', 'remote_ufrag', 'why')
                 if x in e and e[x] is not None}
        print('- t %s %s %s %s' % (rel(e['ts']), e['page'], e['event'], json.dumps(extra)))
    elif e['event'] in ('connectionState', 'iceConnectionState'):
        print('- t %s %s %s -> %s' % (rel(e['ts']), e['page'], e['event'], e['state']))
print()

print('TCP SYN / RST / FIN on the signalling port:')
print()
for r in ws_rows:
    flags = int(r[8], 16)
    if flags & 0x07 or (flags & 0x02):
        print('- frame %s t %s %s:%s -> %s:%s %s' % (r[0], rel(r[1]), r[3], r[4], r[5], r[6], r[9].replace('\u00b7', '.')))
print()

print('RTP/RTCP per direction and SSRC (from the tshark section):')
print()
print('| src -> dst | SSRC | owner | kind | packets | t first | t last | PT:count |')
print('|---|---|---|---|---:|---:|---:|---|')
for r in sections['rtp'][1:]:
    ssrc = int(r[2].split()[0])
    print('| %s -> %s | %s | %s | %s | %s | %s | %s | %s |' % (r[0], r[1], r[2], owner.get(ssrc, '?'), r[3], r[4],
                                                             rel(r[5]), rel(r[6]), r[7]))
print()
print('STUN per direction and USERNAME:')
print()
print('| src -> dst | type | USERNAME | packets | t first | t last |')
print('|---|---|---|---:|---:|---:|')
for r in sections['stun'][1:]:
    print('| %s -> %s | %s | %s | %s | %s | %s |' % (r[0], r[1], r[2], r[3] or '-', r[4], rel(r[5]), rel(r[6])))
print()
print('getStats() snapshots:')
print()
for p in ('alice', 'bob'):
    for s in stats[p]:
        sp = s['selected_candidate_pair'] or {}
        print('- %s %s t %s ufrag local %s remote %s; pair %s -> %s req sent/recv %s/%s resp sent/recv %s/%s; out %s; in %s' % (
            p, s['label'], rel(s['ts']), s['local_ufrag'], s['remote_ufrag'],
            sp.get('local', {}).get('port'), sp.get('remote', {}).get('port'), sp.get('requestsSent'),
            sp.get('requestsReceived'), sp.get('responsesSent'), sp.get('responsesReceived'),
            ', '.join('%s %s mid %s: %s' % (o['ssrc'], o['kind'], o['mid'], o['packetsSent']) for o in s['outbound_rtp']),
            ', '.join('%s %s mid %s: %s' % (o['ssrc'], o['kind'], o['mid'], o['packetsReceived']) for o in s['inbound_rtp'])))
