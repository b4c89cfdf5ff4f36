package dev.callscope.hep;

import dev.callscope.core.RawFrame;
import dev.callscope.decode.HepHeader;
import dev.callscope.decode.HepStreams;
import dev.callscope.decode.IpFrames;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * HEP packets turned back into the packets they carry: a raw IP frame (IPv4 or IPv6, UDP or TCP
 * header, the payload) with the original addresses, ports and capture time. TCP data gets made-up
 * sequence numbers per direction ({@link HepStreams}). Counts what it skips and why.
 */
public final class HepFrames {

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
        final boolean v6 = hep.ipVersion == 6;
        if (!IpFrames.fits(v6, hep.ipProtocol, hep.payloadLength)) {
            count("hep.too_long");
            return false;
        }
        final long seq = hep.ipProtocol == IpFrames.TCP ? streams.next(hep, hep.payloadLength) : 0;
        IpFrames.write(frame, hep.tsNanos != 0 ? hep.tsNanos : arrivalNanos, v6, hep.src, hep.srcPort, hep.dst, hep.dstPort,
            hep.ipProtocol, seq, HepStreams.PSH_ACK, b, hep.payloadOffset, hep.payloadLength);
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
