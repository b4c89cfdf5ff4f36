#!/usr/bin/env bash
# Records samples/dubbo/dubbo-calls.pcap from a real Apache Dubbo provider and consumer
# (src/test/java/dev/callscope/samples/dubbo/DubboSample.java) inside a network namespace that has
# only the loopback interface, so no connection can leave the machine (Dubbo swaps 127.x hosts for
# the first non-loopback address when it finds one: here there is none).
# Needs root (ip netns), tcpdump, tshark (for the loopback check) and Maven. Bounded: the program
# runs under `timeout`, tcpdump is stopped by its PID.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=samples/dubbo/dubbo-calls.pcap
log=samples/dubbo/dubbo-calls.log
ns=callscope-dubbo-$$

mvn -q test-compile
cp_file=$(mktemp)
mvn -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
cp="target/test-classes:target/classes:$(cat "$cp_file")"
rm -f "$cp_file"

ip netns add "$ns"
cleanup() {
    [[ -n "${tcpdump_pid:-}" ]] && kill "$tcpdump_pid" 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
}
trap cleanup EXIT
ip -n "$ns" link set lo up

ip netns exec "$ns" tcpdump -i lo -U --immediate-mode -s 0 -w "$out" 'tcp port 20880' 2>/dev/null &
tcpdump_pid=$!
sleep 1
# Java 17: Dubbo's hessian2 needs these opens to serialise the thrown exception (else BAD_RESPONSE).
ip netns exec "$ns" timeout 120 java -Xmx256m \
    --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/java.util=ALL-UNNAMED \
    --add-opens java.base/java.math=ALL-UNNAMED \
    -Ddubbo.application.qos-enable=false \
    -cp "$cp" dev.callscope.samples.dubbo.DubboSample 2>/dev/null | grep '^CALL' | tee "$log"
sleep 2
kill "$tcpdump_pid"
wait "$tcpdump_pid" 2>/dev/null || true
tcpdump_pid=

# every packet must be between 127.0.0.1 and 127.0.0.1
others=$(tshark -r "$out" -T fields -e ip.src -e ip.dst | tr '\t' '\n' | sort -u | grep -v '^127\.0\.0\.1$' || true)
if [[ -n "$others" ]]; then
    echo "record.sh: traffic left 127.0.0.1: $others" >&2
    exit 1
fi
ls -l "$out"
