package dev.callscope.dissect.sdp;

import dev.callscope.core.IpText;
import dev.callscope.core.FlowKey;
import dev.callscope.dissect.ProtocolEvent;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * One SDP body (RFC 8866 / RFC 4566) as offered or answered (RFC 3264), parsed leniently. Missing
 * lines give {@code null} fields, never an exception; every list is immutable and bounded by the
 * caps in {@link SdpDissector}.
 *
 * @param frame frame that carried the body (for SIP over TCP: the frame completing the message)
 * @param tsNanos capture time of that frame
 * @param flow the signalling conversation that carried it
 * @param origin the o= line, or null when absent or malformed
 * @param sessionName the s= text (UTF-8), or null
 * @param connectionAddress session-level c= address with any /TTL/count suffix stripped, or null
 * @param direction session-level direction attribute, "sendrecv" when there is none
 * @param iceUfrag session-level a=ice-ufrag, or null
 * @param icePwd session-level a=ice-pwd, or null
 * @param iceOptions session-level a=ice-options tokens (e.g. "trickle")
 * @param fingerprint session-level a=fingerprint, or null
 * @param setup session-level a=setup (actpass, active, passive, holdconn), or null
 * @param attributes other session-level attributes in order (a=group, a=msid-semantic, unknown lines...)
 * @param media the m= sections in order
 */
