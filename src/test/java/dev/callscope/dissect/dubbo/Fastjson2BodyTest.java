package dev.callscope.dissect.dubbo;

import static dev.callscope.decode.Frames.A4;
import static dev.callscope.decode.Frames.B4;
import static dev.callscope.decode.Frames.eth;
import static dev.callscope.decode.Frames.ipv4;
import static dev.callscope.decode.Frames.tcp;
import static org.assertj.core.api.Assertions.assertThat;

import com.alibaba.fastjson2.JSONB;
import com.alibaba.fastjson2.JSONWriter;
import dev.callscope.core.LinkType;
import dev.callscope.core.RawFrame;
import dev.callscope.decode.Frames;
import dev.callscope.dissect.DissectorRegistry;
import dev.callscope.engine.Engine;
import dev.callscope.engine.EngineOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.dubbo.common.serialize.ObjectOutput;
import org.apache.dubbo.common.serialize.fastjson2.FastJson2Serialization;
import org.junit.jupiter.api.Test;

/**
 * fastjson2 (serialization 23) bodies, written by Dubbo's own FastJson2Serialization in DubboCodec's
 * order, decoded by callscope's own JSONB reader; malformed and mutated input; the whole path through
 * the engine.
 */
class Fastjson2BodyTest {
    static final String SERVICE = "com.example.GreetService";
    static final String DESC = "Ljava/lang/String;ILjava/util/Map;Ldev/callscope/dissect/dubbo/Fastjson2BodyTest$Person;[BJ";

    /** An argument type the decoder must never load (it is on the class path, so a careless decoder could). */
    public static final class Person implements Serializable {
        private static final long serialVersionUID = 1L;
        public String name;
        public int age;
        public List<String> tags;
        public Person friend;

        Person() {
        }

        Person(final String name, final int age, final List<String> tags) {
            this.name = name;
            this.age = age;
            this.tags = tags;
        }
    }

    @FunctionalInterface
    interface Writes {
        void to(ObjectOutput out) throws IOException;
    }

    /** A body exactly as Dubbo's fastjson2 serialization writes it. */
    static byte[] body(final Writes w) throws IOException {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();
        final ObjectOutput out = new FastJson2Serialization().serialize(null, b);
        w.to(out);
        out.flushBuffer();
        return b.toByteArray();
    }

    static Map<String, Object> attachments() {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("traceId", "4bf92f3577b34da6a3ce929d0e0e4736");
        m.put("timeout", 3000);
        m.put("path", SERVICE);
        return m;
    }

    /** The request DubboCodec.encodeRequestData writes: strings, then each argument, then the attachments. */
    static byte[] request() throws IOException {
        final Map<String, Object> map = new LinkedHashMap<>();
        map.put("k", 7L);
        map.put("price", new BigDecimal("12.50"));
        map.put("when", LocalDate.of(2024, 5, 5));
        final Person p = new Person("Ada", 36, List.of("math", "engines"));
        p.friend = p; // a cycle: written as a reference
        return body(out -> {
            out.writeUTF("2.0.2");
            out.writeUTF(SERVICE);
            out.writeUTF("1.0.0");
            out.writeUTF("greet");
            out.writeUTF(DESC);
            out.writeObject("héllo 世界");
            out.writeObject(42);
            out.writeObject(map);
            out.writeObject(p);
            out.writeObject(new byte[] {1, 2, 3, 4, 5});
            out.writeObject(-5_000_000_000L);
            out.writeAttachments(attachments());
        });
    }

    static Hessian2Bodies.Result decode(final byte[] b, final boolean request, final int status) {
        return OtherBodies.decode(23, b, 0, b.length, request, false, status);
    }

