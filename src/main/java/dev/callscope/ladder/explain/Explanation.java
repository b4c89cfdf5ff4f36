package dev.callscope.ladder.explain;

import java.util.List;

/**
 * What one step of a ladder means, for a lab handout or the shell's {@code explain} and {@code step}.
 *
 * @param number 1-based position among the explained steps
 * @param frame the capture frame of the message (0 for a media bar)
 * @param tsNanos capture time of the step
 * @param from source lane label
 * @param to destination lane label
 * @param label the arrow's text as the ladder draws it
 * @param what what the message does
 * @param why why it comes at this point of the exchange
 * @param spec where the rule comes from (RFC sections, Dubbo's codec and heartbeat rules)
 * @param unusual what is unusual about this message in this capture (empty when nothing is)
 */
public record Explanation(int number, long frame, long tsNanos, String from, String to, String label, String what,
                          String why, String spec, List<String> unusual) {
    public Explanation {
        unusual = List.copyOf(unusual);
    }
}