public record SdpBody(long frame, long tsNanos, FlowKey flow, Origin origin, String sessionName,
                      String connectionAddress, String direction, String iceUfrag, String icePwd,
                      List<String> iceOptions, Fingerprint fingerprint, String setup, List<Attribute> attributes,
                      List<Media> media) implements ProtocolEvent {

    /** The dissector id, also {@link #protocol()}. */
    public static final String PROTOCOL = "sdp";
    /** Direction when no direction attribute is present (RFC 8866 section 6.7). */
    public static final String DEFAULT_DIRECTION = "sendrecv";

    public SdpBody {
        direction = direction == null ? DEFAULT_DIRECTION : direction;
        iceOptions = List.copyOf(iceOptions);
        attributes = List.copyOf(attributes);
        media = List.copyOf(media);
    }

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    /** One line for ladders: every media's {@link Media#summary()}, joined by "; " ("no media" when none). */
    public String summary() {
        if (media.isEmpty()) {
            return "no media";
        }
        final StringJoiner j = new StringJoiner("; ");
        for (final Media m : media) {
            j.add(m.summary());
        }
        return j.toString();
    }

    /** The first value of other session-level attribute {@code name}, or null (flags give ""). */
    public String attribute(final String name) {
        return find(attributes, name);
    }

    /**
     * The RFC 3551 static payload type name ("PCMU/8000", "H263/90000", "L16/44100/2"), or null for
     * dynamic, reserved and unassigned types.
     */
    public static String staticCodecName(final int payloadType) {
        return StaticPayloadTypes.name(payloadType);
    }

    private static String find(final List<Attribute> list, final String name) {
        for (final Attribute a : list) {
            if (a.name().equals(name)) {
                return a.value() == null ? "" : a.value();
            }
        }
        return null;
    }

    /** The o= line: {@code <username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>}. */
    public record Origin(String username, String sessionId, String sessionVersion, String netType, String addrType,
                         String address) {
    }

    /** An a=fingerprint (RFC 8122): hash function ("sha-256") and the colon-separated hex value. */
    public record Fingerprint(String hash, String value) {
    }

    /** An attribute kept as text; {@code value} is null for a flag attribute ("a=foo"). */
    public record Attribute(String name, String value) {
    }

    /** An a=rtpmap: {@code <payload type> <encoding name>/<clock rate>[/<channels>]}; channels default to 1. */
    public record RtpMap(int payloadType, String encoding, int clockRate, int channels) {
        /**
         * "PCMA/8000", or "opus/48000/2" when there is more than one channel; the encoding name is
         * spelled as registered ("a=rtpmap:8 pcma/8000" gives "PCMA/8000").
         */
        public String codec() {
            final String e = StaticPayloadTypes.registered(encoding);
            return channels == 1 ? e + "/" + clockRate : e + "/" + clockRate + "/" + channels;
        }
    }

    /**
     * An a=candidate (RFC 8839): {@code raw} is the attribute value as received; the parsed fields
     * follow it. {@code relatedAddress}/{@code relatedPort} are raddr/rport (null and -1 when absent).
     */
    public record Candidate(String raw, String foundation, int component, String transport, long priority,
                            String address, int port, String type, String relatedAddress, int relatedPort) {
    }

    /**
     * An a=crypto (RFC 4568): {@code <tag> <crypto-suite> <key-params> [<session-params>]}. Key
     * parameters are kept as text (they contain the master key: do not log them carelessly).
     */
    public record Crypto(int tag, String suite, String keyParams, String sessionParams) {
    }

    /**
     * One m= section with its effective values: where a value can be given at session level and
     * media level (c=, direction, ICE credentials, fingerprint, setup), the media-level one wins and
     * the session-level one is inherited otherwise.
     *
     * @param type "audio", "video", "image", "application", "text", "message" ...
     * @param port the m= port; 0 means rejected or bundle-only; -1 when the m= line's port was unparsable
     * @param portCount the optional "/count" of the port (1 when absent)
     * @param proto "RTP/AVP", "RTP/SAVP", "UDP/TLS/RTP/SAVPF", "udptl", ...
     * @param formats the media formats (payload type numbers for RTP)
     * @param connectionAddress media-level c= address, else the session-level one, else null
     * @param rtpMaps a=rtpmap lines in order
     * @param fmtp a=fmtp parameters by payload type, in order of appearance (first one wins)
     * @param direction effective direction: media level, else session level, else "sendrecv"
     * @param rtcpPort the m= port when rtcp-mux, else the a=rtcp port, else port + 1 (0 when port &lt;= 0 or 65535)
     * @param rtcpAddress the a=rtcp address (RFC 3605), or null
     * @param rtcpMux a=rtcp-mux present (RFC 5761)
     * @param iceUfrag media or session a=ice-ufrag
     * @param icePwd media or session a=ice-pwd
     * @param iceOptions media or session a=ice-options tokens
     * @param candidates a=candidate lines
     * @param fingerprint media or session a=fingerprint
     * @param setup media or session a=setup
     * @param crypto a=crypto lines (SDES-SRTP)
     * @param mid a=mid, or null
     * @param ptime a=ptime in milliseconds (media, else session level), or null
     * @param maxptime a=maxptime in milliseconds, or null
     * @param label a=label (RFC 4574), or null
     * @param attributes other media-level attributes in order
     */
    public record Media(String type, int port, int portCount, String proto, List<String> formats,
                        String connectionAddress, List<RtpMap> rtpMaps, Map<Integer, String> fmtp, String direction,
                        int rtcpPort, String rtcpAddress, boolean rtcpMux, String iceUfrag, String icePwd,
                        List<String> iceOptions, List<Candidate> candidates, Fingerprint fingerprint, String setup,
                        List<Crypto> crypto, String mid, Integer ptime, Integer maxptime, String label,
                        List<Attribute> attributes) {

        public Media {
            formats = List.copyOf(formats);
            rtpMaps = List.copyOf(rtpMaps);
            fmtp = Collections.unmodifiableMap(new LinkedHashMap<>(fmtp));
            direction = direction == null ? DEFAULT_DIRECTION : direction;
            iceOptions = List.copyOf(iceOptions);
            candidates = List.copyOf(candidates);
            crypto = List.copyOf(crypto);
            attributes = List.copyOf(attributes);
        }

        /** The proto carries RTP: "RTP/..." (AVP, SAVP, AVPF, SAVPF) or "UDP/TLS/RTP/..." (WebRTC). */
        public boolean rtp() {
            return isRtpProto(proto);
        }

        /**
         * RFC 3264 hold as the sender of this description sees it: a 0.0.0.0 or :: connection
         * address (the old RFC 2543 way), or direction sendonly or inactive.
         */
        public boolean hold() {
            if (connectionAddress != null) {
                final byte[] a = IpText.parse(connectionAddress);
                if (a != null && IpText.isUnspecified(a)) {
                    return true;
                }
            }
            return "sendonly".equals(direction) || "inactive".equals(direction);
        }

        /**
         * Codec for {@code payloadType}: the a=rtpmap of this media ("PCMA/8000", "opus/48000/2"),
         * else the RFC 3551 static assignment, else null.
         */
        public String codecName(final int payloadType) {
            for (final RtpMap m : rtpMaps) {
                if (m.payloadType() == payloadType) {
                    return m.codec();
                }
            }
            return StaticPayloadTypes.name(payloadType);
        }

        /** The a=rtpmap for {@code payloadType}, or null. */
        public RtpMap rtpMap(final int payloadType) {
            for (final RtpMap m : rtpMaps) {
                if (m.payloadType() == payloadType) {
                    return m;
                }
            }
            return null;
        }

        /** The first value of other media-level attribute {@code name}, or null (flags give ""). */
        public String attribute(final String name) {
            return find(attributes, name);
        }

        /**
         * For ladders: "audio 10.0.0.1:6000 PCMA/8000 telephone-event/8000 sendrecv". RTP formats
         * are named by {@link #codecName} (the number when unknown); other formats are shown as is
         * ("image 10.0.0.1:4000 udptl t38 sendrecv"). A port of 0 reads "audio rejected".
         */
        public String summary() {
            if (port == 0) {
                return type + " rejected";
            }
            final StringBuilder sb = new StringBuilder(64).append(type).append(' ');
            if (connectionAddress == null) {
                sb.append('?');
            } else if (connectionAddress.indexOf(':') >= 0) {
                sb.append('[').append(connectionAddress).append(']');
            } else {
                sb.append(connectionAddress);
            }
            sb.append(':').append(port < 0 ? "?" : Integer.toString(port));
            final boolean rtp = rtp();
            if (!rtp && proto != null) {
                sb.append(' ').append(proto.toLowerCase(Locale.ROOT));
            }
            for (final String f : formats) {
                final int pt = rtp ? SdpParser.parseNatural(f, 127) : -1;
                final String name = pt >= 0 ? codecName(pt) : null;
                sb.append(' ').append(name != null ? name : f);
            }
            return sb.append(' ').append(direction).toString();
        }
    }

    static boolean isRtpProto(final String proto) {
        if (proto == null) {
            return false;
        }
        final String p = proto.toUpperCase(Locale.ROOT);
        return p.startsWith("RTP/") || p.startsWith("UDP/TLS/RTP/");
    }
}
