package dev.callscope.engine;

import static dev.callscope.decode.Frames.A4;
import static dev.callscope.decode.Frames.B4;
import static dev.callscope.decode.Frames.ascii;
import static dev.callscope.decode.Frames.eth;
import static dev.callscope.decode.Frames.ipv4;
import static dev.callscope.decode.Frames.tcp;
import static dev.callscope.decode.Frames.udp;
import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.core.Direction;
import dev.callscope.core.Endpoint;
import dev.callscope.core.FlowKey;
import dev.callscope.core.LinkType;
import dev.callscope.core.RawFrame;
import dev.callscope.decode.Frames;
import dev.callscope.dissect.Anomaly;
import dev.callscope.dissect.Binding;
import dev.callscope.dissect.Confidence;
import dev.callscope.dissect.ConversationContext;
import dev.callscope.tap.ConversationRecord;
import dev.callscope.dissect.DecodeAs;
import dev.callscope.dissect.Dissector;
import dev.callscope.dissect.DissectorRegistry;
import dev.callscope.dissect.DissectorSession;
import dev.callscope.dissect.EventSink;
import dev.callscope.tap.FrameRecord;
import dev.callscope.dissect.PacketContext;
import dev.callscope.dissect.Payload;
import dev.callscope.dissect.ProtocolEvent;
import dev.callscope.dissect.Severity;
import dev.callscope.dissect.StreamFramer;
import dev.callscope.tap.Tap;
import dev.callscope.dissect.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The engine's dispatch, stream driving, firewall and conversation accounting, with small test dissectors. */
class EngineTest {
    private static final long SEC = 1_000_000_000L;

    /** An event carrying a text, for assertions. */
    record Seen(String protocol, long frame, long tsNanos, FlowKey flow, String text) implements ProtocolEvent {
    }

    /** Collects everything the engine reports. */
    static final class Recorder implements Tap {
        final List<Seen> events = new ArrayList<>();
        final List<String> tcp = new ArrayList<>();
        final List<Anomaly> anomalies = new ArrayList<>();
        final List<ConversationRecord> conversations = new ArrayList<>();
        final List<String> paths = new ArrayList<>();
        boolean ended;

        @Override
        public void onFrame(final FrameRecord f) {
            paths.add(String.join(":", java.util.Arrays.copyOf(f.layers, f.layerCount)));
        }

        @Override
        public void onEvent(final ProtocolEvent e) {
            if (e instanceof dev.callscope.tap.TcpEvent t) {
                tcp.add(t.direction() + " " + t.kind() + " #" + t.conversationId());
                return;
            }
            events.add((Seen) e);
        }

        @Override
        public void onAnomaly(final Anomaly a) {
            anomalies.add(a);
        }

        @Override
        public void onConversation(final ConversationRecord c) {
            conversations.add(c);
        }

        @Override
        public void onEnd() {
            ended = true;
        }

        List<String> texts() {
            return events.stream().map(Seen::text).toList();
        }
    }

    /** A datagram dissector: reports each payload as text; accepts payloads starting with its prefix. */
    static class Echo implements Dissector {
        final String id;
        final String prefix;
        final Set<Binding> bindings;

        Echo(final String id, final String prefix, final Set<Binding> bindings) {
            this.id = id;
            this.prefix = prefix;
            this.bindings = bindings;
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
        public Confidence accept(final Payload p, final PacketContext ctx) {
            return p.length() >= prefix.length() && p.latin1(0, prefix.length()).equals(prefix) ? Confidence.STRONG : Confidence.NO;
        }

        @Override
        public DissectorSession open(final ConversationContext c) {
            return new DissectorSession() {
                @Override
                public void onDatagram(final Payload p, final PacketContext ctx, final EventSink out) {
                    out.confirm();
                    out.emit(new Seen(id, ctx.frame(), ctx.tsNanos(), ctx.flow(), id + ":" + p.latin1(0, p.length())));
                }
            };
        }
    }

    /** A stream dissector framing "LEN:" + bytes with a two-digit decimal length, reporting each message. */
    static final class Framed implements Dissector {
        @Override
        public String id() {
            return "framed";
        }

        @Override
        public Set<Binding> bindings() {
            return Set.of(Binding.tcpPort(7000));
        }

