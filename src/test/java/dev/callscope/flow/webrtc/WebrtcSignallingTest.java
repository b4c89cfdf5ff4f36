package dev.callscope.flow.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callscope.dissect.sdp.SdpBody;
import dev.callscope.dissect.sdp.SdpDissector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Signalling connections, rooms, offer/answer rounds and ICE restarts against the recordings'
 * own truth: the pages' logs (samples/webrtc-reneg/*.pages.jsonl), the signalling server's log
 * (*.signalling.jsonl), the pages' getStats() and tshark's per-SSRC counts.
 */
class WebrtcSignallingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<JsonNode> lines(final Path p) throws IOException {
        final List<JsonNode> out = new ArrayList<>();
        for (final String l : Files.readAllLines(p)) {
            if (!l.isBlank()) {
                out.add(JSON.readTree(l));
            }
        }
        return out;
    }

    private static WebrtcTracker run(final Path pcap) throws IOException {
        final WebrtcTracker t = new WebrtcTracker();
        WebrtcDifferentialTest.run(pcap, t);
        return t;
    }

    private static double epoch(final long nanos) {
        return nanos / 1e9;
    }

    /** RTP packets per SSRC in the rtp section of a recording's tshark TSV. */
    private static Map<Long, Long> tsharkRtp(final Path tsv) throws IOException {
        final Map<Long, Long> n = new TreeMap<>();
        boolean in = false;
        for (final String l : Files.readAllLines(tsv)) {
            if (l.startsWith("#section")) {
                in = l.startsWith("#section rtp");
                continue;
            }
            final String[] f = l.split("\t");
            if (in && f.length > 4 && f[3].equals("rtp")) {
                n.merge(Long.parseLong(f[2].split(" ")[0]), Long.parseLong(f[4]), Long::sum);
            }
        }
        return n;
    }

    @Test
    void screenShareAddedAndRemovedByRenegotiation() throws Exception {
        final Path dir = Path.of("samples/webrtc-reneg");
        final List<SdpBody> offers = new ArrayList<>();
        for (final JsonNode e : lines(dir.resolve("webrtc-reneg-tracks.pages.jsonl"))) {
            if (e.path("event").asText().equals("offer-sent")) {
                offers.add(SdpDissector.parseText(e.path("sdp").asText().getBytes(StandardCharsets.UTF_8)));
            }
        }
        assertThat(offers).hasSize(3);
        final WebrtcTracker t = run(dir.resolve("webrtc-reneg-tracks.pcap"));
        final Signalling g = t.signallingView();
        assertThat(g.negotiations()).singleElement().satisfies(n -> {
            assertThat(n.session()).isSameAs(t.sessions().get(0));
            assertThat(n.peers()).isEqualTo("alice -> bob");
            assertThat(n.rounds()).hasSize(3);
            for (int i = 0; i < 3; i++) {
                assertThat(n.rounds().get(i).offer().version()).isEqualTo(offers.get(i).origin().sessionVersion());
                assertThat(n.rounds().get(i).answer()).isNotNull();
                assertThat(n.rounds().get(i).iceRestart()).isFalse();
            }
            // round 2 adds the screen share: the m= section the page's second offer has and its first has not
            final SdpBody.Media screen = offers.get(1).media().get(2);
            assertThat(offers.get(0).media()).hasSize(2);
            final List<Long> ssrcs = Signalling.tracks(offers.get(1)).get(2).ssrcs();
            final Map<Long, Long> wire = tsharkRtp(dir.resolve("webrtc-reneg-tracks.tshark.tsv"));
            assertThat(n.rounds().get(1).added()).singleElement().satisfies(c -> {
                assertThat(c.track().mid()).isEqualTo(screen.mid());
                assertThat(c.track().kind()).isEqualTo("video");
                assertThat(c.track().ssrcs()).isEqualTo(ssrcs);
                assertThat(c.packets()).isEqualTo(ssrcs.stream().mapToLong(s -> wire.getOrDefault(s, 0L)).sum()).isPositive();
            });
            // round 3 takes it away: its m= section is rejected (port 0) in the page's third offer
            assertThat(offers.get(2).media().get(2).port()).isZero();
            assertThat(n.rounds().get(2).removed()).singleElement()
                .satisfies(c -> assertThat(c.track().mid()).isEqualTo(screen.mid()));
            assertThat(n.rounds().get(2).added()).isEmpty();
        });
    }

    @Test
    void signallingOutageReconnectsAndIceRestartContinuesTheSession() throws Exception {
        final Path dir = Path.of("samples/webrtc-reneg");
        final Map<String, List<Double>> attempts = new TreeMap<>();
        final Map<String, Integer> refused = new TreeMap<>();
        String newUfrag = null;
        String oldUfrag = null;
        for (final JsonNode e : lines(dir.resolve("webrtc-reneg-reconnect.pages.jsonl"))) {
            final String page = e.path("page").asText();
            switch (e.path("event").asText()) {
                case "ws-connect-attempt" -> attempts.computeIfAbsent(page, k -> new ArrayList<>()).add(e.path("ts").asDouble());
                case "ws-connect-result" -> {
                    if (e.path("result").asText().equals("refused")) {
                        refused.merge(page, 1, Integer::sum);
                    }
                }
                case "restartIce" -> oldUfrag = e.path("local_ufrag").asText();
                case "offer-sent" -> {
                    if (e.path("round").asInt() == 2) {
                        newUfrag = SdpDissector.parseText(e.path("sdp").asText().getBytes(StandardCharsets.UTF_8)).media().get(0).iceUfrag();
                    }
                }
                default -> {
                }
            }
        }
        final WebrtcTracker t = run(dir.resolve("webrtc-reneg-reconnect.pcap"));
        final Signalling g = t.signallingView();
        for (final String page : List.of("alice", "bob")) {
            final Signalling.Client c = g.clients().stream().filter(x -> x.id().equals(page)).findFirst().orElseThrow();
            assertThat(c.connections()).hasSize(2);
            final Signalling.Connection first = c.connections().get(0);
            assertThat(first.closedBy()).isEqualTo("server");
            assertThat(first.closeHow()).isEqualTo("FIN"); // the server was killed: no close frame
            assertThat(c.connections().get(1).closeCode()).isEqualTo(1000);
            assertThat(c.outages()).singleElement().satisfies(o -> {
                // the page's attempts after the first: refused ones and the one that got through
                final List<Double> mine = attempts.get(page).subList(1, attempts.get(page).size());
                assertThat(o.attempts()).isEqualTo(mine.size()).isEqualTo(refused.get(page) + 1);
                assertThat(o.meanIntervalS()).isCloseTo((mine.get(mine.size() - 1) - mine.get(0)) / (mine.size() - 1), within(0.05));
                assertThat(o.mediaGapNanos()).isZero(); // media flowed over ICE while signalling was down
            });
        }
        // the refused attempts carried no message: named by their address, every one of them
        assertThat(g.clients().stream().flatMap(c -> c.attempts().stream()).filter(a -> a.result().equals(Signalling.Attempt.REFUSED))
            .count()).isEqualTo(refused.values().stream().mapToInt(Integer::intValue).sum());
        // the ICE restart continues the session
        final String before = oldUfrag;
        final String after = newUfrag;
        assertThat(t.sessions()).filteredOn(s -> s.ufragPair() != null).singleElement().satisfies(s -> {
            assertThat(s.ufrags().values()).contains(before);
            assertThat(s.iceRestarts()).singleElement().satisfies(r -> assertThat(r.ufrags()).contains(after));
            assertThat(s.legs()).hasSize(2);
        });
        assertThat(g.negotiations()).singleElement().satisfies(n -> {
            assertThat(n.rounds()).hasSize(2);
            assertThat(n.rounds().get(1).iceRestart()).isTrue();
        });
    }

    @Test
    void threePeerMeshRoom() throws Exception {
        final Path dir = Path.of("samples/webrtc-room");
        final Map<String, Double> joined = new TreeMap<>();
        final Map<String, Double> left = new TreeMap<>();
        for (final JsonNode e : lines(dir.resolve("webrtc-room-mesh.signalling.jsonl"))) {
            if (e.path("event").asText().equals("message") && e.path("dir").asText().equals("received")) {
                if (e.path("type").asText().equals("join")) {
                    joined.put(e.path("from").asText(), e.path("ts").asDouble());
                } else if (e.path("type").asText().equals("leave")) {
                    left.put(e.path("from").asText(), e.path("ts").asDouble());
                }
            }
        }
        final JsonNode stats = JSON.readTree(dir.resolve("webrtc-room-mesh.stats.json").toFile());
        final WebrtcTracker t = run(dir.resolve("webrtc-room-mesh.pcap"));
        final Signalling g = t.signallingView();
        assertThat(g.rooms()).singleElement().satisfies(r -> {
            assertThat(r.id()).isEqualTo(stats.path("room").asText());
            assertThat(r.members()).extracting(Signalling.Member::name).containsExactlyInAnyOrderElementsOf(joined.keySet());
            for (final Signalling.Member m : r.members()) {
                // the server logs a message as it reads it: within a few ms of the frame that carried it
                assertThat(epoch(m.joinedNanos())).as("%s joined", m.name()).isCloseTo(joined.get(m.name()), within(0.01));
                assertThat(epoch(m.leftNanos())).as("%s left", m.name()).isCloseTo(left.get(m.name()), within(0.01));
                assertThat(m.leftHow()).isEqualTo("leave");
            }
            assertThat(r.mesh()).hasSize(3).allSatisfy(l -> assertThat(l.connected()).isTrue());
            for (final JsonNode want : stats.path("sessions")) {
                final String a = want.path("pair").get(0).asText();
                final String b = want.path("pair").get(1).asText();
                final Signalling.Link l = r.mesh().stream().filter(x -> x.a().equals(a) && x.b().equals(b)
                    || x.a().equals(b) && x.b().equals(a)).findFirst().orElseThrow();
                final List<String> ufrags = new ArrayList<>();
                want.path("ice_ufrag").forEach(u -> ufrags.add(u.asText()));
                ufrags.sort(null);
                assertThat(l.session().ufragPair()).isEqualTo(ufrags.get(0) + ":" + ufrags.get(1));
                final List<String> ends = List.of(l.session().nominated().local().toString(), l.session().nominated().remote().toString());
                assertThat(ends).containsExactlyInAnyOrder(want.path("five_tuple").path("offerer").asText(),
                    want.path("five_tuple").path("answerer").asText());
            }
        });
        // without the room ids, the shared local streams (msid) find the same room and mesh
        final List<Signalling.Room> inferred = Signalling.inferRooms(g.negotiations());
        assertThat(inferred).singleElement().satisfies(r -> {
            assertThat(r.id()).isEqualTo("(inferred 1)");
            assertThat(r.members()).extracting(Signalling.Member::name).containsExactlyInAnyOrderElementsOf(joined.keySet());
            assertThat(r.mesh()).hasSize(3).allSatisfy(l -> assertThat(l.connected()).isTrue());
            assertThat(r.mesh()).extracting(Signalling.Link::session)
                .containsExactlyInAnyOrderElementsOf(g.rooms().get(0).mesh().stream().map(Signalling.Link::session).toList());
            // carol's last session ended when she left
            final Signalling.Member carol = r.members().stream().filter(m -> m.name().equals("carol")).findFirst().orElseThrow();
            assertThat(epoch(carol.leftNanos())).isCloseTo(left.get("carol"), within(1.0));
        });
        // each peer has its own address and one connection, closed with a close frame
        assertThat(g.clients()).hasSize(3).allSatisfy(c -> {
            assertThat(c.connections()).singleElement().satisfies(k -> assertThat(k.closeCode()).isEqualTo(1000));
            assertThat(c.outages()).isEmpty();
        });
    }
}
