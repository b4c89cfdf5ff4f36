"""Serves ws-page.html on 127.0.0.1:PORT, saves what it POSTs into OUT_DIR, and relays WebSocket
text messages between the page's sockets on PORT+1 (RFC 6455, no extensions, standard library only)."""
import base64
import hashlib
import http.server
import os
import socketserver
import struct
import sys
import threading

PORT = int(sys.argv[1])
OUT_DIR = sys.argv[2]
HERE = os.path.dirname(os.path.abspath(__file__))
GUID = b'258EAFA5-E914-47DA-95CA-C5AB0DC85B11'
clients = []
lock = threading.Lock()


class Page(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=HERE, **kwargs)

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


def send_text(sock, text):
    data = text.encode('utf-8')
    if len(data) < 126:
        head = struct.pack('!BB', 0x81, len(data))
    elif len(data) < 65536:
        head = struct.pack('!BBH', 0x81, 126, len(data))
    else:
        head = struct.pack('!BBQ', 0x81, 127, len(data))
    sock.sendall(head + data)


class Relay(socketserver.StreamRequestHandler):
    def handle(self):
        headers = {}
        self.rfile.readline()
        while True:
            line = self.rfile.readline().decode('latin-1').strip()
            if not line:
                break
            k, _, v = line.partition(':')
            headers[k.strip().lower()] = v.strip()
        accept = base64.b64encode(hashlib.sha1(headers['sec-websocket-key'].encode() + GUID).digest()).decode()
        self.request.sendall(('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'
                              'Sec-WebSocket-Accept: ' + accept + '\r\n\r\n').encode())
        with lock:
            clients.append(self.request)
        message = b''
        try:
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
                    return
                if opcode in (0, 1):
                    message += data
                    if b0 & 0x80:
                        with lock:
                            for other in clients:
                                if other is not self.request:
                                    send_text(other, message.decode('utf-8'))
                        message = b''
        except (EOFError, ConnectionError):
            pass
        finally:
            with lock:
                clients.remove(self.request)


class Threaded(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


threading.Thread(target=Threaded(('127.0.0.1', PORT + 1), Relay).serve_forever, daemon=True).start()
http.server.ThreadingHTTPServer(('127.0.0.1', PORT), Page).serve_forever()
