package dev.callscope.ladder;

import java.util.List;

/**
 * Ladders as one self-contained HTML file: the SVG inline, and each message's full text (its
 * {@link Ladder.Arrow#fullText()}) in the page, shown in a side panel when the arrow is clicked
 * (a few lines of inline script; nothing is loaded from elsewhere). Without script every message
 * is still listed below the picture.
 */
public final class HtmlLadderRenderer {
    private final SvgLadderRenderer svg = new SvgLadderRenderer();

    public String render(final List<Ladder> ladders) {
        final StringBuilder b = new StringBuilder();
        final String title = ladders.isEmpty() ? "callscope ladder" : ladders.get(0).title().split("\n")[0];
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
            .append(SvgLadderRenderer.esc(title)).append("</title>\n<style>\n")
            .append("body{font-family:monospace;margin:0;display:flex;gap:12px}\n")
            .append("#ladder{flex:1 1 auto;overflow:auto;padding:8px}\n")
            .append("#panel{flex:0 0 40%;max-width:40%;height:100vh;overflow:auto;border-left:1px solid #ccc;padding:8px;"
                + "position:sticky;top:0;box-sizing:border-box}\n")
            .append("#panel pre{white-space:pre-wrap;word-break:break-all;font-size:12px}\n")
            .append("g.msg{cursor:pointer}\ng.msg:hover text{font-weight:bold}\ng.msg.selected text{fill:#1565c0}\n")
            .append("details.full{margin:4px 0}\n</style>\n</head>\n<body>\n<div id=\"ladder\">\n");
        b.append(svg.render(ladders));
        b.append("<h3>Messages</h3>\n");
        int n = 0;
        for (final Ladder l : ladders) {
            for (final Ladder.Step s : l.steps()) {
                if (s instanceof Ladder.Arrow a) {
                    final String full = a.fullText() != null ? a.fullText() : a.label() + "\n" + String.join("\n", a.details());
                    b.append("<details class=\"full\" id=\"full-").append(n).append("\"><summary>")
                        .append(SvgLadderRenderer.esc(Ladders.time(a.tsNanos()) + "  frame " + a.frame() + "  " + a.label()))
                        .append("</summary><pre>").append(SvgLadderRenderer.esc(full.replace("\r\n", "\n")))
                        .append("</pre></details>\n");
                }
                n++;
            }
        }
        b.append("</div>\n<div id=\"panel\"><h3 id=\"panel-title\">Click a message</h3><pre id=\"panel-text\"></pre></div>\n");
        b.append("<script>\n")
            .append("document.querySelectorAll('g.msg').forEach(function (g) {\n")
            .append("  g.addEventListener('click', function () {\n")
            .append("    document.querySelectorAll('g.msg.selected').forEach(function (o) { o.classList.remove('selected'); });\n")
            .append("    g.classList.add('selected');\n")
            .append("    var d = document.getElementById('full-' + g.getAttribute('data-step'));\n")
            .append("    document.getElementById('panel-title').textContent = d.querySelector('summary').textContent;\n")
            .append("    document.getElementById('panel-text').textContent = d.querySelector('pre').textContent;\n")
            .append("  });\n});\n</script>\n</body>\n</html>\n");
        return b.toString();
    }
}
