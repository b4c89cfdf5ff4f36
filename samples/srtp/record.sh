#!/usr/bin/env bash
# Records callscope's SRTP samples: SIP over TLS 1.3 calls whose SDP carries
# SDES keys (a=crypto, RFC 4568) and whose media is SRTP/SRTCP made by libsrtp2,
# with the TLS key log of each capture and the truth of everything sent.
#
#   usage (as root): samples/srtp/record.sh [NAME ...]
#   NAME is one of: call-aes-cm call-gcm call-mki (default: all)
#
# Needs: Debian 12 with gcc and libsrtp2-dev (2.5.0), python3 (3.8+, stdlib
# only; OpenSSL's libcrypto for the check), openssl (CLI), tcpdump, tshark and
# capinfos (4.0), iproute2.
#
# Everything runs inside a private network namespace that has only `lo`:
#   UAS (callee)  127.0.0.12:5061, Python ssl server; media 127.0.0.12:50000+10*N
#   UAC (caller)  127.0.0.11:<ephemeral>, Python ssl client; media 127.0.0.11:40000+10*N
# One TLS connection per capture carrying its calls one after the other (see
# srtp_call.py); media is two srtp_peer processes (srtp_peer.c, built here with
# gcc against libsrtp2) per call, RTCP on port+1. A self-signed RSA 2048
# certificate for sip.callscope.test is made with `openssl req -x509` in a
# temporary directory (never committed). Both TCP ends clamp the MSS to 1460
# and lo's GSO limit is 1500 in the namespace (as in samples/tls).
# tcpdump listens on lo with --immediate-mode, full snaplen and the filter
# 'host 127.0.0.12' (SIP, media, and any ICMP, which must not appear), and is
# stopped one second after the peers have exited. Every process is bounded
# (timeout(1), socket timeouts, srtp_peer's own frame count and linger) and is
# stopped by PID; the namespace is deleted on exit.
#
# For each NAME it writes NAME.pcap, NAME.keys (NSS key log of the UAC),
# NAME.sip.truth.jsonl (every SIP message sent) and NAME.media.truth.jsonl
# (every SRTP/SRTCP packet sent), and checks the capture with
# `srtp_call.py check` (tshark's decryption of the SIP and view of the
# SRTP/SRTCP headers, and an independent SRTP decryption) against the truth.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CALL=$HERE/srtp_call.py
UAC_ADDR=127.0.0.11
UAS_ADDR=127.0.0.12
PORT=5061
NS=callscope-srtp-$$

