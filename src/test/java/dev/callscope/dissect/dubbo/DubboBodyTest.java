package dev.callscope.dissect.dubbo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Body decoding: hessian2 without instantiating named classes, JSON lines, and seeded fuzzing. */
class DubboBodyTest {
    private static final String TRIPWIRE = "dev.callscope.dissect.dubbo.Tripwire";

    /** A hessian2 string of fewer than 1024 ASCII characters. */
    private static void str(final ByteArrayOutputStream b, final String s) {
        final byte[] a = s.getBytes(StandardCharsets.US_ASCII);
        if (a.length < 32) {
            b.write(a.length);
        } else {
            b.write(0x30 + (a.length >> 8));
            b.write(a.length & 0xFF);
        }
        b.writeBytes(a);
    }

    /** A hessian2 request body whose one argument is {@code arg}, with an attachment. */
    private static byte[] request(final byte[] arg) {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();
        str(b, "2.0.2");
        str(b, "com.example.Svc");
        str(b, "1.0");
        str(b, "call");
        str(b, "Ljava/lang/Object;");
        b.writeBytes(arg);
        b.write('H');
        str(b, "traceId");
        str(b, "abc123");
        b.write('Z');
        return b.toByteArray();
    }

    @Test
    void aClassNamedByTheCaptureIsNeverLoadedOrInstantiated() throws Exception {
        // the class exists on the class path: an ordinary hessian decoder would initialise and construct it
        assertThat(Class.forName(TRIPWIRE, false, getClass().getClassLoader())).isNotNull();
        System.clearProperty("callscope.tripwire");
        // object: class definition 'C' Tripwire {x}, then instance 0x60 with x = 5
        final ByteArrayOutputStream obj = new ByteArrayOutputStream();
        obj.write('C');
        str(obj, TRIPWIRE);
        obj.write(0x91);
        str(obj, "x");
        obj.write(0x60);
        obj.write(0x95);
        Hessian2Bodies.Result r = Hessian2Bodies.decode(request(obj.toByteArray()), 0, request(obj.toByteArray()).length,
            true, false, -1);
        assertThat(r.broken()).isFalse();
        assertThat(r.body().arguments()).containsExactly("Tripwire{x=5}");
        assertThat(r.body().attachments()).containsEntry("traceId", "abc123");
        // typed map 'M' and typed list naming the same class
        final ByteArrayOutputStream map = new ByteArrayOutputStream();
        map.write('M');
        str(map, TRIPWIRE);
        str(map, "k");
        map.write(0x91);
        map.write('Z');
        final byte[] body = request(map.toByteArray());
        r = Hessian2Bodies.decode(body, 0, body.length, true, false, -1);
        assertThat(r.broken()).isFalse();
        assertThat(r.body().arguments()).containsExactly("Tripwire{k=1}");
        final ByteArrayOutputStream list = new ByteArrayOutputStream();
        list.write(0x71); // fixed-length typed list of 1
        str(list, "[" + TRIPWIRE);
        list.write(0x92);
        final byte[] body2 = request(list.toByteArray());
        r = Hessian2Bodies.decode(body2, 0, body2.length, true, false, -1);
        assertThat(r.body().arguments()).containsExactly("[2]");
        assertThat(System.getProperty("callscope.tripwire")).isNull();
    }

