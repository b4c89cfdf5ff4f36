"""Serves page.html on 127.0.0.1:PORT and saves what the page POSTs to /save/FILE into OUT_DIR
(standard library only). Used by record.sh; the page's HTTP is not part of the captures."""
import http.server
import os
import sys

PORT = int(sys.argv[1])
OUT_DIR = sys.argv[2]
HERE = os.path.dirname(os.path.abspath(__file__))


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


http.server.ThreadingHTTPServer(('127.0.0.1', PORT), Page).serve_forever()
