package dev.callscope.fuzz;

import dev.callscope.core.Direction;
import dev.callscope.dissect.Binding;
import dev.callscope.dissect.Confidence;
import dev.callscope.dissect.ConversationContext;
import dev.callscope.dissect.Dissector;
import dev.callscope.dissect.DissectorRegistry;
import dev.callscope.dissect.DissectorSession;
import dev.callscope.dissect.EventSink;
import dev.callscope.dissect.PacketContext;
import dev.callscope.dissect.Payload;
import dev.callscope.dissect.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * Wraps every built-in dissector so that an exception thrown by it is recorded with its stack
 * before the engine's firewall turns it into a {@code <id>.dissector_bug} anomaly (which keeps only
 * the message). Behaviour is otherwise unchanged: the exception is rethrown. With {@link #exact}
 * on, each call sees its payload in an array of exactly its length, so a read past the window
 * fails at once instead of reading the next bytes of the buffer (a sanitizer of sorts).
 */
final class BugCatcher {
    /** One exception a dissector threw. */
    record Caught(String dissector, String method, Throwable error) {
    }

    private static final ThreadLocal<List<Caught>> CAUGHT = ThreadLocal.withInitial(ArrayList::new);
    private static final ThreadLocal<boolean[]> EXACT = ThreadLocal.withInitial(() -> new boolean[1]);
    /** Bytes allocated for exact-size copies: the harness's, not the engine's. */
    private static final ThreadLocal<long[]> COPIED = ThreadLocal.withInitial(() -> new long[1]);

    private BugCatcher() {
    }

    /** Clears this thread's record and sets the exact-window mode for the next run. */
    static void reset(final boolean exact) {
        CAUGHT.get().clear();
        EXACT.get()[0] = exact;
        COPIED.get()[0] = 0;
    }

    /** Bytes this thread allocated for exact-size copies since {@link #reset} (array headers included). */
    static long copied() {
        return COPIED.get()[0];
    }

    /** What was thrown on this thread since {@link #reset}. */
    static List<Caught> caught() {
        return List.copyOf(CAUGHT.get());
    }

    /** The built-in dissectors, configured with {@code preferences}, each wrapped. */
    static DissectorRegistry registry(final Map<String, String> preferences) {
        final List<Dissector> all = new ArrayList<>();
        for (final Dissector d : ServiceLoader.load(Dissector.class, DissectorRegistry.class.getClassLoader())) {
            d.configure(Map.copyOf(preferences));
            all.add(new Wrapped(d));
        }
        return DissectorRegistry.of(all);
    }

    private static RuntimeException record(final String id, final String method, final RuntimeException e) {
        CAUGHT.get().add(new Caught(id, method, e));
        return e;
    }

    private static Payload view(final Payload p) {
        if (!EXACT.get()[0] || p.offset() == 0 && p.length() == p.array().length) {
            return p;
        }
        COPIED.get()[0] += p.length() + 64L; // the array and its Payload
        return Payload.of(p.bytes(0, p.length()));
    }

    private static final class Wrapped implements Dissector {
        private final Dissector d;
        private final String id;
        private final Set<Binding> bindings;
        private final boolean heuristic;
        private final Set<Transport> transports;

        Wrapped(final Dissector d) {
            this.d = d;
            this.id = d.id();
            this.bindings = d.bindings();
            this.heuristic = d.heuristic();
            this.transports = d.transports();
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public Set<Binding> bindings() {
            return bindings;
        }

        @Override
        public boolean heuristic() {
            return heuristic;
        }

        @Override
        public Set<Transport> transports() {
            return transports;
        }

        @Override
        public Confidence accept(final Payload payload, final PacketContext ctx) {
            try {
                return d.accept(view(payload), ctx);
            } catch (RuntimeException e) {
                throw record(id, "accept", e);
            }
        }

        @Override
        public DissectorSession open(final ConversationContext conversation) {
            final DissectorSession s;
            try {
                s = d.open(conversation);
            } catch (RuntimeException e) {
                throw record(id, "open", e);
            }
            return s == null ? null : new Session(id, s);
        }
    }

    private static final class Session implements DissectorSession {
        private final String id;
        private final DissectorSession s;

        Session(final String id, final DissectorSession s) {
            this.id = id;
            this.s = s;
        }

        @Override
        public void onDatagram(final Payload payload, final PacketContext ctx, final EventSink out) {
            try {
                s.onDatagram(view(payload), ctx, out);
            } catch (RuntimeException e) {
                throw record(id, "onDatagram", e);
            }
        }

        @Override
        public int onStream(final Payload buffered, final PacketContext ctx, final EventSink out) {
            try {
                return s.onStream(view(buffered), ctx, out);
            } catch (RuntimeException e) {
                throw record(id, "onStream", e);
            }
        }

        @Override
        public void onGap(final long seq, final int length, final Direction dir, final EventSink out) {
            try {
                s.onGap(seq, length, dir, out);
            } catch (RuntimeException e) {
                throw record(id, "onGap", e);
            }
        }

        @Override
        public void onEnd(final EventSink out) {
            try {
                s.onEnd(out);
            } catch (RuntimeException e) {
                throw record(id, "onEnd", e);
            }
        }
    }
}
