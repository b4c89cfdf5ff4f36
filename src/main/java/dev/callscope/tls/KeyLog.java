package dev.callscope.tls;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * TLS and DTLS secrets from NSS key log files (the SSLKEYLOGFILE format that browsers, OpenSSL,
 * Python's {@code ssl} and Wireshark share), indexed by the ClientHello's random. One line is
 * {@code LABEL <client random, 64 hex digits> <secret, hex>}; lines starting with {@code #} and
 * blank lines are comments. Labels:
 * <pre>
 *   CLIENT_RANDOM                      TLS/DTLS 1.2: the 48-byte master secret
 *   CLIENT_HANDSHAKE_TRAFFIC_SECRET    TLS/DTLS 1.3 handshake secrets, each direction
 *   SERVER_HANDSHAKE_TRAFFIC_SECRET
 *   CLIENT_TRAFFIC_SECRET_0            TLS/DTLS 1.3 first application secrets
 *   SERVER_TRAFFIC_SECRET_0
 *   EXPORTER_SECRET                    TLS/DTLS 1.3 exporter (DTLS-SRTP keys)
 *   CLIENT_EARLY_TRAFFIC_SECRET        TLS 1.3 0-RTT (kept, not used)
 * </pre>
 * Lines with an unknown label, a client random that is not 32 bytes or a secret that is not hex
 * are counted as malformed and skipped. Entries past {@code maxEntries} client randoms are counted
 * and skipped. The secrets are never printed: {@link #toString()} names only counts.
 */
public final class KeyLog {
    /** What one connection's key log lines gave. Arrays are null until their line is read. */
    public static final class Secrets {
        byte[] master;
        byte[] clientHandshake;
        byte[] serverHandshake;
        byte[] client0;
        byte[] server0;
        byte[] exporter;
        byte[] clientEarly;

        /** TLS 1.2 master secret. */
        public byte[] master() {
            return master;
        }

        public byte[] clientHandshake() {
            return clientHandshake;
        }

        public byte[] serverHandshake() {
            return serverHandshake;
        }

        public byte[] client0() {
            return client0;
        }

        public byte[] server0() {
            return server0;
        }

        public byte[] exporter() {
            return exporter;
        }

        @Override
        public String toString() {
            return "Secrets[...]";
        }
    }

    private static final int RANDOM_LENGTH = 32;
    /** CLIENT_TRAFFIC_SECRET_N and SERVER_TRAFFIC_SECRET_N for N &gt; 0: accepted and not needed. */
    private static final java.util.regex.Pattern LATER_SECRET = java.util.regex.Pattern.compile("(CLIENT|SERVER)_TRAFFIC_SECRET_[1-9][0-9]{0,9}");
    /** A secret longer than this (SHA-512 would be 64) is not one. */
    private static final int MAX_SECRET = 64;
    /** A line longer than this is not a key log line. */
    private static final int MAX_LINE = 512;

    private final Map<Random, Secrets> byRandom = new HashMap<>();
    private final int maxEntries;
    private long lines;
    private long malformed;
    private long overLimit;
    /** Bumped when secrets are added, so a connection that found none may look again. */
    private long version;

    public KeyLog(final int maxEntries) {
        this.maxEntries = maxEntries;
    }

    /** Reads every line of {@code in} (UTF-8 text; the caller closes it). */
    public void read(final Reader in) throws IOException {
        final BufferedReader r = in instanceof BufferedReader b ? b : new BufferedReader(in);
        String line;
        while ((line = r.readLine()) != null) {
            add(line);
        }
    }

    /** Reads key log text carried in bytes (a pcapng Decryption Secrets Block). */
    public void read(final byte[] text, final int off, final int len) {
        int start = off;
        final int end = off + len;
        for (int i = off; i <= end; i++) {
            if (i == end || text[i] == '\n') {
                int e = i;
                if (e > start && text[e - 1] == '\r') {
                    e--;
                }
                if (e > start) {
                    add(new String(text, start, e - start, StandardCharsets.US_ASCII));
                }
                start = i + 1;
            }
        }
    }

    /**
     * Adds one line.
     *
     * @return false when the line was malformed (counted) or over the limit
     */
    public boolean add(final String raw) {
        final String line = raw.strip();
        if (line.isEmpty() || line.charAt(0) == '#') {
            return true;
        }
        lines++;
        if (line.length() > MAX_LINE) {
            malformed++;
            return false;
        }
        final String[] parts = line.split("\\s+");
        if (parts.length != 3) {
            malformed++;
            return false;
        }
        final byte[] random = hex(parts[1], RANDOM_LENGTH);
        final byte[] secret = hex(parts[2], -1);
        if (random == null || secret == null || secret.length == 0 || secret.length > MAX_SECRET) {
            malformed++;
            return false;
        }
        final Random key = new Random(random);
        Secrets s = byRandom.get(key);
        if (s == null) {
            if (byRandom.size() >= maxEntries) {
                overLimit++;
                return false;
            }
            s = new Secrets();
        }
        switch (parts[0]) {
            case "CLIENT_RANDOM" -> {
                if (secret.length != 48) {
                    malformed++;
                    return false;
                }
                s.master = secret;
            }
            case "CLIENT_HANDSHAKE_TRAFFIC_SECRET" -> s.clientHandshake = secret;
            case "SERVER_HANDSHAKE_TRAFFIC_SECRET" -> s.serverHandshake = secret;
            case "CLIENT_TRAFFIC_SECRET_0" -> s.client0 = secret;
            case "SERVER_TRAFFIC_SECRET_0" -> s.server0 = secret;
            case "EXPORTER_SECRET" -> s.exporter = secret;
            case "CLIENT_EARLY_TRAFFIC_SECRET" -> s.clientEarly = secret;
            default -> {
                if (LATER_SECRET.matcher(parts[0]).matches()) {
                    return true; // OpenSSL logs the secrets after each KeyUpdate too: derived here from _0
                }
                malformed++;
                return false;
            }
        }
        byRandom.put(key, s);
        version++;
        return true;
    }

    /** The secrets logged for a ClientHello random (32 bytes at {@code off}), or null. */
    public Secrets find(final byte[] buf, final int off) {
        final Random key = new Random(Arrays.copyOfRange(buf, off, off + RANDOM_LENGTH));
        Secrets s = byRandom.isEmpty() ? null : byRandom.get(key);
        if (s == null && !followed.isEmpty() && refresh()) {
            s = byRandom.get(key);
        }
        return s;
    }

    // ------------------------------------------------------------------ files still being written

    /** A key log file followed as its writer appends to it (live capture). */
    private static final class Followed {
        final Path path;
        long position;
        final java.io.ByteArrayOutputStream partial = new java.io.ByteArrayOutputStream();

        Followed(final Path path) {
            this.path = path;
        }
    }

    /** Bytes read from a followed file per look at most. */
    private static final int FOLLOW_CHUNK = 1 << 20;
    /** A followed file is looked at again at most this often. */
    private static final long FOLLOW_INTERVAL_NANOS = 5_000_000L;
    private final List<Followed> followed = new ArrayList<>();
    private long lastRefresh = Long.MIN_VALUE / 2;

    /**
     * Reads {@code path} now and again whenever a connection's secrets are missing (at most every
     * few milliseconds): what its writer appends (SSLKEYLOGFILE of a browser or a server running
     * while callscope captures) is used as it arrives. A file that shrank is read again from its start.
     */
    public void follow(final Path path) throws IOException {
        final Followed f = new Followed(path);
        followed.add(f);
        try {
            read(f);
        } catch (java.nio.file.NoSuchFileException | java.io.FileNotFoundException e) {
            // not written yet (a browser creates SSLKEYLOGFILE at its first connection)
        }
    }

    /** Whether some file is followed: a connection without secrets yet may get them shortly. */
    public boolean following() {
        return !followed.isEmpty();
    }

    /** Reads what was appended to the followed files; true when secrets were added. */
    public boolean refresh() {
        final long now = System.nanoTime();
        if (now - lastRefresh < FOLLOW_INTERVAL_NANOS) {
            return false;
        }
        lastRefresh = now;
        final long before = version;
        for (final Followed f : followed) {
            try {
                read(f);
            } catch (IOException e) {
                // the writer may not have created it yet, or rotated it: try again later
            }
        }
        return version != before;
    }

    private void read(final Followed f) throws IOException {
        try (java.io.RandomAccessFile in = new java.io.RandomAccessFile(f.path.toFile(), "r")) {
            final long size = in.length();
            if (size < f.position) {
                f.position = 0;
                f.partial.reset();
            }
            final int n = (int) Math.min(FOLLOW_CHUNK, size - f.position);
            if (n <= 0) {
                return;
            }
            final byte[] buf = new byte[n];
            in.seek(f.position);
            in.readFully(buf);
            f.position += n;
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (buf[i] == '\n') {
                    f.partial.write(buf, start, i - start);
                    final byte[] line = f.partial.toByteArray();
                    f.partial.reset();
                    read(line, 0, line.length);
                    start = i + 1;
                }
            }
            if (f.partial.size() + n - start <= MAX_LINE) {
                f.partial.write(buf, start, n - start);
            } else {
                f.partial.reset(); // no line is this long: skip to the next newline
            }
        }
    }

    /** Client randoms with at least one secret. */
    public int size() {
        return byRandom.size();
    }

    /** Key log lines read (comments and blank lines not counted). */
    public long lines() {
        return lines;
    }

    /** Lines skipped as malformed. */
    public long malformed() {
        return malformed;
    }

    /** Lines skipped because {@code maxEntries} client randoms were already kept. */
    public long overLimit() {
        return overLimit;
    }

    /** Changes whenever secrets are added. */
    public long version() {
        return version;
    }

    @Override
    public String toString() {
        return "KeyLog[" + byRandom.size() + " client randoms, " + malformed + " malformed lines]";
    }

    /** Hex digits to bytes; null when not hex or (with {@code expected} &ge; 0) not that many bytes. */
    static byte[] hex(final String s, final int expected) {
        if ((s.length() & 1) != 0 || expected >= 0 && s.length() != expected * 2) {
            return null;
        }
        final byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            final int hi = Character.digit(s.charAt(2 * i), 16);
            final int lo = Character.digit(s.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }

    /** A client random as a map key. */
    private record Random(byte[] bytes) {
        @Override
        public boolean equals(final Object o) {
            return o instanceof Random r && Arrays.equals(bytes, r.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Random[" + bytes.length + " bytes]";
        }
    }
}
