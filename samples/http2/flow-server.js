'use strict';
// The server of http2-flow-stall.pcap: cleartext HTTP/2 with prior knowledge on Node's built-in http2 (nghttp2).
//
//   node flow-server.js LOGFILE [PORT]        (default port 8081, address 127.0.0.1)
//
// GET /64k is answered with 65536 bytes (content-length 65536), written as 16 writes of 4096 bytes that respect
// back-pressure (after a write returns false it waits for 'drain'). For each write it logs the call (`write`)
// and its completion callback (`write-done`: nghttp2 has taken the bytes into DATA frames, which it can do only
// while the peer's flow-control window is open), with the connection-level send window nghttp2 reports.
// Every event goes to LOGFILE as one line: `SERVER <epoch ms> event=<name> key=value ...`.
// Accepts one connection and exits when that session has closed.
const http2 = require('http2');
const fs = require('fs');

const [logFile, portArg] = process.argv.slice(2);
const PORT = Number(portArg || 8081);
const TOTAL = 65536;
const CHUNK = 4096;

function log(event, kv = {}) {
  let line = `SERVER ${Date.now()} event=${event}`;
  for (const [k, v] of Object.entries(kv)) if (v !== undefined && v !== null) line += ` ${k}=${typeof v === 'object' ? JSON.stringify(JSON.stringify(v)) : v}`;
  fs.appendFileSync(logFile, line + '\n');
}

const body = Buffer.alloc(TOTAL);
for (let i = 0; i < TOTAL; i++) body[i] = 0x41 + (i % 26); // ABC...Z repeated

const server = http2.createServer();
server.on('session', (session) => {
  log('session', { peer: `${session.socket.remoteAddress}:${session.socket.remotePort}` });
  session.on('remoteSettings', (s) => log('settings-recv', { initial_window_size: s.initialWindowSize, max_frame_size: s.maxFrameSize }));
  session.on('goaway', (code, last) => log('goaway-recv', { error: code, last_stream: last }));
  session.on('close', () => { log('session-close'); server.close(); });
});

server.on('stream', (stream, headers) => {
  const sid = stream.id;
  const t0 = Date.now();
  log('request', { stream: sid, method: headers[':method'], path: headers[':path'] });
  if (headers[':path'] !== '/64k') {
    stream.respond({ ':status': 404 }, { endStream: true });
    return;
  }
  stream.respond({ ':status': 200, 'content-type': 'application/octet-stream', 'content-length': TOTAL });
  log('send-headers', { stream: sid, status: 200, 'content-length': TOTAL });
  let off = 0, seq = 0;
  const pump = () => {
    while (off < TOTAL) {
      const chunk = body.subarray(off, off + CHUNK);
      off += CHUNK;
      const n = ++seq;
      const end = off;
      const done = () => log('write-done', { stream: sid, seq: n, offset_end: end, conn_send_window: stream.session && stream.session.state.remoteWindowSize });
      let ok = true;
      if (off >= TOTAL) stream.end(chunk, done); else ok = stream.write(chunk, done);
      log('write', { stream: sid, seq: n, bytes: chunk.length, offset_end: end, returned: ok, buffered: stream.writableLength });
      if (!ok) {
        log('wait-drain', { stream: sid, offset_end: end });
        stream.once('drain', () => { log('drain', { stream: sid, offset_end: end }); pump(); });
        return;
      }
    }
  };
  pump();
  stream.on('close', () => log('stream-close', { stream: sid, rst_code: stream.rstCode, sent_bytes: off, elapsed_ms: Date.now() - t0 }));
});

server.listen(PORT, '127.0.0.1', () => {
  log('listening', { addr: `127.0.0.1:${PORT}`, node: process.version, nghttp2: process.versions.nghttp2 });
  process.stdout.write('READY\n');
});
