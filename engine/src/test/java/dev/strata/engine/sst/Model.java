package dev.strata.engine.sst;

import dev.strata.engine.util.Bytes;
import dev.strata.engine.vfs.Storage;
import dev.strata.engine.vfs.StorageFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The reference model for table tests: entries in internal order and range tombstones, random
 * generation, writing them into a table, and the answers a table must give.
 */
final class Model {
    record Entry(byte[] key, long seqno, int kind, byte[] value, long expiresAt) {
        @Override
        public String toString() {
            return Bytes.toDisplay(key) + "@" + seqno + " kind " + kind;
        }
    }

    private static final String[] WORDS = ("the quick brown fox jumps over lazy dog strata table block "
            + "order user invoice shipped pending total amount currency customer").split(" ");

    final List<Entry> entries = new ArrayList<>();
    final List<RangeTombstone> tombstones = new ArrayList<>();
    /** user key -> versions, newest first */
    final TreeMap<byte[], List<Entry>> byKey = new TreeMap<>(Bytes.COMPARATOR);
    long maxSeqno;

    static Model random(Random rnd, int keys, int tombstones, int maxValue) {
        return random(rnd, keys, tombstones, maxValue, false);
    }

    /** With {@code textOnly}, values and keys are all text, so zstd has something to compress. */
    static Model random(Random rnd, int keys, int tombstones, int maxValue, boolean textOnly) {
        Model m = new Model();
        TreeSet<byte[]> userKeys = new TreeSet<>(Bytes.COMPARATOR);
        while (userKeys.size() < keys) {
            byte[] k = randomKey(rnd);
            if (!textOnly || (k.length > 0 && k[0] == 'k')) {
                userKeys.add(k);
            }
        }
        long seq = 1;
        for (byte[] k : userKeys) {
            int versions = 1 + (rnd.nextInt(4) == 0 ? rnd.nextInt(5) : 0);
            long[] seqs = new long[versions];
            for (int i = 0; i < versions; i++) {
                seq += 1 + rnd.nextInt(3);
                seqs[i] = seq;
            }
            for (int i = versions - 1; i >= 0; i--) {
                int r = rnd.nextInt(100);
                int kind = r < 70 ? TableFormat.KIND_PUT : r < 85 ? TableFormat.KIND_DELETE : TableFormat.KIND_PUT_TTL;
                byte[] v = kind == TableFormat.KIND_DELETE ? Bytes.EMPTY : randomValue(rnd, maxValue, textOnly);
                long exp = kind == TableFormat.KIND_PUT_TTL ? 1_700_000_000_000L + rnd.nextInt(1 << 30) : 0;
                m.add(new Entry(k, seqs[i], kind, v, exp));
            }
        }
        byte[][] ks = userKeys.toArray(new byte[0][]);
        for (int i = 0; i < tombstones; i++) {
            byte[] a = rnd.nextBoolean() ? ks[rnd.nextInt(ks.length)] : randomKey(rnd);
            byte[] b = rnd.nextBoolean() ? ks[rnd.nextInt(ks.length)] : randomKey(rnd);
            int c = Bytes.compare(a, b);
            if (c == 0) {
                continue;
            }
            m.tombstones.add(c < 0 ? new RangeTombstone(a, b, 1 + rnd.nextInt((int) seq + 5))
                    : new RangeTombstone(b, a, 1 + rnd.nextInt((int) seq + 5)));
        }
        m.maxSeqno = seq + 5;
        return m;
    }

    /** Keys with long shared prefixes (to exercise prefix compression) and some binary bytes. */
    static byte[] randomKey(Random rnd) {
        switch (rnd.nextInt(4)) {
            case 0: {
                byte[] b = new byte[rnd.nextInt(12)];
                rnd.nextBytes(b);
                return b;
            }
            case 1:
                return ("user/" + rnd.nextInt(50) + "/order/" + rnd.nextInt(100000)).getBytes(StandardCharsets.UTF_8);
            default:
                return String.format("key%08d", rnd.nextInt(1_000_000)).getBytes(StandardCharsets.UTF_8);
        }
    }

    static byte[] randomValue(Random rnd, int max, boolean textOnly) {
        int len = rnd.nextInt(8) == 0 ? rnd.nextInt(max + 1) : rnd.nextInt(Math.min(max, 40) + 1);
        byte[] v = new byte[len];
        // Mostly text-like (compressible: words of a small vocabulary), some random.
        if (textOnly || rnd.nextInt(4) != 0) {
            StringBuilder sb = new StringBuilder();
            while (sb.length() < len) {
                sb.append(WORDS[rnd.nextInt(WORDS.length)]).append(' ');
            }
            System.arraycopy(sb.toString().getBytes(StandardCharsets.UTF_8), 0, v, 0, len);
        } else {
            rnd.nextBytes(v);
        }
        return v;
    }

    void add(Entry e) {
        entries.add(e);
        byKey.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(e);
    }

    /** Writes the model into a table at {@code path}. */
    TableProperties write(Storage storage, Path path, TableOptions options) {
        try (StorageFile f = storage.create(path)) {
            TableWriter w = new TableWriter(f, options);
            for (Entry e : entries) {
                w.add(e.key(), e.seqno(), e.kind(), e.value(), e.expiresAt());
            }
            for (RangeTombstone t : tombstones) {
                w.addRangeTombstone(t.start(), t.end(), t.seqno());
            }
            return w.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Entry get(byte[] key, long snapshot) {
        List<Entry> vs = byKey.get(key);
        if (vs == null) {
            return null;
        }
        for (Entry e : vs) {
            if (e.seqno() <= snapshot) {
                return e;
            }
        }
        return null;
    }

    long maxCovering(byte[] key, long snapshot) {
        long best = 0;
        for (RangeTombstone t : tombstones) {
            if (Bytes.compare(t.start(), key) <= 0 && Bytes.compare(key, t.end()) < 0 && t.seqno() <= snapshot) {
                best = Math.max(best, t.seqno());
            }
        }
        return best;
    }

    /** Index of the first entry with user key >= key, or size. */
    int lowerBound(byte[] key) {
        int lo = 0;
        int hi = entries.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Bytes.compare(entries.get(mid).key(), key) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Index of the last entry with user key <= key, or -1. */
    int floorIndex(byte[] key) {
        int lo = 0;
        int hi = entries.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Bytes.compare(entries.get(mid).key(), key) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo - 1;
    }

    static boolean same(Entry e, TableIterator it) {
        return Arrays.equals(e.key(), it.userKey()) && e.seqno() == it.seqno() && e.kind() == it.kind()
                && Arrays.equals(e.value(), it.value()) && e.expiresAt() == it.expiresAt();
    }

    static boolean same(Entry e, TableEntry t) {
        if (e == null || t == null) {
            return e == null && t == null;
        }
        return e.seqno() == t.seqno() && e.kind() == t.kind() && Arrays.equals(e.value(), t.value())
                && e.expiresAt() == t.expiresAt();
    }
}
