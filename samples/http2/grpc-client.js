'use strict';
// The gRPC client of http2-tls-grpc.pcap: Node's built-in http2 (nghttp2) over TLS 1.3 with ALPN h2,
// one connection, calls made one after another (see grpc-server.js for the service).
//
//   node grpc-client.js CA.pem LOGFILE KEYLOGFILE [PORT]     (default port 50443)
//
// Calls: c1-c3 SayHello OK (alice, bob, Zoë); c4 SayHello answered grpc-status 5 NOT_FOUND with a
// percent-encoded grpc-message; c5 SayHelloStream (3 replies); c6 SlowHello, cancelled by the client with
// RST_STREAM CANCEL (8) 150 ms after it was sent, before any answer; then one PING (RTT as Node reports it),
// then session.close() (GOAWAY). Every request carries grpc-timeout 1000m and x-call-id.
// The TLS key log (NSS format) of the connection is written from the socket's 'keylog' event.
// Every event goes to LOGFILE as one line: `CLIENT <epoch ms> event=<name> key=value ...`.
const http2 = require('http2');
const tls = require('tls');
const fs = require('fs');

const [caFile, logFile, keylogFile, portArg] = process.argv.slice(2);
const PORT = Number(portArg || 50443);
const AUTHORITY = `127.0.0.1:${PORT}`;
const CANCEL_AFTER_MS = 150;

