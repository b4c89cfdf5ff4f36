package dev.callscope.output;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.callscope.ladder.TextLadderRenderer;
import dev.callscope.verify.VerificationReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/** A {@link VerificationReport} as a human report, a JSON document and JUnit XML. */
public final class VerifyViews {
    private static final String PASS = "✔";
    private static final String FAIL = "✘";

    private VerifyViews() {
    }

    /** ✔/✘ per assertion; for a failed sequence the expected and actual ladders side by side. */
    public static void text(final PrintWriter out, final VerificationReport report, final boolean unicode) {
        final TextLadderRenderer ladders = new TextLadderRenderer(new TextLadderRenderer.Options(unicode, false, 0));
        for (final VerificationReport.Suite s : report.suites()) {
            out.printf("%s: %d assertion(s), %d failed%n", s.name(), s.results().size(), s.failures());
            String group = null;
            for (final VerificationReport.Result r : s.results()) {
                if (!r.group().equals(group)) {
                    group = r.group();
                    out.println("  " + group);
                }
                out.printf("    %s %s: %s%n", r.passed() ? (unicode ? PASS : "ok") : (unicode ? FAIL : "FAIL"), r.name(),
                    r.message());
                if (!r.passed() && r.expected() != null && r.actual() != null) {
                    sideBySide(out, ladders.render(r.expected()), ladders.render(r.actual()), unicode);
                }
            }
        }
        out.printf("%s %d of %d assertion(s) passed%n", report.passed() ? (unicode ? PASS : "PASSED") : (unicode ? FAIL : "FAILED"),
            report.assertions() - report.failures(), report.assertions());
    }

    /** Two blocks of text as columns, the left one padded to its widest line. */
    public static void sideBySide(final PrintWriter out, final String left, final String right, final boolean unicode) {
        final List<String> l = lines(left);
        final List<String> r = lines(right);
        int w = 0;
        for (final String s : l) {
            w = Math.max(w, s.codePointCount(0, s.length()));
        }
        final String sep = unicode ? " │ " : " | ";
        for (int i = 0; i < Math.max(l.size(), r.size()); i++) {
            final String a = i < l.size() ? l.get(i) : "";
            final String b = i < r.size() ? r.get(i) : "";
            out.println(("      " + pad(a, w) + sep + b).stripTrailing());
        }
    }

    private static List<String> lines(final String s) {
        final List<String> l = new ArrayList<>(List.of(s.split("\n", -1)));
        while (!l.isEmpty() && l.get(l.size() - 1).isEmpty()) {
            l.remove(l.size() - 1);
        }
        return l;
    }

    private static String pad(final String s, final int w) {
        return s + " ".repeat(Math.max(0, w - s.codePointCount(0, s.length())));
    }

    public static ObjectNode json(final VerificationReport report) {
        final ObjectNode o = Json.object();
        o.put("passed", report.passed());
        o.put("assertions", report.assertions());
        o.put("failures", report.failures());
        final ArrayNode suites = o.putArray("suites");
        for (final VerificationReport.Suite s : report.suites()) {
            final ObjectNode so = suites.addObject();
            so.put("name", s.name());
            so.put("passed", s.passed());
            final ArrayNode rs = so.putArray("results");
            for (final VerificationReport.Result r : s.results()) {
                result(rs.addObject(), r);
            }
        }
        return o;
    }

    private static void result(final ObjectNode ro, final VerificationReport.Result r) {
        ro.put("group", r.group());
        ro.put("name", r.name());
        ro.put("passed", r.passed());
        ro.put("message", r.message());
        if (r.expected() != null) {
            ro.set("expected_ladder", SipViews.ladderJson(r.expected()));
        }
        if (r.actual() != null) {
            ro.set("actual_ladder", SipViews.ladderJson(r.actual()));
        }
    }

    /**
     * JSON Lines: one {@code record: "result"} line per assertion (with its {@code suite}), then one
     * {@code record: "summary"} line with {@code passed, assertions, failures}.
     */
    public static void jsonl(final java.io.Writer out, final VerificationReport report) {
        for (final VerificationReport.Suite s : report.suites()) {
            for (final VerificationReport.Result r : s.results()) {
                final ObjectNode ro = Json.object();
                ro.put("record", "result");
                ro.put("suite", s.name());
                result(ro, r);
                Json.writeLine(out, ro);
            }
        }
        final ObjectNode o = Json.object();
        o.put("record", "summary");
        o.put("passed", report.passed());
        o.put("assertions", report.assertions());
        o.put("failures", report.failures());
        Json.writeLine(out, o);
    }

    /**
     * JUnit XML as Ant, Jenkins, GitLab and GitHub reporters read it: one testsuite per spec, one
     * testcase per assertion (classname: the group), a failure element with the message and, for a
     * sequence, both ladders in its text.
     */
    public static String junitXml(final VerificationReport report) {
        final StringWriter sw = new StringWriter();
        try {
            final XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(sw);
            final TextLadderRenderer ladders = new TextLadderRenderer(TextLadderRenderer.Options.plain());
            x.writeStartDocument("UTF-8", "1.0");
            x.writeCharacters("\n");
            x.writeStartElement("testsuites");
            x.writeAttribute("name", "callscope verify");
            x.writeAttribute("tests", Long.toString(report.assertions()));
            x.writeAttribute("failures", Long.toString(report.failures()));
            x.writeAttribute("errors", "0");
            x.writeCharacters("\n");
            int id = 0;
            for (final VerificationReport.Suite s : report.suites()) {
                x.writeCharacters("  ");
                x.writeStartElement("testsuite");
                x.writeAttribute("name", s.name());
                x.writeAttribute("id", Integer.toString(id++));
                x.writeAttribute("tests", Integer.toString(s.results().size()));
                x.writeAttribute("failures", Long.toString(s.failures()));
                x.writeAttribute("errors", "0");
                x.writeAttribute("skipped", "0");
                x.writeAttribute("time", "0");
                x.writeCharacters("\n");
                for (final VerificationReport.Result r : s.results()) {
                    x.writeCharacters("    ");
                    x.writeStartElement("testcase");
                    x.writeAttribute("name", r.name());
                    x.writeAttribute("classname", s.name() + "." + r.group());
                    x.writeAttribute("time", "0");
                    if (!r.passed()) {
                        x.writeCharacters("\n      ");
                        x.writeStartElement("failure");
                        x.writeAttribute("message", r.message());
                        x.writeAttribute("type", "AssertionError");
                        final StringBuilder body = new StringBuilder(r.group() + ": " + r.name() + ": " + r.message());
                        if (r.expected() != null && r.actual() != null) {
                            final StringWriter side = new StringWriter();
                            try (PrintWriter pw = new PrintWriter(side)) {
                                sideBySide(pw, ladders.render(r.expected()), ladders.render(r.actual()), true);
                            }
                            body.append('\n').append(side);
                        }
                        x.writeCharacters(body.toString());
                        x.writeEndElement();
                        x.writeCharacters("\n    ");
                    }
                    x.writeEndElement();
                    x.writeCharacters("\n");
                }
                x.writeCharacters("  ");
                x.writeEndElement();
                x.writeCharacters("\n");
            }
            x.writeEndElement();
            x.writeCharacters("\n");
            x.writeEndDocument();
            x.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return sw.toString();
    }
}
