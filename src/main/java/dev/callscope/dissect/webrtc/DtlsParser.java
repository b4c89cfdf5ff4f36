package dev.callscope.dissect.webrtc;

import dev.callscope.core.Direction;
import dev.callscope.core.FragmentBuffer;
import dev.callscope.core.ReassemblyBudget;
import dev.callscope.dissect.Anomaly;
import dev.callscope.dissect.EventSink;
import dev.callscope.dissect.PacketContext;
import dev.callscope.dissect.Payload;
import dev.callscope.dissect.Severity;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * DTLS records and handshake messages of one leg, both directions (RFC 6347, RFC 9147).
 *
 * <p>Record header, DTLS 1.0/1.2 (and a DTLS 1.3 plaintext record):
 * <pre>
 * +--------+---------+---------+--------+--------------------+--------+
 * | type 1 | version 2         | epoch 2         | sequence 6 | length 2 |
 * +--------+---------+---------+--------+--------------------+--------+
 * </pre>
 * DTLS 1.3 unified header: first byte {@code 0 0 1 C S L E E} (C: connection id, S: 16-bit
 * sequence, L: length present, EE: low epoch bits); the content type is encrypted.
 *
 * <p>Handshake header (12 bytes): msg_type 1, length 3, message_seq 2, fragment_offset 3,
 * fragment_length 3. Fragments are reassembled per direction and message_seq, at most
 * {@code maxFragments} pieces and {@value #MAX_MESSAGE} bytes per message, {@value #MAX_PENDING}
 * messages per direction; a message_seq already complete is a retransmission (reported once per
 * record, not parsed again). A message under reassembly holds only the fragment bytes that came
 * ({@link FragmentBuffer}), whatever length it announces, and they come out of the shared
 * {@link ReassemblyBudget}, which may drop the oldest pending message for room.
 */
final class DtlsParser {
    static final int RECORD_HEADER = 13;
    static final int HANDSHAKE_HEADER = 12;
    /** Largest handshake message reassembled (a certificate chain fits easily). */
    static final int MAX_MESSAGE = 1 << 18;
    /** Pending (incomplete) messages per direction. */
    static final int MAX_PENDING = 8;

    private final int maxFragments;
    private final ReassemblyBudget budget;
    /** The leg of the datagram being parsed (null: direct). */
    private RelayLeg leg;
    @SuppressWarnings("unchecked")
    private final Map<Integer, Pending>[] pending = new Map[] {new LinkedHashMap<>(), new LinkedHashMap<>()};
    @SuppressWarnings("unchecked")
    private final Set<Integer>[] done = new Set[] {new HashSet<>(), new HashSet<>()};
    /** After a DTLS 1.3 ServerHello, everything else of the handshake is encrypted. */
    private boolean dtls13;

    DtlsParser(final int maxFragments, final ReassemblyBudget budget) {
        this.maxFragments = maxFragments;
        this.budget = budget;
    }

    /** Gives up every message under reassembly (the conversation or the relayed leg ended). */
    void release() {
        for (final Map<Integer, Pending> m : pending) {
            for (final Pending p : m.values()) {
                budget.releaseAll(p);
            }
            m.clear();
        }
    }

    /** Is there a plausible DTLS record (plaintext header or unified header) at the start of {@code p}? */
    static boolean plausible(final Payload p) {
        if (p.length() < RECORD_HEADER) {
            return false;
        }
        final int t = p.u8(0);
        return t >= 20 && t <= 25 && p.u8(1) == 0xFE && (p.u8(2) == 0xFF || p.u8(2) == 0xFD || p.u8(2) == 0xFC)
            && RECORD_HEADER + p.u16(11) <= p.length();
    }

    /** Every record of the datagram {@code [off, off+len)}. */
    void datagram(final Payload p, final int off, final int len, final PacketContext ctx, final RelayLeg leg,
                  final EventSink out) {
        this.leg = leg;
        int i = off;
        final int end = off + len;
        while (i < end) {
            final int b0 = p.u8(i);
            if ((b0 & 0xE0) == 0x20) {
                i = unified(p, i, end, ctx, out);
                continue;
            }
            if (b0 < 20 || b0 > 63) {
                out.anomaly(new Anomaly("dtls.bad_record", Severity.WARN, ctx.frame(), i,
                    "byte " + b0 + " does not start a DTLS record"));
                return;
            }
            if (i + RECORD_HEADER > end) {
                if (!ctx.truncated()) {
                    out.anomaly(new Anomaly("dtls.too_short", Severity.WARN, ctx.frame(), i,
                        (end - i) + " bytes: no room for a record header"));
                }
                return;
            }
            final int version = p.u16(i + 1);
            final int epoch = p.u16(i + 3);
            final long seq = (p.u16(i + 5) * 0x100000000L) + p.u32(i + 7);
            final int rlen = p.u16(i + 11);
            final int body = i + RECORD_HEADER;
            final boolean encrypted = epoch > 0 || b0 == DtlsRecord.APPLICATION_DATA;
            out.emit(new DtlsRecord(ctx.frame(), ctx.tsNanos(), ctx.flow(), ctx.direction(), leg, b0, version, epoch, seq,
                rlen, false, encrypted));
            final int avail = Math.min(rlen, end - body);
            if (rlen > end - body && !ctx.truncated()) {
                out.anomaly(new Anomaly("dtls.bad_length", Severity.WARN, ctx.frame(), i + 11,
                    "record length " + rlen + " but " + (end - body) + " bytes left"));
            }
            if (b0 == DtlsRecord.HANDSHAKE) {
                if (encrypted) {
                    out.emit(DtlsHandshake.plain(ctx.frame(), ctx.tsNanos(), ctx.flow(), ctx.direction(), leg,
                        DtlsHandshake.ENCRYPTED, -1, rlen, 1, false));
                } else {
                    handshakeRecord(p, body, avail, ctx, out);
                }
            } else if (b0 == DtlsRecord.ALERT) {
                if (encrypted || avail < 2) {
                    out.emit(new DtlsAlert(ctx.frame(), ctx.tsNanos(), ctx.flow(), ctx.direction(), leg, -1, -1, true));
                } else {
                    out.emit(new DtlsAlert(ctx.frame(), ctx.tsNanos(), ctx.flow(), ctx.direction(), leg, p.u8(body),
                        p.u8(body + 1), false));
                }
            }
            i = body + avail;
        }
    }

    private int unified(final Payload p, final int i, final int end, final PacketContext ctx, final EventSink out) {
        final int b0 = p.u8(i);
        if ((b0 & 0x10) != 0) {
            // the connection id's length was negotiated: without it the rest cannot be split
            out.emit(new DtlsRecord(ctx.frame(), ctx.tsNanos(), ctx.flow(), ctx.direction(), leg, -1, 0, b0 & 3, -1,
                end - i - 1, true, true));
            return end;
        }
        final int seqLen = (b0 & 0x08) != 0 ? 2 : 1;
        final boolean hasLen = (b0 & 0x04) != 0;
        int h = i + 1 + seqLen + (hasLen ? 2 : 0);
        if (h > end) {
            if (!ctx.truncated()) {
                out.anomaly(new Anomaly("dtls.too_short", Severity.WARN, ctx.frame(), i, "unified header cut short"));
            }
            return end;
        }
        final long seq = seqLen == 2 ? p.u16(i + 1) : p.u8(i + 1);
        final int rlen = hasLen ? p.u16(i + 1 + seqLen) : end - h;
        out.emit(new DtlsRecord(ctx.frame(), ctx.tsNanos(), ctx.flow(), ctx.direction(), leg, -1, 0, b0 & 3, seq, rlen,
            true, true));
        if (dtls13 && (b0 & 3) == 2) {
            // epoch 2: handshake traffic keys (RFC 9147 section 6.1)
            out.emit(DtlsHandshake.plain(ctx.frame(), ctx.tsNanos(), ctx.flow(), ctx.direction(), leg,
                DtlsHandshake.ENCRYPTED, -1, rlen, 1, false));
        }
        if (h + rlen > end && !ctx.truncated()) {
            out.anomaly(new Anomaly("dtls.bad_length", Severity.WARN, ctx.frame(), i,
                "record length " + rlen + " but " + (end - h) + " bytes left"));
        }
        return Math.min(end, h + rlen);
    }

    private void handshakeRecord(final Payload p, final int body, final int len, final PacketContext ctx, final EventSink out) {
        final int d = ctx.direction() == Direction.A_TO_B ? 0 : 1;
        int i = body;
        final int end = body + len;
        boolean retransmissionReported = false;
        while (i + HANDSHAKE_HEADER <= end) {
            final int type = p.u8(i);
            final int mlen = p.u24(i + 1);
            final int mseq = p.u16(i + 4);
            final int foff = p.u24(i + 6);
            final int flen = p.u24(i + 9);
            final int frag = i + HANDSHAKE_HEADER;
            final int have = Math.min(flen, end - frag);
            i = frag + have;
            if (done[d].contains(mseq)) {
                if (!retransmissionReported) {
                    retransmissionReported = true;
                    out.emit(DtlsHandshake.plain(ctx.frame(), ctx.tsNanos(), ctx.flow(), ctx.direction(), leg, type, mseq,
                        mlen, 1, true));
                    out.anomaly(new Anomaly("dtls.retransmission", Severity.INFO, ctx.frame(), frag - HANDSHAKE_HEADER,
                        DtlsNames.handshake(type) + " message_seq " + mseq + " again"));
                }
                continue;
            }
            if (mlen > MAX_MESSAGE || foff + flen > mlen) {
                out.anomaly(new Anomaly("dtls.bad_fragment", Severity.WARN, ctx.frame(), frag - HANDSHAKE_HEADER,
                    DtlsNames.handshake(type) + " fragment " + foff + "+" + flen + " of " + mlen + " bytes"));
                continue;
            }
            Pending m = pending[d].get(mseq);
            if (m == null || m.type != type || m.length != mlen) {
                if (m != null) {
                    budget.releaseAll(pending[d].remove(mseq));
                }
                if (pending[d].size() >= MAX_PENDING) {
                    final Integer oldest = pending[d].keySet().iterator().next();
                    budget.releaseAll(pending[d].remove(oldest));
                    out.anomaly(new Anomaly("dtls.reassembly_limit", Severity.WARN, ctx.frame(), -1,
                        "more than " + MAX_PENDING + " incomplete handshake messages: message_seq " + oldest + " dropped"));
                }
                m = new Pending(d, mseq, type, mlen);
                pending[d].put(mseq, m);
            }
            if (++m.fragments > maxFragments) {
                budget.releaseAll(pending[d].remove(mseq));
                out.anomaly(new Anomaly("dtls.too_many_fragments", Severity.WARN, ctx.frame(), frag - HANDSHAKE_HEADER,
                    DtlsNames.handshake(type) + " in more than " + maxFragments + " fragments: dropped"));
                continue;
            }
            // the storage grows with the bytes that came, never with the length the message announces
            final int grow = m.buf.capacityFor(m.buf.uncovered(foff, foff + have)) - m.buf.capacity();
            if ((grow > 0 || !m.pending()) && !budget.reserve(m, grow)) {
                budget.dropped(m); // reported by the budget's owner
                pending[d].remove(mseq);
                continue;
            }
            m.buf.add(foff, p.array(), p.offset() + frag, have);
            if (m.buf.complete(mlen)) {
                pending[d].remove(mseq);
                done[d].add(mseq);
                final byte[] data = new byte[mlen];
                m.buf.assemble(data, 0);
                budget.releaseAll(m);
                out.emit(decode(m, data, mseq, ctx, out));
            }
        }
    }

    private DtlsHandshake decode(final Pending m, final byte[] data, final int seq, final PacketContext ctx,
                                 final EventSink out) {
        final Payload b = Payload.of(data);
        final List<Integer> versions = new ArrayList<>();
        final List<Integer> suites = new ArrayList<>();
        final List<Integer> srtp = new ArrayList<>();
        final List<Integer> groups = new ArrayList<>();
        final List<Integer> shares = new ArrayList<>();
        final List<Integer> exts = new ArrayList<>();
        final List<String> fingerprints = new ArrayList<>();
        int version = -1;
        int cookie = -1;
        int type = m.type;
        try {
            switch (m.type) {
                case DtlsHandshake.CLIENT_HELLO, DtlsHandshake.SERVER_HELLO -> {
                    final boolean client = m.type == DtlsHandshake.CLIENT_HELLO;
                    version = b.u16(0);
                    if (!client && helloRetry(b)) {
                        type = DtlsHandshake.HELLO_RETRY_REQUEST;
                    }
                    int i = 2 + 32;
                    i += 1 + b.u8(i); // session id
                    if (client) {
                        cookie = b.u8(i);
                        i += 1 + cookie;
                        final int n = b.u16(i);
                        for (int k = 0; k + 1 < n; k += 2) {
                            suites.add(b.u16(i + 2 + k));
                        }
                        i += 2 + n;
                        i += 1 + b.u8(i); // compression methods
                    } else {
                        suites.add(b.u16(i));
                        i += 3;
                    }
                    if (b.has(i, 2)) {
                        final int extEnd = Math.min(b.length(), i + 2 + b.u16(i));
                        i += 2;
                        while (i + 4 <= extEnd) {
                            final int et = b.u16(i);
                            final int el = b.u16(i + 2);
                            final int v = i + 4;
                            exts.add(et);
                            extension(b, et, v, Math.min(el, extEnd - v), client, versions, srtp, groups, shares);
                            i = v + el;
                        }
                    }
                    if (!client && versions.contains(0xFEFC)) {
                        dtls13 = true;
                    }
                }
                case DtlsHandshake.HELLO_VERIFY_REQUEST -> {
                    version = b.u16(0);
                    cookie = b.u8(2);
                }
                case DtlsHandshake.CERTIFICATE -> {
                    // DTLS 1.2: certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>
                    final int total = b.u24(0);
                    int i = 3;
                    final int end = Math.min(b.length(), 3 + total);
                    final MessageDigest sha = MessageDigest.getInstance("SHA-256");
                    while (i + 3 <= end) {
                        final int n = b.u24(i);
                        if (i + 3 + n > end) {
                            break;
                        }
                        sha.reset();
                        sha.update(data, i + 3, n);
                        fingerprints.add(colonHex(sha.digest()));
                        i += 3 + n;
                    }
                }
                default -> {
                }
            }
        } catch (IndexOutOfBoundsException | NoSuchAlgorithmException e) {
            // a body cut short: report the fields decoded so far
            out.anomaly(new Anomaly("dtls.malformed", Severity.WARN, ctx.frame(), -1,
                DtlsNames.handshake(m.type) + " body shorter than its fields: " + e.getMessage()));
        }
        return new DtlsHandshake(ctx.frame(), ctx.tsNanos(), ctx.flow(), ctx.direction(), leg, type, seq, data.length,
            m.fragments, false, version, versions, suites, srtp, groups, shares, exts, cookie, fingerprints);
    }

    private static void extension(final Payload b, final int type, final int v, final int len, final boolean client,
                                  final List<Integer> versions, final List<Integer> srtp, final List<Integer> groups,
                                  final List<Integer> shares) {
        if (len < 2) {
            return;
        }
        switch (type) {
            case 14 -> { // use_srtp (RFC 5764 section 4.1.1)
                final int n = Math.min(b.u16(v), len - 2);
                for (int k = 0; k + 1 < n; k += 2) {
                    srtp.add(b.u16(v + 2 + k));
                }
            }
            case 10 -> { // supported_groups
                final int n = Math.min(b.u16(v), len - 2);
                for (int k = 0; k + 1 < n; k += 2) {
                    groups.add(b.u16(v + 2 + k));
                }
            }
            case 43 -> { // supported_versions
                if (client) {
                    final int n = Math.min(b.u8(v), len - 1);
                    for (int k = 0; k + 1 < n; k += 2) {
                        versions.add(b.u16(v + 1 + k));
                    }
                } else {
                    versions.add(b.u16(v));
                }
            }
            case 51 -> { // key_share: ClientHello a list, ServerHello one entry
                if (client) {
                    final int n = Math.min(b.u16(v), len - 2);
                    int k = 0;
                    while (k + 4 <= n) {
                        shares.add(b.u16(v + 2 + k));
                        k += 4 + b.u16(v + 2 + k + 2);
                    }
                } else {
                    shares.add(b.u16(v));
                }
            }
            default -> {
            }
        }
    }

    static String colonHex(final byte[] d) {
        final StringBuilder s = new StringBuilder(d.length * 3);
        for (final byte x : d) {
            if (s.length() > 0) {
                s.append(':');
            }
            s.append(Character.toUpperCase(Character.forDigit((x >> 4) & 0xF, 16)))
                .append(Character.toUpperCase(Character.forDigit(x & 0xF, 16)));
        }
        return s.toString();
    }

    /** A handshake message being reassembled: the fragment bytes that came; an entry of the budget. */
    private final class Pending extends ReassemblyBudget.Entry {
        final int direction;
        final int seq;
        final int type;
        /** The length the message announces. */
        final int length;
        final FragmentBuffer buf = new FragmentBuffer();
        int fragments;

        Pending(final int direction, final int seq, final int type, final int length) {
            super(ReassemblyBudget.Kind.DTLS_HANDSHAKE);
            this.direction = direction;
            this.seq = seq;
            this.type = type;
            this.length = length;
        }

        @Override
        protected void evicted() {
            pending[direction].remove(seq, this);
            buf.clear();
        }
    }

    /** The random of a HelloRetryRequest (RFC 8446 section 4.1.3: SHA-256 of "HelloRetryRequest"). */
    private static final byte[] HELLO_RETRY_RANDOM = java.util.HexFormat.of().parseHex(
        "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");

    private static boolean helloRetry(final Payload b) {
        if (!b.has(2, 32)) {
            return false;
        }
        for (int k = 0; k < 32; k++) {
            if (b.u8(2 + k) != (HELLO_RETRY_RANDOM[k] & 0xFF)) {
                return false;
            }
        }
        return true;
    }
}
