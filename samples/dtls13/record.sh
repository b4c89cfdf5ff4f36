#!/usr/bin/env bash
# Records callscope's DTLS 1.3 sample: one real DTLS 1.3 connection between
# the small wolfSSL client and server of dtls13.c, with the NSS key log the
# peers wrote from wolfSSL's secret callback and each peer's record of what it
# sent, received and negotiated.
#
#   usage (as root): WOLFSSL_PREFIX=/tmp/wolfssl-dtls13 samples/dtls13/record.sh
#
# Needs: Debian 12 with cc (gcc), openssl (CLI), tcpdump, tshark and capinfos
# (4.0), iproute2, python3 with `cryptography` (Debian: python3-cryptography),
# and a wolfSSL built with DTLS 1.3, DTLS-SRTP and the secret callback under
# WOLFSSL_PREFIX (default /tmp/wolfssl-dtls13). No Debian 12 package has that
# (libwolfssl 5.5.4 lacks DTLS 1.3, the secret callback and SRTP); BUILD.md
# says where the source came from and how it was built, in short:
#   ./configure --prefix=/tmp/wolfssl-dtls13 --enable-dtls --enable-dtls13 \
#       --enable-tls13 --enable-srtp --enable-debug=no CPPFLAGS=-DHAVE_SECRET_CALLBACK
#   make -j2 && make install
#
# Everything runs inside a private network namespace that has only `lo`:
#   server  127.0.0.1:4433  (dtls13 server)
#   client  127.0.0.1:4434  (dtls13 client)
# One DTLS 1.3 connection: TLS_AES_128_GCM_SHA256, group P-256, use_srtp
# SRTP_AES128_CM_SHA1_80, a self-signed ECDSA P-256 certificate for
# dtls13.callscope.test made with `openssl req -x509` in a temporary directory
# (its private key is deleted with it), 5 messages each way, one KeyUpdate from
# the client after the third answer, close_notify both ways.
# tcpdump listens on lo (no filter: the namespace has nothing else) with -U,
# --immediate-mode and full snaplen, and is stopped one second after the peers
# have exited. Every process runs under timeout(1) and is stopped by PID; the
# namespace is deleted on exit.
#
# It writes, beside this script:
#   dtls13.pcap         the capture
#   dtls13.keys         the client's NSS key log (the server's must be the same)
#   dtls13.truth.jsonl  both peers' events in time order: the handshake
#                       (version, cipher suite, randoms, SRTP profile, exported
#                       DTLS-SRTP keying material), every application message
#                       sent and received (side, seq, text, bytes), the
#                       KeyUpdate, close_notify
#   dtls13.records.tsv  every DTLS record decoded and decrypted by
#                       dtls13_wire.py (independent of wolfSSL and callscope)
#   dtls13.tshark.tsv   tshark 4.0's view, with -o tls.keylog_file:dtls13.keys
# and checks that dtls13_wire.py decrypts every record to what the peers
# recorded and recomputes their DTLS-SRTP keys from EXPORTER_SECRET.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
WOLFSSL_PREFIX=${WOLFSSL_PREFIX:-/tmp/wolfssl-dtls13}
ADDR=127.0.0.1
SERVER_PORT=4433
CLIENT_PORT=4434
MESSAGES=5
KEY_UPDATE_AFTER=3
NAME=dtls13
NS=callscope-dtls13-$$
CALLSCOPE=$HERE/../../target/callscope

