'use strict';
// A small gRPC server over HTTP/2 + TLS 1.3, written directly on Node's built-in http2 module (nghttp2),
// for samples/http2/record.sh (capture http2-tls-grpc.pcap).
//
//   node grpc-server.js CERT.pem KEY.pem LOGFILE [PORT]      (default port 50443, address 127.0.0.1)
//
// Service demo.Greeter, content-type application/grpc, messages are gRPC length-prefixed
// (1 byte compressed flag, 4 bytes big-endian length) hand-encoded protobuf:
//   HelloRequest { string name = 1; uint32 count = 2; }   HelloReply { string message = 1; }
//   /demo.Greeter/SayHello        unary: names in KNOWN get "Hello, NAME" + grpc-status 0; any other name is
//                                 answered trailers-only with grpc-status 5 (NOT_FOUND) and a percent-encoded
//                                 grpc-message
//   /demo.Greeter/SayHelloStream  server streaming: `count` replies, 30 ms apart, then grpc-status 0
//   /demo.Greeter/SlowHello       answers after HOLD_MS (the client cancels before that)
// Every event goes to LOGFILE as one line: `SERVER <epoch ms> event=<name> key=value ...`.
// The server accepts one TLS connection and exits when that HTTP/2 session has closed.
const http2 = require('http2');
const fs = require('fs');

const [certFile, keyFile, logFile, portArg] = process.argv.slice(2);
const PORT = Number(portArg || 50443);
const KNOWN = new Set(['alice', 'bob', 'Zoë']);
const HOLD_MS = 800;

function fmt(v) {
  const s = String(v);
  return /^[\x21-\x7e]*$/.test(s) && !s.includes('"') && s !== '' ? s : JSON.stringify(s);
}
function log(event, kv = {}) {
  let line = `SERVER ${Date.now()} event=${event}`;
  for (const [k, v] of Object.entries(kv)) if (v !== undefined && v !== null) line += ` ${k}=${fmt(v)}`;
  fs.appendFileSync(logFile, line + '\n');
}

