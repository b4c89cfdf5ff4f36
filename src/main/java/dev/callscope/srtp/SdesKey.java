package dev.callscope.srtp;

import java.util.Arrays;
import java.util.Base64;

/**
 * One master key of an SDP a=crypto line (RFC 4568 section 6.1): {@code inline:<base64 key||salt>
 * [|<lifetime>][|<MKI value>:<MKI length>]}. The key material is never printed.
 *
 * @param mki the MKI value, or -1 when the line has none
 * @param mkiLength bytes of the MKI field in each packet (0 without MKI)
 * @param lifetime packets the key may protect (2^48 when not given)
 */
public record SdesKey(SrtpSuite suite, byte[] masterKey, byte[] masterSalt, long mki, int mkiLength, long lifetime) {
    /** The first key of an a=crypto line's key parameters, or null when they are not a valid inline key for {@code suite}. */
    public static SdesKey parse(final SrtpSuite suite, final String keyParams) {
        if (suite == null || keyParams == null) {
            return null;
        }
        String p = keyParams.strip();
        final int semi = p.indexOf(';'); // several keys: the first is used first
        if (semi >= 0) {
            p = p.substring(0, semi);
        }
        if (!p.startsWith("inline:")) {
            return null;
        }
        final String[] parts = p.substring(7).split("\\|", -1);
        if (parts.length > 3) {
            return null;
        }
        final byte[] both;
        try {
            both = Base64.getDecoder().decode(parts[0]);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (both.length != suite.keyLength + suite.saltLength) {
            return null;
        }
        long lifetime = 1L << 48;
        long mki = -1;
        int mkiLength = 0;
        for (int i = 1; i < parts.length; i++) {
            final String x = parts[i];
            final int colon = x.indexOf(':');
            try {
                if (colon >= 0) {
                    mki = Long.parseLong(x.substring(0, colon));
                    mkiLength = Integer.parseInt(x.substring(colon + 1));
                    if (mkiLength < 1 || mkiLength > 128 || mki < 0 || mkiLength < 8 && mki >>> (8 * mkiLength) != 0) {
                        return null; // RFC 4568 6.1: the MKI value must fit in its length
                    }
                } else if (x.startsWith("2^")) {
                    final int exp = Integer.parseInt(x.substring(2));
                    lifetime = exp >= 0 && exp < 63 ? 1L << exp : Long.MAX_VALUE;
                } else {
                    lifetime = Long.parseLong(x);
                }
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return new SdesKey(suite, Arrays.copyOf(both, suite.keyLength), Arrays.copyOfRange(both, suite.keyLength, both.length),
            mki, mkiLength, lifetime);
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof SdesKey k && suite == k.suite && Arrays.equals(masterKey, k.masterKey)
            && Arrays.equals(masterSalt, k.masterSalt) && mki == k.mki && mkiLength == k.mkiLength;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(masterKey) * 31 + suite.hashCode();
    }

    @Override
    public String toString() {
        return "SdesKey[" + suite + (mkiLength > 0 ? ", MKI " + mki + ":" + mkiLength : "") + "]";
    }
}
