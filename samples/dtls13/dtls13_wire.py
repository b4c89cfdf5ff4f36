#!/usr/bin/env python3
"""Decode and decrypt the DTLS 1.3 records of dtls13.pcap with its key log,
independently of wolfSSL and of callscope, and check them against the truth.

    python3 dtls13_wire.py --pcap dtls13.pcap --keylog dtls13.keys \
        --truth dtls13.truth.jsonl --port 4433 [--tsv OUT.tsv]

Writes one line per DTLS record (frame, time, ports, header form, first byte,
epoch bits and full epoch, record sequence number, length, inner content type
and what it carries) to --tsv, prints a summary, and exits 1 when a check
fails: every record must decrypt, the application data of each direction must
be the messages its sender recorded, in order, use_srtp must be offered in the
ClientHello and chosen in the EncryptedExtensions, and the DTLS-SRTP keying
material recomputed from EXPORTER_SECRET must be the one both peers exported.

DTLS 1.3 as RFC 9147 has it: HKDF-Expand-Label with the "dtls13" prefix;
key, iv and sn ("sn" = record number encryption key) from each traffic
secret; the record number is masked with AES-ECB(sn_key, ciphertext[0:16]);
the AEAD nonce is iv XOR the 64-bit record sequence number; the AAD is the
unified header with the sequence number in the clear; epoch 2 is the
handshake, 3 the first application traffic secret, each KeyUpdate the next.
Needs the `cryptography` package (Debian: python3-cryptography) for AES.
"""
import argparse
import hashlib
import hmac
import json
import struct
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

CONTENT = {20: "change_cipher_spec", 21: "alert", 22: "handshake", 23: "application_data",
           25: "tls12_cid", 26: "ack"}
HS = {1: "ClientHello", 2: "ServerHello", 4: "NewSessionTicket", 5: "EndOfEarlyData",
      8: "EncryptedExtensions", 11: "Certificate", 13: "CertificateRequest",
      15: "CertificateVerify", 20: "Finished", 24: "KeyUpdate", 254: "MessageHash"}
ALERT = {0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac", 40: "handshake_failure",
         47: "illegal_parameter", 50: "decode_error", 51: "decrypt_error", 80: "internal_error"}
HRR_RANDOM = hashlib.sha256(b"HelloRetryRequest").digest()
SRTP_PROFILES = {1: "SRTP_AES128_CM_HMAC_SHA1_80", 2: "SRTP_AES128_CM_HMAC_SHA1_32",
                 7: "SRTP_AEAD_AES_128_GCM", 8: "SRTP_AEAD_AES_256_GCM"}


