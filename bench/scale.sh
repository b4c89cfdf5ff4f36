#!/usr/bin/env bash
# Times callscope at production scale on synthetic SIP + RTP captures (SyntheticCalls), against
# tshark, sngrep and tcpdump, and checks the scale targets.
#
#   usage: bench/scale.sh
#   env:   RUNS=3          runs per command (best wall time is reported)
#          ONLY=2k|100k|shell   run one part only (default: all three)
#          TIMEOUT=600     seconds before a run is killed and reported as "timeout (> N s)"
#          SLOW=30         a command whose first run takes longer than this many seconds is not repeated
#          OUT_DIR=DIR     where the captures and results are (default: bench/out)
#
# Captures (made by the generator if missing, kept in bench/out/, which is git-ignored):
#   calls-2k.pcap    2,000 calls of 10 s G.711 both ways, one every 30 ms (~370 at once), 2,014,000 packets
#   calls-100k.pcap  100,000 calls of 200 ms RTP at 30 calls/s (7 SIP + 20 RTP each), 2,700,000 packets
#   calls-200k.pcap  the 100k shape with 200,000 calls, 5,400,000 packets (memory must not grow with calls)
#   calls-1m.pcap    1,000 calls of 10 s, 1,007,000 packets (the shell's start-up)
#
# For each command: best wall time of the runs (shell clock around /usr/bin/time), packets/s
# (packets from capinfos -c -M), peak RSS (max of /usr/bin/time's %M over the runs). Commands run in
# rounds, each once per round (as bench/run.sh does), so a slow spell of the host is shared by all of
# them; a command that timed out, failed, was killed (a signal from outside: OOM killer, another
# user's kill) or was slower than SLOW is not run again, and its row says so. The first run of a
# callscope command writes its output through a pipe to wc -c to check that it printed something; the
# others write to /dev/null. Prints Markdown on stdout (also saved as bench/out/scale-PART.md), then the targets,
# one line each with the measured ratio and PASS/FAIL. The 100k part compares per-packet times with
# the 2k part of the same run, or of the last run that measured it (bench/out/scale-2k.tsv).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
OUT=${OUT_DIR:-$HERE/out}
RUNS=${RUNS:-3}
ONLY=${ONLY:-}
TIMEOUT=${TIMEOUT:-600}
SLOW=${SLOW:-30}
CALLSCOPE=$ROOT/target/callscope
GEN_CLASS=$ROOT/target/test-classes/dev/callscope/bench/SyntheticCalls.class
TIME=/usr/bin/time
# sngrep keeps at most capture.limit dialogs (20000 by default, see sngrep -D) and silently ignores
# the calls past it: -l lets it see every call of calls-100k.
SNGREP_LIMIT=250000

die() { echo "scale.sh: $*" >&2; exit 1; }
case $ONLY in ''|2k|100k|shell) ;; *) die "ONLY must be 2k, 100k or shell, not '$ONLY'" ;; esac
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive number"
[[ -x $TIME ]] || die "missing $TIME (apt-get install -y time)"
for c in capinfos tshark tcpdump sngrep timeout java; do command -v "$c" >/dev/null || die "missing command: $c"; done
part() { [[ -z $ONLY || $ONLY == "$1" ]]; }

