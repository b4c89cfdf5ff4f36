#!/usr/bin/env bash
# Times callscope against tcpdump and tshark on the same capture, in the same run.
#
#   usage: bench/run.sh [FILE]        (default: bench/out/large.pcap)
#   env:   RUNS=5                     runs per command (best wall time is reported)
#          X2=FILE                    the doubled capture (default: FILE with -x2 before .pcap,
#                                     i.e. bench/out/large-x2.pcap; skipped if it does not exist)
#
# For each command: best wall time of RUNS runs, packets/s (packets counted by
# capinfos -c), and peak RSS (max of /usr/bin/time -f %M over the runs). The
# commands run in rounds (each once per round) so a slow spell of the host is
# shared by all of them. Then callscope read on the doubled capture (best of 3),
# whose peak RSS shows whether memory grows with the file.
# Prints a Markdown table on stdout. Builds target/callscope with
# `mvn -q package -DskipTests` if it is missing; if that fails, the callscope
# rows say "callscope not built" and the rest still runs.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
FILE=${1:-$HERE/out/large.pcap}
X2=${X2:-${FILE%.pcap}-x2.pcap}
RUNS=${RUNS:-5}
CALLSCOPE=$ROOT/target/callscope
TIME=/usr/bin/time

die() { echo "run.sh: $*" >&2; exit 1; }
[[ -r $FILE ]] || die "no capture $FILE (record one with bench/record-large.sh)"
[[ -x $TIME ]] || die "missing $TIME (apt-get install -y time)"
for c in capinfos tshark tcpdump; do command -v "$c" >/dev/null || die "missing command: $c"; done

TMP=$(mktemp -d /tmp/callscope-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

if [[ ! -x $CALLSCOPE ]]; then
  if command -v mvn >/dev/null; then
    echo "building callscope (mvn -q package -DskipTests)..." >&2
    (cd "$ROOT" && mvn -q package -DskipTests) >"$TMP/build.log" 2>&1 \
      || { echo "build failed; last lines:" >&2; tail -5 "$TMP/build.log" >&2; }
  else
    echo "mvn not found: cannot build callscope" >&2
  fi
fi
have_callscope=0
[[ -x $CALLSCOPE ]] && have_callscope=1

packets() { capinfos -c -M -T -r "$1" | awk -F'\t' 'NR==1{print $2}'; }
PKTS=$(packets "$FILE")
SIZE=$(stat -L -c %s "$FILE")

# one_run CMD...: runs the command once; sets w (wall s), rss (KiB), rc
one_run() {
  local t0 t1
  t0=$EPOCHREALTIME
  rc=0
  "$TIME" -f '%M' -o "$TMP/rss" "$@" >/dev/null 2>"$TMP/err" || rc=$?
  t1=$EPOCHREALTIME
  w=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b - a}')
  rss=$(tail -1 "$TMP/rss")
  [[ $rss =~ ^[0-9]+$ ]] || rss=0
}

# faster A B: whether wall time A beats B (an empty B has not been measured yet)
faster() { [[ -z $2 ]] || awk -v a="$1" -v b="$2" 'BEGIN{exit !(a < b)}'; }

# measure CMD...: RUNS runs of one command; sets W (best wall s), R (peak RSS KiB), RC (worst exit code)
measure() {
  local i
  W=; R=0; RC=0
  for (( i = 0; i < RUNS; i++ )); do
    one_run "$@"
    (( rc > RC )) && RC=$rc
    (( rss > R )) && R=$rss
    if faster "$w" "$W"; then W=$w; fi
  done
  if (( RC != 0 )); then
    echo "warning: '$*' exited with $RC: $(head -c 300 "$TMP/err")" >&2
  fi
}

# The commands of the main table. They are timed in rounds (each command once per round, RUNS
# rounds) rather than one command RUNS times in a row, so that a slow spell of the host (seen
# here: minutes-long phases in which everything multi-threaded runs 1.5x slower) is spread over
# all commands instead of landing on one.
LABELS=()
CMDS=()
add() {  # add LABEL CMD... (the command as one shell-quoted string)
  local label=$1; shift
  LABELS+=("$label")
  CMDS+=("$(printf '%q ' "$@")")
}

