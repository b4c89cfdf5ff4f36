package dev.callscope.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * The job: every capture file read in one task by callscope's engine, the parts of calls and RTP
 * streams that files share joined in time order, and one table per kind of record written in
 * Parquet (or JSON Lines), partitioned by day.
 */
public final class CaptureJob {
    /** The tables, in the order they are written. */
    public static final List<String> TABLES =
        List.of("calls", "sip_messages", "rtp_streams", "dubbo_exchanges", "webrtc_sessions", "input_errors");

    /** How the job was asked to run. */
    public record Settings(String format, boolean overwrite, long carryWindowNanos, int maxCarriedPackets, long maxCarriedTotal,
                           long lingerNanos) {
    }

    /**
     * What the job did.
     *
     * @param carryCut stream parts that began near their file's start whose packets were more than the
     *     carry bounds keep: written as streams of their own, not joined to the file before
     */
    public record Summary(int files, Map<String, Long> rows, long carryCut) {
    }

    private CaptureJob() {
    }

    private static final long RECORDS_PER_FILE = 200_000;

    private static final org.apache.spark.sql.types.StructType LINES = new org.apache.spark.sql.types.StructType()
        .add("value", org.apache.spark.sql.types.DataTypes.StringType)
        .add("day", org.apache.spark.sql.types.DataTypes.StringType);

    /** The UTC day of a record: its "ts", else "first_ts" (sessions), else "first" (input errors); null without one. */
    static String day(final String json) {
        for (final String f : List.of("\"ts\":\"", "\"first_ts\":\"", "\"first\":\"")) {
            final int i = json.indexOf(f);
            if (i >= 0 && i + f.length() + 10 <= json.length()) {
                return json.substring(i + f.length(), i + f.length() + 10);
            }
        }
        return null;
    }

    /** Lists the files named by paths, globs or directories (a directory: the files in it, not hidden ones). */
    static List<FileStatus> list(final List<String> inputs, final Configuration conf) throws IOException {
        final List<FileStatus> out = new ArrayList<>();
        for (final String in : inputs) {
            final Path p = new Path(in);
            final FileSystem fs = p.getFileSystem(conf);
            final FileStatus[] found = fs.globStatus(p);
            if (found == null || found.length == 0) {
                throw new java.io.FileNotFoundException(in + ": no such file");
            }
            for (final FileStatus s : found) {
                if (s.isDirectory()) {
                    for (final FileStatus c : fs.listStatus(s.getPath())) {
                        final String name = c.getPath().getName();
                        if (c.isFile() && !name.startsWith(".") && !name.startsWith("_")) {
                            out.add(c);
                        }
                    }
                } else {
                    out.add(s);
                }
            }
        }
        out.sort(Comparator.comparing(s -> s.getPath().toString()));
        return out;
    }

