package dev.callscope.dissect;

/**
 * Cuts a reassembled byte stream into PDUs, as Wireshark's {@code tcp_dissect_pdus} and Netty's
 * {@code LengthFieldBasedFrameDecoder} do, so that a protocol only says how long its PDU is.
 * One framer per direction (it keeps the discard state of that direction).
 *
 * <pre>
 *   buffered:  | PDU 1 (complete) | PDU 2 (complete) | PDU 3 (first half) |
 *   feed():    handler gets PDU 1, then PDU 2; returns len(PDU1)+len(PDU2); PDU 3 stays buffered.
 *
 *   garbage:   | x x x x | PDU ... |     resynchronise: skip to the first offset where
 *                                        the length function recognises a PDU start (one anomaly).
 *   too long:  | hdr len=2 GiB | ...     one anomaly, then discard that many bytes as they arrive
 *                                        (never allocated), then carry on with the next PDU.
 * </pre>
 */
public final class StreamFramer {

    /** Says how long the PDU at the start of {@code p} is. */
    @FunctionalInterface
    public interface PduLength {
        /** Not a PDU start here (resynchronise). */
        long NOT_A_PDU = -1;
        /** Too few bytes to tell. */
        long NEED_MORE = 0;

        /**
         * @return the whole PDU's length (header included; may exceed what is buffered, and may be
         *     huge: the framer checks it against the maximum), {@link #NEED_MORE} or {@link #NOT_A_PDU}
         */
        long length(Payload p);

        /** Forgets what was learnt of the buffer (a new feed may hold other bytes in the same array). */
        default void forget() {
        }
    }

    /** Receives each complete PDU; {@code pdu} is only valid during the call. */
    @FunctionalInterface
    public interface Handler {
        void onPdu(Payload pdu, PacketContext ctx, EventSink out);
    }

    private final String protocol;
    private final PduLength lengthFn;
    private final int maxPdu;
    private final int minHeader;
    private final Payload window = new Payload();
    private long bytesToDiscard;
    private boolean resyncReported;
    private long discarded;
    private long skipped;

    /**
     * @param protocol dissector id, for anomaly codes ({@code <protocol>.pdu_too_large}, {@code <protocol>.resync})
     * @param minHeader bytes the length function needs at least; while resynchronising the last
     *     {@code minHeader - 1} bytes are kept in case a PDU starts there
     */
    public StreamFramer(final String protocol, final int minHeader, final int maxPdu, final PduLength lengthFn) {
        if (minHeader < 1 || maxPdu < minHeader) {
            throw new IllegalArgumentException("minHeader " + minHeader + ", maxPdu " + maxPdu);
        }
        this.protocol = protocol;
        this.minHeader = minHeader;
        this.maxPdu = maxPdu;
        this.lengthFn = lengthFn;
    }

    /**
     * A binary length-prefixed framing: the PDU length is {@code headerLen + lengthField + adjust},
     * the field being {@code lengthSize} bytes (1, 2, 3 or 4, big-endian) at {@code lengthOffset}.
     * {@code headerCheck} (may be null) rejects a header that is not a PDU start (a bad magic).
     * Dubbo: {@code lengthPrefixed("dubbo", 16, 12, 4, 0, 8 MiB, magicCheck)}.
     */
    public static StreamFramer lengthPrefixed(final String protocol, final int headerLen, final int lengthOffset,
                                              final int lengthSize, final int adjust, final int maxPdu,
                                              final HeaderCheck headerCheck) {
        if (lengthSize < 1 || lengthSize > 4 || lengthOffset + lengthSize > headerLen) {
            throw new IllegalArgumentException("length field " + lengthOffset + "+" + lengthSize + " outside header " + headerLen);
        }
        return new StreamFramer(protocol, headerLen, maxPdu, p -> {
            if (p.length() < headerLen) {
                // a partial header may still be recognisably wrong
                return headerCheck != null && !headerCheck.plausible(p, p.length()) ? PduLength.NOT_A_PDU : PduLength.NEED_MORE;
            }
            if (headerCheck != null && !headerCheck.plausible(p, headerLen)) {
                return PduLength.NOT_A_PDU;
            }
            long field = 0;
            for (int i = 0; i < lengthSize; i++) {
                field = (field << 8) | p.u8(lengthOffset + i);
            }
            final long total = headerLen + field + adjust;
            return total < headerLen ? PduLength.NOT_A_PDU : total;
        });
    }

    /**
     * A text framing: a header block ended by CRLF CRLF, followed by a body whose length the header
     * gives ({@code bodyLength} returns it, or -1 for a header that is not a PDU start).
     * SIP over TCP: the start line must look like SIP and Content-Length gives the body.
     */
    public static StreamFramer textDelimited(final String protocol, final int maxPdu, final BodyLength bodyLength) {
        return new StreamFramer(protocol, 1, maxPdu, new TextLength(maxPdu, bodyLength));
    }

