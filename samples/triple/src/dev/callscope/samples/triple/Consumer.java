package dev.callscope.samples.triple;

import dev.callscope.samples.triple.pb.HelloReply;
import dev.callscope.samples.triple.pb.HelloRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.dubbo.common.stream.StreamObserver;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.MethodConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.apache.dubbo.rpc.RpcContext;

/**
 * Apache Dubbo consumer calling tri://127.0.0.1:50051 (a direct URL, one HTTP/2 connection).
 * Argument: unary | streaming | protobuf | errors | gzip. Prints "CONS ..." truth lines.
 * Every call carries the attachment x-call-id (a plain HTTP/2 header on the wire) so provider and consumer lines match.
 */
public final class Consumer {
    static final String C = "CONS";
    static final String URL = "tri://127.0.0.1:50051/";
    static final Map<String, String> HESSIAN = Map.of("serialization", "hessian2", "prefer.serialization", "hessian2");

    private Consumer() {
    }

    static <T> ReferenceConfig<T> ref(final Class<T> iface, final String version, final String group, final int timeout) {
        final ReferenceConfig<T> r = new ReferenceConfig<>();
        r.setInterface(iface);
        r.setUrl(URL + iface.getName());
        r.setProtocol("tri");
        r.setTimeout(timeout);
        r.setRetries(0);
        r.setCheck(false);
        r.setParameters(HESSIAN);
        if (version != null) {
            r.setVersion(version);
        }
        if (group != null) {
            r.setGroup(group);
        }
        return r;
    }

    public static void main(final String[] args) throws Exception {
        final String scenario = args.length > 0 ? args[0] : "unary";
        final ApplicationConfig app = new ApplicationConfig("callscope-triple-consumer");
        app.setQosEnable(false);
        app.setRegisterConsumer(false);
        final ReferenceConfig<GreeterService> greeterRef = ref(GreeterService.class, "1.0.0", "g1", 3000);
        // only slow() has the short timeout (the first call of a fresh JVM can take ~800 ms)
        final MethodConfig slow = new MethodConfig();
        slow.setName("slow");
        slow.setTimeout(500);
        greeterRef.setMethods(List.of(slow));
        final ReferenceConfig<StreamService> streamRef = ref(StreamService.class, null, null, 5000);
        final ReferenceConfig<PbGreeter> pbRef = ref(PbGreeter.class, null, null, 3000);
        final ReferenceConfig<MissingService> missingRef = ref(MissingService.class, null, null, 3000);
        final ReferenceConfig<GreeterService> wrongVersionRef = ref(GreeterService.class, "9.9.9", "g1", 3000);
        final DubboBootstrap boot = DubboBootstrap.getInstance().application(app)
            .registry(new RegistryConfig(RegistryConfig.NO_AVAILABLE));
        switch (scenario) {
            case "unary" -> boot.reference(greeterRef);
            case "streaming" -> boot.reference(streamRef);
            case "protobuf" -> boot.reference(pbRef);
            case "errors" -> boot.reference(missingRef).reference(wrongVersionRef).reference(greeterRef);
            case "gzip" -> boot.reference(greeterRef).reference(streamRef).reference(pbRef);
            default -> throw new IllegalArgumentException(scenario);
        }
        boot.start();
        Log.note(C, "START scenario=" + scenario + " compressor(env DUBBO_RPC_TRI_COMPRESSOR)="
            + System.getenv("DUBBO_RPC_TRI_COMPRESSOR"));
        final Consumer c = new Consumer();
        switch (scenario) {
            case "unary" -> c.unaryCalls(greeterRef.get());
            case "streaming" -> c.streamingCalls(streamRef.get());
            case "protobuf" -> c.protobufCalls(pbRef.get());
            case "errors" -> c.errorCalls(missingRef.get(), wrongVersionRef.get(), greeterRef.get());
            case "gzip" -> c.gzipCalls(greeterRef.get(), streamRef.get(), pbRef.get());
            default -> throw new IllegalArgumentException(scenario);
        }
        Log.note(C, "DONE scenario=" + scenario + " calls=" + c.calls);
        Thread.sleep(500);
        boot.stop();
        Log.note(C, "STOPPED");
        System.exit(0);
    }

