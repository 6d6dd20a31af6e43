package dev.strata.engine.vfs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

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
 * writes the first half of its bytes, as a real failing write may.
 *
 * <p><b>Power loss.</b> Every call that changes the disk (create, write, truncate, force, rename,
 * delete, mkdir, directory force, lock-file creation) is appended, in execution order, to the
 * {@link #trace()} (mutating calls are serialised on this object for that). A {@link Disk}
 * replays a trace prefix and models what a power cut would leave:
 * <ul>
 *   <li>per file (an inode: a rename moves it, an open handle follows it), the content at its
 *       last {@code force} and the current content, and which 4 KiB pages were written (and
 *       whether the size changed) since that force;</li>
 *   <li>the namespace as of the last {@code forceDirectory} of each directory, and, in order, the
 *       entry changes (create, mkdir, rename as one atomic change, delete) not yet forced.</li>
 * </ul>
 * {@link Disk#writeImage} writes the disk a power cut would leave into a fresh directory:
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
 * (as fsync does on Linux). A new directory is modelled as an entry of its parent. Directory
 * deletion is not modelled (the engine does not delete directories).
 */
public final class FaultStorage implements Storage {
    public enum Kind { CREATE, OPEN_WRITABLE, OPEN_READ, WRITE, READ, TRUNCATE, FORCE, CLOSE, RENAME, DELETE,
        EXISTS, SIZE, LIST, MKDIR, DIR_FORCE, LOCK }

    public enum Mode { DROP, KEEP_RANDOM_PAGES, GARBAGE_TAIL }

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
    private final Disk initial;
    private final Disk live;
    private final List<Event> trace = new ArrayList<>();
    private final Map<Kind, AtomicLong> counts = new EnumMap<>(Kind.class);
    private final Map<String, AtomicLong> bytesRead = new ConcurrentHashMap<>();
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private volatile IOException lastInjected;

    private record Fault(Kind kind, long n, boolean persistent) {
    }

    /** A storage over {@code root}; whatever is already in it counts as durable. */
    public FaultStorage(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        Files.createDirectories(this.root);
        this.initial = Disk.scan(this.root);
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

    public void clearFaults() {
        faults.clear();
    }

    /** The last injected exception, or null. */
    public IOException lastInjected() {
        return lastInjected;
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
    public Disk initialDisk() {
        return initial.copy();
    }

    /** A model of the disk now. */
    public synchronized Disk disk() {
        return live.copy();
    }

    private void before(Kind kind) throws IOException {
        long c = counts.get(kind).incrementAndGet();
        for (Fault f : faults) {
            if (f.kind == kind && (c == f.n || (f.persistent && c > f.n))) {
                IOException e = new IOException("injected " + kind + " failure (call #" + c + ")");
                lastInjected = e;
                throw e;
            }
        }
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
        before(Kind.CREATE);
        synchronized (this) {
            StorageFile f = local.create(file);
            long id = live.nextId;
            record(new Event(Kind.CREATE, id, rel(file), null, 0, null));
            return new FaultFile(f, id, rel(file));
        }
    }

    @Override
    public StorageFile openWritable(Path file) throws IOException {
        before(Kind.OPEN_WRITABLE);
        synchronized (this) {
            return new FaultFile(local.openWritable(file), live.idOf(rel(file)), rel(file));
        }
    }

    @Override
    public StorageFile openReadOnly(Path file) throws IOException {
        before(Kind.OPEN_READ);
        synchronized (this) {
            return new FaultFile(local.openReadOnly(file), live.idOf(rel(file)), rel(file));
        }
    }

    @Override
    public void rename(Path from, Path to) throws IOException {
        before(Kind.RENAME);
        synchronized (this) {
            local.rename(from, to);
            record(new Event(Kind.RENAME, 0, rel(from), rel(to), 0, null));
        }
    }

    @Override
    public boolean delete(Path file) throws IOException {
        before(Kind.DELETE);
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
        before(Kind.SIZE);
        return local.size(file);
    }

    @Override
    public List<String> list(Path dir) throws IOException {
        before(Kind.LIST);
        return local.list(dir);
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path p = dir.toAbsolutePath().normalize(); p != null && !Files.isDirectory(p); p = p.getParent()) {
            missing.add(0, p);
        }
        for (Path p : missing) {
            before(Kind.MKDIR);
            synchronized (this) {
                Files.createDirectory(p);
                record(new Event(Kind.MKDIR, live.nextId, rel(p), null, 0, null));
            }
            forceDirectory(p.getParent());
        }
    }

    @Override
    public void forceDirectory(Path dir) throws IOException {
        before(Kind.DIR_FORCE);
        synchronized (this) {
            local.forceDirectory(dir);
            record(new Event(Kind.DIR_FORCE, 0, rel(dir), null, 0, null));
        }
    }

    @Override
    public DirectoryLock lock(Path lockFile) throws IOException {
        before(Kind.LOCK);
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
                before(Kind.WRITE);
            } catch (IOException e) {
                write0(position, src, off, len / 2);
                throw e;
            }
            write0(position, src, off, len);
        }

        private void write0(long position, byte[] src, int off, int len) throws IOException {
            synchronized (FaultStorage.this) {
                f.write(position, src, off, len);
                record(new Event(Kind.WRITE, node, rel, null, position, Arrays.copyOfRange(src, off, off + len)));
            }
        }

        @Override
        public int read(long position, ByteBuffer dst) throws IOException {
            before(Kind.READ);
            int n = f.read(position, dst);
            if (n > 0) {
                bytesRead.computeIfAbsent(rel, k -> new AtomicLong()).addAndGet(n);
            }
            return n;
        }

        @Override
        public long size() throws IOException {
            before(Kind.SIZE);
            return f.size();
        }

        @Override
        public void truncate(long size) throws IOException {
            before(Kind.TRUNCATE);
            synchronized (FaultStorage.this) {
                f.truncate(size);
                record(new Event(Kind.TRUNCATE, node, rel, null, size, null));
            }
        }

        @Override
        public void force() throws IOException {
            before(Kind.FORCE);
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

    /** The power-loss model of one directory tree: see the class comment. Not thread-safe. */
    public static final class Disk {
        private final Map<Long, Node> nodes = new HashMap<>();
        private final TreeMap<String, Node> names = new TreeMap<>();
        private final TreeMap<String, Node> durableNames = new TreeMap<>();
        /** Unforced entry changes, oldest first; each maps paths to their new node (null: removed). */
        private final List<Map<String, Node>> pending = new ArrayList<>();
        private long nextId = 1;

        static Disk scan(Path root) throws IOException {
            Disk d = new Disk();
            List<Path> all;
            try (Stream<Path> s = Files.walk(root)) {
                all = s.filter(p -> !p.equals(root)).sorted().toList();
            }
            for (Path p : all) {
                Node n = new Node(d.nextId++, Files.isDirectory(p));
                if (!n.dir) {
                    n.cur = Files.readAllBytes(p);
                    n.curLen = n.cur.length;
                    n.force();
                }
                d.nodes.put(n.id, n);
                String rel = root.relativize(p).toString().replace('\\', '/');
                d.names.put(rel, n);
                d.durableNames.put(rel, n);
            }
            return d;
        }

        public Disk copy() {
            Disk d = new Disk();
            nodes.forEach((id, n) -> d.nodes.put(id, n.copy()));
            names.forEach((p, n) -> d.names.put(p, d.nodes.get(n.id)));
            durableNames.forEach((p, n) -> d.durableNames.put(p, d.nodes.get(n.id)));
            for (Map<String, Node> op : pending) {
                Map<String, Node> c = new LinkedHashMap<>();
                op.forEach((p, n) -> c.put(p, n == null ? null : d.nodes.get(n.id)));
                d.pending.add(c);
            }
            d.nextId = nextId;
            return d;
        }

        long idOf(String path) {
            Node n = names.get(path);
            return n == null ? -1 : n.id;
        }

        /** Moves the model on by one disk-changing call. */
        public void apply(Event e) {
            switch (e.kind) {
                case CREATE, MKDIR -> {
                    Node n = new Node(e.node, e.kind == Kind.MKDIR);
                    nextId = Math.max(nextId, e.node + 1);
                    nodes.put(n.id, n);
                    names.put(e.path, n);
                    pending.add(entry(e.path, n, null, null));
                }
                case WRITE -> nodes.get(e.node).write(e.pos, e.data);
                case TRUNCATE -> nodes.get(e.node).truncate((int) e.pos);
                case FORCE -> nodes.get(e.node).force();
                case RENAME -> {
                    Node n = names.remove(e.path);
                    names.put(e.path2, n);
                    pending.add(entry(e.path, null, e.path2, n));
                }
                case DELETE -> {
                    names.remove(e.path);
                    pending.add(entry(e.path, null, null, null));
                }
                case DIR_FORCE -> {
                    for (Iterator<Map<String, Node>> it = pending.iterator(); it.hasNext(); ) {
                        Map<String, Node> op = it.next();
                        for (Iterator<Map.Entry<String, Node>> es = op.entrySet().iterator(); es.hasNext(); ) {
                            Map.Entry<String, Node> x = es.next();
                            if (parent(x.getKey()).equals(e.path)) {
                                setEntry(durableNames, x.getKey(), x.getValue());
                                es.remove();
                            }
                        }
                        if (op.isEmpty()) {
                            it.remove();
                        }
                    }
                }
                default -> throw new IllegalArgumentException("not a disk-changing call: " + e);
            }
        }

        private static Map<String, Node> entry(String p1, Node n1, String p2, Node n2) {
            Map<String, Node> m = new LinkedHashMap<>();
            m.put(p1, n1);
            if (p2 != null) {
                m.put(p2, n2);
            }
            return m;
        }

        private static void setEntry(Map<String, Node> ns, String path, Node n) {
            if (n == null) {
                ns.remove(path);
            } else {
                ns.put(path, n);
            }
        }

        private static String parent(String path) {
            int i = path.lastIndexOf('/');
            return i < 0 ? "" : path.substring(0, i);
        }

        /** Whether any file data or directory entry is not yet forced. */
        public boolean hasUnforced() {
            return !pending.isEmpty() || nodes.values().stream().anyMatch(Node::unforced);
        }

        /** Writes the disk a power cut now would leave, in {@code mode}, into {@code target} (created). */
        public void writeImage(Mode mode, Random rnd, Path target) throws IOException {
            TreeMap<String, Node> ns = new TreeMap<>(durableNames);
            if (mode == Mode.KEEP_RANDOM_PAGES) {
                int keep = rnd.nextInt(pending.size() + 1);
                for (int i = 0; i < keep; i++) {
                    pending.get(i).forEach((p, n) -> setEntry(ns, p, n));
                }
            }
            Files.createDirectories(target);
            for (Map.Entry<String, Node> x : ns.entrySet()) {
                String par = parent(x.getKey());
                Node pn = ns.get(par);
                if (!par.isEmpty() && (pn == null || !pn.dir || !Files.isDirectory(target.resolve(par)))) {
                    continue; // its directory did not survive
                }
                Path p = target.resolve(x.getKey());
                if (x.getValue().dir) {
                    Files.createDirectory(p);
                } else {
                    Files.write(p, x.getValue().afterCrash(mode, rnd));
                }
            }
        }
    }

    /** One inode: current and last-forced content, and the pages written since the force. */
    private static final class Node {
        final long id;
        final boolean dir;
        byte[] cur = new byte[0];
        int curLen;
        byte[] dur = new byte[0];
        BitSet dirty = new BitSet();

        Node(long id, boolean dir) {
            this.id = id;
            this.dir = dir;
        }

        Node copy() {
            Node n = new Node(id, dir);
            n.cur = Arrays.copyOf(cur, curLen);
            n.curLen = curLen;
            n.dur = dur; // never mutated in place
            n.dirty = (BitSet) dirty.clone();
            return n;
        }

        void write(long pos, byte[] data) {
            int end = Math.toIntExact(pos + data.length);
            if (end > cur.length) {
                cur = Arrays.copyOf(cur, Math.max(end, cur.length * 2));
            }
            System.arraycopy(data, 0, cur, (int) pos, data.length);
            curLen = Math.max(curLen, end);
            if (data.length > 0) {
                dirty.set((int) (pos / PAGE), (end - 1) / PAGE + 1);
            }
        }

        void truncate(int size) {
            if (size < curLen) {
                Arrays.fill(cur, size, curLen, (byte) 0);
            } else if (size > cur.length) {
                cur = Arrays.copyOf(cur, size);
            }
            curLen = size;
        }

        void force() {
            dur = Arrays.copyOf(cur, curLen);
            dirty.clear();
        }

        boolean unforced() {
            return !dir && (!dirty.isEmpty() || curLen != dur.length);
        }

        byte[] afterCrash(Mode mode, Random rnd) {
            if (mode == Mode.DROP || !unforced()) {
                return dur;
            }
            if (mode == Mode.GARBAGE_TAIL) {
                byte[] out = Arrays.copyOf(dur, dur.length + 1 + rnd.nextInt(2 * PAGE));
                if (rnd.nextBoolean()) {
                    byte[] g = new byte[out.length - dur.length];
                    rnd.nextBytes(g);
                    System.arraycopy(g, 0, out, dur.length, g.length);
                }
                return out;
            }
            int len = curLen != dur.length && rnd.nextBoolean() ? curLen : dur.length;
            byte[] out = Arrays.copyOf(dur, len);
            for (int p = dirty.nextSetBit(0); p >= 0 && (long) p * PAGE < len; p = dirty.nextSetBit(p + 1)) {
                if (rnd.nextBoolean()) {
                    int from = p * PAGE;
                    int to = Math.min(from + PAGE, len);
                    Arrays.fill(out, from, to, (byte) 0);
                    System.arraycopy(cur, from, out, from, Math.max(0, Math.min(to, curLen) - from));
                }
            }
            return out;
        }
    }
}
