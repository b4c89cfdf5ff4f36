#!/usr/bin/env bash
# Records callscope's HTTP/2 samples in samples/http2/ from real HTTP/2 stacks talking over loopback:
#
#   http2-tls-grpc     gRPC over HTTP/2 over TLS 1.3 (ALPN h2) between Node's built-in http2 (nghttp2) server and
#                      client (grpc-server.js, grpc-client.js), 127.0.0.1:50443; the client's NSS key log is kept
#                      as http2-tls-grpc.keys (a throwaway session: the certificate and its key are made here and
#                      deleted on exit)
#   http2-h2c-upgrade  HTTP/1.1 -> h2c upgrade (RFC 7540 section 3.2): curl 7.88 (nghttp2) `--http2` with two URLs
#                      on one connection against a Netty 4.1.112 server (H2cUpgradeServer.java), 127.0.0.1:8080
#   http2-flow-stall   cleartext HTTP/2 with prior knowledge, Node client and server (flow-client.js,
#                      flow-server.js), 127.0.0.1:8081: the client advertises SETTINGS_INITIAL_WINDOW_SIZE 4096 and
#                      pauses a 64 KiB response for 500 ms, so the server's stream window stays at 0 until the
#                      client's WINDOW_UPDATE
#
# For each NAME it writes NAME.pcap, NAME.log (truth: the programs' own lines `WHO epoch_ms event=E key=value ...`,
# merged by time), NAME.tshark.tsv (tshark's HTTP/2 view, one row per packet, the frames of one packet joined with
# "|") and NAME.summary.txt (summarize.py: HTTP/2 frames by type and direction, streams and outcomes, connection
# frames, a flow-control replay, and checks against the truth log; the script fails if a check fails).
#
#   usage (as root): bash samples/http2/record.sh [grpc|h2c|flow ...]      (default: all three)
#
# Needs (Debian 12): iproute2, tcpdump, tshark and capinfos 4.0, openssl, node (/usr/bin/node, 18 or later),
# curl 7.88 built with nghttp2, javac/java 17, python3; the Netty 4.1.112.Final jars in ~/.m2/repository (if one
# is missing, Maven resolves them from pom.xml). Nothing is written outside this directory except temp dirs.
#
# Everything runs inside a private network namespace that has only `lo` (so no program can reach another
# address); tcpdump listens on lo with -U --immediate-mode -s 0 and the capture's port as filter, and is stopped
# 1.5 s after the last program has exited. Every program runs under timeout(1), is started by this script and is
# stopped only by its own PID; the namespace and the temp dirs are removed on exit.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
NS=callscope-http2-$$
GRPC_PORT=50443
H2C_PORT=8080
FLOW_PORT=8081
NETTY_VERSION=4.1.112.Final
NETTY_ARTIFACTS=(common buffer transport resolver transport-native-unix-common codec handler codec-http codec-http2)
TSV_FIELDS=(frame.number frame.time_epoch tcp.srcport tcp.dstport http2.streamid http2.type http2.flags
            http2.length http2.header.name http2.header.value http2.rst_stream.error
            http2.window_update.window_size_increment)
MAX_PCAP_BYTES=102400

