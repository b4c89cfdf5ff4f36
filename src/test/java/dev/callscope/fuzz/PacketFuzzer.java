package dev.callscope.fuzz;

import dev.callscope.core.LinkType;
import dev.callscope.dissect.DecodeAs;
import dev.callscope.dissect.Transport;
import dev.callscope.fuzz.PacketCase.Kind;
import dev.callscope.fuzz.PacketCase.Step;
import dev.callscope.fuzz.SeedCorpus.Flow;
import dev.callscope.fuzz.SeedCorpus.Message;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Makes packet-level cases for one dissector from its seed conversations: a window of a seed's
 * messages, some mutated ({@link Mutator}), now and then whole frames mutated (headers included),
 * TCP streams with or without their handshake, re-segmented, with sequence numbers consistent or
 * not (retransmissions, overlaps, gaps, wild values, reordering), odd packet times, and a second
 * conversation interleaved. How the conversation reaches the dissector varies: its own port
 * binding or heuristic, a {@code --decode-as} rule, or (RTP, RTCP) SIP signalling whose SDP
 * announces it. Everything is drawn from the case seed.
 */
final class PacketFuzzer {
    private static final long FRAME_GAP = 20_000_000L;
    private static final long[] ODD_GAPS = {0, 1, -5_000_000_000L, 61_000_000_000L, 700_000_000_000L, 3_700_000_000_000L};
    private static final String[] TEXT = {"sip", "sdp", "websocket"};

    private final SeedCorpus corpus;
    private final List<Flow> everything = new ArrayList<>();

    PacketFuzzer(final SeedCorpus corpus) {
        this.corpus = corpus;
        for (final String p : corpus.protocols()) {
            everything.addAll(corpus.flows(p));
        }
    }

    /** Whether {@code target} has seeds. */
    boolean covers(final String target) {
        return !corpus.flows(target).isEmpty();
    }

    /** A case of at most about {@code maxSteps} frames. */
    PacketCase next(final String target, final long caseSeed, final int maxSteps) {
        final SplittableRandom r = new SplittableRandom(caseSeed);
        final List<Flow> flows = corpus.flows(target);
        final Flow flow = flows.get(r.nextInt(flows.size()));
        final int link = switch (r.nextInt(10)) {
            case 0 -> LinkType.LINUX_SLL;
            case 1 -> LinkType.RAW;
            case 2 -> LinkType.NULL;
            default -> LinkType.ETHERNET;
        };
        final boolean vlan = link == LinkType.ETHERNET && r.nextInt(5) == 0;
        int config = r.nextInt(2) | (r.nextBoolean() ? Pipeline.EXACT : 0);
        final List<DecodeAs> rules = new ArrayList<>();
        final List<Step> steps = new ArrayList<>();
        final int dispatch = r.nextInt(10);
        final boolean rawSdp = "sdp".equals(target) && r.nextInt(3) == 0;
        if (rawSdp) {
            // SDP bodies alone, as datagrams the SDP dissector is told to take
            final Flow bodies = sdpBodies(flow);
            rules.add(new DecodeAs(Transport.UDP, bodies.serverPort(), "sdp"));
            steps.addAll(conversation(target, bodies, r, maxSteps));
        } else {
            if (dispatch < 4 && !"sdp".equals(target)) {
                rules.add(new DecodeAs(flow.tcp() ? Transport.TCP : Transport.UDP, flow.serverPort(), target));
            } else if (("rtp".equals(target) || "rtcp".equals(target)) && !flow.tcp()) {
                if (dispatch < 7) {
                    steps.addAll(signalling(flow, "rtcp".equals(target)));
                } else {
                    config |= 2; // the registry with the RTP heuristic on
                }
            }
            steps.addAll(conversation(target, flow, r, maxSteps));
            if (r.nextInt(10) == 0) {
                final Flow second = flows.get(r.nextInt(flows.size()));
                if (second != flow) {
                    interleave(steps, conversation(target, second, r, maxSteps / 2), r);
                }
            }
        }
        return new PacketCase(target, caseSeed, rules, link, vlan, config, steps);
    }

