#!/usr/bin/env bash
# Records samples/dtls-turn/webrtc-dtls12-turn.pcap: the samples/dtls werift scenario (two werift
# 0.24.4 peers in one Node process, DTLS 1.2, SRTP_AES128_CM_HMAC_SHA1_80 with DTMF, SRTCP, two data
# channels, the DTLS key log) with both peers relay-only (iceTransportPolicy 'relay') through a local
# coturn, TURN over UDP with a long-term user u:p (realm callscope):
#
#   peer A 127.0.0.11:40000  <->  coturn 127.0.0.20:3478   (TURN: Allocate, ChannelBind, ChannelData)
#   relayed A 127.0.0.20:491xx  <->  relayed B 127.0.0.20:491xx   (plain UDP: ICE STUN, DTLS, SRTP, SRTCP)
#   coturn 127.0.0.20:3478  <->  peer B 127.0.0.12:50000
#
#   usage (as root): bash samples/dtls-turn/record.sh
#
# Needs: node (>= 16; recorded with 20.20) and npm, tcpdump, tshark and capinfos (4.0), turnserver
# (Debian coturn 4.6), iproute2, coreutils timeout and nice.
#
# werift comes from samples/dtls: its node_modules if someone installed them there, otherwise `npm ci`
# of samples/dtls/package-lock.json (werift 0.24.4) into a temporary directory, from the npm cache if it
# has the packages (--prefer-offline), found through NODE_PATH. Nothing is installed in the source tree.
#
# Everything runs in a private network namespace with only `lo` (deleted on exit): coturn in the
# foreground with its log, pid file and user database in a temporary directory; tcpdump on lo with
# --immediate-mode, full snaplen and no filter, stopped one second after record.js has exited; then
# coturn is stopped. Every program runs under timeout(1); the cleanup stops only the PIDs this script
# started. check.js then checks the capture against the truth (own TURN parse, own SRTP and DTLS
# decryption on every leg, tshark) and writes the .tshark.tsv and .wire.json; the files are copied
# here only if every check passes.
#
# Writes, beside this script: webrtc-dtls12-turn.pcap, .keys (NSS key log, CLIENT_RANDOM), .truth.json,
# .media.truth.jsonl, .channels.truth.jsonl (from record.js), .tshark.tsv and .wire.json (from check.js).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
DTLS=$(cd "$HERE/../dtls" && pwd)
NAME=webrtc-dtls12-turn
NS=callscope-dtlsturn-$$
WERIFT=0.24.4
MAX_BYTES=300000