    @Test
    void aRequestWrittenByDubboDecodes() throws IOException {
        final Hessian2Bodies.Result r = decode(request(), true, -1);
        assertThat(r.broken()).as(r.body().problem()).isFalse();
        final DubboBody b = r.body();
        assertThat(b.dubboVersion()).isEqualTo("2.0.2");
        assertThat(b.service()).isEqualTo(SERVICE);
        assertThat(b.version()).isEqualTo("1.0.0");
        assertThat(b.method()).isEqualTo("greet");
        assertThat(b.parameterTypes()).isEqualTo(DESC);
        assertThat(b.arguments()).hasSize(6);
        assertThat(b.arguments().get(0)).isEqualTo("\"héllo 世界\"");
        assertThat(b.arguments().get(1)).isEqualTo("42");
        assertThat(b.arguments().get(2)).isEqualTo("{k=7, price=12.50, when=2024-05-05}");
        assertThat(b.arguments().get(3)).startsWith("Fastjson2BodyTest$Person{")
            .contains("name=\"Ada\"", "age=36", "tags=[\"math\", \"engines\"]", "friend=<ref ..>");
        assertThat(b.arguments().get(4)).isEqualTo("<5 bytes>");
        assertThat(b.arguments().get(5)).isEqualTo("-5000000000");
        assertThat(b.attachments()).containsEntry("traceId", "4bf92f3577b34da6a3ce929d0e0e4736")
            .containsEntry("timeout", "3000").containsEntry("path", SERVICE);
    }

    @Test
    void responsesWrittenByDubboDecode() throws IOException {
        final Map<String, Object> att = Map.of("dubbo", "2.0.2");
        // value with attachments
        Hessian2Bodies.Result r = decode(body(out -> {
            out.writeByte((byte) Hessian2Bodies.RESPONSE_VALUE_WITH_ATTACHMENTS);
            out.writeObject(new Person("Bob", 7, List.of()));
            out.writeAttachments(att);
        }), false, 20);
        assertThat(r.broken()).as(r.body().problem()).isFalse();
        assertThat(r.body().resultKind()).isEqualTo("value+attachments");
        assertThat(r.body().value()).startsWith("Fastjson2BodyTest$Person{").contains("name=\"Bob\"", "age=7");
        assertThat(r.body().attachments()).containsEntry("dubbo", "2.0.2");
        // exception with attachments
        r = decode(body(out -> {
            out.writeByte((byte) Hessian2Bodies.RESPONSE_WITH_EXCEPTION_WITH_ATTACHMENTS);
            out.writeThrowable(new IllegalStateException("boom: no greeting today"));
            out.writeAttachments(att);
        }), false, 20);
        assertThat(r.broken()).as(r.body().problem()).isFalse();
        assertThat(r.body().resultKind()).isEqualTo("exception+attachments");
        assertThat(r.body().exceptionClass()).isEqualTo("java.lang.IllegalStateException");
        assertThat(r.body().exceptionMessage()).isEqualTo("boom: no greeting today");
        assertThat(r.body().attachments()).containsEntry("dubbo", "2.0.2");
        // null value, old style without attachments
        r = decode(body(out -> out.writeByte((byte) Hessian2Bodies.RESPONSE_NULL_VALUE)), false, 20);
        assertThat(r.broken()).isFalse();
        assertThat(r.body().resultKind()).isEqualTo("null");
        // a status other than OK carries the error text
        r = decode(body(out -> out.writeUTF("Service not found: com.example.Nope")), false, 60);
        assertThat(r.body().errorMessage()).isEqualTo("Service not found: com.example.Nope");
        // heartbeat: a serialized null
        final byte[] hb = body(out -> out.writeEvent(null));
        assertThat(OtherBodies.decode(23, hb, 0, hb.length, true, true, -1).body().eventData()).isEqualTo("null");
    }

