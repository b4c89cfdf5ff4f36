package dev.callscope.dissect;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A user's {@code --decode-as} rule: traffic on a UDP or TCP port goes to a dissector, whatever the
 * bindings and heuristics say. Accepts {@code udp.port=5070:sip} and tshark's {@code udp.port==5070,sip}.
 */
public record DecodeAs(Transport transport, int port, String dissectorId) {
    private static final Pattern FORM = Pattern.compile("(udp|tcp)\\.port\\s*==?\\s*(\\d{1,5})\\s*[:,]\\s*([a-z0-9_.-]+)");

    /** Parses one rule; throws IllegalArgumentException with a user-facing message. */
    public static DecodeAs parse(final String text) {
        final Matcher m = FORM.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("bad --decode-as '" + text + "': expected udp.port=PORT:PROTOCOL or tcp.port=PORT:PROTOCOL");
        }
        final int port = Integer.parseInt(m.group(2));
        if (port > 65535) {
            throw new IllegalArgumentException("bad --decode-as '" + text + "': port " + port + " is over 65535");
        }
        return new DecodeAs("udp".equals(m.group(1)) ? Transport.UDP : Transport.TCP, port, m.group(3));
    }

    @Override
    public String toString() {
        return transport.name().toLowerCase(Locale.ROOT) + ".port=" + port + ":" + dissectorId;
    }
}
