package dev.callscope.spark;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.callscope.core.InputException;
import dev.callscope.core.Limits;
import dev.callscope.core.PacketSource;
import dev.callscope.core.RawFrame;
import dev.callscope.dissect.DissectorRegistry;
import dev.callscope.dissect.rtp.RtpDissector;
import dev.callscope.dissect.dubbo.DubboFrame;
import dev.callscope.dissect.sip.SipMessage;
import dev.callscope.engine.Engine;
import dev.callscope.engine.EngineOptions;
import dev.callscope.flow.Trackers;
import dev.callscope.flow.rtp.RtpSteps;
import dev.callscope.flow.rtp.RtpStream;
import dev.callscope.flow.sip.SipCall;
import dev.callscope.flow.sip.SipEntry;
import dev.callscope.output.DubboView;
import dev.callscope.output.Json;
import dev.callscope.output.RtpViews;
import dev.callscope.output.SipViews;
import dev.callscope.output.WebrtcViews;
import dev.callscope.pcap.CaptureFiles;
import dev.callscope.tls.KeyLog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One task's work: one capture file read by callscope's own engine with every tracker, as {@code
 * callscope calls/rtp/dubbo/webrtc --json} read it, turned into rows and into the parts of calls
 * and streams that may run on into the files before or after it.
 */
public final class FileTask {
    private FileTask() {
    }

    /** Opens a Hadoop path with the driver's configuration. */
    static InputStream open(final String path, final Map<String, String> hadoop) throws IOException {
        final Configuration c = new Configuration(false);
        hadoop.forEach(c::set);
        final Path p = new Path(path);
        final FileSystem fs = p.getFileSystem(c);
        return fs.open(p);
    }

