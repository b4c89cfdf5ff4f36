package dev.callscope.samples.dubbofail;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.MethodConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.apache.dubbo.rpc.RpcException;

/**
 * The consumer JVM for one case of samples/dubbo-failures: a direct reference to
 * dubbo://127.0.0.1:20880 (hessian2, no registry), then the case's calls. Prints one "CALL" line per
 * call: sequence, method, the timeout this consumer used for it, start/end and the outcome.
 * Usage: Consumer CASE
 */
public final class Consumer {
    private Consumer() {
    }

    @FunctionalInterface
    interface Body {
        Object run() throws Exception;
    }

    public static void main(final String[] args) throws Exception {
        final String kase = args[0];
        final ApplicationConfig app = Common.app("callscope-fail-consumer");
        if (kase.equals("serialization-failure")) {
            // the consumer lets any class through its allow list (WARN) so that a class the provider does
            // not have reaches the wire; java.io.Serializable is still required (check-serializable)
            app.setSerializeCheckStatus("WARN");
            app.setCheckSerializable(true);
        }
        final DubboBootstrap boot = DubboBootstrap.getInstance().application(app).registry(Common.noRegistry());
        switch (kase) {
            case "late-response":
                lateResponse(boot);
                break;
            case "payload-limit":
                payloadLimit(boot);
                break;
            case "pool-exhausted":
                poolExhausted(boot);
                break;
            case "serialization-failure":
                serializationFailure(boot);
                break;
            case "frozen-provider":
                frozenProvider(boot, true);
                break;
            case "frozen-provider-default":
                frozenProvider(boot, false);
                break;
            default:
                throw new IllegalArgumentException("unknown case " + kase);
        }
        Truth.log('C', "STOPPING");
        boot.stop();
        Truth.log('C', "STOPPED");
        System.exit(0);
    }

    static ReferenceConfig<FailService> reference(final String id) {
        final ReferenceConfig<FailService> ref = new ReferenceConfig<>();
        ref.setId(id);
        ref.setInterface(FailService.class);
        ref.setUrl(Common.URL);
        ref.setRetries(0);
        ref.setCheck(false);
        ref.setParameters(Common.params());
        return ref;
    }

    static MethodConfig method(final String name, final int timeout) {
        final MethodConfig m = new MethodConfig();
        m.setName(name);
        m.setTimeout(timeout);
        return m;
    }

    // ---- case 1: a response that arrives after the consumer's timeout --------------------------------
    static void lateResponse(final DubboBootstrap boot) throws Exception {
        final ReferenceConfig<FailService> ref = reference("ref");
        // no timeout on the reference: greet and ping use Dubbo's default (1000 ms);
        // slow has timeout=1000 and add timeout=2000 explicitly
        ref.setMethods(List.of(method("slow", 1000), method("add", 2000)));
        boot.reference(ref).start();
        final FailService s = ref.get();
        final String dflt = "1000(default,no-attribute)";
        call(1, "greet", dflt, () -> s.greet(1, "alice"));
        call(2, "add", "2000(method)", () -> s.add(2, 2, 3));
        call(3, "greet", dflt, () -> s.greet(3, "bob"));
        call(4, "slow(3000)", "1000(method)", () -> s.slow(4, 3000));
        call(5, "greet", dflt, () -> s.greet(5, "carol"));
        call(6, "add", "2000(method)", () -> s.add(6, 4, 5));
        Thread.sleep(2500); // the late response to call 4 arrives meanwhile (~3 s after its request)
        call(7, "greet", dflt, () -> s.greet(7, "dave"));
        call(8, "add", "2000(method)", () -> s.add(8, 6, 7));
        call(9, "slow(200)", "1000(method)", () -> s.slow(9, 200));
    }

