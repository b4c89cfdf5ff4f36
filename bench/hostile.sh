#!/usr/bin/env bash
# Runs callscope on adversarial captures at a small heap and tells, per command, whether it ended
# normally and still found the real call or session that follows the flood.
#
#   usage: bench/hostile.sh [CASE...]     cases a..h or their names (default: all)
#   env:   HEAP=256m     -Xmx of every run; the launcher's other options are kept
#          SCALE=1       multiplies every case's size (1: the sizes below; 0.1 for a quick look)
#          TIMEOUT=300   seconds before a command is killed (exit 124; case g: 60 at most)
#          OUT_DIR=DIR   captures, outputs and the table (default: bench/out/hostile)
#          KEEP=1        keep every command's stdout (default: only stderr; stdout can be 500 MB)
#
# Cases (dev.callscope.bench.Hostile, test scope; N at SCALE=1), each but f and g followed by a real
# SIP call (7 SIP messages, 100 RTP packets each way) or the WebRTC session of
# samples/webrtc/chromium-loopback.pcap:
#   a dtls       1,600 DTLS fragments of 83 bytes (100 5-tuples), each announcing 256 KiB   webrtc, read
#   b fragments  4,200 8-byte IPv4 fragments at offset 65520, each its own datagram    read, flows
#   c invites    1,000,000 INVITEs never answered, each its own Call-ID               calls --json [--max-calls=50000]
#   d ssrc       100,000 RTP packets, each a new SSRC, on SDP-announced ports          rtp --json, calls --json
#   e tuples     1,000,000 UDP 5-tuples, one packet each                               read, flows --json [--max-flows=20000]
#   f long-call  one call: INVITE, 200, ACK, 30,000 INFO; spec "INVITE, 200, ACK, INFO*"   verify (must pass)
#   g regex      one call with a 61-character From; calls --from '(.*a){10}$'          (must refuse: exit 2, one line)
#   h stun       1,100 one-packet STUN 5-tuples                                        webrtc
#
# Prints a Markdown table on stdout (also saved as OUT_DIR/hostile.md): case, command, exit code,
# wall s and peak RSS MiB (/usr/bin/time %e %M), the first line of stderr, and whether the real
# thing was reported with its real values (f: the verdict; g: -).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
OUT=${OUT_DIR:-$HERE/out/hostile}
HEAP=${HEAP:-256m}
SCALE=${SCALE:-1}
TIMEOUT=${TIMEOUT:-300}
KEEP=${KEEP:-0}
CALLSCOPE=$ROOT/target/callscope
GEN_CLASS=$ROOT/target/test-classes/dev/callscope/bench/Hostile.class
TIME=/usr/bin/time

die() { echo "hostile.sh: $*" >&2; exit 1; }
[[ -x $TIME ]] || die "missing $TIME (apt-get install -y time)"
for c in timeout java awk; do command -v "$c" >/dev/null || die "missing command: $c"; done
[[ $SCALE =~ ^[0-9]*\.?[0-9]+$ ]] || die "SCALE must be a positive number"
[[ $TIMEOUT =~ ^[1-9][0-9]*$ ]] || die "TIMEOUT must be a positive number of seconds"

if [[ ! -x $CALLSCOPE ]]; then
  echo "building target/callscope (mvn -q -o package -DskipTests)..." >&2
  (cd "$ROOT" && mvn -q -o package -DskipTests) >&2 || die "build failed"
fi
if [[ ! -f $GEN_CLASS ]]; then
  echo "building the test classes (mvn -q -o test-compile)..." >&2
  (cd "$ROOT" && mvn -q -o test-compile) >&2 || die "build failed"
fi
GEN_CP=$ROOT/target/test-classes:$ROOT/target/classes

# the launcher's own JVM options (its opts=... through fi), then the small heap
here=$ROOT/target
opts=
cmd=  # the launcher picks options by command; these runs take the default ones
eval "$(sed -n '/^opts=/,/^fi$/p' "$CALLSCOPE")"
[[ -n $opts ]] || die "no opts= line in $CALLSCOPE"
JAVA_OPTS="-Xmx$HEAP $opts"

# the real call's and session's values: REAL_CALL_ID, REAL_CALLER_SSRC, WEBRTC_UFRAGS, ...
eval "$(cd "$ROOT" && java -cp "$GEN_CP" dev.callscope.bench.Hostile real)"