        @Override
        public Confidence accept(final Payload p, final PacketContext ctx) {
            return p.length() >= 3 && Character.isDigit(p.u8(0)) && p.u8(2) == ':' ? Confidence.WEAK : Confidence.NO;
        }

        @Override
        public boolean heuristic() {
            return false;
        }

        @Override
        public DissectorSession open(final ConversationContext c) {
            final StreamFramer[] framers = new StreamFramer[2];
            for (int i = 0; i < 2; i++) {
                framers[i] = new StreamFramer("framed", 3, 1000, p -> {
                    if (p.length() < 3) {
                        return StreamFramer.PduLength.NEED_MORE;
                    }
                    final int d1 = p.u8(0) - '0';
                    final int d2 = p.u8(1) - '0';
                    if (d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9 || p.u8(2) != ':') {
                        return StreamFramer.PduLength.NOT_A_PDU;
                    }
                    return 3 + d1 * 10 + d2;
                });
            }
            return new DissectorSession() {
                @Override
                public int onStream(final Payload buffered, final PacketContext ctx, final EventSink out) {
                    return framers[ctx.direction().ordinal()].feed(buffered, ctx, out, (pdu, pc, o) ->
                        o.emit(new Seen("framed", pc.frame(), pc.tsNanos(), pc.flow(),
                            pc.direction() + ":" + pdu.latin1(3, pdu.length() - 3))));
                }

                @Override
                public void onGap(final long seq, final int length, final Direction dir, final EventSink out) {
                    framers[dir.ordinal()].reset();
                    out.emit(new Seen("framed", 0, 0, null, "gap:" + length));
                }
            };
        }
    }

    private static RawFrame udpFrame(final byte[] src, final int sport, final byte[] dst, final int dport, final String text,
                                     final long ts) {
        return Frames.frame(LinkType.ETHERNET,
            eth(0x0800, ipv4(src, dst, 17, 1, false, 0, new byte[0], udp(sport, dport, ascii(text)))), ts);
    }

    private static RawFrame tcpFrame(final boolean fromA, final long seq, final int flags, final String text, final long ts) {
        final byte[] seg = fromA ? tcp(40000, 7000, seq, 0, flags, ascii(text)) : tcp(7000, 40000, seq, 0, flags, ascii(text));
        return Frames.frame(LinkType.ETHERNET,
            eth(0x0800, ipv4(fromA ? A4 : B4, fromA ? B4 : A4, 6, 1, false, 0, new byte[0], seg)), ts);
    }

    private static Recorder run(final List<Dissector> dissectors, final List<DecodeAs> rules, final RawFrame... frames) {
        final Recorder r = new Recorder();
        final Engine e = new Engine(DissectorRegistry.of(dissectors), new EngineOptions(new dev.callscope.core.Limits(), rules),
            List.of(r));
        for (final RawFrame f : frames) {
            e.process(f);
        }
        e.finish();
        return r;
    }

    @Test
    void portBindingThenStickyAndConversationCounts() {
        final Recorder r = run(List.of(new Echo("sip", "INVITE", Set.of(Binding.udpPort(5060)))), List.of(),
            udpFrame(A4, 5060, B4, 5060, "INVITE x", SEC),
            udpFrame(B4, 5060, A4, 5060, "SIP/2.0 200", 2 * SEC),
            udpFrame(A4, 5060, B4, 5060, "ACK", 3 * SEC));
        assertThat(r.texts()).containsExactly("sip:INVITE x", "sip:SIP/2.0 200", "sip:ACK");
        assertThat(r.paths).containsOnly("eth:ip:udp:sip");
        assertThat(r.conversations).singleElement().satisfies(c -> {
            assertThat(c.packetsAtoB()).isEqualTo(2);
            assertThat(c.packetsBtoA()).isEqualTo(1);
            assertThat(c.protocol()).isEqualTo("sip");
            assertThat(c.endNanos() - c.startNanos()).isEqualTo(2 * SEC);
        });
        assertThat(r.ended).isTrue();
    }

    @Test
    void boundDissectorMustStillAcceptAndHeuristicsFindOtherPorts() {
        final Recorder r = run(List.of(new Echo("sip", "INVITE", Set.of(Binding.udpPort(5060)))), List.of(),
            udpFrame(A4, 5060, B4, 5060, "hello", SEC),
            udpFrame(A4, 1234, B4, 5678, "INVITE on another port", SEC));
        assertThat(r.texts()).containsExactly("sip:INVITE on another port");
        assertThat(r.paths).containsExactly("eth:ip:udp:data", "eth:ip:udp:sip");
    }

