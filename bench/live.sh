#!/usr/bin/env bash
# Live capture at stepped rates: replays a recorded SIP+RTP capture onto loopback with tcpreplay
# while tcpdump or callscope captures it, and prints per rate and capturer the packets sent,
# captured and dropped (kernel, callscope's queue), side by side.
#
#   usage: bench/live.sh [RATE...]       packets/s, k for thousands, or top (tcpreplay --topspeed)
#                                        (default: 50k 100k 200k 300k top)
#          bench/live.sh drain           capacity rather than a rate the generator can reach: each
#                                        capturer is stopped (SIGSTOP) with a 1 GiB kernel buffer,
#                                        DRAIN_PACKETS (600,000) are replayed at top speed into the
#                                        buffer, the capturer is continued (SIGCONT) with -c that many
#                                        and the time until it exits gives packets/s (callscope: taken
#                                        from the buffer, analysed and summarised)
#   env:   PACKETS=300000   packets per run (tcpreplay --loop over the capture, rounded up)
#          CAPTURE=samples/sip-call.pcap  what is replayed (Ethernet, addresses on 127.0.0.0/8)
#          BPF='udp and not icmp'        capture filter for every capturer
#          MODES='tcpdump callscope callscope-w callscope-calls'
#                          tcpdump: tcpdump -i lo -w FILE (its default 2 MiB buffer)
#                          callscope: capture -i lo (analysis only, summary at the end)
#                          callscope-w: capture -i lo -w FILE.pcapng
#                          callscope-calls: capture -i lo --view calls (to a file: one line per call change)
#          RUNS=1          runs per rate and mode (every run is a row)
#          GEN=tcpreplay   or raw: bench/rawreplay.c (built into OUT_DIR), the same packets through one
#                          raw socket with sendmmsg, batches of 512: about 1.5x tcpreplay's top speed
#          CALLSCOPE=      the launcher (default: target/callscope of this tree)
#          CAPTURE_ARGS=   extra arguments for callscope capture (e.g. --buffer-size 2097152)
#          OUT_DIR=DIR     per-run files and the table (default: bench/out/live)
# Needs root (capture and tcpreplay on lo), tcpreplay, tcpdump, python3. Only loopback is touched;
# every capturer is started and stopped by this script, by PID.
#
# Columns: sent is tcpreplay's "Actual" count and rate; captured is what the capturer took from
# libpcap (tcpdump: "packets captured"; callscope: capture.captured); kernel is libpcap's ps_drop
# (on lo it also counts the outgoing copy of a packet, which libpcap skips, so it can exceed the
# packets lost); queue is callscope's capture.queue_dropped (captured, written to -w, not analysed);
# written is the packets in the -w file (capinfos); lost is sent - captured.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
OUT=${OUT_DIR:-$HERE/out/live}
PACKETS=${PACKETS:-300000}
CAPTURE=${CAPTURE:-$ROOT/samples/sip-call.pcap}
BPF=${BPF:-udp and not icmp}
MODES=${MODES:-tcpdump callscope callscope-w callscope-calls}
RUNS=${RUNS:-1}
GEN=${GEN:-tcpreplay}
CALLSCOPE=${CALLSCOPE:-$ROOT/target/callscope}
CAPTURE_ARGS=${CAPTURE_ARGS:-}
RATES=("$@")
[ ${#RATES[@]} -gt 0 ] || RATES=(50k 100k 200k 300k top)

for tool in tcpreplay tcpdump capinfos python3; do
  command -v "$tool" >/dev/null || { echo "bench/live.sh: $tool is needed (apt-get install tcpreplay tcpdump tshark python3)" >&2; exit 2; }
done
[ -x "$CALLSCOPE" ] || { echo "bench/live.sh: build first (mvn -q package -DskipTests): $CALLSCOPE" >&2; exit 2; }
mkdir -p "$OUT"

if [ "$GEN" = raw ]; then
  command -v gcc >/dev/null || { echo "bench/live.sh: GEN=raw needs gcc" >&2; exit 2; }
  gcc -O2 -Wall -o "$OUT/rawreplay" "$HERE/rawreplay.c"
fi

# replay LOOPS RATE LOG: sends the capture LOOPS times at RATE (top: as fast as the generator can)
replay() {
  if [ "$GEN" = raw ]; then
    local r=
    case "$2" in top) ;; *k) r="-r $(( ${2%k} * 1000 ))" ;; *) r="-r $2" ;; esac
    "$OUT/rawreplay" -b 512 -l "$1" $r "$CAPTURE" >"$3" 2>&1
  else
    tcpreplay -q -K -i lo --loop="$1" $(rate_args "$2") "$CAPTURE" >"$3" 2>&1
  fi
}

# sent_of LOG: "COUNT PPS" of a replay log
sent_of() {
  if [ "$GEN" = raw ]; then
    awk '/^sent/ {print $2, int($7)}' "$1"
  else
    echo "$(awk '/Actual:/ {print $2}' "$1") $(awk '/Rated:/ {for (i = 1; i <= NF; i++) if ($i == "pps") print int($(i-1))}' "$1")"
  fi
}

per_file=$(capinfos -c -M "$CAPTURE" | awk -F: '/Number of packets/ {gsub(/ /, "", $2); print $2}')
loops=$(( (PACKETS + per_file - 1) / per_file ))

pid=
cleanup() { if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; }
trap cleanup EXIT

rate_args() {
  case "$1" in
    top) echo "--topspeed" ;;
    *k) echo "--pps=$(( ${1%k} * 1000 ))" ;;
    *) echo "--pps=$1" ;;
  esac
}

