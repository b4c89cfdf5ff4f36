package dev.callscope.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code callscope-spark [--master URL] INPUT... OUTPUT_DIR}: callscope's analysis of many capture
 * files as one Spark job (docs/spark.md). Local mode (in this JVM, every core) unless a master is
 * given here or by spark-submit.
 */
@Command(name = "callscope-spark", mixinStandardHelpOptions = true, sortOptions = false,
    versionProvider = SparkMain.Version.class,
    description = {
        "Analyses capture files (pcap/pcapng, gzip or not, on any Hadoop file system) with callscope's engine, one task",
        "per file, joins the calls and RTP streams that cross from one file into the next, and writes the tables",
        "calls, sip_messages, rtp_streams, dubbo_exchanges, webrtc_sessions and input_errors under OUTPUT_DIR,",
        "partitioned by day."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:the tables were written (files that could not be read are rows of input_errors)",
        "2:bad usage",
        "3:an input path matches no file, or the output exists (use --overwrite)",
        "4:the job failed (the Spark error is printed; --debug shows the stack trace)"})
public final class SparkMain implements Callable<Integer> {
    static final int OK = 0;
    static final int USAGE = 2;
    static final int INPUT = 3;
    static final int FAILED = 4;

    @Option(names = "--master", paramLabel = "URL",
        description = "Spark master: local[*] (the default unless spark-submit gave one), local[N], spark://HOST:PORT, yarn, k8s://...")
    String master;

    @Option(names = "--format", defaultValue = "parquet", paramLabel = "FORMAT",
        description = "parquet or jsonl (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--overwrite", description = "Replace tables already under OUTPUT_DIR")
    boolean overwrite;

    @Option(names = "--carry-window", defaultValue = "30", paramLabel = "SECONDS",
        description = "A call or stream first seen this long after its file's start may be the rest of one from the file"
            + " before, and one still active this long before its file's end may run on (default: ${DEFAULT-VALUE})")
    double carryWindowSeconds;

    @Option(names = "--max-carried-packets", defaultValue = "20000", paramLabel = "N",
        description = "RTP packets carried per stream part to join it with the file before; a longer part is written"
            + " as a stream of its own (default: ${DEFAULT-VALUE})")
    int maxCarriedPackets;

    @Option(names = "--max-carried-total", defaultValue = "5000000", paramLabel = "N",
        description = "RTP packets carried by one task, all its streams together (about 34 bytes each); streams past it"
            + " are written as streams of their own (default: ${DEFAULT-VALUE})")
    long maxCarriedTotal;

    @Option(names = "--call-linger", defaultValue = "32", paramLabel = "SECONDS",
        description = "Quiet time after which a decided call is over (default: ${DEFAULT-VALUE}, RFC 3261 64*T1)")
    double lingerSeconds;

    @Option(names = "--debug", description = "Show stack traces")
    boolean debug;

    @Parameters(arity = "2..*", paramLabel = "INPUT... OUTPUT_DIR",
        description = "Capture files, globs or directories (file:, hdfs:, s3a: ...), then the output directory")
    List<String> paths = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(final String[] args) {
        quietLogs();
        System.exit(run(args));
    }

    /** Runs the command; the exit code. */
    public static int run(final String... args) {
        final CommandLine cl = new CommandLine(new SparkMain());
        cl.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("callscope-spark: " + e.getMessage());
            e.getCommandLine().getErr().println("Try 'callscope-spark --help' for the usage.");
            return USAGE;
        });
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("callscope-spark: " + e.getMessage());
            if (((SparkMain) line.getCommand()).debug) {
                e.printStackTrace(line.getErr());
            }
            return FAILED;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        if (!"parquet".equals(format) && !"jsonl".equals(format)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format: parquet or jsonl, not " + format);
        }
        if (carryWindowSeconds < 0 || lingerSeconds < 0 || maxCarriedPackets < 0 || maxCarriedTotal < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--carry-window, --call-linger and --max-carried-packets"
                + " must not be negative");
        }
        final List<String> inputs = paths.subList(0, paths.size() - 1);
        final String output = paths.get(paths.size() - 1);
        final SparkSession.Builder b = SparkSession.builder().appName("callscope");
        if (master != null) {
            b.master(master);
        } else if (System.getProperty("spark.master") == null) {
            b.master("local[*]").config("spark.ui.enabled", "false");
        }
        final String m = master != null ? master : System.getProperty("spark.master", "local[*]");
        if (m.startsWith("local") && System.getProperty("spark.driver.host") == null) {
            // everything in this JVM: no need to find this machine's address (which may not resolve)
            b.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
        }
        final SparkSession spark = b.getOrCreate();
        try {
            final CaptureJob.Summary s = CaptureJob.run(spark, inputs, output, new CaptureJob.Settings(format, overwrite,
                (long) (carryWindowSeconds * 1e9), maxCarriedPackets, maxCarriedTotal, (long) (lingerSeconds * 1e9)));
            final StringBuilder line = new StringBuilder();
            line.append(s.files()).append(s.files() == 1 ? " file" : " files").append(" read into ").append(output).append(':');
            for (final Map.Entry<String, Long> e : s.rows().entrySet()) {
                line.append(' ').append(e.getKey()).append(' ').append(e.getValue());
            }
            spec.commandLine().getOut().println(line);
            if (s.carryCut() > 0) {
                spec.commandLine().getErr().println("callscope-spark: " + s.carryCut() + " stream parts had more packets than"
                    + " --max-carried-packets or --max-carried-total keep: written as streams of their own, not joined");
            }
            return s.rows().getOrDefault("input_errors", 0L) > 0 && s.rows().values().stream().mapToLong(Long::longValue).sum()
                == s.rows().get("input_errors") ? INPUT : OK;
        } catch (final java.io.FileNotFoundException | java.nio.file.FileAlreadyExistsException e) {
            spec.commandLine().getErr().println("callscope-spark: " + e.getMessage());
            return INPUT;
        } catch (final Exception e) {
            if (e instanceof org.apache.spark.sql.AnalysisException && e.getMessage() != null
                && e.getMessage().contains("already exists")) {
                spec.commandLine().getErr().println("callscope-spark: " + output + " already holds these tables (--overwrite replaces them)");
                return INPUT;
            }
            throw e;
        } finally {
            spark.stop();
        }
    }

    /** Spark's start-up and progress at INFO would drown the one line this prints: warnings only, unless configured. */
    private static void quietLogs() {
        if (System.getProperty("log4j2.configurationFile") == null && System.getProperty("log4j.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "classpath:callscope-spark-log4j2.properties");
        }
    }

    /** The version of the callscope it runs. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            final Package p = SparkMain.class.getPackage();
            return new String[] {"callscope-spark " + (p.getImplementationVersion() == null ? "0.1.0-SNAPSHOT" : p.getImplementationVersion())};
        }
    }
}
