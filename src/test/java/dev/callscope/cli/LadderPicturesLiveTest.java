package dev.callscope.cli;

import static dev.callscope.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renders the SVG and HTML ladders with headless Chromium to PNG and checks the pictures are not
 * blank. Tagged live: needs a chromium binary (apt-get install -y chromium); skipped without one.
 */
@Tag("live")
class LadderPicturesLiveTest {
    @TempDir
    Path tmp;

    private static String chromium() {
        for (final String c : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (Files.isExecutable(Path.of(c))) {
                return c;
            }
        }
        Assumptions.abort("no chromium binary");
        return null;
    }

    private Path screenshot(final Path page) throws Exception {
        final Path png = tmp.resolve(page.getFileName() + ".png");
        final Process p = new ProcessBuilder(chromium(), "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--hide-scrollbars", "--window-size=1200,900",
            "--screenshot=" + png, page.toUri().toString())
            .redirectErrorStream(true).redirectOutput(tmp.resolve("chromium.log").toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        assertThat(png).as(Files.readString(tmp.resolve("chromium.log"))).exists();
        return png;
    }

    private static void assertNotBlank(final Path png) throws Exception {
        final BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isGreaterThan(100);
        long dark = 0;
        final Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                final int rgb = img.getRGB(x, y) & 0xFFFFFF;
                colours.add(rgb);
                final int lum = ((rgb >> 16) & 0xFF) + ((rgb >> 8) & 0xFF) + (rgb & 0xFF);
                if (lum < 3 * 160) {
                    dark++;
                }
            }
        }
        assertThat(dark).as("dark pixels (lines and text) in %s", png).isGreaterThan(500);
        assertThat(colours.size()).as("distinct colours in %s", png).isGreaterThan(8);
    }

    @Test
    void svgAndHtmlRenderToNonBlankPictures() throws Exception {
        final Path svg = tmp.resolve("call.svg");
        final Path html = tmp.resolve("call.html");
        final Path merged = tmp.resolve("merged.svg");
        assertThat(run("ladder", "--format", "svg", "-o", svg.toString(), "samples/sip-call.pcap").code()).isZero();
        assertThat(run("ladder", "--format", "html", "-o", html.toString(), "samples/sip-call.pcap").code()).isZero();
        assertThat(run("ladder", "--format", "svg", "--merge", "--call", "1", "--connection", "1", "-o", merged.toString(),
            "samples/sip-call.pcap", "samples/dubbo/dubbo-calls.pcap").code()).isZero();
        for (final Path p : List.of(svg, html, merged)) {
            final Path png = screenshot(p);
            assertNotBlank(png);
            final Path keep = Path.of(System.getProperty("ladder.png.dir", "target/ladder-pictures"));
            Files.createDirectories(keep);
            Files.copy(png, keep.resolve(png.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