    int calls;

    static void setId(final String id) {
        RpcContext.getClientAttachment().setAttachment("x-call-id", id);
    }

    <T> void unary(final String id, final String service, final String method, final String args, final Callable<T> body) {
        calls++;
        setId(id);
        Log.line(C, id, service, method, "unary", "call", "sent=1 args=" + args);
        final long t0 = System.nanoTime();
        try {
            final T v = body.call();
            Log.line(C, id, service, method, "unary", "result", "sent=1 recv=1 elapsed_ms=" + ms(t0) + " value=" + Log.q(v));
        } catch (Throwable e) {
            Log.line(C, id, service, method, "unary", "exception", "sent=1 recv=0 elapsed_ms=" + ms(t0)
                + " exception=" + e.getClass().getName() + " message=" + Log.q(e.getMessage()));
        }
    }

    static long ms(final long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** A response observer that logs every message and counts them. */
    static final class Collector<T> implements StreamObserver<T> {
        final String id;
        final String service;
        final String method;
        final String kind;
        final long t0 = System.nanoTime();
        final CountDownLatch done = new CountDownLatch(1);
        final List<String> got = new ArrayList<>();
        int sent;

        Collector(final String id, final String service, final String method, final String kind) {
            this.id = id;
            this.service = service;
            this.method = method;
            this.kind = kind;
        }

        @Override
        public void onNext(final T v) {
            final String s = v instanceof HelloReply r ? "HelloReply{message=" + r.getMessage() + ",seq=" + r.getSeq() + "}" : String.valueOf(v);
            synchronized (got) {
                got.add(s);
                Log.line(C, id, service, method, kind, "recv", "seq=" + got.size() + " value=" + Log.q(s));
            }
        }

        @Override
        public void onError(final Throwable t) {
            Log.line(C, id, service, method, kind, "end-error", "sent=" + sent + " recv=" + got.size() + " elapsed_ms=" + ms(t0)
                + " exception=" + t.getClass().getName() + " message=" + Log.q(t.getMessage()));
            done.countDown();
        }

        @Override
        public void onCompleted() {
            Log.line(C, id, service, method, kind, "end-ok", "sent=" + sent + " recv=" + got.size() + " elapsed_ms=" + ms(t0));
            done.countDown();
        }

        void await() throws InterruptedException {
            await(10);
        }

        void await(final int seconds) throws InterruptedException {
            if (!done.await(seconds, TimeUnit.SECONDS)) {
                Log.line(C, id, service, method, kind, "end-wait-timeout", "sent=" + sent + " recv=" + got.size());
            }
        }
    }

    <T> void send(final Collector<?> col, final StreamObserver<T> req, final T v) {
        req.onNext(v);
        col.sent++;
        Log.line(C, col.id, col.service, col.method, col.kind, "send", "seq=" + col.sent + " value=" + Log.q(v));
    }

    // ---------------------------------------------------------------- scenarios

    void unaryCalls(final GreeterService g) throws Exception {
        final String s = GreeterService.class.getName();
        unary("u01", s, "greet", "\"alice\"", () -> g.greet("alice"));
        unary("u02", s, "greet", "\"bob\"", () -> g.greet("bob"));
        unary("u03", s, "greet", "\"Grüße, 世界\"", () -> g.greet("Grüße, 世界"));
        unary("u04", s, "add", "2,3", () -> g.add(2, 3));
        unary("u05", s, "add", "-7,100000", () -> g.add(-7, 100000));
        final Person carol = new Person("carol", 41, new ArrayList<>(List.of("admin", "ops")));
        unary("u06", s, "older", Log.q(carol) + ",1", () -> g.older(carol, 1));
        final Person dave = new Person("dave", 7, new ArrayList<>());
        unary("u07", s, "describe", Log.q(dave), () -> g.describe(dave));
        unary("u08", s, "touch", "\"note\"", () -> {
            g.touch("note");
            return null;
        });
        final String longName = "x".repeat(2000);
        unary("u09", s, "greet", "\"x\"*2000", () -> g.greet(longName).length() + " chars");
        unary("u10", s, "greet", "\"\"", () -> g.greet(""));
        unary("u11", s, "fail", "\"boom\"", () -> g.fail("boom"));
        unary("u12", s, "slow", "1500 (consumer timeout 500 ms)", () -> g.slow(1500));
        Log.note(C, "sleep 1500 ms after the timeout (late response or reset on the wire)");
        Thread.sleep(1500);
        unary("u13", s, "greet", "\"erin\"", () -> g.greet("erin"));
    }

    void streamingCalls(final StreamService st) throws Exception {
        final String s = StreamService.class.getName();
        // server streaming
        for (final String[] c : new String[][] {{"s01", "tick:5"}, {"s02", "tock:3"}, {"s03", "none:0"}, {"s04", "bad:-1"}}) {
            calls++;
            setId(c[0]);
            final Collector<String> col = new Collector<>(c[0], s, "countdown", "server-stream");
            col.sent = 1;
            Log.line(C, c[0], s, "countdown", "server-stream", "call", "sent=1 args=" + Log.q(c[1]));
            st.countdown(c[1], col);
            col.await();
        }
        // client streaming (BI_STREAM signature; one answer at the end)
        for (final Object[] c : new Object[][] {{"c01", new int[] {1, 2, 3, 4}}, {"c02", new int[] {10, 20}}, {"c03", new int[] {}}}) {
            calls++;
            final String id = (String) c[0];
            setId(id);
            final Collector<Integer> col = new Collector<>(id, s, "sum", "client-stream");
            Log.line(C, id, s, "sum", "client-stream", "call", "");
            final StreamObserver<Integer> req = st.sum(col);
            for (final int v : (int[]) c[1]) {
                send(col, req, v);
                Thread.sleep(20);
            }
            req.onCompleted();
            Log.line(C, id, s, "sum", "client-stream", "half-close", "sent=" + col.sent);
            // with no message at all, Dubbo 3.2 never opens the stream (nothing on the wire): wait 3 s only
            col.await(col.sent == 0 ? 3 : 10);
        }
        // bidirectional
        for (final Object[] c : new Object[][] {{"b01", new String[] {"hi", "how are you", "bye"}}, {"b02", new String[] {"one", "two"}}}) {
            calls++;
            final String id = (String) c[0];
            setId(id);
            final Collector<String> col = new Collector<>(id, s, "chat", "bidi");
            Log.line(C, id, s, "chat", "bidi", "call", "");
            final StreamObserver<String> req = st.chat(col);
            for (final String v : (String[]) c[1]) {
                send(col, req, v);
                Thread.sleep(50);
            }
            req.onCompleted();
            Log.line(C, id, s, "chat", "bidi", "half-close", "sent=" + col.sent);
            col.await();
        }
        // bidirectional, cancelled by the consumer after one exchange (onError on the request observer)
        calls++;
        setId("b03");
        final Collector<String> col = new Collector<>("b03", s, "chat", "bidi");
        Log.line(C, "b03", s, "chat", "bidi", "call", "");
        final StreamObserver<String> req = st.chat(col);
        send(col, req, "wait for it");
        Thread.sleep(200);
        req.onError(new IllegalStateException("consumer gives up"));
        Log.line(C, "b03", s, "chat", "bidi", "cancel", "sent=" + col.sent + " recv=" + col.got.size()
            + " onError(IllegalStateException \"consumer gives up\") on the request observer");
        col.await(3);
        Thread.sleep(300);
    }

    void protobufCalls(final PbGreeter pb) throws Exception {
        final String s = PbGreeter.class.getName();
        for (final String[] c : new String[][] {{"p01", "alice"}, {"p02", "bob"}, {"p03", ""}}) {
            final HelloRequest req = HelloRequest.newBuilder().setName(c[1]).setCount(1).build();
            unary(c[0], s, "sayHello", "HelloRequest{name=" + c[1] + ",count=1}", () -> describe(pb.sayHello(req)));
        }
        final HelloRequest bad = HelloRequest.newBuilder().setName("error").build();
        unary("p04", s, "sayHello", "HelloRequest{name=error,count=0}", () -> describe(pb.sayHello(bad)));
        calls++;
        setId("p05");
        final Collector<HelloReply> col = new Collector<>("p05", s, "sayHelloStream", "server-stream");
        col.sent = 1;
        Log.line(C, "p05", s, "sayHelloStream", "server-stream", "call", "sent=1 args=HelloRequest{name=carol,count=4}");
        pb.sayHelloStream(HelloRequest.newBuilder().setName("carol").setCount(4).build(), col);
        col.await();
        calls++;
        setId("p06");
        final Collector<HelloReply> bcol = new Collector<>("p06", s, "sayHelloBidi", "bidi");
        Log.line(C, "p06", s, "sayHelloBidi", "bidi", "call", "");
        final StreamObserver<HelloRequest> req = pb.sayHelloBidi(bcol);
        for (final String n : new String[] {"x", "y", "z"}) {
            req.onNext(HelloRequest.newBuilder().setName(n).setCount(1).build());
            bcol.sent++;
            Log.line(C, "p06", s, "sayHelloBidi", "bidi", "send", "seq=" + bcol.sent + " value=\"HelloRequest{name=" + n + ",count=1}\"");
            Thread.sleep(50);
        }
        req.onCompleted();
        Log.line(C, "p06", s, "sayHelloBidi", "bidi", "half-close", "sent=" + bcol.sent);
        bcol.await();
    }

    static String describe(final HelloReply r) {
        return "HelloReply{message=" + r.getMessage() + ",seq=" + r.getSeq() + "}";
    }

    void errorCalls(final MissingService missing, final GreeterService wrongVersion, final GreeterService g) throws Exception {
        unary("e01", MissingService.class.getName(), "hello", "\"nobody\" (service not exported)", () -> missing.hello("nobody"));
        unary("e02", GreeterService.class.getName(), "greet", "\"frank\" (version 9.9.9, not exported)", () -> wrongVersion.greet("frank"));
        unary("e03", GreeterService.class.getName(), "greet", "\"grace\" (the right version 1.0.0:g1)", () -> g.greet("grace"));
    }

    void gzipCalls(final GreeterService g, final StreamService st, final PbGreeter pb) throws Exception {
        final String text = "gzip me ".repeat(100);
        unary("z01", GreeterService.class.getName(), "greet", "\"gzip me \"*100", () -> g.greet(text));
        unary("z02", GreeterService.class.getName(), "add", "40,2", () -> g.add(40, 2));
        final HelloRequest req = HelloRequest.newBuilder().setName("zip".repeat(50)).setCount(1).build();
        unary("z03", PbGreeter.class.getName(), "sayHello", "HelloRequest{name=\"zip\"*50,count=1}", () -> describe(pb.sayHello(req)));
        calls++;
        setId("z04");
        final String s = StreamService.class.getName();
        final Collector<String> col = new Collector<>("z04", s, "countdown", "server-stream");
        col.sent = 1;
        Log.line(C, "z04", s, "countdown", "server-stream", "call", "sent=1 args=\"gzip:3\" (provider sets gzip on its response stream)");
        st.countdown("gzip:3", col);
        col.await();
    }
}
