#!/usr/bin/env bash
# Loads callscope's HEP listener on loopback with bench/hepblast and tells, per rate, how many of the
# datagrams sent were counted, where the others were lost (the kernel's socket buffer or callscope's
# own queue) and whether memory stayed flat.
#
#   usage: bench/hep.sh [RATE[:SECONDS]...]    rates in packets/s, k for thousands
#                                              (default: 50k:20 100k:20 200k:60 300k:20)
#   env:   PORT=19060     UDP port on 127.0.0.1 (must be free)
#          CALLS=1000     calls in progress at once (hepblast -c; 7 messages each)
#          PAIRS=1000000  caller/callee address pairs, reused every PAIRS calls (hepblast -A): every call
#                         its own SIP conversation by default; e.g. 100 for traffic between a few proxies
#          BATCH=64       datagrams per sendmmsg and per pacing step (hepblast -b)
#          MARGIN=3       callscope runs --duration SECONDS+MARGIN; the sender starts once its socket is bound
#          SINK=1         after each callscope run, the same load into bench/hepsink (a C recvmmsg loop
#                         with the same SO_RCVBUF as callscope's socket): what the host itself allows
#          TCPDUMP=0      1: also a run with tcpdump -i lo -w /dev/null beside hepsink (what libpcap sees)
#          JSTACK=0       N: N thread dumps of callscope (jcmd Thread.print, 0.5 s apart) from the middle of
#                         each run into OUT_DIR/RATE.jstack, a poor man's profile (the CPU of each thread
#                         over one second in the middle of the run is always saved, OUT_DIR/RATE.threads,
#                         and the host's top, OUT_DIR/RATE.top)
#          GCLOG=0        1: run callscope with the launcher's JVM options plus -Xlog:gc (OUT_DIR/RATE.gc)
#          HISTO=0        1: a class histogram of callscope's heap in the middle of each run (jcmd
#                         GC.class_histogram, OUT_DIR/RATE.histo; it forces a full collection)
#          RMEM=          BYTES: set net.core.rmem_max and net.core.rmem_default to BYTES for the run
#                         and restore both at the end (root; every socket opened meanwhile on the host
#                         gets the larger default). Empty: measure with the host's settings.
#          CALLSCOPE=     the launcher (default: target/callscope of this tree, built if missing)
#          CAPTURE_ARGS=  extra arguments for callscope capture
#          OUT_DIR=DIR    binaries, per-run files and the table (default: bench/out/hep)
#
# Per callscope run: hepblast -r RATE -d SECONDS into `callscope capture --hep-listen udp:127.0.0.1:PORT
# --duration SECONDS+MARGIN --json` under /usr/bin/time -v. Every second a sampler records the JVM's
# VmRSS (/proc/PID/status) and the socket's skmem from `ss -uamn` (r: bytes queued, rb: SO_RCVBUF,
# d: datagrams the kernel dropped because the buffer was full) into OUT_DIR/RATE.samples. Columns:
#   sent           datagrams hepblast's sendmmsg calls accepted
#   received       callscope's hep.received (datagrams read from the socket); decoded, malformed,
#                  rejected and queue drops are its hep.* counters, packets its frames fed to the pipeline
#   socket drops   the socket's d counter once the sender stopped (only this socket)
#   RcvbufErrors   the delta of Udp RcvbufErrors in /proc/net/snmp over the run (the whole host)
#   loss %         (sent - packets) / sent: everything sent and not analysed, whoever lost it
#   drops > 10 s   socket drops after the first 10 s of the load (warm-up excluded)
#   peak RSS       /usr/bin/time's maximum resident set size; RSS 10 s / end: VmRSS 10 s after the
#                  sender started and at its last sample before the sender stopped
#   CPU s          user + system seconds of callscope over the whole run
# Prints Markdown on stdout (also OUT_DIR/hep.md).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
OUT=${OUT_DIR:-$HERE/out/hep}
PORT=${PORT:-19060}
ADDR=127.0.0.1
CALLS=${CALLS:-1000}
BATCH=${BATCH:-64}
PAIRS=${PAIRS:-1000000}
MARGIN=${MARGIN:-3}
SINK=${SINK:-1}
TCPDUMP=${TCPDUMP:-0}
JSTACK=${JSTACK:-0}
GCLOG=${GCLOG:-0}
HISTO=${HISTO:-0}
RMEM=${RMEM:-}
CALLSCOPE=${CALLSCOPE:-$ROOT/target/callscope}
CAPTURE_ARGS=${CAPTURE_ARGS:-}
TIME=/usr/bin/time

