package dev.callscope.dissect.sdp;

import dev.callscope.core.FieldNode;
import dev.callscope.dissect.Anomaly;
import dev.callscope.dissect.Collected;
import dev.callscope.dissect.Describer;
import java.util.ArrayList;
import java.util.List;

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

    /** Each line of the body with what it says, as tshark's "Session Description Protocol" shows it. */
    @Override
    public List<FieldNode> describe(final Payload message, final PacketContext ctx, final Describer more) {
        final List<int[]> lines = new ArrayList<>();
        final Collected sink = new Collected();
        final SdpBody body = SdpParser.parse(message, lines, sink);
        final FieldNode top = FieldNode.group("Session Description Protocol", 0, message.length());
        int media = -1;
        for (final int[] l : lines) {
            final char type = (char) message.u8(l[0]);
            final String value = message.latin1(l[0] + 2, l[1] - l[0] - 2).strip();
            final int off = l[0];
            final int len = l[1] - l[0];
            if (type == 'm') {
                media++;
            }
            final SdpBody.Media m = media >= 0 && media < body.media().size() ? body.media().get(media) : null;
            final FieldNode n = top.add(lineName(type, media >= 0), lineField(type, media >= 0), value, off, len);
            final List<String> t = SdpParser.tokens(value, 8);
            switch (type) {
                case 'o' -> {
                    final SdpBody.Origin o = body.origin();
                    if (o != null) {
                        n.add("Owner Username", "sdp.owner.username", o.username(), -1, 0);
                        n.add("Session ID", "sdp.owner.sessionid", o.sessionId(), -1, 0);
                        n.add("Session Version", "sdp.owner.version", o.sessionVersion(), -1, 0);
                        n.add("Owner Network Type", "sdp.owner.network_type", o.netType(), -1, 0);
                        n.add("Owner Address Type", "sdp.owner.address_type", o.addrType(), -1, 0);
                        n.add("Owner Address", "sdp.owner.address", o.address(), -1, 0);
                    }
                }
                case 'c' -> {
                    if (t.size() >= 3) {
                        n.add("Connection Network Type", "sdp.connection_info.network_type", t.get(0), -1, 0);
                        n.add("Connection Address Type", "sdp.connection_info.address_type", t.get(1), -1, 0);
                        n.add("Connection Address", "sdp.connection_info.address",
                            m != null && m.connectionAddress() != null ? m.connectionAddress()
                                : body.connectionAddress() != null ? body.connectionAddress() : t.get(2), -1, 0);
                    }
                }
                case 'm' -> {
                    if (m != null) {
                        n.add("Media Type", "sdp.media.media", m.type(), -1, 0);
                        n.add("Media Port", "sdp.media.port", m.port(), -1, 0);
                        n.add("Media Protocol", "sdp.media.proto", m.proto(), -1, 0);
                        for (final String fmt : m.formats()) {
                            String codec = null;
                            try {
                                codec = m.codecName(Integer.parseInt(fmt));
                            } catch (NumberFormatException e) {
                                // a format that is not an RTP payload type
                            }
                            n.add("Media Format", "sdp.media.format", codec == null ? fmt : codec + " (" + fmt + ")", -1, 0);
                        }
                    }
                }
                case 'a' -> {
                    final int colon = value.indexOf(':');
                    final String name = colon < 0 ? value : value.substring(0, colon);
                    n.add("Media Attribute Fieldname", "sdp.media_attribute.field", name, -1, 0);
                    if (colon >= 0) {
                        n.add("Media Attribute Value", "sdp.media_attribute.value", value.substring(colon + 1), -1, 0);
                    }
                    if (name.equals("rtpmap") && m != null && colon >= 0) {
                        final List<String> r = SdpParser.tokens(value.substring(colon + 1), 2);
                        try {
                            final SdpBody.RtpMap map = m.rtpMap(Integer.parseInt(r.get(0)));
                            if (map != null) {
                                n.add("Media Format", null, map.payloadType(), -1, 0);
                                n.add("MIME Type", "sdp.mime.type", map.encoding(), -1, 0);
                                n.add("Sample Rate", "sdp.sample_rate", map.clockRate(), -1, 0);
                            }
                        } catch (RuntimeException e) {
                            // an rtpmap the parser did not keep (it reported an anomaly)
                        }
                    }
                }
                default -> {
                }
            }
        }
        for (final Anomaly a : sink.anomalies) {
            top.addLabelled("[" + a.code() + ": " + a.detail() + "]", "_ws.expert", a.code(), Math.max(-1, a.offset()), 0);
        }
        return List.of(top);
    }

    private static String lineName(final char type, final boolean inMedia) {
        return switch (type) {
            case 'v' -> "Session Description Protocol Version (v)";
            case 'o' -> "Owner/Creator, Session Id (o)";
            case 's' -> "Session Name (s)";
            case 'i' -> inMedia ? "Media Title (i)" : "Session Information (i)";
            case 'u' -> "URI of Description (u)";
            case 'e' -> "E-mail Address (e)";
            case 'p' -> "Phone Number (p)";
            case 'c' -> "Connection Information (c)";
            case 'b' -> "Bandwidth Information (b)";
            case 't' -> "Time Description, active time (t)";
            case 'r' -> "Repeat Time (r)";
            case 'z' -> "Time Zone Adjustments (z)";
            case 'k' -> "Encryption Key (k)";
            case 'm' -> "Media Description, name and address (m)";
            case 'a' -> inMedia ? "Media Attribute (a)" : "Session Attribute (a)";
            default -> "Unknown line (" + type + ")";
        };
    }

    private static String lineField(final char type, final boolean inMedia) {
        return switch (type) {
            case 'v' -> "sdp.version";
            case 'o' -> "sdp.owner";
            case 's' -> "sdp.session_name";
            case 'c' -> "sdp.connection_info";
            case 'b' -> "sdp.bandwidth";
            case 't' -> "sdp.time";
            case 'm' -> "sdp.media";
            case 'a' -> inMedia ? "sdp.media_attr" : "sdp.session_attr";
            default -> null;
        };
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
