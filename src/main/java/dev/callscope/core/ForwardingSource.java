package dev.callscope.core;

import java.io.IOException;

/**
 * A source that reads through another: a subclass does something with each frame in {@link #next}
 * (store it, count it); the description, format, progress counters and closing are the other's.
 */
public abstract class ForwardingSource implements PacketSource {
    protected final PacketSource in;

    protected ForwardingSource(final PacketSource in) {
        this.in = in;
    }

    @Override
    public String describe() {
        return in.describe();
    }

    @Override
    public String format() {
        return in.format();
    }

    @Override
    public long bytesRead() {
        return in.bytesRead();
    }

    @Override
    public long size() {
        return in.size();
    }

    @Override
    public void onSecrets(final SecretsListener listener) {
        in.onSecrets(listener);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
