package dev.callscope.dissect.http2;

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
 * HTTP/2 (RFC 9113) over TCP, found on any port by the client's connection preface ("PRI *
 * HTTP/2.0..."): cleartext with prior knowledge, as gRPC and Dubbo's Triple use it. Frames are
 * decoded with their flags, streams followed, header blocks decoded with HPACK (RFC 7541), and the
 * DATA of gRPC streams cut into length-prefixed messages ({@link Http2Session}).
 */
public final class Http2Dissector implements Dissector {
    public static final String ID = "http2";
    /** The client connection preface (RFC 9113 section 3.4). */
    static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Set<Binding> bindings() {
        return Set.of();
    }

    @Override
    public Set<Transport> transports() {
        return Set.of(Transport.TCP);
    }

    @Override
    public Confidence accept(final Payload p, final PacketContext ctx) {
        return startsWithPreface(p) ? Confidence.STRONG : Confidence.NO;
    }

    static boolean startsWithPreface(final Payload p) {
        if (p.length() < PREFACE.length) {
            return false;
        }
        for (int i = 0; i < PREFACE.length; i++) {
            if (p.u8(i) != (PREFACE[i] & 0xFF)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public DissectorSession open(final ConversationContext conversation) {
        return new Http2Session(conversation.limits());
    }
}
