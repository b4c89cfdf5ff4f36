package dev.callscope.samples.dubbofail;

import java.lang.reflect.Field;
import org.apache.dubbo.common.constants.CommonConstants;
import org.apache.dubbo.common.extension.Activate;
import org.apache.dubbo.remoting.exchange.Request;
import org.apache.dubbo.rpc.Filter;
import org.apache.dubbo.rpc.Invocation;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.Result;
import org.apache.dubbo.rpc.RpcException;

/**
 * Provider-side truth log: when the provider's filter chain received each call (with the Dubbo
 * request id from the decoded frame) and when its result was ready to be written back.
 */
@Activate(group = CommonConstants.PROVIDER, order = Integer.MIN_VALUE)
public final class TruthFilter implements Filter {
    @Override
    public Result invoke(final Invoker<?> invoker, final Invocation inv) throws RpcException {
        final Object[] args = inv.getArguments();
        final String seq = args != null && args.length > 0 ? String.valueOf(args[0]) : "?";
        final String head = "seq=" + seq + " req_id=" + requestId(inv) + " method=" + inv.getMethodName();
        Truth.log('P', "RECV " + head + " timeout_attachment=" + inv.getAttachment("timeout")
            + " thread=" + Thread.currentThread().getName());
        try {
            final Result r = invoker.invoke(inv);
            Truth.log('P', "ANSWER " + head + (r.hasException()
                ? " exception=" + r.getException().getClass().getName() + ": " + Truth.oneLine(r.getException().getMessage(), 200)
                : " value=" + describe(r.getValue())));
            return r;
        } catch (RuntimeException e) {
            Truth.log('P', "ANSWER " + head + " thrown=" + e.getClass().getName() + ": " + Truth.oneLine(e.getMessage(), 200));
            throw e;
        }
    }

    private static String describe(final Object v) {
        if (v instanceof byte[]) {
            return "byte[" + ((byte[]) v).length + "]";
        }
        if (v == null || v instanceof String || v instanceof Number) {
            return Truth.oneLine(String.valueOf(v), 80);
        }
        return v.getClass().getName();
    }

    /** The id of the Request the invocation was decoded from (DecodeableRpcInvocation.request). */
    static String requestId(final Invocation inv) {
        for (Class<?> c = inv.getClass(); c != null; c = c.getSuperclass()) {
            try {
                final Field f = c.getDeclaredField("request");
                f.setAccessible(true);
                final Object r = f.get(inv);
                return r instanceof Request ? String.valueOf(((Request) r).getId()) : "?";
            } catch (NoSuchFieldException e) {
                // try the superclass
            } catch (ReflectiveOperationException | RuntimeException e) {
                return "?";
            }
        }
        return "?";
    }
}
