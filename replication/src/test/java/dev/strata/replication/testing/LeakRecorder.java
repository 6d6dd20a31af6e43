package dev.strata.replication.testing;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Makes Netty's leak detector (paranoid in this module's tests) record every leak it reports, so
 * a test can assert that none happened instead of hoping someone reads the log.
 */
public final class LeakRecorder {
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    static {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval, long maxActive) {
                return new ResourceLeakDetector<T>(resource, samplingInterval) {
                    @Override
                    protected void reportTracedLeak(String resourceType, String records) {
                        LEAKS.add(resourceType + ": " + records);
                        super.reportTracedLeak(resourceType, records);
                    }

                    @Override
                    protected void reportUntracedLeak(String resourceType) {
                        LEAKS.add(resourceType);
                        super.reportUntracedLeak(resourceType);
                    }
                };
            }
        });
    }

    private LeakRecorder() {
    }

    /** Installs the recorder (before the first buffer is allocated, ideally). */
    public static void install() {
        // the static initializer did it
    }

    /** Leaks reported so far, after nudging the collector so unreachable buffers are found. */
    public static List<String> leaks() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            // Leaks are reported when a tracked buffer is allocated after the leaked one was collected.
            io.netty.buffer.ByteBuf b = io.netty.buffer.PooledByteBufAllocator.DEFAULT.buffer(16);
            b.release();
        }
        return List.copyOf(LEAKS);
    }
}
