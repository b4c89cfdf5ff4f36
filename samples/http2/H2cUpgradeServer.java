// A minimal HTTP/1.1 -> h2c upgrade server (RFC 7540 section 3.2) on Netty 4.1.112.Final (netty-codec-http2),
// for samples/http2/record.sh (capture http2-h2c-upgrade.pcap). Compiled by record.sh with javac into a temp dir.
//
//   java -cp CLASSPATH H2cUpgradeServer PORT LOGFILE
//
// Pipeline: HttpServerCodec -> request logger -> HttpServerUpgradeHandler(Http2ServerUpgradeCodec). A request with
// `Upgrade: h2c` and `HTTP2-Settings` gets `101 Switching Protocols`; Netty then applies the HTTP2-Settings, sends its
// own SETTINGS and makes the upgraded request stream 1 (half-closed remote), which this handler answers; later
// requests arrive as HTTP/2 HEADERS on streams 3, 5, ...
// Bodies: /first 1000 bytes, /second 2500 bytes, anything else 404 with a 10-byte body; text/plain, content-length.
// Every event goes to LOGFILE as one line: `SERVER <epoch ms> event=<name> key=value ...`, including each write
// and flush the server makes on the socket (wire-write / wire-flush: what may share one TCP segment).
// Accepts one connection and exits when it closes.
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.AbstractHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;

import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

public final class H2cUpgradeServer {
    private static PrintStream logOut;

    static synchronized void log(String event, String kv) {
        logOut.println("SERVER " + System.currentTimeMillis() + " event=" + event + (kv.isEmpty() ? "" : " " + kv));
        logOut.flush();
    }

    static String q(CharSequence s) { // quote a value that has spaces or quotes
        String v = String.valueOf(s);
        if (!v.isEmpty() && v.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '"')) return v;
        return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static int bodySize(String path) {
        switch (path) {
            case "/first": return 1000;
            case "/second": return 2500;
            default: return -1;
        }
    }

    static ByteBuf body(String path, int size) {
        byte[] line = ("callscope h2c sample " + path + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) b[i] = (i % 100 == 99) ? (byte) '\n' : line[i % 100 % line.length];
        return Unpooled.wrappedBuffer(b);
    }