die() { echo "hep.sh: $*" >&2; exit 1; }
[[ -x $TIME ]] || die "missing $TIME (apt-get install -y time)"
for c in gcc ss jq awk pgrep; do command -v "$c" >/dev/null || die "missing command: $c"; done
[[ $PORT =~ ^[0-9]+$ ]] && (( PORT > 0 && PORT < 65536 )) || die "PORT must be a UDP port"
[[ $CALLS =~ ^[1-9][0-9]*$ ]] || die "CALLS must be a positive number"
[[ $PAIRS =~ ^[1-9][0-9]*$ ]] && (( PAIRS <= 1000000 )) || die "PAIRS must be between 1 and 1000000"
[[ $BATCH =~ ^[1-9][0-9]*$ ]] && (( BATCH <= 1024 )) || die "BATCH must be between 1 and 1024"
[[ $MARGIN =~ ^[1-9][0-9]*$ ]] || die "MARGIN must be a positive number of seconds"
[[ -z $RMEM || $RMEM =~ ^[1-9][0-9]*$ ]] || die "RMEM must be a number of bytes"
(( TCPDUMP == 0 )) || command -v tcpdump >/dev/null || die "missing command: tcpdump"
[[ $JSTACK =~ ^[0-9]+$ ]] || die "JSTACK must be a number of thread dumps"
(( JSTACK == 0 && HISTO == 0 )) || command -v jcmd >/dev/null || die "missing command: jcmd"