mkdir -p "$OUT"
TMP=$(mktemp -d /tmp/callscope-scale.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
printf 'exit\n' >"$TMP/exit.txt"
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

# (a) build what is missing
build() {  # build WHAT MVN-ARGS...
  local what=$1; shift
  command -v mvn >/dev/null || { echo "mvn not found: cannot build $what" >&2; return; }
  echo "building $what (mvn -q -o $*)..." >&2
  (cd "$ROOT" && mvn -q -o "$@") >"$TMP/build.log" 2>&1 \
    || { echo "build failed; last lines:" >&2; tail -5 "$TMP/build.log" >&2; }
}
[[ -x $CALLSCOPE ]] || build target/callscope package -DskipTests
[[ -f $GEN_CLASS ]] || build "the test classes" test-compile
have_callscope=0
[[ -x $CALLSCOPE ]] && have_callscope=1

# (b) the captures
gen() {  # gen NAME GENERATOR-ARGS...: bench/out/calls-NAME.pcap unless it exists
  local f=$OUT/calls-$1.pcap; shift
  [[ -s $f ]] && return
  [[ -f $GEN_CLASS ]] || die "cannot generate $f: no $GEN_CLASS"
  echo "generating $f..." >&2
  java -Xmx256m -cp "$ROOT/target/test-classes:$ROOT/target/classes" dev.callscope.bench.SyntheticCalls "$@" -o "$f.tmp" \
    || die "generator failed for $f"
  mv "$f.tmp" "$f"
}
if part 2k || part 100k; then gen 2k --preset 2k; fi
if part 100k; then gen 100k --preset 100k; gen 200k --preset 200k; fi
if part shell; then gen 1m --preset 1m; fi

packets() { capinfos -c -M -T -r "$1" | awk -F'\t' 'NR==1{print $2}'; }

# one_run IN OUT CMD...: runs the command once under timeout; sets w (wall s), rss (KiB), rc. OUT is
# /dev/null, or a file that receives the number of bytes the command wrote (through a pipe to wc: a
# file of the output itself cost a 100,000-call calls --jsonl 8 s of page-cache writes, 593 MB)
one_run() {
  local in=$1 out=$2 t0 t1; shift 2
  t0=$EPOCHREALTIME
  rc=0
  if [[ $out == /dev/null ]]; then
    "$TIME" -f '%e %M' -o "$TMP/time" timeout -k 10 "$TIMEOUT" "$@" <"$in" >/dev/null 2>"$TMP/err" || rc=$?
  else
    set +e
    "$TIME" -f '%e %M' -o "$TMP/time" timeout -k 10 "$TIMEOUT" "$@" <"$in" 2>"$TMP/err" | wc -c >"$out"
    rc=${PIPESTATUS[0]}
    set -e
  fi
  t1=$EPOCHREALTIME
  w=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b - a}')
  rss=$(awk 'END{print $2}' "$TMP/time")
  [[ $rss =~ ^[0-9]+$ ]] || rss=0
}

# faster A B: whether wall time A beats B (an empty B has not been measured yet)
faster() { [[ -z $2 ]] || awk -v a="$1" -v b="$2" 'BEGIN{exit !(a < b)}'; }

# Results, keyed "CAPTURE|LABEL": best wall s, peak RSS KiB, runs, status ("" when fine).
declare -A WALL RSS NRUNS STATUS PKTS
LABELS=(); CMDS=(); INS=()
add() {  # add LABEL CMD... (stdin /dev/null unless IN is set)
  local label=$1; shift
  LABELS+=("$label")
  CMDS+=("$(printf '%q ' "$@")")
  INS+=("${IN:-/dev/null}")
}

