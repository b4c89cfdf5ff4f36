package dev.callscope.samples.dubbofail;

import java.util.HashMap;
import java.util.Map;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.RegistryConfig;

/** Settings shared by Provider and Consumer. */
final class Common {
    static final int PORT = 20880;
    static final String URL = "dubbo://127.0.0.1:" + PORT + "/" + FailService.class.getName();

    private Common() {
    }

    /** hessian2 on both sides (Dubbo 3.2 would otherwise prefer fastjson2), plus extra key=value pairs. */
    static Map<String, String> params(final String... kv) {
        final Map<String, String> m = new HashMap<>();
        m.put("serialization", "hessian2");
        m.put("prefer.serialization", "hessian2");
        for (int i = 0; i + 1 < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static ApplicationConfig app(final String name) {
        final ApplicationConfig app = new ApplicationConfig(name);
        app.setQosEnable(false);
        app.setRegisterConsumer(false);
        return app;
    }

    static RegistryConfig noRegistry() {
        return new RegistryConfig(RegistryConfig.NO_AVAILABLE);
    }
}
