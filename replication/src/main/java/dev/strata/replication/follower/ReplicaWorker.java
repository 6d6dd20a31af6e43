package dev.strata.replication.follower;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The follower's one thread for everything that touches its disk: applying record batches,
 * writing full-sync chunks, swapping a copy in. Frames arrive on the Netty event loop and are
 * queued here in order; the queue is bounded in bytes by the caller, which stops reading the
 * socket ({@code autoRead=false}) while {@link #queuedBytes()} is above its cap and resumes when
 * the worker drains it. Tasks carry the generation of the connection they came from; a task of
 * a connection that has since closed is dropped, never applied out of turn.
 */
final class ReplicaWorker implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaWorker.class);

    /** One unit of work. */
    interface Task {
        void run() throws Exception;
    }

    /** Reports what a task did, so the follower can react (close the connection, resume reading). */
    interface Listener {
        /** {@code generation} is the task's connection; {@code failure} is null on success. */
        void done(long generation, int bytes, Exception failure);

        /** The connection generation now current; tasks of older ones are dropped. */
        long currentGeneration();
    }

    private record Entry(long generation, int bytes, Task task) {
    }

    private final LinkedBlockingQueue<Entry> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final Listener listener;
    private final Thread thread;
    private volatile boolean stopped;

    ReplicaWorker(String name, Listener listener) {
        this.listener = listener;
        this.thread = new Thread(this, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void submit(long generation, int bytes, Task task) {
        queuedBytes.addAndGet(bytes);
        queue.add(new Entry(generation, bytes, task));
    }

    long queuedBytes() {
        return queuedBytes.get();
    }

    /** Waits until every task submitted before the call has run (or was dropped). */
    void drain() throws InterruptedException {
        Object done = new Object();
        boolean[] ran = new boolean[1];
        queue.add(new Entry(-1, 0, () -> {
            synchronized (done) {
                ran[0] = true;
                done.notifyAll();
            }
        }));
        synchronized (done) {
            while (!ran[0] && thread.isAlive()) {
                done.wait(100);
            }
        }
    }

    @Override
    public void run() {
        while (!stopped) {
            Entry e;
            try {
                e = queue.take();
            } catch (InterruptedException ie) {
                if (stopped) {
                    return;
                }
                continue;
            }
            Exception failure = null;
            try {
                if (e.generation < 0 || e.generation == listener.currentGeneration()) {
                    e.task.run();
                }
            } catch (Exception ex) {
                failure = ex;
            } catch (Error err) {
                LOG.error("Replica worker failed", err);
                failure = new IllegalStateException(err);
            }
            queuedBytes.addAndGet(-e.bytes);
            if (e.generation >= 0) {
                listener.done(e.generation, e.bytes, failure);
            }
        }
    }

    /** Stops after the current task; queued ones are dropped. */
    void stop() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        queue.clear();
        queuedBytes.set(0);
    }
}
