package dev.callscope.dissect.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.dissect.sdp.SdpBody.Media;
import dev.callscope.dissect.sdp.SdpBody.RtpMap;
import dev.callscope.testutil.SharedCaptures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Real SDP bodies (SIP over UDP in the shared captures) against tshark 4.0's "SDP media lines"
 * section of truth/&lt;capture&gt;.txt. A truth line is
 * {@code <frame> <c= lines, comma-joined> <m= lines, comma-joined> <a= lines, comma-joined>}; the
 * c= part is made of "IN IP4 addr" items. Per frame this checks the set of connection addresses,
 * each m= line's media, port, proto and formats (in order), and every a=rtpmap (in order).
 */
class SdpCapturesTest {
    private static final String SECTION = "=== SDP media lines (default) ===";
    private static final Pattern C_ITEM = Pattern.compile("IN IP[46] ([^ ,]*)");
    private static final Pattern RTPMAP = Pattern.compile("(?:^|,)rtpmap:(\\d+) ([^,/ ]+)/(\\d+)(?:/(\\d+))?(?=,|$)");

    /**
     * Captures whose SDP all travels as SIP over UDP: every truth frame must be found. (Not the T.38
     * capture: half of its SDP rides in MEGACO, which the helper does not look for.)
     */
    private static final Set<String> ALL_UDP = Set.of(
        "sngrep__aaa.pcap", "sipnab__sip-rtp-g711.pcap", "heplify__sip_ipv6_udp.pcap",
        "sipnab__DTMFsipinfo.pcap", "sngrep__ipv6frag.pcap", "heplify__erspan_sip_ipv4_udp.pcapng",
        "sipnab__SIP_DTMF2.cap", "sipnab__register-invite-reinvite-bye.pcap", "sipnab__Asterisk_ZFONE_XLITE.pcap",
        "sipnab__b2bua-asterisk.pcapng", "sipnab__sip-488-codec-reject.pcapng", "sipnab__sipp-branch-scenario.pcapng",
        "suricata-verify__sip_compact_form.pcap");

    /**
     * Where tshark 4.0 is wrong. Its SDP dissector stops at the z= line of this body ("z=2882844526
     * -1h 2898848070 0", valid RFC 8866 syntax), so it lists the session c= and no m= line at all; the
     * body goes on with a=sendrecv, "m=audio 30000 RTP/AVP 0 8 97 2 3" and "a=rtpmap:0 pcmu/8000".
     */
    private static final Map<String, String> TSHARK_STOPS_EARLY = Map.of(
        "suricata-verify__sip_compact_form.pcap frame 1", "audio 192.168.1.2:30000 PCMU/8000 PCMA/8000 97 2 GSM/8000 sendrecv");

    @TestFactory
    Stream<DynamicTest> sdpBodiesMatchTshark() throws IOException {
        final Path dir = SharedCaptures.dir();
        final List<Path> captures;
        try (Stream<Path> walk = Files.walk(dir)) {
            captures = walk.filter(Files::isRegularFile)
                .filter(p -> {
                    final String top = dir.relativize(p).getName(0).toString();
                    return top.equals("sip") || top.equals("mixed") || top.equals("rtp");
                })
                .filter(p -> Files.isRegularFile(dir.resolve("truth").resolve(p.getFileName() + ".txt")))
                .sorted()
                .collect(Collectors.toList());
        }
        assertThat(captures).isNotEmpty();
        return captures.stream().map(p -> DynamicTest.dynamicTest(dir.relativize(p).toString(),
            () -> check(p, dir.resolve("truth").resolve(p.getFileName() + ".txt"))));
    }

