package dev.strata.engine.manifest;

import dev.strata.engine.CorruptionException;
import dev.strata.engine.util.ByteReader;
import dev.strata.engine.util.Bytes;
import dev.strata.engine.vfs.Storage;
import dev.strata.engine.vfs.StorageFile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads and writes the manifest: the one file that names the live SSTables. Each change writes a
 * complete new manifest (it lists at most a few thousand files, so rewriting costs little and
 * there is no edit log to replay or to tear) to {@code MANIFEST.tmp}, forces it, renames it over
 * {@code MANIFEST} and forces the directory: at every instant the directory holds either the old
 * or the new manifest, whole.
 *
 * <pre>
 * MANIFEST (little-endian):
 *   +----------+---------+------------------+---------------+------------+---------+--------+
 *   | magic    | version | next file number | flushed seqno | file count | files   | crc32c |
 *   | 8 bytes  | u32     | u64              | u64           | u32        | ...     | u32    |
 *   +----------+---------+------------------+---------------+------------+---------+--------+
 *   magic  = "STRATAMF"; crc32c covers every byte before it.
 *   file   = level u8, file number u64, file size u64, entry count u64, smallest seqno u64,
 *            largest seqno u64, smallest key (varint length, bytes), largest key (varint length, bytes)
 * </pre>
 */
public final class Manifest {
    public static final String FILE = "MANIFEST";
    public static final String TEMP = "MANIFEST.tmp";
    static final byte[] MAGIC = {'S', 'T', 'R', 'A', 'T', 'A', 'M', 'F'};
    public static final int VERSION = 1;
    /** Bound on what a manifest may claim, so a damaged count cannot make us allocate wildly. */
    private static final int MAX_FILES = 1 << 20;
    private static final int MAX_SIZE = 256 << 20;

    private Manifest() {
    }

    /** Reads the manifest in {@code dir}, or {@link ManifestState#EMPTY} if there is none. */
    public static ManifestState read(Storage storage, Path dir) throws IOException {
        Path path = dir.resolve(FILE);
        if (!storage.exists(path)) {
            return ManifestState.EMPTY;
        }
        byte[] b;
        try (StorageFile f = storage.openReadOnly(path)) {
            long size = f.size();
            if (size < 36 || size > MAX_SIZE) {
                throw new CorruptionException(path, 0, "manifest size " + size + " is impossible");
            }
            b = new byte[(int) size];
            f.readFully(0, ByteBuffer.wrap(b));
        }
        if (!Arrays.equals(b, 0, 8, MAGIC, 0, 8)) {
            throw new CorruptionException(path, 0, "bad manifest magic");
        }
        CRC32C crc = new CRC32C();
        crc.update(b, 0, b.length - 4);
        if ((int) crc.getValue() != Bytes.getInt(b, b.length - 4)) {
            throw new CorruptionException(path, b.length - 4, "manifest checksum mismatch");
        }
        int version = Bytes.getInt(b, 8);
        if (version != VERSION) {
            throw new CorruptionException(path, 8, "manifest format version " + version
                    + " is not supported by this engine (it reads version " + VERSION + ")");
        }
        try {
            ByteReader r = new ByteReader(b, 12, b.length - 16);
            long next = r.i64();
            long flushed = r.i64();
            int count = r.i32();
            if (count < 0 || count > MAX_FILES) {
                throw new ByteReader.Malformed("file count " + count, r.position() - 4);
            }
            List<FileMeta> files = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int level = r.u8();
                long number = r.i64();
                long fileSize = r.i64();
                long entries = r.i64();
                long smallSeq = r.i64();
                long largeSeq = r.i64();
                int sLen = r.varInt(r.remaining());
                int sOff = r.skip(sLen);
                int lLen = r.varInt(r.remaining());
                int lOff = r.skip(lLen);
                files.add(new FileMeta(number, level, fileSize, entries, smallSeq, largeSeq,
                        Arrays.copyOfRange(b, sOff, sOff + sLen), Arrays.copyOfRange(b, lOff, lOff + lLen)));
            }
            if (r.remaining() != 0) {
                throw new ByteReader.Malformed(r.remaining() + " unexpected bytes", r.position());
            }
            return new ManifestState(next, flushed, List.copyOf(files));
        } catch (ByteReader.Malformed m) {
            throw new CorruptionException(path, m.offset, "malformed manifest: " + m.getMessage());
        }
    }

    /** Replaces the manifest in {@code dir} with {@code state}, atomically and durably. */
    public static void write(Storage storage, Path dir, ManifestState state) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + state.files().size() * 64);
        byte[] fixed = new byte[8];
        out.write(MAGIC);
        Bytes.putInt(fixed, 0, VERSION);
        out.write(fixed, 0, 4);
        Bytes.putLong(fixed, 0, state.nextFileNumber());
        out.write(fixed, 0, 8);
        Bytes.putLong(fixed, 0, state.flushedSeqno());
        out.write(fixed, 0, 8);
        Bytes.putInt(fixed, 0, state.files().size());
        out.write(fixed, 0, 4);
        byte[] varint = new byte[10];
        for (FileMeta m : state.files()) {
            out.write(m.level());
            for (long v : new long[]{m.fileNumber(), m.fileSize(), m.entryCount(), m.smallestSeqno(), m.largestSeqno()}) {
                Bytes.putLong(fixed, 0, v);
                out.write(fixed, 0, 8);
            }
            for (byte[] k : new byte[][]{m.smallestKey(), m.largestKey()}) {
                out.write(varint, 0, Bytes.putVarLong(varint, 0, k.length));
                out.write(k);
            }
        }
        byte[] body = out.toByteArray();
        CRC32C crc = new CRC32C();
        crc.update(body);
        byte[] b = Arrays.copyOf(body, body.length + 4);
        Bytes.putInt(b, body.length, (int) crc.getValue());
        Path temp = dir.resolve(TEMP);
        storage.delete(temp);
        try (StorageFile f = storage.create(temp)) {
            f.write(0, b, 0, b.length);
            f.force();
        }
        dev.strata.engine.util.CrashPoints.hit("manifest.tmp.written");
        storage.rename(temp, dir.resolve(FILE));
        dev.strata.engine.util.CrashPoints.hit("manifest.renamed");
        storage.forceDirectory(dir);
    }
}
