package dev.strata.engine.vfs;

import dev.strata.engine.vfs.FaultStorage.Event;
import dev.strata.engine.vfs.FaultStorage.Kind;
import dev.strata.engine.vfs.FaultStorage.Mode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

import static dev.strata.engine.vfs.FaultStorage.PAGE;

/**
 * The power-loss model of one directory tree, moved on by {@link FaultStorage}'s disk-changing
 * calls ({@link #apply}), and the disk image a power cut would leave ({@link #writeImage}). The
 * model is described in {@link FaultStorage}'s class comment. Not thread-safe.
 *
 * <p>Directories are inodes too, as on a real file system: each holds its entries (name to inode)
 * as they are now and as of its last {@code forceDirectory}. So a renamed directory takes its
 * entries along (a checkpoint or a restore is built in a temporary directory and renamed into
 * place), and an entry change is durable once the directory that holds it is forced, wherever
 * that directory has moved meanwhile.
 */
public final class PowerCutDisk {
    private final Map<Long, Node> nodes = new HashMap<>();
    private final Node root;
    /** Unforced entry changes, oldest first; one call's changes (a rename has two) together. */
    private final List<List<Change>> pending = new ArrayList<>();
    long nextId = 1;

    /** One directory entry change: in directory {@code dir}, {@code name} now names {@code target} (null: removed). */
    private record Change(Node dir, String name, Node target) {
    }

    private PowerCutDisk() {
        root = new Node(0, true);
        nodes.put(root.id, root);
    }

    static PowerCutDisk scan(Path rootDir) throws IOException {
        PowerCutDisk d = new PowerCutDisk();
        List<Path> all;
        try (Stream<Path> s = Files.walk(rootDir)) {
            all = s.filter(p -> !p.equals(rootDir)).sorted().toList();
        }
        for (Path p : all) {
            Node n = new Node(d.nextId++, Files.isDirectory(p));
            if (!n.dir) {
                n.cur = Files.readAllBytes(p);
                n.curLen = n.cur.length;
                n.force();
            }
            d.nodes.put(n.id, n);
            String rel = rootDir.relativize(p).toString().replace('\\', '/');
            Node parent = d.directory(parent(rel));
            parent.entries.put(name(rel), n);
            parent.durable.put(name(rel), n);
        }
        return d;
    }

    public PowerCutDisk copy() {
        PowerCutDisk d = new PowerCutDisk();
        nodes.forEach((id, n) -> d.nodes.put(id, id == 0 ? d.root : n.copy()));
        for (Node n : nodes.values()) {
            Node c = d.nodes.get(n.id);
            n.entries.forEach((name, e) -> c.entries.put(name, d.nodes.get(e.id)));
            n.durable.forEach((name, e) -> c.durable.put(name, d.nodes.get(e.id)));
        }
        for (List<Change> op : pending) {
            List<Change> c = new ArrayList<>();
            for (Change x : op) {
                c.add(new Change(d.nodes.get(x.dir.id), x.name, x.target == null ? null : d.nodes.get(x.target.id)));
            }
            d.pending.add(c);
        }
        d.nextId = nextId;
        return d;
    }

    long idOf(String path) {
        Node n = lookup(path);
        return n == null ? -1 : n.id;
    }

    /** The current size of inode {@code node} (0 if unknown). */
    long length(long node) {
        Node n = nodes.get(node);
        return n == null ? 0 : n.curLen;
    }

    /** The sum of the current sizes of the files the namespace names. */
    long namedBytes() {
        long sum = 0;
        for (Node n : flatten(root, d -> d.entries).values()) {
            sum += n.dir ? 0 : n.curLen;
        }
        return sum;
    }

