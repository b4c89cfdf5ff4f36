#!/usr/bin/env python3
"""Joins what the consumer and provider programs printed into NAME.truth.log (used by record.sh).

Input directory: consumer.out / provider.out (lines "C|P EPOCH_MS WHAT ..."), consumer.err /
provider.err (Dubbo's own JUL log, lines "J EPOCH_MS LEVEL logger: message"), record.out (record.sh's
SIGSTOP/SIGCONT, case frozen-provider only).
"""
import os, re, sys

name, d, outdir = sys.argv[1], sys.argv[2], sys.argv[3]

def clean(s):
    """Control characters (the consumer logs raw body bytes it took for telnet text) as \\xNN."""
    return re.sub(r'[\x00-\x08\x0b-\x1f\x7f]', lambda m: '\\x%02x' % ord(m.group()), s)

def lines(fn):
    p = os.path.join(d, fn)
    return [clean(l) for l in open(p, encoding='utf-8', errors='replace').read().splitlines()] if os.path.exists(p) else []

def records(fn):
    """Dubbo's JUL log as records (first line "J EPOCH_MS LEVEL logger: message", then continuation lines),
    without stack frames and without the NetUtils NullPointerException that Dubbo 3.2 logs dozens of times
    when the only interface is lo."""
    recs, cur = [], None
    for l in lines(fn):
        if l.startswith('J '):
            cur = [l]
            recs.append(cur)
        elif re.match(r'\s+(at |\.\.\. \d+ more)', l):
            continue
        elif cur is not None:
            cur.append(l)
        else:
            recs.append([l])
    return [r for r in recs if 'Cannot invoke "java.net.NetworkInterface.getInetAddresses()"' not in r[0]]

for side in ('consumer', 'provider'):
    with open(os.path.join(outdir, f'dubbo-{name}.{side}-dubbo.log'), 'w') as out:
        for r in records(side + '.err'):
            # the consumer of payload-limit logs body bytes it took for text: lines cut at 2000 chars
            out.write('\n'.join(l if len(l) <= 2000 else l[:2000] + f' ...[{len(l)} chars]' for l in r if l.strip()) + '\n')

out = open(os.path.join(outdir, f'dubbo-{name}.truth.log'), 'w')
sys.stdout = out

cons = [l for l in lines('consumer.out') if l.startswith('C ')]
prov = [l for l in lines('provider.out') if l.startswith('P ')]
rec = [l for l in lines('record.out') if l.startswith('R ')]
recv, answer = {}, {}
for l in prov:
    m = re.match(r'P (\d+) (RECV|ANSWER) seq=(\S+) req_id=(\S+) method=(\S+)(.*)', l)
    if m:
        (recv if m.group(2) == 'RECV' else answer).setdefault(m.group(3), []).append(m)

print(f'# dubbo-{name}.pcap truth log: written by the consumer and provider programs themselves')
print('# (src/dev/callscope/samples/dubbofail). Times are epoch milliseconds of the JVM clocks (same')
print('# machine as tcpdump). One CALL line per call: seq, method, the timeout the consumer used (and where')
print('# it came from), consumer start/end and outcome; then what the provider\'s TruthFilter logged for the')
print('# same seq: the Dubbo request id of the frame, when the call reached the filter chain (recv), the')
print('# "timeout" attachment it carried, and when the result was ready to be written (answer).')
print('# "provider: -" means the call never reached the provider\'s filter chain.')
for l in cons:
    m = re.match(r'C (\d+) CALL seq=(\S+) (.*)', l)
    if not m:
        continue
    seq = m.group(2)
    line = f'CALL seq={seq} {m.group(3)}'
    if seq in recv:
        for r in recv[seq]:
            extra = r.group(6).strip()
            ta = re.search(r'timeout_attachment=(\S+)', extra)
            line += f' | provider: req_id={r.group(4)} recv={r.group(1)}'
            line += f' timeout_attachment={ta.group(1) if ta else "?"}'
            for a in answer.get(seq, []):
                if a.group(4) == r.group(4):
                    line += f' answer={a.group(1)}{a.group(6)}'
    else:
        line += ' | provider: -'
    print(line)

print()
print('# EVENTS in time order: C = consumer program, P = provider program, R = record.sh,')
print('# J-C / J-P = WARNING/SEVERE records of Dubbo\'s own log in the consumer / provider JVM (first line, cut at 600 chars;')
print('# the full logs without stack frames are dubbo-NAME.consumer-dubbo.log / .provider-dubbo.log).')
ev = []
for src, ls in (('C', cons), ('P', prov), ('R', rec)):
    for l in ls:
        p = l.split(' ', 2)
        ev.append((int(p[1]), src, p[2]))
for src, fn in (('J-C', 'consumer.err'), ('J-P', 'provider.err')):
    for r in records(fn):
        m = re.match(r'J (\d+) (WARNING|SEVERE) (.*)', r[0])
        if m:
            msg = m.group(2) + ' ' + m.group(3)
            ev.append((int(m.group(1)), src, msg[:600] + (' ...' if len(msg) > 600 else '')))
for t, src, msg in sorted(ev, key=lambda e: e[0]):
    print(f'{t} {src} {msg}')