# RATE[:SECONDS] arguments
RATES=(); SECS=()
(( $# > 0 )) || set -- 50k:20 100k:20 200k:60 300k:20
for a in "$@"; do
  r=${a%%:*}; s=20
  [[ $a == *:* ]] && s=${a#*:}
  [[ $r =~ ^([0-9]+)(k?)$ ]] || die "bad rate '$r' (packets/s, e.g. 200000 or 200k)"
  r=${BASH_REMATCH[1]}; [[ -n ${BASH_REMATCH[2]} ]] && r=$(( r * 1000 ))
  (( r > 0 )) || die "rate must be positive"
  [[ $s =~ ^[1-9][0-9]*$ ]] || die "bad duration '$s' (whole seconds)"
  RATES+=("$r"); SECS+=("$s")
done

mkdir -p "$OUT"
TMP=$(mktemp -d /tmp/callscope-hep.XXXXXX)
RMEM_SAVED=
PIDS=()  # background processes of this script still to be stopped on exit
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  if [[ -n $RMEM_SAVED ]]; then
    read -r m d <<<"$RMEM_SAVED"
    sysctl -q -w net.core.rmem_max="$m" net.core.rmem_default="$d" >/dev/null \
      && echo "restored net.core.rmem_max=$m net.core.rmem_default=$d" >&2
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# (a) the tools
gcc -O2 -Wall -o "$OUT/hepblast" "$HERE/hepblast.c" || die "cannot build hepblast"
gcc -O2 -Wall -o "$OUT/hepsink" "$HERE/hepsink.c" || die "cannot build hepsink"
if [[ ! -x $CALLSCOPE ]]; then
  [[ $CALLSCOPE == "$ROOT/target/callscope" ]] || die "no launcher at $CALLSCOPE"
  echo "building target/callscope (mvn -q -o package -DskipTests)..." >&2
  (cd "$ROOT" && mvn -q -o package -DskipTests) >&2 || die "build failed"
fi
"$CALLSCOPE" capture --help 2>&1 | grep -q -- '--hep-listen' || die "$CALLSCOPE capture has no --hep-listen"
QUIET=
# the launcher's own JVM options (its opts=... through fi), for GCLOG=1
JVM_OPTS=
if (( GCLOG )); then
  here=$(dirname "$CALLSCOPE")
  # as the launcher picks them for 'capture --hep-listen' (its "$@" is this function's)
  launcher_opts() { local cmd=capture opts=; eval "$(sed -n '/^opts=/,/^fi$/p' "$CALLSCOPE")"; echo "$opts"; }
  opts=$(launcher_opts --hep-listen)
  [[ -n $opts ]] || die "no opts= line in $CALLSCOPE"
  JVM_OPTS=$opts
fi
"$CALLSCOPE" capture --help 2>&1 | grep -Eq -- '(^|[ ,])-q([ ,]|$)' && QUIET=-q

# (b) socket buffers: the host's unless RMEM is given
if [[ -n $RMEM ]]; then
  (( EUID == 0 )) || die "RMEM needs root (sysctl net.core.rmem_max/rmem_default)"
  RMEM_SAVED="$(sysctl -n net.core.rmem_max) $(sysctl -n net.core.rmem_default)"
  sysctl -q -w net.core.rmem_max="$RMEM" net.core.rmem_default="$RMEM" >/dev/null || die "sysctl failed"
  echo "set net.core.rmem_max=$RMEM net.core.rmem_default=$RMEM (were: $RMEM_SAVED)" >&2
fi
RMEM_NOW="rmem_max $(sysctl -n net.core.rmem_max), rmem_default $(sysctl -n net.core.rmem_default)"

rcvbuf_errors() { awk '/^Udp:/ { if (!h) { for (i = 2; i <= NF; i++) if ($i == "RcvbufErrors") c = i; h = 1 } else print $c }' /proc/net/snmp; }
# skmem: "r rb d" of the UDP socket bound to ADDR:PORT, empty if none
skmem() {
  ss -Huamn "sport = :$PORT" 2>/dev/null | grep -o -m1 'skmem:([^)]*)' \
    | awk -F'[(),]' '{ for (i = 2; i <= NF; i++) { if ($i ~ /^r[0-9]/) r = substr($i, 2); else if ($i ~ /^rb/) rb = substr($i, 3); else if ($i ~ /^d[0-9]/) d = substr($i, 2) }
                       print r, rb, d; exit }'
}
port_busy() { [[ -n $(ss -Huanl "sport = :$PORT" 2>/dev/null) ]]; }
mib() { awk -v k="$1" 'BEGIN { if (k == "" || k == "-") print "-"; else printf "%.1f", k / 1024 }'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", 100 * a / b; else print "-" }'; }
num() { [[ $1 =~ ^-?[0-9]+$ ]] && printf "%'d" "$1" || printf '%s' "$1"; }
# threads PID: each thread's share of a CPU over one second (utime + stime from /proc/PID/task), busiest first
threads() {
  local hz; hz=$(getconf CLK_TCK)
  # one awk per reading: tid, name, ticks
  task_ticks() { awk '{ l = $0; name = l; sub(/^[^(]*\(/, "", name); sub(/\) [^)]*$/, "", name); sub(/^.*\) /, "", l)
                        split(l, f, " "); printf "%s\t%s\t%s\n", $1, name, f[12] + f[13] }' /proc/"$1"/task/*/stat 2>/dev/null; }
  { echo "T $EPOCHREALTIME"; task_ticks "$1"; sleep 1; echo "T $EPOCHREALTIME"; task_ticks "$1"; } \
    | awk -F'\t' -v hz="$hz" '
      /^T / { split($0, a, " "); t[++n] = a[2]; next }
      n == 1 { c0[$1] = $3; next }
      n == 2 { c1[$1] = $3; name[$1] = $2 }
      END { w = t[2] - t[1]
            for (id in c1) if (id in c0) printf "%5.0f%%  %s (tid %s)\n", 100 * (c1[id] - c0[id]) / hz / w, name[id], id }' \
    | sort -rn | head -8
}
# wait_gone PID SECONDS: waits (bounded) for a process of this script to exit; 1 if it is still there
wait_gone() {
  local i
  for (( i = 0; i < $2 * 10; i++ )); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  return 1
}
# field FILE KEY=: the value of KEY in hepblast's or hepsink's one line
field() { grep -o "\b$2=[0-9.]*" "$1" | head -1 | cut -d= -f2; }

port_busy && die "127.0.0.1:$PORT is already bound (PORT=...)"
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

ROWS=(); REF=(); NOTES=(); TDNOTES=(); RSSLINES=()
LAST_RB=
# callscope_run RATE SECONDS
callscope_run() {
  local rate=$1 secs=$2 base=$OUT/$1 tpid jpid spid t0 t1 e0 e1 i sk rc=0 note=
  local sent failed received decoded malformed rejected queued packets drops drops10 peak r10 rend cpu
  rm -f "$base".{json,err,time,blast,blast-err,samples,threads,top,jstack,gc,histo}
  e0=$(rcvbuf_errors)
  local env=()
  (( GCLOG == 0 )) || env=(env "CALLSCOPE_JAVA_OPTS=$JVM_OPTS -Xlog:gc:file=$base.gc")
  "$TIME" -v -o "$base.time" "${env[@]}" "$CALLSCOPE" capture --hep-listen "udp:$ADDR:$PORT" --duration $(( secs + MARGIN )) \
    --json $QUIET $CAPTURE_ARGS >"$base.json" 2>"$base.err" &
  tpid=$!; PIDS+=("$tpid")
  # the socket is bound when ss shows it (at most 60 s for the JVM to start)
  for (( i = 0; i < 600; i++ )); do
    [[ -n $(skmem) ]] && break
    kill -0 "$tpid" 2>/dev/null || break
    sleep 0.1
  done
  jpid=$(pgrep -P "$tpid" | head -1 || true)
  [[ -n $jpid ]] && PIDS+=("$jpid")
  if [[ -z $(skmem) || -z $jpid ]]; then
    wait "$tpid" || rc=$?
    ROWS+=("| $(num "$rate") | $secs | callscope did not start listening (exit $rc): $(head -c 200 "$base.err" | tr '\n|' ' /') |")
    return
  fi
  t0=$EPOCHREALTIME
  # one sample a second: seconds since the sender started, VmRSS KiB, skmem r rb d
  (
    for (( i = 0; i < secs + MARGIN + 120; i++ )); do
      rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$jpid/status" 2>/dev/null) || break
      [[ -n $rss ]] || break
      printf '%s %s %s\n' "$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')" "$rss" "$(skmem)"
      sleep 1
    done
  ) >"$base.samples" 2>/dev/null &
  spid=$!; PIDS+=("$spid")
  # per-thread CPU in the middle of the load (top's second frame: the CPU of that second)
  (
    sleep $(( secs / 2 ))
    threads "$jpid" >"$base.threads"
    # and the whole host's, to see whether anything else competed for the CPUs
    top -b -n 2 -d 1 2>/dev/null | awk '/^top -/ { n++ } n == 2' | head -15 >"$base.top"
    (( HISTO == 0 )) || timeout 60 jcmd "$jpid" GC.class_histogram 2>&1 | head -40 >"$base.histo" || true
    for (( i = 0; i < JSTACK; i++ )); do
      timeout 20 jcmd "$jpid" Thread.print >>"$base.jstack" 2>&1 || break
      sleep 0.5
    done
  ) &
  PIDS+=("$!")
  "$OUT/hepblast" -a "$ADDR" -p "$PORT" -r "$rate" -d "$secs" -c "$CALLS" -A "$PAIRS" -b "$BATCH" >"$base.blast" 2>"$base.blast-err" || true
  t1=$EPOCHREALTIME
  sk=$(skmem)   # no more datagrams arrive: the drop counter is final
  if ! wait_gone "$tpid" $(( MARGIN + 60 )); then
    note="callscope still running $(( MARGIN + 60 )) s after the sender stopped: sent SIGTERM"
    kill -TERM "$jpid" 2>/dev/null || true
    wait_gone "$tpid" 20 || { kill -KILL "$jpid" 2>/dev/null || true; note="$note, then SIGKILL"; }
  fi
  wait "$tpid" || rc=$?
  wait_gone "$spid" 3 || kill "$spid" 2>/dev/null || true
  wait 2>/dev/null || true
  PIDS=()
  e1=$(rcvbuf_errors)

  sent=$(field "$base.blast" sent); failed=$(field "$base.blast" failed)
  read -r _ LAST_RB drops <<<"${sk:-- - -}"
  [[ -n $drops ]] || drops=-
  j() { jq -r "$1 // \"-\"" "$base.json" 2>/dev/null || echo -; }
  received=$(j '.hep.received'); decoded=$(j '.hep.decoded'); malformed=$(j '.hep.malformed')
  rejected=$(j '.hep.rejected'); queued=$(j '.hep.queue_dropped')
  packets=$(j '.packets // .summary.packets // ([.. | objects | .packets? | numbers] | first)')
  peak=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$base.time")
  cpu=$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { printf "%.1f", u + s }' "$base.time")
  # RSS at 10 s and the last sample before the sender stopped; drops after the first 10 s
  local end=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
  r10=$(awk '$1 >= 10 { print $2; exit }' "$base.samples")
  rend=$(awk -v e="$end" '$1 <= e { v = $2 } END { print v }' "$base.samples")
  drops10=$(awk -v d="$drops" '$1 >= 10 && NF >= 5 { print d - $5; exit }' "$base.samples")
  (( secs > 10 )) || { r10=; drops10=; }
  [[ $rc == 0 ]] || note="${note:+$note; }exit $rc: $(grep -m1 -v '^[[:space:]]*$' "$base.err" | cut -c1-100 | tr '|' '/')"
  [[ $failed == 0 || -z $failed ]] || note="${note:+$note; }$failed sends failed"
  local loss=-
  [[ $packets =~ ^[0-9]+$ && $sent =~ ^[0-9]+$ ]] && loss=$(pct $(( sent - packets )) "$sent")
  ROWS+=("| $(num "$rate") | $secs | $(num "$sent") | $(num "$received") | $(num "$decoded") | $(num "$packets") | $(num "$drops") | $(num $(( e1 - e0 ))) | $(num "$queued") | $(num "$malformed")/$(num "$rejected") | $loss | $(num "${drops10:--}") | $(mib "$peak") | $(mib "${r10:--}") | $(mib "${rend:--}") | $cpu |")
  [[ -n $note ]] && NOTES+=("- $(num "$rate")/s: $note")
  # the RSS every 10 s of the load, and the drops counter with it
  (( secs < 20 )) || RSSLINES+=("- $(num "$rate")/s: $(awk -v e="$end" '
      function show(t, r, d) { out = out sep sprintf("%d s %.1f MiB (drops %s)", t, r / 1024, d == "" ? "-" : d); sep = ", " }
      $1 > e { exit }
      $1 >= next_t { show($1, $2, $5); next_t += 10; shown = NR }
      { lt = $1; lr = $2; ld = $5; last = NR }
      BEGIN { next_t = 10 } END { if (last && last != shown) show(lt, lr, ld); print out }' "$base.samples")")
}

# sink_run RATE SECONDS: the same load into hepsink (and tcpdump with TCPDUMP=1)
sink_run() {
  local rate=$1 secs=$2 with_tcpdump=$3 base=$OUT/$1.ref spid tdpid i sk sent received drops e0 e1 cap tddrop
  local rb=0
  [[ $LAST_RB =~ ^[0-9]+$ ]] && rb=$(( LAST_RB / 2 ))   # the kernel doubles what is asked
  e0=$(rcvbuf_errors)
  "$OUT/hepsink" -a "$ADDR" -p "$PORT" -d $(( secs + MARGIN )) -b "$rb" >"$base.out" 2>"$base.err" &
  spid=$!; PIDS+=("$spid")
  for (( i = 0; i < 100; i++ )); do [[ -n $(skmem) ]] && break; sleep 0.1; done
  if (( with_tcpdump )); then
    tcpdump -i lo -n -w /dev/null "udp port $PORT" 2>"$base.tcpdump" &
    tdpid=$!; PIDS+=("$tdpid")
    sleep 1
  fi
  "$OUT/hepblast" -a "$ADDR" -p "$PORT" -r "$rate" -d "$secs" -c "$CALLS" -A "$PAIRS" -b "$BATCH" >"$base.blast" 2>&1 || true
  sk=$(skmem)
  if (( with_tcpdump )); then
    sleep 1; kill -INT "$tdpid" 2>/dev/null || true
    wait_gone "$tdpid" 10 || kill -KILL "$tdpid" 2>/dev/null || true
  fi
  wait_gone "$spid" $(( MARGIN + 10 )) || kill "$spid" 2>/dev/null || true
  wait 2>/dev/null || true
  PIDS=()
  e1=$(rcvbuf_errors)
  sent=$(field "$base.blast" sent); received=$(field "$base.out" received)
  read -r _ _ drops <<<"${sk:-- - -}"
  local label="hepsink (SO_RCVBUF $(field "$base.out" rcvbuf))"
  local tdcol=
  if (( with_tcpdump )); then
    cap=$(awk '/packets captured/ { print $1 }' "$base.tcpdump"); tddrop=$(awk '/dropped by kernel/ { print $1 }' "$base.tcpdump")
    label="$label + tcpdump"
    tdcol="tcpdump -i lo -w /dev/null beside hepsink at $(num "$rate")/s: $(num "${cap:--}") of $(num "${sent:--}") captured, $(num "${tddrop:--}") dropped by kernel"
    TDNOTES+=("- $tdcol")
  fi
  local loss=-
  [[ $received =~ ^[0-9]+$ && $sent =~ ^[0-9]+$ ]] && loss=$(pct $(( sent - received )) "$sent")
  REF+=("| $label | $(num "$rate") | $secs | $(num "$sent") | $(num "$received") | $(num "${drops:--}") | $(num $(( e1 - e0 ))) | $loss |")
  echo "  $label $rate/s: sent $sent, received $received, socket drops $drops${tdcol:+; $tdcol}" >&2
}

echo "hep.sh: ${#RATES[@]} rate(s), $CALLS calls at once, port $PORT, $RMEM_NOW" >&2
for (( k = 0; k < ${#RATES[@]}; k++ )); do
  callscope_run "${RATES[k]}" "${SECS[k]}"
  (( SINK == 0 )) || sink_run "${RATES[k]}" "${SECS[k]}" 0
  (( TCPDUMP == 0 )) || sink_run "${RATES[k]}" "${SECS[k]}" 1
done

{
  echo "callscope capture --hep-listen on $ADDR:$PORT, hepblast with $CALLS calls at once (7 SIP messages each)," \
    "$PAIRS address pairs;" \
    "batches of $BATCH; $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?'), $(date -u +%Y-%m-%dT%H:%MZ);" \
    "$(nproc) cpu, $(uname -r), load $LOAD0 at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end; $RMEM_NOW"
  echo
  echo "| rate/s | s | sent | received | decoded | packets | socket drops | RcvbufErrors | queue drops | malformed/rejected | loss % | drops > 10 s | peak RSS MiB | RSS 10 s MiB | RSS end MiB | CPU s |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${ROWS[@]}"
  if (( ${#NOTES[@]} )); then echo; printf '%s\n' "${NOTES[@]}"; fi
  if (( ${#RSSLINES[@]} )); then
    echo; echo "callscope's VmRSS every 10 s of the load (socket drops so far):"; echo
    printf '%s\n' "${RSSLINES[@]}"
  fi
  if (( ${#REF[@]} )); then
    echo
    echo "The same load into the reference receiver:"
    echo
    echo "| receiver | rate/s | s | sent | received | socket drops | RcvbufErrors | loss % |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    printf '%s\n' "${REF[@]}"
  fi
  if (( ${#TDNOTES[@]} )); then echo; printf '%s\n' "${TDNOTES[@]}"; fi
} | tee "$OUT/hep.md"
