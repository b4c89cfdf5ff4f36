#!/bin/sh
# Records samples/webrtc-turn/webrtc-turn-relay.pcap (TURN over UDP, about 6 s of media) and
# webrtc-turn-tcp.pcap (TURN over TCP, about 4 s): headless Chromium, two RTCPeerConnections in one page
# (page.html, A offers, B answers), both relay-only through coturn on 127.0.0.1:3478 (user u:p, realm
# callscope, relayed ports 49160-49199), fake camera (160x120, 10 fps, video capped at 100 kbps) and
# microphone both ways, a data channel. Beside each NAME.pcap: NAME.turn.log (coturn's own log),
# NAME.offer.sdp / NAME.answer.sdp, NAME.rawstats.json (getStats just before close), and what
# analyze.py derives: NAME.stats.json, NAME.turn.truth.json, NAME.tshark.tsv.
# Needs root (tcpdump on lo, ip netns), chromium, coturn (turnserver), tshark, python3. Everything runs
# in a network namespace of its own with only lo; every process is time-bounded and stopped by PID.
# Usage: bash samples/webrtc-turn/record.sh [OUT_DIR]
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
if [ "${CALLSCOPE_IN_NETNS:-}" != 1 ]; then
  NS=callscope-turn-$$
  ip netns add "$NS"
  trap 'ip netns delete "$NS" 2>/dev/null || true' EXIT
  ip -n "$NS" link set lo up
  CALLSCOPE_IN_NETNS=1 ip netns exec "$NS" sh "$0" "$OUT"
  python3 "$HERE/analyze.py" "$OUT" webrtc-turn-relay webrtc-turn-tcp
  exit $?
fi
PORT=${PORT:-18785}
TMP=$(mktemp -d)
python3 "$HERE/server.py" "$PORT" "$OUT" >"$TMP/server.log" 2>&1 & SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
sleep 1

# record NAME TRANSPORT MEDIA_MS
record() {
  NAME=$1 TRANSPORT=$2 MS=$3
  rm -f "$OUT/done" "$OUT/error" "$OUT/$NAME".*
  # coturn in the foreground, its log in the temporary directory, its user database there too
  timeout 60 turnserver -c "$HERE/turnserver.conf" --log-file "$TMP/$NAME.turn.log" --no-stdout-log \
    --pidfile "$TMP/$NAME.turn.pid" --userdb "$TMP/$NAME.turndb" >"$TMP/$NAME.turn.stdout" 2>&1 & TURN=$!
  sleep 2
  # everything UDP (client<->server for the UDP capture, relay<->relay always), ICMP, and TCP 3478; not the page's HTTP
  timeout 60 tcpdump -i lo -n -s 0 --immediate-mode -B 32768 -w "$TMP/$NAME.pcap" "udp or icmp or tcp port 3478" \
    2>"$TMP/$NAME.tcpdump.log" & DUMP=$!
  sleep 1
  timeout 45 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$TMP/profile-$NAME" \
    --use-fake-device-for-media-stream --use-fake-ui-for-media-stream --allow-loopback-in-peer-connection \
    --disable-features=WebRtcHideLocalIpsWithMdns,WebRtcPqcForDtls --disable-field-trial-config \
    "http://127.0.0.1:$PORT/page.html?transport=$TRANSPORT&ms=$MS&name=$NAME" >"$TMP/$NAME.chromium.log" 2>&1 & BROWSER=$!
  i=0
  while [ ! -f "$OUT/done" ] && [ ! -f "$OUT/error" ] && [ $i -lt 40 ]; do sleep 1; i=$((i + 1)); done
  kill $BROWSER 2>/dev/null || true
  wait $BROWSER 2>/dev/null || true
  sleep 2
  kill $DUMP 2>/dev/null || true
  wait $DUMP 2>/dev/null || true
  kill $TURN 2>/dev/null || true
  wait $TURN 2>/dev/null || true
  cp "$TMP/$NAME.pcap" "$OUT/$NAME.pcap"
  cp "$TMP/$NAME.turn.log" "$OUT/$NAME.turn.log"
  cat "$TMP/$NAME.tcpdump.log"
  if [ -f "$OUT/error" ]; then cat "$OUT/error"; tail -20 "$TMP/$NAME.chromium.log"; exit 1; fi
  if [ ! -f "$OUT/done" ]; then echo "$NAME: page did not finish"; tail -20 "$TMP/$NAME.chromium.log"; exit 1; fi
  rm -f "$OUT/done"
}

# record, once more (up to 3 tries) if tcpdump reports packets dropped by the kernel
record_checked() {
  for try in 1 2 3; do
    record "$@"
    if grep -q '^0 packets dropped by kernel' "$TMP/$1.tcpdump.log"; then return 0; fi
    echo "$1: tcpdump dropped packets, recording again"
  done
  echo "$1: tcpdump dropped packets three times"; exit 1
}

record_checked webrtc-turn-relay udp 6000
record_checked webrtc-turn-tcp tcp 4000
rm -rf "$TMP"
ls -l "$OUT"/webrtc-turn-*