    @Test
    void decodeAsOverridesBindingsAndHeuristics() {
        final Recorder r = run(List.of(new Echo("sip", "INVITE", Set.of()), new Echo("rtp", "zzz", Set.of())),
            List.of(DecodeAs.parse("udp.port=5070:rtp")),
            udpFrame(A4, 5070, B4, 9, "INVITE but forced", SEC));
        assertThat(r.texts()).containsExactly("rtp:INVITE but forced");
    }

    @Test
    void aThrowingDissectorBecomesAnAnomalyAndTheRunGoesOn() {
        final Dissector bomb = new Echo("bomb", "X", Set.of()) {
            @Override
            public DissectorSession open(final ConversationContext c) {
                return new DissectorSession() {
                    @Override
                    public void onDatagram(final Payload p, final PacketContext ctx, final EventSink out) {
                        p.u32(1000); // out of bounds
                    }
                };
            }
        };
        final Dissector badAccept = new Echo("aaa", "Y", Set.of()) {
            @Override
            public Confidence accept(final Payload p, final PacketContext ctx) {
                throw new IllegalStateException("broken heuristic");
            }
        };
        final Recorder r = run(List.of(bomb, badAccept), List.of(),
            udpFrame(A4, 1, B4, 2, "X1", SEC), udpFrame(A4, 1, B4, 2, "X2", SEC));
        assertThat(r.anomalies).extracting(Anomaly::code)
            .containsExactly("aaa.dissector_bug", "bomb.dissector_bug", "bomb.dissector_bug");
        assertThat(r.anomalies).allMatch(a -> a.severity() == Severity.ERROR);
        assertThat(r.conversations).hasSize(1);
    }

    @Test
    void violationsBeforeConfirmationDropTheDissector() {
        final Dissector grumpy = new Echo("grumpy", "G", Set.of()) {
            @Override
            public DissectorSession open(final ConversationContext c) {
                return new DissectorSession() {
                    @Override
                    public void onDatagram(final Payload p, final PacketContext ctx, final EventSink out) {
                        out.anomaly(new Anomaly("grumpy.bad", Severity.WARN, ctx.frame(), 0, "bad"));
                    }
                };
            }
        };
        final RawFrame[] frames = new RawFrame[8];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = udpFrame(A4, 1, B4, 2, "G" + i, SEC + i);
        }
        final Recorder r = run(List.of(grumpy), List.of(), frames);
        assertThat(r.anomalies).extracting(Anomaly::code).containsSubsequence("grumpy.bad", "grumpy.disabled");
        assertThat(r.anomalies).filteredOn(a -> a.code().equals("grumpy.bad")).hasSize(5);
        assertThat(r.paths.get(7)).isEqualTo("eth:ip:udp:data");
    }

    @Test
    void expectedConversationsGoToTheAnnouncedDissectorWithoutHeuristics() {
        final Dissector signalling = new Echo("sig", "CALL", Set.of(Binding.udpPort(5060))) {
            @Override
            public DissectorSession open(final ConversationContext c) {
                return new DissectorSession() {
                    @Override
                    public void onDatagram(final Payload p, final PacketContext ctx, final EventSink out) {
                        c.expect(Transport.UDP, new Endpoint(new byte[] {10, 0, 0, 2}, 40000), "media", ctx.frame());
                    }
                };
            }
        };
        final Dissector media = new Echo("media", "never-matches", Set.of());
        final Recorder r = run(List.of(signalling, media), List.of(),
            udpFrame(A4, 5060, B4, 5060, "CALL", SEC),
            udpFrame(A4, 30000, B4, 40000, "voice", 2 * SEC));
        assertThat(r.texts()).containsExactly("media:voice");
    }

    @Test
    void contentTypeHandOffReachesTheBoundDissector() {
        final Dissector outer = new Echo("outer", "MSG", Set.of()) {
            @Override
            public DissectorSession open(final ConversationContext c) {
                return new DissectorSession() {
                    @Override
                    public void onDatagram(final Payload p, final PacketContext ctx, final EventSink out) {
                        assertThat(c.handOff("application/x-inner; v=1", p.slice(3, p.length() - 3), ctx, out)).isTrue();
                        assertThat(c.handOff("text/none", p, ctx, out)).isFalse();
                    }
                };
            }
        };
        final Dissector inner = new Echo("inner", "\u0000", Set.of(Binding.contentType("application/x-inner")));
        final Recorder r = run(List.of(outer, inner), List.of(), udpFrame(A4, 1, B4, 2, "MSGbody", SEC));
        assertThat(r.texts()).containsExactly("inner:body");
    }