    private static void check(final Path capture, final Path truthFile) throws IOException {
        final Map<Long, String> truth = truth(truthFile);
        final List<SipUdpBodies.Body> bodies = SipUdpBodies.read(capture);
        final Set<Long> seen = new TreeSet<>();
        for (final SipUdpBodies.Body b : bodies) {
            final String name = capture.getFileName() + " frame " + b.frame();
            final String line = truth.get(b.frame());
            assertThat(line).as(name + ": tshark saw no SDP here").isNotNull();
            final SdpFakes.Run run = SdpFakes.run(b.bytes(), b.frame());
            if (TSHARK_STOPS_EARLY.containsKey(name)) {
                assertThat(line).as(name).endsWith("  ");
                assertThat(run.body().summary()).isEqualTo(TSHARK_STOPS_EARLY.get(name));
            } else {
                compare(name, run.body(), line);
            }
            assertThat(run.expected()).as(name).allSatisfy(e -> assertThat(e.frame()).isEqualTo(b.frame()));
            seen.add(b.frame());
        }
        if (ALL_UDP.contains(capture.getFileName().toString())) {
            assertThat(seen).as(capture.getFileName() + ": frames found").containsExactlyElementsOf(new TreeSet<>(truth.keySet()));
        }
    }

    private static void compare(final String name, final SdpBody body, final String truthLine) {
        // connection addresses: the c= items before the first m= item
        String rest = truthLine;
        final Set<String> truthAddresses = new TreeSet<>();
        while (true) {
            final Matcher c = C_ITEM.matcher(rest);
            if (!c.lookingAt()) {
                break;
            }
            final String a = c.group(1);
            truthAddresses.add(a.indexOf('/') >= 0 ? a.substring(0, a.indexOf('/')) : a);
            rest = rest.substring(c.end());
            if (rest.startsWith(",")) {
                rest = rest.substring(1);
            } else {
                break;
            }
        }
        assertThat(rest).as(name).startsWith(" ");
        rest = rest.substring(1);
        final Set<String> mine = new TreeSet<>();
        if (body.connectionAddress() != null) {
            mine.add(body.connectionAddress());
        }
        body.media().stream().map(Media::connectionAddress).filter(a -> a != null).forEach(mine::add);
        assertThat(mine).as(name + " connection addresses").isEqualTo(truthAddresses);

        // m= lines: rebuilt from the parsed fields (an unparsable port matches any token)
        final List<String> items = new ArrayList<>();
        for (final Media m : body.media()) {
            final StringBuilder sb = new StringBuilder(Pattern.quote(m.type())).append(' ');
            sb.append(m.port() < 0 ? "\\S+" : m.port() + (m.portCount() > 1 ? "/" + m.portCount() : ""));
            sb.append(' ').append(Pattern.quote(m.proto()));
            for (final String f : m.formats()) {
                sb.append(' ').append(Pattern.quote(f));
            }
            items.add(sb.toString());
        }
        final Matcher mm = Pattern.compile(String.join(",", items) + " (.*)", Pattern.DOTALL).matcher(rest);
        assertThat(mm.matches()).as(name + ": m= lines " + body.media() + " vs tshark: " + rest).isTrue();

        // a=rtpmap, in order over all media
        final List<String> truthMaps = new ArrayList<>();
        final Matcher r = RTPMAP.matcher(mm.group(1));
        while (r.find()) {
            truthMaps.add(r.group(1) + " " + r.group(2) + "/" + r.group(3) + "/" + (r.group(4) == null ? "1" : r.group(4)));
        }
        final List<String> myMaps = new ArrayList<>();
        for (final Media m : body.media()) {
            for (final RtpMap map : m.rtpMaps()) {
                myMaps.add(map.payloadType() + " " + map.encoding() + "/" + map.clockRate() + "/" + map.channels());
            }
        }
        assertThat(myMaps).as(name + " rtpmaps").isEqualTo(truthMaps);
    }

    private static Map<Long, String> truth(final Path file) throws IOException {
        final Map<Long, String> m = new LinkedHashMap<>();
        boolean in = false;
        for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.startsWith("=== ")) {
                in = line.equals(SECTION);
                continue;
            }
            if (in && !line.isEmpty()) {
                final int sp = line.indexOf(' ');
                m.put(Long.parseLong(line.substring(0, sp)), line.substring(sp + 1));
            }
        }
        return m;
    }
}
