package dev.callscope.samples.triple;

/** Never exported by the provider: calling it shows Triple's "service not found". */
public interface MissingService {
    String hello(String name);
}