    @Test
    void tcpStreamsAreReassembledAndFramedAcrossSegmentsInBothDirections() {
        final Recorder r = run(List.of(new Framed()), List.of(),
            tcpFrame(true, 99, 0x02, "", SEC),                 // SYN
            tcpFrame(false, 499, 0x12, "", SEC),               // SYN-ACK
            tcpFrame(true, 100, 0x18, "05:hel", SEC + 1),       // first half
            tcpFrame(true, 106, 0x18, "lo03:abc", SEC + 2),     // rest + a whole second message
            tcpFrame(true, 106, 0x18, "lo03:abc", SEC + 3),     // retransmission
            tcpFrame(false, 500, 0x18, "02:ok", SEC + 4),
            tcpFrame(true, 114, 0x11, "", SEC + 5),            // FIN
            tcpFrame(false, 505, 0x11, "", SEC + 6));
        assertThat(r.texts()).containsExactly("A_TO_B:hello", "A_TO_B:abc", "B_TO_A:ok");
        assertThat(r.tcp).containsExactly("A_TO_B SYN #0", "B_TO_A SYN-ACK #0", "A_TO_B FIN #0", "B_TO_A FIN #0");
        assertThat(r.conversations).singleElement().satisfies(c -> {
            assertThat(c.retransmissions()).isEqualTo(1);
            assertThat(c.packets()).isEqualTo(8);
            assertThat(c.tcpFlags() & 0x07).isEqualTo(0x03);
        });
    }

    @Test
    void outOfOrderSegmentsAreDeliveredInOrderAndGapsReachTheSession() {
        final Recorder r = run(List.of(new Framed()), List.of(),
            tcpFrame(true, 99, 0x02, "", SEC),
            tcpFrame(true, 106, 0x18, "ld", SEC + 2),          // arrives first
            tcpFrame(true, 100, 0x18, "05:wor", SEC + 3),
            tcpFrame(true, 200, 0x18, "02:zz", SEC + 4));       // after a hole of 92 bytes
        assertThat(r.texts()).containsExactly("A_TO_B:world", "gap:92", "A_TO_B:zz");
        assertThat(r.anomalies).extracting(Anomaly::code).contains("tcp.gap");
    }

    @Test
    void aNewSynAfterCloseStartsANewConversation() {
        final Recorder r = run(List.of(), List.of(),
            tcpFrame(true, 99, 0x02, "", SEC),
            tcpFrame(true, 100, 0x04, "", SEC + 1),            // RST
            tcpFrame(true, 999, 0x02, "", SEC + 2));           // new SYN on the same 5-tuple
        assertThat(r.conversations).extracting(ConversationRecord::endReason).containsExactly("reused", "end");
        assertThat(r.tcp).containsExactly("A_TO_B SYN #0", "A_TO_B RST #0", "A_TO_B SYN #1");
    }

    @Test
    void flowLimitEvictsTheLeastRecentlySeen() {
        final dev.callscope.core.Limits limits = new dev.callscope.core.Limits();
        limits.maxFlows = 2;
        final Recorder r = new Recorder();
        final Engine e = new Engine(DissectorRegistry.of(List.of()), new EngineOptions(limits, List.of()), List.of(r));
        e.process(udpFrame(A4, 1, B4, 1, "a", SEC));
        e.process(udpFrame(A4, 2, B4, 2, "b", SEC + 1));
        e.process(udpFrame(A4, 1, B4, 1, "a again", SEC + 2));
        e.process(udpFrame(A4, 3, B4, 3, "c", SEC + 3));   // evicts port 2, the least recently seen
        e.finish();
        assertThat(r.conversations.get(0).key().portA()).isEqualTo(2);
        assertThat(r.conversations.get(0).endReason()).isEqualTo("evicted");
        assertThat(r.anomalies).extracting(Anomaly::code).containsExactly("flow.evicted");
    }

