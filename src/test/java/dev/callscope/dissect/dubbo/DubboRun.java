package dev.callscope.dissect.dubbo;

import dev.callscope.core.PacketSource;
import dev.callscope.dissect.Anomaly;
import dev.callscope.dissect.DissectorRegistry;
import dev.callscope.dissect.ProtocolEvent;
import dev.callscope.tap.Tap;
import dev.callscope.engine.Engine;
import dev.callscope.engine.EngineOptions;
import dev.callscope.pcap.CaptureFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs a capture through the engine with the built-in dissectors and collects Dubbo frames and anomalies. */
public final class DubboRun implements Tap {
    public final List<DubboFrame> frames = new ArrayList<>();
    public final List<Anomaly> anomalies = new ArrayList<>();

    @Override
    public void onEvent(final ProtocolEvent e) {
        if (e instanceof DubboFrame f) {
            frames.add(f);
        }
    }

    @Override
    public void onAnomaly(final Anomaly a) {
        anomalies.add(a);
    }

    public static DubboRun of(final Path file, final Tap... more) throws IOException {
        final DubboRun run = new DubboRun();
        final List<Tap> taps = new ArrayList<>();
        taps.add(run);
        taps.addAll(List.of(more));
        final Engine engine = new Engine(DissectorRegistry.builtIn(java.util.Set.of()), EngineOptions.defaults(), taps);
        try (PacketSource s = CaptureFiles.open(file.toString())) {
            engine.run(s);
        }
        return run;
    }
}
