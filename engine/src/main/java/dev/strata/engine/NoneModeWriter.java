package dev.strata.engine;

import dev.strata.engine.memtable.MemKey;
import dev.strata.engine.memtable.Memtable;
import dev.strata.engine.util.Bytes;
import dev.strata.engine.vfs.Storage;
import dev.strata.engine.wal.CommitRecord;
import dev.strata.engine.wal.WalFormat;
import dev.strata.engine.wal.WalWriter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Persists a NONE-mode session at clean close: the commits made since open (seqnos after the
 * recovered ones) are rebuilt from the memtable and written as commit records to a new WAL
 * segment, so the next open recovers them like any other. Until SSTables exist this is NONE
 * mode's "flush".
 *
 * <p>Within a seqno, the record lists delete-ranges first and point ops after: a range tombstone
 * covers only older seqnos, and the memtable already holds just the point ops that survived their
 * own batch. Seqnos with no trace in the memtable (empty batches) get empty records, keeping the
 * WAL's seqnos continuous. Timestamps are the close time (NONE mode keeps no log).
 */
final class NoneModeWriter {
    private NoneModeWriter() {
    }

    static void writeMemtable(Storage storage, Path walDir, Memtable memtable, long fromExclusive,
                              long toInclusive, long segmentSize) throws IOException {
        if (toInclusive <= fromExclusive) {
            return;
        }
        TreeMap<Long, WriteBatch> bySeqno = new TreeMap<>();
        for (Map.Entry<MemKey, byte[]> t : memtable.rangeTombstones().entries().entrySet()) {
            long s = t.getKey().seqno();
            if (s > fromExclusive) {
                bySeqno.computeIfAbsent(s, k -> new WriteBatch()).deleteRange(t.getKey().key(), t.getValue());
            }
        }
        for (Map.Entry<MemKey, Object> e : memtable.entries().entrySet()) {
            long s = e.getKey().seqno();
            if (s > fromExclusive) {
                WriteBatch b = bySeqno.computeIfAbsent(s, k -> new WriteBatch());
                if (e.getValue() == Memtable.TOMBSTONE) {
                    b.remove(e.getKey().key());
                } else {
                    b.put(e.getKey().key(), (byte[]) e.getValue());
                }
            }
        }
        long next = 1;
        for (String name : storage.list(walDir)) {
            next = Math.max(next, WalFormat.parseFileName(name) + 1);
        }
        long ts = System.currentTimeMillis();
        try (WalWriter w = WalWriter.create(storage, walDir, next, fromExclusive + 1, segmentSize)) {
            byte[] frame = new byte[256];
            WriteBatch empty = new WriteBatch();
            for (long s = fromExclusive + 1; s <= toInclusive; s++) {
                WriteBatch b = bySeqno.getOrDefault(s, empty);
                int payload = CommitRecord.PAYLOAD_HEADER_SIZE + b.byteSize();
                int len = WalFormat.FRAME_HEADER_SIZE + payload;
                if (frame.length < len) {
                    frame = new byte[Math.max(len, frame.length * 2)];
                }
                Arrays.fill(frame, 0, WalFormat.FRAME_HEADER_SIZE, (byte) 0);
                Bytes.putInt(frame, 4, payload);
                CommitRecord.encodeHeader(frame, WalFormat.FRAME_HEADER_SIZE, s, ts, b.count(), 0);
                System.arraycopy(b.opsArray(), 0, frame, WalFormat.FRAME_HEADER_SIZE + CommitRecord.PAYLOAD_HEADER_SIZE, b.byteSize());
                // Nothing of this session is durable until the force below: claim only what was before it.
                w.writeFrames(frame, 0, len, s, fromExclusive);
            }
            w.force();
        }
        storage.forceDirectory(walDir);
    }
}
