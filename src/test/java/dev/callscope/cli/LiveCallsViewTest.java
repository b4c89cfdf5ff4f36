package dev.callscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import dev.callscope.dissect.DissectorRegistry;
import dev.callscope.engine.Engine;
import dev.callscope.engine.EngineOptions;
import dev.callscope.flow.sip.CallState;
import dev.callscope.flow.sip.SipCall;
import dev.callscope.flow.sip.SipCallTracker;
import dev.callscope.pcap.CaptureFiles;
import dev.callscope.shell.LiveTerminal.Key;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The live calls view fed frame by frame from samples/sip-call.pcap (a SIPp call: INVITE, 100, 180,
 * 200, ACK, RTP, BYE, 200 in frames 1-5 and 478-479, as tshark lists them), drawn on a screen of a
 * given size. The real terminal path is in {@link LiveTerminalLiveTest}.
 */
class LiveCallsViewTest {
    private final SipCallTracker tracker = new SipCallTracker(1000);
    private final Engine engine = new Engine(DissectorRegistry.builtIn(Set.of()), EngineOptions.defaults(), List.of(tracker));
    private final RawFrame frame = new RawFrame();
    private PacketSource source;
    private long frames;

    @BeforeEach
    void open() throws IOException {
        source = CaptureFiles.open("samples/sip-call.pcap");
    }

    @AfterEach
    void close() throws IOException {
        source.close();
    }

    /** Feeds frames up to frame {@code last} to the tracker and, if given, the view. */
    private void feed(final long last, final LiveCallsView view) throws IOException {
        while (frames < last && source.next(frame)) {
            frames++;
            engine.process(frame);
            if (view != null) {
                view.tick(frame);
            }
        }
    }

    private static final class FixedScreen implements LiveCallsView.Screen {
        final int width;
        final int height;
        boolean closed;

        FixedScreen(final int width, final int height) {
            this.width = width;
            this.height = height;
        }

        @Override
        public int width() {
            return width;
        }