die() { echo "record.sh: $*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || die "must run as root (network namespace, tcpdump)"
for c in cc openssl tcpdump tshark capinfos ip timeout python3; do
  command -v "$c" >/dev/null || die "missing command: $c"
done
python3 -c 'import cryptography' 2>/dev/null \
  || die "python3 lacks the cryptography package (apt-get install python3-cryptography)"
OPTIONS_H=$WOLFSSL_PREFIX/include/wolfssl/options.h
[[ -f $OPTIONS_H && -e $WOLFSSL_PREFIX/lib/libwolfssl.so ]] \
  || die "no wolfSSL under $WOLFSSL_PREFIX: build it as BUILD.md says, or set WOLFSSL_PREFIX"
for d in WOLFSSL_DTLS13 WOLFSSL_SRTP HAVE_SECRET_CALLBACK HAVE_KEYING_MATERIAL; do
  grep -q "^#define $d\$" "$OPTIONS_H" || die "wolfSSL under $WOLFSSL_PREFIX was built without $d"
done
WOLFSSL_VERSION=$(sed -n 's/^#define LIBWOLFSSL_VERSION_STRING "\(.*\)"/\1/p' \
                  "$WOLFSSL_PREFIX/include/wolfssl/version.h")

WORK=$(mktemp -d /tmp/callscope-dtls13-record.XXXXXX)
chmod 755 "$WORK"                    # tcpdump writes here as user tcpdump
PIDS=()

cleanup() {
  local rc=$?
  for pid in "${PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; fi
  done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  ip netns del "$NS" 2>/dev/null || true
  if [[ $rc -eq 0 ]]; then
    rm -rf "$WORK"
  else
    rm -f "$WORK/key.pem"
    echo "record.sh: failed (rc=$rc); logs kept in $WORK" >&2
  fi
}
trap cleanup EXIT

# wait_for SECONDS CMD...: poll until CMD succeeds
wait_for() {
  local deadline=$(( SECONDS + $1 )); shift
  until "$@" >/dev/null 2>&1; do
    (( SECONDS < deadline )) || return 1
    sleep 0.1
  done
}

ts() { timeout 60 tshark "$@" 2>>"$WORK/tshark.log"; }

echo "== building dtls13.c against wolfSSL $WOLFSSL_VERSION ($WOLFSSL_PREFIX)"
timeout 120 nice cc -O2 -Wall -Wextra -std=c11 -D_DEFAULT_SOURCE \
    -I"$WOLFSSL_PREFIX/include" -o "$WORK/dtls13" "$HERE/dtls13.c" \
    -L"$WOLFSSL_PREFIX/lib" -Wl,-rpath,"$WOLFSSL_PREFIX/lib" -lwolfssl \
  || die "cannot build dtls13.c"

# throwaway certificate and key, for this invocation only
timeout 30 openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -keyout "$WORK/key.pem" -out "$WORK/cert.pem" -subj /CN=dtls13.callscope.test \
    -addext subjectAltName=DNS:dtls13.callscope.test >/dev/null 2>&1 \
  || die "openssl req failed"

ip netns add "$NS"
ip -n "$NS" link set lo up

echo "== recording $NAME"
# (ip netns exec execs timeout, so $! is the PID that relays our TERM to tcpdump)
ip netns exec "$NS" timeout 60 tcpdump -i lo -n -U --immediate-mode -s 0 \
    -w "$WORK/$NAME.pcap" 2>"$WORK/tcpdump.log" &
td=$!; PIDS+=("$td")
wait_for 10 grep -q 'listening on' "$WORK/tcpdump.log" || die "tcpdump did not start"

ip netns exec "$NS" timeout 30 "$WORK/dtls13" server --addr "$ADDR" --port "$SERVER_PORT" \
    --cert "$WORK/cert.pem" --key "$WORK/key.pem" --messages "$MESSAGES" \
    --keylog "$WORK/server.keys" --truth "$WORK/server.jsonl" 2>"$WORK/server.log" &
sv=$!; PIDS+=("$sv")
wait_for 10 grep -q 'listening on' "$WORK/server.log" || die "server did not start"

ip netns exec "$NS" timeout 30 "$WORK/dtls13" client --addr "$ADDR" --port "$SERVER_PORT" \
    --client-port "$CLIENT_PORT" --ca "$WORK/cert.pem" --name dtls13.callscope.test \
    --messages "$MESSAGES" --key-update-after "$KEY_UPDATE_AFTER" \
    --keylog "$WORK/client.keys" --truth "$WORK/client.jsonl" 2>"$WORK/client.log" \
  || die "client failed: $(cat "$WORK/client.log")"
wait "$sv" || die "server failed: $(cat "$WORK/server.log")"
sed 's/^/   /' "$WORK/server.log" "$WORK/client.log"
rm -f "$WORK/key.pem"

sleep 1                        # let the last packets reach the file
kill -TERM "$td"; wait "$td" || true
grep -E 'packets (captured|dropped)' "$WORK/tcpdump.log" | sed 's/^/   tcpdump: /'
grep -q '^0 packets dropped by kernel' "$WORK/tcpdump.log" || die "tcpdump dropped packets"

# both peers logged the same secrets
cmp -s <(sort "$WORK/client.keys") <(sort "$WORK/server.keys") \
  || die "the client's and the server's key logs differ"
cp "$WORK/client.keys" "$WORK/$NAME.keys"
# both peers' events, in time order
python3 - "$WORK/client.jsonl" "$WORK/server.jsonl" >"$WORK/$NAME.truth.jsonl" <<'EOF'
import json, sys
events = [json.loads(line) for f in sys.argv[1:] for line in open(f)]
# (a send is stamped just before it, a receipt when it returned; on a tie
# of microseconds the send goes first)
sending = lambda e: e["event"] == "sent" or e["event"].endswith("_sent")
for e in sorted(events, key=lambda e: (e["time"], 0 if sending(e) else 1)):
    print(json.dumps(e))
EOF

# every packet is 127.0.0.1 <-> 127.0.0.1 (UDP, between the two ports)
others=$(ts -r "$WORK/$NAME.pcap" -Y "!(ip.src == $ADDR && ip.dst == $ADDR && udp)" | wc -l)
[[ $others -eq 0 ]] || die "$others packets are not UDP between $ADDR and $ADDR"

# independent decryption against the truth
python3 "$HERE/dtls13_wire.py" --pcap "$WORK/$NAME.pcap" --keylog "$WORK/$NAME.keys" \
    --truth "$WORK/$NAME.truth.jsonl" --port "$SERVER_PORT" --tsv "$WORK/$NAME.records.tsv" \
    >"$WORK/wire.check" || die "dtls13_wire.py: the capture does not match the truth"
sed 's/^/   /' "$WORK/wire.check"

# tshark's view. Per frame: what tshark 4.0 dissects (the content type, epoch
# and sequence number of a DTLSPlaintext header; nothing of a unified header),
# and whether it decrypted anything ("Decrypted DTLS" in its -x output). The
# header column is computed from the datagram's first byte (one record per
# datagram here), not by tshark.
TS_OPTS=(-d "udp.port==$SERVER_PORT,dtls" -o "tls.keylog_file:$WORK/$NAME.keys")
ts -r "$WORK/$NAME.pcap" "${TS_OPTS[@]}" -P -x \
  | awk '/^ *[0-9]+ +[0-9.]+ / {f=$1} /^Decrypted DTLS/ {print f}' | sort -un >"$WORK/decrypted"
ts -r "$WORK/$NAME.pcap" "${TS_OPTS[@]}" -T fields -E occurrence=f \
    -e frame.number -e frame.time_relative -e udp.srcport -e udp.dstport -e udp.payload \
    -e frame.protocols -e dtls.record.content_type -e dtls.record.epoch \
    -e dtls.record.sequence_number -e dtls.handshake.type -e dtls.app_data -e _ws.col.Info \
  | python3 -c '
import sys
decrypted = set(open(sys.argv[1]).read().split())
print("frame\ttime\tsrc_port\tdst_port\tfirst_byte\trecord_header\ttshark_protocols"
      "\ttshark_content_type\ttshark_epoch\ttshark_seq\ttshark_handshake_type"
      "\ttshark_app_data_bytes\ttshark_decrypted\ttshark_info")
for line in sys.stdin:
    f = line.rstrip("\n").split("\t")
    b = int(f[4][:2], 16)
    if b & 0xE0 == 0x20:
        h = "unified C%d S%d L%d epoch_bits %d" % (b >> 4 & 1, b >> 3 & 1, b >> 2 & 1, b & 3)
    else:
        h = "DTLSPlaintext type %d" % b
    app = str(len(f[10]) // 2) if f[10] else ""
    print("\t".join(f[:4] + ["0x%02x" % b, h] + f[5:10]
                    + [app, "yes" if f[0] in decrypted else "no", f[11]]))
' "$WORK/decrypted" \
  >"$WORK/$NAME.tshark.tsv"
# (without -d, the use_srtp of the ClientHello makes tshark take the unified
# headers for RTP: "Unknown RTP version 0")
rtp=$(ts -r "$WORK/$NAME.pcap" -Y 'data' | grep -c 'Unknown RTP version 0' || true)
echo "   tshark without -d: $rtp frames shown as \"Unknown RTP version 0\""
[[ -s "$WORK/decrypted" ]] && echo "   tshark decrypted DTLS in frames: $(tr '\n' ' ' <"$WORK/decrypted")" \
  || echo "   tshark decrypted nothing (tshark 4.0 does not read DTLS 1.3 unified headers)"

mv "$WORK/$NAME.pcap" "$HERE/$NAME.pcap"
for ext in keys truth.jsonl records.tsv tshark.tsv; do mv "$WORK/$NAME.$ext" "$HERE/$NAME.$ext"; done
chown --reference="$HERE" "$HERE/$NAME".*
chmod 644 "$HERE/$NAME".*
size=$(stat -c %s "$HERE/$NAME.pcap")
(( size < 50000 )) || die "$NAME.pcap is $size bytes (more than 50 KB)"
echo "   wrote $HERE/$NAME.pcap ($size bytes, $(capinfos -T -r -c "$HERE/$NAME.pcap" | cut -f2) packets)"

if [[ -x $CALLSCOPE ]]; then
  echo "== callscope read --keylog $NAME.keys $NAME.pcap"
  (cd "$HERE" && timeout 120 "$CALLSCOPE" read --keylog "$NAME.keys" "$NAME.pcap") | sed 's/^/   /' || true
fi