die() { echo "record.sh: $*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || die "must run as root (network namespace, tcpdump)"
for c in ip tcpdump tshark capinfos openssl node curl javac java python3 timeout; do
  command -v "$c" >/dev/null || die "missing command: $c"
done
curl --version | grep -q 'nghttp2' || die "curl is not built with nghttp2"

names=("$@")
[[ ${#names[@]} -gt 0 ]] || names=(grpc h2c flow)

WORK=$(mktemp -d /tmp/callscope-http2-record.XXXXXX)
SECRETS=$(mktemp -d /tmp/callscope-http2-tls.XXXXXX)   # the throwaway TLS key: always deleted
PIDS=()

cleanup() {
  local rc=$?
  local pid
  for pid in "${PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; fi
  done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  ip netns del "$NS" 2>/dev/null || true
  rm -rf "$SECRETS"
  if [[ $rc -eq 0 ]]; then
    rm -rf "$WORK"
  else
    echo "record.sh: failed (rc=$rc); logs kept in $WORK" >&2
  fi
}
trap cleanup EXIT

ip netns add "$NS"
ip -n "$NS" link set lo up

# wait_for SECONDS CMD...: poll until CMD succeeds
wait_for() {
  local deadline=$(( SECONDS + $1 )); shift
  until "$@" >/dev/null 2>&1; do
    (( SECONDS < deadline )) || return 1
    sleep 0.1
  done
}

# (`ip netns exec` execs timeout, which runs the program: $! is the PID that relays our TERM to it)
TD=
start_capture() {  # NAME PORT
  ip netns exec "$NS" timeout 120 tcpdump -Z root -i lo -n -U --immediate-mode -s 0 -w "$WORK/$1.pcap" \
      "tcp port $2" 2>"$WORK/$1.tcpdump.log" &
  TD=$!; PIDS+=("$TD")
  wait_for 10 grep -q 'listening on' "$WORK/$1.tcpdump.log" || die "$1: tcpdump did not start"
}
stop_capture() {  # NAME
  sleep 1.5                    # let the last packets reach the file
  kill -TERM "$TD"; wait "$TD" || true
  grep -E 'packets (captured|dropped)' "$WORK/$1.tcpdump.log" | sed 's/^/   tcpdump: /'
  grep -q '^0 packets dropped by kernel' "$WORK/$1.tcpdump.log" || die "$1: tcpdump dropped packets"
}

SRV=
start_server() {  # NAME PROGRAM... (the program prints READY once it listens)
  local name=$1; shift
  ip netns exec "$NS" timeout 60 "$@" >"$WORK/$name.server.out" 2>"$WORK/$name.server.err" &
  SRV=$!; PIDS+=("$SRV")
  wait_for 30 grep -q READY "$WORK/$name.server.out" \
    || die "$name: server not ready: $(tail -5 "$WORK/$name.server.err")"
}
wait_server() {  # NAME: every server exits by itself when its one connection has closed
  local rc=0
  wait "$SRV" || rc=$?
  [[ $rc -eq 0 ]] || die "$1: server exit status $rc: $(tail -5 "$WORK/$1.server.err")"
}

# finish NAME PORT CHECK [tshark options...]: tshark view, summary with checks, files moved here
finish() {
  local name=$1 port=$2 check=$3; shift 3
  local pcap=$WORK/$name.pcap
  local size; size=$(stat -c %s "$pcap")
  (( size < MAX_PCAP_BYTES )) || die "$name: capture is $size bytes"
  local fields=() f
  for f in "${TSV_FIELDS[@]}"; do fields+=(-e "$f"); done
  timeout 60 tshark -r "$pcap" "$@" -T fields -E header=y -E 'aggregator=|' "${fields[@]}" \
      >"$WORK/$name.tshark.tsv" 2>>"$WORK/tshark.err"
  local sopts=()
  [[ $# -ge 2 && $1 == -o ]] && sopts=(--keylog "${2#tls.keylog_file:}")
  [[ $# -ge 2 && $1 == -d ]] && sopts=(--decode-as "$2")
  local rc=0
  timeout 120 python3 "$HERE/summarize.py" "$pcap" "$port" "${sopts[@]}" --check "$check" --log "$WORK/$name.log" \
      >"$WORK/$name.summary.txt" 2>>"$WORK/summarize.err" || rc=$?
  grep -E '^(CHECK|  STALL|101 in|PING RTT|packets:|  c->s:|  s->c:)' "$WORK/$name.summary.txt" | sed 's/^/   /'
  [[ $rc -eq 0 ]] || die "$name: summarize.py checks failed (see $WORK/$name.summary.txt)"
  local ext
  for ext in pcap keys log tshark.tsv summary.txt; do
    [[ -f $WORK/$name.$ext ]] || continue
    mv "$WORK/$name.$ext" "$HERE/$name.$ext"
    chown --reference="$HERE" "$HERE/$name.$ext"
    chmod 644 "$HERE/$name.$ext"
  done
  echo "   wrote $HERE/$name.pcap ($size bytes, $(capinfos -T -r -c "$HERE/$name.pcap" | cut -f2) packets)"
}

record_grpc() {
  local name=http2-tls-grpc
  echo "== recording $name"
  # throwaway self-signed certificate (EC P-256) for 127.0.0.1; the key never leaves $SECRETS
  timeout 30 openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
      -keyout "$SECRETS/key.pem" -out "$SECRETS/cert.pem" -subj /CN=grpc.callscope.test \
      -addext 'subjectAltName=IP:127.0.0.1,DNS:grpc.callscope.test' >/dev/null 2>&1 || die "openssl req failed"
  chmod 644 "$SECRETS/cert.pem"
  start_capture "$name" "$GRPC_PORT"
  start_server grpc node "$HERE/grpc-server.js" "$SECRETS/cert.pem" "$SECRETS/key.pem" "$WORK/grpc.server.log" "$GRPC_PORT"
  ip netns exec "$NS" timeout 30 node "$HERE/grpc-client.js" "$SECRETS/cert.pem" "$WORK/grpc.client.log" \
      "$WORK/$name.keys" "$GRPC_PORT" 2>"$WORK/grpc.client.err" || die "grpc client failed: $(tail -5 "$WORK/grpc.client.err")"
  wait_server grpc
  stop_capture "$name"
  sort -s -n -k2,2 "$WORK/grpc.server.log" "$WORK/grpc.client.log" >"$WORK/$name.log"
  grep -q 'CLIENT_TRAFFIC_SECRET_0' "$WORK/$name.keys" || die "$name: no TLS 1.3 traffic secret in the key log"
  finish "$name" "$GRPC_PORT" grpc -o "tls.keylog_file:$WORK/$name.keys"
}

netty_classpath() {
  local repo=${M2_REPO:-$HOME/.m2/repository} cp="" a jar
  for a in "${NETTY_ARTIFACTS[@]}"; do
    jar=$repo/io/netty/netty-$a/$NETTY_VERSION/netty-$a-$NETTY_VERSION.jar
    if [[ ! -f $jar ]]; then
      echo "   $jar missing: resolving the classpath with Maven from pom.xml" >&2
      mvn -q -f "$HERE/pom.xml" dependency:build-classpath -Dmdep.outputFile="$WORK/netty.cp" >&2
      cat "$WORK/netty.cp"
      return
    fi
    cp+=${cp:+:}$jar
  done
  echo "$cp"
}

# curl's stderr (-v, and the -w line sent there with %{stderr}) as truth-log lines, each stamped with the wall
# clock (epoch ms, bash's $EPOCHREALTIME: no process start-up delay) when it arrives; curl writes stderr
# unbuffered, as things happen. (curl's own --trace-time is not used: curl 7.88 derives it from the monotonic
# clock plus a whole-second offset, so it can be up to a second off the wall clock.)
curl_stamp() {
  local line text us
  while IFS= read -r line; do
    us=${EPOCHREALTIME/[.,]/}
    line=${line%$'\r'}
    [[ -n $line ]] || continue
    if [[ $line == event=* ]]; then
      printf 'CURL %s %s\n' "${us:0:-3}" "$line"
    else
      text=${line//\\/\\\\}; text=${text//\"/\\\"}
      printf 'CURL %s event=trace text="%s"\n' "${us:0:-3}" "$text"
    fi
  done
}

record_h2c() {
  local name=http2-h2c-upgrade
  echo "== recording $name"
  local cp; cp=$(netty_classpath)
  mkdir -p "$WORK/classes"
  javac -nowarn -encoding UTF-8 -d "$WORK/classes" -cp "$cp" "$HERE/H2cUpgradeServer.java" 2>&1 | grep -v '^Note:' || true
  [[ -f $WORK/classes/H2cUpgradeServer.class ]] || die "javac failed"
  start_capture "$name" "$H2C_PORT"
  start_server h2c java -Xmx128m -cp "$WORK/classes:$cp" H2cUpgradeServer "$H2C_PORT" "$WORK/h2c.server.log"
  # two URLs: the first is sent as HTTP/1.1 with Upgrade: h2c (answered on stream 1), the second reuses the
  # upgraded connection (stream 3)
  ip netns exec "$NS" timeout 30 curl --http2 -sS -v --max-time 20 \
      -o "$WORK/first.body" -o "$WORK/second.body" \
      -w '%{stderr}event=transfer url=%{url_effective} http_version=%{http_version} code=%{response_code} size_download=%{size_download} num_connects=%{num_connects} time_total=%{time_total}\n' \
      "http://127.0.0.1:$H2C_PORT/first" "http://127.0.0.1:$H2C_PORT/second" 2>&1 >/dev/null \
    | curl_stamp >"$WORK/curl.log" || die "curl failed: $(tail -5 "$WORK/curl.log")"
  wait_server h2c
  stop_capture "$name"
  [[ $(stat -c %s "$WORK/first.body") -eq 1000 && $(stat -c %s "$WORK/second.body") -eq 2500 ]] \
    || die "$name: response bodies are not 1000 and 2500 bytes"
  sort -s -n -k2,2 "$WORK/h2c.server.log" "$WORK/curl.log" >"$WORK/$name.log"
  # port 8080 is HTTP in tshark: its HTTP dissector follows the 101 and hands the rest of the connection to
  # HTTP/2 (with -d tcp.port==8080,http2 the HTTP/1.1 request and the 101 would not be dissected)
  finish "$name" "$H2C_PORT" h2c -d "tcp.port==$H2C_PORT,http"
}

record_flow() {
  local name=http2-flow-stall
  echo "== recording $name"
  start_capture "$name" "$FLOW_PORT"
  start_server flow node "$HERE/flow-server.js" "$WORK/flow.server.log" "$FLOW_PORT"
  ip netns exec "$NS" timeout 30 node "$HERE/flow-client.js" "$WORK/flow.client.log" "$FLOW_PORT" 8192 500 \
      2>"$WORK/flow.client.err" || die "flow client failed: $(tail -5 "$WORK/flow.client.err")"
  wait_server flow
  stop_capture "$name"
  sort -s -n -k2,2 "$WORK/flow.server.log" "$WORK/flow.client.log" >"$WORK/$name.log"
  finish "$name" "$FLOW_PORT" flow -d "tcp.port==$FLOW_PORT,http2"
}

for n in "${names[@]}"; do
  case $n in
    grpc) record_grpc ;;
    h2c) record_h2c ;;
    flow) record_flow ;;
    *) die "unknown capture: $n (grpc, h2c or flow)" ;;
  esac
done
