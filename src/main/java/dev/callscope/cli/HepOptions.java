package dev.callscope.cli;

import dev.callscope.core.Limits;
import dev.callscope.tap.Tap;
import dev.callscope.hep.HepAgent;
import dev.callscope.hep.HepTarget;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** --hep-send, --hep-id and --hep-password: callscope as a HOMER capture agent. */
public final class HepOptions {
    @Option(names = "--hep-send", paramLabel = "udp:HOST:PORT|tcp:HOST:PORT",
        description = "Send every SIP message as HEPv3 to a HOMER collector (or sngrep -L, heplify-server), each "
            + "RTCP report as HOMER's RTCP JSON with its call's Call-ID, and each RTP stream's quality summary when "
            + "its call ends; with the packets' own capture times. A collector that cannot be reached never stops "
            + "the run: failed sends are counted.")
    String send;

    @Option(names = "--hep-id", paramLabel = "N", defaultValue = "1",
        description = "Capture agent id sent in every HEP packet (default: ${DEFAULT-VALUE}).")
    long id;

    @Option(names = "--hep-password", paramLabel = "KEY",
        description = "HEP auth key: sent with --hep-send; with --hep-listen, packets without this key are rejected.")
    String password;

    private HepAgent agent;

    /** The agent for --hep-send, started, or null; a bad target is a usage error. */
    HepAgent start(final Limits limits) throws IOException {
        if (send == null) {
            return null;
        }
        if (id < 0 || id > 0xFFFF_FFFFL) {
            throw new UsageException("--hep-id must be between 0 and 4294967295");
        }
        final HepTarget t = target("--hep-send", send);
        agent = HepAgent.start(t, id, password, limits);
        return agent;
    }

    /** {@code taps} plus the agent's, when one was started. */
    List<Tap> with(final List<? extends Tap> taps) {
        final List<Tap> all = new ArrayList<>(taps);
        if (agent != null) {
            all.addAll(agent.taps());
        }
        return all;
    }

    static HepTarget target(final String option, final String spec) {
        try {
            return HepTarget.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + ": " + e.getMessage());
        }
    }

    /** What was sent, for a JSON document, or null when nothing was asked. */
    Map<String, Object> json() {
        if (agent == null) {
            return null;
        }
        agent.finish();
        final HepAgent.Report r = agent.report();
        final Map<String, Object> o = new LinkedHashMap<>();
        o.put("target", r.target().toString());
        o.put("sip", r.sip());
        o.put("rtcp", r.rtcp());
        o.put("qos_reports", r.qos());
        o.put("sent", r.sender().sent());
        o.put("bytes", r.sender().bytes());
        o.put("failed", r.sender().failed() + r.tooLarge());
        if (r.sender().lastError() != null) {
            o.put("last_error", r.sender().lastError());
        }
        return o;
    }

    /** The human summary line, or nothing when nothing was asked. */
    void text(final PrintWriter out) {
        if (agent == null) {
            return;
        }
        agent.finish();
        final HepAgent.Report r = agent.report();
        final long failed = r.sender().failed() + r.tooLarge();
        out.println("HEP sent:     " + r.sender().sent() + " packets to " + r.target() + " (SIP " + r.sip() + ", RTCP "
            + r.rtcp() + ", QoS reports " + r.qos() + "); " + failed + " failed"
            + (failed > 0 && r.sender().lastError() != null ? " (" + r.sender().lastError() + ")" : ""));
    }
}