    @Test
    void everyJsonbStringEncodingDecodes() {
        final String text = "Grüße, 世界 \uD83D\uDE00";
        assertThat(one(JSONB.toBytes("plain ascii"))).isEqualTo("plain ascii");
        assertThat(one(JSONB.toBytes("x".repeat(300)))).isEqualTo("x".repeat(300));
        assertThat(one(JSONB.toBytes(text))).isEqualTo(text);
        assertThat(one(JSONB.toBytes(text, StandardCharsets.UTF_8))).isEqualTo(text);
        assertThat(one(JSONB.toBytes(text, StandardCharsets.UTF_16))).isEqualTo(text);
        assertThat(one(JSONB.toBytes(text, StandardCharsets.UTF_16LE))).isEqualTo(text);
        assertThat(one(JSONB.toBytes(text, StandardCharsets.UTF_16BE))).isEqualTo(text);
        // hand-built: a UTF-16BE string (code 125) and a GB18030 string (code 126) with 1-byte lengths
        final byte[] be = text.getBytes(StandardCharsets.UTF_16BE);
        assertThat(one(cat(new byte[] {125, (byte) be.length}, be))).isEqualTo(text);
        if (Charset.isSupported("GB18030")) {
            final byte[] gb = "中文".getBytes(Charset.forName("GB18030"));
            assertThat(one(cat(new byte[] {126, (byte) gb.length}, gb))).isEqualTo("中文");
        }
    }

    @Test
    void scalarsAndTypedValuesDecode() {
        assertThat(JsonbReader.read(JSONB.toBytes(-16), 0, 1)).isEqualTo(-16);
        for (final long v : new long[] {0, 47, 48, -17, 2047, -2048, 262143, -262144, 1L << 30, Integer.MIN_VALUE}) {
            assertThat(((Number) one(JSONB.toBytes((int) v))).longValue()).isEqualTo(v);
        }
        for (final long v : new long[] {0, 15, -8, 16, 2047, -2048, 262143, -262144, 1L << 40, Long.MIN_VALUE}) {
            assertThat(((Number) one(JSONB.toBytes(v))).longValue()).isEqualTo(v);
        }
        assertThat(one(JSONB.toBytes(2.5d))).isEqualTo(2.5d);
        assertThat(one(JSONB.toBytes(3.0d))).isEqualTo(3.0d);
        assertThat(one(JSONB.toBytes(1.25f))).isEqualTo(1.25f);
        assertThat(one(JSONB.toBytes(true))).isEqualTo(true);
        assertThat(String.valueOf(one(JSONB.toBytes(new BigDecimal("-1234567890123456789012.345"))))).isEqualTo(
            "-1234567890123456789012.345");
        assertThat(String.valueOf(one(JSONB.toBytes(new BigDecimal("9.99"))))).isEqualTo("9.99");
        assertThat(String.valueOf(one(JSONB.toBytes(new java.math.BigInteger("123456789012345678901234567890")))))
            .isEqualTo("123456789012345678901234567890");
        assertThat(String.valueOf(one(JSONB.toBytes(LocalDateTime.of(2024, 5, 5, 13, 4, 5, 6000)))))
            .isEqualTo("2024-05-05T13:04:05.000006000");
        assertThat(String.valueOf(one(JSONB.toBytes(java.time.ZonedDateTime.of(2024, 5, 5, 13, 4, 5, 0,
            java.time.ZoneId.of("Europe/Paris")))))).isEqualTo("2024-05-05T13:04:05[Europe/Paris]");
        assertThat(one(JSONB.toBytes(new java.util.Date(1_700_000_000_123L)))).isEqualTo(new java.util.Date(1_700_000_000_123L));
        // a typed list of typed beans, written the way Dubbo writes arguments
        final byte[] b = JSONB.toBytes(new ArrayList<>(List.of(new Person("a", 1, null), new Person("b", 2, null))),
            JSONWriter.Feature.WriteClassName, JSONWriter.Feature.FieldBased, JSONWriter.Feature.ReferenceDetection,
            JSONWriter.Feature.WriteNulls, JSONWriter.Feature.WriteNameAsSymbol);
        assertThat(Summary.of(one(b), 256)).isEqualTo("[Fastjson2BodyTest$Person{age=1, friend=null, name=\"a\", tags=null}, "
            + "Fastjson2BodyTest$Person{age=2, friend=null, name=\"b\", tags=null}]");
    }

    private static Object one(final byte[] b) {
        return JsonbReader.read(b, 0, b.length);
    }

