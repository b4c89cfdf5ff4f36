#!/usr/bin/env bash
# Records callscope's HEP samples: SIPp calls through a Kamailio proxy whose
# siptrace module mirrors every SIP message as HEP to 127.0.0.1:9060, with
# tcpdump capturing both the SIP traffic and the HEP packets.
#
#   usage (as root): samples/hep/record.sh [NAME ...]
#   NAME is one of: kamailio-hep3 kamailio-hep2 (default: both)
#
# Needs: Debian 12 with kamailio (5.6), sip-tester (sipp), tcpdump, iproute2,
# python3 (tshark is optional: used only for the summary at the end).
#
# Everything runs inside a private network namespace that has only `lo`:
#   caller (SIPp UAC)  127.0.0.11:5060
#   proxy (Kamailio)   127.0.0.20:5060, record-routes, relays to the callee
#   callee (SIPp UAS)  127.0.0.12:5060
#   HEP collector      127.0.0.1:9060, held open by bench/udp_sink.py (reads
#                      and discards) so that the kernel does not answer the
#                      HEP datagrams with ICMP port unreachable
# tcpdump listens on lo with --immediate-mode and the filter
# 'udp port 5060 or udp port 9060', and is stopped two seconds after the last
# peer has exited. Every process is bounded (sipp -m/-timeout, timeout(1)) and
# is stopped by PID; the namespace is deleted on exit.
#
# Kamailio runs in the foreground (-DD -E) with samples/hep/kamailio.cfg, its
# own runtime directory under a temporary directory, HEP version and capture
# id given with -A, and LOG_MIRRORED, which makes it log one line per message
# it mirrors: the script checks that this count equals the HEP packets and the
# SIP datagrams in the capture.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SINK=$ROOT/bench/udp_sink.py
CFG=$HERE/kamailio.cfg
CALLER=127.0.0.11
CALLEE=127.0.0.12
PROXY=127.0.0.20
SIP_PORT=5060
HEP_ADDR=127.0.0.1
HEP_PORT=9060
CALLS=3
NS=callscope-hep-$$

