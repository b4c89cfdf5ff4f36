package dev.callscope.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Byte-level mutation operators in the manner of AFL's havoc stage: bit flips, interesting byte,
 * 16-bit and 32-bit values (both byte orders), length fields near the real lengths, truncation,
 * slice duplication, random insertion and deletion, splicing with another input, and for text
 * protocols number and line mutations. Everything is drawn from the caller's random generator, so
 * one seed always gives the same bytes.
 */
final class Mutator {
    /** Longest result: fits a UDP datagram in IPv4 with room for headers. */
    static final int MAX_LENGTH = 65_000;

    private static final byte[] BYTES = {0x00, (byte) 0xff, 0x7f, (byte) 0x80, 0x01, (byte) 0xfe, (byte) 0x81, 0x40,
        0x20, 0x0a, 0x0d, 0x3a};
    private static final int[] SHORTS = {0, 1, 0x7f, 0x80, 0xff, 0x100, 0x3fff, 0x4000, 0x7ffe, 0x7fff, 0x8000, 0x8001,
        0xfffe, 0xffff};
    private static final int[] INTS = {0, 1, 0x7f, 0x80, 0xff, 0xffff, 0x10000, 0x7fffff, 0xffffff, 0x1000000, 0x7ffffffe,
        0x7fffffff, 0x80000000, 0x80000001, 0xfffffffe, 0xffffffff};
    private static final String[] NUMBERS = {"0", "-1", "1", "255", "256", "65535", "65536", "2147483647", "2147483648",
        "-2147483649", "4294967296", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
        "99999999999999999999999", "000000000000000000000001", "1e9", "0x10", "1.5", "+", "-", ""};
    private static final String[] LINES = {"", ":", "a=", "a=:", "m=", "c=", "v=0", "Content-Length: 999999",
        "Content-Length: -1", "Content-Length:", "l: 4294967296", "Content-Type: application/sdp",
        "Content-Type: message/sip", "Via:", "Call-ID:", "CSeq: 4294967296 INVITE", "\u0000", "\r", "\n", "\t \t",
        "{", "}", "[", "\"", "{\"type\":\"offer\",\"sdp\":\"v=0\\r\\nm=audio 9 RTP/AVP 0\\r\\n\"}", "Upgrade: websocket",
        "Sec-WebSocket-Protocol: sip", "Sec-WebSocket-Extensions: permessage-deflate"};

    private Mutator() {
    }

    /**
     * {@code input} with 1 to 8 stacked mutations applied to {@code [from, to)}; the bytes before
     * {@code from} and after {@code to} are kept. {@code other} (may be null) is spliced in.
     */
    static byte[] mutate(final byte[] input, final int from, final int to, final SplittableRandom r,
                         final byte[] other, final boolean text) {
        byte[] region = Arrays.copyOfRange(input, from, to);
        final int stack = r.nextInt(8) == 0 ? 1 + r.nextInt(8) : 1 + r.nextInt(3);
        for (int i = 0; i < stack; i++) {
            region = once(region, r, other, text, input.length - (to - from));
        }
        if (from == 0 && to == input.length) {
            return region;
        }
        final byte[] out = new byte[from + region.length + input.length - to];
        System.arraycopy(input, 0, out, 0, from);
        System.arraycopy(region, 0, out, from, region.length);
        System.arraycopy(input, to, out, from + region.length, input.length - to);
        return out;
    }

