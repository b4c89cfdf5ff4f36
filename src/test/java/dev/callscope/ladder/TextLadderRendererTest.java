package dev.callscope.ladder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.testutil.Golden;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextLadderRendererTest {
    private static final long T0 = 1_700_000_000_000_000_000L;

    private static Ladder sample() {
        return new Ladder("Call 1  test", List.of(new Ladder.Lane("a", "10.0.0.1:5060"), new Ladder.Lane("b", "10.0.0.2:5060"),
            new Ladder.Lane("c", "10.0.0.3:5060")), List.of(
                new Ladder.Arrow(T0, 1, 0, 1, "INVITE (SDP)", List.of("audio 10.0.0.1:6000 PCMA/8000"), List.of("request"), null),
                new Ladder.Arrow(T0 + 1_000_000, 2, 1, 0, "100 Trying", List.of(), List.of("provisional"), null),
                new Ladder.Arrow(T0 + 2_000_000, 3, 0, 2, "INVITE", List.of(), List.of("request", "retransmission"), null),
                new Ladder.Arrow(T0 + 3_000_000, 4, 2, 0, "486 Busy Here", List.of(), List.of("error"), null),
                new Ladder.Bar(T0 + 4_000_000, T0 + 9_000_000, 0, 1, "RTP 100 pkts PCMA"),
                new Ladder.Note(T0 + 9_000_000, -1, "call ended")), Ladder.Kind.SIP);
    }

    @Test
    void rendersTheGoldenLadder() {
        Golden.assertMatches("ladder-renderer-unicode.txt", new TextLadderRenderer(TextLadderRenderer.Options.plain()).render(sample()));
        Golden.assertMatches("ladder-renderer-ascii.txt",
            new TextLadderRenderer(new TextLadderRenderer.Options(false, false, 0)).render(sample()));
    }

    @Test
    void asciiUsesNoBoxDrawingAndColourOnlyWhenAsked() {
        final String ascii = new TextLadderRenderer(new TextLadderRenderer.Options(false, false, 0)).render(sample());
        assertThat(ascii).doesNotContain("│", "─", "►", "◄", "═").contains("|--------------------->|", "|<---------------------|");
        assertThat(ascii).doesNotContain("\u001b[");
        final String colour = new TextLadderRenderer(new TextLadderRenderer.Options(true, true, 0)).render(sample());
        assertThat(colour).contains("\u001b[31m486 Busy Here\u001b[0m", "\u001b[33m100 Trying\u001b[0m", "\u001b[2m");
    }

    @Test
    void fitsANarrowTerminal() {
        final String narrow = new TextLadderRenderer(new TextLadderRenderer.Options(true, false, 60)).render(sample());
        assertThat(narrow.lines().filter(l -> !l.startsWith("Call") && !l.contains("audio"))).allSatisfy(l ->
            assertThat(l.length()).as(l).isLessThanOrEqualTo(60));
    }

    @Test
    void emptyLadder() {
        assertThat(new TextLadderRenderer(TextLadderRenderer.Options.plain()).render(new Ladder("x", List.of(), List.of(), Ladder.Kind.SIP)))
            .isEqualTo("x\n(no messages)\n");
    }
}
