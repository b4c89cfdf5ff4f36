#!/usr/bin/env bash
# Records callscope's SIP-over-TLS samples: real TLS connections between the
# small SIP UAC and UAS of sip_tls.py (Python's ssl, i.e. OpenSSL; for one
# capture the UAC is `openssl s_client`), with the TLS key log of each
# connection and the truth of every SIP message sent.
#
#   usage (as root): samples/tls/record.sh [NAME ...]
#   NAME is one of: sip-tls13 sip-tls13-chacha sip-tls12 sip-tls12-chacha
#                   sip-tls12-cbc sip-tls12-cbc-sha1 (default: all)
#
# Needs: Debian 12 with python3 (3.8+, stdlib only), openssl (CLI, 3.0),
# tcpdump, tshark and editcap (4.0), iproute2.
#
# Everything runs inside a private network namespace that has only `lo`:
#   UAS (callee)  127.0.0.12:5061, Python ssl server
#   UAC (caller)  127.0.0.11:<ephemeral>, Python ssl client or openssl s_client
# One TLS connection per capture, 3 answered calls in it (see sip_tls.py for
# the TLS framing of each message). A self-signed RSA 2048 certificate for
# sip.callscope.test is made with `openssl req -x509` in a temporary directory
# (never committed) and shared by the runs of one invocation.
# Both ends clamp the MSS to 1460 and lo's GSO limit is 1500 bytes in the
# namespace, so TCP segments are at most 1448 bytes, as on Ethernet.
# tcpdump listens on lo with --immediate-mode, full snaplen and the filter
# 'host 127.0.0.12 and tcp port 5061', and is stopped one second after the
# peers have exited. Every process is bounded (timeout(1), socket timeouts)
# and is stopped by PID; the namespace is deleted on exit.
#
# For each NAME it writes NAME.pcap, NAME.keys (NSS key log of the UAC),
# NAME.truth.jsonl (every SIP message sent, in order) and NAME.tshark.tsv
# (tshark's own decryption: frame, method, status, Call-ID, CSeq), and checks
# that tshark decrypted exactly the messages of the truth file; it also writes
# sip-tls13-dsb.pcapng (sip-tls13.pcap with its keys embedded by editcap).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
UA=$HERE/sip_tls.py
UAC_ADDR=127.0.0.11
UAS_ADDR=127.0.0.12
PORT=5061
NS=callscope-tls-$$

