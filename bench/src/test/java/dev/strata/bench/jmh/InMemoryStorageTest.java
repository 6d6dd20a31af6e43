package dev.strata.bench.jmh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.engine.vfs.DirectoryLock;
import dev.strata.engine.vfs.LockHeldException;
import dev.strata.engine.vfs.StorageFile;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The benchmarks' heap storage behaves as the engine's Storage contract says a file system does. */
class InMemoryStorageTest {
    private static final Path DIR = Path.of("/t");
    private static final int PAGE = InMemoryFile.PAGE;

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        return b;
    }

    private static byte[] readAll(StorageFile f, long from, int n) throws Exception {
        ByteBuffer dst = ByteBuffer.allocate(n);
        f.readFully(from, dst);
        return dst.array();
    }

    @Test
    void writesAcrossPagesReadBackAndGapsReadAsZeros() throws Exception {
        InMemoryStorage s = new InMemoryStorage();
        StorageFile f = s.create(DIR.resolve("a"));
        byte[] data = random(3 * PAGE + 17, 1);
        f.write(PAGE - 5, data, 0, data.length);
        assertEquals(PAGE - 5 + data.length, f.size());
        assertArrayEquals(data, readAll(f, PAGE - 5, data.length));
        assertArrayEquals(new byte[PAGE - 5], readAll(f, 0, PAGE - 5), "never-written bytes are zeros");
        assertEquals(-1, f.read(f.size(), ByteBuffer.allocate(1)), "end of file");
        assertEquals(f.size(), s.size(DIR.resolve("a")));
    }

    @Test
    void truncateDropsTheTailAndExtendingReadsZeros() throws Exception {
        InMemoryStorage s = new InMemoryStorage();
        StorageFile f = s.create(DIR.resolve("a"));
        byte[] data = random(2 * PAGE + 100, 2);
        f.write(0, data, 0, data.length);
        f.truncate(PAGE + 10);
        assertEquals(PAGE + 10, f.size());
        f.truncate(2 * PAGE + 100);
        byte[] back = readAll(f, 0, 2 * PAGE + 100);
        for (int i = 0; i < back.length; i++) {
            assertEquals(i < PAGE + 10 ? data[i] : 0, back[i], "byte " + i);
        }
    }

    @Test
    void deletedFilesGiveTheirPagesToLaterFilesZeroed() throws Exception {
        InMemoryStorage s = new InMemoryStorage();
        byte[] data = random(4 * PAGE, 3);
        for (int i = 0; i < 10; i++) {
            Path p = DIR.resolve("seg" + i);
            StorageFile f = s.create(p);
            assertArrayEquals(new byte[PAGE], readAll(growTo(f, PAGE), 0, PAGE), "a reused page starts zeroed");
            f.write(0, data, 0, data.length);
            assertTrue(s.delete(p));
        }
        assertEquals(4, s.pagesAllocated(), "each file reused the pages of the one deleted before it");
        assertFalse(s.delete(DIR.resolve("seg0")), "already deleted");
        assertEquals(0, s.totalBytes());
    }

    private static StorageFile growTo(StorageFile f, long size) throws Exception {
        f.truncate(size);
        return f;
    }

    @Test
    void namespaceOperationsFollowTheStorageContract() throws Exception {
        InMemoryStorage s = new InMemoryStorage();
        s.createDirectories(DIR.resolve("sub"));
        assertTrue(s.exists(DIR) && s.exists(DIR.resolve("sub")));
        s.create(DIR.resolve("b")).write(0, new byte[] {1}, 0, 1);
        s.create(DIR.resolve("a"));
        assertThrows(FileAlreadyExistsException.class, () -> s.create(DIR.resolve("a")));
        assertThrows(NoSuchFileException.class, () -> s.openReadOnly(DIR.resolve("c")));
        assertEquals(List.of("a", "b"), s.list(DIR));
        s.rename(DIR.resolve("b"), DIR.resolve("a"));
        assertEquals(List.of("a"), s.list(DIR));
        assertEquals(1, s.openWritable(DIR.resolve("a")).size(), "the rename replaced the old target");
        assertEquals(1, s.fileCount());
        DirectoryLock lock = s.lock(DIR.resolve("LOCK"));
        assertThrows(LockHeldException.class, () -> s.lock(DIR.resolve("LOCK")));
        lock.close();
        s.lock(DIR.resolve("LOCK")).close(); // free again once released
    }
}
