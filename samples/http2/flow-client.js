'use strict';
// The client of http2-flow-stall.pcap: cleartext HTTP/2 with prior knowledge on Node's built-in http2 (nghttp2).
//
//   node flow-client.js LOGFILE [PORT] [PAUSE_AT_BYTES] [PAUSE_MS]     (defaults 8081, 8192, 500)
//
// Advertises SETTINGS_INITIAL_WINDOW_SIZE 4096 (every stream's receive window), GETs /64k (65536 bytes) and,
// once PAUSE_AT_BYTES have been delivered, pauses the response stream (req.pause()) for PAUSE_MS, then resumes.
// While paused, Node stops acknowledging the stream's data, so no stream WINDOW_UPDATE is sent and the server's
// stream window runs down to 0. (Node acknowledges connection-level flow control as soon as bytes arrive,
// paused or not, so the connection window does not stall.)
// Every event goes to LOGFILE as one line: `CLIENT <epoch ms> event=<name> key=value ...`: each chunk delivered
// to the application, pause and resume (with the bytes delivered so far), the end.
const http2 = require('http2');
const fs = require('fs');

const [logFile, portArg, pauseAtArg, pauseMsArg] = process.argv.slice(2);
const PORT = Number(portArg || 8081);
const PAUSE_AT = Number(pauseAtArg || 8192);
const PAUSE_MS = Number(pauseMsArg || 500);
const INITIAL_WINDOW = 4096;

function log(event, kv = {}) {
  let line = `CLIENT ${Date.now()} event=${event}`;
  for (const [k, v] of Object.entries(kv)) if (v !== undefined && v !== null) line += ` ${k}=${v}`;
  fs.appendFileSync(logFile, line + '\n');
}

const client = http2.connect(`http://127.0.0.1:${PORT}`, { settings: { initialWindowSize: INITIAL_WINDOW } });
client.on('error', (e) => { log('session-error', { error: JSON.stringify(e.message) }); process.exitCode = 1; });
client.on('localSettings', (s) => log('settings-acked', { initial_window_size: s.initialWindowSize }));
client.on('remoteSettings', (s) => log('settings-recv', { initial_window_size: s.initialWindowSize, max_frame_size: s.maxFrameSize }));

client.once('connect', () => {
  log('connected', { local: `${client.socket.localAddress}:${client.socket.localPort}`, initial_window_size: INITIAL_WINDOW });
  const t0 = Date.now();
  const req = client.request({ ':method': 'GET', ':path': '/64k' });
  const logRequest = () => log('request', { stream: req.id, path: '/64k' });
  if (req.id !== undefined) logRequest(); else req.once('ready', logRequest);
  let total = 0, chunks = 0, pausedOnce = false;
  req.on('response', (h) => log('response', { stream: req.id, status: h[':status'], 'content-length': h['content-length'] }));
  req.on('data', (chunk) => {
    total += chunk.length;
    chunks++;
    log('recv', { stream: req.id, seq: chunks, bytes: chunk.length, total });
    if (!pausedOnce && total >= PAUSE_AT) {
      pausedOnce = true;
      req.pause();
      const tp = Date.now();
      log('pause', { stream: req.id, total, for_ms: PAUSE_MS, stream_local_window: req.state.localWindowSize });
      setTimeout(() => {
        log('resume', { stream: req.id, total, paused_ms: Date.now() - tp, stream_local_window: req.state.localWindowSize });
        req.resume();
      }, PAUSE_MS);
    }
  });
  req.on('end', () => log('end', { stream: req.id, total, chunks, elapsed_ms: Date.now() - t0 }));
  req.on('close', () => {
    log('stream-close', { stream: req.id, rst_code: req.rstCode, total });
    client.close(() => log('session-closed'));
  });
});