die() { echo "record.sh: $*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || die "must run as root (network namespace, tcpdump)"
for c in python3 openssl tcpdump tshark editcap capinfos ip timeout ss; do
  command -v "$c" >/dev/null || die "missing command: $c"
done

WORK=$(mktemp -d /tmp/callscope-tls-record.XXXXXX)
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
# Both ends clamp the TCP MSS to 1460 (TCP_MAXSEG in sip_tls.py), as on
# Ethernet. On lo the kernel would still hand tcpdump one GSO super-segment per
# write (a 4 KB "segment" in a connection with MSS 1460); a GSO limit of 1500
# bytes makes it segment for real, so a large TLS record spans several segments.
ip -n "$NS" link set lo gso_max_size 1500
ip -n "$NS" link set lo up

# wait_for SECONDS CMD...: poll until CMD succeeds
wait_for() {
  local deadline=$(( SECONDS + $1 )); shift
  until "$@" >/dev/null 2>&1; do
    (( SECONDS < deadline )) || return 1
    sleep 0.1
  done
}

# throwaway certificate and key, for this invocation only
timeout 30 openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
    -keyout "$WORK/key.pem" -out "$WORK/cert.pem" -subj /CN=sip.callscope.test \
    -addext subjectAltName=DNS:sip.callscope.test >/dev/null 2>&1 \
  || die "openssl req failed"

ts() { timeout 60 tshark "$@" 2>>"$WORK/tshark.log"; }

# tshark's view of the SIP in a capture (5061 is SIP over TLS in tshark's
# defaults: tls.port 5061 -> sip; no -d needed)
tshark_sip() {  # FILE [tshark options...]
  local f=$1; shift
  ts -r "$f" "$@" -Y sip -T fields \
      -e frame.number -e sip.Method -e sip.Status-Code -e sip.Call-ID -e sip.CSeq
}

# record NAME [sip_tls.py run options...]
record() {
  local name=$1; shift
  local tmp=$WORK/$name.pcap
  echo "== recording $name"

  # (ip netns exec execs timeout, so $! is the PID that relays our TERM to tcpdump)
  ip netns exec "$NS" timeout 60 tcpdump -i lo -n -s 0 --immediate-mode -w "$tmp" \
      "host $UAS_ADDR and tcp port $PORT" 2>"$WORK/$name.tcpdump.log" &
  local td=$!; PIDS+=("$td")
  wait_for 10 grep -q 'listening on' "$WORK/$name.tcpdump.log" || die "tcpdump did not start"

  # UAS and UAC (one process, UAS in a thread; s_client is its child)
  ip netns exec "$NS" timeout 40 python3 "$UA" run \
      --uas-addr "$UAS_ADDR" --uac-addr "$UAC_ADDR" --port "$PORT" --calls 3 \
      --cert "$WORK/cert.pem" --key "$WORK/key.pem" \
      --truth "$WORK/$name.truth.jsonl" --keylog "$WORK/$name.keys" \
      --s-client-log "$WORK/$name.s_client.log" "$@" \
      2>"$WORK/$name.ua.log" || die "$name: sip_tls.py failed, see $WORK/$name.ua.log"
  grep -E '^sip_tls: (uas: TLS|done)' "$WORK/$name.ua.log" | sed 's/^/   /'

  sleep 1                      # let the last packets reach the file
  kill -TERM "$td"; wait "$td" || true
  grep -E 'packets (captured|dropped)' "$WORK/$name.tcpdump.log" | sed 's/^/   tcpdump: /'
  grep -q '^0 packets dropped by kernel' "$WORK/$name.tcpdump.log" || die "$name: tcpdump dropped packets"

  local big
  big=$(ts -r "$tmp" -Y 'tcp.len > 1448' | wc -l)
  [[ $big -eq 0 ]] || die "$name: $big TCP segments longer than the MSS (GSO on lo?)"

  # differential check: tshark's own decryption against the truth
  # (fields per SIP frame; and the decrypted bytes of the connection, cut into
  # SIP messages whose SHA-256 must be those of the truth)
  tshark_sip "$tmp" -o "tls.keylog_file:$WORK/$name.keys" >"$WORK/$name.tshark.tsv"
  ts -r "$tmp" -o "tls.keylog_file:$WORK/$name.keys" -q -z follow,tls,raw,0 >"$WORK/$name.follow"
  local rc=0
  python3 "$UA" check --truth "$WORK/$name.truth.jsonl" --tsv "$WORK/$name.tshark.tsv" \
      --follow "$WORK/$name.follow" >"$WORK/$name.check" || rc=$?
  sed 's/^/   /' "$WORK/$name.check"
  [[ $rc -eq 0 ]] || die "$name: tshark did not decrypt the SIP of the truth file"

  mv "$tmp" "$HERE/$name.pcap"
  for ext in keys truth.jsonl tshark.tsv; do mv "$WORK/$name.$ext" "$HERE/$name.$ext"; done
  chown --reference="$HERE" "$HERE/$name".*
  chmod 644 "$HERE/$name".*
  echo "   wrote $HERE/$name.pcap ($(stat -c %s "$HERE/$name.pcap") bytes)"
}

names=("$@")
[[ ${#names[@]} -gt 0 ]] \
  || names=(sip-tls13 sip-tls13-chacha sip-tls12 sip-tls12-chacha sip-tls12-cbc sip-tls12-cbc-sha1)

for n in "${names[@]}"; do
  case $n in
    sip-tls13)          record "$n" ;;
    sip-tls13-chacha)   record "$n" --client openssl --ciphersuites TLS_CHACHA20_POLY1305_SHA256 \
                                    --key-update --key-update-before 2 ;;
    sip-tls12)          record "$n" --tls-max 1.2 --ciphers ECDHE-RSA-AES128-GCM-SHA256 ;;
    sip-tls12-chacha)   record "$n" --tls-max 1.2 --ciphers ECDHE-RSA-CHACHA20-POLY1305 ;;
    sip-tls12-cbc)      record "$n" --tls-max 1.2 --ciphers ECDHE-RSA-AES256-SHA384 ;;
    # (Python's default server cipher list has !SHA1: the UAS needs its own)
    sip-tls12-cbc-sha1) record "$n" --tls-max 1.2 --ciphers ECDHE-RSA-AES128-SHA \
                                    --uas-ciphers ECDHE-RSA-AES128-SHA ;;
    *) die "unknown sample: $n" ;;
  esac
