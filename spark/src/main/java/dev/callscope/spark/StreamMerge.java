package dev.callscope.spark;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.callscope.flow.rtp.RtpStream;
import dev.callscope.output.RtpViews;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Joins the parts of one RTP stream (SSRC, transport, source, destination) that consecutive files
 * held: the earlier part's stream, as its file left it, takes the later part's packets, so the
 * jitter, sequence and timestamp state run on and the statistics are those of one reading of
 * both files. A part that did not begin near its file's start, or follows no part that ran to its
 * file's end, is a stream of its own (as a long silence makes one when streaming).
 */
final class StreamMerge {
    private StreamMerge() {
    }

    /**
     * @param announced media endpoints of calls that may run on across a cut, with their Call-IDs: a
     *     stream the heuristic found to or from one of them is kept even when no earlier part began it
     *     (its SDP was in the file before, its first packet in this one)
     */
    static List<String> merge(final Iterable<Part.StreamPart> group, final JobOptions o, final Map<String, String> announced) {
        final List<Part.StreamPart> parts = new ArrayList<>();
        group.forEach(parts::add);
        parts.sort(Comparator.comparingLong(Part.StreamPart::startNanos).thenComparingInt(Part.StreamPart::fileOrder));
        final List<String> out = new ArrayList<>();
        RtpStream current = null;
        Part.StreamPart head = null;
        Set<String> files = null;
        Set<String> callIds = null;
        boolean seenEarlier = false;
        for (Part.StreamPart p : parts) {
            if (current != null && p.headOpen() && !p.stepsCut() && p.fileOrder() > head.fileOrder()) {
                current.continueWith(p.steps(), o.baseNanos());
                files.add(p.file());
                callIds.addAll(p.callIds());
                if (!p.tailOpen()) {
                    out.add(render(current, head, files, callIds, o));
                    current = null;
                }
                continue;
            }
            if (current != null) {
                out.add(render(current, head, files, callIds, o));
                current = null;
            }
            if (p.heuristic()) {
                final String[] k = p.key().split(" ");
                final String callId = k.length == 4 ? announced.getOrDefault(k[3], announced.get(k[2])) : null;
                if (callId == null && !seenEarlier) {
                    continue; // no SDP, rule or demultiplexer named it, and it continues nothing
                }
                // a stream a call of an earlier file announced, or the rest of one that could not be joined
                if (callId != null) {
                    p = new Part.StreamPart(p.key(), p.fileOrder(), p.file(), p.startNanos(), p.endNanos(), p.headOpen(),
                        p.tailOpen(), p.json(), p.state(), p.steps(), p.stepsCut(), List.of(callId), p.heuristic());
                }
            }
            seenEarlier = true;
            if (p.tailOpen() && p.state() != null) {
                current = deserialize(p.state());
                head = p;
                files = new LinkedHashSet<>();
                files.add(p.file());
                callIds = new LinkedHashSet<>(p.callIds());
            } else {
                out.add(withCallIds(p.json(), p.callIds(), null));
            }
        }
        if (current != null) {
            out.add(render(current, head, files, callIds, o));
        }
        return out;
    }

    private static String render(final RtpStream s, final Part.StreamPart head, final Set<String> files, final Set<String> callIds,
                                 final JobOptions o) {
        if (files.size() == 1) {
            return withCallIds(head.json(), head.callIds(), null);
        }
        final ObjectNode n = RtpViews.stream(s, o.baseNanos());
        n.put("file", head.file());
        return withCallIds(n.toString(), new ArrayList<>(callIds), files);
    }

    private static String withCallIds(final String json, final List<String> callIds, final Set<String> files) {
        try {
            final ObjectNode n = (ObjectNode) dev.callscope.output.Json.parse(json);
            final var a = n.putArray("call_ids");
            callIds.forEach(a::add);
            if (files != null) {
                final var f = n.putArray("files");
                files.forEach(f::add);
            }
            return n.toString();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RtpStream deserialize(final byte[] state) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(state))) {
            return (RtpStream) in.readObject();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        } catch (final ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
