package dev.strata.engine.util;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Runs a call on a database's own threads (the pool behind every {@code *Async} method) and
 * completes the future with its result; a closed database gives an already failed future.
 */
@FunctionalInterface
public interface AsyncRunner {
    <T> CompletableFuture<T> submit(Supplier<T> call);
}
