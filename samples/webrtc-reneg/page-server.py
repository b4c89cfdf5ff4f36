"""Serves page.html on 127.0.0.1:PORT (this port is not captured) and collects what the pages POST:
POST /append/NAME appends the body and a newline to OUT_DIR/NAME (the pages' JSON-lines timelines
and getStats() snapshots); POST /mark/NAME writes OUT_DIR/NAME (markers the recording script waits for); GET /state/NAME returns
OUT_DIR/NAME (404 until the script has written it: the pages poll /state/t0 for the start time).
Usage: python3 page-server.py PORT OUT_DIR"""
import http.server
import os
import sys
import threading

PORT = int(sys.argv[1])
OUT_DIR = sys.argv[2]
HERE = os.path.dirname(os.path.abspath(__file__))
lock = threading.Lock()


class Page(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=HERE, **kwargs)

    def do_GET(self):
        if self.path.startswith('/state/'):
            path = os.path.join(OUT_DIR, os.path.basename(self.path.split('?')[0]))
            if not os.path.isfile(path):
                self.send_response(404)
                self.send_header('Content-Length', '0')
                self.end_headers()
                return
            with open(path, 'rb') as f:
                body = f.read()
            self.send_response(200)
            self.send_header('Content-Type', 'text/plain')
            self.send_header('Content-Length', str(len(body)))
            self.send_header('Cache-Control', 'no-store')
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get('Content-Length', 0)))
        parts = self.path.split('?')[0].strip('/').split('/')
        if len(parts) == 2 and parts[0] in ('append', 'mark') and parts[1] and '..' not in parts[1]:
            path = os.path.join(OUT_DIR, os.path.basename(parts[1]))
            with lock:
                with open(path, 'ab' if parts[0] == 'append' else 'wb') as f:
                    f.write(body + (b'\n' if parts[0] == 'append' else b''))
            self.send_response(204)
        else:
            self.send_response(404)
        self.end_headers()

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(('127.0.0.1', PORT), Page).serve_forever()
