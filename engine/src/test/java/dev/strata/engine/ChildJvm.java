package dev.strata.engine;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The kill -9 harness for tests that run a workload in a child JVM: the child side (line output
 * that a kill never tears, and watchdogs so an orphaned child exits) and the parent side (start
 * with stdout and stderr to files, wait for the first line, kill). Used by the change-feed kill
 * test; the kill and crash-point tests' child ({@link CrashKillChild}) uses the child side.
 */
public final class ChildJvm {
    private static final FileOutputStream OUT = new FileOutputStream(FileDescriptor.out);

    private ChildJvm() {
    }

    // ------------------------------------------------------------------ in the child

    /**
     * Writes one line to stdout with one write(2): a pipe or file write of at most PIPE_BUF bytes
     * is atomic, so a kill never leaves half a line. Halts the child if stdout is gone.
     */
    public static void emit(String line) {
        byte[] b = (line + "\n").getBytes(StandardCharsets.ISO_8859_1);
        synchronized (OUT) {
            try {
                OUT.write(b);
            } catch (IOException e) {
                Runtime.getRuntime().halt(5); // the parent is gone
            }
        }
    }

    /** Halts the child when stdin closes (the parent died) or after {@code limitSeconds}. */
    public static void startWatchdogs(long limitSeconds) {
        Thread watchdog = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the parent never writes; EOF means it is gone
                }
            } catch (IOException e) {
                emit("error stdin: " + e);
            }
            Runtime.getRuntime().halt(2);
        }, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        Thread limit = new Thread(() -> {
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(limitSeconds));
            Runtime.getRuntime().halt(3);
        }, "time-limit");
        limit.setDaemon(true);
        limit.start();
    }

    // ------------------------------------------------------------------ in the parent

    /**
     * Starts {@code main} in a child JVM with this class path, its stdout to {@code out} and its
     * stderr to {@code err} (files, not pipes: the JDK's reaper may drain a dead child's pipe
     * under a reader and lose its last lines), waits until it has written its first line, lets it
     * run {@code runMillis} and kills it with SIGKILL. Returns its whole output.
     */
    public static String runAndKill(Class<?> main, List<String> args, Path out, Path err, long runMillis)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "-XX:+UseSerialGC", "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", main.getName()));
        cmd.addAll(args);
        Files.deleteIfExists(out);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectError(err.toFile());
        pb.redirectOutput(out.toFile());
        Process p = pb.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!(Files.exists(out) && Files.readString(out, StandardCharsets.ISO_8859_1).contains("\n"))) {
                if (!p.isAlive()) {
                    throw new AssertionError("the child exited with " + p.exitValue() + " before its first line");
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the child wrote nothing within 60 s");
                }
                LockSupport.parkNanos(1_000_000);
            }
            Thread.sleep(runMillis); // the kill moment, not a synchronisation
        } finally {
            p.destroyForcibly();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("the killed child did not exit within 30 s");
            }
        }
        return Files.readString(out, StandardCharsets.ISO_8859_1);
    }
}