    // ---- case 2: payload limits -------------------------------------------------------------------
    static void payloadLimit(final DubboBootstrap boot) throws Exception {
        // A: the shared connection, consumer payload limit 32 KiB (checked when encoding a request and
        // when decoding a response header); B: its own connection (connections=1), default limit (8 MiB)
        final ReferenceConfig<FailService> a = reference("refA");
        a.setTimeout(3000);
        a.setParameters(Common.params("payload", "32768"));
        final ReferenceConfig<FailService> b = reference("refB");
        b.setTimeout(3000);
        b.setConnections(1);
        boot.reference(a).reference(b).start();
        final FailService sa = a.get();
        final FailService sb = b.get();
        final String t = "3000(reference)";
        call(1, "A.ping", t, () -> sa.ping(1));
        call(2, "A.echo(1000 bytes)", t, () -> sa.echo(2, new byte[1000]));
        call(3, "A.echo(40000 bytes)", t, () -> sa.echo(3, new byte[40000]));
        call(4, "A.ping", t, () -> sa.ping(4));
        call(5, "B.ping", t, () -> sb.ping(5));
        call(6, "B.echo(40000 bytes)", t, () -> sb.echo(6, new byte[40000]));
        call(7, "B.echo(80000 bytes)", t, () -> sb.echo(7, new byte[80000]));
        call(8, "B.ping", t, () -> sb.ping(8));
        call(9, "B.big(100000)", t, () -> sb.big(9, 100000));
        call(10, "B.ping", t, () -> sb.ping(10));
        call(11, "A.big(48000)", t, () -> sa.big(11, 48000));
        call(12, "A.ping", t, () -> sa.ping(12));
        call(13, "B.ping", t, () -> sb.ping(13));
    }

    // ---- case 3: the provider's thread pool is exhausted --------------------------------------------
    static void poolExhausted(final DubboBootstrap boot) throws Exception {
        final ReferenceConfig<FailService> ref = reference("ref");
        ref.setTimeout(5000);
        boot.reference(ref).start();
        final FailService s = ref.get();
        final String t = "5000(reference)";
        call(1, "ping", t, () -> s.ping(1));
        call(2, "ping", t, () -> s.ping(2));
        final List<CompletableFuture<String>> burst = new ArrayList<>();
        for (int seq = 3; seq <= 12; seq++) {
            final int q = seq;
            final long start = System.currentTimeMillis();
            CompletableFuture<String> f;
            try {
                f = s.sleepAsync(q, 500);
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            burst.add(f.whenComplete((v, e) -> logCall(q, "sleepAsync(500)", t, start, v, e)));
        }
        for (final CompletableFuture<String> f : burst) {
            try {
                f.get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                // logged by whenComplete
            }
        }
        Thread.sleep(200);
        call(13, "ping", t, () -> s.ping(13));
        call(14, "ping", t, () -> s.ping(14));
    }

    // ---- case 4: hessian2 cannot (de)serialise an argument or a result ----------------------------
    static void serializationFailure(final DubboBootstrap boot) throws Exception {
        final ReferenceConfig<FailService> ref = reference("ref");
        ref.setTimeout(3000);
        boot.reference(ref).start();
        final FailService s = ref.get();
        final String t = "3000(reference)";
        call(1, "ping", t, () -> s.ping(1));
        call(2, "store(NotSerializableThing)", t, () -> s.store(2, new NotSerializableThing()));
        call(3, "ping", t, () -> s.ping(3));
        call(4, "store(ConsumerOnlyThing)", t, () -> s.store(4, new ConsumerOnlyThing()));
        call(5, "ping", t, () -> s.ping(5));
        call(6, "store(SharedUnlistedThing)", t, () -> s.store(6, new SharedUnlistedThing()));
        call(7, "ping", t, () -> s.ping(7));
        call(8, "unserializable", t, () -> s.unserializable(8));
        call(9, "ping", t, () -> s.ping(9));
        call(10, "providerOnly", t, () -> s.providerOnly(10));
        call(11, "ping", t, () -> s.ping(11));
        call(12, "store(String)", t, () -> s.store(12, "a string"));
    }

    // ---- case 5: the provider JVM is frozen (kill -STOP by record.sh) -------------------------------
    static void frozenProvider(final DubboBootstrap boot, final boolean fastReconnect) throws Exception {
        final ReferenceConfig<FailService> ref = reference("ref");
        ref.setTimeout(800);
        // Dubbo 3.2's client reconnect timer ticks every max(60 s, heartbeat) by default; with
        // least-reconnect-duration=1000 it checks every second and reconnects once nothing has been read
        // for heartbeat*3 = 3 s. frozen-provider-default keeps the 60 s default.
        ref.setParameters(fastReconnect
            ? Common.params("heartbeat", "1000", "dubbo.application.least-reconnect-duration", "1000")
            : Common.params("heartbeat", "1000"));
        boot.reference(ref).start();
        final FailService s = ref.get();
        final String t = "800(reference)";
        final long t0 = System.currentTimeMillis() + 500;
        for (int seq = 1; seq <= 24; seq++) {
            final long due = t0 + (seq - 1) * 1000L;
            final long wait = due - System.currentTimeMillis();
            if (wait > 0) {
                Thread.sleep(wait);
            }
            final int q = seq;
            call(q, "ping", t, () -> s.ping(q));
            if (seq == 5) {
                Truth.log('C', "MARK freeze-now (record.sh sends SIGSTOP to the provider)");
            }
        }
        Thread.sleep(1500);
    }

    // ---- logging ----------------------------------------------------------------------------------
    static void call(final int seq, final String method, final String timeout, final Body body) {
        final long start = System.currentTimeMillis();
        Object v = null;
        Throwable err = null;
        try {
            v = body.run();
        } catch (Throwable e) {
            err = e;
        }
        logCall(seq, method, timeout, start, v, err);
    }

    static void logCall(final int seq, final String method, final String timeout, final long start,
                        final Object value, final Throwable error) {
        final long end = System.currentTimeMillis();
        final StringBuilder sb = new StringBuilder("CALL seq=").append(seq).append(" method=").append(method)
            .append(" timeout=").append(timeout).append(" start=").append(start).append(" end=").append(end)
            .append(" dur_ms=").append(end - start).append(" outcome=");
        if (error == null) {
            sb.append("OK value=").append(describe(value));
        } else {
            sb.append(outcome(error, end - start));
        }
        Truth.log('C', sb.toString());
    }

    static String describe(final Object v) {
        if (v instanceof byte[]) {
            return "byte[" + ((byte[]) v).length + "]";
        }
        if (v == null || v instanceof String || v instanceof Number) {
            return "\"" + Truth.oneLine(String.valueOf(v), 80) + "\"";
        }
        return v.getClass().getName() + ":" + Truth.oneLine(String.valueOf(v), 120);
    }

    static String outcome(final Throwable error, final long ms) {
        Throwable t = error;
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        final StringBuilder chain = new StringBuilder();
        boolean timeout = false;
        boolean remoting = false;
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (chain.length() > 0) {
                chain.append(" <- ");
            }
            chain.append(c.getClass().getName());
            timeout |= c instanceof org.apache.dubbo.remoting.TimeoutException
                || c instanceof java.util.concurrent.TimeoutException;
            remoting |= c instanceof org.apache.dubbo.remoting.RemotingException;
        }
        final StringBuilder sb = new StringBuilder();
        if (timeout) {
            sb.append("TimeoutException after ").append(ms).append(" ms");
        } else if (remoting) {
            sb.append("RemotingException after ").append(ms).append(" ms");
        } else {
            sb.append(t.getClass().getSimpleName()).append(" after ").append(ms).append(" ms");
        }
        if (t instanceof RpcException) {
            final int code = ((RpcException) t).getCode();
            sb.append(" rpc_code=").append(code).append('(').append(codeName(code)).append(')');
        }
        sb.append(" chain=[").append(chain).append("] msg=\"").append(Truth.oneLine(shortUrls(t.getMessage()), 900)).append('"');
        return sb.toString();
    }