if [ "${RATES[0]}" = drain ]; then
  want=${DRAIN_PACKETS:-600000}
  loops=$(( (want + per_file - 1) / per_file ))
  n=$(( loops * per_file ))
  table=$OUT/drain.md
  {
    echo "| capturer | packets | drained in | packets/s | captured | kernel | queue | written |"
    echo "|---|---|---|---|---|---|---|---|"
  } | tee "$table"
  for mode in $MODES; do
    for run in $(seq 1 "$RUNS"); do
      base=$OUT/drain.$mode.$run
      rm -f "$base".* /tmp/callscope-live-bench.pcap /tmp/callscope-live-bench.pcapng
      file=
      case "$mode" in
        tcpdump)
          file=/tmp/callscope-live-bench.pcap
          tcpdump -i lo -n -B 1048576 -c "$n" -w "$file" "$BPF" 2>"$base.err" & pid=$! ;;
        callscope)
          "$CALLSCOPE" capture -i lo -f "$BPF" --buffer-size 1073741824 -c "$n" --json $CAPTURE_ARGS >"$base.json" 2>"$base.err" & pid=$! ;;
        callscope-w)
          file=/tmp/callscope-live-bench.pcapng
          "$CALLSCOPE" capture -i lo -f "$BPF" --buffer-size 1073741824 -c "$n" -w "$file" --json $CAPTURE_ARGS >"$base.json" 2>"$base.err" & pid=$! ;;
        callscope-calls)
          "$CALLSCOPE" capture -i lo -f "$BPF" --buffer-size 1073741824 -c "$n" --view calls --json -o "$base.json" $CAPTURE_ARGS >"$base.view" 2>"$base.err" & pid=$! ;;
      esac
      sleep 3
      # the launcher execs java: the PID is the capturer's
      kill -STOP "$pid"
      replay "$loops" top "$base.replay"
      t0=$(date +%s%N)
      kill -CONT "$pid"
      wait "$pid" || true
      t1=$(date +%s%N)
      pid=
      secs=$(python3 -c "print('%.3f' % (($t1 - $t0) / 1e9))")
      pps=$(python3 -c "print(int($n / (($t1 - $t0) / 1e9)))")
      if [ "$mode" = tcpdump ]; then
        captured=$(awk '/packets captured/ {print $1}' "$base.err"); kernel=$(awk '/dropped by kernel/ {print $1}' "$base.err"); queue=-
      else
        read -r captured kernel queue < <(python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["capture"]
print(c["captured"], c["dropped"] + c["if_dropped"], c["queue_dropped"])' "$base.json")
      fi
      written=-
      [ -z "$file" ] || written=$(capinfos -c -M "$file" | awk -F: '/Number of packets/ {gsub(/ /, "", $2); print $2}')
      echo "| $mode | $n | $secs s | $pps | $captured | $kernel | $queue | $written |" | tee -a "$table"
    done
  done
  rm -f /tmp/callscope-live-bench.pcap /tmp/callscope-live-bench.pcapng
  exit 0
fi

table=$OUT/live.md
{
  echo "| rate asked | capturer | sent | sent pps | captured | kernel | queue | written | lost |"
  echo "|---|---|---|---|---|---|---|---|---|"
} | tee "$table"

for rate in "${RATES[@]}"; do
  for mode in $MODES; do
    for run in $(seq 1 "$RUNS"); do
      base=$OUT/$rate.$mode.$run
      rm -f "$base".* /tmp/callscope-live-bench.pcap /tmp/callscope-live-bench.pcapng
      file=
      case "$mode" in
        tcpdump)
          file=/tmp/callscope-live-bench.pcap
          tcpdump -i lo -n -w "$file" "$BPF" 2>"$base.err" & pid=$! ;;
        callscope)
          "$CALLSCOPE" capture -i lo -f "$BPF" --json $CAPTURE_ARGS >"$base.json" 2>"$base.err" & pid=$! ;;
        callscope-w)
          file=/tmp/callscope-live-bench.pcapng
          "$CALLSCOPE" capture -i lo -f "$BPF" -w "$file" --json $CAPTURE_ARGS >"$base.json" 2>"$base.err" & pid=$! ;;
        callscope-calls)
          # the view's lines and the summary go to one file; the summary is read from -o
          "$CALLSCOPE" capture -i lo -f "$BPF" --view calls --json -o "$base.json" $CAPTURE_ARGS >"$base.view" 2>"$base.err" & pid=$! ;;
        *) echo "bench/live.sh: unknown mode $mode" >&2; exit 2 ;;
      esac
      sleep 3 # the capturer opens its handle (a JVM starts)
      replay "$loops" "$rate" "$base.replay"
      sleep 2 # the last batch leaves the kernel buffer
      kill -TERM "$pid"
      wait "$pid" || true
      pid=
      read -r sent pps < <(sent_of "$base.replay")
      written=-
      if [ "$mode" = tcpdump ]; then
        captured=$(awk '/packets captured/ {print $1}' "$base.err")
        kernel=$(awk '/dropped by kernel/ {print $1}' "$base.err")
        queue=-
      else
        read -r captured kernel queue < <(python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["capture"]
print(c["captured"], c["dropped"] + c["if_dropped"], c["queue_dropped"])' "$base.json")
      fi
      if [ -n "$file" ]; then
        written=$(capinfos -c -M "$file" | awk -F: '/Number of packets/ {gsub(/ /, "", $2); print $2}')
      fi
      echo "| $rate | $mode | $sent | $pps | $captured | $kernel | $queue | $written | $(( sent - captured )) |" | tee -a "$table"
    done
  done
done
rm -f /tmp/callscope-live-bench.pcap /tmp/callscope-live-bench.pcapng
