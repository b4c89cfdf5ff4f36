package dev.callscope.spark;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.callscope.output.DubboView;
import dev.callscope.output.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Joins a Dubbo request that one file ended without an answer to with the answer a later file
 * begins with (same client, server and request id): the exchange is answered, with its latency and
 * whether it came late, as one reading of both files gives it. Answers that join no request are
 * dropped, as the CLI counts them only as unmatched.
 */
final class DubboMerge {
    private DubboMerge() {
    }

    static List<String> merge(final Iterable<Part.DubboPart> group) {
        final List<Part.DubboPart> parts = new ArrayList<>();
        group.forEach(parts::add);
        parts.sort(Comparator.comparingLong(Part.DubboPart::tsNanos).thenComparingInt(Part.DubboPart::fileOrder));
        final List<String> out = new ArrayList<>();
        final boolean[] used = new boolean[parts.size()];
        for (int i = 0; i < parts.size(); i++) {
            final Part.DubboPart q = parts.get(i);
            if (!q.request()) {
                continue;
            }
            final ObjectNode x = parse(q.json());
            for (int j = i + 1; j < parts.size(); j++) {
                final Part.DubboPart r = parts.get(j);
                if (!used[j] && !r.request() && r.fileOrder() > q.fileOrder()) {
                    used[j] = true;
                    DubboView.answered(x, parse(r.json()), r.tsNanos() - q.tsNanos());
                    final var files = x.putArray("files");
                    files.add(x.path("file").asText());
                    files.add(parse(r.json()).path("file").asText());
                    break;
                }
                if (r.request()) {
                    break; // the id was used again: the answer, if any, is the later request's
                }
            }
            out.add(x.toString());
        }
        return out;
    }

    private static ObjectNode parse(final String json) {
        try {
            return (ObjectNode) Json.parse(json);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
