package dev.strata.engine;

import java.nio.file.Path;

/**
 * A file is damaged: a checksum does not match, a length runs past the end, a sequence number
 * is out of order. Always names the file and the byte offset where the damage was found, so an
 * operator can inspect it. Code {@link ErrorCode#CORRUPTION}.
 */
public class CorruptionException extends StrataException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long offset;

    public CorruptionException(Path file, long offset, String what) {
        super(ErrorCode.CORRUPTION, what + " in " + file + " at offset " + offset);
        this.file = file;
        this.offset = offset;
    }

    /** The damaged file. */
    public Path file() {
        return file;
    }

    /** The byte offset in {@link #file()} where the damage was detected. */
    public long offset() {
        return offset;
    }
}
