package dev.callscope.flow;

import dev.callscope.core.LinkType;
import dev.callscope.core.ReassemblyBudget;
import dev.callscope.core.SrtpStats;
import dev.callscope.core.TlsStats;
import dev.callscope.dissect.Anomaly;
import dev.callscope.tap.ConversationRecord;
import dev.callscope.tap.FrameRecord;
import dev.callscope.tap.Tap;
import java.util.Map;
import java.util.TreeMap;

/** Capture-level numbers for {@code callscope read}: counts, time span, link types, protocol hierarchy. */
public final class CaptureStats implements Tap {
    @Override
    public boolean wantsEvents() {
        return false;
    }

    private long packets;
    private long bytes;
    private long capturedBytes;
    private long firstNanos = Long.MAX_VALUE;
    private long lastNanos = Long.MIN_VALUE;
    private long malformed;
    private long unsupported;
    private long notIp;
    private long fragments;
    private long truncated;
    private long udpFlows;
    private long tcpFlows;
    private long sctpFlows;
    private final long[] linkTypeCounts = new long[512];
    private final Map<Integer, Long> otherLinkTypes = new TreeMap<>();
    private final ProtocolHierarchy hierarchy = new ProtocolHierarchy();
    private final AnomalyLog anomalies;
    private ReassemblyBudget.Report reassembly;
    private TlsStats tls;
    private SrtpStats srtp;

    public CaptureStats(final int maxAnomalyRecords) {
        this.anomalies = new AnomalyLog(maxAnomalyRecords);
    }

    @Override
    public void onFrame(final FrameRecord f) {
        packets++;
        bytes += f.origLen;
        capturedBytes += f.capLen;
        if (f.tsNanos < firstNanos) {
            firstNanos = f.tsNanos;
        }
        if (f.tsNanos > lastNanos) {
            lastNanos = f.tsNanos;
        }
        if (f.linkType >= 0 && f.linkType < linkTypeCounts.length) {
            linkTypeCounts[f.linkType]++;
        } else {
            otherLinkTypes.merge(f.linkType, 1L, Long::sum);
        }
        if (f.truncated) {
            truncated++;
        }
        switch (f.status) {
            case MALFORMED: malformed++; break;
            case UNSUPPORTED_LINK: unsupported++; break;
            case NOT_IP: notIp++; break;
            case FRAGMENT: fragments++; break;
            default: break;
        }
        hierarchy.add(f.layers, f.layerCount, f.origLen);
    }

    @Override
    public void onAnomaly(final Anomaly a) {
        anomalies.add(a);
    }

    @Override
    public void onReassembly(final ReassemblyBudget.Report report) {
        reassembly = report;
    }

    @Override
    public void onTls(final TlsStats stats) {
        tls = stats;
    }

    @Override
    public void onSrtp(final SrtpStats stats) {
        srtp = stats;
    }

    /** What SRTP decryption with SDES keys did, or null when no SDP announced a key. */
    public SrtpStats srtp() {
        return srtp;
    }

    /** What TLS decryption did, or null when no key log was given. */
    public TlsStats tls() {
        return tls;
    }

    /** What the reassembly budget held at most and dropped, or null before the run ended. */
    public ReassemblyBudget.Report reassembly() {
        return reassembly;
    }

    @Override
    public void onConversation(final ConversationRecord c) {
        if (c.key().protocol() == 6) {
            tcpFlows++;
        } else if (c.key().protocol() == 17) {
            udpFlows++;
        } else {
            sctpFlows++;
        }
    }

    public long packets() {
        return packets;
    }

    /** Bytes on the wire (original lengths). */
    public long bytes() {
        return bytes;
    }

    public long capturedBytes() {
        return capturedBytes;
    }

    /** First packet time, or 0 when there were no packets. */
    public long firstNanos() {
        return packets == 0 ? 0 : firstNanos;
    }

    public long lastNanos() {
        return packets == 0 ? 0 : lastNanos;
    }

    public long durationNanos() {
        return packets == 0 ? 0 : lastNanos - firstNanos;
    }

    public long malformed() {
        return malformed;
    }

    /** Frames of a link type callscope does not decode. */
    public long unsupported() {
        return unsupported;
    }

    public long notIp() {
        return notIp;
    }

    public long fragments() {
        return fragments;
    }

    public long truncated() {
        return truncated;
    }

    public long udpFlows() {
        return udpFlows;
    }

    public long tcpFlows() {
        return tcpFlows;
    }

    public long sctpFlows() {
        return sctpFlows;
    }

    /** Packets per link type, by link type number. */
    public Map<Integer, Long> linkTypes() {
        final Map<Integer, Long> m = new TreeMap<>(otherLinkTypes);
        for (int i = 0; i < linkTypeCounts.length; i++) {
            if (linkTypeCounts[i] > 0) {
                m.put(i, linkTypeCounts[i]);
            }
        }
        return m;
    }

    public static String linkTypeName(final int lt) {
        return LinkType.name(lt);
    }

    public ProtocolHierarchy hierarchy() {
        return hierarchy;
    }

    public AnomalyLog anomalies() {
        return anomalies;
    }
}
