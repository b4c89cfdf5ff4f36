package dev.callscope.verify;

import dev.callscope.ladder.Ladder;
import java.util.List;

/**
 * The outcome of checking specs against a capture: one suite per spec, one result per assertion.
 * Never printed or turned into an exit code here (that is the cli's and output's job).
 */
public record VerificationReport(List<Suite> suites) {
    public VerificationReport {
        suites = List.copyOf(suites);
    }

    public boolean passed() {
        return suites.stream().allMatch(Suite::passed);
    }

    public long failures() {
        return suites.stream().mapToLong(Suite::failures).sum();
    }

    public long assertions() {
        return suites.stream().mapToLong(s -> s.results().size()).sum();
    }

    /** The results of one spec. */
    public record Suite(String name, List<Result> results) {
        public Suite {
            results = List.copyOf(results);
        }

        public boolean passed() {
            return results.stream().allMatch(Result::passed);
        }

        public long failures() {
            return results.stream().filter(r -> !r.passed()).count();
        }
    }

    /**
     * One assertion.
     *
     * @param group what it is about ("answered call / call 1 3-1234@10.0.0.1", "dubbo")
     * @param name what was checked ("sequence", "state", "loss %")
     * @param message the evidence: the measured value, or why it failed
     * @param expected for a failed sequence, the expected ladder; else null
     * @param actual for a failed sequence, the call's ladder; else null
     */
    public record Result(String group, String name, boolean passed, String message, Ladder expected, Ladder actual) {
        public static Result of(final String group, final String name, final Check.Outcome o) {
            return new Result(group, name, o.passed(), o.message(), null, null);
        }
    }
}
