package dev.strata.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Bytes this process has passed to write-like system calls: {@code wchar} in /proc/self/io
 * (Linux). That includes background threads (RocksDB compaction, MVStore's writer) and bytes that
 * land in the page cache and are later overwritten, and excludes writes through mmap (none of the
 * three engines writes data files that way). {@code write_bytes} (bytes that reached the block
 * device) would be closer to device wear but is zero on tmpfs and lags behind writeback, so runs
 * would not be comparable. Returns -1 where /proc/self/io does not exist.
 */
final class IoCounter {
    private static final Path PROC_IO = Path.of("/proc/self/io");

    private IoCounter() {
    }

    static long writtenBytes() {
        if (!Files.isReadable(PROC_IO)) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(PROC_IO)) {
                if (line.startsWith("wchar:")) {
                    return Long.parseLong(line.substring("wchar:".length()).trim());
                }
            }
            throw new IllegalStateException("no wchar line in " + PROC_IO);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + PROC_IO, e);
        }
    }
}
