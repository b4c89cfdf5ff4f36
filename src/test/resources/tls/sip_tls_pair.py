"""A SIP UAS and UAC over TLS on loopback, for the live decryption test: the UAC writes its
key log (NSS format) while it runs; the UAS answers each INVITE with 200 OK. Bounded: 3 calls,
a 10 s socket timeout. Usage: sip_tls_pair.py HOST PORT KEYLOG CERT KEY"""
import socket
import ssl
import sys
import threading
import time

host, port, keylog, cert, key = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]


def invite(i):
    body = "v=0\r\no=- 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\nm=audio %d RTP/AVP 0\r\n" % (host, host, 40000 + 2 * i)
    return ("INVITE sip:bob@%s:%d;transport=tls SIP/2.0\r\nVia: SIP/2.0/TLS %s:5070;branch=z9hG4bKlive%d\r\n"
            "From: <sip:alice@%s>;tag=a%d\r\nTo: <sip:bob@%s>\r\nCall-ID: live-%d@%s\r\nCSeq: 1 INVITE\r\n"
            "Max-Forwards: 70\r\nContact: <sip:alice@%s:5070;transport=tls>\r\nContent-Type: application/sdp\r\n"
            "Content-Length: %d\r\n\r\n%s" % (host, port, host, i, host, i, host, i, host, host, len(body), body)).encode()


server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
server_ctx.load_cert_chain(cert, key)
client_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
client_ctx.check_hostname = False
client_ctx.verify_mode = ssl.CERT_NONE
client_ctx.keylog_filename = keylog

listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind((host, port))
listener.listen(1)
listener.settimeout(10)


def serve():
    conn, _ = listener.accept()
    conn.settimeout(10)
    s = server_ctx.wrap_socket(conn, server_side=True)
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
        while b"\r\n\r\n" in data:
            end = data.index(b"\r\n\r\n")
            head = data[:end].decode()
            length = int([l for l in head.split("\r\n") if l.lower().startswith("content-length")][0].split(":")[1])
            if len(data) < end + 4 + length:
                break
            data = data[end + 4 + length:]
            call_id = [l for l in head.split("\r\n") if l.startswith("Call-ID")][0]
            s.sendall(("SIP/2.0 200 OK\r\nVia: SIP/2.0/TLS %s:5070;branch=z9hG4bKlive\r\nFrom: <sip:alice@%s>;tag=a\r\n"
                       "To: <sip:bob@%s>;tag=b\r\n%s\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n"
                       % (host, host, host, call_id)).encode())
    s.close()


t = threading.Thread(target=serve)
t.start()
c = client_ctx.wrap_socket(socket.create_connection((host, port), timeout=10))
for i in range(3):
    c.sendall(invite(i))
    c.recv(65536)
    time.sleep(0.05)
c.close()
t.join(15)
listener.close()
