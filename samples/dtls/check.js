'use strict';
// Checks one recording of record.js against the capture, two ways:
//  1. tshark 4.0 with the key log: DTLS handshake facts, decryption of every DTLS application data
//     record into SCTP, every SCTP DATA chunk (written to NAME.tshark.tsv), the data channel
//     messages per label and direction (count, bytes, SHA-256) and the DCEP opens; RTP headers per
//     SSRC and SRTCP per sender (tshark does not decrypt SRTP).
//  2. its own reading of the pcap (Node's crypto only, not werift): the SRTP master keys derived
//     from the key log's master secret and the randoms in the capture's ClientHello/ServerHello
//     (RFC 5764 exporter), then every SRTP/SRTCP packet authenticated and decrypted (RFC 3711
//     AES-CM + HMAC-SHA1-80, RFC 7714 AEAD AES-128-GCM) and compared with the media truth.
// Usage: node check.js NAME [DIR]   (exit status 1 if any check fails)
const fs = require('fs');
const os = require('os');
const path = require('path');
const crypto = require('crypto');
const { execFileSync } = require('child_process');

const NAME = process.argv[2];
const DIR = process.argv[3] || __dirname;
if (!NAME) { console.error('usage: node check.js NAME [DIR]'); process.exit(2); }
const f = (ext) => path.join(DIR, `${NAME}.${ext}`);
const truth = JSON.parse(fs.readFileSync(f('truth.json'), 'utf8'));
const media = fs.readFileSync(f('media.truth.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const chans = fs.readFileSync(f('channels.truth.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const keylog = fs.readFileSync(f('keys'), 'utf8').trim().split('\n').map((l) => l.split(' '));

let failures = 0;
const ok = (cond, what, detail) => {
  if (!cond) failures++;
  console.log(`${cond ? 'ok  ' : 'FAIL'} ${what}${detail !== undefined ? `: ${detail}` : ''}`);
};
const sha256 = (b) => crypto.createHash('sha256').update(b).digest('hex');
const peerOfIp = (ip) => (ip === truth.peers.A.ip ? 'A' : ip === truth.peers.B.ip ? 'B' : '?');

// ---------------------------------------------------------------------------------------------
// tshark
const portA = Number(truth.ice.five_tuple.a.split(':')[1]);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dtls-check-'));
// tshark 4.0 hands decrypted DTLS application data to SCTP only for a port named in the DTLS
// "RSA keys list" UAT, and that UAT entry needs a loadable RSA key file: a throwaway key that has
// nothing to do with the session (ECDHE) serves.
const dummyKey = path.join(tmp, 'unused-rsa.pem');
fs.writeFileSync(dummyKey, crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
  .export({ type: 'pkcs1', format: 'pem' }));
const TSHARK = [
  '-r', f('pcap'), '-o', `tls.keylog_file:${f('keys')}`,
  '-o', `uat:dtlsdecrypttablefile:"${truth.peers.A.ip}","${portA}","sctp","${dummyKey}",""`,
  // RFC 7983 demux on the one ICE port (STUN, DTLS, SRTP, SRTCP); after the UAT, which maps the
  // port to DTLS and would otherwise win
  '-d', `udp.port==${portA},rtp`,
];
function tshark(filter, fields) {
  const out = execFileSync('tshark', [...TSHARK, '-Y', filter, '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=|',
    ...fields.flatMap((x) => ['-e', x])], { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
  return out.split('\n').filter((l) => l.length).map((l) => {
    const v = l.split('\t');
    return Object.fromEntries(fields.map((k, i) => [k, v[i] === undefined || v[i] === '' ? [] : v[i].split('|')]));
  });
}
const one = (r, k) => (r[k] || [])[0];

// DTLS handshake
const hs = tshark('dtls.handshake.type', ['frame.number', 'ip.src', 'udp.srcport', 'dtls.record.version', 'dtls.handshake.type',
  'dtls.handshake.version', 'dtls.handshake.random', 'dtls.handshake.ciphersuite', 'dtls.use_srtp.protection_profile',
  'dtls.handshake.extension.type']);
const chello = hs.filter((r) => r['dtls.handshake.type'].includes('1'));
const shello = hs.find((r) => r['dtls.handshake.type'].includes('2'));
const hvr = hs.find((r) => r['dtls.handshake.type'].includes('3'));
const lastCh = chello[chello.length - 1];
const clientPeer = peerOfIp(one(lastCh, 'ip.src'));
ok(clientPeer === truth.dtls.client, 'DTLS client (sender of ClientHello)', `${clientPeer} ${one(lastCh, 'ip.src')}:${one(lastCh, 'udp.srcport')}`);
ok(one(lastCh, 'dtls.handshake.random').replace(/:/g, '') === truth.dtls.client_random, 'ClientHello random = truth client_random');
ok(one(shello, 'dtls.handshake.random').replace(/:/g, '') === truth.dtls.server_random, 'ServerHello random = truth server_random');
ok(one(shello, 'dtls.handshake.version') === '0xfefd', 'ServerHello version DTLS 1.2 (0xfefd)', one(shello, 'dtls.handshake.version'));
ok(Number(one(shello, 'dtls.handshake.ciphersuite')) === Number(truth.dtls.cipher_suite_id), 'cipher suite', `${one(shello, 'dtls.handshake.ciphersuite')} ${truth.dtls.cipher_suite}`);
ok(Number(one(shello, 'dtls.use_srtp.protection_profile')) === Number(truth.srtp.profile_id), 'use_srtp profile in ServerHello', `${one(shello, 'dtls.use_srtp.protection_profile')} ${truth.srtp.profile}`);
ok(shello['dtls.handshake.extension.type'].includes('23'), 'extended_master_secret in ServerHello');
ok(!!hvr && chello.length === 2, 'ClientHello, HelloVerifyRequest, ClientHello with cookie', `${chello.length} ClientHello, HVR ${hvr ? 'yes' : 'no'}`);
ok(keylog.length === 1 && keylog[0][0] === 'CLIENT_RANDOM' && keylog[0][1] === truth.dtls.client_random && keylog[0][2] === truth.dtls.master_secret,
  'key log: one CLIENT_RANDOM line, the truth client random and master secret');

// ServerKeyExchange and the two certificates (their SHA-256 is each SDP's a=fingerprint)
const ske = tshark('dtls.handshake.type == 12', ['dtls.handshake.server_named_curve', 'dtls.handshake.sig_hash_alg']);
const CURVES = { 0x1d: 'x25519', 0x17: 'secp256r1' };
ok(CURVES[Number(one(ske[0], 'dtls.handshake.server_named_curve'))] === truth.dtls.named_curve && Number(one(ske[0], 'dtls.handshake.sig_hash_alg')) === 0x0403,
  'ServerKeyExchange curve and signature', `${one(ske[0], 'dtls.handshake.server_named_curve')} ${truth.dtls.named_curve}, ${one(ske[0], 'dtls.handshake.sig_hash_alg')}`);
const certs = tshark('dtls.handshake.type == 11', ['ip.src', 'dtls.handshake.certificate']);
for (const r of certs) {
  const side = peerOfIp(one(r, 'ip.src'));
  const fp = sha256(Buffer.from(one(r, 'dtls.handshake.certificate').replace(/:/g, ''), 'hex')).toUpperCase().match(/../g).join(':');
  ok(fp === truth.dtls.fingerprints_sha256[side], `certificate from ${side} matches its a=fingerprint`, fp.slice(0, 23) + '...');
}
ok(certs.length === 2 && truth.dtls.fingerprints_sha256.A !== truth.dtls.fingerprints_sha256.B, 'two certificates (client and server), different');

// every DTLS application data record decrypted to SCTP
const appRecs = tshark('dtls.record.content_type == 23', ['frame.number', 'dtls.record.content_type', 'sctp.srcport', 'dtls.app_data']);
const undecrypted = appRecs.filter((r) => r['sctp.srcport'].length === 0);
ok(appRecs.length > 0 && undecrypted.length === 0, 'every DTLS application data record decrypted to SCTP',
  `${appRecs.length} records, ${undecrypted.length} not decrypted`);

// SCTP chunks and DATA chunks -> NAME.tshark.tsv
const sctp = tshark('sctp', ['frame.number', 'frame.time_relative', 'ip.src', 'udp.srcport', 'ip.dst', 'udp.dstport',
  'sctp.chunk_type', 'sctp.chunk_length', 'sctp.data_sid', 'sctp.data_payload_proto_id', 'sctp.data_tsn_raw', 'sctp.data_ssn',
  'sctp.data_b_bit', 'sctp.data_e_bit', 'sctp.data_u_bit', 'rtcdc.message_type', 'rtcdc.label', 'rtcdc.protocol',
  'rtcdc.channel_type', 'rtcdc.reliability_parameter', 'data.data']);
const chunkTypes = {};
const rows = [];
const labelOfSid = {};
const messages = []; // reassembled data channel messages seen by tshark
for (const r of sctp) {
  for (const t of r['sctp.chunk_type']) chunkTypes[t] = (chunkTypes[t] || 0) + 1;
  const lens = r['sctp.chunk_length'].filter((_, i) => r['sctp.chunk_type'][i] === '0');
  let dcep = 0, data = 0;
  r['sctp.data_sid'].forEach((sidHex, i) => {
    const sid = Number(sidHex);
    const ppid = Number(r['sctp.data_payload_proto_id'][i]);
    const e = r['sctp.data_e_bit'][i] === '1' || r['sctp.data_e_bit'][i] === 'True';
    const row = {
      frame: one(r, 'frame.number'), time: one(r, 'frame.time_relative'),
      src: `${one(r, 'ip.src')}:${one(r, 'udp.srcport')}`, dst: `${one(r, 'ip.dst')}:${one(r, 'udp.dstport')}`,
      from: peerOfIp(one(r, 'ip.src')), sid, ppid, tsn: r['sctp.data_tsn_raw'][i], ssn: r['sctp.data_ssn'][i],
      b: r['sctp.data_b_bit'][i], e: r['sctp.data_e_bit'][i], u: r['sctp.data_u_bit'][i],
      payload_len: Number(lens[i]) - 16, dcep: '', label: '', message_len: '', message_sha256: '',
    };
    if (ppid === 50) {
      const mt = Number(r['rtcdc.message_type'][dcep]);
      row.dcep = mt === 3 ? 'DATA_CHANNEL_OPEN' : mt === 2 ? 'DATA_CHANNEL_ACK' : String(mt);
      if (mt === 3) {
        row.label = r['rtcdc.label'][0] || '';
        labelOfSid[sid] = { label: row.label, protocol: r['rtcdc.protocol'][0] || '', channel_type: Number(r['rtcdc.channel_type'][0]),
          reliability: Number(r['rtcdc.reliability_parameter'][0]), from: row.from, frame: row.frame };
      }
      dcep++;
    } else if (e) {
      // tshark reassembles fragmented messages: the payload appears (as data) with the last fragment
      const hex = (r['data.data'][data++] || '').replace(/:/g, '');
      const buf = Buffer.from(hex, 'hex');
      row.message_len = buf.length; row.message_sha256 = sha256(buf);
      messages.push({ from: row.from, sid, ppid, length: buf.length, sha256: row.message_sha256, frame: row.frame, u: row.u });
    }
    rows.push(row);
  });
}
for (const row of rows) if (!row.label && labelOfSid[row.sid]) row.label = labelOfSid[row.sid].label;
const cols = ['frame', 'time', 'src', 'dst', 'sid', 'ppid', 'tsn', 'ssn', 'b', 'e', 'u', 'payload_len', 'dcep', 'label', 'message_len', 'message_sha256'];
fs.writeFileSync(f('tshark.tsv'), [cols.join('\t'), ...rows.map((r) => cols.map((c) => r[c]).join('\t'))].join('\n') + '\n');
const CT = { 0: 'DATA', 1: 'INIT', 2: 'INIT_ACK', 3: 'SACK', 4: 'HEARTBEAT', 5: 'HEARTBEAT_ACK', 6: 'ABORT', 7: 'SHUTDOWN', 10: 'COOKIE_ECHO', 11: 'COOKIE_ACK', 130: 'RE_CONFIG', 192: 'FORWARD_TSN' };
console.log(`     SCTP: ${sctp.length} packets, chunks ${Object.entries(chunkTypes).map(([t, n]) => `${CT[t] || t} ${n}`).join(', ')}; ${rows.length} DATA chunks -> ${NAME}.tshark.tsv`);

// data channels: DCEP opens vs truth
for (const c of chans.filter((x) => x.kind === 'channel')) {
  const seen = labelOfSid[c.stream_id];
  ok(seen && seen.label === c.label && seen.protocol === c.protocol && seen.from === c.opened_by
    && seen.channel_type === Number(c.dcep_open.channel_type) && seen.reliability === c.dcep_open.reliability,
  `DCEP DATA_CHANNEL_OPEN "${c.label}" stream ${c.stream_id} from ${c.opened_by}`,
  seen && `type 0x${seen.channel_type.toString(16).padStart(2, '0')}, reliability ${seen.reliability}, protocol ${seen.protocol}, frame ${seen.frame}`);
  const acks = rows.filter((r) => r.sid === c.stream_id && r.dcep === 'DATA_CHANNEL_ACK');
  ok(acks.length === 1 && acks[0].from === c.dcep_ack.from, `DCEP DATA_CHANNEL_ACK "${c.label}" from ${c.dcep_ack.from}`);
}
// data channel messages per label and direction: count, bytes, SHA-256 (in order for ordered delivery)
const sent = chans.filter((x) => x.kind === 'message');
const groups = [...new Set(sent.map((m) => `${m.label} ${m.from}->${m.to}`))];
for (const g of groups) {
  const [label, dir] = g.split(' ');
  const from = dir[0];
  const exp = sent.filter((m) => m.label === label && m.from === from);
  const got = messages.filter((m) => labelOfSid[m.sid] && labelOfSid[m.sid].label === label && m.from === from);
  const bytes = (xs) => xs.reduce((a, m) => a + m.length, 0);
  ok(exp.length === got.length && bytes(exp) === bytes(got) && exp.every((m, i) => got[i] && got[i].sha256 === m.sha256
    && got[i].ppid === m.ppid && got[i].sid === m.stream_id),
  `data channel "${label}" ${from}->${from === 'A' ? 'B' : 'A'}`,
  `truth ${exp.length} messages / ${bytes(exp)} bytes, tshark ${got.length} / ${bytes(got)} (PPID ${[...new Set(got.map((m) => m.ppid))].join(',')}, U bit ${[...new Set(got.map((m) => m.u))].join(',')})`);
}
ok(messages.length === sent.length, 'no other data channel messages', `${messages.length}`);

// RTP headers per SSRC (encrypted payload, clear header)
const rtp = tshark('rtp.ssrc', ['ip.src', 'udp.srcport', 'ip.dst', 'udp.dstport', 'rtp.ssrc', 'rtp.seq', 'rtp.timestamp', 'rtp.p_type', 'rtp.marker', 'udp.length']);
const rtpTruth = media.filter((m) => !m.rtcp);
const bySsrc = {};
for (const r of rtp) { const s = Number(one(r, 'rtp.ssrc')); (bySsrc[s] = bySsrc[s] || []).push(r); }
for (const [ssrcHex, t] of Object.entries(truth.rtp_sent)) {
  const ssrc = Number(ssrcHex);
  const exp = rtpTruth.filter((m) => m.ssrc === ssrc);
  const got = bySsrc[ssrc] || [];
  const same = exp.length === got.length && exp.every((m, i) => {
    const g = got[i];
    return Number(one(g, 'rtp.seq')) === m.seq && Number(one(g, 'rtp.timestamp')) === m.ts && Number(one(g, 'rtp.p_type')) === m.pt
      && (one(g, 'rtp.marker') === '1' || one(g, 'rtp.marker') === 'True') === (m.marker === 1) && Number(one(g, 'udp.length')) - 8 === m.srtp_len
      && `${one(g, 'ip.src')}:${one(g, 'udp.srcport')}` === m.src;
  });
  ok(same, `RTP SSRC ${ssrcHex} from ${t.side}`, `truth ${exp.length}, tshark ${got.length} (seq ${t.first_seq}..${t.last_seq}, PT 0 ×${t.audio}, PT 101 ×${t.events})`);
}
ok(rtp.length === rtpTruth.length, 'no other RTP', `${rtp.length}`);

// SRTCP per sender. tshark has no SDP here and assumes the AES-CM layout (E+index, then a 10-byte
// tag): with AEAD_AES_128_GCM (tag 16, then E+index) it reads E and the index from the tag.
const rtcp = tshark('srtcp', ['ip.src', 'rtcp.pt', 'rtcp.senderssrc', 'srtcp.e', 'srtcp.index', 'udp.length']);
const gcmProfile = truth.srtp.profile === 'SRTP_AEAD_AES_128_GCM';
for (const side of ['A', 'B']) {
  const exp = media.filter((m) => m.rtcp && m.side === side);
  const got = rtcp.filter((r) => peerOfIp(one(r, 'ip.src')) === side);
  const same = exp.length === got.length && exp.every((m, i) => Number(one(got[i], 'rtcp.senderssrc')) === m.ssrc
    && Number(one(got[i], 'udp.length')) - 8 === m.len && Number(one(got[i], 'rtcp.pt')) === { SR: 200, RR: 201 }[m.rtcp]);
  const sameIndex = exp.length === got.length && exp.every((m, i) => Number(one(got[i], 'srtcp.index')) === m.srtcp_index);
  const types = {};
  exp.forEach((m) => { types[m.parts.join('+')] = (types[m.parts.join('+')] || 0) + 1; });
  ok(same && (sameIndex || gcmProfile), `SRTCP from ${side} (sender SSRC, first packet type, length${gcmProfile ? '' : ', SRTCP index'})`,
    `truth ${exp.length}, tshark ${got.length} (${Object.entries(types).map(([k, n]) => `${k} ×${n}`).join(', ')})`);
  if (gcmProfile) {
    console.log(`     (info) tshark's SRTCP index from ${side} under AEAD_AES_128_GCM: ${got.map((r) => one(r, 'srtcp.index') || '-').join(' ')}`
      + ` (truth ${exp.map((m) => m.srtcp_index).join(' ')}): read from the GCM tag, not a failure`);
  }
}

// STUN (not in the truth: werift's ICE agent; reported for information)
const stun = tshark('stun', ['ip.src', 'stun.type']);
const stunTypes = {};
stun.forEach((r) => { const k = `${peerOfIp(one(r, 'ip.src'))} ${one(r, 'stun.type')}`; stunTypes[k] = (stunTypes[k] || 0) + 1; });
console.log(`     STUN: ${stun.length} messages (${Object.entries(stunTypes).map(([k, n]) => `${k} ×${n}`).join(', ')})`);

// ---------------------------------------------------------------------------------------------
// Own SRTP/SRTCP decryption from the pcap with keys derived from the key log
function* pcapUdp(file) {
  const b = fs.readFileSync(file);
  const magic = b.readUInt32LE(0);
  if (magic !== 0xa1b2c3d4 && magic !== 0xa1b23c4d) throw new Error('pcap (little-endian) expected');
  if (b.readUInt32LE(20) !== 1) throw new Error('Ethernet link type expected');
  let off = 24, n = 0;
  while (off + 16 <= b.length) {
    const incl = b.readUInt32LE(off + 8);
    const pkt = b.subarray(off + 16, off + 16 + incl);
    off += 16 + incl; n++;
    if (pkt.readUInt16BE(12) !== 0x0800) continue;
    const ip = pkt.subarray(14);
    if (ip[9] !== 17) continue;
    const ihl = (ip[0] & 15) * 4;
    const udp = ip.subarray(ihl);
    const ipstr = (o) => `${ip[o]}.${ip[o + 1]}.${ip[o + 2]}.${ip[o + 3]}`;
    yield { frame: n, src: `${ipstr(12)}:${udp.readUInt16BE(0)}`, dst: `${ipstr(16)}:${udp.readUInt16BE(2)}`,
      payload: udp.subarray(8, udp.readUInt16BE(4)) };
  }
}
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
  // RFC 3711 4.3.1 with key_derivation_rate 0: x = (label << 48) XOR master_salt (salt padded to 112 bits)
  const x = Buffer.alloc(14);
  masterSalt.copy(x);
  x[7] ^= label;
  const iv = Buffer.concat([x, Buffer.alloc(2)]);
  const c = crypto.createCipheriv('aes-128-ctr', masterKey, iv);
  return c.update(Buffer.alloc(len));
}
const pkts = [...pcapUdp(f('pcap'))];
const recs = (p) => { // DTLS records of a datagram
  const out = [];
  for (let o = 0; o + 13 <= p.length;) { const len = p.readUInt16BE(o + 11); out.push({ type: p[o], body: p.subarray(o + 13, o + 13 + len) }); o += 13 + len; }
  return out;
};
let cr = null, sr = null, clientAddr = null;
for (const p of pkts) {
  if (p.payload[0] < 20 || p.payload[0] > 63) continue;
  for (const r of recs(p.payload)) {
    if (r.type !== 22 || r.body.length < 12 + 34) continue;
    if (r.body[0] === 1 && r.body.readUIntBE(6, 3) === 0) { cr = r.body.subarray(14, 46); clientAddr = p.src; }
    if (r.body[0] === 2 && r.body.readUIntBE(6, 3) === 0) sr = r.body.subarray(14, 46);
  }
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
const rtpKey = (side, ssrc, seq) => `${side} ${ssrc} ${seq}`;
const truthRtp = new Map(rtpTruth.map((m) => [rtpKey(m.side, m.ssrc, m.seq), m]));
const truthRtcp = new Map(media.filter((m) => m.rtcp).map((m) => [`${m.side} ${m.ssrc} ${m.srtcp_index}`, m]));
const rocState = {};
let nRtp = 0, nRtcp = 0, okRtp = 0, okRtcp = 0;
const bad = [];
for (const p of pkts) {
  const b = p.payload;
  if (b.length < 12 || b[0] < 128 || b[0] > 191) continue; // RFC 7983: RTP/RTCP
  const side = peerOfIp(p.src.split(':')[0]);
  const s = session[p.src === clientAddr ? 'client' : 'server'];
  try {
    if (b[1] >= 192 && b[1] <= 223) { // RTCP packet types 192..223 (RFC 5761)
      nRtcp++;
      const d = decryptRtcp(s, b);
      const m = truthRtcp.get(`${side} ${d.clear.readUInt32BE(4)} ${d.index}`);
      if (m && m.clear_sha256 === sha256(d.clear) && m.srtcp_e === d.e && m.len === b.length) okRtcp++;
      else bad.push(`frame ${p.frame}: SRTCP index ${d.index} differs from the truth`);
    } else {
      nRtp++;
      const ssrc = b.readUInt32BE(8), seq = b.readUInt16BE(2);
      const st = rocState[ssrc] || (rocState[ssrc] = { roc: 0, last: seq });
      if (seq < 0x1000 && st.last > 0xf000) st.roc++;
      st.last = seq;
      const d = decryptRtp(s, b, st.roc);
      const m = truthRtp.get(rtpKey(side, ssrc, seq));
      if (m && m.roc === st.roc && m.payload_sha256 === sha256(d.payload) && m.payload_len === d.payload.length
        && m.srtp_sha256 === sha256(b) && m.pt === (b[1] & 0x7f) && m.ts === b.readUInt32BE(4) && m.marker === (b[1] >> 7)) okRtp++;
      else bad.push(`frame ${p.frame}: SRTP ssrc ${ssrc} seq ${seq} differs from the truth`);
    }
  } catch (e) { bad.push(`frame ${p.frame}: ${e.message}`); }
}
ok(nRtp === rtpTruth.length && okRtp === nRtp, `own decryption: SRTP authenticated, decrypted, = truth (ROC, payload SHA-256, wire SHA-256)`,
  `${okRtp}/${nRtp} (truth ${rtpTruth.length})`);
ok(nRtcp === truthRtcp.size && okRtcp === nRtcp, 'own decryption: SRTCP authenticated, decrypted, = truth (clear SHA-256, index, E)',
  `${okRtcp}/${nRtcp} (truth ${truthRtcp.size})`);
bad.slice(0, 5).forEach((x) => console.log(`     ${x}`));

fs.rmSync(tmp, { recursive: true, force: true });
console.log(failures ? `${NAME}: ${failures} check(s) FAILED` : `${NAME}: all checks passed`);
process.exit(failures ? 1 : 0);
