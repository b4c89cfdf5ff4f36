#!/usr/bin/env bash
# Records callscope's secure-WebSocket (WSS) samples: real TLS 1.3 connections
# between the small WebSocket client ("browser") and server of wss.py (Python's
# ssl, i.e. OpenSSL; the WebSocket protocol written with the standard library),
# with the TLS key log of each connection and the truth of every message sent.
#
#   usage (as root): samples/wss/record.sh [NAME ...]
#   NAME is one of: sip-wss json-wss (default: both)
#
# Needs: Debian 12 with python3 (3.8+, stdlib only), openssl (CLI, 3.0),
# tcpdump, tshark and capinfos (4.0), iproute2.
#
# Everything runs inside a private network namespace that has only `lo`:
#   client ("browser")  127.0.0.21:<ephemeral>
#   sip-wss server      127.0.0.22:443   SIP over WebSocket (RFC 7118, subprotocol "sip")
#   json-wss server     127.0.0.23:8443  JSON signalling over WebSocket (no subprotocol)
# One TLS connection per capture. A self-signed RSA 2048 certificate for
# wss.callscope.test is made with `openssl req -x509` in a temporary directory
# (never committed) and shared by the runs of one invocation.
# Both ends clamp the MSS to 1460 and lo's GSO limit is 1500 bytes in the
# namespace, so TCP segments are at most 1448 bytes, as on Ethernet.
# tcpdump listens on lo with --immediate-mode, full snaplen and the filter
# 'host SERVER and tcp port PORT', and is stopped one second after the peers
# have exited. Every process is bounded (timeout(1), socket timeouts) and is
# stopped by PID; the namespace is deleted on exit.
#
# For each NAME it writes NAME.pcap, NAME.keys (NSS key log of the client),
# NAME.truth.jsonl (every message sent in a text frame, in order),
# NAME.frames.jsonl (the HTTP heads and every WebSocket frame, in order) and
# tshark's view: sip-wss.tshark.tsv (the SIP messages), sip-wss.websocket.tsv
# and json-wss.tshark.tsv (the WebSocket frames); it checks that tshark
# decrypted exactly what the truth says, down to the bytes.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
WSS=$HERE/wss.py
CLIENT_ADDR=127.0.0.21
NS=callscope-wss-$$

die() { echo "record.sh: $*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || die "must run as root (network namespace, tcpdump)"
for c in python3 openssl tcpdump tshark capinfos ip timeout; do
  command -v "$c" >/dev/null || die "missing command: $c"
done

WORK=$(mktemp -d /tmp/callscope-wss-record.XXXXXX)
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
    echo "record.sh: failed (rc=$rc); logs kept in $WORK" >&2
  fi
}
trap cleanup EXIT

ip netns add "$NS"
# without a GSO limit the kernel hands tcpdump one super-segment per write on lo
ip -n "$NS" link set lo gso_max_size 1500
ip -n "$NS" link set lo up

wait_for() {  # wait_for SECONDS CMD...: poll until CMD succeeds
  local deadline=$(( SECONDS + $1 )); shift
  until "$@" >/dev/null 2>&1; do
    (( SECONDS < deadline )) || return 1
    sleep 0.1
  done
}

# throwaway certificate and key, for this invocation only
timeout 30 openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
    -keyout "$WORK/key.pem" -out "$WORK/cert.pem" -subj /CN=wss.callscope.test \
    -addext subjectAltName=DNS:wss.callscope.test >/dev/null 2>&1 \
  || die "openssl req failed"

ts() { timeout 60 tshark "$@" 2>>"$WORK/tshark.log"; }

