package dev.callscope.samples.triple;

import org.apache.dubbo.rpc.RpcContext;

/** Truth lines: "WHO epoch_ms call=ID service=S method=M kind=K event=E detail". */
final class Log {
    private Log() {
    }

    static synchronized void line(final String who, final String call, final String service, final String method,
        final String kind, final String event, final String detail) {
        System.out.println(who + " " + System.currentTimeMillis() + " call=" + call + " service=" + service
            + " method=" + method + " kind=" + kind + " event=" + event + (detail.isEmpty() ? "" : " " + detail));
        System.out.flush();
    }

    static synchronized void note(final String who, final String text) {
        System.out.println(who + " " + System.currentTimeMillis() + " " + text);
        System.out.flush();
    }

    /** The consumer's call id, sent as attachment x-call-id (a header on the wire). */
    static String serverCallId() {
        final Object id = RpcContext.getServerAttachment().getObjectAttachment("x-call-id");
        return id == null ? "-" : String.valueOf(id);
    }

    static String q(final Object o) {
        return o == null ? "null" : "\"" + String.valueOf(o).replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