die() { echo "record.sh: $*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || die "must run as root (network namespace, tcpdump)"
for c in kamailio sipp tcpdump ip python3 timeout ss; do
  command -v "$c" >/dev/null || die "missing command: $c"
done

WORK=$(mktemp -d /tmp/callscope-hep-record.XXXXXX)
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

# record NAME HEP_VERSION CAPTURE_ID
record() {
  local name=$1 version=$2 capture_id=$3
  local tmp=$WORK/$name.pcap out=$HERE/$name.pcap run=$WORK/$name.run
  mkdir -p "$run"
  echo "== recording $name ($CALLS calls, siptrace HEPv$version, capture id $capture_id)"

  # (ip netns exec execs timeout, so $! is the PID that relays our TERM)
  ip netns exec "$NS" timeout 120 tcpdump -i lo -n --immediate-mode -w "$tmp" \
      "udp port $SIP_PORT or udp port $HEP_PORT" 2>"$WORK/$name.tcpdump.log" &
  local td=$!; PIDS+=("$td")
  wait_for 10 grep -q 'listening on' "$WORK/$name.tcpdump.log" || die "tcpdump did not start"

  ip netns exec "$NS" timeout 100 python3 "$SINK" 90 "$HEP_ADDR:$HEP_PORT" \
      >"$WORK/$name.sink.log" 2>&1 &
  local sink=$!; PIDS+=("$sink")
  wait_for 10 nsx sh -c "ss -Hlun | grep -q '$HEP_ADDR:$HEP_PORT'" || die "$name: HEP sink did not start"

  ip netns exec "$NS" timeout 90 kamailio -f "$CFG" -DD -E -Y "$run" -P "$run/kamailio.pid" \
      -m 32 -M 4 -A "HEP_VERSION=$version" -A "HEP_CAPTURE_ID=$capture_id" -A LOG_MIRRORED \
      >"$WORK/$name.kamailio.log" 2>&1 &
  local kam=$!; PIDS+=("$kam")
  wait_for 15 nsx sh -c "ss -Hlun | grep -q '$PROXY:$SIP_PORT'" \
    || die "$name: kamailio did not start, see $WORK/$name.kamailio.log"

  ( cd "$WORK" && exec ip netns exec "$NS" timeout 60 sipp -sf "$HERE/uas-proxy.xml" \
      -i "$CALLEE" -p "$SIP_PORT" -m "$CALLS" -timeout 50s -timeout_error -nostdin -trace_err \
      >"$WORK/$name.uas.log" 2>&1 ) &
  local uas=$!; PIDS+=("$uas")
  wait_for 10 nsx sh -c "ss -Hlun | grep -q '$CALLEE:$SIP_PORT'" || die "$name: callee did not start"

  # caller (UAC), one call at a time (-l 1), one call a second, in the foreground
  ( cd "$WORK" && exec ip netns exec "$NS" timeout 60 sipp -sf "$HERE/uac-proxy.xml" \
      -i "$CALLER" -p "$SIP_PORT" -s bob -m "$CALLS" -l 1 -r 1 -timeout 50s -timeout_error \
      -nostdin -trace_err "$PROXY:$SIP_PORT" >"$WORK/$name.uac.log" 2>&1 ) \
    || die "$name: caller sipp failed, see $WORK/$name.uac.log"
  wait "$uas" || die "$name: callee sipp failed, see $WORK/$name.uas.log"

  sleep 1                      # let Kamailio mirror the last message
  kill -TERM "$kam"
  local kam_rc=0; wait "$kam" || kam_rc=$?
  [[ $kam_rc -eq 0 ]] || die "$name: kamailio exited with $kam_rc, see $WORK/$name.kamailio.log"
  sleep 2                      # let the last packets reach the file
  kill -TERM "$td"; wait "$td" || true
  kill -TERM "$sink"; wait "$sink" || true
  grep -E 'packets (captured|dropped)' "$WORK/$name.tcpdump.log" | sed 's/^/   tcpdump: /'
  grep -q '^0 packets dropped by kernel' "$WORK/$name.tcpdump.log" || die "$name: tcpdump dropped packets"
  if grep -E 'ERROR|CRITICAL|ALERT' "$WORK/$name.kamailio.log" | grep -v 'exited normally' | sed 's/^/   kamailio: /' | grep .; then
    die "$name: errors in the kamailio log"
  fi

  local icmp sip heps mirrored check
  icmp=$(tcpdump -r "$tmp" -n icmp 2>/dev/null | wc -l)
  [[ $icmp -eq 0 ]] || die "$name: $icmp ICMP packets in the capture"
  sip=$(tcpdump -r "$tmp" -n "udp port $SIP_PORT and not udp port $HEP_PORT" 2>/dev/null | wc -l)
  heps=$(tcpdump -r "$tmp" -n "udp dst port $HEP_PORT" 2>/dev/null | wc -l)
  mirrored=$(grep -c 'hep-mirror' "$WORK/$name.kamailio.log" || true)
  echo "   SIP datagrams $sip, HEP packets $heps, kamailio mirrored $mirrored"
  [[ $sip -eq $heps && $heps -eq $mirrored ]] || die "$name: SIP, HEP and mirrored counts differ"
  check=$(python3 "$HERE/hepdump.py" --port "$HEP_PORT" --wire-port "$SIP_PORT" "$tmp" | tail -n 1)
  echo "   $check"
  [[ $check == "wire-check: $heps of $heps HEP matched, $sip datagrams on the wire" ]] \
    || die "$name: the SIP inside HEP is not the SIP on the wire"

  mv "$tmp" "$out"
  chown --reference="$HERE" "$out"     # tcpdump wrote it as user tcpdump
  echo "   wrote $out ($(stat -c %s "$out") bytes)"
}

names=("$@")
[[ ${#names[@]} -gt 0 ]] || names=(kamailio-hep3 kamailio-hep2)

for n in "${names[@]}"; do
  case $n in
    kamailio-hep3) record kamailio-hep3 3 2001 ;;
    kamailio-hep2) record kamailio-hep2 2 2002 ;;
    *) die "unknown sample: $n" ;;
  esac
done

if command -v tshark >/dev/null; then
  echo "== summary (tshark; HEP decoded by hepdump.py, tshark 4.0 has no HEP dissector)"
  for n in "${names[@]}"; do
    f=$HERE/$n.pcap
    printf '%-20s packets=%s\n' "$n.pcap" "$(tshark -r "$f" 2>/dev/null | wc -l)"
    tshark -r "$f" -Y "sip && !(udp.port == $HEP_PORT)" -T fields -e ip.src -e ip.dst \
        -e sip.Method -e sip.Status-Code 2>/dev/null | sort | uniq -c | sed 's/^/    wire sip: /'
    python3 "$HERE/hepdump.py" --port "$HEP_PORT" --pcap "$WORK/$n.inner.pcap" "$f" >/dev/null
    tshark -r "$WORK/$n.inner.pcap" -T fields -e ip.src -e ip.dst -e sip.Method -e sip.Status-Code \
        2>/dev/null | sort | uniq -c | sed 's/^/    sip in hep: /'
  done
fi
