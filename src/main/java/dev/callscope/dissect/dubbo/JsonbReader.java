package dev.callscope.dissect.dubbo;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bounded reader for one value in fastjson2's binary JSON format (JSONB), the format of Dubbo's
 * fastjson2 serialization. It gives generic Java objects only: null, Boolean, Integer/Long/Byte/Short,
 * Float/Double, BigInteger/BigDecimal, Character, String, {@code List} for arrays, {@code LinkedHashMap}
 * for objects (a typed object carries the type name the capture gave under {@link Summary#TYPE_KEY};
 * nothing named by the capture is ever loaded), and {@link Note}s for what is shown rather than
 * rebuilt (references, binary, dates and times, strings in a charset this JVM lacks).
 *
 * <p>Every length and count is checked against the bytes left before anything is allocated; strings
 * are cut at {@link #MAX_STRING_BYTES}, containers keep at most {@link #MAX_KEPT} items (the rest is
 * read and dropped), nesting stops at {@link #MAX_DEPTH} and a value at {@link #MAX_NODES} nodes.
 * Malformed input ends in a {@link Malformed} exception, the only exception {@link #read} throws.
 *
 * <p>Type codes (one byte, signed): -16..47 an int; 48..63 and 64..71 two- and three-byte ints; 72 a
 * 32-bit int; 73..120 an ASCII string of 0..47 bytes; 121..126 ASCII, UTF-8, UTF-16 (with BOM), UTF-16LE,
 * UTF-16BE and GB18030 strings with a length; 127 a symbol; -112 char; -111 binary; -110 typed value;
 * -109 reference; -108..-93 arrays of 0..15 items; -92 array with a length; -91/-90 object end/start;
 * -89..-82 dates, times and timestamps; -81 null; -80/-79 false/true; -78..-73 doubles and floats;
 * -72/-71 decimals; -70/-69 big integers; -68 short; -67 byte; -66 long; -65 long in 4 bytes;
 * -64..-57, -56..-41 and -40..-17 three-, two- and one-byte longs.
 */
final class JsonbReader {
    static final int MAX_DEPTH = 48;
    static final int MAX_NODES = 100_000;
    static final int MAX_KEPT = 256;
    static final int MAX_STRING_BYTES = 64 * 1024;
    static final int MAX_SYMBOLS = 1024;
    static final int MAX_BIGINT_BYTES = 512;

    private static final int BC_CHAR = -112;
    private static final int BC_BINARY = -111;
    private static final int BC_TYPED_ANY = -110;
    private static final int BC_REFERENCE = -109;
    private static final int BC_ARRAY_FIX_0 = -108;
    private static final int BC_ARRAY_FIX_MAX = -93;
    private static final int BC_ARRAY = -92;
    private static final int BC_OBJECT_END = -91;
    private static final int BC_OBJECT = -90;
    private static final int BC_LOCAL_TIME = -89;
    private static final int BC_LOCAL_DATETIME = -88;
    private static final int BC_LOCAL_DATE = -87;
    private static final int BC_TIMESTAMP_WITH_TIMEZONE = -86;
    private static final int BC_TIMESTAMP_MILLIS = -85;
    private static final int BC_TIMESTAMP_SECONDS = -84;
    private static final int BC_TIMESTAMP_MINUTES = -83;
    private static final int BC_TIMESTAMP = -82;
    private static final int BC_NULL = -81;
    private static final int BC_FALSE = -80;
    private static final int BC_TRUE = -79;
    private static final int BC_DOUBLE_NUM_0 = -78;
    private static final int BC_DOUBLE_NUM_1 = -77;
    private static final int BC_DOUBLE_LONG = -76;
    private static final int BC_DOUBLE = -75;
    private static final int BC_FLOAT_INT = -74;
    private static final int BC_FLOAT = -73;
    private static final int BC_DECIMAL_LONG = -72;
    private static final int BC_DECIMAL = -71;
    private static final int BC_BIGINT_LONG = -70;
    private static final int BC_BIGINT = -69;
    private static final int BC_INT16 = -68;
    private static final int BC_INT8 = -67;
    private static final int BC_INT64 = -66;
    private static final int BC_INT64_INT = -65;
    private static final int BC_INT64_SHORT_MIN = -64;
    private static final int BC_INT64_SHORT_ZERO = -60;
    private static final int BC_INT64_SHORT_MAX = -57;
    private static final int BC_INT64_BYTE_MIN = -56;
    private static final int BC_INT64_BYTE_ZERO = -48;
    private static final int BC_INT64_BYTE_MAX = -41;
    private static final int BC_INT64_NUM_MIN = -40;
    private static final int BC_INT64_NUM_MAX = -17;
    private static final int INT64_NUM_LOW_VALUE = -8;
    private static final int BC_INT32_NUM_MIN = -16;
    private static final int BC_INT32_NUM_MAX = 47;
    private static final int BC_INT32_BYTE_MIN = 48;
    private static final int BC_INT32_BYTE_ZERO = 56;
    private static final int BC_INT32_BYTE_MAX = 63;
    private static final int BC_INT32_SHORT_MIN = 64;
    private static final int BC_INT32_SHORT_ZERO = 68;
    private static final int BC_INT32_SHORT_MAX = 71;
    private static final int BC_INT32 = 72;
    private static final int BC_STR_ASCII_FIX_MIN = 73;
    private static final int BC_STR_ASCII_FIX_MAX = 120;
    private static final int BC_STR_ASCII = 121;
    private static final int BC_STR_UTF8 = 122;
    private static final int BC_STR_UTF16 = 123;
    private static final int BC_STR_UTF16LE = 124;
    private static final int BC_STR_UTF16BE = 125;
    private static final int BC_STR_GB18030 = 126;
    private static final int BC_SYMBOL = 127;

    private static final Charset GB18030 = gb18030();

    /** Why a value could not be read; carries no stack trace (it is expected on captured garbage). */
    static final class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Malformed(final String message) {
            super(message, null, false, false);
        }
    }

    /** A value shown as text rather than rebuilt: {@code <ref $.cause>}, {@code <12 bytes>}, a date. */
    record Note(String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    private final byte[] a;
    private final int end;
    private int pos;
    private int nodes;
    /** Symbols (field and type names) this value defined, by number; each JSONB value has its own. */
    private final Map<Integer, String> symbols = new HashMap<>();

    private JsonbReader(final byte[] a, final int off, final int len) {
        this.a = a;
        this.pos = off;
        this.end = off + len;
    }

    /** The value at {@code a[off..off+len)}; bytes after it are ignored. Throws only {@link Malformed}. */
    static Object read(final byte[] a, final int off, final int len) {
        if (a == null || off < 0 || len < 0 || off > a.length - len) {
            throw new Malformed("bad bounds");
        }
        try {
            return new JsonbReader(a, off, len).any(0);
        } catch (Malformed e) {
            throw e;
        } catch (RuntimeException e) {
            // a JDK conversion refusing a value the checks above let through: malformed all the same
            throw new Malformed(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    // ------------------------------------------------------------------ bytes

    private int u8() {
        if (pos >= end) {
            throw new Malformed("value ends early");
        }
        return a[pos++] & 0xFF;
    }

    private int s8() {
        return (byte) u8();
    }

    private int peek() {
        if (pos >= end) {
            throw new Malformed("value ends early");
        }
        return a[pos];
    }

    private void need(final long n) {
        if (n < 0 || n > end - pos) {
            throw new Malformed("length " + n + " runs past the value (" + (end - pos) + " bytes left)");
        }
    }

    private int int32Raw() {
        need(4);
        final int v = (a[pos] << 24) | ((a[pos + 1] & 0xFF) << 16) | ((a[pos + 2] & 0xFF) << 8) | (a[pos + 3] & 0xFF);
        pos += 4;
        return v;
    }

    private long int64Raw() {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (a[pos + i] & 0xFFL);
        }
        pos += 8;
        return v;
    }

    private static boolean isIntCode(final int t) {
        return (t >= BC_BIGINT_LONG && t <= BC_INT32) || t == BC_TIMESTAMP_MINUTES || t == BC_TIMESTAMP_SECONDS
            || t == BC_TIMESTAMP_MILLIS;
    }

    private static boolean isStringCode(final int t) {
        return t >= BC_STR_ASCII_FIX_MIN && t <= BC_STR_GB18030;
    }

    /** An integer in any of JSONB's int and long encodings (lengths, symbols, scales, nanos). */
    private long integer() {
        final int t = s8();
        if (t >= BC_INT32_NUM_MIN && t <= BC_INT32_NUM_MAX) {
            return t;
        }
        if (t >= BC_INT32_BYTE_MIN && t <= BC_INT32_BYTE_MAX) {
            return ((t - BC_INT32_BYTE_ZERO) << 8) + u8();
        }
        if (t >= BC_INT32_SHORT_MIN && t <= BC_INT32_SHORT_MAX) {
            return ((t - BC_INT32_SHORT_ZERO) << 16) + (u8() << 8) + u8();
        }
        if (t >= BC_INT64_NUM_MIN && t <= BC_INT64_NUM_MAX) {
            return INT64_NUM_LOW_VALUE + (t - BC_INT64_NUM_MIN);
        }
        if (t >= BC_INT64_BYTE_MIN && t <= BC_INT64_BYTE_MAX) {
            return ((t - BC_INT64_BYTE_ZERO) << 8) + u8();
        }
        if (t >= BC_INT64_SHORT_MIN && t <= BC_INT64_SHORT_MAX) {
            return ((long) (t - BC_INT64_SHORT_ZERO) << 16) + (u8() << 8) + u8();
        }
        switch (t) {
            case BC_INT8:
                return s8();
            case BC_INT16:
                return (short) ((u8() << 8) | u8());
            case BC_INT32:
            case BC_INT64_INT:
                return int32Raw();
            case BC_INT64:
                return int64Raw();
            case BC_TIMESTAMP_SECONDS:
                return int32Raw() * 1000L;
            case BC_TIMESTAMP_MINUTES:
                return int32Raw() * 60_000L;
            case BC_TIMESTAMP_MILLIS:
                return int64Raw();
            default:
                throw new Malformed("expected an integer, found type code " + t);
        }
    }

    private int int32() {
        final long v = integer();
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new Malformed("integer " + v + " out of range");
        }
        return (int) v;
    }

    // ------------------------------------------------------------------ strings

    /** A string whose type code {@code t} was just read; negative lengths name a shared symbol table. */
    private Object string(final int t) {
        final int len;
        if (t >= BC_STR_ASCII_FIX_MIN && t <= BC_STR_ASCII_FIX_MAX) {
            len = t - BC_STR_ASCII_FIX_MIN;
        } else {
            len = int32();
        }
        if (len < 0) {
            if (t == BC_STR_ASCII) {
                // a name from a symbol table both ends agreed on in advance (not used by Dubbo)
                return new Note("<symbol " + -(long) len + ">");
            }
            throw new Malformed("negative string length " + len);
        }
        need(len);
        final Charset cs;
        switch (t) {
            case BC_STR_UTF8: cs = StandardCharsets.UTF_8; break;
            case BC_STR_UTF16: cs = StandardCharsets.UTF_16; break;
            case BC_STR_UTF16LE: cs = StandardCharsets.UTF_16LE; break;
            case BC_STR_UTF16BE: cs = StandardCharsets.UTF_16BE; break;
            case BC_STR_GB18030: cs = GB18030; break;
            default: cs = StandardCharsets.ISO_8859_1; break;
        }
        final int start = pos;
        pos += len;
        if (cs == null) {
            return new Note("<gb18030 string, " + len + " bytes>");
        }
        if (len <= MAX_STRING_BYTES) {
            return new String(a, start, len, cs);
        }
        return new String(a, start, MAX_STRING_BYTES, cs) + "...";
    }

    /** A symbol (code 127 just read): a new name and its number, or the number of one defined before. */
    private Object symbol() {
        if (isIntCode(peek())) {
            final long n = integer();
            final String name = symbols.get((int) n);
            return name != null ? name : new Note("<symbol " + n + ">");
        }
        final int t = s8();
        if (!isStringCode(t)) {
            throw new Malformed("symbol with type code " + t);
        }
        final Object name = string(t);
        final long n = integer();
        if (name instanceof String && symbols.size() < MAX_SYMBOLS) {
            symbols.put((int) n, (String) name);
        }
        return name;
    }

    // ------------------------------------------------------------------ values

    private Object any(final int depth) {
        if (++nodes > MAX_NODES) {
            throw new Malformed("more than " + MAX_NODES + " values");
        }
        if (depth > MAX_DEPTH) {
            throw new Malformed("nesting deeper than " + MAX_DEPTH);
        }
        final int t = peek();
        if (t >= BC_INT32_NUM_MIN && t <= BC_INT32) {
            return (int) integer();
        }
        if (t >= BC_INT64_SHORT_MIN && t <= BC_INT64_NUM_MAX || t == BC_INT64 || t == BC_INT64_INT) {
            return integer();
        }
        pos++;
        if (t >= BC_STR_ASCII_FIX_MIN && t <= BC_STR_GB18030) {
            return string(t);
        }
        if (t >= BC_ARRAY_FIX_0 && t <= BC_ARRAY) {
            return array(t == BC_ARRAY ? int32() : t - BC_ARRAY_FIX_0, depth);
        }
        switch (t) {
            case BC_NULL: return null;
            case BC_TRUE: return Boolean.TRUE;
            case BC_FALSE: return Boolean.FALSE;
            case BC_INT8: return (byte) s8();
            case BC_INT16: return (short) ((u8() << 8) | u8());
            case BC_DOUBLE_NUM_0: return 0.0d;
            case BC_DOUBLE_NUM_1: return 1.0d;
            case BC_DOUBLE_LONG: return (double) integer();
            case BC_DOUBLE: return Double.longBitsToDouble(int64Raw());
            case BC_FLOAT_INT: return (float) int32();
            case BC_FLOAT: return Float.intBitsToFloat(int32Raw());
            case BC_DECIMAL_LONG: return BigDecimal.valueOf(integer());
            case BC_DECIMAL: {
                final int scale = int32();
                final BigInteger unscaled = bigInteger();
                return unscaled == null ? null : new BigDecimal(unscaled, scale);
            }
            case BC_BIGINT_LONG: return BigInteger.valueOf(integer());
            case BC_BIGINT: return bigIntegerBytes();
            case BC_CHAR: return (char) int32();
            case BC_SYMBOL: return symbol();
            case BC_BINARY: {
                final int len = int32();
                need(len);
                pos += len;
                return new Note("<" + len + " bytes>");
            }
            case BC_REFERENCE: return reference();
            case BC_TYPED_ANY: return typed(depth);
            case BC_OBJECT: return object(null, depth);
            case BC_LOCAL_TIME: {
                final int h = s8();
                final int m = s8();
                final int s = s8();
                return new Note(String.format("%02d:%02d:%02d%s", h, m, s, nanos(int32())));
            }
            case BC_LOCAL_DATETIME: {
                final int y = (short) ((u8() << 8) | u8());
                final int mo = s8();
                final int d = s8();
                final int h = s8();
                final int mi = s8();
                final int s = s8();
                return new Note(String.format("%04d-%02d-%02dT%02d:%02d:%02d%s", y, mo, d, h, mi, s, nanos(int32())));
            }
            case BC_LOCAL_DATE: {
                final int y = (short) ((u8() << 8) | u8());
                final int mo = s8();
                final int d = s8();
                return new Note(String.format("%04d-%02d-%02d", y, mo, d));
            }
            case BC_TIMESTAMP_WITH_TIMEZONE: {
                final int y = (short) ((u8() << 8) | u8());
                final int mo = s8();
                final int d = s8();
                final int h = s8();
                final int mi = s8();
                final int s = s8();
                final String n = nanos(int32());
                final int zt = s8();
                final Object zone = zt == BC_SYMBOL ? symbol() : isStringCode(zt) ? string(zt) : null;
                if (zone == null) {
                    throw new Malformed("zoned date-time without a zone");
                }
                return new Note(String.format("%04d-%02d-%02dT%02d:%02d:%02d%s[%s]", y, mo, d, h, mi, s, n, zone));
            }
            case BC_TIMESTAMP_MILLIS: return new java.util.Date(int64Raw());
            case BC_TIMESTAMP_SECONDS: return new java.util.Date(int32Raw() * 1000L);
            case BC_TIMESTAMP_MINUTES: return new java.util.Date(int32Raw() * 60_000L);
            case BC_TIMESTAMP: {
                final long seconds = integer();
                final int nano = int32();
                return new Note("Instant(" + seconds + "s" + (nano == 0 ? "" : "+" + nano + "ns") + ")");
            }
            default:
                throw new Malformed("unknown type code " + t + " at " + (pos - 1));
        }
    }

    private static String nanos(final int nano) {
        return nano == 0 ? "" : String.format(".%09d", nano);
    }

    private BigInteger bigIntegerBytes() {
        final int len = int32();
        need(len);
        if (len == 0 || len > MAX_BIGINT_BYTES) {
            throw new Malformed("big integer of " + len + " bytes");
        }
        final BigInteger v = new BigInteger(a, pos, len);
        pos += len;
        return v;
    }

    /** A decimal's unscaled value: any integer encoding, or a big integer's bytes. */
    private BigInteger bigInteger() {
        final int t = peek();
        if (t == BC_BIGINT || t == BC_BINARY) {
            pos++;
            return bigIntegerBytes();
        }
        if (t == BC_BIGINT_LONG) {
            pos++;
            return BigInteger.valueOf(integer());
        }
        if (t == BC_NULL) {
            pos++;
            return null;
        }
        return BigInteger.valueOf(integer());
    }

    private Note reference() {
        final int t = s8();
        if (!isStringCode(t)) {
            throw new Malformed("reference without a path");
        }
        final Object path = string(t);
        return new Note("<ref " + Summary.text(path, 128) + ">");
    }

    /**
     * A typed value (code -110 just read): the type name, new or by symbol number, then the value. Plain
     * JDK maps and lists lose their type (as hessian2's untyped maps do); other names are kept as text.
     */
    private Object typed(final int depth) {
        final String type = typeName(symbol().toString());
        final String kept = type.startsWith("java.util.") && (type.endsWith("Map") || type.endsWith("List")) ? null : type;
        if (pos < end && a[pos] == BC_OBJECT) {
            pos++;
            return object(kept, depth);
        }
        final Object v = any(depth + 1);
        if (v instanceof Map && kept != null) {
            @SuppressWarnings("unchecked")
            final Map<Object, Object> m = (Map<Object, Object>) v;
            m.putIfAbsent(Summary.TYPE_KEY, kept);
        }
        return v;
    }

    /** fastjson2 writes some JDK types by a short name ("LM", "IllegalStateException"): the full name, as text. */
    static String typeName(final String wire) {
        final String full = SHORT_NAMES.get(wire);
        return full != null ? full : wire;
    }

    private static final Map<String, String> SHORT_NAMES = shortNames();

    private static Map<String, String> shortNames() {
        final Map<String, String> m = new HashMap<>();
        m.put("A", "java.util.ArrayList");
        m.put("M", "java.util.HashMap");
        m.put("LM", "java.util.LinkedHashMap");
        m.put("JSONObject", "com.alibaba.fastjson2.JSONObject");
        m.put("JSONArray", "com.alibaba.fastjson2.JSONArray");
        for (final String n : ("Exception RuntimeException IllegalArgumentException IllegalStateException NullPointerException "
            + "IndexOutOfBoundsException StringIndexOutOfBoundsException NumberFormatException SecurityException "
            + "IllegalAccessException IllegalAccessError IllegalMonitorStateException IllegalThreadStateException "
            + "InstantiationException InstantiationError InternalError InterruptedException LinkageError "
            + "NegativeArraySizeException NoClassDefFoundError NoSuchFieldError NoSuchFieldException NoSuchMethodError "
            + "NoSuchMethodException OutOfMemoryError StackOverflowError TypeNotPresentException VerifyError "
            + "StackTraceElement Object Number String Boolean Byte Short Character Integer Long Float Double "
            + "AutoCloseable Cloneable").split(" ")) {
            m.put(n, "java.lang." + n);
        }
        for (final String n : ("ArrayList HashMap HashSet LinkedHashSet LinkedList TreeMap TreeSet Hashtable IdentityHashMap "
            + "WeakHashMap Date Calendar Currency Locale UUID BitSet").split(" ")) {
            m.put(n, "java.util." + n);
        }
        for (final String n : ("ConcurrentHashMap ConcurrentLinkedDeque ConcurrentLinkedQueue ConcurrentSkipListMap "
            + "ConcurrentSkipListSet TimeUnit").split(" ")) {
            m.put(n, "java.util.concurrent." + n);
        }
        m.put("AtomicInteger", "java.util.concurrent.atomic.AtomicInteger");
        m.put("AtomicLong", "java.util.concurrent.atomic.AtomicLong");
        m.put("BigDecimal", "java.math.BigDecimal");
        m.put("BigInteger", "java.math.BigInteger");
        return Map.copyOf(m);
    }

    private List<Object> array(final int n, final int depth) {
        if (n < 0) {
            throw new Malformed("negative array length " + n);
        }
        need(n); // every item takes at least one byte
        final List<Object> out = new ArrayList<>(Math.min(n, MAX_KEPT));
        for (int i = 0; i < n; i++) {
            final Object v = any(depth + 1);
            if (i < MAX_KEPT) {
                out.add(v);
            }
        }
        return out;
    }

    private Map<Object, Object> object(final String type, final int depth) {
        final Map<Object, Object> m = new LinkedHashMap<>();
        if (type != null) {
            m.put(Summary.TYPE_KEY, type);
        }
        while (true) {
            if (++nodes > MAX_NODES) {
                throw new Malformed("more than " + MAX_NODES + " values");
            }
            final int t = peek();
            if (t == BC_OBJECT_END) {
                pos++;
                return m;
            }
            final Object key = key(t, depth);
            final Object v = any(depth + 1);
            if ("@type".equals(key) && v instanceof String) {
                m.putIfAbsent(Summary.TYPE_KEY, v);
            } else if (m.size() < MAX_KEPT) {
                m.put(key instanceof String ? key : String.valueOf(key), v);
            }
        }
    }

    private Object key(final int t, final int depth) {
        if (t == BC_SYMBOL) {
            pos++;
            return symbol();
        }
        if (isStringCode(t)) {
            pos++;
            return string(t);
        }
        if (t == BC_NULL) {
            pos++;
            return "null";
        }
        // numbers, booleans, even objects can be keys of a Map: summarise them
        return Summary.of(any(depth + 1), 128);
    }

    private static Charset gb18030() {
        try {
            return Charset.isSupported("GB18030") ? Charset.forName("GB18030") : null;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
