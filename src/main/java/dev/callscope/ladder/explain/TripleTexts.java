package dev.callscope.ladder.explain;

import dev.callscope.ladder.explain.Explainer.Step;
import dev.callscope.ladder.explain.Explainer.Text;
import java.util.ArrayList;
import java.util.List;

/** What the steps of a Triple (gRPC over HTTP/2) call do. */
final class TripleTexts {
    private TripleTexts() {
    }

    private static final String GRPC_SPEC = "gRPC over HTTP/2 (PROTOCOL-HTTP2.md): a call is one HTTP/2 stream, HEADERS "
        + "(:path /service/method, grpc-timeout) then length-prefixed messages in DATA, answered by HEADERS, DATA and trailers "
        + "(grpc-status, grpc-message); RFC 9113 section 5.1 (stream states), 6.4 (RST_STREAM)";

    /** A Triple (gRPC over HTTP/2) ladder step: a request arrow, its answer, or a reset. */
    static Text triple(final Step s) {
        final String label = s.arrow().label();
        final List<String> unusual = new ArrayList<>();
        if (s.arrow().flagged("late")) {
            unusual.add("Late: the call outlived the consumer's grpc-timeout (or ended with DEADLINE_EXCEEDED): the consumer "
                + "had given up; the provider may have finished the work anyway.");
        }
        if (label.startsWith("RST_STREAM")) {
            unusual.add("The stream was reset (" + label + "): the call was abandoned rather than finished.");
            return new Text("Resets the stream: ends this one call at once without closing the connection.",
                "One side gave up on the call: a cancel, a deadline, or an error it could not report in trailers.", GRPC_SPEC, unusual);
        }
        if (s.from().equals(s.arrow().label()) || s.arrow().details().isEmpty()) {
            return new Text("A Triple call.", "", GRPC_SPEC, unusual);
        }
        if (s.arrow().details().get(0).startsWith("stream ")) {
            return new Text("A Triple (gRPC) call " + label + ": request HEADERS on a new stream, then its messages ("
                + s.arrow().details().get(0) + ").", "The consumer invoked the method; each call gets its own odd-numbered stream, "
                + "so calls on one connection run side by side.", GRPC_SPEC, unusual);
        }
        if (s.arrow().flagged("error")) {
            unusual.add("The call failed: " + label + (s.arrow().details().size() > 1 ? " (grpc-message: " + s.arrow().details().get(1) + ")" : "")
                + (label.contains("exception") ? "; gRPC status OK with tri-exception-code: the provider's method threw" : ""));
        }
        return new Text("The answer: response HEADERS, the messages, and trailers with grpc-status " + label + " ("
            + s.arrow().details().get(0) + ").", "The provider finished the call and ended the stream.", GRPC_SPEC, unusual);
    }
}
