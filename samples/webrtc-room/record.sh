#!/bin/sh
# Records samples/webrtc-room/webrtc-room-mesh.pcap: a three-peer mesh video room. signal-server.py
# (Python standard library) serves room.html over HTTP on 127.0.0.1:PORT and runs the room "lab" over
# WebSocket on 127.0.0.1:PORT+1. Three headless Chromium processes (own profiles) load
# room.html?name=alice|bob|carol and join at t=0, 1, 2 s; each newcomer offers to every member
# already in the room (alice-bob, alice-carol, bob-carol: audio + video from the fake devices).
# carol leaves at t=8 s (leave message, closes her connections, WebSocket close 1000), bob at
# t=11 s, alice at t=11.5 s; t=0 is set once all three pages have their fake devices open. Each
# Chromium gets its own loopback address (alice 127.0.0.21, bob .22, carol .23) through bindip.c, an
# LD_PRELOAD shim that rewrites its bind() of ICE sockets to 127.0.0.1 and binds its signalling
# WebSocket before connect. The capture holds UDP and the WebSocket port, not HTTP.
# Writes beside the capture: .signalling.jsonl (server log), .stats.json (getStats per peer and
# connection, page timelines), .tshark.tsv (WebSocket frames), .stun.tsv (STUN per 5-tuple) and
# .rtp.tsv (SRTP/SRTCP per direction and SSRC), all built by truth.py.
# Needs root (ip netns, tcpdump), chromium, python3, gcc, tshark. Everything runs in a network
# namespace of its own with only lo; every process is time-bounded and stopped by its PID.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE}
NAME=webrtc-room-mesh
if [ "${CALLSCOPE_IN_NETNS:-}" != 1 ]; then
  NS=callscope-room-$$
  ip netns add "$NS"
  trap 'ip netns delete "$NS" 2>/dev/null || true' EXIT
  ip -n "$NS" link set lo up
  for a in 21 22 23; do ip -n "$NS" addr add 127.0.0.$a/8 dev lo; done
  CALLSCOPE_IN_NETNS=1 ip netns exec "$NS" sh "$0" "$OUT"
  exit $?
fi
PORT=${PORT:-18781}
WSPORT=$((PORT + 1))
TMP=$(mktemp -d)
gcc -shared -fPIC -O2 -o "$TMP/bindip.so" "$HERE/bindip.c" -ldl
rm -f "$OUT"/ready-* "$OUT"/done-* "$OUT"/error-* "$OUT"/stats-*.json "$OUT/schedule.json" "$OUT/$NAME.signalling.jsonl"
timeout 40 python3 "$HERE/signal-server.py" "$PORT" "$OUT" "$OUT/$NAME.signalling.jsonl" & SERVER=$!
# UDP and the WebSocket port on loopback, without the page's HTTP; whole packets (an SDP is bigger than 1500 bytes)
timeout 40 tcpdump -i lo -s 0 --immediate-mode -w "$TMP/raw.pcap" "(udp and not port 53) or tcp port $WSPORT" 2>"$TMP/tcpdump.log" & DUMP=$!
sleep 1
BROWSERS=
start() {  # name, address
  mkdir -p "$TMP/profile-$1"
  CALLSCOPE_BIND_IP=$2 CALLSCOPE_BIND_CONNECT_PORT=$WSPORT LD_PRELOAD="$TMP/bindip.so" \
  timeout 25 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$TMP/profile-$1" \
    --use-fake-device-for-media-stream --use-fake-ui-for-media-stream --allow-loopback-in-peer-connection \
    --disable-features=WebRtcHideLocalIpsWithMdns,WebRtcPqcForDtls --disable-field-trial-config \
    --remote-debugging-port=0 \
    "http://127.0.0.1:$PORT/room.html?name=$1&room=lab" >"$TMP/chromium-$1.log" 2>&1 &
  BROWSERS="$BROWSERS $!"
}
start alice 127.0.0.21
start bob 127.0.0.22
start carol 127.0.0.23
# wait (at most 10 s) until the three pages have their fake devices open, then publish the schedule:
# alice joins at t=0, bob at 1 s, carol at 2 s; carol leaves at 8 s, bob at 11 s, alice at 11.5 s
i=0
while [ $i -lt 20 ] && ! { [ -f "$OUT/ready-alice" ] && [ -f "$OUT/ready-bob" ] && [ -f "$OUT/ready-carol" ]; }; do sleep 0.5; i=$((i + 1)); done
T0=$(( $(date +%s%3N) + 700 ))
cat >"$OUT/schedule.tmp" <<EOF
{"t0_ms": $T0, "peers": {"alice": {"address": "127.0.0.21", "join": $T0, "leave": $((T0 + 11500))},
 "bob": {"address": "127.0.0.22", "join": $((T0 + 1000)), "leave": $((T0 + 11000))},
 "carol": {"address": "127.0.0.23", "join": $((T0 + 2000)), "leave": $((T0 + 8000))}}}
EOF
mv "$OUT/schedule.tmp" "$OUT/schedule.json"
i=0
while [ $i -lt 30 ]; do
  if [ -f "$OUT/done-alice" ] && [ -f "$OUT/done-bob" ] && [ -f "$OUT/done-carol" ]; then break; fi
  if ls "$OUT"/error-* >/dev/null 2>&1; then break; fi
  sleep 0.5; i=$((i + 1))
done
sleep 0.5
for b in $BROWSERS; do kill "$b" 2>/dev/null || true; done
sleep 1.5
kill $DUMP 2>/dev/null || true
kill $SERVER 2>/dev/null || true
wait 2>/dev/null || true
cp "$TMP/raw.pcap" "$OUT/$NAME.pcap"
fail() { rm -rf "$TMP" "$OUT"/ready-* "$OUT"/done-* "$OUT/schedule.json"; exit 1; }
if ls "$OUT"/error-* >/dev/null 2>&1; then cat "$OUT"/error-*; fail; fi
for p in alice bob carol; do [ -f "$OUT/done-$p" ] || { echo "no stats from $p"; tail -5 "$TMP/chromium-$p.log"; fail; }; done
cp "$OUT/schedule.json" "$TMP/schedule.json"
python3 "$HERE/truth.py" "$OUT" "$NAME" "$WSPORT" "$TMP/schedule.json"
rm -rf "$TMP" "$OUT"/ready-* "$OUT"/done-* "$OUT"/stats-*.json "$OUT/schedule.json"
ls -l "$OUT/$NAME".*
