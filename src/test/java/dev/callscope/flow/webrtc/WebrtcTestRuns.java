package dev.callscope.flow.webrtc;

import dev.callscope.tap.Tap;
import java.io.IOException;
import java.nio.file.Path;

/** Runs a capture through the engine for tests outside this package. */
public final class WebrtcTestRuns {
    private WebrtcTestRuns() {
    }

    public static void run(final Path file, final Tap... taps) throws IOException {
        WebrtcDifferentialTest.run(file, taps);
    }
}
