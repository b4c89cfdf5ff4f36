package dev.callscope.samples.triple;

import dev.callscope.samples.triple.pb.HelloReply;
import dev.callscope.samples.triple.pb.HelloRequest;
import org.apache.dubbo.common.stream.StreamObserver;

/** Protobuf messages directly: Dubbo sends the message bytes unwrapped (application/grpc+proto). */
public interface PbGreeter {
    HelloReply sayHello(HelloRequest request);

    void sayHelloStream(HelloRequest request, StreamObserver<HelloReply> replies);

    StreamObserver<HelloRequest> sayHelloBidi(StreamObserver<HelloReply> replies);
}
