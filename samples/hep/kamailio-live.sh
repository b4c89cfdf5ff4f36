#!/usr/bin/env bash
# Places SIPp calls through a Kamailio proxy whose siptrace module mirrors
# every SIP message as HEPv3 to a collector on 127.0.0.1, for a live test of a
# HEP collector. No tcpdump; runs in the current network namespace on lo.
#
#   usage (as root): samples/hep/kamailio-live.sh HEP_PROTO HEP_PORT CALLS
#     HEP_PROTO  udp or tcp (siptrace sends HEP over either; for tcp Kamailio
#                opens one connection to the collector)
#     HEP_PORT   the collector's port on 127.0.0.1
#     CALLS      number of calls, 1 to 50
#   environment: SIP_PORT (default 5060) for the three SIP sockets below;
#                KEEP_LOGS=1 keeps the temporary directory with the logs.
#
#   caller (SIPp UAC) 127.0.0.11:SIP_PORT -> proxy (Kamailio) 127.0.0.20:SIP_PORT
#   -> callee (SIPp UAS) 127.0.0.12:SIP_PORT; every call is INVITE, 100, 180,
#   200, ACK, BYE, 200 on both legs: 14 SIP messages mirrored per call.
#   (127.0.0.0/8 is all on lo on Linux, so these addresses need no setup.)
#
# The last line of output is the summary, e.g.
#   calls=5 sipp_successful=5 kamailio_exit=0 mirrored=70 kamailio_errors=0
# where mirrored counts the messages Kamailio reports it mirrored (one
# "hep-mirror" log line per message, see kamailio.cfg's LOG_MIRRORED).
# Exit status 0 when every call succeeded and Kamailio exited cleanly.
#
# Everything is bounded (the whole run takes well under 30 s) and only the
# processes started here are stopped, by PID.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CFG=$HERE/kamailio.cfg
CALLER=127.0.0.11
CALLEE=127.0.0.12
PROXY=127.0.0.20
SIP_PORT=${SIP_PORT:-5060}

die() { echo "kamailio-live.sh: $*" >&2; exit 2; }

[[ $# -eq 3 ]] || die "usage: $0 udp|tcp HEP_PORT CALLS"
HEP_PROTO=$1 HEP_PORT=$2 CALLS=$3
[[ $HEP_PROTO == udp || $HEP_PROTO == tcp ]] || die "HEP_PROTO must be udp or tcp"
[[ $HEP_PORT =~ ^[0-9]+$ ]] && (( HEP_PORT > 0 && HEP_PORT < 65536 )) || die "bad HEP_PORT: $HEP_PORT"
[[ $CALLS =~ ^[0-9]+$ ]] && (( CALLS >= 1 && CALLS <= 50 )) || die "CALLS must be 1 to 50"
[[ $(id -u) -eq 0 ]] || die "must run as root"
for c in kamailio sipp timeout ss; do
  command -v "$c" >/dev/null || die "missing command: $c"
done
for a in "$CALLER" "$CALLEE" "$PROXY"; do
  if ss -Hlun | awk '{print $4}' | grep -qE "^($a|0\.0\.0\.0|\*):$SIP_PORT\$"; then
    die "udp $a:$SIP_PORT is already in use"
  fi
done

WORK=$(mktemp -d /tmp/callscope-kamailio-live.XXXXXX)
PIDS=()
cleanup() {
  local rc=$?
  for pid in "${PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; fi
  done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ ${KEEP_LOGS:-0} == 1 ]]; then
    echo "kamailio-live.sh: logs in $WORK" >&2
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT

# wait_for SECONDS CMD...: poll until CMD succeeds
wait_for() {
  local deadline=$(( SECONDS + $1 )); shift
  until "$@" >/dev/null 2>&1; do
    (( SECONDS < deadline )) || return 1
    sleep 0.1
  done
}
listening() { ss -Hlun | awk '{print $4}' | grep -qx "$1"; }

hep_dst="sip:127.0.0.1:$HEP_PORT"
kam_args=(-A "LISTEN=udp:$PROXY:$SIP_PORT" -A "UAS=\"$CALLEE:$SIP_PORT\"" -A HEP_VERSION=3
          -A HEP_CAPTURE_ID=2001 -A LOG_MIRRORED)
if [[ $HEP_PROTO == tcp ]]; then
  hep_dst="$hep_dst;transport=tcp"
  kam_args+=(-A HEP_TCP -A "TCP_LISTEN=tcp:$PROXY:$SIP_PORT")
fi
kam_args+=(-A "HEP_DST=\"$hep_dst\"")

mkdir -p "$WORK/run"
timeout 28 kamailio -f "$CFG" -DD -E -Y "$WORK/run" -P "$WORK/run/kamailio.pid" -m 32 -M 4 \
    "${kam_args[@]}" >"$WORK/kamailio.log" 2>&1 &
kam=$!; PIDS+=("$kam")
wait_for 10 listening "$PROXY:$SIP_PORT" || { tail -n 20 "$WORK/kamailio.log" >&2; die "kamailio did not start"; }

( cd "$WORK" && exec timeout 20 sipp -sf "$HERE/uas-proxy.xml" -i "$CALLEE" -p "$SIP_PORT" \
    -m "$CALLS" -timeout 18s -timeout_error -nostdin -trace_err >"$WORK/uas.log" 2>&1 ) &
uas=$!; PIDS+=("$uas")
wait_for 5 listening "$CALLEE:$SIP_PORT" || die "the callee (sipp) did not start"

uac_rc=0
( cd "$WORK" && exec timeout 20 sipp -sf "$HERE/uac-proxy.xml" -i "$CALLER" -p "$SIP_PORT" -s bob \
    -m "$CALLS" -l "$CALLS" -r 10 -timeout 18s -timeout_error -nostdin -trace_err \
    "$PROXY:$SIP_PORT" >"$WORK/uac.log" 2>&1 ) || uac_rc=$?
uas_rc=0; wait "$uas" || uas_rc=$?

sleep 0.5                      # let Kamailio mirror the last message
kill -TERM "$kam" 2>/dev/null || true
kam_rc=0; wait "$kam" || kam_rc=$?

successful=$(grep -a 'Successful call' "$WORK/uac.log" | tail -n 1 | awk -F'|' '{gsub(/ /, "", $3); print $3}')
successful=${successful:-0}
mirrored=$(grep -c 'hep-mirror' "$WORK/kamailio.log" || true)
# (at shutdown Kamailio logs each child's normal exit at level ALERT: not an error)
errors=$(grep -E 'ERROR|CRITICAL|ALERT' "$WORK/kamailio.log" | grep -vc 'exited normally' || true)
echo "sipp caller exit $uac_rc, callee exit $uas_rc; kamailio mirrored $mirrored messages as HEPv3 over $HEP_PROTO to 127.0.0.1:$HEP_PORT (expected $(( CALLS * 14 )))"
if (( errors > 0 )); then
  grep -E 'ERROR|CRITICAL|ALERT' "$WORK/kamailio.log" | grep -v 'exited normally' | head -n 5 \
    | sed 's/^/kamailio: /'
fi
rc=0
[[ $uac_rc -eq 0 && $uas_rc -eq 0 && $successful -eq $CALLS && $kam_rc -eq 0 ]] || rc=1
echo "calls=$CALLS sipp_successful=$successful kamailio_exit=$kam_rc mirrored=$mirrored kamailio_errors=$errors"
exit "$rc"
