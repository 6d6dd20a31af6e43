package dev.strata.replication.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-JVM TCP proxy on loopback between a follower and its leader that can cut every
 * connection, stall the stream, or cut after a number of leader-to-follower bytes: the faults a
 * network makes, at points a test chooses. Threads are daemons; {@link #close()} ends them.
 */
public final class ChaosProxy implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicLong cuts = new AtomicLong();
    private final AtomicLong downstreamBytes = new AtomicLong();
    private volatile long cutAfter = Long.MAX_VALUE;
    private volatile boolean stalled;
    private volatile boolean refusing;
    private volatile boolean duplicateNext;
    private volatile boolean closed;

    public ChaosProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "chaos-proxy-accept");
        t.setDaemon(true);
        t.start();
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    /** Closes every open connection through the proxy. */
    public void cut() {
        cuts.incrementAndGet();
        for (Socket s : sockets) {
            closeQuietly(s);
        }
        sockets.clear();
    }

    /** Cuts once this many more leader-to-follower bytes have passed. */
    public void cutAfterBytes(long n) {
        downstreamBytes.set(0);
        cutAfter = n;
    }

    /** While stalled, no byte passes in either direction (the connections stay open). */
    public void stall(boolean on) {
        stalled = on;
    }

    /** Writes the next leader-to-follower read twice (corrupting the frame stream, as a buggy middlebox would). */
    public void duplicateNext() {
        duplicateNext = true;
    }

    /** While refusing, new connections are closed at once. */
    public void refuse(boolean on) {
        refusing = on;
    }

    public long cuts() {
        return cuts.get();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                if (refusing) {
                    closeQuietly(client);
                    continue;
                }
                Socket upstream = new Socket(target.getAddress(), target.getPort());
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream, false);
                pump(upstream, client, true);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to, boolean downstream) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 << 10];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    while (stalled && !from.isClosed()) {
                        Thread.sleep(5);
                    }
                    if (downstream && downstreamBytes.addAndGet(n) > cutAfter) {
                        cutAfter = Long.MAX_VALUE;
                        out.write(buf, 0, n / 2); // half of this read: the cut lands inside a frame
                        out.flush();
                        cut();
                        return;
                    }
                    out.write(buf, 0, n);
                    if (downstream && duplicateNext) {
                        duplicateNext = false;
                        out.write(buf, 0, n);
                    }
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the other side closed, or a cut: the pair ends
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "chaos-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed: nothing to release
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        cut();
    }
}
