package dev.strata.engine.manifest;

import dev.strata.engine.CorruptionException;
import dev.strata.engine.manifest.ManifestState.FamilyState;
import dev.strata.engine.util.ByteReader;
import dev.strata.engine.util.Bytes;
import dev.strata.engine.vfs.Storage;
import dev.strata.engine.vfs.StorageFile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Reads and writes the manifest: the one file that names the column families and their live
 * SSTables. Each change writes a complete new manifest (it lists at most a few thousand files, so
 * rewriting costs little and there is no edit log to replay or to tear) to {@code MANIFEST.tmp},
 * forces it, renames it over {@code MANIFEST} and forces the directory: at every instant the
 * directory holds either the old or the new manifest, whole.
 *
 * <pre>
 * MANIFEST (little-endian), version 2:
 *   +---------+---------+------------------+----------------+--------------+----------+--------+
 *   | magic   | version | next file number | next family id | family count | families | crc32c |
 *   | 8 bytes | u32     | u64              | u32            | u32          | ...      | u32    |
 *   +---------+---------+------------------+----------------+--------------+----------+--------+
 *   magic  = "STRATAMF"; crc32c covers every byte before it.
 *   family = id u32, name (varint length, UTF-8 bytes), flushed seqno u64, file count u32, files
 *   file   = level u8, file number u64, file size u64, entry count u64, smallest seqno u64,
 *            largest seqno u64, smallest key (varint length, bytes), largest key (varint length, bytes)
 *
 * Version 1 (read only; written before column families existed) has, after the version, next file
 * number u64, flushed seqno u64, file count u32 and the files: one family, "default", id 0.
 * </pre>
 */
public final class Manifest {
    public static final String FILE = "MANIFEST";
    public static final String TEMP = "MANIFEST.tmp";
    static final byte[] MAGIC = {'S', 'T', 'R', 'A', 'T', 'A', 'M', 'F'};
    public static final int VERSION = 2;
    static final int VERSION_1 = 1;
    /** Bounds on what a manifest may claim, so a damaged count cannot make us allocate wildly. */
    private static final int MAX_FILES = 1 << 20;
    private static final int MAX_FAMILIES = 1 << 16;
    private static final int MAX_NAME = 1024;
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
        if (version != VERSION && version != VERSION_1) {
            throw new CorruptionException(path, 8, "manifest format version " + version
                    + " is not supported by this engine (it reads versions " + VERSION_1 + " and " + VERSION + ")");
        }
        try {
            ByteReader r = new ByteReader(b, 12, b.length - 16);
            ManifestState state = version == VERSION_1 ? readVersion1(r) : readFamilies(r);
            if (r.remaining() != 0) {
                throw new ByteReader.Malformed(r.remaining() + " unexpected bytes", r.position());
            }
            return state;
        } catch (ByteReader.Malformed m) {
            throw new CorruptionException(path, m.offset, "malformed manifest: " + m.getMessage());
        }
    }

    private static ManifestState readVersion1(ByteReader r) throws ByteReader.Malformed {
        long next = r.i64();
        long flushed = r.i64();
        List<FileMeta> files = readFiles(r);
        return new ManifestState(next, 1, List.of(new FamilyState(ManifestState.DEFAULT_FAMILY_ID,
                ManifestState.DEFAULT_FAMILY_NAME, flushed, files)));
    }

    private static ManifestState readFamilies(ByteReader r) throws ByteReader.Malformed {
        long next = r.i64();
        int nextFamily = r.i32();
        int countAt = r.position();
        int count = r.i32();
        if (count < 1 || count > MAX_FAMILIES) {
            throw new ByteReader.Malformed("family count " + count, countAt);
        }
        List<FamilyState> families = new ArrayList<>(count);
        Set<Integer> ids = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < count; i++) {
            int idAt = r.position();
            int id = r.i32();
            int nLen = r.varInt(MAX_NAME);
            int nOff = r.skip(nLen);
            String name = new String(r.array(), nOff, nLen, StandardCharsets.UTF_8);
            if (id < 0 || id >= nextFamily || !ids.add(id) || !names.add(name)) {
                throw new ByteReader.Malformed("family " + id + " '" + name + "' is a duplicate or beyond the next id "
                        + nextFamily, idAt);
            }
            long flushed = r.i64();
            families.add(new FamilyState(id, name, flushed, readFiles(r)));
        }
        if (!ids.contains(ManifestState.DEFAULT_FAMILY_ID)) {
            throw new ByteReader.Malformed("no default family", countAt);
        }
        return new ManifestState(next, nextFamily, List.copyOf(families));
    }

    private static List<FileMeta> readFiles(ByteReader r) throws ByteReader.Malformed {
        int countAt = r.position();
        int count = r.i32();
        if (count < 0 || count > MAX_FILES || (long) count * 43 > r.remaining()) {
            throw new ByteReader.Malformed("file count " + count, countAt);
        }
        byte[] b = r.array();
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
        return List.copyOf(files);
    }

    /** Replaces the manifest in {@code dir} with {@code state}, atomically and durably. */
    public static void write(Storage storage, Path dir, ManifestState state) throws IOException {
        byte[] b = encode(state);
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

    static byte[] encode(ManifestState state) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + state.allFiles().size() * 64);
        byte[] fixed = new byte[8];
        byte[] varint = new byte[10];
        out.write(MAGIC, 0, MAGIC.length);
        writeInt(out, fixed, VERSION);
        writeLong(out, fixed, state.nextFileNumber());
        writeInt(out, fixed, state.nextFamilyId());
        writeInt(out, fixed, state.families().size());
        for (FamilyState fam : state.families()) {
            writeInt(out, fixed, fam.id());
            byte[] name = fam.name().getBytes(StandardCharsets.UTF_8);
            out.write(varint, 0, Bytes.putVarLong(varint, 0, name.length));
            out.write(name, 0, name.length);
            writeLong(out, fixed, fam.flushedSeqno());
            writeInt(out, fixed, fam.files().size());
            for (FileMeta m : fam.files()) {
                out.write(m.level());
                for (long v : new long[]{m.fileNumber(), m.fileSize(), m.entryCount(), m.smallestSeqno(), m.largestSeqno()}) {
                    writeLong(out, fixed, v);
                }
                for (byte[] k : new byte[][]{m.smallestKey(), m.largestKey()}) {
                    out.write(varint, 0, Bytes.putVarLong(varint, 0, k.length));
                    out.write(k, 0, k.length);
                }
            }
        }
        byte[] body = out.toByteArray();
        CRC32C crc = new CRC32C();
        crc.update(body);
        byte[] b = Arrays.copyOf(body, body.length + 4);
        Bytes.putInt(b, body.length, (int) crc.getValue());
        return b;
    }

    private static void writeInt(ByteArrayOutputStream out, byte[] scratch, int v) {
        Bytes.putInt(scratch, 0, v);
        out.write(scratch, 0, 4);
    }

    private static void writeLong(ByteArrayOutputStream out, byte[] scratch, long v) {
        Bytes.putLong(scratch, 0, v);
        out.write(scratch, 0, 8);
    }
}
