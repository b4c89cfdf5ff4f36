#!/usr/bin/env bash
# Records callscope's small SIP/RTP sample captures from real SIPp traffic.
#
#   usage (as root): samples/record.sh [NAME ...]
#   NAME is one of: sip-call sip-busy sip-cancel sip-auth sip-tcp (default: all)
#
# Needs: Debian 12 with sip-tester (sipp), tcpdump, iproute2, python3
# (tshark is optional: used only to print a summary at the end).
#
# Everything runs inside a private network namespace that has only `lo`, so no
# packet can leave the machine and nothing else on the host can mix into the
# capture. Caller 127.0.0.11:5060 (RTP 6000), callee 127.0.0.12:5060 (RTP 7000).
# tcpdump listens on lo with --immediate-mode and a filter on those two
# addresses, and is stopped two seconds after the last SIPp has exited.
# Every process is bounded (sipp -m/-timeout, timeout(1)) and is stopped by PID.
# Running it again overwrites the pcaps with a fresh recording (new timestamps,
# Call-IDs and tags; same message sequence and RTP counts).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SCEN=$HERE/scenarios
RTP_FILE=/usr/share/sip-tester/g711a.pcap   # referenced by scenarios/*-call.xml
CALLER=127.0.0.11
CALLEE=127.0.0.12
SIP_PORT=5060
CALLER_MP=6000
CALLEE_MP=7000
NS=callscope-samples-$$

die() { echo "record.sh: $*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || die "must run as root (network namespace, tcpdump)"
for c in sipp tcpdump ip python3 timeout; do
  command -v "$c" >/dev/null || die "missing command: $c"
done
[[ -r $RTP_FILE ]] || die "missing $RTP_FILE (Debian package sip-tester)"

WORK=$(mktemp -d /tmp/callscope-record.XXXXXX)
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
ip -n "$NS" link set lo up
nsx() { ip netns exec "$NS" "$@"; }

# wait_for SECONDS CMD...: poll until CMD succeeds
wait_for() {
  local deadline=$(( SECONDS + $1 )); shift
  until "$@" >/dev/null 2>&1; do
    (( SECONDS < deadline )) || return 1
    sleep 0.1
  done
}

# record NAME TRANSPORT(u1|t1) UAC_XML UAS_XML CALLS [extra uac args...]
record() {
  local name=$1 transport=$2 uac=$3 uas=$4 calls=$5; shift 5
  local tmp=$WORK/$name.pcap out=$HERE/$name.pcap
  local proto=udp; [[ $transport == t1 ]] && proto=tcp
  echo "== recording $name ($calls call(s), SIP over $proto)"

  # (ip netns exec execs timeout, so $! is the PID that relays our TERM to tcpdump)
  ip netns exec "$NS" timeout 120 tcpdump -i lo -n --immediate-mode -w "$tmp" \
      "host $CALLER or host $CALLEE" 2>"$WORK/$name.tcpdump.log" &
  local td=$!; PIDS+=("$td")
  wait_for 10 grep -q 'listening on' "$WORK/$name.tcpdump.log" || die "tcpdump did not start"

  # callee (UAS); sipp itself binds its -mp port (and -mp+2), which keeps the
  # RTP destination port open: no ICMP port unreachable for the RTP we play.
  ( cd "$WORK" && exec ip netns exec "$NS" timeout 90 sipp -sf "$SCEN/$uas" \
      -t "$transport" -i "$CALLEE" -p "$SIP_PORT" -mi "$CALLEE" -mp "$CALLEE_MP" \
      -m "$calls" -timeout 80s -timeout_error -nostdin -trace_err \
      >"$WORK/$name.uas.log" 2>&1 ) &
  local uas_pid=$!; PIDS+=("$uas_pid")
  wait_for 10 nsx sh -c "ss -Hln | grep -q '$CALLEE:$SIP_PORT'" || die "$name: callee did not start"

  # caller (UAC), one call at a time (-l 1), in the foreground
  ( cd "$WORK" && exec ip netns exec "$NS" timeout 90 sipp -sf "$SCEN/$uac" \
      -t "$transport" -i "$CALLER" -p "$SIP_PORT" -mi "$CALLER" -mp "$CALLER_MP" \
      -s bob -m "$calls" -l 1 -r 1 -timeout 80s -timeout_error -nostdin -trace_err \
      "$@" "$CALLEE:$SIP_PORT" >"$WORK/$name.uac.log" 2>&1 ) \
    || die "$name: caller sipp failed, see $WORK/$name.uac.log"
  wait "$uas_pid" || die "$name: callee sipp failed, see $WORK/$name.uas.log"

  sleep 2                      # let the last packets reach the file
  kill -TERM "$td"; wait "$td" || true
  grep -E 'packets (captured|dropped)' "$WORK/$name.tcpdump.log" | sed 's/^/   tcpdump: /'
  grep -q '^0 packets dropped by kernel' "$WORK/$name.tcpdump.log" || die "$name: tcpdump dropped packets"

  local icmp
  icmp=$(tcpdump -r "$tmp" -n icmp 2>/dev/null | wc -l)
  [[ $icmp -eq 0 ]] || die "$name: $icmp ICMP packets in the capture (RTP port not held open?)"
  mv "$tmp" "$out"
  chown --reference="$HERE" "$out"     # tcpdump wrote it as user tcpdump
  echo "   wrote $out ($(stat -c %s "$out") bytes)"
}

names=("$@")
[[ ${#names[@]} -gt 0 ]] || names=(sip-call sip-busy sip-cancel sip-auth sip-tcp)

for n in "${names[@]}"; do
  case $n in
    sip-call)   record sip-call   u1 uac-call.xml   uas-call.xml   1 ;;
    sip-busy)   record sip-busy   u1 uac-busy.xml   uas-busy.xml   1 ;;
    sip-cancel) record sip-cancel u1 uac-cancel.xml uas-cancel.xml 1 ;;
    sip-auth)   record sip-auth   u1 uac-auth.xml   uas-auth.xml   1 -au alice -ap callscope ;;
    sip-tcp)    record sip-tcp    t1 uac-nortp.xml  uas-nortp.xml  2 ;;
    *) die "unknown sample: $n" ;;
  esac
done

if command -v tshark >/dev/null; then
  echo "== summary (tshark)"
  for n in "${names[@]}"; do
    f=$HERE/$n.pcap
    printf '%-15s packets=%s\n' "$n.pcap" "$(tshark -r "$f" 2>/dev/null | wc -l)"
    tshark -r "$f" -Y sip -T fields -e sip.Method -e sip.Status-Code 2>/dev/null \
      | sort | uniq -c | sed 's/^/    sip: /'
    tshark -r "$f" -Y rtp -T fields -e ip.src -e udp.srcport -e ip.dst -e udp.dstport 2>/dev/null \
      | sort | uniq -c | sed 's/^/    rtp: /'
  done
fi
