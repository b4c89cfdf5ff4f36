"""Room signalling server for samples/webrtc-room (Python standard library only).

Usage: python3 signal-server.py PORT OUT_DIR LOG_FILE

Serves room.html on 127.0.0.1:PORT (HTTP, also accepts POST /save/NAME and writes NAME into
OUT_DIR) and speaks WebSocket (RFC 6455, no extensions) on 127.0.0.1:PORT+1. Rooms use the common
JSON shapes of web video chats:
  join      {"type":"join","room":R,"from":NAME}       -> joiner gets {"type":"peers","room":R,"peers":[...]}
                                                         others get {"type":"peer-joined","room":R,"peer":NAME}
  offer / answer / candidate {"type":..,"room":R,"from":A,"to":B,...} -> relayed unchanged to B
  leave     {"type":"leave","room":R,"from":NAME}      -> others get {"type":"peer-left","room":R,"peer":NAME}
A connection that closes without leave also makes the server send peer-left (reason "disconnect").
Every event goes to LOG_FILE as one JSON line with an epoch timestamp (seconds, microseconds).
"""
import base64
import hashlib
import http.server
import json
import os
import socketserver
import struct
import sys
import threading
import time

PORT = int(sys.argv[1])
OUT_DIR = sys.argv[2]
LOG_FILE = sys.argv[3]
HERE = os.path.dirname(os.path.abspath(__file__))
GUID = b'258EAFA5-E914-47DA-95CA-C5AB0DC85B11'

lock = threading.RLock()          # guards rooms, conns and the log
log_file = open(LOG_FILE, 'a', buffering=1)
rooms = {}                        # room -> {name: Conn}
next_id = [1]


def log(event, **fields):
    line = {'ts': round(time.time(), 6), 'event': event}
    line.update(fields)
    with lock:
        log_file.write(json.dumps(line, separators=(',', ':')) + '\n')


class Page(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=HERE, **kwargs)

    def do_GET(self):
        if self.path.startswith('/schedule'):
            # the recording script writes schedule.json once every page is ready (not captured: HTTP port)
            try:
                with open(os.path.join(OUT_DIR, 'schedule.json'), 'rb') as f:
                    body = f.read()
            except OSError:
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header('Content-Type', 'application/json')
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def do_POST(self):
        name = os.path.basename(self.path)
        body = self.rfile.read(int(self.headers.get('Content-Length', 0)))
        with open(os.path.join(OUT_DIR, name), 'wb') as f:
            f.write(body)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def read_exact(f, n):
    data = f.read(n)
    if len(data) < n:
        raise EOFError
    return data


def frame(opcode, data):
    if len(data) < 126:
        head = struct.pack('!BB', 0x80 | opcode, len(data))
    elif len(data) < 65536:
        head = struct.pack('!BBH', 0x80 | opcode, 126, len(data))
    else:
        head = struct.pack('!BBQ', 0x80 | opcode, 127, len(data))
    return head + data


class Conn:
    def __init__(self, sock, client, server):
        with lock:
            self.id = next_id[0]
            next_id[0] += 1
        self.sock = sock
        self.client = client
        self.server = server
        self.name = None
        self.room = None
        self.closed = False

    def who(self):
        return {'conn': self.id, 'client': self.client, 'peer': self.name}

    def send_json(self, msg, cause=None):
        """Sends msg as one text frame and logs it (cause: the received message it answers or relays)."""
        data = json.dumps(msg, separators=(',', ':')).encode('utf-8')
        wire = frame(1, data)
        with lock:  # one lock for every send and its log line: the log's order is the wire's order
            if self.closed:
                log('drop', reason='connection closed', type=msg.get('type'), **self.who())
                return
            self.sock.sendall(wire)
            self._log_sent(msg, data, wire, cause)

    def _log_sent(self, msg, data, wire, cause):
        fields = dict(self.who())
        fields.update({'dir': 'sent', 'type': msg.get('type'), 'room': msg.get('room'),
                       'from': msg.get('from'), 'to': msg.get('to') or self.name,
                       'size': len(data), 'frame_bytes': len(wire)})
        if 'peer' in msg:
            fields['about'] = msg['peer']
        if 'peers' in msg:
            fields['peers'] = msg['peers']
        if cause is not None:
            fields['relay_of'] = cause
        log('message', **fields)


def leave_room(conn, reason):
    """Removes conn from its room and tells the others; returns True if it was in one."""
    with lock:
        if conn.room is None:
            return False
        members = rooms.get(conn.room, {})
        if members.get(conn.name) is conn:
            del members[conn.name]
        others = list(members.values())
        room, name = conn.room, conn.name
        conn.room = None
        if not members:
            rooms.pop(room, None)
        log('room-leave', room=room, reason=reason, members=sorted(m.name for m in others), **conn.who())
        for other in others:
            other.send_json({'type': 'peer-left', 'room': room, 'peer': name})
    return True