    /** Steps of one conversation of the target. */
    private List<Step> conversation(final String target, final Flow flow, final SplittableRandom r, final int maxSteps) {
        final List<Message> msgs = flow.messages();
        final List<Step> steps = new ArrayList<>();
        final boolean consistent = !flow.tcp() || r.nextInt(20) < 13;
        if (flow.tcp() && r.nextInt(4) != 0) {
            steps.add(control(flow, true, PacketCase.TCP_SYN));
            steps.add(control(flow, false, PacketCase.TCP_SYN | PacketCase.TCP_ACK));
            steps.add(control(flow, true, PacketCase.TCP_ACK));
        }
        final int start = r.nextInt(4) == 0 ? r.nextInt(msgs.size()) : 0;
        final int count = Math.max(Math.min(4, msgs.size()), 1 + r.nextInt(Math.max(1, maxSteps)));
        final int clean = r.nextInt(2) == 0 ? 1 + r.nextInt(2) : 0;
        final double rate = new double[] {0.3, 0.6, 0.9, 1.0}[r.nextInt(4)];
        final boolean text = List.of(TEXT).contains(target);
        for (int i = 0; i < count; i++) {
            final Message m = msgs.get((start + i) % msgs.size());
            final boolean mutate = i >= clean && r.nextDouble() < rate;
            final long gap = r.nextInt(30) == 0 ? ODD_GAPS[r.nextInt(ODD_GAPS.length)] : FRAME_GAP;
            if (m.frame() != null && r.nextInt(10) == 0) {
                byte[] f = m.frame().clone();
                if (mutate) {
                    if (r.nextInt(3) == 0) {
                        f = Mutator.mutate(f, 0, f.length, r, other(r).frame(), false);
                    } else if (m.payloadOffset() >= 0 && r.nextBoolean()) {
                        Mutator.mutateInPlace(f, m.payloadOffset(), f.length, r);
                    } else {
                        Mutator.mutateInPlace(f, 0, f.length, r);
                    }
                }
                steps.add(new Step(flow, Kind.FRAME, m.fromClient(), f, m.linkType(), 0, 0, gap, mutate));
                continue;
            }
            byte[] p = m.payload();
            if (mutate) {
                p = mutatePayload(target, p, r, text);
            }
            long seqDelta = 0;
            if (!consistent && r.nextInt(3) == 0) {
                seqDelta = switch (r.nextInt(6)) {
                    case 0 -> -p.length; // a retransmission (of what the seed sent there)
                    case 1 -> -1 - r.nextInt(Math.max(1, p.length)); // an overlap
                    case 2 -> 1 + r.nextInt(3_000); // bytes lost before it
                    case 3 -> r.nextLong(1L << 32); // anywhere
                    case 4 -> 1L << 31; // half the sequence space away
                    default -> -(1 + r.nextInt(100_000));
                };
            }
            if (flow.tcp() && p.length > 1 && r.nextInt(7) == 0) {
                // re-segmented: the same bytes in several segments
                final int parts = 2 + r.nextInt(3);
                int at = 0;
                for (int k = 0; k < parts && at < p.length; k++) {
                    final int end = k == parts - 1 ? p.length : Math.min(p.length, at + 1 + r.nextInt(p.length - at));
                    steps.add(new Step(flow, Kind.PAYLOAD, m.fromClient(), java.util.Arrays.copyOfRange(p, at, end), 0, 0,
                        k == 0 ? seqDelta : 0, k == 0 ? gap : 0, mutate));
                    at = end;
                }
                continue;
            }
            steps.add(new Step(flow, Kind.PAYLOAD, m.fromClient(), p, 0, 0, seqDelta, gap, mutate));
        }
        if (!consistent) {
            for (int i = 0; i + 1 < steps.size(); i++) {
                if (r.nextInt(10) == 0) {
                    final Step t = steps.get(i);
                    steps.set(i, steps.get(i + 1));
                    steps.set(i + 1, t);
                } else if (r.nextInt(20) == 0) {
                    steps.add(i, steps.get(i));
                    i++;
                }
            }
        }
        if (flow.tcp()) {
            final int end = r.nextInt(10);
            if (end < 3) {
                steps.add(control(flow, true, PacketCase.TCP_FIN | PacketCase.TCP_ACK));
                steps.add(control(flow, false, PacketCase.TCP_FIN | PacketCase.TCP_ACK));
            } else if (end == 3) {
                steps.add(control(flow, r.nextBoolean(), PacketCase.TCP_RST));
            }
        }
        return steps;
    }

    private byte[] mutatePayload(final String target, final byte[] p, final SplittableRandom r, final boolean text) {
        int from = 0;
        if ("sdp".equals(target)) {
            final int body = SeedCorpus.sdpBody(p);
            if (body >= 0 && r.nextInt(10) != 0) {
                from = body;
            }
        }
        final byte[] other = r.nextInt(5) == 0 ? other(r).payload() : sameProtocol(target, r);
        byte[] out = Mutator.mutate(p, from, p.length, r, other, text && r.nextInt(4) != 0);
        if (from > 0 && r.nextBoolean()) {
            out = fixContentLength(out, from);
        }
        return out;
    }

    private byte[] sameProtocol(final String target, final SplittableRandom r) {
        final List<Flow> flows = corpus.flows(target);
        final List<Message> m = flows.get(r.nextInt(flows.size())).messages();
        return m.get(r.nextInt(m.size())).payload();
    }

    private Message other(final SplittableRandom r) {
        final Flow f = everything.get(r.nextInt(everything.size()));
        final Message m = f.messages().get(r.nextInt(f.messages().size()));
        return m.frame() != null ? m : new Message(m.fromClient(), m.payload(), m.payload(), 0, 0);
    }

