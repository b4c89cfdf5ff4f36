package dev.callscope.dissect.dubbo;

import dev.callscope.dissect.Payload;

/**
 * Flyweight over the 16-byte header of a Dubbo exchange frame (Dubbo's {@code ExchangeCodec}).
 * Big-endian; unsigned fields are widened.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Magic (0xdabb)        |R|T|E| Serial. |    Status     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                     Request ID (64 bits)                      +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Body Length (32 bits)                    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   Body (serialized data) ...                  |
 *
 * R: request (0x80)   T: two-way (0x40, requests only)   E: event (0x20, heartbeats)
 * Serial.: serialization id (low 5 bits)   Status: responses only (20 = OK)
 * </pre>
 */
public final class DubboHeader {
    public static final int MAGIC = 0xdabb;
    public static final int MAGIC_OFFSET = 0;
    public static final int FLAG_OFFSET = MAGIC_OFFSET + 2;
    public static final int STATUS_OFFSET = FLAG_OFFSET + 1;
    public static final int REQUEST_ID_OFFSET = STATUS_OFFSET + 1;
    public static final int BODY_LENGTH_OFFSET = REQUEST_ID_OFFSET + 8;
    public static final int HEADER_LENGTH = BODY_LENGTH_OFFSET + 4;

    public static final int FLAG_REQUEST = 0x80;
    public static final int FLAG_TWOWAY = 0x40;
    public static final int FLAG_EVENT = 0x20;
    public static final int SERIALIZATION_MASK = 0x1f;

    private Payload buffer;

    /** Wraps the header at the start of {@code p} (which must hold {@link #HEADER_LENGTH} bytes). */
    public DubboHeader wrap(final Payload p) {
        if (p.length() < HEADER_LENGTH) {
            throw new IllegalArgumentException("a Dubbo header needs " + HEADER_LENGTH + " bytes, got " + p.length());
        }
        this.buffer = p;
        return this;
    }

    public int magic() {
        return buffer.u16(MAGIC_OFFSET);
    }

    public int flags() {
        return buffer.u8(FLAG_OFFSET);
    }

    public boolean request() {
        return (flags() & FLAG_REQUEST) != 0;
    }

    public boolean twoWay() {
        return (flags() & FLAG_TWOWAY) != 0;
    }

    public boolean event() {
        return (flags() & FLAG_EVENT) != 0;
    }

    public int serializationId() {
        return flags() & SERIALIZATION_MASK;
    }

    public int status() {
        return buffer.u8(STATUS_OFFSET);
    }

    public long requestId() {
        return buffer.s64(REQUEST_ID_OFFSET);
    }

    /** Body length as sent (unsigned; may exceed any sane bound). */
    public long bodyLength() {
        return buffer.u32(BODY_LENGTH_OFFSET);
    }

    // ------------------------------------------------------------------ names

    /** Dubbo's serialization name for an id ({@code org.apache.dubbo.common.serialize.Constants}), or null. */
    public static String serializationName(final int id) {
        switch (id) {
            case 2: return "hessian2";
            case 3: return "java";
            case 4: return "compactedjava";
            case 6: return "fastjson";
            case 7: return "nativejava";
            case 8: return "kryo";
            case 9: return "fst";
            case 10: return "native-hessian";
            case 11: return "avro";
            case 12: return "protostuff";
            case 16: return "gson";
            case 21: return "protobuf-json";
            case 22: return "protobuf";
            case 23: return "fastjson2";
            case 25: return "kryo2";
            default: return null;
        }
    }

    /** Dubbo's response status name ({@code Response.OK} ...), or null for an unknown code. */
    public static String statusName(final int status) {
        switch (status) {
            case 20: return "OK";
            case 25: return "SERIALIZATION_ERROR";
            case 30: return "CLIENT_TIMEOUT";
            case 31: return "SERVER_TIMEOUT";
            case 35: return "CHANNEL_INACTIVE";
            case 40: return "BAD_REQUEST";
            case 50: return "BAD_RESPONSE";
            case 60: return "SERVICE_NOT_FOUND";
            case 70: return "SERVICE_ERROR";
            case 80: return "SERVER_ERROR";
            case 90: return "CLIENT_ERROR";
            case 100: return "SERVER_THREADPOOL_EXHAUSTED_ERROR";
            default: return null;
        }
    }

    /**
     * Whether the first {@code available} bytes of {@code p} can start a Dubbo frame: the magic, and
     * once present a known serialization id and, for a response, a known status.
     */
    public static boolean plausible(final Payload p, final int available) {
        final int n = Math.min(available, p.length());
        if (n >= 1 && p.u8(0) != 0xda) {
            return false;
        }
        if (n >= 2 && p.u8(1) != 0xbb) {
            return false;
        }
        if (n >= 3 && serializationName(p.u8(FLAG_OFFSET) & SERIALIZATION_MASK) == null) {
            return false;
        }
        if (n >= 4 && (p.u8(FLAG_OFFSET) & FLAG_REQUEST) == 0 && statusName(p.u8(STATUS_OFFSET)) == null) {
            return false;
        }
        return true;
    }
}
