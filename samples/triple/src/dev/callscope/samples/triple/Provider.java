package dev.callscope.samples.triple;

import dev.callscope.samples.triple.pb.HelloReply;
import dev.callscope.samples.triple.pb.HelloRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.dubbo.common.stream.StreamObserver;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.apache.dubbo.rpc.protocol.tri.observer.CallStreamObserver;

/**
 * Apache Dubbo provider exporting three services over Triple (tri) on 127.0.0.1:50051:
 * GreeterService (version 1.0.0, group g1), StreamService and PbGreeter (no version/group).
 * Prints "PROV ..." truth lines; runs until killed (record.sh bounds it with timeout and stops it by PID).
 */
public final class Provider {
    static final String P = "PROV";
    static final String GS = GreeterService.class.getName();
    static final String SS = StreamService.class.getName();
    static final String PB = PbGreeter.class.getName();

    private Provider() {
    }

    public static void main(final String[] args) throws Exception {
        final Map<String, String> hessian = Map.of("serialization", "hessian2", "prefer.serialization", "hessian2");
        final ApplicationConfig app = new ApplicationConfig("callscope-triple-provider");
        app.setQosEnable(false);
        final ProtocolConfig protocol = new ProtocolConfig("tri", 50051);
        protocol.setHost("127.0.0.1");
        protocol.setSerialization("hessian2");
        protocol.setParameters(hessian);

        final ServiceConfig<GreeterService> greeter = new ServiceConfig<>();
        greeter.setInterface(GreeterService.class);
        greeter.setRef(new GreeterImpl());
        greeter.setVersion("1.0.0");
        greeter.setGroup("g1");
        greeter.setParameters(hessian);

        final ServiceConfig<StreamService> streams = new ServiceConfig<>();
        streams.setInterface(StreamService.class);
        streams.setRef(new StreamImpl());
        streams.setParameters(hessian);

        final ServiceConfig<PbGreeter> pb = new ServiceConfig<>();
        pb.setInterface(PbGreeter.class);
        pb.setRef(new PbImpl());

        DubboBootstrap.getInstance().application(app).registry(new RegistryConfig(RegistryConfig.NO_AVAILABLE))
            .protocol(protocol).service(greeter).service(streams).service(pb).start();
        Log.note(P, "READY tri://127.0.0.1:50051 services=" + GS + ":1.0.0:g1," + SS + "," + PB);
        Thread.sleep(Long.MAX_VALUE);
    }

    static final class GreeterImpl implements GreeterService {
        private static String id() {
            return Log.serverCallId();
        }

        private static void recv(final String id, final String m, final String args) {
            Log.line(P, id, GS, m, "unary", "recv", "msgs=1 args=" + args);
        }

        private static <T> T answer(final String id, final String m, final T v) {
            Log.line(P, id, GS, m, "unary", "answer", "msgs=1 value=" + Log.q(v));
            return v;
        }

        @Override
        public String greet(final String name) {
            final String id = id();
            recv(id, "greet", Log.q(name));
            return answer(id, "greet", "Hello, " + name);
        }

        @Override
        public int add(final int a, final int b) {
            final String id = id();
            recv(id, "add", a + "," + b);
            return answer(id, "add", a + b);
        }

        @Override
        public Person older(final Person p, final int years) {
            final String id = id();
            recv(id, "older", Log.q(p) + "," + years);
            return answer(id, "older", new Person(p.getName(), p.getAge() + years, p.getTags()));
        }

        @Override
        public String describe(final Person p) {
            final String id = id();
            recv(id, "describe", Log.q(p));
            return answer(id, "describe", p.getName() + " is " + p.getAge() + " " + p.getTags());
        }

        @Override
        public void touch(final String note) {
            final String id = id();
            recv(id, "touch", Log.q(note));
            answer(id, "touch", null);
        }

        @Override
        public String fail(final String why) {
            final String id = id();
            recv(id, "fail", Log.q(why));
            Log.line(P, id, GS, "fail", "unary", "throw", "exception=java.lang.IllegalStateException message=" + Log.q(why));
            throw new IllegalStateException(why);
        }

