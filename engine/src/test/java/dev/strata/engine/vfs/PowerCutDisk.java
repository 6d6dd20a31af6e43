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
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import static dev.strata.engine.vfs.FaultStorage.PAGE;

/**
 * The power-loss model of one directory tree, moved on by {@link FaultStorage}'s disk-changing
 * calls ({@link #apply}), and the disk image a power cut would leave ({@link #writeImage}). The
 * model is described in {@link FaultStorage}'s class comment. Not thread-safe.
 */
public final class PowerCutDisk {
    private final Map<Long, Node> nodes = new HashMap<>();
    private final TreeMap<String, Node> names = new TreeMap<>();
    private final TreeMap<String, Node> durableNames = new TreeMap<>();
    /** Unforced entry changes, oldest first; each maps paths to their new node (null: removed). */
    private final List<Map<String, Node>> pending = new ArrayList<>();
    long nextId = 1;

    static PowerCutDisk scan(Path root) throws IOException {
        PowerCutDisk d = new PowerCutDisk();
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

    public PowerCutDisk copy() {
        PowerCutDisk d = new PowerCutDisk();
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

    /** The current size of inode {@code node} (0 if unknown). */
    long length(long node) {
        Node n = nodes.get(node);
        return n == null ? 0 : n.curLen;
    }

    /** The sum of the current sizes of the files the namespace names. */
    long namedBytes() {
        long sum = 0;
        for (Node n : names.values()) {
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
                names.put(e.path(), n);
                pending.add(entry(e.path(), n, null, null));
            }
            case WRITE -> nodes.get(e.node()).write(e.pos(), e.data());
            case TRUNCATE -> nodes.get(e.node()).truncate((int) e.pos());
            case FORCE -> nodes.get(e.node()).force();
            case RENAME -> {
                Node n = names.remove(e.path());
                names.put(e.path2(), n);
                pending.add(entry(e.path(), null, e.path2(), n));
            }
            case DELETE -> {
                names.remove(e.path());
                pending.add(entry(e.path(), null, null, null));
            }
            case DIR_FORCE -> {
                for (Iterator<Map<String, Node>> it = pending.iterator(); it.hasNext(); ) {
                    Map<String, Node> op = it.next();
                    for (Iterator<Map.Entry<String, Node>> es = op.entrySet().iterator(); es.hasNext(); ) {
                        Map.Entry<String, Node> x = es.next();
                        if (parent(x.getKey()).equals(e.path())) {
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
