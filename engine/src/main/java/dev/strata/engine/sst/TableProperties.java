package dev.strata.engine.sst;

import dev.strata.engine.CorruptionException;
import dev.strata.engine.util.ByteReader;
import dev.strata.engine.util.Bytes;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a table says about itself, stored in its properties block: counts and bounds the LSM
 * layer uses to pick files (key range, seqno range) and statistics. Written by
 * {@link TableWriter#finish}, read by {@link TableReader#properties}.
 *
 * <p>Stored as entries named below (ASCII, sorted); numbers are varints, keys raw bytes, so a
 * later version can add names that older readers ignore.
 *
 * @param smallestKey   smallest user key of any point entry or range tombstone start (empty if
 *                      the table is empty)
 * @param largestKey    largest user key of any point entry, or the largest range tombstone end
 *                      (exclusive), whichever is larger: a conservative upper bound
 * @param smallestSeqno smallest seqno of any entry or range tombstone (0 if empty)
 * @param largestSeqno  largest seqno of any entry or range tombstone (0 if empty)
 * @param compression   {@link TableFormat#TYPE_NONE} or {@link TableFormat#TYPE_ZSTD}
 */
public record TableProperties(int formatVersion, long entries, long pointTombstones,
                              long rangeTombstones, long smallestSeqno, long largestSeqno,
                              byte[] smallestKey, byte[] largestKey, long rawKeyBytes,
                              long rawValueBytes, long dataBlocks, int compression,
                              int dictionaryBytes, int bloomBitsPerKey) {

    // Property names: part of the format, never change.
    private static final String FORMAT_VERSION = "strata.format.version";
    private static final String ENTRIES = "strata.entries";
    private static final String POINT_TOMBSTONES = "strata.point.tombstones";
    private static final String RANGE_TOMBSTONES = "strata.range.tombstones";
    private static final String SMALLEST_SEQNO = "strata.seqno.smallest";
    private static final String LARGEST_SEQNO = "strata.seqno.largest";
    private static final String SMALLEST_KEY = "strata.key.smallest";
    private static final String LARGEST_KEY = "strata.key.largest";
    private static final String RAW_KEY_BYTES = "strata.raw.key.bytes";
    private static final String RAW_VALUE_BYTES = "strata.raw.value.bytes";
    private static final String DATA_BLOCKS = "strata.data.blocks";
    private static final String COMPRESSION = "strata.compression";
    private static final String DICTIONARY_BYTES = "strata.dictionary.bytes";
    private static final String BLOOM_BITS_PER_KEY = "strata.bloom.bits.per.key";

    /** Lays the properties out as a block (restart interval 1, sorted names). */
    byte[] encode() {
        TreeMap<String, byte[]> m = new TreeMap<>();
        m.put(FORMAT_VERSION, varint(formatVersion));
        m.put(ENTRIES, varint(entries));
        m.put(POINT_TOMBSTONES, varint(pointTombstones));
        m.put(RANGE_TOMBSTONES, varint(rangeTombstones));
        m.put(SMALLEST_SEQNO, varint(smallestSeqno));
        m.put(LARGEST_SEQNO, varint(largestSeqno));
        m.put(SMALLEST_KEY, smallestKey);
        m.put(LARGEST_KEY, largestKey);
        m.put(RAW_KEY_BYTES, varint(rawKeyBytes));
        m.put(RAW_VALUE_BYTES, varint(rawValueBytes));
        m.put(DATA_BLOCKS, varint(dataBlocks));
        m.put(COMPRESSION, varint(compression));
        m.put(DICTIONARY_BYTES, varint(dictionaryBytes));
        m.put(BLOOM_BITS_PER_KEY, varint(bloomBitsPerKey));
        BlockBuilder b = new BlockBuilder(1);
        for (Map.Entry<String, byte[]> e : m.entrySet()) {
            byte[] v = e.getValue();
            b.add(e.getKey().getBytes(StandardCharsets.US_ASCII), 0, TableFormat.KIND_META, v, 0, v.length);
        }
        return b.finish();
    }

    static TableProperties decode(Block block) {
        Map<String, byte[]> m = new HashMap<>();
        Block.Iter it = block.iterator();
        for (it.seekToFirst(); it.valid(); it.next()) {
            String name = new String(it.key(), 0, it.keyLength(), StandardCharsets.US_ASCII);
            byte[] v = new byte[it.valueLength()];
            System.arraycopy(it.data(), it.valueOffset(), v, 0, v.length);
            m.put(name, v);
        }
        Path f = block.file();
        long off = block.fileOffset();
        return new TableProperties(
                (int) num(m, FORMAT_VERSION, f, off), num(m, ENTRIES, f, off),
                num(m, POINT_TOMBSTONES, f, off), num(m, RANGE_TOMBSTONES, f, off),
                num(m, SMALLEST_SEQNO, f, off), num(m, LARGEST_SEQNO, f, off),
                bytes(m, SMALLEST_KEY, f, off), bytes(m, LARGEST_KEY, f, off),
                num(m, RAW_KEY_BYTES, f, off), num(m, RAW_VALUE_BYTES, f, off),
                num(m, DATA_BLOCKS, f, off), (int) num(m, COMPRESSION, f, off),
                (int) num(m, DICTIONARY_BYTES, f, off), (int) num(m, BLOOM_BITS_PER_KEY, f, off));
    }

    private static byte[] varint(long v) {
        byte[] b = new byte[Bytes.varLongSize(v)];
        Bytes.putVarLong(b, 0, v);
        return b;
    }

    private static byte[] bytes(Map<String, byte[]> m, String name, Path file, long offset) {
        byte[] v = m.get(name);
        if (v == null) {
            throw new CorruptionException(file, offset, "table property " + name + " missing");
        }
        return v;
    }

    private static long num(Map<String, byte[]> m, String name, Path file, long offset) {
        byte[] v = bytes(m, name, file, offset);
        ByteReader r = new ByteReader(v, 0, v.length);
        try {
            long n = r.varLong();
            if (r.remaining() != 0 || n < 0) {
                throw new CorruptionException(file, offset, "table property " + name + " malformed");
            }
            return n;
        } catch (ByteReader.Malformed e) {
            throw new CorruptionException(file, offset, "table property " + name + " malformed: "
                    + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "TableProperties[entries=" + entries + ", pointTombstones=" + pointTombstones
                + ", rangeTombstones=" + rangeTombstones + ", seqnos=[" + smallestSeqno + ", "
                + largestSeqno + "], keys=[" + Bytes.toDisplay(smallestKey) + ", "
                + Bytes.toDisplay(largestKey) + "], rawKeyBytes=" + rawKeyBytes
                + ", rawValueBytes=" + rawValueBytes + ", dataBlocks=" + dataBlocks
                + ", compression=" + compression + ", dictionaryBytes=" + dictionaryBytes
                + ", bloomBitsPerKey=" + bloomBitsPerKey + ", formatVersion=" + formatVersion + "]";
    }
}
