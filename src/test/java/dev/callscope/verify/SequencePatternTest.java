package dev.callscope.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SequencePatternTest {
    private static List<SequencePattern.Message> msgs(final String... labels) {
        final List<SequencePattern.Message> l = new ArrayList<>();
        for (final String s : labels) {
            final boolean resp = Character.isDigit(s.charAt(0));
            l.add(new SequencePattern.Message(s, resp, resp ? "10.0.0.2:5060" : "10.0.0.1:5060", resp ? "10.0.0.1:5060" : "10.0.0.2:5060"));
        }
        return l;
    }

    private static boolean matches(final String pattern, final String... labels) {
        return SequencePattern.parse(pattern).matches(msgs(labels), Map.of());
    }

    @Test
    void optionalRepeatedAndClassItems() {
        final String p = "INVITE, 100?, 18x*, 200, ACK, BYE, 200";
        assertThat(matches(p, "INVITE", "100", "180", "200", "ACK", "BYE", "200")).isTrue();
        assertThat(matches(p, "INVITE", "180", "183", "180", "200", "ACK", "BYE", "200")).isTrue();
        assertThat(matches(p, "INVITE", "200", "ACK", "BYE", "200")).isTrue();
        assertThat(matches(p, "INVITE", "100", "486", "ACK")).isFalse();
        assertThat(matches(p, "INVITE", "100", "100", "200", "ACK", "BYE", "200")).isFalse();
        assertThat(matches(p, "INVITE", "100", "180", "200", "ACK", "BYE")).as("whole sequence").isFalse();
        assertThat(matches("INVITE, 1xx+, 4xx, ACK", "INVITE", "100", "180", "486", "ACK")).isTrue();
        assertThat(matches("INVITE, 1xx+, 4xx, ACK", "INVITE", "486", "ACK")).isFalse();
        assertThat(matches("invite, 2xx", "INVITE", "202")).as("methods case-insensitive").isTrue();
    }

    @Test
    void participantsConstrainDirection() {
        final SequencePattern p = SequencePattern.parse("a->b INVITE, b->a 200");
        final Map<String, Pattern> ps = Map.of("a", Pattern.compile("^10\\.0\\.0\\.1:"), "b", Pattern.compile("^10\\.0\\.0\\.2:"));
        assertThat(p.matches(msgs("INVITE", "200"), ps)).isTrue();
        assertThat(SequencePattern.parse("b->a INVITE, a->b 200").matches(msgs("INVITE", "200"), ps)).isFalse();
        assertThat(p.participants()).containsExactly("a", "b");
    }

    @Test
    void badItemsNameTheirPosition() {
        assertThatThrownBy(() -> SequencePattern.parse("INVITE, 2x0x")).hasMessageStartingWith("sequence item 2 '2x0x'");
        assertThatThrownBy(() -> SequencePattern.parse("INVITE,, 200")).hasMessageStartingWith("sequence item 2 ''");
        assertThatThrownBy(() -> SequencePattern.parse("INVITE??")).hasMessageStartingWith("sequence item 1");
        assertThat(SequencePattern.parse(" INVITE , 18x * ").toString()).isEqualTo("INVITE, 18x*");
    }
}