mkdir -p "$OUT"
TMP=$(mktemp -d /tmp/callscope-hostile.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

size() { awk -v n="$1" -v s="$SCALE" 'BEGIN { v = int(n * s + 0.5); print (v < 1 ? 1 : v) }'; }

# capture CASE N: OUT/CASE-N.pcap, generated unless it exists
capture() {
  local f=$OUT/$1-$2.pcap
  if [[ ! -s $f ]]; then
    (cd "$ROOT" && nice java -Xmx256m -cp "$GEN_CP" dev.callscope.bench.Hostile "$1" "$f.tmp" "$2") >&2 \
      || die "generator failed for $f"
    mv "$f.tmp" "$f"
  fi
  echo "$f"
}

# element FILE KEY-LINE: the element of the top-level array of a pretty-printed JSON document
# (fields indented by 4, elements closed by "  }") that holds the line KEY-LINE
element() {
  # only the element's own fields (four spaces in) are kept: a call with 100,000 streams stays small
  awk -v key="$2" '/^  }/ { if (index(buf, key "\n") || index(buf, key ",\n")) { printf "%s", buf; exit } buf = ""; next }
                   /^    [^ ]/ { buf = buf $0 "\n" }' "$1"
}
has() { grep -Eq "$1"; }
yn() { if "$@"; then echo yes; else echo no; fi; }

# the checks: each gets stdout, stderr, exit code, N
chk_webrtc() {
  local s
  s=$(awk -v u="$WEBRTC_UFRAGS" '/^Session / { on = index($0, "ufrags " u "  ") > 0 } on' "$1")
  [[ -n $s ]] && has "$WEBRTC_NOMINATED_LOCAL +$WEBRTC_NOMINATED_REMOTE +controlling +5 +5 +0 .*NOMINATED" <<<"$s" \
    && has "SRTP  $WEBRTC_SRTP_SSRC $WEBRTC_NOMINATED_LOCAL -> $WEBRTC_NOMINATED_REMOTE  $WEBRTC_SRTP_PACKETS packets" <<<"$s"
}
chk_read_webrtc() { has "^ +webrtc +frames:$(($4 + WEBRTC_PACKETS)) " <"$1"; }
chk_read_call() { has "^ +sip +frames:$REAL_SIP_MESSAGES " <"$1" && has "^ +rtp +frames:$((2 * REAL_RTP_PER_DIRECTION)) " <"$1"; }
chk_flows_text() {
  has "${REAL_CALLER_SIP//./\\.} +${REAL_CALLEE_SIP//./\\.} +3 +[0-9]+ +4 +[0-9]+ +7 .* sip *$" <"$1" \
    && has "${REAL_CALLER_MEDIA//./\\.} +${REAL_CALLEE_MEDIA//./\\.} +$REAL_RTP_PER_DIRECTION +[0-9]+ +$REAL_RTP_PER_DIRECTION +[0-9]+ .* rtp *$" <"$1"
}
chk_flows_json() {
  local sip rtp
  sip=$(element "$1" "    \"a\" : \"$REAL_CALLER_SIP\"")
  rtp=$(element "$1" "    \"a\" : \"$REAL_CALLER_MEDIA\"")
  has "^    \"packets_a_to_b\" : 3,?$" <<<"$sip" && has "^    \"packets_b_to_a\" : 4,?$" <<<"$sip" \
    && has "^    \"packets_a_to_b\" : $REAL_RTP_PER_DIRECTION,?$" <<<"$rtp" \
    && has "^    \"packets_b_to_a\" : $REAL_RTP_PER_DIRECTION,?$" <<<"$rtp"
}
chk_calls_json() {
  local c
  c=$(element "$1" "    \"call_id\" : \"$REAL_CALL_ID\"")
  has "^    \"state\" : \"COMPLETED\",?$" <<<"$c" && has "^    \"message_count\" : $REAL_SIP_MESSAGES,?$" <<<"$c"
}
chk_rtp_json() {
  local a b
  a=$(element "$1" "    \"ssrc\" : \"$REAL_CALLER_SSRC\"")
  b=$(element "$1" "    \"ssrc\" : \"$REAL_CALLEE_SSRC\"")
  has "^    \"src\" : \"$REAL_CALLER_MEDIA\",?$" <<<"$a" && has "^    \"packets\" : $REAL_RTP_PER_DIRECTION,?$" <<<"$a" \
    && has "^    \"src\" : \"$REAL_CALLEE_MEDIA\",?$" <<<"$b" && has "^    \"packets\" : $REAL_RTP_PER_DIRECTION,?$" <<<"$b"
}
chk_verify() { [[ $3 == 0 ]] && has "2 of 2 assertion\(s\) passed" <"$1"; }

ROWS=()
# run CASE CHECK N ARGS...: one command; appends a table row (RUN_TIMEOUT: this run's limit, default TIMEOUT)
run() {
  local case=$1 check=$2 n=$3 limit=${RUN_TIMEOUT:-$TIMEOUT}; shift 3
  local out=$OUT/$case.$((${#ROWS[@]} + 1)).out err=$OUT/$case.$((${#ROWS[@]} + 1)).err rc=0 w rss first found shown
  shown="callscope $*"
  shown=${shown//$OUT\//}
  echo "  $shown" >&2
  CALLSCOPE_JAVA_OPTS="$JAVA_OPTS" "$TIME" -f '%e %M' -o "$TMP/time" \
    timeout -k 10 "$limit" nice "$CALLSCOPE" "$@" >"$out" 2>"$err" || rc=$?
  read -r w rss < <(tail -1 "$TMP/time")
  first=$(grep -m1 -v '^[[:space:]]*$' "$err" | cut -c1-90 || true)
  [[ $rc == 124 ]] && first="(killed after $limit s)${first:+ $first}"
  first=${first//|/\\|}
  if [[ $check == - ]]; then
    found=-
  else
    found=$(yn "$check" "$out" "$err" "$rc" "$n")
  fi
  [[ $KEEP == 1 ]] || rm -f "$out"
  ROWS+=("| $case | \`${shown//|/\\|}\` | $rc | $w | $(awk -v k="$rss" 'BEGIN { printf "%.0f", k / 1024 }') | ${first:-} | $found |")
}

want() { [[ ${#CASES[@]} -eq 0 ]] && return 0; local c; for c in "${CASES[@]}"; do [[ $c == "$1" || $c == "$2" ]] && return 0; done; return 1; }
CASES=("$@")

if want a dtls; then
  n=$(size 1600); f=$(capture dtls "$n")
  run "a dtls N=$n" chk_webrtc "$n" webrtc "$f"
  run "a dtls N=$n" chk_read_webrtc "$n" read "$f"
fi
if want b fragments; then
  n=$(size 4200); f=$(capture fragments "$n")
  run "b fragments N=$n" chk_read_call "$n" read "$f"
  run "b fragments N=$n" chk_flows_text "$n" flows "$f"
fi
if want c invites; then
  n=$(size 1000000); f=$(capture invites "$n")
  run "c invites N=$n" chk_calls_json "$n" calls --json "$f"
  run "c invites N=$n" chk_calls_json "$n" calls --json --max-calls=50000 "$f"
fi
if want d ssrc; then
  n=$(size 100000); f=$(capture ssrc "$n")
  run "d ssrc N=$n" chk_rtp_json "$n" rtp --json "$f"
  run "d ssrc N=$n" chk_calls_json "$n" calls --json "$f"
fi
if want e tuples; then
  n=$(size 1000000); f=$(capture tuples "$n")
  run "e tuples N=$n" chk_read_call "$n" read "$f"
  run "e tuples N=$n" chk_flows_json "$n" flows --json "$f"
  run "e tuples N=$n" chk_flows_json "$n" flows --json --max-flows=20000 "$f"
fi
if want f long-call; then
  n=$(size 30000); f=$(capture long-call "$n")
  printf 'name: long call\nsip:\n  - name: the call\n    match: {method: INVITE}\n    calls: 1\n    sequence: "INVITE, 200, ACK, INFO*"\n' \
    >"$OUT/long-call.yaml"
  run "f long-call N=$n" chk_verify "$n" verify --spec "$OUT/long-call.yaml" "$f"
fi
if want g regex; then
  f=$(capture regex 1)
  # a regular expression must be refused (or matched) within seconds, not run for ever
  RUN_TIMEOUT=$((TIMEOUT < 60 ? TIMEOUT : 60)) run "g regex" - 1 calls --from '(.*a){10}$' "$f"
fi
if want h stun; then
  n=$(size 1100); f=$(capture stun "$n")
  run "h stun N=$n" chk_webrtc "$n" webrtc "$f"
fi

{
  echo "callscope on hostile captures: -Xmx$HEAP (launcher's other options), SCALE=$SCALE, timeout $TIMEOUT s;" \
    "$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?'), $(date -u +%Y-%m-%dT%H:%MZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| case | command | exit | wall s | peak RSS MiB | first stderr line | real thing found |"
  echo "|---|---|---:|---:|---:|---|---|"
  printf '%s\n' "${ROWS[@]}"
} | tee "$OUT/hostile.md"
