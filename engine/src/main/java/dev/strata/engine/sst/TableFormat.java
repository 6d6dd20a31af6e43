package dev.strata.engine.sst;

import dev.strata.engine.CorruptionException;
import dev.strata.engine.util.Bytes;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The byte layout of SSTable files. This is part of the on-disk format: every constant marked
 * "never change" keeps its value forever; a new layout gets a new {@link #VERSION}, and an engine
 * refuses a file whose version is newer than the one it reads, by name. The worked example (hex
 * of a tiny table) is in {@code docs/format-sst.md}.
 *
 * <pre>
 * table (.sst) --&gt; Header, DataBlock^N, FilterBlock?, DictionaryBlock?, RangeDelBlock,
 *                   PropertiesBlock, IndexBlock, Footer
 *
 *   +--------------------------------------------------------------+  offset 0
 *   | header (32 bytes)                                            |
 *   +--------------------------------------------------------------+  32
 *   | data block 0 | data block 1 | ... | data block N-1           |
 *   +--------------------------------------------------------------+
 *   | filter block (absent when bits per key = 0)                  |
 *   | dictionary block (absent unless a zstd dictionary is used)   |
 *   | range-tombstone block                                        |
 *   | properties block                                             |
 *   | index block (always last: it ends where the footer begins)   |
 *   +--------------------------------------------------------------+  size - 80
 *   | footer (80 bytes)                                            |
 *   +--------------------------------------------------------------+  size
 *
 * Header (all integers little-endian):
 *   +----------+---------+------------------------+--------+
 *   | magic    | version | format name            | crc32c |
 *   | 8 bytes  | u32     | 16 bytes, NUL-padded   | u32    |
 *   +----------+---------+------------------------+--------+
 *   magic = "STRATAST" (ASCII: STRATA + Sorted Table); name = "strata.sstable";
 *   crc32c covers the 28 bytes before it.
 *
 * Block (every block, data and meta alike):
 *   +--------------------------+------+--------+
 *   | payload                  | type | crc32c |
 *   | handle.size bytes        | u8   | u32    |
 *   +--------------------------+------+--------+
 *   type   = 0 NONE (payload is the block), 1 ZSTD, 2 ZSTD with the table's dictionary;
 *            a compressed payload is: uncompressed length (varint) | zstd frame.
 *   crc32c = CRC32C(payload || type). A CRC detects every error burst of at most 32 bits, so
 *            every single-byte change of payload, type or checksum is detected.
 *   A block handle is (offset of the payload, size of the payload); the 5 trailer bytes follow.
 *
 * Block contents, once decompressed (data, index, range-tombstone and properties blocks):
 *   +---------+---------+-----+-----------+-----------+-----+------------+
 *   | entry 0 | entry 1 | ... | restart 0 | restart 1 | ... | n restarts |
 *   |         |         |     | u32       | u32       |     | u32        |
 *   +---------+---------+-----+-----------+-----------+-----+------------+
 *   entry = shared varint | unshared varint | value length varint | key[shared..] (unshared bytes)
 *           | seqno varint | kind u8 | value (value length bytes)
 *   The key shares its first "shared" bytes with the previous entry's key; at a restart point
 *   (every restart-interval entries, and the first) shared is 0 and the restart array holds the
 *   entry's offset, so a reader can binary-search the restarts. n &gt;= 1.
 *   Entries are ordered by key ascending (unsigned bytes), then seqno descending.
 *
 *   data block:       key = user key, seqno, kind 1 PUT (value), 2 DELETE (empty value),
 *                     4 PUT_TTL (value = expires-at u64 ms | user value).
 *   index block:      one entry per data block, restart interval 1; key and seqno = the last
 *                     entry of the block, kind 0, value = offset varint | size varint.
 *   range-del block:  key = start (inclusive), seqno, kind 3, value = end (exclusive).
 *   properties block: key = property name (ASCII, sorted), seqno 0, kind 0, value as listed in
 *                     {@link TableProperties}; unknown names are ignored by readers.
 *   filter block:     payload = bloom bits | k u8 (see {@link BloomFilter}); type always 0.
 *   dictionary block: payload = zstd dictionary bytes; type always 0.
 *
 * Footer (80 bytes, at size - 80):
 *   +--------+--------+----------+------------+-------+-------+---------+--------+---------+
 *   | index  | filter | rangedel | properties | dict  | flags | version | crc32c | magic   |
 *   | 12     | 12     | 12       | 12         | 12    | u32   | u32     | u32    | 8 bytes |
 *   +--------+--------+----------+------------+-------+-------+---------+--------+---------+
 *   each handle = offset u64 | size u32; offset 0 means "absent" (offset 0 is the header).
 *   flags = 0 (reserved); crc32c covers the 68 bytes before it; magic = "STRATAST".
 * </pre>
 *
 * <p>Why checks happen where they do: a reader trusts nothing it has not checksummed, so the
 * footer is checked (magic, crc, then version) before any handle in it is used, and every block
 * is checked before it is decoded. The footer's version is read after its crc, so a damaged
 * version is reported as damage, and a genuine newer version as "newer than this engine".
 */
public final class TableFormat {
    /** "STRATAST" in ASCII: first 8 bytes of the header, last 8 bytes of the file. Never change. */
    public static final byte[] MAGIC = {'S', 'T', 'R', 'A', 'T', 'A', 'S', 'T'};
    /** The format name in the header, NUL-padded to 16 bytes. Never change. */
    public static final String FORMAT_NAME = "strata.sstable";
    /** The table format version this engine writes and the newest it reads. */
    public static final int VERSION = 1;

    public static final int HEADER_SIZE = 32;          // never change
    public static final int FOOTER_SIZE = 80;          // never change
    public static final int BLOCK_TRAILER_SIZE = 5;    // type u8 + crc32c u32; never change
    static final int HANDLE_SIZE = 12;                 // footer handle: offset u64 + size u32

    /** Block type bytes. Never change. */
    public static final int TYPE_NONE = 0;
    public static final int TYPE_ZSTD = 1;
    public static final int TYPE_ZSTD_DICT = 2;

    /** Entry kinds, shared with the WAL's op types. Never change. */
    public static final int KIND_PUT = 1;
    public static final int KIND_DELETE = 2;
    public static final int KIND_RANGE_DELETE = 3;
    public static final int KIND_PUT_TTL = 4;
    /** Kind of index and properties entries, which are not user data. */
    static final int KIND_META = 0;

    /** The largest uncompressed block a reader accepts (1 GiB); larger is damage. */
    public static final int MAX_BLOCK_SIZE = 1 << 30;

    private TableFormat() {
    }

    /** Whether {@code kind} may appear in a data block. */
    public static boolean isDataKind(int kind) {
        return kind == KIND_PUT || kind == KIND_DELETE || kind == KIND_PUT_TTL;
    }

    /** The checksum of a stored block: CRC32C over payload then the type byte. */
    static int blockCrc(byte[] buf, int off, int len, int type) {
        CRC32C crc = new CRC32C();
        crc.update(buf, off, len);
        crc.update(type);
        return (int) crc.getValue();
    }

    static byte[] encodeHeader() {
        byte[] b = new byte[HEADER_SIZE];
        System.arraycopy(MAGIC, 0, b, 0, 8);
        Bytes.putInt(b, 8, VERSION);
        byte[] name = FORMAT_NAME.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(name, 0, b, 12, name.length);
        CRC32C crc = new CRC32C();
        crc.update(b, 0, 28);
        Bytes.putInt(b, 28, (int) crc.getValue());
        return b;
    }

    /** Checks a header read from {@code file}; throws on any mismatch, naming offset 0. */
    static void checkHeader(Path file, byte[] b) {
        if (!java.util.Arrays.equals(b, 0, 8, MAGIC, 0, 8)) {
            throw new CorruptionException(file, 0, "not a Strata table: bad header magic");
        }
        CRC32C crc = new CRC32C();
        crc.update(b, 0, 28);
        if ((int) crc.getValue() != Bytes.getInt(b, 28)) {
            throw new CorruptionException(file, 0, "table header checksum mismatch");
        }
        byte[] name = FORMAT_NAME.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 16; i++) {
            int want = i < name.length ? name[i] : 0;
            if (b[12 + i] != want) {
                throw new CorruptionException(file, 0, "table header names another format");
            }
        }
        checkVersion(file, 0, Bytes.getInt(b, 8));
    }

    static void checkVersion(Path file, long offset, int version) {
        if (version > VERSION) {
            throw new CorruptionException(file, offset, "table format version " + version
                    + " is newer than this engine reads (up to " + VERSION
                    + "); open it with a newer Strata");
        }
        if (version < 1) {
            throw new CorruptionException(file, offset, "invalid table format version " + version);
        }
    }

    /** The decoded footer: handles of the meta blocks and the version. */
    record Footer(BlockHandle index, BlockHandle filter, BlockHandle rangeDel,
                  BlockHandle properties, BlockHandle dictionary, int version) {

        byte[] encode() {
            byte[] b = new byte[FOOTER_SIZE];
            BlockHandle[] hs = {index, filter, rangeDel, properties, dictionary};
            for (int i = 0; i < hs.length; i++) {
                Bytes.putLong(b, i * HANDLE_SIZE, hs[i].offset());
                Bytes.putInt(b, i * HANDLE_SIZE + 8, hs[i].size());
            }
            Bytes.putInt(b, 60, 0);
            Bytes.putInt(b, 64, version);
            CRC32C crc = new CRC32C();
            crc.update(b, 0, 68);
            Bytes.putInt(b, 68, (int) crc.getValue());
            System.arraycopy(MAGIC, 0, b, 72, 8);
            return b;
        }

        /**
         * Decodes the footer found at {@code footerOffset}; checks magic, checksum, version, and
         * that every handle lies between the header and the footer.
         */
        static Footer decode(Path file, long footerOffset, byte[] b) {
            for (int i = 0; i < 8; i++) {
                if (b[72 + i] != MAGIC[i]) {
                    throw new CorruptionException(file, footerOffset,
                            "bad footer magic (not a Strata table, or truncated)");
                }
            }
            CRC32C crc = new CRC32C();
            crc.update(b, 0, 68);
            if ((int) crc.getValue() != Bytes.getInt(b, 68)) {
                throw new CorruptionException(file, footerOffset, "table footer checksum mismatch");
            }
            int version = Bytes.getInt(b, 64);
            checkVersion(file, footerOffset, version);
            if (Bytes.getInt(b, 60) != 0) {
                throw new CorruptionException(file, footerOffset, "unknown footer flags");
            }
            BlockHandle[] hs = new BlockHandle[5];
            for (int i = 0; i < hs.length; i++) {
                long off = Bytes.getLong(b, i * HANDLE_SIZE);
                int size = Bytes.getInt(b, i * HANDLE_SIZE + 8);
                hs[i] = new BlockHandle(off, size);
                boolean optional = i == 1 || i == 4;
                if (off == 0 && optional && size == 0) {
                    continue;
                }
                if (!hs[i].fitsIn(footerOffset)) {
                    throw new CorruptionException(file, footerOffset,
                            "footer block handle " + i + " out of bounds: " + hs[i]);
                }
            }
            if (hs[0].end() != footerOffset) {
                throw new CorruptionException(file, footerOffset,
                        "index block does not end at the footer (truncated or damaged)");
            }
            return new Footer(hs[0], hs[1], hs[2], hs[3], hs[4], version);
        }
    }
}
