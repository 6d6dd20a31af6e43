package dev.strata.engine.sst;

/**
 * Where a block lies in a table file: the offset of its payload and the payload's size; the
 * {@link TableFormat#BLOCK_TRAILER_SIZE} trailer bytes (type, crc32c) follow the payload.
 * An offset of 0 means "absent" (offset 0 is the header, never a block).
 */
public record BlockHandle(long offset, int size) {
    public static final BlockHandle ABSENT = new BlockHandle(0, 0);

    public boolean isPresent() {
        return offset != 0;
    }

    /** The offset just after the block's trailer. */
    public long end() {
        return offset + size + TableFormat.BLOCK_TRAILER_SIZE;
    }

    /** Whether the whole block, trailer included, lies between the header and {@code limit}. */
    boolean fitsIn(long limit) {
        return offset >= TableFormat.HEADER_SIZE && size >= 0
                && size <= Integer.MAX_VALUE - TableFormat.BLOCK_TRAILER_SIZE
                && offset <= limit && end() <= limit;
    }
}
