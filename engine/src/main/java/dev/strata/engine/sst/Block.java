package dev.strata.engine.sst;

import dev.strata.engine.CorruptionException;
import dev.strata.engine.util.Bytes;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * One decompressed, checksum-verified block (layout in {@link TableFormat}), and iterators over
 * it. Immutable and safe to share between threads (the {@link BlockCache} hands one instance to
 * many readers); each {@link Iter} is single-threaded.
 *
 * <p>The checksum has already been verified when a block is built, so damage here means a
 * writer bug or damage the checksum could not see; decoding is still bounds-checked everywhere,
 * and every inconsistency is a {@link CorruptionException} naming the file and the block's
 * offset, never an index-out-of-bounds or a wrong entry.
 */
public final class Block {
    private final Path file;
    private final long fileOffset;
    private final byte[] data;
    private final int length;
    private final int restartsOffset;
    private final int numRestarts;

    /** Wraps {@code data[0, length)}; checks the restart array's shape. */
    Block(Path file, long fileOffset, byte[] data, int length) {
        this.file = file;
        this.fileOffset = fileOffset;
        this.data = data;
        this.length = length;
        if (length < 4) {
            throw corrupt("block shorter than its restart count", 0);
        }
        int n = Bytes.getInt(data, length - 4);
        if (n < 1 || n > (length - 4) / 4) {
            throw corrupt("bad restart count " + n, length - 4);
        }
        this.numRestarts = n;
        this.restartsOffset = length - 4 - 4 * n;
    }

    /** Bytes of memory this block holds, for the cache's accounting. */
    int charge() {
        return data.length + 96;
    }

    long fileOffset() {
        return fileOffset;
    }

    Path file() {
        return file;
    }

    Iter iterator() {
        return new Iter();
    }

    CorruptionException corrupt(String what, int at) {
        return new CorruptionException(file, fileOffset,
                "damaged block: " + what + " (block byte " + at + ")");
    }

    /** Order of internal keys: key ascending (unsigned), then seqno descending. */
    static int compare(byte[] a, int aOff, int aLen, long aSeq, byte[] b, int bOff, int bLen, long bSeq) {
        int c = Arrays.compareUnsigned(a, aOff, aOff + aLen, b, bOff, bOff + bLen);
        return c != 0 ? c : Long.compare(bSeq, aSeq);
    }

    /**
     * A cursor over the entries of the block. Positioned nowhere until a seek; {@link #valid}
     * says whether it is on an entry. The key is materialised in a buffer owned by the cursor
     * ({@link #key()}, valid up to {@link #keyLength()}) and the value is a slice of the block
     * ({@link #data()} at {@link #valueOffset()}): nothing is copied per entry.
     */
    final class Iter {
        private int current = restartsOffset;  // offset of the current entry; restartsOffset = invalid
        private int next = restartsOffset;     // offset just after the current entry
        private int restartIndex = numRestarts;
        private byte[] key = new byte[32];
        private int keyLen;
        private long seqno;
        private int kind;
        private int valueOff;
        private int valueLen;
        private int pos;                       // decoder scratch position

        boolean valid() {
            return current < restartsOffset;
        }

        byte[] key() {
            return key;
        }

        int keyLength() {
            return keyLen;
        }

        long seqno() {
            return seqno;
        }

        int kind() {
            return kind;
        }

        byte[] data() {
            return data;
        }

        int valueOffset() {
            return valueOff;
        }

        int valueLength() {
            return valueLen;
        }

        Block block() {
            return Block.this;
        }

        void seekToFirst() {
            seekToRestart(0);
            parseNext();
        }

        void seekToLast() {
            seekToRestart(numRestarts - 1);
            while (parseNext() && next < restartsOffset) {
                // walk to the last entry of the last restart run
            }
        }

        void next() {
            parseNext();
        }