    @Test
    void anInterruptedThreadStopsTheRun() throws Exception {
        final Recorder r = new Recorder();
        // on one thread the interrupt is looked at every 4096 frames (DecodeAheadTest covers two threads)
        final Engine e = new Engine(DissectorRegistry.of(List.of()), EngineOptions.defaults().withDecodeAhead(false), List.of(r));
        final RawFrame f = udpFrame(A4, 1, B4, 2, "x", SEC);
        final dev.callscope.core.PacketSource endless = new dev.callscope.core.PacketSource() {
            @Override
            public boolean next(final RawFrame frame) {
                frame.copyFrom(f);
                return true;
            }

            @Override
            public String describe() {
                return "endless";
            }

            @Override
            public void close() {
            }
        };
        Thread.currentThread().interrupt();
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> e.run(endless))
                .isInstanceOf(java.util.concurrent.CancellationException.class);
        } finally {
            Thread.interrupted();
        }
        assertThat(e.frames()).isEqualTo(4096);
        assertThat(r.ended).as("conversations still reported").isTrue();
    }

    @Test
    void idleConversationsAreClosedInPacketTime() {
        final dev.callscope.core.Limits limits = new dev.callscope.core.Limits();
        limits.udpFlowIdleTimeoutNanos = 10 * SEC;
        final Recorder r = new Recorder();
        final Engine e = new Engine(DissectorRegistry.of(List.of()), new EngineOptions(limits, List.of()), List.of(r));
        e.process(udpFrame(A4, 1, B4, 1, "old", SEC));
        for (int i = 0; i < 1024; i++) {
            e.process(udpFrame(A4, 2, B4, 2, "new", 100 * SEC + i));
        }
        assertThat(r.conversations).extracting(ConversationRecord::endReason).containsExactly("idle");
        e.finish();
        assertThat(r.conversations).hasSize(2);
    }

    @Test
    void udpConversationsIdleOutBeforeConnections() {
        final dev.callscope.core.Limits limits = new dev.callscope.core.Limits();
        limits.flowIdleTimeoutNanos = 100 * SEC;
        limits.udpFlowIdleTimeoutNanos = 10 * SEC;
        final Recorder r = new Recorder();
        final Engine e = new Engine(DissectorRegistry.of(List.of()), new EngineOptions(limits, List.of()), List.of(r));
        e.process(tcpFrame(true, 99, 0x02, "", SEC));                 // a connection, seen first
        e.process(udpFrame(A4, 1, B4, 1, "old", 2 * SEC));            // a datagram conversation
        for (int i = 0; i < 1024; i++) {                                // 48 s on: past the UDP time only
            e.process(udpFrame(A4, 2, B4, 2, "new", 50 * SEC + i));
        }
        assertThat(r.conversations).extracting(c -> c.key().transportName() + " " + c.endReason()).containsExactly("udp idle");
        for (int i = 0; i < 1024; i++) {                                // 199 s on: past both
            e.process(udpFrame(A4, 3, B4, 3, "newer", 200 * SEC + i));
        }
        assertThat(r.conversations).extracting(c -> c.key().transportName() + " " + c.endReason())
            .containsExactly("udp idle", "tcp idle", "udp idle");
        e.finish();
        assertThat(r.conversations).hasSize(4);
    }

    @Test
    void theFlowLimitClosesTheLeastRecentlySeenOfEitherKind() {
        final dev.callscope.core.Limits limits = new dev.callscope.core.Limits();
        limits.maxFlows = 2;
        final Recorder r = new Recorder();
        final Engine e = new Engine(DissectorRegistry.of(List.of()), new EngineOptions(limits, List.of()), List.of(r));
        e.process(udpFrame(A4, 1, B4, 1, "u", SEC));
        e.process(tcpFrame(true, 99, 0x02, "", 2 * SEC));
        e.process(udpFrame(A4, 1, B4, 1, "u again", 3 * SEC));        // the UDP one is now the newer
        e.process(udpFrame(A4, 2, B4, 2, "third", 4 * SEC));
        assertThat(r.conversations).extracting(c -> c.key().transportName() + " " + c.endReason()).containsExactly("tcp evicted");
        e.finish();
        assertThat(r.conversations).extracting(c -> c.key().transportName() + " " + c.startNanos() / SEC)
            .containsExactly("tcp 2", "udp 1", "udp 4");
    }
}
