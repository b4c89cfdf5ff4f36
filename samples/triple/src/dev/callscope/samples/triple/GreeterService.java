package dev.callscope.samples.triple;

/** Plain Java interface (no IDL): Triple wraps hessian2 values in TripleRequestWrapper/TripleResponseWrapper. */
public interface GreeterService {
    String greet(String name);

    int add(int a, int b);

    Person older(Person p, int years);

    String describe(Person p);

    void touch(String note);

    String fail(String why);

    String slow(int millis);
}