# tshark's view. No -d or websocket option is needed: 443 is HTTP over TLS in
# tshark's defaults (tls.port 443 -> http); on 8443 the server's ALPN
# "http/1.1" (in the encrypted EncryptedExtensions) and the http-over-TLS
# heuristic each pick HTTP; the HTTP dissector follows the Upgrade to
# WebSocket, and the WebSocket dissector hands the text frames of a connection
# whose subprotocol is "sip" to SIP (ws.protocol "sip"). Do not add
# -d tcp.port==443,http: it hands the ciphertext to HTTP and nothing decodes.
tshark_sip() {  # FILE KEYS
  ts -r "$1" -o "tls.keylog_file:$2" -Y sip -T fields \
      -e frame.number -e sip.Method -e sip.Status-Code -e sip.Call-ID -e sip.CSeq
}
# every WebSocket frame (several in one packet: values joined with "|")
tshark_ws() {  # FILE KEYS
  ts -r "$1" -o "tls.keylog_file:$2" -Y websocket -T fields -E occurrence=a -E 'aggregator=|' \
      -e frame.number -e ip.src -e websocket.fin -e websocket.opcode -e websocket.mask \
      -e websocket.payload_length -e websocket.payload_length_ext_16 -e websocket.payload_length_ext_64 \
      -e websocket.payload.text
}

# record NAME MODE SERVER_ADDR PORT
record() {
  local name=$1 mode=$2 addr=$3 port=$4
  local tmp=$WORK/$name.pcap
  echo "== recording $name ($mode, server $addr:$port)"

  # (ip netns exec execs timeout, so $! is the PID that relays our TERM to tcpdump)
  ip netns exec "$NS" timeout 60 tcpdump -i lo -n -s 0 --immediate-mode -w "$tmp" \
      "host $addr and tcp port $port" 2>"$WORK/$name.tcpdump.log" &
  local td=$!; PIDS+=("$td")
  wait_for 10 grep -q 'listening on' "$WORK/$name.tcpdump.log" || die "tcpdump did not start"

  ip netns exec "$NS" timeout 40 python3 "$WSS" run --mode "$mode" \
      --server-addr "$addr" --client-addr "$CLIENT_ADDR" --port "$port" \
      --cert "$WORK/cert.pem" --key "$WORK/key.pem" \
      --truth "$WORK/$name.truth.jsonl" --frames "$WORK/$name.frames.jsonl" --keylog "$WORK/$name.keys" \
      2>"$WORK/$name.run.log" || die "$name: wss.py failed, see $WORK/$name.run.log"
  grep -E '^wss: (client: TLS|done)' "$WORK/$name.run.log" | sed 's/^/   /'

  sleep 1                      # let the last packets reach the file
  kill -TERM "$td"; wait "$td" || true
  grep -E 'packets (captured|dropped)' "$WORK/$name.tcpdump.log" | sed 's/^/   tcpdump: /'
  grep -q '^0 packets dropped by kernel' "$WORK/$name.tcpdump.log" || die "$name: tcpdump dropped packets"

  local big
  big=$(ts -r "$tmp" -Y 'tcp.len > 1448' | wc -l)
  [[ $big -eq 0 ]] || die "$name: $big TCP segments longer than the MSS (GSO on lo?)"

