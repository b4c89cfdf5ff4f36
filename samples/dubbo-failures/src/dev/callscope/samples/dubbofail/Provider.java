package dev.callscope.samples.dubbofail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;

/**
 * The provider JVM for one case of samples/dubbo-failures: exports FailService over the dubbo protocol
 * on 127.0.0.1:20880 (hessian2) with the case's settings, writes its PID to a file (so that record.sh
 * can freeze it with kill -STOP), prints READY, and stops when the stop file appears (or after
 * maxSeconds).
 * Usage: Provider CASE PID_FILE STOP_FILE MAX_SECONDS
 */
public final class Provider {
    private Provider() {
    }

    public static void main(final String[] args) throws Exception {
        final String kase = args[0];
        final Path pidFile = Path.of(args[1]);
        final Path stopFile = Path.of(args[2]);
        final long maxMs = Long.parseLong(args[3]) * 1000L;

        final ApplicationConfig app = Common.app("callscope-fail-provider");
        // no jstack dumps into $HOME when the thread pool is exhausted
        Map<String, String> params = Common.params("dump.enable", "false");
        final ProtocolConfig protocol = new ProtocolConfig("dubbo", Common.PORT);
        protocol.setHost("127.0.0.1");
        protocol.setSerialization("hessian2");
        final ServiceConfig<FailService> service = new ServiceConfig<>();
        service.setInterface(FailService.class);
        service.setRef(new FailServiceImpl());
        service.setSerialization("hessian2");

        switch (kase) {
            case "late-response":
                break;
            case "payload-limit":
                // the server channel's limit (checked when encoding a response) and the service's limit
                // (checked when decoding a request), both 64 KiB
                protocol.setPayload(65536);
                service.setPayload(65536);
                break;
            case "pool-exhausted":
                protocol.setThreadpool("fixed");
                protocol.setThreads(2);
                protocol.setQueues(0);
                break;
            case "serialization-failure":
                // Dubbo 3.2's default: only classes named by the service interface (and a built-in list)
                // may be serialised; ProviderOnlyThing is allowed explicitly so that it reaches the wire
                app.setSerializeCheckStatus("STRICT");
                app.setCheckSerializable(true);
                System.setProperty("dubbo.security.serialize.allowedClassList",
                    ProviderOnlyThing.class.getName());
                break;
            case "frozen-provider":
            case "frozen-provider-default":
                protocol.setHeartbeat(1000);
                params = Common.params("dump.enable", "false", "heartbeat", "1000");
                break;
            default:
                throw new IllegalArgumentException("unknown case " + kase);
        }
        protocol.setParameters(params);
        service.setParameters(params);

        final DubboBootstrap boot = DubboBootstrap.getInstance()
            .application(app).registry(Common.noRegistry()).protocol(protocol).service(service);
        boot.start();
        final long pid = ProcessHandle.current().pid();
        Files.writeString(pidFile, pid + "\n");
        Truth.log('P', "READY case=" + kase + " pid=" + pid + " url=" + service.getExportedUrls());
        final long end = System.currentTimeMillis() + maxMs;
        while (!Files.exists(stopFile) && System.currentTimeMillis() < end) {
            Thread.sleep(100);
        }
        Truth.log('P', "STOPPING");
        boot.stop();
        Truth.log('P', "STOPPED");
        System.exit(0);
    }
}
