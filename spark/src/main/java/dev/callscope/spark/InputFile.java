package dev.callscope.spark;

/**
 * One capture file of the job's input, as the driver listed it.
 *
 * @param path the file's Hadoop path ("file:/...", "hdfs://...", "s3a://...")
 * @param size its length in bytes
 * @param firstNanos capture time of its first frame, or -1 when none could be read
 * @param order its place when the files are ordered by first frame (0 first)
 */
public record InputFile(String path, long size, long firstNanos, int order) implements java.io.Serializable {
}
