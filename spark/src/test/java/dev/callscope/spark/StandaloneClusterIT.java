package dev.callscope.spark;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job given to spark-submit for a standalone cluster of this machine (a master and a worker, each a
 * JVM of its own, the worker starting the executor in a third) gives what {@code callscope calls --json}
 * and {@code rtp --json} give on the whole capture. The cluster runs from Spark's jars alone, laid out as
 * a Spark distribution's SPARK_HOME, so the executor has the job's classes only from
 * callscope-spark-app.jar, as on a real cluster.
 */
class StandaloneClusterIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HOST = "127.0.0.1";
    private static final int CALLS = 120;
    private static final int FILES = 4;
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration JOB = Duration.ofMinutes(3);
    private static final Duration STOP = Duration.ofSeconds(15);
    private static final HttpClient HTTP = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
        .connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    static Path dir;
    static Path whole;
    static List<Path> parts;
    static List<String> opens;
    static Path sparkHome;
    static Path work;
    static String masterUrl;
    static URI masterJson;
    /** The JVMs this test started, in the order it started them. */
    static final List<Process> started = new ArrayList<>();
    static final Map<Process, String> names = new HashMap<>();
    static SparkSession reader;

    @BeforeAll
    static void cluster() throws Exception {
        // 120 calls, one every 150 ms, 4 s of RTP each: ~27 calls up at each of the 3 cuts (every ~5.5 s)
        whole = SplitCaptures.whole(dir, CALLS, 150, 4_000);
        parts = SplitCaptures.split(whole, Files.createDirectories(dir.resolve("parts")), FILES);
        final String o = System.getProperty("spark.jvm.opens");
        assertThat(o).as("spark.jvm.opens (set by the build)").isNotBlank();
        opens = List.of(o.trim().split("\\s+"));
        sparkHome = sparkHome(Files.createDirectories(dir.resolve("spark-home")));
        work = Files.createDirectories(dir.resolve("work"));

        final int port = freePort();
        final int masterUi = freePort();
        masterUrl = "spark://" + HOST + ":" + port;
        masterJson = URI.create("http://" + HOST + ":" + masterUi + "/json/");
        // no REST submission server (it would take port 6066): spark-submit talks to the master over its RPC port
        final Process master = start("master", List.of("-Xmx512m", "-Dspark.master.rest.enabled=false"),
            "org.apache.spark.deploy.master.Master",
            "--host", HOST, "--port", Integer.toString(port), "--webui-port", Integer.toString(masterUi));
        // the worker only once the master answers: a worker that finds no master tries again seconds later
        awaitJson("the master's web UI", masterJson, j -> j.has("aliveworkers"), master);
        final Process worker = start("worker", List.of("-Xmx512m"), "org.apache.spark.deploy.worker.Worker",
            "--host", HOST, "--cores", "2", "--memory", "1g", "--webui-port", Integer.toString(freePort()),
            "--work-dir", work.toString(), masterUrl);
        awaitJson("the worker registered with the master", masterJson, j -> j.path("aliveworkers").asInt() == 1,
            master, worker);
    }

    @AfterAll
    static void stop() {
        try {
            if (reader != null) {
                reader.stop();
            }
        } finally {
            for (int i = started.size() - 1; i >= 0; i--) {
                stop(started.get(i));
            }
            unlinkJars();
        }
    }

    @Test
    void theJobOnTheClusterEqualsTheCliOnTheWholeCapture() throws Exception {
        final Path out = dir.resolve("out");
        final Path appJar = Path.of(System.getProperty("spark.app.jar"));
        assertThat(appJar).as("built by package").isRegularFile();
        final List<String> args = new ArrayList<>(List.of("--master", masterUrl, "--deploy-mode", "client",
            "--class", SparkMain.class.getName(),
            "--conf", "spark.ui.enabled=false",
            "--conf", "spark.driver.host=" + HOST,
            "--conf", "spark.driver.bindAddress=" + HOST,
            "--conf", "spark.executor.memory=512m",
            "--conf", "spark.executor.extraJavaOptions=" + String.join(" ", opens),
            // in client mode the driver runs in the spark-submit JVM, which start() gives them already
            "--conf", "spark.driver.extraJavaOptions=" + String.join(" ", opens),
            appJar.toString(), "--format", "parquet"));
        parts.forEach(p -> args.add(p.toString()));
        args.add(out.toString());
        final Process submit = start("submit", List.of("-Xmx1g"), "org.apache.spark.deploy.SparkSubmit",
            args.toArray(String[]::new));
        assertThat(submit.waitFor(JOB.toMillis(), MILLISECONDS)).as(() -> "spark-submit done within " + JOB + logs()).isTrue();
        assertThat(submit.exitValue()).as(() -> "spark-submit's exit code" + logs()).isZero();
        assertThat(read(dir.resolve("submit.out"))).as(StandaloneClusterIT::logs).contains(FILES + " files read into " + out + ": calls " + CALLS);

        // the application ran on the cluster: the master saw it finish, and its one executor, which the
        // worker started with the application jar from the driver, ran the tasks of every stage
        final JsonNode apps = awaitJson("the application finished", masterJson,
            j -> j.path("activeapps").isEmpty() && j.path("completedapps").size() == 1).get("completedapps");
        assertThat(apps.get(0).get("name").asText()).isEqualTo("callscope");
        assertThat(apps.get(0).get("state").asText()).isEqualTo("FINISHED");
        final List<Path> executors = executorLogs();
        assertThat(executors).as(() -> "executors the worker started" + logs()).hasSize(1);
        assertThat(executors.get(0).resolveSibling(appJar.getFileName())).as("the jar the executor fetched").isRegularFile();
        final String executor = read(executors.get(0));
        // first frames (one task per file), the files read (one per file), the joins, the tables
        assertThat(executor.lines().filter(l -> l.contains("Finished task"))).as(executor).hasSizeGreaterThan(2 * FILES);

        WholeCapture.sameCallsAndStreams(whole, table(out, "calls"), table(out, "rtp_streams"), CALLS, FILES);
    }

    /**
     * A Spark distribution's layout in {@code home}: jars/ with links to Spark's jars (the build lists
     * them in spark.jars.classpath), conf/ with the cluster's logging.
     */
    private static Path sparkHome(final Path home) throws IOException {
        final String listed = Files.readString(Path.of(System.getProperty("spark.jars.classpath"))).trim();
        final Path jars = Files.createDirectories(home.resolve("jars"));
        for (final String entry : listed.split(File.pathSeparator)) {
            final Path jar = Path.of(entry);
            Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar);
        }
        try (Stream<Path> in = Files.list(jars)) {
            final List<String> names = in.map(p -> p.getFileName().toString()).toList();
            assertThat(names).anyMatch(n -> n.startsWith("spark-core_2.13-"))
                .noneMatch(n -> n.startsWith("callscope-") || n.startsWith("picocli-"));
        }
        final Path conf = Files.createDirectories(home.resolve("conf"));
        try (InputStream log = StandaloneClusterIT.class.getResourceAsStream("/spark-cluster-log4j2.properties")) {
            assertThat(log).as("spark-cluster-log4j2.properties").isNotNull();
            Files.copy(log, conf.resolve("log4j2.properties"));
        }
        return home;
    }

    /** Removes the links to Spark's jars, which the temporary directory's clean-up would warn of one by one. */
    private static void unlinkJars() {
        if (sparkHome == null) {
            return;
        }
        try (Stream<Path> links = Files.list(sparkHome.resolve("jars"))) {
            for (final Path link : links.filter(Files::isSymbolicLink).toList()) {
                Files.delete(link);
            }
        } catch (final IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Starts {@code main} in a JVM of its own with Spark's class path, as Spark's scripts do: its output in
     * NAME.out, its log in NAME.log, SPARK_HOME the distribution laid out by {@link #sparkHome}.
     */
    private static Process start(final String name, final List<String> jvm, final String main, final String... args)
        throws IOException {
        final List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvm);
        cmd.addAll(opens);
        cmd.add("-cp");
        cmd.add(sparkHome.resolve("conf") + File.pathSeparator + sparkHome.resolve("jars").resolve("*"));
        cmd.add(main);
        cmd.addAll(Arrays.asList(args));
        final ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(dir.resolve(name + ".out").toFile())
            .redirectError(dir.resolve(name + ".log").toFile());
        final Map<String, String> env = pb.environment();
        // an installed Spark's or Hadoop's settings stay out
        env.keySet().removeIf(k -> k.startsWith("SPARK_") || k.startsWith("HADOOP_") || k.startsWith("YARN_"));
        env.put("SPARK_HOME", sparkHome.toString());
        // what Spark's scripts set: the worker's executor command is built from them
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("SPARK_LOCAL_IP", HOST);
        env.put("SPARK_LOCAL_HOSTNAME", HOST);
        env.put("SPARK_LOCAL_DIRS", Files.createDirectories(dir.resolve("local")).toString());
        final Process p = pb.start();
        started.add(p);
        names.put(p, name);
        return p;
    }

    /**
     * Polls {@code uri} every 250 ms until its JSON is {@code done} (that JSON), for at most {@link #START};
     * fails at once if one of {@code running} has ended.
     */
    private static JsonNode awaitJson(final String what, final URI uri, final Predicate<JsonNode> done,
                                      final Process... running) throws InterruptedException {
        final long deadline = System.nanoTime() + START.toNanos();
        String last = "no answer";
        while (System.nanoTime() - deadline < 0) {
            for (final Process p : running) {
                assertThat(p.isAlive()).as(() -> names.get(p) + " running while waiting for " + what + logs()).isTrue();
            }
            try {
                final HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
                last = r.statusCode() + " " + r.body();
                if (r.statusCode() == 200) {
                    final JsonNode j = JSON.readTree(r.body());
                    if (done.test(j)) {
                        return j;
                    }
                }
            } catch (final IOException e) {
                last = e.toString();
            }
            Thread.sleep(250);
        }
        throw new AssertionError(what + ": not within " + START + " (" + uri + ": " + last + ")" + logs());
    }

    /** Ends a JVM this test started, and what it started (the worker's executors): asked first, then forced. */
    private static void stop(final Process p) {
        final List<ProcessHandle> children = p.descendants().toList();
        end(p.toHandle());
        children.forEach(StandaloneClusterIT::end);
    }

    private static void end(final ProcessHandle h) {
        if (!h.isAlive()) {
            return;
        }
        h.destroy();
        if (!exited(h)) {
            h.destroyForcibly();
            if (!exited(h)) {
                System.err.println("StandaloneClusterIT: process " + h.pid() + " still running after SIGKILL");
            }
        }
    }

    private static boolean exited(final ProcessHandle h) {
        try {
            h.onExit().get(STOP.toMillis(), MILLISECONDS);
            return true;
        } catch (final TimeoutException e) {
            return false;
        } catch (final ExecutionException e) {
            throw new IllegalStateException(e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The stderr of every executor the worker started (WORK_DIR/APP_ID/EXECUTOR_ID/stderr). */
    private static List<Path> executorLogs() throws IOException {
        try (Stream<Path> apps = Files.list(work)) {
            final List<Path> logs = new ArrayList<>();
            for (final Path app : apps.filter(a -> a.getFileName().toString().startsWith("app-")).toList()) {
                try (Stream<Path> executors = Files.list(app)) {
                    executors.map(e -> e.resolve("stderr")).filter(Files::isRegularFile).forEach(logs::add);
                }
            }
            return logs;
        }
    }

    /** The end of every log of the cluster so far, for a failure's message. */
    private static String logs() {
        final StringBuilder b = new StringBuilder();
        final List<Path> files = new ArrayList<>();
        for (final String name : List.of("master", "worker", "submit")) {
            files.add(dir.resolve(name + ".log"));
            files.add(dir.resolve(name + ".out"));
        }
        try {
            if (work != null && Files.isDirectory(work)) {
                files.addAll(executorLogs());
            }
        } catch (final IOException e) {
            b.append("\n(executor logs: ").append(e).append(')');
        }
        for (final Path f : files) {
            if (Files.isRegularFile(f)) {
                final List<String> lines = read(f).lines().toList();
                b.append("\n--- ").append(dir.relativize(f)).append(lines.size() > 40 ? " (last 40 lines)" : "").append('\n');
                lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> b.append(l).append('\n'));
            }
        }
        return b.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return s.getLocalPort();
        }
    }

    private static List<JsonNode> table(final Path output, final String name) throws IOException {
        if (reader == null) {
            reader = SparkSession.builder().master("local[1]").appName("read").config("spark.ui.enabled", "false")
                .config("spark.driver.host", HOST).config("spark.driver.bindAddress", HOST).getOrCreate();
        }
        final List<JsonNode> rows = new ArrayList<>();
        for (final String line : reader.read().parquet(output.resolve(name).toString()).toJSON().collectAsList()) {
            rows.add(JSON.readTree(line));
        }
        return rows;
    }

    private static String read(final Path p) {
        try {
            return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
        } catch (final IOException e) {
            return "(" + p + ": " + e + ")";
        }
    }
}
