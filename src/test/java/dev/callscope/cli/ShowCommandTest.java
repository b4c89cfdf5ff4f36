package dev.callscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callscope.core.Limits;
import dev.callscope.core.ForwardingSource;
import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import dev.callscope.pcap.CaptureFiles;
import dev.callscope.testutil.Golden;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** {@code callscope show}: the tree of a SIP frame, JSON offsets checked against the bytes, frame selection and errors. */
class ShowCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void sipFrameTreeMatchesTheGolden() {
        final CliTest.Run r = CliTest.run("show", "samples/sip-call.pcap", "1");
        assertThat(r.code()).isZero();
        assertThat(r.err()).isEmpty();
        Golden.assertMatches("show-sip-call-1.txt", r.out());
    }

    @Test
    void noInternalNamesAndEveryLayerOfRtpAndSip() {
        final CliTest.Run r = CliTest.run("show", "samples/sip-call.pcap", "1", "6");
        assertThat(r.code()).isZero();
        assertThat(r.out()).doesNotContain("tsNanos", "payloadHead", "RtpPacket[", "SipMessage[", "Header[")
            .contains("Frame 1: 637 bytes on wire", "Frame 6: 294 bytes on wire")
            .contains("Real-Time Transport Protocol, PT=PCMA/8000, SSRC=0xDEE0EE8F, Seq=59133, Time=240, Mark")
            .contains("   43     1      Payload type: PCMA/8000 (8)")
            .contains("  591    20              Media Attribute (a): rtpmap:8 PCMA/8000");
    }

    /** Every field with an offset lies inside the frame, and address fields hold the bytes they claim. */
    @Test
    void jsonOffsetsPointAtTheFieldsBytes() throws IOException {
        final CliTest.Run r = CliTest.run("show", "--json", "-x", "samples/sip-call.pcap", "1-8");
        assertThat(r.code()).isZero();
        final JsonNode doc = JSON.readTree(r.out());
        assertThat(doc).hasSize(8);
        int checked = 0;
        for (final JsonNode frame : doc) {
            final byte[] bytes = HexFormat.of().parseHex(frame.get("hex").asText());
            final List<JsonNode> nodes = new ArrayList<>();
            frame.get("tree").forEach(n -> flatten(n, nodes));
            for (final JsonNode n : nodes) {
                assertThat(n.has("name") && n.has("length") && n.has("offset")).as("node %s", n).isTrue();
                if (n.get("offset").isNull()) {
                    continue;
                }
                final int off = n.get("offset").asInt();
                final int len = n.get("length").asInt();
                assertThat(off + len).as("%s inside the frame", n.get("name")).isLessThanOrEqualTo(bytes.length);
                final String field = n.path("field").asText("");
                final String value = n.path("value").asText("");
                if (field.equals("ip.src") || field.equals("ip.dst")) {
                    assertThat(len).isEqualTo(4);
                    assertThat((bytes[off] & 0xFF) + "." + (bytes[off + 1] & 0xFF) + "." + (bytes[off + 2] & 0xFF) + "."
                        + (bytes[off + 3] & 0xFF)).isEqualTo(value);
                    checked++;
                } else if (field.equals("udp.srcport") || field.equals("udp.dstport") || field.equals("rtp.seq")) {
                    assertThat(((bytes[off] & 0xFF) << 8 | (bytes[off + 1] & 0xFF))).isEqualTo(Integer.parseInt(value));
                    checked++;
                } else if (field.startsWith("sip.") && n.has("children") == false && field.equals("sip.Call-ID")) {
                    assertThat(new String(bytes, off, len, java.nio.charset.StandardCharsets.ISO_8859_1))
                        .isEqualTo("Call-ID: " + value);
                    checked++;
                } else if (field.equals("sdp.media")) {
                    assertThat(new String(bytes, off, len, java.nio.charset.StandardCharsets.ISO_8859_1)).isEqualTo("m=" + value);
                    checked++;
                }
            }
        }
        assertThat(checked).as("fields checked against their bytes").isGreaterThan(40);
    }

    private static void flatten(final JsonNode n, final List<JsonNode> out) {
        out.add(n);
        n.path("children").forEach(c -> flatten(c, out));
    }

    @Test
    void aTcpMessageSplitOverSegmentsIsShownReassembledInTheFrameThatCompletesIt() throws IOException {
        final String file = dev.callscope.testutil.SharedCaptures.file("sip/suricata-verify__sip-body-large.pcap").toString();
        final CliTest.Run r = CliTest.run("show", "--json", file, "5", "9");
        assertThat(r.code()).isZero();
        final JsonNode doc = JSON.readTree(r.out());
        assertThat(doc.get(0).toString()).contains("TCP segment of a reassembled PDU").doesNotContain("Session Initiation Protocol")
            .contains("[Reassembled PDU in frame: 9]");
        final JsonNode last = doc.get(1).get("tree");
        final JsonNode message = last.get(last.size() - 1);
        assertThat(message.get("name").asText()).startsWith("Reassembled TCP message (65793 bytes");
        assertThat(message.get("reassembled_length").asInt()).isEqualTo(65793);
        assertThat(message.toString()).contains("\"value\":\"INVITE\"")
            .contains("[5 Reassembled TCP Segments (65793 bytes): #5(16332), #6(16332), #7(16332), #8(16332), #9(465)]");
    }

    @Test
    void framePastTheEndIsOneLineAndExitThreeAfterTheFramesThatExist() {
        final CliTest.Run r = CliTest.run("show", "samples/sip-call.pcap", "2", "480");
        assertThat(r.code()).isEqualTo(ExitCodes.INPUT);
        assertThat(r.out()).contains("Frame 2: ");
        assertThat(r.err()).isEqualTo("callscope: error: no frame 480: samples/sip-call.pcap has 479 frames" + System.lineSeparator());
    }

    @Test
    void badFrameNumbersAreUsageErrors() {
        for (final String bad : List.of("0", "9-7", "x", "3-")) {
            final CliTest.Run r = CliTest.run("show", "samples/sip-call.pcap", bad);
            assertThat(r.code()).as(bad).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err().lines().toList()).as(bad).hasSize(2)
                .satisfies(l -> assertThat(l.get(0)).startsWith("callscope: frame '" + bad + "'"))
                .satisfies(l -> assertThat(l.get(1)).isEqualTo("Try 'callscope show --help' for more information."));
            assertThat(r.out()).isEmpty();
        }
    }

    @Test
    void rangesAndListsSelectFrames() {
        assertThat(FrameDissection.parse(List.of("5", "7-9", "3,12"))).containsExactly(3L, 5L, 7L, 8L, 9L, 12L);
    }

    /** Reading stops at the last frame asked for: the source is not read further. */
    @Test
    void readingStopsAtTheLastFrameAskedFor() throws Exception {
        final int[] reads = {0};
        try (PacketSource file = CaptureFiles.openAll(List.of("samples/sip-call.pcap"))) {
            final PacketSource counting = new ForwardingSource(file) {
                @Override
                public boolean next(final RawFrame frame) throws IOException {
                    reads[0]++;
                    return in.next(frame);
                }
            };
            final FrameDissection d = new FrameDissection(new TreeSet<>(List.of(3L, 7L)), new DissectOptions(), new Limits());
            assertThat(d.run(counting)).extracting(FrameDissection.Shown::number).containsExactly(3L, 7L);
            assertThat(d.read()).isEqualTo(7);
        }
        assertThat(reads[0]).isEqualTo(7);
    }

    @Test
    void missingFileIsAnInputError() {
        final CliTest.Run r = CliTest.run("show", "no-such-file.pcap", "1");
        assertThat(r.code()).isEqualTo(ExitCodes.INPUT);
        assertThat(r.err()).contains("no-such-file.pcap");
    }
}
