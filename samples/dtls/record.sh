#!/usr/bin/env bash
# Records callscope's DTLS 1.2 WebRTC samples: one WebRTC session between two werift peers
# (the pure-TypeScript WebRTC stack from the npm registry) on loopback, with the DTLS key log.
#
#   usage (as root): samples/dtls/record.sh [NAME ...]
#   NAME is one of: webrtc-dtls12-aescm webrtc-dtls12-gcm (default: both)
#
# Needs: node (>= 16; recorded with 20.20) and npm with the npm registry reachable (only to
# install werift, before anything is recorded), tcpdump, tshark and capinfos (4.0), iproute2.
#
# werift 0.24.4 (the newest release for Node < 22; 0.25 wants Node 22) and its dependencies are
# installed by `npm ci` from the committed package.json and package-lock.json into a temporary
# directory (no node_modules here) and found through NODE_PATH.
#
# Everything is recorded inside a private network namespace that has only `lo`, one process
# (record.js) holding both RTCPeerConnections, signalling in process (no SDP on the wire):
#   peer A 127.0.0.11:40000  offerer, ICE controlling, a=setup:actpass -> DTLS server
#   peer B 127.0.0.12:50000  answerer, ICE controlled, a=setup:active  -> DTLS client
# one bundled ICE/UDP 5-tuple carrying STUN, DTLS 1.2, SRTP/SRTCP and SCTP over DTLS.
# tcpdump listens on lo with --immediate-mode, full snaplen and no filter, and is stopped one
# second after record.js has exited. Every process is bounded (timeout(1), record.js's own
# 60 s limit) and stopped by PID; the namespace is deleted on exit.
#
# For each NAME it writes NAME.pcap, NAME.keys (NSS key log: CLIENT_RANDOM, read out of werift's
# DTLS context), NAME.truth.json, NAME.media.truth.jsonl, NAME.channels.truth.jsonl, and, from
# check.js (tshark with the key log, and an own SRTP/SRTCP decryption), NAME.tshark.tsv.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
NS=callscope-dtls-$$
WERIFT=0.24.4