# time_all CAPTURE: times the commands added since the last call, in rounds; prints the table.
time_all() {
  local cap=$1 f=$OUT/calls-$1.pcap k round label key pkts size
  pkts=$(packets "$f"); size=$(stat -L -c %s "$f")
  PKTS[$cap]=$pkts
  echo "timing $(basename "$f") ($pkts packets), up to $RUNS rounds of ${#LABELS[@]} commands..." >&2
  declare -A skip=()
  for (( round = 0; round < RUNS; round++ )); do
    for (( k = 0; k < ${#LABELS[@]}; k++ )); do
      label=${LABELS[k]}; key="$cap|$label"
      [[ -n ${skip[$k]:-} ]] && continue
      if [[ $label == callscope* ]] && (( ! have_callscope )); then
        STATUS[$key]="callscope not built"; skip[$k]=1; continue
      fi
      local sink=/dev/null
      (( round == 0 )) && sink=$TMP/stdout
      eval "one_run $(printf '%q %q ' "${INS[k]}" "$sink") ${CMDS[k]}"
      NRUNS[$key]=$(( ${NRUNS[$key]:-0} + 1 ))
      (( rss > ${RSS[$key]:-0} )) && RSS[$key]=$rss
      if (( rc == 124 )) || { (( rc == 137 )) && ! faster "$w" "$TIMEOUT"; }; then
        STATUS[$key]="timeout (> $TIMEOUT s)"; skip[$k]=1
        echo "  $label: timeout (> $TIMEOUT s)" >&2
        continue
      elif (( rc > 128 )); then
        # a signal from outside: the OOM killer, or someone else's kill
        STATUS[$key]="killed (signal $(( rc - 128 )) after $w s)"; skip[$k]=1
        echo "  $label: killed by signal $(( rc - 128 )) after $w s" >&2
        continue
      elif (( rc != 0 )); then
        STATUS[$key]="failed (exit $rc)"; skip[$k]=1
        echo "  $label: exit $rc: $(head -c 300 "$TMP/err")" >&2
        continue
      fi
      if faster "$w" "${WALL[$key]:-}"; then WALL[$key]=$w; fi
      if (( round == 0 )); then
        # a callscope command that prints nothing is not doing the work
        [[ $label == callscope* && $(cat "$TMP/stdout" 2>/dev/null || echo 0) -eq 0 ]] && STATUS[$key]="no output"
        rm -f "$TMP/stdout"
        if awk -v a="$w" -v s="$SLOW" 'BEGIN{exit !(a > s)}'; then skip[$k]=1; fi
      fi
      echo "  $label: $w s, $(( rss / 1024 )) MiB" >&2
    done
  done
  {
    echo
    echo "### $(basename "$f"): $pkts packets, $(awk -v s="$size" 'BEGIN{printf "%.1f", s / 1048576}') MiB"
    echo
    echo "| command | runs | wall s (best) | packets/s | peak RSS MiB |"
    echo "|---|---:|---:|---:|---:|"
    for (( k = 0; k < ${#LABELS[@]}; k++ )); do
      label=${LABELS[k]}; key="$cap|$label"
      local st=${STATUS[$key]:-} wall=${WALL[$key]:-} pps=- mib=-
      [[ -n $wall ]] && pps=$(awk -v p="$pkts" -v w="$wall" 'BEGIN{ if (w > 0) printf "%.0f", p / w; else print "-" }')
      (( ${RSS[$key]:-0} > 0 )) && mib=$(awk -v k="${RSS[$key]}" 'BEGIN{printf "%.1f", k / 1024}')
      if [[ -n $st ]]; then
        [[ -n $wall ]] && wall="$wall ($st)" || wall=$st
        [[ $st == timeout* || $st == failed* ]] && pps=-
      fi
      echo "| \`$label\` | ${NRUNS[$key]:-0} | $wall | $pps | $mib |"
      printf '%s\t%s\t%s\t%s\t%s\n' "$label" "${WALL[$key]:--}" "${RSS[$key]:-0}" "${st:--}" "$pkts" >>"$OUT/scale-$cap.tsv.new"
    done
  } | tee -a "$REPORT"
  mv "$OUT/scale-$cap.tsv.new" "$OUT/scale-$cap.tsv"
  LABELS=(); CMDS=(); INS=()
}

# load_saved CAPTURE: results of an earlier run (for the 100k part run alone)
load_saved() {
  local cap=$1 label wall rss st pkts
  [[ -z ${PKTS[$cap]:-} && -r $OUT/scale-$cap.tsv ]] || return 0
  while IFS=$'\t' read -r label wall rss st pkts; do  # "-" for an empty field (tabs are IFS white space)
    [[ $wall == - ]] && wall=
    [[ $st == - ]] && st=
    WALL["$cap|$label"]=$wall; RSS["$cap|$label"]=$rss; STATUS["$cap|$label"]=$st; PKTS[$cap]=$pkts
  done <"$OUT/scale-$cap.tsv"
  echo "(2k numbers from an earlier run: $OUT/scale-$cap.tsv, $(date -r "$OUT/scale-$cap.tsv" '+%F %T'))" | tee -a "$REPORT"
}

# why CAP LABEL: empty when the command ran fine, else what went wrong
why() {
  local key="$1|$2"
  if [[ -n ${STATUS[$key]:-} ]]; then echo "$2 on $1: ${STATUS[$key]}"
  elif [[ -z ${WALL[$key]:-} ]]; then echo "$2 on $1: not measured"
  fi
}

# check TEXT VALUE OP TARGET [WHY...]: one target line; VALUE is a number, OP <= or >=
check() {
  local text=$1 value=$2 op=$3 target=$4 reason= r
  shift 4
  for r in "$@"; do [[ -n $r ]] && reason+="${reason:+; }$r"; done
  if [[ -n $reason ]]; then
    echo "- $text: n/a (target $op $target) **FAIL** ($reason)"
  elif awk -v v="$value" -v t="$target" -v op="$op" 'BEGIN{exit !(op == "<=" ? v <= t : v >= t)}'; then
    echo "- $text: $value (target $op $target) PASS"
  else
    echo "- $text: $value (target $op $target) **FAIL**"
  fi
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a / b; else print "inf" }'; }
# per_packet_ratio CAP LABEL: (wall / packets on CAP) / (wall / packets on 2k)
per_packet_ratio() {
  awk -v a="${WALL["$1|$2"]:-0}" -v pa="${PKTS[$1]:-1}" -v b="${WALL["2k|$2"]:-0}" -v pb="${PKTS[2k]:-1}" \
    'BEGIN{ if (b > 0) printf "%.2f", (a / pa) / (b / pb); else print "inf" }'
}
mib() { awk -v k="${RSS["$1|$2"]:-0}" 'BEGIN{printf "%.1f", k / 1024}'; }

REPORT=$OUT/scale-${ONLY:-all}.md
: >"$REPORT"
echo "## bench/scale.sh ($(date '+%F %T'), RUNS=$RUNS, TIMEOUT=$TIMEOUT s, SLOW=$SLOW s)" | tee -a "$REPORT"
CS=$CALLSCOPE

# (c) 2k: 2,000 calls of 10 s
if part 2k; then
  F=$OUT/calls-2k.pcap
  for c in read calls rtp sip flows; do add "callscope $c" "$CS" "$c" "$F"; done
  add "tshark -q -z rtp,streams" tshark -q -z rtp,streams -r "$F"
  add "sngrep -N -q -l $SNGREP_LIMIT" sngrep -N -q -l "$SNGREP_LIMIT" -I "$F" -O "$TMP/sngrep.pcap"
  add "tcpdump -w /dev/null" tcpdump -r "$F" -w /dev/null
  time_all 2k
fi

# 100k and 200k: many short calls
if part 100k; then
  for cap in 100k 200k; do
    F=$OUT/calls-$cap.pcap
    for c in read calls rtp sip flows; do add "callscope $c" "$CS" "$c" "$F"; done
    for c in calls rtp sip flows; do add "callscope $c --jsonl" "$CS" "$c" --jsonl "$F"; done
    [[ $cap == 100k ]] && add "sngrep -N -q -l $SNGREP_LIMIT" sngrep -N -q -l "$SNGREP_LIMIT" -I "$F" -O "$TMP/sngrep.pcap"
    time_all "$cap"
  done
fi

# shell: start-up to an open capture, standard input a file holding "exit"
if part shell; then
  F=$OUT/calls-1m.pcap
  IN=$TMP/exit.txt add "callscope shell (open, exit)" "$CS" shell --history "$TMP/history" "$F"
  add "callscope calls" "$CS" calls "$F"
  time_all 1m
fi

{
  echo
  echo "### Targets"
  echo
  if part 2k; then
    for c in calls rtp sip flows; do
      check "2k: $c / read (wall)" "$(ratio "${WALL["2k|callscope $c"]:-0}" "${WALL["2k|callscope read"]:-0}")" "<=" 1.3 \
        "$(why 2k "callscope $c")" "$(why 2k "callscope read")"
    done
    check "2k: tshark rtp,streams / callscope rtp" "$(ratio "${WALL["2k|tshark -q -z rtp,streams"]:-0}" "${WALL["2k|callscope rtp"]:-0}")" \
      ">=" 12 "$(why 2k "tshark -q -z rtp,streams")" "$(why 2k "callscope rtp")"
    check "2k: sngrep / callscope calls" "$(ratio "${WALL["2k|sngrep -N -q -l $SNGREP_LIMIT"]:-0}" "${WALL["2k|callscope calls"]:-0}")" \
      ">=" 12 "$(why 2k "sngrep -N -q -l $SNGREP_LIMIT")" "$(why 2k "callscope calls")"
    check "2k: callscope read / tcpdump" "$(ratio "${WALL["2k|callscope read"]:-0}" "${WALL["2k|tcpdump -w /dev/null"]:-0}")" \
      "<=" 3 "$(why 2k "callscope read")" "$(why 2k "tcpdump -w /dev/null")"
  fi
  if part 100k; then
    load_saved 2k
    for cap in 100k 200k; do
      for c in read calls rtp sip flows; do
        check "$cap: $c time per packet / on 2k" "$(per_packet_ratio "$cap" "callscope $c")" "<=" 1.5 \
          "$(why "$cap" "callscope $c")" "$(why 2k "callscope $c")"
      done
    done
    check "100k: sngrep / callscope calls --jsonl" \
      "$(ratio "${WALL["100k|sngrep -N -q -l $SNGREP_LIMIT"]:-0}" "${WALL["100k|callscope calls --jsonl"]:-0}")" ">=" 5 \
      "$(why 100k "sngrep -N -q -l $SNGREP_LIMIT")" "$(why 100k "callscope calls --jsonl")"
    for c in calls rtp sip flows; do
      for cap in 100k 200k; do
        check "$cap: $c --jsonl peak RSS MiB" "$(mib "$cap" "callscope $c --jsonl")" "<=" 300 "$(why "$cap" "callscope $c --jsonl")"
      done
      r=$(ratio "${RSS["200k|callscope $c --jsonl"]:-0}" "${RSS["100k|callscope $c --jsonl"]:-0}")
      check "$c --jsonl peak RSS 200k / 100k" "$r" "<=" 1.10 \
        "$(why 100k "callscope $c --jsonl")" "$(why 200k "callscope $c --jsonl")"
    done
    for cap in 100k 200k; do
      for c in read calls rtp sip flows; do
        check "$cap: $c (table) peak RSS MiB" "$(mib "$cap" "callscope $c")" "<=" 600 "$(why "$cap" "callscope $c")"
      done
    done
  fi
  if part shell; then
    check "1m: shell open / callscope calls (wall)" \
      "$(ratio "${WALL["1m|callscope shell (open, exit)"]:-0}" "${WALL["1m|callscope calls"]:-0}")" "<=" 1.5 \
      "$(why 1m "callscope shell (open, exit)")" "$(why 1m "callscope calls")"
    check "1m: shell open peak RSS MiB" "$(mib 1m "callscope shell (open, exit)")" "<=" 600 "$(why 1m "callscope shell (open, exit)")"
  fi
  echo
  echo "host: $(nproc) cpu, $(uname -r), load average $LOAD0 at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
  echo "tools: $(tcpdump --version 2>&1 | head -1), $(tshark --version 2>/dev/null | head -1), $(sngrep -V 2>/dev/null | head -1)"
  build_info="callscope: commit $(git -C "$ROOT" log -1 --format='%h (%cs) %s' 2>/dev/null | cut -c1-80)"
  [[ -n $(git -C "$ROOT" status --porcelain -- src/main pom.xml 2>/dev/null) ]] && build_info="$build_info (+ uncommitted changes)"
  (( have_callscope )) && build_info="$build_info; jar built $(date -r "$ROOT/target/callscope.jar" '+%F %T')"
  echo "$build_info"
} | tee -a "$REPORT"
