package dev.strata.engine.vfs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test {@link Storage}: {@link LocalStorage} on a real directory ({@link #root()}), plus
 * operation counts, injected I/O errors and a power-loss model.
 *
 * <p><b>Counting.</b> Every call is counted by {@link Kind} before it runs, whether it then
 * succeeds or fails ({@link #count}); bytes read are summed per file ({@link #bytesRead}).
 *
 * <p><b>Errors.</b> {@link #failNth}(kind, n, persistent) makes the n-th call of that kind
 * (1-based, counted since this storage was made) throw an {@link IOException}, once or for every
 * call from then on. A failed call changes nothing, except a failed {@code write}, which first
 * writes the first half of its bytes, as a real failing write may. Each failure is remembered
 * with its file, inode and thread ({@link #injections()}), and forces are counted per inode
 * ({@link #forceAttempts}), so a test can tell whether a failed force was ever tried again.
 *
 * <p><b>Disk full.</b> {@link #quota} caps the bytes of the files the namespace names (the sum of
 * their sizes; an unlinked file that is still open is not counted). A write that would grow past
 * the cap writes what fits, as a real write on a full disk does, and throws
 * {@code IOException("No space left on device")}; reads, deletes and truncations go on working.
 *
 * <p><b>Power loss.</b> Every call that changes the disk (create, write, truncate, force, rename,
 * delete, mkdir, directory force, lock-file creation) is appended, in execution order, to the
 * {@link #trace()} (mutating calls are serialised on this object for that). A {@link PowerCutDisk}
 * replays a trace prefix and models what a power cut would leave:
 * <ul>
 *   <li>per file (an inode: a rename moves it, an open handle follows it), the content at its
 *       last {@code force} and the current content, and which 4 KiB pages were written (and
 *       whether the size changed) since that force;</li>
 *   <li>the namespace as of the last {@code forceDirectory} of each directory, and, in order, the
 *       entry changes (create, mkdir, rename as one atomic change, delete) not yet forced.</li>
 * </ul>
 * {@link PowerCutDisk#writeImage} writes the disk a power cut would leave into a fresh directory:
 * <ul>
 *   <li>{@link Mode#DROP}: only forced data and forced directory entries survive;</li>
 *   <li>{@link Mode#KEEP_RANDOM_PAGES}: each unforced dirty page is kept or lost at random (a kept
 *       page is the page as last written; a lost one as last forced, zeros if it was never
 *       forced), the size is the forced or the current one at random, and a random prefix of the
 *       unforced directory changes survives (journalled metadata reaches disk in order);</li>
 *   <li>{@link Mode#GARBAGE_TAIL}: as DROP, and every file with unforced data gets 1 byte to
 *       8 KiB of random bytes or zeros appended (space the file grew into before its data
 *       landed).</li>
 * </ul>
 * A file is forced only through a handle, which covers writes through any handle of that inode
 * (as fsync does on Linux). Directories are inodes holding their entries: a new directory is an
 * entry of its parent, a renamed one takes its entries along (checkpoints and restores are built
 * in a temporary directory and renamed into place), and a deleted (empty) one loses its entry.
 */
public final class FaultStorage implements Storage {
    public enum Kind { CREATE, OPEN_WRITABLE, OPEN_READ, WRITE, READ, TRUNCATE, FORCE, CLOSE, RENAME, DELETE,
        EXISTS, SIZE, LIST, MKDIR, DIR_FORCE, LOCK }

    public enum Mode { DROP, KEEP_RANDOM_PAGES, GARBAGE_TAIL }

    /** One failed call: its kind, file (relative to the root; null if none), inode (-1 if none) and thread. */
    public record Injection(Kind kind, String path, long node, Thread thread, IOException error) {
    }

    /** One disk-changing call. {@code node} is the inode for file calls, {@code path} relative to the root. */
    public record Event(Kind kind, long node, String path, String path2, long pos, byte[] data) {
        @Override
        public String toString() {
            return kind + " " + path + (path2 != null ? " -> " + path2 : "")
                    + (kind == Kind.WRITE ? " @" + pos + " +" + data.length : kind == Kind.TRUNCATE ? " to " + pos : "");
        }
    }

    public static final int PAGE = 4096;

    private final Storage local = LocalStorage.INSTANCE;
    private final Path root;
    private final PowerCutDisk initial;
    private final PowerCutDisk live;
    private final List<Event> trace = new ArrayList<>();
    private final Map<Kind, AtomicLong> counts = new EnumMap<>(Kind.class);
    private final Map<String, AtomicLong> bytesRead = new ConcurrentHashMap<>();
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final Map<String, Runnable> hooks = new ConcurrentHashMap<>();
    private final List<Injection> injections = new CopyOnWriteArrayList<>();
    private final Map<Long, AtomicLong> forcesByNode = new ConcurrentHashMap<>();
    private volatile long quota = Long.MAX_VALUE;

    private record Fault(Kind kind, long n, boolean persistent) {
    }

    /** A storage over {@code root}; whatever is already in it counts as durable. */
    public FaultStorage(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        Files.createDirectories(this.root);
        this.initial = PowerCutDisk.scan(this.root);
        this.live = initial.copy();
        for (Kind k : Kind.values()) {
            counts.put(k, new AtomicLong());
        }
    }

    public Path root() {
        return root;
    }

    /** Makes the n-th call of {@code kind} (1-based, since creation) fail; every later one too if persistent. */
    public FaultStorage failNth(Kind kind, long n, boolean persistent) {
        faults.add(new Fault(kind, n, persistent));
        return this;
    }

    /** Runs {@code action} in the calling thread just before the n-th call of {@code kind} (to pause it). */
    public FaultStorage onCall(Kind kind, long n, Runnable action) {
        hooks.put(kind.name() + "#" + n, action);
        return this;
    }

    public void clearFaults() {
        faults.clear();
        quota = Long.MAX_VALUE;
    }

    /** Caps the bytes the named files may hold (disk full beyond it); {@link Long#MAX_VALUE} lifts the cap. */
    public FaultStorage quota(long bytes) {
        quota = bytes;
        return this;
    }

    /** The bytes of the files the namespace names now. */
    public synchronized long usedBytes() {
        return live.namedBytes();
    }

    /** The last injected exception, or null. */
    public IOException lastInjected() {
        Injection i = lastInjection();
        return i == null ? null : i.error();
    }

    /** The last injected failure, or null. */
    public Injection lastInjection() {
        return injections.isEmpty() ? null : injections.get(injections.size() - 1);
    }

    /** Every injected failure so far, oldest first (disk-full writes included). */
    public List<Injection> injections() {
        return List.copyOf(injections);
    }

    /** Calls of {@code force} on inode {@code node} so far, failed ones included. */
    public long forceAttempts(long node) {
        AtomicLong n = forcesByNode.get(node);
        return n == null ? 0 : n.get();
    }

    /** Calls of {@code kind} so far, failed ones included. */
    public long count(Kind kind) {
        return counts.get(kind).get();
    }

    public long totalCount() {
        return counts.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** Bytes read from the file at {@code path} (relative to the root or absolute). */
    public long bytesRead(Path path) {
        AtomicLong n = bytesRead.get(rel(path));
        return n == null ? 0 : n.get();
    }

    /** The disk-changing calls so far, in order. */
    public synchronized List<Event> trace() {
        return List.copyOf(trace);
    }

    public synchronized int traceSize() {
        return trace.size();
    }

    /** A model of the disk as it was when this storage was made; apply {@link #trace()} to move it on. */
    public PowerCutDisk initialDisk() {
        return initial.copy();
    }

    /** A model of the disk now. */
    public synchronized PowerCutDisk disk() {
        return live.copy();
    }

    private void before(Kind kind, Path path) throws IOException {
        before(kind, path == null ? null : rel(path), -1);
    }

    private void before(Kind kind, String path, long node) throws IOException {
        long c = counts.get(kind).incrementAndGet();
        if (kind == Kind.FORCE) {
            forcesByNode.computeIfAbsent(node, k -> new AtomicLong()).incrementAndGet();
        }
        Runnable hook = hooks.get(kind.name() + "#" + c);
        if (hook != null) {
            hook.run();
        }
        for (Fault f : faults) {
            if (f.kind == kind && (c == f.n || (f.persistent && c > f.n))) {
                throw inject(kind, path, node, new IOException("injected " + kind + " failure (call #" + c + ") on " + path));
            }
        }
    }

    private IOException inject(Kind kind, String path, long node, IOException e) {
        injections.add(new Injection(kind, path, node, Thread.currentThread(), e));
        return e;
    }

    private void record(Event e) {
        trace.add(e);
        live.apply(e);
    }

    private String rel(Path p) {
        Path a = p.toAbsolutePath().normalize();
        if (!a.startsWith(root)) {
            throw new IllegalArgumentException(p + " is outside the fault storage root " + root);
        }
        return root.relativize(a).toString().replace('\\', '/');
    }

    @Override
    public StorageFile create(Path file) throws IOException {
        before(Kind.CREATE, file);
        synchronized (this) {
            StorageFile f = local.create(file);
            long id = live.nextId;
            record(new Event(Kind.CREATE, id, rel(file), null, 0, null));
            return new FaultFile(f, id, rel(file));
        }
    }

    @Override
    public StorageFile openWritable(Path file) throws IOException {
        before(Kind.OPEN_WRITABLE, file);
        synchronized (this) {
            return new FaultFile(local.openWritable(file), live.idOf(rel(file)), rel(file));
        }
    }

    @Override
    public StorageFile openReadOnly(Path file) throws IOException {
        before(Kind.OPEN_READ, file);
        synchronized (this) {
            return new FaultFile(local.openReadOnly(file), live.idOf(rel(file)), rel(file));
        }
    }

    @Override
    public void rename(Path from, Path to) throws IOException {
        before(Kind.RENAME, from);
        synchronized (this) {
            local.rename(from, to);
            record(new Event(Kind.RENAME, 0, rel(from), rel(to), 0, null));
        }
    }

    @Override
    public boolean delete(Path file) throws IOException {
        before(Kind.DELETE, file);
        synchronized (this) {
            boolean deleted = local.delete(file);
            if (deleted) {
                record(new Event(Kind.DELETE, 0, rel(file), null, 0, null));
            }
            return deleted;
        }
    }

    @Override
    public boolean exists(Path path) {
        counts.get(Kind.EXISTS).incrementAndGet(); // exists cannot throw: counted, never failed
        return local.exists(path);
    }

    @Override
    public long size(Path file) throws IOException {
        before(Kind.SIZE, file);
        return local.size(file);
    }

    @Override
    public List<String> list(Path dir) throws IOException {
        before(Kind.LIST, dir);
        return local.list(dir);
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path p = dir.toAbsolutePath().normalize(); p != null && !Files.isDirectory(p); p = p.getParent()) {
            missing.add(0, p);
        }
        for (Path p : missing) {
            before(Kind.MKDIR, p);
            synchronized (this) {
                Files.createDirectory(p);
                record(new Event(Kind.MKDIR, live.nextId, rel(p), null, 0, null));
            }
            forceDirectory(p.getParent());
        }
    }

    @Override
    public void forceDirectory(Path dir) throws IOException {
        before(Kind.DIR_FORCE, dir);
        synchronized (this) {
            local.forceDirectory(dir);
            record(new Event(Kind.DIR_FORCE, 0, rel(dir), null, 0, null));
        }
    }

    @Override
    public DirectoryLock lock(Path lockFile) throws IOException {
        before(Kind.LOCK, lockFile);
        synchronized (this) {
            boolean existed = Files.exists(lockFile);
            DirectoryLock l = local.lock(lockFile);
            if (!existed) {
                record(new Event(Kind.CREATE, live.nextId, rel(lockFile), null, 0, null));
            }
            return l;
        }
    }

    /** A file handle that counts, fails and records through its storage. */
    private final class FaultFile implements StorageFile {
        private final StorageFile f;
        private final long node;
        private final String rel;

        FaultFile(StorageFile f, long node, String rel) {
            this.f = f;
            this.node = node;
            this.rel = rel;
        }

        @Override
        public Path path() {
            return f.path();
        }

        @Override
        public void write(long position, byte[] src, int off, int len) throws IOException {
            try {
                before(Kind.WRITE, rel, node);
            } catch (IOException e) {
                write0(position, src, off, len / 2);
                throw e;
            }
            synchronized (FaultStorage.this) {
                long end = Math.max(live.length(node), position + len);
                long over = live.namedBytes() - live.length(node) + end - quota;
                if (over > 0) {
                    write0(position, src, off, (int) Math.max(0, len - over));
                    throw inject(Kind.WRITE, rel, node, new IOException("No space left on device (quota of "
                            + quota + " bytes reached writing " + rel + ")"));
                }
                write0(position, src, off, len);
            }
        }

        private void write0(long position, byte[] src, int off, int len) throws IOException {
            synchronized (FaultStorage.this) {
                if (len > 0) {
                    f.write(position, src, off, len);
                    record(new Event(Kind.WRITE, node, rel, null, position, Arrays.copyOfRange(src, off, off + len)));
                }
            }
        }

        @Override
        public int read(long position, ByteBuffer dst) throws IOException {
            before(Kind.READ, rel, node);
            int n = f.read(position, dst);
            if (n > 0) {
                bytesRead.computeIfAbsent(rel, k -> new AtomicLong()).addAndGet(n);
            }
            return n;
        }

        @Override
        public long size() throws IOException {
            before(Kind.SIZE, rel, node);
            return f.size();
        }

        @Override
        public void truncate(long size) throws IOException {
            before(Kind.TRUNCATE, rel, node);
            synchronized (FaultStorage.this) {
                f.truncate(size);
                record(new Event(Kind.TRUNCATE, node, rel, null, size, null));
            }
        }

        @Override
        public void force() throws IOException {
            before(Kind.FORCE, rel, node);
            synchronized (FaultStorage.this) {
                f.force();
                record(new Event(Kind.FORCE, node, rel, null, 0, null));
            }
        }

        @Override
        public void close() throws IOException {
            counts.get(Kind.CLOSE).incrementAndGet(); // counted, never failed
            f.close();
        }
    }
}
