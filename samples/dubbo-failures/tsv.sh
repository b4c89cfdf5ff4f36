#!/usr/bin/env bash
# NAME.tshark.tsv for a capture: one row per packet, TCP fields and the Dubbo header fields of every
# Dubbo frame that ends in that packet (comma-separated when several do). tshark 4.0 has no Dubbo
# dissector, so dubbo.lua (beside this script) supplies one.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tshark -r "$1" -X lua_script:"$here/dubbo.lua" -o tcp.desegment_tcp_streams:TRUE \
    -T fields -E header=y -E separator=/t -E occurrence=a -E aggregator=, \
    -e frame.number -e frame.time_epoch -e ip.src -e tcp.srcport -e ip.dst -e tcp.dstport \
    -e tcp.stream -e tcp.flags.str -e tcp.len \
    -e dubbo.req_id -e dubbo.flags -e dubbo.is_request -e dubbo.two_way -e dubbo.event -e dubbo.heartbeat \
    -e dubbo.status -e dubbo.body_len -e dubbo.method -e dubbo.timeout -e dubbo.resp_type \
    -e dubbo.error_msg
