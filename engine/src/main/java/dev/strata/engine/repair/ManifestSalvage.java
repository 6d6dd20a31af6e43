package dev.strata.engine.repair;

import dev.strata.engine.CorruptionException;
import dev.strata.engine.lsm.Version;
import dev.strata.engine.manifest.FileMeta;
import dev.strata.engine.manifest.Manifest;
import dev.strata.engine.manifest.ManifestState;
import dev.strata.engine.manifest.ManifestState.FamilyState;
import dev.strata.engine.util.ByteReader;
import dev.strata.engine.vfs.Storage;
import dev.strata.engine.vfs.StorageFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What {@link DatabaseRepair} can learn from a database's manifest: all of it when its checksum
 * holds ({@link Manifest#read}); when it does not, whatever its readable beginning says, read
 * without the checksum by the grammar of docs/format.md and stopping at the first field that
 * cannot be whole (a manifest cut short keeps every entry before the cut).
 *
 * <p>Nothing read this way is trusted on its own: the repair keeps a table under a salvaged
 * entry only when the table's own checksummed properties agree with every field of the entry
 * (number, size, entries, seqnos, keys), and uses the header's next column-family id only to
 * learn whether any family other than the default one ever existed. The magic and the version
 * must be right, or nothing is read at all.
 */
final class ManifestSalvage {
    /** How the manifest was found. */
    enum Status { SOUND, DAMAGED, ABSENT }

    /**
     * What was read.
     *
     * @param status         sound, damaged or absent
     * @param damage         why the manifest does not read (null unless damaged)
     * @param nextFileNumber the next table number it records, or -1 if unread
     * @param nextFamilyId   the next column-family id it records, or -1 if unread
     * @param familyCount    how many families it says it holds, or -1 if unread
     * @param families       the family entries read whole enough to know id, name and flushed
     *                       seqno; a family's file list holds the file entries read whole
     * @param complete       whether every family and file entry was read (only the checksum, or
     *                       nothing, is missing)
     */
    record Salvaged(Status status, CorruptionException damage, long nextFileNumber, int nextFamilyId, int familyCount,
                    List<FamilyState> families, boolean complete) {
        /** Whether no family but the default one ever existed, as far as the manifest says. */
        boolean onlyDefaultFamilyEverExisted() {
            return nextFamilyId == 1;
        }
    }

    private static final int MAX_FAMILIES = 1 << 16;
    private static final int MAX_FILES = 1 << 20;
    private static final int MAX_NAME = 1024;
    private static final int MAX_READ = 256 << 20;

    private ManifestSalvage() {
    }

    static Salvaged read(Storage storage, Path dir) throws IOException {
        Path path = dir.resolve(Manifest.FILE);
        if (!storage.exists(path)) {
            return new Salvaged(Status.ABSENT, null, -1, -1, -1, List.of(), false);
        }
        try {
            ManifestState s = Manifest.read(storage, dir);
            return new Salvaged(Status.SOUND, null, s.nextFileNumber(), s.nextFamilyId(), s.families().size(),
                    s.families(), true);
        } catch (CorruptionException e) {
            return lenient(storage, path, e);
        }
    }

    private static Salvaged lenient(Storage storage, Path path, CorruptionException damage) throws IOException {
        byte[] b;
        try (StorageFile f = storage.openReadOnly(path)) {
            b = new byte[(int) Math.min(f.size(), MAX_READ)];
            f.readFully(0, ByteBuffer.wrap(b));
        }
        Reading r = new Reading(b);
        try {
            r.parse();
        } catch (ByteReader.Malformed stop) {
            // The readable part ends here; what was read before it stands.
        }
        return new Salvaged(Status.DAMAGED, damage, r.nextFileNumber, r.nextFamilyId, r.familyCount,
                List.copyOf(r.families), r.complete);
    }

    /** One lenient pass over the bytes; fields stay -1 (lists short) where reading stopped. */
    private static final class Reading {
        private final byte[] bytes;
        long nextFileNumber = -1;
        int nextFamilyId = -1;
        int familyCount = -1;
        final List<FamilyState> families = new ArrayList<>();
        boolean complete;

        Reading(byte[] bytes) {
            this.bytes = bytes;
        }

        void parse() throws ByteReader.Malformed {
            ByteReader r = new ByteReader(bytes, 0, bytes.length);
            int magicAt = r.skip(8);
            int version = r.i32();
            if (!Arrays.equals(bytes, magicAt, magicAt + 8, "STRATAMF".getBytes(StandardCharsets.US_ASCII), 0, 8)
                    || (version != 1 && version != Manifest.VERSION)) {
                return; // not recognisably a manifest: trust nothing in it
            }
            if (version == 1) {
                long next = r.i64();
                nextFileNumber = next;
                nextFamilyId = 1;
                familyCount = 1;
                long flushed = r.i64();
                List<FileMeta> files = new ArrayList<>();
                boolean whole = files(r, files);
                families.add(new FamilyState(ManifestState.DEFAULT_FAMILY_ID, ManifestState.DEFAULT_FAMILY_NAME, flushed,
                        List.copyOf(files)));
                complete = whole;
                return;
            }
            long next = r.i64();
            int nextFamily = r.i32();
            int count = r.i32();
            if (nextFamily < 1 || count < 1 || count > MAX_FAMILIES || count > nextFamily) {
                return;
            }
            nextFileNumber = next;
            nextFamilyId = nextFamily;
            familyCount = count;
            Set<Integer> ids = new HashSet<>();
            Set<String> names = new HashSet<>();
            for (int i = 0; i < count; i++) {
                int id = r.i32();
                String name = utf8(r, r.varInt(MAX_NAME));
                if (id < 0 || id >= nextFamily || !ids.add(id) || !names.add(name)) {
                    return;
                }
                long flushed = r.i64();
                List<FileMeta> files = new ArrayList<>();
                boolean whole;
                try {
                    whole = files(r, files);
                } finally {
                    families.add(new FamilyState(id, name, flushed, List.copyOf(files)));
                }
                if (!whole) {
                    return;
                }
            }
            complete = true;
        }

        /** Reads a file count and as many whole file entries as there are; returns whether all were read. */
        private static boolean files(ByteReader r, List<FileMeta> out) throws ByteReader.Malformed {
            int count = r.i32();
            if (count < 0 || count > MAX_FILES) {
                return false;
            }
            for (int i = 0; i < count; i++) {
                int level = r.u8();
                long number = r.i64();
                long size = r.i64();
                long entries = r.i64();
                long smallestSeqno = r.i64();
                long largestSeqno = r.i64();
                byte[] smallest = bytes(r);
                byte[] largest = bytes(r);
                if (level >= Version.MAX_LEVELS) {
                    return false;
                }
                out.add(new FileMeta(number, level, size, entries, smallestSeqno, largestSeqno, smallest, largest));
            }
            return true;
        }

        private static byte[] bytes(ByteReader r) throws ByteReader.Malformed {
            int len = r.varInt(r.remaining());
            int off = r.skip(len);
            return Arrays.copyOfRange(r.array(), off, off + len);
        }

        private static String utf8(ByteReader r, int len) throws ByteReader.Malformed {
            int off = r.skip(len);
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(r.array(), off, len)).toString();
            } catch (CharacterCodingException e) {
                throw new ByteReader.Malformed("column family name is not UTF-8", off);
            }
        }
    }
}