echo "timing $FILE ($PKTS packets, $SIZE bytes), best of $RUNS runs..." >&2
ROWS=()
NOOUT=0
declare -A WALL
if (( have_callscope )); then
  add "callscope read" "$CALLSCOPE" read "$FILE"
  add "callscope flows" "$CALLSCOPE" flows "$FILE"
  # the libpcap reader (--reader pcap4j), to show why the built-in reader is the default
  if [[ -z ${NO_PCAP4J:-} ]]; then
    add "callscope read --reader pcap4j" "$CALLSCOPE" read --reader pcap4j "$FILE"
  fi
fi
add "tshark -q -z io,phs" tshark -q -z io,phs -r "$FILE"
add "tcpdump -w /dev/null" tcpdump -r "$FILE" -w /dev/null

declare -A BEST PEAK WORST
for (( round = 0; round < RUNS; round++ )); do
  for (( k = 0; k < ${#LABELS[@]}; k++ )); do
    eval "one_run ${CMDS[k]}"
    (( rc > ${WORST[$k]:-0} )) && WORST[$k]=$rc
    (( rss > ${PEAK[$k]:-0} )) && PEAK[$k]=$rss
    if faster "$w" "${BEST[$k]:-}"; then BEST[$k]=$w; fi
  done
done

if (( ! have_callscope )); then
  ROWS+=("| \`callscope read\` | callscope not built | - | - |")
  ROWS+=("| \`callscope flows\` | callscope not built | - | - |")
fi
for (( k = 0; k < ${#LABELS[@]}; k++ )); do
  label=${LABELS[k]}
  W=${BEST[$k]}
  WALL[$label]=$W
  status=""
  pps=$(awk -v p="$PKTS" -v w="$W" 'BEGIN{ if (w > 0) printf "%.0f", p / w; else print "-" }')
  mib=$(awk -v k="${PEAK[$k]:-0}" 'BEGIN{printf "%.1f", k / 1024}')
  if (( ${WORST[$k]:-0} != 0 )); then
    status=" (exit ${WORST[$k]})"
    echo "warning: '$label' exited with ${WORST[$k]}" >&2
  fi
  # a command that prints nothing is not doing the work (e.g. a stub subcommand)
  if [[ $label == callscope* ]] && [[ -z $(eval "${CMDS[k]}" 2>/dev/null | head -c 1) ]]; then
    status="$status (no output)"
    NOOUT=1
  fi
  ROWS+=("| \`$label\` | $W$status | $pps | $mib |")
done

X2ROW=
if [[ -r $X2 ]]; then
  X2P=$(packets "$X2")
  if (( have_callscope )); then
    RUNS_SAVE=$RUNS; RUNS=3
    measure "$CALLSCOPE" read "$X2"
    RUNS=$RUNS_SAVE
    [[ -z $("$CALLSCOPE" read "$X2" 2>/dev/null | head -c 1) ]] && W="$W (no output)"
    X2ROW="| \`callscope read\` on $(basename "$X2") ($X2P packets) | $W | $(awk -v k="$R" 'BEGIN{printf "%.1f", k / 1024}') |"
  else
    X2ROW="| \`callscope read\` on $(basename "$X2") ($X2P packets) | callscope not built | - |"
  fi
fi

echo
echo "### $(basename "$FILE"): $PKTS packets, $(awk -v s="$SIZE" 'BEGIN{printf "%.1f", s / 1048576}') MiB"
echo
echo "| command | wall s (best of $RUNS) | packets/s | peak RSS MiB |"
echo "|---|---:|---:|---:|"
printf '%s\n' "${ROWS[@]}"
if [[ -n $X2ROW ]]; then
  echo
  echo "| doubled file | wall s (best of 3) | peak RSS MiB |"
  echo "|---|---:|---:|"
  echo "$X2ROW"
fi
if (( NOOUT )); then
  echo
  echo "callscope printed nothing: its timings are not meaningful, ratios not computed."
elif [[ -n ${WALL["callscope read"]:-} ]]; then
  echo
  awk -v c="${WALL["callscope read"]}" -v d="${WALL["tcpdump -w /dev/null"]}" -v t="${WALL["tshark -q -z io,phs"]}" 'BEGIN{
    printf "callscope read / tcpdump: %.2fx (target <= 3x); tshark / callscope read: %.1fx (target >= 10x)\n", c / d, t / c }'
fi
echo
echo "host: $(nproc) cpu, $(uname -r), $(tcpdump --version 2>&1 | head -1), $(tshark --version 2>/dev/null | head -1)"
