package dev.callscope.dissect.dubbo;

import java.util.List;
import java.util.Map;

/**
 * What a Dubbo frame's body says, decoded as far as its serialization allows. Every field may be
 * null (absent, not applicable, or not decodable for that serialization).
 *
 * @param dubboVersion request: the protocol version the consumer speaks ("2.0.2")
 * @param service request: the service path (interface name)
 * @param version request: the service version ("0.0.0" when none)
 * @param method request: the method name
 * @param parameterTypes request: the JVM descriptor of the parameter types ("Ljava/lang/String;I")
 * @param arguments request: a summary of each argument, each capped in size
 * @param attachments request or response: attachments (trace ids, timeout, ...), values summarised
 * @param resultKind response: "value", "null" or "exception", with "+attachments" when they follow
 * @param value response: a summary of the returned value
 * @param exceptionClass response: the class name of the thrown exception, as sent
 * @param exceptionMessage response: its message
 * @param errorMessage response with a status other than OK: the error text the provider sent
 * @param eventData event frame: a summary of the event payload ("null" for a heartbeat, "R" read-only)
 * @param problem why decoding stopped early (the frame is then marked broken), or null
 */
public record DubboBody(String dubboVersion, String service, String version, String method, String parameterTypes,
                        List<String> arguments, Map<String, String> attachments, String resultKind, String value,
                        String exceptionClass, String exceptionMessage, String errorMessage, String eventData,
                        String problem) {
    /** A body nothing was decoded from. */
    public static final DubboBody NONE = new DubboBody(null, null, null, null, null, List.of(), Map.of(), null, null, null,
        null, null, null, null);

    public DubboBody {
        arguments = arguments == null ? List.of() : List.copyOf(arguments);
        attachments = attachments == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(attachments));
    }

    /** A body that could not be decoded, for {@code reason}. */
    public static DubboBody broken(final String reason) {
        return new DubboBody(null, null, null, null, null, List.of(), Map.of(), null, null, null, null, null, null, reason);
    }

    /** "service#method" for requests, or null. */
    public String serviceMethod() {
        return service == null && method == null ? null : (service == null ? "?" : service) + "#" + (method == null ? "?" : method);
    }
}