    /** Mutations that keep the length (for bytes inside a frame whose headers must stay right). */
    static void mutateInPlace(final byte[] b, final int from, final int to, final SplittableRandom r) {
        if (to <= from) {
            return;
        }
        final int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) {
            final int at = from + r.nextInt(to - from);
            switch (r.nextInt(5)) {
                case 0 -> b[at] ^= (byte) (1 << r.nextInt(8));
                case 1 -> b[at] = BYTES[r.nextInt(BYTES.length)];
                case 2 -> {
                    if (at + 1 < to) {
                        put(b, at, 2, SHORTS[r.nextInt(SHORTS.length)], r.nextBoolean());
                    }
                }
                case 3 -> {
                    if (at + 3 < to) {
                        put(b, at, 4, INTS[r.nextInt(INTS.length)], r.nextBoolean());
                    }
                }
                default -> b[at] = (byte) r.nextInt(256);
            }
        }
    }

    /** One mutation of {@code b}; {@code outside} bytes surround it (for length-field values). */
    private static byte[] once(final byte[] b, final SplittableRandom r, final byte[] other, final boolean text,
                               final int outside) {
        final int op = r.nextInt(text ? 14 : 12);
        final int n = b.length;
        switch (op) {
            case 0: // bit flips
                if (n > 0) {
                    for (int k = 1 + r.nextInt(4); k > 0; k--) {
                        b[r.nextInt(n)] ^= (byte) (1 << r.nextInt(8));
                    }
                }
                return b;
            case 1: // interesting byte
                if (n > 0) {
                    b[r.nextInt(n)] = BYTES[r.nextInt(BYTES.length)];
                }
                return b;
            case 2: // interesting 16-bit value
                if (n >= 2) {
                    put(b, r.nextInt(n - 1), 2, SHORTS[r.nextInt(SHORTS.length)], r.nextBoolean());
                }
                return b;
            case 3: // interesting 32-bit value
                if (n >= 4) {
                    put(b, r.nextInt(n - 3), 4, INTS[r.nextInt(INTS.length)], r.nextBoolean());
                }
                return b;
            case 4: { // a length field off by a little from a real length
                if (n == 0) {
                    return b;
                }
                final int width = 1 << r.nextInt(3); // 1, 2 or 4 bytes
                if (n < width) {
                    return b;
                }
                final int at = r.nextInt(n - width + 1);
                final int base = switch (r.nextInt(3)) {
                    case 0 -> n - at; // what follows the field
                    case 1 -> n + outside;
                    default -> n;
                };
                put(b, at, width, base + r.nextInt(9) - 4, r.nextBoolean());
                return b;
            }
            case 5: // truncation
                return n == 0 ? b : Arrays.copyOf(b, r.nextInt(n));
            case 6: { // slice duplication, now and then many times over
                if (n == 0) {
                    return b;
                }
                final int a = r.nextInt(n);
                final int len = 1 + r.nextInt(Math.min(n - a, 512));
                final int times = r.nextInt(6) == 0 ? 2 + r.nextInt(200) : 1;
                final int at = r.nextInt(n + 1);
                final int add = (int) Math.min((long) len * times, MAX_LENGTH - n);
                if (add <= 0) {
                    return b;
                }
                final byte[] out = new byte[n + add];
                System.arraycopy(b, 0, out, 0, at);
                for (int k = 0; k < add; k++) {
                    out[at + k] = b[a + k % len];
                }
                System.arraycopy(b, at, out, at + add, n - at);
                return out;
            }
            case 7: { // random insertion
                final int len = 1 + r.nextInt(r.nextInt(8) == 0 ? 1024 : 32);
                final byte[] ins = new byte[Math.min(len, Math.max(0, MAX_LENGTH - n))];
                final boolean same = r.nextInt(3) == 0;
                final byte v = BYTES[r.nextInt(BYTES.length)];
                for (int k = 0; k < ins.length; k++) {
                    ins[k] = same ? v : (byte) r.nextInt(256);
                }
                return insert(b, r.nextInt(n + 1), ins);
            }
            case 8: { // deletion of a slice
                if (n == 0) {
                    return b;
                }
                final int a = r.nextInt(n);
                final int len = 1 + r.nextInt(Math.min(n - a, 256));
                final byte[] out = new byte[n - len];
                System.arraycopy(b, 0, out, 0, a);
                System.arraycopy(b, a + len, out, a, n - a - len);
                return out;
            }
            case 9: // random bytes overwritten
                for (int k = 0; k < n; k++) {
                    if (r.nextInt(16) == 0) {
                        b[k] = (byte) r.nextInt(256);
                    }
                }
                return b;
            case 10: { // splice: this input's head, the other's tail
                if (other == null || other.length == 0) {
                    return b;
                }
                final int head = r.nextInt(n + 1);
                final int from = r.nextInt(other.length);
                final int len = Math.max(0, Math.min(other.length - from, MAX_LENGTH - head));
                final byte[] out = new byte[head + len];
                System.arraycopy(b, 0, out, 0, head);
                System.arraycopy(other, from, out, head, len);
                return out;
            }
            case 11: { // bytes moved within the input
                if (n < 2) {
                    return b;
                }
                final int a = r.nextInt(n);
                final int len = 1 + r.nextInt(Math.min(n - a, 64));
                final int to = r.nextInt(n - len + 1);
                System.arraycopy(b.clone(), a, b, to, len);
                return b;
            }
            case 12: // a number in the text replaced by a boundary value
                return number(b, r);
            default: // a line duplicated, dropped, cut or a strange line inserted
                return line(b, r);
        }
    }

    private static byte[] number(final byte[] b, final SplittableRandom r) {
        int count = 0;
        for (int i = 0; i < b.length; i++) {
            if (isDigit(b[i]) && (i == 0 || !isDigit(b[i - 1]))) {
                count++;
            }
        }
        final byte[] value = NUMBERS[r.nextInt(NUMBERS.length)].getBytes(StandardCharsets.US_ASCII);
        if (count == 0) {
            return insert(b, r.nextInt(b.length + 1), value);
        }
        int pick = r.nextInt(count);
        for (int i = 0; i < b.length; i++) {
            if (isDigit(b[i]) && (i == 0 || !isDigit(b[i - 1])) && pick-- == 0) {
                int end = i;
                while (end < b.length && isDigit(b[end])) {
                    end++;
                }
                return replace(b, i, end, value);
            }
        }
        return b;
    }

    private static byte[] line(final byte[] b, final SplittableRandom r) {
        // line starts
        int lines = 1;
        for (final byte x : b) {
            if (x == '\n') {
                lines++;
            }
        }
        final int pick = r.nextInt(lines);
        int start = 0;
        for (int i = 0, seen = 0; i < b.length && seen < pick; i++) {
            if (b[i] == '\n') {
                seen++;
                start = i + 1;
            }
        }
        int end = start;
        while (end < b.length && b[end] != '\n') {
            end++;
        }
        if (end < b.length) {
            end++; // with its newline
        }
        switch (r.nextInt(5)) {
            case 0: { // duplicated, perhaps many times
                final int times = r.nextInt(4) == 0 ? 2 + r.nextInt(300) : 1;
                final int len = end - start;
                final int add = (int) Math.min((long) len * times, MAX_LENGTH - b.length);
                if (len == 0 || add <= 0) {
                    return b;
                }
                final byte[] ins = new byte[add];
                for (int k = 0; k < add; k++) {
                    ins[k] = b[start + k % len];
                }
                return insert(b, end, ins);
            }
            case 1: // dropped
                return replace(b, start, end, new byte[0]);
            case 2: // cut mid-way
                return end > start ? replace(b, start + r.nextInt(end - start), end, new byte[0]) : b;
            case 3: { // a very long line
                final byte[] ins = new byte[Math.min(1 + r.nextInt(20_000), Math.max(0, MAX_LENGTH - b.length))];
                Arrays.fill(ins, (byte) "xa=:;, /0".charAt(r.nextInt(9)));
                return insert(b, start, ins);
            }
            default: // a strange line
                return insert(b, start, (LINES[r.nextInt(LINES.length)] + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    private static boolean isDigit(final byte x) {
        return x >= '0' && x <= '9';
    }

    static byte[] insert(final byte[] b, final int at, final byte[] ins) {
        return replace(b, at, at, ins);
    }

    static byte[] replace(final byte[] b, final int from, final int to, final byte[] with) {
        final int len = Math.min(with.length, Math.max(0, MAX_LENGTH - (b.length - (to - from))));
        final byte[] out = new byte[b.length - (to - from) + len];
        System.arraycopy(b, 0, out, 0, from);
        System.arraycopy(with, 0, out, from, len);
        System.arraycopy(b, to, out, from + len, b.length - to);
        return out;
    }

    /** {@link #insert} without the length cap (whole capture files). */
    static byte[] insertAny(final byte[] b, final int at, final byte[] ins) {
        return replaceAny(b, at, at, ins);
    }

    /** {@link #replace} without the length cap (whole capture files). */
    static byte[] replaceAny(final byte[] b, final int from, final int to, final byte[] with) {
        final byte[] out = new byte[b.length - (to - from) + with.length];
        System.arraycopy(b, 0, out, 0, from);
        System.arraycopy(with, 0, out, from, with.length);
        System.arraycopy(b, to, out, from + with.length, b.length - to);
        return out;
    }

    /** Writes the low {@code width} bytes of {@code v} at {@code at}. */
    static void put(final byte[] b, final int at, final int width, final long v, final boolean bigEndian) {
        for (int k = 0; k < width; k++) {
            final int shift = 8 * (bigEndian ? width - 1 - k : k);
            b[at + k] = (byte) (v >>> shift);
        }
    }
}