  # differential check: tshark's own decryption against the truth
  local k=$WORK/$name.keys
  ts -r "$tmp" -o "tls.keylog_file:$k" -q -z follow,tls,raw,0 >"$WORK/$name.follow"
  local check=(--truth "$WORK/$name.truth.jsonl" --frames "$WORK/$name.frames.jsonl"
               --client-addr "$CLIENT_ADDR" --follow "$WORK/$name.follow")
  if [[ $mode == sip ]]; then
    tshark_sip "$tmp" "$k" >"$WORK/$name.tshark.tsv"
    tshark_ws "$tmp" "$k" >"$WORK/$name.websocket.tsv"
    check+=(--sip-tsv "$WORK/$name.tshark.tsv" --ws-tsv "$WORK/$name.websocket.tsv")
  else
    tshark_ws "$tmp" "$k" >"$WORK/$name.tshark.tsv"
    check+=(--ws-tsv "$WORK/$name.tshark.tsv")
    # the same frames when tshark may not guess: heuristic off, port given
    ts -r "$tmp" -o "tls.keylog_file:$k" --disable-heuristic http_tls -d "tls.port==$port,http" \
        -Y websocket -T fields -e frame.number >"$WORK/$name.d.frames"
    cut -f1 "$WORK/$name.tshark.tsv" | cmp -s - "$WORK/$name.d.frames" \
      || die "$name: tshark with -d tls.port==$port,http shows other WebSocket frames"
  fi
  local rc=0
  python3 "$WSS" check "${check[@]}" >"$WORK/$name.check" || rc=$?
  sed 's/^/   /' "$WORK/$name.check"
  [[ $rc -eq 0 ]] || die "$name: tshark's decryption differs from the truth"
  # without the key log tshark must see no WebSocket and no SIP at all
  [[ $(ts -r "$tmp" -Y 'websocket || sip || http' | wc -l) -eq 0 ]] \
    || die "$name: tshark sees WebSocket, SIP or HTTP without the keys"

  mv "$tmp" "$HERE/$name.pcap"
  for f in "$WORK/$name".{keys,truth.jsonl,frames.jsonl,tshark.tsv,websocket.tsv}; do
    [[ -e $f ]] && mv "$f" "$HERE/"
  done
  chown --reference="$HERE" "$HERE/$name".*
  chmod 644 "$HERE/$name".*
  echo "   wrote $HERE/$name.pcap ($(stat -c %s "$HERE/$name.pcap") bytes)"
}

names=("$@")
[[ ${#names[@]} -gt 0 ]] || names=(sip-wss json-wss)

for n in "${names[@]}"; do
  case $n in
    sip-wss)  record "$n" sip  127.0.0.22 443 ;;
    json-wss) record "$n" json 127.0.0.23 8443 ;;
    *) die "unknown sample: $n" ;;
  esac
done

echo "== summary (tshark, decrypted with each key log)"
for n in "${names[@]}"; do
  f=$HERE/$n.pcap k=$HERE/$n.keys
  printf '%s: %s packets, %s messages in the truth, %s WebSocket frames\n' "$n.pcap" \
    "$(capinfos -T -r -c "$f" | cut -f2)" "$(wc -l <"$HERE/$n.truth.jsonl")" \
    "$(grep -c '"opcode"' "$HERE/$n.frames.jsonl")"
  ts -r "$f" -Y 'tls.handshake.type == 2' -T fields -E occurrence=a -E aggregator=, \
      -e tls.handshake.extensions.supported_version -e tls.handshake.ciphersuite \
      -e tls.handshake.extensions_key_share_group \
    | awk -F'\t' '{printf "    ServerHello: version %s, suite %s, key share group %s\n", $1, $2, $3}'
  ts -r "$f" -o "tls.keylog_file:$k" -Y http -T fields -E occurrence=a -E aggregator=, \
      -e frame.number -e http.request.method -e http.response.code -e http.upgrade \
      -e http.sec_websocket_protocol \
    | awk -F'\t' '{printf "    HTTP: frame %s %s%s upgrade %s subprotocol [%s]\n", $1, $2, $3, $4, $5}'
  ts -r "$f" -o "tls.keylog_file:$k" -Y websocket -T fields -E occurrence=a -E aggregator=, -e websocket.opcode \
    | tr ',' '\n' | sort -n | uniq -c | awk '{printf "%s x opcode %s; ", $1, $2}' | sed 's/^/    WebSocket frames: /; s/; $/\n/'
  if [[ $n == sip-wss ]]; then
    ts -r "$f" -o "tls.keylog_file:$k" -Y sip -T fields -e sip.Method -e sip.Status-Code \
      | tr '\t' '\n' | tr ',' '\n' | grep . | sort | uniq -c | tr '\n' ' ' | sed 's/^/    decrypted SIP: /; s/$/\n/'
  fi
done