    /** Moves the model on by one disk-changing call. */
    public void apply(Event e) {
        switch (e.kind()) {
            case CREATE, MKDIR -> {
                Node n = new Node(e.node(), e.kind() == Kind.MKDIR);
                nextId = Math.max(nextId, e.node() + 1);
                nodes.put(n.id, n);
                pending.add(new ArrayList<>(List.of(change(e.path(), n))));
            }
            case WRITE -> nodes.get(e.node()).write(e.pos(), e.data());
            case TRUNCATE -> nodes.get(e.node()).truncate((int) e.pos());
            case FORCE -> nodes.get(e.node()).force();
            case RENAME -> {
                Node n = lookup(e.path());
                Change from = change(e.path(), null);
                pending.add(new ArrayList<>(List.of(from, change(e.path2(), n))));
            }
            case DELETE -> pending.add(new ArrayList<>(List.of(change(e.path(), null))));
            case DIR_FORCE -> {
                Node dir = directory(e.path());
                for (Iterator<List<Change>> it = pending.iterator(); it.hasNext(); ) {
                    List<Change> op = it.next();
                    for (Iterator<Change> xs = op.iterator(); xs.hasNext(); ) {
                        Change x = xs.next();
                        if (x.dir == dir) {
                            setEntry(dir.durable, x.name, x.target);
                            xs.remove();
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

    /** Makes {@code path} name {@code target} (null: nothing) now, and returns that change. */
    private Change change(String path, Node target) {
        Node dir = directory(parent(path));
        setEntry(dir.entries, name(path), target);
        return new Change(dir, name(path), target);
    }

    private static void setEntry(Map<String, Node> entries, String name, Node n) {
        if (n == null) {
            entries.remove(name);
        } else {
            entries.put(name, n);
        }
    }

    /** The inode {@code path} names now, or null. */
    private Node lookup(String path) {
        Node n = root;
        if (path.isEmpty()) {
            return n;
        }
        for (String part : path.split("/")) {
            n = n.dir ? n.entries.get(part) : null;
            if (n == null) {
                return null;
            }
        }
        return n;
    }

    private Node directory(String path) {
        Node n = lookup(path);
        if (n == null || !n.dir) {
            throw new IllegalStateException("no directory " + path + " in the power-loss model");
        }
        return n;
    }

    private static String parent(String path) {
        int i = path.lastIndexOf('/');
        return i < 0 ? "" : path.substring(0, i);
    }

    private static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /**
     * Every path reachable from {@code dir} through the entries {@code view} gives each directory,
     * sorted (a directory before what it holds). A directory already on the way down is not
     * entered again (a model can hold a directory under two names when only one side of its
     * rename was forced).
     */
    private static TreeMap<String, Node> flatten(Node dir, Function<Node, Map<String, Node>> view) {
        TreeMap<String, Node> out = new TreeMap<>();
        flatten(dir, "", view, new HashSet<>(), out);
        return out;
    }

    private static void flatten(Node dir, String prefix, Function<Node, Map<String, Node>> view, Set<Long> onPath,
                                TreeMap<String, Node> out) {
        onPath.add(dir.id);
        for (Map.Entry<String, Node> x : view.apply(dir).entrySet()) {
            Node n = x.getValue();
            if (n.dir && onPath.contains(n.id)) {
                continue;
            }
            String path = prefix + x.getKey();
            out.put(path, n);
            if (n.dir) {
                flatten(n, path + "/", view, onPath, out);
            }
        }
        onPath.remove(dir.id);
    }

    /** Writes the disk a power cut now would leave, in {@code mode}, into {@code target} (created). */
    public void writeImage(Mode mode, Random rnd, Path target) throws IOException {
        Map<Node, Map<String, Node>> survived = new HashMap<>();
        Function<Node, Map<String, Node>> view = d -> survived.computeIfAbsent(d, k -> new TreeMap<>(k.durable));
        if (mode == Mode.KEEP_RANDOM_PAGES) {
            int keep = rnd.nextInt(pending.size() + 1);
            for (int i = 0; i < keep; i++) {
                for (Change x : pending.get(i)) {
                    setEntry(view.apply(x.dir), x.name, x.target);
                }
            }
        }
        Files.createDirectories(target);
        for (Map.Entry<String, Node> x : flatten(root, view).entrySet()) {
            Path p = target.resolve(x.getKey());
            if (x.getValue().dir) {
                Files.createDirectories(p);
            } else {
                Files.write(p, x.getValue().afterCrash(mode, rnd));
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
        /** A directory's entries now, and as of its last force. */
        final TreeMap<String, Node> entries = new TreeMap<>();
        final TreeMap<String, Node> durable = new TreeMap<>();

        Node(long id, boolean dir) {
            this.id = id;
            this.dir = dir;
        }

        /** A copy of the file content; a directory's entries are copied by the disk (they name other inodes). */
        Node copy() {
            Node n = new Node(id, dir);
            n.copyContent(this);
            return n;
        }

        void copyContent(Node from) {
            cur = Arrays.copyOf(from.cur, from.curLen);
            curLen = from.curLen;
            dur = from.dur; // never mutated in place
            dirty = (BitSet) from.dirty.clone();
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
