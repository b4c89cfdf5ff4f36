package dev.callscope.dissect.websocket;

import dev.callscope.dissect.Confidence;
import dev.callscope.dissect.ConversationContext;
import dev.callscope.dissect.Dissector;
import dev.callscope.dissect.DissectorSession;
import dev.callscope.dissect.PacketContext;
import dev.callscope.dissect.Payload;
import dev.callscope.dissect.Transport;
import java.util.Locale;
import java.util.Set;

/**
 * WebSocket (RFC 6455) connections that are not SIP: the JSON signalling of WebRTC applications.
 * Claims, by heuristic, a TCP stream starting with an HTTP upgrade to WebSocket ("GET " with
 * "Upgrade: websocket", or the server's "HTTP/1.1 101" with it) unless its subprotocol is "sip"
 * (those belong to the SIP dissector). Each text message is read as JSON; an SDP in it goes to the
 * dissector bound to "application/sdp", so the WebRTC tracker correlates it as it does SDP from SIP.
 * Emits one {@link SignallingMessage} per text message.
 */
public final class WebSocketDissector implements Dissector {
    public static final String ID = "websocket";
    /** Longest HTTP upgrade header block looked at. */
    static final int MAX_HANDSHAKE = 16 * 1024;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Set<Transport> transports() {
        return Set.of(Transport.TCP);
    }

    @Override
    public Confidence accept(final Payload p, final PacketContext ctx) {
        if (p.length() < 16) {
            return Confidence.NO;
        }
        final boolean request = p.u8(0) == 'G' && p.u8(1) == 'E' && p.u8(2) == 'T' && p.u8(3) == ' ';
        final boolean response = p.latin1(0, 12).equals("HTTP/1.1 101");
        if (!request && !response) {
            return Confidence.NO;
        }
        return isUpgrade(p.latin1(0, Math.min(p.length(), MAX_HANDSHAKE))) ? Confidence.STRONG : Confidence.NO;
    }

    /** An HTTP header block upgrading to WebSocket with no "sip" subprotocol. */
    static boolean isUpgrade(final String head) {
        final String upgrade = header(head, "upgrade");
        if (upgrade == null || !upgrade.contains("websocket")) {
            return false;
        }
        final String protocols = header(head, "sec-websocket-protocol");
        if (protocols != null) {
            for (final String t : protocols.split(",")) {
                if (t.trim().equals("sip")) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The lower-cased value of header {@code name} in an HTTP header block, or null. */
    static String header(final String head, final String name) {
        int at = 0;
        while (at < head.length()) {
            int end = head.indexOf('\n', at);
            if (end < 0) {
                end = head.length();
            }
            final String line = head.substring(at, end);
            final int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
            }
            if (line.isBlank() && at > 0) {
                break; // end of the header block
            }
            at = end + 1;
        }
        return null;
    }

    @Override
    public DissectorSession open(final ConversationContext conversation) {
        return new WebSocketSession(conversation);
    }
}
