package dev.callscope.flow.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fingerprint index matches exactly what {@link String#equalsIgnoreCase} matched before it. */
class CorrelationIndexTest {
    private static void same(final String a, final String b) {
        assertThat(Correlation.caseless(a).equals(Correlation.caseless(b))).as("%s vs %s", a, b)
            .isEqualTo(a.equalsIgnoreCase(b));
    }

    @Test
    void caselessAgreesWithEqualsIgnoreCaseOnEveryCharAndItsCaseVariants() {
        for (int c = 0; c <= 0xFFFF; c++) {
            if (Character.isSurrogate((char) c)) {
                continue;
            }
            final String s = String.valueOf((char) c);
            for (final int d : new int[] {Character.toUpperCase(c), Character.toLowerCase(c), Character.toTitleCase(c),
                Character.toLowerCase(Character.toUpperCase(c)), c + 1}) {
                same(s, new String(Character.toChars(d)));
            }
        }
        same("\uD801\uDC00", "\uD801\uDC28"); // Deseret capital and small long I
    }

    @Test
    void caselessAgreesOnRandomFingerprintLikeStrings() {
        final String alphabet = "0123456789abcdefABCDEF:ßİıſKΣσςkKsS";
        final Random r = new Random(5);
        for (int i = 0; i < 200_000; i++) {
            final StringBuilder a = new StringBuilder();
            final StringBuilder b = new StringBuilder();
            final int n = 1 + r.nextInt(4);
            for (int j = 0; j < n; j++) {
                final char x = alphabet.charAt(r.nextInt(alphabet.length()));
                a.append(x);
                b.append(r.nextBoolean() ? x : r.nextBoolean() ? Character.toUpperCase(x)
                    : alphabet.charAt(r.nextInt(alphabet.length())));
            }
            same(a.toString(), b.toString());
        }
    }
}
