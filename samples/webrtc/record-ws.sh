#!/bin/sh
# Records samples/webrtc/chromium-websocket.pcap: headless Chromium, two RTCPeerConnections in one
# page on 127.0.0.1 (fake camera and microphone, a data channel) whose offer, answer and trickled
# candidates go as JSON over WebSockets that ws-server.py relays; the capture holds those WebSocket
# connections and the UDP media (ICE, DTLS 1.3, SRTP). Saves ws-offer.sdp and ws-answer.sdp beside it.
# Needs root (tcpdump on lo, ip netns), chromium, python3. Everything runs in a network namespace of
# its own with only lo, so no candidate but 127.0.0.1 and ::1 exists; every step is time-bounded.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE}
if [ "${CALLSCOPE_IN_NETNS:-}" != 1 ]; then
  NS=callscope-webrtc-$$
  ip netns add "$NS"
  trap 'ip netns delete "$NS" 2>/dev/null || true' EXIT
  ip -n "$NS" link set lo up
  CALLSCOPE_IN_NETNS=1 ip netns exec "$NS" sh "$0" "$OUT"
  exit $?
fi
PORT=${PORT:-18775}
TMP=$(mktemp -d)
rm -f "$OUT/done" "$OUT/error"
python3 "$HERE/ws-server.py" "$PORT" "$OUT" & SERVER=$!
# UDP and the WebSocket port on loopback, without the page's HTTP; whole packets (an SDP message is bigger than 1500 bytes)
timeout 30 tcpdump -i lo -s 65535 -w "$TMP/raw.pcap" "(udp and not port 53) or tcp port $((PORT + 1))" 2>/dev/null & DUMP=$!
sleep 1
timeout 20 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$TMP/profile" \
  --use-fake-device-for-media-stream --use-fake-ui-for-media-stream --allow-loopback-in-peer-connection \
  --disable-features=WebRtcHideLocalIpsWithMdns,WebRtcPqcForDtls --disable-field-trial-config \
  --remote-debugging-port=0 "http://127.0.0.1:$PORT/ws-page.html" >"$TMP/chromium.log" 2>&1 & BROWSER=$!
i=0
while [ ! -f "$OUT/done" ] && [ ! -f "$OUT/error" ] && [ $i -lt 20 ]; do sleep 1; i=$((i + 1)); done
kill $BROWSER 2>/dev/null || true
sleep 1
kill $DUMP 2>/dev/null || true
kill $SERVER 2>/dev/null || true
wait $DUMP 2>/dev/null || true
cp "$TMP/raw.pcap" "$OUT/chromium-websocket.pcap"
rm -rf "$TMP" "$OUT/done"
if [ -f "$OUT/error" ]; then cat "$OUT/error"; exit 1; fi
ls -l "$OUT/chromium-websocket.pcap" "$OUT/ws-offer.sdp" "$OUT/ws-answer.sdp"