    /** The capture time of a file's first frame, or -1 when it has none or cannot be read. */
    static long firstFrameNanos(final String path, final Map<String, String> hadoop) {
        try (PacketSource s = CaptureFiles.open(open(path, hadoop), path)) {
            final RawFrame f = new RawFrame();
            return s.next(f) ? f.tsNanos : -1;
        } catch (final IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Reads one file; never throws for what the file holds (a bad file is an {@code input_errors} row). */
    public static List<Part> read(final InputFile file, final JobOptions o) {
        final List<Part> out = new ArrayList<>();
        final Limits limits = new Limits();
        limits.callLingerNanos = o.lingerNanos();
        final Trackers t = Trackers.of(limits);
        t.rtp().baseNanos(o.baseNanos());
        if (file.firstNanos() >= 0) {
            t.rtp().carry(file.firstNanos() + o.carryWindowNanos(), o.maxCarriedPackets(), o.maxCarriedTotal());
        }
        // after the first file, RTP is also found by the heuristic near the file's start: streams
        // whose SDP an earlier file held go on here; those that join no earlier part are dropped
        final Map<String, String> prefs = file.order() > 0 && file.firstNanos() >= 0
            ? Map.of(RtpDissector.PREF_HEURISTIC_UNTIL, Long.toString(file.firstNanos() + o.carryWindowNanos())) : Map.of();
        final Engine engine = new Engine(DissectorRegistry.builtIn(Set.of(), prefs), new EngineOptions(limits, List.of()), t.taps());
        final KeyLog keys = new KeyLog(limits.maxKeyLogSecrets);
        engine.decrypt(keys);
        final Span span = new Span();
        String error = null;
        String kind = null;
        long bytes = 0;
        try (PacketSource source = CaptureFiles.open(open(file.path(), o.hadoop()), file.path())) {
            source.onSecrets((type, data, off, len) -> {
                if (type == PacketSource.TLS_KEY_LOG) {
                    keys.read(data, off, len);
                }
            });
            try {
                engine.run(span.watching(source));
            } finally {
                bytes = source.bytesRead();
            }
        } catch (final InputException e) {
            error = e.getMessage();
            kind = e.kind().name().toLowerCase(java.util.Locale.ROOT);
        } catch (final IOException e) {
            error = file.path() + ": " + e.getMessage();
            kind = "read_error";
        }
        if (error != null) {
            final ObjectNode r = Json.object();
            r.put("file", file.path());
            r.put("kind", kind);
            r.put("reason", error);
            r.put("frames_read", span.frames);
            r.put("bytes_read", bytes);
            r.put("size", file.size());
            if (span.frames > 0) {
                r.put("first", dev.callscope.core.Timestamps.iso(span.first));
                r.put("last", dev.callscope.core.Timestamps.iso(span.last));
            }
            out.add(new Part.Row("input_errors", r.toString()));
        }
        if (span.frames == 0) {
            return out;
        }
        t.sip().closeAll();
        calls(file, o, t, span, out);
        streams(file, o, t, span, out);
        dubbo(file, o, t, span, out);
        t.webrtc().sessions().forEach(s -> {
            final ObjectNode n = WebrtcViews.session(s);
            n.put("file", file.path());
            final String key = WebrtcMerge.key(n);
            out.add(key == null ? new Part.Row("webrtc_sessions", n.toString()) : new Part.WebrtcPart(key, n.toString()));
        });
        return out;
    }

    private static void calls(final InputFile file, final JobOptions o, final Trackers t, final Span span, final List<Part> out) {
        final long headEnd = span.first + o.carryWindowNanos();
        for (final SipCall c : t.sip().calls()) {
            for (final SipEntry e : c.entries()) {
                final ObjectNode m = SipViews.message(e);
                m.put("file", file.path());
                out.add(new Part.Row("sip_messages", m.toString()));
            }
            final List<SipEntry> entries = c.entries();
            final SipMessage first = entries.isEmpty() ? null : entries.get(0).message();
            final boolean initial = first != null && first.isRequest() && (first.to() == null || first.to().tag() == null);
            final boolean headOpen = !initial || c.startNanos() < headEnd;
            final boolean tailOpen = !c.decided() || c.lastSipNanos() + o.lingerNanos() > span.last;
            final boolean carried = headOpen || tailOpen;
            final List<Part.SipWire> wire = new ArrayList<>();
            if (carried) {
                for (final SipEntry e : entries) {
                    final SipMessage m = e.message();
                    wire.add(new Part.SipWire(m.tsNanos(), m.src().address(), m.src().port(), m.dst().address(),
                        m.dst().port(), m.transport(), m.raw().getBytes(StandardCharsets.ISO_8859_1), m.frame(), file.path()));
                }
            }
            final ObjectNode call = SipViews.call(c, true, t.rtp());
            call.put("file", file.path());
            out.add(new Part.CallPart(c.callId(), file.order(), file.path(), c.startNanos(), carried, call.toString(), wire,
                new ArrayList<>(c.mediaEndpoints())));
        }
    }

    private static void streams(final InputFile file, final JobOptions o, final Trackers t, final Span span, final List<Part> out) {
        final long headEnd = span.first + o.carryWindowNanos();
        final long tailStart = span.last - o.carryWindowNanos();
        for (final RtpStream s : t.rtp().streams()) {
            final boolean headOpen = s.startNanos() < headEnd;
            final boolean tailOpen = s.endNanos() > tailStart;
            final ObjectNode json = RtpViews.stream(s, o.baseNanos());
            json.put("file", file.path());
            final RtpSteps steps = headOpen ? s.steps() : RtpSteps.none();
            s.dropSteps(); // the state handed on need not carry them again
            final byte[] state = tailOpen ? serialize(s) : null;
            out.add(new Part.StreamPart(StreamKeys.of(s), file.order(), file.path(), s.startNanos(), s.endNanos(), headOpen,
                tailOpen, json.toString(), state, steps, s.stepsCut(),
                new ArrayList<>(s.callIds()), s.heuristic()));
        }
    }

    private static void dubbo(final InputFile file, final JobOptions o, final Trackers t, final Span span, final List<Part> out) {
        final List<ObjectNode> exchanges = new ArrayList<>();
        DubboView.merged(t.dubbo(), exchanges::add);
        for (final ObjectNode x : exchanges) {
            x.put("file", file.path());
            if ("dubbo".equals(x.path("protocol").asText()) && "unanswered_at_end".equals(x.path("state").asText())) {
                final String key = x.path("connection").path("client").asText() + ' ' + x.path("connection").path("server").asText()
                    + ' ' + x.path("request_id").asText();
                out.add(new Part.DubboPart(key, file.order(), nanos(x.path("ts").asText()), true, x.toString()));
            } else {
                out.add(new Part.Row("dubbo_exchanges", x.toString()));
            }
        }
        final long headEnd = span.first + o.carryWindowNanos();
        for (final DubboFrame r : t.dubbo().unmatchedResponses()) {
            if (r.tsNanos() >= headEnd) {
                continue;
            }
            final boolean aToB = r.direction() == dev.callscope.core.Direction.A_TO_B;
            final String server = (aToB ? r.flow().endpointA() : r.flow().endpointB()).toString();
            final String client = (aToB ? r.flow().endpointB() : r.flow().endpointA()).toString();
            final ObjectNode n = DubboView.response(r);
            n.put("file", file.path());
            out.add(new Part.DubboPart(client + ' ' + server + ' ' + r.requestId(), file.order(), r.tsNanos(), false, n.toString()));
        }
    }

    private static long nanos(final String iso) {
        final java.time.Instant i = java.time.Instant.parse(iso);
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    static byte[] serialize(final RtpStream s) {
        final java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream(4096);
        try (java.io.ObjectOutputStream o = new java.io.ObjectOutputStream(b)) {
            o.writeObject(s);
        } catch (final IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return b.toByteArray();
    }

    /** The first and last frame times and the frame count of a source as it is read. */
    static final class Span {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        long frames;

        PacketSource watching(final PacketSource s) {
            return new PacketSource() {
                @Override
                public boolean next(final RawFrame f) throws IOException {
                    if (!s.next(f)) {
                        return false;
                    }
                    frames++;
                    first = Math.min(first, f.tsNanos);
                    last = Math.max(last, f.tsNanos);
                    return true;
                }

                @Override
                public void onSecrets(final SecretsListener l) {
                    s.onSecrets(l);
                }

                @Override
                public String describe() {
                    return s.describe();
                }

                @Override
                public String format() {
                    return s.format();
                }

                @Override
                public long bytesRead() {
                    return s.bytesRead();
                }

                @Override
                public long size() {
                    return s.size();
                }

                @Override
                public void close() throws IOException {
                    s.close();
                }
            };
        }
    }
}
