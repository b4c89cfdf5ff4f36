package dev.callscope.dissect.sdp;

import static dev.callscope.dissect.sdp.SdpParser.parseLong;
import static dev.callscope.dissect.sdp.SdpParser.parseNatural;
import static dev.callscope.dissect.sdp.SdpParser.tokens;

import dev.callscope.dissect.sdp.SdpBody.Candidate;
import dev.callscope.dissect.sdp.SdpBody.Crypto;
import dev.callscope.dissect.sdp.SdpBody.Fingerprint;
import dev.callscope.dissect.sdp.SdpBody.RtpMap;
import java.util.List;
import java.util.Locale;

/**
 * The values of the SDP attributes {@link SdpParser} reads into its model, each from the text after
 * "a=name:": the value, or null (-1 for a number) when the text is not one. The parser stores the
 * value in its section and reports what is wrong with the text.
 */
final class SdpAttributes {
    private SdpAttributes() {
    }

    /** {@code a=rtcp:PORT [IN IP4 ADDRESS]} (RFC 3605); the address is null without one. */
    record Rtcp(int port, String address) {
    }

    /** {@code a=rtpmap:PT ENCODING/CLOCK[/CHANNELS]} (RFC 8866 §6.6). */
    static RtpMap rtpmap(final String v) {
        final List<String> t = v == null ? List.of() : tokens(v, 3);
        if (t.size() == 2) {
            final int pt = parseNatural(t.get(0), 127);
            final String[] enc = t.get(1).split("/", 4);
            if (pt >= 0 && enc.length >= 2 && enc.length <= 3 && !enc[0].isEmpty()) {
                final int clock = parseNatural(enc[1], Integer.MAX_VALUE);
                final int channels = enc.length == 3 ? parseNatural(enc[2], 255) : 1;
                if (clock > 0 && channels > 0) {
                    return new RtpMap(pt, enc[0], clock, channels);
                }
            }
        }
        return null;
    }

    /** {@code a=rtcp:PORT [NETTYPE ADDRTYPE ADDRESS[/TTL]]} (RFC 3605). */
    static Rtcp rtcp(final String v) {
        final List<String> t = v == null ? List.of() : tokens(v, 5);
        final int port = t.isEmpty() ? -1 : parseNatural(t.get(0), 65535);
        if (port < 0 || t.size() != 1 && t.size() != 4) {
            return null;
        }
        String address = null;
        if (t.size() == 4) {
            final String a = t.get(3);
            final int slash = a.indexOf('/');
            address = slash >= 0 ? a.substring(0, slash) : a;
        }
        return new Rtcp(port, address);
    }

    /** {@code a=candidate:FOUNDATION COMPONENT TRANSPORT PRIORITY ADDRESS PORT typ TYPE [raddr A] [rport P] ...} (RFC 8839 §5.1). */
    static Candidate candidate(final String v) {
        final List<String> t = v == null ? List.of() : tokens(v, 32);
        if (t.size() >= 8 && "typ".equals(t.get(6))) {
            final int component = parseNatural(t.get(1), 256);
            final long priority = parseLong(t.get(3));
            final int port = parseNatural(t.get(5), 65535);
            if (component > 0 && priority >= 0 && priority <= 0xFFFFFFFFL && port >= 0) {
                String raddr = null;
                int rport = -1;
                for (int i = 8; i + 1 < t.size(); i += 2) {
                    if ("raddr".equals(t.get(i))) {
                        raddr = t.get(i + 1);
                    } else if ("rport".equals(t.get(i))) {
                        rport = parseNatural(t.get(i + 1), 65535);
                    }
                }
                return new Candidate(v, t.get(0), component, t.get(2), priority, t.get(4), port, t.get(7), raddr, rport);
            }
        }
        return null;
    }

    /** {@code a=fingerprint:HASH VALUE} (RFC 8122 §5); the hash name in lower case. */
    static Fingerprint fingerprint(final String v) {
        final List<String> t = v == null ? List.of() : tokens(v, 3);
        return t.size() == 2 ? new Fingerprint(t.get(0).toLowerCase(Locale.ROOT), t.get(1)) : null;
    }

    /** {@code a=setup:ROLE} (RFC 4145 §4), in lower case. */
    static String setup(final String v) {
        final String s = v == null ? "" : v.toLowerCase(Locale.ROOT);
        switch (s) {
            case "actpass": case "active": case "passive": case "holdconn":
                return s;
            default:
                return null;
        }
    }

    /** {@code a=crypto:TAG SUITE KEY-PARAMS [SESSION-PARAMS]} (RFC 4568 §9.1). */
    static Crypto crypto(final String v) {
        final List<String> t = v == null ? List.of() : tokens(v, 3);
        if (t.size() >= 3) {
            final int tag = parseNatural(t.get(0), 999_999_999);
            final String rest = t.get(2);
            int sp = 0;
            while (sp < rest.length() && rest.charAt(sp) != ' ' && rest.charAt(sp) != '\t') {
                sp++;
            }
            final String keyParams = rest.substring(0, sp);
            final String sessionParams = rest.substring(sp).strip();
            if (tag >= 0 && keyParams.contains(":")) {
                return new Crypto(tag, t.get(1), keyParams, sessionParams.isEmpty() ? null : sessionParams);
            }
        }
        return null;
    }

    /**
     * {@code a=ptime:MS} or {@code a=maxptime:MS} in whole milliseconds, or -1. RFC 8866 allows a
     * decimal such as "20.0"; the fraction is checked and dropped.
     */
    static int millis(final String v) {
        final int dot = v.indexOf('.');
        final int ms = parseNatural(dot >= 0 ? v.substring(0, dot) : v, 1_000_000);
        if (ms < 0 || dot >= 0 && parseNatural(v.substring(dot + 1), Integer.MAX_VALUE) < 0) {
            return -1;
        }
        return ms;
    }
}
