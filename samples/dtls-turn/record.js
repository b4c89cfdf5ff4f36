'use strict';
// samples/dtls-turn: samples/dtls/record.js adapted so that both peers go through a TURN relay.
// One WebRTC session between two werift peers in one Node process, on loopback (run by record.sh
// inside a network namespace that has only lo, while tcpdump records it), both peers relay-only
// (iceTransportPolicy 'relay') through coturn on 127.0.0.20:3478 (TURN over UDP, user u:p):
//
//   peer A 127.0.0.11:40000 (offerer, ICE controlling)  <->  coturn 127.0.0.20:3478
//   coturn relayed address of A  <->  coturn relayed address of B   (127.0.0.20:49160-49199)
//   coturn 127.0.0.20:3478  <->  peer B 127.0.0.12:50000 (answerer, ICE controlled)
//
// Signalling is in-process (no SDP on the wire): only TURN (STUN methods, ChannelData, Send/Data
// indications) carrying ICE STUN, DTLS 1.2, SRTP/SRTCP and SCTP over DTLS go over UDP.
// Differences to samples/dtls/record.js: iceServers/iceTransportPolicy, 100 RTP packets per
// direction instead of 150 (the capture holds each packet three times), the wire SHA-256 of each
// SRTCP packet in the media truth, a `turn` section in the truth (addresses, and every TURN message
// each client sent and received, read from werift's TurnProtocol). Writes, into OUTDIR:
//   NAME.keys                  NSS key log: CLIENT_RANDOM <client random> <master secret> (werift
//                              has no key log option; the values are read from its DTLS cipher
//                              context right after the handshake, see installHooks)
//   NAME.truth.json            session facts (roles, a=setup, cipher suite, SRTP profile, 5-tuple,
//                              SDP, derived SRTP keys, counts)
//   NAME.media.truth.jsonl     every SRTP and SRTCP packet werift protected, in send order
//   NAME.channels.truth.jsonl  every data channel and every data channel message sent
// Usage: node record.js --name NAME --profile aescm|gcm --out OUTDIR
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const w = require('werift');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const NAME = args.name || 'webrtc-dtls12-turn';
const PROFILE = args.profile || 'aescm';
const OUT = args.out || '.';
const HARD_LIMIT_MS = 60000;