        @Override
        public int height() {
            return height;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** The last screen drawn: the text after the last cursor-home, without colours, as rows. */
    private static List<String> lastScreen(final StringWriter out) {
        final String s = out.toString();
        final String screen = s.substring(s.lastIndexOf("\033[H") + 3);
        return List.of(screen.replaceAll("\033\\[[0-9;]*[A-Za-z]", "").split("\r\n", -1));
    }

    @Test
    void aMessageIsShownWhenTheQueueGoesQuietNotWhenTheNextPacketComes() throws Exception {
        final StringWriter out = new StringWriter();
        final LiveCallsView view = new LiveCallsView(new PrintWriter(out), tracker, new FixedScreen(100, 20), "lo", () -> { });
        feed(1, view); // the INVITE: the first frame is drawn at once
        // the running timer counts from the INVITE on the capture's clock (the recording's, not this machine's)
        assertThat(lastScreen(out).get(2)).contains("INVITE").containsPattern("CALL SETUP +0:00  1-27528@127\\.0");
        feed(3, view); // 100 Trying and 180 Ringing within the same quarter second: not drawn yet
        assertThat(lastScreen(out).get(2)).contains("CALL SETUP");
        assertThat(view.waitNanos()).isPositive().isLessThanOrEqualTo(LiveCallsView.REDRAW_NANOS);
        Thread.sleep(view.waitNanos() / 1_000_000 + 1);
        view.tick(null); // no frame came: the analysis loop's wait ended, and the 180 is shown
        assertThat(lastScreen(out).get(2)).contains("RINGING").containsPattern("  3  RINGING ");
        view.close();
    }

    @Test
    void theTableFitsTheWidthShorteningTextNeverNumbers() throws Exception {
        feed(Long.MAX_VALUE, null);
        final List<SipCall> calls = tracker.calls();
        final SipCall c = calls.get(0);
        assertThat(c.state()).isEqualTo(CallState.COMPLETED);
        for (final int width : new int[] {60, 80, 100, 200}) {
            final List<String> lines = LiveCallsView.table(calls, 0, 1, 0, width, c.endNanos());
            final String row = lines.get(1).replaceAll("\033\\[[0-9;]*m", "");
            assertThat(lines).allSatisfy(l -> assertThat(l.replaceAll("\033\\[[0-9;]*m", "")).hasSizeLessThanOrEqualTo(width));
            // index, message count and state whole at every width
            assertThat(row).startsWith("> 1  ").contains("  " + c.messageCount() + "  " + c.state().label());
            assertThat(lines.get(1)).startsWith("\033[7m"); // the selected row in reverse video
            if (width >= 200) {
                assertThat(row).contains(c.from().uri()).contains(c.to().uri()).contains(c.callId()).doesNotContain("…");
            }
        }
        assertThat(LiveCallsView.table(calls, 0, 1, 0, 80, c.endNanos()).get(1)).contains("…");
        assertThat(LiveCallsView.cut("sip:service@127.0.0.12:5060", 10)).isEqualTo("sip:servi…");
    }

    @Test
    void durationsRunWhileACallIsUpAndStopAtTheBye() throws Exception {
        feed(2, null);
        final SipCall c = tracker.calls().get(0);
        assertThat(c.state()).isEqualTo(CallState.CALL_SETUP);
        assertThat(LiveCallsView.duration(c, c.startNanos() + 7_400_000_000L)).isEqualTo("0:07"); // since the INVITE
        feed(5, null);
        assertThat(c.state()).isEqualTo(CallState.IN_CALL);
        assertThat(LiveCallsView.duration(c, c.answerNanos() + 65_000_000_000L)).isEqualTo("1:05"); // since the answer
        assertThat(LiveCallsView.duration(c, c.answerNanos() + 3_725_000_000_000L)).isEqualTo("1:02:05");
        feed(Long.MAX_VALUE, null);
        assertThat(c.state()).isEqualTo(CallState.COMPLETED);
        final long talk = (long) (c.durationSeconds() * 1e9);
        assertThat(LiveCallsView.duration(c, c.byeNanos() + 3_600_000_000_000L)).isEqualTo(LiveCallsView.clock(talk))
            .isEqualTo(String.format("0:%02d", talk / 1_000_000_000L)); // frozen at the BYE, whatever the clock says
    }

    @Test
    void enterOpensTheLadderQGoesBackAndQInTheListStops() throws Exception {
        final StringWriter out = new StringWriter();
        final AtomicInteger stops = new AtomicInteger();
        final FixedScreen screen = new FixedScreen(120, 30);
        final LiveCallsView view = new LiveCallsView(new PrintWriter(out), tracker, screen, "lo", stops::incrementAndGet);
        feed(Long.MAX_VALUE, view);
        view.key(Key.UP);
        view.key(Key.ENTER);
        view.tick(null);
        final List<String> ladder = lastScreen(out);
        assertThat(ladder).hasSize(30);
        assertThat(ladder.get(0)).startsWith("Call 1  INVITE  sip:").contains("COMPLETED").contains("1-27528@127.0.0.11");
        assertThat(String.join("\n", ladder)).contains("INVITE").contains("180 Ringing").contains("BYE");
        assertThat(ladder.get(29)).contains("q back");
        assertThat(ladder).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(120));
        view.key(Key.QUIT);
        view.tick(null);
        assertThat(lastScreen(out).get(0)).startsWith("Capturing on lo: 479 packets, 1 calls");
        assertThat(stops).hasValue(0);
        view.key(Key.QUIT);
        view.tick(null);
        assertThat(stops).hasValue(1);
        view.finish();
        assertThat(screen.closed).isTrue();
        assertThat(out.toString()).endsWith("1 calls\n".replace("\n", System.lineSeparator()));
    }

    @Test
    void withoutATerminalOneLinePerNewCallOrStateAndNoEscapes() throws Exception {
        final StringWriter out = new StringWriter();
        final LiveCallsView view = new LiveCallsView(new PrintWriter(out), tracker, null, "lo", () -> { });
        feed(1, view);
        assertThat(out.toString()).contains("call 1  INVITE").contains("CALL SETUP");
        feed(Long.MAX_VALUE, view);
        Thread.sleep(view.waitNanos() / 1_000_000 + 1);
        view.tick(null);
        view.finish();
        assertThat(out.toString()).doesNotContain("\033").contains("  COMPLETED  1-27528@127.0.0.11");
        assertThat(out.toString().lines().filter(l -> l.contains("1-27528@127.0.0.11")).count()).isBetween(2L, 4L);
    }
}
