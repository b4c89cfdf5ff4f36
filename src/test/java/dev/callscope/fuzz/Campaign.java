package dev.callscope.fuzz;

import dev.callscope.cli.Main;
import dev.callscope.core.InputException;
import dev.callscope.core.RawFrame;
import dev.callscope.dissect.DecodeAs;
import dev.callscope.pcap.CaptureFiles;
import dev.callscope.pcap.PcapWriter;
import dev.callscope.pcap.PcapngWriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs fuzz cases under a watchdog and keeps the findings. Each case runs on a worker thread and
 * is bounded in time ({@code caseTimeout}) and in the bytes it may allocate; what it throws, every
 * {@code dissector_bug}, an out-of-memory error, a hang and a runaway allocation are findings. The
 * first finding of each kind (its signature: kind, exception, top stack frame) is minimised
 * (packet level) and written under the findings directory as a capture file with a text file
 * beside it that says how to reproduce it.
 *
 * <p>Case seeds come from the run seed, the target and the case index ({@link #caseSeed}), so a run
 * is repeated by its seed and one case by its case seed.
 */
final class Campaign {
    /** A case may allocate this much plus {@link #ALLOCATION_PER_INPUT_BYTE} per input byte. */
    static final long ALLOCATION_BASE = 256L << 20;
    static final long ALLOCATION_PER_INPUT_BYTE = 512;

    /** One finding. */
    record Finding(String level, String target, String kind, String signature, long caseSeed, String description,
                   String stack, Path file) {
        String oneLine() {
            return level + " " + target + " " + signature + " (case seed " + caseSeed + ")" + (file == null ? "" : " -> " + file);
        }
    }

    /** Figures of one target's run. */
    record Stats(String level, String target, long cases, long frames, long mutated, long reached, long nanos,
                 long maxAllocated, long maxAllocSeed, long maxCaseNanos, long maxCaseSeed, long inputErrors) {
    }

    private final long runSeed;
    private final Path findingsDir;
    private final PrintStream log;
    private final long caseTimeoutMillis;
    private final long slowMillis;
    private final Map<String, Finding> bySignature = new LinkedHashMap<>();
    private final Map<String, Long> counts = new LinkedHashMap<>();
    private final List<Stats> stats = new ArrayList<>();
    private ExecutorService worker = newWorker();
    private volatile Thread workerThread;
    private boolean hung;

    /**
     * @param caseTimeoutMillis a case running longer hangs (the campaign stops)
     * @param slowMillis a case running longer is a "slow" finding (0: none are)
     */
    Campaign(final long runSeed, final Path findingsDir, final PrintStream log, final long caseTimeoutMillis,
             final long slowMillis) {
        this.runSeed = runSeed;
        this.findingsDir = findingsDir;
        this.log = log;
        this.caseTimeoutMillis = caseTimeoutMillis;
        this.slowMillis = slowMillis;
    }

    long runSeed() {
        return runSeed;
    }

    List<Finding> findings() {
        return List.copyOf(bySignature.values());
    }

    List<Stats> stats() {
        return List.copyOf(stats);
    }

    /** Occurrences of each finding signature. */
    Map<String, Long> counts() {
        return Map.copyOf(counts);
    }

    /** Whether a case hung (the campaign stops: its thread cannot be taken back). */
    boolean hung() {
        return hung;
    }

    static long caseSeed(final long run, final String target, final long index) {
        long z = run * 0x9E3779B97F4A7C15L + target.hashCode() * 0xBF58476D1CE4E5B9L + (index + 1) * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    // ---------------------------------------------------------------- packet level

    /**
     * Cases for {@code target} until {@code mutatedFrames} mutated frames were fed (or {@code maxNanos}
     * passed); every {@code renderEvery}-th case renders all views.
     */
    Stats packets(final PacketFuzzer fuzzer, final String target, final long mutatedFrames, final int maxSteps,
                  final int renderEvery, final long maxNanos) {
        final long start = System.nanoTime();
        long cases = 0;
        long frames = 0;
        long mutated = 0;
        long reached = 0;
        long maxAlloc = 0;
        long maxAllocSeed = 0;
        long maxCase = 0;
        long maxCaseSeed = 0;
        while (mutated < mutatedFrames && !hung && System.nanoTime() - start < maxNanos) {
            final long seed = caseSeed(runSeed, target, cases);
            // now and then a long case, where state accumulates over hundreds of frames
            final PacketCase c = fuzzer.next(target, seed, cases % 500 == 499 ? maxSteps * 32 : maxSteps);
            final boolean render = renderEvery > 0 && cases % renderEvery == 0;
            final List<RawFrame> fr = c.frames();
            final long inputBytes = fr.stream().mapToLong(f -> f.capLen).sum();
            final Callable<Pipeline.Outcome> task = () -> Pipeline.run(new ListSource(fr), c.rules, c.config, render);
            final Result res = guarded(task);
            cases++;
            frames += fr.size();
            mutated += c.mutatedSteps();
            final long allocated = steady(res, task);
            if (allocated > maxAlloc) {
                maxAlloc = allocated;
                maxAllocSeed = seed;
            }
            if (res.nanos > maxCase) {
                maxCase = res.nanos;
                maxCaseSeed = seed;
            }
            if (res.outcome != null) {
                reached += res.outcome.byProtocol().getOrDefault(target, 0L);
                if ("sdp".equals(target)) {
                    reached += res.outcome.byProtocol().getOrDefault("sip", 0L);
                }
            }
            final Problem p = confirmed(problem(res, inputBytes), task, inputBytes);
            if (p != null) {
                packetFinding(c, p, render);
            }
            progress(target, cases, mutated, start);
        }
        final Stats s = new Stats("packet", target, cases, frames, mutated, reached, System.nanoTime() - start, maxAlloc,
            maxAllocSeed, maxCase, maxCaseSeed, 0);
        stats.add(s);
        return s;
    }

    private long lastProgress = System.nanoTime();

    /** A line a minute, so that a long run shows it is alive. */
    private void progress(final String target, final long cases, final long mutated, final long start) {
        final long now = System.nanoTime();
        if (now - lastProgress >= 60_000_000_000L) {
            lastProgress = now;
            log.printf(Locale.ROOT, "  ... %s: %d cases, %d mutated frames, %.0f s, %d findings so far%n", target, cases,
                mutated, (now - start) / 1e9, bySignature.size());
        }
    }

    private void packetFinding(final PacketCase c, final Problem p, final boolean render) {
        final String signature = p.signature;
        if (count(signature) > 1) {
            return;
        }
        PacketCase min = c;
        if (p.reproducible) {
            min = minimize(c, signature, render);
        }
        final String base = "packet-" + c.target + "-" + Long.toHexString(c.seed);
        final Path file = writeFrames(base, c.frames());
        final Path minFile = min == c ? null : writeFrames(base + "-min", min.frames());
        final String desc = c.describe() + (min == c ? "" : "\nminimised: " + min.describe());
        final Finding f = new Finding("packet", c.target, p.kind, signature, c.seed, desc, p.stack, minFile != null ? minFile : file);
        note(f, c.rules, c.config, file, minFile);
    }

    /** The smallest case (fewer frames, shorter payloads) that gives the same signature, within a bounded effort. */
    private PacketCase minimize(final PacketCase c, final String signature, final boolean render) {
        final long deadline = System.nanoTime() + 60_000_000_000L;
        int tries = 0;
        List<PacketCase.Step> steps = new ArrayList<>(c.steps);
        for (int chunk = Math.max(1, steps.size() / 2); chunk >= 1 && tries < 3000; chunk /= 2) {
            for (int i = 0; i < steps.size() && tries < 3000 && System.nanoTime() < deadline; ) {
                final List<PacketCase.Step> t = new ArrayList<>(steps.subList(0, i));
                t.addAll(steps.subList(Math.min(steps.size(), i + chunk), steps.size()));
                tries++;
                if (!t.isEmpty() && reproduces(c.withSteps(t), signature, render)) {
                    steps = t;
                } else {
                    i += chunk;
                }
            }
        }
        for (int s = 0; s < steps.size() && tries < 3000 && System.nanoTime() < deadline; s++) {
            byte[] b = steps.get(s).bytes();
            for (int chunk = Math.max(1, b.length / 2); chunk >= 1 && tries < 3000; chunk /= 2) {
                for (int i = 0; i < b.length && tries < 3000 && System.nanoTime() < deadline; ) {
                    final byte[] shorter = Mutator.replaceAny(b, i, Math.min(b.length, i + chunk), new byte[0]);
                    final List<PacketCase.Step> t = new ArrayList<>(steps);
                    t.set(s, steps.get(s).withBytes(shorter));
                    tries++;
                    if (reproduces(c.withSteps(t), signature, render)) {
                        b = shorter;
                        steps = t;
                    } else {
                        i += chunk;
                    }
                }
            }
        }
        log.printf(Locale.ROOT, "  minimised %s: %d -> %d frames, %d -> %d bytes (%d tries)%n", signature, c.steps.size(),
            steps.size(), bytes(c.steps), bytes(steps), tries);
        return c.withSteps(steps);
    }

    private static long bytes(final List<PacketCase.Step> steps) {
        return steps.stream().mapToLong(s -> s.bytes().length).sum();
    }

    private boolean reproduces(final PacketCase c, final String signature, final boolean render) {
        final List<RawFrame> fr = c.frames();
        final Result res = guarded(() -> Pipeline.run(new ListSource(fr), c.rules, c.config, render));
        final Problem p = problem(res, Long.MAX_VALUE / 1024);
        return p != null && p.signature.equals(signature);
    }

    // ---------------------------------------------------------------- container level

    /**
     * {@code files} container cases through the readers and the engine; every {@code cliEvery}-th
     * also through the command line in-process (temporary files under {@code tmp}).
     */
    Stats containers(final ContainerFuzzer fuzzer, final long files, final int cliEvery, final int renderEvery,
                     final Path tmp, final long maxNanos) {
        final long start = System.nanoTime();
        long cases = 0;
        long frames = 0;
        long maxAlloc = 0;
        long maxAllocSeed = 0;
        long maxCase = 0;
        long maxCaseSeed = 0;
        long inputErrors = 0;
        while (cases < files && !hung && System.nanoTime() - start < maxNanos) {
            final long seed = caseSeed(runSeed, "container", cases);
            final ContainerFuzzer.Input in = fuzzer.next(seed);
            final boolean render = renderEvery > 0 && cases % renderEvery == 0;
            final boolean cli = cliEvery > 0 && cases % cliEvery == 0;
            final int config = (int) (seed & 7);
            final String command = COMMANDS[(int) ((cases / Math.max(1, cliEvery)) % COMMANDS.length)];
            final Callable<Pipeline.Outcome> task = () -> {
                Pipeline.Outcome o;
                try {
                    o = Pipeline.run(CaptureFiles.open(new ByteArrayInputStream(in.bytes()), in.name()), List.of(), config, render);
                } catch (InputException e) {
                    checkMessage(e, in.name());
                    o = new Pipeline.Outcome(null, List.of(), List.of(), -1, Map.of(), BugCatcher.copied());
                }
                if (cli) {
                    cli(in, command, tmp);
                }
                return o;
            };
            final Result res = guarded(task);
            cases++;
            if (res.outcome != null && res.outcome.frames() >= 0) {
                frames += res.outcome.frames();
            } else if (res.error == null) {
                inputErrors++;
            }
            final long allocated = steady(res, task);
            if (allocated > maxAlloc) {
                maxAlloc = allocated;
                maxAllocSeed = seed;
            }
            if (res.nanos > maxCase) {
                maxCase = res.nanos;
                maxCaseSeed = seed;
            }
            final Problem p = confirmed(problem(res, in.bytes().length), task, in.bytes().length);
            progress("container", cases, cases, start);
            if (p != null && count(p.signature) == 1) {
                final Path file = write("container-" + Long.toHexString(seed) + (in.name().endsWith(".pcapng") ? ".pcapng" : ".pcap"),
                    in.bytes());
                final Finding f = new Finding("container", "reader", p.kind, p.signature, seed,
                    in.how() + " (" + in.bytes().length + " bytes" + (cli ? ", command line: " + command : "") + ")", p.stack, file);
                note(f, List.of(), config, file, null);
            }
        }
        final Stats s = new Stats("container", "pcap/pcapng", cases, frames, cases, frames, System.nanoTime() - start,
            maxAlloc, maxAllocSeed, maxCase, maxCaseSeed, inputErrors);
        stats.add(s);
        return s;
    }

    private static final String[] COMMANDS = {"read", "read --json", "flows --json", "calls", "rtp --json", "dubbo",
        "webrtc --json", "sip", "read --jsonl"};

    /** An input error must be one line naming the input. */
    private static void checkMessage(final InputException e, final String name) {
        final String m = e.getMessage();
        if (m == null || m.isBlank() || m.indexOf('\n') >= 0 || m.indexOf('\r') >= 0 || !m.startsWith(name)) {
            throw new IllegalStateException("input error message is not one line naming the input: " + m, e);
        }
    }

    /** The command line in-process: exit 0, or 3 with one error line; anything else is a finding. */
    private static void cli(final ContainerFuzzer.Input in, final String command, final Path tmp) throws IOException {
        Files.createDirectories(tmp);
        final Path f = tmp.resolve(in.name());
        Files.write(f, in.bytes());
        try {
            final StringWriter out = new StringWriter();
            final StringWriter err = new StringWriter();
            final List<String> args = new ArrayList<>(Arrays.asList(command.split(" ")));
            args.add(f.toString());
            final int code = Main.run(new PrintWriter(out), new PrintWriter(err), args.toArray(new String[0]));
            final String e = err.toString();
            final boolean ok = code == 0 && e.isEmpty()
                || code == 3 && e.startsWith("callscope: error: ") && e.indexOf('\n') == e.length() - 1;
            if (!ok) {
                throw new IllegalStateException("callscope " + command + ": exit " + code + ", stderr: " + e.strip());
            }
        } finally {
            Files.deleteIfExists(f);
        }
    }

    // ---------------------------------------------------------------- running one case

    /**
     * What a guarded case gave: its outcome or error, the bytes it allocated, how long it took, and
     * for a slow case the project frame most often on top of its stack.
     */
    private record Result(Pipeline.Outcome outcome, Throwable error, boolean timedOut, String hangStack, long allocated,
                          long nanos, String hotFrame) {
        Result timed(final long n, final String hot) {
            return new Result(outcome, error, timedOut, hangStack, allocated, n, hot);
        }
    }

    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Result guarded(final Callable<Pipeline.Outcome> task) {
        final long start = System.nanoTime();
        final Future<Result> f = worker.submit(() -> {
            final long before = THREADS.getCurrentThreadAllocatedBytes();
            try {
                final Pipeline.Outcome o = task.call();
                final long engine = THREADS.getCurrentThreadAllocatedBytes() - before - (o == null ? 0 : o.harnessBytes());
                return new Result(o, null, false, null, engine, 0, null);
            } catch (Throwable t) {
                return new Result(null, t, false, null, THREADS.getCurrentThreadAllocatedBytes() - before, 0, null);
            }
        });
        final Map<String, Integer> hot = new LinkedHashMap<>();
        try {
            while (true) {
                try {
                    final Result r = f.get(20, TimeUnit.MILLISECONDS);
                    final String top = hot.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
                        .orElse(null);
                    return r.timed(System.nanoTime() - start, top);
                } catch (TimeoutException e) {
                    final long elapsed = (System.nanoTime() - start) / 1_000_000;
                    final Thread t = workerThread;
                    if (slowMillis > 0 && elapsed > slowMillis / 2 && t != null) {
                        // a poor man's profiler: where the slow case spends its time
                        final String top = topFrame(t.getStackTrace());
                        if (top != null) {
                            hot.merge(top, 1, Integer::sum);
                        }
                    }
                    if (elapsed >= caseTimeoutMillis) {
                        final StringBuilder sb = new StringBuilder();
                        if (t != null) {
                            for (final StackTraceElement el : t.getStackTrace()) {
                                sb.append("\tat ").append(el).append('\n');
                            }
                        }
                        f.cancel(true);
                        worker.shutdownNow();
                        worker = newWorker();
                        hung = true;
                        return new Result(null, null, true, sb.toString(), 0, System.nanoTime() - start, null);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            return new Result(null, e.getCause(), false, null, 0, System.nanoTime() - start, null);
        }
    }

    private static String topFrame(final StackTraceElement[] st) {
        for (final StackTraceElement e : st) {
            if (e.getClassName().startsWith("dev.callscope") && !e.getClassName().startsWith("dev.callscope.fuzz")) {
                return e.getClassName() + "." + e.getMethodName() + ":" + e.getLineNumber();
            }
        }
        return null;
    }

    private ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            final Thread t = new Thread(r, "fuzz-case");
            t.setDaemon(true);
            workerThread = t;
            return t;
        });
    }

    /** A problem found in a result, or null. */
    private record Problem(String kind, String signature, String stack, boolean reproducible) {
    }

    private Problem problem(final Result r, final long inputBytes) {
        if (r.timedOut) {
            final String top = r.hangStack.lines().filter(l -> l.contains("dev.callscope")).findFirst().orElse("?").trim();
            return new Problem("hang", "hang@" + top, r.hangStack, false);
        }
        if (r.error != null) {
            final String kind = r.error instanceof OutOfMemoryError ? "out_of_memory" : "exception";
            return new Problem(kind, kind + ":" + signature(r.error), stack(r.error), kind.equals("exception"));
        }
        final Pipeline.Outcome o = r.outcome;
        if (o.escaped() != null) {
            return new Problem("exception", "exception:" + signature(o.escaped()), stack(o.escaped()), true);
        }
        if (!o.caught().isEmpty()) {
            final BugCatcher.Caught c = o.caught().get(0);
            return new Problem("dissector_bug", c.dissector() + "." + c.method() + ":" + signature(c.error()),
                stack(c.error()), true);
        }
        if (!o.bugs().isEmpty()) {
            final String d = o.bugs().get(0).detail().replaceAll("[0-9]+", "N");
            return new Problem("dissector_bug", o.bugs().get(0).code() + ":" + d, o.bugs().get(0).toString(), true);
        }
        if (r.allocated > ALLOCATION_BASE + ALLOCATION_PER_INPUT_BYTE * inputBytes) {
            return new Problem("allocation", "allocation:" + (r.allocated >> 20) + "MiB", "", false);
        }
        if (slowMillis > 0 && r.nanos > slowMillis * 1_000_000L) {
            return new Problem("slow", "slow@" + r.hotFrame, "took " + r.nanos / 1_000_000 + " ms; most samples in "
                + r.hotFrame + "\n", false);
        }
        return null;
    }

    /**
     * The bytes a case allocates once the code it runs is loaded: a case that allocates more than
     * 16 MiB is run again and the smaller figure kept (loading hessian-lite or Jackson the first
     * time allocates tens of MiB on the case's thread).
     */
    private long steady(final Result r, final Callable<Pipeline.Outcome> task) {
        if (r.allocated <= 16L << 20 || hung) {
            return r.allocated;
        }
        return Math.min(r.allocated, guarded(task).allocated);
    }

    /**
     * A slow (or allocating) case is run again and is a finding only if it is slow again: the first
     * run of a code path also pays for loading and compiling it, which on a busy machine can take
     * seconds and tens of MiB.
     */
    private Problem confirmed(final Problem p, final Callable<Pipeline.Outcome> task, final long inputBytes) {
        if (p == null || !p.kind.equals("slow") && !p.kind.equals("allocation") || hung) {
            return p;
        }
        return problem(guarded(task), inputBytes);
    }

    /** Exception class and the first stack frame in the project (or the first one). */
    static String signature(final Throwable t) {
        if (t instanceof IllegalStateException && t.getMessage() != null
            && (t.getMessage().startsWith("input error message") || t.getMessage().startsWith("callscope "))) {
            // a contract broken at the edge (message, exit code): the message says which
            final String m = t.getMessage().replaceAll("[0-9]+", "N");
            return "contract:" + m.substring(0, Math.min(m.length(), 120));
        }
        final StackTraceElement[] st = t.getStackTrace();
        StackTraceElement top = st.length > 0 ? st[0] : null;
        for (final StackTraceElement e : st) {
            if (e.getClassName().startsWith("dev.callscope") && !e.getClassName().startsWith("dev.callscope.fuzz")) {
                top = e;
                break;
            }
        }
        return t.getClass().getName() + "@" + (top == null ? "?" : top.getClassName() + "." + top.getMethodName() + ":"
            + top.getLineNumber());
    }

    static String stack(final Throwable t) {
        final StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    private long count(final String signature) {
        return counts.merge(signature, 1L, Long::sum);
    }

    // ---------------------------------------------------------------- findings on disk

    private void note(final Finding f, final List<DecodeAs> rules, final int config, final Path file, final Path minFile) {
        bySignature.put(f.signature(), f);
        final StringBuilder sb = new StringBuilder();
        sb.append("level: ").append(f.level()).append('\n');
        sb.append("target: ").append(f.target()).append('\n');
        sb.append("kind: ").append(f.kind()).append('\n');
        sb.append("signature: ").append(f.signature()).append('\n');
        sb.append("run seed: ").append(runSeed).append('\n');
        sb.append("case seed: ").append(f.caseSeed()).append('\n');
        sb.append("case: ").append(f.description()).append('\n');
        sb.append("config: ").append(config).append('\n');
        sb.append("decode-as: ").append(String.join(",", rules.stream().map(DecodeAs::toString).toList())).append('\n');
        if (file != null) {
            sb.append("file: ").append(file).append('\n');
        }
        if (minFile != null) {
            sb.append("minimised file: ").append(minFile).append('\n');
        }
        final Path replay = minFile != null ? minFile : file;
        if (replay != null) {
            sb.append("replay: mvn -o -q test -Pfuzz -Dtest=FuzzCampaignTest#replay -Dfuzz.replay=").append(replay).append('\n');
        }
        sb.append("stack:\n").append(f.stack());
        log.println("FINDING " + f.oneLine());
        log.println("  " + f.stack().lines().limit(8).reduce((a, b) -> a + "\n  " + b).orElse(""));
        if (file != null) {
            write(file.getFileName().toString().replaceAll("\\.pcap(ng)?$", "") + ".txt",
                sb.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    private Path writeFrames(final String base, final List<RawFrame> frames) {
        final boolean one = frames.stream().mapToInt(f -> f.linkType).distinct().count() <= 1;
        final Path p = findingsDir.resolve(base + (one ? ".pcap" : ".pcapng"));
        try {
            Files.createDirectories(findingsDir);
            try (OutputStream os = Files.newOutputStream(p)) {
                if (one) {
                    final PcapWriter w = new PcapWriter(os, frames.isEmpty() ? 1 : frames.get(0).linkType, 262_144, true,
                        ByteOrder.LITTLE_ENDIAN);
                    for (final RawFrame f : frames) {
                        w.write(f);
                    }
                    w.close();
                } else {
                    final PcapngWriter w = new PcapngWriter(os, "callscope fuzz");
                    for (final RawFrame f : frames) {
                        w.write(f);
                    }
                    w.close();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    private Path write(final String name, final byte[] bytes) {
        try {
            Files.createDirectories(findingsDir);
            final Path p = findingsDir.resolve(name);
            Files.write(p, bytes);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The figures and findings, one line each. */
    String report() {
        final StringBuilder sb = new StringBuilder();
        sb.append("(reached: frames the target dissector took, SIP frames for sdp; frames of container cases read)\n");
        sb.append(String.format(Locale.ROOT, "fuzz run seed %d, max heap %d MiB%n", runSeed,
            Runtime.getRuntime().maxMemory() >> 20));
        sb.append(String.format(Locale.ROOT, "%-9s %-11s %8s %10s %10s %10s %7s %8s %9s %9s%n", "level", "target", "cases",
            "frames", "mutated", "reached", "seconds", "frames/s", "max alloc", "max case"));
        for (final Stats s : stats) {
            final double sec = s.nanos() / 1e9;
            sb.append(String.format(Locale.ROOT, "%-9s %-11s %8d %10d %10d %10d %7.1f %8.0f %5d MiB %6d ms%n", s.level(),
                s.target(), s.cases(), s.frames(), s.mutated(), s.reached(), sec, s.frames() / Math.max(sec, 1e-9),
                s.maxAllocated() >> 20, s.maxCaseNanos() / 1_000_000));
            sb.append(String.format(Locale.ROOT, "          (most allocating case: seed %d; slowest: seed %d)%n", s.maxAllocSeed(),
                s.maxCaseSeed()));
            if (s.level().equals("container")) {
                sb.append(String.format(Locale.ROOT, "          (%d files ended in an input error, %d read to the end)%n",
                    s.inputErrors(), s.cases() - s.inputErrors()));
            }
        }
        sb.append(bySignature.isEmpty() ? "no findings" : bySignature.size() + " distinct findings:").append('\n');
        for (final Finding f : bySignature.values()) {
            sb.append("  ").append(counts.get(f.signature())).append("x ").append(f.oneLine()).append('\n');
        }
        return sb.toString();
    }

    void close() {
        worker.shutdownNow();
    }
}