        @Override
        public String slow(final int millis) {
            final String id = id();
            recv(id, "slow", String.valueOf(millis));
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Log.line(P, id, GS, "slow", "unary", "interrupted", "");
                Thread.currentThread().interrupt();
            }
            return answer(id, "slow", "slept " + millis);
        }
    }

    static final class StreamImpl implements StreamService {
        @Override
        public void countdown(final String spec, final StreamObserver<String> out) {
            final String id = Log.serverCallId();
            Log.line(P, id, SS, "countdown", "server-stream", "recv", "msgs=1 args=" + Log.q(spec));
            final String name = spec.substring(0, spec.indexOf(':'));
            final int count = Integer.parseInt(spec.substring(spec.indexOf(':') + 1));
            if ("gzip".equals(name) && out instanceof CallStreamObserver) {
                ((CallStreamObserver<String>) out).setCompression("gzip");
                Log.line(P, id, SS, "countdown", "server-stream", "compression", "gzip");
            }
            int sent = 0;
            final int n = count < 0 ? 2 : count;
            for (int i = n; i >= 1; i--) {
                final String v = name + " " + i;
                out.onNext(v);
                sent++;
                Log.line(P, id, SS, "countdown", "server-stream", "send", "seq=" + sent + " value=" + Log.q(v));
                sleep(20);
            }
            if (count < 0) {
                Log.line(P, id, SS, "countdown", "server-stream", "error",
                    "msgs=" + sent + " exception=java.lang.IllegalArgumentException message=\"negative count\"");
                out.onError(new IllegalArgumentException("negative count"));
            } else {
                out.onCompleted();
                Log.line(P, id, SS, "countdown", "server-stream", "complete", "msgs=" + sent);
            }
        }

        @Override
        public StreamObserver<Integer> sum(final StreamObserver<Integer> total) {
            final String id = Log.serverCallId();
            Log.line(P, id, SS, "sum", "client-stream", "open", "");
            return new StreamObserver<>() {
                int sum;
                int n;

                @Override
                public void onNext(final Integer v) {
                    n++;
                    sum += v;
                    Log.line(P, id, SS, "sum", "client-stream", "recv", "seq=" + n + " value=" + v);
                }

                @Override
                public void onError(final Throwable t) {
                    Log.line(P, id, SS, "sum", "client-stream", "peer-error", t.getClass().getName() + " " + Log.q(t.getMessage()));
                }

                @Override
                public void onCompleted() {
                    total.onNext(sum);
                    total.onCompleted();
                    Log.line(P, id, SS, "sum", "client-stream", "complete", "recv=" + n + " sent=1 value=" + sum);
                }
            };
        }

        @Override
        public StreamObserver<String> chat(final StreamObserver<String> replies) {
            final String id = Log.serverCallId();
            Log.line(P, id, SS, "chat", "bidi", "open", "");
            return new StreamObserver<>() {
                int n;

                @Override
                public void onNext(final String v) {
                    n++;
                    Log.line(P, id, SS, "chat", "bidi", "recv", "seq=" + n + " value=" + Log.q(v));
                    final String r = "echo: " + v;
                    replies.onNext(r);
                    Log.line(P, id, SS, "chat", "bidi", "send", "seq=" + n + " value=" + Log.q(r));
                }

                @Override
                public void onError(final Throwable t) {
                    Log.line(P, id, SS, "chat", "bidi", "peer-error", t.getClass().getName() + " " + Log.q(t.getMessage()));
                }

                @Override
                public void onCompleted() {
                    replies.onCompleted();
                    Log.line(P, id, SS, "chat", "bidi", "complete", "recv=" + n + " sent=" + n);
                }
            };
        }
    }

    static final class PbImpl implements PbGreeter {
        @Override
        public HelloReply sayHello(final HelloRequest request) {
            final String id = Log.serverCallId();
            Log.line(P, id, PB, "sayHello", "unary", "recv", "msgs=1 name=" + Log.q(request.getName()) + " count=" + request.getCount());
            if ("error".equals(request.getName())) {
                Log.line(P, id, PB, "sayHello", "unary", "throw", "exception=java.lang.IllegalArgumentException message=\"no error allowed\"");
                throw new IllegalArgumentException("no error allowed");
            }
            final HelloReply r = HelloReply.newBuilder().setMessage("Hello, " + request.getName()).setSeq(1).build();
            Log.line(P, id, PB, "sayHello", "unary", "answer", "msgs=1 message=" + Log.q(r.getMessage()) + " seq=1");
            return r;
        }

        @Override
        public void sayHelloStream(final HelloRequest request, final StreamObserver<HelloReply> replies) {
            final String id = Log.serverCallId();
            Log.line(P, id, PB, "sayHelloStream", "server-stream", "recv", "msgs=1 name=" + Log.q(request.getName()) + " count=" + request.getCount());
            for (int i = 1; i <= request.getCount(); i++) {
                final HelloReply r = HelloReply.newBuilder().setMessage("Hello #" + i + ", " + request.getName()).setSeq(i).build();
                replies.onNext(r);
                Log.line(P, id, PB, "sayHelloStream", "server-stream", "send", "seq=" + i + " message=" + Log.q(r.getMessage()));
                sleep(20);
            }
            replies.onCompleted();
            Log.line(P, id, PB, "sayHelloStream", "server-stream", "complete", "msgs=" + request.getCount());
        }

        @Override
        public StreamObserver<HelloRequest> sayHelloBidi(final StreamObserver<HelloReply> replies) {
            final String id = Log.serverCallId();
            Log.line(P, id, PB, "sayHelloBidi", "bidi", "open", "");
            return new StreamObserver<>() {
                int n;

                @Override
                public void onNext(final HelloRequest v) {
                    n++;
                    Log.line(P, id, PB, "sayHelloBidi", "bidi", "recv", "seq=" + n + " name=" + Log.q(v.getName()));
                    final HelloReply r = HelloReply.newBuilder().setMessage("Hi " + v.getName()).setSeq(n).build();
                    replies.onNext(r);
                    Log.line(P, id, PB, "sayHelloBidi", "bidi", "send", "seq=" + n + " message=" + Log.q(r.getMessage()));
                }

                @Override
                public void onError(final Throwable t) {
                    Log.line(P, id, PB, "sayHelloBidi", "bidi", "peer-error", t.getClass().getName() + " " + Log.q(t.getMessage()));
                }

                @Override
                public void onCompleted() {
                    replies.onCompleted();
                    Log.line(P, id, PB, "sayHelloBidi", "bidi", "complete", "recv=" + n + " sent=" + n);
                }
            };
        }
    }

    static void sleep(final long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static List<String> list(final String... s) {
        return new ArrayList<>(List.of(s));
    }
}
