#!/usr/bin/env python3
"""Counts from a NAME.tshark.tsv (see tsv.sh): connections, who sent FIN/RST, Dubbo frames by kind and
status, unanswered requests and heartbeats. Used to write README.md; independent of callscope.
  python3 samples/dubbo-failures/summarize.py samples/dubbo-failures/dubbo-late-response.tshark.tsv"""
import csv, sys, collections
rows = list(csv.DictReader(open(sys.argv[1]), delimiter='\t'))
t0 = float(rows[0]['frame.time_epoch'])
c = collections.Counter()
conns = collections.OrderedDict()
req, resp, hb_req, hb_resp = {}, {}, {}, {}
for r in rows:
    s, sport, dport, fl = r['tcp.stream'], r['tcp.srcport'], r['tcp.dstport'], r['tcp.flags.str']
    side = 'provider' if sport == '20880' else 'consumer'
    t = float(r['frame.time_epoch']) - t0
    cn = conns.setdefault(s, {'port': sport if side == 'consumer' else dport, 'events': []})
    if 'S' in fl and 'A' not in fl:
        cn['events'].append(f"SYN {t:.3f}")
    if 'F' in fl:
        cn['events'].append(f"FIN from {side} {t:.3f} (frame {r['frame.number']})")
    if 'R' in fl:
        cn['events'].append(f"RST from {side} {t:.3f} (frame {r['frame.number']})")
    if not r['dubbo.req_id']:
        continue
    f = lambda k: r[k].split(',')
    for i, rid in enumerate(f('dubbo.req_id')):
        isreq, ev, st = f('dubbo.is_request')[i] == '1', f('dubbo.event')[i] == '1', None
        if isreq and ev:
            c['heartbeat_req'] += 1; hb_req[rid] = (t, s)
        elif ev:
            c['heartbeat_resp'] += 1; hb_resp[rid] = (t, s)
        elif isreq:
            c['request'] += 1; req[rid] = (t, s, f('dubbo.method')[i], f('dubbo.timeout')[i] if r['dubbo.timeout'] else '')
        else:
            # dubbo.status has one value per response frame in the packet, after the requests' none
            resp[rid] = (t, s)
for r in rows:
    if r['dubbo.status']:
        for st in r['dubbo.status'].split(','):
            c[f'status_{st}'] += 1
print('frames:', dict(sorted(c.items())))
for s, cn in conns.items():
    print(f"conn {s} consumer port {cn['port']}: " + '; '.join(cn['events']))
late = [(rid, req[rid], resp[rid][0] - req[rid][0]) for rid in req if rid in resp]
print('requests answered:', len(late), 'unanswered:', [ (req[rid][2], round(req[rid][0],3), 'conn', req[rid][1]) for rid in req if rid not in resp])
print('slowest answers (s):', sorted([(round(d, 3), v[2]) for rid, v, d in late], reverse=True)[:3])
print('heartbeats: sent', len(hb_req), 'answered', sum(1 for k in hb_req if k in hb_resp),
      'unanswered', [(round(v[0], 3), 'conn', v[1]) for k, v in hb_req.items() if k not in hb_resp])
print('timeout attachments:', collections.Counter((v[2], v[3]) for v in req.values()))
