package dev.callscope.cli;

import dev.callscope.core.InputException;
import dev.callscope.core.Limits;
import dev.callscope.tls.KeyLog;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** Reads the key log files given with --keylog. */
final class KeyLogs {
    private KeyLogs() {
    }

    /**
     * The secrets of {@code files} (none: an empty key log, which a pcapng Decryption Secrets Block
     * may still fill). Malformed lines are counted and skipped; a file that cannot be read, or in
     * which no line is a key log line, is an input error.
     */
    static KeyLog load(final List<String> files, final Limits limits) throws InputException {
        final KeyLog keys = new KeyLog(limits.maxKeyLogSecrets);
        for (final String f : files) {
            final Path p = Path.of(f);
            if (!Files.isRegularFile(p)) {
                throw new InputException(Files.exists(p) ? InputException.Kind.BAD_KEY_LOG : InputException.Kind.NOT_FOUND,
                    "--keylog " + f + ": " + (Files.exists(p) ? "not a regular file" : "no such file"));
            }
            final long before = keys.lines() - keys.malformed();
            try (Reader r = Files.newBufferedReader(p, StandardCharsets.ISO_8859_1)) {
                keys.read(r);
            } catch (NoSuchFileException e) {
                throw new InputException(InputException.Kind.NOT_FOUND, "--keylog " + f + ": no such file", e);
            } catch (IOException e) {
                throw new InputException(InputException.Kind.READ_ERROR, "--keylog " + f + ": cannot read: " + e.getMessage(), e);
            }
            if (keys.lines() - keys.malformed() == before) {
                throw new InputException(InputException.Kind.BAD_KEY_LOG,
                    "--keylog " + f + ": not a key log (no line of the form 'CLIENT_RANDOM <random> <secret>' or a TLS 1.3 secret)");
            }
        }
        return keys;
    }

    /**
     * Key logs followed during a live capture: {@code files} (which must exist), or else the file
     * named by {@code env} (SSLKEYLOGFILE), which its writer may create later.
     */
    static KeyLog follow(final List<String> files, final String env, final Limits limits) throws InputException {
        final KeyLog keys = new KeyLog(limits.maxKeyLogSecrets);
        try {
            for (final String f : files) {
                final Path p = Path.of(f);
                if (!Files.isRegularFile(p)) {
                    throw new InputException(Files.exists(p) ? InputException.Kind.BAD_KEY_LOG : InputException.Kind.NOT_FOUND,
                        "--keylog " + f + ": " + (Files.exists(p) ? "not a regular file" : "no such file"));
                }
                keys.follow(p);
            }
            if (files.isEmpty() && env != null && !env.isBlank()) {
                keys.follow(Path.of(env));
            }
        } catch (InputException e) {
            throw e;
        } catch (IOException e) {
            throw new InputException(InputException.Kind.READ_ERROR, "--keylog: cannot read: " + e.getMessage(), e);
        }
        return keys;
    }
}
