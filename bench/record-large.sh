#!/usr/bin/env bash
# Records bench/out/large.pcap: about 1M packets of SIP + G.711 RTP from SIPp,
# and bench/out/large-x2.pcap: the same traffic twice (second copy shifted in
# time), for the "memory does not grow when the file doubles" check.
#
#   usage (as root): bench/record-large.sh [CALLS] [RATE]   (default 2100 calls at 25/s)
#
# Each call: INVITE/100/180/200/ACK, 7.05 s of G.711 A-law both ways
# (236 + 236 RTP packets from /usr/share/sip-tester/g711a.pcap), BYE/200:
# 479 packets. 2100 calls give ~1.0M packets, ~300 MB.
#
# Runs in a private network namespace with only `lo`. Every call has its own
# RTP ports ([auto_media_port]: caller 10000+4n, callee 20000+4n), held open
# by bench/udp_sink.py so that loopback sends no ICMP port unreachable.
# tcpdump runs WITHOUT --immediate-mode and with a 256 MiB buffer (-B):
# immediate mode drops packets under this load. Everything is bounded by
# sipp -m/-timeout and timeout(1), and stopped by PID.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$HERE/out
CALLS=${1:-2100}
RATE=${2:-25}
CALLER=127.0.0.11
CALLEE=127.0.0.12
CALLER_MP=10000
CALLEE_MP=20000
NS=callscope-bench-$$
RTP_FILE=/usr/share/sip-tester/g711a.pcap

die() { echo "record-large.sh: $*" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || die "must run as root (network namespace, tcpdump)"
for c in sipp tcpdump ip python3 timeout capinfos editcap mergecap; do
  command -v "$c" >/dev/null || die "missing command: $c"
done
[[ -r $RTP_FILE ]] || die "missing $RTP_FILE (Debian package sip-tester)"
(( CALLS >= 2 && CALLS <= 2500 )) || die "CALLS must be 2..2500 (auto_media_port wraps at 2500)"

mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/callscope-large.XXXXXX)
PIDS=()
cleanup() {
  local rc=$?
  for pid in "${PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; fi
  done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  ip netns del "$NS" 2>/dev/null || true
  if [[ $rc -eq 0 ]]; then rm -rf "$WORK"; else echo "record-large.sh: failed (rc=$rc); logs in $WORK" >&2; fi
}
trap cleanup EXIT

wait_for() {
  local deadline=$(( SECONDS + $1 )); shift
  until "$@" >/dev/null 2>&1; do
    (( SECONDS < deadline )) || return 1
    sleep 0.1
  done
}

ip netns add "$NS"
ip -n "$NS" link set lo up

# calls last ~8.1 s; the whole run CALLS/RATE + 8 s; bound everything well above that
RUN_S=$(( CALLS / RATE + 30 ))
LIMIT_S=$(( RUN_S + 60 ))
last=$(( 4 * (CALLS - 1) ))
start=$(date +%s.%N)

ip netns exec "$NS" timeout "$LIMIT_S" tcpdump -i lo -n -B 262144 -w "$WORK/large.pcap" \
    "host $CALLER or host $CALLEE" 2>"$WORK/tcpdump.log" &
TD=$!; PIDS+=("$TD")
wait_for 10 grep -q 'listening on' "$WORK/tcpdump.log" || die "tcpdump did not start"

# sipp binds -mp and -mp+2 itself; the sink holds the other per-call ports
ip netns exec "$NS" timeout "$LIMIT_S" python3 "$HERE/udp_sink.py" "$LIMIT_S" \
    "$CALLER:$(( CALLER_MP + 4 ))-$(( CALLER_MP + last ))/4" \
    "$CALLEE:$(( CALLEE_MP + 4 ))-$(( CALLEE_MP + last ))/4" >"$WORK/sink.log" 2>&1 &
SINK=$!; PIDS+=("$SINK")
wait_for 20 grep -q 'holding' "$WORK/sink.log" || die "udp sink did not start: $(cat "$WORK/sink.log")"

( cd "$WORK" && exec ip netns exec "$NS" timeout "$LIMIT_S" sipp -sf "$HERE/scenarios/uas-load.xml" \
    -i "$CALLEE" -p 5060 -mi "$CALLEE" -mp "$CALLEE_MP" -m "$CALLS" \
    -timeout "${RUN_S}s" -timeout_error -nostdin -trace_err >"$WORK/uas.log" 2>&1 ) &
UAS=$!; PIDS+=("$UAS")
wait_for 10 ip netns exec "$NS" sh -c "ss -Hlun | grep -q '$CALLEE:5060'" || die "callee did not start"

echo "recording $CALLS calls at $RATE calls/s (about $(( CALLS / RATE + 8 )) s)..."
uac_rc=0
( cd "$WORK" && exec ip netns exec "$NS" timeout "$LIMIT_S" sipp -sf "$HERE/scenarios/uac-load.xml" \
    -i "$CALLER" -p 5060 -mi "$CALLER" -mp "$CALLER_MP" -s bob \
    -m "$CALLS" -r "$RATE" -l 400 -timeout "${RUN_S}s" -timeout_error -nostdin -trace_err \
    "$CALLEE:5060" >"$WORK/uac.log" 2>&1 ) || uac_rc=$?
uas_rc=0; wait "$UAS" || uas_rc=$?
sleep 3                                  # let tcpdump's buffer drain
kill -TERM "$TD"; wait "$TD" || true
kill -TERM "$SINK"; wait "$SINK" || true
end=$(date +%s.%N)

grep -E 'packets (captured|received|dropped)' "$WORK/tcpdump.log" | sed 's/^/tcpdump: /'
for side in uac uas; do
  printf '%s: ' "$side"
  grep -E '^ +(Successful|Failed) call' "$WORK/$side.log" | tail -2 | awk -F'|' '{gsub(/ +/," ",$1); gsub(/ +/,"",$3); printf "%s=%s ", $1, $3}'
  echo
done
[[ $uac_rc -eq 0 && $uas_rc -eq 0 ]] || echo "WARNING: sipp exit codes uac=$uac_rc uas=$uas_rc (some calls failed); see logs in $WORK" >&2

mv "$WORK/large.pcap" "$OUT/large.pcap"
chown --reference="$OUT" "$OUT/large.pcap"    # tcpdump wrote it as user tcpdump
printf 'recording took %.1f s\n' "$(echo "$end - $start" | bc -l 2>/dev/null || python3 -c "print($end - $start)")"

# the same traffic twice: a copy shifted by the capture's duration + 1 s, appended
dur=$(capinfos -u -T -r "$OUT/large.pcap" | awk -F'\t' '{print $2}')
shift_s=$(python3 -c "import math; print(math.ceil(float('$dur')) + 1)")
editcap -F pcap -t "$shift_s" "$OUT/large.pcap" "$WORK/shifted.pcap"
mergecap -F pcap -a -w "$OUT/large-x2.pcap" "$OUT/large.pcap" "$WORK/shifted.pcap"
rm -f "$WORK/shifted.pcap"

for f in "$OUT/large.pcap" "$OUT/large-x2.pcap"; do
  printf '%s: %s packets, %s bytes\n' "$f" "$(capinfos -c -M -T -r "$f" | awk -F'\t' '{print $2}')" "$(stat -c %s "$f")"
done
icmp=$(tcpdump -r "$OUT/large.pcap" -n icmp 2>/dev/null | wc -l)
echo "ICMP packets in large.pcap: $icmp"
