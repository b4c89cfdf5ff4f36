#!/bin/sh
# samples/rotated: samples/sip-call.pcap (a SIPp call recorded on loopback) cut as a capture
# ring buffer would cut it, into two files of at most 250 packets (editcap from Wireshark):
# the INVITE and its answer fall in the first, the BYE in the second, the RTP in both.
# callscope-spark joins them into one call and two streams, as callscope reads the whole file.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
editcap -c 250 ../sip-call.pcap "$tmp/part.pcap"
set -- "$tmp"/part_*.pcap
[ "$#" = 2 ] || { echo "make.sh: expected 2 files, got $#" >&2; exit 1; }
cp "$1" sip-call-1.pcap
cp "$2" sip-call-2.pcap
