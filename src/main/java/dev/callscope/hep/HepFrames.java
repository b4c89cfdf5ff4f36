package dev.callscope.hep;

import dev.callscope.core.LinkType;
import dev.callscope.core.RawFrame;
import dev.callscope.decode.HepHeader;
import dev.callscope.decode.HepStreams;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * HEP packets turned back into the packets they carry: a raw IP frame (IPv4 or IPv6, UDP or TCP
 * header, the payload) with the original addresses, ports and capture time. TCP data gets made-up
 * sequence numbers per direction ({@link HepStreams}). Counts what it skips and why.
 */
public final class HepFrames {
    private static final int IPV4_HEADER = 20;
    private static final int IPV6_HEADER = 40;
    private static final int UDP_HEADER = 8;
    private static final int TCP_HEADER = 20;

    private final HepHeader hep = new HepHeader();
    private final HepStreams streams;
    private final byte[] password;
    private volatile long decoded; // written by one thread, read by others
    private volatile long malformed; // written by one thread, read by others
    private volatile long rejected; // written by one thread, read by others
    private volatile long reports; // written by one thread, read by others
    private volatile long unsupported; // written by one thread, read by others
    private final long[] byType = new long[256];
    private final Map<String, Long> reasons = new TreeMap<>();

    /**
     * @param password the auth key packets must carry, or null to accept any
     * @param maxStreams TCP directions whose sequence numbers are remembered
     */
    public HepFrames(final String password, final int maxStreams) {
        this.password = password == null || password.isEmpty() ? null : password.getBytes(StandardCharsets.UTF_8);
        this.streams = new HepStreams(maxStreams);
    }

    /**
     * Turns the HEP packet {@code b[0..len)} into the frame it describes.
     *
     * @param arrivalNanos when it arrived: the frame's time when the agent gave none
     * @return false when the packet was counted (malformed, rejected, a report) and skipped
     */
    public boolean decode(final byte[] b, final int len, final long arrivalNanos, final RawFrame frame) {
        final String why = hep.parse(b, 0, len);
        if (why != null) {
            count(why);
            return false;
        }
        byType[hep.protoType & 0xFF]++;
        if (password != null && (hep.version != 3 || !hep.authMatches(b, password))) {
            rejected++;
            reason(hep.version != 3 ? "hep.no_auth_key" : "hep.bad_auth_key");
            return false;
        }
        if (!hep.carriesPacket(b)) {
            reports++;
            return false;
        }
        if (hep.ipProtocol != 17 && hep.ipProtocol != 6) {
            unsupported++;
            reason("hep.unsupported_protocol");
            return false;
        }
        final boolean tcp = hep.ipProtocol == 6;
        final int ip = hep.ipVersion == 6 ? IPV6_HEADER : IPV4_HEADER;
        final int tr = tcp ? TCP_HEADER : UDP_HEADER;
        final int total = ip + tr + hep.payloadLength;
        if (total > 65_535 + (hep.ipVersion == 6 ? IPV6_HEADER : 0)) {
            count("hep.too_long");
            return false;
        }
        final byte[] f = frame.ensureCapacity(total);
        int p = 0;
        if (hep.ipVersion == 6) {
            f[0] = 0x60;
            f[1] = 0;
            f[2] = 0;
            f[3] = 0;
            put16(f, 4, tr + hep.payloadLength);
            f[6] = (byte) hep.ipProtocol;
            f[7] = 64;
            System.arraycopy(hep.src, 0, f, 8, 16);
            System.arraycopy(hep.dst, 0, f, 24, 16);
            p = IPV6_HEADER;
        } else {
            f[0] = 0x45;
            f[1] = 0;
            put16(f, 2, total);
            put16(f, 4, 0);
            put16(f, 6, 0x4000); // don't fragment
            f[8] = 64;
            f[9] = (byte) hep.ipProtocol;
            put16(f, 10, 0);
            System.arraycopy(hep.src, 0, f, 12, 4);
            System.arraycopy(hep.dst, 0, f, 16, 4);
            put16(f, 10, ipv4Checksum(f));
            p = IPV4_HEADER;
        }
        put16(f, p, hep.srcPort);
        put16(f, p + 2, hep.dstPort);
        if (tcp) {
            final long seq = streams.next(hep, hep.payloadLength);
            f[p + 4] = (byte) (seq >>> 24);
            f[p + 5] = (byte) (seq >>> 16);
            f[p + 6] = (byte) (seq >>> 8);
            f[p + 7] = (byte) seq;
            put16(f, p + 8, 0);
            put16(f, p + 10, 0);
            f[p + 12] = (byte) (TCP_HEADER / 4 << 4);
            f[p + 13] = (byte) HepStreams.PSH_ACK;
            put16(f, p + 14, 65_535);
            put16(f, p + 16, 0); // checksum not computed (as for offloaded packets)
            put16(f, p + 18, 0);
        } else {
            put16(f, p + 4, UDP_HEADER + hep.payloadLength);
            put16(f, p + 6, 0); // no checksum
        }
        System.arraycopy(b, hep.payloadOffset, f, p + tr, hep.payloadLength);
        frame.capLen = total;
        frame.origLen = total;
        frame.linkType = LinkType.RAW;
        frame.tsNanos = hep.tsNanos != 0 ? hep.tsNanos : arrivalNanos;
        frame.interfaceId = 0;
        frame.sourceIndex = 0;
        frame.fileOffset = -1;
        decoded++;
        return true;
    }

    private void count(final String why) {
        malformed++;
        reason(why);
    }

    private void reason(final String why) {
        synchronized (reasons) { // read by another thread while packets are decoded
            reasons.merge(why, 1L, Long::sum);
        }
    }

    private static void put16(final byte[] b, final int off, final int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    private static int ipv4Checksum(final byte[] b) {
        int sum = 0;
        for (int i = 0; i < IPV4_HEADER; i += 2) {
            sum += ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return ~sum & 0xFFFF;
    }


    public long decoded() {
        return decoded;
    }

    public long malformed() {
        return malformed;
    }

    public long rejected() {
        return rejected;
    }

    public long reports() {
        return reports;
    }

    public long unsupported() {
        return unsupported;
    }

    /** Why packets were skipped, with counts. */
    public Map<String, Long> reasons() {
        synchronized (reasons) {
            return new TreeMap<>(reasons);
        }
    }

    /** Packets by HEP protocol type (chunk 0x0b; 1 SIP for HEPv1/v2). */
    public Map<Integer, Long> byType() {
        final Map<Integer, Long> types = new TreeMap<>();
        for (int i = 0; i < byType.length; i++) {
            if (byType[i] != 0) {
                types.put(i, byType[i]);
            }
        }
        return types;
    }
}
