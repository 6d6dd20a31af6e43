package dev.strata.engine.sst;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * A cache of decompressed, verified data blocks, shared by every {@link TableReader} of a
 * database and bounded in bytes. Keyed by (table file number, block offset), so file numbers must
 * be unique among the tables that share a cache (the manifest guarantees it: numbers are never
 * reused). Counts hits, misses and evictions for the statistics.
 *
 * <p>Invariants: the cache is split into shards, each an LRU list ({@link LinkedHashMap} in
 * access order) guarded by the shard's own monitor; a shard's {@code usage} is the sum of its
 * blocks' {@link Block#charge} and never exceeds the shard's capacity after a call returns, so
 * the total never exceeds {@link #capacity}. A block larger than a shard is not cached. Cached
 * blocks are immutable, so a block handed out stays valid after it is evicted.
 */
public final class BlockCache {
    /** The default capacity, 64 MiB. */
    public static final long DEFAULT_CAPACITY = 64L << 20;

    private final long capacity;
    private final Shard[] shards;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder evictions = new LongAdder();

    /** A cache of {@code capacityBytes}; 0 disables caching (every lookup misses). */
    public BlockCache(long capacityBytes) {
        if (capacityBytes < 0) {
            throw new dev.strata.engine.InvalidArgumentException("negative cache capacity");
        }
        this.capacity = capacityBytes;
        // About 256 KiB per shard at least, so a shard holds many blocks; at most 16 shards.
        int n = (int) Math.max(1, Math.min(16, capacityBytes / (256 << 10)));
        shards = new Shard[n];
        for (int i = 0; i < n; i++) {
            shards[i] = new Shard(capacityBytes / n);
        }
    }

    public long capacity() {
        return capacity;
    }

    /** Bytes held now (sum of block charges). */
    public long usage() {
        long u = 0;
        for (Shard s : shards) {
            synchronized (s) {
                u += s.usage;
            }
        }
        return u;
    }

    /** Blocks held now. */
    public int blockCount() {
        int c = 0;
        for (Shard s : shards) {
            synchronized (s) {
                c += s.map.size();
            }
        }
        return c;
    }

    public long hits() {
        return hits.sum();
    }

    public long misses() {
        return misses.sum();
    }

    public long evictions() {
        return evictions.sum();
    }

    /** Drops every block of a table (called when the table file is deleted). */
    public void evictFile(long fileNumber) {
        for (Shard s : shards) {
            synchronized (s) {
                Iterator<Map.Entry<Key, Block>> it = s.map.entrySet().iterator();
                while (it.hasNext()) {
                    Map.Entry<Key, Block> e = it.next();
                    if (e.getKey().file == fileNumber) {
                        s.usage -= e.getValue().charge();
                        it.remove();
                    }
                }
            }
        }
    }

    Block get(long fileNumber, long offset) {
        if (capacity == 0) {
            misses.increment();
            return null;
        }
        Key k = new Key(fileNumber, offset);
        Shard s = shardOf(k);
        Block b;
        synchronized (s) {
            b = s.map.get(k);
        }
        if (b == null) {
            misses.increment();
        } else {
            hits.increment();
        }
        return b;
    }

    void put(long fileNumber, long offset, Block block) {
        if (capacity == 0) {
            return;
        }
        Key k = new Key(fileNumber, offset);
        Shard s = shardOf(k);
        int charge = block.charge();
        if (charge > s.capacity) {
            return;
        }
        long evicted = 0;
        synchronized (s) {
            Block old = s.map.put(k, block);
            if (old != null) {
                s.usage -= old.charge();
            }
            s.usage += charge;
            Iterator<Block> it = s.map.values().iterator();
            while (s.usage > s.capacity && it.hasNext()) {
                Block victim = it.next();
                s.usage -= victim.charge();
                it.remove();
                evicted++;
            }
        }
        if (evicted > 0) {
            evictions.add(evicted);
        }
    }

    private Shard shardOf(Key k) {
        long h = k.file * 0x9E3779B97F4A7C15L ^ k.offset * 0xC2B2AE3D27D4EB4FL;
        h ^= h >>> 29;
        return shards[(int) Long.remainderUnsigned(h, shards.length)];
    }

    private record Key(long file, long offset) {
    }

    private static final class Shard {
        final long capacity;
        final LinkedHashMap<Key, Block> map = new LinkedHashMap<>(64, 0.75f, true);
        long usage;

        Shard(long capacity) {
            this.capacity = capacity;
        }
    }
}
