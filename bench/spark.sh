#!/usr/bin/env bash
# The Spark job on many files: a capture cut into rotated files, read by callscope-spark in local
# mode with 1 and 2 executor cores, the single-process CLI on the whole capture beside it.
#
#   usage: bench/spark.sh [FILE] [FILES]   (default: bench/out/calls-2k.pcap, 20 files)
#   env:   RUNS=3                          runs per command (best wall time is reported)
#
# The capture is generated when missing (the 2,000-call preset of dev.callscope.bench.SyntheticCalls,
# ~2 M packets, 466 MB) and cut by packet count with editcap into FILES files in
# bench/out/spark-parts/. Prints a Markdown table: wall time (best of RUNS), GB/min of capture read,
# peak RSS (max over the runs), and the speed-up of 2 cores over 1. The Spark job's time includes
# its JVM and Spark's start (about 5 s here), which a cluster pays once per job, not per file.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
FILE=${1:-$HERE/out/calls-2k.pcap}
FILES=${2:-20}
RUNS=${RUNS:-3}
TIME=/usr/bin/time
SPARK=$ROOT/spark/target/callscope-spark
CLI=$ROOT/target/callscope

die() { echo "spark.sh: $*" >&2; exit 1; }
[[ -x $TIME ]] || die "missing $TIME (apt-get install -y time)"
command -v editcap >/dev/null || die "missing editcap (apt-get install -y wireshark-common)"
[[ -x $CLI ]] || die "build the CLI first: mvn -q install -DskipTests -Dspark.skip"
[[ -x $SPARK ]] || die "build the job first: (cd spark && mvn -q package -DskipTests)"
if [[ ! -r $FILE ]]; then
  [[ -d $ROOT/target/test-classes ]] || die "no $FILE and no test classes to generate it (mvn -q test-compile)"
  mkdir -p "$(dirname "$FILE")"
  java -cp "$ROOT/target/test-classes:$ROOT/target/classes" dev.callscope.bench.SyntheticCalls --preset 2k -o "$FILE" >&2
fi

PARTS=$HERE/out/spark-parts
rm -rf "$PARTS"
mkdir -p "$PARTS"
packets=$(capinfos -c -M "$FILE" | awk '/Number of packets/ {print $NF}')
per=$(( (packets + FILES - 1) / FILES ))
editcap -c "$per" "$FILE" "$PARTS/part.pcap" >/dev/null
bytes=$(du -cb "$PARTS"/*.pcap | tail -1 | cut -f1)
nfiles=$(ls "$PARTS"/*.pcap | wc -l)

TMP=$(mktemp -d /tmp/callscope-spark-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# best wall time (s) and max RSS (MiB) of RUNS runs of a command
measure() {
  local best= rss=0 i
  for ((i = 0; i < RUNS; i++)); do
    rm -rf "$TMP/out"
    "$TIME" -f '%e %M' -o "$TMP/t" "$@" >"$TMP/stdout" 2>"$TMP/stderr" || { cat "$TMP/stderr" >&2; die "failed: $*"; }
    read -r wall kb <"$TMP/t"
    if [[ -z $best ]] || awk -v a="$wall" -v b="$best" 'BEGIN {exit !(a < b)}'; then best=$wall; fi
    (( kb / 1024 > rss )) && rss=$(( kb / 1024 ))
  done
  echo "$best $rss"
}

row() {
  local name=$1 wall=$2 rss=$3
  awk -v n="$name" -v w="$wall" -v r="$rss" -v b="$bytes" \
    'BEGIN {printf "| %s | %.2f | %.2f | %d |\n", n, w, b / 1e9 / (w / 60), r}'
}

echo "$nfiles files, $packets packets, $bytes bytes ($(basename "$FILE") cut by editcap -c $per)"
echo
echo "| command | wall s (best of $RUNS) | GB/min | peak RSS MiB |"
echo "|---|---|---|---|"
read -r w1 r1 < <(measure "$SPARK" --master 'local[1]' "$PARTS" "$TMP/out")
row "callscope-spark --master local[1] (1 executor core)" "$w1" "$r1"
read -r w2 r2 < <(measure "$SPARK" --master 'local[2]' "$PARTS" "$TMP/out")
row "callscope-spark --master local[2] (2 executor cores)" "$w2" "$r2"
read -r wc rc < <(measure "$CLI" calls --json "$FILE")
row "callscope calls --json (one process, whole capture)" "$wc" "$rc"
read -r wr rr < <(measure "$CLI" rtp --json "$FILE")
row "callscope rtp --json (one process, whole capture)" "$wr" "$rr"
echo
awk -v a="$w1" -v b="$w2" 'BEGIN {printf "speed-up of 2 cores over 1: %.2fx\n", a / b}'
echo "the job writes calls, sip_messages, rtp_streams (and the other tables) in one run; the CLI rows are one table each"