const SRTP_AES128_CM_HMAC_SHA1_80 = 0x0001;
const SRTP_AEAD_AES_128_GCM = 0x0007;
const PROFILE_NAMES = { 1: 'SRTP_AES128_CM_HMAC_SHA1_80', 7: 'SRTP_AEAD_AES_128_GCM' };
const SUITE_NAMES = { 0xc02b: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 0xc02f: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256' };
const CURVE_NAMES = { 29: 'x25519', 23: 'secp256r1' };
// Both peers announce the same list in use_srtp; the DTLS server picks the first of its own list
// that the client offers. werift's default is [AEAD_AES_128_GCM, AES128_CM_HMAC_SHA1_80].
const SRTP_PROFILES = PROFILE === 'gcm'
  ? [SRTP_AEAD_AES_128_GCM, SRTP_AES128_CM_HMAC_SHA1_80]
  : [SRTP_AES128_CM_HMAC_SHA1_80, SRTP_AEAD_AES_128_GCM];

const TURN = { ip: args['turn-ip'] || '127.0.0.20', port: Number(args['turn-port'] || 3478), username: 'u', credential: 'p' };
const PEERS = {
  A: { ip: '127.0.0.11', ports: [40000, 40009] },
  B: { ip: '127.0.0.12', ports: [50000, 50009] },
};
const peerOfIp = (ip) => Object.keys(PEERS).find((k) => PEERS[k].ip === ip);
const sha256 = (b) => crypto.createHash('sha256').update(b).digest('hex');
const now = () => Date.now() / 1000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const hex = (b) => Buffer.from(b).toString('hex');

const media = [];      // media truth lines
const channels = [];   // channel truth lines
const keylog = new Map();
const dcepSent = [];   // DCEP messages handed to SCTP
const dtlsInfo = {};   // per peer: facts read from werift's DTLS socket after the handshake
const dtlsTransportOf = {}; // per peer: its RTCDtlsTransport (for the TURN facts at the end)
const received = { rtp: { A: {}, B: {} }, dc: {} };

function withTimeout(p, ms, what) {
  let t;
  return Promise.race([p, new Promise((_, f) => { t = setTimeout(() => f(new Error(`timeout: ${what}`)), ms); })])
    .finally(() => clearTimeout(t));
}

function transportPeer(transport) {
  const opts = transport.iceTransport.connection.options || {};
  return peerOfIp(opts.interfaceAddresses && opts.interfaceAddresses.udp4);
}

function pairOf(transport) {
  const n = transport.iceTransport.connection.nominated;
  if (!n) return {};
  // with TURN the local candidate is our relayed address and the remote one the peer's relayed address
  return { src: `${n.localCandidate.host}:${n.localCandidate.port}`, dst: `${n.remoteCandidate.host}:${n.remoteCandidate.port}` };
}

// The TURN client of a peer (werift's TurnProtocol behind the nominated pair's StunOverTurnProtocol)
function turnOf(transport) {
  const n = transport.iceTransport.connection.nominated;
  const turn = n && n.protocol && n.protocol.turn;
  if (!turn) return null;
  const a = turn.transport.socket.address();
  return {
    client: `${a.address}:${a.port}`, server: `${turn.server[0]}:${turn.server[1]}`,
    relayed: `${turn.relayedAddress[0]}:${turn.relayedAddress[1]}`, mapped: `${turn.mappedAddress[0]}:${turn.mappedAddress[1]}`,
    realm: turn.realm, channels: Object.values(turn.channelByAddr).map((c) => ({ number: `0x${c.number.toString(16)}`, peer: `${c.address[0]}:${c.address[1]}` })),
    permissions: Object.keys(turn.permissionByAddr || {}),
  };
}

// Every TURN message a client sends to / receives from the server, by kind (STUN method/class, or
// ChannelData), and what a ChannelData or Send/Data indication carries (RFC 7983: STUN, DTLS, RTP/RTCP)
const turnMsgs = {};   // "127.0.0.11:40000" -> { sent: {...}, received: {...} }
const STUN_METHODS = { 0x001: 'Binding', 0x003: 'Allocate', 0x004: 'Refresh', 0x006: 'Send', 0x007: 'Data', 0x008: 'CreatePermission', 0x009: 'ChannelBind' };
const STUN_CLASSES = ['request', 'indication', 'success', 'error'];
function innerKind(b) {
  if (!b || !b.length) return 'empty';
  if (b[0] <= 3) return 'stun';
  if (b[0] >= 20 && b[0] <= 63) return 'dtls';
  if (b[0] >= 128 && b[0] <= 191) return b.length > 1 && b[1] >= 192 && b[1] <= 223 ? 'srtcp' : 'srtp';
  return 'other';
}
function classifyTurn(b) {
  if (b.length >= 4 && b[0] >= 0x40 && b[0] <= 0x7f) {
    return { kind: `ChannelData 0x${b.readUInt16BE(0).toString(16)}`, inner: innerKind(b.subarray(4, 4 + b.readUInt16BE(2))) };
  }
  if (b.length >= 20 && b[0] <= 3) {
    const t = b.readUInt16BE(0);
    const method = (t & 0x000f) | ((t & 0x00e0) >> 1) | ((t & 0x3e00) >> 2);
    const cls = ((t & 0x0100) >> 7) | ((t & 0x0010) >> 4);
    const kind = `${STUN_METHODS[method] || `0x${method.toString(16)}`} ${STUN_CLASSES[cls]}`;
    let inner;
    for (let o = 20; o + 4 <= b.length;) {          // DATA attribute (0x0013) of Send/Data indications
      const at = b.readUInt16BE(o), len = b.readUInt16BE(o + 2);
      if (at === 0x0013) inner = innerKind(b.subarray(o + 4, o + 4 + len));
      o += 4 + len + ((4 - (len % 4)) % 4);
    }
    return { kind, inner };
  }
  return { kind: 'other' };
}
function countTurn(turn, dir, b) {
  const a = turn.transport.socket && turn.transport.socket.address && turn.transport.socket.address();
  if (!a || !a.port) return;
  const k = `${a.address}:${a.port}`;
  const m = turnMsgs[k] || (turnMsgs[k] = { sent: {}, received: {} });
  const c = classifyTurn(Buffer.from(b));
  const key = c.inner ? `${c.kind} (${c.inner})` : c.kind;
  m[dir][key] = (m[dir][key] || 0) + 1;
}

// ---------------------------------------------------------------------------------------------
// Runtime hooks into werift (it has no key log option of its own).
function installHooks() {
  const T = w.RTCDtlsTransport.prototype;

  // TURN: count what each client sends (TurnProtocol.send carries every message to the server)
  // and receives (TurnProtocol.dataReceived), read-only
  const TP = w.TurnProtocol.prototype;
  const origTurnSend = TP.send;
  TP.send = function (data) { try { countTurn(this, 'sent', data); } catch (e) { /* count only */ } return origTurnSend.apply(this, arguments); };
  const origTurnRecv = TP.dataReceived;
  TP.dataReceived = function (data) { try { countTurn(this, 'received', data); } catch (e) { /* count only */ } return origTurnRecv.apply(this, arguments); };

  const origStart = T.start;
  T.start = async function () {
    const peer = transportPeer(this);
    this.__peer = peer;
    dtlsTransportOf[peer] = this;
    // RTCDtlsTransport keeps the use_srtp list in a private field (werift's default order is
    // GCM first): replace it before the DTLS socket is made.
    this.srtpProfiles = SRTP_PROFILES.slice();
    const r = await origStart.apply(this, arguments);
    const d = this.dtls;
    const c = d.cipher;
    const isClient = d.sessionType === 1; // SessionType.CLIENT
    const clientRandom = (isClient ? c.localRandom : c.remoteRandom).serialize();
    const serverRandom = (isClient ? c.remoteRandom : c.localRandom).serialize();
    const line = `CLIENT_RANDOM ${hex(clientRandom)} ${hex(c.masterSecret)}`;
    if (keylog.has(hex(clientRandom)) && keylog.get(hex(clientRandom)) !== line) {
      throw new Error('the two peers disagree on the master secret');
    }
    keylog.set(hex(clientRandom), line);
    fs.writeFileSync(path.join(OUT, `${NAME}.keys`), [...keylog.values()].join('\n') + '\n');
    const profile = d.srtp.srtpProfile;
    const keyLen = 16, saltLen = profile === SRTP_AEAD_AES_128_GCM ? 12 : 14;
    const k = d.extractSessionKeys(keyLen, saltLen);
    dtlsInfo[peer] = {
      role: isClient ? 'client' : 'server',
      version: `DTLS 1.2 (0x${d.dtls.version.major.toString(16)}${d.dtls.version.minor.toString(16)})`,
      cipher_suite: SUITE_NAMES[c.cipherSuite] || `0x${c.cipherSuite.toString(16)}`,
      cipher_suite_id: `0x${c.cipherSuite.toString(16).padStart(4, '0')}`,
      named_curve: CURVE_NAMES[c.namedCurve] || c.namedCurve,
      extended_master_secret: !!(d.options.extendedMasterSecret && d.dtls.remoteExtendedMasterSecret),
      srtp_profile: PROFILE_NAMES[profile] || profile,
      srtp_profile_id: `0x${profile.toString(16).padStart(4, '0')}`,
      use_srtp_offered: this.srtpProfiles.map((p) => PROFILE_NAMES[p]),
      client_random: hex(clientRandom),
      server_random: hex(serverRandom),
      master_secret: hex(c.masterSecret),
      srtp_keys: {
        // RFC 5764 4.2: client_write_key | server_write_key | client_write_salt | server_write_salt
        client_write_key: hex(isClient ? k.localKey : k.remoteKey),
        server_write_key: hex(isClient ? k.remoteKey : k.localKey),
        client_write_salt: hex(isClient ? k.localSalt : k.remoteSalt),
        server_write_salt: hex(isClient ? k.remoteSalt : k.localSalt),
      },
      local_fingerprint_sha256: this.localCertificate && this.localCertificate.getFingerprints()
        .filter((f) => f.algorithm === 'sha-256').map((f) => f.value)[0],
      pair: pairOf(this),
    };
    return r;
  };

  const origUpdate = T.updateSrtpSession;
  T.updateSrtpSession = function () {
    const r = origUpdate.apply(this, arguments);
    this.srtp.__transport = this;
    this.srtcp.__transport = this;
    return r;
  };

  const origEnc = w.SrtpSession.prototype.encrypt;
  w.SrtpSession.prototype.encrypt = function (payload, header) {
    const enc = origEnc.apply(this, arguments);
    const t = this.__transport;
    const st = this.localContext.srtpSSRCStates[header.ssrc];
    const line = {
      t: now(), side: t.__peer, ...pairOf(t), profile: PROFILE_NAMES[t.dtls.srtp.srtpProfile],
      ssrc: header.ssrc, seq: header.sequenceNumber, roc: st ? st.rolloverCounter : 0, ts: header.timestamp,
      pt: header.payloadType, marker: header.marker ? 1 : 0,
      payload_len: payload.length, payload_sha256: sha256(payload),
      srtp_len: enc.length, srtp_sha256: sha256(enc),
    };
    if (header.extensions && header.extensions.length) {
      line.extensions = header.extensions.map((e) => ({ id: e.id, value: hex(e.payload) }));
      line.extension_profile = `0x${(header.extensionProfile || 0xbede).toString(16)}`;
    }
    if (header.payloadType === 101 && payload.length >= 4) {
      line.event = { event: payload[0], end: !!(payload[1] & 0x80), volume: payload[1] & 0x3f, duration: payload.readUInt16BE(2) };
    }
    media.push(line);
    return enc;
  };

  // DCEP (PPID 50) messages as werift queues them for SCTP: DATA_CHANNEL_OPEN and DATA_CHANNEL_ACK
  const S = w.RTCSctpTransport.prototype;
  const origFlush = S.dataChannelFlush;
  const seen = new WeakSet();
  S.dataChannelFlush = function () {
    for (const [channel, ppid, data] of this.dataChannelQueue) {
      if (ppid !== 50 || seen.has(data)) continue;
      seen.add(data);
      dcepSent.push({ sctp: this, channel, data: Buffer.from(data) });
    }
    return origFlush.apply(this, arguments);
  };

  const origEncRtcp = w.SrtcpSession.prototype.encrypt;
  w.SrtcpSession.prototype.encrypt = function (clear) {
    const enc = origEncRtcp.apply(this, arguments);
    const t = this.__transport;
    const profile = t.dtls.srtp.srtpProfile;
    // SRTCP trailer: AES-CM: ... | E+index (4) | tag (10); AEAD (RFC 7714): ... | tag (16) | E+index (4)
    const ei = profile === SRTP_AEAD_AES_128_GCM ? enc.readUInt32BE(enc.length - 4) : enc.readUInt32BE(enc.length - 14);
    const parts = [];
    const line = { t: now(), side: t.__peer, ...pairOf(t), profile: PROFILE_NAMES[profile], rtcp: null };
    for (let off = 0; off + 4 <= clear.length;) {
      const pt = clear[off + 1];
      const len = (clear.readUInt16BE(off + 2) + 1) * 4;
      const name = { 200: 'SR', 201: 'RR', 202: 'SDES', 203: 'BYE', 204: 'APP', 205: 'RTPFB', 206: 'PSFB' }[pt] || String(pt);
      const fmt = clear[off] & 0x1f;
      parts.push(pt === 205 || pt === 206 ? `${name}/${fmt}` : name);
      if (off === 0) {
        line.ssrc = clear.readUInt32BE(off + 4);
        if (pt === 200) {
          line.ntp = `${clear.readUInt32BE(off + 8).toString(16).padStart(8, '0')}.${clear.readUInt32BE(off + 12).toString(16).padStart(8, '0')}`;
          line.rtp_ts = clear.readUInt32BE(off + 16);
          line.packets = clear.readUInt32BE(off + 20);
          line.octets = clear.readUInt32BE(off + 24);
          line.report_blocks = fmt;
        } else if (pt === 201) {
          line.report_blocks = fmt;
        }
      }
      off += len;
    }
    line.rtcp = parts[0];
    line.parts = parts;
    line.srtcp_e = ei >>> 31;
    line.srtcp_index = ei & 0x7fffffff;
    line.len = enc.length;
    line.srtcp_sha256 = sha256(enc);
    line.clear_len = clear.length;
    line.clear_sha256 = sha256(clear);
    media.push(line);
    return enc;
  };
}

// ---------------------------------------------------------------------------------------------
// Media: PCMU (PT 0) written by the script, one RFC 4733 event (PT 101) per direction.
function linearToUlaw(sample) {
  const BIAS = 0x84, CLIP = 32635;
  let sign = (sample >> 8) & 0x80;
  if (sign) sample = -sample;
  if (sample > CLIP) sample = CLIP;
  sample += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (sample & mask) === 0 && exponent > 0; exponent--, mask >>= 1);
  const mantissa = (sample >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}
function pcmuPayload(freq, index) {
  const b = Buffer.alloc(160);
  for (let i = 0; i < 160; i++) {
    const n = index * 160 + i;
    const dither = ((n * 7919 + index * 104729) % 17) - 8;
    b[i] = linearToUlaw(Math.round(8000 * Math.sin(2 * Math.PI * freq * n / 8000)) + dither);
  }
  return b;
}
const MEDIA_PLAN = {
  A: { freq: 440, seq0: 65500, ts0: 160000, digit: 5, eventAt: 50 },   // A's sequence numbers wrap (ROC 0 -> 1)
  B: { freq: 660, seq0: 1000, ts0: 3000000, digit: 9, eventAt: 70 },
};
const RTP_PACKETS = 100;   // samples/dtls: 150; every packet is on the wire three times here

async function sendMedia(peer, pc, track, codecs) {
  const plan = MEDIA_PLAN[peer];
  const transceiver = pc.getTransceivers().find((t) => t.kind === 'audio');
  const sender = transceiver.sender;
  const te = codecs.find((c) => c.mimeType.toLowerCase() === 'audio/telephone-event');
  const t0 = Date.now();
  for (let i = 0; i < RTP_PACKETS; i++) {
    const wait = t0 + i * 20 - Date.now();
    if (wait > 0) await sleep(wait);
    const seq = (plan.seq0 + i) & 0xffff;
    const k = i - plan.eventAt;
    if (te && k >= 0 && k < 8) {
      // 5 packets of growing duration, 3 end packets; all with the event's start timestamp
      const ts = (plan.ts0 + plan.eventAt * 160) >>> 0;
      const duration = k < 5 ? 160 * (k + 1) : 160 * 6;
      const payload = Buffer.from([plan.digit, (k >= 5 ? 0x80 : 0) | 10, duration >> 8, duration & 0xff]);
      const header = new w.RtpHeader({ sequenceNumber: seq, timestamp: ts, payloadType: te.payloadType, marker: k === 0 });
      // werift's track and sender stamp the codec's payload type on every packet: switch both to
      // telephone-event for this packet (writeRtp -> sender.sendRtp assigns it synchronously).
      const [trackCodec, senderCodec] = [track.codec, sender.codec];
      track.codec = te; sender.codec = te;
      try { track.writeRtp(new w.RtpPacket(header, payload)); } finally { track.codec = trackCodec; sender.codec = senderCodec; }
    } else {
      const ts = (plan.ts0 + i * 160) >>> 0;
      const header = new w.RtpHeader({ sequenceNumber: seq, timestamp: ts, payloadType: 0, marker: i === 0 });
      track.writeRtp(new w.RtpPacket(header, pcmuPayload(plan.freq, i)));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Data channels
function textOf(n, seed) {
  let s = '';
  for (let i = 0; s.length < n; i++) s += `${seed}-${i.toString().padStart(4, '0')} lorem ipsum dolor sit amet; `;
  return s.slice(0, n);
}
function binOf(n, seed) {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed * 17 + (i >> 8)) & 0xff;
  return b;
}
const CHAT_A = [
  'hello from A',
  'Grüße aus A — ☎ 📞 (UTF-8: 4-byte emoji)',
  textOf(3000, 'chat-A-long'),   // larger than 2 KB: 3 SCTP DATA fragments of at most 1200 bytes
  JSON.stringify({ type: 'status', seq: 4, codecs: ['PCMU', 'telephone-event'] }),
  'bye from A',
];
const CHAT_B = ['hi A, this is B', textOf(1500, 'chat-B'), 'bye from B'];
const TELEMETRY_SIZES = [1, 8, 64, 160, 500, 1000, 1199, 1200, 1201, 2500]; // A -> B
const TELEMETRY_B_SIZES = [20, 300, 1400];                                      // B -> A (unordered: U bit set)

function wireChannel(dc, owner, remotePeer) {
  const key = (from) => `${dc.label}:${from}`;
  dc.onMessage.subscribe((data) => {
    const k = key(remotePeer);
    const r = received.dc[k] || (received.dc[k] = { messages: 0, bytes: 0, sha256: [] });
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    r.messages++; r.bytes += buf.length; r.sha256.push(sha256(buf));
  });
}

function sendOn(dc, from, to, data) {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const idx = channels.filter((c) => c.kind === 'message' && c.label === dc.label && c.from === from).length;
  channels.push({
    kind: 'message', t: now(), label: dc.label, stream_id: dc.id, from, to, index: idx,
    type: typeof data === 'string' ? 'string' : 'binary', ppid: typeof data === 'string' ? 51 : 53,
    length: buf.length, sha256: sha256(buf),
    ...(typeof data === 'string' && buf.length <= 200 ? { text: data } : {}),
  });
  dc.send(data);
}

function parseDcep(b) {
  if (b[0] === 3) {
    const labelLen = b.readUInt16BE(8), protoLen = b.readUInt16BE(10);
    return {
      message_type: 'DATA_CHANNEL_OPEN', channel_type: `0x${b[1].toString(16).padStart(2, '0')}`, priority: b.readUInt16BE(2),
      reliability: b.readUInt32BE(4), label: b.slice(12, 12 + labelLen).toString('utf8'),
      protocol: b.slice(12 + labelLen, 12 + labelLen + protoLen).toString('utf8'), length: b.length,
    };
  }
  if (b[0] === 2) return { message_type: 'DATA_CHANNEL_ACK', length: b.length };
  return { message_type: b[0], length: b.length };
}

// opener: the peer that created the channel (and sent DATA_CHANNEL_OPEN); requested: what its
// createDataChannel() got; views: the parameters each peer's RTCDataChannel reports afterwards
function channelLine(label, openedBy, requested, dcs) {
  const view = (dc) => dc && { ordered: dc.ordered, max_retransmits: dc.maxRetransmits, max_packet_life_time: dc.maxPacketLifeTime, protocol: dc.protocol, id: dc.id };
  const opener = dcs[openedBy];
  const dcep = dcepSent.filter((d) => d.channel && d.channel.label === label);
  const open = dcep.find((d) => d.data[0] === 3);
  const ack = dcep.find((d) => d.data[0] === 2);
  return {
    kind: 'channel', label, protocol: opener.protocol, stream_id: opener.id, negotiated: opener.negotiated,
    opened_by: openedBy, requested,
    dcep_open: open && { from: transportPeer(open.sctp.dtlsTransport), ...parseDcep(open.data) },
    dcep_ack: ack && { from: transportPeer(ack.sctp.dtlsTransport), ...parseDcep(ack.data) },
    views: { A: view(dcs.A), B: view(dcs.B) },
  };
}

function waitOpen(dc) {
  if (dc.readyState === 'open') return Promise.resolve();
  return new Promise((r) => dc.stateChanged.subscribe((s) => { if (s === 'open') r(); }));
}

async function waitFor(cond, ms, what) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timeout: ${what}`);
    await sleep(10);
  }
}

function weriftVersion() {
  // werift's package.json is not in its "exports": find it above the resolved entry point
  for (let d = path.dirname(require.resolve('werift')); d !== path.dirname(d); d = path.dirname(d)) {
    const f = path.join(d, 'package.json');
    if (fs.existsSync(f)) { const j = JSON.parse(fs.readFileSync(f, 'utf8')); if (j.name === 'werift') return j.version; }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
async function main() {
  installHooks();
  const codecs = () => [
    new w.RTCRtpCodecParameters({ mimeType: 'audio/PCMU', clockRate: 8000, channels: 1, payloadType: 0 }),
    new w.RTCRtpCodecParameters({ mimeType: 'audio/telephone-event', clockRate: 8000, channels: 1, payloadType: 101, parameters: '0-16' }),
  ];
  // werift shares one certificate among all peers of a process (RTCDtlsTransport.localCertificate);
  // give each peer its own (ECDSA P-256, self-signed, as werift makes them; never written to disk)
  const keys = {};
  for (const p of ['A', 'B']) {
    keys[p] = await w.CipherContext.createSelfSignedCertificateWithKey({ signature: 3, hash: 4 }, 23);
  }
  const config = (p) => ({
    dtls: { keys: keys[p] },
    // the local coturn only (werift's default is a Google STUN server), TURN over UDP, relay only:
    // no host candidates are gathered, werift checks only relay pairs
    iceServers: [{ urls: `turn:${TURN.ip}:${TURN.port}?transport=udp`, username: TURN.username, credential: TURN.credential }],
    iceTransportPolicy: 'relay',
    iceUseIpv4: true, iceUseIpv6: false,
    iceAdditionalHostAddresses: [PEERS[p].ip],     // loopback is otherwise excluded from gathering
    iceInterfaceAddresses: { udp4: PEERS[p].ip },  // bind the ICE socket (here: the TURN client socket) to this address
    icePortRange: PEERS[p].ports,
    bundlePolicy: 'max-bundle',
    codecs: { audio: codecs(), video: [] },
    headerExtensions: { audio: [w.useSdesMid()], video: [] },
  });
  const pcA = new w.RTCPeerConnection(config('A'));
  const pcB = new w.RTCPeerConnection(config('B'));

  const trackA = new w.MediaStreamTrack({ kind: 'audio' });
  const trackB = new w.MediaStreamTrack({ kind: 'audio' });
  pcA.addTransceiver(trackA, { direction: 'sendrecv' });

  for (const [peer, pc] of [['A', pcA], ['B', pcB]]) {
    pc.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe((rtp) => {
        const m = received.rtp[peer];
        const k = rtp.header.ssrc;
        m[k] = m[k] || { packets: 0, pt: {} };
        m[k].packets++;
        m[k].pt[rtp.header.payloadType] = (m[k].pt[rtp.header.payloadType] || 0) + 1;
      });
    });
  }

  // A opens "chat" before the offer (so the offer has an m=application section)
  const CHAT_OPTS = { ordered: true, protocol: 'callscope-chat' };
  const chatA = pcA.createDataChannel('chat', CHAT_OPTS);
  wireChannel(chatA, 'A', 'B');
  let chatB = null, telemetryA = null;
  pcB.onDataChannel.subscribe((dc) => { if (dc.label === 'chat') { chatB = dc; wireChannel(dc, 'A', 'A'); } });
  pcA.onDataChannel.subscribe((dc) => { if (dc.label === 'telemetry') { telemetryA = dc; wireChannel(dc, 'B', 'B'); } });

  // non-trickle offer/answer, in process
  const gathered = (pc) => waitFor(() => pc.iceGatheringState === 'complete', 10000, 'ICE gathering');
  await pcA.setLocalDescription(await pcA.createOffer());
  await gathered(pcA);
  const offer = pcA.localDescription.sdp;
  await pcB.setRemoteDescription({ type: 'offer', sdp: offer });
  const tB = pcB.getTransceivers().find((t) => t.kind === 'audio');
  await tB.sender.replaceTrack(trackB);
  tB.setDirection('sendrecv');
  await pcB.setLocalDescription(await pcB.createAnswer());
  await gathered(pcB);
  const answer = pcB.localDescription.sdp;
  await pcA.setRemoteDescription({ type: 'answer', sdp: answer });

  const connected = (pc) => waitFor(() => pc.connectionState === 'connected', 15000, 'connected');
  await Promise.all([connected(pcA), connected(pcB)]);
  await withTimeout(waitOpen(chatA), 10000, 'chat open');
  await waitFor(() => chatB && chatB.readyState === 'open', 10000, 'chat at B');

  // B opens "telemetry": unordered, no retransmissions
  const telemetryB = pcB.createDataChannel('telemetry', { ordered: false, maxRetransmits: 0, protocol: 'callscope-telemetry' });
  // (werift 0.24.4 writes channel type 0x01 into this DATA_CHANNEL_OPEN, not 0x81: the unordered bit
  // is lost when maxRetransmits is set, so A's end of "telemetry" is ordered; see README)
  wireChannel(telemetryB, 'B', 'A');
  await withTimeout(waitOpen(telemetryB), 10000, 'telemetry open');
  await waitFor(() => telemetryA && telemetryA.readyState === 'open', 10000, 'telemetry at A');
  const TELEMETRY_OPTS = { ordered: false, maxRetransmits: 0, protocol: 'callscope-telemetry' };
  channels.push(channelLine('chat', 'A', CHAT_OPTS, { A: chatA, B: chatB }));
  channels.push(channelLine('telemetry', 'B', TELEMETRY_OPTS, { A: telemetryA, B: telemetryB }));
  const negotiated = pcA.getTransceivers()[0].codecs || codecs();

  // media both ways (3 s), data channel messages meanwhile
  const mediaDone = Promise.all([sendMedia('A', pcA, trackA, negotiated), sendMedia('B', pcB, trackB, negotiated)]);
  await sleep(300);
  for (let i = 0; i < CHAT_A.length; i++) {
    sendOn(chatA, 'A', 'B', CHAT_A[i]);
    if (i < CHAT_B.length) { await sleep(60); sendOn(chatB, 'B', 'A', CHAT_B[i]); }
    await sleep(150);
  }
  for (let i = 0; i < TELEMETRY_SIZES.length; i++) {
    sendOn(telemetryA, 'A', 'B', binOf(TELEMETRY_SIZES[i], i));
    await sleep(40);
    if (i % 3 === 1) { sendOn(telemetryB, 'B', 'A', binOf(TELEMETRY_B_SIZES[(i - 1) / 3], 100 + i)); await sleep(40); }
  }
  await mediaDone;
  const expect = (label, from) => channels.filter((c) => c.kind === 'message' && c.label === label && c.from === from).length;
  await waitFor(() => ['chat:A', 'chat:B', 'telemetry:A', 'telemetry:B'].every((k) => {
    const [label, from] = k.split(':');
    return (received.dc[k] ? received.dc[k].messages : 0) >= expect(label, from);
  }), 5000, 'all data channel messages received');
  await sleep(1500); // let a last RTCP report go out

  // close both channels (SCTP stream reset), A closes chat, B closes telemetry
  channels.push({ kind: 'close', t: now(), label: 'chat', stream_id: chatA.id, by: 'A' });
  chatA.close();
  channels.push({ kind: 'close', t: now(), label: 'telemetry', stream_id: telemetryB.id, by: 'B' });
  telemetryB.close();
  await waitFor(() => [chatA, chatB, telemetryA, telemetryB].every((d) => d.readyState === 'closed'), 5000, 'channels closed')
    .catch((e) => console.error(String(e)));
  const closedStates = Object.fromEntries([['chat@A', chatA], ['chat@B', chatB], ['telemetry@A', telemetryA], ['telemetry@B', telemetryB]]
    .map(([k, d]) => [k, d.readyState]));
  await sleep(300);

  // TURN facts, read while the allocations are still up
  const turnInfo = { A: turnOf(dtlsTransportOf.A), B: turnOf(dtlsTransportOf.B) };
  for (const p of ['A', 'B']) if (turnInfo[p]) turnInfo[p].messages = turnMsgs[turnInfo[p].client] || null;
  if (!turnInfo.A || !turnInfo.B) throw new Error('a peer is not using a TURN relay');
  const setup = (sdp) => (sdp.match(/a=setup:(\w+)/) || [])[1];
  const ufrag = (sdp) => (sdp.match(/a=ice-ufrag:(\S+)/) || [])[1];
  const mids = (sdp) => [...sdp.matchAll(/a=mid:(\S+)/g)].map((m) => m[1]);
  const clientPeer = Object.keys(dtlsInfo).find((p) => dtlsInfo[p].role === 'client');
  const serverPeer = Object.keys(dtlsInfo).find((p) => dtlsInfo[p].role === 'server');
  const rtpSent = {}, rtcpSent = {};
  for (const m of media) {
    if (m.rtcp) {
      const k = `${m.side}`;
      rtcpSent[k] = rtcpSent[k] || { packets: 0, types: {} };
      rtcpSent[k].packets++;
      const tk = m.parts.join('+');
      rtcpSent[k].types[tk] = (rtcpSent[k].types[tk] || 0) + 1;
    } else {
      const k = `0x${m.ssrc.toString(16).padStart(8, '0')}`;
      rtpSent[k] = rtpSent[k] || { side: m.side, src: m.src, dst: m.dst, packets: 0, audio: 0, events: 0, first_seq: m.seq, last_seq: m.seq };
      rtpSent[k].packets++;
      rtpSent[k][m.pt === 101 ? 'events' : 'audio']++;
      rtpSent[k].last_seq = m.seq;
    }
  }
  const dcSummary = {};
  for (const c of channels.filter((c) => c.kind === 'message')) {
    const k = `${c.label} ${c.from}->${c.to}`;
    dcSummary[k] = dcSummary[k] || { sent_messages: 0, sent_bytes: 0, received_messages: 0, received_bytes: 0 };
    dcSummary[k].sent_messages++; dcSummary[k].sent_bytes += c.length;
  }
  for (const [k, r] of Object.entries(received.dc)) {
    const [label, from] = k.split(':');
    const to = from === 'A' ? 'B' : 'A';
    const s = dcSummary[`${label} ${from}->${to}`];
    if (s) { s.received_messages = r.messages; s.received_bytes = r.bytes; }
  }
  const truth = {
    name: NAME,
    werift_version: weriftVersion(),
    node_version: process.version,
    peers: {
      A: { ip: PEERS.A.ip, sdp: 'offer', ice_role: 'controlling', a_setup: setup(offer), ice_ufrag: ufrag(offer), dtls_role: dtlsInfo.A && dtlsInfo.A.role },
      B: { ip: PEERS.B.ip, sdp: 'answer', ice_role: 'controlled', a_setup: setup(answer), ice_ufrag: ufrag(answer), dtls_role: dtlsInfo.B && dtlsInfo.B.role },
    },
    bundle_mids: mids(offer),
    ice: {
      // the nominated pair is relay <-> relay: A's relayed address and B's relayed address (on coturn)
      five_tuple: dtlsInfo.A && { protocol: 'udp', a: dtlsInfo.A.pair.src, b: dtlsInfo.A.pair.dst },
      candidate_types: 'relay <-> relay',
      nominated_by: 'A (controlling)',
    },
    turn: {
      server: `${TURN.ip}:${TURN.port}`, transport: 'udp', username: TURN.username, realm: turnInfo.A.realm,
      legs: [
        { leg: 'client A <-> coturn', a: turnInfo.A.client, b: turnInfo.A.server },
        { leg: 'relay A <-> relay B (on coturn)', a: turnInfo.A.relayed, b: turnInfo.B.relayed },
        { leg: 'coturn <-> client B', a: turnInfo.B.server, b: turnInfo.B.client },
      ],
      peers: turnInfo,
      messages_note: 'counted in werift (TurnProtocol.send / dataReceived) by the client: STUN method and class or ChannelData channel, with what a ChannelData message or the DATA attribute of a Send/Data indication carries; "received" counts what reached the client socket, retransmissions included',
    },
    dtls: dtlsInfo[clientPeer] && {
      version: dtlsInfo[clientPeer].version,
      client: clientPeer, server: serverPeer,
      client_address: dtlsInfo[clientPeer].pair.src, server_address: dtlsInfo[clientPeer].pair.dst,
      cipher_suite: dtlsInfo[clientPeer].cipher_suite, cipher_suite_id: dtlsInfo[clientPeer].cipher_suite_id,
      named_curve: dtlsInfo[serverPeer].named_curve,   // werift keeps the curve on the server side only
      server_key_exchange_signature: 'ecdsa_secp256r1_sha256',
      extended_master_secret: dtlsInfo[clientPeer].extended_master_secret,
      client_random: dtlsInfo[clientPeer].client_random, server_random: dtlsInfo[clientPeer].server_random,
      master_secret: dtlsInfo[clientPeer].master_secret,
      fingerprints_sha256: { A: dtlsInfo.A.local_fingerprint_sha256, B: dtlsInfo.B.local_fingerprint_sha256 },
    },
    srtp: dtlsInfo[clientPeer] && {
      profile: dtlsInfo[clientPeer].srtp_profile, profile_id: dtlsInfo[clientPeer].srtp_profile_id,
      use_srtp_offered_by_client: dtlsInfo[clientPeer].use_srtp_offered,
      server_preference: dtlsInfo[serverPeer].use_srtp_offered,
      keys: dtlsInfo[clientPeer].srtp_keys,
      keys_note: 'RFC 5764 4.2 from the DTLS exporter "EXTRACTOR-dtls_srtp"; the DTLS client protects what it sends with client_write_*, the server with server_write_*',
    },
    rtp_sent: rtpSent,
    rtp_received: Object.fromEntries(Object.entries(received.rtp).map(([p, m]) =>
      [p, Object.fromEntries(Object.entries(m).map(([s, v]) => [`0x${Number(s).toString(16).padStart(8, '0')}`, v]))])),
    srtcp_sent: rtcpSent,
    data_channels: channels.filter((c) => c.kind === 'channel'),
    data_channel_messages: dcSummary,
    data_channel_states_at_end: closedStates,
    offer_sdp: offer,
    answer_sdp: answer,
  };
  fs.writeFileSync(path.join(OUT, `${NAME}.truth.json`), JSON.stringify(truth, null, 2) + '\n');
  fs.writeFileSync(path.join(OUT, `${NAME}.media.truth.jsonl`), media.map((m) => JSON.stringify(m)).join('\n') + '\n');
  fs.writeFileSync(path.join(OUT, `${NAME}.channels.truth.jsonl`), channels.map((m) => JSON.stringify(m)).join('\n') + '\n');

  await Promise.allSettled([pcA.close(), pcB.close()]);
  console.log(JSON.stringify({ name: NAME, dtls: truth.dtls && { client: truth.dtls.client, suite: truth.dtls.cipher_suite },
    srtp: truth.srtp && truth.srtp.profile, five_tuple: truth.ice.five_tuple, turn: truth.turn, rtp_sent: rtpSent, rtp_received: truth.rtp_received,
    srtcp: rtcpSent, dc: dcSummary, states: closedStates }, null, 1));
}

const hard = setTimeout(() => { console.error('record.js: hard time limit reached'); process.exit(2); }, HARD_LIMIT_MS);
main().then(() => { clearTimeout(hard); setTimeout(() => process.exit(0), 200); })
  .catch((e) => { console.error('record.js failed:', e && e.stack || e); process.exit(1); });
