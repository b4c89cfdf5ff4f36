"""WebSocket signalling relay for samples/webrtc-reneg (RFC 6455, no extensions, standard library only).

Usage: python3 signal-server.py PORT LOGFILE

Listens on 127.0.0.1:PORT. Every page sends JSON text messages:
  {"type":"join","room":"lab","from":"alice"}
  {"type":"offer"|"answer"|"candidate"|"bye","room":"lab","from":..,"to":..,...}
A join registers the connection under its name in the room; the server answers the joiner with
{"type":"peers","room":..,"to":NAME,"peers":[names already there]} and forwards the join to the others.
Every other message is relayed unchanged to the connection registered under "to" in the same room.

Appends one JSON line per event to LOGFILE (epoch seconds with microseconds in "ts"): server-start,
conn-open, message (received), send (relayed or generated), conn-close (by client / eof / server-stop),
server-stop. SIGTERM logs the stop and ends the process at once: the kernel then closes the TCP
connections (FIN), exactly like a crashed server would, without WebSocket close frames.
"""
import base64
import hashlib
import json
import os
import signal
import socket
import socketserver
import struct
import sys
import threading
import time

PORT = int(sys.argv[1])
LOG = sys.argv[2]
GUID = b'258EAFA5-E914-47DA-95CA-C5AB0DC85B11'
lock = threading.Lock()
rooms = {}          # room -> {name: Conn}
conns = {}          # id -> Conn
log_lock = threading.Lock()
next_id = [1]


def log(event, **fields):
    with log_lock:                  # the time is taken under the lock: the file is in time order
        rec = {'ts': round(time.time(), 6), 'event': event}
        rec.update(fields)
        with open(LOG, 'a') as f:
            f.write(json.dumps(rec, separators=(',', ':')) + '\n')


class Conn:
    def __init__(self, sock, addr):
        with lock:
            self.id = next_id[0]
            next_id[0] += 1
        self.sock = sock
        self.addr = '%s:%d' % addr
        self.name = None
        self.room = None
        self.wlock = threading.Lock()

    def send_frame(self, opcode, data):
        if len(data) < 126:
            head = struct.pack('!BB', 0x80 | opcode, len(data))
        elif len(data) < 65536:
            head = struct.pack('!BBH', 0x80 | opcode, 126, len(data))
        else:
            head = struct.pack('!BBQ', 0x80 | opcode, 127, len(data))
        with self.wlock:
            self.sock.sendall(head + data)

    def send_text(self, text, msg):
        data = text.encode('utf-8')
        self.send_frame(1, data)
        log('send', conn=self.id, client=self.addr, name=self.name, type=msg.get('type'),
            **{'from': msg.get('from')}, to=msg.get('to'), size=len(data))


def read_exact(f, n):
    data = f.read(n)
    if len(data) < n:
        raise EOFError
    return data


class Relay(socketserver.StreamRequestHandler):
    def handle(self):
        conn = Conn(self.request, self.client_address)
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with lock:
            conns[conn.id] = conn
        log('conn-open', conn=conn.id, client=conn.addr)
        closed_by, code = 'eof', None
        try:
            headers = {}
            request_line = self.rfile.readline().decode('latin-1').strip()
            while True:
                line = self.rfile.readline()
                if not line:
                    raise EOFError
                line = line.decode('latin-1').strip()
                if not line:
                    break
                k, _, v = line.partition(':')
                headers[k.strip().lower()] = v.strip()
            accept = base64.b64encode(hashlib.sha1(headers['sec-websocket-key'].encode() + GUID).digest()).decode()
            self.request.sendall(('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'
                                  'Sec-WebSocket-Accept: ' + accept + '\r\n\r\n').encode())
            log('ws-handshake', conn=conn.id, client=conn.addr, request=request_line)
            message = b''
            while True:
                b0, b1 = read_exact(self.rfile, 2)
                n = b1 & 0x7F
                if n == 126:
                    n = struct.unpack('!H', read_exact(self.rfile, 2))[0]
                elif n == 127:
                    n = struct.unpack('!Q', read_exact(self.rfile, 8))[0]
                key = read_exact(self.rfile, 4) if b1 & 0x80 else b'\0\0\0\0'
                data = bytes(c ^ key[i % 4] for i, c in enumerate(read_exact(self.rfile, n)))
                opcode = b0 & 0x0F
                if opcode == 8:
                    code = struct.unpack('!H', data[:2])[0] if len(data) >= 2 else None
                    closed_by = 'client'
                    log('close-frame', conn=conn.id, client=conn.addr, name=conn.name, code=code,
                        reason=data[2:].decode('utf-8', 'replace'))
                    try:
                        conn.send_frame(8, data[:2])      # echo the status code, then close TCP
                    except OSError:
                        pass
                    return
                if opcode == 9:
                    conn.send_frame(10, data)
                    continue
                if opcode in (0, 1):
                    message += data
                    if b0 & 0x80:
                        self.on_message(conn, message)
                        message = b''
        except (EOFError, ConnectionError, OSError):
            pass
        finally:
            with lock:
                conns.pop(conn.id, None)
                if conn.room and rooms.get(conn.room, {}).get(conn.name) is conn:
                    del rooms[conn.room][conn.name]
            log('conn-close', conn=conn.id, client=conn.addr, name=conn.name, by=closed_by, code=code)

    def on_message(self, conn, raw):
        try:
            msg = json.loads(raw.decode('utf-8'))
        except ValueError:
            log('message', conn=conn.id, client=conn.addr, name=conn.name, type=None, size=len(raw), error='not json')
            return
        kind = msg.get('type')
        log('message', conn=conn.id, client=conn.addr, name=conn.name, type=kind, **{'from': msg.get('from')},
            to=msg.get('to'), room=msg.get('room'), size=len(raw))
        if kind == 'join':
            room, name = msg.get('room'), msg.get('from')
            with lock:
                members = rooms.setdefault(room, {})
                old = members.get(name)
                members[name] = conn
                conn.name, conn.room = name, room
                others = [c for n, c in members.items() if n != name]
            log('joined', conn=conn.id, client=conn.addr, name=name, room=room,
                replaced_conn=old.id if old is not None and old is not conn else None)
            reply = {'type': 'peers', 'room': room, 'to': name, 'peers': sorted(c.name for c in others)}
            conn.send_text(json.dumps(reply, separators=(',', ':')), reply)
            for other in others:
                try:
                    other.send_text(raw.decode('utf-8'), msg)
                except OSError:
                    pass
            return
        with lock:
            target = rooms.get(msg.get('room'), {}).get(msg.get('to'))
        if target is None:
            log('dropped', conn=conn.id, type=kind, **{'from': msg.get('from')}, to=msg.get('to'), reason='no such peer')
            return
        try:
            target.send_text(raw.decode('utf-8'), msg)
        except OSError as e:
            log('dropped', conn=conn.id, type=kind, **{'from': msg.get('from')}, to=msg.get('to'), reason=str(e))


class Threaded(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


def stop(signum, frame):
    with lock:
        live = list(conns.values())
    for c in live:
        log('conn-close', conn=c.id, client=c.addr, name=c.name, by='server-stop', code=None)
    log('server-stop', pid=os.getpid(), signal=signum)
    os._exit(0)


signal.signal(signal.SIGTERM, stop)
server = Threaded(('127.0.0.1', PORT), Relay)
log('server-start', pid=os.getpid(), listen='127.0.0.1:%d' % PORT)
server.serve_forever()
