package dev.callscope.dissect.dubbo;

import dev.callscope.core.PacketSource;
import dev.callscope.dissect.Binding;
import dev.callscope.dissect.Confidence;
import dev.callscope.dissect.ConversationContext;
import dev.callscope.dissect.Dissector;
import dev.callscope.dissect.DissectorRegistry;
import dev.callscope.dissect.DissectorSession;
import dev.callscope.dissect.EventSink;
import dev.callscope.dissect.PacketContext;
import dev.callscope.dissect.Payload;
import dev.callscope.engine.Engine;
import dev.callscope.engine.EngineOptions;
import dev.callscope.pcap.CaptureFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The reassembled TCP byte streams of a capture (one per conversation and direction), taken through the engine. */
final class Streams {
    private Streams() {
    }

    static List<byte[]> of(final Path file) throws IOException {
        final List<ByteArrayOutputStream[]> all = new ArrayList<>();
        final Dissector grab = new Dissector() {
            @Override
            public String id() {
                return "grab";
            }

            @Override
            public Set<Binding> bindings() {
                return Set.of();
            }

            @Override
            public Confidence accept(final Payload payload, final PacketContext ctx) {
                return Confidence.STRONG;
            }

            @Override
            public DissectorSession open(final ConversationContext conversation) {
                final ByteArrayOutputStream[] s = {new ByteArrayOutputStream(), new ByteArrayOutputStream()};
                all.add(s);
                return new DissectorSession() {
                    @Override
                    public int onStream(final Payload b, final PacketContext ctx, final EventSink out) {
                        s[ctx.direction().index()].write(b.array(), b.offset(), b.length());
                        return b.length();
                    }
                };
            }
        };
        final Engine engine = new Engine(DissectorRegistry.of(List.of(grab)), EngineOptions.defaults(), List.of());
        try (PacketSource src = CaptureFiles.open(file.toString())) {
            engine.run(src);
        }
        final List<byte[]> out = new ArrayList<>();
        for (final ByteArrayOutputStream[] s : all) {
            for (final ByteArrayOutputStream d : s) {
                if (d.size() > 0) {
                    out.add(d.toByteArray());
                }
            }
        }
        return out;
    }
}