function fmt(v) {
  const s = String(v);
  return /^[\x21-\x7e]*$/.test(s) && !s.includes('"') && s !== '' ? s : JSON.stringify(s);
}
function log(event, kv = {}) {
  let line = `CLIENT ${Date.now()} event=${event}`;
  for (const [k, v] of Object.entries(kv)) if (v !== undefined && v !== null) line += ` ${k}=${fmt(v)}`;
  fs.appendFileSync(logFile, line + '\n');
}
function grpcPercentDecode(s) {
  const bytes = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(s.substr(i + 1, 2))) { bytes.push(parseInt(s.substr(i + 1, 2), 16)); i += 2; }
    else bytes.push(...Buffer.from(s[i], 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}
function varint(n) {
  const b = [];
  while (n > 0x7f) { b.push((n & 0x7f) | 0x80); n >>>= 7; }
  b.push(n);
  return Buffer.from(b);
}
function helloRequest(name, count) { // HelloRequest { string name = 1; uint32 count = 2; }
  const v = Buffer.from(name, 'utf8');
  const parts = [varint(0x0a), varint(v.length), v];
  if (count) parts.push(varint(0x10), varint(count));
  return Buffer.concat(parts);
}
function pbString1(buf) { // field 1 of HelloReply
  if (buf[0] !== 0x0a) return null;
  let i = 1, n = 0, sh = 0, b;
  do { b = buf[i++]; n += (b & 0x7f) * 2 ** sh; sh += 7; } while (b & 0x80);
  return buf.subarray(i, i + n).toString('utf8');
}
function grpcFrame(msg) {
  const h = Buffer.alloc(5);
  h.writeUInt32BE(msg.length, 1);
  return Buffer.concat([h, msg]);
}

const client = http2.connect(`https://${AUTHORITY}`, {
  createConnection: () => {
    const s = tls.connect({
      host: '127.0.0.1', port: PORT, ca: fs.readFileSync(caFile), ALPNProtocols: ['h2'],
      minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3',
    });
    s.on('keylog', (line) => fs.appendFileSync(keylogFile, line));
    s.once('secureConnect', () => log('tls', {
      local: `${s.localAddress}:${s.localPort}`, version: s.getProtocol(), cipher: s.getCipher().name, alpn: s.alpnProtocol,
    }));
    return s;
  },
});
client.on('error', (e) => { log('session-error', { error: e.message }); process.exitCode = 1; });
client.on('remoteSettings', (s) => log('settings-recv', { settings: JSON.stringify(s) }));
client.on('goaway', (code, last) => log('goaway-recv', { error: code, last_stream: last }));

function call(id, path, requests, opts = {}) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const req = client.request({
      ':method': 'POST', ':scheme': 'https', ':authority': AUTHORITY, ':path': path,
      'content-type': 'application/grpc', te: 'trailers', 'grpc-timeout': '1000m',
      'grpc-accept-encoding': 'identity', 'user-agent': `callscope-http2-sample node/${process.version}`, 'x-call-id': id,
    });
    let sentBytes = 0;
    // (on a connected session the stream id is assigned inside request(), before a 'ready' listener could run)
    const whenReady = (fn) => { if (req.id !== undefined) fn(); else req.once('ready', fn); };
    whenReady(() => log('call', { call: id, stream: req.id, path, 'grpc-timeout': '1000m', req_msgs: requests.length }));
    requests.forEach((m, i) => {
      sentBytes += m.length;
      whenReady(() => log('send-msg', { call: id, stream: req.id, seq: i + 1, bytes: m.length, name: pbString1(m) }));
      if (i === requests.length - 1) req.end(grpcFrame(m)); else req.write(grpcFrame(m));
    });
    let buf = Buffer.alloc(0);
    let msgs = 0, bytes = 0, status = null, message = null, rawMessage = null, httpStatus = null, cancelled = false;
    req.on('response', (h) => {
      httpStatus = h[':status'];
      const trailersOnly = h['grpc-status'] !== undefined;
      log('response-headers', { call: id, stream: req.id, status: httpStatus, 'content-type': h['content-type'],
        trailers_only: trailersOnly ? 1 : 0 });
      if (trailersOnly) {
        status = Number(h['grpc-status']);
        rawMessage = h['grpc-message'];
        message = rawMessage === undefined ? undefined : grpcPercentDecode(rawMessage);
      }
    });
    req.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 5 && buf.length >= 5 + buf.readUInt32BE(1)) {
        const len = buf.readUInt32BE(1);
        const m = buf.subarray(5, 5 + len);
        buf = buf.subarray(5 + len);
        msgs++;
        bytes += len;
        log('recv-msg', { call: id, stream: req.id, seq: msgs, bytes: len, message: pbString1(m) });
      }
    });
    req.on('trailers', (h) => {
      status = Number(h['grpc-status']);
      rawMessage = h['grpc-message'];
      message = rawMessage === undefined ? undefined : grpcPercentDecode(rawMessage);
      log('trailers', { call: id, stream: req.id, 'grpc-status': status, 'grpc-message': rawMessage });
    });
    if (opts.cancelAfterMs) {
      setTimeout(() => {
        if (req.closed) return;
        cancelled = true;
        log('cancel', { call: id, stream: req.id, rst_code: http2.constants.NGHTTP2_CANCEL, after_ms: Date.now() - t0 });
        req.close(http2.constants.NGHTTP2_CANCEL);
      }, opts.cancelAfterMs);
    }
    req.on('error', (e) => log('stream-error', { call: id, stream: req.id, error: e.code || e.message }));
    req.on('data', () => {});
    req.on('close', () => {
      log('end', {
        call: id, stream: req.id, path, outcome: cancelled ? 'cancelled' : status === 0 ? 'ok' : 'error',
        status: httpStatus, 'grpc-status': status, 'grpc-message': rawMessage, message,
        req_msgs: requests.length, req_bytes: sentBytes, resp_msgs: msgs, resp_bytes: bytes,
        rst_code: req.rstCode, elapsed_ms: Date.now() - t0,
      });
      resolve();
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  await new Promise((r) => client.once('connect', r));
  log('connected', { alpn: client.alpnProtocol });
  await call('c1', '/demo.Greeter/SayHello', [helloRequest('alice')]);
  await sleep(50);
  await call('c2', '/demo.Greeter/SayHello', [helloRequest('bob')]);
  await sleep(50);
  await call('c3', '/demo.Greeter/SayHello', [helloRequest('Zoë')]);
  await sleep(50);
  await call('c4', '/demo.Greeter/SayHello', [helloRequest('Jürgen')]);
  await sleep(50);
  await call('c5', '/demo.Greeter/SayHelloStream', [helloRequest('carol', 3)]);
  await sleep(50);
  await call('c6', '/demo.Greeter/SlowHello', [helloRequest('dave')], { cancelAfterMs: CANCEL_AFTER_MS });
  await sleep(50);
  const payload = Buffer.from('cs-ping1');
  log('ping', { payload: payload.toString('hex') });
  await new Promise((r) => client.ping(payload, (err, duration, p) => {
    log('ping-ack', { ok: err ? 0 : 1, rtt_ms: duration, payload: p && p.toString('hex'), error: err && err.message });
    r();
  }));
  await sleep(50);
  log('close');
  client.close(() => log('session-closed'));
}

main().catch((e) => { log('failed', { error: e.stack }); process.exitCode = 1; client.destroy(); });
