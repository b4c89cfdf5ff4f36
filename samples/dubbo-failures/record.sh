#!/usr/bin/env bash
# Records samples/dubbo-failures/*.pcap: a real Apache Dubbo 3.2 provider JVM and consumer JVM
# (sources in samples/dubbo-failures/src, compiled here with javac into a temporary directory) talking
# the dubbo protocol (hessian2) on 127.0.0.1:20880 inside a network namespace that has only `lo`
# (Dubbo swaps 127.x hosts for the first non-loopback address when one exists: here none does).
# One capture per failure case, each with a truth log written by the two programs themselves.
#
#   bash samples/dubbo-failures/record.sh            # all five cases
#   bash samples/dubbo-failures/record.sh pool-exhausted frozen-provider   # some of them
#
# Needs root (ip netns, kill -STOP), Java 17, Maven (only for the Dubbo classpath), tcpdump, tshark,
# python3. Bounded: every JVM runs under `timeout`, tcpdump and the JVMs are stopped by their PIDs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
main=$(cd "$here/../.." && pwd)
cases=("$@")
[[ ${#cases[@]} -gt 0 ]] || cases=(late-response payload-limit pool-exhausted serialization-failure frozen-provider frozen-provider-default)

work=$(mktemp -d /tmp/dubbo-failures.XXXXXX)
ns=callscope-dubfail-$$
tcpdump_pid=
prov_pid=
cons_pid=
java_pid=
cleanup() {
    [[ -n "$java_pid" ]] && kill -CONT "$java_pid" 2>/dev/null || true
    [[ -n "$cons_pid" ]] && kill "$cons_pid" 2>/dev/null || true
    [[ -n "$prov_pid" ]] && kill "$prov_pid" 2>/dev/null || true
    [[ -n "$tcpdump_pid" ]] && kill "$tcpdump_pid" 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# --- classpath: Dubbo and what it needs, from the project's test scope (no slf4j: Dubbo logs to JUL) ---
(cd "$main" && mvn -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt" >/dev/null)
dubbo_cp=$(tr ':' '\n' < "$work/cp.txt" \
    | grep -E '/(dubbo|hessian-lite|netty[^/]*|javassist|fastjson2|spring-[^/]*)-[0-9][^/]*\.jar$' | paste -sd: -)
grep -q '/dubbo-3\.' <<<"$dubbo_cp" || { echo "record.sh: no Dubbo 3 jar on the test classpath" >&2; exit 1; }

# --- compile; the provider lacks ConsumerOnlyThing, the consumer lacks ProviderOnlyThing ---
mkdir -p "$work/classes"
javac -nowarn -d "$work/classes" -cp "$dubbo_cp" $(find "$here/src" -name '*.java')
cp -r "$here/src/META-INF" "$work/classes/"
pkg=dev/callscope/samples/dubbofail
cp -r "$work/classes" "$work/prov"; rm "$work/prov/$pkg/ConsumerOnlyThing.class"
cp -r "$work/classes" "$work/cons"; rm "$work/cons/$pkg/ProviderOnlyThing.class"

jvm_opts=(-Xmx256m -XX:+UseSerialGC
    --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/java.util=ALL-UNNAMED
    --add-opens java.base/java.math=ALL-UNNAMED
    -Ddubbo.application.logger=jdk -Ddubbo.application.qos-enable=false
    '-Djava.util.logging.SimpleFormatter.format=J %1$ts%1$tL %4$s %3$s: %5$s%6$s%n')

wait_for() { # FILE PATTERN SECONDS
    local i
    for ((i = 0; i < $3 * 10; i++)); do
        grep -q "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "record.sh: '$2' did not appear in $1 within $3 s" >&2
    return 1
}

record_case() {
    local name=$1 out="$here/dubbo-$1.pcap" d="$work/$1"
    mkdir -p "$d"
    echo "== $name"
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip netns exec "$ns" tcpdump -Z root -i lo -U --immediate-mode -s 0 -w "$out" 'tcp port 20880' 2>/dev/null &
    tcpdump_pid=$!
    sleep 1

    ip netns exec "$ns" timeout 90 java "${jvm_opts[@]}" -cp "$work/prov:$dubbo_cp" \
        dev.callscope.samples.dubbofail.Provider "$name" "$d/provider.pid" "$d/stop" 80 \
        >"$d/provider.out" 2>"$d/provider.err" &
    prov_pid=$!
    wait_for "$d/provider.out" '^P [0-9]* READY' 60
    java_pid=$(cat "$d/provider.pid")

    ip netns exec "$ns" timeout 90 java "${jvm_opts[@]}" -cp "$work/cons:$dubbo_cp" \
        dev.callscope.samples.dubbofail.Consumer "$name" >"$d/consumer.out" 2>"$d/consumer.err" &
    cons_pid=$!
    if [[ $name == frozen-provider* ]]; then
        wait_for "$d/consumer.out" 'MARK freeze-now' 60
        sleep 0.5
        echo "R $(date +%s%3N) SIGSTOP provider pid=$java_pid" >>"$d/record.out"
        kill -STOP "$java_pid"
        sleep 7
        echo "R $(date +%s%3N) SIGCONT provider pid=$java_pid" >>"$d/record.out"
        kill -CONT "$java_pid"
    fi
    wait "$cons_pid" || echo "record.sh: consumer exited with $?" >&2
    cons_pid=
    touch "$d/stop"
    wait "$prov_pid" || echo "record.sh: provider exited with $?" >&2
    prov_pid=
    java_pid=
    sleep 2
    kill "$tcpdump_pid"
    wait "$tcpdump_pid" 2>/dev/null || true
    tcpdump_pid=
    ip netns del "$ns"

    # every packet must be between 127.0.0.1 and 127.0.0.1
    local others
    others=$(tshark -r "$out" -T fields -e ip.src -e ip.dst 2>/dev/null | tr '\t' '\n' | sort -u | grep -v '^127\.0\.0\.1$' || true)
    if [[ -n "$others" ]]; then
        echo "record.sh: traffic left 127.0.0.1: $others" >&2
        exit 1
    fi
    # the truth log, the programs' own Dubbo logs (without stack frames), the tshark table
    python3 "$here/truth.py" "$name" "$d" "$here"
    bash "$here/tsv.sh" "$out" >"$here/dubbo-$name.tshark.tsv" 2>/dev/null
    ls -l "$out"
}

for c in "${cases[@]}"; do
    record_case "$c"
done