def handle_message(conn, text, wire_bytes, seq):
    data = text.encode('utf-8')
    try:
        msg = json.loads(text)
    except ValueError:
        log('message', dir='received', type=None, size=len(data), frame_bytes=wire_bytes, error='not JSON', **conn.who())
        return
    kind = msg.get('type')
    fields = dict(conn.who())
    fields.update({'dir': 'received', 'seq': seq, 'type': kind, 'room': msg.get('room'),
                   'from': msg.get('from'), 'to': msg.get('to'), 'size': len(data), 'frame_bytes': wire_bytes})
    if kind == 'candidate' and isinstance(msg.get('candidate'), dict):
        fields['candidate'] = msg['candidate'].get('candidate')
    log('message', **fields)
    cause = {'conn': conn.id, 'seq': seq, 'type': kind}
    room = msg.get('room')
    if kind == 'join':
        with lock:
            conn.name = msg.get('from')
            conn.room = room
            members = rooms.setdefault(room, {})
            already = [n for n in members if n != conn.name]
            others = [members[n] for n in already]
            members[conn.name] = conn
            log('identified', room=room, **conn.who())
            log('room-join', room=room, members=sorted(already + [conn.name]), **conn.who())
            conn.send_json({'type': 'peers', 'room': room, 'peers': already}, cause)
            for other in others:
                other.send_json({'type': 'peer-joined', 'room': room, 'peer': conn.name}, cause)
    elif kind in ('offer', 'answer', 'candidate'):
        with lock:
            target = rooms.get(room, {}).get(msg.get('to'))
        if target is None:
            log('drop', reason='no such peer in room', type=kind, room=room, to=msg.get('to'), **conn.who())
        else:
            target.send_json(msg, cause)
    elif kind == 'leave':
        leave_room(conn, 'leave')
    else:
        log('drop', reason='unknown type', type=kind, **conn.who())


class Relay(socketserver.StreamRequestHandler):
    def handle(self):
        client = '%s:%d' % self.client_address[:2]
        server = '%s:%d' % self.request.getsockname()[:2]
        request_line = self.rfile.readline().decode('latin-1').strip()
        headers = {}
        while True:
            line = self.rfile.readline().decode('latin-1').strip()
            if not line:
                break
            k, _, v = line.partition(':')
            headers[k.strip().lower()] = v.strip()
        conn = Conn(self.request, client, server)
        log('open', request=request_line, origin=headers.get('origin'), server=server, **conn.who())
        accept = base64.b64encode(hashlib.sha1(headers['sec-websocket-key'].encode() + GUID).digest()).decode()
        self.request.sendall(('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'
                              'Sec-WebSocket-Accept: ' + accept + '\r\n\r\n').encode())
        message, wire, seq = b'', 0, 0
        closed_by, code, reason = 'client', None, 'TCP closed without a close frame'
        try:
            while True:
                head = read_exact(self.rfile, 2)
                b0, b1 = head
                n = b1 & 0x7F
                ext = b''
                if n == 126:
                    ext = read_exact(self.rfile, 2)
                    n = struct.unpack('!H', ext)[0]
                elif n == 127:
                    ext = read_exact(self.rfile, 8)
                    n = struct.unpack('!Q', ext)[0]
                key = read_exact(self.rfile, 4) if b1 & 0x80 else b'\0\0\0\0'
                data = bytes(c ^ key[i % 4] for i, c in enumerate(read_exact(self.rfile, n)))
                wire += 2 + len(ext) + (4 if b1 & 0x80 else 0) + n
                opcode = b0 & 0x0F
                if opcode == 8:
                    code = struct.unpack('!H', data[:2])[0] if len(data) >= 2 else 1005
                    reason = data[2:].decode('utf-8', 'replace')
                    log('close-frame', dir='received', code=code, reason=reason, **conn.who())
                    echo = data[:2]
                    with lock:
                        conn.sock.sendall(frame(8, echo))
                        conn.closed = True
                        log('close-frame', dir='sent', code=code if echo else None, reason='', **conn.who())
                    break
                if opcode == 9:
                    with lock:
                        conn.sock.sendall(frame(10, data))
                        log('ping', **conn.who())
                    wire = 0
                    continue
                if opcode in (0, 1):
                    message += data
                    if b0 & 0x80:
                        seq += 1
                        handle_message(conn, message.decode('utf-8'), wire, seq)
                        message, wire = b'', 0
        except (EOFError, ConnectionError, OSError):
            code = code or 1006
        finally:
            with lock:
                conn.closed = True
            leave_room(conn, 'disconnect')
            log('close', by=closed_by, code=code, reason=reason, **conn.who())


class Threaded(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


log('listening', http='127.0.0.1:%d' % PORT, websocket='127.0.0.1:%d' % (PORT + 1), pid=os.getpid())
threading.Thread(target=Threaded(('127.0.0.1', PORT + 1), Relay).serve_forever, daemon=True).start()
http.server.ThreadingHTTPServer(('127.0.0.1', PORT), Page).serve_forever()