    /**
     * The length function of {@link #textDelimited}. While one buffer is resynchronised offset by
     * offset, the end of the header block found from an earlier offset is the end from every later
     * offset up to it, so it is searched for once, not once per offset (junk lines before a header
     * block would otherwise cost their length squared).
     */
    private static final class TextLength implements PduLength {
        private static final byte[] CRLF2 = {'\r', '\n', '\r', '\n'};
        private final int maxPdu;
        private final BodyLength bodyLength;
        private byte[] arr;
        /** Absolute index of the first CRLF CRLF at or after {@link #from} in {@link #arr}, or -1 for none before {@link #to}. */
        private int found = -1;
        private int from;
        private int to;

        TextLength(final int maxPdu, final BodyLength bodyLength) {
            this.maxPdu = maxPdu;
            this.bodyLength = bodyLength;
        }

        @Override
        public long length(final Payload p) {
            final int start = p.offset();
            final int stop = start + p.length();
            final int end;
            if (p.array() == arr && start >= from && stop == to && (found < 0 || found >= start)) {
                end = found < 0 ? -1 : found - start;
            } else {
                end = p.indexOf(CRLF2, 0);
                arr = p.array();
                from = start;
                to = stop;
                found = end < 0 ? -1 : start + end;
            }
            if (end < 0) {
                return p.length() > maxPdu ? maxPdu + 1L : PduLength.NEED_MORE;
            }
            final long body = bodyLength.bodyLength(p, end + 4);
            return body < 0 ? PduLength.NOT_A_PDU : end + 4 + body;
        }

        @Override
        public void forget() {
            arr = null;
        }
    }

    /** Checks whether the first {@code available} header bytes can start a PDU (e.g. the magic). */
    @FunctionalInterface
    public interface HeaderCheck {
        boolean plausible(Payload p, int available);
    }

    /** Body length given a text header of {@code headerLength} bytes (CRLF CRLF included), or -1. */
    @FunctionalInterface
    public interface BodyLength {
        long bodyLength(Payload p, int headerLength);
    }

    /**
     * Hands every complete PDU at the start of {@code buffered} to {@code handler}.
     *
     * @return bytes consumed (PDUs handled, garbage skipped, oversize bytes discarded); the rest must
     *     be offered again with more data
     */
    public int feed(final Payload buffered, final PacketContext ctx, final EventSink out, final Handler handler) {
        lengthFn.forget();
        int pos = 0;
        final int len = buffered.length();
        final byte[] arr = buffered.array();
        final int base = buffered.offset();
        while (pos < len) {
            if (bytesToDiscard > 0) {
                final int n = (int) Math.min(bytesToDiscard, len - pos);
                bytesToDiscard -= n;
                discarded += n;
                pos += n;
                continue;
            }
            window.wrap(arr, base + pos, len - pos);
            final long pdu = lengthFn.length(window);
            if (pdu == PduLength.NEED_MORE) {
                break;
            }
            if (pdu == PduLength.NOT_A_PDU) {
                final int skip = resync(arr, base, pos, len);
                if (!resyncReported) {
                    resyncReported = true;
                    out.anomaly(new Anomaly(protocol + ".resync", Severity.WARN, ctx.frame(), pos,
                        "no " + protocol + " PDU starts here: skipping to the next plausible header"));
                }
                skipped += skip;
                pos += skip;
                if (skip == 0) {
                    break;
                }
                continue;
            }
            resyncReported = false;
            if (pdu > maxPdu) {
                out.anomaly(new Anomaly(protocol + ".pdu_too_large", Severity.ERROR, ctx.frame(), pos,
                    "PDU length " + pdu + " exceeds the limit of " + maxPdu + " bytes: discarded"));
                bytesToDiscard = pdu;
                continue;
            }
            if (pdu > len - pos) {
                break;
            }
            window.wrap(arr, base + pos, (int) pdu);
            handler.onPdu(window, ctx, out);
            lengthFn.forget();
            pos += (int) pdu;
        }
        return pos;
    }

    /** Bytes to skip from {@code pos} to reach the next offset that is not rejected outright. */
    private int resync(final byte[] arr, final int base, final int pos, final int len) {
        for (int p = pos + 1; p < len; p++) {
            window.wrap(arr, base + p, len - p);
            if (lengthFn.length(window) != PduLength.NOT_A_PDU) {
                return p - pos;
            }
        }
        // nothing plausible: keep a possible partial header at the end
        final int keep = Math.min(minHeader - 1, len - pos - 1);
        return Math.max(1, len - pos - keep);
    }

    /** After a gap the stream restarts somewhere unknown: forget the discard state. */
    public void reset() {
        bytesToDiscard = 0;
        resyncReported = false;
    }

    /** Whether an oversize PDU is being discarded. */
    public boolean discarding() {
        return bytesToDiscard > 0;
    }

    public long discardedBytes() {
        return discarded;
    }

    public long skippedBytes() {
        return skipped;
    }
}
