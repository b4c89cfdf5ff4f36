package dev.callscope.flow.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callscope.cli.Main;
import dev.callscope.testutil.SharedCaptures;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * How calls are joined with their media and with each other, and the numbers that depend on it,
 * checked against what tshark 4.0 shows in the shared captures (the frame numbers, times and
 * counts in the comments come from the tshark commands quoted there):
 *
 * <ol type="a">
 * <li>an RTP stream belongs to the call whose SDP announced its address while the stream ran, not
 * to every call that ever used that address;</li>
 * <li>{@code linked_calls} and {@code ladder --extended} link calls through shared media only
 * when that media overlaps them in time (X-Call-ID/X-CID/Session-ID links stay as they are);</li>
 * <li>a call still up at the end of the capture lasts until its last packet, SIP or media;</li>
 * <li>{@code last_final_response} is the final response that decided the dialog: the 2xx of an
 * answered INVITE (not the 401/407 challenge before it, not 0), the last final response to the
 * INVITE of an unanswered one, and the last final response of any other dialog;</li>
 * <li>media one way only (one direction under 5 % of the other's packets) is "one-way audio" and
 * fails verify's {@code media.both_ways}.</li>
 * </ol>
 */
class CallJoinsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Call states in which the call has ended (a BYE or a final response closed it). */
    private static final Set<String> ENDED = Set.of("COMPLETED", "CANCELLED", "REJECTED", "BUSY", "FAILED", "DIVERTED");

    @TempDir
    Path tmp;

    // ------------------------------------------------------------------ helpers

    private record Run(int code, String out, String err) {
    }

    private static Run run(final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    /** {@code calls --json} on a shared capture (skips when absent). */
    private static JsonNode calls(final String shared) throws IOException {
        return callsOf(SharedCaptures.file(shared).toString());
    }

    /** {@code calls --json} on any path. */
    private static JsonNode callsOf(final String path) throws IOException {
        final Run r = run("calls", "--json", path);
        assertThat(r.code()).as(r.err()).isZero();
        return JSON.readTree(r.out());
    }

    /** The call with this 1-based index. */
    private static JsonNode call(final JsonNode root, final int index) {
        for (final JsonNode c : root.get("calls")) {
            if (c.get("index").asInt() == index) {
                return c;
            }
        }
        throw new AssertionError("no call " + index);
    }

    /** A call's streams as "SSRC src->dst" to packet count. */
    private static Map<String, Integer> streams(final JsonNode call) {
        final Map<String, Integer> m = new LinkedHashMap<>();
        call.get("streams").forEach(s -> m.put(s.get("ssrc").asText() + " " + s.get("src").asText() + "->" + s.get("dst").asText(),
            s.get("packets").asInt()));
        return m;
    }

    private static List<String> linked(final JsonNode call) {
        final List<String> l = new ArrayList<>();
        call.get("linked_calls").forEach(x -> l.add(x.asText()));
        return l;
    }

    private static List<Integer> lastFinalResponses(final JsonNode root) {
        final List<Integer> l = new ArrayList<>();
        root.get("calls").forEach(c -> l.add(c.get("last_final_response").asInt()));
        return l;
    }

    private static double durationS(final JsonNode call) {
        final JsonNode d = call.get("timings").get("duration_s");
        assertThat(d.isNull()).as("duration_s of call %s is null", call.get("index")).isFalse();
        return d.asDouble();
    }

    /** Titles of {@code ladder --extended --json} ladders, each as its "Call N" numbers. */
    private static List<List<Integer>> extendedLadders(final String path, final String... more) throws IOException {
        final List<String> args = new ArrayList<>(List.of("ladder", "--extended", "--json"));
        args.addAll(List.of(more));
        args.add(path);
        final Run r = run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isZero();
        final List<List<Integer>> out = new ArrayList<>();
        for (final JsonNode l : JSON.readTree(r.out()).get("ladders")) {
            final List<Integer> calls = new ArrayList<>();
            for (final String line : l.get("title").asText().split("\n")) {
                if (line.startsWith("Call ")) {
                    calls.add(Integer.parseInt(line.substring(5, line.indexOf(' ', 5))));
                }
            }
            out.add(calls);
        }
        return out;
    }

    // ------------------------------------------------------------------ (a) a stream belongs to the call that announced it

    /**
     * sngrep__aaa.pcap: one RTP stream, SSRC 0x3796CB71, 192.168.1.2:30000 -> 212.242.33.36:40392, 9
     * packets, frames 624-632, 09:56:25.348411-09:56:25.511036 (RTCP from :30001 in frame 633).
     * {@code tshark -r sip/sngrep__aaa.pcap -q -z rtp,streams} and {@code tshark -r F -Y sip -T fields
     * -e frame.number -e frame.time_epoch -e sip.Call-ID -e sip.Method -e sip.Status-Code
     * -e sdp.connection_info.address -e sdp.media.port}: the phone offers 192.168.1.2:30000 in every
     * INVITE, but
     * <ul>
     * <li>call 2 (105090259-446faf7a@192.168.1.2): INVITE frame 223 at 09:40:49, ended by 408 to the
     * INVITE in frame 252 (09:41:25.96) and 408 to the CANCEL in frame 274 (09:41:56.28);</li>
     * <li>call 3 (85216695-42dcdb1d@192.168.1.2): INVITEs 321/346, ended by 403 in frame 348 (09:44:28.13);</li>
     * <li>call 5 (24487391-449bf2a0@192.168.1.2): INVITEs 548/578, ended by 403 in frame 581 (09:55:00.06);</li>
     * <li>call 6 (11894297-4432a9f8@192.168.1.2): INVITEs 602/617 (09:56:23.86), 183 in frame 620
     * announcing the far end 212.242.33.36:40392 (the stream's destination), 480 in frame 621
     * (09:56:24.33); the stream starts 1.0 s later. Only call 6 announced the stream.</li>
     * </ul>
     * Today the stream is in calls 2, 3, 5 and 6.
     */
    @Test
    void aStreamBelongsOnlyToTheCallThatAnnouncedIt() throws IOException {
        final JsonNode root = calls("sip/sngrep__aaa.pcap");
        assertThat(root.get("total_calls").asInt()).isEqualTo(6);
        assertThat(call(root, 6).get("call_id").asText()).isEqualTo("11894297-4432a9f8@192.168.1.2");
        assertThat(streams(call(root, 6))).isEqualTo(Map.of("0x3796CB71 192.168.1.2:30000->212.242.33.36:40392", 9));
        for (final int i : new int[] {1, 2, 3, 4, 5}) {
            assertThat(streams(call(root, i))).as("streams of call %d", i).isEmpty();
        }
    }

    /**
     * sipnab__sip-rtp-g711.pcap: two SIPp calls, both offering 10.0.2.20:6000 (recvonly).
     * {@code tshark -r F -q -z rtp,streams}: 0x343DA99B 10.0.2.15:27942 -> 10.0.2.20:6000, 425 packets,
     * frames 6-430, 14:52:59.689083-14:53:08.169060; 0x343FFA34 10.0.2.15:28102 -> 10.0.2.20:6000,
     * 414 packets, frames 439-852, 14:53:08.309171-14:53:16.569179. Call 1 (1-1966@10.0.2.20) ends
     * with BYE frame 432 (14:53:08.170086); call 2 (1-1968@10.0.2.20) offers :6000 again in frame 434
     * (14:53:08.286194). Each call has its own stream (true today too).
     */
    @Test
    void aReusedPortGivesEachCallItsOwnStream() throws IOException {
        final JsonNode root = calls("sip/sipnab__sip-rtp-g711.pcap");
        assertThat(streams(call(root, 1))).isEqualTo(Map.of("0x343DA99B 10.0.2.15:27942->10.0.2.20:6000", 425));
        assertThat(streams(call(root, 2))).isEqualTo(Map.of("0x343FFA34 10.0.2.15:28102->10.0.2.20:6000", 414));
    }

    /**
     * sipnab__b2bua-asterisk.pcapng: Asterisk bridges call 6 (A leg, M2Q0...) and call 7 (B leg,
     * 37686afc...) and then re-INVITEs both legs to direct media (frame 35: B leg offered
     * 172.16.98.1:8000, 200 in frame 41 with 172.16.98.145:8000; frame 37: A leg offered
     * 172.16.98.145:8000, 200 in frame 38 with 172.16.98.1:8000; 18:23:22.99-18:23:23.02). Both legs
     * are up until the BYEs in frames 404 (18:23:30.609) and 409 (18:23:30.850).
     * {@code tshark -r F -Y rtp -T fields -e frame.number -e frame.time_epoch -e rtp.ssrc}: 0x44830D58
     * 172.16.98.1:8000 -> 172.16.98.145:8000, 1 packet (frame 40, 18:23:23.138126); 0x6AB21E82
     * 172.16.98.145:8000 -> 172.16.98.1:8000, 355 packets (frames 49-403, 18:23:23.470139-18:23:30.587776).
     * Both legs announced both ends while the streams ran: both keep both streams (true today).
     */
    @Test
    void bothB2buaLegsKeepTheMediaTheyShare() throws IOException {
        final JsonNode root = calls("sip/sipnab__b2bua-asterisk.pcapng");
        final Map<String, Integer> both = Map.of(
            "0x44830D58 172.16.98.1:8000->172.16.98.145:8000", 1,
            "0x6AB21E82 172.16.98.145:8000->172.16.98.1:8000", 355);
        assertThat(streams(call(root, 6))).isEqualTo(both);
        assertThat(streams(call(root, 7))).isEqualTo(both);
    }

    // ------------------------------------------------------------------ (b) links through media only when it overlaps in time

    /**
     * sngrep__aaa.pcap: calls 2, 3, 5 and 6 all offer 192.168.1.2:30000 (the phone's fixed RTP port),
     * but one after the other: call 2 ended (frame 274, 09:41:56) before call 3's INVITE (frame 321,
     * 09:43:53), call 3 (frame 348, 09:44:28) before call 5's (frame 548, 09:54:08), call 5 (frame
     * 581, 09:55:00) before call 6's (frame 602, 09:56:06). No X-Call-ID/X-CID/Session-ID header.
     * Today 2 is linked with 3, 5 and 6: three false links.
     */
    @Test
    void noLinkBetweenConsecutiveCallsOfAPhoneThatReusesItsPort() throws IOException {
        final JsonNode root = calls("sip/sngrep__aaa.pcap");
        for (int i = 1; i <= 6; i++) {
            assertThat(linked(call(root, i))).as("linked_calls of call %d", i).isEmpty();
        }
    }

    /**
     * sipnab__sip-rtp-g711.pcap: call 1 (1-1966@10.0.2.20) ended with BYE/200 in frames 432/433
     * (14:53:08.170676) before call 2 (1-1968@10.0.2.20) offered the same 10.0.2.20:6000 in frame 434
     * (14:53:08.286194). Today they are linked; {@code ladder --extended} draws them as one.
     */
    @Test
    void noLinkBetweenASipRtpG711CallAndTheNextOne() throws IOException {
        final String f = SharedCaptures.file("sip/sipnab__sip-rtp-g711.pcap").toString();
        final JsonNode root = callsOf(f);
        assertThat(linked(call(root, 1))).isEmpty();
        assertThat(linked(call(root, 2))).isEmpty();
        assertThat(extendedLadders(f)).containsExactly(List.of(1), List.of(2));
    }

    /**
     * samples/sip-tcp.pcap (the project's own): two consecutive SIPp calls offering 127.0.0.11:6000
     * and answering 127.0.0.12:7000. {@code tshark -r samples/sip-tcp.pcap -Y sip ...}: call 1
     * (1-27807@127.0.0.11) BYE/200 frames 14/16 (+1.411 s from its INVITE), call 2 (2-27807@127.0.0.11)
     * INVITE frame 18, 0.588 s after call 1's 200 to BYE. Today linked.
     */
    @Test
    void noLinkBetweenTheTwoCallsOfTheTcpSample() throws IOException {
        final JsonNode root = callsOf("samples/sip-tcp.pcap");
        assertThat(linked(call(root, 1))).isEmpty();
        assertThat(linked(call(root, 2))).isEmpty();
        assertThat(extendedLadders("samples/sip-tcp.pcap")).containsExactly(List.of(1), List.of(2));
    }

    /**
     * sipnab__sipp-branch-scenario.pcapng: every one of the 1334 Call-IDs offers 127.0.1.1:6001 in
     * its INVITE (and 102 answer 127.0.1.1:6000). Call 1 (1-4461@127.0.1.1) is over by frame 7
     * (403 to the INVITE in frame 5 at +0.0039 s, BYE/200 frames 6/7 at +0.0040 s) before call 2
     * offers :6001 in frame 10 (+0.102 s). Today call 1 is linked with all 1333 other calls.
     */
    @Test
    void theFirstSippCallIsLinkedWithNoLaterCall() throws IOException {
        final JsonNode root = calls("sip/sipnab__sipp-branch-scenario.pcapng");
        assertThat(call(root, 1).get("call_id").asText()).isEqualTo("1-4461@127.0.1.1");
        assertThat(linked(call(root, 1))).isEmpty();
    }

    /**
     * Real legs stay linked:
     * <ul>
     * <li>sipnab__b2bua-asterisk.pcapng calls 6 and 7 (no X- header; media shared while both were up,
     * see {@link #bothB2buaLegsKeepTheMediaTheyShare});</li>
     * <li>heplify__erspan_sip_ipv4_udp.pcapng call 5 (bf3880-...@101.231.48.19, frames 53-127,
     * +24.28 s to +31.54 s) and call 6 (cdfef7c7...@192.168.1.191, frames 65-138, +24.39 s to
     * +31.65 s): 192.168.1.191 bridges them and passes the SDP through, so both announce
     * 192.168.1.222:38764 (frames 63 and 65) and 192.168.1.222:12842 (frames 76 and 79) while both
     * are up;</li>
     * <li>heplify__sip_ipv4_tcp_fragmented.pcap: X-cid headers, e.g. call 1
     * (17c0b3b3-dfd2-42ac-9018-6156179021c0, frame 2) carries X-cid
     * 87069c00-b5015f81-ebcab-3d40000a@10.0.64.61 ({@code tshark -r F -d tcp.port==6060,sip -Y
     * sip.Method==INVITE -O sip}); 24 calls have such a link.</li>
     * </ul>
     */
    @Test
    void realLegsStayLinked() throws IOException {
        final JsonNode b2bua = calls("sip/sipnab__b2bua-asterisk.pcapng");
        assertThat(linked(call(b2bua, 6))).containsExactly("37686afc57ce24ac655742b3644a7bb8@172.16.98.101:5060");
        assertThat(linked(call(b2bua, 7))).containsExactly("M2Q0ZDc1ZGM1NzIyMTlhZTA3NDU3NTgzMzA5YmJmZWQ.");
        final String b2buaFile = SharedCaptures.file("sip/sipnab__b2bua-asterisk.pcapng").toString();
        assertThat(extendedLadders(b2buaFile, "--call=6")).containsExactly(List.of(6, 7));

        final String erspanFile = SharedCaptures.file("sip/heplify__erspan_sip_ipv4_udp.pcapng").toString();
        final JsonNode erspan = callsOf(erspanFile);
        assertThat(linked(call(erspan, 5))).containsExactly("cdfef7c7647e97e4ff66fbf504c524e4@192.168.1.191");
        assertThat(linked(call(erspan, 6))).containsExactly("bf3880-0-16e4-5af571fa-38bc4ba4-5af571fa@101.231.48.19");
        assertThat(extendedLadders(erspanFile, "--call=5")).containsExactly(List.of(5, 6));

        final JsonNode frag = calls("sip/heplify__sip_ipv4_tcp_fragmented.pcap");
        assertThat(linked(call(frag, 1))).containsExactly("87069c00-b5015f81-ebcab-3d40000a@10.0.64.61");
        int withLinks = 0;
        for (final JsonNode c : frag.get("calls")) {
            withLinks += c.get("linked_calls").isEmpty() ? 0 : 1;
        }
        assertThat(withLinks).isEqualTo(24);
    }

    /** sngrep__aaa.pcap: {@code ladder --extended --call=2} draws call 2 alone (today calls 2, 3, 5 and 6). */
    @Test
    void extendedLadderOfAnAaaCallDrawsItAlone() throws IOException {
        final String f = SharedCaptures.file("sip/sngrep__aaa.pcap").toString();
        assertThat(extendedLadders(f, "--call=2")).containsExactly(List.of(2));
        assertThat(extendedLadders(f, "--call=6")).containsExactly(List.of(6));
    }

    static Stream<String> sipCaptures() throws IOException {
        final List<String> out = new ArrayList<>();
        for (final String dir : List.of("sip", "mixed")) {
            try (Stream<Path> s = Files.list(SharedCaptures.dir().resolve(dir))) {
                s.map(p -> dir + "/" + p.getFileName()).sorted().forEach(out::add);
            }
        }
        return out.stream();
    }

    /**
     * Every capture under sip/ and mixed/: two calls of the capture that are linked were up at the
     * same time. A call is up from its first message to its last one when it has ended (BYE or final
     * response), to the end of the capture otherwise. (Links to Call-IDs not in the capture, by X-CID
     * and the like, are not checked.) Fails today for sngrep__aaa.pcap (3 pairs),
     * sipnab__sip-rtp-g711.pcap (1) and sipnab__sipp-branch-scenario.pcapng (1425).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("sipCaptures")
    void linkedCallsWereUpAtTheSameTime(final String name) throws IOException {
        final JsonNode root = calls(name);
        final Map<String, Instant[]> window = new HashMap<>();
        final Map<String, Integer> index = new HashMap<>();
        for (final JsonNode c : root.get("calls")) {
            Instant first = Instant.MAX;
            Instant last = Instant.MIN;
            for (final JsonNode m : c.get("messages")) {
                final Instant t = Instant.parse(m.get("ts").asText());
                first = t.isBefore(first) ? t : first;
                last = t.isAfter(last) ? t : last;
            }
            window.put(c.get("call_id").asText(), new Instant[] {first, ENDED.contains(c.get("state").asText()) ? last : Instant.MAX});
            index.put(c.get("call_id").asText(), c.get("index").asInt());
        }
        final Set<String> bad = new LinkedHashSet<>();
        for (final JsonNode c : root.get("calls")) {
            final Instant[] a = window.get(c.get("call_id").asText());
            for (final String other : linked(c)) {
                final Instant[] b = window.get(other);
                if (b != null && (a[1].isBefore(b[0]) || b[1].isBefore(a[0]))) {
                    final int x = c.get("index").asInt();
                    final int y = index.get(other);
                    bad.add(Math.min(x, y) + "-" + Math.max(x, y));
                }
            }
        }
        assertThat(bad.size()).as("%s: %d link(s) between calls that were never up together, e.g. %s", name, bad.size(),
            bad.stream().limit(20).toList()).isZero();
    }

    // ------------------------------------------------------------------ (c) a call up at the end lasts until its last packet

    /**
     * sipnab__SIP_DTMF2.cap call 5 (25672@192.168.105.110): answered by the 200 OK in frame 20 at
     * 12:03:19.657619 (epoch 1126267399.657619; frame 21 is the proxied copy 18 ms later), no BYE.
     * Its streams ({@code tshark -r F -q -z rtp,streams}; {@code tshark -r F -Y rtp -T fields
     * -e frame.number -e frame.time_epoch -e ip.src -e udp.srcport -e ip.dst -e udp.dstport -e rtp.ssrc}):
     * 0x9A7B5382 192.168.105.110:4374 -> 192.168.105.172:4376, 665 packets, 12:03:42.159542-12:04:02.140496
     * (last frame 1356); 0x5711BF84 192.168.105.172:4376 -> 192.168.105.110:4376, 666 packets,
     * 12:03:42.209598-12:04:02.160478 (last frame 1357, epoch 1126267442.160478). The RTP starts
     * 22.5 s after the answer and lasts 20 s. Duration = 1126267442.160478 - 1126267399.657619 =
     * 42.502859 s. Today 0.050517 s (to the last ACK, frame 23).
     */
    @Test
    void anUnendedCallLastsUntilItsLastRtpPacket() throws IOException {
        final JsonNode c = call(calls("sip/sipnab__SIP_DTMF2.cap"), 5);
        assertThat(c.get("call_id").asText()).isEqualTo("25672@192.168.105.110");
        assertThat(streams(c)).isEqualTo(Map.of(
            "0x9A7B5382 192.168.105.110:4374->192.168.105.172:4376", 665,
            "0x5711BF84 192.168.105.172:4376->192.168.105.110:4376", 666));
        assertThat(durationS(c)).isCloseTo(42.502859, within(0.001));
    }

    /**
     * sipnab__sip-rtp-g711.pcap call 2 (1-1968@10.0.2.20): 200 OK in frame 437 at epoch
     * 1480171988.290862, no BYE; its stream 0x343FFA34 ends with the capture, frame 852 at
     * 1480171996.569179. Duration = 8.278317 s; today 0.000065 s (200 to ACK). Call 1, which has a
     * BYE, keeps answer (frame 4, 1480171979.670743) to BYE (frame 432, 1480171988.170086) = 8.499343 s.
     */
    @Test
    void anUnendedSipRtpG711CallLastsUntilItsLastRtpPacket() throws IOException {
        final JsonNode root = calls("sip/sipnab__sip-rtp-g711.pcap");
        assertThat(durationS(call(root, 1))).isCloseTo(8.499343, within(0.001));
        assertThat(durationS(call(root, 2))).isCloseTo(8.278317, within(0.001));
    }

    // ------------------------------------------------------------------ (d) last_final_response decided the dialog

    /**
     * sngrep__aaa.pcap ({@code tshark -r F -Y sip -T fields -e frame.number -e sip.Call-ID
     * -e sip.Status-Code -e sip.CSeq.method}): 1 REGISTER, last final 401 (frame 454); 2 INVITE, 408
     * to the INVITE (frame 252; 408 to the CANCEL in 274); 3 INVITE, 407 (326) then 403 (348); 4
     * REGISTER, last final 200 (650); 5 INVITE, 407 (550) then 403 (581); 6 INVITE, 407 (603) then
     * 480 (621). No call answered, so today's values are right.
     */
    @Test
    void lastFinalResponsesOfAaa() throws IOException {
        assertThat(lastFinalResponses(calls("sip/sngrep__aaa.pcap"))).containsExactly(401, 408, 403, 200, 403, 480);
    }

    /**
     * sipnab__b2bua-asterisk.pcapng: 1, 2 REGISTER 401 then 200 (frames 4, 8); 3 PUBLISH 489 (12);
     * 4 SUBSCRIBE 401, 489 (16); 5 SUBSCRIBE 401, 404 (18); 6 INVITE 401 (frame 20) then 200 (frame
     * 34; today 401); 7 INVITE 200 (frame 32; today 0); 8 SUBSCRIBE 480 (31); 9 PUBLISH 489 (45); 10
     * SUBSCRIBE 401, 489 (48); 11 PUBLISH 489 (413); 12 SUBSCRIBE 401, 489 (416).
     */
    @Test
    void lastFinalResponsesOfTheB2bua() throws IOException {
        assertThat(lastFinalResponses(calls("sip/sipnab__b2bua-asterisk.pcapng")))
            .containsExactly(200, 200, 489, 489, 404, 200, 200, 480, 489, 489, 489, 489);
    }

    /**
     * sipnab__SIP_DTMF2.cap: 1, 2, 4 REGISTER 200 (frames 26, 1360, 13); 3 INVITE 603 (frame 9);
     * 5 INVITE 200 (frame 20; today 0).
     */
    @Test
    void lastFinalResponsesOfSipDtmf2() throws IOException {
        assertThat(lastFinalResponses(calls("sip/sipnab__SIP_DTMF2.cap"))).containsExactly(200, 200, 603, 200, 200);
    }

    /**
     * heplify__sip_ipv4_tcp_fragmented.pcap, 70 Call-IDs ({@code tshark -r F -d tcp.port==6060,sip
     * -Y sip -T fields -e frame.number -e sip.Call-ID -e sip.Method -e sip.Status-Code
     * -e sip.CSeq.method}). The capture starts and ends mid-call, so many Call-IDs show only an
     * in-dialog BYE/UPDATE (their last final response, 200) or an ACK (call 2: 486 to an INVITE
     * not captured, frame 12; call 21: 200 to an INVITE, frame 354). 487 after CANCEL: calls 31
     * (frame 517) and 33 (849); 403: call 49 (948); no final response to the INVITE: calls 4, 58 (only
     * a 200 to PRACK, frame 1176) and 70. Every other INVITE call was answered with 200: today 0 for
     * calls 1 3 8 9 11 12 13 14 18 22 23 25 32 35 37 39 40 41 42 43 47 50 51 52 53 57 59 60 61 62 63 66.
     */
    @Test
    void lastFinalResponsesOfTheFragmentedTcpCapture() throws IOException {
        final JsonNode root = calls("sip/heplify__sip_ipv4_tcp_fragmented.pcap");
        assertThat(root.get("total_calls").asInt()).isEqualTo(70);
        assertThat(lastFinalResponses(root)).containsExactly(
            200, 486, 200, 0, 200, 200, 200, 200, 200, 200, // 1-10
            200, 200, 200, 200, 200, 200, 200, 200, 200, 200, // 11-20
            200, 200, 200, 200, 200, 200, 200, 200, 200, 200, // 21-30
            487, 200, 487, 200, 200, 200, 200, 200, 200, 200, // 31-40
            200, 200, 200, 200, 200, 200, 200, 200, 403, 200, // 41-50
            200, 200, 200, 200, 200, 200, 200, 0, 200, 200, // 51-60
            200, 200, 200, 200, 200, 200, 200, 200, 200, 0); // 61-70
    }

    /**
     * The project's samples: sip-auth.pcap INVITE 401 (frame 2) then 200 (frame 7), today 401;
     * sip-call.pcap INVITE 200, today 0; sip-busy.pcap 486; sip-cancel.pcap 487.
     */
    @Test
    void lastFinalResponsesOfTheSamples() throws IOException {
        assertThat(lastFinalResponses(callsOf("samples/sip-auth.pcap"))).containsExactly(200);
        assertThat(lastFinalResponses(callsOf("samples/sip-call.pcap"))).containsExactly(200);
        assertThat(lastFinalResponses(callsOf("samples/sip-busy.pcap"))).containsExactly(486);
        assertThat(lastFinalResponses(callsOf("samples/sip-cancel.pcap"))).containsExactly(487);
    }

    // ------------------------------------------------------------------ (e) one-way media

    /**
     * sipnab__b2bua-asterisk.pcapng calls 6 and 7 (answered): 1 packet 172.16.98.1:8000 ->
     * 172.16.98.145:8000 (0x44830D58, frame 40) against 355 the other way (0x6AB21E82, frames
     * 49-403): 1 / 355 = 0.3 %, under 5 %. {@code tshark -r F -q -z rtp,streams} shows the same two
     * streams (355 and 1 packets). Today "ok", and verify's media.both_ways passes.
     */
    @Test
    void onePacketAgainst355IsOneWayAudio() throws IOException {
        final JsonNode root = calls("sip/sipnab__b2bua-asterisk.pcapng");
        assertThat(call(root, 6).get("media_verdict").asText()).isEqualTo("one-way audio");
        assertThat(call(root, 7).get("media_verdict").asText()).isEqualTo("one-way audio");
    }

    /** The same two calls fail verify's media.both_ways (today both pass: "2 stream(s): ok"). */
    @Test
    void onePacketAgainst355FailsBothWays() throws IOException {
        final Path spec = tmp.resolve("both-ways.yaml");
        Files.writeString(spec, """
            name: b2bua media
            sip:
              - name: answered legs
                match: {method: INVITE}
                calls: 2
                media:
                  both_ways: true
            """);
        final Run r = run("verify", "--json", "--spec", spec.toString(),
            SharedCaptures.file("sip/sipnab__b2bua-asterisk.pcapng").toString());
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
        final List<JsonNode> bothWays = new ArrayList<>();
        JSON.readTree(r.out()).get("suites").get(0).get("results").forEach(x -> {
            if (x.get("name").asText().equals("media both ways")) {
                bothWays.add(x);
            }
        });
        assertThat(bothWays).hasSize(2);
        for (final JsonNode x : bothWays) {
            assertThat(x.get("passed").asBoolean()).as(x.toString()).isFalse();
            assertThat(x.get("message").asText()).contains("one-way audio");
        }
    }

    /**
     * Not over-eager: ndpi__FAX-Call-t38-CA-TDM-SIP-FB-1.pcap call 1
     * (00e9d4a500e9d48-0015-0001-0000-0000@10.35.40.25) has 159 packets 10.35.60.100:15580 ->
     * 10.23.1.52:16756 (0x0EAF0EAF; tshark's rtp,streams counts 132 because it decodes the last 27,
     * frames 1436-..., as malformed T.38 after the image re-INVITE) against 1171 the other way
     * (0x17D90134): 13.6 % (11.3 % by tshark's count), over 5 %, so "ok" and both_ways passes.
     */
    @Test
    void aQuieterDirectionOverFivePercentIsStillBothWays() throws IOException {
        final String f = SharedCaptures.file("mixed/ndpi__FAX-Call-t38-CA-TDM-SIP-FB-1.pcap").toString();
        final JsonNode c = call(callsOf(f), 1);
        assertThat(streams(c)).isEqualTo(Map.of(
            "0x0EAF0EAF 10.35.60.100:15580->10.23.1.52:16756", 159,
            "0x17D90134 10.23.1.52:16756->10.35.60.100:15580", 1171));
        assertThat(c.get("media_verdict").asText()).isEqualTo("ok");

        final Path spec = tmp.resolve("fax.yaml");
        Files.writeString(spec, """
            name: fax media
            sip:
              - name: fax call
                match: {call_id: "^00e9d4a500e9d48-0015-0001-0000-0000@"}
                calls: 1
                media:
                  both_ways: true
            """);
        final Run r = run("verify", "--spec", spec.toString(), f);
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("✔ media both ways: 2 stream(s): ok");
    }
}