        /** Steps back one entry: rescans from the restart point before it (LevelDB's way). */
        void prev() {
            if (!valid()) {
                return;
            }
            int original = current;
            while (restartPoint(restartIndex) >= original) {
                if (restartIndex == 0) {
                    current = restartsOffset;
                    next = restartsOffset;
                    restartIndex = numRestarts;
                    return;
                }
                restartIndex--;
            }
            seekToRestart(restartIndex);
            do {
                if (!parseNext()) {
                    throw corrupt("entry boundaries do not meet", original);
                }
            } while (next < original);
            if (next != original) {
                throw corrupt("entry boundaries do not meet", original);
            }
        }

        /** Positions at the first entry &gt;= (target[off, off+len), seq) in block order. */
        void seek(byte[] target, int off, int len, long seq) {
            int left = 0;
            int right = numRestarts - 1;
            while (left < right) {
                int mid = (left + right + 1) >>> 1;
                int p = restartPoint(mid);
                pos = p;
                int shared = readVarInt(p);
                int unshared = readVarInt(p);
                readVarInt(p); // value length: not needed to compare
                if (shared != 0) {
                    throw corrupt("restart entry shares a prefix", p);
                }
                int kOff = pos;
                checkFits(kOff, unshared, p);
                pos += unshared;
                long s = readVarLong(p);
                if (compare(data, kOff, unshared, s, target, off, len, seq) < 0) {
                    left = mid;
                } else {
                    right = mid - 1;
                }
            }
            seekToRestart(left);
            while (parseNext()) {
                if (compare(key, 0, keyLen, seqno, target, off, len, seq) >= 0) {
                    return;
                }
            }
        }

        private void seekToRestart(int index) {
            keyLen = 0;
            restartIndex = index;
            next = restartPoint(index);
            current = restartsOffset;
        }

        private int restartPoint(int index) {
            int p = Bytes.getInt(data, restartsOffset + 4 * index);
            if (p < 0 || p > restartsOffset) {
                throw corrupt("restart point " + p + " out of range", restartsOffset + 4 * index);
            }
            return p;
        }

        /** Decodes the entry at {@link #next}; false (and invalid) at the end of the block. */
        private boolean parseNext() {
            current = next;
            if (current >= restartsOffset) {
                current = restartsOffset;
                restartIndex = numRestarts;
                return false;
            }
            int p = current;
            pos = p;
            int shared = readVarInt(p);
            int unshared = readVarInt(p);
            int vLen = readVarInt(p);
            if (shared > keyLen) {
                throw corrupt("entry shares " + shared + " bytes of a " + keyLen + "-byte key", p);
            }
            checkFits(pos, unshared, p);
            int newLen = shared + unshared;
            if (newLen > key.length) {
                key = Arrays.copyOf(key, Math.max(newLen, key.length * 2));
            }
            System.arraycopy(data, pos, key, shared, unshared);
            keyLen = newLen;
            pos += unshared;
            seqno = readVarLong(p);
            checkFits(pos, 1, p);
            kind = data[pos++] & 0xFF;
            checkFits(pos, vLen, p);
            valueOff = pos;
            valueLen = vLen;
            next = pos + vLen;
            while (restartIndex + 1 < numRestarts && restartPoint(restartIndex + 1) <= current) {
                restartIndex++;
            }
            return true;
        }

        private void checkFits(int at, int n, int entry) {
            if (n < 0 || at > restartsOffset - n) {
                throw corrupt("entry runs past the end of the block", entry);
            }
        }

        private long readVarLong(int entry) {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= restartsOffset) {
                    throw corrupt("truncated varint", entry);
                }
                int b = data[pos++] & 0xFF;
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw corrupt("varint longer than 10 bytes", entry);
        }

        private int readVarInt(int entry) {
            long v = readVarLong(entry);
            if (v < 0 || v > Integer.MAX_VALUE) {
                throw corrupt("length " + v + " out of range", entry);
            }
            return (int) v;
        }
    }
}