    /** Decodes the base64url SETTINGS payload of the HTTP2-Settings header, for the log. */
    static String decodeSettings(String b64) {
        try {
            byte[] p = Base64.getUrlDecoder().decode(b64.trim());
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i + 6 <= p.length; i += 6) {
                int id = ((p[i] & 0xff) << 8) | (p[i + 1] & 0xff);
                long v = ((long) (p[i + 2] & 0xff) << 24) | ((p[i + 3] & 0xff) << 16) | ((p[i + 4] & 0xff) << 8) | (p[i + 5] & 0xff);
                sb.append(sb.length() == 0 ? "" : ",").append(id).append(':').append(v);
            }
            return sb.toString();
        } catch (IllegalArgumentException e) {
            return "undecodable";
        }
    }

    /** Logs every write and flush that reaches the socket (it sits first in the pipeline): the HTTP/1.1 status line,
     *  then the HTTP/2 frames each write holds (a frame header and its payload are often two writes). */
    static final class WireLogger extends ChannelDuplexHandler {
        private static final String[] TYPES = {"DATA", "HEADERS", "PRIORITY", "RST_STREAM", "SETTINGS", "PUSH_PROMISE",
            "PING", "GOAWAY", "WINDOW_UPDATE", "CONTINUATION"};
        private boolean http2;
        private int payloadLeft;

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof ByteBuf && ((ByteBuf) msg).isReadable()) {
                ByteBuf b = (ByteBuf) msg;
                int i = b.readerIndex(), end = b.writerIndex();
                String kv = "bytes=" + b.readableBytes();
                if (!http2 && end - i >= 5 && b.toString(i, 5, StandardCharsets.US_ASCII).equals("HTTP/")) {
                    int cr = b.indexOf(i, end, (byte) '\r');
                    kv += " http1=" + q(b.toString(i, (cr < 0 ? end : cr) - i, StandardCharsets.US_ASCII));
                    if (b.toString(i, Math.min(12, end - i), StandardCharsets.US_ASCII).equals("HTTP/1.1 101")) http2 = true;
                } else if (http2) {
                    StringBuilder fr = new StringBuilder();
                    while (i < end) {
                        if (fr.length() > 0) fr.append(',');
                        if (payloadLeft > 0) {
                            int n = Math.min(payloadLeft, end - i);
                            fr.append("payload:").append(n);
                            payloadLeft -= n;
                            i += n;
                        } else if (end - i >= 9) {
                            int len = b.getUnsignedMedium(i), type = b.getUnsignedByte(i + 3), flags = b.getUnsignedByte(i + 4);
                            int sid = b.getInt(i + 5) & 0x7fffffff;
                            fr.append(type < TYPES.length ? TYPES[type] : "type" + type).append("(stream:").append(sid)
                                .append(";flags:0x").append(Integer.toHexString(flags)).append(";length:").append(len).append(')');
                            payloadLeft = len;
                            i += 9;
                        } else {
                            fr.append("partial:").append(end - i);
                            i = end;
                        }
                    }
                    kv += " h2=" + fr;
                }
                log("wire-write", kv);
            }
            ctx.write(msg, promise);
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            log("wire-flush", "");
            ctx.flush();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            log("connection-closed", "");
            super.channelInactive(ctx);
        }
    }

    /** Logs the HTTP/1.1 request(s) before the upgrade handler sees them. */
    static final class Http1RequestLogger extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest) {
                HttpRequest r = (HttpRequest) msg;
                String s = r.headers().get("HTTP2-Settings");
                log("http1-request", "method=" + r.method() + " path=" + q(r.uri()) + " version=" + r.protocolVersion()
                    + " connection=" + q(String.valueOf(r.headers().get(HttpHeaderNames.CONNECTION)))
                    + " upgrade=" + q(String.valueOf(r.headers().get(HttpHeaderNames.UPGRADE)))
                    + " http2-settings=" + q(String.valueOf(s))
                    + (s != null ? " http2-settings-decoded=" + q(decodeSettings(s)) : "")
                    + " user-agent=" + q(String.valueOf(r.headers().get(HttpHeaderNames.USER_AGENT))));
            }
            ctx.fireChannelRead(msg);
        }
    }

    /** Answers an HTTP/1.1 request that did not ask for h2c (not used by the capture). */
    static final class Http1Fallback extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof FullHttpRequest) {
                log("http1-no-upgrade", "path=" + q(((FullHttpRequest) msg).uri()));
                DefaultFullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.UPGRADE_REQUIRED);
                resp.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0).set(HttpHeaderNames.CONNECTION, "close");
                ctx.writeAndFlush(resp).addListener(f -> ctx.close());
            }
            ReferenceCountUtil.release(msg);
        }
    }

    static final class Handler extends Http2ConnectionHandler implements Http2FrameListener {
        Handler(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings initialSettings) {
            super(decoder, encoder, initialSettings);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof HttpServerUpgradeHandler.UpgradeEvent) {
                HttpServerUpgradeHandler.UpgradeEvent up = (HttpServerUpgradeHandler.UpgradeEvent) evt;
                FullHttpRequest r = up.upgradeRequest();
                log("upgraded", "protocol=" + up.protocol() + " stream=1 path=" + q(r.uri()));
                Http2Headers h = new DefaultHttp2Headers().method(r.method().asciiName()).path(r.uri()).scheme("http");
                String host = r.headers().get(HttpHeaderNames.HOST);
                if (host != null) h.authority(host);
                respond(ctx, 1, h);
            }
            super.userEventTriggered(ctx, evt);
        }

        private void respond(ChannelHandlerContext ctx, int streamId, Http2Headers req) {
            String path = String.valueOf(req.path());
            int size = bodySize(path);
            int status = size < 0 ? 404 : 200;
            ByteBuf body = size < 0 ? Unpooled.copiedBuffer("not found\n", StandardCharsets.US_ASCII) : body(path, size);
            int bytes = body.readableBytes();
            Http2Headers h = new DefaultHttp2Headers().status(String.valueOf(status))
                .set("content-type", "text/plain").setInt("content-length", bytes).set("server", "netty-h2c-sample");
            log("response", "stream=" + streamId + " path=" + q(path) + " status=" + status + " body_bytes=" + bytes);
            encoder().writeHeaders(ctx, streamId, h, 0, false, ctx.newPromise());
            encoder().writeData(ctx, streamId, body, 0, true, ctx.newPromise());
            // flushed by Http2ConnectionHandler.channelReadComplete
        }

        @Override
        public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
            log("data-recv", "stream=" + streamId + " bytes=" + data.readableBytes() + " end_stream=" + endOfStream);
            return data.readableBytes() + padding;
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding, boolean endOfStream) {
            log("headers-recv", "stream=" + streamId + " method=" + headers.method() + " path=" + q(String.valueOf(headers.path()))
                + " authority=" + headers.authority() + " end_stream=" + endOfStream);
            if (endOfStream) respond(ctx, streamId, headers);
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency,
                                  short weight, boolean exclusive, int padding, boolean endOfStream) {
            onHeadersRead(ctx, streamId, headers, padding, endOfStream);
        }

        @Override
        public void onPriorityRead(ChannelHandlerContext ctx, int streamId, int streamDependency, short weight, boolean exclusive) {
            log("priority-recv", "stream=" + streamId);
        }

        @Override
        public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
            log("rst-recv", "stream=" + streamId + " error=" + errorCode);
        }

        @Override
        public void onSettingsAckRead(ChannelHandlerContext ctx) {
            log("settings-ack-recv", "");
        }

        @Override
        public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) {
            log("settings-recv", "settings=" + q(settings.toString()));
        }

        @Override
        public void onPingRead(ChannelHandlerContext ctx, long data) {
            log("ping-recv", "data=" + data);
        }

        @Override
        public void onPingAckRead(ChannelHandlerContext ctx, long data) {
            log("ping-ack-recv", "data=" + data);
        }

        @Override
        public void onPushPromiseRead(ChannelHandlerContext ctx, int streamId, int promisedStreamId, Http2Headers headers, int padding) {
        }

        @Override
        public void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {
            log("goaway-recv", "last_stream=" + lastStreamId + " error=" + errorCode);
        }

        @Override
        public void onWindowUpdateRead(ChannelHandlerContext ctx, int streamId, int windowSizeIncrement) {
            log("window-update-recv", "stream=" + streamId + " increment=" + windowSizeIncrement);
        }

        @Override
        public void onUnknownFrame(ChannelHandlerContext ctx, byte frameType, int streamId, Http2Flags flags, ByteBuf payload) {
            log("unknown-frame-recv", "type=" + frameType + " stream=" + streamId);
        }
    }

    static final class HandlerBuilder extends AbstractHttp2ConnectionHandlerBuilder<Handler, HandlerBuilder> {
        @Override
        public Handler build() {
            return super.build();
        }

        @Override
        protected Handler build(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings initialSettings) {
            Handler h = new Handler(decoder, encoder, initialSettings);
            frameListener(h);
            return h;
        }
    }

    static String nettyVersion() {
        io.netty.util.Version v = io.netty.util.Version.identify().get("netty-codec-http2");
        return v == null ? "unknown" : v.artifactVersion();
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        logOut = new PrintStream(new FileOutputStream(args[1], true), true, StandardCharsets.UTF_8);
        EventLoopGroup boss = new NioEventLoopGroup(1);
        EventLoopGroup worker = new NioEventLoopGroup(1);
        try {
            ServerBootstrap b = new ServerBootstrap().group(boss, worker).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        log("connection", "peer=" + ch.remoteAddress().getHostString() + ":" + ch.remoteAddress().getPort());
                        HttpServerCodec codec = new HttpServerCodec();
                        HttpServerUpgradeHandler.UpgradeCodecFactory factory = protocol ->
                            AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
                                ? new Http2ServerUpgradeCodec(new HandlerBuilder().build()) : null;
                        ch.pipeline().addLast(new WireLogger(), codec, new Http1RequestLogger(),
                            new HttpServerUpgradeHandler(codec, factory, 65536), new Http1Fallback());
                        ch.closeFuture().addListener(f -> {
                            boss.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
                            worker.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
                        });
                    }
                });
            ChannelFuture f = b.bind("127.0.0.1", port).sync();
            log("listening", "addr=127.0.0.1:" + port + " netty-codec-http2=" + nettyVersion());
            System.out.println("READY");
            System.out.flush();
            f.channel().closeFuture().sync();
        } finally {
            boss.shutdownGracefully();
            worker.shutdownGracefully();
        }
    }
}
