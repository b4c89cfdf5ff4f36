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
 * HTTP/2.0..."): cleartext with prior knowledge, as gRPC and Dubbo's Triple use it, or an HTTP/1.1
 * request with {@code Upgrade: h2c} answered 101 (RFC 7540 section 3.2); over TLS once its keys are
 * given, since decrypted bytes reach dissectors as cleartext ones do. Frames are
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
        return startsWithPreface(p) || h2cRequest(p) ? Confidence.STRONG : Confidence.NO;
    }

    /** Bytes looked at for an HTTP/1.1 head. */
    static final int MAX_HEAD = 16 * 1024;

    /** An HTTP/1.1 request (a method token, a space) whose head has an Upgrade header naming h2c. */
    static boolean h2cRequest(final Payload p) {
        final int n = Math.min(p.length(), MAX_HEAD);
        int i = 0;
        while (i < n && p.u8(i) >= 'A' && p.u8(i) <= 'Z') {
            i++;
        }
        if (i == 0 || i >= n || p.u8(i) != ' ') {
            return false;
        }
        final int end = headEnd(p, MAX_HEAD);
        final int stop = end < 0 ? n : end;
        for (int k = i; k + 10 < stop; k++) {
            if (p.u8(k) == '\n' && lower(p, k + 1, "upgrade:")) {
                for (int v = k + 9; v + 3 <= stop && p.u8(v) != '\r' && p.u8(v) != '\n'; v++) {
                    if (lower(p, v, "h2c") && (v + 3 == stop || !Character.isLetterOrDigit(p.u8(v + 3)))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The index just past the CRLFCRLF ending an HTTP/1.1 head within {@code max} bytes, or -1. */
    static int headEnd(final Payload p, final int max) {
        final int n = Math.min(p.length(), max);
        for (int k = 3; k < n; k++) {
            if (p.u8(k) == '\n' && p.u8(k - 1) == '\r' && p.u8(k - 2) == '\n' && p.u8(k - 3) == '\r') {
                return k + 1;
            }
        }
        return -1;
    }

    /** An HTTP/1.1 response head with status 101. */
    static boolean switchingProtocols(final Payload p) {
        return p.length() >= 12 && lower(p, 0, "http/1.") && p.u8(8) == ' ' && p.u8(9) == '1' && p.u8(10) == '0' && p.u8(11) == '1';
    }

    private static boolean lower(final Payload p, final int at, final String s) {
        if (at + s.length() > p.length()) {
            return false;
        }
        for (int k = 0; k < s.length(); k++) {
            if (Character.toLowerCase(p.u8(at + k)) != s.charAt(k)) {
                return false;
            }
        }
        return true;
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
