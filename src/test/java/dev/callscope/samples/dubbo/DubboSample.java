package dev.callscope.samples.dubbo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.MethodConfig;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;

/**
 * A real Apache Dubbo provider and consumer in one JVM, talking over the dubbo protocol on
 * 127.0.0.1:20880 (a direct URL, so not in-JVM), hessian2 forced on both sides, heartbeat every
 * second. Run by samples/dubbo/record.sh inside a network namespace with only lo while tcpdump
 * records. Prints one line per call ("CALL ...") and the totals it expects on the wire.
 */
public final class DubboSample {
    static final int BURST = 40;
    static final int PORT = 20880;

    private DubboSample() {
    }

    public static void main(final String[] args) throws Exception {
        final Map<String, String> hessian = Map.of("serialization", "hessian2", "prefer.serialization", "hessian2",
            "heartbeat", "1000");
        final ApplicationConfig app = new ApplicationConfig("callscope-sample");
        app.setQosEnable(false);
        app.setRegisterConsumer(false);
        final RegistryConfig registry = new RegistryConfig(RegistryConfig.NO_AVAILABLE);

        final ProtocolConfig protocol = new ProtocolConfig("dubbo", PORT);
        protocol.setHost("127.0.0.1");
        protocol.setSerialization("hessian2");
        protocol.setHeartbeat(1000);
        protocol.setParameters(hessian);

        final ServiceConfig<GreetingService> service = new ServiceConfig<>();
        service.setInterface(GreetingService.class);
        service.setRef(new GreetingServiceImpl());
        service.setSerialization("hessian2");
        service.setParameters(hessian);

        final ReferenceConfig<GreetingService> reference = new ReferenceConfig<>();
        reference.setInterface(GreetingService.class);
        reference.setUrl("dubbo://127.0.0.1:" + PORT + "/" + GreetingService.class.getName());
        reference.setTimeout(1000);
        reference.setRetries(0);
        reference.setCheck(false);
        reference.setParameters(hessian);
        final MethodConfig note = new MethodConfig();
        note.setName("note");
        note.setReturn(false);
        reference.setMethods(List.of(note));

        final DubboBootstrap boot = DubboBootstrap.getInstance()
            .application(app).registry(registry).protocol(protocol).service(service).reference(reference);
        boot.start();
        final GreetingService g = reference.get();
        int requests = 0;
        int exceptions = 0;

        log("greet alice -> " + g.greet("alice"));
        requests++;
        log("greet bob -> " + g.greet("bob"));
        requests++;
        log("add 2 3 -> " + g.add(2, 3));
        requests++;
        try {
            g.fail("boom");
        } catch (IllegalStateException e) {
            log("fail boom -> IllegalStateException " + e.getMessage());
            exceptions++;
        }
        requests++;
        try {
            g.slow(1500);
        } catch (RuntimeException e) {
            log("slow 1500 -> " + e.getClass().getSimpleName() + " (consumer timeout 1000 ms)");
        }
        requests++;
        Thread.sleep(1000); // the late response arrives meanwhile
        final byte[] big = new byte[100_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }
        log("echo 100000 bytes -> " + g.echo(big).length + " bytes");
        requests++;
        g.note("one-way hello");
        log("note (one-way)");
        requests++;
        final List<CompletableFuture<String>> burst = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            burst.add(g.greetAsync("n" + i));
        }
        requests += BURST;
        for (final CompletableFuture<String> f : burst) {
            f.get();
        }
        log("burst of " + BURST + " greetAsync -> all answered");
        log("idle 4.5 s (heartbeats)");
        Thread.sleep(4500);
        log("greet carol -> " + g.greet("carol"));
        requests++;
        log("EXPECT requests=" + requests + " (one one-way) exceptions=" + exceptions);
        boot.stop();
        log("stopped");
        System.exit(0);
    }

    private static void log(final String s) {
        System.out.println("CALL " + System.currentTimeMillis() + " " + s);
        System.out.flush();
    }
}