    private static byte[] cat(final byte[]... parts) {
        final ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (final byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    @Test
    void malformedInputIsABrokenBodyThatKeepsWhatCameBefore() throws IOException {
        final byte[] whole = request();
        // cut inside the arguments
        Hessian2Bodies.Result r = decode(Arrays.copyOf(whole, 120), true, -1);
        assertThat(r.broken()).isTrue();
        assertThat(r.body().service()).isEqualTo(SERVICE);
        assertThat(r.body().method()).isEqualTo("greet");
        assertThat(r.body().problem()).startsWith("fastjson2:");
        // a 2 GiB value length
        final byte[] huge = {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x49};
        r = decode(huge, true, -1);
        assertThat(r.broken()).isTrue();
        assertThat(r.body().problem()).contains("value length");
        // an array claiming 2^31-1 items, a string claiming 2^31-1 bytes, 10,000 nested arrays, an unknown code
        for (final byte[] v : new byte[][] {
            {(byte) 0xa4, 0x48, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1},
            {0x7a, 0x48, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x41},
            nested(10_000),
            {(byte) 0xaa, 0, 1}}) {
            final byte[] framed = ByteBuffer.allocate(4 + v.length).putInt(v.length).put(v).array();
            r = decode(framed, false, 60);
            assertThat(r.broken()).as(Arrays.toString(Arrays.copyOf(v, 4))).isTrue();
            assertThat(r.body().problem()).startsWith("fastjson2:");
        }
        // a kind that is no kind
        r = decode(body(out -> out.writeInt(9)), false, 20);
        assertThat(r.body().problem()).contains("unknown response kind 9");
    }

    private static byte[] nested(final int n) {
        final byte[] b = new byte[n];
        Arrays.fill(b, (byte) 0x95); // array of one item, again and again
        return b;
    }

    @Test
    void seededMutationsNeverThrowAndStayBounded() throws IOException {
        final List<byte[]> seeds = List.of(request(),
            body(out -> {
                out.writeByte((byte) 3);
                out.writeThrowable(new IllegalArgumentException("bad"));
                out.writeAttachments(attachments());
            }),
            body(out -> {
                out.writeByte((byte) 4);
                out.writeObject(Map.of("list", List.of(1, 2.5, "x", new BigDecimal("1.5")), "when", LocalDateTime.now()));
                out.writeAttachments(attachments());
            }));
        final long seed = 20250523L;
        final Random rnd = new Random(seed);
        int decoded = 0;
        for (int iter = 0; iter < 20_000; iter++) {
            final byte[] s = seeds.get(rnd.nextInt(seeds.size()));
            final byte[] m = Arrays.copyOf(s, rnd.nextInt(8) == 0 ? rnd.nextInt(s.length + 1) : s.length);
            final int flips = 1 + rnd.nextInt(6);
            for (int f = 0; f < flips && m.length > 0; f++) {
                final int i = rnd.nextInt(m.length);
                switch (rnd.nextInt(5)) {
                    case 0 -> m[i] ^= (byte) (1 << rnd.nextInt(8));
                    case 1 -> m[i] = (byte) rnd.nextInt(256);
                    case 2 -> m[i] = (byte) 0x7f; // huge lengths, symbols
                    case 3 -> m[i] = (byte) (0x90 + rnd.nextInt(0x20)); // structural codes
                    default -> m[i] = (byte) 0x48; // 32-bit int follows
                }
            }
            try {
                for (final boolean request : new boolean[] {true, false}) {
                    final Hessian2Bodies.Result r = decode(m, request, 20);
                    assertThat(r.body()).isNotNull();
                    assertThat(r.broken()).isEqualTo(r.body().problem() != null);
                    decoded++;
                }
                final Feeder feeder = new Feeder();
                feeder.feed(frame(m, true, 23, iter));
                assertThat(feeder.frames).hasSize(1);
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + seed + " iteration " + iter + ": " + e, e);
            }
        }
        assertThat(decoded).isEqualTo(40_000);
    }

    /** A Dubbo frame: magic, flags (request, two-way, serialization), status, request id, body length, body. */
    static byte[] frame(final byte[] body, final boolean request, final int serialization, final long id) {
        return frame(body, request, false, serialization, 20, id);
    }

    static byte[] frame(final byte[] body, final boolean request, final boolean event, final int serialization,
                        final int status, final long id) {
        final ByteBuffer b = ByteBuffer.allocate(16 + body.length);
        b.putShort((short) 0xdabb);
        b.put((byte) ((request ? 0xC0 : 0) | (event ? 0x20 : 0) | serialization));
        b.put((byte) (request ? 0 : status));
        b.putLong(id);
        b.putInt(body.length);
        b.put(body);
        return b.array();
    }

    @Test
    void aFastjson2CallThroughTheEngine() throws IOException {
        final byte[] req = frame(request(), true, 23, 7);
        final byte[] resp = frame(body(out -> {
            out.writeByte((byte) Hessian2Bodies.RESPONSE_WITH_EXCEPTION_WITH_ATTACHMENTS);
            out.writeThrowable(new IllegalStateException("boom"));
            out.writeAttachments(Map.of("dubbo", "2.0.2"));
        }), false, 23, 7);
        final byte[] hb = frame(body(out -> out.writeEvent(null)), true, true, 23, 0, 8);
        final byte[] hbAck = frame(body(out -> out.writeEvent(null)), false, true, 23, 20, 8);
        final DubboRun run = new DubboRun();
        final Engine engine = new Engine(DissectorRegistry.builtIn(Set.of()), EngineOptions.defaults(), List.of(run));
        final long c = 1000;
        final long s = 5000;
        long ts = 1_000_000_000L;
        engine.process(seg(true, c, 0x02, new byte[0], ts++));
        engine.process(seg(false, s, 0x12, new byte[0], ts++));
        // the request split in two segments, the heartbeat glued to its second half
        final byte[] first = Arrays.copyOf(req, 40);
        final byte[] rest = cat(Arrays.copyOfRange(req, 40, req.length), hb);
        engine.process(seg(true, c + 1, 0x18, first, ts++));
        engine.process(seg(true, c + 1 + first.length, 0x18, rest, ts++));
        engine.process(seg(false, s + 1, 0x18, cat(resp, hbAck), ts++));
        engine.finish();
        assertThat(run.anomalies).filteredOn(a -> a.code().startsWith("dubbo")).isEmpty();
        assertThat(run.frames).hasSize(4);
        final DubboFrame q = run.frames.stream().filter(f -> f.request() && !f.event()).findFirst().orElseThrow();
        assertThat(q.serialization()).isEqualTo("fastjson2");
        assertThat(q.broken()).isFalse();
        assertThat(q.body().serviceMethod()).isEqualTo(SERVICE + "#greet");
        assertThat(q.body().arguments()).hasSize(6).startsWith("\"héllo 世界\"", "42");
        assertThat(q.body().attachments()).containsEntry("timeout", "3000");
        final DubboFrame p = run.frames.stream().filter(f -> !f.request() && !f.event()).findFirst().orElseThrow();
        assertThat(p.requestId()).isEqualTo(7);
        assertThat(p.body().resultKind()).isEqualTo("exception+attachments");
        assertThat(p.body().exceptionClass()).isEqualTo("java.lang.IllegalStateException");
        assertThat(p.body().exceptionMessage()).isEqualTo("boom");
        assertThat(run.frames.stream().filter(DubboFrame::heartbeat).count()).isEqualTo(2);
    }

    private static RawFrame seg(final boolean fromClient, final long seq, final int flags, final byte[] data, final long ts) {
        final byte[] t = fromClient ? tcp(40000, 20880, seq, 0, flags, data) : tcp(20880, 40000, seq, 0, flags, data);
        return Frames.frame(LinkType.ETHERNET,
            eth(0x0800, ipv4(fromClient ? A4 : B4, fromClient ? B4 : A4, 6, 1, false, 0, new byte[0], t)), ts);
    }
}