die() { echo "record.sh: $*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || die "must run as root (network namespace, tcpdump)"
for c in node npm tcpdump tshark capinfos ip timeout; do
  command -v "$c" >/dev/null || die "missing command: $c"
done

WORK=$(mktemp -d /tmp/callscope-dtls-record.XXXXXX)
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

wait_for() {  # SECONDS CMD...: poll until CMD succeeds
  local deadline=$(( SECONDS + $1 )); shift
  until "$@" >/dev/null 2>&1; do
    (( SECONDS < deadline )) || return 1
    sleep 0.1
  done
}

# werift, pinned by package-lock.json, into $WORK/deps (outside the namespace: needs the registry)
mkdir -p "$WORK/deps"
cp "$HERE/package.json" "$HERE/package-lock.json" "$WORK/deps/"
(cd "$WORK/deps" && timeout 300 npm ci --ignore-scripts --no-audit --no-fund >"$WORK/npm.log" 2>&1) \
  || die "npm ci failed, see $WORK/npm.log"
export NODE_PATH=$WORK/deps/node_modules
v=$(node -p 'require(process.env.NODE_PATH + "/werift/package.json").version')
[[ $v == "$WERIFT" ]] || die "werift $v installed, $WERIFT expected"
echo "== werift $v, node $(node --version), $(tshark --version | head -1)"

ip netns add "$NS"
ip -n "$NS" link set lo up

# record NAME PROFILE
record() {
  local name=$1 profile=$2
  local tmp=$WORK/$name.pcap
  echo "== recording $name (SRTP profile preference: $profile)"

  # (ip netns exec execs timeout, so $! is the PID that relays our TERM to tcpdump)
  ip netns exec "$NS" timeout 90 tcpdump -i lo -n -s 0 --immediate-mode -w "$tmp" \
      2>"$WORK/$name.tcpdump.log" &
  local td=$!; PIDS+=("$td")
  wait_for 10 grep -q 'listening on' "$WORK/$name.tcpdump.log" || die "tcpdump did not start"

  ip netns exec "$NS" timeout 70 node "$HERE/record.js" --name "$name" --profile "$profile" --out "$WORK" \
      >"$WORK/$name.record.log" 2>&1 || die "$name: record.js failed, see $WORK/$name.record.log"

  sleep 1                      # let the last packets reach the file
  kill -TERM "$td"; wait "$td" || true
  grep -E 'packets (captured|dropped)' "$WORK/$name.tcpdump.log" | sed 's/^/   tcpdump: /'
  grep -q '^0 packets dropped by kernel' "$WORK/$name.tcpdump.log" || die "$name: tcpdump dropped packets"

  local n
  n=$(timeout 60 tshark -r "$tmp" -Y 'icmp || !udp || !(ip.addr == 127.0.0.11 && ip.addr == 127.0.0.12)' 2>/dev/null | wc -l)
  [[ $n -eq 0 ]] || die "$name: $n packets that are not UDP between 127.0.0.11 and 127.0.0.12 (ICMP?)"

  local rc=0
  node "$HERE/check.js" "$name" "$WORK" >"$WORK/$name.check" 2>&1 || rc=$?
  sed 's/^/   /' "$WORK/$name.check"
  [[ $rc -eq 0 ]] || die "$name: the capture does not match its truth"

  for ext in pcap keys truth.json media.truth.jsonl channels.truth.jsonl tshark.tsv; do
    mv "$WORK/$name.$ext" "$HERE/$name.$ext"
  done
  chown --reference="$HERE" "$HERE/$name".*
  chmod 644 "$HERE/$name".*
  echo "   wrote $HERE/$name.pcap ($(stat -c %s "$HERE/$name.pcap") bytes)"
  DONE+=("$name")
}

names=("$@")
[[ ${#names[@]} -gt 0 ]] || names=(webrtc-dtls12-aescm webrtc-dtls12-gcm)
DONE=()
for n in "${names[@]}"; do
  case $n in
    webrtc-dtls12-aescm) record "$n" aescm ;;
    webrtc-dtls12-gcm)   record "$n" gcm ;;
    *) die "unknown sample: $n" ;;
  esac
done

echo "== summary (from the truth files)"
for n in "${DONE[@]}"; do
  printf '%s: %s packets, %s bytes, %s s\n' "$n.pcap" "$(capinfos -T -r -c "$HERE/$n.pcap" | cut -f2)" \
    "$(stat -c %s "$HERE/$n.pcap")" "$(capinfos -T -r -u "$HERE/$n.pcap" | cut -f2)"
  node -e '
    const t = require(process.argv[1]);
    const d = t.dtls, s = t.srtp;
    console.log(`    ${d.version}, ${d.cipher_suite}, ${d.named_curve}, EMS ${d.extended_master_secret}; client ${d.client} ${d.client_address}, server ${d.server} ${d.server_address}; ${s.profile}`);
    for (const [ssrc, r] of Object.entries(t.rtp_sent))
      console.log(`    RTP ${ssrc} ${r.src} -> ${r.dst}: ${r.packets} (PCMU ${r.audio}, telephone-event ${r.events}), seq ${r.first_seq}..${r.last_seq}`);
    for (const [side, r] of Object.entries(t.srtcp_sent))
      console.log(`    SRTCP from ${side}: ${r.packets} (${Object.entries(r.types).map(([k, n]) => k + " x" + n).join(", ")})`);
    for (const c of t.data_channels)
      console.log(`    channel "${c.label}" stream ${c.stream_id}, opened by ${c.opened_by}, DCEP type ${c.dcep_open.channel_type}, reliability ${c.dcep_open.reliability}`);
    for (const [k, m] of Object.entries(t.data_channel_messages))
      console.log(`    ${k}: ${m.sent_messages} messages, ${m.sent_bytes} bytes (received ${m.received_messages}, ${m.received_bytes})`);
  ' "$HERE/$n.truth.json"
done