// gRPC: Percent-Byte-Unencoded = %x20-%x24 / %x26-%x7E; everything else (UTF-8 bytes, '%') as %XX
function grpcPercentEncode(s) {
  let out = '';
  for (const c of Buffer.from(s, 'utf8')) {
    out += c >= 0x20 && c <= 0x7e && c !== 0x25 ? String.fromCharCode(c) : '%' + c.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function varint(n) {
  const b = [];
  while (n > 0x7f) { b.push((n & 0x7f) | 0x80); n >>>= 7; }
  b.push(n);
  return Buffer.from(b);
}
function pbString(field, s) {
  const v = Buffer.from(s, 'utf8');
  return Buffer.concat([varint((field << 3) | 2), varint(v.length), v]);
}
function pbDecode(buf) { // field number -> value (string for wire type 2, number for wire type 0)
  const out = {};
  let i = 0;
  const rv = () => { let n = 0, sh = 0, b; do { b = buf[i++]; n += (b & 0x7f) * 2 ** sh; sh += 7; } while (b & 0x80); return n; };
  while (i < buf.length) {
    const tag = rv(), f = Math.floor(tag / 8), wt = tag & 7;
    if (wt === 0) out[f] = rv();
    else if (wt === 2) { const l = rv(); out[f] = buf.subarray(i, i + l).toString('utf8'); i += l; }
    else throw new Error('unsupported wire type ' + wt);
  }
  return out;
}
function grpcFrame(msg) {
  const h = Buffer.alloc(5);
  h.writeUInt8(0, 0);
  h.writeUInt32BE(msg.length, 1);
  return Buffer.concat([h, msg]);
}

const server = http2.createSecureServer({
  cert: fs.readFileSync(certFile),
  key: fs.readFileSync(keyFile),
  ALPNProtocols: ['h2'],
  minVersion: 'TLSv1.3',
  allowHTTP1: false,
});

server.on('session', (session) => {
  const sock = session.socket;
  log('session', { peer: `${sock.remoteAddress}:${sock.remotePort}` });
  session.on('remoteSettings', (s) => log('settings-recv', { settings: JSON.stringify(s) }));
  session.on('ping', (payload) => log('ping-recv', { payload: payload.toString('hex') }));
  session.on('goaway', (code, last) => log('goaway-recv', { error: code, last_stream: last }));
  session.on('close', () => {
    log('session-close');
    server.close();
  });
});
server.on('secureConnection', (tlsSock) => {
  log('tls', { version: tlsSock.getProtocol(), cipher: tlsSock.getCipher().name, alpn: tlsSock.alpnProtocol });
});

server.on('stream', (stream, headers) => {
  const sid = stream.id;
  const path = headers[':path'];
  const t0 = Date.now();
  log('request', {
    stream: sid, path, method: headers[':method'], 'content-type': headers['content-type'], te: headers.te,
    'grpc-timeout': headers['grpc-timeout'], 'x-call-id': headers['x-call-id'],
  });
  let buf = Buffer.alloc(0);
  const reqs = [];
  let reqBytes = 0;
  let timer = null;
  let sent = 0, sentBytes = 0;

  stream.on('data', (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    while (buf.length >= 5 && buf.length >= 5 + buf.readUInt32BE(1)) {
      const len = buf.readUInt32BE(1);
      const msg = buf.subarray(5, 5 + len);
      buf = buf.subarray(5 + len);
      reqs.push(pbDecode(msg));
      reqBytes += len;
      log('recv-msg', { stream: sid, seq: reqs.length, compressed: 0, bytes: len, name: reqs[reqs.length - 1][1] });
    }
  });
  stream.on('aborted', () => log('aborted', { stream: sid }));
  stream.on('close', () => {
    if (timer) clearTimeout(timer);
    log('stream-close', { stream: sid, rst_code: stream.rstCode, recv_msgs: reqs.length, recv_bytes: reqBytes,
      sent_msgs: sent, sent_bytes: sentBytes, elapsed_ms: Date.now() - t0 });
  });

  const okHeaders = { ':status': 200, 'content-type': 'application/grpc', 'grpc-accept-encoding': 'identity' };
  const sendMsg = (text, end) => {
    const m = pbString(1, text);
    sent++;
    sentBytes += m.length;
    log('send-msg', { stream: sid, seq: sent, bytes: m.length, message: text });
    if (end) stream.end(grpcFrame(m)); else stream.write(grpcFrame(m));
  };
  const respondOk = () => {
    stream.respond(okHeaders, { waitForTrailers: true });
    log('send-headers', { stream: sid, status: 200 });
    stream.on('wantTrailers', () => {
      stream.sendTrailers({ 'grpc-status': '0' });
      log('send-trailers', { stream: sid, 'grpc-status': 0 });
    });
  };

  stream.on('end', () => {
    log('recv-end', { stream: sid, msgs: reqs.length, bytes: reqBytes });
    const req = reqs[0] || {};
    const name = req[1] || '';
    if (path === '/demo.Greeter/SayHello' && KNOWN.has(name)) {
      respondOk();
      sendMsg(`Hello, ${name}`, true);
    } else if (path === '/demo.Greeter/SayHello') {
      const message = `no user named ${name} (checked 100% of the directory)`;
      const encoded = grpcPercentEncode(message);
      // trailers-only response: one HEADERS frame with END_STREAM
      stream.respond({ ...okHeaders, 'grpc-status': '5', 'grpc-message': encoded }, { endStream: true });
      log('send-trailers-only', { stream: sid, status: 200, 'grpc-status': 5, 'grpc-message': encoded, message });
    } else if (path === '/demo.Greeter/SayHelloStream') {
      respondOk();
      const n = req[2] || 3;
      let i = 0;
      const next = () => {
        i++;
        if (stream.destroyed) return;
        sendMsg(`Hello #${i} of ${n}, ${name}`, i === n);
        if (i < n) timer = setTimeout(next, 30);
      };
      next();
    } else if (path === '/demo.Greeter/SlowHello') {
      log('hold', { stream: sid, ms: HOLD_MS });
      timer = setTimeout(() => { timer = null; if (!stream.destroyed) { respondOk(); sendMsg(`Hello (late), ${name}`, true); } }, HOLD_MS);
    } else {
      stream.respond({ ...okHeaders, 'grpc-status': '12', 'grpc-message': grpcPercentEncode(`unknown method ${path}`) },
        { endStream: true });
      log('send-trailers-only', { stream: sid, status: 200, 'grpc-status': 12 });
    }
  });
});

server.listen(PORT, '127.0.0.1', () => {
  log('listening', { addr: `127.0.0.1:${PORT}`, node: process.version, nghttp2: process.versions.nghttp2,
    openssl: process.versions.openssl });
  process.stdout.write('READY\n');
});
