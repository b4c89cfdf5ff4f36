#!/bin/sh
# Records samples/webrtc-reneg/webrtc-reneg-tracks.pcap and webrtc-reneg-reconnect.pcap: two headless
# Chromium processes (alice and bob, each with its own profile) load page.html from page-server.py and
# signal through signal-server.py (JSON over a WebSocket, relayed by name). Fake camera and microphone,
# video 160x120 at 10 fps capped at 80 kbit/s, ICE host candidates on 127.0.0.1, DTLS 1.3, SRTP.
#   tracks (about 14 s):    call; t=4 alice adds a canvas "screen share" video track (own stream) ->
#                           offer/answer; t=9 removeTrack + transceiver.stop() -> offer/answer; t=12 close.
#   reconnect (about 25 s): call; t=5 this script kills the signalling server (SIGTERM to its PID) and
#                           starts it again on the same port at t=11; the pages retry their WebSocket every
#                           1 s, re-join, and alice restarts ICE (new ice-ufrag/ice-pwd); t=22 close.
# t is seconds after T0: record.sh starts tcpdump once both pages have opened their fake devices and
# takes T0 a second later; the pages then connect to the signalling server. Besides each NAME.pcap it writes the truth:
# NAME.signalling.jsonl (the server's log), NAME.pages.jsonl (both pages' timelines), NAME.stats.json
# (getStats() snapshots) and NAME.tshark.tsv (WebSocket/TCP frames of the signalling port, RTP per SSRC,
# STUN per USERNAME).
# Usage, as root: bash samples/webrtc-reneg/record.sh [OUT_DIR] [tracks|reconnect|all]
# Needs chromium, tcpdump, tshark, python3, ip. Everything runs in a network namespace of its own with only
# lo; every process is time-bounded and stopped by its PID.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE}
WHICH=${2:-all}
if [ "${CALLSCOPE_IN_NETNS:-}" != 1 ]; then
  NS=callscope-reneg-$$
  ip netns add "$NS"
  trap 'ip netns delete "$NS" 2>/dev/null || true' EXIT
  ip -n "$NS" link set lo up
  CALLSCOPE_IN_NETNS=1 ip netns exec "$NS" sh "$0" "$OUT" "$WHICH"
  exit $?
fi
HTTP_PORT=${HTTP_PORT:-18790}
WS_PORT=$((HTTP_PORT + 1))

# seconds (fractional) from now until T0 + $1, never negative
until_t() { awk -v t0="$T0" -v t="$1" -v now="$(date +%s.%N)" 'BEGIN { d = t0 + t - now; if (d < 0) d = 0; printf "%.3f", d }'; }
sleep_until() { sleep "$(until_t "$1")"; }

browser() {  # NAME: one headless Chromium with its own profile; prints nothing, sets $!
  timeout "$((DUR + 50))" chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$TMP/profile-$1" \
    --use-fake-device-for-media-stream --use-fake-ui-for-media-stream --allow-loopback-in-peer-connection \
    --disable-features=WebRtcHideLocalIpsWithMdns,WebRtcPqcForDtls --disable-field-trial-config \
    --autoplay-policy=no-user-gesture-required --remote-debugging-port=0 \
    "http://127.0.0.1:$HTTP_PORT/page.html?name=$1&scenario=$SCEN&ws=$WS_PORT&capture=$NAME" \
    >"$TMP/chromium-$1.log" 2>&1 &
}

record() {  # SCENARIO DURATION(s)
  SCEN=$1
  DUR=$2
  NAME=webrtc-reneg-$SCEN
  TMP=$(mktemp -d)
  rm -f "$OUT/$NAME".*
  timeout "$((DUR + 60))" python3 "$HERE/page-server.py" "$HTTP_PORT" "$TMP" & PAGES=$!
  timeout "$((DUR + 60))" python3 "$HERE/signal-server.py" "$WS_PORT" "$TMP/signalling.jsonl" & SIG=$!
  sleep 0.5
  # Chromium takes a few seconds to start here: the pages open their fake devices, then wait for T0
  browser alice; ALICE=$!
  browser bob; BOB=$!
  i=0
  while { [ ! -f "$TMP/ready-alice" ] || [ ! -f "$TMP/ready-bob" ]; } && [ $i -lt 150 ]; do sleep 0.2; i=$((i + 1)); done
  if [ ! -f "$TMP/ready-alice" ] || [ ! -f "$TMP/ready-bob" ]; then echo "$NAME: pages not ready after 30 s" >"$TMP/error-script"; fi
  # UDP and the WebSocket port, not the page's HTTP port; whole packets (an SDP is bigger than 1500 bytes)
  timeout "$((DUR + 10))" tcpdump -i lo -n -s 65535 -B 16384 --immediate-mode -w "$TMP/raw.pcap" \
    "udp or tcp port $WS_PORT" 2>"$TMP/tcpdump.log" & DUMP=$!
  sleep 1
  T0=$(date +%s.%N)
  echo "$T0" >"$TMP/t0"
  echo "$NAME: T0=$T0"
  if [ "$SCEN" = reconnect ]; then
    sleep_until 5
    if [ ! -f "$TMP/connected-alice" ] || [ ! -f "$TMP/connected-bob" ]; then
      echo "$NAME: the call was not connected at t=5" >"$TMP/error-script"
    fi
    kill "$SIG"                     # timeout passes the SIGTERM on to the server, which logs server-stop
    wait "$SIG" 2>/dev/null || true
    echo "$NAME: signalling server stopped at $(date +%s.%N)"
    sleep_until 11
    timeout "$((DUR + 10))" python3 "$HERE/signal-server.py" "$WS_PORT" "$TMP/signalling.jsonl" & SIG=$!
    echo "$NAME: signalling server started again at $(date +%s.%N)"
  fi
  # wait for both pages to have closed (or for the end of the run)
  while { [ ! -f "$TMP/done-alice" ] || [ ! -f "$TMP/done-bob" ]; } && [ "$(until_t "$DUR")" != 0.000 ]; do sleep 0.2; done
  sleep_until "$((DUR - 1))"
  kill "$ALICE" "$BOB" 2>/dev/null || true
  wait "$ALICE" "$BOB" 2>/dev/null || true
  sleep_until "$DUR"
  kill "$DUMP" 2>/dev/null || true
  wait "$DUMP" 2>/dev/null || true
  kill "$SIG" "$PAGES" 2>/dev/null || true
  wait "$SIG" "$PAGES" 2>/dev/null || true
  cat "$TMP/tcpdump.log" >&2
  cp "$TMP/raw.pcap" "$OUT/$NAME.pcap"
  cp "$TMP/signalling.jsonl" "$OUT/$NAME.signalling.jsonl"
  python3 "$HERE/truth.py" "$TMP" "$OUT" "$NAME" "$WS_PORT" "$T0"
  for f in "$TMP"/error-*; do
    if [ -f "$f" ]; then echo "$NAME: $(basename "$f"): $(cat "$f")" >&2; FAILED=1; fi
  done
  grep -h '"event":"error"' "$TMP"/*.pages.*.jsonl >&2 && FAILED=1
  rm -rf "$TMP"
  ls -l "$OUT/$NAME".*
}

FAILED=0
case "$WHICH" in
  tracks) record tracks 14 ;;
  reconnect) record reconnect 25 ;;
  *) record tracks 14; record reconnect 25 ;;
esac
exit $FAILED
