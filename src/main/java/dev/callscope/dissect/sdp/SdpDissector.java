package dev.callscope.dissect.sdp;

import dev.callscope.dissect.Binding;
import dev.callscope.dissect.Confidence;
import dev.callscope.dissect.ConversationContext;
import dev.callscope.dissect.Dissector;
import dev.callscope.dissect.DissectorSession;
import dev.callscope.dissect.PacketContext;
import dev.callscope.dissect.Payload;
import dev.callscope.dissect.Transport;
import java.util.Set;

/**
 * SDP (RFC 8866, RFC 4566), reached only through the content-type table: SIP hands each
 * "application/sdp" body over with {@link ConversationContext#handOff}, one complete body per
 * {@link DissectorSession#onDatagram} call. Emits one {@link SdpBody} per body and announces the RTP
 * and RTCP flows it describes with {@link ConversationContext#expect}, as Wireshark's SDP dissector
 * pre-registers RTP conversations.
 *
 * <p>Bounds: a body is read up to {@link #MAX_LINES} lines of at most {@link #MAX_LINE_LENGTH}
 * bytes, {@link #MAX_MEDIA} m= sections, {@link #MAX_ATTRIBUTES} a= lines per section,
 * {@link #MAX_CANDIDATES} candidates and {@link #MAX_FORMATS} formats per m= line. Going over one
 * records a {@code sdp.too_many_*} (or {@code sdp.line_too_long}) anomaly and drops the excess.
 */
public final class SdpDissector implements Dissector {
    public static final String ID = "sdp";
    public static final String CONTENT_TYPE = "application/sdp";

    /** Non-blank lines read from one body. */
    public static final int MAX_LINES = 2048;
    /** Longest line kept, in bytes (longer ones are skipped). */
    public static final int MAX_LINE_LENGTH = 4096;
    /** m= sections kept. */
    public static final int MAX_MEDIA = 64;
    /** a= lines read per section (session or one m=). */
    public static final int MAX_ATTRIBUTES = 256;
    /** a=candidate lines kept per m= section. */
    public static final int MAX_CANDIDATES = 64;
    /** Formats kept per m= line. */
    public static final int MAX_FORMATS = 128;
    /** RTP port pairs announced for one m= line with a "/count" port. */
    public static final int MAX_PORT_COUNT = 16;

    private static final byte[] MAGIC = {'v', '=', '0'};

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Set<Binding> bindings() {
        return Set.of(Binding.contentType(CONTENT_TYPE));
    }

    @Override
    public boolean heuristic() {
        return false;
    }

    @Override
    public Set<Transport> transports() {
        return Set.of(Transport.UDP, Transport.TCP);
    }

    /** STRONG for a body starting "v=0"; WEAK for one starting with another "x=" line; otherwise NO. */
    @Override
    public Confidence accept(final Payload payload, final PacketContext ctx) {
        if (payload.length() >= MAGIC.length && payload.u8(0) == 'v' && payload.u8(1) == '=' && payload.u8(2) == '0') {
            return Confidence.STRONG;
        }
        if (payload.length() >= 2 && payload.u8(0) >= 'a' && payload.u8(0) <= 'z' && payload.u8(1) == '=') {
            return Confidence.WEAK;
        }
        return Confidence.NO;
    }

    @Override
    public DissectorSession open(final ConversationContext conversation) {
        return new SdpSession(conversation);
    }

    /**
     * Parses SDP text given outside a capture (callscope webrtc --sdp FILE); anomalies are dropped.
     * Frame 0, time 0, no flow.
     */
    public static SdpBody parseText(final byte[] text) {
        return SdpParser.parse(Payload.of(text), 0, 0, null, new dev.callscope.dissect.EventSink() {
            @Override
            public void emit(final dev.callscope.dissect.ProtocolEvent event) {
            }

            @Override
            public void anomaly(final dev.callscope.dissect.Anomaly anomaly) {
            }

            @Override
            public void confirm() {
            }
        });
    }
}