def fail(msg):
    print("dtls13_wire: FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


# --- pcap -------------------------------------------------------------------

def read_pcap(path):
    """(frame, time, src, sport, dst, dport, payload) of each IPv4/UDP packet"""
    data = open(path, "rb").read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        fail("not a pcap file: " + path)
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    linktype = struct.unpack(end + "I", data[20:24])[0] & 0x0FFFFFFF
    if linktype != 1:
        fail("link type %d (expected Ethernet, as tcpdump -i lo writes)" % linktype)
    off, frame, out = 24, 0, []
    while off + 16 <= len(data):
        sec, frac, incl, _orig = struct.unpack(end + "IIII", data[off:off + 16])
        pkt = data[off + 16:off + 16 + incl]
        off += 16 + incl
        frame += 1
        t = sec + frac / (1e9 if nano else 1e6)
        if len(pkt) < 14 or pkt[12:14] != b"\x08\x00":
            fail("frame %d is not IPv4" % frame)
        ip = pkt[14:]
        ihl = (ip[0] & 0x0F) * 4
        if ip[9] != 17:
            fail("frame %d is not UDP" % frame)
        src, dst = ".".join(map(str, ip[12:16])), ".".join(map(str, ip[16:20]))
        total = struct.unpack(">H", ip[2:4])[0]
        udp = ip[ihl:total]
        sport, dport, ulen = struct.unpack(">HHH", udp[:6])
        out.append((frame, t, src, sport, dst, dport, udp[8:ulen]))
    return out


# --- key schedule -----------------------------------------------------------

def expand_label(secret, label, context, length):
    full = b"dtls13" + label
    info = struct.pack(">H", length) + bytes([len(full)]) + full + bytes([len(context)]) + context
    out, block, i = b"", b"", 1
    while len(out) < length:
        block = hmac.new(secret, block + info + bytes([i]), hashlib.sha256).digest()
        out += block
        i += 1
    return out[:length]


class Keys:
    """key, iv and record number key of one traffic secret (AES-128-GCM)"""

    def __init__(self, secret):
        self.secret = secret
        self.aead = AESGCM(expand_label(secret, b"key", b"", 16))
        self.iv = expand_label(secret, b"iv", b"", 12)
        self.sn = Cipher(algorithms.AES(expand_label(secret, b"sn", b"", 16)), modes.ECB())

    def mask(self, sample):
        enc = self.sn.encryptor()
        return enc.update(sample) + enc.finalize()


class Direction:
    """one direction's secrets by epoch (2 handshake, 3.. application)"""

    def __init__(self, hs_secret, app_secret):
        self.secrets = {2: hs_secret, 3: app_secret}
        self.keys = {}
        self.next_seq = {}

    def epoch_keys(self, epoch):
        if epoch not in self.secrets:
            prev = self.epoch_keys(epoch - 1).secret
            self.secrets[epoch] = expand_label(prev, b"traffic upd", b"", 32)
        if epoch not in self.keys:
            self.keys[epoch] = Keys(self.secrets[epoch])
        return self.keys[epoch]


def exporter(exporter_secret, label, context, length):
    empty = hashlib.sha256(b"").digest()
    derived = expand_label(exporter_secret, label, empty, 32)
    return expand_label(derived, b"exporter", hashlib.sha256(context).digest(), length)


# --- records ----------------------------------------------------------------

def split_records(payload):
    """yield (form, header bytes, body) for each record of one datagram"""
    off = 0
    while off < len(payload):
        b0 = payload[off]
        if b0 & 0xE0 == 0x20:                               # unified header 001CSLEE
            if b0 & 0x10:
                fail("connection ID in a unified header: not expected here")
            seqlen = 2 if b0 & 0x08 else 1
            hlen = 1 + seqlen + (2 if b0 & 0x04 else 0)
            if b0 & 0x04:
                length = struct.unpack(">H", payload[off + 1 + seqlen:off + hlen])[0]
            else:
                length = len(payload) - off - hlen
            yield "unified", payload[off:off + hlen], payload[off + hlen:off + hlen + length]
            off += hlen + length
        elif b0 in CONTENT:                                 # DTLSPlaintext, 13 bytes
            length = struct.unpack(">H", payload[off + 11:off + 13])[0]
            yield "plaintext", payload[off:off + 13], payload[off + 13:off + 13 + length]
            off += 13 + length
        else:
            fail("datagram byte 0x%02x is neither DTLSPlaintext nor a unified header" % b0)


def decrypt_unified(direction, header, body):
    """(epoch, seq, inner type, content) of a DTLSCiphertext, or fail"""
    b0 = header[0]
    seqlen = 2 if b0 & 0x08 else 1
    enc_seq = header[1:1 + seqlen]
    for epoch in [e for e in range(2, 16) if e & 3 == b0 & 3]:
        keys = direction.epoch_keys(epoch)
        mask = keys.mask(body[:16])
        low = int.from_bytes(bytes(a ^ b for a, b in zip(enc_seq, mask)), "big")
        win = 1 << (8 * seqlen)
        expected = direction.next_seq.get(epoch, 0)
        seq = (expected & ~(win - 1)) | low
        if seq + win // 2 < expected:
            seq += win
        elif seq > expected + win // 2 and seq >= win:
            seq -= win
        clear_header = bytes([b0]) + low.to_bytes(seqlen, "big") + header[1 + seqlen:]
        nonce = bytes(a ^ b for a, b in zip(keys.iv, seq.to_bytes(12, "big")))
        try:
            inner = keys.aead.decrypt(nonce, body, clear_header)
        except Exception:
            continue
        direction.next_seq[epoch] = max(expected, seq + 1)
        inner = inner.rstrip(b"\x00")
        return epoch, seq, inner[-1], inner[:-1]
    fail("a record (first byte 0x%02x) decrypts with no epoch's keys" % b0)


def extensions(data):
    out, off = [], 0
    while off + 4 <= len(data):
        t, n = struct.unpack(">HH", data[off:off + 4])
        out.append((t, data[off + 4:off + 4 + n]))
        off += 4 + n
    return out


def hello(kind, body, facts):
    """summary of a ClientHello or ServerHello body; facts collects use_srtp"""
    random = body[2:34]
    off = 34
    sid = body[off]
    off += 1 + sid
    if kind == 1:
        cookie = body[off]                  # legacy_cookie, empty in DTLS 1.3
        off += 1 + cookie
        n = struct.unpack(">H", body[off:off + 2])[0]
        suites = body[off + 2:off + 2 + n]
        off += 2 + n
        off += 1 + body[off]                # compression methods
        facts["client_random"] = random.hex()
    else:
        suites = body[off:off + 2]
        off += 3
    exts = extensions(body[off + 2:off + 2 + struct.unpack(">H", body[off:off + 2])[0]])
    names = []
    for t, v in exts:
        names.append(str(t))
        if t == 14:                         # use_srtp
            n = struct.unpack(">H", v[:2])[0]
            profs = [struct.unpack(">H", v[2 + i:4 + i])[0] for i in range(0, n, 2)]
            facts.setdefault("use_srtp", []).append((HS[kind], profs))
    what = "HelloRetryRequest" if kind == 2 and random == HRR_RANDOM else HS[kind]
    facts.setdefault("hellos", []).append(what)
    suites_txt = ",".join("0x%04x" % struct.unpack(">H", suites[i:i + 2])[0]
                          for i in range(0, len(suites), 2))
    return "%s suites=%s extensions=%s" % (what, suites_txt, ",".join(names))


def handshake(content, facts, side):
    parts, off = [], 0
    while off + 12 <= len(content):
        t = content[off]
        length = int.from_bytes(content[off + 1:off + 4], "big")
        mseq = struct.unpack(">H", content[off + 4:off + 6])[0]
        foff = int.from_bytes(content[off + 6:off + 9], "big")
        flen = int.from_bytes(content[off + 9:off + 12], "big")
        body = content[off + 12:off + 12 + flen]
        name = HS.get(t, "type%d" % t)
        frag = "" if (foff == 0 and flen == length) else " fragment %d+%d/%d" % (foff, flen, length)
        detail = ""
        if t in (1, 2) and not frag:
            detail = " " + hello(t, body, facts)
        elif t == 8:
            for et, v in extensions(body[2:]):
                if et == 14:
                    prof = struct.unpack(">H", v[2:4])[0]
                    facts.setdefault("use_srtp", []).append(("EncryptedExtensions", [prof]))
            detail = " extensions=" + ",".join(str(et) for et, _ in extensions(body[2:]))
        elif t == 24:
            detail = " request_update=%d" % body[0]
            facts.setdefault("key_updates", []).append((side, body[0]))
        parts.append("%s(message_seq %d, %d bytes%s)%s" % (name, mseq, length, frag, detail))
        off += 12 + flen
    return "; ".join(parts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pcap", required=True)
    ap.add_argument("--keylog", required=True)
    ap.add_argument("--truth", required=True)
    ap.add_argument("--port", type=int, required=True, help="the server's UDP port")
    ap.add_argument("--tsv")
    a = ap.parse_args()

    packets = read_pcap(a.pcap)
    truth = [json.loads(line) for line in open(a.truth)]
    secrets = {}
    for line in open(a.keylog):
        label, cr, secret = line.split()
        secrets.setdefault(cr, {})[label] = bytes.fromhex(secret)

    facts, rows, app = {}, [], {"client": [], "server": []}
    dirs = None
    t0 = packets[0][1]
    for frame, t, src, sport, dst, dport, payload in packets:
        if src != "127.0.0.1" or dst != "127.0.0.1":
            fail("frame %d is %s -> %s, not loopback" % (frame, src, dst))
        side = "server" if sport == a.port else "client"
        for i, (form, header, body) in enumerate(split_records(payload)):
            if form == "plaintext":
                ctype = header[0]
                epoch = struct.unpack(">H", header[3:5])[0]
                seq = int.from_bytes(header[5:11], "big")
                if epoch != 0:
                    fail("frame %d: a DTLSPlaintext record in epoch %d" % (frame, epoch))
                what = handshake(body, facts, side) if ctype == 22 else body.hex()
                rows.append((frame, "%.6f" % (t - t0), sport, dport, side, i + 1, "DTLSPlaintext",
                             "0x%02x" % header[0], "", epoch, seq, len(body), CONTENT[ctype], what))
                continue
            if dirs is None:
                keys = secrets.get(facts.get("client_random", ""))
                if keys is None:
                    fail("no key log line for the ClientHello's random")
                dirs = {"client": Direction(keys["CLIENT_HANDSHAKE_TRAFFIC_SECRET"],
                                            keys["CLIENT_TRAFFIC_SECRET_0"]),
                        "server": Direction(keys["SERVER_HANDSHAKE_TRAFFIC_SECRET"],
                                            keys["SERVER_TRAFFIC_SECRET_0"])}
            epoch, seq, itype, content = decrypt_unified(dirs[side], header, body)
            b0 = header[0]
            bits = "C%dS%dL%d epoch&3=%d" % ((b0 >> 4) & 1, (b0 >> 3) & 1, (b0 >> 2) & 1, b0 & 3)
            name = CONTENT.get(itype, "type%d" % itype)
            if itype == 22:
                what = handshake(content, facts, side)
            elif itype == 23:
                what = content.decode("ascii")
                app[side].append((frame, epoch, what))
            elif itype == 21:
                what = "%s %s" % ("fatal" if content[0] == 2 else "warning",
                                  ALERT.get(content[1], str(content[1])))
                facts.setdefault("alerts", []).append((side, what))
            elif itype == 26:
                n = struct.unpack(">H", content[:2])[0]
                recs = [struct.unpack(">QQ", content[2 + j:18 + j]) for j in range(0, n, 16)]
                what = "records " + " ".join("%d/%d" % r for r in recs)
            else:
                what = content.hex()
            rows.append((frame, "%.6f" % (t - t0), sport, dport, side, i + 1, "DTLSCiphertext",
                         "0x%02x" % b0, bits, epoch, seq, len(body), name, what))

    if a.tsv:
        with open(a.tsv, "w") as f:
            f.write("frame\ttime\tsrc_port\tdst_port\tfrom\trecord\theader\tfirst_byte\tunified_bits"
                    "\tepoch\tseq\tlength\tinner_type\tcontent\n")
            for r in rows:
                f.write("\t".join(map(str, r)) + "\n")

    # checks against the truth
    for side in ("client", "server"):
        sent = [e["text"] for e in truth if e["side"] == side and e["event"] == "sent"]
        got = [text for _, _, text in app[side]]
        if got != sent:
            fail("%s's application data on the wire %r is not what it sent %r" % (side, got, sent))
    hs = [e for e in truth if e["event"] == "handshake"]
    if not hs or any(e["client_random"] != facts.get("client_random") for e in hs):
        fail("the truth's client random is not the ClientHello's")
    srtp = facts.get("use_srtp", [])
    if not any(w == "ClientHello" and 1 in p for w, p in srtp) \
            or ("EncryptedExtensions", [1]) not in srtp:
        fail("use_srtp SRTP_AES128_CM_HMAC_SHA1_80 not offered and chosen: %r" % srtp)
    exp = secrets[facts["client_random"]].get("EXPORTER_SECRET")
    if exp is None:
        fail("no EXPORTER_SECRET in the key log")
    km = exporter(exp, b"EXTRACTOR-dtls_srtp", b"", 60).hex()
    if any(e.get("srtp_keying_material") != km for e in hs):
        fail("DTLS-SRTP keying material from EXPORTER_SECRET %s is not the peers'" % km)

    print("records: %d in %d datagrams (%d DTLSPlaintext, %d DTLSCiphertext), all decrypted"
          % (len(rows), len(packets), sum(r[6] == "DTLSPlaintext" for r in rows),
             sum(r[6] == "DTLSCiphertext" for r in rows)))
    print("hellos in the clear: " + ", ".join(facts["hellos"]))
    print("use_srtp: " + "; ".join("%s %s" % (w, ",".join(SRTP_PROFILES.get(p, str(p)) for p in ps))
                                   for w, ps in srtp))
    for side in ("client", "server"):
        epochs = sorted({e for _, e, _ in app[side]})
        print("application data from the %s: %d records, epochs %s, as sent"
              % (side, len(app[side]), ",".join(map(str, epochs))))
    for side, req in facts.get("key_updates", []):
        print("KeyUpdate from the %s, request_update=%d" % (side, req))
    for side, what in facts.get("alerts", []):
        print("alert from the %s: %s" % (side, what))
    print("DTLS-SRTP keying material from EXPORTER_SECRET: %s (= both peers' export)" % km)


if __name__ == "__main__":
    main()