die() { echo "record.sh: $*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || die "must run as root (network namespace, tcpdump)"
for c in python3 openssl gcc tcpdump tshark capinfos ip timeout; do
  command -v "$c" >/dev/null || die "missing command: $c"
done
[[ -f /usr/include/srtp2/srtp.h ]] || die "missing libsrtp2-dev (apt-get install libsrtp2-dev)"

WORK=$(mktemp -d /tmp/callscope-srtp-record.XXXXXX)
chmod 755 "$WORK"                    # tcpdump writes here as user tcpdump
PIDS=()

cleanup() {
  local rc=$?
  for pid in "${PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; fi
  done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  ip netns del "$NS" 2>/dev/null || true
  if [[ $rc -eq 0 ]]; then
    rm -rf "$WORK"
  else
    echo "record.sh: failed (rc=$rc); logs kept in $WORK" >&2
  fi
}
trap cleanup EXIT

# the media peer
PEER=$WORK/srtp_peer
gcc -O2 -Wall -Wextra -o "$PEER" "$HERE/srtp_peer.c" -lsrtp2 -lm || die "gcc failed"
echo "== $("$PEER" --version)"

# does this libsrtp2 do SUITE (with an MKI)? (a key for the probe only)
probe() {  # SUITE BYTES [MKI suffix]
  "$PEER" --probe --suite "$1" --inline "$(head -c "$2" /dev/urandom | base64 -w0)${3:-}" \
    >>"$WORK/probe.log" 2>&1
}

ip netns add "$NS"
ip -n "$NS" link set lo gso_max_size 1500
ip -n "$NS" link set lo up

wait_for() {  # SECONDS CMD...: poll until CMD succeeds
  local deadline=$(( SECONDS + $1 )); shift
  until "$@" >/dev/null 2>&1; do
    (( SECONDS < deadline )) || return 1
    sleep 0.1
  done
}

timeout 30 openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
    -keyout "$WORK/key.pem" -out "$WORK/cert.pem" -subj /CN=sip.callscope.test \
    -addext subjectAltName=DNS:sip.callscope.test >/dev/null 2>&1 \
  || die "openssl req failed"

ts() { timeout 60 tshark "$@" 2>>"$WORK/tshark.log"; }

# record NAME [srtp_call.py run options...]
record() {
  local name=$1; shift
  local tmp=$WORK/$name.pcap
  echo "== recording $name"
  mkdir -p "$WORK/$name"

  # (ip netns exec execs timeout, so $! is the PID that relays our TERM to tcpdump)
  ip netns exec "$NS" timeout 90 tcpdump -i lo -n -s 0 --immediate-mode -w "$tmp" \
      "host $UAS_ADDR" 2>"$WORK/$name.tcpdump.log" &
  local td=$!; PIDS+=("$td")
  wait_for 10 grep -q 'listening on' "$WORK/$name.tcpdump.log" || die "tcpdump did not start"

  ip netns exec "$NS" timeout 60 python3 "$CALL" run \
      --uas-addr "$UAS_ADDR" --uac-addr "$UAC_ADDR" --port "$PORT" \
      --peer "$PEER" --cert "$WORK/cert.pem" --key "$WORK/key.pem" \
      --keylog "$WORK/$name.keys" --sip-truth "$WORK/$name.sip.truth.jsonl" \
      --media-truth "$WORK/$name.media.truth.jsonl" --work "$WORK/$name" "$@" \
      2>"$WORK/$name.call.log" || die "$name: srtp_call.py failed, see $WORK/$name.call.log"
  grep -E '^srtp_call: (uas: TLS|.*srtp_peer pid|done)' "$WORK/$name.call.log" | sed 's/^/   /'

  sleep 1                      # let the last packets reach the file
  kill -TERM "$td"; wait "$td" || true
  grep -E 'packets (captured|dropped)' "$WORK/$name.tcpdump.log" | sed 's/^/   tcpdump: /'
  grep -q '^0 packets dropped by kernel' "$WORK/$name.tcpdump.log" || die "$name: tcpdump dropped packets"

  local n
  n=$(ts -r "$tmp" -Y 'tcp.len > 1448' | wc -l)
  [[ $n -eq 0 ]] || die "$name: $n TCP segments longer than the MSS (GSO on lo?)"
  n=$(ts -r "$tmp" -Y 'icmp' | wc -l)
  [[ $n -eq 0 ]] || die "$name: $n ICMP packets (a media port was closed)"

  local rc=0
  python3 "$CALL" check --pcap "$tmp" --keylog "$WORK/$name.keys" \
      --sip-truth "$WORK/$name.sip.truth.jsonl" --media-truth "$WORK/$name.media.truth.jsonl" \
      >"$WORK/$name.check" 2>&1 || rc=$?
  sed 's/^/   /' "$WORK/$name.check"
  [[ $rc -eq 0 ]] || die "$name: the capture does not match its truth"

  mv "$tmp" "$HERE/$name.pcap"
  for ext in keys sip.truth.jsonl media.truth.jsonl; do mv "$WORK/$name.$ext" "$HERE/$name.$ext"; done
  chown --reference="$HERE" "$HERE/$name".*
  chmod 644 "$HERE/$name".*
  echo "   wrote $HERE/$name.pcap ($(stat -c %s "$HERE/$name.pcap") bytes)"
  DONE+=("$name")
}

names=("$@")
[[ ${#names[@]} -gt 0 ]] || names=(call-aes-cm call-gcm call-mki)
DONE=()

for n in "${names[@]}"; do
  case $n in
    call-aes-cm)
      record "$n" --call AES_CM_128_HMAC_SHA1_80 --call AES_CM_128_HMAC_SHA1_32 ;;
    call-gcm)
      if probe AEAD_AES_128_GCM 28 && probe AEAD_AES_256_GCM 44; then
        record "$n" --call AEAD_AES_128_GCM --call AEAD_AES_256_GCM
      else
        echo "== SKIPPED $n: this libsrtp2 cannot do AEAD_AES_*_GCM ($(tail -1 "$WORK/probe.log"))"
      fi ;;
    call-mki)
      if probe AES_CM_128_HMAC_SHA1_80 30 '|2^31|1:4'; then
        record "$n" --call AES_CM_128_HMAC_SHA1_80 --mki
      else
        echo "== SKIPPED $n: this libsrtp2 cannot do an MKI ($(tail -1 "$WORK/probe.log"))"
      fi ;;
    *) die "unknown sample: $n" ;;
  esac
done

echo "== summary (from the truth files, and tshark with each key log)"
for n in "${DONE[@]}"; do
  f=$HERE/$n.pcap
  printf '%s: %s packets, %s bytes; %s SIP messages, tshark decrypted %s\n' "$n.pcap" \
    "$(capinfos -T -r -c "$f" | cut -f2)" "$(stat -c %s "$f")" \
    "$(wc -l <"$HERE/$n.sip.truth.jsonl")" \
    "$(ts -r "$f" -o "tls.keylog_file:$HERE/$n.keys" -Y sip -T fields -e sip.CSeq | tr ',' '\n' | grep -c .)"
  python3 - "$HERE/$n.media.truth.jsonl" <<'EOF'
import collections, json, sys
streams = collections.OrderedDict()
for l in open(sys.argv[1]):
    m = json.loads(l)
    s = streams.setdefault((m["call"], m["side"], m["ssrc"]), {"rtp": [], "rtcp": [], "m": m})
    s["rtcp" if "rtcp" in m else "rtp"].append(m)
for (call, side, ssrc), s in streams.items():
    rtp, m = s["rtp"], s["m"]
    wrap = [r["seq"] for i, r in enumerate(rtp[1:]) if r["seq"] < rtp[i]["seq"]]
    dtmf = [r for r in rtp if r["pt"] == 101]
    print("    call %d %s %s -> %s %s%s: SSRC 0x%08x, RTP %d (seq %d..%d%s), DTMF digit %d in %d packets "
          "(seq %d..%d), SRTCP %d (index %s)"
          % (call, side, m["src"], m["dst"], m["suite"], " MKI " + m["mki"] if "mki" in m else "", ssrc,
             len(rtp), rtp[0]["seq"], rtp[-1]["seq"], ", wraps, ROC 0->1" if wrap else "",
             dtmf[0]["event"]["digit"], len(dtmf), dtmf[0]["seq"], dtmf[-1]["seq"], len(s["rtcp"]),
             ",".join(str(r["srtcp_index"]) for r in s["rtcp"])))
EOF
done
