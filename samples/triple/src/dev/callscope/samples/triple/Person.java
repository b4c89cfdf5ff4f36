package dev.callscope.samples.triple;

import java.io.Serializable;
import java.util.List;

/** A small POJO sent as a hessian2 value inside TripleRequestWrapper / TripleResponseWrapper. */
public class Person implements Serializable {
    private static final long serialVersionUID = 1L;
    private String name;
    private int age;
    private List<String> tags;

    public Person() {
    }

    public Person(final String name, final int age, final List<String> tags) {
        this.name = name;
        this.age = age;
        this.tags = tags;
    }

    public String getName() { return name; }
    public void setName(final String name) { this.name = name; }
    public int getAge() { return age; }
    public void setAge(final int age) { this.age = age; }
    public List<String> getTags() { return tags; }
    public void setTags(final List<String> tags) { this.tags = tags; }

    @Override
    public String toString() {
        return "Person{name=" + name + ",age=" + age + ",tags=" + tags + "}";
    }
}