    /** Dubbo's messages quote the whole consumer URL; its query string is cut to "?...". */
    static String shortUrls(final String msg) {
        return msg == null ? null : msg.replaceAll("\\?[^\\s,]+", "?...");
    }

    static String codeName(final int code) {
        switch (code) {
            case RpcException.UNKNOWN_EXCEPTION: return "UNKNOWN_EXCEPTION";
            case RpcException.NETWORK_EXCEPTION: return "NETWORK_EXCEPTION";
            case RpcException.TIMEOUT_EXCEPTION: return "TIMEOUT_EXCEPTION";
            case RpcException.BIZ_EXCEPTION: return "BIZ_EXCEPTION";
            case RpcException.FORBIDDEN_EXCEPTION: return "FORBIDDEN_EXCEPTION";
            case RpcException.SERIALIZATION_EXCEPTION: return "SERIALIZATION_EXCEPTION";
            case RpcException.NO_INVOKER_AVAILABLE_AFTER_FILTER: return "NO_INVOKER_AVAILABLE_AFTER_FILTER";
            case RpcException.LIMIT_EXCEEDED_EXCEPTION: return "LIMIT_EXCEEDED_EXCEPTION";
            case RpcException.TIMEOUT_TERMINATE: return "TIMEOUT_TERMINATE";
            default: return "code" + code;
        }
    }
}
