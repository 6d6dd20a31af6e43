package dev.strata.engine.backup;

import dev.strata.engine.CorruptionException;
import dev.strata.engine.CrashTesting;
import dev.strata.engine.Fuzzing;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Fuzzing of the backup metadata decoder ({@link BackupMeta#decode}, DESIGN.md D3). Metadata is
 * text with a CRC32C line, so most mutations <em>re-seal the checksum</em>, as a hostile or buggy
 * writer would, and the decoder itself meets hostile numbers, base64, paths (outside the backup's
 * own files, other backups' files, absolute, {@code ..}), field counts, line order, line endings,
 * invalid UTF-8 and many thousands of file lines. Each case must decode or raise a
 * {@link CorruptionException} naming the metadata file and an offset inside it, within the
 * {@link Fuzzing} bounds (memory linear in the input: at most 4 MiB + 32 bytes per input byte;
 * 5 s). A decoded case must hold only paths a
 * backup may name. Every 64th case also goes through {@link Backups#list} on a real backup
 * directory, which must report the damage on that backup, never throw. CI: 20,000 cases; soak:
 * 1,000,000.
 */
class BackupMetaFuzzTest {
    private static final long ID = 7;

    @Test
    void hostileMetadataDecodesOrFailsTypedWithinBounds() throws Exception {
        Path dir = CrashTesting.scratchDir("strata-backupmeta-fuzz");
        try {
            fuzz(dir);
        } finally {
            CrashTesting.deleteTree(dir);
        }
    }

    private static void fuzz(Path dir) throws Exception {
        List<BackupMeta.FileEntry> files = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            files.add(new BackupMeta.FileEntry(String.format("shared/%020d_%08x_%d.sst", 12 + i, 0x1a2b3c4d + i, 4096 + i),
                    4096 + i, 0x1a2b3c4d + i));
        }
        files.add(new BackupMeta.FileEntry("private/7/MANIFEST", 180, 0x0badf00d));
        files.add(new BackupMeta.FileEntry("private/7/wal/00000000000000000003.wal", 9000, 0xdeadbeef));
        byte[] good = new BackupMeta(ID, 1_764_070_000_000L, 123_456, "app metadata".getBytes(StandardCharsets.UTF_8),
                files).encode();
        Path metaFile = dir.resolve("backups").resolve(BackupLayout.META).resolve(Long.toString(ID));
        Files.createDirectories(metaFile.getParent());
        // 32 bytes per input byte: each ~60-byte file line becomes a dozen small objects (its line,
        // fields, path parts, entry), about 700 bytes of heap; the bound stays linear.
        Fuzzing fuzz = new Fuzzing("BackupMetaFuzzTest", 32);
        int cases = CrashTesting.scaled(20_000, 1_000_000);
        int[] listed = new int[2];
        assertTimeoutPreemptively(Duration.ofMinutes(CrashTesting.scaled(2, 60)), () -> {
            Random r = fuzz.random();
            for (int i = 0; i < cases; i++) {
                int kind = r.nextInt(10);
                byte[] b = mutate(r, kind, good);
                int size = b.length;
                fuzz.check("mutation " + kind, size, () -> checkDecoded(BackupMeta.decode(b, metaFile)),
                        e -> e instanceof CorruptionException c && c.file().equals(metaFile) && c.offset() >= 0
                                && c.offset() <= size);
                if (i % 64 == 0) {
                    Files.write(metaFile, b);
                    fuzz.check("list, mutation " + kind, size, () -> listed[listOne(metaFile.getParent().getParent())]++,
                            e -> false);
                }
            }
        });
        System.out.println(fuzz.summary() + "; through Backups.list: " + listed[0] + " good, " + listed[1] + " reported damaged");
        assertThat(fuzz.failures()).as(fuzz.summary()).isEmpty();
        assertThat(fuzz.rejected()).as("damage is found").isGreaterThan(cases / 4);
        assertThat(fuzz.cases() - fuzz.rejected()).as("some hostile but well-formed metadata decodes").isPositive();
    }

    /** A decoded file names only its own files, with sizes and counts in range. */
    private static void checkDecoded(BackupMeta m) {
        if (m.id() <= 0 || m.seqno() < 0 || m.files().size() > BackupMeta.MAX_FILES) {
            throw new AssertionError("decoded out of range: id " + m.id() + ", seqno " + m.seqno());
        }
        for (BackupMeta.FileEntry f : m.files()) {
            String p = f.path();
            boolean own = p.startsWith(BackupLayout.SHARED + "/") || p.startsWith(BackupLayout.PRIVATE + "/" + m.id() + "/");
            if (!own || p.contains("..") || p.startsWith("/") || p.contains("\\") || f.size() < 0) {
                throw new AssertionError("decoded a file outside the backup's own: " + f);
            }
        }
    }

    /** Lists the backup directory: 0 if the backup lists as good, 1 if it is reported damaged. */
    private static int listOne(Path backupDir) {
        List<BackupInfo> infos = Backups.list(backupDir);
        if (infos.size() != 1 || infos.get(0).id() != ID) {
            throw new AssertionError("listed " + infos);
        }
        return infos.get(0).isGood() ? 0 : 1;
    }

    // ------------------------------------------------------------------ mutations

    private static byte[] mutate(Random r, int kind, byte[] good) {
        List<String> lines = body(good);
        switch (kind) {
            case 0 -> {
                byte[] b = good.clone();
                Fuzzing.scribble(r, b, 0, b.length); // the checksum line not recomputed
                return b;
            }
            case 1 -> {
                byte[] body = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
                Fuzzing.scribble(r, body, 0, body.length);
                return seal(body);
            }
            case 2 -> {
                int i = 1 + r.nextInt(3); // id, timestamp or seqno
                lines.set(i, lines.get(i).substring(0, lines.get(i).indexOf(' ') + 1) + hostileNumber(r));
            }
            case 3 -> lines.set(4, "metadata " + hostileBase64(r));
            case 4 -> {
                int i = 5 + r.nextInt(lines.size() - 5);
                String[] f = lines.get(i).split(" ");
                int field = 1 + r.nextInt(3);
                f[field] = field == 1 ? hostilePath(r) : field == 2 ? hostileNumber(r) : hostileHex(r);
                lines.set(i, r.nextInt(8) == 0 ? String.join(" ", f) + " extra" : String.join(" ", f));
            }
            case 5 -> {
                // Many distinct file lines (a backup of a large database has tens of thousands):
                // the decoder's time and memory must stay linear in them.
                int n = 1 + r.nextInt(r.nextInt(200) == 0 ? 40_000 : 300);
                List<String> more = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    more.add("file shared/" + (100_000_000 + i) + "_1a2b3c4d_" + (4096 + i) + ".sst " + (4096 + i) + " 1a2b3c4d");
                }
                if (r.nextBoolean()) {
                    more.set(r.nextInt(n), hostileLine(r));
                }
                lines.addAll(5, more);
            }
            case 6 -> {
                byte[] cut = Fuzzing.resize(r, String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
                return seal(cut);
            }
            case 7 -> {
                // Lines dropped, repeated, swapped or emptied.
                int i = r.nextInt(lines.size());
                int j = r.nextInt(lines.size());
                switch (r.nextInt(4)) {
                    case 0 -> lines.remove(i);
                    case 1 -> lines.add(i, lines.get(j));
                    case 2 -> Collections.swap(lines, i, j);
                    default -> lines.set(i, "");
                }
            }
            case 8 -> {
                byte[] b = new byte[r.nextInt(r.nextBoolean() ? 64 : 8192)];
                r.nextBytes(b);
                if (r.nextBoolean() && b.length > 16) {
                    System.arraycopy((BackupMeta.MAGIC + "\n").getBytes(StandardCharsets.UTF_8), 0, b, 0, 16);
                    return r.nextBoolean() ? seal(b) : b;
                }
                return b;
            }
            default -> {
                // Other line endings and bytes that are not UTF-8.
                String text = String.join("\n", lines);
                if (r.nextBoolean()) {
                    text = text.replace("\n", "\r\n");
                }
                byte[] b = text.getBytes(StandardCharsets.UTF_8);
                if (r.nextBoolean() && b.length > 0) {
                    b[r.nextInt(b.length)] = (byte) (0x80 | r.nextInt(0x80));
                }
                return seal(b);
            }
        }
        return seal(String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
    }

    /** The lines before the checksum line. */
    private static List<String> body(byte[] good) {
        String text = new String(good, StandardCharsets.UTF_8);
        return new ArrayList<>(Arrays.asList(text.substring(0, text.lastIndexOf("\ncrc ")).split("\n", -1)));
    }

    /** {@code body}, a newline, and a checksum line that matches it, as the encoder writes it. */
    private static byte[] seal(byte[] body) {
        byte[] withNewline = Arrays.copyOf(body, body.length + 1);
        withNewline[body.length] = '\n';
        CRC32C crc = new CRC32C();
        crc.update(withNewline);
        byte[] tail = String.format("crc %08x\n", (int) crc.getValue()).getBytes(StandardCharsets.UTF_8);
        byte[] out = Arrays.copyOf(withNewline, withNewline.length + tail.length);
        System.arraycopy(tail, 0, out, withNewline.length, tail.length);
        return out;
    }

    private static String hostileNumber(Random r) {
        String[] n = {"0", "-1", "-9223372036854775808", "9223372036854775807", "9223372036854775808",
            "99999999999999999999999", "", " 5", "5 ", "+5", "0x10", "1e9", "NaN", "\u0661\u0662", "2147483648",
            Long.toString(r.nextLong())};
        return n[r.nextInt(n.length)];
    }

    private static String hostileHex(Random r) {
        String[] h = {"", "0", "ffffffff", "fffffffff", "-1", "0x1", "zzzzzzzz", "1A2B3C4D", Integer.toHexString(r.nextInt())};
        return h[r.nextInt(h.length)];
    }

    private static String hostileBase64(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> "";
            case 1 -> "====";
            case 2 -> "not base64!";
            case 3 -> "QUJD\u00e9";
            case 4 -> "A".repeat(1 + r.nextInt(r.nextInt(100) == 0 ? 2_000_000 : 20_000)); // decoded over 1 MiB at the top
            default -> java.util.Base64.getEncoder().encodeToString(new byte[r.nextInt(4096)]);
        };
    }

    private static String hostilePath(Random r) {
        String[] p = {"../outside.sst", "/etc/passwd", "shared/../../x", "shared/", "shared", "private/8/MANIFEST",
            "private/7/../8/MANIFEST", "private/7/wal/../../../x", "private/7/sub/dir/x", "shared/a/b", "shared/.",
            "shared/..", "shared/" + "n".repeat(129), "shared/\u00e9t\u00e9.sst", "shared\\x.sst", "tmp/x",
            "private/07/MANIFEST", "shared/ok name.sst", "PRIVATE/7/MANIFEST", ""};
        return p[r.nextInt(p.length)];
    }

    private static String hostileLine(Random r) {
        return "file " + hostilePath(r) + " " + hostileNumber(r) + " " + hostileHex(r);
    }
}