    @Test
    void aResponseWithAnExceptionGivesItsClassAndMessage() {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x90); // RESPONSE_WITH_EXCEPTION
        b.write('C');
        str(b, "java.lang.IllegalStateException");
        b.write(0x92);
        str(b, "detailMessage");
        str(b, "cause");
        b.write(0x60);
        str(b, "boom");
        b.write(0x51); // ref to itself
        b.write(0x90);
        final byte[] body = b.toByteArray();
        final Hessian2Bodies.Result r = Hessian2Bodies.decode(body, 0, body.length, false, false, 20);
        assertThat(r.broken()).isFalse();
        assertThat(r.body().resultKind()).isEqualTo("exception");
        assertThat(r.body().exceptionClass()).isEqualTo("java.lang.IllegalStateException");
        assertThat(r.body().exceptionMessage()).isEqualTo("boom");
    }

    @Test
    void aNonOkStatusCarriesTheErrorText() {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();
        str(b, "Service not found");
        final byte[] body = b.toByteArray();
        final Hessian2Bodies.Result r = Hessian2Bodies.decode(body, 0, body.length, false, false, 40);
        assertThat(r.body().errorMessage()).isEqualTo("Service not found");
    }

    @Test
    void aBrokenBodyKeepsWhatCameBefore() {
        final byte[] whole = request(new byte[] {(byte) 0x95});
        final Hessian2Bodies.Result r = Hessian2Bodies.decode(whole, 0, 30, true, false, -1);
        assertThat(r.broken()).isTrue();
        assertThat(r.body().dubboVersion()).isEqualTo("2.0.2");
        assertThat(r.body().service()).isEqualTo("com.example.Svc");
        assertThat(r.body().problem()).startsWith("hessian2:");
    }

    @Test
    void fastjsonBodiesAreJsonLines() {
        final String req = "\"2.0.2\"\n\"com.example.Svc\"\n\"0.0.0\"\n\"sum\"\n\"II\"\n1\n2\n{\"traceId\":\"t-1\",\"timeout\":3000}\n";
        final byte[] a = req.getBytes(StandardCharsets.UTF_8);
        Hessian2Bodies.Result r = OtherBodies.decode(6, a, 0, a.length, true, false, -1);
        assertThat(r.broken()).isFalse();
        assertThat(r.body().method()).isEqualTo("sum");
        assertThat(r.body().arguments()).containsExactly("1", "2");
        assertThat(r.body().attachments()).containsEntry("traceId", "t-1").containsEntry("timeout", "3000");
        final byte[] resp = "4\n\"ok \\u00e9\"\n{\"dubbo\":\"2.0.2\"}\n".getBytes(StandardCharsets.UTF_8);
        r = OtherBodies.decode(6, resp, 0, resp.length, false, false, 20);
        assertThat(r.body().resultKind()).isEqualTo("value+attachments");
        assertThat(r.body().value()).isEqualTo("\"ok \u00e9\"");
        final byte[] hb = "null\n".getBytes(StandardCharsets.UTF_8);
        assertThat(OtherBodies.decode(6, hb, 0, hb.length, true, true, -1).body().eventData()).isEqualTo("null");
    }

    @Test
    void seededFuzzOfRealBodiesNeverThrows() throws Exception {
        final List<byte[]> seeds = new ArrayList<>(Streams.of(DubboFramingTest.SAMPLE));
        final long seed = 20240505L;
        final Random rnd = new Random(seed);
        int frames = 0;
        for (int iter = 0; iter < 3000; iter++) {
            final byte[] s = seeds.get(rnd.nextInt(seeds.size()));
            final int start = rnd.nextInt(Math.max(1, s.length - 4096));
            final byte[] m = java.util.Arrays.copyOfRange(s, start, Math.min(s.length, start + 1 + rnd.nextInt(4096)));
            final int flips = 1 + rnd.nextInt(8);
            for (int f = 0; f < flips; f++) {
                final int i = rnd.nextInt(m.length);
                switch (rnd.nextInt(4)) {
                    case 0 -> m[i] ^= (byte) (1 << rnd.nextInt(8));
                    case 1 -> m[i] = (byte) rnd.nextInt(256);
                    case 2 -> m[i] = (byte) 0xff; // inflated lengths and counts
                    default -> m[i] = (byte) (0x40 + rnd.nextInt(0x40)); // hessian tags
                }
            }
            try {
                final Feeder feeder = new Feeder();
                feeder.feed(m);
                frames += feeder.frames.size();
                // bodies alone, request and response layouts, whatever the header says
                for (final boolean request : new boolean[] {true, false}) {
                    Hessian2Bodies.decode(m, 0, m.length, request, false, 20);
                    OtherBodies.decode(6, m, 0, m.length, request, false, 20);
                    OtherBodies.decode(8, m, 0, m.length, request, false, 20);
                }
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + seed + " iteration " + iter + ": " + e, e);
            }
        }
        assertThat(frames).isPositive();
    }
}
