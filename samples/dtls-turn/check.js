'use strict';
// Checks samples/dtls-turn/NAME.pcap against the truth that record.js wrote, and writes
// NAME.tshark.tsv (tshark's view, one row per frame) and NAME.wire.json (what is on each leg).
//
//   node check.js NAME [DIR]
//
// 1. Own parse of the pcap (no tshark): every frame is UDP on one of the three legs the truth names
//    (client A <-> coturn, relay A <-> relay B on coturn, coturn <-> client B); TURN messages per leg
//    and direction (STUN method/class, ChannelData per channel, Send/Data indications), compared with
//    what each client's werift counted; what each ChannelData / DATA attribute / relay datagram
//    carries (RFC 7983: ICE STUN, DTLS, SRTP, SRTCP); the payloads relayed unchanged (each A->B
//    payload of client A's ChannelData is on the relay leg and in a ChannelData to client B).
// 2. DTLS 1.2 handshake messages on each leg; the ClientHello random and the key log are the truth's.
// 3. Own decryption on every leg, with keys from the key log only: SRTP/SRTCP (the RFC 5764 exporter,
//    RFC 3711 AES-CM/HMAC-SHA1-80; functions from samples/dtls/check.js) = the media truth; the DTLS
//    application data (TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256) -> SCTP -> DCEP and data channel
//    messages = the channels truth.
// 4. tshark 4.0 with the key log: (a) "default": the DTLS UAT trick of samples/dtls on A's relayed
//    port and -d udp.port==PORT,rtp; (b) "heuristic": also --enable-heuristic dtls_stun and UAT
//    entries for both clients, so that tshark looks into ChannelData. Both views go to the TSV.
const fs = require('fs');
const os = require('os');
const path = require('path');
const crypto = require('crypto');
const { execFileSync } = require('child_process');

