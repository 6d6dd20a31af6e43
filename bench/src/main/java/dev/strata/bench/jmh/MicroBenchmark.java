package dev.strata.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The run settings every micro-benchmark of this package shares (JMH reads them from the
 * superclass): average time per operation in nanoseconds, one forked JVM with a fixed heap so GC
 * sizing does not vary between benchmarks, 3 warm-up and 5 measured iterations of one second.
 * {@code bench/jmh} options ({@code -f}, {@code -wi}, {@code -i}, {@code -w}, {@code -r})
 * override them.
 *
 * <p>Each subclass is a JMH {@code @State} owning the engine objects it drives, and its class
 * javadoc says which engine path one operation covers. They call the engine's public classes
 * only: package-private internals (such as a data block's own cursor) are measured through the
 * nearest public path, and the javadoc says what that path adds.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public abstract class MicroBenchmark {
    /** Seed of every key order and value: runs are repeatable. */
    static final long SEED = 20240601L;
}