done

# the TLS 1.3 capture with its key log embedded (pcapng Decryption Secrets Block):
# tshark decrypts it without -o tls.keylog_file
if [[ " ${names[*]} " == *" sip-tls13 "* ]]; then
  echo "== sip-tls13-dsb.pcapng"
  editcap --inject-secrets "tls,$HERE/sip-tls13.keys" "$HERE/sip-tls13.pcap" "$WORK/sip-tls13-dsb.pcapng"
  tshark_sip "$WORK/sip-tls13-dsb.pcapng" >"$WORK/sip-tls13-dsb.tshark.tsv"
  cmp -s "$WORK/sip-tls13-dsb.tshark.tsv" "$HERE/sip-tls13.tshark.tsv" \
    || die "sip-tls13-dsb: tshark's decryption differs from sip-tls13.pcap with its key log"
  python3 "$UA" check --truth "$HERE/sip-tls13.truth.jsonl" --tsv "$WORK/sip-tls13-dsb.tshark.tsv" \
    | sed 's/^/   /'
  mv "$WORK/sip-tls13-dsb.pcapng" "$WORK/sip-tls13-dsb.tshark.tsv" "$HERE/"
  chmod 644 "$HERE/sip-tls13-dsb".*
  echo "   wrote $HERE/sip-tls13-dsb.pcapng ($(stat -c %s "$HERE/sip-tls13-dsb.pcapng") bytes)"
fi

echo "== summary (tshark, decrypted with each key log)"
for n in "${names[@]}"; do
  f=$HERE/$n.pcap k=$HERE/$n.keys
  printf '%s: %s packets, %s SIP messages in the truth\n' "$n.pcap" \
    "$(capinfos -T -r -c "$f" | cut -f2)" "$(wc -l <"$HERE/$n.truth.jsonl")"
  # ServerHello: version, suite, extensions (22 encrypt_then_mac, 23 extended_master_secret)
  ts -r "$f" -Y 'tls.handshake.type == 2' -T fields -E occurrence=a -E aggregator=, \
      -e tls.handshake.version -e tls.handshake.extensions.supported_version \
      -e tls.handshake.ciphersuite -e tls.handshake.extension.type \
    | awk -F'\t' '{v=($2!="")?$2:$1; printf "    ServerHello: version %s, suite %s, extensions %s\n", v, $3, $4}'
  ts -r "$f" -o "tls.keylog_file:$k" -Y 'tls.handshake.type == 24' -T fields \
      -e frame.number -e ip.src -e tls.handshake.key_update.request_update \
    | awk -F'\t' '{printf "    KeyUpdate: frame %s from %s, request_update %s\n", $1, $2, $3}'
  ts -r "$f" -o "tls.keylog_file:$k" -Y sip -T fields -e sip.Method -e sip.Status-Code \
    | tr '\t' '\n' | tr ',' '\n' | grep . | sort | uniq -c | tr '\n' ' ' | sed 's/^/    decrypted SIP: /; s/$/\n/'
done