const NAME = process.argv[2] || 'webrtc-dtls12-turn';
const DIR = process.argv[3] || __dirname;
const f = (ext) => path.join(DIR, `${NAME}.${ext}`);
const truth = JSON.parse(fs.readFileSync(f('truth.json'), 'utf8'));
const media = fs.readFileSync(f('media.truth.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const chans = fs.readFileSync(f('channels.truth.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const keylog = fs.readFileSync(f('keys'), 'utf8').trim().split('\n').map((l) => l.split(' '));

let failures = 0;
const ok = (cond, what, detail) => {
  console.log(`  ${cond ? 'ok  ' : 'FAIL'} ${what}${detail ? `: ${detail}` : ''}`);
  if (!cond) failures++;
};
const sha256 = (b) => crypto.createHash('sha256').update(b).digest('hex');
const inc = (o, k, n = 1) => { o[k] = (o[k] || 0) + n; };
const fmt = (o) => Object.entries(o).map(([k, n]) => `${k} ${n}`).join(', ');

// ---------------------------------------------------------------------------------------------
// Legs and directions
const T = truth.turn, P = T.peers;
const SERVER = T.server;
const LEGS = {
  [`${P.A.client}>${SERVER}`]: { leg: 'A-turn', dir: 'A->turn', from: 'A' },
  [`${SERVER}>${P.A.client}`]: { leg: 'A-turn', dir: 'turn->A', from: 'B' },
  [`${P.A.relayed}>${P.B.relayed}`]: { leg: 'relay', dir: 'relayA->relayB', from: 'A' },
  [`${P.B.relayed}>${P.A.relayed}`]: { leg: 'relay', dir: 'relayB->relayA', from: 'B' },
  [`${SERVER}>${P.B.client}`]: { leg: 'turn-B', dir: 'turn->B', from: 'A' },
  [`${P.B.client}>${SERVER}`]: { leg: 'turn-B', dir: 'B->turn', from: 'B' },
};
const DIRS = ['A->turn', 'relayA->relayB', 'turn->B', 'B->turn', 'relayB->relayA', 'turn->A'];

// ---------------------------------------------------------------------------------------------
// pcap
function* pcapFrames(file) {
  const b = fs.readFileSync(file);
  const magic = b.readUInt32LE(0);
  if (magic !== 0xa1b2c3d4 && magic !== 0xa1b23c4d) throw new Error('pcap (little-endian) expected');
  if (b.readUInt32LE(20) !== 1) throw new Error('Ethernet link type expected');
  const nano = magic === 0xa1b23c4d;
  let off = 24, n = 0;
  while (off + 16 <= b.length) {
    const time = b.readUInt32LE(off) + b.readUInt32LE(off + 4) / (nano ? 1e9 : 1e6);
    const incl = b.readUInt32LE(off + 8);
    const pkt = b.subarray(off + 16, off + 16 + incl);
    off += 16 + incl; n++;
    const fr = { frame: n, time };
    if (pkt.readUInt16BE(12) !== 0x0800) { yield { ...fr, other: `ethertype 0x${pkt.readUInt16BE(12).toString(16)}` }; continue; }
    const ip = pkt.subarray(14);
    if (ip[9] !== 17) { yield { ...fr, other: `IP protocol ${ip[9]}` }; continue; }
    const ihl = (ip[0] & 15) * 4;
    const udp = ip.subarray(ihl);
    const ipstr = (o) => `${ip[o]}.${ip[o + 1]}.${ip[o + 2]}.${ip[o + 3]}`;
    yield { ...fr, src: `${ipstr(12)}:${udp.readUInt16BE(0)}`, dst: `${ipstr(16)}:${udp.readUInt16BE(2)}`,
      payload: udp.subarray(8, udp.readUInt16BE(4)) };
  }
}

// STUN / TURN
const STUN_METHODS = { 0x001: 'Binding', 0x003: 'Allocate', 0x004: 'Refresh', 0x006: 'Send', 0x007: 'Data', 0x008: 'CreatePermission', 0x009: 'ChannelBind' };
const STUN_CLASSES = ['request', 'indication', 'success', 'error'];
function parseStun(b) {
  if (b.length < 20 || b[0] > 3 || b.readUInt32BE(4) !== 0x2112a442) return null;
  const t = b.readUInt16BE(0);
  const method = (t & 0x000f) | ((t & 0x00e0) >> 1) | ((t & 0x3e00) >> 2);
  const cls = ((t & 0x0100) >> 7) | ((t & 0x0010) >> 4);
  const attrs = {};
  for (let o = 20; o + 4 <= Math.min(b.length, 20 + b.readUInt16BE(2));) {
    const at = b.readUInt16BE(o), len = b.readUInt16BE(o + 2);
    attrs[at] = b.subarray(o + 4, o + 4 + len);
    o += 4 + len + ((4 - (len % 4)) % 4);
  }
  const xaddr = (v) => v && `${[0, 1, 2, 3].map((i) => v[4 + i] ^ [0x21, 0x12, 0xa4, 0x42][i]).join('.')}:${v.readUInt16BE(2) ^ 0x2112}`;
  return {
    type: t, name: `${STUN_METHODS[method] || `0x${method.toString(16)}`} ${STUN_CLASSES[cls]}`,
    tid: b.subarray(8, 20).toString('hex'),
    peer: xaddr(attrs[0x0012]), relayed: xaddr(attrs[0x0016]), channel: attrs[0x000c] && attrs[0x000c].readUInt16BE(0),
    error: attrs[0x0009] && attrs[0x0009][2] * 100 + attrs[0x0009][3], data: attrs[0x0013],
    useCandidate: 0x0025 in attrs, controlling: 0x802a in attrs, controlled: 0x8029 in attrs,
    username: attrs[0x0006] && attrs[0x0006].toString('utf8'),
  };
}
const innerKind = (b) => (!b || !b.length ? 'empty' : b[0] <= 3 ? 'stun' : b[0] >= 20 && b[0] <= 63 ? 'dtls'
  : b[0] >= 128 && b[0] <= 191 ? (b.length > 1 && b[1] >= 192 && b[1] <= 223 ? 'srtcp' : 'srtp') : 'other');

// ---------------------------------------------------------------------------------------------
// Walk the capture
const frames = [...pcapFrames(f('pcap'))];
const wire = {
  frames: frames.length, duration_s: +(frames[frames.length - 1].time - frames[0].time).toFixed(3),
  legs: {}, turn_messages: {}, carried: {}, ice: {}, dtls: {}, srtp: {}, srtcp: {}, sctp_chunks: {}, data_channels: {},
  turn_transactions: {},
};
const others = [];
const inner = [];   // { frame, dir, from, payload, via }
for (const fr of frames) {
  if (fr.other) { others.push(`frame ${fr.frame}: ${fr.other}`); continue; }
  const L = LEGS[`${fr.src}>${fr.dst}`];
  if (!L) { others.push(`frame ${fr.frame}: UDP ${fr.src} -> ${fr.dst} is on no leg`); continue; }
  fr.leg = L;
  const legs = wire.legs[L.dir] || (wire.legs[L.dir] = { src: fr.src, dst: fr.dst, frames: 0, bytes: 0 });
  legs.frames++; legs.bytes += fr.payload.length;
  const tm = wire.turn_messages[L.dir] || (wire.turn_messages[L.dir] = {});
  const carried = wire.carried[L.dir] || (wire.carried[L.dir] = {});
  const b = fr.payload;
  if (L.leg === 'relay') {
    inc(carried, innerKind(b));
    fr.carries = innerKind(b);
    inner.push({ frame: fr.frame, dir: L.dir, from: L.from, payload: b, via: 'udp' });
    fr.turn = 'relayed datagram';
    continue;
  }
  if (b.length >= 4 && b[0] >= 0x40 && b[0] <= 0x7f) {      // ChannelData (RFC 8656 12.4)
    const ch = b.readUInt16BE(0), data = b.subarray(4, 4 + b.readUInt16BE(2));
    const k = `ChannelData 0x${ch.toString(16)}`;
    inc(tm, k); inc(carried, `${innerKind(data)} in ChannelData`);
    fr.turn = k; fr.carries = innerKind(data);
    inner.push({ frame: fr.frame, dir: L.dir, from: L.from, payload: data, via: 'ChannelData' });
    continue;
  }
  const s = parseStun(b);
  if (!s) { inc(tm, 'not TURN'); continue; }
  inc(tm, s.name); fr.turn = s.name;
  const tx = wire.turn_transactions[L.leg] || (wire.turn_transactions[L.leg] = []);
  if (!/indication/.test(s.name)) {
    tx.push({ frame: fr.frame, dir: L.dir, message: s.name, tid: s.tid,
      ...(s.error ? { error: s.error } : {}), ...(s.peer ? { xor_peer_address: s.peer } : {}),
      ...(s.relayed ? { xor_relayed_address: s.relayed } : {}), ...(s.channel ? { channel: `0x${s.channel.toString(16)}` } : {}) });
  }
  if (s.data) {
    inc(carried, `${innerKind(s.data)} in ${s.name}`);
    fr.carries = innerKind(s.data);
    inner.push({ frame: fr.frame, dir: L.dir, from: L.from, payload: s.data, via: s.name });
  }
}
console.log(`${NAME}: ${frames.length} frames, ${wire.duration_s} s`);
ok(others.length === 0, 'every frame is UDP on one of the three legs of the truth', others.length ? others.slice(0, 5).join('; ') : `${DIRS.map((d) => `${d} ${(wire.legs[d] || {}).frames || 0}`).join(', ')}`);

// TURN messages on the wire vs what each client's werift counted
const wernames = (m) => { // werift's keys "ChannelData 0x4000 (dtls)" -> "ChannelData 0x4000"
  const o = {};
  for (const [k, n] of Object.entries(m || {})) inc(o, k.replace(/ \(.*\)$/, ''), n);
  return o;
};
const same = (a, b) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
for (const [p, sent, recv] of [['A', 'A->turn', 'turn->A'], ['B', 'B->turn', 'turn->B']]) {
  ok(same(wernames(P[p].messages.sent), wire.turn_messages[sent] || {}), `TURN messages client ${p} -> coturn = what ${p}'s werift sent`, fmt(wire.turn_messages[sent] || {}));
  ok(same(wernames(P[p].messages.received), wire.turn_messages[recv] || {}), `TURN messages coturn -> client ${p} = what ${p}'s werift received`, fmt(wire.turn_messages[recv] || {}));
}
for (const d of DIRS) console.log(`       carried ${d}: ${fmt(wire.carried[d] || {})}`);

// relayed unchanged: each payload sent by a client arrives on the relay leg and at the other client
const bag = (dir) => { const m = {}; inner.filter((x) => x.dir === dir).forEach((x) => inc(m, sha256(x.payload))); return m; };
for (const [a, r, c] of [['A->turn', 'relayA->relayB', 'turn->B'], ['B->turn', 'relayB->relayA', 'turn->A']]) {
  const ba = bag(a), br = bag(r), bc = bag(c);
  ok(same(ba, br) && same(br, bc), `the same ${Object.values(ba).reduce((x, y) => x + y, 0)} payloads on ${a}, ${r} and ${c} (SHA-256)`,
    `${inner.filter((x) => x.dir === a).length} / ${inner.filter((x) => x.dir === r).length} / ${inner.filter((x) => x.dir === c).length}`);
}

// ICE checks inside the relay
for (const x of inner) {
  if (innerKind(x.payload) !== 'stun') continue;
  const s = parseStun(x.payload);
  const k = `${s.name}${s.useCandidate ? ' USE-CANDIDATE' : ''}${s.controlling ? ' ICE-CONTROLLING' : ''}${s.controlled ? ' ICE-CONTROLLED' : ''}`;
  inc(wire.ice[x.dir] || (wire.ice[x.dir] = {}), k);
}
for (const d of DIRS) console.log(`       ICE STUN ${d}: ${fmt(wire.ice[d] || {})}`);

// ---------------------------------------------------------------------------------------------
// DTLS records
const HS = { 0: 'HelloRequest', 1: 'ClientHello', 2: 'ServerHello', 3: 'HelloVerifyRequest', 11: 'Certificate', 12: 'ServerKeyExchange',
  13: 'CertificateRequest', 14: 'ServerHelloDone', 15: 'CertificateVerify', 16: 'ClientKeyExchange', 20: 'Finished' };
const CT = { 20: 'ChangeCipherSpec', 21: 'Alert', 22: 'Handshake', 23: 'ApplicationData' };
const recs = (p) => {
  const out = [];
  for (let o = 0; o + 13 <= p.length;) {
    const len = p.readUInt16BE(o + 11);
    out.push({ type: p[o], version: p.readUInt16BE(o + 1), epoch: p.readUInt16BE(o + 3), seq: p.readUIntBE(o + 5, 6),
      header: p.subarray(o, o + 13), body: p.subarray(o + 13, o + 13 + len) });
    o += 13 + len;
  }
  return out;
};
let cr = null, sr = null, clientPeerOnWire = null;
const hsSeq = {};
for (const x of inner) {
  if (innerKind(x.payload) !== 'dtls') continue;
  const names = [];
  for (const r of recs(x.payload)) {
    if (r.type === 22 && r.epoch === 0) {
      const t = r.body[0];
      names.push(HS[t] || `handshake ${t}`);
      if (t === 1 && r.body.readUIntBE(6, 3) === 0) { cr = r.body.subarray(14, 46); clientPeerOnWire = x.from; }
      if (t === 2 && r.body.readUIntBE(6, 3) === 0) sr = r.body.subarray(14, 46);
    } else if (r.type === 22) names.push('Finished (encrypted)');
    else if (r.type !== 23) names.push(CT[r.type] || `content type ${r.type}`);
  }
  if (names.length) (hsSeq[x.dir] || (hsSeq[x.dir] = [])).push(`${x.from}: ${names.join('+')}`);
}
const relayHs = [...(hsSeq['relayA->relayB'] || []), ...(hsSeq['relayB->relayA'] || [])];
// in wire order on the relay leg
const relayOrder = inner.filter((x) => x.via === 'udp' && innerKind(x.payload) === 'dtls').map((x) => {
  const r = recs(x.payload)[0];
  return r.type === 22 && r.epoch === 0 ? `${x.from} ${HS[r.body[0]]}` : r.type === 22 ? `${x.from} Finished` : r.type === 20 ? `${x.from} ChangeCipherSpec` : null;
}).filter(Boolean);
wire.dtls.handshake_relay_leg = relayOrder;
wire.dtls.handshake_datagrams_per_direction = Object.fromEntries(DIRS.map((d) => [d, (hsSeq[d] || []).length]));
console.log(`       DTLS handshake (relay leg, wire order): ${relayOrder.join(', ')}`);
ok(clientPeerOnWire === truth.dtls.client, `DTLS ClientHello from the truth's DTLS client (${truth.dtls.client})`);
ok(cr && cr.toString('hex') === truth.dtls.client_random && sr && sr.toString('hex') === truth.dtls.server_random, 'ClientHello / ServerHello randoms = truth');
ok(keylog.length === 1 && keylog[0][0] === 'CLIENT_RANDOM' && keylog[0][1] === truth.dtls.client_random && keylog[0][2] === truth.dtls.master_secret,
  'key log: one CLIENT_RANDOM line with the truth\'s client random and master secret');
ok(relayHs.length && same(Object.fromEntries(DIRS.map((d) => [d, (hsSeq[d] || []).length])), Object.fromEntries(DIRS.map((d) => [d, (hsSeq[d.startsWith('relayA') || d === 'A->turn' || d === 'turn->B' ? 'relayA->relayB' : 'relayB->relayA'] || []).length]))),
  'the same DTLS handshake datagrams on all three legs', fmt(wire.dtls.handshake_datagrams_per_direction));

// ---------------------------------------------------------------------------------------------
// Keys from the key log (TLS 1.2 PRF), SRTP/SRTCP (from samples/dtls/check.js)
function prfSha256(secret, label, seed, len) {
  const s = Buffer.concat([Buffer.from(label, 'ascii'), seed]);
  const out = [];
  let a = s, total = 0;
  while (total < len) {
    a = crypto.createHmac('sha256', secret).update(a).digest();
    const p = crypto.createHmac('sha256', secret).update(Buffer.concat([a, s])).digest();
    out.push(p); total += p.length;
  }
  return Buffer.concat(out).subarray(0, len);
}
function srtpKdf(masterKey, masterSalt, label, len) {
  const x = Buffer.alloc(14);
  masterSalt.copy(x);
  x[7] ^= label;
  const iv = Buffer.concat([x, Buffer.alloc(2)]);
  const c = crypto.createCipheriv('aes-128-ctr', masterKey, iv);
  return c.update(Buffer.alloc(len));
}
const ms = Buffer.from(keylog.find((l) => l[1] === cr.toString('hex'))[2], 'hex');
const gcm = truth.srtp.profile === 'SRTP_AEAD_AES_128_GCM';
const saltLen = gcm ? 12 : 14;
const km = prfSha256(ms, 'EXTRACTOR-dtls_srtp', Buffer.concat([cr, sr]), 2 * (16 + saltLen));
const mk = { client: { key: km.subarray(0, 16), salt: km.subarray(32, 32 + saltLen) }, server: { key: km.subarray(16, 32), salt: km.subarray(32 + saltLen) } };
ok(mk.client.key.toString('hex') === truth.srtp.keys.client_write_key && mk.server.key.toString('hex') === truth.srtp.keys.server_write_key
  && mk.client.salt.toString('hex') === truth.srtp.keys.client_write_salt && mk.server.salt.toString('hex') === truth.srtp.keys.server_write_salt,
'SRTP master keys from the key log (RFC 5764 exporter) = truth');
const session = {};
for (const side of ['client', 'server']) {
  const { key, salt } = mk[side];
  session[side] = {
    rtpKey: srtpKdf(key, salt, 0, 16), rtpAuth: srtpKdf(key, salt, 1, 20), rtpSalt: srtpKdf(key, salt, 2, saltLen),
    rtcpKey: srtpKdf(key, salt, 3, 16), rtcpAuth: srtpKdf(key, salt, 4, 20), rtcpSalt: srtpKdf(key, salt, 5, saltLen),
  };
}
const xor = (a, b) => Buffer.from(a.map((v, i) => v ^ b[i]));
function decryptRtp(s, p, roc) {
  const cc = p[0] & 15, x = (p[0] >> 4) & 1;
  let hl = 12 + 4 * cc;
  if (x) hl += 4 + 4 * p.readUInt16BE(hl + 2);
  const ssrc = p.readUInt32BE(8), seq = p.readUInt16BE(2);
  const hdr = p.subarray(0, hl);
  if (gcm) {
    const iv = Buffer.alloc(12);
    iv.writeUInt32BE(ssrc, 2); iv.writeUInt32BE(roc, 6); iv.writeUInt16BE(seq, 10);
    const d = crypto.createDecipheriv('aes-128-gcm', s.rtpKey, xor(iv, s.rtpSalt));
    d.setAAD(hdr); d.setAuthTag(p.subarray(p.length - 16));
    return { hdr, payload: Buffer.concat([d.update(p.subarray(hl, p.length - 16)), d.final()]) };
  }
  const body = p.subarray(0, p.length - 10);
  const rocB = Buffer.alloc(4); rocB.writeUInt32BE(roc);
  const tag = crypto.createHmac('sha1', s.rtpAuth).update(body).update(rocB).digest().subarray(0, 10);
  if (!tag.equals(p.subarray(p.length - 10))) throw new Error('SRTP authentication failed');
  const iv = Buffer.alloc(16);
  s.rtpSalt.copy(iv);
  iv.writeUInt32BE((iv.readUInt32BE(4) ^ ssrc) >>> 0, 4);
  iv.writeUInt32BE((iv.readUInt32BE(8) ^ roc) >>> 0, 8);
  iv.writeUInt16BE(iv.readUInt16BE(12) ^ seq, 12);
  const c = crypto.createDecipheriv('aes-128-ctr', s.rtpKey, iv);
  return { hdr, payload: c.update(body.subarray(hl)) };
}
function decryptRtcp(s, p) {
  const ssrc = p.readUInt32BE(4);
  if (gcm) {
    const ei = p.readUInt32BE(p.length - 4), index = ei & 0x7fffffff;
    const iv = Buffer.alloc(12);
    iv.writeUInt32BE(ssrc, 2); iv.writeUInt32BE(index, 8);
    const d = crypto.createDecipheriv('aes-128-gcm', s.rtcpKey, xor(iv, s.rtcpSalt));
    d.setAAD(Buffer.concat([p.subarray(0, 8), p.subarray(p.length - 4)]));
    d.setAuthTag(p.subarray(p.length - 20, p.length - 4));
    return { e: ei >>> 31, index, clear: Buffer.concat([p.subarray(0, 8), d.update(p.subarray(8, p.length - 20)), d.final()]) };
  }
  const body = p.subarray(0, p.length - 10);
  const tag = crypto.createHmac('sha1', s.rtcpAuth).update(body).digest().subarray(0, 10);
  if (!tag.equals(p.subarray(p.length - 10))) throw new Error('SRTCP authentication failed');
  const ei = p.readUInt32BE(p.length - 14), index = ei & 0x7fffffff;
  const iv = Buffer.alloc(16);
  s.rtcpSalt.copy(iv);
  iv.writeUInt32BE((iv.readUInt32BE(4) ^ ssrc) >>> 0, 4);
  iv.writeUInt16BE(iv.readUInt16BE(10) ^ (index >>> 16), 10);
  iv.writeUInt16BE(iv.readUInt16BE(12) ^ (index & 0xffff), 12);
  const c = crypto.createDecipheriv('aes-128-ctr', s.rtcpKey, iv);
  return { e: ei >>> 31, index, clear: Buffer.concat([p.subarray(0, 8), c.update(p.subarray(8, p.length - 14))]) };
}
const rtpTruth = media.filter((m) => !m.rtcp);
const rtcpTruth = media.filter((m) => m.rtcp);
const truthRtp = new Map(rtpTruth.map((m) => [`${m.side} ${m.ssrc} ${m.seq}`, m]));
const truthRtcp = new Map(rtcpTruth.map((m) => [`${m.side} ${m.ssrc} ${m.srtcp_index}`, m]));
const sideKeys = (from) => session[from === truth.dtls.client ? 'client' : 'server'];
for (const d of DIRS) {
  const rocState = {};
  const from = LEGS[Object.keys(LEGS).find((k) => LEGS[k].dir === d)].from;
  const st = { srtp: 0, srtp_ok: 0, srtcp: 0, srtcp_ok: 0, bad: [] };
  for (const x of inner.filter((y) => y.dir === d)) {
    const b = x.payload, kind = innerKind(b);
    try {
      if (kind === 'srtcp') {
        st.srtcp++;
        const dd = decryptRtcp(sideKeys(from), b);
        const m = truthRtcp.get(`${from} ${dd.clear.readUInt32BE(4)} ${dd.index}`);
        if (m && m.clear_sha256 === sha256(dd.clear) && m.srtcp_e === dd.e && m.len === b.length && (!m.srtcp_sha256 || m.srtcp_sha256 === sha256(b))) st.srtcp_ok++;
        else st.bad.push(`frame ${x.frame}: SRTCP index ${dd.index} differs from the truth`);
      } else if (kind === 'srtp') {
        st.srtp++;
        const ssrc = b.readUInt32BE(8), seq = b.readUInt16BE(2);
        const rs = rocState[ssrc] || (rocState[ssrc] = { roc: 0, last: seq });
        if (seq < 0x1000 && rs.last > 0xf000) rs.roc++;
        rs.last = seq;
        const dd = decryptRtp(sideKeys(from), b, rs.roc);
        const m = truthRtp.get(`${from} ${ssrc} ${seq}`);
        if (m && m.roc === rs.roc && m.payload_sha256 === sha256(dd.payload) && m.srtp_sha256 === sha256(b)) st.srtp_ok++;
        else st.bad.push(`frame ${x.frame}: SRTP ssrc ${ssrc} seq ${seq} differs from the truth`);
      }
    } catch (e) { st.bad.push(`frame ${x.frame}: ${e.message}`); }
  }
  const expRtp = rtpTruth.filter((m) => m.side === from).length, expRtcp = rtcpTruth.filter((m) => m.side === from).length;
  wire.srtp[d] = { packets: st.srtp, authenticated_and_equal_to_truth: st.srtp_ok, truth_sent_by: from, truth: expRtp };
  wire.srtcp[d] = { packets: st.srtcp, authenticated_and_equal_to_truth: st.srtcp_ok, truth_sent_by: from, truth: expRtcp };
  ok(st.srtp === expRtp && st.srtp_ok === st.srtp && st.srtcp === expRtcp && st.srtcp_ok === st.srtcp,
    `own decryption ${d}: SRTP / SRTCP from ${from} authenticated, = truth`, `SRTP ${st.srtp_ok}/${st.srtp} (truth ${expRtp}), SRTCP ${st.srtcp_ok}/${st.srtcp} (truth ${expRtcp})`);
  st.bad.slice(0, 3).forEach((x) => console.log(`       ${x}`));
}

// ---------------------------------------------------------------------------------------------
// DTLS application data -> SCTP -> data channels (TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 only)
ok(truth.dtls.cipher_suite_id === '0xc02b', 'DTLS cipher suite 0xc02b (AES-128-GCM), which this check decrypts');
const kb = prfSha256(ms, 'key expansion', Buffer.concat([sr, cr]), 40);
const dtlsKeys = { client: { key: kb.subarray(0, 16), iv: kb.subarray(32, 36) }, server: { key: kb.subarray(16, 32), iv: kb.subarray(36, 40) } };
function decryptRecord(from, r) {
  const k = dtlsKeys[from === truth.dtls.client ? 'client' : 'server'];
  const nonce = Buffer.concat([k.iv, r.body.subarray(0, 8)]);
  const ct = r.body.subarray(8, r.body.length - 16);
  const aad = Buffer.alloc(13);
  aad.writeUInt16BE(r.epoch, 0); aad.writeUIntBE(r.seq, 2, 6); aad[8] = r.type; aad.writeUInt16BE(r.version, 9); aad.writeUInt16BE(ct.length, 11);
  const d = crypto.createDecipheriv('aes-128-gcm', k.key, nonce);
  d.setAAD(aad); d.setAuthTag(r.body.subarray(r.body.length - 16));
  return Buffer.concat([d.update(ct), d.final()]);
}
const SCTP_CT = { 0: 'DATA', 1: 'INIT', 2: 'INIT_ACK', 3: 'SACK', 4: 'HEARTBEAT', 5: 'HEARTBEAT_ACK', 6: 'ABORT', 7: 'SHUTDOWN', 10: 'COOKIE_ECHO', 11: 'COOKIE_ACK', 130: 'RE_CONFIG', 192: 'FORWARD_TSN' };
const sentMsgs = chans.filter((c) => c.kind === 'message');
const labelOf = {};
chans.filter((c) => c.kind === 'channel').forEach((c) => { labelOf[c.stream_id] = c.label; });
for (const d of DIRS) {
  const from = LEGS[Object.keys(LEGS).find((k) => LEGS[k].dir === d)].from, to = from === 'A' ? 'B' : 'A';
  const chunks = {}, data = new Map();
  let appRecords = 0, decrypted = 0, finished = 0;
  for (const x of inner.filter((y) => y.dir === d && innerKind(y.payload) === 'dtls')) {
    for (const r of recs(x.payload)) {
      if (r.epoch === 0) continue;
      let clear;
      try { clear = decryptRecord(from, r); } catch (e) { continue; }
      if (r.type === 22) { if (clear[0] === 20) finished++; continue; }
      if (r.type !== 23) continue;
      appRecords++; decrypted++;
      for (let o = 12; o + 4 <= clear.length;) {  // SCTP chunks after the 12-byte common header
        const t = clear[o], fl = clear[o + 1], len = clear.readUInt16BE(o + 2);
        inc(chunks, SCTP_CT[t] || String(t));
        if (t === 0) {
          const tsn = clear.readUInt32BE(o + 4);
          if (!data.has(tsn)) data.set(tsn, { tsn, u: (fl >> 2) & 1, b: (fl >> 1) & 1, e: fl & 1, sid: clear.readUInt16BE(o + 8), ppid: clear.readUInt32BE(o + 12), data: clear.subarray(o + 16, o + len) });
        }
        o += len + ((4 - (len % 4)) % 4);
      }
    }
    appRecords += recs(x.payload).filter((r) => r.type === 23 && r.epoch === 0).length;
  }
  const all = [...data.values()].sort((a, b) => a.tsn - b.tsn);
  const msgs = [];
  for (let i = 0; i < all.length; i++) {
    if (!all[i].b) continue;
    let j = i;
    while (j < all.length && !all[j].e) j++;
    if (j >= all.length) break;
    msgs.push({ sid: all[i].sid, ppid: all[i].ppid, u: all[i].u, data: Buffer.concat(all.slice(i, j + 1).map((c) => c.data)) });
    i = j;
  }
  const dcep = msgs.filter((m) => m.ppid === 50).map((m) => (m.data[0] === 3 ? `OPEN ${m.data.subarray(12, 12 + m.data.readUInt16BE(8)).toString('utf8')} type 0x${m.data[1].toString(16).padStart(2, '0')}` : m.data[0] === 2 ? 'ACK' : `DCEP ${m.data[0]}`));
  const user = msgs.filter((m) => m.ppid !== 50);
  const exp = sentMsgs.filter((m) => m.from === from);
  const match = user.length === exp.length && exp.every((m) => user.some((u) => sha256(u.data) === m.sha256 && labelOf[u.sid] === m.label && u.ppid === m.ppid));
  wire.sctp_chunks[d] = chunks;
  wire.data_channels[d] = { dtls_application_data_records: appRecords, decrypted, finished, dcep, messages: user.length, bytes: user.reduce((a, m) => a + m.data.length, 0),
    by_label: Object.fromEntries([...new Set(user.map((m) => labelOf[m.sid]))].map((l) => [l, user.filter((m) => labelOf[m.sid] === l).length])) };
  ok(decrypted === appRecords && finished === 1 && match, `own DTLS decryption ${d}: every application data record -> SCTP; data channel messages from ${from} = truth`,
    `${decrypted}/${appRecords} records, Finished ${finished}, DCEP [${dcep.join('; ')}], ${user.length} messages / ${wire.data_channels[d].bytes} bytes (truth ${exp.length} / ${exp.reduce((a, m) => a + m.length, 0)}), chunks ${fmt(chunks)}`);
}

// ---------------------------------------------------------------------------------------------
// tshark: two views of every frame -> NAME.tshark.tsv
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dtls-turn-check-'));
const dummyKey = path.join(tmp, 'unused-rsa.pem');
fs.writeFileSync(dummyKey, crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }));
const hp = (a) => a.split(':');
const [relayIp, relayPort] = hp(truth.dtls.server_address);  // the DTLS server's relayed address
const uat = (ip, port) => ['-o', `uat:dtlsdecrypttablefile:"${ip}","${port}","sctp","${dummyKey}",""`];
const VIEWS = {
  default: ['-o', `tls.keylog_file:${f('keys')}`, ...uat(relayIp, relayPort), '-d', `udp.port==${relayPort},rtp`],
  heuristic: ['-o', `tls.keylog_file:${f('keys')}`, ...uat(relayIp, relayPort), ...uat(...hp(P.A.client)), ...uat(...hp(P.B.client)),
    '-d', `udp.port==${relayPort},rtp`, '--enable-heuristic', 'dtls_stun'],
};
function tshark(args, fields) {
  const out = execFileSync('tshark', ['-r', f('pcap'), ...args, '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=,', ...fields.flatMap((x) => ['-e', x])],
    { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
  return out.split('\n').filter((l) => l.length).map((l) => { const v = l.split('\t'); return Object.fromEntries(fields.map((k, i) => [k, v[i] || ''])); });
}
const F1 = ['frame.number', 'frame.time_relative', 'ip.src', 'udp.srcport', 'ip.dst', 'udp.dstport', '_ws.col.Protocol', 'stun.type', 'stun.channel',
  'stun.att.channelnum', 'dtls.record.content_type', 'dtls.handshake.type', 'rtp.ssrc', 'rtcp.senderssrc', 'sctp.chunk_type', 'rtcdc.message_type', 'data.len'];
const F2 = ['frame.number', '_ws.col.Protocol', 'dtls.record.content_type', 'dtls.handshake.type', 'sctp.chunk_type', 'rtcdc.message_type'];
const v1 = tshark(VIEWS.default, F1);
const v2 = tshark(VIEWS.heuristic, F2);
ok(v1.length === frames.length && v2.length === frames.length, 'tshark reads every frame', `${v1.length}, ${v2.length}`);
const dirOf = (r) => (LEGS[`${r['ip.src']}:${r['udp.srcport']}>${r['ip.dst']}:${r['udp.dstport']}`] || {}).dir || '?';
// leg, turn and carries are check.js's own parse (not tshark's): the direction, the TURN message, and
// what the ChannelData / DATA attribute / relayed datagram carries (RFC 7983); the rest is tshark's
const cols = ['frame', 'time', 'src', 'dst', 'leg', 'turn', 'carries', 'protocol', 'stun_type', 'channel', 'channelbind_channel', 'dtls_content_type', 'dtls_handshake_type',
  'rtp_ssrc', 'rtcp_sender_ssrc', 'sctp_chunk_types', 'decrypted_sctp', 'h_protocol', 'h_dtls_content_type', 'h_dtls_handshake_type', 'h_sctp_chunk_types', 'h_decrypted_sctp'];
const rows = v1.map((r, i) => {
  const h = v2[i] || {};
  const dec = (ct, sc) => (ct.split(',').includes('23') ? (sc ? 1 : 0) : '');
  return {
    frame: r['frame.number'], time: r['frame.time_relative'], src: `${r['ip.src']}:${r['udp.srcport']}`, dst: `${r['ip.dst']}:${r['udp.dstport']}`,
    leg: dirOf(r), turn: frames[i].turn || '', carries: frames[i].carries || '', protocol: r['_ws.col.Protocol'], stun_type: r['stun.type'], channel: r['stun.channel'], channelbind_channel: r['stun.att.channelnum'],
    dtls_content_type: r['dtls.record.content_type'], dtls_handshake_type: r['dtls.handshake.type'], rtp_ssrc: r['rtp.ssrc'], rtcp_sender_ssrc: r['rtcp.senderssrc'],
    sctp_chunk_types: r['sctp.chunk_type'], decrypted_sctp: dec(r['dtls.record.content_type'], r['sctp.chunk_type']),
    h_protocol: h['_ws.col.Protocol'], h_dtls_content_type: h['dtls.record.content_type'], h_dtls_handshake_type: h['dtls.handshake.type'],
    h_sctp_chunk_types: h['sctp.chunk_type'], h_decrypted_sctp: dec(h['dtls.record.content_type'] || '', h['sctp.chunk_type']),
  };
});
fs.writeFileSync(f('tshark.tsv'), [cols.join('\t'), ...rows.map((r) => cols.map((c) => r[c]).join('\t'))].join('\n') + '\n');
const ts = { default: {}, heuristic: {} };
for (const r of rows) {
  for (const [view, ct, sc, proto] of [['default', r.dtls_content_type, r.sctp_chunk_types, r.protocol], ['heuristic', r.h_dtls_content_type, r.h_sctp_chunk_types, r.h_protocol]]) {
    const o = ts[view][r.leg] || (ts[view][r.leg] = { frames: 0, protocol: {}, dtls_frames: 0, dtls_app_data_frames: 0, sctp_frames: 0 });
    o.frames++; inc(o.protocol, proto);
    if (ct) o.dtls_frames++;
    if (ct.split(',').includes('23')) o.dtls_app_data_frames++;
    if (sc) o.sctp_frames++;
  }
}
const stunTypes = {};
rows.forEach((r) => r.stun_type.split(',').filter(Boolean).forEach((t) => inc(stunTypes, t)));
const channelData = rows.filter((r) => r.channel).length;
wire.tshark = { version: execFileSync('tshark', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0], views: {
  default: VIEWS.default.map((a) => a.replace(dummyKey, 'unused-rsa.pem').replace(DIR + '/', '')),
  heuristic: VIEWS.heuristic.map((a) => a.replace(dummyKey, 'unused-rsa.pem').replace(DIR + '/', '')) },
stun_types: stunTypes, channeldata_frames: channelData, per_leg: ts };
for (const view of ['default', 'heuristic']) {
  for (const d of DIRS) {
    const o = ts[view][d] || {};
    console.log(`       tshark ${view} ${d}: ${o.frames} frames (${fmt(o.protocol || {})}), DTLS ${o.dtls_frames}, application data ${o.dtls_app_data_frames}, SCTP ${o.sctp_frames}`);
  }
}
const ownStun = {};
Object.values(wire.turn_messages).forEach((m) => Object.entries(m).forEach(([k, n]) => { if (!k.startsWith('ChannelData')) inc(ownStun, k, n); }));
ok(channelData === Object.values(wire.turn_messages).reduce((a, m) => a + Object.entries(m).filter(([k]) => k.startsWith('ChannelData')).reduce((x, [, n]) => x + n, 0), 0),
  'tshark: ChannelData frames = own count', String(channelData));
const relayDtlsApp = ['relayA->relayB', 'relayB->relayA'].reduce((a, d) => a + (ts.default[d] || {}).dtls_app_data_frames, 0);
const relayDtlsSctp = ['relayA->relayB', 'relayB->relayA'].reduce((a, d) => a + (ts.default[d] || {}).sctp_frames, 0);
ok(relayDtlsApp > 0 && relayDtlsApp === relayDtlsSctp, 'tshark (default view) decrypts every DTLS application data record of the relay leg into SCTP', `${relayDtlsSctp}/${relayDtlsApp}`);
console.log(`       tshark STUN types: ${fmt(stunTypes)}; ChannelData frames ${channelData}`);

fs.writeFileSync(f('wire.json'), JSON.stringify(wire, null, 1) + '\n');
fs.rmSync(tmp, { recursive: true, force: true });
console.log(failures ? `${NAME}: ${failures} check(s) FAILED` : `${NAME}: all checks passed`);
process.exit(failures ? 1 : 0);
