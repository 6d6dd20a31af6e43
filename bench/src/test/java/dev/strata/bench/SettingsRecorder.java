package dev.strata.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * An {@link Engine} that hands the settings of every open to a listener, then delegates
 * everything to the engine it wraps. Lets a test see how the harness configures each workload.
 */
final class SettingsRecorder implements Engine {
    private final Engine delegate;
    private final Consumer<EngineSettings> onOpen;

    SettingsRecorder(Engine delegate, Consumer<EngineSettings> onOpen) {
        this.delegate = delegate;
        this.onOpen = onOpen;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public void open(Path dir, EngineSettings settings) throws IOException {
        onOpen.accept(settings);
        delegate.open(dir, settings);
    }

    @Override
    public void put(byte[] key, byte[] value) {
        delegate.put(key, value);
    }

    @Override
    public byte[] get(byte[] key) {
        return delegate.get(key);
    }

    @Override
    public void delete(byte[] key) {
        delegate.delete(key);
    }

    @Override
    public Batch newBatch() {
        return delegate.newBatch();
    }

    @Override
    public void write(Batch batch) {
        delegate.write(batch);
    }

    @Override
    public long scan(byte[] from, long limit, EntryVisitor visitor) {
        return delegate.scan(from, limit, visitor);
    }

    @Override
    public boolean supportsTransactions() {
        return delegate.supportsTransactions();
    }

    @Override
    public void putInTransaction(byte[] key, byte[] value) {
        delegate.putInTransaction(key, value);
    }

    @Override
    public String syncMeaning() {
        return delegate.syncMeaning();
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