    public static Summary run(final SparkSession spark, final List<String> inputs, final String output, final Settings settings)
        throws IOException {
        final JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        final Configuration hc = jsc.hadoopConfiguration();
        final Map<String, String> conf = new HashMap<>();
        for (final Map.Entry<String, String> e : hc) {
            conf.put(e.getKey(), e.getValue());
        }
        if (!settings.overwrite()) {
            final Path out = new Path(output);
            final FileSystem fs = out.getFileSystem(hc);
            for (final String table : TABLES) {
                if (fs.exists(new Path(out, table))) {
                    throw new java.nio.file.FileAlreadyExistsException(output + " already holds the table " + table
                        + " (--overwrite replaces the tables)");
                }
            }
        }
        final List<FileStatus> listed = list(inputs, hc);
        final List<Tuple2<String, Long>> paths = new ArrayList<>();
        for (final FileStatus s : listed) {
            paths.add(new Tuple2<>(s.getPath().toString(), s.getLen()));
        }
        // the first frame of every file, read by the tasks: the files' order and the job's time base
        final List<Tuple2<Tuple2<String, Long>, Long>> firsts = jsc.parallelize(paths, Math.max(1, paths.size()))
            .map(p -> new Tuple2<>(p, FileTask.firstFrameNanos(p._1(), conf))).collect();
        final List<Tuple2<Tuple2<String, Long>, Long>> ordered = new ArrayList<>(firsts);
        ordered.sort(Comparator.<Tuple2<Tuple2<String, Long>, Long>>comparingLong(t -> t._2() < 0 ? Long.MAX_VALUE : t._2())
            .thenComparing(t -> t._1()._1()));
        final List<InputFile> files = new ArrayList<>();
        long base = Long.MAX_VALUE;
        for (final Tuple2<Tuple2<String, Long>, Long> t : ordered) {
            files.add(new InputFile(t._1()._1(), t._1()._2(), t._2(), files.size()));
            if (t._2() >= 0) {
                base = Math.min(base, t._2());
            }
        }
        final JobOptions o = new JobOptions(base == Long.MAX_VALUE ? 0 : base, settings.carryWindowNanos(),
            settings.maxCarriedPackets(), settings.maxCarriedTotal(), settings.lingerNanos(), conf);
        final JavaRDD<Part> parts = jsc.parallelize(files, Math.max(1, files.size()))
            .flatMap(f -> FileTask.read(f, o).iterator());
        parts.persist(StorageLevel.MEMORY_AND_DISK());
        parts.count(); // every file read once, before the joins below read the parts concurrently
        final long carryCut = parts.filter(p -> p instanceof Part.StreamPart s && s.headOpen() && s.stepsCut()).count();
        // the media endpoints of calls that may run on into the next file, with their Call-IDs: a stream
        // the heuristic finds at a file's start to one of them is that call's, though its SDP was earlier
        final Map<String, String> byEndpoint = new HashMap<>(parts
            .filter(p -> p instanceof Part.CallPart c && c.carried())
            .flatMapToPair(p -> {
                final Part.CallPart c = (Part.CallPart) p;
                final List<Tuple2<String, String>> l = new ArrayList<>();
                for (final String e : c.media()) {
                    l.add(new Tuple2<>(e, c.callId()));
                }
                return l.iterator();
            })
            .reduceByKey((a, b) -> a)
            .collectAsMap());
        final org.apache.spark.broadcast.Broadcast<Map<String, String>> announced = jsc.broadcast(byEndpoint);
        final JavaRDD<Tuple2<String, String>> rows = parts
            .filter(p -> p instanceof Part.Row)
            .map(p -> new Tuple2<>(((Part.Row) p).table(), ((Part.Row) p).json()));
        final JavaRDD<Tuple2<String, String>> calls = parts
            .filter(p -> p instanceof Part.CallPart)
            .mapToPair(p -> new Tuple2<>(((Part.CallPart) p).callId(), (Part.CallPart) p))
            .groupByKey()
            .flatMap(g -> CallMerge.merge(g._2(), o).iterator())
            .map(j -> new Tuple2<>("calls", j));
        final JavaRDD<Tuple2<String, String>> streams = parts
            .filter(p -> p instanceof Part.StreamPart)
            .mapToPair(p -> new Tuple2<>(((Part.StreamPart) p).key(), (Part.StreamPart) p))
            .groupByKey()
            .flatMap(g -> StreamMerge.merge(g._2(), o, announced.value()).iterator())
            .map(j -> new Tuple2<>("rtp_streams", j));
        final JavaRDD<Tuple2<String, String>> exchanges = parts
            .filter(p -> p instanceof Part.DubboPart)
            .mapToPair(p -> new Tuple2<>(((Part.DubboPart) p).key(), (Part.DubboPart) p))
            .groupByKey()
            .flatMap(g -> DubboMerge.merge(g._2()).iterator())
            .map(j -> new Tuple2<>("dubbo_exchanges", j));
        final JavaRDD<Tuple2<String, String>> sessions = parts
            .filter(p -> p instanceof Part.WebrtcPart)
            .mapToPair(p -> new Tuple2<>(((Part.WebrtcPart) p).key(), ((Part.WebrtcPart) p).json()))
            .groupByKey()
            .flatMap(g -> WebrtcMerge.merge(g._2()).iterator())
            .map(j -> new Tuple2<>("webrtc_sessions", j));
        final JavaRDD<Tuple2<String, String>> all = rows.union(calls).union(streams).union(exchanges).union(sessions);
        all.persist(StorageLevel.MEMORY_AND_DISK());
        final Map<String, Long> counts = new LinkedHashMap<>();
        final Map<String, Long> byTable = all.map(Tuple2::_1).countByValue();
        for (final String table : TABLES) {
            final long n = byTable.getOrDefault(table, 0L);
            counts.put(table, n);
            final String dir = output + "/" + table;
            if (n == 0) {
                continue;
            }
            // a file per day and ~200,000 records, not one per partition of the joins: small files cost more to
            // write (and to read) than their records
            final JavaRDD<String> records = all.filter(t -> t._1().equals(table)).map(Tuple2::_2)
                .coalesce((int) Math.min(all.getNumPartitions(), n / RECORDS_PER_FILE + 1));
            final String mode = settings.overwrite() ? "overwrite" : "errorifexists";
            if ("jsonl".equals(settings.format())) {
                // the records as the CLI writes them, field for field (a round trip through a schema would
                // drop empty objects and reorder fields)
                final JavaRDD<Row> lines = records.map(j -> org.apache.spark.sql.RowFactory.create(j, day(j)));
                spark.createDataFrame(lines, LINES).write().mode(mode).partitionBy("day").text(dir);
            } else {
                Dataset<Row> df = spark.read().json(spark.createDataset(records.rdd(), Encoders.STRING()));
                final List<org.apache.spark.sql.Column> times = new ArrayList<>();
                for (final String c : List.of("ts", "first_ts", "first")) {
                    if (java.util.Arrays.asList(df.columns()).contains(c)) {
                        times.add(functions.col(c));
                    }
                }
                df = df.withColumn("day", times.isEmpty() ? functions.lit(null).cast("string")
                    : functions.substring(functions.coalesce(times.toArray(org.apache.spark.sql.Column[]::new)), 1, 10));
                df.write().mode(mode).partitionBy("day").parquet(dir);
            }
        }
        parts.unpersist();
        all.unpersist();
        return new Summary(files.size(), counts, carryCut);
    }
}