    private static Step control(final Flow flow, final boolean fromClient, final int flags) {
        return new Step(flow, Kind.PAYLOAD, fromClient, new byte[0], 0, flags, 0, FRAME_GAP, false);
    }

    private static void interleave(final List<Step> into, final List<Step> other, final SplittableRandom r) {
        int at = 0;
        for (final Step s : other) {
            at = Math.min(into.size(), at + r.nextInt(3));
            into.add(at++, s);
        }
    }

    /** SIP over UDP whose INVITE and 200 announce the RTP (or RTCP, one port below) endpoints of {@code media}. */
    private static List<Step> signalling(final Flow media, final boolean rtcp) {
        final int shift = rtcp ? 1 : 0;
        final Flow sip = new Flow("sip", "synthetic", false, media.ipVersion(), media.client(), media.server(), 5060, 5060,
            0, 0, List.of());
        final String a = address(media.client());
        final String b = address(media.server());
        final String ip = media.ipVersion() == 6 ? "IP6" : "IP4";
        final String callId = "fuzz-" + media.clientPort() + "-" + media.serverPort();
        final String invite = sdpMessage("INVITE sip:b@" + b + " SIP/2.0", "INVITE", callId, a, b, ip,
            media.clientPort() - shift);
        final String ok = sdpMessage("SIP/2.0 200 OK", "INVITE", callId, a, b, ip, media.serverPort() - shift);
        return List.of(
            new Step(sip, Kind.PAYLOAD, true, invite.getBytes(StandardCharsets.US_ASCII), 0, 0, 0, FRAME_GAP, false),
            new Step(sip, Kind.PAYLOAD, false, ok.getBytes(StandardCharsets.US_ASCII), 0, 0, 0, FRAME_GAP, false));
    }

    private static String sdpMessage(final String first, final String method, final String callId, final String a,
                                     final String b, final String ip, final int port) {
        final boolean answer = first.startsWith("SIP/");
        final String host = answer ? b : a;
        final String sdp = "v=0\r\no=- 1 1 IN " + ip + " " + host + "\r\ns=-\r\nc=IN " + ip + " " + host + "\r\nt=0 0\r\n"
            + "m=audio " + port + " RTP/AVP 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n";
        return first + "\r\nVia: SIP/2.0/UDP " + bracket(a) + ":5060;branch=z9hG4bK-fuzz\r\nFrom: <sip:a@" + bracket(a)
            + ">;tag=1\r\nTo: <sip:b@" + bracket(b) + ">" + (answer ? ";tag=2" : "") + "\r\nCall-ID: " + callId
            + "\r\nCSeq: 1 " + method + "\r\nContact: <sip:" + bracket(host) + ">\r\nContent-Type: application/sdp\r\n"
            + "Content-Length: " + sdp.length() + "\r\n\r\n" + sdp;
    }

    private static String bracket(final String address) {
        return address.indexOf(':') >= 0 ? "[" + address + "]" : address;
    }

    private static String address(final byte[] a) {
        try {
            return java.net.InetAddress.getByAddress(a).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The SDP bodies of a SIP seed conversation, as a UDP conversation of their own. */
    private static Flow sdpBodies(final Flow sip) {
        final List<Message> bodies = new ArrayList<>();
        for (final Message m : sip.messages()) {
            final int at = SeedCorpus.sdpBody(m.payload());
            if (at >= 0) {
                bodies.add(new Message(m.fromClient(), java.util.Arrays.copyOfRange(m.payload(), at, m.payload().length),
                    null, 0, -1));
            }
        }
        return new Flow("sdp", sip.source(), false, sip.ipVersion(), sip.client(), sip.server(), sip.clientPort(), 9,
            0, 0, bodies);
    }

    /** Rewrites the Content-Length (or "l:") header of a SIP message to the length of its body at {@code body}. */
    static byte[] fixContentLength(final byte[] msg, final int bodyGuess) {
        final String head = new String(msg, 0, Math.min(msg.length, bodyGuess), StandardCharsets.ISO_8859_1);
        final int end = head.indexOf("\r\n\r\n");
        if (end < 0) {
            return msg;
        }
        final String lower = head.toLowerCase(Locale.ROOT);
        int at = lower.indexOf("\r\ncontent-length:");
        int skip = 17;
        if (at < 0) {
            at = lower.indexOf("\r\nl:");
            skip = 4;
        }
        if (at < 0 || at > end) {
            return msg;
        }
        int valueEnd = head.indexOf("\r\n", at + 2);
        if (valueEnd < 0) {
            return msg;
        }
        final int body = msg.length - (end + 4);
        return Mutator.replace(msg, at + skip, valueEnd, (" " + body).getBytes(StandardCharsets.US_ASCII));
    }
}