die() { echo "record.sh: $*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || die "must run as root (network namespace, tcpdump)"
for c in node npm tcpdump tshark capinfos turnserver ip timeout nice; do
  command -v "$c" >/dev/null || die "missing command: $c"
done

WORK=$(mktemp -d /tmp/callscope-dtls-turn-record.XXXXXX)
chmod 755 "$WORK"                    # tcpdump writes here as user tcpdump
PIDS=()

cleanup() {
  local rc=$?
  local pid
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

wait_for() {  # SECONDS CMD...: poll until CMD succeeds
  local deadline=$(( SECONDS + $1 )); shift
  until "$@" >/dev/null 2>&1; do
    (( SECONDS < deadline )) || return 1
    sleep 0.1
  done
}

# werift 0.24.4, pinned by samples/dtls/package-lock.json (outside the namespace: may need the registry)
if [[ -f $DTLS/node_modules/werift/package.json ]]; then
  export NODE_PATH=$DTLS/node_modules
else
  mkdir -p "$WORK/deps"
  cp "$DTLS/package.json" "$DTLS/package-lock.json" "$WORK/deps/"
  (cd "$WORK/deps" && timeout 300 nice -n 10 npm ci --ignore-scripts --no-audit --no-fund --prefer-offline >"$WORK/npm.log" 2>&1) \
    || die "npm ci failed, see $WORK/npm.log"
  export NODE_PATH=$WORK/deps/node_modules
fi
v=$(node -p 'require(process.env.NODE_PATH + "/werift/package.json").version')
[[ $v == "$WERIFT" ]] || die "werift $v found, $WERIFT expected"
echo "== werift $v ($NODE_PATH), node $(node --version), coturn $(turnserver --version 2>&1 | head -1), $(tshark --version 2>/dev/null | head -1)"

ip netns add "$NS"
ip -n "$NS" link set lo up

echo "== recording $NAME"
# coturn in the foreground (ip netns exec execs timeout, so $! is the PID that relays our TERM)
ip netns exec "$NS" timeout 90 turnserver -c "$HERE/turnserver.conf" --log-file "$WORK/turn.log" --no-stdout-log \
    --pidfile "$WORK/turn.pid" --userdb "$WORK/turndb" >"$WORK/turn.stdout" 2>&1 &
TURN=$!; PIDS+=("$TURN")
wait_for 10 grep -q 'UDP listener opened on: 127.0.0.20:3478' "$WORK/turn.log" || die "coturn did not start, see $WORK/turn.log"

ip netns exec "$NS" timeout 90 tcpdump -i lo -n -s 0 --immediate-mode -w "$WORK/$NAME.pcap" \
    2>"$WORK/tcpdump.log" &
TD=$!; PIDS+=("$TD")
wait_for 10 grep -q 'listening on' "$WORK/tcpdump.log" || die "tcpdump did not start"

ip netns exec "$NS" timeout 70 nice -n 10 node "$HERE/record.js" --name "$NAME" --profile aescm --out "$WORK" \
    >"$WORK/record.log" 2>&1 || die "record.js failed, see $WORK/record.log"

sleep 1                      # let the last packets reach the file
kill -TERM "$TD"; wait "$TD" || true
kill -TERM "$TURN"; wait "$TURN" || true
grep -E 'packets (captured|dropped)' "$WORK/tcpdump.log" | sed 's/^/   tcpdump: /'
grep -q '^0 packets dropped by kernel' "$WORK/tcpdump.log" || die "tcpdump dropped packets"
grep -E 'ALLOCATE|CHANNEL_BIND|CREATE_PERMISSION|REFRESH|error' "$WORK/turn.log" | sed 's/^[^ ]* /   coturn: /' || true

size=$(stat -c %s "$WORK/$NAME.pcap")
(( size < MAX_BYTES )) || die "$NAME.pcap is $size bytes (limit $MAX_BYTES)"

rc=0
timeout 120 nice -n 10 node "$HERE/check.js" "$NAME" "$WORK" >"$WORK/check.log" 2>&1 || rc=$?
sed 's/^/   /' "$WORK/check.log"
[[ $rc -eq 0 ]] || die "the capture does not match its truth"

for ext in pcap keys truth.json media.truth.jsonl channels.truth.jsonl tshark.tsv wire.json; do
  cp "$WORK/$NAME.$ext" "$HERE/$NAME.$ext"
done
chown --reference="$HERE" "$HERE/$NAME".*
chmod 644 "$HERE/$NAME".*
printf '== %s: %s packets, %s bytes, %s s\n' "$NAME.pcap" "$(capinfos -T -r -c "$HERE/$NAME.pcap" | cut -f2)" \
  "$(stat -c %s "$HERE/$NAME.pcap")" "$(capinfos -T -r -u "$HERE/$NAME.pcap" | cut -f2)"
node -e '
  const t = require(process.argv[1]);
  const d = t.dtls, s = t.srtp;
  for (const l of t.turn.legs) console.log(`    ${l.leg}: ${l.a} <-> ${l.b}`);
  console.log(`    ${d.version}, ${d.cipher_suite}; DTLS client ${d.client} ${d.client_address}, server ${d.server} ${d.server_address}; ${s.profile}`);
  for (const [ssrc, r] of Object.entries(t.rtp_sent))
    console.log(`    RTP ${ssrc} from ${r.side}: ${r.packets} (PCMU ${r.audio}, telephone-event ${r.events}), seq ${r.first_seq}..${r.last_seq}`);
  for (const [side, r] of Object.entries(t.srtcp_sent))
    console.log(`    SRTCP from ${side}: ${r.packets} (${Object.entries(r.types).map(([k, n]) => k + " x" + n).join(", ")})`);
  for (const [k, m] of Object.entries(t.data_channel_messages))
    console.log(`    ${k}: ${m.sent_messages} messages, ${m.sent_bytes} bytes (received ${m.received_messages}, ${m.received_bytes})`);
' "$HERE/$NAME.truth.json"
