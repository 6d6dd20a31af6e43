package dev.strata.engine.backup;

import dev.strata.engine.CorruptionException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The metadata of one backup: the file {@code meta/<id>} in a backup directory, written last (to
 * a temporary name, forced, renamed), so a backup lists as complete only when all its files are
 * in place. Text, one field per line, so an operator can read it; checksummed, so damage is never
 * taken for a smaller backup.
 *
 * <pre>
 * STRATA-BACKUP 1
 * id 7
 * timestamp 1764070000000
 * seqno 123456
 * metadata &lt;base64 of the application's bytes, may be empty&gt;
 * file shared/00000000000000000012_1a2b3c4d_4096.sst 4096 1a2b3c4d
 * file private/7/MANIFEST 180 0badf00d
 * file private/7/wal/00000000000000000003.wal 9000 deadbeef
 * crc 89abcdef
 * </pre>
 *
 * {@code file} lines: a path relative to the backup directory, under {@code shared/} or
 * {@code private/<id>/} only (no {@code ..}, no absolute path, checked when read), the size in
 * bytes and the CRC32C of the whole file (hex). {@code crc} is the CRC32C of every byte before
 * that line. Sizes and counts are bounded so a hostile file cannot make a reader allocate wildly.
 */
public record BackupMeta(long id, long timestamp, long seqno, byte[] metadata, List<FileEntry> files) {
    static final String MAGIC = "STRATA-BACKUP 1";
    static final int MAX_FILES = 1 << 20;
    static final int MAX_METADATA = 1 << 20;
    static final long MAX_META_FILE = 256L << 20;
    private static final java.util.regex.Pattern SAFE_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_.-]{1,128}");

    /** One file of a backup. */
    public record FileEntry(String path, long size, int crc) {
    }

    public long totalBytes() {
        long n = 0;
        for (FileEntry f : files) {
            n += f.size();
        }
        return n;
    }

    byte[] encode() {
        StringBuilder b = new StringBuilder();
        b.append(MAGIC).append('\n');
        b.append("id ").append(id).append('\n');
        b.append("timestamp ").append(timestamp).append('\n');
        b.append("seqno ").append(seqno).append('\n');
        b.append("metadata ").append(Base64.getEncoder().encodeToString(metadata)).append('\n');
        for (FileEntry f : files) {
            b.append("file ").append(f.path()).append(' ').append(f.size()).append(' ')
                    .append(String.format("%08x", f.crc())).append('\n');
        }
        byte[] body = b.toString().getBytes(StandardCharsets.UTF_8);
        CRC32C crc = new CRC32C();
        crc.update(body);
        byte[] tail = String.format("crc %08x%n", (int) crc.getValue()).replace(System.lineSeparator(), "\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[body.length + tail.length];
        System.arraycopy(body, 0, out, 0, body.length);
        System.arraycopy(tail, 0, out, body.length, tail.length);
        return out;
    }

    /**
     * Decodes and checks a metadata file; any damage or hostile content is a
     * {@link CorruptionException}. The encoder writes ASCII only (numbers, base64, names of safe
     * characters), so a byte above 0x7F is damage, and a character offset is a byte offset.
     */
    static BackupMeta decode(byte[] b, Path file) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] < 0) {
                throw new CorruptionException(file, i, "backup metadata is not ASCII text");
            }
        }
        String text = new String(b, StandardCharsets.US_ASCII);
        int lastLine = text.lastIndexOf("\ncrc ");
        if (!text.startsWith(MAGIC + "\n") || lastLine < 0 || !text.endsWith("\n")) {
            throw new CorruptionException(file, 0, "not a Strata backup metadata file");
        }
        int bodyLen = lastLine + 1;
        CRC32C crc = new CRC32C();
        crc.update(b, 0, bodyLen);
        String stored = text.substring(lastLine + 5, text.length() - 1);
        if (!stored.equals(String.format("%08x", (int) crc.getValue()))) {
            throw new CorruptionException(file, bodyLen, "backup metadata checksum mismatch");
        }
        String[] lines = text.substring(0, lastLine).split("\n", -1);
        long offset = 0;
        try {
            long id = Long.parseLong(field(lines, 1, "id"));
            long timestamp = Long.parseLong(field(lines, 2, "timestamp"));
            long seqno = Long.parseLong(field(lines, 3, "seqno"));
            byte[] metadata = Base64.getDecoder().decode(field(lines, 4, "metadata"));
            if (metadata.length > MAX_METADATA || id <= 0 || seqno < 0) {
                throw new IllegalArgumentException("id, seqno or metadata out of range");
            }
            List<FileEntry> files = new ArrayList<>();
            long lineStart = 0;
            for (int i = 0; i < 5; i++) {
                lineStart += lines[i].length() + 1;
            }
            for (int i = 5; i < lines.length; i++) {
                offset = lineStart;
                lineStart += lines[i].length() + 1;
                String[] f = field(lines, i, "file").split(" ");
                if (f.length != 3 || files.size() >= MAX_FILES) {
                    throw new IllegalArgumentException("malformed file line");
                }
                long size = Long.parseLong(f[1]);
                if (size < 0) {
                    throw new IllegalArgumentException("negative size");
                }
                files.add(new FileEntry(checkPath(f[0], id), size, Integer.parseUnsignedInt(f[2], 16)));
            }
            return new BackupMeta(id, timestamp, seqno, metadata, List.copyOf(files));
        } catch (RuntimeException e) {
            throw new CorruptionException(file, offset, "malformed backup metadata: " + e.getMessage());
        }
    }

    private static String field(String[] lines, int i, String name) {
        if (i >= lines.length || !lines[i].startsWith(name + " ")) {
            throw new IllegalArgumentException("line " + (i + 1) + " is not '" + name + "'");
        }
        return lines[i].substring(name.length() + 1);
    }

    /**
     * A path a backup may name: {@code shared/<name>} or {@code private/<id>/<name>} or
     * {@code private/<id>/wal/<name>}, names of safe characters only. Anything else (an
     * absolute path, {@code ..}, another backup's private files) is refused.
     */
    static String checkPath(String p, long id) {
        String[] parts = p.split("/", -1);
        boolean shape = (parts.length == 2 && parts[0].equals(BackupLayout.SHARED))
                || (parts.length == 3 && parts[0].equals(BackupLayout.PRIVATE) && parts[1].equals(Long.toString(id)))
                || (parts.length == 4 && parts[0].equals(BackupLayout.PRIVATE) && parts[1].equals(Long.toString(id))
                && parts[2].equals("wal"));
        String name = parts[parts.length - 1];
        if (!shape || !SAFE_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("path '" + p + "' is outside the backup's own files");
        }
        return p;
    }
}
